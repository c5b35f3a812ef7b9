// SPDX-License-Identifier: GPL-2.0
/* STORAGE_ADD, STORAGE_GET, STORAGE_SET, STORAGE_REMOVE: diff storage per origin. */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/blkdev.h>
#include <linux/delay.h>
#include <linux/log2.h>

#include "engine.h"
#include "fault.h"
#include "nl.h"

static struct netlink_range_validation vss_chunk_range __ro_after_init = {
	.min = VSS_CHUNK_MIN,
	.max = VSS_CHUNK_MAX,
};

static struct netlink_range_validation vss_track_block_range __ro_after_init = {
	.min = VSS_TRACK_BLOCK_MIN,
	.max = VSS_TRACK_BLOCK_MAX,
};

const struct nla_policy vss_storage_add_policy[VSS_A_STORAGE_TRACK_BLOCK_BYTES + 1] = {
	[VSS_A_STORAGE_ORIGIN] = { .type = NLA_NUL_STRING, .len = PATH_MAX - 1 },
	[VSS_A_STORAGE_KIND] = NLA_POLICY_RANGE(NLA_U32, VSS_STORAGE_MEMORY,
						VSS_STORAGE_FILE),
	[VSS_A_STORAGE_MAX_BYTES] = NLA_POLICY_MIN(NLA_U64, 1),
	[VSS_A_STORAGE_CHUNK_BYTES] = NLA_POLICY_FULL_RANGE(NLA_U32, &vss_chunk_range),
	[VSS_A_STORAGE_PATH] = { .type = NLA_NUL_STRING, .len = PATH_MAX - 1 },
	[VSS_A_STORAGE_THRESHOLD] = NLA_POLICY_RANGE(NLA_U32, 1, 100),
	[VSS_A_STORAGE_TRACK_BLOCK_BYTES] = NLA_POLICY_FULL_RANGE(NLA_U32,
								  &vss_track_block_range),
};

const struct nla_policy vss_storage_set_policy[VSS_A_STORAGE_THRESHOLD + 1] = {
	[VSS_A_STORAGE_ORIGIN] = { .type = NLA_NUL_STRING, .len = PATH_MAX - 1 },
	[VSS_A_STORAGE_MAX_BYTES] = NLA_POLICY_MIN(NLA_U64, 1),
	[VSS_A_STORAGE_THRESHOLD] = NLA_POLICY_RANGE(NLA_U32, 1, 100),
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

/*
 * The configured origin the ORIGIN attribute names, under vss_lock: a
 * device path, or the kernel name the replies give ("sdb"), which still
 * names an origin whose device node is gone (hot unplug).
 */
struct vss_origin *vss_nl_find_origin(struct genl_info *info, int *errp)
{
	struct nlattr *attr = info->attrs[VSS_A_STORAGE_ORIGIN];
	const char *name = attr ? nla_data(attr) : NULL;
	struct vss_origin *o;
	dev_t dev;

	lockdep_assert_held(&vss_lock);
	if (name && !strchr(name, '/')) {
		list_for_each_entry(o, &vss_origins, node)
			if (!strcmp(o->name, name))
				return o;
	}
	*errp = vss_nl_origin_dev(info, &dev);
	if (*errp)
		return NULL;
	o = vss_origin_find(dev);
	if (!o) {
		NL_SET_ERR_MSG_ATTR(info->extack, attr, "origin has no diff storage");
		*errp = -ENOENT;
	}
	return o;
}

/* The repeated THRESHOLD attributes: 0 to 4 distinct percentages. */
static int vss_nl_thresholds(struct genl_info *info, unsigned int *pct,
			     unsigned int *nr)
{
	struct nlattr *attr;
	unsigned int i;
	int rem;

	*nr = 0;
	nlmsg_for_each_attr(attr, info->nlhdr, GENL_HDRLEN, rem) {
		if (nla_type(attr) != VSS_A_STORAGE_THRESHOLD)
			continue;
		if (*nr == VSS_MAX_THRESHOLDS) {
			NL_SET_ERR_MSG_ATTR(info->extack, attr, "more than 4 thresholds");
			return -E2BIG;
		}
		pct[*nr] = nla_get_u32(attr);
		for (i = 0; i < *nr; i++)
			if (pct[i] == pct[*nr]) {
				NL_SET_ERR_MSG_ATTR(info->extack, attr, "threshold given twice");
				return -EINVAL;
			}
		(*nr)++;
	}
	return 0;
}

int vss_nl_storage_add_doit(struct sk_buff *skb, struct genl_info *info)
{
	struct nlattr *chunk_attr = info->attrs[VSS_A_STORAGE_CHUNK_BYTES];
	struct nlattr *path_attr = info->attrs[VSS_A_STORAGE_PATH];
	struct nlattr *track_attr = info->attrs[VSS_A_STORAGE_TRACK_BLOCK_BYTES];
	struct vss_store_config cfg = {
		.chunk_bytes = chunk_attr ? nla_get_u32(chunk_attr) : VSS_CHUNK_DEFAULT,
		.track_block_bytes = track_attr ? nla_get_u32(track_attr) : 0,
	};
	struct vss_origin *o;
	bool tracked;
	dev_t dev;
	int err;

	err = vss_nl_require_admin(skb, info->extack);
	if (err)
		return err;
	if (GENL_REQ_ATTR_CHECK(info, VSS_A_STORAGE_KIND) ||
	    GENL_REQ_ATTR_CHECK(info, VSS_A_STORAGE_MAX_BYTES))
		return -EINVAL;
	cfg.kind = nla_get_u32(info->attrs[VSS_A_STORAGE_KIND]);
	cfg.max_bytes = nla_get_u64(info->attrs[VSS_A_STORAGE_MAX_BYTES]);
	if (!is_power_of_2(cfg.chunk_bytes)) {
		NL_SET_ERR_MSG_ATTR(info->extack, chunk_attr,
				    "chunk size must be a power of two");
		return -EINVAL;
	}
	if (track_attr && !is_power_of_2(cfg.track_block_bytes)) {
		NL_SET_ERR_MSG_ATTR(info->extack, track_attr,
				    "tracking block size must be a power of two");
		return -EINVAL;
	}
	if (cfg.kind == VSS_STORAGE_FILE && !path_attr) {
		NL_SET_ERR_MSG_ATTR(info->extack, info->attrs[VSS_A_STORAGE_KIND],
				    "file storage needs a directory (path)");
		return -EINVAL;
	}
	if (cfg.kind != VSS_STORAGE_FILE && path_attr) {
		NL_SET_ERR_MSG_ATTR(info->extack, path_attr,
				    "a path is only for file storage");
		return -EINVAL;
	}
	if (path_attr)
		cfg.dir = nla_data(path_attr);
	err = vss_nl_thresholds(info, cfg.thresholds, &cfg.nr_thresholds);
	if (err)
		return err;
	err = vss_nl_origin_dev(info, &dev);
	if (err)
		return err;

	mutex_lock(&vss_lock);
	err = vss_origin_add(dev, &cfg, &o, info->extack);
	tracked = !err && o->tracked;
	if (tracked)
		o->creating++;	/* pinned, as by a set being created */
	mutex_unlock(&vss_lock);
	if (!tracked)
		return err;
	/* Waits for I/O: outside vss_lock. Snapshots wait for settled. */
	if (READ_ONCE(vss_faults.settle_delay_ms))
		msleep(READ_ONCE(vss_faults.settle_delay_ms));
	vss_tracker_settle(o);
	mutex_lock(&vss_lock);
	WRITE_ONCE(o->settled, true);
	o->creating--;
	mutex_unlock(&vss_lock);
	return 0;
}

int vss_nl_storage_set_doit(struct sk_buff *skb, struct genl_info *info)
{
	struct nlattr *max_attr = info->attrs[VSS_A_STORAGE_MAX_BYTES];
	unsigned int pct[VSS_MAX_THRESHOLDS], nr;
	struct vss_origin *o;
	int err;

	err = vss_nl_require_admin(skb, info->extack);
	if (err)
		return err;
	if (GENL_REQ_ATTR_CHECK(info, VSS_A_STORAGE_ORIGIN))
		return -EINVAL;
	err = vss_nl_thresholds(info, pct, &nr);
	if (err)
		return err;
	if (!max_attr && !nr) {
		NL_SET_ERR_MSG(info->extack, "nothing to change: give max-bytes or thresholds");
		return -EINVAL;
	}
	mutex_lock(&vss_lock);
	o = vss_nl_find_origin(info, &err);
	if (o) {
		err = vss_store_set(&o->store, max_attr ? nla_get_u64(max_attr) : 0,
				    nr, pct);
		if (err == -EBUSY)
			NL_SET_ERR_MSG_ATTR(info->extack, max_attr,
					    "max-bytes below the bytes in use (or the storage file's size)");
	}
	mutex_unlock(&vss_lock);
	return err;
}

static int vss_nl_storage_fill(struct sk_buff *msg, struct vss_origin *o,
			       u32 portid, u32 seq, int flags)
{
	struct vss_store *st = &o->store;
	void *hdr = genlmsg_put(msg, portid, seq, &vss_nl_family, flags,
				VSS_CMD_STORAGE_GET);
	unsigned int i;

	if (!hdr)
		return -EMSGSIZE;
	if (nla_put_string(msg, VSS_A_STORAGE_ORIGIN, o->name) ||
	    nla_put_u32(msg, VSS_A_STORAGE_KIND, st->kind) ||
	    nla_put_u64_64bit(msg, VSS_A_STORAGE_MAX_BYTES, st->max_bytes,
			      VSS_A_STORAGE_PAD) ||
	    nla_put_u64_64bit(msg, VSS_A_STORAGE_USED_BYTES,
			      atomic64_read(&st->used_bytes), VSS_A_STORAGE_PAD) ||
	    nla_put_u32(msg, VSS_A_STORAGE_CHUNK_BYTES, vss_chunk_bytes(o)) ||
	    nla_put_u32(msg, VSS_A_STORAGE_TRACK_BLOCK_BYTES, vss_cbt_block_bytes(o)))
		goto cancel;
	for (i = 0; i < st->nr_thresholds; i++)
		if (nla_put_u32(msg, VSS_A_STORAGE_THRESHOLD, st->thresholds[i]))
			goto cancel;
	if (st->kind == VSS_STORAGE_FILE &&
	    (nla_put_string(msg, VSS_A_STORAGE_PATH, st->dir) ||
	     nla_put_u64_64bit(msg, VSS_A_STORAGE_FILE_BYTES,
			       vss_store_file_bytes(st), VSS_A_STORAGE_PAD)))
		goto cancel;
	genlmsg_end(msg, hdr);
	return 0;

cancel:
	genlmsg_cancel(msg, hdr);
	return -EMSGSIZE;
}

int vss_nl_storage_get_doit(struct sk_buff *skb, struct genl_info *info)
{
	struct vss_origin *o;
	struct sk_buff *msg;
	int err;

	err = vss_nl_require_admin(skb, info->extack);
	if (err)
		return err;
	if (GENL_REQ_ATTR_CHECK(info, VSS_A_STORAGE_ORIGIN))
		return -EINVAL;
	msg = genlmsg_new(NLMSG_GOODSIZE, GFP_KERNEL);
	if (!msg)
		return -ENOMEM;
	mutex_lock(&vss_lock);
	o = vss_nl_find_origin(info, &err);
	if (o)
		err = vss_nl_storage_fill(msg, o, info->snd_portid, info->snd_seq, 0);
	mutex_unlock(&vss_lock);
	if (err) {
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
	int err;

	err = vss_nl_require_admin(skb, info->extack);
	if (err)
		return err;
	if (GENL_REQ_ATTR_CHECK(info, VSS_A_STORAGE_ORIGIN))
		return -EINVAL;
	mutex_lock(&vss_lock);
	o = vss_nl_find_origin(info, &err);
	if (o)
		err = vss_origin_remove(o);
	mutex_unlock(&vss_lock);
	/* Its writes in flight waited for without the lock, killably. */
	if (o && !err)
		err = vss_origin_retire(o);
	if (err == -EBUSY)
		NL_SET_ERR_MSG_ATTR(info->extack, info->attrs[VSS_A_STORAGE_ORIGIN],
				    "origin still has snapshots, or one is being created");
	return err;
}
