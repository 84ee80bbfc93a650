#!/usr/bin/env bash
# tests/bench.sh: tinyimg against the seed blog post's own pipeline
# (nasm + gcc -m32 -static + strip, then docker build FROM scratch and
# docker save), for asm/hello.asm: wall time (median) and sizes.
#
#   make bench            (root; needs hyperfine, gcc-multilib, docker.io)
#
# Not part of make test: timings belong in a benchmark, not a pass/fail.
set -eu
cd "$(dirname "$0")/.."
. tests/lib.sh
. tests/daemons.sh

RUNS=${RUNS:-20}
W=$(mktemp -d "${TMPDIR:-/tmp}/tinyimg-bench.XXXXXX")
daemons_init "$W"
trap 'daemons_stop_all; rm -rf "$W"' EXIT
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

hyperfine --style basic --runs "$RUNS" --warmup 2 --export-json "$W/bench.json" \
	-n tinyimg "$TOP/tinyimg build -q $W/hello.asm -o $W/tinyimg.tar" \
	-n seed-pipeline "NOCACHE=--no-cache bash $W/seed.sh" \
	-n seed-pipeline-cached "NOCACHE= bash $W/seed.sh" >&2

python3 - "$W/bench.json" <<'PY'
import json, sys
r = {x["command"]: x for x in json.load(open(sys.argv[1]))["results"]}
t = r["tinyimg"]["median"]
for name in ("seed-pipeline", "seed-pipeline-cached"):
    s = r[name]["median"]
    print(f"median wall time: tinyimg {t*1000:.1f} ms, {name} {s*1000:.0f} ms: "
          f"tinyimg {s/t:.0f}x faster")
PY
prog=$(python3 tests/validate.py "$W/tinyimg.tar" program_size)
echo "program: tinyimg $prog B, seed recipe $(fsize "$W/ctx/hello") B"
echo "tarball: tinyimg $(fsize "$W/tinyimg.tar") B, docker save $(fsize "$W/seed.tar") B"
echo "docker images SIZE: tinyimg $("$DOCKER" load -i "$W/tinyimg.tar" >/dev/null && "$DOCKER" image inspect -f '{{.Size}}' hello) B, seed $("$DOCKER" image inspect -f '{{.Size}}' seed-hello) B"
echo "($(date -u +%Y-%m-%d), $(nasm -v | cut -d' ' -f1-3), $(ld -v | head -n1), $(nproc) cores, RUNS=$RUNS)"
