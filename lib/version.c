// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * Alone in its file so that a change of ../VERSION rebuilds only this.
 */
#include "internal.h"

LIBVSS_EXPORT const char *libvss_version(void)
{
	return LIBVSS_VERSION;
}
