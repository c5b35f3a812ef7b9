# SPDX-License-Identifier: GPL-2.0
# shellcheck shell=bash disable=SC2154,SC2034 # the callers own the globals named below
#
# What the reboot tests share (sourced): cbt_reboot.sh and cbt_root.sh on
# the host, cbt_reboot_guest.sh and cbt_root_guest.sh in the guest.

# --- host ---

# The newest installed kernel that is not the debug one.
newest_kver() {
	local k kver=
	for k in /lib/modules/*; do
		k=${k##*/}
		[[ $k == *-vss-debug ]] || kver=$(printf '%s\n%s\n' "$kver" "$k" | sort -V | tail -n 1)
	done
	echo "$kver"
}

# Numbers the guest's "ok - NAME" lines into $n, counts failures into
# $failed; passes comments on.
number() {
	local line
	while IFS= read -r line; do
		case $line in
		"ok - "* | "not ok - "*)
			n=$((n + 1))
			[ "${line#not }" = "$line" ] || failed=$((failed + 1))
			echo "${line/ok - /ok $n }" ;;
		"#"*) echo "$line" ;;
		*) echo "# $line" ;;
		esac
	done
}

# --- guest ---
# They use $test and $phase (the case names), $vssctl, $imgsync, $mnt (the origin's mount), $img (the image
# on the administrator's disk), and set kind, copied, snap_id, snap_dev.

note() { printf '%s\n' "$*" | sed 's/^/# /'; }

# One case: ok or not ok - $test.$phase.NAME; failures counted in $failed.
result() { # result STATUS NAME
	if [ "$1" -eq 0 ]; then
		echo "ok - $test.$phase.$2"
	else
		echo "not ok - $test.$phase.$2"
		failed=$((failed + 1))
	fi
}

# The disks are the host's images, of the sizes it made; never anything else.
disks_ours() {
	[ "$(cat /sys/block/vda/size)" = $((64 * 2048)) ] &&
		[ "$(cat /sys/block/vdb/size)" = $((160 * 2048)) ]
}

# Writes that move with the round $1: 8K at three offsets of $mnt/data
# (one across a 64K boundary), and an append to $mnt/log; synced.
write_round() {
	local r=$1 off
	for off in $((r * 1048576 + 4096)) $((r * 1048576 + 65536 - 2048)) \
		   $((r * 3 * 1048576 + 300000)); do
		head -c 8192 /dev/urandom | dd of="$mnt/data" bs=8192 seek=$((off / 8192)) \
			conv=notrunc status=none
	done
	head -c 5000 /dev/urandom >> "$mnt/log"
	sync
}

# One vss-imgsync run of VOLUME (a mount point or device), keeping its
# snapshot: $kind (full or incremental), $copied (bytes), $snap_id,
# $snap_dev; its stderr in /tmp/imgsync.err.
sync_image() { # sync_image VOLUME
	local out rc
	out=$("$imgsync" --keep-snapshot "$1" "$img" 2> /tmp/imgsync.err)
	rc=$?
	note "$out"
	note "$(cat /tmp/imgsync.err)"
	kind=$(echo "$out" | awk 'NR == 1 { print $1 }')
	copied=$(echo "$out" | awk 'NR == 1 { print $2 }')
	snap_id=$(echo "$out" | awk '/^kept snapshot/ { print $3 }')
	snap_dev=$(echo "$out" | awk '/^kept snapshot/ { print $4 }')
	return $rc
}

# The image is a byte-exact copy of the kept snapshot (deleted then), and
# fsck-clean.
image_exact() {
	local a b
	a=$(sha256sum < "$img" | cut -d' ' -f1)
	b=$(sha256sum < "$snap_dev" | cut -d' ' -f1)
	"$vssctl" snapshot delete --id "$snap_id" > /dev/null
	note "image $a, snapshot $b"
	[ -n "$a" ] && [ "$a" = "$b" ] || return 1
	e2fsck -fn "$img" > /tmp/fsck.out 2>&1 || { note "$(cat /tmp/fsck.out)"; return 1; }
}

# The generation of a token file: the first 16 bytes of its body, in hex.
generation_of() { cut -c 6-37 "$1"; }
