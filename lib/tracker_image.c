// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * A change tracker saved across a module reload or a reboot
 * (Documentation/cbt.md, "Across reloads and reboots"): TRACKER_EXPORT
 * into an image, the image to and from bytes, and TRACKER_IMPORT of it.
 *
 * The bytes: "VSSTMAP1", a version, the seal, the state (a token's six
 * fields, big-endian as in the token string), the number of chunks, then
 * each chunk (its index and 2048 big-endian u16 marks) in ascending index
 * order, and a CRC-32 of all that: an image damaged at rest is refused
 * here, before the kernel checks its shape again.
 */
#include <errno.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"

#define IMAGE_MAGIC		"VSSTMAP1"
#define IMAGE_VERSION		1
#define IMAGE_HEAD		(8 + 4 + 4 + 56 + 4 + 4)
#define CHUNK_BYTES		(2 * VSS_TRACK_CHUNK_MARKS)
#define CHUNK_RECORD		(4 + CHUNK_BYTES)
/* Chunks per TRACKER_IMPORT message: well under the default socket buffer. */
#define IMPORT_BATCH		32

struct chunk {
	uint32_t index;
	uint16_t marks[VSS_TRACK_CHUNK_MARKS];
};

struct libvss_tracker_image {
	struct vss_token state;		/* epoch: the one in force */
	uint32_t seal;
	bool have_state;
	uint32_t n, cap;
	struct chunk *chunks;
};

static const struct nla_policy chunk_policy[VSS_A_CHUNK_MAX + 1] = {
	[VSS_A_CHUNK_INDEX]	= { .type = NLA_U32, .maxlen = 4 },
	[VSS_A_CHUNK_MARKS]	= { .minlen = CHUNK_BYTES, .maxlen = CHUNK_BYTES },
};

static struct chunk *chunk_add(struct libvss_tracker_image *img)
{
	if (img->n == img->cap) {
		uint32_t cap = img->cap ? 2 * img->cap : 64;
		struct chunk *c = realloc(img->chunks, cap * sizeof(*c));

		if (!c)
			return NULL;
		img->chunks = c;
		img->cap = cap;
	}
	return &img->chunks[img->n++];
}

/* One part of the dump: the state and seal first, chunks ascending. */
static int export_decode(const struct libvss_ctx *ctx, struct nlmsghdr *nlh,
			 void *arg, const char **why)
{
	struct libvss_tracker_image *img = arg;
	struct nlattr *tb[VSS_A_TRACKER_MAX + 1], *pos;
	struct genlmsghdr *ghdr;
	int rem, ret;

	ret = vss_reply_parse(ctx, nlh, VSS_CMD_TRACKER_EXPORT, tb,
			      VSS_A_TRACKER_MAX, vss_tracker_policy, why);
	if (ret)
		return ret;
	if (tb[VSS_A_TRACKER_STATE]) {
		if (img->have_state || !tb[VSS_A_TRACKER_SEAL]) {
			*why = "TRACKER_EXPORT reply has a second state, or a state without a seal";
			return -EBADMSG;
		}
		ret = vss_token_from_nest(tb[VSS_A_TRACKER_STATE], &img->state, why);
		if (ret)
			return ret;
		img->seal = nla_get_u32(tb[VSS_A_TRACKER_SEAL]);
		img->have_state = true;
	}
	ghdr = nlmsg_data(nlh);
	nla_for_each_attr(pos, genlmsg_attrdata(ghdr, 0),
			  genlmsg_attrlen(ghdr, 0), rem) {
		struct nlattr *c[VSS_A_CHUNK_MAX + 1];
		struct chunk *ch;
		uint32_t index;

		if (nla_type(pos) != VSS_A_TRACKER_CHUNK)
			continue;
		if (!img->have_state ||
		    vss_attrs_parse(c, VSS_A_CHUNK_MAX, nla_data(pos),
				    nla_len(pos), chunk_policy) ||
		    !c[VSS_A_CHUNK_INDEX] || !c[VSS_A_CHUNK_MARKS]) {
			*why = "TRACKER_EXPORT reply has a malformed chunk, or one before the state";
			return -EBADMSG;
		}
		index = nla_get_u32(c[VSS_A_CHUNK_INDEX]);
		if (img->n && index <= img->chunks[img->n - 1].index) {
			*why = "TRACKER_EXPORT reply has chunks out of order";
			return -EBADMSG;
		}
		ch = chunk_add(img);
		if (!ch)
			return -ENOMEM;
		ch->index = index;
		memcpy(ch->marks, nla_data(c[VSS_A_CHUNK_MARKS]), CHUNK_BYTES);
	}
	return 0;
}

LIBVSS_EXPORT int libvss_tracker_export(struct libvss_ctx *ctx,
					const char *origin,
					struct libvss_tracker_image **imgp)
{
	struct libvss_tracker_image *img;
	struct nl_msg *msg;
	int ret;

	*imgp = NULL;
	vss_ctx_clear_error(ctx);
	ret = vss_check_path(origin);
	if (ret)
		return ret;
	img = calloc(1, sizeof(*img));
	if (!img)
		return -ENOMEM;
	msg = vss_genl_msg_ext(ctx->family_id, VSS_CMD_TRACKER_EXPORT,
			       VSS_FAMILY_VERSION, ctx->tp->portid,
			       vss_ctx_next_seq(ctx), NLM_F_DUMP,
			       vss_str_attr_size(origin));
	if (msg && nla_put_string(msg, VSS_A_TRACKER_ORIGIN, origin) < 0) {
		nlmsg_free(msg);
		msg = NULL;
	}
	ret = vss_request(ctx, msg, export_decode, img);
	if (!ret && !img->have_state) {
		vss_ctx_set_error(ctx, "TRACKER_EXPORT ended without the tracker's state");
		ret = -EBADMSG;
	}
	if (ret) {
		libvss_tracker_image_free(img);
		return ret;
	}
	*imgp = img;
	return 0;
}

LIBVSS_EXPORT void libvss_tracker_image_free(struct libvss_tracker_image *img)
{
	if (!img)
		return;
	free(img->chunks);
	free(img);
}

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

LIBVSS_EXPORT int libvss_tracker_image_encode(const struct libvss_tracker_image *img,
					      void **bufp, size_t *lenp)
{
	size_t len = IMAGE_HEAD + (size_t)img->n * CHUNK_RECORD + 4;
	uint8_t *buf, *p;
	uint32_t i, j;

	*bufp = NULL;
	*lenp = 0;
	buf = malloc(len);
	if (!buf)
		return -ENOMEM;
	memcpy(buf, IMAGE_MAGIC, 8);
	p = put_be(buf + 8, IMAGE_VERSION, 4);
	p = put_be(p, img->seal, 4);
	memcpy(p, img->state.generation, 16);
	p = put_be(p + 16, img->state.epoch, 8);
	p = put_be(p, img->state.capacity, 8);
	p = put_be(p, img->state.logical_block, 4);
	p = put_be(p, img->state.block_bytes, 4);
	memcpy(p, img->state.origin_uuid, 16);
	p = put_be(p + 16, img->n, 4);
	p = put_be(p, 0, 4);
	for (i = 0; i < img->n; i++) {
		p = put_be(p, img->chunks[i].index, 4);
		for (j = 0; j < VSS_TRACK_CHUNK_MARKS; j++)
			p = put_be(p, img->chunks[i].marks[j], 2);
	}
	put_be(p, vss_crc32_ieee(buf, len - 4), 4);
	*bufp = buf;
	*lenp = len;
	return 0;
}

LIBVSS_EXPORT int libvss_tracker_image_decode(const void *buf, size_t len,
					      struct libvss_tracker_image **imgp)
{
	const uint8_t *p = buf, *crc_at;
	struct libvss_tracker_image *img;
	uint32_t n, i, j;

	*imgp = NULL;
	if (!buf || len < IMAGE_HEAD + 4 || memcmp(p, IMAGE_MAGIC, 8))
		return -EINVAL;
	p += 8;
	if (get_be(&p, 4) != IMAGE_VERSION)
		return -EINVAL;
	n = (uint32_t)(((const uint8_t *)buf)[72] << 24 |
		       ((const uint8_t *)buf)[73] << 16 |
		       ((const uint8_t *)buf)[74] << 8 | ((const uint8_t *)buf)[75]);
	if (n > VSS_TRACK_BLOCKS_MAX / VSS_TRACK_CHUNK_MARKS ||
	    len != IMAGE_HEAD + (size_t)n * CHUNK_RECORD + 4)
		return -EINVAL;
	crc_at = (const uint8_t *)buf + len - 4;
	if (get_be(&crc_at, 4) != vss_crc32_ieee(buf, len - 4))
		return -EINVAL;
	img = calloc(1, sizeof(*img));
	if (!img)
		return -ENOMEM;
	img->chunks = n ? calloc(n, sizeof(*img->chunks)) : NULL;
	if (n && !img->chunks) {
		free(img);
		return -ENOMEM;
	}
	img->n = img->cap = n;
	img->seal = (uint32_t)get_be(&p, 4);
	memcpy(img->state.generation, p, 16);
	p += 16;
	img->state.epoch = get_be(&p, 8);
	img->state.capacity = get_be(&p, 8);
	img->state.logical_block = (uint32_t)get_be(&p, 4);
	img->state.block_bytes = (uint32_t)get_be(&p, 4);
	memcpy(img->state.origin_uuid, p, 16);
	p += 16 + 8;			/* the count, read above, and reserved */
	img->have_state = true;
	for (i = 0; i < n; i++) {
		img->chunks[i].index = (uint32_t)get_be(&p, 4);
		if (i && img->chunks[i].index <= img->chunks[i - 1].index) {
			libvss_tracker_image_free(img);
			return -EINVAL;
		}
		for (j = 0; j < VSS_TRACK_CHUNK_MARKS; j++)
			img->chunks[i].marks[j] = (uint16_t)get_be(&p, 2);
	}
	*imgp = img;
	return 0;
}

/* One TRACKER_IMPORT message: the state, the step, chunks [from, to). */
static struct nl_msg *import_encode(struct libvss_ctx *ctx, const char *origin,
				    const struct libvss_tracker_image *img,
				    uint32_t step, uint32_t from, uint32_t to)
{
	size_t attrlen = vss_str_attr_size(origin) + vss_token_attr_size() +
			 NLA_ALIGN(NLA_HDRLEN + 4) +
			 (to - from) * (size_t)NLA_ALIGN(NLA_HDRLEN +
				NLA_ALIGN(NLA_HDRLEN + 4) +
				NLA_ALIGN(NLA_HDRLEN + CHUNK_BYTES));
	struct nl_msg *msg;
	uint32_t i;

	msg = vss_genl_msg_ext(ctx->family_id, VSS_CMD_TRACKER_IMPORT,
			       VSS_FAMILY_VERSION, ctx->tp->portid,
			       vss_ctx_next_seq(ctx), 0, attrlen);
	if (!msg)
		return NULL;
	if (nla_put_string(msg, VSS_A_TRACKER_ORIGIN, origin) < 0 ||
	    vss_token_put(msg, VSS_A_TRACKER_STATE, &img->state) < 0 ||
	    nla_put_u32(msg, VSS_A_TRACKER_IMPORT_STEP, step) < 0)
		goto fail;
	for (i = from; i < to; i++) {
		struct nlattr *nest = nla_nest_start(msg, VSS_A_TRACKER_CHUNK |
							  NLA_F_NESTED);

		if (!nest ||
		    nla_put_u32(msg, VSS_A_CHUNK_INDEX, img->chunks[i].index) < 0 ||
		    nla_put(msg, VSS_A_CHUNK_MARKS, CHUNK_BYTES,
			    img->chunks[i].marks) < 0)
			goto fail;
		nla_nest_end(msg, nest);
	}
	return msg;
fail:
	nlmsg_free(msg);
	return NULL;
}

LIBVSS_EXPORT int libvss_tracker_import(struct libvss_ctx *ctx,
					const char *origin,
					const struct libvss_tracker_image *img)
{
	uint32_t from = 0, to, step = VSS_IMPORT_BEGIN;
	int ret;

	vss_ctx_clear_error(ctx);
	ret = vss_check_path(origin);
	if (ret)
		return ret;
	for (;;) {
		to = img->n - from > IMPORT_BATCH ? from + IMPORT_BATCH : img->n;
		if (step != VSS_IMPORT_BEGIN && to == img->n)
			step = VSS_IMPORT_COMMIT;
		ret = vss_request(ctx, import_encode(ctx, origin, img, step,
						     from, to), NULL, NULL);
		if (ret || step == VSS_IMPORT_COMMIT)
			return ret;
		from = to;
		step = VSS_IMPORT_ADD;
	}
}

LIBVSS_EXPORT uint32_t
libvss_tracker_image_seal(const struct libvss_tracker_image *img)
{
	return img->seal;
}

LIBVSS_EXPORT uint64_t
libvss_tracker_image_epoch(const struct libvss_tracker_image *img)
{
	return img->state.epoch;
}

LIBVSS_EXPORT uint64_t
libvss_tracker_image_capacity(const struct libvss_tracker_image *img)
{
	return img->state.capacity;
}

LIBVSS_EXPORT const uint8_t *
libvss_tracker_image_generation(const struct libvss_tracker_image *img)
{
	return img->state.generation;
}

LIBVSS_EXPORT unsigned int
libvss_tracker_image_chunks(const struct libvss_tracker_image *img)
{
	return img->n;
}
