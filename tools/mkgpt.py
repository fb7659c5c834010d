#!/usr/bin/env python3
"""Make a GPT disk image holding one partition image.

  mkgpt.py -o DISK --part IMAGE [--name qsoe-root] [--align-mib 1]

The disk: a protective MBR (LBA 0), the GPT header (LBA 1) and its 128 entries
(LBA 2-33), the partition from the first aligned LBA (1 MiB: 2048), and at the end the
backup entries and backup header; 512-byte sectors. The partition has the Linux
filesystem type GUID and the given name; both headers carry the CRC32s of themselves
and of the entry array. GUIDs come from the partition image's bytes, so the same image
makes the same disk. All-zero stretches are left as holes (a sparse file).
"""
import argparse
import hashlib
import struct
import sys
import uuid
import zlib

SECTOR = 512
ENTRIES, ENTRY_SIZE = 128, 128
ENTRY_SECTORS = ENTRIES * ENTRY_SIZE // SECTOR          # 32
CHUNK = 1 << 16
LINUX_FS = uuid.UUID('0fc63daf-8483-4772-8e79-3d69d8477de4')


def guid_bytes(u):
    return u.bytes_le


def protective_mbr(total):
    mbr = bytearray(SECTOR)
    n = min(total - 1, 0xffffffff)
    # one partition of type 0xEE from LBA 1 over the whole disk (CHS fields: don't care)
    mbr[446:462] = struct.pack('<B3sB3sII', 0, b'\x00\x02\x00', 0xEE, b'\xff\xff\xff', 1, n)
    mbr[510:512] = b'\x55\xaa'
    return bytes(mbr)


def header(current, backup, first, last, disk_guid, entries_lba, entries_crc):
    h = struct.pack('<8sIIIIQQQQ16sQIII', b'EFI PART', 0x00010000, 92, 0, 0, current, backup,
                    first, last, guid_bytes(disk_guid), entries_lba, ENTRIES, ENTRY_SIZE,
                    entries_crc)
    h = h[:16] + struct.pack('<I', zlib.crc32(h)) + h[20:]
    return h + bytes(SECTOR - len(h))


def copy_sparse(src, out, offset):
    """src's bytes into out from offset, seeking over all-zero chunks (a sparse file)."""
    with open(src, 'rb') as f:
        while chunk := f.read(CHUNK):
            if chunk.count(0) != len(chunk):
                out.seek(offset)
                out.write(chunk)
            offset += len(chunk)


def main():
    ap = argparse.ArgumentParser(description='Make a GPT disk with one partition.')
    ap.add_argument('-o', '--out', required=True)
    ap.add_argument('--part', required=True)
    ap.add_argument('--name', default='qsoe-root')
    ap.add_argument('--align-mib', type=int, default=1)
    a = ap.parse_args()

    size, digest = 0, hashlib.sha256()
    with open(a.part, 'rb') as f:
        while chunk := f.read(CHUNK):
            size += len(chunk)
            digest.update(chunk)
    if size == 0 or size % SECTOR:
        sys.exit(f'mkgpt: {a.part}: size {size} is not a whole number of sectors')
    if len(a.name) > 36:
        sys.exit('mkgpt: a partition name has at most 36 characters')
    digest = digest.digest()
    disk_guid = uuid.UUID(bytes=digest[:16], version=4)
    part_guid = uuid.UUID(bytes=digest[16:], version=4)

    align = a.align_mib * 1024 * 1024 // SECTOR
    start = align
    nsec = size // SECTOR
    end = start + nsec - 1
    total = ((end + 1 + ENTRY_SECTORS + 1 + align - 1) // align) * align
    first_usable, last_usable = 2 + ENTRY_SECTORS, total - 2 - ENTRY_SECTORS

    entry = struct.pack('<16s16sQQQ72s', guid_bytes(LINUX_FS), guid_bytes(part_guid), start, end,
                        0, a.name.encode('utf-16-le'))
    entries = entry + bytes(ENTRIES * ENTRY_SIZE - len(entry))
    crc = zlib.crc32(entries)
    primary = header(1, total - 1, first_usable, last_usable, disk_guid, 2, crc)
    backup = header(total - 1, 1, first_usable, last_usable, disk_guid, total - 1 - ENTRY_SECTORS, crc)

    with open(a.out, 'wb') as f:
        f.write(protective_mbr(total) + primary + entries)
        copy_sparse(a.part, f, start * SECTOR)
        f.seek((total - 1 - ENTRY_SECTORS) * SECTOR)
        f.write(entries + backup)
    return 0


if __name__ == '__main__':
    sys.exit(main())
