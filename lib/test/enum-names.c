// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * The name helpers know every value of their enum by its YNL spec name, and
 * nothing past it: a newer module's value has no name rather than a wrong
 * one.
 */
#include "tap.h"
#include <libvss.h>

int main(void)
{
	ok_str(libvss_snapshot_state_name(VSS_SNAPSHOT_ACTIVE), "active",
	       "VSS_SNAPSHOT_ACTIVE is \"active\"");
	ok_str(libvss_snapshot_state_name(VSS_SNAPSHOT_INVALID), "invalid",
	       "VSS_SNAPSHOT_INVALID is \"invalid\"");
	ok_str(libvss_snapshot_state_name(2), NULL, "state 2 has no name");

	ok_str(libvss_invalid_reason_name(VSS_INVALID_NONE), "none",
	       "VSS_INVALID_NONE is \"none\"");
	ok_str(libvss_invalid_reason_name(VSS_INVALID_OVERFLOW), "overflow",
	       "VSS_INVALID_OVERFLOW is \"overflow\"");
	ok_str(libvss_invalid_reason_name(VSS_INVALID_STORAGE_ERROR),
	       "storage-error", "VSS_INVALID_STORAGE_ERROR is \"storage-error\"");
	ok_str(libvss_invalid_reason_name(VSS_INVALID_ORIGIN_GONE), "origin-gone",
	       "VSS_INVALID_ORIGIN_GONE is \"origin-gone\"");
	ok_str(libvss_invalid_reason_name(VSS_INVALID_ORIGIN_ERROR), "origin-error",
	       "VSS_INVALID_ORIGIN_ERROR is \"origin-error\"");
	ok_str(libvss_invalid_reason_name(5), NULL, "reason 5 has no name");

	ok_str(libvss_consistency_name(VSS_CONSISTENCY_FROZEN), "frozen",
	       "VSS_CONSISTENCY_FROZEN is \"frozen\"");
	ok_str(libvss_consistency_name(VSS_CONSISTENCY_CRASH), "crash",
	       "VSS_CONSISTENCY_CRASH is \"crash\"");
	ok_str(libvss_consistency_name(2), NULL, "consistency 2 has no name");

	ok_str(libvss_storage_kind_name(VSS_STORAGE_NONE), "none",
	       "VSS_STORAGE_NONE is \"none\"");
	ok_str(libvss_storage_kind_name(VSS_STORAGE_MEMORY), "memory",
	       "VSS_STORAGE_MEMORY is \"memory\"");
	ok_str(libvss_storage_kind_name(VSS_STORAGE_FILE), "file",
	       "VSS_STORAGE_FILE is \"file\"");
	ok_str(libvss_storage_kind_name(3), NULL, "kind 3 has no name");
	ok_str(libvss_storage_kind_name(UINT32_MAX), NULL,
	       "kind UINT32_MAX has no name");

	/* The coordination protocol: first, last, and one past the last. */
	ok_str(libvss_event_name(VSS_EVENT_NONE), "none", "event none");
	ok_str(libvss_event_name(VSS_EVENT_FREEZE), "freeze", "event freeze");
	ok_str(libvss_event_name(VSS_EVENT_POST_RESTORE), "post-restore",
	       "event post-restore");
	ok_str(libvss_event_name(VSS_EVENT_POST_RESTORE + 1), NULL,
	       "event past the last");
	ok_str(libvss_writer_state_name(VSS_WRITER_STATE_WAITING_FOR_BACKUP_COMPLETE),
	       "waiting-for-backup-complete", "writer state");
	ok_str(libvss_writer_state_name(VSS_WRITER_STATE_FAILED_AT_BACKUPSHUTDOWN),
	       "failed-at-backupshutdown", "last writer state");
	ok_str(libvss_writer_state_name(VSS_WRITER_STATE_FAILED_AT_BACKUPSHUTDOWN + 1),
	       NULL, "writer state past the last");
	ok_str(libvss_writer_failure_name(VSS_WRITER_FAILURE_NOT_RESPONDING),
	       "not-responding", "last writer failure");
	ok_str(libvss_writer_failure_name(VSS_WRITER_FAILURE_NOT_RESPONDING + 1),
	       NULL, "writer failure past the last");
	ok_str(libvss_writer_level_name(VSS_WRITER_LEVEL_FRONT_END), "front-end",
	       "level front-end");
	ok_str(libvss_writer_level_name(VSS_WRITER_LEVEL_FRONT_END + 1), NULL,
	       "level past the last");
	ok_str(libvss_session_state_name(VSS_SESSION_STATE_RELEASED), "released",
	       "last session state");
	ok_str(libvss_session_state_name(VSS_SESSION_STATE_RELEASED + 1), NULL,
	       "session state past the last");
	ok_str(libvss_status_name(VSS_STATUS_WRITER_RETRYABLE), "writer-retryable",
	       "status writer-retryable");
	ok_str(libvss_status_name(VSS_STATUS_UNEXPECTED), "unexpected",
	       "status unexpected");
	ok_str(libvss_status_name(VSS_STATUS_INSUFFICIENT_STORAGE),
	       "insufficient-storage", "last status");
	ok_str(libvss_status_name(VSS_STATUS_INSUFFICIENT_STORAGE + 1), NULL,
	       "status past the last");
	ok_str(libvss_backup_type_name(VSS_BACKUP_TYPE_DIFFERENTIAL), "differential",
	       "backup type");
	ok_str(libvss_backup_type_name(VSS_BACKUP_TYPE_OTHER + 1), NULL,
	       "backup type past the last");
	ok_str(libvss_session_op_name(VSS_SESSION_OP_DO_SNAPSHOT_SET),
	       "do-snapshot-set", "session op");
	ok_str(libvss_session_op_name(VSS_SESSION_OP_POST_RESTORE + 1), NULL,
	       "session op past the last");
	ok_str(libvss_session_type_name(VSS_SESSION_RESTORE), "restore",
	       "session type");
	ok_str(libvss_session_type_name(UINT32_MAX), NULL,
	       "session type UINT32_MAX");
	return tap_done();
}
