#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# `vssctl backup` against the real module, with a libvss writer
# (build/selftests/helpers/vss_test_writer) registered. On an ext4 and an
# xfs on loop devices: files with known checksums, COMMAND changes the
# origin and then archives the snapshot with tar; the archive has the
# checksums of before, the origin the change; the writer gets exactly
# Identify ... PostSnapshot, BackupComplete with its component marked
# backed up, BackupShutdown; the mount was read-only with its
# filesystem's options and seen by COMMAND only (a private mount
# namespace). COMMAND failing: vssctl exits with its status and the
# component is marked failed. SIGTERM while COMMAND runs: 143, COMMAND
# stopped, the writer gets BackupShutdown without BackupComplete, no
# snapshot, no mount, nothing frozen. A raw volume: COMMAND gets the
# snapshot device, which has the data of the instant. A block device's
# filesystem is mounted only if the host mounts that device itself (or
# with --mount-untrusted); otherwise COMMAND gets the device. SIGTERM while a
# writer freezes: Abort, 143, no snapshot. A vetoing writer: 124 and
# nothing left; excluded, it cannot veto.
# shellcheck disable=SC2016 # the $VSS_ references are for vssctl or COMMAND
set -u

top=$(cd "$(dirname "$0")/../../.." && pwd)
vssctl=$top/tools/vssctl/vssctl
twriter=$top/build/selftests/helpers/vss_test_writer
work=$(mktemp -d /tmp/vssctl-backup.XXXXXX)
devs=()
wpid=

tap_prefix=vssctl
# shellcheck source=selftests/lib/tap.sh
. "$top/selftests/lib/tap.sh"

json() { python3 -c "import json,sys; d=json.load(sys.stdin); print($1)"; }

# Mounts of snapshot devices in any process's namespace.
snap_mounts() { cat /proc/[0-9]*/mountinfo 2>/dev/null | grep -c ' /dev/vss-snap'; }

start_writer() { # start_writer NAME [veto] -> $wpid, log $work/NAME.log
	: > "$work/$1.log"
	"$twriter" "$1" "$work/$1.log" ${2:+"$2"} &
	wpid=$!
	for _ in $(seq 100); do
		grep -qx ready "$work/$1.log" && return 0
		sleep 0.1
	done
	return 1
}

stop_writer() {
	[ -n "$wpid" ] && kill "$wpid" 2>/dev/null && wait "$wpid" 2>/dev/null
	wpid=
}

# The events a writer got, on one line, after "ready", once the last,
# BackupShutdown, has come: the module sends it after the release's ack.
events() {
	for _ in $(seq 100); do
		[ "$(tail -n 1 "$work/$1.log")" = backup-shutdown ] && break
		sleep 0.1
	done
	grep -vx ready "$work/$1.log" | tr '\n' ' ' | sed 's/ $//'
}

cleanup() {
	stop_writer
	"$vssctl" snapshot delete --all >/dev/null 2>&1
	umount "$work"/ext4 "$work"/xfs 2>/dev/null
	for d in "${devs[@]}"; do
		"$vssctl" storage remove "$d" >/dev/null 2>&1
		losetup -d "$d"
	done
	rm -rf "$work"
}
trap cleanup EXIT

echo "TAP version 13"
echo "1..32"

modprobe loop
for fs in ext4 xfs raw; do
	truncate -s 320M "$work/$fs.img"
	d=$(losetup --find --show "$work/$fs.img")
	devs+=("$d")
	"$vssctl" storage add "$d" --max 64M >/dev/null
	mkdir -p "$work/$fs"
	case $fs in
	ext4) mkfs.ext4 -q "$d" && mount "$d" "$work/$fs" ;;
	xfs) mkfs.xfs -q -f "$d" && mount "$d" "$work/$fs" ;;
	raw) dd if=/dev/urandom of="$d" bs=1M count=4 status=none conv=fsync ;;
	esac
done

full="identify prepare-backup prepare-snapshot freeze thaw post-snapshot"

for fs in ext4 xfs; do
	vol=$work/$fs
	mkdir -p "$vol/dir"
	for i in 1 2 3; do
		head -c $((i * 300000)) /dev/urandom > "$vol/dir/file$i"
	done
	echo "small" > "$vol/small"
	sync
	(cd "$vol" && find . -type f ! -path './lost+found/*' -print0 | sort -z |
		xargs -0 sha256sum) > "$work/$fs.sums"
	start_writer "w-$fs"

	# COMMAND changes the origin after the snapshot, then archives the
	# snapshot: ext4 names the mount {}, xfs '$VSS_MOUNT_0'.
	ref='{}'
	[ "$fs" = xfs ] && ref='$VSS_MOUNT_0'
	"$vssctl" -j backup "$vol" -- sh -c '
		echo changed > "$2/small"; rm "$2/dir/file1"; sync
		grep -c " /run/vss/backup-" /proc/self/mountinfo > "$3/inside"
		grep -c " /run/vss/backup-" "/proc/$4/mountinfo" > "$3/outside"
		findmnt -n -o OPTIONS "$1" > "$3/options"
		tar -C "$1" -cf "$3/$5.tar" .' \
		x "$ref" "$vol" "$work" $$ "$fs" > "$work/summary" 2> "$work/stderr"
	rc=$?
	note "$(cat "$work/stderr")"
	[ $rc -eq 0 ]
	result $? "backup_${fs}_exits_0"

	mkdir -p "$work/x-$fs"
	tar -C "$work/x-$fs" -xf "$work/$fs.tar" &&
		(cd "$work/x-$fs" && sha256sum --quiet -c "$work/$fs.sums") &&
		[ "$(cat "$vol/small")" = changed ] && [ ! -e "$vol/dir/file1" ]
	result $? "backup_${fs}_archive_has_the_files_of_the_instant_origin_changed"

	[ "$(cat "$work/inside")" = 1 ] && [ "$(cat "$work/outside")" = 0 ]
	result $? "backup_${fs}_mount_is_seen_by_command_only"

	opts=$(cat "$work/options")
	note "$fs options: $opts"
	case $fs in
	ext4) echo ",$opts," | grep -q ',ro,' && echo "$opts" | grep -q nosuid &&
		echo "$opts" | grep -q nodev && echo "$opts" | grep -q 'norecovery\|noload' ;;
	xfs) echo ",$opts," | grep -q ',ro,' && echo "$opts" | grep -q nouuid &&
		echo "$opts" | grep -q norecovery ;;
	esac
	result $? "backup_${fs}_mount_read_only_with_its_options"

	got=$(events "w-$fs")
	note "events: $got"
	[ "$got" = "$full backup-complete data=true backup-shutdown" ]
	result $? "backup_${fs}_writer_gets_every_event_and_its_component_succeeded"
	stop_writer
done

[ "$(json 'd["command_status"], d["exit_status"], d["backup_complete"], d["volumes"][0]["fstype"], d["volumes"][0]["mount"].startswith("/run/vss/backup-" + d["set_id"])' < "$work/summary")" = \
	"0 0 True xfs True" ]
result $? "backup_json_summary"

# The README's example, as a newcomer types it.
"$vssctl" backup "$work/xfs" -- tar -C '$VSS_MOUNT_0' -czf "$work/readme.tgz" . 2>/dev/null &&
	[ "$(tar -tzf "$work/readme.tgz" | grep -c '^\./small$')" = 1 ]
result $? "backup_readme_example_archives_the_volume"

grep -q "^vssctl: set .*: consistency frozen, freeze window [0-9.]*ms$" "$work/stderr" &&
	grep -q "^vssctl: events: PrepareForSnapshot, Freeze w-xfs, snapshot" "$work/stderr"
result $? "backup_progress_names_the_set_window_and_writers"

[ "$("$vssctl" -j snapshot list)" = "[]" ] && [ "$(snap_mounts)" -eq 0 ] &&
	[ -z "$(ls /run/vss 2>/dev/null)" ]
result $? "backup_leaves_no_snapshot_and_no_mount"

# COMMAND fails: its status, the component marked failed.
start_writer w-fail
"$vssctl" backup "$work/ext4" -- sh -c 'exit 7' 2> "$work/stderr"
rc=$?
note "$(cat "$work/stderr")"
[ $rc -eq 7 ] && grep -qx "vssctl: BackupComplete: components marked failed" "$work/stderr"
result $? "backup_exits_with_the_status_of_a_failing_command"
got=$(events w-fail)
note "events: $got"
[ "$got" = "$full backup-complete data=false backup-shutdown" ]
result $? "backup_of_a_failing_command_marks_the_component_failed"
stop_writer

# SIGTERM while COMMAND runs.
start_writer w-term
rm -f "$work/pid"
"$vssctl" backup "$work/ext4" -- sh -c 'echo $$ > "$1"; exec sleep 60' x "$work/pid" \
	2> "$work/stderr" &
bpid=$!
for _ in $(seq 200); do
	[ -s "$work/pid" ] && break
	sleep 0.1
done
cpid=$(cat "$work/pid")
[ "$("$vssctl" -j snapshot list | json 'len(d)')" = 1 ]
result $? "backup_snapshot_exists_while_command_runs"
kill -TERM "$bpid"
wait "$bpid"
rc=$?
note "$(cat "$work/stderr")"
[ $rc -eq 143 ] && ! kill -0 "$cpid" 2>/dev/null
result $? "backup_sigterm_exits_143_and_stops_command"
got=$(events w-term)
note "events: $got"
[ "$got" = "$full backup-shutdown" ]
result $? "backup_sigterm_writer_gets_backup_shutdown_without_backup_complete"
[ "$("$vssctl" -j snapshot list)" = "[]" ] && [ "$(snap_mounts)" -eq 0 ] &&
	! ls /dev/vss-snap* >/dev/null 2>&1 && [ "$("$vssctl" -j fs list)" = "[]" ] &&
	timeout 10 sh -c "echo writable > '$work/ext4/after-term'"
result $? "backup_sigterm_leaves_no_snapshot_no_mount_nothing_frozen"
stop_writer

# vssctl SIGKILLed while COMMAND runs: the module releases the session
# with the socket (BackupShutdown, snapshot deleted); COMMAND, not told,
# goes on reading the snapshot, and its mount goes with its namespace
# when COMMAND ends.
start_writer w-kill
rm -f "$work/pid"
"$vssctl" backup "$work/ext4" -- sh -c 'echo $$ > "$1"; sleep 3; cat "$2/small" > "$3/read-after-kill"' \
	x "$work/pid" '{}' "$work" 2> /dev/null &
bpid=$!
for _ in $(seq 200); do
	[ -s "$work/pid" ] && break
	sleep 0.1
done
cpid=$(cat "$work/pid")
kill -KILL "$bpid"
wait "$bpid"
rc=$?
got=$(events w-kill)
note "events: $got"
for _ in $(seq 100); do
	kill -0 "$cpid" 2>/dev/null || break
	sleep 0.1
done
note "COMMAND read after the kill: $(cat "$work/read-after-kill" 2>&1)"
[ $rc -eq 137 ] && [ "$got" = "$full backup-shutdown" ] &&
	! kill -0 "$cpid" 2>/dev/null && [ "$(snap_mounts)" -eq 0 ] &&
	[ "$("$vssctl" -j snapshot list)" = "[]" ] && [ "$("$vssctl" -j fs list)" = "[]" ]
result $? "backup_sigkilled_leaves_no_session_snapshot_or_mount_once_command_ends"
stop_writer

# SIGTERM while a writer takes 3 s to freeze: DoSnapshotSet cancelled,
# the writer gets Abort, COMMAND never runs, no snapshot is made.
start_writer w-slow slow
rm -f "$work/ran"
"$vssctl" backup "$work/ext4" -- touch "$work/ran" 2> "$work/stderr" &
bpid=$!
for _ in $(seq 200); do
	grep -qx freeze "$work/w-slow.log" && break
	sleep 0.1
done
kill -TERM "$bpid"
wait "$bpid"
rc=$?
note "$(cat "$work/stderr")"
got=$(events w-slow)
note "events: $got"
[ $rc -eq 143 ] && [ ! -e "$work/ran" ] &&
	[ "$got" = "identify prepare-backup prepare-snapshot freeze abort backup-shutdown" ] &&
	[ "$("$vssctl" -j snapshot list)" = "[]" ] && [ "$("$vssctl" -j fs list)" = "[]" ] &&
	timeout 10 sh -c "echo writable > '$work/ext4/after-cancel'"
result $? "backup_sigterm_during_freeze_cancels_with_abort_and_leaves_nothing"
stop_writer

# A raw volume: COMMAND gets the snapshot device; overwritten origin.
head -c 1M "${devs[2]}" > "$work/raw.before"
"$vssctl" backup "${devs[2]}" -- sh -c '
	dd if=/dev/zero of="$2" bs=1M count=1 conv=fsync status=none
	printf "%s|%s|" "$VSS_FSTYPE_0" "$1" > "$3/raw.env"
	head -c 1M "$1" > "$3/raw.snap"' x '{}' "${devs[2]}" "$work" \
	2> "$work/stderr"
rc=$?
note "$(cat "$work/stderr")"
IFS='|' read -r rawtype rawpath < "$work/raw.env"
[ $rc -eq 0 ] && [ -z "$rawtype" ] && [[ "$rawpath" == /dev/vss-snap* ]] &&
	cmp -s "$work/raw.snap" "$work/raw.before" &&
	! cmp -s <(head -c 1M "${devs[2]}") "$work/raw.before"
result $? "backup_of_a_raw_volume_passes_the_device_with_the_data_of_the_instant"

# Trust: what COMMAND saw, "FSTYPE|MOUNT|snapshot mounts in its namespace".
saw='printf "%s|%s|%s" "$VSS_FSTYPE_0" "$VSS_MOUNT_0" "$(grep -c " /dev/vss-snap" /proc/self/mountinfo)" > "$1/saw"'
"$vssctl" backup "${devs[0]}" -- sh -c "$saw" x "$work" 2> "$work/stderr"
rc=$?
note "$(cat "$work/stderr")"
IFS='|' read -r t m c < "$work/saw"
[ $rc -eq 0 ] && [ "$t" = ext4 ] && [[ "$m" == /run/vss/backup-*/0 ]] && [ "$c" -eq 1 ]
result $? "backup_of_a_block_device_the_host_mounts_mounts_its_snapshot"
# The raw volume gets an ext4 that the host never mounted.
mkfs.ext4 -q -F "${devs[2]}"
"$vssctl" backup "${devs[2]}" -- sh -c "$saw" x "$work" 2> "$work/stderr"
rc=$?
note "$(cat "$work/stderr")"
IFS='|' read -r t m c < "$work/saw"
[ $rc -eq 0 ] && [ -z "$t" ] && [[ "$m" == /dev/vss-snap* ]] && [ "$c" -eq 0 ] &&
	grep -q "holds ext4, but ${devs[2]} is not mounted here as such: not mounted (the host does not trust it), COMMAND gets the device$" "$work/stderr"
result $? "backup_of_a_block_device_the_host_does_not_mount_passes_the_device"
"$vssctl" backup --mount-untrusted "${devs[2]}" -- sh -c "$saw" x "$work" 2> "$work/stderr"
rc=$?
note "$(cat "$work/stderr")"
IFS='|' read -r t m c < "$work/saw"
[ $rc -eq 0 ] && [ "$t" = ext4 ] && [[ "$m" == /run/vss/backup-*/0 ]] && [ "$c" -eq 1 ] &&
	grep -q "mounted anyway (--mount-untrusted)$" "$work/stderr"
result $? "backup_mount_untrusted_mounts_it_anyway"

# No diff storage: a default one for the backup. The ext4 volume's storage
# is removed; a filesystem that is no volume holds the storage directory
# (320M volume: a file of 64M, the floor over a tenth).
"$vssctl" storage remove "${devs[0]}" >/dev/null
truncate -s 256M "$work/st.img"
std=$(losetup --find --show "$work/st.img")
mkfs.ext4 -q "$std" && mkdir -p "$work/stfs" && mount "$std" "$work/stfs" &&
	mkdir -m 700 "$work/stfs/st"
"$vssctl" backup --storage-dir "$work/stfs/st" "$work/ext4" -- \
	sh -c 'test -s "$1/dir/file2" && "$2" -j storage list > "$3/during"' \
	x '{}' "$vssctl" "$work" 2> "$work/stderr"
rc=$?
note "$(cat "$work/stderr")"
[ $rc -eq 0 ] &&
	grep -qx "vssctl: $work/ext4 (${devs[0]}) has no diff storage: added a file storage in $work/stfs/st, at most 64M (a tenth of the volume, at least 64M, within half of the free space there)" "$work/stderr" &&
	grep -qx "vssctl: removed the diff storage added for ${devs[0]}" "$work/stderr" &&
	python3 -c 'import json,sys; d=[s for s in json.load(open(sys.argv[1])) if "/dev/" + s["origin"] == sys.argv[2] or s["origin"] == sys.argv[2]]; sys.exit(not (len(d) == 1 and d[0]["kind"] == "file" and d[0]["max_bytes"] == 64 << 20))' "$work/during" "${devs[0]}" &&
	! "$vssctl" storage show "${devs[0]}" >/dev/null 2>&1
result $? "backup_without_storage_adds_a_file_storage_for_it_and_removes_it_after"

# The storage directory on the volume itself: kernel memory; kept.
mkdir -m 700 "$work/ext4/st"
"$vssctl" backup --keep-storage --storage-dir "$work/ext4/st" "$work/ext4" -- true 2> "$work/stderr"
rc=$?
note "$(cat "$work/stderr")"
[ $rc -eq 0 ] &&
	grep -qx "vssctl: $work/ext4: no file storage in $work/ext4/st: it is on a volume of the set" "$work/stderr" &&
	grep -qx "vssctl: $work/ext4 (${devs[0]}) has no diff storage: added one in kernel memory, at most 32M" "$work/stderr" &&
	[ "$("$vssctl" -j storage show "${devs[0]}" | python3 -c 'import json,sys; d=json.load(sys.stdin); print(d["kind"], d["max_bytes"])')" = "memory $((32 << 20))" ]
result $? "backup_keep_storage_keeps_a_memory_storage_when_the_directory_is_on_the_set"

"$vssctl" storage remove "${devs[0]}" >/dev/null
"$vssctl" backup --no-auto-storage "$work/ext4" -- true 2> "$work/stderr"
rc=$?
note "$(cat "$work/stderr")"
[ $rc -eq 125 ] && grep -q "(status insufficient-storage)$" "$work/stderr" &&
	! "$vssctl" storage show "${devs[0]}" >/dev/null 2>&1
result $? "backup_no_auto_storage_fails_insufficient_storage"
"$vssctl" storage add "${devs[0]}" --max 64M >/dev/null
umount "$work/stfs"; losetup -d "$std"

# A vetoing writer: 124, nothing left; excluded, the backup goes on.
start_writer w-veto veto
"$vssctl" backup "$work/ext4" -- true 2> "$work/stderr"
rc=$?
note "$(cat "$work/stderr")"
[ $rc -eq 124 ] && grep -q "^vssctl: writer w-veto: failed-at-freeze, failure retryable: test veto$" "$work/stderr" &&
	[ "$("$vssctl" -j snapshot list)" = "[]" ]
result $? "backup_vetoed_by_a_writer_exits_124"
"$vssctl" backup --exclude-writer w-veto "$work/ext4" -- true 2> "$work/stderr"
rc=$?
note "$(cat "$work/stderr")"
[ $rc -eq 0 ]
result $? "backup_excluding_the_vetoing_writer_succeeds"
stop_writer

[ "$(snap_mounts)" -eq 0 ] && [ "$("$vssctl" -j snapshot list)" = "[]" ] &&
	[ "$("$vssctl" -j fs list)" = "[]" ]
result $? "nothing_left"

[ $failed -eq 0 ]
