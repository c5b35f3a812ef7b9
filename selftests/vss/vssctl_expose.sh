#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# `vssctl snapshot expose` and `unexpose` against the real module: on an
# ext4 and an xfs on loop devices (each mounted, so the snapshot is a copy
# of a mounted filesystem with its UUID and journal), the snapshot mounts
# read-only with its filesystem's options and shows the files of its
# instant while the origin changes; unexpose by directory and by id
# leaves no mount; a raw volume is refused, so is unexposing a directory
# where no snapshot is mounted. A filesystem the host does not mount itself
# (an ext4 on a block device nobody mounted) is refused, and mounted with
# --mount-untrusted only.
set -u

top=$(cd "$(dirname "$0")/../../.." && pwd)
vssctl=$top/tools/vssctl/vssctl
work=$(mktemp -d /tmp/vssctl-expose.XXXXXX)
devs=()

tap_prefix=vssctl
# shellcheck source=selftests/lib/tap.sh
. "$top/selftests/lib/tap.sh"

json() { python3 -c "import json,sys; d=json.load(sys.stdin); print($1)"; }

# The mount options the kernel shows for DIR.
options() { findmnt -n -o OPTIONS --mountpoint "$1"; }

snap_mounts() { grep -c ' /dev/vss-snap' /proc/self/mountinfo; }

cleanup() {
	local m d
	awk '$10 ~ /^\/dev\/vss-snap/ { print $5 }' /proc/self/mountinfo |
		while read -r m; do umount "$m"; done
	umount "$work"/ext4 "$work"/xfs 2>/dev/null
	"$vssctl" snapshot delete --all >/dev/null 2>&1
	for d in "${devs[@]}"; do
		"$vssctl" storage remove "$d" >/dev/null 2>&1
		losetup -d "$d"
	done
	rm -rf "$work"
}
trap cleanup EXIT

echo "TAP version 13"
echo "1..15"

modprobe loop
# Each of ext4, xfs, raw: a loop device with diff storage.
for fs in ext4 xfs raw; do
	truncate -s 320M "$work/$fs.img"
	d=$(losetup --find --show "$work/$fs.img")
	devs+=("$d")
	"$vssctl" storage add "$d" --max 64M >/dev/null
	mkdir -p "$work/$fs" "$work/snap-$fs"
	case $fs in
	ext4) mkfs.ext4 -q "$d" && mount "$d" "$work/$fs" ;;
	xfs) mkfs.xfs -q -f "$d" && mount "$d" "$work/$fs" ;;
	raw) dd if=/dev/urandom of="$d" bs=1M count=1 status=none ;;
	esac
done

for fs in ext4 xfs; do
	echo "old $fs" > "$work/$fs/file"
	out=$("$vssctl" -j snapshot create "$work/$fs")
	id=$(echo "$out" | json 'd["snapshots"][0]["id"]')
	snapdev=$(echo "$out" | json 'd["snapshots"][0]["device"]')
	echo "new $fs" > "$work/$fs/file" && sync

	out=$("$vssctl" -j snapshot expose "$id" "$work/snap-$fs" 2>&1)
	rc=$?
	note "$out"
	case $fs in
	ext4) want="$snapdev ext4 ro,nosuid,nodev noload" ;;
	xfs) want="$snapdev xfs ro,nosuid,nodev nouuid,norecovery" ;;
	esac
	[ $rc -eq 0 ] && [ "$(echo "$out" | json 'd["device"], d["fstype"], d["flags"], d["options"]')" = "$want" ]
	result $? "expose_${fs}_reports_device_type_and_options"

	[ "$(cat "$work/snap-$fs/file")" = "old $fs" ] && [ "$(cat "$work/$fs/file")" = "new $fs" ]
	result $? "expose_${fs}_shows_the_file_of_the_instant"

	opts=$(options "$work/snap-$fs")
	note "$fs options: $opts"
	case $fs in
	ext4) echo ",$opts," | grep -q ',ro,' && echo "$opts" | grep -q 'nosuid' &&
		echo "$opts" | grep -q 'nodev' && echo "$opts" | grep -q 'norecovery\|noload' ;;
	xfs) echo ",$opts," | grep -q ',ro,' && echo "$opts" | grep -q 'nouuid' &&
		echo "$opts" | grep -q 'norecovery' ;;
	esac
	result $? "expose_${fs}_mount_is_read_only_with_its_options"

	! touch "$work/snap-$fs/new" 2>/dev/null
	result $? "expose_${fs}_cannot_be_written"

	# ext4 by directory, xfs by id
	what=$work/snap-$fs
	[ "$fs" = xfs ] && what=$id
	out=$("$vssctl" snapshot unexpose "$what") &&
		[ "$out" = "unexposed $work/snap-$fs" ] && ! mountpoint -q "$work/snap-$fs"
	result $? "unexpose_${fs}_unmounts_it"
done

[ "$(snap_mounts)" -eq 0 ]
result $? "no_snapshot_mount_left"

out=$("$vssctl" -j snapshot create "${devs[2]}")
id=$(echo "$out" | json 'd["snapshots"][0]["id"]')
snapdev=$(echo "$out" | json 'd["snapshots"][0]["device"]')
err=$("$vssctl" snapshot expose "$id" "$work/snap-raw" 2>&1)
rc=$?
note "$err"
[ $rc -eq 1 ] && echo "$err" | grep -q "^vssctl: $snapdev holds no filesystem vssctl can mount" &&
	! mountpoint -q "$work/snap-raw"
result $? "expose_of_a_raw_volume_is_refused"

# The raw volume now holds an ext4 that the host never mounted: untrusted.
"$vssctl" snapshot delete --id "$id" >/dev/null
mkfs.ext4 -q -F "${devs[2]}"
out=$("$vssctl" -j snapshot create "${devs[2]}")
id=$(echo "$out" | json 'd["snapshots"][0]["id"]')
snapdev=$(echo "$out" | json 'd["snapshots"][0]["device"]')
err=$("$vssctl" snapshot expose "$id" "$work/snap-raw" 2>&1)
rc=$?
note "$err"
[ $rc -eq 1 ] && ! mountpoint -q "$work/snap-raw" &&
	echo "$err" | grep -qx "vssctl: $snapdev holds ext4, but its origin ${devs[2]} is not mounted here as such: the host does not trust it"
result $? "expose_of_a_filesystem_the_host_does_not_mount_is_refused"
out=$("$vssctl" -j snapshot expose --mount-untrusted "$id" "$work/snap-raw" 2>&1)
rc=$?
note "$out"
[ $rc -eq 0 ] && [ "$(echo "$out" | json 'd["fstype"], d["trusted"]')" = "ext4 False" ] &&
	mountpoint -q "$work/snap-raw" && "$vssctl" snapshot unexpose "$id" >/dev/null
result $? "expose_mount_untrusted_mounts_it_anyway"

err=$("$vssctl" snapshot unexpose "$work/ext4" 2>&1)
rc=$?
[ $rc -eq 1 ] && [ "$err" = "vssctl: $work/ext4 is not a mounted snapshot
vssctl: hint: only a snapshot's mount is unexposed; umount(8) unmounts others" ] &&
	mountpoint -q "$work/ext4"
result $? "unexpose_of_an_origin_mount_is_refused"

[ $failed -eq 0 ]
