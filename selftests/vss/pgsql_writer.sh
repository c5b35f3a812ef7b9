#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# vss-pgsql-writer against the real module and a real PostgreSQL cluster,
# restored and started. The cluster is spread over two volumes (ext4 on
# two loop devices): its data directory on one, pg_wal (initdb -X) on the
# other. A load commits one id per transaction and logs each id with
# CLOCK_MONOTONIC once the COMMIT is acknowledged (helpers/pgsql_load.py).
# `vssctl backup --writer vss-pgsql-writer DATA WAL -- cp ...` copies both
# snapshots and the writer's result document. Then two restores into fresh
# directories, each started on a port of its own:
#   - by crash recovery (no backup_label): the set is one instant of both
#     volumes;
#   - as a base backup: `vss-pgsql-writer --restore-files` puts backup_label
#     in place and the WAL through the backup's end comes from the live
#     cluster; the server's log says it recovered from the backup's start.
# Each starts, pg_amcheck finds no corruption, and its ids are 1..K without
# a gap, with every id acknowledged before the writer's PrepareForSnapshot
# ended (so before the freeze) and none past the last one acknowledged but
# the one in flight. A set of the data volume alone is vetoed (exit 124)
# with the writer's message naming pg_wal and its volume. The writer
# SIGKILLed mid-set (the engine's window stretched): the server ends its
# backup, and a restarted writer's next backup succeeds.
set -u

top=$(cd "$(dirname "$0")/../../.." && pwd)
writer=$top/tools/vss-pgsql-writer/vss-pgsql-writer
load=$top/selftests/helpers/pgsql_load.py
template=$top/build/selftests/helpers/pgsql-template.tar
vssctl=$top/tools/vssctl/vssctl
bindir=$(find /usr/lib/postgresql -maxdepth 2 -name bin 2>/dev/null | sort -V | tail -n 1)
work=$(mktemp -d /tmp/vss-pgsql.XXXXXX)
sock=$work/sock
conn="host=$sock port=5432 user=postgres dbname=postgres"
name=vss-pgsql-writer
n=0
failed=0
lpid=
wpid=
bpid=

result() { # result STATUS DESCRIPTION
	n=$((n + 1))
	if [ "$1" -eq 0 ]; then
		echo "ok $n pgsql.$2"
	else
		echo "not ok $n pgsql.$2"
		failed=$((failed + 1))
	fi
}

note() { printf '%s\n' "$*" | sed 's/^/# /'; }	# TAP comments

as_pg() { setpriv --reuid postgres --regid postgres --init-groups -- "$@"; }

pg_ctl() { # pg_ctl DATADIR PORT start|stop
	as_pg "$bindir/pg_ctl" -D "$1" -l "$1.log" -w -m immediate \
		-o "-k $sock -p $2 -c listen_addresses= -c shared_buffers=16MB" "$3" >/dev/null
}

sql() { # sql PORT QUERY
	psql -X -A -t -q -h "$sock" -p "$1" -U postgres -d postgres -c "$2"
}

cleanup() {
	echo 0 > /sys/module/vss/parameters/test_hold_delay_ms
	for p in "$bpid" "$lpid" "$wpid"; do
		[ -n "$p" ] && kill -KILL "$p" 2>/dev/null
	done
	wait
	for d in "$work"/ra "$work"/rb "$work"/data/pg; do
		[ -f "$d/postmaster.pid" ] && pg_ctl "$d" 0 stop
	done
	umount "$work/data" "$work/wal" 2>/dev/null
	for d in ${ddev:-} ${wdev:-}; do
		"$vssctl" storage remove "$d" >/dev/null 2>&1
		losetup -d "$d"
	done
	rm -rf "$work"
}
trap cleanup EXIT

# Waits up to 60 s for FILE to have N lines.
wait_lines() { # wait_lines FILE N
	for _ in $(seq 600); do
		[ -f "$1" ] && [ "$(wc -l < "$1")" -ge "$2" ] && return 0
		sleep 0.1
	done
	return 1
}

# Waits up to 60 s for a line matching PATTERN in FILE.
wait_grep() { # wait_grep PATTERN FILE
	for _ in $(seq 600); do
		grep -q "$1" "$2" && return 0
		sleep 0.1
	done
	return 1
}

start_writer() { # start_writer LOG
	"$writer" -c "$conn" --state-dir "$work/state" 2>"$1" &
	wpid=$!
	wait_grep "writer $name registered" "$1"
}

# A restored cluster: started, no corruption, the acknowledged ids.
check_restored() { # check_restored CASE PORT
	local c=$1 port=$2 v count min max
	pg_ctl "$work/$c" "$port" start
	result $? "${c}_restored_cluster_starts"
	note "$(grep -E 'recovery|redo|consistent|backup' "$work/$c.log")"
	note "$c started at $(($(date +%s) - t0)) s"
	as_pg "$bindir/pg_amcheck" -h "$sock" -p "$port" -U postgres --install-missing \
		postgres >"$work/$c.amcheck" 2>&1
	result $? "${c}_pg_amcheck_finds_no_corruption"
	note "$c checked by pg_amcheck at $(($(date +%s) - t0)) s"
	v=$(sql "$port" "SELECT count(*), coalesce(min(id), 0), coalesce(max(id), 0) FROM t")
	IFS='|' read -r count min max <<<"$v"
	note "$c: $count rows, ids $min..$max; $acked_before acknowledged before PrepareForSnapshot ended (last $last_before), $last_acked acknowledged in all"
	[ "$count" -eq "$max" ] && { [ "$max" -eq 0 ] || [ "$min" -eq 1 ]; }
	result $? "${c}_ids_without_a_gap"
	[ "$last_before" -ge 90 ] && [ "$max" -ge "$last_before" ]
	result $? "${c}_every_id_acknowledged_before_the_freeze_is_there"
	[ "$max" -le $((last_acked + 1)) ]
	result $? "${c}_no_id_never_acknowledged_but_the_one_in_flight"
	pg_ctl "$work/$c" "$port" stop
}

# The backup's files in fresh directories, pg_wal linked to its own: a
# copy of them (cp), or they themselves for the last restore (mv).
restore_copy() { # restore_copy CASE cp|mv
	local how=$2
	[ "$how" = cp ] && how="cp -a"
	$how "$work/copy/data/pg" "$work/$1" && $how "$work/copy/wal/pg_wal" "$work/$1.wal" &&
		rm -f "$work/$1/postmaster.pid" && ln -sfn "$work/$1.wal" "$work/$1/pg_wal"
}

echo "TAP version 13"
if [ -z "$bindir" ] || ! [ -x "$bindir/initdb" ] || ! id postgres >/dev/null 2>&1; then
	echo "1..0 # SKIP no PostgreSQL server (postgresql-15)"
	exit 4
fi

t0=$(date +%s)
modprobe loop
# The servers' logs go beside their data directories: the directory is
# the postgres user's.
chmod 755 "$work"
mkdir -p "$work/data" "$work/wal" "$sock" "$work/state" "$work/copy/data" "$work/copy/wal"
truncate -s 128M "$work/data.img" "$work/wal.img"
ddev=$(losetup --find --show "$work/data.img")
wdev=$(losetup --find --show "$work/wal.img")
mkfs.ext4 -q -E nodiscard "$ddev" && mkfs.ext4 -q -E nodiscard "$wdev" &&
	mount "$ddev" "$work/data" && mount "$wdev" "$work/wal" &&
	"$vssctl" storage add "$ddev" --max 64M >/dev/null &&
	"$vssctl" storage add "$wdev" --max 64M >/dev/null &&
	chown postgres: "$work" "$work/data" "$work/wal" "$sock"
result $? "setup_data_and_wal_volumes_with_storage"
note "volumes made at $(($(date +%s) - t0)) s"

# initdb made on the host (a minute under TCG), pg_wal moved to its volume
# as initdb -X does; initdb here without it.
if [ -f "$template" ]; then
	tar -C "$work/data" -xpf "$template" && mv "$work/data/pg/pg_wal" "$work/wal/pg_wal" &&
		ln -s "$work/wal/pg_wal" "$work/data/pg/pg_wal"
else
	as_pg "$bindir/initdb" -D "$work/data/pg" -X "$work/wal/pg_wal" -A trust -U postgres -N \
		>"$work/initdb.log" 2>&1
fi && pg_ctl "$work/data/pg" 5432 start &&
	sql 5432 "CREATE TABLE t (id bigint PRIMARY KEY, payload text)"
rc=$?
note "cluster made and started at $(($(date +%s) - t0)) s"
[ $rc -eq 0 ] || note "$(cat "$work/initdb.log" "$work/data/pg.log")"
result $rc "cluster_with_pg_wal_on_its_own_volume_starts"

python3 "$load" "$conn" "$work/acks.log" 2>"$work/load.err" &
lpid=$!
start_writer "$work/writer.err"
result $? "writer_registers"
"$writer" -c "$conn" --print-metadata | jq -e --arg d "$work/data/pg" --arg w "$work/wal/pg_wal" '
	.components | length == 1 and .[0].name == $d and
	([.[0].database_files[].path] == [$d]) and ([.[0].log_files[].path] == [$w])' >/dev/null
result $? "metadata_names_the_data_directory_and_pg_wal"
wait_lines "$work/acks.log" 100
result $? "load_commits_continuously"

# ---- the backup ----

# The command copies both snapshots and the set's result document; the
# paths are the shell's, from the environment.
# shellcheck disable=SC2016
"$vssctl" backup --writer "$name" "$work/data" "$work/wal" -- sh -c \
	'cp -a "$VSS_MOUNT_0/pg" "$1/data/" && cp -a "$VSS_MOUNT_1/pg_wal" "$1/wal/" &&
	 cp "$2/$VSS_SNAPSHOT_SET_ID.json" "$1/result.json"' x "$work/copy" "$work/state" \
	2>"$work/backup.err"
rc=$?
note "$(cat "$work/backup.err")"
[ $rc -eq 0 ] && [ -f "$work/copy/result.json" ]
result $? "backup_with_the_writer_copies_both_volumes_and_the_result"
ref=$(sed -n 's/.*backup started at .* at mono \([0-9]*\)$/\1/p' "$work/writer.err")
grep -q "backup stopped at" "$work/writer.err"
result $? "writer_started_the_backup_before_and_stopped_it_after_the_snapshot"
start_lsn=$(jq -r '.clusters[0].start_lsn' "$work/copy/result.json")
grep -qx "START WAL LOCATION: $start_lsn (file $(jq -r '.clusters[0].start_wal_file' "$work/copy/result.json"))" \
	<(jq -r '.clusters[0].backup_label' "$work/copy/result.json")
result $? "result_backup_label_names_the_start_lsn"
total=$(wc -l < "$work/acks.log")
wait_lines "$work/acks.log" $((total + 20))
result $? "load_goes_on_after_the_backup"
kill -TERM "$lpid"
wait "$lpid"
result $? "load_ends_without_error"
lpid=
last_acked=$(tail -n 1 "$work/acks.log" | cut -d' ' -f1)
last_before=$(awk -v ref="${ref:-0}" '$2 < ref { last = $1 } END { print last + 0 }' "$work/acks.log")
acked_before=$last_before

note "backup done at $(($(date +%s) - t0)) s"

# ---- restored by crash recovery: the set is one instant of both volumes ----

restore_copy ra cp
result $? "ra_copied_into_fresh_directories"
check_restored ra 5433

note "first restore checked at $(($(date +%s) - t0)) s"

# ---- restored as a base backup, with backup_label ----

restore_copy rb mv
start_wal=$(jq -r '.clusters[0].start_wal_file' "$work/copy/result.json")
stop_wal=$(jq -r '.clusters[0].stop_wal_file' "$work/copy/result.json")
# The WAL through the backup's end, written after the snapshot: from the
# live cluster, as an archive would give it.
for f in "$work"/wal/pg_wal/0*; do
	b=${f##*/}
	[ ${#b} -eq 24 ] && [[ ! $b < $start_wal ]] && [[ ! $b > $stop_wal ]] && cp -a "$f" "$work/rb.wal/"
done
"$writer" --restore-files "$work/copy/result.json" "$work/rb" >"$work/rb.restore" 2>&1
rc=$?
note "$(cat "$work/rb.restore")"
[ $rc -eq 0 ] && [ "$(stat -c %U "$work/rb/backup_label")" = postgres ]
result $? "rb_restore_files_writes_backup_label"
check_restored rb 5434
grep -q "starting backup recovery with redo LSN $start_lsn" "$work/rb.log"
result $? "rb_recovered_from_the_backups_start"

note "second restore checked at $(($(date +%s) - t0)) s"

# ---- a set without the WAL volume ----

"$vssctl" backup --writer "$name" "$work/data" -- true 2>"$work/veto.err"
rc=$?
note "$(cat "$work/veto.err")"
want="cluster $work/data/pg: its pg_wal $work/wal/pg_wal is on $wdev (ext4 mounted on $work/wal), which is not in the snapshot set"
[ $rc -eq 124 ] && grep -qF "$want" "$work/veto.err"
result $? "a_set_without_the_wal_volume_is_vetoed_with_the_writers_message"

# ---- the writer killed mid-set ----

started=$(grep -c "backup started at" "$work/writer.err")
echo 2000 > /sys/module/vss/parameters/test_hold_delay_ms
"$vssctl" backup --writer "$name" "$work/data" "$work/wal" -- true >"$work/killed.out" 2>&1 &
bpid=$!
# Killed once this set's backup has started, while the engine holds the
# set (Freeze to Thaw stretched to 2 s).
for _ in $(seq 600); do
	[ "$(grep -c 'backup started at' "$work/writer.err")" -gt "$started" ] && break
	sleep 0.1
done
kill -KILL "$wpid"
wait "$wpid" 2>/dev/null
wpid=
wait "$bpid"
bpid=
echo 0 > /sys/module/vss/parameters/test_hold_delay_ms
wait_grep "aborting backup due to backend exiting before pg_backup_stop was called" "$work/data/pg.log"
result $? "killed_writer_the_server_ends_its_backup"
start_writer "$work/writer2.err"
"$vssctl" backup --writer "$name" "$work/data" "$work/wal" -- true 2>"$work/after.err" &&
	grep -q "backup stopped at" "$work/writer2.err"
result $? "killed_writer_the_next_backup_succeeds"

note "done at $(($(date +%s) - t0)) s"
echo "1..$n"
[ $failed -eq 0 ]
