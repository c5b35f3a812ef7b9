#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# First writes spread over the origin's 16 copy lanes (issue 20, "fair
# lanes"). A diverted write waits on one lane, which copies one chunk at a
# time; a write goes to the lane of its first chunk. The lane used to be
# the sector's bits above 128 KiB, which put every aligned 1 MiB write on
# lane 0 or 8: 2 of 16 lanes did all the copying, and a slow copy held
# every write queued behind it. Seen here without instrumenting the
# module: each lane has its own work item, and the workqueue_queue_work
# tracepoint names the work item queued. 32 first writes of 1 MiB at
# aligned offsets, one at a time, must use at least 8 lanes (the hash is
# fixed: these 32 chunks land on 10 of them; the old choice put them on
# 2), and the snapshot still reads the old data.
set -u

top=$(cd "$(dirname "$0")/../../.." && pwd)
vssctl=$top/tools/vssctl/vssctl
w=$(mktemp -d /tmp/copy-lanes.XXXXXX)
tr=/sys/kernel/tracing
ev=$tr/events/workqueue/workqueue_queue_work
origin='' snap=''

tap_prefix=copy_lanes
# shellcheck source=selftests/lib/tap.sh
. "$top/selftests/lib/tap.sh"

# shellcheck disable=SC2317 # called by the trap
cleanup() {
	[ -e "$ev/enable" ] && echo 0 > "$ev/enable" && echo 0 > "$ev/filter"
	"$vssctl" snapshot delete --all > /dev/null 2>&1
	[ -z "$origin" ] || "$vssctl" storage remove "$origin" > /dev/null 2>&1
	[ -z "$origin" ] || losetup -d "$origin"
	rm -rf "$w"
}
trap cleanup EXIT

echo "TAP version 13"
echo "1..3"

[ -d "$tr/events" ] || mount -t tracefs tracefs "$tr" 2>/dev/null
modprobe loop &&
	head -c 64M /dev/urandom > "$w/origin" && head -c 32M /dev/urandom > "$w/new" &&
	origin=$(losetup --find --show "$w/origin") &&
	sha256sum < "$origin" | cut -d' ' -f1 > "$w/before" &&
	"$vssctl" storage add "$origin" --max 48M --chunk 64K > /dev/null &&
	snap=$("$vssctl" snapshot create "$origin" | awk '$2 == "origin" { print $5 }') &&
	[ -n "$snap" ] && [ -e "$ev/enable" ]
result $? "setup_a_snapshot_of_a_loop_device_and_the_tracepoint"

echo 'workqueue == "vss_cow"' > "$ev/filter" && echo > "$tr/trace" && echo 1 > "$ev/enable"
# One write of 1 MiB each (from a file: dd's reads from a pipe come back
# 64 KiB at a time, and so would its writes).
for i in $(seq 0 31); do
	dd if="$w/new" of="$origin" bs=1M skip="$i" seek="$i" count=1 oflag=direct \
		conv=notrunc status=none || break
done
echo 0 > "$ev/enable"
lanes=$(grep -o 'work struct=[0-9a-fx]* function=vss_lane_work' "$tr/trace" | sort -u | wc -l)
note "32 aligned first writes of 1 MiB went to $lanes of the 16 lanes"
[ "$lanes" -ge 8 ]
result $? "aligned_first_writes_spread_over_the_lanes"

dev=$("$vssctl" -j snapshot show "$snap" | python3 -c 'import json,sys; print(json.load(sys.stdin)["device"])')
[ "$(sha256sum < "$dev" | cut -d' ' -f1)" = "$(cat "$w/before")" ]
result $? "the_snapshot_still_reads_the_old_data"

exit $((failed > 0))
