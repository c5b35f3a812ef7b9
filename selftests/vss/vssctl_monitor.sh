#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# `vssctl monitor` against the real module: while a storage is added, a
# snapshot taken, its storage filled past 80% and 95% and overflowed, the
# snapshot deleted, a filesystem frozen and thawed, and a session run
# through GatherWriterMetadata and PrepareForBackup to its release, `-j
# monitor` prints exactly one JSON object per event, in order, with every
# field (a storage add announces nothing), and `monitor fs` the freezes
# only; SIGTERM and SIGINT end both with exit 0; without CAP_SYS_ADMIN it
# is refused with exit 1, the reason and a hint.
set -u

top=$(cd "$(dirname "$0")/../../.." && pwd)
vssctl=$top/tools/vssctl/vssctl
helper=$top/build/selftests/helpers/vss-test-session
work=$(mktemp -d /tmp/vssctl-monitor.XXXXXX)
mnt=$work/mnt
mon=
monfs=

tap_prefix=vssctl
# shellcheck source=selftests/lib/tap.sh
. "$top/selftests/lib/tap.sh"
# shellcheck source=selftests/lib/wait.sh
. "$top/selftests/lib/wait.sh"

cleanup() {
	[ -n "$mon" ] && kill -KILL "$mon" 2>/dev/null
	[ -n "$monfs" ] && kill -KILL "$monfs" 2>/dev/null
	"$vssctl" fs thaw "$mnt" >/dev/null 2>&1
	"$vssctl" snapshot delete --all >/dev/null 2>&1
	[ -n "${dev:-}" ] && "$vssctl" storage remove "$dev" >/dev/null 2>&1
	wait
	umount "$mnt" 2>/dev/null
	[ -n "${dev:-}" ] && losetup -d "$dev"
	[ -n "${fsdev:-}" ] && losetup -d "$fsdev"
	rm -rf "$work"
}
trap cleanup EXIT

# Lines of FILE after the first SKIP.
after() { tail -n +$(($2 + 1)) "$1"; }

# Waits up to 30 s for FILE to have more than COUNT lines.
wait_more_lines() { wait_lines "$1" $(($2 + 1)) 30; } # wait_more_lines FILE COUNT

echo "TAP version 13"

if ! "$vssctl" -j version | grep -q '"fs-freeze"'; then
	echo "1..0 # SKIP the module lacks the feature fs-freeze"
	exit 4
fi

modprobe loop
mkdir -p "$mnt"
truncate -s 8M "$work/origin.img"
truncate -s 64M "$work/fs.img"
dev=$(losetup --find --show "$work/origin.img") &&
	fsdev=$(losetup --find --show "$work/fs.img") &&
	mkfs.ext4 -q "$fsdev" && mount "$fsdev" "$mnt"
result $? "monitor_setup_loop_devices"
name=${dev#/dev/}
fsname=${fsdev#/dev/}

err=$(setpriv --bounding-set=-sys_admin --inh-caps=-sys_admin "$vssctl" monitor 2>&1)
rc=$?
note "$err"
[ $rc -eq 1 ] && [ "$err" = "vssctl: cannot join the monitor group: Operation not permitted: joining the monitor group needs CAP_SYS_ADMIN
vssctl: hint: the monitor shows every user's backups: run it as root" ]
result $? "monitor_unprivileged_is_refused_eperm_with_a_hint"

"$vssctl" -j monitor >"$work/mon.out" 2>"$work/mon.err" &
mon=$!
# Job control: a background command would ignore SIGINT otherwise.
set -m
"$vssctl" monitor fs >"$work/monfs.out" 2>"$work/monfs.err" &
monfs=$!
set +m

# Both listen once a freeze of our own shows in both; what follows is the
# test's.
for _ in $(seq 30); do
	"$vssctl" fs freeze --detach --timeout 60 "$mnt" >/dev/null &&
		"$vssctl" fs thaw "$mnt"
	sleep 0.5
	grep -q fs-thawed "$work/mon.out" && grep -q fs-thawed "$work/monfs.out" && break
done
sleep 1
skip=$(wc -l < "$work/mon.out")
skipfs=$(wc -l < "$work/monfs.out")
[ "$skip" -gt 0 ] && [ "$skipfs" -gt 0 ]
result $? "monitor_listens"

"$vssctl" storage add "$dev" --max 1M --chunk 64K &&
	"$vssctl" snapshot create "$dev" >/dev/null &&
	wait_more_lines "$work/mon.out" "$skip"
result $? "monitor_snapshot_create"
snap=$("$vssctl" -j snapshot list | python3 -c 'import json,sys; d=json.load(sys.stdin); print(d[0]["id"], d[0]["set_id"], d[0]["device"])')
note "snapshot: $snap"
read -r sid setid sdev <<<"$snap"

# 32 chunks written: the 13th preserved crosses 80%, the 16th 95%, the
# 17th overflows.
dd if=/dev/urandom of="$dev" bs=64K count=32 oflag=direct status=none &&
	wait_more_lines "$work/mon.out" $((skip + 3))
result $? "monitor_storage_fills"

"$vssctl" snapshot delete --id "$sid" >/dev/null && wait_more_lines "$work/mon.out" $((skip + 4))
result $? "monitor_snapshot_delete"

"$vssctl" fs freeze --detach --timeout 30 "$mnt" >/dev/null &&
	"$vssctl" fs thaw "$mnt" && wait_more_lines "$work/mon.out" $((skip + 6))
result $? "monitor_fs_freeze_thaw"

"$helper" full >"$work/h.out" 2>&1
rc=$?
note "$(cat "$work/h.out")"
hsid=$(sed -n 's/^session \([0-9]*\) .*/\1/p' "$work/h.out")
[ $rc -eq 0 ] && [ -n "$hsid" ]
result $? "monitor_session_run"
sleep 2

kill -TERM "$mon"
wait "$mon"
rc=$?
mon=
kill -INT "$monfs"
wait "$monfs"
rcfs=$?
monfs=
note "$(after "$work/mon.out" "$skip")"
note "$(cat "$work/mon.err" "$work/monfs.err")"
[ $rc -eq 0 ] && [ ! -s "$work/mon.err" ]
result $? "monitor_sigterm_exits_0"
[ $rcfs -eq 0 ] && [ ! -s "$work/monfs.err" ]
result $? "monitor_sigint_exits_0"

# Every line is one JSON object with a time; the rest, exactly.
after "$work/mon.out" "$skip" | python3 -c '
import json, re, sys
for line in sys.stdin:
    d = json.loads(line)
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z", d.pop("time")), line
    # What varies from run to run, checked for its kind.
    if d["event"] == "session-state":
        assert d["owner"] > 0, line
        d["owner"] = "OWNER"
    if d["event"] == "fs-thawed":
        assert d["frozen_ns"] > 0, line
        d["frozen_ns"] = "FROZEN"
    print(json.dumps(d, sort_keys=True))
' >"$work/got" 2>"$work/got.err"
result $? "monitor_json_lines_parse_each_with_a_time"
note "$(cat "$work/got.err")"

py() { python3 -c "import json,sys; print(json.dumps(json.loads(sys.argv[1]), sort_keys=True))" "$1"; }
{
	py "{\"event\":\"snapshot-created\",\"id\":\"$sid\",\"set_id\":\"$setid\",\"origin\":\"$name\",\"device\":\"$sdev\"}"
	py "{\"event\":\"storage-threshold\",\"origin\":\"$name\",\"threshold\":80,\"used_bytes\":851968,\"max_bytes\":1048576}"
	py "{\"event\":\"storage-threshold\",\"origin\":\"$name\",\"threshold\":95,\"used_bytes\":1048576,\"max_bytes\":1048576}"
	py "{\"event\":\"snapshot-invalid\",\"id\":\"$sid\",\"set_id\":\"$setid\",\"origin\":\"$name\",\"device\":\"$sdev\",\"reason\":\"overflow\"}"
	py "{\"event\":\"snapshot-deleted\",\"id\":\"$sid\",\"set_id\":\"$setid\",\"origin\":\"$name\",\"device\":\"$sdev\"}"
	py "{\"event\":\"fs-frozen\",\"path\":\"$mnt\",\"device\":\"$fsname\",\"owner\":0,\"detached\":true,\"timeout_ms\":30000}"
	py "{\"event\":\"fs-thawed\",\"path\":\"$mnt\",\"device\":\"$fsname\",\"owner\":0,\"detached\":true,\"timeout_ms\":30000,\"reason\":\"requested\",\"frozen_ns\":\"FROZEN\"}"
} >"$work/want"

head -n 7 "$work/got" >"$work/got7"
diff -u "$work/want" "$work/got7" >"$work/diff"
result $? "monitor_json_snapshot_storage_fs_events_exactly"
note "$(cat "$work/diff")"

# The session, from its creation to its release.
tail -n +8 "$work/got" >"$work/gots"
{
	for st in "created none" "created gather-metadata" "metadata-gathered none" \
		  "metadata-gathered prepare-backup" "prepared none" "released none"; do
		read -r state op <<<"$st"
		py "{\"event\":\"session-state\",\"session\":$hsid,\"type\":\"backup\",\"state\":\"$state\",\"op\":\"$op\",\"owner\":\"OWNER\"}"
	done
} >"$work/wants"
diff -u "$work/wants" "$work/gots" >"$work/diff"
result $? "monitor_json_session_events_exactly"
note "$(cat "$work/diff")"

T='[0-9]\{4\}-[0-9][0-9]-[0-9][0-9]T[0-9][0-9]:[0-9][0-9]:[0-9][0-9]\.[0-9][0-9][0-9]Z'
after "$work/monfs.out" "$skipfs" | sed "s/^$T /TIME /; s/frozen [0-9]*\.[0-9]s$/frozen Xs/" >"$work/gotfs"
note "$(cat "$work/gotfs")"
[ "$(cat "$work/gotfs")" = "TIME fs-frozen $mnt device $fsname detached timeout 30s
TIME fs-thawed $mnt device $fsname detached timeout 30s reason requested frozen Xs" ]
result $? "monitor_fs_text_prints_the_freezes_only"

echo "1..$n"
[ $failed -eq 0 ]
