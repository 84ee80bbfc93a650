# t_install.sh: what make install puts on a system, and that it stays in
# step with the program: the man page renders without a warning and names
# every option the help shows (so does the README), the bash completion
# completes what tinyimg accepts and defines nothing else, --version names
# the tools, and make uninstall takes everything away again.
. "$(dirname "$0")/lib.sh"

W=$(mktemp_dir)
MAN_PAGE=$TOP/src/tinyimg.1
COMPLETION=$TOP/src/tinyimg.bash
export MAN_DISABLE_SECCOMP=1 # man-db's sandbox fails in some containers

# long_options VERB: the long options "tinyimg help VERB" lists, one a line.
long_options() {
	"$TINYIMG" help "$1" | grep -oE '^ +(-[A-Za-z], )?--[a-z][a-z-]*' |
		grep -oE -- '--[a-z][a-z-]*'
}

# short_options VERB: the short options "tinyimg help VERB" lists.
short_options() {
	"$TINYIMG" help "$1" | grep -oE '^ +-[A-Za-z],' | grep -oE -- '-[A-Za-z]'
}

# mentions FILE OPTION: FILE names OPTION as a whole word ("--plat" is not
# "--platform"); in a man page, \- is read as -.
mentions() {
	sed 's/\\-/-/g' "$1" | grep -qE -- "(^|[^a-z-])$2([^a-z-]|\$)"
}

# --- the man page ---------------------------------------------------------
if have groff; then
	groff -man -ww -z "$MAN_PAGE" >"$W/groff.out" 2>"$W/groff.err"
	check "groff -man -ww -z: the man page renders with no warning" "0 " \
		"$? $(cat "$W/groff.out" "$W/groff.err")"
else
	skip "groff renders the man page with no warning" "groff not installed (apt-get install groff-base)"
fi
if have mandoc; then
	mandoc -T lint -W warning "$MAN_PAGE" >"$W/mandoc.out" 2>&1
	check "mandoc -T lint: no warning in the man page" "0 " \
		"$? $(cat "$W/mandoc.out")"
else
	skip "mandoc -T lint finds no warning in the man page" "mandoc not installed (apt-get install mandoc)"
fi
if have man col; then
	MANWIDTH=80 man -l "$MAN_PAGE" 2>"$W/man.err" | col -bx >"$W/man.txt"
	check "man -l renders it: the synopsis, nothing on stderr" "yes yes " \
		"$(grep -qx ' *tinyimg build \[options\] INPUT\.\.\. -o OUTPUT.tar' "$W/man.txt" && echo yes) $(grep -qx ' *tinyimg inspect \[options\] TARBALL' "$W/man.txt" && echo yes) $(cat "$W/man.err")"
	width=$(LC_ALL=C.UTF-8 wc -L <"$W/man.txt")
	check "man -l at 80 columns: no line is wider ($width)" "yes" \
		"$([ "$width" -gt 40 ] && [ "$width" -le 80 ] && echo yes)"
else
	skip "man -l renders the man page" "man not installed (apt-get install man-db)"
fi

# --- every option of the help is in the man page and the README -----------
for verb in build inspect; do
	opts=$(long_options "$verb")
	check "tinyimg help $verb lists long options" "yes" \
		"$([ "$(echo "$opts" | wc -l)" -ge 6 ] && echo yes)"
	for doc in "$MAN_PAGE" "$TOP/README.md"; do
		missing=
		for o in $opts; do
			mentions "$doc" "$o" || missing="$missing $o"
		done
		check "every option of 'tinyimg help $verb' is in $(basename "$doc")" "" "$missing"
	done
done
# heading FILE OPTION: the rendered man page FILE has a tagged paragraph
# whose tag is OPTION ("       -o, --output FILE", "       --json Print").
heading() {
	grep -qE -- "^       (-[A-Za-z], )?$2( [A-Z\[]|\$)" "$1"
}
if [ -s "$W/man.txt" ]; then
	for verb in build inspect; do
		missing=
		for o in $(long_options "$verb"); do
			heading "$W/man.txt" "$o" || missing="$missing $o"
		done
		check "every option of 'tinyimg help $verb' has its own entry in the man page" "" "$missing"
	done
	check "...and that check can fail: --base has an entry, --strip-all is only in running text, --frob nowhere" \
		"yes no no" "$(for o in --base --strip-all --frob; do heading "$W/man.txt" "$o" && echo yes || echo no; done | xargs)"
fi
check "...and the check can fail: --plat and --frobnicate are not options there" "no no" \
	"$(mentions "$MAN_PAGE" --plat && echo yes || echo no) $(mentions "$MAN_PAGE" --frobnicate && echo yes || echo no)"

# --- make install / make uninstall ----------------------------------------
D=$W/dest
make -s -C "$TOP" install DESTDIR="$D" PREFIX=/usr/local >"$W/install.out" 2>&1
check "make install DESTDIR PREFIX=/usr/local exits 0" "0" "$?"
check "it installs the program, the man page and the completion, nothing else" \
	"$D/usr/local/bin/tinyimg 755
$D/usr/local/share/bash-completion/completions/tinyimg 644
$D/usr/local/share/man/man1/tinyimg.1 644" \
	"$(find "$D" ! -type d -printf '%p %m\n' | sort)"
check "the installed program runs" "tinyimg 0.1.0" \
	"$("$D/usr/local/bin/tinyimg" --version 2>&1 | head -n 1)"
check "the installed man page and completion are the sources" "yes yes" \
	"$(cmp -s "$MAN_PAGE" "$D/usr/local/share/man/man1/tinyimg.1" && echo yes) $(cmp -s "$COMPLETION" "$D/usr/local/share/bash-completion/completions/tinyimg" && echo yes)"
if have man col; then
	check "man finds the installed page by name (man -M ... -w tinyimg)" \
		"$D/usr/local/share/man/man1/tinyimg.1" \
		"$(man -M "$D/usr/local/share/man" -w tinyimg 2>&1)"
	check "man -l of the installed page shows its NAME line" "yes" \
		"$(MANWIDTH=80 man -l "$D/usr/local/share/man/man1/tinyimg.1" 2>&1 | col -bx | grep -q '^ *tinyimg - container image tarballs' && echo yes)"
else
	skip "man reads the installed page" "man not installed (apt-get install man-db)"
fi
make -s -C "$TOP" uninstall DESTDIR="$D" PREFIX=/usr/local >"$W/uninstall.out" 2>&1
check "make uninstall removes all three; only empty folders are left" "0 " \
	"$? $(find "$D" ! -type d)"

make -s -C "$TOP" install DESTDIR="$W/dest2" PREFIX=/opt/ti BINDIR=/b \
	MANDIR=/m BASHCOMPDIR=/c >/dev/null 2>&1
check "BINDIR, MANDIR and BASHCOMPDIR choose the folders" \
	"$W/dest2/b/tinyimg
$W/dest2/c/tinyimg
$W/dest2/m/man1/tinyimg.1" "$(find "$W/dest2" ! -type d | sort)"
make -s -C "$TOP" install DESTDIR="$W/dest3" PREFIX=/opt/ti >/dev/null 2>&1
check "make install honours DESTDIR and PREFIX" "tinyimg 0.1.0" \
	"$("$W/dest3/opt/ti/bin/tinyimg" --version 2>&1 | head -n 1)"

# --- bash completion, in a plain bash without bash-completion --------------
# complete WORD...: what _tinyimg offers for the command line WORD... with
# the cursor at the end of the last word, as bash calls it; one a line,
# sorted. Runs in $W/files.
mkdir -p "$W/files/sub dir" "$W/files/src"
touch "$W/files/hello.asm" "$W/files/a b.tar"
complete_words() {
	(cd "$W/files" && bash --norc --noprofile -c '
		. "$1" || exit 1
		COMP_LINE=$2
		COMP_POINT=${#COMP_LINE}
		shift 2
		COMP_WORDS=("$@")
		COMP_CWORD=$(($# - 1))
		_tinyimg tinyimg "${COMP_WORDS[COMP_CWORD]}" "${COMP_WORDS[COMP_CWORD-1]}"
		printf "%s\n" "${COMPREPLY[@]}"' _ "$COMPLETION" "$*" "$@" | sort)
}

check "completion: 'tinyimg ' offers the verbs" "build
help
inspect" "$(complete_words tinyimg '')"
check "completion: 'tinyimg b' gives build" "build" "$(complete_words tinyimg b)"
check "completion: 'tinyimg --' gives the global options" "--help
--version" "$(complete_words tinyimg --)"
check "completion: 'tinyimg help ' offers the verbs with help" "build
inspect" "$(complete_words tinyimg help '')"
check "completion: 'tinyimg build --fo' gives --format" "--format" \
	"$(complete_words tinyimg build --fo)"
check "completion: 'tinyimg build --format ' offers both docker oci" "both
docker
oci" "$(complete_words tinyimg build --format '')"
check "completion: 'tinyimg build --format=' (split at =) offers them too" "both
docker
oci" "$(complete_words tinyimg build --format =)"
check "completion: 'tinyimg build --format=o' gives oci" "oci" \
	"$(complete_words tinyimg build --format = o)"
check "completion: 'tinyimg build --arch ' offers every architecture tinyimg knows" "386
amd64
arm
arm64
ppc64le
riscv64
s390x" "$(complete_words tinyimg build --arch '')"
check "completion: 'tinyimg build -a am' gives amd64" "amd64" \
	"$(complete_words tinyimg build -a am)"
mkdir -p "$W/comp-base"
: >"$W/comp-base/base.tar"
check "completion: '--base ' completes file names" "$W/comp-base/base.tar" \
	"$(complete_words tinyimg build --base "$W/comp-base/b")"
check "completion: '--stop-signal SIGT' offers the SIGT signals" "SIGTERM
SIGTRAP
SIGTSTP
SIGTTIN
SIGTTOU" "$(complete_words tinyimg build --stop-signal SIGT)"
check "completion: '--stop-signal te' (any case, no SIG) gives SIGTERM" "SIGTERM" \
	"$(complete_words tinyimg build --stop-signal te)"
# Every signal name completed is one tinyimg accepts.
sigs=$(complete_words tinyimg build --stop-signal '')
bad=
for s in $sigs; do
	"$TINYIMG" build --stop-signal "$s" --help >/dev/null 2>&1 || bad="$bad $s"
done
check "completion: all $(echo "$sigs" | wc -l) signal names offered are ones tinyimg accepts" "" "$bad"
bogus=$("$TINYIMG" build --stop-signal SIGBOGUS --help >/dev/null 2>&1; echo $?)
check "...which the check would see: SIGBOGUS is refused (2)" "2" "$bogus"
check "completion: '-o ' offers the files and folders here" "a b.tar
hello.asm
src
sub dir" "$(complete_words tinyimg build hello.asm -o '')"
check "completion: 'tinyimg build h' offers the input file" "hello.asm" \
	"$(complete_words tinyimg build h)"
check "completion: '--add ' offers files" "a b.tar" \
	"$(complete_words tinyimg build --add a)"
check "completion: '-I ' offers folders only" "src
sub dir" "$(complete_words tinyimg build -I '')"
check "completion: 'tinyimg inspect ' offers the files (TARBALL)" "a b.tar
hello.asm
src
sub dir" "$(complete_words tinyimg inspect '')"
check "completion: '--tag ' offers nothing" "" "$(complete_words tinyimg build --tag '')"
check "completion: '--format=d' as one word (no '=' in COMP_WORDBREAKS) gives --format=docker" \
	"--format=docker" "$(complete_words tinyimg build --format=d)"
check "completion: '--stop-signal=sigte' as one word gives --stop-signal=SIGTERM" \
	"--stop-signal=SIGTERM" "$(complete_words tinyimg build --stop-signal=sigte)"
check "completion: '--output=a' as one word completes the file name after the =" \
	"--output=a b.tar" "$(complete_words tinyimg build --output=a)"
check "completion: '--add a:' (DEST is in the image) offers nothing" "" \
	"$(complete_words tinyimg build --add 'a b.tar' : '')"
check "completion: '--add a:/s' (split at :) offers nothing from here" "" \
	"$(complete_words tinyimg build --add 'a b.tar' : /s)"
check "completion: '--add a:/s' as one word offers nothing from here" "" \
	"$(complete_words tinyimg build --add 'a b.tar:/s')"
check "completion: '-e KEY=' offers nothing (the = is part of the value)" "" \
	"$(complete_words tinyimg build -e KEY =)"
check "completion: after '--', '-' is a file name, not an option" "" \
	"$(complete_words tinyimg build -- -)"
for verb in build inspect; do
	check "completion: 'tinyimg $verb --' offers exactly the long options of 'tinyimg help $verb'" \
		"$(long_options "$verb" | sort)" "$(complete_words tinyimg "$verb" --)"
	check "completion: 'tinyimg $verb -' offers exactly its options, short ones too" \
		"$( (long_options "$verb"; short_options "$verb") | sort)" \
		"$(complete_words tinyimg "$verb" -)"
done

# Loading it prints nothing and defines _tinyimg and the completion only;
# calling it leaves no variable behind but COMPREPLY.
bash --norc --noprofile -c '
	volatile="^declare -[-a-zA-Z]* (BASH_[A-Z_]*|_|RANDOM|SRANDOM|SECONDS|LINENO|EPOCHSECONDS|EPOCHREALTIME|BASHPID|PIPESTATUS|FUNCNAME|COMPREPLY|COMP_[A-Z]*)="
	state() {
		declare -p | grep -vE "$volatile"
		declare -F
		complete -p
		shopt -p
		set +o
	}
	state >"$2/before"
	. "$1" >"$2/load.out" 2>&1
	state >"$2/after"
	COMP_WORDS=(tinyimg build --format "") COMP_CWORD=3
	_tinyimg
	COMP_WORDS=(tinyimg build hello.asm -o "") COMP_CWORD=4
	_tinyimg
	COMP_WORDS=(tinyimg build --stop-signal t) COMP_CWORD=3
	_tinyimg
	unset COMP_WORDS COMP_CWORD
	state >"$2/called"' _ "$COMPLETION" "$W"
check "completion: loading it prints nothing" "" "$(cat "$W/load.out")"
check "completion: loading it adds only the function _tinyimg and its 'complete'" \
	"> complete -F _tinyimg tinyimg
> declare -f _tinyimg" \
	"$(diff "$W/before" "$W/after" | grep '^[<>]' | sort)"
check "completion: calling it leaves no variable or setting behind" "" \
	"$(diff "$W/after" "$W/called")"

# --- --version ------------------------------------------------------------
if have nasm ld objdump; then
	tmpd=$(mktemp -d "$W/tmp.XXXXXX")
	TMPDIR=$tmpd "$TINYIMG" --version >"$W/version" 2>"$W/version.err"
	check "--version exits 0, says nothing on stderr, leaves nothing in TMPDIR" "0  0" \
		"$? $(cat "$W/version.err") $(ls -A "$tmpd" | wc -l)"
	check "--version: tinyimg's, then nasm, ld and objdump as PATH finds them" \
		"tinyimg 0.1.0
nasm: $(command -v nasm) ($(nasm -v | head -n 1))
ld: $(command -v ld) ($(ld --version | head -n 1))
objdump: $(command -v objdump) ($(objdump --version | head -n 1))" \
		"$(cat "$W/version")"
else
	skip "--version names nasm, ld and objdump" "nasm or binutils not installed"
fi
out=$(PATH=/nonexistent "$TINYIMG" --version 2>&1)
check "--version with none of the tools in PATH: exit 0, each named with its package" \
	"0 tinyimg 0.1.0
nasm: not found in PATH (install the nasm package)
ld: not found in PATH (install the binutils package)
objdump: not found in PATH (install the binutils package)" "$? $out"
mkdir -p "$W/fake"
printf '#!/bin/sh\necho "NASM version 9.99 (fake)"; echo second line\n' >"$W/fake/nasm"
printf '#!/bin/sh\nexit 3\n' >"$W/fake/ld"
chmod +x "$W/fake/nasm" "$W/fake/ld"
tmpd=$(mktemp -d "$W/tmp.XXXXXX")
out=$(cd / && PATH=$W/fake TMPDIR=$tmpd "$TINYIMG" --version 2>&1)
check "--version runs what PATH finds, shows its first line, reports a failing one" \
	"0 tinyimg 0.1.0
nasm: $W/fake/nasm (NASM version 9.99 (fake))
ld: $W/fake/ld (version unknown: 'ld --version' exited with status 3)
objdump: not found in PATH (install the binutils package)
" "$? $out
$(ls -A "$tmpd")"
