#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# vss-sqlite-writer against the real module: a WAL-mode SQLite database on
# an ext4 on a loop device, under a continuous write load that logs each
# committed id with CLOCK_MONOTONIC after COMMIT returns and never
# checkpoints. A backup with the writer selected (strict), copying only the
# main .db file out of the snapshot, as a file-level backup of "the
# database" would: the copy passes PRAGMA integrity_check and holds every
# id committed before the writer held the write lock at Freeze, and nothing
# that was not committed; the load goes on after Thaw. The same backup
# without the writer: the copy is consistent but misses the transactions
# that were only in the WAL (asserted: at least one; the count is printed).
# Last, for the figures only, the same without the writer and with SQLite's
# default automatic checkpoints: what a copy loses then depends on the
# moment (nothing asserted but that the backup ran). Then freezes that end
# otherwise than by Thaw, with the engine's window stretched to 4 s: the
# requester SIGKILLed while the lock is held (the writer gets Abort), and a
# freeze outliving the writer's --freeze-timeout 5 (its own deadline; the
# backup fails with writer-timeout): the lock goes each time, and the load
# goes on.
set -u

top=$(cd "$(dirname "$0")/../../.." && pwd)
writer=$top/tools/vss-sqlite-writer/vss-sqlite-writer
backup=$top/build/selftests/helpers/vss-test-backup
load=$top/selftests/helpers/sqlite_load.py
vssctl=$top/tools/vssctl/vssctl
work=$(mktemp -d /tmp/vss-sqlite.XXXXXX)
mnt=$work/mnt
name=test-sqlite
lpid=
wpid=
bpid=

tap_prefix=sqlite
# shellcheck source=selftests/lib/tap.sh
. "$top/selftests/lib/tap.sh"
# shellcheck source=selftests/lib/wait.sh
. "$top/selftests/lib/wait.sh"

cleanup() {
	echo 0 > /sys/module/vss/parameters/test_hold_delay_ms
	[ -n "$bpid" ] && kill -KILL "$bpid" 2>/dev/null
	[ -n "$lpid" ] && kill -KILL "$lpid" 2>/dev/null
	[ -n "$wpid" ] && kill -KILL "$wpid" 2>/dev/null
	wait
	umount "$work/snap" 2>/dev/null
	umount "$mnt" 2>/dev/null
	[ -n "${dev:-}" ] && "$vssctl" storage remove "$dev" >/dev/null 2>&1
	[ -n "${dev:-}" ] && losetup -d "$dev"
	rm -rf "$work"
}
trap cleanup EXIT

# Waits up to 60 s for FILE to have N lines.

# The snapshot's main database file, and only it, as a file backup copies
# "the database". Run by the requester between DoSnapshotSet and
# BackupComplete, with VSS_SNAPSHOT_0 the snapshot device.
cat > "$work/copy.sh" <<EOF
#!/bin/sh
mount -o ro "\$VSS_SNAPSHOT_0" $work/snap &&
	cp "$work/snap/\$1.db" "$work/\$1.copy.db"
rc=\$?
umount $work/snap
exit \$rc
EOF
chmod 755 "$work/copy.sh"

# The backup, as a requester would run it (vssctl backup once it exists).
run_backup() { # run_backup CASE [OPTION...] -> $out, $rc
	local c=$1
	shift
	out=$("$backup" "$@" --exec "$work/copy.sh $c" "$mnt")
	rc=$?
	note "$out"
}

# Compares the copy with the load's log: prints "before in_copy missing
# extra gaps integrity last_copied"; REF_NS is the moment that counts as
# Freeze.
analyse() { # analyse CASE REF_NS
	python3 - "$work/$1.copy.db" "$work/$1.log" "$2" <<'EOF'
import sqlite3, sys
copy, log, ref = sys.argv[1], sys.argv[2], int(sys.argv[3])
conn = sqlite3.connect(copy)
integrity = conn.execute("PRAGMA integrity_check").fetchone()[0]
ids = [r[0] for r in conn.execute("SELECT id FROM t ORDER BY id")]
logged = {}
for line in open(log):
    i, t = line.split()
    logged[int(i)] = int(t)
before = {i for i, t in logged.items() if t < ref}
have = set(ids)
missing = len(before - have)
extra = len(have - set(logged))
gaps = 0 if not ids or ids == list(range(1, ids[-1] + 1)) else 1
print(len(before), len(have), missing, extra, gaps,
      "ok" if integrity == "ok" else "bad", ids[-1] if ids else 0)
EOF
}

# One case: fresh database, load, optional writer, backup, copy, verdict.
run_case() { # run_case CASE WITH_WRITER [AUTOCHECKPOINT]
	local c=$1 with=$2 db=$mnt/$1.db
	sqlite3 "$db" "PRAGMA journal_mode=WAL; CREATE TABLE t(id INTEGER PRIMARY KEY, payload BLOB);" >/dev/null &&
		[ "$(sqlite3 "$db" "PRAGMA journal_mode")" = wal ]
	result $? "${c}_database_created_in_wal_mode"

	python3 "$load" "$db" "$work/$c.log" "${3:-0}" 2>"$work/$c.load.err" &
	lpid=$!
	if [ "$with" = 1 ]; then
		"$writer" --name "$name" --freeze-timeout 30 "$db" 2>"$work/writer.err" &
		wpid=$!
		wait_grep "writer $name registered" "$work/writer.err" 30
		result $? "${c}_writer_registers"
	fi
	# Enough history that a loss shows, and the WAL never checkpointed.
	wait_lines "$work/$c.log" 200
	result $? "${c}_load_commits_continuously"

	if [ "$with" = 1 ]; then
		run_backup "$c" --select "$name" --strict
	else
		run_backup "$c"
	fi
	[ $rc -eq 0 ] && [ -f "$work/$c.copy.db" ]
	result $? "${c}_backup_succeeds_and_copies_the_db_file_from_the_snapshot"
	req=$(echo "$out" | sed -n 's/^request_ns //p')

	if [ "$with" = 1 ]; then
		echo "$out" | sed -n "s/^metadata $name //p" | python3 -c "
import json, sys
d = json.load(sys.stdin)
c = d['components']
assert d['document'] == 'vss-writer-metadata' and d['writer']['name'] == '$name', d
assert len(c) == 1 and c[0]['type'] == 'database' and c[0]['name'] == '$c.db', c
assert c[0]['logical_path'] == '$mnt' and c[0]['selectable'], c
assert [(f['path'], f['filespec']) for f in c[0]['database_files']] == [('$mnt', '$c.db')], c
assert [(f['path'], f['filespec']) for f in c[0]['log_files']] == [('$mnt', '$c.db-wal')], c
"
		result $? "${c}_writer_metadata_lists_the_database_as_a_component"
		echo "$out" | grep -qx "status $name waiting-for-backup-complete none 0 "
		result $? "${c}_writer_status_waiting_for_backup_complete"
		held=$(sed -n 's/.*write lock held since mono \([0-9]*\),.*/\1/p' "$work/writer.err")
		released=$(sed -n 's/.*write locks released (thaw) at mono \([0-9]*\)$/\1/p' "$work/writer.err")
		note "$(cat "$work/writer.err")"
		[ -n "$held" ] && [ -n "$released" ] && [ -n "$req" ] &&
			[ "$held" -gt "$req" ] && [ "$released" -gt "$held" ]
		result $? "${c}_writer_held_the_lock_from_freeze_to_thaw"
		ref=$held
	else
		ref=$req
	fi
	# The load must go on after Thaw: 50 more commits.
	total=$(wc -l < "$work/$c.log")
	wait_lines "$work/$c.log" $((total + 50))
	result $? "${c}_load_goes_on_after_the_backup"

	kill -TERM "$lpid"
	wait "$lpid"
	result $? "${c}_load_ends_without_error"
	lpid=
	if [ -n "$wpid" ]; then
		kill -TERM "$wpid"
		wait "$wpid"
		result $? "${c}_writer_exits_0_on_sigterm"
		wpid=
	fi

	if [ -z "$ref" ]; then
		verdict="0 0 0 0 0 none 0"
	else
		verdict=$(analyse "$c" "$ref")
	fi
	# shellcheck disable=SC2086 # the fields
	set -- $verdict
	before=$1 have=$2 missing=$3 extra=$4 gaps=$5 integrity=$6 last=$7
	note "$c: $before transactions committed before Freeze, $have rows in the .db copy (last id $last), $missing of them missing, $extra never committed, integrity_check $integrity"
}

# Waits up to 60 s for a line matching PATTERN in FILE.

# A freeze that ends otherwise than by Thaw: load and writer as above, the
# engine's window stretched to $hold_ms ms (default 4 s), the backup in
# the background ($bpid).
start_interrupted() { # start_interrupted CASE WRITER_OPTION...
	local c=$1 db=$mnt/$1.db
	shift
	sqlite3 "$db" "PRAGMA journal_mode=WAL; CREATE TABLE t(id INTEGER PRIMARY KEY, payload BLOB);" >/dev/null
	python3 "$load" "$db" "$work/$c.log" 2>"$work/$c.load.err" &
	lpid=$!
	"$writer" --name "$name" "$@" "$db" 2>"$work/$c.writer.err" &
	wpid=$!
	wait_grep "writer $name registered" "$work/$c.writer.err" &&
		wait_lines "$work/$c.log" 50 &&
		echo "${hold_ms:-4000}" > /sys/module/vss/parameters/test_hold_delay_ms &&
		{ "$backup" --select "$name" --strict "$mnt" >"$work/$c.backup.out" 2>&1 &
		  bpid=$!; }
}

# After the freeze: the load commits 50 more, then load and writer stop.
end_interrupted() { # end_interrupted CASE
	local total
	echo 0 > /sys/module/vss/parameters/test_hold_delay_ms
	total=$(wc -l < "$work/$1.log")
	wait_lines "$work/$1.log" $((total + 50))
	result $? "${1}_load_goes_on"
	kill -TERM "$lpid" "$wpid"
	wait "$lpid" "$wpid" 2>/dev/null
	lpid=''
	wpid=''
	note "$(cat "$work/$1.writer.err")"
}

echo "TAP version 13"

modprobe loop
mkdir -p "$mnt" "$work/snap"
truncate -s 256M "$work/fs.img"
dev=$(losetup --find --show "$work/fs.img")
mkfs.ext4 -q "$dev" && mount "$dev" "$mnt" &&
	"$vssctl" storage add "$dev" --max 128M >/dev/null
result $? "setup_ext4_on_a_loop_device_with_storage"

# ---- with the writer ----

run_case with 1
[ "$integrity" = ok ]
result $? "with_writer_copy_passes_integrity_check"
[ "$before" -ge 200 ] && [ "$missing" -eq 0 ]
result $? "with_writer_copy_holds_every_transaction_committed_before_freeze"
[ "$extra" -eq 0 ] && [ "$gaps" -eq 0 ]
result $? "with_writer_copy_holds_nothing_uncommitted_and_no_gap"
with_missing=$missing with_before=$before

# ---- the same with vssctl backup, as an administrator runs it ----

c=vssctl
sqlite3 "$mnt/$c.db" "PRAGMA journal_mode=WAL; CREATE TABLE t(id INTEGER PRIMARY KEY, payload BLOB);" >/dev/null
python3 "$load" "$mnt/$c.db" "$work/$c.log" 2>"$work/$c.load.err" &
lpid=$!
"$writer" --name "$name" --freeze-timeout 30 "$mnt/$c.db" 2>"$work/$c.writer.err" &
wpid=$!
wait_grep "writer $name registered" "$work/$c.writer.err" && wait_lines "$work/$c.log" 200
result $? "${c}_writer_registers_and_load_commits"
# The command copies the .db file alone out of the mounted snapshot; the
# path is the shell's, from the environment (vssctl replaces no {} inside
# an argument).
# shellcheck disable=SC2016
"$vssctl" backup --writer "$name" "$mnt" -- sh -c 'cp "$VSS_MOUNT_0/vssctl.db" "$1"' x "$work/$c.copy.db" \
	2>"$work/$c.backup.err"
rc=$?
note "$(cat "$work/$c.backup.err")"
[ $rc -eq 0 ] && [ -f "$work/$c.copy.db" ] &&
	grep -q "^vssctl: BackupComplete: components marked backed up$" "$work/$c.backup.err"
result $? "${c}_backup_with_the_writer_exits_0_and_marks_the_component_backed_up"
held=$(sed -n 's/.*write lock held since mono \([0-9]*\),.*/\1/p' "$work/$c.writer.err")
total=$(wc -l < "$work/$c.log")
wait_lines "$work/$c.log" $((total + 50))
result $? "${c}_load_goes_on_after_the_backup"
kill -TERM "$lpid" "$wpid"
wait "$lpid" "$wpid" 2>/dev/null
lpid=''
wpid=''
verdict=$(analyse "$c" "${held:-0}")
# shellcheck disable=SC2086 # the fields
set -- $verdict
note "$c: $1 transactions committed before Freeze, $2 rows in the .db copy, $3 missing, $4 never committed, integrity_check $6"
[ -n "$held" ] && [ "$6" = ok ] && [ "$1" -ge 200 ] && [ "$3" -eq 0 ] && [ "$4" -eq 0 ] && [ "$5" -eq 0 ]
result $? "${c}_copy_passes_integrity_check_and_holds_every_transaction_committed_before_freeze"
"$vssctl" -j snapshot list | python3 -c 'import json,sys; sys.exit(len(json.load(sys.stdin)))'
result $? "${c}_backup_leaves_no_snapshot"

# ---- without it ----

run_case without 0
[ "$integrity" = ok ]
result $? "without_writer_copy_is_consistent"
[ "$before" -ge 200 ] && [ "$missing" -gt 0 ]
result $? "without_writer_copy_misses_transactions_that_were_only_in_the_wal"

without_missing=$missing without_before=$before

# ---- without it, SQLite's default automatic checkpoints (figures only) ----

run_case auto 0 1000
# ---- the requester dies while the lock is held: Abort releases it ----

start_interrupted abort --freeze-timeout 30
# Killed while the lock is held: the writer said it holds it and had not
# said it released it when the signal went, and the requester died of
# that signal (137), not by ending on its own first.
rc=1
if wait_grep "write lock held since" "$work/abort.writer.err" &&
	! grep -q "write locks released" "$work/abort.writer.err" &&
	kill -KILL "$bpid"; then
	wait "$bpid" 2>/dev/null
	rc=$?
	note "requester's wait status after SIGKILL: $rc"
fi
bpid=
[ "$rc" -eq 137 ]
result $? "abort_requester_killed_while_the_lock_is_held"
wait_grep "write locks released (abort)" "$work/abort.writer.err"
result $? "abort_releases_the_lock"
end_interrupted abort

# ---- the freeze outlives the writer's freeze timeout: its own deadline ----

# 5 s, the window stretched to 8 s (the hold watchdog is at 10 s): taking
# the lock under the load may itself take seconds on a loaded TCG host,
# and a lock not had in time is a veto, not this case.
hold_ms=8000 start_interrupted deadline --freeze-timeout 5
wait "$bpid"
rc=$?
bpid=
note "$(cat "$work/deadline.backup.out")"
[ $rc -eq 1 ] &&
	grep -q "^do-snapshot-set error EREMOTEIO status writer-timeout " "$work/deadline.backup.out" &&
	grep -q "write locks released (deadline)" "$work/deadline.writer.err"
result $? "deadline_releases_the_lock_and_the_backup_fails_writer_timeout"
end_interrupted deadline

note "with the writer: $with_missing of $with_before committed transactions missing from the .db copy"
note "without it: $without_missing of $without_before committed transactions missing from the .db copy"
note "without it, automatic checkpoints every 1000 pages: $missing of $before missing, integrity_check $integrity"
echo "1..$n"
[ $failed -eq 0 ]
