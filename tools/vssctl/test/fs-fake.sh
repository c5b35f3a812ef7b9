#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# `vssctl fs` against the fake libvss (test/fake-libvss.c): exact text and
# JSON of list; freeze --detach returns at once; a foreground freeze stays
# until its deadline (exit 0, "deadline"), until someone else thaws it
# (exit 0, "before its deadline"; another owner's freeze in its place is
# not thawed), or until SIGTERM, which thaws it
# (exit 0, "requested"); its request carries the timeout in ms and the
# detached flag; failures print the kernel's message and a hint and exit
# 1; usage errors exit 2 without asking libvss anything.
set -u
name=fs-fake
. "$(dirname "$0")/fake-lib.sh"
export FAKE_LIBVSS=loaded

# The deadline is wall-clock time: compared as a pattern.
T='[0-9]\{4\}-[0-9][0-9]-[0-9][0-9]T[0-9][0-9]:[0-9][0-9]:[0-9][0-9]Z'
untimed() { sed "s/$T/TIME/g" "$out/stdout"; }

# expect_untimed DESCRIPTION RC STDOUT STDERR: stdout with TIME for the time.
expect_untimed() {
	[ "$rc" -eq "$2" ] && [ "$(untimed)" = "$3" ] &&
		[ "$(cat "$out/stderr")" = "$4" ]
	report $? "$1" "$2"
}

run fs list
expect "list, text: owner or detached, durations" 0 \
"/srv device vdb owner 4242 timeout 30s remaining 28.5s frozen 1.5s
/var/lib/db device dm-3 detached timeout 10m remaining 475.0s frozen 125.0s" ""
expect_calls "list: one dump" "fs_list"

list_json='[{"path":"/srv","device":"vdb","owner":4242,"detached":false,"timeout_ms":30000,"remaining_ms":28500,"frozen_ns":1500000000},{"path":"/var/lib/db","device":"dm-3","owner":0,"detached":true,"timeout_ms":600000,"remaining_ms":475000,"frozen_ns":125000000000}]'
run -j fs list
expect "list, JSON: every key, in ms and ns" 0 "$list_json" ""
run -j fs
expect "list is the default command" 0 "$list_json" ""

FAKE_LIBVSS=empty run -j fs list
expect "no freezes, JSON: an empty array" 0 "[]" ""
FAKE_LIBVSS=empty run fs list
expect "no freezes, text: no output" 0 "" ""
FAKE_LIBVSS=op-error run fs list
expect "list fails: strerror, then the kernel's message" 1 "" \
	"vssctl: cannot list filesystem freezes: Device or resource busy: fake: busy"

run fs freeze /mnt/a --detach --timeout 30
expect_untimed "freeze --detach: says until when, returns at once" 0 \
	"/mnt/a frozen (vdc) until TIME, for 30s, detached; vssctl fs thaw /mnt/a thaws it sooner" ""
expect_calls "freeze --detach: SECONDS in ms, the detached flag" \
"fs_freeze /mnt/a 30000 1
fs_get /mnt/a"

run -j fs freeze --timeout=2m --detach -- /mnt/a
expect_untimed "freeze --detach, JSON: one record" 0 \
	'{"path":"/mnt/a","device":"vdc","owner":0,"timeout_ms":120000,"until":"TIME","detached":true}' ""

run fs freeze /mnt/a --timeout 500ms
expect_untimed "foreground freeze: stays until the deadline, then exit 0" 0 \
"/mnt/a frozen (vdc) until TIME, for 500ms; SIGINT or SIGTERM thaws it
/mnt/a thawed (deadline)" ""
expect_calls "foreground freeze: a look after the deadline, no thaw" \
"fs_freeze /mnt/a 500 0
fs_get /mnt/a
fs_get /mnt/a"

run -j fs freeze /mnt/a --timeout 300ms
expect_untimed "foreground freeze, JSON: a record frozen, a record thawed" 0 \
'{"path":"/mnt/a","device":"vdc","owner":4321,"timeout_ms":300,"until":"TIME","detached":false}
{"path":"/mnt/a","thawed":true,"reason":"deadline"}' ""

FAKE_LIBVSS=fs-early run fs freeze /mnt/a --timeout 1h
expect_untimed "foreground freeze thawed by someone else: noticed, exit 0" 0 \
"/mnt/a frozen (vdc) until TIME, for 1h; SIGINT or SIGTERM thaws it
/mnt/a thawed before its deadline, not by this vssctl" ""

# SIGTERM: vssctl runs in the background until it has said it is frozen.
# Its stdout is emptied first: the child's own redirection may come after
# the first look, which would then see the last test's "frozen" and send
# SIGTERM before vssctl blocks it.
: > "$FAKE_LOG"
: > "$out/stdout"
if [ -n "${VALGRIND:-}" ]; then
	"$VALGRIND" -q --error-exitcode=99 --leak-check=full \
		--errors-for-leak-kinds=definite,possible \
		"$vssctl" fs freeze /mnt/a >"$out/stdout" 2>"$out/stderr" &
else
	"$vssctl" fs freeze /mnt/a >"$out/stdout" 2>"$out/stderr" &
fi
pid=$!
for _ in $(seq 100); do
	grep -q frozen "$out/stdout" && break
	sleep 0.1
done
kill -TERM "$pid"
wait "$pid"
rc=$?
expect_untimed "SIGTERM thaws and exits 0" 0 \
"/mnt/a frozen (vdc) until TIME, for 1m; SIGINT or SIGTERM thaws it
/mnt/a thawed (requested)" ""
expect_calls "SIGTERM: the module's default timeout, a look, an explicit thaw" \
"fs_freeze /mnt/a 0 0
fs_get /mnt/a
fs_get /mnt/a
fs_thaw /mnt/a"

FAKE_LIBVSS=fs-other run fs freeze /mnt/a --timeout 1h
expect_untimed "a freeze of another owner in its place: ours ended, exit 0" 0 \
"/mnt/a frozen (vdc) until TIME, for 1h; SIGINT or SIGTERM thaws it
/mnt/a thawed before its deadline, not by this vssctl" ""
expect_calls "another owner's freeze: never thawed" \
"fs_freeze /mnt/a 3600000 0
fs_get /mnt/a
fs_get /mnt/a"

run fs freeze /busy --detach
expect "freeze of a frozen filesystem: the kernel's reason and a hint" 1 "" \
"vssctl: cannot freeze /busy: Device or resource busy: fake: the filesystem is frozen by vss already
vssctl: hint: already frozen: by vss (vssctl fs list), a snapshot set, or fsfreeze(8)"
run fs freeze /srv/sub
expect "freeze of a directory: the kernel's reason and a hint" 1 "" \
"vssctl: cannot freeze /srv/sub: Invalid argument: fake: not a mount point
vssctl: hint: give the mount point itself: findmnt -T PATH shows it"
FAKE_MASK=9 run fs freeze /proc
expect "freeze of a filesystem that cannot be frozen" 1 "" \
"vssctl: cannot freeze /proc: Operation not supported: fake: this filesystem cannot be frozen
vssctl: hint: this filesystem type cannot be frozen"
FAKE_MASK=1 run fs freeze /proc
expect "freeze on a module without fs-freeze: says so" 1 "" \
"vssctl: cannot freeze /proc: Operation not supported: fake: this filesystem cannot be frozen
vssctl: hint: the loaded module cannot freeze filesystems (no feature fs-freeze)"
FAKE_LIBVSS=absent run fs freeze /mnt/a
expect "freeze without the module: module not loaded" 1 "" \
	"vssctl: module not loaded: fake: family absent"

run fs thaw /srv
expect "thaw: silent success" 0 "" ""
expect_calls "thaw: one request" "fs_thaw /srv"
run fs thaw /
expect "thaw of a filesystem without a freeze: the kernel's reason and a hint" 1 "" \
"vssctl: cannot thaw /: No such file or directory: fake: the filesystem has no freeze of vss
vssctl: hint: vss has no freeze there (vssctl fs list); fsfreeze -u thaws one of fsfreeze(8)"
run fs thaw /no/such/path
expect "thaw of a missing path: no hint" 1 "" \
	"vssctl: cannot thaw /no/such/path: No such file or directory: fake: the filesystem has no freeze of vss"

run fs freeze
expect_usage "freeze needs a mount point" "MOUNTPOINT is missing"
run fs freeze /mnt/a --timeout 0
expect_usage "a zero timeout" "is not a duration"
run fs freeze /mnt/a --timeout 25h
expect_usage "a timeout past 24h" "is not a duration"
run fs freeze /mnt/a --timeout 86400001ms
expect_usage "a timeout past the module's longest" "is not a duration"
run fs freeze /mnt/a --timeout 5x
expect_usage "an unknown unit" "is not a duration"
run fs freeze /mnt/a --timeout -5
expect_usage "a negative timeout" "is not a duration"
run fs freeze /mnt/a --timeout
expect_usage "--timeout without a value" "--timeout needs a value"
run fs freeze /mnt/a --bogus
expect_usage "unknown option" "unknown option \"--bogus\""
run fs freeze /mnt/a /mnt/b
expect_usage "one mount point" "unexpected argument \"/mnt/b\""
run fs thaw
expect_usage "thaw needs a mount point" "MOUNTPOINT is missing"
run fs thaw /a /b
expect_usage "thaw takes one mount point" "unexpected argument \"/b\""
run fs list extra
expect_usage "list takes no argument" "unexpected argument \"extra\""

finish
