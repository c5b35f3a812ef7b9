// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * Ids in text: libvss_id_to_string() writes the canonical lowercase UUID
 * form, bytes in order (as the kernel's %pUb); libvss_id_parse() reads it
 * back in either case and rejects anything else, leaving the id untouched.
 */
#include <errno.h>
#include <string.h>

#include "tap.h"
#include <libvss.h>

static const uint8_t sample[LIBVSS_ID_SIZE] = {
	0x01, 0x23, 0x45, 0x67, 0x89, 0xab, 0xcd, 0xef,
	0xfe, 0xdc, 0xba, 0x98, 0x76, 0x54, 0x32, 0x10,
};

static void rejects(const char *s, const char *what)
{
	uint8_t id[LIBVSS_ID_SIZE];

	memset(id, 0x5a, sizeof(id));
	ok_int(libvss_id_parse(s, id), -EINVAL, "%s: -EINVAL", what);
	ok(id[0] == 0x5a && id[15] == 0x5a, "%s: id untouched", what);
}

int main(void)
{
	char buf[LIBVSS_ID_STRING_SIZE];
	uint8_t id[LIBVSS_ID_SIZE], zero[LIBVSS_ID_SIZE] = { 0 };
	char *ret;

	memset(buf, 'x', sizeof(buf));
	ret = libvss_id_to_string(sample, buf);
	ok(ret == buf, "to_string returns its buffer");
	ok_str(buf, "01234567-89ab-cdef-fedc-ba9876543210",
	       "to_string: bytes in order, lowercase, dashes 8-4-4-4-12");
	ok_int((long long)strlen(buf), LIBVSS_ID_STRING_SIZE - 1,
	       "to_string: 36 characters and a NUL");
	ok_str(libvss_id_to_string(zero, buf),
	       "00000000-0000-0000-0000-000000000000", "to_string: the nil id");

	ok_int(libvss_id_parse("01234567-89ab-cdef-fedc-ba9876543210", id), 0,
	       "parse: canonical form");
	ok_mem(id, sample, sizeof(id), "parse: bytes in order");
	memset(id, 0, sizeof(id));
	ok_int(libvss_id_parse("01234567-89AB-CDEF-FEDC-BA9876543210", id), 0,
	       "parse: uppercase");
	ok_mem(id, sample, sizeof(id), "parse: uppercase, same bytes");
	libvss_id_to_string(sample, buf);
	ok_int(libvss_id_parse(buf, id), 0, "parse of to_string: accepted");
	ok_mem(id, sample, sizeof(id), "parse of to_string: round trip");

	rejects("", "empty string");
	rejects("01234567-89ab-cdef-fedc-ba987654321", "35 characters");
	rejects("01234567-89ab-cdef-fedc-ba98765432100", "37 characters");
	rejects("01234567-89ab-cdef-fedc-ba9876543210 ", "trailing space");
	rejects(" 1234567-89ab-cdef-fedc-ba9876543210", "leading space");
	rejects("0123456789abcdeffedcba9876543210", "no dashes");
	rejects("0123456-789ab-cdef-fedc-ba9876543210", "misplaced dash");
	rejects("01234567-89ab-cdef-fedc-ba987654321g", "not hex");
	rejects("01234567-89ab-cdef-fedc+ba9876543210", "another separator");
	rejects("{01234567-89ab-cdef-fedc-ba9876543210}", "braces");
	rejects(NULL, "NULL");
	return tap_done();
}
