#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Prints the path of a kernel source tree that holds the pieces of the
# kernel this project borrows at build time (the YNL generator and schemas,
# the kselftest harness), extracting only those from Debian's
# linux-source-6.12 tarball into build/ on first use. Nothing from the
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
if [ ! -f "$stamp" ] || [ "$tarball" -nt "$stamp" ]; then
	rm -rf "$dest"
	mkdir -p "$dest"
	tar -xJf "$tarball" -C "$dest" --strip-components=1 \
		linux-source-6.12/tools/net/ynl \
		linux-source-6.12/Documentation/netlink \
		linux-source-6.12/tools/testing/selftests/kselftest_harness.h \
		linux-source-6.12/tools/testing/selftests/kselftest.h
	touch "$stamp"
fi
echo "$dest"
