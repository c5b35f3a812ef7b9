// SPDX-License-Identifier: GPL-2.0
/*
 * The result document of a set (result.h).
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <json-c/json.h>

#include "result.h"

static int add_str(struct json_object *o, const char *key, const char *val)
{
	struct json_object *s = json_object_new_string(val ? val : "");

	return s ? json_object_object_add(o, key, s) : -1;
}

static int add_int(struct json_object *o, const char *key, int64_t val)
{
	struct json_object *i = json_object_new_int64(val);

	return i ? json_object_object_add(o, key, i) : -1;
}

static struct json_object *server_result(const struct mys *s)
{
	struct json_object *o = json_object_new_object();

	if (!o || add_str(o, "component", s->name) ||
	    add_str(o, "logical_path", "MariaDB") ||
	    add_str(o, "server_version", s->version) ||
	    add_str(o, "socket", s->socket) ||
	    add_str(o, "binlog_file", s->binlog_file) ||
	    add_int(o, "binlog_position", (int64_t)s->binlog_pos) ||
	    add_str(o, "gtid_binlog_pos", s->gtid_binlog_pos) ||
	    add_int(o, "commit_block_ms", s->held_ms)) {
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

int result_write(const struct myw *p, const char *path, char *msg, size_t size)
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
	if (json_object_object_add(doc, "servers", arr)) {
		json_object_put(arr);
		goto out;
	}
	if (add_str(doc, "document", "vss-mysql-backup") ||
	    add_int(doc, "version", 1) ||
	    add_str(doc, "set_id", p->set_id) || add_str(doc, "writer", p->name))
		goto out;
	for (i = 0; i < p->n; i++) {
		struct json_object *o;

		if (!p->sv[i].involved)
			continue;
		o = server_result(&p->sv[i]);
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
