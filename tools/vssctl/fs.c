// SPDX-License-Identifier: GPL-2.0
/*
 * `vssctl fs`: filesystem freezes with an owner and a deadline, unlike
 * fsfreeze(8), whose freeze lasts until someone remembers to thaw.
 *
 * A freeze that is not detached belongs to vssctl's socket: the module
 * thaws the filesystem as soon as it closes, however vssctl ends (even
 * SIGKILL). So `fs freeze` stays in the foreground, holding the socket,
 * until a signal asks it to thaw or the deadline passes; it polls FS_GET
 * about once a second to notice a freeze that ended otherwise. A detached
 * freeze returns at once and lives until `fs thaw` or its deadline.
 */
#include <errno.h>
#include <inttypes.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include "print.h"
#include "vssctl.h"

#define MS_PER_SEC	1000ULL
#define NS_PER_MS	1000000ULL
/* Longest sleep between two looks at the freeze. */
#define POLL_MS		1000
/* A freeze gone this close to its deadline ended by it (jiffies, work). */
#define DEADLINE_SLACK_MS	50
#define TIME_LEN	32

/* How a foreground freeze ended. */
enum fs_end {
	FS_END_SIGNAL,		/* we thawed it: VSS_THAW_REQUESTED */
	FS_END_DEADLINE,	/* the module did: VSS_THAW_DEADLINE */
	FS_END_EARLY,		/* someone else, before the deadline */
};

/* ---- helpers ---- */

static uint64_t clock_ms(clockid_t clock)
{
	struct timespec ts;

	clock_gettime(clock, &ts);
	return (uint64_t)ts.tv_sec * MS_PER_SEC + (uint64_t)ts.tv_nsec / NS_PER_MS;
}

/*
 * --timeout: whole seconds, or a number with a unit ms, s, m or h; 1 ms
 * to the module's longest, VSS_FS_TIMEOUT_MAX_MS (24h).
 */
static int parse_duration(const char *arg, uint32_t *ms)
{
	static const struct {
		const char *unit;
		uint64_t ms;
	} units[] = {
		{ "", 1000 }, { "ms", 1 }, { "s", 1000 }, { "m", 60000 },
		{ "h", 3600000 },
	};
	unsigned long long v;
	unsigned int i;
	char *end;

	if (*arg < '0' || *arg > '9')
		return -EINVAL;
	errno = 0;
	v = strtoull(arg, &end, 10);
	if (errno)
		return -errno;
	for (i = 0; i < sizeof(units) / sizeof(units[0]); i++) {
		if (strcmp(end, units[i].unit))
			continue;
		if (!v || v > VSS_FS_TIMEOUT_MAX_MS / units[i].ms)
			return -ERANGE;
		*ms = (uint32_t)(v * units[i].ms);
		return 0;
	}
	return -EINVAL;
}

/* The largest exact unit: "30s", "5m", "24h", "1500ms"; "0s" for 0. */
const char *vssctl_duration_str(uint64_t ms, char buf[DURATION_LEN])
{
	if (!ms)
		snprintf(buf, DURATION_LEN, "0s");
	else if (!(ms % 3600000))
		snprintf(buf, DURATION_LEN, "%" PRIu64 "h", ms / 3600000);
	else if (!(ms % 60000))
		snprintf(buf, DURATION_LEN, "%" PRIu64 "m", ms / 60000);
	else if (!(ms % 1000))
		snprintf(buf, DURATION_LEN, "%" PRIu64 "s", ms / 1000);
	else
		snprintf(buf, DURATION_LEN, "%" PRIu64 "ms", ms);
	return buf;
}

/* Tenths of a second, for what changes as it is read: "28.5s". */
const char *vssctl_seconds_str(uint64_t ms, char buf[DURATION_LEN])
{
	snprintf(buf, DURATION_LEN, "%" PRIu64 ".%" PRIu64 "s", ms / 1000,
		 ms % 1000 / 100);
	return buf;
}

/* The wall-clock time @ms from now, ISO 8601 UTC, as snapshot lists print. */
static const char *deadline_str(uint32_t ms, char buf[TIME_LEN])
{
	time_t t = (time_t)((clock_ms(CLOCK_REALTIME) + ms + 500) / MS_PER_SEC);
	struct tm tm;

	if (!gmtime_r(&t, &tm) || !strftime(buf, TIME_LEN, "%Y-%m-%dT%H:%M:%SZ", &tm))
		snprintf(buf, TIME_LEN, "@%lld", (long long)t);
	return buf;
}

/* One freeze of `fs list`: a line, or the members of an object. */
static void print_fs(const struct libvss_fs_info *fi)
{
	bool detached = libvss_fs_info_flags(fi) & VSS_FS_F_DETACHED;
	char d[DURATION_LEN];

	print_string(PRINT_ANY, "path", "%s", libvss_fs_info_path(fi));
	print_string(PRINT_ANY, "device", " device %s", libvss_fs_info_device(fi));
	print_uint(detached ? PRINT_JSON : PRINT_ANY, "owner", " owner %u",
		   libvss_fs_info_owner(fi));
	print_bool(PRINT_JSON, "detached", NULL, detached);
	if (detached)
		print_string(PRINT_FP, NULL, "%s", " detached");
	print_uint(PRINT_JSON, "timeout_ms", NULL, libvss_fs_info_timeout_ms(fi));
	print_string(PRINT_FP, NULL, " timeout %s",
		     vssctl_duration_str(libvss_fs_info_timeout_ms(fi), d));
	print_uint(PRINT_JSON, "remaining_ms", NULL,
		   libvss_fs_info_remaining_ms(fi));
	print_string(PRINT_FP, NULL, " remaining %s",
		     vssctl_seconds_str(libvss_fs_info_remaining_ms(fi), d));
	print_u64(PRINT_JSON, "frozen_ns", NULL, libvss_fs_info_frozen_ns(fi));
	print_string(PRINT_FP, NULL, " frozen %s",
		     vssctl_seconds_str(libvss_fs_info_frozen_ns(fi) / NS_PER_MS, d));
	print_nl();
}

/*
 * The record `fs freeze` prints once the filesystem is frozen: what, until
 * when, and how it ends sooner. @fi NULL: the freeze ended before it could
 * be looked at; the path alone.
 */
static void print_frozen(const char *path, const struct libvss_fs_info *fi,
			 bool detached)
{
	char d[DURATION_LEN], t[TIME_LEN];

	new_json_obj();
	print_string(PRINT_ANY, "path", "%s frozen", path);
	if (fi) {
		print_string(PRINT_ANY, "device", " (%s)", libvss_fs_info_device(fi));
		print_uint(PRINT_JSON, "owner", NULL, libvss_fs_info_owner(fi));
		print_uint(PRINT_JSON, "timeout_ms", NULL,
			   libvss_fs_info_timeout_ms(fi));
		print_string(PRINT_ANY, "until", " until %s",
			     deadline_str(libvss_fs_info_remaining_ms(fi), t));
		print_string(PRINT_FP, NULL, ", for %s",
			     vssctl_duration_str(libvss_fs_info_timeout_ms(fi), d));
	}
	print_bool(PRINT_JSON, "detached", NULL, detached);
	if (detached)
		print_string(PRINT_FP, NULL, ", detached; vssctl fs thaw %s thaws it sooner",
			     path);
	else
		print_string(PRINT_FP, NULL, "%s", "; SIGINT or SIGTERM thaws it");
	print_nl();
	delete_json_obj();
	/* A script waits for this line before it relies on the freeze. */
	fflush(stdout);
}

/* The record of the end of a foreground freeze. */
static void print_thawed(const char *path, enum fs_end end)
{
	new_json_obj();
	print_string(PRINT_ANY, "path", "%s thawed", path);
	print_bool(PRINT_JSON, "thawed", NULL, true);
	if (end == FS_END_EARLY) {
		print_string(PRINT_FP, NULL, "%s",
			     " before its deadline, not by this vssctl");
	} else {
		uint32_t r = end == FS_END_SIGNAL ? VSS_THAW_REQUESTED :
						    VSS_THAW_DEADLINE;

		print_string(PRINT_ANY, "reason", " (%s)", libvss_thaw_reason_name(r));
	}
	print_nl();
	delete_json_obj();
	fflush(stdout);
}

static void freeze_hint(struct libvss_ctx *ctx, int err)
{
	struct libvss_features *f;

	switch (err) {
	case -EBUSY:
		vssctl_hint("already frozen: by vss (vssctl fs list), a snapshot set, or fsfreeze(8)");
		break;
	case -EINVAL:
		vssctl_hint("give the mount point itself: findmnt -T PATH shows it");
		break;
	case -EOPNOTSUPP:
		/* An older module does not know the command at all. */
		if (!libvss_get_features(ctx, 0, &f)) {
			if (!(libvss_features_mask(f) & VSS_FEATURE_FS_FREEZE))
				vssctl_hint("the loaded module cannot freeze filesystems (no feature fs-freeze)");
			else
				vssctl_hint("this filesystem type cannot be frozen");
			libvss_features_free(f);
		}
		break;
	}
}

/*
 * Whether the freeze on @path is still ours (0 or 1, or -errno), moving
 * @deadline to what the module says. After our deadline, or someone
 * else's thaw, another freeze may be there: it has another owner.
 */
static int still_ours(struct libvss_ctx *ctx, const char *path, uint32_t owner,
		      uint64_t *deadline)
{
	struct libvss_fs_info *now;
	int err = libvss_fs_get(ctx, path, &now);

	if (err)
		return err == -ENOENT ? 0 : err;
	if (libvss_fs_info_owner(now) != owner) {
		libvss_fs_info_free(now);
		return 0;
	}
	*deadline = clock_ms(CLOCK_MONOTONIC) + libvss_fs_info_remaining_ms(now);
	libvss_fs_info_free(now);
	return 1;
}

/*
 * Waits, signals blocked in @sigs, until one of them comes (and thaws the
 * freeze @fi, just taken) or the freeze ends otherwise.
 */
static int wait_for_thaw(struct libvss_ctx *ctx, const char *path,
			 const struct libvss_fs_info *fi, const sigset_t *sigs,
			 enum fs_end *end)
{
	uint64_t deadline = clock_ms(CLOCK_MONOTONIC) +
			    libvss_fs_info_remaining_ms(fi);
	uint32_t owner = libvss_fs_info_owner(fi);
	struct timespec ts;
	int sig, ours;

	for (;;) {
		uint64_t t = clock_ms(CLOCK_MONOTONIC);
		/* Just past the deadline, the module having thawed it. */
		uint64_t wait = deadline > t ? deadline - t + 20 : 100;

		if (wait > POLL_MS)
			wait = POLL_MS;
		ts.tv_sec = (time_t)(wait / MS_PER_SEC);
		ts.tv_nsec = (long)(wait % MS_PER_SEC * NS_PER_MS);
		sig = sigtimedwait(sigs, NULL, &ts);
		if (sig < 0 && errno == EINTR)
			continue;
		/* Never thaw a freeze that is not ours any more. */
		ours = still_ours(ctx, path, owner, &deadline);
		if (ours < 0)
			return ours;
		if (ours && sig > 0) {
			int err = libvss_fs_thaw(ctx, path);

			/* Unless the deadline or someone else was first. */
			if (err != -ENOENT) {
				*end = FS_END_SIGNAL;
				return err;
			}
		} else if (ours) {
			continue;
		}
		*end = clock_ms(CLOCK_MONOTONIC) + DEADLINE_SLACK_MS >= deadline ?
		       FS_END_DEADLINE : FS_END_EARLY;
		return 0;
	}
}

/* ---- commands ---- */

static int cmd_fs_list(int argc, char **argv)
{
	struct libvss_fs_list *l;
	struct libvss_ctx *ctx;
	unsigned int i;
	int ret, err;

	if (argc > 0)
		return vssctl_usage_error("unexpected argument \"%s\"", argv[0]);
	ret = vssctl_open(&ctx);
	if (ret)
		return ret;
	err = libvss_fs_list(ctx, &l);
	if (err) {
		ret = vssctl_lib_error(ctx, err, "cannot list filesystem freezes");
		if (err == -EOPNOTSUPP)
			freeze_hint(ctx, err);
		goto out;
	}
	new_json_array();
	for (i = 0; i < libvss_fs_list_count(l); i++) {
		open_json_object(NULL);
		print_fs(libvss_fs_list_entry(l, i));
		close_json_object();
	}
	delete_json_obj();
	libvss_fs_list_free(l);
out:
	libvss_close(ctx);
	return ret;
}

static int cmd_fs_freeze(int argc, char **argv)
{
	const char *path = NULL, *timeout = NULL;
	struct libvss_fs_info *fi = NULL;
	bool detach = false, opts = true;
	uint32_t timeout_ms = 0;
	struct libvss_ctx *ctx;
	enum fs_end end;
	sigset_t sigs;
	int i, ret, err;

	for (i = 0; i < argc; i++) {
		if (opts && !strcmp(argv[i], "--")) {
			opts = false;
			continue;
		}
		if (opts && !strcmp(argv[i], "--detach")) {
			detach = true;
			continue;
		}
		if (opts) {
			ret = vssctl_opt_value(argc, argv, &i, "--timeout", &timeout);
			if (ret < 0)
				return VSSCTL_USAGE;
			if (ret)
				continue;
			if (argv[i][0] == '-')
				return vssctl_usage_error("unknown option \"%s\"",
							  argv[i]);
		}
		if (path)
			return vssctl_usage_error("unexpected argument \"%s\"",
						  argv[i]);
		path = argv[i];
	}
	if (!path)
		return vssctl_usage_error("MOUNTPOINT is missing");
	if (timeout && parse_duration(timeout, &timeout_ms))
		return vssctl_usage_error("--timeout: \"%s\" is not a duration from 1ms to 24h (SECONDS, or a number with ms, s, m or h)",
					  timeout);

	/*
	 * Blocked before the freeze, so that a signal sent the moment it is
	 * taken waits for sigtimedwait() instead of killing vssctl (which
	 * would thaw too, but silently).
	 */
	sigemptyset(&sigs);
	sigaddset(&sigs, SIGINT);
	sigaddset(&sigs, SIGTERM);
	sigaddset(&sigs, SIGHUP);
	if (!detach)
		sigprocmask(SIG_BLOCK, &sigs, NULL);

	ret = vssctl_open(&ctx);
	if (ret)
		return ret;
	err = libvss_fs_freeze(ctx, path, timeout_ms,
			       detach ? VSS_FS_F_DETACHED : 0);
	if (err) {
		ret = vssctl_lib_error(ctx, err, "cannot freeze %s", path);
		freeze_hint(ctx, err);
		goto out;
	}
	err = libvss_fs_get(ctx, path, &fi);
	if (err && err != -ENOENT) {
		ret = vssctl_lib_error(ctx, err, "%s frozen, but cannot be looked at",
				       path);
		goto out;
	}
	print_frozen(path, fi, detach);
	if (detach)
		goto out;
	end = FS_END_EARLY;
	err = fi ? wait_for_thaw(ctx, path, fi, &sigs, &end) : 0;
	if (err) {
		ret = vssctl_lib_error(ctx, err, "cannot thaw %s", path);
		vssctl_hint("vssctl's exit thaws it (the freeze is bound to its socket)");
		goto out;
	}
	print_thawed(path, end);
out:
	libvss_fs_info_free(fi);
	libvss_close(ctx);
	return ret;
}

static int cmd_fs_thaw(int argc, char **argv)
{
	const char *path = NULL;
	struct libvss_ctx *ctx;
	bool opts = true;
	struct stat st;
	int i, ret, err;

	for (i = 0; i < argc; i++) {
		if (opts && !strcmp(argv[i], "--")) {
			opts = false;
			continue;
		}
		if (opts && argv[i][0] == '-')
			return vssctl_usage_error("unknown option \"%s\"", argv[i]);
		if (path)
			return vssctl_usage_error("unexpected argument \"%s\"",
						  argv[i]);
		path = argv[i];
	}
	if (!path)
		return vssctl_usage_error("MOUNTPOINT is missing");
	ret = vssctl_open(&ctx);
	if (ret)
		return ret;
	err = libvss_fs_thaw(ctx, path);
	if (err) {
		ret = vssctl_lib_error(ctx, err, "cannot thaw %s", path);
		if (err == -ENOENT && !stat(path, &st))
			vssctl_hint("vss has no freeze there (vssctl fs list); fsfreeze -u thaws one of fsfreeze(8)");
		else if (err == -EINVAL || err == -EOPNOTSUPP)
			freeze_hint(ctx, err);
	}
	libvss_close(ctx);
	return ret;
}

static const struct vssctl_cmd fs_cmds[] = {
	{ "list", cmd_fs_list, NULL,
	  "every freeze taken by vss: path, device, owner (or detached),\n"
	  "      timeout, time remaining and time frozen" },
	{ "freeze", cmd_fs_freeze, "MOUNTPOINT [--timeout DURATION] [--detach]",
	  "freeze a filesystem until the deadline (default 60s, at most 24h;\n"
	  "      DURATION: SECONDS, or with ms, s, m or h). It stays frozen while\n"
	  "      vssctl runs: SIGINT or SIGTERM thaws it, and so does vssctl's\n"
	  "      death; vssctl exits 0 when the freeze ends. --detach returns at\n"
	  "      once, the freeze lasting until fs thaw or the deadline" },
	{ "thaw", cmd_fs_thaw, "MOUNTPOINT",
	  "end a freeze taken by fs freeze (detached or not)" },
	{ 0 },
};

const struct vssctl_object vssctl_obj_fs = {
	.name = "fs",
	.help = "filesystem freezes with an owner and a deadline",
	.cmds = fs_cmds,
};
