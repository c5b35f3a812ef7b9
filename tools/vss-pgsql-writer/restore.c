// SPDX-License-Identifier: GPL-2.0
/*
 * The result document of a set, and putting its files in place at restore
 * (restore.h).
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>

#include <json-c/json.h>

#include "restore.h"

/* ---- the result document ---- */

static int add_str(struct json_object *o, const char *key, const char *val)
{
	struct json_object *s = json_object_new_string(val ? val : "");

	return s ? json_object_object_add(o, key, s) : -1;
}

static struct json_object *cluster_result(const struct pgc *c, const char *set_id)
{
	struct json_object *o = json_object_new_object();
	char label[96];

	snprintf(label, sizeof(label), "vss %s", set_id);
	if (!o || add_str(o, "component", c->name) ||
	    add_str(o, "logical_path", "PostgreSQL") ||
	    add_str(o, "server_version", c->version) ||
	    add_str(o, "label", label) ||
	    add_str(o, "start_lsn", c->start_lsn) ||
	    add_str(o, "stop_lsn", c->stop_lsn) ||
	    add_str(o, "start_wal_file", c->start_wal) ||
	    add_str(o, "stop_wal_file", c->stop_wal) ||
	    add_str(o, "backup_label", c->labelfile) ||
	    add_str(o, "tablespace_map", c->spcmapfile)) {
		json_object_put(o);
		return NULL;
	}
	return o;
}

static int write_all(int fd, const char *s, size_t len)
{
	while (len) {
		ssize_t n = write(fd, s, len);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return -1;
		s += n;
		len -= (size_t)n;
	}
	return 0;
}

int result_write(const struct pgw *p, const char *path, char *msg, size_t size)
{
	struct json_object *doc = json_object_new_object(), *arr = json_object_new_array();
	char tmp[PATH_MAX + 8];
	const char *text;
	unsigned int i;
	int fd, err = -1;

	snprintf(msg, size, "result document: out of memory");
	if (!doc || !arr) {
		json_object_put(arr);
		goto out;
	}
	if (json_object_object_add(doc, "clusters", arr)) {
		json_object_put(arr);
		goto out;
	}
	if (add_str(doc, "document", "vss-pgsql-backup") ||
	    json_object_object_add(doc, "version", json_object_new_int(1)) ||
	    add_str(doc, "set_id", p->set_id) || add_str(doc, "writer", p->name))
		goto out;
	for (i = 0; i < p->n; i++) {
		struct json_object *o;

		if (!p->cl[i].involved)
			continue;
		o = cluster_result(&p->cl[i], p->set_id);
		if (!o || json_object_array_add(arr, o)) {
			json_object_put(o);
			goto out;
		}
	}
	text = json_object_to_json_string_ext(doc, JSON_C_TO_STRING_PRETTY |
					      JSON_C_TO_STRING_NOSLASHESCAPE);
	snprintf(tmp, sizeof(tmp), "%s.new", path);
	fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_NOFOLLOW | O_CLOEXEC, 0600);
	if (fd < 0 || write_all(fd, text, strlen(text)) || write_all(fd, "\n", 1) ||
	    fsync(fd) || close(fd) || (fd = -1, rename(tmp, path))) {
		snprintf(msg, size, "result document %s: %s", path, strerror(errno));
		if (fd >= 0)
			close(fd);
		unlink(tmp);
		goto out;
	}
	err = 0;
out:
	json_object_put(doc);
	return err;
}

/* ---- tablespace mappings ---- */

int ts_mapping_parse(char *arg, struct ts_mapping *m, char *msg, size_t size)
{
	char *r = arg, *w = arg, *eq = NULL;

	/* "\=" is a '=' of a directory; the first other '=' splits. */
	for (; *r; r++) {
		if (r[0] == '\\' && r[1] == '=') {
			*w++ = *++r;
		} else if (*r == '=' && !eq) {
			*w++ = 0;
			eq = w;
		} else {
			*w++ = *r;
		}
	}
	*w = 0;
	if (!eq) {
		snprintf(msg, size, "--tablespace-mapping %s: not OLDDIR=NEWDIR", arg);
		return -1;
	}
	if (arg[0] != '/' || eq[0] != '/') {
		snprintf(msg, size, "--tablespace-mapping %s=%s: both directories must be absolute",
			 arg, eq);
		return -1;
	}
	m->from = arg;
	m->to = eq;
	return 0;
}

/* @in with repeated and trailing slashes dropped ("/" stays), in @out
 * (as long as @in). */
static void canon_dir(const char *in, char *out)
{
	char *o = out;

	for (; *in; in++)
		if (!(*in == '/' && o > out && o[-1] == '/'))
			*o++ = *in;
	if (o > out + 1 && o[-1] == '/')
		o--;
	*o = 0;
}

/* Whether two absolute paths name the same place, written alike but for
 * repeated and trailing slashes. On the stack, so that it cannot fail: a
 * path of PATH_MAX or more names nothing a server could use, and is
 * compared as written. */
static bool same_dir(const char *a, const char *b)
{
	char ca[PATH_MAX], cb[PATH_MAX];

	if (strlen(a) >= sizeof(ca) || strlen(b) >= sizeof(cb))
		return !strcmp(a, b);
	canon_dir(a, ca);
	canon_dir(b, cb);
	return !strcmp(ca, cb);
}

/* @path into @f as tablespace_map writes it (PostgreSQL's
 * do_pg_backup_start(): a backslash before '\n', '\r' and '\\'). */
static void put_escaped(FILE *f, const char *path)
{
	for (; *path; path++) {
		if (*path == '\n' || *path == '\r' || *path == '\\')
			fputc('\\', f);
		fputc(*path, f);
	}
}

int ts_map_remap(const char *map, const struct ts_mapping *m, size_t n, char **out,
		 char *msg, size_t size)
{
	char *text = NULL, *known = NULL, *line = NULL;
	size_t tlen = 0, klen = 0, llen = 0, i;
	FILE *f = open_memstream(&text, &tlen), *k = open_memstream(&known, &klen);
	bool *used = calloc(n ? n : 1, sizeof(*used));
	const char *p = map;
	int err = -1;

	*out = NULL;
	snprintf(msg, size, "tablespace_map: out of memory");
	if (!f || !k || !used)
		goto out;
	while (*p) {
		FILE *l = open_memstream(&line, &llen);
		const char *oid_end, *path;
		bool bs = false;

		if (!l)
			goto out;
		/* One line as PostgreSQL reads it (read_tablespace_map()). */
		for (; *p; p++) {
			if (!bs && (*p == '\n' || *p == '\r'))
				break;
			if (!bs && *p == '\\') {
				bs = true;
				continue;
			}
			fputc(*p, l);
			bs = false;
		}
		if (*p)
			p++;
		if (fclose(l))
			goto out;
		if (!line[0]) {
			free(line);
			line = NULL;
			continue;
		}
		oid_end = strchr(line, ' ');
		if (!oid_end || oid_end == line || oid_end[1] != '/') {
			snprintf(msg, size, "tablespace_map: not \"OID PATH\": %s", line);
			goto out;
		}
		path = oid_end + 1;
		fprintf(k, "%s%s", klen ? ", " : "", path);
		fflush(k);
		fprintf(f, "%.*s ", (int)(oid_end - line), line);
		for (i = 0; i < n && !same_dir(path, m[i].from); i++)
			;
		if (i < n) {
			used[i] = true;
			path = m[i].to;
		}
		put_escaped(f, path);
		fputc('\n', f);
		free(line);
		line = NULL;
	}
	if (fflush(k))
		goto out;
	for (i = 0; i < n; i++) {
		if (!used[i]) {
			snprintf(msg, size,
				 "--tablespace-mapping %s=%s: the backup has no tablespace at %s (its tablespaces: %s)",
				 m[i].from, m[i].to, m[i].from, klen ? known : "none");
			goto out;
		}
	}
	if (fclose(f)) {
		f = NULL;
		goto out;
	}
	f = NULL;
	*out = text;
	text = NULL;
	err = 0;
out:
	if (f)
		fclose(f);
	if (k)
		fclose(k);
	free(text);
	free(known);
	free(line);
	free(used);
	return err;
}

/* ---- restore ---- */

static const char *get_str(struct json_object *o, const char *key)
{
	struct json_object *v;

	if (!json_object_object_get_ex(o, key, &v) || !json_object_is_type(v, json_type_string))
		return NULL;
	return json_object_get_string(v);
}

/* The cluster entry of @component, or the only one. */
static struct json_object *find_cluster(struct json_object *doc, const char *component,
					char *msg, size_t size)
{
	struct json_object *arr, *o;
	size_t i, n;
	const char *what = get_str(doc, "document");

	if (!what || strcmp(what, "vss-pgsql-backup") ||
	    !json_object_object_get_ex(doc, "clusters", &arr) ||
	    !json_object_is_type(arr, json_type_array)) {
		snprintf(msg, size, "not a vss-pgsql-backup document");
		return NULL;
	}
	n = json_object_array_length(arr);
	if (!component) {
		if (n == 1)
			return json_object_array_get_idx(arr, 0);
		snprintf(msg, size, "the document has %zu clusters: name one with --component", n);
		return NULL;
	}
	for (i = 0; i < n; i++) {
		const char *name;

		o = json_object_array_get_idx(arr, i);
		name = get_str(o, "component");
		if (name && !strcmp(name, component))
			return o;
	}
	snprintf(msg, size, "the document has no cluster %s", component);
	return NULL;
}

/* Creates @name in @dfd, never through a link nor over a file. */
static int put_file(int dfd, const struct stat *dst, const char *name,
		    const char *text, char *msg, size_t size)
{
	int fd = openat(dfd, name, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);

	if (fd < 0) {
		snprintf(msg, size, "%s: %s", name, strerror(errno));
		return -1;
	}
	if (fchown(fd, dst->st_uid, dst->st_gid) || write_all(fd, text, strlen(text)) ||
	    fsync(fd)) {
		snprintf(msg, size, "%s: %s", name, strerror(errno));
		close(fd);
		unlinkat(dfd, name, 0);
		return -1;
	}
	close(fd);
	return 0;
}

int restore_files(const char *doc, const char *datadir, const char *component,
		  const struct ts_mapping *maps, size_t nmap,
		  char *msg, size_t size, char *note, size_t notesize)
{
	struct json_object *root = json_object_from_file(doc), *c;
	const char *label, *map, *stop_wal;
	char wal[128], *mapped = NULL;
	struct stat st;
	int dfd = -1, err = -1;
	size_t i;

	note[0] = 0;
	if (!root) {
		snprintf(msg, size, "%s: %s", doc, json_util_get_last_err());
		msg[strcspn(msg, "\n")] = 0;
		return -1;
	}
	c = find_cluster(root, component, msg, size);
	if (!c)
		goto out;
	label = get_str(c, "backup_label");
	map = get_str(c, "tablespace_map");
	stop_wal = get_str(c, "stop_wal_file");
	if (!label || !label[0] || !map) {
		snprintf(msg, size, "%s: the cluster's entry has no backup_label", doc);
		goto out;
	}
	/* Before anything is written: a mapping that matches nothing, or
	 * whose new place is no directory, is refused. */
	if (nmap) {
		if (ts_map_remap(map, maps, nmap, &mapped, msg, size))
			goto out;
		map = mapped;
	}
	for (i = 0; i < nmap; i++) {
		const char *why = stat(maps[i].to, &st) ? strerror(errno) :
				  !S_ISDIR(st.st_mode) ? "not a directory" : NULL;

		if (why) {
			snprintf(msg, size, "--tablespace-mapping %s=%s: %s: %s", maps[i].from,
				 maps[i].to, maps[i].to, why);
			goto out;
		}
	}
	dfd = open(datadir, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (dfd < 0 || fstat(dfd, &st)) {
		snprintf(msg, size, "%s: %s", datadir, errno == ELOOP || errno == ENOTDIR ?
			 "not a directory (a symbolic link is not followed)" : strerror(errno));
		goto out;
	}
	if (fstatat(dfd, "PG_VERSION", &(struct stat){ 0 }, AT_SYMLINK_NOFOLLOW)) {
		snprintf(msg, size, "%s: not a PostgreSQL data directory (no PG_VERSION)", datadir);
		goto out;
	}
	if (!fstatat(dfd, "postmaster.pid", &(struct stat){ 0 }, AT_SYMLINK_NOFOLLOW)) {
		snprintf(msg, size, "%s: has a postmaster.pid: a server runs on it, or crashed; stop it or remove the file",
			 datadir);
		goto out;
	}
	if (put_file(dfd, &st, "backup_label", label, msg, size))
		goto out;
	if (map[0] && put_file(dfd, &st, "tablespace_map", map, msg, size)) {
		unlinkat(dfd, "backup_label", 0);
		goto out;
	}
	/* Recovery replays through the backup's end: its WAL must be there. */
	snprintf(wal, sizeof(wal), "pg_wal/%s", stop_wal ? stop_wal : "");
	if (stop_wal && stop_wal[0] && fstatat(dfd, wal, &(struct stat){ 0 }, 0))
		snprintf(note, notesize,
			 "%s/%s is missing: recovery needs the WAL through %s (the backup's end, %s), from the archive (restore_command) or the cluster's pg_wal after the backup",
			 datadir, wal, stop_wal, get_str(c, "stop_lsn") ? get_str(c, "stop_lsn") : "?");
	err = 0;
out:
	if (dfd >= 0)
		close(dfd);
	free(mapped);
	json_object_put(root);
	return err;
}
