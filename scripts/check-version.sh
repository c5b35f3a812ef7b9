#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# One version story (lib/libvss.map's header comment): VERSION is
# MAJOR.MINOR.PATCH; the newest released node of the symbol map is
# LIBVSS_MAJOR.MINOR (or a side node of it, LIBVSS_MAJOR.MINOR_SUBJECT);
# LIBVSS_UNRELEASED, if any, is the last node; <libvss_version.h> says
# MAJOR and MINOR; every hand-written manual page names VERSION. Fails,
# saying what disagrees, when any of them does not (as libbpf's build
# does when libbpf_version.h and libbpf.map disagree). The module takes
# VERSION itself (kmod/Kbuild), as do libvss.so, libvss.pc and
# libvss_version() (lib/Makefile), so they cannot disagree.
#
#   scripts/check-version.sh [TOP]
set -u

top=${1:-$(cd "$(dirname "$0")/.." && pwd)}
bad=0
fail() {
	echo "check-version: $*" >&2
	bad=1
}

version=$(cat "$top/VERSION") || exit 1
if ! [[ $version =~ ^([0-9]+)\.([0-9]+)\.([0-9]+)$ ]]; then
	echo "check-version: VERSION \"$version\" is not MAJOR.MINOR.PATCH" >&2
	exit 1
fi
major=${BASH_REMATCH[1]}
minor=${BASH_REMATCH[2]}

# The nodes in their order, and the newest release among them.
map=$top/lib/libvss.map
nodes=$(sed -n 's/^\(LIBVSS_[A-Za-z0-9._]*\)[[:space:]]*{.*/\1/p' "$map")
[ -n "$nodes" ] || fail "$map has no LIBVSS_ node"
newest=
for n in $nodes; do
	case $n in
	LIBVSS_UNRELEASED)
		[ "$n" = "$(echo "$nodes" | tail -n 1)" ] ||
			fail "LIBVSS_UNRELEASED is not the last node of $map" ;;
	*)	rel=${n#LIBVSS_}
		rel=${rel%%_*}
		if ! [[ $rel =~ ^[0-9]+\.[0-9]+$ ]]; then
			fail "node $n of $map is neither LIBVSS_MAJOR.MINOR[_SUBJECT] nor LIBVSS_UNRELEASED"
			continue
		fi
		if [ -n "$newest" ] &&
		   [ "$(printf '%s\n%s\n' "$newest" "$rel" | sort -V | tail -n 1)" != "$rel" ]; then
			fail "node $n of $map comes after the newer release $newest"
		fi
		newest=$rel ;;
	esac
done
[ "$newest" = "$major.$minor" ] ||
	fail "VERSION is $version but the newest released node of $map is LIBVSS_$newest (a release of $major.$minor renames LIBVSS_UNRELEASED to LIBVSS_$major.$minor)"

hdr=$top/include/libvss_version.h
hmajor=$(sed -n 's/^#define LIBVSS_VERSION_MAJOR[[:space:]]*\([0-9]*\)$/\1/p' "$hdr")
hminor=$(sed -n 's/^#define LIBVSS_VERSION_MINOR[[:space:]]*\([0-9]*\)$/\1/p' "$hdr")
[ "$hmajor.$hminor" = "$major.$minor" ] ||
	fail "VERSION is $version but $hdr says $hmajor.$hminor"

# The hand-written pages' footers (section 3's generated ones take VERSION).
for page in "$top"/man/*.[0-9]; do
	th=$(grep -m 1 '^\.TH ' "$page")
	[[ $th == *" $version\""* ]] ||
		fail "${page#"$top"/} says ${th:-no .TH line}, not version $version"
done
[ "$bad" -eq 0 ]
