# t_docker.sh: images load and run in a real, private dockerd, and every
# image option shows where docker shows it (run output, inspect, export).
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/daemons.sh"

W=$(mktemp_dir)
ASM=$TOP/asm
BUILD=("$TINYIMG" build -q)

if ! have dockerd; then
	skip "docker: every check" "dockerd not installed (apt-get install docker.io)"
	exit 0
fi
daemons_init "$W" || exit 1
trap daemons_stop_all EXIT
trap 'exit 130' INT
trap 'exit 143' TERM
if ! dockerd_start; then
	fail "docker: a private dockerd starts" "see its log above"
	exit 0
fi
pass "docker: a private dockerd starts ($("$DOCKER" version -f '{{.Server.Version}}'))"
i386=yes
binfmt_i386_ensure || i386=no

# dload TAR: docker load < TAR, printing what docker says.
dload() { "$DOCKER" load <"$1" 2>&1; }
# drun ARGS...: docker run --rm --network none ARGS..., stdout only.
drun() { "$DOCKER" run --rm --network none "$@" 2>"$W/run.err"; }
# inspect IMAGE FORMAT: docker image inspect -f FORMAT IMAGE.
inspect() { "$DOCKER" image inspect -f "$2" "$1" 2>&1; }
# exported IMAGE: the "mode size name[ -> target]" list of the image's files
# as docker export shows them (docker's own view of the layer).
exported() {
	local id
	id=$("$DOCKER" create "$1" 2>/dev/null) || return 1
	"$DOCKER" export "$id" | tar --numeric-owner -tvf - |
		awk '{ $2 = $4 = $5 = ""; print }' | tr -s ' ' | sort -k3
	"$DOCKER" rm "$id" >/dev/null
}

# --- the main job: hello (386, through qemu where the kernel has no ia32) -----
"${BUILD[@]}" "$ASM/hello.asm" -o "$W/hello.tar"
check "docker load names the image" "Loaded image: hello:latest" "$(dload "$W/hello.tar")"
if [ $i386 = yes ]; then
	check "docker run --rm --network none hello prints Hello World" "Hello World" "$(drun hello)"
else
	skip "docker run of the 386 hello" "qemu-i386 binfmt_misc entry unavailable"
fi
check "inspect: tag, architecture, entrypoint, size = program bytes" \
	'[hello:latest] 386 linux [/hello] 130' \
	"$(inspect hello '{{.RepoTags}} {{.Architecture}} {{.Os}} {{.Config.Entrypoint}} {{.Size}}')"

"${BUILD[@]}" "$ASM/handmade.asm" -o "$W/handmade.tar"
dload "$W/handmade.tar" >/dev/null
[ $i386 = yes ] && check "a program with hand-written ELF headers runs" "Hello World" "$(drun handmade)"
"${BUILD[@]}" "$ASM/tiny.asm" -o "$W/tiny.tar"
dload "$W/tiny.tar" >/dev/null
if [ $i386 = yes ]; then
	check "the overlapped-header tiny.asm runs and exits 0" $'Hello World\nexit 0' \
		"$(drun tiny; echo "exit $?")"
else
	skip "docker run of tiny.asm" "qemu-i386 binfmt_misc entry unavailable"
fi

# --- 64-bit, natively -------------------------------------------------------------
"${BUILD[@]}" "$ASM/hello64.asm" -o - | "$DOCKER" load >/dev/null 2>&1
check "tinyimg build -o - | docker load, then run the 64-bit hello" "Hello World" "$(drun hello64)"
"${BUILD[@]}" "$ASM/hello64.asm" -o "$W/hello64.tar"
check "inspect: tag, amd64, entrypoint, size = program bytes (<= 170)" \
	"[hello64:latest] amd64 [/hello64] $(python3 "$TOP/tests/validate.py" "$W/hello64.tar" program_size) yes" \
	"$(inspect hello64 '{{.RepoTags}} {{.Architecture}} {{.Config.Entrypoint}} {{.Size}}') $([ "$(inspect hello64 '{{.Size}}')" -le 170 ] && echo yes)"

# --- arguments, command and entrypoint ---------------------------------------------
"${BUILD[@]}" "$ASM/args.asm" --cmd '["default", "two words"]' -o "$W/args.tar"
dload "$W/args.tar" >/dev/null
if [ $i386 = yes ]; then
	check "--cmd gives default arguments" $'/args\ndefault\ntwo words' "$(drun args)"
	check "docker run arguments replace --cmd" $'/args\none\nx y' "$(drun args one 'x y')"
else
	skip "386 args program runs" "qemu-i386 binfmt_misc entry unavailable"
fi
"${BUILD[@]}" "$ASM/args.asm" --arch 386 --path /bin/args --entrypoint '/bin/args --loud' \
	--cmd 'a b' -t args:words -o "$W/args2.tar"
dload "$W/args2.tar" >/dev/null
check "--entrypoint and --cmd as plain words" '[/bin/args --loud] [a b]' \
	"$(inspect args:words '{{.Config.Entrypoint}} {{.Config.Cmd}}')"
[ $i386 = yes ] && check "...and they run in that order" $'/bin/args\n--loud\na\nb' "$(drun args:words)"

# --- environment ----------------------------------------------------------------
"${BUILD[@]}" "$ASM/printenv.asm" --env GREETING=hello --env 'SPACED=a b=c' \
	--env GREETING=hi -o "$W/printenv.tar"
dload "$W/printenv.tar" >/dev/null
env_out=$(drun printenv)
check "--env reaches the program (the last value of a key wins)" "GREETING=hi|SPACED=a b=c" \
	"$(echo "$env_out" | grep -E '^(GREETING|SPACED)=' | tr '\n' '|' | sed 's/|$//')"
check "docker run -e adds to the image's environment" "EXTRA=1" \
	"$(drun -e EXTRA=1 printenv | grep '^EXTRA=')"

# --- exit codes, .bss -------------------------------------------------------------
"${BUILD[@]}" "$ASM/exitcode.asm" -o "$W/exitcode.tar"
dload "$W/exitcode.tar" >/dev/null
drun exitcode 42 >/dev/null
check "exit status passes through docker run" 42 "$?"
drun exitcode >/dev/null
check "exit status 0 without an argument" 0 "$?"
"${BUILD[@]}" "$ASM/bss.asm" -o "$W/bss.tar"
dload "$W/bss.tar" >/dev/null
[ $i386 = yes ] && check "a program using .bss runs" "HELLO FROM BSS" "$(drun bss)"

# --- user, working directory, labels, ports, stop signal -------------------------------
"${BUILD[@]}" "$ASM/whoami.asm" --user 1000:1000 --workdir /data --label org.example.team=tiny \
	--label 'note=two words' --expose 8080 --expose 53/udp --stop-signal int -o "$W/whoami.tar"
dload "$W/whoami.tar" >/dev/null
check "--user and --workdir reach the program" "uid=1000 cwd=/data" "$(drun whoami)"
check "inspect: user, workdir, labels, ports, stop signal" \
	'1000:1000 /data map[note:two words org.example.team:tiny] map[53/udp:{} 8080/tcp:{}] SIGINT' \
	"$(inspect whoami '{{.Config.User}} {{.Config.WorkingDir}} {{.Config.Labels}} {{.Config.ExposedPorts}} {{.Config.StopSignal}}')"

# --- files: --path and --add ---------------------------------------------------------
mkdir -p "$W/files/etc/app" "$W/files/share"
echo "setting=1" >"$W/files/etc/app/app.conf"
chmod 0640 "$W/files/etc/app/app.conf"
printf '#!/bin/sh\n' >"$W/files/share/run.sh"
chmod 0750 "$W/files/share/run.sh"
chmod 0700 "$W/files/share"
ln -s ../etc/app/app.conf "$W/files/share/conf"
echo single >"$W/one.txt"
"${BUILD[@]}" "$ASM/hello64.asm" --path /usr/local/bin/hello --add "$W/files:/opt" \
	--add "$W/one.txt:/etc/one.txt" -t files -o "$W/files.tar"
dload "$W/files.tar" >/dev/null
check "--path: the program runs from its place" "Hello World" "$(drun files)"
check "docker export shows every file with its mode, folders for parents" \
	"$(cat <<'LIST'
drwxr-xr-x 0 etc/
-rw-r--r-- 7 etc/one.txt
drwxr-xr-x 0 opt/
drwxr-xr-x 0 opt/etc/
drwxr-xr-x 0 opt/etc/app/
-rw-r----- 10 opt/etc/app/app.conf
drwx------ 0 opt/share/
lrwxrwxrwx 0 opt/share/conf -> ../etc/app/app.conf
-rwxr-x--- 10 opt/share/run.sh
drwxr-xr-x 0 usr/
drwxr-xr-x 0 usr/local/
drwxr-xr-x 0 usr/local/bin/
-rwxr-xr-x 160 usr/local/bin/hello
LIST
)" "$(exported files | grep -vE ' (\.dockerenv|dev/|proc/|sys/|etc/(hostname|hosts|resolv\.conf|mtab))')"

# --- several tags ---------------------------------------------------------------------
"${BUILD[@]}" "$ASM/hello64.asm" -t multi:one -t multi:two -t example.com/team/multi:3 -o "$W/multi.tar"
check "several -t: docker loads every tag" \
	$'Loaded image: multi:one\nLoaded image: multi:two\nLoaded image: example.com/team/multi:3' \
	"$(dload "$W/multi.tar")"
check "...all one image" "1" \
	"$("$DOCKER" images --format '{{.ID}}' | sort -u | grep -c "$("$DOCKER" images -q multi:one | head -n 1)")"

# --- creation time -------------------------------------------------------------------
"${BUILD[@]}" "$ASM/hello64.asm" --created 2024-05-01T14:30:00+02:00 -t dated -o "$W/dated.tar"
dload "$W/dated.tar" >/dev/null
check "--created shows as the image's Created time" "2024-05-01T12:30:00Z" "$(inspect dated '{{.Created}}')"
SOURCE_DATE_EPOCH=1700000000 "${BUILD[@]}" "$ASM/hello64.asm" -t sde -o "$W/sde.tar"
dload "$W/sde.tar" >/dev/null
check "SOURCE_DATE_EPOCH shows as Created" "2023-11-14T22:13:20Z" "$(inspect sde '{{.Created}}')"

# --- formats ----------------------------------------------------------------------------
"${BUILD[@]}" "$ASM/hello64.asm" --format docker -t fmt:docker -o "$W/fmt-docker.tar"
check "--format docker loads" "Loaded image: fmt:docker" "$(dload "$W/fmt-docker.tar")"

# --- programs that were not assembled here ----------------------------------------------
if have gcc; then
	cat >"$W/c.c" <<'C'
#include <stdio.h>
#include <stdlib.h>
int main(int argc, char **argv)
{
	printf("static C: %d args, first %s, GREETING=%s\n", argc,
	       argc > 1 ? argv[1] : "-", getenv("GREETING"));
	return 7;
}
C
	if gcc -static -O2 -o "$W/cprog" "$W/c.c" 2>"$W/gcc.err"; then
		"${BUILD[@]}" "$W/cprog" --env GREETING=hey -o "$W/cprog.tar"
		dload "$W/cprog.tar" >/dev/null
		out=$(drun cprog x)
		check "a gcc -static C program runs as it was linked (output, exit 7)" \
			"static C: 2 args, first x, GREETING=hey 7" "$out $?"
		"${BUILD[@]}" "$W/cprog" --strip -t cprog:stripped -o "$W/cprog-s.tar"
		dload "$W/cprog-s.tar" >/dev/null
		out=$(drun cprog:stripped y)
		check "...and super stripped, smaller, still runs" \
			"static C: 2 args, first y, GREETING=(null) 7 smaller" \
			"$out $? $([ "$(inspect cprog:stripped '{{.Size}}')" -lt "$(inspect cprog '{{.Size}}')" ] && echo smaller)"
	else
		skip "a gcc -static C program" "gcc -static failed (libc6-dev missing?): $(head -c 200 "$W/gcc.err")"
	fi
	if gcc -static-pie -O2 -o "$W/spie" "$W/c.c" 2>/dev/null; then
		"${BUILD[@]}" "$W/spie" -o "$W/spie.tar"
		dload "$W/spie.tar" >/dev/null
		out=$(drun spie z)
		check "a gcc -static-pie program runs" "static C: 2 args, first z, GREETING=(null) 7" "$out $?"
	fi
	cat >"$W/free.c" <<'C'
static long sys3(long n, long a, long b, long c)
{
	long r;
	__asm__ volatile("syscall" : "=a"(r) : "a"(n), "D"(a), "S"(b), "d"(c)
	                 : "rcx", "r11", "memory");
	return r;
}
static const char msg[] = "freestanding object\n";
void _start(void)
{
	sys3(1, 1, (long)msg, sizeof msg - 1);
	sys3(60, 5, 0, 0);
}
C
	gcc -O2 -ffreestanding -nostdlib -fno-pie -fno-stack-protector -c "$W/free.c" -o "$W/free.o"
	"${BUILD[@]}" "$W/free.o" -o "$W/free.tar"
	dload "$W/free.tar" >/dev/null
	out=$(drun free)
	check "an ELF object from gcc -ffreestanding is linked and runs" "freestanding object 5" "$out $?"
else
	skip "programs built with gcc" "gcc not installed"
fi

# --- the longest names tinyimg accepts load (Docker: 255 characters in full) --
n237=$(printf 'a%.0s' $(seq 237))
"${BUILD[@]}" "$ASM/hello64.asm" -t "$n237" -o "$W/long1.tar"
check "a bare name of 237 characters (docker.io/library/NAME is 255) loads" \
	"Loaded image: $n237:latest" "$(dload "$W/long1.tar")"
n245="me/$(printf 'b%.0s' $(seq 242)):$(printf 't%.0s' $(seq 128))"
"${BUILD[@]}" "$ASM/hello64.asm" -t "$n245" -o "$W/long2.tar"
check "me/NAME of 245 characters (255 in full) with a 128-character tag loads and runs" \
	"Loaded image: $n245 Hello World" "$(dload "$W/long2.tar") $(drun "$n245")"

# --- W^X (--no-rwx): every example runs the same, no segment is writable code ---
# segments FILE: "TYPE FLAGS" of each LOAD and GNU_STACK program header,
# read from the ELF by Python (independent of tinyimg).
segments() {
	python3 - "$1" <<'PY'
import struct, sys
d = open(sys.argv[1], "rb").read()
is64 = d[4] == 2
phoff, = struct.unpack_from("<Q" if is64 else "<I", d, 32 if is64 else 28)
phnum, = struct.unpack_from("<H", d, 56 if is64 else 44)
out = []
for i in range(phnum):
    at = phoff + i * (56 if is64 else 32)
    t, = struct.unpack_from("<I", d, at)
    f, = struct.unpack_from("<I", d, at + (4 if is64 else 24))
    name = {1: "LOAD", 0x6474e551: "STACK"}.get(t)
    if name:
        out.append(name + " " + "".join(c if f & b else "-" for c, b in
                                       (("R", 4), ("W", 2), ("X", 1))))
print(", ".join(out))
PY
}
for p in hello hello64 args bss exitcode printenv whoami; do
	"${BUILD[@]}" "$ASM/$p.asm" -t "rwx-$p" -o "$W/rwx-$p.tar"
	"${BUILD[@]}" --no-rwx "$ASM/$p.asm" -t "wx-$p" -o "$W/wx-$p.tar"
	mkdir -p "$W/wx-$p"
	tar -xf "$W/wx-$p.tar" -C "$W/wx-$p"
	layer=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))[0]["Layers"][0])' "$W/wx-$p/manifest.json")
	tar -xf "$W/wx-$p/$layer" -C "$W/wx-$p"
	segs=$(segments "$W/wx-$p/$p")
	case $p in
	exitcode) want="LOAD R-X, STACK RW-" ;;  # no data: one segment
	*) want="LOAD R-X, LOAD RW-, STACK RW-" ;;
	esac
	check "--no-rwx $p: code R-X, data RW-, a stack without X (from the ELF)" "$want" "$segs"
	dload "$W/wx-$p.tar" >/dev/null
	dload "$W/rwx-$p.tar" >/dev/null
	if [ $i386 = no ] && [ $p != hello64 ]; then
		skip "--no-rwx $p runs" "qemu-i386 binfmt_misc entry unavailable"
		continue
	fi
	case $p in
	exitcode) a=(7) ;;
	args) a=(x 'y z') ;;
	*) a=() ;;
	esac
	"$DOCKER" run --rm --network none -h box "rwx-$p" "${a[@]}" >"$W/plain.out" 2>&1
	plain=$?
	"$DOCKER" run --rm --network none -h box "wx-$p" "${a[@]}" >"$W/wx.out" 2>&1
	wx=$?
	check "--no-rwx $p runs under docker as the RWX build does (output, status)" \
		"$(sed "s#/$p#PROG#" "$W/plain.out") $plain" "$(sed "s#/$p#PROG#" "$W/wx.out") $wx"
done
"${BUILD[@]}" --no-rwx "$W/free.o" -t wx-free -o "$W/wx-free.tar" 2>/dev/null &&
	dload "$W/wx-free.tar" >/dev/null &&
	check "--no-rwx on a gcc -ffreestanding object: runs" "freestanding object 5" "$(drun wx-free) $?"
