// SPDX-License-Identifier: GPL-2.0
/*
 * `vssctl tracker`: the changed-block tracker of each origin with diff
 * storage (Documentation/cbt.md): its generation, epoch, block size and
 * memory, and a reset that starts a new generation, after which every
 * token of the origin gets ESTALE and the next backup is a full one.
 */
#include <errno.h>
#include <inttypes.h>
#include <limits.h>
#include <stdio.h>

#include "print.h"
#include "vssctl.h"

/* One tracker: a line of text, or the members of a JSON object. */
static void print_tracker(const struct libvss_tracker *t)
{
	char id[LIBVSS_ID_STRING_SIZE], buf[VSSCTL_SIZE_LEN], num[12];
	const char *reason = libvss_stale_reason_name(libvss_tracker_reason(t));

	if (!reason) {
		snprintf(num, sizeof(num), "%u", libvss_tracker_reason(t));
		reason = num;
	}
	print_string(PRINT_ANY, "origin", "%s", libvss_tracker_origin(t));
	print_string(PRINT_ANY, "generation", " generation %s",
		     libvss_id_to_string(libvss_tracker_generation(t), id));
	print_string(PRINT_ANY, "reason", " since %s", reason);
	print_u64(PRINT_ANY, "epoch", " epoch %" PRIu64, libvss_tracker_epoch(t));
	print_string(PRINT_FP, NULL, " block %s",
		     vssctl_format_size(libvss_tracker_block_bytes(t), buf));
	print_uint(PRINT_JSON, "block_bytes", NULL, libvss_tracker_block_bytes(t));
	print_string(PRINT_FP, NULL, " capacity %s",
		     vssctl_format_size(libvss_tracker_capacity(t), buf));
	print_u64(PRINT_JSON, "capacity", NULL, libvss_tracker_capacity(t));
	print_u64(PRINT_ANY, "blocks_marked", " marked %" PRIu64,
		  libvss_tracker_blocks_marked(t));
	print_string(PRINT_FP, NULL, " map %s",
		     vssctl_format_size(libvss_tracker_map_bytes(t), buf));
	print_u64(PRINT_JSON, "map_bytes", NULL, libvss_tracker_map_bytes(t));
	print_nl();
}

static int cmd_tracker_show(int argc, char **argv)
{
	struct libvss_tracker_list *l;
	struct libvss_tracker *t;
	struct libvss_ctx *ctx;
	unsigned int i;
	int ret, err;

	if (argc > 1)
		return vssctl_usage_error("unexpected argument \"%s\"", argv[1]);
	ret = vssctl_open(&ctx);
	if (ret)
		return ret;
	if (argc == 1) {
		err = libvss_tracker_get(ctx, argv[0], &t);
		if (err) {
			ret = vssctl_lib_error(ctx, err, "cannot get the tracker of %s",
					       argv[0]);
			if (err == -ENOENT)
				vssctl_hint("an origin is tracked from `vssctl storage add` on");
			goto out;
		}
		new_json_obj();
		print_tracker(t);
		delete_json_obj();
		libvss_tracker_free(t);
		goto out;
	}
	err = libvss_tracker_list(ctx, &l);
	if (err) {
		ret = vssctl_lib_error(ctx, err, "cannot list trackers");
		goto out;
	}
	new_json_array();
	for (i = 0; i < libvss_tracker_list_count(l); i++) {
		open_json_object(NULL);
		print_tracker(libvss_tracker_list_entry(l, i));
		close_json_object();
	}
	delete_json_obj();
	libvss_tracker_list_free(l);
out:
	libvss_close(ctx);
	return ret;
}

static int cmd_tracker_reset(int argc, char **argv)
{
	struct libvss_ctx *ctx;
	int ret, err;

	if (argc < 1)
		return vssctl_usage_error("ORIGIN is missing");
	if (argc > 1)
		return vssctl_usage_error("unexpected argument \"%s\"", argv[1]);
	ret = vssctl_open(&ctx);
	if (ret)
		return ret;
	err = libvss_tracker_reset(ctx, argv[0]);
	if (err)
		ret = vssctl_lib_error(ctx, err, "cannot reset the tracker of %s",
				       argv[0]);
	libvss_close(ctx);
	return ret;
}

static const struct vssctl_cmd tracker_cmds[] = {
	{ "show", cmd_tracker_show, "[ORIGIN]",
	  "the changed-block tracker of ORIGIN, or of every origin: its\n"
	  "      generation and why it began, epoch, block size, capacity, blocks\n"
	  "      written in the generation, kernel memory of its map" },
	{ "reset", cmd_tracker_reset, "ORIGIN",
	  "start a new generation: every token of ORIGIN gets ESTALE from now\n"
	  "      on, so the next backup of it is a full one" },
	{ "save", cmd_tracker_save, "ORIGIN|--all DIR",
	  "save the tracker of ORIGIN (or of every origin) to DIR/NAME.vsstrk,\n"
	  "      to restore after a module reload or a reboot; with the origin\n"
	  "      unmounted or read-only (at shutdown, after the unmount)" },
	{ "restore", cmd_tracker_restore, "DIR [ORIGIN]",
	  "continue the trackers saved in DIR (each file once) on origins whose\n"
	  "      storage was just added, before their filesystems are mounted;\n"
	  "      one written while untracked is refused: the next backup is full" },
	{ 0 },
};

const struct vssctl_object vssctl_obj_tracker = {
	.name = "tracker",
	.help = "changed-block trackers of origins, for incremental backups",
	.cmds = tracker_cmds,
};
