#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# `vssctl backup` against the fake libvss and the fake mount layer: the
# requester sequence call by call; the backup components document with
# every component of the selected writers, marked backed up or failed by
# COMMAND's exit status; COMMAND's environment and the {} {N} $VSS_NAME
# substitutions; --writer, --exclude-writer, --type, --no-substitute;
# exit codes (COMMAND's, 124 veto, 125 vssctl failed, 126, 127, 143 on
# SIGTERM with COMMAND's process group signalled and everything cleaned
# up); the -j summary; usage errors exit 2 without asking libvss anything;
# on a terminal, COMMAND reads it and gets Ctrl-C (130) and Ctrl-Z (vssctl
# stops with it, fg continues both).
# shellcheck disable=SC2016 # the $VSS_ references are for vssctl to expand
set -u
name=backup-fake
. "$(dirname "$0")/fake-lib.sh"
export FAKE_LIBVSS=loaded
unset FAKE_MOUNTS

SET=bbbbbbbb-0001-4002-8003-040506070809
RUN=/run/vss/backup-$SET
# The document, with every component's backup_succeeded as $1.
doc() {
	echo '{"document":"vss-backup-components","version":1,"backup_type":"'"${2:-full}"'","options":{"select_components":true,"bootable_system_state":false,"partial_file_support":false},"writers":[{"class_id":"c1a55000-0000-4000-8000-000000000001","instance_id":"1e570001-0000-4000-8000-000000000002","components":[{"logical_path":"15/main","name":"cluster","backup_succeeded":'"$1"',"selected_for_restore":false,"restore_target":"undefined","restore_status":"undefined"},{"logical_path":"","name":"configuration","backup_succeeded":'"$1"',"selected_for_restore":false,"restore_target":"undefined","restore_status":"undefined"}]}]}'
}
EMPTY_DOC='{"document":"vss-backup-components","version":1,"backup_type":"full","options":{"select_components":true,"bootable_system_state":false,"partial_file_support":false},"writers":[]}'

# The calls of a backup of /srv and /dev/vdx up to COMMAND.
calls_before() { # calls_before FLAGS DOC [TYPE]
	cat <<EOT
backup_new
backup_gather_metadata
backup_set_type ${3:-1}
backup_set_document $2
backup_prepare
backup_start_snapshot_set
backup_add_volume /srv
backup_add_volume /dev/vdx
backup_do_snapshot_set flags=$1
private_mounts /run/vss
mkdir $RUN
probe /dev/vss-snap3
host_mount /dev/vda1
mkdir $RUN/0
mount /dev/vss-snap3 $RUN/0 type=ext4 flags=ro,nosuid,nodev data=noload
probe /dev/vss-snap4
host_mount /dev/vdb1
mkdir $RUN/1
mount /dev/vss-snap4 $RUN/1 type=xfs flags=ro,nosuid,nodev data=nouuid,norecovery
EOT
}
calls_after() {
	cat <<EOT
umount $RUN/1
rmdir $RUN/1
umount $RUN/0
rmdir $RUN/0
rmdir $RUN
backup_delete_snapshots
backup_free
EOT
}
err_before="vssctl: session 7: 2 writers: PostgreSQL Writer (back-end), app (front-end)
vssctl: events: PrepareForSnapshot, Freeze app, PostgreSQL Writer, snapshot, Thaw in reverse, PostSnapshot
vssctl: set $SET: consistency frozen, freeze window 1.234567ms
vssctl: /srv: /dev/vss-snap3 (ext4) at $RUN/0
vssctl: /dev/vdx: /dev/vss-snap4 (xfs) at $RUN/1"

# COMMAND: its environment's VSS_ variables, then its arguments.
show='env | grep ^VSS_ | sort; printf "<%s>" "$@"; echo'

run backup /srv /dev/vdx -- sh -c "$show" x '{}' '{1}' '$VSS_SNAPSHOT_SET_ID' \
	'${VSS_DEVICE_1}x' '$HOME{a}' '{x}' '$VSS' '${VSS_ORIGIN_0'
expect "success: COMMAND's environment and substitutions, exit 0" 0 \
"VSS_BACKUP_TYPE=full
VSS_CHANGES_0=
VSS_CHANGES_1=
VSS_DEVICE_0=/dev/vss-snap3
VSS_DEVICE_1=/dev/vss-snap4
VSS_FSTYPE_0=ext4
VSS_FSTYPE_1=xfs
VSS_FULL_0=1
VSS_FULL_1=1
VSS_MOUNT_0=$RUN/0
VSS_MOUNT_1=$RUN/1
VSS_ORIGIN_0=/dev/vda1
VSS_ORIGIN_1=/dev/vdb1
VSS_SNAPSHOT_ID_0=10101010-1010-1010-1010-101010101010
VSS_SNAPSHOT_ID_1=20202020-2020-2020-2020-202020202020
VSS_SNAPSHOT_SET_ID=$SET
VSS_TOKEN_0=
VSS_TOKEN_1=
VSS_VOLUME_0=/srv
VSS_VOLUME_1=/dev/vdx
VSS_VOLUME_COUNT=2
<$RUN/0><$RUN/1><$SET><\${VSS_DEVICE_1}x><\$HOME{a}><{x}><\$VSS><\${VSS_ORIGIN_0>" \
"$err_before
vssctl: COMMAND exited with status 0
vssctl: BackupComplete: components marked backed up
vssctl: 2 snapshots deleted"
expect_calls "success: the whole sequence, components marked backed up" \
"$(calls_before 6 "$(doc false)")
backup_set_document $(doc true)
backup_complete
$(calls_after)"

run -j backup /srv /dev/vdx -- true
expect "-j: a JSON summary on stdout" 0 \
"{\"set_id\":\"$SET\",\"backup_type\":\"full\",\"volumes\":[{\"volume\":\"/srv\",\"origin\":\"/dev/vda1\",\"device\":\"/dev/vss-snap3\",\"snapshot_id\":\"10101010-1010-1010-1010-101010101010\",\"fstype\":\"ext4\",\"mount\":\"$RUN/0\"},{\"volume\":\"/dev/vdx\",\"origin\":\"/dev/vdb1\",\"device\":\"/dev/vss-snap4\",\"snapshot_id\":\"20202020-2020-2020-2020-202020202020\",\"fstype\":\"xfs\",\"mount\":\"$RUN/1\"}],\"command_status\":0,\"backup_complete\":true,\"signal\":\"\",\"exit_status\":0}" \
"$err_before
vssctl: COMMAND exited with status 0
vssctl: BackupComplete: components marked backed up
vssctl: 2 snapshots deleted"

run backup /srv /dev/vdx -- sh -c 'exit 3'
expect "COMMAND fails: its status, components marked failed" 3 "" \
"$err_before
vssctl: COMMAND exited with status 3
vssctl: BackupComplete: components marked failed
vssctl: 2 snapshots deleted"
expect_calls "COMMAND fails: BackupComplete with backup_succeeded false" \
"$(calls_before 6 "$(doc false)")
backup_set_document $(doc false)
backup_complete
$(calls_after)"

run backup /srv /dev/vdx -- sh -c 'kill -KILL $$'
[ "$rc" -eq 137 ] && grep -qx "vssctl: COMMAND exited with status 137" "$out/stderr" &&
	grep -q "backup_succeeded\":false" "$FAKE_LOG" && ! grep -q "backup_succeeded\":true" "$FAKE_LOG"
report $? "COMMAND killed by SIGKILL: 137, components marked failed" 137

run backup /srv /dev/vdx -- /no/such/command
expect "COMMAND not found: 127 before anything is done" 127 "" \
	"vssctl: cannot run /no/such/command: No such file or directory"
expect_calls "COMMAND not found: no session" ""
PATH=/nowhere:/bin run backup /srv -- no-such-command-either
expect "COMMAND not in PATH: 127" 127 "" \
	"vssctl: cannot run no-such-command-either: No such file or directory"

touch "$out/noexec"
run backup /srv /dev/vdx -- "$out/noexec"
expect "COMMAND not executable: 126 before anything is done" 126 "" \
	"vssctl: cannot run $out/noexec: Permission denied"
PATH=$out:/bin run backup /srv -- noexec
expect "COMMAND in PATH not executable: 126" 126 "" \
	"vssctl: cannot run noexec: Permission denied"

# A COMMAND whose name comes from the set: looked up when it runs.
run backup /srv -- '{}'
expect "COMMAND named by {}: looked up on the snapshot, 127, cleaned up" 127 "" \
"vssctl: session 7: 2 writers: PostgreSQL Writer (back-end), app (front-end)
vssctl: events: PrepareForSnapshot, Freeze app, PostgreSQL Writer, snapshot, Thaw in reverse, PostSnapshot
vssctl: set $SET: consistency frozen, freeze window 1.234567ms
vssctl: /srv: /dev/vss-snap3 (ext4) at $RUN/0
vssctl: cannot run $RUN/0: No such file or directory
vssctl: 1 snapshot deleted"

run backup /srv /veto -- true
expect "a writer's veto: 124, its failure, a hint" 124 "" \
"vssctl: session 7: 2 writers: PostgreSQL Writer (back-end), app (front-end)
vssctl: DoSnapshotSet: Remote I/O error: selected writer app failed at Freeze (status writer-retryable)
vssctl: writer app: failed-at-freeze, failure retryable: disk busy
vssctl: hint: a selected writer vetoed; --exclude-writer NAME leaves it out of the document and the veto"
expect_calls "a writer's veto: nothing mounted, nothing run, released" \
"backup_new
backup_gather_metadata
backup_set_type 1
backup_set_document $(doc false)
backup_prepare
backup_start_snapshot_set
backup_add_volume /srv
backup_add_volume /veto
backup_do_snapshot_set flags=6
backup_free"

run backup /nostorage -- true
expect "no diff storage: 125, the module's reason, a hint" 125 "" \
"vssctl: session 7: 2 writers: PostgreSQL Writer (back-end), app (front-end)
vssctl: DoSnapshotSet: No space left on device: volume has no diff storage (STORAGE_ADD first) (status insufficient-storage)
vssctl: hint: a volume has no diff storage, and none could be added for it (see above): vssctl storage add DEVICE --max SIZE"

run backup /settling -- true
expect "storage still settling: DoSnapshotSet retried, then done" 0 "" \
"vssctl: session 7: 2 writers: PostgreSQL Writer (back-end), app (front-end)
vssctl: DoSnapshotSet: Resource temporarily unavailable: a volume's diff storage is still being added; retry (status snapshot-set-in-progress)
vssctl: retrying DoSnapshotSet in 200 ms (1 of 49)
vssctl: DoSnapshotSet: Resource temporarily unavailable: a volume's diff storage is still being added; retry (status snapshot-set-in-progress)
vssctl: retrying DoSnapshotSet in 200 ms (2 of 49)
vssctl: events: PrepareForSnapshot, Freeze app, PostgreSQL Writer, snapshot, Thaw in reverse, PostSnapshot
vssctl: set $SET: consistency frozen, freeze window 1.234567ms
vssctl: /settling: /dev/vss-snap3 (ext4) at $RUN/0
vssctl: COMMAND exited with status 0
vssctl: BackupComplete: components marked backed up
vssctl: 1 snapshot deleted"
[ "$(grep -c '^backup_do_snapshot_set' "$FAKE_LOG")" = 3 ]
report $? "storage still settling: three DoSnapshotSet calls in the one session"

# ---- a default diff storage for a volume without one ----
# /auto is vdq (10 GiB, no storage in the fake); the default directory is
# on device 8 with 100 GiB free.
GiB=1073741824
export FAKE_VOLUME_DEVS="/auto=vdq:252:$((10 * GiB));/nostorage=vdq:252:$((10 * GiB));/srv=vda1:253:$((10 * GiB))"
export FAKE_STORAGE_DIR="/var/lib/vss/storage=8:$((100 * GiB));/small=8:100000000;/on-set=252:$((100 * GiB));/srv/st=9:$((100 * GiB));/open=!not owned by root, or writable by others"

run backup /auto -- true
[ "$rc" -eq 0 ] &&
	grep -qx "storage_get /dev/vdq" "$FAKE_LOG" &&
	grep -qx "storage_add /dev/vdq max=$GiB chunk=0 kind=2 path=/var/lib/vss/storage" "$FAKE_LOG" &&
	[ "$(sed -n 3p "$FAKE_LOG")" = "backup_new" ] &&
	[ "$(tail -n 1 "$FAKE_LOG")" = "storage_remove /dev/vdq" ] &&
	[ "$(head -n 1 "$out/stderr")" = "vssctl: /auto (/dev/vdq) has no diff storage: added a file storage in /var/lib/vss/storage, at most 1G (a tenth of the volume, at least 64M, within half of the free space there)" ] &&
	[ "$(tail -n 1 "$out/stderr")" = "vssctl: removed the diff storage added for /dev/vdq" ]
report $? "auto storage: a file storage, a tenth of the volume, added before the session, removed after it"

run backup /srv -- true
[ "$rc" -eq 0 ] && grep -qx "storage_get /dev/vda1" "$FAKE_LOG" &&
	! grep -q "storage_add\|storage_remove" "$FAKE_LOG"
report $? "auto storage: a volume that has storage keeps it, nothing added or removed"

run backup --storage-dir /small /auto -- true
[ "$rc" -eq 0 ] &&
	grep -qx "storage_add /dev/vdq max=$((GiB)) chunk=0" "$FAKE_LOG" &&
	[ "$(head -n 2 "$out/stderr")" = "vssctl: /auto: /small has too little free space for a file storage
vssctl: /auto (/dev/vdq) has no diff storage: added one in kernel memory, at most 1G" ]
report $? "auto storage: too little free space: memory, a tenth of the volume within an eighth of MemAvailable"

run backup --storage-dir /on-set /auto -- true
[ "$rc" -eq 0 ] && grep -qx "storage_add /dev/vdq max=$GiB chunk=0" "$FAKE_LOG" &&
	[ "$(head -n 1 "$out/stderr")" = "vssctl: /auto: no file storage in /on-set: it is on a volume of the set" ]
report $? "auto storage: a directory on a volume of the set: memory"

run backup --storage-dir /srv/st /auto -- true
[ "$rc" -eq 0 ] && grep -qx "storage_add /dev/vdq max=$GiB chunk=0 kind=2 path=/srv/st" "$FAKE_LOG" &&
	grep -qx "storage_add /dev/vdq max=$GiB chunk=0" "$FAKE_LOG" &&
	[ "$(head -n 1 "$out/stderr")" = "vssctl: /auto: a file storage in /srv/st was refused: Invalid cross-device link: fake: the storage file would be on origin vda1" ]
report $? "auto storage: a file the module refuses (EXDEV): memory"

run backup --storage-dir /open /auto -- true
[ "$rc" -eq 0 ] && grep -qx "storage_add /dev/vdq max=$GiB chunk=0" "$FAKE_LOG" &&
	[ "$(head -n 1 "$out/stderr")" = "vssctl: /auto: no file storage in /open: not owned by root, or writable by others (Operation not permitted)" ]
report $? "auto storage: a directory others can write is refused: memory"

FAKE_MEM_AVAILABLE=$((64 << 20)) run backup --storage-dir /small /nostorage -- true
[ "$rc" -eq 125 ] && ! grep -q "storage_add" "$FAKE_LOG" &&
	grep -qx "vssctl: /nostorage: not enough memory for a storage in memory either" "$out/stderr" &&
	grep -q "(status insufficient-storage)" "$out/stderr"
report $? "auto storage: no room anywhere: nothing added, DoSnapshotSet fails insufficient-storage"

run backup --keep-storage /auto -- true
[ "$rc" -eq 0 ] && grep -q "^storage_add /dev/vdq" "$FAKE_LOG" &&
	! grep -q "storage_remove" "$FAKE_LOG" &&
	[ "$(tail -n 1 "$out/stderr")" = "vssctl: kept the diff storage added for this backup (vssctl storage list; vssctl storage remove DEVICE)" ]
report $? "auto storage: --keep-storage keeps it"

run backup --no-auto-storage /nostorage -- true
[ "$rc" -eq 125 ] && ! grep -q "storage_" "$FAKE_LOG"
report $? "auto storage: --no-auto-storage asks nothing about storage"

run backup --no-auto-storage --keep-storage /auto -- true
expect_usage "auto storage: --no-auto-storage with --keep-storage: usage error" "nothing to do"
unset FAKE_VOLUME_DEVS FAKE_STORAGE_DIR

run backup --writer "PostgreSQL Writer" /srv /dev/vdx -- true
[ "$rc" -eq 0 ] && grep -qx "backup_select_writer 3" "$FAKE_LOG" &&
	[ "$(grep -c backup_select_writer "$FAKE_LOG")" -eq 1 ] &&
	grep -qx "backup_do_snapshot_set flags=6" "$FAKE_LOG" &&
	grep -qx "vssctl: 1 writer selected" "$out/stderr"
report $? "--writer: that writer alone selected, strict"

run backup --exclude-writer "PostgreSQL Writer" /srv /dev/vdx -- true
[ "$rc" -eq 0 ] && grep -qx "backup_select_writer 5" "$FAKE_LOG" &&
	[ "$(grep -c backup_select_writer "$FAKE_LOG")" -eq 1 ] &&
	[ "$(grep -cxF "backup_set_document $EMPTY_DOC" "$FAKE_LOG")" -eq 2 ]
report $? "--exclude-writer: the other writer selected, no component of the excluded"

run backup --exclude-writer app --exclude-writer="PostgreSQL Writer" /srv /dev/vdx -- true
[ "$rc" -eq 0 ] && ! grep -q backup_select_writer "$FAKE_LOG" &&
	grep -qx "backup_do_snapshot_set flags=4" "$FAKE_LOG" &&
	grep -qx "vssctl: 0 writers selected" "$out/stderr"
report $? "every writer excluded: no selection, not strict"

run backup --writer nosuch /srv -- true
expect "--writer of no writer: 125 before PrepareForBackup, a hint" 125 "" \
"vssctl: session 7: 2 writers: PostgreSQL Writer (back-end), app (front-end)
vssctl: --writer nosuch: no such writer takes part in the backup
vssctl: hint: vssctl writer list shows the registered writers"
expect_calls "--writer of no writer: released, nothing prepared" \
"backup_new
backup_gather_metadata
backup_free"

run backup --exclude-writer nosuch /srv /dev/vdx -- true
[ "$rc" -eq 0 ] && grep -qx "vssctl: warning: --exclude-writer nosuch: no such writer takes part" "$out/stderr"
report $? "--exclude-writer of no writer: a warning, the backup goes on"

run backup --type copy /srv /dev/vdx -- sh -c 'echo "$VSS_BACKUP_TYPE"'
[ "$rc" -eq 0 ] && [ "$(cat "$out/stdout")" = copy ] &&
	grep -qx "backup_set_type 5" "$FAKE_LOG" &&
	grep -qxF "backup_set_document $(doc false copy)" "$FAKE_LOG"
report $? "--type copy: in the session, the document and the environment"

run backup /srv /dev/vdx /dev/vdy -- sh -c 'printf "%s|" "$VSS_FSTYPE_2" "$VSS_MOUNT_2" "$1"' x '{2}'
[ "$rc" -eq 0 ] && [ "$(cat "$out/stdout")" = "|/dev/vss-snap5|/dev/vss-snap5|" ] &&
	grep -qx "vssctl: /dev/vdy: /dev/vss-snap5 holds no filesystem to mount: COMMAND gets the device" "$out/stderr" &&
	! grep -q "mkdir $RUN/2" "$FAKE_LOG"
report $? "a raw volume: COMMAND gets the snapshot device, nothing mounted"

# Hostile VOLUME names: a quote that ends the user's quoting, a command
# substitution. They reach COMMAND through the environment, or whole as
# arguments, and a shell never parses them as code (before the fix,
# `sh -c '... "$VSS_VOLUME_0"'` ran the `id` here).
evil0='/srv/a"; id > '$out'/x; echo "'
evil1='/srv/$(touch '$out'/y)`touch '$out'/z`'
rm -f "$out/x" "$out/y" "$out/z"
run backup "$evil0" "$evil1" -- sh -c 'printf "<%s>" "$VSS_VOLUME_0" "${VSS_VOLUME_1}" "$@"; echo
	echo "backing up $VSS_VOLUME_0"' x '$VSS_VOLUME_0' '${VSS_VOLUME_1}'
[ "$rc" -eq 0 ] && [ "$(cat "$out/stdout")" = "<$evil0><$evil1><$evil0><$evil1>
backing up $evil0" ] && [ ! -e "$out/x" ] && [ ! -e "$out/y" ] && [ ! -e "$out/z" ] &&
	grep -qxF "backup_add_volume $evil0" "$FAKE_LOG"
report $? "hostile VOLUME names: COMMAND gets them as data, nothing of them runs"
rm -f "$out/x" "$out/y" "$out/z"
run backup "$evil1" -- sh -c 'echo $VSS_VOLUME_0'
[ "$rc" -eq 0 ] && [ "$(cat "$out/stdout")" = "$evil1" ] && [ ! -e "$out/y" ] && [ ! -e "$out/z" ]
report $? "unquoted, a shell expands \$VSS_VOLUME_0 itself: no command substitution in the value"

run backup /srv -- sh -c 'cp {}/a /backup/'
expect_usage "{} inside an argument: refused, with the environment's way" \
	'"cp {}/a /backup/": {} is replaced only as a whole argument; inside one, let a shell read the environment'
run backup /srv /var -- cp '{1}/a' /backup/
expect_usage "{N} inside an argument: refused" '{1} is replaced only as a whole argument'
run backup /srv -- sh -c 'tar -C "$VSS_MOUNT_1" .'
expect_usage "an unknown \$VSS_ name inside an argument: still a usage error" 'unknown variable at "$VSS_MOUNT_1"'

# Only a filesystem the host trusts is mounted: its origin is mounted
# here, by the same driver. /dev/vdx's origin is vdb1.
FAKE_HOST_MOUNTS="/dev/vda1 ext4 rw" run backup /srv /dev/vdx -- \
	sh -c 'printf "%s|" "$VSS_FSTYPE_1" "$VSS_MOUNT_1" "$1"' x '{1}'
[ "$rc" -eq 0 ] && [ "$(cat "$out/stdout")" = "|/dev/vss-snap4|/dev/vss-snap4|" ] &&
	grep -qxF "vssctl: /dev/vdx: /dev/vss-snap4 holds xfs, but /dev/vdb1 is not mounted here as such: not mounted (the host does not trust it), COMMAND gets the device" "$out/stderr" &&
	grep -qxF "vssctl: hint: --mount-untrusted mounts it anyway, with the kernel parsing whatever the volume holds" "$out/stderr" &&
	grep -qx "mount /dev/vss-snap3 .*" "$FAKE_LOG" && ! grep -q "mount /dev/vss-snap4" "$FAKE_LOG" &&
	! grep -q "mkdir $RUN/1" "$FAKE_LOG"
report $? "an origin not mounted here: its snapshot is not mounted, COMMAND gets the device"

FAKE_HOST_MOUNTS="/dev/vda1 ext4 rw;/dev/vdb1 ext4 rw" run backup /srv /dev/vdx -- true
[ "$rc" -eq 0 ] && ! grep -q "mount /dev/vss-snap4" "$FAKE_LOG" &&
	grep -qF "/dev/vss-snap4 holds xfs, but /dev/vdb1 is not mounted here as such" "$out/stderr"
report $? "an origin mounted as another filesystem: not mounted either"

FAKE_HOST_MOUNTS="/dev/vda1 ext3 rw" run backup /srv -- true
[ "$rc" -eq 0 ] && grep -qx "mount /dev/vss-snap3 $RUN/0 type=ext4 flags=ro,nosuid,nodev data=noload" "$FAKE_LOG"
report $? "an origin mounted as ext3: ext4's driver, trusted"

FAKE_HOST_MOUNTS='' run backup --mount-untrusted /srv /dev/vdx -- sh -c 'echo "$VSS_FSTYPE_1"'
[ "$rc" -eq 0 ] && [ "$(cat "$out/stdout")" = xfs ] &&
	grep -qx "mount /dev/vss-snap4 $RUN/1 type=xfs flags=ro,nosuid,nodev data=nouuid,norecovery" "$FAKE_LOG" &&
	grep -qxF "vssctl: /dev/vdx: /dev/vss-snap4 holds xfs, /dev/vdb1 is not mounted here as such: mounted anyway (--mount-untrusted)" "$out/stderr"
report $? "--mount-untrusted: mounted anyway, and said so"

FAKE_PROBE="/dev/vss-snap3=vfat /dev/vss-snap4=exfat" \
FAKE_HOST_MOUNTS="/dev/vda1 vfat rw,relatime,uid=1000,gid=1001,fmask=0077,dmask=0027,allow_utime=0022,codepage=437" \
	run backup --mount-untrusted /srv /dev/vdx -- true
[ "$rc" -eq 0 ] &&
	grep -qx "mount /dev/vss-snap3 $RUN/0 type=vfat flags=ro,nosuid,nodev data=uid=1000,gid=1001,fmask=0077,dmask=0027" "$FAKE_LOG" &&
	grep -qx "mount /dev/vss-snap4 $RUN/1 type=exfat flags=ro,nosuid,nodev data=uid=0,gid=0,fmask=0077,dmask=0077" "$FAKE_LOG"
report $? "vfat keeps its origin's owner and masks; an untrusted exfat root's, 0077"

run backup --no-substitute /srv -- echo '{}' '$VSS_MOUNT_0' '{5}' '$VSS_NOPE'
[ "$rc" -eq 0 ] && [ "$(cat "$out/stdout")" = '{} $VSS_MOUNT_0 {5} $VSS_NOPE' ]
report $? "--no-substitute: arguments as given"

FAKE_LIBVSS=absent run backup /srv -- true
expect "module not loaded: 125" 125 "" "vssctl: module not loaded: fake: family absent"

# SIGTERM while COMMAND runs: COMMAND writes its pid, then sleeps.
: > "$FAKE_LOG"
"$vssctl" backup /srv /dev/vdx -- sh -c "echo \$\$ > '$out/pid'; sleep 30; echo survived" \
	>"$out/stdout" 2>"$out/stderr" &
pid=$!
for _ in $(seq 100); do
	[ -s "$out/pid" ] && break
	sleep 0.1
done
kill -TERM "$pid"
wait "$pid"
rc=$?
expect "SIGTERM while COMMAND runs: 143, COMMAND stopped" 143 "" \
"$err_before
vssctl: SIGTERM: stopping the backup
vssctl: COMMAND exited with status 143
vssctl: 2 snapshots deleted"
expect_calls "SIGTERM: aborted, never completed, cleaned up" \
"$(calls_before 6 "$(doc false)")
backup_abort
$(calls_after)"
! kill -0 "$(cat "$out/pid")" 2>/dev/null
report $? "SIGTERM: COMMAND's process group got it"

# On a terminal (a pty from script(1)), COMMAND gets the terminal: it
# reads it (a password prompt), and Ctrl-C and Ctrl-Z reach it. Each run
# is bounded by timeout(1): a COMMAND stopped by SIGTTIN hung here before.
# The terminal's input comes from a fifo, written once COMMAND is running.
on_tty() { # on_tty SCRIPT-COMMAND: starts it; the fifo is fd 3
	rm -f "$out/pid" "$out/fifo"
	mkfifo "$out/fifo"
	timeout 60 script -qefc "$1" /dev/null <"$out/fifo" >"$out/tty" 2>&1 &
	tty_pid=$!
	exec 3>"$out/fifo"
}
wait_pid_file() {
	for _ in $(seq 200); do
		[ -s "$out/pid" ] && return 0
		sleep 0.05
	done
	return 1
}
tty_done() { # closes the terminal's input, waits: $rc
	exec 3>&-
	wait "$tty_pid"
	rc=$?
}

: > "$FAKE_LOG"
on_tty "$vssctl backup /srv -- sh -c 'echo \$\$ > $out/pid; read -r word; echo \"read:\$word\"'"
wait_pid_file && printf 'secret\n' >&3
tty_done
[ "$rc" -eq 0 ] && grep -q '^read:secret' "$out/tty" && grep -q '^backup_complete' "$FAKE_LOG"
report $? "on a terminal: COMMAND reads it, the backup completes (exit $rc)"

: > "$FAKE_LOG"
on_tty "$vssctl backup /srv -- sh -c 'echo \$\$ > $out/pid; sleep 30'"
wait_pid_file && printf '\003' >&3
tty_done
[ "$rc" -eq 130 ] && grep -q 'SIGINT: stopping the backup' "$out/tty" &&
	grep -q '^backup_abort' "$FAKE_LOG" && ! grep -q '^backup_complete' "$FAKE_LOG"
report $? "on a terminal: Ctrl-C reaches COMMAND and stops the backup: 130, aborted (exit $rc)"

# Ctrl-Z under a job-control shell: COMMAND and vssctl stop together, fg
# continues both, and the backup completes.
: > "$FAKE_LOG"
on_tty "bash --norc --noprofile -i"
printf '%s\n' "$vssctl backup /srv -- sh -c 'echo \$\$ > $out/pid; sleep 2; echo slept'" >&3
wait_pid_file && sleep 0.3 && printf '\032' >&3
for _ in $(seq 100); do
	grep -q 'Stopped' "$out/tty" && break
	sleep 0.05
done
printf 'fg\nexit\n' >&3
tty_done
grep -q 'COMMAND stopped (SIGTSTP): vssctl stops with it' "$out/tty" &&
	grep -q 'Stopped' "$out/tty" && grep -q '^slept' "$out/tty" &&
	grep -q 'COMMAND exited with status 0' "$out/tty" &&
	grep -q '^backup_complete' "$FAKE_LOG"
report $? "on a terminal: Ctrl-Z stops COMMAND and vssctl, fg continues both, the backup completes"
[ "$failed" -eq 0 ] || sed 's/^/# tty: /' "$out/tty"

run backup
expect_usage "VOLUME is missing" "VOLUME is missing"
run backup /srv
expect_usage "-- COMMAND is missing" '"-- COMMAND" is missing'
run backup /srv --
expect_usage "COMMAND is missing" "COMMAND is missing after"
run backup /srv -- tar -C '{1}' .
expect_usage "{N} past the volumes" 'names no volume (there is 1, from {0})'
run backup /srv /var -- tar -C '$VSS_MOUNT_2' .
expect_usage "\$VSS_MOUNT_N past the volumes" 'unknown variable at "$VSS_MOUNT_2"'
run backup /srv -- echo '${VSS_NOPE}'
expect_usage "an unknown \$VSS_ variable" 'unknown variable at "${VSS_NOPE}"'
run backup --type weekly /srv -- true
expect_usage "an unknown --type" 'is not full, incremental'
run backup --bogus /srv -- true
expect_usage "an unknown option" 'unknown option "--bogus"'
run backup --writer
expect_usage "--writer without a value" '--writer needs a value'
# shellcheck disable=SC2046 # 65 words
run backup $(seq -f /v%g 65) -- true
expect_usage "65 volumes" 'more than 64 volumes'

# The manual's examples pass the parse (no usage error): without the
# module they get as far as opening it.
examples=0
while read -r line; do
	eval "set -- ${line#vssctl }"
	FAKE_LIBVSS=absent run "$@"
	[ "$rc" -eq 125 ] || break
	examples=$((examples + 1))
done < <(sed -n 's/^    vssctl backup /vssctl backup /p' "$here/../../../Documentation/vssctl-backup.md")
[ "$rc" -eq 125 ] && [ "$examples" -ge 4 ]
report $? "the manual's $examples examples parse (exit $rc)" 125

run help backup
grep -q "^  backup \[--writer NAME\]" "$out/stdout" && grep -q "VSS_MOUNT_N" "$out/stdout" &&
	grep -q "^  124  a selected writer vetoed" "$out/stdout" && [ "$rc" -eq 0 ]
report $? "help backup: synopsis, variables, exit codes"
run backup help
grep -q "VSS_SNAPSHOT_SET_ID" "$out/stdout" && [ "$rc" -eq 0 ] && [ ! -s "$FAKE_LOG" ]
report $? "backup help: the same, nothing asked of libvss"

finish
