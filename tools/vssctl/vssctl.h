/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What the object files of vssctl share: the command table types, exit
 * codes, and the helpers that report errors the same way everywhere.
 */
#ifndef VSSCTL_H
#define VSSCTL_H

#include <stddef.h>
#include <stdint.h>
#include <libvss.h>

/* Exit codes, as documented by `vssctl help`. */
enum {
	VSSCTL_OK = 0,
	VSSCTL_ERR = 1,		/* the kernel or the library failed */
	VSSCTL_USAGE = 2,	/* the command line is wrong */
	/* snapshot changes: ESTALE, the token cannot serve: copy in full */
	VSSCTL_STALE = 3,
	/*
	 * `backup` exits with its COMMAND's status, so its own failures take
	 * codes that commands seldom use, as timeout(1) and env(1) do.
	 */
	VSSCTL_BACKUP_VETOED = 124,	/* a selected writer vetoed */
	VSSCTL_BACKUP_FAILED = 125,	/* vssctl failed around COMMAND */
	VSSCTL_CMD_NOEXEC = 126,	/* COMMAND cannot be executed */
	VSSCTL_CMD_NOTFOUND = 127,	/* COMMAND not found */
};

/* A handler gets the arguments after its command and returns an exit code. */
struct vssctl_cmd {
	const char *name;
	int (*fn)(int argc, char **argv);
	const char *args;	/* synopsis of its arguments, or NULL */
	const char *help;	/* one line */
};

struct vssctl_object {
	const char *name;
	const char *help;	/* one line */
	/* The first is run when no command is given; ends with { NULL }. */
	const struct vssctl_cmd *cmds;
	/*
	 * Or, for an object that is a command of its own (`vssctl backup
	 * VOLUME... -- COMMAND`): it gets every argument after the object.
	 */
	const struct vssctl_cmd *self;
	/* Details that `vssctl help OBJECT` adds to the synopsis, or NULL. */
	const char *doc;
};

extern const struct vssctl_object vssctl_obj_storage;
extern const struct vssctl_object vssctl_obj_fs;
extern const struct vssctl_object vssctl_obj_monitor;
extern const struct vssctl_object vssctl_obj_session;
extern const struct vssctl_object vssctl_obj_snapshot;
extern const struct vssctl_object vssctl_obj_version;
extern const struct vssctl_object vssctl_obj_writer;
extern const struct vssctl_object vssctl_obj_backup;
extern const struct vssctl_object vssctl_obj_tracker;
/* tracker_persist.c: `vssctl tracker save` and `restore`. */
int cmd_tracker_save(int argc, char **argv);
int cmd_tracker_restore(int argc, char **argv);

/*
 * Exact name, else the one name that starts with @word: the index into
 * @names, -1 if none, -2 if ambiguous.
 */
int vssctl_match(const char *word, const char *const *names, int n);

/* Reports a usage error, returns VSSCTL_USAGE. */
__attribute__((format(printf, 1, 2)))
int vssctl_usage_error(const char *fmt, ...);

/*
 * Reports a failed library call as "vssctl: WHAT: strerror: ext error" and
 * returns VSSCTL_ERR. @ctx NULL: the failed call was libvss_open().
 */
__attribute__((format(printf, 3, 4)))
int vssctl_lib_error(const struct libvss_ctx *ctx, int err,
		     const char *fmt, ...);

/* A way out of the failure just reported: "vssctl: hint: ..." on stderr. */
__attribute__((format(printf, 1, 2)))
void vssctl_hint(const char *fmt, ...);

/* libvss_open(), reporting failure; returns an exit code. */
int vssctl_open(struct libvss_ctx **ctxp);

/*
 * Command arguments, after the object and command words. Options take
 * their value as "--name VALUE" or "--name=VALUE"; "--" ends options.
 */

/*
 * Whether argv[*@i] is the option @name that takes a value: 1, with
 * *@value set and *@i moved to the value's word; 0 if it is not; -1 (and
 * the usage error reported) if it is, without a value or given twice
 * (*@value already set).
 */
int vssctl_opt_value(int argc, char **argv, int *i, const char *name,
		     const char **value);

/*
 * A byte count: decimal digits with an optional suffix K, M, G or T (either
 * case), powers of 1024. 0, -EINVAL or -ERANGE.
 */
int vssctl_parse_size(const char *arg, uint64_t *bytes);
/* The same, in the fewest digits exact: "64K", "1G", "1500000000". */
#define VSSCTL_SIZE_LEN	24
const char *vssctl_format_size(uint64_t bytes, char buf[VSSCTL_SIZE_LEN]);

/* Durations in ms: the largest exact unit ("30s", "5m", "1500ms"), and
 * tenths of a second for what changes as it is read ("28.5s"). */
#define DURATION_LEN	24
const char *vssctl_duration_str(uint64_t ms, char buf[DURATION_LEN]);
const char *vssctl_seconds_str(uint64_t ms, char buf[DURATION_LEN]);
/* session.c: a session's type, state and running operation, printed. */
void vssctl_print_session_state(uint32_t type, uint32_t state, uint32_t op);
/* Nanoseconds as milliseconds, exact: "1.234567ms", "2.5ms", "0ms". */
const char *vssctl_ms_str(uint64_t ns, char *buf, size_t len);

/*
 * An ORIGIN argument as a block device path, for the requests that take
 * only a path (storage add, snapshot delete --oldest): a bare kernel name,
 * as `storage list` and `snapshot list` print them ("vda1"), is taken as
 * /dev/NAME. Returns @arg or @buf. The other storage commands pass a bare
 * name as it is: the module resolves it, also once the device node is gone.
 */
const char *vssctl_device_path(const char *arg, char *buf, size_t len);

#endif /* VSSCTL_H */
