/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * libvss: userspace interface to the vss (volume shadow copy) kernel module.
 *
 * Conventions, as in liburing: every function that can fail returns 0 or a
 * negative errno value and never relies on errno. Handles are opaque. A
 * context is not thread-safe; use one per thread or serialise calls.
 *
 * Protocol constants (VSS_FEATURE_*, VSS_CMD_*, ...) come from the uapi
 * header <linux/vss.h>, which is included here.
 */
#ifndef LIBVSS_H
#define LIBVSS_H

#include <stdint.h>
#include <linux/vss.h>

#ifdef __cplusplus
extern "C" {
#endif

struct libvss_ctx;
struct libvss_features;		/* the module's versions and features */
struct libvss_storage;		/* the diff storage of one origin */
struct libvss_storage_opts;	/* how to configure a new diff storage */
struct libvss_storage_list;
struct libvss_snapshot;		/* one snapshot, as the module reports it */
struct libvss_snapshot_list;
struct libvss_snapset;		/* a new snapshot set, as created */

/* Bytes of a snapshot or snapshot-set id (VSS_A_SNAPSHOT_ID, _SET_ID). */
#define LIBVSS_ID_SIZE		16
/* Bytes of its text form, "xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx", and NUL. */
#define LIBVSS_ID_STRING_SIZE	37

/**
 * libvss_version() - Version of the library.
 *
 * Return: "MAJOR.MINOR.PATCH" of the libvss that is running, which may differ
 * from the one the caller was built against. Never NULL.
 */
const char *libvss_version(void);

/**
 * libvss_open() - Connect to the vss kernel module.
 * @ctxp: Set to the new context on success, to NULL on failure.
 *
 * Opens a generic-netlink socket and resolves the "vss" family and its
 * multicast groups through the nlctrl family.
 *
 * When this fails there is no context to ask, so libvss_ext_error(NULL)
 * explains the calling thread's last failed libvss_open().
 *
 * Return: 0 on success; -ENOENT if the family is not registered, which means
 * the vss module is not loaded; another negative errno value on failure.
 */
int libvss_open(struct libvss_ctx **ctxp);

/**
 * libvss_close() - Close a context and free it.
 * @ctx: Context from libvss_open(), or NULL.
 */
void libvss_close(struct libvss_ctx *ctx);

/**
 * libvss_ext_error() - Explanation of the last failed call.
 * @ctx: Context the call was made on, or NULL for libvss_open().
 *
 * The text is the kernel's extended-ack message, completed with the attribute
 * it points at, or the library's own explanation where the kernel gave none
 * or the failure was found in userspace (a malformed reply, a module that is
 * not loaded). Each call on @ctx clears it first, and a successful call
 * leaves it cleared, so it never describes an older failure.
 *
 * Return: A string owned by @ctx (or by the calling thread if @ctx is NULL),
 * valid until the next call on it; NULL if there is no explanation.
 */
const char *libvss_ext_error(const struct libvss_ctx *ctx);

/**
 * libvss_get_features() - Ask the module for its versions and features.
 * @ctx: Context.
 * @required: Mask of VSS_FEATURE_* bits the caller cannot work without, or 0.
 * @featp: Set to a new feature report on success, to NULL on failure; free it
 *   with libvss_features_free().
 *
 * A module that speaks a newer protocol than this library is fine: the
 * library reads the attributes it knows and ignores the others, and the mask
 * may contain bits it has no name for (see libvss_feature_name()).
 *
 * Return: 0 on success; -EOPNOTSUPP if a @required bit is missing, with the
 * kernel's message in libvss_ext_error(); -EBADMSG if the reply is malformed;
 * another negative errno value on failure.
 */
int libvss_get_features(struct libvss_ctx *ctx, uint64_t required,
			struct libvss_features **featp);

/**
 * libvss_features_free() - Free a feature report.
 * @f: Report from libvss_get_features(), or NULL.
 */
void libvss_features_free(struct libvss_features *f);

/**
 * libvss_features_module_version() - Version of the loaded module.
 * @f: Feature report.
 *
 * Return: "MAJOR.MINOR.PATCH" as the module reported it, owned by @f.
 */
const char *libvss_features_module_version(const struct libvss_features *f);

/**
 * libvss_features_protocol_version() - Protocol version the module speaks.
 * @f: Feature report.
 *
 * Return: The module's VSS_FAMILY_VERSION; it may exceed the library's.
 */
uint32_t libvss_features_protocol_version(const struct libvss_features *f);

/**
 * libvss_features_mask() - Features the running module supports.
 * @f: Feature report.
 *
 * Return: Mask of VSS_FEATURE_* bits, including any this library does not
 * know.
 */
uint64_t libvss_features_mask(const struct libvss_features *f);

/**
 * libvss_feature_name() - Name of one feature bit.
 * @bit: A single VSS_FEATURE_* bit, e.g. VSS_FEATURE_FREEZE_HOLDER.
 *
 * The names are those of the YNL spec (Documentation/netlink/specs/vss.yaml).
 *
 * Return: The name, e.g. "freeze-holder" or "file-storage"; NULL if @bit is
 * unknown to this library, zero, or has more than one bit set.
 */
const char *libvss_feature_name(uint64_t bit);

/**
 * libvss_id_to_string() - Text form of a snapshot or snapshot-set id.
 * @id: LIBVSS_ID_SIZE bytes.
 * @buf: Room for LIBVSS_ID_STRING_SIZE bytes.
 *
 * Writes the canonical UUID form: 36 lowercase characters, the bytes of @id
 * in order as hex digit pairs, grouped 4-2-2-2-6 by dashes, and a NUL. It is
 * the form the kernel prints with %pUb.
 *
 * Return: @buf.
 */
char *libvss_id_to_string(const uint8_t id[LIBVSS_ID_SIZE],
			  char buf[LIBVSS_ID_STRING_SIZE]);

/**
 * libvss_id_parse() - Read an id from its text form.
 * @s: "xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx", hex digits in either case,
 *   nothing before or after.
 * @id: Set to the LIBVSS_ID_SIZE bytes on success; untouched on failure.
 *
 * Return: 0 on success; -EINVAL if @s is not exactly that form.
 */
int libvss_id_parse(const char *s, uint8_t id[LIBVSS_ID_SIZE]);

/**
 * libvss_storage_add() - Give an origin volume its diff storage.
 * @ctx: Context.
 * @origin: Path of the origin block device, e.g. "/dev/vda1", shorter than
 *   PATH_MAX.
 * @max_bytes: Most bytes of preserved chunks the storage may hold; at
 *   least 1. A snapshot becomes invalid (VSS_INVALID_OVERFLOW) when a chunk
 *   has to be preserved and the storage is full.
 * @chunk_bytes: Copy-on-write unit of the origin, a power of two from 4096
 *   to 1 MiB; 0 for the module's default (65536).
 *
 * The storage is of kind VSS_STORAGE_MEMORY, kernel memory, with the
 * module's default thresholds; libvss_storage_add_opts() configures the
 * rest (file storage, thresholds). An origin needs diff storage before it
 * can be snapshotted. Needs CAP_SYS_ADMIN.
 *
 * Return: 0 on success; -EEXIST if @origin already has diff storage;
 * -ERANGE if @max_bytes is 0 or @chunk_bytes out of range, -EINVAL if
 * @chunk_bytes is not a power of two, -ENOTBLK or -ENOENT if @origin is
 * not a block device, -EADDRINUSE if it overlaps another origin (a disk
 * and its partition), -EXDEV if it holds the storage file of another
 * origin (the kernel's message in libvss_ext_error()); -EINVAL
 * if @origin is NULL and -ENAMETOOLONG if it is too long, before anything
 * is sent; -EPERM without CAP_SYS_ADMIN; another negative errno value on
 * failure.
 */
int libvss_storage_add(struct libvss_ctx *ctx, const char *origin,
		       uint64_t max_bytes, uint32_t chunk_bytes);

/*
 * Options of a new diff storage, for libvss_storage_add_opts().
 *
 * An opaque object with one setter per setting, rather than a public struct
 * with a size or version field (libnvme's args_size, io_uring_params'
 * reserved words): a setting added later is a new setter in a new node of
 * the version script and nothing else, so no caller ever has to fill in a
 * size, zero reserved fields or be rebuilt; the library never has to guess
 * which fields an older caller's struct has; and the setters that copy
 * (path, thresholds) can refuse what cannot be sent where the mistake is
 * made. The cost, one allocation per configuration, is nothing next to the
 * netlink exchange.
 */

/**
 * libvss_storage_opts_new() - Options of a new diff storage, with defaults.
 * @optsp: Set to the new options on success, to NULL on failure; free them
 *   with libvss_storage_opts_free().
 *
 * The defaults: kind VSS_STORAGE_MEMORY, no path, max-bytes 0 (which the
 * kernel refuses: set it), the module's default chunk size (65536) and
 * thresholds (80% and 95%).
 *
 * Return: 0 on success; -ENOMEM.
 */
int libvss_storage_opts_new(struct libvss_storage_opts **optsp);

/**
 * libvss_storage_opts_free() - Free diff storage options.
 * @opts: Options from libvss_storage_opts_new(), or NULL.
 */
void libvss_storage_opts_free(struct libvss_storage_opts *opts);

/**
 * libvss_storage_opts_set_kind() - Where the storage keeps preserved chunks.
 * @opts: Options.
 * @kind: VSS_STORAGE_MEMORY (the default) or VSS_STORAGE_FILE, which also
 *   needs a directory (libvss_storage_opts_set_path()) and the feature
 *   VSS_FEATURE_FILE_STORAGE. Any other value is sent as it is, for the
 *   kernel to judge.
 */
void libvss_storage_opts_set_kind(struct libvss_storage_opts *opts,
				  uint32_t kind);

/**
 * libvss_storage_opts_set_path() - Directory of a file storage.
 * @opts: Options.
 * @dir: For VSS_STORAGE_FILE, the directory in which the module creates the
 *   storage file, shorter than PATH_MAX; it is copied. Its filesystem must
 *   not be on any origin (the kernel refuses with -EXDEV). NULL clears it.
 *
 * Return: 0 on success; -ENAMETOOLONG if @dir is too long, and the options
 * are unchanged; -ENOMEM.
 */
int libvss_storage_opts_set_path(struct libvss_storage_opts *opts,
				 const char *dir);

/**
 * libvss_storage_opts_set_max_bytes() - Capacity of the storage.
 * @opts: Options.
 * @max_bytes: Most bytes of preserved chunks the storage may hold; at
 *   least 1. For a file storage, the file grows on demand up to this size.
 */
void libvss_storage_opts_set_max_bytes(struct libvss_storage_opts *opts,
				       uint64_t max_bytes);

/**
 * libvss_storage_opts_set_chunk_bytes() - Copy-on-write unit of the origin.
 * @opts: Options.
 * @chunk_bytes: A power of two from 4096 to 1 MiB; 0 for the module's
 *   default (65536).
 */
void libvss_storage_opts_set_chunk_bytes(struct libvss_storage_opts *opts,
					 uint32_t chunk_bytes);

/**
 * libvss_storage_opts_set_thresholds() - Uses that are announced.
 * @opts: Options.
 * @pct: @nr distinct percentages of max-bytes, each 1 to 100; copied. The
 *   module sends VSS_CMD_STORAGE_THRESHOLD_NTF on the monitor group when the
 *   use rises past one.
 * @nr: Number of thresholds; the kernel takes up to 4. 0 restores the
 *   module's default (80 and 95).
 *
 * The kernel checks the values and their count, with a message in
 * libvss_ext_error().
 *
 * Return: 0 on success; -EINVAL if @pct is NULL and @nr is not 0; -E2BIG if
 * @nr is above 100, more distinct percentages than there are; the options
 * are then unchanged.
 */
int libvss_storage_opts_set_thresholds(struct libvss_storage_opts *opts,
				       const uint32_t *pct, unsigned int nr);

/**
 * libvss_storage_add_opts() - Give an origin volume its diff storage.
 * @ctx: Context.
 * @origin: Path of the origin block device, e.g. "/dev/vda1", shorter than
 *   PATH_MAX.
 * @opts: Options from libvss_storage_opts_new(); unchanged, and the caller
 *   may reuse or free them as soon as this returns.
 *
 * libvss_storage_add() with every setting. Needs CAP_SYS_ADMIN.
 *
 * Return: 0 on success; the errors of libvss_storage_add(); and from the
 * kernel, with its message in libvss_ext_error(): -EINVAL for a file
 * storage without a directory, a path given to another kind, or a threshold
 * given twice; -ERANGE for a threshold out of 1 to 100 or an unknown kind;
 * -E2BIG for more than 4 thresholds; -EXDEV if the directory's filesystem
 * is on @origin or on another origin, or @origin holds the storage file of
 * another origin; -ENOENT or -ENOTDIR if the directory is not one,
 * -EOPNOTSUPP or -EISDIR if its filesystem cannot hold unnamed files
 * (O_TMPFILE), another negative errno value if the file cannot be created;
 * -EINVAL if @opts is NULL, before anything is sent.
 */
int libvss_storage_add_opts(struct libvss_ctx *ctx, const char *origin,
			    const struct libvss_storage_opts *opts);

/**
 * libvss_storage_set() - Resize an origin's diff storage, or change its
 *   thresholds.
 * @ctx: Context.
 * @origin: Path of the origin block device, or its kernel name as reports
 *   give it ("vda1"), which still names an origin whose device node is
 *   gone; shorter than PATH_MAX.
 * @max_bytes: New capacity, or 0 to leave it. It may shrink, down to the
 *   bytes in use (and, for a file storage, to the file's size).
 * @pct: @nr distinct percentages of max-bytes, each 1 to 100, that replace
 *   the old thresholds; NULL if @nr is 0.
 * @nr: Number of thresholds, up to 4; 0 to leave them.
 *
 * Needs CAP_SYS_ADMIN and the feature VSS_FEATURE_FILE_STORAGE, which
 * brought VSS_CMD_STORAGE_SET.
 *
 * Return: 0 on success; -EBUSY if @max_bytes is below the bytes in use;
 * -EINVAL if there is nothing to change (@max_bytes and @nr both 0) or a
 * threshold is given twice, -ERANGE for a threshold out of range, -E2BIG
 * for more than 4, -ENOENT if @origin has no diff storage (the kernel's
 * message in libvss_ext_error()); -EOPNOTSUPP from a module without the
 * command; -EINVAL if @origin is NULL or @pct is NULL with @nr above 0,
 * -ENAMETOOLONG if @origin is too long and -E2BIG if @nr is above 100,
 * before anything is sent; -EPERM without CAP_SYS_ADMIN; another negative
 * errno value on failure.
 */
int libvss_storage_set(struct libvss_ctx *ctx, const char *origin,
		       uint64_t max_bytes, const uint32_t *pct,
		       unsigned int nr);

/**
 * libvss_storage_remove() - Remove the diff storage of an origin.
 * @ctx: Context.
 * @origin: Path of the origin block device, or its kernel name as reports
 *   give it ("vda1"), which still names an origin whose device node is
 *   gone; shorter than PATH_MAX.
 *
 * Needs CAP_SYS_ADMIN.
 *
 * Return: 0 on success; -EBUSY while @origin has snapshots; -ENOENT if it
 * has no diff storage; -ENOTBLK or -ENOENT if it is not a block device;
 * -EINVAL if it is NULL and -ENAMETOOLONG if it is too long, before
 * anything is sent; -EPERM without CAP_SYS_ADMIN; another negative errno
 * value on failure.
 */
int libvss_storage_remove(struct libvss_ctx *ctx, const char *origin);

/**
 * libvss_storage_get() - Report the diff storage of one origin.
 * @ctx: Context.
 * @origin: Path of the origin block device, or its kernel name as reports
 *   give it ("vda1"); shorter than PATH_MAX.
 * @storagep: Set to a new report on success, to NULL on failure; free it
 *   with libvss_storage_free().
 *
 * Needs CAP_SYS_ADMIN.
 *
 * Return: 0 on success; -ENOENT if @origin has no diff storage;
 * -ENOTBLK or -ENOENT if it is not a block device; -EINVAL if it is NULL
 * and -ENAMETOOLONG if it is too long, before anything is sent; -EBADMSG if
 * the reply is malformed; -EPERM without CAP_SYS_ADMIN; another negative
 * errno value on failure.
 */
int libvss_storage_get(struct libvss_ctx *ctx, const char *origin,
		       struct libvss_storage **storagep);

/**
 * libvss_storage_free() - Free a diff storage report.
 * @storage: Report from libvss_storage_get(), or NULL. Never one that
 *   libvss_storage_list_entry() returned: the list owns those.
 */
void libvss_storage_free(struct libvss_storage *storage);

/**
 * libvss_storage_list() - Report the diff storage of every origin.
 * @ctx: Context.
 * @listp: Set to a new list on success (possibly empty), to NULL on
 *   failure; free it with libvss_storage_list_free().
 *
 * One dump of the module's table. Needs CAP_SYS_ADMIN.
 *
 * Return: 0 on success; -EBADMSG if a reply is malformed; -EAGAIN if the
 * module reports the table changed while it was read (try again); -EPERM
 * without CAP_SYS_ADMIN; another negative errno value on failure.
 */
int libvss_storage_list(struct libvss_ctx *ctx,
			struct libvss_storage_list **listp);

/**
 * libvss_storage_list_free() - Free a list and every report in it.
 * @list: List from libvss_storage_list(), or NULL.
 */
void libvss_storage_list_free(struct libvss_storage_list *list);

/**
 * libvss_storage_list_count() - Number of origins in a list.
 * @list: List.
 *
 * Return: The count, 0 if no origin has diff storage.
 */
unsigned int libvss_storage_list_count(const struct libvss_storage_list *list);

/**
 * libvss_storage_list_entry() - One origin's report in a list.
 * @list: List.
 * @i: Index, from 0 to libvss_storage_list_count() - 1, in the module's
 *   order.
 *
 * Return: The report, owned by @list; NULL if @i is out of range.
 */
const struct libvss_storage *
libvss_storage_list_entry(const struct libvss_storage_list *list,
			  unsigned int i);

/**
 * libvss_storage_origin() - Origin of a diff storage.
 * @storage: Report.
 *
 * Return: The kernel name of the origin device, e.g. "vda1" (not the path
 * given to libvss_storage_add()), owned by @storage.
 */
const char *libvss_storage_origin(const struct libvss_storage *storage);

/**
 * libvss_storage_kind() - Kind of a diff storage.
 * @storage: Report.
 *
 * Return: A VSS_STORAGE_* value, possibly one this library does not know
 * (see libvss_storage_kind_name()).
 */
uint32_t libvss_storage_kind(const struct libvss_storage *storage);

/**
 * libvss_storage_max_bytes() - Capacity of a diff storage.
 * @storage: Report.
 *
 * Return: Most bytes of preserved chunks the storage may hold.
 */
uint64_t libvss_storage_max_bytes(const struct libvss_storage *storage);

/**
 * libvss_storage_used_bytes() - Use of a diff storage.
 * @storage: Report.
 *
 * Return: Bytes of preserved chunks held when the report was made.
 */
uint64_t libvss_storage_used_bytes(const struct libvss_storage *storage);

/**
 * libvss_storage_chunk_bytes() - Copy-on-write unit of the origin.
 * @storage: Report.
 *
 * Return: The chunk size in bytes, a power of two.
 */
uint32_t libvss_storage_chunk_bytes(const struct libvss_storage *storage);

/**
 * libvss_storage_path() - Directory of a file storage.
 * @storage: Report.
 *
 * Return: For VSS_STORAGE_FILE, the directory the storage file was created
 * in, as given to libvss_storage_opts_set_path(), owned by @storage; NULL
 * for other kinds.
 */
const char *libvss_storage_path(const struct libvss_storage *storage);

/**
 * libvss_storage_file_bytes() - Size of the storage file.
 * @storage: Report.
 *
 * Return: For VSS_STORAGE_FILE, the size of the storage file when the
 * report was made: it grows in steps as chunks are preserved, never past
 * max-bytes. 0 for other kinds.
 */
uint64_t libvss_storage_file_bytes(const struct libvss_storage *storage);

/**
 * libvss_storage_thresholds() - Uses of the storage that are announced.
 * @storage: Report.
 * @pct: Set to the thresholds, percentages of max-bytes in ascending order,
 *   an array owned by @storage (NULL when there are none); may be NULL when
 *   only the count is wanted.
 *
 * Return: The number of thresholds, 0 to 4; 0 also from a module older
 * than VSS_FEATURE_FILE_STORAGE, which does not report them.
 */
unsigned int libvss_storage_thresholds(const struct libvss_storage *storage,
				       const uint32_t **pct);

/**
 * libvss_storage_kind_name() - Name of a storage kind.
 * @kind: A VSS_STORAGE_* value.
 *
 * Return: The name in the YNL spec, e.g. "memory" or "file"; NULL if @kind
 * is unknown to this library.
 */
const char *libvss_storage_kind_name(uint32_t kind);

/**
 * libvss_snapshot_create() - Snapshot a set of volumes at one instant.
 * @ctx: Context.
 * @volumes: @n paths, each shorter than PATH_MAX: a mount point, whose
 *   filesystem is frozen for the switch, or a block device, taken without
 *   a freeze. Each volume's device needs diff storage
 *   (libvss_storage_add()).
 * @n: Number of volumes, 1 to 64; the kernel checks the count.
 * @flags: Mask of VSS_SNAPSHOT_F_* bits, or 0.
 * @setp: Set to a report of the new set on success, to NULL on failure;
 *   free it with libvss_snapset_free().
 *
 * Without VSS_SNAPSHOT_F_PERSISTENT the snapshots are auto-release: the
 * kernel deletes them when the netlink socket that created them closes, and
 * that socket is @ctx's. They are gone after libvss_close(@ctx) and when the
 * process exits or dies, which makes them the safe choice for a backup that
 * must not leave snapshots behind. A caller that wants the snapshots to
 * outlive @ctx or the process passes VSS_SNAPSHOT_F_PERSISTENT and deletes
 * them itself (libvss_snapshot_delete_set()).
 *
 * Only one set is created at a time system-wide. Needs CAP_SYS_ADMIN.
 *
 * Return: 0 on success; -EINVAL if the kernel rejected an argument, no
 * volume included (its message in libvss_ext_error()); -EINVAL if
 * @volumes or one of its paths is NULL and -ENAMETOOLONG if a path is too
 * long, before anything is sent; -E2BIG for more than 64 volumes; -EBUSY while another set is being
 * created; -ETIMEDOUT if the freeze lasted longer than the module allows
 * (everything is thawed and nothing created); -EBADMSG if the reply is
 * malformed, in which case the snapshots may exist (with
 * VSS_SNAPSHOT_F_PERSISTENT, find them with libvss_snapshot_list()); -EPERM
 * without CAP_SYS_ADMIN; another negative errno value on failure.
 */
int libvss_snapshot_create(struct libvss_ctx *ctx, const char *const *volumes,
			   unsigned int n, uint32_t flags,
			   struct libvss_snapset **setp);

/**
 * libvss_snapset_free() - Free the report of a new snapshot set.
 * @set: Report from libvss_snapshot_create(), or NULL. Freeing it deletes
 *   no snapshot.
 */
void libvss_snapset_free(struct libvss_snapset *set);

/**
 * libvss_snapset_id() - Id of a snapshot set.
 * @set: Report.
 *
 * Return: LIBVSS_ID_SIZE bytes owned by @set.
 */
const uint8_t *libvss_snapset_id(const struct libvss_snapset *set);

/**
 * libvss_snapset_consistency() - What the set's instant guarantees.
 * @set: Report.
 *
 * Return: A VSS_CONSISTENCY_* value (see libvss_consistency_name()).
 */
uint32_t libvss_snapset_consistency(const struct libvss_snapset *set);

/**
 * libvss_snapset_freeze_window_ns() - How long filesystems were frozen.
 * @set: Report.
 *
 * Return: Nanoseconds from the first freeze to the last thaw; 0 if nothing
 * was frozen.
 */
uint64_t libvss_snapset_freeze_window_ns(const struct libvss_snapset *set);

/**
 * libvss_snapset_count() - Number of snapshots in a set.
 * @set: Report.
 *
 * Return: The count, at least 1.
 */
unsigned int libvss_snapset_count(const struct libvss_snapset *set);

/**
 * libvss_snapset_entry_id() - Id of one snapshot of a set.
 * @set: Report.
 * @i: Index, from 0 to libvss_snapset_count() - 1, in the module's
 *   order.
 *
 * Return: LIBVSS_ID_SIZE bytes owned by @set; NULL if @i is out of range.
 */
const uint8_t *libvss_snapset_entry_id(const struct libvss_snapset *set,
				       unsigned int i);

/**
 * libvss_snapset_entry_origin() - Origin of one snapshot of a set.
 * @set: Report.
 * @i: Index, as for libvss_snapset_entry_id().
 *
 * Return: The kernel name of the origin device, e.g. "vda1", owned by @set;
 * NULL if @i is out of range.
 */
const char *libvss_snapset_entry_origin(const struct libvss_snapset *set,
					unsigned int i);

/**
 * libvss_snapset_entry_device() - Device of one snapshot of a set.
 * @set: Report.
 * @i: Index, as for libvss_snapset_entry_id().
 *
 * Return: The kernel name of the snapshot's read-only block device, e.g.
 * "vss-snap3", whose node is /dev/vss-snap3; owned by @set; NULL if @i is
 * out of range.
 */
const char *libvss_snapset_entry_device(const struct libvss_snapset *set,
					unsigned int i);

/**
 * libvss_snapshot_get() - Report one snapshot.
 * @ctx: Context.
 * @id: LIBVSS_ID_SIZE bytes: the snapshot's id.
 * @snapp: Set to a new report on success, to NULL on failure; free it with
 *   libvss_snapshot_free().
 *
 * Needs CAP_SYS_ADMIN.
 *
 * Return: 0 on success; -ENOENT if there is no snapshot with @id; -EINVAL
 * if @id is NULL; -EBADMSG if the reply is malformed; -EPERM without
 * CAP_SYS_ADMIN; another negative errno value on failure.
 */
int libvss_snapshot_get(struct libvss_ctx *ctx,
			const uint8_t id[LIBVSS_ID_SIZE],
			struct libvss_snapshot **snapp);

/**
 * libvss_snapshot_free() - Free a snapshot report.
 * @snap: Report from libvss_snapshot_get(), or NULL. Never one that
 *   libvss_snapshot_list_entry() returned: the list owns those. Freeing it
 *   deletes no snapshot.
 */
void libvss_snapshot_free(struct libvss_snapshot *snap);

/**
 * libvss_snapshot_list() - Report every snapshot.
 * @ctx: Context.
 * @listp: Set to a new list on success (possibly empty), to NULL on
 *   failure; free it with libvss_snapshot_list_free().
 *
 * One dump of the module's snapshots, oldest first. Needs CAP_SYS_ADMIN.
 *
 * Return: 0 on success; -EBADMSG if a reply is malformed; -EAGAIN if the
 * module reports the snapshots changed while they were read (try again);
 * -EPERM without CAP_SYS_ADMIN; another negative errno value on failure.
 */
int libvss_snapshot_list(struct libvss_ctx *ctx,
			 struct libvss_snapshot_list **listp);

/**
 * libvss_snapshot_list_free() - Free a list and every report in it.
 * @list: List from libvss_snapshot_list(), or NULL.
 */
void libvss_snapshot_list_free(struct libvss_snapshot_list *list);

/**
 * libvss_snapshot_list_count() - Number of snapshots in a list.
 * @list: List.
 *
 * Return: The count, 0 if there are no snapshots.
 */
unsigned int
libvss_snapshot_list_count(const struct libvss_snapshot_list *list);

/**
 * libvss_snapshot_list_entry() - One snapshot's report in a list.
 * @list: List.
 * @i: Index, from 0 to libvss_snapshot_list_count() - 1, oldest first.
 *
 * Return: The report, owned by @list; NULL if @i is out of range.
 */
const struct libvss_snapshot *
libvss_snapshot_list_entry(const struct libvss_snapshot_list *list,
			   unsigned int i);

/**
 * libvss_snapshot_id() - Id of a snapshot.
 * @snap: Report.
 *
 * Return: LIBVSS_ID_SIZE bytes owned by @snap.
 */
const uint8_t *libvss_snapshot_id(const struct libvss_snapshot *snap);

/**
 * libvss_snapshot_set_id() - Id of the set a snapshot belongs to.
 * @snap: Report.
 *
 * Return: LIBVSS_ID_SIZE bytes owned by @snap.
 */
const uint8_t *libvss_snapshot_set_id(const struct libvss_snapshot *snap);

/**
 * libvss_snapshot_flags() - Flags a snapshot was created with.
 * @snap: Report.
 *
 * Return: Mask of VSS_SNAPSHOT_F_* bits, including any this library does
 * not know.
 */
uint32_t libvss_snapshot_flags(const struct libvss_snapshot *snap);

/**
 * libvss_snapshot_origin() - Origin of a snapshot.
 * @snap: Report.
 *
 * Return: The kernel name of the origin device, e.g. "vda1", owned by
 * @snap.
 */
const char *libvss_snapshot_origin(const struct libvss_snapshot *snap);

/**
 * libvss_snapshot_device() - Block device of a snapshot.
 * @snap: Report.
 *
 * Return: The kernel name of the snapshot's read-only block device, e.g.
 * "vss-snap3", whose node is /dev/vss-snap3; owned by @snap.
 */
const char *libvss_snapshot_device(const struct libvss_snapshot *snap);

/**
 * libvss_snapshot_creation_time_ns() - When a snapshot was taken.
 * @snap: Report.
 *
 * Return: Nanoseconds since the epoch (CLOCK_REALTIME).
 */
uint64_t libvss_snapshot_creation_time_ns(const struct libvss_snapshot *snap);

/**
 * libvss_snapshot_state() - State of a snapshot.
 * @snap: Report.
 *
 * Return: A VSS_SNAPSHOT_* state, as it was when the report was made (see
 * libvss_snapshot_state_name()).
 */
uint32_t libvss_snapshot_state(const struct libvss_snapshot *snap);

/**
 * libvss_snapshot_invalid_reason() - Why a snapshot is invalid.
 * @snap: Report.
 *
 * Return: A VSS_INVALID_* value; VSS_INVALID_NONE while the snapshot is
 * active (see libvss_invalid_reason_name()).
 */
uint32_t libvss_snapshot_invalid_reason(const struct libvss_snapshot *snap);

/**
 * libvss_snapshot_consistency() - What the snapshot's set guarantees.
 * @snap: Report.
 *
 * Return: A VSS_CONSISTENCY_* value (see libvss_consistency_name()).
 */
uint32_t libvss_snapshot_consistency(const struct libvss_snapshot *snap);

/**
 * libvss_snapshot_freeze_window_ns() - How long the set's creation froze.
 * @snap: Report.
 *
 * Return: Nanoseconds from the first freeze to the last thaw of the
 * creation of the snapshot's set; 0 if nothing was frozen.
 */
uint64_t libvss_snapshot_freeze_window_ns(const struct libvss_snapshot *snap);

/**
 * libvss_snapshot_storage_used_bytes() - Diff storage a snapshot holds.
 * @snap: Report.
 *
 * Bytes of the origin's diff storage holding chunks this snapshot
 * preserved. Older snapshots of the origin read them too, so deleting this
 * one frees them only if it is the oldest.
 *
 * Return: The bytes when the report was made; 0 from a module older than
 * VSS_FEATURE_FILE_STORAGE, which does not report them.
 */
uint64_t
libvss_snapshot_storage_used_bytes(const struct libvss_snapshot *snap);

/**
 * libvss_snapshot_delete_id() - Delete one snapshot.
 * @ctx: Context.
 * @id: LIBVSS_ID_SIZE bytes: the snapshot's id.
 * @count: Set to the number of snapshots deleted (1) on success; may be
 *   NULL.
 *
 * Deleting a snapshot whose device is open or mounted is the kernel's
 * affair: see the module's documentation. Needs CAP_SYS_ADMIN.
 *
 * Return: 0 on success; -ENOENT if nothing matched; -EINVAL if @id is NULL;
 * -EBADMSG if the reply is malformed (the deletion may have happened);
 * -EPERM without CAP_SYS_ADMIN; another negative errno value on failure.
 */
int libvss_snapshot_delete_id(struct libvss_ctx *ctx,
			      const uint8_t id[LIBVSS_ID_SIZE],
			      unsigned int *count);

/**
 * libvss_snapshot_delete_set() - Delete every snapshot of a set.
 * @ctx: Context.
 * @set_id: LIBVSS_ID_SIZE bytes: the set's id.
 * @count: Set to the number of snapshots deleted on success; may be NULL.
 *
 * Return: As for libvss_snapshot_delete_id().
 */
int libvss_snapshot_delete_set(struct libvss_ctx *ctx,
			       const uint8_t set_id[LIBVSS_ID_SIZE],
			       unsigned int *count);

/**
 * libvss_snapshot_delete_oldest() - Delete the oldest snapshot of an origin.
 * @ctx: Context.
 * @origin: Path of the origin block device, e.g. "/dev/vda1", shorter than
 *   PATH_MAX.
 * @count: Set to the number of snapshots deleted (1) on success; may be
 *   NULL.
 *
 * Return: As for libvss_snapshot_delete_id(); also -ENOTBLK or -ENOENT if
 * @origin is not a block device, -EINVAL if it is NULL and -ENAMETOOLONG if
 * it is too long.
 */
int libvss_snapshot_delete_oldest(struct libvss_ctx *ctx, const char *origin,
				  unsigned int *count);

/**
 * libvss_snapshot_delete_all() - Delete every snapshot.
 * @ctx: Context.
 * @count: Set to the number of snapshots deleted on success; may be NULL.
 *
 * Deletes every user's snapshots, persistent or not.
 *
 * Return: As for libvss_snapshot_delete_id(); -ENOENT if there were none.
 */
int libvss_snapshot_delete_all(struct libvss_ctx *ctx, unsigned int *count);

/**
 * libvss_snapshot_state_name() - Name of a snapshot state.
 * @state: A VSS_SNAPSHOT_* state.
 *
 * Return: The name in the YNL spec, e.g. "active"; NULL if @state is
 * unknown to this library.
 */
const char *libvss_snapshot_state_name(uint32_t state);

/**
 * libvss_invalid_reason_name() - Name of a reason for invalidity.
 * @reason: A VSS_INVALID_* value.
 *
 * Return: The name in the YNL spec, e.g. "overflow" or "origin-gone"; NULL
 * if @reason is unknown to this library.
 */
const char *libvss_invalid_reason_name(uint32_t reason);

/**
 * libvss_consistency_name() - Name of a consistency level.
 * @consistency: A VSS_CONSISTENCY_* value.
 *
 * Return: The name in the YNL spec, e.g. "frozen"; NULL if @consistency is
 * unknown to this library.
 */
const char *libvss_consistency_name(uint32_t consistency);

#ifdef __cplusplus
}
#endif

#endif /* LIBVSS_H */
