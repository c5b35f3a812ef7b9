#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The whole incremental chain through the public tools, against the real
# module: an ext4 on a loop device with diff storage; vss-imgsync takes a
# frozen snapshot of its mount point and keeps a raw image of it. A full
# image first, then 26 rounds of writes (new data at random offsets of a
# file, an equal-byte rewrite, a file deleted and fstrim's discards, a
# file appended) each followed by vss-imgsync: the image's SHA-256 equals
# a full read of the round's snapshot (kept with --keep-snapshot), the run
# says incremental, and the bytes it copied are what `vssctl snapshot
# changes` lists since the previous token. The last image is fsck-clean
# and, mounted, has the files of the instant. Then the ESTALE paths, each
# a full copy with the reason on stderr and again an exact image: a
# tracker reset (vssctl snapshot changes exits 3), a damaged IMAGE.token,
# and a module reload (generation).
# shellcheck disable=SC2012 # ls of one known file
set -u

top=$(cd "$(dirname "$0")/../../.." && pwd)
vssctl=$top/tools/vssctl/vssctl
imgsync=$top/tools/vss-imgsync/vss-imgsync
ko=$top/build/kmod/$(uname -r)/vss.ko
work=$(mktemp -d /tmp/cbt-imgsync.XXXXXX)
img=$work/image
mnt=$work/mnt
dev=

tap_prefix=cbt_imgsync
# shellcheck source=selftests/lib/tap.sh
. "$top/selftests/lib/tap.sh"

cleanup() {
	"$vssctl" snapshot delete --all >/dev/null 2>&1
	umount "$mnt" "$work/check" 2>/dev/null
	if [ -n "$dev" ]; then
		"$vssctl" storage remove "$dev" >/dev/null 2>&1
		losetup -d "$dev"
	fi
	rm -rf "$work"
}
trap cleanup EXIT

# One run of vss-imgsync, keeping the snapshot: $kind (full or
# incremental), $copied (bytes), $snap_id, $snap_dev; its stderr in
# $work/err. Returns its exit status.
sync_once() {
	local out rc
	out=$("$imgsync" --keep-snapshot "$mnt" "$img" 2> "$work/err")
	rc=$?
	kind=$(echo "$out" | awk 'NR == 1 { print $1 }')
	copied=$(echo "$out" | awk 'NR == 1 { print $2 }')
	snap_id=$(echo "$out" | awk '/^kept snapshot/ { print $3 }')
	snap_dev=$(echo "$out" | awk '/^kept snapshot/ { print $4 }')
	return $rc
}

# The image is a byte-exact copy of the kept snapshot; then it goes.
image_exact() {
	local a b
	a=$(sha256sum < "$img" | cut -d' ' -f1)
	b=$(sha256sum < "$snap_dev" | cut -d' ' -f1)
	"$vssctl" snapshot delete --id "$snap_id" >/dev/null
	[ -n "$a" ] && [ "$a" = "$b" ]
}

# A reproducible workload for round $1.
write_round() {
	local r=$1 f=$mnt/data size
	size=$(stat -c %s "$f")
	# New data at three random 4K-aligned offsets, one straddling 64K.
	for off in $(( (RANDOM * 4096) % size )) $(( (RANDOM * 8192) % size )) \
		   $(( 65536 * (r + 1) - 2048 )); do
		head -c 8192 /dev/urandom | dd of="$f" bs=1 seek="$off" \
			conv=notrunc status=none
	done
	# An equal-byte rewrite of a 64K region, direct to the device.
	dd if="$f" of="$work/same" bs=65536 skip=$((r % 16)) count=1 \
		iflag=direct status=none
	dd if="$work/same" of="$f" bs=65536 seek=$((r % 16)) count=1 \
		oflag=direct conv=notrunc status=none
	# A file deleted and its blocks discarded; another appended.
	rm -f "$mnt/tmp$((r - 1))"
	head -c $((100000 + r * 7919)) /dev/urandom > "$mnt/tmp$r"
	head -c 3000 /dev/urandom >> "$mnt/log"
	sync
	fstrim "$mnt" 2>/dev/null
}

echo "TAP version 13"
echo "1..21"

modprobe loop
truncate -s 64M "$work/disk"
dev=$(losetup --find --show "$work/disk")
mkdir -p "$mnt" "$work/check"
"$vssctl" storage add "$dev" --max 48M --track-block 64K >/dev/null &&
	mkfs.ext4 -q -E nodiscard "$dev" && mount -o discard "$dev" "$mnt" &&
	head -c 16M /dev/urandom > "$mnt/data" && : > "$mnt/log" && sync
result $? "setup_ext4_on_a_tracked_loop_device"

sync_once && [ "$kind" = full ] && [ -s "$img.token" ]
result $? "first_run_is_a_full_copy_and_saves_a_token"
note "$(cat "$work/err")"
image_exact
result $? "full_image_equals_its_snapshot"

incr=0 exact=0 listed=0 smaller=0
size=$(stat -c %s "$img")
for r in $(seq 1 26); do
	write_round "$r"
	prev=$(cat "$img.token")
	sync_once || note "round $r: $(cat "$work/err")"
	[ "$kind" = incremental ] && incr=$((incr + 1))
	[ "$copied" -lt "$size" ] && smaller=$((smaller + 1))
	# What the module lists since the previous token is what was copied.
	sum=$("$vssctl" snapshot changes "$snap_id" --since "$prev" |
		awk '{ s += $2 } END { print s + 0 }')
	[ "$sum" = "$copied" ] && listed=$((listed + 1))
	image_exact && exact=$((exact + 1))
done
note "26 rounds: incremental $incr, smaller than the volume $smaller, copied = listed $listed, exact $exact"
[ $incr -eq 26 ]
result $? "26_rounds_are_incremental"
[ $smaller -eq 26 ]
result $? "26_rounds_copy_less_than_the_volume"
[ $listed -eq 26 ]
result $? "each_round_copies_what_snapshot_changes_lists"
[ $exact -eq 26 ]
result $? "each_round_image_equals_its_snapshot"

# The last image as a filesystem: clean, with the files of the instant.
(cd "$mnt" && sha256sum data log tmp26) > "$work/sums"
e2fsck -fn "$img" > "$work/fsck" 2>&1
rc=$?
[ $rc -eq 0 ] || note "$(cat "$work/fsck")"
result $rc "last_image_is_fsck_clean"
mount -o ro,loop,noload "$img" "$work/check" &&
	(cd "$work/check" && sha256sum -c --quiet "$work/sums") &&
	[ ! -e "$work/check/tmp25" ]
result $? "last_image_mounts_with_the_files_of_the_instant"
umount "$work/check" 2>/dev/null

# ESTALE: a tracker reset.
tok=$(cat "$img.token")
"$imgsync" --keep-snapshot "$mnt" "$img" > /dev/null 2>&1 &&
	"$vssctl" snapshot delete --all > /dev/null
"$vssctl" tracker reset "$dev"
result $? "tracker_reset"
head -c 4096 /dev/urandom | dd of="$mnt/data" bs=4096 seek=7 conv=notrunc status=none
sync
sync_once && [ "$kind" = full ] &&
	grep -q "reason reset" "$work/err" && grep -q "stale: reset:" "$work/err"
result $? "after_a_reset_a_full_copy_with_the_reason_on_stderr"
note "$(cat "$work/err")"
"$vssctl" snapshot changes "$snap_id" --since "$tok" > /dev/null 2> "$work/err2"
rc=$?
[ $rc -eq 3 ] && grep -q "stale: reset:" "$work/err2"
result $? "snapshot_changes_since_a_reset_token_exits_3"
image_exact
result $? "after_a_reset_the_image_equals_its_snapshot"

# A damaged token file: refused, full copy.
sed -i 's/vss1:\(.\)/vss1:x/' "$img.token"
sync_once && [ "$kind" = full ] && grep -q "not a sound token" "$work/err"
result $? "a_damaged_token_file_means_a_full_copy"
image_exact
result $? "after_a_damaged_token_the_image_equals_its_snapshot"

# A module reload: a new tracker, an unknown generation.
sync_once && image_exact
result $? "incremental_again_before_the_reload"
umount "$mnt" && "$vssctl" storage remove "$dev" >/dev/null &&
	rmmod vss && insmod "$ko" &&
	"$vssctl" storage add "$dev" --max 48M >/dev/null &&
	mount -o discard "$dev" "$mnt"
result $? "module_reloaded_storage_added_again"
head -c 4096 /dev/urandom | dd of="$mnt/data" bs=4096 seek=9 conv=notrunc status=none
sync
sync_once && [ "$kind" = full ] && grep -q "reason generation" "$work/err"
result $? "after_a_reload_a_full_copy_reason_generation"
note "$(cat "$work/err")"
image_exact
result $? "after_a_reload_the_image_equals_its_snapshot"
sync_once && [ "$kind" = incremental ] && image_exact
result $? "then_incremental_again"

# Nothing left behind: no snapshot, no temporary token file.
[ -z "$("$vssctl" snapshot list)" ] && [ ! -e "$img.token.tmp" ]
result $? "no_snapshot_and_no_temporary_file_left"

[ "$failed" -eq 0 ]
