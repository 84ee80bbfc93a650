# t_sha256.sh: the SHA-NI and portable SHA-256 code give the same image of a
# 20 MB program, and every blob's name is the sha256sum of its bytes.
. "$(dirname "$0")/lib.sh"

W=$(mktemp_dir)

if ! have gcc tar sha256sum; then
	skip "sha256: SHA-NI and portable images of a big program" "gcc, tar or sha256sum not installed"
	exit 0
fi
if ! grep -qw sha_ni /proc/cpuinfo 2>/dev/null; then
	skip "sha256: the SHA-NI code in a real build" "this CPU has no sha_ni: TINYIMG_SHA256=shani runs the portable code"
fi
printf 'int main(void) { return 0; }\n' >"$W/tiny.c"
if ! gcc -static -O2 -o "$W/big" "$W/tiny.c" 2>"$W/gcc.err"; then
	skip "sha256: SHA-NI and portable images of a big program" "gcc -static failed (libc6-dev missing?): $(head -c 200 "$W/gcc.err")"
	exit 0
fi
head -c 20M /dev/urandom >>"$W/big"

for impl in portable shani; do
	check_cmd "a 20 MB program builds with TINYIMG_SHA256=$impl" \
		env TINYIMG_SHA256=$impl "$TINYIMG" build -q "$W/big" -o "$W/$impl.tar"
done
check_cmd "...the two tarballs are byte-identical" cmp "$W/portable.tar" "$W/shani.tar"

mkdir "$W/x"
tar -xf "$W/shani.tar" -C "$W/x" blobs
bad=0 n=0
for blob in "$W"/x/blobs/sha256/*; do
	n=$((n + 1))
	[ "$(sha256_of "$blob")" = "${blob##*/}" ] || bad=$((bad + 1))
done
check "...its $n blobs (config, layer, manifest) all hash to their names" "3 0" "$n $bad"
