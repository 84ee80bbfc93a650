# t_tarread.sh: tinyimg's tar reader lists what Python's tarfile lists, for
# archives written by GNU tar, bsdtar and Python in every format they have.
. "$(dirname "$0")/lib.sh"

W=$(mktemp_dir)
LIST=$TOP/tests/unit/test_tarread

# Files with what each format finds hard: long names and link targets,
# non-ASCII, large ids, modes with set-id bits, empty files, symlinks.
mkdir -p "$W/src/d/$(printf 'x%.0s' $(seq 120))/deeper"
printf 'data\n' >"$W/src/d/file"
: >"$W/src/empty"
head -c 70000 /dev/urandom >"$W/src/d/random"
ln -s "$(printf 'y%.0s' $(seq 150))" "$W/src/longlink"
ln -s d/file "$W/src/link"
printf 'é\n' >"$W/src/d/café"
chmod 4755 "$W/src/d/file"
cp "$W/src/d/file" "$W/src/d/$(printf 'x%.0s' $(seq 120))/deeper/file"

# python_list TAR: the same listing as test_tarread --list, by Python.
python_list() {
	python3 - "$1" <<'PY'
import hashlib, sys, tarfile
kinds = {tarfile.REGTYPE: "0", tarfile.AREGTYPE: "0", tarfile.LNKTYPE: "1",
         tarfile.SYMTYPE: "2", tarfile.DIRTYPE: "5", tarfile.CHRTYPE: "3",
         tarfile.BLKTYPE: "4", tarfile.FIFOTYPE: "6", tarfile.CONTTYPE: "0"}
with tarfile.open(sys.argv[1], "r:") as t:
    for m in t:
        data = t.extractfile(m).read() if m.isreg() else b""
        link = f" -> {m.linkname}" if m.linkname else ""
        size = m.size
        sys.stdout.buffer.write(
            f"{kinds[m.type]} {m.mode & 0o7777:04o} {m.uid} {m.gid} {size} "
            f"{hashlib.sha256(data).hexdigest()} {m.name}{link}\n"
            .encode("utf-8", "surrogateescape"))
PY
}

# compare NAME TAR: both listings agree and the reader finds no error
# (Python drops a folder's trailing '/': so does the comparison).
compare() {
	local want got
	want=$(python_list "$2" 2>&1)
	if got=$("$LIST" --list <"$2" 2>&1) &&
	   got=$(printf '%s\n' "$got" | sed -E '/^5 /s#/+$##') && [ "$want" = "$got" ]; then
		pass "tarread lists $1 as Python does ($(echo "$want" | wc -l) members)"
	else
		fail "tarread lists $1 as Python does" "$(diff <(echo "$want") <(echo "$got") | head -n 10)"
	fi
}

for fmt in gnu oldgnu posix ustar v7; do
	args=(--format=$fmt)
	[ $fmt = ustar ] || [ $fmt = v7 ] || args+=(--owner=3000000 --group=4000000 --numeric-owner)
	if tar "${args[@]}" -cf "$W/$fmt.tar" -C "$W/src" . 2>"$W/err"; then
		compare "GNU tar --format=$fmt" "$W/$fmt.tar"
	else
		# ustar and v7 cannot hold the long names: that they say so is fine
		check "GNU tar --format=$fmt refuses what it cannot hold" "yes" \
			"$(grep -q -i 'too long\|cannot' "$W/err" && echo yes)"
	fi
done
if have bsdtar; then
	for fmt in pax ustar gnutar; do
		bsdtar --format=$fmt -cf "$W/bsd-$fmt.tar" -C "$W/src" . 2>/dev/null &&
			compare "bsdtar --format=$fmt" "$W/bsd-$fmt.tar"
	done
else
	skip "tarread on bsdtar's formats" "bsdtar not installed (apt-get install libarchive-tools)"
fi
for fmt in PAX_FORMAT GNU_FORMAT; do
	python3 - "$W/src" "$W/py-$fmt.tar" "$fmt" <<'PY'
import sys, tarfile
with tarfile.open(sys.argv[2], "w", format=getattr(tarfile, sys.argv[3])) as t:
    t.add(sys.argv[1], arcname=".")
    info = tarfile.TarInfo("big-ids")
    info.uid, info.gid, info.size = 2**40, 3, 0
    t.addfile(info)
PY
	compare "Python tarfile $fmt (ids of 2^40)" "$W/py-$fmt.tar"
done
# tinyimg's own images, and the layer inside one.
"$TINYIMG" build -q "$TOP/asm/hello.asm" --add "$W/src:/src" -o "$W/img.tar"
compare "a tinyimg image tarball" "$W/img.tar"
layer=$(tar -xOf "$W/img.tar" manifest.json | python3 -c 'import json,sys; print(json.load(sys.stdin)[0]["Layers"][0])')
tar -xOf "$W/img.tar" "$layer" >"$W/layer.tar"
compare "a tinyimg layer" "$W/layer.tar"
