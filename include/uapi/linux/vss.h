/* SPDX-License-Identifier: ((GPL-2.0 WITH Linux-syscall-note) OR BSD-3-Clause) */
/*
 * vss: volume shadow copy for Linux - the generic-netlink wire protocol.
 *
 * This header is the one definition of the protocol: the module (kmod/) and
 * the library (lib/) both include it. Documentation/netlink/specs/vss.yaml
 * describes the same family in YNL form; `make check` regenerates a header
 * from the spec with the kernel's YNL generator and fails on any difference
 * in names or values, so change both together.
 *
 * Rules for evolving it: values are never renumbered or reused; new
 * attributes, commands and feature bits are appended; userspace probes the
 * feature mask (VSS_CMD_GET_FEATURES) instead of comparing versions.
 */
#ifndef _UAPI_LINUX_VSS_H
#define _UAPI_LINUX_VSS_H

/* Generic-netlink family name, resolved through the nlctrl family. */
#define VSS_FAMILY_NAME		"vss"
/* Protocol version; carried in genlmsghdr.version and in GET_FEATURES. */
#define VSS_FAMILY_VERSION	1

/**
 * enum vss_feature - Bits of the feature mask that GET_FEATURES reports, so
 *   that userspace probes what the running module can do instead of guessing
 *   from versions.
 * @VSS_FEATURE_FREEZE_HOLDER: Filesystem freezes taken by the module are
 *   kernel holds that a user's FITHAW cannot release (kernels 6.6 and later).
 *   Without this bit a user can thaw a filesystem during a snapshot window,
 *   and the module then reports the set as crash-consistent only.
 */
enum vss_feature {
	VSS_FEATURE_FREEZE_HOLDER = 1,
};

/**
 * enum vss_a_features - Attributes of VSS_CMD_GET_FEATURES.
 * @VSS_A_FEATURES_UNSPEC: Not used; attribute type 0 is reserved.
 * @VSS_A_FEATURES_PAD: Alignment padding for 64-bit attributes.
 * @VSS_A_FEATURES_MODULE_VERSION: (string) Version of the loaded module,
 *   "MAJOR.MINOR.PATCH".
 * @VSS_A_FEATURES_PROTOCOL_VERSION: (u32) Version of this protocol that the
 *   module speaks (VSS_FAMILY_VERSION of the module's build).
 * @VSS_A_FEATURES_FEATURES: (u64) Mask of enum vss_feature bits the running
 *   module supports.
 * @VSS_A_FEATURES_REQUIRED: (u64) Request only, optional. Mask of enum
 *   vss_feature bits the caller cannot work without; the request fails with
 *   EOPNOTSUPP, and an extack message naming the mask, if any is missing.
 * @__VSS_A_FEATURES_MAX: Number of attribute types; not an attribute.
 * @VSS_A_FEATURES_MAX: Highest attribute type.
 */
enum vss_a_features {
	VSS_A_FEATURES_UNSPEC,
	VSS_A_FEATURES_PAD,
	VSS_A_FEATURES_MODULE_VERSION,
	VSS_A_FEATURES_PROTOCOL_VERSION,
	VSS_A_FEATURES_FEATURES,
	VSS_A_FEATURES_REQUIRED,

	__VSS_A_FEATURES_MAX,
	VSS_A_FEATURES_MAX = (__VSS_A_FEATURES_MAX - 1)
};

/**
 * enum vss_cmd - Commands of the vss family (genlmsghdr.cmd).
 * @VSS_CMD_UNSPEC: Not used; command 0 is reserved.
 * @VSS_CMD_GET_FEATURES: Report module version, protocol version and the
 *   feature mask (attribute set enum vss_a_features). Open to unprivileged
 *   callers.
 * @__VSS_CMD_MAX: Number of commands; not a command.
 * @VSS_CMD_MAX: Highest command.
 */
enum vss_cmd {
	VSS_CMD_UNSPEC,
	VSS_CMD_GET_FEATURES,

	__VSS_CMD_MAX,
	VSS_CMD_MAX = (__VSS_CMD_MAX - 1)
};

/*
 * Multicast groups, resolved by name through nlctrl.
 * VSS_MCGRP_EVENTS: events for writers (backup progress, per snapshot set).
 * VSS_MCGRP_MONITOR: notifications for administrators (snapshots, storage
 *   thresholds, sessions). Joining needs CAP_SYS_ADMIN: it reveals other
 *   users' backups.
 */
#define VSS_MCGRP_EVENTS	"events"
#define VSS_MCGRP_MONITOR	"monitor"

#endif /* _UAPI_LINUX_VSS_H */
