// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * Tracker images (libvss_tracker_image_encode()/_decode()): bytes written
 * here by an independent encoder of the documented layout decode to the
 * same fields and encode back to the same bytes; every single flipped
 * byte, a cut, an extra byte, another version and chunks out of order
 * (with a correct CRC) are refused with -EINVAL.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <libvss.h>
#include <linux/vss.h>

#include "tap.h"

#define HEAD	80
#define REC	(4 + 2 * VSS_TRACK_CHUNK_MARKS)

static uint32_t crc32(const uint8_t *p, size_t n)
{
	uint32_t c = 0xffffffffu;

	while (n--) {
		c ^= *p++;
		for (int k = 0; k < 8; k++)
			c = (c >> 1) ^ (0xedb88320u & -(c & 1));
	}
	return ~c;
}

static uint8_t *be(uint8_t *p, uint64_t v, int n)
{
	while (n--)
		*p++ = (uint8_t)(v >> (8 * n));
	return p;
}

/* Two chunks, @i0 and @i1, each with a few marks; version @ver. */
static size_t build(uint8_t *buf, uint32_t ver, uint32_t i0, uint32_t i1)
{
	uint32_t idx[2] = { i0, i1 };
	uint8_t *p = buf;
	size_t len = HEAD + 2 * REC + 4;

	memset(buf, 0, len);
	memcpy(p, "VSSTMAP1", 8);
	p = be(p + 8, ver, 4);
	p = be(p, 77, 4);			/* seal */
	for (int i = 0; i < 16; i++)
		p[i] = (uint8_t)(0xa0 + i);	/* generation */
	p = be(p + 16, 9, 8);			/* epoch */
	p = be(p, 64 << 20, 8);			/* capacity */
	p = be(p, 512, 4);
	p = be(p, 65536, 4);
	p += 16;				/* origin uuid: zero */
	p = be(p, 2, 4);
	p = be(p, 0, 4);
	for (int c = 0; c < 2; c++) {
		p = be(p, idx[c], 4);
		for (int m = 0; m < VSS_TRACK_CHUNK_MARKS; m++)
			p = be(p, m % 7 == c ? 1 + (m % 9) : 0, 2);
	}
	be(p, crc32(buf, len - 4), 4);
	return len;
}

int main(void)
{
	static uint8_t buf[HEAD + 2 * REC + 8], bad[sizeof(buf)];
	static const uint8_t gen[16] = { 0xa0, 0xa1, 0xa2, 0xa3, 0xa4, 0xa5, 0xa6,
		0xa7, 0xa8, 0xa9, 0xaa, 0xab, 0xac, 0xad, 0xae, 0xaf };
	struct libvss_tracker_image *img = NULL;
	size_t len = build(buf, 1, 3, 500), out_len, i, refused = 0;
	void *out = NULL;

	ok_int(libvss_tracker_image_decode(buf, len, &img), 0, "a well-formed image decodes");
	if (!img)
		return tap_done();
	ok_int(libvss_tracker_image_seal(img), 77, "its seal");
	ok_int(libvss_tracker_image_epoch(img), 9, "its epoch");
	ok_int(libvss_tracker_image_capacity(img), 64 << 20, "its capacity");
	ok_mem(libvss_tracker_image_generation(img), gen, 16, "its generation");
	ok_int(libvss_tracker_image_chunks(img), 2, "its two chunks");
	ok_int(libvss_tracker_image_encode(img, &out, &out_len), 0, "it encodes");
	ok(out && out_len == len && !memcmp(out, buf, len), "to the same bytes");
	free(out);
	libvss_tracker_image_free(img);

	for (i = 0; i < len; i++) {
		memcpy(bad, buf, len);
		bad[i] ^= 0x10;
		if (libvss_tracker_image_decode(bad, len, &img) == -EINVAL && !img)
			refused++;
		libvss_tracker_image_free(img);
	}
	ok_int((long long)refused, (long long)len, "each of the %zu bytes flipped: refused", len);
	ok_int(libvss_tracker_image_decode(buf, len - 1, &img), -EINVAL, "cut by a byte: refused");
	memcpy(bad, buf, len);
	bad[len] = 0;
	ok_int(libvss_tracker_image_decode(bad, len + 1, &img), -EINVAL, "a byte more: refused");
	len = build(bad, 2, 3, 500);
	ok_int(libvss_tracker_image_decode(bad, len, &img), -EINVAL, "version 2: refused");
	len = build(bad, 1, 500, 3);
	ok_int(libvss_tracker_image_decode(bad, len, &img), -EINVAL,
	       "chunks out of order (a correct CRC): refused");
	len = build(bad, 1, 3, 3);
	ok_int(libvss_tracker_image_decode(bad, len, &img), -EINVAL, "a chunk twice: refused");
	ok_int(libvss_tracker_image_decode(NULL, 0, &img), -EINVAL, "NULL: refused");
	return tap_done();
}
