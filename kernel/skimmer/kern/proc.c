/*
 * Processes, as far as the kernel core needs them: build an address space from
 * an ELF image, start the first thread in user mode, and report the end. The
 * address space is freed only after the last thread has been reaped, when no
 * hart can still be running on it (lwkt_switch loads the next thread's satp
 * before the reaper runs).
 */
#include <skimmer/proc.h>
#include <skimmer/thread2.h>
#include <skimmer/kmem.h>
#include <skimmer/elf.h>
#include <skimmer/errno.h>
#include <skimmer/channel.h>
#include <skimmer/ptimer.h>
#include <skimmer/timeout.h>

struct spinlock proc_lock = SPINLOCK_INIT("procs");
static struct list all_procs = LIST_INIT_STATIC(all_procs);	/* proc_lock */

struct proc *proc_find(uint32_t pid)
{
	struct list *it;
	if (pid == 0)
		return curproc();
	list_foreach(it, &all_procs) {
		struct proc *p = list_entry(it, struct proc, p_link);
		if (p->p_pid == pid && !p->p_dead)
			return p;
	}
	return NULL;
}


static uint32_t next_pid = 2;	/* 1 is the process manager's, when it exists */

/* Map every page of one segment and copy in its file bytes. */
static int load_segment(struct pmap *pm, const uint8_t *file, const struct elf_seg *sg)
{
	for (uint64_t va = sg->vaddr; va < sg->vaddr + sg->memsz; va += PAGE_SIZE) {
		void *kva;
		int prot = ((sg->prot & ELF_PROT_R) ? PROT_R : 0) |
			   ((sg->prot & ELF_PROT_W) ? PROT_W : 0) |
			   ((sg->prot & ELF_PROT_X) ? PROT_X : 0);
		int err = pmap_enter_new(pm, va, prot, &kva);
		if (err)
			return err;
		/* The part of [file_va, file_va + filesz) that falls in this page. */
		uint64_t lo = MAX(va, sg->file_va), hi = MIN(va + PAGE_SIZE, sg->file_va + sg->filesz);
		if (lo < hi)
			memcpy((char *)kva + (lo - va), file + sg->file_off + (lo - sg->file_va), hi - lo);
	}
	return 0;
}

static void user_thread_start(void *arg)
{
	struct proc *p = arg;
	uthread_enter_user(p->p_entry, USER_STACK_TOP, USTACK_SLOT_LO(0), (uint64_t)p->p_arg, 0,
			   0);	/* crt0 sets gp */
}

/* td_reapfn: runs on the exited thread's hart after it has switched away for good. */
static void proc_thread_reaped(struct thread *td)
{
	struct proc *p = td->td_proc;
	/* A killed thread's share of its hart's gd_ast ends here, where no kill can land
	 * after it (uthread.c): it may have been marked at any time before lwkt_exit. */
	if (td->td_flags & TDF_KILLED)
		mycpu()->gd_ast--;
	if (td->td_flags & TDF_SIGNAL)		/* kicked after its last return to user */
		mycpu()->gd_ast--;
	tmo_thread_reaped(td);	/* likewise its armed TimerTimeout, if it never returned */
	if (__atomic_sub_fetch(&p->p_nthreads, 1, __ATOMIC_ACQ_REL) == 0)
		lwkt_replymsg(p->p_exitmsg, 0);
}

int proc_spawn(const void *image, size_t size, const char *name, int cpu, int pri, long arg,
	       struct lwkt_msg *exitmsg, struct proc **out)
{
	struct elf_image img;
	int err = elf_parse(image, size, USER_VA_LO, DEVWIN_LO, &img);	/* below the device window */
	if (err)
		return err;
	struct proc *p = kmalloc(sizeof *p);
	if (p == NULL)
		return ENOMEM;
	if ((err = pmap_create(&p->p_pmap)) != 0) {
		kfree(p);
		return err;
	}
	for (int i = 0; i < img.nsegs && !err; i++)
		err = load_segment(&p->p_pmap, image, &img.segs[i]);
	for (uint64_t va = USTACK_SLOT_LO(0); !err && va < USTACK_SLOT_TOP(0); va += PAGE_SIZE)
		err = pmap_enter_new(&p->p_pmap, va, PROT_R | PROT_W, NULL);
	struct thread *td = err ? NULL : lwkt_create_stopped(user_thread_start, p, pri, cpu, name);
	struct tjoin *tj = td ? uthread_record_alloc() : NULL;
	if (tj == NULL) {
		if (td)
			lwkt_destroy_stopped(td);
		pmap_destroy(&p->p_pmap);
		kfree(p);
		return err ? err : ENOMEM;
	}
	p->p_pid = __atomic_fetch_add(&next_pid, 1, __ATOMIC_RELAXED);
	strlcpy(p->p_name, name, sizeof p->p_name);
	p->p_entry = img.entry;
	p->p_arg = arg;
	p->p_nthreads = 1;
	channel_proc_init(p);
	sync_proc_init(p);
	timer_proc_init(p);
	unsigned long s = spin_lock_irqsave(&proc_lock);
	list_insert_tail(&all_procs, &p->p_link);
	spin_unlock_irqrestore(&proc_lock, s);
	p->p_exitmsg = exitmsg;
	exitmsg->ms_flags = MSGF_SYNC;		/* "in flight" until the process ends */
	exitmsg->ms_reply_port = &curthread()->td_msgport;
	td->td_proc = p;
	td->td_satp = p->p_pmap.pm_satp;
	td->td_reapfn = proc_thread_reaped;
	uthread_proc_init(p, td, tj);
	*out = p;
	lwkt_schedule(td);
	return 0;
}

void proc_free(struct proc *p)
{
	unsigned long s = spin_lock_irqsave(&proc_lock);
	list_remove(&p->p_link);
	spin_unlock_irqrestore(&proc_lock, s);
	pmap_destroy(&p->p_pmap);
	kfree(p);
}
