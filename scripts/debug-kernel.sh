#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Builds and installs a 6.12 debug kernel from Debian's linux-source-6.12,
# for `make check-debug`: KASAN, lockdep (PROVE_LOCKING), KMEMLEAK,
# DEBUG_ATOMIC_SLEEP, fault injection (fail_make_request, failslab), plus
# what the VM runner and the selftests need. The configuration is x86_64
# defconfig trimmed of what a 9p-root test VM never uses, so that it builds
# on 2 cores in well under an hour.
#
# The build tree is cached outside the source tree (VSS_DEBUG_CACHE,
# default /var/cache/vss/debug-kernel) and rebuilt only when this script
# changes. The kernel is installed as /boot/vmlinuz-KVER and
# /lib/modules/KVER (KVER ends in -vss-debug), where the VM runner finds
# kernels; the default kernel lists of `make check` and `make demo` leave
# it out. Prints KVER on stdout.
set -euo pipefail

cache=${VSS_DEBUG_CACHE:-/var/cache/vss/debug-kernel}
obj=$cache/obj
src=$cache/linux-source-6.12
tarball=/usr/src/linux-source-6.12.tar.xz
stamp=$cache/stamp
want=$(sha256sum < "${BASH_SOURCE[0]}" | cut -c 1-16)

log() { echo "debug-kernel: $*" >&2; }

kernelrelease() { make -s -C "$src" O="$obj" kernelrelease; }

if [ -e "$stamp" ] && [ "$(cat "$stamp")" = "$want" ]; then
	kver=$(kernelrelease)
	if [ -e "/boot/vmlinuz-$kver" ] && [ -d "/lib/modules/$kver" ]; then
		echo "$kver"
		exit 0
	fi
fi

[ -r "$tarball" ] || { log "$tarball missing (apt-get install linux-source-6.12)"; exit 1; }
mkdir -p "$cache" "$obj"
if [ ! -e "$src/Makefile" ]; then
	log "unpacking $tarball"
	tar -C "$cache" -xaf "$tarball"
fi

cfg() { "$src/scripts/config" --file "$obj/.config" "$@"; }

log "configuring in $obj"
make -s -C "$src" O="$obj" x86_64_defconfig
cfg --set-str LOCALVERSION "-vss-debug" --disable LOCALVERSION_AUTO
# What a test VM never uses: the build is much shorter without it.
for o in DRM SOUND USB_SUPPORT WLAN WIRELESS CFG80211 MAC80211 BT NFS_FS \
	 NETWORK_FILESYSTEMS_NFS AGP HID INPUT_MOUSE INPUT_JOYSTICK \
	 INPUT_TABLET INPUT_TOUCHSCREEN ETHERNET NET_VENDOR_INTEL \
	 HAMRADIO CAN NFC WIMAX INFINIBAND ISDN PCCARD MEDIA_SUPPORT \
	 FB LOGO SECURITY_SELINUX AUDIT KVM XEN HYPERV VIRTUALIZATION \
	 EFI MICROCODE ACPI_VIDEO; do
	cfg --disable "$o"
done
# The runner: PVH boot, serial console, 9p root over virtio, virtio disks.
for o in PVH SERIAL_8250 SERIAL_8250_CONSOLE VIRTIO_MENU VIRTIO VIRTIO_PCI \
	 NET_9P NET_9P_VIRTIO 9P_FS 9P_FS_POSIX_ACL VIRTIO_BLK BLK_DEV_INITRD \
	 DEVTMPFS DEVTMPFS_MOUNT TMPFS TMPFS_POSIX_ACL EXT4_FS XFS_FS \
	 XFS_POSIX_ACL MODULES MODULE_UNLOAD BLK_DEV IO_URING AIO; do
	cfg --enable "$o"
done
# What the selftests load and unload.
for o in BLK_DEV_LOOP BLK_DEV_RAM SCSI_DEBUG BLK_DEV_SD BLK_DEV_DM \
	 DM_SNAPSHOT DM_FLAKEY DM_DELAY DM_ZERO OVERLAY_FS; do
	cfg --module "$o"
done
# snapshot_dax: legacy persistent memory (run.sh --pmem) and DAX mounts.
for o in MEMORY_HOTPLUG MEMORY_HOTREMOVE ZONE_DEVICE FS_DAX; do
	cfg --enable "$o"
done
for o in LIBNVDIMM BLK_DEV_PMEM X86_PMEM_LEGACY; do
	cfg --module "$o"
done
cfg --enable SCSI --enable MD --enable SCSI_LOWLEVEL
# The module's write interception and unplug hook are ftrace ops.
for o in FTRACE FUNCTION_TRACER DYNAMIC_FTRACE FUNCTION_GRAPH_TRACER \
	 DEBUG_FS; do
	cfg --enable "$o"
done
# The point of this kernel.
for o in DEBUG_KERNEL KASAN KASAN_GENERIC KASAN_INLINE PROVE_LOCKING \
	 DEBUG_ATOMIC_SLEEP DEBUG_KMEMLEAK FAULT_INJECTION FAILSLAB \
	 FAIL_MAKE_REQUEST FAULT_INJECTION_DEBUG_FS SOFTLOCKUP_DETECTOR \
	 DETECT_HUNG_TASK DEBUG_LIST DEBUG_OBJECTS DEBUG_OBJECTS_WORK \
	 DEBUG_OBJECTS_RCU_HEAD; do
	cfg --enable "$o"
done
cfg --set-val DEBUG_KMEMLEAK_MEM_POOL_SIZE 40000
cfg --disable DEBUG_KMEMLEAK_DEFAULT_OFF --disable DEBUG_KMEMLEAK_AUTO_SCAN
cfg --disable DEBUG_INFO --disable DEBUG_INFO_DWARF5 --disable DEBUG_INFO_BTF \
    --enable DEBUG_INFO_NONE
make -s -C "$src" O="$obj" olddefconfig

# olddefconfig drops what a dependency refuses: say so rather than guess.
for o in KASAN PROVE_LOCKING DEBUG_KMEMLEAK FAIL_MAKE_REQUEST FAILSLAB \
	 FUNCTION_TRACER DYNAMIC_FTRACE NET_9P_VIRTIO 9P_FS VIRTIO_BLK PVH; do
	grep -q "^CONFIG_$o=y" "$obj/.config" || { log "CONFIG_$o did not stick"; exit 1; }
done

log "building (2 cores: this takes a while; output in $cache/build.log)"
make -C "$src" O="$obj" -j"$(nproc)" bzImage modules > "$cache/build.log" 2>&1 ||
	{ tail -n 30 "$cache/build.log" >&2; exit 1; }
kver=$(kernelrelease)
make -s -C "$src" O="$obj" INSTALL_MOD_PATH=/ modules_install > /dev/null
install -m 644 "$obj/arch/x86/boot/bzImage" "/boot/vmlinuz-$kver"
ln -sfn "$obj" "/lib/modules/$kver/build"
depmod "$kver"
echo "$want" > "$stamp"
log "installed $kver"
echo "$kver"
