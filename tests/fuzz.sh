#!/usr/bin/env bash
# tests/fuzz.sh: run every libFuzzer target (tests/fuzz/fuzz_*, built by
# make fuzz-build) on its seed corpus for FUZZ_SECONDS each (default 30).
# A crash, leak, sanitizer finding or timeout is a failure; the input that
# caused it is kept in tests/fuzz/crashes/. Called by tests/run.sh after
# the suites, and by make fuzz with a longer budget.
. "$(dirname "$0")/lib.sh"

seconds=${FUZZ_SECONDS:-30}
if ! have clang; then
	skip "fuzz: every target" "clang not installed (apt-get install clang)"
	exit 0
fi
if ! make -s -C "$TOP" fuzz-build >"${TINYIMG_SCRATCH:-/tmp}/fuzz-build.log" 2>&1; then
	fail "fuzz: the targets build" "$(tail -n 20 "${TINYIMG_SCRATCH:-/tmp}/fuzz-build.log")"
	exit 0
fi
mkdir -p "$TOP/tests/fuzz/crashes"
for src in "$TOP"/tests/fuzz/fuzz_*.c; do
	[ -e "$src" ] || continue
	t=${src%.c}
	name=$(basename "$t")
	seeds=$TOP/tests/fuzz/corpus/${name#fuzz_}
	work=$(mktemp -d "${TINYIMG_SCRATCH:-${TMPDIR:-/tmp}}/fuzz.XXXXXX")
	log=$work/log
	mkdir -p "$work/corpus" "$work/tmp"
	# New inputs go to $work/corpus (the seed corpus stays as committed);
# TMPDIR is $work/tmp, which must be empty afterwards.
	if TMPDIR=$work/tmp "$t" -max_total_time="$seconds" -timeout=10 \
		-rss_limit_mb=1024 -artifact_prefix="$TOP/tests/fuzz/crashes/$name-" \
		-print_final_stats=1 "$work/corpus" "$seeds" >"$log" 2>&1; then
		runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log")
		pass "fuzz: $name ran ${seconds}s, ${runs:-?} inputs, no finding"
		check "fuzz: $name left nothing in TMPDIR" "" "$(ls -A "$work/tmp")"
	else
		fail "fuzz: $name found a problem" "$(grep -m1 -E 'ERROR|SUMMARY|runtime error' "$log")" \
			"artifact in tests/fuzz/crashes/; log: $(tail -n 5 "$log")"
	fi
	rm -rf "$work"
done
