#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# vssctl and libvss against the real module: diff storage in a file on a
# second loop device (ext4 mounted under /tmp), a snapshot that reads back
# the old data from it (sha256 and cmp), `storage show` in text and JSON,
# set, resize, the errors with the kernel's message and vssctl's hint, and
# removal by the origin's kernel name.
set -u

top=$(cd "$(dirname "$0")/../../.." && pwd)
vssctl=$top/tools/vssctl/vssctl
work=$(mktemp -d /tmp/vssctl-stor.XXXXXX)

tap_prefix=vssctl
# shellcheck source=selftests/lib/tap.sh
. "$top/selftests/lib/tap.sh"

json() { python3 -c "import json,sys; d=json.load(sys.stdin); print($1)"; }


# The storage file is held open by the module: remove the storage before
# unmounting its filesystem.
cleanup() {
	umount "$work/snap" 2>/dev/null
	"$vssctl" snapshot delete --all >/dev/null 2>&1
	for d in "${dev:-}" "${sdev:-}" "${xdev:-}"; do
		[ -n "$d" ] && "$vssctl" storage remove "$d" >/dev/null 2>&1
	done
	umount "$work/srv" "$work/store" 2>/dev/null
	for d in "${dev:-}" "${sdev:-}" "${xdev:-}"; do
		[ -n "$d" ] && losetup -d "$d"
	done
	rm -rf "$work"
}
trap cleanup EXIT

loop() { # loop NAME SIZE: a new loop device on a sparse file
	truncate -s "$2" "$work/$1.img" &&
		losetup --find --show "$work/$1.img"
}

echo "TAP version 13"

modprobe loop
mkdir -p "$work/srv" "$work/store" "$work/snap"
dev=$(loop origin 64M)		# the origin, ext4 at $work/srv
sdev=$(loop store 64M)		# holds the storage file, ext4 at $work/store
xdev=$(loop other 16M)		# a third origin, for the refusals
mkfs.ext4 -q "$dev" && mount "$dev" "$work/srv"
mkfs.ext4 -q "$sdev" && mount "$sdev" "$work/store"
name=${dev#/dev/}
head -c 8M /dev/urandom > "$work/srv/data"
cp "$work/srv/data" "$work/before"
before=$(sha256sum < "$work/before")
sync

"$vssctl" storage add "$dev" --file "$work/store" --max 32M \
	--threshold 90 --threshold 50%
result $? "storage_add_file_with_thresholds"

out=$("$vssctl" storage show "$name")
note "$out"
[ "$out" = "$name kind file path $work/store max 32M used 0 file-size 0 chunk 64K track-block 64K thresholds 50%,90%" ]
result $? "storage_show_text_by_kernel_name_has_kind_path_file_size_thresholds"

out=$("$vssctl" -j storage show "$dev")
[ "$(echo "$out" | json 'd["kind"], d["path"], d["max_bytes"], d["file_bytes"], d["thresholds"]')" = \
	"file $work/store 33554432 0 [50, 90]" ]
result $? "storage_show_json_has_the_file_and_sorted_thresholds"

"$vssctl" storage list | grep -qx "$name kind file path $work/store .*"
result $? "storage_list_text_shows_the_file_storage"

# The unnamed file shows nowhere in its directory.
[ "$(find "$work/store" -mindepth 1 -maxdepth 1 ! -name lost+found | wc -l)" -eq 0 ]
result $? "storage_file_is_unnamed"

out=$("$vssctl" -j snapshot create "$work/srv")
rc=$?
note "$out"
[ $rc -eq 0 ] && [ "$(echo "$out" | json 'd["consistency"]')" = frozen ]
result $? "snapshot_create_with_file_storage"
snapdev=$(echo "$out" | json 'd["snapshots"][0]["device"]' 2>/dev/null)
snapid=$(echo "$out" | json 'd["snapshots"][0]["id"]' 2>/dev/null)

# Overwrite in place, so every chunk of the file is preserved first.
head -c 8M /dev/urandom | dd of="$work/srv/data" conv=notrunc,fsync status=none
sync
[ "$(sha256sum < "$work/srv/data")" != "$before" ]
result $? "origin_has_the_new_data"

echo 3 > /proc/sys/vm/drop_caches
mount -o ro "$snapdev" "$work/snap" &&
	[ "$(sha256sum < "$work/snap/data")" = "$before" ] &&
	cmp "$work/snap/data" "$work/before"
result $? "snapshot_reads_the_old_data_from_the_file_storage"
umount "$work/snap"

out=$("$vssctl" -j storage show "$name")
note "$out"
used=$(echo "$out" | json 'd["used_bytes"]')
[ "$(echo "$out" | json 'd["used_bytes"] >= 8 << 20 and d["file_bytes"] >= d["used_bytes"] and d["file_bytes"] <= d["max_bytes"]')" = True ]
result $? "storage_file_grows_with_the_copies_within_max"

# The filesystem's own writeback (its journal) may still copy chunks: the
# snapshot's use lies between the storage's use before and after it.
out=$("$vssctl" -j snapshot show "$snapid")
note "$out"
after=$("$vssctl" -j storage show "$name" | json 'd["used_bytes"]')
[ "$(echo "$out" | json "$used <= d['storage_used_bytes'] <= $after")" = True ]
result $? "snapshot_show_json_has_its_storage_used"

"$vssctl" snapshot list | grep -q "^$snapdev origin $name state active used [0-9]*[KMG]\? id $snapid "
result $? "snapshot_list_text_has_its_storage_used"

"$vssctl" storage resize "$name" --max 48M &&
	[ "$("$vssctl" -j storage show "$name" | json 'd["max_bytes"], d["thresholds"]')" = \
		"50331648 [50, 90]" ]
result $? "storage_resize_by_kernel_name_grows_max_keeps_thresholds"

"$vssctl" storage set "$dev" --threshold 75 &&
	[ "$("$vssctl" -j storage show "$name" | json 'd["max_bytes"], d["thresholds"]')" = \
		"50331648 [75]" ]
result $? "storage_set_threshold_replaces_them_keeps_max"

"$vssctl" storage set "$dev" --max 40M --threshold 60 --threshold 95 &&
	[ "$("$vssctl" storage show "$name" | sed 's/.* max \([^ ]*\) .*thresholds \(.*\)/\1 \2/')" = \
		"40M 60%,95%" ]
result $? "storage_set_both_at_once"

err=$("$vssctl" storage resize "$name" --max 64K 2>&1)
rc=$?
note "$err"
[ $rc -eq 1 ] && echo "$err" | grep -q "Device or resource busy: max-bytes below the bytes in use" &&
	echo "$err" | grep -qx "vssctl: hint: free diff storage first: vssctl snapshot delete --oldest $name"
result $? "storage_resize_below_use_fails_with_the_kernel_reason_and_a_hint"

err=$("$vssctl" storage add "$xdev" --file "$work/srv" --max 1M 2>&1)
rc=$?
note "$err"
[ $rc -eq 1 ] && echo "$err" | grep -q "Invalid cross-device link: the storage file would be on" &&
	echo "$err" | grep -qx "vssctl: hint: the storage file must be on a filesystem outside every origin"
result $? "storage_add_file_on_an_origin_fails_exdev_with_a_hint"

err=$("$vssctl" storage add "$sdev" --max 1M 2>&1)
rc=$?
note "$err"
[ $rc -eq 1 ] && echo "$err" | grep -q "Invalid cross-device link: origin holds the storage file of" &&
	echo "$err" | grep -q "vssctl: hint: "
result $? "storage_add_of_the_storage_volume_fails_exdev"

err=$("$vssctl" storage add "$xdev" --file "$work/store/none" --max 1M 2>&1)
rc=$?
note "$err"
[ $rc -eq 1 ] && echo "$err" | grep -q "the storage path is not a directory"
result $? "storage_add_file_in_a_missing_directory_fails_with_the_kernel_reason"

[ -z "$("$vssctl" -j storage list | json '[s["origin"] for s in d if s["origin"] != "'"$name"'"] or ""')" ]
result $? "failed_adds_left_no_storage"

err=$("$vssctl" storage remove "$name" 2>&1)
[ $? -eq 1 ] && echo "$err" | grep -q "origin still has snapshots"
result $? "storage_remove_with_snapshots_fails"

"$vssctl" snapshot delete --id "$snapid" >/dev/null &&
	"$vssctl" storage remove "$name"
result $? "storage_remove_by_kernel_name"

"$vssctl" storage show "$dev" >/dev/null 2>&1
[ $? -eq 1 ] && umount "$work/store"
result $? "storage_gone_and_its_filesystem_released"

echo "1..$n"
[ $failed -eq 0 ]
