#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Test scan-kernel-log.sh on canned logs: a clean boot log must pass, and a
# log with one report of each class must be flagged. TAP output; exit 0 only
# if every case behaves.

set -uo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
scan=$here/scan-kernel-log.sh
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# An excerpt of a clean Debian boot under qemu, with the lines that look
# most like reports without being one (and serial \r\n line ends).
clean=$(sed 's/$/\r/' <<'EOF'
[    0.000000] Linux version 6.12.117+deb12-amd64 (debian-kernel@lists.debian.org) #1 SMP PREEMPT_DYNAMIC Debian 6.12.117-1~deb12u1
[    0.000000] Command line: console=ttyS1 ignore_loglevel panic=-1 softlockup_panic=0 vss_out=/work/main/build/vm/out/6.12.117+deb12-amd64
[    0.052046] rcu: Preemptible hierarchical RCU implementation.
[    0.052050] rcu: 	RCU event tracing is enabled.
[    0.052051] rcu: 	RCU restricting CPUs from NR_CPUS=8192 to nr_cpu_ids=2.
[    0.060000] Lock dependency validator: Copyright (c) 2006 Red Hat, Inc., Ingo Molnar
[    0.060001] ... MAX_LOCKDEP_SUBCLASSES:  8
[    0.212002] NMI watchdog: Perf NMI watchdog permanently disabled
[    1.421923] Unstable clock detected, switching default tracing clock to "global"
[    1.500000] kmemleak: Kernel memory leak detector initialized (mem pool available: 15676)
[    1.500001] kmemleak: Automatic memory scanning thread started
[    1.621850] x86/mm: Checked W+X mappings: passed, no W+X pages found.
[    1.622404] Run /init as init process
[    2.185479] 9p: Installing v9fs 9p2000 file system support
[    3.432546] vss: loading out-of-tree module taints kernel.
[    3.432850] vss: module verification failed: signature and/or required key missing - tainting kernel
[    4.203652] netlink: 'vss_test': attribute type 5 has an invalid length.
[    5.061775] EXT4-fs (ram0): mounted filesystem with ordered data mode. Quota mode: none.
[    5.862043] VSS_VM_EXIT=0
[    5.900000] reboot: Power down
EOF
)

# name|report line (as the kernel prints it, after the clean boot)
bad=(
	'warning|WARNING: CPU: 1 PID: 245 at fs/super.c:1234 freeze_super+0x1a/0x2b0'
	'kmsg warning|WARNING: CPU: 0 PID: 1 at test'
	'null deref|BUG: kernel NULL pointer dereference, address: 0000000000000008'
	'oops|Oops: 0002 [#1] PREEMPT SMP NOPTI'
	'gpf|general protection fault, probably for non-canonical address 0xdead000000000100: 0000 [#1] PREEMPT SMP NOPTI'
	'panic|Kernel panic - not syncing: Fatal exception'
	'circular locking|WARNING: possible circular locking dependency detected'
	'recursive locking|WARNING: possible recursive locking detected'
	'inconsistent lock state|WARNING: inconsistent lock state'
	'other lockdep|WARNING: bad unlock balance detected!'
	'soft lockup|watchdog: BUG: soft lockup - CPU#0 stuck for 26s! [kworker/0:1:34]'
	'hard lockup|Watchdog detected hard LOCKUP on cpu 1'
	'hung task|INFO: task fsfreeze:312 blocked for more than 61 seconds.'
	'kernel BUG|kernel BUG at mm/slub.c:432!'
	'UBSAN|UBSAN: shift-out-of-bounds in kmod/vss_cow.c:88:23'
	'KASAN|BUG: KASAN: slab-use-after-free in vss_cow_write+0x4d/0x2a0 [vss]'
	'KFENCE|BUG: KFENCE: use-after-free read in vss_cow_write+0x4d/0x2a0 [vss]'
	'debugobjects|ODEBUG: object 00000000c4d7961e is on stack 00000000fd0cd546, but NOT annotated.'
	'kmemleak summary|kmemleak: 2 new suspected memory leaks (see /sys/kernel/debug/kmemleak)'
	'kmemleak object|unreferenced object 0xffff888004a3c000 (size 64):'
	'RCU stall|rcu: INFO: rcu_preempt detected stalls on CPUs/tasks:'
	'RCU self-detected stall|rcu: INFO: rcu_sched self-detected stall on CPU'
)

n=0
failed=0
ok() {
	n=$((n + 1))
	echo "ok $n - $1"
}
not_ok() {
	n=$((n + 1))
	failed=$((failed + 1))
	echo "not ok $n - $1"
}

echo "1..$((${#bad[@]} + 2))"

printf '%s\n' "$clean" > "$tmp/clean.log"
"$scan" "$tmp/clean.log" 2> "$tmp/err"
rc=$?
if [ $rc = 0 ] && [ ! -s "$tmp/err" ]; then
	ok "clean log passes"
else
	not_ok "clean log passes (exit $rc)"
	sed 's/^/# /' "$tmp/err"
fi

for case in "${bad[@]}"; do
	name=${case%%|*}
	line=${case#*|}
	{
		printf '%s\n' "$clean" | head -n 15
		printf '[    9.000000] %s\r\n' "$line"
		printf '[    9.000001] Call Trace:\r\n'
	} > "$tmp/bad.log"
	"$scan" "$tmp/bad.log" 2> "$tmp/err"
	rc=$?
	# Flagged, and the report line itself is among the lines shown.
	if [ $rc = 1 ] && grep -qF -- "$line" "$tmp/err"; then
		ok "flags $name"
	else
		not_ok "flags $name (exit $rc)"
	fi
done

# A report early in a long log: the scanner must read past what a pipe
# holds (a `grep -q` there once let tr die of SIGPIPE, and pipefail
# turned the hit into "clean").
{
	printf '%s\n' "$clean" | head -n 15
	printf '[    3.474969] BUG: KASAN: wild-memory-access in do_raw_spin_lock+0x122/0x270\r\n'
	for i in $(seq 20000); do
		printf '[   10.%06d] EXT4-fs (loop0): mounted filesystem with ordered data mode.\r\n' "$i"
	done
} > "$tmp/long.log"
"$scan" "$tmp/long.log" 2> /dev/null
rc=$?
if [ $rc = 1 ]; then
	ok "flags a report early in a 1.5 MB log"
else
	not_ok "flags a report early in a 1.5 MB log (exit $rc)"
fi

"$scan" "$tmp/missing.log" 2> /dev/null
rc=$?
[ $rc = 2 ] || { echo "# a missing log gave exit $rc, not 2"; failed=$((failed + 1)); }

[ $failed = 0 ]
