#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# vssctl's exact output against a fake libvss (test/fake-libvss.c): a loaded
# module in text, JSON and pretty JSON, unknown feature bits as hex, no
# features, and each kind of failure with its message and exit code.
set -u
name=vssctl-fake
. "$(dirname "$0")/fake-lib.sh"

export FAKE_LIBVSS=loaded FAKE_MASK=1

run version
expect "loaded module, text" 0 "library: 9.8.7
module: 0.1.0
protocol: 1
features: freeze-holder" ""

run -j version
expect "loaded module, JSON" 0 \
	'{"library":"9.8.7","module":"0.1.0","protocol":1,"features":["freeze-holder"]}' ""

run -j -p version
expect "loaded module, pretty JSON" 0 '{
    "library": "9.8.7",
    "module": "0.1.0",
    "protocol": 1,
    "features": [
        "freeze-holder"
    ]
}' ""

FAKE_MASK=0x10000000001 run version
expect "unknown feature bit as hex, text" 0 "library: 9.8.7
module: 0.1.0
protocol: 1
features: freeze-holder 0x10000000000" ""

FAKE_MASK=0x10000000001 run -j version
expect "unknown feature bit as hex, JSON" 0 \
	'{"library":"9.8.7","module":"0.1.0","protocol":1,"features":["freeze-holder","0x10000000000"]}' ""

FAKE_MASK=3 run version
expect "file storage by name, text" 0 "library: 9.8.7
module: 0.1.0
protocol: 1
features: freeze-holder file-storage" ""

FAKE_MASK=2 run -j version
expect "file storage by name, JSON" 0 \
	'{"library":"9.8.7","module":"0.1.0","protocol":1,"features":["file-storage"]}' ""

FAKE_MASK=0 run version
expect "no features, text" 0 "library: 9.8.7
module: 0.1.0
protocol: 1
features: none" ""

FAKE_MASK=0 run -j version
expect "no features, JSON" 0 \
	'{"library":"9.8.7","module":"0.1.0","protocol":1,"features":[]}' ""

FAKE_LIBVSS=absent run version
expect "module absent, text" 1 "library: 9.8.7" \
	"vssctl: module not loaded: fake: family absent"

FAKE_LIBVSS=absent run -j version
expect "module absent, JSON" 1 '{"library":"9.8.7"}' \
	"vssctl: module not loaded: fake: family absent"

FAKE_LIBVSS=eperm run version
expect "open fails otherwise: strerror, then ext error" 1 "library: 9.8.7" \
	"vssctl: cannot reach the vss module: Operation not permitted: fake: no socket for you"

FAKE_LIBVSS=features-error run -j version
expect "GET_FEATURES fails: strerror, then the kernel's message" 1 \
	'{"library":"9.8.7"}' \
	"vssctl: cannot get the module's features: Operation not supported: fake: the kernel said no"

finish
