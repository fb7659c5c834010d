/*
 * Kernel timers (the contract is in skimmer/ktimer.h) and the clocks.
 *
 * Each hart has a pending queue sorted by deadline (FIFO among equal deadlines) and an
 * expired list, both touched only on that hart with interrupts off: arming, cancelling,
 * the timer interrupt and the work item that runs callbacks all run there. The
 * interrupt handler only moves timers between the two lists and queues the work item:
 * it takes no lock at all, so it can never wait for a hart that is waiting for it.
 */
#include <skimmer/ktimer.h>
#include <skimmer/thread2.h>
#include <skimmer/wait.h>
#include <skimmer/ipiq.h>
#include <sys/neutrino.h>

struct ktq {
	struct list kq_pending;		/* armed, by deadline */
	struct list kq_expired;		/* due, in deadline order, for kq_work */
	struct hartwork kq_work;	/* runs the expired timers' callbacks */
	uint64_t kq_armed;		/* timers on either list */
};

static struct ktq ktqs[MAXCPU];
uint64_t timebase_hz = 10000000;

static struct ktq *ktq_here(void)
{
	return &ktqs[mycpu()->gd_cpuid];
}

uint64_t ticks_to_ns(uint64_t ticks)
{
	return (uint64_t)((unsigned __int128)ticks * 1000000000u / timebase_hz);
}

uint64_t ns_to_ticks(uint64_t ns)
{
	unsigned __int128 t = ((unsigned __int128)ns * timebase_hz + 999999999u) / 1000000000u;
	return t > UINT64_MAX / 2 ? UINT64_MAX / 2 : (uint64_t)t;	/* "never" stays addable */
}

void ktimer_init(struct ktimer *kt, void (*func)(struct ktimer *), int cpu)
{
	kt->kt_link.next = kt->kt_link.prev = NULL;
	kt->kt_deadline = 0;
	kt->kt_interval = 0;
	kt->kt_overruns = 0;
	kt->kt_state = KT_IDLE;
	kt->kt_cpu = cpu;
	kt->kt_func = func;
}

/* Put kt on list h (a pending queue or an expired list) in deadline order, after any
 * equal deadline. */
static void sorted_insert(struct list *h, struct ktimer *kt)
{
	struct list *it;
	for (it = h->prev; it != h; it = it->prev)	/* from the tail: usually the place */
		if (list_entry(it, struct ktimer, kt_link)->kt_deadline <= kt->kt_deadline)
			break;
	list_insert_before(it->next, &kt->kt_link);
}

static void pending_insert(struct ktq *q, struct ktimer *kt)
{
	sorted_insert(&q->kq_pending, kt);
	kt->kt_state = KT_PENDING;
}

/* Due now: on the expired list, still in deadline order with what is there already (a
 * timer armed late must not overtake an earlier deadline). */
static void expired_insert(struct ktq *q, struct ktimer *kt)
{
	sorted_insert(&q->kq_expired, kt);
	kt->kt_state = KT_EXPIRED;
}

void ktimer_arm(struct ktimer *kt, uint64_t deadline, uint64_t interval)
{
	KASSERT(!local_irq_enabled() && kt->kt_cpu == mycpu()->gd_cpuid, "ktimer_arm context");
	struct ktq *q = ktq_here();
	ktimer_cancel(kt);
	kt->kt_deadline = deadline;
	kt->kt_interval = interval;
	q->kq_armed++;
	if (deadline <= cpu_time()) {
		expired_insert(q, kt);
		hartwork_queue(&q->kq_work, kt->kt_cpu);
		return;
	}
	pending_insert(q, kt);
	if (q->kq_pending.next == &kt->kt_link)
		timer_program_earlier(deadline);	/* the new earliest */
}

bool ktimer_cancel(struct ktimer *kt)
{
	KASSERT(!local_irq_enabled() && kt->kt_cpu == mycpu()->gd_cpuid, "ktimer_cancel context");
	if (kt->kt_state == KT_IDLE)
		return false;
	/* A timer that goes from the head of the pending queue leaves the SBI timer set a
	 * little early: that interrupt finds nothing due and programs the next. */
	list_remove(&kt->kt_link);
	kt->kt_state = KT_IDLE;
	ktq_here()->kq_armed--;
	return true;
}

uint64_t ktimer_intr(uint64_t now)
{
	struct ktq *q = ktq_here();
	struct ktimer *kt;
	bool any = false;
	while ((kt = list_first_entry(&q->kq_pending, struct ktimer, kt_link)) != NULL &&
	       kt->kt_deadline <= now) {
		list_remove(&kt->kt_link);
		expired_insert(q, kt);
		any = true;
	}
	if (any)
		hartwork_queue(&q->kq_work, mycpu()->gd_cpuid);
	return kt ? kt->kt_deadline : UINT64_MAX;
}

/* A periodic timer that just expired goes back for its next period: deadline + interval,
 * skipping (and counting) the periods that have passed already. Interrupts off. */
static void reload(struct ktq *q, struct ktimer *kt)
{
	uint64_t now = cpu_time(), next = kt->kt_deadline + kt->kt_interval;
	if (next <= now) {
		uint64_t missed = (now - next) / kt->kt_interval + 1;
		kt->kt_overruns += (uint32_t)MIN(missed, (uint64_t)UINT32_MAX - kt->kt_overruns);
		next += missed * kt->kt_interval;
	}
	kt->kt_deadline = next;
	q->kq_armed++;
	pending_insert(q, kt);
	if (q->kq_pending.next == &kt->kt_link)
		timer_program_earlier(next);
}

/* The hart's work item: run the expired timers' callbacks in deadline order. Work
 * thread (thread context, no lock held). */
static void ktimer_work(struct hartwork *hw)
{
	struct ktq *q = container_of(hw, struct ktq, kq_work);
	for (;;) {
		unsigned long s = local_irq_save();
		struct ktimer *kt = list_first_entry(&q->kq_expired, struct ktimer, kt_link);
		if (kt == NULL) {
			local_irq_restore(s);
			return;
		}
		list_remove(&kt->kt_link);
		kt->kt_state = KT_IDLE;
		q->kq_armed--;
		if (kt->kt_interval)
			reload(q, kt);
		crit_enter();		/* no switch inside the callback, whatever it wakes */
		kt->kt_func(kt);
		KASSERT(!local_irq_enabled(), "a timer callback turned interrupts on");
		local_irq_restore(s);	/* let interrupts in between two callbacks */
		crit_exit();
	}
}

struct run_on_req {
	void (*fn)(void *);
	void *arg;
	int done;
};

static void run_on_remote(void *a, void *b)
{
	struct run_on_req *r = a;
	r->fn(r->arg);
	__atomic_store_n(&r->done, 1, __ATOMIC_RELEASE);	/* r may be gone from here */
}

void ktimer_run_on(int cpu, void (*fn)(void *), void *arg)
{
	KASSERT(local_irq_enabled(), "ktimer_run_on with interrupts off");
	/* Threads never change harts, so "here" cannot change under us. */
	if (cpu == mycpu()->gd_cpuid) {
		unsigned long s = local_irq_save();
		fn(arg);
		local_irq_restore(s);
		return;
	}
	struct run_on_req r = { fn, arg, 0 };
	ipiq_send(globaldata_find(cpu), run_on_remote, &r, NULL);
	/* Interrupts stay on while we wait, so IPIQ work aimed at us keeps moving and the
	 * target can never be stuck waiting on a ring towards us. */
	while (!__atomic_load_n(&r.done, __ATOMIC_ACQUIRE))
		cpu_relax();
}

uint64_t ktimer_pending_count(void)
{
	uint64_t n = 0;
	for (int c = 0; c < ncpus; c++)
		n += __atomic_load_n(&ktqs[c].kq_armed, __ATOMIC_RELAXED);
	return n;
}

void ktimer_dump(void)
{
	uint64_t now = cpu_time();
	for (int c = 0; c < ncpus; c++) {
		struct ktq *q = &ktqs[c];
		struct ktimer *p = list_first_entry(&q->kq_pending, struct ktimer, kt_link);
		kprintf("  ktimers cpu %d: %lu armed, first pending %ld ticks from now, %s expired, "
			"work %s, next tick in %ld\n", c, (unsigned long)q->kq_armed,
			p ? (long)(p->kt_deadline - now) : 0L,
			list_empty(&q->kq_expired) ? "none" : "some",
			q->kq_work.hw_queued ? "queued" : "idle",
			(long)(globaldata_find(c)->gd_next_tick - now));
	}
}

void ktimer_boot(uint64_t hz)
{
	if (hz)
		timebase_hz = hz;
	for (int c = 0; c < MAXCPU; c++) {
		list_init(&ktqs[c].kq_pending);
		list_init(&ktqs[c].kq_expired);
		hartwork_init(&ktqs[c].kq_work, ktimer_work);
	}
}

/* --- Clocks ----------------------------------------------------------------------------------
 * CLOCK_MONOTONIC is the timebase since it started (rdtime 0, at reset), in ns; it cannot
 * be set. CLOCK_REALTIME is monotonic + an offset, which ClockTime sets and the RTC gives
 * at boot. */

static int64_t realtime_offset;		/* ns; atomic */

bool clock_valid(int id)
{
	return id == CLOCK_REALTIME || id == CLOCK_MONOTONIC;
}

uint64_t clock_monotonic_ns(void)
{
	return ticks_to_ns(cpu_time());
}

uint64_t clock_now_ns(int id)
{
	uint64_t mono = clock_monotonic_ns();
	if (id == CLOCK_REALTIME)
		return mono + (uint64_t)__atomic_load_n(&realtime_offset, __ATOMIC_RELAXED);
	return mono;
}

int64_t clock_realtime_offset(void)
{
	return __atomic_load_n(&realtime_offset, __ATOMIC_RELAXED);
}

void clock_set_realtime(uint64_t ns)
{
	__atomic_store_n(&realtime_offset, (int64_t)(ns - clock_monotonic_ns()), __ATOMIC_RELAXED);
}

uint64_t clock_abs_to_ticks(int id, uint64_t ns)
{
	if (id == CLOCK_REALTIME) {
		int64_t off = __atomic_load_n(&realtime_offset, __ATOMIC_RELAXED);
		if (off > 0 && ns < (uint64_t)off)
			return 0;
		ns -= (uint64_t)off;
	}
	return ns_to_ticks(ns);
}
