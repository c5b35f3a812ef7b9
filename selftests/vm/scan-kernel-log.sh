#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# scan-kernel-log.sh LOGFILE
#
# Look for signs of a kernel bug in a guest console log: warnings, oopses,
# lockdep and sanitizer reports, lockups, hung tasks, RCU stalls, leaks.
# Exit 0 if the log is clean, 1 if something was found (each hit is printed
# on stderr with context, every line prefixed "guest-kernel| "), 2 on usage
# errors.

set -euo pipefail

# One extended regex per class of report. Lockdep headers all start with
# "WARNING:" and most sanitizers' with "BUG:", but are listed anyway so a
# change of wording in one of them does not silently pass.
patterns=(
	'WARNING:'
	'BUG:'
	'kernel BUG'
	'Oops'
	'general protection fault'
	'Kernel panic'
	'possible circular locking'
	'possible recursive locking'
	'inconsistent lock state'
	'soft lockup'
	'hard LOCKUP'
	'blocked for more than [0-9]+ seconds'
	'UBSAN:'
	'KASAN:'
	'KFENCE:'
	'ODEBUG:'
	'kmemleak: .*(new suspected memory leak|unreferenced)'
	'unreferenced object 0x'
	'rcu.* detected stall'
	'self-detected stall'
)

# Lines shown after each hit: a WARNING or oops is followed by its
# registers and call trace, which is what a developer needs to see.
context=30

if [ $# -ne 1 ]; then
	echo "usage: $0 LOGFILE" >&2
	exit 2
fi
log=$1
if [ ! -r "$log" ]; then
	echo "$0: cannot read $log" >&2
	exit 2
fi

regex=$(IFS='|'; echo "${patterns[*]}")

# The serial console ends lines with \r\n; drop the \r before matching
# and printing. Not `grep -q`: it exits at the first hit, tr then dies of
# SIGPIPE on a log longer than the pipe holds, and under pipefail the
# pipeline's status was tr's, so a big log with a report passed as clean.
if ! tr -d '\r' < "$log" | grep -E -- "$regex" > /dev/null; then
	exit 0
fi
echo "# kernel log $log reports problems:" >&2
tr -d '\r' < "$log" | grep -nE -B 3 -A "$context" -- "$regex" |
	sed 's/^/guest-kernel| /' >&2
exit 1
