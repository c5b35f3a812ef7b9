#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Boot an installed Debian kernel under qemu and run one command in it.
#
# The guest's root is the host's / (read-only, over 9p), so every host
# program and this repository are visible at the same paths; a tiny busybox
# initramfs (selftests/vm/init) sets that up. See usage() for the interface.
#
# The guest command's stdout/stderr are this script's stdout; the kernel's
# console goes to a log file, which is scanned for warnings, oopses,
# lockdep reports and the like once the guest has powered off.

set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
top=$(cd "$here/../.." && pwd)
vmdir=$top/build/vm

usage() {
	cat <<EOF
usage: $0 [OPTIONS] [--] GUEST-COMMAND [ARGS...]

Boot /boot/vmlinuz-KVER under qemu with the host's / as a read-only root
and run GUEST-COMMAND in it, in the current directory, on the first
serial port (this script's stdout). The kernel log goes to a file.

  --kernel KVER     kernel to boot (default: newest in /boot)
  --timeout SECS    kill the VM after SECS seconds (default 600; none
                    with --shell unless given)
  --mem MB          guest memory (default 2048)
  --disk IMG        add IMG as a raw virtio disk (repeatable: vda, vdb...)
  --scratch-disk SIZE  add a zeroed, sparse scratch disk of SIZE (truncate's
                    units: 320M) after the --disk ones; its virtio serial is
                    vss-scratch (/sys/block/vdX/serial), which is how tests
                    find it and know it is theirs to overwrite. The image,
                    build/vm/KVER.scratch.img, is made afresh for each boot
                    and removed afterwards.
  --pmem SIZE       carve SIZE (MiB: 32M) of the guest's RAM out as legacy
                    persistent memory (memmap=SIZE!OFFSET on the kernel
                    command line): modprobe nd_e820 nd_pmem in the guest
                    gives a DAX-capable /dev/pmem0, which tests may overwrite
  --log FILE        kernel console log (default build/vm/KVER.console.log)
  --initrd IMG      boot with IMG instead of the 9p initramfs: an initramfs
                    whose root (root= in VSS_VM_APPEND) hands over to
                    selftests/vm/init, which sets up the 9p root as usual
                    (selftests/reboot/cbt_root.sh)
  --shell           after GUEST-COMMAND (optional), give an interactive
                    shell in the guest; leave it to power off (Ctrl-A x
                    kills qemu)

In the guest, VSS_VM_OUT names a writable directory whose contents
appear on the host in build/vm/out/KVER (emptied before each boot).
Environment: VSS_VM_ACCEL (qemu -accel, default tcg), VSS_VM_APPEND
(extra kernel command line), VSS_VM_PVH=0 (boot the bzImage itself, with
its decompressor and KASLR, instead of the faster PVH entry point).

Exit status: the guest command's if non-zero; else 1 if the kernel log
shows a warning, oops, lockdep report, lockup, ... (printed on stderr);
124 on timeout; 125 if the VM could not be set up or run.
EOF
}

die() {
	echo "run.sh: $*" >&2
	exit 125
}

# Escape a value for a comma-separated qemu option list.
qesc() {
	printf '%s' "${1//,/,,}"
}

newest_kernel() {
	local f k newest=
	for f in /boot/vmlinuz-*; do
		k=${f#/boot/vmlinuz-}
		[ -d "/lib/modules/$k" ] || continue
		[[ $k != *-vss-debug ]] || continue	# only when asked for
		newest=$(printf '%s\n%s\n' "$newest" "$k" | sort -V | tail -n 1)
	done
	[ -n "$newest" ] || die "no kernel with modules found in /boot"
	echo "$newest"
}

# Modules, in load order, that the initramfs needs to mount the 9p root
# and to see --disk images. Built-in ones are left out by modprobe.
initramfs_modules() {
	local m deps
	for m in virtio_pci 9pnet_virtio 9p virtio_blk; do
		deps=$(modprobe -S "$kver" --show-depends "$m" 2>&1) ||
			die "module $m not found for $kver: $deps"
		echo "$deps"
	done | awk '$1 == "insmod" && !seen[$2]++ { print $2 }'
}

# build_initramfs OUTPUT MODULE...
build_initramfs() {
	local img=$1 stage ko base
	shift
	stage=$(mktemp -d "$vmdir/initramfs.XXXXXX")
	mkdir -p "$stage/bin" "$stage/dev" "$stage/proc" "$stage/sys" \
		"$stage/lib/modules"
	cp /bin/busybox "$stage/bin/busybox"
	cp "$here/init" "$stage/init"
	for ko; do
		base=$(basename "$ko")
		base=${base%.ko*}.ko
		# busybox insmod cannot load compressed modules.
		case $ko in
		*.ko.xz) xz -dc "$ko" ;;
		*.ko.zst) zstd -qdc "$ko" ;;
		*.ko.gz) gzip -dc "$ko" ;;
		*) cat "$ko" ;;
		esac > "$stage/lib/modules/$base"
		echo "$base" >> "$stage/lib/modules/load.order"
	done
	(cd "$stage" && find . | cpio -o -H newc --quiet) > "$img.$$"
	mv -f "$img.$$" "$img"	# atomic, for concurrent runs
	rm -rf "$stage"
}

# extract_vmlinux BZIMAGE OUTPUT
# Unpack the kernel ELF image from a bzImage, so that qemu can boot it
# through its PVH entry point: under TCG the decompressor alone takes 1 s
# (zstd, 6.12) to 3 s (xz, 6.1). Fails on formats it does not know.
extract_vmlinux() {
	local setup_sects offset len magic
	# Boot protocol: setup_sects at 0x1f1 (0 means 4); the compressed
	# payload's offset and length at 0x248, counted from the protected-mode
	# code after the 512-byte sectors of setup. Its last 4 bytes are the
	# uncompressed size, which the decompressors do not expect.
	setup_sects=$(od -An -tu1 -j $((0x1f1)) -N 1 "$1")
	[ "$setup_sects" -ne 0 ] || setup_sects=4
	read -r offset len < <(od -An -tu4 -j $((0x248)) -N 8 "$1")
	offset=$(((setup_sects + 1) * 512 + offset))
	magic=$(od -An -tx1 -j "$offset" -N 4 "$1" | tr -d ' ')
	dd if="$1" iflag=skip_bytes,count_bytes skip="$offset" \
		count=$((len - 4)) status=none |
		case $magic in
		fd377a58) xz -dc ;;
		28b52ffd) zstd -qdc ;;
		1f8b*) gzip -dc ;;
		*) return 1 ;;
		esac > "$2.$$" &&
		[ "$(head -c 4 "$2.$$")" = $'\x7fELF' ] &&
		mv -f "$2.$$" "$2"
}

kver=
timeout=
mem=2048
shell=0
log=
scratch=
pmem=
initrd_arg=
disks=()
while [ $# -gt 0 ]; do
	case $1 in
	--kernel | --timeout | --mem | --log | --disk | --scratch-disk | --pmem | --initrd)
		[ $# -ge 2 ] || die "$1 needs an argument"
		case $1 in
		--kernel) kver=$2 ;;
		--timeout) timeout=$2 ;;
		--mem) mem=$2 ;;
		--log) log=$2 ;;
		--disk) disks+=("$2") ;;
		--scratch-disk) scratch=$2 ;;
		--pmem) pmem=$2 ;;
		--initrd) initrd_arg=$2 ;;
		esac
		shift 2
		;;
	--shell) shell=1; shift ;;
	-h | --help) usage; exit 0 ;;
	--) shift; break ;;
	-*) die "unknown option $1 (see --help)" ;;
	*) break ;;
	esac
done
[ $# -gt 0 ] || [ $shell = 1 ] || die "no guest command given (see --help)"
[ -z "$timeout" ] && [ $shell = 0 ] && timeout=600
[[ -z "$timeout" || "$timeout" =~ ^[0-9]+$ ]] || die "bad --timeout $timeout"
[[ "$mem" =~ ^[0-9]+$ ]] || die "bad --mem $mem"
[[ -z "$scratch" || "$scratch" =~ ^[0-9]+[KMG]?$ ]] || die "bad --scratch-disk $scratch"
[[ -z "$pmem" || "$pmem" =~ ^[0-9]+M$ ]] || die "bad --pmem $pmem (MiB: 32M)"
[[ -z "$pmem" || ${pmem%M} -le $((mem / 4)) ]] || die "--pmem $pmem: at most a quarter of --mem"

[ -n "$kver" ] || kver=$(newest_kernel)
[[ "$kver" =~ ^[A-Za-z0-9._+-]+$ ]] || die "bad kernel version '$kver'"
vmlinuz=/boot/vmlinuz-$kver
[ -r "$vmlinuz" ] || die "no $vmlinuz (installed: $(cd /boot && echo vmlinuz-*))"
[ -d "/lib/modules/$kver" ] || die "no /lib/modules/$kver"
command -v qemu-system-x86_64 > /dev/null || die "qemu-system-x86_64 not found (apt-get install qemu-system-x86)"
[ -x /bin/busybox ] || die "/bin/busybox not found (apt-get install busybox-static)"
! ldd /bin/busybox > /dev/null 2>&1 || die "/bin/busybox is not static (apt-get install busybox-static)"
for d in "${disks[@]}"; do
	if [ ! -r "$d" ] || [ ! -w "$d" ]; then
		die "cannot open disk image $d"
	fi
done
# The kernel command line carries these paths; keep its parsing trivial.
[[ "$top" != *[[:space:]]* ]] || die "repository path must not contain white space: $top"

mkdir -p "$vmdir"
out=$vmdir/out/$kver
log=${log:-$vmdir/$kver.console.log}

# Runs on one kernel share the output directory (and by default the log):
# take turns rather than trample each other's files.
exec {lock}> "$vmdir/$kver.lock"
if ! flock -n "$lock"; then
	echo "# waiting for another VM run on $kver to finish" >&2
	flock "$lock"
fi

# The initramfs: cached per kernel, rebuilt when any input changes
# (this script, init, busybox, or the modules themselves).
if [ -n "$initrd_arg" ]; then
	[ -r "$initrd_arg" ] || die "cannot read --initrd $initrd_arg"
	initrd=$initrd_arg
else
	mapfile -t modules < <(initramfs_modules)
	inputs=$(cat "${BASH_SOURCE[0]}" "$here/init" /bin/busybox "${modules[@]}" |
		sha256sum | cut -c 1-16)
	initrd=$vmdir/initramfs-$kver-$inputs.cpio
	if [ ! -e "$initrd" ]; then
		rm -f "$vmdir/initramfs-$kver-"*.cpio
		build_initramfs "$initrd" "${modules[@]}"
	fi
fi

# The kernel: its ELF image, cached, when it has a PVH entry point.
kernel=$vmlinuz
if [ "${VSS_VM_PVH:-1}" = 1 ] && grep -q '^CONFIG_PVH=y' "/boot/config-$kver" 2>/dev/null; then
	kernel=$vmdir/vmlinux-$kver-$(sha256sum < "$vmlinuz" | cut -c 1-16)
	if [ ! -e "$kernel" ]; then
		rm -f "$vmdir/vmlinux-$kver-"*
		extract_vmlinux "$vmlinuz" "$kernel" || {
			rm -f "$kernel.$$"
			echo "# cannot unpack $vmlinuz, booting it as it is" >&2
			kernel=$vmlinuz
		}
	fi
fi

rm -rf "$out"
mkdir -p "$out"
# Never read a stale exit status from an earlier run's log.
: > "$log" || die "cannot write $log"
run=$(mktemp -d "$vmdir/run.XXXXXX")
scratch_img=
trap 'rm -rf "$run"; [ -z "$scratch_img" ] || rm -f "$scratch_img"' EXIT
# Made under the lock: another run on this kernel may be using the last one.
if [ -n "$scratch" ]; then
	scratch_img=$vmdir/$kver.scratch.img
	rm -f "$scratch_img"
	truncate -s "$scratch" "$scratch_img" || die "cannot create $scratch_img"
fi

# The script the guest runs, chrooted into the host root, under bash, with
# an empty environment.
{
	echo "# generated by selftests/vm/run.sh"
	echo "export PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"
	echo "export HOME=/root"
	printf 'export TERM=%q VSS_VM_OUT=%q\n' "${TERM:-dumb}" "$out"
	if [ $shell = 1 ]; then
		# A serial line has no window size; pass on ours.
		if [ -t 0 ] && read -r rows cols < <(stty size); then
			echo "stty rows $rows cols $cols"
		fi
	else
		# Plain \n line ends on stdout, and nothing echoed into it.
		echo "stty -onlcr -echo"
	fi
	# shellcheck disable=SC2016 # expanded in the guest
	echo 'echo "# uname -r: $(uname -r)"'
	printf 'cd %q || { echo "# cannot cd to %q in the guest (/tmp and /run are empty there)"; exit 125; }\n' "$PWD" "$PWD"
	if [ $# -gt 0 ]; then
		printf '%q ' "$@"
		echo
	fi
	[ $shell = 0 ] || echo "exec /bin/bash -i"
} > "$run/cmd.sh"

# no_timer_check: under TCG on a loaded host the boot-time check that the
# timer interrupt works through the IO-APIC can miss its window and panic
# ("IO-APIC + timer doesn't work!"), as seen on 6.1.
#
# tsc=unstable: under TCG the guest's TSC is the host's raw TSC, which jumps
# when the host itself is a VM that is paused or migrated (a CI run saw a
# 6.12 guest's clock leap ~23 hours: a soft-lockup report and vss-init's
# timeout dump, though the host's clock lost nothing). The HPET follows
# qemu's virtual clock (the host's CLOCK_MONOTONIC), and sched_clock is
# then kept within a tick of it. 6.1 already found the TSCs unsynchronized
# and used the HPET; 6.12 chose the TSC.
append="console=ttyS1 ignore_loglevel panic=-1 softlockup_panic=0 no_timer_check tsc=unstable"
append+=" vss_top=$top vss_out=$out vss_cmd=$run/cmd.sh"
[ -z "$timeout" ] || append+=" vss_timeout=$timeout"
# Legacy persistent memory (nd_e820, nd_pmem: /dev/pmem0, DAX-capable) in
# the upper half of the guest's RAM, which the kernel then leaves alone.
[ -z "$pmem" ] || append+=" memmap=$pmem!$((mem / 2))M"
append+=" ${VSS_VM_APPEND:-}"
# -display none rather than -nographic: with -nographic, qemu has SeaBIOS
# draw its screen on the first serial port, i.e. into the test's output.
qemu=(qemu-system-x86_64
	-accel "${VSS_VM_ACCEL:-tcg}" -cpu max -m "$mem" -smp 2
	-display none -no-reboot -nodefaults
	-kernel "$kernel" -initrd "$initrd" -append "$append"
	-serial mon:stdio -serial "file:$(qesc "$log")"
	-virtfs "local,path=/,mount_tag=hostroot,security_model=none,readonly=on,multidevs=remap"
	-virtfs "local,path=$(qesc "$top"),mount_tag=vsstop,security_model=none,readonly=on,multidevs=remap"
	-virtfs "local,path=$(qesc "$out"),mount_tag=vssout,security_model=none,multidevs=remap")
for d in "${disks[@]}"; do
	qemu+=(-drive "file=$(qesc "$d"),if=virtio,format=raw")
done
if [ -n "$scratch_img" ]; then
	qemu+=(-drive "file=$(qesc "$scratch_img"),if=none,id=scratch,format=raw"
		-device "virtio-blk-pci,drive=scratch,serial=vss-scratch")
fi

# --foreground keeps qemu in our process group, so ^C reaches it.
run_qemu() {
	if [ -n "$timeout" ]; then
		timeout --foreground --kill-after=10 "$timeout" "${qemu[@]}"
	else
		"${qemu[@]}"
	fi
}

# A kernel that dies before it starts /init has run nothing of ours: no
# module, no test. Under TCG that has been seen once (a double fault in
# the slab allocator's cmpxchg16b fast path 0.3 s into a 6.12 boot, with
# nonsense EFLAGS), an emulator fault rather than a kernel or vss bug.
# Such a boot is tried once more; its log is kept beside the other, and
# the retry is said on stderr, so it is never silent. A crash after
# /init started is never retried.
died_before_init() {
	local found=0
	grep -q -e 'Run /init as init process' -e 'VSS_VM_EXIT=' "$log" && return 1
	"$here/scan-kernel-log.sh" "$log" > /dev/null 2>&1 || found=$?
	[ $found = 1 ]
}

echo "# guest: $kver"
for attempt in 1 2; do
	rc=0
	if [ $shell = 1 ]; then
		run_qemu || rc=$?
	else
		# No stdin: qemu must neither put a terminal in raw mode nor
		# eat a CI job's input.
		run_qemu < /dev/null || rc=$?
	fi
	if [ $attempt = 2 ] || [ "$rc" != 0 ] || ! died_before_init; then
		break
	fi
	cp "$log" "$log.early-crash"
	echo "# the guest kernel crashed before it started /init (kept in $log.early-crash):" \
		"nothing of vss had run; booting it once more" >&2
	grep -m 3 -E 'Oops:|Kernel panic|BUG:|traps:' "$log.early-crash" | tr -d '\r' | sed 's/^/#   guest-kernel| /' >&2
	: > "$log"
	rm -rf "$out"
	mkdir -p "$out"
	if [ -n "$scratch_img" ]; then
		rm -f "$scratch_img"
		truncate -s "$scratch" "$scratch_img" || die "cannot create $scratch_img"
	fi
done

if [ -n "$timeout" ] && { [ "$rc" = 124 ] || [ "$rc" = 137 ]; }; then
	echo "run.sh: timeout: the guest did not finish in $timeout s; last kernel log lines ($log):" >&2
	tail -n 50 "$log" | tr -d '\r' | sed 's/^/guest-kernel| /' >&2
	exit 124
fi

# qemu exits 0 when the guest powers off, and after a panic (-no-reboot).
[ "$rc" = 0 ] || die "qemu failed (exit $rc); kernel log $log"

status=$(tr -d '\r' < "$log" | sed -n 's/.*VSS_VM_EXIT=\([0-9]*\).*/\1/p' | tail -n 1)
[ -n "$status" ] ||
	echo "run.sh: the guest stopped without reporting an exit status; kernel log $log" >&2
clean=0
"$here/scan-kernel-log.sh" "$log" || clean=$?
[ $clean -le 1 ] || die "cannot scan $log"

if [ -z "$status" ]; then
	# A panic is a kernel bug (the scanner has shown it); anything
	# else is a problem of the VM set-up.
	[ $clean = 0 ] || exit 1
	tail -n 50 "$log" | tr -d '\r' | sed 's/^/guest-kernel| /' >&2
	exit 125
fi
[ "$status" = 0 ] || exit "$status"
exit "$clean"
