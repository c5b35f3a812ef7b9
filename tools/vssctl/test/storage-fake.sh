#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# `vssctl storage` against the fake libvss (test/fake-libvss.c): exact text,
# JSON and pretty JSON, file storage's path and size and the thresholds
# included; the arguments vssctl hands libvss (SIZE suffixes, PCT, the kind
# and directory, bare kernel names as /dev paths for add and as they are
# for the others); each failure with its message, a hint where there is a
# way out, and exit code; usage errors exit 2 without asking libvss
# anything.
set -u
name=storage-fake
. "$(dirname "$0")/fake-lib.sh"
export FAKE_LIBVSS=loaded

list_text='vda1 kind memory max 1G used 192K chunk 64K thresholds 80%,95%
dm-0 kind memory max 1500000000 used 0 chunk 4K
sdb kind file path /mnt/vss store max 24M used 12M file-size 12M chunk 64K thresholds 50%,75%,90%,100%
vdz kind 7 max 5T used 1 chunk 1M thresholds 99%'
vda1_json='{"origin":"vda1","kind":"memory","max_bytes":1073741824,"used_bytes":196608,"chunk_bytes":65536,"thresholds":[80,95]}'
dm0_json='{"origin":"dm-0","kind":"memory","max_bytes":1500000000,"used_bytes":0,"chunk_bytes":4096,"thresholds":[]}'
sdb_json='{"origin":"sdb","kind":"file","path":"/mnt/vss store","max_bytes":25165824,"used_bytes":12582912,"file_bytes":12582912,"chunk_bytes":65536,"thresholds":[50,75,90,100]}'
vdz_json='{"origin":"vdz","kind":"7","max_bytes":5497558138880,"used_bytes":1,"chunk_bytes":1048576,"thresholds":[99]}'
list_json="[$vda1_json,$dm0_json,$sdb_json,$vdz_json]"

run storage list
expect "list, text: sizes with exact suffixes, unknown kind as a number, file path and size, thresholds where reported" 0 \
	"$list_text" ""
expect_calls "list: one dump" "storage_list"

run -j storage list
expect "list, JSON: an array of objects, sizes in bytes, path and file_bytes of files, thresholds always" 0 "$list_json" ""

run -j storage
expect "list is the default command" 0 "$list_json" ""

run -j -p storage list
expect "list, pretty JSON" 0 '[
    {
        "origin": "vda1",
        "kind": "memory",
        "max_bytes": 1073741824,
        "used_bytes": 196608,
        "chunk_bytes": 65536,
        "thresholds": [
            80,
            95
        ]
    },
    {
        "origin": "dm-0",
        "kind": "memory",
        "max_bytes": 1500000000,
        "used_bytes": 0,
        "chunk_bytes": 4096,
        "thresholds": []
    },
    {
        "origin": "sdb",
        "kind": "file",
        "path": "/mnt/vss store",
        "max_bytes": 25165824,
        "used_bytes": 12582912,
        "file_bytes": 12582912,
        "chunk_bytes": 65536,
        "thresholds": [
            50,
            75,
            90,
            100
        ]
    },
    {
        "origin": "vdz",
        "kind": "7",
        "max_bytes": 5497558138880,
        "used_bytes": 1,
        "chunk_bytes": 1048576,
        "thresholds": [
            99
        ]
    }
]' ""

FAKE_LIBVSS=empty run storage list
expect "list of nothing, text: no output" 0 "" ""
FAKE_LIBVSS=empty run -j storage list
expect "list of nothing, JSON: an empty array" 0 "[]" ""

run storage show vda1
expect "show, text" 0 "vda1 kind memory max 1G used 192K chunk 64K thresholds 80%,95%" ""
expect_calls "show of a bare name passes the kernel name as it is" \
	"storage_get vda1"

run -j storage show /dev/dm-0
expect "show, JSON: one object" 0 "$dm0_json" ""
expect_calls "show of a path passes it as is" "storage_get /dev/dm-0"

run storage show sdb
expect "show of a file storage, text: path and file size" 0 \
	"sdb kind file path /mnt/vss store max 24M used 12M file-size 12M chunk 64K thresholds 50%,75%,90%,100%" ""
run -j storage show sdb
expect "show of a file storage, JSON" 0 "$sdb_json" ""

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

run storage add /dev/vdb --file /var/lib/vss --max 24M
expect "add --file: silent on success" 0 "" ""
expect_calls "add --file: kind file and the directory" \
	"storage_add /dev/vdb max=25165824 chunk=0 kind=2 path=/var/lib/vss"

run storage add vdb --max=1G --file=/mnt/vss\ store --chunk 16K \
	--threshold 50 --threshold=75% --threshold 100
expect_calls "add with every option: thresholds in order, % allowed" \
	"storage_add /dev/vdb max=1073741824 chunk=16384 kind=2 path=/mnt/vss store thresholds=50,75,100"

run storage add vdb --memory --max 1M --threshold 99
expect_calls "add --memory: the default kind, said" \
	"storage_add /dev/vdb max=1048576 chunk=0 thresholds=99"

run storage add vdb --max 1M --threshold 10 --threshold 20 --threshold 30 \
	--threshold 40 --threshold 50
expect_calls "add: five thresholds are the kernel's to refuse" \
	"storage_add /dev/vdb max=1048576 chunk=0 thresholds=10,20,30,40,50"

run storage add vdc --file /srv/store --max 1G
expect "add --file on an origin: -EXDEV, the kernel's message, a hint" 1 "" \
	"vssctl: cannot add diff storage for /dev/vdc: Invalid cross-device link: fake: the storage file would be on origin vda1
vssctl: hint: the storage file must be on a filesystem outside every origin"

# ---- set and resize ----

run storage set vda1 --max 2G
expect "set --max: silent on success" 0 "" ""
expect_calls "set --max: the kernel name as it is, no thresholds" \
	"storage_set vda1 max=2147483648"

run storage set /dev/sdb --threshold 60 --threshold 85%
expect_calls "set --threshold: thresholds alone, max 0" \
	"storage_set /dev/sdb max=0 thresholds=60,85"

run storage set --threshold=70 sdb --max=48M
expect_calls "set of both, options first" \
	"storage_set sdb max=50331648 thresholds=70"

run storage resize sdb --max 32M
expect "resize: silent on success" 0 "" ""
expect_calls "resize: set of max alone" "storage_set sdb max=33554432"

run storage resize vda1 --max 64K
expect "resize below the use: -EBUSY, the kernel's message, a hint" 1 "" \
	"vssctl: cannot change the diff storage of vda1: Device or resource busy: fake: max-bytes below the bytes in use
vssctl: hint: free diff storage first: vssctl snapshot delete --oldest vda1"

run storage set vdq --max 1G
expect "set of an origin without storage: the kernel's message" 1 "" \
	"vssctl: cannot change the diff storage of vdq: No such file or directory: fake: origin has no diff storage"

run -j storage set vda1 --max 2G
expect "set, JSON: silent too" 0 "" ""

run storage remove /dev/vda1
expect "remove: silent on success" 0 "" ""
expect_calls "remove: the origin" "storage_remove /dev/vda1"

run storage remove sdb
expect_calls "remove of a bare name: the kernel name, which outlives the device node" \
	"storage_remove sdb"

FAKE_LIBVSS=op-error run storage remove vda1
expect "remove fails: strerror, then the kernel's message" 1 "" \
	"vssctl: cannot remove the diff storage of vda1: Device or resource busy: fake: busy"

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
run storage add /dev/vdb --max 1G --file /x --memory
expect_usage "add --file --memory exits 2" "exclude each other"
run storage add /dev/vdb --max 1G --file /x --file /y
expect_usage "add --file twice exits 2" "--file given twice"
run storage add /dev/vdb --max 1G --file ""
expect_usage "add --file of nothing exits 2" "directory is empty"
run storage add /dev/vdb --max 1G --file
expect_usage "add --file without a value exits 2" "--file needs a value"
run storage add /dev/vdb --max 1G --threshold 0
expect_usage "add --threshold 0 exits 2" '"0" is not a percentage from 1 to 100'
run storage add /dev/vdb --max 1G --threshold 101
expect_usage "add --threshold 101 exits 2" '"101" is not a percentage'
run storage add /dev/vdb --max 1G --threshold 50%%
expect_usage "add --threshold 50%% exits 2" 'not a percentage'
run storage add /dev/vdb --max 1G --threshold -5
expect_usage "add --threshold -5 exits 2" 'not a percentage'
run storage add /dev/vdb --max 1G --threshold
expect_usage "add --threshold without a value exits 2" '--threshold needs a value'
many=()
for i in $(seq 1 101); do many+=(--threshold $((i % 100 + 1))); done
run storage add /dev/vdb --max 1G "${many[@]}"
expect_usage "add of 101 thresholds exits 2" 'more than 100 thresholds'
run storage set vda1
expect_usage "set of nothing exits 2" "nothing to change"
run storage set vda1 --max 0
expect_usage "set --max 0 exits 2" "not a size above 0"
run storage set vda1 --chunk 4K
expect_usage "set --chunk exits 2: the chunk is fixed" 'unknown option "--chunk"'
run storage set vda1 --file /x
expect_usage "set --file exits 2: the kind is fixed" 'unknown option "--file"'
run storage set --max 1G
expect_usage "set without ORIGIN exits 2" "ORIGIN is missing"
run storage resize vda1
expect_usage "resize without --max exits 2" "--max SIZE is missing"
run storage resize vda1 --max 1G --threshold 50
expect_usage "resize with --threshold exits 2" "resize takes no --threshold"
run storage resize vda1 sdb --max 1G
expect_usage "resize of two origins exits 2" 'unexpected argument "sdb"'
run storage s vda1
expect_usage "s is ambiguous between show and set" 'ambiguous command "s"'
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
