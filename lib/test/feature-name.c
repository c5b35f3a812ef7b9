// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * libvss_feature_name() knows every VSS_FEATURE_* bit by its YNL spec name
 * and nothing else: not 0, not unknown bits, not several bits at once.
 */
#include "tap.h"
#include <libvss.h>

int main(void)
{
	ok_str(libvss_feature_name(VSS_FEATURE_FREEZE_HOLDER), "freeze-holder",
	       "VSS_FEATURE_FREEZE_HOLDER is \"freeze-holder\"");
	ok_str(libvss_feature_name(VSS_FEATURE_FILE_STORAGE), "file-storage",
	       "VSS_FEATURE_FILE_STORAGE is \"file-storage\"");
	ok_str(libvss_feature_name(VSS_FEATURE_SESSIONS), "sessions",
	       "VSS_FEATURE_SESSIONS is \"sessions\"");
	ok_str(libvss_feature_name(VSS_FEATURE_FS_FREEZE), "fs-freeze",
	       "VSS_FEATURE_FS_FREEZE is \"fs-freeze\"");
	ok_str(libvss_feature_name(VSS_FEATURE_CHANGE_TRACKING), "change-tracking",
	       "VSS_FEATURE_CHANGE_TRACKING is \"change-tracking\"");
	ok_str(libvss_feature_name(VSS_FEATURE_TRACKER_PERSIST), "tracker-persist",
	       "VSS_FEATURE_TRACKER_PERSIST is \"tracker-persist\"");
	ok_str(libvss_feature_name(1ULL << 6), NULL, "bit 6 has no name");
	ok_str(libvss_feature_name(0), NULL, "0 has no name");
	ok_str(libvss_feature_name(1ULL << 40), NULL, "unknown bit has no name");
	ok_str(libvss_feature_name(1ULL << 63), NULL, "bit 63 has no name");
	ok_str(libvss_feature_name(VSS_FEATURE_FREEZE_HOLDER |
				   VSS_FEATURE_FILE_STORAGE), NULL,
	       "several bits have no name");
	return tap_done();
}
