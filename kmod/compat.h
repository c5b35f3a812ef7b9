/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Every difference between the kernel versions vss builds for (Debian's 6.1
 * and 6.12 lines) is decided here and nowhere else, by LINUX_VERSION_CODE or
 * by testing for the macro that introduced an API. Callers use the vss_compat
 * names and never test versions themselves.
 */
#ifndef VSS_COMPAT_H
#define VSS_COMPAT_H

#include <linux/version.h>
#include <linux/netlink.h>

/*
 * From 6.6, freeze_super() takes a holder: a freeze the kernel holds is
 * counted apart from a userspace FIFREEZE, so FITHAW cannot undo it.
 */
#define VSS_HAVE_FREEZE_HOLDER (LINUX_VERSION_CODE >= KERNEL_VERSION(6, 6, 0))

/*
 * Formatted extack messages (NL_SET_ERR_MSG_ATTR_FMT) exist from 6.2. Older
 * kernels have only static messages, so callers give both forms.
 */
#ifdef NL_SET_ERR_MSG_ATTR_FMT
#define vss_compat_err_attr_fmt(extack, attr, static_msg, fmt, args...) \
	NL_SET_ERR_MSG_ATTR_FMT(extack, attr, fmt, ##args)
#else
#define vss_compat_err_attr_fmt(extack, attr, static_msg, fmt, args...) \
	NL_SET_ERR_MSG_ATTR(extack, attr, static_msg)
#endif

#endif /* VSS_COMPAT_H */
