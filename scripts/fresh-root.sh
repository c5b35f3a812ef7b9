#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# A fresh minimal Debian 12 userland (debootstrap --variant=minbase
# bookworm) in DIR, with the host's apt sources and settings and a
# resolver: what scripts/fresh-check.sh runs README's commands in and
# scripts/check-packages.sh installs the packages into. The minbase tree is
# made once (~2 minutes) and cached in /var/cache/vss/fresh-bookworm.tar;
# each call unpacks a new copy, so nothing of an earlier run is in it.
# Needs root and debootstrap (scripts/install-deps.sh fresh).
#
#   scripts/fresh-root.sh DIR      DIR empty or absent
set -euo pipefail

cache=/var/cache/vss/fresh-bookworm.tar
dir=${1:?usage: fresh-root.sh DIR}
say() { echo "fresh-root: $*"; }

# The mirror the host's apt uses for bookworm itself.
mirror() {
	local f
	for f in /etc/apt/sources.list.d/*.sources; do
		[ -e "$f" ] || continue
		awk '/^URIs:/ { u = $2 } /^Suites:/ { for (i = 2; i <= NF; i++) if ($i == "bookworm") { print u; exit } }' "$f"
	done | head -n 1
	[ -e /etc/apt/sources.list ] &&
		awk '$1 == "deb" && $3 == "bookworm" { print $2; exit }' /etc/apt/sources.list
	return 0
}

if [ ! -s "$cache" ]; then
	url=$(mirror | head -n 1)
	[ -n "$url" ] || { echo "fresh-root: no bookworm mirror in the host's apt sources" >&2; exit 1; }
	say "debootstrap --variant=minbase bookworm from $url (once; cached in $cache)"
	base=$(mktemp -d /var/tmp/vss-fresh-base.XXXXXX)
	start=$SECONDS
	debootstrap --variant=minbase bookworm "$base" "$url" >"$base.log" 2>&1 || {
		tail -n 20 "$base.log" >&2
		rm -rf --one-file-system "$base"
		exit 1
	}
	mkdir -p "${cache%/*}"
	tar -C "$base" -cf "$cache.$$" . && mv "$cache.$$" "$cache"
	rm -rf --one-file-system "$base" "$base.log"
	say "debootstrap took $((SECONDS - start)) s"
fi
mkdir -p "$dir"
tar -C "$dir" -xf "$cache"
# The root as a real one is: mktemp's 0700 (kept by the tar's "./") would
# keep every user but root out, and package scripts and the PostgreSQL
# template run programs as other users.
chmod 755 "$dir"

# The machine's own apt sources and settings (a fresh machine of this kind
# has them: bookworm, its updates and security), and a resolver.
rm -f "$dir/etc/apt/sources.list"
cp /etc/apt/sources.list.d/*.sources "$dir/etc/apt/sources.list.d/"
cp -r /etc/apt/apt.conf.d/. "$dir/etc/apt/apt.conf.d/"
cp /etc/resolv.conf "$dir/etc/resolv.conf"
