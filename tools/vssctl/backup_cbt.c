// SPDX-License-Identifier: GPL-2.0
/*
 * `vssctl backup --since TOKEN`: per volume, the file of extents changed
 * since the token (Documentation/vssctl-backup.md): one "OFFSET LENGTH"
 * line per extent, in bytes, decimal, sorted, as `snapshot changes`
 * prints them. ESTALE is not a failure of the backup: the volume needs a
 * full copy, COMMAND is told so (VSS_FULL_n=1) and the reason goes to
 * stderr. A file is written whole or not at all: on any failure it is
 * removed, never left short.
 */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "backup_cbt.h"
#include "mount.h"
#include "vssctl.h"

int vssctl_changes_file(struct libvss_ctx *ctx, const uint8_t *id,
			const char *since, const char *path, const char *what,
			bool *full)
{
	struct libvss_changes *it;
	uint64_t off, len;
	FILE *f;
	int fd, err, werr = 0;

	*full = false;
	fd = vssctl_create(path);
	if (fd < 0) {
		fprintf(stderr, "vssctl: cannot create %s: %s\n", path, strerror(-fd));
		return fd;
	}
	f = fdopen(fd, "w");
	if (!f) {
		err = -errno;
		close(fd);
		vssctl_unlink(path);
		return err;
	}
	err = libvss_changes_open(ctx, id, since, 0, &it);
	if (!err)
		while ((err = libvss_changes_next(it, &off, &len)) == 1)
			if (fprintf(f, "%" PRIu64 " %" PRIu64 "\n", off, len) < 0)
				werr = -EIO;
	if (err == -ESTALE) {
		const char *r = libvss_stale_reason_name(libvss_ext_stale_reason(ctx));

		fflush(stdout);
		fprintf(stderr, "vssctl: %s: a full copy is needed (reason %s): %s\n",
			what, r ? r : "unknown",
			libvss_ext_error(ctx) ? libvss_ext_error(ctx) : "ESTALE");
		*full = true;
	} else if (err) {
		vssctl_lib_error(ctx, err, "%s: cannot read the changes", what);
	}
	if (it)
		libvss_changes_close(it);
	if (fclose(f) && !werr)
		werr = -EIO;
	if (!err && werr) {
		fprintf(stderr, "vssctl: cannot write %s: %s\n", path, strerror(-werr));
		err = werr;
	}
	if (err)
		vssctl_unlink(path);
	return *full ? 0 : err;
}
