// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * Filesystem freezes with an owner and a deadline: FS_FREEZE, FS_THAW,
 * FS_GET (one freeze by path, or a dump of all). A freeze that is not
 * detached belongs to the context's socket: it ends when libvss_close()
 * closes it, so the caller keeps the context open for as long as the
 * filesystem is to stay frozen.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"

/* One allocation: the struct, then path and device. */
struct libvss_fs_info {
	uint32_t owner;
	uint32_t timeout_ms;
	uint32_t flags;
	uint32_t remaining_ms;
	uint64_t frozen_ns;
	const char *path;
	const char *device;
};

struct libvss_fs_list {
	struct vss_objlist objs;
};

static const char *const thaw_reason_names[] = {
	[VSS_THAW_REQUESTED]	= "requested",
	[VSS_THAW_DEADLINE]	= "deadline",
	[VSS_THAW_OWNER_GONE]	= "owner-gone",
	[VSS_THAW_LOST]		= "lost",
};

/* PAD is left NLA_UNSPEC, as in storage.c. */
static const struct nla_policy fs_policy[VSS_A_FS_MAX + 1] = {
	[VSS_A_FS_PATH]		= { .type = NLA_STRING },
	[VSS_A_FS_TIMEOUT_MS]	= { .type = NLA_U32, .maxlen = 4 },
	[VSS_A_FS_FLAGS]	= { .type = NLA_U32, .maxlen = 4 },
	[VSS_A_FS_OWNER]	= { .type = NLA_U32, .maxlen = 4 },
	[VSS_A_FS_DEVICE]	= { .type = NLA_STRING },
	[VSS_A_FS_FROZEN_NS]	= { .type = NLA_U64, .maxlen = 8 },
	[VSS_A_FS_REMAINING_MS]	= { .type = NLA_U32, .maxlen = 4 },
	[VSS_A_FS_REASON]	= { .type = NLA_U32, .maxlen = 4 },
};

static struct nl_msg *fs_msg(const struct libvss_ctx *ctx, uint32_t seq,
			     uint8_t cmd, int flags, size_t attrlen)
{
	return vss_genl_msg_ext(ctx->family_id, cmd, VSS_FAMILY_VERSION,
				ctx->tp->portid, seq, flags, attrlen);
}

/* A request whose one attribute is PATH. */
static struct nl_msg *path_msg(const struct libvss_ctx *ctx, uint32_t seq,
			       uint8_t cmd, const char *path)
{
	struct nl_msg *msg = fs_msg(ctx, seq, cmd, 0, vss_str_attr_size(path));

	if (msg && nla_put_string(msg, VSS_A_FS_PATH, path) < 0) {
		nlmsg_free(msg);
		return NULL;
	}
	return msg;
}

/*
 * PATH, then TIMEOUT_MS and FLAGS only when given: a plain freeze is the
 * path alone, and the module's default timeout stays the module's.
 */
struct nl_msg *vss_fs_freeze_encode(const struct libvss_ctx *ctx, uint32_t seq,
				    const char *path, uint32_t timeout_ms,
				    uint32_t flags)
{
	struct nl_msg *msg = fs_msg(ctx, seq, VSS_CMD_FS_FREEZE, 0,
				    vss_str_attr_size(path) +
				    2 * NLA_ALIGN(NLA_HDRLEN + 4));

	if (!msg)
		return NULL;
	if (nla_put_string(msg, VSS_A_FS_PATH, path) < 0 ||
	    (timeout_ms &&
	     nla_put_u32(msg, VSS_A_FS_TIMEOUT_MS, timeout_ms) < 0) ||
	    (flags && nla_put_u32(msg, VSS_A_FS_FLAGS, flags) < 0)) {
		nlmsg_free(msg);
		return NULL;
	}
	return msg;
}

struct nl_msg *vss_fs_thaw_encode(const struct libvss_ctx *ctx, uint32_t seq,
				  const char *path)
{
	return path_msg(ctx, seq, VSS_CMD_FS_THAW, path);
}

struct nl_msg *vss_fs_get_encode(const struct libvss_ctx *ctx, uint32_t seq,
				 const char *path)
{
	if (!path)
		return fs_msg(ctx, seq, VSS_CMD_FS_GET, NLM_F_DUMP, 0);
	return path_msg(ctx, seq, VSS_CMD_FS_GET, path);
}

/*
 * One FS_GET reply, of a do or a dump part, into a new report. Only
 * REMAINING_MS is optional: the module leaves it out of a freeze that has
 * ended, which a reply should never be, but reads as 0 if it is.
 */
static int fs_parse(const struct libvss_ctx *ctx, struct nlmsghdr *nlh,
		    struct libvss_fs_info **fip, const char **why)
{
	struct nlattr *tb[VSS_A_FS_MAX + 1];
	const char *path, *device;
	struct libvss_fs_info *fi;
	size_t lp, ld;
	char *strings;
	int ret;

	ret = vss_reply_parse(ctx, nlh, VSS_CMD_FS_GET, tb, VSS_A_FS_MAX,
			      fs_policy, why);
	if (ret)
		return ret;
	if (!tb[VSS_A_FS_PATH] || !tb[VSS_A_FS_DEVICE] || !tb[VSS_A_FS_OWNER] ||
	    !tb[VSS_A_FS_TIMEOUT_MS] || !tb[VSS_A_FS_FLAGS] ||
	    !tb[VSS_A_FS_FROZEN_NS]) {
		*why = "FS_GET reply lacks path, device, owner, timeout-ms, flags or frozen-ns";
		return -EBADMSG;
	}
	path = nla_get_string(tb[VSS_A_FS_PATH]);
	device = nla_get_string(tb[VSS_A_FS_DEVICE]);
	lp = strlen(path) + 1;
	ld = strlen(device) + 1;
	fi = malloc(sizeof(*fi) + lp + ld);
	if (!fi)
		return -ENOMEM;
	strings = (char *)(fi + 1);
	memcpy(strings, path, lp);
	memcpy(strings + lp, device, ld);
	fi->path = strings;
	fi->device = strings + lp;
	fi->owner = nla_get_u32(tb[VSS_A_FS_OWNER]);
	fi->timeout_ms = nla_get_u32(tb[VSS_A_FS_TIMEOUT_MS]);
	fi->flags = nla_get_u32(tb[VSS_A_FS_FLAGS]);
	fi->frozen_ns = nla_get_u64(tb[VSS_A_FS_FROZEN_NS]);
	fi->remaining_ms = tb[VSS_A_FS_REMAINING_MS] ?
			   nla_get_u32(tb[VSS_A_FS_REMAINING_MS]) : 0;
	*fip = fi;
	return 0;
}

int vss_fs_decode(const struct libvss_ctx *ctx, struct nlmsghdr *nlh,
		  void *arg, const char **why)
{
	struct libvss_fs_info **fip = arg;

	if (*fip) {
		*why = "more than one FS_GET reply";
		return -EBADMSG;
	}
	return fs_parse(ctx, nlh, fip, why);
}

int vss_fs_decode_part(const struct libvss_ctx *ctx, struct nlmsghdr *nlh,
		       void *arg, const char **why)
{
	struct libvss_fs_list *l = arg;
	struct libvss_fs_info *fi;
	int ret = fs_parse(ctx, nlh, &fi, why);

	return ret ? ret : vss_objlist_add(&l->objs, fi);
}

/* ---- entry points ---- */

LIBVSS_EXPORT int libvss_fs_freeze(struct libvss_ctx *ctx,
				   const char *mountpoint, uint32_t timeout_ms,
				   uint32_t flags)
{
	int ret;

	vss_ctx_clear_error(ctx);
	ret = vss_check_path(mountpoint);
	if (ret)
		return ret;
	return vss_request(ctx, vss_fs_freeze_encode(ctx, vss_ctx_next_seq(ctx),
						     mountpoint, timeout_ms,
						     flags),
			   NULL, NULL);
}

LIBVSS_EXPORT int libvss_fs_thaw(struct libvss_ctx *ctx, const char *mountpoint)
{
	int ret;

	vss_ctx_clear_error(ctx);
	ret = vss_check_path(mountpoint);
	if (ret)
		return ret;
	return vss_request(ctx, vss_fs_thaw_encode(ctx, vss_ctx_next_seq(ctx),
						   mountpoint),
			   NULL, NULL);
}

LIBVSS_EXPORT int libvss_fs_get(struct libvss_ctx *ctx, const char *mountpoint,
				struct libvss_fs_info **infop)
{
	struct libvss_fs_info *fi = NULL;
	int ret;

	*infop = NULL;
	vss_ctx_clear_error(ctx);
	ret = vss_check_path(mountpoint);
	if (ret)
		return ret;
	ret = vss_request(ctx, vss_fs_get_encode(ctx, vss_ctx_next_seq(ctx),
						 mountpoint),
			  vss_fs_decode, &fi);
	ret = vss_need_reply(ctx, ret, fi, "FS_GET");
	if (ret) {
		libvss_fs_info_free(fi);
		return ret;
	}
	*infop = fi;
	return 0;
}

LIBVSS_EXPORT void libvss_fs_info_free(struct libvss_fs_info *info)
{
	free(info);
}

LIBVSS_EXPORT int libvss_fs_list(struct libvss_ctx *ctx,
				 struct libvss_fs_list **listp)
{
	struct libvss_fs_list *l;
	int ret;

	*listp = NULL;
	vss_ctx_clear_error(ctx);
	l = calloc(1, sizeof(*l));
	if (!l)
		return -ENOMEM;
	ret = vss_request(ctx, vss_fs_get_encode(ctx, vss_ctx_next_seq(ctx), NULL),
			  vss_fs_decode_part, l);
	if (ret) {
		libvss_fs_list_free(l);
		return ret;
	}
	*listp = l;
	return 0;
}

LIBVSS_EXPORT void libvss_fs_list_free(struct libvss_fs_list *list)
{
	if (!list)
		return;
	vss_objlist_free(&list->objs);
	free(list);
}

LIBVSS_EXPORT unsigned int libvss_fs_list_count(const struct libvss_fs_list *list)
{
	return list->objs.n;
}

LIBVSS_EXPORT const struct libvss_fs_info *
libvss_fs_list_entry(const struct libvss_fs_list *list, unsigned int i)
{
	return vss_objlist_entry(&list->objs, i);
}

/* ---- getters ---- */

#define FS_GETTER(type, field)						\
LIBVSS_EXPORT type libvss_fs_info_##field(const struct libvss_fs_info *info) \
{									\
	return info->field;						\
}

FS_GETTER(const char *, path)
FS_GETTER(const char *, device)
FS_GETTER(uint32_t, owner)
FS_GETTER(uint32_t, timeout_ms)
FS_GETTER(uint32_t, flags)
FS_GETTER(uint64_t, frozen_ns)
FS_GETTER(uint32_t, remaining_ms)

LIBVSS_EXPORT const char *libvss_thaw_reason_name(uint32_t reason)
{
	if (reason < sizeof(thaw_reason_names) / sizeof(thaw_reason_names[0]))
		return thaw_reason_names[reason];
	return NULL;
}
