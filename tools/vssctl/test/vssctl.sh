#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# vssctl on the host: the grammar, the exit codes, and `version` with the
# module absent (never loaded here) or, in a VM, present. Runs vssctl under
# valgrind when $VALGRIND names it.
set -u

here=$(cd "$(dirname "$0")" && pwd)
vssctl=$here/../vssctl
version=${VERSION:-$(cat "$here/../../../VERSION")}
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
n=0
failed=0

run() { # run ARGS... -> $rc, $out/stdout, $out/stderr
	if [ -n "${VALGRIND:-}" ]; then
		"$VALGRIND" -q --error-exitcode=99 --leak-check=full \
			--errors-for-leak-kinds=definite,possible \
			"$vssctl" "$@" >"$out/stdout" 2>"$out/stderr"
	else
		"$vssctl" "$@" >"$out/stdout" 2>"$out/stderr"
	fi
	rc=$?
}

result() { # result STATUS DESCRIPTION
	n=$((n + 1))
	if [ "$1" -eq 0 ]; then
		echo "ok $n - vssctl: $2"
	else
		echo "not ok $n - vssctl: $2"
		echo "#   exit $rc; stdout:"
		sed 's/^/#     /' "$out/stdout"
		echo "#   stderr:"
		sed 's/^/#     /' "$out/stderr"
		failed=$((failed + 1))
	fi
}

run help
[ $rc -eq 0 ] && grep -q '^Usage: vssctl' "$out/stdout" &&
	grep -q 'Exit status' "$out/stdout"
result $? "help exits 0 and documents the exit status"

run help version
[ $rc -eq 0 ] && grep -q 'version \[show\]' "$out/stdout"
result $? "help version shows its commands"

run help storage
[ $rc -eq 0 ] && grep -q 'storage \[list\]' "$out/stdout" &&
	grep -q 'storage add ORIGIN --max SIZE' "$out/stdout"
result $? "help storage shows its commands"

run help storage
[ $rc -eq 0 ] && grep -q -- 'storage add ORIGIN --max SIZE \[--memory | --file DIR\]' "$out/stdout" &&
	grep -q -- '\[--threshold PCT\]' "$out/stdout" &&
	grep -q 'storage set ORIGIN \[--max SIZE\] \[--threshold PCT\]' "$out/stdout" &&
	grep -q 'storage resize ORIGIN --max SIZE' "$out/stdout"
result $? "help storage shows file storage, thresholds, set and resize"

run storage set /dev/null
[ $rc -eq 2 ] && grep -q 'nothing to change' "$out/stderr"
result $? "storage set with nothing to change exits 2 before any netlink"

run help snapshot
[ $rc -eq 0 ] && grep -q 'snapshot create \[--persistent | --auto-release\] VOLUME' "$out/stdout"
result $? "help snapshot shows create's persistence options"

run snapshot create
[ $rc -eq 2 ] && grep -q 'VOLUME is missing' "$out/stderr" && [ ! -s "$out/stdout" ]
result $? "snapshot create without a volume exits 2 before any netlink"

run storage add /dev/null --max 1Q
[ $rc -eq 2 ] && grep -q 'not a size' "$out/stderr"
result $? "storage add with a bad size exits 2 before any netlink"

run bogus
[ $rc -eq 2 ] && grep -q 'unknown object "bogus"' "$out/stderr" &&
	[ ! -s "$out/stdout" ]
result $? "unknown object exits 2"

run
[ $rc -eq 2 ] && grep -q '^Usage' "$out/stderr"
result $? "no object exits 2 with usage on stderr"

run -x version
[ $rc -eq 2 ]
result $? "unknown option exits 2"

run version bogus
[ $rc -eq 2 ] && grep -q 'unknown command "bogus"' "$out/stderr"
result $? "unknown command exits 2"

run version show extra
[ $rc -eq 2 ]
result $? "extra argument exits 2"

run -V
[ $rc -eq 0 ] && grep -qx "vssctl $version (libvss $version)" "$out/stdout"
result $? "-V prints vssctl's and libvss's versions"

run -j version
json_rc=$rc
cp "$out/stdout" "$out/json"
if [ $rc -eq 1 ]; then
	# Module absent: the library key alone, the reason on stderr.
	[ "$(cat "$out/stdout")" = "{\"library\":\"$version\"}" ] &&
		grep -q '^vssctl: ' "$out/stderr"
	result $? "-j version without the module prints only the library"
	if grep -q 'module not loaded' "$out/stderr"; then
		grep -qx 'vssctl: module not loaded: .*not loaded.*' "$out/stderr"
		result $? "-j version without the module: says module not loaded"
	fi
else
	[ $rc -eq 0 ] && grep -qxE "\\{\"library\":\"$version\",\"module\":\"[^\"]+\",\"protocol\":[0-9]+,\"features\":\\[(\"[a-z0-9-]+\"(,\"[a-z0-9-]+\")*)?\\]\\}" "$out/stdout"
	result $? "-j version with the module prints all four keys"
fi

run version
[ $rc -eq $json_rc ] && [ "$(head -n 1 "$out/stdout")" = "library: $version" ]
result $? "version in text starts with the library line"
if [ $rc -eq 0 ]; then
	grep -qE '^module: .+' "$out/stdout" &&
		grep -qE '^protocol: [0-9]+$' "$out/stdout" &&
		grep -qE '^features:' "$out/stdout"
	result $? "version in text has module, protocol and features lines"
fi

run -j -p version
if [ $rc -eq 1 ]; then
	[ "$(cat "$out/stdout")" = "$(printf '{\n    "library": "%s"\n}' "$version")" ]
	result $? "-j -p version without the module is indented"
fi
if command -v python3 >/dev/null; then
	python3 -c 'import json, sys; json.load(open(sys.argv[1]))' "$out/stdout"
	result $? "-j -p version is valid JSON"
	python3 -c 'import json, sys; json.load(open(sys.argv[1]))' "$out/json"
	result $? "-j version is valid JSON"
fi

run -j ver
[ $rc -eq $json_rc ] && cmp -s "$out/stdout" "$out/json"
result $? "an unambiguous prefix (ver) works as the object"

run -j version sh
[ $rc -eq $json_rc ] && cmp -s "$out/stdout" "$out/json"
result $? "an unambiguous prefix (sh) works as the command"

[ "$failed" -eq 0 ]
