#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# `make bench`: boots each kernel in turn with five virtio disks, runs
# bench/guest.sh in it, writes bench/results/<kernel>.json and prints the
# table. See BENCHMARKS.md for the method.
#
#   bench/run.sh [--smoke] [--append] [--out DIR] [KVER...]
#
# KVER: kernels to run (default: every installed kernel with headers).
# --smoke: tiny sizes, one repetition, a few minutes per kernel; checks
# that every key of the JSON is there (make check runs this). --out: where
# the JSON goes (default bench/results; build/bench/smoke with --smoke),
# and with it the logs and the kept results (default build/bench).
# --append: the figures of this run replace the same figures of the
# kernel's last run (build/bench/<kernel>.results.txt), the others stay
# (for a part run again with BENCH_ONLY).
# Environment: BENCH_* variables are passed on to bench/guest.sh
# (BENCH_REGION_MIB, BENCH_REPS, BENCH_ONLY, BENCH_KO, ...); BENCH_DISK_DIR
# puts the disk images elsewhere (two runs at once need two sets).
set -euo pipefail

top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top"

smoke=0
append=0
outdir=
kvers=()
while [ $# -gt 0 ]; do
	case $1 in
	--smoke) smoke=1; shift ;;
	--append) append=1; shift ;;
	--out) outdir=$2; shift 2 ;;
	-h | --help) sed -n '3,20p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
	-*) echo "bench/run.sh: unknown option $1" >&2; exit 2 ;;
	*) kvers+=("$1"); shift ;;
	esac
done
if [ ${#kvers[@]} -eq 0 ]; then
	# Debian's kernels; the debug kernel (*-vss-debug) measures nothing useful.
	mapfile -t kvers < <(cd /lib/modules && for k in *; do
		[ -d "$k/build" ] && [[ $k != *-vss-debug ]] && echo "$k"; done | sort -V)
fi

# Disk sizes (MiB): origin, storage fs, dm COW, four ext4 partitions, LVM
# (and a sparse sixth, below).
if [ $smoke = 1 ]; then
	disks=(a:32 b:64 c:160 d:160 e:256)
	imgdir=$top/build/bench/smoke-disks
	outdir=${outdir:-$top/build/bench/smoke}
	timeout=900
	export BENCH_REGION_MIB=${BENCH_REGION_MIB:-4} BENCH_REPS=${BENCH_REPS:-1}
	export BENCH_FREEZE_REPS=${BENCH_FREEZE_REPS:-2} BENCH_DIRTY_MIB=${BENCH_DIRTY_MIB:-4}
	export BENCH_CREATE_REPS=${BENCH_CREATE_REPS:-1} BENCH_BYSTANDER_SECS=${BENCH_BYSTANDER_SECS:-1}
	export BENCH_LV_MIB=${BENCH_LV_MIB:-24} BENCH_LV_SNAP_MIB=${BENCH_LV_SNAP_MIB:-8}
	export BENCH_DM_MANY_SECS=${BENCH_DM_MANY_SECS:-5} BENCH_BYSTANDER_REPS=${BENCH_BYSTANDER_REPS:-1}
	export BENCH_SWEEP_REPS=${BENCH_SWEEP_REPS:-1} BENCH_PROTO_REPS=${BENCH_PROTO_REPS:-1}
	export BENCH_READ_REPS=${BENCH_READ_REPS:-1}
	work=$top/build/bench/smoke	# logs: a smoke run leaves the real run's alone
else
	disks=(a:256 b:512 c:1024 d:768 e:768)
	imgdir=${BENCH_DISK_DIR:-$top/build/bench/disks}
	timeout=2400
	work=$top/build/bench
	# A run elsewhere keeps its logs and kept results there too: it must
	# not become the "last run" that --append merges into.
	[ -z "$outdir" ] || work=$outdir
	outdir=${outdir:-$top/bench/results}
fi

# Written through, not sparse nor merely fallocated: the host's allocation
# of a block on its first write would show up as the guest's first write.
mkdir -p "$imgdir" "$outdir" "$work"
disk_args=()
for spec in "${disks[@]}"; do
	img=$imgdir/${spec%%:*}.img
	mib=${spec#*:}
	if [ ! -f "$img" ] || [ "$(stat -c %s "$img")" -ne $((mib << 20)) ] ||
		[ "$(stat -c %b "$img")" -lt $((mib << 11)) ]; then
		echo "# writing $img ($mib MiB)"
		dd if=/dev/zero of="$img.tmp" bs=1M count="$mib" status=none conv=fsync
		mv "$img.tmp" "$img"
	fi
	disk_args+=(--disk "$img")
done
# vdf: sparse, for the change tracker's map at a large capacity (1 TiB;
# 1 GiB for --smoke): only a few MiB of it are ever written.
sparse=$imgdir/f-sparse.img
rm -f "$sparse"
truncate -s "$([ $smoke = 1 ] && echo 1G || echo 1T)" "$sparse"
disk_args+=(--disk "$sparse")

# The tree's own module, always rebuilt if its sources changed.
make -s kmod
make -s -C bench
env_args=()
while IFS='=' read -r name value; do
	env_args+=("$name=$value")
done < <(env | grep -E '^BENCH_[A-Z_]+=' || true)

rc=0
jsons=()
for k in "${kvers[@]}"; do
	echo "# bench on $k"
	log=$work/$k.guest.log
	[ $append = 0 ] || log=$work/$k.part.guest.log	# the full run's log stays
	{
		vm_rc=0
		selftests/vm/run.sh --kernel "$k" --mem 3072 --timeout "$timeout" \
			--log "${log%.guest.log}.console.log" "${disk_args[@]}" \
			-- env "${env_args[@]}" bench/guest.sh || vm_rc=$?
		echo "$vm_rc" > "$log.rc"
	} 2>&1 | tee "$log"
	vm_rc=$(cat "$log.rc")
	res=$top/build/vm/out/$k/results.txt
	if [ ! -s "$res" ]; then
		echo "bench/run.sh: no results from the guest on $k (VM exit $vm_rc)" >&2
		rc=1
		continue
	fi
	prev=$work/$k.results.txt
	part=$work/$k.part.txt
	cp "$res" "$part"
	# The protocol cost from the best run of each writer count.
	python3 bench/proto_stats.py "$log" >> "$part"
	if [ $append = 1 ] && [ -s "$prev" ]; then
		cp "$prev" "$prev.prev"
		python3 bench/report.py merge "$prev.prev" "$part" "$prev"
	else
		cp "$part" "$prev"
		# The same figures as ratios of CPU time per write (see BENCHMARKS.md).
		python3 bench/cpu_ratios.py "$log" >> "$prev"
	fi
	res=$prev
	for t in "$top/build/vm/out/$k"/{freeze-trace,read-trace,write-trace-*}.txt; do
		[ ! -f "$t" ] || cp "$t" "$work/$k.${t##*/}"
	done
	python3 bench/report.py json "$res" "$outdir/$k.json"
	jsons+=("$outdir/$k.json")
	[ "$vm_rc" -eq 0 ] || { echo "bench/run.sh: the VM on $k exited $vm_rc" >&2; rc=1; }
done

if [ ${#jsons[@]} -gt 0 ]; then
	echo
	python3 bench/report.py table "${jsons[@]}"
	if [ $smoke = 1 ]; then
		python3 bench/report.py check "${jsons[@]}" || rc=1
	fi
fi
exit $rc
