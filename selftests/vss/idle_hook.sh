#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Nothing paid when idle (issue 15, item 18): a loaded module that was
# never given an origin has no hook on submit_bio_noacct(), so no bio of
# the machine pays for it (any user can load the module, by resolving its
# genetlink family). The first STORAGE_ADD registers the hook; it stays
# until unload (Documentation/design.md says why), and writes to the
# origin are tracked from there: a snapshot taken then reads its instant.
# Seen failing on main's module, which hooks at load (test 2).
#
# The hook is read off tracefs' enabled_functions: its line for
# submit_bio_noacct names vss_ftrace_handler.
set -u

top=$(cd "$(dirname "$0")/../../.." && pwd)
tap_prefix=idle_hook
# shellcheck source=selftests/lib/tap.sh
. "$top/selftests/lib/tap.sh"
vssctl=$top/tools/vssctl/vssctl
ko=$top/build/kmod/$(uname -r)/vss.ko
w=$(mktemp -d /tmp/idle-hook.XXXXXX)
tracing=/sys/kernel/tracing
loop=''

hooked() { grep '^submit_bio_noacct' "$tracing/enabled_functions" | grep -q vss_ftrace_handler; }

# shellcheck disable=SC2317 # called by the trap
cleanup() {
	"$vssctl" snapshot delete --all > /dev/null 2>&1
	[ -z "$loop" ] || "$vssctl" storage remove "$loop" > /dev/null 2>&1
	[ -z "$loop" ] || losetup -d "$loop"
	[ -d /sys/module/vss ] || insmod "$ko"
	rm -rf "$w"
}
trap cleanup EXIT

echo "TAP version 13"
echo "1..6"

{ mountpoint -q "$tracing" || mount -t tracefs nodev "$tracing"; } &&
	modprobe loop && head -c 16M /dev/urandom > "$w/origin.img" &&
	loop=$(losetup --find --show "$w/origin.img") &&
	sha256sum < "$loop" | cut -d' ' -f1 > "$w/before" &&
	{ ! [ -d /sys/module/vss ] || rmmod vss; } && insmod "$ko"
result $? "setup_a_freshly_loaded_module_and_a_loop_device"

! hooked
result $? "a_module_with_no_origin_hooks_nothing"
grep '^submit_bio_noacct' "$tracing/enabled_functions" | note "$(cat)"

snap=''
"$vssctl" storage add "$loop" --max 16M > /dev/null && hooked
result $? "the_first_storage_add_hooks_submit_bio_noacct"

snap=$("$vssctl" snapshot create "$loop" | awk '$2 == "origin" { print $1 }') &&
	[ -n "$snap" ] &&
	dd if=/dev/zero of="$loop" bs=1M count=16 oflag=direct status=none &&
	[ "$(sha256sum < "$snap" | cut -d' ' -f1)" = "$(cat "$w/before")" ]
result $? "writes_after_the_late_hook_are_tracked"

"$vssctl" snapshot delete --all > /dev/null &&
	"$vssctl" storage remove "$loop" > /dev/null && hooked
result $? "the_hook_stays_after_the_last_origin_goes"

rmmod vss && ! hooked && insmod "$ko" && ! hooked
result $? "unload_removes_it_and_a_reload_starts_idle"

exit $((failed > 0))
