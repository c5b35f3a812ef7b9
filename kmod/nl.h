/* SPDX-License-Identifier: GPL-2.0 */
/* Netlink handlers, by object; the family and its op table are in netlink.c. */
#ifndef VSS_NL_H
#define VSS_NL_H

#include <net/genetlink.h>
#include <linux/vss.h>

extern struct genl_family vss_nl_family;

/* Index by these, not by position in a literal, when sending to a group. */
enum vss_nl_mcgrp {
	VSS_NL_MCGRP_EVENTS,
	VSS_NL_MCGRP_MONITOR,
};

/*
 * A refused request of the protocol commands: the extack message, and the
 * enum vss_status in the extack cookie (a __u32), which the netlink core
 * returns with errors as well as acks on 6.1 and 6.12.
 */
static inline void vss_nl_set_status(struct netlink_ext_ack *extack, u32 status)
{
	if (!extack)
		return;
	memcpy(extack->cookie, &status, sizeof(status));
	extack->cookie_len = sizeof(status);
}

#define vss_nl_err(extack, status, msg) do {			\
	NL_SET_ERR_MSG(extack, msg);				\
	vss_nl_set_status(extack, status);			\
} while (0)

/* For messages from a table: @msg must be a string with static lifetime. */
static inline void vss_nl_err_static(struct netlink_ext_ack *extack, u32 status,
				     const char *msg)
{
	if (!extack)
		return;
	extack->_msg = msg;
	vss_nl_set_status(extack, status);
}

#define vss_nl_err_attr(extack, attr, status, msg) do {		\
	NL_SET_ERR_MSG_ATTR(extack, attr, msg);			\
	vss_nl_set_status(extack, status);			\
} while (0)

/* Every command but GET_FEATURES: backups are every user's business. */
static inline int vss_nl_require_admin(struct sk_buff *skb,
				       struct netlink_ext_ack *extack)
{
	if (netlink_capable(skb, CAP_SYS_ADMIN))
		return 0;
	NL_SET_ERR_MSG(extack, "needs CAP_SYS_ADMIN");
	return -EPERM;
}

extern const struct nla_policy vss_storage_add_policy[VSS_A_STORAGE_TRACK_BLOCK_BYTES + 1];
extern const struct nla_policy vss_storage_set_policy[VSS_A_STORAGE_THRESHOLD + 1];
extern const struct nla_policy vss_storage_origin_policy[VSS_A_STORAGE_ORIGIN + 1];
int vss_nl_storage_add_doit(struct sk_buff *skb, struct genl_info *info);
int vss_nl_storage_get_doit(struct sk_buff *skb, struct genl_info *info);
int vss_nl_storage_get_dumpit(struct sk_buff *skb, struct netlink_callback *cb);
int vss_nl_storage_remove_doit(struct sk_buff *skb, struct genl_info *info);
int vss_nl_storage_set_doit(struct sk_buff *skb, struct genl_info *info);
struct vss_origin *vss_nl_find_origin(struct genl_info *info, int *errp);

extern const struct nla_policy vss_snapshot_create_policy[VSS_A_SNAPSHOT_FLAGS + 1];
extern const struct nla_policy vss_snapshot_get_policy[VSS_A_SNAPSHOT_ID + 1];
extern const struct nla_policy vss_snapshot_delete_policy[VSS_A_SNAPSHOT_OLDEST_OF + 1];
int vss_nl_snapshot_create_doit(struct sk_buff *skb, struct genl_info *info);
int vss_nl_snapshot_get_doit(struct sk_buff *skb, struct genl_info *info);
int vss_nl_snapshot_get_dumpit(struct sk_buff *skb, struct netlink_callback *cb);
int vss_nl_snapshot_delete_doit(struct sk_buff *skb, struct genl_info *info);

/* GENL_REQ_ATTR_CHECK() with a message, which the core leaves out. */
#define vss_nl_need(info, attr, msg) ({					\
	bool __missing = GENL_REQ_ATTR_CHECK(info, attr);		\
	if (__missing)							\
		NL_SET_ERR_MSG((info)->extack, msg);			\
	__missing;							\
})

static inline int vss_nl_proto_admin(struct sk_buff *skb, struct netlink_ext_ack *extack)
{
	int err = vss_nl_require_admin(skb, extack);

	if (err)
		vss_nl_set_status(extack, VSS_STATUS_ACCESS_DENIED);
	return err;
}

/* nl_fs.c */
extern const struct nla_policy vss_fs_freeze_policy[VSS_A_FS_FLAGS + 1];
extern const struct nla_policy vss_fs_path_policy[VSS_A_FS_PATH + 1];
int vss_nl_fs_freeze_doit(struct sk_buff *skb, struct genl_info *info);
int vss_nl_fs_thaw_doit(struct sk_buff *skb, struct genl_info *info);
int vss_nl_fs_get_doit(struct sk_buff *skb, struct genl_info *info);
int vss_nl_fs_get_dumpit(struct sk_buff *skb, struct netlink_callback *cb);

/* nl_writer.c */
extern const struct nla_policy vss_writer_register_policy[VSS_A_WRITER_FREEZE_TIMEOUT_MS + 1];
extern const struct nla_policy vss_writer_id_policy[VSS_A_WRITER_ID + 1];
extern const struct nla_policy vss_event_done_policy[VSS_A_SESSION_RESTORE_STATUS + 1];
int vss_nl_writer_register_doit(struct sk_buff *skb, struct genl_info *info);
int vss_nl_writer_unregister_doit(struct sk_buff *skb, struct genl_info *info);
int vss_nl_writer_get_doit(struct sk_buff *skb, struct genl_info *info);
int vss_nl_writer_get_dumpit(struct sk_buff *skb, struct netlink_callback *cb);
int vss_nl_writer_event_done_doit(struct sk_buff *skb, struct genl_info *info);

/* nl_session.c */
extern const struct nla_policy vss_session_create_policy[VSS_A_SESSION_BACKUP_DOCUMENT + 1];
extern const struct nla_policy vss_session_id_policy[VSS_A_SESSION_ID + 1];
extern const struct nla_policy vss_session_prepare_policy[VSS_A_SESSION_WRITER_ID + 1];
extern const struct nla_policy vss_session_snapshot_policy[VSS_A_SESSION_VOLUME + 1];
extern const struct nla_policy vss_session_document_policy[VSS_A_SESSION_BACKUP_DOCUMENT + 1];
extern const struct nla_policy vss_session_writer_get_policy[VSS_A_SESSION_WRITER_ID + 1];
int vss_nl_session_create_doit(struct sk_buff *skb, struct genl_info *info);
int vss_nl_session_op_doit(struct sk_buff *skb, struct genl_info *info);
int vss_nl_session_abort_doit(struct sk_buff *skb, struct genl_info *info);
int vss_nl_session_delete_snapshots_doit(struct sk_buff *skb, struct genl_info *info);
int vss_nl_session_release_doit(struct sk_buff *skb, struct genl_info *info);
int vss_nl_session_get_doit(struct sk_buff *skb, struct genl_info *info);
int vss_nl_session_get_dumpit(struct sk_buff *skb, struct netlink_callback *cb);
int vss_nl_session_writer_get_doit(struct sk_buff *skb, struct genl_info *info);

/* nl_cbt.c */
struct vss_cbt_token;
extern const struct nla_policy vss_changes_policy[VSS_A_CHANGES_START + 1];
extern const struct nla_policy vss_tracker_policy[VSS_A_TRACKER_ORIGIN + 1];
size_t vss_nl_token_size(void);
int vss_nl_put_token(struct sk_buff *msg, int type, const struct vss_cbt_token *tok);
int vss_nl_changes_get_doit(struct sk_buff *skb, struct genl_info *info);
int vss_nl_changes_get_start(struct netlink_callback *cb);
int vss_nl_changes_get_dumpit(struct sk_buff *skb, struct netlink_callback *cb);
int vss_nl_changes_get_done(struct netlink_callback *cb);
int vss_nl_tracker_get_doit(struct sk_buff *skb, struct genl_info *info);
int vss_nl_tracker_get_dumpit(struct sk_buff *skb, struct netlink_callback *cb);
int vss_nl_tracker_reset_doit(struct sk_buff *skb, struct genl_info *info);
extern const struct nla_policy vss_tracker_import_policy[VSS_A_TRACKER_IMPORT_STEP + 1];
int vss_nl_tracker_export_start(struct netlink_callback *cb);
int vss_nl_tracker_export_dumpit(struct sk_buff *skb, struct netlink_callback *cb);
int vss_nl_tracker_export_done(struct netlink_callback *cb);
int vss_nl_tracker_import_doit(struct sk_buff *skb, struct genl_info *info);

#endif /* VSS_NL_H */
