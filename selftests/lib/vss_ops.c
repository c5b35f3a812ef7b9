// SPDX-License-Identifier: GPL-2.0
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <dirent.h>
#include <sys/utsname.h>
#include <sys/wait.h>
#include <linux/genetlink.h>
#include <linux/vss.h>

#include "vss_ops.h"

#define VSS_IO_BLOCK 65536

static void put_str(struct vss_nl_msg *m, uint16_t type, const char *s)
{
	vss_nl_put(m, type, s, strlen(s) + 1);
}

int vss_storage_add(struct vss_nl *nl, const char *origin, uint64_t max_bytes,
		    uint32_t chunk_bytes)
{
	uint32_t kind = VSS_STORAGE_MEMORY;
	struct vss_nl_msg m;

	vss_nl_msg_init(&m, nl->family, VSS_CMD_STORAGE_ADD, VSS_FAMILY_VERSION);
	put_str(&m, VSS_A_STORAGE_ORIGIN, origin);
	vss_nl_put(&m, VSS_A_STORAGE_KIND, &kind, sizeof(kind));
	vss_nl_put(&m, VSS_A_STORAGE_MAX_BYTES, &max_bytes, sizeof(max_bytes));
	if (chunk_bytes)
		vss_nl_put(&m, VSS_A_STORAGE_CHUNK_BYTES, &chunk_bytes,
			   sizeof(chunk_bytes));
	return vss_nl_transact(nl, &m, NULL, 0);
}

int vss_storage_remove(struct vss_nl *nl, const char *origin)
{
	struct vss_nl_msg m;

	vss_nl_msg_init(&m, nl->family, VSS_CMD_STORAGE_REMOVE, VSS_FAMILY_VERSION);
	put_str(&m, VSS_A_STORAGE_ORIGIN, origin);
	return vss_nl_transact(nl, &m, NULL, 0);
}

int64_t vss_storage_used(struct vss_nl *nl, const char *origin)
{
	static char reply[VSS_NL_BUF];
	const struct nlattr *a;
	struct vss_nl_msg m;
	uint64_t used;
	int len;

	vss_nl_msg_init(&m, nl->family, VSS_CMD_STORAGE_GET, VSS_FAMILY_VERSION);
	put_str(&m, VSS_A_STORAGE_ORIGIN, origin);
	len = vss_nl_transact(nl, &m, reply, sizeof(reply));
	if (len < 0)
		return len;
	a = vss_nl_attr(reply, len, VSS_A_STORAGE_USED_BYTES);
	if (!a)
		return -EBADMSG;
	memcpy(&used, a + 1, sizeof(used));
	return used;
}

int vss_snapshot_create(struct vss_nl *nl, const char *const *vols,
			unsigned int nr, uint32_t flags, struct vss_set *set)
{
	static char reply[VSS_NL_BUF];
	const struct nlmsghdr *h = (const void *)reply;
	const struct nlattr *a;
	struct vss_nl_msg m;
	unsigned int i;
	int len, off;

	vss_nl_msg_init(&m, nl->family, VSS_CMD_SNAPSHOT_CREATE, VSS_FAMILY_VERSION);
	for (i = 0; i < nr; i++)
		put_str(&m, VSS_A_SNAPSHOT_VOLUME, vols[i]);
	vss_nl_put(&m, VSS_A_SNAPSHOT_FLAGS, &flags, sizeof(flags));
	len = vss_nl_transact(nl, &m, reply, sizeof(reply));
	if (len < 0)
		return len;

	memset(set, 0, sizeof(*set));
	a = vss_nl_attr(reply, len, VSS_A_SNAPSHOT_SET_ID);
	if (!a)
		return -EBADMSG;
	memcpy(set->set_id, a + 1, 16);
	a = vss_nl_attr(reply, len, VSS_A_SNAPSHOT_CONSISTENCY);
	if (a)
		memcpy(&set->consistency, a + 1, 4);
	a = vss_nl_attr(reply, len, VSS_A_SNAPSHOT_FREEZE_WINDOW_NS);
	if (a)
		memcpy(&set->window_ns, a + 1, 8);
	/* Walk the ENTRY nests in order. */
	for (off = NLMSG_LENGTH(GENL_HDRLEN); off + NLA_HDRLEN <= (int)h->nlmsg_len;) {
		const struct nlattr *e = (const void *)(reply + off);

		if (e->nla_len < NLA_HDRLEN)
			return -EBADMSG;

		if ((e->nla_type & NLA_TYPE_MASK) == VSS_A_SNAPSHOT_ENTRY &&
		    set->nr < VSS_TEST_MAX_VOLS) {
			int eoff = NLA_HDRLEN;

			while (eoff + NLA_HDRLEN <= e->nla_len) {
				const struct nlattr *x = (const void *)((const char *)e + eoff);

				if (x->nla_len < NLA_HDRLEN)
					return -EBADMSG;

				if (x->nla_type == VSS_A_SNAPSHOT_ID)
					memcpy(set->id[set->nr], x + 1, 16);
				else if (x->nla_type == VSS_A_SNAPSHOT_DEVICE)
					snprintf(set->device[set->nr],
						 sizeof(set->device[0]), "/dev/%s",
						 (const char *)(x + 1));
				eoff += NLA_ALIGN(x->nla_len);
			}
			set->nr++;
		}
		off += NLA_ALIGN(e->nla_len);
	}
	return set->nr == nr ? 0 : -EBADMSG;
}

static void get_u32(const void *reply, int len, uint16_t type, uint32_t *v)
{
	const struct nlattr *a = vss_nl_attr(reply, len, type);

	if (a)
		memcpy(v, a + 1, sizeof(*v));
}

int vss_snapshot_get(struct vss_nl *nl, const uint8_t id[16],
		     struct vss_snap_info *info)
{
	static char reply[VSS_NL_BUF];
	const struct nlattr *a;
	struct vss_nl_msg m;
	int len;

	vss_nl_msg_init(&m, nl->family, VSS_CMD_SNAPSHOT_GET, VSS_FAMILY_VERSION);
	vss_nl_put(&m, VSS_A_SNAPSHOT_ID, id, 16);
	len = vss_nl_transact(nl, &m, reply, sizeof(reply));
	if (len < 0)
		return len;
	memset(info, 0, sizeof(*info));
	get_u32(reply, len, VSS_A_SNAPSHOT_STATE, &info->state);
	get_u32(reply, len, VSS_A_SNAPSHOT_INVALID_REASON, &info->invalid_reason);
	get_u32(reply, len, VSS_A_SNAPSHOT_CONSISTENCY, &info->consistency);
	get_u32(reply, len, VSS_A_SNAPSHOT_FLAGS, &info->flags);
	a = vss_nl_attr(reply, len, VSS_A_SNAPSHOT_DEVICE);
	if (a)
		snprintf(info->device, sizeof(info->device), "/dev/%s",
			 (const char *)(a + 1));
	return 0;
}

static void count_one(const struct nlmsghdr *h, void *arg)
{
	(void)h;
	(*(int *)arg)++;
}

int vss_snapshot_count(struct vss_nl *nl)
{
	struct vss_nl_msg m;
	int n = 0, err;

	vss_nl_msg_init(&m, nl->family, VSS_CMD_SNAPSHOT_GET, VSS_FAMILY_VERSION);
	err = vss_nl_dump(nl, &m, count_one, &n);
	return err < 0 ? err : n;
}

int vss_snapshot_delete(struct vss_nl *nl, int selector, const void *key,
			size_t key_len)
{
	static char reply[VSS_NL_BUF];
	struct vss_nl_msg m;
	uint32_t count = 0;
	int len;

	vss_nl_msg_init(&m, nl->family, VSS_CMD_SNAPSHOT_DELETE, VSS_FAMILY_VERSION);
	vss_nl_put(&m, selector, key, key_len);
	len = vss_nl_transact(nl, &m, reply, sizeof(reply));
	if (len < 0)
		return len;
	get_u32(reply, len, VSS_A_SNAPSHOT_COUNT, &count);
	return count;
}

static int vss_vsh(char *out, size_t size, const char *fmt, va_list ap)
{
	char cmd[1024];
	FILE *p;
	int st;

	vsnprintf(cmd, sizeof(cmd), fmt, ap);
	p = popen(cmd, "r");
	if (!p)
		return -1;
	if (out) {
		out[0] = '\0';
		if (fgets(out, size, p))
			out[strcspn(out, "\n")] = '\0';
	}
	while (fgetc(p) != EOF)
		;
	st = pclose(p);
	return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

int vss_sh(const char *fmt, ...)
{
	va_list ap;
	int ret;

	va_start(ap, fmt);
	ret = vss_vsh(NULL, 0, fmt, ap);
	va_end(ap);
	return ret;
}

int vss_sh_out(char *out, size_t size, const char *fmt, ...)
{
	va_list ap;
	int ret;

	va_start(ap, fmt);
	ret = vss_vsh(out, size, fmt, ap);
	va_end(ap);
	return ret;
}

int vss_scratch_disk(char *dev, size_t size)
{
	char path[300], serial[64];
	struct dirent *d;
	DIR *dir;
	FILE *f;
	int found = 0;

	dir = opendir("/sys/block");
	if (!dir)
		return -ENOENT;
	while (!found && (d = readdir(dir))) {
		if (strncmp(d->d_name, "vd", 2))
			continue;
		snprintf(path, sizeof(path), "/sys/block/%s/serial", d->d_name);
		f = fopen(path, "r");
		if (!f)
			continue;
		if (fgets(serial, sizeof(serial), f) &&
		    !strcmp(strtok(serial, "\n") ?: "", "vss-scratch")) {
			snprintf(dev, size, "/dev/%s", d->d_name);
			found = 1;
		}
		fclose(f);
	}
	closedir(dir);
	return found ? 0 : -ENOENT;
}

int vss_brd_setup(unsigned int mib)
{
	/* A brd left loaded by an earlier run has the wrong size, or data. */
	vss_sh("rmmod brd 2>/dev/null");
	return vss_sh("modprobe brd rd_nr=1 rd_size=%u && test -b /dev/ram0", mib * 1024);
}

void vss_brd_teardown(void)
{
	vss_sh("rmmod brd");
}

int vss_kernel_older(int major, int minor)
{
	struct utsname u;
	int ma = 0, mi = 0;

	if (uname(&u) || sscanf(u.release, "%d.%d", &ma, &mi) != 2)
		return 0;
	return ma < major || (ma == major && mi < minor);
}

void vss_fill(void *buf, size_t len, uint64_t blk, uint32_t gen)
{
	uint64_t *p = buf;
	size_t i;

	for (i = 0; i < len / 8; i++)
		p[i] = (blk << 24 | gen) * 0x9e3779b97f4a7c15ULL + i;
}

static int vss_io_gen(const char *dev, uint64_t off, uint64_t len, uint32_t gen,
		      int check)
{
	void *buf, *want = NULL;
	uint64_t pos;
	int fd, err = 0;

	if (posix_memalign(&buf, 4096, VSS_IO_BLOCK))
		return -ENOMEM;
	if (check && posix_memalign(&want, 4096, VSS_IO_BLOCK)) {
		free(buf);
		return -ENOMEM;
	}
	fd = open(dev, (check ? O_RDONLY : O_WRONLY) | O_DIRECT);
	if (fd < 0) {
		err = -errno;
		goto out;
	}
	for (pos = off; pos < off + len && !err; pos += VSS_IO_BLOCK) {
		size_t n = off + len - pos < VSS_IO_BLOCK ? off + len - pos : VSS_IO_BLOCK;

		if (check) {
			if (pread(fd, buf, n, pos) != (ssize_t)n)
				err = -EIO;
			vss_fill(want, n, pos / VSS_IO_BLOCK, gen);
			if (!err && memcmp(buf, want, n))
				err = 1;
		} else {
			vss_fill(buf, n, pos / VSS_IO_BLOCK, gen);
			if (pwrite(fd, buf, n, pos) != (ssize_t)n)
				err = -EIO;
		}
	}
	close(fd);
out:
	free(buf);
	free(want);
	return err;
}

int vss_write_gen(const char *dev, uint64_t off, uint64_t len, uint32_t gen)
{
	return vss_io_gen(dev, off, len, gen, 0);
}

int vss_check_gen(const char *dev, uint64_t off, uint64_t len, uint32_t gen)
{
	return vss_io_gen(dev, off, len, gen, 1);
}
