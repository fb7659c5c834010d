/*
 * ufpu: checks that the kernel keeps each process's FP registers (lazy FP state). Run
 * by test=fpu, several at once on one hart and across harts. main's argument:
 *   role << 60 | count << 48 | seed << 32 | server pid << 16 | chid
 * Roles:
 *   SERVER      create a channel and serve `count` clients: fill all f registers and
 *               fcsr with a pattern around every MsgReceive and MsgReply and check
 *               them afterwards
 *   SERVER_NOFP the same service without touching FP
 *   CLIENT      `count` rounds of: pattern round a MsgSend to the server (the other
 *               side runs in between, on this hart or another), then exact double
 *               arithmetic whose values must survive plain MsgSends
 *   CLIENT_NOFP `count` plain MsgSends, no FP
 *   SPIN        `count` rounds of: pattern, a 25 ms integer spin (time slices hand the
 *               hart to others meanwhile), check; plus the arithmetic
 *   ILLEGAL     `.word 0` (illegal with or without the FPU): must be killed
 *   ILLEGAL_CSR use FP, then read sstatus (a supervisor CSR): must be killed
 * Exits with the number of failures; prints "ufpu: <role> <seed>: ... 0 failures".
 */
#include <stdint.h>
#include <stddef.h>
#include <sys/neutrino.h>
#include "kcall_nums.h"
#include "qsys.h"

enum { SERVER = 1, SERVER_NOFP, CLIENT, CLIENT_NOFP, SPIN, ILLEGAL, ILLEGAL_CSR };

enum { CMD_ROUND = 1, CMD_DONE };
#define SPIN_TIME 250000	/* 25 ms at QEMU virt's 10 MHz timebase: over a time slice */
struct req {
	uint32_t cmd, seed;
};

/* One call of fp_kcall: load in[] and fcsr_in, make kernel call nr (or, for nr < 0,
 * spin for a[0] timebase units in integer registers, long enough for the time slice
 * to end), store the registers to out[] and fcsr_out. */
struct fpcall {
	uint64_t in[32];	/* 0 */
	uint64_t out[32];	/* 256 */
	uint64_t fcsr_in;	/* 512 */
	uint64_t fcsr_out;	/* 520 */
	long a[6];		/* 528 */
	long nr;		/* 576 */
	long ret;		/* 584 */
};
_Static_assert(offsetof(struct fpcall, fcsr_in) == 512 && offsetof(struct fpcall, a) == 528 &&
	       offsetof(struct fpcall, nr) == 576 && offsetof(struct fpcall, ret) == 584,
	       "fp_kcall offsets");
void fp_kcall(struct fpcall *c);

/* The kernel restores every integer register but a0, so t6 keeps c across the ecall.
 * fs0-fs11 and the caller's fcsr are saved and restored as the ABI requires. */
__asm__(
	"	.text\n"
	"	.globl	fp_kcall\n"
	"	.type	fp_kcall, @function\n"
	"fp_kcall:\n"
	"	addi	sp, sp, -112\n"
	"	frcsr	t0\n"
	"	sd	t0, 0(sp)\n"
	"	fsd	f8, 8(sp)\n"
	"	fsd	f9, 16(sp)\n"
	"	fsd	f18, 24(sp)\n"
	"	fsd	f19, 32(sp)\n"
	"	fsd	f20, 40(sp)\n"
	"	fsd	f21, 48(sp)\n"
	"	fsd	f22, 56(sp)\n"
	"	fsd	f23, 64(sp)\n"
	"	fsd	f24, 72(sp)\n"
	"	fsd	f25, 80(sp)\n"
	"	fsd	f26, 88(sp)\n"
	"	fsd	f27, 96(sp)\n"
	"	mv	t6, a0\n"
	"	.irp	n, 0,1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17,18,19,20,21,22,23,24,25,26,27,28,29,30,31\n"
	"	fld	f\\n, (\\n * 8)(t6)\n"
	"	.endr\n"
	"	ld	t0, 512(t6)\n"
	"	fscsr	t0\n"
	"	ld	a0, 528(t6)\n"
	"	ld	a1, 536(t6)\n"
	"	ld	a2, 544(t6)\n"
	"	ld	a3, 552(t6)\n"
	"	ld	a4, 560(t6)\n"
	"	ld	a5, 568(t6)\n"
	"	ld	a7, 576(t6)\n"
	"	bltz	a7, 1f\n"
	"	ecall\n"
	"	j	2f\n"
	"1:	rdtime	t0\n"
	"	add	t0, t0, a0\n"
	"3:	rdtime	t1\n"
	"	bltu	t1, t0, 3b\n"
	"	li	a0, 0\n"
	"2:	sd	a0, 584(t6)\n"
	"	frcsr	t0\n"
	"	sd	t0, 520(t6)\n"
	"	.irp	n, 0,1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17,18,19,20,21,22,23,24,25,26,27,28,29,30,31\n"
	"	fsd	f\\n, (256 + \\n * 8)(t6)\n"
	"	.endr\n"
	"	fld	f8, 8(sp)\n"
	"	fld	f9, 16(sp)\n"
	"	fld	f18, 24(sp)\n"
	"	fld	f19, 32(sp)\n"
	"	fld	f20, 40(sp)\n"
	"	fld	f21, 48(sp)\n"
	"	fld	f22, 56(sp)\n"
	"	fld	f23, 64(sp)\n"
	"	fld	f24, 72(sp)\n"
	"	fld	f25, 80(sp)\n"
	"	fld	f26, 88(sp)\n"
	"	fld	f27, 96(sp)\n"
	"	ld	t0, 0(sp)\n"
	"	fscsr	t0\n"
	"	addi	sp, sp, 112\n"
	"	ret\n"
	"	.size	fp_kcall, . - fp_kcall\n");

static const char *const role_names[] = {
	[SERVER] = "server", [SERVER_NOFP] = "server-nofp", [CLIENT] = "client",
	[CLIENT_NOFP] = "client-nofp", [SPIN] = "spin", [ILLEGAL] = "illegal",
	[ILLEGAL_CSR] = "illegal-csr",
};

static int failures;
static unsigned seed;
static int role;

static void fail(const char *what, long i, uint64_t got, uint64_t want)
{
	if (failures++ < 4)
		qs_printf("ufpu: %s %u: FAIL %s %ld: got %lx, expected %lx\n", role_names[role], seed,
			  what, i, (unsigned long)got, (unsigned long)want);
}

static uint64_t mix(uint64_t x)		/* splitmix64's finaliser */
{
	x += 0x9e3779b97f4a7c15ULL;
	x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ULL;
	x = (x ^ (x >> 27)) * 0x94d049bb133111ebULL;
	return x ^ (x >> 31);
}

/* Fill c with this process's pattern for step n: 32 registers and fcsr (a valid
 * rounding mode 0..4 in frm, any accrued flags in fflags). */
static void pattern(struct fpcall *c, unsigned n)
{
	for (int i = 0; i < 32; i++)
		c->in[i] = mix((uint64_t)seed << 40 ^ (uint64_t)n << 8 ^ (uint64_t)i);
	c->fcsr_in = ((seed + n) % 5) << 5 | ((seed * 7 + n) & 0x1f);
}

static void check(const struct fpcall *c, const char *after)
{
	for (int i = 0; i < 32; i++)
		if (c->out[i] != c->in[i])
			fail(after, i, c->out[i], c->in[i]);
	if (c->fcsr_out != c->fcsr_in)
		fail(after, 32, c->fcsr_out, c->fcsr_in);	/* 32: fcsr */
}

/* A pattern round around kernel call nr(a0..a4); returns its result. */
static long fp_round(unsigned n, const char *what, long nr, long a0, long a1, long a2, long a3,
		     long a4)
{
	struct fpcall c;	/* no initialiser: that would call memset, which we lack */
	c.nr = nr;
	c.a[0] = a0, c.a[1] = a1, c.a[2] = a2, c.a[3] = a3, c.a[4] = a4, c.a[5] = 0;
	pattern(&c, n);
	fp_kcall(&c);
	check(&c, what);
	return c.ret;
}

static uint64_t fflags(void)
{
	uint64_t v;
	__asm__ __volatile__("frflags %0" : "=r"(v));
	return v;
}

static double fsqrt(double x)
{
	double r;
	__asm__("fsqrt.d %0, %1" : "=f"(r) : "f"(x));
	return r;
}

/*
 * Exact double arithmetic: every value is an integer or a multiple of 1/4 below 2^53,
 * so the results are the same in any rounding mode, raise no flag, and the integer
 * unit predicts them. The running values live in FP registers across `calls` plain
 * MsgSends to coid (none when coid < 0), which switch to the other side.
 */
static void arith(unsigned n, int coid, int calls)
{
	long k = (long)(seed % 1000) + (long)n + 1;
	double dk = (double)k, acc = 0.0, pw = 1.0;
	long iacc = 0, ipw = 1;
	struct req r = { CMD_ROUND, seed };
	uint32_t reply;

	for (int i = 1; i <= 64; i++) {
		acc += (double)i * dk * 0.25;
		iacc += i * k;
		if (i % 8 == 0) {
			pw = pw * 3.0 + dk;
			ipw = ipw * 3 + k;
			if (coid >= 0 && calls-- > 0 && MsgSend(coid, &r, sizeof r, &reply, sizeof reply) != 0)
				fail("plain MsgSend", n, 1, 0);
		}
	}
	if (acc * 4.0 != (double)iacc)
		fail("sum", n, (uint64_t)(acc * 4.0), (uint64_t)iacc);
	if (pw != (double)ipw)
		fail("powers", n, (uint64_t)pw, (uint64_t)ipw);
	if (fsqrt(dk * dk) != dk || (dk * 3.0) / 3.0 != dk)
		fail("sqrt/div", n, (uint64_t)fsqrt(dk * dk), (uint64_t)k);
	uint64_t fl = fflags();
	if (fl != 0)
		fail("fflags", n, fl, 0);
}

static int serve(int chid, int nclients, int use_fp)
{
	struct req r;
	uint32_t reply;
	unsigned n = 0;
	int done = 0;
	while (done < nclients) {
		long rcvid = use_fp ? fp_round(n++, "MsgReceive", __KER_MSG_RECEIVEV, chid, (long)&r,
					      -(long)sizeof r, 0, 0)
				    : (n++, MsgReceive(chid, &r, sizeof r, NULL));
		if (rcvid <= 0) {
			if (rcvid < 0)
				fail("MsgReceive", rcvid, 0, 0);
			continue;
		}
		reply = r.seed + 1;
		if (r.cmd == CMD_DONE)
			done++;
		long st = use_fp ? fp_round(n++, "MsgReply", __KER_MSG_REPLYV, rcvid, 0, (long)&reply,
					   -(long)sizeof reply, 0)
				 : (n++, MsgReply((int)rcvid, 0, &reply, sizeof reply));
		if (st != 0)
			fail("MsgReply", st, 0, 0);
	}
	if (use_fp)
		arith(n, -1, 0);
	qs_printf("ufpu: %s %u: %u calls, %d failures\n", role_names[role], seed, n, failures);
	return failures;
}

static int client(long pid, int chid, int rounds, int use_fp)
{
	int coid = ConnectAttach(0, (pid_t)pid, chid, 0, 0);
	if (coid < 0) {
		fail("ConnectAttach", coid, 0, 0);
		return failures;
	}
	struct req r = { CMD_ROUND, seed };
	uint32_t reply = 0;
	for (int n = 0; n < rounds; n++) {
		reply = 0;
		long st = use_fp ? fp_round((unsigned)n, "MsgSend", __KER_MSG_SENDV, coid, (long)&r,
					   -(long)sizeof r, (long)&reply, -(long)sizeof reply)
				 : MsgSend(coid, &r, sizeof r, &reply, sizeof reply);
		if (st != 0 || reply != seed + 1)
			fail("MsgSend", n, reply, seed + 1);
		if (use_fp)
			arith((unsigned)n, coid, 2);	/* two more round trips mid-arithmetic */
	}
	r.cmd = CMD_DONE;
	if (MsgSend(coid, &r, sizeof r, &reply, sizeof reply) != 0 || reply != seed + 1)
		fail("MsgSend done", 0, reply, seed + 1);
	qs_printf("ufpu: %s %u: %d rounds, %d failures\n", role_names[role], seed, rounds, failures);
	return failures;
}

static int spin(int rounds)
{
	for (int n = 0; n < rounds; n++) {
		fp_round((unsigned)n, "spin", -1, SPIN_TIME, 0, 0, 0, 0);
		arith((unsigned)n, -1, 0);
	}
	qs_printf("ufpu: %s %u: %d rounds, %d failures\n", role_names[role], seed, rounds, failures);
	return failures;
}

int main(long arg)
{
	role = (int)((arg >> 60) & 0xf);
	int count = (int)((arg >> 48) & 0xfff);
	seed = (unsigned)((arg >> 32) & 0xffff);
	long pid = (arg >> 16) & 0xffff;
	int chid = (int)(arg & 0xffff);

	switch (role) {
	case SERVER:
	case SERVER_NOFP: {
		int ch = ChannelCreate(0);
		if (ch < 0)
			return 1;
		return serve(ch, count, role == SERVER);
	}
	case CLIENT:
	case CLIENT_NOFP:
		return client(pid, chid, count, role == CLIENT);
	case SPIN:
		return spin(count);
	case ILLEGAL:
		qs_puts("ufpu: illegal: executing .word 0\n");
		__asm__ __volatile__(".word 0");
		break;
	case ILLEGAL_CSR: {
		double x = (double)seed;
		__asm__ __volatile__("fadd.d %0, %0, %0" : "+f"(x));
		qs_printf("ufpu: illegal-csr: FP works (%ld), now reading sstatus\n", (long)x);
		unsigned long s;
		__asm__ __volatile__("csrr %0, sstatus" : "=r"(s));
		qs_printf("ufpu: illegal-csr: read sstatus %lx\n", s);
		break;
	}
	default:
		qs_printf("ufpu: bad role %d\n", role);
		return 1;
	}
	qs_puts("ufpu: survived an illegal instruction, which is wrong\n");
	return 1;
}
