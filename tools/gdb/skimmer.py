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
    "PEXIT_": [("PEXIT_NORMAL", 0), ("PEXIT_FAULT", 1)],
    "IDT_": [("IDT_INDEX_BITS", 12), ("IDT_GEN_MASK", 0x3ffff)],
    "MAX_COIDS": [("MAX_COIDS", 1024)],
    "_NTO_CHF_": [("_NTO_CHF_FIXED_PRIORITY", 0x1), ("_NTO_CHF_UNBLOCK", 0x2),
                  ("_NTO_CHF_THREAD_DEATH", 0x4), ("_NTO_CHF_DISCONNECT", 0x8),
                  ("_NTO_CHF_SENDER_LEN", 0x20), ("_NTO_CHF_COID_DISCONNECT", 0x40),
                  ("_NTO_CHF_REPLY_LEN", 0x80), ("_NTO_CHF_PRIVATE", 0x1000)],
    "_NTO_SIDE_": [("_NTO_SIDE_CHANNEL", 0x40000000)],
    "STATE_": [("STATE_SEND", 4), ("STATE_RECEIVE", 5), ("STATE_REPLY", 6),
               ("STATE_SIGSUSPEND", 10), ("STATE_SIGWAITINFO", 11), ("STATE_NANOSLEEP", 12),
               ("STATE_MUTEX", 13), ("STATE_CONDVAR", 14), ("STATE_JOIN", 15),
               ("STATE_INTR", 16), ("STATE_SEM", 17)],
}
_flag_cache = {}


def _header_dirs():
    """The kernel's include/skimmer, then the ABI's include/sys (for _NTO_*): next to
    this script, or found from where the ELF's sources were compiled."""
    roots = []
    here = globals().get("__file__")
    if here:
        roots.append(os.path.join(os.path.dirname(os.path.abspath(here)), "..", ".."))
    try:
        src = gdb.lookup_global_symbol("lwkt_switch").symtab.fullname()
        roots.append(os.path.join(os.path.dirname(src), "..", "..", ".."))   # kernel/skimmer/kern
    except (AttributeError, gdb.error):
        pass
    return ([os.path.join(r, "kernel", "skimmer", "include", "skimmer") for r in roots] +
            [os.path.join(r, "abi", "include", "sys") for r in roots])


def _flags(prefix):
    if prefix in _flag_cache:
        return _flag_cache[prefix]
    found = {}
    pat = re.compile(r"^\s*#\s*define\s+(%s\w*)\s+(0x[0-9a-fA-F]+|\d+)\b" % re.escape(prefix))
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


def _flag_name(prefix, value):
    """The name of a value (not a bit set) among prefix's #defines, e.g. PEXIT_FAULT."""
    for name, v in _flags(prefix):
        if v == value:
            return name[len(prefix):]
    return str(value)


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
    """RUN (current on its hart), RUNQ, SLEEP, ZOMBIE, a QNX state for a thread blocked in
    a kernel call (SEND, MUTEX, INTR, ...), WAIT (blocked on a port), IDLE, BLOCKED."""
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
    kernel_wait = _kernel_wait(td)
    if kernel_wait:
        return kernel_wait
    if int(td["td_msgport"]["mp_flags"]) & _flag("MSGPORTF_", "WAITING"):
        return "WAIT"
    return "BLOCKED"


def _kernel_wait(td):
    """The QNX state of a thread blocked in a kernel call (SEND, RECEIVE, REPLY from its
    message call; MUTEX, CONDVAR, SEM, JOIN, INTR, NANOSLEEP, SIGSUSPEND, ... from its
    twait, wait.h), or None."""
    try:
        tw = td["td_wait"]
        if _int(tw) and not int(tw.dereference()["tw_done"]):
            st = int(tw.dereference()["tw_state"])
            names = [n for n, v in _flags("STATE_") if v == st]
            return names[0][len("STATE_"):] if names else "STATE_%d" % st
        ipc = td["td_ipc"]
        if _int(ipc):
            st = str(ipc.dereference()["iw_state"])
            if st in ("IPC_SEND", "IPC_RECEIVE", "IPC_REPLY"):
                return st[len("IPC_"):]
    except gdb.error:
        pass
    return None


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
# Processes, channels and connections (kern/proc.c, kern/msg.c)

MAX_QUEUE = 4096        # cap on the waiters read from one channel queue
MAX_COID_SCAN = 65536   # cap on the p_coids entries read
_QUEUES = (("ch_sendq", "IPC_SEND"), ("ch_recvq", "IPC_RECEIVE"), ("ch_replyq", "IPC_REPLY"))
_BLOCKED_HOW = {"ch_sendq": "SEND", "ch_recvq": "RECEIVE", "ch_replyq": "REPLY"}


def _static(name, filename):
    """A file-static variable: 'file'::name, else lookup_static_symbol, else plain name."""
    try:
        return gdb.parse_and_eval("'%s'::%s" % (filename, name))
    except gdb.error:
        pass
    try:
        sym = gdb.lookup_static_symbol(name)
    except (AttributeError, gdb.error):
        sym = None
    if sym is not None:
        return sym.value()
    return _eval(name)


def _field(typename, name):
    for f in _type(typename).strip_typedefs().fields():
        if f.name == name:
            return f
    raise gdb.GdbError("sk: %s has no field %s" % (typename, name))


def _le(raw, off, size):
    """An unsigned little-endian integer (RISC-V is little-endian) from a byte string."""
    return int.from_bytes(raw[off:off + size], "little")


def _read_bytes(addr, n):
    return bytes(gdb.selected_inferior().read_memory(addr, n))


def _all_procs():
    w = Walk(_addr(_static("all_procs", "proc.c")))
    return w.entries("struct proc", "p_link"), w.problems


def _idtable(t):
    """The live ids of a struct idtable as [(id, object address)] in index order, and the
    problems found. A live id is (is_gen << IDT_INDEX_BITS) | index for each index >= 1
    whose is_obj is set; the slot array is read in one go and never past 2^bits slots."""
    problems = []
    bits = _flag("IDT_", "INDEX_BITS") or 12
    limit = 1 << bits
    try:
        slots, size = _int(t["it_slots"]), int(t["it_size"])
        tmax, count = int(t["it_max"]), int(t["it_count"])
    except gdb.MemoryError as e:
        return [], ["cannot read the table (%s)" % e]
    cap = min(limit, tmax) if 0 < tmax <= limit else limit
    if size > cap:
        problems.append("it_size %d is above the limit %d (it_max %d); reading %d slots"
                        % (size, cap, tmax, cap))
        size = cap
    if slots == 0:
        if size:
            problems.append("it_slots is NULL but it_size is %d" % size)
        if count:
            problems.append("it_count is %d but there are no slots" % count)
        return [], problems
    ssz = _type("struct idslot").sizeof
    fo, fg = _field("struct idslot", "is_obj"), _field("struct idslot", "is_gen")
    oo, osz = fo.bitpos // 8, fo.type.sizeof
    go, gsz = fg.bitpos // 8, fg.type.sizeof
    try:
        raw = _read_bytes(slots, size * ssz)
    except gdb.MemoryError:
        return [], problems + ["cannot read %d slots at %#x" % (size, slots)]
    ids = []
    for i in range(size):
        obj = _le(raw, i * ssz + oo, osz)
        if not obj:
            continue
        if i == 0:
            problems.append("index 0 is in use (%#x); ids never use it" % obj)
            continue
        ids.append(((_le(raw, i * ssz + go, gsz) << bits) | i, obj))
    if len(ids) != count:
        problems.append("it_count is %d but %d slots are in use" % (count, len(ids)))
    return ids, problems


def _proc_coids(p):
    """The fd-space connections: non-NULL p_coids[0..p_ncoids) as [(coid, conn address)]."""
    base, n = _int(p["p_coids"]), int(p["p_ncoids"])
    problems = []
    if base == 0:
        if n:
            problems.append("p_coids is NULL but p_ncoids is %d" % n)
        return [], problems
    maxc = _flag("MAX_COIDS", "") or MAX_COID_SCAN
    if not (0 <= n <= maxc):
        problems.append("p_ncoids is %d (MAX_COIDS %d)" % (n, maxc))
        n = max(0, min(n, MAX_COID_SCAN))
    psz = _u64_t().sizeof
    try:
        raw = _read_bytes(base, n * psz)
    except gdb.MemoryError:
        return [], problems + ["cannot read p_coids[0..%d) at %#x" % (n, base)]
    out = []
    for i in range(n):
        cn = _le(raw, i * psz, psz)
        if cn:
            out.append((i, cn))
    return out, problems


def _lock_text(lock):
    """(text, held) for a struct spinlock: free/HELD, the (last) holder's cpu and hart
    (sl_holder_cpu is its globaldata) and where it took the lock. sl_holder_pc is
    __builtin_return_address(0) of the function that took it (spin_lock is inlined),
    i.e. a return address in that function's caller: "in a callee of CALLER+off"."""
    locked = int(lock["sl_locked"])
    pc, gd = _int(lock["sl_holder_pc"]), _int(lock["sl_holder_cpu"])
    who = ""
    if pc or gd:
        c = _cpu_of_gd(gd)
        if c is not None:
            g = _ptr(gd, "struct globaldata").dereference()
            hart = "cpu %d (hart %d)" % (int(g["gd_cpuid"]), int(g["gd_hartid"]))
        else:
            hart = "globaldata %#x?" % gd
        who = "%s in a callee of %s" % (hart, _symbolize(pc) if pc else "?")
    spins = int(lock["sl_spins"])
    extra = ", %d contended" % spins if spins else ""
    if locked:
        return "HELD by %s%s" % (who or "(no holder recorded)", extra), True
    return "free%s%s" % (" (last: %s)" % who if who else "", extra), False


class _Ipc(object):
    """One pass over the processes and their channels, shared by sk-proc and sk-chan:
    all_procs, all_threads, every p_chids, and (on demand, cached) each channel's queues."""

    def __init__(self):
        self.procs, self.proc_problems = _all_procs()
        self.proc_at = dict((_int(p), p) for p in self.procs)
        threads, self.thread_problems = _all_threads()
        self.threads = dict((_int(td), td) for td in threads)
        self.chans = []          # (proc, chid, struct channel *) in process, then id order
        self.chid_problems = {}  # proc address -> problems of its p_chids
        self.chan_at = {}        # channel address -> (proc, chid)
        for p in self.procs:
            try:
                ids, probs = _idtable(p["p_chids"])
            except gdb.MemoryError as e:
                ids, probs = [], ["cannot read process %#x (%s)" % (_int(p), e)]
            self.chid_problems[_int(p)] = probs
            for cid, obj in ids:
                self.chans.append((p, cid, _ptr(obj, "struct channel")))
                self.chan_at.setdefault(obj, (p, cid))
        self._queues = {}
        self._rcvids = {}
        self._waiting = None

    def pid_of(self, paddr):
        """'pid N' for a process on all_procs, else a note that it is not there (freed?)."""
        p = self.proc_at.get(paddr)
        if p is not None:
            return "pid %d" % int(p["p_pid"])
        return "proc %#x (not on all_procs: freed?)" % paddr if paddr else "no owner (NULL)"

    def queues(self, ch_addr):
        """[(field, Walk)] for ch_sendq, ch_recvq, ch_replyq of a channel."""
        if ch_addr not in self._queues:
            ch = _ptr(ch_addr, "struct channel")
            self._queues[ch_addr] = [(f, Walk(_int(ch[f].address), cap=MAX_QUEUE))
                                     for f, _ in _QUEUES]
        return self._queues[ch_addr]

    def rcvids(self, paddr):
        """{rcvid: channel address} of a listed process's p_rcvids (cached)."""
        if paddr not in self._rcvids:
            p = self.proc_at.get(paddr)
            self._rcvids[paddr] = (dict(_idtable(p["p_rcvids"])[0]) if p is not None else {})
        return self._rcvids[paddr]

    def waiting(self):
        """thread address -> (queue field, channel address, ipc_wait address) for every
        thread queued on a channel of a listed process (pulses have no thread)."""
        if self._waiting is None:
            self._waiting = {}
            for _, _, ch in self.chans:
                for f, w in self.queues(_int(ch)):
                    for iw in w.entries("struct ipc_wait", "iw_link"):
                        try:
                            if int(iw["iw_is_pulse"]):
                                continue
                            self._waiting.setdefault(_int(iw["iw_td"]), (f, _int(ch), _int(iw)))
                        except gdb.MemoryError:
                            pass
        return self._waiting

    def chan_name(self, ch_addr):
        """'pid P chid C' for a channel (with its state when it is not a plain live one)."""
        try:
            ch = _ptr(ch_addr, "struct channel")
            text = "%s chid %d" % (self.pid_of(_int(ch["ch_owner"])), int(ch["ch_chid"]))
            if int(ch["ch_dead"]):
                text += " [dead]"
            elif ch_addr not in self.chan_at:
                text += " [not in its owner's p_chids]"
            return text
        except gdb.MemoryError:
            return "channel %#x (unreadable)" % ch_addr

    def conn_text(self, cn_addr):
        try:
            cn = _ptr(cn_addr, "struct conn")
            return "conn %#x -> %s, scoid %d, users %d" % (
                cn_addr, self.chan_name(_int(cn["cn_chan"])), int(cn["cn_scoid"]),
                int(cn["cn_users"]))
        except gdb.MemoryError:
            return "conn %#x (unreadable)" % cn_addr

    def conn_chans(self):
        """Channels that some listed process is connected to (p_conns), in order."""
        out = []
        for p in self.procs:
            w = Walk(_int(p["p_conns"].address), cap=MAX_QUEUE)
            for cn in w.entries("struct conn", "cn_link"):
                try:
                    c = _int(cn["cn_chan"])
                except gdb.MemoryError:
                    continue
                if c and c not in out:
                    out.append(c)
        return out

    def report_chan(self, ch, owner=None, chid=None, indent=""):
        """Print one channel (a summary line, then each non-empty queue with its waiters)
        and check it. owner/chid: where it was found (its p_chids). Returns the number
        of WARNING lines printed."""
        ca = _int(ch)
        warns = []
        try:
            flags, cchid = int(ch["ch_flags"]), int(ch["ch_chid"])
            oaddr, dead, refs = _int(ch["ch_owner"]), int(ch["ch_dead"]), int(ch["ch_refs"])
            lock, held = _lock_text(ch["ch_lock"])
        except gdb.MemoryError as e:
            gdb.write("%schannel %#x: cannot read it (%s)\n" % (indent, ca, e))
            gdb.write("%s  WARNING: channel %#x is unreadable\n" % (indent, ca))
            return 1
        name = "%s chid %d" % (self.pid_of(oaddr), cchid)
        queues = self.queues(ca)
        gdb.write("%s%s  ch %#x  flags %s  refs %d%s  lock %s  send %d recv %d reply %d\n"
                  % (indent, name, ca, _decode("_NTO_CHF_", flags), refs,
                     "  DEAD" if dead else "", lock,
                     len(queues[0][1].nodes), len(queues[1][1].nodes), len(queues[2][1].nodes)))
        if owner is not None and oaddr != _int(owner):
            warns.append("ch_owner is %#x, but the channel is in pid %d's p_chids"
                         % (oaddr, int(owner["p_pid"])))
        if chid is not None and cchid != chid:
            warns.append("ch_chid is %d, but its p_chids id is %d" % (cchid, chid))
        if owner is None and ca not in self.chan_at and not dead:
            warns.append("not dead, yet in no process's p_chids")
        if owner is not None and dead:
            warns.append("ch_dead is set but the channel is still in its owner's p_chids")
        if refs < 1:
            warns.append("ch_refs is %d (every live channel holds at least one)" % refs)
        if held:
            warns.append("ch_lock is held (%s): normal while that hart is inside a message "
                         "call, a deadlock if it stays held" % lock[len("HELD by "):])
        states = dict((f.name, f.enumval) for f in _type("enum ipc_state").fields())
        rcv = None
        for f, w in queues:
            iws = w.entries("struct ipc_wait", "iw_link")
            want = dict(_QUEUES)[f]
            if iws:
                gdb.write("%s  %s: %d waiter%s\n" % (indent, f, len(iws),
                                                     "" if len(iws) == 1 else "s"))
            prev_pri = None
            for i, iw in enumerate(iws):
                try:
                    text, wmsgs, pri = self.waiter(iw, f, want, states, ca)
                except gdb.MemoryError as e:
                    text, wmsgs, pri = "ipc_wait %#x: unreadable (%s)" % (_int(iw), e), \
                        ["%s[%d]: unreadable ipc_wait %#x" % (f, i, _int(iw))], None
                gdb.write("%s    [%d] %s\n" % (indent, i, text))
                warns.extend("%s[%d]: %s" % (f, i, m) for m in wmsgs)
                if f == "ch_sendq" and pri is not None:
                    if prev_pri is not None and pri > prev_pri:
                        warns.append("%s[%d]: priority %d after %d: not in priority order"
                                     % (f, i, pri, prev_pri))
                    prev_pri = pri
                if f == "ch_replyq" and pri is not None and not int(iw["iw_is_pulse"]):
                    if rcv is None:
                        rcv = self.rcvids(oaddr)
                    rid = int(iw["iw_rcvid"])
                    if rcv.get(rid) != ca:
                        warns.append("%s[%d]: rcvid %d is %s in the owner's p_rcvids"
                                     % (f, i, rid, "missing" if rid not in rcv else
                                        "another channel (%#x)" % rcv[rid]))
            warns.extend("%s: %s" % (f, prob) for prob in w.problems)
        for m in warns:
            gdb.write("%s  WARNING: %s: %s\n" % (indent, name, m))
        return len(warns)

    def waiter(self, iw, f, want, states, ca):
        """(one-line description, problems, priority) of a queued struct ipc_wait *."""
        probs = []
        pri = int(iw["iw_pri"])
        if int(iw["iw_is_pulse"]):
            pu = iw["iw_pulse"]
            val = int(pu["value"]["sival_int"])
            if f != "ch_sendq":
                probs.append("a pulse on %s (pulses only wait on ch_sendq)" % f)
            return ("PULSE pri %d code %d value %d (%#x) scoid %d  iw %#x"
                    % (pri, int(pu["code"]), val, val & 0xffffffff, int(pu["scoid"]),
                       _int(iw)), probs, pri)
        st = iw["iw_state"]
        sname = str(st)
        tda = _int(iw["iw_td"])
        td = self.threads.get(tda)
        if td is not None:
            who = "%-22s" % _td_desc(td)
            tpri = " (td_pri %d)" % int(td["td_pri"]) if int(td["td_pri"]) != pri else ""
        else:
            who, tpri = "thread %#x" % tda, ""
            probs.append("iw_td %#x is %s" % (tda, "NULL" if tda == 0 else "not on all_threads"))
        if int(st) != states.get(want, -1):
            probs.append("%s is on %s but its iw_state is %s (expected %s)"
                         % (who.strip(), f, sname, want))
        if _int(iw["iw_chan"]) != ca:
            probs.append("iw_chan is %#x, not this channel" % _int(iw["iw_chan"]))
        if td is not None and f != "ch_recvq" and _int(td["td_ipc"]) != _int(iw):
            probs.append("%s's td_ipc is %#x, not this ipc_wait" % (who.strip(),
                                                                   _int(td["td_ipc"])))
        text = "%s %-11s pri %d%s" % (who, sname, pri, tpri)
        if f == "ch_recvq":
            text += "  rbuf %d" % int(iw["iw_slen"])   # a receiver's buffers are in iw_siov
        else:
            text += "  slen %d rlen %d  coid %s scoid %d" % (
                int(iw["iw_slen"]), int(iw["iw_rlen"]), _coid_text(int(iw["iw_coid"])),
                int(iw["iw_scoid"]))
        if f == "ch_replyq" or int(iw["iw_rcvid"]):
            text += "  rcvid %d" % int(iw["iw_rcvid"])
        return text + "  iw %#x" % _int(iw), probs, pri


def _coid_text(coid):
    side = _flag("_NTO_SIDE_", "CHANNEL")
    if side and coid & side and coid > 0:
        return "%#x (side %d)" % (coid, coid & ~side)
    return "%d" % coid


def _proc_from_arg(ipc, s):
    """A struct proc * from a pid, an address or an expression."""
    try:
        v = gdb.parse_and_eval(s)
    except gdb.error as e:
        raise gdb.GdbError("sk: bad pid or address '%s' (%s)" % (s, e))
    code = v.type.strip_typedefs().code
    if code == gdb.TYPE_CODE_PTR:
        return v.cast(_type("struct proc").pointer())
    if code == gdb.TYPE_CODE_STRUCT:
        return v.address.cast(_type("struct proc").pointer())
    n = int(v)
    if n < (1 << 24):
        match = [p for p in ipc.procs if int(p["p_pid"]) == n]
        if not match:
            raise gdb.GdbError("sk: no process with pid %d on all_procs" % n)
        live = [p for p in match if not int(p["p_dead"])]
        return (live or match)[0]
    return _ptr(n, "struct proc")



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


class SkProc(SkCommand):
    """List processes (address space, threads, exit state, channels, connections).

Usage: sk-proc            all processes on all_procs, one line each
       sk-proc PID|ADDR   one process in detail
The list shows pid, name, p_nthreads, p_dead, p_how/p_status (PEXIT_* decoded),
the address space (pm_root, satp, ASID, user pages mapped), and the counts of
live chids (p_chids.it_count), rcvids (p_rcvids.it_count), fd-space connections
in use (non-NULL p_coids[0..p_ncoids)) and side-channel connections
(p_side.it_count). The detail view adds the satp decoding, the process's threads
(with the channel queue each one is blocked on), each channel with its queues
(as sk-chan), each rcvid and the client behind it, each connection (coid -> owner
pid/chid, scoid, users) and the p_conns list, checking that the id tables, the
coid users counts and the satp agree (WARNING lines)."""
    NAME = "sk-proc"

    def run(self, argv):
        try:
            self.show(argv)
        except gdb.MemoryError as e:
            raise gdb.GdbError("sk-proc: cannot read kernel memory (%s): a bad address or a "
                               "corrupt pointer" % e)

    def show(self, argv):
        ipc = _Ipc()
        if argv:
            self.detail(ipc, _proc_from_arg(ipc, " ".join(argv)))
            return
        gdb.write("%-5s %-16s %-4s %-4s %-11s %-12s %-18s %-5s %-5s %-5s %-6s %-5s %-4s %s\n"
                  % ("pid", "name", "nthr", "dead", "how/status", "pm_root", "satp", "asid",
                     "pages", "chids", "rcvids", "coids", "side", "proc"))
        warns = []
        for p in ipc.procs:
            try:
                pm = p["p_pmap"]
                coids, _ = _proc_coids(p)
                row = (int(p["p_pid"]), _cstr(p["p_name"])[:16], int(p["p_nthreads"]),
                       "yes" if int(p["p_dead"]) else "no", self.how(p),
                       _hx(_int(pm["pm_root"])), _hx(int(pm["pm_satp"])),
                       int(pm["pm_asid"]), int(pm["pm_pages"]),
                       int(p["p_chids"]["it_count"]), int(p["p_rcvids"]["it_count"]),
                       len(coids), int(p["p_side"]["it_count"]), _int(p))
                gdb.write("%-5d %-16s %-4d %-4s %-11s %-12s %-18s %-5d %-5d %-5d %-6d %-5d %-4d "
                          "%#x\n" % row)
                warns.extend("pid %d: %s" % (int(p["p_pid"]), m) for m in self.satp_problems(pm))
            except gdb.MemoryError as e:
                warns.append("cannot read process %#x (%s)" % (_int(p), e))
        gdb.write("%d processes\n" % len(ipc.procs))
        for m in warns:
            gdb.write("  WARNING: %s\n" % m)
        _warn(ipc.proc_problems, "all_procs")

    @staticmethod
    def how(p):
        return "%s/%d" % (_flag_name("PEXIT_", int(p["p_how"])), int(p["p_status"]))

    @staticmethod
    def satp_problems(pm):
        """Sv39 satp: MODE in bits 63..60, ASID in 59..44, root PPN in 43..0."""
        satp, root, asid = int(pm["pm_satp"]), _int(pm["pm_root"]), int(pm["pm_asid"])
        probs = []
        if (satp >> 44) & 0xffff != asid:
            probs.append("satp's ASID is %d but pm_asid is %d" % ((satp >> 44) & 0xffff, asid))
        if (satp & ((1 << 44) - 1)) << 12 != root:
            probs.append("satp's root is %#x but pm_root is %#x"
                         % ((satp & ((1 << 44) - 1)) << 12, root))
        return probs

    def detail(self, ipc, p):
        pa = _int(p)
        pid = int(p["p_pid"])
        pm = p["p_pmap"]
        satp = int(pm["pm_satp"])
        warns = []
        gdb.write("pid %d %s at %#x%s\n" % (pid, _cstr(p["p_name"]), pa,
                                            "" if pa in ipc.proc_at else "  (NOT on all_procs)"))
        gdb.write("  address space: pm_root %#x, satp %#x (mode %d, ASID %d, root ppn %#x), "
                  "pm_asid %d, %d user pages, %d table pages\n"
                  % (_int(pm["pm_root"]), satp, satp >> 60, (satp >> 44) & 0xffff,
                     satp & ((1 << 44) - 1), int(pm["pm_asid"]), int(pm["pm_pages"]),
                     int(pm["pm_tables"])))
        warns.extend(self.satp_problems(pm))
        gdb.write("  entry %#x  arg %#x  p_nthreads %d  p_dead %s  how/status %s  exitmsg %#x\n"
                  % (int(p["p_entry"]), int(p["p_arg"]) & 0xffffffffffffffff,
                     int(p["p_nthreads"]), "yes" if int(p["p_dead"]) else "no", self.how(p),
                     _int(p["p_exitmsg"])))
        gdb.write("  p_lock %s\n" % _lock_text(p["p_lock"])[0])
        gdb.write("  p_nlive %d  p_next_tid %d  p_killed %s  stack slots busy %#x mapped %#x\n"
                  % (int(p["p_nlive"]), int(p["p_next_tid"]),
                     "yes" if int(p["p_killed"]) else "no",
                     int(p["p_stack_busy"]), int(p["p_stack_mapped"])))

        # Threads, and what each one waits for. p_threads holds those that have not
        # ended; all_threads also has ended ones not yet reaped.
        waiting = ipc.waiting()
        mine = [td for td in ipc.threads.values() if _int(td["td_proc"]) == pa]
        live = set()
        it, head, n = p["p_threads"]["next"], _int(p["p_threads"].address), 0
        off = _offsetof("struct thread", "td_plink")
        while _int(it) != head and n < 1024:
            live.add(_int(it) - off)
            it, n = it["next"], n + 1
        gdb.write("  threads: %d on all_threads, %d on p_threads\n" % (len(mine), len(live)))
        if len(live) != int(p["p_nlive"]):
            warns.append("p_threads has %d threads, p_nlive says %d" % (len(live), int(p["p_nlive"])))
        for td in mine:
            ta = _int(td)
            extra = ""
            if ta in waiting:
                f, ca, iwa = waiting[ta]
                extra = "  %s-blocked on %s" % (_BLOCKED_HOW[f], ipc.chan_name(ca))
            if ta not in live:
                extra += "  (ended, not yet reaped)"
            gdb.write("    tid %-3d %-24s cpu %-2d %-7s pri %d%s\n"
                      % (int(td["td_tid"]), _td_desc(td), _td_cpu(td), _td_state(td),
                         int(td["td_pri"]), extra))

        # Channels.
        chans = [(cid, ch) for (q, cid, ch) in ipc.chans if _int(q) == pa]
        t = p["p_chids"]
        gdb.write("  channels: %d (p_chids it_count %d, %d slots)\n"
                  % (len(chans), int(t["it_count"]), int(t["it_size"])))
        nwarn = 0
        for cid, ch in chans:
            nwarn += ipc.report_chan(ch, owner=p, chid=cid, indent="    ")
        warns.extend("p_chids: %s" % m for m in ipc.chid_problems.get(pa, []))

        # rcvids: REPLY-blocked clients of our channels. p_rcvids names the channel;
        # the client is the waiter on that channel's ch_replyq with that iw_rcvid.
        rids, probs = _idtable(p["p_rcvids"])
        warns.extend("p_rcvids: %s" % m for m in probs)
        gdb.write("  rcvids: %d (p_rcvids it_count %d)\n"
                  % (len(rids), int(p["p_rcvids"]["it_count"])))
        for rid, cha in rids:
            client = None
            for f, w in ipc.queues(cha):
                if f != "ch_replyq":
                    continue
                for iw in w.entries("struct ipc_wait", "iw_link"):
                    if int(iw["iw_rcvid"]) == rid:
                        client = iw
            if client is None:
                gdb.write("    rcvid %d -> %s, no client\n" % (rid, ipc.chan_name(cha)))
                warns.append("rcvid %d: no waiter on %s's ch_replyq has it"
                             % (rid, ipc.chan_name(cha)))
                continue
            tda = _int(client["iw_td"])
            td = ipc.threads.get(tda)
            gdb.write("    rcvid %d -> %s  REPLY-blocked on %s\n"
                      % (rid, _td_desc(td) if td is not None else "thread %#x" % tda,
                         ipc.chan_name(cha)))
            if td is None:
                warns.append("rcvid %d names %#x, which is not on all_threads" % (rid, tda))

        # Connections: fd-space coids, side-channel coids, and the p_conns list.
        coids, probs = _proc_coids(p)
        warns.extend(probs)
        side_all, probs = _idtable(p["p_side"])
        warns.extend("p_side: %s" % m for m in probs)
        sidebit = _flag("_NTO_SIDE_", "CHANNEL")
        # p_side holds our side-channel coids and, tagged with bit 0 (msg.c SCOID_TAG),
        # the scoids of our channels' clients: those are the clients' connections.
        side = [(sid, cn) for sid, cn in side_all if not cn & 1]
        scoids = [(sid, cn & ~1) for sid, cn in side_all if cn & 1]
        gdb.write("  connections: %d fd-space in use (p_ncoids %d), %d side-channel, "
                  "%d client scoid%s\n" % (len(coids), int(p["p_ncoids"]), len(side),
                                            len(scoids), "" if len(scoids) == 1 else "s"))
        for sid, cn in scoids:
            gdb.write("    scoid %-17s %s\n" % (_coid_text(sid | sidebit), ipc.conn_text(cn)))
        named = {}
        for coid, cn in coids + [(sid | sidebit, cn) for sid, cn in side]:
            gdb.write("    coid %-18s %s\n" % (_coid_text(coid), ipc.conn_text(cn)))
            named.setdefault(cn, []).append(coid)
        w = Walk(_int(p["p_conns"].address), cap=MAX_QUEUE)
        conns = w.entries("struct conn", "cn_link")
        gdb.write("  p_conns: %d connection%s\n" % (len(conns), "" if len(conns) == 1 else "s"))
        listed = set()
        for cn in conns:
            ca = _int(cn)
            listed.add(ca)
            users = named.get(ca, [])
            gdb.write("    %s  (named by coid%s %s)\n"
                      % (ipc.conn_text(ca), "" if len(users) == 1 else "s",
                         ", ".join(_coid_text(c) for c in users) or "none"))
            try:
                if int(cn["cn_users"]) != len(users):
                    warns.append("conn %#x: cn_users is %d but %d coids name it"
                                 % (ca, int(cn["cn_users"]), len(users)))
            except gdb.MemoryError:
                warns.append("conn %#x is unreadable" % ca)
        for ca, users in named.items():
            if ca not in listed:
                warns.append("conn %#x (coid %s) is not on p_conns" % (
                    ca, ", ".join(_coid_text(c) for c in users)))
        warns.extend("p_conns: %s" % m for m in w.problems)
        for m in warns:
            gdb.write("  WARNING: pid %d: %s\n" % (pid, m))
        if warns or nwarn:
            gdb.write("sk-proc: %d WARNING(s)\n" % (len(warns) + nwarn))


class SkChan(SkCommand):
    """Show QNX channels: flags, references, lock, and the send/receive/reply queues.

Usage: sk-chan            every channel of every process (p_chids), then channels
                          kept only by connections (destroyed, or owner gone)
       sk-chan ADDR       one struct channel * (an address or expression)
       sk-chan PID CHID   one channel by owner pid and chid
Each channel: owner pid, chid, address, _NTO_CHF_* flags, ch_refs, DEAD if
ch_dead, the lock (free/HELD, with the holder's cpu and hart from sl_holder_cpu
and sl_holder_pc symbolized; that is the return address of the function that
took the lock, so it reads "in a callee of CALLER") and the queue lengths;
then each waiter of ch_sendq, ch_recvq and ch_replyq (struct ipc_wait via
iw_link): thread id/name, iw_state, priority, message lengths, coid/scoid and
rcvid, or for a queued pulse its priority, code, value and scoid. WARNING lines
report a cyclic or corrupt queue, a held lock, a waiter whose iw_state disagrees
with its queue (or whose iw_chan, td_ipc or rcvid do not match), a send queue
out of priority order, ch_refs below 1, and owner/chid disagreements."""
    NAME = "sk-chan"

    def run(self, argv):
        try:
            self.show(argv)
        except gdb.MemoryError as e:
            raise gdb.GdbError("sk-chan: cannot read kernel memory (%s): a bad address or a "
                               "corrupt pointer" % e)

    def show(self, argv):
        ipc = _Ipc()
        _warn(ipc.proc_problems, "all_procs")
        if len(argv) == 2:
            p = _proc_from_arg(ipc, argv[0])
            chid = _num(argv[1])
            for q, cid, ch in ipc.chans:
                if _int(q) == _int(p) and cid == chid:
                    n = ipc.report_chan(ch, owner=q, chid=cid)
                    break
            else:
                raise gdb.GdbError("sk-chan: pid %d has no live chid %d (its chids: %s)"
                                   % (int(p["p_pid"]), chid, " ".join(
                                       str(c) for q, c, _ in ipc.chans if _int(q) == _int(p))
                                      or "none"))
        elif len(argv) == 1:
            v = _eval(argv[0])
            code = v.type.strip_typedefs().code
            if code == gdb.TYPE_CODE_STRUCT:
                ch = v.address.cast(_type("struct channel").pointer())
            elif code == gdb.TYPE_CODE_PTR:
                ch = v.cast(_type("struct channel").pointer())
            else:
                ch = _ptr(int(v), "struct channel")
            q, cid = ipc.chan_at.get(_int(ch), (None, None))
            n = ipc.report_chan(ch, owner=q, chid=cid)
        elif not argv:
            n = 0
            waiters = 0
            for q, cid, ch in ipc.chans:
                n += ipc.report_chan(ch, owner=q, chid=cid)
                waiters += sum(len(w.nodes) for _, w in ipc.queues(_int(ch)))
            extra = [c for c in ipc.conn_chans() if c not in ipc.chan_at]
            if extra:
                gdb.write("kept only by connections:\n")
            for c in extra:
                n += ipc.report_chan(_ptr(c, "struct channel"))
                waiters += sum(len(w.nodes) for _, w in ipc.queues(c))
            gdb.write("%d channel%s in %d process%s (%d more kept only by connections), "
                      "%d waiting\n" % (len(ipc.chans), "" if len(ipc.chans) == 1 else "s",
                                         len(ipc.procs), "" if len(ipc.procs) == 1 else "es",
                                         len(extra), waiters))
            for pa, probs in ipc.chid_problems.items():
                _warn(probs, "%s p_chids" % ipc.pid_of(pa))
                n += len(probs)
        else:
            raise gdb.GdbError("usage: sk-chan [ADDR | PID CHID]")
        if n:
            gdb.write("sk-chan: %d WARNING(s)\n" % n)


class SkIcount(SkCommand):
    """Count the instructions a path executes, by function, by single-stepping.

Usage: sk-icount [--lines] [STOP-PC] [MAX]
Steps the current hart one instruction at a time until its pc is STOP-PC with
the same satp it started with, or MAX steps (default 20000). STOP-PC 0 or none:
in the kernel (at trap_entry after an ecall) the user return point, sepc + 4; in
user mode the current pc (once around the program's loop). Prints the
total and a per-function histogram (user-mode pcs are grouped as "user"), or
with --lines a per-source-line one.
Example, the cost of one MsgSend round trip on one hart (boot with HARTS=1):
  break trap_entry if $a7 == 6
  continue
  sk-icount
The other harts do not run while this one steps; gdb stepping masks interrupts."""
    NAME = "sk-icount"

    @staticmethod
    def step(pc):
        """One instruction. gdb steps RISC-V in software (a breakpoint at the next
        pc it predicts), which loses the hart across sret and ecall: for those,
        stop with a hardware breakpoint where the hart really goes next."""
        raw = bytes(gdb.selected_inferior().read_memory(pc, 4))
        insn = int.from_bytes(raw, "little")
        if insn == 0x10200073:		# sret
            target = int(gdb.selected_frame().read_register("sepc"))
        elif insn == 0x00000073:	# ecall
            target = int(gdb.selected_frame().read_register("stvec")) & ~3
        else:
            gdb.execute("stepi", to_string=True)
            return
        gdb.execute("thbreak *%#x" % target, to_string=True)
        gdb.execute("continue", to_string=True)

    def run(self, argv):
        frame = gdb.selected_frame()
        satp0 = int(frame.read_register("satp"))
        self.by_line = "--lines" in argv
        argv = [a for a in argv if a != "--lines"]
        pc0 = int(frame.read_register("pc")) & ((1 << 64) - 1)
        stop = _num(argv[0]) if argv else 0
        if not stop and (pc0 < 0x80000000 or pc0 >= (1 << 38)):
            stop = pc0		# in user mode: once around the loop, back to here
        elif not stop:
            stop = (int(frame.read_register("sepc")) + 4) & ((1 << 64) - 1)
        limit = _num(argv[1]) if len(argv) > 1 else 20000
        counts, order, steps = {}, [], 0
        names = {}
        # Crossing sret and ecall needs a brief `continue` (see step), where a pending
        # timer or IPI would otherwise jump in: mask them (sie) while we count.
        sie = int(frame.read_register("sie"))
        gdb.execute("set $sie = 0", to_string=True)
        try:
            steps = self.count(stop, satp0, limit, counts, order, names)
        finally:
            gdb.execute("set $sie = %d" % sie, to_string=True)
        gdb.write("%d instructions%s\n" % (steps, "" if steps < limit else
                                           " (limit reached before the stop pc)"))
        for fn in sorted(order, key=lambda f: -counts[f]):
            gdb.write("%7d  %s\n" % (counts[fn], fn))

    def count(self, stop, satp0, limit, counts, order, names):
        steps = 0
        while steps < limit:
            frame = gdb.selected_frame()
            pc = int(frame.read_register("pc")) & ((1 << 64) - 1)
            if steps and pc == stop and int(frame.read_register("satp")) == satp0:
                break
            if pc not in names:
                if pc < 0x80000000 or pc >= (1 << 38):
                    names[pc] = "user"
                else:
                    sym = _msym(pc) or "??"
                    names[pc] = sym.split("+")[0]
                    if self.by_line:
                        sal = gdb.find_pc_line(pc)
                        if sal.symtab is not None:
                            names[pc] += " %s:%d" % (os.path.basename(sal.symtab.filename),
                                                     sal.line)
            fn = names[pc]
            if fn not in counts:
                counts[fn] = 0
                order.append(fn)
            counts[fn] += 1
            self.step(pc)
            steps += 1
        return steps


_COMMANDS = {}
for _cls in (SkHelp, SkState, SkPcpu, SkRunq, SkThread, SkIpiq, SkTrace, SkProc,
             SkChan, SkIcount):
    _cls()
    _COMMANDS[_cls.NAME] = _cls

gdb.write("skimmer.py: loaded %s (see `sk-help`)\n" % " ".join(sorted(_COMMANDS)))
