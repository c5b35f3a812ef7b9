// SPDX-License-Identifier: LGPL-2.1-or-later
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <linux/genetlink.h>
#include <linux/netlink.h>

#include "build.h"
#include "mock.h"

static void must(int ret, const char *what)
{
	if (ret < 0) {
		fprintf(stderr, "build: %s failed\n", what);
		exit(1);
	}
}

static struct nl_msg *genl_new(uint16_t family, uint8_t cmd, uint8_t version)
{
	struct nl_msg *msg = nlmsg_alloc();

	if (!msg || !genlmsg_put(msg, 0, 0, family, 0, 0, cmd, version)) {
		fprintf(stderr, "build: genlmsg_put failed\n");
		exit(1);
	}
	return msg;
}

static void put_group(struct nl_msg *msg, int idx, uint32_t id, const char *name)
{
	struct nlattr *grp = nla_nest_start(msg, idx);

	must(grp ? 0 : -1, "nest");
	must(nla_put_u32(msg, CTRL_ATTR_MCAST_GRP_ID, id), "group id");
	must(nla_put_string(msg, CTRL_ATTR_MCAST_GRP_NAME, name), "group name");
	nla_nest_end(msg, grp);
}

struct nl_msg *build_family(uint16_t id, uint32_t version, bool groups)
{
	struct nl_msg *msg = genl_new(GENL_ID_CTRL, CTRL_CMD_NEWFAMILY, 2);
	struct nlattr *nest;

	must(nla_put_string(msg, CTRL_ATTR_FAMILY_NAME, VSS_FAMILY_NAME), "name");
	must(nla_put_u16(msg, CTRL_ATTR_FAMILY_ID, id), "id");
	must(nla_put_u32(msg, CTRL_ATTR_VERSION, version), "version");
	must(nla_put_u32(msg, CTRL_ATTR_HDRSIZE, 0), "hdrsize");
	must(nla_put_u32(msg, CTRL_ATTR_MAXATTR, VSS_A_FEATURES_MAX), "maxattr");
	if (groups) {
		nest = nla_nest_start(msg, CTRL_ATTR_MCAST_GROUPS);
		must(nest ? 0 : -1, "groups");
		put_group(msg, 1, TEST_MCGRP_EVENTS, VSS_MCGRP_EVENTS);
		put_group(msg, 2, TEST_MCGRP_MONITOR, VSS_MCGRP_MONITOR);
		nla_nest_end(msg, nest);
	}
	return msg;
}

static struct nl_msg *error_new(int error, int flags, const struct nlmsghdr *req)
{
	struct nl_msg *msg = nlmsg_alloc_simple(NLMSG_ERROR, flags);
	size_t echo = req ? req->nlmsg_len - NLMSG_HDRLEN : 0;
	struct nlmsgerr *err;

	must(msg ? 0 : -1, "nlmsg_alloc_simple");
	err = nlmsg_reserve(msg, sizeof(*err) + echo, NLMSG_ALIGNTO);
	must(err ? 0 : -1, "nlmsg_reserve");
	memset(err, 0, sizeof(*err));
	err->error = error;
	if (req)
		memcpy(&err->msg, req, req->nlmsg_len);
	return msg;
}

struct nl_msg *build_ack(void)
{
	return error_new(0, NLM_F_CAPPED, NULL);
}

struct nl_msg *build_error(int error)
{
	return error_new(error, NLM_F_CAPPED, NULL);
}

struct nl_msg *build_extack(int error, const char *text, long offs,
			    long miss_type)
{
	struct nl_msg *msg = error_new(error, NLM_F_CAPPED | NLM_F_ACK_TLVS, NULL);

	if (text)
		must(nla_put_string(msg, NLMSGERR_ATTR_MSG, text), "msg");
	if (offs >= 0)
		must(nla_put_u32(msg, NLMSGERR_ATTR_OFFS, (uint32_t)offs), "offs");
	if (miss_type >= 0)
		must(nla_put_u32(msg, NLMSGERR_ATTR_MISS_TYPE,
				 (uint32_t)miss_type), "miss type");
	return msg;
}

struct nl_msg *build_extack_uncapped(const struct nlmsghdr *req, int error,
				     const char *text)
{
	struct nl_msg *msg = error_new(error, NLM_F_ACK_TLVS, req);

	must(nla_put_string(msg, NLMSGERR_ATTR_MSG, text), "msg");
	return msg;
}

struct nl_msg *build_features(const char *version, uint32_t protocol,
			      uint64_t mask, unsigned int how)
{
	struct nl_msg *msg = genl_new(TEST_FAMILY_ID, VSS_CMD_GET_FEATURES,
				      VSS_FAMILY_VERSION);

	if (how & FEAT_UNTERMINATED)
		must(nla_put(msg, VSS_A_FEATURES_MODULE_VERSION,
			     (int)strlen(version), version), "version");
	else if (!(how & FEAT_NO_VERSION))
		must(nla_put_string(msg, VSS_A_FEATURES_MODULE_VERSION, version),
		     "version");
	if (!(how & FEAT_NO_PROTOCOL))
		must(nla_put_u32(msg, VSS_A_FEATURES_PROTOCOL_VERSION, protocol),
		     "protocol");
	/* What nla_put_u64_64bit() emits where it must align the payload. */
	if (how & FEAT_PAD)
		must(nla_put(msg, VSS_A_FEATURES_PAD, 0, NULL), "pad");
	if (how & FEAT_SHORT_FEATURES)
		must(nla_put_u32(msg, VSS_A_FEATURES_FEATURES, (uint32_t)mask),
		     "features");
	else if (!(how & FEAT_NO_FEATURES))
		must(nla_put_u64(msg, VSS_A_FEATURES_FEATURES, mask), "features");
	if (how & FEAT_UNKNOWN_ATTR)
		must(nla_put_u32(msg, VSS_A_FEATURES_MAX + 10, 0xdeadbeef),
		     "unknown");
	return msg;
}

struct nl_msg *build_multi(struct nl_msg *msg)
{
	nlmsg_hdr(msg)->nlmsg_flags |= NLM_F_MULTI;
	return msg;
}

struct nl_msg *build_done(int error, const char *text)
{
	int flags = NLM_F_MULTI | (text ? NLM_F_ACK_TLVS : 0);
	struct nl_msg *msg = nlmsg_alloc_simple(NLMSG_DONE, flags);
	void *p;

	must(msg ? 0 : -1, "nlmsg_alloc_simple");
	p = nlmsg_reserve(msg, sizeof(error), NLMSG_ALIGNTO);
	must(p ? 0 : -1, "nlmsg_reserve");
	memcpy(p, &error, sizeof(error));
	if (text)
		must(nla_put_string(msg, NLMSGERR_ATTR_MSG, text), "msg");
	return msg;
}

static struct nl_msg *vss_new(uint8_t cmd, unsigned int how)
{
	struct nl_msg *msg = genl_new(TEST_FAMILY_ID, cmd, VSS_FAMILY_VERSION);

	return how & BUILD_MULTI ? build_multi(msg) : msg;
}

/* What nla_put_u64_64bit() emits, with the pad it adds where it must. */
static void put_u64(struct nl_msg *msg, int type, uint64_t v, int pad,
		    unsigned int how)
{
	if (how & BUILD_PAD)
		must(nla_put(msg, pad, 0, NULL), "pad");
	must(nla_put_u64(msg, type, v), "u64");
}

struct nl_msg *build_storage(const struct test_storage *s, unsigned int how,
			     uint32_t omit)
{
	struct nl_msg *msg = vss_new(VSS_CMD_STORAGE_GET, how);
	unsigned int i;

	if (!(omit & OMIT(VSS_A_STORAGE_ORIGIN)))
		must(nla_put_string(msg, VSS_A_STORAGE_ORIGIN, s->origin), "origin");
	if (!(omit & OMIT(VSS_A_STORAGE_KIND)))
		must(nla_put_u32(msg, VSS_A_STORAGE_KIND, s->kind), "kind");
	if (!(omit & OMIT(VSS_A_STORAGE_MAX_BYTES)))
		put_u64(msg, VSS_A_STORAGE_MAX_BYTES, s->max_bytes,
			VSS_A_STORAGE_PAD, how);
	if (!(omit & OMIT(VSS_A_STORAGE_USED_BYTES)))
		put_u64(msg, VSS_A_STORAGE_USED_BYTES, s->used_bytes,
			VSS_A_STORAGE_PAD, how);
	if (!(omit & OMIT(VSS_A_STORAGE_CHUNK_BYTES)))
		must(nla_put_u32(msg, VSS_A_STORAGE_CHUNK_BYTES, s->chunk_bytes),
		     "chunk");
	for (i = 0; i < s->nr_thresholds; i++)
		if (!(omit & OMIT(VSS_A_STORAGE_THRESHOLD)))
			must(nla_put_u32(msg, VSS_A_STORAGE_THRESHOLD,
					 s->thresholds[i]), "threshold");
	if (s->path && !(omit & OMIT(VSS_A_STORAGE_PATH)))
		must(nla_put_string(msg, VSS_A_STORAGE_PATH, s->path), "path");
	if (s->path && !(omit & OMIT(VSS_A_STORAGE_FILE_BYTES)))
		put_u64(msg, VSS_A_STORAGE_FILE_BYTES, s->file_bytes,
			VSS_A_STORAGE_PAD, how);
	if (how & BUILD_UNKNOWN_ATTR)
		must(nla_put_u32(msg, VSS_A_STORAGE_MAX + 3, 0xdeadbeef),
		     "unknown");
	return msg;
}

/* ID, ORIGIN, DEVICE: what an ENTRY holds and a SNAPSHOT_GET reply starts with. */
static void put_core(struct nl_msg *msg, const uint8_t id[16],
		     const char *origin, const char *device, uint32_t omit)
{
	if (!(omit & OMIT(VSS_A_SNAPSHOT_ID)))
		must(nla_put(msg, VSS_A_SNAPSHOT_ID, 16, id), "id");
	if (!(omit & OMIT(VSS_A_SNAPSHOT_ORIGIN)))
		must(nla_put_string(msg, VSS_A_SNAPSHOT_ORIGIN, origin), "origin");
	if (!(omit & OMIT(VSS_A_SNAPSHOT_DEVICE)))
		must(nla_put_string(msg, VSS_A_SNAPSHOT_DEVICE, device), "device");
}

void build_token(struct nl_msg *msg, int type, const struct test_token *t,
		 unsigned int how, uint32_t omit)
{
	struct nlattr *nest = nla_nest_start(msg, type | NLA_F_NESTED);

	must(nest ? 0 : -1, "token nest");
	if (!(omit & OMIT(VSS_A_TOKEN_GENERATION)))
		must(nla_put(msg, VSS_A_TOKEN_GENERATION, 16, t->generation), "gen");
	if (!(omit & OMIT(VSS_A_TOKEN_EPOCH)))
		put_u64(msg, VSS_A_TOKEN_EPOCH, t->epoch, VSS_A_TOKEN_PAD, how);
	if (!(omit & OMIT(VSS_A_TOKEN_CAPACITY)))
		put_u64(msg, VSS_A_TOKEN_CAPACITY, t->capacity, VSS_A_TOKEN_PAD,
			how);
	if (!(omit & OMIT(VSS_A_TOKEN_LOGICAL_BLOCK)))
		must(nla_put_u32(msg, VSS_A_TOKEN_LOGICAL_BLOCK, t->logical_block),
		     "lbs");
	if (!(omit & OMIT(VSS_A_TOKEN_BLOCK_BYTES)))
		must(nla_put_u32(msg, VSS_A_TOKEN_BLOCK_BYTES, t->block_bytes),
		     "block");
	if (!(omit & OMIT(VSS_A_TOKEN_ORIGIN_UUID)))
		must(nla_put(msg, VSS_A_TOKEN_ORIGIN_UUID, 16, t->origin_uuid),
		     "uuid");
	if (how & BUILD_UNKNOWN_ATTR)
		must(nla_put_u32(msg, VSS_A_TOKEN_MAX + 3, 7), "unknown");
	nla_nest_end(msg, nest);
}

struct nl_msg *build_snapshot(const struct test_snapshot *s, unsigned int how,
			      uint32_t omit)
{
	struct nl_msg *msg = vss_new(VSS_CMD_SNAPSHOT_GET, how);

	/* In the order of the module's vss_nl_snapshot_fill(). */
	put_core(msg, s->id, s->origin, s->device, omit);
	if (!(omit & OMIT(VSS_A_SNAPSHOT_SET_ID)))
		must(nla_put(msg, VSS_A_SNAPSHOT_SET_ID, 16, s->set_id), "set id");
	if (!(omit & OMIT(VSS_A_SNAPSHOT_FLAGS)))
		must(nla_put_u32(msg, VSS_A_SNAPSHOT_FLAGS, s->flags), "flags");
	if (!(omit & OMIT(VSS_A_SNAPSHOT_CREATION_TIME)))
		put_u64(msg, VSS_A_SNAPSHOT_CREATION_TIME, s->creation_time_ns,
			VSS_A_SNAPSHOT_PAD, how);
	if (!(omit & OMIT(VSS_A_SNAPSHOT_STATE)))
		must(nla_put_u32(msg, VSS_A_SNAPSHOT_STATE, s->state), "state");
	if (!(omit & OMIT(VSS_A_SNAPSHOT_INVALID_REASON)))
		must(nla_put_u32(msg, VSS_A_SNAPSHOT_INVALID_REASON,
				 s->invalid_reason), "reason");
	if (!(omit & OMIT(VSS_A_SNAPSHOT_CONSISTENCY)))
		must(nla_put_u32(msg, VSS_A_SNAPSHOT_CONSISTENCY, s->consistency),
		     "consistency");
	if (!(omit & OMIT(VSS_A_SNAPSHOT_FREEZE_WINDOW_NS)))
		put_u64(msg, VSS_A_SNAPSHOT_FREEZE_WINDOW_NS, s->freeze_window_ns,
			VSS_A_SNAPSHOT_PAD, how);
	if (!(omit & OMIT(VSS_A_SNAPSHOT_STORAGE_USED_BYTES)))
		put_u64(msg, VSS_A_SNAPSHOT_STORAGE_USED_BYTES,
			s->storage_used_bytes, VSS_A_SNAPSHOT_PAD, how);
	if (s->token && !(omit & OMIT(VSS_A_SNAPSHOT_TOKEN)))
		build_token(msg, VSS_A_SNAPSHOT_TOKEN, s->token, how, 0);
	if (how & BUILD_UNKNOWN_ATTR)
		must(nla_put_u32(msg, VSS_A_SNAPSHOT_MAX + 3, 0xdeadbeef),
		     "unknown");
	return msg;
}

struct nl_msg *build_snapset(const uint8_t set_id[16], uint32_t consistency,
			     uint64_t freeze_window_ns,
			     const struct test_entry *entries, unsigned int n,
			     unsigned int how, uint32_t omit,
			     uint32_t entry_omit)
{
	struct nl_msg *msg = vss_new(VSS_CMD_SNAPSHOT_CREATE, how);
	unsigned int i;

	if (!(omit & OMIT(VSS_A_SNAPSHOT_SET_ID)))
		must(nla_put(msg, VSS_A_SNAPSHOT_SET_ID, 16, set_id), "set id");
	if (!(omit & OMIT(VSS_A_SNAPSHOT_CONSISTENCY)))
		must(nla_put_u32(msg, VSS_A_SNAPSHOT_CONSISTENCY, consistency),
		     "consistency");
	if (!(omit & OMIT(VSS_A_SNAPSHOT_FREEZE_WINDOW_NS)))
		put_u64(msg, VSS_A_SNAPSHOT_FREEZE_WINDOW_NS, freeze_window_ns,
			VSS_A_SNAPSHOT_PAD, how);
	for (i = 0; i < n; i++) {
		/* The kernel's nla_nest_start() sets NLA_F_NESTED. */
		struct nlattr *nest = nla_nest_start(msg, VSS_A_SNAPSHOT_ENTRY |
							  NLA_F_NESTED);

		must(nest ? 0 : -1, "entry");
		put_core(msg, entries[i].id, entries[i].origin,
			 entries[i].device, entry_omit);
		if (entries[i].token)
			build_token(msg, VSS_A_SNAPSHOT_TOKEN, entries[i].token,
				    how, 0);
		if (how & BUILD_UNKNOWN_ATTR)
			must(nla_put_u32(msg, VSS_A_SNAPSHOT_MAX + 3, 1), "unknown");
		nla_nest_end(msg, nest);
	}
	if (how & BUILD_UNKNOWN_ATTR)
		must(nla_put_u32(msg, VSS_A_SNAPSHOT_MAX + 3, 0xdeadbeef),
		     "unknown");
	return msg;
}

struct nl_msg *build_deleted(uint32_t count, uint32_t omit)
{
	struct nl_msg *msg = vss_new(VSS_CMD_SNAPSHOT_DELETE, 0);

	if (!(omit & OMIT(VSS_A_SNAPSHOT_COUNT)))
		must(nla_put_u32(msg, VSS_A_SNAPSHOT_COUNT, count), "count");
	return msg;
}

int open_mocked(struct mock **mp, struct libvss_ctx **ctxp)
{
	*mp = mock_new();
	/* Two datagrams, as the kernel unicasts the reply and the ACK. */
	mock_queue1(*mp, 0, build_family(TEST_FAMILY_ID, 1, true));
	mock_queue1(*mp, 0, build_ack());
	return vss_ctx_open(mock_transport(*mp), ctxp);
}

/* ---- the coordination protocol ---- */

struct nl_msg *build_vss(uint8_t cmd)
{
	return genl_new(TEST_FAMILY_ID, cmd, VSS_FAMILY_VERSION);
}

struct nl_msg *build_extack_status(int error, const char *text,
				   uint32_t status)
{
	struct nl_msg *msg = build_extack(error, text, -1, -1);

	must(nla_put(msg, NLMSGERR_ATTR_COOKIE, sizeof(status), &status),
	     "cookie");
	return msg;
}

void build_writer_status(struct nl_msg *msg, const struct test_writer *w)
{
	struct nlattr *nest = nla_nest_start(msg, VSS_A_SESSION_WRITER);

	must(nest ? 0 : -1, "writer nest");
	must(nla_put_u32(msg, VSS_A_WRITER_ID, w->id), "id");
	must(nla_put(msg, VSS_A_WRITER_CLASS_ID, 16, w->class_id), "class");
	must(nla_put(msg, VSS_A_WRITER_INSTANCE_ID, 16, w->instance_id), "inst");
	must(nla_put_string(msg, VSS_A_WRITER_NAME, w->name), "name");
	must(nla_put_u32(msg, VSS_A_WRITER_LEVEL, w->level), "level");
	must(nla_put_u32(msg, VSS_A_WRITER_STATE, w->state), "state");
	must(nla_put_u32(msg, VSS_A_WRITER_FAILURE, w->failure), "failure");
	must(nla_put_u32(msg, VSS_A_WRITER_ERROR, w->error), "error");
	if (w->message)
		must(nla_put_string(msg, VSS_A_WRITER_MESSAGE, w->message), "msg");
	if (w->selected)
		must(nla_put_flag(msg, VSS_A_WRITER_SELECTED), "selected");
	nla_nest_end(msg, nest);
}

struct nl_msg *build_completion(uint32_t id, uint32_t op, uint32_t seq,
				uint32_t error, uint32_t status, uint32_t state,
				const char *message)
{
	struct nl_msg *msg = build_vss(VSS_CMD_SESSION_COMPLETE_NTF);

	must(nla_put_u32(msg, VSS_A_SESSION_ID, id), "id");
	must(nla_put_u32(msg, VSS_A_SESSION_OP, op), "op");
	must(nla_put_u32(msg, VSS_A_SESSION_SEQ, seq), "seq");
	must(nla_put_u32(msg, VSS_A_SESSION_ERROR, error), "error");
	must(nla_put_u32(msg, VSS_A_SESSION_STATUS, status), "status");
	must(nla_put_u32(msg, VSS_A_SESSION_STATE, state), "state");
	if (message)
		must(nla_put_string(msg, VSS_A_SESSION_MESSAGE, message), "message");
	return msg;
}

struct nl_msg *build_extents(const struct test_extent *x, unsigned int n,
			     unsigned int how)
{
	struct nl_msg *msg = vss_new(VSS_CMD_CHANGES_GET, how | BUILD_MULTI);
	unsigned int i;

	for (i = 0; i < n; i++) {
		struct nlattr *nest = nla_nest_start(msg, VSS_A_CHANGES_EXTENT |
							  NLA_F_NESTED);

		must(nest ? 0 : -1, "extent");
		put_u64(msg, VSS_A_EXTENT_OFFSET, x[i].offset, VSS_A_EXTENT_PAD,
			how);
		put_u64(msg, VSS_A_EXTENT_LENGTH, x[i].length, VSS_A_EXTENT_PAD,
			how);
		nla_nest_end(msg, nest);
	}
	return msg;
}

struct nl_msg *build_changes_totals(uint64_t bytes, uint64_t count,
				    uint32_t omit)
{
	struct nl_msg *msg = vss_new(VSS_CMD_CHANGES_GET, 0);

	if (!(omit & OMIT(VSS_A_CHANGES_CHANGED_BYTES)))
		must(nla_put_u64(msg, VSS_A_CHANGES_CHANGED_BYTES, bytes), "bytes");
	if (!(omit & OMIT(VSS_A_CHANGES_EXTENT_COUNT)))
		must(nla_put_u64(msg, VSS_A_CHANGES_EXTENT_COUNT, count), "count");
	return msg;
}

struct nl_msg *build_stale(bool done, int error, const char *text,
			   uint32_t kind, uint32_t value)
{
	struct vss_changes_cookie c = { .kind = kind, .value = value };
	struct nl_msg *msg = done ? build_done(error, text) :
				    build_extack(error, text, -1, -1);

	nlmsg_hdr(msg)->nlmsg_flags |= NLM_F_ACK_TLVS;
	if (kind != VSS_COOKIE_NONE)
		must(nla_put(msg, NLMSGERR_ATTR_COOKIE, sizeof(c), &c), "cookie");
	return msg;
}

struct nl_msg *build_tracker(uint8_t cmd, const struct test_tracker *t,
			     const uint8_t *old, unsigned int how,
			     uint32_t omit)
{
	struct nl_msg *msg = vss_new(cmd, how);

	if (!(omit & OMIT(VSS_A_TRACKER_ORIGIN)))
		must(nla_put_string(msg, VSS_A_TRACKER_ORIGIN, t->origin), "origin");
	if (!(omit & OMIT(VSS_A_TRACKER_GENERATION)))
		must(nla_put(msg, VSS_A_TRACKER_GENERATION, 16, t->generation),
		     "gen");
	if (old && !(omit & OMIT(VSS_A_TRACKER_OLD_GENERATION)))
		must(nla_put(msg, VSS_A_TRACKER_OLD_GENERATION, 16, old), "old");
	if (!(omit & OMIT(VSS_A_TRACKER_EPOCH)))
		put_u64(msg, VSS_A_TRACKER_EPOCH, t->epoch, VSS_A_TRACKER_PAD, how);
	if (!old) {
		if (!(omit & OMIT(VSS_A_TRACKER_BLOCK_BYTES)))
			must(nla_put_u32(msg, VSS_A_TRACKER_BLOCK_BYTES,
					 t->block_bytes), "block");
		if (!(omit & OMIT(VSS_A_TRACKER_CAPACITY)))
			put_u64(msg, VSS_A_TRACKER_CAPACITY, t->capacity,
				VSS_A_TRACKER_PAD, how);
		if (!(omit & OMIT(VSS_A_TRACKER_BLOCKS_MARKED)))
			put_u64(msg, VSS_A_TRACKER_BLOCKS_MARKED, t->blocks_marked,
				VSS_A_TRACKER_PAD, how);
		if (!(omit & OMIT(VSS_A_TRACKER_MAP_BYTES)))
			put_u64(msg, VSS_A_TRACKER_MAP_BYTES, t->map_bytes,
				VSS_A_TRACKER_PAD, how);
	}
	if (!(omit & OMIT(VSS_A_TRACKER_REASON)))
		must(nla_put_u32(msg, VSS_A_TRACKER_REASON, t->reason), "reason");
	if (how & BUILD_UNKNOWN_ATTR)
		must(nla_put_u32(msg, VSS_A_TRACKER_MAX + 3, 1), "unknown");
	return msg;
}
