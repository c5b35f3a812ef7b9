#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The copy into a file storage is not throttled by other devices' dirty
# pages (issue 15 item 13). The copy writes the storage file through the
# page cache, from the worker that the origin's write waits for; without
# PF_LOCAL_THROTTLE (as loop's workers have) that worker is throttled in
# balance_dirty_pages() against the whole machine's dirty limit, so a
# slow, unrelated disk full of dirty pages makes every first write to a
# snapshotted origin crawl. Here: dirty limits of 16 MiB, a buffered
# writer that never stops, writing to a dm-delay device whose writes
# take 8 s (their pages stay dirty or under writeback: the machine is at
# its limit), and, started at a moment the machine is at its limit, 64
# first writes of 64 KiB (O_DIRECT, not throttled themselves) to a
# snapshotted origin whose file storage is on another, fast ext4: they
# must finish in under 4 s (measured: seconds past 8 without the flag),
# the snapshot active and its storage holding the 64 chunks.
#
# The writer writes the raw device, not a file in a filesystem: a
# filesystem's journal, whose commits also take 8 s, stalled it for
# seconds, and a bounded writer ran out, so that the machine was not at
# its limit when the first writes began (CI, 6.12: below 12 MiB for all
# of 10 s); the writes then proved nothing.
set -u

top=$(cd "$(dirname "$0")/../../.." && pwd)
vssctl=$top/tools/vssctl/vssctl
w=$(mktemp -d /tmp/storage-throttle.XXXXXX)
origin='' store='' slowdev='' filler='' snap=''
old_bytes=$(cat /proc/sys/vm/dirty_bytes)
old_ratio=$(cat /proc/sys/vm/dirty_ratio)
old_bg_bytes=$(cat /proc/sys/vm/dirty_background_bytes)
old_bg_ratio=$(cat /proc/sys/vm/dirty_background_ratio)

tap_prefix=storage_throttle
# shellcheck source=selftests/lib/tap.sh
. "$top/selftests/lib/tap.sh"
# shellcheck source=selftests/lib/dm_delay.sh
. "$top/selftests/lib/dm_delay.sh"

# shellcheck disable=SC2317 # called by the trap
cleanup() {
	[ -z "$filler" ] || kill -- -"$filler" 2>/dev/null
	wait 2>/dev/null
	"$vssctl" snapshot delete --all >/dev/null 2>&1
	[ -z "$origin" ] || "$vssctl" storage remove "$origin" >/dev/null 2>&1
	# The slow disk's writes complete at once from here on.
	if dmsetup status vss-throttle-slow >/dev/null 2>&1; then
		dm_delay_release vss-throttle-slow "$slowdev"
	fi
	umount "$w/store" 2>/dev/null
	dmsetup remove --noudevsync vss-throttle-slow 2>/dev/null
	for d in "$origin" "$store" "$slowdev"; do [ -z "$d" ] || losetup -d "$d"; done
	echo "$old_ratio" > /proc/sys/vm/dirty_ratio
	echo "$old_bg_ratio" > /proc/sys/vm/dirty_background_ratio
	[ "$old_bytes" = 0 ] || echo "$old_bytes" > /proc/sys/vm/dirty_bytes
	[ "$old_bg_bytes" = 0 ] || echo "$old_bg_bytes" > /proc/sys/vm/dirty_background_bytes
	rm -rf "$w"
}
trap cleanup EXIT

# Dirty or under writeback, in KiB: what the dirty limit counts.
dirty_kib() { awk '/^(Dirty|Writeback):/ { s += $2 } END { print s }' /proc/meminfo; }

echo "TAP version 13"
echo "1..4"

modprobe loop && modprobe dm-delay &&
	truncate -s 64M "$w/origin" && truncate -s 128M "$w/store.img" &&
	truncate -s 256M "$w/slow.img" &&
	origin=$(losetup --find --show "$w/origin") &&
	store=$(losetup --find --show "$w/store.img") &&
	slowdev=$(losetup --find --show "$w/slow.img") &&
	mkfs.ext4 -q "$store" &&
	dm_delay_create vss-throttle-slow "$slowdev" 0 8000 &&
	mkdir -p "$w/store" && mount "$store" "$w/store" &&
	# The storage's disk has written out before (its share of the limit).
	dd if=/dev/zero of="$w/store/warm" bs=1M count=24 conv=fsync status=none &&
	rm "$w/store/warm" &&
	"$vssctl" storage add "$origin" --max 32M --file "$w/store" --chunk 64K >/dev/null &&
	snap=$("$vssctl" snapshot create "$origin" | awk '$2 == "origin" { print $5 }') &&
	[ -n "$snap" ]
result $? "setup_a_snapshot_with_file_storage_and_a_slow_disk"

echo 16777216 > /proc/sys/vm/dirty_bytes
echo 4194304 > /proc/sys/vm/dirty_background_bytes
# The dirty pages come and go in waves of 8 s (a batch of writeback
# completes at once, then the writer refills): wait, up to a minute,
# for a moment at the limit, and start the timed writes right then.
# Its own process group (setsid), so that cleanup stops the loop and
# its dd at once.
setsid bash -c 'while :; do
	dd if=/dev/zero of=/dev/mapper/vss-throttle-slow bs=1M status=none 2>/dev/null
done' &
filler=$!
for _ in $(seq 600); do
	dirty=$(dirty_kib)
	[ "$dirty" -ge 12288 ] && break
	sleep 0.1
done
note "dirty or under writeback: $dirty KiB"
[ "$dirty" -ge 12288 ]
result $? "the_machine_is_at_its_dirty_limit"

start=$(date +%s%N)
dd if=/dev/urandom of="$origin" bs=64K count=64 oflag=direct status=none
rc=$?
ms=$((($(date +%s%N) - start) / 1000000))
note "64 first writes of 64 KiB: $ms ms, the machine then at $(dirty_kib) KiB dirty"
if [[ $(uname -r) == *-vss-debug ]]; then
	# KASAN and lockdep make the 64 copies themselves take as long as the
	# slow disk's 8 s (9.4 s seen with the fix): no verdict either way.
	n=$((n + 1))
	echo "ok $n storage_throttle.first_writes_are_not_held_by_another_disks_dirty_pages # SKIP the debug kernel is too slow to tell"
else
	[ $rc -eq 0 ] && [ $ms -lt 4000 ]
	result $? "first_writes_are_not_held_by_another_disks_dirty_pages"
fi

"$vssctl" -j snapshot show "$snap" > "$w/show" 2>&1 &&
	grep -q '"state": *"active"' "$w/show" &&
	[ "$("$vssctl" -j storage show "$origin" | python3 -c 'import json,sys; print(json.load(sys.stdin)["used_bytes"])')" = $((64 * 65536)) ]
result $? "the_snapshot_is_active_and_holds_the_64_chunks"
note "$(cat "$w/show")"

exit $((failed > 0))
