#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The root filesystem's tracker across a real reboot (issue 16): boots one
# kernel twice with an initramfs made by Debian's own mkinitramfs, with
# vss's hook and local-premount script (tools/vss-root), on a root disk
# (vda, ext4) and the administrator's disk (vdb, label vss-admin: the
# saved trackers and vss-imgsync's image). initramfs-tools' init finds the
# root, runs the premount script (the module loaded, the root given diff
# storage and its tracker, the saved tracker restored), mounts the root
# and runs its /sbin/init: selftests/vm/init, which sets up the test
# VM's usual 9p world and runs cbt_root_guest.sh there. See that script
# for what each boot does and checks.
#
#   selftests/reboot/cbt_root.sh [KVER]     (default: the newest kernel)
#
# Output: the format of selftests/run_guest.sh ("# selftests: vss:
# cbt_root"), which scripts/check.sh counts. Exits 1 if anything failed.
set -u

here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../.." && pwd)
# shellcheck source=selftests/reboot/lib.sh
. "$here/lib.sh"
kver=${1:-$(newest_kver)}
state=$top/build/vm/root-$kver
n=0
failed=0
start=$(date +%s)

echo "# selftests: vss: cbt_root"
echo "1..14"

ok() { # ok STATUS NAME [COMMENT]
	n=$((n + 1))
	if [ "$1" -eq 0 ]; then
		echo "ok $n cbt_root.$2"
	else
		echo "not ok $n cbt_root.$2${3:+ # $3}"
		failed=$((failed + 1))
	fi
}

# What `make install` puts in place, with the tree's programs for @sbindir@
# and @libexecdir@: the hook then copies the tree's vssctl and vss-root.
subst() { # subst FILE OUTPUT
	sed -e "s|@sbindir@|$top/tools/vssctl|g" -e "s|@libexecdir@|$state/libexec|g" \
		"$1" > "$2" && chmod 755 "$2"
}

# The initramfs: Debian's mkinitramfs with its own hooks and scripts,
# vss's hook and premount script as installed, the test's configuration,
# and (a test-only hook) the module built for this kernel, since DKMS
# has not installed one in /lib/modules here.
make_initramfs() {
	local conf=$state/initramfs-tools
	mkdir -p "$conf/hooks" "$conf/scripts/local-premount" "$conf/conf.d" "$state/libexec"
	subst "$top/tools/vss-root/vss-root" "$state/libexec/vss-root" &&
		subst "$top/tools/vss-root/initramfs-hook" "$conf/hooks/vss" &&
		cp "$top/tools/vss-root/local-premount" "$conf/scripts/local-premount/vss" || return 1
	cat > "$conf/initramfs.conf" <<-EOF2
		MODULES=list
		BUSYBOX=auto
		COMPRESS=gzip
		RUNSIZE=10%
	EOF2
	printf '%s\n' virtio_pci virtio_blk ext4 9p 9pnet_virtio > "$conf/modules"
	cat > "$conf/hooks/zz-vss-test" <<-EOF2
		#!/bin/sh
		[ "\${1:-}" = prereqs ] && exit 0
		mkdir -p "\$DESTDIR/lib/modules/\$version/updates"
		cp "$top/build/kmod/\$version/vss.ko" "\$DESTDIR/lib/modules/\$version/updates/vss.ko"
	EOF2
	chmod 755 "$conf/hooks/zz-vss-test"
	VSS_ROOT_CONF=$state/root-tracker.conf mkinitramfs -d "$conf" -o "$state/initrd" "$kver" \
		> "$state/mkinitramfs.log" 2>&1
}

# The root disk: busybox, selftests/vm/init as /sbin/init, the
# configuration the shutdown reads, and data to rewrite; 64 MiB of ext4.
# The administrator's disk: an ext4 labelled vss-admin with trackers/.
make_disks() {
	local r=$state/rootstage a=$state/adminstage
	mkdir -p "$r/bin" "$r/sbin" "$r/etc/vss" "$r/lib/modules" "$r/proc" "$r/sys" \
		"$r/dev" "$r/run" "$r/tmp" "$r/root" "$a/trackers"
	chmod 700 "$a/trackers"
	cp /bin/busybox "$r/bin/busybox" && cp "$top/selftests/vm/init" "$r/sbin/init" &&
		: > "$r/lib/modules/load.order" && cp "$state/root-tracker.conf" "$r/etc/vss/" &&
		head -c 24M /dev/urandom > "$r/data" && : > "$r/log" || return 1
	truncate -s 64M "$state/root.img" && truncate -s 160M "$state/admin.img" &&
		mkfs.ext4 -q -E nodiscard -d "$r" "$state/root.img" &&
		mkfs.ext4 -q -L vss-admin -d "$a" "$state/admin.img"
}

boot() { # boot NUMBER PHASE
	local rc log=$state/boot$1.console.log
	VSS_VM_APPEND="root=/dev/vda rw" "$top/selftests/vm/run.sh" --kernel "$kver" \
		--timeout 600 --log "$log" --initrd "$state/initrd" \
		--disk "$state/root.img" --disk "$state/admin.img" \
		-- "$here/cbt_root_guest.sh" "$2" > "$state/boot$1.out" 2>&1
	rc=$?
	number < "$state/boot$1.out"
	ok $rc "$2.boot_ended_with_a_clean_kernel_log" "run.sh exit $rc, log $log"
	# initramfs-tools' init ran vss's premount script before it mounted
	# the root: the module's load and the premount's lines precede the
	# root's mount in the kernel log.
	awk '/vss: loaded/ && !l { l = NR } /vss-root: / && !v { v = NR }
	     /EXT4-fs \(vda\): mounted/ && !m { m = NR }
	     END { exit !(l && v && m && l < m && v < m) }' "$log"
	ok $? "$2.the_initramfs_tracked_the_root_before_mounting_it"
}

rm -rf "$state"
mkdir -p "$state"
cat > "$state/root-tracker.conf" <<EOF
# cbt_root.sh's configuration
VSS_ROOT_MAX=48M
VSS_ROOT_TRACK_BLOCK=64K
VSS_TRACKERS_FS=LABEL=vss-admin
VSS_TRACKERS_DIR=trackers
EOF
make_initramfs
ok $? "mkinitramfs_builds_an_initramfs_with_vss_hook" "log $state/mkinitramfs.log"
make_disks
ok $? "a_root_disk_and_an_administrators_disk"
boot 1 first
boot 2 restore
echo "# cbt_root: exit $((failed > 0)) after $(($(date +%s) - start)) s"
[ $failed -eq 0 ] && rm -rf "$state"
[ $failed -eq 0 ]
