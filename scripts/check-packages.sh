#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The Debian packages as an administrator gets them (issue 19), end to end:
#   1. dpkg-buildpackage -us -uc -b from a copy of the tree (what git
#      tracks or would, uncommitted changes included), niced;
#   2. lintian on the .changes and every .deb: no error, no warning (each
#      accepted one is overridden in debian/*.lintian-overrides);
#   3. a fresh minimal Debian 12 userland (scripts/fresh-root.sh: debootstrap
#      minbase, cached) with the headers of each Debian
#      kernel in /lib/modules; the packages installed there with
#      `apt-get install ./*.deb` while the newest kernel's headers are
#      missing, which are installed after: DKMS builds vss.ko for the
#      first kernel at the package's installation and for the other when
#      its headers come, both checked with dkms status and the files;
#   4. each kernel booted in a VM (selftests/vm/run.sh) running
#      scripts/check-packages-guest.sh: the DKMS-built module loaded by the
#      userland's own modprobe from its /lib/modules, and a smoke test of
#      the packaged vssctl (version, storage, a snapshot of a mounted ext4,
#      backup -- tar, delete);
#   5. `apt-get purge` of the packages, and the userland's file list
#      compared with the one before they were installed: nothing left.
# Takes ~15 minutes on 2 cores (most of it DKMS and the VMs). Not part of
# `make check`: `make check-packages` (Documentation/testing.md). Needs root.
#
#   scripts/check-packages.sh [--keep]
#     --keep   leave the work directory (packages, logs, the userland)
set -uo pipefail

top=$(cd "$(dirname "$0")/.." && pwd)
packages=(vss-dkms libvss0 libvss-dev vss-tools vss-writers)
keep=0
case ${1:-} in
--keep) keep=1 ;;
-h | --help) sed -n '3,/^set -/p' "$0" | sed '$d; s/^# \{0,1\}//'; exit 0 ;;
"") ;;
*) echo "check-packages: unknown argument $1" >&2; exit 2 ;;
esac
[ "$(id -u)" -eq 0 ] || { echo "check-packages: run as root" >&2; exit 1; }

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
say() { echo "# check-packages: $*"; }
finish() {
	echo "check-packages: $n checks, $failed failed"
	[ $failed -eq 0 ]
	exit
}

work=$(mktemp -d /var/tmp/vss-packages.XXXXXX)
root=$work/root
mounted=()
unmount_all() {
	local i
	for ((i = ${#mounted[@]} - 1; i >= 0; i--)); do
		umount -l "${mounted[i]}" 2>/dev/null || true
	done
	mounted=()
}
# shellcheck disable=SC2317 # run by the EXIT trap
cleanup() {
	unmount_all
	if [ "$keep" -eq 1 ] || grep -q " $work/" /proc/mounts; then
		say "work directory kept: $work"
	else
		rm -rf --one-file-system "$work"
	fi
}
trap cleanup EXIT

# ---- 1. build
say "building the packages in $work/src (log: build.log)"
mkdir -p "$work/src/vss"
(cd "$top" && git ls-files -z --cached --others --exclude-standard) |
	(cd "$top" && tar --null -T - --ignore-failed-read -cf - 2>/dev/null) |
	tar -C "$work/src/vss" -xf -
(cd "$work/src/vss" && nice -n 10 dpkg-buildpackage -us -uc -b) >"$work/build.log" 2>&1
check "dpkg-buildpackage -us -uc -b builds" test $? -eq 0 || {
	tail -n 30 "$work/build.log"
	finish
}
debs=("$work"/src/*.deb)
changes=$(ls "$work"/src/*.changes)
check "it makes every package (${packages[*]})" sh -c \
	"for p in ${packages[*]}; do ls '$work'/src/\${p}_*.deb >/dev/null || exit 1; done"

# ---- 2. lintian
lintian --pedantic --tag-display-limit 0 "$changes" >"$work/lintian.log" 2>&1
check "lintian: no error" sh -c "! grep -q '^E: ' '$work/lintian.log'"
check "lintian: no warning (or an override with its reason)" sh -c "! grep -q '^W: ' '$work/lintian.log'"
grep -E '^[EWI]: ' "$work/lintian.log" | sed 's/^/# /'

# ---- 3. a fresh Debian 12 userland
kernels=()
for k in /lib/modules/*; do
	k=${k##*/}
	# Debian's own kernels only: their headers come from the archive (the
	# debug kernel of scripts/debug-kernel.sh is not one).
	[[ $k == *-vss-debug ]] && continue
	dpkg-query -W -f '${Status}' "linux-image-$k" 2>/dev/null | grep -q 'ok installed' &&
		kernels+=("$k")
done
check "two Debian kernels to build for (${kernels[*]})" test ${#kernels[@]} -ge 2
"$top/scripts/fresh-root.sh" "$root" >>"$work/root.log" 2>&1
check "a fresh Debian 12 userland (scripts/fresh-root.sh)" test $? -eq 0 || finish
# What the host already downloaded need not be downloaded again (links:
# nothing is copied, and apt in the userland reads them as its own).
cp -l /var/cache/apt/archives/*.deb "$root/var/cache/apt/archives/" 2>/dev/null || true
mount_all() {
	local m
	for m in /dev /dev/pts /proc /sys; do
		mount --bind "$m" "$root$m" && mounted+=("$root$m")
	done
}
mount_all
in_root() { # in_root COMMAND-STRING
	chroot "$root" /usr/bin/env -i HOME=/root DEBIAN_FRONTEND=noninteractive \
		PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin \
		LANG=C.UTF-8 /bin/bash -c "$1" >>"$work/root.log" 2>&1
}
apt_get="apt-get -y -q --no-install-recommends -o Dpkg::Use-Pty=0"
mkdir -p "$root/root/debs"
cp "${debs[@]}" "$root/root/debs/"
# Each kernel as a server has it, image and headers: the image's depmod
# indexes are there before DKMS runs depmod (6.12's headers need the
# image anyway).
headers=("${kernels[@]/#/linux-headers-}" "${kernels[@]/#/linux-image-}")
# The packages' own dependencies first, so that the file list taken
# before them is one that their purge must give back.
deps=$(for d in "${debs[@]}"; do dpkg-deb -f "$d" Depends; done | tr ',' '\n' |
	sed 's/|.*//; s/(.*)//; s/ //g' | grep -v -x -e '' "${packages[@]/#/-e}" | sort -u | tr '\n' ' ')
say "installing ${headers[*]} and the packages' dependencies in the userland (log: root.log)"
in_root "apt-get update -q && $apt_get install ${headers[*]} $deps"
check "${headers[*]} and $deps install" test $? -eq 0 || finish
list() { # the userland's files, but for apt's and dpkg's own records and caches
	(cd "$root" && find . -xdev ! -path './var/lib/dpkg/*' ! -path './var/lib/apt/*' \
		! -path './var/cache/*' ! -path './var/log/*' ! -path './tmp/*' \
		! -path './root/*' ! -path './etc/ld.so.cache' | LC_ALL=C sort)
}
list >"$work/before.list"

# The last kernel's headers come after the packages: DKMS must build for it then.
later=${kernels[-1]}
in_root "$apt_get purge linux-headers-$later"
say "apt-get install ./*.deb"
in_root "cd /root/debs && $apt_get install ./*.deb"
check "apt-get install ./*.deb installs the packages" test $? -eq 0
for k in "${kernels[@]}"; do
	[ "$k" = "$later" ] && continue
	check "DKMS built and installed vss for $k at the package's installation" \
		sh -c "chroot '$root' dkms status vss -k '$k' | grep -q ': installed'"
done
check "not yet for $later (no headers)" sh -c "! chroot '$root' dkms status vss -k '$later' | grep -q ': installed'"
in_root "$apt_get install linux-headers-$later"
check "DKMS built and installed vss for $later when its headers came" \
	sh -c "chroot '$root' dkms status vss -k '$later' | grep -q ': installed'"
for k in "${kernels[@]}"; do
	check "$k: /lib/modules/$k/updates/dkms/vss.ko*" \
		sh -c "ls '$root/lib/modules/$k/updates/dkms/'vss.ko* >/dev/null"
done
in_root "dkms status"
sed -n '\|^vss/|p' "$work/root.log" | sort -u | sed 's/^/# /'
check "no unit is enabled at installation" sh -c \
	"! ls '$root'/etc/systemd/system/*.wants/vss-* 2>/dev/null | grep -q ."
check "/etc/default/vss-sqlite-writer is a conffile" sh -c \
	"chroot '$root' dpkg-query -W -f '\${Conffiles}' vss-writers | grep -q /etc/default/vss-sqlite-writer"
check "/etc/vss/pgsql-writer.conf is a conffile" sh -c \
	"chroot '$root' dpkg-query -W -f '\${Conffiles}' vss-writers | grep -q /etc/vss/pgsql-writer.conf"
check "/etc/vss/mysql-writer.conf is a conffile" sh -c \
	"chroot '$root' dpkg-query -W -f '\${Conffiles}' vss-writers | grep -q /etc/vss/mysql-writer.conf"

# ---- 4. each kernel in a VM: the DKMS-built module, the packaged tools.
# The guest sees the host's / over 9p: the userland's bind mounts would
# show the host's /dev and /proc there, so they go first.
unmount_all
for k in "${kernels[@]}"; do
	say "booting $k (log: vm-$k.log)"
	(cd "$top" && selftests/vm/run.sh --kernel "$k" --timeout 600 -- \
		scripts/check-packages-guest.sh "$root") >"$work/vm-$k.log" 2>&1
	rc=$?
	grep -E '^(not )?ok |check-packages-guest:' "$work/vm-$k.log" | sed "s/^/# $k: /"
	check "$k: the smoke test of the packages passes in the VM" test $rc -eq 0 ||
		tail -n 20 "$work/vm-$k.log"
done
mount_all

# ---- 5. purge
say "apt-get purge ${packages[*]}"
in_root "$apt_get purge ${packages[*]}"
check "apt-get purge succeeds" test $? -eq 0
list >"$work/after.list"
check "purge leaves nothing behind (the userland's file list is the one before)" \
	diff "$work/before.list" "$work/after.list"
check "no vss module left for any kernel" sh -c "! ls '$root'/lib/modules/*/updates/dkms/vss.ko* 2>/dev/null"
check "DKMS forgot vss" sh -c "[ -z \"\$(chroot '$root' dkms status vss)\" ]"
unmount_all
finish
