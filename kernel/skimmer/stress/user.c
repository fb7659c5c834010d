/*
 * user: runs user programs from the boot image and checks how each one ends.
 * uhello makes kernel calls and prints its own check lines; ufault touches
 * unmapped memory and must be killed with a page fault, without a panic;
 * ufuzz makes 200000 (ufuzz.calls=) random kernel calls with hostile arguments;
 * umsgcli/umsgsrv are the message-passing conformance pair, and udeath checks the
 * pulses that process deaths cause. None of them uses FP, so none may have been
 * given an FPU (lazy FP: arch fpu.c).
 * Each runs on another hart than the harness where there is one. The address
 * spaces are freed afterwards, so the no-leaks check covers them.
 */
#include <skimmer/thread2.h>
#include <skimmer/proc.h>
#include <skimmer/bootfs.h>
#include <skimmer/selftest.h>
#include <skimmer/channel.h>
#include <skimmer/errno.h>

extern struct bootfs boot_fs;
extern bool have_bootfs;

int selftest_spawn_pri(const char *name, int cpu, int pri, long arg, struct lwkt_msg *exitmsg,
		       struct proc **out)
{
	struct bootfs_file f;
	if (!have_bootfs || bootfs_lookup(&boot_fs, name, &f) != 0)
		return ENOENT;
	lwkt_initmsg(exitmsg, NULL, 0);
	return proc_spawn(f.data, f.size, name, cpu, pri, arg, exitmsg, out);
}

int selftest_spawn(const char *name, int cpu, long arg, struct lwkt_msg *exitmsg,
		   struct proc **out)
{
	return selftest_spawn_pri(name, cpu, 100, arg, exitmsg, out);
}

int selftest_spawn_server_pri(const char *name, int cpu, int pri, long arg,
			      struct lwkt_msg *exitmsg, struct proc **out)
{
	if (selftest_spawn_pri(name, cpu, pri, arg, exitmsg, out))
		return 0;
	int chid = 0;
	for (int i = 0; i < 500 && chid == 0; i++) {
		lwkt_sleep(1);
		chid = msg_first_chid(*out);
	}
	return chid;
}

int selftest_spawn_server(const char *name, int cpu, long arg, struct lwkt_msg *exitmsg,
			  struct proc **out)
{
	return selftest_spawn_server_pri(name, cpu, 100, arg, exitmsg, out);
}

struct user_case {
	const char *name;
	long arg;		/* main's argument */
	int how;		/* expected PEXIT_* */
	long status;		/* expected exit status or scause */
};

static const struct user_case cases[] = {
	{ "uhello", 0, PEXIT_NORMAL, 0 },
	{ "ufault", 0, PEXIT_FAULT, 13 },	/* load page fault */
	{ "ufuzz", 0, PEXIT_NORMAL, 0 },
	{ "uthreads", 0, PEXIT_NORMAL, 0 },	/* conformance */
	{ "uthreads", 1, PEXIT_FAULT, 13 },	/* one thread's fault kills them all */
	{ "uthreads", 2, PEXIT_NORMAL, 7 },	/* ThreadDestroy(-1, .., 7) */
	{ "uthreads", 3, PEXIT_NORMAL, 5 },	/* the same while threads end */
};

static bool run_one(const struct user_case *c, int cpu)
{
	struct lwkt_msg exitmsg;
	struct proc *p;
	char check[48];

	if (c->arg)
		ksnprintf(check, sizeof check, "user-%s-%ld-ends-as-expected", c->name, c->arg);
	else
		ksnprintf(check, sizeof check, "user-%s-ends-as-expected", c->name);
	long arg = strcmp(c->name, "ufuzz") == 0 ? bootarg_num("ufuzz.calls", 0) : c->arg;
	int err = selftest_spawn(c->name, cpu, arg, &exitmsg, &p);
	if (err)
		return selftest_check(check, false, "(spawn failed: error %d)", err);
	lwkt_waitmsg(&exitmsg);
	bool ok = p->p_how == c->how && p->p_status == c->status;
	selftest_check(check, ok, "(pid %u ended how %d status %ld)", p->p_pid, p->p_how,
		       p->p_status);
	proc_free(p);
	return ok;
}

/* The message-passing pair: start the server, wait for its channel, then start the
 * client with (server pid << 32 | chid); both must exit 0. Server on cpu 0's
 * neighbour, client on the next hart, so messages cross harts when they can. */
static bool run_msg_pair(void)
{
	struct lwkt_msg xs, xc;
	struct proc *ps = NULL, *pc;
	int chid = selftest_spawn_server("umsgsrv", 1 % ncpus, 0, &xs, &ps);
	bool ok = chid > 0 &&
		  selftest_spawn("umsgcli", 2 % ncpus, ((long)ps->p_pid << 32) | chid, &xc, &pc) == 0;
	if (ok) {
		lwkt_waitmsg(&xc);
		ok = pc->p_how == PEXIT_NORMAL && pc->p_status == 0;
		proc_free(pc);
	}
	if (ps) {	/* spawned: wait for it even if it never made a channel */
		lwkt_waitmsg(&xs);
		ok = ok && ps->p_how == PEXIT_NORMAL && ps->p_status == 0;
		proc_free(ps);
	}
	return selftest_check("user-message-pair", ok, "(server chid %d)", chid);
}

/* udeath (see there): a server, two clients that exit while connected to it, one
 * after the other, then a checker under which the server exits. All must exit 0. */
static bool run_death(void)
{
	struct lwkt_msg xs, x;
	struct proc *ps = NULL, *p;
	int chid = selftest_spawn_server("udeath", 1 % ncpus, 0, &xs, &ps);
	bool ok = chid > 0;
	for (long role = 1; ok && role <= 3; role++) {	/* exiter, exiter, checker */
		long arg = (role == 3 ? 2L : 1L) << 60 | (long)ps->p_pid << 32 | chid;
		ok = selftest_spawn("udeath", (int)(role + 1) % ncpus, arg, &x, &p) == 0;
		if (ok) {
			lwkt_waitmsg(&x);
			ok = p->p_how == PEXIT_NORMAL && p->p_status == 0;
			proc_free(p);
		}
	}
	if (ps) {
		lwkt_waitmsg(&xs);
		ok = ok && ps->p_how == PEXIT_NORMAL && ps->p_status == 0;
		proc_free(ps);
	}
	return selftest_check("user-death-pulses", ok, "(server chid %d)", chid);
}

static uint64_t fpu_grants(void)
{
	uint64_t n = 0;
	for (int c = 0; c < ncpus; c++)
		n += __atomic_load_n(&globaldata_find(c)->gd_fpu_grants, __ATOMIC_RELAXED);
	return n;
}

bool user_run(void)
{
	int pass = 0, total = 0;
	uint64_t grants0 = fpu_grants();
	if (!have_bootfs) {
		kprintf("user: no boot image (QEMU -initrd), FAIL\n");
		return false;
	}
	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		total++;
		pass += run_one(&cases[i], (int)(i + 1) % ncpus);
	}
	total++;
	pass += run_msg_pair();
	total++;
	pass += run_death();
	uint64_t grants = fpu_grants() - grants0;
	bool nofp = selftest_check("user-no-fpu-grants", grants == 0, "(%lu)", (unsigned long)grants);
	kprintf("user: %d/%d programs ended as expected, %s\n", pass, total,
		pass == total && nofp ? "PASS" : "FAIL");
	return pass == total && nofp;
}
