#!/bin/bash
# SPDX-License-Identifier: LGPL-2.1-or-later
#
# Each public header compiles on its own, strictly, as C and (if there is a
# C++ compiler) as C++: a one-line file that includes only it.
set -u

top=${TOP:-..}
cc=${CC:-cc}
cxx=${CXX:-g++}
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
n=0
failed=0

check() { # check DESCRIPTION CMD...
	local desc=$1
	shift
	n=$((n + 1))
	if "$@" 2>"$out/err"; then
		echo "ok $n - headers: $desc"
	else
		echo "not ok $n - headers: $desc"
		sed 's/^/#   /' "$out/err"
		failed=$((failed + 1))
	fi
}

headers="libvss.h libvss-doc.h libvss_version.h libvss/linux/vss.h"
# The optional io_uring header needs liburing's; without them it is skipped.
if echo '#include <liburing.h>' | "$cc" -E -x c - >/dev/null 2>&1; then
	headers="$headers libvss-uring.h"
else
	echo "# headers: liburing-dev missing, <libvss-uring.h> not checked"
fi
for h in $headers; do
	# liburing.h itself needs POSIX types (sigset_t) that strict C11 hides.
	extra=
	[ "$h" = libvss-uring.h ] && extra=-D_GNU_SOURCE
	src=$out/$(echo "$h" | tr / _).c
	# A declaration after it: <libvss_version.h> alone declares nothing
	# (only macros), and ISO C forbids an empty translation unit.
	printf '#include <%s>\nextern int headers_sh;\n' "$h" > "$src"
	# Only -I include, as installed: <libvss.h> finds the uapi header
	# under libvss/, never as linux-libc-dev's <linux/vss.h>.
	check "<$h> alone compiles as C11" \
		"$cc" -std=c11 -pedantic -Wall -Wextra -Werror $extra \
		-I"$top/include" -c "$src" -o "$out/c.o"
	if command -v "$cxx" >/dev/null; then
		check "<$h> alone compiles as C++11" \
			"$cxx" -x c++ -std=c++11 -pedantic -Wall -Wextra -Werror $extra \
			-I"$top/include" -c "$src" -o "$out/cxx.o"
	fi
done

[ "$failed" -eq 0 ]
