// SPDX-License-Identifier: GPL-2.0
/*
 * Privilege: what a caller without CAP_SYS_ADMIN may and may not do, and
 * whose capability counts: a root user inside a user namespace, a process
 * in another network namespace, and a socket that changes hands (opened by
 * root and used after setuid, or opened unprivileged and used by root).
 * Each test runs in its own child (the harness forks), so dropping the
 * capability or entering a namespace does not leak into the next test.
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pwd.h>
#include <sched.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>
#include <linux/capability.h>
#include <linux/genetlink.h>
#include <linux/vss.h>

#include "../lib/vss_harness.h"
#include "../lib/vss_nl.h"

static int drop_cap_sys_admin(void)
{
	struct __user_cap_header_struct hdr = {
		.version = _LINUX_CAPABILITY_VERSION_3,
	};
	struct __user_cap_data_struct data[2];

	if (syscall(SYS_capget, &hdr, data))
		return -errno;
	data[CAP_TO_INDEX(CAP_SYS_ADMIN)].effective &= ~CAP_TO_MASK(CAP_SYS_ADMIN);
	data[CAP_TO_INDEX(CAP_SYS_ADMIN)].permitted &= ~CAP_TO_MASK(CAP_SYS_ADMIN);
	data[CAP_TO_INDEX(CAP_SYS_ADMIN)].inheritable &= ~CAP_TO_MASK(CAP_SYS_ADMIN);
	if (syscall(SYS_capset, &hdr, data))
		return -errno;
	return 0;
}

static int join_group(struct vss_nl *nl, uint32_t group)
{
	if (setsockopt(nl->fd, SOL_NETLINK, NETLINK_ADD_MEMBERSHIP, &group,
		       sizeof(group)))
		return -errno;
	return 0;
}

FIXTURE(priv) {
	struct vss_nl nl;
};

FIXTURE_SETUP(priv)
{
	if (geteuid() != 0)
		SKIP(return, "must start as root to drop CAP_SYS_ADMIN itself");
	ASSERT_EQ(0, vss_nl_open(&self->nl));
	ASSERT_EQ(0, vss_nl_resolve(&self->nl));
}

FIXTURE_TEARDOWN(priv)
{
	vss_nl_close(&self->nl);
}

TEST_F(priv, admin_joins_monitor_group)
{
	EXPECT_EQ(0, join_group(&self->nl, self->nl.grp_monitor));
}

TEST_F(priv, unprivileged_cannot_join_monitor_group)
{
	ASSERT_EQ(0, drop_cap_sys_admin());
	EXPECT_EQ(-EPERM, join_group(&self->nl, self->nl.grp_monitor));
}

TEST_F(priv, unprivileged_joins_events_group)
{
	ASSERT_EQ(0, drop_cap_sys_admin());
	EXPECT_EQ(0, join_group(&self->nl, self->nl.grp_events));
}

TEST_F(priv, unprivileged_may_get_features)
{
	struct vss_nl_msg m;

	ASSERT_EQ(0, drop_cap_sys_admin());
	vss_nl_msg_init(&m, self->nl.family, VSS_CMD_GET_FEATURES,
			VSS_FAMILY_VERSION);
	EXPECT_GT(vss_nl_transact(&self->nl, &m, NULL, 0), 0);
}

/*
 * Sends cmd (no attributes) on fd, with send() or, when to_kernel, with
 * sendto() and the kernel's address (as libnl does); 0, the reply's length,
 * or -errno with the extack message in nl->ext_msg.
 */
static int send_cmd(struct vss_nl *nl, int fd, uint8_t cmd, int to_kernel, int dump)
{
	struct sockaddr_nl kernel = { .nl_family = AF_NETLINK };
	static char buf[VSS_NL_BUF];
	struct vss_nl_msg m;
	ssize_t n;

	vss_nl_msg_init(&m, nl->family, cmd, VSS_FAMILY_VERSION);
	m.nlh.nlmsg_flags = NLM_F_REQUEST | NLM_F_ACK | (dump ? NLM_F_DUMP : 0);
	m.nlh.nlmsg_seq = ++nl->seq;
	nl->ext_msg[0] = '\0';
	if (sendto(fd, m.buf, m.nlh.nlmsg_len, 0,
		   to_kernel ? (struct sockaddr *)&kernel : NULL,
		   to_kernel ? sizeof(kernel) : 0) < 0)
		return -errno;
	for (;;) {
		struct nlmsghdr *h;

		n = recv(fd, buf, sizeof(buf), 0);
		if (n < 0)
			return -errno;
		for (h = (void *)buf; NLMSG_OK(h, n); h = NLMSG_NEXT(h, n)) {
			if (h->nlmsg_seq != m.nlh.nlmsg_seq)
				continue;
			if (h->nlmsg_type == NLMSG_ERROR || h->nlmsg_type == NLMSG_DONE)
				return vss_nl_parse_error(nl, h);
			return h->nlmsg_len;	/* a reply: the request succeeded */
		}
	}
}

static int open_genl(void)
{
	struct sockaddr_nl addr = { .nl_family = AF_NETLINK };
	int one = 1;
	int fd = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_GENERIC);

	if (fd < 0)
		return -errno;
	setsockopt(fd, SOL_NETLINK, NETLINK_EXT_ACK, &one, sizeof(one));
	setsockopt(fd, SOL_NETLINK, NETLINK_CAP_ACK, &one, sizeof(one));
	if (bind(fd, (struct sockaddr *)&addr, sizeof(addr))) {
		close(fd);
		return -errno;
	}
	return fd;
}

static int write_file(const char *path, const char *text)
{
	int fd = open(path, O_WRONLY | O_CLOEXEC);
	ssize_t n;

	if (fd < 0)
		return -errno;
	n = write(fd, text, strlen(text));
	close(fd);
	return n == (ssize_t)strlen(text) ? 0 : -EIO;
}

static int has_cap_sys_admin(void)
{
	struct __user_cap_header_struct hdr = { .version = _LINUX_CAPABILITY_VERSION_3 };
	struct __user_cap_data_struct data[2];

	if (syscall(SYS_capget, &hdr, data))
		return -errno;
	return !!(data[CAP_TO_INDEX(CAP_SYS_ADMIN)].effective & CAP_TO_MASK(CAP_SYS_ADMIN));
}

/*
 * A container's root: an unprivileged user (nobody) that made a user
 * namespace and mapped itself to uid 0 there. It holds CAP_SYS_ADMIN in
 * its namespace, none in the initial one, which is where the module looks.
 */
TEST_F(priv, root_in_a_user_namespace_is_refused)
{
	struct passwd *pw = getpwnam("nobody");
	int go[2], status;
	struct vss_nl nl;
	pid_t helper;
	char c;

	ASSERT_NE(NULL, pw);
	/*
	 * A chrooted process may not make a user namespace (create_user_ns:
	 * current_chrooted()), and the test VM runs the tests in a chroot:
	 * pid 1's root is the mount namespace's own (the same "/" elsewhere).
	 */
	ASSERT_EQ(0, chroot("/proc/1/root"));
	ASSERT_EQ(0, chdir("/"));
	/* Root outside maps us, as newuidmap would: uid and gid nobody to 0. */
	ASSERT_EQ(0, pipe(go));
	helper = fork();
	ASSERT_LE(0, helper);
	if (helper == 0) {
		char path[64], map[64];
		int ok;

		close(go[1]);
		if (read(go[0], &c, 1) != 1)
			_exit(1);
		snprintf(map, sizeof(map), "0 %u 1", pw->pw_uid);
		snprintf(path, sizeof(path), "/proc/%d/uid_map", getppid());
		ok = !write_file(path, map);
		snprintf(map, sizeof(map), "0 %u 1", pw->pw_gid);
		snprintf(path, sizeof(path), "/proc/%d/gid_map", getppid());
		ok = ok && !write_file(path, map);
		_exit(ok ? 0 : 2);
	}
	close(go[0]);
	ASSERT_EQ(0, setgid(pw->pw_gid));
	ASSERT_EQ(0, setuid(pw->pw_uid));
	ASSERT_EQ(0, unshare(CLONE_NEWUSER)) {
		TH_LOG("unshare(CLONE_NEWUSER) as nobody: %s (Debian's kernel.unprivileged_userns_clone?)",
		       strerror(errno));
	}
	c = 1;
	ASSERT_EQ(1, write(go[1], &c, 1));
	ASSERT_EQ(helper, waitpid(helper, &status, 0));
	ASSERT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0);
	ASSERT_EQ(0, getuid());
	ASSERT_EQ(1, has_cap_sys_admin());	/* in its own namespace */

	/* The family resolves (nlctrl asks for nothing), GET_FEATURES answers. */
	ASSERT_EQ(0, vss_nl_open(&nl));
	ASSERT_EQ(0, vss_nl_resolve(&nl));
	EXPECT_LT(0, send_cmd(&nl, nl.fd, VSS_CMD_GET_FEATURES, 0, 0));
	/* Anything else: EPERM, and why. */
	EXPECT_EQ(-EPERM, send_cmd(&nl, nl.fd, VSS_CMD_SESSION_CREATE, 0, 0));
	EXPECT_STREQ("needs CAP_SYS_ADMIN", nl.ext_msg);
	EXPECT_EQ(-EPERM, send_cmd(&nl, nl.fd, VSS_CMD_SNAPSHOT_GET, 0, 1));
	EXPECT_EQ(-EPERM, join_group(&nl, nl.grp_monitor));
	vss_nl_close(&nl);
}

/* Waits up to ms for a message on fd; 1 if one came. */
static int readable(int fd, int ms)
{
	struct pollfd pfd = { .fd = fd, .events = POLLIN };

	return poll(&pfd, 1, ms) == 1;
}

/*
 * The family is not netnsok: from another network namespace, even as
 * root, it does not exist. The namespace that counts is the socket's, not
 * the process's: a socket opened before the switch still reaches it.
 */
TEST_F(priv, another_network_namespace_does_not_see_the_family)
{
	uint16_t family = self->nl.family;
	uint32_t monitor = self->nl.grp_monitor;
	struct vss_nl nl, watch;
	char buf[4096];
	int fd;

	ASSERT_EQ(0, vss_nl_open(&watch));
	ASSERT_EQ(0, vss_nl_resolve(&watch));
	ASSERT_EQ(0, join_group(&watch, monitor));
	ASSERT_EQ(0, unshare(CLONE_NEWNET));

	ASSERT_EQ(0, vss_nl_open(&nl));
	EXPECT_EQ(-ENOENT, vss_nl_resolve(&nl));
	/* The id learnt in the initial namespace: refused before any handler. */
	nl.family = family;
	EXPECT_EQ(-ENOENT, send_cmd(&nl, nl.fd, VSS_CMD_GET_FEATURES, 0, 0));
	EXPECT_EQ(-ENOENT, send_cmd(&nl, nl.fd, VSS_CMD_SESSION_CREATE, 0, 0));
	EXPECT_EQ(-ENOENT, send_cmd(&nl, nl.fd, VSS_CMD_SNAPSHOT_GET, 0, 1));
	/*
	 * Joining the monitor group by its id succeeds (root owns this
	 * namespace's user namespace), but the module multicasts in the
	 * initial namespace only: nothing arrives here.
	 */
	EXPECT_EQ(0, join_group(&nl, monitor));

	/* The socket from before the unshare: the initial namespace's. */
	fd = self->nl.fd;
	EXPECT_LT(0, send_cmd(&self->nl, fd, VSS_CMD_SESSION_CREATE, 0, 0));
	/* Its state notification reaches the monitor there, not here. */
	EXPECT_TRUE(readable(watch.fd, 10000));
	EXPECT_LT(0, recv(watch.fd, buf, sizeof(buf), MSG_DONTWAIT));
	EXPECT_FALSE(readable(nl.fd, 1000));
	vss_nl_close(&nl);
	vss_nl_close(&watch);
}

/*
 * A socket root opened, used after setuid: the sender's capability is
 * checked at each send, whether the request names the kernel or not.
 */
TEST_F(priv, socket_opened_by_root_is_refused_after_setuid)
{
	struct passwd *pw = getpwnam("nobody");

	ASSERT_NE(NULL, pw);
	EXPECT_LT(0, send_cmd(&self->nl, self->nl.fd, VSS_CMD_SESSION_CREATE, 0, 0));
	ASSERT_EQ(0, setgid(pw->pw_gid));
	ASSERT_EQ(0, setuid(pw->pw_uid));
	EXPECT_EQ(-EPERM, send_cmd(&self->nl, self->nl.fd, VSS_CMD_SESSION_CREATE, 0, 0));
	EXPECT_STREQ("needs CAP_SYS_ADMIN", self->nl.ext_msg);
	EXPECT_EQ(-EPERM, send_cmd(&self->nl, self->nl.fd, VSS_CMD_SESSION_CREATE, 1, 0));
	EXPECT_EQ(-EPERM, send_cmd(&self->nl, self->nl.fd, VSS_CMD_SESSION_GET, 0, 1));
}

/*
 * A socket opened without the capability, used by root: netlink_capable()
 * also asks the opener (file_ns_capable) for a plain send(), but not for a
 * sendto() that names the kernel (NETLINK_SKB_DST, af_netlink.c), where the
 * sender's capability alone counts, in 6.1 and 6.12 alike.
 */
TEST_F(priv, socket_opened_unprivileged_counts_only_without_an_address)
{
	struct passwd *pw = getpwnam("nobody");
	int fd;

	ASSERT_NE(NULL, pw);
	ASSERT_EQ(0, seteuid(pw->pw_uid));	/* effective set emptied; permitted kept */
	ASSERT_EQ(0, has_cap_sys_admin());
	fd = open_genl();
	ASSERT_LE(0, fd);
	ASSERT_EQ(0, seteuid(0));
	ASSERT_EQ(1, has_cap_sys_admin());

	EXPECT_EQ(-EPERM, send_cmd(&self->nl, fd, VSS_CMD_SESSION_CREATE, 0, 0));
	EXPECT_STREQ("needs CAP_SYS_ADMIN", self->nl.ext_msg);
	EXPECT_EQ(-EPERM, send_cmd(&self->nl, fd, VSS_CMD_SESSION_GET, 0, 1));
	EXPECT_LT(0, send_cmd(&self->nl, fd, VSS_CMD_SESSION_CREATE, 1, 0));
	EXPECT_LT(0, send_cmd(&self->nl, fd, VSS_CMD_GET_FEATURES, 0, 0));
	close(fd);	/* releases the session it made */
}

TEST_HARNESS_MAIN
