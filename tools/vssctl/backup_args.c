// SPDX-License-Identifier: GPL-2.0
/*
 * `vssctl backup`: its command line, checked whole before anything is
 * asked of the module (a usage error costs no session and no freeze).
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "backup.h"
#include "vssctl.h"

/* --name VALUE, --name=VALUE, repeatable: appended to *@list. */
static int opt_multi(int argc, char **argv, int *i, const char *name,
		     const char ***list, unsigned int *n)
{
	const char *value = NULL, **l;
	int ret = vssctl_opt_value(argc, argv, i, name, &value);

	if (ret <= 0)
		return ret;
	l = realloc(*list, (*n + 1) * sizeof(**list));
	if (!l) {
		vssctl_lib_error(NULL, -ENOMEM, "out of memory");
		return -1;
	}
	l[(*n)++] = value;
	*list = l;
	return 1;
}

static int parse_type(const char *arg, uint32_t *type)
{
	uint32_t t;

	for (t = VSS_BACKUP_TYPE_FULL; t <= VSS_BACKUP_TYPE_OTHER; t++) {
		const char *name = libvss_backup_type_name(t);

		if (name && !strcmp(name, arg)) {
			*type = t;
			return 0;
		}
	}
	return vssctl_usage_error("--type: \"%s\" is not full, incremental, differential, log, copy or other",
				  arg);
}

/*
 * --since: none, or one per VOLUME, in order; "full" for a volume without
 * a previous token. With it, the backup is incremental unless --type says.
 */
static int parse_since(struct backup *bk, bool typed)
{
	unsigned int i;

	if (!bk->nr_since)
		return 0;
	if (bk->nr_since != bk->nr_vols)
		return vssctl_usage_error("--since: give one per VOLUME (%u), \"full\" for a volume without a token",
					  bk->nr_vols);
	for (i = 0; i < bk->nr_since; i++) {
		if (!strcmp(bk->since[i], "full"))
			continue;
		if (libvss_token_check(bk->since[i]))
			return vssctl_usage_error("--since: \"%.16s...\" is not a token (vss1:...), or a damaged one",
						  bk->since[i]);
		bk->vols[i].since = bk->since[i];
	}
	if (!typed)
		bk->type = VSS_BACKUP_TYPE_INCREMENTAL;
	return 0;
}

int backup_parse_args(struct backup *bk, int argc, char **argv)
{
	const char *type = NULL;
	int i, ret;

	bk->type = VSS_BACKUP_TYPE_FULL;
	bk->substitute = true;
	for (i = 0; i < argc; i++) {
		if (!strcmp(argv[i], "--"))
			break;
		if (!strcmp(argv[i], "--no-substitute")) {
			bk->substitute = false;
			continue;
		}
		if (!strcmp(argv[i], "--mount-untrusted")) {
			bk->mount_untrusted = true;
			continue;
		}
		if (!strcmp(argv[i], "--keep-storage")) {
			bk->keep_storage = true;
			continue;
		}
		if (!strcmp(argv[i], "--no-auto-storage")) {
			bk->no_auto_storage = true;
			continue;
		}
		ret = opt_multi(argc, argv, &i, "--writer", &bk->writers,
				&bk->nr_writers);
		if (!ret)
			ret = opt_multi(argc, argv, &i, "--exclude-writer",
					&bk->excluded, &bk->nr_excluded);
		if (!ret)
			ret = vssctl_opt_value(argc, argv, &i, "--type", &type);
		if (!ret)
			ret = vssctl_opt_value(argc, argv, &i, "--storage-dir",
					       &bk->storage_dir);
		if (!ret)
			ret = opt_multi(argc, argv, &i, "--since", &bk->since,
					&bk->nr_since);
		if (ret < 0)
			return VSSCTL_USAGE;
		if (ret)
			continue;
		if (argv[i][0] == '-' && argv[i][1])
			return vssctl_usage_error("unknown option \"%s\"", argv[i]);
		if (bk->nr_vols == MAX_VOLUMES)
			return vssctl_usage_error("more than %d volumes", MAX_VOLUMES);
		bk->vols[bk->nr_vols++].arg = argv[i];
	}
	if (type && (ret = parse_type(type, &bk->type)))
		return ret;
	if (bk->no_auto_storage && (bk->storage_dir || bk->keep_storage))
		return vssctl_usage_error("--no-auto-storage adds no storage: --storage-dir and --keep-storage have nothing to do");
	if (!bk->nr_vols)
		return vssctl_usage_error("VOLUME is missing");
	ret = parse_since(bk, type != NULL);
	if (ret)
		return ret;
	if (i >= argc)
		return vssctl_usage_error("\"-- COMMAND\" is missing: vssctl backup VOLUME... -- COMMAND [ARGS]");
	if (i + 1 >= argc)
		return vssctl_usage_error("COMMAND is missing after \"--\"");
	bk->command = argv + i + 1;
	bk->command_argc = argc - i - 1;
	ret = backup_make_vars(bk, true);
	if (ret)
		return vssctl_lib_error(NULL, ret, "out of memory");
	return backup_expand_command(bk);
}
