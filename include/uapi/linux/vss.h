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
 * @VSS_FEATURE_FILE_STORAGE: Diff storage in a file (VSS_STORAGE_FILE) and
 *   VSS_CMD_STORAGE_SET are supported.
 */
enum vss_feature {
	VSS_FEATURE_FREEZE_HOLDER = 1,
	VSS_FEATURE_FILE_STORAGE = 2,
};

/**
 * enum vss_storage_kind - Where an origin volume's diff storage keeps
 *   preserved chunks.
 * @VSS_STORAGE_NONE: Not a kind; 0 is reserved.
 * @VSS_STORAGE_MEMORY: Kernel memory, capped by max-bytes. For small volumes
 *   and tests.
 * @VSS_STORAGE_FILE: An unnamed file (O_TMPFILE) that the module creates in
 *   the directory VSS_A_STORAGE_PATH, written through the VFS and grown on
 *   demand up to max-bytes. The directory's filesystem must not be on a
 *   volume with diff storage. The file vanishes when the storage is removed
 *   or the machine stops.
 */
enum vss_storage_kind {
	VSS_STORAGE_NONE,
	VSS_STORAGE_MEMORY,
	VSS_STORAGE_FILE,
};

/**
 * enum vss_snapshot_state - State of a snapshot.
 * @VSS_SNAPSHOT_ACTIVE: Readable; holds the volume as it was at its creation.
 * @VSS_SNAPSHOT_INVALID: No longer a faithful copy (see enum
 *   vss_invalid_reason); reads of its device fail with EIO. Deleting it is
 *   all that is left to do.
 */
enum vss_snapshot_state {
	VSS_SNAPSHOT_ACTIVE,
	VSS_SNAPSHOT_INVALID,
};

/**
 * enum vss_invalid_reason - Why a snapshot became invalid.
 * @VSS_INVALID_NONE: The snapshot is valid.
 * @VSS_INVALID_OVERFLOW: The diff storage was full when a chunk had to be
 *   preserved.
 * @VSS_INVALID_STORAGE_ERROR: Reading or writing the diff storage failed,
 *   or memory for it could not be had.
 * @VSS_INVALID_ORIGIN_GONE: The origin device was removed (hot unplug).
 */
enum vss_invalid_reason {
	VSS_INVALID_NONE,
	VSS_INVALID_OVERFLOW,
	VSS_INVALID_STORAGE_ERROR,
	VSS_INVALID_ORIGIN_GONE,
};

/**
 * enum vss_consistency - What a snapshot set's point in time guarantees.
 * @VSS_CONSISTENCY_FROZEN: Every volume given as a mount point was frozen
 *   (freeze_super) across the switch: each filesystem is clean, as after a
 *   sync.
 * @VSS_CONSISTENCY_CRASH: At least one volume was taken without a freeze
 *   (given as a block device, or its freeze was undone by a user's FITHAW on
 *   a kernel without freeze-holder): the set is what a power cut at that
 *   instant would have left.
 */
enum vss_consistency {
	VSS_CONSISTENCY_FROZEN,
	VSS_CONSISTENCY_CRASH,
};

/**
 * enum vss_snapshot_flags - Attributes of the snapshots of a set, chosen at
 *   creation.
 * @VSS_SNAPSHOT_F_PERSISTENT: Lives until deleted. Without it a snapshot is
 *   auto-release: it is deleted when the netlink socket that created it
 *   closes, including when its process dies.
 */
enum vss_snapshot_flags {
	VSS_SNAPSHOT_F_PERSISTENT = 1,
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
 * enum vss_a_storage - Attributes of the diff storage of one origin volume.
 * @VSS_A_STORAGE_UNSPEC: Not used; attribute type 0 is reserved.
 * @VSS_A_STORAGE_PAD: Alignment padding for 64-bit attributes.
 * @VSS_A_STORAGE_ORIGIN: (string) Path of the origin block device (request;
 *   STORAGE_GET, STORAGE_SET and STORAGE_REMOVE also take the kernel name,
 *   which still names an origin whose device node is gone); the device's
 *   kernel name, e.g. "vda1" (reply).
 * @VSS_A_STORAGE_KIND: (u32) enum vss_storage_kind.
 * @VSS_A_STORAGE_MAX_BYTES: (u64) Most bytes of preserved chunks the storage
 *   may hold.
 * @VSS_A_STORAGE_USED_BYTES: (u64) Bytes of preserved chunks held now (reply
 *   only).
 * @VSS_A_STORAGE_CHUNK_BYTES: (u32) Copy-on-write unit of the origin: a
 *   power of two from 4096 to 1 MiB; optional on add (default 65536).
 * @VSS_A_STORAGE_PATH: (string) VSS_STORAGE_FILE: the directory in which the
 *   module creates the storage file (request of STORAGE_ADD, and reply).
 * @VSS_A_STORAGE_THRESHOLD: (u32, repeated) A use, in percent of max-bytes
 *   (1 to 100), past which VSS_CMD_STORAGE_THRESHOLD_NTF is sent; up to 4.
 *   Optional on STORAGE_ADD (default 80 and 95); on STORAGE_SET the given
 *   list replaces the old one.
 * @VSS_A_STORAGE_FILE_BYTES: (u64) VSS_STORAGE_FILE: size of the storage file
 *   now; it grows in steps as chunks are preserved, never past max-bytes
 *   (reply only).
 * @__VSS_A_STORAGE_MAX: Number of attribute types; not an attribute.
 * @VSS_A_STORAGE_MAX: Highest attribute type.
 */
enum vss_a_storage {
	VSS_A_STORAGE_UNSPEC,
	VSS_A_STORAGE_PAD,
	VSS_A_STORAGE_ORIGIN,
	VSS_A_STORAGE_KIND,
	VSS_A_STORAGE_MAX_BYTES,
	VSS_A_STORAGE_USED_BYTES,
	VSS_A_STORAGE_CHUNK_BYTES,
	VSS_A_STORAGE_PATH,
	VSS_A_STORAGE_THRESHOLD,
	VSS_A_STORAGE_FILE_BYTES,

	__VSS_A_STORAGE_MAX,
	VSS_A_STORAGE_MAX = (__VSS_A_STORAGE_MAX - 1)
};

/**
 * enum vss_a_snapshot - Attributes of snapshots and snapshot sets.
 * @VSS_A_SNAPSHOT_UNSPEC: Not used; attribute type 0 is reserved.
 * @VSS_A_SNAPSHOT_PAD: Alignment padding for 64-bit attributes.
 * @VSS_A_SNAPSHOT_ID: (binary, 16 bytes) 128-bit snapshot id (random,
 *   RFC 4122 version 4 layout).
 * @VSS_A_SNAPSHOT_SET_ID: (binary, 16 bytes) 128-bit id of the snapshot set
 *   the snapshot belongs to.
 * @VSS_A_SNAPSHOT_VOLUME: (string, repeated) Request of SNAPSHOT_CREATE, one
 *   per volume (1 to 64): a mount point, whose filesystem is frozen for the
 *   switch, or a block device path, taken without a freeze.
 * @VSS_A_SNAPSHOT_FLAGS: (u32) Mask of enum vss_snapshot_flags.
 * @VSS_A_SNAPSHOT_ORIGIN: (string) Kernel name of the origin device, e.g.
 *   "vda1" (reply only).
 * @VSS_A_SNAPSHOT_DEVICE: (string) Kernel name of the snapshot's read-only
 *   block device, "vss-snapN", N being the lowest number free when the snapshot
 *   was created; the node is /dev/vss-snapN (reply only).
 * @VSS_A_SNAPSHOT_CREATION_TIME: (u64) Creation instant, nanoseconds since
 *   the epoch (CLOCK_REALTIME).
 * @VSS_A_SNAPSHOT_STATE: (u32) enum vss_snapshot_state.
 * @VSS_A_SNAPSHOT_INVALID_REASON: (u32) enum vss_invalid_reason.
 * @VSS_A_SNAPSHOT_CONSISTENCY: (u32) enum vss_consistency of the set.
 * @VSS_A_SNAPSHOT_FREEZE_WINDOW_NS: (u64) Nanoseconds from the first
 *   filesystem freeze to the last thaw of the set's creation (0 when nothing
 *   was frozen).
 * @VSS_A_SNAPSHOT_ENTRY: (nest, repeated) One snapshot of the set (id,
 *   origin, device), in the reply of SNAPSHOT_CREATE.
 * @VSS_A_SNAPSHOT_ALL: (flag) SNAPSHOT_DELETE of every snapshot.
 * @VSS_A_SNAPSHOT_OLDEST_OF: (string) SNAPSHOT_DELETE of the oldest snapshot
 *   of this origin device path.
 * @VSS_A_SNAPSHOT_COUNT: (u32) Number of snapshots deleted (reply of
 *   SNAPSHOT_DELETE).
 * @VSS_A_SNAPSHOT_STORAGE_USED_BYTES: (u64) Bytes of diff storage holding
 *   chunks this snapshot preserved (reply only). Older snapshots also read
 *   them, so deleting this one frees them only if it is the oldest.
 * @__VSS_A_SNAPSHOT_MAX: Number of attribute types; not an attribute.
 * @VSS_A_SNAPSHOT_MAX: Highest attribute type.
 */
enum vss_a_snapshot {
	VSS_A_SNAPSHOT_UNSPEC,
	VSS_A_SNAPSHOT_PAD,
	VSS_A_SNAPSHOT_ID,
	VSS_A_SNAPSHOT_SET_ID,
	VSS_A_SNAPSHOT_VOLUME,
	VSS_A_SNAPSHOT_FLAGS,
	VSS_A_SNAPSHOT_ORIGIN,
	VSS_A_SNAPSHOT_DEVICE,
	VSS_A_SNAPSHOT_CREATION_TIME,
	VSS_A_SNAPSHOT_STATE,
	VSS_A_SNAPSHOT_INVALID_REASON,
	VSS_A_SNAPSHOT_CONSISTENCY,
	VSS_A_SNAPSHOT_FREEZE_WINDOW_NS,
	VSS_A_SNAPSHOT_ENTRY,
	VSS_A_SNAPSHOT_ALL,
	VSS_A_SNAPSHOT_OLDEST_OF,
	VSS_A_SNAPSHOT_COUNT,
	VSS_A_SNAPSHOT_STORAGE_USED_BYTES,

	__VSS_A_SNAPSHOT_MAX,
	VSS_A_SNAPSHOT_MAX = (__VSS_A_SNAPSHOT_MAX - 1)
};

/**
 * enum vss_cmd - Commands of the vss family (genlmsghdr.cmd).
 * @VSS_CMD_UNSPEC: Not used; command 0 is reserved.
 * @VSS_CMD_GET_FEATURES: Report module version, protocol version and the
 *   feature mask (attribute set enum vss_a_features). Open to unprivileged
 *   callers.
 * @VSS_CMD_STORAGE_ADD: Configure the diff storage of an origin volume
 *   (enum vss_a_storage). EEXIST if it already has one.
 * @VSS_CMD_STORAGE_GET: Report the diff storage of one origin (do) or of all
 *   (dump).
 * @VSS_CMD_STORAGE_REMOVE: Remove the diff storage of an origin; EBUSY while
 *   the origin has snapshots.
 * @VSS_CMD_SNAPSHOT_CREATE: Take one snapshot of each volume at a single
 *   instant (enum vss_a_snapshot): flush, freeze every filesystem, switch
 *   copy-on-write on for all, thaw. One set is created at a time
 *   system-wide (EBUSY otherwise); a hold longer than the module parameter
 *   hold_timeout_ms thaws everything and fails with ETIMEDOUT.
 * @VSS_CMD_SNAPSHOT_GET: Report one snapshot (do, by id) or all (dump).
 * @VSS_CMD_SNAPSHOT_DELETE: Delete snapshots: exactly one of id, set-id,
 *   oldest-of or all. ENOENT if nothing matched.
 *
 * @VSS_CMD_SNAPSHOT_CREATED_NTF: Notification on the monitor group: a
 *   snapshot was created (id, set-id, origin, device), one per snapshot of a
 *   set, after the set's devices exist.
 * @VSS_CMD_SNAPSHOT_DELETED_NTF: Notification on the monitor group: a
 *   snapshot was deleted (id, set-id, origin, device).
 * @VSS_CMD_SNAPSHOT_INVALID_NTF: Notification on the monitor group: a
 *   snapshot became invalid, its reads now fail with EIO (id, set-id, origin,
 *   device, invalid-reason).
 * @VSS_CMD_STORAGE_THRESHOLD_NTF: Notification on the monitor group: an
 *   origin's diff storage use rose past one of its thresholds (enum
 *   vss_a_storage: origin, max-bytes, used-bytes, and the threshold crossed).
 * @VSS_CMD_STORAGE_SET: Change the max-bytes and/or the thresholds of an
 *   origin's diff storage ("resize"). EBUSY if max-bytes would fall below
 *   the bytes in use.
 *
 * Every command but GET_FEATURES needs CAP_SYS_ADMIN (EPERM otherwise).
 *
 * @__VSS_CMD_MAX: Number of commands; not a command.
 * @VSS_CMD_MAX: Highest command.
 */
enum vss_cmd {
	VSS_CMD_UNSPEC,
	VSS_CMD_GET_FEATURES,
	VSS_CMD_STORAGE_ADD,
	VSS_CMD_STORAGE_GET,
	VSS_CMD_STORAGE_REMOVE,
	VSS_CMD_SNAPSHOT_CREATE,
	VSS_CMD_SNAPSHOT_GET,
	VSS_CMD_SNAPSHOT_DELETE,
	VSS_CMD_SNAPSHOT_CREATED_NTF,
	VSS_CMD_SNAPSHOT_DELETED_NTF,
	VSS_CMD_SNAPSHOT_INVALID_NTF,
	VSS_CMD_STORAGE_THRESHOLD_NTF,
	VSS_CMD_STORAGE_SET,

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
