#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# `vssctl storage` against the fake libvss (test/fake-libvss.c): exact text,
# JSON and pretty JSON; the arguments vssctl hands libvss (SIZE suffixes,
# bare kernel names as /dev paths); each failure with its message and exit
# code; usage errors exit 2 without asking libvss anything.
set -u
name=storage-fake
. "$(dirname "$0")/fake-lib.sh"
export FAKE_LIBVSS=loaded

list_text='vda1 kind memory max 1G used 192K chunk 64K
dm-0 kind memory max 1500000000 used 0 chunk 4K
vdz kind 7 max 5T used 1 chunk 1M'
list_json='[{"origin":"vda1","kind":"memory","max_bytes":1073741824,"used_bytes":196608,"chunk_bytes":65536},{"origin":"dm-0","kind":"memory","max_bytes":1500000000,"used_bytes":0,"chunk_bytes":4096},{"origin":"vdz","kind":"7","max_bytes":5497558138880,"used_bytes":1,"chunk_bytes":1048576}]'

run storage list
expect "list, text: sizes with exact suffixes, unknown kind as a number" 0 \
	"$list_text" ""
expect_calls "list: one dump" "storage_list"

run -j storage list
expect "list, JSON: an array of objects, sizes in bytes" 0 "$list_json" ""

run -j storage
expect "list is the default command" 0 "$list_json" ""

run -j -p storage list
expect "list, pretty JSON" 0 '[
    {
        "origin": "vda1",
        "kind": "memory",
        "max_bytes": 1073741824,
        "used_bytes": 196608,
        "chunk_bytes": 65536
    },
    {
        "origin": "dm-0",
        "kind": "memory",
        "max_bytes": 1500000000,
        "used_bytes": 0,
        "chunk_bytes": 4096
    },
    {
        "origin": "vdz",
        "kind": "7",
        "max_bytes": 5497558138880,
        "used_bytes": 1,
        "chunk_bytes": 1048576
    }
]' ""

FAKE_LIBVSS=empty run storage list
expect "list of nothing, text: no output" 0 "" ""
FAKE_LIBVSS=empty run -j storage list
expect "list of nothing, JSON: an empty array" 0 "[]" ""

run storage show vda1
expect "show, text" 0 "vda1 kind memory max 1G used 192K chunk 64K" ""
expect_calls "show of a bare name asks for /dev/NAME" "storage_get /dev/vda1"

run -j storage show /dev/dm-0
expect "show, JSON: one object" 0 \
	'{"origin":"dm-0","kind":"memory","max_bytes":1500000000,"used_bytes":0,"chunk_bytes":4096}' ""
expect_calls "show of a path passes it as is" "storage_get /dev/dm-0"

run -j storage show /dev/vdq
expect "show of an origin without storage: the kernel's message, no JSON" 1 "" \
	"vssctl: cannot get the diff storage of /dev/vdq: No such file or directory: fake: origin has no diff storage"

run storage add /dev/vdb --max 1G
expect "add: silent on success" 0 "" ""
expect_calls "add: --max 1G is 2^30 bytes, no chunk" \
	"storage_add /dev/vdb max=1073741824 chunk=0"

run storage add --chunk=64k --max=1536M vdb
expect "add with options first, = values, lowercase suffix" 0 "" ""
expect_calls "add: 1536M and 64k in bytes, bare name as /dev path" \
	"storage_add /dev/vdb max=1610612736 chunk=65536"

run storage add vdb --max 4096 --chunk 1M
expect_calls "add: plain bytes, 1M chunk" \
	"storage_add /dev/vdb max=4096 chunk=1048576"

run storage add --max 2T -- -weird
expect_calls "add: -- ends options, so ORIGIN may start with -" \
	"storage_add /dev/-weird max=2199023255552 chunk=0"
run storage add -- vdb --max 2T
expect_usage "add: after --, --max is no option" 'unexpected argument "--max"'

run storage add vda1 --max 1G
expect "add to an origin that has storage: -EEXIST and the kernel's message" 1 "" \
	"vssctl: cannot add diff storage for /dev/vda1: File exists: fake: origin already has diff storage"

run storage remove /dev/vda1
expect "remove: silent on success" 0 "" ""
expect_calls "remove: the origin" "storage_remove /dev/vda1"

FAKE_LIBVSS=op-error run storage remove vda1
expect "remove fails: strerror, then the kernel's message" 1 "" \
	"vssctl: cannot remove the diff storage of /dev/vda1: Device or resource busy: fake: busy"

FAKE_LIBVSS=op-error run -j storage list
expect "list fails: no JSON, the message on stderr" 1 "" \
	"vssctl: cannot list diff storage: Device or resource busy: fake: busy"

FAKE_LIBVSS=absent run storage list
expect "module absent" 1 "" "vssctl: module not loaded: fake: family absent"

run storage add /dev/vdb
expect_usage "add without --max exits 2" "--max SIZE is missing"
run storage add --max 1G
expect_usage "add without ORIGIN exits 2" "ORIGIN is missing"
run storage add /dev/vdb --max 0
expect_usage "add --max 0 exits 2" 'not a size above 0'
run storage add /dev/vdb --max 1.5G
expect_usage "add --max 1.5G exits 2" '"1.5G" is not a size'
run storage add /dev/vdb --max 1X
expect_usage "add --max with an unknown suffix exits 2" 'not a size'
run storage add /dev/vdb --max -1
expect_usage "add --max -1 exits 2" 'not a size'
run storage add /dev/vdb --max 17179869184G
expect_usage "add --max beyond 64 bits exits 2" 'not a size'
run storage add /dev/vdb --max 1G --chunk 4G
expect_usage "add --chunk beyond 32 bits exits 2" 'not a chunk size'
run storage add /dev/vdb --max 1G --max 2G
expect_usage "add --max twice exits 2" '--max given twice'
run storage add /dev/vdb --max
expect_usage "add --max without a value exits 2" '--max needs a value'
run storage add /dev/vdb /dev/vdc --max 1G
expect_usage "add of two origins exits 2" 'unexpected argument "/dev/vdc"'
run storage add /dev/vdb --max 1G --size 2
expect_usage "add with an unknown option exits 2" 'unknown option "--size"'
run storage show
expect_usage "show without ORIGIN exits 2" "ORIGIN is missing"
run storage show vda1 vdb
expect_usage "show of two origins exits 2" 'unexpected argument "vdb"'
run storage remove
expect_usage "remove without ORIGIN exits 2" "ORIGIN is missing"
run storage list extra
expect_usage "list with an argument exits 2" 'unexpected argument "extra"'
run storage bogus
expect_usage "unknown storage command exits 2" 'unknown command "bogus" for "storage"'

finish
