/*
 * Cross-hart work queues. Ring [src][dst] carries requests from hart src to hart
 * dst; only src writes its entries and windex, only dst advances rindex, so a
 * ring needs no lock. After publishing, the sender raises a real IPI unless one
 * is already on its way (gd_ipiq_pending); the target clears that flag before
 * it drains, so an entry published during a drain is either seen by it or
 * followed by a fresh IPI.
 */
#include <skimmer/ipiq.h>
#include <skimmer/globaldata.h>
#include <skimmer/kmem.h>
#include <skimmer/kern.h>

void arch_send_ipi(struct globaldata *target);	/* arch/riscv/smp.c */

static struct ipiq *ipiq_rings;	/* ncpus x ncpus, [src * ncpus + dst] */

static inline struct ipiq *ipiq_ring(int src, int dst)
{
	return &ipiq_rings[src * ncpus + dst];
}

void ipiq_init(int n)
{
	size_t bytes = (size_t)n * n * sizeof(struct ipiq);
	unsigned order = 0;
	while ((PAGE_SIZE << order) < bytes)
		order++;
	ipiq_rings = page_alloc(order);
	if (ipiq_rings == NULL)
		panic("ipiq: no memory for %d x %d rings (%lu bytes)", n, n, (unsigned long)bytes);
}

void ipiq_send(struct globaldata *target, ipiq_func_t f, void *a, void *b)
{
	unsigned long s = local_irq_save();
	struct globaldata *gd = mycpu();
	struct ipiq *q = ipiq_ring(gd->gd_cpuid, target->gd_cpuid);

	KASSERT(target != gd, "ipiq_send to self");
	while (!ipiq_ring_put(q, f, a, b)) {
		/* Full: the target is busy. Keep our own inbound rings moving so two
		 * harts filling each other's rings cannot deadlock. */
		gd->gd_ipiq_full++;
		ipiq_process();
		cpu_relax();
	}
	trace(TR_IPIQ_SEND, target->gd_cpuid, ipiq_ring_count(q));
	if (__atomic_exchange_n(&target->gd_ipiq_pending, 1, __ATOMIC_SEQ_CST) == 0) {
		gd->gd_ipis_sent++;
		arch_send_ipi(target);
	}
	local_irq_restore(s);
}

int ipiq_process(void)
{
	struct globaldata *gd = mycpu();
	int me = gd->gd_cpuid, n = 0;

	__atomic_store_n(&gd->gd_ipiq_pending, 0, __ATOMIC_SEQ_CST);
	for (int src = 0; src < ncpus; src++)
		if (src != me)
			n += ipiq_ring_drain(ipiq_ring(src, me));
	if (n)
		trace(TR_IPIQ_RECV, n, 0);
	return n;
}
