#!/usr/bin/python3
"""mkbootfs: builds a QSOE boot image ("bootfs") from a buildfile, or lists and
verifies one. The buildfile syntax and the byte layout are in docs/bootfs.md.

  mkbootfs.py BUILDFILE -o IMAGE [--search DIR ...]
  mkbootfs.py --list IMAGE

Same buildfile and host files, same bytes: entries keep buildfile order, and no
timestamps or host modes are recorded. On any error nothing is written and a
stale IMAGE is removed."""
import argparse
import os
import re
import struct
import sys
import zlib

MAGIC = b"QSBOOTFS"
VERSION = 1
HDR = struct.Struct("<8sIIQIIQQIIII")   # 64 bytes, see docs/bootfs.md
ENT = struct.Struct("<IIIIQQ96s")       # 128 bytes
NAME_MAX = 95
MAX_ENTRIES = 1024
ALIGN = 4096
S_IFMT, S_IFREG, S_IFDIR, S_IFLNK = 0o170000, 0o100000, 0o040000, 0o120000
TYPES = {"file": S_IFREG, "dir": S_IFDIR, "link": S_IFLNK}
DEFAULT_PERMS = {S_IFREG: 0o644, S_IFDIR: 0o755, S_IFLNK: 0o777}
assert HDR.size == 64 and ENT.size == 128


class BuildError(Exception):
    pass


def align(n):
    return (n + ALIGN - 1) & ~(ALIGN - 1)


def name_error(raw):
    """Why entry name `raw` (bytes) is invalid, or None. The kernel checks the same."""
    name = raw.decode("utf-8", "replace")
    if len(raw) > NAME_MAX:
        return "name too long (%d bytes, limit %d)" % (len(raw), NAME_MAX)
    if not raw or any(c <= 0x20 or c == 0x7F for c in raw):
        return "bad target name '%s'" % name
    if raw.startswith(b"/"):
        return "target '%s' must be relative to /proc/boot" % name
    if any(p in (b"", b".", b"..") for p in raw.split(b"/")):
        return "bad target name '%s'" % name
    return None


def parse_attrs(text, err):
    attrs = {}
    for tok in text.split():
        key, _, val = tok.partition("=")
        if tok == "+script":
            attrs["script"] = True
        elif key == "perms" and re.fullmatch(r"0?[0-7]{1,4}", val):
            attrs["perms"] = int(val, 8)
        elif key in ("uid", "gid") and re.fullmatch(r"[0-9]{1,10}", val) and int(val) < 2**32:
            attrs[key] = int(val)
        elif key == "type" and val in TYPES:
            attrs["type"] = TYPES[val]
        else:
            err("bad attribute '%s'" % tok)
    return attrs


def find_host(path, search, basedir):
    """The host file for `path`: absolute as is, else the first hit in the --search
    directories, then in the buildfile's directory."""
    if os.path.isabs(path):
        cands = [path]
    else:
        cands = [os.path.join(d, path) for d in search + [basedir]]
    for c in cands:
        if os.path.exists(c):
            return c
    return None


def parse(buildfile, search):
    """Returns (entries, script): entries are dicts in buildfile order."""
    try:
        with open(buildfile, "rb") as f:
            lines = f.read().decode("utf-8").split("\n")
    except (OSError, UnicodeDecodeError) as e:
        raise BuildError("%s: %s" % (buildfile, e))
    basedir = os.path.dirname(buildfile) or "."
    sticky, entries, seen, script, script_line = {}, [], {}, None, 0
    i = 0
    while i < len(lines):
        lineno, s = i + 1, lines[i].strip()
        i += 1

        def err(msg):
            raise BuildError("%s:%d: %s" % (buildfile, lineno, msg))

        if not s or s.startswith("#"):
            continue
        attrs = {}
        if s.startswith("["):
            close = s.find("]")
            if close < 0:
                err("missing ']'")
            attrs = parse_attrs(s[1:close], err)
            s = s[close + 1:].strip()
            if not s:
                if "script" in attrs:
                    err("+script must be on the script's own line")
                sticky.update(attrs)
                continue
        a = dict(sticky, **attrs)
        target, eq, value = s.partition("=")
        target, value = target.strip(), value.strip()
        block = None
        if eq and value.startswith("{"):
            if value != "{":
                err("text after '{' (the block's lines follow it)")
            start = i
            while i < len(lines) and lines[i].strip() != "}":
                i += 1
            if i == len(lines):
                err("unterminated '{' block")
            block = "".join(l + "\n" for l in lines[start:i])
            i += 1
        if attrs.get("script"):
            if block is None:
                err("+script needs an inline '{' block")
            if script is not None:
                err("second startup script (first at line %d)" % script_line)
            script, script_line = block, lineno
            continue
        ftype = a.get("type", S_IFREG)
        why = name_error(target.encode())
        if why:
            err(why)
        if target in seen:
            err("duplicate target '%s' (first at line %d)" % (target, seen[target]))
        if ftype == S_IFDIR:
            if eq:
                err("directory '%s' takes no value" % target)
            data = b""
        elif ftype == S_IFLNK:
            if not value or block is not None:
                err("link '%s' needs a target: name=target" % target)
            data = value.encode()
        elif block is not None:
            data = block.encode()
        else:
            hostpath = value if eq else target
            if not hostpath:
                err("missing host path for '%s'" % target)
            found = find_host(hostpath, search, basedir)
            if found is None:
                err("host file '%s' not found" % hostpath)
            if not os.path.isfile(found):
                err("host file '%s' is not a regular file" % found)
            try:
                with open(found, "rb") as f:
                    data = f.read()
            except OSError as e:
                err("cannot read '%s': %s" % (found, e.strerror))
        if len(entries) == MAX_ENTRIES:
            err("too many entries (limit %d)" % MAX_ENTRIES)
        perms = a.get("perms", DEFAULT_PERMS[ftype])
        seen[target] = lineno
        entries.append(dict(name=target, mode=ftype | perms, uid=a.get("uid", 0),
                            gid=a.get("gid", 0), data=data))
    script = (script or "").encode()
    if len(script) >= 2**32 - 1:
        raise BuildError("%s:%d: startup script too large" % (buildfile, script_line))
    return entries, script


def build(entries, script):
    """Lays out header, directory, script and 4 KiB-aligned file data; returns bytes."""
    dir_off = HDR.size
    script_off = dir_off + len(entries) * ENT.size
    cur = align(script_off + len(script) + 1)
    for e in entries:
        e["off"] = cur
        cur = align(cur + len(e["data"]))
    img = bytearray(cur)
    img[script_off:script_off + len(script)] = script
    for k, e in enumerate(entries):
        img[e["off"]:e["off"] + len(e["data"])] = e["data"]
        ENT.pack_into(img, dir_off + k * ENT.size, e["mode"], e["uid"], e["gid"],
                      zlib.crc32(e["data"]), e["off"], len(e["data"]), e["name"].encode())
    HDR.pack_into(img, 0, MAGIC, VERSION, HDR.size, len(img), len(entries), ENT.size,
                  dir_off, script_off, len(script), zlib.crc32(script), 0, 0)
    struct.pack_into("<I", img, 60, zlib.crc32(img))
    return bytes(img)


def verify(img):
    """Checks an image as the kernel does; returns (entries, script) or raises BuildError."""
    def bad(msg):
        raise BuildError(msg)
    if len(img) < HDR.size:
        bad("truncated (%d bytes)" % len(img))
    (magic, ver, hsize, isize, count, esize, dir_off, script_off, slen, scrc, flags,
     icrc) = HDR.unpack_from(img)
    if magic != MAGIC:
        bad("bad magic")
    if (ver, hsize, esize, flags) != (VERSION, HDR.size, ENT.size, 0):
        bad("unsupported version %d" % ver)
    if isize > len(img):
        bad("truncated: header says %d bytes, file has %d" % (isize, len(img)))
    if isize < HDR.size or isize % ALIGN or count > MAX_ENTRIES:
        bad("bad image size or entry count")
    end = dir_off + count * ENT.size
    if dir_off < HDR.size or end > isize or script_off + slen >= isize:
        bad("directory or script out of range")
    if script_off < end or img[script_off + slen] != 0:
        bad("script overlaps the directory or is not NUL-terminated")
    script = img[script_off:script_off + slen]
    end = script_off + slen + 1
    entries, names = [], set()
    for k in range(count):
        mode, uid, gid, crc, off, size, raw = ENT.unpack_from(img, dir_off + k * ENT.size)
        nul = raw.find(b"\0")
        if nul < 0 or raw[nul:].strip(b"\0") or name_error(raw[:nul]) or raw[:nul] in names:
            bad("entry %d: bad or duplicate name" % k)
        name = raw[:nul].decode("utf-8", "replace")
        names.add(raw[:nul])
        ftype = mode & S_IFMT
        if ftype not in DEFAULT_PERMS or mode & ~(S_IFMT | 0o7777) or \
                (ftype == S_IFDIR and size) or (ftype == S_IFLNK and not size):
            bad("entry %d (%s): bad mode %o" % (k, name, mode))
        if off % ALIGN or off + size > isize:
            bad("entry %d (%s): data out of range" % (k, name))
        if off < end:
            bad("entry %d (%s): data overlaps" % (k, name))
        end = off + size
        data = img[off:off + size]
        if zlib.crc32(data) != crc:
            bad("entry %d (%s): checksum mismatch" % (k, name))
        entries.append(dict(name=name, mode=mode, uid=uid, gid=gid, data=data))
    if zlib.crc32(script) != scrc:
        bad("script checksum mismatch")
    if zlib.crc32(img[:60] + b"\0\0\0\0" + img[64:isize]) != icrc:
        bad("image checksum mismatch")
    return entries, script


def list_image(path):
    with open(path, "rb") as f:
        entries, script = verify(f.read())
    out = sys.stdout
    out.write("%-7s %5s %5s %8s %s\n" % ("mode", "uid", "gid", "size", "name"))
    for e in entries:
        extra = " -> " + e["data"].decode("utf-8", "replace") if e["mode"] & S_IFMT == S_IFLNK else ""
        out.write("%07o %5d %5d %8d %s%s\n" % (e["mode"], e["uid"], e["gid"], len(e["data"]),
                                               e["name"], extra))
    out.write("--- script (%d bytes) ---\n" % len(script))
    out.write(script.decode("utf-8", "replace"))


def main():
    ap = argparse.ArgumentParser(description="Build or list a QSOE bootfs image.")
    ap.add_argument("buildfile", nargs="?")
    ap.add_argument("-o", dest="output")
    ap.add_argument("--search", action="append", default=[], metavar="DIR")
    ap.add_argument("--list", metavar="IMAGE")
    args = ap.parse_args()
    if args.list:
        if args.buildfile or args.output:
            ap.error("--list takes only an IMAGE")
        try:
            list_image(args.list)
        except (OSError, BuildError) as e:
            sys.stderr.write("%s: %s\n" % (args.list, e))
            return 1
        return 0
    if not args.buildfile or not args.output:
        ap.error("need BUILDFILE and -o IMAGE (or --list IMAGE)")
    tmp = args.output + ".tmp"
    try:
        img = build(*parse(args.buildfile, args.search))
        with open(tmp, "wb") as f:
            f.write(img)
        os.replace(tmp, args.output)
    except (OSError, BuildError) as e:
        for p in (tmp, args.output):
            if os.path.isfile(p) or os.path.islink(p):
                os.unlink(p)
        sys.stderr.write("%s\n" % e)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
