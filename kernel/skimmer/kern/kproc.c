/* The process manager's kernel side: taskman's start as pid 1, and the processes it makes and reaps. */
/*
 * Design. With no test= bootarg the kernel starts /proc/boot/taskman as pid 1 with a
 * start-up block (sys/procmsg.h) whose argv is "taskman" and the bootargs' words.
 * taskman then makes every other process with KerProcCreate. Each such process (and
 * taskman) has a struct kproc here, on kp_all (kproc_lock) from creation until taskman
 * collects it with KerProcReap. When a process's last thread has been reaped, proc.c
 * replies its exit message onto the port of the "kproc" kernel thread, which marks it a
 * zombie and queues the pulse taskman asked for (KerProcNotify: code, value = pid). A
 * pulse is only a hint (it needs memory): taskman reaps with pid -1 until nothing is left,
 * so one pulse collects every zombie. The struct proc (and its memory, which its pages
 * are returned with) lives until it is reaped and no memory call is using it (kp_refs).
 * taskman's own end is fatal: the machine stops with "shutdown (failure)".
 */
#include <skimmer/proc.h>
#include <skimmer/thread2.h>
#include <skimmer/kmem.h>
#include <skimmer/errno.h>
#include <skimmer/usercopy.h>
#include <skimmer/channel.h>
#include <skimmer/bootfs.h>
#include <skimmer/selftest.h>
#include <skimmer/fdt.h>
#include <skimmer/elf.h>

extern struct fdt_info bootinfo;
#include <skimmer/kproc.h>
#include <sys/neutrino.h>
#include <sys/procmsg.h>

_Static_assert(_QSOE_MAIN_STACK_TOP == USER_STACK_TOP, "neutrino.h's stack constants");
_Static_assert(_QSOE_MAIN_STACK_SIZE == USER_STACK_PAGES * PAGE_SIZE, "neutrino.h's stack");
_Static_assert(_QSOE_MEM_HI == DEVWIN_LO, "neutrino.h's memory constants");

#define TASKMAN_PRI 10			/* QNX's default user priority */

struct kproc {
	struct lwkt_msg kp_exitmsg;	/* replied onto kproc_port when the process has ended */
	struct proc *kp_proc;
	uint32_t kp_pid;
	struct list kp_link;		/* on kp_all (kproc_lock) */
	bool kp_ended;			/* a zombie: waits for KerProcReap (kproc_lock) */
	int kp_refs;			/* kproc_lock: 1 until reaped, + memory calls using it */
};

static struct spinlock kproc_lock = SPINLOCK_INIT("kproc");
static struct list kp_all = LIST_INIT_STATIC(kp_all);	/* kproc_lock */
static struct lwkt_port *kproc_port;	/* the kproc thread's */
static struct thread *kproc_td;
static int notify_coid = -1, notify_code, notify_pri;	/* kproc_lock */
static int next_cpu;

static bool caller_is_taskman(void)
{
	return curproc()->p_pid == TASKMAN_PID;
}

struct kproc *kproc_get(uint32_t pid)
{
	struct kproc *found = NULL;
	struct list *it;
	if (pid == 0)
		pid = curproc()->p_pid;
	unsigned long s = spin_lock_irqsave(&kproc_lock);
	list_foreach(it, &kp_all) {
		struct kproc *kp = list_entry(it, struct kproc, kp_link);
		if (kp->kp_pid == pid && !kp->kp_ended) {
			kp->kp_refs++;
			found = kp;
			break;
		}
	}
	spin_unlock_irqrestore(&kproc_lock, s);
	return found;
}

struct proc *kproc_proc(struct kproc *kp)
{
	return kp->kp_proc;
}

void kproc_put(struct kproc *kp)
{
	unsigned long s = spin_lock_irqsave(&kproc_lock);
	bool last = --kp->kp_refs == 0;
	spin_unlock_irqrestore(&kproc_lock, s);
	if (last) {
		proc_free(kp->kp_proc);		/* its memory goes back here */
		kfree(kp);
	}
}

/* The signal a fault stands for, from its RISC-V trap cause. */
static int fault_signo(long scause)
{
	switch (scause) {
	case 0: case 4: case 6:		return SIGBUS;	/* misaligned */
	case 2:				return SIGILL;
	case 3:				return SIGTRAP;
	default:			return SIGSEGV;	/* access and page faults */
	}
}

/* The kproc thread: each ended process's exit message lands here. */
static void kproc_main(void *arg)
{
	for (;;) {
		struct kproc *kp = (struct kproc *)lwkt_waitport(&curthread()->td_msgport);
		struct proc *p = kp->kp_proc;
		if (p->p_pid == TASKMAN_PID) {
			kprintf("skimmer: taskman ended (how %d, status %ld)\n", p->p_how,
				p->p_status);
			selftest_finish(false);
		}
		unsigned long s = spin_lock_irqsave(&kproc_lock);
		kp->kp_ended = true;
		int coid = notify_coid, code = notify_code, pri = notify_pri;
		spin_unlock_irqrestore(&kproc_lock, s);
		if (coid >= 0)
			(void)msg_event_pulse(TASKMAN_PID, coid, pri, code,
					      (union sigval){ .sival_int = (int)p->p_pid }, false);
	}
}

/* Make a process; kp's exit message comes to the kproc thread. */
static int kproc_create(struct proc_spec *ps, uint32_t *pid)
{
	struct kproc *kp = kmalloc(sizeof *kp);
	if (kp == NULL)
		return ENOMEM;
	lwkt_initmsg(&kp->kp_exitmsg, NULL, 0);
	ps->exitmsg = &kp->kp_exitmsg;
	ps->exitport = kproc_port;
	if (ps->cpu < 0 || ps->cpu >= ncpus)
		ps->cpu = (int)((unsigned)__atomic_fetch_add(&next_cpu, 1, __ATOMIC_RELAXED) %
				(unsigned)ncpus);
	kp->kp_refs = 1;
	/* proc_create sets kp_proc before the process can run, so before it can end. */
	int err = proc_create(ps, &kp->kp_proc);
	if (err) {
		kfree(kp);
		return err;
	}
	struct proc *p = kp->kp_proc;
	kp->kp_pid = p->p_pid;
	unsigned long s = spin_lock_irqsave(&kproc_lock);
	list_insert_tail(&kp_all, &kp->kp_link);
	spin_unlock_irqrestore(&kproc_lock, s);
	*pid = p->p_pid;
	return 0;
}

/* --- taskman's start --------------------------------------------------------------------- */

/* Build taskman's start-up block (argv: "taskman" and the bootargs words) for address
 * base into buf; returns its size, or 0 if it does not fit. */
static size_t taskman_block(char *buf, size_t cap, uint64_t base, uint64_t heap)
{
	const char *args = bootinfo.bootargs ? bootinfo.bootargs : "";
	int argc = 1;
	for (const char *c = args; *c;) {	/* count the words */
		while (*c == ' ')
			c++;
		if (*c)
			argc++;
		while (*c && *c != ' ')
			c++;
	}
	struct _proc_startup *st = (struct _proc_startup *)buf;
	size_t off = sizeof *st;
	uint64_t *argv = (uint64_t *)(buf + off);
	off += (size_t)(argc + 1) * 8;
	uint64_t *envp = (uint64_t *)(buf + off);
	off += 8;
	struct _proc_aux *aux = (struct _proc_aux *)(buf + off);
	off += 3 * sizeof *aux;
	size_t strings = off;
	off += strlen(args) + sizeof "taskman" + 2 + 1;	/* words, "taskman", "/" */
	if (off > cap)
		return 0;
	char *sp = buf + strings;
	int n = 0;
	strlcpy(sp, "taskman", 8);
	argv[n++] = base + (uint64_t)(sp - buf);
	sp += 8;
	for (const char *c = args; *c;) {
		while (*c == ' ')
			c++;
		if (!*c)
			break;
		argv[n++] = base + (uint64_t)(sp - buf);
		while (*c && *c != ' ')
			*sp++ = *c++;
		*sp++ = 0;
	}
	argv[n] = 0;
	envp[0] = 0;
	char *cwd = sp;
	*sp++ = '/';
	*sp++ = 0;
	aux[0] = (struct _proc_aux){ _PROC_AUX_PAGESZ, PAGE_SIZE };
	aux[1] = (struct _proc_aux){ _PROC_AUX_HEAP_BASE, heap };
	aux[2] = (struct _proc_aux){ _PROC_AUX_END, 0 };
	size_t size = ALIGN_UP((size_t)(sp - buf), 16);
	*st = (struct _proc_startup){
		.magic = _PROC_STARTUP_MAGIC, .size = (uint32_t)size, .argc = argc, .envc = 0,
		.nfds = 0, .pid = TASKMAN_PID, .ppid = 0, .flags = 0,
		.argv_off = (uint64_t)((char *)argv - buf), .envp_off = (uint64_t)((char *)envp - buf),
		.fds_off = 0, .cwd_off = (uint64_t)(cwd - buf),
		.auxv_off = (uint64_t)((char *)aux - buf), .sigmask = 0,
	};
	return size;
}

bool kproc_boot_taskman(void)
{
	struct bootfs_file f;
	if (!have_bootfs || bootfs_lookup(&boot_fs, "taskman", &f) != 0)
		return false;
	kproc_td = lwkt_create(kproc_main, NULL, TDPRI_MAX - 1, 0, "kproc");
	if (kproc_td == NULL)
		panic("no memory for the kproc thread");
	kproc_port = &kproc_td->td_msgport;
	struct elf_image img;
	int err = elf_parse(f.data, f.size, USER_VA_LO, _QSOE_MMAP_LO, &img);
	size_t cap = 4096;
	char *buf = kmalloc(cap);
	if (buf == NULL)
		panic("no memory for taskman's start-up block");
	size_t len = 0;
	uint64_t base = 0;
	if (!err) {
		/* The block's address depends on its size: build it once to learn the size. */
		len = taskman_block(buf, cap, 0, img.hi);
		base = USER_STACK_TOP - len;
		len = len ? taskman_block(buf, cap, base, img.hi) : 0;
		if (len == 0)
			err = E2BIG;
	}
	uint32_t pid;
	struct proc_spec ps = { .image = f.data, .size = f.size, .name = "taskman", .cpu = 0,
				.pri = TASKMAN_PRI, .policy = SCHED_RR, .pid = TASKMAN_PID,
				.stack_top = base, .startup = buf, .startup_len = len,
				.iopriv = true, .pid_offset = -1 };
	if (!err)
		err = kproc_create(&ps, &pid);
	kfree(buf);
	if (err) {
		kprintf("skimmer: cannot start /proc/boot/taskman: error %d\n", err);
		selftest_finish(false);
	}
	return true;
}

/* --- The kernel calls ---------------------------------------------------------------------- */

/*
 * KerProcCreate(args): a new process (see struct _qsoe_proc_create). Checked and copied
 * first; nothing is left behind on failure. Returns the pid. Errors: EPERM not pid 1;
 * EFAULT args, the image or the block unreadable; ENOEXEC not a static RISC-V ELF64
 * executable; EINVAL a segment outside the program area, a bad block address or size,
 * priority or policy; E2BIG too many segments; ENOMEM.
 */
long kcall_proc_create(const uint64_t *a)
{
	struct _qsoe_proc_create c;
	if (!caller_is_taskman())
		return -EPERM;
	if (copyin(&c, a[0], sizeof c))
		return -EFAULT;
	c.name[sizeof c.name - 1] = 0;
	if (!user_range_ok((uint64_t)(uintptr_t)c.image, c.image_len) ||
	    (c.startup_len && !user_range_ok((uint64_t)(uintptr_t)c.startup, c.startup_len)))
		return -EFAULT;
	if (c.startup_len > _QSOE_STARTUP_MAX || (c.startup_len && c.startup_addr == 0) ||
	    c.priority < _NTO_PRIO_MIN || c.priority > _NTO_PRIO_MAX ||
	    (c.policy != SCHED_FIFO && c.policy != SCHED_RR && c.policy != SCHED_OTHER) ||
	    (c.flags & ~_QSOE_PROC_IOPRIV) || c.pid_offset < -1)
		return -EINVAL;
	uint32_t pid;
	struct proc_spec ps = { .image = c.image, .size = c.image_len, .user_image = true,
				.name = c.name[0] ? c.name : "proc", .cpu = c.cpu,
				.pri = c.priority, .policy = c.policy,
				.stack_top = c.startup_len ? c.startup_addr : 0,
				.startup = c.startup, .startup_len = c.startup_len,
				.user_startup = true, .pid_offset = c.pid_offset, .sigmask = c.sigmask, .sigignore = c.sigignore,
				.iopriv = (c.flags & _QSOE_PROC_IOPRIV) != 0 };
	int err = kproc_create(&ps, &pid);
	return err ? -err : (long)pid;
}

/* KerProcNotify(coid, code): from now on every process end queues a pulse (code, value =
 * the pid) on connection coid of the caller, at the caller's priority; coid -1 stops
 * them. Errors: EPERM not pid 1; EINVAL code outside -128..127. */
long kcall_proc_notify(const uint64_t *a)
{
	int coid = (int)a[0], code = (int)a[1];
	if (!caller_is_taskman())
		return -EPERM;
	if (code < -128 || code > 127 || coid < -1)
		return -EINVAL;
	unsigned long s = spin_lock_irqsave(&kproc_lock);
	notify_coid = coid;
	notify_code = code;
	notify_pri = curthread()->td_basepri;
	spin_unlock_irqrestore(&kproc_lock, s);
	return 0;
}

/* KerProcReap(pid, end): process pid (-1: any) has ended: store how in *end, free it,
 * return its pid; 0 if it (or, for -1, any) has not ended yet. Errors: EPERM not pid 1;
 * ESRCH no such process; EFAULT end unwritable (nothing is reaped). */
long kcall_proc_reap(const uint64_t *a)
{
	int pid = (int)a[0];
	uint64_t uend = a[1];
	struct _qsoe_proc_end end = { 0 };
	if (!caller_is_taskman())
		return -EPERM;
	if (pid < -1 || pid == 0)
		return -ESRCH;
	if (copyout(uend, &end, sizeof end))	/* probe: nothing is lost to a bad pointer */
		return -EFAULT;
	struct kproc *kp = NULL;
	bool exists = false;
	struct list *it;
	unsigned long s = spin_lock_irqsave(&kproc_lock);
	list_foreach(it, &kp_all) {
		struct kproc *k = list_entry(it, struct kproc, kp_link);
		if (pid != -1 && k->kp_pid != (uint32_t)pid)
			continue;
		exists = true;
		if (k->kp_ended && k->kp_pid != TASKMAN_PID) {
			kp = k;
			list_remove(&kp->kp_link);
			break;
		}
	}
	spin_unlock_irqrestore(&kproc_lock, s);
	if (kp == NULL)
		return exists || pid == -1 ? 0 : -ESRCH;
	struct proc *p = kp->kp_proc;
	end.pid = (int32_t)kp->kp_pid;
	end.how = p->p_how == PEXIT_FAULT ? _QSOE_END_FAULT :
		  p->p_how == PEXIT_SIGNAL ? _QSOE_END_SIGNAL : _QSOE_END_EXIT;
	end.status = p->p_status;
	end.signo = p->p_how == PEXIT_FAULT ? fault_signo(p->p_status) :
		    p->p_how == PEXIT_SIGNAL ? (int)p->p_status : 0;
	kproc_put(kp);
	(void)copyout(uend, &end, sizeof end);	/* probed above */
	return end.pid;
}
