# tests/daemons.sh: private container services for tinyimg's tests.
#
# Sourced after tests/lib.sh. Starts a dockerd (with the containerd it runs
# itself), a docker-registry and a podman store, all private to one test run and
# kept under one directory the caller made, and stops them again. Typical use:
#
#	ROOT=$(mktemp_dir)
#	daemons_init "$ROOT" || exit 1
#	trap daemons_stop_all EXIT
#	trap 'exit 130' INT
#	trap 'exit 143' TERM
#	if dockerd_start; then ... "$DOCKER" load -i img.tar ...; fi
#
# Call the *_start functions and daemons_init in the test's own shell, not in
# $(...) or a pipeline: they set variables. Internal state is in TINYIMG_D_*
# variables; exported for the tests: DOCKER, DOCKER_HOST, DOCKER_CONFIG,
# CONTAINERD_ADDRESS, REGISTRY. Logs stay in ROOT/log/ after a stop; the caller
# removes ROOT. dockerd and binfmt registration need root.
#
# Traces left outside ROOT that no option redirects: containerd shims put their
# sockets in /run/containerd/s/ (they go when the shims exit, the directory
# stays), podman load and skopeo keep a blob-info cache in
# /var/lib/containers/cache/, and the binfmt entry made by binfmt_i386_ensure
# stays (other runs may be using it).
# The stop functions report leftovers (exit status 1, stderr) but never abort
# a `set -e` caller half way.

: "${TINYIMG_D_ROOT:=}"
: "${TINYIMG_D_SOCK:=}"
: "${TINYIMG_D_SOCK_OWNED:=0}"
: "${TINYIMG_D_DOCKERD_DIR:=}"
: "${TINYIMG_D_DOCKERD_EXEC:=}"
: "${TINYIMG_D_CONTAINERD:=}"
: "${TINYIMG_D_DOCKERD_PID:=}"
: "${TINYIMG_D_DOCKERD_READY_MS:=}"
: "${TINYIMG_D_CGROUP:=}"
: "${TINYIMG_D_REGISTRY_DIR:=}"
: "${TINYIMG_D_REGISTRY_PID:=}"
: "${TINYIMG_D_PODMAN:=}"

# The containerd namespace ctr_cmd works in.
TINYIMG_D_CTR_NS=tinyimg-test

# _td_say MESSAGE...: a diagnostic on stderr.
_td_say() {
	printf 'daemons: %s\n' "$*" >&2
}

# _td_need_init: true after daemons_init, else says so.
_td_need_init() {
	[ -n "$TINYIMG_D_ROOT" ] && return 0
	_td_say "call daemons_init ROOT first"
	return 1
}

# _td_need_root WHAT: true when running as root, else says WHAT needs it.
_td_need_root() {
	[ "$(id -u)" = 0 ] && return 0
	_td_say "$1 needs root"
	return 1
}

# ---- processes, mounts, cgroups ----

# _td_alive PID: true while PID runs; a zombie counts as gone (and is reaped).
_td_alive() {
	local stat
	{ read -r stat <"/proc/$1/stat"; } 2>/dev/null || return 1
	stat=${stat##*) }
	[ "${stat%% *}" != Z ] && return 0
	wait "$1" 2>/dev/null || :
	return 1
}

# _td_any_alive PID...: true when at least one PID still runs.
_td_any_alive() {
	local pid
	for pid in "$@"; do
		_td_alive "$pid" && return 0
	done
	return 1
}

# _td_wait_gone SECS PID...: wait up to SECS seconds until no PID runs.
_td_wait_gone() {
	local n=$(($1 * 10))
	shift
	while _td_any_alive "$@"; do
		[ $((n--)) -gt 0 ] || return 1
		sleep 0.1
	done
}

# _td_kill_wait SECS PID...: SIGTERM the PIDs; SIGKILL what is left after SECS s.
_td_kill_wait() {
	local secs=$1
	shift
	[ $# -gt 0 ] || return 0
	kill -TERM "$@" 2>/dev/null
	_td_wait_gone "$secs" "$@" && return 0
	kill -KILL "$@" 2>/dev/null
	_td_wait_gone 5 "$@"
}

# _td_pids_with TEXT: the pids of live processes whose command line holds TEXT
# (not this shell's; grep, which matches itself, has exited when they are checked).
_td_pids_with() {
	local files f pid
	[ ${#1} -ge 8 ] || return 0 # never match everything
	# grep fails (2) when a process vanishes during the scan: keep what it found
	files=$(grep -lsF -- "$1" /proc/[0-9]*/cmdline) || :
	for f in $files; do
		pid=${f#/proc/}
		pid=${pid%/cmdline}
		[ "$pid" = $$ ] || [ "$pid" = "$BASHPID" ] && continue
		_td_alive "$pid" && printf '%s\n' "$pid"
	done
	return 0
}

# _td_kill_with SECS TEXT: _td_kill_wait the processes whose command line holds TEXT.
_td_kill_with() {
	local pids
	mapfile -t pids < <(_td_pids_with "$2")
	_td_kill_wait "$1" "${pids[@]}" && return 0
	_td_say "processes survived SIGKILL: ${pids[*]}"
	return 1
}

# _td_mounts_under DIR: mount points at or below DIR, one a line.
_td_mounts_under() {
	local mnt
	while read -r _ mnt _; do
		printf -v mnt '%b' "$mnt"
		case $mnt in
		"$1" | "$1"/*) printf '%s\n' "$mnt" ;;
		esac
	done </proc/mounts
}

# _td_umount_under DIR: unmount everything at or below DIR, deepest first.
_td_umount_under() {
	local m left
	for _ in 1 2 3; do
		left=$(_td_mounts_under "$1" | sort -r)
		[ -n "$left" ] || return 0
		while read -r m; do
			umount "$m" 2>/dev/null || umount -l "$m" 2>/dev/null
		done <<<"$left"
	done
	[ -z "$(_td_mounts_under "$1")" ] && return 0
	_td_say "still mounted under $1: $(_td_mounts_under "$1" | tr '\n' ' ')"
	return 1
}

# _td_cgroup_dirs NAME: the directory NAME in every mounted cgroup hierarchy.
_td_cgroup_dirs() {
	local mnt type
	while read -r _ mnt type _; do
		case $type in
		cgroup | cgroup2) [ -d "$mnt/$1" ] && printf '%s\n' "$mnt/$1" ;;
		esac
	done </proc/mounts
}

# _td_cgroup_remove NAME [kill]: remove cgroup NAME and its children, if empty;
# with kill, first SIGKILL every process in them (only for cgroups we own).
_td_cgroup_remove() {
	local d pids
	[ -n "$1" ] || return 0
	for _ in 1 2 3 4 5; do
		for d in $(_td_cgroup_dirs "$1"); do
			if [ "${2:-}" = kill ]; then
				mapfile -t pids < <(find "$d" -name cgroup.procs -exec cat {} +)
				[ ${#pids[@]} -eq 0 ] || kill -KILL "${pids[@]}" 2>/dev/null
			fi
			find "$d" -depth -type d -exec rmdir {} + 2>/dev/null
		done
		[ -z "$(_td_cgroup_dirs "$1")" ] && return 0
		sleep 0.2
	done
	[ "${2:-}" != kill ] || _td_say "cgroup $1 could not be removed"
}

# ---- daemons_init, daemons_stop_all ----

# daemons_init ROOT: keep all data, logs and sockets of this run under ROOT.
daemons_init() {
	if [ ! -d "${1:-}" ]; then
		_td_say "daemons_init: not a directory: ${1:-}"
		return 1
	fi
	if [ -n "$TINYIMG_D_ROOT" ]; then
		_td_say "daemons_init: already using $TINYIMG_D_ROOT"
		return 1
	fi
	TINYIMG_D_ROOT=$(cd "$1" && pwd -P) &&
		mkdir -p "$TINYIMG_D_ROOT/log" &&
		_td_sockdir_make
}

# _td_sockdir_make: a directory for sockets short enough for sun_path (108 bytes):
# ROOT/s when ROOT is short, else a fresh /tmp/tid.XXXXXX. Sockets go down to
# ~40 bytes below it (dx/containerd/containerd-debug.sock, dx/libnetwork/*.sock);
# podman refuses a runroot (here SOCK/pr) longer than 50 bytes.
_td_sockdir_make() {
	if [ ${#TINYIMG_D_ROOT} -le 40 ]; then
		TINYIMG_D_SOCK=$TINYIMG_D_ROOT/s
		TINYIMG_D_SOCK_OWNED=0
		mkdir -p "$TINYIMG_D_SOCK"
	else
		TINYIMG_D_SOCK=$(mktemp -d /tmp/tid.XXXXXX) || return 1
		TINYIMG_D_SOCK_OWNED=1
	fi
}

# daemons_stop_all: stop all that was started, remove its files but ROOT/log;
# for EXIT/INT/TERM traps: idempotent, and returns the $? it was called with.
daemons_stop_all() {
	local rc=$?
	dockerd_stop || :
	registry_stop || :
	_td_podman_remove || :
	if [ -n "$TINYIMG_D_SOCK" ]; then
		_td_umount_under "$TINYIMG_D_SOCK" || :
		rm -rf "$TINYIMG_D_SOCK" || :
	fi
	TINYIMG_D_SOCK=
	TINYIMG_D_SOCK_OWNED=0
	TINYIMG_D_ROOT=
	return $rc
}

# ---- binfmt_misc: i386 through qemu-user ----

# binfmt_i386_ensure: make sure static i386 ELF files run: natively when the
# kernel has ia32 emulation, else through qemu-i386-static registered with
# binfmt_misc (flag F); 1 with the reason on stderr if they cannot.
# (A kernel with ia32 emulation runs such files natively, but once the entry is
# registered binfmt_misc takes precedence and qemu runs them.)
binfmt_i386_ensure() {
	local bm=/proc/sys/fs/binfmt_misc entry qemu
	# A kernel with ia32 emulation runs them itself: nothing to register.
	if [ -z "$(_td_binfmt_i386_entry "$bm" 2>/dev/null)" ] &&
	   _td_binfmt_try_elf32 2>/dev/null; then
		return 0
	fi
	qemu=$(_td_qemu_i386) || return 1
	_td_binfmt_mount "$bm" || return 1
	entry=$(_td_binfmt_i386_entry "$bm")
	if [ -z "$entry" ]; then
		_td_binfmt_register "$bm" "$qemu" || return 1
		entry=$(_td_binfmt_i386_entry "$bm")
	fi
	_td_binfmt_enable "$entry" && _td_binfmt_try_elf32
}

# _td_qemu_i386: print the path of qemu-i386-static.
_td_qemu_i386() {
	if [ -x /usr/bin/qemu-i386-static ]; then
		echo /usr/bin/qemu-i386-static
	elif ! command -v qemu-i386-static; then
		_td_say "binfmt: qemu-i386-static is not installed (qemu-user-static)"
		return 1
	fi
}

# _td_binfmt_mount DIR: mount binfmt_misc at DIR unless it is there.
_td_binfmt_mount() {
	[ -e "$1/register" ] && return 0
	_td_need_root "mounting binfmt_misc" || return 1
	mount -t binfmt_misc binfmt_misc "$1" && return 0
	_td_say "binfmt: cannot mount binfmt_misc at $1"
	return 1
}

# _td_binfmt_i386_entry DIR: print the entry whose interpreter is qemu-i386*.
_td_binfmt_i386_entry() {
	local f interp
	for f in "$1"/*; do
		case ${f##*/} in register | status) continue ;; esac
		interp=$(sed -n 's/^interpreter //p' "$f" 2>/dev/null)
		case ${interp##*/} in
		qemu-i386 | qemu-i386-static) printf '%s\n' "$f" && return 0 ;;
		esac
	done
}

# _td_binfmt_register DIR QEMU: register QEMU for i386 ELF as "qemu-i386", flag F.
_td_binfmt_register() {
	local magic mask
	magic='\x7fELF\x01\x01\x01\x00\x00\x00\x00\x00\x00\x00\x00\x00\x02\x00\x03\x00'
	mask='\xff\xff\xff\xff\xff\xfe\xfe\x00\xff\xff\xff\xff\xff\xff\xff\xff\xfe\xff\xff\xff'
	_td_need_root "registering qemu-i386 with binfmt_misc" || return 1
	printf ':qemu-i386:M::%s:%s:%s:F' "$magic" "$mask" "$2" >"$1/register" && return 0
	_td_say "binfmt: the kernel refused the qemu-i386 entry"
	return 1
}

# _td_binfmt_enable ENTRY: enable ENTRY if disabled; warn when it lacks flag F.
_td_binfmt_enable() {
	grep -q '^flags:.*F' "$1" ||
		_td_say "binfmt: $1 lacks flag F; containers cannot reach its interpreter"
	grep -qx enabled "$1" && return 0
	_td_need_root "enabling $1" && echo 1 >"$1"
}

# _td_binfmt_try_elf32: assemble a static i386 hello and run it (skipped, with a
# note, when nasm or ld is missing).
_td_binfmt_try_elf32() {
	local dir out=
	if ! have nasm ld; then
		_td_say "binfmt: no nasm or ld; 32-bit run not checked"
		return 0
	fi
	dir=$(mktemp -d "${TINYIMG_D_ROOT:-${TMPDIR:-/tmp}}/binfmt.XXXXXX") || return 1
	_td_hello32_asm >"$dir/h.asm"
	if nasm -f elf32 -o "$dir/h.o" "$dir/h.asm" &&
		ld -m elf_i386 -o "$dir/h" "$dir/h.o"; then
		out=$("$dir/h" 2>&1)
	fi
	rm -rf "$dir"
	[ "$out" = "i386 ok" ] && return 0
	_td_say "binfmt: a static i386 ELF did not run: $out"
	return 1
}

# _td_hello32_asm: nasm source of an i386 Linux program printing "i386 ok".
_td_hello32_asm() {
	cat <<-'EOF'
	BITS 32
	global _start
	section .text
	_start:	mov eax, 4
		mov ebx, 1
		mov ecx, msg
		mov edx, 8
		int 0x80
		mov eax, 1
		xor ebx, ebx
		int 0x80
	section .data
	msg:	db "i386 ok", 10
	EOF
}

# binfmt_qemu_ensure ARCH: make sure the kernel runs static ELF programs of
# ARCH (aarch64, arm, ...) through qemu-ARCH-static with flag F, so that
# containers find the interpreter: enable the entry when there is one, else
# register the one Debian's qemu-user-static ships in /usr/lib/binfmt.d.
binfmt_qemu_ensure() {
	local dir=/proc/sys/fs/binfmt_misc conf=/usr/lib/binfmt.d/qemu-$1.conf
	if [ -e "$dir/qemu-$1" ]; then
		_td_binfmt_enable "$dir/qemu-$1"
		return
	fi
	if [ ! -r "$conf" ]; then
		_td_say "binfmt: no $conf (apt-get install qemu-user-static)"
		return 1
	fi
	_td_binfmt_mount "$dir" || return 1
	[ -e "$dir/qemu-$1" ] && { _td_binfmt_enable "$dir/qemu-$1"; return; }
	_td_need_root "registering qemu-$1 with binfmt_misc" || return 1
	tr -d '\n' <"$conf" >"$dir/register" && return 0
	_td_say "binfmt: the kernel refused the qemu-$1 entry"
	return 1
}

# ---- dockerd (and its containerd) ----

# dockerd_start: start a private dockerd, which starts its own containerd; export
# DOCKER, DOCKER_HOST, DOCKER_CONFIG, CONTAINERD_ADDRESS; 1 with its log if it fails.
# TINYIMG_D_DOCKERD_READY_MS tells how long it took to answer `docker version`.
dockerd_start() {
	_td_need_init || return 1
	[ -z "$TINYIMG_D_DOCKERD_DIR" ] || return 0
	_td_dockerd_check && _td_dockerd_launch && _td_dockerd_wait && return 0
	_td_say "dockerd failed; last lines of $TINYIMG_D_ROOT/log/dockerd.log:"
	tail -n 40 "$TINYIMG_D_ROOT/log/dockerd.log" >&2 2>/dev/null || :
	dockerd_stop || :
	return 1
}

# _td_dockerd_check: root, dockerd and a client are here; no system containerd
# socket (dockerd 20.10 would use that one instead of starting its own).
_td_dockerd_check() {
	_td_need_root dockerd || return 1
	if ! have dockerd containerd runc; then
		_td_say "dockerd, containerd or runc is not installed"
		return 1
	fi
	DOCKER=$(_td_docker_client) || return 1
	[ ! -e /run/containerd/containerd.sock ] && return 0
	_td_say "/run/containerd/containerd.sock exists: dockerd would use that containerd"
	return 1
}

# _td_docker_client: the docker client matching dockerd (/usr/bin/docker first).
_td_docker_client() {
	if [ -x /usr/bin/docker ]; then
		echo /usr/bin/docker
	elif ! command -v docker; then
		_td_say "no docker client"
		return 1
	fi
}

# _td_dockerd_launch: start dockerd in the background; set its dirs and exports.
# An empty --config-file keeps /etc/docker/daemon.json out; --ip-forward=false
# keeps dockerd from setting the host's net.ipv4.ip_forward; a cgroup parent of
# our own lets dockerd_stop kill what is left in it and remove it.
_td_dockerd_launch() {
	local d=$TINYIMG_D_ROOT/dockerd x=$TINYIMG_D_SOCK/dx
	TINYIMG_D_DOCKERD_DIR=$d
	TINYIMG_D_DOCKERD_EXEC=$x
	TINYIMG_D_CONTAINERD=$x/containerd/containerd.sock
	TINYIMG_D_CGROUP=tinyimg-docker.$$.$RANDOM
	mkdir -p "$d/data" "$d/client" "$x" || return 1
	echo '{}' >"$d/daemon.json"
	dockerd --config-file "$d/daemon.json" -H "unix://$TINYIMG_D_SOCK/docker.sock" \
		--data-root "$d/data" --exec-root "$x" --pidfile "$d/dockerd.pid" \
		--storage-driver=vfs --iptables=false --ip6tables=false --bridge=none \
		--ip-forward=false --ip-masq=false --cgroup-parent "/$TINYIMG_D_CGROUP" \
		</dev/null >>"$TINYIMG_D_ROOT/log/dockerd.log" 2>&1 &
	TINYIMG_D_DOCKERD_PID=$!
	unset DOCKER_CONTEXT DOCKER_TLS_VERIFY DOCKER_CERT_PATH
	export DOCKER DOCKER_HOST="unix://$TINYIMG_D_SOCK/docker.sock"
	export DOCKER_CONFIG=$d/client CONTAINERD_ADDRESS=$TINYIMG_D_CONTAINERD
}

# _td_dockerd_wait: poll `$DOCKER version` for up to 60 s, then check containerd.
_td_dockerd_wait() {
	local t0 end=$((SECONDS + 60))
	t0=$(date +%s%N)
	until timeout 10 "$DOCKER" version >/dev/null 2>&1; do
		if ! _td_alive "$TINYIMG_D_DOCKERD_PID"; then
			_td_say "dockerd exited"
			return 1
		fi
		if [ $SECONDS -ge $end ]; then
			_td_say "dockerd not ready after 60 s"
			return 1
		fi
		sleep 0.1
	done
	TINYIMG_D_DOCKERD_READY_MS=$((($(date +%s%N) - t0) / 1000000))
	[ -S "$TINYIMG_D_CONTAINERD" ] && return 0
	_td_say "no containerd socket at $TINYIMG_D_CONTAINERD"
	return 1
}

# dockerd_stop: stop dockerd, its containerd and shims, unmount and remove its
# dirs (keeping its log); unset its exports; safe when not started, and twice.
# Every one of those processes names a path in the socket dir on its command line.
dockerd_stop() {
	local rc=0 x=$TINYIMG_D_DOCKERD_EXEC
	[ -n "$TINYIMG_D_DOCKERD_DIR" ] || return 0
	_td_docker_cleanup || :
	_td_ctr_cleanup || :
	if _td_pids_with "$TINYIMG_D_SOCK/" | grep -qx -- "$TINYIMG_D_DOCKERD_PID"; then
		_td_kill_wait 20 "$TINYIMG_D_DOCKERD_PID" || :
	fi
	_td_kill_with 10 "$TINYIMG_D_SOCK/" || rc=1
	_td_cgroup_remove "$TINYIMG_D_CGROUP" kill || rc=1
	_td_cgroup_remove "$TINYIMG_D_CTR_NS" || : # busy if another run uses it
	_td_umount_under "$x" || rc=1
	_td_umount_under "$TINYIMG_D_DOCKERD_DIR" || rc=1
	rm -rf "$x" "$TINYIMG_D_DOCKERD_DIR" "$TINYIMG_D_SOCK/docker.sock" || rc=1
	unset DOCKER_HOST DOCKER_CONFIG CONTAINERD_ADDRESS
	TINYIMG_D_DOCKERD_DIR=
	TINYIMG_D_DOCKERD_EXEC=
	TINYIMG_D_CONTAINERD=
	TINYIMG_D_DOCKERD_PID=
	TINYIMG_D_CGROUP=
	return $rc
}

# _td_docker_cleanup: remove all containers at once (on SIGTERM dockerd would
# give each running one its 10 s stop timeout).
_td_docker_cleanup() {
	local ids docker=("${DOCKER:-docker}" -H "unix://$TINYIMG_D_SOCK/docker.sock")
	[ -S "$TINYIMG_D_SOCK/docker.sock" ] || return 0
	mapfile -t ids < <(timeout 10 "${docker[@]}" ps -aq 2>/dev/null)
	[ ${#ids[@]} -eq 0 ] || timeout 20 "${docker[@]}" rm -f "${ids[@]}" >/dev/null 2>&1
}

# _td_ctr_cleanup: kill and delete the containers ctr_cmd left behind.
_td_ctr_cleanup() {
	local id ctr=(ctr --address "$TINYIMG_D_CONTAINERD" --namespace "$TINYIMG_D_CTR_NS")
	[ -S "$TINYIMG_D_CONTAINERD" ] || return 0
	for id in $("${ctr[@]}" --timeout 10s containers ls -q 2>/dev/null); do
		"${ctr[@]}" --timeout 10s tasks delete --force "$id" >/dev/null 2>&1 || :
		"${ctr[@]}" --timeout 10s containers delete "$id" >/dev/null 2>&1 || :
	done
}

# ctr_cmd ARGS...: run ctr on the private dockerd's containerd, namespace
# tinyimg-test. `ctr_cmd run ...` also gets --fifo-dir and --runc-root under the
# exec root (by default they are in /run/containerd). Works here, with runc from
# docker.io and the default overlayfs snapshotter, no other flag needed:
#	ctr_cmd images import IMG.tar
#	ctr_cmd run --rm docker.io/library/NAME:TAG ID [CMD...]
# ID must be unique among live containers; the container gets its own network
# namespace with only lo (--net-host would give it the host's). Setting
# CONTAINERD_SNAPSHOTTER=native (read by ctr) works too, for import and run alike.
# linux/386 images import and run with the default platform matcher.
ctr_cmd() {
	local ctr=(ctr --address "$TINYIMG_D_CONTAINERD" --namespace "$TINYIMG_D_CTR_NS")
	if [ -z "$TINYIMG_D_CONTAINERD" ]; then
		_td_say "ctr_cmd: no private containerd; call dockerd_start first"
		return 1
	fi
	if [ "${1:-}" = run ]; then
		shift
		set -- run --fifo-dir "$TINYIMG_D_DOCKERD_EXEC/ctr-fifo" \
			--runc-root "$TINYIMG_D_DOCKERD_EXEC/ctr-runc" "$@"
	fi
	"${ctr[@]}" "$@"
}

# ---- docker-registry ----

# registry_start: serve a private docker-registry on 127.0.0.1 at a free port;
# export REGISTRY=127.0.0.1:PORT; 1 with its log if it does not come up.
registry_start() {
	local port log
	_td_need_init || return 1
	[ -z "$TINYIMG_D_REGISTRY_DIR" ] || return 0
	if ! have docker-registry; then
		_td_say "docker-registry is not installed"
		return 1
	fi
	log=$TINYIMG_D_ROOT/log/registry.log
	TINYIMG_D_REGISTRY_DIR=$TINYIMG_D_ROOT/registry
	mkdir -p "$TINYIMG_D_REGISTRY_DIR/data" "$TINYIMG_D_REGISTRY_DIR/tmp" || return 1
	for _ in 1 2 3 4 5; do
		port=$(_td_free_port) || break
		_td_registry_launch "$port" "$log"
		if _td_registry_wait "$port" "$log"; then
			export REGISTRY=127.0.0.1:$port
			return 0
		fi
		_td_kill_with 5 "$TINYIMG_D_REGISTRY_DIR/" || :
		grep -q 'address already in use' "$log" || break
	done
	_td_say "docker-registry failed; last lines of $log:"
	tail -n 40 "$log" >&2 || :
	registry_stop || :
	return 1
}

# _td_registry_launch PORT LOG: write the config and start the registry, with
# an empty environment (REGISTRY_* variables would override the config).
_td_registry_launch() {
	local dir=$TINYIMG_D_REGISTRY_DIR
	cat >"$dir/config.yml" <<-EOF
	version: 0.1
	log:
	  level: info
	  accesslog:
	    disabled: true
	storage:
	  filesystem:
	    rootdirectory: $dir/data
	  delete:
	    enabled: true
	  maintenance:
	    uploadpurging:
	      enabled: false
	http:
	  addr: 127.0.0.1:$1
	  secret: tinyimg-test-$RANDOM$RANDOM
	EOF
	env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin TMPDIR="$dir/tmp" \
		"$(command -v docker-registry)" serve "$dir/config.yml" \
		</dev/null >"$2" 2>&1 &
	TINYIMG_D_REGISTRY_PID=$!
}

# _td_registry_wait PORT LOG: wait up to 30 s until our registry listens on PORT
# and answers GET /v2/ with 200.
_td_registry_wait() {
	local end=$((SECONDS + 30))
	while [ $SECONDS -lt $end ]; do
		_td_alive "$TINYIMG_D_REGISTRY_PID" || return 1
		if grep -qs "listening on 127.0.0.1:$1" "$2" &&
			[ "$(_td_http_status 127.0.0.1 "$1" /v2/)" = 200 ]; then
			return 0
		fi
		sleep 0.1
	done
	return 1
}

# _td_http_status HOST PORT PATH: print the HTTP status of GET PATH (bash /dev/tcp).
_td_http_status() {
	(
		exec 3<>"/dev/tcp/$1/$2" || exit 1
		printf 'GET %s HTTP/1.0\r\nHost: %s:%s\r\n\r\n' "$3" "$1" "$2" >&3
		read -r -t 5 _ code _ <&3 || exit 1
		printf '%s\n' "$code"
	) 2>/dev/null
}

# _td_free_port: print a port in 20000-31999 that nothing on 127.0.0.1 listens on.
_td_free_port() {
	local i p=$((20000 + RANDOM % 12000))
	for ((i = 0; i < 200; i++)); do
		if ! (exec 3<>"/dev/tcp/127.0.0.1/$p") 2>/dev/null; then
			echo "$p"
			return 0
		fi
		p=$((20000 + (p - 20000 + 1) % 12000))
	done
	_td_say "no free port found"
	return 1
}

# registry_stop: stop the registry and remove its storage; safe to repeat.
registry_stop() {
	local rc=0
	[ -n "$TINYIMG_D_REGISTRY_DIR" ] || return 0
	_td_kill_with 10 "$TINYIMG_D_REGISTRY_DIR/" || rc=1
	rm -rf "$TINYIMG_D_REGISTRY_DIR" || rc=1
	unset REGISTRY
	TINYIMG_D_REGISTRY_DIR=
	TINYIMG_D_REGISTRY_PID=
	return $rc
}

# ---- podman ----

# podman_cmd ARGS...: run podman on a private vfs store under ROOT/podman (its
# runroot in the socket dir), with private config (no system or user
# containers.conf, storage.conf, registries, policy, auth), file locks and
# events; load, images and inspect work here, run does not.
podman_cmd() {
	local p r
	_td_podman_setup || return 1
	p=$TINYIMG_D_PODMAN
	r=$TINYIMG_D_SOCK/pr
	HOME=$p/home XDG_CONFIG_HOME=$p/home/.config TMPDIR=$p/tmp \
		CONTAINERS_CONF=$p/containers.conf CONTAINERS_STORAGE_CONF=$p/storage.conf \
		CONTAINERS_REGISTRIES_CONF=$p/registries.conf REGISTRY_AUTH_FILE=$p/auth.json \
		podman --root "$p/root" --runroot "$r" --storage-driver vfs \
		--cgroup-manager cgroupfs --events-backend file --tmpdir "$p/tmp" \
		--network-config-dir "$p/net" "$@"
}

# _td_podman_setup: make ROOT/podman and its config files, once.
# buildah_cmd ARGS...: buildah with a private store (beside podman's), the
# same private configuration and no registry lookups.
buildah_cmd() {
	local p
	_td_podman_setup || return 1
	p=$TINYIMG_D_PODMAN
	mkdir -p "$p/buildah" "$TINYIMG_D_SOCK/br" || return 1
	HOME=$p/home XDG_CONFIG_HOME=$p/home/.config TMPDIR=$p/tmp \
		CONTAINERS_CONF=$p/containers.conf CONTAINERS_STORAGE_CONF=$p/storage.conf \
		CONTAINERS_REGISTRIES_CONF=$p/registries.conf REGISTRY_AUTH_FILE=$p/auth.json \
		buildah --root "$p/buildah" --runroot "$TINYIMG_D_SOCK/br" \
		--storage-driver vfs "$@"
}

_td_podman_setup() {
	local p
	[ -n "$TINYIMG_D_PODMAN" ] && return 0
	_td_need_init || return 1
	p=$TINYIMG_D_ROOT/podman
	mkdir -p "$p/root" "$p/tmp" "$p/net" "$p/cni" "$p/home/.config/containers" \
		"$TINYIMG_D_SOCK/pr" || return 1
	_td_podman_conf "$p" >"$p/containers.conf"
	printf '[storage]\ndriver = "vfs"\ngraphroot = "%s"\nrunroot = "%s"\n' \
		"$p/root" "$TINYIMG_D_SOCK/pr" >"$p/storage.conf"
	printf 'unqualified-search-registries = []\n' >"$p/registries.conf"
	printf '{}\n' >"$p/auth.json"
	printf '{"default":[{"type":"insecureAcceptAnything"}]}\n' \
		>"$p/home/.config/containers/policy.json"
	TINYIMG_D_PODMAN=$p
}

# _td_podman_conf DIR: containers.conf keeping podman's state under DIR. The CNI
# backend with an empty plugin dir avoids netavark's /run/containers/networks;
# file locks avoid /dev/shm/libpod_lock.
_td_podman_conf() {
	cat <<-EOF
	[engine]
	cgroup_manager = "cgroupfs"
	events_logger = "file"
	events_logfile_path = "$1/events.log"
	image_copy_tmp_dir = "$1/tmp"
	lock_type = "file"
	static_dir = "$1/root/libpod"
	tmp_dir = "$1/tmp"
	volume_path = "$1/root/volumes"
	[network]
	network_backend = "cni"
	cni_plugin_dirs = ["$1/cni"]
	network_config_dir = "$1/net"
	EOF
}

# _td_podman_remove: end podman processes still using the store, unmount and
# remove it; safe to repeat.
_td_podman_remove() {
	local rc=0
	[ -n "$TINYIMG_D_PODMAN" ] || return 0
	_td_kill_with 10 "$TINYIMG_D_PODMAN/" || rc=1
	_td_umount_under "$TINYIMG_D_PODMAN" || rc=1
	_td_umount_under "$TINYIMG_D_SOCK/pr" || rc=1
	rm -rf "$TINYIMG_D_PODMAN" "$TINYIMG_D_SOCK/pr" || rc=1
	TINYIMG_D_PODMAN=
	return $rc
}
