// SPDX-License-Identifier: GPL-2.0
/* SNAPSHOT_CREATE, SNAPSHOT_GET, SNAPSHOT_DELETE. */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/slab.h>

#include "engine.h"
#include "nl.h"
#include "vss.h"

const struct nla_policy vss_snapshot_create_policy[VSS_A_SNAPSHOT_FLAGS + 1] = {
	[VSS_A_SNAPSHOT_VOLUME] = { .type = NLA_NUL_STRING, .len = PATH_MAX - 1 },
	[VSS_A_SNAPSHOT_FLAGS] = NLA_POLICY_MASK(NLA_U32, VSS_SNAPSHOT_F_PERSISTENT),
};

const struct nla_policy vss_snapshot_get_policy[VSS_A_SNAPSHOT_ID + 1] = {
	[VSS_A_SNAPSHOT_ID] = NLA_POLICY_EXACT_LEN(sizeof(uuid_t)),
};

const struct nla_policy vss_snapshot_delete_policy[VSS_A_SNAPSHOT_OLDEST_OF + 1] = {
	[VSS_A_SNAPSHOT_ID] = NLA_POLICY_EXACT_LEN(sizeof(uuid_t)),
	[VSS_A_SNAPSHOT_SET_ID] = NLA_POLICY_EXACT_LEN(sizeof(uuid_t)),
	[VSS_A_SNAPSHOT_ALL] = { .type = NLA_FLAG },
	[VSS_A_SNAPSHOT_OLDEST_OF] = { .type = NLA_NUL_STRING, .len = PATH_MAX - 1 },
};

/* The identity of a snapshot: in SNAPSHOT_GET and in each created entry. */
static int vss_nl_put_snapshot_core(struct sk_buff *msg, const uuid_t *id,
				    const char *origin, int number,
				    const struct vss_cbt_token *token)
{
	char dev[DISK_NAME_LEN];

	snprintf(dev, sizeof(dev), "vss-snap%d", number);
	if (nla_put(msg, VSS_A_SNAPSHOT_ID, sizeof(*id), id) ||
	    nla_put_string(msg, VSS_A_SNAPSHOT_ORIGIN, origin) ||
	    nla_put_string(msg, VSS_A_SNAPSHOT_DEVICE, dev) ||
	    vss_nl_put_token(msg, VSS_A_SNAPSHOT_TOKEN, token))
		return -EMSGSIZE;
	return 0;
}

/* Bounds what vss_nl_put_snapshot_core() adds, nested, for one entry. */
static size_t vss_nl_entry_size(const struct vss_set_entry *e)
{
	return nla_total_size(0) + nla_total_size(sizeof(e->id)) +
	       nla_total_size(strlen(e->origin) + 1) +
	       nla_total_size(DISK_NAME_LEN) + vss_nl_token_size();
}

static int vss_nl_snapshot_fill(struct sk_buff *msg, struct vss_snapshot *s,
				u32 portid, u32 seq, int flags)
{
	void *hdr = genlmsg_put(msg, portid, seq, &vss_nl_family, flags,
				VSS_CMD_SNAPSHOT_GET);

	if (!hdr)
		return -EMSGSIZE;
	if (vss_nl_put_snapshot_core(msg, &s->id, s->origin->name, s->number,
				     &s->token) ||
	    nla_put(msg, VSS_A_SNAPSHOT_SET_ID, sizeof(s->set_id), &s->set_id) ||
	    nla_put_u32(msg, VSS_A_SNAPSHOT_FLAGS, s->flags) ||
	    nla_put_u64_64bit(msg, VSS_A_SNAPSHOT_CREATION_TIME, s->ctime_ns,
			      VSS_A_SNAPSHOT_PAD) ||
	    nla_put_u32(msg, VSS_A_SNAPSHOT_STATE, READ_ONCE(s->state)) ||
	    nla_put_u32(msg, VSS_A_SNAPSHOT_INVALID_REASON, READ_ONCE(s->invalid_reason)) ||
	    nla_put_u32(msg, VSS_A_SNAPSHOT_CONSISTENCY, s->consistency) ||
	    nla_put_u64_64bit(msg, VSS_A_SNAPSHOT_FREEZE_WINDOW_NS, s->window_ns,
			      VSS_A_SNAPSHOT_PAD) ||
	    nla_put_u64_64bit(msg, VSS_A_SNAPSHOT_STORAGE_USED_BYTES,
			      (u64)READ_ONCE(s->nr_chunks) * vss_chunk_bytes(s->origin),
			      VSS_A_SNAPSHOT_PAD)) {
		genlmsg_cancel(msg, hdr);
		return -EMSGSIZE;
	}
	genlmsg_end(msg, hdr);
	return 0;
}

static int vss_nl_create_reply(struct genl_info *info, struct vss_set_result *res)
{
	size_t size = NLMSG_GOODSIZE;
	struct sk_buff *msg;
	unsigned int i;
	void *hdr;

	/*
	 * Sized from the entries: 64 of them, with their tokens, need more
	 * than one page (EMSGSIZE in scale's 64-volume set, once).
	 */
	for (i = 0; i < res->nr; i++)
		size += vss_nl_entry_size(&res->entries[i]);
	msg = genlmsg_new(size, GFP_KERNEL);
	if (!msg)
		return -ENOMEM;
	hdr = genlmsg_put_reply(msg, info, &vss_nl_family, 0, VSS_CMD_SNAPSHOT_CREATE);
	if (!hdr)
		goto too_big;
	if (nla_put(msg, VSS_A_SNAPSHOT_SET_ID, sizeof(res->set_id), &res->set_id) ||
	    nla_put_u32(msg, VSS_A_SNAPSHOT_CONSISTENCY, res->consistency) ||
	    nla_put_u64_64bit(msg, VSS_A_SNAPSHOT_FREEZE_WINDOW_NS, res->window_ns,
			      VSS_A_SNAPSHOT_PAD))
		goto too_big;
	for (i = 0; i < res->nr; i++) {
		struct nlattr *nest = nla_nest_start(msg, VSS_A_SNAPSHOT_ENTRY);

		if (!nest ||
		    vss_nl_put_snapshot_core(msg, &res->entries[i].id,
					     res->entries[i].origin,
					     res->entries[i].number,
					     &res->entries[i].token))
			goto too_big;
		nla_nest_end(msg, nest);
	}
	genlmsg_end(msg, hdr);
	return genlmsg_reply(msg, info);

too_big:
	nlmsg_free(msg);
	return -EMSGSIZE;
}

int vss_nl_snapshot_create_doit(struct sk_buff *skb, struct genl_info *info)
{
	uuid_t ids[VSS_MAX_VOLUMES];
	struct vss_set_request *req;
	struct vss_set_result *res;
	struct nlattr *attr;
	unsigned int i;
	int err, rem;

	err = vss_nl_require_admin(skb, info->extack);
	if (err)
		return err;
	req = kzalloc(sizeof(*req), GFP_KERNEL);
	res = kzalloc(sizeof(*res), GFP_KERNEL);
	if (!req || !res) {
		NL_SET_ERR_MSG(info->extack, "out of memory");
		err = -ENOMEM;
		goto out;
	}
	nlmsg_for_each_attr(attr, info->nlhdr, GENL_HDRLEN, rem) {
		if (nla_type(attr) != VSS_A_SNAPSHOT_VOLUME)
			continue;
		if (req->nr == VSS_MAX_VOLUMES) {
			NL_SET_ERR_MSG_ATTR(info->extack, attr,
					    "more than 64 volumes in one set");
			err = -E2BIG;
			goto out;
		}
		req->paths[req->nr++] = nla_data(attr);
	}
	if (!req->nr) {
		NL_SET_ERR_MSG(info->extack, "no volume given");
		err = -EINVAL;
		goto out;
	}
	if (info->attrs[VSS_A_SNAPSHOT_FLAGS])
		req->flags = nla_get_u32(info->attrs[VSS_A_SNAPSHOT_FLAGS]);
	req->owner_portid = info->snd_portid;

	if (!(req->flags & VSS_SNAPSHOT_F_PERSISTENT)) {
		err = vss_owner_bind(info->snd_portid, info->extack);
		if (err)
			goto out;
	}
	err = vss_snapset_create(req, res, info->extack);
	if (err)
		goto out;
	/* The snapshots are public now: from here on, refer to them by id. */
	for (i = 0; i < res->nr; i++)
		ids[i] = res->snaps[i]->id;
	err = vss_nl_create_reply(info, res);
	if (err && !(req->flags & VSS_SNAPSHOT_F_PERSISTENT)) {
		/*
		 * The creator is gone (or cannot be told): its auto-release
		 * snapshots have no owner left to release them. Another client
		 * may have deleted some already.
		 */
		mutex_lock(&vss_lock);
		for (i = 0; i < res->nr; i++) {
			struct vss_snapshot *s = vss_snapshot_find(&ids[i]);

			if (s)
				vss_snapshot_delete(s);
		}
		mutex_unlock(&vss_lock);
		NL_SET_ERR_MSG(info->extack,
			       "the reply could not be delivered; the auto-release snapshots were deleted");
	} else if (err) {
		NL_SET_ERR_MSG(info->extack,
			       "the reply could not be delivered; the persistent snapshots exist (list them)");
	}
out:
	kfree(req);
	kfree(res);
	return err;
}

int vss_nl_snapshot_get_doit(struct sk_buff *skb, struct genl_info *info)
{
	struct vss_snapshot *s;
	struct sk_buff *msg;
	int err;

	err = vss_nl_require_admin(skb, info->extack);
	if (err)
		return err;
	if (GENL_REQ_ATTR_CHECK(info, VSS_A_SNAPSHOT_ID))
		return -EINVAL;
	msg = genlmsg_new(NLMSG_GOODSIZE, GFP_KERNEL);
	if (!msg)
		return -ENOMEM;
	mutex_lock(&vss_lock);
	s = vss_snapshot_find(nla_data(info->attrs[VSS_A_SNAPSHOT_ID]));
	err = s ? vss_nl_snapshot_fill(msg, s, info->snd_portid, info->snd_seq, 0) :
		  -ENOENT;
	mutex_unlock(&vss_lock);
	if (err) {
		if (err == -ENOENT)
			NL_SET_ERR_MSG_ATTR(info->extack, info->attrs[VSS_A_SNAPSHOT_ID],
					    "no snapshot with this id");
		nlmsg_free(msg);
		return err;
	}
	return genlmsg_reply(msg, info);
}

int vss_nl_snapshot_get_dumpit(struct sk_buff *skb, struct netlink_callback *cb)
{
	struct vss_snapshot *s;
	long idx = 0;
	int err = 0;

	err = vss_nl_require_admin(cb->skb, cb->extack);
	if (err)
		return err;
	mutex_lock(&vss_lock);
	list_for_each_entry(s, &vss_snapshots, all_node) {
		if (idx++ < cb->args[0])
			continue;
		err = vss_nl_snapshot_fill(skb, s, NETLINK_CB(cb->skb).portid,
					   cb->nlh->nlmsg_seq, NLM_F_MULTI);
		if (err)
			break;
		cb->args[0] = idx;
	}
	mutex_unlock(&vss_lock);
	if (err == -EMSGSIZE && skb->len)
		return skb->len;
	return err ?: skb->len;
}

/* Exactly one selector; returns the attribute type chosen, or -EINVAL. */
static int vss_nl_delete_selector(struct genl_info *info)
{
	static const int selectors[] = {
		VSS_A_SNAPSHOT_ID, VSS_A_SNAPSHOT_SET_ID,
		VSS_A_SNAPSHOT_OLDEST_OF, VSS_A_SNAPSHOT_ALL,
	};
	int i, chosen = -EINVAL;

	for (i = 0; i < ARRAY_SIZE(selectors); i++) {
		if (!info->attrs[selectors[i]])
			continue;
		if (chosen >= 0) {
			NL_SET_ERR_MSG_ATTR(info->extack, info->attrs[selectors[i]],
					    "give exactly one of id, set-id, oldest-of, all");
			return -EINVAL;
		}
		chosen = selectors[i];
	}
	if (chosen < 0)
		NL_SET_ERR_MSG(info->extack, "give one of id, set-id, oldest-of, all");
	return chosen;
}

int vss_nl_snapshot_delete_doit(struct sk_buff *skb, struct genl_info *info)
{
	struct vss_snapshot *s, *tmp;
	struct vss_origin *o = NULL;
	int sel, err, count = 0;
	struct sk_buff *msg;
	const void *key = NULL;
	void *hdr;
	dev_t dev;

	err = vss_nl_require_admin(skb, info->extack);
	if (err)
		return err;
	sel = vss_nl_delete_selector(info);
	if (sel < 0)
		return sel;
	if (sel != VSS_A_SNAPSHOT_ALL)
		key = nla_data(info->attrs[sel]);
	if (sel == VSS_A_SNAPSHOT_OLDEST_OF) {
		err = lookup_bdev(key, &dev);
		if (err) {
			NL_SET_ERR_MSG_ATTR(info->extack, info->attrs[sel],
					    "not a block device");
			return err;
		}
	}
	msg = genlmsg_new(NLMSG_GOODSIZE, GFP_KERNEL);
	if (!msg)
		return -ENOMEM;

	mutex_lock(&vss_lock);
	if (sel == VSS_A_SNAPSHOT_OLDEST_OF)
		o = vss_origin_find(dev);
	list_for_each_entry_safe(s, tmp, &vss_snapshots, all_node) {
		bool match;

		switch (sel) {
		case VSS_A_SNAPSHOT_ID:
			match = uuid_equal(&s->id, key);
			break;
		case VSS_A_SNAPSHOT_SET_ID:
			match = uuid_equal(&s->set_id, key);
			break;
		case VSS_A_SNAPSHOT_OLDEST_OF:
			match = s->origin == o;
			break;
		default:
			match = true;
		}
		if (!match)
			continue;
		vss_snapshot_delete(s);
		count++;
		/* The list is in creation order: the first match is the oldest. */
		if (sel == VSS_A_SNAPSHOT_ID || sel == VSS_A_SNAPSHOT_OLDEST_OF)
			break;
	}
	mutex_unlock(&vss_lock);

	if (!count) {
		nlmsg_free(msg);
		NL_SET_ERR_MSG(info->extack, "no snapshot matched");
		return -ENOENT;
	}
	hdr = genlmsg_put_reply(msg, info, &vss_nl_family, 0, VSS_CMD_SNAPSHOT_DELETE);
	if (!hdr || nla_put_u32(msg, VSS_A_SNAPSHOT_COUNT, count)) {
		nlmsg_free(msg);
		return -EMSGSIZE;
	}
	genlmsg_end(msg, hdr);
	return genlmsg_reply(msg, info);
}
