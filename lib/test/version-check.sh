#!/bin/bash
# SPDX-License-Identifier: LGPL-2.1-or-later
#
# scripts/check-version.sh passes on this tree, and fails on copies where
# VERSION, the newest released node of libvss.map, <libvss_version.h> or a
# manual page disagree; LIBVSS_UNRELEASED is allowed only as the last node.
set -u

top=${TOP:-..}
check=$top/scripts/check-version.sh
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
n=0
failed=0

result() { # result STATUS DESCRIPTION
	n=$((n + 1))
	if [ "$1" -eq 0 ]; then
		echo "ok $n - version-check: $2"
	else
		echo "not ok $n - version-check: $2"
		sed 's/^/#   /' "$out/err"
		failed=$((failed + 1))
	fi
}

# A copy of what the check reads, changed by the commands given.
copy() {
	rm -rf "$out/t"
	mkdir -p "$out/t/lib" "$out/t/include" "$out/t/man"
	cp "$top/VERSION" "$out/t/"
	cp "$top/lib/libvss.map" "$out/t/lib/"
	cp "$top/include/libvss_version.h" "$out/t/include/"
	cp "$top"/man/*.[0-9] "$out/t/man/"
}
passes() { # passes DESCRIPTION
	"$check" "$out/t" >/dev/null 2>"$out/err"
	result $? "$1"
}
fails() { # fails DESCRIPTION WANTED-MESSAGE
	if "$check" "$out/t" >/dev/null 2>"$out/err"; then
		result 1 "$1 (passed)"
	else
		grep -qF -- "$2" "$out/err"
		result $? "$1"
	fi
}

"$check" "$top" >/dev/null 2>"$out/err"
result $? "this tree's VERSION, map, header and pages agree"

version=$(cat "$top/VERSION")
IFS=. read -r major minor patch <<<"$version"

copy
echo "$major.$minor.$((patch + 1))" > "$out/t/VERSION"
sed -i "s/ $version\"/ $major.$minor.$((patch + 1))\"/" "$out/t"/man/*
passes "a bug-fix release needs no new node"

copy
echo "$major.$((minor + 1)).0" > "$out/t/VERSION"
fails "a release without its node fails" "newest released node"

copy
echo "$major.$((minor - 1)).0" > "$out/t/VERSION"
fails "VERSION older than the newest node fails" "newest released node"

copy
echo "$major.$minor" > "$out/t/VERSION"
fails "VERSION without its third number fails" "not MAJOR.MINOR.PATCH"

copy
printf 'LIBVSS_UNRELEASED {\n\tglobal:\n\t\tlibvss_new_thing;\n} LIBVSS_0.5_CBT;\n' \
	>> "$out/t/lib/libvss.map"
passes "new symbols in LIBVSS_UNRELEASED, last, keep VERSION"

copy
printf 'LIBVSS_UNRELEASED {\n\tglobal:\n\t\tlibvss_new_thing;\n} LIBVSS_0.5_CBT;\n' \
	>> "$out/t/lib/libvss.map"
printf 'LIBVSS_%s.%s {\n\tglobal:\n\t\tlibvss_other;\n} LIBVSS_UNRELEASED;\n' \
	"$major" "$((minor + 1))" >> "$out/t/lib/libvss.map"
fails "LIBVSS_UNRELEASED before another node fails" "not the last node"

copy
printf 'LIBVSS_%s.%s {\n\tglobal:\n\t\tlibvss_new_thing;\n} LIBVSS_0.5_CBT;\n' \
	"$major" "$((minor + 1))" >> "$out/t/lib/libvss.map"
fails "a released node newer than VERSION fails" "newest released node"

copy
sed -i "s/^#define LIBVSS_VERSION_MINOR.*/#define LIBVSS_VERSION_MINOR\t$((minor + 1))/" \
	"$out/t/include/libvss_version.h"
fails "<libvss_version.h> disagreeing fails" "libvss_version.h says"

copy
sed -i "s/ $version\"/ 0.0.1\"/" "$out/t/man/vssctl.8"
fails "a manual page naming another version fails" "man/vssctl.8"

[ "$failed" -eq 0 ]
