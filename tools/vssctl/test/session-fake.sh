#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# `vssctl session` against the fake libvss (test/fake-libvss.c): exact text
# and JSON of list (one SESSION_GET per session the dump listed, for the
# writer count); abort by id, with the kernel's reason and a hint for a
# session that is not there, was released, or a caller without
# CAP_SYS_ADMIN (exit 1); usage errors exit 2 without asking libvss.
set -u
name=session-fake
. "$(dirname "$0")/fake-lib.sh"
export FAKE_LIBVSS=loaded

set=aaaaaaaa-0001-4002-8003-040506070809

run session list
expect "list, text: a line per session" 0 \
"session 12 backup state snapshot-done owner 4200000 backup-type full writers 2 set $set
session 13 restore state metadata-gathered running pre-restore owner 4200001 writers 0" ""
expect_calls "list: the dump, then each session" "session_list
session_get 12
session_get 13"

list_json="[{\"id\":12,\"type\":\"backup\",\"state\":\"snapshot-done\",\"op\":\"none\",\"owner\":4200000,\"backup_type\":\"full\",\"writers\":2,\"error\":0,\"status\":\"success\",\"set_id\":\"$set\"},{\"id\":13,\"type\":\"restore\",\"state\":\"metadata-gathered\",\"op\":\"pre-restore\",\"owner\":4200001,\"backup_type\":\"undefined\",\"writers\":0,\"error\":0,\"status\":\"success\"}]"
run -j session list
expect "list, JSON: every key" 0 "$list_json" ""
run -j session
expect "list is the default command" 0 "$list_json" ""

FAKE_LIBVSS=empty run -j session list
expect "no sessions, JSON: an empty array" 0 "[]" ""
FAKE_LIBVSS=empty run session list
expect "no sessions, text: no output" 0 "" ""
FAKE_LIBVSS=op-error run session list
expect "list fails: strerror, then the kernel's message" 1 "" \
	"vssctl: cannot list sessions: Device or resource busy: fake: busy"

run session abort 12
expect "abort: silent success" 0 "" ""
expect_calls "abort: one request with the id" "session_abort 12"
run session abort 99
expect "abort of no session: the kernel's reason and a hint" 1 "" \
"vssctl: cannot abort session 99: No such file or directory: fake: no session with this id
vssctl: hint: vssctl session list shows the sessions that exist"
run session abort 13
expect "abort of a released session: the kernel's reason and a hint" 1 "" \
"vssctl: cannot abort session 13: File descriptor in bad state: fake: the session was released
vssctl: hint: the session was released already; nothing to abort"
FAKE_LIBVSS=unpriv run session abort 12
expect "abort without CAP_SYS_ADMIN: the kernel's reason and a hint" 1 "" \
"vssctl: cannot abort session 12: Operation not permitted: fake: needs CAP_SYS_ADMIN
vssctl: hint: aborting a session needs CAP_SYS_ADMIN: run it as root"

run session abort
expect_usage "abort needs an id" "ID is missing"
run session abort 0
expect_usage "id 0 names no session" "\"0\" is not a session id"
run session abort 12x
expect_usage "not a number" "\"12x\" is not a session id"
run session abort -1
expect_usage "a negative id" "is not a session id"
run session abort 4294967296
expect_usage "an id past 32 bits" "\"4294967296\" is not a session id"
run session abort 12 13
expect_usage "one id" "unexpected argument \"13\""
run session list extra
expect_usage "list takes no argument" "unexpected argument \"extra\""

finish
