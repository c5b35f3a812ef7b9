// SPDX-License-Identifier: GPL-2.0
/*
 * The MariaDB writer's event logic (myw.h).
 *
 * Why the stages are split between PrepareForSnapshot and Freeze: BACKUP
 * STAGE START blocks nothing a client does (it only keeps Aria from
 * purging its logs and starts the DDL log) and FLUSH blocks no commit (it
 * closes the non-transactional tables not in use, and holds new writes to
 * non-transactional tables: MyISAM writes wait from here to END)
 * but FLUSH writes them out and can take a while; done before Freeze they
 * cost the freeze window nothing.
 * BLOCK_DDL and BLOCK_COMMIT are what stops the server: they are taken at
 * Freeze, right before the module freezes the filesystems, and released
 * at Thaw, right after it thaws them, so commits wait only for as long as
 * the snapshot takes (mariabackup's own order, with the copy replaced by
 * the snapshot's instant).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libvss.h>
#include <libvss-doc.h>

#include "myw.h"
#include "result.h"
#include "../common/writerd.h"

unsigned int myw_identify(struct myw *p)
{
	unsigned int i, known = 0;
	char msg[PATH_MAX + 256];

	for (i = 0; i < p->n; i++) {
		if (mys_discover(&p->sv[i], msg, sizeof(msg)))
			writerd_warn("%s%s", msg, p->sv[i].known ?
				     " (its paths as last read are reported)" : "");
		known += p->sv[i].known;
	}
	return known;
}

/* "MariaDB 10.11.6 server on /dev/vdb (/srv), tmpfs (/mnt/log)": each volume once. */
static void caption(const struct mys *s, char *buf, size_t size)
{
	size_t len;
	unsigned int i, j;

	/* "10.11.6-MariaDB-0+deb12u1-log": the number alone. */
	len = (size_t)snprintf(buf, size, "%s %.*s server on ",
			       s->mariadb ? "MariaDB" : "MySQL",
			       (int)strcspn(s->version, "-"), s->version);
	for (i = 0; i < s->npaths && len < size; i++) {
		for (j = 0; j < i && s->paths[j].dev != s->paths[i].dev; j++)
			;
		if (j < i)
			continue;
		len += (size_t)snprintf(buf + len, size - len, "%s%s (%s)",
					i ? ", " : "", s->paths[i].source,
					s->paths[i].mount);
	}
}

int myw_metadata(const struct myw *p, const uint8_t class_id[16],
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
	/* A restore is files put back with the server stopped; no part for the writer. */
	if (!err)
		err = libvss_wmd_set_restore_method(wmd,
			LIBVSS_RESTORE_STOP_START, "mariadb",
			LIBVSS_WRITER_RESTORE_NEVER, false);
	for (i = 0; !err && i < p->n; i++) {
		const struct mys *s = &p->sv[i];
		struct libvss_wmd_component *comp;
		char cap[2048];

		if (!s->known)
			continue;
		caption(s, cap, sizeof(cap));
		err = libvss_wmd_add_component(wmd, LIBVSS_COMPONENT_DATABASE,
					       "MariaDB", s->name, cap,
					       LIBVSS_COMPONENT_F_SELECTABLE, &comp);
		for (k = 0; !err && k < s->npaths; k++) {
			if (s->paths[k].log)
				err = libvss_wmd_add_log_files(comp, s->paths[k].path,
							       "*", true, NULL);
			else
				err = libvss_wmd_add_database_files(comp, s->paths[k].path,
								    "*", true, NULL);
		}
	}
	if (!err)
		err = libvss_wmd_to_json(wmd, json);
	libvss_wmd_free(wmd);
	return err;
}

void myw_end(struct myw *p, uint32_t session, const char *why)
{
	unsigned int i, ended = 0;

	if (!p->session || (session && session != p->session))
		return;
	for (i = 0; i < p->n; i++) {
		ended += p->sv[i].bk != NULL;
		mys_backup_end(&p->sv[i]);
		p->sv[i].involved = false;
	}
	if (ended)
		writerd_info("session %u: backup locks released on %u of %u servers (%s)",
			     p->session, ended, p->n, why);
	p->session = 0;
}

int myw_prepare(struct myw *p, uint32_t session, const char *set_id,
		const char *const *volumes, unsigned int nvol, long budget_ms,
		char *msg, size_t size, bool *retryable)
{
	long end_ms = writerd_now_ms() + budget_ms;
	unsigned int i, involved = 0;

	*retryable = true;
	if (p->session) {	/* one set at a time: the module's rule too */
		snprintf(msg, size, "backup locks held for session %u already", p->session);
		return -1;
	}
	for (i = 0; i < p->n; i++) {
		struct mys *s = &p->sv[i];

		s->involved = false;
		if (mys_discover(s, msg, size) && !s->known) {
			/* A server down with no path ever read: it cannot be on the set. */
			writerd_warn("%s: not taking part", msg);
			continue;
		}
		/* Its paths as last read if the server does not answer now. */
		switch (mys_coverage(s, volumes, nvol, msg, size)) {
		case MYS_SET_PARTIAL:
			*retryable = false;
			return -1;
		case MYS_SET_ALL:
			if (!s->mariadb) {
				snprintf(msg, size,
					 "server %s: %s is not MariaDB: vss-mysql-writer takes MariaDB's backup locks (BACKUP STAGE) only",
					 s->name, s->version);
				*retryable = false;
				return -1;
			}
			s->involved = true;
			involved++;
			break;
		case MYS_SET_NONE:
			break;
		}
	}
	if (!involved)
		return 0;
	p->session = session;
	p->deadline_ms = writerd_now_ms() + p->backup_timeout_ms;
	snprintf(p->set_id, sizeof(p->set_id), "%s", set_id);
	for (i = 0; i < p->n; i++) {
		struct mys *s = &p->sv[i];
		long left = end_ms - writerd_now_ms();

		if (!s->involved)
			continue;
		if (left <= 0 || mys_backup_prepare(s, left, msg, size)) {
			if (left <= 0)
				snprintf(msg, size, "server %s: out of time before BACKUP STAGE START",
					 s->name);
			myw_end(p, session, "prepare failed");
			return -1;
		}
		writerd_info("server %s: BACKUP STAGE START, FLUSH", s->name);
	}
	return 0;
}

int myw_freeze(struct myw *p, uint32_t session, long budget_ms, char *msg, size_t size)
{
	long end_ms = writerd_now_ms() + budget_ms;
	unsigned int i;

	if (!p->session || p->session != session)
		return 0;
	if (p->deadline_ms > writerd_now_ms() + p->freeze_timeout_ms)
		p->deadline_ms = writerd_now_ms() + p->freeze_timeout_ms;
	for (i = 0; i < p->n; i++) {
		struct mys *s = &p->sv[i];
		long left = end_ms - writerd_now_ms();

		if (!s->involved)
			continue;
		if (left <= 0 || mys_backup_block(s, left, msg, size)) {
			if (left <= 0)
				snprintf(msg, size, "server %s: out of time before BACKUP STAGE BLOCK_DDL",
					 s->name);
			myw_end(p, session, "freeze failed");
			return -1;
		}
		/* The mono time: a client's commit acknowledged before it is in the set. */
		writerd_info("server %s: BACKUP STAGE BLOCK_DDL, BLOCK_COMMIT at %s:%llu (GTID %s) at mono %llu",
			     s->name, s->binlog_file[0] ? s->binlog_file : "(no binary log)",
			     s->binlog_pos, s->gtid_binlog_pos,
			     (unsigned long long)writerd_now_ns());
	}
	return 0;
}

int myw_thaw(struct myw *p, uint32_t session, char *msg, size_t size)
{
	unsigned int i;
	int err = 0;

	if (!p->session || p->session != session)
		return 0;
	for (i = 0; i < p->n; i++) {
		struct mys *s = &p->sv[i];

		if (!s->involved)
			continue;
		if (s->stage != MYS_STAGE_BLOCK_COMMIT) {
			snprintf(msg, size, "server %s: Thaw without Freeze", s->name);
			err = -1;
		}
		mys_backup_end(s);
		if (!err)
			writerd_info("server %s: BACKUP STAGE END; commits blocked %ld ms",
				     s->name, s->held_ms);
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
	myw_end(p, session, err ? "thaw failed" : "thaw");
	return err;
}

long myw_tick(void *data)
{
	struct myw *p = data;
	long wait_ms;

	if (!p->session)
		return -1;
	wait_ms = p->deadline_ms - writerd_now_ms();
	if (wait_ms > 0)
		return wait_ms;
	writerd_warn("session %u: backup locks held to the writer's deadline without Thaw or Abort",
		     p->session);
	myw_end(p, 0, "deadline");
	return -1;
}
