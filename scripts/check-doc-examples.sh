#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Every ```c block in Documentation/*.md is a complete program: compile and
# link each against libvss.a (with libnl and json-c, which it needs), so the
# guides never show code that does not build.
#
#   check-doc-examples.sh              every block of every page
#   check-doc-examples.sh --one MD OUT  the one block of MD, built as OUT
#                                       (the guides' worked examples, which
#                                       selftests/vss/doc_examples.sh runs)
set -euo pipefail

top=$(cd "$(dirname "$0")/.." && pwd)
read -ra nl_libs <<<"$(pkg-config --libs libnl-genl-3.0 json-c)"

extract() { # extract MD PREFIX: PREFIX-0.c, PREFIX-1.c, ...; prints the count
	/usr/bin/python3 - "$1" "$2" <<'PY'
import re, sys
text = open(sys.argv[1]).read()
blocks = re.findall(r'```c\n(.*?)```', text, flags=re.S)
for i, block in enumerate(blocks):
    open('%s-%d.c' % (sys.argv[2], i), 'w').write(block)
print(len(blocks))
PY
}

build() { # build SRC OUT
	cc -std=c11 -Wall -Wextra -Werror -I"$top/include" -I"$top/include/uapi" \
		-o "$2" "$1" "$top/lib/libvss.a" "${nl_libs[@]}"
}

if [ "${1:-}" = --one ]; then
	[ $# -eq 3 ] || { echo "usage: $0 --one MD OUT" >&2; exit 2; }
	mkdir -p "$(dirname "$3")"
	count=$(extract "$2" "$3")
	if [ "$count" -ne 1 ]; then
		echo "check-doc-examples: $2 has $count C programs, not one" >&2
		rm -f "$3"-*.c
		exit 1
	fi
	build "$3-0.c" "$3"
	rm -f "$3-0.c"
	exit 0
fi

work=$top/build/doc-examples
rm -rf "$work"
mkdir -p "$work"
n=0
for md in "$top"/Documentation/*.md; do
	extract "$md" "$work/$(basename "$md" .md)" >/dev/null
done
for c in "$work"/*.c; do
	[ -e "$c" ] || continue
	build "$c" "${c%.c}"
	n=$((n + 1))
done
echo "doc examples: $n compiled"
