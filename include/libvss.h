/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * libvss: userspace interface to the vss (volume shadow copy) kernel module.
 *
 * Conventions, as in liburing: every function that can fail returns 0 or a
 * negative errno value and never relies on errno. Handles are opaque. A
 * context is not thread-safe; use one per thread or serialise calls.
 *
 * Protocol constants (VSS_FEATURE_*, VSS_CMD_*, ...) come from the uapi
 * header <linux/vss.h>, which is included here.
 */
#ifndef LIBVSS_H
#define LIBVSS_H

#include <stdint.h>
#include <linux/vss.h>

#ifdef __cplusplus
extern "C" {
#endif

struct libvss_ctx;
struct libvss_features;

/**
 * libvss_version() - Version of the library.
 *
 * Return: "MAJOR.MINOR.PATCH" of the libvss that is running, which may differ
 * from the one the caller was built against. Never NULL.
 */
const char *libvss_version(void);

/**
 * libvss_open() - Connect to the vss kernel module.
 * @ctxp: Set to the new context on success, to NULL on failure.
 *
 * Opens a generic-netlink socket and resolves the "vss" family and its
 * multicast groups through the nlctrl family.
 *
 * When this fails there is no context to ask, so libvss_ext_error(NULL)
 * explains the calling thread's last failed libvss_open().
 *
 * Return: 0 on success; -ENOENT if the family is not registered, which means
 * the vss module is not loaded; another negative errno value on failure.
 */
int libvss_open(struct libvss_ctx **ctxp);

/**
 * libvss_close() - Close a context and free it.
 * @ctx: Context from libvss_open(), or NULL.
 */
void libvss_close(struct libvss_ctx *ctx);

/**
 * libvss_ext_error() - Explanation of the last failed call.
 * @ctx: Context the call was made on, or NULL for libvss_open().
 *
 * The text is the kernel's extended-ack message, completed with the attribute
 * it points at, or the library's own explanation where the kernel gave none
 * or the failure was found in userspace (a malformed reply, a module that is
 * not loaded). Each call on @ctx clears it first, and a successful call
 * leaves it cleared, so it never describes an older failure.
 *
 * Return: A string owned by @ctx (or by the calling thread if @ctx is NULL),
 * valid until the next call on it; NULL if there is no explanation.
 */
const char *libvss_ext_error(const struct libvss_ctx *ctx);

/**
 * libvss_get_features() - Ask the module for its versions and features.
 * @ctx: Context.
 * @required: Mask of VSS_FEATURE_* bits the caller cannot work without, or 0.
 * @featp: Set to a new feature report on success, to NULL on failure; free it
 *   with libvss_features_free().
 *
 * A module that speaks a newer protocol than this library is fine: the
 * library reads the attributes it knows and ignores the others, and the mask
 * may contain bits it has no name for (see libvss_feature_name()).
 *
 * Return: 0 on success; -EOPNOTSUPP if a @required bit is missing, with the
 * kernel's message in libvss_ext_error(); -EBADMSG if the reply is malformed;
 * another negative errno value on failure.
 */
int libvss_get_features(struct libvss_ctx *ctx, uint64_t required,
			struct libvss_features **featp);

/**
 * libvss_features_free() - Free a feature report.
 * @f: Report from libvss_get_features(), or NULL.
 */
void libvss_features_free(struct libvss_features *f);

/**
 * libvss_features_module_version() - Version of the loaded module.
 * @f: Feature report.
 *
 * Return: "MAJOR.MINOR.PATCH" as the module reported it, owned by @f.
 */
const char *libvss_features_module_version(const struct libvss_features *f);

/**
 * libvss_features_protocol_version() - Protocol version the module speaks.
 * @f: Feature report.
 *
 * Return: The module's VSS_FAMILY_VERSION; it may exceed the library's.
 */
uint32_t libvss_features_protocol_version(const struct libvss_features *f);

/**
 * libvss_features_mask() - Features the running module supports.
 * @f: Feature report.
 *
 * Return: Mask of VSS_FEATURE_* bits, including any this library does not
 * know.
 */
uint64_t libvss_features_mask(const struct libvss_features *f);

/**
 * libvss_feature_name() - Name of one feature bit.
 * @bit: A single VSS_FEATURE_* bit, e.g. VSS_FEATURE_FREEZE_HOLDER.
 *
 * The names are those of the YNL spec (Documentation/netlink/specs/vss.yaml).
 *
 * Return: The name, e.g. "freeze-holder"; NULL if @bit is unknown to this
 * library, zero, or has more than one bit set.
 */
const char *libvss_feature_name(uint64_t bit);

#ifdef __cplusplus
}
#endif

#endif /* LIBVSS_H */
