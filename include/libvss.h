/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * libvss: userspace interface to the vss (volume shadow copy) kernel module.
 *
 * Conventions, as in liburing: every function that can fail returns 0 or a
 * negative errno value and never relies on errno. Handles are opaque. A
 * context is not thread-safe; use one per thread or serialise calls.
 *
 * Protocol constants (VSS_FEATURE_*, VSS_CMD_*, ...) come from the uapi
 * header, included here as <libvss/linux/vss.h>: installed under the
 * library's own directory, as <liburing/io_uring.h> is, since
 * <linux/vss.h> would be in linux-libc-dev's (in the source tree it is a
 * link to include/uapi/linux/vss.h, the one definition).
 */
#ifndef LIBVSS_H
#define LIBVSS_H

#include <stddef.h>
#include <stdint.h>
#include <libvss/linux/vss.h>
#include <libvss_version.h>

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
struct libvss_changes;		/* an iterator over changed extents */
struct libvss_tracker;		/* the change tracker of one origin */
struct libvss_tracker_list;
struct libvss_tracker_image;	/* a tracker saved across a reload or a reboot */

/* Bytes of a snapshot or snapshot-set id (VSS_A_SNAPSHOT_ID, _SET_ID). */
#define LIBVSS_ID_SIZE		16
/* Bytes of its text form, "xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx", and NUL. */
#define LIBVSS_ID_STRING_SIZE	37
/*
 * Bytes of a changed-block tracking token's text form and its NUL: what
 * libvss_snapshot_token() writes. A later token format may be longer; a
 * buffer of this size then gets -ENOSPC, never a cut token.
 */
#define LIBVSS_TOKEN_STRING_SIZE	126

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
 * struct libvss_open_opts - Options of libvss_open_opts().
 * @sz: sizeof(struct libvss_open_opts) as the caller was built: a newer
 *   library reads only what an older caller has, and an older library
 *   refuses (-E2BIG) a newer caller's options that are not zero.
 * @rcvbuf_bytes: The socket's receive buffer. Notifications that arrive
 *   while the caller is not reading wait there; what does not fit is lost
 *   (libvss_lost()). 0: 1 MiB. Above net.core.rmem_max only with
 *   CAP_NET_ADMIN (SO_RCVBUFFORCE); the kernel doubles it and has a
 *   minimum of a few KiB.
 */
struct libvss_open_opts {
	size_t sz;
	uint32_t rcvbuf_bytes;
};

/**
 * libvss_open_opts() - libvss_open() with options.
 * @ctxp: Set to the new context on success, to NULL on failure.
 * @opts: Options, or NULL for the defaults.
 *
 * Return: As libvss_open(); -EINVAL if @opts->sz is too small to hold its
 * first field, -E2BIG if it has options this library does not know.
 */
int libvss_open_opts(struct libvss_ctx **ctxp, const struct libvss_open_opts *opts);

/**
 * libvss_close() - Close a context and free it.
 * @ctx: Context from libvss_open(), or NULL.
 *
 * Closing the socket releases its sessions and unregisters its writers in
 * the module. Backups, writers and operations made on @ctx stay valid but
 * inert (their calls fail with -ENOTCONN, pending operations end
 * cancelled): free them as usual.
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

/*
 * ---- The VSS coordination protocol (0.4) ----
 *
 * Needs the feature VSS_FEATURE_SESSIONS. Documentation/libvss.md has a
 * requester guide and a writer guide; Documentation/protocol.md the events,
 * their order and the rules.
 */

struct libvss_async;		/* a session operation under way (IVssAsync) */
struct libvss_backup;		/* a backup or restore (IVssBackupComponents) */
struct libvss_writer;		/* a writer of this process (CVssWriter) */
struct libvss_event;		/* an event a writer is handling */
struct libvss_writer_info;	/* a writer's registration and status */
struct libvss_writer_list;
struct libvss_session;		/* a session, as the module reports it */
struct libvss_session_list;

/**
 * libvss_ext_status() - VSS status of the last failed call.
 * @ctx: Context the call was made on.
 *
 * The module gives a refused request a VSS status next to its errno (enum
 * vss_status, carried in the extended ack's cookie), e.g. -EBADFD with
 * VSS_STATUS_BAD_STATE: the status tells apart what one errno covers
 * (-EREMOTEIO: which writer failure). Cleared like libvss_ext_error(). For
 * an asynchronous operation see libvss_async_vss_status().
 *
 * Return: An enum vss_status value; -ENODATA if the last call did not fail
 * or its refusal carried no status (the netlink core's own policy checks).
 */
int libvss_ext_status(const struct libvss_ctx *ctx);

/**
 * libvss_fd() - A file descriptor to wait on for notifications.
 * @ctx: Context.
 *
 * Readable (POLLIN) whenever libvss_process() has something to do: a
 * completion of a session operation or a writer event, whether still in the
 * socket or already read by a blocking call on @ctx. Put it in a poll(),
 * epoll or io_uring loop (see <libvss-uring.h>) and call libvss_process()
 * when it is readable. Owned by @ctx: do not read or close it.
 *
 * Return: The fd; a negative errno value if it cannot be made.
 */
int libvss_fd(struct libvss_ctx *ctx);

/**
 * libvss_process() - Handle what has arrived, without blocking.
 * @ctx: Context.
 *
 * Reads every notification that is there and dispatches it: a completion
 * finishes its struct libvss_async (and updates its backup's writer status
 * and snapshot set), a writer event calls the writer's callback and sends
 * its answer. Writer callbacks run here, in the caller's thread, and must
 * not call libvss_process() or libvss_async_wait() on @ctx.
 *
 * A notification lost on the way (the socket's receive buffer overflowed,
 * no memory to keep one, a malformed one) is not an error of this call:
 * what followed it is intact and was dispatched, and libvss_lost() counts
 * the losses. An operation whose completion was lost stays pending, and
 * libvss_session_get() has its result; a writer event that was lost is
 * one the writer did not answer, which the module records as a timeout
 * for that session alone.
 *
 * Return: The number of notifications handled (0 if none); -EBUSY when
 * called from a callback; another negative errno value when the context
 * cannot go on (the socket failed).
 */
int libvss_process(struct libvss_ctx *ctx);

/**
 * struct libvss_losses - Notifications lost, by cause.
 * @overruns: Times the socket's receive buffer overflowed (each lost one
 *   or more notifications; a larger buffer: libvss_open_opts()).
 * @dropped: Notifications read but dropped: no memory to keep them.
 * @malformed: Notifications read but dropped: malformed.
 */
struct libvss_losses {
	uint64_t overruns;
	uint64_t dropped;
	uint64_t malformed;
};

/**
 * libvss_lost() - What libvss_process() lost since the last call.
 * @ctx: Context.
 * @losses: Filled with the counts, or NULL. They start again from 0.
 *
 * Return: The sum of the counts: 0 if nothing was lost.
 */
uint64_t libvss_lost(struct libvss_ctx *ctx, struct libvss_losses *losses);

/**
 * enum libvss_async_state - Where an asynchronous operation is.
 * @LIBVSS_ASYNC_PENDING: Running (VSS_S_ASYNC_PENDING).
 * @LIBVSS_ASYNC_FINISHED: Ended, successfully or not (VSS_S_ASYNC_FINISHED).
 * @LIBVSS_ASYNC_CANCELLED: Ended by a cancel, an abort or the release of its
 *   session (VSS_S_ASYNC_CANCELLED).
 */
enum libvss_async_state {
	LIBVSS_ASYNC_PENDING,
	LIBVSS_ASYNC_FINISHED,
	LIBVSS_ASYNC_CANCELLED,
};

/**
 * libvss_async_wait() - Wait for an operation to end.
 * @a: Operation.
 * @timeout_ms: Longest wait in milliseconds; -1 for no limit.
 *
 * Calls libvss_process() and polls libvss_fd() until @a has ended, so any
 * writer callbacks of the same context run meanwhile. Not from a callback.
 *
 * Return: 0 once @a has ended (libvss_async_status() says how);
 * -ETIMEDOUT if it still runs after @timeout_ms; another negative errno
 * value if reading failed.
 */
int libvss_async_wait(struct libvss_async *a, int timeout_ms);

/**
 * libvss_async_status() - How an operation stands (IVssAsync::QueryStatus).
 * @a: Operation.
 * @result: If not NULL, set to 0 or the negative errno the operation ended
 *   with (-EREMOTEIO: a selected writer failed with VSS_SESSION_F_STRICT;
 *   -ECANCELED when cancelled), 0 while it runs.
 *
 * Does not read anything: libvss_process() or libvss_async_wait() make
 * progress.
 *
 * Return: An enum libvss_async_state.
 */
int libvss_async_status(const struct libvss_async *a, int *result);

/**
 * libvss_async_vss_status() - VSS status an operation ended with.
 * @a: Operation.
 *
 * Return: An enum vss_status (VSS_STATUS_SUCCESS, VSS_STATUS_CANCELLED,
 * VSS_STATUS_WRITER_RETRYABLE, ...); -EINPROGRESS while it runs.
 */
int libvss_async_vss_status(const struct libvss_async *a);

/**
 * libvss_async_message() - The module's explanation of a failed operation.
 * @a: Operation.
 *
 * Return: A string owned by @a, or NULL if the operation runs or gave none.
 */
const char *libvss_async_message(const struct libvss_async *a);

/**
 * libvss_async_cancel() - Cancel an operation (IVssAsync::Cancel).
 * @a: Operation.
 *
 * Aborts the session (libvss_backup_abort()): the module stops the
 * operation at its next step, writers between PrepareForBackup and
 * PostSnapshot get Abort, a half-made snapshot set is deleted, and the
 * operation ends with -ECANCELED (LIBVSS_ASYNC_CANCELLED). An operation that
 * ended in the kernel before the abort arrived still ends as it did, and
 * the session is aborted all the same. Wait for @a to see the outcome.
 *
 * Return: 0 if the abort was sent; -EALREADY if @a has already ended (or
 * its backup was freed); the errors of libvss_backup_abort().
 */
int libvss_async_cancel(struct libvss_async *a);

/**
 * libvss_async_free() - Free an operation.
 * @a: Operation, or NULL.
 *
 * Freeing one that runs does not stop it: its completion is then ignored,
 * though its backup's status is still updated.
 */
void libvss_async_free(struct libvss_async *a);

/* ---- Requester ---- */

/**
 * libvss_backup_new() - Start a backup (InitializeForBackup).
 * @ctx: Context; the session belongs to its socket, and ends when it closes.
 * @bp: Set to the new backup on success, to NULL on failure.
 *
 * Creates a backup session in the module. Set its state with
 * libvss_backup_set_type(), libvss_backup_select_writer() and
 * libvss_backup_set_document() before libvss_backup_prepare(). Needs
 * CAP_SYS_ADMIN.
 *
 * Return: 0 on success; -ENOSPC if VSS_SESSIONS_MAX sessions exist; -EPERM
 * without CAP_SYS_ADMIN; -EOPNOTSUPP from a module without sessions;
 * another negative errno value on failure.
 */
int libvss_backup_new(struct libvss_ctx *ctx, struct libvss_backup **bp);

/**
 * libvss_restore_new() - Start a restore (InitializeForRestore).
 * @ctx: Context.
 * @document: The backup components document saved by the backup, at most
 *   VSS_DOCUMENT_MAX bytes with its NUL; writers get it with PreRestore.
 * @bp: Set to the new restore session, to NULL on failure.
 *
 * Return: 0 on success; -EINVAL if @document is NULL, -E2BIG if it is too
 * long; otherwise as libvss_backup_new().
 */
int libvss_restore_new(struct libvss_ctx *ctx, const char *document,
		       struct libvss_backup **bp);

/**
 * libvss_backup_free() - Release a session and free it (Release).
 * @b: Backup or restore, or NULL.
 *
 * The module cancels what runs, deletes the set's snapshots unless they
 * were made persistent, and sends BackupShutdown to every writer that took
 * part. Operations of @b still pending end as LIBVSS_ASYNC_CANCELLED; free
 * them as usual.
 */
void libvss_backup_free(struct libvss_backup *b);

/**
 * libvss_backup_id() - The module's id of the session.
 * @b: Backup.
 *
 * Return: The session id, as SESSION_GET and writer events name it.
 */
uint32_t libvss_backup_id(const struct libvss_backup *b);

/**
 * libvss_backup_set_type() - Kind of backup (SetBackupState).
 * @b: Backup.
 * @backup_type: A VSS_BACKUP_TYPE_* value; VSS_BACKUP_TYPE_FULL by default.
 *
 * Sent with libvss_backup_prepare(); writers get it with every event after.
 *
 * Return: 0; -ERANGE if @backup_type is not a known type.
 */
int libvss_backup_set_type(struct libvss_backup *b, uint32_t backup_type);

/**
 * libvss_backup_select_writer() - Select a writer's components.
 * @b: Backup.
 * @writer_id: A writer id, as libvss_writer_info_id() reports it.
 *
 * Without any selection every writer is selected. Only selected writers'
 * failures fail a strict DoSnapshotSet (VSS_SESSION_F_STRICT).
 *
 * Return: 0; -ENOMEM.
 */
int libvss_backup_select_writer(struct libvss_backup *b, uint32_t writer_id);

/**
 * libvss_backup_set_document() - The backup components document.
 * @b: Backup.
 * @document: Opaque to the library and the module, at most
 *   VSS_DOCUMENT_MAX bytes with its NUL; copied. NULL removes it.
 *
 * Sent with libvss_backup_prepare() and libvss_backup_complete() (set it
 * again in between to carry the components' backup-succeeded flags), and
 * with libvss_restore_pre() and libvss_restore_post().
 *
 * Return: 0; -E2BIG if @document is too long; -ENOMEM.
 */
int libvss_backup_set_document(struct libvss_backup *b, const char *document);

/**
 * libvss_backup_gather_metadata() - Identify every writer
 *   (GatherWriterMetadata).
 * @b: Backup or restore.
 * @ap: Set to the operation on success, to NULL on failure.
 *
 * Every writer registered now takes part in the session. Once it has
 * finished, libvss_backup_writer() lists them and
 * libvss_backup_writer_metadata() has each one's document.
 *
 * Return: 0 if the module accepted it; -EBADFD with VSS_STATUS_BAD_STATE
 * if out of sequence (libvss_ext_status()); another negative errno value.
 */
int libvss_backup_gather_metadata(struct libvss_backup *b,
				  struct libvss_async **ap);

/**
 * libvss_backup_prepare() - PrepareForBackup.
 * @b: Backup.
 * @ap: Set to the operation on success, to NULL on failure.
 *
 * Sends the backup type, the document and the selected writers.
 *
 * Return: As libvss_backup_gather_metadata().
 */
int libvss_backup_prepare(struct libvss_backup *b, struct libvss_async **ap);

/**
 * libvss_backup_start_snapshot_set() - Begin the list of volumes
 *   (StartSnapshotSet).
 * @b: Backup.
 *
 * Empties the list libvss_backup_add_volume() fills. The module assigns
 * the set id when DoSnapshotSet starts (see libvss_backup_snapset()).
 *
 * Return: 0.
 */
int libvss_backup_start_snapshot_set(struct libvss_backup *b);

/**
 * libvss_backup_add_volume() - Add a volume to the set (AddToSnapshotSet).
 * @b: Backup.
 * @volume: A mount point or block device path, shorter than PATH_MAX;
 *   copied. It needs diff storage (libvss_storage_add()).
 *
 * Return: 0; -E2BIG beyond 64 volumes; -EINVAL if @volume is NULL,
 * -ENAMETOOLONG if too long; -ENOMEM.
 */
int libvss_backup_add_volume(struct libvss_backup *b, const char *volume);

/**
 * libvss_backup_do_snapshot_set() - Take the set (DoSnapshotSet).
 * @b: Backup.
 * @flags: Mask of VSS_SESSION_F_PERSISTENT (the snapshots outlive the
 *   session), VSS_SESSION_F_STRICT (fail if a selected writer failed),
 *   VSS_SESSION_F_WAIT (wait for another set being made instead of -EBUSY).
 * @ap: Set to the operation on success, to NULL on failure.
 *
 * PrepareForSnapshot, Freeze by level, the snapshots, Thaw, PostSnapshot.
 * Once finished successfully, libvss_backup_snapset() has the set.
 *
 * Return: 0 if accepted; -EINVAL if no volume was added; -EBUSY (status
 * VSS_STATUS_SNAPSHOT_SET_IN_PROGRESS) if another set is being made;
 * -ENOENT if a volume does not exist; otherwise as
 * libvss_backup_gather_metadata(). The operation itself may end with
 * -EREMOTEIO (strict: a writer failed), -ETIMEDOUT (the freeze window
 * outlived the module's watchdog), the engine's errno, or -ECANCELED.
 */
int libvss_backup_do_snapshot_set(struct libvss_backup *b, uint32_t flags,
				  struct libvss_async **ap);

/**
 * libvss_backup_complete() - BackupComplete.
 * @b: Backup, after a successful DoSnapshotSet.
 * @ap: Set to the operation on success, to NULL on failure.
 *
 * Return: As libvss_backup_gather_metadata().
 */
int libvss_backup_complete(struct libvss_backup *b, struct libvss_async **ap);

/**
 * libvss_restore_pre() - PreRestore.
 * @b: Restore session, after libvss_backup_gather_metadata().
 * @ap: Set to the operation on success, to NULL on failure.
 *
 * Return: As libvss_backup_gather_metadata().
 */
int libvss_restore_pre(struct libvss_backup *b, struct libvss_async **ap);

/**
 * libvss_restore_post() - PostRestore.
 * @b: Restore session, after libvss_restore_pre().
 * @ap: Set to the operation on success, to NULL on failure.
 *
 * Return: As libvss_backup_gather_metadata().
 */
int libvss_restore_post(struct libvss_backup *b, struct libvss_async **ap);

/**
 * libvss_backup_abort() - AbortBackup.
 * @b: Backup.
 *
 * Cancels a running operation; writers between PrepareForBackup and
 * PostSnapshot get Abort. After a successful DoSnapshotSet it only marks
 * the session aborted: the snapshots stay until the session is freed or
 * libvss_backup_delete_snapshots().
 *
 * Return: 0; -EBADFD once released; another negative errno value.
 */
int libvss_backup_abort(struct libvss_backup *b);

/**
 * libvss_backup_delete_snapshots() - Delete the session's set now
 *   (DeleteSnapshots).
 * @b: Backup.
 * @count: If not NULL, set to the number of snapshots deleted.
 *
 * Return: 0; -ENOENT (VSS_STATUS_OBJECT_NOT_FOUND) if it has none.
 */
int libvss_backup_delete_snapshots(struct libvss_backup *b,
				   unsigned int *count);

/**
 * libvss_backup_state() - Session state after the last finished operation.
 * @b: Backup.
 *
 * Return: An enum vss_session_state.
 */
uint32_t libvss_backup_state(const struct libvss_backup *b);

/**
 * libvss_backup_snapset() - The set DoSnapshotSet made.
 * @b: Backup.
 *
 * Id, consistency, freeze window and each snapshot's id, origin and device,
 * read with the libvss_snapset_*() getters.
 *
 * Return: The set, owned by @b; NULL before a successful DoSnapshotSet.
 */
const struct libvss_snapset *libvss_backup_snapset(const struct libvss_backup *b);

/**
 * libvss_backup_writer_count() - Writers taking part (GatherWriterStatus).
 * @b: Backup.
 *
 * The status is the one the last finished operation reported.
 *
 * Return: Their number; 0 before an operation finished.
 */
unsigned int libvss_backup_writer_count(const struct libvss_backup *b);

/**
 * libvss_backup_writer() - One writer's status in the session.
 * @b: Backup.
 * @i: Index, from 0 to libvss_backup_writer_count() - 1.
 *
 * Read with the libvss_writer_info_*() getters: id, name, level, state,
 * failure, errno, message, selected.
 *
 * Return: The status, owned by @b until its next operation finishes; NULL
 * if @i is out of range.
 */
const struct libvss_writer_info *
libvss_backup_writer(const struct libvss_backup *b, unsigned int i);

/**
 * libvss_backup_writer_metadata() - A writer's metadata document
 *   (GetWriterMetadata).
 * @b: Backup, after libvss_backup_gather_metadata() finished.
 * @writer_id: The writer's id.
 * @docp: Set to the document, owned by @b until it is freed; NULL if the
 *   writer sent none. Each call asks the module again; documents returned
 *   earlier stay valid (later operations and reads do not free them).
 *
 * Return: 0; -ENOENT if the writer takes no part in the session.
 */
int libvss_backup_writer_metadata(struct libvss_backup *b, uint32_t writer_id,
				  const char **docp);

/**
 * libvss_backup_writer_restore_status() - A writer's restore status
 *   document, from its answer to PreRestore or PostRestore.
 * @b: Restore session.
 * @writer_id: The writer's id.
 * @docp: Set as for libvss_backup_writer_metadata().
 *
 * Return: As libvss_backup_writer_metadata().
 */
int libvss_backup_writer_restore_status(struct libvss_backup *b,
					uint32_t writer_id, const char **docp);

/* ---- Writers and sessions, as the module lists them ---- */

/**
 * libvss_writer_list() - Every registered writer (as `vssadmin list
 *   writers`).
 * @ctx: Context.
 * @listp: Set to a new list; free it with libvss_writer_list_free().
 *
 * Each entry has the writer's registration, and its state and last failure
 * in the last session it took part in (libvss_writer_info_session_id()).
 *
 * Return: 0; -EPERM without CAP_SYS_ADMIN; another negative errno value.
 */
int libvss_writer_list(struct libvss_ctx *ctx,
		       struct libvss_writer_list **listp);
/**
 * libvss_writer_list_free() - Free a writer list.
 * @list: List, or NULL.
 */
void libvss_writer_list_free(struct libvss_writer_list *list);
/**
 * libvss_writer_list_count() - Number of writers in a list.
 * @list: List.
 *
 * Return: The number of entries.
 */
unsigned int libvss_writer_list_count(const struct libvss_writer_list *list);
/**
 * libvss_writer_list_entry() - One writer of a list.
 * @list: List.
 * @i: Index.
 *
 * Return: The writer, owned by @list; NULL if @i is out of range.
 */
const struct libvss_writer_info *
libvss_writer_list_entry(const struct libvss_writer_list *list, unsigned int i);

/**
 * libvss_writer_get() - One registered writer, by id.
 * @ctx: Context.
 * @id: The writer's id: libvss_writer_id() in its own process,
 *   libvss_writer_info_id() of a list, a session or a backup.
 * @wip: Set to a new copy; free it with libvss_writer_info_free().
 *
 * The writer as libvss_writer_list() gives it (its registration, and its
 * state and last failure in the last session it took part in), asked of
 * the module alone: one request, not a dump of every writer.
 *
 * Return: 0; -ENOENT if no writer has this id (it unregistered, or its
 * process exited), with the kernel's message; -EPERM without
 * CAP_SYS_ADMIN; -EBADMSG if the reply is malformed or another writer's;
 * another negative errno value.
 */
int libvss_writer_get(struct libvss_ctx *ctx, uint32_t id,
		      struct libvss_writer_info **wip);
/**
 * libvss_writer_info_free() - Free a writer from libvss_writer_get().
 * @wi: Writer, or NULL. Never one a list, a session or a backup owns.
 */
void libvss_writer_info_free(struct libvss_writer_info *wi);

/*
 * Getters of a writer's registration and status. The status (state,
 * failure, errno, message) is the writer's in one session: the session's
 * when it comes from a backup or libvss_session_get(), the last session's
 * when it comes from libvss_writer_list() or libvss_writer_get(). What a
 * source does not carry reads as 0 or "" (usage, source, freeze timeout
 * and port id come with those two only, selected with sessions only).
 */
uint32_t libvss_writer_info_id(const struct libvss_writer_info *wi);
const uint8_t *libvss_writer_info_class_id(const struct libvss_writer_info *wi);
const uint8_t *libvss_writer_info_instance_id(const struct libvss_writer_info *wi);
const char *libvss_writer_info_name(const struct libvss_writer_info *wi);
/* "" if it has none. */
const char *libvss_writer_info_instance_name(const struct libvss_writer_info *wi);
uint32_t libvss_writer_info_level(const struct libvss_writer_info *wi);
uint32_t libvss_writer_info_usage_type(const struct libvss_writer_info *wi);
uint32_t libvss_writer_info_source_type(const struct libvss_writer_info *wi);
uint32_t libvss_writer_info_freeze_timeout_ms(const struct libvss_writer_info *wi);
uint32_t libvss_writer_info_portid(const struct libvss_writer_info *wi);
/* enum vss_writer_state, enum vss_writer_failure, the writer's errno. */
uint32_t libvss_writer_info_state(const struct libvss_writer_info *wi);
uint32_t libvss_writer_info_failure(const struct libvss_writer_info *wi);
uint32_t libvss_writer_info_error(const struct libvss_writer_info *wi);
/* The failure's message, "" if none. */
const char *libvss_writer_info_message(const struct libvss_writer_info *wi);
/* The session of that status; 0 if the writer took part in none yet. */
uint32_t libvss_writer_info_session_id(const struct libvss_writer_info *wi);
/* 1 if its components are selected in that session, else 0. */
int libvss_writer_info_selected(const struct libvss_writer_info *wi);

/**
 * libvss_session_list() - Every session that exists (SESSION_GET dump).
 * @ctx: Context.
 * @listp: Set to a new list; free it with libvss_session_list_free().
 *
 * The entries carry no writers: libvss_session_get() has them.
 *
 * Return: 0; -EPERM without CAP_SYS_ADMIN; another negative errno value.
 */
int libvss_session_list(struct libvss_ctx *ctx,
			struct libvss_session_list **listp);
/**
 * libvss_session_list_free() - Free a session list.
 * @list: List, or NULL.
 */
void libvss_session_list_free(struct libvss_session_list *list);
/**
 * libvss_session_list_count() - Number of sessions in a list.
 * @list: List.
 *
 * Return: The number of entries.
 */
unsigned int libvss_session_list_count(const struct libvss_session_list *list);
/**
 * libvss_session_list_entry() - One session of a list.
 * @list: List.
 * @i: Index.
 *
 * Return: Entry @i, owned by @list; NULL past the end.
 */
const struct libvss_session *
libvss_session_list_entry(const struct libvss_session_list *list,
			  unsigned int i);

/**
 * libvss_session_get() - One session with every writer's status in it.
 * @ctx: Context.
 * @id: Session id.
 * @sp: Set to a new report; free it with libvss_session_free().
 *
 * Return: 0; -ENOENT if there is no such session, -EBADFD if it was
 * released; another negative errno value.
 */
int libvss_session_get(struct libvss_ctx *ctx, uint32_t id,
		       struct libvss_session **sp);
/**
 * libvss_session_free() - Free a session report.
 * @s: Report, or NULL.
 */
void libvss_session_free(struct libvss_session *s);

uint32_t libvss_session_id(const struct libvss_session *s);
/* Port id of the requester's socket. */
uint32_t libvss_session_owner(const struct libvss_session *s);
/* enum vss_session_type, enum vss_session_state, enum vss_session_op. */
uint32_t libvss_session_type(const struct libvss_session *s);
uint32_t libvss_session_state(const struct libvss_session *s);
uint32_t libvss_session_op(const struct libvss_session *s);
/* The last operation's positive errno (0: none) and enum vss_status. */
uint32_t libvss_session_error(const struct libvss_session *s);
uint32_t libvss_session_status(const struct libvss_session *s);
uint32_t libvss_session_backup_type(const struct libvss_session *s);
/* The set id; NULL if no set was started. */
const uint8_t *libvss_session_set_id(const struct libvss_session *s);
unsigned int libvss_session_writer_count(const struct libvss_session *s);
const struct libvss_writer_info *
libvss_session_writer(const struct libvss_session *s, unsigned int i);

/* ---- Writer ---- */

/*
 * A writer callback. It returns VSS_WRITER_FAILURE_NONE (0) for success or
 * another enum vss_writer_failure value (a veto), optionally with an errno
 * and message set by libvss_writer_set_failure(). @ev and its strings are
 * valid during the call only. The return value of on_abort and
 * on_backup_shutdown is ignored: those events take no answer.
 */
typedef uint32_t (*libvss_writer_cb)(struct libvss_writer *w,
				     const struct libvss_event *ev,
				     void *data);

/*
 * CVssWriter's On* methods; NULL answers success (on_identify: with the
 * document of libvss_writer_set_metadata()). Copied by libvss_writer_new().
 * A callback added later is a setter in a later node of the version
 * script, never a member here.
 */
struct libvss_writer_ops {
	libvss_writer_cb on_identify;
	libvss_writer_cb on_prepare_backup;
	libvss_writer_cb on_prepare_snapshot;
	libvss_writer_cb on_freeze;
	libvss_writer_cb on_thaw;
	libvss_writer_cb on_post_snapshot;
	libvss_writer_cb on_abort;
	libvss_writer_cb on_backup_complete;
	libvss_writer_cb on_backup_shutdown;
	libvss_writer_cb on_pre_restore;
	libvss_writer_cb on_post_restore;
};

/**
 * libvss_writer_new() - A writer (CVssWriter::Initialize).
 * @ctx: Context whose socket the writer is bound to: its events arrive
 *   there and are dispatched by libvss_process() on it.
 * @ops: Callbacks; copied.
 * @data: Passed to every callback.
 * @wp: Set to the writer, to NULL on failure.
 *
 * Configure it with the libvss_writer_set_*() calls, then
 * libvss_writer_register().
 *
 * Return: 0; -EINVAL if @ops is NULL; -ENOMEM.
 */
int libvss_writer_new(struct libvss_ctx *ctx,
		      const struct libvss_writer_ops *ops, void *data,
		      struct libvss_writer **wp);

/**
 * libvss_writer_free() - Unregister a writer if registered, and free it.
 * @w: Writer, or NULL.
 */
void libvss_writer_free(struct libvss_writer *w);

/*
 * Optional settings, before libvss_writer_register() (-EBUSY after):
 * instance name (shorter than VSS_WRITER_NAME_MAX), usage type
 * (VSS_USAGE_*), source type (VSS_SOURCE_*), freeze timeout (1 to 3600000
 * ms; the module's default is 60 s). The kernel judges the values. Each
 * returns 0, -EBUSY, or -ENAMETOOLONG / -ENOMEM for the name.
 */
int libvss_writer_set_instance_name(struct libvss_writer *w, const char *name);
int libvss_writer_set_usage_type(struct libvss_writer *w, uint32_t usage_type);
int libvss_writer_set_source_type(struct libvss_writer *w, uint32_t source_type);
int libvss_writer_set_freeze_timeout_ms(struct libvss_writer *w, uint32_t ms);

/**
 * libvss_writer_set_metadata() - The writer metadata document.
 * @w: Writer.
 * @document: Answer to Identify, at most VSS_DOCUMENT_MAX bytes with its
 *   NUL; copied. May be set at any time, also in on_identify.
 *
 * Return: 0; -E2BIG if too long; -ENOMEM.
 */
int libvss_writer_set_metadata(struct libvss_writer *w, const char *document);

/**
 * libvss_writer_register() - Register the writer (Subscribe).
 * @w: Writer.
 * @class_id: LIBVSS_ID_SIZE bytes: what application it is.
 * @instance_id: LIBVSS_ID_SIZE bytes; the pair is unique system-wide.
 * @name: Its name, e.g. "PostgreSQL Writer"; shorter than
 *   VSS_WRITER_NAME_MAX.
 * @level: VSS_WRITER_LEVEL_FRONT_END, _BACK_END or _SYSTEM: the order of
 *   Freeze (front-end first) and Thaw (the reverse).
 *
 * Return: 0; -EEXIST (VSS_STATUS_WRITER_ALREADY_SUBSCRIBED) if the ids are
 * taken; -EALREADY if @w is registered; -EINVAL if @name is empty or an
 * argument is NULL, -ENAMETOOLONG if @name is too long; -ERANGE for a bad
 * level (the kernel's); -EPERM without CAP_SYS_ADMIN; another negative
 * errno value.
 */
int libvss_writer_register(struct libvss_writer *w,
			   const uint8_t class_id[LIBVSS_ID_SIZE],
			   const uint8_t instance_id[LIBVSS_ID_SIZE],
			   const char *name, uint32_t level);

/**
 * libvss_writer_unregister() - Unregister the writer (Unsubscribe).
 * @w: Writer.
 *
 * A session waiting on it records it as not responding.
 *
 * Return: 0; -ENOENT if it is not registered.
 */
int libvss_writer_unregister(struct libvss_writer *w);

/**
 * libvss_writer_id() - The module's id of a registered writer.
 * @w: Writer.
 *
 * Return: The id; 0 while not registered.
 */
uint32_t libvss_writer_id(const struct libvss_writer *w);

/**
 * libvss_writer_set_failure() - Errno and message of the failure the running
 *   callback returns (SetWriterFailure).
 * @w: Writer.
 * @error: The writer's errno, 1 to 4095, or 0 for none.
 * @message: Shorter than VSS_MESSAGE_MAX (longer is cut), or NULL; copied.
 *
 * Sent only if the callback returns a failure.
 *
 * Return: 0; -EBADFD outside a callback; -ERANGE if @error is out of range.
 */
int libvss_writer_set_failure(struct libvss_writer *w, int error,
			      const char *message);

/**
 * libvss_writer_set_restore_status() - The restore status document that
 *   answers the running PreRestore or PostRestore.
 * @w: Writer.
 * @document: At most VSS_DOCUMENT_MAX bytes with its NUL; copied.
 *
 * Return: 0; -EBADFD outside on_pre_restore and on_post_restore; -E2BIG if
 * too long; -ENOMEM.
 */
int libvss_writer_set_restore_status(struct libvss_writer *w,
				     const char *document);

/**
 * libvss_writer_current_set_id() - The snapshot set being made
 *   (GetCurrentSnapshotSetId).
 * @w: Writer.
 * @id: Set to LIBVSS_ID_SIZE bytes on success.
 *
 * Valid from PrepareForSnapshot through PostSnapshot of a session: inside
 * the callbacks of that session's events, and outside callbacks while
 * exactly one session is between the two.
 *
 * Return: 0; -EBADFD otherwise.
 */
int libvss_writer_current_set_id(const struct libvss_writer *w,
				 uint8_t id[LIBVSS_ID_SIZE]);

/* Getters of the event a callback handles. */
/* enum vss_event. */
uint32_t libvss_event_type(const struct libvss_event *ev);
uint32_t libvss_event_session_id(const struct libvss_event *ev);
/* enum vss_backup_type; VSS_BACKUP_TYPE_UNDEFINED before PrepareForBackup. */
uint32_t libvss_event_backup_type(const struct libvss_event *ev);
/* The set id, or NULL if the event carries none (see protocol.md). */
const uint8_t *libvss_event_set_id(const struct libvss_event *ev);
/* Volumes of the set (PrepareForSnapshot to PostSnapshot), in order. */
unsigned int libvss_event_volume_count(const struct libvss_event *ev);
const char *libvss_event_volume(const struct libvss_event *ev, unsigned int i);
/* The backup components document, or NULL if the event carries none. */
const char *libvss_event_document(const struct libvss_event *ev);

/*
 * Names of protocol values, as in the YNL spec ("freeze", "stable",
 * "retryable", "front-end", "snapshot-done", "writer-retryable", "full",
 * "do-snapshot-set", "backup"); NULL for a value this library does not
 * know.
 */
const char *libvss_event_name(uint32_t event);
const char *libvss_writer_state_name(uint32_t state);
const char *libvss_writer_failure_name(uint32_t failure);
const char *libvss_writer_level_name(uint32_t level);
const char *libvss_session_state_name(uint32_t state);
const char *libvss_status_name(uint32_t status);
const char *libvss_backup_type_name(uint32_t backup_type);
const char *libvss_session_op_name(uint32_t op);
const char *libvss_session_type_name(uint32_t type);

/*
 * ---- Filesystem freezes with an owner and a deadline (0.4) ----
 *
 * Needs the feature VSS_FEATURE_FS_FREEZE. Unlike fsfreeze(8), a freeze
 * taken here always ends: at its deadline whatever happens, and, unless
 * detached, as soon as the context that took it is closed (or its process
 * dies). Every call needs CAP_SYS_ADMIN.
 */

struct libvss_fs_info;		/* one freeze, as the module reports it */
struct libvss_fs_list;

/**
 * libvss_fs_freeze() - Freeze a mounted filesystem.
 * @ctx: Context. Unless @flags has VSS_FS_F_DETACHED, the freeze belongs
 *   to it: libvss_close() thaws the filesystem, so keep @ctx open for as
 *   long as it is to stay frozen.
 * @mountpoint: The root of a mounted filesystem, shorter than PATH_MAX.
 * @timeout_ms: Thaw after this many ms, 1 to VSS_FS_TIMEOUT_MAX_MS; 0 for
 *   the module's default (VSS_FS_TIMEOUT_DEFAULT_MS).
 * @flags: Mask of enum vss_fs_flags: VSS_FS_F_DETACHED for a freeze that
 *   outlives @ctx and ends with libvss_fs_thaw() or its deadline only.
 *
 * The freeze is the kernel's: on kernels 6.6 and later a user's FITHAW
 * cannot end it.
 *
 * Return: 0 on success; -EBUSY if the filesystem is frozen already (by
 * vss, a snapshot set or fsfreeze(8); libvss_ext_error() says which);
 * -EOPNOTSUPP if it cannot be frozen, or the module lacks the feature
 * VSS_FEATURE_FS_FREEZE; -EINVAL if @mountpoint is not a mount point or
 * @timeout_ms or @flags are out of range; -ENOENT if it does not exist;
 * -ENAMETOOLONG from PATH_MAX bytes on; -EPERM without CAP_SYS_ADMIN;
 * another negative errno value on failure.
 */
int libvss_fs_freeze(struct libvss_ctx *ctx, const char *mountpoint,
		     uint32_t timeout_ms, uint32_t flags);

/**
 * libvss_fs_thaw() - End a freeze taken by libvss_fs_freeze().
 * @ctx: Context; any, not only the one that took the freeze.
 * @mountpoint: The filesystem's mount point.
 *
 * Return: 0 on success; -ENOENT if the filesystem has no freeze of vss
 * (never frozen, or thawed already: by its deadline, its owner's exit or
 * another thaw) or @mountpoint does not exist; -EINVAL if it is not a mount
 * point; -EPERM without CAP_SYS_ADMIN; another negative errno value on
 * failure.
 */
int libvss_fs_thaw(struct libvss_ctx *ctx, const char *mountpoint);

/**
 * libvss_fs_get() - Report the freeze of one filesystem.
 * @ctx: Context.
 * @mountpoint: The filesystem's mount point.
 * @infop: Set to a new report on success, to NULL on failure; free it with
 *   libvss_fs_info_free().
 *
 * Return: 0 on success; -ENOENT if the filesystem has no freeze of vss;
 * -EINVAL if @mountpoint is not a mount point; -EBADMSG if the reply is
 * malformed; -EPERM without CAP_SYS_ADMIN; another negative errno value on
 * failure.
 */
int libvss_fs_get(struct libvss_ctx *ctx, const char *mountpoint,
		  struct libvss_fs_info **infop);

/**
 * libvss_fs_info_free() - Free a freeze report.
 * @info: Report from libvss_fs_get(), or NULL. Never one that
 *   libvss_fs_list_entry() returned: the list owns those.
 */
void libvss_fs_info_free(struct libvss_fs_info *info);

/**
 * libvss_fs_list() - Report every freeze taken by libvss_fs_freeze().
 * @ctx: Context.
 * @listp: Set to a new list on success (possibly empty), to NULL on
 *   failure; free it with libvss_fs_list_free().
 *
 * Return: 0 on success; -EBADMSG if a reply is malformed; -EPERM without
 * CAP_SYS_ADMIN; another negative errno value on failure.
 */
int libvss_fs_list(struct libvss_ctx *ctx, struct libvss_fs_list **listp);

/**
 * libvss_fs_list_free() - Free a list and every report in it.
 * @list: List from libvss_fs_list(), or NULL.
 */
void libvss_fs_list_free(struct libvss_fs_list *list);

/**
 * libvss_fs_list_count() - Number of freezes in a list.
 * @list: List.
 *
 * Return: The count, 0 if no filesystem is frozen by vss.
 */
unsigned int libvss_fs_list_count(const struct libvss_fs_list *list);

/**
 * libvss_fs_list_entry() - One freeze of a list.
 * @list: List.
 * @i: Index, from 0 to libvss_fs_list_count() - 1, oldest freeze first.
 *
 * Return: The report, owned by @list; NULL if @i is out of range.
 */
const struct libvss_fs_info *
libvss_fs_list_entry(const struct libvss_fs_list *list, unsigned int i);

/**
 * libvss_fs_info_path() - Mount point of a frozen filesystem.
 * @info: Report.
 *
 * Return: The path as libvss_fs_freeze() was given it, owned by @info.
 */
const char *libvss_fs_info_path(const struct libvss_fs_info *info);

/**
 * libvss_fs_info_device() - Device of a frozen filesystem.
 * @info: Report.
 *
 * Return: The kernel name of the filesystem's device, e.g. "vda1", owned
 * by @info.
 */
const char *libvss_fs_info_device(const struct libvss_fs_info *info);

/**
 * libvss_fs_info_owner() - Who holds a freeze.
 * @info: Report.
 *
 * Return: The netlink port id of the socket whose closing thaws the
 * filesystem; 0 for a detached freeze.
 */
uint32_t libvss_fs_info_owner(const struct libvss_fs_info *info);

/**
 * libvss_fs_info_timeout_ms() - Timeout of a freeze.
 * @info: Report.
 *
 * Return: The timeout it was taken with, in ms (the module's default
 * filled in).
 */
uint32_t libvss_fs_info_timeout_ms(const struct libvss_fs_info *info);

/**
 * libvss_fs_info_flags() - Options of a freeze.
 * @info: Report.
 *
 * Return: Mask of enum vss_fs_flags.
 */
uint32_t libvss_fs_info_flags(const struct libvss_fs_info *info);

/**
 * libvss_fs_info_frozen_ns() - How long a filesystem has been frozen.
 * @info: Report.
 *
 * Return: ns from the freeze to the report.
 */
uint64_t libvss_fs_info_frozen_ns(const struct libvss_fs_info *info);

/**
 * libvss_fs_info_remaining_ms() - Time left until a freeze's deadline.
 * @info: Report.
 *
 * Return: ms from the report to the deadline, 0 if it is due.
 */
uint32_t libvss_fs_info_remaining_ms(const struct libvss_fs_info *info);

/**
 * libvss_thaw_reason_name() - Name of a reason a freeze ended.
 * @reason: A value of enum vss_thaw_reason.
 *
 * Return: Its name in the YNL spec ("requested", "deadline", "owner-gone",
 * "lost"); NULL for a value this library does not know.
 */
const char *libvss_thaw_reason_name(uint32_t reason);

/*
 * ---- Monitor: what happens to snapshots, storage, sessions, freezes (0.5) ----
 *
 * The module announces, on its "monitor" multicast group, every snapshot
 * created, deleted or invalidated, every diff storage threshold crossed,
 * every change of a session's state and every freeze taken or ended by
 * FS_FREEZE. A context that joins the group hears all of them, from every
 * process: joining needs CAP_SYS_ADMIN. Each notification is decoded into
 * an event and handed to a callback from libvss_process(), as writer events
 * are: poll libvss_fd() and call libvss_process() when it is readable.
 */

struct libvss_monitor_event;	/* one notification of the monitor group */

/*
 * A monitor callback: @ev and its strings are valid during the call only.
 * It may make requests on @ctx (libvss_snapshot_get() of the snapshot just
 * created, for example), but not call libvss_process().
 */
typedef void (*libvss_monitor_cb)(struct libvss_ctx *ctx,
				  const struct libvss_monitor_event *ev,
				  void *data);

/**
 * libvss_monitor_start() - Hear the notifications of the monitor group.
 * @ctx: Context; it goes on serving requests as before.
 * @cb: Called from libvss_process() once per notification, in the order
 *   the module sent them.
 * @data: Passed to @cb.
 *
 * Notifications sent before this call are not heard. The socket's receive
 * buffer is finite: a context that does not call libvss_process() often
 * enough loses notifications, which libvss_lost() counts (what follows is
 * intact and dispatched; libvss_open_opts() sets a larger buffer). A
 * notification that lacks an attribute its type always carries is
 * dropped and counted as malformed.
 *
 * Return: 0 on success; -EPERM without CAP_SYS_ADMIN, with an explanation
 * in libvss_ext_error(); -EALREADY if @ctx monitors already; -EOPNOTSUPP
 * if the module has no monitor group; -EINVAL if @cb is NULL; another
 * negative errno value on failure.
 */
int libvss_monitor_start(struct libvss_ctx *ctx, libvss_monitor_cb cb,
			 void *data);

/**
 * libvss_monitor_stop() - Stop hearing the monitor group.
 * @ctx: Context.
 *
 * Notifications already received and not yet dispatched are dropped: no
 * callback runs after this returns. libvss_close() stops it too.
 *
 * Return: 0 on success; -ENOENT if @ctx does not monitor; another negative
 * errno value on failure.
 */
int libvss_monitor_stop(struct libvss_ctx *ctx);

/**
 * libvss_monitor_event_type() - What a monitor event announces.
 * @ev: Event.
 *
 * Return: The notification's command: VSS_CMD_SNAPSHOT_CREATED_NTF,
 * VSS_CMD_SNAPSHOT_DELETED_NTF, VSS_CMD_SNAPSHOT_INVALID_NTF,
 * VSS_CMD_STORAGE_THRESHOLD_NTF, VSS_CMD_SESSION_STATE_NTF,
 * VSS_CMD_FS_FROZEN_NTF, VSS_CMD_FS_THAWED_NTF or VSS_CMD_TRACKER_NTF
 * (tracker-generation). The getters below say
 * which of them carry what.
 */
uint32_t libvss_monitor_event_type(const struct libvss_monitor_event *ev);

/**
 * libvss_monitor_event_name() - Name of a monitor event type.
 * @type: A value libvss_monitor_event_type() returns.
 *
 * Return: The notification's name in the YNL spec without "-ntf":
 * "snapshot-created", "snapshot-deleted", "snapshot-invalid",
 * "storage-threshold", "session-state", "fs-frozen", "fs-thawed"; NULL for
 * any other value.
 */
const char *libvss_monitor_event_name(uint32_t type);

/**
 * libvss_monitor_event_snapshot_id() - Snapshot of a snapshot event.
 * @ev: Event.
 *
 * Return: LIBVSS_ID_SIZE bytes, owned by @ev, for the three snapshot
 * events; NULL for the others.
 */
const uint8_t *
libvss_monitor_event_snapshot_id(const struct libvss_monitor_event *ev);

/**
 * libvss_monitor_event_set_id() - Snapshot set of an event.
 * @ev: Event.
 *
 * Return: LIBVSS_ID_SIZE bytes, owned by @ev: the set of the snapshot (the
 * snapshot events), or of the session once it started one (session-state);
 * NULL otherwise.
 */
const uint8_t *
libvss_monitor_event_set_id(const struct libvss_monitor_event *ev);

/**
 * libvss_monitor_event_origin() - Origin volume of an event.
 * @ev: Event.
 *
 * Return: The kernel name of the origin device, e.g. "vda1", owned by @ev,
 * for the snapshot events, storage-threshold and tracker-generation; NULL
 * for the others.
 */
const char *libvss_monitor_event_origin(const struct libvss_monitor_event *ev);

/**
 * libvss_monitor_event_device() - Device of an event.
 * @ev: Event.
 *
 * Return: Owned by @ev: the snapshot's device, "vss-snapN" (the snapshot
 * events); the frozen filesystem's device, e.g. "vdb" (fs-frozen,
 * fs-thawed); NULL for the others.
 */
const char *libvss_monitor_event_device(const struct libvss_monitor_event *ev);

/**
 * libvss_monitor_event_invalid_reason() - Why a snapshot became invalid.
 * @ev: Event.
 *
 * Return: The enum vss_invalid_reason of snapshot-invalid (see
 * libvss_invalid_reason_name()); VSS_INVALID_NONE for the other events.
 */
uint32_t
libvss_monitor_event_invalid_reason(const struct libvss_monitor_event *ev);

/**
 * libvss_monitor_event_threshold() - Threshold a storage's use crossed.
 * @ev: Event.
 *
 * Return: The percentage of max-bytes the use rose past (storage-threshold);
 * 0 for the other events.
 */
uint32_t libvss_monitor_event_threshold(const struct libvss_monitor_event *ev);

/**
 * libvss_monitor_event_max_bytes() - Capacity of the storage.
 * @ev: Event.
 *
 * Return: The storage's max-bytes (storage-threshold); 0 for the others.
 */
uint64_t libvss_monitor_event_max_bytes(const struct libvss_monitor_event *ev);

/**
 * libvss_monitor_event_used_bytes() - Use of the storage.
 * @ev: Event.
 *
 * Return: Bytes of preserved chunks held when the threshold was crossed
 * (storage-threshold); 0 for the others.
 */
uint64_t libvss_monitor_event_used_bytes(const struct libvss_monitor_event *ev);

/**
 * libvss_monitor_event_session_id() - Session of a session-state event.
 * @ev: Event.
 *
 * Return: The session id (session-state); 0 for the other events.
 */
uint32_t
libvss_monitor_event_session_id(const struct libvss_monitor_event *ev);

/**
 * libvss_monitor_event_session_type() - Type of the session.
 * @ev: Event.
 *
 * Return: enum vss_session_type (session-state; see
 * libvss_session_type_name()); 0 for the other events.
 */
uint32_t
libvss_monitor_event_session_type(const struct libvss_monitor_event *ev);

/**
 * libvss_monitor_event_session_state() - State the session entered.
 * @ev: Event.
 *
 * Return: enum vss_session_state (session-state; see
 * libvss_session_state_name()), VSS_SESSION_STATE_RELEASED last; 0 for the
 * other events.
 */
uint32_t
libvss_monitor_event_session_state(const struct libvss_monitor_event *ev);

/**
 * libvss_monitor_event_session_op() - Operation the session runs.
 * @ev: Event.
 *
 * Return: enum vss_session_op (session-state; see libvss_session_op_name()),
 * VSS_SESSION_OP_NONE when none; 0 for the other events.
 */
uint32_t
libvss_monitor_event_session_op(const struct libvss_monitor_event *ev);

/**
 * libvss_monitor_event_owner() - Socket an event's object belongs to.
 * @ev: Event.
 *
 * Return: The netlink port id of the requester that owns the session
 * (session-state) or of the socket that took the freeze, 0 once detached
 * (fs-frozen, fs-thawed); 0 for the other events.
 */
uint32_t libvss_monitor_event_owner(const struct libvss_monitor_event *ev);

/**
 * libvss_monitor_event_path() - Mount point of a freeze event.
 * @ev: Event.
 *
 * Return: The path the freeze was taken with, owned by @ev (fs-frozen,
 * fs-thawed); NULL for the other events.
 */
const char *libvss_monitor_event_path(const struct libvss_monitor_event *ev);

/**
 * libvss_monitor_event_timeout_ms() - Timeout of a freeze.
 * @ev: Event.
 *
 * Return: The timeout the freeze was taken with, in ms (fs-frozen,
 * fs-thawed); 0 for the other events.
 */
uint32_t
libvss_monitor_event_timeout_ms(const struct libvss_monitor_event *ev);

/**
 * libvss_monitor_event_flags() - Options of a freeze.
 * @ev: Event.
 *
 * Return: Mask of enum vss_fs_flags (fs-frozen, fs-thawed); 0 for the
 * other events.
 */
uint32_t libvss_monitor_event_flags(const struct libvss_monitor_event *ev);

/**
 * libvss_monitor_event_frozen_ns() - How long a filesystem was frozen.
 * @ev: Event.
 *
 * Return: ns from the freeze to its end (fs-thawed) or to the notification
 * (fs-frozen, about 0); 0 for the other events.
 */
uint64_t libvss_monitor_event_frozen_ns(const struct libvss_monitor_event *ev);

/**
 * libvss_monitor_event_thaw_reason() - Why a freeze ended.
 * @ev: Event.
 *
 * Return: enum vss_thaw_reason (fs-thawed; see libvss_thaw_reason_name());
 * 0 for the other events.
 */
uint32_t
libvss_monitor_event_thaw_reason(const struct libvss_monitor_event *ev);

/**
 * libvss_session_abort() - Abort any session, as an administrator.
 * @ctx: Context; not necessarily the one that owns the session.
 * @id: Session id, as libvss_session_list() reports it.
 *
 * The session ends as if its owner had called libvss_backup_abort(): a
 * running operation ends cancelled (the owner's async finishes as
 * LIBVSS_ASYNC_CANCELLED with -ECANCELED), writers between
 * PrepareForBackup and PostSnapshot get Abort, and the session is left
 * aborted, still owned by its requester, which releases it as usual.
 * Aborting an aborted session does nothing and succeeds. Needs
 * CAP_SYS_ADMIN.
 *
 * Return: 0 on success; -ENOENT if there is no such session, -EBADFD if it
 * was released (the kernel's message in libvss_ext_error()); -EPERM
 * without CAP_SYS_ADMIN; another negative errno value on failure.
 */
int libvss_session_abort(struct libvss_ctx *ctx, uint32_t id);

/*
 * Changed-block tracking (Documentation/cbt.md). Every origin with diff
 * storage has a tracker; every snapshot of it a token, a printable string
 * that names the snapshot's instant. A backup tool stores the token of the
 * snapshot it copied and, next time, asks for the extents that may have
 * changed since: libvss_changes_open() to read them, or ESTALE with a
 * reason (libvss_ext_stale_reason()) when the module cannot vouch for the
 * answer, and the tool makes a full copy instead.
 */

/**
 * libvss_snapshot_token() - The changed-block tracking token of a snapshot.
 * @snap: Snapshot report.
 * @buf: Where the token is written, NUL-terminated.
 * @len: Size of @buf: LIBVSS_TOKEN_STRING_SIZE is enough.
 *
 * The token is an opaque printable string ("vss1:" and hex digits) that
 * stays valid after the snapshot is deleted: store it with the backup made
 * from @snap and pass it to libvss_changes_open() as @since next time. It
 * carries a checksum, so a damaged copy is refused rather than misread.
 *
 * Return: 0 on success; -ENODATA if the module reported no token (it lacks
 * VSS_FEATURE_CHANGE_TRACKING); -ENOSPC if @len is too small; -EINVAL if
 * @buf is NULL.
 */
int libvss_snapshot_token(const struct libvss_snapshot *snap, char *buf,
			  size_t len);

/**
 * libvss_snapset_entry_token() - The token of one snapshot of a new set.
 * @set: Snapshot set, from libvss_snapshot_create() or a backup session's
 *   libvss_backup_snapset().
 * @i: Index, from 0 to libvss_snapset_count() - 1.
 * @buf: Where the token is written, NUL-terminated.
 * @len: Size of @buf: LIBVSS_TOKEN_STRING_SIZE is enough.
 *
 * As libvss_snapshot_token(), without a SNAPSHOT_GET.
 *
 * Return: 0 on success; -ENODATA if the module sent no token for it;
 * -ENOSPC if @len is too small; -EINVAL if @i is out of range or @buf is
 * NULL.
 */
int libvss_snapset_entry_token(const struct libvss_snapset *set,
			       unsigned int i, char *buf, size_t len);

/**
 * libvss_token_check() - Whether a string is a well-formed token.
 * @token: Text, as libvss_snapshot_token() wrote it; may be NULL.
 *
 * Checks the format and the checksum only: whether the module still knows
 * the token's generation is for libvss_changes_open() to find out.
 *
 * Return: 0 if it is one; -EINVAL otherwise (NULL, another format,
 * truncated, a damaged digit).
 */
int libvss_token_check(const char *token);

/**
 * libvss_changes_open() - Start reading the extents changed since a token.
 * @ctx: Context. While the iterator is open it has the context's socket to
 *   itself: other calls on @ctx fail with -EBUSY until
 *   libvss_changes_close().
 * @snapshot_id: The later snapshot S1, which must exist.
 * @since: The token of an earlier snapshot S0 of the same origin (S0 need
 *   not exist any more).
 * @start: Byte offset to start from (rounded down to the tracking block),
 *   0 for all: a reader that stopped resumes from the end of the last
 *   extent it used.
 * @itp: Set to the new iterator on success, to NULL on failure.
 *
 * Sends the query; libvss_changes_next() reads the answer as it goes, one
 * netlink message at a time, so memory does not grow with the map. The
 * extents are every byte range that may differ between S0 and S1 (never
 * fewer; possibly more: see Documentation/cbt.md), in bytes, sorted,
 * disjoint. Needs CAP_SYS_ADMIN.
 *
 * Return: 0 on success; -EINVAL if @since is not a token (see
 * libvss_token_check()) or @snapshot_id is NULL; -EBUSY if an iterator is
 * open on @ctx already; another negative errno value on failure. The
 * module's own verdict (ESTALE, ENOENT, ...) comes from
 * libvss_changes_next().
 */
int libvss_changes_open(struct libvss_ctx *ctx,
			const uint8_t snapshot_id[LIBVSS_ID_SIZE],
			const char *since, uint64_t start,
			struct libvss_changes **itp);

/**
 * libvss_changes_next() - The next changed extent.
 * @it: Iterator.
 * @offset: Set to the extent's first byte, from the start of the origin.
 * @length: Set to its length in bytes, never 0.
 *
 * Once it returned 0 or an error it returns the same again.
 *
 * Return: 1 with an extent; 0 at the end, when every extent was returned;
 * a negative errno value when the answer failed, with the explanation in
 * libvss_ext_error() of the iterator's context. Then every extent already
 * returned must be dropped: the answer is incomplete. -ESTALE: the module
 * cannot vouch for the changes since @since (make a full copy of S1 and
 * keep S1's token), the reason in libvss_ext_stale_reason(); -ENOENT: no
 * snapshot @snapshot_id; -EINVAL: @since is newer than S1 (reason
 * not-older) or the request was refused; -EBADMSG: a reply was malformed
 * or its extents out of order; -EAGAIN: try again; -EPERM without
 * CAP_SYS_ADMIN.
 */
int libvss_changes_next(struct libvss_changes *it, uint64_t *offset,
			uint64_t *length);

/**
 * libvss_changes_close() - Free an iterator.
 * @it: Iterator from libvss_changes_open(), or NULL.
 *
 * Closed before the end, the rest of the answer is read and dropped, so
 * that the context's socket is ready for the next request: that takes as
 * long as reading it would. Close every iterator before libvss_close() of
 * its context.
 */
void libvss_changes_close(struct libvss_changes *it);

/**
 * libvss_changes_summary() - How much changed since a token, in totals.
 * @ctx: Context.
 * @snapshot_id: As for libvss_changes_open().
 * @since: As for libvss_changes_open().
 * @start: As for libvss_changes_open().
 * @changed_bytes: Set to the bytes the extents cover; may be NULL.
 * @extent_count: Set to the number of extents; may be NULL.
 *
 * The same question as libvss_changes_open() answered with totals only,
 * to size an incremental backup before reading it. Needs CAP_SYS_ADMIN.
 *
 * Return: 0 on success; the errors of libvss_changes_next(), with
 * libvss_ext_error() and libvss_ext_stale_reason() set the same way.
 */
int libvss_changes_summary(struct libvss_ctx *ctx,
			   const uint8_t snapshot_id[LIBVSS_ID_SIZE],
			   const char *since, uint64_t start,
			   uint64_t *changed_bytes, uint64_t *extent_count);

/**
 * libvss_ext_stale_reason() - Why the last failed query was refused.
 * @ctx: Context.
 *
 * Set with libvss_ext_error() when libvss_changes_next() or
 * libvss_changes_summary() fails: from the module's extack cookie where the
 * kernel carries it, else from the "stale: NAME:" prefix of its message.
 * Cleared by every call on @ctx, like libvss_ext_error().
 *
 * Return: An enum vss_stale_reason (see libvss_stale_reason_name()):
 * VSS_STALE_NONE if the failure gave no reason, or @ctx is NULL.
 */
uint32_t libvss_ext_stale_reason(const struct libvss_ctx *ctx);

/**
 * libvss_stale_reason_name() - Name of a stale reason.
 * @reason: An enum vss_stale_reason.
 *
 * Return: The name the YNL spec and the module's messages use
 * ("generation", "reset", "wrapped", "resized", "lost", "identity",
 * "not-older", "none"); NULL for a value this library does not know.
 */
const char *libvss_stale_reason_name(uint32_t reason);

/**
 * libvss_tracker_get() - Report the change tracker of one origin.
 * @ctx: Context.
 * @origin: The origin's device path or kernel name.
 * @trackerp: Set to a new report on success, to NULL on failure; free it
 *   with libvss_tracker_free().
 *
 * Needs CAP_SYS_ADMIN.
 *
 * Return: 0 on success; -ENOENT if @origin has no tracker (no diff
 * storage); -EINVAL if @origin is NULL; -ENAMETOOLONG; -EBADMSG if the
 * reply is malformed; -EPERM without CAP_SYS_ADMIN; another negative errno
 * value on failure.
 */
int libvss_tracker_get(struct libvss_ctx *ctx, const char *origin,
		       struct libvss_tracker **trackerp);

/**
 * libvss_tracker_free() - Free a tracker report.
 * @tracker: Report from libvss_tracker_get(), or NULL; never one a list
 *   owns.
 */
void libvss_tracker_free(struct libvss_tracker *tracker);

/**
 * libvss_tracker_list() - Report the tracker of every origin.
 * @ctx: Context.
 * @listp: Set to a new list on success (possibly empty), to NULL on
 *   failure; free it with libvss_tracker_list_free().
 *
 * Needs CAP_SYS_ADMIN.
 *
 * Return: 0 on success; -EBADMSG if a reply is malformed; -EAGAIN if the
 * trackers changed while they were read; -EPERM without CAP_SYS_ADMIN;
 * another negative errno value on failure.
 */
int libvss_tracker_list(struct libvss_ctx *ctx,
			struct libvss_tracker_list **listp);

/**
 * libvss_tracker_list_free() - Free a list and every report in it.
 * @list: List from libvss_tracker_list(), or NULL.
 */
void libvss_tracker_list_free(struct libvss_tracker_list *list);

/**
 * libvss_tracker_list_count() - Number of trackers in a list.
 * @list: List.
 *
 * Return: The count.
 */
unsigned int libvss_tracker_list_count(const struct libvss_tracker_list *list);

/**
 * libvss_tracker_list_entry() - One tracker's report in a list.
 * @list: List.
 * @i: Index, from 0 to libvss_tracker_list_count() - 1.
 *
 * Return: The report, owned by @list; NULL if @i is out of range.
 */
const struct libvss_tracker *
libvss_tracker_list_entry(const struct libvss_tracker_list *list,
			  unsigned int i);

/**
 * libvss_tracker_reset() - Start a new generation of an origin's tracker.
 * @ctx: Context.
 * @origin: The origin's device path or kernel name.
 *
 * Every token of the origin issued so far gets ESTALE (reason reset) from
 * then on: the next backup of it is a full one. Needs CAP_SYS_ADMIN.
 *
 * Return: 0 on success; -ENOENT if @origin has no tracker; -EINVAL if
 * @origin is NULL; -EPERM without CAP_SYS_ADMIN; another negative errno
 * value on failure.
 */
int libvss_tracker_reset(struct libvss_ctx *ctx, const char *origin);

/**
 * libvss_tracker_origin() - Origin of a tracker.
 * @tracker: Report.
 *
 * Return: The kernel name of the origin device, owned by @tracker.
 */
const char *libvss_tracker_origin(const struct libvss_tracker *tracker);

/**
 * libvss_tracker_generation() - Generation in force.
 * @tracker: Report.
 *
 * Return: The 16-byte generation id, owned by @tracker (print it with
 * libvss_id_to_string()).
 */
const uint8_t *libvss_tracker_generation(const struct libvss_tracker *tracker);

/**
 * libvss_tracker_epoch() - Epoch in force.
 * @tracker: Report.
 *
 * Return: The epoch the origin's next snapshot will record.
 */
uint64_t libvss_tracker_epoch(const struct libvss_tracker *tracker);

/**
 * libvss_tracker_block_bytes() - Tracking block size.
 * @tracker: Report.
 *
 * Return: The granularity of the extents, in bytes.
 */
uint32_t libvss_tracker_block_bytes(const struct libvss_tracker *tracker);

/**
 * libvss_tracker_capacity() - Tracked capacity.
 * @tracker: Report.
 *
 * Return: The origin's capacity in bytes, as tracked.
 */
uint64_t libvss_tracker_capacity(const struct libvss_tracker *tracker);

/**
 * libvss_tracker_blocks_marked() - Blocks written in the generation.
 * @tracker: Report.
 *
 * Return: The number of tracking blocks written at least once since the
 * generation began.
 */
uint64_t libvss_tracker_blocks_marked(const struct libvss_tracker *tracker);

/**
 * libvss_tracker_map_bytes() - Memory of a tracker.
 * @tracker: Report.
 *
 * Return: Kernel memory the map and the snapshots' copies of its pages
 * take, in bytes.
 */
uint64_t libvss_tracker_map_bytes(const struct libvss_tracker *tracker);

/**
 * libvss_tracker_reason() - Why the generation in force began.
 * @tracker: Report.
 *
 * Return: An enum vss_stale_reason: VSS_STALE_GENERATION for the
 * tracker's first, VSS_STALE_RESET after libvss_tracker_reset(), ...
 */
uint32_t libvss_tracker_reason(const struct libvss_tracker *tracker);

/**
 * libvss_tracker_seal() - The seal in force of a tracker.
 * @tracker: Report.
 *
 * libvss_tracker_export() seals the tracker; a write to the origin, a
 * snapshot of it or a new generation breaks the seal. A saved image is
 * whole only if, once it is on disk, the tracker still reports the seal
 * libvss_tracker_image_seal() gives.
 *
 * Return: The seal, or 0 when none holds.
 */
uint32_t libvss_tracker_seal(const struct libvss_tracker *tracker);

/**
 * libvss_tracker_export() - Seal an origin's tracker and read its state.
 * @ctx: Context.
 * @origin: The origin's device path or kernel name.
 * @imgp: Set to a new image on success, to NULL on failure; free it with
 *   libvss_tracker_image_free().
 *
 * The image is what libvss_tracker_import() needs to continue the
 * tracker's generation after a module reload or a reboot: its generation,
 * epoch, geometry and map. Writes are drained for the seal (briefly held,
 * as at a snapshot). Check libvss_tracker_seal() after saving it
 * (Documentation/cbt.md, "Across reloads and reboots"). Needs
 * CAP_SYS_ADMIN.
 *
 * Return: 0 on success; -ENOENT if @origin has no tracker; -ETIMEDOUT if
 * writes in flight did not complete; -EINVAL if @origin is NULL; -EBADMSG
 * if a reply is malformed; -EPERM without CAP_SYS_ADMIN; another negative
 * errno value on failure.
 */
int libvss_tracker_export(struct libvss_ctx *ctx, const char *origin,
			  struct libvss_tracker_image **imgp);

/**
 * libvss_tracker_import() - Continue a saved tracker on an origin.
 * @ctx: Context.
 * @origin: The origin's device path or kernel name; its storage was just
 *   added and it has no snapshot yet.
 * @img: Image from libvss_tracker_export() or libvss_tracker_image_decode().
 *
 * The origin's tracker takes the image's generation, epoch and map, and
 * keeps every write it saw since its storage was added: tokens from
 * before the image continue. Only the caller can know that nothing was
 * written to the origin between the export and the storage's addition.
 * Needs CAP_SYS_ADMIN.
 *
 * Return: 0 on success; -ESTALE (reason identity, libvss_ext_stale_reason())
 * if the origin's capacity, logical block size, block size or UUID is not
 * the image's; -EBUSY if the origin has a snapshot; -EINVAL for an image
 * of another shape; -ENOENT if @origin has no tracker; -EPERM without
 * CAP_SYS_ADMIN; another negative errno value on failure.
 */
int libvss_tracker_import(struct libvss_ctx *ctx, const char *origin,
			  const struct libvss_tracker_image *img);

/**
 * libvss_tracker_image_free() - Free a tracker image.
 * @img: Image, or NULL.
 */
void libvss_tracker_image_free(struct libvss_tracker_image *img);

/**
 * libvss_tracker_image_encode() - A tracker image as bytes.
 * @img: Image.
 * @bufp: Set to a new buffer (free() it), to NULL on failure.
 * @lenp: Set to its length.
 *
 * A versioned, big-endian layout ending in a CRC-32: what a tool writes to
 * a file and gives back to libvss_tracker_image_decode().
 *
 * Return: 0 on success; -ENOMEM.
 */
int libvss_tracker_image_encode(const struct libvss_tracker_image *img,
				void **bufp, size_t *lenp);

/**
 * libvss_tracker_image_decode() - A tracker image from bytes.
 * @buf: Bytes from libvss_tracker_image_encode().
 * @len: Their length.
 * @imgp: Set to a new image on success, to NULL on failure.
 *
 * Return: 0 on success; -EINVAL for bytes that are not an intact image
 * (damaged, truncated, another version); -ENOMEM.
 */
int libvss_tracker_image_decode(const void *buf, size_t len,
				struct libvss_tracker_image **imgp);

/**
 * libvss_tracker_image_seal() - The seal the export set.
 * @img: Image.
 *
 * Return: The seal, never 0 for an image of libvss_tracker_export().
 */
uint32_t libvss_tracker_image_seal(const struct libvss_tracker_image *img);

/**
 * libvss_tracker_image_epoch() - The epoch in force at the export.
 * @img: Image.
 *
 * Return: The epoch the next snapshot after the import takes.
 */
uint64_t libvss_tracker_image_epoch(const struct libvss_tracker_image *img);

/**
 * libvss_tracker_image_capacity() - The origin's capacity at the export.
 * @img: Image.
 *
 * Return: The capacity in bytes.
 */
uint64_t libvss_tracker_image_capacity(const struct libvss_tracker_image *img);

/**
 * libvss_tracker_image_generation() - The generation an image continues.
 * @img: Image.
 *
 * Return: LIBVSS_ID_SIZE bytes, owned by @img.
 */
const uint8_t *
libvss_tracker_image_generation(const struct libvss_tracker_image *img);

/**
 * libvss_tracker_image_chunks() - Chunks of the map in an image.
 * @img: Image.
 *
 * Return: How many chunks of VSS_TRACK_CHUNK_MARKS blocks hold a mark.
 */
unsigned int libvss_tracker_image_chunks(const struct libvss_tracker_image *img);

/**
 * libvss_storage_opts_set_track_block_bytes() - Changed-block tracking unit.
 * @opts: Options.
 * @bytes: A power of two from VSS_TRACK_BLOCK_MIN to VSS_TRACK_BLOCK_MAX,
 *   or 0 for the module's default (VSS_TRACK_BLOCK_DEFAULT).
 *
 * The module raises it to the origin's logical block size and until the
 * origin has at most VSS_TRACK_BLOCKS_MAX blocks;
 * libvss_storage_track_block_bytes() reports the size in force. A value
 * it refuses fails libvss_storage_add_opts() with -EINVAL.
 */
void libvss_storage_opts_set_track_block_bytes(struct libvss_storage_opts *opts,
					       uint32_t bytes);

/**
 * libvss_storage_track_block_bytes() - Changed-block tracking unit in force.
 * @storage: Diff storage report.
 *
 * Return: The tracking block size in bytes; 0 from a module without
 * VSS_FEATURE_CHANGE_TRACKING.
 */
uint32_t libvss_storage_track_block_bytes(const struct libvss_storage *storage);

/**
 * libvss_monitor_event_generation() - New generation of a tracker event.
 * @ev: Event.
 *
 * Return: The 16-byte generation that began, owned by @ev, for
 * tracker-generation; NULL for the other events.
 */
const uint8_t *
libvss_monitor_event_generation(const struct libvss_monitor_event *ev);

/**
 * libvss_monitor_event_old_generation() - Generation that ended.
 * @ev: Event.
 *
 * Return: The 16-byte generation whose tokens now get ESTALE, owned by
 * @ev, for tracker-generation; NULL for the other events.
 */
const uint8_t *
libvss_monitor_event_old_generation(const struct libvss_monitor_event *ev);

/**
 * libvss_monitor_event_epoch() - Epoch of a tracker event.
 * @ev: Event.
 *
 * Return: The epoch in force when the generation began, for
 * tracker-generation; 0 for the other events.
 */
uint64_t libvss_monitor_event_epoch(const struct libvss_monitor_event *ev);

/**
 * libvss_monitor_event_stale_reason() - Why a tracker's generation changed.
 * @ev: Event.
 *
 * Return: An enum vss_stale_reason (see libvss_stale_reason_name()) for
 * tracker-generation; 0 for the other events.
 */
uint32_t
libvss_monitor_event_stale_reason(const struct libvss_monitor_event *ev);

#ifdef __cplusplus
}
#endif

#endif /* LIBVSS_H */
