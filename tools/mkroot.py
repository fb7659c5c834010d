#!/usr/bin/env python3
"""Build QSOE's root tree and the debugfs script that fixes its owners.

  mkroot.py --out DIR --prog-dir DIR --bin "qsh ls ..." --sbin "fs-ext2 ..." \\
            [--strip STRIP] [--debugfs SCRIPT]

DIR gets /bin (the commands), /sbin (the servers), /etc (passwd, shadow, group, motd),
/home/user, /root, /tmp (1777) and the empty mount points /dev and /proc. Programs are
copied from --prog-dir, stripped with --strip if given. The default accounts are root
(password "root") and user ("user"); their SHA-512 crypt hashes are made here with fresh
salts (tools/sha512crypt.py).

mke2fs -d copies the host's owners, and the builder may not be root: --debugfs writes a
script of set_inode_field commands that makes everything root's except the user's home
(uid/gid 1000). Run it with `debugfs -w -f SCRIPT IMAGE` after mke2fs.
"""
import argparse
import os
import shutil
import subprocess
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from sha512crypt import random_salt, sha512crypt  # noqa: E402

SHELL = '/bin/qsh'
ACCOUNTS = [  # name, uid, gid, gecos, home, password
    ('root', 0, 0, 'root', '/root', 'root'),
    ('user', 1000, 1000, 'QSOE user', '/home/user', 'user'),
]
MOTD = 'Welcome to QSOE.\n'
SETUID = {'passwd'}  # run as their owner, root (passwd writes /etc/shadow)


def write(path, text, mode):
    with open(path, 'w') as f:
        f.write(text)
    os.chmod(path, mode)


def etc_files(etc):
    passwd = ''.join(f'{n}:x:{u}:{g}:{gecos}:{home}:{SHELL}\n'
                     for n, u, g, gecos, home, _ in ACCOUNTS)
    shadow = ''.join(f'{n}:{sha512crypt(pw.encode(), "$6$" + random_salt())}:19700:0:99999:7:::\n'
                     for n, _, _, _, _, pw in ACCOUNTS)
    group = 'root:x:0:root\nuser:x:1000:user\n'
    write(os.path.join(etc, 'passwd'), passwd, 0o644)
    write(os.path.join(etc, 'shadow'), shadow, 0o600)
    write(os.path.join(etc, 'group'), group, 0o644)
    write(os.path.join(etc, 'motd'), MOTD, 0o644)


def copy_progs(names, src, dst, strip):
    for name in names:
        p = os.path.join(src, name)
        if not os.path.isfile(p):
            sys.exit(f'mkroot: {p}: no such program')
        out = os.path.join(dst, name)
        if strip:
            subprocess.run([strip, '-o', out, p], check=True)
        else:
            shutil.copyfile(p, out)
        os.chmod(out, 0o4755 if name in SETUID else 0o755)


def owners_script(root):
    """set_inode_field lines: all root's, the user's home the user's."""
    lines = []
    for d, dirs, files in os.walk(root):
        for name in [''] + sorted(dirs) + sorted(files):
            host = os.path.join(d, name) if name else d
            path = '/' + os.path.relpath(host, root) if host != root else '/'
            path = path.replace('/./', '/')
            uid = 1000 if path == '/home/user' or path.startswith('/home/user/') else 0
            lines += [f'set_inode_field {path} uid {uid}', f'set_inode_field {path} gid {uid}']
    return '\n'.join(lines) + '\n'


def main():
    ap = argparse.ArgumentParser(description='Build the QSOE root tree.')
    ap.add_argument('--out', required=True)
    ap.add_argument('--prog-dir', required=True)
    ap.add_argument('--bin', default='')
    ap.add_argument('--sbin', default='')
    ap.add_argument('--strip')
    ap.add_argument('--debugfs')
    a = ap.parse_args()

    if os.path.exists(a.out):
        shutil.rmtree(a.out)
    for d, mode in (('', 0o755), ('bin', 0o755), ('sbin', 0o755), ('etc', 0o755),
                    ('home', 0o755), ('home/user', 0o755), ('root', 0o700), ('tmp', 0o1777),
                    ('dev', 0o755), ('proc', 0o755)):
        p = os.path.join(a.out, d)
        os.makedirs(p, exist_ok=True)
        os.chmod(p, mode)
    etc_files(os.path.join(a.out, 'etc'))
    copy_progs(a.bin.split(), a.prog_dir, os.path.join(a.out, 'bin'), a.strip)
    copy_progs(a.sbin.split(), a.prog_dir, os.path.join(a.out, 'sbin'), a.strip)
    if a.debugfs:
        with open(a.debugfs, 'w') as f:
            f.write(owners_script(a.out))
    return 0


if __name__ == '__main__':
    sys.exit(main())
