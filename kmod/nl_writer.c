// SPDX-License-Identifier: GPL-2.0
/*
 * WRITER_REGISTER, WRITER_UNREGISTER, WRITER_GET, WRITER_EVENT_DONE. A
 * writer is bound to the socket it registers from: its events go there,
 * its answers must come from there, and it is gone when the socket closes.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/slab.h>

#include "nl.h"
#include "vss.h"
#include "proto.h"

static struct netlink_range_validation vss_freeze_timeout_range __ro_after_init = {
	.min = 1,
	.max = VSS_FREEZE_TIMEOUT_MAX_MS,
};

const struct nla_policy vss_writer_register_policy[VSS_A_WRITER_FREEZE_TIMEOUT_MS + 1] = {
	[VSS_A_WRITER_CLASS_ID] = NLA_POLICY_EXACT_LEN(sizeof(uuid_t)),
	[VSS_A_WRITER_INSTANCE_ID] = NLA_POLICY_EXACT_LEN(sizeof(uuid_t)),
	[VSS_A_WRITER_NAME] = { .type = NLA_NUL_STRING, .len = VSS_WRITER_NAME_MAX - 1 },
	[VSS_A_WRITER_INSTANCE_NAME] = { .type = NLA_NUL_STRING,
					 .len = VSS_WRITER_NAME_MAX - 1 },
	[VSS_A_WRITER_USAGE_TYPE] = NLA_POLICY_MAX(NLA_U32, VSS_USAGE_OTHER),
	[VSS_A_WRITER_SOURCE_TYPE] = NLA_POLICY_MAX(NLA_U32, VSS_SOURCE_OTHER),
	[VSS_A_WRITER_LEVEL] = NLA_POLICY_RANGE(NLA_U32, VSS_WRITER_LEVEL_SYSTEM,
						VSS_WRITER_LEVEL_FRONT_END),
	[VSS_A_WRITER_FREEZE_TIMEOUT_MS] =
		NLA_POLICY_FULL_RANGE(NLA_U32, &vss_freeze_timeout_range),
};

const struct nla_policy vss_writer_id_policy[VSS_A_WRITER_ID + 1] = {
	[VSS_A_WRITER_ID] = { .type = NLA_U32 },
};

/* Writers answer with failures of their own; not-responding is the module's. */
const struct nla_policy vss_event_done_policy[VSS_A_SESSION_RESTORE_STATUS + 1] = {
	[VSS_A_SESSION_ID] = { .type = NLA_U32 },
	[VSS_A_SESSION_EVENT] = NLA_POLICY_RANGE(NLA_U32, VSS_EVENT_IDENTIFY,
						 VSS_EVENT_POST_RESTORE),
	[VSS_A_SESSION_WRITER_ID] = { .type = NLA_U32 },
	[VSS_A_SESSION_FAILURE] = NLA_POLICY_MAX(NLA_U32, VSS_WRITER_FAILURE_NON_RETRYABLE),
	[VSS_A_SESSION_WRITER_ERROR] = NLA_POLICY_MAX(NLA_U32, MAX_ERRNO),
	[VSS_A_SESSION_MESSAGE] = { .type = NLA_NUL_STRING, .len = VSS_MESSAGE_MAX - 1 },
	[VSS_A_SESSION_WRITER_METADATA] = { .type = NLA_NUL_STRING,
					    .len = VSS_DOCUMENT_MAX - 1 },
	[VSS_A_SESSION_RESTORE_STATUS] = { .type = NLA_NUL_STRING,
					   .len = VSS_DOCUMENT_MAX - 1 },
};

int vss_nl_writer_register_doit(struct sk_buff *skb, struct genl_info *info)
{
	struct nlattr **a = info->attrs;
	struct vss_writer *w;
	struct sk_buff *msg;
	void *hdr;
	int err;

	err = vss_nl_proto_admin(skb, info->extack);
	if (err)
		return err;
	if (vss_nl_need(info, VSS_A_WRITER_CLASS_ID, "missing writer class id") ||
	    vss_nl_need(info, VSS_A_WRITER_INSTANCE_ID, "missing writer instance id") ||
	    vss_nl_need(info, VSS_A_WRITER_NAME, "missing writer name") ||
	    vss_nl_need(info, VSS_A_WRITER_LEVEL, "missing writer level"))
		return -EINVAL;
	if (!nla_len(a[VSS_A_WRITER_NAME]) || !*(char *)nla_data(a[VSS_A_WRITER_NAME])) {
		NL_SET_ERR_MSG_ATTR(info->extack, a[VSS_A_WRITER_NAME],
				    "the writer name is empty");
		return -EINVAL;
	}
	w = kzalloc(sizeof(*w), GFP_KERNEL);
	msg = genlmsg_new(NLMSG_GOODSIZE, GFP_KERNEL);
	if (!w || !msg) {
		vss_nl_err(info->extack, VSS_STATUS_OUT_OF_RESOURCES, "out of memory");
		err = -ENOMEM;
		goto out_free;
	}
	w->portid = info->snd_portid;
	memcpy(&w->class_id, nla_data(a[VSS_A_WRITER_CLASS_ID]), sizeof(uuid_t));
	memcpy(&w->instance_id, nla_data(a[VSS_A_WRITER_INSTANCE_ID]), sizeof(uuid_t));
	nla_strscpy(w->name, a[VSS_A_WRITER_NAME], sizeof(w->name));
	if (a[VSS_A_WRITER_INSTANCE_NAME])
		nla_strscpy(w->instance_name, a[VSS_A_WRITER_INSTANCE_NAME],
			    sizeof(w->instance_name));
	if (a[VSS_A_WRITER_USAGE_TYPE])
		w->usage_type = nla_get_u32(a[VSS_A_WRITER_USAGE_TYPE]);
	if (a[VSS_A_WRITER_SOURCE_TYPE])
		w->source_type = nla_get_u32(a[VSS_A_WRITER_SOURCE_TYPE]);
	w->level = nla_get_u32(a[VSS_A_WRITER_LEVEL]);
	w->freeze_timeout_ms = a[VSS_A_WRITER_FREEZE_TIMEOUT_MS] ?
			       nla_get_u32(a[VSS_A_WRITER_FREEZE_TIMEOUT_MS]) :
			       VSS_FREEZE_TIMEOUT_DEFAULT_MS;

	err = vss_owner_bind(info->snd_portid, info->extack);
	if (!err)
		err = vss_writer_register(w, info->extack);
	if (err)
		goto out_free;
	/* The id cannot be stale: only this socket could unregister it. */
	hdr = genlmsg_put_reply(msg, info, &vss_nl_family, 0, VSS_CMD_WRITER_REGISTER);
	if (!hdr || nla_put_u32(msg, VSS_A_WRITER_ID, w->id)) {
		nlmsg_free(msg);
		vss_nl_err(info->extack, VSS_STATUS_UNEXPECTED, "reply too big");
		return -EMSGSIZE;
	}
	genlmsg_end(msg, hdr);
	return genlmsg_reply(msg, info);

out_free:
	nlmsg_free(msg);
	kfree(w);
	return err;
}

int vss_nl_writer_unregister_doit(struct sk_buff *skb, struct genl_info *info)
{
	struct vss_writer *w;
	int err = 0;

	err = vss_nl_proto_admin(skb, info->extack);
	if (err)
		return err;
	if (vss_nl_need(info, VSS_A_WRITER_ID, "missing writer id"))
		return -EINVAL;
	mutex_lock(&vss_proto_lock);
	w = vss_writer_find(nla_get_u32(info->attrs[VSS_A_WRITER_ID]));
	if (!w) {
		vss_nl_err(info->extack, VSS_STATUS_OBJECT_NOT_FOUND,
			   "no writer with this id");
		err = -ENOENT;
	} else if (w->portid != info->snd_portid) {
		vss_nl_err(info->extack, VSS_STATUS_ACCESS_DENIED,
			   "the writer belongs to another socket");
		err = -EACCES;
	} else {
		vss_writer_gone(w);
	}
	mutex_unlock(&vss_proto_lock);
	return err;
}

static int vss_nl_writer_fill(struct sk_buff *msg, struct vss_writer *w,
			      u32 portid, u32 seq, int flags)
{
	void *hdr = genlmsg_put(msg, portid, seq, &vss_nl_family, flags,
				VSS_CMD_WRITER_GET);

	if (!hdr)
		return -EMSGSIZE;
	if (vss_msg_put_writer(msg, w)) {
		genlmsg_cancel(msg, hdr);
		return -EMSGSIZE;
	}
	genlmsg_end(msg, hdr);
	return 0;
}

int vss_nl_writer_get_doit(struct sk_buff *skb, struct genl_info *info)
{
	struct vss_writer *w;
	struct sk_buff *msg;
	int err;

	err = vss_nl_proto_admin(skb, info->extack);
	if (err)
		return err;
	if (vss_nl_need(info, VSS_A_WRITER_ID, "missing writer id"))
		return -EINVAL;
	msg = genlmsg_new(NLMSG_GOODSIZE, GFP_KERNEL);
	if (!msg) {
		vss_nl_err(info->extack, VSS_STATUS_OUT_OF_RESOURCES, "out of memory");
		return -ENOMEM;
	}
	mutex_lock(&vss_proto_lock);
	w = vss_writer_find(nla_get_u32(info->attrs[VSS_A_WRITER_ID]));
	err = w ? vss_nl_writer_fill(msg, w, info->snd_portid, info->snd_seq, 0) :
		  -ENOENT;
	mutex_unlock(&vss_proto_lock);
	if (err) {
		if (err == -ENOENT)
			vss_nl_err_attr(info->extack, info->attrs[VSS_A_WRITER_ID],
					VSS_STATUS_OBJECT_NOT_FOUND, "no writer with this id");
		else
			vss_nl_err(info->extack, VSS_STATUS_UNEXPECTED, "reply too big");
		nlmsg_free(msg);
		return err;
	}
	return genlmsg_reply(msg, info);
}

/* Resumes after the last writer id sent: ids only grow along the list. */
int vss_nl_writer_get_dumpit(struct sk_buff *skb, struct netlink_callback *cb)
{
	struct vss_writer *w;
	int err;

	err = vss_nl_proto_admin(cb->skb, cb->extack);
	if (err)
		return err;
	mutex_lock(&vss_proto_lock);
	list_for_each_entry(w, &vss_writers, node) {
		if (w->id <= cb->args[0])
			continue;
		err = vss_nl_writer_fill(skb, w, NETLINK_CB(cb->skb).portid,
					 cb->nlh->nlmsg_seq, NLM_F_MULTI);
		if (err)
			break;
		cb->args[0] = w->id;
	}
	mutex_unlock(&vss_proto_lock);
	if (err == -EMSGSIZE && skb->len)
		return skb->len;
	return err ?: skb->len;
}

static char *vss_nl_dup_string(struct nlattr *attr)
{
	return attr ? kstrndup(nla_data(attr), nla_len(attr), GFP_KERNEL) : NULL;
}

int vss_nl_writer_event_done_doit(struct sk_buff *skb, struct genl_info *info)
{
	struct nlattr **a = info->attrs;
	struct vss_answer ans = {};
	int err;

	err = vss_nl_proto_admin(skb, info->extack);
	if (err)
		return err;
	if (vss_nl_need(info, VSS_A_SESSION_ID, "missing session id") ||
	    vss_nl_need(info, VSS_A_SESSION_EVENT, "missing event") ||
	    vss_nl_need(info, VSS_A_SESSION_WRITER_ID, "missing writer id"))
		return -EINVAL;
	ans.session_id = nla_get_u32(a[VSS_A_SESSION_ID]);
	ans.event = nla_get_u32(a[VSS_A_SESSION_EVENT]);
	ans.writer_id = nla_get_u32(a[VSS_A_SESSION_WRITER_ID]);
	if (a[VSS_A_SESSION_FAILURE])
		ans.failure = nla_get_u32(a[VSS_A_SESSION_FAILURE]);
	if (a[VSS_A_SESSION_WRITER_ERROR])
		ans.error = nla_get_u32(a[VSS_A_SESSION_WRITER_ERROR]);
	if (a[VSS_A_SESSION_MESSAGE])
		ans.message = nla_data(a[VSS_A_SESSION_MESSAGE]);
	if (!vss_event_awaits_answer(ans.event)) {
		vss_nl_err_attr(info->extack, a[VSS_A_SESSION_EVENT], VSS_STATUS_BAD_STATE,
				"Abort and BackupShutdown take no answer");
		return -EBADFD;
	}
	if (a[VSS_A_SESSION_WRITER_METADATA] && ans.event != VSS_EVENT_IDENTIFY) {
		NL_SET_ERR_MSG_ATTR(info->extack, a[VSS_A_SESSION_WRITER_METADATA],
				    "writer metadata answers Identify only");
		return -EINVAL;
	}
	if (a[VSS_A_SESSION_RESTORE_STATUS] && ans.event != VSS_EVENT_PRE_RESTORE &&
	    ans.event != VSS_EVENT_POST_RESTORE) {
		NL_SET_ERR_MSG_ATTR(info->extack, a[VSS_A_SESSION_RESTORE_STATUS],
				    "restore status answers PreRestore and PostRestore only");
		return -EINVAL;
	}
	ans.metadata = vss_nl_dup_string(a[VSS_A_SESSION_WRITER_METADATA]);
	ans.restore_status = vss_nl_dup_string(a[VSS_A_SESSION_RESTORE_STATUS]);
	if ((a[VSS_A_SESSION_WRITER_METADATA] && !ans.metadata) ||
	    (a[VSS_A_SESSION_RESTORE_STATUS] && !ans.restore_status)) {
		vss_nl_err(info->extack, VSS_STATUS_OUT_OF_RESOURCES, "out of memory");
		err = -ENOMEM;
		goto out;
	}
	err = vss_event_done(info->snd_portid, &ans, info->extack);
out:
	kfree(ans.metadata);		/* NULL if the session took it */
	kfree(ans.restore_status);
	return err;
}
