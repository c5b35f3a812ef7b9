// SPDX-License-Identifier: GPL-2.0
/*
 * `vssctl session`: the backup and restore sessions that exist, whoever
 * owns them, and an administrator's abort of one (a requester that hangs
 * with writers prepared or frozen). A session belongs to its requester's
 * socket: after an abort the requester still releases it.
 */
#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <linux/netlink.h>

#include "print.h"
#include "vssctl.h"

/*
 * A session's type, state and the operation running (only in JSON when
 * none): the same keys and words wherever a session is printed (session,
 * writer status, monitor).
 */
void vssctl_print_session_state(uint32_t type, uint32_t state, uint32_t op)
{
	print_enum(PRINT_ANY, "type", " %s",
		   libvss_session_type_name(type), type);
	print_enum(PRINT_ANY, "state", " state %s",
		   libvss_session_state_name(state), state);
	print_enum(op ? PRINT_ANY : PRINT_JSON, "op", " running %s",
		   libvss_session_op_name(op), op);
}

/*
 * The process holding the generic-netlink socket of port id @portid: the
 * socket's inode from /proc/net/netlink, then a process with a descriptor
 * of it. 0 if none is found: the socket is gone, or its process is out of
 * sight (another pid namespace, no permission to read its fds).
 */
static unsigned int owner_pid(uint32_t portid)
{
	unsigned long long ino = 0, i;
	char line[256], path[600], link[64], want[48];
	unsigned int eth, port, pid = 0;
	struct dirent *de, *fe;
	DIR *proc, *fds;
	FILE *f;
	ssize_t n;

	f = fopen("/proc/net/netlink", "r");
	if (!f)
		return 0;
	while (!ino && fgets(line, sizeof(line), f))
		if (sscanf(line, "%*s %u %u %*s %*s %*s %*s %*s %*s %llu",
			   &eth, &port, &i) == 3 &&
		    eth == NETLINK_GENERIC && port == portid)
			ino = i;
	fclose(f);
	if (!ino)
		return 0;
	snprintf(want, sizeof(want), "socket:[%llu]", ino);
	proc = opendir("/proc");
	while (proc && !pid && (de = readdir(proc))) {
		if (!isdigit((unsigned char)de->d_name[0]))
			continue;
		snprintf(path, sizeof(path), "/proc/%s/fd", de->d_name);
		fds = opendir(path);
		while (fds && !pid && (fe = readdir(fds))) {
			snprintf(path, sizeof(path), "/proc/%s/fd/%s", de->d_name,
				 fe->d_name);
			n = readlink(path, link, sizeof(link) - 1);
			if (n <= 0)
				continue;
			link[n] = '\0';
			if (!strcmp(link, want))
				pid = (unsigned int)strtoul(de->d_name, NULL, 10);
		}
		if (fds)
			closedir(fds);
	}
	if (proc)
		closedir(proc);
	return pid;
}

/* One session of `session list`: a line, or the members of an object. */
static void print_session(const struct libvss_session *s)
{
	uint32_t type = libvss_session_type(s), state = libvss_session_state(s);
	uint32_t op = libvss_session_op(s), status = libvss_session_status(s);
	uint32_t bt = libvss_session_backup_type(s);
	uint32_t error = libvss_session_error(s);
	const uint8_t *set = libvss_session_set_id(s);
	unsigned int pid = owner_pid(libvss_session_owner(s));
	char id[LIBVSS_ID_STRING_SIZE];

	print_uint(PRINT_ANY, "id", "session %u", libvss_session_id(s));
	vssctl_print_session_state(type, state, op);
	print_uint(PRINT_ANY, "owner", " owner %u", libvss_session_owner(s));
	if (pid)
		print_uint(PRINT_ANY, "pid", " pid %u", pid);
	print_enum(bt ? PRINT_ANY : PRINT_JSON, "backup_type", " backup-type %s",
		   libvss_backup_type_name(bt), bt);
	print_uint(PRINT_ANY, "writers", " writers %u",
		   libvss_session_writer_count(s));
	print_uint(error ? PRINT_ANY : PRINT_JSON, "error", " errno %u", error);
	print_enum(status ? PRINT_ANY : PRINT_JSON, "status", " status %s",
		   libvss_status_name(status), status);
	if (set)
		print_string(PRINT_ANY, "set_id", " set %s",
			     libvss_id_to_string(set, id));
	print_nl();
}

static int cmd_session_list(int argc, char **argv)
{
	struct libvss_session_list *l;
	struct libvss_ctx *ctx;
	unsigned int i;
	int ret, err;

	if (argc > 0)
		return vssctl_usage_error("unexpected argument \"%s\"", argv[0]);
	ret = vssctl_open(&ctx);
	if (ret)
		return ret;
	err = libvss_session_list(ctx, &l);
	if (err) {
		ret = vssctl_lib_error(ctx, err, "cannot list sessions");
		goto out;
	}
	new_json_array();
	for (i = 0; i < libvss_session_list_count(l); i++) {
		uint32_t id = libvss_session_id(libvss_session_list_entry(l, i));
		struct libvss_session *s;

		/* The dump has no writers: one SESSION_GET each, for the count. */
		err = libvss_session_get(ctx, id, &s);
		/* Released between the dump and now: not an error. */
		if (err == -ENOENT || err == -EBADFD)
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

static int cmd_session_abort(int argc, char **argv)
{
	struct libvss_ctx *ctx;
	unsigned long v;
	char *end;
	int ret, err;

	if (argc < 1)
		return vssctl_usage_error("ID is missing");
	if (argc > 1)
		return vssctl_usage_error("unexpected argument \"%s\"", argv[1]);
	errno = 0;
	v = strtoul(argv[0], &end, 10);
	if (argv[0][0] < '0' || argv[0][0] > '9' || *end || errno || !v ||
	    v > UINT32_MAX)
		return vssctl_usage_error("\"%s\" is not a session id", argv[0]);
	ret = vssctl_open(&ctx);
	if (ret)
		return ret;
	err = libvss_session_abort(ctx, (uint32_t)v);
	if (err) {
		ret = vssctl_lib_error(ctx, err, "cannot abort session %lu", v);
		if (err == -ENOENT)
			vssctl_hint("vssctl session list shows the sessions that exist");
		else if (err == -EBADFD)
			vssctl_hint("the session was released already; nothing to abort");
		else if (err == -EPERM)
			vssctl_hint("aborting a session needs CAP_SYS_ADMIN: run it as root");
	}
	libvss_close(ctx);
	return ret;
}

static const struct vssctl_cmd session_cmds[] = {
	{ "list", cmd_session_list, NULL,
	  "every session: id, type, state, running operation, owner's port\n"
	  "      id and pid, backup type, writers taking part, last error, set id" },
	{ "abort", cmd_session_abort, "ID",
	  "abort any session, as its owner would (its running operation ends\n"
	  "      cancelled, writers get Abort); the owner still releases it" },
	{ 0 },
};

const struct vssctl_object vssctl_obj_session = {
	.name = "session",
	.help = "backup and restore sessions of every requester",
	.cmds = session_cmds,
};
