// SPDX-License-Identifier: GPL-2.0
/*
 * The PostgreSQL writer's event logic (pgw.h).
 *
 * Why the backup starts at PrepareForSnapshot and not at Freeze: both the
 * CHECKPOINT and pg_backup_start(fast => true) write and wait for the
 * disk, and the set's filesystems are frozen right after the writers'
 * Freeze; done earlier, they cost the freeze window nothing. Between the
 * two the cluster runs normally: a non-exclusive backup only makes the
 * server write full-page images, so the snapshot taken at Freeze is a
 * base backup in PostgreSQL's own terms once pg_backup_stop() has been
 * called (at Thaw) and its backup_label kept.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libvss.h>
#include <libvss-doc.h>

#include "pgw.h"
#include "restore.h"
#include "../common/writerd.h"

unsigned int pgw_identify(struct pgw *p)
{
	unsigned int i, known = 0;
	char msg[PATH_MAX + 256];

	for (i = 0; i < p->n; i++) {
		if (pgc_discover(&p->cl[i], msg, sizeof(msg)))
			writerd_warn("%s%s", msg, p->cl[i].known ?
				     " (its paths as last read are reported)" : "");
		known += p->cl[i].known;
	}
	return known;
}

/* "/dev/vdb (/srv), tmpfs (/mnt/wal)": each volume once. */
static void caption(const struct pgc *c, char *buf, size_t size)
{
	size_t len;
	unsigned int i, j;

	len = (size_t)snprintf(buf, size, "PostgreSQL %s cluster on ", c->version);
	for (i = 0; i < c->npaths && len < size; i++) {
		for (j = 0; j < i && c->paths[j].dev != c->paths[i].dev; j++)
			;
		if (j < i)
			continue;
		len += (size_t)snprintf(buf + len, size - len, "%s%s (%s)",
					i ? ", " : "", c->paths[i].source,
					c->paths[i].mount);
	}
}

int pgw_metadata(const struct pgw *p, const uint8_t class_id[16],
		 const uint8_t instance_id[16], char **json)
{
	struct libvss_wmd *wmd;
	unsigned int i, k;
	int err;

	err = libvss_wmd_new(class_id, instance_id, p->name, NULL, &wmd);
	if (!err)
		err = libvss_wmd_set_backup_types(wmd,
			LIBVSS_BACKUP_TYPE_BIT(VSS_BACKUP_TYPE_FULL) |
			LIBVSS_BACKUP_TYPE_BIT(VSS_BACKUP_TYPE_COPY));
	/* The writer takes no part in a restore: see restore.h. */
	if (!err)
		err = libvss_wmd_set_restore_method(wmd,
			LIBVSS_RESTORE_STOP_START, "postgresql",
			LIBVSS_WRITER_RESTORE_NEVER, false);
	for (i = 0; !err && i < p->n; i++) {
		const struct pgc *c = &p->cl[i];
		struct libvss_wmd_component *comp;
		char cap[2048];

		if (!c->known)
			continue;
		caption(c, cap, sizeof(cap));
		err = libvss_wmd_add_component(wmd, LIBVSS_COMPONENT_DATABASE,
					       "PostgreSQL", c->name, cap,
					       LIBVSS_COMPONENT_F_SELECTABLE, &comp);
		for (k = 0; !err && k < c->npaths; k++) {
			if (!strcmp(c->paths[k].what, "pg_wal"))
				err = libvss_wmd_add_log_files(comp, c->paths[k].path,
							       "*", true, NULL);
			else
				err = libvss_wmd_add_database_files(comp, c->paths[k].path,
								    "*", true, NULL);
		}
	}
	if (!err)
		err = libvss_wmd_to_json(wmd, json);
	libvss_wmd_free(wmd);
	return err;
}

void pgw_end(struct pgw *p, uint32_t session, const char *why)
{
	unsigned int i, ended = 0;

	if (!p->session || (session && session != p->session))
		return;
	for (i = 0; i < p->n; i++) {
		ended += p->cl[i].in_backup;
		pgc_backup_end(&p->cl[i]);
		p->cl[i].involved = false;
	}
	if (ended)
		writerd_info("session %u: %u backups ended (%s)", p->session,
			     ended, why);
	p->session = 0;
}

int pgw_prepare(struct pgw *p, uint32_t session, const char *set_id,
		const char *const *volumes, unsigned int nvol, long budget_ms,
		char *msg, size_t size, bool *retryable)
{
	long end_ms = writerd_now_ms() + budget_ms;
	unsigned int i, involved = 0;
	char label[96];

	*retryable = true;
	if (p->session) {	/* one set at a time: the module's rule too */
		snprintf(msg, size, "backup mode held for session %u already", p->session);
		return -1;
	}
	for (i = 0; i < p->n; i++) {
		struct pgc *c = &p->cl[i];

		c->involved = false;
		if (pgc_discover(c, msg, size) && !c->known) {
			/* A server down with no path ever read: it cannot be on the set. */
			writerd_warn("%s: not taking part", msg);
			continue;
		}
		/* Its paths as last read if the server does not answer now. */
		switch (pgc_coverage(c, volumes, nvol, msg, size)) {
		case PGC_SET_PARTIAL:
			*retryable = false;
			return -1;
		case PGC_SET_ALL:
			c->involved = true;
			involved++;
			break;
		case PGC_SET_NONE:
			break;
		}
	}
	if (!involved)
		return 0;
	p->session = session;
	p->deadline_ms = writerd_now_ms() + p->backup_timeout_ms;
	snprintf(p->set_id, sizeof(p->set_id), "%s", set_id);
	snprintf(label, sizeof(label), "vss %s", set_id);
	for (i = 0; i < p->n; i++) {
		struct pgc *c = &p->cl[i];
		long left = end_ms - writerd_now_ms(), t0;

		if (!c->involved)
			continue;
		t0 = writerd_now_ms();
		if (left <= 0 || pgc_backup_start(c, label, left, msg, size)) {
			if (left <= 0)
				snprintf(msg, size, "cluster %s: out of time before pg_backup_start()",
					 c->name);
			pgw_end(p, session, "prepare failed");
			return -1;
		}
		c->started_ms = writerd_now_ms();
		writerd_info("cluster %s: backup started at %s (CHECKPOINT, pg_backup_start: %ld ms) at mono %llu",
			     c->name, c->start_lsn, c->started_ms - t0,
			     (unsigned long long)writerd_now_ns());
	}
	return 0;
}

int pgw_freeze(struct pgw *p, uint32_t session, char *msg, size_t size)
{
	unsigned int i;

	if (p->session != session)
		return 0;
	for (i = 0; i < p->n; i++)
		if (p->cl[i].involved && pgc_backup_alive(&p->cl[i], msg, size)) {
			pgw_end(p, session, "session lost");
			return -1;
		}
	return 0;
}

int pgw_thaw(struct pgw *p, uint32_t session, char *msg, size_t size)
{
	unsigned int i;
	int err = 0;

	if (!p->session || p->session != session)
		return 0;
	for (i = 0; i < p->n; i++) {
		struct pgc *c = &p->cl[i];

		if (!c->involved)
			continue;
		if (pgc_backup_stop(c, msg, size)) {
			err = -1;
			break;
		}
		writerd_info("cluster %s: backup stopped at %s (started at %s; %ld ms in backup mode)",
			     c->name, c->stop_lsn, c->start_lsn, writerd_now_ms() - c->started_ms);
	}
	if (!err) {
		snprintf(p->result, sizeof(p->result), "%s/%s.json", p->state_dir,
			 p->set_id);
		err = result_write(p, p->result, msg, size);
		if (err)
			p->result[0] = 0;
		else
			writerd_info("session %u: result in %s", session, p->result);
	}
	pgw_end(p, session, err ? "thaw failed" : "thaw");
	return err;
}

long pgw_tick(void *data)
{
	struct pgw *p = data;
	long wait_ms;

	if (!p->session)
		return -1;
	wait_ms = p->deadline_ms - writerd_now_ms();
	if (wait_ms > 0)
		return wait_ms;
	writerd_warn("session %u: backup mode for the whole backup timeout without Thaw or Abort",
		     p->session);
	pgw_end(p, 0, "deadline");
	return -1;
}
