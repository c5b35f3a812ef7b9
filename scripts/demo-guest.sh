#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The guest half of `make demo` (runs inside the VM): an application-
# consistent backup of a live database, the way an administrator runs one.
# A SQLite database under a continuous write load on an ext4 volume, its
# writer (vss-sqlite-writer) and a hook writer (vss-hookd), `vssctl monitor`
# in the background, then `vssctl backup` around tar. The archive's copy of
# the database passes SQLite's integrity check and holds every transaction
# committed before Freeze; the writers' event order, the monitor's lines
# and the time the filesystem was frozen are shown. Then incremental
# backups: vss-imgsync keeps a raw image of the volume, a full copy first,
# then only the blocks changed since (changed-block tracking), the image
# checked byte for byte against its snapshot.
set -euo pipefail

top=$(cd "$(dirname "$0")/.." && pwd)
vssctl=$top/tools/vssctl/vssctl
sqlite_writer=$top/tools/vss-sqlite-writer/vss-sqlite-writer
hookd=$top/tools/vss-hookd/vss-hookd
imgsync=$top/tools/vss-imgsync/vss-imgsync
load=$top/selftests/helpers/sqlite_load.py
work=/tmp/demo
srv=$work/srv
pids=()
dev=

say() { printf '\n== %s\n' "$*"; }
run() { printf '$ %s\n' "$*"; "$@"; }

cleanup() {
	local p
	for p in "${pids[@]}"; do kill -TERM "$p" 2>/dev/null || true; done
	wait 2>/dev/null || true
	"$vssctl" snapshot delete --all >/dev/null 2>&1 || true
	umount "$srv" 2>/dev/null || true
	if [ -n "$dev" ]; then
		"$vssctl" storage remove "$dev" >/dev/null 2>&1 || true
		losetup -d "$dev" 2>/dev/null || true
	fi
}
trap cleanup EXIT

# Waits up to 60 s for PATTERN in FILE.
wait_grep() { # wait_grep PATTERN FILE
	local i
	for i in $(seq 600); do
		grep -q "$1" "$2" 2>/dev/null && return 0
		sleep 0.1
	done
	echo "timed out waiting for '$1' in $2 (after $i tries)" >&2
	return 1
}

say "load the module"
run insmod "$top/build/kmod/$(uname -r)/vss.ko"
run "$vssctl" version

say "a volume: ext4 on a loop device, with a live SQLite database (WAL mode)"
modprobe loop
rm -rf $work
mkdir -p $srv $work/restore $work/hooks.d
truncate -s 256M $work/disk.img
dev=$(losetup --find --show $work/disk.img)
mkfs.ext4 -q "$dev"
mount "$dev" $srv
sqlite3 $srv/app.db "PRAGMA journal_mode=WAL; CREATE TABLE t(id INTEGER PRIMARY KEY, payload BLOB);" >/dev/null
echo "version 1" > $srv/README
# One row per transaction, each id logged with its commit time; the load
# never checkpoints, so committed rows sit in app.db-wal until someone does.
python3 "$load" $srv/app.db $work/load.log 2>$work/load.err &
pids+=($!)
wait_grep . $work/load.log
echo "the load commits one row per transaction into $srv/app.db"

say "diff storage for the volume (kernel memory, capped)"
run "$vssctl" storage add "$dev" --max 128M

say "vssctl monitor in the background: one JSON object per notification"
"$vssctl" -j monitor > $work/monitor.log 2>&1 &
pids+=($!)

say "two writers: vss-sqlite-writer for the database, vss-hookd for a hook directory"
cat > $work/hooks.d/10-log-event <<EOF
#!/bin/sh
# A hook: vss-hookd runs it on every event; it only logs what it was told.
echo "\$1 \${VSS_VOLUME_0:-}" >> $work/hook-events.log
EOF
chmod 755 $work/hooks.d/10-log-event
"$sqlite_writer" --name app-db --freeze-timeout 30 $srv/app.db 2>$work/sqlite-writer.log &
pids+=($!)
"$hookd" --name hooks --hook-dir $work/hooks.d --state-dir $work/hookd-state 2>$work/hookd.log &
pids+=($!)
wait_grep "writer app-db registered" $work/sqlite-writer.log
wait_grep "writer hooks registered" $work/hookd.log
run "$vssctl" writer list

say "the backup: the whole VSS sequence around tar, which reads the snapshot"
# shellcheck disable=SC2016 # vssctl substitutes $VSS_MOUNT_0 itself
run "$vssctl" backup --writer app-db --writer hooks $srv -- \
	tar -C '$VSS_MOUNT_0' -czf $work/srv.tgz .
echo "(the archive: $(du -h $work/srv.tgz | cut -f1); the database went on being written)"

say "the writers saw the events in this order (vss-hookd's hook log)"
cat $work/hook-events.log
say "what the SQLite writer did"
sed 's/^/  /' $work/sqlite-writer.log

say "verify the archive: the database file alone, as restored from it"
kill -TERM "${pids[0]}"
wait "${pids[0]}" || true
run tar -C $work/restore -xzf $work/srv.tgz ./app.db ./README
run sqlite3 $work/restore/app.db "PRAGMA integrity_check"
held=$(sed -n 's/.*write lock held since mono \([0-9]*\),.*/\1/p' $work/sqlite-writer.log)
python3 - $work/restore/app.db $work/load.log "$held" <<'EOF'
import sqlite3, sys
db, log, held = sys.argv[1], sys.argv[2], int(sys.argv[3])
ids = {r[0] for r in sqlite3.connect(db).execute("SELECT id FROM t")}
committed = {int(i): int(t) for i, t in (l.split() for l in open(log))}
before = {i for i, t in committed.items() if t < held}
missing = before - ids
print("%d transactions committed before Freeze; the archived app.db holds %d rows, "
      "%d of them missing, %d never committed"
      % (len(before), len(ids), len(missing), len(ids - set(committed))))
print("the load committed %d in all; the live database went on"
      % len(committed))
sys.exit(1 if missing or not before else 0)
EOF

say "vssctl monitor saw"
kill -TERM "${pids[1]}"
wait "${pids[1]}" || true
cat $work/monitor.log

say "incremental backups: a raw image of the volume, kept up to date by vss-imgsync"
# The first run copies the whole snapshot and keeps its changed-block
# tracking token beside the image; the next copies only what changed since.
run "$imgsync" $srv $work/srv.img | tee $work/imgsync-full.out
echo "token: $(cat $work/srv.img.token)"
echo "new data on the live volume: a 4 MiB file and a new README"
head -c 4M /dev/urandom > $srv/new.bin
echo "version 2" > $srv/README
run "$imgsync" --keep-snapshot $srv $work/srv.img | tee $work/imgsync-incr.out
snap_id=$(awk '/^kept snapshot/ { print $3 }' $work/imgsync-incr.out)
snap_dev=$(awk '/^kept snapshot/ { print $4 }' $work/imgsync-incr.out)
full=$(awk '/^full / { print $2 }' $work/imgsync-full.out)
incr=$(awk '/^incremental / { print $2 }' $work/imgsync-incr.out)
python3 -c 'import sys; f, i = map(int, sys.argv[1:]); print("the incremental copied %.1f MiB, %.1f%% of the full %.0f MiB" % (i / 2**20, 100 * i / f, f / 2**20))' "$full" "$incr"
a=$(sha256sum < $work/srv.img | cut -d' ' -f1)
b=$(sha256sum < "$snap_dev" | cut -d' ' -f1)
echo "image   sha256 $a"
echo "$snap_dev sha256 $b"
[ "$a" = "$b" ] && echo "the image is the snapshot, byte for byte"
run "$vssctl" snapshot delete --id "$snap_id"
[ "$a" = "$b" ]
run e2fsck -fn $work/srv.img

say "nothing left behind: no snapshot, no mount of one, nothing frozen"
run "$vssctl" snapshot list
echo "snapshot mounts: $(grep -c vss-snap /proc/mounts || true)"
run "$vssctl" fs list

say "clean up"
cleanup
pids=()
dev=
trap - EXIT
run rmmod vss
dmesg | grep 'vss:' | tail -n 4
