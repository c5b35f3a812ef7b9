// SPDX-License-Identifier: GPL-2.0
/*
 * A stand-in for libvss with canned answers, linked with vssctl's objects so
 * that the output of a loaded module and of each failure is tested on a host
 * where the module never is. It implements only the public API, so it also
 * proves vssctl uses nothing else. FAKE_LIBVSS picks the behaviour:
 * "loaded" (default), "absent", "eperm", "features-error"; FAKE_MASK the
 * feature mask (default 1).
 */
#include <errno.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include <libvss.h>

struct libvss_ctx {
	const char *ext_error;
};

struct libvss_features {
	uint64_t mask;
};

static const char *open_error;

static bool mode(const char *m)
{
	const char *env = getenv("FAKE_LIBVSS");

	return !strcmp(env ? env : "loaded", m);
}

const char *libvss_version(void)
{
	return "9.8.7";
}

int libvss_open(struct libvss_ctx **ctxp)
{
	*ctxp = NULL;
	if (mode("absent")) {
		open_error = "fake: family absent";
		return -ENOENT;
	}
	if (mode("eperm")) {
		open_error = "fake: no socket for you";
		return -EPERM;
	}
	*ctxp = calloc(1, sizeof(**ctxp));
	return *ctxp ? 0 : -ENOMEM;
}

void libvss_close(struct libvss_ctx *ctx)
{
	free(ctx);
}

const char *libvss_ext_error(const struct libvss_ctx *ctx)
{
	return ctx ? ctx->ext_error : open_error;
}

int libvss_get_features(struct libvss_ctx *ctx, uint64_t required,
			struct libvss_features **featp)
{
	const char *mask = getenv("FAKE_MASK");

	(void)required;
	*featp = NULL;
	if (mode("features-error")) {
		ctx->ext_error = "fake: the kernel said no";
		return -EOPNOTSUPP;
	}
	*featp = calloc(1, sizeof(**featp));
	if (!*featp)
		return -ENOMEM;
	(*featp)->mask = mask ? strtoull(mask, NULL, 0) : 1;
	return 0;
}

void libvss_features_free(struct libvss_features *f)
{
	free(f);
}

const char *libvss_features_module_version(const struct libvss_features *f)
{
	(void)f;
	return "0.1.0";
}

uint32_t libvss_features_protocol_version(const struct libvss_features *f)
{
	(void)f;
	return 1;
}

uint64_t libvss_features_mask(const struct libvss_features *f)
{
	return f->mask;
}

const char *libvss_feature_name(uint64_t bit)
{
	return bit == VSS_FEATURE_FREEZE_HOLDER ? "freeze-holder" : NULL;
}
