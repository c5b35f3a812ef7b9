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

# Each symbol carries the version of the node that lists it: a symbol that
# moved between nodes would break binaries linked against the old node.
awk '/^LIBVSS_[0-9.]+[[:space:]]*{/ { node = $1 }
     /^[[:space:]]*libvss_[A-Za-z0-9_]*;/ { sub(/;.*/, ""); gsub(/[[:space:]]/, "");
					      print $0 "@@" node }' "$map" |
	sort > "$out/nodes"
diff -u "$out/nodes" "$out/exported" > "$out/diff"
result $? "every exported symbol has the version of its node in $map"
sed 's/^/#   /' "$out/diff"

# Nodes chain in order, each inheriting the one before: 0.1, 0.2, 0.3, ...
awk '/^LIBVSS_[0-9.]+[[:space:]]*{/ { node[n++] = $1 }
     /^}/ { parent = $2; sub(/;/, "", parent); if (parent != "" || n > 1) inherits[n - 1] = parent }
     END { for (i = 1; i < n; i++) if (inherits[i] != node[i - 1]) { print node[i] " inherits \"" inherits[i] "\", not " node[i - 1]; bad = 1 }
	   exit bad }' "$map" > "$out/chain"
result $? "each node of $map inherits the one before it"
sed 's/^/#   /' "$out/chain"

# The symbols of this release's node are there (a node dropped by mistake
# would leave them unexported, or exported with an older version).
for sym in libvss_storage_add_opts libvss_storage_set \
	   libvss_snapshot_storage_used_bytes; do
	grep -qx "$sym@@LIBVSS_0.3" "$out/exported"
	result $? "$sym is exported as LIBVSS_0.3"
done

[ -s "$out/listed" ]
result $? "$map lists symbols"

[ "$failed" -eq 0 ]
