// SPDX-License-Identifier: GPL-2.0
/*
 * vssctl: administer volume shadow copies.
 *
 *   vssctl [OPTIONS] OBJECT [COMMAND [ARGS]]
 *
 * Objects live in files of their own and are listed in objects[]; a new
 * object is a new file and one line here.
 */
#include <ctype.h>
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "print.h"
#include "vssctl.h"

static const struct vssctl_object *const objects[] = {
	&vssctl_obj_storage,
	&vssctl_obj_fs,
	&vssctl_obj_monitor,
	&vssctl_obj_session,
	&vssctl_obj_snapshot,
	&vssctl_obj_version,
	&vssctl_obj_writer,
	&vssctl_obj_backup,
	&vssctl_obj_tracker,
};

#define N_OBJECTS	((int)(sizeof(objects) / sizeof(objects[0])))

/* "help" is matched with the objects, after them. */
#define HELP_INDEX	N_OBJECTS

/* Commands of one object, "help" not counted; more is a bug in the table. */
#define MAX_CMDS	31

int vssctl_match(const char *word, const char *const *names, int n)
{
	size_t len = strlen(word);
	int i, found = -1;

	for (i = 0; i < n; i++)
		if (!strcmp(word, names[i]))
			return i;
	for (i = 0; i < n; i++) {
		if (strncmp(word, names[i], len))
			continue;
		if (found >= 0)
			return -2;
		found = i;
	}
	return found;
}

static void vreport(const char *fmt, va_list ap)
{
	/* What was already printed to stdout comes first on a terminal. */
	fflush(stdout);
	fputs("vssctl: ", stderr);
	vfprintf(stderr, fmt, ap);
}

int vssctl_usage_error(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vreport(fmt, ap);
	va_end(ap);
	fputs("\nTry \"vssctl help\".\n", stderr);
	return VSSCTL_USAGE;
}

int vssctl_lib_error(const struct libvss_ctx *ctx, int err, const char *fmt, ...)
{
	const char *ext = libvss_ext_error(ctx);
	va_list ap;

	va_start(ap, fmt);
	vreport(fmt, ap);
	va_end(ap);
	fprintf(stderr, ": %s%s%s\n", strerror(-err), ext ? ": " : "",
		ext ? ext : "");
	return VSSCTL_ERR;
}

void vssctl_hint(const char *fmt, ...)
{
	va_list ap;

	fputs("vssctl: hint: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}

int vssctl_open(struct libvss_ctx **ctxp)
{
	int err = libvss_open(ctxp);
	const char *ext;

	if (!err)
		return VSSCTL_OK;
	if (err != -ENOENT)
		return vssctl_lib_error(NULL, err, "cannot reach the vss module");
	ext = libvss_ext_error(NULL);
	fflush(stdout);
	fprintf(stderr, "vssctl: module not loaded: %s\n",
		ext ? ext : strerror(ENOENT));
	return VSSCTL_ERR;
}

int vssctl_opt_value(int argc, char **argv, int *i, const char *name,
		     const char **value)
{
	const char *arg = argv[*i];
	size_t len = strlen(name);

	if (strncmp(arg, name, len) || (arg[len] != '\0' && arg[len] != '='))
		return 0;
	if (*value) {
		vssctl_usage_error("%s given twice", name);
		return -1;
	}
	if (arg[len] == '=') {
		*value = arg + len + 1;
		return 1;
	}
	if (*i + 1 >= argc) {
		vssctl_usage_error("%s needs a value", name);
		return -1;
	}
	*value = argv[++*i];
	return 1;
}

static const char size_suffixes[] = "KMGT";

int vssctl_parse_size(const char *arg, uint64_t *bytes)
{
	const char *suffix;
	unsigned long long v;
	unsigned int shift = 0;
	char *end;

	/* strtoull() would take a sign or leading spaces; a size has neither. */
	if (*arg < '0' || *arg > '9')
		return -EINVAL;
	errno = 0;
	v = strtoull(arg, &end, 10);
	if (errno)
		return -errno;
	if (*end) {
		suffix = strchr(size_suffixes, toupper((unsigned char)*end));
		if (!suffix || end[1])
			return -EINVAL;
		shift = 10 * (unsigned int)(suffix - size_suffixes + 1);
		if (v > (UINT64_MAX >> shift))
			return -ERANGE;
	}
	*bytes = (uint64_t)v << shift;
	return 0;
}

const char *vssctl_format_size(uint64_t bytes, char buf[VSSCTL_SIZE_LEN])
{
	int i = (int)sizeof(size_suffixes) - 2;

	for (; i >= 0 && bytes; i--) {
		unsigned int shift = 10 * (unsigned int)(i + 1);

		if (!(bytes & ((1ULL << shift) - 1))) {
			snprintf(buf, VSSCTL_SIZE_LEN, "%" PRIu64 "%c",
				 bytes >> shift, size_suffixes[i]);
			return buf;
		}
	}
	snprintf(buf, VSSCTL_SIZE_LEN, "%" PRIu64, bytes);
	return buf;
}

const char *vssctl_device_path(const char *arg, char *buf, size_t len)
{
	if (strchr(arg, '/') || !*arg)
		return arg;
	snprintf(buf, len, "/dev/%s", arg);
	return buf;
}

static void usage_object(FILE *out, const struct vssctl_object *obj)
{
	const struct vssctl_cmd *cmd;

	if (obj->self) {
		fprintf(out, "  %s %s\n      %s\n", obj->name, obj->self->args,
			obj->self->help);
		return;
	}
	for (cmd = obj->cmds; cmd->name; cmd++)
		fprintf(out, "  %s %s%s%s%s%s\n      %s\n", obj->name,
			cmd == obj->cmds ? "[" : "", cmd->name,
			cmd == obj->cmds ? "]" : "", cmd->args ? " " : "",
			cmd->args ? cmd->args : "", cmd->help);
}

static void usage(FILE *out)
{
	int i;

	fputs("Usage: vssctl [OPTIONS] OBJECT [COMMAND [ARGS]]\n"
	      "       vssctl help [OBJECT]\n"
	      "where  OBJECT := {", out);
	for (i = 0; i < N_OBJECTS; i++)
		fprintf(out, " %s%s", objects[i]->name, i + 1 < N_OBJECTS ? " |" : "");
	fputs(" }\n"
	      "\n"
	      "Commands (in [brackets]: the default when none is given):\n", out);
	for (i = 0; i < N_OBJECTS; i++)
		usage_object(out, objects[i]);
	fputs("\n"
	      "Arguments:\n"
	      "  ORIGIN  a block device path, or a kernel name as lists print it\n"
	      "          (vda1): storage add and snapshot delete --oldest take it\n"
	      "          as /dev/vda1; storage show, set, resize and remove pass it\n"
	      "          to the module, which knows an origin by that name even\n"
	      "          once its device is gone\n"
	      "  DIR     a directory on a filesystem outside every origin\n"
	      "  PCT     a percentage of the storage's max, 1 to 100: 80 or 80%\n"
	      "  VOLUME  a mount point, frozen for the instant of the snapshot, or a\n"
	      "          block device path, taken without a freeze\n"
	      "  SIZE    bytes, or with a suffix K, M, G or T (powers of 1024)\n"
	      "  ID      xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx, as lists print them\n"
	      "  TOKEN   a snapshot's changed-block tracking token, vss1:..., as\n"
	      "          snapshot list and show print it\n"
	      "  MOUNTPOINT  the root of a mounted filesystem\n"
	      "\n"
	      "Snapshots that `snapshot create` makes are persistent: they outlive\n"
	      "vssctl until `snapshot delete`. The module deletes auto-release ones\n"
	      "when the program that created them exits, so from vssctl they vanish\n"
	      "at once; libvss users get them by leaving out VSS_SNAPSHOT_F_PERSISTENT.\n"
	      "\n"
	      "Unlike fsfreeze(8), `fs freeze` always ends: at its deadline whatever\n"
	      "happens, and, unless --detach, when vssctl exits. Run it in the\n"
	      "background and kill it (SIGTERM) once done with the frozen filesystem.\n"
	      "\n"
	      "`monitor` prints one line per event (-j: one JSON object), each with\n"
	      "the time vssctl received it, until SIGINT or SIGTERM (exit 0); words\n"
	      "after it keep only those kinds: monitor snapshot fs. It and `session\n"
	      "abort` need root. An aborted session stays its requester's until the\n"
	      "requester releases it (or exits).\n"
	      "\n"
	      "Options:\n"
	      "  -j, --json      print JSON instead of text\n"
	      "  -p, --pretty    indent the JSON (with -j)\n"
	      "  -V, --version   print the versions of vssctl and libvss\n"
	      "  -h, --help      print this help\n"
	      "\n"
	      "Objects and commands may be shortened to any unambiguous prefix.\n"
	      "Errors go to stderr, with the kernel's explanation when it gave one.\n"
	      "\n"
	      "Exit status:\n"
	      "  0  success\n"
	      "  1  the kernel or libvss reported an error\n"
	      "  2  usage error\n"
	      "  3  snapshot changes: the module cannot vouch for the changes since\n"
	      "     the token (ESTALE): make a full copy; the reason is on stderr\n"
	      "  backup: COMMAND's status, or 124 (a writer vetoed), 125 (vssctl\n"
	      "  failed), 126, 127 (COMMAND not run), 128 + N (signal N): see\n"
	      "  vssctl help backup\n", out);
}

static int cmd_help(int argc, char **argv)
{
	const char *names[N_OBJECTS];
	int i;

	if (argc == 0) {
		usage(stdout);
		return VSSCTL_OK;
	}
	for (i = 0; i < N_OBJECTS; i++)
		names[i] = objects[i]->name;
	i = vssctl_match(argv[0], names, N_OBJECTS);
	if (i < 0)
		return vssctl_usage_error("%s object \"%s\"",
					  i == -2 ? "ambiguous" : "unknown", argv[0]);
	printf("Usage:\n");
	usage_object(stdout, objects[i]);
	if (objects[i]->doc)
		printf("\n%s", objects[i]->doc);
	return VSSCTL_OK;
}

static int run_object(const struct vssctl_object *obj, int argc, char **argv)
{
	const char *names[MAX_CMDS + 1];
	int n, i;

	if (obj->self) {
		if (argc == 1 && !strcmp(argv[0], "help")) {
			printf("Usage:\n");
			usage_object(stdout, obj);
			if (obj->doc)
				printf("\n%s", obj->doc);
			return VSSCTL_OK;
		}
		return obj->self->fn(argc, argv);
	}
	if (argc == 0)
		return obj->cmds[0].fn(0, argv);

	for (n = 0; n < MAX_CMDS && obj->cmds[n].name; n++)
		names[n] = obj->cmds[n].name;
	names[n] = "help";
	i = vssctl_match(argv[0], names, n + 1);
	if (i == n) {
		printf("Usage:\n");
		usage_object(stdout, obj);
		return VSSCTL_OK;
	}
	if (i < 0)
		return vssctl_usage_error("%s command \"%s\" for \"%s\"",
					  i == -2 ? "ambiguous" : "unknown",
					  argv[0], obj->name);
	return obj->cmds[i].fn(argc - 1, argv + 1);
}

int main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "json",	no_argument, NULL, 'j' },
		{ "pretty",	no_argument, NULL, 'p' },
		{ "version",	no_argument, NULL, 'V' },
		{ "help",	no_argument, NULL, 'h' },
		{ 0 },
	};
	const char *names[N_OBJECTS + 1];
	bool json = false, pretty = false;
	int c, i;

	/* "+": options end at the object, as in ip(8). */
	while ((c = getopt_long(argc, argv, "+jpVh", opts, NULL)) != -1) {
		switch (c) {
		case 'j':
			json = true;
			break;
		case 'p':
			pretty = true;
			break;
		case 'V':
			printf("vssctl %s (libvss %s)\n", VSSCTL_VERSION,
			       libvss_version());
			return VSSCTL_OK;
		case 'h':
			usage(stdout);
			return VSSCTL_OK;
		default:	/* getopt has said what is wrong */
			fputs("Try \"vssctl help\".\n", stderr);
			return VSSCTL_USAGE;
		}
	}
	argc -= optind;
	argv += optind;
	if (argc == 0) {
		usage(stderr);
		return VSSCTL_USAGE;
	}
	print_init(json, pretty);

	for (i = 0; i < N_OBJECTS; i++)
		names[i] = objects[i]->name;
	names[HELP_INDEX] = "help";
	i = vssctl_match(argv[0], names, N_OBJECTS + 1);
	if (i == HELP_INDEX)
		return cmd_help(argc - 1, argv + 1);
	if (i < 0)
		return vssctl_usage_error("%s object \"%s\"",
					  i == -2 ? "ambiguous" : "unknown", argv[0]);
	return run_object(objects[i], argc - 1, argv + 1);
}
