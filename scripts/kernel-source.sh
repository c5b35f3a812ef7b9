#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Prints the path of a kernel source tree that holds the pieces of the
# kernel this project borrows at build time (the YNL generator and schemas,
# the kselftest harness, scripts/kernel-doc for the man pages), extracting
# only those from Debian's linux-source-6.12 tarball into build/ on first
# use. Nothing from the
# kernel tree is copied into the repository.
set -euo pipefail

top=$(cd "$(dirname "$0")/.." && pwd)
dest=$top/build/linux-src
tarball=$(ls /usr/src/linux-source-6.12.tar.xz 2>/dev/null || true)
if [ -z "$tarball" ]; then
	echo "ynl-source: /usr/src/linux-source-6.12.tar.xz missing; run scripts/install-deps.sh" >&2
	exit 1
fi

stamp=$dest/.stamp
# make -j runs the selftests' and the man pages' builds side by side, and
# each asks for the tree: one extracts it while the other waits.
mkdir -p "$top/build"
exec 9>"$top/build/.linux-src.lock"
flock 9
# A tree extracted before a piece was added to the list lacks it.
if [ ! -f "$stamp" ] || [ "$tarball" -nt "$stamp" ] ||
	[ ! -x "$dest/scripts/kernel-doc" ]; then
	rm -rf "$dest"
	mkdir -p "$dest"
	tar -xJf "$tarball" -C "$dest" --strip-components=1 \
		linux-source-6.12/tools/net/ynl \
		linux-source-6.12/Documentation/netlink \
		linux-source-6.12/tools/testing/selftests/kselftest_harness.h \
		linux-source-6.12/tools/testing/selftests/kselftest.h \
		linux-source-6.12/scripts/kernel-doc
	touch "$stamp"
fi
echo "$dest"
