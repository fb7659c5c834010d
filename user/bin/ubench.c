/* ubench: instruction counts of kernel calls from user mode (run by test=bench under
 * qemu -icount shift=0, where rdcycle counts instructions). With no argument: the null
 * call. With (where << 62 | server pid << 32 | chid): MsgSend/Receive/Reply round trips
 * to ubsrv at 16 B, 4 KiB and 64 KiB, and pulse delivery; `where` 0 = the server is on
 * our hart, 1 = on another. With bit 61 set as well (ubsrv writing an FP register after
 * each receive, on our hart): the cost of one FPU hand-over between two processes.
 * Returns how many figures it printed. */
#include <sys/neutrino.h>
#include "qsys.h"
#include "qbench.h"

#define BATCHES 5
#define PER_BATCH 1000

static unsigned char msg[64 * 1024];

/* Median cost of one MsgSend of `len` bytes with a 16-byte reply. */
static unsigned long roundtrip(int coid, int len, int n)
{
	unsigned long batch[BATCHES];
	char reply[16];
	for (int w = 0; w < 20; w++)
		MsgSend(coid, msg, len, reply, sizeof reply);
	for (int b = 0; b < BATCHES; b++) {
		unsigned long t0 = cycles();
		for (int i = 0; i < n; i++)
			MsgSend(coid, msg, len, reply, sizeof reply);
		batch[b] = (cycles() - t0) / (unsigned long)n;
	}
	return median(batch, BATCHES);
}

static int messages(long arg)
{
	const char *where = (arg >> 62) & 1 ? "remote" : "local";
	int coid = ConnectAttach(0, (pid_t)((arg >> 32) & 0x3fffffff), (int)(arg & 0xffffffff), 0, 0);
	if (coid < 0)
		return 0;
	unsigned long rt16 = roundtrip(coid, 16, 200);
	qs_printf("bench msg_roundtrip_16_%s %lu insns\n", where, rt16);
	qs_printf("bench msg_roundtrip_4k_%s %lu insns\n", where, roundtrip(coid, 4096, 100));
	qs_printf("bench msg_roundtrip_64k_%s %lu insns\n", where, roundtrip(coid, 65536, 20));
	/* Pulses: N pulses then one message, which the server sees after them all. */
	unsigned long batch[BATCHES];
	char reply[16];
	for (int b = 0; b < BATCHES; b++) {
		unsigned long t0 = cycles();
		for (int i = 0; i < 100; i++)
			MsgSendPulse(coid, -1, 1, i);
		MsgSend(coid, msg, 16, reply, sizeof reply);
		unsigned long t = cycles() - t0;
		batch[b] = t > rt16 ? (t - rt16) / 100 : 0;
	}
	qs_printf("bench pulse_delivery_%s %lu insns\n", where, median(batch, BATCHES));
	*(unsigned *)msg = 0xdead;
	MsgSend(coid, msg, 16, reply, sizeof reply);
	return 4;
}

/* The server dirties an FP register on every message. While we use no FP it keeps the
 * FPU; once we write one too before every send, each round trip hands the FPU over
 * twice (trap, save of the dirty registers, load). Half the difference is one. */
static int fpu_handover(long arg)
{
	int coid = ConnectAttach(0, (pid_t)((arg >> 32) & 0x1fffffff), (int)(arg & 0xffffffff), 0, 0);
	if (coid < 0)
		return 0;
	unsigned long plain = roundtrip(coid, 16, 200);
	unsigned long batch[BATCHES];
	char reply[16];
	for (int b = 0; b < BATCHES; b++) {
		unsigned long t0 = cycles();
		for (int i = 0; i < 200; i++) {
			__asm__ __volatile__("fmv.d.x ft0, %0" :: "r"(i) : "ft0");
			MsgSend(coid, msg, 16, reply, sizeof reply);
		}
		batch[b] = (cycles() - t0) / 200;
	}
	unsigned long fp = median(batch, BATCHES);
	qs_printf("bench fpu_handover %lu insns\n", fp > plain ? (fp - plain) / 2 : 0);
	*(unsigned *)msg = 0xdead;
	MsgSend(coid, msg, 16, reply, sizeof reply);
	return 1;
}

int main(long arg)
{
	if ((arg >> 61) & 1)
		return fpu_handover(arg);
	if (arg)
		return messages(arg);
	unsigned long batch[BATCHES];
	for (int w = 0; w < 100; w++)
		KerNop_r();
	for (int b = 0; b < BATCHES; b++) {
		unsigned long t0 = cycles();
		for (int i = 0; i < PER_BATCH; i++)
			KerNop_r();
		batch[b] = (cycles() - t0) / PER_BATCH;
	}
	qs_printf("bench kcall_null %lu insns\n", median(batch, BATCHES));
	return 1;
}
