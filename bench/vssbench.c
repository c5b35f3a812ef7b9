// SPDX-License-Identifier: GPL-2.0
/*
 * vssbench: the few vss requests the benchmark harness (bench/guest.sh)
 * needs, over the selftests' raw netlink client, so that the harness does
 * not depend on which storage kinds `vssctl storage add` knows yet.
 *
 *   vssbench storage-add ORIGIN memory|file MAX_BYTES CHUNK_BYTES [DIR]
 *   vssbench storage-remove ORIGIN
 *   vssbench create VOLUME...     prints "window_ns N" and "device PATH"s
 *   vssbench delete-all
 *
 * Exit status 0 on success, 1 on a failed request (the module's extack
 * message on stderr), 2 on a usage error.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <linux/vss.h>

#include "vss_nl.h"
#include "vss_ops.h"
#include "vss_storage.h"

static int usage(void)
{
	fputs("usage: vssbench storage-add ORIGIN memory|file MAX_BYTES CHUNK_BYTES [DIR]\n"
	      "       vssbench storage-remove ORIGIN\n"
	      "       vssbench create VOLUME...\n"
	      "       vssbench delete-all\n", stderr);
	return 2;
}

static int failed(struct vss_nl *nl, const char *what, int err)
{
	fprintf(stderr, "vssbench: %s: %s%s%s\n", what, strerror(-err),
		nl->ext_msg[0] ? ": " : "", nl->ext_msg);
	return 1;
}

static int cmd_storage_add(struct vss_nl *nl, int argc, char **argv)
{
	uint32_t kind;
	int err;

	if (argc < 4 || argc > 5)
		return usage();
	if (!strcmp(argv[1], "memory"))
		kind = VSS_STORAGE_MEMORY;
	else if (!strcmp(argv[1], "file") && argc == 5)
		kind = VSS_STORAGE_FILE;
	else
		return usage();
	err = vss_storage_add_ex(nl, argv[0], kind, argc == 5 ? argv[4] : NULL,
				 strtoull(argv[2], NULL, 0),
				 (uint32_t)strtoul(argv[3], NULL, 0), NULL, 0);
	return err ? failed(nl, "storage add", err) : 0;
}

static int cmd_create(struct vss_nl *nl, int argc, char **argv)
{
	struct vss_set set;
	unsigned int i;
	int err;

	if (argc < 1 || argc > VSS_TEST_MAX_VOLS)
		return usage();
	err = vss_snapshot_create(nl, (const char *const *)argv, argc,
				  VSS_SNAPSHOT_F_PERSISTENT, &set);
	if (err)
		return failed(nl, "snapshot create", err);
	printf("window_ns %" PRIu64 "\n", set.window_ns);
	for (i = 0; i < set.nr; i++)
		printf("device %s\n", set.device[i]);
	return 0;
}

int main(int argc, char **argv)
{
	struct vss_nl nl;
	int err, ret;

	if (argc < 2)
		return usage();
	err = vss_nl_open(&nl);
	if (!err)
		err = vss_nl_resolve(&nl);
	if (err) {
		fprintf(stderr, "vssbench: vss family: %s\n", strerror(-err));
		return 1;
	}
	if (!strcmp(argv[1], "storage-add"))
		ret = cmd_storage_add(&nl, argc - 2, argv + 2);
	else if (!strcmp(argv[1], "storage-remove") && argc == 3)
		ret = (err = vss_storage_remove(&nl, argv[2])) ?
		      failed(&nl, "storage remove", err) : 0;
	else if (!strcmp(argv[1], "create"))
		ret = cmd_create(&nl, argc - 2, argv + 2);
	else if (!strcmp(argv[1], "delete-all") && argc == 2)
		ret = (err = vss_snapshot_delete(&nl, VSS_A_SNAPSHOT_ALL, NULL, 0)) < 0 ?
		      failed(&nl, "snapshot delete", err) : 0;
	else
		ret = usage();
	vss_nl_close(&nl);
	return ret;
}
