#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The changed-block tracker across real reboots (issue 16): boots one
# kernel's VM four times on the same two disk images, running one phase of
# cbt_reboot_guest.sh in each (a clean shutdown with the tracker saved, a
# restore and an exact incremental, then a crash, the boot after the
# crash, a write made while vss was not loaded). See that script for what
# each boot does and checks.
#
#   selftests/reboot/cbt_reboot.sh [KVER]     (default: the newest kernel)
#
# Output: the format of selftests/run_guest.sh (a "# selftests: vss:
# cbt_reboot" section of numbered TAP lines), which scripts/check.sh
# counts. Each boot is also a case: the VM powered off (or, for the crash,
# reset) with a kernel log free of warnings. Exits 1 if anything failed.
set -u

here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../.." && pwd)
# shellcheck source=selftests/reboot/lib.sh
. "$here/lib.sh"
kver=${1:-$(newest_kver)}
state=$top/build/vm/reboot-$kver
n=0
failed=0
start=$(date +%s)

echo "# selftests: vss: cbt_reboot"
echo "1..23"

boot() { # boot NUMBER PHASE
	local rc log=$state/boot$1.console.log
	"$top/selftests/vm/run.sh" --kernel "$kver" --timeout 600 --log "$log" \
		--disk "$state/origin.img" --disk "$state/keep.img" \
		-- "$here/cbt_reboot_guest.sh" "$2" > "$state/boot$1.out" 2>&1
	rc=$?
	number < "$state/boot$1.out"
	n=$((n + 1))
	if [ $rc -eq 0 ]; then
		echo "ok $n cbt_reboot.$2.boot_ended_with_a_clean_kernel_log"
	else
		echo "not ok $n cbt_reboot.$2.boot_ended_with_a_clean_kernel_log # run.sh exit $rc, log $log"
		failed=$((failed + 1))
	fi
}

rm -rf "$state"
mkdir -p "$state"
truncate -s 64M "$state/origin.img" && truncate -s 160M "$state/keep.img" || exit 1
boot 1 first
boot 2 restore
# The crash must have been a reset, not a power-off.
n=$((n + 1))
if grep -q "sysrq: Resetting" "$state/boot2.console.log"; then
	echo "ok $n cbt_reboot.restore.the_boot_ended_in_a_reset"
else
	echo "not ok $n cbt_reboot.restore.the_boot_ended_in_a_reset"
	failed=$((failed + 1))
fi
boot 3 crashed
boot 4 offline
echo "# cbt_reboot: exit $((failed > 0)) after $(($(date +%s) - start)) s"
[ $failed -eq 0 ] && rm -rf "$state"
[ $failed -eq 0 ]
