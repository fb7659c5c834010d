/* Physical page allocator (buddy) and the kernel heap for kernel objects. */
#ifndef SKIMMER_KMEM_H
#define SKIMMER_KMEM_H

#include <skimmer/types.h>
#include <skimmer/list.h>

#define PAGE_MAX_ORDER 10	/* largest block: 2^10 pages = 4 MiB */

/*
 * Give [start, end) of usable RAM to the allocator (rounded inward to pages).
 * May be called for up to PAGE_MAX_REGIONS disjoint regions at boot, before any
 * allocation; the allocator keeps its own bookkeeping inside the region.
 */
#define PAGE_MAX_REGIONS 8
void page_add_region(uint64_t start, uint64_t end);

/* 2^order contiguous, naturally aligned pages, zero-filled; NULL when out of memory.
 * Any context; takes a spinlock with interrupts off. */
void *page_alloc(unsigned order);
void page_free(void *p, unsigned order);
size_t page_free_count(void);	/* free 4 KiB pages */
size_t page_total_count(void);	/* pages managed */

/* Kernel heap: any size; small sizes from per-size-class slabs, large ones as whole pages.
 * Zero-filled; NULL when out of memory. kfree(NULL) is a no-op. Any context. */
void *kmalloc(size_t n);
void kfree(void *p);
size_t kmalloc_live(void);	/* allocations not yet freed (leak checks) */
size_t kmalloc_trim(void);	/* return cached empty slabs to the page pool */

/*
 * For kmalloc only: the page allocator's per-page metadata. page_alloc() hands the
 * caller a block whose head entry has pm_state == PM_ALLOC, pm_order set and the heap
 * fields (pm_link, pm_free, pm_tag, pm_inuse) cleared; while the heap owns the block it
 * may use those fields freely but must not change pm_state/pm_order.
 */
enum { PM_NONE, PM_FREE, PM_ALLOC };	/* PM_NONE: not the head of a block */
struct page_meta {
	struct list pm_link;	/* page.c: free list while free; heap: slab list */
	void *pm_free;		/* heap: first free object of a slab */
	uint8_t pm_state;	/* PM_* */
	uint8_t pm_order;	/* block order while pm_state != PM_NONE */
	uint16_t pm_tag;	/* heap: owner tag (0 = not the heap's) */
	uint16_t pm_inuse;	/* heap: objects allocated from a slab */
};
/* Metadata of the page containing p; NULL if p is not in a managed page. Lock-free. */
struct page_meta *page_meta(const void *p);

#ifdef HOST_TEST
void page_reset_for_test(void);		/* forget all regions (call kmalloc_reset_for_test first) */
void kmalloc_reset_for_test(void);	/* needs kmalloc_live()==0; returns cached slabs */
#endif

#endif
