#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Test wait.sh, the shell tests' waiting helpers, on the host: each must
# succeed once its condition comes true (made true after it started
# waiting) and fail once its limit has passed without it. TAP output; exit
# 0 only if every case behaves.

set -uo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# shellcheck source=selftests/lib/wait.sh
. "$here/wait.sh"
tmp=$(mktemp -d)
pids=()
cleanup() {
	local p
	for p in "${pids[@]}"; do kill -KILL "$p" 2>/dev/null; wait "$p" 2>/dev/null; done
	rm -rf "$tmp"
}
trap cleanup EXIT

n=0
failed=0
check() { # check WANT NAME CMD...: WANT ok|fails
	local want=$1 name=$2 got=fails
	shift 2
	n=$((n + 1))
	"$@" && got=ok
	if [ "$got" = "$want" ]; then
		echo "ok $n - $name"
	else
		echo "not ok $n - $name (wanted $want, got $got)"
		failed=$((failed + 1))
	fi
}
later() { (sleep 0.5; "$@") & pids+=($!); }

f=$tmp/log
: > "$f"
echo "TAP version 13"
echo "1..12"
later sh -c "printf 'a\nb\nc\n' >> $f"
check ok "wait_lines: three lines appear" wait_lines "$f" 3 5
check fails "wait_lines: a fourth never does" wait_lines "$f" 4 1
check ok "wait_lines: a missing file that appears" bash -c ". '$here/wait.sh'; (sleep 0.5; echo x > '$tmp/new') & wait_lines '$tmp/new' 1 5"
check fails "wait_lines: a missing file that never does" wait_lines "$tmp/none" 1 1

later sh -c "echo 'backup started at 1' >> $f"
check ok "wait_grep: the line appears" wait_grep "backup started at" "$f" 5
check fails "wait_grep: a pattern never written" wait_grep "backup stopped at" "$f" 1
check fails "wait_grep: a missing file" wait_grep "x" "$tmp/none" 1

later sh -c "echo 'backup started at 2' >> $f"
check ok "wait_count: a second match appears" wait_count "backup started at" "$f" 2 5
check fails "wait_count: a third never does" wait_count "backup started at" "$f" 3 1

sleep 30 & p=$!
pids+=("$p")
check fails "wait_stopped: a running process" wait_stopped "$p" 1
later kill -STOP "$p"
check ok "wait_stopped: the process stopped" wait_stopped "$p" 5

check fails "wait_until: a command that never succeeds" wait_until 1 false

echo "# wait.sh: $n cases, $failed failed"
[ "$failed" -eq 0 ]
