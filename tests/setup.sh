#!/usr/bin/env bash
# tests/setup.sh: install everything tinyimg's tests use on Debian 12 and
# register qemu-i386 with binfmt_misc when the kernel cannot run 386
# programs itself. Run as root. The daemons the tests need (dockerd and its
# containerd, docker-registry) are started and stopped by the tests.
set -eu

packages=(
	nasm binutils gcc make libc6-dev  # build tinyimg and the programs it packages
	python3 tar libarchive-tools       # the independent validator, GNU tar, bsdtar
	time bsdutils                      # peak memory (GNU time), a terminal (script)
	docker.io containerd runc          # dockerd 20.10 and its containerd (ctr)
	skopeo umoci podman buildah docker-registry
	busybox-static zstd gzip xz-utils  # base images, layers and archives of every kind
	python3-jsonschema golang-github-opencontainers-image-spec-dev  # the OCI schemas
	qemu-user-static                   # 386 programs on kernels without ia32
	clang libclang-rt-14-dev           # libFuzzer and the sanitizers' runtime
	binutils-aarch64-linux-gnu binutils-arm-linux-gnueabihf curl  # other platforms, the registry API
	groff-base man-db mandoc           # the man page: groff -ww, man -l, mandoc -T lint
)

if [ "$(id -u)" != 0 ]; then
	echo "tests/setup.sh: run as root (it installs packages and registers binfmt_misc)" >&2
	exit 1
fi
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq "${packages[@]}" >/dev/null

# Register qemu-i386 for 386 ELF files when none is (see README).
cd "$(dirname "$0")"
. ./lib.sh
. ./daemons.sh
if binfmt_i386_ensure; then
	echo "tests/setup.sh: 386 programs run on this host"
else
	echo "tests/setup.sh: 386 programs cannot run here; those checks will fail" >&2
fi
