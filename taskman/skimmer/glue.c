/* The kernel glue on Skimmer: taskman's only use of the Ker* process and memory calls. */
#include <errno.h>
#include <string.h>
#include <sys/neutrino.h>
#include "../taskman.h"
#include "../glue.h"

_Static_assert(TM_PROT_R == 1 && TM_PROT_W == 2 && TM_PROT_X == 4, "TM_PROT_* as the kernel's");

static int err_of(long r)
{
	return r < 0 ? -errno : (int)r;
}

uint64_t tm_startup_addr(size_t len)
{
	size_t size = (len + 15) & ~(size_t)15;
	if (size > _QSOE_STARTUP_MAX)
		return 0;
	return _QSOE_MAIN_STACK_TOP - size;
}

int tm_proc_create(const struct tm_spawn_spec *s, const void *block, size_t len)
{
	struct _qsoe_proc_create c = {
		.image = s->image, .image_len = s->image_len, .startup = block,
		.startup_len = (len + 15) & ~(size_t)15, .startup_addr = tm_startup_addr(len),
		.priority = s->priority, .policy = s->policy, .sigmask = s->sigmask,
		.sigignore = s->sigignore, .flags = s->iopriv ? _QSOE_PROC_IOPRIV : 0, .cpu = -1,
		.pid_offset = s->pid_offset,
	};
	if (c.startup_addr == 0)
		return -E2BIG;
	strncpy(c.name, s->name, sizeof c.name - 1);
	return err_of(KerProcCreate(&c));
}

int tm_proc_notify(int coid, int code)
{
	return err_of(KerProcNotify(coid, code));
}

int tm_proc_reap(pid_t pid, struct tm_end *end)
{
	struct _qsoe_proc_end e;
	int r = KerProcReap(pid, &e);
	if (r <= 0)
		return err_of(r);
	end->pid = e.pid;
	end->how = e.how == _QSOE_END_FAULT ? TM_END_FAULT :
		   e.how == _QSOE_END_SIGNAL ? TM_END_SIGNAL : TM_END_EXIT;
	end->status = (long)e.status;
	end->signo = e.signo;
	return r;
}

int tm_mem_map(pid_t pid, uint64_t va, size_t len, int prot)
{
	return err_of(KerMemMap(pid, va, len, prot));
}

int tm_mem_unmap(pid_t pid, uint64_t va, size_t len)
{
	return err_of(KerMemUnmap(pid, va, len));
}

int tm_mem_protect(pid_t pid, uint64_t va, size_t len, int prot)
{
	return err_of(KerMemProtect(pid, va, len, prot));
}

int tm_mem_share(pid_t dpid, uint64_t dva, pid_t spid, uint64_t sva, size_t len, int prot)
{
	return err_of(KerMemShare(dpid, dva, spid, sva, len, prot));
}

void tm_mem_layout(uint64_t *lo, uint64_t *hi, uint64_t *page)
{
	*lo = _QSOE_MMAP_LO;
	*hi = _QSOE_MMAP_HI;
	*page = 4096;
}

int tm_sysinfo(struct tm_sysinfo *si)
{
	struct _qsoe_sysinfo k;
	if (KerSysInfo(&k) < 0)
		return -errno;
	*si = (struct tm_sysinfo){ k.page_size, k.total_pages, k.free_pages, k.heap_objects,
				   k.threads, k.procs, k.ncpus };
	return 0;
}

void tm_shutdown(int failure)
{
	KerShutdown(failure);
	for (;;)
		;
}

const void *tm_bootimage(size_t *size)
{
	static const void *image;
	static size_t image_size;
	if (image == NULL) {
		long a = KerBootImage(&image_size);
		if (a < 0)
			return NULL;
		image = (const void *)a;
	}
	*size = image_size;
	return image;
}

int tm_thread_info(pid_t pid, int after, struct tm_threadinfo *out)
{
	struct _qsoe_thread_info t;
	if (KerThreadInfo(pid, after, &t) < 0)
		return -errno;
	*out = (struct tm_threadinfo){
		.tid = t.tid, .priority = t.priority, .base_priority = t.base_priority,
		.policy = t.policy, .state = t.state, .blocked_pid = t.blocked_pid,
		.blocked_id = t.blocked_id, .blocked_addr = t.blocked_addr,
		.last_cpu = t.last_cpu, .sutime_ns = t.sutime_ns,
	};
	return 0;
}
