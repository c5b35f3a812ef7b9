// SPDX-License-Identifier: GPL-2.0
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <linux/genetlink.h>
#include <linux/vss.h>

#include "vss_storage.h"

static void put_str(struct vss_nl_msg *m, uint16_t type, const char *s)
{
	vss_nl_put(m, type, s, strlen(s) + 1);
}

static void put_thresholds(struct vss_nl_msg *m, const uint32_t *thr,
			   unsigned int nr)
{
	unsigned int i;

	for (i = 0; i < nr; i++)
		vss_nl_put(m, VSS_A_STORAGE_THRESHOLD, &thr[i], sizeof(thr[i]));
}

int vss_storage_add_ex(struct vss_nl *nl, const char *origin, uint32_t kind,
		       const char *dir, uint64_t max_bytes, uint32_t chunk_bytes,
		       const uint32_t *thresholds, unsigned int nr_thr)
{
	struct vss_nl_msg m;

	vss_nl_msg_init(&m, nl->family, VSS_CMD_STORAGE_ADD, VSS_FAMILY_VERSION);
	put_str(&m, VSS_A_STORAGE_ORIGIN, origin);
	vss_nl_put(&m, VSS_A_STORAGE_KIND, &kind, sizeof(kind));
	vss_nl_put(&m, VSS_A_STORAGE_MAX_BYTES, &max_bytes, sizeof(max_bytes));
	if (chunk_bytes)
		vss_nl_put(&m, VSS_A_STORAGE_CHUNK_BYTES, &chunk_bytes,
			   sizeof(chunk_bytes));
	if (dir)
		put_str(&m, VSS_A_STORAGE_PATH, dir);
	put_thresholds(&m, thresholds, nr_thr);
	return vss_nl_transact(nl, &m, NULL, 0);
}

int vss_storage_set(struct vss_nl *nl, const char *origin, uint64_t max_bytes,
		    const uint32_t *thresholds, unsigned int nr_thr)
{
	struct vss_nl_msg m;

	vss_nl_msg_init(&m, nl->family, VSS_CMD_STORAGE_SET, VSS_FAMILY_VERSION);
	put_str(&m, VSS_A_STORAGE_ORIGIN, origin);
	if (max_bytes)
		vss_nl_put(&m, VSS_A_STORAGE_MAX_BYTES, &max_bytes,
			   sizeof(max_bytes));
	put_thresholds(&m, thresholds, nr_thr);
	return vss_nl_transact(nl, &m, NULL, 0);
}

int vss_storage_get(struct vss_nl *nl, const char *origin,
		    struct vss_storage_info *info)
{
	static char reply[VSS_NL_BUF];
	const struct nlattr *a;
	struct vss_nl_msg m;
	int len, off;

	vss_nl_msg_init(&m, nl->family, VSS_CMD_STORAGE_GET, VSS_FAMILY_VERSION);
	put_str(&m, VSS_A_STORAGE_ORIGIN, origin);
	len = vss_nl_transact(nl, &m, reply, sizeof(reply));
	if (len < 0)
		return len;
	memset(info, 0, sizeof(*info));
	off = NLMSG_LENGTH(GENL_HDRLEN);
	while (off + (int)sizeof(*a) <= len) {
		const void *p;

		a = (const void *)(reply + off);
		if (a->nla_len < sizeof(*a) || off + a->nla_len > len)
			return -EBADMSG;
		p = a + 1;
		switch (a->nla_type) {
		case VSS_A_STORAGE_KIND:
			memcpy(&info->kind, p, 4);
			break;
		case VSS_A_STORAGE_MAX_BYTES:
			memcpy(&info->max_bytes, p, 8);
			break;
		case VSS_A_STORAGE_USED_BYTES:
			memcpy(&info->used_bytes, p, 8);
			break;
		case VSS_A_STORAGE_FILE_BYTES:
			memcpy(&info->file_bytes, p, 8);
			break;
		case VSS_A_STORAGE_CHUNK_BYTES:
			memcpy(&info->chunk_bytes, p, 4);
			break;
		case VSS_A_STORAGE_THRESHOLD:
			if (info->nr_thresholds < 8)
				memcpy(&info->thresholds[info->nr_thresholds++], p, 4);
			break;
		case VSS_A_STORAGE_PATH:
			snprintf(info->path, sizeof(info->path), "%s", (const char *)p);
			break;
		}
		off += NLA_ALIGN(a->nla_len);
	}
	return 0;
}

int64_t vss_snapshot_storage_used(struct vss_nl *nl, const uint8_t id[16])
{
	static char reply[VSS_NL_BUF];
	const struct nlattr *a;
	struct vss_nl_msg m;
	uint64_t used;
	int len;

	vss_nl_msg_init(&m, nl->family, VSS_CMD_SNAPSHOT_GET, VSS_FAMILY_VERSION);
	vss_nl_put(&m, VSS_A_SNAPSHOT_ID, id, 16);
	len = vss_nl_transact(nl, &m, reply, sizeof(reply));
	if (len < 0)
		return len;
	a = vss_nl_attr(reply, len, VSS_A_SNAPSHOT_STORAGE_USED_BYTES);
	if (!a)
		return -EBADMSG;
	memcpy(&used, a + 1, sizeof(used));
	return used;
}
