// SPDX-License-Identifier: GPL-2.0
/*
 * `vssctl storage`: the diff storage of origin volumes, where the chunks
 * that snapshots preserve are kept.
 */
#include <inttypes.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>

#include "print.h"
#include "vssctl.h"

/* One origin: a line of text, or the members of a JSON object. */
static void print_storage(const struct libvss_storage *s)
{
	const char *kind = libvss_storage_kind_name(libvss_storage_kind(s));
	char buf[VSSCTL_SIZE_LEN], num[16];

	if (!kind) {
		snprintf(num, sizeof(num), "%u", libvss_storage_kind(s));
		kind = num;
	}
	print_string(PRINT_ANY, "origin", "%s", libvss_storage_origin(s));
	print_string(PRINT_ANY, "kind", " kind %s", kind);
	print_string(PRINT_FP, NULL, " max %s",
		     vssctl_format_size(libvss_storage_max_bytes(s), buf));
	print_u64(PRINT_JSON, "max_bytes", NULL, libvss_storage_max_bytes(s));
	print_string(PRINT_FP, NULL, " used %s",
		     vssctl_format_size(libvss_storage_used_bytes(s), buf));
	print_u64(PRINT_JSON, "used_bytes", NULL, libvss_storage_used_bytes(s));
	print_string(PRINT_FP, NULL, " chunk %s",
		     vssctl_format_size(libvss_storage_chunk_bytes(s), buf));
	print_uint(PRINT_JSON, "chunk_bytes", NULL, libvss_storage_chunk_bytes(s));
	print_nl();
}

/* The one ORIGIN argument of show and remove. */
static int one_origin(int argc, char **argv, char *buf, size_t len,
		      const char **origin)
{
	if (argc < 1)
		return vssctl_usage_error("ORIGIN is missing");
	if (argc > 1)
		return vssctl_usage_error("unexpected argument \"%s\"", argv[1]);
	*origin = vssctl_device_path(argv[0], buf, len);
	return VSSCTL_OK;
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
	char buf[PATH_MAX];
	const char *origin = NULL;
	int ret, err;

	ret = one_origin(argc, argv, buf, sizeof(buf), &origin);
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
	const char *origin = NULL, *max = NULL, *chunk = NULL;
	uint64_t max_bytes, chunk_bytes = 0;
	struct libvss_ctx *ctx;
	char buf[PATH_MAX];
	bool options = true;
	int i, ret, err;

	for (i = 0; i < argc; i++) {
		if (options && !strcmp(argv[i], "--")) {
			options = false;
			continue;
		}
		if (options && argv[i][0] == '-') {
			ret = vssctl_opt_value(argc, argv, &i, "--max", &max);
			if (!ret)
				ret = vssctl_opt_value(argc, argv, &i, "--chunk", &chunk);
			if (ret < 0)
				return VSSCTL_USAGE;
			if (!ret)
				return vssctl_usage_error("unknown option \"%s\"", argv[i]);
			continue;
		}
		if (origin)
			return vssctl_usage_error("unexpected argument \"%s\"", argv[i]);
		origin = vssctl_device_path(argv[i], buf, sizeof(buf));
	}
	if (!origin)
		return vssctl_usage_error("ORIGIN is missing");
	if (!max)
		return vssctl_usage_error("--max SIZE is missing");
	if (vssctl_parse_size(max, &max_bytes) || !max_bytes)
		return vssctl_usage_error("--max: \"%s\" is not a size above 0", max);
	if (chunk && (vssctl_parse_size(chunk, &chunk_bytes) || !chunk_bytes ||
		      chunk_bytes > UINT32_MAX))
		return vssctl_usage_error("--chunk: \"%s\" is not a chunk size",
					  chunk);

	ret = vssctl_open(&ctx);
	if (ret)
		return ret;
	err = libvss_storage_add(ctx, origin, max_bytes, (uint32_t)chunk_bytes);
	if (err)
		ret = vssctl_lib_error(ctx, err, "cannot add diff storage for %s",
				       origin);
	libvss_close(ctx);
	return ret;
}

static int cmd_storage_remove(int argc, char **argv)
{
	struct libvss_ctx *ctx;
	char buf[PATH_MAX];
	const char *origin = NULL;
	int ret, err;

	ret = one_origin(argc, argv, buf, sizeof(buf), &origin);
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
	  "every origin's diff storage: kind, max, used, chunk size" },
	{ "show", cmd_storage_show, "ORIGIN",
	  "one origin's diff storage" },
	{ "add", cmd_storage_add, "ORIGIN --max SIZE [--chunk SIZE]",
	  "give ORIGIN diff storage in kernel memory, at most --max bytes;\n"
	  "      --chunk: its copy-on-write unit, a power of two from 4K to 1M\n"
	  "      (default 64K)" },
	{ "remove", cmd_storage_remove, "ORIGIN",
	  "remove ORIGIN's diff storage (it must have no snapshots)" },
	{ 0 },
};

const struct vssctl_object vssctl_obj_storage = {
	.name = "storage",
	.help = "diff storage of origin volumes, where snapshots keep old data",
	.cmds = storage_cmds,
};
