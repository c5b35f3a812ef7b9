#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# vssctl and libvss against the real module (loaded by run_guest.sh): the
# versions and features it prints are the module's, in text and JSON.
set -u

top=$(cd "$(dirname "$0")/../../.." && pwd)
vssctl=$top/tools/vssctl/vssctl
version=$(cat "$top/VERSION")

tap_prefix=vssctl
# shellcheck source=selftests/lib/tap.sh
. "$top/selftests/lib/tap.sh"

# Feature names this kernel's module must report (see enum vss_feature):
# file storage, sessions, fs freezes and change tracking everywhere, freeze
# holders from 6.6 on. A bit the library cannot name prints as 0x...: the
# comparison fails on it too.
IFS=. read -r major minor _ <<<"$(uname -r)"
if [ "$major" -gt 6 ] || { [ "$major" -eq 6 ] && [ "$minor" -ge 6 ]; }; then
	features='["freeze-holder","file-storage","sessions","fs-freeze","change-tracking","tracker-persist"]'
	features_text='freeze-holder file-storage sessions fs-freeze change-tracking tracker-persist'
else
	features='["file-storage","sessions","fs-freeze","change-tracking","tracker-persist"]'
	features_text='file-storage sessions fs-freeze change-tracking tracker-persist'
fi

echo "TAP version 13"
echo "1..3"

json=$("$vssctl" -j version)
rc=$?
echo "# $json"
expected="{\"library\":\"$version\",\"module\":\"$version\",\"protocol\":1,\"features\":$features}"
[ $rc -eq 0 ] && [ "$json" = "$expected" ]
result $? "json_reports_module_protocol_and_features"

text=$("$vssctl" version)
rc=$?
expected=$(printf 'library: %s\nmodule: %s\nprotocol: 1\nfeatures: %s' \
	"$version" "$version" "$features_text")
[ $rc -eq 0 ] && [ "$text" = "$expected" ]
result $? "text_reports_the_same"

"$vssctl" -j -p version | python3 -c 'import json, sys; json.load(sys.stdin)'
result $? "pretty_json_parses"

[ $failed -eq 0 ]
