/*
 * User-mode storms.
 * ustorm: one server process and 16 client processes x 1000 MsgSend each, spread
 *   over the harts, while msgstorm runs in the kernel and kstress beside it.
 * chanstorm: 16 processes each creating 128 channels and destroying them in a
 *   shuffled order, chanstorm.rounds= times (1000 by default); the no-leaks check
 *   afterwards fails on a single leaked channel.
 */
#include <skimmer/thread2.h>
#include <skimmer/proc.h>
#include <skimmer/selftest.h>

#define NCLIENTS 16
#define ROUNDS 1000

/* Wait for each started process; count those that did not end normally with status 0. */
static int reap_all(struct proc **ps, struct lwkt_msg *xs, int n, long *status_sum)
{
	int bad = 0;
	for (int i = 0; i < n; i++) {
		if (ps[i] == NULL) {
			bad++;
			continue;
		}
		lwkt_waitmsg(&xs[i]);
		if (ps[i]->p_how != PEXIT_NORMAL)
			bad++;
		*status_sum += ps[i]->p_status;
		proc_free(ps[i]);
	}
	return bad;
}

bool ustorm_run(void)
{
	struct lwkt_msg xsrv, xc[NCLIENTS];
	struct proc *srv = NULL, *cli[NCLIENTS];
	long bad = 0;
	int cpu0 = ncpus > 1 ? 1 : 0;
	int chid = selftest_spawn_server("ustormsrv", cpu0, NCLIENTS * ROUNDS, &xsrv, &srv);
	for (int i = 0; i < NCLIENTS; i++) {
		cli[i] = NULL;
		if (chid > 0)
			selftest_spawn("ustormcli", (cpu0 + 1 + i) % ncpus,
				       ((long)srv->p_pid << 32) | ((long)chid << 8) | i, &xc[i], &cli[i]);
	}
	bool storm = msgstorm_run();	/* the kernel storm runs meanwhile */
	int dead = reap_all(cli, xc, NCLIENTS, &bad);
	long srv_status = 0;
	int srv_dead = srv ? reap_all(&srv, &xsrv, 1, &srv_status) : 1;
	long total = (long)NCLIENTS * ROUNDS;
	long good = dead ? 0 : total - bad;
	bool ok = chid > 0 && dead == 0 && srv_dead == 0 && srv_status == 0 && bad == 0;
	kprintf("ustorm: %ld/%ld round trips from %d client processes, %ld errors, %s\n", good,
		total, NCLIENTS, bad + dead, ok ? "PASS" : "FAIL");
	return ok && storm;
}

bool chanstorm_run(void)
{
	struct lwkt_msg x;
	struct proc *p = NULL;
	long rounds = bootarg_num("chanstorm.rounds", ROUNDS), fails = 0;
	long threads = bootarg_num("chanstorm.threads", NCLIENTS);
	if (threads < 1 || threads > 32 || rounds < 1 || rounds > 100000) {
		kprintf("chanstorm: chanstorm.threads must be 1..32 and chanstorm.rounds 1..100000, FAIL\n");
		return false;
	}
	selftest_spawn("uchanstorm", 0, (rounds << 16) | (threads << 8), &x, &p);
	int dead = reap_all(&p, &x, 1, &fails);
	bool ok = dead == 0 && fails == 0;
	kprintf("chanstorm: %ld channel create/destroy pairs in %ld threads of one process, "
		"%ld errors, %s\n", rounds * 128 * threads, threads, fails + dead, ok ? "PASS" : "FAIL");
	return ok;
}
