// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * The real transport: libvss_open() on a generic-netlink socket either finds
 * the family (module loaded: GET_FEATURES must then work) or fails with
 * -ENOENT and says the module is not loaded. Skipped where there is no
 * generic netlink at all. libvss_open_opts() checks its options' size
 * before anything: too small, or a newer caller's unknown option set.
 */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "tap.h"
#include <libvss.h>

/* A caller built against a newer libvss, with one more option. */
struct newer_opts {
	struct libvss_open_opts o;
	uint64_t future;
};

static void open_opts_checks(void)
{
	struct newer_opts newer = { .o.sz = sizeof(newer), .future = 1 };
	struct libvss_open_opts tiny = { .sz = 1 };
	struct libvss_ctx *ctx = (struct libvss_ctx *)1;

	ok_int(libvss_open_opts(&ctx, &tiny), -EINVAL, "open_opts: sz too small: -EINVAL");
	ok(ctx == NULL, "open_opts: refused: no context");
	ok_contains(libvss_ext_error(NULL), "too small", "open_opts: too small: says so");
	ok_int(libvss_open_opts(&ctx, &newer.o), -E2BIG,
	       "open_opts: an unknown option set: -E2BIG");
	ok_contains(libvss_ext_error(NULL), "does not know",
		    "open_opts: unknown option: says so");
	newer.future = 0;
	ok(libvss_open_opts(&ctx, &newer.o) != -E2BIG,
	   "open_opts: an unknown option left 0 is accepted");
	libvss_close(ctx);
}

int main(void)
{
	struct libvss_features *f;
	struct libvss_ctx *ctx;
	int ret;

	open_opts_checks();
	ret = libvss_open(&ctx);
	if (ret == -EAFNOSUPPORT || ret == -EPROTONOSUPPORT || ret == -EPERM ||
	    ret == -EACCES) {
		printf("# SKIP no generic netlink socket here: %s\n",
		       strerror(-ret));
		return TAP_SKIP;
	}
	if (ret == -ENOENT) {
		ok(ctx == NULL, "module not loaded: no context");
		ok_contains(libvss_ext_error(NULL), "not loaded",
			    "module not loaded: libvss_ext_error(NULL) says so");
		return tap_done();
	}
	if (!ok_int(ret, 0, "libvss_open() finds the loaded module"))
		return tap_done();
	ret = libvss_get_features(ctx, 0, &f);
	if (ok_int(ret, 0, "GET_FEATURES over the socket")) {
		ok(libvss_features_module_version(f)[0] != '\0',
		   "module version reported");
		ok(libvss_features_protocol_version(f) >= 1,
		   "protocol version reported");
		libvss_features_free(f);
	}
	libvss_close(ctx);
	return tap_done();
}
