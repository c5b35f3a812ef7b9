// SPDX-License-Identifier: GPL-2.0
/*
 * The daemons' report of what libvss_process() lost: apart from writerd.c,
 * which the unit tests link without libvss.
 */
#include <stdio.h>
#include <libvss.h>

#include "writerd.h"

int writerd_losses(struct libvss_ctx *ctx, char *buf, size_t size)
{
	struct libvss_losses l;

	buf[0] = '\0';
	if (!libvss_lost(ctx, &l))
		return 0;
	snprintf(buf, size,
		 "notifications lost (the writer goes on; a session whose event was lost records this writer as not answering): %llu receive-buffer overrun(s), %llu dropped for memory, %llu malformed",
		 (unsigned long long)l.overruns, (unsigned long long)l.dropped,
		 (unsigned long long)l.malformed);
	return 1;
}
