#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The bash completion of vssctl (tools/vssctl/vssctl.bash-completion):
# exact candidates for command lines, against a fixed `vssctl help` (the
# completion reads everything from it) that has the commands of issue 5's
# contract too, then against the real vssctl, whose every object must
# complete to its commands or arguments.
set -uo pipefail

top=$(cd "$(dirname "$0")/.." && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
n=0
failed=0

# A vssctl that prints a fixed help and lists, as the real one would.
mkdir "$work/bin"
cat >"$work/help" <<'HELP'
Usage: vssctl [OPTIONS] OBJECT [COMMAND [ARGS]]
       vssctl help [OBJECT]
where  OBJECT := { storage | fs | snapshot | session | writer | backup | monitor | version }

Commands (in [brackets]: the default when none is given):
  storage [list]
      every origin's diff storage
  storage add ORIGIN --max SIZE [--memory | --file DIR] [--chunk SIZE]
          [--threshold PCT]...
      give ORIGIN diff storage
  storage remove ORIGIN
      remove ORIGIN's diff storage
  fs freeze MOUNTPOINT [--timeout DURATION] [--detach]
      freeze a filesystem
  snapshot [list]
      every snapshot
  snapshot show ID
      one snapshot
  snapshot create [--persistent | --auto-release] VOLUME...
      snapshot every VOLUME
  snapshot delete { --id ID | --set SETID | --oldest ORIGIN | --all }
      delete snapshots
  snapshot expose ID DIR
      mount a snapshot read-only
  snapshot unexpose DIR|ID
      unmount it
  session [list]
      every session
  session abort ID
      abort one
  writer status [--session ID]
      each session's writers
  backup [--writer NAME]... [--exclude-writer NAME]...
          [--type full|copy|incremental|differential|log] VOLUME... -- COMMAND [ARGS]
      back up
  monitor [snapshot|storage|session|fs]...
      print events
  version [show]
      versions

Options:
  -j, --json      print JSON instead of text
  -p, --pretty    indent the JSON (with -j)
  -h, --help      print this help

Exit status:
  0  success
HELP
cat >"$work/bin/vssctl" <<EOF2
#!/bin/sh
case "\$*" in
help) cat "$work/help" ;;
"-j snapshot list") echo '[{"device":"/dev/vss-snap0","id":"00112233-4455-4677-8899-aabbccddeef0","set_id":"aaaaaaaa-0001-4002-8003-040506070809"},{"id":"99112233-4455-4677-8899-aabbccddeef1","set_id":"aaaaaaaa-0001-4002-8003-040506070809"}]' ;;
"-j session list") echo '[{"id":3,"state":"frozen"},{"id":12}]' ;;
"-j writer list") echo '[{"name":"PostgreSQL","id":1},{"name":"hookd","id":2}]' ;;
*) exit 1 ;;
esac
EOF2
chmod +x "$work/bin/vssctl"
mkdir -p "$work/dirs/a" "$work/dirs/b"

# shellcheck source=/dev/null
source "$top/tools/vssctl/vssctl.bash-completion"
_vssctl_mounts() { printf '%s\n' / /srv; }
_vssctl_blockdevs() { printf '%s\n' /dev/vda /dev/vda1; }

# The candidates are compared as sorted lists.
expect() { # expect "CANDIDATES" WORD... (the last word is under the cursor)
	local want=$1
	shift
	COMP_WORDS=("$@")
	COMP_CWORD=$(($# - 1))
	COMP_LINE="$*"
	COMP_POINT=${#COMP_LINE}
	COMPREPLY=()
	_vssctl
	# Directories come in the file system's order.
	local got
	got=$(printf '%s\n' "${COMPREPLY[@]}" | sort | xargs)
	# shellcheck disable=SC2086 # a list of words
	want=$(printf '%s\n' $want | sort | xargs)
	n=$((n + 1))
	if [ "$got" = "$want" ]; then
		echo "ok $n - [$*]"
	else
		echo "not ok $n - [$*]: got '$got', want '$want'"
		failed=$((failed + 1))
	fi
}

PATH=$work/bin:$PATH
s0=00112233-4455-4677-8899-aabbccddeef0
s1=99112233-4455-4677-8899-aabbccddeef1
set0=aaaaaaaa-0001-4002-8003-040506070809
expect "storage fs snapshot session writer backup monitor version help" vssctl ""
expect "-j --json -p --pretty -h --help" vssctl -
expect "storage snapshot session" vssctl -j s
expect "storage fs snapshot session writer backup monitor version" vssctl help ""
expect "create delete expose list show unexpose" vssctl snapshot ""
expect "create" vssctl snap cr
expect "--persistent --auto-release" vssctl snapshot create --
expect "/ /srv /dev/vda /dev/vda1" vssctl snapshot create ""
expect "/ /srv /dev/vda /dev/vda1" vssctl snapshot create /srv ""
expect "/dev/vda /dev/vda1" vssctl storage add ""
expect "--max --memory --file --chunk --threshold" vssctl storage add /dev/vda1 --
expect "" vssctl storage add /dev/vda1 --max ""
expect "$work/dirs/a $work/dirs/b" vssctl storage add /dev/vda1 --max 1G --file "$work/dirs/"
expect "--id --set --oldest --all" vssctl snapshot delete -
expect "$s0 $s1" vssctl snapshot delete --id ""
expect "$set0" vssctl snapshot delete --set ""
expect "/dev/vda /dev/vda1" vssctl snapshot delete --oldest ""
expect "$s0 $s1" vssctl snapshot show ""
expect "$s1" vssctl -j snapshot show 99
expect "$s0 $s1" vssctl snapshot expose ""
expect "$work/dirs/a $work/dirs/b" vssctl snapshot expose "$s0" "$work/dirs/"
expect "" vssctl snapshot expose "$s0" /mnt ""
expect "/ /srv" vssctl fs freeze ""
expect "" vssctl fs freeze /srv --timeout ""
expect "--timeout --detach" vssctl fs freeze /srv --
expect "3 12" vssctl session abort ""
expect "abort list" vssctl session ""
expect "3 12" vssctl writer status --session ""
expect "PostgreSQL hookd" vssctl backup --writer ""
expect "full copy incremental differential log" vssctl backup --type ""
expect "--writer --exclude-writer --type --" vssctl backup --
expect "/ /srv /dev/vda /dev/vda1" vssctl backup --type full ""
expect "/ /srv /dev/vda /dev/vda1" vssctl backup /srv ""
expect "vssctl" vssctl backup /srv -- vssct
expect "$work/help" vssctl backup /srv -- tar "$work/he"
expect "snapshot storage session fs" vssctl monitor ""
expect "snapshot storage session" vssctl monitor snapshot s
expect "show" vssctl version ""

# The real vssctl: every object it lists completes to something.
PATH=$top/tools/vssctl:$PATH
objects=$(vssctl help | sed -n 's/.*OBJECT := {\(.*\)}.*/\1/p' | tr -d '|')
expect "$(xargs <<<"$objects") help" vssctl ""
# Changed-block tracking (issue 16), from the real help: commands, options,
# and an ORIGIN completes to block devices.
expect "show reset save restore" vssctl tracker ""
expect "/dev/vda /dev/vda1" vssctl tracker reset ""
expect "changes create" vssctl snapshot c
expect "--since --start" vssctl snapshot changes 00112233-4455-4677-8899-aabbccddeef0 --s
expect "--track-block --threshold" vssctl storage add /dev/vda --max 1G --t
for obj in $objects; do
	COMP_WORDS=(vssctl "$obj" "")
	COMP_CWORD=2
	COMPREPLY=()
	_vssctl
	n=$((n + 1))
	if [ ${#COMPREPLY[@]} -gt 0 ]; then
		echo "ok $n - real vssctl: $obj completes (${COMPREPLY[*]})"
	else
		echo "not ok $n - real vssctl: $obj completes to nothing"
		failed=$((failed + 1))
	fi
done
n=$((n + 1))
if shellcheck -s bash "$top/tools/vssctl/vssctl.bash-completion"; then
	echo "ok $n - the completion passes shellcheck"
else
	echo "not ok $n - the completion passes shellcheck"
	failed=$((failed + 1))
fi
echo "completion: $n checks, $failed failed"
[ $failed -eq 0 ]
