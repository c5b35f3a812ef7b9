#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# One boot of the changed-block tracker's reboot test (issue 16), run in
# the guest by selftests/reboot/cbt_reboot.sh, which boots the VM four
# times on the same two disks:
#
#   vda  the origin: an ext4, tracked with 64K blocks, diff storage in a
#        file on vdb;
#   vdb  the administrator's disk (an ext4 the first boot makes): the
#        storage file, the saved trackers (trackers/), and the raw image
#        vss-imgsync keeps of vda (image, image.token).
#
#   boot 1 (first)   make both, a full image, writes W1, the origin
#                    unmounted and its tracker saved: a clean shutdown;
#   boot 2 (restore) the tracker restored from the other boot's file,
#                    writes W2: an incremental from boot 1's token, exact,
#                    of the same generation; writes W3, then a crash
#                    (sysrq b: no save, no unmount, no sync);
#   boot 3 (crashed) nothing to restore (boot 2's file served once): a
#                    new generation, the next copy full (ESTALE
#                    generation), exact; a clean save at the end;
#   boot 4 (offline) the origin mounted and written before the module is
#                    loaded (a boot without vss): the restore refuses the
#                    saved file, the next copy is full, exact.
#
#   cbt_reboot_guest.sh PHASE    PHASE: first, restore, crashed, offline
#
# Prints "ok - NAME" / "not ok - NAME" (the host numbers them); exits with
# the number of failures. The crash phase reports that number as the VM's
# exit status itself (VSS_VM_EXIT in the kernel log), since its script
# never ends.
set -u

top=$(cd "$(dirname "$0")/../.." && pwd)
# shellcheck source=selftests/reboot/lib.sh
. "$top/selftests/reboot/lib.sh"
vssctl=$top/tools/vssctl/vssctl
imgsync=$top/tools/vss-imgsync/vss-imgsync
ko=$top/build/kmod/$(uname -r)/vss.ko
origin=/dev/vda
keepdev=/dev/vdb
keep=/tmp/keep
mnt=/tmp/origin
img=$keep/image
phase=${1:-}
test=cbt_reboot
failed=0
kind='' copied='' snap_id='' snap_dev=''

load() { insmod "$ko" && [ -d /sys/module/vss ]; }
mount_keep() { mkdir -p "$keep" && mount -t ext4 "$keepdev" "$keep"; }
add_storage() {
	"$vssctl" storage add "$origin" --max 40M --file "$keep/store" \
		--track-block 64K > /dev/null
}
mount_origin() { mkdir -p "$mnt" && mount -t ext4 "$origin" "$mnt"; }

# A clean shutdown's end: the origin unmounted, its tracker saved (what
# vss-tracker.service's ExecStop does), the storage removed, vdb unmounted.
save_and_stop() {
	umount "$mnt" && "$vssctl" tracker save --all "$keep/trackers" > /tmp/save.out 2>&1
	local rc=$?
	note "$(cat /tmp/save.out)"
	[ $rc -eq 0 ] && [ -f "$keep/trackers/vda.vsstrk" ] &&
		"$vssctl" storage remove "$origin" > /dev/null && umount "$keep"
}

disks_ours || { echo "not ok - cbt_reboot.$phase.disks_are_the_tests"; exit 1; }

case $phase in
first)
	load && mkfs.ext4 -q "$keepdev" && mount_keep &&
		mkdir -m 700 "$keep/trackers" "$keep/store" && add_storage &&
		mkfs.ext4 -q -E nodiscard "$origin" && mount_origin &&
		head -c 24M /dev/urandom > "$mnt/data" && : > "$mnt/log" && sync
	result $? "setup_an_ext4_tracked_from_its_mkfs"
	sync_image "$mnt" && [ "$kind" = full ] && image_exact
	result $? "first_image_full_and_exact"
	write_round 1 && save_and_stop
	result $? "writes_w1_then_a_clean_save"
	;;
restore)
	load && mount_keep && add_storage &&
		"$vssctl" tracker restore "$keep/trackers" > /tmp/restore.out 2>&1
	rc=$?
	note "$(cat /tmp/restore.out)"
	[ $rc -eq 0 ] && grep -q "^restored vda generation .* by another boot" /tmp/restore.out &&
		[ ! -e "$keep/trackers/vda.vsstrk" ] && [ -f "$keep/trackers/vda.vsstrk.used" ]
	result $? "restore_of_the_other_boots_file_consumes_it"
	t0=$(generation_of "$img.token")
	mount_origin && write_round 2 && sync_image "$mnt" && [ "$kind" = incremental ] &&
		[ "$copied" -gt 0 ] && [ "$copied" -lt $((8 * 1048576)) ]
	result $? "incremental_from_the_token_of_the_boot_before"
	image_exact
	result $? "image_after_the_reboot_equals_its_snapshot"
	[ "$(generation_of "$img.token")" = "$t0" ]
	result $? "the_generation_goes_on_across_the_reboot"
	# The crash: writes the tracker saw, then a reset with nothing saved,
	# unmounted or synced. The host reads this boot's result here.
	write_round 3
	result $? "writes_w3_before_the_crash"
	echo "VSS_VM_EXIT=$failed" > /dev/kmsg
	sleep 1
	echo b > /proc/sysrq-trigger
	sleep 30
	exit 1	# not reached
	;;
crashed)
	load && mount_keep && add_storage &&
		"$vssctl" tracker restore "$keep/trackers" > /tmp/restore.out 2>&1
	rc=$?
	note "$(cat /tmp/restore.out)"
	[ $rc -eq 0 ] && ! grep -q "^restored" /tmp/restore.out
	result $? "after_the_crash_nothing_to_restore"
	t1=$(generation_of "$img.token")
	mount_origin && write_round 4 && sync_image "$mnt" && [ "$kind" = full ] &&
		grep -q "stale: generation:" /tmp/imgsync.err
	result $? "after_the_crash_a_full_copy_estale_generation"
	image_exact
	result $? "image_after_the_crash_equals_its_snapshot"
	[ "$(generation_of "$img.token")" != "$t1" ]
	result $? "after_the_crash_a_new_generation"
	write_round 5 && save_and_stop
	result $? "writes_w5_then_a_clean_save"
	;;
offline)
	# A boot without vss first (a rescue system): the origin written.
	mount_origin && echo offline > "$mnt/offline" && umount "$mnt"
	result $? "origin_written_while_vss_was_not_loaded"
	load && mount_keep && add_storage &&
		"$vssctl" tracker restore "$keep/trackers" > /tmp/restore.out 2>&1
	rc=$?
	note "$(cat /tmp/restore.out)"
	[ $rc -ne 0 ] && grep -q "written while it was not tracked" /tmp/restore.out
	result $? "restore_refuses_a_volume_written_while_untracked"
	mount_origin && sync_image "$mnt" && [ "$kind" = full ] &&
		grep -q "stale: generation:" /tmp/imgsync.err
	result $? "then_a_full_copy_estale_generation"
	image_exact && [ "$(cat "$mnt/offline")" = offline ]
	result $? "image_after_the_offline_write_equals_its_snapshot"
	umount "$mnt" && "$vssctl" storage remove "$origin" > /dev/null && umount "$keep" &&
		rmmod vss
	result $? "clean_end"
	;;
*)
	echo "usage: $0 first|restore|crashed|offline" >&2
	exit 2
	;;
esac
exit $failed
