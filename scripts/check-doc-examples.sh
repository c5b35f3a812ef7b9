#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Every ```c block in Documentation/*.md is a complete program: compile and
# link each against libvss.a (with libnl and json-c, which it needs), so the
# guides never show code that does not build.
set -euo pipefail

top=$(cd "$(dirname "$0")/.." && pwd)
work=$top/build/doc-examples
rm -rf "$work"
mkdir -p "$work"
n=0
for md in "$top"/Documentation/*.md; do
	/usr/bin/python3 - "$md" "$work/$(basename "$md" .md)" <<'PY'
import re, sys
text = open(sys.argv[1]).read()
for i, block in enumerate(re.findall(r'```c\n(.*?)```', text, flags=re.S)):
    open('%s-%d.c' % (sys.argv[2], i), 'w').write(block)
PY
done
read -ra nl_libs <<<"$(pkg-config --libs libnl-genl-3.0 json-c)"
for c in "$work"/*.c; do
	[ -e "$c" ] || continue
	cc -std=c11 -Wall -Wextra -Werror -I"$top/include" -I"$top/include/uapi" \
		-o "${c%.c}" "$c" "$top/lib/libvss.a" \
		"${nl_libs[@]}"
	n=$((n + 1))
done
echo "doc examples: $n compiled"
