/* sbrk for picolibc's malloc: the heap grows at the break, mapped page by page through taskman. */
/*
 * The break starts at _PROC_AUX_HEAP_BASE (the first address above the program, from
 * the start-up block) and each growth past the mapped end asks taskman for anonymous
 * memory there (_MEM_MAP with MAP_FIXED). A program with no heap base (started by the
 * kernel itself) or whose taskman cannot map (no memory manager: ENOSYS) falls back to
 * a small static arena, and so does taskman unless it provides __libc_heap_map (it
 * cannot send itself a message: its only receiving thread would wait on itself).
 * Shrinking only moves the break: the pages stay mapped for the next growth.
 */
#include <unistd.h>
#include <sys/mman.h>
#include "libc.h"

#define ARENA_BYTES	(64 * 1024)

/* taskman's own mapping of len bytes at addr (0 or an errno), when it has one. */
int __libc_heap_map(uintptr_t addr, size_t len) __attribute__((weak));

static sync_t brk_lock = LIBC_LOCK_INIT;
/* brk_lock guards these: */
static uintptr_t brk_cur, brk_end;	/* the break, and the end of what is mapped */
static int brk_mode;			/* 0 not yet chosen, 1 taskman, 2 arena */
static char arena[ARENA_BYTES] __attribute__((aligned(16)));

static int map_more(uintptr_t addr, size_t len)
{
	if (__libc_pid() == SYSMGR_PID)
		return __libc_heap_map ? __libc_heap_map(addr, len) : ENOSYS;
	struct _mem_map m = {
		.type = _MEM_MAP, .prot = PROT_READ | PROT_WRITE,
		.flags = MAP_PRIVATE | MAP_ANON | MAP_FIXED, .fd = -1, .addr = addr, .len = len,
	};
	struct _mem_map_reply r;
	if (__libc_tmsend(&m, sizeof m, &r, sizeof r) < 0)
		return errno;
	return r.addr == addr ? 0 : ENOMEM;
}

void *sbrk(ptrdiff_t incr)
{
	__libc_lock(&brk_lock);
	if (brk_mode == 0) {
		size_t pg = __libc_pagesize;
		brk_cur = brk_end = (__libc_heap_base + pg - 1) & ~(pg - 1);
		brk_mode = brk_cur ? 1 : 2;
		if (brk_mode == 2)
			brk_cur = (uintptr_t)arena, brk_end = brk_cur + sizeof arena;
	}
	uintptr_t old = brk_cur, want = brk_cur + (uintptr_t)incr;
	int e = 0;
	if (incr < 0 && (uintptr_t)-incr > brk_cur - (brk_mode == 2 ? (uintptr_t)arena :
							     __libc_heap_base))
		e = EINVAL;
	else if (want > brk_end && brk_mode == 1) {
		size_t pg = __libc_pagesize;
		size_t len = ((want - brk_end) + pg - 1) & ~(pg - 1);
		e = map_more(brk_end, len);
		if (e == 0)
			brk_end += len;
		else if (e == ENOSYS && brk_cur == (__libc_heap_base + pg - 1) / pg * pg) {
			/* Nothing mapped yet and nobody to map it: the arena it is. */
			brk_mode = 2;
			old = brk_cur = (uintptr_t)arena;
			brk_end = brk_cur + sizeof arena;
			want = brk_cur + (uintptr_t)incr;
			e = want > brk_end ? ENOMEM : 0;
		} else
			e = ENOMEM;
	} else if (want > brk_end)
		e = ENOMEM;
	if (e == 0)
		brk_cur = want;
	__libc_unlock(&brk_lock);
	if (e) {
		errno = e == EINVAL ? EINVAL : ENOMEM;
		return (void *)-1;
	}
	return (void *)old;
}
