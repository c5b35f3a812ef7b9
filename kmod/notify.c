// SPDX-License-Identifier: GPL-2.0
/*
 * Notifications on the monitor group: snapshots created, deleted and
 * invalidated, diff storage thresholds crossed. Best effort: nobody
 * listening (-ESRCH) or no memory only means nobody hears it.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include "engine.h"
#include "nl.h"

static void vss_notify_send(struct sk_buff *msg)
{
	genlmsg_multicast(&vss_nl_family, msg, 0, VSS_NL_MCGRP_MONITOR, GFP_KERNEL);
}

/* cmd: VSS_CMD_SNAPSHOT_{CREATED,DELETED,INVALID}_NTF. May sleep. */
void vss_notify_snapshot(u8 cmd, struct vss_snapshot *s)
{
	char dev[DISK_NAME_LEN];
	struct sk_buff *msg;
	void *hdr;

	msg = genlmsg_new(NLMSG_GOODSIZE, GFP_KERNEL);
	if (!msg)
		return;
	hdr = genlmsg_put(msg, 0, 0, &vss_nl_family, 0, cmd);
	snprintf(dev, sizeof(dev), "vss-snap%d", s->number);
	if (!hdr ||
	    nla_put(msg, VSS_A_SNAPSHOT_ID, sizeof(s->id), &s->id) ||
	    nla_put(msg, VSS_A_SNAPSHOT_SET_ID, sizeof(s->set_id), &s->set_id) ||
	    nla_put_string(msg, VSS_A_SNAPSHOT_ORIGIN, s->origin->name) ||
	    nla_put_string(msg, VSS_A_SNAPSHOT_DEVICE, dev) ||
	    (cmd == VSS_CMD_SNAPSHOT_INVALID_NTF &&
	     nla_put_u32(msg, VSS_A_SNAPSHOT_INVALID_REASON,
			 READ_ONCE(s->invalid_reason)))) {
		nlmsg_free(msg);
		return;
	}
	genlmsg_end(msg, hdr);
	vss_notify_send(msg);
}

void vss_notify_threshold(struct vss_origin *o, u64 used, unsigned int pct)
{
	struct sk_buff *msg;
	void *hdr;

	msg = genlmsg_new(NLMSG_GOODSIZE, GFP_KERNEL);
	if (!msg)
		return;
	hdr = genlmsg_put(msg, 0, 0, &vss_nl_family, 0, VSS_CMD_STORAGE_THRESHOLD_NTF);
	if (!hdr ||
	    nla_put_string(msg, VSS_A_STORAGE_ORIGIN, o->name) ||
	    nla_put_u64_64bit(msg, VSS_A_STORAGE_MAX_BYTES,
			      READ_ONCE(o->store.max_bytes), VSS_A_STORAGE_PAD) ||
	    nla_put_u64_64bit(msg, VSS_A_STORAGE_USED_BYTES, used, VSS_A_STORAGE_PAD) ||
	    nla_put_u32(msg, VSS_A_STORAGE_THRESHOLD, pct)) {
		nlmsg_free(msg);
		return;
	}
	genlmsg_end(msg, hdr);
	vss_notify_send(msg);
}
