/*
 * kstress: ping-pong between neighbouring harts (cpu i -> cpu i+1), with bursts
 * of asynchronous messages large enough to fill the IPIQ rings. It runs either
 * alone (test=kstress, kstress.rounds= per pair) or beside the other tests
 * until they finish.
 */
#include <skimmer/thread2.h>
#include <skimmer/kmem.h>
#include <skimmer/selftest.h>

#define KS_PING  1
#define KS_QUIT  2
#define KS_BURST 300		/* more than one IPIQ ring holds */
#define KS_BURST_EVERY 64
#define KS_MIN_ROUNDS KS_BURST_EVERY	/* even when stopped at once, do real work */

struct ks_msg {
	struct lwkt_msg km_msg;
	uint64_t km_value;
	uint64_t km_result;
};

struct ks_pair {
	struct thread *kp_pong;
	struct lwkt_port *kp_report;
	long kp_rounds;			/* < 0: until kstress_stop */
	long kp_done;
	long kp_async;
	long kp_errors;
	struct ks_msg kp_burst[KS_BURST];
};

static struct ks_pair *pairs;
static int npairs;
static volatile int ks_stop;

static void ks_pong(void *arg)
{
	struct lwkt_port *port = &curthread()->td_msgport;
	for (;;) {
		struct ks_msg *m = (struct ks_msg *)lwkt_waitport(port);
		if (m->km_msg.ms_cmd == KS_QUIT) {
			lwkt_replymsg(&m->km_msg, 0);
			return;
		}
		m->km_result = m->km_value + 1;
		lwkt_replymsg(&m->km_msg, 0);
	}
}

/* Send KS_BURST messages without waiting, then collect every reply from our port. */
static void ks_burst(struct ks_pair *p, uint64_t base)
{
	struct lwkt_port *me = &curthread()->td_msgport;
	for (int i = 0; i < KS_BURST; i++) {
		lwkt_initmsg(&p->kp_burst[i].km_msg, me, KS_PING);
		p->kp_burst[i].km_value = base + (uint64_t)i;
		lwkt_sendmsg(&p->kp_pong->td_msgport, &p->kp_burst[i].km_msg);
	}
	for (int i = 0; i < KS_BURST; i++) {
		struct ks_msg *m = (struct ks_msg *)lwkt_waitport(me);
		long idx = m - p->kp_burst;
		if (idx < 0 || idx >= KS_BURST || m->km_msg.ms_error != 0 ||
		    m->km_result != base + (uint64_t)idx + 1)
			p->kp_errors++;
		else
			p->kp_async++;
	}
}

static void ks_ping(void *arg)
{
	struct ks_pair *p = arg;
	struct ks_msg m;
	for (long r = 0; p->kp_rounds < 0 ? r < KS_MIN_ROUNDS || !ks_stop : r < p->kp_rounds;
	     r++) {
		lwkt_initmsg(&m.km_msg, NULL, KS_PING);
		m.km_value = (uint64_t)r * 7;
		if (lwkt_domsg(&p->kp_pong->td_msgport, &m.km_msg) == 0 &&
		    m.km_result == (uint64_t)r * 7 + 1)
			p->kp_done++;
		else
			p->kp_errors++;
		if (r % KS_BURST_EVERY == KS_BURST_EVERY - 1)
			ks_burst(p, (uint64_t)r << 16);
	}
	lwkt_initmsg(&m.km_msg, NULL, KS_QUIT);
	lwkt_domsg(&p->kp_pong->td_msgport, &m.km_msg);
	selftest_report(p->kp_report, p);
}

static void ks_start(long rounds)
{
	npairs = ncpus;
	ks_stop = 0;
	pairs = kmalloc(sizeof(*pairs) * (size_t)npairs);
	if (pairs == NULL)
		panic("kstress: out of memory");
	for (int i = 0; i < npairs; i++) {
		struct ks_pair *p = &pairs[i];
		p->kp_report = &curthread()->td_msgport;
		p->kp_rounds = rounds;
		p->kp_pong = lwkt_create(ks_pong, NULL, 90, (i + 1) % ncpus, "ks-pong");
		KASSERT(p->kp_pong != NULL, "no memory");
		KASSERT(lwkt_create(ks_ping, p, 90, i, "ks-ping") != NULL, "no memory");
	}
}

/* Collect every pair's final report on the caller's port and print the verdict. */
static bool ks_finish(void)
{
	long done = 0, async = 0, errors = 0;
	for (int i = 0; i < npairs; i++) {
		struct ks_pair *p = selftest_collect();
		done += p->kp_done;
		async += p->kp_async;
		errors += p->kp_errors;
	}
	kfree(pairs);
	bool pass = errors == 0 && done > 0;
	kprintf("kstress: %ld round trips and %ld async messages over %d pairs, %ld errors, %s\n",
		done, async, npairs, errors, pass ? "PASS" : "FAIL");
	return pass;
}

void kstress_background_start(void)
{
	ks_start(-1);
}

bool kstress_background_stop(void)
{
	ks_stop = 1;
	return ks_finish();
}

bool kstress_run(void)
{
	long rounds = bootarg_num("kstress.rounds", 2000);
	if (rounds < 1) {
		kprintf("kstress: bad kstress.rounds, FAIL\n");
		return false;
	}
	ks_start(rounds);
	return ks_finish();
}
