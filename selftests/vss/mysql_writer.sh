#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# vss-mysql-writer against the real module and a real MariaDB server,
# restored and started. The server is spread over two volumes (ext4 on two
# loop devices): its datadir on one, the InnoDB redo log and the binary
# log on the other. A load commits one id per transaction into two InnoDB
# tables and logs each id with CLOCK_MONOTONIC once the COMMIT is
# acknowledged (helpers/mysql_load.py). `vssctl backup --writer
# vss-mysql-writer DATA LOG -- dd ...` copies both snapshot devices into
# fresh images, and the writer's result document. Another back-end writer
# takes 3 s to answer Freeze (helpers/vss_test_writer.c, slow), so the
# filesystems freeze 3 s after BLOCK_COMMIT: commits made in between would
# be in the snapshot but not in the writer's position, and the load's
# commits must wait for Thaw instead. The images are mounted
# on the same paths in a mount namespace of their own and a second server
# started there, on a socket of its own (crash recovery, as a restore
# after a disaster would). It starts, its snapshot filesystems were clean,
# mariadb-check finds every table OK, both tables hold ids 1..K without a
# gap and the same ones (no torn transaction), every id acknowledged
# before the writer's BLOCK_COMMIT is there and none past the one then in
# flight; the binary log file the writer recorded ends exactly at its
# recorded position, and the restored GTID position is the recorded one,
# that of the tables' last transaction. A set of the datadir's volume
# alone is vetoed (exit 124) with the writer's message naming the InnoDB
# log directory and its volume; a set while the server is down is vetoed,
# retryable, with the writer's message saying it cannot connect.
#
# What the writer adds: a second load inserts into a MyISAM table, whose
# writes the writer's FLUSH holds and whose files its BLOCK_DDL closes.
# With the writer the snapshot has it closed (its header's open count 0,
# myisamchk clean), the restored server finds it OK and it holds exactly
# the ids acknowledged before BLOCK_COMMIT; the same backup without the writer has it open
# (myisamchk: "1 client is using or hasn't closed the table properly").
# The writer killed: stopped by VSS_MYSQL_WRITER_TEST_STOP at Identify,
# after PrepareForSnapshot, after Freeze and at Thaw, and SIGKILLed there;
# the server drops its backup lock with its connection (none left in
# METADATA_LOCK_INFO, MyISAM and InnoDB writes go through), the backup
# fails 124 (the writer not responding), and the next one succeeds.
set -u

top=$(cd "$(dirname "$0")/../../.." && pwd)
writer=$top/tools/vss-mysql-writer/vss-mysql-writer
load=$top/selftests/helpers/mysql_load.py
slow_writer=$top/build/selftests/helpers/vss_test_writer
template=$top/build/selftests/helpers/mysql-template.tar
vssctl=$top/tools/vssctl/vssctl
work=$(mktemp -d /tmp/vss-mysql.XXXXXX)
sock=$work/sock/mysqld.sock
rsock=$work/rsock/mysqld.sock
name=vss-mysql-writer
lpid=
mpid=
bpid=
wpid=
swpid=
spid=
rpid=
rbpid=

tap_prefix=mysql
# shellcheck source=selftests/lib/tap.sh
. "$top/selftests/lib/tap.sh"
# shellcheck source=selftests/lib/wait.sh
. "$top/selftests/lib/wait.sh"


# The server's options, in the array opts: as root (nothing to chown), no
# TCP, the datadir on the data volume, redo log and binary log on the log
# volume. The restored server has the same paths in its mount namespace.
server_opts() { # server_opts SOCKET NAME
	opts=(--no-defaults --user=root --skip-networking --socket="$1"
	      --datadir="$work/data/my" --innodb-log-group-home-dir="$work/log/redo"
	      --log-bin="$work/log/bin/mariadb-bin" --server-id=1
	      --pid-file="$work/$2.pid" --log-error="$work/$2.err"
	      --innodb-buffer-pool-size=32M --innodb-log-file-size=8M)
}

# Waits up to 120 s for the server PID to say it is ready in its LOG.
wait_ready() { # wait_ready PID LOG
	for _ in $(seq 1200); do
		grep -q "ready for connections" "$2" 2>/dev/null && return 0
		kill -0 "$1" 2>/dev/null || return 1
		sleep 0.1
	done
	return 1
}

sql() { # sql SOCKET QUERY
	mariadb --no-defaults -S "$1" -u root -N -B -e "$2"
}

cleanup() {
	for p in "$lpid" "$mpid" "$bpid" "$wpid" "$swpid"; do
		[ -n "$p" ] && kill -KILL "$p" 2>/dev/null
	done
	for p in "$spid" "$rpid" "$rbpid"; do
		[ -n "$p" ] && kill -TERM "$p" 2>/dev/null
	done
	wait
	umount "$work/data" "$work/log" 2>/dev/null
	for d in ${ddev:-} ${ldev:-}; do
		"$vssctl" storage remove "$d" >/dev/null 2>&1
		losetup -d "$d"
	done
	for d in ${rddev:-} ${rldev:-} ${rbddev:-} ${rbldev:-}; do
		losetup -d "$d"
	done
	rm -rf "$work"
}
trap cleanup EXIT

# Waits up to 60 s for FILE to have N lines.

# Waits up to 60 s for a line matching PATTERN in FILE.

echo "TAP version 13"
if ! command -v mariadbd >/dev/null || ! command -v mariadb-install-db >/dev/null ||
	! command -v mariadb-check >/dev/null; then
	echo "1..0 # SKIP no MariaDB server (mariadb-server)"
	exit 4
fi

t0=$(date +%s)
modprobe loop
mkdir -p "$work/data" "$work/log" "$work/sock" "$work/rsock" "$work/state"
truncate -s 128M "$work/data.img" "$work/log.img" "$work/ra-data.img" "$work/ra-log.img" \
	"$work/rb-data.img" "$work/rb-log.img"
ddev=$(losetup --find --show "$work/data.img")
ldev=$(losetup --find --show "$work/log.img")
mkfs.ext4 -q -E nodiscard "$ddev" && mkfs.ext4 -q -E nodiscard "$ldev" &&
	mount "$ddev" "$work/data" && mount "$ldev" "$work/log" &&
	mkdir "$work/log/redo" "$work/log/bin" &&
	"$vssctl" storage add "$ddev" --max 64M >/dev/null &&
	"$vssctl" storage add "$ldev" --max 64M >/dev/null
result $? "setup_data_and_log_volumes_with_storage"
note "volumes made at $(($(date +%s) - t0)) s"

# mariadb-install-db run on the host (helpers/mysql_template.sh), or here
# with the same options; its redo log moved to the log volume.
if [ -f "$template" ]; then
	tar -C "$work/data" -xpf "$template"
else
	mariadb-install-db --no-defaults --datadir="$work/data/my" --user=root \
		--auth-root-authentication-method=normal --skip-test-db \
		--innodb-log-file-size=8M >"$work/install.log" 2>&1
fi && mv "$work/data/my/ib_logfile0" "$work/log/redo/"
rc=$?
if [ $rc -eq 0 ]; then
	server_opts "$sock" live
	mariadbd "${opts[@]}" &
	spid=$!
	wait_ready "$spid" "$work/live.err" &&
		sql "$sock" "CREATE DATABASE vt;
			CREATE TABLE vt.t1 (id BIGINT PRIMARY KEY, payload VARCHAR(255)) ENGINE=InnoDB;
			CREATE TABLE vt.t2 (id BIGINT PRIMARY KEY, v BIGINT NOT NULL) ENGINE=InnoDB;
			CREATE TABLE vt.m (id BIGINT PRIMARY KEY, payload VARCHAR(255)) ENGINE=MyISAM"
	rc=$?
fi
# The GTID of the last DDL: each load transaction is one more.
base=$(sql "$sock" "SELECT @@gtid_binlog_pos" 2>/dev/null)
base_seq=${base##*-}
note "server made and started at $(($(date +%s) - t0)) s; GTID position $base"
[ $rc -eq 0 ] || note "$(cat "$work/install.log" "$work/live.err" 2>/dev/null)"
[ $rc -eq 0 ] && [ -n "$base_seq" ]
result $? "server_with_redo_and_binary_log_on_their_own_volume_starts"

python3 "$load" "$sock" "$work/acks.log" 2>"$work/load.err" &
lpid=$!
python3 "$load" "$sock" "$work/acks-m.log" myisam 2>"$work/load-m.err" &
mpid=$!
"$writer" -S "$sock root" --state-dir "$work/state" 2>"$work/writer.err" &
wpid=$!
wait_grep "writer $name registered" "$work/writer.err"
result $? "writer_registers"
"$writer" -S "$sock root" --print-metadata | jq -e --arg d "$work/data/my" \
	--arg r "$work/log/redo" --arg b "$work/log/bin" '
	.components | length == 1 and .[0].name == $d and
	([.[0].database_files[].path] == [$d]) and ([.[0].log_files[].path] == [$r, $b])' >/dev/null
result $? "metadata_names_the_datadir_redo_log_and_binary_log"
wait_lines "$work/acks.log" 100
result $? "load_commits_continuously"
wait_lines "$work/acks-m.log" 100
result $? "myisam_load_writes_continuously"
note "$(wc -l < "$work/acks.log") commits, $(wc -l < "$work/acks-m.log") MyISAM inserts by $(($(date +%s) - t0)) s"

# ---- the backup ----

"$slow_writer" vss-test-slow "$work/slow.log" slow &
swpid=$!
wait_grep ready "$work/slow.log"
result $? "slow_writer_registers"

# The command copies both snapshot devices into the fresh images and the
# set's result document; the paths are the shell's, from the environment.
# shellcheck disable=SC2016
"$vssctl" backup --writer "$name" "$work/data" "$work/log" -- sh -c \
	'dd if="$VSS_DEVICE_0" of="$1/ra-data.img" bs=1M conv=sparse,notrunc status=none &&
	 dd if="$VSS_DEVICE_1" of="$1/ra-log.img" bs=1M conv=sparse,notrunc status=none &&
	 cp "$2/$VSS_SNAPSHOT_SET_ID.json" "$1/result.json"' x "$work" "$work/state" \
	2>"$work/backup.err"
rc=$?
note "$(cat "$work/backup.err")"
[ $rc -eq 0 ] && [ -f "$work/result.json" ]
result $? "backup_with_the_writer_copies_both_volumes_and_the_result"
note "$(grep -E 'BACKUP STAGE|result in' "$work/writer.err")"
ref=$(sed -n 's/.*BACKUP STAGE BLOCK_DDL, BLOCK_COMMIT at .* at mono \([0-9]*\)$/\1/p' "$work/writer.err")
[ -n "$ref" ] && grep -q "BACKUP STAGE START, FLUSH" "$work/writer.err" &&
	grep -q "BACKUP STAGE END; commits blocked" "$work/writer.err"
result $? "writer_took_the_backup_stages_and_ended_them"
binfile=$(jq -r '.servers[0].binlog_file // empty' "$work/result.json" 2>/dev/null)
binpos=$(jq -r '.servers[0].binlog_position // empty' "$work/result.json" 2>/dev/null)
gtid=$(jq -r '.servers[0].gtid_binlog_pos // empty' "$work/result.json" 2>/dev/null)
jq -e --arg d "$work/data/my" --arg s "$sock" '.servers | length == 1 and
	.[0].component == $d and .[0].socket == $s' "$work/result.json" >/dev/null 2>&1 &&
	[[ $binfile == mariadb-bin.[0-9]* ]] && [ "${binpos:-0}" -gt 0 ] && [ -n "$gtid" ]
result $? "result_names_the_server_and_its_binary_log_position"
blocked=$(jq -r '.servers[0].commit_block_ms // 0' "$work/result.json" 2>/dev/null)
note "result: $binfile:$binpos, GTID $gtid, commits blocked ${blocked:-?} ms"
kill -TERM "$swpid"
wait "$swpid" 2>/dev/null
swpid=
grep -qx freeze "$work/slow.log" && [ "${blocked:-0}" -ge 2900 ]
result $? "the_slow_writer_kept_commits_blocked_3_s_before_the_snapshot"
total=$(wc -l < "$work/acks.log")
wait_lines "$work/acks.log" $((total + 20))
result $? "load_goes_on_after_the_backup"

# ---- the same backup without the writer (stopped), both loads running ----

kill -TERM "$wpid"
wait "$wpid"
wpid=
# shellcheck disable=SC2016
"$vssctl" backup "$work/data" "$work/log" -- sh -c \
	'dd if="$VSS_DEVICE_0" of="$1/rb-data.img" bs=1M conv=sparse,notrunc status=none &&
	 dd if="$VSS_DEVICE_1" of="$1/rb-log.img" bs=1M conv=sparse,notrunc status=none' x "$work" \
	2>"$work/nowriter.err"
result $? "backup_without_the_writer_copies_both_volumes"
"$writer" -S "$sock root" --state-dir "$work/state" 2>"$work/writer1.err" &
wpid=$!
wait_grep "writer $name registered" "$work/writer1.err"
result $? "writer_restarted"
# Its cost under the load, without the slow writer (BENCHMARKS.md,
# "Writers under load"): how long commits wait, and the freeze window.
"$vssctl" backup --writer "$name" "$work/data" "$work/log" -- true 2>"$work/cost.err"
result $? "backup_with_the_writer_alone_under_both_loads"
note "writer alone under load: $(grep -o 'freeze window .*' "$work/cost.err"), $(grep -o 'commits blocked .*' "$work/writer1.err" | tail -n 1)"
total=$(wc -l < "$work/acks-m.log")
wait_lines "$work/acks-m.log" $((total + 20))
result $? "myisam_load_goes_on_after_the_backups"
kill -TERM "$lpid" "$mpid"
wait "$lpid"
result $? "load_ends_without_error"
wait "$mpid"
result $? "myisam_load_ends_without_error"
lpid=
mpid=
m_before=$(awk -v ref="${ref:-0}" '$2 < ref { last = $1 } END { print last + 0 }' "$work/acks-m.log")
last_acked=$(tail -n 1 "$work/acks.log" | cut -d' ' -f1)
last_before=$(awk -v ref="${ref:-0}" '$2 < ref { last = $1 } END { print last + 0 }' "$work/acks.log")
# Acknowledged within the 2.5 s after BLOCK_COMMIT: the one commit in
# flight at most, which the server may have done just before the block.
during=$(awk -v ref="${ref:-0}" '$2 > ref && $2 < ref + 2500000000 { n++ } END { print n + 0 }' "$work/acks.log")
note "$during commits acknowledged within 2.5 s after BLOCK_COMMIT"
[ -n "$ref" ] && [ "$during" -le 1 ]
result $? "commits_wait_from_block_commit"
note "backup done at $(($(date +%s) - t0)) s"

# ---- the restore: the images on the same paths, in a namespace of their own ----

rddev=$(losetup --find --show "$work/ra-data.img")
rldev=$(losetup --find --show "$work/ra-log.img")
e2fsck -fn "$rddev" >"$work/ra.fsck" 2>&1 && e2fsck -fn "$rldev" >>"$work/ra.fsck" 2>&1
result $? "ra_snapshot_filesystems_are_clean"
# The MyISAM table's files read from the image as the snapshot has them,
# before any server opens them: its header's open count (2 bytes, big
# endian, after the 24-byte base header) says whether the table was closed
# at that instant, and myisamchk checks the files as they are.
myisam_of() { # myisam_of IMAGE DIR: m.MYI and m.MYD into DIR, checked
	mkdir -p "$2" &&
	debugfs -R "dump /my/vt/m.MYI $2/m.MYI" "$1" >/dev/null 2>&1 &&
	debugfs -R "dump /my/vt/m.MYD $2/m.MYD" "$1" >/dev/null 2>&1 || return 1
	od -An -tu1 -j24 -N2 "$2/m.MYI" | awk '{ print $1 * 256 + $2 }' >"$2/open_count"
	myisamchk --read-only --check "$2/m" >"$2/myisamchk" 2>&1
	echo $? >"$2/myisamchk.rc"
}
myisam_of "$work/ra-data.img" "$work/ra-m"
note "with the writer, the snapshot's MyISAM table: open count $(cat "$work/ra-m/open_count" 2>/dev/null), myisamchk exit $(cat "$work/ra-m/myisamchk.rc" 2>/dev/null)"
note "$(grep -iE 'warning|error|records' "$work/ra-m/myisamchk" 2>/dev/null)"
[ "$(cat "$work/ra-m/open_count" 2>/dev/null)" = 0 ] && [ "$(cat "$work/ra-m/myisamchk.rc")" = 0 ] &&
	! grep -qiE 'warning|error|crashed|closed' "$work/ra-m/myisamchk"
result $? "ra_myisam_table_closed_and_clean_in_the_snapshot"
# The binary log file's size is read before the server opens it.
server_opts "$rsock" ra
# shellcheck disable=SC2016
unshare -m --propagation private sh -c \
	'mount "$1" "$3/data" && mount "$2" "$3/log" || exit 1
	 stat -c %s "$3/log/bin/$4" >"$3/ra.binlog-size"
	 shift 4; exec "$@"' x "$rddev" "$rldev" "$work" "${binfile:-none}" mariadbd "${opts[@]}" &
rpid=$!
wait_ready "$rpid" "$work/ra.err"
result $? "ra_restored_server_starts"
note "$(grep -iE 'recover|crash|binlog|consistent' "$work/ra.err")"
note "restored server started at $(($(date +%s) - t0)) s"

mariadb-check --no-defaults -S "$rsock" -u root --all-databases >"$work/ra.check" 2>&1
rc=$?
note "mariadb-check: $(wc -l < "$work/ra.check") lines, not OK: $(grep -cvE '[[:space:]]OK$' "$work/ra.check")"
[ $rc -eq 0 ] && grep -q '^vt\.t1[[:space:]]*OK$' "$work/ra.check" &&
	! grep -vE '[[:space:]]OK$' "$work/ra.check"
result $? "ra_mariadb_check_finds_every_table_ok"

v=$(sql "$rsock" "SELECT (SELECT count(*) FROM vt.t1), (SELECT coalesce(min(id), 0) FROM vt.t1),
	(SELECT coalesce(max(id), 0) FROM vt.t1), (SELECT count(*) FROM vt.t2),
	(SELECT count(*) FROM vt.t1 JOIN vt.t2 USING (id) WHERE t2.v = t1.id * 7),
	@@gtid_binlog_pos")
read -r count min max count2 both rgtid <<<"$v"
note "restored: $count rows, ids ${min:-?}..${max:-?}, t2 $count2 rows, $both in both; $last_before acknowledged before BLOCK_COMMIT, $last_acked in all; GTID $rgtid"
[ -n "$max" ] && [ "$count" -eq "$max" ] && { [ "$max" -eq 0 ] || [ "$min" -eq 1 ]; }
result $? "ra_ids_without_a_gap"
[ -n "$max" ] && [ "$count2" -eq "$count" ] && [ "$both" -eq "$count" ]
result $? "ra_every_transaction_whole_in_both_tables"
[ "$last_before" -ge 100 ] && [ -n "$max" ] && [ "$max" -ge "$last_before" ]
result $? "ra_every_id_acknowledged_before_block_commit_is_there"
[ -n "$max" ] && [ "$max" -le $((last_before + 1)) ]
result $? "ra_no_id_committed_after_block_commit_but_the_one_in_flight"
size=$(cat "$work/ra.binlog-size" 2>/dev/null)
note "restored $binfile: ${size:-missing} bytes; the writer recorded position ${binpos:-none}"
[ -n "$binpos" ] && [ "$size" = "$binpos" ]
result $? "ra_binary_log_ends_at_the_writers_position"
[ -n "$gtid" ] && [ "$rgtid" = "$gtid" ] && [ -n "$max" ] && [ "${gtid##*-}" -eq $((base_seq + max)) ]
result $? "ra_gtid_position_is_the_writers_and_the_tables_last_transaction"
v=$(sql "$rsock" "SELECT count(*), coalesce(min(id), 0), coalesce(max(id), 0) FROM vt.m")
read -r mcount mmin mmax <<<"$v"
note "restored MyISAM table: ${mcount:-?} rows, ids ${mmin:-?}..${mmax:-?}; $m_before acknowledged before BLOCK_COMMIT, $(wc -l < "$work/acks-m.log") in all"
note "$(grep -E 'vt/m' "$work/ra.err")"
grep -q '^vt\.m[[:space:]]*OK$' "$work/ra.check" && ! grep -q 'vt/m' "$work/ra.err"
result $? "ra_myisam_table_checks_ok_without_a_repair"
# A MyISAM insert is held from FLUSH at PrepareForSnapshot (before
# BLOCK_COMMIT's time), the table written out and closed at BLOCK_DDL:
# every id acknowledged before is there, none
# after but the one whose acknowledgement was on its way.
[ -n "${mmax:-}" ] && [ "$m_before" -ge 100 ] && [ "$mcount" -eq "$mmax" ] && [ "$mmin" -eq 1 ] &&
	[ "$mmax" -ge "$m_before" ] && [ "$mmax" -le $((m_before + 1)) ]
result $? "ra_myisam_ids_are_those_acknowledged_before_block_commit"
kill -TERM "$rpid"
wait "$rpid"
result $? "ra_restored_server_shuts_down"
rpid=
note "restore checked at $(($(date +%s) - t0)) s"

# ---- the backup without the writer: crash-consistent, MyISAM not closed ----

rbddev=$(losetup --find --show "$work/rb-data.img")
rbldev=$(losetup --find --show "$work/rb-log.img")
e2fsck -fn "$rbddev" >"$work/rb.fsck" 2>&1 && e2fsck -fn "$rbldev" >>"$work/rb.fsck" 2>&1
result $? "rb_snapshot_filesystems_are_clean"
myisam_of "$work/rb-data.img" "$work/rb-m"
note "without the writer, the snapshot's MyISAM table: open count $(cat "$work/rb-m/open_count" 2>/dev/null), myisamchk exit $(cat "$work/rb-m/myisamchk.rc" 2>/dev/null)"
note "$(grep -iE 'warning|error|records' "$work/rb-m/myisamchk" 2>/dev/null)"
# The load keeps the table open and written: nothing closes it before the
# snapshot, so its header says a client has it open.
[ "$(cat "$work/rb-m/open_count" 2>/dev/null)" -ge 1 ] &&
	grep -q "1 client is using or hasn't closed the table properly" "$work/rb-m/myisamchk"
result $? "rb_myisam_table_open_in_the_snapshot_myisamchk_warns"
rsock_b=$work/rsock/b.sock
server_opts "$rsock_b" rb
# shellcheck disable=SC2016
unshare -m --propagation private sh -c \
	'mount "$1" "$3/data" && mount "$2" "$3/log" || exit 1
	 shift 3; exec "$@"' x "$rbddev" "$rbldev" "$work" mariadbd "${opts[@]}" &
rbpid=$!
wait_ready "$rbpid" "$work/rb.err"
result $? "rb_restored_server_starts"
note "$(grep -E 'vt/m' "$work/rb.err")"
mariadb-check --no-defaults -S "$rsock_b" -u root vt m >"$work/rb.check" 2>&1
note "mariadb-check vt m: $(cat "$work/rb.check")"
v=$(sql "$rsock_b" "SELECT count(*), coalesce(min(id), 0), coalesce(max(id), 0) FROM vt.m")
note "without the writer, the restored MyISAM table: $v (count, min, max)"
kill -TERM "$rbpid"
wait "$rbpid"
result $? "rb_restored_server_shuts_down"
rbpid=
note "backup without the writer checked at $(($(date +%s) - t0)) s"

# ---- vetoes ----

"$vssctl" backup --writer "$name" "$work/data" -- true 2>"$work/veto.err"
rc=$?
note "$(cat "$work/veto.err")"
want="writer $name: failed-at-prepare-snapshot, failure non-retryable: server $work/data/my: its InnoDB log directory $work/log/redo is on $ldev (ext4 mounted on $work/log), which is not in the snapshot set"
[ $rc -eq 124 ] && grep -qF "$want" "$work/veto.err"
result $? "a_set_without_the_log_volume_is_vetoed_with_the_writers_message"

# ---- the writer killed at each event, stopped there by its test hook ----

# The server's backup locks, from the metadata_lock_info plugin (shipped
# with the server, loaded here): one row per lock a connection holds.
sql "$sock" "INSTALL SONAME 'metadata_lock_info'" 2>"$work/plugin.err" &&
	[ "$(sql "$sock" "SELECT count(*) FROM information_schema.METADATA_LOCK_INFO")" = 0 ]
result $? "metadata_lock_info_plugin_loads"
backup_locks() {
	sql "$sock" "SELECT count(*) FROM information_schema.METADATA_LOCK_INFO WHERE LOCK_TYPE = 'Backup lock'"
}
others() {	# the server's client connections but this one
	sql "$sock" "SELECT count(*) FROM information_schema.PROCESSLIST WHERE ID <> CONNECTION_ID() AND COMMAND <> 'Daemon'"
}
mid=1000000
# kill_at PHASE LOCKS FAILED-AT: the writer stopped at PHASE, holding
# LOCKS (0 or 1) backup locks, and SIGKILLed there. The module records a
# writer whose socket closes as failed at the event awaited
# (not-responding, Documentation/protocol.md), and a selected writer's
# failure fails the backup: 124, FAILED-AT in vssctl's message.
kill_at() {
	local phase=$1 want=$2 at=$3 wlog=$work/writer-$1.err locks rc end t
	kill -TERM "$wpid"
	wait "$wpid"
	VSS_MYSQL_WRITER_TEST_STOP=$phase "$writer" -S "$sock root" --state-dir "$work/state" 2>"$wlog" &
	wpid=$!
	wait_grep "writer $name registered" "$wlog"
	"$vssctl" backup --writer "$name" "$work/data" "$work/log" -- true \
		>"$work/killed-$phase.out" 2>&1 &
	bpid=$!
	wait_stopped "$wpid"
	locks=$(backup_locks)
	note "at $phase, stopped: $(sql "$sock" "SELECT THREAD_ID, LOCK_MODE, LOCK_TYPE FROM information_schema.METADATA_LOCK_INFO" | tr '\t\n' ' ;')"
	grep -q "test stop at $phase" "$wlog" && [ "$locks" = "$want" ]
	result $? "killed_at_${phase}_the_writer_stopped_there_holding_${want}_backup_locks"
	kill -KILL "$wpid"
	wait "$wpid" 2>/dev/null
	wpid=
	wait "$bpid"
	rc=$?
	bpid=
	note "at $phase: the backup exited $rc"
	note "$(grep -E 'writer vss-mysql-writer|DoSnapshotSet|selected' "$work/killed-$phase.out")"
	[ $rc -eq 124 ] && grep -qxF "vssctl: writer $name: failed-at-$at, failure not-responding: the writer went away" \
		"$work/killed-$phase.out"
	result $? "killed_at_${phase}_the_backup_fails_124_writer_not_responding"
	# The server drops the connection's locks as it sees it closed.
	end=$((SECONDS + 10))
	while [ $SECONDS -lt $end ]; do
		[ "$(backup_locks)" = 0 ] && [ "$(others)" = 0 ] && break
		sleep 0.1
	done
	locks=$(backup_locks)
	# A MyISAM write and an InnoDB commit from another connection, each
	# failing (1205) if it waits more than 2 s for a backup lock.
	mid=$((mid + 1))
	t=$(date +%s%N)
	sql "$sock" "SET SESSION lock_wait_timeout = 2; SET SESSION innodb_lock_wait_timeout = 2;
		INSERT INTO vt.m (id, payload) VALUES ($mid, 'after');
		START TRANSACTION; INSERT INTO vt.t1 (id, payload) VALUES ($mid, 'after');
		INSERT INTO vt.t2 (id, v) VALUES ($mid, $((mid * 7))); COMMIT" >"$work/write-$phase.out" 2>&1
	rc=$?
	t=$((($(date +%s%N) - t) / 1000000))
	note "at $phase, killed: $locks backup locks, $(others) other connections; the writes took $t ms: $(cat "$work/write-$phase.out")"
	[ "$locks" = 0 ] && [ "$(others)" = 0 ] && [ $rc -eq 0 ] &&
		[ "$(sql "$sock" "SELECT (SELECT count(*) FROM vt.m WHERE id = $mid) + (SELECT count(*) FROM vt.t1 WHERE id = $mid)")" = 2 ]
	result $? "killed_at_${phase}_the_server_is_left_in_normal_mode"
	"$writer" -S "$sock root" --state-dir "$work/state" 2>"$work/writer-$phase-after.err" &
	wpid=$!
	wait_grep "writer $name registered" "$work/writer-$phase-after.err" &&
		"$vssctl" backup --writer "$name" "$work/data" "$work/log" -- true \
		2>"$work/after-$phase.err" &&
		grep -q "BACKUP STAGE END; commits blocked" "$work/writer-$phase-after.err"
	result $? "killed_at_${phase}_the_next_backup_succeeds"
}

t1=$(date +%s)
kill_at identify 0 identify
kill_at prepare 1 prepare-snapshot
kill_at freeze 1 freeze
kill_at thaw 1 thaw
note "the writer killed at four events in $(($(date +%s) - t1)) s"

kill -TERM "$spid"
wait "$spid"
spid=
"$vssctl" backup --writer "$name" "$work/data" "$work/log" -- true 2>"$work/down.err"
rc=$?
note "$(cat "$work/down.err")"
want="writer $name: failed-at-prepare-snapshot, failure retryable: server $sock: cannot connect: Can't connect to local server through socket '$sock' (2)"
[ $rc -eq 124 ] && grep -qF "$want" "$work/down.err"
result $? "a_set_while_the_server_is_down_is_vetoed_retryable_with_the_writers_message"

note "done at $(($(date +%s) - t0)) s"
echo "1..$n"
[ $failed -eq 0 ]
