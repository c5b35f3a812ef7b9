#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# `make demo`: boots the newest installed kernel in a VM and shows the
# project doing its main job there: an application-consistent backup of a
# live database with `vssctl backup` (scripts/demo-guest.sh).
set -euo pipefail

top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top"
kver=${KVER:-$(find /lib/modules -mindepth 1 -maxdepth 1 -printf '%f\n' | grep -v -- -vss-debug | sort -V | tail -n 1)}

echo "== vss demo: booting $kver under qemu (software emulation: a minute or two)"
exec selftests/vm/run.sh --kernel "$kver" --timeout 900 -- scripts/demo-guest.sh
