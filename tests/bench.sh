#!/usr/bin/env bash
# tests/bench.sh: tinyimg against other tools doing the same work; wall time
# (median, hyperfine) and peak RSS (median, GNU time):
#  seed     the seed blog post's own pipeline (nasm + gcc -m32 -static + strip,
#           then docker build FROM scratch and docker save) for asm/hello.asm;
#  buildah  buildah from scratch, copy, config, commit docker-archive: for the
#           program that pipeline builds, with no cache;
#  scale    tinyimg build on a 256 MiB static executable against sha256sum and
#           openssl dgst -sha256 on the same file;
#  inspect  tinyimg inspect on an image whose one gzip layer holds ~256 MiB of
#           the host's binaries, against openssl + gzip -dc and against
#           Python's zlib + hashlib doing the hashing and inflating it needs.
# Every command timed is printed as run; a summary block closes the output.
#
#   make bench            (root; needs hyperfine, gcc-multilib, docker.io,
#                          buildah, openssl, time; ~1.5 GB free in TMPDIR)
#   RUNS=10 make bench    (timed runs of each command, default 20;
#                          RSS_RUNS, default 5, runs for each peak RSS)
#
# Not part of make test: timings belong in a benchmark, not a pass/fail.
set -eu
cd "$(dirname "$0")/.."
. tests/lib.sh
. tests/daemons.sh

RUNS=${RUNS:-20}
RSS_RUNS=${RSS_RUNS:-5}
for tool in hyperfine nasm gcc strip dockerd buildah openssl gzip python3 \
	sha256sum /usr/bin/time; do
	have "$tool" && continue
	echo "tests/bench.sh: $tool is missing; apt-get install -y hyperfine" \
		"gcc-multilib docker.io buildah openssl time" >&2
	exit 1
done
W=$(mktemp -d "${TMPDIR:-/tmp}/tinyimg-bench.XXXXXX")
daemons_init "$W"
# A second INT (timeout(1) sends two, impatient people too) must not cut
# the cleanup short.
trap 'trap "" INT TERM; daemons_stop_all; rm -rf "$W"' EXIT
trap 'exit 130' INT
trap 'exit 143' TERM
if ! printf 'int main(void){return 0;}\n' |
	gcc -m32 -static -x c -o "$W/m32" - 2>/dev/null; then
	echo "tests/bench.sh: gcc -m32 -static fails;" \
		"apt-get install -y gcc-multilib" >&2
	exit 1
fi
SUM=$W/summary.txt
T=$TOP/tinyimg
# Other work on the machine skews every figure: the load is part of the record.
load_start=$(cut -d' ' -f1-3 /proc/loadavg)

# summary LINE...: a line for the summary block printed at the end.
summary() {
	printf '%s\n' "$*" >>"$SUM"
}

# section TITLE: start the record of one measurement on stdout.
section() {
	printf '\n== %s ==\n' "$1"
}

# shown CMD...: run CMD after printing it as a shell would take it.
shown() {
	printf '  $'
	printf ' %q' "$@"
	printf '\n'
	"$@"
}

# ALT_PY: summarise a hyperfine JSON of alternate(): commands are told apart
# by their text less the " # round N" comment; round 0 (a warmup) is left
# out. "table" prints median, min, max and count of each command; "median I"
# prints the median of the I-th command (from 0), in seconds.
ALT_PY='
import json, re, statistics, sys
runs = {}
for r in json.load(open(sys.argv[1]))["results"]:
    if r["parameters"]["round"] != "0":
        cmd = re.sub(r" # round [0-9]+$", "", r["command"])
        runs.setdefault(cmd, []).extend(r["times"])
if sys.argv[2] == "median":
    print(statistics.median(list(runs.values())[int(sys.argv[3])]))
else:
    for cmd, t in runs.items():
        print("  median %9.1f ms  min %9.1f  max %9.1f  n %d: %s" % (
            statistics.median(t) * 1e3, min(t) * 1e3, max(t) * 1e3, len(t),
            cmd.replace("\n", "\n      ")))
'

# alternate JSON PREPARE CMD...: time each CMD RUNS times in one hyperfine
# run, round by round (CMD1 CMD2 ... CMD1 CMD2 ...), PREPARE (untimed) before
# every run, after a warmup round 0; hyperfine's parameter scan numbers the
# rounds and a shell comment takes the number. Prints the commands and the
# table of medians.
alternate() {
	local json=$1 prepare=$2 cmd cmds=()
	shift 2
	echo "  prepare before each run: $prepare"
	for cmd in "$@"; do
		printf '  $ %s\n' "${cmd//$'\n'/$'\n'    }"
		cmds+=("$cmd # round {round}")
	done
	echo "  ($RUNS timed rounds after a warmup round, in the order above)"
	hyperfine --style none --runs 1 -P round 0 "$RUNS" --prepare "$prepare" \
		--export-json "$json" "${cmds[@]}"
	python3 -c "$ALT_PY" "$json" table
}

# median_ms JSON I: the median of alternate()'s I-th command, in ms.
median_ms() {
	python3 -c "$ALT_PY" "$1" median "$2" | awk '{ printf "%.1f", $1 * 1000 }'
}

# ratio A B [DIGITS]: A / B with DIGITS decimals (default 2).
ratio() {
	awk -v a="$1" -v b="$2" -v d="${3:-2}" 'BEGIN { printf "%.*f", d, a / b }'
}

# peak_rss CMD...: the median over RSS_RUNS runs of CMD's peak RSS in KiB (GNU
# time: the largest of CMD and its descendants); CMD's output is dropped.
peak_rss() {
	local i
	for ((i = 0; i < RSS_RUNS; i++)); do
		/usr/bin/time -f %M -o "$W/rss" "$@" >/dev/null
		cat "$W/rss"
	done | sort -n | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'
}

# ---- seed: tinyimg against the seed blog post's docker pipeline ----

section "seed: tinyimg against the seed's pipeline, asm/hello.asm"
dockerd_start >/dev/null
binfmt_i386_ensure >/dev/null 2>&1 || true

cp asm/hello.asm "$W/hello.asm"
mkdir -p "$W/ctx"
printf 'FROM scratch\nCOPY hello /\nCMD ["/hello"]\n' >"$W/ctx/Dockerfile"

# The seed's recipe, with its builder image replaced by the host's tools
# (building that image needs the network).
cat >"$W/seed.sh" <<SH
set -e
cd "$W"
nasm -f elf hello.asm -o hello.o
gcc -m32 -static -Os -nostartfiles -fno-asynchronous-unwind-tables -o ctx/hello hello.o
strip -R .comment -s ctx/hello
DOCKER_BUILDKIT=0 "$DOCKER" build -q \$NOCACHE -t seed-hello ctx >/dev/null
"$DOCKER" save -o seed.tar seed-hello
SH
echo "  $W/ctx/Dockerfile:"
sed 's/^/    /' "$W/ctx/Dockerfile"
echo "  $W/seed.sh:"
sed 's/^/    /' "$W/seed.sh"
echo "  $ hyperfine --runs $RUNS --warmup 2 \\"
echo "      '$T build -q $W/hello.asm -o $W/tinyimg.tar' \\"
echo "      'NOCACHE=--no-cache bash $W/seed.sh' 'NOCACHE= bash $W/seed.sh'"

hyperfine --style basic --runs "$RUNS" --warmup 2 --export-json "$W/bench.json" \
	-n tinyimg "$T build -q $W/hello.asm -o $W/tinyimg.tar" \
	-n seed-pipeline "NOCACHE=--no-cache bash $W/seed.sh" \
	-n seed-pipeline-cached "NOCACHE= bash $W/seed.sh" >&2

python3 - "$W/bench.json" >>"$SUM" <<'PY'
import json, sys
r = {x["command"]: x for x in json.load(open(sys.argv[1]))["results"]}
t = r["tinyimg"]["median"]
for name in ("seed-pipeline", "seed-pipeline-cached"):
    s = r[name]["median"]
    print(f"median wall time: tinyimg {t*1000:.1f} ms, {name} {s*1000:.0f} ms: "
          f"tinyimg {s/t:.0f}x faster")
PY
prog=$(python3 tests/validate.py "$W/tinyimg.tar" program_size)
summary "program: tinyimg $prog B, seed recipe $(fsize "$W/ctx/hello") B"
summary "tarball: tinyimg $(fsize "$W/tinyimg.tar") B, docker save $(fsize "$W/seed.tar") B"
summary "docker images SIZE: tinyimg $("$DOCKER" load -i "$W/tinyimg.tar" >/dev/null && "$DOCKER" image inspect -f '{{.Size}}' hello) B, seed $("$DOCKER" image inspect -f '{{.Size}}' seed-hello) B"
docker_version=$("$DOCKER" version -f '{{.Server.Version}}')
# The other measurements run without dockerd.
dockerd_stop || :

# ---- buildah: the seed's program packaged by buildah, no cache ----

section "buildah: from scratch, copy, config, commit docker-archive; no cache"
# The timed script defines buildah_cmd as tests/daemons.sh does (a private
# vfs store and configuration under $W/podman), without sourcing all of
# daemons.sh at every run.
buildah_cmd --version >/dev/null
{
	printf 'TINYIMG_D_SOCK=%q\nTINYIMG_D_PODMAN=%q\n' \
		"$TINYIMG_D_SOCK" "$TINYIMG_D_PODMAN"
	declare -f _td_podman_setup buildah_cmd
} >"$W/buildah-lib.sh"
cat >"$W/buildah.sh" <<SH
set -e
. $W/buildah-lib.sh
c=\$(buildah_cmd from scratch)
buildah_cmd copy -q "\$c" $W/ctx/hello /
buildah_cmd config --cmd '["/hello"]' "\$c"
buildah_cmd commit -q --rm "\$c" \\
	docker-archive:$W/buildah.tar:seed-hello:latest >/dev/null
SH
cat >"$W/buildah-clean.sh" <<SH
. $W/buildah-lib.sh
buildah_cmd rm -a >/dev/null
buildah_cmd rmi -a -f >/dev/null 2>&1 || :
rm -f $W/buildah.tar
SH
for f in buildah-lib.sh buildah.sh buildah-clean.sh; do
	echo "  $W/$f:"
	sed 's/^/    /' "$W/$f"
done
alternate "$W/buildah.json" "bash $W/buildah-clean.sh" \
	"$T build -q $W/hello.asm -o $W/tinyimg-hello.tar" \
	"$T build -q $W/ctx/hello -o $W/tinyimg-seed.tar" \
	"bash $W/buildah.sh"
echo "  buildah store after the runs:" \
	"$(du -sk "$TINYIMG_D_PODMAN/buildah" | cut -f1) KiB," \
	"$(buildah_cmd images -q | wc -l) images," \
	"$(buildah_cmd containers -q | wc -l) containers"
th=$(median_ms "$W/buildah.json" 0)
ts=$(median_ms "$W/buildah.json" 1)
tb=$(median_ms "$W/buildah.json" 2)
summary "buildah, no cache (fresh container, store emptied before each run):" \
	"median wall time: tinyimg $th ms (hello.asm: nasm + ld included)," \
	"tinyimg $ts ms (the seed recipe's program), buildah $tb ms:" \
	"tinyimg $(ratio "$tb" "$th" 0)x faster" \
	"($(ratio "$tb" "$ts" 0)x on the same program)"
summary "buildah tarball:" \
	"tinyimg $(fsize "$W/tinyimg-hello.tar") B (hello.asm)," \
	"tinyimg $(fsize "$W/tinyimg-seed.tar") B (the seed recipe's program)," \
	"buildah docker-archive $(fsize "$W/buildah.tar") B"

# ---- scale: a 256 MiB static executable ----

section "scale: a 256 MiB static executable; page cache warm, outputs beside it"
printf 'int main(void){return 0;}\n' >"$W/big.c"
shown gcc -static -O2 -o "$W/big" "$W/big.c"
echo "  $ head -c 256M /dev/urandom >> $W/big"
head -c 256M /dev/urandom >>"$W/big"
echo "  big: $(fsize "$W/big") B, on" \
	"$(df --output=source,fstype "$W" | tail -n1 | tr -s ' ')"
alternate "$W/scale.json" "rm -f $W/big.tar $W/big2.tar" \
	"$T build $W/big -o $W/big.tar -q" \
	"sha256sum $W/big" \
	"openssl dgst -sha256 $W/big" \
	"$T build $W/big -o - -q > /dev/null" \
	"$T build $W/big -o - -q | cat > /dev/null" \
	"TINYIMG_SHA256=portable $T build $W/big -o $W/big2.tar -q"
tf=$(median_ms "$W/scale.json" 0)
tsum=$(median_ms "$W/scale.json" 1)
tssl=$(median_ms "$W/scale.json" 2)
tnull=$(median_ms "$W/scale.json" 3)
tpipe=$(median_ms "$W/scale.json" 4)
tport=$(median_ms "$W/scale.json" 5)
echo "  peak RSS, median of $RSS_RUNS runs of each under /usr/bin/time -f %M"
rf=$(peak_rss "$T" build "$W/big" -o "$W/big.tar" -q)
rnull=$(peak_rss "$T" build "$W/big" -o - -q)
rsum=$(peak_rss sha256sum "$W/big")
rssl=$(peak_rss openssl dgst -sha256 "$W/big")
rm -f "$W/big.tar" "$W/big2.tar"
summary "scale, $(fsize "$W/big")-byte static executable: median wall time:" \
	"tinyimg build $tf ms, sha256sum $tsum ms, openssl dgst -sha256 $tssl ms:" \
	"tinyimg/openssl $(ratio "$tf" "$tssl")x"
summary "scale, tinyimg build -o -: > /dev/null $tnull ms" \
	"($(ratio "$tnull" "$tssl")x openssl), | cat > /dev/null $tpipe ms;" \
	"TINYIMG_SHA256=portable (to a file) $tport ms"
summary "scale peak RSS: tinyimg $rf KiB (-o - > /dev/null: $rnull KiB)," \
	"sha256sum $rsum KiB, openssl $rssl KiB"

# ---- inspect: a gzip layer of ~256 MiB of the host's binaries ----

section "inspect: an image whose one gzip -6 layer holds ~256 MiB of real files"
# Files (not hard links, which tar would store once) from
# /usr/lib/x86_64-linux-gnu then /usr/bin, each sorted by name, until their
# sizes add up to 256 MiB.
{
	for dir in usr/lib/x86_64-linux-gnu usr/bin; do
		find "/$dir" -type f -links 1 -printf "%s $dir/%P\n" |
			LC_ALL=C sort -k2
	done
} | awk -v max=268435456 '{ n = $1; sub(/^[0-9]+ /, ""); print; t += n
	if (t >= max) exit }' >"$W/layer.list"
echo "  layer.list: $(wc -l <"$W/layer.list") files, the first and last:" \
	"$(head -n1 "$W/layer.list"), $(tail -n1 "$W/layer.list")"
shown tar -cf "$W/layer.tar" -C / --verbatim-files-from -T "$W/layer.list"
layer_size=$(fsize "$W/layer.tar")
shown python3 tests/mkimages.py gzimage "$W/layer.tar" "$W/img.tar"
rm -f "$W/layer.tar"
# The layer's member name and its diff_id, as the image says.
read -r blob diff_id < <(python3 -c 'import json, sys, tarfile
t = tarfile.open(sys.argv[1])
m = json.load(t.extractfile("manifest.json"))[0]
c = json.load(t.extractfile(m["Config"]))
print(m["Layers"][0], c["rootfs"]["diff_ids"][0][7:])' "$W/img.tar")
echo "  $ tar -xOf $W/img.tar $blob > $W/blob"
tar -xOf "$W/img.tar" "$blob" >"$W/blob"
echo "  layer: $layer_size B of tar, $(fsize "$W/blob") B gzip; image" \
	"$(fsize "$W/img.tar") B"
# Python: the outer digest and the diff_id in one pass, as tinyimg does.
ZREF='import hashlib, sys, zlib
o, i, d = hashlib.sha256(), hashlib.sha256(), zlib.decompressobj(31)
f = open(sys.argv[1], "rb")
for c in iter(lambda: f.read(1 << 16), b""):
    o.update(c)
    i.update(d.decompress(c))
i.update(d.flush())
print(o.hexdigest(), i.hexdigest())'
# The references must do the work inspect does: the same two digests.
want="${blob##*/} $diff_id"
got=$(python3 -c "$ZREF" "$W/blob")
ssl=$(openssl dgst -sha256 -r "$W/blob" | cut -d' ' -f1)
ssl="$ssl $(gzip -dc "$W/blob" | openssl dgst -sha256 -r | cut -d' ' -f1)"
if [ "$got" != "$want" ] || [ "$ssl" != "$want" ] ||
	! "$T" inspect -q "$W/img.tar"; then
	echo "tests/bench.sh: the inspect references disagree: image $want," \
		"Python $got, openssl $ssl" >&2
	exit 1
fi
ref="openssl dgst -sha256 $W/blob && gzip -dc $W/blob | openssl dgst -sha256"
alternate "$W/inspect.json" : \
	"$T inspect -q $W/img.tar" "$ref" "python3 -c '$ZREF' $W/blob"
ti=$(median_ms "$W/inspect.json" 0)
tref=$(median_ms "$W/inspect.json" 1)
tpy=$(median_ms "$W/inspect.json" 2)
echo "  peak RSS, median of $RSS_RUNS runs of each under /usr/bin/time -f %M"
ri=$(peak_rss "$T" inspect -q "$W/img.tar")
rref=$(peak_rss sh -c "$ref")
rpy=$(peak_rss python3 -c "$ZREF" "$W/blob")
summary "inspect, gzip layer of $(fsize "$W/blob") B" \
	"($layer_size B of tar, $(wc -l <"$W/layer.list") files): median wall" \
	"time: tinyimg inspect -q $ti ms, openssl + gzip -dc $tref ms," \
	"Python zlib + hashlib $tpy ms: tinyimg/openssl+gzip" \
	"$(ratio "$ti" "$tref")x, tinyimg/zlib $(ratio "$ti" "$tpy")x" \
	"(target: within 1.5x)"
summary "inspect peak RSS: tinyimg $ri KiB (target: under 32768)," \
	"openssl + gzip -dc $rref KiB, Python zlib + hashlib $rpy KiB"

# ---- the summary ----

rev=$(git -C "$TOP" rev-parse --short HEAD 2>/dev/null || echo '?')
git -C "$TOP" diff --quiet HEAD -- src 2>/dev/null || rev="$rev+changes"
cpu=$(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -n1)
grep -qw sha_ni /proc/cpuinfo && cpu="$cpu, SHA-NI" || cpu="$cpu, no SHA-NI"
summary "($(date -u '+%Y-%m-%d %H:%M UTC'), $("$T" --version | head -n 1) at $rev," \
	"$(nasm -v | cut -d' ' -f1-3), $(ld -v | head -n1)," \
	"gcc $(gcc -dumpfullversion)," \
	"Docker $docker_version, $(buildah --version | cut -d' ' -f1-3)," \
	"$(hyperfine --version), $(openssl version | cut -d' ' -f1-2)," \
	"sha256sum $(sha256sum --version | head -n1 | awk '{ print $NF }')," \
	"gzip $(gzip --version | head -n1 | awk '{ print $NF }')," \
	"$(python3 --version)," \
	"GNU time $(dpkg-query -W -f '${Version}' time 2>/dev/null || echo '?')," \
	"Linux $(uname -r), $cpu, $(nproc) cores, load average $load_start at" \
	"the start, $(cut -d' ' -f1-3 /proc/loadavg) at the end," \
	"RUNS=$RUNS, RSS_RUNS=$RSS_RUNS)"
printf '\n== summary ==\n'
cat "$SUM"
