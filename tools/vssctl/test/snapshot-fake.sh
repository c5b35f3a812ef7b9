#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# `vssctl snapshot` against the fake libvss (test/fake-libvss.c): exact
# text, JSON and pretty JSON of list, show, create and delete, with each
# snapshot's diff storage used and every invalid reason; create is
# persistent unless --auto-release; each delete selector reaches libvss as
# given; failures print the kernel's message and exit 1; usage errors exit
# 2 without asking libvss anything.
set -u
name=snapshot-fake
. "$(dirname "$0")/fake-lib.sh"
export FAKE_LIBVSS=loaded

id0=00112233-4455-4677-8899-aabbccddeef0
id1=00112233-4455-4677-8899-aabbccddeef1
id2=00112233-4455-4677-8899-aabbccddeef2
id3=00112233-4455-4677-8899-aabbccddeef3
setA=aaaaaaaa-0001-4002-8003-040506070809
setB=bbbbbbbb-0001-4002-8003-040506070809

list_text="/dev/vss-snap0 origin vda1 state active used 192K id $id0 set $setA created 2024-05-01T12:34:56Z
/dev/vss-snap1 origin dm-0 state active used 0 id $id1 set $setA created 2024-05-01T12:34:56Z
/dev/vss-snap2 origin vda1 state invalid reason overflow used 1500000000 id $id2 set $setB created 2024-05-01T13:34:56Z
/dev/vss-snap3 origin sdb state invalid reason origin-gone used 12M id $id3 set $setB created 2024-05-01T13:34:56Z"
snap0_json="{\"device\":\"/dev/vss-snap0\",\"origin\":\"vda1\",\"state\":\"active\",\"invalid_reason\":\"none\",\"storage_used_bytes\":196608,\"id\":\"$id0\",\"set_id\":\"$setA\",\"created_ns\":1714566896123456789,\"created\":\"1714566896.123456789\",\"consistency\":\"frozen\",\"freeze_window_ns\":1234567,\"persistent\":true}"
snap1_json="{\"device\":\"/dev/vss-snap1\",\"origin\":\"dm-0\",\"state\":\"active\",\"invalid_reason\":\"none\",\"storage_used_bytes\":0,\"id\":\"$id1\",\"set_id\":\"$setA\",\"created_ns\":1714566896123456789,\"created\":\"1714566896.123456789\",\"consistency\":\"frozen\",\"freeze_window_ns\":1234567,\"persistent\":true}"
snap2_json="{\"device\":\"/dev/vss-snap2\",\"origin\":\"vda1\",\"state\":\"invalid\",\"invalid_reason\":\"overflow\",\"storage_used_bytes\":1500000000,\"id\":\"$id2\",\"set_id\":\"$setB\",\"created_ns\":1714570496000000000,\"created\":\"1714570496.000000000\",\"consistency\":\"crash\",\"freeze_window_ns\":0,\"persistent\":false}"
snap3_json="{\"device\":\"/dev/vss-snap3\",\"origin\":\"sdb\",\"state\":\"invalid\",\"invalid_reason\":\"origin-gone\",\"storage_used_bytes\":12582912,\"id\":\"$id3\",\"set_id\":\"$setB\",\"created_ns\":1714570496000000000,\"created\":\"1714570496.000000000\",\"consistency\":\"crash\",\"freeze_window_ns\":0,\"persistent\":true}"

# ---- list and show ----

run snapshot list
expect "list, text: a line per snapshot, storage used, reason only when invalid" 0 \
	"$list_text" ""
expect_calls "list: one dump" "snapshot_list"

run -j snapshot list
expect "list, JSON: every key of every snapshot" 0 \
	"[$snap0_json,$snap1_json,$snap2_json,$snap3_json]" ""

run -j snap
expect "list is the default command, snap a prefix" 0 \
	"[$snap0_json,$snap1_json,$snap2_json,$snap3_json]" ""

FAKE_LIBVSS=empty run snapshot list
expect "no snapshots, text: no output" 0 "" ""
FAKE_LIBVSS=empty run -j snapshot list
expect "no snapshots, JSON: an empty array" 0 "[]" ""

run snapshot show $id0
expect "show, text: the list line and the set's facts" 0 \
	"/dev/vss-snap0 origin vda1 state active used 192K id $id0 set $setA created 2024-05-01T12:34:56Z
    consistency frozen freeze-window 1.234567ms persistent" ""
expect_calls "show: the id parsed" "snapshot_get $id0"

run snapshot show ${id2^^}
expect "show of an uppercase id, invalid and auto-release" 0 \
	"/dev/vss-snap2 origin vda1 state invalid reason overflow used 1500000000 id $id2 set $setB created 2024-05-01T13:34:56Z
    consistency crash freeze-window 0ms auto-release" ""

run snapshot show $id3
expect "show of a snapshot whose origin is gone" 0 \
	"/dev/vss-snap3 origin sdb state invalid reason origin-gone used 12M id $id3 set $setB created 2024-05-01T13:34:56Z
    consistency crash freeze-window 0ms persistent" ""

run -j snapshot show $id1
expect "show, JSON: the same object as in the list" 0 "$snap1_json" ""

# The documented way to read the time exactly with jq 1.6, whose numbers
# are doubles: created_ns comes out rounded (1714566896123456800), created
# does not. Skipped where jq is missing; the exact JSON above checks both.
run -j snapshot show $id0
if command -v jq >/dev/null; then
	[ "$(jq -r .created "$out/stdout")" = 1714566896.123456789 ] &&
		[ "$(jq -r '.created | split(".") | .[0] + .[1]' "$out/stdout")" = \
			1714566896123456789 ]
	report $? "show, JSON: jq reads created to the nanosecond"
fi

run -j -p snapshot show $id2
expect "show, pretty JSON" 0 "{
    \"device\": \"/dev/vss-snap2\",
    \"origin\": \"vda1\",
    \"state\": \"invalid\",
    \"invalid_reason\": \"overflow\",
    \"storage_used_bytes\": 1500000000,
    \"id\": \"$id2\",
    \"set_id\": \"$setB\",
    \"created_ns\": 1714570496000000000,
    \"created\": \"1714570496.000000000\",
    \"consistency\": \"crash\",
    \"freeze_window_ns\": 0,
    \"persistent\": false
}" ""

run snapshot show $setA
expect "show of an unknown id: the kernel's message" 1 "" \
	"vssctl: cannot get snapshot $setA: No such file or directory: fake: no snapshot with this id"

FAKE_LIBVSS=op-error run -j snapshot list
expect "list fails: no JSON, the message on stderr" 1 "" \
	"vssctl: cannot list snapshots: Device or resource busy: fake: busy"

# ---- create ----

run snapshot create / /dev/vdb
expect "create, text: the set, then a line per snapshot" 0 \
	"set $setB consistency crash freeze-window 0ms persistent
/dev/vss-snap3 origin vda1 id 10101010-1010-1010-1010-101010101010
/dev/vss-snap4 origin vdb1 id 20202020-2020-2020-2020-202020202020" ""
expect_calls "create is persistent by default, volumes in order" \
	"snapshot_create flags=1 volume=/
snapshot_create flags=1 volume=/dev/vdb"

run -j snapshot create /srv
expect "create, JSON" 0 \
	"{\"set_id\":\"$setB\",\"consistency\":\"frozen\",\"freeze_window_ns\":2500000,\"persistent\":true,\"snapshots\":[{\"device\":\"/dev/vss-snap3\",\"origin\":\"vda1\",\"id\":\"10101010-1010-1010-1010-101010101010\"}]}" ""

run -j -p snapshot create / /home
expect "create, pretty JSON" 0 "{
    \"set_id\": \"$setB\",
    \"consistency\": \"frozen\",
    \"freeze_window_ns\": 2500000,
    \"persistent\": true,
    \"snapshots\": [
        {
            \"device\": \"/dev/vss-snap3\",
            \"origin\": \"vda1\",
            \"id\": \"10101010-1010-1010-1010-101010101010\"
        },
        {
            \"device\": \"/dev/vss-snap4\",
            \"origin\": \"vdb1\",
            \"id\": \"20202020-2020-2020-2020-202020202020\"
        }
    ]
}" ""

run snapshot create --persistent /
expect_calls "create --persistent: the flag" "snapshot_create flags=1 volume=/"

run snapshot create --auto-release /
expect "create --auto-release: says so, and a note that they vanish" 0 \
	"set $setB consistency frozen freeze-window 2.5ms auto-release
/dev/vss-snap3 origin vda1 id 10101010-1010-1010-1010-101010101010" \
	"vssctl: note: auto-release snapshots are deleted as vssctl exits"
expect_calls "create --auto-release: no flag" "snapshot_create flags=0 volume=/"

run -j snapshot create / --auto-release
expect "create --auto-release after the volume, JSON: persistent false, note on stderr" 0 \
	"{\"set_id\":\"$setB\",\"consistency\":\"frozen\",\"freeze_window_ns\":2500000,\"persistent\":false,\"snapshots\":[{\"device\":\"/dev/vss-snap3\",\"origin\":\"vda1\",\"id\":\"10101010-1010-1010-1010-101010101010\"}]}" \
	"vssctl: note: auto-release snapshots are deleted as vssctl exits"

run snapshot create -- /mnt --persistent
expect_calls "create: -- ends options" \
	"snapshot_create flags=1 volume=/mnt
snapshot_create flags=1 volume=--persistent"

FAKE_LIBVSS=op-error run -j snapshot create /
expect "create fails: no JSON, the kernel's message" 1 "" \
	"vssctl: cannot create snapshots: Device or resource busy: fake: busy"

# ---- delete ----

run snapshot delete --id $id1
expect "delete --id: one" 0 "deleted 1 snapshot" ""
expect_calls "delete --id: the id" "snapshot_delete id=$id1"

run snapshot delete --set=$setA
expect "delete --set=: a set of two" 0 "deleted 2 snapshots" ""
expect_calls "delete --set: the set id" "snapshot_delete set=$setA"

run -j snapshot delete --oldest vda1
expect "delete --oldest, JSON" 0 '{"deleted":1}' ""
expect_calls "delete --oldest: a bare name as /dev path" \
	"snapshot_delete oldest=/dev/vda1"

run -j -p snapshot delete --all
expect "delete --all, pretty JSON" 0 '{
    "deleted": 4
}' ""
expect_calls "delete --all" "snapshot_delete all"

run snapshot delete --id $setB
expect "delete of nothing: the kernel's message" 1 "" \
	"vssctl: cannot delete snapshot $setB: No such file or directory: fake: no snapshot matched"

FAKE_LIBVSS=empty run snapshot delete --all
expect "delete --all of nothing" 1 "" \
	"vssctl: cannot delete all snapshots: No such file or directory: fake: no snapshot matched"

FAKE_LIBVSS=absent run snapshot delete --all
expect "module absent" 1 "" "vssctl: module not loaded: fake: family absent"

# ---- usage ----

run snapshot create
expect_usage "create without a volume exits 2" "VOLUME is missing"
run snapshot create --persistent --auto-release /
expect_usage "create --persistent --auto-release exits 2" "exclude each other"
run snapshot create --freeze /
expect_usage "create with an unknown option exits 2" 'unknown option "--freeze"'
run snapshot show
expect_usage "show without an id exits 2" "ID is missing"
run snapshot show 1234
expect_usage "show of a malformed id exits 2" '"1234" is not an id'
run snapshot show $id0 $id1
expect_usage "show of two ids exits 2" "unexpected argument \"$id1\""
run snapshot delete
expect_usage "delete without a selector exits 2" "give exactly one of"
run snapshot delete --all --id $id0
expect_usage "delete with two selectors exits 2" "give exactly one of"
run snapshot delete --all --all
expect_usage "delete --all twice exits 2" "--all given twice"
run snapshot delete --id nope
expect_usage "delete --id of a malformed id exits 2" '--id "nope" is not an id'
run snapshot delete --set
expect_usage "delete --set without a value exits 2" "--set needs a value"
run snapshot delete --everything
expect_usage "delete with an unknown option exits 2" 'unknown option "--everything"'
run snapshot delete $id0
expect_usage "delete of a bare id exits 2" "unexpected argument \"$id0\""
run snapshot list extra
expect_usage "list with an argument exits 2" 'unexpected argument "extra"'
run s
expect_usage "s is ambiguous between storage and snapshot" 'ambiguous object "s"'

run help snapshot
[ $rc -eq 0 ] && grep -q -- '--auto-release' "$out/stdout" &&
	grep -q 'Persistent by' "$out/stdout"
report $? "help snapshot documents persistent by default and --auto-release"

finish
