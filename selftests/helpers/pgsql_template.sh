#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# pgsql_template.sh OUT.tar: a freshly initdb'd PostgreSQL cluster (pg/,
# the postgres user's, trust authentication), for selftests/vss/
# pgsql_writer.sh to unpack instead of running initdb in the guest, where
# it takes about a minute under TCG against a second or two here. Without
# PostgreSQL, the postgres user or root, nothing is written and the test
# runs initdb itself.
set -eu

out=$1
initdb=$(find /usr/lib/postgresql -maxdepth 3 -path '*/bin/initdb' 2>/dev/null | sort -V | tail -n 1)
if [ -z "$initdb" ] || ! id postgres >/dev/null 2>&1 || [ "$(id -u)" -ne 0 ]; then
	echo "pgsql_template: no initdb, postgres user or root: the VM test runs initdb itself" >&2
	exit 0
fi
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
chown postgres: "$tmp"
if ! setpriv --reuid postgres --regid postgres --init-groups -- \
	"$initdb" -D "$tmp/pg" -A trust -U postgres -N >"$tmp/initdb.log" 2>&1; then
	cat "$tmp/initdb.log" >&2
	exit 1
fi
mkdir -p "$(dirname "$out")"
tar -C "$tmp" -cf "$out.new" pg
mv "$out.new" "$out"
