// SPDX-License-Identifier: GPL-2.0
/*
 * `vssctl backup`: waiting. Signals are read from a signalfd, polled
 * together with the library's fd, so a wait is never blocked in the
 * library and a stop signal cancels the operation under way.
 */
#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <string.h>
#include <sys/signalfd.h>
#include <unistd.h>

#include "backup.h"
#include "vssctl.h"

static bool stop_signal(int sig)
{
	return sig == SIGINT || sig == SIGTERM || sig == SIGHUP;
}

/*
 * Reads the signals that came (without waiting), noting the first that
 * stops the backup. Returns whether one did, now or before.
 */
bool backup_read_signals(struct backup *bk)
{
	struct signalfd_siginfo si;

	while (read(bk->sigfd, &si, sizeof(si)) == sizeof(si)) {
		int sig = (int)si.ssi_signo;

		if (sig == SIGCONT)
			bk->continued = true;
		if (!stop_signal(sig))
			continue;
		if (!bk->signo) {
			bk->signo = sig;
			say("%s: stopping the backup", sig_name(sig));
			if (bk->child > 0)
				kill(-bk->child, sig);
		} else if (bk->child > 0) {
			say("%s again: killing COMMAND", sig_name(sig));
			kill(-bk->child, SIGKILL);
		}
	}
	return bk->signo;
}

/* Waits for @fds[0] (signals) or @fds[1] (the library). */
int backup_wait_fds(struct backup *bk)
{
	struct pollfd fds[2] = {
		{ .fd = bk->sigfd, .events = POLLIN },
		{ .fd = bk->lib_failed ? -1 : libvss_fd(bk->ctx), .events = POLLIN },
	};
	int err;

	if (poll(fds, 2, -1) < 0 && errno != EINTR)
		return -errno;
	if (fds[0].revents)
		backup_read_signals(bk);
	if (fds[1].revents) {
		err = libvss_process(bk->ctx);
		if (err < 0)
			return err;
	}
	return 0;
}

/*
 * Waits for the operation @a (started with @err) to end, cancelling it on a
 * stop signal, and frees it: 0, or why it failed (reported).
 */
int backup_finish(struct backup *bk, const char *what, int err,
		  struct libvss_async *a)
{
	bool cancelled = false;
	const char *msg;
	int result = 0, state;

	if (err) {
		vssctl_lib_error(bk->ctx, err, "%s", what);
		return err;
	}
	while ((state = libvss_async_status(a, &result)) == LIBVSS_ASYNC_PENDING) {
		if (bk->signo && !cancelled) {
			cancelled = true;
			err = libvss_async_cancel(a);
			if (err && err != -EBADFD)
				vssctl_lib_error(bk->ctx, err, "cannot abort %s", what);
			continue;
		}
		err = backup_wait_fds(bk);
		if (err) {
			vssctl_lib_error(bk->ctx, err, "waiting for %s", what);
			libvss_async_free(a);
			return err;
		}
	}
	if (state == LIBVSS_ASYNC_CANCELLED && !result)
		result = -ECANCELED;
	if (result && !bk->signo) {
		msg = libvss_async_message(a);
		say("%s: %s%s%s (status %s)", what, strerror(-result),
		    msg && *msg ? ": " : "", msg ? msg : "",
		    name_or(libvss_status_name((uint32_t)libvss_async_vss_status(a)),
			    "?"));
	}
	libvss_async_free(a);
	return result;
}
