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
awk '/^LIBVSS_([0-9.]+(_[A-Z]+)?|UNRELEASED)[[:space:]]*{/ { node = $1 }
     /^[[:space:]]*libvss_[A-Za-z0-9_]*;/ { sub(/;.*/, ""); gsub(/[[:space:]]/, "");
					      print $0 "@@" node }' "$map" |
	sort > "$out/nodes"
diff -u "$out/nodes" "$out/exported" > "$out/diff"
result $? "every exported symbol has the version of its node in $map"
sed 's/^/#   /' "$out/diff"

# Nodes chain in order, each inheriting the one before: 0.1, 0.2, 0.3, ...
# A side node named for a release and a subject (LIBVSS_0.4_DOC), added in
# parallel with that release's own node, inherits what that release's node
# inherits and is skipped by the chain: it lets two branches each add a node
# for one release without either depending on the other.
# LIBVSS_UNRELEASED, last, inherits the node before it.
awk 'BEGIN { n = 0 }
     /^LIBVSS_([0-9.]+(_[A-Z]+)?|UNRELEASED)[[:space:]]*{/ {
	name[n] = $1; side[n] = ($1 ~ /[0-9]_[A-Z]+$/); n++ }
     /^}/ { parent = $2; sub(/;/, "", parent); inherits[n - 1] = parent }
     END { for (i = 1; i < n; i++) {
		if (name[i] == "LIBVSS_UNRELEASED") {
			want = name[i - 1]
		} else if (side[i]) {
			rel = name[i]; sub(/_[A-Z]+$/, "", rel)
			for (j = i - 1; j >= 0 && (side[j] || name[j] == rel); j--) {}
			want = j >= 0 ? name[j] : ""
		} else {
			for (j = i - 1; j >= 0 && side[j]; j--) {}
			want = name[j]
		}
		if (inherits[i] != want) { print name[i] " inherits \"" inherits[i] "\", not " want; bad = 1 }
	   }
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

# The documents' node (libvss-doc.h) is there.
for sym in libvss_wmd_parse libvss_bcd_to_json \
	   libvss_bcd_set_backup_succeeded; do
	grep -qx "$sym@@LIBVSS_0.4_DOC" "$out/exported"
	result $? "$sym is exported as LIBVSS_0.4_DOC"
done

for sym in libvss_backup_new libvss_async_wait libvss_writer_register \
	   libvss_process libvss_fd libvss_ext_status; do
	grep -qx "$sym@@LIBVSS_0.4" "$out/exported"
	result $? "$sym is exported as LIBVSS_0.4"
done

# Every function libvss.h declares is in the map (a declaration split over
# two lines once hid four from the version script). Comments are gone
# after the preprocessor, so only declarations remain.
top=${TOP:-..}
${CC:-cc} -E -P -I"$top/include" -I"$top/include/uapi" "$top/include/libvss-doc.h" |
	grep -oE '\blibvss_[a-z0-9_]+[[:space:]]*\(' | sed 's/[[:space:](]//g' |
	sort -u > "$out/declared"
diff -u "$out/declared" "$out/listed" > "$out/diff"
result $? "every function declared in libvss.h and libvss-doc.h is in $map"
sed 's/^/#   /' "$out/diff"

# The io_uring helpers are header-only: libvss.so must not need liburing.
! grep -q '^libvss_uring_' "$out/names"
result $? "no libvss_uring_ symbol in the library (header-only)"
! objdump -p "$so" 2>/dev/null | grep -q 'NEEDED.*liburing'
result $? "libvss.so does not link liburing"

[ -s "$out/listed" ]
result $? "$map lists symbols"

[ "$failed" -eq 0 ]
