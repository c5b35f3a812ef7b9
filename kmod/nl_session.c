// SPDX-License-Identifier: GPL-2.0
/*
 * SESSION_* commands. The operations that involve writers are accepted
 * here and run by the session's work item (session.c, session_ops.c): the
 * ack means "accepted", SESSION_COMPLETE_NTF tells the end. A session is
 * driven by its owner's socket only; any administrator may read it and
 * abort it.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/namei.h>
#include <linux/slab.h>

#include "nl.h"
#include "vss.h"
#include "proto.h"

#define VSS_DOCUMENT_POLICY { .type = NLA_NUL_STRING, .len = VSS_DOCUMENT_MAX - 1 }

const struct nla_policy vss_session_create_policy[VSS_A_SESSION_BACKUP_DOCUMENT + 1] = {
	[VSS_A_SESSION_TYPE] = NLA_POLICY_MAX(NLA_U32, VSS_SESSION_RESTORE),
	[VSS_A_SESSION_BACKUP_DOCUMENT] = VSS_DOCUMENT_POLICY,
};

const struct nla_policy vss_session_id_policy[VSS_A_SESSION_ID + 1] = {
	[VSS_A_SESSION_ID] = { .type = NLA_U32 },
};

const struct nla_policy vss_session_prepare_policy[VSS_A_SESSION_WRITER_ID + 1] = {
	[VSS_A_SESSION_ID] = { .type = NLA_U32 },
	[VSS_A_SESSION_BACKUP_TYPE] = NLA_POLICY_MAX(NLA_U32, VSS_BACKUP_TYPE_OTHER),
	[VSS_A_SESSION_BACKUP_DOCUMENT] = VSS_DOCUMENT_POLICY,
	[VSS_A_SESSION_WRITER_ID] = { .type = NLA_U32 },
};

const struct nla_policy vss_session_snapshot_policy[VSS_A_SESSION_VOLUME + 1] = {
	[VSS_A_SESSION_ID] = { .type = NLA_U32 },
	[VSS_A_SESSION_FLAGS] = NLA_POLICY_MASK(NLA_U32, VSS_SESSION_F_PERSISTENT |
						VSS_SESSION_F_STRICT | VSS_SESSION_F_WAIT),
	[VSS_A_SESSION_VOLUME] = { .type = NLA_NUL_STRING, .len = PATH_MAX - 1 },
};

const struct nla_policy vss_session_document_policy[VSS_A_SESSION_BACKUP_DOCUMENT + 1] = {
	[VSS_A_SESSION_ID] = { .type = NLA_U32 },
	[VSS_A_SESSION_BACKUP_DOCUMENT] = VSS_DOCUMENT_POLICY,
};

const struct nla_policy vss_session_writer_get_policy[VSS_A_SESSION_WRITER_ID + 1] = {
	[VSS_A_SESSION_ID] = { .type = NLA_U32 },
	[VSS_A_SESSION_WRITER_ID] = { .type = NLA_U32 },
};

/* The parameters of an operation, gathered before vss_proto_lock. */
struct vss_op_params {
	u32 op;
	char *document;
	u32 backup_type;
	u32 flags;
	unsigned int nr_vols;
	char *vols[VSS_MAX_VOLUMES];
	unsigned int nr_paths;
	struct path paths[VSS_MAX_VOLUMES];
	unsigned int nr_selected;
	u32 selected[VSS_WRITERS_MAX];
};

static void vss_op_params_free(struct vss_op_params *op)
{
	unsigned int i;

	kfree(op->document);
	for (i = 0; i < op->nr_vols; i++)
		kfree(op->vols[i]);
	for (i = 0; i < op->nr_paths; i++)
		path_put(&op->paths[i]);
	kfree(op);
}

static u32 vss_nl_cmd_op(u8 cmd)
{
	switch (cmd) {
	case VSS_CMD_SESSION_GATHER_METADATA:
		return VSS_SESSION_OP_GATHER_METADATA;
	case VSS_CMD_SESSION_PREPARE_BACKUP:
		return VSS_SESSION_OP_PREPARE_BACKUP;
	case VSS_CMD_SESSION_DO_SNAPSHOT_SET:
		return VSS_SESSION_OP_DO_SNAPSHOT_SET;
	case VSS_CMD_SESSION_BACKUP_COMPLETE:
		return VSS_SESSION_OP_BACKUP_COMPLETE;
	case VSS_CMD_SESSION_PRE_RESTORE:
		return VSS_SESSION_OP_PRE_RESTORE;
	case VSS_CMD_SESSION_POST_RESTORE:
		return VSS_SESSION_OP_POST_RESTORE;
	}
	return VSS_SESSION_OP_NONE;
}

/* Repeated attributes: the core validated each; collect them in order. */
static int vss_nl_collect(struct genl_info *info, struct vss_op_params *op)
{
	struct nlattr *attr;
	int rem, err;

	nlmsg_for_each_attr(attr, info->nlhdr, GENL_HDRLEN, rem) {
		if (nla_type(attr) == VSS_A_SESSION_VOLUME &&
		    op->op == VSS_SESSION_OP_DO_SNAPSHOT_SET) {
			if (op->nr_vols == VSS_MAX_VOLUMES) {
				vss_nl_err_attr(info->extack, attr,
						VSS_STATUS_MAXIMUM_NUMBER_OF_VOLUMES_REACHED,
						"more than 64 volumes in one set");
				return -E2BIG;
			}
			op->vols[op->nr_vols] = kstrdup(nla_data(attr), GFP_KERNEL);
			if (!op->vols[op->nr_vols])
				return -ENOMEM;
			op->nr_vols++;
			/* Here, in the requester's root and mount namespace. */
			err = kern_path(nla_data(attr), LOOKUP_FOLLOW,
					&op->paths[op->nr_paths]);
			if (err) {
				vss_nl_err_attr(info->extack, attr,
						VSS_STATUS_OBJECT_NOT_FOUND,
						"volume path not found");
				return err;
			}
			op->nr_paths++;
		} else if (nla_type(attr) == VSS_A_SESSION_WRITER_ID &&
			   op->op == VSS_SESSION_OP_PREPARE_BACKUP) {
			if (op->nr_selected == VSS_WRITERS_MAX) {
				NL_SET_ERR_MSG_ATTR(info->extack, attr,
						    "more writers selected than can exist");
				return -EINVAL;
			}
			op->selected[op->nr_selected++] = nla_get_u32(attr);
		}
	}
	return 0;
}

/*
 * info->attrs has room for the attributes of the op's own policy only (the
 * core sizes it by the op's maxattr): look nothing up past it.
 */
static struct nlattr *vss_nl_op_attr(struct genl_info *info, int type)
{
	unsigned int max;

	switch (info->genlhdr->cmd) {
	case VSS_CMD_SESSION_GATHER_METADATA:
		max = ARRAY_SIZE(vss_session_id_policy) - 1;
		break;
	case VSS_CMD_SESSION_PREPARE_BACKUP:
		max = ARRAY_SIZE(vss_session_prepare_policy) - 1;
		break;
	case VSS_CMD_SESSION_DO_SNAPSHOT_SET:
		max = ARRAY_SIZE(vss_session_snapshot_policy) - 1;
		break;
	default:
		max = ARRAY_SIZE(vss_session_document_policy) - 1;
	}
	return type <= max ? info->attrs[type] : NULL;
}

static int vss_nl_op_params(struct genl_info *info, struct vss_op_params *op)
{
	struct nlattr *doc = vss_nl_op_attr(info, VSS_A_SESSION_BACKUP_DOCUMENT);
	struct nlattr *flags = vss_nl_op_attr(info, VSS_A_SESSION_FLAGS);
	int err;

	if (doc) {
		op->document = kstrdup(nla_data(doc), GFP_KERNEL);
		if (!op->document)
			return -ENOMEM;
	}
	if (op->op == VSS_SESSION_OP_PREPARE_BACKUP) {
		if (vss_nl_need(info, VSS_A_SESSION_BACKUP_TYPE, "missing backup type"))
			return -EINVAL;
		op->backup_type = nla_get_u32(info->attrs[VSS_A_SESSION_BACKUP_TYPE]);
	}
	if (flags)
		op->flags = nla_get_u32(flags);
	err = vss_nl_collect(info, op);
	if (err)
		return err;
	if (op->op == VSS_SESSION_OP_DO_SNAPSHOT_SET && !op->nr_vols) {
		NL_SET_ERR_MSG(info->extack, "no volume given");
		return -EINVAL;
	}
	return 0;
}

/* PrepareForBackup's selection: writers of the session, or all of them. */
static int vss_nl_select(struct vss_session *s, struct vss_op_params *op,
			 struct netlink_ext_ack *extack)
{
	unsigned int i, j;

	for (j = 0; j < op->nr_selected; j++) {
		for (i = 0; i < s->nr_parts; i++)
			if (s->parts[i].w->id == op->selected[j])
				break;
		if (i == s->nr_parts) {
			vss_nl_err(extack, VSS_STATUS_OBJECT_NOT_FOUND,
				   "a selected writer takes no part in the session");
			return -ENOENT;
		}
	}
	for (i = 0; i < s->nr_parts; i++) {
		s->parts[i].selected = !op->nr_selected;
		for (j = 0; j < op->nr_selected; j++)
			if (s->parts[i].w->id == op->selected[j])
				s->parts[i].selected = true;
	}
	return 0;
}

/* Hands the parameters over to the session (vss_proto_lock held). */
static void vss_nl_apply(struct vss_session *s, struct vss_op_params *op)
{
	unsigned int i;

	if (op->document) {
		kfree(s->document);
		s->document = op->document;
		op->document = NULL;
	}
	switch (op->op) {
	case VSS_SESSION_OP_PREPARE_BACKUP:
		s->backup_type = op->backup_type;
		break;
	case VSS_SESSION_OP_DO_SNAPSHOT_SET:
		s->flags = op->flags;
		/* A DoSnapshotSet refused with EBUSY may be tried again. */
		for (i = 0; i < s->nr_vols; i++)
			kfree(s->vols[i]);
		for (i = 0; i < op->nr_vols; i++)
			s->vols[i] = op->vols[i];
		s->nr_vols = op->nr_vols;
		op->nr_vols = 0;
		/* No op runs, so none holds paths: the last DoSnapshotSet put them. */
		for (i = 0; i < op->nr_paths; i++)
			s->paths[i] = op->paths[i];
		s->nr_paths = op->nr_paths;
		op->nr_paths = 0;
		break;
	}
}

/* GATHER_METADATA, PREPARE_BACKUP, DO_SNAPSHOT_SET, BACKUP_COMPLETE, *_RESTORE. */
int vss_nl_session_op_doit(struct sk_buff *skb, struct genl_info *info)
{
	struct vss_op_params *op;
	struct vss_session *s;
	int err;

	err = vss_nl_proto_admin(skb, info->extack);
	if (err)
		return err;
	if (vss_nl_need(info, VSS_A_SESSION_ID, "missing session id"))
		return -EINVAL;
	op = kzalloc(sizeof(*op), GFP_KERNEL);
	if (!op) {
		vss_nl_err(info->extack, VSS_STATUS_OUT_OF_RESOURCES, "out of memory");
		return -ENOMEM;
	}
	op->op = vss_nl_cmd_op(info->genlhdr->cmd);
	err = vss_nl_op_params(info, op);
	if (err) {
		if (err == -ENOMEM)
			vss_nl_err(info->extack, VSS_STATUS_OUT_OF_RESOURCES, "out of memory");
		goto out;
	}

	mutex_lock(&vss_proto_lock);
	s = vss_session_lookup(nla_get_u32(info->attrs[VSS_A_SESSION_ID]),
			       info->snd_portid, true, info->extack);
	if (IS_ERR(s)) {
		err = PTR_ERR(s);
		goto out_unlock;
	}
	err = vss_session_check_op(s, op->op, info->extack);
	if (err)
		goto out_unlock;
	/*
	 * A set being created elsewhere: say so now rather than in the
	 * completion (the work item checks again: the slot is only a hint
	 * here).
	 */
	if (op->op == VSS_SESSION_OP_DO_SNAPSHOT_SET &&
	    !(op->flags & VSS_SESSION_F_WAIT) && vss_snapset_slot_busy()) {
		vss_nl_err(info->extack, VSS_STATUS_SNAPSHOT_SET_IN_PROGRESS,
			   "another snapshot set is being created");
		err = -EBUSY;
		goto out_unlock;
	}
	if (op->op == VSS_SESSION_OP_PREPARE_BACKUP) {
		err = vss_nl_select(s, op, info->extack);
		if (err)
			goto out_unlock;
	}
	vss_nl_apply(s, op);
	vss_session_start_op(s, op->op, info->snd_seq);
out_unlock:
	mutex_unlock(&vss_proto_lock);
out:
	vss_op_params_free(op);
	return err;
}

int vss_nl_session_create_doit(struct sk_buff *skb, struct genl_info *info)
{
	struct nlattr **a = info->attrs;
	char *document = NULL;
	struct sk_buff *msg;
	u32 type = VSS_SESSION_BACKUP, id;
	void *hdr;
	int err;

	err = vss_nl_proto_admin(skb, info->extack);
	if (err)
		return err;
	if (a[VSS_A_SESSION_TYPE])
		type = nla_get_u32(a[VSS_A_SESSION_TYPE]);
	msg = genlmsg_new(NLMSG_GOODSIZE, GFP_KERNEL);
	if (a[VSS_A_SESSION_BACKUP_DOCUMENT])
		document = kstrdup(nla_data(a[VSS_A_SESSION_BACKUP_DOCUMENT]), GFP_KERNEL);
	if (!msg || (a[VSS_A_SESSION_BACKUP_DOCUMENT] && !document)) {
		vss_nl_err(info->extack, VSS_STATUS_OUT_OF_RESOURCES, "out of memory");
		kfree(document);
		nlmsg_free(msg);
		return -ENOMEM;
	}
	err = vss_owner_bind(info->snd_portid, info->extack);
	if (!err)
		err = vss_session_create(info->snd_portid, type, document, &id,
					 info->extack);
	if (err) {
		kfree(document);
		nlmsg_free(msg);
		return err;
	}
	hdr = genlmsg_put_reply(msg, info, &vss_nl_family, 0, VSS_CMD_SESSION_CREATE);
	if (!hdr || nla_put_u32(msg, VSS_A_SESSION_ID, id)) {
		nlmsg_free(msg);
		vss_nl_err(info->extack, VSS_STATUS_UNEXPECTED, "reply too big");
		return -EMSGSIZE;
	}
	genlmsg_end(msg, hdr);
	return genlmsg_reply(msg, info);
}

/* Looks the session of the request up, under vss_proto_lock. */
static struct vss_session *vss_nl_session(struct genl_info *info, bool owner_only)
{
	if (vss_nl_need(info, VSS_A_SESSION_ID, "missing session id"))
		return ERR_PTR(-EINVAL);
	return vss_session_lookup(nla_get_u32(info->attrs[VSS_A_SESSION_ID]),
				  info->snd_portid, owner_only, info->extack);
}

int vss_nl_session_abort_doit(struct sk_buff *skb, struct genl_info *info)
{
	struct vss_session *s;
	int err;

	err = vss_nl_proto_admin(skb, info->extack);
	if (err)
		return err;
	mutex_lock(&vss_proto_lock);
	/*
	 * Any administrator's socket, not only the owner's: a session stuck
	 * with writers frozen must be stoppable from outside its requester.
	 * Nothing of the abort depends on who asked: the completion goes to
	 * the owner, and the owner still releases the session.
	 */
	s = vss_nl_session(info, false);
	err = IS_ERR(s) ? PTR_ERR(s) : vss_session_abort(s);
	mutex_unlock(&vss_proto_lock);
	return err;
}

int vss_nl_session_release_doit(struct sk_buff *skb, struct genl_info *info)
{
	struct vss_session *s;
	int err;

	err = vss_nl_proto_admin(skb, info->extack);
	if (err)
		return err;
	mutex_lock(&vss_proto_lock);
	s = vss_nl_session(info, true);
	if (IS_ERR(s))
		err = PTR_ERR(s);
	else
		vss_session_release(s);
	mutex_unlock(&vss_proto_lock);
	return err;
}

int vss_nl_session_delete_snapshots_doit(struct sk_buff *skb, struct genl_info *info)
{
	struct vss_session *s;
	unsigned int count;
	struct sk_buff *msg;
	void *hdr;
	int err;

	err = vss_nl_proto_admin(skb, info->extack);
	if (err)
		return err;
	msg = genlmsg_new(NLMSG_GOODSIZE, GFP_KERNEL);
	if (!msg) {
		vss_nl_err(info->extack, VSS_STATUS_OUT_OF_RESOURCES, "out of memory");
		return -ENOMEM;
	}
	mutex_lock(&vss_proto_lock);
	s = vss_nl_session(info, true);
	if (IS_ERR(s)) {
		err = PTR_ERR(s);
	} else if (s->op != VSS_SESSION_OP_NONE) {
		vss_nl_err(info->extack, VSS_STATUS_BAD_STATE,
			   "an operation of the session is running");
		err = -EBADFD;
	} else if (!s->nr_snaps) {
		vss_nl_err(info->extack, VSS_STATUS_OBJECT_NOT_FOUND,
			   "the session has no snapshots");
		err = -ENOENT;
	} else {
		/* Busy: no operation starts, a release waits for us. */
		s->op = VSS_SESSION_OP_BUSY;
	}
	mutex_unlock(&vss_proto_lock);
	if (err) {
		nlmsg_free(msg);
		return err;
	}
	count = vss_session_delete_snaps(s);
	mutex_lock(&vss_proto_lock);
	vss_session_idle(s);
	mutex_unlock(&vss_proto_lock);
	if (!count) {
		nlmsg_free(msg);
		vss_nl_err(info->extack, VSS_STATUS_OBJECT_NOT_FOUND,
			   "the session's snapshots were deleted already");
		return -ENOENT;
	}
	hdr = genlmsg_put_reply(msg, info, &vss_nl_family, 0,
				VSS_CMD_SESSION_DELETE_SNAPSHOTS);
	if (!hdr || nla_put_u32(msg, VSS_A_SESSION_COUNT, count)) {
		nlmsg_free(msg);
		vss_nl_err(info->extack, VSS_STATUS_UNEXPECTED, "reply too big");
		return -EMSGSIZE;
	}
	genlmsg_end(msg, hdr);
	return genlmsg_reply(msg, info);
}

static size_t vss_nl_session_size(struct vss_session *s)
{
	return NLMSG_GOODSIZE + s->nr_parts * vss_msg_writer_status_size();
}

int vss_nl_session_get_doit(struct sk_buff *skb, struct genl_info *info)
{
	struct vss_session *s;
	struct sk_buff *msg;
	size_t size;
	void *hdr;
	int err;

	err = vss_nl_proto_admin(skb, info->extack);
	if (err)
		return err;
	mutex_lock(&vss_proto_lock);
	s = vss_nl_session(info, false);
	if (IS_ERR(s)) {
		mutex_unlock(&vss_proto_lock);
		return PTR_ERR(s);
	}
	size = vss_nl_session_size(s);
	msg = genlmsg_new(size, GFP_KERNEL);
	if (!msg) {
		mutex_unlock(&vss_proto_lock);
		vss_nl_err(info->extack, VSS_STATUS_OUT_OF_RESOURCES, "out of memory");
		return -ENOMEM;
	}
	hdr = genlmsg_put_reply(msg, info, &vss_nl_family, 0, VSS_CMD_SESSION_GET);
	if (!hdr || vss_msg_put_session(msg, s, true)) {
		mutex_unlock(&vss_proto_lock);
		nlmsg_free(msg);
		vss_nl_err(info->extack, VSS_STATUS_UNEXPECTED, "reply too big");
		return -EMSGSIZE;
	}
	mutex_unlock(&vss_proto_lock);
	genlmsg_end(msg, hdr);
	return genlmsg_reply(msg, info);
}

/*
 * Without the writers: a dump message must fit one dump buffer. Released
 * sessions still tearing down are listed (state released) until gone.
 */
int vss_nl_session_get_dumpit(struct sk_buff *skb, struct netlink_callback *cb)
{
	struct vss_session *s;
	void *hdr;
	int err;

	err = vss_nl_proto_admin(cb->skb, cb->extack);
	if (err)
		return err;
	mutex_lock(&vss_proto_lock);
	list_for_each_entry(s, &vss_sessions, node) {
		if (s->id <= cb->args[0])
			continue;
		hdr = genlmsg_put(skb, NETLINK_CB(cb->skb).portid, cb->nlh->nlmsg_seq,
				  &vss_nl_family, NLM_F_MULTI, VSS_CMD_SESSION_GET);
		if (!hdr) {
			err = -EMSGSIZE;
			break;
		}
		if (vss_msg_put_session(skb, s, false)) {
			genlmsg_cancel(skb, hdr);
			err = -EMSGSIZE;
			break;
		}
		genlmsg_end(skb, hdr);
		cb->args[0] = s->id;
	}
	mutex_unlock(&vss_proto_lock);
	if (err == -EMSGSIZE && skb->len)
		return skb->len;
	return err ?: skb->len;
}

int vss_nl_session_writer_get_doit(struct sk_buff *skb, struct genl_info *info)
{
	struct vss_participant *p = NULL;
	struct vss_session *s;
	struct sk_buff *msg;
	unsigned int i;
	size_t size;
	void *hdr;
	u32 wid;
	int err;

	err = vss_nl_proto_admin(skb, info->extack);
	if (err)
		return err;
	if (vss_nl_need(info, VSS_A_SESSION_WRITER_ID, "missing writer id"))
		return -EINVAL;
	wid = nla_get_u32(info->attrs[VSS_A_SESSION_WRITER_ID]);
	mutex_lock(&vss_proto_lock);
	s = vss_nl_session(info, false);
	if (IS_ERR(s)) {
		err = PTR_ERR(s);
		goto out_unlock;
	}
	for (i = 0; i < s->nr_parts; i++)
		if (s->parts[i].w->id == wid)
			p = &s->parts[i];
	if (!p) {
		vss_nl_err_attr(info->extack, info->attrs[VSS_A_SESSION_WRITER_ID],
				VSS_STATUS_OBJECT_NOT_FOUND,
				"the writer takes no part in this session");
		err = -ENOENT;
		goto out_unlock;
	}
	size = NLMSG_GOODSIZE + vss_msg_writer_status_size();
	if (p->metadata)
		size += nla_total_size(strlen(p->metadata) + 1);
	if (p->restore_status)
		size += nla_total_size(strlen(p->restore_status) + 1);
	msg = genlmsg_new(size, GFP_KERNEL);
	if (!msg) {
		vss_nl_err(info->extack, VSS_STATUS_OUT_OF_RESOURCES, "out of memory");
		err = -ENOMEM;
		goto out_unlock;
	}
	hdr = genlmsg_put_reply(msg, info, &vss_nl_family, 0, VSS_CMD_SESSION_WRITER_GET);
	if (!hdr || nla_put_u32(msg, VSS_A_SESSION_ID, s->id) ||
	    vss_msg_put_writer_status(msg, s, p) ||
	    (p->metadata &&
	     nla_put_string(msg, VSS_A_SESSION_WRITER_METADATA, p->metadata)) ||
	    (p->restore_status &&
	     nla_put_string(msg, VSS_A_SESSION_RESTORE_STATUS, p->restore_status))) {
		nlmsg_free(msg);
		vss_nl_err(info->extack, VSS_STATUS_UNEXPECTED, "reply too big");
		err = -EMSGSIZE;
		goto out_unlock;
	}
	mutex_unlock(&vss_proto_lock);
	genlmsg_end(msg, hdr);
	return genlmsg_reply(msg, info);

out_unlock:
	mutex_unlock(&vss_proto_lock);
	return err;
}
