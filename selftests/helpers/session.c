// SPDX-License-Identifier: GPL-2.0
/*
 * A requester and a writer in one process, through libvss, for the shell
 * selftests of `vssctl session` and `vssctl monitor`: it makes a session
 * and reports, one line each on stdout, what its owner and its writer see
 * when someone else aborts it.
 *
 *   vss-test-session pending   Identify waits on a writer that does not
 *       answer; prints "session ID pending", then when the operation ends
 *       "gather STATE ERRNO-NAME STATUS" (the owner's async).
 *   vss-test-session prepared  Identify and PrepareForBackup answered;
 *       prints "session ID prepared", then each event the writer gets
 *       after that ("writer abort").
 *   vss-test-session full      A backup without snapshots: gather,
 *       prepare, then release at once; prints "session ID prepared".
 *
 * Then, in every mode, "state NAME" (the module's state of the session,
 * SESSION_GET) and "released" once it freed the backup. It waits at most
 * 60 s for anything (exit 1 then); exit 2 on a failed call.
 */
#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <libvss.h>

static struct libvss_ctx *wctx, *rctx;
static int seen_abort;
static int quiet_writer;	/* "pending": events wait unanswered */

static uint32_t on_event(struct libvss_writer *w, const struct libvss_event *ev,
			 void *data)
{
	uint32_t t = libvss_event_type(ev);

	(void)w;
	if (t == VSS_EVENT_ABORT)
		seen_abort = 1;
	if (*(const int *)data)
		printf("writer %s\n", libvss_event_name(t));
	fflush(stdout);
	return VSS_WRITER_FAILURE_NONE;
}

static const struct libvss_writer_ops ops = {
	.on_identify = on_event, .on_prepare_backup = on_event,
	.on_abort = on_event, .on_backup_shutdown = on_event,
};

static void die(const char *what, int err)
{
	fprintf(stderr, "helper: %s: %s: %s\n", what, strerror(-err),
		libvss_ext_error(rctx) ? libvss_ext_error(rctx) : "");
	exit(2);
}

/* Serves both contexts for up to @ms, or until *@until is set / @a ends. */
static int serve(int ms, const int *until, struct libvss_async *a)
{
	struct pollfd pfd[2] = {
		{ .fd = libvss_fd(rctx), .events = POLLIN },
		{ .fd = libvss_fd(wctx), .events = POLLIN },
	};
	int waited = 0;

	while (waited < ms) {
		if (until && *until)
			return 0;
		if (a && libvss_async_status(a, NULL) != LIBVSS_ASYNC_PENDING)
			return 0;
		if (poll(pfd, quiet_writer ? 1 : 2, 100) < 0)
			return -errno;
		waited += 100;
		libvss_process(rctx);
		if (!quiet_writer)
			libvss_process(wctx);
	}
	return -ETIMEDOUT;
}

static int wait_op(struct libvss_async *a)
{
	int result = 0;

	if (serve(60000, NULL, a))
		return -ETIMEDOUT;
	libvss_async_status(a, &result);
	return result;
}

int main(int argc, char **argv)
{
	uint8_t class_id[LIBVSS_ID_SIZE] = { 0x7e, 0x57 };
	uint8_t inst_id[LIBVSS_ID_SIZE] = { 0 };
	struct libvss_session *s;
	struct libvss_writer *w;
	struct libvss_backup *b;
	struct libvss_async *a;
	int err, result, st, logging;
	const char *mode = argc > 1 ? argv[1] : "";
	pid_t pid = getpid();

	memcpy(inst_id, &pid, sizeof(pid));
	quiet_writer = !strcmp(mode, "pending");
	if (!quiet_writer && strcmp(mode, "prepared") && strcmp(mode, "full")) {
		fprintf(stderr, "usage: %s pending|prepared|full\n", argv[0]);
		return 2;
	}
	if ((err = libvss_open(&wctx)) || (err = libvss_open(&rctx)))
		die("open", err);
	/* data: whether events are printed; not before the session is. */
	logging = 0;
	if ((err = libvss_writer_new(wctx, &ops, &logging, &w)))
		die("writer_new", err);
	if ((err = libvss_writer_register(w, class_id, inst_id, "helper",
					  VSS_WRITER_LEVEL_BACK_END)))
		die("writer_register", err);
	if ((err = libvss_backup_new(rctx, &b)))
		die("backup_new", err);
	if ((err = libvss_backup_gather_metadata(b, &a)))
		die("gather", err);

	if (quiet_writer) {
		printf("session %u pending\n", libvss_backup_id(b));
		fflush(stdout);
		if (serve(60000, NULL, a))
			return 1;
		st = libvss_async_status(a, &result);
		printf("gather %s %s %s\n",
		       st == LIBVSS_ASYNC_CANCELLED ? "cancelled" :
		       st == LIBVSS_ASYNC_FINISHED ? "finished" : "pending",
		       result == -ECANCELED ? "ECANCELED" : result ? "error" : "0",
		       libvss_status_name((uint32_t)libvss_async_vss_status(a)));
		libvss_async_free(a);
	} else {
		if ((err = wait_op(a)))
			die("gather wait", err);
		libvss_async_free(a);
		libvss_backup_set_type(b, VSS_BACKUP_TYPE_FULL);
		if ((err = libvss_backup_prepare(b, &a)))
			die("prepare", err);
		if ((err = wait_op(a)))
			die("prepare wait", err);
		libvss_async_free(a);
		if (!strcmp(mode, "prepared")) {
			printf("session %u prepared\n", libvss_backup_id(b));
			fflush(stdout);
			/* From here on, the writer says what it gets. */
			logging = 1;
			if (serve(60000, &seen_abort, NULL))
				return 1;
		} else {
			printf("session %u prepared\n", libvss_backup_id(b));
		}
	}
	if ((err = libvss_session_get(rctx, libvss_backup_id(b), &s)))
		die("session_get", err);
	printf("state %s\n", libvss_session_state_name(libvss_session_state(s)));
	libvss_session_free(s);
	libvss_backup_free(b);
	printf("released\n");
	fflush(stdout);
	libvss_writer_free(w);
	libvss_close(rctx);
	libvss_close(wctx);
	return 0;
}
