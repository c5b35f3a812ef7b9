# SPDX-License-Identifier: GPL-2.0
# shellcheck shell=bash
#
# Waiting for something to happen, in shell tests: polls every 0.1 s up to
# a limit, then fails (status 1) so that the caller's result says what did
# not happen. Limits are generous: TCG guests on a loaded host are slow.
#
#   wait_until SECS CMD [ARGS...]   until CMD succeeds
#   wait_lines FILE N [SECS]        until FILE has at least N lines
#   wait_grep PATTERN FILE [SECS]   until a line of FILE matches (grep BRE)
#   wait_count PATTERN FILE N [SECS]  until at least N lines of FILE match
#   wait_stopped PID [SECS]         until PID is stopped (state T: SIGSTOP,
#                                   or a writer's test stop hook)
# SECS defaults to 60.

wait_until() { # wait_until SECS CMD [ARGS...]
	local i n=$(($1 * 10))
	shift
	for ((i = 0; i < n; i++)); do
		"$@" && return 0
		sleep 0.1
	done
	"$@"
}

_wait_has_lines() { [ -f "$1" ] && [ "$(wc -l < "$1")" -ge "$2" ]; }
wait_lines() { wait_until "${3:-60}" _wait_has_lines "$1" "$2"; }

_wait_greps() { grep -q -- "$1" "$2" 2>/dev/null; }
wait_grep() { wait_until "${3:-60}" _wait_greps "$1" "$2"; }

_wait_counts() { [ "$(grep -c -- "$1" "$2" 2>/dev/null)" -ge "$3" ]; }
wait_count() { wait_until "${4:-60}" _wait_counts "$1" "$2" "$3"; }

_wait_is_stopped() { [ "$(cut -d' ' -f3 "/proc/$1/stat" 2>/dev/null)" = T ]; }
wait_stopped() { wait_until "${2:-60}" _wait_is_stopped "$1"; }
