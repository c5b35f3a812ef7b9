#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# `make check`: every test of the project, host-side and in VMs on each
# installed kernel. One TAP-style line per test case (what a case is:
# Documentation/testing.md, "What make check counts"), then one line per
# part with its counts, then "N passed, N failed, N skipped"; the exit
# status is non-zero on any failure.
#
#   scripts/check.sh            everything
#   KVERS="6.1.0-57-amd64" scripts/check.sh      VM tests on one kernel only
#   CHECK_TESTS="get_features vssctl_fs.sh" scripts/check.sh
#                               only these programs in the VMs (and
#                               the reboot tests, cbt_reboot and
#                               cbt_root, only if cbt_reboot is one
#                               of them)
#   CHECK_VM=0 scripts/check.sh     build, lint and host tests only
#   CHECK_HOST=0 scripts/check.sh   build and VM tests only (no lint, no
#                                   host tests)
#   CHECK_BENCH=0 scripts/check.sh  no benchmark smoke run
# A part left out is reported as skipped, never as passed. (Not VSS_*:
# vssctl backup's tests compare every VSS_ variable of COMMAND's
# environment, and the variables of this script reach them.)
set -uo pipefail

top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top" || exit 1
logdir=$top/build/check
rm -rf "$logdir"
mkdir -p "$logdir"

passed=0
failed=0
skipped=0
failures=()
skips=()
# Per part: its name in order, and its counts.
parts=()
declare -A p_pass=() p_fail=() p_skip=()
part=

begin_part() { # begin_part NAME
	part=$1
	parts+=("$1")
	p_pass[$1]=0
	p_fail[$1]=0
	p_skip[$1]=0
}

# One result. STATUS: 0 or pass, skip, anything else a failure.
result() { # result STATUS DESCRIPTION [REASON]
	case $1 in
	0 | pass)
		passed=$((passed + 1))
		p_pass[$part]=$((p_pass[$part] + 1))
		echo "ok - $2" ;;
	skip)
		skipped=$((skipped + 1))
		p_skip[$part]=$((p_skip[$part] + 1))
		skips+=("$part: $2: ${3:-no reason given}")
		echo "ok - $2 # SKIP ${3:-no reason given}" ;;
	*)
		failed=$((failed + 1))
		p_fail[$part]=$((p_fail[$part] + 1))
		failures+=("$part: $2")
		echo "not ok - $2" ;;
	esac
}
record() { result "$@"; }

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

# The test cases of a log (scripts/tap-cases.awk), one result each.
count_cases() { # count_cases host|vm FILE [PREFIX]
	local status name reason
	while IFS=$'\t' read -r status name reason; do
		result "$status" "${3:-}$name" "$reason"
	done < <(awk -v mode="$1" -f "$top/scripts/tap-cases.awk" "$2")
}

summary() {
	local p
	if [ ${#skips[@]} -gt 0 ]; then
		echo "# skipped:"
		printf '#   %s\n' "${skips[@]}"
	fi
	if [ $failed -gt 0 ]; then
		echo "# failures:"
		printf '#   %s\n' "${failures[@]}"
	fi
	for p in "${parts[@]}"; do
		echo "$p: ${p_pass[$p]} passed, ${p_fail[$p]} failed, ${p_skip[$p]} skipped"
	done
	echo "$passed passed, $failed failed, $skipped skipped"
}

# Debian's kernels; the debug kernel (*-vss-debug) is for `make check-debug`.
kvers=${KVERS:-$(cd /lib/modules && for k in *; do
	[ -d "$k/build" ] && [[ $k != *-vss-debug ]] && echo "$k"; done)}
vm_tests=${CHECK_TESTS:-}
# The reboot test (selftests/reboot/cbt_reboot.sh) boots VMs of its own.
reboot_test=1
if [ -n "$vm_tests" ]; then
	reboot_test=0
	rest=
	for t in $vm_tests; do
		if [ "$t" = cbt_reboot ]; then reboot_test=1; else rest+="$t "; fi
	done
	# Only the reboot test: the selftest VM runs nothing but its own
	# checks (module load and unload).
	vm_tests=${rest:-none}
fi

begin_part "build and lint"
echo "# dependencies (scripts/commands.list)"
step "every program and file of scripts/commands.list is installed" scripts/check-deps.sh
step "every program the scripts call is in scripts/commands.list" scripts/lint-commands.py
step "the test-case counter counts cases, skips and duplicates right" scripts/test-tap-cases.sh

echo "# building"
step "build kmod, lib, vssctl, selftests" make -s -j2 all || {
	summary
	exit 1
}

# bench_k: the newest kernel, for the benchmark smoke run.
# shellcheck disable=SC2086 # a list of kernels
bench_k=$(printf '%s\n' $kvers | sort -V | tail -n 1)
start_guests() {
	# The guests run in parallel (TCG spreads each over the host's cores);
	# their results are then reported one kernel after the other. A guest
	# takes about 45 minutes on a quiet 2-core host (2690 s of programs on
	# 6.12 before the MariaDB restore test was added); a hung one is killed
	# at 65, inside CI's 90.
	for k in $kvers; do
		# The scratch disk: virtio-blk volumes for the busy-filesystem and
		# stamping tests (320M: xfs's minimum, with room).
		# shellcheck disable=SC2086 # a list of programs
		selftests/vm/run.sh --kernel "$k" --timeout 3900 --scratch-disk 320M --pmem 32M \
			--log "$top/build/vm/$k.console.log" \
			-- selftests/run_guest.sh $vm_tests >"$logdir/vm-$k.log" 2>&1 &
		echo "$!" >"$logdir/vm-$k.pid"
	done
	# The tracker across reboots: four boots of its own per kernel, then
	# the root filesystem's (an initramfs of Debian's mkinitramfs, two
	# boots), each after that kernel's selftest VM (run.sh takes turns
	# per kernel).
	if [ $reboot_test = 1 ]; then
		for k in $kvers; do
			{
				selftests/reboot/cbt_reboot.sh "$k"
				r=$?
				selftests/reboot/cbt_root.sh "$k" || r=1
				exit $r
			} >"$logdir/reboot-$k.log" 2>&1 &
			echo "$!" >"$logdir/reboot-$k.pid"
		done
	fi
	# A smoke run of the benchmark harness (make bench) on the newest kernel:
	# tiny sizes, one repetition; it proves the harness and its JSON, not the
	# figures. run.sh takes turns per kernel, so it starts once that kernel's
	# selftest VM is done.
	if [ "${CHECK_BENCH:-1}" != 0 ]; then
		bench/run.sh --smoke "$bench_k" >"$logdir/bench-smoke.log" 2>&1 &
		bench_pid=$!
	fi
}

# The guests start as soon as everything is built and run while the
# host checks do: those leave the guests' files alone (kmod's lint
# builds in build/kmod-lint; make install only writes lib/libvss.pc).
[ "${CHECK_VM:-1}" = 0 ] || start_guests

if [ "${CHECK_HOST:-1}" = 0 ]; then
	result skip "lint and host checks" "CHECK_HOST=0"
else
	echo "# host checks"
	for k in $kvers; do
		step "kmod warning-free under W=1 and sparse ($k)" make -s -C kmod lint KVERS="$k"
	done
	step "uapi header and YNL spec agree" scripts/check-uapi-spec.sh
	step "libvss names every value of the spec's enums as the spec does" scripts/check-lib-names.py
	step "documentation examples compile against libvss" scripts/check-doc-examples.sh
	step "every libvss symbol and vssctl object has a man page; all lint clean" make -s -C man check
	step "man/man3 is what the headers generate now (make -C man regen)" scripts/check-man3-stale.sh
	step "vssctl's bash completion offers exactly the expected words" scripts/check-completion.sh
	step "make install puts every file in place; a program builds against them" scripts/check-install.sh
	step "kernel-log scanner flags every bad pattern" selftests/vm/test-scan-kernel-log.sh
	step "the shell tests' wait helpers wait, and give up at their limit" selftests/lib/test-wait.sh
	step "shell scripts pass shellcheck" shellcheck -x scripts/*.sh selftests/vm/*.sh \
		selftests/reboot/*.sh selftests/*.sh selftests/vss/*.sh selftests/helpers/*.sh selftests/lib/*.sh \
		bench/*.sh .ci/run
	step "writers pass cppcheck" sh -c 'make -s -C tools/vss-hookd cppcheck && make -s -C tools/vss-sqlite-writer cppcheck && make -s -C tools/vss-pgsql-writer cppcheck && make -s -C tools/vss-mysql-writer cppcheck'
	step "library and vssctl pass cppcheck" sh -c 'make -s -C lib cppcheck && make -s -C tools/vssctl cppcheck'
fi

# Runs a TAP-printing test target: one result per test case in its log.
tap_suite() { # tap_suite NAME CMD...
	local name=$1 log rc before=$failed
	shift
	log=$logdir/$name.log
	"$@" >"$log" 2>&1
	rc=$?
	count_cases host "$log"
	if [ $failed -gt "$before" ]; then
		echo "#   failing lines of build/check/$name.log, with what follows each:"
		grep -A 6 -E '^not ok ' "$log" | sed 's/^/#     /' | head -n 80
	fi
	if [ $rc -ne 0 ] && [ $failed -eq "$before" ]; then
		tail -n 30 "$log" | sed 's/^/#   /'
		record 1 "$name ran (exited $rc)"
	fi
}

begin_part "host tests"
if [ "${CHECK_HOST:-1}" = 0 ]; then
	result skip "library, vssctl and writer unit tests" "CHECK_HOST=0"
else
	echo "# library, vssctl and writer unit tests"
	tap_suite lib-test make -s -C lib test
	tap_suite vssctl-test make -s -C tools/vssctl test
	tap_suite hookd-test make -s -C tools/vss-hookd test
	tap_suite sqlite-writer-test make -s -C tools/vss-sqlite-writer test
	tap_suite pgsql-writer-test make -s -C tools/vss-pgsql-writer test
	tap_suite mysql-writer-test make -s -C tools/vss-mysql-writer test
fi

if [ "${CHECK_VM:-1}" = 0 ]; then
	for k in $kvers; do
		begin_part "VM $k"
		result skip "VM selftests on $k" "CHECK_VM=0"
	done
	begin_part "bench smoke"
	result skip "benchmark harness smoke run" "CHECK_VM=0"
	summary
	[ $failed -eq 0 ]
	exit
fi

for k in $kvers; do
	wait "$(cat "$logdir/vm-$k.pid")"
	echo "$?" >"$logdir/vm-$k.rc"
done

for k in $kvers; do
	begin_part "VM $k"
	echo "# VM selftests on $k${vm_tests:+ (only: $vm_tests)}"
	out=$logdir/vm-$k.log
	console=$top/build/vm/$k.console.log
	rc=$(cat "$logdir/vm-$k.rc")
	before=$failed
	[ -z "$vm_tests" ] ||
		result skip "the other VM selftest programs on $k" "CHECK_TESTS=\"$vm_tests\""
	grep -q "^# uname -r: $k" "$out"
	record $? "guest booted kernel $k"
	count_cases vm "$out"
	selftests/vm/scan-kernel-log.sh "$console" >"$logdir/scan-$k.log" 2>&1
	scan_rc=$?
	[ $scan_rc -eq 0 ] || sed 's/^/#   /' "$logdir/scan-$k.log" | head -n 60
	record $scan_rc "guest kernel log of $k free of WARNING/BUG/Oops/lockdep/lockups"
	[ "$rc" -ne 124 ]
	record $? "guest on $k finished before its timeout"
	if [ "$rc" -ne 0 ] && [ "$rc" -ne 124 ] && [ $failed -eq "$before" ]; then
		record 1 "VM run on $k exited $rc"
	fi
	if [ $failed -gt "$before" ]; then
		echo "#   the guest's output (build/check/vm-$k.log):"
		sed 's/^/#     /' "$out"
	fi
	if [ $reboot_test = 1 ]; then
		before=$failed
		wait "$(cat "$logdir/reboot-$k.pid")"
		rc=$?
		count_cases vm "$logdir/reboot-$k.log"
		[ "$rc" -eq 0 ] || [ $failed -gt "$before" ] ||
			record 1 "reboot test on $k exited $rc"
		if [ $failed -gt "$before" ]; then
			echo "#   its output (build/check/reboot-$k.log):"
			sed 's/^/#     /' "$logdir/reboot-$k.log"
		fi
	else
		result skip "the reboot test on $k" "CHECK_TESTS=\"${CHECK_TESTS:-}\""
	fi
done

begin_part "bench smoke"
if [ "${CHECK_BENCH:-1}" = 0 ]; then
	result skip "benchmark harness smoke run" "CHECK_BENCH=0"
else
	echo "# benchmark harness smoke run on $bench_k"
	wait "$bench_pid"
	bench_rc=$?
	[ $bench_rc -eq 0 ] || tail -n 40 "$logdir/bench-smoke.log" | sed 's/^/#   /'
	record $bench_rc "benchmark harness runs on $bench_k and its JSON has every key"
fi

summary
[ $failed -eq 0 ]
