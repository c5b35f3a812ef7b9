#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Installs, from Debian 12's archive, whatever the build, the tests and the
# demo need and is missing. Quiet and quick when nothing is missing, so
# every `make demo` and `make check` can start with it.
set -euo pipefail

packages=(
	# build
	build-essential pkg-config kmod sparse
	# both kernel lines: images to boot in the VM, headers to build against,
	# sources for the kselftest harness and the YNL generator
	linux-image-amd64 linux-headers-amd64
	linux-image-6.12-amd64 linux-headers-6.12-amd64
	linux-source-6.1 linux-source-6.12 xz-utils
	# library
	libnl-3-dev libnl-genl-3-dev liburing-dev libjson-c-dev
	# the SQLite writer, and its test (sqlite3 reads the snapshot's copy)
	libsqlite3-dev sqlite3
	# wire protocol check (YNL generator)
	python3 python3-yaml python3-jsonschema
	# VM runner and what the guests run
	qemu-system-x86 busybox-static cpio e2fsprogs xfsprogs fio dmsetup
	# sfdisk (bench and tests partition their disks)
	fdisk
	# benchmarks: the LVM snapshots that creation latency is compared with
	lvm2
	# host checks (mandoc: man pages lint clean)
	valgrind cppcheck shellcheck mandoc
)

missing=()
for p in "${packages[@]}"; do
	# A meta-package counts as installed only when dpkg says so.
	if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "ok installed"; then
		missing+=("$p")
	fi
done

if [ ${#missing[@]} -eq 0 ]; then
	exit 0
fi
if [ "$(id -u)" -ne 0 ]; then
	echo "install-deps: missing packages: ${missing[*]}; run as root" >&2
	exit 1
fi
echo "install-deps: installing ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
apt-get update -q
apt-get install -y -q --no-install-recommends "${missing[@]}"
