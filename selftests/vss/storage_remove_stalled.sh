#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# STORAGE_REMOVE of an origin whose device is stalled (issue 15, item 11):
# the removal waits for the origin's writes in flight, since they were
# counted and complete through the module, but it waits without vss_lock
# and killably, so no other command waits behind it and the caller can go.
# Before, it waited holding vss_lock, uninterruptibly: `vssctl storage
# list` hung until the device came back (seen failing: 6.12, timed out).
#
# The origin is a dm-delay device that holds every write for a minute. A
# 4 KiB direct write is held there, counted by the module; `vssctl
# storage remove` is started, then `storage list` must answer within 10 s
# and not list the origin; the remover, SIGKILLed, must be gone within
# 10 s. When dm-delay lets the write go (a suspend flushes what it holds),
# the write completes, its data is on the device, and the origin can be
# given storage again.
set -u

top=$(cd "$(dirname "$0")/../../.." && pwd)
tap_prefix=storage_remove_stalled
# shellcheck source=selftests/lib/tap.sh
. "$top/selftests/lib/tap.sh"
# shellcheck source=selftests/lib/dm_delay.sh
. "$top/selftests/lib/dm_delay.sh"
vssctl=$top/tools/vssctl/vssctl
w=$(mktemp -d /tmp/remove-stalled.XXXXXX)
name=vss-remove-stalled
loop='' origin='' dd_pid='' rm_pid=''



# shellcheck disable=SC2317 # called by the trap
cleanup() {
	[ -z "$origin" ] || dm_delay_release "$name" "$loop" 2>/dev/null
	[ -z "$rm_pid" ] || kill -9 "$rm_pid" 2>/dev/null
	wait 2>/dev/null
	[ -z "$origin" ] || "$vssctl" storage remove "$origin" > /dev/null 2>&1
	dmsetup remove --noudevsync "$name" 2>/dev/null
	[ -z "$loop" ] || losetup -d "$loop"
	rm -rf "$w"
}
trap cleanup EXIT

echo "TAP version 13"
echo "1..6"

modprobe loop && modprobe dm-delay &&
	truncate -s 16M "$w/origin.img" && head -c 4K /dev/urandom > "$w/new" &&
	loop=$(losetup --find --show "$w/origin.img") &&
	dm_delay_create "$name" "$loop" 0 60000 && origin=/dev/mapper/$name &&
	"$vssctl" storage add "$origin" --max 8M > /dev/null
result $? "setup_a_dm_delay_origin_holding_writes_a_minute_with_storage"

dd if="$w/new" of="$origin" bs=4K count=1 oflag=direct status=none &
dd_pid=$!
sleep 1
"$vssctl" storage remove "$origin" > "$w/remove.out" 2>&1 &
rm_pid=$!
sleep 1
t0=$(date +%s%N)
timeout 10 "$vssctl" storage list > "$w/list" 2>&1
rc=$?
note "storage list: exit $rc after $((($(date +%s%N) - t0) / 1000000)) ms"
[ "$rc" -eq 0 ] && ! grep -q "$name\|dm-" "$w/list"
result $? "other_commands_answer_while_the_removal_waits_for_the_stalled_write"

kill -0 "$rm_pid" 2>/dev/null
waiting=$?
kill -9 "$rm_pid" 2>/dev/null
gone=1
for _ in $(seq 100); do
	kill -0 "$rm_pid" 2>/dev/null || { gone=0; break; }
	sleep 0.1
done
note "the remover was still waiting: $([ "$waiting" -eq 0 ] && echo yes || echo no)"
[ "$waiting" -eq 0 ] && [ "$gone" -eq 0 ]
result $? "the_waiting_remover_is_killed_at_once"
rm_pid=''

dm_delay_release "$name" "$loop"
wait "$dd_pid"
result $? "the_held_write_completes_once_the_device_lets_it_go"

cmp -s -n 4096 "$w/new" <(dd if="$origin" bs=4K count=1 iflag=direct status=none)
result $? "its_data_is_on_the_device"

ok=1
for _ in $(seq 50); do
	"$vssctl" storage add "$origin" --max 8M > /dev/null 2>&1 && { ok=0; break; }
	sleep 0.2
done
[ "$ok" -eq 0 ] && "$vssctl" storage remove "$origin" > /dev/null
result $? "the_origin_can_be_given_storage_again"

exit $((failed > 0))
