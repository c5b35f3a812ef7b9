#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# `make check-debug`: the whole VM selftest suite on the debug kernel
# (scripts/debug-kernel.sh: KASAN, lockdep, kmemleak, fault injection),
# then a kmemleak scan (selftests/run_guest.sh) that must report nothing
# from the module. The runner fails on any KASAN, lockdep or other report
# in the guest log. Not part of `make check`: under emulation with KASAN it
# takes several times as long.
set -euo pipefail
cd "$(dirname "$0")/.."

kver=$(scripts/debug-kernel.sh)
echo "# debug kernel $kver"
make -s -C kmod KVERS="$kver"
make -s lib vssctl selftests
rc=0
selftests/vm/run.sh --kernel "$kver" --timeout "${VSS_DEBUG_TIMEOUT:-5400}" \
	--mem 3072 -- selftests/run_guest.sh "$@" | tee build/check-debug.tap || rc=$?
passed=$(grep -c '^ok ' build/check-debug.tap || true)
failed=$(grep -c '^not ok ' build/check-debug.tap || true)
echo "$passed passed, $failed failed (debug kernel $kver; runner exit $rc)"
[ "$failed" = 0 ] && [ "$rc" = 0 ]
