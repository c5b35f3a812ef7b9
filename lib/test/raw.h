/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Requests written out field by field, independently of libnl, for the
 * byte-exact encoder tests: what the module's strict policies will see.
 */
#ifndef LIBVSS_TEST_RAW_H
#define LIBVSS_TEST_RAW_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct mock;

struct raw {
	uint8_t buf[1024];
	size_t len;
};

/* nlmsghdr and genlmsghdr of a vss request from the mock's port. */
void raw_start(struct raw *r, uint16_t family, uint16_t flags, uint32_t seq,
	       uint8_t cmd);
/* One attribute: header, @len bytes of @data, zero padding to 4. */
void raw_attr(struct raw *r, uint16_t type, const void *data, size_t len);
void raw_u32(struct raw *r, uint16_t type, uint32_t v);
void raw_u64(struct raw *r, uint16_t type, uint64_t v);
void raw_str(struct raw *r, uint16_t type, const char *s);
/* Sets nlmsg_len; call last. */
void raw_end(struct raw *r);

/* The @i-th request the mock received is exactly @want (two checks). */
__attribute__((format(printf, 4, 5)))
bool ok_request(const struct mock *m, unsigned int i, const struct raw *want,
		const char *fmt, ...);

#endif /* LIBVSS_TEST_RAW_H */
