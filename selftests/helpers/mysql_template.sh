#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# mysql_template.sh OUT.tar: a fresh MariaDB datadir (my/, made by
# mariadb-install-db as root, root@localhost without a password, an 8 MB
# InnoDB redo log), for selftests/vss/mysql_writer.sh to unpack instead of
# running mariadb-install-db in the guest, which is slow under TCG. Without
# mariadb-install-db or root, nothing is written and the test runs
# mariadb-install-db itself.
set -eu

out=$1
if ! command -v mariadb-install-db >/dev/null || [ "$(id -u)" -ne 0 ]; then
	echo "mysql_template: no mariadb-install-db or root: the VM test runs it itself" >&2
	exit 0
fi
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
# The same options as the test's own mariadb-install-db.
if ! mariadb-install-db --no-defaults --datadir="$tmp/my" --user=root \
	--auth-root-authentication-method=normal --skip-test-db \
	--innodb-log-file-size=8M >"$tmp/install.log" 2>&1; then
	cat "$tmp/install.log" >&2
	exit 1
fi
mkdir -p "$(dirname "$out")"
tar -C "$tmp" -cf "$out.new" my
mv "$out.new" "$out"
