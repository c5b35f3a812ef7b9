#!/bin/bash
# SPDX-License-Identifier: LGPL-2.1-or-later
#
# Runs each test program (under valgrind when $VALGRIND names it) and each
# test script, then prints a summary; fails if any failed. Exit status of a
# test: 0 pass, 77 skip, anything else fail. The programs print their own
# "ok"/"not ok" lines; one that dies without a "not ok" line gets one here,
# so a crash or a valgrind error is counted too, and one that skips gets an
# "ok - NAME # SKIP reason" line, so the skip is counted as one.
set -u

valgrind=${VALGRIND:-}
suite=${SUITE:-lib}
pass=0
fail=0
skip=0
failed=()

for t in "$@"; do
	name=${t##*/}
	log=$(mktemp)
	case $t in
	*.sh)	VALGRIND=$valgrind bash "$t" ;;
	*)	if [ -n "$valgrind" ]; then
			"$valgrind" -q --error-exitcode=99 --leak-check=full \
				--errors-for-leak-kinds=definite,possible \
				--show-leak-kinds=definite,possible "$t"
		else
			"$t"
		fi ;;
	esac > "$log" 2>&1
	rc=$?
	cat "$log"
	case $rc in
	0)	pass=$((pass + 1)) ;;
	77)	skip=$((skip + 1))
		# Its reason: the program's "# SKIP reason" line, if any.
		why=$(sed -n 's/^# SKIP //p' "$log" | head -n 1)
		echo "ok - $name # SKIP ${why:-exited 77}" ;;
	*)	fail=$((fail + 1))
		failed+=("$name")
		why="exited $rc"
		[ "$rc" -eq 99 ] && why="valgrind found errors (exit 99)"
		grep -q '^not ok ' "$log" || echo "not ok - $name: $why" ;;
	esac
	rm -f "$log"
done

echo "# $suite tests: $pass passed, $fail failed, $skip skipped${valgrind:+ (under valgrind)}"
[ "$fail" -eq 0 ] || echo "# failed: ${failed[*]}"
[ "$fail" -eq 0 ]
