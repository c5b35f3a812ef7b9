// SPDX-License-Identifier: LGPL-2.1-or-later
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mock.h"
#include "raw.h"
#include "tap.h"

static void put(struct raw *r, size_t off, const void *p, size_t len)
{
	if (off + len > sizeof(r->buf)) {
		fprintf(stderr, "raw: request too large\n");
		exit(1);
	}
	memcpy(r->buf + off, p, len);
}

void raw_start(struct raw *r, uint16_t family, uint16_t flags, uint32_t seq,
	       uint8_t cmd)
{
	uint32_t portid = MOCK_PORTID;

	memset(r, 0, sizeof(*r));
	put(r, 4, &family, 2);			/* nlmsg_type */
	put(r, 6, &flags, 2);
	put(r, 8, &seq, 4);
	put(r, 12, &portid, 4);
	r->buf[16] = cmd;			/* genlmsghdr.cmd */
	r->buf[17] = VSS_FAMILY_VERSION;	/* .version; reserved 0 */
	r->len = 20;
}

void raw_attr(struct raw *r, uint16_t type, const void *data, size_t len)
{
	uint16_t nla_len = (uint16_t)(4 + len);

	put(r, r->len, &nla_len, 2);
	put(r, r->len + 2, &type, 2);
	if (data)
		put(r, r->len + 4, data, len);
	r->len += (4 + len + 3) & ~(size_t)3;	/* padding stays 0 */
}

void raw_u32(struct raw *r, uint16_t type, uint32_t v)
{
	raw_attr(r, type, &v, sizeof(v));
}

void raw_u64(struct raw *r, uint16_t type, uint64_t v)
{
	raw_attr(r, type, &v, sizeof(v));
}

void raw_str(struct raw *r, uint16_t type, const char *s)
{
	raw_attr(r, type, s, strlen(s) + 1);
}

void raw_end(struct raw *r)
{
	uint32_t len = (uint32_t)r->len;

	put(r, 0, &len, 4);
}

bool ok_request(const struct mock *m, unsigned int i, const struct raw *want,
		const char *fmt, ...)
{
	size_t len = mock_sent_len(m, i);
	char what[256];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(what, sizeof(what), fmt, ap);
	va_end(ap);
	if (!ok_int((long long)len, (long long)want->len, "%s: request is %zu bytes",
		    what, want->len)) {
		ok(false, "%s: request bytes exact", what);
		return false;
	}
	return ok_mem(mock_sent(m, i), want->buf, len, "%s: request bytes exact",
		      what);
}
