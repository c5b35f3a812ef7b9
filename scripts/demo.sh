#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# `make demo`: boots the newest installed kernel in a VM and shows the
# project doing its main job there. Today that is the module answering
# vssctl; it grows with the project into a full application-consistent
# backup.
set -euo pipefail

top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top"
kver=${KVER:-$(find /lib/modules -mindepth 1 -maxdepth 1 -printf '%f\n' | grep -v -- -vss-debug | sort -V | tail -n 1)}

echo "== vss demo: booting $kver under qemu (software emulation, ~10 s)"
exec selftests/vm/run.sh --kernel "$kver" --timeout 300 -- scripts/demo-guest.sh
