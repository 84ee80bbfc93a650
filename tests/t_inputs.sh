# t_inputs.sh: every kind of input and every option value, without a
# container runtime: what is accepted, what is refused and how, and that
# large programs stream through in constant memory.
. "$(dirname "$0")/lib.sh"

W=$(mktemp_dir)
ASM=$TOP/asm
VALIDATE="python3 $TOP/tests/validate.py"

# build_ok NAME ARGS...: the build succeeds (output in $W/ok.tar).
build_ok() {
	local name=$1 out
	shift
	rm -f "$W/ok.tar"
	if out=$("$TINYIMG" build -q "$@" -o "$W/ok.tar" 2>&1) && [ -s "$W/ok.tar" ]; then
		pass "$name"
	else
		fail "$name" "$out"
	fi
}

# refuse NAME STATUS TEXT ARGS...: the build fails with STATUS, says TEXT,
# writes no output and leaves nothing in its TMPDIR.
refuse() {
	local name=$1 want=$2 text=$3 tmpd st
	shift 3
	tmpd=$(mktemp -d "$W/tmp.XXXXXX")
	rm -f "$W/bad.tar"
	TMPDIR=$tmpd "$TINYIMG" build "$@" -o "$W/bad.tar" >"$W/out" 2>"$W/err"
	st=$?
	if [ "$st" != "$want" ] || ! grep -qF -- "$text" "$W/err"; then
		fail "$name" "want exit $want and '$text'; got exit $st: $(cat "$W/err")"
	elif [ -e "$W/bad.tar" ] || [ -n "$(ls -A "$tmpd")" ]; then
		fail "$name" "left files behind"
	else
		pass "$name: exit $want, '$text'"
	fi
}

# --- architectures ------------------------------------------------------------
build_ok "64-bit hello (BITS 64 picks amd64)" "$ASM/hello64.asm"
check "...its image is amd64" "amd64" "$($VALIDATE "$W/ok.tar" arch)"
size=$($VALIDATE "$W/ok.tar" program_size)
[ "$size" -le 170 ] && pass "64-bit hello is $size bytes (<= 170)" || fail "64-bit hello <= 170 bytes" "$size"
build_ok "--arch amd64 on 64-bit source" --arch amd64 "$ASM/hello64.asm"
refuse "BITS 32 source with --arch amd64" 1 "says BITS 32, which is not code for --arch amd64" --arch amd64 "$ASM/hello.asm"
refuse "BITS 64 source with --arch 386" 1 "says BITS 64, which is not code for --arch 386" --arch 386 "$ASM/hello64.asm"
printf '        SECTION .text\n        global _start\n_start: mov rax, 60\n        syscall\n' >"$W/nobits64.asm"
refuse "64-bit code with no BITS line builds for 386 and nasm says why it cannot" 1 "nasm failed on $W/nobits64.asm" "$W/nobits64.asm"
build_ok "...and builds with --arch amd64" --arch amd64 "$W/nobits64.asm"

# --- hand-written ELF headers (ORG): nasm -f bin makes the whole program ---
build_ok "a source with its own ELF headers (ORG) builds" "$ASM/handmade.asm"
nasm -f bin -o "$W/handmade" "$ASM/handmade.asm"
check "...into exactly nasm -f bin's bytes, 127 of them, for 386" \
	"$(sha256_of "$W/handmade") 127 386" \
	"$($VALIDATE "$W/ok.tar" program_sha256 program_size arch | tr '\n' ' ' | sed 's/ $//')"
printf 'BITS 32\norg 0x08048000\nmov eax, 1\nint 0x80\n' >"$W/flat.asm"
refuse "ORG source without ELF headers" 1 "$W/flat.asm: has an ORG line, so nasm made a flat binary, but it does not start with ELF headers" "$W/flat.asm"
sed 's/dd _start /dd 0x1000 /' "$ASM/handmade.asm" >"$W/badentry.asm"
refuse "hand-written headers whose entry point is outside the code" 1 "$W/badentry.asm: entry point 0x1000 is not inside an executable PT_LOAD segment" "$W/badentry.asm"

# asm/tiny.asm: the same program with its headers overlapped, <= 105 bytes.
# The binfmt_misc entry that runs i386 programs through qemu on hosts
# without ia32 support (as tests/daemons.sh registers it) must match it.
BINFMT_I386_MAGIC='\x7fELF\x01\x01\x01\x00\x00\x00\x00\x00\x00\x00\x00\x00\x02\x00\x03\x00'
BINFMT_I386_MASK='\xff\xff\xff\xff\xff\xfe\xfe\x00\xff\xff\xff\xff\xff\xff\xff\xff\xfe\xff\xff\xff'
# binfmt_i386_matches FILE: FILE's first 20 bytes equal the magic under the mask.
binfmt_i386_matches() {
	python3 - "$1" "$BINFMT_I386_MAGIC" "$BINFMT_I386_MASK" <<'PY'
import sys
head = open(sys.argv[1], "rb").read(20)
magic, mask = (s.encode().decode("unicode_escape").encode("latin-1")
               for s in sys.argv[2:4])
sys.exit(len(head) != 20 or
         any(h & m != g & m for h, g, m in zip(head, magic, mask)))
PY
}
# ran PROGRAM...: its output, then "exit STATUS".
ran() { "$@" 2>&1; echo "exit $?"; }
build_ok "the overlapped-header hello (asm/tiny.asm) builds" "$ASM/tiny.asm"
nasm -f bin -o "$W/tiny" "$ASM/tiny.asm"
tiny_size=$(fsize "$W/tiny")
[ "$tiny_size" -le 105 ] && pass "tiny.asm makes a $tiny_size-byte program (<= 105)" ||
	fail "tiny.asm makes a program of <= 105 bytes" "it is $tiny_size"
check "...packaged as exactly nasm -f bin's bytes, for 386" \
	"$(sha256_of "$W/tiny") $tiny_size 386" \
	"$($VALIDATE "$W/ok.tar" program_sha256 program_size arch | tr '\n' ' ' | sed 's/ $//')"
binfmt_i386_matches "$W/tiny" && pass "...its first 20 bytes match the i386 binfmt_misc magic under the mask" ||
	fail "tiny's first 20 bytes match the i386 binfmt_misc magic" "$(od -An -tx1 -N20 "$W/tiny")"
{ head -c 8 "$W/tiny"; printf '\1'; tail -c +10 "$W/tiny"; } >"$W/tiny.pad"
binfmt_i386_matches "$W/tiny.pad" && fail "code in the e_ident padding would not match the magic" ||
	pass "...which code in the e_ident padding would not"
mkdir "$W/tinyx"  # the program as packaged: the image's one layer, unpacked
tar -xf "$W/ok.tar" -C "$W/tinyx" &&
	tar -xf "$W/tinyx/$(python3 -c 'import json,sys;print(json.load(open(sys.argv[1]))[0]["Layers"][0])' "$W/tinyx/manifest.json")" -C "$W/tinyx"
chmod +x "$W/handmade"
if "$W/handmade" >/dev/null 2>&1; then
	check "the packaged tiny prints Hello World and exits 0 on this host" \
		$'Hello World\nexit 0' "$(ran "$W/tinyx/tiny")"
else
	skip "the packaged tiny runs on this host" "this host runs no 386 programs (handmade.asm did not run)"
fi
if have qemu-i386-static; then
	check "...and under qemu-i386-static" $'Hello World\nexit 0' "$(ran qemu-i386-static "$W/tinyx/tiny")"
else
	skip "tiny under qemu-i386-static" "qemu-i386-static not installed (qemu-user-static)"
fi

# --- ELF objects ---------------------------------------------------------------
nasm -f elf32 -o "$W/hello32.o" "$ASM/hello.asm"
build_ok "an ELF object from nasm (386) is linked" "$W/hello32.o"
check "...named after the object, architecture from the object" "hello32:latest 386" \
	"$($VALIDATE "$W/ok.tar" tags arch | tr '\n' ' ' | sed 's/ $//')"
refuse "an object with a conflicting --arch" 1 "is an object for 386 but --arch amd64 was given" --arch amd64 "$W/hello32.o"
nasm -f elf64 -o "$W/nostart.o" "$W/nobits64.asm" 2>/dev/null
printf '        BITS 64\n        SECTION .text\nmain:   ret\n' >"$W/main.asm"
nasm -f elf64 -o "$W/main.o" "$W/main.asm"
refuse "an object without _start" 1 "$W/main.o: defines no global _start label" "$W/main.o"

# --- prebuilt executables -------------------------------------------------------
if have gcc; then
	printf '#include <stdio.h>\nint main(void) { puts("hi"); return 0; }\n' >"$W/c.c"
	gcc -O2 -o "$W/dynamic" "$W/c.c"
	refuse "a dynamically linked program" 1 "dynamically linked (it needs the loader /lib64/ld-linux-x86-64.so.2): a FROM-scratch image has no dynamic loader" "$W/dynamic"
	gcc -shared -fPIC -o "$W/lib.so" "$W/c.c"
	refuse "a shared library" 1 "$W/lib.so:" "$W/lib.so"
	if gcc -static -O2 -o "$W/static" "$W/c.c" 2>/dev/null; then
		build_ok "a static executable is packaged as it is" "$W/static"
		check "...byte for byte" "$(sha256_of "$W/static")" \
			"$($VALIDATE "$W/ok.tar" program_sha256)"
		refuse "a static executable with a conflicting --arch" 1 "is a program for amd64 but --arch 386 was given" --arch 386 "$W/static"
		before=$(sha256_of "$W/static")
		build_ok "--strip on a static executable" --strip "$W/static"
		stripped=$($VALIDATE "$W/ok.tar" program_size)
		[ "$stripped" -lt "$(fsize "$W/static")" ] && pass "--strip makes it smaller ($(fsize "$W/static") -> $stripped)" ||
			fail "--strip makes it smaller" "$stripped"
		check "--strip leaves the input file untouched" "$before" "$(sha256_of "$W/static")"
	fi
else
	skip "prebuilt executables" "gcc not installed"
fi

# Large programs stream: peak memory does not grow with the input.
if [ -f "$W/static" ] && [ -x /usr/bin/time ]; then
	cp "$W/static" "$W/big"
	truncate -s 300M "$W/big"  # a 300 MB executable (the tail is never mapped)
	rss() { /usr/bin/time -f %M "$TINYIMG" build -q "$@" 2>&1 >/dev/null; }
	small=$(rss "$W/static" -o "$W/small.tar")
	large=$(rss "$W/big" -o "$W/large.tar")
	check "a 300 MB executable packs in the peak memory of a small one (${small} KiB vs ${large} KiB)" \
		"flat" "$([ $((large - small)) -lt 1024 ] && echo flat || echo grows)"
	check "...and the 300 MB image is valid" "314572800" "$($VALIDATE "$W/large.tar" program_size)"
	rm -f "$W/big" "$W/large.tar"
else
	skip "large programs stream in constant memory" "needs gcc -static and GNU time (apt-get install time)"
fi

# --- anything else ---------------------------------------------------------------
printf '#!/bin/sh\necho hi\n' >"$W/script.sh"
refuse "a shell script" 1 "$W/script.sh: a script (it starts with #!)" "$W/script.sh"
printf '\x89PNG\r\n\x1a\n\0\0\0\rIHDR' >"$W/pic.png"
refuse "a picture" 1 "$W/pic.png: not nasm assembly source, an ELF object or an ELF executable" "$W/pic.png"
printf '\177ELF\001' >"$W/short.elf"
refuse "a truncated ELF file" 1 "$W/short.elf: too short to be an ELF file" "$W/short.elf"
refuse "a device file as input" 1 "/dev/null: not a regular file" /dev/null

# --- option values ------------------------------------------------------------------
H=$ASM/hello.asm
refuse "--expose 70000" 2 "--expose '70000': expected a port from 1 to 65535" --expose 70000 "$H"
refuse "--expose 80/icmp" 2 "the protocol must be tcp, udp or sctp" --expose 80/icmp "$H"
refuse "--env without =" 2 "--env 'NOVALUE': expected KEY=VALUE" --env NOVALUE "$H"
refuse "--env with an empty key" 2 "--env '=x': expected KEY=VALUE" --env =x "$H"
refuse "--label without =" 2 "--label 'x': expected KEY=VALUE" --label x "$H"
refuse "malformed JSON --entrypoint" 2 "--entrypoint '[\"/hello\",': expected a JSON array of strings" --entrypoint '["/hello",' "$H"
refuse "JSON --cmd with a number" 2 "--cmd '[1]': expected a JSON array of strings" --cmd '[1]' "$H"
refuse "JSON --cmd with a bad escape" 2 "malformed JSON string" --cmd '["\q"]' "$H"
refuse "--user by name" 2 "--user 'root': expected UID or UID:GID as numbers" --user root "$H"
refuse "--user with three parts" 2 "expected UID or UID:GID" --user 1:2:3 "$H"
refuse "--workdir relative" 2 "--workdir 'data': expected an absolute path" --workdir data "$H"
refuse "--stop-signal unknown" 2 "--stop-signal 'SIGFOO': not a signal" --stop-signal SIGFOO "$H"
refuse "--stop-signal 99" 2 "not a signal name" --stop-signal 99 "$H"
refuse "--path relative" 2 "--path 'hello': expected an absolute path" --path hello "$H"
refuse "--path with .." 2 "--path '/a/../b'" --path /a/../b "$H"
refuse "--add without DEST" 2 "--add '$W': expected SRC:DEST" --add "$W" "$H"
refuse "--add escaping the root" 2 "DEST must be an absolute path inside the image" --add "$W/c.c:/../etc/x" "$H"
refuse "--add of a missing file" 1 "$W/nope: No such file or directory" --add "$W/nope:/x" "$H"
refuse "--add of a device file" 1 "/dev/null: is a device file, socket or FIFO" --add /dev/null:/null "$H"
mkfifo "$W/fifo"
refuse "--add of a tree holding a FIFO" 1 "fifo: is a device file, socket or FIFO" --add "$W:/w" "$H"
rm "$W/fifo"
refuse "--add onto the program's own path" 1 "/hello: given twice in the image" --add "$W/c.c:/hello" "$H"
refuse "--created yesterday" 2 "--created 'yesterday': expected 'now' or an RFC 3339 time" --created yesterday "$H"
refuse "--created 2024-02-30" 2 "expected 'now' or an RFC 3339" --created 2024-02-30T00:00:00Z "$H"
refuse "--format xml" 2 "--format 'xml': expected both, docker or oci" --format xml "$H"
refuse "--arch sparc" 2 "--arch 'sparc': expected 386 or amd64" --arch sparc "$H"
refuse "--quiet with --verbose" 2 "contradict" -q -v "$H"

# --- option values that work -------------------------------------------------------
build_ok "--created with an offset" --created 2024-05-01T14:30:00+02:00 "$H"
check "...is stored in UTC" '"2024-05-01T12:30:00Z"' \
	"$(tar -xOf "$W/ok.tar" --wildcards 'blobs/*' 2>/dev/null | grep -ao '"created":"[^"]*"' | head -n 1 | cut -d: -f2-)"
before=$(date -u +%s)
build_ok "--created now" --created now "$H"
check "...is the current time (tar mtime within 5 s)" "yes" \
	"$(m=$(TZ=UTC tar --full-time -tvf "$W/ok.tar" index.json | awk '{print $4 "T" $5 "Z"}'); \
	   s=$(date -u -d "${m%Z}" +%s); [ $((s - before)) -ge -1 ] && [ $((s - before)) -le 5 ] && echo yes)"
build_ok "--format oci" --format oci "$H"
check "...has index.json and no manifest.json" "index.json oci-layout" \
	"$(tar -tf "$W/ok.tar" | grep -v blobs | tr '\n' ' ' | sed 's/ $//')"
check_cmd "...and is valid" $VALIDATE "$W/ok.tar"
build_ok "--format docker" --format docker "$H"
check "...has manifest.json and no OCI index" "manifest.json" \
	"$(tar -tf "$W/ok.tar" | grep -v blobs | tr '\n' ' ' | sed 's/ $//')"
check "...and two blobs (config, layer)" "2" "$(tar -tf "$W/ok.tar" | grep -c blobs/)"
build_ok "JSON --entrypoint with escapes" --entrypoint '["/hello", "a \"quoted\" \\ word", "\u00e9"]' "$H"
check "...decoded and re-encoded exactly" '["/hello","a \"quoted\" \\ word","é"]' "$($VALIDATE "$W/ok.tar" entrypoint)"
build_ok "--expose normalises ports" --expose 80 --expose 53/udp --expose 80/tcp "$H"
check "...once each, tcp by default" '{"80/tcp":{},"53/udp":{}}' "$($VALIDATE "$W/ok.tar" ports)"
build_ok "--stop-signal names" --stop-signal term "$H"
check "...become SIGTERM" '"SIGTERM"' "$($VALIDATE "$W/ok.tar" stopsignal)"

# --- -o - -----------------------------------------------------------------------------
"$TINYIMG" build -q "$H" -o - >"$W/stdout.tar"
check_cmd "-o - writes the same bytes as a file" cmp "$W/stdout.tar" "$(
	"$TINYIMG" build -q "$H" -o "$W/file.tar"; echo "$W/file.tar")"
if have script; then
	script -qec "$TINYIMG build $H -o -" /dev/null >"$W/tty.out" 2>&1
	check "-o - to a terminal is refused" "yes" \
		"$(grep -q 'refusing to write an image to a terminal' "$W/tty.out" && echo yes)"
fi

# --- found in review: each of these once went wrong ---------------------------------
refuse "a repeated option whose second value is bad (once a double free)" 2 "--user 'x'" -u 1 -u x "$H"
refuse "...the same for --stop-signal" 2 "--stop-signal 'FOO'" --stop-signal INT --stop-signal FOO "$H"
refuse "--stop-signal RTMIN+16 (docker knows RTMIN+1..15)" 2 "not a signal name" --stop-signal RTMIN+16 "$H"
build_ok "--stop-signal CLD and RTMAX-14" --stop-signal cld --stop-signal RTMAX-14 "$H"
for t in '2024-05-01T-1:-1:-1Z' '2024-+5-+1T+1:+1:+1Z' '2024-05-01T12:00: 0Z' '2024-05-01T12:00:00+05:-1' '2300-01-01T00:00:00Z'; do
	refuse "--created '$t'" 2 "expected 'now' or an RFC 3339 time" --created "$t" "$H"
done
SOURCE_DATE_EPOCH=9999999999 refuse "SOURCE_DATE_EPOCH past the tar format's limit" 1 "up to 2242" "$H"
refuse "an --env value that is not UTF-8" 2 "is not valid UTF-8" --env $'A=\xff' "$H"
cp "$H" "$W/"$'bad\xffname.asm'
refuse "an input whose name is not UTF-8, without --path" 2 "give --path /NAME" -t x "$W/"$'bad\xffname.asm'
build_ok "...with --path" -t x --path /hello "$W/"$'bad\xffname.asm'
check "...and the history names it with U+FFFD, so the config stays valid JSON" "ok" \
	"$($VALIDATE "$W/ok.tar" >/dev/null && echo ok)"
mkfifo "$W/pipe.asm"
st=$(timeout 10 "$TINYIMG" build "$W/pipe.asm" -o "$W/bad.tar" 2>"$W/err"; echo $?)
check "a FIFO as input is refused at once, not waited on" "1 yes" \
	"$st $(grep -q 'pipe.asm: not a regular file' "$W/err" && echo yes)"
rm -f "$W/pipe.asm"
build_ok "the same tag twice counts once" -t dup -t dup:latest -t docker.io/library/dup "$H"
check "...one RepoTag, one index entry" "dup:latest docker.io/library/dup:latest" \
	"$($VALIDATE "$W/ok.tar" tags names | tr '\n' ' ' | sed 's/ $//')"
echo x >"$W/f"
refuse "a file and a folder at one path, apart in plain byte order" 1 "/usr: is a file (from the program) but must be a folder for /usr/x (from --add $W/f:/usr/x)" \
	--path /usr --add "$W/f:/usr.d" --add "$W/f:/usr/x" "$H"
mkdir -p "$W/d"
refuse "a path given twice, apart in plain byte order" 1 "/x: given twice in the image" \
	--add "$W/f:/x" --add "$W/f:/x.y" --add "$W/d:/x" "$H"
if have gcc; then
	printf '#include <stdio.h>\nint f(void) { return puts("x"); }\n' >"$W/lib.c"
	gcc -shared -fPIC -o "$W/libneeds.so" "$W/lib.c"
	refuse "a shared library without PT_INTERP but with DT_NEEDED" 1 "needs shared libraries (DT_NEEDED)" -t x "$W/libneeds.so"
	printf '#include <stdio.h>\nint main(void) { puts("static-pie"); return 0; }\n' >"$W/spie.c"
	if gcc -static-pie -O2 -o "$W/spie" "$W/spie.c" 2>/dev/null; then
		build_ok "a static-pie executable (ET_DYN, no DT_NEEDED) is accepted" "$W/spie"
	fi
fi

# File names are just names, even those nasm and ld would read as options.
mkdir -p "$W/at"
nasm -f elf32 -o "$W/at/@hello.o" "$H"
printf -- '-o %s/at/PWNED %s/at/@hello.o\n' "$W" "$W" >"$W/at/hello.o"
(cd "$W/at" && "$TINYIMG" build -q -t at @hello.o -o at.tar 2>"$W/err")
check "an input named @hello.o is not read as an ld option file" "no yes" \
	"$([ -e "$W/at/PWNED" ] && echo yes || echo no) $([ -s "$W/at/at.tar" ] && echo yes)"

# Outputs that are not plain files.
if [ "$(id -u)" = 0 ]; then
	mknod "$W/null" c 1 3
	"$TINYIMG" build -q "$H" -o "$W/null"
	check "-o a device writes to it and leaves it a device" "0 character special file" "$? $(stat -c %F "$W/null")"
fi
echo old >"$W/target.tar"
ln -s target.tar "$W/link.tar"
"$TINYIMG" build -q "$H" -o "$W/link.tar"
check "-o a symlink replaces its target and keeps the link" "symbolic link 8704" \
	"$(stat -c %F "$W/link.tar") $(fsize "$W/target.tar")"
ln -s /proc/self/fd/1 "$W/stdout-link"
check "-o a link to standard output writes there" "8704" \
	"$("$TINYIMG" build -q "$H" -o "$W/stdout-link" | wc -c)"
ln -s missing.tar "$W/dangling.tar"
"$TINYIMG" build -q "$H" -o "$W/dangling.tar" 2>"$W/err"
check "-o a symlink to nothing is refused" "1 yes no" \
	"$? $(grep -q 'a symbolic link to nothing' "$W/err" && echo yes) $([ -e "$W/missing.tar" ] && echo yes || echo no)"
check "--version to a full disk exits 1" "1" "$("$TINYIMG" --version >/dev/full 2>/dev/null; echo $?)"

# --- hardening (issue 7): each of these once went wrong --------------------------------
# refuse_all NAME STATUS TEXT ARGS...: as refuse, and nothing is left beside
# the output either (no .tinyimg-* temporary file in $W).
refuse_all() {
	refuse "$@"
	if ls -A "$W" | grep -q '^\.tinyimg-'; then
		fail "$1: no temporary file beside the output" "$(ls -A "$W" | grep '^\.tinyimg-')"
		rm -f "$W"/.tinyimg-*
	fi
}
ln -sfn /nowhere "$W/l"
echo x >"$W/f"
mkdir -p "$W/tree/sub"
echo y >"$W/tree/sub/file"
ln -sfn /nowhere "$W/tree/link"
refuse_all "a symlink and a path below it (once a double free)" 1 \
	"/opt/x: is a symbolic link (from --add $W/l:/opt/x) but must be a folder for /opt/x/y (from --add $W/f:/opt/x/y)" \
	--add "$W/l:/opt/x" --add "$W/f:/opt/x/y" "$H"
refuse_all "...the other way round" 1 "/opt/x: is a symbolic link (from --add $W/l:/opt/x)" \
	--add "$W/f:/opt/x/y" --add "$W/l:/opt/x" "$H"
refuse_all "a symlink inside a tree and a path below it" 1 \
	"/t/link: is a symbolic link (from --add $W/tree:/t) but must be a folder for /t/link/z (from --add $W/f:/t/link/z)" \
	--add "$W/tree:/t" --add "$W/f:/t/link/z" "$H"
refuse_all "a file and the program's folder (--path below an --add file)" 1 \
	"/app: is a file (from --add $W/f:/app) but must be a folder for /app/hello (from the program)" \
	--path /app/hello --add "$W/f:/app" "$H"
refuse_all "...the options the other way round" 1 \
	"/app: is a file (from --add $W/f:/app) but must be a folder for /app/hello (from the program)" \
	--add "$W/f:/app" --path /app/hello "$H"
refuse_all "a file and a folder from a tree at one path" 1 \
	"/t/sub: given twice in the image: as a folder by --add $W/tree:/t and as a file by --add $W/f:/t/sub" \
	--add "$W/tree:/t" --add "$W/f:/t/sub" "$H"
refuse_all "a file where a folder tree goes" 1 "given twice in the image" \
	--add "$W/f:/t" --add "$W/tree:/t" "$H"
refuse_all "the same file twice, many clashes at once" 1 "/a: given twice" \
	--add "$W/f:/a" --add "$W/f:/a" --add "$W/l:/b" --add "$W/f:/b/c" "$H"
build_ok "a folder given by a tree and needed by another path is one folder" \
	--add "$W/tree:/t" --add "$W/f:/t/sub/more" "$H"
check "...listed once, sorted, below its parents" \
	"d0755 0:0 0 t
l0777 0:0 0 t/link -> /nowhere
d0755 0:0 0 t/sub
-0644 0:0 2 t/sub/file
-0644 0:0 2 t/sub/more" \
	"$($VALIDATE "$W/ok.tar" layer | grep ' t')"

# Names other tools refuse: Docker's limit is 255 characters in full.
n237=$(printf 'a%.0s' $(seq 237))
build_ok "a bare name of 237 characters (255 as docker.io/library/NAME)" -t "$n237" "$H"
refuse "a bare name of 238 characters (256 in full)" 2 "longer than 255 characters when written in full" -t "${n237}a" "$H"
refuse "a name under me/ that is 256 in full" 2 "longer than 255" -t "me/$(printf 'b%.0s' $(seq 243))" "$H"
refuse "a name of 64 hex digits (an image ID to Docker)" 2 "reads as an image ID" \
	-t 0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef "$H"
hex64=0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef
for n in "library/$hex64" "docker.io/$hex64" "docker.io/library/$hex64:1" "index.docker.io/$hex64"; do
	refuse "64 hex digits behind Docker Hub's prefixes: $n" 2 "reads as an image ID" -t "$n" "$H"
done
build_ok "64 hex digits under another registry or folder are a name" -t "reg.example/$hex64" -t "me/$hex64" "$H"
for n in sha256 library/sha256 docker.io/sha256:1 index.docker.io/library/sha256; do
	refuse "the name $n (Docker refuses a digest algorithm as a name)" 2 "Docker refuses the name sha256" -t "$n" "$H"
done
build_ok "me/sha256 and sha256x are names" -t me/sha256 -t sha256x "$H"
cp "$H" "$W/$n237${n237:0:10}.asm"
refuse "a default name from a long file name is checked too" 2 "name it with -t NAME[:TAG]" \
	"$W/$n237${n237:0:10}.asm"
build_ok "index.docker.io is Docker Hub" -t index.docker.io/me/x:1 "$H"
check "...and named as docker.io" "me/x:1 docker.io/me/x:1" \
	"$($VALIDATE "$W/ok.tar" tags names | tr '\n' ' ' | sed 's/ $//')"

# The machine comes from what nasm assembles, includes and all.
mkdir -p "$W/bits"
printf 'BITS 64\n' >"$W/bits/mode.inc"
printf '%%include "mode.inc"\n        SECTION .text\n        global _start\n_start: mov eax, 60\n        xor edi, edi\n        syscall\n' >"$W/bits/inc64.asm"
build_ok "BITS 64 in an included file" "$W/bits/inc64.asm"
check "...builds for amd64" "amd64" "$($VALIDATE "$W/ok.tar" arch)"
refuse "...and --arch 386 contradicts it" 1 "says BITS 64, which is not code for --arch 386" --arch 386 "$W/bits/inc64.asm"
{ printf '        BITS 32\n; %s BITS 64\n' "$(printf 'x%.0s' $(seq 5000))"
  printf '        SECTION .text\n        global _start\n_start: mov eax, 1\n        int 0x80\n'; } >"$W/bits/comment.asm"
build_ok "BITS 64 in a comment past byte 4095 of a long line" "$W/bits/comment.asm"
check "...is a comment: 386" "386" "$($VALIDATE "$W/ok.tar" arch)"
printf '        BITS 32\n        SECTION .text\n        global _start\n_start: mov eax, 1\n        BITS 64\n        syscall\n' >"$W/bits/mixed.asm"
refuse "BITS 32 and BITS 64 in one source" 1 "says both BITS 32 and BITS 64" "$W/bits/mixed.asm"
refuse "...--arch amd64 names the BITS 32 that contradicts it" 1 "says BITS 32, which is not code for --arch amd64" --arch amd64 "$W/bits/mixed.asm"
printf '%%ifidn __OUTPUT_FORMAT__, elf64\n        BITS 32\n%%else\n        BITS 64\n%%endif\n        SECTION .text\n        global _start\n_start: ret\n' >"$W/bits/flip.asm"
refuse "BITS that changes with the output format" 1 "says different BITS for -f elf32 and -f elf64" "$W/bits/flip.asm"
# BITS written as nasm also reads it (with atoi): 064, 64d, 64h, +64.
for v in 064 000064 64d 064D 64h 64abc +64 '[bits 064]' 'bits 0064'; do
	case $v in \[*|bits*) line=$v ;; *) line="BITS $v" ;; esac
	printf '        %s\n        SECTION .text\n        global _start\n_start: mov rax, 60\n        xor edi, edi\n        syscall\n' "$line" >"$W/bits/num.asm"
	build_ok "'$line' is BITS 64 to nasm" "$W/bits/num.asm"
	check "...so the image is amd64" "amd64" "$($VALIDATE "$W/ok.tar" arch)"
done
printf '        BITS 016\n        SECTION .text\n        global _start\n_start: ret\n' >"$W/bits/num16.asm"
refuse "'BITS 016' is BITS 16" 1 "says BITS 16" "$W/bits/num16.asm"
printf '        BITS 032\n        SECTION .text\n        global _start\n_start: mov eax, 1\n        BITS 64d\n        syscall\n' >"$W/bits/num-mixed.asm"
refuse "'BITS 032' then 'BITS 64d': both" 1 "says both BITS 32 and BITS 64" "$W/bits/num-mixed.asm"
printf '%%include "org.inc"\n' >"$W/bits/orgincl.asm"
sed -n '/^        BITS 32/,$p' "$ASM/handmade.asm" >"$W/bits/org.inc"
build_ok "an ORG line in an included file makes a flat program" "$W/bits/orgincl.asm"
check "...the handmade hello's 127 bytes" "127 386" \
	"$($VALIDATE "$W/ok.tar" program_size arch | tr '\n' ' ' | sed 's/ $//')"

# Usage slips: refused before any work.
tmpd=$(mktemp -d "$W/tmp.XXXXXX")
st=$(TMPDIR=$tmpd "$TINYIMG" build "$H" -o "" 2>"$W/err"; echo $?)
check "-o '' is a usage error, before any work" "2 yes 0" \
	"$st $(grep -qF -- "-o '': name an output file" "$W/err" && echo yes) $(ls -A "$tmpd" | wc -l)"
refuse "--entrypoint '[]' with no --cmd" 2 "the image would have nothing to run" --entrypoint '[]' "$H"
refuse "--entrypoint '' with no --cmd" 2 "nothing to run" --entrypoint '' "$H"
refuse "--entrypoint '[]' with --cmd '[]'" 2 "nothing to run" --entrypoint '[]' --cmd '[]' "$H"
for e in '""' '[""]' "''" '[" "]' $'\r' $'\f\v' $'"\t"'; do
	refuse "--entrypoint $(printf %q "$e"): a blank program" 2 \
		"--entrypoint: its first word, the program to run, is blank" --entrypoint "$e" "$H"
done
refuse "--entrypoint '[]' --cmd '[\"\"]': a blank program" 2 \
	"--cmd (with an empty --entrypoint): its first word, the program to run, is blank" --entrypoint '[]' --cmd '[""]' "$H"
build_ok "--cmd '[\"\"]' with the program as entrypoint: an empty argument is fine" --cmd '[""]' "$H"
build_ok "--entrypoint '[]' with a --cmd runs the cmd" --entrypoint '[]' --cmd /hello "$H"
check "...no Entrypoint, Cmd the program" 'null ["/hello"]' \
	"$($VALIDATE "$W/ok.tar" entrypoint cmd | tr '\n' ' ' | sed 's/ $//')"
build_ok "words with quotes, as a shell splits them" --cmd "sh -c \"echo hi; ls /\" 'a b' c\\ d \$HOME" "$H"
check "...each quoted part one word, nothing expanded" '["sh","-c","echo hi; ls /","a b","c d","$HOME"]' \
	"$($VALIDATE "$W/ok.tar" cmd)"
build_ok "\\r, \\v and \\f are ordinary characters, at the start and between words" --cmd $'\ra\vb\fc d' "$H"
check "...two words" '["\ra\u000bb\fc","d"]' "$($VALIDATE "$W/ok.tar" cmd)"
echo x >"$W/plainfile"
refuse "--add FILE:/ (only a folder can be the root)" 1 "$W/plainfile is not a folder, and only a folder can be the image's root: name the path it takes ($W/plainfile:/plainfile)" --add "$W/plainfile:/" "$H"
refuse "--add FILE:/dir/ (a '/' at the end)" 2 "with no '/' at the end (DEST names the file or folder itself)" --add "$W/plainfile:/dir/" "$H"
refuse "an unterminated quote" 2 "--cmd: a double quote (\") is never closed (the one at character 7 of the value)" --cmd 'sh -c "echo' "$H"
refuse "...in --entrypoint too" 2 "--entrypoint: a single quote (') is never closed (the one at character 1 of the value)" --entrypoint "'x" "$H"

# ELF rules the kernel applies, on whole programs (the unit tests mutate
# one header field per rule).
if have gcc; then
	printf 'int main(void) { return 0; }\n' >"$W/tls.c"
	if gcc -static -O2 -o "$W/plain" "$W/tls.c" 2>/dev/null; then
		# interp: a note header turned into a PT_INTERP whose text lies
		# past every mapped byte; badtls: the PT_TLS with p_offset moved
		# past the end of the file (p_vaddr, which libc uses, unchanged).
		python3 - "$W/plain" "$W/interp" "$W/badtls" <<'PY'
import struct, sys
data = bytearray(open(sys.argv[1], "rb").read())
phoff, = struct.unpack_from("<Q", data, 32)
phnum, = struct.unpack_from("<H", data, 56)
def header(kind):
    for i in range(phnum):
        if struct.unpack_from("<I", data, phoff + i * 56)[0] == kind:
            return phoff + i * 56
    raise SystemExit(f"no program header of type {kind}")
interp = bytearray(data) + b"/lib/\x1b[31mld\0"
struct.pack_into("<IIQQQQQQ", interp, header(4), 3, 4, len(data), 0, 0,
                 12, 12, 1)
open(sys.argv[2], "wb").write(interp)
badtls = bytearray(data)
struct.pack_into("<Q", badtls, header(7) + 8, len(data) + 4096)
open(sys.argv[3], "wb").write(badtls)
PY
		chmod +x "$W/interp" "$W/badtls"
		refuse "a PT_INTERP past the mapped bytes" 1 "dynamically linked (it needs the loader /lib/\\x1b[31mld)" -t x "$W/interp"
		refuse "...is refused with --strip too (checked before it is cut)" 1 "dynamically linked" -t x --strip "$W/interp"
		build_ok "a PT_TLS with a bogus p_offset is packaged as it is" -t x "$W/badtls"
		check "...and runs (libc reads its p_vaddr)" "0" "$("$W/badtls"; echo $?)"
		refuse "...but --strip would cut it off, so it is refused" 1 "would cut it off" -t x --strip "$W/badtls"
	fi
fi

# --- --no-rwx (W^X) ----------------------------------------------------------------
build_ok "--no-rwx on hello.asm" --no-rwx "$ASM/hello.asm"
check "...costs a data PT_LOAD and a PT_GNU_STACK: 194 bytes instead of 130" "194" \
	"$($VALIDATE "$W/ok.tar" program_size)"
mkdir -p "$W/rwx"
"$TINYIMG" build -q "$ASM/hello.asm" -o "$W/rwx/h.tar"
tar -xf "$W/rwx/h.tar" -C "$W/rwx"
tar -xf "$W/rwx/$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))[0]["Layers"][0])' "$W/rwx/manifest.json")" -C "$W/rwx"
refuse "--no-rwx on a prebuilt program with a writable code segment" 1 \
	"$W/rwx/hello: segment 0 is both writable and executable, which --no-rwx refuses" --no-rwx -t x "$W/rwx/hello"
"$TINYIMG" build --no-rwx "$ASM/handmade.asm" -o "$W/ok.tar" 2>"$W/err"
check "--no-rwx on a hand-made program without PT_GNU_STACK: built, with a warning" "0 yes" \
	"$? $(grep -q 'has no PT_GNU_STACK' "$W/err" && echo yes)"

# --- the progress line: on a terminal only, never with -q --------------------------
if have script && [ -f "$W/static" ]; then
	cp "$W/static" "$W/prog20"
	head -c 20M /dev/zero >>"$W/prog20"
	script -qec "TINYIMG_PROGRESS_AFTER=0 '$TINYIMG' build '$W/prog20' -o '$W/p.tar'" /dev/null >"$W/tty.txt" 2>&1
	check "on a terminal, long work shows one self-overwriting progress line" "yes yes" \
		"$(grep -q $'\rtinyimg: hashing: [0-9]* of [0-9]* MiB' "$W/tty.txt" && echo yes) $(grep -q $'\rtinyimg: writing:' "$W/tty.txt" && echo yes)"
	script -qec "TINYIMG_PROGRESS_AFTER=0 '$TINYIMG' inspect -q '$W/p.tar'; TINYIMG_PROGRESS_AFTER=0 '$TINYIMG' inspect '$W/p.tar' >/dev/null" /dev/null >"$W/tty2.txt" 2>&1
	check "...inspect shows it too, and -q hides it" "1" \
		"$(grep -c $'\rtinyimg: reading:' "$W/tty2.txt")"
	TINYIMG_PROGRESS_AFTER=0 "$TINYIMG" build "$W/prog20" -o "$W/p.tar" 2>"$W/notty.txt"
	check "...and nothing when standard error is not a terminal" "0" "$(grep -c 'hashing' "$W/notty.txt")"
	script -qec "TINYIMG_PROGRESS_AFTER=0 '$TINYIMG' build -q '$W/prog20' -o '$W/p.tar'" /dev/null >"$W/tty3.txt" 2>&1
	check "...nor with -q" "" "$(cat "$W/tty3.txt")"
else
	skip "the progress line" "needs script (bsdutils) and gcc -static"
fi
