// SPDX-License-Identifier: GPL-2.0
/* STORAGE_ADD, STORAGE_GET, STORAGE_REMOVE: diff storage per origin. */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/blkdev.h>
#include <linux/log2.h>

#include "engine.h"
#include "nl.h"

static struct netlink_range_validation vss_chunk_range __ro_after_init = {
	.min = VSS_CHUNK_MIN,
	.max = VSS_CHUNK_MAX,
};

const struct nla_policy vss_storage_add_policy[VSS_A_STORAGE_CHUNK_BYTES + 1] = {
	[VSS_A_STORAGE_ORIGIN] = { .type = NLA_NUL_STRING, .len = PATH_MAX - 1 },
	[VSS_A_STORAGE_KIND] = NLA_POLICY_RANGE(NLA_U32, VSS_STORAGE_MEMORY,
						VSS_STORAGE_MEMORY),
	[VSS_A_STORAGE_MAX_BYTES] = NLA_POLICY_MIN(NLA_U64, 1),
	[VSS_A_STORAGE_CHUNK_BYTES] = NLA_POLICY_FULL_RANGE(NLA_U32, &vss_chunk_range),
};

const struct nla_policy vss_storage_origin_policy[VSS_A_STORAGE_ORIGIN + 1] = {
	[VSS_A_STORAGE_ORIGIN] = { .type = NLA_NUL_STRING, .len = PATH_MAX - 1 },
};

/* Resolves the ORIGIN attribute to a block device number. */
static int vss_nl_origin_dev(struct genl_info *info, dev_t *dev)
{
	struct nlattr *attr = info->attrs[VSS_A_STORAGE_ORIGIN];
	int err;

	if (GENL_REQ_ATTR_CHECK(info, VSS_A_STORAGE_ORIGIN))
		return -EINVAL;
	err = lookup_bdev(nla_data(attr), dev);
	if (err)
		NL_SET_ERR_MSG_ATTR(info->extack, attr, "not a block device");
	return err;
}

int vss_nl_storage_add_doit(struct sk_buff *skb, struct genl_info *info)
{
	struct nlattr *chunk_attr = info->attrs[VSS_A_STORAGE_CHUNK_BYTES];
	u32 chunk = chunk_attr ? nla_get_u32(chunk_attr) : VSS_CHUNK_DEFAULT;
	struct vss_origin *o;
	dev_t dev;
	int err;

	err = vss_nl_require_admin(skb, info->extack);
	if (err)
		return err;
	if (GENL_REQ_ATTR_CHECK(info, VSS_A_STORAGE_KIND) ||
	    GENL_REQ_ATTR_CHECK(info, VSS_A_STORAGE_MAX_BYTES))
		return -EINVAL;
	if (!is_power_of_2(chunk)) {
		NL_SET_ERR_MSG_ATTR(info->extack, chunk_attr,
				    "chunk size must be a power of two");
		return -EINVAL;
	}
	err = vss_nl_origin_dev(info, &dev);
	if (err)
		return err;

	mutex_lock(&vss_lock);
	err = vss_origin_add(dev, nla_get_u64(info->attrs[VSS_A_STORAGE_MAX_BYTES]),
			     chunk, &o);
	mutex_unlock(&vss_lock);
	if (err == -EEXIST)
		NL_SET_ERR_MSG_ATTR(info->extack, info->attrs[VSS_A_STORAGE_ORIGIN],
				    "origin already has diff storage");
	else if (err == -EADDRINUSE)
		NL_SET_ERR_MSG_ATTR(info->extack, info->attrs[VSS_A_STORAGE_ORIGIN],
				    "origin overlaps another origin (a disk and its partition?)");
	else if (err)
		NL_SET_ERR_MSG_ATTR(info->extack, info->attrs[VSS_A_STORAGE_ORIGIN],
				    "cannot open the origin device");
	return err;
}

static int vss_nl_storage_fill(struct sk_buff *msg, struct vss_origin *o,
			       u32 portid, u32 seq, int flags)
{
	void *hdr = genlmsg_put(msg, portid, seq, &vss_nl_family, flags,
				VSS_CMD_STORAGE_GET);

	if (!hdr)
		return -EMSGSIZE;
	if (nla_put_string(msg, VSS_A_STORAGE_ORIGIN, o->name) ||
	    nla_put_u32(msg, VSS_A_STORAGE_KIND, VSS_STORAGE_MEMORY) ||
	    nla_put_u64_64bit(msg, VSS_A_STORAGE_MAX_BYTES, o->store.max_bytes,
			      VSS_A_STORAGE_PAD) ||
	    nla_put_u64_64bit(msg, VSS_A_STORAGE_USED_BYTES,
			      atomic64_read(&o->store.used_bytes), VSS_A_STORAGE_PAD) ||
	    nla_put_u32(msg, VSS_A_STORAGE_CHUNK_BYTES, vss_chunk_bytes(o))) {
		genlmsg_cancel(msg, hdr);
		return -EMSGSIZE;
	}
	genlmsg_end(msg, hdr);
	return 0;
}

int vss_nl_storage_get_doit(struct sk_buff *skb, struct genl_info *info)
{
	struct vss_origin *o;
	struct sk_buff *msg;
	dev_t dev;
	int err;

	err = vss_nl_require_admin(skb, info->extack);
	if (err)
		return err;
	err = vss_nl_origin_dev(info, &dev);
	if (err)
		return err;
	msg = genlmsg_new(NLMSG_GOODSIZE, GFP_KERNEL);
	if (!msg)
		return -ENOMEM;
	mutex_lock(&vss_lock);
	o = vss_origin_find(dev);
	err = o ? vss_nl_storage_fill(msg, o, info->snd_portid, info->snd_seq, 0) :
		  -ENOENT;
	mutex_unlock(&vss_lock);
	if (err) {
		if (err == -ENOENT)
			NL_SET_ERR_MSG_ATTR(info->extack, info->attrs[VSS_A_STORAGE_ORIGIN],
					    "origin has no diff storage");
		nlmsg_free(msg);
		return err;
	}
	return genlmsg_reply(msg, info);
}

int vss_nl_storage_get_dumpit(struct sk_buff *skb, struct netlink_callback *cb)
{
	struct vss_origin *o;
	long idx = 0;
	int err = 0;

	err = vss_nl_require_admin(cb->skb, cb->extack);
	if (err)
		return err;
	mutex_lock(&vss_lock);
	list_for_each_entry(o, &vss_origins, node) {
		if (idx++ < cb->args[0])
			continue;
		err = vss_nl_storage_fill(skb, o, NETLINK_CB(cb->skb).portid,
					  cb->nlh->nlmsg_seq, NLM_F_MULTI);
		if (err)
			break;
		cb->args[0] = idx;
	}
	mutex_unlock(&vss_lock);
	return err == -EMSGSIZE && skb->len ? skb->len : (err ?: skb->len);
}

int vss_nl_storage_remove_doit(struct sk_buff *skb, struct genl_info *info)
{
	struct vss_origin *o;
	dev_t dev;
	int err;

	err = vss_nl_require_admin(skb, info->extack);
	if (err)
		return err;
	err = vss_nl_origin_dev(info, &dev);
	if (err)
		return err;
	mutex_lock(&vss_lock);
	o = vss_origin_find(dev);
	err = o ? vss_origin_remove(o) : -ENOENT;
	mutex_unlock(&vss_lock);
	if (err == -ENOENT)
		NL_SET_ERR_MSG_ATTR(info->extack, info->attrs[VSS_A_STORAGE_ORIGIN],
				    "origin has no diff storage");
	else if (err == -EBUSY)
		NL_SET_ERR_MSG_ATTR(info->extack, info->attrs[VSS_A_STORAGE_ORIGIN],
				    "origin still has snapshots, or one is being created");
	return err;
}
