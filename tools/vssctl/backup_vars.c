// SPDX-License-Identifier: GPL-2.0
/*
 * `vssctl backup`: the variables of the contract with COMMAND ($VSS_*, {}
 * and {N}) and the two ways their values reach it, as whole arguments
 * and through its environment; never pasted into a longer argument, where
 * a shell would parse them as code.
 */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "backup.h"
#include "vssctl.h"

static int add_var(struct backup *bk, const char *name, unsigned int i,
		   bool indexed, const char *value)
{
	struct var *v = &bk->vars[bk->nr_vars];

	if (indexed)
		snprintf(v->name, sizeof(v->name), "%s_%u", name, i);
	else
		snprintf(v->name, sizeof(v->name), "%s", name);
	v->value = strdup(value);
	if (!v->value)
		return -ENOMEM;
	bk->nr_vars++;
	return 0;
}

void backup_free_vars(struct backup *bk)
{
	while (bk->nr_vars)
		free(bk->vars[--bk->nr_vars].value);
}

/* What {N} and VSS_MOUNT_N stand for: the mount, or a raw volume's device. */
static const char *volume_path(const struct volume *v)
{
	return v->fs ? v->dir : v->device;
}

/*
 * Every variable of the contract (Documentation and `vssctl help backup`
 * list them). Before the set exists (@dummy), with empty values: enough to
 * check COMMAND's references at parse time.
 */
int backup_make_vars(struct backup *bk, bool dummy)
{
	char n[12];
	unsigned int i;
	int err;

	backup_free_vars(bk);
	snprintf(n, sizeof(n), "%u", bk->nr_vols);
	err = add_var(bk, "VSS_SNAPSHOT_SET_ID", 0, false, dummy ? "" : bk->set_id);
	if (!err)
		err = add_var(bk, "VSS_VOLUME_COUNT", 0, false, n);
	if (!err)
		err = add_var(bk, "VSS_BACKUP_TYPE", 0, false,
			      name_or(libvss_backup_type_name(bk->type), ""));
	for (i = 0; !err && i < bk->nr_vols; i++) {
		const struct volume *v = &bk->vols[i];

		err = add_var(bk, "VSS_VOLUME", i, true, v->arg);
		if (!err)
			err = add_var(bk, "VSS_ORIGIN", i, true, dummy ? "" : v->origin);
		if (!err)
			err = add_var(bk, "VSS_DEVICE", i, true, dummy ? "" : v->device);
		if (!err)
			err = add_var(bk, "VSS_SNAPSHOT_ID", i, true,
				      dummy ? "" : v->snapshot_id);
		if (!err)
			err = add_var(bk, "VSS_FSTYPE", i, true,
				      dummy || !v->fs ? "" : v->fs->name);
		if (!err)
			err = add_var(bk, "VSS_MOUNT", i, true,
				      dummy ? "" : volume_path(v));
		if (!err)
			err = add_var(bk, "VSS_TOKEN", i, true, v->token);
		if (!err)
			err = add_var(bk, "VSS_CHANGES", i, true, v->changes);
		if (!err)
			err = add_var(bk, "VSS_FULL", i, true, v->full ? "1" : "0");
	}
	return err;
}

static const char *find_var(const struct backup *bk, const char *name,
			    size_t len)
{
	unsigned int i;

	for (i = 0; i < bk->nr_vars; i++)
		if (strlen(bk->vars[i].name) == len &&
		    !strncmp(bk->vars[i].name, name, len))
			return bk->vars[i].value;
	return NULL;
}

static bool var_char(char c)
{
	return (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_';
}

/*
 * A reference at @p: {} or {N} (@name set to "VSS_MOUNT_N" in @idx, *@n its
 * index), $VSS_NAME or ${VSS_NAME} (@name pointing into @p). Returns its
 * end, or NULL if @p starts none.
 */
static const char *reference(const char *p, const char **name, size_t *len,
			     char idx[VAR_NAME_LEN], unsigned long *n)
{
	*n = ULONG_MAX;
	if (p[0] == '{') {
		const char *q = p + 1;

		while (*q >= '0' && *q <= '9' && q - p < 6)
			q++;
		if (*q != '}')
			return NULL;
		*n = q == p + 1 ? 0 : strtoul(p + 1, NULL, 10);
		snprintf(idx, VAR_NAME_LEN, "VSS_MOUNT_%lu", *n);
		*name = idx;
		*len = strlen(idx);
		return q + 1;
	}
	if (p[0] == '$' && !strncmp(p + (p[1] == '{') + 1, "VSS_", 4)) {
		bool braced = p[1] == '{';
		const char *end;

		*name = p + 1 + braced;
		for (*len = 0; var_char((*name)[*len]); (*len)++)
			;
		end = *name + *len;
		if (!braced)
			return end;
		return *end == '}' ? end + 1 : NULL;	/* else not a reference */
	}
	return NULL;
}

/*
 * @arg for COMMAND. An argument that is exactly one reference ({}, {N},
 * $VSS_NAME, ${VSS_NAME}) becomes the value, as one argument that nothing
 * parses again. Inside a longer argument nothing is replaced: pasted
 * there, a value (a VOLUME as given: `a"; id; "`) would be parsed as code
 * by the shell of `sh -c '... "$VSS_VOLUME_0" ...'`, whose quotes are then
 * no longer around it; the shell takes "$VSS_NAME" from the environment
 * instead. So there {} and {N} are refused, and $VSS_ names only checked.
 * 0 with *@out set; -ERANGE ({N} past the volumes), -ENOENT (an unknown
 * VSS_ name) or -EINVAL ({} inside an argument), with *@bad pointing at
 * the reference; -ENOMEM.
 */
static int expand(const struct backup *bk, const char *arg, char **out,
		  const char **bad)
{
	const char *p, *end, *name, *val;
	char idx[VAR_NAME_LEN];
	unsigned long n;
	size_t len;

	end = reference(arg, &name, &len, idx, &n);
	if (end && !*end) {
		*bad = arg;
		if (n != ULONG_MAX && n >= bk->nr_vols)
			return -ERANGE;
		val = find_var(bk, name, len);
		if (!val)
			return -ENOENT;
		*out = strdup(val);
		return *out ? 0 : -ENOMEM;
	}
	for (p = arg; *p; p = end ? end : p + 1) {
		end = reference(p, &name, &len, idx, &n);
		if (!end)
			continue;
		*bad = p;
		if (n != ULONG_MAX)
			return -EINVAL;
		if (!find_var(bk, name, len))
			return -ENOENT;
	}
	*out = strdup(arg);
	return *out ? 0 : -ENOMEM;
}

void backup_free_argv(struct backup *bk)
{
	int i;

	if (!bk->argv)
		return;
	for (i = 0; i < bk->command_argc; i++)
		free(bk->argv[i]);
	free(bk->argv);
	bk->argv = NULL;
}

/* COMMAND with its references replaced; errors are usage errors. */
int backup_expand_command(struct backup *bk)
{
	const char *bad = NULL;
	int i, err;

	backup_free_argv(bk);
	bk->argv = calloc((size_t)bk->command_argc + 1, sizeof(*bk->argv));
	if (!bk->argv)
		return -ENOMEM;
	for (i = 0; i < bk->command_argc; i++) {
		if (!bk->substitute) {
			bk->argv[i] = strdup(bk->command[i]);
			err = bk->argv[i] ? 0 : -ENOMEM;
		} else {
			err = expand(bk, bk->command[i], &bk->argv[i], &bad);
		}
		if (err == -ERANGE)
			return vssctl_usage_error("\"%s\": %.*s names no volume (there %s %u, from {0})",
						  bk->command[i],
						  (int)(strchr(bad, '}') - bad + 1), bad,
						  bk->nr_vols == 1 ? "is" : "are",
						  bk->nr_vols);
		if (err == -EINVAL)
			return vssctl_usage_error("\"%s\": %.*s is replaced only as a whole argument; inside one, let a shell read the environment: sh -c '... \"$VSS_MOUNT_N\" ...' (or --no-substitute)",
						  bk->command[i],
						  (int)(strchr(bad, '}') - bad + 1), bad);
		if (err == -ENOENT)
			return vssctl_usage_error("\"%s\": unknown variable at \"%s\" (see vssctl help backup; --no-substitute passes it as is)",
						  bk->command[i], bad);
		if (err)
			return vssctl_lib_error(NULL, err, "out of memory");
	}
	return 0;
}

/* vssctl's environment with the variables set, for COMMAND. */
char **backup_command_env(const struct backup *bk)
{
	size_t n = 0, k = 0, i, j;
	char **env;

	while (environ[n])
		n++;
	env = calloc(n + bk->nr_vars + 1, sizeof(*env));
	if (!env)
		return NULL;
	for (i = 0; i < n; i++) {
		for (j = 0; j < bk->nr_vars; j++) {
			size_t len = strlen(bk->vars[j].name);

			if (!strncmp(environ[i], bk->vars[j].name, len) &&
			    environ[i][len] == '=')
				break;
		}
		if (j == bk->nr_vars)	/* ours replace the inherited */
			env[k++] = environ[i];
	}
	for (j = 0; j < bk->nr_vars; j++)
		if (asprintf(&env[k++], "%s=%s", bk->vars[j].name,
			     bk->vars[j].value) < 0)
			return NULL;	/* leaked at exit; out of memory anyway */
	return env;
}

void backup_free_env(const struct backup *bk, char **env)
{
	size_t i, n = 0;

	if (!env)
		return;
	while (env[n])
		n++;
	for (i = n - bk->nr_vars; i < n; i++)
		free(env[i]);
	free(env);
}
