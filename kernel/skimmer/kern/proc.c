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
#include <skimmer/usercopy.h>
#include <skimmer/signal.h>
#include <sys/neutrino.h>

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

/* Map every page of one segment and copy in its file bytes (from user memory of the
 * caller when `user`: then a bad image address is EFAULT). */
static int load_segment(struct pmap *pm, const uint8_t *file, bool user, const struct elf_seg *sg)
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
		if (lo >= hi)
			continue;
		const uint8_t *src = file + sg->file_off + (lo - sg->file_va);
		if (!user)
			memcpy((char *)kva + (lo - va), src, hi - lo);
		else if (copyin((char *)kva + (lo - va), (uint64_t)(uintptr_t)src, hi - lo))
			return EFAULT;
	}
	return 0;
}

/* Copy the start-up block into the new main stack at [addr, addr + len). */
static int load_startup(struct pmap *pm, const struct proc_spec *ps)
{
	for (size_t done = 0; done < ps->startup_len;) {
		uint64_t va = ps->stack_top + done;
		size_t n = MIN(ps->startup_len - done, PAGE_SIZE - (va & (PAGE_SIZE - 1)));
		char *k = pmap_user_addr_walk(pm, va, true);
		if (k == NULL)
			return EINVAL;
		const char *src = (const char *)ps->startup + done;
		if (!ps->user_startup)
			memcpy(k, src, n);
		else if (copyin(k, (uint64_t)(uintptr_t)src, n))
			return EFAULT;
		done += n;
	}
	return 0;
}

/* The ELF headers of a user image, copied into buf (ELF_HDRS_MAX bytes): elf_parse reads
 * only the file header and the program headers, so it can check a user image from this
 * copy with the image's full size. ENOEXEC when the program headers lie further in. */
#define ELF_HDRS_MAX 1024
static int user_headers(const struct proc_spec *ps, uint8_t *buf)
{
	size_t n = MIN(ps->size, (size_t)ELF_HDRS_MAX);
	if (n < ELF_EHDR_SIZE)
		return ENOEXEC;
	if (copyin(buf, (uint64_t)(uintptr_t)ps->image, n))
		return EFAULT;
	uint64_t phoff = 0;
	uint16_t phnum = (uint16_t)(buf[56] | buf[57] << 8), phent = (uint16_t)(buf[54] | buf[55] << 8);
	for (int i = 7; i >= 0; i--)
		phoff = phoff << 8 | buf[32 + i];
	if (phoff > n || (uint64_t)phnum * phent > n - phoff)
		return ENOEXEC;
	return 0;
}

static void user_thread_start(void *arg)
{
	struct proc *p = arg;
	uthread_enter_user(p->p_entry, p->p_stack_top, USTACK_SLOT_LO(0), (uint64_t)p->p_arg, 0,
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

int proc_create(const struct proc_spec *ps, struct proc **out)
{
	struct elf_image img;
	uint8_t *hdrs = NULL;
	const void *parse = ps->image;
	int err = 0;
	if (ps->user_image) {
		if ((hdrs = kmalloc(ELF_HDRS_MAX)) == NULL)
			return ENOMEM;
		err = user_headers(ps, hdrs);
		parse = hdrs;
	}
	if (!err)	/* below the mmap area and the device window */
		err = elf_parse(parse, ps->size, USER_VA_LO, _QSOE_MMAP_LO, &img);
	kfree(hdrs);
	if (err)
		return err;
	uint64_t top = ps->stack_top ? ps->stack_top : USER_STACK_TOP;
	if (ps->startup_len && (top & 15 || top < USTACK_SLOT_LO(0) + 8192 ||
				top > USER_STACK_TOP || ps->startup_len > USER_STACK_TOP - top))
		return EINVAL;
	struct sigacts *sa = NULL;
	if (ps->sigignore && (sa = sig_acts_ignoring(ps->sigignore)) == NULL)
		return ENOMEM;
	struct proc *p = kmalloc(sizeof *p);
	if (p == NULL) {
		kfree(sa);
		return ENOMEM;
	}
	if ((err = pmap_create(&p->p_pmap)) != 0) {
		kfree(sa);
		kfree(p);
		return err;
	}
	for (int i = 0; i < img.nsegs && !err; i++)
		err = load_segment(&p->p_pmap, ps->image, ps->user_image, &img.segs[i]);
	for (uint64_t va = USTACK_SLOT_LO(0); !err && va < USTACK_SLOT_TOP(0); va += PAGE_SIZE)
		err = pmap_enter_new(&p->p_pmap, va, PROT_R | PROT_W, NULL);
	/* The pid now (a failure below wastes one: pids are never reused anyway), so the
	 * block can carry it. */
	p->p_pid = ps->pid ? ps->pid : __atomic_fetch_add(&next_pid, 1, __ATOMIC_RELAXED);
	if (!err && ps->startup_len)
		err = load_startup(&p->p_pmap, &(struct proc_spec){ .startup = ps->startup,
			.startup_len = ps->startup_len, .stack_top = top,
			.user_startup = ps->user_startup });
	if (!err && ps->startup_len && ps->pid_offset >= 0 &&
	    (size_t)ps->pid_offset + 4 <= ps->startup_len && !(ps->pid_offset & 3)) {
		int32_t *k = pmap_user_addr_walk(&p->p_pmap, top + (uint64_t)ps->pid_offset, true);
		if (k)
			*k = (int32_t)p->p_pid;
	}
	struct thread *td = err ? NULL : lwkt_create_stopped(user_thread_start, p, ps->pri,
							       ps->cpu, ps->name);
	struct tjoin *tj = td ? uthread_record_alloc() : NULL;
	if (tj == NULL) {
		if (td)
			lwkt_destroy_stopped(td);
		pmap_destroy(&p->p_pmap);
		kfree(sa);
		kfree(p);
		return err ? err : ENOMEM;
	}
	strlcpy(p->p_name, ps->name, sizeof p->p_name);
	p->p_entry = img.entry;
	p->p_arg = ps->startup_len ? (long)top : ps->arg;
	p->p_stack_top = top;
	p->p_image_hi = img.hi;
	p->p_nthreads = 1;
	channel_proc_init(p);
	sync_proc_init(p);
	timer_proc_init(p);
	struct lwkt_msg *exitmsg = ps->exitmsg;
	p->p_exitmsg = exitmsg;
	if (ps->exitport) {			/* replied onto that port, queued there */
		exitmsg->ms_flags = 0;
		exitmsg->ms_reply_port = ps->exitport;
	} else {
		exitmsg->ms_flags = MSGF_SYNC;	/* "in flight" until the process ends */
		exitmsg->ms_reply_port = &curthread()->td_msgport;
	}
	td->td_proc = p;
	td->td_satp = p->p_pmap.pm_satp;
	td->td_reapfn = proc_thread_reaped;
	uthread_proc_init(p, td, tj);
	if (ps->policy)
		td->td_policy = ps->policy;
	td->td_sigmask = ps->sigmask & ~SIG_CANTMASK;
	p->p_sigacts = sa;
	p->p_iopriv = ps->iopriv || ps->io_allowed;
	if (ps->iopriv)
		td->td_flags |= TDF_IOPRIV;	/* not yet scheduled */
	unsigned long s = spin_lock_irqsave(&proc_lock);
	list_insert_tail(&all_procs, &p->p_link);
	spin_unlock_irqrestore(&proc_lock, s);
	*out = p;
	lwkt_schedule(td);
	return 0;
}

int proc_spawn(const void *image, size_t size, const char *name, int cpu, int pri, long arg,
	       struct lwkt_msg *exitmsg, struct proc **out)
{
	struct proc_spec ps = { .image = image, .size = size, .name = name, .cpu = cpu,
				.pri = pri, .arg = arg, .exitmsg = exitmsg, .pid_offset = -1,
				.io_allowed = true };	/* the kernel's own test programs */
	return proc_create(&ps, out);
}

size_t proc_count(void)
{
	size_t n = 0;
	struct list *it;
	unsigned long s = spin_lock_irqsave(&proc_lock);
	list_foreach(it, &all_procs)
		n++;
	spin_unlock_irqrestore(&proc_lock, s);
	return n;
}

void proc_free(struct proc *p)
{
	unsigned long s = spin_lock_irqsave(&proc_lock);
	list_remove(&p->p_link);
	spin_unlock_irqrestore(&proc_lock, s);
	pmap_destroy(&p->p_pmap);
	kfree(p);
}
