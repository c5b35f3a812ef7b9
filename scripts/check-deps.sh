#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Is everything in scripts/commands.list here? The first step of `make
# check`: a missing program is named with its package at once, not found
# half an hour later in a guest.
#
#   check-deps.sh                   prints "missing: NAME (package PKG)"
#                                   for each one; exit 1 if any
#   check-deps.sh --packages [TAG]  prints the packages of what is missing,
#                                   one a line (install-deps.sh's input);
#                                   TAG "fresh" for fresh-check.sh's tools
set -euo pipefail

list=$(cd "$(dirname "$0")" && pwd)/commands.list
mode=report
want_tag=
if [ "${1:-}" = --packages ]; then
	mode=packages
	want_tag=${2:-}
fi
# Programs in sbin are run as root; the check may not be.
PATH=$PATH:/usr/local/sbin:/usr/sbin:/sbin

present() { # present NAME
	case $1 in
	/*)	compgen -G "$1" >/dev/null ;;
	*)	command -v "$1" >/dev/null ;;
	esac
}

missing=0
declare -A seen=()
while read -r name pkg tag _; do
	case $name in '' | '#'*) continue ;; esac
	[ "${tag#\#}" = "$tag" ] || tag=
	[ "$tag" = "$want_tag" ] || continue
	present "$name" && continue
	missing=$((missing + 1))
	if [ $mode = packages ]; then
		[ -n "${seen[$pkg]:-}" ] || echo "$pkg"
		seen[$pkg]=1
	else
		echo "missing: $name (package $pkg; make deps installs it)"
	fi
done <"$list"

[ $mode = packages ] || [ $missing -eq 0 ] || {
	echo "check-deps: $missing missing from scripts/commands.list's programs and files" >&2
	exit 1
}
exit 0
