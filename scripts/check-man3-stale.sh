#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# man/man3 (the section 3 pages, kept in the tree so that a build or a
# package needs no kernel source: issue 19) is what `make -C man regen`
# would write now: the pages are generated again into a temporary
# directory, with the date the kept pages carry (a date alone is not
# staleness), and compared. Fails naming what differs.
set -euo pipefail

top=$(cd "$(dirname "$0")/.." && pwd)
kept=$top/man/man3
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

date=$(sed -n '1s/^\.TH "[^"]*" 3 "\([^"]*\)".*/\1/p' "$kept/libvss_open.3" 2>/dev/null || true)
[ -n "$date" ] || { echo "check-man3-stale: no dated $kept/libvss_open.3; run make -C man regen" >&2; exit 1; }
kdoc=$("$top/scripts/kernel-source.sh")/scripts/kernel-doc
(cd "$top/man" && python3 gen-man3.py "$kdoc" "$tmp/man3" "$(cat "$top/VERSION")" "$date" \
	"$top/lib/libvss.map" "$top/include/libvss.h" "$top/include/libvss-doc.h" \
	"$top/include/libvss-uring.h") >/dev/null
if ! diff -r "$tmp/man3" "$kept" >"$tmp/diff"; then
	head -n 40 "$tmp/diff"
	echo "check-man3-stale: man/man3 is stale ($(grep -c '^[<>]' "$tmp/diff") lines differ);" \
		"run make -C man regen and commit man/man3" >&2
	exit 1
fi
echo "check-man3-stale: $(find "$kept" -name '*.3' | wc -l) pages up to date"
