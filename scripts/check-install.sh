#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# `make install` into a temporary DESTDIR with PREFIX=/usr: every file in
# its place, the soname links, a libvss.pc that pkg-config resolves in that
# root, a program built against the installed headers and library (and
# run: it needs no module), the DKMS source tree with a dkms.conf for this
# version, then `make uninstall` leaving no file behind. dkms itself is not
# run (a build takes minutes).
set -uo pipefail

top=$(cd "$(dirname "$0")/.." && pwd)
root=$(mktemp -d)
trap 'rm -rf "$root"' EXIT
version=$(cat "$top/VERSION")
n=0
failed=0

check() { # check DESCRIPTION CMD...
	local desc=$1
	shift
	n=$((n + 1))
	if "$@"; then
		echo "ok $n - $desc"
	else
		echo "not ok $n - $desc"
		failed=$((failed + 1))
	fi
}

make -s -C "$top" install DESTDIR="$root" PREFIX=/usr >"$root.log" 2>&1
check "make install DESTDIR PREFIX=/usr succeeds" test $? -eq 0 ||
	tail -n 30 "$root.log"
rm -f "$root.log"

for f in usr/lib/libvss.a "usr/lib/libvss.so.$version" usr/lib/pkgconfig/libvss.pc \
	usr/include/libvss.h usr/include/libvss-doc.h usr/include/libvss-uring.h \
	usr/include/libvss_version.h \
	usr/include/libvss/linux/vss.h usr/sbin/vssctl \
	usr/share/bash-completion/completions/vssctl \
	usr/share/man/man8/vssctl.8 usr/share/man/man3/libvss.3 \
	usr/share/man/man3/libvss_open.3 usr/share/man/man3/libvss_session_id.3 \
	"usr/src/vss-$version/dkms.conf" "usr/src/vss-$version/Kbuild" \
	"usr/src/vss-$version/VERSION" "usr/src/vss-$version/main.c" \
	"usr/src/vss-$version/include/uapi/linux/vss.h"; do
	check "installs /$f" test -f "$root/$f"
done
# linux/ is linux-libc-dev's: the uapi header goes under libvss/.
check "installs nothing into /usr/include/linux" test ! -e "$root/usr/include/linux"
for obj in $("$top/tools/vssctl/vssctl" help | sed -n 's/.*OBJECT := {\(.*\)}.*/\1/p' | tr -d '|'); do
	check "installs vssctl-$obj(8)" test -f "$root/usr/share/man/man8/vssctl-$obj.8"
done
check "a section 3 page per symbol of libvss.map" test \
	"$(grep -cE '^\s+libvss_\w+;' "$top/lib/libvss.map")" -le \
	"$(find "$root/usr/share/man/man3" -name 'libvss_*.3' | wc -l)"
for unit in "$top"/tools/*/*.service; do
	[ -e "$unit" ] || continue
	check "installs the unit $(basename "$unit")" \
		test -f "$root/usr/lib/systemd/system/$(basename "$unit")"
done
check "vssctl is executable" test -x "$root/usr/sbin/vssctl"
# The root filesystem's tracker (tools/vss-root): where initramfs-tools
# and systemd-shutdown look, whatever the prefix, naming the installed
# vssctl and vss-root.
for f in usr/lib/vss/vss-root usr/share/initramfs-tools/hooks/vss \
	usr/share/initramfs-tools/scripts/local-premount/vss \
	usr/lib/systemd/system-shutdown/vss-root.shutdown; do
	check "installs /$f, executable" test -x "$root/$f"
done
check "the initramfs hook copies the installed vssctl and vss-root" sh -c \
	"grep -q '^copy_exec /usr/sbin/vssctl ' '$root/usr/share/initramfs-tools/hooks/vss' &&
	 grep -q '^copy_exec /usr/lib/vss/vss-root ' '$root/usr/share/initramfs-tools/hooks/vss' &&
	 grep -q '^PATH=/usr/sbin:' '$root/usr/lib/vss/vss-root' &&
	 ! grep -q '@[a-z]*dir@' '$root/usr/lib/vss/vss-root' '$root/usr/share/initramfs-tools/hooks/vss' \
		'$root/usr/lib/systemd/system-shutdown/vss-root.shutdown'"
check "libvss.so.0 -> libvss.so.$version" \
	test "$(readlink "$root/usr/lib/libvss.so.0")" = "libvss.so.$version"
check "libvss.so -> libvss.so.0" test "$(readlink "$root/usr/lib/libvss.so")" = libvss.so.0
check "the library's soname is libvss.so.0" \
	sh -c "objdump -p '$root/usr/lib/libvss.so.$version' | grep -q 'SONAME *libvss.so.0$'"
check "dkms.conf: package vss, this version, module vss, autoinstall" bash -c "
	. '$root/usr/src/vss-$version/dkms.conf' &&
	[ \"\$PACKAGE_NAME\" = vss ] && [ \"\$PACKAGE_VERSION\" = '$version' ] &&
	[ \"\${BUILT_MODULE_NAME[0]:-\$BUILT_MODULE_NAME}\" = vss ] &&
	[ \"\$AUTOINSTALL\" = yes ]"

# pkg-config of the installed tree, as a cross-build sysroot sees it.
export PKG_CONFIG_SYSROOT_DIR=$root PKG_CONFIG_PATH=$root/usr/lib/pkgconfig
check "pkg-config finds libvss $version" \
	test "$(pkg-config --modversion libvss 2>&1)" = "$version"
check "pkg-config --cflags points into the installed root" \
	test "$(pkg-config --cflags-only-I libvss 2>/dev/null | tr ' ' '\n' | grep -c "^-I$root/usr/include$")" -ge 1
cat >"$root/hello.c" <<'C'
#include <stdio.h>
#include <string.h>
#include <libvss.h>
#include <libvss-doc.h>

int main(void)
{
	static const char text[] = "00112233-4455-4677-8899-aabbccddeeff";
	uint8_t id[LIBVSS_ID_SIZE];
	char back[LIBVSS_ID_STRING_SIZE];

	/* Needs no module: the version, ids, names. */
	if (libvss_id_parse(text, id) ||
	    strcmp(libvss_id_to_string(id, back), text))
		return 1;
	printf("%s %s %u %d.%d\n", libvss_version(),
	       libvss_feature_name(VSS_FEATURE_FILE_STORAGE), LIBVSS_DOC_VERSION,
	       LIBVSS_VERSION_MAJOR, LIBVSS_VERSION_MINOR);
	return 0;
}
C
# shellcheck disable=SC2046 # pkg-config's flags are words
cc -Wall -Werror -o "$root/hello" "$root/hello.c" $(pkg-config --cflags --libs libvss) \
	-Wl,-rpath-link,"$root/usr/lib"
check "a program builds against the installed headers and libvss.so" test -x "$root/hello"
# shellcheck disable=SC2046
check "<libvss.h> takes the uapi header from <libvss/linux/vss.h>" sh -c \
	"cc -M '$root/hello.c' $(pkg-config --cflags libvss) | tr -d '\\\\' | tr ' ' '\\n' |
	 grep -qx '$root/usr/include/libvss/linux/vss.h'"
check "and runs with the installed library" sh -c \
	"LD_LIBRARY_PATH='$root/usr/lib' '$root/hello' | grep -q '^$version '"
check "the installed <libvss_version.h> is this version" sh -c \
	"LD_LIBRARY_PATH='$root/usr/lib' '$root/hello' | grep -q ' ${version%.*}\$'"
check "it links the shared library by its soname" sh -c \
	"objdump -p '$root/hello' | grep -q 'NEEDED *libvss.so.0$'"
# shellcheck disable=SC2046
cc -Wall -Werror -o "$root/hello-static" "$root/hello.c" \
	$(pkg-config --cflags libvss) "$root/usr/lib/libvss.a" \
	$(pkg-config --libs libnl-genl-3.0 json-c)
check "and against libvss.a" test -x "$root/hello-static"
rm -f "$root/hello" "$root/hello.c" "$root/hello-static"

make -s -C "$top" uninstall DESTDIR="$root" PREFIX=/usr >/dev/null 2>&1
check "make uninstall succeeds" test $? -eq 0
left=$(find "$root" -type f -o -type l)
check "make uninstall leaves no file" test -z "$left" || echo "# left: ${left//$'\n'/ }"
echo "install: $n checks, $failed failed"
[ $failed -eq 0 ]
