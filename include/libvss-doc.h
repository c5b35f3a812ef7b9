/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * libvss documents: the versioned JSON form of the two documents the
 * module carries as opaque strings (Documentation/documents.md has the
 * schema).
 *
 * - The writer metadata document (struct libvss_wmd): what a writer
 *   answers to Identify (VSS_A_SESSION_WRITER_METADATA), as Windows'
 *   IVssCreateWriterMetadata builds it and IVssExamineWriterMetadata reads
 *   it.
 * - The backup components document (struct libvss_bcd): what a requester
 *   sends with PrepareForBackup, BackupComplete, PreRestore and PostRestore
 *   (VSS_A_SESSION_BACKUP_DOCUMENT), as IVssBackupComponents keeps it.
 *
 * Each is built with *_new() and *_add_*() calls, written with *_to_json()
 * and read back with *_parse(); getters give counts and index access. The
 * handles are opaque and own everything the getters return: a returned
 * pointer lives until the document is freed. No call needs a context or
 * touches the kernel; a document is not thread-safe.
 *
 * Every function that can fail returns 0 or a negative errno value and
 * never relies on errno, as in <libvss.h>. Strings must be valid UTF-8
 * (-EINVAL otherwise), so that every document written parses back.
 */
#ifndef LIBVSS_DOC_H
#define LIBVSS_DOC_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <libvss.h>

#ifdef __cplusplus
extern "C" {
#endif

/*
 * The document version this library writes and the only major version it
 * reads. Fields added later without changing the meaning of existing ones
 * keep the version, and readers ignore fields they do not know; anything
 * else (a new enum name, a field changing meaning) takes a new version.
 */
#define LIBVSS_DOC_VERSION	1

struct libvss_wmd;		/* a writer metadata document */
struct libvss_wmd_component;	/* one component of a writer */
struct libvss_wmd_files;	/* a file group, database or log file spec */
struct libvss_bcd;		/* a backup components document */
struct libvss_bcd_writer;	/* the selected components of one writer */
struct libvss_bcd_component;	/* one selected component */

/**
 * enum libvss_restore_method - How a writer's data is restored (Windows'
 *   VSS_RESTOREMETHOD_ENUM, same numbering).
 * @LIBVSS_RESTORE_UNDEFINED: Not said.
 * @LIBVSS_RESTORE_IF_NOT_THERE: Restore only files that are absent.
 * @LIBVSS_RESTORE_IF_CAN_REPLACE: Restore if every file can be replaced.
 * @LIBVSS_RESTORE_STOP_START: Stop the service, restore, start it.
 * @LIBVSS_RESTORE_TO_ALTERNATE_LOCATION: Restore to the alternate
 *   locations of the file specs.
 * @LIBVSS_RESTORE_AT_REBOOT: Replace the files at the next reboot.
 * @LIBVSS_RESTORE_AT_REBOOT_IF_CANNOT_REPLACE: Replace what can be
 *   replaced now, the rest at the next reboot.
 * @LIBVSS_RESTORE_CUSTOM: The writer's own way (not supported by VSS).
 * @LIBVSS_RESTORE_STOP_START_SERVICE: Like @LIBVSS_RESTORE_STOP_START, for
 *   a service the requester stops and starts (VSS_RME_RESTORE_STOP_START).
 */
enum libvss_restore_method {
	LIBVSS_RESTORE_UNDEFINED,
	LIBVSS_RESTORE_IF_NOT_THERE,
	LIBVSS_RESTORE_IF_CAN_REPLACE,
	LIBVSS_RESTORE_STOP_START,
	LIBVSS_RESTORE_TO_ALTERNATE_LOCATION,
	LIBVSS_RESTORE_AT_REBOOT,
	LIBVSS_RESTORE_AT_REBOOT_IF_CANNOT_REPLACE,
	LIBVSS_RESTORE_CUSTOM,
	LIBVSS_RESTORE_STOP_START_SERVICE,
};

/**
 * enum libvss_writer_restore - Whether the writer takes part in a restore
 *   (Windows' VSS_WRITERRESTORE_ENUM, same numbering).
 * @LIBVSS_WRITER_RESTORE_UNDEFINED: Not said.
 * @LIBVSS_WRITER_RESTORE_NEVER: It gets no PreRestore or PostRestore.
 * @LIBVSS_WRITER_RESTORE_IF_REPLACE_FAILS: Only if files cannot be
 *   replaced.
 * @LIBVSS_WRITER_RESTORE_ALWAYS: Always.
 */
enum libvss_writer_restore {
	LIBVSS_WRITER_RESTORE_UNDEFINED,
	LIBVSS_WRITER_RESTORE_NEVER,
	LIBVSS_WRITER_RESTORE_IF_REPLACE_FAILS,
	LIBVSS_WRITER_RESTORE_ALWAYS,
};

/**
 * enum libvss_component_type - Kind of a writer component (Windows'
 *   VSS_COMPONENT_TYPE, same numbering).
 * @LIBVSS_COMPONENT_DATABASE: A database: database files and log files.
 * @LIBVSS_COMPONENT_FILE_GROUP: A group of files: file groups.
 */
enum libvss_component_type {
	LIBVSS_COMPONENT_DATABASE = 1,
	LIBVSS_COMPONENT_FILE_GROUP = 2,
};

/**
 * enum libvss_component_flags - Selectability of a writer component.
 * @LIBVSS_COMPONENT_F_SELECTABLE: The requester may select it for backup
 *   on its own (bSelectable).
 * @LIBVSS_COMPONENT_F_SELECTABLE_FOR_RESTORE: The requester may select it
 *   for restore on its own (bSelectableForRestore).
 */
enum libvss_component_flags {
	LIBVSS_COMPONENT_F_SELECTABLE = 1,
	LIBVSS_COMPONENT_F_SELECTABLE_FOR_RESTORE = 2,
};

/**
 * enum libvss_files_kind - Which list of a component a file spec is in.
 * @LIBVSS_FILES_GROUP: A file group (file-group components).
 * @LIBVSS_FILES_DATABASE: Database files (database components).
 * @LIBVSS_FILES_LOG: Database log files (database components).
 */
enum libvss_files_kind {
	LIBVSS_FILES_GROUP,
	LIBVSS_FILES_DATABASE,
	LIBVSS_FILES_LOG,
};

/* Bit of a backup type in libvss_wmd_backup_types(): VSS_BACKUP_TYPE_*. */
#define LIBVSS_BACKUP_TYPE_BIT(type)	(1u << (type))

/**
 * enum libvss_bcd_flags - Options of a backup (Windows' SetBackupState).
 * @LIBVSS_BCD_F_SELECT_COMPONENTS: Only the listed components are backed
 *   up (otherwise whole writers are).
 * @LIBVSS_BCD_F_BOOTABLE_SYSTEM_STATE: The backup includes the bootable
 *   system state.
 * @LIBVSS_BCD_F_PARTIAL_FILE_SUPPORT: The requester can back up parts of
 *   files.
 */
enum libvss_bcd_flags {
	LIBVSS_BCD_F_SELECT_COMPONENTS = 1,
	LIBVSS_BCD_F_BOOTABLE_SYSTEM_STATE = 2,
	LIBVSS_BCD_F_PARTIAL_FILE_SUPPORT = 4,
};

/**
 * enum libvss_restore_target - Where a component is restored (Windows'
 *   VSS_RESTORE_TARGET, same numbering).
 * @LIBVSS_RESTORE_TARGET_UNDEFINED: Not said.
 * @LIBVSS_RESTORE_TARGET_ORIGINAL: To where it was backed up from.
 * @LIBVSS_RESTORE_TARGET_ALTERNATE: To the alternate locations.
 * @LIBVSS_RESTORE_TARGET_DIRECTED: Where the requester directs.
 * @LIBVSS_RESTORE_TARGET_ORIGINAL_LOCATION: To the original location,
 *   whatever the restore method says.
 */
enum libvss_restore_target {
	LIBVSS_RESTORE_TARGET_UNDEFINED,
	LIBVSS_RESTORE_TARGET_ORIGINAL,
	LIBVSS_RESTORE_TARGET_ALTERNATE,
	LIBVSS_RESTORE_TARGET_DIRECTED,
	LIBVSS_RESTORE_TARGET_ORIGINAL_LOCATION,
};

/**
 * enum libvss_restore_status - How far a component's files were restored
 *   (Windows' VSS_FILE_RESTORE_STATUS, same numbering).
 * @LIBVSS_RESTORE_STATUS_UNDEFINED: Not said.
 * @LIBVSS_RESTORE_STATUS_NONE: None was restored.
 * @LIBVSS_RESTORE_STATUS_ALL: All were restored.
 * @LIBVSS_RESTORE_STATUS_FAILED: Some were, not all.
 */
enum libvss_restore_status {
	LIBVSS_RESTORE_STATUS_UNDEFINED,
	LIBVSS_RESTORE_STATUS_NONE,
	LIBVSS_RESTORE_STATUS_ALL,
	LIBVSS_RESTORE_STATUS_FAILED,
};

/* ---- Writer metadata document ---- */

/**
 * libvss_wmd_new() - Start a writer metadata document.
 * @class_id: LIBVSS_ID_SIZE bytes: the writer's class id.
 * @instance_id: LIBVSS_ID_SIZE bytes: the writer's instance id.
 * @name: The writer's name, not empty.
 * @instance_name: Its instance name; may be NULL.
 * @wmdp: Set to the new document on success, to NULL on failure.
 *
 * The document starts with restore method undefined, no backup type and
 * no component.
 *
 * Return: 0 on success; -EINVAL if an argument is NULL (but
 * @instance_name), @name is empty or a string is not UTF-8; -ENOMEM.
 */
int libvss_wmd_new(const uint8_t class_id[LIBVSS_ID_SIZE],
		   const uint8_t instance_id[LIBVSS_ID_SIZE], const char *name,
		   const char *instance_name, struct libvss_wmd **wmdp);

/**
 * libvss_wmd_free() - Free a writer metadata document.
 * @wmd: Document; may be NULL.
 */
void libvss_wmd_free(struct libvss_wmd *wmd);

/**
 * libvss_wmd_set_restore_method() - Say how the writer's data is restored
 *   (SetRestoreMethod).
 * @wmd: Document.
 * @method: An enum libvss_restore_method value.
 * @service: The service to stop and start, for the stop-start methods; may
 *   be NULL.
 * @writer_restore: An enum libvss_writer_restore value.
 * @reboot_required: A reboot is needed after the restore.
 *
 * Return: 0 on success; -EINVAL if @method or @writer_restore is unknown
 * or @service is not UTF-8; -ENOMEM.
 */
int libvss_wmd_set_restore_method(struct libvss_wmd *wmd, uint32_t method,
				  const char *service, uint32_t writer_restore,
				  bool reboot_required);

/**
 * libvss_wmd_set_backup_types() - Say which backup types the writer
 *   supports (SetBackupSchema).
 * @wmd: Document.
 * @mask: LIBVSS_BACKUP_TYPE_BIT() of each supported VSS_BACKUP_TYPE_FULL,
 *   _INCREMENTAL, _DIFFERENTIAL, _LOG or _COPY.
 *
 * Return: 0 on success; -EINVAL if @mask has another bit.
 */
int libvss_wmd_set_backup_types(struct libvss_wmd *wmd, uint32_t mask);

/**
 * libvss_wmd_add_component() - Add a component (AddComponent).
 * @wmd: Document.
 * @type: An enum libvss_component_type value.
 * @logical_path: Its logical path; NULL or "" for none.
 * @name: Its name, not empty; unique with @logical_path in the writer.
 * @caption: What a user is shown; may be NULL.
 * @flags: Mask of enum libvss_component_flags.
 * @compp: Set to the new component, owned by @wmd; may be NULL.
 *
 * Return: 0 on success; -EEXIST if the writer has a component with this
 * logical path and name; -EINVAL if @type or @flags is unknown, @name is
 * NULL or empty or a string is not UTF-8; -ENOMEM.
 */
int libvss_wmd_add_component(struct libvss_wmd *wmd, uint32_t type,
			     const char *logical_path, const char *name,
			     const char *caption, uint32_t flags,
			     struct libvss_wmd_component **compp);

/**
 * libvss_wmd_add_file_group() - Add files to a file-group component
 *   (AddFilesToFileGroup).
 * @comp: Component, of type LIBVSS_COMPONENT_FILE_GROUP.
 * @path: Directory of the files, not empty.
 * @filespec: Which files of it, e.g. "*.db", not empty.
 * @recursive: Also in every directory below @path.
 * @alternate_location: Where to restore them instead; may be NULL.
 *
 * Return: 0 on success; -EINVAL if @comp is not a file group, @path or
 * @filespec is NULL or empty or a string is not UTF-8; -ENOMEM.
 */
int libvss_wmd_add_file_group(struct libvss_wmd_component *comp,
			      const char *path, const char *filespec,
			      bool recursive, const char *alternate_location);

/**
 * libvss_wmd_add_database_files() - Add database files to a database
 *   component (AddDatabaseFiles).
 * @comp: Component, of type LIBVSS_COMPONENT_DATABASE.
 * @path: As for libvss_wmd_add_file_group().
 * @filespec: Likewise.
 * @recursive: Likewise.
 * @alternate_location: Likewise.
 *
 * Return: As for libvss_wmd_add_file_group(); -EINVAL if @comp is not a
 * database.
 */
int libvss_wmd_add_database_files(struct libvss_wmd_component *comp,
				  const char *path, const char *filespec,
				  bool recursive,
				  const char *alternate_location);

/**
 * libvss_wmd_add_log_files() - Add log files to a database component
 *   (AddDatabaseLogFiles).
 * @comp: Component, of type LIBVSS_COMPONENT_DATABASE.
 * @path: As for libvss_wmd_add_file_group().
 * @filespec: Likewise.
 * @recursive: Likewise.
 * @alternate_location: Likewise.
 *
 * Return: As for libvss_wmd_add_database_files().
 */
int libvss_wmd_add_log_files(struct libvss_wmd_component *comp,
			     const char *path, const char *filespec,
			     bool recursive, const char *alternate_location);

/**
 * libvss_wmd_to_json() - Write a writer metadata document.
 * @wmd: Document.
 * @jsonp: Set to the JSON text (compact, NUL-terminated), which the caller
 *   frees with free(); to NULL on failure.
 *
 * Return: 0 on success; -E2BIG if the text with its NUL would exceed
 * VSS_DOCUMENT_MAX bytes, the most the module carries; -EINVAL if an
 * argument is NULL; -ENOMEM.
 */
int libvss_wmd_to_json(const struct libvss_wmd *wmd, char **jsonp);

/**
 * libvss_wmd_parse() - Read a writer metadata document.
 * @json: NUL-terminated JSON text.
 * @wmdp: Set to the document on success, to NULL on failure.
 *
 * Fields this library does not know are ignored.
 *
 * Return: 0 on success; -EPROTONOSUPPORT if the document's version is not
 * LIBVSS_DOC_VERSION; -EINVAL if @json is not JSON, not a writer metadata
 * document, or breaks its schema (a missing or mistyped field, an unknown
 * name, a duplicate component, files of the wrong kind for a component);
 * -ENOMEM.
 */
int libvss_wmd_parse(const char *json, struct libvss_wmd **wmdp);

/* Getters. Strings and ids are owned by the document. */
const uint8_t *libvss_wmd_class_id(const struct libvss_wmd *wmd);
const uint8_t *libvss_wmd_instance_id(const struct libvss_wmd *wmd);
const char *libvss_wmd_name(const struct libvss_wmd *wmd);
/* NULL if it has none. */
const char *libvss_wmd_instance_name(const struct libvss_wmd *wmd);
/* An enum libvss_restore_method value. */
uint32_t libvss_wmd_restore_method(const struct libvss_wmd *wmd);
/* NULL if none was given. */
const char *libvss_wmd_restore_service(const struct libvss_wmd *wmd);
/* An enum libvss_writer_restore value. */
uint32_t libvss_wmd_writer_restore(const struct libvss_wmd *wmd);
bool libvss_wmd_reboot_required(const struct libvss_wmd *wmd);
/* LIBVSS_BACKUP_TYPE_BIT() of each supported backup type. */
uint32_t libvss_wmd_backup_types(const struct libvss_wmd *wmd);

/**
 * libvss_wmd_component_count() - Number of components of a writer.
 * @wmd: Document.
 *
 * Return: The count; components are numbered from 0 in the order added.
 */
size_t libvss_wmd_component_count(const struct libvss_wmd *wmd);

/**
 * libvss_wmd_component() - One component of a writer.
 * @wmd: Document.
 * @i: Its number, below libvss_wmd_component_count().
 *
 * Return: The component, owned by @wmd; NULL if @i is out of range.
 */
const struct libvss_wmd_component *
libvss_wmd_component(const struct libvss_wmd *wmd, size_t i);

/* An enum libvss_component_type value. */
uint32_t
libvss_wmd_component_type(const struct libvss_wmd_component *comp);
/* "" if it has none. */
const char *
libvss_wmd_component_logical_path(const struct libvss_wmd_component *comp);
const char *
libvss_wmd_component_name(const struct libvss_wmd_component *comp);
/* NULL if it has none. */
const char *
libvss_wmd_component_caption(const struct libvss_wmd_component *comp);
/* Mask of enum libvss_component_flags. */
uint32_t
libvss_wmd_component_flags(const struct libvss_wmd_component *comp);

/**
 * libvss_wmd_files_count() - Number of file specs of one kind.
 * @comp: Component.
 * @kind: An enum libvss_files_kind value.
 *
 * Return: The count (0 for a kind the component's type does not have, or
 * an unknown @kind).
 */
size_t libvss_wmd_files_count(const struct libvss_wmd_component *comp,
			      uint32_t kind);

/**
 * libvss_wmd_files() - One file spec of a component.
 * @comp: Component.
 * @kind: An enum libvss_files_kind value.
 * @i: Its number, below libvss_wmd_files_count().
 *
 * Return: The file spec, owned by the document; NULL if out of range.
 */
const struct libvss_wmd_files *
libvss_wmd_files(const struct libvss_wmd_component *comp, uint32_t kind,
		 size_t i);

const char *libvss_wmd_files_path(const struct libvss_wmd_files *files);
const char *libvss_wmd_files_filespec(const struct libvss_wmd_files *files);
bool libvss_wmd_files_recursive(const struct libvss_wmd_files *files);
/* NULL if it has none. */
const char *
libvss_wmd_files_alternate_location(const struct libvss_wmd_files *files);

/* ---- Backup components document ---- */

/**
 * libvss_bcd_new() - Start a backup components document (SetBackupState).
 * @backup_type: A VSS_BACKUP_TYPE_* value.
 * @flags: Mask of enum libvss_bcd_flags.
 * @bcdp: Set to the new document on success, to NULL on failure.
 *
 * Return: 0 on success; -EINVAL if @backup_type or @flags is unknown or
 * @bcdp is NULL; -ENOMEM.
 */
int libvss_bcd_new(uint32_t backup_type, uint32_t flags,
		   struct libvss_bcd **bcdp);

/**
 * libvss_bcd_free() - Free a backup components document.
 * @bcd: Document; may be NULL.
 */
void libvss_bcd_free(struct libvss_bcd *bcd);

/**
 * libvss_bcd_add_component() - Select a component of a writer
 *   (AddComponent).
 * @bcd: Document.
 * @class_id: LIBVSS_ID_SIZE bytes: the writer's class id.
 * @instance_id: LIBVSS_ID_SIZE bytes: the writer's instance id.
 * @logical_path: The component's logical path; NULL or "" for none.
 * @name: The component's name, not empty.
 * @compp: Set to the new component, owned by @bcd; may be NULL.
 *
 * Components of one writer are kept together, writers in the order their
 * first component was added. A new component is not backed up yet, not
 * selected for restore, has no backup options and an undefined restore
 * target and status.
 *
 * Return: 0 on success; -EEXIST if it is selected already; -EINVAL if an
 * argument is NULL (but @logical_path and @compp), @name is empty or a
 * string is not UTF-8; -ENOMEM.
 */
int libvss_bcd_add_component(struct libvss_bcd *bcd,
			     const uint8_t class_id[LIBVSS_ID_SIZE],
			     const uint8_t instance_id[LIBVSS_ID_SIZE],
			     const char *logical_path, const char *name,
			     struct libvss_bcd_component **compp);

/**
 * libvss_bcd_find_component() - Look up a selected component.
 * @bcd: Document.
 * @class_id: As for libvss_bcd_add_component().
 * @instance_id: Likewise.
 * @logical_path: Likewise.
 * @name: Likewise.
 * @compp: Set to the component, owned by @bcd.
 *
 * Return: 0 on success; -ENOENT if it is not selected; -EINVAL if an
 * argument is NULL (but @logical_path).
 */
int libvss_bcd_find_component(struct libvss_bcd *bcd,
			      const uint8_t class_id[LIBVSS_ID_SIZE],
			      const uint8_t instance_id[LIBVSS_ID_SIZE],
			      const char *logical_path, const char *name,
			      struct libvss_bcd_component **compp);

/**
 * libvss_bcd_set_backup_succeeded() - Record whether a component was
 *   backed up (SetBackupSucceeded), before BackupComplete.
 * @bcd: Document.
 * @class_id: As for libvss_bcd_add_component().
 * @instance_id: Likewise.
 * @logical_path: Likewise.
 * @name: Likewise.
 * @succeeded: Whether it was.
 *
 * Return: As for libvss_bcd_find_component().
 */
int libvss_bcd_set_backup_succeeded(struct libvss_bcd *bcd,
				    const uint8_t class_id[LIBVSS_ID_SIZE],
				    const uint8_t instance_id[LIBVSS_ID_SIZE],
				    const char *logical_path, const char *name,
				    bool succeeded);

/* Setters of one component. Each returns 0, or -EINVAL for an unknown
 * value or a string that is not UTF-8, or -ENOMEM. */
int libvss_bcd_component_set_backup_succeeded(struct libvss_bcd_component *comp,
					      bool succeeded);
/* SetBackupOptions: free text for the writer; NULL for none. */
int libvss_bcd_component_set_backup_options(struct libvss_bcd_component *comp,
					    const char *options);
/* SetSelectedForRestore. */
int libvss_bcd_component_set_selected_for_restore(struct libvss_bcd_component *comp,
						  bool selected);
/* SetRestoreTarget: an enum libvss_restore_target value. */
int libvss_bcd_component_set_restore_target(struct libvss_bcd_component *comp,
					    uint32_t target);
/* SetFileRestoreStatus and a failure message (NULL for none): an enum
 * libvss_restore_status value. */
int libvss_bcd_component_set_restore_status(struct libvss_bcd_component *comp,
					    uint32_t status,
					    const char *message);

/**
 * libvss_bcd_to_json() - Write a backup components document.
 * @bcd: Document.
 * @jsonp: As for libvss_wmd_to_json().
 *
 * Return: As for libvss_wmd_to_json().
 */
int libvss_bcd_to_json(const struct libvss_bcd *bcd, char **jsonp);

/**
 * libvss_bcd_parse() - Read a backup components document.
 * @json: NUL-terminated JSON text.
 * @bcdp: Set to the document on success, to NULL on failure.
 *
 * Return: As for libvss_wmd_parse(), for a backup components document (a
 * component selected twice is -EINVAL).
 */
int libvss_bcd_parse(const char *json, struct libvss_bcd **bcdp);

/**
 * libvss_bcd_set_volume_token() - Record a volume's backup stamp.
 * @bcd: Document.
 * @volume: The volume, as the requester names it (libvss_bcd_set_snapset_tokens()
 *   uses the snapshot's origin, its kernel name); not empty.
 * @token: The changed-block tracking token of the snapshot the backup
 *   copied (libvss_snapshot_token()).
 *
 * VSS's backup stamp, per volume: the requester keeps the document of its
 * last successful backup and reads the token back
 * (libvss_bcd_volume_token()) as the "since" of the next incremental (from
 * the last backup's document) or differential (from the last full one's).
 * Written as the document's "volumes" member (Documentation/documents.md);
 * a document without tokens is written as before. Setting a volume again
 * replaces its token.
 *
 * Return: 0; -EINVAL if @bcd is NULL, @volume is empty or not a string a
 * document holds, or @token is not a token (libvss_token_check()); -ENOMEM.
 */
int libvss_bcd_set_volume_token(struct libvss_bcd *bcd, const char *volume,
				const char *token);

/**
 * libvss_bcd_set_snapset_tokens() - Record the stamps of a snapshot set.
 * @bcd: Document.
 * @set: The set the backup copied (libvss_backup_snapset(),
 *   libvss_snapshot_create()).
 *
 * libvss_bcd_set_volume_token() of every snapshot of @set, keyed by its
 * origin (libvss_snapset_entry_origin()).
 *
 * Return: 0; -ENODATA if the module gave a snapshot no token (no
 * VSS_FEATURE_CHANGE_TRACKING); -EINVAL if @bcd or @set is NULL; -ENOMEM.
 */
int libvss_bcd_set_snapset_tokens(struct libvss_bcd *bcd,
				  const struct libvss_snapset *set);

/**
 * libvss_bcd_volume_token() - A volume's backup stamp.
 * @bcd: Document.
 * @volume: The volume, as it was recorded.
 *
 * Return: The token, owned by @bcd; NULL if @volume has none.
 */
const char *libvss_bcd_volume_token(const struct libvss_bcd *bcd,
				    const char *volume);

/**
 * libvss_bcd_volume_count() - Number of volumes with a backup stamp.
 * @bcd: Document.
 *
 * Return: The count, in the order they were recorded.
 */
size_t libvss_bcd_volume_count(const struct libvss_bcd *bcd);

/**
 * libvss_bcd_volume() - One volume with a backup stamp.
 * @bcd: Document.
 * @i: Index, from 0 to libvss_bcd_volume_count() - 1.
 *
 * Return: The volume's name, owned by @bcd; NULL if @i is out of range.
 */
const char *libvss_bcd_volume(const struct libvss_bcd *bcd, size_t i);

/* Getters. */
/* A VSS_BACKUP_TYPE_* value. */
uint32_t libvss_bcd_backup_type(const struct libvss_bcd *bcd);
/* Mask of enum libvss_bcd_flags. */
uint32_t libvss_bcd_flags(const struct libvss_bcd *bcd);
/* Writers with selected components, numbered from 0. */
size_t libvss_bcd_writer_count(const struct libvss_bcd *bcd);
/* NULL if @i is out of range. */
const struct libvss_bcd_writer *
libvss_bcd_writer(const struct libvss_bcd *bcd, size_t i);
const uint8_t *libvss_bcd_writer_class_id(const struct libvss_bcd_writer *w);
const uint8_t *
libvss_bcd_writer_instance_id(const struct libvss_bcd_writer *w);
size_t libvss_bcd_writer_component_count(const struct libvss_bcd_writer *w);
/* NULL if @i is out of range. */
const struct libvss_bcd_component *
libvss_bcd_writer_component(const struct libvss_bcd_writer *w, size_t i);
/* "" if it has none. */
const char *
libvss_bcd_component_logical_path(const struct libvss_bcd_component *comp);
const char *libvss_bcd_component_name(const struct libvss_bcd_component *comp);
bool
libvss_bcd_component_backup_succeeded(const struct libvss_bcd_component *comp);
/* NULL if none. */
const char *
libvss_bcd_component_backup_options(const struct libvss_bcd_component *comp);
bool libvss_bcd_component_selected_for_restore(const struct libvss_bcd_component *comp);
/* An enum libvss_restore_target value. */
uint32_t
libvss_bcd_component_restore_target(const struct libvss_bcd_component *comp);
/* An enum libvss_restore_status value. */
uint32_t
libvss_bcd_component_restore_status(const struct libvss_bcd_component *comp);
/* NULL if none. */
const char *
libvss_bcd_component_restore_message(const struct libvss_bcd_component *comp);

#ifdef __cplusplus
}
#endif

#endif /* LIBVSS_DOC_H */
