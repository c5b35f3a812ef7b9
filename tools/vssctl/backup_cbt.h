/* SPDX-License-Identifier: GPL-2.0 */
#ifndef VSSCTL_BACKUP_CBT_H
#define VSSCTL_BACKUP_CBT_H

#include <stdbool.h>
#include <stdint.h>
#include <libvss.h>

/*
 * Writes the extents of snapshot @id changed since @since to a new file
 * @path (created, never followed). 0 with *@full false: written; 0 with
 * *@full true: ESTALE, explained on stderr, no file; -errno: failed,
 * reported, no file. @what names the volume in messages.
 */
int vssctl_changes_file(struct libvss_ctx *ctx, const uint8_t *id,
			const char *since, const char *path, const char *what,
			bool *full);

#endif /* VSSCTL_BACKUP_CBT_H */
