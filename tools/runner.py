#!/usr/bin/env python3
"""QSOE test runner: host unit tests, QEMU boot scenarios, stress boots and benchmarks.

Used by the Makefile (make test / stress / bench); Python 3.11 standard library only.

  runner.py suite  --qemu Q --image IMG --mem M --unit-dir DIR --scenarios FILE --timeout T
                   --log-dir L [--jobs 2]
  runner.py stress --qemu Q --image IMG --mem M --boots N --harts H --test NAME[,NAME]
                   --bootargs EXTRA --timeout T --log-dir L [--jobs 2]
  runner.py bench  --qemu Q --image IMG --mem M --harts H --timeout T --log-dir L

Each boot is `Q -machine virt -smp H -m M -nographic -bios default -kernel IMG -append ARGS`
(bench adds -icount shift=0). The kernel's console is QEMU's stdout, and this is the protocol
between the kernel (Skimmer) and this runner:

  test=NAME[,NAME...]            in the bootargs chooses the self-tests to run.
  NAME: ... PASS|FAIL            exactly one final line per self-test.
  check NAME: PASS|FAIL [...]    a finer-grained check; each one also counts as its own test.
  bench NAME VALUE UNIT          a benchmark result (make bench prints these as-is).
  PANIC...                       a kernel panic (registers, backtrace and trace rings follow);
                                 the kernel then shuts the machine down.
  skimmer: shutdown (ok)         the kernel is done (or "(failure)"); QEMU then exits by itself
                                 through SBI system reset, with status 0 after "(ok)".
  skimmer: unknown test 'X'; valid tests: a b c
                                 an unknown test= name; followed by a clean shutdown.

A boot that has not exited within the timeout is a HANG: the runner kills QEMU's whole process
group. A boot still running GRACE seconds after its PANIC or shutdown line is killed too (HANG).

Host unit tests (every executable in --unit-dir) print "PASS: prog:name" or
"FAIL: prog:name (why)" and exit with the number of failed tests. A crash (killed by a signal,
a sanitizer report, an exit status the FAIL lines do not explain, or no results at all) counts
as one more failed test named after the binary.

The scenario file format is described at the top of tests/run/scenarios.txt. A scenario
with console=FILE is interactive: QEMU's stdin is a pipe and FILE's steps (wait for the
prompt, type a line, expect a regex, send ^C, shutdown: see "Interactive console boots"
below) are played against the console. `stress --test NAME` plays tests/run/console/NAME.txt
that way when it exists (TEST=prompt: boot to the shell, run a command, shut down).
Exit status: 0 if everything passed, 1 if anything failed, 2 on bad usage, 130 if interrupted.
"""
import argparse, os, re, selectors, shlex, shutil, signal, subprocess, sys, threading, time
from concurrent.futures import ThreadPoolExecutor, as_completed
from dataclasses import dataclass, field

GRACE = 15  # seconds QEMU gets to exit after a PANIC or shutdown line
TAIL = 30   # console lines shown for a failure

RESULT_RE = re.compile(r'^([\w.-]+): (?:.* )?(PASS|FAIL)$')
CHECK_RE = re.compile(r'^check ([^:\s]+): (PASS|FAIL)(?: .*)?$')
BENCH_RE = re.compile(r'^bench \S+ \S+ \S+$')
SHUTDOWN_RE = re.compile(r'^skimmer: shutdown \((ok|failure)\)$')
UNKNOWN_RE = re.compile(r"^skimmer: unknown test '([^']*)'")
ENDING_RE = re.compile(rb'(?:^|\n)(?:PANIC|skimmer: shutdown)')
UNIT_RE = re.compile(r'^(PASS|FAIL): (\S+)(?: \((.*)\))?$')
SANITIZER_RE = re.compile(r'ERROR: \w+Sanitizer|runtime error:|^panic: ', re.M)

class Interrupted(Exception):  # raised once Ctrl-C / SIGTERM has killed every QEMU
    pass

def die(msg):
    print('runner: ' + msg, file=sys.stderr)
    sys.exit(2)

# --- Child processes: each in its own process group, all killed on Ctrl-C / SIGTERM ---------
_lock = threading.Lock()
_live = set()
_stopping = False

def spawn(cmd, **kw):
    with _lock:
        if _stopping:
            raise Interrupted()
        p = subprocess.Popen(cmd, start_new_session=True, **kw)
        _live.add(p)
    return p

def killpg(p):
    try:
        os.killpg(p.pid, signal.SIGKILL)
    except (ProcessLookupError, PermissionError):
        pass

def kill_all():
    global _stopping
    with _lock:
        _stopping = True
        for p in _live:
            killpg(p)

def on_signal(signum, frame):
    kill_all()
    raise KeyboardInterrupt

def say(*lines):
    for line in lines:
        print(line, flush=True)

def split_lines(data):
    text = data.decode('utf-8', 'replace')
    lines = [l.rstrip('\r') for l in text.split('\n')]
    return lines[:-1] if lines and lines[-1] == '' else lines

# --- One QEMU boot ----------------------------------------------------------------------------
@dataclass
class Boot:
    cmd: list
    lines: list
    rc: int | None
    elapsed: float
    hang: str = ''  # why the runner had to kill QEMU; '' if it exited by itself
    log: str = ''

    @property
    def panic(self):
        return next((l for l in self.lines if l.startswith('PANIC')), None)

    @property
    def shutdown(self):
        found = [m[1] for l in self.lines if (m := SHUTDOWN_RE.match(l))]
        return found[-1] if found else None

    @property
    def unknown(self):
        return next((l for l in self.lines if UNKNOWN_RE.match(l)), None)

    def fail_lines(self):
        return [l for l in self.lines
                if (m := RESULT_RE.match(l) or CHECK_RE.match(l)) and m[2] == 'FAIL']

    def exit_problem(self, want='ok'):
        """Why this boot did not end with a clean `skimmer: shutdown (want)`, or ''."""
        if self.hang:
            return 'HANG: ' + self.hang
        got = self.shutdown
        if got is None:
            return f'QEMU exited (status {self.rc}) without a shutdown line'
        if got != want:
            return f'shutdown ({got}), expected ({want})'
        if got == 'ok' and self.rc != 0:
            return f'QEMU exit status {self.rc} after shutdown (ok)'
        return ''

    def save(self, path):
        os.makedirs(os.path.dirname(path) or '.', exist_ok=True)
        with open(path, 'w', errors='replace') as f:
            f.write('# ' + shlex.join(self.cmd) + '\n')
            f.writelines(l + '\n' for l in self.lines)
        self.log = path

def qemu_cmd(a, harts, bootargs, mem=None, icount=False):
    cmd = shlex.split(a.qemu) + ['-machine', 'virt', '-smp', str(harts), '-m', mem or a.mem,
                                 '-nographic', '-bios', 'default', '-kernel', a.image]
    if icount:
        cmd += ['-icount', 'shift=0']
    if a.disk:  # the NVMe disk; snapshot=on: parallel boots share it, none changes it
        cmd += ['-drive', f'file={a.disk},if=none,id=nvm,format=raw,snapshot=on',
                '-device', 'nvme,serial=qsoe,drive=nvm']
    return cmd + ['-append', bootargs]

def run_boot(cmd, timeout):
    start = time.monotonic()
    deadline, late = start + timeout, f'no exit within {timeout:g}s'
    p = spawn(cmd, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    buf, hang, fd = bytearray(), '', p.stdout.fileno()
    try:
        with selectors.DefaultSelector() as sel:
            sel.register(fd, selectors.EVENT_READ)
            while (left := deadline - time.monotonic()) > 0:
                if not sel.select(left):
                    continue
                chunk = os.read(fd, 65536)
                if not chunk:
                    break  # EOF: QEMU is exiting
                old = len(buf)
                buf += chunk
                if deadline > time.monotonic() + GRACE and ENDING_RE.search(buf, max(0, old - 20)):
                    deadline = time.monotonic() + GRACE
                    late = f'QEMU still running {GRACE}s after PANIC/shutdown'
            else:
                hang = late
        if not hang:
            try:
                p.wait(timeout=GRACE)
            except subprocess.TimeoutExpired:
                hang = 'QEMU closed its output but did not exit'
    finally:
        if hang or p.poll() is None:
            killpg(p)
        p.wait()
        buf += p.stdout.read()
        p.stdout.close()
        with _lock:
            _live.discard(p)
    if _stopping:
        raise Interrupted()
    return Boot(cmd, split_lines(buf), p.returncode, time.monotonic() - start, hang)

# --- Interactive console boots: a script of steps typed into QEMU's stdin ----------------------
# A console script (tests/run/console/*.txt, named by a scenario's console=FILE) is one step a
# line, split with shlex; blank lines and lines starting with # are ignored:
#
#   prompt [timeout=S]          wait for the shell's prompt (at the end of the output so far)
#   set-prompt "REGEX"          what a prompt looks like (default: ^[#$] $)
#   type "TEXT" [cr=no]         type TEXT and Enter (a CR, as a terminal sends)
#   send "TEXT"                 send TEXT as is; Python escapes (\x03, \r) are decoded
#   ctrl X                      send ^X (ctrl C is the interrupt key)
#   expect "REGEX" [timeout=S]  wait until a line of the new output matches
#   absent "REGEX"              no line of what the previous waiting step read matches
#   sleep SECONDS
#   shutdown [timeout=S]        type `shutdown`, expect `skimmer: shutdown (ok)` and the exit
#   login USER PASSWORD [timeout=S]
#                               at the console's `login: ` prompt (timeout: for it to come),
#                               type USER, then PASSWORD at `Password: `
#
# Output is matched line by line from a cursor: each waiting step searches the lines after
# the previous match (the last, unfinished line too, which is where a prompt is) and moves
# the cursor past the line it matched (past the match, on an unfinished line). Escape
# sequences are removed first and a lone CR starts a new line, so a line editor's redraws
# read as lines of their own. A step's timeout defaults to STEP_TIMEOUT.
STEP_TIMEOUT = 30
PROMPT_SETTLE = 0.1  # seconds after a prompt before typing: the shell sets up its terminal
DEFAULT_PROMPT = r'^[#$] $'
CSI_RE = re.compile(r'\x1b(?:\[[0-?]*[ -/]*[@-~]|[@-Z\\-_])')
CSI_TAIL_RE = re.compile(r'\x1b(?:\[[0-?]*[ -/]*)?$')

@dataclass
class Step:
    op: str
    arg: str = ''
    timeout: float = STEP_TIMEOUT
    cr: bool = True
    where: str = ''

    def __str__(self):
        return f'{self.op} {self.arg!r}' if self.arg else self.op

def parse_console(path):
    steps = []
    with open(path) as f:
        for n, raw in enumerate(f, 1):
            line, where = raw.strip(), f'{path}:{n}'
            if not line or line.startswith('#'):
                continue
            try:
                tok = shlex.split(line, comments=True)
                op, args, opts = tok[0], [], {}
                for t in tok[1:]:
                    if m := re.fullmatch(r'(timeout|cr)=(.*)', t):
                        opts[m[1]] = m[2]
                    else:
                        args.append(t)
                s = Step(op, where=where)
                s.timeout = float(opts.get('timeout', STEP_TIMEOUT))
                s.cr = opts.get('cr', 'yes') != 'no'
                want = {'prompt': 0, 'shutdown': 0, 'set-prompt': 1, 'type': 1, 'send': 1,
                        'ctrl': 1, 'expect': 1, 'absent': 1, 'sleep': 1, 'login': 2}
                if op not in want:
                    raise ValueError(f'unknown step {op!r}')
                if len(args) != want[op]:
                    raise ValueError(f'{op} takes {want[op]} argument(s)')
                s.arg = args[0] if args else ''
                if op in ('set-prompt', 'expect', 'absent'):
                    re.compile(s.arg)
                elif op == 'send':
                    s.arg = s.arg.encode('latin-1').decode('unicode_escape')
                elif op == 'ctrl':
                    if not re.fullmatch(r'[@A-Za-z\[\\\]^_?]', s.arg):
                        raise ValueError(f'ctrl takes one key, not {s.arg!r}')
                elif op == 'sleep':
                    float(s.arg)
                if op == 'login':  # the steps a person takes at the login prompt
                    steps += [Step('expect', r'^login: $', s.timeout, where=where),
                              Step('type', args[0], where=where),
                              Step('expect', r'^Password: $', where=where),
                              Step('type', args[1], where=where)]
                    continue
            except (ValueError, IndexError, re.error) as e:
                die(f'{where}: bad console step: {e or "empty"}')
            steps.append(s)
    return steps

def console_text(buf):
    """The console output as matched: latin-1 (one char a byte, so positions never move),
    escape sequences removed, CR NL as NL."""
    text = CSI_TAIL_RE.sub('', CSI_RE.sub('', buf.decode('latin-1')))
    return text.replace('\r\n', '\n')

class Console:
    """One QEMU whose stdin we type into; its output is gathered by a thread."""

    def __init__(self, cmd):
        self.p = spawn(cmd, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                       stderr=subprocess.STDOUT)
        self.buf, self.cond, self.eof = bytearray(), threading.Condition(), False
        self.cursor, self.mark = 0, 0  # where the next search starts; where the last began
        self.reader = threading.Thread(target=self._read, daemon=True)
        self.reader.start()

    def _read(self):
        fd = self.p.stdout.fileno()
        while chunk := os.read(fd, 65536):
            with self.cond:
                self.buf += chunk
                self.cond.notify_all()
        with self.cond:
            self.eof = True
            self.cond.notify_all()

    def write(self, data):
        # -nographic puts QEMU's monitor on stdio behind ^A: a ^A for the guest is ^A ^A.
        data = data.replace('\x01', '\x01\x01')
        try:
            self.p.stdin.write(data.encode('latin-1'))
            self.p.stdin.flush()
            return True
        except (BrokenPipeError, OSError):
            return False

    def _search(self, rx):
        """Match rx against the lines from the cursor; move the cursor past the match."""
        text = console_text(self.buf)
        pos = self.cursor
        while pos <= len(text):
            nl = min((i for i in (text.find('\n', pos), text.find('\r', pos)) if i >= 0),
                     default=-1)
            end = nl if nl >= 0 else len(text)
            if m := rx.search(text[pos:end]):
                self.mark, self.cursor = self.cursor, (nl + 1 if nl >= 0 else pos + m.end())
                return True
            if nl < 0:
                return False
            pos = nl + 1
        return False

    def wait_for(self, rx, timeout):
        """Wait up to timeout seconds for a line matching rx; False on timeout or exit."""
        deadline = time.monotonic() + timeout
        with self.cond:
            while not self._search(rx):
                left = deadline - time.monotonic()
                if self.eof or left <= 0:
                    return False
                self.cond.wait(left)
            return True

    def last_span(self):
        text = console_text(self.buf)
        return text[self.mark:self.cursor].replace('\r', '\n').split('\n')

    def finish(self, timeout):
        """Wait for QEMU to exit (killing it after timeout); returns (rc, hang, bytes)."""
        hang = ''
        try:
            self.p.stdin.close()
        except OSError:
            pass
        try:
            self.p.wait(timeout=max(timeout, 0.1))
        except subprocess.TimeoutExpired:
            hang = f'QEMU still running {timeout:g}s after the script ended'
        finally:
            if hang or self.p.poll() is None:
                killpg(self.p)
            self.p.wait()
            self.reader.join(5)
            with _lock:
                _live.discard(self.p)
        return self.p.returncode, hang, bytes(self.buf)

def run_console(cmd, steps, timeout):
    """Boot and play the steps. Returns (Boot, failed step or '', transcript lines)."""
    start = time.monotonic()
    deadline = start + timeout
    c, failed, log = Console(cmd), '', []
    prompt = re.compile(DEFAULT_PROMPT)
    try:
        for i, s in enumerate(steps, 1):
            log.append(f'step {i}: {s}')
            left = deadline - time.monotonic()
            if left <= 0:
                failed = f'step {i} ({s.where}: {s}): scenario timeout {timeout:g}s'
                break
            tmo, ok = min(s.timeout, left), True
            if s.op == 'set-prompt':
                prompt = re.compile(s.arg)
            elif s.op == 'prompt':
                ok = c.wait_for(prompt, tmo)
                time.sleep(PROMPT_SETTLE)
            elif s.op == 'type':
                ok = c.write(s.arg + ('\r' if s.cr else ''))
            elif s.op == 'send':
                ok = c.write(s.arg)
            elif s.op == 'ctrl':
                ok = c.write(chr(ord(s.arg.upper()) & 0x1f if s.arg != '?' else 0x7f))
            elif s.op == 'expect':
                ok = c.wait_for(re.compile(s.arg), tmo)
            elif s.op == 'absent':
                rx = re.compile(s.arg)
                bad = [l for l in c.last_span() if rx.search(l)]
                ok = not bad
                if bad:
                    log.append(f'  found: {bad[0][:120]!r}')
            elif s.op == 'sleep':
                time.sleep(min(float(s.arg), left))
            elif s.op == 'shutdown':
                ok = c.write('shutdown\r') and c.wait_for(SHUTDOWN_LINE_RE, tmo)
            if not ok:
                why = 'timed out' if not c.eof else 'QEMU exited'
                failed = f'step {i} ({s.where}: {s}) failed' + ('' if s.op == 'absent' else
                                                               f': {why} after {tmo:g}s')
                break
    finally:
        rc, hang, out = c.finish(GRACE if not failed else 0)
        if _stopping:
            raise Interrupted()
    if failed and not hang:
        hang = ''  # the runner stopped it: the failed step says why
    b = Boot(c.p.args, split_lines(out), rc, time.monotonic() - start, hang)
    return b, failed, log

SHUTDOWN_LINE_RE = re.compile(r'^skimmer: shutdown \((?:ok|failure)\)$')

# --- Reporting --------------------------------------------------------------------------------
class Tally:
    def __init__(self):
        self.passed, self.failed = 0, []

    def report(self, name, ok, info='', boot=None, tail=None):
        if ok:
            self.passed += 1
        else:
            self.failed.append(name)
        say(f"{'PASS' if ok else 'FAIL'}  {name}" + (f'  ({info})' if info else ''))
        if not ok and boot is not None:
            say(f'      log: {boot.log}', f'      rerun: {shlex.join(boot.cmd)}')
            tail = boot.lines[-TAIL:]
        if not ok and tail is not None:
            say(*(f'      | {l}' for l in tail))

    def finish(self):
        if self.failed:
            say('failed: ' + ' '.join(self.failed))
        say(f'{self.passed} passed, {len(self.failed)} failed')
        return 1 if self.failed else 0

# --- suite: unit tests ------------------------------------------------------------------------
def run_units(a, tally):
    d = a.unit_dir
    if not os.path.isdir(d):
        say(f'note: no unit-test directory {d}')
        return
    progs = sorted(f for f in os.listdir(d)
                   if os.path.isfile(os.path.join(d, f)) and os.access(os.path.join(d, f), os.X_OK))
    for prog in progs:
        path, start, why = os.path.join(d, prog), time.monotonic(), ''
        try:
            r = subprocess.run([path], stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                               stderr=subprocess.STDOUT, timeout=a.timeout)
            out, rc = r.stdout, r.returncode
        except subprocess.TimeoutExpired as e:
            out, rc, why = e.stdout or b'', None, f'timed out after {a.timeout:g}s'
        lines, nfail, nres = split_lines(out), 0, 0
        log = os.path.join(a.log_dir, f'unit-{prog}.log')
        with open(log, 'w', errors='replace') as f:
            f.writelines(l + '\n' for l in lines)
        for line in lines:
            if m := UNIT_RE.match(line):
                nres += 1
                nfail += m[1] == 'FAIL'
                tally.report(m[2], m[1] == 'PASS', m[3] or '')
        if why:
            pass  # timed out
        elif rc < 0:
            why = f'killed by {signal.Signals(-rc).name}'
        elif SANITIZER_RE.search('\n'.join(lines)):
            why = f'sanitizer report (exit status {rc})'
        elif rc > nfail:
            why = f'exit status {rc} but only {nfail} FAIL lines'
        elif nres == 0:
            why = f'no PASS/FAIL lines (exit status {rc})'
        if why:  # show a sanitizer report from its start, not its shadow-memory dump
            at = next((i for i, l in enumerate(lines) if SANITIZER_RE.search(l)), len(lines))
            tally.report(prog, False, f'{why}, {time.monotonic() - start:.1f}s; log: {log}',
                         tail=lines[min(at, max(0, len(lines) - TAIL)):][:TAIL])

# --- suite: whole-program checks (e.g. the gdb helpers' self-test) -----------------------------
def run_scripts(a, tally):
    for script in a.script or []:
        start = time.monotonic()
        log = os.path.join(a.log_dir, 'script-' + os.path.basename(script) + '.log')
        try:
            r = subprocess.run(['bash', script], stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                               stderr=subprocess.STDOUT, timeout=a.timeout)
            lines, why = split_lines(r.stdout), (f'exit status {r.returncode}' if r.returncode else '')
        except subprocess.TimeoutExpired as e:
            lines, why = split_lines(e.stdout or b''), f'timed out after {a.timeout:g}s'
        with open(log, 'w', errors='replace') as f:
            f.writelines(l + '\n' for l in lines)
        took = f'{time.monotonic() - start:.1f}s'
        tally.report(script, not why, f'{why}, {took}; log: {log}' if why else took,
                     tail=lines[-TAIL:] if why else None)

# --- suite: boot scenarios --------------------------------------------------------------------
@dataclass
class Scenario:
    name: str
    harts: int
    bootargs: str
    expects: list = field(default_factory=list)
    timeout: float | None = None
    mem: str | None = None
    exit: str = 'ok'
    console: list | None = None  # the steps of an interactive boot (console=FILE)

def parse_scenarios(path):
    out = []
    with open(path) as f:
        for n, raw in enumerate(f, 1):
            line, where = raw.strip(), f'{path}:{n}'
            if not line or line.startswith('#'):
                continue
            try:
                tok = shlex.split(line)
                s = Scenario(tok[0], int(tok[1]), tok[2])
                rest = tok[3:]
                while rest and (m := re.fullmatch(r'(timeout|mem|exit|console)=(.*)', rest[0])):
                    rest.pop(0)
                    if m[1] == 'console':
                        s.console = parse_console(m[2])
                    elif m[1] == 'timeout':
                        s.timeout = float(m[2])
                    elif m[1] == 'mem':
                        s.mem = m[2]
                    elif m[2] in ('ok', 'failure'):
                        s.exit = m[2]
                    else:
                        raise ValueError(f'exit= must be ok or failure, not {m[2]!r}')
                s.expects = [re.compile(x) for x in rest]
            except (ValueError, IndexError, re.error) as e:
                die(f'{where}: bad scenario line: {e or "too few fields"}')
            if not re.fullmatch(r'[\w.+-]+', s.name) or s.name in (o.name for o in out):
                die(f'{where}: scenario name {s.name!r} is invalid or used twice')
            out.append(s)
    return out

def run_scenario(a, s):
    cmd, why = qemu_cmd(a, s.harts, s.bootargs, s.mem), []
    if s.console is None:
        b = run_boot(cmd, s.timeout or a.timeout)
        b.save(os.path.join(a.log_dir, s.name + '.log'))
    else:
        b, failed, steps = run_console(cmd, s.console, s.timeout or a.timeout)
        b.save(os.path.join(a.log_dir, s.name + '.log'))
        with open(b.log, 'a') as f:
            f.writelines(f'# {l}\n' for l in steps + ([f'FAILED: {failed}'] if failed else []))
        if failed:
            why.append(failed)
    def wanted(line, word):  # expected on purpose by an EXPECT that mentions `word`?
        return any(word in rx.pattern and rx.search(line) for rx in s.expects)
    if b.panic and not wanted(b.panic, 'PANIC'):
        why.append(b.panic[:120])
    why += [f'{l[:120]!r}' for l in b.fail_lines() if not wanted(l, 'FAIL')]
    if b.unknown and not wanted(b.unknown, 'unknown test'):
        why.append(b.unknown[:120])
    why += [f'no line matches "{rx.pattern}"' for rx in s.expects
            if not any(rx.search(l) for l in b.lines)]
    if (problem := b.exit_problem(s.exit)) and not (s.console and why):
        why.append(problem)  # (a failed console step already says why it stopped)
    checks, seen = [], {}
    for line in b.lines:
        if m := CHECK_RE.match(line):
            seen[m[1]] = seen.get(m[1], 0) + 1
            name = f'{s.name}/{m[1]}' + (f'#{seen[m[1]]}' if seen[m[1]] > 1 else '')
            checks.append((name, m[2] == 'PASS' or wanted(line, 'FAIL'), line))
    return b, why, checks

def cmd_suite(a):
    tally, scenarios = Tally(), parse_scenarios(a.scenarios)
    run_units(a, tally)
    run_scripts(a, tally)
    with ThreadPoolExecutor(a.jobs) as ex:
        futs = {ex.submit(run_scenario, a, s): s for s in scenarios}
        for fut in as_completed(futs):
            b, why, checks = fut.result()
            for name, ok, line in checks:
                tally.report(name, ok, '' if ok else line)
            tally.report(futs[fut].name, not why, '; '.join(why) or f'{b.elapsed:.1f}s', boot=b)
    return tally.finish()

# --- stress -----------------------------------------------------------------------------------
def classify(names, b):
    """One stress boot: ('pass' | 'PANIC' | 'FAIL' | 'HANG' | 'UNKNOWN' | 'NORESULT', detail);
    cmd_stress makes it 'STEP' when a console script's step failed."""
    if b.panic:
        return 'PANIC', b.panic
    if fails := b.fail_lines():
        return 'FAIL', fails[0]
    if b.hang:
        return 'HANG', b.hang
    if b.unknown:
        return 'UNKNOWN', b.unknown
    missing = [n for n in names
               if not any(re.match(rf'{re.escape(n)}: (?:.* )?PASS$', l) for l in b.lines)]
    if missing:
        return 'NORESULT', 'no PASS line from ' + ','.join(missing)
    if problem := b.exit_problem('ok'):
        return ('FAIL' if b.shutdown == 'failure' else 'NORESULT'), problem
    return 'pass', ''

def console_stress_boot(cmd, steps, timeout):
    """A stress boot that plays a console script: a Boot with the failed step (or '') in
    .step and the step transcript in .transcript."""
    b, failed, log = run_console(cmd, steps, timeout)
    b.step = failed
    b.transcript = log + ([f'FAILED: {failed}'] if failed else [])
    return b

def cmd_stress(a):
    names = [n for n in a.test.split(',') if n and n != 'none']  # test=none prints no result
    bootargs = ' '.join(x for x in ('test=' + a.test, a.bootargs.strip()) if x)
    # TEST=NAME with a console script tests/run/console/NAME.txt: boot to the shell (no
    # test=) and play the script each time, e.g. TEST=prompt.
    script = os.path.join(a.console_dir, a.test + '.txt')
    steps = parse_console(script) if ',' not in a.test and os.path.isfile(script) else None
    if steps is not None:
        names, bootargs = [], a.bootargs.strip()
    prefix = f'stress-{a.test}-boot'
    for old in os.listdir(a.log_dir):  # logs of an earlier run would be confusing
        if old.startswith(prefix) and old.endswith('.log'):
            os.remove(os.path.join(a.log_dir, old))
    start, done, npass, kinds = time.monotonic(), 0, 0, {}
    with ThreadPoolExecutor(a.jobs) as ex:
        futs = {(ex.submit(run_boot, qemu_cmd(a, a.harts, bootargs), a.timeout)
                 if steps is None else
                 ex.submit(console_stress_boot, qemu_cmd(a, a.harts, bootargs), steps,
                           a.timeout)): k
                for k in range(1, a.boots + 1)}
        for fut in as_completed(futs):
            if fut.cancelled():
                continue
            k, b = futs[fut], fut.result()
            done += 1
            kind, detail = classify(names, b)
            if getattr(b, 'step', '') and kind not in ('PANIC', 'FAIL'):
                kind, detail = 'STEP', b.step  # a console step failed: say which
            if kind == 'pass':
                npass += 1
                say(f'boot {k}/{a.boots}: pass ({b.elapsed:.1f}s)')
                continue
            kinds.setdefault(kind, []).append(k)
            b.save(os.path.join(a.log_dir, f'{prefix}{k}.log'))
            if steps is not None:
                with open(b.log, 'a') as f:
                    f.writelines(f'# {l}\n' for l in b.transcript)
            say(f'boot {k}/{a.boots}: {kind} ({b.elapsed:.1f}s) {detail[:120]}  [{b.log}]')
            if kind == 'UNKNOWN' and len(kinds[kind]) == 1:
                say(f'stress: the kernel does not know test {a.test!r}; stopping')
                for f in futs:
                    f.cancel()
    minutes = (time.monotonic() - start) / 60
    say(f'{a.test}: {npass}/{a.boots} boots passed')
    if kinds:
        say('failures: ' + ', '.join(f'{kind} x{len(ks)} (boot{"s"[:len(ks) > 1]} '
                                     f'{",".join(map(str, sorted(ks)))})'
                                     for kind, ks in sorted(kinds.items())))
        say(f'logs: {os.path.join(a.log_dir, prefix)}*.log')
    say(f'{done / max(minutes, 1e-6):.1f} boots/minute ({a.jobs} in parallel)')
    say(f'{npass} passed, {a.boots - npass} failed')
    return 0 if npass == a.boots else 1

# --- bench ------------------------------------------------------------------------------------
# Programs whose `bench NAME N UNIT` lines `make bench` collects, one run= boot each
# (a program, or a program and its arguments as run= takes them: "PROG,ARG").
RUN_BENCHES = ('tmbench', 'rmtest', 'pipebench', 'nvmetest,bench', 'ext2test,bench')

def cmd_bench(a):
    b = run_boot(qemu_cmd(a, a.harts, 'test=bench', icount=True), a.timeout)
    b.save(os.path.join(a.log_dir, 'bench.log'))
    benches = [l for l in b.lines if BENCH_RE.match(l)]
    say(*benches)
    why = [w for w in (b.panic, *b.fail_lines(), b.unknown, b.exit_problem('ok')) if w]
    progs = os.path.join(os.path.dirname(a.image), 'prog')
    # Then the figures of programs above the kernel, each a run= boot of its own:
    # spawn and wait (tmbench), open/read/close of a /proc/boot file (rmtest), pipes.
    for prog in RUN_BENCHES:
        if not os.path.isfile(os.path.join(progs, prog.split(',')[0])):
            continue
        r = run_boot(qemu_cmd(a, a.harts, f'run={prog}', icount=True), a.timeout)
        r.save(os.path.join(a.log_dir, f'bench-{prog.replace(",", "-")}.log'))
        found = [l for l in r.lines if BENCH_RE.match(l)]
        say(*found)
        benches += found
        rwhy = [w for w in (r.panic, *r.fail_lines(), r.exit_problem('ok')) if w]
        if not found:
            rwhy.append(f'run={prog}: no bench lines')
        if rwhy:
            why += rwhy
            b = r
    # Then a boot to the shell, whose script asks for figures only a running system has
    # (boot_to_prompt).
    script = os.path.join(a.console_dir, 'bench.txt')
    needs = ('devc-ser8250', 'qsh', 'ttytest')  # until all are built, there is no prompt
    if os.path.isfile(script) and all(os.path.isfile(os.path.join(progs, n)) for n in needs):
        nwhy = len(why)
        c, failed, log = run_console(qemu_cmd(a, a.harts, '', icount=True),
                                     parse_console(script), a.timeout)
        c.save(os.path.join(a.log_dir, 'bench-console.log'))
        with open(c.log, 'a') as f:
            f.writelines(f'# {l}\n' for l in log + ([f'FAILED: {failed}'] if failed else []))
        found = [l for l in c.lines if BENCH_RE.match(l)]
        say(*found)
        benches += found
        why += [w for w in (failed, c.panic, *c.fail_lines()) if w]
        if not failed and (problem := c.exit_problem('ok')):
            why.append(problem)
        if len(why) > nwhy:
            b = c  # show the console boot's log
    if not benches:
        why.append('no bench lines')
    if why:
        Tally().report('bench', False, '; '.join(w[:120] for w in why), boot=b)
        return 1
    say(f'bench: {len(benches)} results ({b.elapsed:.1f}s), log: {b.log}')
    return 0

def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    sub = ap.add_subparsers(dest='cmd', required=True)
    optional = {'--mem': dict(default='256M'), '--jobs': dict(type=int, default=2),
                '--timeout': dict(type=float, default=120), '--harts': dict(type=int, default=8),
                '--boots': dict(type=int, default=50), '--bootargs': dict(default='')}
    optional['--console-dir'] = dict(default='tests/run/console')
    for name, opts in (('suite', '--unit-dir --scenarios'), ('bench', '--harts --console-dir'),
                       ('stress', '--harts --boots --test --bootargs --console-dir')):
        p = sub.add_parser(name)
        for opt in ('--qemu --image --mem --timeout --log-dir --jobs ' + opts).split():
            p.add_argument(opt, **optional.get(opt, dict(required=True)))
    for p in sub.choices.values():
        p.add_argument('--disk', help='raw disk image for QEMU\'s NVMe device (copy-on-write)')
    sub.choices['suite'].add_argument('--script', action='append',
                                      help='a bash script that passes when it exits 0 (repeatable)')
    a = ap.parse_args(argv)
    a.jobs = max(1, a.jobs)
    if not shutil.which((shlex.split(a.qemu) or [''])[0]):
        die(f'QEMU command not found: {a.qemu!r}')
    if not os.path.isfile(a.image):
        die(f'no kernel image {a.image!r}')
    os.makedirs(a.log_dir, exist_ok=True)
    signal.signal(signal.SIGINT, on_signal)
    signal.signal(signal.SIGTERM, on_signal)
    try:
        return {'suite': cmd_suite, 'stress': cmd_stress, 'bench': cmd_bench}[a.cmd](a)
    except (KeyboardInterrupt, Interrupted):
        kill_all()
        print('\nrunner: interrupted; QEMU processes killed', file=sys.stderr, flush=True)
        return 130

if __name__ == '__main__':
    sys.exit(main())
