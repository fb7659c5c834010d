#!/usr/bin/python3
"""kcallgen: generates the kernel-call stubs, dispatch table and trace names from abi/kcalls.tab.

usage: kcallgen.py [--header NEUTRINO_H] TABLE OUTDIR

Writes into OUTDIR (see abi/README.md):
  kcall_nums.h    #define __KER_<NAME> N, and __KER_COUNT (highest number + 1)
  kcall_stubs.S   user-side RISC-V stubs Foo_r(): a7 = number, a0-a5 = arguments, ecall
  kcall_errno.c   user-side Foo(): Foo_r() with a result of -4095..-1 turned into -1 and errno
  kcall_table.h   KCALL_TABLE(X): X(number, Name, kcall_<name>, nargs) per call, for the kernel
  kcall_names.c   const char *const kcall_names[__KER_COUNT], for traces and gdb
Before writing anything it checks the table (field syntax, duplicate numbers or names,
argument counts against the list and the limit of 6) and that the header (default:
TABLE's directory/include/sys/neutrino.h) declares Foo and Foo_r with the table's
prototype. Errors are printed as "file:line: message" and the exit status is 1.
Gaps in the numbering are allowed (retired numbers are never reused) and not reported.
The output depends only on the table's contents and base name; files that would not
change are left untouched.
"""
import argparse
import os
import re
import sys

MAX_ARGS = 6            # a0-a5 carry the arguments, a7 the number
MAX_NUMBER = 255        # keeps the kernel's dispatch array small
RETURN_TYPES = ('int', 'long')
ERRNO_MAX = 4095        # results -4095..-1 are -errno; other negative values are results
IDENT = re.compile(r'[A-Za-z_]\w*$')


class Call:
    def __init__(self, line, number, name, nargs, ret, args, desc):
        self.line, self.number, self.name, self.nargs = line, number, name, nargs
        self.ret, self.args, self.desc = ret, args, desc   # args: [(c_text, arg_name)]
        base = name[3:] if name.startswith('Ker') and name[3:4].isupper() else name
        self.snake = re.sub(r'(?<=[a-z0-9])(?=[A-Z])', '_', base).lower()
        self.macro = '__KER_' + self.snake.upper()
        self.handler = 'kcall_' + self.snake

    def params(self):
        return ', '.join(a for a, _ in self.args) or 'void'


def split_args(text):
    """Splits a C parameter list at top-level commas."""
    parts, depth, cur = [], 0, ''
    for ch in text:
        depth += (ch == '(') - (ch == ')')
        if ch == ',' and depth == 0:
            parts.append(cur.strip())
            cur = ''
        else:
            cur += ch
    parts.append(cur.strip())
    return parts


def parse_arg(text):
    """Returns (arg_name, error) for one C parameter declaration."""
    m = re.search(r'\(\s*\*\s*(\w+)\s*\)', text)          # function pointer: (*name)
    if m:
        return m.group(1), None
    m = re.search(r'(\w+)\s*$', text)
    if not m or not re.search(r'\w', text[:m.start()]):
        return None, f"argument '{text}' needs a type and a name"
    typ = text[:m.start()]
    if re.search(r'\b(struct|union)\b', typ) and '*' not in typ:
        return None, f"argument '{text}': structs are passed by pointer, not by value"
    return m.group(1), None


def parse_table(path, errors):
    calls = []
    fname = os.path.basename(path)
    try:
        lines = open(path, encoding='utf-8').read().split('\n')
    except OSError as e:
        errors.append(f'{path}: cannot read: {e.strerror}')
        return calls
    for ln, raw in enumerate(lines, 1):
        text = raw.split('#', 1)[0].strip()
        if not text:
            continue
        err = lambda msg: errors.append(f'{path}:{ln}: {msg}')
        f = [x.strip() for x in text.split('|', 5)]
        if len(f) != 6:
            err(f'expected 6 fields "number | name | nargs | return | arguments | description", got {len(f)}')
            continue
        num, name, nargs, ret, argtext, desc = f
        bad = len(errors)
        if not re.fullmatch(r'\d+', num) or int(num) > MAX_NUMBER:
            err(f"number '{num}' is not an integer 0..{MAX_NUMBER}")
        if not re.fullmatch(r'[A-Z][A-Za-z0-9]*', name):
            err(f"name '{name}' is not a CamelCase C identifier (no '_'; the _r variant is implied)")
        if not re.fullmatch(r'\d+', nargs):
            err(f"argument count '{nargs}' is not an integer")
        if ret not in RETURN_TYPES:
            err(f"return type '{ret}' is not one of {', '.join(RETURN_TYPES)} (-4095..-1 means -errno)")
        if not desc:
            err('missing description')
        args = []
        if argtext != 'void':
            for a in split_args(argtext):
                aname, aerr = parse_arg(a)
                if aerr:
                    err(aerr)
                args.append((a, aname))
        if len(errors) > bad:
            continue
        if int(nargs) > MAX_ARGS:
            err(f'{name}: {nargs} arguments; at most {MAX_ARGS} fit in registers a0-a5')
        elif int(nargs) != len(args):
            err(f'{name}: argument count {nargs}, but the list has {len(args)}')
        elif len(set(a for _, a in args)) != len(args):
            err(f'{name}: two arguments have the same name')
        else:
            calls.append(Call(ln, int(num), name, int(nargs), ret, args, desc))
    seen = {}
    for c in calls:
        for key, what in ((c.number, f'number {c.number}'), (c.name, f'name {c.name}'),
                          (c.macro, f'derived name {c.macro}')):
            if key in seen:
                errors.append(f'{path}:{c.line}: duplicate {what} (first at {fname}:{seen[key]})')
                break       # a duplicate name also duplicates its derived names
            seen[key] = c.line
    if not calls and not errors:
        errors.append(f'{path}: no kernel calls in the table')
    return sorted(calls, key=lambda c: c.number)


def norm(s):
    """C declaration text with comments already gone, in one canonical spacing."""
    return re.sub(r'\s*([*(),])\s*', r'\1', re.sub(r'\s+', ' ', s.strip()))


def check_header(path, table, calls, errors):
    """Every call Foo needs prototypes of Foo and Foo_r in the header, equal to the table's."""
    try:
        src = open(path, encoding='utf-8').read()
    except OSError as e:
        errors.append(f'{path}: cannot read the prototypes: {e.strerror} (see --header)')
        return
    # blank out comments, keeping newlines so that offsets still give line numbers
    src = re.sub(r'/\*.*?\*/|//[^\n]*', lambda m: re.sub(r'[^\n]', ' ', m.group(0)), src, flags=re.S)
    for c in calls:
        for fn in (c.name, c.name + '_r'):
            want = norm(f'{c.ret} {fn}({c.params()})')
            m = re.search(r'\b(int|long)\s+' + fn + r'\s*\(([^;{]*)\)\s*;', src)
            if not m:
                errors.append(f'{table}:{c.line}: {fn} has no prototype in {path}')
                continue
            got = norm(f'{m.group(1)} {fn}({m.group(2)})')
            if got != want:
                hl = src.count('\n', 0, m.start()) + 1
                errors.append(f"{path}:{hl}: prototype of {fn} differs from {os.path.basename(table)}:"
                              f"{c.line}: '{got}' vs '{want}' (spacing aside)")


def gen_nums(calls, banner):
    out = [f'/* Kernel-call numbers. {banner} */', '#ifndef KCALL_NUMS_H', '#define KCALL_NUMS_H', '']
    out += [f'#define {c.macro:<28} {c.number}' for c in calls]
    out += ['', f'#define {"__KER_COUNT":<28} {calls[-1].number + 1}\t/* highest number + 1 */',
            '', '/* A call fails with a result of -errno, -KCALL_ERRNO_MAX..-1; any other value is',
            ' * a result (e.g. a connect reply status with _IO_CONNECT_RET_FLAG, the sign bit). */',
            f'#define {"KCALL_ERRNO_MAX":<28} {ERRNO_MAX}', '', '#endif']
    return out


def gen_stubs(calls, banner):
    out = ['/* User-side kernel-call stubs for Skimmer on RISC-V: a7 = call number, a0-a5 =',
           ' * arguments, ecall, a0 = result, or -errno (-KCALL_ERRNO_MAX..-1). Foo_r() returns it as is.',
           f' * {banner} */', '#include "kcall_nums.h"', '',
           '#ifdef __riscv_compressed', '#define STUB_ALIGN 1', '#else', '#define STUB_ALIGN 2', '#endif', '',
           '\t.macro\tKCALL name, num', '\t.section .text.\\name, "ax", @progbits',
           '\t.globl\t\\name', '\t.type\t\\name, @function', '\t.p2align STUB_ALIGN', '\\name:',
           '\tli\ta7, \\num', '\tecall', '\tret', '\t.size\t\\name, . - \\name', '\t.endm', '']
    out += [f'\tKCALL\t{c.name + "_r":<20} {c.macro}' for c in calls]
    return out


def gen_errno(calls, banner):
    out = ['/* The plain kernel calls: Foo() is Foo_r() with a result of -errno turned into -1 and',
           f' * errno. {banner} */', '#include <sys/neutrino.h>', '#include "kcall_nums.h"', '',
           "int *__get_errno_ptr(void);\t/* libc: the calling thread's errno */", '']
    for t in RETURN_TYPES:
        out += [f'static inline {t} kcall_ret_{t}({t} r)', '{',
                '\tif (r >= 0 || r < -KCALL_ERRNO_MAX)\t/* a result, perhaps with the sign bit set */',
                '\t\treturn r;',
                '\t*__get_errno_ptr() = (int)-r;', '\treturn -1;', '}', '']
    for c in calls:
        names = ', '.join(a for _, a in c.args)
        out += [f'{c.ret} {c.name}({c.params()})', '{',
                f'\treturn kcall_ret_{c.ret}({c.name}_r({names}));', '}', '']
    return out[:-1]


def gen_table(calls, banner):
    out = ['/* The kernel-call dispatch table for the kernel: KCALL_TABLE(X) expands',
           ' * X(number, Name, handler, nargs) once per call, in number order; numbers not listed',
           ' * are unassigned (ENOSYS). For example:',
           ' *   #define KCALL_ENTRY(n, name, fn, na) [n] = { fn, na },',
           ' *   static const struct kcall_desc kcalls[__KER_COUNT] = { KCALL_TABLE(KCALL_ENTRY) };',
           f' * {banner} */', '#ifndef KCALL_TABLE_H', '#define KCALL_TABLE_H', '',
           '#include "kcall_nums.h"', '', '#define KCALL_TABLE(X) \\']
    rows = [f'\tX({c.number:3}, {c.name + ",":<17} {c.handler + ",":<26} {c.nargs})' for c in calls]
    out += [r + ' \\' for r in rows[:-1]] + [rows[-1], '', '#endif']
    return out


def gen_names(calls, banner):
    out = ['/* Kernel-call names by number, for traces and gdb; gaps are NULL.', f' * {banner} */',
           '#include "kcall_nums.h"', '', 'const char *const kcall_names[__KER_COUNT] = {']
    out += [f'\t[{c.macro}] = "{c.name}",' for c in calls]
    return out + ['};']


def write(path, lines):
    text = '\n'.join(lines) + '\n'
    try:
        with open(path, encoding='utf-8') as f:
            if f.read() == text:
                return
    except OSError:
        pass
    with open(path + '.tmp', 'w', encoding='utf-8') as f:
        f.write(text)
    os.replace(path + '.tmp', path)


def main():
    ap = argparse.ArgumentParser(description='Generate kernel-call stubs and tables from kcalls.tab.')
    ap.add_argument('--header', help='header with the prototypes (default: TABLE dir/include/sys/neutrino.h)')
    ap.add_argument('table')
    ap.add_argument('outdir')
    a = ap.parse_args()
    header = a.header or os.path.join(os.path.dirname(a.table), 'include', 'sys', 'neutrino.h')
    errors = []
    calls = parse_table(a.table, errors)
    if not errors:
        check_header(header, a.table, calls, errors)
    if errors:
        for e in errors:
            print(e, file=sys.stderr)
        print(f'kcallgen: {len(errors)} error(s); nothing written', file=sys.stderr)
        return 1
    banner = f'Generated by tools/kcallgen.py from {os.path.basename(a.table)}; do not edit.'
    os.makedirs(a.outdir, exist_ok=True)
    for name, gen in (('kcall_nums.h', gen_nums), ('kcall_stubs.S', gen_stubs),
                      ('kcall_errno.c', gen_errno), ('kcall_table.h', gen_table),
                      ('kcall_names.c', gen_names)):
        write(os.path.join(a.outdir, name), gen(calls, banner))
    return 0


if __name__ == '__main__':
    sys.exit(main())
