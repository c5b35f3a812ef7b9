// SPDX-License-Identifier: GPL-2.0
/*
 * The "vss" generic-netlink family: policies, operations, handlers.
 *
 * Every operation has its own policy and is validated strictly (unknown
 * attributes, wrong lengths and trailing data are rejected with an extack
 * message by the netlink core). parallel_ops is set because later commands
 * freeze filesystems and wait for writers, which can take seconds; handlers
 * therefore do their own locking and never rely on genl_mutex.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/capability.h>
#include <net/genetlink.h>
#include <linux/vss.h>

#include "compat.h"
#include "nl.h"
#include "proto.h"
#include "vss.h"

u64 vss_features_supported(void)
{
	u64 features = VSS_FEATURE_FILE_STORAGE;

	if (VSS_HAVE_FREEZE_HOLDER)
		features |= VSS_FEATURE_FREEZE_HOLDER;
	features |= VSS_FEATURE_SESSIONS | VSS_FEATURE_FS_FREEZE |
		    VSS_FEATURE_CHANGE_TRACKING |
		    VSS_FEATURE_TRACKER_PERSIST;
	return features;
}


static const struct nla_policy vss_get_features_policy[VSS_A_FEATURES_REQUIRED + 1] = {
	[VSS_A_FEATURES_REQUIRED] = { .type = NLA_U64 },
};

static int vss_nl_get_features_doit(struct sk_buff *skb, struct genl_info *info)
{
	struct nlattr *required_attr = info->attrs[VSS_A_FEATURES_REQUIRED];
	u64 supported = vss_features_supported();
	struct sk_buff *msg;
	void *hdr;

	if (required_attr) {
		u64 missing = nla_get_u64(required_attr) & ~supported;

		if (missing) {
			vss_compat_err_attr_fmt(info->extack, required_attr,
						"required features not supported by this module",
						"required features 0x%llx not supported by this module",
						missing);
			return -EOPNOTSUPP;
		}
	}

	msg = genlmsg_new(nla_total_size(sizeof(VSS_MODULE_VERSION)) +
			  nla_total_size(sizeof(u32)) +
			  nla_total_size_64bit(sizeof(u64)), GFP_KERNEL);
	if (!msg)
		return -ENOMEM;

	hdr = genlmsg_put_reply(msg, info, &vss_nl_family, 0, info->genlhdr->cmd);
	if (!hdr ||
	    nla_put_string(msg, VSS_A_FEATURES_MODULE_VERSION, VSS_MODULE_VERSION) ||
	    nla_put_u32(msg, VSS_A_FEATURES_PROTOCOL_VERSION, VSS_FAMILY_VERSION) ||
	    nla_put_u64_64bit(msg, VSS_A_FEATURES_FEATURES, supported,
			      VSS_A_FEATURES_PAD)) {
		nlmsg_free(msg);
		return -EMSGSIZE;
	}
	genlmsg_end(msg, hdr);
	return genlmsg_reply(msg, info);
}

static const struct genl_ops vss_nl_ops[] = {
	{
		.cmd = VSS_CMD_GET_FEATURES,
		.doit = vss_nl_get_features_doit,
		.policy = vss_get_features_policy,
		.maxattr = ARRAY_SIZE(vss_get_features_policy) - 1,
	},
	{
		.cmd = VSS_CMD_STORAGE_ADD,
		.doit = vss_nl_storage_add_doit,
		.policy = vss_storage_add_policy,
		.maxattr = ARRAY_SIZE(vss_storage_add_policy) - 1,
	},
	{
		.cmd = VSS_CMD_STORAGE_GET,
		.doit = vss_nl_storage_get_doit,
		.dumpit = vss_nl_storage_get_dumpit,
		.policy = vss_storage_origin_policy,
		.maxattr = ARRAY_SIZE(vss_storage_origin_policy) - 1,
	},
	{
		.cmd = VSS_CMD_STORAGE_REMOVE,
		.doit = vss_nl_storage_remove_doit,
		.policy = vss_storage_origin_policy,
		.maxattr = ARRAY_SIZE(vss_storage_origin_policy) - 1,
	},
	{
		.cmd = VSS_CMD_SNAPSHOT_CREATE,
		.doit = vss_nl_snapshot_create_doit,
		.policy = vss_snapshot_create_policy,
		.maxattr = ARRAY_SIZE(vss_snapshot_create_policy) - 1,
	},
	{
		.cmd = VSS_CMD_SNAPSHOT_GET,
		.doit = vss_nl_snapshot_get_doit,
		.dumpit = vss_nl_snapshot_get_dumpit,
		.policy = vss_snapshot_get_policy,
		.maxattr = ARRAY_SIZE(vss_snapshot_get_policy) - 1,
	},
	{
		.cmd = VSS_CMD_SNAPSHOT_DELETE,
		.doit = vss_nl_snapshot_delete_doit,
		.policy = vss_snapshot_delete_policy,
		.maxattr = ARRAY_SIZE(vss_snapshot_delete_policy) - 1,
	},
	{
		.cmd = VSS_CMD_STORAGE_SET,
		.doit = vss_nl_storage_set_doit,
		.policy = vss_storage_set_policy,
		.maxattr = ARRAY_SIZE(vss_storage_set_policy) - 1,
	},
	/* The VSS coordination protocol: nl_writer.c, nl_session.c. */
#define VSS_NL_OP(_cmd, _doit, _policy) {			\
		.cmd = _cmd,					\
		.doit = _doit,					\
		.policy = _policy,				\
		.maxattr = ARRAY_SIZE(_policy) - 1,		\
	}
	VSS_NL_OP(VSS_CMD_WRITER_REGISTER, vss_nl_writer_register_doit,
		  vss_writer_register_policy),
	VSS_NL_OP(VSS_CMD_WRITER_UNREGISTER, vss_nl_writer_unregister_doit,
		  vss_writer_id_policy),
	{
		.cmd = VSS_CMD_WRITER_GET,
		.doit = vss_nl_writer_get_doit,
		.dumpit = vss_nl_writer_get_dumpit,
		.policy = vss_writer_id_policy,
		.maxattr = ARRAY_SIZE(vss_writer_id_policy) - 1,
	},
	VSS_NL_OP(VSS_CMD_WRITER_EVENT_DONE, vss_nl_writer_event_done_doit,
		  vss_event_done_policy),
	VSS_NL_OP(VSS_CMD_SESSION_CREATE, vss_nl_session_create_doit,
		  vss_session_create_policy),
	VSS_NL_OP(VSS_CMD_SESSION_GATHER_METADATA, vss_nl_session_op_doit,
		  vss_session_id_policy),
	VSS_NL_OP(VSS_CMD_SESSION_PREPARE_BACKUP, vss_nl_session_op_doit,
		  vss_session_prepare_policy),
	VSS_NL_OP(VSS_CMD_SESSION_DO_SNAPSHOT_SET, vss_nl_session_op_doit,
		  vss_session_snapshot_policy),
	VSS_NL_OP(VSS_CMD_SESSION_BACKUP_COMPLETE, vss_nl_session_op_doit,
		  vss_session_document_policy),
	VSS_NL_OP(VSS_CMD_SESSION_PRE_RESTORE, vss_nl_session_op_doit,
		  vss_session_document_policy),
	VSS_NL_OP(VSS_CMD_SESSION_POST_RESTORE, vss_nl_session_op_doit,
		  vss_session_document_policy),
	VSS_NL_OP(VSS_CMD_SESSION_ABORT, vss_nl_session_abort_doit,
		  vss_session_id_policy),
	VSS_NL_OP(VSS_CMD_SESSION_DELETE_SNAPSHOTS, vss_nl_session_delete_snapshots_doit,
		  vss_session_id_policy),
	VSS_NL_OP(VSS_CMD_SESSION_RELEASE, vss_nl_session_release_doit,
		  vss_session_id_policy),
	{
		.cmd = VSS_CMD_SESSION_GET,
		.doit = vss_nl_session_get_doit,
		.dumpit = vss_nl_session_get_dumpit,
		.policy = vss_session_id_policy,
		.maxattr = ARRAY_SIZE(vss_session_id_policy) - 1,
	},
	VSS_NL_OP(VSS_CMD_SESSION_WRITER_GET, vss_nl_session_writer_get_doit,
		  vss_session_writer_get_policy),
	/* Filesystem freezes with an owner and a deadline: nl_fs.c. */
	VSS_NL_OP(VSS_CMD_FS_FREEZE, vss_nl_fs_freeze_doit, vss_fs_freeze_policy),
	VSS_NL_OP(VSS_CMD_FS_THAW, vss_nl_fs_thaw_doit, vss_fs_path_policy),
	{
		.cmd = VSS_CMD_FS_GET,
		.doit = vss_nl_fs_get_doit,
		.dumpit = vss_nl_fs_get_dumpit,
		.policy = vss_fs_path_policy,
		.maxattr = ARRAY_SIZE(vss_fs_path_policy) - 1,
	},
	/* Changed-block tracking: nl_cbt.c. */
	{
		.cmd = VSS_CMD_CHANGES_GET,
		.doit = vss_nl_changes_get_doit,
		.start = vss_nl_changes_get_start,
		.dumpit = vss_nl_changes_get_dumpit,
		.done = vss_nl_changes_get_done,
		.policy = vss_changes_policy,
		.maxattr = ARRAY_SIZE(vss_changes_policy) - 1,
	},
	{
		.cmd = VSS_CMD_TRACKER_GET,
		.doit = vss_nl_tracker_get_doit,
		.dumpit = vss_nl_tracker_get_dumpit,
		.policy = vss_tracker_policy,
		.maxattr = ARRAY_SIZE(vss_tracker_policy) - 1,
	},
	VSS_NL_OP(VSS_CMD_TRACKER_RESET, vss_nl_tracker_reset_doit, vss_tracker_policy),
	{
		.cmd = VSS_CMD_TRACKER_EXPORT,
		.start = vss_nl_tracker_export_start,
		.dumpit = vss_nl_tracker_export_dumpit,
		.done = vss_nl_tracker_export_done,
		.policy = vss_tracker_policy,
		.maxattr = ARRAY_SIZE(vss_tracker_policy) - 1,
	},
	VSS_NL_OP(VSS_CMD_TRACKER_IMPORT, vss_nl_tracker_import_doit,
		  vss_tracker_import_policy),
#undef VSS_NL_OP
};

static const struct genl_multicast_group vss_nl_mcgrps[] = {
	[VSS_NL_MCGRP_EVENTS] = { .name = VSS_MCGRP_EVENTS },
	/* Admin notifications describe every user's backups. */
	[VSS_NL_MCGRP_MONITOR] = { .name = VSS_MCGRP_MONITOR,
				   .flags = GENL_MCAST_CAP_SYS_ADMIN },
};

struct genl_family vss_nl_family __ro_after_init = {
	.name = VSS_FAMILY_NAME,
	.version = VSS_FAMILY_VERSION,
	/* Snapshots and writers are system-wide: init_net only. */
	.netnsok = false,
	.parallel_ops = true,
	.module = THIS_MODULE,
	.ops = vss_nl_ops,
	.n_ops = ARRAY_SIZE(vss_nl_ops),
	/* All commands: reject unknown header flags, require a policy. */
	.resv_start_op = VSS_CMD_GET_FEATURES,
	.mcgrps = vss_nl_mcgrps,
	.n_mcgrps = ARRAY_SIZE(vss_nl_mcgrps),
};

/* Session work items send on the family: their queue outlives it. */
int vss_nl_register(void)
{
	int err;

	err = vss_session_init();
	if (err)
		return err;
	err = genl_register_family(&vss_nl_family);
	if (err)
		vss_session_exit();
	return err;
}

void vss_nl_unregister(void)
{
	genl_unregister_family(&vss_nl_family);
	vss_session_exit();
}
