# t_inflate.sh: tinyimg's inflater against python's zlib. Streams python
# compresses (every level, strategy, window size and memory level, random
# bytes, text, programs, zeros, several gzip members, fed in pieces of 1 byte
# to 64 KiB) must come back byte for byte through `test_inflate --cat`;
# damaged streams must fail exactly when zlib fails; and a 1 GiB gzip bomb
# must inflate in bounded memory and time.
. "$(dirname "$0")/lib.sh"

W=$(mktemp_dir)
CAT=$TOP/tests/unit/test_inflate
if [ ! -x "$CAT" ]; then
	fail "inflate: tests/unit/test_inflate is built (make units)"
	exit 0
fi
if ! have python3; then
	skip "inflate: python3 zlib as the oracle" "python3 not installed"
	exit 0
fi

# The bomb is compressed in the background while the oracle runs: 1 GiB of
# zeros, streamed through zlib.compressobj a MiB at a time.
python3 - "$W/bomb.gz" <<'EOF' &
import sys, zlib
c = zlib.compressobj(9, zlib.DEFLATED, 31)
zeros = bytes(1 << 20)
with open(sys.argv[1], "wb") as f:
    for _ in range(1024):
        f.write(c.compress(zeros))
    f.write(c.flush())
EOF
bomb_pid=$!

# The oracle prints one line per group: NAME<TAB>CASES<TAB>FAILED<TAB>DETAIL.
cat >"$W/oracle.py" <<'EOF'
import os, random, subprocess, sys, zlib

CAT = sys.argv[1]
rng = random.Random(20240601)
STRATEGIES = {"default": zlib.Z_DEFAULT_STRATEGY, "filtered": zlib.Z_FILTERED,
              "huffman-only": zlib.Z_HUFFMAN_ONLY, "rle": zlib.Z_RLE,
              "fixed": zlib.Z_FIXED}


def program_bytes(limit):
    out = b""
    for name in ("bash", "python3", "ls", "tar", "gzip", "sh"):
        for d in ("/usr/bin/", "/bin/"):
            try:
                with open(d + name, "rb") as f:
                    out += f.read(limit - len(out))
                break
            except OSError:
                pass
        if len(out) >= limit:
            break
    return out


def text(n):
    words = [bytes(rng.choice(b"etaoinshrdlu")
                   for _ in range(rng.randint(1, 9))) for _ in range(300)]
    out = bytearray()
    while len(out) < n:
        out += rng.choice(words) + rng.choice([b" ", b" ", b"\n", b", "])
    return bytes(out[:n])


INPUTS = {
    "empty": b"",
    "one byte": b"x",
    "random": os.urandom(150000),
    "text": text(300000),
    "repeats": b"abcabd" * 40000,
    "zeros": bytes(400000),
    "programs": program_bytes(1 << 20),
}


def deflate(data, level=6, wbits=15, mem=8, strategy=zlib.Z_DEFAULT_STRATEGY,
            gzip=True):
    c = zlib.compressobj(level, zlib.DEFLATED, wbits + 16 if gzip else -wbits,
                         mem, strategy)
    out = c.compress(data[:len(data) // 3])
    out += c.flush(zlib.Z_SYNC_FLUSH) if level % 2 else b""
    return out + c.compress(data[len(data) // 3:]) + c.flush()


def reference(stream, gzip):
    """What zlib makes of STREAM: (ok, output); gzip members are read as
    gzip -dc does, and anything after a member but another member is an
    error."""
    out = b""
    try:
        while True:
            d = zlib.decompressobj(31 if gzip else -15)
            out += d.decompress(stream) + d.flush()
            if not d.eof:
                return False, out
            stream = d.unused_data
            if not gzip or not stream:
                return True, out
    except zlib.error:
        return False, out


def run(stream, gzip, chunk):
    args = [CAT, "--cat", "--chunk", str(chunk)] + ([] if gzip else ["--raw"])
    r = subprocess.run(args, input=stream, capture_output=True)
    return r.returncode, r.stdout, r.stderr.decode(errors="replace").strip()


def chunk_for(stream):
    sizes = [1, 2, 3, 7, 100, 4096, 65536, 1 << 20]
    if len(stream) > 20000:
        sizes = sizes[3:]
    return rng.choice(sizes)


class Group:
    def __init__(self, name):
        self.name, self.cases, self.failed, self.detail = name, 0, 0, ""

    def same(self, what, data, stream, gzip=True, chunk=None):
        chunk = chunk or chunk_for(stream)
        code, out, err = run(stream, gzip, chunk)
        self.cases += 1
        if code != 0 or out != data:
            self.failed += 1
            self.detail = self.detail or "%s (chunk %d): exit %d, %d of %d " \
                "bytes, %s" % (what, chunk, code, len(out), len(data), err)

    def verdict(self, what, stream, gzip=True):
        ok, want = reference(stream, gzip)
        chunk = chunk_for(stream)
        code, out, err = run(stream, gzip, chunk)
        self.cases += 1
        good = (code == 0 and ok and out == want) or \
               (code == 1 and not ok and err.startswith("test_inflate: "))
        if not good:
            self.failed += 1
            self.detail = self.detail or "%s (chunk %d): zlib %s, ours exit " \
                "%d: %s" % (what, chunk, "ok" if ok else "error", code, err)

    def report(self):
        print("%s\t%d\t%d\t%s" % (self.name, self.cases, self.failed,
                                  self.detail.replace("\t", " ")))
        sys.stdout.flush()


g = Group("levels 0-9, every kind of input")
for name, data in INPUTS.items():
    for level in range(10):
        g.same("%s level %d" % (name, level), data, deflate(data, level))
g.report()

g = Group("strategies filtered, huffman-only, rle, fixed")
for name, data in INPUTS.items():
    for sname, strategy in STRATEGIES.items():
        for level in (1, 9):
            g.same("%s %s level %d" % (name, sname, level), data,
                   deflate(data, level, strategy=strategy))
g.report()

g = Group("window bits 9-15, memory levels 1-9, gzip and raw")
for wbits in range(9, 16):
    for mem in range(1, 10):
        name = rng.choice(list(INPUTS))
        data = INPUTS[name]
        gzip = rng.random() < 0.5
        g.same("%s wbits %d memlevel %d %s" % (name, wbits, mem,
               "gzip" if gzip else "raw"), data,
               deflate(data, rng.randint(1, 9), wbits, mem, gzip=gzip), gzip)
g.report()

g = Group("several gzip members, empty ones too")
for i in range(25):
    parts = [rng.choice(list(INPUTS.values()))[:rng.randint(0, 200000)]
             for _ in range(rng.randint(2, 5))]
    g.same("%d members" % len(parts), b"".join(parts),
           b"".join(deflate(p, rng.randint(0, 9)) for p in parts))
g.report()

g = Group("every piece size from 1 to 64 KiB")
stream = deflate(INPUTS["programs"][:200000], 6)
for chunk in (1, 2, 3, 5, 8, 15, 16, 17, 31, 64, 255, 256, 257, 4095, 65536):
    g.same("programs in pieces of %d" % chunk, INPUTS["programs"][:200000],
           stream, chunk=chunk)
g.report()

g = Group("damaged streams fail exactly when zlib fails")
for i in range(300):
    name = rng.choice(list(INPUTS))
    data = INPUTS[name][:rng.randint(0, 3000)]
    gzip = rng.random() < 0.7
    stream = bytearray(deflate(data, rng.randint(0, 9), gzip=gzip,
                       strategy=rng.choice(list(STRATEGIES.values()))))
    how = rng.choice(["flip", "cut", "append", "zero"])
    if how == "flip" and stream:
        for _ in range(rng.randint(1, 3)):
            stream[rng.randrange(len(stream))] ^= 1 << rng.randrange(8)
    elif how == "cut":
        stream = stream[:rng.randrange(len(stream) + 1)]
    elif how == "append":
        stream += bytes(rng.randrange(256) for _ in range(rng.randint(1, 3)))
    elif stream:
        at = rng.randrange(len(stream))
        stream[at:at + rng.randint(1, 4)] = bytes(4)
    g.verdict("%s %s %s" % (name, how, "gzip" if gzip else "raw"),
              bytes(stream), gzip)
g.report()
EOF

python3 "$W/oracle.py" "$CAT" >"$W/groups" 2>"$W/oracle.err"
if [ ! -s "$W/groups" ]; then
	fail "inflate: the python oracle ran" "$(tail -n 5 "$W/oracle.err")"
fi
while IFS=$'\t' read -r name cases failed detail; do
	if [ "$failed" = 0 ]; then
		pass "inflate equals zlib: $name ($cases streams)"
	else
		fail "inflate equals zlib: $name" \
			"$failed of $cases differ; first: $detail"
	fi
done <"$W/groups"

if ! wait "$bomb_pid"; then
	fail "inflate: python made the 1 GiB gzip bomb"
	exit 0
fi
size=$(fsize "$W/bomb.gz")
if [ "$size" -lt 5000000 ]; then
	pass "the gzip bomb is $size bytes"
else
	fail "the gzip bomb is under 5 MB" "it is $size bytes"
fi
if [ -x /usr/bin/time ]; then
	/usr/bin/time -f '%M %e' -o "$W/bomb.time" "$CAT" --cat <"$W/bomb.gz" |
		cmp -s - <(head -c 1073741824 /dev/zero)
	status=("${PIPESTATUS[@]}")
	read -r rss secs <"$W/bomb.time"
	check "1 GiB of zeros from the gzip bomb, byte for byte" "0 0" \
		"${status[0]} ${status[1]}"
	if [ "${rss:-99999}" -lt 32768 ]; then
		pass "the gzip bomb inflates in ${rss} KiB (< 32 MiB)"
	else
		fail "the gzip bomb inflates in less than 32 MiB" \
			"peak RSS ${rss:-?} KiB"
	fi
	if awk -v s="${secs:-99}" 'BEGIN { exit !(s < 5) }'; then
		pass "the gzip bomb inflates in ${secs} s (< 5 s)"
	else
		fail "the gzip bomb inflates in under 5 s" "took ${secs:-?} s"
	fi
else
	skip "the gzip bomb's memory and time" \
		"/usr/bin/time not installed (apt-get install time)"
fi
rm -rf "$W"
