#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# vss-pgsql-writer against the real module and a real PostgreSQL cluster,
# restored and started. The cluster is spread over three volumes (ext4 on
# three loop devices): its data directory on one, pg_wal (initdb -X) on
# another, a tablespace on the third. A load commits one id per
# transaction into two tables, t (data volume) and u (the tablespace), and
# logs each id with CLOCK_MONOTONIC once the COMMIT is acknowledged
# (helpers/pgsql_load.py). The writer's metadata names the three paths and
# its caption their volumes. `vssctl backup --writer vss-pgsql-writer DATA
# WAL TS -- cp ...` copies the three snapshots and the writer's result
# document (its tablespace_map names the tablespace). Then two restores
# into fresh directories, each started on a port of its own:
#   - by crash recovery (no backup_label): the set is one instant of the
#     volumes; pg_tblspc's link pointed at the restored tablespace; the
#     recovery starts at the writer's checkpoint (the backup's start LSN);
#   - as a base backup: `vss-pgsql-writer --restore-files
#     --tablespace-mapping OLD=NEW` puts backup_label and tablespace_map in
#     place (the map's path that of the restored tablespace, as PostgreSQL
#     documents for a relocation; pg_tblspc's link left dangling, so only
#     the map can make it right) and the WAL through
#     the backup's end comes from the live cluster; the server's log says
#     it recovered from the backup's start, and pg_tblspc's link is the
#     map's.
# Each starts, pg_amcheck finds no corruption, and its ids are 1..K without
# a gap in t and the same in u, with every id acknowledged before the
# writer's PrepareForSnapshot ended (so before the freeze) and none past
# the last one acknowledged but the one in flight.
# The same backup without the writer (stopped), restored by crash
# recovery: it is consistent too, as PostgreSQL's crash recovery makes an
# instant of all the volumes (ids asserted as above, against the moment
# the backup began), but recovery starts at the last checkpoint the server
# happened to take, not at one made for the backup, and replays more WAL
# (asserted: it starts no later and redoes more bytes than the writer's
# set); there is no backup_label to restore as a base backup, and a set of
# the data volume alone is taken (exit 0) where the writer vetoes it.
# Sets missing the WAL volume, or the tablespace's, are vetoed (exit 124)
# with the writer's message naming the path and its volume. The writer
# SIGKILLed mid-set (the engine's window stretched): the server ends its
# backup, and a restarted writer's next backup succeeds. Then the writer
# SIGKILLed at each event it handles, stopped there by its test hook
# (VSS_PGSQL_WRITER_TEST_STOP): as Identify comes, after PrepareForSnapshot
# started the backup, after Freeze, as Thaw comes (before pg_backup_stop):
# each time its sessions are gone from pg_stat_activity, the server logs
# that it aborted the backup when one was started (and not when none
# was), and a restarted writer's next backup succeeds.
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
lpid=
wpid=
bpid=
wlog=

tap_prefix=pgsql
# shellcheck source=selftests/lib/tap.sh
. "$top/selftests/lib/tap.sh"
# shellcheck source=selftests/lib/wait.sh
. "$top/selftests/lib/wait.sh"

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
	for d in "$work"/ra "$work"/rb "$work"/rc "$work"/data/pg; do
		[ -f "$d/postmaster.pid" ] && pg_ctl "$d" 0 stop
	done
	umount "$work/data" "$work/wal" "$work/ts" 2>/dev/null
	for d in ${ddev:-} ${wdev:-} ${sdev:-}; do
		"$vssctl" storage remove "$d" >/dev/null 2>&1
		losetup -d "$d"
	done
	rm -rf "$work"
}
trap cleanup EXIT

# Waits up to 60 s for FILE to have N lines.

# Waits up to 60 s for a line matching PATTERN in FILE.

start_writer() { # start_writer LOG
	wlog=$1
	"$writer" -c "$conn" --state-dir "$work/state" 2>"$1" &
	wpid=$!
	wait_grep "writer $name registered" "$1"
}

mono_ns() { python3 -c 'import time; print(time.clock_gettime_ns(time.CLOCK_MONOTONIC))'; }

lsn_bytes() { # lsn_bytes HI/LO
	echo $(((16#${1%/*} << 32) + 16#${1#*/}))
}

# The last id of LOG acknowledged before the monotonic time REF.
acked_before_ns() { # acked_before_ns REF LOG
	awk -v ref="${1:-0}" '$2 < ref { last = $1 } END { print last + 0 }' "$2"
}

# The redo of a restored cluster's recovery, from its log: START LENGTH.
redo_of() { # redo_of CASE
	local a b
	a=$(sed -n 's/.*redo starts at \([0-9A-F]*\/[0-9A-F]*\).*/\1/p' "$work/$1.log" | tail -n 1)
	b=$(sed -n 's/.*redo done at \([0-9A-F]*\/[0-9A-F]*\).*/\1/p' "$work/$1.log" | tail -n 1)
	[ -n "$a" ] && [ -n "$b" ] && echo "$a $(($(lsn_bytes "$b") - $(lsn_bytes "$a")))"
}

# A restored cluster: started, no corruption, the acknowledged ids (every
# one acknowledged before BEFORE), in t and in u, its tablespace.
check_restored() { # check_restored CASE PORT BEFORE
	local c=$1 port=$2 last_before=$3 v u count min max
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
	note "$c: $count rows, ids $min..$max; $last_before acknowledged before the set's reference moment, $last_acked acknowledged in all"
	[ "$count" -eq "$max" ] && { [ "$max" -eq 0 ] || [ "$min" -eq 1 ]; }
	result $? "${c}_ids_without_a_gap"
	[ "$last_before" -ge 90 ] && [ "$max" -ge "$last_before" ]
	result $? "${c}_every_id_acknowledged_before_the_freeze_is_there"
	[ "$max" -le $((last_acked + 1)) ]
	result $? "${c}_no_id_never_acknowledged_but_the_one_in_flight"
	u=$(sql "$port" "SELECT count(*), coalesce(min(id), 0), coalesce(max(id), 0) FROM u")
	note "$c: tablespace table u: count|min|max $u; pg_tblspc/$spcoid -> $(readlink "$work/$c/pg_tblspc/$spcoid")"
	[ "$u" = "$v" ] && [ "$(sql "$port" "SELECT pg_tablespace_location($spcoid)")" = "$work/$c.ts" ] &&
		[ "$(readlink "$work/$c/pg_tblspc/$spcoid")" = "$work/$c.ts" ]
	result $? "${c}_tablespace_is_the_restored_copy_with_the_same_ids"
	pg_ctl "$work/$c" "$port" stop
}

# The backup's files (of the copy in SRC) in fresh directories, pg_wal and
# the tablespace linked to their own (this one to LINK if given): a copy of
# them (cp), or they themselves for the last restore (mv).
restore_copy() { # restore_copy CASE SRC cp|mv [LINK]
	local how=$3
	[ "$how" = cp ] && how="cp -a"
	$how "$work/$2/data/pg" "$work/$1" && $how "$work/$2/wal/pg_wal" "$work/$1.wal" &&
		$how "$work/$2/ts/pg" "$work/$1.ts" &&
		rm -f "$work/$1/postmaster.pid" && ln -sfn "$work/$1.wal" "$work/$1/pg_wal" &&
		ln -sfn "${4:-$work/$1.ts}" "$work/$1/pg_tblspc/$spcoid"
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
mkdir -p "$work/data" "$work/wal" "$work/ts" "$sock" "$work/state"
for d in copy nowriter; do
	mkdir -p "$work/$d/data" "$work/$d/wal" "$work/$d/ts"
done
truncate -s 128M "$work/data.img" "$work/wal.img" "$work/ts.img"
ddev=$(losetup --find --show "$work/data.img")
wdev=$(losetup --find --show "$work/wal.img")
sdev=$(losetup --find --show "$work/ts.img")
mkfs.ext4 -q -E nodiscard "$ddev" && mkfs.ext4 -q -E nodiscard "$wdev" &&
	mkfs.ext4 -q -E nodiscard "$sdev" &&
	mount "$ddev" "$work/data" && mount "$wdev" "$work/wal" && mount "$sdev" "$work/ts" &&
	"$vssctl" storage add "$ddev" --max 64M >/dev/null &&
	"$vssctl" storage add "$wdev" --max 64M >/dev/null &&
	"$vssctl" storage add "$sdev" --max 64M >/dev/null &&
	mkdir "$work/ts/pg" &&
	chown postgres: "$work" "$work/data" "$work/wal" "$work/ts" "$work/ts/pg" "$sock"
result $? "setup_data_wal_and_tablespace_volumes_with_storage"
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
	sql 5432 "CREATE TABLE t (id bigint PRIMARY KEY, payload text)" &&
	sql 5432 "CREATE TABLESPACE ts LOCATION '$work/ts/pg'" &&
	sql 5432 "CREATE TABLE u (id bigint PRIMARY KEY, payload text) TABLESPACE ts"
rc=$?
spcoid=$(sql 5432 "SELECT oid FROM pg_tablespace WHERE spcname = 'ts'")
note "cluster made and started at $(($(date +%s) - t0)) s"
[ $rc -eq 0 ] || note "$(cat "$work/initdb.log" "$work/data/pg.log")"
result $rc "cluster_with_pg_wal_and_a_tablespace_on_volumes_of_their_own_starts"

python3 "$load" "$conn" "$work/acks.log" t u 2>"$work/load.err" &
lpid=$!
start_writer "$work/writer.err"
result $? "writer_registers"
"$writer" -c "$conn" --print-metadata >"$work/metadata.json"
jq -e --arg d "$work/data/pg" --arg w "$work/wal/pg_wal" --arg s "$work/ts/pg" '
	.components | length == 1 and .[0].name == $d and
	([.[0].database_files[].path] == [$d, $s]) and ([.[0].log_files[].path] == [$w])' \
	"$work/metadata.json" >/dev/null
result $? "metadata_names_the_data_directory_pg_wal_and_the_tablespace"
note "caption: $(jq -r '.components[0].caption' "$work/metadata.json")"
jq -e --arg v "$ddev ($work/data), $wdev ($work/wal), $sdev ($work/ts)" \
	'.components[0].caption | endswith($v)' "$work/metadata.json" >/dev/null
result $? "metadata_names_the_three_volumes"
wait_lines "$work/acks.log" 100
result $? "load_commits_continuously"

# ---- the backup ----

# The command copies both snapshots and the set's result document; the
# paths are the shell's, from the environment.
# shellcheck disable=SC2016
"$vssctl" backup --writer "$name" "$work/data" "$work/wal" "$work/ts" -- sh -c \
	'cp -a "$VSS_MOUNT_0/pg" "$1/data/" && cp -a "$VSS_MOUNT_1/pg_wal" "$1/wal/" &&
	 cp -a "$VSS_MOUNT_2/pg" "$1/ts/" &&
	 cp "$2/$VSS_SNAPSHOT_SET_ID.json" "$1/result.json"' x "$work/copy" "$work/state" \
	2>"$work/backup.err"
rc=$?
note "$(cat "$work/backup.err")"
[ $rc -eq 0 ] && [ -f "$work/copy/result.json" ]
result $? "backup_with_the_writer_copies_the_three_volumes_and_the_result"
ref=$(sed -n 's/.*backup started at .* at mono \([0-9]*\)$/\1/p' "$work/writer.err")
jq -r '.clusters[0].tablespace_map' "$work/copy/result.json" | grep -qx "$spcoid $work/ts/pg"
result $? "result_tablespace_map_names_the_tablespace"
grep -q "backup stopped at" "$work/writer.err"
result $? "writer_started_the_backup_before_and_stopped_it_after_the_snapshot"
# Its cost under the load (BENCHMARKS.md, "Writers under load").
note "writer: $(grep -E "backup (started|stopped) at" "$work/writer.err" | sed 's/.*: backup/backup/')"
start_lsn=$(jq -r '.clusters[0].start_lsn' "$work/copy/result.json")
grep -qx "START WAL LOCATION: $start_lsn (file $(jq -r '.clusters[0].start_wal_file' "$work/copy/result.json"))" \
	<(jq -r '.clusters[0].backup_label' "$work/copy/result.json")
result $? "result_backup_label_names_the_start_lsn"
total=$(wc -l < "$work/acks.log")
wait_lines "$work/acks.log" $((total + 20))
result $? "load_goes_on_after_the_backup"

# ---- the same without the writer (stopped), the load running ----

kill -TERM "$wpid"
wait "$wpid"
wpid=
nw_ref=$(mono_ns)
# shellcheck disable=SC2016
"$vssctl" backup "$work/data" "$work/wal" "$work/ts" -- sh -c \
	'cp -a "$VSS_MOUNT_0/pg" "$1/data/" && cp -a "$VSS_MOUNT_1/pg_wal" "$1/wal/" &&
	 cp -a "$VSS_MOUNT_2/pg" "$1/ts/"' x "$work/nowriter" 2>"$work/nowriter.err"
result $? "backup_without_the_writer_copies_the_three_volumes"
"$vssctl" backup "$work/data" -- true 2>"$work/nowriter-veto.err"
result $? "without_the_writer_a_set_without_the_wal_volume_is_taken"
start_writer "$work/writer1.err"
result $? "writer_restarted"
total=$(wc -l < "$work/acks.log")
wait_lines "$work/acks.log" $((total + 20))
kill -TERM "$lpid"
wait "$lpid"
result $? "load_ends_without_error"
lpid=
last_acked=$(tail -n 1 "$work/acks.log" | cut -d' ' -f1)
last_before=$(acked_before_ns "$ref" "$work/acks.log")

note "backup done at $(($(date +%s) - t0)) s"

# ---- restored by crash recovery: the set is one instant of both volumes ----

restore_copy ra copy cp
result $? "ra_copied_into_fresh_directories"
check_restored ra 5433 "$last_before"
read -r ra_redo ra_len <<<"$(redo_of ra)"
note "ra: redo from ${ra_redo:-?}, ${ra_len:-?} bytes; the backup started at $start_lsn"
[ "${ra_redo:-}" = "$start_lsn" ]
result $? "ra_crash_recovery_starts_at_the_writers_checkpoint"

note "first restore checked at $(($(date +%s) - t0)) s"

# ---- restored as a base backup, with backup_label ----

restore_copy rb copy mv "$work/rb.ts.none"
start_wal=$(jq -r '.clusters[0].start_wal_file' "$work/copy/result.json")
stop_wal=$(jq -r '.clusters[0].stop_wal_file' "$work/copy/result.json")
# The WAL through the backup's end, written after the snapshot: from the
# live cluster, as an archive would give it.
for f in "$work"/wal/pg_wal/0*; do
	b=${f##*/}
	[ ${#b} -eq 24 ] && [[ ! $b < $start_wal ]] && [[ ! $b > $stop_wal ]] && cp -a "$f" "$work/rb.wal/"
done
# Relocated, as PostgreSQL documents: the map names the restored copy.
"$writer" --restore-files "$work/copy/result.json" "$work/rb" \
	--tablespace-mapping "$work/ts/pg=$work/rb.ts" >"$work/rb.restore" 2>&1
rc=$?
note "$(cat "$work/rb.restore")"
[ $rc -eq 0 ] && [ "$(stat -c %U "$work/rb/backup_label")" = postgres ] &&
	grep -qx "$spcoid $work/rb.ts" "$work/rb/tablespace_map"
result $? "rb_restore_files_writes_backup_label_and_tablespace_map_with_the_new_place"
check_restored rb 5434 "$last_before"
grep -q "starting backup recovery with redo LSN $start_lsn" "$work/rb.log"
result $? "rb_recovered_from_the_backups_start"

note "second restore checked at $(($(date +%s) - t0)) s"

# ---- the backup without the writer, restored by crash recovery ----

restore_copy rc nowriter mv
result $? "rc_copied_into_fresh_directories"
! [ -e "$work/rc/backup_label" ]
result $? "rc_has_no_backup_label"
check_restored rc 5435 "$(acked_before_ns "$nw_ref" "$work/acks.log")"
read -r rc_redo rc_len <<<"$(redo_of rc)"
note "without the writer: redo from ${rc_redo:-?}, ${rc_len:-?} bytes; with it: from ${ra_redo:-?}, ${ra_len:-?} bytes"
[ -n "${rc_len:-}" ] && [ -n "${ra_len:-}" ] &&
	[ "$(lsn_bytes "$rc_redo")" -le "$(lsn_bytes "$ra_redo")" ] && [ "$rc_len" -gt "$ra_len" ]
result $? "rc_recovery_starts_no_later_and_redoes_more_than_with_the_writer"

note "third restore checked at $(($(date +%s) - t0)) s"

# ---- a set without the WAL volume ----

"$vssctl" backup --writer "$name" "$work/data" -- true 2>"$work/veto.err"
rc=$?
note "$(cat "$work/veto.err")"
want="cluster $work/data/pg: its pg_wal $work/wal/pg_wal is on $wdev (ext4 mounted on $work/wal), which is not in the snapshot set"
[ $rc -eq 124 ] && grep -qF "$want" "$work/veto.err"
result $? "a_set_without_the_wal_volume_is_vetoed_with_the_writers_message"
"$vssctl" backup --writer "$name" "$work/data" "$work/wal" -- true 2>"$work/veto-ts.err"
rc=$?
note "$(cat "$work/veto-ts.err")"
want="cluster $work/data/pg: its tablespace ts $work/ts/pg is on $sdev (ext4 mounted on $work/ts), which is not in the snapshot set"
[ $rc -eq 124 ] && grep -qF "$want" "$work/veto-ts.err"
result $? "a_set_without_the_tablespace_volume_is_vetoed_with_the_writers_message"

# A backup of the three volumes in the background (bpid, output in OUT),
# its set held by the engine (Freeze to Thaw stretched to 2 s); returns
# once the writer's backup for it has started.
backup_held_started() { # backup_held_started OUT
	local started
	started=$(grep -c "backup started at" "$wlog")
	echo 2000 > /sys/module/vss/parameters/test_hold_delay_ms
	"$vssctl" backup --writer "$name" "$work/data" "$work/wal" "$work/ts" -- true >"$1" 2>&1 &
	bpid=$!
	wait_count 'backup started at' "$wlog" $((started + 1))
}

# ---- the writer killed mid-set ----

backup_held_started "$work/killed.out"
kill -KILL "$wpid"
wait "$wpid" 2>/dev/null
wpid=
wait "$bpid"
bpid=
echo 0 > /sys/module/vss/parameters/test_hold_delay_ms
wait_grep "aborting backup due to backend exiting before pg_backup_stop was called" "$work/data/pg.log"
result $? "killed_writer_the_server_ends_its_backup"
start_writer "$work/writer2.err"
"$vssctl" backup --writer "$name" "$work/data" "$work/wal" "$work/ts" -- true 2>"$work/after.err" &&
	grep -q "backup stopped at" "$work/writer2.err"
result $? "killed_writer_the_next_backup_succeeds"

aborted() { grep -c "aborting backup due to backend exiting" "$work/data/pg.log"; }
sessions() { sql 5432 "SELECT count(*) FROM pg_stat_activity WHERE application_name = '$name'"; }

# ---- the requester killed mid-set ----

# The engine aborts the dead requester's session: the writer, alive, gets
# Abort and ends the backup itself (pg_backup_stop: no backend exits).
ended=$(grep -c "backups ended (abort)" "$wlog")
before=$(aborted)
backup_held_started "$work/rkilled.out"
kill -KILL "$bpid"
wait "$bpid" 2>/dev/null
bpid=
wait_count "backups ended (abort)" "$wlog" $((ended + 1)) 30
echo 0 > /sys/module/vss/parameters/test_hold_delay_ms
no_sessions() { [ "$(sessions)" = 0 ]; }
wait_until 5 no_sessions
note "$(grep "backups ended" "$wlog" | tail -n 1); $(sessions) writer sessions, $(($(aborted) - before)) backups aborted by the server"
# Ended by pg_backup_stop, then its session closed: the server aborted none.
[ "$(grep -c "backups ended (abort)" "$wlog")" -eq $((ended + 1)) ] &&
	[ "$(aborted)" -eq "$before" ] && [ "$(sessions)" = 0 ] && kill -0 "$wpid"
result $? "killed_requester_the_writer_ends_the_backup_at_abort"
stopped=$(grep -c "backup stopped at" "$wlog")
"$vssctl" backup --writer "$name" "$work/data" "$work/wal" "$work/ts" -- true 2>"$work/rafter.err" &&
	[ "$(grep -c "backup stopped at" "$wlog")" -gt "$stopped" ]
result $? "killed_requester_the_next_backup_succeeds"

# ---- the writer killed at each event, stopped there by its test hook ----

# kill_at PHASE ABORTS: the writer stopped at PHASE and SIGKILLed there;
# ABORTS (0 or 1) backups the server then ends.
kill_at() {
	local phase=$1 want=$2 before k end
	before=$(aborted)
	kill -TERM "$wpid"
	wait "$wpid"
	wlog=$work/writer-$phase.err
	VSS_PGSQL_WRITER_TEST_STOP=$phase "$writer" -c "$conn" --state-dir "$work/state" 2>"$wlog" &
	wpid=$!
	wait_grep "writer $name registered" "$wlog"
	"$vssctl" backup --writer "$name" "$work/data" "$work/wal" "$work/ts" -- true \
		>"$work/killed-$phase.out" 2>&1 &
	bpid=$!
	wait_stopped "$wpid"
	grep -q "test stop at $phase" "$wlog"
	result $? "killed_at_${phase}_the_writer_stopped_there"
	kill -KILL "$wpid"
	wait "$wpid" 2>/dev/null
	wpid=
	wait "$bpid"
	note "at $phase: the backup exited $?"
	bpid=
	end=$((SECONDS + 60))
	while [ $SECONDS -lt $end ]; do
		[ "$(sessions)" = 0 ] && [ "$(aborted)" -ge $((before + want)) ] && break
		sleep 0.1
	done
	k=$(aborted)
	note "at $phase: $((k - before)) backups aborted by the server, $(sessions) writer sessions"
	[ "$(sessions)" = 0 ] && [ "$k" -eq $((before + want)) ]
	result $? "killed_at_${phase}_the_server_is_left_in_normal_mode"
	start_writer "$work/writer-$phase-after.err"
	"$vssctl" backup --writer "$name" "$work/data" "$work/wal" "$work/ts" -- true \
		2>"$work/after-$phase.err" && grep -q "backup stopped at" "$wlog"
	result $? "killed_at_${phase}_the_next_backup_succeeds"
}

t1=$(date +%s)
kill_at identify 0
kill_at prepare 1
kill_at freeze 1
kill_at thaw 1
note "the writer killed at four events in $(($(date +%s) - t1)) s"

note "done at $(($(date +%s) - t0)) s"
echo "1..$n"
[ $failed -eq 0 ]
