// SPDX-License-Identifier: GPL-2.0
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <linux/genetlink.h>
#include <linux/vss.h>

#include "vss_cbt.h"

static void put_str(struct vss_nl_msg *m, uint16_t type, const char *s)
{
	vss_nl_put(m, type, s, strlen(s) + 1);
}

/* Walks the attributes inside @nest (or a message's, from @off). */
#define for_each_nested(x, base, off, end)					\
	for (off = NLA_HDRLEN;							\
	     off + NLA_HDRLEN <= (end) &&					\
	     ((x) = (const struct nlattr *)((const char *)(base) + off))->nla_len >= NLA_HDRLEN; \
	     off += NLA_ALIGN((x)->nla_len))

int vss_storage_add_tracked(struct vss_nl *nl, const char *origin,
			    uint64_t max_bytes, uint32_t chunk_bytes,
			    uint32_t track_block_bytes)
{
	uint32_t kind = VSS_STORAGE_MEMORY;
	struct vss_nl_msg m;

	vss_nl_msg_init(&m, nl->family, VSS_CMD_STORAGE_ADD, VSS_FAMILY_VERSION);
	put_str(&m, VSS_A_STORAGE_ORIGIN, origin);
	vss_nl_put(&m, VSS_A_STORAGE_KIND, &kind, sizeof(kind));
	vss_nl_put(&m, VSS_A_STORAGE_MAX_BYTES, &max_bytes, sizeof(max_bytes));
	if (chunk_bytes)
		vss_nl_put(&m, VSS_A_STORAGE_CHUNK_BYTES, &chunk_bytes, sizeof(chunk_bytes));
	if (track_block_bytes)
		vss_nl_put(&m, VSS_A_STORAGE_TRACK_BLOCK_BYTES, &track_block_bytes,
			   sizeof(track_block_bytes));
	return vss_nl_transact(nl, &m, NULL, 0);
}

static void token_parse(const struct nlattr *nest, struct vss_token *t)
{
	const struct nlattr *x;
	int off;

	memset(t, 0, sizeof(*t));
	for_each_nested(x, nest, off, nest->nla_len) {
		const void *d = x + 1;

		switch (x->nla_type) {
		case VSS_A_TOKEN_GENERATION:
			memcpy(t->generation, d, 16);
			break;
		case VSS_A_TOKEN_EPOCH:
			memcpy(&t->epoch, d, 8);
			break;
		case VSS_A_TOKEN_CAPACITY:
			memcpy(&t->capacity, d, 8);
			break;
		case VSS_A_TOKEN_LOGICAL_BLOCK:
			memcpy(&t->logical_block, d, 4);
			break;
		case VSS_A_TOKEN_BLOCK_BYTES:
			memcpy(&t->block_bytes, d, 4);
			break;
		case VSS_A_TOKEN_ORIGIN_UUID:
			memcpy(t->origin_uuid, d, 16);
			break;
		}
	}
}

int vss_snapshot_token(struct vss_nl *nl, const uint8_t id[16], struct vss_token *t)
{
	static char reply[VSS_NL_BUF];
	const struct nlattr *a;
	struct vss_nl_msg m;
	int len;

	vss_nl_msg_init(&m, nl->family, VSS_CMD_SNAPSHOT_GET, VSS_FAMILY_VERSION);
	vss_nl_put(&m, VSS_A_SNAPSHOT_ID, id, 16);
	len = vss_nl_transact(nl, &m, reply, sizeof(reply));
	if (len < 0)
		return len;
	a = vss_nl_attr(reply, len, VSS_A_SNAPSHOT_TOKEN);
	if (!a)
		return -EBADMSG;
	token_parse(a, t);
	return 0;
}

static void put_since(struct vss_nl_msg *m, const struct vss_token *t)
{
	char nest[256];
	struct nlattr *n = (struct nlattr *)nest;
	int off = NLA_HDRLEN;

#define PUT(type, ptr, len) do {					\
		struct nlattr *x = (struct nlattr *)(nest + off);	\
		x->nla_type = (type);					\
		x->nla_len = NLA_HDRLEN + (len);			\
		memcpy(x + 1, (ptr), (len));				\
		memset((char *)(x + 1) + (len), 0, NLA_ALIGN(len) - (len)); \
		off += NLA_ALIGN(x->nla_len);				\
	} while (0)
	PUT(VSS_A_TOKEN_GENERATION, t->generation, 16);
	PUT(VSS_A_TOKEN_EPOCH, &t->epoch, 8);
	PUT(VSS_A_TOKEN_CAPACITY, &t->capacity, 8);
	PUT(VSS_A_TOKEN_LOGICAL_BLOCK, &t->logical_block, 4);
	PUT(VSS_A_TOKEN_BLOCK_BYTES, &t->block_bytes, 4);
	PUT(VSS_A_TOKEN_ORIGIN_UUID, t->origin_uuid, 16);
#undef PUT
	n->nla_type = VSS_A_CHANGES_SINCE | NLA_F_NESTED;
	n->nla_len = off;
	vss_nl_put(m, n->nla_type, nest + NLA_HDRLEN, off - NLA_HDRLEN);
}

static void changes_req(struct vss_nl *nl, struct vss_nl_msg *m, const uint8_t id[16],
			const struct vss_token *since, uint64_t start)
{
	vss_nl_msg_init(m, nl->family, VSS_CMD_CHANGES_GET, VSS_FAMILY_VERSION);
	vss_nl_put(m, VSS_A_CHANGES_SNAPSHOT_ID, id, 16);
	put_since(m, since);
	if (start)
		vss_nl_put(m, VSS_A_CHANGES_START, &start, sizeof(start));
}

struct ext_acc {
	struct vss_extent *ext;
	unsigned int nr, cap;
	int bad;
};

static void ext_msg(const struct nlmsghdr *h, void *arg)
{
	struct ext_acc *acc = arg;
	const char *base = (const char *)NLMSG_DATA(h) + GENL_HDRLEN;
	int len = h->nlmsg_len - NLMSG_LENGTH(GENL_HDRLEN), off;

	for (off = 0; off + NLA_HDRLEN <= len;) {
		const struct nlattr *e = (const void *)(base + off), *x;
		struct vss_extent ex = { 0, 0 };
		int eoff, seen = 0;

		if (e->nla_len < NLA_HDRLEN)
			break;
		if ((e->nla_type & NLA_TYPE_MASK) == VSS_A_CHANGES_EXTENT) {
			for_each_nested(x, e, eoff, e->nla_len) {
				if (x->nla_type == VSS_A_EXTENT_OFFSET) {
					memcpy(&ex.off, x + 1, 8);
					seen |= 1;
				} else if (x->nla_type == VSS_A_EXTENT_LENGTH) {
					memcpy(&ex.len, x + 1, 8);
					seen |= 2;
				}
			}
			if (seen != 3)
				acc->bad = 1;
			if (acc->nr == acc->cap) {
				acc->cap = acc->cap ? 2 * acc->cap : 64;
				acc->ext = realloc(acc->ext, acc->cap * sizeof(*acc->ext));
			}
			acc->ext[acc->nr++] = ex;
		}
		off += NLA_ALIGN(e->nla_len);
	}
}

int vss_changes(struct vss_nl *nl, const uint8_t id[16], const struct vss_token *since,
		uint64_t start, struct vss_extent **ext, unsigned int *nr)
{
	struct ext_acc acc = { NULL, 0, 0, 0 };
	struct vss_nl_msg m;
	int err;

	changes_req(nl, &m, id, since, start);
	err = vss_nl_dump(nl, &m, ext_msg, &acc);
	if (err < 0 || acc.bad) {
		free(acc.ext);
		return err < 0 ? err : -EBADMSG;
	}
	*ext = acc.ext;
	*nr = acc.nr;
	return 0;
}

int vss_changes_sum(struct vss_nl *nl, const uint8_t id[16],
		    const struct vss_token *since, uint64_t start,
		    uint64_t *bytes, uint64_t *count)
{
	static char reply[VSS_NL_BUF];
	const struct nlattr *a, *b;
	struct vss_nl_msg m;
	int len;

	changes_req(nl, &m, id, since, start);
	len = vss_nl_transact(nl, &m, reply, sizeof(reply));
	if (len < 0)
		return len;
	a = vss_nl_attr(reply, len, VSS_A_CHANGES_CHANGED_BYTES);
	b = vss_nl_attr(reply, len, VSS_A_CHANGES_EXTENT_COUNT);
	if (!a || !b)
		return -EBADMSG;
	memcpy(bytes, a + 1, 8);
	memcpy(count, b + 1, 8);
	return 0;
}

int vss_tracker_get(struct vss_nl *nl, const char *origin, struct vss_tracker_info *ti)
{
	static char reply[VSS_NL_BUF];
	const struct nlattr *a;
	struct vss_nl_msg m;
	int len;

	vss_nl_msg_init(&m, nl->family, VSS_CMD_TRACKER_GET, VSS_FAMILY_VERSION);
	put_str(&m, VSS_A_TRACKER_ORIGIN, origin);
	len = vss_nl_transact(nl, &m, reply, sizeof(reply));
	if (len < 0)
		return len;
	memset(ti, 0, sizeof(*ti));
#define GET(type, field) do {						\
		a = vss_nl_attr(reply, len, type);			\
		if (!a)							\
			return -EBADMSG;				\
		memcpy(&ti->field, a + 1, sizeof(ti->field));		\
	} while (0)
	GET(VSS_A_TRACKER_GENERATION, generation);
	GET(VSS_A_TRACKER_EPOCH, epoch);
	GET(VSS_A_TRACKER_BLOCK_BYTES, block_bytes);
	GET(VSS_A_TRACKER_CAPACITY, capacity);
	GET(VSS_A_TRACKER_BLOCKS_MARKED, blocks_marked);
	GET(VSS_A_TRACKER_MAP_BYTES, map_bytes);
	GET(VSS_A_TRACKER_REASON, reason);
#undef GET
	return 0;
}

int vss_tracker_reset(struct vss_nl *nl, const char *origin)
{
	struct vss_nl_msg m;

	vss_nl_msg_init(&m, nl->family, VSS_CMD_TRACKER_RESET, VSS_FAMILY_VERSION);
	put_str(&m, VSS_A_TRACKER_ORIGIN, origin);
	return vss_nl_transact(nl, &m, NULL, 0);
}
