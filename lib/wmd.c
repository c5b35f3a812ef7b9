// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * The writer metadata document: what a writer answers to Identify. Kept
 * as plain C structures, never as a JSON tree, so that the pointers the
 * getters return stay valid however the document is later changed and a
 * parsed document is checked once, whole.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "doc.h"

#define WMD_KIND	"vss-writer-metadata"
#define FILES_KINDS	3

struct libvss_wmd_files {
	char *path;
	char *filespec;
	bool recursive;
	char *alternate_location;	/* NULL: none */
};

/* Pointers to file specs are handed out too: never move them. */
struct files_list {
	struct libvss_wmd_files **v;
	size_t n, cap;
};

struct libvss_wmd_component {
	uint32_t type;
	char *logical_path;		/* "" for none */
	char *name;
	char *caption;			/* NULL: none */
	uint32_t flags;
	struct files_list files[FILES_KINDS];
};

struct libvss_wmd {
	uint8_t class_id[LIBVSS_ID_SIZE];
	uint8_t instance_id[LIBVSS_ID_SIZE];
	char *name;
	char *instance_name;		/* NULL: none */
	uint32_t restore_method;
	char *restore_service;		/* NULL: none */
	uint32_t writer_restore;
	bool reboot_required;
	uint32_t backup_types;
	/* Pointers to components are handed out: never move them. */
	struct libvss_wmd_component **comps;
	size_t ncomps, capcomps;
};

static const char *const restore_method_names[] = {
	[LIBVSS_RESTORE_UNDEFINED] = "undefined",
	[LIBVSS_RESTORE_IF_NOT_THERE] = "restore-if-not-there",
	[LIBVSS_RESTORE_IF_CAN_REPLACE] = "restore-if-can-replace",
	[LIBVSS_RESTORE_STOP_START] = "stop-restore-start",
	[LIBVSS_RESTORE_TO_ALTERNATE_LOCATION] = "restore-to-alternate-location",
	[LIBVSS_RESTORE_AT_REBOOT] = "restore-at-reboot",
	[LIBVSS_RESTORE_AT_REBOOT_IF_CANNOT_REPLACE] =
		"restore-at-reboot-if-cannot-replace",
	[LIBVSS_RESTORE_CUSTOM] = "custom",
	[LIBVSS_RESTORE_STOP_START_SERVICE] = "restore-stop-start",
};

static const char *const writer_restore_names[] = {
	[LIBVSS_WRITER_RESTORE_UNDEFINED] = "undefined",
	[LIBVSS_WRITER_RESTORE_NEVER] = "never",
	[LIBVSS_WRITER_RESTORE_IF_REPLACE_FAILS] = "if-replace-fails",
	[LIBVSS_WRITER_RESTORE_ALWAYS] = "always",
};

static const char *const component_type_names[] = {
	[LIBVSS_COMPONENT_DATABASE] = "database",
	[LIBVSS_COMPONENT_FILE_GROUP] = "file-group",
};

#define NAMES(a)	{ a, sizeof(a) / sizeof((a)[0]) }
static const struct vss_doc_names restore_methods = NAMES(restore_method_names);
static const struct vss_doc_names writer_restores = NAMES(writer_restore_names);
static const struct vss_doc_names component_types = NAMES(component_type_names);

static const char *const files_keys[FILES_KINDS] = {
	[LIBVSS_FILES_GROUP] = "file_groups",
	[LIBVSS_FILES_DATABASE] = "database_files",
	[LIBVSS_FILES_LOG] = "log_files",
};

/* Backup types a writer can support: "undefined" and "other" are not. */
#define BACKUP_TYPES_VALID \
	(LIBVSS_BACKUP_TYPE_BIT(VSS_BACKUP_TYPE_FULL) | \
	 LIBVSS_BACKUP_TYPE_BIT(VSS_BACKUP_TYPE_INCREMENTAL) | \
	 LIBVSS_BACKUP_TYPE_BIT(VSS_BACKUP_TYPE_DIFFERENTIAL) | \
	 LIBVSS_BACKUP_TYPE_BIT(VSS_BACKUP_TYPE_LOG) | \
	 LIBVSS_BACKUP_TYPE_BIT(VSS_BACKUP_TYPE_COPY))

#define COMPONENT_FLAGS_VALID \
	(LIBVSS_COMPONENT_F_SELECTABLE | LIBVSS_COMPONENT_F_SELECTABLE_FOR_RESTORE)

static bool kind_fits(uint32_t type, uint32_t kind)
{
	if (kind == LIBVSS_FILES_GROUP)
		return type == LIBVSS_COMPONENT_FILE_GROUP;
	return type == LIBVSS_COMPONENT_DATABASE &&
	       (kind == LIBVSS_FILES_DATABASE || kind == LIBVSS_FILES_LOG);
}

static bool is_name(const struct vss_doc_names *names, uint32_t val)
{
	return val < names->count && names->names[val];
}

static void files_free(struct libvss_wmd_files *f)
{
	if (!f)
		return;
	free(f->path);
	free(f->filespec);
	free(f->alternate_location);
	free(f);
}

static void component_free(struct libvss_wmd_component *c)
{
	size_t k, i;

	if (!c)
		return;
	for (k = 0; k < FILES_KINDS; k++) {
		for (i = 0; i < c->files[k].n; i++)
			files_free(c->files[k].v[i]);
		free(c->files[k].v);
	}
	free(c->logical_path);
	free(c->name);
	free(c->caption);
	free(c);
}

LIBVSS_EXPORT void libvss_wmd_free(struct libvss_wmd *wmd)
{
	size_t i;

	if (!wmd)
		return;
	for (i = 0; i < wmd->ncomps; i++)
		component_free(wmd->comps[i]);
	free(wmd->comps);
	free(wmd->name);
	free(wmd->instance_name);
	free(wmd->restore_service);
	free(wmd);
}

LIBVSS_EXPORT int libvss_wmd_new(const uint8_t class_id[LIBVSS_ID_SIZE],
				 const uint8_t instance_id[LIBVSS_ID_SIZE],
				 const char *name, const char *instance_name,
				 struct libvss_wmd **wmdp)
{
	struct libvss_wmd *wmd;

	if (!wmdp)
		return -EINVAL;
	*wmdp = NULL;
	if (!class_id || !instance_id || vss_doc_check_str(name, false, true) ||
	    vss_doc_check_str(instance_name, true, false))
		return -EINVAL;
	wmd = calloc(1, sizeof(*wmd));
	if (!wmd)
		return -ENOMEM;
	memcpy(wmd->class_id, class_id, LIBVSS_ID_SIZE);
	memcpy(wmd->instance_id, instance_id, LIBVSS_ID_SIZE);
	if (vss_doc_set_str(&wmd->name, name) ||
	    vss_doc_set_str(&wmd->instance_name, instance_name)) {
		libvss_wmd_free(wmd);
		return -ENOMEM;
	}
	*wmdp = wmd;
	return 0;
}

LIBVSS_EXPORT int libvss_wmd_set_restore_method(struct libvss_wmd *wmd,
						uint32_t method,
						const char *service,
						uint32_t writer_restore,
						bool reboot_required)
{
	if (!wmd || !is_name(&restore_methods, method) ||
	    !is_name(&writer_restores, writer_restore) ||
	    vss_doc_check_str(service, true, false))
		return -EINVAL;
	if (vss_doc_set_str(&wmd->restore_service, service))
		return -ENOMEM;
	wmd->restore_method = method;
	wmd->writer_restore = writer_restore;
	wmd->reboot_required = reboot_required;
	return 0;
}

LIBVSS_EXPORT int libvss_wmd_set_backup_types(struct libvss_wmd *wmd,
					      uint32_t mask)
{
	if (!wmd || (mask & ~BACKUP_TYPES_VALID))
		return -EINVAL;
	wmd->backup_types = mask;
	return 0;
}

static struct libvss_wmd_component *
find_component(const struct libvss_wmd *wmd, const char *logical_path,
	       const char *name)
{
	size_t i;

	for (i = 0; i < wmd->ncomps; i++)
		if (!strcmp(wmd->comps[i]->logical_path, logical_path) &&
		    !strcmp(wmd->comps[i]->name, name))
			return wmd->comps[i];
	return NULL;
}

LIBVSS_EXPORT int libvss_wmd_add_component(struct libvss_wmd *wmd,
					   uint32_t type,
					   const char *logical_path,
					   const char *name,
					   const char *caption, uint32_t flags,
					   struct libvss_wmd_component **compp)
{
	struct libvss_wmd_component *c;

	if (!logical_path)
		logical_path = "";
	if (!wmd || !is_name(&component_types, type) ||
	    (flags & ~COMPONENT_FLAGS_VALID) ||
	    vss_doc_check_str(logical_path, false, false) ||
	    vss_doc_check_str(name, false, true) ||
	    vss_doc_check_str(caption, true, false))
		return -EINVAL;
	if (find_component(wmd, logical_path, name))
		return -EEXIST;
	if (vss_doc_grow((void **)&wmd->comps, &wmd->capcomps, wmd->ncomps,
			 sizeof(*wmd->comps)))
		return -ENOMEM;
	c = calloc(1, sizeof(*c));
	if (!c)
		return -ENOMEM;
	c->type = type;
	c->flags = flags;
	if (vss_doc_set_str(&c->logical_path, logical_path) ||
	    vss_doc_set_str(&c->name, name) ||
	    vss_doc_set_str(&c->caption, caption)) {
		component_free(c);
		return -ENOMEM;
	}
	wmd->comps[wmd->ncomps++] = c;
	if (compp)
		*compp = c;
	return 0;
}

static int add_files(struct libvss_wmd_component *c, uint32_t kind,
		     const char *path, const char *filespec, bool recursive,
		     const char *alternate_location)
{
	struct files_list *l;
	struct libvss_wmd_files *f;

	if (!c || !kind_fits(c->type, kind) ||
	    vss_doc_check_str(path, false, true) ||
	    vss_doc_check_str(filespec, false, true) ||
	    vss_doc_check_str(alternate_location, true, false))
		return -EINVAL;
	l = &c->files[kind];
	if (vss_doc_grow((void **)&l->v, &l->cap, l->n, sizeof(*l->v)))
		return -ENOMEM;
	f = calloc(1, sizeof(*f));
	if (!f)
		return -ENOMEM;
	f->recursive = recursive;
	if (vss_doc_set_str(&f->path, path) ||
	    vss_doc_set_str(&f->filespec, filespec) ||
	    vss_doc_set_str(&f->alternate_location, alternate_location)) {
		files_free(f);
		return -ENOMEM;
	}
	l->v[l->n++] = f;
	return 0;
}

LIBVSS_EXPORT int libvss_wmd_add_file_group(struct libvss_wmd_component *comp,
					    const char *path,
					    const char *filespec,
					    bool recursive,
					    const char *alternate_location)
{
	return add_files(comp, LIBVSS_FILES_GROUP, path, filespec, recursive,
			 alternate_location);
}

LIBVSS_EXPORT int
libvss_wmd_add_database_files(struct libvss_wmd_component *comp,
			      const char *path, const char *filespec,
			      bool recursive, const char *alternate_location)
{
	return add_files(comp, LIBVSS_FILES_DATABASE, path, filespec,
			 recursive, alternate_location);
}

LIBVSS_EXPORT int libvss_wmd_add_log_files(struct libvss_wmd_component *comp,
					   const char *path,
					   const char *filespec,
					   bool recursive,
					   const char *alternate_location)
{
	return add_files(comp, LIBVSS_FILES_LOG, path, filespec, recursive,
			 alternate_location);
}

/* ---- To JSON ---- */

static int files_to_json(struct json_object *jc, const char *key,
			 const struct files_list *l)
{
	struct json_object *arr, *jf;
	size_t i;
	int ret;

	arr = json_object_new_array();
	ret = vss_json_put(jc, key, arr);
	for (i = 0; !ret && i < l->n; i++) {
		jf = json_object_new_object();
		if (!jf || json_object_array_add(arr, jf)) {
			json_object_put(jf);
			return -ENOMEM;
		}
		ret = vss_json_put_str(jf, "path", l->v[i]->path) ?:
		      vss_json_put_str(jf, "filespec", l->v[i]->filespec) ?:
		      vss_json_put_bool(jf, "recursive", l->v[i]->recursive) ?:
		      vss_json_put_str(jf, "alternate_location",
				       l->v[i]->alternate_location);
	}
	return ret;
}

static int component_to_json(struct json_object *arr,
			     const struct libvss_wmd_component *c)
{
	struct json_object *jc = json_object_new_object();
	uint32_t k;
	int ret;

	if (!jc || json_object_array_add(arr, jc)) {
		json_object_put(jc);
		return -ENOMEM;
	}
	ret = vss_json_put_str(jc, "logical_path", c->logical_path) ?:
	      vss_json_put_str(jc, "name", c->name) ?:
	      vss_json_put_name(jc, "type", &component_types, c->type) ?:
	      vss_json_put_str(jc, "caption", c->caption) ?:
	      vss_json_put_bool(jc, "selectable",
				c->flags & LIBVSS_COMPONENT_F_SELECTABLE) ?:
	      vss_json_put_bool(jc, "selectable_for_restore",
				c->flags & LIBVSS_COMPONENT_F_SELECTABLE_FOR_RESTORE);
	/* Only the lists of its type: the reader refuses the others. */
	for (k = 0; !ret && k < FILES_KINDS; k++)
		if (kind_fits(c->type, k))
			ret = files_to_json(jc, files_keys[k], &c->files[k]);
	return ret;
}

LIBVSS_EXPORT int libvss_wmd_to_json(const struct libvss_wmd *wmd,
				     char **jsonp)
{
	struct json_object *root, *writer, *rm, *types, *comps;
	uint32_t t;
	size_t i;
	int ret;

	if (!jsonp)
		return -EINVAL;
	*jsonp = NULL;
	if (!wmd)
		return -EINVAL;
	root = vss_json_doc_new(WMD_KIND);
	if (!root)
		return -ENOMEM;
	/* vss_json_put() takes each new object, or puts it on failure. */
	writer = json_object_new_object();
	ret = vss_json_put(root, "writer", writer);
	rm = ret ? NULL : json_object_new_object();
	ret = ret ?: vss_json_put(root, "restore_method", rm);
	types = ret ? NULL : json_object_new_array();
	ret = ret ?: vss_json_put(root, "backup_types", types);
	comps = ret ? NULL : json_object_new_array();
	ret = ret ?: vss_json_put(root, "components", comps);
	if (ret)
		goto fail;
	ret = vss_json_put_id(writer, "class_id", wmd->class_id) ?:
	      vss_json_put_id(writer, "instance_id", wmd->instance_id) ?:
	      vss_json_put_str(writer, "name", wmd->name) ?:
	      vss_json_put_str(writer, "instance_name", wmd->instance_name) ?:
	      vss_json_put_name(rm, "method", &restore_methods,
				wmd->restore_method) ?:
	      vss_json_put_str(rm, "service", wmd->restore_service) ?:
	      vss_json_put_name(rm, "writer_restore", &writer_restores,
				wmd->writer_restore) ?:
	      vss_json_put_bool(rm, "reboot_required", wmd->reboot_required);
	for (t = 0; !ret && t < vss_doc_backup_types.count; t++) {
		struct json_object *s;

		if (!(wmd->backup_types & LIBVSS_BACKUP_TYPE_BIT(t)))
			continue;
		s = json_object_new_string(vss_doc_backup_types.names[t]);
		if (!s || json_object_array_add(types, s)) {
			json_object_put(s);
			ret = -ENOMEM;
		}
	}
	for (i = 0; !ret && i < wmd->ncomps; i++)
		ret = component_to_json(comps, wmd->comps[i]);
	if (ret)
		goto fail;
	return vss_json_finish(root, jsonp);
fail:
	json_object_put(root);
	return ret;
}

/* ---- From JSON ---- */

static int files_from_json(struct libvss_wmd_component *c, uint32_t kind,
			   struct json_object *jc)
{
	struct json_object *arr, *jf;
	const char *path, *filespec, *alt;
	bool recursive;
	size_t i, n;
	int ret;

	ret = vss_json_get_array(jc, files_keys[kind], false, &arr);
	if (ret || !arr)
		return ret;
	n = json_object_array_length(arr);
	if (n && !kind_fits(c->type, kind))
		return -EINVAL;
	for (i = 0; i < n; i++) {
		jf = json_object_array_get_idx(arr, i);
		if (!json_object_is_type(jf, json_type_object))
			return -EINVAL;
		path = filespec = alt = NULL;
		recursive = false;
		ret = vss_json_get_str(jf, "path", true, &path) ?:
		      vss_json_get_str(jf, "filespec", true, &filespec) ?:
		      vss_json_get_bool(jf, "recursive", &recursive) ?:
		      vss_json_get_str(jf, "alternate_location", false, &alt) ?:
		      add_files(c, kind, path, filespec, recursive, alt);
		if (ret)
			return ret;
	}
	return 0;
}

static int component_from_json(struct libvss_wmd *wmd, struct json_object *jc)
{
	struct libvss_wmd_component *c;
	const char *lp = NULL, *name = NULL, *caption = NULL;
	bool sel = false, selr = false;
	uint32_t type = 0, k;
	struct json_object *jt;
	int ret;

	if (!json_object_is_type(jc, json_type_object))
		return -EINVAL;
	/* "type" is required: it decides which file lists may follow. */
	if (!json_object_object_get_ex(jc, "type", &jt) ||
	    vss_json_name_value(jt, &component_types, &type))
		return -EINVAL;
	ret = vss_json_get_str(jc, "logical_path", false, &lp) ?:
	      vss_json_get_str(jc, "name", true, &name) ?:
	      vss_json_get_str(jc, "caption", false, &caption) ?:
	      vss_json_get_bool(jc, "selectable", &sel) ?:
	      vss_json_get_bool(jc, "selectable_for_restore", &selr);
	if (ret)
		return ret;
	ret = libvss_wmd_add_component(wmd, type, lp, name, caption,
				       (sel ? LIBVSS_COMPONENT_F_SELECTABLE : 0) |
				       (selr ? LIBVSS_COMPONENT_F_SELECTABLE_FOR_RESTORE : 0),
				       &c);
	if (ret)
		return ret == -EEXIST ? -EINVAL : ret;
	for (k = 0; !ret && k < FILES_KINDS; k++)
		ret = files_from_json(c, k, jc);
	return ret;
}

static int wmd_from_json(struct json_object *root, struct libvss_wmd **wmdp)
{
	struct json_object *writer, *rm, *types, *comps;
	uint8_t class_id[LIBVSS_ID_SIZE], instance_id[LIBVSS_ID_SIZE];
	const char *name = NULL, *instance_name = NULL, *service = NULL;
	uint32_t method = 0, wr = 0, mask = 0, t = 0;
	bool reboot = false;
	struct libvss_wmd *wmd;
	size_t i, n;
	int ret;

	ret = vss_json_get_obj(root, "writer", true, &writer) ?:
	      vss_json_get_id(writer, "class_id", class_id) ?:
	      vss_json_get_id(writer, "instance_id", instance_id) ?:
	      vss_json_get_str(writer, "name", true, &name) ?:
	      vss_json_get_str(writer, "instance_name", false, &instance_name) ?:
	      libvss_wmd_new(class_id, instance_id, name, instance_name, &wmd);
	if (ret)
		return ret;

	ret = vss_json_get_obj(root, "restore_method", false, &rm);
	if (!ret && rm)
		ret = vss_json_get_name(rm, "method", &restore_methods, &method) ?:
		      vss_json_get_str(rm, "service", false, &service) ?:
		      vss_json_get_name(rm, "writer_restore", &writer_restores,
					&wr) ?:
		      vss_json_get_bool(rm, "reboot_required", &reboot) ?:
		      libvss_wmd_set_restore_method(wmd, method, service, wr,
						    reboot);
	if (!ret)
		ret = vss_json_get_array(root, "backup_types", false, &types);
	if (!ret && types) {
		n = json_object_array_length(types);
		for (i = 0; !ret && i < n; i++) {
			ret = vss_json_name_value(json_object_array_get_idx(types, i),
						  &vss_doc_backup_types, &t);
			mask |= LIBVSS_BACKUP_TYPE_BIT(t);
		}
		ret = ret ?: libvss_wmd_set_backup_types(wmd, mask);
	}
	if (!ret)
		ret = vss_json_get_array(root, "components", false, &comps);
	if (!ret && comps) {
		n = json_object_array_length(comps);
		for (i = 0; !ret && i < n; i++)
			ret = component_from_json(wmd,
						  json_object_array_get_idx(comps, i));
	}
	if (ret) {
		libvss_wmd_free(wmd);
		return ret;
	}
	*wmdp = wmd;
	return 0;
}

LIBVSS_EXPORT int libvss_wmd_parse(const char *json, struct libvss_wmd **wmdp)
{
	struct json_object *root;
	int ret;

	if (!wmdp)
		return -EINVAL;
	*wmdp = NULL;
	ret = vss_json_parse_doc(json, WMD_KIND, &root);
	if (ret)
		return ret;
	ret = wmd_from_json(root, wmdp);
	json_object_put(root);
	return ret;
}

/* ---- Getters ---- */

LIBVSS_EXPORT const uint8_t *libvss_wmd_class_id(const struct libvss_wmd *wmd)
{
	return wmd->class_id;
}

LIBVSS_EXPORT const uint8_t *
libvss_wmd_instance_id(const struct libvss_wmd *wmd)
{
	return wmd->instance_id;
}

LIBVSS_EXPORT const char *libvss_wmd_name(const struct libvss_wmd *wmd)
{
	return wmd->name;
}

LIBVSS_EXPORT const char *
libvss_wmd_instance_name(const struct libvss_wmd *wmd)
{
	return wmd->instance_name;
}

LIBVSS_EXPORT uint32_t libvss_wmd_restore_method(const struct libvss_wmd *wmd)
{
	return wmd->restore_method;
}

LIBVSS_EXPORT const char *
libvss_wmd_restore_service(const struct libvss_wmd *wmd)
{
	return wmd->restore_service;
}

LIBVSS_EXPORT uint32_t libvss_wmd_writer_restore(const struct libvss_wmd *wmd)
{
	return wmd->writer_restore;
}

LIBVSS_EXPORT bool libvss_wmd_reboot_required(const struct libvss_wmd *wmd)
{
	return wmd->reboot_required;
}

LIBVSS_EXPORT uint32_t libvss_wmd_backup_types(const struct libvss_wmd *wmd)
{
	return wmd->backup_types;
}

LIBVSS_EXPORT size_t libvss_wmd_component_count(const struct libvss_wmd *wmd)
{
	return wmd->ncomps;
}

LIBVSS_EXPORT const struct libvss_wmd_component *
libvss_wmd_component(const struct libvss_wmd *wmd, size_t i)
{
	return i < wmd->ncomps ? wmd->comps[i] : NULL;
}

LIBVSS_EXPORT uint32_t
libvss_wmd_component_type(const struct libvss_wmd_component *comp)
{
	return comp->type;
}

LIBVSS_EXPORT const char *
libvss_wmd_component_logical_path(const struct libvss_wmd_component *comp)
{
	return comp->logical_path;
}

LIBVSS_EXPORT const char *
libvss_wmd_component_name(const struct libvss_wmd_component *comp)
{
	return comp->name;
}

LIBVSS_EXPORT const char *
libvss_wmd_component_caption(const struct libvss_wmd_component *comp)
{
	return comp->caption;
}

LIBVSS_EXPORT uint32_t
libvss_wmd_component_flags(const struct libvss_wmd_component *comp)
{
	return comp->flags;
}

LIBVSS_EXPORT size_t
libvss_wmd_files_count(const struct libvss_wmd_component *comp, uint32_t kind)
{
	return kind < FILES_KINDS ? comp->files[kind].n : 0;
}

LIBVSS_EXPORT const struct libvss_wmd_files *
libvss_wmd_files(const struct libvss_wmd_component *comp, uint32_t kind,
		 size_t i)
{
	if (kind >= FILES_KINDS || i >= comp->files[kind].n)
		return NULL;
	return comp->files[kind].v[i];
}

LIBVSS_EXPORT const char *
libvss_wmd_files_path(const struct libvss_wmd_files *files)
{
	return files->path;
}

LIBVSS_EXPORT const char *
libvss_wmd_files_filespec(const struct libvss_wmd_files *files)
{
	return files->filespec;
}

LIBVSS_EXPORT bool
libvss_wmd_files_recursive(const struct libvss_wmd_files *files)
{
	return files->recursive;
}

LIBVSS_EXPORT const char *
libvss_wmd_files_alternate_location(const struct libvss_wmd_files *files)
{
	return files->alternate_location;
}
