#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# vssctl and libvss against the real module: storage and snapshot commands
# on a loop device with ext4, outputs checked in JSON and text.
set -u

top=$(cd "$(dirname "$0")/../../.." && pwd)
vssctl=$top/tools/vssctl/vssctl
work=$(mktemp -d /tmp/vssctl-snap.XXXXXX)

tap_prefix=vssctl
# shellcheck source=selftests/lib/tap.sh
. "$top/selftests/lib/tap.sh"

json() { python3 -c "import json,sys; d=json.load(sys.stdin); print($1)"; }

cleanup() {
	umount "$work/snap" "$work/srv" 2>/dev/null
	"$vssctl" snapshot delete --all >/dev/null 2>&1
	[ -n "${dev:-}" ] && "$vssctl" storage remove "$dev" >/dev/null 2>&1
	[ -n "${dev:-}" ] && losetup -d "$dev"
	rm -rf "$work"
}
trap cleanup EXIT

echo "TAP version 13"
echo "1..9"

modprobe loop
mkdir -p "$work/srv" "$work/snap"
truncate -s 128M "$work/disk.img"
dev=$(losetup --find --show "$work/disk.img")
mkfs.ext4 -q "$dev" && mount "$dev" "$work/srv"
echo "before" > "$work/srv/file"
name=${dev#/dev/}

"$vssctl" storage add "$dev" --max 32M --chunk 16K
result $? "storage_add"

out=$("$vssctl" -j storage show "$dev")
[ "$(echo "$out" | json 'd["origin"], d["max_bytes"], d["chunk_bytes"], d["used_bytes"]')" = \
	"$name 33554432 16384 0" ]
result $? "storage_show_json_has_the_configuration"

out=$("$vssctl" -j snapshot create "$work/srv")
rc=$?
echo "# $out"
[ $rc -eq 0 ] && [ "$(echo "$out" | json 'd["consistency"]')" = frozen ]
result $? "snapshot_create_of_a_mount_point_is_frozen"
snapdev=$(echo "$out" | json 'd["snapshots"][0]["device"]' 2>/dev/null)
snapid=$(echo "$out" | json 'd["snapshots"][0]["id"]' 2>/dev/null)

echo "after" > "$work/srv/file" && sync
mount -o ro "$snapdev" "$work/snap" && [ "$(cat "$work/snap/file")" = before ]
result $? "snapshot_device_mounts_with_the_old_file"
umount "$work/snap"

out=$("$vssctl" -j snapshot list)
[ "$(echo "$out" | json 'len(d), d[0]["id"], d[0]["origin"], d[0]["state"], d[0]["persistent"]')" = \
	"1 $snapid $name active True" ]
result $? "snapshot_list_json_shows_it"

"$vssctl" snapshot show "$snapid" | grep -q "$name"
result $? "snapshot_show_text_names_the_origin"

[ "$("$vssctl" -j storage show "$dev" | json 'd["used_bytes"] > 0')" = True ]
result $? "storage_used_grows_with_copies"

err=$("$vssctl" storage remove "$dev" 2>&1)
[ $? -eq 1 ] && echo "$err" | grep -q "origin still has snapshots"
result $? "storage_remove_with_snapshots_fails_with_the_kernel_reason"

out=$("$vssctl" snapshot delete --all)
rc=$?
echo "# delete: rc $rc, '$out'"
[ $rc -eq 0 ] && [ "$out" = "deleted 1 snapshot" ] && [ ! -e "$snapdev" ]
result $? "snapshot_delete_all_removes_the_device"

[ $failed -eq 0 ]
