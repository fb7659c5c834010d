/*
 * msgstorm: servers x clients x rounds synchronous lwkt_domsg round trips,
 * spread over every hart. Each reply is checked against what the client sent.
 * Counts can be changed at boot: msgstorm.servers= .clients= .rounds=.
 */
#include <skimmer/thread2.h>
#include <skimmer/kmem.h>
#include <skimmer/selftest.h>

#define STORM_REQ  1
#define STORM_QUIT 2

struct storm_msg {
	struct lwkt_msg sm_msg;
	uint64_t sm_value;
	uint64_t sm_result;
};

struct storm_client {
	struct thread *sc_server;
	struct lwkt_port *sc_report;	/* the harness's port */
	int sc_id;
	int sc_rounds;
	int sc_ok;
	int sc_errors;
};

static uint64_t storm_fn(uint64_t v)
{
	return v * 2654435761ULL + 12345;
}

static void storm_server(void *arg)
{
	struct lwkt_port *port = &curthread()->td_msgport;
	for (;;) {
		struct storm_msg *m = (struct storm_msg *)lwkt_waitport(port);
		if (m->sm_msg.ms_cmd == STORM_QUIT) {
			lwkt_replymsg(&m->sm_msg, 0);
			return;
		}
		m->sm_result = storm_fn(m->sm_value);
		lwkt_replymsg(&m->sm_msg, 0);
	}
}

static void storm_client(void *arg)
{
	struct storm_client *c = arg;
	struct storm_msg m;
	for (int r = 0; r < c->sc_rounds; r++) {
		lwkt_initmsg(&m.sm_msg, NULL, STORM_REQ);
		m.sm_value = ((uint64_t)c->sc_id << 32) | (uint64_t)r;
		m.sm_result = 0;
		int err = lwkt_domsg(&c->sc_server->td_msgport, &m.sm_msg);
		if (err == 0 && m.sm_result == storm_fn(m.sm_value))
			c->sc_ok++;
		else
			c->sc_errors++;
	}
	selftest_report(c->sc_report, c);
}

bool msgstorm_run(void)
{
	int nserv = (int)bootarg_num("msgstorm.servers", 8);
	int ncli = (int)bootarg_num("msgstorm.clients", 8);
	int rounds = (int)bootarg_num("msgstorm.rounds", 128);
	struct lwkt_port *me = &curthread()->td_msgport;
	long total = (long)nserv * ncli * rounds, ok = 0, errors = 0;

	if (nserv < 1 || ncli < 1 || rounds < 1 || nserv > 64 || ncli > 64) {
		kprintf("msgstorm: bad counts (servers %d, clients %d, rounds %d), FAIL\n", nserv,
			ncli, rounds);
		return false;
	}
	struct thread **servers = kmalloc(sizeof(*servers) * (size_t)nserv);
	struct storm_client *clients = kmalloc(sizeof(*clients) * (size_t)(nserv * ncli));
	if (servers == NULL || clients == NULL)
		panic("msgstorm: out of memory");

	for (int s = 0; s < nserv; s++) {
		servers[s] = lwkt_create(storm_server, NULL, 110, s % ncpus, "storm-serv");
		KASSERT(servers[s] != NULL, "no memory");
	}
	for (int s = 0; s < nserv; s++)
		for (int k = 0; k < ncli; k++) {
			struct storm_client *c = &clients[s * ncli + k];
			c->sc_server = servers[s];
			c->sc_report = me;
			c->sc_id = s * ncli + k;
			c->sc_rounds = rounds;
			/* Clients sit on other harts than their server where there are any,
			 * at a few priority levels, so wakeups cross harts and preempt. */
			KASSERT(lwkt_create(storm_client, c, 100 + k % 3, (s + k + 1) % ncpus,
					    "storm-cli") != NULL, "no memory");
		}
	for (int i = 0; i < nserv * ncli; i++) {
		struct storm_client *c = selftest_collect();
		ok += c->sc_ok;
		errors += c->sc_errors;
	}
	for (int s = 0; s < nserv; s++) {
		struct storm_msg quit;
		lwkt_initmsg(&quit.sm_msg, NULL, STORM_QUIT);
		lwkt_domsg(&servers[s]->td_msgport, &quit.sm_msg);
	}
	kfree(servers);
	kfree(clients);
	bool pass = ok == total && errors == 0;
	kprintf("msgstorm: %ld/%ld round trips, %ld errors, %s\n", ok, total, errors,
		pass ? "PASS" : "FAIL");
	return pass;
}
