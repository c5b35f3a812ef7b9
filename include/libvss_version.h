/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The version of the libvss headers a program is compiled against, as
 * liburing's <liburing/io_uring_version.h> and libbpf's libbpf_version.h.
 * libvss_version() is the library's at run time, which may be newer.
 *
 * Kept by hand, like libbpf's: scripts/check-version.sh (run by the build
 * of libvss.so) fails when these, ../VERSION and the newest released node
 * of lib/libvss.map disagree. A release of MAJOR.MINOR adds the node
 * LIBVSS_MAJOR.MINOR (or renames LIBVSS_UNRELEASED to it); a bug-fix
 * release changes only the third number of VERSION, which is not here.
 */
#ifndef LIBVSS_VERSION_H
#define LIBVSS_VERSION_H

#define LIBVSS_VERSION_MAJOR	0
#define LIBVSS_VERSION_MINOR	5

/*
 * LIBVSS_CHECK_VERSION() - Whether these headers are at least
 *   @major.@minor: true from the release that added what a program needs.
 *   (liburing's IO_URING_CHECK_VERSION() is the opposite: true when older.)
 */
#define LIBVSS_CHECK_VERSION(major, minor)				\
	(LIBVSS_VERSION_MAJOR > (major) ||				\
	 (LIBVSS_VERSION_MAJOR == (major) && LIBVSS_VERSION_MINOR >= (minor)))

#endif /* LIBVSS_VERSION_H */
