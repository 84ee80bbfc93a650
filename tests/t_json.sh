# t_json.sh: the JSON parser against Python's json module as an oracle.
#
# Python writes random documents (nesting, duplicate keys, every escape,
# raw and escaped Unicode, numbers of any size and white space anywhere),
# mutates some of them (cut, byte inserted, dropped or changed) and adds
# hostile ones. tests/unit/test_json --canon parses each and re-encodes it
# with the writer; Python's json.loads (keeping keys in document order,
# duplicates and number literals) and json.dumps(ensure_ascii=False,
# separators=(',', ':')), DEL and the C1 controls escaped, give what it
# must print. A text Python refuses,
# or whose strings hold lone surrogates or that nests deeper than 64, must
# be refused. TINYIMG_JSON_SEED=N repeats a run.
. "$(dirname "$0")/lib.sh"

canon=$TOP/tests/unit/test_json
name="json: the parser agrees with Python's json"
if ! have python3; then
	skip "$name" "python3 not installed"
	exit 0
fi
if [ ! -x "$canon" ]; then
	fail "$name" "$canon is not built (make units)"
	exit 0
fi
seed=${TINYIMG_JSON_SEED:-$RANDOM$RANDOM}

# The Python side prints one "PASS name" or "FAIL name<TAB>detail" a line.
out=$(mktemp_dir)/oracle
python3 - "$canon" "$seed" <<'EOF' >"$out" 2>&1
import json
import random
import re
import subprocess
import sys

canon, seed = sys.argv[1], int(sys.argv[2])
rng = random.Random(seed)
DEPTH = 64


class Num(str):
    """A number literal, kept as written."""


class Obj(list):
    """An object's (key, value) pairs in document order."""


def no_constant(name):
    raise ValueError(name)


def depth(v):
    if isinstance(v, Obj):
        return 1 + max([depth(x) for _, x in v], default=0)
    if isinstance(v, list):
        return 1 + max([depth(x) for x in v], default=0)
    return 0


def dump(v):
    if isinstance(v, Obj):
        return '{' + ','.join(dump(k) + ':' + dump(x) for k, x in v) + '}'
    if isinstance(v, list):
        return '[' + ','.join(dump(x) for x in v) + ']'
    if isinstance(v, Num):
        return str(v)
    if v is True or v is False or v is None:
        return json.dumps(v)
    # tinyimg also escapes DEL and the C1 controls, so that no JSON it
    # prints can drive a terminal.
    return re.sub('[\x7f-\x9f]', lambda m: '\\u%04x' % ord(m.group()),
                  json.dumps(v, ensure_ascii=False))


def oracle(text):
    """The canonical bytes of TEXT, or None when it must be refused."""
    try:
        v = json.loads(text.decode('utf-8'), object_pairs_hook=Obj,
                       parse_int=Num, parse_float=Num,
                       parse_constant=no_constant)
        if depth(v) > DEPTH:
            return None
        return dump(v).encode('utf-8')  # lone surrogates fail here
    except (ValueError, RecursionError):
        return None


def ws():
    return ''.join(rng.choice(' \t\n\r') for _ in range(rng.choice(
        [0, 0, 0, 1, 2])))


def char():
    r = rng.random()
    if r < 0.45:
        return rng.choice('abcxyz/ 019AZ-_.:~\x7f')
    if r < 0.55:
        return rng.choice(['\\"', '\\\\', '\\/', '\\b', '\\f', '\\n',
                           '\\r', '\\t'])
    if r < 0.7:
        cp = rng.choice([rng.randrange(0, 0x20), rng.randrange(0x20, 0x800),
                         rng.randrange(0x800, 0xd800),
                         rng.randrange(0xe000, 0x10000), 0, 0x2028, 0xfeff])
        h = '%04x' % cp
        return '\\u' + (h.upper() if rng.random() < 0.3 else h)
    if r < 0.75:
        cp = rng.randrange(0x10000, 0x110000) - 0x10000
        return '\\u%04x\\u%04X' % (0xd800 + (cp >> 10), 0xdc00 + (cp & 0x3ff))
    if r < 0.95:
        return rng.choice(['\u00e9', '\u00df', '\u20ac', '\u2028', '\u0800',
                           '\uffff', '\U0001f600', '\U0010ffff', '\u07ff',
                           '\U00010000', '\ud7ff', '\ue000'])
    return chr(rng.randrange(0x80, 0x3000))


def string():
    return '"' + ''.join(char() for _ in range(rng.choice(
        [0, 1, 3, 8, 20]))) + '"'


def number():
    digits = lambda n: str(rng.randrange(1, 10)) + ''.join(
        rng.choice('0123456789') for _ in range(n - 1))
    s = rng.choice(['', '-']) + rng.choice(['0', digits(rng.choice(
        [1, 2, 5, 19, 20, 45]))])
    if rng.random() < 0.3:
        s += '.' + ''.join(rng.choice('0123456789') for _ in range(
            rng.randrange(1, 6)))
    if rng.random() < 0.3:
        s += rng.choice('eE') + rng.choice(['', '+', '-']) + digits(
            rng.choice([1, 3, 12]))
    return s


def value(level, most):
    r = rng.random()
    if level < most and r < 0.35:
        items = [value(level + 1, most) for _ in range(rng.choice(
            [0, 1, 2, 3, 5]))]
        return '[' + ws() + (',' + ws()).join(x + ws() for x in items) + ']'
    if level < most and r < 0.65:
        keys = ['"a"', '"b"', string(), string()]
        items = [ws() + rng.choice(keys) + ws() + ':' + ws() +
                 value(level + 1, most) + ws()
                 for _ in range(rng.choice([0, 1, 2, 4]))]
        return '{' + ','.join(items) + ws() + '}'
    return rng.choice([string, string, number, lambda: rng.choice(
        ['true', 'false', 'null'])])()


def document():
    return (ws() + value(0, rng.choice([1, 3, 6, 10])) + ws()).encode()


def mutate(text):
    i = rng.randrange(len(text) + 1)
    how = rng.randrange(4)
    if how == 0:
        return text[:i]
    if how == 1:
        b = rng.choice([rng.randrange(256), ord(','), ord(']'), ord('"'),
                        ord('\\'), 0, 0x80, 0xc0, 0xed, 0xf4, 0xff])
        return text[:i] + bytes([b]) + text[i:]
    if how == 2:
        return text[:i] + text[i + 1:]
    return text[:i] + bytes([rng.randrange(256)]) + text[i + 1:]


HOSTILE = [b'[1,]', b'{"a":1,}', b'[01]', b'-01', b'NaN', b'[Infinity]',
           b'"\\ud800"', b'"\\udc00x"', b'"\\ud800\\u0041"',
           b'{"\\ud800":1}', b'"\xc0\xaf"', b'"\xe0\x80\xaf"',
           b'"\xed\xa0\x80"', b'"\xf4\x90\x80\x80"', b'"\xe2\x82"',
           b'"\xe2\x82', b'"\x80"', b'"a\tb"', b'"\x00"', b'"\x01"',
           b'"\x1f"', b'"\n"', b'[1]\x00', b'', b' ', b'[1] 2',
           b'\xef\xbb\xbf1', b'[' * 65 + b']' * 65,
           b'{"a":' * 65 + b'1' + b'}' * 65, b'[' * 200000, b"['a']",
           b'[.5]', b'[1.]', b'[1e]', b'tru', b'"\\x41"', b'"\\u00G0"',
           b'[1 2]', b'{"a" 1}', b'{1:1}']
EDGE = [b'[' * 64 + b']' * 64, b'{"a":' * 64 + b'1' + b'}' * 64,
        b'"\x7f"', b'1e999999', b'-0', b'"\\u0000"', b'{"a":1,"a":2}']


def run(text):
    p = subprocess.run([canon, '--canon'], input=text, capture_output=True)
    return p.returncode, p.stdout, p.stderr


def agree(text):
    """None when the parser and the oracle agree on TEXT, else why not."""
    want = oracle(text)
    rc, out, err = run(text)
    if want is None and rc == 0:
        return 'accepted, Python refuses: %r' % text[:200]
    if want is not None and rc != 0:
        return 'refused (%s), Python accepts: %r' % (
            err.decode(errors='replace').strip(), text[:200])
    if want is not None and out != want:
        return '%r: printed %r, Python %r' % (text[:200], out[:200],
                                                want[:200])
    if want is None and (rc != 1 or not err.split(b':')[0].isdigit()):
        return '%r: refused without "OFFSET: why" (status %d, %r)' % (
            text[:200], rc, err[:200])
    return None


def check(name, texts):
    bad = [why for why in map(agree, texts) if why]
    valid = sum(oracle(t) is not None for t in texts)
    name = '%s (%d valid, %d refused, seed %d)' % (
        name, valid, len(texts) - valid, seed)
    print(('FAIL %s\t%s' % (name, bad[0])) if bad else 'PASS ' + name)


docs = [document() for _ in range(300)]
check('json: random documents re-encode as Python does', docs)
check('json: mutated documents accepted and refused as Python does',
      [mutate(rng.choice(docs)) for _ in range(300)])
check('json: hostile and edge cases as Python (and RFC 8259) say',
      HOSTILE + EDGE)
EOF
while IFS= read -r line; do
	case $line in
	PASS\ *) pass "${line#PASS }" ;;
	FAIL\ *) line=${line#FAIL }; fail "${line%%$'\t'*}" "${line#*$'\t'}" ;;
	*) fail "json: the Python oracle ran" "$line" ;;
	esac
done <"$out"
[ "$(grep -c '^PASS \|^FAIL ' "$out")" = 3 ] ||
	fail "json: the Python oracle made its 3 checks" "$(tail -n 5 "$out")"
