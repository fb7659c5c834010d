/*
 * LWKT threads and the per-hart scheduler.
 *
 * Each hart runs its own scheduler over its own run queue; a thread belongs to
 * one hart (td_gd, set in lwkt_create_stopped). Nothing here takes a cross-hart
 * lock: scheduling a thread owned by another hart is sent to that hart through
 * the IPIQ. A thread changes hart only by moving itself (lwkt_setcpu_self, for a
 * user thread's runmask): it leaves its run queue, gives up the FPU (arch), and
 * goes on the hart's zombie list marked TDF_MIGRATING; the next thread to run on
 * that hart (where zombies are reaped) sets td_gd to the target and sends it there
 * through the IPIQ, whose handler queues it. So td_gd changes only while the thread
 * runs nowhere, with interrupts off on the old hart, and every operation that finds
 * a thread "on its hart" (a kill, a boost, a SchedSet) either runs before the move
 * on the old hart or after it on the new one (each checks td_gd there and follows
 * the thread if it has moved).
 *
 * Rules that keep this race-free (seed 003, v0.2 and v0.5):
 *  - Every run-queue mutation happens with interrupts off on the owning hart:
 *    a critical section alone is not enough, because the IPI handler also
 *    schedules threads and would splice the queue mid-update.
 *  - Every thread crosses cpu_switch with td_critcount >= 1, and the window from
 *    the gd_curthread update through cpu_switch runs with interrupts off, so no
 *    trap-tail preemption can nest inside a switch.
 *  - The running thread stays at the head of its level; strict priority picks
 *    the highest level, time slices rotate within a level. A slice (td_slice)
 *    starts when a thread becomes runnable and again when it rotates, not when it
 *    is switched in: a preempted RR thread finishes the slice it had, so steady
 *    preemption from above cannot starve its equal-priority peers.
 */
#include <skimmer/thread2.h>
#include <skimmer/kmem.h>
#include <skimmer/ipiq.h>
#include <skimmer/spinlock.h>
#include <skimmer/sync.h>
#include <sys/neutrino.h>
#include <arch/switch.h>
#include <arch/fpu.h>
#include <sys/neutrino.h>

#define KSTACK_SIZE (CONFIG_KSTACK_PAGES * PAGE_SIZE)

static struct spinlock all_threads_lock = SPINLOCK_INIT("all_threads");
struct list all_threads = LIST_INIT_STATIC(all_threads);	/* gdb walks this */
static uint32_t next_td_id = 1;
static uint32_t nthreads;

static unsigned kstack_order(void)
{
	unsigned o = 0;
	while ((1UL << o) < CONFIG_KSTACK_PAGES)
		o++;
	return o;
}

static void thread_link(struct thread *td)
{
	unsigned long s = spin_lock_irqsave(&all_threads_lock);
	td->td_id = next_td_id++;
	list_insert_tail(&all_threads, &td->td_allq);
	__atomic_fetch_add(&nthreads, 1, __ATOMIC_RELAXED);
	spin_unlock_irqrestore(&all_threads_lock, s);
}

uint32_t lwkt_thread_count(void)
{
	return __atomic_load_n(&nthreads, __ATOMIC_ACQUIRE);
}

static void check_canary(struct thread *td)
{
	KASSERT(*(uint64_t *)td->td_kstack == TD_STACK_CANARY,
		"kernel stack overflow in thread %u (%s)", td->td_id, td->td_name);
}

/* Boot-time: make the code running on this hart its idle thread. */
void lwkt_init_hart(struct globaldata *gd, void *boot_stack, size_t boot_stack_size)
{
	struct thread *td = &gd->gd_idlethread;
	runq_init(&gd->gd_runq);
	list_init(&gd->gd_sleepq);
	list_init(&gd->gd_zombies);
	list_init(&gd->gd_hwq);
	td->td_gd = gd;
	td->td_flags = TDF_IDLE;
	td->td_pri = TDPRI_IDLE;
	td->td_kstack = boot_stack;
	td->td_kstack_size = boot_stack_size;
	*(uint64_t *)boot_stack = TD_STACK_CANARY;
	gd->gd_kstack_top = (uintptr_t)boot_stack + boot_stack_size;
	ksnprintf(td->td_name, sizeof td->td_name, "idle%d", gd->gd_cpuid);
	lwkt_initport_thread(&td->td_msgport, td);
	thread_link(td);
	gd->gd_curthread = td;
}

/* The end of a thread's memory: off all_threads, stack and struct freed. The count
 * drops last (see lwkt_reap). */
static void thread_free(struct thread *td)
{
	unsigned long s = spin_lock_irqsave(&all_threads_lock);
	list_remove(&td->td_allq);
	spin_unlock_irqrestore(&all_threads_lock, s);
	page_free(td->td_kstack, kstack_order());
	kfree(td);
	__atomic_fetch_sub(&nthreads, 1, __ATOMIC_RELEASE);
}

/* On the hart a migrating thread moves to, in its IPI handler (interrupts off): it has
 * arrived. td_gd already names us (migrate_send). */
static void migrate_remote(void *a, void *b)
{
	struct thread *td = a;
	KASSERT(td->td_gd == mycpu() && (td->td_flags & TDF_MIGRATING), "migrate_remote td %u",
		td->td_id);
	td->td_flags &= ~TDF_MIGRATING;
	/* A kill or a signal that marked it on the old hart brings its share of gd_ast
	 * (given back where it is handled: here from now on). */
	mycpu()->gd_ast += (uint32_t)(uintptr_t)b;
	lwkt_schedule_local(td);
}

/* On the old hart, from lwkt_reap (interrupts off): td has switched away for good, so
 * it runs nowhere. It belongs to the target from here on; the IPIQ's release/acquire
 * pair carries everything it wrote on this hart. */
static void migrate_send(struct thread *td)
{
	struct globaldata *rgd = td->td_migrate_gd;
	trace_irqoff(TR_MIGRATE, td->td_id, rgd->gd_cpuid);
	/* Marks set here while it was on its way take their gd_ast shares along; marks
	 * made on rgd from the store on count there themselves. */
	uintptr_t ast = !!(td->td_flags & TDF_KILLED) + !!(td->td_flags & TDF_SIGNAL);
	mycpu()->gd_ast -= (uint32_t)ast;
	__atomic_store_n(&td->td_gd, rgd, __ATOMIC_RELEASE);
	ipiq_send(rgd, migrate_remote, td, (void *)ast);
}

/* Free the stacks of threads that exited on this hart. Interrupts off; never
 * called on a zombie's own stack (we only get here after switching off it).
 * The thread count drops only after the memory is back, so a leak check that
 * sees the count return to its baseline also sees the pages and heap objects. */
static void lwkt_reap(struct globaldata *gd)
{
	struct thread *td;
	while ((td = list_first_entry(&gd->gd_zombies, struct thread, td_runq)) != NULL) {
		list_remove(&td->td_runq);
		if (td->td_flags & TDF_MIGRATING) {
			migrate_send(td);
			continue;
		}
		if (td->td_reapfn)
			td->td_reapfn(td);
		arch_thread_free(td);
		thread_free(td);
	}
}

void lwkt_schedule_local(struct thread *td)
{
	lwkt_schedule_local_inline(td);
}

/* Runs on td's hart, in its IPI handler (interrupts off). */
static void lwkt_schedule_remote(void *a, void *b)
{
	lwkt_schedule_local(a);
}

void lwkt_schedule(struct thread *td)
{
	if (td->td_gd == mycpu()) {
		unsigned long s = local_irq_save();
		lwkt_schedule_local(td);
		local_irq_restore(s);
		lwkt_preempt_check();
	} else {
		ipiq_send(td->td_gd, lwkt_schedule_remote, td, NULL);
	}
}

void lwkt_deschedule_self(void)
{
	struct globaldata *gd = mycpu();
	struct thread *td = gd->gd_curthread;
	unsigned long s = local_irq_save();
	if (td->td_flags & TDF_RUNQ) {
		td->td_flags &= ~TDF_RUNQ;
		runq_remove(&gd->gd_runq, td);
		trace(TR_DESCHED, td->td_id, 0);
	}
	local_irq_restore(s);
}

/* lwkt_switch's body, interrupts off: pick the next thread and switch to it. */
static inline __attribute__((always_inline)) void switch_irqoff(struct globaldata *gd,
								struct thread *td)
{
	struct thread *ntd;
	KASSERT(gd->gd_intr_nesting == 0, "lwkt_switch inside a trap handler");
	++td->td_critcount;
	if ((gd->gd_reqflags & RQF_ROTATE) && (td->td_flags & TDF_RUNQ)) {
		runq_remove(&gd->gd_runq, td);
		runq_insert_tail(&gd->gd_runq, td);
		td->td_slice = 0;	/* a fresh slice when its turn comes again */
	}
	gd->gd_reqflags = 0;
	/* The only queued thread is the one last queued, if that is still queued: no
	 * search. (gd_last_sched is this hart's, and cleared when it exits.) */
	if (gd->gd_runq.rq_count != 1 || (ntd = gd->gd_last_sched) == NULL ||
	    !(ntd->td_flags & TDF_RUNQ))
		ntd = runq_choose(&gd->gd_runq);
	if (ntd == NULL)
		ntd = &gd->gd_idlethread;
	if (ntd != td) {
		check_canary(td);
		check_canary(ntd);
		trace_irqoff(TR_SWITCH, td->td_id, ntd->td_id);
		ntd->td_switches++;
		arch_thread_switch_in(gd, ntd);
		gd->gd_curthread = ntd;
		cpu_switch(&td->td_sp, ntd->td_sp);
		/* We are td again, switched back in by some thread of this hart, which is
		 * not the one we left if we moved (lwkt_setcpu_self): read tp again. */
		gd = arch_mycpu_reload();
		if (unlikely(!list_empty(&gd->gd_zombies)))
			lwkt_reap(gd);
	}
	--td->td_critcount;
}

void lwkt_switch(void)
{
	struct globaldata *gd = mycpu();
	struct thread *td = gd->gd_curthread;
	unsigned long s = local_irq_save();
	switch_irqoff(gd, td);
	local_irq_restore(s);
}

void lwkt_block_switch(void)
{
	struct globaldata *gd = mycpu();
	struct thread *td = gd->gd_curthread;
	KASSERT(!local_irq_enabled() && td->td_critcount > 0, "lwkt_block_switch context");
	if (td->td_flags & TDF_RUNQ) {
		td->td_flags &= ~TDF_RUNQ;
		runq_remove(&gd->gd_runq, td);
	}
	switch_irqoff(gd, td);
}

/*
 * Block the current thread and give the hart straight to ntd, a thread of this hart
 * that is not yet runnable (a receiver the caller has just handed a message). The
 * guards: ntd belongs to this hart and is stopped, and once the caller is off the run
 * queue nothing queued here is more urgent than ntd. Then ntd goes to the head of its
 * level and runs at once: no search, one trace record. If a guard fails, ntd is
 * scheduled the ordinary way and the hart switches as lwkt_switch does. Either way
 * the caller is off the run queue and must have arranged its own wakeup. Returns true
 * if ntd got the hart directly. Interrupts off; the caller is in a critical section.
 */
bool lwkt_handoff(struct thread *ntd)
{
	struct globaldata *gd = mycpu();
	struct thread *td = gd->gd_curthread;

	KASSERT(!local_irq_enabled() && gd->gd_intr_nesting == 0, "lwkt_handoff context");
	if (td->td_flags & TDF_RUNQ) {
		td->td_flags &= ~TDF_RUNQ;
		runq_remove(&gd->gd_runq, td);
	}
	if (ntd->td_gd != gd || (ntd->td_flags & (TDF_RUNQ | TDF_IDLE | TDF_EXITING | TDF_SLEEPING)) ||
	    runq_any_above(&gd->gd_runq, ntd->td_pri)) {
		if (ntd->td_gd == gd)
			lwkt_schedule_local(ntd);
		else
			ipiq_send(ntd->td_gd, lwkt_schedule_remote, ntd, NULL);
		lwkt_switch();
		return false;
	}
	ntd->td_flags |= TDF_RUNQ;
	ntd->td_slice = 0;		/* runnable again: a fresh slice */
	runq_insert_head(&gd->gd_runq, ntd);
	gd->gd_reqflags = 0;		/* what was pending concerned td, which is leaving */
	++td->td_critcount;
	check_canary(td);
	check_canary(ntd);
	trace_irqoff(TR_SWITCH, td->td_id, ntd->td_id);
	ntd->td_switches++;
	arch_thread_switch_in(gd, ntd);
	gd->gd_curthread = ntd;
	cpu_switch(&td->td_sp, ntd->td_sp);
	gd = arch_mycpu_reload();	/* see switch_irqoff */
	if (unlikely(!list_empty(&gd->gd_zombies)))
		lwkt_reap(gd);
	--td->td_critcount;
	return true;
}

/* First code a new thread runs (from lwkt_trampoline), with interrupts off and
 * td_critcount 1 from the switch that brought it here. */
void lwkt_thread_start(struct thread *td)
{
	struct globaldata *gd = mycpu();
	if (!list_empty(&gd->gd_zombies))
		lwkt_reap(gd);
	--td->td_critcount;
	local_irq_enable();
	lwkt_preempt_check();
	td->td_func(td->td_arg);
	lwkt_exit();
}

struct thread *lwkt_create_stopped(void (*fn)(void *), void *arg, int pri, int cpu,
				   const char *name)
{
	KASSERT(pri > TDPRI_IDLE && pri <= TDPRI_MAX, "bad priority %d", pri);
	KASSERT(cpu < ncpus, "no cpu %d", cpu);
	struct thread *td = kmalloc(sizeof *td);
	void *stack = page_alloc(kstack_order());
	if (td == NULL || stack == NULL) {
		kfree(td);
		if (stack)
			page_free(stack, kstack_order());
		return NULL;
	}
	td->td_gd = globaldata_find(cpu < 0 ? mycpu()->gd_cpuid : cpu);
	td->td_pri = pri;
	td->td_basepri = pri;
	td->td_msgpri = pri;
	list_init(&td->td_owned);
	hartwork_init(&td->td_synchw, sync_chain_work);
	td->td_func = fn;
	td->td_arg = arg;
	td->td_kstack = stack;
	td->td_kstack_size = KSTACK_SIZE;
	*(uint64_t *)stack = TD_STACK_CANARY;
	strlcpy(td->td_name, name, sizeof td->td_name);
	lwkt_initport_thread(&td->td_msgport, td);

	/* A switch frame that "returns" into lwkt_trampoline with s1 = td (switch.S). */
	uint64_t *frame = (uint64_t *)((char *)stack + KSTACK_SIZE - 112);
	frame[0] = (uint64_t)lwkt_trampoline;	/* ra */
	frame[1] = 0;				/* s0: ends backtraces */
	frame[2] = (uint64_t)td;		/* s1 */
	td->td_sp = (uintptr_t)frame;
	td->td_critcount = 1;

	thread_link(td);
	return td;
}

void lwkt_destroy_stopped(struct thread *td)
{
	KASSERT(!(td->td_flags & (TDF_RUNQ | TDF_SLEEPING)) && td->td_switches == 0,
		"lwkt_destroy_stopped: thread %u has run", td->td_id);
	thread_free(td);
}

struct thread *lwkt_create(void (*fn)(void *), void *arg, int pri, int cpu, const char *name)
{
	struct thread *td = lwkt_create_stopped(fn, arg, pri, cpu, name);
	if (td)
		lwkt_schedule(td);
	return td;
}

void __noreturn lwkt_exit(void)
{
	struct globaldata *gd = mycpu();
	struct thread *td = gd->gd_curthread;
	KASSERT(!(td->td_flags & TDF_IDLE), "idle thread exiting");
	local_irq_disable();
	++td->td_critcount;
	if (td->td_flags & TDF_RUNQ) {
		td->td_flags &= ~TDF_RUNQ;
		runq_remove(&gd->gd_runq, td);
	}
	if (td->td_flags & TDF_SLEEPING) {
		td->td_flags &= ~TDF_SLEEPING;
		list_remove(&td->td_sleepq);
	}
	td->td_flags |= TDF_EXITING;
	arch_thread_exit(td);
	if (gd->gd_last_sched == td)
		gd->gd_last_sched = NULL;
	list_insert_tail(&gd->gd_zombies, &td->td_runq);
	trace(TR_EXIT, td->td_id, 0);
	lwkt_switch();
	panic("exited thread %u resumed", td->td_id);
}

bool lwkt_setcpu_self(struct globaldata *rgd)
{
	struct globaldata *gd = mycpu();
	struct thread *td = gd->gd_curthread;
	KASSERT(td->td_critcount == 0 && !(td->td_flags & TDF_IDLE), "lwkt_setcpu_self context");
	if (rgd == gd)
		return true;
	unsigned long s = local_irq_save();
	if (td->td_flags & TDF_KILLED) {
		/* Its share of gd_ast is this hart's: it must end here. */
		local_irq_restore(s);
		return false;
	}
	arch_thread_migrate(td);	/* its FP registers go to its save area */
	if (td->td_flags & TDF_RUNQ) {
		td->td_flags &= ~TDF_RUNQ;
		runq_remove(&gd->gd_runq, td);
	}
	if (gd->gd_last_sched == td)
		gd->gd_last_sched = NULL;
	td->td_migrate_gd = rgd;
	td->td_flags |= TDF_MIGRATING;
	list_insert_tail(&gd->gd_zombies, &td->td_runq);	/* migrate_send picks it up */
	switch_irqoff(gd, td);
	/* On rgd now (tp is its globaldata; gd is stale). */
	arch_thread_arrived(td);
	local_irq_restore(s);
	return true;
}

void lwkt_yield(void)
{
	unsigned long s = local_irq_save();
	mycpu()->gd_reqflags |= RQF_ROTATE;
	local_irq_restore(s);
	lwkt_switch();
}

void lwkt_setpri_local(struct thread *td, int pri)
{
	KASSERT(pri > TDPRI_IDLE && pri <= TDPRI_MAX, "bad priority %d", pri);
	td->td_msgpri = pri;
	lwkt_setrunpri_local(td, MAX(pri, td->td_mtxpri));
}

void lwkt_setrunpri_local(struct thread *td, int pri)
{
	struct globaldata *gd = mycpu();
	KASSERT(!local_irq_enabled() && td->td_gd == gd, "lwkt_setpri_local context");
	KASSERT(pri > TDPRI_IDLE && pri <= TDPRI_MAX, "bad priority %d", pri);
	if (td->td_flags & TDF_RUNQ) {
		runq_remove(&gd->gd_runq, td);
		td->td_pri = pri;
		if (td == gd->gd_curthread)
			runq_insert_head(&gd->gd_runq, td);	/* the running thread leads */
		else
			runq_insert_tail(&gd->gd_runq, td);
	} else {
		td->td_pri = pri;
	}
	if (runq_any_above(&gd->gd_runq, gd->gd_curthread->td_pri))
		gd->gd_reqflags |= RQF_RESCHED;
}

/* Is td still the live thread `id`? (td may be a stale pointer: it is only compared
 * until found on all_threads.) */
bool lwkt_thread_alive(struct thread *td, uint32_t id)
{
	bool found = false;
	struct list *it;
	unsigned long s = spin_lock_irqsave(&all_threads_lock);
	list_foreach(it, &all_threads)
		if (list_entry(it, struct thread, td_allq) == td) {
			found = td->td_id == id && !(td->td_flags & (TDF_EXITING | TDF_IDLE));
			break;
		}
	spin_unlock_irqrestore(&all_threads_lock, s);
	return found;
}

static void boost_remote(void *a, void *b);

/* lwkt_boost on the hart td was on (interrupts off); if it has moved since, the boost
 * follows it there. */
static void boost_local(struct thread *td, uint32_t id, int pri)
{
	if (!lwkt_thread_alive(td, id))
		return;
	struct globaldata *tgd = __atomic_load_n(&td->td_gd, __ATOMIC_ACQUIRE);
	if (tgd != mycpu()) {
		ipiq_send(tgd, boost_remote, td, (void *)(((uintptr_t)id << 16) | (uintptr_t)pri));
	} else if (td->td_msgpri < pri) {
		lwkt_setpri_local(td, pri);
		/* Blocked on a mutex: the boost goes on to its owner (sync.c). */
		if (td->td_wait && td->td_wait->tw_state == STATE_MUTEX)
			hartwork_queue(&td->td_synchw, td->td_gd->gd_cpuid);
	}
}

static void boost_remote(void *a, void *b)
{
	uintptr_t v = (uintptr_t)b;
	boost_local(a, (uint32_t)(v >> 16), (int)(v & 0xffff));
}

void lwkt_boost(struct thread *td, uint32_t id, int cpu, int pri)
{
	struct globaldata *gd = globaldata_find(cpu);
	if (gd == mycpu()) {
		unsigned long s = local_irq_save();
		boost_local(td, id, pri);
		local_irq_restore(s);
		lwkt_preempt_check();
	} else {
		ipiq_send(gd, boost_remote, td, (void *)(((uintptr_t)id << 16) | (uintptr_t)pri));
	}
}

void lwkt_sleep(uint64_t ticks)
{
	struct globaldata *gd = mycpu();
	struct thread *td = gd->gd_curthread;
	struct list *it;

	crit_enter();
	unsigned long s = local_irq_save();
	td->td_wakeup_tick = gd->gd_ticks + (ticks ? ticks : 1);
	list_foreach(it, &gd->gd_sleepq)	/* keep the list sorted by wakeup tick */
		if (list_entry(it, struct thread, td_sleepq)->td_wakeup_tick > td->td_wakeup_tick)
			break;
	list_insert_before(it, &td->td_sleepq);
	td->td_flags |= TDF_SLEEPING;
	if (td->td_flags & TDF_RUNQ) {
		td->td_flags &= ~TDF_RUNQ;
		runq_remove(&gd->gd_runq, td);
	}
	local_irq_restore(s);
	lwkt_switch();
	crit_exit();
}

/* Timer interrupt on this hart (interrupts off): wake sleepers, end time slices. */
void lwkt_tick(void)
{
	struct globaldata *gd = mycpu();
	struct thread *td;

	gd->gd_ticks++;
	while ((td = list_first_entry(&gd->gd_sleepq, struct thread, td_sleepq)) != NULL &&
	       td->td_wakeup_tick <= gd->gd_ticks)
		lwkt_schedule_local(td);
	td = gd->gd_curthread;
	if (!(td->td_flags & TDF_IDLE) && td->td_policy != SCHED_FIFO &&
	    ++td->td_slice >= CONFIG_TIMESLICE_TICKS &&
	    (td->td_flags & TDF_RUNQ) && runq_has_peer(&gd->gd_runq, td))
		gd->gd_reqflags |= RQF_ROTATE;
}

void __noreturn lwkt_idle_loop(void)
{
	struct globaldata *gd = mycpu();
	for (;;) {
		local_irq_disable();
		if (gd->gd_runq.rq_count == 0 && gd->gd_reqflags == 0)
			cpu_wfi();	/* wakes on a pending interrupt even with SIE clear */
		local_irq_enable();	/* take it here; the trap tail may switch away */
		if (gd->gd_runq.rq_count)
			lwkt_switch();
	}
}

/* Print every thread (quiescent points only: takes the console per line). */
void lwkt_dump_threads(void)
{
	struct list *it;
	unsigned long s = spin_lock_irqsave(&all_threads_lock);
	list_foreach(it, &all_threads) {
		struct thread *td = list_entry(it, struct thread, td_allq);
		kprintf("  td%-4u %-12s cpu %d pri %3d flags %#x crit %d switches %lu\n", td->td_id,
			td->td_name, td->td_gd->gd_cpuid, td->td_pri, td->td_flags, td->td_critcount,
			(unsigned long)td->td_switches);
	}
	spin_unlock_irqrestore(&all_threads_lock, s);
}
