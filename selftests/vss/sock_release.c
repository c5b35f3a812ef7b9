// SPDX-License-Identifier: GPL-2.0
/*
 * The module notices when a netlink socket goes away, whether closed or
 * left behind by a process that died. Later features free what the socket
 * owned at that point; here the module's debug line (enabled through
 * dynamic debug) proves that the notice arrives, for the right portid.
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "../lib/vss_harness.h"
#include "../lib/vss_nl.h"

static const char *const dyndbg_paths[] = {
	"/proc/dynamic_debug/control",
	"/sys/kernel/debug/dynamic_debug/control",
};

static int dyndbg(const char *cmd)
{
	for (size_t i = 0; i < sizeof(dyndbg_paths) / sizeof(dyndbg_paths[0]); i++) {
		int fd = open(dyndbg_paths[i], O_WRONLY);
		ssize_t n;

		if (fd < 0)
			continue;
		n = write(fd, cmd, strlen(cmd));
		close(fd);
		return n == (ssize_t)strlen(cmd) ? 0 : -EIO;
	}
	return -ENOENT;
}

/* Scans the kernel log from fd's position for needle; 1 if found. */
static int kmsg_find(int fd, const char *needle)
{
	char rec[2048];
	ssize_t n;

	/* Records may take a moment to show up after the event. */
	for (int tries = 0; tries < 50; tries++) {
		while ((n = read(fd, rec, sizeof(rec) - 1)) > 0 || (n < 0 && errno == EPIPE)) {
			if (n <= 0)
				continue;
			rec[n] = '\0';
			if (strstr(rec, needle))
				return 1;
		}
		usleep(20000);
	}
	return 0;
}

FIXTURE(release) {
	int kmsg;
};

FIXTURE_SETUP(release)
{
	int err = dyndbg("module vss +p");

	if (err == -ENOENT)
		SKIP(return, "no dynamic_debug control file");
	ASSERT_EQ(0, err);
	self->kmsg = open("/dev/kmsg", O_RDONLY | O_NONBLOCK);
	ASSERT_LE(0, self->kmsg);
	lseek(self->kmsg, 0, SEEK_END);
}

FIXTURE_TEARDOWN(release)
{
	dyndbg("module vss -p");
	if (self->kmsg >= 0)
		close(self->kmsg);
}

TEST_F(release, close_is_noticed_for_that_portid)
{
	struct vss_nl nl;
	char needle[64];

	ASSERT_EQ(0, vss_nl_open(&nl));
	ASSERT_EQ(0, vss_nl_resolve(&nl));
	snprintf(needle, sizeof(needle), "portid %u released", nl.portid);
	vss_nl_close(&nl);
	EXPECT_EQ(1, kmsg_find(self->kmsg, needle));
}

TEST_F(release, killed_process_is_noticed)
{
	int pipefd[2];
	uint32_t portid = 0;
	char needle[64];
	pid_t child;
	int status;

	ASSERT_EQ(0, pipe(pipefd));
	child = fork();
	ASSERT_LE(0, child);
	if (child == 0) {
		struct vss_nl nl;

		if (vss_nl_open(&nl) || vss_nl_resolve(&nl))
			_exit(1);
		if (write(pipefd[1], &nl.portid, sizeof(nl.portid)) != sizeof(nl.portid))
			_exit(1);
		pause();
		_exit(0);
	}
	ASSERT_EQ(sizeof(portid), read(pipefd[0], &portid, sizeof(portid)));
	ASSERT_EQ(0, kill(child, SIGKILL));
	ASSERT_EQ(child, waitpid(child, &status, 0));
	ASSERT_TRUE(WIFSIGNALED(status));
	snprintf(needle, sizeof(needle), "portid %u released", portid);
	EXPECT_EQ(1, kmsg_find(self->kmsg, needle));
}

TEST_HARNESS_MAIN
