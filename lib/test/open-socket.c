// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * The real transport: libvss_open() on a generic-netlink socket either finds
 * the family (module loaded: GET_FEATURES must then work) or fails with
 * -ENOENT and says the module is not loaded. Skipped where there is no
 * generic netlink at all.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "tap.h"
#include <libvss.h>

int main(void)
{
	struct libvss_features *f;
	struct libvss_ctx *ctx;
	int ret;

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
