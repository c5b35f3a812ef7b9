#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# One boot of the root filesystem's reboot test (issue 16), run by
# selftests/reboot/cbt_root.sh in the test VM's usual 9p world, whose
# PID 1 runs from the real root: vda, an ext4 that initramfs-tools mounted
# after vss's premount script gave it diff storage in memory and a
# tracker. The root is mounted again on /tmp/rootfs (the same superblock).
#   vdb  the administrator's disk (label vss-admin): trackers/ (the saved
#        root tracker) and vss-imgsync's raw image of the root.
#
#   boot 1 (first)    a full image of the root, exact; writes W1; then
#                     what systemd-shutdown does: the root remounted
#                     read-only, then vss-root.shutdown: the tracker saved
#   boot 2 (restore)  the premount script restored it: writes W2, an
#                     incremental from boot 1's token, exact, of the same
#                     generation
#
#   cbt_root_guest.sh PHASE    PHASE: first, restore
set -u

top=$(cd "$(dirname "$0")/../.." && pwd)
# shellcheck source=selftests/reboot/lib.sh
. "$top/selftests/reboot/lib.sh"
vssctl=$top/tools/vssctl/vssctl
imgsync=$top/tools/vss-imgsync/vss-imgsync
state=$top/build/vm/root-$(uname -r)
keep=/tmp/keep
mnt=/tmp/rootfs
img=$keep/image
phase=${1:-}
test=cbt_root
failed=0
kind='' copied='' snap_id='' snap_dev=''

# What the premount script did, from the kernel log.
premount_said() {
	note "$(dmesg | grep 'vss-root: ')"
	dmesg | grep -q "$1"
}

# The root's storage, from the initramfs: in memory, on vda, and the
# origin it recorded in /run (moved onto the root's /run by init).
tracked_from_initramfs() {
	[ "$(cat /proc/1/root/run/vss/root-origin)" = /dev/vda ] &&
		"$vssctl" storage show /dev/vda > /tmp/storage.out 2>&1
	local rc=$?
	note "$(cat /tmp/storage.out)"
	[ $rc -eq 0 ] && grep -qi 'memory' /tmp/storage.out
}

# systemd-shutdown's order: every other filesystem unmounted, the root
# remounted read-only, then /usr/lib/systemd/system-shutdown/*, here
# vss-root.shutdown as make install writes it (cbt_root.sh made it).
shutdown_like_systemd() {
	sync && umount "$keep" && mount -o remount,ro "$mnt" || return 1
	! touch "$mnt/after-ro" 2> /dev/null || return 1
	sed "s|@libexecdir@|$state/libexec|g" "$top/tools/vss-root/vss-root.shutdown" > /tmp/vss-root.shutdown &&
		chmod 755 /tmp/vss-root.shutdown || return 1
	# The hook reads the root's configuration and the origin its
	# premount recorded; from this chroot they are under /proc/1/root.
	VSS_ROOT_CONF=/proc/1/root/etc/vss/root-tracker.conf \
		VSS_ROOT_ORIGIN=$(cat /proc/1/root/run/vss/root-origin) \
		/tmp/vss-root.shutdown poweroff > /tmp/shutdown.out 2>&1
	note "$(cat /tmp/shutdown.out)"
	mount -o ro /dev/vdb "$keep" && [ -f "$keep/trackers/vda.vsstrk" ]
}

disks_ours || { echo "not ok - cbt_root.$phase.disks_are_the_tests"; exit 1; }
if ! { mkdir -p "$mnt" "$keep" && mount /dev/vda "$mnt" && mount /dev/vdb "$keep"; }; then
	echo "not ok - cbt_root.$phase.root_and_admin_disk_reachable"
	exit 1
fi

case $phase in
first)
	tracked_from_initramfs && premount_said "vss-root: tracking /dev/vda, diff storage in memory" &&
		premount_said "vss-root: no saved tracker trackers/vda.vsstrk on LABEL=vss-admin"
	result $? "the_initramfs_gave_the_root_storage_in_memory"
	sync_image /dev/vda && [ "$kind" = full ] && image_exact
	result $? "first_image_of_the_root_full_and_exact"
	# vss-tracker.service's ExecStop saves --all into /var/lib/vss/trackers,
	# on the root: the root's own save could never hold there; it is
	# skipped and said, and the command succeeds.
	mkdir -m 700 "$mnt/var-trackers" &&
		"$vssctl" tracker save --all "$mnt/var-trackers" > /tmp/saveall.out 2>&1
	rc=$?
	note "$(cat /tmp/saveall.out)"
	[ $rc -eq 0 ] && grep -q "^vda: $mnt/var-trackers is on this volume" /tmp/saveall.out &&
		[ ! -e "$mnt/var-trackers/vda.vsstrk" ]
	result $? "save_all_into_the_root_skips_the_root"
	write_round 1 && shutdown_like_systemd
	result $? "writes_w1_then_the_shutdown_hook_saves_after_ro"
	;;
restore)
	tracked_from_initramfs && premount_said "vss-root: restored vda generation .* by another boot" &&
		[ ! -e "$keep/trackers/vda.vsstrk" ] && [ -f "$keep/trackers/vda.vsstrk.used" ]
	result $? "the_initramfs_restored_the_saved_tracker_before_the_mount"
	t0=$(generation_of "$img.token")
	write_round 2 && sync_image /dev/vda && [ "$kind" = incremental ] &&
		[ "$copied" -gt 0 ] && [ "$copied" -lt $((8 * 1048576)) ]
	result $? "incremental_of_the_root_from_the_boot_before"
	image_exact
	result $? "image_after_the_reboot_equals_its_snapshot"
	[ "$(generation_of "$img.token")" = "$t0" ]
	result $? "the_roots_generation_goes_on_across_the_reboot"
	umount "$keep"
	;;
*)
	echo "usage: $0 first|restore" >&2
	exit 2
	;;
esac
exit $failed
