#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# Runs inside a test VM (selftests/vm/run.sh boots it): loads the vss module
# built for the running kernel, runs every selftest, unloads the module.
# Prints TAP lines: its own checks as `ok`/`not ok`, and each test program's
# TAP output as it comes. Exits 1 if anything failed.
#
#   run_guest.sh [TEST...]     TEST names a program in build/selftests/vss/
#                              (default: all of them; "none": none, only
#                              the module's load and unload)

# Functions run through check() look unreachable to shellcheck.
# shellcheck disable=SC2317
set -u

top=$(cd "$(dirname "$0")/.." && pwd)
kver=$(uname -r)
ko=$top/build/kmod/$kver/vss.ko
tests_dir=$top/build/selftests/vss
failed=0

pass() { echo "ok - $*"; }
fail() { echo "not ok - $*"; failed=1; }

check() {
	desc=$1
	shift
	if "$@"; then pass "$desc"; else fail "$desc"; fi
}

module_loaded() { [ -d /sys/module/vss ]; }
module_absent() { ! [ -d /sys/module/vss ]; }

load_module() {
	insmod "$ko" && module_loaded && dmesg | grep -q "vss: loaded"
}

unload_module() {
	rmmod vss && module_absent && dmesg | grep -q "vss: unloaded"
}

echo "# kernel $kver, module $ko"
if ! [ -f "$ko" ]; then
	fail "module built for $kver"
	exit 1
fi

# Debug lines (pr_debug) must reach /dev/kmsg for some tests.
mount -t debugfs none /sys/kernel/debug 2>/dev/null

# On a kernel with kmemleak (the debug kernel): nothing the module
# allocated may be left unreferenced. Earlier reports (boot) are cleared;
# an object must look leaked in two scans to be reported.
kmemleak=/sys/kernel/debug/kmemleak
kmemleak_scan() {
	echo scan > "$kmemleak" && sleep 6 && echo scan > "$kmemleak"
}
kmemleak_clean() {
	kmemleak_scan || return 1
	if grep -q '\[vss\]\|\] 0x[0-9a-f]*$' "$kmemleak"; then
		echo "# kmemleak reports objects from the module:"
		sed 's/^/# /' "$kmemleak" | head -n 80
		return 1
	fi
	echo "# kmemleak: $(grep -c '^unreferenced object' "$kmemleak") new unreferenced objects, none from the module"
}
if [ -e "$kmemleak" ]; then
	kmemleak_scan && echo clear > "$kmemleak"
fi

check "module loads" load_module
if ! module_loaded; then
	exit 1
fi

if [ $# -eq 0 ]; then
	for f in "$tests_dir"/*; do
		set -- "$@" "${f##*/}"
	done
elif [ "$*" = none ]; then
	set --
fi
for t in "$@"; do
	echo "# selftests: vss: $t"
	out=$(mktemp)
	start=$(date +%s)
	"$tests_dir/$t" >"$out" 2>&1
	rc=$?
	cat "$out"
	echo "# $t: exit $rc after $(($(date +%s) - start)) s"
	if [ "$rc" -ne 0 ] && [ "$rc" -ne 4 ]; then
		failed=1
		# A program that died before reporting its own failure still counts.
		grep -q '^not ok' "$out" || fail "$t exited with status $rc"
	fi
	rm -f "$out"
done

if [ -e "$kmemleak" ]; then
	check "kmemleak reports nothing from the loaded module" kmemleak_clean
fi
check "module unloads" unload_module
# Load and unload again: module init and exit must be repeatable.
check "module reloads and unloads cleanly" sh -c \
	"insmod '$ko' && rmmod vss && [ ! -d /sys/module/vss ]"

# After the module's last unload: its leaks show as backtrace frames that
# no longer resolve to a symbol (or, while loaded, as [vss] frames).
if [ -e /sys/kernel/debug/kmemleak ]; then
	check "kmemleak reports nothing from the module" kmemleak_clean
fi

exit $failed
