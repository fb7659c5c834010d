/* Sv39 address spaces: the kernel's identity map and one page table per process. */
#ifndef ARCH_PMAP_H
#define ARCH_PMAP_H

#include <skimmer/types.h>
#include <arch/csr.h>

/*
 * Layout. The kernel identity-maps RAM and the devices it uses, all below
 * 128 GiB; user space is [USER_VA_LO, USER_VA_HI) = [128 GiB, 256 GiB), the upper
 * half of Sv39's low range. A process's root table shares the kernel's level-1
 * tables (root slots 0..127), so the kernel is mapped in every address space.
 */
#define USER_VA_LO 0x2000000000ULL
#define USER_VA_HI 0x4000000000ULL

/* The device window: KerMapPhys (kern/intr.c) maps device registers here, bottom up, a
 * process's mappings never reused. Programs load below it; thread stacks (proc.h) sit
 * above it, at the top of user space. */
#define DEVWIN_LO  0x3f00000000ULL	/* 252 GiB */
#define DEVWIN_HI  0x3f40000000ULL	/* 1 GiB of window */

#define PMAP_XLAT 32	/* pm_xlat entries: a 64 KiB buffer on each side hits */

#define PROT_R 1
#define PROT_W 2
#define PROT_X 4

struct pmap {
	uint64_t *pm_root;	/* root page table (physical = virtual) */
	uint64_t pm_satp;	/* value for the satp CSR: mode, ASID, root PPN */
	uint32_t pm_asid;
	size_t pm_pages;	/* user pages mapped (and owned) */
	size_t pm_tables;	/* page-table pages below the root */
	/* Translations of user pages the message copies touched lately (pmap_user_addr),
	 * one 64-bit word each, direct-mapped by page number: the kernel page >> 12 in
	 * bits 27..51, the user page number (from USER_VA_LO) in bits 2..26, writable in
	 * bit 1, valid in bit 0. Any hart reads and fills them (relaxed atomics: a word
	 * is always one whole translation). Only successful walks are kept. Whatever
	 * removes or downgrades a mapping clears pm_xlat after changing the PTEs, and
	 * again after the shootdown (kern/vm.c explains why that is enough). */
	uint64_t pm_xlat[PMAP_XLAT];
};

void pmap_bootstrap(void);			/* boot hart: build the kernel map */
void pmap_kernel_map_device(uint64_t pa, size_t size);	/* before pmap_bootstrap */
void pmap_activate_hart(void);			/* every hart: paging on, kernel map */
uint64_t pmap_kernel_satp(void);

/* Process address spaces. Thread context. 0 or a positive errno. */
int pmap_create(struct pmap *pm);
/* Map one fresh zeroed page at user va with prot; returns its kernel address via *kva. */
int pmap_enter_new(struct pmap *pm, uint64_t va, int prot, void **kva);
/* Map the device range [pa, pa + len) at user va (both page-aligned, va + len inside
 * user space), read/write, uncached where the hart can say so (Svpbmt IO; otherwise the
 * platform's attributes for device addresses apply). The pages are not the pmap's: it
 * never frees them, and pmap_user_addr refuses them (the kernel never copies messages
 * to or from device registers). 0, or ENOMEM (no page tables: then nothing is mapped,
 * though tables made on the way stay until pmap_destroy) or EEXIST. Callers serialise
 * changes to one pmap (p_vmlock). */
int pmap_enter_phys(struct pmap *pm, uint64_t va, uint64_t pa, size_t len);
/* The kernel address of user va if user-readable (and writable when `write`), else NULL.
 * Any hart, any context; never faults. pm_xlat first, then a page walk (which fills it). */
void *pmap_user_addr_walk(struct pmap *pm, uint64_t va, bool write);
/* pm_xlat alone: the kernel address of user va, or NULL if it is not cached (then ask
 * pmap_user_addr). */
static inline void *pmap_user_addr_cached(struct pmap *pm, uint64_t va, bool write)
{
	uint64_t off = va - USER_VA_LO;
	if (off < USER_VA_HI - USER_VA_LO) {
		uint64_t upn = off >> 12;
		uint64_t e = __atomic_load_n(&pm->pm_xlat[upn % PMAP_XLAT], __ATOMIC_RELAXED);
		uint64_t want = (upn << 2) | 1 | ((uint64_t)write << 1);
		uint64_t mask = write ? 0x7ffffffULL : 0x7fffffdULL;
		if ((e & mask) == want)
			return (char *)(uintptr_t)((e >> 27) << 12) + (va & 0xfff);
	}
	return NULL;
}
static inline void *pmap_user_addr(struct pmap *pm, uint64_t va, bool write)
{
	void *p = pmap_user_addr_cached(pm, va, write);
	return p ? p : pmap_user_addr_walk(pm, va, write);
}
void pmap_destroy(struct pmap *pm);	/* frees every user page and table; no hart may use it */

/*
 * Changing a live address space (kern/vm.c: taskman's memory calls). Callers serialise
 * changes to one pmap (p_vmlock), and do the TLB and in-flight-copy work themselves
 * (vm_shootdown, kern/vm.c) before freeing what pmap_remove hands back.
 */
#define PMAP_OWNED    0		/* the pmap's own page: freed when unmapped */
#define PMAP_SHARED   1		/* mapped in several places: freed with its last mapping */
#define PMAP_BORROWED 2		/* memory that is nobody's (the boot image): never freed */
/* Make the page tables for [va, va + len) (page-aligned, user space) and check that none
 * of it is mapped: 0, EINVAL, ENOMEM (tables made on the way stay) or EEXIST. */
int pmap_reserve(struct pmap *pm, uint64_t va, size_t len);
/* Map page at va (reserved: tables there, nothing mapped) with prot (PROT_*, 0: no user
 * access) as kind PMAP_*. PMAP_SHARED counts one more mapping of the page. */
void pmap_install(struct pmap *pm, uint64_t va, void *page, int prot, int kind);
/* The page mapped at va (not device registers) and its kind, or NULL. */
void *pmap_page_of(struct pmap *pm, uint64_t va, int *kind);
/* The owned page at va becomes PMAP_SHARED with one mapping (no-op if it is already). */
void pmap_make_shared(struct pmap *pm, uint64_t va);
/* Unmap [va, va + len): returns the leaves cleared; the pages to free (owned ones, and
 * shared ones whose last mapping this was) are pushed on *freeq, linked through their
 * first word. pm_xlat is cleared. */
size_t pmap_remove(struct pmap *pm, uint64_t va, size_t len, void **freeq);
/* Set prot on every page of [va, va + len): EINVAL, or ENOMEM (a page is not mapped:
 * nothing changed). pm_xlat is cleared. */
int pmap_protect(struct pmap *pm, uint64_t va, size_t len, int prot);
void pmap_xlat_clear(struct pmap *pm);
size_t pmap_page_count(const struct pmap *pm);	/* user pages mapped (all kinds but devices) */	/* frees every user page and table; no hart may use it */

/* Load satp if it differs from this hart's; lwkt_switch calls it. Interrupts off. */
static inline void pmap_switch(uint64_t satp)
{
	if (csr_read(satp) != satp) {
		csr_write(satp, satp);
		if (((satp >> 44) & 0xffff) == 0)	/* shared ASID: no tag to trust */
			__asm__ __volatile__("sfence.vma" ::: "memory");
	}
}

#endif
