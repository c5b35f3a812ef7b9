// SPDX-License-Identifier: GPL-2.0
/*
 * `vssctl monitor`: what happens to snapshots, diff storage, sessions and
 * filesystem freezes, as the module announces it on its monitor group, one
 * event per line (with -j, one JSON object per line) until SIGINT or
 * SIGTERM, as `ip monitor` and `devlink monitor` do.
 *
 * Words after `monitor` pick the kinds of events; none is every kind. The
 * command table cannot carry a list, so each kind is a command whose
 * handler takes the others as its arguments.
 */
#include <errno.h>
#include <inttypes.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/signalfd.h>

#include "print.h"
#include "vssctl.h"

enum {
	KIND_SNAPSHOT	= 1,
	KIND_STORAGE	= 2,
	KIND_SESSION	= 4,
	KIND_FS		= 8,
	KIND_ALL	= 15,
};

static const char *const kind_names[] = { "snapshot", "storage", "session", "fs" };
#define N_KINDS	((int)(sizeof(kind_names) / sizeof(kind_names[0])))

static unsigned int kind_of(uint32_t type)
{
	switch (type) {
	case VSS_CMD_SNAPSHOT_CREATED_NTF:
	case VSS_CMD_SNAPSHOT_DELETED_NTF:
	case VSS_CMD_SNAPSHOT_INVALID_NTF:
		return KIND_SNAPSHOT;
	case VSS_CMD_STORAGE_THRESHOLD_NTF:
		return KIND_STORAGE;
	case VSS_CMD_SESSION_STATE_NTF:
		return KIND_SESSION;
	case VSS_CMD_FS_FROZEN_NTF:
	case VSS_CMD_FS_THAWED_NTF:
		return KIND_FS;
	}
	return 0;
}

/* "2026-11-22T13:05:01.123Z": when vssctl received the event. */
#define STAMP_LEN	48
static const char *stamp(char buf[STAMP_LEN])
{
	struct timespec ts;
	struct tm tm;
	char s[24];

	clock_gettime(CLOCK_REALTIME, &ts);
	if (!gmtime_r(&ts.tv_sec, &tm) ||
	    !strftime(s, sizeof(s), "%Y-%m-%dT%H:%M:%S", &tm))
		snprintf(s, sizeof(s), "%lld", (long long)ts.tv_sec);
	snprintf(buf, STAMP_LEN, "%s.%03uZ", s,
		 (unsigned int)(ts.tv_nsec / 1000000) % 1000);
	return buf;
}

static void print_snapshot(const struct libvss_monitor_event *ev)
{
	uint32_t reason = libvss_monitor_event_invalid_reason(ev);
	char id[LIBVSS_ID_STRING_SIZE], dev[64];

	print_string(PRINT_ANY, "id", " id %s",
		     libvss_id_to_string(libvss_monitor_event_snapshot_id(ev), id));
	print_string(PRINT_ANY, "set_id", " set %s",
		     libvss_id_to_string(libvss_monitor_event_set_id(ev), id));
	print_string(PRINT_ANY, "origin", " origin %s",
		     libvss_monitor_event_origin(ev));
	/* As `snapshot list` names it, so the two can be matched. */
	snprintf(dev, sizeof(dev), "/dev/%s", libvss_monitor_event_device(ev));
	print_string(PRINT_ANY, "device", " device %s", dev);
	if (libvss_monitor_event_type(ev) == VSS_CMD_SNAPSHOT_INVALID_NTF)
		print_enum(PRINT_ANY, "reason", " reason %s",
			   libvss_invalid_reason_name(reason), reason);
}

static void print_threshold(const struct libvss_monitor_event *ev)
{
	char size[VSSCTL_SIZE_LEN];

	print_string(PRINT_ANY, "origin", " origin %s",
		     libvss_monitor_event_origin(ev));
	print_uint(PRINT_ANY, "threshold", " threshold %u%%",
		   libvss_monitor_event_threshold(ev));
	print_u64(PRINT_JSON, "used_bytes", NULL,
		  libvss_monitor_event_used_bytes(ev));
	print_u64(PRINT_JSON, "max_bytes", NULL,
		  libvss_monitor_event_max_bytes(ev));
	print_string(PRINT_FP, NULL, " used %s",
		     vssctl_format_size(libvss_monitor_event_used_bytes(ev), size));
	print_string(PRINT_FP, NULL, " of %s",
		     vssctl_format_size(libvss_monitor_event_max_bytes(ev), size));
}

static void print_session(const struct libvss_monitor_event *ev)
{
	uint32_t type = libvss_monitor_event_session_type(ev);
	uint32_t state = libvss_monitor_event_session_state(ev);
	uint32_t op = libvss_monitor_event_session_op(ev);
	const uint8_t *set = libvss_monitor_event_set_id(ev);
	char id[LIBVSS_ID_STRING_SIZE];

	print_uint(PRINT_ANY, "session", " session %u",
		   libvss_monitor_event_session_id(ev));
	vssctl_print_session_state(type, state, op);
	print_uint(PRINT_ANY, "owner", " owner %u", libvss_monitor_event_owner(ev));
	if (set)
		print_string(PRINT_ANY, "set_id", " set %s",
			     libvss_id_to_string(set, id));
}

static void print_fs(const struct libvss_monitor_event *ev)
{
	uint32_t reason = libvss_monitor_event_thaw_reason(ev);
	uint32_t owner = libvss_monitor_event_owner(ev);
	bool detached = libvss_monitor_event_flags(ev) & VSS_FS_F_DETACHED;
	bool thawed = libvss_monitor_event_type(ev) == VSS_CMD_FS_THAWED_NTF;
	uint64_t ns = libvss_monitor_event_frozen_ns(ev);
	char d[DURATION_LEN];

	print_string(PRINT_ANY, "path", " %s", libvss_monitor_event_path(ev));
	print_string(PRINT_ANY, "device", " device %s",
		     libvss_monitor_event_device(ev));
	print_uint(detached ? PRINT_JSON : PRINT_ANY, "owner", " owner %u", owner);
	print_bool(PRINT_JSON, "detached", NULL, detached);
	if (detached)
		print_string(PRINT_FP, NULL, "%s", " detached");
	print_uint(PRINT_JSON, "timeout_ms", NULL,
		   libvss_monitor_event_timeout_ms(ev));
	print_string(PRINT_FP, NULL, " timeout %s",
		     vssctl_duration_str(libvss_monitor_event_timeout_ms(ev), d));
	if (!thawed)
		return;
	print_enum(PRINT_ANY, "reason", " reason %s",
		   libvss_thaw_reason_name(reason), reason);
	print_u64(PRINT_JSON, "frozen_ns", NULL, ns);
	print_string(PRINT_FP, NULL, " frozen %s",
		     vssctl_seconds_str(ns / 1000000, d));
}

static void on_event(struct libvss_ctx *ctx,
		     const struct libvss_monitor_event *ev, void *data)
{
	const unsigned int *kinds = data;
	uint32_t type = libvss_monitor_event_type(ev);
	char ts[STAMP_LEN];

	(void)ctx;
	if (!(kind_of(type) & *kinds))
		return;
	new_json_obj();
	print_string(PRINT_ANY, "time", "%s", stamp(ts));
	print_enum(PRINT_ANY, "event", " %s",
		   libvss_monitor_event_name(type), type);
	switch (kind_of(type)) {
	case KIND_SNAPSHOT:
		print_snapshot(ev);
		break;
	case KIND_STORAGE:
		print_threshold(ev);
		break;
	case KIND_SESSION:
		print_session(ev);
		break;
	case KIND_FS:
		print_fs(ev);
		break;
	}
	print_nl();
	delete_json_obj();
	/* Each line as it happens, also into a pipe. */
	fflush(stdout);
}

/* Waits for events until a signal of @sigs; returns an exit code. */
/* On stderr, after what was printed: the events lost, by cause. */
static void report_losses(struct libvss_ctx *ctx)
{
	struct libvss_losses l;

	if (!libvss_lost(ctx, &l))
		return;
	fflush(stdout);
	if (l.overruns)
		fprintf(stderr, "vssctl: the socket's receive buffer overflowed %" PRIu64
			" time(s): notifications were lost\n", l.overruns);
	if (l.dropped)
		fprintf(stderr, "vssctl: %" PRIu64 " notification(s) dropped: out of memory\n",
			l.dropped);
	if (l.malformed)
		fprintf(stderr, "vssctl: %" PRIu64 " malformed notification(s) dropped\n",
			l.malformed);
}

static int monitor_loop(struct libvss_ctx *ctx, const sigset_t *sigs)
{
	struct pollfd pfd[2] = {
		{ .fd = libvss_fd(ctx), .events = POLLIN },
		{ .fd = signalfd(-1, sigs, SFD_CLOEXEC), .events = POLLIN },
	};
	int ret = VSSCTL_OK, err;

	if (pfd[0].fd < 0 || pfd[1].fd < 0) {
		err = pfd[0].fd < 0 ? pfd[0].fd : -errno;
		ret = vssctl_lib_error(NULL, err, "cannot wait for events");
		goto out;
	}
	for (;;) {
		if (poll(pfd, 2, -1) < 0) {
			if (errno == EINTR)
				continue;
			ret = vssctl_lib_error(NULL, -errno, "cannot wait for events");
			break;
		}
		if (pfd[1].revents)
			break;
		err = libvss_process(ctx);
		if (err < 0) {
			ret = vssctl_lib_error(ctx, err, "cannot read events");
			break;
		}
		/* Lost or malformed: say so and go on; what follows is intact. */
		report_losses(ctx);
	}
out:
	if (pfd[1].fd >= 0)
		close(pfd[1].fd);
	return ret;
}

static int monitor_run(unsigned int kinds, int argc, char **argv)
{
	struct libvss_ctx *ctx;
	sigset_t sigs;
	int i, k, ret, err;

	for (i = 0; i < argc; i++) {
		k = vssctl_match(argv[i], kind_names, N_KINDS);
		if (k < 0)
			return vssctl_usage_error("%s kind of event \"%s\": snapshot, storage, session or fs",
						  k == -2 ? "ambiguous" : "unknown",
						  argv[i]);
		kinds |= 1u << k;
	}
	if (!kinds)
		kinds = KIND_ALL;
	/* Blocked first: a signal sent once we listen ends the loop. */
	sigemptyset(&sigs);
	sigaddset(&sigs, SIGINT);
	sigaddset(&sigs, SIGTERM);
	sigprocmask(SIG_BLOCK, &sigs, NULL);
	ret = vssctl_open(&ctx);
	if (ret)
		return ret;
	err = libvss_monitor_start(ctx, on_event, &kinds);
	if (err) {
		ret = vssctl_lib_error(ctx, err, "cannot join the monitor group");
		if (err == -EPERM)
			vssctl_hint("the monitor shows every user's backups: run it as root");
		else if (err == -EOPNOTSUPP)
			vssctl_hint("the loaded module has no monitor group; load a newer one");
		goto out;
	}
	ret = monitor_loop(ctx, &sigs);
out:
	libvss_close(ctx);
	return ret;
}

static int cmd_monitor_all(int argc, char **argv)
{
	return monitor_run(0, argc, argv);
}

static int cmd_monitor_snapshot(int argc, char **argv)
{
	return monitor_run(KIND_SNAPSHOT, argc, argv);
}

static int cmd_monitor_storage(int argc, char **argv)
{
	return monitor_run(KIND_STORAGE, argc, argv);
}

static int cmd_monitor_session(int argc, char **argv)
{
	return monitor_run(KIND_SESSION, argc, argv);
}

static int cmd_monitor_fs(int argc, char **argv)
{
	return monitor_run(KIND_FS, argc, argv);
}

static const struct vssctl_cmd monitor_cmds[] = {
	{ "all", cmd_monitor_all, NULL,
	  "every event, one line each (-j: a JSON object), with the time it\n"
	  "      was received, until SIGINT or SIGTERM; needs CAP_SYS_ADMIN" },
	{ "snapshot", cmd_monitor_snapshot, "[storage|session|fs]...",
	  "snapshots created, deleted, invalidated; and the kinds named after" },
	{ "storage", cmd_monitor_storage, "[snapshot|session|fs]...",
	  "diff storage use crossing a threshold" },
	{ "session", cmd_monitor_session, "[snapshot|storage|fs]...",
	  "backup and restore sessions changing state" },
	{ "fs", cmd_monitor_fs, "[snapshot|storage|session]...",
	  "filesystems frozen and thawed by fs freeze (vssctl or libvss)" },
	{ 0 },
};

const struct vssctl_object vssctl_obj_monitor = {
	.name = "monitor",
	.help = "events as they happen",
	.cmds = monitor_cmds,
};
