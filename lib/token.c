// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * Changed-block tracking tokens (Documentation/cbt.md): the kernel's nest
 * of six fields, and the one printable string a backup tool stores and
 * hands back. The string is "vss1:" and the hex of a fixed big-endian
 * layout ending in a CRC-32 of the rest, so that a token damaged at rest
 * (a flipped digit of its epoch would ask the kernel about the wrong
 * interval and silently miss blocks) is refused here with -EINVAL, never
 * sent. A new layout gets a new prefix; "vss1:" is read forever.
 */
#include <errno.h>
#include <string.h>

#include "internal.h"

#define TOKEN_PREFIX		"vss1:"
#define TOKEN_PREFIX_LEN	(sizeof(TOKEN_PREFIX) - 1)
/* generation, epoch, capacity, logical block, block bytes, uuid */
#define TOKEN_BODY		(16 + 8 + 8 + 4 + 4 + 16)
#define TOKEN_BYTES		(TOKEN_BODY + 4)	/* and its CRC-32 */

_Static_assert(TOKEN_PREFIX_LEN + 2 * TOKEN_BYTES + 1 ==
	       LIBVSS_TOKEN_STRING_SIZE, "LIBVSS_TOKEN_STRING_SIZE");

const struct nla_policy vss_token_policy[VSS_A_TOKEN_MAX + 1] = {
	[VSS_A_TOKEN_GENERATION]	= { .minlen = LIBVSS_ID_SIZE,
					    .maxlen = LIBVSS_ID_SIZE },
	[VSS_A_TOKEN_EPOCH]		= { .type = NLA_U64, .maxlen = 8 },
	[VSS_A_TOKEN_CAPACITY]		= { .type = NLA_U64, .maxlen = 8 },
	[VSS_A_TOKEN_LOGICAL_BLOCK]	= { .type = NLA_U32, .maxlen = 4 },
	[VSS_A_TOKEN_BLOCK_BYTES]	= { .type = NLA_U32, .maxlen = 4 },
	[VSS_A_TOKEN_ORIGIN_UUID]	= { .minlen = LIBVSS_ID_SIZE,
					    .maxlen = LIBVSS_ID_SIZE },
};

/* CRC-32 (IEEE 802.3, as zlib's crc32()), bitwise: 56 bytes per token. */
uint32_t vss_crc32_ieee(const uint8_t *p, size_t n)
{
	uint32_t crc = 0xffffffffu;
	int k;

	while (n--) {
		crc ^= *p++;
		for (k = 0; k < 8; k++)
			crc = (crc >> 1) ^ (0xedb88320u & -(crc & 1));
	}
	return ~crc;
}

static uint8_t *put_be(uint8_t *p, uint64_t v, unsigned int bytes)
{
	while (bytes--)
		*p++ = (uint8_t)(v >> (8 * bytes));
	return p;
}

static uint64_t get_be(const uint8_t **pp, unsigned int bytes)
{
	const uint8_t *p = *pp;
	uint64_t v = 0;

	while (bytes--)
		v = v << 8 | *p++;
	*pp = p;
	return v;
}

static void token_pack(const struct vss_token *t, uint8_t out[TOKEN_BYTES])
{
	uint8_t *p = out;

	memcpy(p, t->generation, 16);
	p = put_be(p + 16, t->epoch, 8);
	p = put_be(p, t->capacity, 8);
	p = put_be(p, t->logical_block, 4);
	p = put_be(p, t->block_bytes, 4);
	memcpy(p, t->origin_uuid, 16);
	put_be(p + 16, vss_crc32_ieee(out, TOKEN_BODY), 4);
}

int vss_token_format(const struct vss_token *t, char *buf, size_t len)
{
	static const char digits[] = "0123456789abcdef";
	uint8_t raw[TOKEN_BYTES];
	char *p = buf;
	size_t i;

	if (!buf)
		return -EINVAL;
	if (len < LIBVSS_TOKEN_STRING_SIZE)
		return -ENOSPC;
	token_pack(t, raw);
	memcpy(p, TOKEN_PREFIX, TOKEN_PREFIX_LEN);
	p += TOKEN_PREFIX_LEN;
	for (i = 0; i < TOKEN_BYTES; i++) {
		*p++ = digits[raw[i] >> 4];
		*p++ = digits[raw[i] & 0xf];
	}
	*p = '\0';
	return 0;
}

static int hex_digit(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	return -1;	/* upper case is not what we write: not a token */
}

int vss_token_parse(const char *s, struct vss_token *t)
{
	uint8_t raw[TOKEN_BYTES];
	const uint8_t *p = raw;
	size_t i;

	if (!s || strncmp(s, TOKEN_PREFIX, TOKEN_PREFIX_LEN))
		return -EINVAL;
	s += TOKEN_PREFIX_LEN;
	for (i = 0; i < TOKEN_BYTES; i++) {
		/* A NUL fails hex_digit(): s is never read past its end. */
		int hi = hex_digit(s[2 * i]), lo;

		if (hi < 0)
			return -EINVAL;
		lo = hex_digit(s[2 * i + 1]);
		if (lo < 0)
			return -EINVAL;
		raw[i] = (uint8_t)(hi << 4 | lo);
	}
	if (s[2 * TOKEN_BYTES] != '\0')
		return -EINVAL;
	{
		const uint8_t *c = raw + TOKEN_BODY;

		if (get_be(&c, 4) != vss_crc32_ieee(raw, TOKEN_BODY))
			return -EINVAL;
	}
	memcpy(t->generation, p, 16);
	p += 16;
	t->epoch = get_be(&p, 8);
	t->capacity = get_be(&p, 8);
	t->logical_block = (uint32_t)get_be(&p, 4);
	t->block_bytes = (uint32_t)get_be(&p, 4);
	memcpy(t->origin_uuid, p, 16);
	return 0;
}

int vss_token_from_nest(struct nlattr *nest, struct vss_token *t,
			const char **why)
{
	struct nlattr *tb[VSS_A_TOKEN_MAX + 1];

	if (vss_attrs_parse(tb, VSS_A_TOKEN_MAX, nla_data(nest), nla_len(nest),
			    vss_token_policy)) {
		*why = "reply has a malformed token";
		return -EBADMSG;
	}
	if (!tb[VSS_A_TOKEN_GENERATION] || !tb[VSS_A_TOKEN_EPOCH] ||
	    !tb[VSS_A_TOKEN_CAPACITY] || !tb[VSS_A_TOKEN_LOGICAL_BLOCK] ||
	    !tb[VSS_A_TOKEN_BLOCK_BYTES] || !tb[VSS_A_TOKEN_ORIGIN_UUID]) {
		*why = "reply has a token without one of generation, epoch, capacity, logical-block, block-bytes, origin-uuid";
		return -EBADMSG;
	}
	memcpy(t->generation, nla_data(tb[VSS_A_TOKEN_GENERATION]), 16);
	t->epoch = nla_get_u64(tb[VSS_A_TOKEN_EPOCH]);
	t->capacity = nla_get_u64(tb[VSS_A_TOKEN_CAPACITY]);
	t->logical_block = nla_get_u32(tb[VSS_A_TOKEN_LOGICAL_BLOCK]);
	t->block_bytes = nla_get_u32(tb[VSS_A_TOKEN_BLOCK_BYTES]);
	memcpy(t->origin_uuid, nla_data(tb[VSS_A_TOKEN_ORIGIN_UUID]), 16);
	return 0;
}

/*
 * In the order of enum vss_a_token; u64s unpadded, as every request.
 * NLA_F_NESTED: the kernel's strict validation wants it on a nest.
 */
int vss_token_put(struct nl_msg *msg, int type, const struct vss_token *t)
{
	struct nlattr *nest = nla_nest_start(msg, type | NLA_F_NESTED);

	if (!nest ||
	    nla_put(msg, VSS_A_TOKEN_GENERATION, 16, t->generation) < 0 ||
	    nla_put_u64(msg, VSS_A_TOKEN_EPOCH, t->epoch) < 0 ||
	    nla_put_u64(msg, VSS_A_TOKEN_CAPACITY, t->capacity) < 0 ||
	    nla_put_u32(msg, VSS_A_TOKEN_LOGICAL_BLOCK, t->logical_block) < 0 ||
	    nla_put_u32(msg, VSS_A_TOKEN_BLOCK_BYTES, t->block_bytes) < 0 ||
	    nla_put(msg, VSS_A_TOKEN_ORIGIN_UUID, 16, t->origin_uuid) < 0)
		return -1;
	nla_nest_end(msg, nest);
	return 0;
}

size_t vss_token_attr_size(void)
{
	return NLA_HDRLEN + 2 * NLA_ALIGN(NLA_HDRLEN + 16) +
	       2 * NLA_ALIGN(NLA_HDRLEN + 8) + 2 * NLA_ALIGN(NLA_HDRLEN + 4);
}

LIBVSS_EXPORT int libvss_token_check(const char *token)
{
	struct vss_token t;

	return vss_token_parse(token, &t);
}
