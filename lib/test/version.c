// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * libvss_version() is the project's VERSION file.
 */
#include "tap.h"
#include <libvss.h>

int main(void)
{
	ok_str(libvss_version(), EXPECTED_VERSION,
	       "libvss_version() matches VERSION");
	return tap_done();
}
