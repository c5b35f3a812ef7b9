#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Copies are asynchronous (issue 20): a first write's lane submits the read
# of the old chunk and goes on with the next write, so the first writes
# queued on one lane wait for their reads side by side. Before, a lane
# copied one chunk at a time, reading it synchronously: 16 first writes
# queued on one lane read their chunks one after the other.
#
# Seen from outside the module: the origin is a dm-delay device that holds
# every read for a minute (writes pass at once), until the test takes the
# delay away (a suspend releases what it holds). 16 concurrent 4 KiB first
# writes to 16 chunks that all hash to the same lane (the lane of a write
# is hash_64(chunk, 4), as in kmod/tracker.c); the reads dm-delay holds
# (its status line) must reach at least 8 of the 16 (it was 1: the lane
# waited for its one read). No race with the sampler: held reads stay held
# until it has looked. Then every write has landed, the snapshot reads the
# old data, the origin the new.
set -u

top=$(cd "$(dirname "$0")/../../.." && pwd)
vssctl=$top/tools/vssctl/vssctl
w=$(mktemp -d /tmp/copy-async.XXXXXX)
name=vss-copy-async
loop='' origin='' snap=''

tap_prefix=copy_async
# shellcheck source=selftests/lib/tap.sh
. "$top/selftests/lib/tap.sh"
# shellcheck source=selftests/lib/dm_delay.sh
. "$top/selftests/lib/dm_delay.sh"

# shellcheck disable=SC2317 # called by the trap
cleanup() {
	wait 2>/dev/null
	"$vssctl" snapshot delete --all > /dev/null 2>&1
	[ -z "$origin" ] || "$vssctl" storage remove "$origin" > /dev/null 2>&1
	dmsetup remove --noudevsync "$name" 2>/dev/null
	[ -z "$loop" ] || losetup -d "$loop"
	rm -rf "$w"
}
trap cleanup EXIT

echo "TAP version 13"
echo "1..4"

# The 16 chunks (64 KiB) of lane hash_64(0, 4) = 0, below 64 MiB.
chunks=$(python3 -c '
m = (1 << 64) - 1
c = [i for i in range(1024) if ((i * 0x61C8864680B583EB) & m) >> 60 == 0]
print(" ".join(map(str, c[:16])))')

modprobe loop && modprobe dm-delay &&
	head -c 64M /dev/urandom > "$w/origin.img" && head -c 4K /dev/zero | tr '\0' Z > "$w/new" &&  # fio's 0x5a
	loop=$(losetup --find --show "$w/origin.img") &&
	dm_delay_create "$name" "$loop" 60000 0 && origin=/dev/mapper/$name &&
	sha256sum < "$loop" | cut -d' ' -f1 > "$w/before" &&
	"$vssctl" storage add "$origin" --max 32M --chunk 64K > /dev/null &&
	snap=$("$vssctl" snapshot create "$origin" | awk '$2 == "origin" { print $5 }') &&
	[ -n "$snap" ] && [ "$(echo "$chunks" | wc -w)" -eq 16 ]
result $? "setup_a_snapshot_of_a_dm_delay_origin_and_16_chunks_of_one_lane"
note "chunks of lane 0: $chunks"

# One fio thread per chunk, started together (16 dd processes start too far
# apart under emulation for their reads to overlap much, whatever the module).
{
	echo "[global]"
	echo "filename=$origin"
	echo "direct=1"
	echo "rw=write"
	echo "bs=4k"
	echo "size=4k"
	echo "thread=1"
	echo "buffer_pattern=0x5a"
	for c in $chunks; do
		echo "[c$c]"
		echo "offset=$((c << 16))"
	done
} > "$w/jobs.fio"
t0=$(date +%s%N)
fio --output=/dev/null "$w/jobs.fio" &
# dm-delay's status counts the reads it holds: sampled until 16 are held,
# or the writes ended, or 60 s passed (the old lane holds one for as long).
max=0
end=$((SECONDS + 60))
while [ -n "$(jobs -r)" ] && [ "$max" -lt 16 ] && [ "$SECONDS" -lt "$end" ]; do
	r=$(dmsetup status "$name" | awk '{ print $4 }')
	[ "${r:-0}" -gt "$max" ] && max=$r
	sleep 0.1
done
note "origin reads held at once at most: $max"
# Held reads released, and every read at full speed from here on (a read
# of the whole origin would take a minute per bio).
dm_delay_release "$name" "$loop" || note "cannot take the delay away"
wait
note "the 16 writes took $((($(date +%s%N) - t0) / 1000000)) ms"
[ "$max" -ge 8 ]
result $? "first_writes_on_one_lane_wait_for_their_reads_side_by_side"

ok=0
for c in $chunks; do
	cmp -s -n 4096 "$w/new" <(dd if="$origin" bs=4K count=1 skip=$((c * 16)) \
		iflag=direct status=none) || ok=1
done
[ "$ok" -eq 0 ]
result $? "every_write_landed_on_the_origin"

dev=$("$vssctl" -j snapshot show "$snap" | python3 -c 'import json,sys; print(json.load(sys.stdin)["device"])')
[ "$(sha256sum < "$dev" | cut -d' ' -f1)" = "$(cat "$w/before")" ]
result $? "the_snapshot_still_reads_the_old_data"

exit $((failed > 0))
