# bash completion for tinyimg; installed as
# $(PREFIX)/share/bash-completion/completions/tinyimg.
#
# It needs nothing from the bash-completion package: it reads COMP_WORDS
# and COMP_CWORD and answers with compgen. Loading it defines the function
# _tinyimg and the completion, nothing else. The option lists are those of
# "tinyimg help build" and "tinyimg help inspect" (tests/t_install.sh checks
# that they agree).

_tinyimg()
{
	local cur=${COMP_WORDS[COMP_CWORD]-} prev= opt= verb=${COMP_WORDS[1]-}
	local build_opts='-o --output -t --tag --format -q --quiet -v --verbose
		-a --arch -I --include --base --strip --no-rwx --path --add
		--entrypoint --cmd
		-e --env -l --label --expose -w --workdir -u --user --stop-signal
		--created -h --help'
	local inspect_opts='--json --bytes --files --platform -q --quiet
		-h --help'
	local signals='SIGHUP SIGINT SIGQUIT SIGILL SIGTRAP SIGABRT SIGIOT SIGBUS
		SIGFPE SIGKILL SIGUSR1 SIGSEGV SIGUSR2 SIGPIPE SIGALRM SIGTERM
		SIGSTKFLT SIGCHLD SIGCLD SIGCONT SIGSTOP SIGTSTP SIGTTIN SIGTTOU
		SIGURG SIGXCPU SIGXFSZ SIGVTALRM SIGPROF SIGWINCH SIGIO SIGPOLL
		SIGPWR SIGSYS SIGRTMIN SIGRTMAX'
	local i word files=f prefix=

	COMPREPLY=()
	[ "$COMP_CWORD" -ge 1 ] && prev=${COMP_WORDS[COMP_CWORD-1]}

	if [ "$COMP_CWORD" -eq 1 ]; then
		case $cur in
		-*) COMPREPLY=($(compgen -W '--help --version' -- "$cur")) ;;
		*) COMPREPLY=($(compgen -W 'build inspect help' -- "$cur")) ;;
		esac
		return 0
	fi
	case $verb in
	help)
		[ "$COMP_CWORD" -eq 2 ] &&
			COMPREPLY=($(compgen -W 'build inspect' -- "$cur"))
		return 0 ;;
	build|inspect) ;;
	*) return 0 ;;
	esac

	# The option whose value is being typed: "--format oci", and also
	# "--format=oci", which bash splits at '=' into three words (readline
	# then replaces only what follows the '='); in "-e KEY=VALUE" the '='
	# is part of the value.
	opt=$prev
	i=0
	if [ "$cur" = = ]; then
		cur=
		i=$((COMP_CWORD - 1))
	elif [ "$prev" = = ]; then
		i=$((COMP_CWORD - 2))
	fi
	if [ "$i" -ge 2 ]; then
		case ${COMP_WORDS[i]} in
		--*) opt=${COMP_WORDS[i]} ;;
		*) opt=${COMP_WORDS[i-1]} ;;
		esac
	fi
	# "--format=d" as one word, when COMP_WORDBREAKS has no '=': the
	# answers must then carry the "--format=" in front.
	case $cur in
	--*=*)
		prefix=${cur%%=*}=
		opt=${prefix%=}
		cur=${cur#*=} ;;
	esac
	# "--add SRC:DEST": DEST is a path in the image, not here. bash splits
	# at ':' into "SRC" ":" "DEST" (or keeps one word when COMP_WORDBREAKS
	# has no ':').
	if [ "$cur" = : ] || { [ "$prev" = : ] && [ "$COMP_CWORD" -ge 4 ] &&
		[ "${COMP_WORDS[COMP_CWORD-3]}" = --add ]; } ||
		{ [ "$opt" = --add ] && [ "${cur#*:}" != "$cur" ]; }; then
		return 0
	fi
	# After "--" every word is a file name.
	for ((i = 2; i < COMP_CWORD; i++)); do
		[ "${COMP_WORDS[i]}" = -- ] && opt=--
	done
	case $verb:$opt in
	*:--) ;;
	build:--format)
		COMPREPLY=($(compgen -P "$prefix" -W 'both docker oci' -- "$cur"))
		return 0 ;;
	build:-a|build:--arch)
		COMPREPLY=($(compgen -P "$prefix" \
			-W '386 amd64 arm64 arm ppc64le riscv64 s390x' -- "$cur"))
		return 0 ;;
	build:--stop-signal)
		# Any case, with or without SIG, as tinyimg takes them.
		word=${cur^^}
		case $word in
		SIG*|SI|S|'') ;;
		*) word=SIG$word ;;
		esac
		COMPREPLY=($(compgen -P "$prefix" -W "$signals" -- "$word"))
		return 0 ;;
	build:--created)
		COMPREPLY=($(compgen -P "$prefix" -W now -- "$cur"))
		return 0 ;;
	build:-I|build:--include)
		files=d ;;
	build:-o|build:--output|build:--add|build:--base)
		;;
	build:-t|build:--tag|build:--path|build:--entrypoint|build:--cmd|\
	build:-e|build:--env|build:-l|build:--label|build:--expose|\
	build:-w|build:--workdir|build:-u|build:--user|inspect:--platform)
		return 0 ;;
	*)
		if [ "${cur:0:1}" = - ]; then
			[ "$verb" = build ] && word=$build_opts ||
				word=$inspect_opts
			COMPREPLY=($(compgen -W "$word" -- "$cur"))
			return 0
		fi ;;
	esac

	# INPUT, TARBALL, -o, --add (SRC) and -I (folders): file names, one
	# per line so that names with blanks stay whole.
	compopt -o filenames 2>/dev/null
	mapfile -t COMPREPLY < <(compgen -P "$prefix" -"$files" -- "$cur")
	return 0
}

complete -F _tinyimg tinyimg
