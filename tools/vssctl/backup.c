// SPDX-License-Identifier: GPL-2.0
/*
 * `vssctl backup VOLUME... -- COMMAND [ARGS]`: a whole backup as a VSS
 * requester, around a command that copies the data.
 *
 * GatherWriterMetadata, PrepareForBackup with a backup components document
 * that lists every component of the selected writers, DoSnapshotSet of
 * the volumes (strict: a selected writer's veto fails it), then each
 * snapshot is mounted read-only (raw volumes are passed as devices) and
 * COMMAND runs (posix_spawn: no shell) with the mounts in its environment
 * and arguments. Its exit
 * status marks the components backed up or not in the document sent with
 * BackupComplete; then unmount, DeleteSnapshots and release, which sends
 * BackupShutdown. vssctl exits with COMMAND's status.
 *
 * The mounts live in a mount namespace of vssctl's own, on a tmpfs over
 * /run/vss: COMMAND and its children see them, nobody else does, and the
 * kernel takes them away when the last of these processes ends, even if
 * vssctl is SIGKILLed (the session, and with it the snapshots, goes with
 * vssctl's socket). So nothing is ever left mounted.
 *
 * Signals are read from a signalfd, polled together with the library's
 * fd: waits are never blocked in the library. SIGINT, SIGTERM or SIGHUP
 * while an operation runs cancels it (AbortBackup); while COMMAND runs,
 * it is forwarded to COMMAND's process group (a second one sends SIGKILL),
 * the session is aborted, and after COMMAND is gone everything is cleaned
 * up; vssctl then exits 128 + the signal's number.
 */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/signalfd.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <libvss-doc.h>

#include "backup_cbt.h"
#include "backup_storage.h"
#include "mount.h"
#include "print.h"
#include "vssctl.h"

#define MAX_VOLUMES	64
/* Where the snapshots are mounted: RUN_DIR/backup-SETID/N. */
#define RUN_DIR		"/run/vss"
#define NS_PER_MS	UINT64_C(1000000)
/* vssctl's own variables: 3 for the set, 9 per volume. */
#define MAX_VARS	(3 + 9 * MAX_VOLUMES)
#define VAR_NAME_LEN	32

/* ---- types ---- */

struct var {
	char name[VAR_NAME_LEN];
	char *value;
};

struct volume {
	const char *arg;		/* as given */
	char origin[PATH_MAX];
	char device[PATH_MAX];
	char snapshot_id[LIBVSS_ID_STRING_SIZE];
	const struct vssctl_fstype *fs;	/* NULL: raw, passed as the device */
	char data[VSSCTL_MOUNT_DATA_LEN];	/* its mount options */
	char dir[PATH_MAX];
	bool dir_made, mounted;
	/* Changed-block tracking: --since's token, or NULL ("full"). */
	const char *since;
	char token[LIBVSS_TOKEN_STRING_SIZE];	/* "" if the module has none */
	char changes[PATH_MAX];		/* "" unless written */
	bool full;
};

struct backup {
	/* The command line. */
	const char **writers, **excluded, **since;
	unsigned int nr_writers, nr_excluded, nr_since;
	uint32_t type;
	bool substitute, mount_untrusted;
	/* Diff storage for volumes without: backup_storage.c. */
	const char *storage_dir;
	bool keep_storage, no_auto_storage;
	struct vssctl_auto_storage auto_storage[MAX_VOLUMES];
	unsigned int nr_auto_storage;
	struct volume vols[MAX_VOLUMES];
	unsigned int nr_vols;
	char **command;
	int command_argc;

	/* The run. */
	struct libvss_ctx *ctx;
	struct libvss_backup *b;
	struct libvss_bcd *bcd;
	char **argv;			/* COMMAND, substituted */
	struct var vars[MAX_VARS];
	unsigned int nr_vars;
	int sigfd;
	sigset_t old_mask;
	int signo;			/* the signal that stops the backup */
	bool have_set, ns, base_made, completed;
	bool lib_failed;		/* stop reading libvss_fd() */
	unsigned int nr_selected;
	char set_id[LIBVSS_ID_STRING_SIZE];
	char base[96];			/* RUN_DIR/backup-SETID */
	pid_t child;
	int tty;			/* the controlling terminal, or -1 */
	bool continued;			/* a SIGCONT was read */
	int command_status;		/* as an exit code; -1: did not run */
	int ret;			/* vssctl's exit code so far */
};

/* ---- helpers ---- */

__attribute__((format(printf, 1, 2)))
static void say(const char *fmt, ...)
{
	va_list ap;

	fflush(stdout);
	fputs("vssctl: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}

/* "1.234567ms", exact to the nanosecond, as `snapshot` prints. */
static const char *ms_str(uint64_t ns, char *buf, size_t len)
{
	uint64_t frac = ns % NS_PER_MS;
	int digits = 6;

	if (!frac) {
		snprintf(buf, len, "%" PRIu64 "ms", ns / NS_PER_MS);
		return buf;
	}
	for (; frac % 10 == 0; frac /= 10)
		digits--;
	snprintf(buf, len, "%" PRIu64 ".%0*" PRIu64 "ms", ns / NS_PER_MS,
		 digits, frac);
	return buf;
}

static const char *name_or(const char *name, const char *dflt)
{
	return name ? name : dflt;
}

static const char *sig_name(int sig)
{
	static char buf[16];

	snprintf(buf, sizeof(buf), "SIG%s", name_or(sigabbrev_np(sig), "?"));
	return buf;
}

/* ---- variables and substitution ---- */

static int add_var(struct backup *bk, const char *name, unsigned int i,
		   bool indexed, const char *value)
{
	struct var *v = &bk->vars[bk->nr_vars];

	if (indexed)
		snprintf(v->name, sizeof(v->name), "%s_%u", name, i);
	else
		snprintf(v->name, sizeof(v->name), "%s", name);
	v->value = strdup(value);
	if (!v->value)
		return -ENOMEM;
	bk->nr_vars++;
	return 0;
}

static void free_vars(struct backup *bk)
{
	while (bk->nr_vars)
		free(bk->vars[--bk->nr_vars].value);
}

/* What {N} and VSS_MOUNT_N stand for: the mount, or a raw volume's device. */
static const char *volume_path(const struct volume *v)
{
	return v->fs ? v->dir : v->device;
}

/*
 * Every variable of the contract (Documentation and `vssctl help backup`
 * list them). Before the set exists (@dummy), with empty values: enough to
 * check COMMAND's references at parse time.
 */
static int make_vars(struct backup *bk, bool dummy)
{
	char n[12];
	unsigned int i;
	int err;

	free_vars(bk);
	snprintf(n, sizeof(n), "%u", bk->nr_vols);
	err = add_var(bk, "VSS_SNAPSHOT_SET_ID", 0, false, dummy ? "" : bk->set_id);
	if (!err)
		err = add_var(bk, "VSS_VOLUME_COUNT", 0, false, n);
	if (!err)
		err = add_var(bk, "VSS_BACKUP_TYPE", 0, false,
			      name_or(libvss_backup_type_name(bk->type), ""));
	for (i = 0; !err && i < bk->nr_vols; i++) {
		const struct volume *v = &bk->vols[i];

		err = add_var(bk, "VSS_VOLUME", i, true, v->arg);
		if (!err)
			err = add_var(bk, "VSS_ORIGIN", i, true, dummy ? "" : v->origin);
		if (!err)
			err = add_var(bk, "VSS_DEVICE", i, true, dummy ? "" : v->device);
		if (!err)
			err = add_var(bk, "VSS_SNAPSHOT_ID", i, true,
				      dummy ? "" : v->snapshot_id);
		if (!err)
			err = add_var(bk, "VSS_FSTYPE", i, true,
				      dummy || !v->fs ? "" : v->fs->name);
		if (!err)
			err = add_var(bk, "VSS_MOUNT", i, true,
				      dummy ? "" : volume_path(v));
		if (!err)
			err = add_var(bk, "VSS_TOKEN", i, true, v->token);
		if (!err)
			err = add_var(bk, "VSS_CHANGES", i, true, v->changes);
		if (!err)
			err = add_var(bk, "VSS_FULL", i, true, v->full ? "1" : "0");
	}
	return err;
}

static const char *find_var(const struct backup *bk, const char *name,
			    size_t len)
{
	unsigned int i;

	for (i = 0; i < bk->nr_vars; i++)
		if (strlen(bk->vars[i].name) == len &&
		    !strncmp(bk->vars[i].name, name, len))
			return bk->vars[i].value;
	return NULL;
}

static bool var_char(char c)
{
	return (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_';
}

/*
 * A reference at @p: {} or {N} (@name set to "VSS_MOUNT_N" in @idx, *@n its
 * index), $VSS_NAME or ${VSS_NAME} (@name pointing into @p). Returns its
 * end, or NULL if @p starts none.
 */
static const char *reference(const char *p, const char **name, size_t *len,
			     char idx[VAR_NAME_LEN], unsigned long *n)
{
	*n = ULONG_MAX;
	if (p[0] == '{') {
		const char *q = p + 1;

		while (*q >= '0' && *q <= '9' && q - p < 6)
			q++;
		if (*q != '}')
			return NULL;
		*n = q == p + 1 ? 0 : strtoul(p + 1, NULL, 10);
		snprintf(idx, VAR_NAME_LEN, "VSS_MOUNT_%lu", *n);
		*name = idx;
		*len = strlen(idx);
		return q + 1;
	}
	if (p[0] == '$' && !strncmp(p + (p[1] == '{') + 1, "VSS_", 4)) {
		bool braced = p[1] == '{';
		const char *end;

		*name = p + 1 + braced;
		for (*len = 0; var_char((*name)[*len]); (*len)++)
			;
		end = *name + *len;
		if (!braced)
			return end;
		return *end == '}' ? end + 1 : NULL;	/* else not a reference */
	}
	return NULL;
}

/*
 * @arg for COMMAND. An argument that is exactly one reference ({}, {N},
 * $VSS_NAME, ${VSS_NAME}) becomes the value, as one argument that nothing
 * parses again. Inside a longer argument nothing is replaced: pasted
 * there, a value (a VOLUME as given: `a"; id; "`) would be parsed as code
 * by the shell of `sh -c '... "$VSS_VOLUME_0" ...'`, whose quotes are then
 * no longer around it; the shell takes "$VSS_NAME" from the environment
 * instead. So there {} and {N} are refused, and $VSS_ names only checked.
 * 0 with *@out set; -ERANGE ({N} past the volumes), -ENOENT (an unknown
 * VSS_ name) or -EINVAL ({} inside an argument), with *@bad pointing at
 * the reference; -ENOMEM.
 */
static int expand(const struct backup *bk, const char *arg, char **out,
		  const char **bad)
{
	const char *p, *end, *name, *val;
	char idx[VAR_NAME_LEN];
	unsigned long n;
	size_t len;

	end = reference(arg, &name, &len, idx, &n);
	if (end && !*end) {
		*bad = arg;
		if (n != ULONG_MAX && n >= bk->nr_vols)
			return -ERANGE;
		val = find_var(bk, name, len);
		if (!val)
			return -ENOENT;
		*out = strdup(val);
		return *out ? 0 : -ENOMEM;
	}
	for (p = arg; *p; p = end ? end : p + 1) {
		end = reference(p, &name, &len, idx, &n);
		if (!end)
			continue;
		*bad = p;
		if (n != ULONG_MAX)
			return -EINVAL;
		if (!find_var(bk, name, len))
			return -ENOENT;
	}
	*out = strdup(arg);
	return *out ? 0 : -ENOMEM;
}

static void free_argv(struct backup *bk)
{
	int i;

	if (!bk->argv)
		return;
	for (i = 0; i < bk->command_argc; i++)
		free(bk->argv[i]);
	free(bk->argv);
	bk->argv = NULL;
}

/* COMMAND with its references replaced; errors are usage errors. */
static int expand_command(struct backup *bk)
{
	const char *bad = NULL;
	int i, err;

	free_argv(bk);
	bk->argv = calloc((size_t)bk->command_argc + 1, sizeof(*bk->argv));
	if (!bk->argv)
		return -ENOMEM;
	for (i = 0; i < bk->command_argc; i++) {
		if (!bk->substitute) {
			bk->argv[i] = strdup(bk->command[i]);
			err = bk->argv[i] ? 0 : -ENOMEM;
		} else {
			err = expand(bk, bk->command[i], &bk->argv[i], &bad);
		}
		if (err == -ERANGE)
			return vssctl_usage_error("\"%s\": %.*s names no volume (there %s %u, from {0})",
						  bk->command[i],
						  (int)(strchr(bad, '}') - bad + 1), bad,
						  bk->nr_vols == 1 ? "is" : "are",
						  bk->nr_vols);
		if (err == -EINVAL)
			return vssctl_usage_error("\"%s\": %.*s is replaced only as a whole argument; inside one, let a shell read the environment: sh -c '... \"$VSS_MOUNT_N\" ...' (or --no-substitute)",
						  bk->command[i],
						  (int)(strchr(bad, '}') - bad + 1), bad);
		if (err == -ENOENT)
			return vssctl_usage_error("\"%s\": unknown variable at \"%s\" (see vssctl help backup; --no-substitute passes it as is)",
						  bk->command[i], bad);
		if (err)
			return vssctl_lib_error(NULL, err, "out of memory");
	}
	return 0;
}

/* ---- the command line ---- */

/* --name VALUE, --name=VALUE, repeatable: appended to *@list. */
static int opt_multi(int argc, char **argv, int *i, const char *name,
		     const char ***list, unsigned int *n)
{
	const char *value = NULL, **l;
	int ret = vssctl_opt_value(argc, argv, i, name, &value);

	if (ret <= 0)
		return ret;
	l = realloc(*list, (*n + 1) * sizeof(**list));
	if (!l) {
		vssctl_lib_error(NULL, -ENOMEM, "out of memory");
		return -1;
	}
	l[(*n)++] = value;
	*list = l;
	return 1;
}

static int parse_type(const char *arg, uint32_t *type)
{
	uint32_t t;

	for (t = VSS_BACKUP_TYPE_FULL; t <= VSS_BACKUP_TYPE_OTHER; t++) {
		const char *name = libvss_backup_type_name(t);

		if (name && !strcmp(name, arg)) {
			*type = t;
			return 0;
		}
	}
	return vssctl_usage_error("--type: \"%s\" is not full, incremental, differential, log, copy or other",
				  arg);
}

/*
 * --since: none, or one per VOLUME, in order; "full" for a volume without
 * a previous token. With it, the backup is incremental unless --type says.
 */
static int parse_since(struct backup *bk, bool typed)
{
	unsigned int i;

	if (!bk->nr_since)
		return 0;
	if (bk->nr_since != bk->nr_vols)
		return vssctl_usage_error("--since: give one per VOLUME (%u), \"full\" for a volume without a token",
					  bk->nr_vols);
	for (i = 0; i < bk->nr_since; i++) {
		if (!strcmp(bk->since[i], "full"))
			continue;
		if (libvss_token_check(bk->since[i]))
			return vssctl_usage_error("--since: \"%.16s...\" is not a token (vss1:...), or a damaged one",
						  bk->since[i]);
		bk->vols[i].since = bk->since[i];
	}
	if (!typed)
		bk->type = VSS_BACKUP_TYPE_INCREMENTAL;
	return 0;
}

static int parse_args(struct backup *bk, int argc, char **argv)
{
	const char *type = NULL;
	int i, ret;

	bk->type = VSS_BACKUP_TYPE_FULL;
	bk->substitute = true;
	for (i = 0; i < argc; i++) {
		if (!strcmp(argv[i], "--"))
			break;
		if (!strcmp(argv[i], "--no-substitute")) {
			bk->substitute = false;
			continue;
		}
		if (!strcmp(argv[i], "--mount-untrusted")) {
			bk->mount_untrusted = true;
			continue;
		}
		if (!strcmp(argv[i], "--keep-storage")) {
			bk->keep_storage = true;
			continue;
		}
		if (!strcmp(argv[i], "--no-auto-storage")) {
			bk->no_auto_storage = true;
			continue;
		}
		ret = opt_multi(argc, argv, &i, "--writer", &bk->writers,
				&bk->nr_writers);
		if (!ret)
			ret = opt_multi(argc, argv, &i, "--exclude-writer",
					&bk->excluded, &bk->nr_excluded);
		if (!ret)
			ret = vssctl_opt_value(argc, argv, &i, "--type", &type);
		if (!ret)
			ret = vssctl_opt_value(argc, argv, &i, "--storage-dir",
					       &bk->storage_dir);
		if (!ret)
			ret = opt_multi(argc, argv, &i, "--since", &bk->since,
					&bk->nr_since);
		if (ret < 0)
			return VSSCTL_USAGE;
		if (ret)
			continue;
		if (argv[i][0] == '-' && argv[i][1])
			return vssctl_usage_error("unknown option \"%s\"", argv[i]);
		if (bk->nr_vols == MAX_VOLUMES)
			return vssctl_usage_error("more than %d volumes", MAX_VOLUMES);
		bk->vols[bk->nr_vols++].arg = argv[i];
	}
	if (type && (ret = parse_type(type, &bk->type)))
		return ret;
	if (bk->no_auto_storage && (bk->storage_dir || bk->keep_storage))
		return vssctl_usage_error("--no-auto-storage adds no storage: --storage-dir and --keep-storage have nothing to do");
	if (!bk->nr_vols)
		return vssctl_usage_error("VOLUME is missing");
	ret = parse_since(bk, type != NULL);
	if (ret)
		return ret;
	if (i >= argc)
		return vssctl_usage_error("\"-- COMMAND\" is missing: vssctl backup VOLUME... -- COMMAND [ARGS]");
	if (i + 1 >= argc)
		return vssctl_usage_error("COMMAND is missing after \"--\"");
	bk->command = argv + i + 1;
	bk->command_argc = argc - i - 1;
	ret = make_vars(bk, true);
	if (ret)
		return vssctl_lib_error(NULL, ret, "out of memory");
	return expand_command(bk);
}

/*
 * Per volume: the new token, and the extents changed since --since in a
 * file beside the mounts (RUN_DIR/backup-SETID/changes-N, in vssctl's
 * mount namespace: COMMAND reads it, it goes with the namespace). A volume
 * without --since, or whose token the module can no longer vouch for
 * (ESTALE), is marked for a full copy.
 */
static int changes_all(struct backup *bk)
{
	const struct libvss_snapset *set = libvss_backup_snapset(bk->b);
	unsigned int i;
	int err;

	for (i = 0; i < bk->nr_vols && i < libvss_snapset_count(set); i++) {
		struct volume *v = &bk->vols[i];

		v->full = true;
		if (libvss_snapset_entry_token(set, i, v->token, sizeof(v->token)))
			v->token[0] = '\0';	/* a module without tracking */
		if (!v->since || !v->token[0])
			continue;
		snprintf(v->changes, sizeof(v->changes), "%s/changes-%u",
			 bk->base, i);
		err = vssctl_changes_file(bk->ctx, libvss_snapset_entry_id(set, i),
					  v->since, v->changes, v->arg, &v->full);
		if (err || v->full)
			v->changes[0] = '\0';
		if (err)
			return err;
	}
	/* The backup stamp: writers see the new tokens with BackupComplete. */
	err = libvss_bcd_set_snapset_tokens(bk->bcd, set);
	return err == -ENODATA ? 0 : err;
}

/* ---- signals and waits ---- */

static bool stop_signal(int sig)
{
	return sig == SIGINT || sig == SIGTERM || sig == SIGHUP;
}

/*
 * Reads the signals that came (without waiting), noting the first that
 * stops the backup. Returns whether one did, now or before.
 */
static bool read_signals(struct backup *bk)
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
static int wait_fds(struct backup *bk)
{
	struct pollfd fds[2] = {
		{ .fd = bk->sigfd, .events = POLLIN },
		{ .fd = bk->lib_failed ? -1 : libvss_fd(bk->ctx), .events = POLLIN },
	};
	int err;

	if (poll(fds, 2, -1) < 0 && errno != EINTR)
		return -errno;
	if (fds[0].revents)
		read_signals(bk);
	if (fds[1].revents) {
		err = libvss_process(bk->ctx);
		if (err < 0)
			return err;
	}
	return 0;
}

/* The writers that failed, one line each. */
static void report_writer_failures(const struct backup *bk)
{
	unsigned int i;

	for (i = 0; i < libvss_backup_writer_count(bk->b); i++) {
		const struct libvss_writer_info *w = libvss_backup_writer(bk->b, i);
		uint32_t f = libvss_writer_info_failure(w);

		if (f == VSS_WRITER_FAILURE_NONE)
			continue;
		say("writer %s%s: %s, failure %s%s%s", libvss_writer_info_name(w),
		    libvss_writer_info_selected(w) ? "" : " (not selected)",
		    name_or(libvss_writer_state_name(libvss_writer_info_state(w)), "?"),
		    name_or(libvss_writer_failure_name(f), "?"),
		    *libvss_writer_info_message(w) ? ": " : "",
		    libvss_writer_info_message(w));
	}
}

/*
 * Waits for the operation @a (started with @err) to end, cancelling it on a
 * stop signal, and frees it: 0, or why it failed (reported).
 */
static int finish(struct backup *bk, const char *what, int err,
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
		err = wait_fds(bk);
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

/* ---- the steps ---- */

static int gather(struct backup *bk)
{
	struct libvss_async *a;
	unsigned int i, n;
	int err;

	err = libvss_backup_gather_metadata(bk->b, &a);
	err = finish(bk, "GatherWriterMetadata", err, a);
	if (err)
		return err;
	n = libvss_backup_writer_count(bk->b);
	fflush(stdout);
	fprintf(stderr, "vssctl: session %u: %u writer%s", libvss_backup_id(bk->b),
		n, n == 1 ? "" : "s");
	for (i = 0; i < n; i++) {
		const struct libvss_writer_info *w = libvss_backup_writer(bk->b, i);

		fprintf(stderr, "%s %s (%s)", i ? "," : ":", libvss_writer_info_name(w),
			name_or(libvss_writer_level_name(libvss_writer_info_level(w)), "?"));
	}
	fputc('\n', stderr);
	return 0;
}

static bool listed(const char *name, const char **list, unsigned int n)
{
	unsigned int i;

	for (i = 0; i < n; i++)
		if (!strcmp(name, list[i]))
			return true;
	return false;
}

/* Whether a writer takes part as selected, by the options. */
static bool selected(const struct backup *bk, const struct libvss_writer_info *w)
{
	const char *name = libvss_writer_info_name(w);

	if (bk->nr_writers && !listed(name, bk->writers, bk->nr_writers))
		return false;
	return !listed(name, bk->excluded, bk->nr_excluded);
}

/* Every --writer names a writer that takes part; --exclude-writer may not. */
static int check_names(struct backup *bk)
{
	unsigned int i, j, n = libvss_backup_writer_count(bk->b);
	bool found;

	for (j = 0; j < bk->nr_writers + bk->nr_excluded; j++) {
		bool include = j < bk->nr_writers;
		const char *name = include ? bk->writers[j] :
					     bk->excluded[j - bk->nr_writers];

		found = false;
		for (i = 0; i < n && !found; i++)
			found = !strcmp(name, libvss_writer_info_name(libvss_backup_writer(bk->b, i)));
		if (found)
			continue;
		if (!include) {
			say("warning: --exclude-writer %s: no such writer takes part", name);
			continue;
		}
		say("--writer %s: no such writer takes part in the backup", name);
		vssctl_hint("vssctl writer list shows the registered writers");
		return -ENOENT;
	}
	return 0;
}

/* Adds every component of the writer @w to the document. */
static int add_components(struct backup *bk, const struct libvss_writer_info *w)
{
	struct libvss_wmd *wmd;
	const char *doc = NULL;
	size_t i;
	int err;

	err = libvss_backup_writer_metadata(bk->b, libvss_writer_info_id(w), &doc);
	if (err || !doc)
		return 0;	/* nothing said, nothing to mark */
	err = libvss_wmd_parse(doc, &wmd);
	if (err) {
		say("warning: writer %s: metadata unreadable (%s): its components are not in the document",
		    libvss_writer_info_name(w), strerror(-err));
		return 0;
	}
	for (i = 0; !err && i < libvss_wmd_component_count(wmd); i++) {
		const struct libvss_wmd_component *c = libvss_wmd_component(wmd, i);

		err = libvss_bcd_add_component(bk->bcd, libvss_writer_info_class_id(w),
					       libvss_writer_info_instance_id(w),
					       libvss_wmd_component_logical_path(c),
					       libvss_wmd_component_name(c), NULL);
		if (err == -EEXIST)	/* two instances with the same ids */
			err = 0;
	}
	libvss_wmd_free(wmd);
	return err;
}

static int set_document(struct backup *bk)
{
	char *json;
	int err = libvss_bcd_to_json(bk->bcd, &json);

	if (err) {
		vssctl_lib_error(NULL, err, "cannot write the backup components document");
		return err;
	}
	err = libvss_backup_set_document(bk->b, json);
	free(json);
	if (err)
		vssctl_lib_error(bk->ctx, err, "cannot set the backup components document");
	return err;
}

/* Selection, the document, PrepareForBackup. */
static int prepare(struct backup *bk)
{
	bool chosen = bk->nr_writers || bk->nr_excluded;
	struct libvss_async *a;
	unsigned int i;
	int err;

	err = check_names(bk);
	if (err)
		return err;
	err = libvss_bcd_new(bk->type, LIBVSS_BCD_F_SELECT_COMPONENTS, &bk->bcd);
	for (i = 0; !err && i < libvss_backup_writer_count(bk->b); i++) {
		const struct libvss_writer_info *w = libvss_backup_writer(bk->b, i);

		if (!selected(bk, w))
			continue;
		bk->nr_selected++;
		if (chosen)
			err = libvss_backup_select_writer(bk->b, libvss_writer_info_id(w));
		if (!err)
			err = add_components(bk, w);
	}
	if (err) {
		vssctl_lib_error(bk->ctx, err, "cannot select the writers' components");
		return err;
	}
	if (chosen)
		say("%u writer%s selected", bk->nr_selected,
		    bk->nr_selected == 1 ? "" : "s");
	err = libvss_backup_set_type(bk->b, bk->type);
	if (!err)
		err = set_document(bk);
	if (err)
		return err;
	err = libvss_backup_prepare(bk->b, &a);
	return finish(bk, "PrepareForBackup", err, a);
}

/* Freeze by level, front-end first; Thaw is the reverse. */
static void print_freeze_order(const struct backup *bk)
{
	static const uint32_t levels[] = {
		VSS_WRITER_LEVEL_FRONT_END, VSS_WRITER_LEVEL_BACK_END,
		VSS_WRITER_LEVEL_SYSTEM,
	};
	unsigned int i, l, n = libvss_backup_writer_count(bk->b), k = 0;

	if (!n)
		return;
	fflush(stdout);
	fputs("vssctl: events: PrepareForSnapshot, Freeze", stderr);
	for (l = 0; l < 3; l++)
		for (i = 0; i < n; i++) {
			const struct libvss_writer_info *w = libvss_backup_writer(bk->b, i);

			if (libvss_writer_info_level(w) == levels[l])
				fprintf(stderr, "%s%s", k++ ? ", " : " ",
					libvss_writer_info_name(w));
		}
	fputs(", snapshot, Thaw in reverse, PostSnapshot\n", stderr);
}

static void snapshot_hint(int err)
{
	if (err == -ENOSPC || err == -ENOENT)
		vssctl_hint("a volume has no diff storage, and none could be added for it (see above): vssctl storage add DEVICE --max SIZE");
	else if (err == -EREMOTEIO)
		vssctl_hint("a selected writer vetoed; --exclude-writer NAME leaves it out of the document and the veto");
}

/* DoSnapshotSet refused with EAGAIN is tried again, for up to 10 s. */
#define SNAPSET_TRIES	50

static int do_snapshot_set(struct backup *bk)
{
	const struct libvss_snapset *set;
	struct libvss_async *a;
	unsigned int i, tries;
	char buf[32];
	int err;

	libvss_backup_start_snapshot_set(bk->b);
	for (i = 0; i < bk->nr_vols; i++) {
		err = libvss_backup_add_volume(bk->b, bk->vols[i].arg);
		if (err) {
			vssctl_lib_error(bk->ctx, err, "cannot add %s", bk->vols[i].arg);
			return err;
		}
	}
	/*
	 * Strict: a selected writer's failure fails the set. Not when every
	 * writer is excluded: the module cannot be told "none", only "all".
	 */
	for (tries = 1;; tries++) {
		err = libvss_backup_do_snapshot_set(bk->b, VSS_SESSION_F_WAIT |
						    (bk->nr_selected ? VSS_SESSION_F_STRICT : 0),
						    &a);
		err = finish(bk, "DoSnapshotSet", err, a);
		/*
		 * A volume's diff storage still being added (just now, by
		 * default_storage() or by someone else): refused before any
		 * writer heard of the set, the session still prepared.
		 */
		if (err != -EAGAIN || bk->signo || tries == SNAPSET_TRIES)
			break;
		say("retrying DoSnapshotSet in 200 ms (%u of %u)", tries, SNAPSET_TRIES - 1);
		nanosleep(&(struct timespec){ .tv_nsec = 200 * 1000 * 1000 }, NULL);
	}
	if (err) {
		if (!bk->signo) {
			report_writer_failures(bk);
			snapshot_hint(err);
		}
		return err;
	}
	print_freeze_order(bk);
	set = libvss_backup_snapset(bk->b);
	bk->have_set = true;
	libvss_id_to_string(libvss_snapset_id(set), bk->set_id);
	say("set %s: consistency %s, freeze window %s", bk->set_id,
	    name_or(libvss_consistency_name(libvss_snapset_consistency(set)), "?"),
	    ms_str(libvss_snapset_freeze_window_ns(set), buf, sizeof(buf)));
	report_writer_failures(bk);
	/* The module keeps the order of the volumes. */
	for (i = 0; i < bk->nr_vols && i < libvss_snapset_count(set); i++) {
		struct volume *v = &bk->vols[i];

		snprintf(v->origin, sizeof(v->origin), "/dev/%s",
			 libvss_snapset_entry_origin(set, i));
		snprintf(v->device, sizeof(v->device), "/dev/%s",
			 libvss_snapset_entry_device(set, i));
		libvss_id_to_string(libvss_snapset_entry_id(set, i), v->snapshot_id);
	}
	return 0;
}

/*
 * Whether to mount the filesystem found on @v's snapshot: only one the
 * host already trusts (its origin is mounted here, by the same driver),
 * unless --mount-untrusted. Otherwise COMMAND gets the device, which it
 * reads as data, without the kernel parsing it as a filesystem.
 */
static int trust(const struct backup *bk, struct volume *v)
{
	bool trusted;
	int err;

	err = vssctl_mount_plan(v->origin, v->fs, &trusted, v->data);
	if (err) {
		say("cannot tell how %s is mounted: %s", v->origin, strerror(-err));
		return err;
	}
	if (trusted)
		return 0;
	if (bk->mount_untrusted) {
		say("%s: %s holds %s, %s is not mounted here as such: mounted anyway (--mount-untrusted)",
		    v->arg, v->device, v->fs->name, v->origin);
		return 0;
	}
	say("%s: %s holds %s, but %s is not mounted here as such: not mounted (the host does not trust it), COMMAND gets the device",
	    v->arg, v->device, v->fs->name, v->origin);
	vssctl_hint("--mount-untrusted mounts it anyway, with the kernel parsing whatever the volume holds");
	v->fs = NULL;
	return 0;
}

/* Each snapshot on RUN_DIR/backup-SETID/N, in a namespace of our own. */
static int expose_all(struct backup *bk)
{
	unsigned int i;
	int err;

	err = vssctl_private_mounts(RUN_DIR);
	if (err) {
		say("cannot make a private mount namespace on %s: %s", RUN_DIR,
		    strerror(-err));
		return err;
	}
	bk->ns = true;
	snprintf(bk->base, sizeof(bk->base), RUN_DIR "/backup-%s", bk->set_id);
	err = vssctl_mkdir(bk->base);
	if (err) {
		say("cannot make %s: %s", bk->base, strerror(-err));
		return err;
	}
	bk->base_made = true;
	for (i = 0; i < bk->nr_vols && !read_signals(bk); i++) {
		struct volume *v = &bk->vols[i];

		err = vssctl_probe(v->device, &v->fs);
		if (err) {
			say("cannot read %s: %s", v->device, strerror(-err));
			return err;
		}
		if (!v->fs) {
			say("%s: %s holds no filesystem to mount: COMMAND gets the device",
			    v->arg, v->device);
			continue;
		}
		err = trust(bk, v);
		if (err)
			return err;
		if (!v->fs)
			continue;
		snprintf(v->dir, sizeof(v->dir), "%s/%u", bk->base, i);
		err = vssctl_mkdir(v->dir);
		if (err) {
			say("cannot make %s: %s", v->dir, strerror(-err));
			return err;
		}
		v->dir_made = true;
		err = vssctl_mount_ro(v->device, v->dir, v->fs, v->data);
		if (err) {
			say("cannot mount %s (%s) on %s: %s", v->device, v->fs->name,
			    v->dir, strerror(-err));
			return err;
		}
		v->mounted = true;
		say("%s: %s (%s) at %s", v->arg, v->device, v->fs->name, v->dir);
	}
	return 0;
}

/* As a shell reports a status: the exit code, or 128 + the signal. */
static int exit_code(int status)
{
	if (WIFSIGNALED(status))
		return 128 + WTERMSIG(status);
	return WEXITSTATUS(status);
}

/* vssctl's environment with the variables set, for COMMAND. */
static char **command_env(const struct backup *bk)
{
	size_t n = 0, k = 0, i, j;
	char **env;

	while (environ[n])
		n++;
	env = calloc(n + bk->nr_vars + 1, sizeof(*env));
	if (!env)
		return NULL;
	for (i = 0; i < n; i++) {
		for (j = 0; j < bk->nr_vars; j++) {
			size_t len = strlen(bk->vars[j].name);

			if (!strncmp(environ[i], bk->vars[j].name, len) &&
			    environ[i][len] == '=')
				break;
		}
		if (j == bk->nr_vars)	/* ours replace the inherited */
			env[k++] = environ[i];
	}
	for (j = 0; j < bk->nr_vars; j++)
		if (asprintf(&env[k++], "%s=%s", bk->vars[j].name,
			     bk->vars[j].value) < 0)
			return NULL;	/* leaked at exit; out of memory anyway */
	return env;
}

static void free_env(const struct backup *bk, char **env)
{
	size_t i, n = 0;

	if (!env)
		return;
	while (env[n])
		n++;
	for (i = n - bk->nr_vars; i < n; i++)
		free(env[i]);
	free(env);
}

/*
 * COMMAND's file, as execvp() would find it: 0 with @path set, -ENOENT if
 * there is none, -EACCES if none that can be executed. Looked up before
 * the backup starts, so that a typo costs no snapshot and no writer's
 * freeze.
 */
static int resolve_command(const char *name, char *path, size_t len)
{
	const char *dirs = getenv("PATH"), *p, *end;
	int ret = -ENOENT;
	struct stat st;

	if (!*name)
		return -ENOENT;
	if (strchr(name, '/')) {
		snprintf(path, len, "%s", name);
		if (stat(path, &st))
			return -errno;
		return S_ISREG(st.st_mode) && !access(path, X_OK) ? 0 : -EACCES;
	}
	if (!dirs)
		dirs = "/bin:/usr/bin";
	for (p = dirs; ; p = end + 1) {
		end = strchrnul(p, ':');
		snprintf(path, len, "%.*s%s%s", (int)(end - p), p,
			 end > p ? "/" : "", name);
		if (!stat(path, &st) && S_ISREG(st.st_mode)) {
			if (!access(path, X_OK))
				return 0;
			ret = -EACCES;
		}
		if (!*end)
			return ret;
	}
}

static int command_error(const struct backup *bk, int err)
{
	say("cannot run %s: %s", bk->argv[0], strerror(-err));
	return err == -ENOENT ? VSSCTL_CMD_NOTFOUND : VSSCTL_CMD_NOEXEC;
}

/* ---- job control ---- */

/*
 * vssctl in the foreground of its terminal hands the terminal to COMMAND's
 * process group, as a shell does, so that COMMAND can read it (a password
 * prompt) and Ctrl-C and Ctrl-Z reach it. A SIGCONT covers a read that came
 * before the handover and stopped it.
 */
static void tty_to_command(struct backup *bk, pid_t pgrp)
{
	if (bk->tty < 0 || tcgetpgrp(bk->tty) != getpgrp())
		return;
	tcsetpgrp(bk->tty, pgrp);	/* SIGTTOU is held off (cmd_backup()) */
	kill(-pgrp, SIGCONT);
}

/* COMMAND ended or stopped: the terminal back to vssctl if it had it. */
static void tty_from_command(struct backup *bk, pid_t pgrp)
{
	if (bk->tty >= 0 && tcgetpgrp(bk->tty) == pgrp)
		tcsetpgrp(bk->tty, getpgrp());	/* from the background */
}

/*
 * COMMAND was stopped by job control (Ctrl-Z, or reading or writing the
 * terminal in the background): vssctl stops with it, so that the user's
 * shell shows the job stopped and `fg` or `bg` continue both (the
 * snapshots stay held meanwhile). Without job control (no terminal, an
 * orphaned process group: the stop signal has no effect on vssctl) COMMAND
 * stays stopped until someone continues it; vssctl says so and waits.
 */
static void command_stopped(struct backup *bk, pid_t pgrp, int sig)
{
	bool job_stop = sig == SIGTSTP || sig == SIGTTIN || sig == SIGTTOU;

	/* A terminal read before tty_to_command(): it has the terminal now. */
	if ((sig == SIGTTIN || sig == SIGTTOU) && bk->tty >= 0 &&
	    tcgetpgrp(bk->tty) == pgrp) {
		kill(-pgrp, SIGCONT);
		return;
	}
	if (job_stop && bk->tty >= 0) {
		tty_from_command(bk, pgrp);
		say("COMMAND stopped (%s): vssctl stops with it; the snapshots stay held until it continues",
		    sig_name(sig));
		bk->continued = false;
		raise(SIGTSTP);	/* SIGTTOU is held off in vssctl */
		read_signals(bk);
		if (bk->continued) {
			tty_to_command(bk, pgrp);
			kill(-pgrp, SIGCONT);
			return;
		}
	}
	say("COMMAND stopped (%s): the backup waits, snapshots held, until COMMAND is continued (kill -CONT -%d) or the backup stopped",
	    sig_name(sig), (int)pgrp);
}

/*
 * COMMAND, until it ends: its exit code, or -errno if it could not run.
 * posix_spawn() reports exec's errors itself, and nothing of vssctl runs
 * in the child: its own process group, the signal mask vssctl had.
 */
static int run_command(struct backup *bk)
{
	char file[PATH_MAX], **env;
	posix_spawnattr_t attr;
	int err, status;
	pid_t pid;

	err = resolve_command(bk->argv[0], file, sizeof(file));
	if (err)
		return err;
	env = command_env(bk);
	if (!env)
		return -ENOMEM;
	err = posix_spawnattr_init(&attr);
	if (!err)
		err = posix_spawnattr_setflags(&attr, POSIX_SPAWN_SETPGROUP |
					       POSIX_SPAWN_SETSIGMASK);
	if (!err)
		err = posix_spawnattr_setpgroup(&attr, 0);
	if (!err)
		err = posix_spawnattr_setsigmask(&attr, &bk->old_mask);
	fflush(NULL);
	if (!err)
		err = posix_spawn(&pid, file, NULL, &attr, bk->argv, env);
	posix_spawnattr_destroy(&attr);
	free_env(bk, env);
	if (err)
		return -err;
	bk->child = pid;
	tty_to_command(bk, pid);
	for (;;) {
		pid_t w = waitpid(pid, &status, WNOHANG | WUNTRACED);

		if (w == pid && WIFSTOPPED(status)) {
			command_stopped(bk, pid, WSTOPSIG(status));
			continue;
		}
		if (w == pid)
			break;
		if (w < 0 && errno != EINTR) {
			err = -errno;
			say("cannot wait for COMMAND: %s", strerror(errno));
			bk->child = 0;
			return err;
		}
		err = wait_fds(bk);
		if (err) {
			/* COMMAND still runs: let it finish, then clean up. */
			vssctl_lib_error(bk->ctx, err, "while COMMAND runs");
			bk->lib_failed = true;
		}
	}
	bk->child = 0;
	tty_from_command(bk, pid);
	/*
	 * Ctrl-C on the terminal went to COMMAND alone while it had the
	 * terminal: it was meant for the backup too, as a shell takes it.
	 */
	if (WIFSIGNALED(status) && WTERMSIG(status) == SIGINT && !bk->signo) {
		bk->signo = SIGINT;
		say("%s: stopping the backup", sig_name(SIGINT));
	}
	return exit_code(status);
}

/* Marks every component with COMMAND's outcome; BackupComplete. */
static int complete(struct backup *bk, bool succeeded)
{
	struct libvss_async *a;
	size_t i, j;
	int err = 0;

	for (i = 0; !err && i < libvss_bcd_writer_count(bk->bcd); i++) {
		const struct libvss_bcd_writer *w = libvss_bcd_writer(bk->bcd, i);

		for (j = 0; !err && j < libvss_bcd_writer_component_count(w); j++) {
			const struct libvss_bcd_component *c =
				libvss_bcd_writer_component(w, j);

			err = libvss_bcd_set_backup_succeeded(bk->bcd,
							      libvss_bcd_writer_class_id(w),
							      libvss_bcd_writer_instance_id(w),
							      libvss_bcd_component_logical_path(c),
							      libvss_bcd_component_name(c),
							      succeeded);
		}
	}
	if (err) {
		vssctl_lib_error(NULL, err, "cannot mark the components");
		return err;
	}
	err = set_document(bk);
	if (err)
		return err;
	err = libvss_backup_complete(bk->b, &a);
	err = finish(bk, "BackupComplete", err, a);
	if (!err) {
		bk->completed = true;
		say("BackupComplete: components marked %s",
		    succeeded ? "backed up" : "failed");
	}
	return err;
}

/* Unmounts, deletes the snapshots, releases the session. 0 or -errno. */
static int cleanup(struct backup *bk)
{
	unsigned int i, count = 0;
	int err, ret = 0;

	for (i = bk->nr_vols; i-- > 0;) {
		struct volume *v = &bk->vols[i];

		if (v->mounted) {
			err = vssctl_umount(v->dir);
			if (err) {
				say("cannot unmount %s: %s%s", v->dir, strerror(-err),
				    err == -EBUSY ? " (a process COMMAND left behind uses it; the mount goes when it ends)" : "");
				ret = err;
				continue;
			}
			v->mounted = false;
		}
		if (v->dir_made && !vssctl_rmdir(v->dir))
			v->dir_made = false;
	}
	if (bk->base_made && !ret && !vssctl_rmdir(bk->base))
		bk->base_made = false;
	if (bk->have_set && bk->b) {
		err = libvss_backup_delete_snapshots(bk->b, &count);
		if (err && err != -ENOENT) {
			vssctl_lib_error(bk->ctx, err, "DeleteSnapshots");
			ret = err;
		} else {
			say("%u snapshot%s deleted", count, count == 1 ? "" : "s");
		}
	}
	/* Release: BackupShutdown to every writer. */
	libvss_backup_free(bk->b);
	bk->b = NULL;
	return ret;
}

/* The -j summary. */
static void print_summary(const struct backup *bk, int code)
{
	unsigned int i;

	new_json_obj();
	print_string(PRINT_JSON, "set_id", NULL, bk->have_set ? bk->set_id : "");
	print_string(PRINT_JSON, "backup_type", NULL,
		     name_or(libvss_backup_type_name(bk->type), ""));
	open_json_array(PRINT_JSON, "volumes");
	for (i = 0; i < bk->nr_vols; i++) {
		const struct volume *v = &bk->vols[i];

		open_json_object(NULL);
		print_string(PRINT_JSON, "volume", NULL, v->arg);
		print_string(PRINT_JSON, "origin", NULL, v->origin);
		print_string(PRINT_JSON, "device", NULL, v->device);
		print_string(PRINT_JSON, "snapshot_id", NULL, v->snapshot_id);
		print_string(PRINT_JSON, "fstype", NULL, v->fs ? v->fs->name : "");
		print_string(PRINT_JSON, "mount", NULL, v->fs ? v->dir : "");
		close_json_object();
	}
	close_json_array(PRINT_JSON, NULL);
	if (bk->command_status >= 0)
		print_uint(PRINT_JSON, "command_status", NULL,
			   (unsigned int)bk->command_status);
	print_bool(PRINT_JSON, "backup_complete", NULL, bk->completed);
	print_string(PRINT_JSON, "signal", NULL,
		     bk->signo ? sig_name(bk->signo) : "");
	print_uint(PRINT_JSON, "exit_status", NULL, (unsigned int)code);
	delete_json_obj();
}

/* ---- the command ---- */

static int cmd_backup(int argc, char **argv)
{
	struct backup *bk;
	sigset_t sigs, ttou;
	int ret, err;

	bk = calloc(1, sizeof(*bk));
	if (!bk)
		return vssctl_lib_error(NULL, -ENOMEM, "out of memory");
	bk->command_status = -1;
	bk->sigfd = -1;
	bk->tty = open("/dev/tty", O_RDWR | O_NOCTTY | O_CLOEXEC);
	ret = parse_args(bk, argc, argv);
	if (ret)
		goto out_free;
	/* Unless its name comes from the set ({}/run.sh), found now. */
	if (!strcmp(bk->argv[0], bk->command[0])) {
		char file[PATH_MAX];

		err = resolve_command(bk->argv[0], file, sizeof(file));
		if (err) {
			ret = command_error(bk, err);
			goto out_free;
		}
	}

	/* Blocked now: a signal from here on is read, never fatal. */
	sigemptyset(&sigs);
	sigaddset(&sigs, SIGINT);
	sigaddset(&sigs, SIGTERM);
	sigaddset(&sigs, SIGHUP);
	sigaddset(&sigs, SIGCHLD);
	sigaddset(&sigs, SIGCONT);	/* still continues vssctl; then read */
	sigprocmask(SIG_BLOCK, &sigs, &bk->old_mask);
	/*
	 * Not read, only held off: while COMMAND has the terminal, vssctl's
	 * own messages must not stop it under `stty tostop`, and it takes the
	 * terminal back from the background (tcsetpgrp()).
	 */
	sigemptyset(&ttou);
	sigaddset(&ttou, SIGTTOU);
	sigprocmask(SIG_BLOCK, &ttou, NULL);
	bk->sigfd = signalfd(-1, &sigs, SFD_NONBLOCK | SFD_CLOEXEC);
	if (bk->sigfd < 0) {
		ret = vssctl_lib_error(NULL, -errno, "signalfd");
		goto out_free;
	}
	ret = vssctl_open(&bk->ctx);
	if (ret) {
		ret = VSSCTL_BACKUP_FAILED;
		goto out_free;
	}
	if (!bk->no_auto_storage) {
		const char *vols[MAX_VOLUMES];
		unsigned int i;

		for (i = 0; i < bk->nr_vols; i++)
			vols[i] = bk->vols[i].arg;
		bk->nr_auto_storage = vssctl_auto_storage_add(bk->ctx, vols,
							      bk->nr_vols,
							      bk->storage_dir,
							      bk->auto_storage);
	}
	err = libvss_backup_new(bk->ctx, &bk->b);
	if (err) {
		vssctl_lib_error(bk->ctx, err, "cannot start a backup session");
		ret = VSSCTL_BACKUP_FAILED;
		goto out;
	}
	ret = VSSCTL_BACKUP_FAILED;
	err = gather(bk);
	if (!err && !read_signals(bk))
		err = prepare(bk);
	if (!err && !read_signals(bk)) {
		err = do_snapshot_set(bk);
		if (err == -EREMOTEIO)
			ret = VSSCTL_BACKUP_VETOED;
	}
	if (!err && !read_signals(bk))
		err = expose_all(bk);
	if (!err && !read_signals(bk))
		err = changes_all(bk);
	if (!err && !read_signals(bk)) {
		err = make_vars(bk, false);
		if (!err)
			err = expand_command(bk);
		if (err > 0)	/* reported: cannot happen after the parse's check */
			err = -EINVAL;
	}
	if (!err && !read_signals(bk)) {
		err = run_command(bk);
		if (err >= 0) {
			bk->command_status = err;
			ret = err;
			say("COMMAND exited with status %d", err);
			err = 0;
		} else {
			ret = command_error(bk, err);
		}
	}
	if (!err && bk->lib_failed) {
		/*
		 * Reading the module failed while COMMAND ran: BackupComplete's
		 * completion could never be read. The writers get
		 * BackupShutdown at the release.
		 */
		say("BackupComplete not sent: reading the module failed");
		if (!bk->command_status)
			ret = VSSCTL_BACKUP_FAILED;
	} else if (!err && !read_signals(bk) &&
		   complete(bk, bk->command_status == 0) && !bk->command_status) {
		ret = VSSCTL_BACKUP_FAILED;	/* the data is copied, writers not told */
	}
	if (read_signals(bk)) {
		/* After PostSnapshot this only marks the session aborted. */
		err = libvss_backup_abort(bk->b);
		if (err && err != -EBADFD)
			vssctl_lib_error(bk->ctx, err, "AbortBackup");
		ret = 128 + bk->signo;
	}
	if (cleanup(bk) && !ret)
		ret = VSSCTL_BACKUP_FAILED;
	if (is_json_context())
		print_summary(bk, ret);
out:
	/* After the snapshots: a storage with snapshots cannot go. */
	if (bk->nr_auto_storage && !bk->keep_storage)
		vssctl_auto_storage_remove(bk->ctx, bk->auto_storage, bk->nr_vols);
	else if (bk->nr_auto_storage)
		say("kept the diff storage added for this backup (vssctl storage list; vssctl storage remove DEVICE)");
	libvss_backup_free(bk->b);
	libvss_bcd_free(bk->bcd);
	libvss_close(bk->ctx);
out_free:
	if (bk->sigfd >= 0)
		close(bk->sigfd);
	if (bk->tty >= 0)
		close(bk->tty);
	free_argv(bk);
	free_vars(bk);
	free(bk->writers);
	free(bk->excluded);
	free(bk->since);
	free(bk);
	return ret;
}

static const struct vssctl_cmd backup_cmd = {
	"backup", cmd_backup,
	"[--writer NAME]... [--exclude-writer NAME]...\n"
	"          [--type full|incremental|differential|log|copy|other]\n"
	"          [--since TOKEN|full]... [--no-substitute] [--mount-untrusted]\n"
	"          [--storage-dir DIR] [--keep-storage] [--no-auto-storage]\n"
	"          VOLUME... -- COMMAND [ARG]...",
	"snapshot every VOLUME with the writers' help, mount the snapshots\n"
	"      read-only, run COMMAND on them, tell the writers how it went,\n"
	"      clean up; exit with COMMAND's status (vssctl help backup).\n"
	"      --since, once per VOLUME: an incremental, with a file of the\n"
	"      extents changed since TOKEN for COMMAND",
};

static const char backup_doc[] =
"A whole backup, as a VSS requester, around COMMAND, which copies the data:\n"
"\n"
"  1. GatherWriterMetadata: every registered writer takes part.\n"
"  2. PrepareForBackup with a backup components document listing every\n"
"     component of the selected writers: all of them, or those named by\n"
"     --writer (each must exist), less those named by --exclude-writer.\n"
"     Unselected writers still get the events; their vetoes do not count.\n"
"  3. DoSnapshotSet of the VOLUMEs at one instant: PrepareForSnapshot,\n"
"     Freeze (front-end, back-end, system writers), the snapshots, Thaw,\n"
"     PostSnapshot. A veto of a selected writer fails it (exit 124). If\n"
"     another set is being made, it waits for it.\n"
"  4. Each snapshot is mounted read-only (ro,nosuid,nodev, and what its\n"
"     filesystem needs on a copy: see snapshot expose) on\n"
"     /run/vss/backup-SETID/N, in a mount namespace that only vssctl and\n"
"     COMMAND share, if the host trusts its filesystem: the origin is\n"
"     mounted here, as the same type. Otherwise (a VM's disk, a tenant's\n"
"     volume: it may hold a crafted image), or without a filesystem vssctl\n"
"     knows, COMMAND gets its snapshot device instead. --mount-untrusted\n"
"     mounts what the host does not trust too.\n"
"  5. COMMAND runs (posix_spawn, no shell) in its own process group.\n"
"     It is looked up in PATH before anything else is done (exit 127 or\n"
"     126 at once), unless its name comes from {} or $VSS_MOUNT_N.\n"
"  6. Every component in the document is marked backed up if COMMAND\n"
"     exited 0, failed otherwise, and sent with BackupComplete.\n"
"  7. The snapshots are unmounted and deleted and the session released:\n"
"     writers get BackupShutdown.\n"
"\n"
"VOLUME is a mount point or a block device (a filesystem mounted on it is\n"
"frozen for the instant; a device without one is taken as it is).\n"
"\n"
"Diff storage: a VOLUME that has none (storage add) gets a default one\n"
"for this backup, announced on stderr and removed afterwards (--keep-storage\n"
"keeps it: the storage is also where changed blocks are tracked, so keep it,\n"
"or add one, for incrementals). The default: a file storage in DIR\n"
"(--storage-dir, default /var/lib/vss/storage, made 0700 if missing; it\n"
"must be a root-owned directory nobody else can write, on a filesystem\n"
"that is not a VOLUME), a tenth of the volume but at least 64M, within\n"
"half of DIR's free space; else kernel memory, a tenth of the volume but\n"
"at least 16M, within an eighth of MemAvailable; else none, and\n"
"DoSnapshotSet fails (status insufficient-storage). --no-auto-storage adds\n"
"nothing.\n"
"--type is full (default), incremental, differential, log, copy or other:\n"
"the writers are told it.\n"
"\n"
"COMMAND's environment, N counting VOLUMEs from 0 in the order given:\n"
"  VSS_SNAPSHOT_SET_ID  the set's id\n"
"  VSS_BACKUP_TYPE      full, copy, ...\n"
"  VSS_VOLUME_COUNT     the number of VOLUMEs\n"
"  VSS_VOLUME_N         the VOLUME as given\n"
"  VSS_ORIGIN_N         its block device, /dev/vdb\n"
"  VSS_DEVICE_N         its snapshot's device, /dev/vss-snap3\n"
"  VSS_SNAPSHOT_ID_N    its snapshot's id\n"
"  VSS_FSTYPE_N         ext4, xfs, ...; empty for a raw volume\n"
"  VSS_MOUNT_N          where the snapshot is mounted; a raw volume's\n"
"                       snapshot device\n"
"  VSS_TOKEN_N          its snapshot's changed-block tracking token: keep\n"
"                       it with the backup, pass it as --since next time;\n"
"                       empty if the module tracks no changes\n"
"  VSS_FULL_N           1: copy the whole snapshot device (no --since for\n"
"                       it, or ESTALE: the reason is on stderr); else 0\n"
"  VSS_CHANGES_N        with VSS_FULL_N=0, a file of the extents that may\n"
"                       differ since --since: one \"OFFSET LENGTH\" line each,\n"
"                       decimal bytes, sorted; copy those from VSS_DEVICE_N.\n"
"                       Empty when VSS_FULL_N=1\n"
"--since TOKEN, given once per VOLUME in order (\"full\" for one without a\n"
"token), makes the backup incremental unless --type says otherwise\n"
"(differential: pass the token of the last full one). See\n"
"Documentation/vssctl-backup.md.\n"
"An argument of COMMAND that is exactly {} becomes VSS_MOUNT_0, {N}\n"
"VSS_MOUNT_N, $VSS_NAME or ${VSS_NAME} that variable: one argument,\n"
"whatever the value holds. Nothing is replaced inside a longer argument,\n"
"so that no value is ever parsed as code: a shell reads the environment\n"
"there (sh -c '... \"$VSS_VOLUME_0\" ...', in single quotes), and {} or {N}\n"
"there is a usage error. So are {N} past the VOLUMEs and an unknown $VSS_\n"
"name anywhere. --no-substitute passes every argument as it is (e.g. for\n"
"find -exec ... {} ;).\n"
"\n"
"Example, with diff storage on the device of /srv:\n"
"  vssctl backup /srv -- tar -C '$VSS_MOUNT_0' -czf /backup/srv.tgz .\n"
"  vssctl backup /srv /var -- sh -c 'rsync -a \"$VSS_MOUNT_0/\" \"$VSS_MOUNT_1/\" /backup/'\n"
"\n"
"Progress goes to stderr; stdout is COMMAND's, with -j followed by a JSON\n"
"summary (set, volumes, COMMAND's status, exit status).\n"
"\n"
"SIGINT, SIGTERM, SIGHUP: while the writers are at work, the operation is\n"
"cancelled (they get Abort); while COMMAND runs, the signal is forwarded\n"
"to its process group (a second signal sends SIGKILL) and vssctl waits\n"
"for it. Then the backup is aborted, never completed: no BackupComplete,\n"
"only BackupShutdown; the snapshots are unmounted and deleted; exit\n"
"128 + the signal (130, 143, 129). If vssctl is SIGKILLed, the module\n"
"releases the session as its socket closes (BackupShutdown, snapshots\n"
"deleted: COMMAND, which keeps running, gets read errors from then on)\n"
"and the mounts vanish with the namespace once COMMAND has ended; an\n"
"empty /run/vss/ is all that stays.\n"
"\n"
"Exit status:\n"
"  COMMAND's status (128 + N if a signal N killed it)\n"
"  2    usage error; nothing was done\n"
"  124  a selected writer vetoed the snapshot (its failure is printed)\n"
"  125  vssctl failed: the module, a snapshot, a mount; or COMMAND exited\n"
"       0 but BackupComplete or the cleanup failed\n"
"  126  COMMAND cannot be executed;  127  COMMAND not found\n"
"  128 + N  stopped by signal N (130 SIGINT, 143 SIGTERM, 129 SIGHUP)\n";

const struct vssctl_object vssctl_obj_backup = {
	.name = "backup",
	.help = "a whole backup around a command",
	.self = &backup_cmd,
	.doc = backup_doc,
};
