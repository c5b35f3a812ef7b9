// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * The JSON framing shared by the writer metadata and backup components
 * documents. Every document is an object with "document" (its kind, so
 * that one kind is never read as the other) and "version" (an integer
 * major version); readers ignore members they do not know, so a field can
 * be added without a new version. Enum values travel as names, never as
 * numbers: the text is read by people and by other languages' parsers.
 */
#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include "doc.h"

static const char *const backup_type_names[] = {
	[VSS_BACKUP_TYPE_UNDEFINED] = "undefined",
	[VSS_BACKUP_TYPE_FULL] = "full",
	[VSS_BACKUP_TYPE_INCREMENTAL] = "incremental",
	[VSS_BACKUP_TYPE_DIFFERENTIAL] = "differential",
	[VSS_BACKUP_TYPE_LOG] = "log",
	[VSS_BACKUP_TYPE_COPY] = "copy",
	[VSS_BACKUP_TYPE_OTHER] = "other",
};

const struct vss_doc_names vss_doc_backup_types = {
	backup_type_names,
	sizeof(backup_type_names) / sizeof(backup_type_names[0]),
};

int vss_doc_grow(void **arr, size_t *cap, size_t n, size_t size)
{
	size_t ncap;
	void *p;

	if (n < *cap)
		return 0;
	ncap = *cap ? *cap * 2 : 4;
	if (ncap > SIZE_MAX / size)
		return -ENOMEM;
	p = realloc(*arr, ncap * size);
	if (!p)
		return -ENOMEM;
	*arr = p;
	*cap = ncap;
	return 0;
}

/* RFC 3629: no overlongs, no surrogates, nothing above U+10FFFF. */
static bool is_utf8(const unsigned char *s)
{
	while (*s) {
		unsigned char c = *s;
		size_t n, i;
		uint32_t cp;

		if (c < 0x80) {
			s++;
			continue;
		} else if (c >= 0xc2 && c <= 0xdf) {
			n = 1;
			cp = c & 0x1f;
		} else if (c >= 0xe0 && c <= 0xef) {
			n = 2;
			cp = c & 0x0f;
		} else if (c >= 0xf0 && c <= 0xf4) {
			n = 3;
			cp = c & 0x07;
		} else {
			return false;
		}
		for (i = 1; i <= n; i++) {
			if ((s[i] & 0xc0) != 0x80)
				return false;
			cp = (cp << 6) | (s[i] & 0x3f);
		}
		if ((n == 2 && (cp < 0x800 || (cp >= 0xd800 && cp <= 0xdfff))) ||
		    (n == 3 && (cp < 0x10000 || cp > 0x10ffff)))
			return false;
		s += n + 1;
	}
	return true;
}

int vss_doc_check_str(const char *s, bool optional, bool nonempty)
{
	if (!s)
		return optional ? 0 : -EINVAL;
	if (nonempty && !*s)
		return -EINVAL;
	return is_utf8((const unsigned char *)s) ? 0 : -EINVAL;
}

int vss_doc_set_str(char **dst, const char *s)
{
	char *copy = NULL;

	if (s) {
		copy = strdup(s);
		if (!copy)
			return -ENOMEM;
	}
	free(*dst);
	*dst = copy;
	return 0;
}

int vss_json_put(struct json_object *obj, const char *key,
		 struct json_object *val)
{
	if (!val)
		return -ENOMEM;
	if (json_object_object_add(obj, key, val)) {
		json_object_put(val);
		return -ENOMEM;
	}
	return 0;
}

int vss_json_put_str(struct json_object *obj, const char *key,
		     const char *val)
{
	return val ? vss_json_put(obj, key, json_object_new_string(val)) : 0;
}

int vss_json_put_bool(struct json_object *obj, const char *key, bool val)
{
	return vss_json_put(obj, key, json_object_new_boolean(val));
}

int vss_json_put_id(struct json_object *obj, const char *key,
		    const uint8_t id[LIBVSS_ID_SIZE])
{
	char buf[LIBVSS_ID_STRING_SIZE];

	return vss_json_put_str(obj, key, libvss_id_to_string(id, buf));
}

int vss_json_put_name(struct json_object *obj, const char *key,
		      const struct vss_doc_names *names, uint32_t val)
{
	/* Setters refuse values without a name, so this cannot miss. */
	if (val >= names->count || !names->names[val])
		return -EINVAL;
	return vss_json_put_str(obj, key, names->names[val]);
}

struct json_object *vss_json_doc_new(const char *kind)
{
	struct json_object *root = json_object_new_object();

	if (!root)
		return NULL;
	if (vss_json_put_str(root, "document", kind) ||
	    vss_json_put(root, "version",
			 json_object_new_int(LIBVSS_DOC_VERSION))) {
		json_object_put(root);
		return NULL;
	}
	return root;
}

int vss_json_finish(struct json_object *root, char **jsonp)
{
	const char *text;
	size_t len;
	int ret = 0;

	*jsonp = NULL;
	text = json_object_to_json_string_ext(root, JSON_C_TO_STRING_PLAIN |
						    JSON_C_TO_STRING_NOSLASHESCAPE);
	if (!text) {
		ret = -ENOMEM;
		goto out;
	}
	len = strlen(text);
	/* The module's policy: at most VSS_DOCUMENT_MAX bytes with the NUL. */
	if (len >= VSS_DOCUMENT_MAX) {
		ret = -E2BIG;
		goto out;
	}
	*jsonp = strdup(text);
	if (!*jsonp)
		ret = -ENOMEM;
out:
	json_object_put(root);
	return ret;
}

int vss_json_parse_doc(const char *json, const char *kind,
		       struct json_object **rootp)
{
	struct json_object *root, *val;
	struct json_tokener *tok;
	const char *s;
	size_t len;
	int64_t version;

	*rootp = NULL;
	if (!json)
		return -EINVAL;
	len = strlen(json);
	if (len > INT_MAX)
		return -EINVAL;
	tok = json_tokener_new();
	if (!tok)
		return -ENOMEM;
	/* Strict: the JSON of RFC 8259 and nothing json-c would also take. */
	json_tokener_set_flags(tok, JSON_TOKENER_STRICT |
				    JSON_TOKENER_VALIDATE_UTF8);
	root = json_tokener_parse_ex(tok, json, (int)len);
	if (root && json_tokener_get_parse_end(tok) != len) {
		json_object_put(root);
		root = NULL;
	}
	/* json-c 0.16 does not tell a failed allocation from bad input. */
	json_tokener_free(tok);
	if (!root)
		return -EINVAL;

	if (!json_object_is_type(root, json_type_object) ||
	    vss_json_get_str(root, "document", true, &s) || strcmp(s, kind))
		goto inval;
	if (!json_object_object_get_ex(root, "version", &val) ||
	    !json_object_is_type(val, json_type_int))
		goto inval;
	version = json_object_get_int64(val);
	if (version != LIBVSS_DOC_VERSION) {
		json_object_put(root);
		return -EPROTONOSUPPORT;
	}
	*rootp = root;
	return 0;
inval:
	json_object_put(root);
	return -EINVAL;
}

static int get_typed(struct json_object *obj, const char *key, bool required,
		     enum json_type type, struct json_object **out)
{
	struct json_object *val;

	*out = NULL;
	if (!json_object_object_get_ex(obj, key, &val) ||
	    json_object_is_type(val, json_type_null))
		return required ? -EINVAL : 0;
	if (!json_object_is_type(val, type))
		return -EINVAL;
	*out = val;
	return 0;
}

int vss_json_get_obj(struct json_object *obj, const char *key, bool required,
		     struct json_object **out)
{
	return get_typed(obj, key, required, json_type_object, out);
}

int vss_json_get_array(struct json_object *obj, const char *key,
		       bool required, struct json_object **out)
{
	return get_typed(obj, key, required, json_type_array, out);
}

int vss_json_get_str(struct json_object *obj, const char *key, bool required,
		     const char **out)
{
	struct json_object *val;
	int ret;

	ret = get_typed(obj, key, required, json_type_string, &val);
	if (ret || !val)
		return ret;
	*out = json_object_get_string(val);
	/* "\u0000" would cut the C string the getters return. */
	if (strlen(*out) != (size_t)json_object_get_string_len(val))
		return -EINVAL;
	return 0;
}

int vss_json_get_bool(struct json_object *obj, const char *key, bool *out)
{
	struct json_object *val;
	int ret;

	ret = get_typed(obj, key, false, json_type_boolean, &val);
	if (!ret && val)
		*out = json_object_get_boolean(val);
	return ret;
}

int vss_json_get_id(struct json_object *obj, const char *key,
		    uint8_t id[LIBVSS_ID_SIZE])
{
	const char *s;
	int ret;

	ret = vss_json_get_str(obj, key, true, &s);
	return ret ? ret : libvss_id_parse(s, id);
}

int vss_json_name_value(struct json_object *val,
			const struct vss_doc_names *names, uint32_t *out)
{
	const char *s;
	size_t i;

	if (!json_object_is_type(val, json_type_string))
		return -EINVAL;
	s = json_object_get_string(val);
	for (i = 0; i < names->count; i++) {
		if (names->names[i] && !strcmp(s, names->names[i])) {
			*out = (uint32_t)i;
			return 0;
		}
	}
	return -EINVAL;
}

int vss_json_get_name(struct json_object *obj, const char *key,
		      const struct vss_doc_names *names, uint32_t *out)
{
	struct json_object *val;
	int ret;

	ret = get_typed(obj, key, false, json_type_string, &val);
	if (ret || !val)
		return ret;
	return vss_json_name_value(val, names, out);
}
