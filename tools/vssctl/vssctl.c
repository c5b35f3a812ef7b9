// SPDX-License-Identifier: GPL-2.0
/*
 * vssctl: administer volume shadow copies.
 *
 *   vssctl [OPTIONS] OBJECT [COMMAND [ARGS]]
 *
 * Objects live in files of their own and are listed in objects[]; a new
 * object is a new file and one line here.
 */
#include <errno.h>
#include <getopt.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "print.h"
#include "vssctl.h"

static const struct vssctl_object *const objects[] = {
	&vssctl_obj_version,
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

static void usage_object(FILE *out, const struct vssctl_object *obj)
{
	const struct vssctl_cmd *cmd;

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
	      "  2  usage error\n", out);
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
	return VSSCTL_OK;
}

static int run_object(const struct vssctl_object *obj, int argc, char **argv)
{
	const char *names[MAX_CMDS + 1];
	int n, i;

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
