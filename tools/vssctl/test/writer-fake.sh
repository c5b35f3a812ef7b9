#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# `vssctl writer` against the fake libvss (test/fake-libvss.c): exact text
# and JSON of list (a writer that failed shows its errno and message) and
# of status (each session with its writers, one SESSION_GET per session
# the dump listed, or only the one asked for); failures print the kernel's
# message and exit 1; usage errors exit 2 without asking libvss anything.
set -u
name=writer-fake
. "$(dirname "$0")/fake-lib.sh"
export FAKE_LIBVSS=loaded

class=c1a55000-0000-4000-8000-000000000001
inst=1e570001-0000-4000-8000-000000000002
setA=aaaaaaaa-0001-4002-8003-040506070809

run writer list
expect "list, text: two lines per writer, errno and message only when failed" 0 \
"\"PostgreSQL Writer\" instance \"main\" id 3 level back-end state stable failure none session 12
    class $class instance-id $inst
\"app\" id 5 level front-end state failed-at-freeze failure retryable errno 5 message \"disk busy\" session 12
    class $class instance-id $inst" ""
expect_calls "list: one dump" "writer_list"

list_json="[{\"name\":\"PostgreSQL Writer\",\"instance_name\":\"main\",\"id\":3,\"level\":\"back-end\",\"state\":\"stable\",\"failure\":\"none\",\"error\":0,\"message\":\"\",\"session_id\":12,\"freeze_timeout_ms\":60000,\"portid\":4242,\"class_id\":\"$class\",\"instance_id\":\"$inst\"},{\"name\":\"app\",\"instance_name\":\"\",\"id\":5,\"level\":\"front-end\",\"state\":\"failed-at-freeze\",\"failure\":\"retryable\",\"error\":5,\"message\":\"disk busy\",\"session_id\":12,\"freeze_timeout_ms\":1000,\"portid\":4243,\"class_id\":\"$class\",\"instance_id\":\"$inst\"}]"

run -j writer list
expect "list, JSON: every key of every writer" 0 "$list_json" ""

run -j writer
expect "list is the default command" 0 "$list_json" ""
expect_calls "the default command is list" "writer_list"

FAKE_LIBVSS=empty run -j writer list
expect "no writers, JSON: an empty array" 0 "[]" ""
FAKE_LIBVSS=empty run writer list
expect "no writers, text: no output" 0 "" ""

FAKE_LIBVSS=op-error run writer list
expect "list fails: strerror, then the kernel's message" 1 "" \
	"vssctl: cannot list writers: Device or resource busy: fake: busy"

run writer status
expect "status, text: each session, a line per writer" 0 \
"session 12 backup state snapshot-done owner 4200000 set $setA
    \"PostgreSQL Writer\" id 3 state waiting-for-backup-complete failure none selected
    \"app\" id 5 state failed-at-freeze failure retryable errno 5 message \"disk busy\"
session 13 restore state metadata-gathered running pre-restore owner 4200001" ""
expect_calls "status: the dump, then each session" "session_list
session_get 12
session_get 13"

run -j writer status
expect "status, JSON" 0 \
"[{\"id\":12,\"type\":\"backup\",\"state\":\"snapshot-done\",\"op\":\"none\",\"error\":0,\"status\":\"success\",\"owner\":4200000,\"set_id\":\"$setA\",\"writers\":[{\"name\":\"PostgreSQL Writer\",\"id\":3,\"state\":\"waiting-for-backup-complete\",\"failure\":\"none\",\"error\":0,\"message\":\"\",\"selected\":true},{\"name\":\"app\",\"id\":5,\"state\":\"failed-at-freeze\",\"failure\":\"retryable\",\"error\":5,\"message\":\"disk busy\",\"selected\":false}]},{\"id\":13,\"type\":\"restore\",\"state\":\"metadata-gathered\",\"op\":\"pre-restore\",\"error\":0,\"status\":\"success\",\"owner\":4200001,\"writers\":[]}]" ""

run writer status --session 13
expect "status of one session" 0 \
	"session 13 restore state metadata-gathered running pre-restore owner 4200001" ""
expect_calls "status --session: no dump" "session_get 13"

run writer status --session=99
expect "status of an unknown session: the kernel's message" 1 "" \
	"vssctl: cannot get session 99: No such file or directory: fake: no session with this id"

FAKE_LIBVSS=empty run -j writer status
expect "no sessions, JSON: an empty array" 0 "[]" ""

run writer status --session 0
expect_usage "session 0 is not an id" "is not a session id"
run writer status --session x1
expect_usage "a session id is a number" "is not a session id"
run writer status --bogus
expect_usage "unknown option" "unknown option \"--bogus\""
run writer list extra
expect_usage "list takes no argument" "unexpected argument \"extra\""

finish
