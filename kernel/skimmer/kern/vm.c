/* taskman's memory calls: map, unmap, protect and share pages of a process, and the boot image. */
/*
 * Design. taskman's memory manager decides where things go; these calls only change
 * page tables, each one checked first and then done whole (nothing is left behind on
 * failure). A process's p_vmlock serialises the changes to its pmap.
 *
 * Unmapping on SMP. A page that leaves an address space may still be reachable three
 * ways: other harts' TLBs (threads of the process running there), the pmap's pm_xlat
 * cache of translations the message copies use, and a copy in progress on another
 * hart that has already turned the user address into a kernel pointer. The order is:
 * clear the PTEs (under p_vmlock), clear pm_xlat, then vm_shootdown: an IPIQ entry to
 * every other online hart that runs sfence.vma and acknowledges, and we wait for all
 * of them. Message copies translate and copy with interrupts off (under ch_lock, or
 * the fast paths' local_irq_save), and an IPIQ entry runs only with interrupts on or
 * between copies (a sender spinning on a full ring drains its own rings there, where it
 * holds no translation). So once every hart has acknowledged, no copy that could have
 * seen the old PTE is still running, no TLB holds it, and a walk that read the old PTE
 * before we cleared it has stored its pm_xlat entry already: we clear pm_xlat once more,
 * and only then free the pages. A copy that starts later walks the cleared PTE and
 * fails with EFAULT, as it should.
 */
#include <skimmer/proc.h>
#include <skimmer/thread2.h>
#include <skimmer/kmem.h>
#include <skimmer/errno.h>
#include <skimmer/usercopy.h>
#include <skimmer/ipiq.h>
#include <skimmer/bootfs.h>
#include <skimmer/kproc.h>
#include <sys/neutrino.h>

static void shoot_here(void *acks, void *unused)
{
	__asm__ __volatile__("sfence.vma" ::: "memory");
	__atomic_fetch_add((int *)acks, 1, __ATOMIC_RELEASE);
}

void vm_shootdown(void)
{
	int acks = 0, want = 0;
	KASSERT(local_irq_enabled(), "vm_shootdown with interrupts off");
	crit_enter();			/* stay on this hart while we count */
	int me = mycpu()->gd_cpuid;
	for (int c = 0; c < ncpus; c++) {
		struct globaldata *gd = globaldata_find(c);
		if (c == me || !__atomic_load_n(&gd->gd_online, __ATOMIC_ACQUIRE))
			continue;
		ipiq_send(gd, shoot_here, &acks, NULL);
		want++;
	}
	__asm__ __volatile__("sfence.vma" ::: "memory");
	/* Interrupts on: other harts' shootdowns (and any IPIQ work) keep reaching us. */
	while (__atomic_load_n(&acks, __ATOMIC_ACQUIRE) < want)
		cpu_relax();
	crit_exit();
}

static void free_queue(void *q)
{
	while (q) {
		void *next = *(void **)q;
		*(void **)q = NULL;	/* pages go back zeroed except this word: clear it */
		page_free(q, 0);
		q = next;
	}
}

/* Arguments every memory call checks: pid 1 only, a page-aligned nonempty range below
 * _QSOE_MEM_HI (the top is the device window and the thread stacks: the kernel's). */
static int range_check(uint64_t va, uint64_t len, uint64_t hi)
{
	if (curproc()->p_pid != TASKMAN_PID)
		return EPERM;
	if (len == 0 || ((va | len) & (PAGE_SIZE - 1)) || va < USER_VA_LO || va >= hi ||
	    len > hi - va)
		return EINVAL;
	return 0;
}

/*
 * KerMemMap(pid, va, len, prot): map fresh zeroed pages at [va, va + len) of process
 * pid (0: the caller) with prot (PROT_READ|WRITE|EXEC, 0 for none). Errors: EPERM not
 * pid 1; EINVAL bad range or prot; ESRCH no such live process; EEXIST part of the range
 * is mapped (nothing changes); ENOMEM.
 */
long kcall_mem_map(const uint64_t *a)
{
	uint32_t pid = (uint32_t)a[0];
	uint64_t va = a[1], len = a[2];
	int prot = (int)a[3];
	int err = range_check(va, len, _QSOE_MEM_HI);
	if (err)
		return -err;
	if (prot & ~(PROT_R | PROT_W | PROT_X))
		return -EINVAL;
	size_t n = len / PAGE_SIZE;
	if (n > page_free_count())
		return -ENOMEM;
	struct kproc *kp = kproc_get(pid);
	if (kp == NULL)
		return -ESRCH;
	struct proc *p = kproc_proc(kp);
	/* The pages first, with interrupts on (each is zeroed), then the tables. */
	void *q = NULL;
	for (size_t i = 0; i < n; i++) {
		void **pg = page_alloc(0);
		if (pg == NULL) {
			free_queue(q);
			kproc_put(kp);
			return -ENOMEM;
		}
		*pg = q;
		q = pg;
	}
	unsigned long s = spin_lock_irqsave(&p->p_vmlock);
	err = pmap_reserve(&p->p_pmap, va, len);
	for (uint64_t o = 0; !err && o < len; o += PAGE_SIZE) {
		void **pg = q;
		q = *pg;
		*pg = NULL;
		pmap_install(&p->p_pmap, va + o, pg, prot, PMAP_OWNED);
	}
	spin_unlock_irqrestore(&p->p_vmlock, s);
	free_queue(q);			/* all of them if it failed */
	kproc_put(kp);
	return -err;
}

/*
 * KerMemUnmap(pid, va, len): unmap [va, va + len) of process pid; holes are fine. Owned
 * pages are freed, shared ones with their last mapping, once no hart can use them
 * (see the design note). Errors: EPERM, EINVAL, ESRCH as KerMemMap.
 */
long kcall_mem_unmap(const uint64_t *a)
{
	uint32_t pid = (uint32_t)a[0];
	uint64_t va = a[1], len = a[2];
	int err = range_check(va, len, USER_VA_HI);
	if (err)
		return -err;
	struct kproc *kp = kproc_get(pid);
	if (kp == NULL)
		return -ESRCH;
	struct proc *p = kproc_proc(kp);
	void *q = NULL;
	unsigned long s = spin_lock_irqsave(&p->p_vmlock);
	size_t gone = pmap_remove(&p->p_pmap, va, len, &q);
	spin_unlock_irqrestore(&p->p_vmlock, s);
	if (gone) {
		vm_shootdown();
		pmap_xlat_clear(&p->p_pmap);	/* walks that raced with the removal */
	}
	free_queue(q);
	kproc_put(kp);
	return 0;
}

/*
 * KerMemProtect(pid, va, len, prot): every page of [va, va + len) of process pid gets
 * prot. Errors: EPERM, EINVAL, ESRCH as KerMemMap; ENOMEM part of the range is not
 * mapped (nothing changes). Borrowed pages (the boot image) never become writable.
 */
long kcall_mem_protect(const uint64_t *a)
{
	uint32_t pid = (uint32_t)a[0];
	uint64_t va = a[1], len = a[2];
	int prot = (int)a[3];
	int err = range_check(va, len, USER_VA_HI);
	if (err)
		return -err;
	if (prot & ~(PROT_R | PROT_W | PROT_X))
		return -EINVAL;
	struct kproc *kp = kproc_get(pid);
	if (kp == NULL)
		return -ESRCH;
	struct proc *p = kproc_proc(kp);
	unsigned long s = spin_lock_irqsave(&p->p_vmlock);
	err = pmap_protect(&p->p_pmap, va, len, prot);
	spin_unlock_irqrestore(&p->p_vmlock, s);
	if (!err) {
		vm_shootdown();
		pmap_xlat_clear(&p->p_pmap);
	}
	kproc_put(kp);
	return -err;
}

/*
 * KerMemShare(dpid, dva, spid, sva, len, prot): map the pages that process spid has at
 * [sva, sva + len) into process dpid at [dva, dva + len) with prot too; each page is
 * then freed with its last mapping. Boot-image pages may be shared read-only only.
 * Errors: EPERM, EINVAL, ESRCH as KerMemMap; EFAULT a source page is not mapped;
 * EACCES prot asks for writing borrowed pages; EEXIST part of the destination is
 * mapped; ENOMEM. Nothing changes on error.
 */
long kcall_mem_share(const uint64_t *a)
{
	uint32_t dpid = (uint32_t)a[0], spid = (uint32_t)a[2];
	uint64_t dva = a[1], sva = a[3], len = a[4];
	int prot = (int)a[5];
	int err = range_check(dva, len, _QSOE_MEM_HI);
	if (!err)
		err = range_check(sva, len, _QSOE_MEM_HI);
	if (err)
		return -err;
	if (prot & ~(PROT_R | PROT_W | PROT_X))
		return -EINVAL;
	struct kproc *dk = kproc_get(dpid), *sk = kproc_get(spid);
	if (dk == NULL || sk == NULL) {
		if (dk)
			kproc_put(dk);
		if (sk)
			kproc_put(sk);
		return -ESRCH;
	}
	struct proc *dp = kproc_proc(dk), *sp = kproc_proc(sk);
	if (dp == sp && dva < sva + len && sva < dva + len) {
		kproc_put(dk);
		kproc_put(sk);
		return -EINVAL;
	}
	/* Both locks, in pid order (one if they are the same process). */
	struct proc *first = dp->p_pid < sp->p_pid ? dp : sp, *second = first == dp ? sp : dp;
	unsigned long s = spin_lock_irqsave(&first->p_vmlock);
	if (second != first)
		spin_lock(&second->p_vmlock);
	for (uint64_t o = 0; !err && o < len; o += PAGE_SIZE) {
		int kind;
		if (pmap_page_of(&sp->p_pmap, sva + o, &kind) == NULL)
			err = EFAULT;
		else if (kind == PMAP_BORROWED && (prot & PROT_W))
			err = EACCES;
	}
	if (!err)
		err = pmap_reserve(&dp->p_pmap, dva, len);
	for (uint64_t o = 0; !err && o < len; o += PAGE_SIZE) {
		int kind;
		void *pg = pmap_page_of(&sp->p_pmap, sva + o, &kind);
		if (kind == PMAP_OWNED)
			pmap_make_shared(&sp->p_pmap, sva + o);
		pmap_install(&dp->p_pmap, dva + o, pg, prot,
			     kind == PMAP_BORROWED ? PMAP_BORROWED : PMAP_SHARED);
	}
	if (second != first)
		spin_unlock(&second->p_vmlock);
	spin_unlock_irqrestore(&first->p_vmlock, s);
	kproc_put(dk);
	kproc_put(sk);
	return -err;
}

/*
 * KerBootImage(size): map the boot image (the initrd) read-only into the caller at
 * _QSOE_BOOTIMAGE_VA, once, and store its size in *size. Returns the address (again on
 * later calls). Errors: EPERM not pid 1; ENOENT no boot image; EFAULT size unwritable;
 * ENOMEM.
 */
long kcall_boot_image(const uint64_t *a)
{
	static bool mapped;
	struct proc *p = curproc();
	if (p->p_pid != TASKMAN_PID)
		return -EPERM;
	if (!have_bootfs)
		return -ENOENT;
	uint64_t pa = (uint64_t)(uintptr_t)boot_fs.bf_image, size = boot_fs.bf_size;
	if (pa & (PAGE_SIZE - 1))
		return -ENOENT;		/* the loader always page-aligns it */
	uint64_t len = ALIGN_DOWN(size, PAGE_SIZE);	/* only whole pages: a partial last
							 * page may be someone else's */
	if (copyout(a[0], &size, sizeof size))
		return -EFAULT;
	int err = 0;
	unsigned long s = spin_lock_irqsave(&p->p_vmlock);
	if (!mapped && len) {
		err = pmap_reserve(&p->p_pmap, _QSOE_BOOTIMAGE_VA, len);
		for (uint64_t o = 0; !err && o < len; o += PAGE_SIZE)
			pmap_install(&p->p_pmap, _QSOE_BOOTIMAGE_VA + o, (void *)(uintptr_t)(pa + o),
				     PROT_R, PMAP_BORROWED);
		mapped = !err;
	}
	spin_unlock_irqrestore(&p->p_vmlock, s);
	return err ? -err : (long)_QSOE_BOOTIMAGE_VA;
}
