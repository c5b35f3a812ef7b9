// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * Names of the coordination protocol's values, exactly as the YNL spec
 * (Documentation/netlink/specs/vss.yaml) spells them, so that vssctl's
 * output and the spec's own CLI agree. Indexed by value: the uapi never
 * renumbers, and a value added later reads NULL until named here.
 */
#include <string.h>

#include "internal.h"

#define ARRAY_SIZE(a)	(sizeof(a) / sizeof((a)[0]))
#define NAME_OF(table, v)	((v) < ARRAY_SIZE(table) ? (table)[v] : NULL)

static const char *const event_names[] = {
	[VSS_EVENT_NONE] = "none",
	[VSS_EVENT_IDENTIFY] = "identify",
	[VSS_EVENT_PREPARE_BACKUP] = "prepare-backup",
	[VSS_EVENT_PREPARE_SNAPSHOT] = "prepare-snapshot",
	[VSS_EVENT_FREEZE] = "freeze",
	[VSS_EVENT_THAW] = "thaw",
	[VSS_EVENT_POST_SNAPSHOT] = "post-snapshot",
	[VSS_EVENT_ABORT] = "abort",
	[VSS_EVENT_BACKUP_COMPLETE] = "backup-complete",
	[VSS_EVENT_BACKUP_SHUTDOWN] = "backup-shutdown",
	[VSS_EVENT_PRE_RESTORE] = "pre-restore",
	[VSS_EVENT_POST_RESTORE] = "post-restore",
};

static const char *const writer_state_names[] = {
	[VSS_WRITER_STATE_UNKNOWN] = "unknown",
	[VSS_WRITER_STATE_STABLE] = "stable",
	[VSS_WRITER_STATE_WAITING_FOR_FREEZE] = "waiting-for-freeze",
	[VSS_WRITER_STATE_WAITING_FOR_THAW] = "waiting-for-thaw",
	[VSS_WRITER_STATE_WAITING_FOR_POST_SNAPSHOT] = "waiting-for-post-snapshot",
	[VSS_WRITER_STATE_WAITING_FOR_BACKUP_COMPLETE] = "waiting-for-backup-complete",
	[VSS_WRITER_STATE_FAILED_AT_IDENTIFY] = "failed-at-identify",
	[VSS_WRITER_STATE_FAILED_AT_PREPARE_BACKUP] = "failed-at-prepare-backup",
	[VSS_WRITER_STATE_FAILED_AT_PREPARE_SNAPSHOT] = "failed-at-prepare-snapshot",
	[VSS_WRITER_STATE_FAILED_AT_FREEZE] = "failed-at-freeze",
	[VSS_WRITER_STATE_FAILED_AT_THAW] = "failed-at-thaw",
	[VSS_WRITER_STATE_FAILED_AT_POST_SNAPSHOT] = "failed-at-post-snapshot",
	[VSS_WRITER_STATE_FAILED_AT_BACKUP_COMPLETE] = "failed-at-backup-complete",
	[VSS_WRITER_STATE_FAILED_AT_PRE_RESTORE] = "failed-at-pre-restore",
	[VSS_WRITER_STATE_FAILED_AT_POST_RESTORE] = "failed-at-post-restore",
	[VSS_WRITER_STATE_FAILED_AT_BACKUPSHUTDOWN] = "failed-at-backupshutdown",
};

static const char *const writer_failure_names[] = {
	[VSS_WRITER_FAILURE_NONE] = "none",
	[VSS_WRITER_FAILURE_INCONSISTENT_SNAPSHOT] = "inconsistent-snapshot",
	[VSS_WRITER_FAILURE_OUT_OF_RESOURCES] = "out-of-resources",
	[VSS_WRITER_FAILURE_TIMEOUT] = "timeout",
	[VSS_WRITER_FAILURE_RETRYABLE] = "retryable",
	[VSS_WRITER_FAILURE_NON_RETRYABLE] = "non-retryable",
	[VSS_WRITER_FAILURE_NOT_RESPONDING] = "not-responding",
};

static const char *const writer_level_names[] = {
	[VSS_WRITER_LEVEL_UNKNOWN] = "unknown",
	[VSS_WRITER_LEVEL_SYSTEM] = "system",
	[VSS_WRITER_LEVEL_BACK_END] = "back-end",
	[VSS_WRITER_LEVEL_FRONT_END] = "front-end",
};

static const char *const session_state_names[] = {
	[VSS_SESSION_STATE_CREATED] = "created",
	[VSS_SESSION_STATE_METADATA_GATHERED] = "metadata-gathered",
	[VSS_SESSION_STATE_PREPARED] = "prepared",
	[VSS_SESSION_STATE_SNAPSHOT_DONE] = "snapshot-done",
	[VSS_SESSION_STATE_BACKUP_COMPLETE] = "backup-complete",
	[VSS_SESSION_STATE_PRE_RESTORED] = "pre-restored",
	[VSS_SESSION_STATE_POST_RESTORED] = "post-restored",
	[VSS_SESSION_STATE_ABORTED] = "aborted",
	[VSS_SESSION_STATE_FAILED] = "failed",
	[VSS_SESSION_STATE_RELEASED] = "released",
};

static const char *const status_names[] = {
	[VSS_STATUS_SUCCESS] = "success",
	[VSS_STATUS_BAD_STATE] = "bad-state",
	[VSS_STATUS_SNAPSHOT_SET_IN_PROGRESS] = "snapshot-set-in-progress",
	[VSS_STATUS_OBJECT_NOT_FOUND] = "object-not-found",
	[VSS_STATUS_ACCESS_DENIED] = "access-denied",
	[VSS_STATUS_OUT_OF_RESOURCES] = "out-of-resources",
	[VSS_STATUS_CANCELLED] = "cancelled",
	[VSS_STATUS_HOLD_WRITES_TIMEOUT] = "hold-writes-timeout",
	[VSS_STATUS_MAXIMUM_NUMBER_OF_VOLUMES_REACHED] = "maximum-number-of-volumes-reached",
	[VSS_STATUS_VOLUME_NOT_SUPPORTED] = "volume-not-supported",
	[VSS_STATUS_PROVIDER_VETO] = "provider-veto",
	[VSS_STATUS_WRITER_INCONSISTENT_SNAPSHOT] = "writer-inconsistent-snapshot",
	[VSS_STATUS_WRITER_OUT_OF_RESOURCES] = "writer-out-of-resources",
	[VSS_STATUS_WRITER_TIMEOUT] = "writer-timeout",
	[VSS_STATUS_WRITER_RETRYABLE] = "writer-retryable",
	[VSS_STATUS_WRITER_NON_RETRYABLE] = "writer-non-retryable",
	[VSS_STATUS_WRITER_NOT_RESPONDING] = "writer-not-responding",
	[VSS_STATUS_WRITER_ALREADY_SUBSCRIBED] = "writer-already-subscribed",
	[VSS_STATUS_UNEXPECTED] = "unexpected",
	[VSS_STATUS_INSUFFICIENT_STORAGE] = "insufficient-storage",
};

static const char *const backup_type_names[] = {
	[VSS_BACKUP_TYPE_UNDEFINED] = "undefined",
	[VSS_BACKUP_TYPE_FULL] = "full",
	[VSS_BACKUP_TYPE_INCREMENTAL] = "incremental",
	[VSS_BACKUP_TYPE_DIFFERENTIAL] = "differential",
	[VSS_BACKUP_TYPE_LOG] = "log",
	[VSS_BACKUP_TYPE_COPY] = "copy",
	[VSS_BACKUP_TYPE_OTHER] = "other",
};

static const char *const session_op_names[] = {
	[VSS_SESSION_OP_NONE] = "none",
	[VSS_SESSION_OP_GATHER_METADATA] = "gather-metadata",
	[VSS_SESSION_OP_PREPARE_BACKUP] = "prepare-backup",
	[VSS_SESSION_OP_DO_SNAPSHOT_SET] = "do-snapshot-set",
	[VSS_SESSION_OP_BACKUP_COMPLETE] = "backup-complete",
	[VSS_SESSION_OP_PRE_RESTORE] = "pre-restore",
	[VSS_SESSION_OP_POST_RESTORE] = "post-restore",
};

static const char *const session_type_names[] = {
	[VSS_SESSION_BACKUP] = "backup",
	[VSS_SESSION_RESTORE] = "restore",
};

LIBVSS_EXPORT const char *libvss_event_name(uint32_t event)
{
	return NAME_OF(event_names, event);
}

LIBVSS_EXPORT const char *libvss_writer_state_name(uint32_t state)
{
	return NAME_OF(writer_state_names, state);
}

LIBVSS_EXPORT const char *libvss_writer_failure_name(uint32_t failure)
{
	return NAME_OF(writer_failure_names, failure);
}

LIBVSS_EXPORT const char *libvss_writer_level_name(uint32_t level)
{
	return NAME_OF(writer_level_names, level);
}

LIBVSS_EXPORT const char *libvss_session_state_name(uint32_t state)
{
	return NAME_OF(session_state_names, state);
}

LIBVSS_EXPORT const char *libvss_status_name(uint32_t status)
{
	return NAME_OF(status_names, status);
}

LIBVSS_EXPORT const char *libvss_backup_type_name(uint32_t backup_type)
{
	return NAME_OF(backup_type_names, backup_type);
}

LIBVSS_EXPORT const char *libvss_session_op_name(uint32_t op)
{
	return NAME_OF(session_op_names, op);
}

LIBVSS_EXPORT const char *libvss_session_type_name(uint32_t type)
{
	return NAME_OF(session_type_names, type);
}

static const char *const stale_reason_names[] = {
	[VSS_STALE_NONE] = "none",
	[VSS_STALE_GENERATION] = "generation",
	[VSS_STALE_RESET] = "reset",
	[VSS_STALE_WRAPPED] = "wrapped",
	[VSS_STALE_RESIZED] = "resized",
	[VSS_STALE_LOST] = "lost",
	[VSS_STALE_IDENTITY] = "identity",
	[VSS_STALE_NOT_OLDER] = "not-older",
};

LIBVSS_EXPORT const char *libvss_stale_reason_name(uint32_t reason)
{
	return NAME_OF(stale_reason_names, reason);
}

/*
 * Documentation/cbt.md: a refused CHANGES_GET's message begins with
 * "stale: NAME:", a stable prefix. It is what 6.1 gives at the end of a
 * dump, where the netlink core drops the cookie.
 */
uint32_t vss_stale_from_message(const char *msg)
{
	static const char prefix[] = "stale: ";
	size_t i, n;

	if (!msg || strncmp(msg, prefix, sizeof(prefix) - 1))
		return VSS_STALE_NONE;
	msg += sizeof(prefix) - 1;
	for (i = 1; i < ARRAY_SIZE(stale_reason_names); i++) {
		n = strlen(stale_reason_names[i]);
		if (!strncmp(msg, stale_reason_names[i], n) && msg[n] == ':')
			return (uint32_t)i;
	}
	return VSS_STALE_NONE;
}
