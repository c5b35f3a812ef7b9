#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# A changed-block tracker across module reloads (issue 16 part 2), through
# `vssctl tracker save` and `restore`, against the real module: an ext4 on
# a tracked loop device.
#
# Continued: snapshot S0 (a raw copy kept, its token T0), writes W1, save,
# module reload (a restore before the storage is added fails and keeps the
# file), storage added again, restore, writes W2, snapshot S1:
# changes(T0 -> S1) is answered (not ESTALE) and holds every 64K block in
# which a full read of S0 and of S1 differ (W1 and W2), and S1's epoch
# follows T0's. Refused, each leaving a new generation (the next query
# ESTALE generation): a volume mounted while the module was away (its
# superblock changed), a file with one byte flipped, another block size
# (ESTALE identity from the kernel), a symlink, a file not root's. Served
# once: a restored file copied back is refused by vssctl, and with its
# .used twin gone, by the module (the generation is already the tracker's).
set -u

top=$(cd "$(dirname "$0")/../../.." && pwd)
vssctl=$top/tools/vssctl/vssctl
ko=$top/build/kmod/$(uname -r)/vss.ko
work=$(mktemp -d /tmp/cbt-persist.XXXXXX)
dir=$work/saved
mnt=$work/mnt
dev=

tap_prefix=cbt_persist
# shellcheck source=selftests/lib/tap.sh
. "$top/selftests/lib/tap.sh"

cleanup() {
	"$vssctl" snapshot delete --all >/dev/null 2>&1
	umount "$mnt" 2>/dev/null
	if [ -n "$dev" ]; then
		"$vssctl" storage remove "$dev" >/dev/null 2>&1
		losetup -d "$dev"
	fi
	rm -rf "$work"
}
trap cleanup EXIT

# snap: a snapshot of the mount point; $snap_dev, $snap_id, $token.
snap() {
	local line
	line=$("$vssctl" snapshot create "$mnt" | awk '$2 == "origin" { print }')
	snap_dev=$(echo "$line" | awk '{ print $1 }')
	snap_id=$(echo "$line" | awk '{ print $5 }')
	token=$(echo "$line" | awk '{ print $7 }')
	[ -b "$snap_dev" ] && [ -n "$snap_id" ] && [ "${token#vss1:}" != "$token" ]
}

# The epoch of a token (bytes 16 to 23 of its body, after "vss1:").
epoch_of() { printf '%d\n' "0x${1:37:16}"; }

# Writes at offsets of the data file that move with $1, 4K and 8K, one
# across a 64K boundary, through the filesystem, then synced.
write_some() {
	local r=$1 f=$mnt/data off
	for off in $((r * 1048576 + 4096)) $((r * 1048576 + 65536 - 2048)) \
		   $((r * 3 * 1048576 + 300000)); do
		head -c 8192 /dev/urandom | dd of="$f" bs=8192 seek=$((off / 8192)) \
			conv=notrunc status=none
	done
	head -c 5000 /dev/urandom >> "$mnt/log"
	sync
}

# 64K blocks in which two images differ, one number a line.
diff_blocks() {
	cmp -l "$1" "$2" | awk '{ print int(($1 - 1) / 65536) }' | uniq
}

# Blocks an extent list ("OFFSET LENGTH" lines) covers, one a line.
extent_blocks() {
	awk '{ for (b = int($1 / 65536); b * 65536 < $1 + $2; b++) print b }' "$1"
}

reload_and_add() { # reload_and_add [TRACK_BLOCK]
	"$vssctl" storage remove "$dev" >/dev/null && rmmod vss && insmod "$ko" &&
		"$vssctl" storage add "$dev" --max 48M --track-block "${1:-64K}" >/dev/null
}

# A query that must be ESTALE with reason $1 (vssctl exits 3).
stale_as() {
	local rc
	snap || return 1
	"$vssctl" snapshot changes "$snap_id" --since "$2" > /dev/null 2> "$work/err"
	rc=$?
	"$vssctl" snapshot delete --id "$snap_id" > /dev/null
	[ $rc -eq 3 ] && grep -q "stale: $1:" "$work/err"
}

# A saved file for the next round: snapshot (token in $token), save.
snap_and_save() {
	snap && "$vssctl" snapshot delete --id "$snap_id" >/dev/null &&
		write_some "$1" && umount "$mnt" &&
		"$vssctl" tracker save "$dev" "$dir" > "$work/out" &&
		[ -f "$dir/$name.vsstrk" ]
}

echo "TAP version 13"
echo "1..20"

modprobe loop
truncate -s 64M "$work/disk"
dev=$(losetup --find --show "$work/disk")
name=${dev#/dev/}
mkdir -p "$mnt" "$dir"
chmod 700 "$dir"
"$vssctl" storage add "$dev" --max 48M --track-block 64K >/dev/null &&
	mkfs.ext4 -q -E nodiscard "$dev" && mount "$dev" "$mnt" &&
	head -c 24M /dev/urandom > "$mnt/data" && : > "$mnt/log" && sync
result $? "setup_ext4_on_a_tracked_loop_device"

# S0, kept as a raw image, then gone; W1; saved.
snap && t0=$token && dd if="$snap_dev" of="$work/s0" bs=1M status=none &&
	"$vssctl" snapshot delete --id "$snap_id" >/dev/null
result $? "snapshot_s0_copied_and_deleted"
write_some 1 && umount "$mnt" && "$vssctl" tracker save "$dev" "$dir" > "$work/out" &&
	[ -f "$dir/$name.vsstrk" ] && [ "$(stat -c %a "$dir/$name.vsstrk")" = 600 ] &&
	[ -z "$(find "$dir" -name '.*')" ]
result $? "save_writes_one_file_of_mode_600_and_no_temporary"
note "$(cat "$work/out")"

# Reload; a restore before the storage is added leaves the file.
"$vssctl" storage remove "$dev" >/dev/null && rmmod vss && insmod "$ko" &&
	! "$vssctl" tracker restore "$dir" > "$work/out" 2>&1 &&
	grep -q "add the storage of $name first" "$work/out" && [ -f "$dir/$name.vsstrk" ]
result $? "restore_before_the_storage_is_added_keeps_the_file"

# Restore, W2, S1: changes(T0 -> S1) covers the full diff.
"$vssctl" storage add "$dev" --max 48M --track-block 64K >/dev/null &&
	"$vssctl" tracker restore "$dir" > "$work/out" 2>&1
rc=$?
note "$(cat "$work/out")"
[ $rc -eq 0 ] && [ ! -e "$dir/$name.vsstrk" ] && [ -f "$dir/$name.vsstrk.used" ] &&
	grep -q "^restored $name generation .* saved in this boot" "$work/out"
result $? "restore_after_a_reload_consumes_the_file"
mount "$dev" "$mnt" && write_some 2 && snap && t1=$token
result $? "writes_w2_then_snapshot_s1"
"$vssctl" snapshot changes "$snap_id" --since "$t0" > "$work/ext" 2> "$work/err"
rc=$?
[ $rc -eq 0 ]
result $? "changes_since_a_token_from_before_the_reload_answer"
note "$(cat "$work/err")"
dd if="$snap_dev" of="$work/s1" bs=1M status=none
diff_blocks "$work/s0" "$work/s1" > "$work/diff"
# comm wants the collating order, not the numeric one.
extent_blocks "$work/ext" | sort -u > "$work/listed"
missed=$(sort -u "$work/diff" | comm -23 - "$work/listed" | wc -l)
note "differing blocks $(wc -l < "$work/diff"), listed $(wc -l < "$work/listed"), missed $missed"
[ -s "$work/diff" ] && [ "$missed" -eq 0 ]
result $? "every_block_that_differs_between_s0_and_s1_is_listed"
# W1 alone: blocks of the data file written before the save, unwritten after.
[ "$(wc -l < "$work/listed")" -lt 256 ]
result $? "the_list_is_not_the_whole_volume"
[ "$(epoch_of "$t1")" -gt "$(epoch_of "$t0")" ] &&
	[ "${t1:5:32}" = "${t0:5:32}" ]
result $? "s1_continues_t0s_generation_with_a_later_epoch"
"$vssctl" snapshot delete --id "$snap_id" >/dev/null

# Mounted while the module was away: refused, then ESTALE.
snap_and_save 3 && t2=$token && "$vssctl" storage remove "$dev" >/dev/null &&
	rmmod vss && mount "$dev" "$mnt" && echo offline > "$mnt/offline" &&
	umount "$mnt" && insmod "$ko" &&
	"$vssctl" storage add "$dev" --max 48M --track-block 64K >/dev/null
result $? "saved_then_written_while_the_module_was_away"
"$vssctl" tracker restore "$dir" > "$work/out" 2>&1
rc=$?
note "$(cat "$work/out")"
[ $rc -eq 1 ] && grep -q "written while it was not tracked" "$work/out"
result $? "restore_refuses_a_volume_written_while_untracked"
mount "$dev" "$mnt" && stale_as generation "$t2"
result $? "then_changes_since_before_is_estale_generation"
note "$(cat "$work/err")"

# One byte flipped: refused.
snap_and_save 4 && t3=$token && reload_and_add &&
	printf '\xa5' | dd of="$dir/$name.vsstrk" bs=1 seek=200 conv=notrunc status=none &&
	! "$vssctl" tracker restore "$dir" > "$work/out" 2>&1 &&
	grep -q "damaged, or not a saved tracker" "$work/out"
result $? "restore_refuses_a_damaged_file"
note "$(cat "$work/out")"
mount "$dev" "$mnt" && stale_as generation "$t3"
result $? "after_a_damaged_file_changes_is_estale_generation"

# Another block size: the module refuses it (identity).
snap_and_save 5 && reload_and_add 128K &&
	! "$vssctl" tracker restore "$dir" > "$work/out" 2>&1 &&
	grep -q "stale: identity:" "$work/out"
result $? "the_module_refuses_another_block_size"
note "$(cat "$work/out")"

# Served once: copied back, refused by vssctl; without its twin, by the module.
"$vssctl" storage remove "$dev" >/dev/null &&
	"$vssctl" storage add "$dev" --max 48M --track-block 64K >/dev/null &&
	mount "$dev" "$mnt" && snap_and_save 6 && t4=$token &&
	cp -p "$dir/$name.vsstrk" "$work/copy" && reload_and_add &&
	"$vssctl" tracker restore "$dir" "$dev" > "$work/out" 2>&1 &&
	cp -p "$work/copy" "$dir/$name.vsstrk" &&
	! "$vssctl" tracker restore "$dir" > "$work/out" 2>&1 &&
	grep -q "restored before" "$work/out" && [ ! -e "$dir/$name.vsstrk" ]
result $? "a_restored_file_copied_back_is_refused"
note "$(cat "$work/out")"
rm -f "$dir/$name.vsstrk.used" && cp -p "$work/copy" "$dir/$name.vsstrk" &&
	! "$vssctl" tracker restore "$dir" > "$work/out" 2>&1 &&
	grep -q "serves once" "$work/out"
result $? "the_module_refuses_a_generation_it_already_has"
note "$(cat "$work/out")"
mount "$dev" "$mnt" && write_some 7 && snap &&
	"$vssctl" snapshot changes "$snap_id" --since "$t4" > /dev/null &&
	"$vssctl" snapshot delete --id "$snap_id" >/dev/null
result $? "the_first_restore_still_answers_after_the_refusals"

# Not a regular file of root's: refused before it is read.
umount "$mnt" && "$vssctl" tracker save "$dev" "$dir" >/dev/null &&
	mv "$dir/$name.vsstrk" "$work/real" && ln -s "$work/real" "$dir/$name.vsstrk" &&
	! "$vssctl" tracker restore "$dir" > "$work/out" 2>&1 &&
	grep -q "not a regular file of root's" "$work/out" &&
	rm "$dir/$name.vsstrk" && cp "$work/real" "$dir/$name.vsstrk" &&
	chown 65534 "$dir/$name.vsstrk" &&
	! "$vssctl" tracker restore "$dir" > "$work/out" 2>&1 &&
	grep -q "not a regular file of root's" "$work/out"
result $? "restore_refuses_a_symlink_and_a_file_not_roots"
note "$(cat "$work/out")"

[ "$failed" -eq 0 ]
