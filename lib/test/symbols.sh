#!/bin/bash
# SPDX-License-Identifier: LGPL-2.1-or-later
#
# libvss.so exports exactly the symbols of libvss.map, all prefixed libvss_
# and all versioned: -fvisibility=hidden and the version script agree.
set -u

so=libvss.so
map=libvss.map
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
n=0
failed=0

result() { # result STATUS DESCRIPTION
	n=$((n + 1))
	if [ "$1" -eq 0 ]; then
		echo "ok $n - symbols: $2"
	else
		echo "not ok $n - symbols: $2"
		failed=$((failed + 1))
	fi
}

# Defined dynamic symbols, minus the version nodes themselves (type A).
nm -D --defined-only "$so" | awk '$2 != "A" { print $3 }' | sort > "$out/exported"
sed -n 's/^[[:space:]]*\(libvss_[A-Za-z0-9_]*\);.*/\1/p' "$map" | sort > "$out/listed"

sed 's/@.*//' "$out/exported" > "$out/names"
diff -u "$out/listed" "$out/names" > "$out/diff"
result $? "exported symbols are exactly those of $map"
sed 's/^/#   /' "$out/diff"

! grep -v '^libvss_' "$out/names" > "$out/bad"
result $? "every exported symbol starts with libvss_"
sed 's/^/#   /' "$out/bad"

! grep -v '@@LIBVSS_' "$out/exported" > "$out/unversioned"
result $? "every exported symbol carries a LIBVSS_ version"
sed 's/^/#   /' "$out/unversioned"

[ -s "$out/listed" ]
result $? "$map lists symbols"

[ "$failed" -eq 0 ]
