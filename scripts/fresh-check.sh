#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# README's two commands, run exactly as written, as a newcomer would run
# them: in a minimal Debian 12 (debootstrap --variant=minbase) chroot, from
# a clean clone of HEAD, with only what README lists as prerequisites.
# A program the project uses but does not install fails here, whatever
# the host has. Run it whenever the dependencies change
# (Documentation/testing.md, "A fresh machine").
#
#   scripts/fresh-check.sh [--demo-only | --check-only] [--dir DIR] [--keep]
#                          [--check-env 'VAR=value ...']
#
#   --demo-only, --check-only   run one of the two commands (default: both)
#   --dir DIR      the chroot (default: a new directory under /var/tmp);
#                  must not exist, or be empty
#   --keep         leave the chroot in place (default: removed at the end)
#   --check-env    variables for `make check` (e.g. CHECK_VM=0, which
#                  stops after the host part): then it is no longer
#                  README's command as written, and the report says so
#
# The minbase tree itself is cached in /var/cache/vss/fresh-bookworm.tar
# (made once, ~2 minutes, by scripts/fresh-root.sh): each run unpacks a new
# copy, so nothing of an earlier run is in it. Needs root (debootstrap,
# chroot, bind mounts).
set -euo pipefail

top=$(cd "$(dirname "$0")/.." && pwd)
# What README says a newcomer installs first (README.md, "Two commands").
prereqs=(git make ca-certificates)

run_demo=1
run_check=1
dir=
keep=0
check_env=
while [ $# -gt 0 ]; do
	case $1 in
	--demo-only) run_check=0 ;;
	--check-only) run_demo=0 ;;
	--dir) dir=$2; shift ;;
	--keep) keep=1 ;;
	--check-env) check_env=$2; shift ;;
	-h | --help) sed -n '3,/^set -/p' "$0" | sed '$d; s/^# \{0,1\}//'; exit 0 ;;
	*) echo "fresh-check: unknown argument $1" >&2; exit 2 ;;
	esac
	shift
done
[ "$(id -u)" -eq 0 ] || { echo "fresh-check: run as root" >&2; exit 1; }

say() { echo "fresh-check: $*"; }

"$top/scripts/install-deps.sh" fresh

if [ -z "$dir" ]; then
	dir=$(mktemp -d /var/tmp/vss-fresh.XXXXXX)
elif [ -e "$dir" ] && [ -n "$(ls -A "$dir")" ]; then
	echo "fresh-check: $dir is not empty" >&2
	exit 1
fi
mkdir -p "$dir"
# The chroot's / as a real one is (mktemp makes 0700): the package
# scripts and the PostgreSQL template run programs as other users.
chmod 755 "$dir"

mounted=()
# shellcheck disable=SC2317 # run by the EXIT trap
cleanup() {
	local i
	for ((i = ${#mounted[@]} - 1; i >= 0; i--)); do
		umount -l "${mounted[i]}" 2>/dev/null || true
	done
	if [ "$keep" -eq 0 ]; then
		# Only when nothing is mounted below it any more.
		if ! grep -q " $dir/" /proc/mounts; then
			rm -rf --one-file-system "$dir"
		fi
	else
		say "chroot kept in $dir"
	fi
}
trap cleanup EXIT

"$top/scripts/fresh-root.sh" "$dir"

for m in /dev /dev/pts /dev/shm /proc /sys; do
	mkdir -p "$dir$m"
	mount --bind "$m" "$dir$m"
	mounted+=("$dir$m")
done

# A clean clone of HEAD: no build artefacts, nothing uncommitted.
head=$(git -C "$top" rev-parse HEAD)
git clone -q --no-hardlinks "$top" "$dir/root/vss"
git -C "$dir/root/vss" checkout -q --detach "$head"
git -C "$top" diff --quiet HEAD || say "note: uncommitted changes in $top are not in the clone"

in_chroot() { # in_chroot COMMAND-STRING
	chroot "$dir" /usr/bin/env -i HOME=/root TERM="${TERM:-dumb}" \
		PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin \
		LANG=C.UTF-8 /bin/bash -c "$1"
}

say "installing README's prerequisites: ${prereqs[*]}"
in_chroot "export DEBIAN_FRONTEND=noninteractive; apt-get update -q >/dev/null && apt-get install -y -q --no-install-recommends ${prereqs[*]} >/dev/null"

results=()
timed() { # timed NAME COMMAND-STRING
	local start rc log=$dir/root/$1.log
	say "running '$2' in the chroot (log: ${log#"$dir"} there)"
	start=$SECONDS
	set +e
	in_chroot "cd /root/vss && $2" 2>&1 | tee "$log" | sed 's/^/  | /'
	rc=${PIPESTATUS[0]}
	set -e
	results+=("$2: exit $rc after $(((SECONDS - start) / 60)) min $(((SECONDS - start) % 60)) s")
	[ "$rc" -eq 0 ]
}

failed=0
if [ $run_demo -eq 1 ]; then
	timed demo "make demo" || failed=1
fi
if [ $run_check -eq 1 ]; then
	timed check "${check_env:+$check_env }make check" || failed=1
	# The per-part counts and the summary, again at the end.
	grep -E '^[^ ].*: [0-9]+ passed, [0-9]+ failed, [0-9]+ skipped$|^[0-9]+ passed, ' \
		"$dir/root/check.log" | sed 's/^/fresh-check: /' || true
fi

say "commit $head, Debian minbase bookworm"
for r in "${results[@]}"; do
	say "$r"
done
[ -z "$check_env" ] || [ $run_check -eq 0 ] ||
	say "make check ran with $check_env: not README's command as written"
exit $failed
