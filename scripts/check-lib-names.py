#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Fails unless libvss names every value of the YNL spec's enums exactly as
the spec does (issue 17): the library's name tables (lib/proto_names.c,
lib/features.c, ...) are written by hand, and vssctl's output, the
documents and the spec's own CLI must agree on every name.

For each enum or flags set of Documentation/netlink/specs/vss.yaml that
libvss names (ENUM_FUNCS below), the built lib/libvss.so is asked, through
ctypes, for the name of every value the spec defines: it must be the
spec's; and for the value after the last: it must be NULL (a name the spec
does not have). An enum the spec adds must be listed in ENUM_FUNCS or in
NOT_NAMED, so that none is forgotten.

    scripts/check-lib-names.py [LIBVSS.SO]
"""
import ctypes
import os
import sys

import yaml

TOP = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
SPEC = os.path.join(TOP, 'Documentation/netlink/specs/vss.yaml')

# spec enum -> (libvss function, its argument type)
ENUM_FUNCS = {
    'feature': ('libvss_feature_name', ctypes.c_uint64),
    'storage-kind': ('libvss_storage_kind_name', ctypes.c_uint32),
    'snapshot-state': ('libvss_snapshot_state_name', ctypes.c_uint32),
    'invalid-reason': ('libvss_invalid_reason_name', ctypes.c_uint32),
    'consistency': ('libvss_consistency_name', ctypes.c_uint32),
    'status': ('libvss_status_name', ctypes.c_uint32),
    'writer-level': ('libvss_writer_level_name', ctypes.c_uint32),
    'writer-state': ('libvss_writer_state_name', ctypes.c_uint32),
    'writer-failure': ('libvss_writer_failure_name', ctypes.c_uint32),
    'event': ('libvss_event_name', ctypes.c_uint32),
    'session-type': ('libvss_session_type_name', ctypes.c_uint32),
    'session-state': ('libvss_session_state_name', ctypes.c_uint32),
    'session-op': ('libvss_session_op_name', ctypes.c_uint32),
    'backup-type': ('libvss_backup_type_name', ctypes.c_uint32),
    'thaw-reason': ('libvss_thaw_reason_name', ctypes.c_uint32),
    'stale-reason': ('libvss_stale_reason_name', ctypes.c_uint32),
}
# Enums libvss has no name function for (flags a caller sets, values
# of documents or of the wire only).
NOT_NAMED = {'snapshot-flags', 'usage-type', 'source-type', 'session-flags',
             'fs-flags', 'cookie-kind', 'import-step'}


def values(defn):
    """(value, name) of every entry, as ynl-gen numbers them."""
    out = []
    nxt = defn.get('value-start', 0)
    for i, ent in enumerate(defn['entries']):
        name = ent if isinstance(ent, str) else ent['name']
        if defn['type'] == 'flags':
            v = 1 << (ent.get('value', i) if isinstance(ent, dict) else i)
        else:
            v = ent.get('value', nxt) if isinstance(ent, dict) else nxt
            nxt = v + 1
        out.append((v, name))
    return out


def main(argv):
    so = argv[1] if len(argv) > 1 else os.path.join(TOP, 'lib/libvss.so')
    lib = ctypes.CDLL(so)
    with open(SPEC) as f:
        spec = yaml.safe_load(f)
    errors = []
    seen = set()
    for defn in spec['definitions']:
        if defn.get('type') not in ('enum', 'flags'):
            continue
        name = defn['name']
        seen.add(name)
        if name in NOT_NAMED:
            continue
        if name not in ENUM_FUNCS:
            errors.append(f'{name}: a spec enum neither named by libvss (ENUM_FUNCS) '
                          'nor listed as not named (NOT_NAMED)')
            continue
        fname, argtype = ENUM_FUNCS[name]
        fn = getattr(lib, fname)
        fn.argtypes = [argtype]
        fn.restype = ctypes.c_char_p
        vals = values(defn)
        for v, want in vals:
            got = fn(v)
            got = got.decode() if got is not None else None
            if got != want:
                errors.append(f'{name} {v}: libvss says {got!r}, the spec {want!r}')
        past = (vals[-1][0] << 1) if defn['type'] == 'flags' else vals[-1][0] + 1
        got = fn(past)
        if got is not None:
            errors.append(f'{name} {past}: libvss names {got.decode()!r}, '
                          'a value the spec does not have')
    for name in sorted((set(ENUM_FUNCS) | NOT_NAMED) - seen):
        errors.append(f'{name}: listed here but not an enum of the spec')
    for e in errors:
        print(f'check-lib-names: {e}', file=sys.stderr)
    if not errors:
        print(f'check-lib-names: {len(ENUM_FUNCS)} enums of the spec named '
              'exactly by libvss')
    return 1 if errors else 0


if __name__ == '__main__':
    sys.exit(main(sys.argv))
