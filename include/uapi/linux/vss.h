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

#include <linux/types.h>

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
 * @VSS_FEATURE_SESSIONS: The VSS coordination protocol: writers
 *   (VSS_CMD_WRITER_*), backup and restore sessions (VSS_CMD_SESSION_*) and
 *   their events. See Documentation/protocol.md.
 * @VSS_FEATURE_FS_FREEZE: Filesystem freezes with an owner and a deadline
 *   (VSS_CMD_FS_FREEZE, VSS_CMD_FS_THAW, VSS_CMD_FS_GET).
 * @VSS_FEATURE_CHANGE_TRACKING: Changed-block tracking: snapshot tokens
 *   (VSS_A_SNAPSHOT_TOKEN), VSS_CMD_CHANGES_GET, VSS_CMD_TRACKER_GET,
 *   VSS_CMD_TRACKER_RESET, VSS_CMD_TRACKER_NTF and
 *   VSS_A_STORAGE_TRACK_BLOCK_BYTES. See Documentation/cbt.md.
 * @VSS_FEATURE_TRACKER_PERSIST: A tracker can be saved and restored across
 *   a module reload or a reboot: VSS_CMD_TRACKER_EXPORT,
 *   VSS_CMD_TRACKER_IMPORT, VSS_A_TRACKER_SEAL.
 */
enum vss_feature {
	VSS_FEATURE_FREEZE_HOLDER = 1,
	VSS_FEATURE_FILE_STORAGE = 2,
	VSS_FEATURE_SESSIONS = 4,
	VSS_FEATURE_FS_FREEZE = 8,
	VSS_FEATURE_CHANGE_TRACKING = 16,
	VSS_FEATURE_TRACKER_PERSIST = 32,
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
 * @VSS_INVALID_ORIGIN_ERROR: Reading the origin's old data, to preserve it
 *   before a write, failed: the origin's own disk returned an error (the
 *   write that needed the copy gets that disk's answer).
 */
enum vss_invalid_reason {
	VSS_INVALID_NONE,
	VSS_INVALID_OVERFLOW,
	VSS_INVALID_STORAGE_ERROR,
	VSS_INVALID_ORIGIN_GONE,
	VSS_INVALID_ORIGIN_ERROR,
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

/*
 * The VSS coordination protocol (VSS_FEATURE_SESSIONS). Writers register
 * over netlink and answer events; a requester drives one backup or restore
 * session through its phases. Documentation/protocol.md describes the
 * objects, the state machine, the event order and the errno/status table.
 */

/* Longest writer name and instance name, in bytes with the NUL. */
#define VSS_WRITER_NAME_MAX	128
/* Longest writer failure message, in bytes with the NUL. */
#define VSS_MESSAGE_MAX	256
/*
 * Longest document (writer metadata, backup components, restore status),
 * in bytes with the NUL. The module treats documents as opaque strings.
 */
#define VSS_DOCUMENT_MAX	65000
/* Most writers registered at once, system-wide. */
#define VSS_WRITERS_MAX	256
/* Most sessions existing at once, system-wide. */
#define VSS_SESSIONS_MAX	64

/**
 * enum vss_status - VSS status of a refused request or of a finished
 *   session operation. A refused request carries it in the extack cookie
 *   (NLMSGERR_ATTR_COOKIE, a __u32) next to its errno; a completion carries
 *   it in VSS_A_SESSION_STATUS next to VSS_A_SESSION_ERROR. Each status goes
 *   with one errno (Documentation/protocol.md maps both to VSS HRESULTs).
 * @VSS_STATUS_SUCCESS: Done (errno 0).
 * @VSS_STATUS_BAD_STATE: The call is out of sequence for the session, the
 *   session is released, or the operation does not apply to the session's
 *   type (EBADFD; VSS_E_BAD_STATE).
 * @VSS_STATUS_SNAPSHOT_SET_IN_PROGRESS: Another snapshot set is being
 *   created (EBUSY), or a volume's diff storage is still being added
 *   (EAGAIN); retry (VSS_E_SNAPSHOT_SET_IN_PROGRESS).
 * @VSS_STATUS_OBJECT_NOT_FOUND: No such session, writer or snapshot
 *   (ENOENT; VSS_E_OBJECT_NOT_FOUND).
 * @VSS_STATUS_ACCESS_DENIED: The caller lacks CAP_SYS_ADMIN (EPERM) or does
 *   not own the session or writer (EACCES); E_ACCESSDENIED.
 * @VSS_STATUS_OUT_OF_RESOURCES: Out of memory, or too many writers or
 *   sessions (ENOMEM, ENOSPC; E_OUTOFMEMORY).
 * @VSS_STATUS_CANCELLED: The operation was cancelled by SESSION_ABORT or
 *   SESSION_RELEASE (ECANCELED; VSS_S_ASYNC_CANCELLED).
 * @VSS_STATUS_HOLD_WRITES_TIMEOUT: The engine's freeze window outlived its
 *   watchdog (ETIMEDOUT; VSS_E_HOLD_WRITES_TIMEOUT).
 * @VSS_STATUS_MAXIMUM_NUMBER_OF_VOLUMES_REACHED: More than 64 volumes
 *   (E2BIG; VSS_E_MAXIMUM_NUMBER_OF_VOLUMES_REACHED).
 * @VSS_STATUS_VOLUME_NOT_SUPPORTED: A volume is neither a block device nor
 *   a mount point of one (EINVAL; VSS_E_VOLUME_NOT_SUPPORTED).
 * @VSS_STATUS_PROVIDER_VETO: The snapshot engine failed for another reason
 *   (its errno; VSS_E_PROVIDER_VETO).
 * @VSS_STATUS_WRITER_INCONSISTENT_SNAPSHOT: With VSS_SESSION_F_STRICT, a
 *   selected writer failed with VSS_WRITER_FAILURE_INCONSISTENT_SNAPSHOT
 *   (EREMOTEIO; VSS_E_WRITERERROR_INCONSISTENTSNAPSHOT).
 * @VSS_STATUS_WRITER_OUT_OF_RESOURCES: Likewise, out of resources
 *   (EREMOTEIO; VSS_E_WRITERERROR_OUTOFRESOURCES).
 * @VSS_STATUS_WRITER_TIMEOUT: Likewise, timeout (EREMOTEIO;
 *   VSS_E_WRITERERROR_TIMEOUT).
 * @VSS_STATUS_WRITER_RETRYABLE: Likewise, retryable (EREMOTEIO;
 *   VSS_E_WRITERERROR_RETRYABLE).
 * @VSS_STATUS_WRITER_NON_RETRYABLE: Likewise, non-retryable (EREMOTEIO;
 *   VSS_E_WRITERERROR_NONRETRYABLE).
 * @VSS_STATUS_WRITER_NOT_RESPONDING: Likewise, not responding (EREMOTEIO;
 *   VSS_E_WRITER_NOT_RESPONDING).
 * @VSS_STATUS_WRITER_ALREADY_SUBSCRIBED: A writer with this class and
 *   instance id is registered already (EEXIST;
 *   VSS_E_WRITER_ALREADY_SUBSCRIBED).
 * @VSS_STATUS_UNEXPECTED: Anything else (its errno; VSS_E_UNEXPECTED).
 * @VSS_STATUS_INSUFFICIENT_STORAGE: A volume has no diff storage, or too
 *   little (ENOSPC; VSS_E_INSUFFICIENT_STORAGE). Before 0.5 this was
 *   VSS_STATUS_VOLUME_NOT_SUPPORTED.
 */
enum vss_status {
	VSS_STATUS_SUCCESS,
	VSS_STATUS_BAD_STATE,
	VSS_STATUS_SNAPSHOT_SET_IN_PROGRESS,
	VSS_STATUS_OBJECT_NOT_FOUND,
	VSS_STATUS_ACCESS_DENIED,
	VSS_STATUS_OUT_OF_RESOURCES,
	VSS_STATUS_CANCELLED,
	VSS_STATUS_HOLD_WRITES_TIMEOUT,
	VSS_STATUS_MAXIMUM_NUMBER_OF_VOLUMES_REACHED,
	VSS_STATUS_VOLUME_NOT_SUPPORTED,
	VSS_STATUS_PROVIDER_VETO,
	VSS_STATUS_WRITER_INCONSISTENT_SNAPSHOT,
	VSS_STATUS_WRITER_OUT_OF_RESOURCES,
	VSS_STATUS_WRITER_TIMEOUT,
	VSS_STATUS_WRITER_RETRYABLE,
	VSS_STATUS_WRITER_NON_RETRYABLE,
	VSS_STATUS_WRITER_NOT_RESPONDING,
	VSS_STATUS_WRITER_ALREADY_SUBSCRIBED,
	VSS_STATUS_UNEXPECTED,
	VSS_STATUS_INSUFFICIENT_STORAGE,
};

/**
 * enum vss_writer_level - Application level of a writer (Windows'
 *   VSS_APPLICATION_LEVEL): Freeze goes to front-end writers first, then
 *   back-end, then system; Thaw in the reverse order.
 * @VSS_WRITER_LEVEL_UNKNOWN: Not a level; refused at registration.
 * @VSS_WRITER_LEVEL_SYSTEM: Frozen last, thawed first.
 * @VSS_WRITER_LEVEL_BACK_END: Frozen after front-end writers.
 * @VSS_WRITER_LEVEL_FRONT_END: Frozen first, thawed last.
 */
enum vss_writer_level {
	VSS_WRITER_LEVEL_UNKNOWN,
	VSS_WRITER_LEVEL_SYSTEM,
	VSS_WRITER_LEVEL_BACK_END,
	VSS_WRITER_LEVEL_FRONT_END,
};

/**
 * enum vss_usage_type - What a writer's data is for (Windows'
 *   VSS_USAGE_TYPE); reported, not interpreted by the module.
 * @VSS_USAGE_UNDEFINED: Not said.
 * @VSS_USAGE_BOOTABLE_SYSTEM_STATE: Needed to boot the system.
 * @VSS_USAGE_SYSTEM_SERVICE: A system service's data.
 * @VSS_USAGE_USER_DATA: User data.
 * @VSS_USAGE_OTHER: Anything else.
 */
enum vss_usage_type {
	VSS_USAGE_UNDEFINED,
	VSS_USAGE_BOOTABLE_SYSTEM_STATE,
	VSS_USAGE_SYSTEM_SERVICE,
	VSS_USAGE_USER_DATA,
	VSS_USAGE_OTHER,
};

/**
 * enum vss_source_type - Kind of data a writer has (Windows'
 *   VSS_SOURCE_TYPE); reported, not interpreted by the module.
 * @VSS_SOURCE_UNDEFINED: Not said.
 * @VSS_SOURCE_TRANSACTED_DB: A database with transactions.
 * @VSS_SOURCE_NON_TRANSACTED_DB: A database without transactions.
 * @VSS_SOURCE_OTHER: Anything else (files).
 */
enum vss_source_type {
	VSS_SOURCE_UNDEFINED,
	VSS_SOURCE_TRANSACTED_DB,
	VSS_SOURCE_NON_TRANSACTED_DB,
	VSS_SOURCE_OTHER,
};

/**
 * enum vss_writer_state - State of a writer in a session, numbered as
 *   Windows' VSS_WRITER_STATE.
 * @VSS_WRITER_STATE_UNKNOWN: Not known (no event answered yet).
 * @VSS_WRITER_STATE_STABLE: Idle: ready for the next event.
 * @VSS_WRITER_STATE_WAITING_FOR_FREEZE: PrepareForSnapshot done.
 * @VSS_WRITER_STATE_WAITING_FOR_THAW: Frozen.
 * @VSS_WRITER_STATE_WAITING_FOR_POST_SNAPSHOT: Thawed.
 * @VSS_WRITER_STATE_WAITING_FOR_BACKUP_COMPLETE: PostSnapshot done.
 * @VSS_WRITER_STATE_FAILED_AT_IDENTIFY: Failed at Identify.
 * @VSS_WRITER_STATE_FAILED_AT_PREPARE_BACKUP: Failed at PrepareForBackup.
 * @VSS_WRITER_STATE_FAILED_AT_PREPARE_SNAPSHOT: Failed at
 *   PrepareForSnapshot.
 * @VSS_WRITER_STATE_FAILED_AT_FREEZE: Failed at Freeze, or held its freeze
 *   longer than its freeze timeout.
 * @VSS_WRITER_STATE_FAILED_AT_THAW: Failed at Thaw.
 * @VSS_WRITER_STATE_FAILED_AT_POST_SNAPSHOT: Failed at PostSnapshot.
 * @VSS_WRITER_STATE_FAILED_AT_BACKUP_COMPLETE: Failed at BackupComplete.
 * @VSS_WRITER_STATE_FAILED_AT_PRE_RESTORE: Failed at PreRestore.
 * @VSS_WRITER_STATE_FAILED_AT_POST_RESTORE: Failed at PostRestore.
 * @VSS_WRITER_STATE_FAILED_AT_BACKUPSHUTDOWN: Failed at BackupShutdown
 *   (kept for Windows' numbering; BackupShutdown takes no answer here).
 */
enum vss_writer_state {
	VSS_WRITER_STATE_UNKNOWN,
	VSS_WRITER_STATE_STABLE,
	VSS_WRITER_STATE_WAITING_FOR_FREEZE,
	VSS_WRITER_STATE_WAITING_FOR_THAW,
	VSS_WRITER_STATE_WAITING_FOR_POST_SNAPSHOT,
	VSS_WRITER_STATE_WAITING_FOR_BACKUP_COMPLETE,
	VSS_WRITER_STATE_FAILED_AT_IDENTIFY,
	VSS_WRITER_STATE_FAILED_AT_PREPARE_BACKUP,
	VSS_WRITER_STATE_FAILED_AT_PREPARE_SNAPSHOT,
	VSS_WRITER_STATE_FAILED_AT_FREEZE,
	VSS_WRITER_STATE_FAILED_AT_THAW,
	VSS_WRITER_STATE_FAILED_AT_POST_SNAPSHOT,
	VSS_WRITER_STATE_FAILED_AT_BACKUP_COMPLETE,
	VSS_WRITER_STATE_FAILED_AT_PRE_RESTORE,
	VSS_WRITER_STATE_FAILED_AT_POST_RESTORE,
	VSS_WRITER_STATE_FAILED_AT_BACKUPSHUTDOWN,
};

/**
 * enum vss_writer_failure - Why a writer failed (Windows'
 *   VSS_E_WRITERERROR_* and VSS_E_WRITER_NOT_RESPONDING).
 * @VSS_WRITER_FAILURE_NONE: Not failed.
 * @VSS_WRITER_FAILURE_INCONSISTENT_SNAPSHOT: Its data in the snapshot
 *   would not be consistent.
 * @VSS_WRITER_FAILURE_OUT_OF_RESOURCES: It ran out of memory or other
 *   resources.
 * @VSS_WRITER_FAILURE_TIMEOUT: Freeze to Thaw took longer than its freeze
 *   timeout (set by the module), or the writer reports a timeout of its own.
 * @VSS_WRITER_FAILURE_RETRYABLE: A transient error; a retry may succeed.
 * @VSS_WRITER_FAILURE_NON_RETRYABLE: A permanent error.
 * @VSS_WRITER_FAILURE_NOT_RESPONDING: It did not answer an event within
 *   the module parameter event_timeout_ms, its socket closed, or an event
 *   could not be delivered (set by the module only).
 */
enum vss_writer_failure {
	VSS_WRITER_FAILURE_NONE,
	VSS_WRITER_FAILURE_INCONSISTENT_SNAPSHOT,
	VSS_WRITER_FAILURE_OUT_OF_RESOURCES,
	VSS_WRITER_FAILURE_TIMEOUT,
	VSS_WRITER_FAILURE_RETRYABLE,
	VSS_WRITER_FAILURE_NON_RETRYABLE,
	VSS_WRITER_FAILURE_NOT_RESPONDING,
};

/**
 * enum vss_event - Events a writer receives (VSS_CMD_WRITER_EVENT_NTF).
 *   Every event but Abort and BackupShutdown waits for the writer's
 *   VSS_CMD_WRITER_EVENT_DONE.
 * @VSS_EVENT_NONE: Not an event.
 * @VSS_EVENT_IDENTIFY: Describe yourself: answer with the writer metadata
 *   document.
 * @VSS_EVENT_PREPARE_BACKUP: A backup starts (backup type and the backup
 *   components document).
 * @VSS_EVENT_PREPARE_SNAPSHOT: A snapshot set of these volumes will be
 *   taken (first event with the set id).
 * @VSS_EVENT_FREEZE: Stop writing; answer when your data is consistent.
 * @VSS_EVENT_THAW: Writes may go on.
 * @VSS_EVENT_POST_SNAPSHOT: The set exists (last event with the set id
 *   before BackupShutdown).
 * @VSS_EVENT_ABORT: The backup was aborted or failed between
 *   PrepareForBackup and PostSnapshot; undo what you prepared. No answer.
 * @VSS_EVENT_BACKUP_COMPLETE: The requester copied the data (components'
 *   succeeded flags in the backup components document).
 * @VSS_EVENT_BACKUP_SHUTDOWN: The session was released (or its requester
 *   died): forget it. Carries the set id (zero if none was started). No
 *   answer.
 * @VSS_EVENT_PRE_RESTORE: Files are about to be restored.
 * @VSS_EVENT_POST_RESTORE: Files were restored.
 */
enum vss_event {
	VSS_EVENT_NONE,
	VSS_EVENT_IDENTIFY,
	VSS_EVENT_PREPARE_BACKUP,
	VSS_EVENT_PREPARE_SNAPSHOT,
	VSS_EVENT_FREEZE,
	VSS_EVENT_THAW,
	VSS_EVENT_POST_SNAPSHOT,
	VSS_EVENT_ABORT,
	VSS_EVENT_BACKUP_COMPLETE,
	VSS_EVENT_BACKUP_SHUTDOWN,
	VSS_EVENT_PRE_RESTORE,
	VSS_EVENT_POST_RESTORE,
};

/**
 * enum vss_session_type - What a session is for.
 * @VSS_SESSION_BACKUP: A backup (IVssBackupComponents::SetBackupState).
 * @VSS_SESSION_RESTORE: A restore (InitializeForRestore).
 */
enum vss_session_type {
	VSS_SESSION_BACKUP,
	VSS_SESSION_RESTORE,
};

/**
 * enum vss_session_state - Phase of a session: what its last finished
 *   operation left (VSS_A_SESSION_OP says which operation runs now).
 * @VSS_SESSION_STATE_CREATED: Just created.
 * @VSS_SESSION_STATE_METADATA_GATHERED: Identify done.
 * @VSS_SESSION_STATE_PREPARED: PrepareForBackup done.
 * @VSS_SESSION_STATE_SNAPSHOT_DONE: DoSnapshotSet succeeded.
 * @VSS_SESSION_STATE_BACKUP_COMPLETE: BackupComplete done.
 * @VSS_SESSION_STATE_PRE_RESTORED: PreRestore done.
 * @VSS_SESSION_STATE_POST_RESTORED: PostRestore done.
 * @VSS_SESSION_STATE_ABORTED: Aborted (SESSION_ABORT, or an operation was
 *   cancelled).
 * @VSS_SESSION_STATE_FAILED: An operation failed; only abort, delete
 *   snapshots and release remain.
 * @VSS_SESSION_STATE_RELEASED: Released (seen in SESSION_STATE_NTF only).
 */
enum vss_session_state {
	VSS_SESSION_STATE_CREATED,
	VSS_SESSION_STATE_METADATA_GATHERED,
	VSS_SESSION_STATE_PREPARED,
	VSS_SESSION_STATE_SNAPSHOT_DONE,
	VSS_SESSION_STATE_BACKUP_COMPLETE,
	VSS_SESSION_STATE_PRE_RESTORED,
	VSS_SESSION_STATE_POST_RESTORED,
	VSS_SESSION_STATE_ABORTED,
	VSS_SESSION_STATE_FAILED,
	VSS_SESSION_STATE_RELEASED,
};

/**
 * enum vss_session_op - The asynchronous operations of a session. Each is
 *   accepted at once (the ack) and reports its end with
 *   VSS_CMD_SESSION_COMPLETE_NTF to the requester's socket.
 * @VSS_SESSION_OP_NONE: No operation.
 * @VSS_SESSION_OP_GATHER_METADATA: Identify (GatherWriterMetadata).
 * @VSS_SESSION_OP_PREPARE_BACKUP: PrepareForBackup.
 * @VSS_SESSION_OP_DO_SNAPSHOT_SET: PrepareForSnapshot, Freeze, the
 *   snapshot set, Thaw, PostSnapshot (DoSnapshotSet).
 * @VSS_SESSION_OP_BACKUP_COMPLETE: BackupComplete.
 * @VSS_SESSION_OP_PRE_RESTORE: PreRestore.
 * @VSS_SESSION_OP_POST_RESTORE: PostRestore.
 */
enum vss_session_op {
	VSS_SESSION_OP_NONE,
	VSS_SESSION_OP_GATHER_METADATA,
	VSS_SESSION_OP_PREPARE_BACKUP,
	VSS_SESSION_OP_DO_SNAPSHOT_SET,
	VSS_SESSION_OP_BACKUP_COMPLETE,
	VSS_SESSION_OP_PRE_RESTORE,
	VSS_SESSION_OP_POST_RESTORE,
};

/**
 * enum vss_backup_type - Kind of backup (Windows' VSS_BACKUP_TYPE); passed
 *   on to writers, not interpreted by the module.
 * @VSS_BACKUP_TYPE_UNDEFINED: Not said.
 * @VSS_BACKUP_TYPE_FULL: Full backup.
 * @VSS_BACKUP_TYPE_INCREMENTAL: Changes since the last full or incremental.
 * @VSS_BACKUP_TYPE_DIFFERENTIAL: Changes since the last full.
 * @VSS_BACKUP_TYPE_LOG: Transaction logs only.
 * @VSS_BACKUP_TYPE_COPY: Full, without touching backup history.
 * @VSS_BACKUP_TYPE_OTHER: Anything else.
 */
enum vss_backup_type {
	VSS_BACKUP_TYPE_UNDEFINED,
	VSS_BACKUP_TYPE_FULL,
	VSS_BACKUP_TYPE_INCREMENTAL,
	VSS_BACKUP_TYPE_DIFFERENTIAL,
	VSS_BACKUP_TYPE_LOG,
	VSS_BACKUP_TYPE_COPY,
	VSS_BACKUP_TYPE_OTHER,
};

/**
 * enum vss_session_flags - Options of SESSION_DO_SNAPSHOT_SET.
 * @VSS_SESSION_F_PERSISTENT: The set's snapshots outlive the session.
 *   Without it they are auto-release: deleted when the session is released
 *   or its requester's socket closes.
 * @VSS_SESSION_F_STRICT: Fail the set (EREMOTEIO) if any selected writer
 *   failed before PostSnapshot.
 * @VSS_SESSION_F_WAIT: If another set is being created, wait for it
 *   instead of failing with EBUSY (SESSION_ABORT cancels the wait).
 */
enum vss_session_flags {
	VSS_SESSION_F_PERSISTENT = 1,
	VSS_SESSION_F_STRICT = 2,
	VSS_SESSION_F_WAIT = 4,
};

/**
 * enum vss_fs_flags - Options of FS_FREEZE.
 * @VSS_FS_F_DETACHED: The freeze outlives the calling socket: it ends with
 *   FS_THAW or its deadline only. Without it, closing the socket (or the
 *   death of its process) thaws the filesystem at once.
 */
enum vss_fs_flags {
	VSS_FS_F_DETACHED = 1,
};

/**
 * enum vss_thaw_reason - Why a freeze taken by FS_FREEZE ended.
 * @VSS_THAW_REQUESTED: FS_THAW.
 * @VSS_THAW_DEADLINE: Its timeout passed.
 * @VSS_THAW_OWNER_GONE: The socket that took it (not detached) closed.
 * @VSS_THAW_LOST: Someone else thawed the filesystem first (kernels before
 *   6.6, whose freezes have no holder: a user's FITHAW). Nothing was left
 *   to thaw.
 */
enum vss_thaw_reason {
	VSS_THAW_REQUESTED = 1,
	VSS_THAW_DEADLINE,
	VSS_THAW_OWNER_GONE,
	VSS_THAW_LOST,
};

/* FS_FREEZE: the timeout when none is given, and the longest allowed. */
#define VSS_FS_TIMEOUT_DEFAULT_MS	60000
#define VSS_FS_TIMEOUT_MAX_MS		86400000

/*
 * Changed-block tracking (VSS_FEATURE_CHANGE_TRACKING, Documentation/cbt.md).
 * Tracking block size: a power of two from VSS_TRACK_BLOCK_MIN to
 * VSS_TRACK_BLOCK_MAX bytes (STORAGE_ADD, default VSS_TRACK_BLOCK_DEFAULT),
 * raised by the module until the origin has at most VSS_TRACK_BLOCKS_MAX
 * blocks.
 */
#define VSS_TRACK_BLOCK_MIN		4096
#define VSS_TRACK_BLOCK_MAX		67108864
#define VSS_TRACK_BLOCK_DEFAULT		65536
#define VSS_TRACK_BLOCKS_MAX		16777216

/*
 * A tracker's map crosses netlink (TRACKER_EXPORT, TRACKER_IMPORT) in
 * chunks of VSS_TRACK_CHUNK_MARKS blocks: chunk i holds the 16-bit epoch
 * marks (host byte order, 0 = never written) of blocks [i * 2048,
 * (i + 1) * 2048), whatever the kernel's page size.
 */
#define VSS_TRACK_CHUNK_MARKS		2048

/**
 * enum vss_stale_reason - Why CHANGES_GET cannot answer for a token, and
 *   why a tracker's generation changed (TRACKER_GET, TRACKER_NTF). The
 *   extack message of a refused CHANGES_GET begins with "stale: NAME:",
 *   NAME being the spec's name of the reason; the cookie is a struct
 *   vss_changes_cookie where the netlink core carries one.
 * @VSS_STALE_NONE: Not stale.
 * @VSS_STALE_GENERATION: The token's generation is unknown to the origin's
 *   tracker: the module was reloaded or the storage removed and added
 *   since, or the generation is older than those the tracker remembers.
 *   As the reason of a generation (TRACKER_GET): the tracker's first.
 * @VSS_STALE_RESET: TRACKER_RESET started a new generation since.
 * @VSS_STALE_WRAPPED: The epoch counter reached its end; the map was
 *   emptied and a new generation began.
 * @VSS_STALE_RESIZED: The origin's capacity changed (seen when a snapshot
 *   was taken).
 * @VSS_STALE_LOST: A write could not be recorded (no memory for the map);
 *   a new generation began rather than miss it.
 * @VSS_STALE_IDENTITY: The token is of another origin, or its capacity,
 *   logical block size, block size or origin UUID differ from the
 *   snapshot's.
 * @VSS_STALE_NOT_OLDER: The token's snapshot is newer than the snapshot
 *   asked about (EINVAL rather than ESTALE).
 */
enum vss_stale_reason {
	VSS_STALE_NONE,
	VSS_STALE_GENERATION,
	VSS_STALE_RESET,
	VSS_STALE_WRAPPED,
	VSS_STALE_RESIZED,
	VSS_STALE_LOST,
	VSS_STALE_IDENTITY,
	VSS_STALE_NOT_OLDER,
};

/**
 * enum vss_cookie_kind - What an 8-byte extack cookie (struct
 *   vss_changes_cookie) holds. A 4-byte cookie is an enum vss_status.
 * @VSS_COOKIE_NONE: Not a kind.
 * @VSS_COOKIE_STALE_REASON: @value is an enum vss_stale_reason.
 */
enum vss_cookie_kind {
	VSS_COOKIE_NONE,
	VSS_COOKIE_STALE_REASON,
};

/**
 * enum vss_import_step - Which message of a TRACKER_IMPORT this is. A map
 *   too large for one message is sent in several; the module stages it
 *   and installs it at COMMIT only.
 * @VSS_IMPORT_BEGIN: Drop any staged import of the origin and start one
 *   with this state (and these chunks).
 * @VSS_IMPORT_ADD: More chunks of the import begun from this socket with
 *   the same state.
 * @VSS_IMPORT_COMMIT: The last chunks, then install the staged map, the
 *   generation and the epoch in place of the origin's tracker.
 */
enum vss_import_step {
	VSS_IMPORT_BEGIN,
	VSS_IMPORT_ADD,
	VSS_IMPORT_COMMIT,
};

/**
 * struct vss_changes_cookie - Extack cookie (NLMSGERR_ATTR_COOKIE) of a
 *   refused CHANGES_GET. Carried with the ack of a do on every kernel, and
 *   with NLMSG_DONE of a dump where the netlink core does (6.12, not 6.1):
 *   the message prefix says the same everywhere.
 * @kind: enum vss_cookie_kind.
 * @value: For VSS_COOKIE_STALE_REASON, an enum vss_stale_reason.
 */
struct vss_changes_cookie {
	__u32 kind;
	__u32 value;
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
 * @VSS_A_STORAGE_TRACK_BLOCK_BYTES: (u32) Changed-block tracking unit: a
 *   power of two from VSS_TRACK_BLOCK_MIN to VSS_TRACK_BLOCK_MAX, optional
 *   on add (default VSS_TRACK_BLOCK_DEFAULT). The reply gives the size in
 *   force, raised to the origin's logical block size and until the origin
 *   has at most VSS_TRACK_BLOCKS_MAX blocks.
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
	VSS_A_STORAGE_TRACK_BLOCK_BYTES,

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
 * @VSS_A_SNAPSHOT_TOKEN: (nest, enum vss_a_token) The snapshot's
 *   changed-block tracking token (SNAPSHOT_GET, and the entries of the
 *   SNAPSHOT_CREATE reply): what CHANGES_GET takes as since.
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
	VSS_A_SNAPSHOT_TOKEN,

	__VSS_A_SNAPSHOT_MAX,
	VSS_A_SNAPSHOT_MAX = (__VSS_A_SNAPSHOT_MAX - 1)
};

/**
 * enum vss_a_token - A snapshot's changed-block tracking token: opaque to
 *   a backup tool, which stores it with its backup and passes it back as
 *   VSS_A_CHANGES_SINCE. Every attribute is required in a request.
 * @VSS_A_TOKEN_UNSPEC: Not used; attribute type 0 is reserved.
 * @VSS_A_TOKEN_PAD: Alignment padding for 64-bit attributes.
 * @VSS_A_TOKEN_GENERATION: (binary, 16 bytes) The tracker's generation:
 *   random, drawn when the tracker was created and at each generation
 *   change.
 * @VSS_A_TOKEN_EPOCH: (u64) The snapshot's epoch e(S): writes before its
 *   instant carry e(S) or less, writes after it more.
 * @VSS_A_TOKEN_CAPACITY: (u64) The origin's capacity in bytes (as tracked,
 *   and as the snapshot's device has it).
 * @VSS_A_TOKEN_LOGICAL_BLOCK: (u32) The origin's logical block size.
 * @VSS_A_TOKEN_BLOCK_BYTES: (u32) The tracking block size B.
 * @VSS_A_TOKEN_ORIGIN_UUID: (binary, 16 bytes) The origin's identity: its
 *   GPT partition UUID if it is a partition with one, else all zero.
 * @__VSS_A_TOKEN_MAX: Number of attribute types; not an attribute.
 * @VSS_A_TOKEN_MAX: Highest attribute type.
 */
enum vss_a_token {
	VSS_A_TOKEN_UNSPEC,
	VSS_A_TOKEN_PAD,
	VSS_A_TOKEN_GENERATION,
	VSS_A_TOKEN_EPOCH,
	VSS_A_TOKEN_CAPACITY,
	VSS_A_TOKEN_LOGICAL_BLOCK,
	VSS_A_TOKEN_BLOCK_BYTES,
	VSS_A_TOKEN_ORIGIN_UUID,

	__VSS_A_TOKEN_MAX,
	VSS_A_TOKEN_MAX = (__VSS_A_TOKEN_MAX - 1)
};

/**
 * enum vss_a_changes - Attributes of CHANGES_GET.
 * @VSS_A_CHANGES_UNSPEC: Not used; attribute type 0 is reserved.
 * @VSS_A_CHANGES_PAD: Alignment padding for 64-bit attributes.
 * @VSS_A_CHANGES_SNAPSHOT_ID: (binary, 16 bytes) Request, required: the
 *   later snapshot S1 (it must exist).
 * @VSS_A_CHANGES_SINCE: (nest, enum vss_a_token) Request, required: the
 *   token of the earlier snapshot S0 (which need not exist any more).
 * @VSS_A_CHANGES_START: (u64) Request, optional: report extents from this
 *   byte offset on (rounded down to the block size); to resume a dump.
 * @VSS_A_CHANGES_EXTENT: (nest, enum vss_a_extent, repeated) Dump reply:
 *   the changed extents, sorted, coalesced, block-aligned (the last one
 *   clipped to the capacity).
 * @VSS_A_CHANGES_CHANGED_BYTES: (u64) Do reply: the bytes the extents
 *   cover, from START on.
 * @VSS_A_CHANGES_EXTENT_COUNT: (u64) Do reply: the number of extents,
 *   from START on.
 * @__VSS_A_CHANGES_MAX: Number of attribute types; not an attribute.
 * @VSS_A_CHANGES_MAX: Highest attribute type.
 */
enum vss_a_changes {
	VSS_A_CHANGES_UNSPEC,
	VSS_A_CHANGES_PAD,
	VSS_A_CHANGES_SNAPSHOT_ID,
	VSS_A_CHANGES_SINCE,
	VSS_A_CHANGES_START,
	VSS_A_CHANGES_EXTENT,
	VSS_A_CHANGES_CHANGED_BYTES,
	VSS_A_CHANGES_EXTENT_COUNT,

	__VSS_A_CHANGES_MAX,
	VSS_A_CHANGES_MAX = (__VSS_A_CHANGES_MAX - 1)
};

/**
 * enum vss_a_extent - One changed extent (nested in VSS_A_CHANGES_EXTENT).
 * @VSS_A_EXTENT_UNSPEC: Not used; attribute type 0 is reserved.
 * @VSS_A_EXTENT_PAD: Alignment padding for 64-bit attributes.
 * @VSS_A_EXTENT_OFFSET: (u64) First byte, from the start of the origin.
 * @VSS_A_EXTENT_LENGTH: (u64) Length in bytes.
 * @__VSS_A_EXTENT_MAX: Number of attribute types; not an attribute.
 * @VSS_A_EXTENT_MAX: Highest attribute type.
 */
enum vss_a_extent {
	VSS_A_EXTENT_UNSPEC,
	VSS_A_EXTENT_PAD,
	VSS_A_EXTENT_OFFSET,
	VSS_A_EXTENT_LENGTH,

	__VSS_A_EXTENT_MAX,
	VSS_A_EXTENT_MAX = (__VSS_A_EXTENT_MAX - 1)
};

/**
 * enum vss_a_tracker - Attributes of an origin's change tracker
 *   (TRACKER_GET, TRACKER_RESET, TRACKER_NTF).
 * @VSS_A_TRACKER_UNSPEC: Not used; attribute type 0 is reserved.
 * @VSS_A_TRACKER_PAD: Alignment padding for 64-bit attributes.
 * @VSS_A_TRACKER_ORIGIN: (string) Request: the origin's device path or
 *   kernel name, as for STORAGE_GET. Reply: its kernel name.
 * @VSS_A_TRACKER_GENERATION: (binary, 16 bytes) The generation in force
 *   (TRACKER_NTF: the new one).
 * @VSS_A_TRACKER_EPOCH: (u64) The epoch in force: the next snapshot's.
 * @VSS_A_TRACKER_BLOCK_BYTES: (u32) The tracking block size.
 * @VSS_A_TRACKER_CAPACITY: (u64) The tracked capacity in bytes.
 * @VSS_A_TRACKER_BLOCKS_MARKED: (u64) Blocks written at least once in the
 *   generation.
 * @VSS_A_TRACKER_MAP_BYTES: (u64) Kernel memory the map and the
 *   snapshots' copies of its pages take.
 * @VSS_A_TRACKER_REASON: (u32) enum vss_stale_reason: why the generation
 *   in force began.
 * @VSS_A_TRACKER_OLD_GENERATION: (binary, 16 bytes) TRACKER_NTF: the
 *   generation that ended.
 * @VSS_A_TRACKER_STATE: (nest, enum vss_a_token) TRACKER_EXPORT's first
 *   reply and every TRACKER_IMPORT: the tracker's generation, the epoch in
 *   force, the capacity, logical block size, block size and origin UUID.
 * @VSS_A_TRACKER_CHUNK: (nest, enum vss_a_chunk, repeated) A chunk of the
 *   map with at least one mark (TRACKER_EXPORT replies, TRACKER_IMPORT).
 * @VSS_A_TRACKER_SEAL: (u32) TRACKER_EXPORT: the seal the export set;
 *   TRACKER_GET: the seal in force, absent when none: a write or a
 *   snapshot of the origin, or a new generation, breaks it. An export is
 *   whole only if TRACKER_GET still reports its seal once it is saved.
 * @VSS_A_TRACKER_IMPORT_STEP: (u32) TRACKER_IMPORT: enum vss_import_step.
 * @__VSS_A_TRACKER_MAX: Number of attribute types; not an attribute.
 * @VSS_A_TRACKER_MAX: Highest attribute type.
 */
enum vss_a_tracker {
	VSS_A_TRACKER_UNSPEC,
	VSS_A_TRACKER_PAD,
	VSS_A_TRACKER_ORIGIN,
	VSS_A_TRACKER_GENERATION,
	VSS_A_TRACKER_EPOCH,
	VSS_A_TRACKER_BLOCK_BYTES,
	VSS_A_TRACKER_CAPACITY,
	VSS_A_TRACKER_BLOCKS_MARKED,
	VSS_A_TRACKER_MAP_BYTES,
	VSS_A_TRACKER_REASON,
	VSS_A_TRACKER_OLD_GENERATION,
	VSS_A_TRACKER_STATE,
	VSS_A_TRACKER_CHUNK,
	VSS_A_TRACKER_SEAL,
	VSS_A_TRACKER_IMPORT_STEP,

	__VSS_A_TRACKER_MAX,
	VSS_A_TRACKER_MAX = (__VSS_A_TRACKER_MAX - 1)
};

/**
 * enum vss_a_chunk - A chunk of a tracker's map (VSS_A_TRACKER_CHUNK).
 * @VSS_A_CHUNK_UNSPEC: Not used; attribute type 0 is reserved.
 * @VSS_A_CHUNK_INDEX: (u32) The chunk's index: its first block divided by
 *   VSS_TRACK_CHUNK_MARKS.
 * @VSS_A_CHUNK_MARKS: (binary, 2 * VSS_TRACK_CHUNK_MARKS bytes) The
 *   blocks' epoch marks, u16 in host byte order; none above the state's
 *   epoch, none past the last block.
 * @__VSS_A_CHUNK_MAX: Number of attribute types; not an attribute.
 * @VSS_A_CHUNK_MAX: Highest attribute type.
 */
enum vss_a_chunk {
	VSS_A_CHUNK_UNSPEC,
	VSS_A_CHUNK_INDEX,
	VSS_A_CHUNK_MARKS,

	__VSS_A_CHUNK_MAX,
	VSS_A_CHUNK_MAX = (__VSS_A_CHUNK_MAX - 1)
};

/**
 * enum vss_a_writer - Attributes of a writer: its registration, and its
 *   status (WRITER_GET, and nested as VSS_A_SESSION_WRITER in session
 *   replies and completions, where state and failure are the writer's in
 *   that session).
 * @VSS_A_WRITER_UNSPEC: Not used; attribute type 0 is reserved.
 * @VSS_A_WRITER_PAD: Alignment padding for 64-bit attributes.
 * @VSS_A_WRITER_ID: (u32) Writer id the module assigned at registration
 *   (reply of WRITER_REGISTER; request of WRITER_UNREGISTER, WRITER_GET).
 *   Never reused while the module is loaded.
 * @VSS_A_WRITER_CLASS_ID: (binary, 16 bytes) The writer's class id: what
 *   application it is.
 * @VSS_A_WRITER_INSTANCE_ID: (binary, 16 bytes) The writer's instance id;
 *   class and instance id together are unique among registered writers.
 * @VSS_A_WRITER_NAME: (string) The writer's name, e.g. "PostgreSQL Writer".
 * @VSS_A_WRITER_INSTANCE_NAME: (string) Optional name of the instance.
 * @VSS_A_WRITER_USAGE_TYPE: (u32) enum vss_usage_type (optional, default
 *   undefined).
 * @VSS_A_WRITER_SOURCE_TYPE: (u32) enum vss_source_type (optional, default
 *   undefined).
 * @VSS_A_WRITER_LEVEL: (u32) enum vss_writer_level: system, back-end or
 *   front-end.
 * @VSS_A_WRITER_FREEZE_TIMEOUT_MS: (u32) Longest Freeze to Thaw the writer
 *   tolerates, in ms (1 to 3600000, default 60000); longer fails it with
 *   VSS_WRITER_FAILURE_TIMEOUT.
 * @VSS_A_WRITER_PORTID: (u32) Netlink port id of the socket the writer is
 *   bound to (reply only).
 * @VSS_A_WRITER_STATE: (u32) enum vss_writer_state: in the last session the
 *   writer took part in (WRITER_GET), or in this session (nested).
 * @VSS_A_WRITER_FAILURE: (u32) enum vss_writer_failure of that state.
 * @VSS_A_WRITER_ERROR: (u32) The writer's own errno for that failure (0 if
 *   none).
 * @VSS_A_WRITER_MESSAGE: (string) The writer's message for that failure,
 *   or the module's.
 * @VSS_A_WRITER_SESSION_ID: (u32) Session of that state (0: none yet).
 * @VSS_A_WRITER_SELECTED: (flag) Nested only: the writer is selected in
 *   this session (VSS_SESSION_F_STRICT counts its failures).
 * @__VSS_A_WRITER_MAX: Number of attribute types; not an attribute.
 * @VSS_A_WRITER_MAX: Highest attribute type.
 */
enum vss_a_writer {
	VSS_A_WRITER_UNSPEC,
	VSS_A_WRITER_PAD,
	VSS_A_WRITER_ID,
	VSS_A_WRITER_CLASS_ID,
	VSS_A_WRITER_INSTANCE_ID,
	VSS_A_WRITER_NAME,
	VSS_A_WRITER_INSTANCE_NAME,
	VSS_A_WRITER_USAGE_TYPE,
	VSS_A_WRITER_SOURCE_TYPE,
	VSS_A_WRITER_LEVEL,
	VSS_A_WRITER_FREEZE_TIMEOUT_MS,
	VSS_A_WRITER_PORTID,
	VSS_A_WRITER_STATE,
	VSS_A_WRITER_FAILURE,
	VSS_A_WRITER_ERROR,
	VSS_A_WRITER_MESSAGE,
	VSS_A_WRITER_SESSION_ID,
	VSS_A_WRITER_SELECTED,

	__VSS_A_WRITER_MAX,
	VSS_A_WRITER_MAX = (__VSS_A_WRITER_MAX - 1)
};

/**
 * enum vss_a_session - Attributes of sessions, their operations and
 *   completions, and of writer events and their answers.
 * @VSS_A_SESSION_UNSPEC: Not used; attribute type 0 is reserved.
 * @VSS_A_SESSION_PAD: Alignment padding for 64-bit attributes.
 * @VSS_A_SESSION_ID: (u32) Session id the module assigned at creation.
 *   Never reused while the module is loaded: an id below the next one that
 *   names no session names a released one (EBADFD).
 * @VSS_A_SESSION_TYPE: (u32) enum vss_session_type (SESSION_CREATE:
 *   optional, default backup).
 * @VSS_A_SESSION_STATE: (u32) enum vss_session_state.
 * @VSS_A_SESSION_OP: (u32) enum vss_session_op: the operation a completion
 *   reports, or the one running (SESSION_GET).
 * @VSS_A_SESSION_SEQ: (u32) Completion: nlmsg_seq of the request that
 *   started the operation.
 * @VSS_A_SESSION_ERROR: (u32) Completion, SESSION_GET: 0 or the positive
 *   errno the operation (the last one) ended with.
 * @VSS_A_SESSION_STATUS: (u32) enum vss_status that goes with the error.
 * @VSS_A_SESSION_SET_ID: (binary, 16 bytes) The session's snapshot set id:
 *   given to writers from PrepareForSnapshot through PostSnapshot, with
 *   Abort, and with BackupShutdown (all zero if no set was started).
 * @VSS_A_SESSION_BACKUP_TYPE: (u32) enum vss_backup_type
 *   (SESSION_PREPARE_BACKUP: required).
 * @VSS_A_SESSION_FLAGS: (u32) Mask of enum vss_session_flags
 *   (SESSION_DO_SNAPSHOT_SET).
 * @VSS_A_SESSION_VOLUME: (string, repeated) SESSION_DO_SNAPSHOT_SET: a
 *   volume of the set (1 to 64), as for SNAPSHOT_CREATE; events from
 *   PrepareForSnapshot through PostSnapshot list them.
 * @VSS_A_SESSION_BACKUP_DOCUMENT: (string) The backup components document
 *   (selected components, options, succeeded flags), opaque to the module:
 *   SESSION_CREATE of a restore session, SESSION_PREPARE_BACKUP,
 *   SESSION_BACKUP_COMPLETE, SESSION_PRE_RESTORE and SESSION_POST_RESTORE
 *   replace the stored one; events PrepareForBackup, PostSnapshot,
 *   BackupComplete, PreRestore and PostRestore carry it.
 * @VSS_A_SESSION_EVENT: (u32) enum vss_event.
 * @VSS_A_SESSION_WRITER_ID: (u32) A writer: the one an event is for or an
 *   answer is from; SESSION_WRITER_GET's key; repeated in
 *   SESSION_PREPARE_BACKUP, the selected writers (default: all).
 * @VSS_A_SESSION_FAILURE: (u32) WRITER_EVENT_DONE: enum vss_writer_failure;
 *   absent or none means the event succeeded.
 * @VSS_A_SESSION_WRITER_ERROR: (u32) WRITER_EVENT_DONE: the writer's errno
 *   (1 to 4095) for its failure.
 * @VSS_A_SESSION_MESSAGE: (string) WRITER_EVENT_DONE: the writer's
 *   message for its failure; completion: why the operation failed.
 * @VSS_A_SESSION_WRITER_METADATA: (string) The writer metadata document:
 *   WRITER_EVENT_DONE of Identify, SESSION_WRITER_GET.
 * @VSS_A_SESSION_RESTORE_STATUS: (string) The writer's per-component
 *   restore status document: WRITER_EVENT_DONE of PreRestore and
 *   PostRestore, SESSION_WRITER_GET.
 * @VSS_A_SESSION_WRITER: (nest, repeated) Status of one writer of the
 *   session (enum vss_a_writer), in completions and SESSION_GET (do).
 * @VSS_A_SESSION_SNAPSHOT: (nest, repeated) One snapshot of the set (id,
 *   origin, device, token), in the completion of DoSnapshotSet.
 * @VSS_A_SESSION_CONSISTENCY: (u32) enum vss_consistency of the set.
 * @VSS_A_SESSION_FREEZE_WINDOW_NS: (u64) The set's engine freeze window.
 * @VSS_A_SESSION_OWNER: (u32) Netlink port id of the requester's socket
 *   that owns the session (reply only).
 * @VSS_A_SESSION_COUNT: (u32) SESSION_DELETE_SNAPSHOTS: snapshots deleted.
 * @__VSS_A_SESSION_MAX: Number of attribute types; not an attribute.
 * @VSS_A_SESSION_MAX: Highest attribute type.
 */
enum vss_a_session {
	VSS_A_SESSION_UNSPEC,
	VSS_A_SESSION_PAD,
	VSS_A_SESSION_ID,
	VSS_A_SESSION_TYPE,
	VSS_A_SESSION_STATE,
	VSS_A_SESSION_OP,
	VSS_A_SESSION_SEQ,
	VSS_A_SESSION_ERROR,
	VSS_A_SESSION_STATUS,
	VSS_A_SESSION_SET_ID,
	VSS_A_SESSION_BACKUP_TYPE,
	VSS_A_SESSION_FLAGS,
	VSS_A_SESSION_VOLUME,
	VSS_A_SESSION_BACKUP_DOCUMENT,
	VSS_A_SESSION_EVENT,
	VSS_A_SESSION_WRITER_ID,
	VSS_A_SESSION_FAILURE,
	VSS_A_SESSION_WRITER_ERROR,
	VSS_A_SESSION_MESSAGE,
	VSS_A_SESSION_WRITER_METADATA,
	VSS_A_SESSION_RESTORE_STATUS,
	VSS_A_SESSION_WRITER,
	VSS_A_SESSION_SNAPSHOT,
	VSS_A_SESSION_CONSISTENCY,
	VSS_A_SESSION_FREEZE_WINDOW_NS,
	VSS_A_SESSION_OWNER,
	VSS_A_SESSION_COUNT,

	__VSS_A_SESSION_MAX,
	VSS_A_SESSION_MAX = (__VSS_A_SESSION_MAX - 1)
};

/**
 * enum vss_a_fs - Attributes of filesystem freezes (FS_FREEZE, FS_THAW,
 *   FS_GET and their notifications).
 * @VSS_A_FS_UNSPEC: Not used; attribute type 0 is reserved.
 * @VSS_A_FS_PAD: Alignment padding for 64-bit attributes.
 * @VSS_A_FS_PATH: (string) Request: the mount point of the filesystem (its
 *   root directory). Reply: the path the freeze was taken with.
 * @VSS_A_FS_TIMEOUT_MS: (u32) FS_FREEZE: thaw after this many ms (1 to
 *   VSS_FS_TIMEOUT_MAX_MS, default VSS_FS_TIMEOUT_DEFAULT_MS). Reply: the
 *   timeout given.
 * @VSS_A_FS_FLAGS: (u32) Mask of enum vss_fs_flags.
 * @VSS_A_FS_OWNER: (u32) Netlink port id of the socket that took the
 *   freeze (reply only; 0 once detached).
 * @VSS_A_FS_DEVICE: (string) Kernel name of the filesystem's device, e.g.
 *   "vda1" (reply only).
 * @VSS_A_FS_FROZEN_NS: (u64) How long the filesystem has been frozen, or
 *   was (FS_THAWED_NTF), in ns (reply only).
 * @VSS_A_FS_REMAINING_MS: (u32) ms left until the deadline (reply only).
 * @VSS_A_FS_REASON: (u32) enum vss_thaw_reason (FS_THAWED_NTF).
 * @__VSS_A_FS_MAX: Number of attribute types; not an attribute.
 * @VSS_A_FS_MAX: Highest attribute type.
 */
enum vss_a_fs {
	VSS_A_FS_UNSPEC,
	VSS_A_FS_PAD,
	VSS_A_FS_PATH,
	VSS_A_FS_TIMEOUT_MS,
	VSS_A_FS_FLAGS,
	VSS_A_FS_OWNER,
	VSS_A_FS_DEVICE,
	VSS_A_FS_FROZEN_NS,
	VSS_A_FS_REMAINING_MS,
	VSS_A_FS_REASON,

	__VSS_A_FS_MAX,
	VSS_A_FS_MAX = (__VSS_A_FS_MAX - 1)
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
 * @VSS_CMD_WRITER_REGISTER: Register a writer bound to the calling socket
 *   (enum vss_a_writer: class-id, instance-id, name and level required);
 *   the reply carries its id. The writer is gone when the socket closes.
 *   EEXIST if the class and instance id are registered already.
 * @VSS_CMD_WRITER_UNREGISTER: Unregister a writer of the calling socket
 *   (id); sessions waiting on it record it as not responding.
 * @VSS_CMD_WRITER_GET: Report one writer (do, by id) or all (dump): ids,
 *   names, level, state and last failure.
 * @VSS_CMD_WRITER_EVENT_NTF: Unicast to the socket of a writer: an event
 *   (enum vss_a_session: id, event, writer-id, and as the event allows
 *   set-id, backup-type, volumes, backup-document).
 * @VSS_CMD_WRITER_EVENT_DONE: A writer's answer to an event (id, event,
 *   writer-id; failure, writer-error and message if it failed;
 *   writer-metadata for Identify; restore-status for Pre/PostRestore).
 *   EBADFD if the session does not wait for that answer.
 * @VSS_CMD_SESSION_CREATE: Create a session owned by the calling socket
 *   (type; a restore session takes the saved backup-document). Reply: id.
 * @VSS_CMD_SESSION_GATHER_METADATA: Send Identify to every writer
 *   (asynchronous).
 * @VSS_CMD_SESSION_PREPARE_BACKUP: Send PrepareForBackup (backup-type,
 *   backup-document, selected writer-ids; asynchronous).
 * @VSS_CMD_SESSION_DO_SNAPSHOT_SET: PrepareForSnapshot, Freeze by level,
 *   the snapshot set of the volumes, Thaw, PostSnapshot (volumes, flags;
 *   asynchronous). EBUSY if another set is being created, unless
 *   VSS_SESSION_F_WAIT.
 * @VSS_CMD_SESSION_BACKUP_COMPLETE: Send BackupComplete (backup-document
 *   with the succeeded flags; asynchronous). Only after a successful
 *   DoSnapshotSet.
 * @VSS_CMD_SESSION_PRE_RESTORE: Send PreRestore (restore session,
 *   asynchronous).
 * @VSS_CMD_SESSION_POST_RESTORE: Send PostRestore (restore session,
 *   asynchronous).
 * @VSS_CMD_SESSION_ABORT: Abort the session; cancels a running operation
 *   (which then completes with ECANCELED). Writers between PrepareForBackup
 *   and PostSnapshot get Abort. Taken from any administrator's socket, not
 *   only the owner's: the owner gets the same completion either way.
 * @VSS_CMD_SESSION_DELETE_SNAPSHOTS: Delete the session's snapshot set
 *   now (reply: count). ENOENT if it has none.
 * @VSS_CMD_SESSION_RELEASE: Release the session: cancel what runs, delete
 *   its auto-release snapshots, send BackupShutdown to every writer that
 *   took part. Closing the owner's socket does the same.
 * @VSS_CMD_SESSION_GET: Report one session (do, by id, with its writers'
 *   status) or all (dump).
 * @VSS_CMD_SESSION_WRITER_GET: Report one writer's part in a session (id,
 *   writer-id): status, writer-metadata, restore-status.
 * @VSS_CMD_SESSION_COMPLETE_NTF: Unicast to the owner's socket: an
 *   operation ended (id, op, seq, error, status, state, message; writers'
 *   status; for DoSnapshotSet the set id, consistency, window, snapshots).
 * @VSS_CMD_SESSION_STATE_NTF: Notification on the monitor group: a
 *   session changed state (id, owner, type, state, op, set-id).
 * @VSS_CMD_FS_FREEZE: Freeze a mounted filesystem (enum vss_a_fs: path,
 *   timeout-ms, flags) as the kernel, bound to the calling socket unless
 *   detached, thawed at its deadline whatever happens. EBUSY if it is
 *   frozen already, EOPNOTSUPP if it cannot be frozen, EINVAL if the path
 *   is not a mount point.
 * @VSS_CMD_FS_THAW: Thaw a filesystem frozen by FS_FREEZE (path). ENOENT
 *   if no such freeze.
 * @VSS_CMD_FS_GET: Report the freezes taken by FS_FREEZE (dump; do: by
 *   path).
 * @VSS_CMD_FS_FROZEN_NTF: Notification on the monitor group: FS_FREEZE
 *   froze a filesystem (path, device, owner, timeout-ms, flags).
 * @VSS_CMD_FS_THAWED_NTF: Notification on the monitor group: such a freeze
 *   ended (path, device, frozen-ns, reason).
 * @VSS_CMD_CHANGES_GET: Changed-block tracking (enum vss_a_changes): the
 *   extents of an origin that may differ between the snapshot snapshot-id
 *   and the earlier one whose token is since. Dump: the extents; do: their
 *   totals. ESTALE (with enum vss_stale_reason) when the tracker cannot
 *   vouch for the answer; ENOENT if no such snapshot. See
 *   Documentation/cbt.md.
 * @VSS_CMD_TRACKER_GET: Report the change tracker of one origin (do, by
 *   origin) or of all (dump): enum vss_a_tracker.
 * @VSS_CMD_TRACKER_RESET: Start a new generation of an origin's tracker
 *   (origin): every token of it gets ESTALE (reset) from then on.
 * @VSS_CMD_TRACKER_NTF: Notification on the monitor group: an origin's
 *   tracker started a new generation (origin, generation, old-generation,
 *   epoch, reason).
 * @VSS_CMD_TRACKER_EXPORT: Dump of one origin's tracker (origin): first
 *   its state and a seal, then the chunks of its map that hold a mark.
 *   The seal is set with writes drained; TRACKER_GET reports it until a
 *   write, a snapshot or a new generation breaks it. What a tool saves
 *   across a module reload or a reboot (Documentation/cbt.md).
 * @VSS_CMD_TRACKER_IMPORT: Install a saved tracker in place of an origin's
 *   fresh one (origin, state, import-step, chunks): its generation, epoch
 *   and map, so that tokens from before continue. Refused (ESTALE,
 *   identity) if the geometry or UUID differs, EBUSY while the origin has
 *   a snapshot, EINVAL for a map of another shape.
 *
 * Every command but GET_FEATURES needs CAP_SYS_ADMIN (EPERM otherwise).
 * Commands that drive a session are taken from its owner's socket only
 * (SESSION_ABORT from any), and WRITER_EVENT_DONE and WRITER_UNREGISTER
 * from the writer's (EACCES).
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
	VSS_CMD_WRITER_REGISTER,
	VSS_CMD_WRITER_UNREGISTER,
	VSS_CMD_WRITER_GET,
	VSS_CMD_WRITER_EVENT_NTF,
	VSS_CMD_WRITER_EVENT_DONE,
	VSS_CMD_SESSION_CREATE,
	VSS_CMD_SESSION_GATHER_METADATA,
	VSS_CMD_SESSION_PREPARE_BACKUP,
	VSS_CMD_SESSION_DO_SNAPSHOT_SET,
	VSS_CMD_SESSION_BACKUP_COMPLETE,
	VSS_CMD_SESSION_PRE_RESTORE,
	VSS_CMD_SESSION_POST_RESTORE,
	VSS_CMD_SESSION_ABORT,
	VSS_CMD_SESSION_DELETE_SNAPSHOTS,
	VSS_CMD_SESSION_RELEASE,
	VSS_CMD_SESSION_GET,
	VSS_CMD_SESSION_WRITER_GET,
	VSS_CMD_SESSION_COMPLETE_NTF,
	VSS_CMD_SESSION_STATE_NTF,
	VSS_CMD_FS_FREEZE,
	VSS_CMD_FS_THAW,
	VSS_CMD_FS_GET,
	VSS_CMD_FS_FROZEN_NTF,
	VSS_CMD_FS_THAWED_NTF,
	VSS_CMD_CHANGES_GET,
	VSS_CMD_TRACKER_GET,
	VSS_CMD_TRACKER_RESET,
	VSS_CMD_TRACKER_NTF,
	VSS_CMD_TRACKER_EXPORT,
	VSS_CMD_TRACKER_IMPORT,

	__VSS_CMD_MAX,
	VSS_CMD_MAX = (__VSS_CMD_MAX - 1)
};

/*
 * Multicast groups, resolved by name through nlctrl.
 * VSS_MCGRP_EVENTS: reserved for writers; no message uses it yet (writer
 *   events are unicast to the writer's socket: VSS_CMD_WRITER_EVENT_NTF).
 * VSS_MCGRP_MONITOR: notifications for administrators (snapshots, storage
 *   thresholds, sessions, filesystem freezes, tracker generations). Joining needs CAP_SYS_ADMIN: it reveals other
 *   users' backups.
 */
#define VSS_MCGRP_EVENTS	"events"
#define VSS_MCGRP_MONITOR	"monitor"

#endif /* _UAPI_LINUX_VSS_H */
