#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The guest half of `make demo` (runs inside the VM): a live filesystem, a
# snapshot of it taken at one instant, the files of that instant read back
# while the origin moves on.
set -euo pipefail

top=$(cd "$(dirname "$0")/.." && pwd)
vssctl=$top/tools/vssctl/vssctl
work=/tmp/demo

say() { printf '\n== %s\n' "$*"; }
run() { printf '$ %s\n' "$*"; "$@"; }

say "load the module"
run insmod "$top/build/kmod/$(uname -r)/vss.ko"
run "$vssctl" version

say "a volume with a live ext4 filesystem (a loop device here)"
modprobe loop
mkdir -p $work/srv $work/snap
truncate -s 256M $work/disk.img
dev=$(losetup --find --show $work/disk.img)
mkfs.ext4 -q "$dev"
mount "$dev" $work/srv
for i in 1 2 3; do head -c 1M /dev/urandom > $work/srv/data$i; done
echo "version 1" > $work/srv/README
(cd $work/srv && sha256sum data* README) | tee $work/before.sum

say "diff storage for it (kernel memory, capped), then one snapshot"
run "$vssctl" storage add "$dev" --max 64M
run "$vssctl" snapshot create $work/srv
run "$vssctl" -j -p snapshot list
snapdev=$("$vssctl" -j snapshot list | python3 -c 'import json,sys; print(json.load(sys.stdin)[0]["device"])')

say "the origin moves on: overwrite, delete, append"
echo "version 2" > $work/srv/README
rm $work/srv/data2
head -c 1M /dev/urandom >> $work/srv/data3
sync
ls -l $work/srv

say "the snapshot still holds the files of its instant"
run mount -o ro "$snapdev" $work/snap
ls -l $work/snap
run cat $work/snap/README
(cd $work/snap && run sha256sum -c $work/before.sum)
run "$vssctl" storage list

say "clean up"
umount $work/snap
run "$vssctl" snapshot delete --all
run "$vssctl" storage remove "$dev"
umount $work/srv
losetup -d "$dev"
run rmmod vss
dmesg | grep 'vss:' | tail -n 4
