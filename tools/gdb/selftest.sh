#!/usr/bin/env bash
# Self-test of the gdb helpers: boot QSOE with test=msgstorm under the gdb stub,
# stop twice while threads exist, run every sk-* command (and sk-thread on every
# thread), then corrupt a run queue on purpose and check that sk-runq reports it
# instead of looping. Then boot test=user (with the boot image) and stop while the
# message-passing pair umsgsrv/umsgcli is in a call: run sk-proc (and sk-proc on
# every pid) and sk-chan (and sk-chan on every channel), then tamper with the
# server channel's reply queue and lock and check that sk-chan warns. Exits
# non-zero if any command errors out.
#
#   tools/gdb/selftest.sh             (from the repository root; builds the kernel)
#   HARTS=4 SK_NO_BUILD=1 tools/gdb/selftest.sh
set -u
cd "$(dirname "$0")/../.."

HARTS=${HARTS:-8}
MEM=${MEM:-256M}
QEMU=${QEMU:-qemu-system-riscv64}
PYTHON=${PYTHON:-/usr/bin/python3}
ELF=${ELF:-build/skimmer.elf}
IMG=${IMG:-build/skimmer.bin}
BOOTFS=${BOOTFS:-build/bootfs.img}
TIMEOUT=${TIMEOUT:-180}

if [ "${SK_NO_BUILD:-0}" != 1 ]; then
	${MAKE:-make} -s kernel >/dev/null || { echo "gdb selftest: FAIL (make kernel)"; exit 1; }
fi

work=$(mktemp -d)
trap '[ "${SK_KEEP:-0}" = 1 ] && echo "kept $work" || rm -rf "$work"' EXIT

cat >"$work/cmds.gdb" <<'EOF'
set width 0
# --- 1: the self-test harness collects results; servers and clients all exist
break selftest_collect
continue
delete
echo \n=== stop 1 ===\n
sk-help
help sk-state
help sk-pcpu
help sk-runq
help sk-thread
help sk-ipiq
help sk-trace
sk-state
sk-pcpu
sk-pcpu 0
sk-runq
sk-runq ncpus-1
sk-thread
sk-thread 1
sk-ipiq
sk-trace
sk-trace 4
sk-proc
sk-chan
# --- 2: a few hundred context switches later, inside the scheduler
break lwkt_switch
ignore 2 300
continue
delete
echo \n=== stop 2 ===\n
sk-state
sk-pcpu
sk-runq
sk-thread
sk-ipiq
sk-trace 16
python
import gdb
ids = []
for line in gdb.execute("sk-thread", to_string=True).splitlines():
    f = line.split()
    if len(f) > 1 and f[0].isdigit() and f[1] != "threads":   # skip the "N threads" summary
        ids.append(f[0])
for cpu in range(int(gdb.parse_and_eval("ncpus"))):
    gdb.execute("sk-pcpu %d" % cpu, to_string=True)
bts = 0
for i in ids:
    out = gdb.execute("sk-thread " + i, to_string=True)
    bts += ("#0" in out) or ("never run" in out)
print("sk-thread detail ok for %d threads, %d with a backtrace" % (len(ids), bts))
end
sk-thread 1
# --- 3: corrupt one run-queue level (a node's next points back at itself,
# and its bitmap bit is cleared); sk-runq must warn and terminate.
python
import gdb
n = int(gdb.parse_and_eval("ncpus"))
done = False
for cpu in range(n):
    rq = gdb.parse_and_eval("cpu_globals[%d].gd_runq" % cpu)
    levels = int(rq["rq_queue"].type.range()[1]) + 1
    for p in range(levels - 1, -1, -1):
        q = rq["rq_queue"][p]
        if int(q["next"]) != int(q.address):
            node = int(q["next"])
            gdb.execute("set var ((struct list *)%d)->next = (struct list *)%d" % (node, node))
            gdb.execute("set var cpu_globals[%d].gd_runq.rq_bitmap[%d] &= ~(1UL << %d)"
                        % (cpu, p // 64, p % 64))
            print("corrupted cpu %d level %d (node %#x)" % (cpu, p, node))
            gdb.execute("sk-runq %d" % cpu)
            done = True
            break
    if done:
        break
if not done:
    print("CORRUPTION-TEST-SKIPPED: no non-empty run queue")
end
echo \nSK-SELFTEST-DONE\n
EOF

# --- the second boot: test=user, stopped while the message-passing pair runs
cat >"$work/user.gdb" <<'EOF'
set width 0
echo \n=== user stop 0 (boot) ===\n
sk-proc
sk-chan
# uhello, ufault and ufuzz have ended (and were freed) when the harness starts the
# server of the message pair; the server's first MsgReply then finds the client
# REPLY-blocked on its channel.
break selftest_spawn_server
continue
delete
break kcall_msg_replyv
continue
delete
echo \n=== user stop 1 ===\n
help sk-proc
help sk-chan
sk-proc
sk-chan
python
import gdb, re
out = gdb.execute("sk-proc", to_string=True)
pids = [l.split()[0] for l in out.splitlines()
        if len(l.split()) > 1 and l.split()[0].isdigit() and l.split()[1] != "processes"]
for pid in pids:
    gdb.execute("sk-proc " + pid)
chans = re.findall(r"^pid (\d+) chid (\d+) +ch (0x[0-9a-f]+) ",
                   gdb.execute("sk-chan", to_string=True), re.M)
for pid, chid, addr in chans:
    gdb.execute("sk-chan %s %s" % (pid, chid), to_string=True)
    gdb.execute("sk-chan " + addr)
print("sk-proc detail ok for %d processes, sk-chan for %d channels" % (len(pids), len(chans)))
end
# --- tamper with the first channel that has a REPLY-blocked client, undoing each
# change after its check: a wrong iw_state, a "pulse" on the reply queue, a held
# lock, a cyclic queue. sk-chan must warn; sk-proc must still terminate.
python
import gdb, re
out = gdb.execute("sk-chan", to_string=True)
m = re.search(r"^pid (\d+) chid \d+ +ch (0x[0-9a-f]+) .* reply [1-9]", out, re.M)
if not m:
    print("CHAN-TAMPER-TEST-SKIPPED: no channel with a REPLY-blocked client")
else:
    pid, ca = m.group(1), m.group(2)
    ch = "((struct channel *)%s)" % ca
    node = int(gdb.parse_and_eval("(unsigned long)%s->ch_replyq.next" % ch))
    off = int(gdb.parse_and_eval("(unsigned long)&((struct ipc_wait *)0)->iw_link"))
    iw = "((struct ipc_wait *)%d)" % (node - off)
    def setv(lhs, val):
        gdb.execute("set var %s = %s" % (lhs, val))
    def get(expr):
        return int(gdb.parse_and_eval(expr))
    print("--- tamper: iw_state")
    saved = get(iw + "->iw_state")
    setv(iw + "->iw_state", "IPC_SEND")
    gdb.execute("sk-chan " + ca)
    setv(iw + "->iw_state", saved)
    print("--- tamper: pulse")
    saved = [(f, get(iw + f)) for f in ("->iw_is_pulse", "->iw_pulse.code",
                                          "->iw_pulse.value.sival_int")]
    setv(iw + "->iw_is_pulse", 1)
    setv(iw + "->iw_pulse.code", 5)
    setv(iw + "->iw_pulse.value.sival_int", 1234)
    gdb.execute("sk-chan " + ca)
    for f, v in saved:
        setv(iw + f, v)
    print("--- tamper: lock")
    setv(ch + "->ch_lock.sl_locked", 1)
    gdb.execute("sk-chan " + ca)
    setv(ch + "->ch_lock.sl_locked", 0)
    print("--- tamper: cyclic")
    nxt = get("(unsigned long)((struct list *)%d)->next" % node)
    setv("((struct list *)%d)->next" % node, "(struct list *)%d" % node)
    gdb.execute("sk-chan " + ca)
    gdb.execute("sk-proc " + pid)
    setv("((struct list *)%d)->next" % node, "(struct list *)%d" % nxt)
    print("--- tamper: undone")
    gdb.execute("sk-chan " + ca)
end
echo \nSK-USER-SELFTEST-DONE\n
EOF

out="$work/gdb.out"
timeout "$TIMEOUT" "$PYTHON" tools/gdb/launch.py \
	--qemu "$QEMU -machine virt -smp $HARTS -m $MEM -nographic -bios default -kernel $IMG" \
	--bootargs "test=msgstorm" --elf "$ELF" --batch-cmds "$work/cmds.gdb" \
	--log "$work/qemu.log" >"$out" 2>&1
rc=$?
uout="$work/gdb-user.out"
timeout "$TIMEOUT" "$PYTHON" tools/gdb/launch.py \
	--qemu "$QEMU -machine virt -smp $HARTS -m $MEM -nographic -bios default -kernel $IMG -initrd $BOOTFS" \
	--bootargs "test=user" --elf "$ELF" --batch-cmds "$work/user.gdb" \
	--log "$work/qemu-user.log" >"$uout" 2>&1
urc=$?

fail=0
check() {	# check DESCRIPTION COMMAND...
	if ! "${@:2}"; then
		echo "gdb selftest: $1"
		fail=1
	fi
}
check "gdb/launch exited with status $rc" test "$rc" -eq 0
absent() { ! grep -q "$@"; }
check "a Python exception in an sk-* command" absent "Python Exception" "$out"
check "a gdb error ('Error occurred')" absent "Error occurred" "$out"
check "the command file did not run to the end" grep -q "^SK-SELFTEST-DONE" "$out"
check "did not reach both stops" test "$(grep -c '^=== stop' "$out")" -eq 2
check "sk-state printed no per-hart table" grep -q "^ncpus $HARTS" "$out"
check "sk-thread found no threads" grep -Eq "^[0-9]+ threads$" "$out"
check "no switch-frame backtrace" grep -q "in lwkt_switch+" "$out"
check "sk-trace printed no events" grep -Eq "^[1-9][0-9]* events from $HARTS harts" "$out"
check "sk-thread detail pass did not finish" grep -q "^sk-thread detail ok for" "$out"
if grep -q "CORRUPTION-TEST-SKIPPED" "$out"; then
	echo "gdb selftest: note: run queues were all empty at stop 2; corruption check skipped"
else
	check "sk-runq did not report the cyclic level" grep -q "WARNING: .*CYCLIC" "$out"
	check "sk-runq did not report the bitmap mismatch" grep -q "WARNING: .*bitmap bit is 0" "$out"
fi
if sed '/^corrupted cpu/,$d' "$out" | grep -q "^ *WARNING:"; then
	echo "gdb selftest: note: warnings on the unmodified kernel (a hart may be stopped mid-update):"
	sed '/^corrupted cpu/,$d' "$out" | grep "^ *WARNING:"
fi

# --- test=user: processes and channels
ufail=0
ucheck() {	# ucheck DESCRIPTION COMMAND...
	if ! "${@:2}"; then
		echo "gdb selftest (test=user): $1"
		ufail=1
	fi
}
ucheck "gdb/launch exited with status $urc" test "$urc" -eq 0
ucheck "a Python exception in an sk-* command" absent "Python Exception" "$uout"
ucheck "a gdb error ('Error occurred')" absent "Error occurred" "$uout"
ucheck "the command file did not run to the end" grep -q "^SK-USER-SELFTEST-DONE" "$uout"
ucheck "did not reach both stops" test "$(grep -c '^=== user stop' "$uout")" -eq 2
ucheck "sk-proc before boot did not print '0 processes'" grep -q "^0 processes$" "$uout"
ucheck "sk-proc did not list umsgsrv" grep -Eq "^[0-9]+ +umsgsrv +1 +no " "$uout"
ucheck "sk-proc did not list umsgcli" grep -Eq "^[0-9]+ +umsgcli +1 +no " "$uout"
ucheck "sk-proc detail shows no address space" \
	grep -Eq "^  address space: pm_root 0x[0-9a-f]+, satp 0x[0-9a-f]+ \(mode 8, ASID" "$uout"
ucheck "sk-proc detail shows no connection" \
	grep -Eq "^    coid 0 +conn 0x[0-9a-f]+ -> pid [0-9]+ chid [0-9]+, scoid [0-9]+, users" "$uout"
ucheck "sk-proc detail shows no REPLY-blocked client" grep -q "REPLY-blocked on pid" "$uout"
ucheck "sk-chan printed no channel line" \
	grep -Eq "^pid [0-9]+ chid [0-9]+ +ch 0x[0-9a-f]+ +flags .* lock free" "$uout"
ucheck "sk-chan listed no REPLY-blocked waiter" \
	grep -Eq "^ +\[0\] td[0-9]+ umsgcli +IPC_REPLY +pri [0-9]+ .* rcvid [0-9]+" "$uout"
ucheck "sk-chan printed no summary" grep -Eq "^[1-9][0-9]* channels? in [0-9]+ process(es)? " "$uout"
ucheck "the sk-proc/sk-chan detail pass did not finish" grep -q "^sk-proc detail ok for [1-9]" "$uout"
if grep -q "CHAN-TAMPER-TEST-SKIPPED" "$uout"; then
	echo "gdb selftest: note: no REPLY-blocked client at the stop; sk-chan tamper checks skipped"
else
	tampered() { sed -n "/^--- tamper: $1/,/^--- tamper/p" "$uout"; }
	ucheck "sk-chan did not flag the wrong iw_state" \
		grep -q "WARNING: .*is on ch_replyq but its iw_state is IPC_SEND" <(tampered iw_state)
	ucheck "sk-chan did not show the pulse" \
		grep -Eq "PULSE pri [0-9]+ code 5 value 1234 " <(tampered pulse)
	ucheck "sk-chan did not flag the pulse on the reply queue" \
		grep -q "WARNING: .*a pulse on ch_replyq" <(tampered pulse)
	ucheck "sk-chan did not flag the held lock" \
		grep -q "WARNING: .*ch_lock is held" <(tampered lock)
	ucheck "sk-chan did not report the cyclic queue" \
		grep -q "WARNING: .*ch_replyq: .*CYCLIC" <(tampered cyclic)
	ucheck "sk-proc did not get through the cyclic queue" \
		grep -q "^  p_conns: " <(tampered cyclic)
	ucheck "warnings remain after the tampering was undone" \
		absent "WARNING" <(sed -n '/^--- tamper: undone/,$p' "$uout")
fi
if sed '/^--- tamper:/,$d' "$uout" | grep -q "^ *WARNING:"; then
	echo "gdb selftest: note: warnings on the unmodified kernel (test=user):"
	sed '/^--- tamper:/,$d' "$uout" | grep "^ *WARNING:"
fi

if [ "$fail" != 0 ]; then
	echo "---- gdb output (tail) ----"
	tail -n 60 "$out"
fi
if [ "$ufail" != 0 ]; then
	echo "---- gdb output, test=user (tail) ----"
	tail -n 60 "$uout"
fi
if [ "$fail" != 0 ] || [ "$ufail" != 0 ]; then
	echo "gdb selftest: FAIL"
	exit 1
fi
echo "gdb selftest: PASS ($(grep '^sk-thread detail ok' "$out"); $(grep '^sk-proc detail ok' "$uout"))"
exit 0
