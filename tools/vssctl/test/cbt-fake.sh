#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Changed-block tracking in vssctl against the fake libvss: snapshot
# changes (text lines "OFFSET LENGTH", JSON, ESTALE exit 3 with the reason
# and the kernel's message, other failures exit 1, a bad --since exit 2
# before libvss is asked); tokens in snapshot list/show/create only from
# a module that has them; tracker show/list/reset; storage add
# --track-block and the block in storage list; backup --since: the
# changes file, VSS_TOKEN_n, VSS_FULL_n (ESTALE: 1 and the reason on
# stderr), one --since per VOLUME, incremental by default.
# shellcheck disable=SC2016 # the $VSS_ references are for COMMAND's shell
set -u
name=cbt-fake
. "$(dirname "$0")/fake-lib.sh"
export FAKE_LIBVSS=loaded
unset FAKE_MOUNTS FAKE_CHANGES
export FAKE_CBT=1
export FAKE_DIR=$out/files
mkdir -p "$FAKE_DIR"

id0=00112233-4455-4677-8899-aabbccddeef0
hex0=00112233445546778899aabbccddeef0
tok0="vss1:$hex0$hex0$hex0${hex0:0:24}"
h1=10101010101010101010101010101010
h2=20202020202020202020202020202020
tok1="vss1:$h1$h1$h1${h1:0:24}"
tok2="vss1:$h2$h2$h2${h2:0:24}"
SET=bbbbbbbb-0001-4002-8003-040506070809
RUN=/run/vss/backup-$SET
lines="0 65536
1048576 131072
4294967296 65536"

# ---- snapshot changes ----

run snapshot changes $id0 --since "$tok0"
expect "changes, text: one \"OFFSET LENGTH\" line per extent" 0 "$lines" ""
expect_calls "changes: the id, the token, start 0" \
	"changes_open $id0 since=vss1:00112233... start=0"

run snapshot changes --since="$tok0" --start 64K $id0
expect "changes --start: passed in bytes" 0 "$lines" ""
expect_calls "changes --start 64K: start=65536" \
	"changes_open $id0 since=vss1:00112233... start=65536"

run -j snapshot changes $id0 --since "$tok0"
expect "changes, JSON: extents and totals" 0 \
	'{"extents":[{"offset":0,"length":65536},{"offset":1048576,"length":131072},{"offset":4294967296,"length":65536}],"changed_bytes":262144,"extent_count":3}' ""

FAKE_CHANGES=stale run snapshot changes $id0 --since "$tok0"
expect "changes, ESTALE: exit 3, the kernel's message, the reason" 3 "" \
"vssctl: cannot read the changes of $id0: Stale file handle: stale: reset: the tracker was reset since the token's snapshot
vssctl: hint: make a full copy of the snapshot (reason reset); keep its token for next time"

FAKE_CHANGES=stale run -j snapshot changes $id0 --since "$tok0"
expect "changes, ESTALE, JSON: no record, exit 3" 3 "" \
"vssctl: cannot read the changes of $id0: Stale file handle: stale: reset: the tracker was reset since the token's snapshot
vssctl: hint: make a full copy of the snapshot (reason reset); keep its token for next time"

FAKE_CHANGES=enoent run snapshot changes $id0 --since "$tok0"
expect "changes, no such snapshot: exit 1" 1 "" \
	"vssctl: cannot read the changes of $id0: No such file or directory: fake: no snapshot with this id"

run snapshot changes $id0 --since "${tok0:0:60}"
expect_usage "changes, a cut token: usage error" "not a token"
run snapshot changes $id0
expect_usage "changes without --since: usage error" "--since TOKEN is missing"
run snapshot changes --since "$tok0"
expect_usage "changes without ID: usage error" "ID is missing"

# ---- tokens in snapshot output ----

run snapshot show $id0
expect "show: the token at the end of the line" 0 \
"/dev/vss-snap0 origin vda1 state active used 192K id $id0 set aaaaaaaa-0001-4002-8003-040506070809 created 2024-05-01T12:34:56Z token $tok0
    consistency frozen freeze-window 1.234567ms persistent" ""
run -j snapshot list
grep -q "\"token\":\"$tok0\"" "$out/stdout"
report $? "list, JSON: the token member"
FAKE_CBT=0 run -j snapshot list
! grep -q '"token"' "$out/stdout"
report $? "list, JSON, module without tracking: no token member"

# ---- tracker ----

run tracker show vda1
expect "tracker show ORIGIN, text" 0 \
	"vda1 generation 9e9e0001-0203-4004-8005-060708090a0b since generation epoch 42 block 64K capacity 16G marked 300 map 8K" ""
expect_calls "tracker show: the origin as given" "tracker_get vda1"
run -j tracker
expect "tracker (show is the default), JSON: every tracker" 0 \
	'[{"origin":"vda1","generation":"9e9e0001-0203-4004-8005-060708090a0b","reason":"generation","epoch":42,"block_bytes":65536,"capacity":17179869184,"blocks_marked":300,"map_bytes":8192},{"origin":"sdb","generation":"5db00001-0203-4004-8005-060708090a0c","reason":"reset","epoch":3,"block_bytes":1048576,"capacity":17592186044416,"blocks_marked":0,"map_bytes":0}]' ""
run tracker show vdq
expect "tracker show of an origin without one: exit 1, a hint" 1 "" \
"vssctl: cannot get the tracker of vdq: No such file or directory: fake: no diff storage on this origin
vssctl: hint: an origin is tracked from \`vssctl storage add\` on"
run tracker reset /dev/vda1
expect "tracker reset: silent success" 0 "" ""
expect_calls "tracker reset: the origin" "tracker_reset /dev/vda1"
run tracker reset
expect_usage "tracker reset without ORIGIN" "ORIGIN is missing"

# ---- storage ----

run storage add vdb --max 1G --track-block 256K
expect "storage add --track-block" 0 "" ""
expect_calls "storage add: track=262144" "storage_add /dev/vdb max=1073741824 chunk=0 track=262144"
run storage add vdb --max 1G --track-block 0
expect_usage "storage add --track-block 0: usage error" "not a block size"
run storage show vda1
expect "storage show: the tracking block in force" 0 \
	"vda1 kind memory max 1G used 192K chunk 64K track-block 128K thresholds 80%,95%" ""

# ---- backup --since ----

show='env | grep -E "^VSS_(TOKEN|FULL|CHANGES|BACKUP_TYPE)" | sort'
run backup --since "$tok0" --since full /srv /dev/vdx -- sh -c "$show"
expect "backup --since: tokens, the changes file, full where asked" 0 \
"VSS_BACKUP_TYPE=incremental
VSS_CHANGES_0=$RUN/changes-0
VSS_CHANGES_1=
VSS_FULL_0=0
VSS_FULL_1=1
VSS_TOKEN_0=$tok1
VSS_TOKEN_1=$tok2" "$(cat <<EOT
vssctl: session 7: 2 writers: PostgreSQL Writer (back-end), app (front-end)
vssctl: events: PrepareForSnapshot, Freeze app, PostgreSQL Writer, snapshot, Thaw in reverse, PostSnapshot
vssctl: set $SET: consistency frozen, freeze window 1.234567ms
vssctl: /srv: /dev/vss-snap3 (ext4) at $RUN/0
vssctl: /dev/vdx: /dev/vss-snap4 (xfs) at $RUN/1
vssctl: COMMAND exited with status 0
vssctl: BackupComplete: components marked backed up
vssctl: 2 snapshots deleted
EOT
)"
[ "$(cat "$FAKE_DIR/changes-0")" = "$lines" ]
report $? "backup --since: the changes file holds the extents, one per line"
grep -q "^changes_open 10101010-1010-1010-1010-101010101010 since=vss1:00112233... start=0$" "$FAKE_LOG" &&
	grep -q '"volumes":\[{"volume":"vda1","token":"'"$tok1"'"},{"volume":"vdb1","token":"'"$tok2"'"}\]' "$FAKE_LOG"
report $? "backup --since: the snapshot asked about; the new tokens in BackupComplete's document"
rm -f "$FAKE_DIR"/*

FAKE_CHANGES=stale run backup --type differential --since "$tok0" --since "$tok0" \
	/srv /dev/vdx -- sh -c "$show"
[ "$rc" -eq 0 ] && [ "$(cat "$out/stdout")" = "VSS_BACKUP_TYPE=differential
VSS_CHANGES_0=
VSS_CHANGES_1=
VSS_FULL_0=1
VSS_FULL_1=1
VSS_TOKEN_0=$tok1
VSS_TOKEN_1=$tok2" ] &&
	grep -qx "vssctl: /srv: a full copy is needed (reason reset): stale: reset: the tracker was reset since the token's snapshot" "$out/stderr" &&
	grep -qx "vssctl: /dev/vdx: a full copy is needed (reason reset): stale: reset: the tracker was reset since the token's snapshot" "$out/stderr" &&
	[ -z "$(ls "$FAKE_DIR")" ]
report $? "backup --since, ESTALE: VSS_FULL_n=1, the reason on stderr, no file, --type kept"

FAKE_CHANGES=broken run backup --since "$tok0" --since full /srv /dev/vdx -- true
[ "$rc" -eq 125 ] && grep -q "cannot read the changes" "$out/stderr" &&
	[ -z "$(ls "$FAKE_DIR")" ] && ! grep -q "^backup_complete" "$FAKE_LOG"
report $? "backup --since, the answer fails: exit 125, no file left, COMMAND not run"

run backup --since "$tok0" /srv /dev/vdx -- true
expect_usage "backup: one --since for two volumes: usage error" "give one per VOLUME"
run backup --since "vss1:zz" /srv -- true
expect_usage "backup: a bad token: usage error" "not a token"

finish
