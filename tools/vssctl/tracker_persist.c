// SPDX-License-Identifier: GPL-2.0
/*
 * `vssctl tracker save` and `vssctl tracker restore`: a changed-block
 * tracker across a module reload or a reboot (Documentation/cbt.md,
 * "Across reloads and reboots").
 *
 * save: export (which seals the tracker), read a digest of the origin's
 * first and last MiB, write DIR/NAME.vsstrk atomically (a temporary file,
 * fsync, rename, fsync of DIR), and keep it only if the seal still holds:
 * no write and no snapshot came in between.
 *
 * restore: for each file, check everything before the kernel sees it
 * (owner, type, the file's SHA-256, the origin's size and edges, that this
 * very file was not restored before), consume it (rename to .used) so that
 * it can serve once only, then import it. Anything that does not match
 * leaves the origin's tracker as it is: a new generation, so tokens from
 * before get ESTALE and the next backup is a full one. Never a stale map.
 *
 * The file: "VSSTRKF1", version, reserved, the saving boot's id, the time,
 * the origin's kernel name, the SHA-256 of its edges, the length of the
 * libvss image, the image (libvss_tracker_image_encode()), and a SHA-256
 * of everything before it. Integers big-endian.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "sha256.h"
#include "vssctl.h"

#define FILE_MAGIC	"VSSTRKF1"
#define FILE_VERSION	1
#define NAME_BYTES	64
#define HEAD_BYTES	(8 + 4 + 4 + 16 + 8 + NAME_BYTES + SHA256_BYTES + 8)
#define SUFFIX		".vsstrk"
#define USED_SUFFIX	".vsstrk.used"
/* An image of the largest map (2^24 blocks), and some. */
#define FILE_MAX	((size_t)48 << 20)
#define EDGE_BYTES	((uint64_t)1 << 20)

struct head {
	uint8_t boot_id[16];
	uint64_t saved_at;
	char name[NAME_BYTES];
	uint8_t edges[SHA256_BYTES];
	uint64_t image_len;
};

static uint8_t *put_be(uint8_t *p, uint64_t v, unsigned int bytes)
{
	while (bytes--)
		*p++ = (uint8_t)(v >> (8 * bytes));
	return p;
}

static uint64_t get_be(const uint8_t **pp, unsigned int bytes)
{
	const uint8_t *p = *pp;
	uint64_t v = 0;

	while (bytes--)
		v = v << 8 | *p++;
	*pp = p;
	return v;
}

/* This boot's id (the kernel's random boot_id), as 16 bytes. */
static int boot_id(uint8_t id[16])
{
	char s[64] = "";
	FILE *f = fopen("/proc/sys/kernel/random/boot_id", "re");

	if (!f)
		return -errno;
	if (!fgets(s, sizeof(s), f))
		s[0] = '\0';
	fclose(f);
	s[strcspn(s, "\n")] = '\0';
	return libvss_id_parse(s, id) ? -EIO : 0;
}

/*
 * SHA-256 of the origin's first and last MiB (the filesystem's superblocks,
 * a GPT's two copies), read past the page cache. A filesystem mounted
 * read-write while nobody tracked changes them, whatever it wrote.
 */
static int edges_digest(const char *name, uint64_t capacity,
			uint8_t out[SHA256_BYTES])
{
	uint64_t span = capacity < EDGE_BYTES ? capacity : EDGE_BYTES;
	uint64_t offs[2] = { 0, capacity - span };
	char path[16 + NAME_BYTES];
	struct sha256 s;
	uint8_t *buf;
	int fd, i, err = 0;

	snprintf(path, sizeof(path), "/dev/%s", name);
	fd = open(path, O_RDONLY | O_DIRECT | O_CLOEXEC);
	if (fd < 0)
		fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	if (posix_memalign((void **)&buf, 4096, EDGE_BYTES)) {
		close(fd);
		return -ENOMEM;
	}
	sha256_init(&s);
	put_be((uint8_t *)path, capacity, 8);
	sha256_update(&s, path, 8);
	for (i = 0; i < 2 && !err; i++) {
		ssize_t n = pread(fd, buf, span, (off_t)offs[i]);

		if (n < 0)
			err = -errno;
		else if ((uint64_t)n != span)
			err = -EIO;
		else
			sha256_update(&s, buf, span);
	}
	free(buf);
	close(fd);
	if (!err)
		sha256_final(&s, out);
	return err;
}

/* DIR: a directory of root's that nobody else can write to. */
static int open_dir(const char *dir)
{
	struct stat st;
	int fd = open(dir, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);

	if (fd < 0) {
		fprintf(stderr, "vssctl: cannot open directory %s: %s\n", dir,
			strerror(errno));
		return -1;
	}
	if (fstat(fd, &st) || st.st_uid != 0 || (st.st_mode & 022)) {
		fprintf(stderr, "vssctl: %s: not a directory of root's that only root can write to\n",
			dir);
		close(fd);
		return -1;
	}
	return fd;
}

static bool name_ok(const char *name)
{
	return *name && *name != '.' && !strchr(name, '/') &&
	       strlen(name) < NAME_BYTES;
}

static int write_all(int fd, const uint8_t *p, size_t len)
{
	while (len) {
		ssize_t n = write(fd, p, len);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return n < 0 ? -errno : -EIO;
		p += n;
		len -= (size_t)n;
	}
	return 0;
}

/* The whole file in memory: head, image, SHA-256 of both. */
static uint8_t *file_build(const struct head *h, const void *image, size_t *lenp)
{
	size_t len = HEAD_BYTES + h->image_len + SHA256_BYTES;
	uint8_t *buf = calloc(1, len), *p;
	struct sha256 s;

	if (!buf)
		return NULL;
	memcpy(buf, FILE_MAGIC, 8);
	p = put_be(buf + 8, FILE_VERSION, 4);
	p = put_be(p, 0, 4);
	memcpy(p, h->boot_id, 16);
	p = put_be(p + 16, h->saved_at, 8);
	memcpy(p, h->name, NAME_BYTES);
	memcpy(p + NAME_BYTES, h->edges, SHA256_BYTES);
	p = put_be(p + NAME_BYTES + SHA256_BYTES, h->image_len, 8);
	memcpy(p, image, h->image_len);
	sha256_init(&s);
	sha256_update(&s, buf, len - SHA256_BYTES);
	sha256_final(&s, buf + len - SHA256_BYTES);
	*lenp = len;
	return buf;
}

/*
 * Whether DIR is on the origin itself: then its save can never hold
 * (writing the file writes the origin and breaks the seal). That is the
 * root filesystem's case when vss-root (tools/vss-root) tracks it and
 * vss-tracker.service saves --all into /var/lib/vss/trackers.
 */
static bool dir_on_origin(int dirfd, const char *name)
{
	char dev[NAME_BYTES + 8];
	struct stat d, o;

	snprintf(dev, sizeof(dev), "/dev/%s", name);
	return !fstat(dirfd, &d) && !stat(dev, &o) && S_ISBLK(o.st_mode) &&
	       o.st_rdev == d.st_dev;
}

static int save_one(struct libvss_ctx *ctx, int dirfd, const char *dir,
		    const char *origin, bool all)
{
	char id[LIBVSS_ID_STRING_SIZE], tmp[NAME_BYTES + 16], final[NAME_BYTES + 16];
	struct libvss_tracker_image *img = NULL;
	struct libvss_tracker *t = NULL;
	struct head h = { 0 };
	uint8_t *file = NULL;
	void *image = NULL;
	size_t len;
	int fd = -1, ret = VSSCTL_ERR, err;

	err = libvss_tracker_get(ctx, origin, &t);
	if (err)
		return vssctl_lib_error(ctx, err, "cannot get the tracker of %s", origin);
	if (!name_ok(libvss_tracker_origin(t))) {
		fprintf(stderr, "vssctl: %s: an origin name vssctl cannot use as a file name\n",
			libvss_tracker_origin(t));
		goto out;
	}
	strcpy(h.name, libvss_tracker_origin(t));
	if (dir_on_origin(dirfd, h.name)) {
		/* --all: the others are saved; this one is said, not an error. */
		fprintf(all ? stdout : stderr,
			"%s%s: %s is on this volume, whose save could never hold: not saved%s\n",
			all ? "" : "vssctl: ", h.name, dir,
			all ? " here (vss-root saves the root's at shutdown)" : "");
		ret = all ? VSSCTL_OK : VSSCTL_ERR;
		goto out;
	}
	err = libvss_tracker_export(ctx, h.name, &img);
	if (err) {
		ret = vssctl_lib_error(ctx, err, "cannot export the tracker of %s", h.name);
		goto out;
	}
	err = libvss_tracker_image_encode(img, &image, &len);
	if (!err)
		err = boot_id(h.boot_id);
	if (!err)
		err = edges_digest(h.name, libvss_tracker_image_capacity(img), h.edges);
	if (err) {
		fprintf(stderr, "vssctl: %s: cannot read its boot id or its edges: %s\n",
			h.name, strerror(-err));
		goto out;
	}
	h.saved_at = (uint64_t)time(NULL);
	h.image_len = len;
	file = file_build(&h, image, &len);
	if (!file) {
		fprintf(stderr, "vssctl: out of memory\n");
		goto out;
	}
	snprintf(tmp, sizeof(tmp), ".%s%s.tmp", h.name, SUFFIX);
	snprintf(final, sizeof(final), "%s%s", h.name, SUFFIX);
	unlinkat(dirfd, tmp, 0);
	fd = openat(dirfd, tmp, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
	err = fd < 0 ? -errno : write_all(fd, file, len);
	if (!err && fsync(fd))
		err = -errno;
	if (fd >= 0 && close(fd) && !err)
		err = -errno;
	if (err) {
		fprintf(stderr, "vssctl: cannot write %s/%s: %s\n", dir, tmp, strerror(-err));
		unlinkat(dirfd, tmp, 0);
		goto out;
	}
	/* Kept only if nothing changed the tracker since the export. */
	libvss_tracker_free(t);
	t = NULL;
	err = libvss_tracker_get(ctx, h.name, &t);
	if (err || libvss_tracker_seal(t) != libvss_tracker_image_seal(img)) {
		unlinkat(dirfd, tmp, 0);
		fprintf(stderr, "vssctl: %s: written or snapshotted while it was saved: not saved\n",
			h.name);
		vssctl_hint("save when the origin is unmounted or read-only");
		goto out;
	}
	if (renameat(dirfd, tmp, dirfd, final) || fsync(dirfd)) {
		fprintf(stderr, "vssctl: cannot rename %s/%s: %s\n", dir, tmp, strerror(errno));
		unlinkat(dirfd, tmp, 0);
		goto out;
	}
	printf("saved %s generation %s epoch %" PRIu64 " chunks %u to %s/%s\n", h.name,
	       libvss_id_to_string(libvss_tracker_image_generation(img), id),
	       libvss_tracker_image_epoch(img), libvss_tracker_image_chunks(img),
	       dir, final);
	ret = VSSCTL_OK;
out:
	free(file);
	free(image);
	libvss_tracker_image_free(img);
	libvss_tracker_free(t);
	return ret;
}

int cmd_tracker_save(int argc, char **argv)
{
	struct libvss_tracker_list *l = NULL;
	struct libvss_ctx *ctx;
	bool all = argc == 2 && !strcmp(argv[0], "--all");
	unsigned int i;
	int dirfd, ret, err;

	if (argc != 2)
		return vssctl_usage_error("save takes ORIGIN (or --all) and DIR");
	dirfd = open_dir(argv[1]);
	if (dirfd < 0)
		return VSSCTL_ERR;
	ret = vssctl_open(&ctx);
	if (ret) {
		close(dirfd);
		return ret;
	}
	if (!all) {
		ret = save_one(ctx, dirfd, argv[1], argv[0], false);
		goto out;
	}
	err = libvss_tracker_list(ctx, &l);
	if (err) {
		ret = vssctl_lib_error(ctx, err, "cannot list trackers");
		goto out;
	}
	for (i = 0; i < libvss_tracker_list_count(l); i++) {
		const char *o = libvss_tracker_origin(libvss_tracker_list_entry(l, i));

		if (save_one(ctx, dirfd, argv[1], o, true))
			ret = VSSCTL_ERR;
	}
	libvss_tracker_list_free(l);
out:
	libvss_close(ctx);
	close(dirfd);
	return ret;
}

/* A file of root's, regular, not a link, that only root can write: read whole. */
static uint8_t *read_file(int dirfd, const char *name, size_t *lenp, int *errp)
{
	struct stat st;
	uint8_t *buf = NULL;
	size_t off = 0;
	int fd;

	fd = openat(dirfd, name, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC);
	if (fd < 0) {
		*errp = -errno;
		return NULL;
	}
	*errp = -EPERM;
	if (fstat(fd, &st) || !S_ISREG(st.st_mode) || st.st_uid != 0 ||
	    (st.st_mode & 022))
		goto out;
	*errp = -EFBIG;
	if ((uint64_t)st.st_size > FILE_MAX)
		goto out;
	*errp = -ENOMEM;
	buf = malloc(st.st_size ? (size_t)st.st_size : 1);
	if (!buf)
		goto out;
	while (off < (size_t)st.st_size) {
		ssize_t n = read(fd, buf + off, (size_t)st.st_size - off);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		off += (size_t)n;
	}
	*errp = off == (size_t)st.st_size ? 0 : -EIO;
	*lenp = off;
out:
	close(fd);
	if (*errp) {
		free(buf);
		buf = NULL;
	}
	return buf;
}

/* Checks the magic, version, length and SHA-256; fills @h. */
static int file_parse(const uint8_t *buf, size_t len, struct head *h)
{
	const uint8_t *p = buf + 8;
	uint8_t sum[SHA256_BYTES];
	struct sha256 s;

	if (len < HEAD_BYTES + SHA256_BYTES || memcmp(buf, FILE_MAGIC, 8))
		return -EINVAL;
	sha256_init(&s);
	sha256_update(&s, buf, len - SHA256_BYTES);
	sha256_final(&s, sum);
	if (memcmp(sum, buf + len - SHA256_BYTES, SHA256_BYTES))
		return -EINVAL;
	if (get_be(&p, 4) != FILE_VERSION)
		return -EINVAL;
	p += 4;
	memcpy(h->boot_id, p, 16);
	p += 16;
	h->saved_at = get_be(&p, 8);
	memcpy(h->name, p, NAME_BYTES);
	p += NAME_BYTES;
	memcpy(h->edges, p, SHA256_BYTES);
	p += SHA256_BYTES;
	h->image_len = get_be(&p, 8);
	if (h->name[NAME_BYTES - 1] || !name_ok(h->name) ||
	    h->image_len != len - HEAD_BYTES - SHA256_BYTES)
		return -EINVAL;
	return 0;
}

/* This very file was restored before: its .used twin ends with the same sum. */
static bool file_used(int dirfd, const char *used, const uint8_t *buf, size_t len)
{
	uint8_t *old;
	size_t olen;
	int err;
	bool same;

	old = read_file(dirfd, used, &olen, &err);
	if (!old)
		return false;
	same = olen >= SHA256_BYTES &&
	       !memcmp(old + olen - SHA256_BYTES, buf + len - SHA256_BYTES, SHA256_BYTES);
	free(old);
	return same;
}

/*
 * One file, consumed whatever happens once it is known to be ours: a
 * restore that fails leaves a new generation, and the file serves no one.
 */
static int restore_one(struct libvss_ctx *ctx, int dirfd, const char *dir,
		       const char *file)
{
	char id[LIBVSS_ID_STRING_SIZE], used[NAME_BYTES + 16];
	struct libvss_tracker_image *img = NULL;
	struct libvss_tracker *t = NULL;
	uint8_t *buf, edges[SHA256_BYTES], boot[16];
	struct head h;
	size_t len;
	int err, ret = VSSCTL_ERR;

	buf = read_file(dirfd, file, &len, &err);
	if (!buf) {
		if (err == -EPERM || err == -ELOOP)
			fprintf(stderr, "vssctl: %s/%s: not a regular file of root's that only root can write: not restored\n",
				dir, file);
		else
			fprintf(stderr, "vssctl: cannot read %s/%s: %s\n", dir, file,
				strerror(-err));
		return VSSCTL_ERR;
	}
	if (file_parse(buf, len, &h) ||
	    strncmp(file, h.name, strlen(h.name)) || strcmp(file + strlen(h.name), SUFFIX)) {
		fprintf(stderr, "vssctl: %s/%s: damaged, or not a saved tracker: not restored\n",
			dir, file);
		goto out;
	}
	snprintf(used, sizeof(used), "%s%s", h.name, USED_SUFFIX);
	if (file_used(dirfd, used, buf, len)) {
		fprintf(stderr, "vssctl: %s/%s: this saved tracker was restored before: not restored\n",
			dir, file);
		unlinkat(dirfd, file, 0);
		fsync(dirfd);
		goto out;
	}
	/* Not consumed by a restore run before the storage was added. */
	err = libvss_tracker_get(ctx, h.name, &t);
	if (err) {
		ret = vssctl_lib_error(ctx, err, "cannot get the tracker of %s", h.name);
		if (err == -ENOENT)
			vssctl_hint("add the storage of %s first, then restore", h.name);
		goto out;
	}
	/* From here on the file serves once, whatever follows. */
	if (renameat(dirfd, file, dirfd, used) || fsync(dirfd)) {
		fprintf(stderr, "vssctl: cannot rename %s/%s: %s: not restored\n", dir, file,
			strerror(errno));
		goto out;
	}
	err = libvss_tracker_image_decode(buf + HEAD_BYTES, h.image_len, &img);
	if (err) {
		fprintf(stderr, "vssctl: %s/%s: its tracker image is damaged: not restored\n",
			dir, file);
		goto out;
	}
	if (libvss_tracker_capacity(t) != libvss_tracker_image_capacity(img)) {
		fprintf(stderr, "vssctl: %s: its size changed since it was saved: not restored\n",
			h.name);
		goto out;
	}
	err = edges_digest(h.name, libvss_tracker_image_capacity(img), edges);
	if (err) {
		fprintf(stderr, "vssctl: %s: cannot read its edges: %s: not restored\n", h.name,
			strerror(-err));
		goto out;
	}
	if (memcmp(edges, h.edges, SHA256_BYTES)) {
		fprintf(stderr, "vssctl: %s: written while it was not tracked (its first or last MiB changed): not restored\n",
			h.name);
		goto out;
	}
	err = libvss_tracker_import(ctx, h.name, img);
	if (err) {
		ret = vssctl_lib_error(ctx, err, "cannot restore the tracker of %s", h.name);
		goto out;
	}
	printf("restored %s generation %s epoch %" PRIu64 " chunks %u, saved %s\n",
	       h.name, libvss_id_to_string(libvss_tracker_image_generation(img), id),
	       libvss_tracker_image_epoch(img), libvss_tracker_image_chunks(img),
	       !boot_id(boot) && !memcmp(boot, h.boot_id, 16) ? "in this boot" :
	       "by another boot");
	ret = VSSCTL_OK;
out:
	libvss_tracker_free(t);
	libvss_tracker_image_free(img);
	free(buf);
	return ret;
}

static bool is_saved_name(const char *name)
{
	size_t n = strlen(name), s = strlen(SUFFIX);

	return n > s && name[0] != '.' && !strcmp(name + n - s, SUFFIX);
}

int cmd_tracker_restore(int argc, char **argv)
{
	struct libvss_ctx *ctx;
	struct dirent *de;
	char file[NAME_BYTES + 16];
	DIR *d;
	int dirfd, fd2, ret;

	if (argc < 1 || argc > 2)
		return vssctl_usage_error("restore takes DIR and an optional ORIGIN");
	dirfd = open_dir(argv[0]);
	if (dirfd < 0)
		return VSSCTL_ERR;
	ret = vssctl_open(&ctx);
	if (ret) {
		close(dirfd);
		return ret;
	}
	if (argc == 2) {
		const char *name = strrchr(argv[1], '/') ? strrchr(argv[1], '/') + 1 : argv[1];

		if (!name_ok(name)) {
			ret = vssctl_usage_error("\"%s\" is not an origin's name", argv[1]);
		} else {
			snprintf(file, sizeof(file), "%s%s", name, SUFFIX);
			ret = restore_one(ctx, dirfd, argv[0], file);
		}
		goto out;
	}
	fd2 = dup(dirfd);
	d = fd2 < 0 ? NULL : fdopendir(fd2);
	if (!d) {
		fprintf(stderr, "vssctl: cannot list %s: %s\n", argv[0], strerror(errno));
		ret = VSSCTL_ERR;
		goto out;
	}
	while ((de = readdir(d)))
		if (is_saved_name(de->d_name) && strlen(de->d_name) < sizeof(file)) {
			strcpy(file, de->d_name);
			if (restore_one(ctx, dirfd, argv[0], file))
				ret = VSSCTL_ERR;
		}
	closedir(d);
out:
	libvss_close(ctx);
	close(dirfd);
	return ret;
}
