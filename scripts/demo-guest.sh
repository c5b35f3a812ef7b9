#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The guest half of `make demo` (runs inside the VM).
set -euo pipefail

top=$(cd "$(dirname "$0")/.." && pwd)
vssctl=$top/tools/vssctl/vssctl

say() { printf '\n== %s\n' "$*"; }

say "before loading the module, vssctl knows only the library"
"$vssctl" version || true

say "insmod build/kmod/$(uname -r)/vss.ko"
insmod "$top/build/kmod/$(uname -r)/vss.ko"
dmesg | grep 'vss:' | tail -n 1

say "vssctl version"
"$vssctl" version

say "vssctl -j -p version"
"$vssctl" -j -p version

say "rmmod vss"
rmmod vss
dmesg | grep 'vss:' | tail -n 1
