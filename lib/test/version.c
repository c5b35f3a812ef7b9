// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * libvss_version() is the project's VERSION file, and so are the compile-time
 * macros of <libvss_version.h>, which LIBVSS_CHECK_VERSION() compares.
 */
#include <stdio.h>
#include <string.h>

#include "tap.h"
#include <libvss.h>

int main(void)
{
	char want[32];

	ok_str(libvss_version(), EXPECTED_VERSION,
	       "libvss_version() matches VERSION");
	snprintf(want, sizeof(want), "%d.%d.", LIBVSS_VERSION_MAJOR,
		 LIBVSS_VERSION_MINOR);
	ok(!strncmp(EXPECTED_VERSION, want, strlen(want)),
	   "LIBVSS_VERSION_MAJOR and _MINOR match VERSION");
	ok(LIBVSS_CHECK_VERSION(LIBVSS_VERSION_MAJOR, LIBVSS_VERSION_MINOR),
	   "LIBVSS_CHECK_VERSION: true for this version");
	ok(LIBVSS_CHECK_VERSION(0, 1), "LIBVSS_CHECK_VERSION: true for 0.1");
	ok(LIBVSS_CHECK_VERSION(LIBVSS_VERSION_MAJOR - 1, LIBVSS_VERSION_MINOR + 9),
	   "LIBVSS_CHECK_VERSION: true for an older major");
	ok(!LIBVSS_CHECK_VERSION(LIBVSS_VERSION_MAJOR, LIBVSS_VERSION_MINOR + 1),
	   "LIBVSS_CHECK_VERSION: false for the next minor");
	ok(!LIBVSS_CHECK_VERSION(LIBVSS_VERSION_MAJOR + 1, 0),
	   "LIBVSS_CHECK_VERSION: false for the next major");
	return tap_done();
}
