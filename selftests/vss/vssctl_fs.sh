#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# `vssctl fs` against the real module, on an ext4 on a loop device: a
# detached freeze blocks a writer (seen waiting in the kernel for the
# frozen filesystem) until `fs thaw` and shows in `fs list`;
# a foreground freeze holds until SIGTERM (which thaws), until vssctl is
# SIGKILLed (its socket closing thaws), or until its deadline (vssctl
# exits 0 by itself, the filesystem writable); refusals exit 1 with the
# kernel's reason. Nothing is left frozen, whatever fails: the cleanup
# thaws before it waits for anything.
set -u

top=$(cd "$(dirname "$0")/../../.." && pwd)
vssctl=$top/tools/vssctl/vssctl
work=$(mktemp -d /tmp/vssctl-fs.XXXXXX)
mnt=$work/mnt
fg=
writer=

tap_prefix=vssctl
# shellcheck source=selftests/lib/tap.sh
. "$top/selftests/lib/tap.sh"

json() { python3 -c "import json,sys; d=json.load(sys.stdin); print($1)"; }


# Thaw first: a writer blocked by the freeze cannot be killed, and a frozen
# filesystem cannot be unmounted.
cleanup() {
	[ -n "$fg" ] && kill -KILL "$fg" 2>/dev/null
	"$vssctl" fs thaw "$mnt" >/dev/null 2>&1
	wait
	umount "$mnt" 2>/dev/null
	[ -n "${dev:-}" ] && losetup -d "$dev"
	rm -rf "$work"
}
trap cleanup EXIT

# A write into the filesystem, in the background: its open() waits while
# the filesystem is frozen.
start_writer() { # start_writer NAME -> $writer
	sh -c "echo hello > '$mnt/$1'" &
	writer=$!
}

# The same, forked beforehand: it writes once open_gate is called, so a
# short freeze does not spend its time on a fork and an exec.
start_gated_writer() { # start_gated_writer NAME -> $writer
	rm -f "$work/gate"
	mkfifo "$work/gate"
	sh -c "read -r _ < '$work/gate'; echo hello > '$mnt/$1'" &
	writer=$!
}
open_gate() { echo go > "$work/gate"; }

# The writer waits in the kernel for the frozen filesystem, seen within
# 30 s: asleep uninterruptibly (D) with its open() in sb_start_write(), on
# the superblock's percpu rwsem (the stack, scheduler frames left out,
# shows percpu_rwsem_wait() or, were that inlined, mnt_want_write()).
# Fails if it ended instead.
writer_blocked() {
	for _ in $(seq 300); do
		kill -0 "$writer" 2>/dev/null || return 1
		[ "$(sed 's/.*) //' "/proc/$writer/stat" 2>/dev/null | cut -d' ' -f1)" = D ] &&
			grep -q 'percpu_rwsem_wait\|mnt_want_write' "/proc/$writer/stack" 2>/dev/null &&
			return 0
		sleep 0.1
	done
	return 1
}

# The writer finishes within 60 s (TCG on a busy host), successfully, its
# data there.
writer_done() { # writer_done NAME
	for _ in $(seq 600); do
		kill -0 "$writer" 2>/dev/null || break
		sleep 0.1
	done
	! kill -0 "$writer" 2>/dev/null && wait "$writer" &&
		[ "$(cat "$mnt/$1")" = hello ]
}

# Waits up to 30 s for the foreground vssctl to say the filesystem is frozen.
wait_frozen() { # wait_frozen FILE
	for _ in $(seq 300); do
		grep -q ' frozen ' "$1" && return 0
		sleep 0.1
	done
	return 1
}

nothing_frozen() {
	[ "$("$vssctl" -j fs list)" = "[]" ]
}

echo "TAP version 13"

if ! "$vssctl" -j version | grep -q '"fs-freeze"'; then
	echo "1..0 # SKIP the module lacks the feature fs-freeze"
	exit 4
fi

modprobe loop
mkdir -p "$mnt"
truncate -s 64M "$work/fs.img"
dev=$(losetup --find --show "$work/fs.img")
name=${dev#/dev/}
mkfs.ext4 -q "$dev" && mount "$dev" "$mnt" && mkdir "$mnt/sub"
result $? "fs_setup_ext4_on_a_loop_device"

# ---- detached: until fs thaw ----

t0=$(date +%s%N)
out=$("$vssctl" fs freeze --detach --timeout 30 "$mnt")
rc=$?
note "$out"
[ $rc -eq 0 ] && echo "$out" | grep -q "^$mnt frozen ($name) until .*, for 30s, detached"
result $? "fs_freeze_detached_returns_at_once_and_says_until_when"

start_writer detached
writer_blocked
result $? "fs_write_waits_while_frozen_detached"

# Frozen for some time, and no longer than since just before the freeze
# (a fixed lower bound would depend on how fast the guest runs); what
# remains is the deadline less at least that time.
out=$("$vssctl" -j fs list)
elapsed_ns=$(($(date +%s%N) - t0))
note "$out (at most ${elapsed_ns} ns since the freeze)"
[ "$(echo "$out" | json "len(d), d[0]['path'], d[0]['device'], d[0]['owner'], d[0]['detached'], d[0]['timeout_ms'], 0 < d[0]['frozen_ns'] <= $elapsed_ns, 30000 - $elapsed_ns // 10**6 - 1 <= d[0]['remaining_ms'] <= 30000")" = \
	"1 $mnt $name 0 True 30000 True True" ]
result $? "fs_list_json_shows_the_detached_freeze"

"$vssctl" fs list | grep -q "^$mnt device $name detached timeout 30s remaining [0-9.]*s frozen [0-9.]*s$"
result $? "fs_list_text_shows_the_detached_freeze"

err=$("$vssctl" fs freeze --detach "$mnt" 2>&1)
rc=$?
note "$err"
[ $rc -eq 1 ] && echo "$err" | grep -q "Device or resource busy: the filesystem is frozen by vss already" &&
	echo "$err" | grep -q "^vssctl: hint: already frozen"
result $? "fs_freeze_twice_fails_ebusy_with_the_kernel_reason_and_a_hint"

"$vssctl" fs thaw "$mnt" && writer_done detached
result $? "fs_thaw_lets_the_write_complete"

nothing_frozen
result $? "fs_thaw_leaves_no_freeze"

err=$("$vssctl" fs thaw "$mnt" 2>&1)
rc=$?
note "$err"
[ $rc -eq 1 ] && echo "$err" | grep -q "No such file or directory: the filesystem has no freeze of vss"
result $? "fs_thaw_without_a_freeze_fails_enoent_with_the_kernel_reason"

# ---- foreground: until SIGTERM ----

"$vssctl" fs freeze --timeout 60 "$mnt" >"$work/fg.out" 2>"$work/fg.err" &
fg=$!
wait_frozen "$work/fg.out"
result $? "fs_freeze_foreground_says_frozen"
note "$(cat "$work/fg.out")"

[ "$("$vssctl" -j fs list | json 'd[0]["detached"], d[0]["owner"] != 0')" = "False True" ]
result $? "fs_list_shows_the_foreground_freeze_with_its_owner"

start_writer term
writer_blocked
result $? "fs_write_waits_while_frozen_foreground"

kill -TERM "$fg"
wait "$fg"
rc=$?
fg=
[ $rc -eq 0 ] && [ "$(tail -n 1 "$work/fg.out")" = "$mnt thawed (requested)" ] &&
	[ ! -s "$work/fg.err" ]
result $? "fs_freeze_foreground_sigterm_thaws_and_exits_0"

writer_done term && nothing_frozen
result $? "fs_sigterm_lets_the_write_complete"

# ---- foreground: SIGKILL, the socket's closing thaws ----

"$vssctl" fs freeze "$mnt" >"$work/fg.out" 2>&1 &
fg=$!
wait_frozen "$work/fg.out" && start_writer kill && writer_blocked
result $? "fs_write_waits_while_frozen_until_sigkill"
kill -KILL "$fg"
wait "$fg" 2>/dev/null
fg=
writer_done kill && nothing_frozen
result $? "fs_freeze_foreground_sigkill_thaws"

# ---- foreground: until the deadline ----

start_gated_writer deadline
start=$(date +%s%N)
"$vssctl" fs freeze --timeout 3 "$mnt" >"$work/fg.out" 2>"$work/fg.err" &
fg=$!
wait_frozen "$work/fg.out" && open_gate && writer_blocked
result $? "fs_write_waits_while_frozen_until_the_deadline"
wait "$fg"
rc=$?
fg=
ms=$((($(date +%s%N) - start) / 1000000))
note "$(cat "$work/fg.out")"
note "vssctl exited after $ms ms"
# Its own 3 s, not the 60 s default: asked for, ended by a deadline, not
# before 3 s and far from 60 (a bound for a loaded host, not a measure).
[ $rc -eq 0 ] && grep -q "^$mnt frozen ($name) until .*, for 3s; " "$work/fg.out" &&
	[ "$(tail -n 1 "$work/fg.out")" = "$mnt thawed (deadline)" ] &&
	[ "$ms" -ge 3000 ] && [ "$ms" -lt 40000 ] && [ ! -s "$work/fg.err" ]
result $? "fs_freeze_foreground_exits_0_by_itself_after_the_deadline"

writer_done deadline && nothing_frozen && echo again > "$mnt/after" &&
	[ "$(cat "$mnt/after")" = again ]
result $? "fs_writable_after_the_deadline"

# ---- refusals ----

err=$("$vssctl" fs freeze --detach "$mnt/sub" 2>&1)
rc=$?
note "$err"
[ $rc -eq 1 ] && echo "$err" | grep -q "Invalid argument: not a mount point" &&
	echo "$err" | grep -q "^vssctl: hint: give the mount point itself"
result $? "fs_freeze_of_a_directory_fails_einval_with_the_kernel_reason"

err=$("$vssctl" fs freeze --detach "$work/none" 2>&1)
rc=$?
note "$err"
[ $rc -eq 1 ] && echo "$err" | grep -q "No such file or directory: path not found"
result $? "fs_freeze_of_a_missing_path_fails_enoent_with_the_kernel_reason"

err=$("$vssctl" fs freeze --detach /proc 2>&1)
rc=$?
note "$err"
[ $rc -eq 1 ] && echo "$err" | grep -q "Operation not supported: this filesystem cannot be frozen" &&
	echo "$err" | grep -q "^vssctl: hint: this filesystem type cannot be frozen"
result $? "fs_freeze_of_procfs_fails_eopnotsupp_with_the_kernel_reason"

nothing_frozen
result $? "fs_refusals_leave_nothing_frozen"

echo "1..$n"
[ $failed -eq 0 ]
