// SPDX-License-Identifier: GPL-2.0
/*
 * vss-pgsql-writer: a writer for PostgreSQL clusters, so that a snapshot
 * set of a cluster's volumes is an online base backup in PostgreSQL's own
 * terms, and a set missing one of its volumes is refused.
 *
 * Per cluster (one connection string each, from /etc/vss/pgsql-writer.conf
 * or -c):
 *   Identify            its paths read anew (data_directory, pg_wal when
 *                       elsewhere, every tablespace): one component each
 *   PrepareForSnapshot  a cluster with a path on the set's volumes must
 *                       have all of them there (a non-retryable veto names
 *                       the missing path and its volume); then CHECKPOINT
 *                       and pg_backup_start(fast => true) in a session of
 *                       its own, held open across the set
 *   Freeze              that session still answers
 *   Thaw                pg_backup_stop(wait_for_archive => false); its
 *                       backup_label, tablespace_map and LSNs go into the
 *                       set's result document (restore.h)
 *   Abort, BackupShutdown, --backup-timeout, SIGTERM
 *                       the backup ended (pg_backup_stop(), the session
 *                       closed). If the writer dies, its sessions close
 *                       and the server ends their backups.
 *
 * `--restore-files DOCUMENT DATADIR` is the restore half: libvss's restore
 * events carry no writer data (restore.h), so it is a command the restore
 * runs before starting the restored cluster.
 */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>

#include <libvss.h>

#include "pgw.h"
#include "restore.h"
#include "../common/writerd.h"

#define DEFAULT_NAME	"vss-pgsql-writer"
#define DEFAULT_CONFIG	"/etc/vss/pgsql-writer.conf"
#define DEFAULT_STATE	"/var/lib/vss-pgsql-writer"

static const uint8_t pgsql_class_id[LIBVSS_ID_SIZE] = {
	0x50, 0x6f, 0x73, 0x74, 0x67, 0x72, 0x65, 0x53,
	0x8e, 0x2a, 0x76, 0x73, 0x73, 0x77, 0x72, 0x02,
};

struct pw {
	struct pgw pgw;
	struct libvss_writer *w;
	uint8_t instance_id[LIBVSS_ID_SIZE];
};

/*
 * A test's hook (writerd_test_stop_at(); selftests/vss/pgsql_writer.sh): with
 * VSS_PGSQL_WRITER_TEST_STOP=PHASE in its environment, the writer stops
 * itself (SIGSTOP) at that point of an event, so that a test can SIGKILL it
 * there and nowhere else: "identify" as Identify comes, "prepare" once
 * PrepareForSnapshot has started the backup (pg_backup_start done),
 * "freeze" once Freeze has checked the backup's session, "thaw" as Thaw
 * comes (before pg_backup_stop). Each phase is where the callbacks below
 * call writerd_test_stop_at().
 */

/* ---- events ---- */

static uint32_t on_identify(struct libvss_writer *w, const struct libvss_event *ev,
			    void *data)
{
	struct pw *pw = data;
	char *json = NULL;
	int err;

	(void)ev;
	writerd_test_stop_at("identify");
	pgw_identify(&pw->pgw);
	err = pgw_metadata(&pw->pgw, pgsql_class_id, pw->instance_id, &json);
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
	struct pw *pw = data;
	unsigned int nvol = libvss_event_volume_count(ev);
	char set_id[LIBVSS_ID_STRING_SIZE], msg[VSS_MESSAGE_MAX];
	const char **vols = writerd_event_volumes(ev, set_id);
	bool retryable;
	int err;

	(void)w;
	if (!vols)
		return writerd_veto(pw->w, VSS_WRITER_FAILURE_OUT_OF_RESOURCES, ENOMEM,
			    "out of memory");
	err = pgw_prepare(&pw->pgw, libvss_event_session_id(ev), set_id, vols, nvol,
			  writerd_event_budget_ms(VSS_EVENT_PREPARE_SNAPSHOT, 0),
			  msg, sizeof(msg), &retryable);
	free(vols);
	if (err)
		return writerd_veto(pw->w, retryable ? VSS_WRITER_FAILURE_RETRYABLE :
			    VSS_WRITER_FAILURE_NON_RETRYABLE,
			    retryable ? EAGAIN : ENOENT, msg);
	writerd_test_stop_at("prepare");
	return VSS_WRITER_FAILURE_NONE;
}

static uint32_t on_freeze(struct libvss_writer *w, const struct libvss_event *ev,
			  void *data)
{
	struct pw *pw = data;
	char msg[VSS_MESSAGE_MAX];

	(void)w;
	if (pgw_freeze(&pw->pgw, libvss_event_session_id(ev), msg, sizeof(msg)))
		return writerd_veto(pw->w, VSS_WRITER_FAILURE_RETRYABLE, ECONNRESET, msg);
	writerd_test_stop_at("freeze");
	return VSS_WRITER_FAILURE_NONE;
}

static uint32_t on_thaw(struct libvss_writer *w, const struct libvss_event *ev,
			void *data)
{
	struct pw *pw = data;
	char msg[VSS_MESSAGE_MAX];

	(void)w;
	writerd_test_stop_at("thaw");
	if (pgw_thaw(&pw->pgw, libvss_event_session_id(ev), msg, sizeof(msg)))
		return writerd_veto(pw->w, VSS_WRITER_FAILURE_RETRYABLE, EIO, msg);
	return VSS_WRITER_FAILURE_NONE;
}

/* Abort and BackupShutdown: whichever comes ends the backup. */
static uint32_t on_end(struct libvss_writer *w, const struct libvss_event *ev,
		       void *data)
{
	struct pw *pw = data;

	(void)w;
	pgw_end(&pw->pgw, libvss_event_session_id(ev),
		libvss_event_name(libvss_event_type(ev)));
	return VSS_WRITER_FAILURE_NONE;
}

static const struct libvss_writer_ops pgsql_ops = {
	.on_identify = on_identify,
	.on_prepare_snapshot = on_prepare_snapshot,
	.on_freeze = on_freeze,
	.on_thaw = on_thaw,
	.on_abort = on_end,
	.on_backup_shutdown = on_end,
};

/* ---- setup ---- */

static int add_cluster(struct pgw *p, const char *conninfo)
{
	struct pgc *grown = realloc(p->cl, (p->n + 1) * sizeof(*grown));

	if (!grown)
		return -1;
	p->cl = grown;
	return pgc_init(&p->cl[p->n++], conninfo) ? (p->n--, -1) : 0;
}

/* One connection string a line; blank lines and '#' comments skipped. */
static int read_config(struct pgw *p, const char *path)
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
			err = add_cluster(p, s);
	}
	free(line);
	fclose(f);
	return err;
}

static void usage(FILE *f)
{
	fprintf(f,
"usage: vss-pgsql-writer [OPTIONS]\n"
"       vss-pgsql-writer --restore-files DOCUMENT DATADIR [--component NAME]\n"
"                        [--tablespace-mapping OLDDIR=NEWDIR]...\n"
"  -c, --conninfo CONNINFO   a cluster's libpq connection string (repeatable);\n"
"                            without any, those of --config\n"
"  --config FILE             one connection string a line (default\n"
"                            " DEFAULT_CONFIG ")\n"
"  --name NAME               writer name, also its instance (default " DEFAULT_NAME ")\n"
"  --state-dir DIR           where each set's result document goes (default\n"
"                            " DEFAULT_STATE ")\n"
"  --backup-timeout SECONDS  backup mode at most without Thaw or Abort\n"
"                            (default 600)\n"
"  --rcvbuf BYTES            the socket's receive buffer (K, M; default 1M)\n"
"  --print-metadata          print the Identify document and exit\n"
"  --restore-files DOCUMENT DATADIR\n"
"                            write backup_label and tablespace_map of the\n"
"                            result DOCUMENT into a restored DATADIR\n"
"  --tablespace-mapping OLDDIR=NEWDIR\n"
"                            with --restore-files: the tablespace backed up\n"
"                            at OLDDIR is restored at NEWDIR (repeatable;\n"
"                            a '=' in a directory written \\=)\n");
}

static int do_restore(const char *doc, const char *datadir, const char *component,
		      const struct ts_mapping *maps, size_t nmap)
{
	char msg[PATH_MAX * 4], note[PATH_MAX * 2];

	if (restore_files(doc, datadir, component, maps, nmap, msg, sizeof(msg), note,
			  sizeof(note))) {
		fprintf(stderr, DEFAULT_NAME ": %s\n", msg);
		return 1;
	}
	printf("%s: backup_label written\n", datadir);
	if (note[0])
		fprintf(stderr, DEFAULT_NAME ": note: %s\n", note);
	return 0;
}

static int serve(struct pw *pw, uint32_t rcvbuf, bool print_only)
{
	struct libvss_ctx *ctx = NULL;
	char *metadata = NULL;
	int err, sfd, ret = 1;

	writerd_instance_id(pw->pgw.name, pw->instance_id);
	pgw_identify(&pw->pgw);
	err = pgw_metadata(&pw->pgw, pgsql_class_id, pw->instance_id, &metadata);
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
		err = libvss_writer_new(ctx, &pgsql_ops, pw, &pw->w);
	if (!err)
		err = libvss_writer_set_metadata(pw->w, metadata);
	if (!err)
		err = libvss_writer_register(pw->w, pgsql_class_id, pw->instance_id,
					     pw->pgw.name, VSS_WRITER_LEVEL_BACK_END);
	free(metadata);
	if (err) {
		writerd_err("register writer %s: %s", pw->pgw.name,
			    ctx && libvss_ext_error(ctx) ? libvss_ext_error(ctx) : strerror(-err));
		goto out;
	}
	writerd_info("writer %s registered (id %u), %u clusters", pw->pgw.name,
		     libvss_writer_id(pw->w), pw->pgw.n);
	writerd_notify("READY=1");
	ret = writerd_loop(ctx, sfd, pgw_tick, &pw->pgw);
	writerd_notify("STOPPING=1");
out:
	pgw_end(&pw->pgw, 0, "exit");
	libvss_writer_free(pw->w);
	libvss_close(ctx);
	close(sfd);
	return ret;
}

int main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "conninfo", required_argument, NULL, 'c' },
		{ "config", required_argument, NULL, 'f' },
		{ "name", required_argument, NULL, 'n' },
		{ "state-dir", required_argument, NULL, 's' },
		{ "backup-timeout", required_argument, NULL, 't' },
		{ "rcvbuf", required_argument, NULL, 'r' },
		{ "print-metadata", no_argument, NULL, 'p' },
		{ "restore-files", no_argument, NULL, 'R' },
		{ "component", required_argument, NULL, 'C' },
		{ "tablespace-mapping", required_argument, NULL, 'T' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct pw pw = {
		.pgw = { .name = DEFAULT_NAME, .state_dir = DEFAULT_STATE,
			 .backup_timeout_ms = 600000 },
	};
	const char *config = NULL, *component = NULL;
	struct ts_mapping *maps = NULL, *grown;
	size_t nmap = 0;
	char msg[PATH_MAX * 2];
	bool print_only = false, restore = false;
	unsigned int i;
	uint32_t rcvbuf = 0;
	int c, ret;
	long v;

	while ((c = getopt_long(argc, argv, "c:n:h", opts, NULL)) != -1) {
		switch (c) {
		case 'c':
			if (add_cluster(&pw.pgw, optarg))
				return 1;
			break;
		case 'f': config = optarg; break;
		case 'n': pw.pgw.name = optarg; break;
		case 's': pw.pgw.state_dir = optarg; break;
		case 't':
			if ((v = writerd_parse_seconds(optarg, 86400000)) <= 0) {
				fprintf(stderr, DEFAULT_NAME ": bad time: %s\n", optarg);
				return 2;
			}
			pw.pgw.backup_timeout_ms = v;
			break;
		case 'r':
			if ((v = writerd_parse_bytes(optarg)) < 0) {
				fprintf(stderr, DEFAULT_NAME ": bad size: %s\n", optarg);
				return 2;
			}
			rcvbuf = (uint32_t)v;
			break;
		case 'p': print_only = true; break;
		case 'R': restore = true; break;
		case 'C': component = optarg; break;
		case 'T':
			grown = realloc(maps, (nmap + 1) * sizeof(*maps));
			if (!grown) {
				fprintf(stderr, DEFAULT_NAME ": out of memory\n");
				return 1;
			}
			maps = grown;
			if (ts_mapping_parse(optarg, &maps[nmap], msg, sizeof(msg))) {
				fprintf(stderr, DEFAULT_NAME ": %s\n", msg);
				return 2;
			}
			nmap++;
			break;
		case 'h': usage(stdout); return 0;
		default: usage(stderr); return 2;
		}
	}
	if (restore) {
		if (argc - optind != 2) {
			usage(stderr);
			return 2;
		}
		ret = do_restore(argv[optind], argv[optind + 1], component, maps, nmap);
		free(maps);
		return ret;
	}
	if (nmap) {
		fprintf(stderr, DEFAULT_NAME ": --tablespace-mapping goes with --restore-files\n");
		return 2;
	}
	if (optind != argc || !pw.pgw.name[0]) {
		usage(stderr);
		return 2;
	}
	if ((config || !pw.pgw.n) && read_config(&pw.pgw, config ? config : DEFAULT_CONFIG))
		return 1;
	if (!pw.pgw.n) {
		fprintf(stderr, DEFAULT_NAME ": no cluster configured\n");
		return 2;
	}
	writerd_log_init(DEFAULT_NAME);
	writerd_test_stop_init("VSS_PGSQL_WRITER_TEST_STOP");
	/* The unit's StateDirectory= makes it; by hand, the writer does. */
	if (!print_only && mkdir(pw.pgw.state_dir, 0700) && errno != EEXIST) {
		writerd_err("%s: %s", pw.pgw.state_dir, strerror(errno));
		ret = 1;
	} else {
		ret = serve(&pw, rcvbuf, print_only);
	}
	for (i = 0; i < pw.pgw.n; i++)
		pgc_free(&pw.pgw.cl[i]);
	free(pw.pgw.cl);
	return ret;
}
