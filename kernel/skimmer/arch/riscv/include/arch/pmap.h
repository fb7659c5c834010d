/* Sv39 address spaces: the kernel's identity map and one page table per process. */
#ifndef ARCH_PMAP_H
#define ARCH_PMAP_H

#include <skimmer/types.h>

/*
 * Layout. The kernel identity-maps RAM and the devices it uses, all below
 * 128 GiB; user space is [USER_VA_LO, USER_VA_HI) = [128 GiB, 256 GiB), the upper
 * half of Sv39's low range. A process's root table shares the kernel's level-1
 * tables (root slots 0..127), so the kernel is mapped in every address space.
 */
#define USER_VA_LO 0x2000000000ULL
#define USER_VA_HI 0x4000000000ULL

#define PROT_R 1
#define PROT_W 2
#define PROT_X 4

struct pmap {
	uint64_t *pm_root;	/* root page table (physical = virtual) */
	uint64_t pm_satp;	/* value for the satp CSR: mode, ASID, root PPN */
	uint32_t pm_asid;
	size_t pm_pages;	/* user pages mapped (and owned) */
	size_t pm_tables;	/* page-table pages below the root */
};

void pmap_bootstrap(void);			/* boot hart: build the kernel map */
void pmap_kernel_map_device(uint64_t pa, size_t size);	/* before pmap_bootstrap */
void pmap_activate_hart(void);			/* every hart: paging on, kernel map */
uint64_t pmap_kernel_satp(void);

/* Process address spaces. Thread context. 0 or a positive errno. */
int pmap_create(struct pmap *pm);
/* Map one fresh zeroed page at user va with prot; returns its kernel address via *kva. */
int pmap_enter_new(struct pmap *pm, uint64_t va, int prot, void **kva);
/* The kernel address of user va if user-readable (and writable when `write`), else NULL. */
void *pmap_user_addr(struct pmap *pm, uint64_t va, bool write);
void pmap_destroy(struct pmap *pm);	/* frees every user page and table; no hart may use it */

/* Load satp if it differs from this hart's; lwkt_switch calls it. Interrupts off. */
void pmap_switch(uint64_t satp);

#endif
