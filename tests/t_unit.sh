# t_unit.sh: the tar writer's output as GNU tar and bsdtar read it.
. "$(dirname "$0")/lib.sh"

dir=$(mktemp_dir)
"$TOP/tests/unit/test_tar" "$dir/sample.tar" >/dev/null

if have tar; then
	check_cmd "GNU tar reads the sample archive" tar -tf "$dir/sample.tar"
else
	skip "GNU tar reads the sample archive" "tar not installed"
fi
if have tar bsdtar; then
	gnu=$(tar --numeric-owner -tvf "$dir/sample.tar" | awk '{print $1, $2, $3, $6}')
	bsd=$(bsdtar --numeric-owner -tvf "$dir/sample.tar" | awk '{print $1, $3 "/" $4, $5, $9}')
	check "GNU tar and bsdtar list the same modes, owners, sizes, names" "$gnu" "$bsd"
	check "bsdtar sees the pax long name" \
		"$(printf 'n%.0s' $(seq 399))" "$(bsdtar -tf "$dir/sample.tar" | tail -n 1)"
else
	skip "GNU tar and bsdtar list the same entries" "bsdtar not installed (apt-get install libarchive-tools)"
fi
