#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The worked examples of Documentation/requester-guide.md and
# writer-guide.md, built from the pages by selftests/Makefile, run together
# against the module: the writer registered on an ext4 on a loop device,
# the requester backing that volume up and running a copy program that
# finds the file as it was at the snapshot while the origin has changed.
# Each program's output is checked line for line against what its guide
# says it prints.
set -u

top=$(cd "$(dirname "$0")/../../.." && pwd)
bin=$top/build/selftests/doc
vssctl=$top/tools/vssctl/vssctl
work=$(mktemp -d /tmp/doc-examples.XXXXXX)
writer_pid=

tap_prefix=doc_examples
# shellcheck source=selftests/lib/tap.sh
. "$top/selftests/lib/tap.sh"

show() { sed 's/^/# /' "$@"; }

cleanup() {
	[ -n "$writer_pid" ] && kill "$writer_pid" 2>/dev/null && wait "$writer_pid"
	umount "$work/snap" "$work/vol" 2>/dev/null
	"$vssctl" snapshot delete --all >/dev/null 2>&1
	[ -n "${dev:-}" ] && "$vssctl" storage remove "$dev" >/dev/null 2>&1
	[ -n "${dev:-}" ] && losetup -d "$dev"
	rm -rf "$work"
}
trap cleanup EXIT

echo "TAP version 13"
echo "1..6"

modprobe loop
mkdir -p "$work/vol" "$work/snap"
truncate -s 64M "$work/disk.img"
dev=$(losetup --find --show "$work/disk.img")
mkfs.ext4 -q "$dev" && mount "$dev" "$work/vol" && mkdir "$work/vol/data" &&
	echo "at the snapshot" >"$work/vol/data/file" &&
	"$vssctl" storage add "$dev" --max 32M >/dev/null
result $? "volume_with_diff_storage"

# The writer: registered before the backup starts.
"$bin/writer-guide" "$work/vol/data" >"$work/writer.out" 2>&1 &
writer_pid=$!
for _ in $(seq 100); do
	grep -q '^registered$' "$work/writer.out" && break
	sleep 0.1
done
grep -q '^registered$' "$work/writer.out"
result $? "writer_example_registers"

# The copy the requester runs on the snapshot device: the origin changes
# first, then the snapshot, mounted as an ext4 snapshot must be, still
# reads as it was.
cat >"$work/copy" <<COPY
#!/bin/sh
echo "after the snapshot" >"$work/vol/data/file" && sync &&
mount -o ro,noload "\$1" "$work/snap" &&
cp "$work/snap/data/file" "$work/copied" &&
umount "$work/snap"
COPY
chmod +x "$work/copy"

"$bin/requester-guide" "$work/vol" "$work/copy" >"$work/requester.out" 2>&1
rc=$?
show "$work/requester.out"
[ $rc -eq 0 ]
result $? "requester_example_succeeds"

# Its output, the snapshot's number aside, as the guide shows it.
sed -E 's|/dev/vss-snap[0-9]+|/dev/vss-snapN|' "$work/requester.out" >"$work/requester.got"
cat >"$work/requester.want" <<WANT
snapshot of $work/vol: /dev/vss-snapN
$work/copy: exit 0
writer Example Writer: stable
WANT
diff -u "$work/requester.want" "$work/requester.got"
result $? "requester_example_prints_the_guides_lines"

[ "$(cat "$work/copied" 2>/dev/null)" = "at the snapshot" ] &&
	[ "$(cat "$work/vol/data/file")" = "after the snapshot" ]
result $? "the_copy_read_the_snapshot_while_the_origin_changed"

# The writer: SIGTERM ends it with 0, having seen the whole backup.
kill -TERM "$writer_pid"
wait "$writer_pid"
rc=$?
writer_pid=
show "$work/writer.out"
cat >"$work/writer.want" <<WANT
registered
identify
prepare-backup
prepare-snapshot
freeze
thaw
post-snapshot
backup-complete
backup-shutdown
WANT
[ $rc -eq 0 ] && diff -u "$work/writer.want" "$work/writer.out"
result $? "writer_example_saw_every_event_in_order_and_exits_0"

[ $failed -eq 0 ]
