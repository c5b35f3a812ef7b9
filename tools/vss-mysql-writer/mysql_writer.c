// SPDX-License-Identifier: GPL-2.0
/*
 * vss-mysql-writer: a writer for MariaDB servers, so that a snapshot set
 * of a server's volumes is taken under MariaDB's backup locks (its
 * non-transactional tables consistent, its binary log position that of
 * the engines), and a set missing one of its volumes is refused.
 *
 * Per server (one line each, "SOCKET [USER [OPTION-FILE]]", from
 * /etc/vss/mysql-writer.conf or -S):
 *   Identify            its paths read anew (datadir, the InnoDB data,
 *                       undo and log directories, the binary log's, the
 *                       Aria log's): one component each
 *   PrepareForSnapshot  a server with a path on the set's volumes must
 *                       have all of them there (a non-retryable veto names
 *                       the missing path and its volume); then BACKUP
 *                       STAGE START and FLUSH in a connection of its own,
 *                       held open across the set
 *   Freeze              BACKUP STAGE BLOCK_DDL and BLOCK_COMMIT; the
 *                       binary log and GTID positions read under them
 *   Thaw                BACKUP STAGE END; the positions go into the set's
 *                       result document (result.h)
 *   Abort, BackupShutdown, --freeze-timeout, --backup-timeout, SIGTERM
 *                       BACKUP STAGE END and the connection closed. If the
 *                       writer dies, its connections close and the server
 *                       drops their locks.
 */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>

#include <libvss.h>

#include "myw.h"
#include "../common/writerd.h"

#define DEFAULT_NAME	"vss-mysql-writer"
#define DEFAULT_CONFIG	"/etc/vss/mysql-writer.conf"
#define DEFAULT_STATE	"/var/lib/vss-mysql-writer"

static const uint8_t mysql_class_id[LIBVSS_ID_SIZE] = {
	0x4d, 0x61, 0x72, 0x69, 0x61, 0x44, 0x42, 0x20,
	0x8e, 0x2a, 0x76, 0x73, 0x73, 0x77, 0x72, 0x03,
};

struct mw {
	struct myw myw;
	struct libvss_writer *w;
	uint8_t instance_id[LIBVSS_ID_SIZE];
};

/*
 * A test's hook (writerd_test_stop_at(); selftests/vss/mysql_writer.sh): with
 * VSS_MYSQL_WRITER_TEST_STOP=PHASE in its environment, the writer stops
 * itself (SIGSTOP) at that point of an event, so that a test can SIGKILL it
 * there and nowhere else: "identify" as Identify comes, "prepare" once
 * PrepareForSnapshot has taken BACKUP STAGE START and FLUSH, "freeze" once
 * Freeze has taken BLOCK_DDL and BLOCK_COMMIT, "thaw" as Thaw comes (before
 * BACKUP STAGE END). Each phase is where the callbacks below call
 * writerd_test_stop_at().
 */

/* ---- events ---- */

static uint32_t on_identify(struct libvss_writer *w, const struct libvss_event *ev,
			    void *data)
{
	struct mw *mw = data;
	char *json = NULL;
	int err;

	(void)ev;
	writerd_test_stop_at("identify");
	myw_identify(&mw->myw);
	err = myw_metadata(&mw->myw, mysql_class_id, mw->instance_id, &json);
	if (!err)
		err = libvss_writer_set_metadata(w, json);
	free(json);
	if (err)	/* the document set at start is answered */
		writerd_warn("metadata: %s", strerror(-err));
	return VSS_WRITER_FAILURE_NONE;
}

static uint32_t on_prepare_snapshot(struct libvss_writer *w,
				    const struct libvss_event *ev, void *data)
{
	struct mw *mw = data;
	unsigned int nvol = libvss_event_volume_count(ev);
	char set_id[LIBVSS_ID_STRING_SIZE], msg[VSS_MESSAGE_MAX];
	const char **vols = writerd_event_volumes(ev, set_id);
	bool retryable;
	int err;

	(void)w;
	if (!vols)
		return writerd_veto(mw->w, VSS_WRITER_FAILURE_OUT_OF_RESOURCES, ENOMEM,
			    "out of memory");
	err = myw_prepare(&mw->myw, libvss_event_session_id(ev), set_id, vols, nvol,
			  writerd_event_budget_ms(VSS_EVENT_PREPARE_SNAPSHOT, 0),
			  msg, sizeof(msg), &retryable);
	free(vols);
	if (err)
		return writerd_veto(mw->w, retryable ? VSS_WRITER_FAILURE_RETRYABLE :
			    VSS_WRITER_FAILURE_NON_RETRYABLE,
			    retryable ? EAGAIN : ENOENT, msg);
	writerd_test_stop_at("prepare");
	return VSS_WRITER_FAILURE_NONE;
}

static uint32_t on_freeze(struct libvss_writer *w, const struct libvss_event *ev,
			  void *data)
{
	struct mw *mw = data;
	char msg[VSS_MESSAGE_MAX];

	(void)w;
	if (myw_freeze(&mw->myw, libvss_event_session_id(ev),
		       writerd_event_budget_ms(VSS_EVENT_FREEZE,
					       (uint32_t)mw->myw.freeze_timeout_ms),
		       msg, sizeof(msg)))
		return writerd_veto(mw->w, VSS_WRITER_FAILURE_RETRYABLE, ETIMEDOUT, msg);
	writerd_test_stop_at("freeze");
	return VSS_WRITER_FAILURE_NONE;
}

static uint32_t on_thaw(struct libvss_writer *w, const struct libvss_event *ev,
			void *data)
{
	struct mw *mw = data;
	char msg[VSS_MESSAGE_MAX];

	(void)w;
	writerd_test_stop_at("thaw");
	if (myw_thaw(&mw->myw, libvss_event_session_id(ev), msg, sizeof(msg)))
		return writerd_veto(mw->w, VSS_WRITER_FAILURE_RETRYABLE, EIO, msg);
	return VSS_WRITER_FAILURE_NONE;
}

/* Abort and BackupShutdown: whichever comes releases the locks. */
static uint32_t on_end(struct libvss_writer *w, const struct libvss_event *ev,
		       void *data)
{
	struct mw *mw = data;

	(void)w;
	myw_end(&mw->myw, libvss_event_session_id(ev),
		libvss_event_name(libvss_event_type(ev)));
	return VSS_WRITER_FAILURE_NONE;
}

static const struct libvss_writer_ops mysql_ops = {
	.on_identify = on_identify,
	.on_prepare_snapshot = on_prepare_snapshot,
	.on_freeze = on_freeze,
	.on_thaw = on_thaw,
	.on_abort = on_end,
	.on_backup_shutdown = on_end,
};

/* ---- setup ---- */

static int add_server(struct myw *p, const char *line)
{
	struct mys *grown = realloc(p->sv, (p->n + 1) * sizeof(*grown));
	char msg[PATH_MAX + 128];

	if (!grown)
		return -1;
	p->sv = grown;
	if (mys_init(&p->sv[p->n], line, msg, sizeof(msg))) {
		fprintf(stderr, DEFAULT_NAME ": %s\n", msg);
		return -1;
	}
	p->n++;
	return 0;
}

/* One server a line; blank lines and '#' comments skipped. */
static int read_config(struct myw *p, const char *path)
{
	FILE *f = fopen(path, "re");
	char *line = NULL;
	size_t cap = 0;
	ssize_t len;
	int err = 0;

	if (!f) {
		fprintf(stderr, DEFAULT_NAME ": %s: %s\n", path, strerror(errno));
		return -1;
	}
	while (!err && (len = getline(&line, &cap, f)) >= 0) {
		char *s = line, *e;

		while (*s == ' ' || *s == '\t')
			s++;
		e = s + strlen(s);
		while (e > s && (e[-1] == '\n' || e[-1] == ' ' || e[-1] == '\t' || e[-1] == '\r'))
			*--e = 0;
		if (*s && *s != '#')
			err = add_server(p, s);
	}
	free(line);
	fclose(f);
	return err;
}

static void usage(FILE *f)
{
	fprintf(f,
"usage: vss-mysql-writer [OPTIONS]\n"
"  -S, --server 'SOCKET [USER [OPTION-FILE]]'\n"
"                            a server: its unix socket, the user (default:\n"
"                            the option file's, else root by unix_socket) and\n"
"                            an option file with its password (repeatable);\n"
"                            without any, those of --config\n"
"  --config FILE             one server a line (default " DEFAULT_CONFIG ")\n"
"  --name NAME               writer name, also its instance (default " DEFAULT_NAME ")\n"
"  --state-dir DIR           where each set's result document goes (default\n"
"                            " DEFAULT_STATE ")\n"
"  --freeze-timeout SECONDS  commits blocked at most without Thaw (default 60)\n"
"  --backup-timeout SECONDS  backup locks at most without Thaw or Abort\n"
"                            (default 600)\n"
"  --rcvbuf BYTES            the socket's receive buffer (K, M; default 1M)\n"
"  --print-metadata          print the Identify document and exit\n");
}

static int serve(struct mw *mw, uint32_t rcvbuf, bool print_only)
{
	struct libvss_ctx *ctx = NULL;
	char *metadata = NULL;
	int err, sfd, ret = 1;

	writerd_instance_id(mw->myw.name, mw->instance_id);
	myw_identify(&mw->myw);
	err = myw_metadata(&mw->myw, mysql_class_id, mw->instance_id, &metadata);
	if (print_only) {
		if (!err)
			printf("%s\n", metadata);
		free(metadata);
		return err ? 1 : 0;
	}
	sfd = writerd_signalfd();
	if (sfd < 0) {
		writerd_err("signalfd: %s", strerror(-sfd));
		free(metadata);
		return 1;
	}
	if (!err) {
		struct libvss_open_opts oo = { .sz = sizeof(oo), .rcvbuf_bytes = rcvbuf };

		err = libvss_open_opts(&ctx, &oo);
	}
	if (!err)
		err = libvss_writer_new(ctx, &mysql_ops, mw, &mw->w);
	if (!err)
		err = libvss_writer_set_metadata(mw->w, metadata);
	if (!err)
		err = libvss_writer_set_freeze_timeout_ms(mw->w,
							  (uint32_t)mw->myw.freeze_timeout_ms);
	if (!err)
		err = libvss_writer_register(mw->w, mysql_class_id, mw->instance_id,
					     mw->myw.name, VSS_WRITER_LEVEL_BACK_END);
	free(metadata);
	if (err) {
		writerd_err("register writer %s: %s", mw->myw.name,
			    ctx && libvss_ext_error(ctx) ? libvss_ext_error(ctx) : strerror(-err));
		goto out;
	}
	writerd_info("writer %s registered (id %u), %u servers", mw->myw.name,
		     libvss_writer_id(mw->w), mw->myw.n);
	writerd_notify("READY=1");
	ret = writerd_loop(ctx, sfd, myw_tick, &mw->myw);
	writerd_notify("STOPPING=1");
out:
	myw_end(&mw->myw, 0, "exit");
	libvss_writer_free(mw->w);
	libvss_close(ctx);
	close(sfd);
	return ret;
}

static int parse_seconds(const char *s, long *out)
{
	long v = writerd_parse_seconds(s, 86400000);

	if (v <= 0) {
		fprintf(stderr, DEFAULT_NAME ": bad time: %s\n", s);
		return -1;
	}
	*out = v;
	return 0;
}

int main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "server", required_argument, NULL, 'S' },
		{ "config", required_argument, NULL, 'f' },
		{ "name", required_argument, NULL, 'n' },
		{ "state-dir", required_argument, NULL, 's' },
		{ "freeze-timeout", required_argument, NULL, 'F' },
		{ "backup-timeout", required_argument, NULL, 't' },
		{ "rcvbuf", required_argument, NULL, 'r' },
		{ "print-metadata", no_argument, NULL, 'p' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct mw mw = {
		.myw = { .name = DEFAULT_NAME, .state_dir = DEFAULT_STATE,
			 .freeze_timeout_ms = 60000, .backup_timeout_ms = 600000 },
	};
	const char *config = NULL;
	bool print_only = false;
	unsigned int i;
	uint32_t rcvbuf = 0;
	int c, ret;
	long v;

	while ((c = getopt_long(argc, argv, "S:n:h", opts, NULL)) != -1) {
		switch (c) {
		case 'S':
			if (add_server(&mw.myw, optarg))
				return 2;
			break;
		case 'f': config = optarg; break;
		case 'n': mw.myw.name = optarg; break;
		case 's': mw.myw.state_dir = optarg; break;
		case 'F':
			if (parse_seconds(optarg, &mw.myw.freeze_timeout_ms))
				return 2;
			break;
		case 't':
			if (parse_seconds(optarg, &mw.myw.backup_timeout_ms))
				return 2;
			break;
		case 'r':
			if ((v = writerd_parse_bytes(optarg)) < 0) {
				fprintf(stderr, DEFAULT_NAME ": bad size: %s\n", optarg);
				return 2;
			}
			rcvbuf = (uint32_t)v;
			break;
		case 'p': print_only = true; break;
		case 'h': usage(stdout); return 0;
		default: usage(stderr); return 2;
		}
	}
	if (optind != argc || !mw.myw.name[0]) {
		usage(stderr);
		return 2;
	}
	if ((config || !mw.myw.n) && read_config(&mw.myw, config ? config : DEFAULT_CONFIG))
		return 1;
	if (!mw.myw.n) {
		fprintf(stderr, DEFAULT_NAME ": no server configured\n");
		return 2;
	}
	writerd_log_init(DEFAULT_NAME);
	writerd_test_stop_init("VSS_MYSQL_WRITER_TEST_STOP");
	/* The unit's StateDirectory= makes it; by hand, the writer does. */
	if (!print_only && mkdir(mw.myw.state_dir, 0700) && errno != EEXIST) {
		writerd_err("%s: %s", mw.myw.state_dir, strerror(errno));
		ret = 1;
	} else {
		ret = serve(&mw, rcvbuf, print_only);
	}
	for (i = 0; i < mw.myw.n; i++)
		mys_free(&mw.myw.sv[i]);
	free(mw.myw.sv);
	return ret;
}
