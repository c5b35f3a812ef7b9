// SPDX-License-Identifier: GPL-2.0
/*
 * `vssctl backup`: the snapshots mounted read-only for COMMAND, in a mount
 * namespace of vssctl's own on a tmpfs over RUN_DIR: COMMAND and its
 * children see them, nobody else does, and the kernel takes them away
 * when the last of these processes ends, even if vssctl is SIGKILLed. A
 * filesystem the host does not already trust is not mounted: COMMAND gets
 * the device.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "backup.h"
#include "mount.h"
#include "vssctl.h"

/*
 * Whether to mount the filesystem found on @v's snapshot: only one the
 * host already trusts (its origin is mounted here, by the same driver),
 * unless --mount-untrusted. Otherwise COMMAND gets the device, which it
 * reads as data, without the kernel parsing it as a filesystem.
 */
static int trust(const struct backup *bk, struct volume *v)
{
	bool trusted;
	int err;

	err = vssctl_mount_plan(v->origin, v->fs, &trusted, v->data);
	if (err) {
		say("cannot tell how %s is mounted: %s", v->origin, strerror(-err));
		return err;
	}
	if (trusted)
		return 0;
	if (bk->mount_untrusted) {
		say("%s: %s holds %s, %s is not mounted here as such: mounted anyway (--mount-untrusted)",
		    v->arg, v->device, v->fs->name, v->origin);
		return 0;
	}
	say("%s: %s holds %s, but %s is not mounted here as such: not mounted (the host does not trust it), COMMAND gets the device",
	    v->arg, v->device, v->fs->name, v->origin);
	vssctl_hint("--mount-untrusted mounts it anyway, with the kernel parsing whatever the volume holds");
	v->fs = NULL;
	return 0;
}

/* Each snapshot on RUN_DIR/backup-SETID/N, in a namespace of our own. */
int backup_expose_all(struct backup *bk)
{
	unsigned int i;
	int err;

	err = vssctl_private_mounts(RUN_DIR);
	if (err) {
		say("cannot make a private mount namespace on %s: %s", RUN_DIR,
		    strerror(-err));
		return err;
	}
	bk->ns = true;
	snprintf(bk->base, sizeof(bk->base), RUN_DIR "/backup-%s", bk->set_id);
	err = vssctl_mkdir(bk->base);
	if (err) {
		say("cannot make %s: %s", bk->base, strerror(-err));
		return err;
	}
	bk->base_made = true;
	for (i = 0; i < bk->nr_vols && !backup_read_signals(bk); i++) {
		struct volume *v = &bk->vols[i];

		err = vssctl_probe(v->device, &v->fs);
		if (err) {
			say("cannot read %s: %s", v->device, strerror(-err));
			return err;
		}
		if (!v->fs) {
			say("%s: %s holds no filesystem to mount: COMMAND gets the device",
			    v->arg, v->device);
			continue;
		}
		err = trust(bk, v);
		if (err)
			return err;
		if (!v->fs)
			continue;
		snprintf(v->dir, sizeof(v->dir), "%s/%u", bk->base, i);
		err = vssctl_mkdir(v->dir);
		if (err) {
			say("cannot make %s: %s", v->dir, strerror(-err));
			return err;
		}
		v->dir_made = true;
		err = vssctl_mount_ro(v->device, v->dir, v->fs, v->data);
		if (err) {
			say("cannot mount %s (%s) on %s: %s", v->device, v->fs->name,
			    v->dir, strerror(-err));
			return err;
		}
		v->mounted = true;
		say("%s: %s (%s) at %s", v->arg, v->device, v->fs->name, v->dir);
	}
	return 0;
}

/*
 * Unmounts and removes what backup_expose_all() made, last first: 0, or
 * the last failure (reported); a directory still mounted stays.
 */
int backup_unexpose_all(struct backup *bk)
{
	unsigned int i;
	int err, ret = 0;

	for (i = bk->nr_vols; i-- > 0;) {
		struct volume *v = &bk->vols[i];

		if (v->mounted) {
			err = vssctl_umount(v->dir);
			if (err) {
				say("cannot unmount %s: %s%s", v->dir, strerror(-err),
				    err == -EBUSY ? " (a process COMMAND left behind uses it; the mount goes when it ends)" : "");
				ret = err;
				continue;
			}
			v->mounted = false;
		}
		if (v->dir_made && !vssctl_rmdir(v->dir))
			v->dir_made = false;
	}
	if (bk->base_made && !ret && !vssctl_rmdir(bk->base))
		bk->base_made = false;
	return ret;
}
