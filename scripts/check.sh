#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# `make check`: every test of the project, host-side and in VMs on each
# installed kernel. Each result is a TAP-style line; the last line is
# "N passed, N failed" and the exit status is non-zero on any failure.
#
#   scripts/check.sh            everything
#   KVERS="6.1.0-56-amd64" scripts/check.sh     VM tests on one kernel only
set -uo pipefail

top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top" || exit 1
logdir=$top/build/check
rm -rf "$logdir"
mkdir -p "$logdir"

passed=0
failed=0
failures=()

record() { # record STATUS DESCRIPTION
	if [ "$1" -eq 0 ]; then
		passed=$((passed + 1))
		echo "ok - $2"
	else
		failed=$((failed + 1))
		failures+=("$2")
		echo "not ok - $2"
	fi
}

# Runs a command with its output in a log, shown only on failure.
step() { # step DESCRIPTION CMD...
	local desc=$1 log
	shift
	log=$logdir/$(echo "$desc" | tr -c 'A-Za-z0-9._-' '_').log
	"$@" >"$log" 2>&1
	local rc=$?
	[ $rc -eq 0 ] || sed 's/^/#   /' "$log" | tail -n 40
	record $rc "$desc"
	return $rc
}

# Counts the TAP lines of a test stream as individual results.
count_tap() { # count_tap FILE
	local p f
	p=$(grep -cE '^ok ' "$1")
	f=$(grep -cE '^not ok ' "$1")
	passed=$((passed + p))
	failed=$((failed + f))
	while IFS= read -r line; do failures+=("$line"); done < <(grep -E '^not ok ' "$1")
}

# Debian's kernels; the debug kernel (*-vss-debug) is for `make check-debug`.
kvers=${KVERS:-$(cd /lib/modules && for k in *; do
	[ -d "$k/build" ] && [[ $k != *-vss-debug ]] && echo "$k"; done)}

echo "# building"
step "build kmod, lib, vssctl, selftests" make -s -j2 all || {
	echo "$passed passed, $failed failed"
	exit 1
}

echo "# host checks"
for k in $kvers; do
	step "kmod warning-free under W=1 and sparse ($k)" make -s -C kmod lint KVERS="$k"
done
step "uapi header and YNL spec agree" scripts/check-uapi-spec.sh
step "documentation examples compile against libvss" scripts/check-doc-examples.sh
step "every libvss symbol and vssctl object has a man page; all lint clean" make -s -C man check
step "vssctl's bash completion offers exactly the expected words" scripts/check-completion.sh
step "make install puts every file in place; a program builds against them" scripts/check-install.sh
step "kernel-log scanner flags every bad pattern" selftests/vm/test-scan-kernel-log.sh
step "shell scripts pass shellcheck" shellcheck -x scripts/*.sh selftests/vm/*.sh bench/*.sh .ci/run

# Runs a TAP-printing test target; each TAP line counts as one result.
tap_suite() { # tap_suite NAME CMD...
	local name=$1 log rc
	shift
	log=$logdir/$name.log
	"$@" >"$log" 2>&1
	rc=$?
	grep -E '^(not )?ok ' "$log" | sed 's/^/  /'
	count_tap "$log"
	if [ $rc -ne 0 ] && ! grep -qE '^not ok ' "$log"; then
		tail -n 30 "$log" | sed 's/^/#   /'
		record 1 "$name ran (exited $rc)"
	fi
}

echo "# library and vssctl unit tests"
tap_suite lib-test make -s -C lib test
tap_suite vssctl-test make -s -C tools/vssctl test
tap_suite hookd-test make -s -C tools/vss-hookd test
tap_suite sqlite-writer-test make -s -C tools/vss-sqlite-writer test
step "writers pass cppcheck" sh -c 'make -s -C tools/vss-hookd cppcheck && make -s -C tools/vss-sqlite-writer cppcheck'
step "library and vssctl pass cppcheck" sh -c 'make -s -C lib cppcheck && make -s -C tools/vssctl cppcheck'

# The guests run in parallel (TCG spreads each over the host's cores);
# their results are then reported one kernel after the other. A guest
# takes 20 to 35 minutes on a loaded 2-core host; a hung one is killed at
# 50, inside CI's 90.
for k in $kvers; do
	# The scratch disk: virtio-blk volumes for the busy-filesystem and
	# stamping tests (320M: xfs's minimum, with room).
	selftests/vm/run.sh --kernel "$k" --timeout 3000 --scratch-disk 320M \
		--log "$top/build/vm/$k.console.log" \
		-- selftests/run_guest.sh >"$logdir/vm-$k.log" 2>&1 &
	echo "$!" >"$logdir/vm-$k.pid"
done
# A smoke run of the benchmark harness (make bench) on the newest kernel:
# tiny sizes, one repetition; it proves the harness and its JSON, not the
# figures. run.sh takes turns per kernel, so it starts once that kernel's
# selftest VM is done.
# shellcheck disable=SC2086 # a list of kernels
bench_k=$(printf '%s\n' $kvers | sort -V | tail -n 1)
bench/run.sh --smoke "$bench_k" >"$logdir/bench-smoke.log" 2>&1 &
bench_pid=$!

for k in $kvers; do
	wait "$(cat "$logdir/vm-$k.pid")"
	echo "$?" >"$logdir/vm-$k.rc"
done

for k in $kvers; do
	echo "# VM selftests on $k"
	out=$logdir/vm-$k.log
	console=$top/build/vm/$k.console.log
	rc=$(cat "$logdir/vm-$k.rc")
	cat "$out"
	count_tap "$out"
	grep -q "^# uname -r: $k" "$out"
	record $? "guest booted kernel $k"
	selftests/vm/scan-kernel-log.sh "$console" >"$logdir/scan-$k.log" 2>&1
	scan_rc=$?
	[ $scan_rc -eq 0 ] || sed 's/^/#   /' "$logdir/scan-$k.log" | head -n 60
	record $scan_rc "guest kernel log of $k free of WARNING/BUG/Oops/lockdep/lockups"
	[ "$rc" -ne 124 ]
	record $? "guest on $k finished before its timeout"
	if [ "$rc" -ne 0 ] && [ "$rc" -ne 124 ] && [ $scan_rc -eq 0 ] &&
		! grep -qE '^not ok ' "$out"; then
		record 1 "VM run on $k exited $rc"
	fi
done

echo "# benchmark harness smoke run on $bench_k"
wait "$bench_pid"
bench_rc=$?
[ $bench_rc -eq 0 ] || tail -n 40 "$logdir/bench-smoke.log" | sed 's/^/#   /'
record $bench_rc "benchmark harness runs on $bench_k and its JSON has every key"

if [ $failed -gt 0 ]; then
	echo "# failures:"
	printf '#   %s\n' "${failures[@]}"
fi
echo "$passed passed, $failed failed"
[ $failed -eq 0 ]
