// SPDX-License-Identifier: GPL-2.0
/*
 * `vssctl writer`: the registered writers (as `vssadmin list writers`) and
 * their status in each session that exists. Read-only: writers and
 * sessions belong to the processes that made them.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "print.h"
#include "vssctl.h"

/*
 * A writer's state and last error: "state S failure F" in text, then the
 * errno and message only when there is one; every key in JSON.
 */
static void print_status(const struct libvss_writer_info *wi)
{
	uint32_t failure = libvss_writer_info_failure(wi);
	uint32_t state = libvss_writer_info_state(wi);
	uint32_t error = libvss_writer_info_error(wi);
	const char *msg = libvss_writer_info_message(wi);

	print_enum(PRINT_ANY, "state", " state %s",
		   libvss_writer_state_name(state), state);
	print_enum(PRINT_ANY, "failure", " failure %s",
		   libvss_writer_failure_name(failure), failure);
	print_uint(error ? PRINT_ANY : PRINT_JSON, "error", " errno %u", error);
	print_string(msg[0] ? PRINT_ANY : PRINT_JSON, "message",
		     " message \"%s\"", msg);
}

/* One writer of `writer list`: a line, or the members of an object. */
static void print_writer(const struct libvss_writer_info *wi)
{
	char id[LIBVSS_ID_STRING_SIZE];
	uint32_t level = libvss_writer_info_level(wi);
	const char *inst = libvss_writer_info_instance_name(wi);

	print_string(PRINT_ANY, "name", "\"%s\"", libvss_writer_info_name(wi));
	print_string(inst[0] ? PRINT_ANY : PRINT_JSON, "instance_name",
		     " instance \"%s\"", inst);
	print_uint(PRINT_ANY, "id", " id %u", libvss_writer_info_id(wi));
	print_enum(PRINT_ANY, "level", " level %s",
		   libvss_writer_level_name(level), level);
	print_status(wi);
	print_uint(PRINT_ANY, "session_id", " session %u",
		   libvss_writer_info_session_id(wi));
	print_uint(PRINT_JSON, "freeze_timeout_ms", NULL,
		   libvss_writer_info_freeze_timeout_ms(wi));
	print_uint(PRINT_JSON, "portid", NULL, libvss_writer_info_portid(wi));
	print_string(PRINT_FP, NULL, "%s", "\n   ");
	print_string(PRINT_ANY, "class_id", " class %s",
		     libvss_id_to_string(libvss_writer_info_class_id(wi), id));
	print_string(PRINT_ANY, "instance_id", " instance-id %s",
		     libvss_id_to_string(libvss_writer_info_instance_id(wi), id));
	print_nl();
}

static int cmd_writer_list(int argc, char **argv)
{
	struct libvss_writer_list *l;
	struct libvss_ctx *ctx;
	unsigned int i;
	int ret, err;

	if (argc > 0)
		return vssctl_usage_error("unexpected argument \"%s\"", argv[0]);
	ret = vssctl_open(&ctx);
	if (ret)
		return ret;
	err = libvss_writer_list(ctx, &l);
	if (err) {
		ret = vssctl_lib_error(ctx, err, "cannot list writers");
		goto out;
	}
	new_json_array();
	for (i = 0; i < libvss_writer_list_count(l); i++) {
		open_json_object(NULL);
		print_writer(libvss_writer_list_entry(l, i));
		close_json_object();
	}
	delete_json_obj();
	libvss_writer_list_free(l);
out:
	libvss_close(ctx);
	return ret;
}

/* A session's line, then a line per writer taking part. */
static void print_session(const struct libvss_session *s)
{
	uint32_t type = libvss_session_type(s), state = libvss_session_state(s);
	uint32_t op = libvss_session_op(s), status = libvss_session_status(s);
	const uint8_t *set = libvss_session_set_id(s);
	char id[LIBVSS_ID_STRING_SIZE];
	unsigned int i;

	print_uint(PRINT_ANY, "id", "session %u", libvss_session_id(s));
	vssctl_print_session_state(type, state, op);
	print_uint(libvss_session_error(s) ? PRINT_ANY : PRINT_JSON, "error",
		   " errno %u", libvss_session_error(s));
	print_enum(status ? PRINT_ANY : PRINT_JSON, "status", " status %s",
		   libvss_status_name(status), status);
	print_uint(PRINT_ANY, "owner", " owner %u", libvss_session_owner(s));
	if (set)
		print_string(PRINT_ANY, "set_id", " set %s",
			     libvss_id_to_string(set, id));
	print_nl();
	open_json_array(PRINT_JSON, "writers");
	for (i = 0; i < libvss_session_writer_count(s); i++) {
		const struct libvss_writer_info *wi = libvss_session_writer(s, i);

		open_json_object(NULL);
		print_string(PRINT_ANY, "name", "    \"%s\"",
			     libvss_writer_info_name(wi));
		print_uint(PRINT_ANY, "id", " id %u", libvss_writer_info_id(wi));
		print_status(wi);
		print_bool(PRINT_JSON, "selected", NULL,
			   libvss_writer_info_selected(wi));
		if (libvss_writer_info_selected(wi))
			print_string(PRINT_FP, NULL, "%s", " selected");
		print_nl();
		close_json_object();
	}
	close_json_array(PRINT_JSON, NULL);
}

static int cmd_writer_status(int argc, char **argv)
{
	struct libvss_session_list *l = NULL;
	const char *only = NULL;
	struct libvss_ctx *ctx;
	unsigned int i, n;
	uint32_t want = 0;
	char *end;
	int ret, err = 0;

	for (i = 0; i < (unsigned int)argc; i++) {
		int j = (int)i;

		ret = vssctl_opt_value(argc, argv, &j, "--session", &only);
		if (ret < 0)
			return VSSCTL_USAGE;
		if (!ret)
			return vssctl_usage_error("%s \"%s\"", argv[i][0] == '-' ?
						  "unknown option" : "unexpected argument",
						  argv[i]);
		i = (unsigned int)j;
	}
	if (only) {
		unsigned long v = strtoul(only, &end, 10);

		if (!*only || *end || !v || v > UINT32_MAX)
			return vssctl_usage_error("--session \"%s\" is not a session id",
						  only);
		want = (uint32_t)v;
	}
	ret = vssctl_open(&ctx);
	if (ret)
		return ret;
	if (!want) {
		err = libvss_session_list(ctx, &l);
		if (err) {
			ret = vssctl_lib_error(ctx, err, "cannot list sessions");
			goto out;
		}
	}
	n = want ? 1 : libvss_session_list_count(l);
	new_json_array();
	for (i = 0; i < n; i++) {
		uint32_t id = want ? want :
			      libvss_session_id(libvss_session_list_entry(l, i));
		struct libvss_session *s;

		/* The dump has no writers: one SESSION_GET each. */
		err = libvss_session_get(ctx, id, &s);
		/* Released between the dump and now: not an error. */
		if (!want && (err == -ENOENT || err == -EBADFD))
			continue;
		if (err) {
			ret = vssctl_lib_error(ctx, err, "cannot get session %u", id);
			break;
		}
		open_json_object(NULL);
		print_session(s);
		close_json_object();
		libvss_session_free(s);
	}
	delete_json_obj();
	libvss_session_list_free(l);
out:
	libvss_close(ctx);
	return ret;
}

static const struct vssctl_cmd writer_cmds[] = {
	{ "list", cmd_writer_list, NULL,
	  "every registered writer: name, id, level, state and last error in\n"
	  "      its last session, class and instance ids" },
	{ "status", cmd_writer_status, "[--session ID]",
	  "each session that exists (or one) with every writer's state and\n"
	  "      last error in it" },
	{ 0 },
};

const struct vssctl_object vssctl_obj_writer = {
	.name = "writer",
	.help = "applications taking part in backups, and their status",
	.cmds = writer_cmds,
};
