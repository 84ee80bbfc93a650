# tests/lib.sh: the shared vocabulary of tinyimg's shell tests.
#
# Each test script sources this file and reports every check with pass, fail or
# skip. Results go, one line each, to $TINYIMG_RESULTS (set by tests/run.sh),
# which tallies them into the closing "N passed, N failed, N skipped" line.
# A skip is loud, and counts as a failure when TINYIMG_REQUIRE_ALL=1.

set -u

TOP=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
TINYIMG=${TINYIMG:-$TOP/tinyimg}
: "${TINYIMG_RESULTS:=/dev/null}"

# pass NAME: record a check that held.
pass() {
	printf 'ok    %s\n' "$1"
	printf 'PASS %s\n' "$1" >>"$TINYIMG_RESULTS"
}

# fail NAME [DETAIL...]: record a check that did not hold, with what was seen.
fail() {
	local name=$1
	shift
	printf 'FAIL  %s\n' "$name"
	[ $# -gt 0 ] && printf '      %s\n' "$@"
	printf 'FAIL %s\n' "$name" >>"$TINYIMG_RESULTS"
}

# skip NAME REASON: a check that could not run here; a failure under REQUIRE_ALL.
skip() {
	if [ "${TINYIMG_REQUIRE_ALL:-0}" = 1 ]; then
		fail "$1" "SKIPPED but TINYIMG_REQUIRE_ALL=1: $2"
		return
	fi
	printf 'SKIPPED %s: %s\n' "$1" "$2"
	printf 'SKIP %s\n' "$1" >>"$TINYIMG_RESULTS"
}

# check NAME EXPECTED ACTUAL: pass when the two strings are equal.
check() {
	if [ "$2" = "$3" ]; then
		pass "$1"
	else
		fail "$1" "expected: $(printf '%q' "$2")" "actual:   $(printf '%q' "$3")"
	fi
}

# check_cmd NAME CMD...: pass when CMD exits 0; on failure show its output.
check_cmd() {
	local name=$1 out
	shift
	if out=$("$@" 2>&1); then
		pass "$name"
	else
		fail "$name" "command failed: $*" "$out"
	fi
}

# have CMD...: true when every CMD is on PATH.
have() {
	local c
	for c in "$@"; do
		command -v "$c" >/dev/null 2>&1 || return 1
	done
}

# sha256_of FILE: lowercase hex digest, by coreutils (independent of tinyimg).
sha256_of() {
	sha256sum "$1" | cut -d' ' -f1
}

# fsize FILE: the size in bytes.
fsize() {
	stat -c %s "$1"
}

# mktemp_dir: a fresh directory under the test run's scratch folder.
mktemp_dir() {
	mktemp -d "${TINYIMG_SCRATCH:-${TMPDIR:-/tmp}}/t.XXXXXX"
}

# fact TAR EXPR: a fact of TAR from tinyimg inspect --json, by the Python
# expression EXPR over the document d (d["images"][0]["tags"], ...).
fact() {
	"$TINYIMG" inspect --json "$1" 2>/dev/null | python3 -c '
import json, sys
d = json.load(sys.stdin)
print(eval(sys.argv[1]))' "$2"
}
