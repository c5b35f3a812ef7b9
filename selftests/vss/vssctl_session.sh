#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# `vssctl session` against the real module: list shows another process's
# session (type, state, running operation, owner and its pid, writers); an
# administrator's `session abort` from outside the requester ends the
# owner's running operation as cancelled (ECANCELED, status cancelled) and
# leaves the session aborted, the owner releasing it; a prepared session's
# writer gets Abort; the same abort without CAP_SYS_ADMIN is refused with
# EPERM and changes nothing; a released or unknown session is refused with
# the kernel's reason. The requester and its writer are
# build/selftests/helpers/vss-test-session (selftests/helpers/session.c, libvss).
set -u

top=$(cd "$(dirname "$0")/../../.." && pwd)
vssctl=$top/tools/vssctl/vssctl
helper=$top/build/selftests/helpers/vss-test-session
work=$(mktemp -d /tmp/vssctl-session.XXXXXX)
hp=

tap_prefix=vssctl
# shellcheck source=selftests/lib/tap.sh
. "$top/selftests/lib/tap.sh"

json() { python3 -c "import json,sys; d=json.load(sys.stdin); print($1)"; }


cleanup() {
	[ -n "$hp" ] && kill -KILL "$hp" 2>/dev/null
	wait
	rm -rf "$work"
}
trap cleanup EXIT

# Without CAP_SYS_ADMIN, as root otherwise.
unprivileged() { setpriv --bounding-set=-sys_admin --inh-caps=-sys_admin "$@"; }

# Starts the helper in MODE; waits up to 30 s for its first line, which
# names the session -> $hp, $sid.
start_helper() { # start_helper MODE
	"$helper" "$1" >"$work/h.out" 2>"$work/h.err" &
	hp=$!
	sid=
	for _ in $(seq 300); do
		sid=$(sed -n 's/^session \([0-9]*\) .*/\1/p' "$work/h.out")
		[ -n "$sid" ] && return 0
		sleep 0.1
	done
	return 1
}

# Waits for the helper to end: its exit code.
end_helper() {
	local rc
	for _ in $(seq 300); do
		kill -0 "$hp" 2>/dev/null || break
		sleep 0.1
	done
	kill -KILL "$hp" 2>/dev/null
	wait "$hp"
	rc=$?
	hp=
	note "$(cat "$work/h.out" "$work/h.err")"
	return $rc
}

echo "TAP version 13"

if ! "$vssctl" -j version | grep -q '"sessions"'; then
	echo "1..0 # SKIP the module lacks the feature sessions"
	exit 4
fi
if ! [ -x "$helper" ]; then
	echo "1..0 # SKIP $helper is not built"
	exit 4
fi

# ---- a running operation, aborted from outside ----

start_helper pending
result $? "session_helper_has_a_session_with_identify_waiting"

out=$("$vssctl" -j session list)
note "$out"
[ "$(echo "$out" | json "[(s['type'], s['state'], s['op'], s['writers'], s['owner'] > 0, s['pid'], s['backup_type'], s['error'], s['status'], 'set_id' in s) for s in d if s['id'] == $sid]")" = \
	"[('backup', 'created', 'gather-metadata', 1, True, $hp, 'undefined', 0, 'success', False)]" ]
result $? "session_list_json_shows_another_process_session_and_its_pid"

"$vssctl" session list | grep -qx "session $sid backup state created running gather-metadata owner [0-9]* pid $hp writers 1"
result $? "session_list_text_shows_it"

err=$(unprivileged "$vssctl" session abort "$sid" 2>&1)
rc=$?
note "$err"
[ $rc -eq 1 ] && [ "$err" = "vssctl: cannot abort session $sid: Operation not permitted: needs CAP_SYS_ADMIN
vssctl: hint: aborting a session needs CAP_SYS_ADMIN: run it as root" ]
result $? "session_abort_unprivileged_fails_eperm"

[ "$("$vssctl" -j session list | json "[(s['state'], s['op']) for s in d if s['id'] == $sid]")" = \
	"[('created', 'gather-metadata')]" ] && kill -0 "$hp"
result $? "session_abort_unprivileged_changes_nothing"

out=$("$vssctl" session abort "$sid" 2>&1)
rc=$?
[ $rc -eq 0 ] && [ -z "$out" ]
result $? "session_abort_by_an_administrator_succeeds_silently"

end_helper
rc=$?
[ $rc -eq 0 ] && [ "$(cat "$work/h.out")" = "session $sid pending
gather cancelled ECANCELED cancelled
state aborted
released" ] && [ ! -s "$work/h.err" ]
result $? "session_abort_ends_the_owner_operation_cancelled_session_aborted"

err=$("$vssctl" session abort "$sid" 2>&1)
rc=$?
note "$err"
[ $rc -eq 1 ] && [ "$err" = "vssctl: cannot abort session $sid: File descriptor in bad state: the session was released
vssctl: hint: the session was released already; nothing to abort" ]
result $? "session_abort_of_a_released_session_fails_ebadfd"

err=$("$vssctl" session abort 4000000000 2>&1)
rc=$?
note "$err"
[ $rc -eq 1 ] && [ "$err" = "vssctl: cannot abort session 4000000000: No such file or directory: no session with this id
vssctl: hint: vssctl session list shows the sessions that exist" ]
result $? "session_abort_of_no_session_fails_enoent"

# ---- a prepared session: its writer gets Abort ----

start_helper prepared
result $? "session_helper_has_a_prepared_session"

[ "$("$vssctl" -j session list | json "[(s['state'], s['op'], s['backup_type'], s['writers']) for s in d if s['id'] == $sid]")" = \
	"[('prepared', 'none', 'full', 1)]" ]
result $? "session_list_shows_it_prepared"

"$vssctl" session abort "$sid"
result $? "session_abort_of_a_prepared_session"

end_helper
rc=$?
[ $rc -eq 0 ] && [ "$(cat "$work/h.out")" = "session $sid prepared
writer abort
state aborted
released" ] && [ ! -s "$work/h.err" ]
result $? "session_abort_sends_abort_to_the_writer_session_aborted"

# Released sessions go once their release ran.
for _ in $(seq 50); do
	[ "$("$vssctl" -j session list)" = "[]" ] && break
	sleep 0.1
done
[ "$("$vssctl" -j session list)" = "[]" ] && [ -z "$("$vssctl" session list)" ]
result $? "session_list_empty_once_released"

echo "1..$n"
[ $failed -eq 0 ]
