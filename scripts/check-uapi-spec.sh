#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Fails when include/uapi/linux/vss.h and Documentation/netlink/specs/vss.yaml
# disagree. The kernel's YNL generator renders a uapi header from the spec;
# both headers are then compiled and every name either defines is printed
# with its value, so the comparison is by meaning (names and values), not by
# layout or comments.
set -euo pipefail

top=$(cd "$(dirname "$0")/.." && pwd)
src=$("$top/scripts/kernel-source.sh")
work=$top/build/ynl
rm -rf "$work"
# The generator wants the spec under <dir>/specs/ with the schemas in <dir>/,
# and a MAINTAINERS file in some parent directory.
mkdir -p "$work/specs"
cp "$src"/Documentation/netlink/*.yaml "$work/"
cp "$top/Documentation/netlink/specs/vss.yaml" "$work/specs/"
touch "$work/MAINTAINERS"

if ! /usr/bin/python3 "$src/tools/net/ynl/ynl-gen-c.py" --mode uapi --header \
	--spec "$work/specs/vss.yaml" -o "$work/vss-from-spec.h" >"$work/gen.log" 2>&1 ||
	[ ! -s "$work/vss-from-spec.h" ]; then
	cat "$work/gen.log" >&2
	echo "uapi/spec check: the YNL generator rejected the spec" >&2
	exit 1
fi

# Writes a C program that prints "NAME=VALUE" for every enumerator and macro
# the header defines (except its include guard), then builds and runs it.
dump_names() {
	local header=$1 out=$2
	/usr/bin/python3 - "$header" >"$out.c" <<'PY'
import re, sys
text = open(sys.argv[1]).read()
text = re.sub(r'/\*.*?\*/', '', text, flags=re.S)
names = []
for m in re.finditer(r'^#define[ \t]+([A-Za-z_]\w*)[ \t]+\S', text, flags=re.M):
    names.append(m.group(1))
for body in re.findall(r'enum\s*\w*\s*\{(.*?)\}', text, flags=re.S):
    for item in body.split(','):
        m = re.match(r'\s*([A-Za-z_]\w*)', item)
        if m:
            names.append(m.group(1))
print('#include <stdio.h>')
print('#include "%s"' % sys.argv[1])
print('static void s(const char *n, const char *v) { printf("%s=\\"%s\\"\\n", n, v); }')
print('static void i(const char *n, long long v) { printf("%s=%lld\\n", n, v); }')
print('#define P(x) _Generic((x), char *: s, const char *: s, default: i)(#x, x)')
print('int main(void) {')
for n in names:
    print('\tP(%s);' % n)
print('\treturn 0;\n}')
PY
	cc -std=c11 -Wall -Werror -o "$out" "$out.c"
	"$out" | sort >"$out.txt"
}

dump_names "$top/include/uapi/linux/vss.h" "$work/names-header"
dump_names "$work/vss-from-spec.h" "$work/names-spec"

if ! diff -u "$work/names-spec.txt" "$work/names-header.txt"; then
	echo "uapi/spec check: include/uapi/linux/vss.h (+) and vss.yaml (-) disagree" >&2
	exit 1
fi
echo "uapi/spec check: $(wc -l <"$work/names-header.txt") names agree"
