#!/usr/bin/env bash
# The disk both ways: files the host puts on a copy of build/disk.img (debugfs) are read
# inside QSOE identical, files QSOE writes there (through devb-nvme and fs-ext2) are read
# on the host identical (a 64 MiB file and two copies of it made at once, checksummed),
# four processes of random operations each match their model, and
# e2fsck -fn finds the filesystem clean afterwards. Run by `make test` (tools/runner.py suite --script); exits 0 on pass.
#
#   tests/run/disk-roundtrip.sh      (from the repository root, after make)
set -u
cd "$(dirname "$0")/../.."
QEMU=${QEMU:-qemu-system-riscv64}
HARTS=${HARTS:-2}
DEBUGFS=${DEBUGFS:-/usr/sbin/debugfs}
E2FSCK=${E2FSCK:-/usr/sbin/e2fsck}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
fail() { echo "disk-roundtrip: FAIL ($*)"; exit 1; }

cp --sparse=always build/disk.img "$work/disk.img" || fail "no build/disk.img"
part="$work/disk.img?offset=$((2048 * 512))"	# the root partition (tools/mkgpt.py)

# Host-made files: a text, 3 MB of varied bytes (indirect blocks), and the script to run.
printf 'made on the host\n' > "$work/host.txt"
head -c 3000000 /dev/urandom > "$work/big.bin"
head -c 4194304 /dev/urandom > "$work/four.bin"	# 16 of it: a 64 MiB file
cat > "$work/rt.sh" <<'EOF'
t=$(cat /root/host.txt)
if [ "$t" = "made on the host" ]; then echo "check disk-host-text: PASS"
else echo "check disk-host-text: FAIL ($t)"; fi
n=$(wc -c < /root/big.bin)
if [ $n -eq 3000000 ]; then echo "check disk-host-big-size: PASS"
else echo "check disk-host-big-size: FAIL ($n)"; fi
cp /root/big.bin /root/big.copy && cat /root/big.bin /root/host.txt > /root/joined
echo "written in QSOE" > /root/from-qsoe.txt
mkdir -p /root/dir/sub && for i in 1 2 3 4 5 6 7 8 9 10; do echo "line $i" >> /root/dir/sub/lines; done
echo gone > /root/dir/gone && rm /root/dir/gone && mv /root/dir/sub/lines /root/dir/lines
ln /root/from-qsoe.txt /root/hard
echo "user's file" > /home/user/mine.txt && chown 1000:1000 /home/user/mine.txt
# A 64 MiB file written (16 appends), then read back by two copies running at once (two
# writers); the host compares all three with what it expects.
for i in 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16; do cat /root/four.bin >> /root/big64; done
cp /root/big64 /root/big64.a & c1=$!
cp /root/big64 /root/big64.b & c2=$!
wait $c1 && wait $c2 && echo "check disk-64mib-two-copies: PASS" || echo "check disk-64mib-two-copies: FAIL"
# Four processes of random creates, writes, truncates, renames, unlinks, mkdirs and rmdirs
# at once, each checked against its model (ext2test's stresser mode).
/proc/boot/ext2test stresser /root/s1 11 & p1=$!
/proc/boot/ext2test stresser /root/s2 12 & p2=$!
/proc/boot/ext2test stresser /root/s3 13 & p3=$!
/proc/boot/ext2test stresser /root/s4 14 & p4=$!
ok=0
for p in $p1 $p2 $p3 $p4; do wait $p && ok=$ok+; done
if [ "$ok" = "0++++" ]; then echo "check disk-random-ops-4-processes: PASS"
else echo "check disk-random-ops-4-processes: FAIL ($ok)"; fi
sync
echo "rt: done"
EOF
for f in host.txt big.bin four.bin rt.sh; do
	"$DEBUGFS" -w -R "write $work/$f /root/$f" "$part" >/dev/null 2>&1 || fail "debugfs write $f"
done

log="$work/qemu.log"
timeout 180 $QEMU -machine virt -smp "$HARTS" -m 256M -nographic -bios default \
	-kernel build/skimmer.bin -initrd build/bootfs.img \
	-drive "file=$work/disk.img,if=none,id=nvm,format=raw" -device nvme,serial=qsoe,drive=nvm \
	-append "run=/bin/qsh,/root/rt.sh" </dev/null >"$log" 2>&1
mkdir -p build/logs && cp "$log" build/logs/disk-roundtrip.log
grep -q "^taskman: run /bin/qsh exited 0" "$log" || fail "the script did not end well: see build/logs/disk-roundtrip.log"
grep -q "check .*: FAIL" "$log" && fail "$(grep 'check .*: FAIL' "$log" | head -1)"
[ "$(grep -c 'check .*: PASS' "$log")" = 4 ] || fail "the checks inside did not all run"

# What QSOE wrote, as the host sees it.
dump() { "$DEBUGFS" -R "dump $1 $work/out" "$part" >/dev/null 2>&1 && cat "$work/out"; }
[ "$(dump /root/from-qsoe.txt)" = "written in QSOE" ] || fail "from-qsoe.txt"
dump /root/big.copy | cmp -s - "$work/big.bin" || fail "big.copy differs"
cat "$work/big.bin" "$work/host.txt" > "$work/joined"
dump /root/joined | cmp -s - "$work/joined" || fail "joined differs"
[ "$(dump /root/dir/lines | wc -l)" = 10 ] || fail "dir/lines"
for i in $(seq 16); do cat "$work/four.bin"; done > "$work/big64"
want=$(sha256sum < "$work/big64")
for f in big64 big64.a big64.b; do
	[ "$(dump /root/$f | sha256sum)" = "$want" ] || fail "/root/$f: checksum differs"
done
[ "$(dump /root/hard)" = "written in QSOE" ] || fail "hard link"
"$DEBUGFS" -R "stat /root/dir/gone" "$part" 2>&1 | grep -q "not found" || fail "dir/gone still there"
"$DEBUGFS" -R "stat /home/user/mine.txt" "$part" 2>/dev/null | grep -q "User:  1000" ||
	fail "mine.txt not owned by 1000"
"$E2FSCK" -fn "$part" >"$work/fsck" 2>&1 || { cat "$work/fsck"; fail "e2fsck -fn"; }
echo "disk-roundtrip: PASS (host files read in QSOE, QSOE's files read on the host, a 64 MiB file and two copies checksummed, 4 random-op processes, e2fsck clean)"
