#!/usr/bin/env python3
"""mkgpt.py: make a GPT-partitioned raw disk image from partition contents.

Usage: mkgpt.py OUT [--size SIZE] --part NAME:FILE[:SIZE] | --part NAME:+SIZE ...

Each --part adds a partition (type "Linux filesystem") in order, starting at LBA 2048
and 1 MiB aligned, holding FILE's bytes (padded with zeros to SIZE if given, else to a
whole MiB) or SIZE bytes of zeros for NAME:+SIZE. SIZE takes K, M or G suffixes. The disk
is --size bytes (default: the partitions plus 1 MiB at each end). 512-byte sectors; a
protective MBR, the primary header and 128 entries at LBA 1..33, the backup entries and
header at the end. GUIDs derive from the partition names and contents' sizes, so the
same inputs give the same bytes. LBAs 34..2047 stay unused (devb-nvme's test writes
there). Exit status 2 for usage errors, 1 for failures.
"""
import hashlib
import os
import struct
import sys
import uuid
import zlib

SECTOR = 512
ALIGN = 2048                 # sectors: 1 MiB
NENT, ENTSZ = 128, 128
LINUX_FS = uuid.UUID('0fc63daf-8483-4772-8e79-3d69d8477de4')


def usage(msg):
    sys.stderr.write(f'mkgpt.py: {msg}\nusage: mkgpt.py OUT [--size SIZE] '
                     '--part NAME:FILE[:SIZE] | --part NAME:+SIZE ...\n')
    sys.exit(2)


def parse_size(s):
    mult = {'K': 1 << 10, 'M': 1 << 20, 'G': 1 << 30}.get(s[-1:].upper(), 1)
    digits = s[:-1] if mult > 1 else s
    if not digits.isdigit() or int(digits) == 0:
        usage(f'bad size {s!r}')
    return int(digits) * mult


def guid(*parts):
    return uuid.UUID(bytes=hashlib.sha256('/'.join(parts).encode()).digest()[:16], version=4)


def header(cur, alt, first, last, disk_guid, entries_lba, entries):
    h = struct.pack('<8sIIIIQQQQ16sQIII', b'EFI PART', 0x10000, 92, 0, 0, cur, alt,
                    first, last, disk_guid.bytes_le, entries_lba, NENT, ENTSZ,
                    zlib.crc32(entries))
    h = h[:16] + struct.pack('<I', zlib.crc32(h)) + h[20:]
    return h.ljust(SECTOR, b'\0')


def main(argv):
    if len(argv) < 2 or argv[1].startswith('-'):
        usage('no output file')
    out, args, size, parts = argv[1], argv[2:], None, []
    while args:
        opt = args.pop(0)
        if not args:
            usage(f'{opt} needs a value')
        val = args.pop(0)
        if opt == '--size':
            size = parse_size(val)
        elif opt == '--part':
            name, _, rest = val.partition(':')
            if not name or not rest or len(name) > 36:
                usage(f'bad partition {val!r}')
            if rest.startswith('+'):
                parts.append((name, None, parse_size(rest[1:])))
                continue
            path, _, psize = rest.partition(':')
            try:
                n = os.path.getsize(path)
            except OSError as e:
                sys.stderr.write(f'mkgpt.py: {path}: {e.strerror}\n')
                return 1
            want = parse_size(psize) if psize else -(-n // (1 << 20)) << 20
            if want < n:
                sys.stderr.write(f'mkgpt.py: {path} is larger than {psize}\n')
                return 1
            parts.append((name, path, want))
        else:
            usage(f'unknown option {opt}')
    if not parts:
        usage('no partitions')
    lba, layout = ALIGN, []
    for name, path, n in parts:
        sectors = -(-n // SECTOR)
        layout.append((name, path, lba, sectors))
        lba += -(-sectors // ALIGN) * ALIGN
    total = size // SECTOR if size else lba + ALIGN
    if total < lba + 33 or (size and size % SECTOR):
        sys.stderr.write('mkgpt.py: the partitions do not fit in --size\n')
        return 1
    disk_guid = guid('disk', *[f'{p[0]}:{p[3]}' for p in layout])
    entries = b''
    for name, _, start, sectors in layout:
        entries += struct.pack('<16s16sQQQ72s', LINUX_FS.bytes_le, guid('part', name).bytes_le,
                               start, start + sectors - 1, 0, name.encode('utf-16-le'))
    entries = entries.ljust(NENT * ENTSZ, b'\0')
    first, last = 34, total - 34
    mbr = bytearray(SECTOR)
    mbr[446:462] = struct.pack('<BBBBBBBBII', 0, 0, 2, 0, 0xee, 0xff, 0xff, 0xff, 1,
                               min(total - 1, 0xffffffff))
    mbr[510:512] = b'\x55\xaa'
    try:
        with open(out, 'wb') as f:
            f.truncate(total * SECTOR)
            f.write(mbr)
            f.write(header(1, total - 1, first, last, disk_guid, 2, entries))
            f.write(entries)
            for _, path, start, _ in layout:
                if path:
                    f.seek(start * SECTOR)
                    with open(path, 'rb') as src:
                        while chunk := src.read(1 << 20):
                            f.write(chunk)
            f.seek((total - 33) * SECTOR)
            f.write(entries)
            f.write(header(total - 1, 1, first, last, disk_guid, total - 33, entries))
    except OSError as e:
        sys.stderr.write(f'mkgpt.py: {out}: {e.strerror}\n')
        return 1
    return 0


if __name__ == '__main__':
    sys.exit(main(sys.argv))
