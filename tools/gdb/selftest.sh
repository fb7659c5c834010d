#!/usr/bin/env bash
# Self-test of the gdb helpers: boot QSOE with test=msgstorm under the gdb stub,
# stop twice while threads exist, run every sk-* command (and sk-thread on every
# thread), then corrupt a run queue on purpose and check that sk-runq reports it
# instead of looping. Exits non-zero if any command errors out.
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

out="$work/gdb.out"
timeout "$TIMEOUT" "$PYTHON" tools/gdb/launch.py \
	--qemu "$QEMU -machine virt -smp $HARTS -m $MEM -nographic -bios default -kernel $IMG" \
	--bootargs "test=msgstorm" --elf "$ELF" --batch-cmds "$work/cmds.gdb" \
	--log "$work/qemu.log" >"$out" 2>&1
rc=$?

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

if [ "$fail" != 0 ]; then
	echo "---- gdb output (tail) ----"
	tail -n 60 "$out"
	echo "gdb selftest: FAIL"
	exit 1
fi
echo "gdb selftest: PASS ($(grep '^sk-thread detail ok' "$out"))"
exit 0
