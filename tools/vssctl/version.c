// SPDX-License-Identifier: GPL-2.0
/*
 * `vssctl version`: the library's version, then what the running module
 * reports about itself.
 */
#include <inttypes.h>
#include <stdio.h>

#include "print.h"
#include "vssctl.h"

/* Every bit by name; bits this libvss cannot name, as hex. */
static void print_features(uint64_t mask)
{
	char hex[sizeof("0x") + 16];
	uint64_t bit;

	print_string(PRINT_FP, NULL, "%s", "features:");
	open_json_array(PRINT_JSON, "features");
	for (bit = 1; bit; bit <<= 1) {
		const char *name;

		if (!(mask & bit))
			continue;
		name = libvss_feature_name(bit);
		if (!name) {
			snprintf(hex, sizeof(hex), "0x%" PRIx64, bit);
			name = hex;
		}
		print_string(PRINT_ANY, NULL, " %s", name);
	}
	if (!mask)
		print_string(PRINT_FP, NULL, " %s", "none");
	close_json_array(PRINT_JSON, NULL);
	print_nl();
}

static int cmd_version_show(int argc, char **argv)
{
	struct libvss_features *f;
	struct libvss_ctx *ctx;
	int ret, err;

	if (argc > 0)
		return vssctl_usage_error("unexpected argument \"%s\"", argv[0]);

	new_json_obj();
	/* First, and alone if the module is absent: it needs no kernel. */
	print_string(PRINT_ANY, "library", "library: %s\n", libvss_version());
	ret = vssctl_open(&ctx);
	if (ret)
		goto out;
	err = libvss_get_features(ctx, 0, &f);
	if (err) {
		ret = vssctl_lib_error(ctx, err, "cannot get the module's features");
		goto close;
	}
	print_string(PRINT_ANY, "module", "module: %s\n",
		     libvss_features_module_version(f));
	print_uint(PRINT_ANY, "protocol", "protocol: %u\n",
		   libvss_features_protocol_version(f));
	print_features(libvss_features_mask(f));
	libvss_features_free(f);
close:
	libvss_close(ctx);
out:
	delete_json_obj();
	return ret;
}

static const struct vssctl_cmd version_cmds[] = {
	{ "show", cmd_version_show, NULL,
	  "library, module and protocol versions, and the module's features" },
	{ 0 },
};

const struct vssctl_object vssctl_obj_version = {
	.name = "version",
	.help = "versions of libvss and of the running module",
	.cmds = version_cmds,
};
