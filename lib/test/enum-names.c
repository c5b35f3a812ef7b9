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
	ok_str(libvss_invalid_reason_name(4), NULL, "reason 4 has no name");

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
	return tap_done();
}
