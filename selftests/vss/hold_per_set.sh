#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The hold and the drain of a set's switch are the set's own (issue 15,
# item 11): an origin stacked on another origin (an LV on its PV, both
# with diff storage) gets its snapshot while it is being written. A write
# to the upper origin that passed before the switch goes on to the lower
# one; the switch waits for it (the drain), so that write must not be
# held: only the set's origins are. With one global hold, the lower write
# was held until the release, the drain waited for the upper write until
# hold_timeout_ms and the set failed with ETIMEDOUT (seen: every creation
# under load failed, 6.12).
#
# The upper origin is a dm-delay device over a loop device (the lower
# origin) that holds each write 20 ms before it passes it on, as a stacked
# device may (so that writes are always inside it: with dm-linear the
# window between the two interceptions is too short to hit every time),
# under fio's random direct writes at queue depth 16 the whole time; 8
# snapshots of the upper one are created and deleted, one after the
# other, with hold_timeout_ms at 2 s. Every one is created, and the last
# one reads the same before and after the load stops.
set -u

top=$(cd "$(dirname "$0")/../../.." && pwd)
tap_prefix=hold_per_set
# shellcheck source=selftests/lib/tap.sh
. "$top/selftests/lib/tap.sh"
# shellcheck source=selftests/lib/dm_delay.sh
. "$top/selftests/lib/dm_delay.sh"
vssctl=$top/tools/vssctl/vssctl
w=$(mktemp -d /tmp/hold-per-set.XXXXXX)
name=vss-hold-upper
param=/sys/module/vss/parameters/hold_timeout_ms
loop='' upper='' timeout='' fio_pid=''


# shellcheck disable=SC2317 # called by the trap
cleanup() {
	[ -z "$fio_pid" ] || kill "$fio_pid" 2>/dev/null
	wait 2>/dev/null
	"$vssctl" snapshot delete --all > /dev/null 2>&1
	[ -z "$upper" ] || "$vssctl" storage remove "$upper" > /dev/null 2>&1
	[ -z "$loop" ] || "$vssctl" storage remove "$loop" > /dev/null 2>&1
	dmsetup remove --noudevsync "$name" 2>/dev/null
	[ -z "$loop" ] || losetup -d "$loop"
	[ -z "$timeout" ] || echo "$timeout" > "$param"
	rm -rf "$w"
}
trap cleanup EXIT

echo "TAP version 13"
echo "1..3"

modprobe loop && modprobe dm-delay &&
	head -c 64M /dev/urandom > "$w/lower.img" &&
	loop=$(losetup --find --show "$w/lower.img") &&
	dm_delay_create "$name" "$loop" 0 20 && upper=/dev/mapper/$name &&
	"$vssctl" storage add "$loop" --max 32M > /dev/null &&
	"$vssctl" storage add "$upper" --max 80M > /dev/null &&
	timeout=$(cat "$param") && echo 2000 > "$param"
result $? "setup_an_origin_stacked_on_an_origin"

fio --output=/dev/null --name=load --filename="$upper" --direct=1 \
	--rw=randwrite --bs=4k --iodepth=16 --ioengine=libaio \
	--time_based --runtime=600 &
fio_pid=$!
sleep 2

made=0 errs='' dev=''
for i in 1 2 3 4 5 6 7 8; do
	if out=$("$vssctl" snapshot create "$upper" 2>&1); then
		made=$((made + 1))
		dev=$(echo "$out" | awk '$2 == "origin" { print $1 }')
		id=$(echo "$out" | awk '$2 == "origin" { print $5 }')
		[ "$i" -eq 8 ] || "$vssctl" snapshot delete --id "$id" > /dev/null ||
			errs="$errs${errs:+; }$i: not deleted"
	else
		errs="$errs${errs:+; }$i: $(echo "$out" | tail -n 1)"
	fi
done
note "created $made of 8 under load${errs:+ ($errs)}"
kill -0 "$fio_pid" 2>/dev/null
running=$?
[ "$made" -eq 8 ] && [ "$running" -eq 0 ]
result $? "every_snapshot_of_the_upper_origin_is_created_while_it_is_written"

a=$([ -n "$dev" ] && sha256sum < "$dev" | cut -d' ' -f1)
kill "$fio_pid" 2>/dev/null
wait "$fio_pid" 2>/dev/null
fio_pid=''
b=$([ -n "$dev" ] && sha256sum < "$dev" | cut -d' ' -f1)
[ -n "$a" ] && [ "$a" = "$b" ]
result $? "the_last_snapshot_reads_the_same_before_and_after_the_load_stops"

exit $((failed > 0))
