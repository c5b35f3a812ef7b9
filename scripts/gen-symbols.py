#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0
#
# Prints debian/libvss0.symbols from lib/libvss.map: every node and every
# symbol of it, at the version that first shipped it. A node
# LIBVSS_MAJOR.MINOR (or its side node LIBVSS_MAJOR.MINOR_SUBJECT) came with
# MAJOR.MINOR; LIBVSS_UNRELEASED's symbols come with this VERSION. The
# package build compares the library against the kept file
# (dpkg-gensymbols -c4 in debian/rules): a symbol added to or removed from
# the map without this file changing fails the build, which is the point.
#
#   scripts/gen-symbols.py > debian/libvss0.symbols
import os
import re

top = os.path.join(os.path.dirname(os.path.abspath(__file__)), '..')
version = open(os.path.join(top, 'VERSION')).read().strip()
text = open(os.path.join(top, 'lib', 'libvss.map')).read()
text = re.sub(r'/\*.*?\*/', '', text, flags=re.S)

lines = []
for m in re.finditer(r'(LIBVSS_\w+(?:\.\w+)?)\s*\{(.*?)\}', text, flags=re.S):
    node, body = m.group(1), m.group(2)
    if node == 'LIBVSS_UNRELEASED':
        ver = version
    else:
        ver = re.match(r'LIBVSS_(\d+\.\d+)', node).group(1)
    lines.append(' %s@%s %s' % (node, node, ver))
    for sym in re.findall(r'\b(libvss_\w+)\s*;', body):
        lines.append(' %s@%s %s' % (sym, node, ver))

print('libvss.so.0 libvss0 #MINVER#')
print('* Build-Depends-Package: libvss-dev')
for line in sorted(lines):
    print(line)
