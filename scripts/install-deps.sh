#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Installs, from Debian 12's archive, the package of every program or file
# in scripts/commands.list that is missing (the list is the one source:
# scripts/check-deps.sh reads it the same way). Quiet and quick when
# nothing is missing, so every `make demo` and `make check` can start
# with it.
#
#   install-deps.sh          what make demo, make check and the rest need
#   install-deps.sh fresh    scripts/fresh-check.sh's host tools
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
mapfile -t missing < <("$here/check-deps.sh" --packages "${1:-}")

if [ ${#missing[@]} -eq 0 ]; then
	exit 0
fi
if [ "$(id -u)" -ne 0 ]; then
	echo "install-deps: missing packages: ${missing[*]}; run as root" >&2
	exit 1
fi
echo "install-deps: installing ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
apt-get update -q
apt-get install -y -q --no-install-recommends "${missing[@]}"
# What the packages should have brought: a package whose name changed
# would otherwise pass unnoticed until a test needs it.
if [ -z "${1:-}" ]; then
	"$here/check-deps.sh"
elif [ -n "$("$here/check-deps.sh" --packages "$1")" ]; then
	echo "install-deps: still missing after the install: $("$here/check-deps.sh" --packages "$1")" >&2
	exit 1
fi
