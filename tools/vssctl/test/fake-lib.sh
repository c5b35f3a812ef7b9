# SPDX-License-Identifier: GPL-2.0
#
# Sourced by the tests of vssctl against the fake libvss: runs the fake
# vssctl (under valgrind when $VALGRIND names it) and compares exit code,
# stdout and stderr exactly. Each script sets $name for its result lines.

here=$(cd "$(dirname "$0")" && pwd)
vssctl=$here/vssctl-fake
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
n=0
failed=0
# What the fake was asked, one line per call (see fake-libvss.c).
export FAKE_LOG=$out/log

run() { # run ARGS... -> $rc, $out/stdout, $out/stderr, $out/log
	: > "$FAKE_LOG"
	if [ -n "${VALGRIND:-}" ]; then
		"$VALGRIND" -q --error-exitcode=99 --leak-check=full \
			--errors-for-leak-kinds=definite,possible \
			"$vssctl" "$@" >"$out/stdout" 2>"$out/stderr"
	else
		"$vssctl" "$@" >"$out/stdout" 2>"$out/stderr"
	fi
	rc=$?
}

report() { # report STATUS DESCRIPTION [WANT-RC]
	n=$((n + 1))
	if [ "$1" -eq 0 ]; then
		echo "ok $n - $name: $2"
		return
	fi
	echo "not ok $n - $name: $2"
	echo "#   exit $rc${3:+, want $3}; stdout:"
	sed 's/^/#     /' "$out/stdout"
	echo "#   stderr:"
	sed 's/^/#     /' "$out/stderr"
	echo "#   calls:"
	sed 's/^/#     /' "$FAKE_LOG"
	failed=$((failed + 1))
}

# expect DESCRIPTION RC STDOUT STDERR
expect() {
	[ "$rc" -eq "$2" ] && [ "$(cat "$out/stdout")" = "$3" ] &&
		[ "$(cat "$out/stderr")" = "$4" ]
	report $? "$1" "$2"
}

# expect_calls DESCRIPTION CALLS: the fake saw exactly these calls.
expect_calls() {
	[ "$(cat "$FAKE_LOG")" = "$2" ]
	report $? "$1"
}

# expect_usage DESCRIPTION STDERR-PATTERN: exit 2, nothing asked of libvss.
expect_usage() {
	[ "$rc" -eq 2 ] && [ ! -s "$out/stdout" ] && [ ! -s "$FAKE_LOG" ] &&
		grep -q -- "$2" "$out/stderr" &&
		grep -qx 'Try "vssctl help".' "$out/stderr"
	report $? "$1" 2
}

finish() {
	[ "$failed" -eq 0 ]
}
