// SPDX-License-Identifier: GPL-2.0
/*
 * The result document of a set, and putting its files in place at restore
 * (restore.h).
 */
#include <errno.h>
#include <fcntl.h>
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
		  char *msg, size_t size, char *note, size_t notesize)
{
	struct json_object *root = json_object_from_file(doc), *c;
	const char *label, *map, *stop_wal;
	char wal[128];
	struct stat st;
	int dfd = -1, err = -1;

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
	json_object_put(root);
	return err;
}
