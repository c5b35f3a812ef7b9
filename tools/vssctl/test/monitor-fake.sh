#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# `vssctl monitor` against the fake libvss (test/fake-libvss.c): every
# kind of event as one exact line of text or one JSON object per line, each
# with the time it was received; the kinds named on the command line only;
# SIGINT and SIGTERM end it with exit 0; without CAP_SYS_ADMIN the reason
# and a hint, exit 1; lost notifications are said and the monitor goes on;
# a broken socket ends it with exit 1; usage errors exit 2 without asking
# libvss anything.
set -u
name=monitor-fake
. "$(dirname "$0")/fake-lib.sh"
export FAKE_LIBVSS=loaded

# The time of each event is the wall clock's: compared as a pattern.
T='[0-9]\{4\}-[0-9][0-9]-[0-9][0-9]T[0-9][0-9]:[0-9][0-9]:[0-9][0-9]\.[0-9][0-9][0-9]Z'
untimed() { sed "s/$T/TIME/g" "$out/stdout"; }

# monitor SIGNAL LINES ARGS...: vssctl in the background until it printed
# LINES lines, then SIGNAL; -> $rc, $out/stdout, $out/stderr, $out/log.
monitor() {
	local sig=$1 lines=$2 pid
	shift 2
	: > "$FAKE_LOG"
	# Emptied here: the child's own redirection may come after a look.
	: > "$out/stdout"
	# Without job control a background command ignores SIGINT.
	[ "$sig" = INT ] && set -m
	if [ -n "${VALGRIND:-}" ]; then
		"$VALGRIND" -q --error-exitcode=99 --leak-check=full \
			--errors-for-leak-kinds=definite,possible \
			"$vssctl" "$@" >"$out/stdout" 2>"$out/stderr" &
	else
		"$vssctl" "$@" >"$out/stdout" 2>"$out/stderr" &
	fi
	pid=$!
	set +m
	for _ in $(seq 200); do
		[ "$(wc -l < "$out/stdout")" -ge "$lines" ] && break
		kill -0 "$pid" 2>/dev/null || break
		sleep 0.05
	done
	# Whatever it prints later would show in the comparison.
	sleep 0.2
	kill -"$sig" "$pid" 2>/dev/null
	wait "$pid"
	rc=$?
}

# expect_untimed DESCRIPTION RC STDOUT STDERR: stdout with TIME for times.
expect_untimed() {
	[ "$rc" -eq "$2" ] && [ "$(untimed)" = "$3" ] &&
		[ "$(cat "$out/stderr")" = "$4" ]
	report $? "$1" "$2"
}

snap=11223344-0001-4002-8003-040506070809
set=aaaaaaaa-0001-4002-8003-040506070809
all_text="TIME snapshot-created id $snap set $set origin vdb device /dev/vss-snap0
TIME storage-threshold origin vdb threshold 80% used 832K of 1M
TIME snapshot-invalid id $snap set $set origin vdb device /dev/vss-snap0 reason overflow
TIME snapshot-deleted id $snap set $set origin vdb device /dev/vss-snap0
TIME session-state session 13 restore state metadata-gathered running pre-restore owner 4001
TIME session-state session 12 backup state snapshot-done owner 4000 set $set
TIME fs-frozen /srv device vdc owner 4242 timeout 30s
TIME fs-thawed /srv device vdc detached timeout 10m reason deadline frozen 1.5s"

monitor TERM 8 monitor
expect_untimed "every kind, text: one exact line each; SIGTERM: exit 0" 0 "$all_text" ""
expect_calls "joins, then handles what arrives" "monitor_start
process"

monitor INT 8 monitor all
expect_untimed "all is the default; SIGINT: exit 0" 0 "$all_text" ""

monitor TERM 8 -j monitor
expect_untimed "JSON: one object per line, every key" 0 \
"{\"time\":\"TIME\",\"event\":\"snapshot-created\",\"id\":\"$snap\",\"set_id\":\"$set\",\"origin\":\"vdb\",\"device\":\"/dev/vss-snap0\"}
{\"time\":\"TIME\",\"event\":\"storage-threshold\",\"origin\":\"vdb\",\"threshold\":80,\"used_bytes\":851968,\"max_bytes\":1048576}
{\"time\":\"TIME\",\"event\":\"snapshot-invalid\",\"id\":\"$snap\",\"set_id\":\"$set\",\"origin\":\"vdb\",\"device\":\"/dev/vss-snap0\",\"reason\":\"overflow\"}
{\"time\":\"TIME\",\"event\":\"snapshot-deleted\",\"id\":\"$snap\",\"set_id\":\"$set\",\"origin\":\"vdb\",\"device\":\"/dev/vss-snap0\"}
{\"time\":\"TIME\",\"event\":\"session-state\",\"session\":13,\"type\":\"restore\",\"state\":\"metadata-gathered\",\"op\":\"pre-restore\",\"owner\":4001}
{\"time\":\"TIME\",\"event\":\"session-state\",\"session\":12,\"type\":\"backup\",\"state\":\"snapshot-done\",\"op\":\"none\",\"owner\":4000,\"set_id\":\"$set\"}
{\"time\":\"TIME\",\"event\":\"fs-frozen\",\"path\":\"/srv\",\"device\":\"vdc\",\"owner\":4242,\"detached\":false,\"timeout_ms\":30000}
{\"time\":\"TIME\",\"event\":\"fs-thawed\",\"path\":\"/srv\",\"device\":\"vdc\",\"owner\":0,\"detached\":true,\"timeout_ms\":600000,\"reason\":\"deadline\",\"frozen_ns\":1500000000}" ""

monitor TERM 4 monitor session fs
expect_untimed "session fs: those kinds only" 0 \
"TIME session-state session 13 restore state metadata-gathered running pre-restore owner 4001
TIME session-state session 12 backup state snapshot-done owner 4000 set $set
TIME fs-frozen /srv device vdc owner 4242 timeout 30s
TIME fs-thawed /srv device vdc detached timeout 10m reason deadline frozen 1.5s" ""

monitor TERM 1 monitor sto
expect_untimed "a prefix names a kind: storage only" 0 \
	"TIME storage-threshold origin vdb threshold 80% used 832K of 1M" ""

monitor TERM 3 monitor snap snap
expect_untimed "a kind named twice: once" 0 \
"TIME snapshot-created id $snap set $set origin vdb device /dev/vss-snap0
TIME snapshot-invalid id $snap set $set origin vdb device /dev/vss-snap0 reason overflow
TIME snapshot-deleted id $snap set $set origin vdb device /dev/vss-snap0" ""

FAKE_LIBVSS=monitor-lost monitor TERM 8 monitor
expect_untimed "lost notifications: said on stderr, the monitor goes on" 0 \
	"$all_text" \
	"vssctl: the socket's receive buffer overflowed 2 time(s): notifications were lost
vssctl: 1 malformed notification(s) dropped"

FAKE_LIBVSS=monitor-fail run monitor
expect_untimed "a broken socket: what came, then exit 1" 1 "$all_text" \
	"vssctl: cannot read events: Input/output error: fake: the socket broke"

FAKE_LIBVSS=unpriv run monitor
expect "without CAP_SYS_ADMIN: the reason and a hint" 1 "" \
"vssctl: cannot join the monitor group: Operation not permitted: joining the monitor group needs CAP_SYS_ADMIN
vssctl: hint: the monitor shows every user's backups: run it as root"
FAKE_LIBVSS=absent run monitor
expect "without the module: module not loaded" 1 "" \
	"vssctl: module not loaded: fake: family absent"

run monitor bogus
expect_usage "an unknown kind" "unknown command \"bogus\" for \"monitor\""
run monitor fs bogus
expect_usage "an unknown kind after one" "unknown kind of event \"bogus\""
run monitor fs s
expect_usage "an ambiguous kind" "ambiguous kind of event \"s\""
run monitor s
expect_usage "an ambiguous first kind" "ambiguous command \"s\" for \"monitor\""

finish
