// SPDX-License-Identifier: GPL-2.0
/*
 * CHANGES_GET, TRACKER_GET, TRACKER_RESET, TRACKER_NTF, TRACKER_EXPORT and
 * TRACKER_IMPORT: changed-block tracking over netlink (Documentation/cbt.md).
 *
 * A refused CHANGES_GET says why three ways: the errno (ESTALE, or EINVAL
 * for not-older), an extack message beginning "stale: NAME:", and a struct
 * vss_changes_cookie in the extack cookie. The netlink core sends the
 * cookie with a do's ack on every kernel, with a dump's NLMSG_DONE from
 * 6.12 only; the message goes everywhere.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/slab.h>

#include "compat.h"
#include "engine.h"
#include "nl.h"

/*
 * A token is echoed as the reply had it: on architectures without cheap
 * unaligned access its u64s come with PAD attributes, taken and ignored.
 */
static const struct nla_policy vss_token_policy[VSS_A_TOKEN_MAX + 1] = {
	[VSS_A_TOKEN_PAD] = { .type = NLA_BINARY },
	[VSS_A_TOKEN_GENERATION] = NLA_POLICY_EXACT_LEN(sizeof(uuid_t)),
	[VSS_A_TOKEN_EPOCH] = { .type = NLA_U64 },
	[VSS_A_TOKEN_CAPACITY] = { .type = NLA_U64 },
	[VSS_A_TOKEN_LOGICAL_BLOCK] = { .type = NLA_U32 },
	[VSS_A_TOKEN_BLOCK_BYTES] = { .type = NLA_U32 },
	[VSS_A_TOKEN_ORIGIN_UUID] = NLA_POLICY_EXACT_LEN(sizeof(uuid_t)),
};

const struct nla_policy vss_changes_policy[VSS_A_CHANGES_START + 1] = {
	[VSS_A_CHANGES_SNAPSHOT_ID] = NLA_POLICY_EXACT_LEN(sizeof(uuid_t)),
	[VSS_A_CHANGES_SINCE] = NLA_POLICY_NESTED(vss_token_policy),
	[VSS_A_CHANGES_START] = { .type = NLA_U64 },
};

const struct nla_policy vss_tracker_policy[VSS_A_TRACKER_ORIGIN + 1] = {
	[VSS_A_TRACKER_ORIGIN] = { .type = NLA_NUL_STRING, .len = PATH_MAX - 1 },
};

static const struct nla_policy vss_chunk_policy[VSS_A_CHUNK_MAX + 1] = {
	[VSS_A_CHUNK_INDEX] = { .type = NLA_U32 },
	[VSS_A_CHUNK_MARKS] = NLA_POLICY_EXACT_LEN(VSS_TRACK_CHUNK_MARKS * sizeof(u16)),
};

const struct nla_policy vss_tracker_import_policy[VSS_A_TRACKER_IMPORT_STEP + 1] = {
	[VSS_A_TRACKER_ORIGIN] = { .type = NLA_NUL_STRING, .len = PATH_MAX - 1 },
	[VSS_A_TRACKER_STATE] = NLA_POLICY_NESTED(vss_token_policy),
	[VSS_A_TRACKER_CHUNK] = NLA_POLICY_NESTED(vss_chunk_policy),
	[VSS_A_TRACKER_IMPORT_STEP] = NLA_POLICY_MAX(NLA_U32, VSS_IMPORT_COMMIT),
};

/* What vss_nl_put_token() adds at most, for sizing a reply. */
size_t vss_nl_token_size(void)
{
	return nla_total_size(0) +
	       nla_total_size(sizeof_field(struct vss_cbt_token, generation)) +
	       2 * nla_total_size_64bit(sizeof(u64)) +
	       2 * nla_total_size(sizeof(u32)) +
	       nla_total_size(sizeof_field(struct vss_cbt_token, origin_uuid));
}

int vss_nl_put_token(struct sk_buff *msg, int type, const struct vss_cbt_token *tok)
{
	struct nlattr *nest = nla_nest_start(msg, type);

	if (!nest ||
	    nla_put(msg, VSS_A_TOKEN_GENERATION, sizeof(tok->generation), &tok->generation) ||
	    nla_put_u64_64bit(msg, VSS_A_TOKEN_EPOCH, tok->epoch, VSS_A_TOKEN_PAD) ||
	    nla_put_u64_64bit(msg, VSS_A_TOKEN_CAPACITY, tok->capacity, VSS_A_TOKEN_PAD) ||
	    nla_put_u32(msg, VSS_A_TOKEN_LOGICAL_BLOCK, tok->logical_block) ||
	    nla_put_u32(msg, VSS_A_TOKEN_BLOCK_BYTES, tok->block_bytes) ||
	    nla_put(msg, VSS_A_TOKEN_ORIGIN_UUID, sizeof(tok->origin_uuid), &tok->origin_uuid))
		return -EMSGSIZE;
	nla_nest_end(msg, nest);
	return 0;
}

/* @msg: a string with static lifetime (cbt.c's); @attr may be NULL. */
static void vss_nl_msg(struct netlink_ext_ack *extack, const struct nlattr *attr,
		       const char *msg)
{
	if (!extack)
		return;
	extack->_msg = msg;
	extack->bad_attr = attr;
}

/* The message is one of cbt.c's static strings. */
static void vss_nl_stale(struct netlink_ext_ack *extack, u32 reason, const char *msg)
{
	struct vss_changes_cookie c = {
		.kind = VSS_COOKIE_STALE_REASON,
		.value = reason,
	};

	if (!extack)
		return;
	extack->_msg = msg;
	BUILD_BUG_ON(sizeof(c) > NETLINK_MAX_COOKIE_LEN);
	memcpy(extack->cookie, &c, sizeof(c));
	extack->cookie_len = sizeof(c);
}

static int vss_nl_stale_errno(u32 reason)
{
	return reason == VSS_STALE_NOT_OLDER ? -EINVAL : -ESTALE;
}

/* The request of CHANGES_GET, parsed. */
struct vss_changes_req {
	uuid_t id;
	struct vss_cbt_token since;
	u64 start;
};

/*
 * A token nest (a since, or a tracker's state), all six attributes; @what
 * is the (static) message when one lacks.
 */
static int vss_nl_token_parse(struct nlattr *nest, struct vss_cbt_token *tok,
			      const char *what, struct netlink_ext_ack *extack)
{
	struct nlattr *tb[VSS_A_TOKEN_MAX + 1];
	static const int need[] = {
		VSS_A_TOKEN_GENERATION, VSS_A_TOKEN_EPOCH, VSS_A_TOKEN_CAPACITY,
		VSS_A_TOKEN_LOGICAL_BLOCK, VSS_A_TOKEN_BLOCK_BYTES,
		VSS_A_TOKEN_ORIGIN_UUID,
	};
	unsigned int i;
	int err;

	/* Validated by the policy already; this only fills tb. */
	err = nla_parse_nested(tb, VSS_A_TOKEN_MAX, nest, vss_token_policy, extack);
	if (err)
		return err;
	for (i = 0; i < ARRAY_SIZE(need); i++)
		if (!tb[need[i]]) {
			vss_nl_msg(extack, nest, what);
			return -EINVAL;
		}
	memset(tok, 0, sizeof(*tok));
	memcpy(&tok->generation, nla_data(tb[VSS_A_TOKEN_GENERATION]), sizeof(uuid_t));
	tok->epoch = nla_get_u64(tb[VSS_A_TOKEN_EPOCH]);
	tok->capacity = nla_get_u64(tb[VSS_A_TOKEN_CAPACITY]);
	tok->logical_block = nla_get_u32(tb[VSS_A_TOKEN_LOGICAL_BLOCK]);
	tok->block_bytes = nla_get_u32(tb[VSS_A_TOKEN_BLOCK_BYTES]);
	memcpy(&tok->origin_uuid, nla_data(tb[VSS_A_TOKEN_ORIGIN_UUID]), sizeof(uuid_t));
	return 0;
}

static int vss_nl_changes_parse(struct nlattr **attrs, struct vss_changes_req *req,
				struct netlink_ext_ack *extack)
{
	int err;

	if (!attrs[VSS_A_CHANGES_SNAPSHOT_ID]) {
		NL_SET_ERR_MSG(extack, "snapshot-id is required");
		return -EINVAL;
	}
	if (!attrs[VSS_A_CHANGES_SINCE]) {
		NL_SET_ERR_MSG(extack, "since (the earlier snapshot's token) is required");
		return -EINVAL;
	}
	err = vss_nl_token_parse(attrs[VSS_A_CHANGES_SINCE], &req->since,
				 "since lacks a token attribute (all six are required)",
				 extack);
	if (err)
		return err;
	memcpy(&req->id, nla_data(attrs[VSS_A_CHANGES_SNAPSHOT_ID]), sizeof(req->id));
	req->start = attrs[VSS_A_CHANGES_START] ?
		     nla_get_u64(attrs[VSS_A_CHANGES_START]) : 0;
	return 0;
}

/*
 * Finds S1, checks the token and starts an iterator, the origin pinned
 * (as by a set being created: STORAGE_REMOVE waits) until
 * vss_nl_changes_end(). The iteration itself runs without vss_lock.
 */
static int vss_nl_changes_begin(const struct vss_changes_req *req,
				struct vss_cbt_iter *it, struct nlattr *id_attr,
				struct netlink_ext_ack *extack)
{
	struct vss_snapshot *s1;
	const char *msg;
	u32 reason;
	int err;

	mutex_lock(&vss_lock);
	s1 = vss_snapshot_find(&req->id);
	if (!s1) {
		mutex_unlock(&vss_lock);
		NL_SET_ERR_MSG_ATTR(extack, id_attr, "no snapshot with this id");
		return -ENOENT;
	}
	reason = vss_cbt_check(s1, &req->since, &msg);
	if (reason) {
		mutex_unlock(&vss_lock);
		vss_nl_stale(extack, reason, msg);
		return vss_nl_stale_errno(reason);
	}
	err = vss_cbt_iter_init(it, s1, req->since.epoch, req->start);
	if (!err)
		s1->origin->creating++;
	mutex_unlock(&vss_lock);
	if (err)
		NL_SET_ERR_MSG(extack, "out of memory");
	return err;
}

static void vss_nl_changes_end(struct vss_cbt_iter *it)
{
	if (!it->buf)
		return;
	mutex_lock(&vss_lock);
	it->origin->creating--;
	mutex_unlock(&vss_lock);
	vss_cbt_iter_release(it);
}

static int vss_nl_iter_err(int err, u32 reason, struct netlink_ext_ack *extack)
{
	if (err == -ESTALE)
		vss_nl_stale(extack, reason, vss_cbt_check_msg(reason));
	else if (err == -ENOENT)
		NL_SET_ERR_MSG(extack, "the snapshot was deleted during the query");
	return err;
}

/* The do: the totals, so a tool can size an incremental first. */
int vss_nl_changes_get_doit(struct sk_buff *skb, struct genl_info *info)
{
	struct vss_changes_req req;
	struct vss_cbt_iter it = {};
	u64 first, count, off, len, bytes = 0, extents = 0;
	struct sk_buff *msg;
	u32 reason = 0;
	void *hdr;
	int err;

	err = vss_nl_require_admin(skb, info->extack);
	if (err)
		return err;
	err = vss_nl_changes_parse(info->attrs, &req, info->extack);
	if (err)
		return err;
	err = vss_nl_changes_begin(&req, &it, info->attrs[VSS_A_CHANGES_SNAPSHOT_ID],
				   info->extack);
	if (err)
		return err;
	while ((err = vss_cbt_iter_next(&it, &first, &count, &reason)) > 0) {
		vss_cbt_extent_bytes(&it.s1, first, count, &off, &len);
		bytes += len;
		extents++;
	}
	vss_nl_changes_end(&it);
	if (err)
		return vss_nl_iter_err(err, reason, info->extack);

	msg = genlmsg_new(NLMSG_GOODSIZE, GFP_KERNEL);
	if (!msg)
		return -ENOMEM;
	hdr = genlmsg_put_reply(msg, info, &vss_nl_family, 0, VSS_CMD_CHANGES_GET);
	if (!hdr ||
	    nla_put_u64_64bit(msg, VSS_A_CHANGES_CHANGED_BYTES, bytes, VSS_A_CHANGES_PAD) ||
	    nla_put_u64_64bit(msg, VSS_A_CHANGES_EXTENT_COUNT, extents, VSS_A_CHANGES_PAD)) {
		nlmsg_free(msg);
		return -EMSGSIZE;
	}
	genlmsg_end(msg, hdr);
	return genlmsg_reply(msg, info);
}

/* A dump's state, from start to done. */
struct vss_changes_dump {
	struct vss_cbt_iter it;
	bool begun;
	bool pending;			/* @first/@count did not fit last time */
	u64 first, count;
};

int vss_nl_changes_get_start(struct netlink_callback *cb)
{
	struct vss_changes_dump *d = kzalloc(sizeof(*d), GFP_KERNEL);

	if (!d)
		return -ENOMEM;
	cb->args[0] = (long)d;
	return 0;
}

int vss_nl_changes_get_done(struct netlink_callback *cb)
{
	struct vss_changes_dump *d = (struct vss_changes_dump *)cb->args[0];

	if (d) {
		vss_nl_changes_end(&d->it);
		kfree(d);
	}
	return 0;
}

static int vss_nl_put_extent(struct sk_buff *msg, const struct vss_cbt_token *tok,
			     u64 first, u64 count)
{
	struct nlattr *nest = nla_nest_start(msg, VSS_A_CHANGES_EXTENT);
	u64 off, len;

	vss_cbt_extent_bytes(tok, first, count, &off, &len);
	if (!nest ||
	    nla_put_u64_64bit(msg, VSS_A_EXTENT_OFFSET, off, VSS_A_EXTENT_PAD) ||
	    nla_put_u64_64bit(msg, VSS_A_EXTENT_LENGTH, len, VSS_A_EXTENT_PAD)) {
		if (nest)
			nla_nest_cancel(msg, nest);
		return -EMSGSIZE;
	}
	nla_nest_end(msg, nest);
	return 0;
}

/*
 * The checks run in the first call rather than in start: 6.1 gives start
 * no extack, and an error here reaches the caller in NLMSG_DONE with it.
 */
int vss_nl_changes_get_dumpit(struct sk_buff *skb, struct netlink_callback *cb)
{
	struct vss_changes_dump *d = (struct vss_changes_dump *)cb->args[0];
	unsigned int n = 0;
	u32 reason = 0;
	void *hdr;
	int err;

	if (!d->begun) {
		struct nlattr **attrs = vss_compat_dump_attrs(cb);
		struct vss_changes_req req;

		err = vss_nl_require_admin(cb->skb, cb->extack);
		if (err)
			return err;
		err = vss_nl_changes_parse(attrs, &req, cb->extack);
		if (err)
			return err;
		err = vss_nl_changes_begin(&req, &d->it, attrs[VSS_A_CHANGES_SNAPSHOT_ID],
					   cb->extack);
		if (err)
			return err;
		d->begun = true;
	}
	hdr = genlmsg_put(skb, NETLINK_CB(cb->skb).portid, cb->nlh->nlmsg_seq,
			  &vss_nl_family, NLM_F_MULTI, VSS_CMD_CHANGES_GET);
	if (!hdr)
		return -EMSGSIZE;
	for (;;) {
		if (!d->pending) {
			err = vss_cbt_iter_next(&d->it, &d->first, &d->count, &reason);
			if (err <= 0)
				break;
			d->pending = true;
		}
		if (vss_nl_put_extent(skb, &d->it.s1, d->first, d->count)) {
			err = n ? 1 : -EMSGSIZE;
			break;
		}
		d->pending = false;
		n++;
	}
	if (err < 0 && err != -EMSGSIZE) {
		genlmsg_cancel(skb, hdr);
		return vss_nl_iter_err(err, reason, cb->extack);
	}
	if (!n) {
		genlmsg_cancel(skb, hdr);
		return err == -EMSGSIZE ? -EMSGSIZE : 0;
	}
	genlmsg_end(skb, hdr);
	return skb->len;
}

/* Trackers. */

static int vss_nl_tracker_fill(struct sk_buff *msg, struct vss_origin *o, u8 cmd,
			       u32 portid, u32 seq, int flags)
{
	void *hdr = genlmsg_put(msg, portid, seq, &vss_nl_family, flags, cmd);
	struct vss_cbt_info ti;

	if (!hdr)
		return -EMSGSIZE;
	vss_cbt_info(o, &ti);
	if (nla_put_string(msg, VSS_A_TRACKER_ORIGIN, o->name) ||
	    nla_put(msg, VSS_A_TRACKER_GENERATION, sizeof(ti.generation), &ti.generation) ||
	    nla_put_u64_64bit(msg, VSS_A_TRACKER_EPOCH, ti.epoch, VSS_A_TRACKER_PAD) ||
	    nla_put_u32(msg, VSS_A_TRACKER_BLOCK_BYTES, ti.block_bytes) ||
	    nla_put_u64_64bit(msg, VSS_A_TRACKER_CAPACITY, ti.capacity, VSS_A_TRACKER_PAD) ||
	    nla_put_u64_64bit(msg, VSS_A_TRACKER_BLOCKS_MARKED, ti.blocks_marked,
			      VSS_A_TRACKER_PAD) ||
	    nla_put_u64_64bit(msg, VSS_A_TRACKER_MAP_BYTES, ti.map_bytes, VSS_A_TRACKER_PAD) ||
	    nla_put_u32(msg, VSS_A_TRACKER_REASON, ti.reason) ||
	    (ti.seal && nla_put_u32(msg, VSS_A_TRACKER_SEAL, ti.seal))) {
		genlmsg_cancel(msg, hdr);
		return -EMSGSIZE;
	}
	genlmsg_end(msg, hdr);
	return 0;
}

/* TRACKER_ORIGIN has STORAGE_ORIGIN's number: the storage lookup serves. */
static struct vss_origin *vss_nl_tracker_origin(struct genl_info *info, int *err)
{
	BUILD_BUG_ON((int)VSS_A_TRACKER_ORIGIN != (int)VSS_A_STORAGE_ORIGIN);
	return vss_nl_find_origin(info, err);
}

int vss_nl_tracker_get_doit(struct sk_buff *skb, struct genl_info *info)
{
	struct vss_origin *o;
	struct sk_buff *msg;
	int err;

	err = vss_nl_require_admin(skb, info->extack);
	if (err)
		return err;
	if (vss_nl_need(info, VSS_A_TRACKER_ORIGIN, "origin is required"))
		return -EINVAL;
	msg = genlmsg_new(NLMSG_GOODSIZE, GFP_KERNEL);
	if (!msg)
		return -ENOMEM;
	mutex_lock(&vss_lock);
	o = vss_nl_tracker_origin(info, &err);
	if (o)
		err = vss_nl_tracker_fill(msg, o, VSS_CMD_TRACKER_GET, info->snd_portid,
					  info->snd_seq, 0);
	mutex_unlock(&vss_lock);
	if (err) {
		nlmsg_free(msg);
		return err;
	}
	return genlmsg_reply(msg, info);
}

int vss_nl_tracker_get_dumpit(struct sk_buff *skb, struct netlink_callback *cb)
{
	struct vss_origin *o;
	long idx = 0;
	int err;

	err = vss_nl_require_admin(cb->skb, cb->extack);
	if (err)
		return err;
	mutex_lock(&vss_lock);
	list_for_each_entry(o, &vss_origins, node) {
		if (idx++ < cb->args[0])
			continue;
		err = vss_nl_tracker_fill(skb, o, VSS_CMD_TRACKER_GET,
					  NETLINK_CB(cb->skb).portid,
					  cb->nlh->nlmsg_seq, NLM_F_MULTI);
		if (err)
			break;
		cb->args[0] = idx;
	}
	mutex_unlock(&vss_lock);
	return err == -EMSGSIZE && skb->len ? skb->len : (err ?: skb->len);
}

int vss_nl_tracker_reset_doit(struct sk_buff *skb, struct genl_info *info)
{
	struct vss_origin *o;
	int err;

	err = vss_nl_require_admin(skb, info->extack);
	if (err)
		return err;
	if (vss_nl_need(info, VSS_A_TRACKER_ORIGIN, "origin is required"))
		return -EINVAL;
	mutex_lock(&vss_lock);
	o = vss_nl_tracker_origin(info, &err);
	if (o)
		vss_cbt_reset(o, VSS_STALE_RESET);
	mutex_unlock(&vss_lock);
	return err;
}

/*
 * TRACKER_EXPORT: a dump of one origin's tracker. The first call seals it
 * (writes drained) and puts the state; then the chunks, from the live map
 * without vss_lock, the origin pinned as by a query. What the dump sends
 * after the seal is the sealed map as long as TRACKER_GET reports the seal.
 */
struct vss_export_dump {
	struct vss_origin *origin;	/* pinned (creating) */
	struct vss_cbt_token state;
	u32 seal;
	u32 next;			/* next chunk to look at */
	bool begun, state_sent;
	u16 buf[VSS_TRACK_CHUNK_MARKS];
};

int vss_nl_tracker_export_start(struct netlink_callback *cb)
{
	struct vss_export_dump *d = kzalloc(sizeof(*d), GFP_KERNEL);

	if (!d)
		return -ENOMEM;
	cb->args[0] = (long)d;
	return 0;
}

int vss_nl_tracker_export_done(struct netlink_callback *cb)
{
	struct vss_export_dump *d = (struct vss_export_dump *)cb->args[0];

	if (!d)
		return 0;
	if (d->origin) {
		mutex_lock(&vss_lock);
		d->origin->creating--;
		mutex_unlock(&vss_lock);
	}
	kfree(d);
	return 0;
}

static int vss_nl_export_begin(struct netlink_callback *cb, struct vss_export_dump *d)
{
	struct nlattr **attrs = vss_compat_dump_attrs(cb);
	struct genl_info info = { .attrs = attrs, .extack = cb->extack };
	struct vss_origin *o;
	int err;

	err = vss_nl_require_admin(cb->skb, cb->extack);
	if (err)
		return err;
	if (!attrs[VSS_A_TRACKER_ORIGIN]) {
		NL_SET_ERR_MSG(cb->extack, "origin is required");
		return -EINVAL;
	}
	mutex_lock(&vss_lock);
	o = vss_nl_tracker_origin(&info, &err);
	if (o) {
		err = vss_cbt_seal(o, &d->state, &d->seal);
		if (err == -ESTALE)
			NL_SET_ERR_MSG(cb->extack, "writes went unrecorded (test knob cbt_skip_marks): no seal");
		else if (err)
			NL_SET_ERR_MSG(cb->extack, "writes in flight did not complete in 5 s: no seal");
	}
	if (o && !err) {
		o->creating++;
		d->origin = o;
	}
	mutex_unlock(&vss_lock);
	return err;
}

int vss_nl_tracker_export_dumpit(struct sk_buff *skb, struct netlink_callback *cb)
{
	struct vss_export_dump *d = (struct vss_export_dump *)cb->args[0];
	struct nlattr *nest;
	unsigned int n = 0;
	void *hdr;
	u32 ci;
	int err;

	if (!d->begun) {
		err = vss_nl_export_begin(cb, d);
		if (err)
			return err;
		d->begun = true;
	}
	if (d->next == U32_MAX)
		return 0;
	hdr = genlmsg_put(skb, NETLINK_CB(cb->skb).portid, cb->nlh->nlmsg_seq,
			  &vss_nl_family, NLM_F_MULTI, VSS_CMD_TRACKER_EXPORT);
	if (!hdr)
		return -EMSGSIZE;
	if (!d->state_sent) {
		if (nla_put_string(skb, VSS_A_TRACKER_ORIGIN, d->origin->name) ||
		    vss_nl_put_token(skb, VSS_A_TRACKER_STATE, &d->state) ||
		    nla_put_u32(skb, VSS_A_TRACKER_SEAL, d->seal)) {
			genlmsg_cancel(skb, hdr);
			return -EMSGSIZE;
		}
		d->state_sent = true;
		n++;
	}
	for (;;) {
		ci = vss_cbt_chunk_get(d->origin, d->next, d->buf);
		if (ci == U32_MAX) {
			d->next = U32_MAX;
			break;
		}
		nest = nla_nest_start(skb, VSS_A_TRACKER_CHUNK);
		if (!nest || nla_put_u32(skb, VSS_A_CHUNK_INDEX, ci) ||
		    nla_put(skb, VSS_A_CHUNK_MARKS, sizeof(d->buf), d->buf)) {
			if (nest)
				nla_nest_cancel(skb, nest);
			d->next = ci;
			break;
		}
		nla_nest_end(skb, nest);
		d->next = ci + 1;
		n++;
	}
	if (!n) {
		genlmsg_cancel(skb, hdr);
		return -EMSGSIZE;
	}
	genlmsg_end(skb, hdr);
	return skb->len;
}

/*
 * TRACKER_IMPORT: one message of an import (enum vss_import_step). Every
 * message carries the state, so that one import cannot continue another.
 */
int vss_nl_tracker_import_doit(struct sk_buff *skb, struct genl_info *info)
{
	struct nlattr *attr;
	struct vss_cbt_token st;
	struct vss_origin *o;
	const char *msg = NULL;
	u32 step, gen_epoch;
	uuid_t old, gen;
	int err, rem;

	err = vss_nl_require_admin(skb, info->extack);
	if (err)
		return err;
	if (vss_nl_need(info, VSS_A_TRACKER_ORIGIN, "origin is required") ||
	    vss_nl_need(info, VSS_A_TRACKER_STATE, "state is required") ||
	    vss_nl_need(info, VSS_A_TRACKER_IMPORT_STEP, "import-step is required"))
		return -EINVAL;
	err = vss_nl_token_parse(info->attrs[VSS_A_TRACKER_STATE], &st,
				 "state lacks a token attribute (all six are required)",
				 info->extack);
	if (err)
		return err;
	step = nla_get_u32(info->attrs[VSS_A_TRACKER_IMPORT_STEP]);

	mutex_lock(&vss_lock);
	o = vss_nl_tracker_origin(info, &err);
	if (!o)
		goto out;
	err = vss_cbt_import_stage(o, &st, step, info->snd_portid, &msg);
	if (err) {
		if (err == -ESTALE)
			vss_nl_stale(info->extack, VSS_STALE_IDENTITY, msg);
		else
			vss_nl_msg(info->extack, info->attrs[VSS_A_TRACKER_STATE], msg);
		goto out;
	}
	nlmsg_for_each_attr(attr, info->nlhdr, GENL_HDRLEN, rem) {
		struct nlattr *tb[VSS_A_CHUNK_MAX + 1];

		if (nla_type(attr) != VSS_A_TRACKER_CHUNK)
			continue;
		err = nla_parse_nested(tb, VSS_A_CHUNK_MAX, attr, vss_chunk_policy,
				       info->extack);
		if (!err && (!tb[VSS_A_CHUNK_INDEX] || !tb[VSS_A_CHUNK_MARKS])) {
			msg = "a chunk needs index and marks";
			err = -EINVAL;
		}
		if (!err)
			err = vss_cbt_import_chunk(o, nla_get_u32(tb[VSS_A_CHUNK_INDEX]),
						   nla_data(tb[VSS_A_CHUNK_MARKS]), &msg);
		if (err) {
			if (msg)
				vss_nl_msg(info->extack, attr, msg);
			goto fail;
		}
	}
	if (step != VSS_IMPORT_COMMIT)
		goto out;
	err = vss_cbt_import_commit(o, &old, &msg);
	if (err) {
		vss_nl_msg(info->extack, NULL, msg);
		goto fail;
	}
	gen = st.generation;
	gen_epoch = st.epoch;
	mutex_unlock(&vss_lock);
	vss_notify_tracker(o, &gen, &old, gen_epoch, VSS_STALE_GENERATION);
	return 0;
fail:
	vss_cbt_import_abort(o);
out:
	mutex_unlock(&vss_lock);
	return err;
}

/* Best effort, as every monitor notification; may sleep. */
void vss_notify_tracker(struct vss_origin *o, const uuid_t *gen,
			const uuid_t *old_gen, u64 epoch, u32 reason)
{
	struct sk_buff *msg;
	void *hdr;

	msg = genlmsg_new(NLMSG_GOODSIZE, GFP_KERNEL);
	if (!msg)
		return;
	hdr = genlmsg_put(msg, 0, 0, &vss_nl_family, 0, VSS_CMD_TRACKER_NTF);
	if (!hdr ||
	    nla_put_string(msg, VSS_A_TRACKER_ORIGIN, o->name) ||
	    nla_put(msg, VSS_A_TRACKER_GENERATION, sizeof(*gen), gen) ||
	    nla_put(msg, VSS_A_TRACKER_OLD_GENERATION, sizeof(*old_gen), old_gen) ||
	    nla_put_u64_64bit(msg, VSS_A_TRACKER_EPOCH, epoch, VSS_A_TRACKER_PAD) ||
	    nla_put_u32(msg, VSS_A_TRACKER_REASON, reason)) {
		nlmsg_free(msg);
		return;
	}
	genlmsg_end(msg, hdr);
	genlmsg_multicast(&vss_nl_family, msg, 0, VSS_NL_MCGRP_MONITOR, GFP_KERNEL);
}
