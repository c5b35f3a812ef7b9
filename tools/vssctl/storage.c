// SPDX-License-Identifier: GPL-2.0
/*
 * `vssctl storage`: the diff storage of origin volumes, where the chunks
 * that snapshots preserve are kept: in kernel memory, or in a file the
 * module creates in a directory on a filesystem outside every origin.
 */
#include <errno.h>
#include <inttypes.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "print.h"
#include "vssctl.h"

/*
 * Most --threshold a command line may give: they are distinct percentages
 * from 1 to 100. The module takes fewer (4) and says so itself.
 */
#define MAX_THRESHOLDS	100

/* The settings that add, set and resize share. */
struct storage_args {
	const char *origin;
	const char *max, *chunk, *file, *track;
	bool memory;
	uint32_t pct[MAX_THRESHOLDS];
	unsigned int nr;
};

/* One origin: a line of text, or the members of a JSON object. */
static void print_storage(const struct libvss_storage *s)
{
	const char *kind = libvss_storage_kind_name(libvss_storage_kind(s));
	const char *path = libvss_storage_path(s);
	char buf[VSSCTL_SIZE_LEN], num[16];
	const uint32_t *pct;
	unsigned int i, nr;

	if (!kind) {
		snprintf(num, sizeof(num), "%u", libvss_storage_kind(s));
		kind = num;
	}
	print_string(PRINT_ANY, "origin", "%s", libvss_storage_origin(s));
	print_string(PRINT_ANY, "kind", " kind %s", kind);
	/* Path and file size only where the module reports a file. */
	if (path)
		print_string(PRINT_ANY, "path", " path %s", path);
	print_string(PRINT_FP, NULL, " max %s",
		     vssctl_format_size(libvss_storage_max_bytes(s), buf));
	print_u64(PRINT_JSON, "max_bytes", NULL, libvss_storage_max_bytes(s));
	print_string(PRINT_FP, NULL, " used %s",
		     vssctl_format_size(libvss_storage_used_bytes(s), buf));
	print_u64(PRINT_JSON, "used_bytes", NULL, libvss_storage_used_bytes(s));
	if (path) {
		print_string(PRINT_FP, NULL, " file-size %s",
			     vssctl_format_size(libvss_storage_file_bytes(s), buf));
		print_u64(PRINT_JSON, "file_bytes", NULL,
			  libvss_storage_file_bytes(s));
	}
	print_string(PRINT_FP, NULL, " chunk %s",
		     vssctl_format_size(libvss_storage_chunk_bytes(s), buf));
	print_uint(PRINT_JSON, "chunk_bytes", NULL, libvss_storage_chunk_bytes(s));
	/* Only from a module that tracks changed blocks. */
	if (libvss_storage_track_block_bytes(s)) {
		print_string(PRINT_FP, NULL, " track-block %s",
			     vssctl_format_size(libvss_storage_track_block_bytes(s),
						buf));
		print_uint(PRINT_JSON, "track_block_bytes", NULL,
			   libvss_storage_track_block_bytes(s));
	}
	/* Always an array in JSON; in text only if there are any. */
	nr = libvss_storage_thresholds(s, &pct);
	if (nr)
		print_string(PRINT_FP, NULL, "%s", " thresholds ");
	open_json_array(PRINT_JSON, "thresholds");
	for (i = 0; i < nr; i++)
		print_uint(PRINT_ANY, NULL, i ? ",%u%%" : "%u%%", pct[i]);
	close_json_array(PRINT_JSON, NULL);
	print_nl();
}

/* The one ORIGIN argument of show and remove. */
static int one_origin(int argc, char **argv, const char **origin)
{
	if (argc < 1)
		return vssctl_usage_error("ORIGIN is missing");
	if (argc > 1)
		return vssctl_usage_error("unexpected argument \"%s\"", argv[1]);
	*origin = argv[0];
	return VSSCTL_OK;
}

/* "80" or "80%": a threshold, 1 to 100. */
static int parse_percent(const char *arg, uint32_t *pct)
{
	unsigned long v;
	char *end;

	if (*arg < '0' || *arg > '9')
		return -EINVAL;
	errno = 0;
	v = strtoul(arg, &end, 10);
	if (errno || (*end && strcmp(end, "%")) || v < 1 || v > 100)
		return -EINVAL;
	*pct = (uint32_t)v;
	return 0;
}

/*
 * The options of add (@add), set and resize, and the one ORIGIN. Options
 * take a value as "--name VALUE" or "--name=VALUE"; "--" ends them;
 * --threshold may be given up to MAX_THRESHOLDS times, in any order.
 */
static int parse_storage_args(int argc, char **argv, bool add,
			      struct storage_args *a)
{
	bool options = true;
	const char *pct;
	int i, ret;

	memset(a, 0, sizeof(*a));
	for (i = 0; i < argc; i++) {
		if (options && !strcmp(argv[i], "--")) {
			options = false;
			continue;
		}
		if (!options || argv[i][0] != '-') {
			if (a->origin)
				return vssctl_usage_error("unexpected argument \"%s\"",
							  argv[i]);
			a->origin = argv[i];
			continue;
		}
		if (add && !strcmp(argv[i], "--memory")) {
			if (a->memory)
				return vssctl_usage_error("--memory given twice");
			a->memory = true;
			continue;
		}
		pct = NULL;
		ret = vssctl_opt_value(argc, argv, &i, "--max", &a->max);
		if (!ret && add)
			ret = vssctl_opt_value(argc, argv, &i, "--chunk", &a->chunk);
		if (!ret && add)
			ret = vssctl_opt_value(argc, argv, &i, "--file", &a->file);
		if (!ret && add)
			ret = vssctl_opt_value(argc, argv, &i, "--track-block",
					       &a->track);
		if (!ret)
			ret = vssctl_opt_value(argc, argv, &i, "--threshold", &pct);
		if (ret < 0)
			return VSSCTL_USAGE;
		if (!ret)
			return vssctl_usage_error("unknown option \"%s\"", argv[i]);
		if (!pct)
			continue;
		if (a->nr == MAX_THRESHOLDS)
			return vssctl_usage_error("more than %d thresholds",
						  MAX_THRESHOLDS);
		if (parse_percent(pct, &a->pct[a->nr]))
			return vssctl_usage_error("--threshold: \"%s\" is not a percentage from 1 to 100",
						  pct);
		a->nr++;
	}
	if (!a->origin)
		return vssctl_usage_error("ORIGIN is missing");
	if (a->memory && a->file)
		return vssctl_usage_error("--memory and --file exclude each other");
	return VSSCTL_OK;
}

/* --max, which add and resize need and set may have: 0 if not given. */
static int max_bytes(const struct storage_args *a, bool needed,
		     uint64_t *bytes)
{
	*bytes = 0;
	if (!a->max)
		return needed ? vssctl_usage_error("--max SIZE is missing") :
				VSSCTL_OK;
	if (vssctl_parse_size(a->max, bytes) || !*bytes)
		return vssctl_usage_error("--max: \"%s\" is not a size above 0",
					  a->max);
	return VSSCTL_OK;
}

/* Each failure with the kernel's message, and a way out where there is one. */
static void storage_hint(int err, bool file)
{
	if (err == -EXDEV && file)
		vssctl_hint("the storage file must be on a filesystem outside every origin");
	else if (err == -EXDEV)
		vssctl_hint("this volume holds the storage file of another origin");
}

static void set_hint(int err, const char *origin)
{
	if (err == -EBUSY)
		vssctl_hint("free diff storage first: vssctl snapshot delete --oldest %s",
			    origin);
	else if (err == -EOPNOTSUPP)
		vssctl_hint("the loaded module cannot change diff storage (no feature file-storage)");
}

static int cmd_storage_list(int argc, char **argv)
{
	struct libvss_storage_list *l;
	struct libvss_ctx *ctx;
	unsigned int i;
	int ret, err;

	if (argc > 0)
		return vssctl_usage_error("unexpected argument \"%s\"", argv[0]);
	ret = vssctl_open(&ctx);
	if (ret)
		return ret;
	err = libvss_storage_list(ctx, &l);
	if (err) {
		ret = vssctl_lib_error(ctx, err, "cannot list diff storage");
		goto out;
	}
	new_json_array();
	for (i = 0; i < libvss_storage_list_count(l); i++) {
		open_json_object(NULL);
		print_storage(libvss_storage_list_entry(l, i));
		close_json_object();
	}
	delete_json_obj();
	libvss_storage_list_free(l);
out:
	libvss_close(ctx);
	return ret;
}

static int cmd_storage_show(int argc, char **argv)
{
	struct libvss_storage *s;
	struct libvss_ctx *ctx;
	const char *origin = NULL;
	int ret, err;

	ret = one_origin(argc, argv, &origin);
	if (ret)
		return ret;
	ret = vssctl_open(&ctx);
	if (ret)
		return ret;
	err = libvss_storage_get(ctx, origin, &s);
	if (err) {
		ret = vssctl_lib_error(ctx, err, "cannot get the diff storage of %s",
				       origin);
		goto out;
	}
	new_json_obj();
	print_storage(s);
	delete_json_obj();
	libvss_storage_free(s);
out:
	libvss_close(ctx);
	return ret;
}

static int cmd_storage_add(int argc, char **argv)
{
	struct libvss_storage_opts *opts;
	uint64_t max, chunk = 0, track = 0;
	struct storage_args a;
	struct libvss_ctx *ctx;
	char buf[PATH_MAX];
	const char *origin;
	int ret, err;

	ret = parse_storage_args(argc, argv, true, &a);
	if (!ret)
		ret = max_bytes(&a, true, &max);
	if (ret)
		return ret;
	if (a.chunk && (vssctl_parse_size(a.chunk, &chunk) || !chunk ||
			chunk > UINT32_MAX))
		return vssctl_usage_error("--chunk: \"%s\" is not a chunk size",
					  a.chunk);
	if (a.track && (vssctl_parse_size(a.track, &track) || !track ||
			track > UINT32_MAX))
		return vssctl_usage_error("--track-block: \"%s\" is not a block size",
					  a.track);
	if (a.file && !*a.file)
		return vssctl_usage_error("--file: the directory is empty");
	/* The module needs a device path to add; a bare name is /dev/NAME. */
	origin = vssctl_device_path(a.origin, buf, sizeof(buf));

	/* Nothing here can fail but for the arguments' sake or memory. */
	err = libvss_storage_opts_new(&opts);
	if (err)
		return vssctl_lib_error(NULL, err, "cannot add diff storage for %s",
					origin);
	if (a.file) {
		libvss_storage_opts_set_kind(opts, VSS_STORAGE_FILE);
		err = libvss_storage_opts_set_path(opts, a.file);
	}
	if (!err)
		err = libvss_storage_opts_set_thresholds(opts, a.pct, a.nr);
	if (err) {
		libvss_storage_opts_free(opts);
		if (err == -ENAMETOOLONG)
			return vssctl_usage_error("--file: the directory's name is too long");
		return vssctl_lib_error(NULL, err, "cannot add diff storage for %s",
					origin);
	}
	libvss_storage_opts_set_max_bytes(opts, max);
	libvss_storage_opts_set_chunk_bytes(opts, (uint32_t)chunk);
	libvss_storage_opts_set_track_block_bytes(opts, (uint32_t)track);

	ret = vssctl_open(&ctx);
	if (ret)
		goto out;
	err = libvss_storage_add_opts(ctx, origin, opts);
	if (err) {
		ret = vssctl_lib_error(ctx, err, "cannot add diff storage for %s",
				       origin);
		storage_hint(err, a.file);
	}
	libvss_close(ctx);
out:
	libvss_storage_opts_free(opts);
	return ret;
}

/* set and resize: only what is given changes. */
static int storage_set(const struct storage_args *a, uint64_t max)
{
	struct libvss_ctx *ctx;
	int ret, err;

	ret = vssctl_open(&ctx);
	if (ret)
		return ret;
	err = libvss_storage_set(ctx, a->origin, max, a->pct, a->nr);
	if (err) {
		ret = vssctl_lib_error(ctx, err, "cannot change the diff storage of %s",
				       a->origin);
		set_hint(err, a->origin);
	}
	libvss_close(ctx);
	return ret;
}

static int cmd_storage_set(int argc, char **argv)
{
	struct storage_args a;
	uint64_t max;
	int ret;

	ret = parse_storage_args(argc, argv, false, &a);
	if (!ret)
		ret = max_bytes(&a, false, &max);
	if (ret)
		return ret;
	if (!max && !a.nr)
		return vssctl_usage_error("nothing to change: give --max SIZE or --threshold PCT");
	return storage_set(&a, max);
}

static int cmd_storage_resize(int argc, char **argv)
{
	struct storage_args a;
	uint64_t max;
	int ret;

	ret = parse_storage_args(argc, argv, false, &a);
	if (!ret && a.nr)
		ret = vssctl_usage_error("resize takes no --threshold (see storage set)");
	if (!ret)
		ret = max_bytes(&a, true, &max);
	if (ret)
		return ret;
	return storage_set(&a, max);
}

static int cmd_storage_remove(int argc, char **argv)
{
	struct libvss_ctx *ctx;
	const char *origin = NULL;
	int ret, err;

	ret = one_origin(argc, argv, &origin);
	if (ret)
		return ret;
	ret = vssctl_open(&ctx);
	if (ret)
		return ret;
	err = libvss_storage_remove(ctx, origin);
	if (err)
		ret = vssctl_lib_error(ctx, err, "cannot remove the diff storage of %s",
				       origin);
	libvss_close(ctx);
	return ret;
}

static const struct vssctl_cmd storage_cmds[] = {
	{ "list", cmd_storage_list, NULL,
	  "every origin's diff storage: kind, path, max, used, file size,\n"
	  "      chunk size, thresholds" },
	{ "show", cmd_storage_show, "ORIGIN",
	  "one origin's diff storage" },
	{ "add", cmd_storage_add,
	  "ORIGIN --max SIZE [--memory | --file DIR] [--chunk SIZE]\n"
	  "          [--threshold PCT]... [--track-block SIZE]",
	  "give ORIGIN diff storage of at most --max bytes: in kernel memory\n"
	  "      (--memory, the default), or in a file the module creates in DIR,\n"
	  "      which must be on a filesystem outside every origin (--file);\n"
	  "      --chunk: its copy-on-write unit, a power of two from 4K to 1M\n"
	  "      (default 64K); --threshold: a use in percent of --max, 1 to 100,\n"
	  "      that the module announces on its monitor group when crossed;\n"
	  "      up to 4 (default 80 and 95); --track-block: the unit of its\n"
	  "      changed-block tracking, a power of two from 4K to 64M (default\n"
	  "      64K, raised to keep at most 16M blocks)" },
	{ "set", cmd_storage_set,
	  "ORIGIN [--max SIZE] [--threshold PCT]...",
	  "change ORIGIN's diff storage: its size (down to the bytes in use)\n"
	  "      and/or its thresholds, which replace the old ones" },
	{ "resize", cmd_storage_resize, "ORIGIN --max SIZE",
	  "set --max alone" },
	{ "remove", cmd_storage_remove, "ORIGIN",
	  "remove ORIGIN's diff storage (it must have no snapshots)" },
	{ 0 },
};

const struct vssctl_object vssctl_obj_storage = {
	.name = "storage",
	.help = "diff storage of origin volumes, where snapshots keep old data",
	.cmds = storage_cmds,
};
