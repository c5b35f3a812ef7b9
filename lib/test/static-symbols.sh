#!/bin/bash
# SPDX-License-Identifier: LGPL-2.1-or-later
#
# libvss.a puts into an application exactly the symbols libvss.so exports:
# the libvss_ names of libvss.map, no internal. An application with its own
# functions and data named as the library's internals (vss_request,
# vss_ctx_new, vss_session_policy) links statically with libvss.a, and
# both its functions and the library's work.
set -u

lib=libvss.a
map=libvss.map
top=${TOP:-..}
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
n=0
failed=0

result() { # result STATUS DESCRIPTION
	n=$((n + 1))
	if [ "$1" -eq 0 ]; then
		echo "ok $n - static-symbols: $2"
	else
		echo "not ok $n - static-symbols: $2"
		failed=$((failed + 1))
	fi
}

# Global symbols defined in the archive (T, D, R, B, W...: any but U).
nm -g --defined-only "$lib" | awk 'NF == 3 { print $3 }' | sort > "$out/global"
sed -n 's/^[[:space:]]*\(libvss_[A-Za-z0-9_]*\);.*/\1/p' "$map" | sort > "$out/listed"

! grep -v '^libvss_' "$out/global" > "$out/bad"
result $? "every global symbol of $lib starts with libvss_"
sed 's/^/#   /' "$out/bad" | head -n 20
[ -s "$out/bad" ] && echo "#   ($(wc -l < "$out/bad") in all)"

diff -u "$out/listed" "$out/global" > "$out/diff"
result $? "the global symbols of $lib are exactly those of $map"
sed 's/^/#   /' "$out/diff" | head -n 20

cat > "$out/app.c" <<'C'
#include <stdio.h>
#include <string.h>
#include <libvss.h>

/* The application's own, named as libvss's internals once were. */
int vss_session_policy = 7;
int vss_request(int x);
int vss_request(int x) { return x + vss_session_policy; }
void *vss_ctx_new(void);
void *vss_ctx_new(void) { return NULL; }

int main(int argc, char **argv)
{
	struct libvss_ctx *ctx;
	uint8_t id[LIBVSS_ID_SIZE];
	char back[LIBVSS_ID_STRING_SIZE];
	static const char text[] = "00112233-4455-4677-8899-aabbccddeeff";

	(void)argv;
	/* Links the context's code (never run: it needs the module). */
	if (argc > 1 && !libvss_open(&ctx))
		libvss_close(ctx);
	if (libvss_id_parse(text, id) || strcmp(libvss_id_to_string(id, back), text))
		return 1;
	printf("%d %s\n", vss_request(35), vss_ctx_new() ? "?" : "own");
	return 0;
}
C
read -ra libs <<<"$(pkg-config --libs libnl-genl-3.0 json-c)"
${CC:-cc} -Wall -Werror -I"$top/include" -I"$top/include/uapi" \
	-o "$out/app" "$out/app.c" "$lib" "${libs[@]}" 2> "$out/err"
result $? "an application with its own vss_request(), vss_ctx_new() and vss_session_policy links $lib"
sed 's/^/#   /' "$out/err" | head -n 10
if [ -x "$out/app" ]; then
	[ "$("$out/app")" = "42 own" ]
	result $? "its own functions and data are the ones it calls"
else
	result 1 "its own functions and data are the ones it calls (did not link)"
fi
[ "$failed" -eq 0 ]
