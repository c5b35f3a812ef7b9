# SPDX-License-Identifier: GPL-2.0
#
# Turns a test log into one result per test case, for scripts/check.sh:
# one line "pass|fail|skip<TAB>CASE<TAB>REASON" per case, in the order first
# seen. What a case is (Documentation/testing.md, "What make check counts"):
#
#   awk -v mode=host -f tap-cases.awk LOG
#     The host unit tests (lib/test/run.sh's output): each line is
#     "ok N - PROGRAM: SCENARIO: check" or "ok N - PROGRAM: check". A case
#     is PROGRAM: SCENARIO (every check of that scenario), or the check
#     itself when it names no scenario. It fails if any of its checks
#     failed, is skipped if all of them were.
#   awk -v mode=vm -f tap-cases.awk LOG
#     selftests/run_guest.sh's output: its own "ok - what" checks, then
#     per program "# selftests: vss: PROGRAM", the program's TAP (kselftest
#     or a shell test: "ok N name"), "# PROGRAM: exit RC after S s". A case
#     is one TAP line of a program (a kselftest TEST_F with its variant,
#     or one check of a shell test), or one of run_guest.sh's checks.
#
# Either way: "# SKIP reason" makes a skip (with its reason), "# XFAIL" too
# (an expected failure proves nothing works); "1..0 # SKIP reason" skips the
# whole program; a TAP number printed twice by one program is a failure
# (a forked child flushing a copy of its parent's output); so is a program
# that reports fewer cases than it planned, or none at all.
BEGIN {
	FS = "\n"
	n = 0
	section = "run_guest"
}

function add(status, key, name, reason) {
	if (!(key in st)) {
		order[++n] = key
		nm[key] = name
		st[key] = status
		why[key] = reason
		return
	}
	# fail beats pass beats skip
	if (status == "fail" || (status == "pass" && st[key] == "skip")) {
		st[key] = status
		why[key] = reason
	}
}

function close_section(finished,   r) {
	if (section == "run_guest")
		return
	if (!finished)
		add("fail", section "\034unfinished", section ": never finished (the guest stopped in it)", "")
	if (plan[section] != "" && plan[section] > 0 && results[section] < plan[section])
		add("fail", section "\034plan", section ": " results[section] " of " \
		    plan[section] " planned cases reported", "")
	if (plan[section] == "" && results[section] == 0 && !skipped[section])
		add("fail", section "\034none", section ": reported no result", "")
	section = "run_guest"
}

# One result line: sets r_status, r_num, r_desc, r_reason.
function parse(line,   m, rest, d) {
	r_status = (line ~ /^not ok/) ? "fail" : "pass"
	rest = line
	sub(/^(not )?ok/, "", rest)
	r_num = ""
	if (match(rest, /^ [0-9]+/)) {
		r_num = substr(rest, 2, RLENGTH - 1)
		rest = substr(rest, RLENGTH + 1)
	}
	sub(/^ (- )?/, "", rest)
	r_reason = ""
	if (match(rest, / # (SKIP|skip|XFAIL)( |$)/)) {
		d = substr(rest, RSTART + 3)
		rest = substr(rest, 1, RSTART - 1)
		if (r_status == "pass") {
			r_status = "skip"
			r_reason = d
			sub(/^(SKIP|skip) ?/, "", r_reason)
		}
	}
	# Any other directive or comment ("not ok 3 name #  reason") is not
	# part of the name.
	if (match(rest, / # /))
		rest = substr(rest, 1, RSTART - 1)
	r_desc = rest
}

mode == "vm" && /^# selftests: vss: / {
	close_section(1)
	section = substr($0, length("# selftests: vss: ") + 1)
	plan[section] = ""
	results[section] = 0
	next
}

mode == "vm" && section != "run_guest" && index($0, "# " section ": exit ") == 1 {
	close_section(1)
	next
}

mode == "vm" && section != "run_guest" && /^1\.\.[0-9]+/ {
	plan[section] = $0
	sub(/^1\.\./, "", plan[section])
	sub(/[^0-9].*/, "", plan[section])
	if (plan[section] == 0) {
		reason = $0
		if (!sub(/^1\.\.0 # (SKIP|skip) ?/, "", reason))
			reason = "planned no test"
		add("skip", section "\034all", section, reason)
		skipped[section] = 1
	}
	next
}

/^(not )?ok( [0-9]+)?( |$)/ {
	parse($0)
	if (mode == "host") {
		k = split(r_desc, part, ": ")
		prog = part[1]
		key = (k >= 3) ? part[1] ": " part[2] : r_desc
		if (r_num != "" && (prog "\034" r_num) in seen) {
			add("fail", prog "\034dup", prog ": TAP line " r_num \
			    " printed more than once (a forked child's copy of the output?)", "")
			next
		}
		if (r_num != "")
			seen[prog "\034" r_num] = 1
		add(r_status, key, key, r_reason)
		next
	}
	if (section == "run_guest") {
		add(r_status, "run_guest\034" r_desc, "run_guest: " r_desc, r_reason)
		next
	}
	if (r_num != "" && (section "\034" r_num) in seen) {
		add("fail", section "\034dup", section ": TAP line " r_num \
		    " printed more than once (a forked child's copy of the output?)", "")
		next
	}
	results[section]++
	key = section "\034" (r_num != "" ? r_num : r_desc)
	if (r_num != "")
		seen[key] = 1
	add(r_status, key, section ": " r_desc, r_reason)
	next
}

END {
	if (mode == "vm")
		close_section(section == "run_guest")
	for (i = 1; i <= n; i++)
		printf "%s\t%s\t%s\n", st[order[i]], nm[order[i]], why[order[i]]
}
