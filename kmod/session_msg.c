// SPDX-License-Identifier: GPL-2.0
/*
 * Messages about writers and sessions: the attributes of WRITER_GET and
 * SESSION_GET replies, the completion unicast to a requester, and the
 * state notifications of the monitor group. All under vss_proto_lock.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include "nl.h"
#include "proto.h"

/* Upper bound of one VSS_A_SESSION_WRITER nest. */
size_t vss_msg_writer_status_size(void)
{
	return nla_total_size(0) +			/* the nest */
	       7 * nla_total_size(sizeof(u32)) +	/* id, level, state, ... */
	       2 * nla_total_size(sizeof(uuid_t)) +
	       2 * nla_total_size(VSS_WRITER_NAME_MAX) +
	       nla_total_size(VSS_MESSAGE_MAX);
}

static int vss_msg_put_identity(struct sk_buff *msg, struct vss_writer *w)
{
	if (nla_put_u32(msg, VSS_A_WRITER_ID, w->id) ||
	    nla_put(msg, VSS_A_WRITER_CLASS_ID, sizeof(uuid_t), &w->class_id) ||
	    nla_put(msg, VSS_A_WRITER_INSTANCE_ID, sizeof(uuid_t), &w->instance_id) ||
	    nla_put_string(msg, VSS_A_WRITER_NAME, w->name) ||
	    (w->instance_name[0] &&
	     nla_put_string(msg, VSS_A_WRITER_INSTANCE_NAME, w->instance_name)) ||
	    nla_put_u32(msg, VSS_A_WRITER_LEVEL, w->level))
		return -EMSGSIZE;
	return 0;
}

static int vss_msg_put_state(struct sk_buff *msg, u32 state, u32 failure,
			     u32 error, const char *message)
{
	if (nla_put_u32(msg, VSS_A_WRITER_STATE, state) ||
	    nla_put_u32(msg, VSS_A_WRITER_FAILURE, failure) ||
	    nla_put_u32(msg, VSS_A_WRITER_ERROR, error) ||
	    (message[0] && nla_put_string(msg, VSS_A_WRITER_MESSAGE, message)))
		return -EMSGSIZE;
	return 0;
}

/* WRITER_GET: the writer and its state in the last session it took part in. */
int vss_msg_put_writer(struct sk_buff *msg, struct vss_writer *w)
{
	lockdep_assert_held(&vss_proto_lock);
	if (vss_msg_put_identity(msg, w) ||
	    nla_put_u32(msg, VSS_A_WRITER_USAGE_TYPE, w->usage_type) ||
	    nla_put_u32(msg, VSS_A_WRITER_SOURCE_TYPE, w->source_type) ||
	    nla_put_u32(msg, VSS_A_WRITER_FREEZE_TIMEOUT_MS, w->freeze_timeout_ms) ||
	    nla_put_u32(msg, VSS_A_WRITER_PORTID, w->portid) ||
	    nla_put_u32(msg, VSS_A_WRITER_SESSION_ID, w->session_id) ||
	    vss_msg_put_state(msg, w->state, w->failure, w->error, w->message))
		return -EMSGSIZE;
	return 0;
}

/* One VSS_A_SESSION_WRITER nest: the writer's part in session @s. */
int vss_msg_put_writer_status(struct sk_buff *msg, struct vss_session *s,
			      struct vss_participant *p)
{
	struct nlattr *nest;

	lockdep_assert_held(&vss_proto_lock);
	nest = nla_nest_start(msg, VSS_A_SESSION_WRITER);
	if (!nest ||
	    vss_msg_put_identity(msg, p->w) ||
	    vss_msg_put_state(msg, p->state, p->failure, p->error, p->message) ||
	    (p->selected && nla_put_flag(msg, VSS_A_WRITER_SELECTED)))
		return -EMSGSIZE;
	nla_nest_end(msg, nest);
	return 0;
}

/* The internal op values are no operation to userspace. */
static u32 vss_msg_op(struct vss_session *s)
{
	return s->op == VSS_SESSION_OP_RELEASE || s->op == VSS_SESSION_OP_BUSY ?
	       VSS_SESSION_OP_NONE : s->op;
}

static int vss_msg_put_writers(struct sk_buff *msg, struct vss_session *s)
{
	unsigned int i;

	for (i = 0; i < s->nr_parts; i++)
		if (vss_msg_put_writer_status(msg, s, &s->parts[i]))
			return -EMSGSIZE;
	return 0;
}

static size_t vss_msg_writers_size(struct vss_session *s)
{
	return s->nr_parts * vss_msg_writer_status_size();
}

/* SESSION_GET: @writers adds each writer's status (do, not dump). */
int vss_msg_put_session(struct sk_buff *msg, struct vss_session *s, bool writers)
{
	lockdep_assert_held(&vss_proto_lock);
	if (nla_put_u32(msg, VSS_A_SESSION_ID, s->id) ||
	    nla_put_u32(msg, VSS_A_SESSION_OWNER, s->owner) ||
	    nla_put_u32(msg, VSS_A_SESSION_TYPE, s->type) ||
	    nla_put_u32(msg, VSS_A_SESSION_STATE, s->state) ||
	    nla_put_u32(msg, VSS_A_SESSION_OP, vss_msg_op(s)) ||
	    nla_put_u32(msg, VSS_A_SESSION_ERROR, s->last_error) ||
	    nla_put_u32(msg, VSS_A_SESSION_STATUS, s->last_status) ||
	    nla_put_u32(msg, VSS_A_SESSION_BACKUP_TYPE, s->backup_type) ||
	    nla_put_u32(msg, VSS_A_SESSION_FLAGS, s->flags) ||
	    (s->have_set &&
	     nla_put(msg, VSS_A_SESSION_SET_ID, sizeof(uuid_t), &s->set_id)))
		return -EMSGSIZE;
	if (writers && vss_msg_put_writers(msg, s))
		return -EMSGSIZE;
	return 0;
}

static int vss_msg_put_snaps(struct sk_buff *msg, struct vss_session *s)
{
	char dev[DISK_NAME_LEN];
	unsigned int i;

	if (nla_put_u32(msg, VSS_A_SESSION_CONSISTENCY, s->consistency) ||
	    nla_put_u64_64bit(msg, VSS_A_SESSION_FREEZE_WINDOW_NS, s->window_ns,
			      VSS_A_SESSION_PAD))
		return -EMSGSIZE;
	for (i = 0; i < s->nr_snaps; i++) {
		struct vss_session_snap *sn = &s->snaps[i];
		struct nlattr *nest = nla_nest_start(msg, VSS_A_SESSION_SNAPSHOT);

		snprintf(dev, sizeof(dev), "vss-snap%d", sn->number);
		if (!nest ||
		    nla_put(msg, VSS_A_SNAPSHOT_ID, sizeof(uuid_t), &sn->id) ||
		    nla_put_string(msg, VSS_A_SNAPSHOT_ORIGIN, sn->origin) ||
		    nla_put_string(msg, VSS_A_SNAPSHOT_DEVICE, dev) ||
		    vss_nl_put_token(msg, VSS_A_SNAPSHOT_TOKEN, &sn->token))
			return -EMSGSIZE;
		nla_nest_end(msg, nest);
	}
	return 0;
}

/* SESSION_COMPLETE_NTF for the owner; NULL if it cannot be built. */
struct sk_buff *vss_msg_complete(struct vss_session *s, u32 op, u32 seq,
				 const struct vss_op_result *r)
{
	struct sk_buff *msg;
	void *hdr;

	lockdep_assert_held(&vss_proto_lock);
	msg = genlmsg_new(NLMSG_GOODSIZE + vss_msg_writers_size(s) +
			  s->nr_snaps * (128 + vss_nl_token_size()), GFP_KERNEL);
	if (!msg)
		return NULL;
	hdr = genlmsg_put(msg, 0, 0, &vss_nl_family, 0, VSS_CMD_SESSION_COMPLETE_NTF);
	if (!hdr ||
	    nla_put_u32(msg, VSS_A_SESSION_ID, s->id) ||
	    nla_put_u32(msg, VSS_A_SESSION_OP, op) ||
	    nla_put_u32(msg, VSS_A_SESSION_SEQ, seq) ||
	    nla_put_u32(msg, VSS_A_SESSION_ERROR, -r->err) ||
	    nla_put_u32(msg, VSS_A_SESSION_STATUS, r->status) ||
	    nla_put_u32(msg, VSS_A_SESSION_STATE, s->state) ||
	    (r->message[0] && nla_put_string(msg, VSS_A_SESSION_MESSAGE, r->message)))
		goto too_big;
	if (op == VSS_SESSION_OP_DO_SNAPSHOT_SET && s->have_set &&
	    nla_put(msg, VSS_A_SESSION_SET_ID, sizeof(uuid_t), &s->set_id))
		goto too_big;
	if (op == VSS_SESSION_OP_DO_SNAPSHOT_SET && !r->err && vss_msg_put_snaps(msg, s))
		goto too_big;
	if (vss_msg_put_writers(msg, s))
		goto too_big;
	genlmsg_end(msg, hdr);
	return msg;

too_big:
	nlmsg_free(msg);
	pr_warn("session %u: completion too big to send\n", s->id);
	return NULL;
}

/* SESSION_STATE_NTF on the monitor group. Best effort. */
void vss_msg_state_notify(struct vss_session *s)
{
	struct sk_buff *msg;
	void *hdr;

	lockdep_assert_held(&vss_proto_lock);
	msg = genlmsg_new(NLMSG_GOODSIZE, GFP_KERNEL);
	if (!msg)
		return;
	hdr = genlmsg_put(msg, 0, 0, &vss_nl_family, 0, VSS_CMD_SESSION_STATE_NTF);
	if (!hdr ||
	    nla_put_u32(msg, VSS_A_SESSION_ID, s->id) ||
	    nla_put_u32(msg, VSS_A_SESSION_OWNER, s->owner) ||
	    nla_put_u32(msg, VSS_A_SESSION_TYPE, s->type) ||
	    nla_put_u32(msg, VSS_A_SESSION_STATE, s->state) ||
	    nla_put_u32(msg, VSS_A_SESSION_OP, vss_msg_op(s)) ||
	    (s->have_set &&
	     nla_put(msg, VSS_A_SESSION_SET_ID, sizeof(uuid_t), &s->set_id))) {
		nlmsg_free(msg);
		return;
	}
	genlmsg_end(msg, hdr);
	genlmsg_multicast(&vss_nl_family, msg, 0, VSS_NL_MCGRP_MONITOR, GFP_KERNEL);
}
