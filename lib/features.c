// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * VSS_CMD_GET_FEATURES: versions and the feature mask of the running module.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"

struct libvss_features {
	uint32_t protocol_version;
	uint64_t mask;
	char module_version[];
};

static const struct {
	uint64_t bit;
	const char *name;
} feature_names[] = {
	{ VSS_FEATURE_FREEZE_HOLDER, "freeze-holder" },
	{ VSS_FEATURE_FILE_STORAGE, "file-storage" },
	{ VSS_FEATURE_SESSIONS, "sessions" },
	{ VSS_FEATURE_FS_FREEZE, "fs-freeze" },
	{ VSS_FEATURE_CHANGE_TRACKING, "change-tracking" },
	{ VSS_FEATURE_TRACKER_PERSIST, "tracker-persist" },
};

/*
 * PAD and REQUIRED are left NLA_UNSPEC: the kernel pads 64-bit attributes
 * only on architectures without efficient unaligned access, and REQUIRED
 * belongs to requests.
 */
static const struct nla_policy features_policy[VSS_A_FEATURES_MAX + 1] = {
	[VSS_A_FEATURES_MODULE_VERSION]		= { .type = NLA_STRING },
	[VSS_A_FEATURES_PROTOCOL_VERSION]	= { .type = NLA_U32, .maxlen = 4 },
	[VSS_A_FEATURES_FEATURES]		= { .type = NLA_U64, .maxlen = 8 },
};

struct nl_msg *vss_features_encode(const struct libvss_ctx *ctx, uint32_t seq,
				   uint64_t required)
{
	struct nl_msg *msg;

	msg = vss_genl_msg(ctx->family_id, VSS_CMD_GET_FEATURES,
			   VSS_FAMILY_VERSION, ctx->tp->portid, seq);
	/*
	 * Plain nla_put_u64(), never a VSS_A_FEATURES_PAD before it: the
	 * module validates requests strictly against a policy that has no pad
	 * attribute, and reads u64 payloads without assuming alignment. As the
	 * first attribute, the payload sits at offset 24 anyway, where the
	 * kernel's own nla_put_u64_64bit() would not pad either.
	 */
	if (msg && required &&
	    nla_put_u64(msg, VSS_A_FEATURES_REQUIRED, required) < 0) {
		nlmsg_free(msg);
		return NULL;
	}
	return msg;
}

int vss_features_decode(const struct libvss_ctx *ctx, struct nlmsghdr *nlh,
			void *arg, const char **why)
{
	struct nlattr *tb[VSS_A_FEATURES_MAX + 1];
	struct libvss_features **fp = arg, *f;
	const char *version;
	int ret;

	if (nlh->nlmsg_type != ctx->family_id) {
		*why = "GET_FEATURES reply from another family";
		return -EBADMSG;
	}
	if (*fp) {
		*why = "more than one GET_FEATURES reply";
		return -EBADMSG;
	}
	ret = vss_genl_parse(nlh, VSS_CMD_GET_FEATURES, tb, VSS_A_FEATURES_MAX,
			     features_policy, why);
	if (ret)
		return ret;
	if (!tb[VSS_A_FEATURES_MODULE_VERSION] ||
	    !tb[VSS_A_FEATURES_PROTOCOL_VERSION] ||
	    !tb[VSS_A_FEATURES_FEATURES]) {
		*why = "GET_FEATURES reply lacks module-version, protocol-version or features";
		return -EBADMSG;
	}

	version = nla_get_string(tb[VSS_A_FEATURES_MODULE_VERSION]);
	f = malloc(sizeof(*f) + strlen(version) + 1);
	if (!f)
		return -ENOMEM;
	strcpy(f->module_version, version);
	f->protocol_version = nla_get_u32(tb[VSS_A_FEATURES_PROTOCOL_VERSION]);
	f->mask = nla_get_u64(tb[VSS_A_FEATURES_FEATURES]);
	*fp = f;
	return 0;
}

LIBVSS_EXPORT int libvss_get_features(struct libvss_ctx *ctx, uint64_t required,
				      struct libvss_features **featp)
{
	struct libvss_features *f = NULL;
	struct nl_msg *req;
	int ret;

	*featp = NULL;
	vss_ctx_clear_error(ctx);
	req = vss_features_encode(ctx, vss_ctx_next_seq(ctx), required);
	if (!req)
		return -ENOMEM;
	ret = vss_transact(ctx, req, vss_features_decode, &f);
	nlmsg_free(req);
	ret = vss_need_reply(ctx, ret, f, "GET_FEATURES");
	if (ret) {
		libvss_features_free(f);
		return ret;
	}
	*featp = f;
	return 0;
}

LIBVSS_EXPORT void libvss_features_free(struct libvss_features *f)
{
	free(f);
}

LIBVSS_EXPORT const char *
libvss_features_module_version(const struct libvss_features *f)
{
	return f->module_version;
}

LIBVSS_EXPORT uint32_t
libvss_features_protocol_version(const struct libvss_features *f)
{
	return f->protocol_version;
}

LIBVSS_EXPORT uint64_t libvss_features_mask(const struct libvss_features *f)
{
	return f->mask;
}

LIBVSS_EXPORT const char *libvss_feature_name(uint64_t bit)
{
	size_t i;

	for (i = 0; i < sizeof(feature_names) / sizeof(feature_names[0]); i++)
		if (feature_names[i].bit == bit)
			return feature_names[i].name;
	return NULL;
}
