// SPDX-License-Identifier: GPL-2.0
/*
 * The writer daemons' main loop and what their event callbacks share:
 * apart from writerd.c, which the unit tests link without libvss.
 */
#include <errno.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/signalfd.h>

#include <libvss.h>

#include "writerd.h"

/* Reads the signals that came: true if one stops the daemon. */
static bool read_signals(int sfd)
{
	struct signalfd_siginfo si;
	bool stop = false;

	while (read(sfd, &si, sizeof(si)) == sizeof(si)) {
		/* The daemons read their configuration at every event. */
		if (si.ssi_signo == SIGHUP)
			continue;
		writerd_log(LOG_INFO, "signal %u: stopping", si.ssi_signo);
		stop = true;
	}
	return stop;
}

int writerd_loop(struct libvss_ctx *ctx, int sfd, long (*tick)(void *data),
		 void *data)
{
	bool stop = false;
	char lost[256];
	int err;

	while (!stop) {
		struct pollfd pfd[2] = {
			{ .fd = libvss_fd(ctx), .events = POLLIN },
			{ .fd = sfd, .events = POLLIN },
		};
		long wait_ms = tick ? tick(data) : -1;

		if (poll(pfd, 2, wait_ms < 0 ? -1 :
			 (int)(wait_ms > INT_MAX ? INT_MAX : wait_ms)) < 0 &&
		    errno != EINTR) {
			writerd_log(LOG_ERR, "poll: %s", strerror(errno));
			return 1;
		}
		if (pfd[1].revents & POLLIN)
			stop = read_signals(sfd);
		if (!pfd[0].revents)
			continue;
		err = libvss_process(ctx);
		if (err < 0) {
			writerd_log(LOG_ERR, "libvss: %s", libvss_ext_error(ctx) ?
				    libvss_ext_error(ctx) : strerror(-err));
			return 1;
		}
		if (writerd_losses(ctx, lost, sizeof(lost)))
			writerd_log(LOG_WARNING, "%s", lost);
	}
	return 0;
}

uint32_t writerd_veto(struct libvss_writer *w, uint32_t failure, int err,
		      const char *msg)
{
	writerd_warn("%s", msg);
	libvss_writer_set_failure(w, err, msg);
	return failure;
}

const char **writerd_event_volumes(const struct libvss_event *ev,
				   char set_id[LIBVSS_ID_STRING_SIZE])
{
	unsigned int i, n = libvss_event_volume_count(ev);
	const char **vols = calloc(n + 1, sizeof(*vols));

	if (!vols)
		return NULL;
	for (i = 0; i < n; i++)
		vols[i] = libvss_event_volume(ev, i);
	if (libvss_event_set_id(ev))
		libvss_id_to_string(libvss_event_set_id(ev), set_id);
	else
		strcpy(set_id, "none");
	return vols;
}
