#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# In a VM (selftests/vm/run.sh, the host's / read-only as root): the smoke
# test of the installed Debian packages, run inside ROOT, the Debian 12
# userland scripts/check-packages.sh installed them into. The module is
# the one DKMS built there for this kernel, loaded by ROOT's own modprobe
# from ROOT's /lib/modules (after the in-kernel modules it needs, which
# ROOT has no copy of, from the guest's); every command is the packaged
# one, run in ROOT with ROOT's libraries.
#
#   check-packages-guest.sh ROOT
set -uo pipefail

root=$1
kver=$(uname -r)
n=0
failed=0
check() { # check DESCRIPTION CMD...
	local desc=$1
	shift
	n=$((n + 1))
	if "$@"; then
		echo "ok $n - $desc"
	else
		echo "not ok $n - $desc"
		failed=$((failed + 1))
	fi
}
in_root() {
	chroot "$root" /usr/bin/env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin LANG=C.UTF-8 "$@"
}

# ROOT is read-only (9p): what its programs need to write is mounted on it.
# ROOT itself becomes a mount point, as / is: vssctl backup makes its
# namespace's / a slave mount, which a mere directory cannot be.
mount --bind "$root" "$root"
mount -t proc proc "$root/proc"
mount -t sysfs sysfs "$root/sys"
mount -t devtmpfs devtmpfs "$root/dev"
mount -t tmpfs -o mode=1777 tmpfs "$root/tmp"
mount -t tmpfs -o mode=755 tmpfs "$root/run"
mount -t tmpfs -o mode=755 tmpfs "$root/mnt"
cleanup() {
	umount "$root/mnt/srv" 2>/dev/null
	losetup -D 2>/dev/null
	umount "$root/mnt" "$root/run" "$root/tmp" "$root/dev" "$root/sys" "$root/proc" "$root" 2>/dev/null
}
trap cleanup EXIT

ko=$(in_root modinfo -n vss 2>/dev/null)
check "ROOT's modprobe finds the DKMS-built vss for $kver ($ko)" \
	test "${ko#/lib/modules/"$kver"/updates/dkms/vss.ko}" != "$ko"
for dep in $(in_root modinfo -F depends vss | tr ',' ' '); do
	modprobe "$dep"
done
check "it loads (ROOT's modprobe vss)" in_root modprobe vss
check "vssctl version names the module's version $(cat "$root/usr/src"/vss-*/VERSION)" \
	sh -c "chroot '$root' vssctl version | tee /dev/stderr | grep -q \"module.*$(cat "$root"/usr/src/vss-*/VERSION)\""

modprobe loop
truncate -s 128M "$root/tmp/disk.img"
dev=$(losetup --find --show "$root/tmp/disk.img")
mkfs.ext4 -q "$dev"
mkdir "$root/mnt/srv"
mount "$dev" "$root/mnt/srv"
head -c 3M /dev/urandom >"$root/mnt/srv/data"
sum=$(sha256sum <"$root/mnt/srv/data")
sync
check "vssctl storage add $dev" in_root vssctl storage add "$dev" --max 64M
in_root vssctl -j snapshot create /mnt/srv >"$root/tmp/create.json"
check "vssctl snapshot create /mnt/srv (a mounted ext4)" test $? -eq 0
id=$(python3 -c 'import json, sys; print(json.load(open(sys.argv[1]))["snapshots"][0]["id"])' \
	"$root/tmp/create.json" 2>/dev/null)
dev_snap=$(python3 -c 'import json, sys; print(json.load(open(sys.argv[1]))["snapshots"][0]["device"])' \
	"$root/tmp/create.json" 2>/dev/null)
check "vssctl snapshot list shows it" sh -c "chroot '$root' vssctl snapshot list | grep -q '$id'"
# Written after the snapshot: the snapshot must not see it.
echo changed >"$root/mnt/srv/data"
sync
check "the snapshot's ext4 holds the file as it was ($dev_snap)" sh -c \
	"[ \"\$(debugfs -R 'cat /data' '$dev_snap' 2>/dev/null | sha256sum)\" = '$sum' ]"
check "vssctl snapshot delete --id $id" in_root vssctl snapshot delete --id "$id"
# shellcheck disable=SC2016 # vssctl substitutes $VSS_MOUNT_0 itself
check "vssctl backup /mnt/srv -- tar" in_root vssctl backup /mnt/srv -- \
	tar -C '$VSS_MOUNT_0' -cf /tmp/srv.tar ./data
check "the archive holds the file as it was at the backup" sh -c \
	"[ \"\$(tar -xOf '$root/tmp/srv.tar' ./data | sha256sum)\" = \"\$(sha256sum <'$root/mnt/srv/data')\" ]"
check "no snapshot is left" sh -c "[ \"\$(chroot '$root' vssctl -j snapshot list)\" = '[]' ]"
check "vssctl storage remove $dev" in_root vssctl storage remove "$dev"
umount "$root/mnt/srv"
check "the module unloads" rmmod vss
echo "check-packages-guest: $n checks, $failed failed on $kver"
[ $failed -eq 0 ]
