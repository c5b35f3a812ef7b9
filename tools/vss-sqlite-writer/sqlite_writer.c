// SPDX-License-Identifier: GPL-2.0
/*
 * vss-sqlite-writer: a writer for SQLite databases, so that a snapshot's
 * copy of the main database file alone holds every transaction committed
 * before Freeze and passes `PRAGMA integrity_check`.
 *
 * Why this is needed: in WAL mode a committed transaction lives in the -wal
 * file until a checkpoint copies it into the database file. A backup that
 * copies "the database" (the .db file) from a snapshot loses whatever the
 * WAL held, and copying .db and -wal together is only right if both are of
 * the same instant, which the backup software cannot know.
 *
 * What it does, per database on a volume of the set:
 *   PrepareForSnapshot  a PASSIVE checkpoint (never waits), to shorten Freeze's
 *   Freeze              a TRUNCATE checkpoint (waits for the app's writers
 *                       up to --busy-timeout; a failure is not fatal), then
 *                       BEGIN IMMEDIATE on a connection of its own (after
 *                       waiting for the lock byte with a blocking OFD lock:
 *                       SQLite's lock is not fair, hold.c): the
 *                       database's write lock, so no transaction commits
 *                       until Thaw; then PASSIVE checkpoints from a second
 *                       connection until every WAL frame is in the database
 *                       file (only readers of an older snapshot can delay
 *                       that, and only until their transaction ends).
 *                       In rollback-journal mode the write lock alone
 *                       suffices: committed data is in the database file.
 *   Thaw, Abort, BackupShutdown, its own freeze deadline, SIGTERM
 *                       ROLLBACK: the lock goes. If the process dies, the
 *                       kernel drops its file locks with it.
 *
 * Applications must set a busy timeout (sqlite3_busy_timeout(), PRAGMA
 * busy_timeout) longer than the freeze window they accept: a write started
 * while the lock is held waits for Thaw, and without one it fails at once
 * with SQLITE_BUSY. Readers are never blocked.
 */
#include <errno.h>
#include <getopt.h>
#include <libgen.h>
#include <limits.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>

#include <sqlite3.h>

#include <libvss.h>
#include <libvss-doc.h>

#include "hold.h"
#include "../common/writerd.h"

#define DEFAULT_NAME	"vss-sqlite-writer"

static const uint8_t sqlite_class_id[LIBVSS_ID_SIZE] = {
	0x53, 0x51, 0x4c, 0x69, 0x74, 0x65, 0x4b, 0x0b,
	0x8e, 0x2a, 0x76, 0x73, 0x73, 0x77, 0x72, 0x01,
};

struct sw {
	const char *name;
	uint32_t freeze_timeout_ms;
	long busy_ms;
	struct hold_db *dbs;
	unsigned int n;
	struct libvss_writer *w;
	uint32_t held_session;		/* whose Freeze holds the locks */
	long deadline_ms;		/* released by then whatever happens */
};

static uint32_t veto(struct sw *sw, uint32_t failure, int err,
		     const char *fmt, ...) __attribute__((format(printf, 4, 5)));
static uint32_t veto(struct sw *sw, uint32_t failure, int err,
		     const char *fmt, ...)
{
	char msg[VSS_MESSAGE_MAX];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	writerd_warn("%s", msg);
	libvss_writer_set_failure(sw->w, err, msg);
	return failure;
}

/* ---- locks ---- */

static void release(struct sw *sw, const char *why)
{
	unsigned int i;
	int held = 0;

	for (i = 0; i < sw->n; i++) {
		held += sw->dbs[i].held;
		hold_release(&sw->dbs[i]);
	}
	if (held)
		writerd_info("write locks released (%s) at mono %llu", why,
			     (unsigned long long)writerd_now_ns());
	sw->held_session = 0;
}

/*
 * Releases locks held for the whole freeze timeout, the module's Thaw or
 * Abort never having come; the ms until that deadline, -1 when nothing
 * is held (writerd_loop()'s tick).
 */
static long check_deadline(void *data)
{
	struct sw *sw = data;
	long wait_ms;

	if (!sw->held_session)
		return -1;
	wait_ms = sw->deadline_ms - writerd_now_ms();
	if (wait_ms > 0)
		return wait_ms;
	writerd_warn("session %u: held for the whole freeze timeout without Thaw or Abort",
		     sw->held_session);
	release(sw, "deadline");
	return -1;
}

static uint32_t freeze_db(struct sw *sw, struct hold_db *d, long end_ms)
{
	struct hold_result r;

	if (hold_take(d, sw->busy_ms, end_ms, &r))
		return veto(sw, VSS_WRITER_FAILURE_RETRYABLE, r.err, "%s", r.msg);
	if (r.wal)
		writerd_info("%s: write lock held since mono %llu, all %d WAL frames in the database file",
			     d->path, (unsigned long long)r.held_ns, r.frames);
	else
		writerd_info("%s: write lock held since mono %llu (rollback journal: committed data is in the database file)",
			     d->path, (unsigned long long)r.held_ns);
	return VSS_WRITER_FAILURE_NONE;
}

/* ---- events ---- */

/* Which databases live on a volume of the event's set. */
static unsigned int mark_involved(struct sw *sw, const struct libvss_event *ev)
{
	unsigned int i, v, nvol = libvss_event_volume_count(ev), count = 0;

	for (i = 0; i < sw->n; i++) {
		struct hold_db *d = &sw->dbs[i];
		struct stat dst;

		/* Unsure (cannot stat): take part, as holding a lock is harmless. */
		d->involved = stat(d->path, &dst) != 0;
		for (v = 0; !d->involved && v < nvol; v++) {
			struct stat vst;

			if (stat(libvss_event_volume(ev, v), &vst))
				d->involved = true;
			else if (S_ISBLK(vst.st_mode))
				d->involved = vst.st_rdev == dst.st_dev;
			else
				d->involved = vst.st_dev == dst.st_dev;
		}
		count += d->involved;
	}
	return count;
}

static uint32_t on_prepare_snapshot(struct libvss_writer *w,
				    const struct libvss_event *ev, void *data)
{
	struct sw *sw = data;
	unsigned int i;

	(void)w;
	writerd_info("session %u: prepare-snapshot: %u of %u databases on the set's volumes",
		     libvss_event_session_id(ev), mark_involved(sw, ev), sw->n);
	for (i = 0; i < sw->n; i++)
		if (sw->dbs[i].involved)
			hold_prepare(&sw->dbs[i]);
	return VSS_WRITER_FAILURE_NONE;
}

static uint32_t on_freeze(struct libvss_writer *w, const struct libvss_event *ev,
			  void *data)
{
	struct sw *sw = data;
	uint32_t failure = VSS_WRITER_FAILURE_NONE;
	long end_ms = writerd_now_ms() +
		      writerd_event_budget_ms(VSS_EVENT_FREEZE, sw->freeze_timeout_ms);
	unsigned int i;

	(void)w;
	if (sw->held_session)	/* one set at a time: cannot happen */
		return veto(sw, VSS_WRITER_FAILURE_RETRYABLE, EBUSY,
			    "frozen for session %u already", sw->held_session);
	sw->held_session = libvss_event_session_id(ev);
	sw->deadline_ms = writerd_now_ms() + sw->freeze_timeout_ms;
	for (i = 0; !failure && i < sw->n; i++)
		if (sw->dbs[i].involved)
			failure = freeze_db(sw, &sw->dbs[i], end_ms);
	if (failure)
		release(sw, "freeze failed");
	return failure;
}

/* Thaw, Abort and BackupShutdown: whichever comes first ends the freeze. */
static uint32_t on_end(struct libvss_writer *w, const struct libvss_event *ev,
		       void *data)
{
	struct sw *sw = data;

	(void)w;
	if (sw->held_session == libvss_event_session_id(ev))
		release(sw, libvss_event_name(libvss_event_type(ev)));
	return VSS_WRITER_FAILURE_NONE;
}

static const struct libvss_writer_ops sqlite_ops = {
	.on_prepare_snapshot = on_prepare_snapshot,
	.on_freeze = on_freeze,
	.on_thaw = on_end,
	.on_abort = on_end,
	.on_backup_shutdown = on_end,
};

/* ---- setup ---- */

/* One database component per file: the database and its WAL. */
static int make_metadata(struct sw *sw, const uint8_t instance_id[16],
			 char **json)
{
	struct libvss_wmd *wmd;
	unsigned int i;
	int err;

	err = libvss_wmd_new(sqlite_class_id, instance_id, sw->name, NULL, &wmd);
	if (!err)
		err = libvss_wmd_set_backup_types(wmd,
			LIBVSS_BACKUP_TYPE_BIT(VSS_BACKUP_TYPE_FULL) |
			LIBVSS_BACKUP_TYPE_BIT(VSS_BACKUP_TYPE_COPY));
	if (!err)
		err = libvss_wmd_set_restore_method(wmd,
			LIBVSS_RESTORE_STOP_START, NULL,
			LIBVSS_WRITER_RESTORE_NEVER, false);
	for (i = 0; !err && i < sw->n; i++) {
		char dir[PATH_MAX], file[PATH_MAX], wal[PATH_MAX + 8];
		struct libvss_wmd_component *c;

		snprintf(dir, sizeof(dir), "%s", sw->dbs[i].path);
		snprintf(file, sizeof(file), "%s", sw->dbs[i].path);
		snprintf(wal, sizeof(wal), "%s-wal", basename(file));
		err = libvss_wmd_add_component(wmd, LIBVSS_COMPONENT_DATABASE,
					       dirname(dir), basename(file),
					       "SQLite database",
					       LIBVSS_COMPONENT_F_SELECTABLE, &c);
		if (!err)
			err = libvss_wmd_add_database_files(c, dir, basename(file),
							    false, NULL);
		if (!err)
			err = libvss_wmd_add_log_files(c, dir, wal, false, NULL);
	}
	if (!err)
		err = libvss_wmd_to_json(wmd, json);
	libvss_wmd_free(wmd);
	return err;
}

static void usage(FILE *f)
{
	fprintf(f,
"usage: vss-sqlite-writer [OPTIONS] DATABASE...\n"
"  --name NAME               writer name, also its instance (default " DEFAULT_NAME ")\n"
"  --freeze-timeout SECONDS  Freeze to Thaw at most (default 60); the\n"
"                            applications' busy timeout must be longer\n"
"  --busy-timeout SECONDS    how long Freeze waits for a running write\n"
"                            transaction (default 10)\n"
"  --rcvbuf BYTES            the socket's receive buffer (K, M; default 1M):\n"
"                            events that do not fit are lost, and logged\n");
}

int main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "name", required_argument, NULL, 'n' },
		{ "freeze-timeout", required_argument, NULL, 'z' },
		{ "busy-timeout", required_argument, NULL, 'b' },
		{ "rcvbuf", required_argument, NULL, 'r' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct sw sw = {
		.name = DEFAULT_NAME, .freeze_timeout_ms = 60000, .busy_ms = 10000,
	};
	uint8_t instance_id[LIBVSS_ID_SIZE];
	struct libvss_ctx *ctx = NULL;
	char *metadata = NULL;
	unsigned int i;
	int c, err, sfd, ret = 1;
	uint32_t rcvbuf = 0;
	long ms;

	while ((c = getopt_long(argc, argv, "n:h", opts, NULL)) != -1) {
		switch (c) {
		case 'n': sw.name = optarg; break;
		case 'z':
		case 'b':
			ms = writerd_parse_seconds(optarg, 3600000);
			if (ms < 0) {
				fprintf(stderr, DEFAULT_NAME ": bad time: %s\n", optarg);
				return 2;
			}
			if (c == 'z')
				sw.freeze_timeout_ms = (uint32_t)ms;
			else
				sw.busy_ms = ms;
			break;
		case 'r':
			if ((ms = writerd_parse_bytes(optarg)) < 0) {
				fprintf(stderr, DEFAULT_NAME ": bad size: %s\n", optarg);
				return 2;
			}
			rcvbuf = (uint32_t)ms;
			break;
		case 'h': usage(stdout); return 0;
		default: usage(stderr); return 2;
		}
	}
	if (optind == argc || !sw.name[0]) {
		usage(stderr);
		return 2;
	}
	writerd_log_init(DEFAULT_NAME);
	sw.n = (unsigned int)(argc - optind);
	sw.dbs = calloc(sw.n, sizeof(*sw.dbs));
	if (!sw.dbs)
		return 1;
	for (i = 0; i < sw.n; i++) {
		char msg[PATH_MAX + 128];

		if (hold_open(&sw.dbs[i], argv[optind + i], msg, sizeof(msg))) {
			writerd_err("%s", msg);
			goto out;
		}
		writerd_info("%s: %s mode", sw.dbs[i].path,
			     hold_is_wal(&sw.dbs[i]) ? "WAL" : "rollback-journal");
	}
	sfd = writerd_signalfd();
	if (sfd < 0) {
		writerd_err("signalfd: %s", strerror(-sfd));
		goto out;
	}

	writerd_instance_id(sw.name, instance_id);
	err = make_metadata(&sw, instance_id, &metadata);
	if (!err) {
		struct libvss_open_opts oo = { .sz = sizeof(oo), .rcvbuf_bytes = rcvbuf };

		err = libvss_open_opts(&ctx, &oo);
	}
	if (!err)
		err = libvss_writer_new(ctx, &sqlite_ops, &sw, &sw.w);
	if (!err)
		err = libvss_writer_set_metadata(sw.w, metadata);
	if (!err)
		err = libvss_writer_set_freeze_timeout_ms(sw.w, sw.freeze_timeout_ms);
	if (!err)
		err = libvss_writer_register(sw.w, sqlite_class_id, instance_id,
					     sw.name, VSS_WRITER_LEVEL_BACK_END);
	free(metadata);
	if (err) {
		writerd_err("register writer %s: %s", sw.name,
			    libvss_ext_error(ctx) ? libvss_ext_error(ctx) : strerror(-err));
		goto out_sfd;
	}
	writerd_info("writer %s registered (id %u), %u databases", sw.name,
		     libvss_writer_id(sw.w), sw.n);
	writerd_notify("READY=1");

	ret = writerd_loop(ctx, sfd, check_deadline, &sw);
	writerd_notify("STOPPING=1");
	release(&sw, "exit");
out_sfd:
	libvss_writer_free(sw.w);
	libvss_close(ctx);
	close(sfd);
out:
	for (i = 0; i < sw.n; i++)
		hold_close(&sw.dbs[i]);
	free(sw.dbs);
	return ret;
}
