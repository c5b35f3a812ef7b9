#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# A chain of chained bios whose head completes last (issue 15, item 15).
# BLKZEROOUT on a disk without write-zeroes support writes zero pages:
# 1 MiB REQ_OP_WRITE bios chained by blk_next_bio(), C1 -> C2 -> ... -> Cn,
# each one's bi_end_io bio_chain_endio(), Cn the one submit_bio_wait()
# waits on. bio_endio() walks such a chain in a loop; a module that takes
# over the completion of every bio of it (vss_pass_counted(),
# vss_lane_adopt(): vss_passthrough_endio() calls the owner's end_io) turns
# that loop into a recursion, one frame of ours per bio: when C2..Cn have
# all completed before C1, C1's completion runs down the whole chain on one
# stack. 2047 levels of at least 32 bytes (vss_passthrough_endio()'s frame:
# bio_endio() and bio_chain_endio() tail-call) are 64 KiB: a 16 KiB kernel
# stack overflows (a double fault, the guest's panic).
#
# The disk: loop device L (direct I/O, so that a held read holds no other
# request of it) over a dm device, whose first 2 MiB are dm-delay over a
# loop device of random data and the rest (2047 MiB) dm-zero (so the chain
# costs no memory). dm-delay has no write-zeroes: neither has L. On L,
# p1 = [1 MiB, 2 MiB) with a snapshot, p2 = [2 MiB, 2049 MiB) tracked (diff
# storage, no snapshot). BLKZEROOUT of [1 MiB, 2049 MiB) on L: C1 is p1,
# which needs copies; their reads dm-delay holds (diverted, adopted). C2..Cn
# are p2's: no snapshot, so they pass the hook, their completion taken over,
# and complete at once (counted in L's written sectors). Then the held
# reads are released: C1 is copied, written, and completes last.
# Passing means: the zero-out succeeds, p1 reads zeroes, the first MiB
# (partition table) is untouched, the snapshot still reads p1's old data,
# and the guest's log is clean (the runner checks it).
set -u

top=$(cd "$(dirname "$0")/../../.." && pwd)
tap_prefix=chain_endio
# shellcheck source=selftests/lib/tap.sh
. "$top/selftests/lib/tap.sh"
vssctl=$top/tools/vssctl/vssctl
w=$(mktemp -d /tmp/chain-endio.XXXXXX)
name=vss-chain-endio
chain=2048			# bios in the chain, 1 MiB each
data='' disk='' lower='' p1='' p2='' snap='' zpid=''

# Also in the kernel log, ordered against a crash (run_guest.sh prints a
# program's output only once it has exited).
klog() { note "$*"; echo "chain_endio.sh: $*" > /dev/kmsg; }

# The table of the dm device under L: its first 2 MiB delayed (reads held
# for $1 ms), the rest zero.
table() {
	echo "0 4096 delay $data 0 $1 $data 0 0"
	echo "4096 $(((chain - 1) * 2048)) zero"
}
retable() { # retable READ_DELAY_MS: held reads released by the suspend
	dmsetup suspend --noudevsync --nolockfs "$name" &&
		table "$1" | dmsetup load "$name" &&
		dmsetup resume --noudevsync "$name"
}

# shellcheck disable=SC2317 # called by the trap
cleanup() {
	[ -z "$zpid" ] || kill "$zpid" 2>/dev/null
	[ -z "$lower" ] || retable 0 2>/dev/null
	wait 2>/dev/null
	"$vssctl" snapshot delete --all > /dev/null 2>&1
	[ -z "$p1" ] || "$vssctl" storage remove "$p1" > /dev/null 2>&1
	[ -z "$p2" ] || "$vssctl" storage remove "$p2" > /dev/null 2>&1
	[ -z "$disk" ] || losetup -d "$disk"
	dmsetup remove --noudevsync "$name" 2>/dev/null
	[ -z "$data" ] || losetup -d "$data"
	rm -rf "$w"
}
trap cleanup EXIT

first_mib() { dd if="$disk" bs=1M count=1 iflag=direct status=none; }
# Written sectors of L, completed (its stat's 7th field).
written() { awk '{ print $7 }' "/sys/block/${disk#/dev/}/stat"; }

echo "TAP version 13"
echo "1..6"

modprobe loop && modprobe dm-delay && modprobe dm-zero 2>/dev/null
head -c 2M /dev/urandom > "$w/data.img" &&
	data=$(losetup --find --show "$w/data.img") &&
	table 0 | dmsetup create --noudevsync "$name" &&
	dmsetup mknodes "$name" && lower=/dev/mapper/$name &&
	disk=$(losetup --find --show --direct-io=on --partscan "$lower") &&
	[ "$(cat "/sys/block/${disk#/dev/}/loop/dio")" = 1 ] &&
	[ "$(cat "/sys/block/${disk#/dev/}/queue/write_zeroes_max_bytes")" = 0 ] &&
	printf 'label: dos\nstart=2048, size=2048, type=83\nstart=4096, size=%d, type=83\n' \
		$(((chain - 1) * 2048)) | sfdisk -q "$disk" > /dev/null &&
	blockdev --rereadpt "$disk" && p1=${disk}p1 && p2=${disk}p2 &&
	[ -b "$p1" ] && [ -b "$p2" ] &&
	[ "$(blockdev --getsz "$p2")" -eq $(((chain - 1) * 2048)) ] &&
	sha256sum < "$p1" | cut -d' ' -f1 > "$w/p1.before" &&
	first_mib | sha256sum | cut -d' ' -f1 > "$w/mbr.before" &&
	"$vssctl" storage add "$p1" --max 16M --chunk 64K > /dev/null &&
	"$vssctl" storage add "$p2" --max 16M --chunk 64K > /dev/null &&
	snap=$("$vssctl" snapshot create "$p1" | awk '$2 == "origin" { print $5 }') &&
	[ -n "$snap" ] && retable 60000
result $? "setup_p1_snapshotted_p2_tracked_on_a_loop_over_dm_delay_and_dm_zero"
note "disk $disk over $lower (first 2 MiB over $data), snapshot $snap"

w0=$(written)
python3 - "$disk" $((1 << 20)) $((chain << 20)) > "$w/zeroout.out" 2>&1 <<'EOF' &
import fcntl, os, struct, sys
BLKZEROOUT = 0x127f	# _IO(0x12, 127)
fd = os.open(sys.argv[1], os.O_WRONLY)
fcntl.ioctl(fd, BLKZEROOUT, struct.pack("QQ", int(sys.argv[2]), int(sys.argv[3])))
os.close(fd)
EOF
zpid=$!
t0=$(date +%s%N)
# The head's copy reads held, and every other bio of the chain completed
# (p2's 2047 MiB written), before the reads are released. 60 s at most:
# dm-delay releases a held read by itself after as long.
end=$((SECONDS + 55))
held=0 wrote=0
while [ "$SECONDS" -lt "$end" ]; do
	held=$(dmsetup status "$name" | awk '$3 == "delay" { print $4; exit }')
	wrote=$(($(written) - w0))
	[ "${held:-0}" -ge 1 ] && [ "$wrote" -ge $(((chain - 1) * 2048)) ] && break
	kill -0 "$zpid" 2>/dev/null || break
	sleep 0.2
done
klog "reads held: $held, sectors of the chain written: $wrote, after $((($(date +%s%N) - t0) / 1000000)) ms"
kill -0 "$zpid" 2>/dev/null && [ "${held:-0}" -ge 1 ] && [ "$wrote" -ge $(((chain - 1) * 2048)) ]
result $? "the_head_waits_for_its_copy_while_the_rest_of_the_chain_completes"

# Released: the head completes last, and its completion walks the chain.
klog "releasing the held reads: the head of a chain of $chain bios completes"
retable 0 || note "cannot release the held reads"
rc=124
end=$((SECONDS + 120))
while [ "$SECONDS" -lt "$end" ]; do
	if ! kill -0 "$zpid" 2>/dev/null; then
		wait "$zpid"
		rc=$?
		break
	fi
	sleep 0.2
done
zpid=''
[ -s "$w/zeroout.out" ] && note "$(cat "$w/zeroout.out")"
klog "BLKZEROOUT: exit $rc, $((($(date +%s%N) - t0) / 1000000)) ms in all"
[ "$rc" -eq 0 ]
result $? "the_zeroout_returns_success"

# Direct reads: p1's page cache is not the disk's, which the zero-out dropped.
cmp -s -n $((1 << 20)) <(dd if="$p1" bs=1M count=1 iflag=direct status=none) /dev/zero
result $? "the_origin_reads_zeroes"

[ "$(first_mib | sha256sum | cut -d' ' -f1)" = "$(cat "$w/mbr.before")" ]
result $? "the_first_mib_before_the_range_is_untouched"

dev=$("$vssctl" -j snapshot show "$snap" 2>/dev/null |
	python3 -c 'import json,sys; print(json.load(sys.stdin)["device"])')
[ -n "$dev" ] && [ "$(sha256sum < "$dev" | cut -d' ' -f1)" = "$(cat "$w/p1.before")" ]
result $? "the_snapshot_still_reads_the_old_data"

exit $((failed > 0))
