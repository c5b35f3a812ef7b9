// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * The monitor group: what the module announces to administrators (snapshots
 * created, deleted, invalidated; storage thresholds crossed; session states;
 * filesystem freezes taken and ended; change trackers starting a new
 * generation), decoded into one event type with a
 * getter per field.
 *
 * The notifications arrive on the context's own socket once it joined the
 * group, so they take the path writer events take (event.c): stashed when a
 * blocking request meets them, dispatched by libvss_process(). A context
 * that never calls libvss_monitor_start() drops them as before.
 */
#include <errno.h>
#include <string.h>

#include "internal.h"

struct libvss_monitor_event {
	uint32_t type;			/* VSS_CMD_*_NTF */
	const uint8_t *snapshot_id;	/* into the message, or NULL */
	const uint8_t *set_id;
	const char *origin, *device, *path;
	uint32_t invalid_reason, threshold;
	uint64_t max_bytes, used_bytes;
	uint32_t session_id, session_type, session_state, session_op;
	uint32_t owner, timeout_ms, flags, thaw_reason;
	uint64_t frozen_ns;
	const uint8_t *generation, *old_generation;
	uint64_t epoch;
	uint32_t stale_reason;
};

/* The attribute sets, as the module fills them (notify.c, nl_fs.c). */
static const struct nla_policy snapshot_policy[VSS_A_SNAPSHOT_MAX + 1] = {
	[VSS_A_SNAPSHOT_ID]		= { .minlen = LIBVSS_ID_SIZE,
					    .maxlen = LIBVSS_ID_SIZE },
	[VSS_A_SNAPSHOT_SET_ID]		= { .minlen = LIBVSS_ID_SIZE,
					    .maxlen = LIBVSS_ID_SIZE },
	[VSS_A_SNAPSHOT_ORIGIN]		= { .type = NLA_STRING },
	[VSS_A_SNAPSHOT_DEVICE]		= { .type = NLA_STRING },
	[VSS_A_SNAPSHOT_INVALID_REASON]	= { .type = NLA_U32, .maxlen = 4 },
};

static const struct nla_policy storage_policy[VSS_A_STORAGE_MAX + 1] = {
	[VSS_A_STORAGE_ORIGIN]		= { .type = NLA_STRING },
	[VSS_A_STORAGE_MAX_BYTES]	= { .type = NLA_U64, .maxlen = 8 },
	[VSS_A_STORAGE_USED_BYTES]	= { .type = NLA_U64, .maxlen = 8 },
	[VSS_A_STORAGE_THRESHOLD]	= { .type = NLA_U32, .maxlen = 4 },
};

static const struct nla_policy fs_policy[VSS_A_FS_MAX + 1] = {
	[VSS_A_FS_PATH]			= { .type = NLA_STRING },
	[VSS_A_FS_TIMEOUT_MS]		= { .type = NLA_U32, .maxlen = 4 },
	[VSS_A_FS_FLAGS]		= { .type = NLA_U32, .maxlen = 4 },
	[VSS_A_FS_OWNER]		= { .type = NLA_U32, .maxlen = 4 },
	[VSS_A_FS_DEVICE]		= { .type = NLA_STRING },
	[VSS_A_FS_FROZEN_NS]		= { .type = NLA_U64, .maxlen = 8 },
	[VSS_A_FS_REMAINING_MS]		= { .type = NLA_U32, .maxlen = 4 },
	[VSS_A_FS_REASON]		= { .type = NLA_U32, .maxlen = 4 },
};

bool vss_is_monitor_cmd(uint8_t cmd)
{
	switch (cmd) {
	case VSS_CMD_SNAPSHOT_CREATED_NTF:
	case VSS_CMD_SNAPSHOT_DELETED_NTF:
	case VSS_CMD_SNAPSHOT_INVALID_NTF:
	case VSS_CMD_STORAGE_THRESHOLD_NTF:
	case VSS_CMD_SESSION_STATE_NTF:
	case VSS_CMD_FS_FROZEN_NTF:
	case VSS_CMD_FS_THAWED_NTF:
	case VSS_CMD_TRACKER_NTF:
		return true;
	}
	return false;
}

/* Every attribute of @mask (bits of attribute types) is in @tb. */
static bool have(struct nlattr **tb, uint32_t mask)
{
	unsigned int t;

	for (t = 0; t < 32; t++)
		if ((mask & (1u << t)) && !tb[t])
			return false;
	return true;
}

#define A(t)	(1u << (t))

static uint32_t opt_u32(struct nlattr *a)
{
	return a ? nla_get_u32(a) : 0;
}

static int decode_snapshot(struct nlmsghdr *nlh, uint8_t cmd,
			   struct libvss_monitor_event *ev)
{
	struct nlattr *tb[VSS_A_SNAPSHOT_MAX + 1];
	uint32_t need = A(VSS_A_SNAPSHOT_ID) | A(VSS_A_SNAPSHOT_SET_ID) |
			A(VSS_A_SNAPSHOT_ORIGIN) | A(VSS_A_SNAPSHOT_DEVICE);
	const char *why;

	if (cmd == VSS_CMD_SNAPSHOT_INVALID_NTF)
		need |= A(VSS_A_SNAPSHOT_INVALID_REASON);
	if (vss_genl_parse(nlh, cmd, tb, VSS_A_SNAPSHOT_MAX, snapshot_policy,
			   &why) || !have(tb, need))
		return -EBADMSG;
	ev->snapshot_id = nla_data(tb[VSS_A_SNAPSHOT_ID]);
	ev->set_id = nla_data(tb[VSS_A_SNAPSHOT_SET_ID]);
	ev->origin = nla_get_string(tb[VSS_A_SNAPSHOT_ORIGIN]);
	ev->device = nla_get_string(tb[VSS_A_SNAPSHOT_DEVICE]);
	ev->invalid_reason = opt_u32(tb[VSS_A_SNAPSHOT_INVALID_REASON]);
	return 0;
}

static int decode_threshold(struct nlmsghdr *nlh, struct libvss_monitor_event *ev)
{
	struct nlattr *tb[VSS_A_STORAGE_MAX + 1];
	const char *why;

	if (vss_genl_parse(nlh, VSS_CMD_STORAGE_THRESHOLD_NTF, tb,
			   VSS_A_STORAGE_MAX, storage_policy, &why) ||
	    !have(tb, A(VSS_A_STORAGE_ORIGIN) | A(VSS_A_STORAGE_MAX_BYTES) |
		      A(VSS_A_STORAGE_USED_BYTES) | A(VSS_A_STORAGE_THRESHOLD)))
		return -EBADMSG;
	ev->origin = nla_get_string(tb[VSS_A_STORAGE_ORIGIN]);
	ev->max_bytes = nla_get_u64(tb[VSS_A_STORAGE_MAX_BYTES]);
	ev->used_bytes = nla_get_u64(tb[VSS_A_STORAGE_USED_BYTES]);
	ev->threshold = nla_get_u32(tb[VSS_A_STORAGE_THRESHOLD]);
	return 0;
}

static int decode_session(struct nlmsghdr *nlh, struct libvss_monitor_event *ev)
{
	struct nlattr *tb[VSS_A_SESSION_MAX + 1];
	const char *why;

	if (vss_genl_parse(nlh, VSS_CMD_SESSION_STATE_NTF, tb, VSS_A_SESSION_MAX,
			   vss_session_policy, &why) ||
	    !have(tb, A(VSS_A_SESSION_ID) | A(VSS_A_SESSION_OWNER) |
		      A(VSS_A_SESSION_TYPE) | A(VSS_A_SESSION_STATE) |
		      A(VSS_A_SESSION_OP)))
		return -EBADMSG;
	ev->session_id = nla_get_u32(tb[VSS_A_SESSION_ID]);
	ev->owner = nla_get_u32(tb[VSS_A_SESSION_OWNER]);
	ev->session_type = nla_get_u32(tb[VSS_A_SESSION_TYPE]);
	ev->session_state = nla_get_u32(tb[VSS_A_SESSION_STATE]);
	ev->session_op = nla_get_u32(tb[VSS_A_SESSION_OP]);
	ev->set_id = tb[VSS_A_SESSION_SET_ID] ?
		     nla_data(tb[VSS_A_SESSION_SET_ID]) : NULL;
	return 0;
}

static int decode_fs(struct nlmsghdr *nlh, uint8_t cmd,
		     struct libvss_monitor_event *ev)
{
	struct nlattr *tb[VSS_A_FS_MAX + 1];
	uint32_t need = A(VSS_A_FS_PATH) | A(VSS_A_FS_DEVICE) |
			A(VSS_A_FS_OWNER) | A(VSS_A_FS_TIMEOUT_MS) |
			A(VSS_A_FS_FLAGS);
	const char *why;

	if (cmd == VSS_CMD_FS_THAWED_NTF)
		need |= A(VSS_A_FS_FROZEN_NS) | A(VSS_A_FS_REASON);
	if (vss_genl_parse(nlh, cmd, tb, VSS_A_FS_MAX, fs_policy, &why) ||
	    !have(tb, need))
		return -EBADMSG;
	ev->path = nla_get_string(tb[VSS_A_FS_PATH]);
	ev->device = nla_get_string(tb[VSS_A_FS_DEVICE]);
	ev->owner = nla_get_u32(tb[VSS_A_FS_OWNER]);
	ev->timeout_ms = nla_get_u32(tb[VSS_A_FS_TIMEOUT_MS]);
	ev->flags = nla_get_u32(tb[VSS_A_FS_FLAGS]);
	ev->frozen_ns = tb[VSS_A_FS_FROZEN_NS] ?
			nla_get_u64(tb[VSS_A_FS_FROZEN_NS]) : 0;
	ev->thaw_reason = opt_u32(tb[VSS_A_FS_REASON]);
	return 0;
}

static int decode_tracker(struct nlmsghdr *nlh, struct libvss_monitor_event *ev)
{
	struct nlattr *tb[VSS_A_TRACKER_MAX + 1];
	const char *why;

	if (vss_genl_parse(nlh, VSS_CMD_TRACKER_NTF, tb, VSS_A_TRACKER_MAX,
			   vss_tracker_policy, &why) ||
	    !have(tb, A(VSS_A_TRACKER_ORIGIN) | A(VSS_A_TRACKER_GENERATION) |
		      A(VSS_A_TRACKER_OLD_GENERATION) | A(VSS_A_TRACKER_EPOCH) |
		      A(VSS_A_TRACKER_REASON)))
		return -EBADMSG;
	ev->origin = nla_get_string(tb[VSS_A_TRACKER_ORIGIN]);
	ev->generation = nla_data(tb[VSS_A_TRACKER_GENERATION]);
	ev->old_generation = nla_data(tb[VSS_A_TRACKER_OLD_GENERATION]);
	ev->epoch = nla_get_u64(tb[VSS_A_TRACKER_EPOCH]);
	ev->stale_reason = nla_get_u32(tb[VSS_A_TRACKER_REASON]);
	return 0;
}

void vss_monitor_ntf(struct libvss_ctx *ctx, struct nlmsghdr *nlh)
{
	const struct genlmsghdr *ghdr = nlmsg_data(nlh);
	struct libvss_monitor_event ev = { .type = ghdr->cmd };
	int ret;

	/* Stopped since it was stashed. */
	if (!ctx->monitor_cb)
		return;
	switch (ghdr->cmd) {
	case VSS_CMD_SNAPSHOT_CREATED_NTF:
	case VSS_CMD_SNAPSHOT_DELETED_NTF:
	case VSS_CMD_SNAPSHOT_INVALID_NTF:
		ret = decode_snapshot(nlh, ghdr->cmd, &ev);
		break;
	case VSS_CMD_STORAGE_THRESHOLD_NTF:
		ret = decode_threshold(nlh, &ev);
		break;
	case VSS_CMD_SESSION_STATE_NTF:
		ret = decode_session(nlh, &ev);
		break;
	case VSS_CMD_TRACKER_NTF:
		ret = decode_tracker(nlh, &ev);
		break;
	default:
		ret = decode_fs(nlh, ghdr->cmd, &ev);
		break;
	}
	if (ret) {
		ctx->losses.malformed++;
		return;
	}
	ctx->monitor_cb(ctx, &ev, ctx->monitor_data);
}

LIBVSS_EXPORT int libvss_monitor_start(struct libvss_ctx *ctx,
				       libvss_monitor_cb cb, void *data)
{
	int ret;

	vss_ctx_clear_error(ctx);
	if (!cb)
		return -EINVAL;
	if (ctx->monitor_cb)
		return -EALREADY;
	if (!ctx->mcgrp_monitor) {
		vss_ctx_set_error(ctx, "the module has no monitor group");
		return -EOPNOTSUPP;
	}
	ret = ctx->tp->ops->membership(ctx->tp, ctx->mcgrp_monitor, true);
	if (ret == -EPERM) {
		vss_ctx_set_error(ctx, "joining the monitor group needs CAP_SYS_ADMIN");
		return ret;
	}
	if (ret) {
		vss_ctx_set_error(ctx, "cannot join the monitor group");
		return ret;
	}
	ctx->monitor_cb = cb;
	ctx->monitor_data = data;
	return 0;
}

LIBVSS_EXPORT int libvss_monitor_stop(struct libvss_ctx *ctx)
{
	int ret;

	vss_ctx_clear_error(ctx);
	if (!ctx->monitor_cb)
		return -ENOENT;
	ret = ctx->tp->ops->membership(ctx->tp, ctx->mcgrp_monitor, false);
	if (ret)
		return ret;
	ctx->monitor_cb = NULL;
	ctx->monitor_data = NULL;
	return 0;
}

LIBVSS_EXPORT const char *libvss_monitor_event_name(uint32_t type)
{
	switch (type) {
	case VSS_CMD_SNAPSHOT_CREATED_NTF:
		return "snapshot-created";
	case VSS_CMD_SNAPSHOT_DELETED_NTF:
		return "snapshot-deleted";
	case VSS_CMD_SNAPSHOT_INVALID_NTF:
		return "snapshot-invalid";
	case VSS_CMD_STORAGE_THRESHOLD_NTF:
		return "storage-threshold";
	case VSS_CMD_SESSION_STATE_NTF:
		return "session-state";
	case VSS_CMD_FS_FROZEN_NTF:
		return "fs-frozen";
	case VSS_CMD_FS_THAWED_NTF:
		return "fs-thawed";
	case VSS_CMD_TRACKER_NTF:
		return "tracker-generation";
	}
	return NULL;
}

#define GETTER(rtype, field)						\
LIBVSS_EXPORT rtype							\
libvss_monitor_event_##field(const struct libvss_monitor_event *ev)	\
{									\
	return ev->field;						\
}

GETTER(uint32_t, type)
GETTER(const uint8_t *, snapshot_id)
GETTER(const uint8_t *, set_id)
GETTER(const char *, origin)
GETTER(const char *, device)
GETTER(uint32_t, invalid_reason)
GETTER(uint32_t, threshold)
GETTER(uint64_t, max_bytes)
GETTER(uint64_t, used_bytes)
GETTER(uint32_t, session_id)
GETTER(uint32_t, session_type)
GETTER(uint32_t, session_state)
GETTER(uint32_t, session_op)
GETTER(uint32_t, owner)
GETTER(const char *, path)
GETTER(uint32_t, timeout_ms)
GETTER(uint32_t, flags)
GETTER(uint64_t, frozen_ns)
GETTER(uint32_t, thaw_reason)
GETTER(const uint8_t *, generation)
GETTER(const uint8_t *, old_generation)
GETTER(uint64_t, epoch)
GETTER(uint32_t, stale_reason)
