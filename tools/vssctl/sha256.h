/* SPDX-License-Identifier: GPL-2.0 */
/*
 * SHA-256 (FIPS 180-4), small and dependency-free: vssctl's tracker files
 * carry a digest of themselves and of the origin's edges.
 */
#ifndef VSSCTL_SHA256_H
#define VSSCTL_SHA256_H

#include <stddef.h>
#include <stdint.h>

#define SHA256_BYTES	32

struct sha256 {
	uint32_t h[8];
	uint64_t len;			/* bytes hashed so far */
	uint8_t buf[64];
	size_t fill;
};

void sha256_init(struct sha256 *s);
void sha256_update(struct sha256 *s, const void *data, size_t len);
void sha256_final(struct sha256 *s, uint8_t out[SHA256_BYTES]);

#endif /* VSSCTL_SHA256_H */
