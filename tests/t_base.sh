# t_base.sh: a program on a base image (--base) from every kind of tarball,
# and one image for several platforms, checked with docker, containerd,
# skopeo and a registry.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/daemons.sh"

W=$(mktemp_dir)
ASM=$TOP/asm
BUILD=("$TINYIMG" build -q)
MK="python3 $TOP/tests/mkimages.py"

# elf MACHINE CLASS ENDIAN OUT: a minimal static executable for another
# machine (one R+X PT_LOAD at 64 KiB, the entry inside), by Python.
elf() {
	python3 - "$@" <<'PY'
import struct, sys
machine, cls, endian, out = int(sys.argv[1]), int(sys.argv[2]), sys.argv[3], sys.argv[4]
e = ">" if endian == "big" else "<"
base = 0x10000
if cls == 64:
    code_at = 64 + 56
    hdr = struct.pack(e + "4sBBBB8xHHIQQQIHHHHHH", b"\x7fELF", 2,
                      2 if endian == "big" else 1, 1, 0, 2, machine, 1,
                      base + code_at, 64, 0, 0, 64, 56, 1, 0, 0, 0)
    ph = struct.pack(e + "IIQQQQQQ", 1, 5, 0, base, base, code_at + 16,
                     code_at + 16, 0x1000)
else:
    code_at = 52 + 32
    hdr = struct.pack(e + "4sBBBB8xHHIIIIIHHHHHH", b"\x7fELF", 1,
                      2 if endian == "big" else 1, 1, 0, 2, machine, 1,
                      base + code_at, 52, 0, 0, 52, 32, 1, 0, 0, 0)
    ph = struct.pack(e + "IIIIIIII", 1, 0, base, base, code_at + 16,
                     code_at + 16, 5, 0x1000)
open(out, "wb").write(hdr + ph + b"\0" * 16)
PY
}

# --- platforms from the ELF header, without any daemon ------------------------
if have aarch64-linux-gnu-as aarch64-linux-gnu-ld; then
	cat >"$W/a64.s" <<'S'
        .global _start
        .text
_start: mov x0, #1
        adr x1, msg
        mov x2, #12
        mov x8, #64
        svc #0
        mov x0, #0
        mov x8, #93
        svc #0
msg:    .ascii "Hello World\n"
S
	aarch64-linux-gnu-as -o "$W/a64.o" "$W/a64.s" &&
		aarch64-linux-gnu-ld -static -o "$W/hello-arm64" "$W/a64.o"
else
	skip "arm64 programs" "binutils-aarch64-linux-gnu not installed"
fi
if have arm-linux-gnueabihf-as arm-linux-gnueabihf-ld; then
	for v in armv6 armv7-a; do
		sed "s/^/        /" >"$W/$v.s" <<S
.arch $v
.global _start
.text
_start: mov r0, #1
adr r1, msg
mov r2, #12
mov r7, #4
svc #0
mov r0, #0
mov r7, #1
svc #0
msg: .ascii "Hello World\\n"
S
		arm-linux-gnueabihf-as -o "$W/$v.o" "$W/$v.s" &&
			arm-linux-gnueabihf-ld -static -o "$W/hello-$v" "$W/$v.o"
	done
	"${BUILD[@]}" "$W/hello-armv7-a" -t a7 -o "$W/a7.tar"
	check "an ARMv7 program: linux/arm/v7, from its .ARM.attributes" "linux/arm/v7" \
		"$(fact "$W/a7.tar" 'd["images"][0]["platform"]')"
	"${BUILD[@]}" "$W/hello-armv6" -t a6 -o "$W/a6.tar"
	check "an ARMv6 program: linux/arm/v6" "linux/arm/v6" "$(fact "$W/a6.tar" 'd["images"][0]["platform"]')"
	arm-linux-gnueabihf-strip -s -R .ARM.attributes "$W/hello-armv7-a" -o "$W/arm-noattr"
	"$TINYIMG" build -q "$W/arm-noattr" -t x -o "$W/bad.tar" 2>"$W/err"
	check "an ARM program whose version cannot be told is refused" "1 yes no" \
		"$? $(grep -q 'ARM version (v6, v7) cannot be told' "$W/err" && echo yes) $([ -e "$W/bad.tar" ] && echo yes || echo no)"
	check "...one stripped of its attributes: says to keep them" "yes" \
		"$(grep -q 'it has no .ARM.attributes section (keep it when stripping' "$W/err" && echo yes)"
	python3 - "$W/hello-armv7-a" "$W/arm-noshdr" <<'PY'
import sys
b = bytearray(open(sys.argv[1], "rb").read())
b[0x20:0x24] = bytes(4)   # e_shoff
b[0x30:0x34] = bytes(4)   # e_shnum, e_shstrndx
open(sys.argv[2], "wb").write(b)
PY
	"$TINYIMG" build -q "$W/arm-noshdr" -t x -o "$W/bad.tar" 2>"$W/err"
	check "...one with no section headers at all: says so" "1 yes" \
		"$? $(grep -q 'it has no section headers, so no .ARM.attributes' "$W/err" && echo yes)"
	sed 's/^ *\.arch .*//' "$W/armv7-a.s" >"$W/armnone.s"
	arm-linux-gnueabihf-as -o "$W/armnone.o" "$W/armnone.s" 2>/dev/null &&
		arm-linux-gnueabihf-ld -static -o "$W/arm-notag" "$W/armnone.o"
	"$TINYIMG" build -q "$W/arm-notag" -t x -o "$W/bad.tar" 2>"$W/err"
	check "...one whose attributes name no CPU: says to assemble it with .arch" "1 yes" \
		"$? $(grep -q 'its .ARM.attributes has no Tag_CPU_arch (assemble it with .arch armv7-a' "$W/err" && echo yes)"
else
	skip "ARM variants" "binutils-arm-linux-gnueabihf not installed"
fi
elf 21 64 little "$W/ppc"
elf 243 64 little "$W/riscv"
elf 22 64 big "$W/s390"
elf 21 64 big "$W/ppc64be"
for p in ppc:linux/ppc64le riscv:linux/riscv64 s390:linux/s390x; do
	"${BUILD[@]}" "$W/${p%%:*}" -o "$W/${p%%:*}.tar"
	check "a ${p#*:} executable: its image says ${p#*:}" "${p#*:}" \
		"$(fact "$W/${p%%:*}.tar" 'd["images"][0]["platform"]')"
done
"$TINYIMG" build -q "$W/ppc64be" -t x -o "$W/bad.tar" 2>"$W/err"
check "a big-endian PowerPC64 program (no container platform) is refused" "1 yes" \
	"$? $(grep -q 'machine type 21 (64-bit, big-endian) is not one tinyimg knows' "$W/err" && echo yes)"

# --- several inputs, one image for every platform ----------------------------
inputs=("$ASM/hello64.asm" "$ASM/hello.asm" "$W/ppc")
[ -x "$W/hello-arm64" ] && inputs=("$W/hello-arm64" "${inputs[@]}")
"${BUILD[@]}" "${inputs[@]}" -t me/multi:1 -t me/multi:latest -o "$W/multi.tar"
check "several inputs: one image per platform" \
	"$([ -x "$W/hello-arm64" ] && echo "linux/arm64 ")linux/amd64 linux/386 linux/ppc64le" \
	"$(fact "$W/multi.tar" '" ".join(i["platform"] for i in d["images"])')"
check "...each runs /multi, the image's name (no --path)" \
	"$(for _ in "${inputs[@]}"; do printf '["/multi"] '; done | sed 's/ $//')" \
	"$(fact "$W/multi.tar" '" ".join(json.dumps(i["config"]["entrypoint"]) for i in d["images"])')"
check "...index.json names a nested index per tag (Docker 25+ style)" \
	"application/vnd.oci.image.index.v1+json application/vnd.oci.image.index.v1+json docker.io/me/multi:1" \
	"$(tar -xOf "$W/multi.tar" index.json | python3 -c 'import json,sys; m=json.load(sys.stdin)["manifests"]; print(m[0]["mediaType"], m[1]["mediaType"], m[0]["annotations"]["io.containerd.image.name"])')"
check "...manifest.json lists the first input's image, tagged" \
	"1 2 $(fact "$W/multi.tar" 'd["images"][0]["config"]["digest"][7:]')" \
	"$(tar -xOf "$W/multi.tar" manifest.json | python3 -c 'import json,sys; m=json.load(sys.stdin); print(len(m), len(m[0]["RepoTags"]), m[0]["Config"].split("/")[-1])')"
"$TINYIMG" inspect -q "$W/multi.tar" >"$W/out" 2>&1
check "tinyimg inspect reads the multi-platform image: valid" "0" "$?"
if /usr/bin/python3 -c 'import jsonschema' 2>/dev/null; then
	check_cmd "every JSON document (nested index included) passes the OCI schemas" \
		/usr/bin/python3 -W ignore "$TOP/tests/schema.py" "$W/multi.tar"
else
	skip "the OCI schemas on the multi-platform image" "python3-jsonschema not installed"
fi
"$TINYIMG" build -q "$ASM/hello.asm" "$ASM/hello64.asm" --format docker -o "$W/bad.tar" 2>"$W/err"
check "--format docker with several platforms: a usage error, nothing written" "2 yes no" \
	"$? $(grep -q -- '--format docker holds one image' "$W/err" && echo yes) $([ -e "$W/bad.tar" ] && echo yes || echo no)"
"$TINYIMG" build -q "$ASM/hello.asm" "$ASM/tiny.asm" -o "$W/bad.tar" 2>"$W/err"
check "two inputs for one platform: an error naming both" "1 yes" \
	"$? $(grep -q "$ASM/hello.asm and $ASM/tiny.asm are both programs for linux/386" "$W/err" && echo yes)"

# --- files placed on a base as Docker's COPY places them ----------------------------
# A merged-/usr base: /bin is a link to usr/bin, /tmp is sticky, /lp a link
# to a folder, /loop1 and /loop2 links to each other, /up a link to "..".
mkdir -p "$W/mu/usr/bin" "$W/mu/tmp" "$W/mu/opt/real" "$W/into"
chmod 1777 "$W/mu/tmp"
ln -s usr/bin "$W/mu/bin"
ln -s /opt/real "$W/mu/lp"
ln -s loop2 "$W/mu/loop1"
ln -s loop1 "$W/mu/loop2"
ln -s .. "$W/mu/up"
echo tool >"$W/mu/usr/bin/tool"
[ -x /bin/busybox ] && cp /bin/busybox "$W/mu/usr/bin/busybox" && ln -s busybox "$W/mu/usr/bin/sh"
echo motd >"$W/motd"
echo inside >"$W/into/inside"
"${BUILD[@]}" "$ASM/hello64.asm" --path /usr/bin/hello64 --add "$W/mu:/" -t mu:1 -o "$W/b-mu.tar"
# layer_names TARBALL: the entries of the top layer, one line.
layer_names() { fact "$1" '" ".join(f["name"] for f in d["images"][0]["layers"][-1]["files"])'; }
"${BUILD[@]}" "$ASM/hello64.asm" --base "$W/b-mu.tar" --path /bin/app \
	--add "$W/motd:/tmp/motd" --add "$W/into:/lp" --add "$W/motd:/up/up/etc/motd" \
	-t on-mu -o "$W/on-mu.tar"
check "on a base: /bin/app lands in usr/bin through the base's link, no entry for a folder the base has" \
	"etc etc/motd opt/real/inside tmp/motd usr/bin/app" "$(layer_names "$W/on-mu.tar")"
check "...the entrypoint stays the path asked for" '["/bin/app"]' \
	"$(fact "$W/on-mu.tar" 'json.dumps(d["images"][0]["config"]["entrypoint"])')"
"$TINYIMG" build -q "$ASM/hello64.asm" --base "$W/b-mu.tar" --path /loop1/app -o "$W/bad.tar" 2>"$W/err"
check "a loop of links in the base on the way: exit 1, said, nothing written" "1 yes no" \
	"$? $(grep -q '/loop1/app: more than 40 symbolic links in a row in the base image' "$W/err" && echo yes) $([ -e "$W/bad.tar" ] && echo yes || echo no)"
"$TINYIMG" build -q --base "$W/b-mu.tar" --add "$W/into:/loop1" -o "$W/bad.tar" 2>"$W/err"
check "...a folder added onto that loop: exit 1, said, nothing written" "1 yes no" \
	"$? $(grep -q '/loop1: more than 40 symbolic links in a row in the base image' "$W/err" && echo yes) $([ -e "$W/bad.tar" ] && echo yes || echo no)"
# An upper layer of the base made the folder /data and the link /lp files:
# the files are what the image has, so ours go in folders of our own.
$MK layers "$W/b-mu2.tar" /x 'data:d,opt:d,opt/real:d,lp:s=/opt/real' 'data:f=file,lp:f=file'
"${BUILD[@]}" "$ASM/hello64.asm" --base "$W/b-mu2.tar" --add "$W/into:/data" --add "$W/motd:/lp/x" -t on-mu2 -o "$W/on-mu2.tar"
check "a folder and a link the base's upper layer replaced by files: ours go in folders of our own" \
	"data data/inside hello64 lp lp/x" "$(layer_names "$W/on-mu2.tar")"
# A file added where the base has a folder, or a link to one, goes into
# it, as COPY's destination does.
"${BUILD[@]}" --base "$W/b-mu.tar" --add "$W/motd:/tmp" --add "$W/motd:/lp" -t mu:3 -o "$W/on-mu3.tar"
check "a file added onto a base folder (/tmp) or a link to one (/lp): it goes into it" \
	"opt/real/motd tmp/motd" "$(layer_names "$W/on-mu3.tar")"
"${BUILD[@]}" "$ASM/hello64.asm" --path /bin/app --add "$W/motd:/tmp/motd" -t scratch -o "$W/scratch.tar"
check "FROM scratch nothing changes: every parent folder has its entry" \
	"bin bin/app tmp tmp/motd" "$(layer_names "$W/scratch.tar")"

# A base whose manifest uses Docker's media types (Docker 25+ saves pulled
# images so): our manifest is OCI, so its layers get their OCI names.
$MK dockertypes "$W/b-mu.tar" "$W/b-dockertypes.tar"
"${BUILD[@]}" "$ASM/hello64.asm" --base "$W/b-dockertypes.tar" -t on-dt -o "$W/on-dt.tar"
check "a base with Docker media types: the base reads valid, ours carry OCI layer types" \
	"application/vnd.docker.image.rootfs.diff.tar application/vnd.oci.image.layer.v1.tar application/vnd.oci.image.layer.v1.tar" \
	"$(fact "$W/b-dockertypes.tar" 'd["images"][0]["layers"][0]["media_type"]') $(fact "$W/on-dt.tar" '" ".join(l["media_type"] for l in d["images"][0]["layers"])')"
if have skopeo umoci; then
	skopeo copy -q oci-archive:"$W/on-dt.tar" docker-archive:"$W/on-dt-docker.tar":x:1 2>"$W/err"
	check "...skopeo converts the result to a docker-archive" "0 " "$? $(cat "$W/err")"
	skopeo copy -q oci-archive:"$W/on-dt.tar" oci:"$W/on-dt-oci":x 2>/dev/null &&
		umoci unpack --rootless --image "$W/on-dt-oci":x "$W/on-dt-bundle" >/dev/null 2>"$W/err"
	check "...umoci unpacks it: the base's files and our program" "0 yes yes" \
		"$? $([ -f "$W/on-dt-bundle/rootfs/usr/bin/tool" ] && echo yes) $([ -x "$W/on-dt-bundle/rootfs/hello64" ] && echo yes)"
else
	skip "a Docker-typed base's result converts with skopeo and unpacks with umoci" "skopeo or umoci not installed"
fi

# A base holding two images for one platform (docker save a b): which to
# build on cannot be told; one image under two tags is one image.
"${BUILD[@]}" "$ASM/hello64.asm" -e WHICH=a -t two:a -o "$W/two-a.tar"
"${BUILD[@]}" "$ASM/hello64.asm" -e WHICH=b -t two:b -o "$W/two-b.tar"
$MK join "$W/two-a.tar" "$W/two-b.tar" "$W/b-two.tar"
for args in "$ASM/hello64.asm" "--add $W/motd:/motd"; do
	"$TINYIMG" build -q $args --base "$W/b-two.tar" -t t:1 -o "$W/bad.tar" 2>"$W/err"
	rc=$?
	check "a base with two images for linux/amd64 ($(echo "$args" | sed "s|$W/||; s|$ASM/||")): exit 1, both named, nothing written" \
		"1 tinyimg: --base $W/b-two.tar holds two images for linux/amd64, two:a and two:b: which to build on cannot be told; give a tarball of one (docker save NAME, or skopeo copy ...:NAME) no" \
		"$rc $(cat "$W/err") $([ -e "$W/bad.tar" ] && echo yes || echo no)"
done
# amd64 and amd64/v3 are two platforms: files go on both, and a program
# for amd64 takes the image without a variant.
$MK config "$W/two-b.tar" "$W/two-v3.tar" 'c["variant"] = "v3"'
$MK join "$W/two-v3.tar" "$W/two-a.tar" "$W/b-v3.tar"
"${BUILD[@]}" --base "$W/b-v3.tar" --add "$W/motd:/motd" --format oci -t v3:1 -o "$W/on-v3.tar"
check "a base for linux/amd64 and linux/amd64/v3, files only: both platforms" \
	"0 linux/amd64 linux/amd64/v3" "$? $(fact "$W/on-v3.tar" '" ".join(sorted(i["platform"] for i in d["images"]))')"
"${BUILD[@]}" "$ASM/hello64.asm" --base "$W/b-v3.tar" -t v3:2 -o "$W/on-v3p.tar"
check "...an amd64 program goes on the image without a variant" "0 WHICH=a" \
	"$? $(fact "$W/on-v3p.tar" '" ".join(e for e in d["images"][0]["config"]["env"] if e.startswith("WHICH"))')"
"${BUILD[@]}" "$ASM/hello64.asm" -t two:a -t two:c -o "$W/two-tags.tar"
"${BUILD[@]}" --base "$W/two-tags.tar" --add "$W/motd:/motd" -t t:1 -o "$W/two-tags-on.tar"
check "...one image under two tags is one image: one image out" "0 1" \
	"$? $(fact "$W/two-tags-on.tar" 'len(d["images"])')"

# A base without history, with ONBUILD triggers, and with no entrypoint.
$MK config "$W/b-mu.tar" "$W/b-odd.tar" 'del c["history"]; c["config"]["OnBuild"] = ["RUN echo hi"]; c["config"].pop("Entrypoint", None)'
"$TINYIMG" build "$ASM/hello64.asm" --base "$W/b-odd.tar" -t odd -o "$W/on-odd.tar" 2>"$W/err"
check "a base without history: one entry for its layer, then ours, so entries match layers" \
	"0 2 2 a layer of the base image that its history did not describe|tinyimg build hello64.asm" \
	"$? $(fact "$W/on-odd.tar" 'str(len(d["images"][0]["layers"])) + " " + str(len(d["images"][0]["config"]["history"])) + " " + "|".join(h["comment"] or h["created_by"] for h in d["images"][0]["config"]["history"])')"
check "a base with ONBUILD triggers: a warning, and they are not passed on" "yes no" \
	"$(grep -q 'has ONBUILD triggers; tinyimg runs nothing, so they are not run, and they are not passed on' "$W/err" && echo yes) $(tar -xOf "$W/on-odd.tar" --wildcards 'blobs/*' | grep -q OnBuild && echo yes || echo no)"
"$TINYIMG" build -q --base "$W/b-odd.tar" --add "$W/motd:/motd" --cmd '' -o "$W/bad.tar" 2>"$W/err"
check "--cmd '' on a base with no entrypoint: nothing to run, exit 1, nothing written" "1 yes no" \
	"$? $(grep -q "cmd is empty and the base $W/b-odd.tar has no entrypoint: the image would have nothing to run" "$W/err" && echo yes) $([ -e "$W/bad.tar" ] && echo yes || echo no)"
"$TINYIMG" build -q --base "$W/b-odd.tar" --add "$W/motd:/motd" --cmd '"" x' -o "$W/bad.tar" 2>"$W/err"
check "--cmd '\"\" x' there: a blank program, exit 1" "1 yes" \
	"$? $(grep -q -- "--cmd: its first word, the program to run (the base $W/b-odd.tar has no entrypoint), is blank" "$W/err" && echo yes)"

# --- the services ------------------------------------------------------------------
if ! have dockerd skopeo ctr curl; then
	skip "base images and platforms under docker, containerd and a registry" \
		"needs docker.io, containerd, skopeo and curl"
	exit 0
fi
daemons_init "$W" || exit 1
trap daemons_stop_all EXIT
trap 'exit 130' INT
trap 'exit 143' TERM
if ! dockerd_start || ! registry_start; then
	fail "base: a private dockerd and registry start" "see the log above"
	exit 0
fi
binfmt_i386_ensure >/dev/null 2>&1
arm64=no
[ -x "$W/hello-arm64" ] && binfmt_qemu_ensure aarch64 && arm64=yes
# drun ARGS...: docker run --rm --network none ARGS..., stdout only.
drun() { "$DOCKER" run --rm --network none "$@" 2>"$W/run.err"; }
dinspect() { "$DOCKER" image inspect -f "$2" "$1" 2>&1; }

# The base: busybox from Debian's busybox-static, built by tinyimg, with an
# environment, a working folder, a label, a port, a stop signal and files.
mkdir -p "$W/root/bin" "$W/root/data" "$W/root/etc"
ln -s busybox "$W/root/bin/sh"
echo "from the base" >"$W/root/etc/motd"
echo "base data" >"$W/root/data/base.txt"
"${BUILD[@]}" /bin/busybox --path /bin/busybox --add "$W/root:/" \
	--entrypoint /bin/busybox --cmd 'sh -c "echo base cmd"' \
	-e PATH=/bin -e BASE=1 -w /data -l base.label=yes --expose 8080 \
	--stop-signal SIGQUIT -t bb:base -o "$W/b-tinyimg.tar"
"$DOCKER" load -i "$W/b-tinyimg.tar" >/dev/null
base_layers=$(dinspect bb:base '{{range .RootFS.Layers}}{{.}} {{end}}')
"$DOCKER" save -o "$W/b-docker.tar" bb:base
"$DOCKER" save bb:base | gzip >"$W/b-docker-gz.tar"
skopeo copy -q --dest-tls-verify=false oci-archive:"$W/b-tinyimg.tar" docker://"$REGISTRY"/bb:base
skopeo copy -q --src-tls-verify=false docker://"$REGISTRY"/bb:base oci-archive:"$W/b-registry.tar":bb:base
$MK docker25 "$W/b-tinyimg.tar" "$W/b-docker25.tar"
check "the registry's copy has a gzip layer" "application/vnd.oci.image.layer.v1.tar+gzip" \
	"$(fact "$W/b-registry.tar" 'd["images"][0]["layers"][0]["media_type"]')"

for kind in tinyimg docker docker-gz registry docker25; do
	base=$W/b-$kind.tar
	name=on-$kind
	if ! "$TINYIMG" build -q "$ASM/hello64.asm" --base "$base" -e EXTRA=1 \
		-t "$name" -o "$W/$name.tar" 2>"$W/err"; then
		fail "--base from $kind: the build" "$(cat "$W/err")"
		continue
	fi
	"$DOCKER" load -i "$W/$name.tar" >/dev/null 2>&1
	check "--base from $kind: the program runs on the base" "Hello World" "$(drun "$name")"
	check "--base from $kind: the base's files and ours are there" \
		"bin data dev etc hello64 proc sys | from the base" \
		"$(drun --entrypoint /bin/busybox "$name" ls / | tr '\n' ' ' | sed 's/ $//') | $(drun --entrypoint /bin/busybox "$name" cat /etc/motd)"
	check "--base from $kind: Env, WorkingDir, Labels, ports, stop signal inherited; Cmd dropped" \
		"[PATH=/bin BASE=1 EXTRA=1] /data map[base.label:yes] map[8080/tcp:{}] SIGQUIT [/hello64] []" \
		"$(dinspect "$name" '{{.Config.Env}} {{.Config.WorkingDir}} {{.Config.Labels}} {{.Config.ExposedPorts}} {{.Config.StopSignal}} {{.Config.Entrypoint}} {{.Config.Cmd}}')"
	check "--base from $kind: the base's diff_ids first, then ours" \
		"$base_layers$(fact "$W/$name.tar" 'd["images"][0]["layers"][-1]["diff_id"]')" \
		"$(dinspect "$name" '{{range .RootFS.Layers}}{{.}} {{end}}' | sed 's/ $//')"
	check "--base from $kind: the base's layer is copied byte for byte (digest, media type)" \
		"$(fact "$base" 'd["images"][0]["layers"][0]["digest"] + " " + d["images"][0]["layers"][0]["media_type"]')" \
		"$(fact "$W/$name.tar" 'd["images"][0]["layers"][0]["digest"] + " " + d["images"][0]["layers"][0]["media_type"]')"
	check "--base from $kind: history keeps the base's and adds ours" \
		"tinyimg build busybox|tinyimg build hello64.asm" \
		"$(fact "$W/$name.tar" '"|".join(h["created_by"] for h in d["images"][0]["config"]["history"])')"
	"$TINYIMG" inspect -q "$W/$name.tar" >"$W/out" 2>&1
	check "--base from $kind: tinyimg inspect finds it valid" "0" "$?"
done
if /usr/bin/python3 -c 'import jsonschema' 2>/dev/null; then
	check_cmd "an image on a base passes the OCI schemas" \
		/usr/bin/python3 -W ignore "$TOP/tests/schema.py" "$W/on-registry.tar"
fi

# What docker makes of files placed on the merged-/usr base.
"$DOCKER" load -i "$W/on-mu.tar" >/dev/null
check "on a merged-/usr base under docker: /bin still a link, /tmp still 1777, every file where asked" \
	"Hello World|usr/bin 1777 tool motd inside motd" \
	"$(drun on-mu)|$(drun --entrypoint /bin/sh on-mu -c 'echo $(readlink /bin) $(stat -c %a /tmp) $(cat /bin/tool /tmp/motd /lp/inside /etc/motd)')"

# --cmd with a base; no INPUT: files added, entrypoint and cmd inherited.
"${BUILD[@]}" "$ASM/hello64.asm" --base "$W/b-tinyimg.tar" --cmd 'x "y z"' -t cmd-on -o "$W/cmd-on.tar"
"$DOCKER" load -i "$W/cmd-on.tar" >/dev/null
check "--cmd on a base is kept" '[/hello64] [x y z]' "$(dinspect cmd-on '{{.Config.Entrypoint}} {{.Config.Cmd}}')"
echo "added by tinyimg" >"$W/motd"
"${BUILD[@]}" --base "$W/b-docker25.tar" --add "$W/motd:/etc/motd" -t bb:plus -o "$W/plus.tar"
"$DOCKER" load -i "$W/plus.tar" >/dev/null
check "no INPUT: files added to the base, its entrypoint and cmd kept" \
	"[/bin/busybox] [sh -c echo base cmd] base cmd" \
	"$(dinspect bb:plus '{{.Config.Entrypoint}} {{.Config.Cmd}}') $(drun bb:plus)"
check "...our /etc/motd replaces the base's (the union file system)" "added by tinyimg" \
	"$(drun bb:plus cat /etc/motd)"

# A base's label whose key holds '=' stays as it was.
$MK label "$W/b-tinyimg.tar" "$W/b-label.tar" 'a=b' 'c'
"${BUILD[@]}" "$ASM/hello64.asm" --base "$W/b-label.tar" -l x=y -t labels -o "$W/labels.tar"
check "a base label whose key holds '=' is kept as it was, ours added" \
	'{"base.label": "yes", "a=b": "c", "x": "y"}' \
	"$(fact "$W/labels.tar" 'json.dumps(d["images"][0]["config"]["labels"])')"

# Words with quotes, split as a shell splits them, reach docker as words.
"${BUILD[@]}" --base "$W/b-tinyimg.tar" --entrypoint /bin/busybox \
	--cmd 'sh -c "echo hi; echo \"quoted\" \$HOME"' -t bb:words -o "$W/words.tar"
"$DOCKER" load -i "$W/words.tar" >/dev/null
check "no INPUT and no --add: only the config changes, no empty layer, history says so" \
	"1 True" "$(fact "$W/words.tar" 'str(len(d["images"][0]["layers"])) + " " + str(d["images"][0]["config"]["history"][-1]["empty_layer"])')"
check "--cmd 'sh -c \"echo hi; ...\"': one word per shell word, seen by docker" \
	'["/bin/busybox"] ["sh","-c","echo hi; echo \"quoted\" $HOME"]' \
	"$(dinspect bb:words '{{json .Config.Entrypoint}} {{json .Config.Cmd}}')"
check "...and the busybox shell runs them (\$HOME expanded by sh, not by tinyimg)" \
	'hi
quoted /' "$(drun bb:words)"

# A base with problems is refused with the report; nothing is written.
$MK corrupt blob-bytes "$W/b-tinyimg.tar" "$W/b-bad.tar" >/dev/null
"$TINYIMG" build -q "$ASM/hello64.asm" --base "$W/b-bad.tar" -o "$W/bad.tar" 2>"$W/err"
check "a base with problems: exit 1, the problems listed, nothing written" "1 yes yes no" \
	"$? $(grep -q 'not a valid image (2 problems, below' "$W/err" && echo yes) $(grep -q "the blob's bytes do not hash to its name" "$W/err" && echo yes) $([ -e "$W/bad.tar" ] && echo yes || echo no)"
"$TINYIMG" build -q "$W/ppc" --base "$W/b-tinyimg.tar" -o "$W/bad.tar" 2>"$W/err"
check "a base without the program's platform: an error listing what it has" "1 yes" \
	"$? $(grep -q "has no image for linux/ppc64le ($W/ppc) has: linux/amd64" "$W/err" && echo yes)"

# --- multi-platform under containerd, docker and a registry -------------------------
ctr_cmd images import --all-platforms "$W/multi.tar" >/dev/null 2>&1
for plat in linux/amd64 linux/386 $([ $arm64 = yes ] && echo linux/arm64); do
	out=$(ctr_cmd run --rm --platform "$plat" docker.io/me/multi:1 "run-${plat##*/}" 2>&1)
	check "containerd runs the $plat image of the multi-platform tag" "Hello World" "$out"
done
[ $arm64 = yes ] || skip "containerd runs linux/arm64" "no arm64 program or qemu-aarch64 binfmt entry"
"$DOCKER" load -i "$W/multi.tar" >/dev/null 2>&1
check "docker load of the multi-platform tarball: the first input's image, tagged" \
	"$(fact "$W/multi.tar" 'd["images"][0]["platform"].split("/")[1]')" \
	"$(dinspect me/multi:1 '{{.Architecture}}')"
skopeo copy -q --all --dest-tls-verify=false oci-archive:"$W/multi.tar":1 docker://"$REGISTRY"/multi:1
list=$(curl -s -H 'Accept: application/vnd.oci.image.index.v1+json' \
	"http://$REGISTRY/v2/multi/manifests/1")
check "skopeo copy --all: the registry holds a manifest list of every platform" \
	"application/vnd.oci.image.index.v1+json $(fact "$W/multi.tar" '" ".join(i["platform"] for i in d["images"])')" \
	"$(echo "$list" | python3 -c 'import json,sys; d=json.load(sys.stdin); print(d["mediaType"], " ".join(m["platform"]["os"] + "/" + m["platform"]["architecture"] for m in d["manifests"]))')"

# A multi-platform base: each platform's program on that platform's base.
if [ $arm64 = yes ]; then
	"${BUILD[@]}" /bin/busybox "$W/hello-arm64" --path /bin/busybox -e BASE=multi -t mbase -o "$W/mbase.tar"
	"${BUILD[@]}" "$ASM/hello64.asm" "$W/hello-arm64" --base "$W/mbase.tar" -t mb:1 -o "$W/mb.tar"
	check "a multi-platform base: each platform's program on that platform's base layer" \
		"linux/amd64 2 BASE=multi linux/arm64 2 BASE=multi" \
		"$(fact "$W/mb.tar" '" ".join(i["platform"] + " " + str(len(i["layers"])) + " " + i["config"]["env"][0] for i in d["images"])')"
	ctr_cmd images import --all-platforms "$W/mb.tar" >/dev/null 2>&1
	check "...and containerd runs the arm64 one" "Hello World" \
		"$(ctr_cmd run --rm --platform linux/arm64 docker.io/library/mb:1 run-mb 2>&1)"
	"$TINYIMG" build -q "$ASM/hello.asm" --base "$W/mbase.tar" -o "$W/bad.tar" 2>"$W/err"
	check "...a platform the base lacks: an error listing what it has" "1 yes" \
		"$? $(grep -q 'has: linux/amd64, linux/arm64' "$W/err" && echo yes)"
fi
