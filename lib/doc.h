/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * What wmd.c and bcd.c share: growing arrays, checked string copies, enum
 * names, and the JSON framing of a document (kind, version, size limit).
 * json-c stays behind this header: no json-c type reaches libvss-doc.h.
 */
#ifndef LIBVSS_DOC_INTERNAL_H
#define LIBVSS_DOC_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <json-c/json.h>

#include <libvss-doc.h>

#define LIBVSS_EXPORT __attribute__((visibility("default")))

/* Names of an enum, indexed by value; NULL where a value has no name. */
struct vss_doc_names {
	const char *const *names;
	size_t count;
};

extern const struct vss_doc_names vss_doc_backup_types;

/* Make room for one more element of @size bytes in *@arr holding @n. */
int vss_doc_grow(void **arr, size_t *cap, size_t n, size_t size);

/* -EINVAL unless @s is valid UTF-8 (and, if @nonempty, not empty). NULL
 * is accepted only if @optional. */
int vss_doc_check_str(const char *s, bool optional, bool nonempty);
/* *@dst = a copy of @s (NULL stays NULL); the old *@dst is freed. */
int vss_doc_set_str(char **dst, const char *s);

/* JSON out. Each returns 0 or -ENOMEM; a NULL @val adds nothing. */
int vss_json_put(struct json_object *obj, const char *key,
		 struct json_object *val);
int vss_json_put_str(struct json_object *obj, const char *key,
		     const char *val);
int vss_json_put_bool(struct json_object *obj, const char *key, bool val);
int vss_json_put_id(struct json_object *obj, const char *key,
		    const uint8_t id[LIBVSS_ID_SIZE]);
int vss_json_put_name(struct json_object *obj, const char *key,
		      const struct vss_doc_names *names, uint32_t val);
/* A new document object with its kind and version. */
struct json_object *vss_json_doc_new(const char *kind);
/* The compact text of @root, or -E2BIG beyond VSS_DOCUMENT_MAX. Puts
 * @root. */
int vss_json_finish(struct json_object *root, char **jsonp);

/* JSON in. Each returns 0 or -EINVAL (missing when required, mistyped,
 * not representable); an optional field that is absent or null leaves
 * *@out at its default. Strings point into the JSON tree. */
int vss_json_parse_doc(const char *json, const char *kind,
		       struct json_object **rootp);
int vss_json_get_obj(struct json_object *obj, const char *key, bool required,
		     struct json_object **out);
int vss_json_get_array(struct json_object *obj, const char *key,
		       bool required, struct json_object **out);
int vss_json_get_str(struct json_object *obj, const char *key, bool required,
		     const char **out);
int vss_json_get_bool(struct json_object *obj, const char *key, bool *out);
int vss_json_get_id(struct json_object *obj, const char *key,
		    uint8_t id[LIBVSS_ID_SIZE]);
int vss_json_get_name(struct json_object *obj, const char *key,
		      const struct vss_doc_names *names, uint32_t *out);
/* A JSON value that must be a string naming an enum value. */
int vss_json_name_value(struct json_object *val,
			const struct vss_doc_names *names, uint32_t *out);

#endif /* LIBVSS_DOC_INTERNAL_H */
