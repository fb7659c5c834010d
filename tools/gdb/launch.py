#!/usr/bin/env python3
"""Boot QSOE halted under QEMU's gdb stub and attach gdb-multiarch (`make gdb`).

    launch.py --qemu "qemu-system-riscv64 -machine virt ..." --bootargs "test=msgstorm" \
              --elf build/skimmer.elf [--batch-cmds FILE] [--log FILE] [--gdb PROGRAM]

QEMU runs in the background (its own session, so Ctrl-C in gdb does not reach it)
with `-append BOOTARGS -gdb tcp:127.0.0.1:PORT -S` on a free port; gdb connects,
loads tools/gdb/skimmer.py and takes the terminal. QEMU is killed when gdb exits.
With --batch-cmds, gdb runs the commands in FILE in batch mode and exits
(the exit status is gdb's).
"""
import argparse
import os
import shlex
import signal
import socket
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))

BANNER = """\
------------------------------------------------------------------------------
QSOE is halted at the first instruction (QEMU pid {pid}, gdb stub on port {port}).
  continue (c)        boot / resume all harts          Ctrl-C   stop all harts
  info threads        one gdb thread per hart          thread N selects hart N-1
  sk-state  sk-pcpu [N]  sk-runq [N]  sk-thread [ID]  sk-ipiq  sk-trace [N]
  sk-proc [PID]  sk-chan [PID CHID]  (sk-help lists them all)
  sk-help / help sk-state ...                          quit     ends QEMU too
QEMU console output: {console}
------------------------------------------------------------------------------
"""


def free_port():
    """A TCP port nobody listens on right now (the kernel picks it; tiny race)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def stop(proc):
    if proc.poll() is not None:
        return
    proc.terminate()
    try:
        proc.wait(timeout=5)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--qemu", required=True, help="QEMU command line (split with shlex)")
    ap.add_argument("--bootargs", default="", help="kernel boot arguments (-append)")
    ap.add_argument("--elf", required=True, help="kernel ELF with debug info")
    ap.add_argument("--batch-cmds", metavar="FILE",
                    help="run gdb in batch mode on the commands in FILE, then exit")
    ap.add_argument("--log", metavar="FILE",
                    help="write QEMU's console to FILE (default: this terminal)")
    ap.add_argument("--gdb", default="gdb-multiarch", help="gdb program (default gdb-multiarch)")
    ap.add_argument("--port", type=int, default=0, help="gdb stub port (default: a free one)")
    args = ap.parse_args()

    if not os.path.exists(args.elf):
        sys.exit("launch.py: %s not found (make kernel)" % args.elf)
    port = args.port or free_port()
    qemu = shlex.split(args.qemu) + ["-append", args.bootargs,
                                     "-gdb", "tcp:127.0.0.1:%d" % port, "-S"]
    log = open(args.log, "wb") if args.log else None
    # stdin from /dev/null: QEMU must not put the terminal in raw mode or read
    # gdb's keystrokes; its own session keeps terminal Ctrl-C away from it.
    try:
        q = subprocess.Popen(qemu, stdin=subprocess.DEVNULL, stdout=log or None,
                             stderr=subprocess.STDOUT if log else None, start_new_session=True)
    except OSError as e:
        sys.exit("launch.py: cannot start %s: %s" % (qemu[0], e))
    rc = 1

    def bye(signum, frame):
        raise SystemExit(128 + signum)    # run the finally below: no orphaned QEMU
    signal.signal(signal.SIGTERM, bye)
    signal.signal(signal.SIGHUP, bye)
    try:
        time.sleep(0.3)
        if q.poll() is not None:
            sys.exit("launch.py: QEMU exited at once (status %d): %s"
                     % (q.returncode, " ".join(shlex.quote(a) for a in qemu)))
        gdb = [args.gdb, "-q"]
        if args.batch_cmds:
            gdb += ["-batch", "-nx"]
        gdb += [args.elf,
                "-ex", "set pagination off",
                "-ex", "set confirm off",
                "-ex", "set tcp connect-timeout 10",
                "-ex", "target remote 127.0.0.1:%d" % port,
                "-x", os.path.join(HERE, "skimmer.py")]
        if args.batch_cmds:
            gdb += ["-x", args.batch_cmds]
        else:
            console = args.log or "this terminal (mixed with gdb's)"
            sys.stdout.write(BANNER.format(pid=q.pid, port=port, console=console))
            sys.stdout.flush()
        # gdb owns the terminal now: Ctrl-C is for it, not for us.
        old = signal.signal(signal.SIGINT, signal.SIG_IGN)
        try:
            rc = subprocess.call(gdb, preexec_fn=lambda: signal.signal(signal.SIGINT,
                                                                    signal.SIG_DFL))
        finally:
            signal.signal(signal.SIGINT, old)
    except FileNotFoundError as e:
        sys.stderr.write("launch.py: %s\n" % e)
    finally:
        stop(q)
        if log:
            log.close()
    return rc


if __name__ == "__main__":
    sys.exit(main())
