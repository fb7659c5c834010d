# gdb helpers for the Skimmer kernel (QSOE).  Load with:
#     (gdb) source tools/gdb/skimmer.py
# or let tools/gdb/launch.py (`make gdb`) load it.  `sk-help` lists the commands.
#
# Everything is read through the kernel's own debug info (cpu_globals, ncpus,
# all_threads, ipiq_rings, trace_names, struct thread, ...), so layout changes
# are followed automatically.  The one hard-coded layout is cpu_switch's 112-byte
# switch frame (arch/riscv/switch.S): ra at +0, s0 at +8, then s1..s11.
#
# Flag names (TDF_*, RQF_*, MSGPORTF_*) are macros, not in the DWARF: they are
# parsed from the kernel headers next to this tree, with a built-in fallback.
#
# List walkers never trust the kernel: every walk is capped, remembers the nodes
# it has seen and checks back links, and prints a WARNING instead of looping on
# a cyclic or corrupt list.

import os
import re

import gdb

MAX_WALK = 20000        # hard cap on nodes visited in any one list walk
MAX_FRAMES = 48         # backtrace depth cap
SWITCH_FRAME_RA = 0     # cpu_switch frame layout (switch.S): ra at +0 ...
SWITCH_FRAME_S0 = 8     # ... s0 (the frame pointer) at +8
SWITCH_FRAME_SIZE = 112

# ---------------------------------------------------------------------------
# Small utilities


def _u64_t():
    return gdb.lookup_type("unsigned long")


def _eval(expr):
    try:
        return gdb.parse_and_eval(expr)
    except gdb.error as e:
        raise gdb.GdbError("sk: cannot evaluate '%s' (%s); is build/skimmer.elf loaded?"
                           % (expr, e))


def _type(name):
    try:
        return gdb.lookup_type(name)
    except gdb.error:
        raise gdb.GdbError("sk: type '%s' not in the debug info" % name)


def _int(v):
    """A gdb.Value (pointer, enum, integer) as a Python int."""
    if v.type.strip_typedefs().code == gdb.TYPE_CODE_PTR:
        return int(v.cast(_u64_t()))
    return int(v)


def _addr(v):
    """Address of an object given either as a pointer Value or as the object itself."""
    if v.type.strip_typedefs().code == gdb.TYPE_CODE_PTR:
        return _int(v)
    return _int(v.address)


def _read_u64(addr):
    return int(gdb.Value(addr).cast(_u64_t().pointer()).dereference())


def _ptr(addr, typename):
    return gdb.Value(addr).cast(_type(typename).pointer())


def _offsetof(typename, field):
    t = _type(typename).strip_typedefs()
    for f in t.fields():
        if f.name == field:
            return f.bitpos // 8
    raise gdb.GdbError("sk: %s has no field %s" % (typename, field))


def _container(node_addr, typename, field):
    """container_of: the struct typename * whose member `field` is at node_addr."""
    return _ptr(node_addr - _offsetof(typename, field), typename)


def _array_len(v):
    lo, hi = v.type.strip_typedefs().range()
    return hi - lo + 1


def _cstr(v, maxlen=64):
    """A C string from a char array (bounded by its size) or a char pointer
    (bounded by maxlen), without trusting it to be NUL-terminated."""
    try:
        t = v.type.strip_typedefs()
        if t.code == gdb.TYPE_CODE_ARRAY:
            addr, n = _int(v.address), t.sizeof
        else:
            addr, n = _int(v), maxlen
        raw = b""
        while n > 0 and not raw:
            try:
                raw = bytes(gdb.selected_inferior().read_memory(addr, n))
            except gdb.MemoryError:
                n //= 2        # near the end of readable memory: try less
        return raw.split(b"\0", 1)[0].decode("utf-8", "replace") if raw else "?"
    except gdb.error:
        return "?"


def _argv(arg):
    return gdb.string_to_argv(arg) if arg else []


def _num(s):
    try:
        return int(gdb.parse_and_eval(s))
    except (gdb.error, ValueError) as e:
        raise gdb.GdbError("sk: bad number '%s' (%s)" % (s, e))


def _hx(v):
    return "%#x" % v


# ---------------------------------------------------------------------------
# Flag names, from the kernel headers (fallback: the values at the time of writing)

_FLAG_FALLBACK = {
    "TDF_": [("TDF_RUNQ", 0x1), ("TDF_IDLE", 0x2), ("TDF_EXITING", 0x4), ("TDF_SLEEPING", 0x8)],
    "RQF_": [("RQF_RESCHED", 0x1), ("RQF_ROTATE", 0x2)],
    "MSGPORTF_": [("MSGPORTF_WAITING", 0x1)],
    "MSGF_": [("MSGF_DONE", 0x1), ("MSGF_REPLY", 0x2), ("MSGF_QUEUED", 0x4), ("MSGF_SYNC", 0x8)],
}
_flag_cache = {}


def _header_dirs():
    dirs = []
    here = globals().get("__file__")
    if here:
        dirs.append(os.path.join(os.path.dirname(os.path.abspath(here)),
                                 "..", "..", "kernel", "skimmer", "include", "skimmer"))
    try:
        src = gdb.lookup_global_symbol("lwkt_switch").symtab.fullname()
        dirs.append(os.path.join(os.path.dirname(src), "..", "include", "skimmer"))
    except (AttributeError, gdb.error):
        pass
    return dirs


def _flags(prefix):
    if prefix in _flag_cache:
        return _flag_cache[prefix]
    found = {}
    pat = re.compile(r"^\s*#\s*define\s+(%s\w+)\s+(0x[0-9a-fA-F]+|\d+)\b" % re.escape(prefix))
    for d in _header_dirs():
        if not os.path.isdir(d):
            continue
        for fn in sorted(os.listdir(d)):
            if not fn.endswith(".h"):
                continue
            try:
                with open(os.path.join(d, fn)) as fh:
                    for line in fh:
                        m = pat.match(line)
                        if m:
                            found[m.group(1)] = int(m.group(2), 0)
            except OSError:
                pass
        if found:
            break
    table = sorted(found.items(), key=lambda kv: kv[1]) if found else _FLAG_FALLBACK[prefix]
    _flag_cache[prefix] = table
    return table


def _decode(prefix, value):
    if value == 0:
        return "0"
    names, rest = [], value
    for name, bit in _flags(prefix):
        if bit and (value & bit) == bit:
            names.append(name[len(prefix):])
            rest &= ~bit
    if rest:
        names.append(_hx(rest))
    return "|".join(names)


def _flag(prefix, name):
    for n, v in _flags(prefix):
        if n == prefix + name:
            return v
    return dict(_FLAG_FALLBACK[prefix]).get(prefix + name, 0)


# ---------------------------------------------------------------------------
# Robust intrusive list walking


class Walk(object):
    """Walk a circular struct list from its head. .nodes holds the node addresses
    in order (head excluded); .problems the corruption found (empty if sound)."""

    def __init__(self, head_addr, cap=MAX_WALK):
        self.head = head_addr
        self.nodes = []
        self.problems = []
        self.uninit = False
        lp = _type("struct list").pointer()
        seen = set()
        prev = head_addr
        try:
            h = gdb.Value(head_addr).cast(lp).dereference()
            cur = _int(h["next"])
            if cur == 0 and _int(h["prev"]) == 0:
                self.uninit = True
                self.problems.append("list head at %#x is all zero (not initialized yet)"
                                     % head_addr)
                return
        except gdb.MemoryError:
            self.problems.append("cannot read the list head at %#x" % head_addr)
            return
        while True:
            if cur == head_addr:
                try:
                    hprev = _int(gdb.Value(head_addr).cast(lp).dereference()["prev"])
                except gdb.MemoryError:
                    hprev = None
                if hprev != prev:
                    self.problems.append("head->prev is %s, but the last node is %#x"
                                         % (_hx(hprev) if hprev is not None else "?", prev))
                return
            if cur == 0:
                self.problems.append("NULL next pointer after node %#x (a removed node still "
                                     "linked?)" % prev)
                return
            if cur in seen:
                self.problems.append("node %#x visited twice after %d nodes: the list is "
                                     "CYCLIC and never returns to its head %#x"
                                     % (cur, len(self.nodes), head_addr))
                return
            if len(self.nodes) >= cap:
                self.problems.append("gave up after %d nodes (cap) without returning to the "
                                     "head" % cap)
                return
            try:
                n = gdb.Value(cur).cast(lp).dereference()
                nxt, nprev = _int(n["next"]), _int(n["prev"])
            except gdb.MemoryError:
                self.problems.append("cannot read node %#x (reached from %#x)" % (cur, prev))
                return
            seen.add(cur)
            self.nodes.append(cur)
            if nprev != prev:
                self.problems.append("node %#x: prev is %#x, expected %#x (next->prev mismatch)"
                                     % (cur, nprev, prev))
            prev, cur = cur, nxt

    def entries(self, typename, field):
        return [_container(n, typename, field) for n in self.nodes]


def _warn(problems, what):
    for p in problems:
        gdb.write("  WARNING: %s: %s\n" % (what, p))


# ---------------------------------------------------------------------------
# Kernel objects


def _ncpus():
    n = int(_eval("ncpus"))
    maxcpu = _array_len(_eval("cpu_globals"))
    if n < 0 or n > maxcpu:
        gdb.write("WARNING: ncpus is %d (MAXCPU %d); using %d\n" % (n, maxcpu, maxcpu))
        n = maxcpu
    return n


def _require_cpus():
    n = _ncpus()
    if n == 0:
        raise gdb.GdbError("sk: ncpus is 0: the kernel has not set up its harts yet "
                           "(continue past kmain's hart setup)")
    return n


def _gd(cpu):
    return _eval("cpu_globals")[cpu]


def _gd_addr(cpu):
    return _int(_gd(cpu).address)


def _cpu_of_gd(addr):
    base = _int(_eval("cpu_globals").address)
    size = _type("struct globaldata").sizeof
    if addr >= base and (addr - base) % size == 0 and (addr - base) // size < _ncpus():
        return (addr - base) // size
    return None


def _runq_uninit(rq):
    """True for a run queue runq_init has not touched yet (hart not started)."""
    q = rq["rq_queue"][0]
    return _int(q["next"]) == 0 and _int(q["prev"]) == 0


def _all_threads():
    w = Walk(_int(_eval("&all_threads")))
    return w.entries("struct thread", "td_allq"), w.problems


def _td_desc(td):
    return "td%d %s" % (int(td["td_id"]), _cstr(td["td_name"]))


def _td_cpu(td):
    gd = _int(td["td_gd"])
    c = _cpu_of_gd(gd)
    return c if c is not None else -1


def _td_state(td):
    """RUN (current on its hart), RUNQ, SLEEP, ZOMBIE, WAIT (blocked on a port), IDLE, BLOCKED."""
    flags = int(td["td_flags"])
    gd = _int(td["td_gd"])
    if gd and _cpu_of_gd(gd) is not None:
        if _int(gd_curthread(gd)) == _addr(td):
            return "RUN"
    if flags & _flag("TDF_", "EXITING"):
        return "ZOMBIE"
    if flags & _flag("TDF_", "RUNQ"):
        return "RUNQ"
    if flags & _flag("TDF_", "SLEEPING"):
        return "SLEEP"
    if flags & _flag("TDF_", "IDLE"):
        return "IDLE"
    if int(td["td_msgport"]["mp_flags"]) & _flag("MSGPORTF_", "WAITING"):
        return "WAIT"
    return "BLOCKED"


def gd_curthread(gd_addr):
    return _ptr(gd_addr, "struct globaldata").dereference()["gd_curthread"]


def _port_qlen(port):
    w = Walk(_int(port["mp_msgq"].address), cap=4096)
    return len(w.nodes), w.problems


def _thread_from_arg(s):
    """A struct thread * from an id, an address/expression, or a name."""
    threads, _ = _all_threads()
    try:
        v = gdb.parse_and_eval(s)
    except gdb.error:
        v = None
    if v is not None:
        code = v.type.strip_typedefs().code
        if code == gdb.TYPE_CODE_PTR:
            return v.cast(_type("struct thread").pointer())
        if code == gdb.TYPE_CODE_STRUCT:
            return v.address.cast(_type("struct thread").pointer())
        n = int(v)
        if n < (1 << 20):
            for td in threads:
                if int(td["td_id"]) == n:
                    return td
            raise gdb.GdbError("sk: no thread with id %d on all_threads" % n)
        return _ptr(n, "struct thread")
    for td in threads:
        if _cstr(td["td_name"]) == s:
            return td
    raise gdb.GdbError("sk: '%s' is neither a thread id, an address nor a thread name" % s)


# ---------------------------------------------------------------------------
# Symbolizing and backtraces


def _msym(pc):
    try:
        out = gdb.execute("info symbol %#x" % pc, to_string=True).strip()
    except gdb.error:
        return None
    if out.startswith("No symbol"):
        return None
    return out.split(" in section")[0].replace(" + ", "+")


def _symbolize(pc, is_return=True):
    """'func+0xoff (file:line)' for a pc; a return address is looked up at pc-1 so
    the line is the call's, not the next statement's."""
    look = pc - 1 if is_return and pc else pc
    try:
        block = gdb.block_for_pc(look)
    except RuntimeError:
        block = None
    funcs, outer = [], None
    b = block
    while b is not None and not (b.is_static or b.is_global):
        if b.function is not None:
            funcs.append(b.function.print_name)
            outer = b
        b = b.superblock
    if outer is not None and pc == outer.start:
        # A function's entry (a function pointer): name it and where it is defined;
        # inline blocks that happen to start at the same pc are noise here.
        fn = outer.function
        if fn.symtab is not None and fn.line:
            return "%s (%s:%d)" % (fn.print_name, fn.symtab.filename, fn.line)
        return fn.print_name
    if outer is not None:
        text = "%s+%#x" % (funcs[-1], pc - outer.start)
        inl = [f for f in funcs[:-1] if f != funcs[-1]]
        if inl:
            text += " [inlined %s]" % " <- ".join(inl)
    else:
        text = _msym(pc) or "??"
    sal = gdb.find_pc_line(look)
    if sal.symtab is not None and sal.line:
        text += " (%s:%d)" % (sal.symtab.filename, sal.line)
    return text


def _addr_of(name):
    try:
        return _int(gdb.parse_and_eval("&%s" % name))
    except gdb.error:
        return None


_SCAUSE_INTR = {1: "supervisor software interrupt (IPI)", 5: "supervisor timer interrupt",
                9: "supervisor external interrupt"}
_SCAUSE_EXC = {0: "instruction misaligned", 1: "instruction access fault",
               2: "illegal instruction", 3: "breakpoint", 4: "load misaligned",
               5: "load access fault", 6: "store misaligned", 7: "store access fault",
               8: "ecall from U", 9: "ecall from S", 12: "instruction page fault",
               13: "load page fault", 15: "store page fault"}


def _scause_text(c):
    if c >> 63:
        return _SCAUSE_INTR.get(c & ~(1 << 63), "interrupt %d" % (c & ~(1 << 63)))
    return _SCAUSE_EXC.get(c, "exception %d" % c)


def _fp_backtrace(pc, fp, lo, hi, first_is_return=True):
    """Walk the s0 frame-pointer chain (ra at fp-8, caller's fp at fp-16), stepping
    over trap frames that trap.S links in. Returns the output lines."""
    trap_ret = _addr_of("trap_return")
    tf_t = None
    try:
        tf_t = gdb.lookup_type("struct trapframe")
    except gdb.error:
        pass
    is_return = first_is_return
    lines = []
    for depth in range(MAX_FRAMES):
        if pc == 0:
            break
        lines.append("    #%-2d %#x in %s" % (depth, pc, _symbolize(pc, is_return)))
        is_return = True
        if trap_ret is not None and pc == trap_ret:
            # trap.S: s0 = the trap frame, then `call trap_handler`.
            if tf_t is None:
                lines.append("    (trap frame; struct trapframe not in the debug info, stopping)")
                break
            if not (lo <= fp < hi):
                lines.append("    (trap frame %#x outside the stack, stopping)" % fp)
                break
            tf = gdb.Value(fp).cast(tf_t.pointer()).dereference()
            cause = int(tf["tf_scause"])
            lines.append("    --- trap: %s (scause %#x, stval %#x) ---"
                         % (_scause_text(cause), cause, int(tf["tf_stval"])))
            pc, nfp = int(tf["tf_sepc"]), int(tf["tf_x"][8])
            is_return = False    # sepc is the interrupted instruction itself
        else:
            if fp == 0:
                break
            if not (lo < fp <= hi) or fp & 7:
                lines.append("    (frame pointer %#x outside the stack %#x-%#x, stopping)"
                             % (fp, lo, hi))
                break
            try:
                pc, nfp = _read_u64(fp - 8), _read_u64(fp - 16)
            except gdb.MemoryError:
                lines.append("    (cannot read the frame at %#x, stopping)" % fp)
                break
        # Callers' frames sit higher on the stack. The one equality allowed: trap.S
        # points s0 at the trap frame, which is also trap_handler's own fp.
        if nfp and (nfp < fp or (nfp == fp and pc != trap_ret)):
            if pc:
                lines.append("    #%-2d %#x in %s" % (depth + 1, pc, _symbolize(pc, is_return)))
            lines.append("    (caller frame pointer %#x is not above %#x: corrupt chain, "
                         "stopping)" % (nfp, fp))
            break
        fp = nfp
    else:
        lines.append("    (stopped after %d frames)" % MAX_FRAMES)
    return lines


def _gdb_thread_for_hart(hartid):
    """QEMU's gdb stub numbers harts from 1: thread id = cpu index + 1."""
    inf = gdb.selected_inferior()
    for th in inf.threads():
        if th.ptid[1] == hartid + 1 or (th.ptid[1] == 0 and th.num == hartid + 1):
            return th
    return None


def _running_backtrace(gd):
    hart = int(gd["gd_hartid"])
    th = _gdb_thread_for_hart(hart)
    if th is None:
        return ["    (no gdb thread for hart %d)" % hart]
    orig = gdb.selected_thread()
    try:
        orig_frame = gdb.selected_frame()
    except gdb.error:
        orig_frame = None
    try:
        th.switch()
        out = gdb.execute("bt %d" % MAX_FRAMES, to_string=True)
        pc = _int(gdb.parse_and_eval("$pc"))
        lo, hi = _addr_of("_start"), _addr_of("_end")
        if lo is not None and hi is not None and not (lo <= pc < hi):
            # In the firmware (OpenSBI, M-mode): an SBI call or an M-mode trap.
            try:
                mepc = _int(gdb.parse_and_eval("$mepc"))
                where = "; the kernel left off at mepc %#x in %s" % (mepc, _symbolize(mepc, False))
            except gdb.error:
                where = ""
            out += ("(hart %d is in the firmware at pc %#x, outside the kernel%s; `thread %d` "
                    "and `finish`/`stepi` until it is back for a full backtrace)\n"
                    % (hart, pc, where, th.num))
    except gdb.error as e:
        out = "(bt failed: %s)\n" % e
    finally:
        if orig is not None:
            orig.switch()
            if orig_frame is not None and orig_frame.is_valid():
                orig_frame.select()
    return ["    " + l for l in out.rstrip("\n").split("\n")]


def _switched_backtrace(td):
    sp = _int(td["td_sp"])
    lo = _int(td["td_kstack"])
    hi = lo + int(td["td_kstack_size"])
    if not (lo <= sp and sp + SWITCH_FRAME_SIZE <= hi):
        return ["    (td_sp %#x is outside the stack %#x-%#x: no switch frame)" % (sp, lo, hi)]
    try:
        ra = _read_u64(sp + SWITCH_FRAME_RA)
        s0 = _read_u64(sp + SWITCH_FRAME_S0)
    except gdb.MemoryError:
        return ["    (cannot read the switch frame at %#x)" % sp]
    tramp = _addr_of("lwkt_trampoline")
    lines = ["    switch frame at %#x: ra %#x, s0 %#x" % (sp, ra, s0)]
    if tramp is not None and ra == tramp:
        lines.append("    (never run: will start in lwkt_trampoline -> %s)"
                     % _symbolize(_int(td["td_func"]), False))
        return lines
    return lines + _fp_backtrace(ra, s0, lo, hi)


# ---------------------------------------------------------------------------
# Commands


class SkCommand(gdb.Command):
    """Base class: registers NAME as a user command; run() gets the split arguments.
    User mistakes raise gdb.GdbError (a plain message); anything else is a bug in
    this script and shows up as a Python exception (tools/gdb/selftest.sh looks)."""
    NAME = None

    def __init__(self):
        super(SkCommand, self).__init__(self.NAME, gdb.COMMAND_USER)

    def invoke(self, arg, from_tty):
        self.run(_argv(arg))


class SkHelp(SkCommand):
    """List the Skimmer (QSOE) gdb helpers.

Usage: sk-help
Each command has its own `help sk-NAME`."""
    NAME = "sk-help"

    def run(self, argv):
        for name, cls in sorted(_COMMANDS.items()):
            doc = (cls.__doc__ or "").strip().split("\n")[0]
            gdb.write("  %-10s %s\n" % (name, doc))


class SkState(SkCommand):
    """One line per hart: cpu, hart, online, current thread, reqflags, nesting, ticks, runq, IPIs.

Usage: sk-state
Columns: logical cpu id, SBI hart id, gd_online, the current thread (td_id and
name), gd_reqflags (RQF_* decoded), gd_intr_nesting, gd_ticks, rq_count of the
run queue, IPIs sent and received, and the times a sender found an IPIQ ring full.
A trailing line counts the threads on all_threads (and the kernel's own count)."""
    NAME = "sk-state"

    def run(self, argv):
        n = _ncpus()
        gdb.write("ncpus %d\n" % n)
        gdb.write("%-4s %-5s %-6s %-24s %-14s %-5s %-9s %-5s %-9s %-9s %s\n"
                  % ("cpu", "hart", "online", "current", "reqflags", "nest", "ticks",
                     "runq", "ipi-sent", "ipi-recv", "ring-full"))
        for c in range(n):
            gd = _gd(c)
            cur = gd["gd_curthread"]
            curs = _td_desc(cur.dereference()) if _int(cur) else "-"
            gdb.write("%-4d %-5d %-6d %-24s %-14s %-5d %-9d %-5d %-9d %-9d %d\n"
                      % (int(gd["gd_cpuid"]), int(gd["gd_hartid"]), int(gd["gd_online"]),
                         curs[:24], _decode("RQF_", int(gd["gd_reqflags"])),
                         int(gd["gd_intr_nesting"]), int(gd["gd_ticks"]),
                         int(gd["gd_runq"]["rq_count"]), int(gd["gd_ipis_sent"]),
                         int(gd["gd_ipis_recv"]), int(gd["gd_ipiq_full"])))
            if int(gd["gd_cpuid"]) != c:
                gdb.write("  WARNING: cpu_globals[%d].gd_cpuid is %d\n" % (c, int(gd["gd_cpuid"])))
        threads, problems = _all_threads()
        try:
            kcount = " (kernel's nthreads: %d)" % int(gdb.parse_and_eval("nthreads"))
        except gdb.error:
            kcount = ""
        states = {}
        for td in threads:
            s = _td_state(td)
            states[s] = states.get(s, 0) + 1
        gdb.write("threads: %d on all_threads%s; %s\n"
                  % (len(threads), kcount,
                     ", ".join("%s %d" % kv for kv in sorted(states.items())) or "none"))
        _warn(problems, "all_threads")


class SkPcpu(SkCommand):
    """Show one hart's globaldata in detail, with its sleep queue and zombies.

Usage: sk-pcpu [N]
N is the logical cpu id; without it, the hart gdb has selected (its $tp, which
holds the globaldata pointer in the kernel; falls back to the gdb thread number
when tp is not a globaldata, e.g. inside OpenSBI)."""
    NAME = "sk-pcpu"

    def run(self, argv):
        n = _require_cpus()
        if argv:
            cpu, how = _num(argv[0]), "argument"
        else:
            cpu, how = self.selected_cpu()
        if not (0 <= cpu < n):
            raise gdb.GdbError("sk-pcpu: no cpu %d (ncpus %d)" % (cpu, n))
        gd = _gd(cpu)
        gda = _gd_addr(cpu)
        gdb.write("cpu %d (%s): struct globaldata *%#x\n" % (cpu, how, gda))
        cur = gd["gd_curthread"]
        rows = [
            ("gd_hartid", int(gd["gd_hartid"])),
            ("gd_online", int(gd["gd_online"])),
            ("gd_curthread", "%#x %s" % (_int(cur), _td_desc(cur.dereference()) if _int(cur)
                                         else "")),
            ("gd_reqflags", "%#x %s" % (int(gd["gd_reqflags"]),
                                        _decode("RQF_", int(gd["gd_reqflags"])))),
            ("gd_intr_nesting", int(gd["gd_intr_nesting"])),
            ("gd_ipiq_pending", int(gd["gd_ipiq_pending"])),
            ("gd_ticks", int(gd["gd_ticks"])),
            ("gd_next_tick", int(gd["gd_next_tick"])),
            ("gd_ipis_sent", int(gd["gd_ipis_sent"])),
            ("gd_ipis_recv", int(gd["gd_ipis_recv"])),
            ("gd_ipiq_full", int(gd["gd_ipiq_full"])),
            ("gd_trace.tr_next", int(gd["gd_trace"]["tr_next"])),
        ]
        for k, v in rows:
            gdb.write("  %-18s %s\n" % (k, v))
        idle = gd["gd_idlethread"]
        gdb.write("  %-18s %s, flags %s, switches %d\n"
                  % ("gd_idlethread", _td_desc(idle), _decode("TDF_", int(idle["td_flags"])),
                     int(idle["td_switches"])))
        rq = gd["gd_runq"]
        levels = []
        if _runq_uninit(rq):
            levels.append("(not initialized yet)")
        else:
            for p in range(_array_len(rq["rq_queue"]) - 1, -1, -1):
                q = rq["rq_queue"][p]
                if _int(q["next"]) != _int(q.address):
                    w = Walk(_int(q.address), cap=4096)
                    levels.append("%d:%d%s" % (p, len(w.nodes), "!" if w.problems else ""))
        gdb.write("  %-18s rq_count %d, levels %s  (sk-runq %d for details)\n"
                  % ("gd_runq", int(rq["rq_count"]), " ".join(levels) or "none", cpu))

        w = Walk(_int(gd["gd_sleepq"].address))
        gdb.write("  gd_sleepq: %s\n" % ("not initialized yet" if w.uninit
                                          else "%d sleeping" % len(w.nodes)))
        for td in w.entries("struct thread", "td_sleepq"):
            wk = int(td["td_wakeup_tick"])
            gdb.write("    %-24s wakeup tick %d (in %d)\n"
                      % (_td_desc(td), wk, wk - int(gd["gd_ticks"])))
        _warn([] if w.uninit else w.problems, "cpu %d gd_sleepq" % cpu)

        w = Walk(_int(gd["gd_zombies"].address))
        gdb.write("  gd_zombies: %s\n" % ("not initialized yet" if w.uninit
                                           else "%d waiting to be reaped" % len(w.nodes)))
        for td in w.entries("struct thread", "td_runq"):
            gdb.write("    %-24s flags %s\n" % (_td_desc(td), _decode("TDF_", int(td["td_flags"]))))
        _warn([] if w.uninit else w.problems, "cpu %d gd_zombies" % cpu)

    @staticmethod
    def selected_cpu():
        try:
            tp = _int(gdb.parse_and_eval("$tp"))
        except gdb.error:
            tp = None
        if tp is not None:
            c = _cpu_of_gd(tp)
            if c is not None:
                return c, "selected hart, from $tp"
        th = gdb.selected_thread()
        if th is not None:
            hart = (th.ptid[1] or th.num) - 1
            for c in range(_ncpus()):
                if int(_gd(c)["gd_hartid"]) == hart:
                    return c, "selected gdb thread %d = hart %d; $tp %s is not a globaldata" % (
                        th.num, hart, _hx(tp) if tp is not None else "?")
        raise gdb.GdbError("sk-pcpu: cannot tell which cpu is selected; give N")


class SkRunq(SkCommand):
    """Show run queues level by level, checking them for corruption.

Usage: sk-runq [N]
Lists every non-empty priority level of cpu N's run queue (every cpu without N),
highest first, with its threads in queue order. Each walk is capped and checked:
a node visited twice (cyclic list), a node whose prev is not the node before it,
a bitmap bit that disagrees with the level's emptiness, a thread at the wrong
level, without TDF_RUNQ or owned by another cpu, a total that differs from
rq_count, and TDF_RUNQ threads of this cpu missing from the queue all print a
WARNING line."""
    NAME = "sk-runq"

    def run(self, argv):
        n = _require_cpus()
        cpus = [_num(argv[0])] if argv else list(range(n))
        for c in cpus:
            if not (0 <= c < n):
                raise gdb.GdbError("sk-runq: no cpu %d (ncpus %d)" % (c, n))
        threads, tproblems = _all_threads()
        _warn(tproblems, "all_threads")
        bad = 0
        for c in cpus:
            bad += self.one(c, threads)
        if bad:
            gdb.write("sk-runq: %d WARNING(s)\n" % bad)

    def one(self, c, threads):
        gd = _gd(c)
        gda = _gd_addr(c)
        rq = gd["gd_runq"]
        count = int(rq["rq_count"])
        cur = _int(gd["gd_curthread"])
        bitmap = rq["rq_bitmap"]
        nwords = _array_len(bitmap)
        words = [int(bitmap[i]) for i in range(nwords)]
        wbits = bitmap[0].type.sizeof * 8
        nlevels = _array_len(rq["rq_queue"])
        runq_flag = _flag("TDF_", "RUNQ")
        warnings = []
        if _runq_uninit(rq):
            online = int(gd["gd_online"])
            gdb.write("cpu %d: run queue not initialized yet (all-zero list heads)\n" % c)
            if online:
                gdb.write("  WARNING: cpu %d is online but its run queue is zeroed\n" % c)
                return 1
            return 0
        gdb.write("cpu %d: rq_count %d, bitmap %s\n"
                  % (c, count, " ".join("%016x" % w for w in reversed(words))))
        total = 0
        found = set()
        for p in range(nlevels - 1, -1, -1):
            q = rq["rq_queue"][p]
            head = _int(q.address)
            empty = _int(q["next"]) == head
            bit = (words[p // wbits] >> (p % wbits)) & 1
            if bool(bit) == empty:
                warnings.append("level %d: bitmap bit is %d but the level is %s"
                                % (p, bit, "empty" if empty else "non-empty"))
            if empty:
                if _int(q["prev"]) != head:
                    warnings.append("level %d: head.next is the head but head.prev is %#x"
                                    % (p, _int(q["prev"])))
                continue
            w = Walk(head)
            tds = w.entries("struct thread", "td_runq")
            total += len(tds)
            gdb.write("  pri %3d: %d thread%s\n" % (p, len(tds), "" if len(tds) == 1 else "s"))
            for td in tds:
                ta = _int(td)
                found.add(ta)
                try:
                    flags = int(td["td_flags"])
                    tpri = int(td["td_pri"])
                    tgd = _int(td["td_gd"])
                    desc = _td_desc(td)
                except gdb.MemoryError:
                    warnings.append("level %d: cannot read thread %#x" % (p, ta))
                    continue
                gdb.write("    %-24s %#x flags %s%s\n" % (desc, ta, _decode("TDF_", flags),
                                                         "  <- running" if ta == cur else ""))
                if tpri != p:
                    warnings.append("level %d: %s has td_pri %d" % (p, desc, tpri))
                if not flags & runq_flag:
                    warnings.append("level %d: %s is queued without TDF_RUNQ" % (p, desc))
                if tgd != gda:
                    warnings.append("level %d: %s belongs to cpu %s" % (p, desc, _cpu_of_gd(tgd)))
            for prob in w.problems:
                warnings.append("level %d: %s" % (p, prob))
        if total != count:
            warnings.append("%d threads on the queue but rq_count is %d" % (total, count))
        for td in threads:
            try:
                if _int(td["td_gd"]) == gda and int(td["td_flags"]) & runq_flag \
                        and _int(td) not in found:
                    warnings.append("%s has TDF_RUNQ but is not on the queue" % _td_desc(td))
            except gdb.MemoryError:
                pass
        if total == 0 and not warnings:
            gdb.write("  (empty)\n")
        for wmsg in warnings:
            gdb.write("  WARNING: cpu %d run queue: %s\n" % (c, wmsg))
        return len(warnings)


class SkThread(SkCommand):
    """List all threads, or show one thread in detail with a backtrace.

Usage: sk-thread            all threads on all_threads, one line each
       sk-thread ID|ADDR|NAME
The list shows id, name, cpu, state (RUN = current on its hart, RUNQ, SLEEP,
WAIT = blocked on its port, ZOMBIE, IDLE, BLOCKED), priority, TDF_* flags,
td_critcount, switches, the kernel stack range, the length of the thread's port
queue and whether it waits on its port. The detail view adds a backtrace: for a
switched-out thread it is computed from the saved switch frame at td_sp (walking
the s0 frame-pointer chain and stepping over trap frames); for a running thread
it is gdb's own `bt` on that hart."""
    NAME = "sk-thread"

    def run(self, argv):
        if argv:
            self.detail(_thread_from_arg(" ".join(argv)))
            return
        threads, problems = _all_threads()
        gdb.write("%-5s %-14s %-3s %-7s %-3s %-14s %-4s %-8s %-27s %-4s %s\n"
                  % ("id", "name", "cpu", "state", "pri", "flags", "crit", "switches",
                     "stack", "msgq", "wait"))
        for td in threads:
            try:
                lo = _int(td["td_kstack"])
                hi = lo + int(td["td_kstack_size"])
                qlen, qprob = _port_qlen(td["td_msgport"])
                waiting = int(td["td_msgport"]["mp_flags"]) & _flag("MSGPORTF_", "WAITING")
                gdb.write("%-5d %-14s %-3d %-7s %-3d %-14s %-4d %-8d %#x-%#x %-4s %s\n"
                          % (int(td["td_id"]), _cstr(td["td_name"])[:14], _td_cpu(td),
                             _td_state(td), int(td["td_pri"]),
                             _decode("TDF_", int(td["td_flags"])), int(td["td_critcount"]),
                             int(td["td_switches"]), lo, hi,
                             "%d%s" % (qlen, "!" if qprob else ""),
                             "yes" if waiting else "-"))
                _warn(qprob, "td%d port queue" % int(td["td_id"]))
            except gdb.MemoryError as e:
                gdb.write("WARNING: cannot read thread %#x: %s\n" % (_int(td), e))
        gdb.write("%d threads\n" % len(threads))
        _warn(problems, "all_threads")

    def detail(self, tdp):
        ta = _int(tdp)
        td = tdp.dereference()
        port = td["td_msgport"]
        lo = _int(td["td_kstack"])
        hi = lo + int(td["td_kstack_size"])
        state = _td_state(tdp)
        cpu = _td_cpu(tdp)
        gdb.write("%s at %#x\n" % (_td_desc(td), ta))
        gdb.write("  cpu %d  state %s  pri %d  flags %#x %s  critcount %d  slice %d\n"
                  % (cpu, state, int(td["td_pri"]), int(td["td_flags"]),
                     _decode("TDF_", int(td["td_flags"])), int(td["td_critcount"]),
                     int(td["td_slice"])))
        gdb.write("  switches %d  wakeup tick %d  td_sp %#x\n"
                  % (int(td["td_switches"]), int(td["td_wakeup_tick"]), _int(td["td_sp"])))
        gdb.write("  stack %#x-%#x (%d bytes)" % (lo, hi, hi - lo))
        try:
            canary = _read_u64(lo)
            want = None
            try:
                want = int(gdb.parse_and_eval("(unsigned long)0x5ca1ab1edeadc0de"))
            except gdb.error:
                pass
            gdb.write(", canary %s" % ("ok" if canary == want else "%#x (SMASHED?)" % canary))
            sp = _int(td["td_sp"])
            if lo <= sp < hi:
                gdb.write(", saved sp uses %d bytes" % (hi - sp))
        except gdb.MemoryError:
            gdb.write(", canary unreadable")
        gdb.write("\n")
        gdb.write("  func %s  arg %#x\n" % (_symbolize(_int(td["td_func"]), False)
                                             if _int(td["td_func"]) else "-", _int(td["td_arg"])))
        waitmsg = _int(port["mp_waitmsg"])
        gdb.write("  port %#x: flags %s, waitmsg %s, owner %#x\n"
                  % (_int(port.address), _decode("MSGPORTF_", int(port["mp_flags"])),
                     _hx(waitmsg) if waitmsg else "NULL (any)", _int(port["mp_td"])))
        w = Walk(_int(port["mp_msgq"].address), cap=4096)
        gdb.write("  port queue: %d message%s\n" % (len(w.nodes), "" if len(w.nodes) == 1 else "s"))
        for m in w.entries("struct lwkt_msg", "ms_node")[:32]:
            gdb.write("    msg %#x cmd %d flags %s reply-port %#x\n"
                      % (_int(m), int(m["ms_cmd"]), _decode("MSGF_", int(m["ms_flags"])),
                         _int(m["ms_reply_port"])))
        _warn(w.problems, "port queue")
        if state == "RUN":
            gd = td["td_gd"].dereference()
            gdb.write("  running on cpu %d (hart %d); gdb's backtrace of that hart:\n"
                      % (cpu, int(gd["gd_hartid"])))
            lines = _running_backtrace(gd)
        else:
            gdb.write("  backtrace from the switch frame:\n")
            lines = _switched_backtrace(td)
        gdb.write("\n".join(lines) + "\n")


class SkIpiq(SkCommand):
    """Show the non-empty IPIQ rings with their pending entries.

Usage: sk-ipiq
For each ordered pair (src -> dst) whose ring holds entries: windex, rindex,
depth, and each pending entry's function (with its thread for
lwkt_schedule_remote-style entries whose argument is a thread). Rings deeper
than their size are reported as corrupt. Also lists harts with gd_ipiq_pending set."""
    NAME = "sk-ipiq"

    def run(self, argv):
        n = _require_cpus()
        try:
            rings = gdb.parse_and_eval("ipiq_rings")
        except gdb.error:
            sym = gdb.lookup_static_symbol("ipiq_rings")
            if sym is None:
                raise gdb.GdbError("sk-ipiq: no ipiq_rings symbol")
            rings = sym.value()
        base = _int(rings)
        if base == 0:
            gdb.write("IPIQ rings not allocated yet (ipiq_rings is NULL)\n")
            return
        size = _array_len(rings.dereference()["iq_ring"])
        threads = {}
        for td in _all_threads()[0]:
            threads[_int(td)] = td
        nonempty = 0
        total = 0
        for src in range(n):
            for dst in range(n):
                q = rings[src * n + dst]
                w, r = int(q["iq_windex"]), int(q["iq_rindex"])
                depth = (w - r) & 0xffffffff
                if depth == 0:
                    continue
                nonempty += 1
                total += depth
                gdb.write("cpu %d -> cpu %d: windex %d rindex %d depth %d/%d\n"
                          % (src, dst, w, r, depth, size))
                if src == dst:
                    gdb.write("  WARNING: a ring from a cpu to itself holds entries\n")
                if depth > size:
                    gdb.write("  WARNING: depth %d exceeds the ring size %d: indices corrupt\n"
                              % (depth, size))
                    continue
                for i in range(depth):
                    e = q["iq_ring"][(r + i) % size]
                    f, a, b = _int(e["ie_func"]), _int(e["ie_a"]), _int(e["ie_b"])
                    extra = ""
                    if a in threads:
                        extra = "  (a = %s)" % _td_desc(threads[a])
                    gdb.write("  [%d] %s a=%#x b=%#x%s\n"
                              % ((r + i) & 0xffffffff,
                                 _symbolize(f, False) if f else "NULL", a, b, extra))
        pend = [str(c) for c in range(n) if int(_gd(c)["gd_ipiq_pending"])]
        gdb.write("%d of %d rings non-empty, %d entries pending; gd_ipiq_pending set on cpus: %s\n"
                  % (nonempty, n * n, total, " ".join(pend) or "none"))


class SkTrace(SkCommand):
    """Show the last N trace events of every hart, merged by time.

Usage: sk-trace [N]      (N defaults to 32 per hart)
Reads each hart's gd_trace ring (the newest N of its tr_next records), merges
them by te_time (rdtime, one clock for all harts) and names events from the
kernel's trace_names[] array. dt is the time since the previous line."""
    NAME = "sk-trace"

    def run(self, argv):
        n = _require_cpus()
        last = _num(argv[0]) if argv else 32
        if last <= 0:
            raise gdb.GdbError("sk-trace: N must be positive")
        names_v = _eval("trace_names")
        names = []
        for i in range(_array_len(names_v)):
            p = names_v[i]
            names.append(_cstr(p, 32) if _int(p) else "?")
        ents = []
        for c in range(n):
            ring = _gd(c)["gd_trace"]
            end = int(ring["tr_next"])
            arr = ring["tr_ent"]
            size = _array_len(arr)
            k = min(last, end, size)
            for i in range(end - k, end):
                e = arr[i % size]
                ents.append((int(e["te_time"]), c, i, int(e["te_event"]), int(e["te_td"]),
                             int(e["te_a"]), int(e["te_b"])))
        ents.sort()
        gdb.write("%-14s %-8s %-3s %-6s %-10s %-18s %-18s %s\n"
                  % ("time", "dt", "cpu", "td", "event", "a", "b", ""))
        prev = None
        for t, c, i, ev, tdid, a, b in ents:
            name = names[ev] if 0 <= ev < len(names) else "?(%d)" % ev
            dt = "" if prev is None else "+%d" % (t - prev)
            prev = t
            gdb.write("%-14d %-8s %-3d td%-4d %-10s %-18s %-18s %s\n"
                      % (t, dt, c, tdid, name, _hx(a), _hx(b), self.explain(name, a, b)))
        gdb.write("%d events from %d harts (last %d per hart)\n" % (len(ents), n, last))

    @staticmethod
    def explain(name, a, b):
        if name == "switch":
            return "td%d -> td%d" % (a, b)
        if name == "sched":
            return "td%d made runnable (cpu %d)" % (a, b)
        if name in ("desched", "exit"):
            return "td%d" % a
        if name == "putport":
            return "msg %#x to td%d" % (a, b)
        if name == "reply":
            return "msg %#x error %d" % (a, b)
        if name == "ipiq-send":
            return "to cpu %d, depth %d" % (a, b)
        if name == "ipiq-recv":
            return "%d drained" % a
        if name == "irq":
            return _scause_text(a) if a >> 63 else "scause code %d" % a
        return ""


_COMMANDS = {}
for _cls in (SkHelp, SkState, SkPcpu, SkRunq, SkThread, SkIpiq, SkTrace):
    _cls()
    _COMMANDS[_cls.NAME] = _cls

gdb.write("skimmer.py: loaded %s (see `sk-help`)\n" % " ".join(sorted(_COMMANDS)))
