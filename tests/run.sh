#!/usr/bin/env bash
# tests/run.sh: run tinyimg's whole test suite (make test calls it).
#
#   bash tests/run.sh            every unit test (tests/unit/test_*.c), every
#                                tests/t_*.sh, then the fuzz targets
#   bash tests/run.sh build ...  only the suites whose name contains a word
#                                given ("unit" is the C unit tests, "fuzz"
#                                the libFuzzer targets)
#
# Each check appends PASS/FAIL/SKIP to a results file; the last line printed
# is "N passed, N failed, N skipped". Exit status 1 when anything failed.
set -u
cd "$(dirname "$0")/.." || exit 1
TOP=$(pwd)

TINYIMG_SCRATCH=$(mktemp -d "${TMPDIR:-/tmp}/tinyimg-test.XXXXXX") || exit 1
TINYIMG_RESULTS=$TINYIMG_SCRATCH/results
export TINYIMG_SCRATCH TINYIMG_RESULTS
: >"$TINYIMG_RESULTS"
trap 'rm -rf "$TINYIMG_SCRATCH"' EXIT

# wanted NAME: whether the suite NAME was asked for.
wanted() {
	local w
	[ ${#filters[@]} -eq 0 ] && return 0
	for w in "${filters[@]}"; do
		case $1 in *"$w"*) return 0 ;; esac
	done
	return 1
}
filters=("$@")
if wanted unit; then
	for c in tests/unit/test_*.c; do
		t=${c%.c}
		echo "== $t"
		if [ -x "$t" ]; then
			"$t" || true
		else
			echo "FAIL $t is not built (make units)" | tee -a "$TINYIMG_RESULTS"
		fi
	done
fi
for t in tests/t_*.sh; do
	wanted "$t" || continue
	echo "== $t"
	bash "$t" || echo "FAIL $t exited with status $?" | tee -a "$TINYIMG_RESULTS"
done
# Fuzzing last, for a bounded time per target (FUZZ_SECONDS, default 30).
if wanted fuzz; then
	echo "== tests/fuzz.sh"
	bash tests/fuzz.sh || echo "FAIL tests/fuzz.sh exited with status $?" | tee -a "$TINYIMG_RESULTS"
fi

passed=$(grep -c '^PASS ' "$TINYIMG_RESULTS")
failed=$(grep -c '^FAIL ' "$TINYIMG_RESULTS")
skipped=$(grep -c '^SKIP ' "$TINYIMG_RESULTS")
if [ "$failed" -gt 0 ]; then
	echo
	echo "Failed checks:"
	sed -n 's/^FAIL /  /p' "$TINYIMG_RESULTS"
fi
if [ "$skipped" -gt 0 ]; then
	echo
	echo "SKIPPED checks (tools missing; TINYIMG_REQUIRE_ALL=1 makes these failures):"
	sed -n 's/^SKIP /  /p' "$TINYIMG_RESULTS"
fi
echo
echo "$passed passed, $failed failed, $skipped skipped"
[ "$failed" -eq 0 ]
