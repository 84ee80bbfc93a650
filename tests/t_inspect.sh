# t_inspect.sh: tinyimg inspect reads every tarball people have, checks every
# byte, explains it, and gives a verdict on anything, hostile included.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/daemons.sh"

W=$(mktemp_dir)
ASM=$TOP/asm
MK="python3 $TOP/tests/mkimages.py"
VALIDATE="python3 $TOP/tests/validate.py"

# limited NAME TAR: inspect TAR within 10 s and 1 GiB of memory; leaves the
# exit status in $st, stdout in $W/out, time and peak KiB in $W/time. Under
# the sanitizers (TINYIMG_SANITIZED=1), which reserve terabytes of address
# space and run slower, the limits are 60 s and none.
limited() {
	if [ "${TINYIMG_SANITIZED:-0}" = 1 ]; then
		timeout 60 /usr/bin/time -f "%e %M" -o "$W/time" \
			"$TINYIMG" inspect -q "$2" >"$W/out" 2>"$W/err"
	else
		( ulimit -v 1048576; timeout 10 /usr/bin/time -f "%e %M" -o "$W/time" \
			"$TINYIMG" inspect -q "$2" >"$W/out" 2>"$W/err" )
	fi
	st=$?
	# GNU time puts "Command exited with non-zero status N" first.
	tail -n 1 "$W/time" >"$W/time.last" && mv "$W/time.last" "$W/time"
}

# --- tinyimg's own images -------------------------------------------------------
"$TINYIMG" build -q "$ASM/hello.asm" -o "$W/hello.tar"
"$TINYIMG" inspect "$W/hello.tar" >"$W/hello.txt" 2>&1
check "inspect hello.tar: exit 0" "0" "$?"
check "...says it is valid" "$W/hello.tar: valid: every digest, size and diff_id checks out" \
	"$(tail -n 1 "$W/hello.txt")"
check "...its facts: tag, platform, id (the config digest), entrypoint" \
	"hello:latest
  platform    linux/386
  id          $($VALIDATE "$W/hello.tar" config_digest)
  entrypoint  [\"/hello\"]" \
	"$(grep -E '^hello:latest$|^  (platform|id|entrypoint) ' "$W/hello.txt")"
check "...the layer's one file, as ls shows it" "      -rwxr-xr-x 0:0        130  hello" \
	"$(grep ' hello$' "$W/hello.txt")"
check "...the program: class, machine, entry point, program header" \
	"  program     /hello: ELF 32-bit little-endian, an executable, Intel 80386, entry 0x8048054, 130 B
              LOAD          RWX   0x0        0x8048000           130        130" \
	"$(grep -A2 '^  program' "$W/hello.txt" | grep -v ' type ')"
for fmt in docker oci; do
	"$TINYIMG" build -q "$ASM/hello64.asm" --format $fmt -t x:1 -t y -o "$W/$fmt.tar"
	check "--format $fmt: inspect agrees with the validator (id, tags, arch)" \
		"$($VALIDATE "$W/$fmt.tar" config_digest) amd64 x:1" \
		"$(fact "$W/$fmt.tar" '" ".join([d["images"][0]["config"]["digest"], d["images"][0]["platform"].split("/")[1], d["images"][0]["tags"][0]])')"
done
mkdir -p "$W/tree/etc"
echo hi >"$W/tree/etc/motd"
ln -s motd "$W/tree/etc/link"
"$TINYIMG" build -q "$ASM/hello.asm" --add "$W/tree:/" -e A=1 -l k=v \
	--expose 80 -w /etc -u 1:2 --stop-signal INT -o "$W/full.tar"
check "--json: every config field, and the layer's files" \
	'["A=1"] /etc 1:2 {"k": "v"} ["80/tcp"] SIGINT etc/link->motd' \
	"$(fact "$W/full.tar" '" ".join([json.dumps(d["images"][0]["config"]["env"]), d["images"][0]["config"]["workdir"], d["images"][0]["config"]["user"], json.dumps(d["images"][0]["config"]["labels"]), json.dumps(d["images"][0]["config"]["ports"]), d["images"][0]["config"]["stop_signal"], [f["name"] + "->" + f["link"] for f in d["images"][0]["layers"][0]["files"] if f["link"]][0]])')"
check "--json: valid, no problems, the layer's diff_id is the validator's" \
	"True [] $("$TINYIMG" inspect --json "$W/hello.tar" | python3 -c 'import json,sys; print(json.load(sys.stdin)["images"][0]["layers"][0]["digest"])')" \
	"$(fact "$W/hello.tar" '" ".join([str(d["valid"]), str(d["problems"]), d["images"][0]["layers"][0]["diff_id"]])')"

# --- standard input and compression, recognised by content ------------------------
"$TINYIMG" inspect - <"$W/hello.tar" >"$W/stdin.txt" 2>&1
check "inspect - reads standard input, with the same facts" \
	"0 $(sed 1d "$W/hello.txt" | sed '$d')" \
	"$? $(sed 1d "$W/stdin.txt" | sed '$d')"
gzip -9 <"$W/hello.tar" >"$W/hello.tgz"
cp "$W/hello.tgz" "$W/hello-gz-named.tar"
"$TINYIMG" inspect "$W/hello-gz-named.tar" >"$W/gz.txt" 2>&1
check "a gzip-compressed tarball is recognised by content, not name" \
	"0 gzip-compressed, OCI layout" "$? $(head -n 1 "$W/gz.txt" | grep -o 'gzip-compressed, OCI layout')"
(head -c 1 "$W/hello.tgz"; sleep 0.2; tail -c +2 "$W/hello.tgz") | "$TINYIMG" inspect -q - >"$W/out" 2>&1
check "...also when a pipe gives its first byte alone" "0" "$?"
tmpd=$(mktemp -d "$W/tmp.XXXXXX")
gzip -c "$W/hello.tar" | TMPDIR=$tmpd "$TINYIMG" inspect -q -
check "...also on standard input, leaving nothing in TMPDIR" "0 0" "$? $(ls -A "$tmpd" | wc -l)"

# --- the entry program, byte by byte -----------------------------------------------
"$TINYIMG" inspect --bytes "$W/hello.tar" >"$W/bytes.txt" 2>&1
check "--bytes: exit 0" "0" "$?"
check "--bytes names every ELF header field with its value" \
	"  000018  54 80 04 08               e_entry           0x8048054: the first instruction" \
	"$(grep ' e_entry ' "$W/bytes.txt")"
check "--bytes names every program header field" \
	"  00004c  07 00 00 00               ph0.p_flags       7: RWX, writable code" \
	"$(grep 'p_flags' "$W/bytes.txt")"
if have objdump; then
	check "--bytes disassembles the code (objdump) from the entry point" \
		"  000054  ba 0c 00 00 00            mov    edx,0xc    <- e_entry" \
		"$(grep -- '<- e_entry' "$W/bytes.txt")"
else
	skip "--bytes disassembles the code" "objdump not installed (apt-get install binutils)"
fi
check "--bytes shows the message as text" '  000076  text "Hello World\n"' \
	"$(grep ' text ' "$W/bytes.txt")"
"$TINYIMG" build -q "$ASM/tiny.asm" -o "$W/tiny.tar"
"$TINYIMG" inspect --bytes "$W/tiny.tar" >"$W/tbytes.txt" 2>&1
check "--bytes on tiny.asm marks fields that share bytes (e_shoff is p_type)" \
	"  000020  01 00 00 00              *e_shoff           1: section headers (loaders ignore them)
                                   *ph0.p_type        1: PT_LOAD: map these bytes" \
	"$(grep -A1 '^  000020' "$W/tbytes.txt")"
check "...and finds the code inside the program header" \
	"  000039  b0 04                     mov    al,0x4    <- e_entry" \
	"$(grep -- '<- e_entry' "$W/tbytes.txt")"

# The entry program through links at any component (merged /usr), and
# hidden by a whiteout in an upper layer.
mkdir -p "$W/merged/usr/bin"
ln -s usr/bin "$W/merged/bin"
"$TINYIMG" build -q "$ASM/hello.asm" --add "$W/merged:/" --path /usr/bin/hello \
	--entrypoint /bin/hello -o "$W/merged.tar"
check "the entry program through /bin -> usr/bin (merged /usr)" \
	"  program     /bin/hello: ELF 32-bit little-endian, an executable, Intel 80386, entry 0x8048054, 130 B" \
	"$("$TINYIMG" inspect "$W/merged.tar" | grep '^  program')"
: >"$W/.wh.hello"
"$TINYIMG" build -q --base "$W/hello.tar" --add "$W/.wh.hello:/.wh.hello" -o "$W/whiteout.tar"
check "...and hidden by a whiteout in the layer above" "  program     /hello: not in the image" \
	"$("$TINYIMG" inspect "$W/whiteout.tar" | grep '^  program')"

# Nothing from the archive drives the terminal: escapes, BEL, DEL and C1
# controls in any config string, tag or path are shown escaped.
$MK config "$W/hello.tar" "$W/escapes.tar" '
e = "\x1b]0;PWNED\x07\x1b[2J\x7f\u009b31m"
c["created"] = "2024-01-01T00:00:00Z" + e
c["config"].update(WorkingDir="/w" + e, User="u" + e, StopSignal="SIG" + e,
                   Entrypoint=["/hello" + e], Env=["A=" + e], Labels={"k": e})
c["variant"] = "v" + e
c["history"][0]["created_by"] = e'
for view in "" --bytes --json; do
	"$TINYIMG" inspect $view "$W/escapes.tar" >"$W/esc.out" 2>&1
	check "inspect $view of an archive full of terminal escapes: none reaches the terminal" "0" \
		"$(LC_ALL=C grep -c "$(printf '[\033\007\177]\|\302\233')" "$W/esc.out")"
done
check "...and they are shown, escaped" "yes" \
	"$("$TINYIMG" inspect "$W/escapes.tar" | grep -qF 'workdir     /w\x1b]0;PWNED\x07\x1b[2J\x7f\xc2\x9b31m' && echo yes)"

# Small archives that cost a careless reader minutes: a program looked up
# through 20,000 PATH folders among 100,000 entries, an entrypoint of
# 100,000 parts, one layer named 25,000 times, 1,000 images whose program
# lies deep in one shared gzip layer. Each a verdict within 10 s
# and 1 GiB, as text and as JSON (each shared layer's files listed once).
mkdir -p "$W/heavy"
$MK heavy "$W/heavy"
for f in paths deep shared many; do
	limited "$f" "$W/heavy/$f.tar"
	check "heavy $f.tar: a verdict (valid) within 10 s and 1 GiB ($(cat "$W/time"))" "0" "$st"
	if [ "${TINYIMG_SANITIZED:-0}" = 1 ]; then
		timeout 60 "$TINYIMG" inspect --json "$W/heavy/$f.tar" >"$W/heavy-$f.json"
	else
		( ulimit -v 1048576; timeout 10 "$TINYIMG" inspect --json "$W/heavy/$f.tar" >"$W/heavy-$f.json" )
	fi
	check "heavy $f.tar --json: a document within 10 s and 1 GiB" "0" "$?"
	if [ "${TINYIMG_SANITIZED:-0}" = 1 ]; then
		timeout 60 "$TINYIMG" inspect "$W/heavy/$f.tar" >/dev/null
	else
		( ulimit -v 1048576; timeout 10 "$TINYIMG" inspect "$W/heavy/$f.tar" >/dev/null )
	fi
	check "heavy $f.tar, every image explained: within 10 s and 1 GiB" "0" "$?"
done
check "...shared.tar: the layer's files listed once, null for the 24,999 other mentions" \
	"25000 2001 24999" \
	"$(python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); l=d["images"][0]["layers"]; print(len(l), len(l[0]["files"]), sum(x["files"] is None for x in l))' "$W/heavy-shared.json")"

# GNU tar stores a file linked twice as a hard link: index.json may be one.
# A sparse member (tar --sparse) is refused by name.
"$TINYIMG" build -q "$ASM/hello.asm" --format oci -o "$W/gnu-src.tar"
mkdir -p "$W/gnu"
tar -C "$W/gnu" -xf "$W/gnu-src.tar"
ln "$W/gnu/index.json" "$W/gnu/index.json.orig"
tar -C "$W/gnu" -cf "$W/gnu-hardlink.tar" oci-layout index.json.orig index.json blobs
"$TINYIMG" inspect "$W/gnu-hardlink.tar" >"$W/out" 2>&1
check "index.json stored as a hard link (GNU tar): followed, valid" "0 hard yes" \
	"$? $(tar -tvf "$W/gnu-hardlink.tar" | grep -q '^h.* index.json link to' && echo hard) $(grep -q 'hello:latest' "$W/out" && echo yes)"
rm "$W/gnu/index.json.orig"
truncate -s 1M "$W/gnu/holes"
tar -C "$W/gnu" --sparse --format=posix -cf "$W/gnu-sparse.tar" oci-layout index.json blobs holes
"$TINYIMG" inspect -q "$W/gnu-sparse.tar" >"$W/out" 2>&1
check "a sparse member (GNU tar --sparse): refused, and said so" "1 yes" \
	"$? $(grep -q 'a sparse member (GNU tar --sparse), which tinyimg does not read' "$W/out" && echo yes)"

# Hard links Docker accepts: to an earlier entry, named ./real, /real or
# x/../real (joined to the layer's root).
$MK hardlinks "$W/hello.tar" "$W/hardlinks.tar"
"$TINYIMG" inspect -q "$W/hardlinks.tar" >"$W/out" 2>&1
check "hard links to an earlier entry, by ./, / and .. names: valid" "0 " "$? $(cat "$W/out")"

# A blob behind a folder that is a symbolic link, as docker load follows
# it on disk; a folder link to itself is a loop.
$MK folderlink "$W/hello.tar" "$W/folderlink.tar"
"$TINYIMG" inspect -q "$W/folderlink.tar" >"$W/out" 2>&1
check "a blob reached through a symbolically linked folder: followed, valid" "0 " "$? $(cat "$W/out")"
$MK folderlink "$W/hello.tar" "$W/folderloop.tar" loop
limited folderloop "$W/folderloop.tar"
check "...a folder link to itself: a loop, exit 1, within 10 s" "1 yes" \
	"$st $(grep -q 'links loop' "$W/out" && echo yes)"

# Hard links a layer cannot be unpacked with, and one it can.
for c in "self|x:f=a,x:h=x|its own name" "folder|d:d,h:h=d|a folder, which cannot" \
         "root|./:d,h:h=/|a folder, which cannot" "replaced|x:f=a,x/:d,h:h=x|a folder, which cannot"; do
	IFS='|' read -r name spec said <<<"$c"
	$MK layers "$W/hl-$name.tar" /x "$spec"
	"$TINYIMG" inspect -q "$W/hl-$name.tar" >"$W/out" 2>&1
	check "a hard link to $name: exit 1, said" "1 yes" "$? $(grep -q "a hard link to .*, $said" "$W/out" && echo yes)"
done
# A file an upper layer put where a folder was hides what the folder held.
$MK layers "$W/filehides.tar" /srv/a/app 'srv:d,srv/a:d,srv/a/app:f=x' 'srv:f=now-a-file'
"$TINYIMG" inspect "$W/filehides.tar" >"$W/out" 2>&1
check "a file over a lower layer's folder hides what it held: the program is not in the image" \
	"0 yes" "$? $(grep -q 'program     /srv/a/app: not in the image' "$W/out" && echo yes)"
# An entrypoint deep enough to cost a careless lookup minutes: given up on,
# and said, within 10 s.
$MK layers "$W/deeppath.tar" "/$(python3 -c 'print("/".join(["a"] * 2047))')" \
	f0:f=x f1:f=x f2:f=x f3:f=x f4:f=x
if [ "${TINYIMG_SANITIZED:-0}" = 1 ]; then
	timeout 60 "$TINYIMG" inspect "$W/deeppath.tar" >"$W/out" 2>&1
else
	( ulimit -v 1048576; timeout 10 "$TINYIMG" inspect "$W/deeppath.tar" >"$W/out" 2>&1 )
fi
check "an entrypoint of 2,047 parts over 5 layers: within 10 s, given up on and said" "0 yes" \
	"$? $(grep -q 'not looked up to the end' "$W/out" && echo yes)"
# index.json behind a chain of 20 links: followed (up to 40, as the kernel).
mkdir -p "$W/chain"
tar -C "$W/chain" -xf "$W/hello.tar"
mv "$W/chain/index.json" "$W/chain/index-real.json"
prev=index-real.json
for i in $(seq 1 19); do ln -s "$prev" "$W/chain/l$i"; prev=l$i; done
ln -s "$prev" "$W/chain/index.json"
(cd "$W/chain" && tar -cf "$W/chain.tar" *)
"$TINYIMG" inspect -q "$W/chain.tar" >"$W/out" 2>&1
check "index.json behind a chain of 20 links: followed, valid" "0" "$?"

# An outer tarball compressed with what tinyimg does not inflate: named.
if have xz; then
	xz -c "$W/hello.tar" >"$W/hello.tar.xz"
	"$TINYIMG" inspect -q "$W/hello.tar.xz" >"$W/out" 2>&1
	check "an xz-compressed tarball: exit 1, named, with what to do" "1 yes 1" \
		"$? $(grep -q 'xz-compressed, which tinyimg does not read: decompress it first (xz -dc)' "$W/out" && echo yes) $(grep -c '^  ' "$W/out")"
else
	skip "an xz-compressed tarball is named" "xz not installed (apt-get install xz-utils)"
fi

# An OCI layout whose index lists nothing holds no image: not valid.
mkdir -p "$W/noimage"
printf '{"imageLayoutVersion":"1.0.0"}' >"$W/noimage/oci-layout"
printf '{"schemaVersion":2,"manifests":[]}' >"$W/noimage/index.json"
tar -C "$W/noimage" -cf "$W/noimage.tar" oci-layout index.json
"$TINYIMG" inspect -q "$W/noimage.tar" >"$W/out" 2>&1
check "an index that lists no manifest: no image, exit 1" "1 yes" \
	"$? $(grep -q 'no image: index.json lists none' "$W/out" && echo yes)"

# --- usage and unreadable input --------------------------------------------------------
"$TINYIMG" inspect >/dev/null 2>"$W/err"
check "no tarball: usage error" "2 yes" "$? $(grep -q 'no tarball given' "$W/err" && echo yes)"
"$TINYIMG" inspect --frob x >/dev/null 2>"$W/err"
check "unknown option: usage error" "2 yes" "$? $(grep -q "unknown option '--frob'" "$W/err" && echo yes)"
"$TINYIMG" inspect --json=yes "$W/hello.tar" >/dev/null 2>"$W/err"
check "inspect --json=yes: a value given to a flag is a usage error that says so" \
	"2 tinyimg: option '--json' takes no value" "$? $(head -n 1 "$W/err")"
"$TINYIMG" inspect "$W/nope.tar" >/dev/null 2>"$W/err"
check "a missing file: exit 1, named" "1 tinyimg: $W/nope.tar: No such file or directory" "$? $(cat "$W/err")"
"$TINYIMG" inspect "$W" >/dev/null 2>"$W/err"
check "a folder: exit 1, said" "1 yes" "$? $(grep -q 'is a folder' "$W/err" && echo yes)"
: >"$W/empty.tar"
"$TINYIMG" inspect -q "$W/empty.tar" >"$W/out" 2>&1
check "an empty file: exit 1, said" "1 yes" "$? $(grep -q 'empty: not an image tarball' "$W/out" && echo yes)"

# --- hostile input: every defect found, named, within 10 s and 1 GiB --------------------
for kind in blob-bytes size diff-id missing-blob layers-count no-rootfs bad-json \
            deep-json big-json no-layout dotdot absolute nul utf8 link-outside \
            link-loop duplicate media-type tag index-fanout many-tags long-names \
            docker-entry hardlink-missing hardlink-later; do
	said=$($MK corrupt "$kind" "$W/hello.tar" "$W/bad-$kind.tar")
	limited "$kind" "$W/bad-$kind.tar"
	if [ "$st" = 1 ] && grep -qF -- "$said" "$W/out"; then
		pass "defect $kind: exit 1, '$said' ($(cut -d' ' -f1 "$W/time") s)"
	else
		fail "defect $kind: exit 1 and '$said'" "exit $st: $(head -c 600 "$W/out") $(cat "$W/err")"
	fi
done
read -r secs kib <"$W/time"
check "30000 layer entries with 4 KiB names: memory bounded by a budget, not by the names (${kib} KiB)" \
	"bounded" "$([ "$kib" -lt 262144 ] || [ "${TINYIMG_SANITIZED:-0}" = 1 ] && echo bounded || echo grows)"
# Cut anywhere: a verdict, never a crash. Every 512-byte boundary and
# every byte of the first header.
size=$(fsize "$W/hello.tar")
bad=0
for cut in $(seq 0 512 "$size") $(seq 1 37 511) $((size - 1)) $((size - 700)); do
	head -c "$cut" "$W/hello.tar" >"$W/cut.tar"
	"$TINYIMG" inspect -q "$W/cut.tar" >"$W/out" 2>&1
	st=$?
	# Cutting only the end blocks leaves a valid image with a warning.
	if [ "$st" != 1 ] && ! { [ "$st" = 0 ] && [ "$cut" -ge $((size - 1024)) ]; }; then
		bad=$((bad + 1))
		echo "cut at $cut: exit $st" >>"$W/cuts"
	fi
done
check "a tarball cut anywhere gives exit 1 (or 0 with the end blocks gone)" "0" "$bad"
head -c 100000 /dev/urandom >"$W/random.tar"
limited random "$W/random.tar"
check "random bytes: exit 1, said" "1 yes" "$st $(grep -q 'bad header checksum' "$W/out" && echo yes)"
$MK bomb "$W/bomb.tar"
limited bomb "$W/bomb.tar"
read -r secs kib <"$W/time"
check "a gzip bomb (1 GiB of zeros from $(($(fsize "$W/bomb.tar") / 1024)) KiB): valid, in ${secs} s and ${kib} KiB" \
	"0 flat" "$st $([ "$kib" -lt 65536 ] || [ "${TINYIMG_SANITIZED:-0}" = 1 ] && echo flat || echo grows)"

# --- other tools' tarballs: Docker 25+ with a nested index and an attestation ------------
if have zstd gzip; then
	$MK docker25 "$W/hello.tar" "$W/d25.tar"
	"$TINYIMG" inspect "$W/d25.tar" >"$W/d25.txt" 2>&1
	check "Docker 25+ layout (nested index, attestation, gzip layer, index.json last): valid" \
		"0" "$?"
	check "...the image, tagged from the nested index's names, and the attestation" \
		"hello:latest
names docker.io/library/hello:latest
id $($VALIDATE "$W/hello.tar" config_digest)
attestation" \
		"$(grep -E '^hello|^  names|^  id |^attestation' "$W/d25.txt" | awk '$1 == "attestation" {print $1; next} {print $1 (NF > 1 ? " " $2 : "")}')"
	$MK docker25 "$W/hello.tar" "$W/d25z.tar" --zstd
	"$TINYIMG" inspect -q "$W/d25z.tar" >"$W/d25z.txt" 2>&1
	check "a zstd layer: valid, with a plain warning that its contents were not read" \
		"0 yes" "$? $(grep -q 'a zstd layer: its digest is checked, its contents were not read' "$W/d25z.txt" && echo yes)"
else
	skip "Docker 25+ layouts" "zstd or gzip not installed (apt-get install zstd gzip)"
fi

# --- tarballs made by docker, skopeo, podman and buildah -----------------------------------
if ! have dockerd skopeo podman buildah; then
	skip "inspect on other tools' tarballs" "needs docker.io, skopeo, podman and buildah"
	exit 0
fi
daemons_init "$W" || exit 1
trap daemons_stop_all EXIT
trap 'exit 130' INT
trap 'exit 143' TERM
if ! dockerd_start || ! registry_start; then
	fail "inspect: private dockerd and registry start" "see the log above"
	exit 0
fi
"$TINYIMG" build -q /bin/busybox -t bb:1 --cmd 'sh -c "echo hi"' -o "$W/bb.tar"
"$DOCKER" load -i "$W/bb.tar" >/dev/null
"$DOCKER" save -o "$W/g-docker.tar" bb:1
"$DOCKER" save bb:1 | gzip >"$W/g-docker-gz.tar"
skopeo copy -q docker-archive:"$W/bb.tar" docker-archive:"$W/g-skopeo-da.tar":bb:1
skopeo copy -q oci-archive:"$W/bb.tar" oci-archive:"$W/g-skopeo-oci.tar":bb:1
skopeo copy -q --dest-tls-verify=false oci-archive:"$W/bb.tar" docker://"$REGISTRY"/bb:1
skopeo copy -q --src-tls-verify=false docker://"$REGISTRY"/bb:1 oci-archive:"$W/g-registry-oci.tar":bb:1
podman_cmd load -i "$W/bb.tar" >/dev/null 2>&1
podman_cmd save -q -o "$W/g-podman-da.tar" bb:1 2>/dev/null
podman_cmd save -q --format oci-archive -o "$W/g-podman-oci.tar" bb:1 2>/dev/null
c=$(buildah_cmd from scratch 2>"$W/buildah.err") &&
	buildah_cmd copy "$c" /bin/busybox /busybox >/dev/null 2>>"$W/buildah.err" &&
	buildah_cmd config --cmd /busybox "$c" >/dev/null 2>>"$W/buildah.err" &&
	buildah_cmd commit -q "$c" docker-archive:"$W/g-buildah-da.tar":bb:1 >/dev/null 2>>"$W/buildah.err" &&
	buildah_cmd commit -q "$c" oci-archive:"$W/g-buildah-oci.tar":bb:1 >/dev/null 2>>"$W/buildah.err"
for g in docker docker-gz skopeo-da skopeo-oci registry-oci podman-da podman-oci buildah-da buildah-oci; do
	f=$W/g-$g.tar
	if [ ! -s "$f" ]; then
		fail "inspect reads $g's tarball" "the tool made no tarball" \
			"$(cat "$W/buildah.err" 2>/dev/null | tail -n 3)"
		continue
	fi
	if "$TINYIMG" inspect -q "$f" >"$W/out" 2>&1; then
		pass "inspect reads $g's tarball: valid"
	else
		fail "inspect reads $g's tarball: valid" "$(cat "$W/out")"
	fi
done
# Their facts agree with docker's and skopeo's own view.
id=$("$DOCKER" image inspect -f '{{.Id}}' bb:1)
layers=$("$DOCKER" image inspect -f '{{range .RootFS.Layers}}{{.}} {{end}}' bb:1)
for g in docker docker-gz skopeo-da skopeo-oci podman-da; do
	check "$g: id, tag, platform and diff_ids agree with docker image inspect" \
		"$id bb:1 linux/amd64 $layers" \
		"$(fact "$W/g-$g.tar" '" ".join([d["images"][0]["config"]["digest"], d["images"][0]["tags"][0], d["images"][0]["platform"]] + [l["diff_id"] for l in d["images"][0]["layers"]]) + " "')"
done
sk=$(skopeo inspect oci-archive:"$W/g-registry-oci.tar":bb:1 | python3 -c '
import json, sys
d = json.load(sys.stdin)
print(d["Digest"], d["Architecture"], " ".join(d["Layers"]))')
check "a gzip oci-archive from the registry: manifest, arch and layer digests agree with skopeo inspect" \
	"$sk" \
	"$(fact "$W/g-registry-oci.tar" '" ".join([d["images"][0]["manifest"]["digest"], d["images"][0]["platform"].split("/")[1]] + [l["digest"] for l in d["images"][0]["layers"]])')"
check "...its layer is gzip, inflated to the diff_id docker has" \
	"application/vnd.oci.image.layer.v1.tar+gzip $layers" \
	"$(fact "$W/g-registry-oci.tar" 'd["images"][0]["layers"][0]["media_type"] + " " + d["images"][0]["layers"][0]["diff_id"] + " "')"
