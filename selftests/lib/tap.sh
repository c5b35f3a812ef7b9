# SPDX-License-Identifier: GPL-2.0
# shellcheck shell=bash
#
# TAP output for the shell selftests, sourced after setting tap_prefix
# (the program's name): `result STATUS DESCRIPTION` prints one case,
# `ok N PREFIX.DESCRIPTION` or `not ok ...`, and counts failures in
# `failed`; `note TEXT` prints TEXT as TAP comments, line by line. A test
# ends with `exit $((failed > 0))`.

n=0
failed=0

result() { # result STATUS DESCRIPTION
	n=$((n + 1))
	if [ "$1" -eq 0 ]; then
		echo "ok $n ${tap_prefix:?}.$2"
	else
		echo "not ok $n ${tap_prefix:?}.$2"
		failed=$((failed + 1))
	fi
}

note() { printf '%s\n' "$*" | sed 's/^/# /'; }
