// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * The backup components document: what a requester selected and, as the
 * backup and a later restore go on, what became of each component. One
 * entry per writer (class and instance id), each with its selected
 * components; as in wmd.c, plain C structures whose pointers never move.
 * Beside them, per volume, the changed-block token of the snapshot the
 * backup copied: VSS's backup stamp, which the next incremental or
 * differential backup reads back as its "since" (Documentation/cbt.md).
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "doc.h"

#define BCD_KIND	"vss-backup-components"

struct libvss_bcd_component {
	char *logical_path;		/* "" for none */
	char *name;
	bool backup_succeeded;
	char *backup_options;		/* NULL: none */
	bool selected_for_restore;
	uint32_t restore_target;
	uint32_t restore_status;
	char *restore_message;		/* NULL: none */
};

struct libvss_bcd_writer {
	uint8_t class_id[LIBVSS_ID_SIZE];
	uint8_t instance_id[LIBVSS_ID_SIZE];
	struct libvss_bcd_component **comps;
	size_t ncomps, capcomps;
};

/* One volume's backup stamp. */
struct bcd_volume {
	char *volume;
	char *token;
};

struct libvss_bcd {
	uint32_t backup_type;
	uint32_t flags;
	struct libvss_bcd_writer **writers;
	size_t nwriters, capwriters;
	struct bcd_volume *vols;
	size_t nvols, capvols;
};

static const char *const restore_target_names[] = {
	[LIBVSS_RESTORE_TARGET_UNDEFINED] = "undefined",
	[LIBVSS_RESTORE_TARGET_ORIGINAL] = "original",
	[LIBVSS_RESTORE_TARGET_ALTERNATE] = "alternate",
	[LIBVSS_RESTORE_TARGET_DIRECTED] = "directed",
	[LIBVSS_RESTORE_TARGET_ORIGINAL_LOCATION] = "original-location",
};

static const char *const restore_status_names[] = {
	[LIBVSS_RESTORE_STATUS_UNDEFINED] = "undefined",
	[LIBVSS_RESTORE_STATUS_NONE] = "none",
	[LIBVSS_RESTORE_STATUS_ALL] = "all",
	[LIBVSS_RESTORE_STATUS_FAILED] = "failed",
};

#define NAMES(a)	{ a, sizeof(a) / sizeof((a)[0]) }
static const struct vss_doc_names restore_targets = NAMES(restore_target_names);
static const struct vss_doc_names restore_statuses = NAMES(restore_status_names);

/* The options of SetBackupState, each a boolean member of "options". */
static const struct {
	uint32_t flag;
	const char *key;
} option_keys[] = {
	{ LIBVSS_BCD_F_SELECT_COMPONENTS, "select_components" },
	{ LIBVSS_BCD_F_BOOTABLE_SYSTEM_STATE, "bootable_system_state" },
	{ LIBVSS_BCD_F_PARTIAL_FILE_SUPPORT, "partial_file_support" },
};
#define NOPTIONS	(sizeof(option_keys) / sizeof(option_keys[0]))

#define BCD_FLAGS_VALID \
	(LIBVSS_BCD_F_SELECT_COMPONENTS | LIBVSS_BCD_F_BOOTABLE_SYSTEM_STATE | \
	 LIBVSS_BCD_F_PARTIAL_FILE_SUPPORT)

static bool is_name(const struct vss_doc_names *names, uint32_t val)
{
	return val < names->count && names->names[val];
}

static void component_free(struct libvss_bcd_component *c)
{
	if (!c)
		return;
	free(c->logical_path);
	free(c->name);
	free(c->backup_options);
	free(c->restore_message);
	free(c);
}

static void writer_free(struct libvss_bcd_writer *w)
{
	size_t i;

	for (i = 0; i < w->ncomps; i++)
		component_free(w->comps[i]);
	free(w->comps);
	free(w);
}

LIBVSS_EXPORT void libvss_bcd_free(struct libvss_bcd *bcd)
{
	size_t i;

	if (!bcd)
		return;
	for (i = 0; i < bcd->nwriters; i++)
		writer_free(bcd->writers[i]);
	free(bcd->writers);
	for (i = 0; i < bcd->nvols; i++) {
		free(bcd->vols[i].volume);
		free(bcd->vols[i].token);
	}
	free(bcd->vols);
	free(bcd);
}

LIBVSS_EXPORT int libvss_bcd_new(uint32_t backup_type, uint32_t flags,
				 struct libvss_bcd **bcdp)
{
	struct libvss_bcd *bcd;

	if (!bcdp)
		return -EINVAL;
	*bcdp = NULL;
	if (!is_name(&vss_doc_backup_types, backup_type) ||
	    (flags & ~BCD_FLAGS_VALID))
		return -EINVAL;
	bcd = calloc(1, sizeof(*bcd));
	if (!bcd)
		return -ENOMEM;
	bcd->backup_type = backup_type;
	bcd->flags = flags;
	*bcdp = bcd;
	return 0;
}

static struct libvss_bcd_writer *
find_writer(const struct libvss_bcd *bcd, const uint8_t *class_id,
	    const uint8_t *instance_id)
{
	size_t i;

	for (i = 0; i < bcd->nwriters; i++)
		if (!memcmp(bcd->writers[i]->class_id, class_id, LIBVSS_ID_SIZE) &&
		    !memcmp(bcd->writers[i]->instance_id, instance_id,
			    LIBVSS_ID_SIZE))
			return bcd->writers[i];
	return NULL;
}

static struct libvss_bcd_component *
find_in_writer(const struct libvss_bcd_writer *w, const char *logical_path,
	       const char *name)
{
	size_t i;

	for (i = 0; w && i < w->ncomps; i++)
		if (!strcmp(w->comps[i]->logical_path, logical_path) &&
		    !strcmp(w->comps[i]->name, name))
			return w->comps[i];
	return NULL;
}

static int add_writer(struct libvss_bcd *bcd, const uint8_t *class_id,
		      const uint8_t *instance_id,
		      struct libvss_bcd_writer **wp)
{
	struct libvss_bcd_writer *w;

	if (vss_doc_grow((void **)&bcd->writers, &bcd->capwriters,
			 bcd->nwriters, sizeof(*bcd->writers)))
		return -ENOMEM;
	w = calloc(1, sizeof(*w));
	if (!w)
		return -ENOMEM;
	memcpy(w->class_id, class_id, LIBVSS_ID_SIZE);
	memcpy(w->instance_id, instance_id, LIBVSS_ID_SIZE);
	bcd->writers[bcd->nwriters++] = w;
	*wp = w;
	return 0;
}

static int add_component(struct libvss_bcd_writer *w, const char *logical_path,
			 const char *name, struct libvss_bcd_component **compp)
{
	struct libvss_bcd_component *c;

	if (!logical_path)
		logical_path = "";
	if (vss_doc_check_str(logical_path, false, false) ||
	    vss_doc_check_str(name, false, true))
		return -EINVAL;
	if (find_in_writer(w, logical_path, name))
		return -EEXIST;
	if (vss_doc_grow((void **)&w->comps, &w->capcomps, w->ncomps,
			 sizeof(*w->comps)))
		return -ENOMEM;
	c = calloc(1, sizeof(*c));
	if (!c)
		return -ENOMEM;
	if (vss_doc_set_str(&c->logical_path, logical_path) ||
	    vss_doc_set_str(&c->name, name)) {
		component_free(c);
		return -ENOMEM;
	}
	w->comps[w->ncomps++] = c;
	if (compp)
		*compp = c;
	return 0;
}

LIBVSS_EXPORT int libvss_bcd_add_component(struct libvss_bcd *bcd,
					   const uint8_t class_id[LIBVSS_ID_SIZE],
					   const uint8_t instance_id[LIBVSS_ID_SIZE],
					   const char *logical_path,
					   const char *name,
					   struct libvss_bcd_component **compp)
{
	struct libvss_bcd_writer *w;
	int ret;

	if (!bcd || !class_id || !instance_id)
		return -EINVAL;
	w = find_writer(bcd, class_id, instance_id);
	if (w)
		return add_component(w, logical_path, name, compp);
	/* Check first, so that a refused component leaves no empty writer. */
	if (vss_doc_check_str(logical_path, true, false) ||
	    vss_doc_check_str(name, false, true))
		return -EINVAL;
	ret = add_writer(bcd, class_id, instance_id, &w);
	if (ret)
		return ret;
	ret = add_component(w, logical_path, name, compp);
	if (ret) {
		bcd->nwriters--;
		writer_free(w);
	}
	return ret;
}

LIBVSS_EXPORT int libvss_bcd_find_component(struct libvss_bcd *bcd,
					    const uint8_t class_id[LIBVSS_ID_SIZE],
					    const uint8_t instance_id[LIBVSS_ID_SIZE],
					    const char *logical_path,
					    const char *name,
					    struct libvss_bcd_component **compp)
{
	struct libvss_bcd_component *c;

	if (!bcd || !class_id || !instance_id || !name || !compp)
		return -EINVAL;
	c = find_in_writer(find_writer(bcd, class_id, instance_id),
			   logical_path ? logical_path : "", name);
	if (!c)
		return -ENOENT;
	*compp = c;
	return 0;
}

LIBVSS_EXPORT int
libvss_bcd_set_backup_succeeded(struct libvss_bcd *bcd,
				const uint8_t class_id[LIBVSS_ID_SIZE],
				const uint8_t instance_id[LIBVSS_ID_SIZE],
				const char *logical_path, const char *name,
				bool succeeded)
{
	struct libvss_bcd_component *c;
	int ret;

	ret = libvss_bcd_find_component(bcd, class_id, instance_id,
					logical_path, name, &c);
	if (ret)
		return ret;
	c->backup_succeeded = succeeded;
	return 0;
}

LIBVSS_EXPORT int
libvss_bcd_component_set_backup_succeeded(struct libvss_bcd_component *comp,
					  bool succeeded)
{
	if (!comp)
		return -EINVAL;
	comp->backup_succeeded = succeeded;
	return 0;
}

LIBVSS_EXPORT int
libvss_bcd_component_set_backup_options(struct libvss_bcd_component *comp,
					const char *options)
{
	if (!comp || vss_doc_check_str(options, true, false))
		return -EINVAL;
	return vss_doc_set_str(&comp->backup_options, options);
}

LIBVSS_EXPORT int
libvss_bcd_component_set_selected_for_restore(struct libvss_bcd_component *comp,
					      bool selected)
{
	if (!comp)
		return -EINVAL;
	comp->selected_for_restore = selected;
	return 0;
}

LIBVSS_EXPORT int
libvss_bcd_component_set_restore_target(struct libvss_bcd_component *comp,
					uint32_t target)
{
	if (!comp || !is_name(&restore_targets, target))
		return -EINVAL;
	comp->restore_target = target;
	return 0;
}

LIBVSS_EXPORT int
libvss_bcd_component_set_restore_status(struct libvss_bcd_component *comp,
					uint32_t status, const char *message)
{
	int ret;

	if (!comp || !is_name(&restore_statuses, status) ||
	    vss_doc_check_str(message, true, false))
		return -EINVAL;
	ret = vss_doc_set_str(&comp->restore_message, message);
	if (ret)
		return ret;
	comp->restore_status = status;
	return 0;
}

/* ---- Backup stamps ---- */

static struct bcd_volume *find_volume(const struct libvss_bcd *bcd,
				      const char *volume)
{
	size_t i;

	for (i = 0; i < bcd->nvols; i++)
		if (!strcmp(bcd->vols[i].volume, volume))
			return &bcd->vols[i];
	return NULL;
}

LIBVSS_EXPORT int libvss_bcd_set_volume_token(struct libvss_bcd *bcd,
					      const char *volume,
					      const char *token)
{
	struct bcd_volume *v;
	char *copy;

	if (!bcd || vss_doc_check_str(volume, false, true) ||
	    libvss_token_check(token))
		return -EINVAL;
	copy = strdup(token);
	if (!copy)
		return -ENOMEM;
	v = find_volume(bcd, volume);
	if (v) {
		free(v->token);
		v->token = copy;
		return 0;
	}
	if (vss_doc_grow((void **)&bcd->vols, &bcd->capvols, bcd->nvols,
			 sizeof(*bcd->vols))) {
		free(copy);
		return -ENOMEM;
	}
	v = &bcd->vols[bcd->nvols];
	v->token = copy;
	v->volume = strdup(volume);
	if (!v->volume) {
		free(copy);
		return -ENOMEM;
	}
	bcd->nvols++;
	return 0;
}

LIBVSS_EXPORT int libvss_bcd_set_snapset_tokens(struct libvss_bcd *bcd,
						const struct libvss_snapset *set)
{
	char token[LIBVSS_TOKEN_STRING_SIZE];
	unsigned int i;
	int ret;

	if (!bcd || !set)
		return -EINVAL;
	/* All or nothing is not needed: a retry sets the same values. */
	for (i = 0; i < libvss_snapset_count(set); i++) {
		ret = libvss_snapset_entry_token(set, i, token, sizeof(token));
		ret = ret ?: libvss_bcd_set_volume_token(bcd,
				libvss_snapset_entry_origin(set, i), token);
		if (ret)
			return ret;
	}
	return 0;
}

LIBVSS_EXPORT const char *libvss_bcd_volume_token(const struct libvss_bcd *bcd,
						  const char *volume)
{
	const struct bcd_volume *v = volume ? find_volume(bcd, volume) : NULL;

	return v ? v->token : NULL;
}

LIBVSS_EXPORT size_t libvss_bcd_volume_count(const struct libvss_bcd *bcd)
{
	return bcd->nvols;
}

LIBVSS_EXPORT const char *libvss_bcd_volume(const struct libvss_bcd *bcd,
					    size_t i)
{
	return i < bcd->nvols ? bcd->vols[i].volume : NULL;
}

/* ---- To JSON ---- */

/* Written only when there is one: documents without stay byte for byte. */
static int volumes_to_json(struct json_object *root,
			   const struct libvss_bcd *bcd)
{
	struct json_object *arr, *jv;
	size_t i;
	int ret;

	if (!bcd->nvols)
		return 0;
	arr = json_object_new_array();
	ret = vss_json_put(root, "volumes", arr);
	for (i = 0; !ret && i < bcd->nvols; i++) {
		jv = json_object_new_object();
		if (!jv || json_object_array_add(arr, jv)) {
			json_object_put(jv);
			return -ENOMEM;
		}
		ret = vss_json_put_str(jv, "volume", bcd->vols[i].volume) ?:
		      vss_json_put_str(jv, "token", bcd->vols[i].token);
	}
	return ret;
}


static int component_to_json(struct json_object *arr,
			     const struct libvss_bcd_component *c)
{
	struct json_object *jc = json_object_new_object();

	if (!jc || json_object_array_add(arr, jc)) {
		json_object_put(jc);
		return -ENOMEM;
	}
	return vss_json_put_str(jc, "logical_path", c->logical_path) ?:
	       vss_json_put_str(jc, "name", c->name) ?:
	       vss_json_put_bool(jc, "backup_succeeded", c->backup_succeeded) ?:
	       vss_json_put_str(jc, "backup_options", c->backup_options) ?:
	       vss_json_put_bool(jc, "selected_for_restore",
				 c->selected_for_restore) ?:
	       vss_json_put_name(jc, "restore_target", &restore_targets,
				 c->restore_target) ?:
	       vss_json_put_name(jc, "restore_status", &restore_statuses,
				 c->restore_status) ?:
	       vss_json_put_str(jc, "restore_message", c->restore_message);
}

static int writer_to_json(struct json_object *arr,
			  const struct libvss_bcd_writer *w)
{
	struct json_object *jw = json_object_new_object(), *comps;
	size_t i;
	int ret;

	if (!jw || json_object_array_add(arr, jw)) {
		json_object_put(jw);
		return -ENOMEM;
	}
	comps = json_object_new_array();
	ret = vss_json_put_id(jw, "class_id", w->class_id) ?:
	      vss_json_put_id(jw, "instance_id", w->instance_id);
	if (ret) {
		json_object_put(comps);
		return ret;
	}
	ret = vss_json_put(jw, "components", comps);
	for (i = 0; !ret && i < w->ncomps; i++)
		ret = component_to_json(comps, w->comps[i]);
	return ret;
}

LIBVSS_EXPORT int libvss_bcd_to_json(const struct libvss_bcd *bcd,
				     char **jsonp)
{
	struct json_object *root, *opts, *writers;
	size_t i;
	int ret;

	if (!jsonp)
		return -EINVAL;
	*jsonp = NULL;
	if (!bcd)
		return -EINVAL;
	root = vss_json_doc_new(BCD_KIND);
	if (!root)
		return -ENOMEM;
	ret = vss_json_put_name(root, "backup_type", &vss_doc_backup_types,
				bcd->backup_type);
	opts = ret ? NULL : json_object_new_object();
	ret = ret ?: vss_json_put(root, "options", opts);
	writers = ret ? NULL : json_object_new_array();
	ret = ret ?: vss_json_put(root, "writers", writers);
	for (i = 0; !ret && i < NOPTIONS; i++)
		ret = vss_json_put_bool(opts, option_keys[i].key,
					bcd->flags & option_keys[i].flag);
	for (i = 0; !ret && i < bcd->nwriters; i++)
		ret = writer_to_json(writers, bcd->writers[i]);
	ret = ret ?: volumes_to_json(root, bcd);
	if (ret) {
		json_object_put(root);
		return ret;
	}
	return vss_json_finish(root, jsonp);
}

/* ---- From JSON ---- */

static int component_from_json(struct libvss_bcd_writer *w,
			       struct json_object *jc)
{
	struct libvss_bcd_component *c;
	const char *lp = NULL, *name = NULL, *options = NULL, *msg = NULL;
	bool succeeded = false, selected = false;
	uint32_t target = 0, status = 0;
	int ret;

	if (!json_object_is_type(jc, json_type_object))
		return -EINVAL;
	ret = vss_json_get_str(jc, "logical_path", false, &lp) ?:
	      vss_json_get_str(jc, "name", true, &name) ?:
	      vss_json_get_bool(jc, "backup_succeeded", &succeeded) ?:
	      vss_json_get_str(jc, "backup_options", false, &options) ?:
	      vss_json_get_bool(jc, "selected_for_restore", &selected) ?:
	      vss_json_get_name(jc, "restore_target", &restore_targets,
				&target) ?:
	      vss_json_get_name(jc, "restore_status", &restore_statuses,
				&status) ?:
	      vss_json_get_str(jc, "restore_message", false, &msg);
	if (ret)
		return ret;
	ret = add_component(w, lp, name, &c);
	if (ret)
		return ret == -EEXIST ? -EINVAL : ret;
	c->backup_succeeded = succeeded;
	c->selected_for_restore = selected;
	c->restore_target = target;
	c->restore_status = status;
	return vss_doc_set_str(&c->backup_options, options) ?:
	       vss_doc_set_str(&c->restore_message, msg);
}

static int writer_from_json(struct libvss_bcd *bcd, struct json_object *jw)
{
	uint8_t class_id[LIBVSS_ID_SIZE], instance_id[LIBVSS_ID_SIZE];
	struct libvss_bcd_writer *w;
	struct json_object *comps = NULL;
	size_t i, n;
	int ret;

	if (!json_object_is_type(jw, json_type_object))
		return -EINVAL;
	ret = vss_json_get_id(jw, "class_id", class_id) ?:
	      vss_json_get_id(jw, "instance_id", instance_id) ?:
	      vss_json_get_array(jw, "components", false, &comps);
	if (ret)
		return ret;
	/* One entry per writer: a second would make lookups ambiguous. */
	if (find_writer(bcd, class_id, instance_id))
		return -EINVAL;
	ret = add_writer(bcd, class_id, instance_id, &w);
	n = comps ? json_object_array_length(comps) : 0;
	for (i = 0; !ret && i < n; i++)
		ret = component_from_json(w, json_object_array_get_idx(comps, i));
	return ret;
}

/* A token that is not one is refused like any malformed member. */
static int volume_from_json(struct libvss_bcd *bcd, struct json_object *jv)
{
	const char *volume = NULL, *token = NULL;
	int ret;

	if (!json_object_is_type(jv, json_type_object))
		return -EINVAL;
	ret = vss_json_get_str(jv, "volume", true, &volume) ?:
	      vss_json_get_str(jv, "token", true, &token);
	if (ret)
		return ret;
	/* One entry per volume, as one per writer. */
	if (find_volume(bcd, volume))
		return -EINVAL;
	return libvss_bcd_set_volume_token(bcd, volume, token);
}

static int bcd_from_json(struct json_object *root, struct libvss_bcd **bcdp)
{
	struct json_object *opts = NULL, *writers = NULL, *volumes = NULL;
	uint32_t type = VSS_BACKUP_TYPE_UNDEFINED, flags = 0;
	struct libvss_bcd *bcd;
	size_t i, n;
	bool on;
	int ret;

	ret = vss_json_get_name(root, "backup_type", &vss_doc_backup_types,
				&type) ?:
	      vss_json_get_obj(root, "options", false, &opts) ?:
	      vss_json_get_array(root, "writers", false, &writers) ?:
	      vss_json_get_array(root, "volumes", false, &volumes);
	for (i = 0; !ret && opts && i < NOPTIONS; i++) {
		on = false;
		ret = vss_json_get_bool(opts, option_keys[i].key, &on);
		if (on)
			flags |= option_keys[i].flag;
	}
	ret = ret ?: libvss_bcd_new(type, flags, &bcd);
	if (ret)
		return ret;
	n = writers ? json_object_array_length(writers) : 0;
	for (i = 0; !ret && i < n; i++)
		ret = writer_from_json(bcd, json_object_array_get_idx(writers, i));
	n = volumes ? json_object_array_length(volumes) : 0;
	for (i = 0; !ret && i < n; i++)
		ret = volume_from_json(bcd, json_object_array_get_idx(volumes, i));
	if (ret) {
		libvss_bcd_free(bcd);
		return ret;
	}
	*bcdp = bcd;
	return 0;
}

LIBVSS_EXPORT int libvss_bcd_parse(const char *json, struct libvss_bcd **bcdp)
{
	struct json_object *root;
	int ret;

	if (!bcdp)
		return -EINVAL;
	*bcdp = NULL;
	ret = vss_json_parse_doc(json, BCD_KIND, &root);
	if (ret)
		return ret;
	ret = bcd_from_json(root, bcdp);
	json_object_put(root);
	return ret;
}

/* ---- Getters ---- */

LIBVSS_EXPORT uint32_t libvss_bcd_backup_type(const struct libvss_bcd *bcd)
{
	return bcd->backup_type;
}

LIBVSS_EXPORT uint32_t libvss_bcd_flags(const struct libvss_bcd *bcd)
{
	return bcd->flags;
}

LIBVSS_EXPORT size_t libvss_bcd_writer_count(const struct libvss_bcd *bcd)
{
	return bcd->nwriters;
}

LIBVSS_EXPORT const struct libvss_bcd_writer *
libvss_bcd_writer(const struct libvss_bcd *bcd, size_t i)
{
	return i < bcd->nwriters ? bcd->writers[i] : NULL;
}

LIBVSS_EXPORT const uint8_t *
libvss_bcd_writer_class_id(const struct libvss_bcd_writer *w)
{
	return w->class_id;
}

LIBVSS_EXPORT const uint8_t *
libvss_bcd_writer_instance_id(const struct libvss_bcd_writer *w)
{
	return w->instance_id;
}

LIBVSS_EXPORT size_t
libvss_bcd_writer_component_count(const struct libvss_bcd_writer *w)
{
	return w->ncomps;
}

LIBVSS_EXPORT const struct libvss_bcd_component *
libvss_bcd_writer_component(const struct libvss_bcd_writer *w, size_t i)
{
	return i < w->ncomps ? w->comps[i] : NULL;
}

LIBVSS_EXPORT const char *
libvss_bcd_component_logical_path(const struct libvss_bcd_component *comp)
{
	return comp->logical_path;
}

LIBVSS_EXPORT const char *
libvss_bcd_component_name(const struct libvss_bcd_component *comp)
{
	return comp->name;
}

LIBVSS_EXPORT bool
libvss_bcd_component_backup_succeeded(const struct libvss_bcd_component *comp)
{
	return comp->backup_succeeded;
}

LIBVSS_EXPORT const char *
libvss_bcd_component_backup_options(const struct libvss_bcd_component *comp)
{
	return comp->backup_options;
}

LIBVSS_EXPORT bool
libvss_bcd_component_selected_for_restore(const struct libvss_bcd_component *comp)
{
	return comp->selected_for_restore;
}

LIBVSS_EXPORT uint32_t
libvss_bcd_component_restore_target(const struct libvss_bcd_component *comp)
{
	return comp->restore_target;
}

LIBVSS_EXPORT uint32_t
libvss_bcd_component_restore_status(const struct libvss_bcd_component *comp)
{
	return comp->restore_status;
}

LIBVSS_EXPORT const char *
libvss_bcd_component_restore_message(const struct libvss_bcd_component *comp)
{
	return comp->restore_message;
}
