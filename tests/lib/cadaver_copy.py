#!/usr/bin/env python3
"""cadaver_copy.py URL REMOTE_DIR LOCAL_DIR - copies a WebDAV folder tree with the real cadaver
client (Debian's), one cadaver session per folder: `ls` to discover, `get` to download.
Credentials come from ~/.netrc, as cadaver reads them. Used by tests/rig/sync-evidence.sh."""
import os
import re
import subprocess
import sys

COLL = re.compile(r'^Coll:\s+(.*?)\s+\d+\s+\w{3}\s+\d+\s+[\d:]+$')
FILE = re.compile(r'^\s+(.*?)\s+(\d+)\s+\w{3}\s+\d+\s+[\d:]+$')


def cadaver(url, commands):
    script = ''.join(c + '\n' for c in commands) + 'quit\n'
    out = subprocess.run(['cadaver', url], input=script, capture_output=True, text=True,
                         timeout=60)
    return out.stdout


def walk(url, remote, local):
    os.makedirs(local, exist_ok=True)
    listing = cadaver(url, ['cd "%s"' % remote, 'ls'])
    dirs, files = [], []
    for line in listing.splitlines():
        m = COLL.match(line)
        if m:
            dirs.append(m.group(1))
            continue
        m = FILE.match(line)
        if m:
            files.append(m.group(1))
    if files:
        cadaver(url, ['cd "%s"' % remote] +
                ['get "%s" "%s"' % (f, os.path.join(local, f)) for f in files])
    for d in dirs:
        walk(url, remote + '/' + d, os.path.join(local, d))


if __name__ == '__main__':
    walk(sys.argv[1], sys.argv[2], sys.argv[3])
