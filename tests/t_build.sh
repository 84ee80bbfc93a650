# t_build.sh: tinyimg build end to end, without any container runtime:
# sizes, an independent check of every blob, reproducibility, bad input.
. "$(dirname "$0")/lib.sh"

W=$(mktemp_dir)
HELLO=$TOP/asm/hello.asm
VALIDATE="python3 $TOP/tests/validate.py"

# run_build OUT_PREFIX ARGS...: run tinyimg build with a private TMPDIR
# (and PATH=$TOOL_PATH when set); leaves $status, the files OUT_PREFIX.out
# and OUT_PREFIX.err, and the TMPDIR in $tmpd.
run_build() {
	local out=$1
	shift
	tmpd=$(mktemp -d "$W/tmp.XXXXXX")
	TMPDIR=$tmpd PATH=${TOOL_PATH:-$PATH} "$TINYIMG" build "$@" \
		>"$out.out" 2>"$out.err"
	status=$?
}

# --- the main job --------------------------------------------------------
run_build "$W/hello" "$HELLO" -o "$W/hello.tar"
check "build asm/hello.asm exits 0" 0 "$status"
check "summary line on stderr" \
	"$W/hello.tar: hello:latest linux/386, program 130 B, layer 2048 B, tarball 8704 B, sha256:$(
		$VALIDATE "$W/hello.tar" config_digest | cut -c8-19)" \
	"$(cat "$W/hello.err")"
check "nothing on stdout" "" "$(cat "$W/hello.out")"
check "no temporary files left in TMPDIR" "" "$(ls -A "$tmpd")"
check "no temporary file left beside the output" "hello.err hello.out hello.tar" \
	"$(cd "$W" && ls -A | grep -v '^tmp\.' | tr '\n' ' ' | sed 's/ $//')"

if facts=$($VALIDATE "$W/hello.tar" arch entrypoint tags names layer 2>&1); then
	pass "independent validator accepts every blob, digest and size"
else
	fail "independent validator accepts every blob, digest and size" "$facts"
fi
check "config, tags, names and layer as documented" \
	'386
["/hello"]
hello:latest
docker.io/library/hello:latest
-0755 0:0 130 hello' "$facts"
size=$(fsize "$W/hello.tar")
[ "$size" -le 8704 ] && pass "tarball is $size bytes (<= 8704)" ||
	fail "tarball is <= 8704 bytes" "it is $size"
check "tarball members, in order" \
	"blobs/sha256/$(sha256_of "$W/hello.tar" >/dev/null; tar -tf "$W/hello.tar" | sed -n 1p | cut -d/ -f3)" \
	"$(tar -tf "$W/hello.tar" | sed -n 1p)"
check "tarball holds exactly these kinds of member" \
	"blobs/sha256/ blobs/sha256/ blobs/sha256/ index.json manifest.json oci-layout" \
	"$(tar -tf "$W/hello.tar" | sed 's/[0-9a-f]\{64\}$//' | tr '\n' ' ' | sed 's/ $//')"

# The program itself: cut to the bytes the kernel maps.
mkdir "$W/x"
tar -xf "$W/hello.tar" -C "$W/x"
layer=$(python3 -c 'import json,sys;print(json.load(open(sys.argv[1]))[0]["Layers"][0])' "$W/x/manifest.json")
tar -xf "$W/x/$layer" -C "$W/x"
psize=$(fsize "$W/x/hello")
[ "$psize" -le 130 ] && pass "hello program is $psize bytes (<= 130)" ||
	fail "hello program is <= 130 bytes" "it is $psize"
check "layer digest is the diff_id (sha256 of the uncompressed layer)" \
	"$(basename "$layer")" "$(sha256_of "$W/x/$layer")"
if have readelf; then
	check "program has no section headers and one RWX PT_LOAD" \
		"0 1 LOAD RWE" \
		"$(readelf -h "$W/x/hello" | awk '/Number of section headers/{s=$NF} /Number of program headers/{p=$NF} END{printf "%s %s", s, p}') $(readelf -lW "$W/x/hello" | awk '$1=="LOAD"{print $1, $7}')"
fi
if out=$("$W/x/hello" 2>&1); then
	check "the packaged program prints Hello World" "Hello World" "$out"
else
	skip "the packaged program runs on this host" \
		"cannot run a 386 ELF here (no ia32 support and no qemu-i386 binfmt entry): $out"
fi

# The blog post's own hello.asm, exactly as published.
cat >"$W/seed.asm" <<'ASM'
        BITS 32
        SECTION .data       ; DATA
msg:    db "Hello World",10 ; This is the text we want to print.
                            ; The 10 at the end means "next line" (see
                            ; http://www.asciitable.com/)
len:    equ $-msg           ; We calculate the length of the text by
                            ; subtracting the memory address of msg
                            ; from the current address ("$")

        SECTION .text       ; PROGRAM CODE
        global _start       ; Program starts at _start
_start:
                            ; We use the Linux syscall "write"
                            ; (see http://man7.org/linux/man-pages/man2/write.2.html)
        mov edx, len        ; edx receives the length of the string
                            ; edx is a so called "register" (Details see
                            ; https://en.wikipedia.org/wiki/Processor_register)
        mov ecx, msg        ; ecx receives the address of the text
        mov ebx, 1          ; 1 means "stdout" = screen
        mov eax, 4          ; 4 identifies the syscall "write"
        int 0x80            ; Call Linux kernel with interrupt 0x80

                            ; To exit, we use the syscall "exit"
                            ; (see http://man7.org/linux/man-pages/man2/exit.2.html)
        mov ebx, 0          ; 0 means "no error"
        mov eax, 1          ; 1 identifies the syscall "exit"
        int 0x80
ASM
run_build "$W/seed" "$W/seed.asm" -o "$W/seed.tar"
check "the blog post's hello.asm: 130-byte program, 8704-byte tarball" \
	"0 130 8704" "$status $($VALIDATE "$W/seed.tar" program_size) $(fsize "$W/seed.tar")"

# --- reproducible ---------------------------------------------------------
mkdir -p "$W/elsewhere/deeper"
cp "$HELLO" "$W/elsewhere/hello.asm"
(cd "$W/elsewhere/deeper" && umask 077 && TZ=Asia/Tokyo LC_ALL=C TMPDIR=$W \
	"$TINYIMG" build -q ../hello.asm -o "$W/again.tar")
check_cmd "rebuild from another folder, umask, TZ and TMPDIR is byte-identical" \
	cmp "$W/hello.tar" "$W/again.tar"
SOURCE_DATE_EPOCH=1700000000 "$TINYIMG" build -q "$HELLO" -o "$W/dated.tar"
check "SOURCE_DATE_EPOCH sets created in RFC 3339" '"created":"2023-11-14T22:13:20Z"' \
	"$(tar -xOf "$W/dated.tar" "$(tar -tf "$W/dated.tar" | head -n 3 | while read -r m; do tar -xOf "$W/dated.tar" "$m" | grep -q '"architecture"' && echo "$m"; done | head -n 1)" | grep -o '"created":"[^"]*"' | head -n 1)"
check "SOURCE_DATE_EPOCH sets the tar mtimes" "2023-11-14" \
	"$(TZ=UTC tar -tvf "$W/dated.tar" | awk '{print $4}' | sort -u)"
SOURCE_DATE_EPOCH=1700000000 "$TINYIMG" build -q "$HELLO" -o "$W/dated2.tar"
check_cmd "same SOURCE_DATE_EPOCH, same bytes" cmp "$W/dated.tar" "$W/dated2.tar"

# --- names -----------------------------------------------------------------
cp "$HELLO" "$W/My-Prog.asm"
run_build "$W/mine" "$W/My-Prog.asm" -o "$W/mine.tar"
check "default tag is the lower-cased base name" "my-prog:latest" \
	"$($VALIDATE "$W/mine.tar" tags)"
check "the program is named after the input" '["/My-Prog"]' \
	"$($VALIDATE "$W/mine.tar" entrypoint)"
run_build "$W/tagged" "$HELLO" -t registry.example:5000/team/app:v1.2 -o "$W/tagged.tar"
check "-t with registry and tag" "registry.example:5000/team/app:v1.2 registry.example:5000/team/app:v1.2" \
	"$($VALIDATE "$W/tagged.tar" tags names | tr '\n' ' ' | sed 's/ $//')"

odd="$W/we ird \$(touch pwned); 'q' \"d\".asm"
cp "$HELLO" "$odd"
(cd "$W" && run_build "$W/odd" "$odd" -t odd -o "$W/odd;\$(x).tar")
check "a file name with spaces, quotes, \$(...) and ; is just a name" 0 "$status"
check "...and nothing in it was run by a shell" "no" "$([ -e "$W/pwned" ] && echo yes || echo no)"
check "...and the output has its odd name" "yes" "$([ -f "$W/odd;\$(x).tar" ] && echo yes)"
cp "$HELLO" "$W/-dash.asm"
(cd "$W" && run_build "$W/dash" -t dash -o dash.tar -- -dash.asm)
check "an input named -dash.asm is not taken for an option by nasm" 0 "$status"

run_build "$W/verbose" -v "$HELLO" -o "$W/verbose.tar"
check "-v prints each external command (nasm preprocesses, assembles; ld links)" "nasm nasm ld" \
	"$(grep -o '^tinyimg: run: [a-z]*' "$W/verbose.err" | cut -d' ' -f3 | tr '\n' ' ' | sed 's/ $//')"
run_build "$W/quiet" -q "$HELLO" -o "$W/quiet.tar"
check "-q prints nothing" "" "$(cat "$W/quiet.err" "$W/quiet.out")"
check "--version: first line" "tinyimg 0.1.0" "$("$TINYIMG" --version | head -n 1)"
"$TINYIMG" --help >"$W/help" 2>&1
check "--help exits 0 and shows usage" "0 yes" "$? $(grep -q '^usage: tinyimg build' "$W/help" && echo yes)"
"$TINYIMG" help build >"$W/helpb" 2>&1
check "help build lists every option" "0 yes" \
	"$? $(grep -q -- '--output' "$W/helpb" && grep -q -- '--tag' "$W/helpb" && grep -q -- '--quiet' "$W/helpb" && grep -q -- '--verbose' "$W/helpb" && echo yes)"

# The command line's own verbs: help for help, extra operands refused.
for args in "help help" "help --help" "help -h"; do
	"$TINYIMG" $args >"$W/hh.out" 2>&1
	check "tinyimg $args prints the general help, exit 0" "0 yes" \
		"$? $(grep -q '^usage: tinyimg build' "$W/hh.out" && echo yes)"
done
for args in "help build extra" "--version extra" "--help extra" "-h extra"; do
	"$TINYIMG" $args >"$W/hx.out" 2>"$W/hx.err"
	check "tinyimg $args: an extra operand is a usage error (2), nothing on stdout" \
		"2 tinyimg: unexpected argument 'extra' " \
		"$? $(head -n 1 "$W/hx.err") $(cat "$W/hx.out")"
done
"$TINYIMG" help nonsense >"$W/hx.out" 2>"$W/hx.err"
check "tinyimg help nonsense: exit 2, names the commands, says what to try" \
	"2 tinyimg: no help for 'nonsense': the commands are build and inspect|tinyimg: try 'tinyimg --help'" \
	"$? $(paste -sd'|' "$W/hx.err")"

# --- bad input: message, exit status, nothing written, nothing left -------
# refuse NAME STATUS TEXT ARGS...: the build fails with STATUS, stderr holds
# TEXT, no output appears and TMPDIR is left empty.
refuse() {
	local name=$1 want=$2 text=$3
	shift 3
	rm -f "$W/bad.tar"
	run_build "$W/bad" "$@"
	if [ "$status" != "$want" ]; then
		fail "$name: exit status $want" "got $status: $(cat "$W/bad.err")"
	elif ! grep -qF -- "$text" "$W/bad.err"; then
		fail "$name: says '$text'" "stderr: $(cat "$W/bad.err")"
	elif [ -e "$W/bad.tar" ] || [ -n "$(ls -A "$tmpd")" ] ||
	     ls -A "$W" | grep -q '^\.tinyimg-'; then
		fail "$name: leaves nothing behind" "$(ls -A "$tmpd" "$W" | head)"
	else
		pass "$name: exit $want, '$text', nothing written or left"
	fi
}

refuse "missing input" 1 "tinyimg: $W/nope.asm: No such file or directory" "$W/nope.asm" -o "$W/bad.tar"
: >"$W/empty.asm"
refuse "empty input" 1 "tinyimg: $W/empty.asm: file is empty" "$W/empty.asm" -o "$W/bad.tar"
head -c 300 /dev/urandom | tr -d '\177' >"$W/junk.asm"; printf '\0' >>"$W/junk.asm"
refuse "binary input" 1 "tinyimg: $W/junk.asm: not nasm assembly source" "$W/junk.asm" -o "$W/bad.tar"
printf 'this is not assembly\n' >"$W/words.asm"
refuse "text that is not assembly" 1 "tinyimg: nasm failed on $W/words.asm" "$W/words.asm" -o "$W/bad.tar"
printf '        BITS 32\n        SECTION .text\n        global _start\n_start: mov eax, \n' >"$W/syntax.asm"
refuse "nasm's own diagnostics reach the user" 1 "syntax.asm:4: error:" "$W/syntax.asm" -o "$W/bad.tar"
refuse "...followed by tinyimg's line naming the input" 1 "tinyimg: nasm failed on $W/syntax.asm (exit status 1)" "$W/syntax.asm" -o "$W/bad.tar"
printf '        BITS 32\n        SECTION .text\nmain:   mov eax, 1\n        int 0x80\n' >"$W/nostart.asm"
refuse "no _start label" 1 "tinyimg: $W/nostart.asm: defines no global _start label" "$W/nostart.asm" -o "$W/bad.tar"
printf '; only a comment\n' >"$W/comment.asm"
refuse "source with no code" 1 "defines no global _start label" "$W/comment.asm" -o "$W/bad.tar"
printf '        BITS 32\n        SECTION .text\n        global _start\n_start: call missing\n' >"$W/undef.asm"
refuse "undefined symbol" 1 "nasm failed on $W/undef.asm" "$W/undef.asm" -o "$W/bad.tar"
refuse "input is a folder" 1 "is a folder" "$W" -o "$W/bad.tar"
refuse "output folder missing" 1 "tinyimg: cannot create a temporary file $W/no/such" "$HELLO" -o "$W/no/such/bad.tar"
refuse "no -o" 2 "no output given" "$HELLO"
refuse "no input" 2 "no input file given" -o "$W/bad.tar"
refuse "two inputs for one platform" 1 "$HELLO and $HELLO are both programs for linux/386: one input per platform" "$HELLO" "$HELLO" -o "$W/bad.tar"
refuse "unknown option" 2 "unknown option '--frobnicate'" --frobnicate "$HELLO" -o "$W/bad.tar"
refuse "a value given to an option that takes none" 2 "option '--strip' takes no value" --strip=yes "$HELLO" -o "$W/bad.tar"
refuse "...also when shortened" 2 "option '--quiet' takes no value" --qui=1 "$HELLO" -o "$W/bad.tar"
refuse "an unknown short option in a bundle names that letter" 2 "unknown option '-x'" -qx "$HELLO" -o "$W/bad.tar"
refuse "...also after an option whose value holds '='" 2 "unknown option '-X'" --label=a=b -Xq "$HELLO" -o "$W/bad.tar"
refuse "-o without a value" 2 "option '-o' needs a value" "$HELLO" -o
refuse "-o names the input" 2 "names an input itself" "$HELLO" -o "$HELLO"
refuse "invalid -t" 2 "invalid tag 'Bad Name'" "$HELLO" -t "Bad Name" -o "$W/bad.tar"
cp "$HELLO" "$W/Hello World.asm"
refuse "base name that is no valid image name" 2 "name it with -t NAME[:TAG]" "$W/Hello World.asm" -o "$W/bad.tar"
SOURCE_DATE_EPOCH=yesterday refuse "bad SOURCE_DATE_EPOCH" 1 "SOURCE_DATE_EPOCH='yesterday'" "$HELLO" -o "$W/bad.tar"
mkdir -p "$W/bin"
for tool in ld; do ln -sf "$(command -v $tool)" "$W/bin/$tool"; done
TOOL_PATH=$W/bin refuse "nasm missing" 1 "tinyimg: nasm not found in PATH (install the nasm package)" "$HELLO" -o "$W/bad.tar"
rm "$W/bin/ld"; ln -sf "$(command -v nasm)" "$W/bin/nasm"
TOOL_PATH=$W/bin refuse "ld missing" 1 "tinyimg: ld not found in PATH (install the binutils package)" "$HELLO" -o "$W/bad.tar"

echo precious >"$W/keep.tar"
run_build "$W/keep" "$W/nostart.asm" -o "$W/keep.tar"
check "a failed build leaves an existing output untouched" "1 precious" "$status $(cat "$W/keep.tar")"

# Every line tinyimg itself prints on stderr starts with "tinyimg: ".
: >"$W/all.err"
for args in "" "build" "frob" "build -o" "build --expose 0 x.asm -o y.tar" "help nope"; do
	# shellcheck disable=SC2086
	"$TINYIMG" $args 2>>"$W/all.err" >/dev/null
done
check "every message on stderr starts with 'tinyimg: '" "" "$(grep -v '^tinyimg: ' "$W/all.err")"
check "...and there were messages" "yes" "$([ "$(wc -l <"$W/all.err")" -ge 6 ] && echo yes)"

# --- signals: temporary files go, the child goes, no output appears -------
# Every signal whose default action ends a process: tinyimg cleans up first.
mkdir -p "$W/slow"
cat >"$W/slow/nasm" <<'SH'
#!/bin/sh
echo $$ >"$SLOW_PIDFILE"
exec sleep 30
SH
chmod +x "$W/slow/nasm"
for sig in INT TERM HUP PIPE QUIT USR1 USR2 ALRM XCPU VTALRM PROF; do
	tmpd=$(mktemp -d "$W/tmp.XXXXXX")
	rm -f "$W/slow/pid" "$W/sig.tar"
	SLOW_PIDFILE=$W/slow/pid TMPDIR=$tmpd PATH="$W/slow:$PATH" \
		"$TINYIMG" build "$HELLO" -o "$W/sig.tar" 2>/dev/null &
	pid=$!
	for _ in $(seq 100); do [ -s "$W/slow/pid" ] && break; sleep 0.05; done
	kill -s "$sig" "$pid"
	wait "$pid"
	st=$?
	child=$(cat "$W/slow/pid" 2>/dev/null)
	alive=no
	[ -n "$child" ] && kill -0 "$child" 2>/dev/null && alive=yes
	check "SIG$sig: dies of the signal, no output, TMPDIR empty, child stopped" \
		"$((128 + $(kill -l "$sig"))) no  no" \
		"$st $([ -e "$W/sig.tar" ] && echo yes || echo no) $(ls -A "$tmpd" | tr '\n' ' ') $alive"
done

# make install is checked in t_install.sh.

# --- hardening (issue 7) -------------------------------------------------------
# %include and incbin come from the source's folder (and -I folders), never
# from the folder tinyimg runs in.
mkdir -p "$W/hij/src" "$W/hij/cwd" "$W/hij/extra"
cat >"$W/hij/src/prog.asm" <<'ASM'
        BITS 32
        SECTION .data
msg:
%include "words.inc"
        incbin "tail.bin"
len:    equ $ - msg
        SECTION .text
        global _start
_start: mov edx, len
        mov ecx, msg
        mov ebx, 1
        mov eax, 4
        int 0x80
        mov eax, 1
        xor ebx, ebx
        int 0x80
ASM
printf 'db "beside the source"\n' >"$W/hij/src/words.inc"
printf '\n' >"$W/hij/src/tail.bin"
printf 'db "HIJACKED from the working folder"\n' >"$W/hij/cwd/words.inc"
printf 'EVIL\n' >"$W/hij/cwd/tail.bin"
(cd "$W/hij/src" && "$TINYIMG" build -q prog.asm -o "$W/hij/here.tar")
(cd "$W/hij/cwd" && "$TINYIMG" build -q ../src/prog.asm -o "$W/hij/there.tar")
check_cmd "%include and incbin find files beside the source from any folder; a words.inc and tail.bin in the working folder change nothing" \
	cmp "$W/hij/here.tar" "$W/hij/there.tar"
check "...the included text is the one beside the source" "yes" \
	"$(tar -xOf "$W/hij/there.tar" | grep -aq 'beside the source' && echo yes)"
mv "$W/hij/src/words.inc" "$W/hij/extra/words.inc"
cd "$W/hij/cwd" && run_build "$W/hij/noinc" ../src/prog.asm -o "$W/hij/none.tar"
check "...and with no words.inc beside the source, the one in the working folder is not taken" \
	"1 yes" "$status $(grep -q 'words.inc' "$W/hij/noinc.err" && echo yes)"
run_build "$W/hij/withi" -I ../extra ../src/prog.asm -o "$W/hij/withi.tar"
cd "$TOP" || exit 1
check "-I names a folder nasm also searches" "0 yes" \
	"$status $(tar -xOf "$W/hij/withi.tar" | grep -aq 'beside the source' && echo yes)"
run_build "$W/hij/badi" -I "$W/hij/nope" "$HELLO" -o "$W/hij/badi.tar"
check "-I of a folder that is not there is a usage error" "2 yes" \
	"$status $(grep -q "\-I '$W/hij/nope': not a folder" "$W/hij/badi.err" && echo yes)"
mkdir -p "$W/hij/bin"
printf '#!/bin/sh\ntouch %s/hij/PWNED\nexit 1\n' "$W" >"$W/hij/src/nasm"
chmod +x "$W/hij/src/nasm"
(cd "$W/hij/cwd" && PATH=".:$PATH" "$TINYIMG" build -q ../src/prog.asm -I ../extra -o "$W/hij/path.tar" 2>/dev/null)
check "a program called nasm beside the source is never run (PATH is searched from where tinyimg runs)" \
	"no" "$([ -e "$W/hij/PWNED" ] && echo yes || echo no)"

# A TMPDIR inside an --add tree is not packed; neither is the output.
mkdir -p "$W/tree/.tmp"
cp "$HELLO" "$W/tree/hello.asm"
for i in 1 2; do  # the second build finds the first one's output in the tree
	(cd "$W" && TMPDIR=$W/tree/.tmp "$TINYIMG" build -q tree/hello.asm --add tree:/app -o "$W/tree/out.tar")
	cp "$W/tree/out.tar" "$W/out$i.tar"
done
check_cmd "TMPDIR and the output inside the --add tree: two builds give the same bytes" cmp "$W/out1.tar" "$W/out2.tar"
check "...and the layer holds no tinyimg work folder and no output" \
	"app/ app/.tmp/ app/hello.asm hello" \
	"$(python3 "$TOP/tests/validate.py" "$W/out2.tar" layer | awk '{print $4 ($1 ~ /^d/ ? "/" : "")}' | tr '\n' ' ' | sed 's/ $//')"

# ...nor the spool of a --base read from standard input, nor standard
# output sent into the tree with -o -.
"$TINYIMG" build -q "$HELLO" -t base -o "$W/spoolbase.tar"
rm -rf "$W/tree/.tmp"/* "$W/tree/out.tar"
for i in 1 2; do
	(cd "$W" && TMPDIR=$W/tree/.tmp "$TINYIMG" build -q -t x --base - --add tree:/app -o "$W/spool$i.tar" <"$W/spoolbase.tar")
done
check_cmd "a --base spooled into a TMPDIR inside the --add tree: two builds give the same bytes" \
	cmp "$W/spool1.tar" "$W/spool2.tar"
check "...and the spool is not in the layer" "app app/.tmp app/hello.asm" \
	"$(fact "$W/spool2.tar" '" ".join(f["name"] for f in d["images"][0]["layers"][-1]["files"])')"
(cd "$W" && "$TINYIMG" build -q tree/hello.asm --add tree:/app -o - >"$W/tree/piped.tar")
check "-o - with standard output a file inside the --add tree: it works, and is not packed" \
	"0 app/ app/.tmp/ app/hello.asm hello" \
	"$? $(python3 "$TOP/tests/validate.py" "$W/tree/piped.tar" layer | awk '{print $4 ($1 ~ /^d/ ? "/" : "")}' | tr '\n' ' ' | sed 's/ $//')"
rm -f "$W/tree/piped.tar"

# Standard descriptors closed at start: /dev/null takes their place.
rm -f "$W/closed.tar"
"$TINYIMG" build "$HELLO" -o "$W/closed.tar" 2>&-
check "with standard error closed the build still works" "0 8704" "$? $(fsize "$W/closed.tar")"
"$TINYIMG" build -q "$HELLO" -o "$W/closed0.tar" <&-
check "with standard input closed too" "0" "$?"
"$TINYIMG" build -q "$HELLO" -o - >&- 2>"$W/closed1.err"
check "with standard output closed, -o - fails and says so" "1 yes" \
	"$? $(grep -q 'tinyimg: stdout: write failed' "$W/closed1.err" && echo yes)"
for o in /dev/stdout /proc/self/fd/1; do
	"$TINYIMG" build -q "$HELLO" -o "$o" >&- 2>"$W/closed2.err"
	check "with standard output closed, -o $o fails too, and says so" \
		"1 tinyimg: -o $o: names standard output, which was closed" "$? $(cat "$W/closed2.err")"
done
"$TINYIMG" build -q "$HELLO" -o /dev/null >&-
check "...while -o /dev/null, no link to standard output, works" "0" "$?"

# A file size limit: the write fails with EFBIG, the usual cleanup runs.
tmpd=$(mktemp -d "$W/tmp.XXXXXX")
rm -f "$W/limited.tar"
(ulimit -f 4; TMPDIR=$tmpd exec "$TINYIMG" build "$HELLO" -o "$W/limited.tar" 2>"$W/limited.err")
st=$?
check "ulimit -f: exit 1 with a message, no output, nothing left" "1 yes no 0 0" \
	"$st $(grep -q 'write failed: File too large' "$W/limited.err" && echo yes) $([ -e "$W/limited.tar" ] && echo yes || echo no) $(ls -A "$tmpd" | wc -l) $(ls -A "$W" | grep -c '^\.tinyimg-')"

# --- every JSON document tinyimg writes passes the official OCI schemas --------
if [ -x /usr/bin/python3 ] && /usr/bin/python3 -c 'import jsonschema' 2>/dev/null &&
   [ -d /usr/share/gocode/src/github.com/opencontainers/image-spec/schema ]; then
	"$TINYIMG" build -q "$HELLO" -t a/b:1 -t c -e A=1 -l k=v --expose 80/udp \
		--cmd 'x "y z"' -w /w -u 1:2 --stop-signal INT --add "$W/tree:/t" \
		-o "$W/schema-full.tar"
	"$TINYIMG" build -q "$TOP/asm/hello64.asm" --format oci -o "$W/schema-oci.tar"
	for t in hello schema-full schema-oci; do
		if out=$(/usr/bin/python3 -W ignore "$TOP/tests/schema.py" "$W/$t.tar" 2>&1); then
			pass "the OCI schemas accept every JSON document of $t.tar ($(echo "$out" | wc -l) documents)"
		else
			fail "the OCI schemas accept every JSON document of $t.tar" "$out"
		fi
	done
	printf '{"schemaVersion":2,"mediaType":"application/vnd.oci.image.index.v1+json","manifests":[{"mediaType":"x","digest":"sha256:bad","size":-1}]}' >"$W/bad-index.json"
	check "...and the schema check can fail (a bad digest in an index)" "1" \
		"$(/usr/bin/python3 -W ignore -c 'import json, sys; sys.path.insert(0, sys.argv[1]); import schema; schema.check("x", json.load(open(sys.argv[2])), "image-index-schema.json", "index")' "$TOP/tests" "$W/bad-index.json" >/dev/null 2>&1; echo $?)"
else
	skip "the OCI schemas accept tinyimg's JSON" "needs /usr/bin/python3 with python3-jsonschema and golang-github-opencontainers-image-spec-dev"
fi
