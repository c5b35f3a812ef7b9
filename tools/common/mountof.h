/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Which mount holds a path: what the database writers report as a
 * component's volume and compare with a snapshot set's volumes.
 */
#ifndef VSS_TOOLS_MOUNTOF_H
#define VSS_TOOLS_MOUNTOF_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

/*
 * The mount of the filesystem @dev that holds @path (absolute, links
 * resolved): the longest mount point above it, bind mounts of one
 * filesystem being alike, from /proc/self/mountinfo. Unknown: @source
 * is "MAJ:MIN", @fstype and @mount "?".
 */
void writer_mount_of(const char *path, dev_t dev, char *source, size_t source_size,
		     char *fstype, size_t fstype_size, char *mount, size_t mount_size);

/*
 * Whether the filesystem @dev is a snapshot set's @volume: a block device
 * that is that filesystem's, or a path on it (a mount point).
 */
bool writer_dev_on_volume(dev_t dev, const char *volume);

#endif
