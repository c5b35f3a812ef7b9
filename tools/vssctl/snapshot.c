// SPDX-License-Identifier: GPL-2.0
/*
 * `vssctl snapshot`: create snapshot sets, list, show and delete snapshots.
 *
 * The module deletes a snapshot that is not persistent when the netlink
 * socket that created it closes, and vssctl's socket closes as vssctl
 * exits: so `snapshot create` asks for persistent snapshots unless told
 * --auto-release, which is only of use to see the module clean up.
 *
 * `changes` prints the extents that may differ between an earlier
 * snapshot, named by its changed-block tracking token, and a later one
 * (Documentation/cbt.md): one "OFFSET LENGTH" line each, in bytes, the
 * format of `backup --since`'s VSS_CHANGES_n files; ESTALE exits 3.
 *
 * `expose` mounts a snapshot read-only with the options its filesystem
 * needs on a read-only copy (fstype.c); `unexpose` unmounts it, and only
 * a snapshot's mount, so that a slip of the keyboard never unmounts /.
 */
#include <errno.h>
#include <inttypes.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "mount.h"
#include "print.h"
#include "vssctl.h"

#define NS_PER_SEC	UINT64_C(1000000000)
#define NS_PER_MS	UINT64_C(1000000)

/* Room for "/dev/" and a kernel device name. */
#define DEV_PATH_LEN	64

static const char *dev_path(const char *name, char buf[DEV_PATH_LEN])
{
	snprintf(buf, DEV_PATH_LEN, "/dev/%s", name);
	return buf;
}

/* ISO 8601, UTC, to the second: "2024-05-01T12:34:56Z". */
static const char *iso_time(uint64_t ns, char *buf, size_t len)
{
	time_t t = (time_t)(ns / NS_PER_SEC);
	struct tm tm;

	if (!gmtime_r(&t, &tm) || !strftime(buf, len, "%Y-%m-%dT%H:%M:%SZ", &tm))
		snprintf(buf, len, "@%" PRIu64, ns / NS_PER_SEC);
	return buf;
}

/*
 * Seconds since the epoch with nine decimals, "1714566896.123456789", for
 * JSON as a string: created_ns, a number of 19 digits, is rounded by every
 * reader that parses numbers as doubles (jq up to 1.6, JavaScript), which
 * keep 15 to 17; a string reaches them exact.
 */
static const char *seconds_str(uint64_t ns, char *buf, size_t len)
{
	snprintf(buf, len, "%" PRIu64 ".%09" PRIu64, ns / NS_PER_SEC,
		 ns % NS_PER_SEC);
	return buf;
}

const char *vssctl_ms_str(uint64_t ns, char *buf, size_t len)
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

/*
 * The set-wide facts, shared by a set and each of its snapshots. In text
 * (@text), a line's tail; in JSON, members, always.
 */
static void print_set_facts(uint32_t consistency, uint64_t window_ns,
			    bool persistent, bool text)
{
	enum output_type any = text ? PRINT_ANY : PRINT_JSON;
	char buf[32];

	print_enum(any, "consistency", " consistency %s",
		   libvss_consistency_name(consistency), consistency);
	if (text)
		print_string(PRINT_FP, NULL, " freeze-window %s",
			     vssctl_ms_str(window_ns, buf, sizeof(buf)));
	print_u64(PRINT_JSON, "freeze_window_ns", NULL, window_ns);
	print_bool(PRINT_JSON, "persistent", NULL, persistent);
	if (text)
		print_string(PRINT_FP, NULL, " %s",
			     persistent ? "persistent" : "auto-release");
}

/*
 * One snapshot: a line of text (@detail: and a second line with the set's
 * facts), or the members of a JSON object, all of them whatever @detail.
 */
static void print_snapshot(const struct libvss_snapshot *s, bool detail)
{
	uint32_t state = libvss_snapshot_state(s);
	uint32_t reason = libvss_snapshot_invalid_reason(s);
	char id[LIBVSS_ID_STRING_SIZE], dev[DEV_PATH_LEN], when[32];
	char size[VSSCTL_SIZE_LEN], token[LIBVSS_TOKEN_STRING_SIZE];

	print_string(PRINT_ANY, "device", "%s",
		     dev_path(libvss_snapshot_device(s), dev));
	print_string(PRINT_ANY, "origin", " origin %s", libvss_snapshot_origin(s));
	print_enum(PRINT_ANY, "state", " state %s",
		   libvss_snapshot_state_name(state), state);
	/* In text only where there is something to say. */
	print_enum(state == VSS_SNAPSHOT_ACTIVE && !reason ? PRINT_JSON : PRINT_ANY,
		   "invalid_reason", " reason %s",
		   libvss_invalid_reason_name(reason), reason);
	/* Diff storage holding chunks this snapshot preserved. */
	print_string(PRINT_FP, NULL, " used %s",
		     vssctl_format_size(libvss_snapshot_storage_used_bytes(s),
					size));
	print_u64(PRINT_JSON, "storage_used_bytes", NULL,
		  libvss_snapshot_storage_used_bytes(s));
	print_string(PRINT_ANY, "id", " id %s",
		     libvss_id_to_string(libvss_snapshot_id(s), id));
	print_string(PRINT_ANY, "set_id", " set %s",
		     libvss_id_to_string(libvss_snapshot_set_id(s), id));
	print_string(PRINT_FP, NULL, " created %s",
		     iso_time(libvss_snapshot_creation_time_ns(s), when,
			      sizeof(when)));
	print_u64(PRINT_JSON, "created_ns", NULL,
		  libvss_snapshot_creation_time_ns(s));
	print_string(PRINT_JSON, "created", NULL,
		     seconds_str(libvss_snapshot_creation_time_ns(s), when,
				 sizeof(when)));
	/* Only from a module that tracks changed blocks. */
	if (!libvss_snapshot_token(s, token, sizeof(token)))
		print_string(PRINT_ANY, "token", " token %s", token);
	if (detail)
		print_string(PRINT_FP, NULL, "%s", "\n   ");
	print_set_facts(libvss_snapshot_consistency(s),
			libvss_snapshot_freeze_window_ns(s),
			libvss_snapshot_flags(s) & VSS_SNAPSHOT_F_PERSISTENT, detail);
	print_nl();
}

/* A new set: its line, then a line per snapshot. */
static void print_snapset(const struct libvss_snapset *set, bool persistent)
{
	char id[LIBVSS_ID_STRING_SIZE], dev[DEV_PATH_LEN];
	char token[LIBVSS_TOKEN_STRING_SIZE];
	unsigned int i;

	print_string(PRINT_ANY, "set_id", "set %s",
		     libvss_id_to_string(libvss_snapset_id(set), id));
	print_set_facts(libvss_snapset_consistency(set),
			libvss_snapset_freeze_window_ns(set), persistent, true);
	print_nl();
	open_json_array(PRINT_JSON, "snapshots");
	for (i = 0; i < libvss_snapset_count(set); i++) {
		open_json_object(NULL);
		print_string(PRINT_ANY, "device", "%s",
			     dev_path(libvss_snapset_entry_device(set, i), dev));
		print_string(PRINT_ANY, "origin", " origin %s",
			     libvss_snapset_entry_origin(set, i));
		print_string(PRINT_ANY, "id", " id %s",
			     libvss_id_to_string(libvss_snapset_entry_id(set, i),
						 id));
		if (!libvss_snapset_entry_token(set, i, token, sizeof(token)))
			print_string(PRINT_ANY, "token", " token %s", token);
		print_nl();
		close_json_object();
	}
	close_json_array(PRINT_JSON, NULL);
}

static int parse_id(const char *arg, uint8_t id[LIBVSS_ID_SIZE],
		    const char *what)
{
	if (libvss_id_parse(arg, id))
		return vssctl_usage_error("%s \"%s\" is not an id (xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx)",
					  what, arg);
	return VSSCTL_OK;
}

static int cmd_snapshot_list(int argc, char **argv)
{
	struct libvss_snapshot_list *l;
	struct libvss_ctx *ctx;
	unsigned int i;
	int ret, err;

	if (argc > 0)
		return vssctl_usage_error("unexpected argument \"%s\"", argv[0]);
	ret = vssctl_open(&ctx);
	if (ret)
		return ret;
	err = libvss_snapshot_list(ctx, &l);
	if (err) {
		ret = vssctl_lib_error(ctx, err, "cannot list snapshots");
		goto out;
	}
	new_json_array();
	for (i = 0; i < libvss_snapshot_list_count(l); i++) {
		open_json_object(NULL);
		print_snapshot(libvss_snapshot_list_entry(l, i), false);
		close_json_object();
	}
	delete_json_obj();
	libvss_snapshot_list_free(l);
out:
	libvss_close(ctx);
	return ret;
}

static int cmd_snapshot_show(int argc, char **argv)
{
	uint8_t id[LIBVSS_ID_SIZE];
	struct libvss_snapshot *s;
	struct libvss_ctx *ctx;
	int ret, err;

	if (argc < 1)
		return vssctl_usage_error("ID is missing");
	if (argc > 1)
		return vssctl_usage_error("unexpected argument \"%s\"", argv[1]);
	ret = parse_id(argv[0], id, "ID");
	if (ret)
		return ret;
	ret = vssctl_open(&ctx);
	if (ret)
		return ret;
	err = libvss_snapshot_get(ctx, id, &s);
	if (err) {
		ret = vssctl_lib_error(ctx, err, "cannot get snapshot %s", argv[0]);
		goto out;
	}
	new_json_obj();
	print_snapshot(s, true);
	delete_json_obj();
	libvss_snapshot_free(s);
out:
	libvss_close(ctx);
	return ret;
}

static int cmd_snapshot_create(int argc, char **argv)
{
	bool persistent = false, auto_release = false, options = true;
	const char **volumes = (const char **)argv;
	struct libvss_snapset *set;
	struct libvss_ctx *ctx;
	unsigned int n = 0;
	int i, ret, err;

	/* The volumes are gathered in place, at the front of argv. */
	for (i = 0; i < argc; i++) {
		if (options && !strcmp(argv[i], "--"))
			options = false;
		else if (options && !strcmp(argv[i], "--persistent"))
			persistent = true;
		else if (options && !strcmp(argv[i], "--auto-release"))
			auto_release = true;
		else if (options && argv[i][0] == '-')
			return vssctl_usage_error("unknown option \"%s\"", argv[i]);
		else
			volumes[n++] = argv[i];
	}
	if (persistent && auto_release)
		return vssctl_usage_error("--persistent and --auto-release exclude each other");
	if (!n)
		return vssctl_usage_error("VOLUME is missing");

	ret = vssctl_open(&ctx);
	if (ret)
		return ret;
	err = libvss_snapshot_create(ctx, volumes, n,
				     auto_release ? 0 : VSS_SNAPSHOT_F_PERSISTENT,
				     &set);
	if (err) {
		ret = vssctl_lib_error(ctx, err, "cannot create snapshots");
		goto out;
	}
	new_json_obj();
	print_snapset(set, !auto_release);
	delete_json_obj();
	libvss_snapset_free(set);
	if (auto_release) {
		fflush(stdout);
		fputs("vssctl: note: auto-release snapshots are deleted as vssctl exits\n",
		      stderr);
	}
out:
	libvss_close(ctx);
	return ret;
}

static int cmd_snapshot_delete(int argc, char **argv)
{
	const char *id = NULL, *set = NULL, *oldest = NULL;
	char buf[PATH_MAX], what[PATH_MAX + 32];
	uint8_t key[LIBVSS_ID_SIZE];
	struct libvss_ctx *ctx;
	unsigned int count;
	bool all = false;
	int i, ret, err;

	for (i = 0; i < argc; i++) {
		if (!strcmp(argv[i], "--all")) {
			if (all)
				return vssctl_usage_error("--all given twice");
			all = true;
			continue;
		}
		ret = vssctl_opt_value(argc, argv, &i, "--id", &id);
		if (!ret)
			ret = vssctl_opt_value(argc, argv, &i, "--set", &set);
		if (!ret)
			ret = vssctl_opt_value(argc, argv, &i, "--oldest", &oldest);
		if (ret < 0)
			return VSSCTL_USAGE;
		if (!ret)
			return vssctl_usage_error("%s \"%s\"", argv[i][0] == '-' ?
						  "unknown option" : "unexpected argument",
						  argv[i]);
	}
	if (!!id + !!set + !!oldest + all != 1)
		return vssctl_usage_error("give exactly one of --id ID, --set SETID, --oldest ORIGIN, --all");
	if (id && (ret = parse_id(id, key, "--id")))
		return ret;
	if (set && (ret = parse_id(set, key, "--set")))
		return ret;

	ret = vssctl_open(&ctx);
	if (ret)
		return ret;
	if (id) {
		snprintf(what, sizeof(what), "snapshot %s", id);
		err = libvss_snapshot_delete_id(ctx, key, &count);
	} else if (set) {
		snprintf(what, sizeof(what), "set %s", set);
		err = libvss_snapshot_delete_set(ctx, key, &count);
	} else if (oldest) {
		oldest = vssctl_device_path(oldest, buf, sizeof(buf));
		snprintf(what, sizeof(what), "the oldest snapshot of %s", oldest);
		err = libvss_snapshot_delete_oldest(ctx, oldest, &count);
	} else {
		snprintf(what, sizeof(what), "all snapshots");
		err = libvss_snapshot_delete_all(ctx, &count);
	}
	if (err) {
		ret = vssctl_lib_error(ctx, err, "cannot delete %s", what);
		goto out;
	}
	new_json_obj();
	print_uint(PRINT_ANY, "deleted", "deleted %u", count);
	print_string(PRINT_FP, NULL, " %s\n", count == 1 ? "snapshot" : "snapshots");
	delete_json_obj();
out:
	libvss_close(ctx);
	return ret;
}

static int cmd_snapshot_changes(int argc, char **argv)
{
	const char *arg_id = NULL, *since = NULL, *start_arg = NULL;
	uint64_t start = 0, off, len, total = 0, n = 0;
	struct libvss_changes *it;
	uint8_t id[LIBVSS_ID_SIZE];
	struct libvss_ctx *ctx;
	uint32_t reason;
	int i, ret, err;

	for (i = 0; i < argc; i++) {
		ret = vssctl_opt_value(argc, argv, &i, "--since", &since);
		if (!ret)
			ret = vssctl_opt_value(argc, argv, &i, "--start", &start_arg);
		if (ret < 0)
			return VSSCTL_USAGE;
		if (ret)
			continue;
		if (argv[i][0] == '-' || arg_id)
			return vssctl_usage_error("%s \"%s\"", argv[i][0] == '-' ?
						  "unknown option" : "unexpected argument",
						  argv[i]);
		arg_id = argv[i];
	}
	if (!arg_id)
		return vssctl_usage_error("ID is missing");
	if (!since)
		return vssctl_usage_error("--since TOKEN is missing");
	ret = parse_id(arg_id, id, "ID");
	if (ret)
		return ret;
	if (libvss_token_check(since))
		return vssctl_usage_error("--since: not a token (vss1:..., as snapshot show prints it), or a damaged one");
	if (start_arg && vssctl_parse_size(start_arg, &start))
		return vssctl_usage_error("--start: \"%s\" is not a byte offset",
					  start_arg);
	ret = vssctl_open(&ctx);
	if (ret)
		return ret;
	err = libvss_changes_open(ctx, id, since, start, &it);
	if (err) {
		ret = vssctl_lib_error(ctx, err, "cannot ask for the changes of %s",
				       arg_id);
		goto out;
	}
	/* Text streams a line per extent; JSON is one record, at the end. */
	new_json_obj();
	open_json_array(PRINT_JSON, "extents");
	while ((err = libvss_changes_next(it, &off, &len)) == 1) {
		open_json_object(NULL);
		print_u64(PRINT_ANY, "offset", "%" PRIu64, off);
		print_u64(PRINT_ANY, "length", " %" PRIu64, len);
		print_nl();
		close_json_object();
		total += len;
		n++;
	}
	close_json_array(PRINT_JSON, NULL);
	print_u64(PRINT_JSON, "changed_bytes", NULL, total);
	print_u64(PRINT_JSON, "extent_count", NULL, n);
	if (err) {
		/* No JSON record for an answer that must be dropped. */
		reason = libvss_ext_stale_reason(ctx);
		ret = vssctl_lib_error(ctx, err, "cannot read the changes of %s",
				       arg_id);
		if (err == -ESTALE) {
			vssctl_hint("make a full copy of the snapshot (reason %s); keep its token for next time",
				    libvss_stale_reason_name(reason) ?
				    libvss_stale_reason_name(reason) : "unknown");
			ret = VSSCTL_STALE;
		}
		libvss_changes_close(it);
		goto out;
	}
	delete_json_obj();
	libvss_changes_close(it);
out:
	libvss_close(ctx);
	return ret;
}

/*
 * The device of a snapshot that still has its data, for expose/unexpose,
 * and its origin's (@origin may be NULL).
 */
static int snapshot_device(struct libvss_ctx *ctx, const char *arg,
			   const uint8_t id[LIBVSS_ID_SIZE], bool need_active,
			   char dev[DEV_PATH_LEN], char *origin)
{
	struct libvss_snapshot *s;
	uint32_t reason;
	struct enum_buf b;
	int err;

	err = libvss_snapshot_get(ctx, id, &s);
	if (err)
		return vssctl_lib_error(ctx, err, "cannot get snapshot %s", arg);
	dev_path(libvss_snapshot_device(s), dev);
	if (origin)
		dev_path(libvss_snapshot_origin(s), origin);
	reason = libvss_snapshot_invalid_reason(s);
	if (need_active && libvss_snapshot_state(s) != VSS_SNAPSHOT_ACTIVE) {
		fflush(stdout);
		fprintf(stderr, "vssctl: snapshot %s is invalid (reason %s): its data is gone\n",
			arg, enum_str(libvss_invalid_reason_name(reason), reason, &b));
		libvss_snapshot_free(s);
		return VSSCTL_ERR;
	}
	libvss_snapshot_free(s);
	return VSSCTL_OK;
}

static void mount_hint(int err, const char *dir, const struct vssctl_fstype *fs)
{
	if (err == -ENOENT || err == -ENOTDIR)
		vssctl_hint("DIR must be an existing directory: mkdir -p %s", dir);
	else if (err == -EBUSY && !strcmp(fs->name, "btrfs"))
		vssctl_hint("btrfs mounts a copy of a mounted filesystem (same fsid) from Linux 6.7 on only");
	else if (err == -EBUSY)
		vssctl_hint("something is mounted on %s already, or the snapshot is", dir);
	else if (err == -ENODEV)
		vssctl_hint("this kernel cannot mount %s (modprobe %s?)", fs->mount_type,
			    fs->mount_type);
}

static int cmd_snapshot_expose(int argc, char **argv)
{
	char dev[DEV_PATH_LEN], origin[DEV_PATH_LEN], data[VSSCTL_MOUNT_DATA_LEN];
	const char *args[2] = { NULL, NULL };
	const struct vssctl_fstype *fs;
	uint8_t id[LIBVSS_ID_SIZE];
	bool untrusted = false, trusted;
	struct libvss_ctx *ctx;
	int i, n = 0, ret, err;

	for (i = 0; i < argc; i++) {
		if (!strcmp(argv[i], "--mount-untrusted"))
			untrusted = true;
		else if (argv[i][0] == '-' && argv[i][1])
			return vssctl_usage_error("unknown option \"%s\"", argv[i]);
		else if (n == 2)
			return vssctl_usage_error("unexpected argument \"%s\"", argv[i]);
		else
			args[n++] = argv[i];
	}
	if (n < 1)
		return vssctl_usage_error("ID is missing");
	if (n < 2)
		return vssctl_usage_error("DIR is missing");
	ret = parse_id(args[0], id, "ID");
	if (ret)
		return ret;
	ret = vssctl_open(&ctx);
	if (ret)
		return ret;
	ret = snapshot_device(ctx, args[0], id, true, dev, origin);
	libvss_close(ctx);
	if (ret)
		return ret;
	err = vssctl_probe(dev, &fs);
	if (err) {
		fflush(stdout);
		fprintf(stderr, "vssctl: cannot read %s: %s\n", dev, strerror(-err));
		return VSSCTL_ERR;
	}
	if (!fs) {
		fflush(stdout);
		fprintf(stderr, "vssctl: %s holds no filesystem vssctl can mount (it knows %s)\n",
			dev, vssctl_fstype_known());
		vssctl_hint("a raw volume: read the device %s itself", dev);
		return VSSCTL_ERR;
	}
	err = vssctl_mount_plan(origin, fs, &trusted, data);
	if (err) {
		fflush(stdout);
		fprintf(stderr, "vssctl: cannot tell how %s is mounted: %s\n", origin,
			strerror(-err));
		return VSSCTL_ERR;
	}
	/* What the host does not mount itself may be a crafted image. */
	if (!trusted && !untrusted) {
		fflush(stdout);
		fprintf(stderr, "vssctl: %s holds %s, but its origin %s is not mounted here as such: the host does not trust it\n",
			dev, fs->name, origin);
		vssctl_hint("read the device %s itself, or --mount-untrusted mounts it anyway, with the kernel parsing whatever the volume holds",
			    dev);
		return VSSCTL_ERR;
	}
	err = vssctl_mount_ro(dev, args[1], fs, data);
	if (err) {
		fflush(stdout);
		fprintf(stderr, "vssctl: cannot mount %s (%s) on %s: %s\n", dev,
			fs->name, args[1], strerror(-err));
		mount_hint(err, args[1], fs);
		return VSSCTL_ERR;
	}
	new_json_obj();
	print_string(PRINT_ANY, "device", "%s", dev);
	print_string(PRINT_ANY, "fstype", " (%s)", fs->name);
	print_string(PRINT_ANY, "path", " exposed at %s", args[1]);
	print_string(PRINT_FP, NULL, " read-only: %s", VSSCTL_MOUNT_FLAGS_STR);
	print_string(PRINT_FP, NULL, "%s", data[0] ? "," : "");
	print_string(PRINT_FP, NULL, "%s", data);
	print_string(PRINT_JSON, "flags", NULL, VSSCTL_MOUNT_FLAGS_STR);
	print_string(PRINT_JSON, "options", NULL, data);
	print_bool(PRINT_JSON, "trusted", NULL, trusted);
	print_string(PRINT_FP, NULL, "%s", trusted ? "" : " (untrusted)");
	print_nl();
	delete_json_obj();
	return VSSCTL_OK;
}

struct unexpose {
	int err;
	unsigned int count;
};

static int unexpose_one(const char *dir, void *arg)
{
	struct unexpose *u = arg;
	int err = vssctl_umount(dir);

	if (err) {
		fflush(stdout);
		fprintf(stderr, "vssctl: cannot unmount %s: %s\n", dir, strerror(-err));
		if (err == -EBUSY)
			vssctl_hint("something uses it: fuser -vm %s", dir);
		u->err = err;
		return 1;
	}
	open_json_object(NULL);
	print_string(PRINT_ANY, "path", "unexposed %s", dir);
	print_nl();
	close_json_object();
	u->count++;
	return 0;
}

static int cmd_snapshot_unexpose(int argc, char **argv)
{
	struct unexpose u = { 0 };
	uint8_t id[LIBVSS_ID_SIZE];
	char dev[PATH_MAX], real[PATH_MAX];
	struct libvss_ctx *ctx;
	int ret, err;

	if (argc < 1)
		return vssctl_usage_error("DIR or ID is missing");
	if (argc > 1)
		return vssctl_usage_error("unexpected argument \"%s\"", argv[1]);
	if (!libvss_id_parse(argv[0], id)) {
		ret = vssctl_open(&ctx);
		if (ret)
			return ret;
		ret = snapshot_device(ctx, argv[0], id, false, dev, NULL);
		libvss_close(ctx);
		if (ret)
			return ret;
		new_json_array();
		err = vssctl_mounts_of(dev, unexpose_one, &u);
		delete_json_obj();
		if (u.err)
			return VSSCTL_ERR;
		if (err < 0) {
			fflush(stdout);
			fprintf(stderr, "vssctl: cannot look for mounts of %s: %s\n",
				dev, strerror(-err));
			return VSSCTL_ERR;
		}
		if (!u.count) {
			fflush(stdout);
			fprintf(stderr, "vssctl: snapshot %s (%s) is not mounted\n",
				argv[0], dev);
			return VSSCTL_ERR;
		}
		return VSSCTL_OK;
	}
	err = vssctl_mount_source(argv[0], dev, sizeof(dev));
	if (err <= 0) {
		fflush(stdout);
		if (err)
			fprintf(stderr, "vssctl: cannot read the mounts: %s\n",
				strerror(-err));
		else
			fprintf(stderr, "vssctl: %s is not a mounted snapshot\n",
				argv[0]);
		if (!err)
			vssctl_hint("only a snapshot's mount is unexposed; umount(8) unmounts others");
		return VSSCTL_ERR;
	}
	/* The mount was found at DIR's real path: unmount that (NOFOLLOW). */
	if (!realpath(argv[0], real))
		snprintf(real, sizeof(real), "%s", argv[0]);
	new_json_array();
	unexpose_one(real, &u);
	delete_json_obj();
	return u.err ? VSSCTL_ERR : VSSCTL_OK;
}

static const struct vssctl_cmd snapshot_cmds[] = {
	{ "list", cmd_snapshot_list, NULL,
	  "every snapshot, oldest first: device, origin, state, diff storage\n"
	  "      used, ids, time" },
	{ "show", cmd_snapshot_show, "ID",
	  "one snapshot, with its set's consistency and freeze window" },
	{ "create", cmd_snapshot_create,
	  "[--persistent | --auto-release] VOLUME...",
	  "snapshot every VOLUME at one instant, as one set. Persistent by\n"
	  "      default: the snapshots stay until deleted. --auto-release: the\n"
	  "      module deletes them when vssctl exits, i.e. at once" },
	{ "changes", cmd_snapshot_changes, "ID --since TOKEN [--start OFFSET]",
	  "the byte extents of the snapshot ID that may differ from the earlier\n"
	  "      snapshot whose token is TOKEN (it need not exist any more): one\n"
	  "      \"OFFSET LENGTH\" line each, in bytes, sorted. Exit 3 with the\n"
	  "      kernel's reason when it cannot vouch for them (ESTALE): then copy\n"
	  "      the whole snapshot, and drop any lines already printed" },
	{ "delete", cmd_snapshot_delete,
	  "{ --id ID | --set SETID | --oldest ORIGIN | --all }",
	  "delete one snapshot, a set, the oldest snapshot of an origin, or all" },
	{ "expose", cmd_snapshot_expose, "[--mount-untrusted] ID DIR",
	  "mount a snapshot read-only on the directory DIR, with the options\n"
	  "      its filesystem needs on a read-only copy: ext3/ext4 noload, xfs\n"
	  "      nouuid,norecovery, btrfs rescue=nologreplay (Linux 6.7 or later),\n"
	  "      vfat and exfat the origin's uid, gid, fmask, dmask; always\n"
	  "      ro,nosuid,nodev. Only a filesystem the host trusts: its origin\n"
	  "      is mounted here, as the same type (--mount-untrusted: any). A\n"
	  "      snapshot without such a filesystem is refused: read its device" },
	{ "unexpose", cmd_snapshot_unexpose, "{ DIR | ID }",
	  "unmount a snapshot: the one mounted on DIR, or every mount of the\n"
	  "      snapshot ID. Refuses a directory where no snapshot is mounted" },
	{ 0 },
};

const struct vssctl_object vssctl_obj_snapshot = {
	.name = "snapshot",
	.help = "point-in-time copies of volumes, taken in sets",
	.cmds = snapshot_cmds,
};
