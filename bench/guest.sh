#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The benchmarks of issue 6, run inside a test VM (bench/run.sh boots it with
# five virtio disks). Prints progress on stdout and appends one line per
# figure, "key value", to $VSS_VM_OUT/results.txt; bench/report.py turns
# that into bench/results/<kernel>.json and the table. A figure that cannot
# be measured is written as "key null" with a "note.key text" line saying why.
#
# Disks: vda origin of the I/O figures; vdb storage disk (ext4, holds the vss
# storage file); vdc dm-snapshot COW disk, and the bystander's device;
# vdd four ext4 partitions (freeze window, creation); vde LVM (creation).
#
# Every figure is a ratio of two measurements taken back to back in this
# VM; each pair is repeated BENCH_REPS times and the median ratio kept,
# because the host's two cores are shared with other VMs.
set -u
exec </dev/null	# no command may wait for an answer on the console (lvcreate asks)

top=$(cd "$(dirname "$0")/.." && pwd)
kver=$(uname -r)
ko=${BENCH_KO:-$top/build/kmod/$kver/vss.ko}
ko_b=${BENCH_KO_B:-}	# part ext4ab's other module; "{kver}" becomes $kver
ko_b=${ko_b//\{kver\}/$kver}
vssbench=$top/build/bench/vssbench
vssproto=$top/build/bench/vssproto
vssctl=$top/tools/vssctl/vssctl
out=${VSS_VM_OUT:?VSS_VM_OUT not set: run under bench/run.sh}
res=${BENCH_RESULTS:-$out/results.txt}

region_mib=${BENCH_REGION_MIB:-32}	# the region every I/O figure writes
reps=${BENCH_REPS:-3}
sweep_reps=${BENCH_SWEEP_REPS:-2}	# chunk sizes other than 4 KiB
read_reps=${BENCH_READ_REPS:-6}	# snapshot read, A B / B A
freeze_reps=${BENCH_FREEZE_REPS:-20}
dirty_mib=${BENCH_DIRTY_MIB:-64}	# per volume, before a freeze window
create_reps=${BENCH_CREATE_REPS:-5}
iodepth=${BENCH_IODEPTH:-16}
# fio jobs per write figure, one per CPU, each on its own slice of the
# region (so a first write is still one per block): 2 shows whether the
# cost per write grows when writers on two CPUs share a counter.
jobs=${BENCH_JOBS:-1}
sweep=${BENCH_SWEEP:-"4 16 64 256"}	# vss chunk sizes, KiB
dm_sweep=${BENCH_DM_SWEEP:-"4 64"}
bystander_secs=${BENCH_BYSTANDER_SECS:-4}
bystander_reps=${BENCH_BYSTANDER_REPS:-6}
dm_many_secs=${BENCH_DM_MANY_SECS:-30}
lv_mib=${BENCH_LV_MIB:-96}
lv_snap_mib=${BENCH_LV_SNAP_MIB:-16}
proto_reps=${BENCH_PROTO_REPS:-15}
proto_sizes=${BENCH_PROTO_WRITERS:-"0 16 32 64"}	# writers; 0 must be first
proto_procs=${BENCH_PROTO_PROCS:-2}	# writer processes (a writer is one socket)

W=/tmp/bench
STORE=$W/store
LVMCONF='backup { backup = 0 archive = 0 } activation { udev_sync = 0 udev_rules = 0 monitoring = 0 } devices { obtain_device_list_from_udev = 0 }'

log() { echo "# $(date +%T) $*"; }
put() { echo "$1 $2" >> "$res"; echo "  $1 = $2"; }
note() { echo "note.$1 $2" >> "$res"; echo "  note: $1: $2"; }
die() { echo "bench: $*" >&2; exit 1; }
now_ns() { date +%s%N; }

# median of the arguments (numbers; "null" if none)
median() {
	[ $# -gt 0 ] || { echo null; return; }
	printf '%s\n' "$@" | sort -g | awk '{ v[NR] = $1 } END {
		if (NR % 2) print v[(NR + 1) / 2]; else printf "%.6g\n", (v[NR / 2] + v[NR / 2 + 1]) / 2 }'
}
div() { awk -v a="$1" -v b="$2" 'BEGIN { if (a == "null" || b == "null" || b == 0) print "null"; else printf "%.4f\n", a / b }'; }
ms() { awk -v n="$1" 'BEGIN { if (n == "null") print "null"; else printf "%.3f\n", n / 1e6 }'; }

# Busy CPU time of the whole guest so far, in USER_HZ ticks (all CPUs).
cpu_busy() { awk '$1 == "cpu" { print $2 + $3 + $4 + $7 + $8 + $9 }' /proc/stat; }

# fio_write DEV [fio options...]: 4 KiB random direct writes over the region,
# every block exactly once (fio's random map; not time_based). Prints IOPS;
# the guest's busy CPU time per write goes to the log (stderr), because
# under TCG a path's CPU cost, not the disk, decides its IOPS.
fio_write() {
	local dev=$1 c0 c1 line iops ios split=()
	shift
	if ((jobs > 1)); then
		split=(--numjobs="$jobs" --group_reporting --cpus_allowed=0-$((jobs - 1))
			--cpus_allowed_policy=split --offset_increment=$((region_mib / jobs))M)
	fi
	c0=$(cpu_busy)
	line=$(fio --name=w --filename="$dev" --rw=randwrite --bs=4k --direct=1 \
		--ioengine=libaio --iodepth="$iodepth" --size=$((region_mib / jobs))M \
		--offset=0 --randrepeat=0 --output-format=terse --terse-version=3 \
		"${split[@]}" "$@")
	c1=$(cpu_busy)
	iops=$(echo "$line" | awk -F';' '{ printf "%d\n", $49 }')
	ios=$(echo "$line" | awk -F';' '{ print $47 / 4 }')	# KiB written / 4 KiB
	echo "    $dev: $iops IOPS, $(awk -v c=$((c1 - c0)) -v n="$ios" -v hz="$(getconf CLK_TCK)" \
		'BEGIN { if (n > 0) printf "%.0f", c * 1e6 / hz / n; else print "?" }') us CPU per write" >&2
	echo "$iops"
}

# fio_read DEV: sequential direct read of the region; prints KiB/s.
fio_read() {
	fio --name=r --filename="$1" --rw=read --bs=1M --direct=1 \
		--ioengine=libaio --iodepth=4 --size="${region_mib}M" --offset=0 \
		--output-format=terse --terse-version=3 | awk -F';' '{ printf "%d\n", $7 }'
}

drop_caches() { sync; echo 3 > /proc/sys/vm/drop_caches; }

# ab_pair REP CMD ARG_A ARG_B: "CMD ARG_A" and "CMD ARG_B", in that order
# on even repetitions and the other way round on odd ones (so that a drift
# of the host's load favours neither); their outputs in ab_a and ab_b.
# Fails if either fails.
ab_pair() {
	if (($1 % 2 == 0)); then
		ab_a=$("$2" "$3") && ab_b=$("$2" "$4")
	else
		ab_b=$("$2" "$4") && ab_a=$("$2" "$3")
	fi
}

vb() { "$vssbench" "$@"; }
load_module() { [ -d /sys/module/vss ] || insmod "$ko"; }
unload_module() { ! [ -d /sys/module/vss ] || rmmod vss; }
cleanup_vss() { vb delete-all >/dev/null 2>&1; }

# ---------------------------------------------------------------------------
setup() {
	mkdir -p "$W" "$STORE" /run/lock/lvm
	: > "$res"
	mountpoint -q /sys/kernel/debug || mount -t debugfs none /sys/kernel/debug
	modprobe dm-snapshot || die "dm-snapshot module missing"
	for d in vda vdb vdc vdd vde vdf; do
		[ -b /dev/$d ] || die "disk /dev/$d missing"
	done
	mkfs.ext4 -q -F -E lazy_itable_init=0,lazy_journal_init=0 /dev/vdb || die "mkfs vdb"
	mount /dev/vdb "$STORE" || die "mount vdb"
	# vdd: four partitions of a quarter each, ext4.
	local q=$(($(blockdev --getsz /dev/vdd) / 4 - 4096))
	printf 'label: gpt\n,%s\n,%s\n,%s\n,%s\n' $q $q $q $q | sfdisk -q --wipe always /dev/vdd >/dev/null 2>&1 ||
		die "partitioning vdd"
	sleep 1
	for i in 1 2 3 4; do
		[ -b /dev/vdd$i ] || die "no /dev/vdd$i"
		mkfs.ext4 -q -F -E lazy_itable_init=0,lazy_journal_init=0 /dev/vdd$i || die "mkfs vdd$i"
		mkdir -p "$W/v$i"
		mount /dev/vdd$i "$W/v$i" || die "mount vdd$i"
	done
	echo "kernel $kver" >> "$res"
	put meta.region_mib "$region_mib"
	put meta.reps "$reps"
	put meta.iodepth "$iodepth"
	put meta.jobs "$jobs"
	put meta.freeze_reps "$freeze_reps"
	put meta.dirty_mib "$dirty_mib"
	put meta.mem_kib "$(awk '/MemTotal/ { print $2 }' /proc/meminfo)"
	put meta.cpus "$(nproc)"
}

# ---------------------------------------------------------------------------
# bystander tax: 4 KiB random writes to vdc (never tracked), with vss loaded
# and vda tracked by a snapshot, over the same without the module loaded.
# The order alternates (ABBA) so that a drift of the host's load does not
# favour either side.
bystander_leg() { # bystander_leg with|without: prints IOPS
	if [ "$1" = without ]; then
		unload_module || return 1
	else
		load_module && vb storage-add /dev/vda memory $((64 << 20)) 65536 &&
			vb create /dev/vda >/dev/null || return 1
	fi
	fio_write /dev/vdc --time_based --runtime="$bystander_secs" --norandommap
	if [ "$1" = with ]; then
		cleanup_vss
		vb storage-remove /dev/vda
	fi
}

bench_bystander() {
	local r ratios=()
	log "bystander tax"
	for ((r = 0; r < bystander_reps; r++)); do
		ab_pair "$r" bystander_leg without with ||
			{ note bystander.vss "setting up a leg failed"; break; }
		echo "  bystander rep $r: without the module $ab_a IOPS, with vda tracked $ab_b IOPS"
		ratios+=("$(div "$ab_b" "$ab_a")")
	done
	put bystander.vss "$(median "${ratios[@]}")"
	load_module
}

# ---------------------------------------------------------------------------
# The change tracker's cost (issue 16): the same legs with the tracker
# marking every write and with it off (the module's test-only debugfs knob
# cbt_skip_marks; the tracker then answers ESTALE lost, never short), in
# the order on off / off on. A leg: file storage (4 KiB chunks) added to
# vda; writes to vda with no snapshot (the hook and the marks alone); a
# snapshot; the same writes again (first writes: copy and marks); 4 KiB
# writes to vdc meanwhile tracked (the bystander). Ratios on / off.
tracker_leg() { # tracker_leg on|off: prints "tracked first bystander" IOPS
	local knob=/sys/kernel/debug/vss/cbt_skip_marks tracked first by
	[ -w $knob ] || return 1
	if [ "$1" = off ]; then echo 1 > $knob; else echo 0 > $knob; fi
	vb storage-add /dev/vda file $(((region_mib + 64) << 20)) 4096 "$STORE" || return 1
	tracked=$(fio_write /dev/vda)
	vb create /dev/vda >/dev/null || return 1
	first=$(fio_write /dev/vda)
	by=$(fio_write /dev/vdc --time_based --runtime="$bystander_secs" --norandommap)
	cleanup_vss
	vb storage-remove /dev/vda
	echo 0 > $knob
	echo "$tracked $first $by"
}

# The map's memory and a query's time at 1 TiB (vdf, sparse; 1 GiB in a
# smoke run), 64 KiB tracking blocks: memory storage added (the tracker
# idle: its map's bytes), snapshot S0, one 4 KiB write in every 128 MiB
# (each of the map's pages: 2048 blocks), snapshot S1; the map's bytes
# then, and `vssctl snapshot changes S1 --since S0` (one extent per write)
# timed against the same query over an empty interval (process start-up).
tracker_map() {
	local out s0 t0 s1 t1 idle full n t_full t_empty step=$((128 << 20)) cap
	cap=$(blockdev --getsize64 /dev/vdf)
	"$vssctl" storage add /dev/vdf --max 64M --track-block 64K >/dev/null || return 1
	idle=$("$vssctl" -j tracker show vdf | python3 -c 'import json,sys; print(json.load(sys.stdin)["map_bytes"])') || return 1
	out=$("$vssctl" snapshot create /dev/vdf | awk '$2 == "origin"') || return 1
	s0=$(echo "$out" | awk '{ print $5 }'); t0=$(echo "$out" | awk '{ print $7 }')
	# number_ios: fio's sequential writes with holes go on, wrapping
	# around, until they have written --size bytes (a TiB of 4 KiB writes).
	fio --name=map --filename=/dev/vdf --rw=write:$(((step >> 10) - 4))k --bs=4k \
		--number_ios=$((cap / step)) --direct=1 --ioengine=psync --size="$cap" --output-format=terse >/dev/null || return 1
	out=$("$vssctl" snapshot create /dev/vdf | awk '$2 == "origin"') || return 1
	s1=$(echo "$out" | awk '{ print $5 }'); t1=$(echo "$out" | awk '{ print $7 }')
	full=$("$vssctl" -j tracker show vdf | python3 -c 'import json,sys; print(json.load(sys.stdin)["map_bytes"])') || return 1
	t_full=$(now_ns)
	n=$("$vssctl" snapshot changes "$s1" --since "$t0" | wc -l)
	t_full=$(($(now_ns) - t_full))
	t_empty=$(now_ns)
	"$vssctl" snapshot changes "$s1" --since "$t1" >/dev/null || return 1
	t_empty=$(($(now_ns) - t_empty))
	echo "  tracker map: capacity $cap, idle $idle bytes, $n extents, $full bytes; query $(ms "$t_full") ms, empty query $(ms "$t_empty") ms"
	put tracker.map_capacity_bytes "$cap"
	put tracker.map_bytes_idle "$idle"
	put tracker.map_bytes_every_page "$full"
	put tracker.map_extents "$n"
	put tracker.query_ms "$(ms "$t_full")"
	put tracker.query_empty_ms "$(ms "$t_empty")"
	"$vssctl" snapshot delete --id "$s0" >/dev/null
	"$vssctl" snapshot delete --id "$s1" >/dev/null
	"$vssctl" storage remove /dev/vdf >/dev/null
}

# Tracked writes alone (no snapshot: the hook and the marks), marking on
# and off, in pairs of their own, order alternating: a storage added, the
# writes, the storage removed. Inside tracker_leg the same writes follow
# the previous leg's snapshot, copies and bystander (whose storage-file
# writeback and host I/O are still settling), and read 0.82 to 0.89 with
# a spread of ±30%, where these pairs read 0.95 to 1.05 (7 Dec 2026, both
# storage kinds, 8 pairs each): that figure is kept, as tracked_write_in_leg.
tracked_leg() { # tracked_leg on|off: prints IOPS
	local knob=/sys/kernel/debug/vss/cbt_skip_marks iops
	[ -w $knob ] || return 1
	if [ "$1" = off ]; then echo 1 > $knob; else echo 0 > $knob; fi
	vb storage-add /dev/vda file $(((region_mib + 64) << 20)) 4096 "$STORE" || return 1
	iops=$(fio_write /dev/vda)
	vb storage-remove /dev/vda
	echo 0 > $knob
	echo "$iops"
}

bench_tracker() {
	local r tw=() tl=() fw=() bw=()
	log "change tracker cost: tracked writes, marking on / off"
	for ((r = 0; r < 2 * reps; r++)); do
		ab_pair "$r" tracked_leg on off ||
			{ note tracker.tracked_write "setting up a leg failed (no debugfs knob cbt_skip_marks?)"; break; }
		echo "  tracked rep $r: on $ab_a, off $ab_b IOPS"
		tw+=("$(div "$ab_a" "$ab_b")")
	done
	put tracker.tracked_write "$(median "${tw[@]}")"
	log "change tracker cost: legs"
	for ((r = 0; r < reps; r++)); do
		ab_pair "$r" tracker_leg on off ||
			{ note tracker.first_write "setting up a leg failed (no debugfs knob cbt_skip_marks?)"; break; }
		# shellcheck disable=SC2086 # three numbers each
		set -- $ab_a $ab_b
		echo "  tracker rep $r: on: tracked $1, first write $2, bystander $3; off: tracked $4, first write $5, bystander $6 IOPS"
		tl+=("$(div "$1" "$4")")
		fw+=("$(div "$2" "$5")")
		bw+=("$(div "$3" "$6")")
	done
	put tracker.tracked_write_in_leg "$(median "${tl[@]}")"
	put tracker.first_write "$(median "${fw[@]}")"
	put tracker.bystander "$(median "${bw[@]}")"
	tracker_map || note tracker.map_bytes_every_page "the map part failed"
}

# ---------------------------------------------------------------------------
# First write and rewrite with vss at one chunk size (KiB), file storage on
# vdb's ext4. Prints "first rewrite" medians; records per-chunk keys.
# The rewrite is bracketed by a run without snapshot before and one after
# (A B A): its ratio is to their mean, which cancels a drift of the host.
vss_first_rewrite() {
	local kib=$1 n=$2 r base first re base2 fr=() rr=()
	for ((r = 0; r < n; r++)); do
		vb storage-add /dev/vda file $(((region_mib + 64) << 20)) $((kib * 1024)) "$STORE" ||
			return 1
		base=$(fio_write /dev/vda)
		vb create /dev/vda >/dev/null || return 1
		first=$(fio_write /dev/vda)
		sync	# the storage file's writeback is not the rewrite's cost
		re=$(fio_write /dev/vda)
		cleanup_vss
		vb storage-remove /dev/vda
		base2=$(fio_write /dev/vda)
		echo "  vss ${kib}k rep $r: without $base, first write $first, rewrite $re, without $base2 IOPS"
		fr+=("$(div "$first" "$base")")
		rr+=("$(div "$re" "$(((base + base2) / 2))")")
	done
	put "chunk_sweep.vss.${kib}k.first_write" "$(median "${fr[@]}")"
	put "chunk_sweep.vss.${kib}k.rewrite" "$(median "${rr[@]}")"
}

# dm-snapshot at one chunk size: snapshot-origin over vda, persistent COW on
# vdc (what lvcreate --snapshot sets up). Baseline: vda itself.
dm_setup() { # dm_setup CHUNK_KIB NR_SNAPSHOTS
	local kib=$1 n=$2 i sz cow slice
	sz=$(blockdev --getsz /dev/vda)
	cow=$(blockdev --getsz /dev/vdc)
	slice=$((cow / n))
	dms create bench-real --table "0 $sz linear $(devno /dev/vda) 0" || return 1
	for ((i = 0; i < n; i++)); do
		dms create "bench-cow$i" --table "0 $slice linear $(devno /dev/vdc) $((i * slice))" ||
			return 1
		# A zeroed header: the persistent exception store starts empty.
		dd if=/dev/zero of=/dev/vdc bs=512 seek=$((i * slice)) count=8 oflag=direct \
			status=none || return 1
		dms create "bench-snap$i" --table \
			"0 $sz snapshot $(dm_devno bench-real) $(dm_devno "bench-cow$i") P $((kib * 2))" ||
			return 1
	done
	dms create bench-origin --table "0 $sz snapshot-origin $(dm_devno bench-real)" || return 1
	dms mknodes
	[ -b /dev/mapper/bench-origin ]
}
# Tables name devices by number: there is no udev to make the nodes first.
devno() { printf '%d:%d\n' "0x$(stat -c %t "$1")" "0x$(stat -c %T "$1")"; }
dm_devno() { dmsetup info -c --noheadings -o major,minor "$1" | tr -d ' '; }
# No udev in the guest: libdevmapper makes the nodes itself.
dms() { dmsetup --noudevsync "$@"; }
dm_teardown() {
	local d
	dms remove bench-origin 2>/dev/null
	for d in $(dmsetup ls 2>/dev/null | awk '/^bench-snap/ { print $1 }'); do
		dms remove "$d"
	done
	for d in $(dmsetup ls 2>/dev/null | awk '/^bench-cow/ { print $1 }'); do
		dms remove "$d"
	done
	dms remove bench-real 2>/dev/null
	true
}

dm_first_rewrite() {
	local kib=$1 n=$2 r base first re base2 fr=() rr=()
	for ((r = 0; r < n; r++)); do
		base=$(fio_write /dev/vda)
		dm_setup "$kib" 1 || { dm_teardown; return 1; }
		first=$(fio_write /dev/mapper/bench-origin)
		sync
		re=$(fio_write /dev/mapper/bench-origin)
		dm_teardown
		base2=$(fio_write /dev/vda)
		echo "  dm-snapshot ${kib}k rep $r: without $base, first write $first, rewrite $re, without $base2 IOPS"
		fr+=("$(div "$first" "$base")")
		rr+=("$(div "$re" "$(((base + base2) / 2))")")
	done
	put "chunk_sweep.dm_snapshot.${kib}k.first_write" "$(median "${fr[@]}")"
	put "chunk_sweep.dm_snapshot.${kib}k.rewrite" "$(median "${rr[@]}")"
}

# Diagnosis: the same first write at 4 KiB chunks with the diff storage in
# kernel memory: what the file storage's VFS write costs.
bench_memory_store() {
	local r base first fr=()
	log "first write, vss, 4 KiB chunks, memory storage (diagnosis)"
	for ((r = 0; r < reps; r++)); do
		vb storage-add /dev/vda memory $(((region_mib + 16) << 20)) 4096 || return
		base=$(fio_write /dev/vda)
		vb create /dev/vda >/dev/null || return
		first=$(fio_write /dev/vda)
		cleanup_vss
		vb storage-remove /dev/vda
		echo "  vss 4k memory storage rep $r: without $base, first write $first IOPS"
		fr+=("$(div "$first" "$base")")
	done
	put first_write.diag_vss_memory_store "$(median "${fr[@]}")"
}

bench_chunk_sweep() {
	local kib n
	for kib in $sweep; do
		log "first write / rewrite, vss, ${kib} KiB chunks"
		# The headline size gets every repetition, the others fewer.
		[ "$kib" = 4 ] && n=$reps || n=$sweep_reps
		vss_first_rewrite "$kib" "$n" || { cleanup_vss; vb storage-remove /dev/vda; note "chunk_sweep.vss.${kib}k" "run failed"; }
	done
	for kib in $dm_sweep; do
		log "first write / rewrite, dm-snapshot, ${kib} KiB chunks"
		[ "$kib" = 4 ] && n=$reps || n=$sweep_reps
		dm_first_rewrite "$kib" "$n" || note "chunk_sweep.dm_snapshot.${kib}k" "run failed"
	done
}

# ---------------------------------------------------------------------------
# First writes to a file of an ext4 origin (issue 20's side-by-side
# workload, beside the raw-device figures above): vda made ext4 afresh,
# a file of the region written in full and synced (so that fio's writes
# overwrite allocated blocks in place: no allocation, no journal), then
# the same fio writes to the file without and with a snapshot. vss: file
# storage on vdb as in the sweep, the snapshot of the mounted volume (vss
# freezes it); dm-snapshot: the same file through bench-origin, its
# snapshot made with the filesystem unmounted. One key per system and
# chunk size: ext4_file.<who>.<kib>k.first_write.
ext4_file_make() { # ext4_file_make DEV: mkfs DEV, mount it on $W/fsorigin, fill the file
	mkdir -p "$W/fsorigin" &&
		mkfs.ext4 -q -F -E lazy_itable_init=0,lazy_journal_init=0 "$1" &&
		mount "$1" "$W/fsorigin" &&
		dd if=/dev/zero of="$W/fsorigin/f" bs=1M count="$region_mib" oflag=direct \
			status=none && sync
}
ext4_file_vss_once() { # ext4_file_vss_once KIB: sets base and first (IOPS)
	ext4_file_make /dev/vda || return 1
	vb storage-add /dev/vda file $(((region_mib + 64) << 20)) $(($1 * 1024)) "$STORE" ||
		return 1
	base=$(fio_write "$W/fsorigin/f")
	vb create /dev/vda >/dev/null || return 1
	first=$(fio_write "$W/fsorigin/f")
	cleanup_vss
	vb storage-remove /dev/vda
	umount "$W/fsorigin"
}
ext4_file_vss_undo() { # after a failed ext4_file_vss_once
	cleanup_vss
	vb storage-remove /dev/vda
	umount "$W/fsorigin"
}
ext4_file_vss() { # ext4_file_vss KIB N
	local kib=$1 n=$2 r base first fr=()
	for ((r = 0; r < n; r++)); do
		ext4_file_vss_once "$kib" || return 1
		echo "  vss ${kib}k, a file on ext4, rep $r: without $base, first write $first IOPS"
		fr+=("$(div "$first" "$base")")
	done
	put "ext4_file.vss.${kib}k.first_write" "$(median "${fr[@]}")"
}
ext4_file_dm() { # ext4_file_dm KIB N
	local kib=$1 n=$2 r base first fr=()
	for ((r = 0; r < n; r++)); do
		ext4_file_make /dev/vda || return 1
		base=$(fio_write "$W/fsorigin/f")
		umount "$W/fsorigin" || return 1
		dm_setup "$kib" 1 || { dm_teardown; return 1; }
		mount /dev/mapper/bench-origin "$W/fsorigin" || { dm_teardown; return 1; }
		first=$(fio_write "$W/fsorigin/f")
		umount "$W/fsorigin"
		dm_teardown
		echo "  dm-snapshot ${kib}k, a file on ext4, rep $r: without $base, first write $first IOPS"
		fr+=("$(div "$first" "$base")")
	done
	put "ext4_file.dm_snapshot.${kib}k.first_write" "$(median "${fr[@]}")"
}
# Two modules in one boot, on issue 20's workload: each repetition runs
# the module under test ($ko) and BENCH_KO_B back to back, in alternating
# order, so that each pair shares the host's load (which drifts by tens of
# percent between boots). Prints both first-write ratios and keeps the
# median of their quotient, a / b.
bench_ext4_ab() {
	local kib r m base first ra rb q=() fa=() fb=()
	[ -f "$ko_b" ] || { note ext4_ab "BENCH_KO_B: no module '$ko_b'"; return 0; }
	for kib in $dm_sweep; do
		log "first write to a file of an ext4 origin, ${kib} KiB chunks, $ko (a) against $ko_b (b)"
		q=() fa=() fb=()
		for ((r = 0; r < reps; r++)); do
			for m in $( ((r % 2)) && echo "b a" || echo "a b"); do
				unload_module || return 1
				if [ "$m" = a ]; then insmod "$ko"; else insmod "$ko_b"; fi || return 1
				ext4_file_vss_once "$kib" || { ext4_file_vss_undo; return 1; }
				echo "  vss ${kib}k, a file on ext4, module $m, rep $r: without $base, first write $first IOPS"
				if [ "$m" = a ]; then ra=$(div "$first" "$base"); else rb=$(div "$first" "$base"); fi
			done
			fa+=("$ra") fb+=("$rb") q+=("$(div "$ra" "$rb")")
		done
		put "ext4_ab.${kib}k.a.first_write" "$(median "${fa[@]}")"
		put "ext4_ab.${kib}k.b.first_write" "$(median "${fb[@]}")"
		put "ext4_ab.${kib}k.a_over_b" "$(median "${q[@]}")"
	done
	unload_module && load_module
}

bench_ext4_file() {
	local kib
	for kib in $dm_sweep; do
		log "first write to a file of an ext4 origin, vss, ${kib} KiB chunks"
		ext4_file_vss "$kib" "$reps" || {
			ext4_file_vss_undo
			note "ext4_file.vss.${kib}k.first_write" "run failed"
		}
		log "first write to a file of an ext4 origin, dm-snapshot, ${kib} KiB chunks"
		ext4_file_dm "$kib" "$reps" || {
			umount "$W/fsorigin"; dm_teardown
			note "ext4_file.dm_snapshot.${kib}k.first_write" "run failed"
		}
	done
}

# 8 snapshots of vda, 4 KiB chunks: first writes with 8 snapshots over first
# writes with one, both in the same repetition (so the pair shares the host's
# load), and over writes without snapshot.
vss_first_with() { # vss_first_with NR_SNAPSHOTS: prints first-write IOPS
	local i
	vb storage-add /dev/vda file $(((region_mib + 64) << 20)) 4096 "$STORE" || return 1
	for ((i = 0; i < $1; i++)); do vb create /dev/vda >/dev/null || return 1; done
	fio_write /dev/vda
	cleanup_vss
	vb storage-remove /dev/vda
}

bench_many() {
	local r base one eight v=() w=() first
	log "first write with 8 snapshots / with 1, vss"
	for ((r = 0; r < reps; r++)); do
		base=$(fio_write /dev/vda)
		if ! { one=$(vss_first_with 1) && eight=$(vss_first_with 8); }; then
			note many_snapshots.vss "run failed"
			break
		fi
		echo "  vss rep $r: without $base, 1 snapshot $one, 8 snapshots $eight IOPS"
		v+=("$(div "$eight" "$one")")
		w+=("$(div "$eight" "$base")")
	done
	put many_snapshots.vss "$(median "${v[@]}")"
	put many_snapshots.vss_ratio "$(median "${w[@]}")"

	# dm-snapshot copies a chunk once per snapshot: runs capped in time
	# (still first writes only), one repetition.
	log "first write with 8 snapshots / with 1, dm-snapshot (one repetition)"
	base=$(fio_write /dev/vda)
	one=null eight=null
	if dm_setup 4 1; then
		one=$(fio_write /dev/mapper/bench-origin --runtime="$dm_many_secs")
	fi
	dm_teardown
	if dm_setup 4 8; then
		eight=$(fio_write /dev/mapper/bench-origin --runtime="$dm_many_secs")
	fi
	dm_teardown
	[ "$eight" != null ] || note many_snapshots.dm_snapshot "dm setup failed"
	echo "  dm-snapshot: without $base, 1 snapshot $one, 8 snapshots $eight IOPS"
	put many_snapshots.dm_snapshot "$(div "$eight" "$one")"
	put many_snapshots.dm_snapshot_ratio "$(div "$eight" "$base")"
}

# ---------------------------------------------------------------------------
# Sequential read of a snapshot with every other 64 KiB chunk in the diff
# storage (file, caches dropped), over the same read of the origin.
bench_snapshot_read() {
	local r dev bs bo v=()
	log "snapshot read, half the chunks in diff storage"
	for ((r = 0; r < read_reps; r++)); do
		vb storage-add /dev/vda file $(((region_mib + 64) << 20)) 65536 "$STORE" || break
		dev=$(vb create /dev/vda | awk '$1 == "device" { print $2 }')
		# 4 KiB at the start of every other 64 KiB chunk.
		fio --name=half --filename=/dev/vda --rw=write:124k --bs=4k --direct=1 \
			--number_ios=$((region_mib << 3)) \
			--size="${region_mib}M" --offset=0 --output-format=terse >/dev/null
		# Alternated against drift: the first read of a repetition
		# may find the host's cache of the images colder.
		if ((r % 2 == 0)); then
			drop_caches
			bs=$(fio_read "$dev")
			drop_caches
			bo=$(fio_read /dev/vda)
		else
			drop_caches
			bo=$(fio_read /dev/vda)
			drop_caches
			bs=$(fio_read "$dev")
		fi
		cleanup_vss
		vb storage-remove /dev/vda
		echo "  snapshot read rep $r: snapshot $bs KiB/s, origin $bo KiB/s"
		v+=("$(div "$bs" "$bo")")
	done
	put snapshot_read.vss "$(median "${v[@]}")"
}

# Diagnosis (not in the default parts: BENCH_ONLY=readprof): one snapshot
# read of the same layout under the function_graph tracer, limited to the
# read work items (vss_read_work_fn) and what they call, depth 4. The
# trace goes to $out/read-trace.txt; bench/read_profile.py sums it.
bench_read_profile() {
	local t=/sys/kernel/tracing dev
	log "snapshot read under function_graph (diagnosis)"
	[ -d $t/options ] || mount -t tracefs nodev $t 2>/dev/null
	[ -w $t/set_graph_function ] || { note snapshot_read.profile "no tracefs"; return; }
	vb storage-add /dev/vda file $(((region_mib + 64) << 20)) 65536 "$STORE" || return
	dev=$(vb create /dev/vda | awk '$1 == "device" { print $2 }')
	fio --name=half --filename=/dev/vda --rw=write:124k --bs=4k --direct=1 \
		--number_ios=$((region_mib << 3)) \
		--size="${region_mib}M" --offset=0 --output-format=terse >/dev/null
	drop_caches
	echo 0 > $t/tracing_on
	echo nop > $t/current_tracer
	: > $t/set_ftrace_filter
	echo vss_read_work_fn > $t/set_graph_function
	echo 4 > $t/max_graph_depth
	echo 40000 > $t/buffer_size_kb
	echo function_graph > $t/current_tracer
	echo 1 > $t/options/funcgraph-proc 2>/dev/null
	echo 1 > $t/options/funcgraph-abstime 2>/dev/null
	echo 1 > $t/options/funcgraph-tail 2>/dev/null
	: > $t/trace
	echo 1 > $t/tracing_on
	echo "  traced snapshot read: $(fio_read "$dev") KiB/s"
	echo 0 > $t/tracing_on
	cp $t/trace "$out/read-trace.txt"
	echo nop > $t/current_tracer
	: > $t/set_graph_function
	echo 0 > $t/max_graph_depth
	cleanup_vss
	vb storage-remove /dev/vda
	python3 "$top/bench/read_profile.py" "$out/read-trace.txt" >> "$res"
	grep '^snapshot_read.profile' "$res" | sed 's/^/  /'
}

# ---------------------------------------------------------------------------
# Kernel memory: memory storage, 4 KiB chunks; slab deltas.
slab_bytes() { # slab_bytes [CACHE]: bytes of all slab objects (or one cache)
	awk -v c="${1:-}" 'NR > 2 && (c == "" || $1 == c) { s += $3 * $4 } END { print s + 0 }' /proc/slabinfo
}
percpu_bytes() { awk '/^Percpu:/ { print $2 * 1024 }' /proc/meminfo; }

bench_memory() {
	local chunks s0 x0 s1 x1 p0 p1 i
	log "kernel memory per copied chunk and per idle snapshot"
	chunks=$((region_mib * 256))
	vb storage-add /dev/vda memory $(((region_mib + 16) << 20)) 4096 || return
	vb create /dev/vda >/dev/null || return
	sync; echo 2 > /proc/sys/vm/drop_caches
	s0=$(slab_bytes); x0=$(slab_bytes radix_tree_node)
	dd if=/dev/zero of=/dev/vda bs=1M count="$region_mib" oflag=direct status=none
	s1=$(slab_bytes); x1=$(slab_bytes radix_tree_node)
	echo "  $chunks chunks copied: slab $s0 -> $s1, xarray nodes $x0 -> $x1 bytes"
	put memory.bytes_per_chunk "$(awk -v a="$x1" -v b="$x0" -v n="$chunks" 'BEGIN { printf "%.2f\n", (a - b) / n }')"
	put memory.bytes_per_chunk_all_slab "$(awk -v a="$s1" -v b="$s0" -v n="$chunks" 'BEGIN { printf "%.2f\n", (a - b) / n }')"
	cleanup_vss
	vb storage-remove /dev/vda

	# Idle snapshots: 16 of an origin with nothing written.
	vb storage-add /dev/vda memory $((16 << 20)) 65536 || return
	vb create /dev/vda >/dev/null	# the origin's first snapshot starts tracking
	sync; echo 2 > /proc/sys/vm/drop_caches
	s0=$(slab_bytes); p0=$(percpu_bytes)
	for ((i = 0; i < 16; i++)); do vb create /dev/vda >/dev/null; done
	s1=$(slab_bytes); p1=$(percpu_bytes)
	echo "  16 idle snapshots: slab $s0 -> $s1, percpu $p0 -> $p1 bytes"
	put memory.bytes_per_idle_snapshot "$(awk -v a="$((s1 + p1))" -v b="$((s0 + p0))" 'BEGIN { printf "%d\n", (a - b) / 16 }')"
	cleanup_vss
	vb storage-remove /dev/vda
}

# ---------------------------------------------------------------------------
# Freeze windows: 4 ext4 volumes with dirty_mib dirty each.
dirty_volumes() {
	local i
	for i in 1 2 3 4; do
		dd if=/dev/zero of="$W/v$i/dirty" bs=1M count="$dirty_mib" conv=notrunc status=none &
	done
	wait
}

freeze_series() { # freeze_series KEY REPS
	local key=$1 n=$2 r w v=()
	for ((r = 0; r < n; r++)); do
		dirty_volumes
		w=$(vb create "$W/v1" "$W/v2" "$W/v3" "$W/v4" | awk '$1 == "window_ns" { print $2 }')
		cleanup_vss
		[ -n "$w" ] && v+=("$w")
	done
	echo "  $key windows (ms): $(for w in "${v[@]}"; do ms "$w"; done | tr '\n' ' ')"
	put "$key" "$(ms "$(median "${v[@]}")")"
}

# One more window under the function_graph tracer: where the time goes.
freeze_breakdown() {
	local t=/sys/kernel/tracing f
	[ -d $t/options ] || mount -t tracefs nodev $t 2>/dev/null
	[ -w $t/set_ftrace_filter ] || { note freeze_window.breakdown "no tracefs"; return; }
	echo 0 > $t/tracing_on
	echo nop > $t/current_tracer
	: > $t/set_ftrace_filter
	for f in freeze_super thaw_super sync_filesystem ext4_freeze ext4_unfreeze \
		percpu_down_write rcu_sync_enter synchronize_rcu jbd2_journal_lock_updates \
		jbd2_journal_flush vss_snapshot_link vss_tracker_hold \
		sync_blockdev; do
		echo "$f" >> $t/set_ftrace_filter 2>/dev/null
	done
	echo 20000 > $t/buffer_size_kb
	echo function_graph > $t/current_tracer
	echo 1 > $t/options/funcgraph-proc 2>/dev/null
	echo 1 > $t/options/funcgraph-abstime 2>/dev/null
	echo 1 > $t/options/funcgraph-tail 2>/dev/null
	dirty_volumes
	: > $t/trace
	echo 1 > $t/tracing_on
	vb create "$W/v1" "$W/v2" "$W/v3" "$W/v4" > "$W/bd.out"
	echo 0 > $t/tracing_on
	cp $t/trace "$out/freeze-trace.txt"
	echo nop > $t/current_tracer
	: > $t/set_ftrace_filter
	cleanup_vss
	python3 "$top/bench/ftrace_breakdown.py" "$out/freeze-trace.txt" \
		"$(awk '$1 == "window_ns" { print $2 }' "$W/bd.out")" >> "$res"
	grep '^freeze_window.breakdown' "$res" | sed 's/^/  /'
}

bench_freeze() {
	local i
	log "freeze window, 4 ext4 volumes, ${dirty_mib} MiB dirty each, $freeze_reps times"
	for i in 1 2 3 4; do
		vb storage-add /dev/vdd$i memory $((256 << 20)) 65536 || { note freeze_window "storage add failed"; return; }
	done
	# Keep the data dirty until the set's own flush.
	echo 90 > /proc/sys/vm/dirty_ratio
	echo 80 > /proc/sys/vm/dirty_background_ratio
	echo 360000 > /proc/sys/vm/dirty_expire_centisecs
	freeze_series freeze_window.vss_ms "$freeze_reps"
	local knob=/sys/module/vss/parameters/test_skip_preflush
	if [ -w $knob ]; then
		echo 1 > $knob
		freeze_series freeze_window.vss_no_preflush_ms "$(((freeze_reps + 1) / 2))"
		echo 0 > $knob
	else
		put freeze_window.vss_no_preflush_ms null
		note freeze_window.vss_no_preflush_ms "the module has no knob to skip the pre-flush (test_skip_preflush): see BENCHMARKS.md"
	fi
	# Diagnosis: the same with every RCU grace period expedited (a global
	# sysfs switch), to show the share of the window spent waiting for
	# normal grace periods in freeze_super().
	if [ -w /sys/kernel/rcu_expedited ]; then
		echo 1 > /sys/kernel/rcu_expedited
		freeze_series freeze_window.diag_rcu_expedited_ms "$(((freeze_reps + 3) / 4))"
		echo 0 > /sys/kernel/rcu_expedited
	fi
	freeze_breakdown
	echo 20 > /proc/sys/vm/dirty_ratio
	echo 10 > /proc/sys/vm/dirty_background_ratio
	echo 3000 > /proc/sys/vm/dirty_expire_centisecs
	sync
}

# ---------------------------------------------------------------------------
# Whole-command creation times: one volume, and a 4-volume set against
# lvcreate --snapshot of 4 LVs. Process start-up is part of each.
bench_create() {
	local r t0 t1 one=() four=() lvm=() i
	log "snapshot creation, whole commands"
	# The freeze part adds these; alone (BENCH_ONLY=create) this does.
	for i in 1 2 3 4; do
		vb storage-add /dev/vdd$i memory $((256 << 20)) 65536 2>/dev/null
	done
	sync
	for ((r = 0; r < create_reps; r++)); do
		t0=$(now_ns); "$vssctl" snapshot create "$W/v1" >/dev/null; t1=$(now_ns)
		one+=($((t1 - t0)))
		cleanup_vss
		sync
		t0=$(now_ns); "$vssctl" snapshot create "$W/v1" "$W/v2" "$W/v3" "$W/v4" >/dev/null; t1=$(now_ns)
		four+=($((t1 - t0)))
		cleanup_vss
	done
	put snapshot_create.vss_one_volume_ms "$(ms "$(median "${one[@]}")")"
	put creation_latency.vss_ms "$(ms "$(median "${four[@]}")")"
	for i in 1 2 3 4; do vb storage-remove /dev/vdd$i; done

	# LVM: 4 LVs with ext4, mounted, on vde.
	local L=(--config "$LVMCONF")
	if ! { pvcreate -q -ff -y "${L[@]}" /dev/vde >/dev/null &&
		vgcreate -q "${L[@]}" benchvg /dev/vde >/dev/null; }; then
		note creation_latency.lvm_ms "pvcreate/vgcreate failed"
		put creation_latency.lvm_ms null
		put creation_latency.ratio null
		return
	fi
	for i in 1 2 3 4; do
		lvcreate -q -y -W y "${L[@]}" -L "${lv_mib}M" -n "lv$i" benchvg >/dev/null &&
			mkfs.ext4 -q -F -E lazy_itable_init=0,lazy_journal_init=0 "/dev/benchvg/lv$i" && mkdir -p "$W/lv$i" &&
			mount "/dev/benchvg/lv$i" "$W/lv$i"
	done
	sync
	for ((r = 0; r < create_reps; r++)); do
		t0=$(now_ns)
		for i in 1 2 3 4; do
			lvcreate -q "${L[@]}" -s -L "${lv_snap_mib}M" -n "s$i" "benchvg/lv$i" >/dev/null || break
		done
		t1=$(now_ns)
		lvm+=($((t1 - t0)))
		for i in 1 2 3 4; do lvremove -q -f "${L[@]}" "benchvg/s$i" >/dev/null 2>&1; done
		sync
	done
	for i in 1 2 3 4; do umount "$W/lv$i"; done
	vgchange -q -an "${L[@]}" benchvg >/dev/null 2>&1
	put creation_latency.lvm_ms "$(ms "$(median "${lvm[@]}")")"
	put creation_latency.ratio "$(div "$(median "${four[@]}")" "$(median "${lvm[@]}")")"
}

# ---------------------------------------------------------------------------
# Protocol cost: one backup session (Identify, PrepareForBackup,
# DoSnapshotSet of /dev/vda with memory storage, BackupComplete) with 0, 16,
# 32 and 64 registered writers that answer every event at once (bench/
# vssproto.c: each writer one netlink socket, spread over proto_procs
# processes). DoSnapshotSet sends each writer 4 events (PrepareForSnapshot,
# Freeze, Thaw, PostSnapshot), the sequence to BackupComplete 7 answered ones.
# Per writer and event: (T(N) - T(0)) / (N * 4); the slope is a least-squares
# fit of T over N, and each step's marginal cost shows whether it stays linear.
bench_proto() {
	local o=$W/proto.out
	log "protocol cost: backups with $proto_sizes writers, $proto_reps times each"
	put meta.proto_reps "$proto_reps"
	put meta.proto_procs "$proto_procs"
	if ! vb storage-add /dev/vda memory $((16 << 20)) 65536; then
		put protocol_cost null
		note protocol_cost "storage add on /dev/vda failed"
		return
	fi
	# shellcheck disable=SC2086 # the sizes are separate arguments
	if ! "$vssproto" -p "$proto_procs" /dev/vda "$proto_reps" $proto_sizes > "$o"; then
		sed 's/^/  /' "$o"
		put protocol_cost null
		note protocol_cost "vssproto failed: see the guest log"
		vb storage-remove /dev/vda
		return
	fi
	vb storage-remove /dev/vda
	awk '$1 == "rep" { printf "  rep %s, %s writers: DoSnapshotSet %.1f ms, backup %.1f ms, %s events\n", $2, $4, $6 / 1000, $8 / 1000, $10 }' "$o"
	awk -v res="$res" '
	$1 == "n" { n[++k] = $2; d[k] = $4; s[k] = $6
		printf "protocol_cost.do_snapshot_set_ms.%d %s\n", $2, $4 >> res
		printf "protocol_cost.backup_sequence_ms.%d %s\n", $2, $6 >> res }
	END {
		# per writer and event against no writers, at the largest N
		printf "protocol_cost.per_writer_event_us %.2f\n", (d[k] - d[1]) * 1000 / (n[k] * 4) >> res
		printf "protocol_cost.backup_per_writer_event_us %.2f\n", (s[k] - s[1]) * 1000 / (n[k] * 7) >> res
		# each step: the marginal cost per writer and event
		for (i = 2; i <= k; i++)
			printf "protocol_cost.step_per_writer_event_us.%d %.2f\n", n[i],
				(d[i] - d[i - 1]) * 1000 / ((n[i] - n[i - 1]) * 4) >> res
		# least-squares slope of T over N, and how well a line fits (R^2)
		for (i = 1; i <= k; i++) { sx += n[i]; sy += d[i] }
		mx = sx / k; my = sy / k
		for (i = 1; i <= k; i++) {
			sxy += (n[i] - mx) * (d[i] - my); sxx += (n[i] - mx) ^ 2; syy += (d[i] - my) ^ 2
		}
		b = sxx ? sxy / sxx : 0
		printf "protocol_cost.slope_us_per_writer_event %.2f\n", b * 1000 / 4 >> res
		printf "protocol_cost.fit_r2 %.4f\n", ((sxx && syy) ? sxy * sxy / (sxx * syy) : 0) >> res
	}' "$o"
	grep '^protocol_cost' "$res" | sed 's/^/  /'
}
# Diagnosis (not in the default parts: BENCH_ONLY=writeprof): first writes
# of the first-write part's layout (file storage on vdb's ext4, a snapshot
# of vda), at QD1 (4 KiB, O_DIRECT, psync, each to a chunk not yet
# copied), under the function tracer limited to the module's functions
# and submit_bio_noacct, with the block layer's request issue/complete
# and the workqueue's queue/start events; then as many writes without
# snapshot (the storage still added, as the first-write part's baseline),
# same tracing. BENCH_WPROF_ROUNDS rounds of the two (a fresh snapshot
# each: A B A B, so that the host's drift hits both), BENCH_WPROF_WRITES
# writes each, for each chunk size of BENCH_WPROF_CHUNKS (KiB). Traces in
# $out/write-trace-<kib>k.txt; bench/write_profile.py splits them per
# write. BENCH_WPROF_STORAGE=memory: the memory storage instead (keys
# first_write.profile.memory.*, traces write-trace-memory-<kib>k.txt).
wprof_writes=${BENCH_WPROF_WRITES:-100}
wprof_rounds=${BENCH_WPROF_ROUNDS:-3}
wprof_chunks=${BENCH_WPROF_CHUNKS:-"4 64"}
wprof_storage=${BENCH_WPROF_STORAGE:-file}
wprof_fio() { # wprof_fio SKIP_KIB: prints IOPS
	local rw=write
	[ "$1" = 0 ] || rw=write:${1}k
	fio --name=wprof --filename=/dev/vda --rw="$rw" --bs=4k --direct=1 \
		--ioengine=psync --number_ios="$wprof_writes" \
		--size=$((wprof_writes * ($1 + 4)))k --offset=0 \
		--output-format=terse --terse-version=3 | awk -F';' '{ printf "%d\n", $49 }'
}
# wprof_traced SECTION TRACE SKIP_KIB: the writes, traced, appended to TRACE
# as a section; prints IOPS.
wprof_traced() {
	local t=/sys/kernel/tracing iops
	: > $t/trace
	echo 1 > $t/tracing_on
	iops=$(wprof_fio "$3")
	echo 0 > $t/tracing_on
	echo "##### wprof $1" >> "$2"
	cat $t/trace >> "$2"
	echo "$iops"
}
bench_write_profile() {
	local t=/sys/kernel/tracing kib dev first base tr e key r where=() v=()
	log "first write under ftrace, QD1, $wprof_storage storage (diagnosis)"
	[ -d $t/options ] || mount -t tracefs nodev $t 2>/dev/null
	[ -w $t/set_ftrace_filter ] || { note first_write.profile "no tracefs"; return; }
	dev=$(devno /dev/vda)
	echo 0 > $t/tracing_on
	echo nop > $t/current_tracer
	echo mono > $t/trace_clock 2>/dev/null || echo global > $t/trace_clock
	echo 20000 > $t/buffer_size_kb
	echo '*:mod:vss' > $t/set_ftrace_filter
	echo submit_bio_noacct >> $t/set_ftrace_filter
	: > $t/set_event
	for e in block:block_rq_issue block:block_rq_complete \
		workqueue:workqueue_queue_work workqueue:workqueue_execute_start; do
		echo "$e" >> $t/set_event
	done
	echo function > $t/current_tracer
	[ "$wprof_storage" = memory ] || where=("$STORE")
	for kib in $wprof_chunks; do
		key=first_write.profile.${kib}k tr=$out/write-trace-${kib}k.txt
		if [ "$wprof_storage" = memory ]; then
			key=first_write.profile.memory.${kib}k tr=$out/write-trace-memory-${kib}k.txt
		fi
		: > "$tr"
		v=()
		for ((r = 0; r < wprof_rounds; r++)); do
			vb storage-add /dev/vda "$wprof_storage" $(((region_mib + 64) << 20)) \
				$((kib * 1024)) "${where[@]}" || break
			vb create /dev/vda >/dev/null || { vb storage-remove /dev/vda; break; }
			first=$(wprof_traced first "$tr" $((kib - 4)))
			cleanup_vss
			sync
			base=$(wprof_traced untracked "$tr" $((kib - 4)))
			vb storage-remove /dev/vda
			echo "  traced QD1 ${kib}k $wprof_storage round $r: first write $first, without snapshot $base IOPS"
			v+=("$(div "$first" "$base")")
		done
		put "$key.traced_ratio" "$(median "${v[@]}")"
		python3 "$top/bench/write_profile.py" --dev "$dev" --prefix "$key" "$tr" >> "$res"
	done
	echo nop > $t/current_tracer
	: > $t/set_event
	: > $t/set_ftrace_filter
	echo local > $t/trace_clock
	grep '^first_write.profile' "$res" | sed 's/^/  /'
}

# ---------------------------------------------------------------------------
for b in "$vssbench" "$vssproto"; do
	[ -x "$b" ] || die "$b not built (make -C bench)"
done
[ -f "$ko" ] || die "no module $ko"
setup
log "kernel $kver, region ${region_mib} MiB, ${reps} repetitions, iodepth $iodepth"
only=${BENCH_ONLY:-"bystander sweep ext4file many read memory freeze create proto tracker"}
case " $only " in *" bystander "*) bench_bystander ;; esac
load_module || die "insmod $ko failed"
for b in $only; do
	case $b in
	sweep) bench_chunk_sweep; bench_memory_store ;;
	ext4file) bench_ext4_file ;;
	ext4ab) bench_ext4_ab || { note ext4_ab "run failed"; unload_module; load_module; } ;;
	many) bench_many ;;
	read) bench_snapshot_read ;;
	readprof) bench_read_profile ;;
	writeprof) bench_write_profile ;;
	memory) bench_memory ;;
	freeze) bench_freeze ;;
	create) bench_create ;;
	proto) bench_proto ;;
	tracker) bench_tracker ;;
	esac
done
cleanup_vss
for d in vda vdd1 vdd2 vdd3 vdd4; do vb storage-remove /dev/$d >/dev/null 2>&1; done
for i in 1 2 3 4; do umount "$W/v$i"; done
umount "$STORE"
unload_module
log "done"
