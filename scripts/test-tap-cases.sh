#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# scripts/tap-cases.awk against logs with a known answer: what make check's
# counts rest on. Each check prints one TAP line; exit 1 if any failed.
set -u

here=$(cd "$(dirname "$0")" && pwd)
n=0
failed=0

check() { # check NAME MODE WANT LOG-TEXT: WANT is the awk output, exactly
	local got
	n=$((n + 1))
	got=$(printf '%s\n' "$4" | awk -v mode="$2" -f "$here/tap-cases.awk")
	if [ "$got" = "$3" ]; then
		echo "ok $n - $1"
	else
		echo "not ok $n - $1"
		echo "#   want:"
		printf '%s\n' "$3" | sed 's/^/#     /'
		echo "#   got:"
		printf '%s\n' "$got" | sed 's/^/#     /'
		failed=$((failed + 1))
	fi
}

T=$'\t'

check "host: the checks of a scenario are one case; a check without one is its own" host \
"pass${T}p: plain reply${T}
pass${T}p: context opens${T}
fail${T}p: bad reply${T}
pass${T}q: other program${T}" \
"ok 1 - p: plain reply: id
ok 2 - p: plain reply: size
ok 3 - p: context opens
ok 4 - p: bad reply: -EINVAL
not ok 5 - p: bad reply: explained
# p: 5 checks, 1 failed
ok 1 - q: other program"

check "host: a TAP number printed twice by one program fails, once" host \
"pass${T}h: opened${T}
pass${T}h: in WAL mode${T}
fail${T}h: TAP line 1 printed more than once (a forked child's copy of the output?)${T}" \
"ok 1 - h: opened
ok 2 - h: in WAL mode
ok 1 - h: opened
ok 2 - h: in WAL mode
ok 1 - h: opened"

check "host: a skipped program counts once, with its reason" host \
"skip${T}open-socket${T}no generic netlink socket here" \
"# SKIP no generic netlink socket here
ok - open-socket # SKIP no generic netlink socket here"

check "host: a program dead without a result line is a failure" host \
"fail${T}p: exited 139${T}" \
"not ok - p: exited 139"

check "vm: one case per TAP line of a program, run_guest's own checks too" vm \
"pass${T}run_guest: module loads${T}
pass${T}get_features: features.a${T}
fail${T}get_features: features.b${T}
pass${T}vssctl_version.sh: vssctl.json${T}
pass${T}run_guest: module unloads${T}" \
"ok - module loads
# selftests: vss: get_features
TAP version 13
1..2
ok 1 features.a
not ok 2 features.b
# Totals: pass:1 fail:1 xfail:0 xpass:0 skip:0 error:0
# get_features: exit 1 after 1 s
# selftests: vss: vssctl_version.sh
TAP version 13
1..1
ok 1 vssctl.json
# vssctl_version.sh: exit 0 after 2 s
ok - module unloads"

check "vm: a skip is a skip with its reason; an XFAIL proves nothing" vm \
"skip${T}snapshot_stamp: stamp.brd.writers${T}brd has ->rw_page before 6.9
pass${T}snapshot_stamp: stamp.loop.writers${T}
skip${T}snapshot_stamp: race.known${T}XFAIL known bug" \
"# selftests: vss: snapshot_stamp
1..3
ok 1 stamp.brd.writers # SKIP brd has ->rw_page before 6.9
ok 2 stamp.loop.writers
ok 3 race.known # XFAIL known bug
# snapshot_stamp: exit 0 after 9 s"

check "vm: a failed case whose harness also printed SKIP stays failed" vm \
"fail${T}busy: busy.ext4_brd${T}" \
"# selftests: vss: busy
1..1
not ok 1 busy.ext4_brd #  brd has ->rw_page
# busy: exit 1 after 3 s"

check "vm: a shell test skipped whole counts once, with its reason" vm \
"skip${T}vssctl_fs.sh${T}no fs-freeze feature" \
"# selftests: vss: vssctl_fs.sh
1..0 # SKIP no fs-freeze feature
# vssctl_fs.sh: exit 4 after 0 s"

check "vm: fewer cases than planned, and a guest that stopped inside a program, fail" vm \
"pass${T}a: x.one${T}
fail${T}a: 1 of 3 planned cases reported${T}
pass${T}b: y.one${T}
fail${T}b: never finished (the guest stopped in it)${T}
fail${T}b: 1 of 2 planned cases reported${T}" \
"# selftests: vss: a
1..3
ok 1 x.one
# a: exit 1 after 1 s
# selftests: vss: b
1..2
ok 1 y.one"

check "vm: a program that reports nothing fails" vm \
"fail${T}c: reported no result${T}" \
"# selftests: vss: c
# c: exit 0 after 0 s"

check "vm: the same number twice in one program fails; in two programs it does not" vm \
"pass${T}a: x.one${T}
fail${T}a: TAP line 1 printed more than once (a forked child's copy of the output?)${T}
pass${T}b: y.one${T}" \
"# selftests: vss: a
1..1
ok 1 x.one
ok 1 x.one
# a: exit 0 after 1 s
# selftests: vss: b
1..1
ok 1 y.one
# b: exit 0 after 1 s"

echo "# tap-cases: $n checks, $failed failed"
[ $failed -eq 0 ]
