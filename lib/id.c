// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * Snapshot and snapshot-set ids: 16 bytes on the wire, the canonical UUID
 * text for people. The bytes are printed in order, as the kernel's %pUb
 * does, so the text vssctl shows is the text the module logs.
 */
#include <errno.h>

#include "internal.h"

/* Offsets of the dashes in "xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx". */
static bool is_dash_at(size_t i)
{
	return i == 8 || i == 13 || i == 18 || i == 23;
}

static int hex_value(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

LIBVSS_EXPORT char *libvss_id_to_string(const uint8_t id[LIBVSS_ID_SIZE],
					char buf[LIBVSS_ID_STRING_SIZE])
{
	static const char digits[] = "0123456789abcdef";
	size_t i, pos = 0;

	for (i = 0; i < LIBVSS_ID_SIZE; i++) {
		if (is_dash_at(pos))
			buf[pos++] = '-';
		buf[pos++] = digits[id[i] >> 4];
		buf[pos++] = digits[id[i] & 0xf];
	}
	buf[pos] = '\0';
	return buf;
}

LIBVSS_EXPORT int libvss_id_parse(const char *s, uint8_t id[LIBVSS_ID_SIZE])
{
	uint8_t out[LIBVSS_ID_SIZE];
	size_t i, n = 0;

	if (!s)
		return -EINVAL;
	for (i = 0; i < LIBVSS_ID_STRING_SIZE - 1; i++) {
		int hi, lo;

		if (is_dash_at(i)) {
			if (s[i] != '-')
				return -EINVAL;
			continue;
		}
		/* A NUL here fails hex_value(), so s is never read past it. */
		hi = hex_value(s[i]);
		if (hi < 0)
			return -EINVAL;
		lo = hex_value(s[++i]);
		if (lo < 0)
			return -EINVAL;
		out[n++] = (uint8_t)(hi << 4 | lo);
	}
	if (s[i] != '\0')
		return -EINVAL;
	for (i = 0; i < LIBVSS_ID_SIZE; i++)
		id[i] = out[i];
	return 0;
}
