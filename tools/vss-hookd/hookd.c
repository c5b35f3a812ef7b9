// SPDX-License-Identifier: GPL-2.0
/*
 * vss-hookd: a writer that runs the executables of a hook directory on each
 * event of a backup, so that an application without a writer of its own
 * can take part with a shell script. Optionally it also runs qemu-guest-
 * agent's fsfreeze-hook.d scripts, with "freeze" on Freeze and "thaw" when
 * the freeze ends, as qemu-ga's fsfreeze-hook does.
 *
 * libvss answers an event when its callback returns, so the hooks run
 * inside the callback, one after the other, each bounded by --timeout and
 * all of one event by the time the module gives the writer for it (its
 * freeze timeout for Freeze, event_timeout_ms for the others): a hook can
 * never make the module give up on the writer, and a hung one is killed
 * with its process group and vetoes.
 *
 * Whatever ends a freeze, the thaw hooks run exactly once after the freeze
 * hooks: on Thaw; on Abort (a veto, a timeout or a cancel after Freeze
 * gets the writer Abort instead of Thaw); on BackupShutdown; at the
 * writer's own freeze deadline if no event came; when the daemon is told to
 * stop; and, after a crash, when it starts again (a state file in
 * --state-dir remembers the freeze).
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <limits.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>

#include <libvss.h>
#include <libvss-doc.h>

#include "hooks.h"
#include "../common/writerd.h"

extern char **environ;

#define DEFAULT_HOOK_DIR	"/etc/vss/hooks.d"
#define DEFAULT_STATE_DIR	"/run/vss-hookd"
#define DEFAULT_NAME		"vss-hookd"

/* The class of every vss-hookd; instances differ by --name. */
static const uint8_t hookd_class_id[LIBVSS_ID_SIZE] = {
	0x6f, 0x0c, 0x4b, 0x1e, 0x2d, 0x53, 0x4e, 0x61,
	0x9a, 0x7e, 0x68, 0x6f, 0x6f, 0x6b, 0x64, 0x01,
};

/* A session this writer takes part in, until its BackupShutdown. */
struct session {
	struct session *next;
	uint32_t id;
	bool frozen;			/* freeze hooks ran, thaw hooks not yet */
	long deadline_ms;		/* thaw by then whatever happens */
	char set_id[LIBVSS_ID_STRING_SIZE];
	char backup_type[32];
	unsigned int nr_volumes;
	char **volumes;
};

struct hookd {
	const char *name, *hook_dir, *fsfreeze_dir, *state_dir;
	long timeout_ms;
	uint32_t freeze_timeout_ms, level, veto;
	uint32_t rcvbuf;		/* 0: libvss's default */
	struct libvss_writer *w;
	struct session *sessions;
	char state_path[PATH_MAX];
};

enum run_mode {
	RUN_UNTIL_FAILURE,	/* an event that can be vetoed: stop at the first no */
	RUN_ALL,		/* cleanup: every hook must hear it */
};

/* ---- sessions ---- */

static void session_forget_set(struct session *s)
{
	unsigned int i;

	for (i = 0; i < s->nr_volumes; i++)
		free(s->volumes[i]);
	free(s->volumes);
	s->volumes = NULL;
	s->nr_volumes = 0;
}

static struct session *session_get(struct hookd *h, uint32_t id)
{
	struct session *s;

	for (s = h->sessions; s; s = s->next)
		if (s->id == id)
			return s;
	s = calloc(1, sizeof(*s));
	if (!s)
		return NULL;
	s->id = id;
	s->next = h->sessions;
	h->sessions = s;
	return s;
}

static void session_drop(struct hookd *h, struct session *s)
{
	struct session **pp;

	for (pp = &h->sessions; *pp; pp = &(*pp)->next) {
		if (*pp == s) {
			*pp = s->next;
			break;
		}
	}
	session_forget_set(s);
	free(s);
}

/* The set a Freeze names, kept for the thaw that may come without it. */
static int session_keep_set(struct session *s, const struct hook_event *hev)
{
	unsigned int i;

	session_forget_set(s);
	snprintf(s->set_id, sizeof(s->set_id), "%s", hev->set_id);
	snprintf(s->backup_type, sizeof(s->backup_type), "%s", hev->backup_type);
	if (!hev->nr_volumes)
		return 0;
	s->volumes = calloc(hev->nr_volumes, sizeof(*s->volumes));
	if (!s->volumes)
		return -ENOMEM;
	for (i = 0; i < hev->nr_volumes; i++) {
		s->volumes[i] = strdup(hev->volumes[i]);
		if (!s->volumes[i])
			return -ENOMEM;
		s->nr_volumes = i + 1;
	}
	return 0;
}

/* ---- the state file: a freeze that outlives the daemon is thawed at start ---- */

static void state_save(struct hookd *h, const struct session *s)
{
	char tmp[PATH_MAX + 8];
	unsigned int i;
	FILE *f;
	int fd;

	if (!h->state_path[0])
		return;
	snprintf(tmp, sizeof(tmp), "%s.tmp", h->state_path);
	/*
	 * Ours alone, never through a link: it names the session's volumes,
	 * and the directory was checked to be root's (state_path_init()).
	 */
	if (unlink(tmp) && errno != ENOENT)
		writerd_warn("%s: %s", tmp, strerror(errno));
	fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
	f = fd < 0 ? NULL : fdopen(fd, "w");
	if (!f) {
		if (fd >= 0)
			close(fd);
		writerd_err("%s: %s (a crash while frozen would not be thawed at restart)",
			    tmp, strerror(errno));
		return;
	}
	fprintf(f, "session %u\nset %s\nbackup-type %s\n", s->id, s->set_id,
		s->backup_type);
	for (i = 0; i < s->nr_volumes; i++)
		fprintf(f, "volume %s\n", s->volumes[i]);
	if (fclose(f) || rename(tmp, h->state_path))
		writerd_err("%s: %s", h->state_path, strerror(errno));
}

static void state_remove(struct hookd *h)
{
	if (h->state_path[0] && unlink(h->state_path) && errno != ENOENT)
		writerd_warn("%s: %s", h->state_path, strerror(errno));
}

/* Reads a state file into @s; 0, or -ENOENT if there is none. */
static int state_load(struct hookd *h, struct session *s)
{
	char line[PATH_MAX + 16];
	char **v;
	FILE *f;
	int fd, err;

	if (!h->state_path[0])
		return -ENOENT;
	fd = open(h->state_path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
	f = fd < 0 ? NULL : fdopen(fd, "r");
	if (!f) {
		err = -errno;
		if (fd >= 0)
			close(fd);
		return err;
	}
	while (fgets(line, sizeof(line), f)) {
		line[strcspn(line, "\n")] = '\0';
		if (!strncmp(line, "session ", 8)) {
			s->id = (uint32_t)strtoul(line + 8, NULL, 10);
		} else if (!strncmp(line, "set ", 4)) {
			snprintf(s->set_id, sizeof(s->set_id), "%.36s", line + 4);
		} else if (!strncmp(line, "backup-type ", 12)) {
			snprintf(s->backup_type, sizeof(s->backup_type), "%.31s",
				 line + 12);
		} else if (!strncmp(line, "volume ", 7) && s->nr_volumes < 64) {
			v = realloc(s->volumes, (s->nr_volumes + 1) * sizeof(*v));
			if (!v)
				break;
			s->volumes = v;
			v[s->nr_volumes] = strdup(line + 7);
			if (v[s->nr_volumes])
				s->nr_volumes++;
		}
	}
	fclose(f);
	return 0;
}

/* ---- running a directory ---- */

static void veto(struct hookd *h, int err, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
static void veto(struct hookd *h, int err, const char *fmt, ...)
{
	char msg[VSS_MESSAGE_MAX];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	writerd_warn("%s", msg);
	/* -EBADFD outside a callback (a thaw at the deadline): nobody to tell. */
	if (h->w)
		libvss_writer_set_failure(h->w, err, msg);
}

/*
 * Runs every hook of @dir with @arg, each for at most --timeout and all
 * before @end_ms. Return: VSS_WRITER_FAILURE_NONE, or --veto's code if a
 * hook failed (the first failure is the writer's message).
 */
static uint32_t run_dir(struct hookd *h, const char *dir, const char *arg,
			const struct hook_event *hev, long end_ms,
			enum run_mode mode)
{
	struct hook_list l;
	uint32_t failure = VSS_WRITER_FAILURE_NONE;
	char **env;
	size_t i;
	int err;

	if (!dir)
		return failure;
	/* Read at every event: hooks added or removed take effect at once. */
	err = hook_list_load(dir, &l);
	if (err == -EPERM) {
		veto(h, EPERM, "hook directory refused, no hook run: %s", l.error);
		return h->veto;
	}
	if (err) {
		veto(h, -err, "hook directory %s: %s", dir, strerror(-err));
		return h->veto;
	}
	env = hook_env_build(environ, hev);
	if (!env) {
		hook_list_free(&l);
		veto(h, ENOMEM, "out of memory for the hooks' environment");
		return VSS_WRITER_FAILURE_OUT_OF_RESOURCES;
	}
	for (i = 0; i < l.n; i++) {
		const char *base = strrchr(l.paths[i], '/') + 1;
		long left = end_ms - writerd_now_ms();
		struct hook_result r;
		char tag[NAME_MAX + 64], how[128];

		if (left > h->timeout_ms)
			left = h->timeout_ms;
		/* Someone other than root could have changed it: never run. */
		if (l.refused[i]) {
			if (!failure)
				veto(h, EPERM, "hook %s %s: refused, not run: %s",
				     l.paths[i], arg, l.refused[i]);
			else
				writerd_err("hook %s %s: refused, not run: %s",
					    l.paths[i], arg, l.refused[i]);
			failure = h->veto;
			if (mode == RUN_UNTIL_FAILURE)
				break;
			continue;
		}
		if (left <= 0) {
			if (!failure)
				veto(h, ETIMEDOUT,
				     "hook %s %s: not run, the event's time is up",
				     base, arg);
			failure = h->veto;
			if (mode == RUN_UNTIL_FAILURE)
				break;
			continue;
		}
		snprintf(tag, sizeof(tag), "vss-hookd: hook %s %s", base, arg);
		err = hook_run(l.paths[i], arg, env, left, tag, &r);
		if (err) {
			r.end = HOOK_NOT_RUN;
			r.status = -err;
		}
		hook_describe(&r, how, sizeof(how));
		if (hook_ok(&r)) {
			writerd_info("hook %s %s: ok in %ld ms", base, arg, r.elapsed_ms);
			continue;
		}
		if (!failure)
			veto(h, r.end == HOOK_TIMED_OUT ? ETIMEDOUT :
				r.end == HOOK_NOT_RUN ? r.status : 0,
			     "hook %s %s: %s%s%s", base, arg, how,
			     r.last_line[0] ? ": " : "", r.last_line);
		else
			writerd_err("hook %s %s: %s", base, arg, how);
		failure = h->veto;
		if (mode == RUN_UNTIL_FAILURE)
			break;
	}
	hook_env_free(env);
	hook_list_free(&l);
	return failure;
}

/*
 * Ends a freeze: the hooks with "thaw" (VSS_THAW_REASON says why), then the
 * fsfreeze-hook.d scripts with "thaw", every one of them whatever fails:
 * the reverse of the freeze.
 */
static uint32_t thaw(struct hookd *h, struct session *s, const char *reason,
		     long end_ms)
{
	struct hook_event hev = {
		.event = "thaw", .session_id = s->id, .set_id = s->set_id,
		.backup_type = s->backup_type, .nr_volumes = s->nr_volumes,
		.volumes = (const char *const *)s->volumes,
		.thaw_reason = reason,
	};
	uint32_t failure, f2;

	writerd_info("session %u: thaw (%s)", s->id, reason);
	failure = run_dir(h, h->hook_dir, "thaw", &hev, end_ms, RUN_ALL);
	f2 = run_dir(h, h->fsfreeze_dir, "thaw", &hev, end_ms, RUN_ALL);
	s->frozen = false;
	state_remove(h);
	return failure ? failure : f2;
}

static uint32_t freeze(struct hookd *h, struct session *s,
		       const struct hook_event *hev, long end_ms)
{
	uint32_t failure;

	if (session_keep_set(s, hev)) {
		veto(h, ENOMEM, "out of memory for the set's volumes");
		return VSS_WRITER_FAILURE_OUT_OF_RESOURCES;
	}
	/* Frozen from the first script on: a veto must still be thawed. */
	s->frozen = true;
	s->deadline_ms = writerd_now_ms() + h->freeze_timeout_ms;
	state_save(h, s);
	/* qemu-ga runs every script with freeze and fails if one did. */
	failure = run_dir(h, h->fsfreeze_dir, "freeze", hev, end_ms, RUN_ALL);
	if (!failure)
		failure = run_dir(h, h->hook_dir, "freeze", hev, end_ms,
				  RUN_UNTIL_FAILURE);
	return failure;
}

static uint32_t on_event(struct libvss_writer *w, const struct libvss_event *ev,
			 void *data)
{
	struct hookd *h = data;
	uint32_t type = libvss_event_type(ev), failure = VSS_WRITER_FAILURE_NONE;
	const char *volumes[64];
	const uint8_t *set = libvss_event_set_id(ev);
	const char *name = libvss_event_name(type);
	long end_ms = writerd_now_ms() +
		      writerd_event_budget_ms(type, h->freeze_timeout_ms);
	char set_id[LIBVSS_ID_STRING_SIZE] = "";
	struct hook_event hev = { 0 };
	struct session *s;
	unsigned int i;

	(void)w;
	if (!name)
		return VSS_WRITER_FAILURE_NONE;	/* an event of a newer module */
	s = session_get(h, libvss_event_session_id(ev));
	if (!s) {
		veto(h, ENOMEM, "out of memory for a session");
		return VSS_WRITER_FAILURE_OUT_OF_RESOURCES;
	}
	if (set)
		libvss_id_to_string(set, set_id);
	hev.event = name;
	hev.session_id = s->id;
	hev.set_id = set_id;
	hev.backup_type = libvss_backup_type_name(libvss_event_backup_type(ev));
	if (!hev.backup_type)
		hev.backup_type = "";
	hev.nr_volumes = libvss_event_volume_count(ev);
	if (hev.nr_volumes > 64)
		hev.nr_volumes = 64;
	for (i = 0; i < hev.nr_volumes; i++)
		volumes[i] = libvss_event_volume(ev, i);
	hev.volumes = volumes;
	writerd_info("session %u: %s%s%s", s->id, name, set ? " set " : "", set_id);

	switch (type) {
	case VSS_EVENT_FREEZE:
		failure = freeze(h, s, &hev, end_ms);
		break;
	case VSS_EVENT_THAW:
		/* Thawed already at our own deadline: nothing left to undo. */
		if (s->frozen)
			failure = thaw(h, s, "thaw", end_ms);
		break;
	case VSS_EVENT_ABORT:
		if (s->frozen)
			thaw(h, s, "abort", end_ms);
		run_dir(h, h->hook_dir, name, &hev, end_ms, RUN_ALL);
		break;
	case VSS_EVENT_BACKUP_SHUTDOWN:
		if (s->frozen)
			thaw(h, s, "backup-shutdown", end_ms);
		run_dir(h, h->hook_dir, name, &hev, end_ms, RUN_ALL);
		session_drop(h, s);
		break;
	default:
		failure = run_dir(h, h->hook_dir, name, &hev, end_ms,
				  RUN_UNTIL_FAILURE);
		break;
	}
	if (failure)
		writerd_warn("session %u: %s vetoed (%s)", hev.session_id, name,
			     libvss_writer_failure_name(failure));
	return failure;
}

static const struct libvss_writer_ops hookd_ops = {
	.on_identify = on_event, .on_prepare_backup = on_event,
	.on_prepare_snapshot = on_event, .on_freeze = on_event,
	.on_thaw = on_event, .on_post_snapshot = on_event,
	.on_abort = on_event, .on_backup_complete = on_event,
	.on_backup_shutdown = on_event, .on_pre_restore = on_event,
	.on_post_restore = on_event,
};

/* ---- the daemon ---- */

/* Thaws what the last run of this writer left frozen (it crashed). */
static void recover(struct hookd *h)
{
	struct session s = { 0 };

	if (state_load(h, &s))
		return;
	writerd_warn("%s: the last run ended while frozen", h->state_path);
	thaw(h, &s, "restart", writerd_now_ms() +
	     writerd_event_budget_ms(VSS_EVENT_THAW, 0));
	session_forget_set(&s);
}

/*
 * Thaws every session whose freeze outlived the writer's freeze timeout;
 * the ms until the next deadline, -1 if none (writerd_loop()'s tick).
 */
static long check_deadlines(void *data)
{
	struct hookd *h = data;
	long now = writerd_now_ms(), next = -1;
	struct session *s;

	for (s = h->sessions; s; s = s->next) {
		if (!s->frozen)
			continue;
		if (s->deadline_ms <= now) {
			writerd_warn("session %u: frozen for the whole freeze timeout without Thaw or Abort",
				     s->id);
			thaw(h, s, "deadline", now +
			     writerd_event_budget_ms(VSS_EVENT_THAW, 0));
			now = writerd_now_ms();
			continue;
		}
		if (next < 0 || s->deadline_ms - now < next)
			next = s->deadline_ms - now;
	}
	return next;
}

static int make_metadata(struct hookd *h, const uint8_t instance_id[16],
			 char **json)
{
	struct libvss_wmd *wmd;
	int err;

	err = libvss_wmd_new(hookd_class_id, instance_id, h->name, NULL, &wmd);
	if (err)
		return err;
	err = libvss_wmd_set_backup_types(wmd,
					  LIBVSS_BACKUP_TYPE_BIT(VSS_BACKUP_TYPE_FULL) |
					  LIBVSS_BACKUP_TYPE_BIT(VSS_BACKUP_TYPE_INCREMENTAL) |
					  LIBVSS_BACKUP_TYPE_BIT(VSS_BACKUP_TYPE_DIFFERENTIAL) |
					  LIBVSS_BACKUP_TYPE_BIT(VSS_BACKUP_TYPE_LOG) |
					  LIBVSS_BACKUP_TYPE_BIT(VSS_BACKUP_TYPE_COPY));
	if (!err)
		err = libvss_wmd_to_json(wmd, json);
	libvss_wmd_free(wmd);
	return err;
}

static void usage(FILE *f)
{
	fprintf(f,
"usage: vss-hookd [OPTIONS]\n"
"  --hook-dir DIR           hooks run on every event (default " DEFAULT_HOOK_DIR ")\n"
"  --fsfreeze-hook-dir DIR  qemu-ga fsfreeze-hook.d scripts: \"freeze\" on Freeze,\n"
"                           \"thaw\" when the freeze ends (default: none)\n"
"  --timeout SECONDS        time each hook may take (default 30)\n"
"  --freeze-timeout SECONDS Freeze to Thaw at most (default 60)\n"
"  --veto retryable|non-retryable  how a failing hook vetoes (default retryable)\n"
"  --name NAME              writer name, also its instance (default " DEFAULT_NAME ")\n"
"  --level front-end|back-end|system  (default back-end)\n"
"  --state-dir DIR          remembers a freeze across a crash (default " DEFAULT_STATE_DIR ";\n"
"                           \"\" for none)\n"
"  --foreground             accepted: vss-hookd never leaves the foreground,\n"
"                           and logs to stderr\n"
"  --rcvbuf BYTES           the socket's receive buffer (K, M; default 1M):\n"
"                           events that do not fit are lost, and logged\n");
}

static int parse_args(struct hookd *h, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "hook-dir", required_argument, NULL, 'd' },
		{ "fsfreeze-hook-dir", required_argument, NULL, 'F' },
		{ "timeout", required_argument, NULL, 't' },
		{ "freeze-timeout", required_argument, NULL, 'z' },
		{ "veto", required_argument, NULL, 'v' },
		{ "name", required_argument, NULL, 'n' },
		{ "level", required_argument, NULL, 'l' },
		{ "state-dir", required_argument, NULL, 's' },
		{ "foreground", no_argument, NULL, 'f' },
		{ "rcvbuf", required_argument, NULL, 'r' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	long ms;
	int c, c2;

	while ((c = getopt_long(argc, argv, "d:F:t:n:fh", opts, NULL)) != -1) {
		switch (c) {
		case 'd': h->hook_dir = optarg; break;
		case 'F': h->fsfreeze_dir = optarg; break;
		case 'n': h->name = optarg; break;
		case 's': h->state_dir = optarg; break;
		case 'f': break;
		case 'r':
			if ((ms = writerd_parse_bytes(optarg)) < 0)
				goto bad;
			h->rcvbuf = (uint32_t)ms;
			break;
		case 't':
			if ((ms = writerd_parse_seconds(optarg, 3600000)) < 0)
				goto bad;
			h->timeout_ms = ms;
			break;
		case 'z':
			if ((ms = writerd_parse_seconds(optarg, 3600000)) < 0)
				goto bad;
			h->freeze_timeout_ms = (uint32_t)ms;
			break;
		case 'v':
			if (!strcmp(optarg, "retryable"))
				h->veto = VSS_WRITER_FAILURE_RETRYABLE;
			else if (!strcmp(optarg, "non-retryable"))
				h->veto = VSS_WRITER_FAILURE_NON_RETRYABLE;
			else
				goto bad;
			break;
		case 'l':
			if (!strcmp(optarg, "front-end"))
				h->level = VSS_WRITER_LEVEL_FRONT_END;
			else if (!strcmp(optarg, "back-end"))
				h->level = VSS_WRITER_LEVEL_BACK_END;
			else if (!strcmp(optarg, "system"))
				h->level = VSS_WRITER_LEVEL_SYSTEM;
			else
				goto bad;
			break;
		case 'h':
			usage(stdout);
			exit(0);
		default:
			usage(stderr);
			return -1;
		}
	}
	if (optind != argc || !h->name[0]) {
		usage(stderr);
		return -1;
	}
	return 0;
bad:
	for (c2 = 0; opts[c2].name && opts[c2].val != c; c2++)
		;
	fprintf(stderr, "vss-hookd: bad value for --%s: %s\n", opts[c2].name,
		optarg);
	return -1;
}

static void state_path_init(struct hookd *h)
{
	char name[NAME_MAX];
	struct stat st;
	size_t i;

	if (!h->state_dir || !h->state_dir[0])
		return;
	snprintf(name, sizeof(name) - 8, "%s", h->name);
	for (i = 0; name[i]; i++)
		if (name[i] == '/')
			name[i] = '_';
	if (mkdir(h->state_dir, 0700) && errno != EEXIST)
		writerd_err("%s: %s", h->state_dir, strerror(errno));
	/*
	 * Whoever else could write there could make us write over any file
	 * (a link at the state file's name) or thaw what they like at start.
	 */
	if (lstat(h->state_dir, &st) || !S_ISDIR(st.st_mode) ||
	    (st.st_uid && st.st_uid != geteuid()) ||
	    (st.st_mode & (S_IWGRP | S_IWOTH))) {
		writerd_warn("%s: not a directory of root's that only root can write: no freeze state kept (a crash while frozen would not be thawed at restart)",
			     h->state_dir);
		return;
	}
	snprintf(h->state_path, sizeof(h->state_path), "%s/%s.frozen",
		 h->state_dir, name);
}

int main(int argc, char **argv)
{
	struct hookd h = {
		.name = DEFAULT_NAME, .hook_dir = DEFAULT_HOOK_DIR,
		.state_dir = DEFAULT_STATE_DIR, .timeout_ms = 30000,
		.freeze_timeout_ms = 60000, .level = VSS_WRITER_LEVEL_BACK_END,
		.veto = VSS_WRITER_FAILURE_RETRYABLE,
	};
	uint8_t instance_id[LIBVSS_ID_SIZE];
	struct libvss_ctx *ctx = NULL;
	char *metadata = NULL;
	int err, sfd, ret = 1;

	if (parse_args(&h, argc, argv))
		return 2;
	writerd_log_init("vss-hookd");
	state_path_init(&h);
	sfd = writerd_signalfd();
	if (sfd < 0) {
		writerd_err("signalfd: %s", strerror(-sfd));
		return 1;
	}
	if (h.timeout_ms > (long)h.freeze_timeout_ms - WRITERD_MARGIN_MS)
		writerd_warn("warning: --timeout %ld ms leaves Freeze's hooks less than one hook's time",
			     h.timeout_ms);
	recover(&h);

	writerd_instance_id(h.name, instance_id);
	err = make_metadata(&h, instance_id, &metadata);
	if (!err) {
		struct libvss_open_opts oo = { .sz = sizeof(oo), .rcvbuf_bytes = h.rcvbuf };

		err = libvss_open_opts(&ctx, &oo);
	}
	if (!err)
		err = libvss_writer_new(ctx, &hookd_ops, &h, &h.w);
	if (!err)
		err = libvss_writer_set_metadata(h.w, metadata);
	if (!err)
		err = libvss_writer_set_freeze_timeout_ms(h.w, h.freeze_timeout_ms);
	if (!err)
		err = libvss_writer_register(h.w, hookd_class_id, instance_id,
					     h.name, h.level);
	free(metadata);
	if (err) {
		writerd_err("register writer %s: %s", h.name,
			    libvss_ext_error(ctx) ? libvss_ext_error(ctx) : strerror(-err));
		goto out;
	}
	writerd_info("writer %s registered (id %u), hooks in %s%s%s, %ld ms per hook",
		     h.name, libvss_writer_id(h.w), h.hook_dir,
		     h.fsfreeze_dir ? ", fsfreeze hooks in " : "",
		     h.fsfreeze_dir ? h.fsfreeze_dir : "", h.timeout_ms);
	writerd_notify("READY=1");

	ret = writerd_loop(ctx, sfd, check_deadlines, &h);
out:
	writerd_notify("STOPPING=1");
	/* Nothing stays frozen because the writer goes. */
	while (h.sessions) {
		if (h.sessions->frozen)
			thaw(&h, h.sessions, "exit", writerd_now_ms() +
			     writerd_event_budget_ms(VSS_EVENT_THAW, 0));
		session_drop(&h, h.sessions);
	}
	libvss_writer_free(h.w);
	libvss_close(ctx);
	close(sfd);
	return ret;
}
