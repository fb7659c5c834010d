/*
 * fpu: lazy FP state for user threads (arch fpu.c), checked with ufpu processes (see
 * user/bin/ufpu.c): each fills all 32 f registers and fcsr with its own pattern,
 * lets the others run (message round trips, time slices), and checks them, on one
 * hart and across harts. The per-hart grant and save counters prove the lazy part:
 * threads that never use FP are never given the FPU, the one FP user of a hart
 * keeps it across switches (no save), and a truly illegal instruction is granted
 * the FPU at most once before its process is killed.
 */
#include <skimmer/thread2.h>
#include <skimmer/proc.h>
#include <skimmer/selftest.h>

/* ufpu's roles and argument layout (keep in step with user/bin/ufpu.c). */
enum { SERVER = 1, SERVER_NOFP, CLIENT, CLIENT_NOFP, SPIN, ILLEGAL, ILLEGAL_CSR };
#define UFPU_ARG(role, count, seed, pid, chid) \
	((long)(role) << 60 | (long)(count) << 48 | (long)(seed) << 32 | (long)(pid) << 16 | (chid))

#define ROUNDS      200		/* client rounds (about three round trips each) */
#define SPIN_ROUNDS 20
#define MAXMEMBERS  12

static unsigned next_seed = 1;

/* The per-hart uint64_t counter at offset off in struct globaldata, summed over cpu
 * (cpu < 0: all harts). Another hart's counter is read only once its writers are gone. */
static uint64_t hart_sum(size_t off, int cpu)
{
	uint64_t n = 0;
	for (int c = 0; c < ncpus; c++)
		if (cpu < 0 || c == cpu)
			n += __atomic_load_n((uint64_t *)((char *)globaldata_find(c) + off),
					     __ATOMIC_RELAXED);
	return n;
}

static uint64_t grants(int cpu)
{
	return hart_sum(offsetof(struct globaldata, gd_fpu_grants), cpu);
}

static uint64_t saves(int cpu)
{
	return hart_sum(offsetof(struct globaldata, gd_fpu_saves), cpu);
}

struct member {
	int role, cpu;
};

/* One server (srole on scpu) and n members (clients of it, or spinners), all running
 * at once; true if every one of them exited 0. Thread context; blocks until all end. */
static bool run_group(int srole, int scpu, const struct member *m, int n)
{
	struct lwkt_msg xs, x[MAXMEMBERS];
	struct proc *ps = NULL, *p[MAXMEMBERS];
	bool started[MAXMEMBERS] = { false };
	int nclients = 0;
	bool ok = true;

	KASSERT(n <= MAXMEMBERS, "too many ufpu members");
	for (int i = 0; i < n; i++)
		nclients += m[i].role == CLIENT || m[i].role == CLIENT_NOFP;
	int chid = selftest_spawn_server("ufpu", scpu, UFPU_ARG(srole, nclients, next_seed++, 0, 0),
					 &xs, &ps);
	if (chid <= 0 || chid > 0xffff || ps->p_pid > 0xffff)
		ok = false;
	for (int i = 0; i < n && ok; i++) {
		int count = m[i].role == SPIN ? SPIN_ROUNDS : ROUNDS;
		long arg = UFPU_ARG(m[i].role, count, next_seed++, ps->p_pid, chid);
		started[i] = selftest_spawn("ufpu", m[i].cpu, arg, &x[i], &p[i]) == 0;
		ok = started[i];
	}
	for (int i = 0; i < n; i++) {
		if (!started[i])
			continue;
		lwkt_waitmsg(&x[i]);
		ok = ok && p[i]->p_how == PEXIT_NORMAL && p[i]->p_status == 0;
		proc_free(p[i]);
	}
	if (ps) {
		/* A server whose clients did not all start waits for the missing ones
		 * forever; nothing here stops it, so the boot will not end cleanly. */
		lwkt_waitmsg(&xs);
		ok = ok && ps->p_how == PEXIT_NORMAL && ps->p_status == 0;
		proc_free(ps);
	}
	return ok;
}

/* Run a ufpu that must be killed by an illegal instruction (scause 2). */
static bool run_killed(int role, int cpu)
{
	struct lwkt_msg x;
	struct proc *p;
	if (selftest_spawn("ufpu", cpu, UFPU_ARG(role, 0, next_seed++, 0, 0), &x, &p) != 0)
		return false;
	lwkt_waitmsg(&x);
	bool ok = p->p_how == PEXIT_FAULT && p->p_status == 2;
	proc_free(p);
	return ok;
}

bool fpu_run(void)
{
	int h = ncpus > 1 ? 1 : 0;	/* the "one hart" of the one-hart checks */
	int pass = 0, total = 0;
	uint64_t g0 = grants(-1), s0 = saves(-1);

	/* Programs that never use FP: not one grant anywhere. */
	uint64_t g = grants(-1);
	struct member nofp[] = { { CLIENT_NOFP, h }, { CLIENT_NOFP, (h + 1) % ncpus } };
	bool ok = run_group(SERVER_NOFP, h, nofp, ARRAY_SIZE(nofp));
	total++;
	pass += selftest_check("fpu-nonfp-never-granted", ok && grants(-1) == g,
			       "(exits %s, grants %lu)", ok ? "ok" : "bad",
			       (unsigned long)(grants(-1) - g));

	/* One FP client and a non-FP server on one hart: hundreds of switches, but
	 * the client keeps the FPU throughout: one grant, no save. */
	g = grants(h);
	uint64_t s = saves(h);
	struct member keep[] = { { CLIENT, h } };
	ok = run_group(SERVER_NOFP, h, keep, ARRAY_SIZE(keep));
	total++;
	pass += selftest_check("fpu-owner-keeps-fpu", ok && grants(h) - g == 1 && saves(h) == s,
			       "(exits %s, grants %lu, saves %lu)", ok ? "ok" : "bad",
			       (unsigned long)(grants(h) - g), (unsigned long)(saves(h) - s));

	/* Six FP processes on one hart: the FPU changes hands (and is saved) at least
	 * once per client round; every register pattern must survive. */
	s = saves(h);
	struct member one[] = { { CLIENT, h }, { CLIENT, h }, { CLIENT, h }, { SPIN, h }, { SPIN, h } };
	ok = run_group(SERVER, h, one, ARRAY_SIZE(one));
	total++;
	pass += selftest_check("fpu-one-hart", ok && saves(h) - s >= ROUNDS,
			       "(exits %s, saves %lu)", ok ? "ok" : "bad",
			       (unsigned long)(saves(h) - s));

	/* Across harts: the server on one, clients and spinners spread over the rest. */
	struct member across[MAXMEMBERS];
	int n = 0;
	for (int i = 0; i < 6; i++)
		across[n++] = (struct member){ CLIENT, (2 + i) % ncpus };
	for (int i = 0; i < 3; i++)
		across[n++] = (struct member){ SPIN, (2 + i) % ncpus };
	ok = run_group(SERVER, 1 % ncpus, across, n);
	total++;
	pass += selftest_check("fpu-across-harts", ok, "(%d processes on %d harts)", n + 1,
			       MIN(ncpus, 7));

	/* Genuinely illegal instructions: killed, after at most one grant. */
	g = grants(h);
	ok = run_killed(ILLEGAL, h);
	total++;
	pass += selftest_check("fpu-illegal-killed", ok && grants(h) - g == 1,
			       "(.word 0: %s, grants %lu)", ok ? "killed" : "not killed",
			       (unsigned long)(grants(h) - g));
	g = grants(h);
	ok = run_killed(ILLEGAL_CSR, h);
	total++;
	pass += selftest_check("fpu-illegal-csr-killed", ok && grants(h) - g == 1,
			       "(csrr sstatus after FP: %s, grants %lu)", ok ? "killed" : "not killed",
			       (unsigned long)(grants(h) - g));

	kprintf("fpu: %d/%d checks, %lu FPU grants, %lu saves, %s\n", pass, total,
		(unsigned long)(grants(-1) - g0), (unsigned long)(saves(-1) - s0),
		pass == total ? "PASS" : "FAIL");
	return pass == total;
}
