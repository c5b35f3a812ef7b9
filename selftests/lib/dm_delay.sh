# SPDX-License-Identifier: GPL-2.0
# shellcheck shell=bash
#
# A device-mapper delay target over a device, for the tests that need a
# read or a write held for a while (a copy in flight, a stalled origin, a
# slow disk), and the release that lets every held bio go at once.
#
#   dm_delay_create NAME DEV READ_MS WRITE_MS
#	/dev/mapper/NAME: DEV's every sector, reads completed READ_MS and
#	writes WRITE_MS after they arrive (0: at once).
#   dm_delay_release NAME DEV
#	The table swapped for a linear one over DEV: the held bios are
#	dispatched by the suspend, and nothing is delayed from then on.
#
# Both without udev (the guest has none: --noudevsync, then mknodes).

dm_delay_create() { # dm_delay_create NAME DEV READ_MS WRITE_MS
	dmsetup create --noudevsync "$1" --table \
		"0 $(blockdev --getsz "$2") delay $2 0 $3 $2 0 $4" &&
		dmsetup mknodes "$1"
}

dm_delay_release() { # dm_delay_release NAME DEV
	dmsetup suspend --noudevsync --nolockfs "$1" &&
		dmsetup load "$1" --table "0 $(blockdev --getsz "$2") linear $2 0" &&
		dmsetup resume --noudevsync "$1"
}
