/* SPDX-License-Identifier: GPL-2.0 */
/*
 * `vssctl backup`, inside: the state of one backup, shared by its files,
 * one job each: backup.c the command (its order of steps, the summary,
 * the manual), backup_args.c the command line, backup_vars.c the
 * variables handed to COMMAND, backup_wait.c waits and signals,
 * backup_steps.c the requester's steps, backup_expose.c the mounts,
 * backup_run.c COMMAND itself; backup_storage.c and backup_cbt.c the
 * default diff storage and the changed extents.
 */
#ifndef VSSCTL_BACKUP_H
#define VSSCTL_BACKUP_H

#include <limits.h>
#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

#include <libvss.h>
#include <libvss-doc.h>

#include "backup_storage.h"
#include "mount.h"

#define MAX_VOLUMES	64
/* Where the snapshots are mounted: RUN_DIR/backup-SETID/N. */
#define RUN_DIR		"/run/vss"
/* vssctl's own variables: 3 for the set, 9 per volume. */
#define MAX_VARS	(3 + 9 * MAX_VOLUMES)
#define VAR_NAME_LEN	32

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

/* backup.c */
/* "vssctl: " and a line on stderr, after what stdout has. */
__attribute__((format(printf, 1, 2)))
void say(const char *fmt, ...);
/* "SIGINT": a static buffer. */
const char *sig_name(int sig);

static inline const char *name_or(const char *name, const char *dflt)
{
	return name ? name : dflt;
}

/* backup_args.c: 0, or an exit code, reported. */
int backup_parse_args(struct backup *bk, int argc, char **argv);

/* backup_vars.c */
/*
 * Every variable of the contract; @dummy: before the set exists, with
 * empty values, enough to check COMMAND's references. 0 or -ENOMEM.
 */
int backup_make_vars(struct backup *bk, bool dummy);
void backup_free_vars(struct backup *bk);
/* COMMAND's arguments into bk->argv: 0, a usage error (reported), -errno. */
int backup_expand_command(struct backup *bk);
void backup_free_argv(struct backup *bk);
char **backup_command_env(const struct backup *bk);
void backup_free_env(const struct backup *bk, char **env);

/* backup_wait.c */
bool backup_read_signals(struct backup *bk);
int backup_wait_fds(struct backup *bk);
int backup_finish(struct backup *bk, const char *what, int err,
		  struct libvss_async *a);

/* backup_steps.c: each 0 or -errno, reported. */
int backup_gather(struct backup *bk);
int backup_prepare(struct backup *bk);
int backup_do_snapshot_set(struct backup *bk);
int backup_changes_all(struct backup *bk);
int backup_complete(struct backup *bk, bool succeeded);
int backup_cleanup(struct backup *bk);

/* backup_expose.c */
int backup_expose_all(struct backup *bk);
int backup_unexpose_all(struct backup *bk);

/* backup_run.c */
int backup_resolve_command(const char *name, char *path, size_t len);
/* Says why COMMAND cannot run; its exit code, 126 or 127. */
int backup_command_error(const struct backup *bk, int err);
int backup_run_command(struct backup *bk);

#endif /* VSSCTL_BACKUP_H */
