#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# `vssctl snapshot expose` and `unexpose` against the fake libvss and the
# fake mount layer (test/fake-mount.c): the mount options per filesystem
# (ext4 noload, xfs nouuid,norecovery; vfat and exfat the origin's owner
# and masks; always ro,nosuid,nodev), text and JSON; only a filesystem
# whose origin the host mounts as such, unless --mount-untrusted; a raw snapshot, an invalid one, a missing or busy directory refused
# with a reason and a hint; unexpose by directory or by id unmounts exactly
# the snapshot's mounts and refuses anything else.
set -u
name=expose-fake
. "$(dirname "$0")/fake-lib.sh"
export FAKE_LIBVSS=loaded
export FAKE_MOUNTS=$out/mounts

ID0=00112233-4455-4677-8899-aabbccddeef0
ID1=00112233-4455-4677-8899-aabbccddeef1
ID2=00112233-4455-4677-8899-aabbccddeef2

: > "$FAKE_MOUNTS"
run snapshot expose $ID0 /mnt/s0
expect "expose ext4: ro,nosuid,nodev,noload" 0 \
	"/dev/vss-snap0 (ext4) exposed at /mnt/s0 read-only: ro,nosuid,nodev,noload" ""
expect_calls "expose ext4: get, probe, mount with noload" \
"snapshot_get $ID0
probe /dev/vss-snap0
host_mount /dev/vda1
mount /dev/vss-snap0 /mnt/s0 type=ext4 flags=ro,nosuid,nodev data=noload"

run -j snapshot expose $ID1 /mnt/s1
expect "expose xfs, JSON: nouuid,norecovery" 0 \
	'{"device":"/dev/vss-snap1","fstype":"xfs","path":"/mnt/s1","flags":"ro,nosuid,nodev","options":"nouuid,norecovery","trusted":true}' ""
expect_calls "expose xfs: mounted with nouuid,norecovery" \
"snapshot_get $ID1
probe /dev/vss-snap1
host_mount /dev/dm-0
mount /dev/vss-snap1 /mnt/s1 type=xfs flags=ro,nosuid,nodev data=nouuid,norecovery"

# Only what the host trusts: the origin mounted here, as the same type.
cp "$FAKE_MOUNTS" "$out/mounts.before"
FAKE_HOST_MOUNTS="/dev/vdb1 xfs rw" run snapshot expose $ID1 /mnt/u
expect "expose of a filesystem the host does not mount: refused" 1 "" \
"vssctl: /dev/vss-snap1 holds xfs, but its origin /dev/dm-0 is not mounted here as such: the host does not trust it
vssctl: hint: read the device /dev/vss-snap1 itself, or --mount-untrusted mounts it anyway, with the kernel parsing whatever the volume holds"
expect_calls "expose refused: nothing mounted" \
"snapshot_get $ID1
probe /dev/vss-snap1
host_mount /dev/dm-0"
FAKE_HOST_MOUNTS="/dev/dm-0 btrfs rw" run snapshot expose $ID1 /mnt/u
[ "$rc" -eq 1 ] && ! grep -q "^mount" "$FAKE_LOG"
report $? "expose of an origin mounted as another filesystem: refused" 1
FAKE_HOST_MOUNTS='' run -j snapshot expose --mount-untrusted $ID1 /mnt/u
expect "expose --mount-untrusted: mounted, untrusted in JSON" 0 \
	'{"device":"/dev/vss-snap1","fstype":"xfs","path":"/mnt/u","flags":"ro,nosuid,nodev","options":"nouuid,norecovery","trusted":false}' ""
FAKE_HOST_MOUNTS='' run snapshot expose $ID0 --mount-untrusted /mnt/u2
expect "expose --mount-untrusted after ID: the same, said in text" 0 \
	"/dev/vss-snap0 (ext4) exposed at /mnt/u2 read-only: ro,nosuid,nodev,noload (untrusted)" ""

# vfat and exfat: the origin's owner and masks, or root's and 0077.
FAKE_PROBE="/dev/vss-snap0=vfat" FAKE_HOST_MOUNTS="/dev/vda1 vfat rw,relatime,uid=1000,gid=1000,fmask=0077,dmask=0077,codepage=437,iocharset=ascii,shortname=mixed,errors=remount-ro" \
	run snapshot expose $ID0 /mnt/efi
expect "expose vfat: the origin's uid, gid, fmask, dmask" 0 \
	"/dev/vss-snap0 (vfat) exposed at /mnt/efi read-only: ro,nosuid,nodev,uid=1000,gid=1000,fmask=0077,dmask=0077" ""
FAKE_PROBE="/dev/vss-snap0=vfat" FAKE_HOST_MOUNTS="/dev/vda1 vfat rw,relatime,fmask=0022,dmask=0022,codepage=437" \
	run snapshot expose $ID0 /mnt/efi
grep -qx "mount /dev/vss-snap0 /mnt/efi type=vfat flags=ro,nosuid,nodev data=fmask=0022,dmask=0022" "$FAKE_LOG"
report $? "expose vfat mounted by root with 022: the same masks"
FAKE_PROBE="/dev/vss-snap0=exfat" FAKE_HOST_MOUNTS='' run snapshot expose --mount-untrusted $ID0 /mnt/x
grep -qx "mount /dev/vss-snap0 /mnt/x type=exfat flags=ro,nosuid,nodev data=uid=0,gid=0,fmask=0077,dmask=0077" "$FAKE_LOG"
report $? "expose of an untrusted exfat: root's, 0077"
FAKE_PROBE="/dev/vss-snap0=exfat" FAKE_HOST_MOUNTS="/dev/vda1 exfat rw,uid=0,gid=100,fmask=0007,dmask=0007,iocharset=utf8" \
	run snapshot expose $ID0 /mnt/x
grep -qx "mount /dev/vss-snap0 /mnt/x type=exfat flags=ro,nosuid,nodev data=uid=0,gid=100,fmask=0007,dmask=0007" "$FAKE_LOG"
report $? "expose exfat: the origin's"
cp "$out/mounts.before" "$FAKE_MOUNTS"

run snapshot expose $ID2 /mnt/s2
expect "expose of an invalid snapshot: refused, nothing mounted" 1 "" \
	"vssctl: snapshot $ID2 is invalid (reason overflow): its data is gone"
run snapshot expose $ID0 /missing
expect "expose on a missing directory: errno and a hint" 1 "" \
"vssctl: cannot mount /dev/vss-snap0 (ext4) on /missing: No such file or directory
vssctl: hint: DIR must be an existing directory: mkdir -p /missing"
run snapshot expose $ID0 /busy
expect "expose on a busy directory: errno and a hint" 1 "" \
"vssctl: cannot mount /dev/vss-snap0 (ext4) on /busy: Device or resource busy
vssctl: hint: something is mounted on /busy already, or the snapshot is"
run snapshot expose 00112233-4455-4677-8899-aabbccddeeff /mnt/x
expect "expose of an unknown id: the kernel's reason" 1 "" \
	"vssctl: cannot get snapshot 00112233-4455-4677-8899-aabbccddeeff: No such file or directory: fake: no snapshot with this id"

run snapshot expose $ID0 /mnt/again
run snapshot unexpose $ID0
expect "unexpose ID: every mount of the snapshot, newest first" 0 \
"unexposed /mnt/again
unexposed /mnt/s0" ""
expect_calls "unexpose ID: looks up the device and its mounts" \
"snapshot_get $ID0
mounts_of /dev/vss-snap0
umount /mnt/again
umount /mnt/s0"
[ "$(cat "$FAKE_MOUNTS")" = "/dev/vss-snap1 /mnt/s1" ]
report $? "unexpose ID: the other snapshot's mount stays"

run snapshot unexpose $ID0
expect "unexpose ID of a snapshot not mounted: an error" 1 "" \
	"vssctl: snapshot $ID0 (/dev/vss-snap0) is not mounted"

run -j snapshot unexpose /mnt/s1
expect "unexpose DIR, JSON: an array of the paths" 0 '[{"path":"/mnt/s1"}]' ""
expect_calls "unexpose DIR: checks it is a snapshot's mount, then unmounts" \
"mount_source /mnt/s1
umount /mnt/s1"

echo "/dev/vda1 /" > "$FAKE_MOUNTS"
run snapshot unexpose /
expect "unexpose of another filesystem: refused with a hint" 1 "" \
"vssctl: / is not a mounted snapshot
vssctl: hint: only a snapshot's mount is unexposed; umount(8) unmounts others"
expect_calls "unexpose of another filesystem: nothing unmounted" "mount_source /"

echo "/dev/vss-snap0 /busy-mnt" > "$FAKE_MOUNTS"
run snapshot unexpose /busy-mnt
expect "unexpose of a mount in use: errno and a hint" 1 "" \
"vssctl: cannot unmount /busy-mnt: Device or resource busy
vssctl: hint: something uses it: fuser -vm /busy-mnt"

run snapshot expose
expect_usage "expose needs an id" "ID is missing"
run snapshot expose $ID0
expect_usage "expose needs a directory" "DIR is missing"
run snapshot expose nonsense /mnt
expect_usage "expose of a bad id" "is not an id"
run snapshot expose $ID0 /mnt extra
expect_usage "expose takes two arguments" "unexpected argument \"extra\""
run snapshot expose --bogus $ID0 /mnt
expect_usage "expose: an unknown option" 'unknown option "--bogus"'
run snapshot unexpose
expect_usage "unexpose needs an argument" "DIR or ID is missing"
run snapshot unexpose /a /b
expect_usage "unexpose takes one argument" "unexpected argument \"/b\""

finish
