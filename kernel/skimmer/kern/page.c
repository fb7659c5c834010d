/* Physical page allocator: a binary buddy allocator over up to PAGE_MAX_REGIONS RAM regions. */

/*
 * Design. Each region handed to page_add_region() carves a struct page_meta array (one
 * entry per page) from its own start; the remaining pages are the region's data pages.
 * Blocks of 2^k pages are naturally aligned to 2^k pages relative to physical address 0,
 * so a block's buddy is at addr ^ (PAGE_SIZE << k). Only the head page's entry of a block
 * describes it (pm_state PM_FREE or PM_ALLOC, pm_order k); the other pages are PM_NONE.
 * Free blocks sit on one list per order (shared by all regions), linked through their
 * head's pm_link, so free memory itself is never written. Freeing merges with the buddy
 * while the buddy lies inside the same region and is a free block of the same order.
 * Physical memory is identity-mapped: a physical address is directly a pointer.
 * One irqsave spinlock protects everything; zero-filling happens outside the lock.
 */

#include <skimmer/kern.h>
#include <skimmer/kmem.h>
#include <skimmer/list.h>
#include <skimmer/spinlock.h>

struct region {
	uint64_t r_start;		/* first byte given to us (metadata lives here) */
	uint64_t r_base;		/* first data page */
	uint64_t r_end;			/* end of the last data page */
	struct page_meta *r_meta;	/* one entry per data page */
};

static struct spinlock page_lock = SPINLOCK_INIT("page");
static struct region regions[PAGE_MAX_REGIONS];
static unsigned nregions;
static struct list freelist[PAGE_MAX_ORDER + 1];
static size_t free_pages, total_pages;
static bool allocated_any;	/* page_add_region is only allowed before this */

#define BLOCK_SIZE(order) (PAGE_SIZE << (order))

/* The region whose data pages contain address a, or NULL. Regions are fixed after boot. */
static struct region *addr_region(uint64_t a)
{
	for (unsigned i = 0; i < nregions; i++)
		if (a >= regions[i].r_base && a < regions[i].r_end)
			return &regions[i];
	return NULL;
}

static struct page_meta *meta_of(struct region *r, uint64_t a)
{
	return &r->r_meta[(a - r->r_base) >> PAGE_SHIFT];
}

/* The address of the page that metadata entry m describes. Caller holds page_lock. */
static uint64_t meta_addr(const struct page_meta *m)
{
	for (unsigned i = 0; i < nregions; i++) {
		struct region *r = &regions[i];
		size_t n = (r->r_end - r->r_base) >> PAGE_SHIFT;
		if (m >= r->r_meta && m < r->r_meta + n)
			return r->r_base + ((uint64_t)(m - r->r_meta) << PAGE_SHIFT);
	}
	panic("page: metadata %p belongs to no region", (const void *)m);
}

/* Put the block at a (order k, inside r) on its free list. Caller holds page_lock. */
static void push_free(struct region *r, uint64_t a, unsigned k)
{
	struct page_meta *m = meta_of(r, a);
	m->pm_state = PM_FREE;
	m->pm_order = k;
	list_insert_head(&freelist[k], &m->pm_link);
}

/*
 * Give [start, end) to the allocator, rounded inward to pages. Boot only: before any
 * page_alloc, at most PAGE_MAX_REGIONS times, regions disjoint. A region too small to
 * hold its metadata and one data page is ignored. Context: boot; takes page_lock.
 */
void page_add_region(uint64_t start, uint64_t end)
{
	uint64_t s = ALIGN_UP(start, PAGE_SIZE), e = ALIGN_DOWN(end, PAGE_SIZE);
	if (end <= start || e <= s)
		return;
	size_t npages = (e - s) >> PAGE_SHIFT;
	size_t nmeta = (npages * sizeof(struct page_meta) + PAGE_SIZE - 1) >> PAGE_SHIFT;
	if (nmeta >= npages)
		return;
	size_t ndata = npages - nmeta;

	unsigned long flags = spin_lock_irqsave(&page_lock);
	KASSERT(!allocated_any, "page_add_region after the first page_alloc");
	KASSERT(nregions < PAGE_MAX_REGIONS, "page_add_region: more than %d regions",
		PAGE_MAX_REGIONS);
	for (unsigned i = 0; i < nregions; i++)
		KASSERT(e <= regions[i].r_start || s >= regions[i].r_end,
			"page_add_region [%#lx, %#lx) overlaps [%#lx, %#lx)", (unsigned long)s,
			(unsigned long)e, (unsigned long)regions[i].r_start,
			(unsigned long)regions[i].r_end);
	if (nregions == 0)
		for (unsigned k = 0; k <= PAGE_MAX_ORDER; k++)
			list_init(&freelist[k]);

	struct region *r = &regions[nregions++];
	r->r_start = s;
	r->r_base = s + (nmeta << PAGE_SHIFT);
	r->r_end = e;
	r->r_meta = (struct page_meta *)(uintptr_t)s;
	memset(r->r_meta, 0, ndata * sizeof(struct page_meta));

	/* Split the data pages into the largest naturally aligned blocks that fit. */
	for (uint64_t a = r->r_base; a < e;) {
		unsigned k = PAGE_MAX_ORDER;
		while (k > 0 && ((a & (BLOCK_SIZE(k) - 1)) || a + BLOCK_SIZE(k) > e))
			k--;
		push_free(r, a, k);
		a += BLOCK_SIZE(k);
	}
	total_pages += ndata;
	free_pages += ndata;
	spin_unlock_irqrestore(&page_lock, flags);
}

/*
 * Allocate 2^order contiguous pages, aligned to their size and zero-filled. Returns NULL
 * when no block is available or order > PAGE_MAX_ORDER. Context: any; takes page_lock
 * with interrupts off (the zero fill runs after it is dropped); never blocks.
 */
void *page_alloc(unsigned order)
{
	if (order > PAGE_MAX_ORDER)
		return NULL;

	unsigned long flags = spin_lock_irqsave(&page_lock);
	unsigned k = order;
	while (k <= PAGE_MAX_ORDER && (nregions == 0 || list_empty(&freelist[k])))
		k++;
	if (k > PAGE_MAX_ORDER) {
		spin_unlock_irqrestore(&page_lock, flags);
		return NULL;
	}
	struct page_meta *m = list_first_entry(&freelist[k], struct page_meta, pm_link);
	list_remove(&m->pm_link);
	uint64_t a = meta_addr(m);
	struct region *r = addr_region(a);
	while (k > order) {	/* give back the upper halves */
		k--;
		push_free(r, a + BLOCK_SIZE(k), k);
	}
	m->pm_state = PM_ALLOC;
	m->pm_order = order;
	m->pm_free = NULL;
	m->pm_tag = 0;
	m->pm_inuse = 0;
	free_pages -= (size_t)1 << order;
	allocated_any = true;
	spin_unlock_irqrestore(&page_lock, flags);

	memset((void *)(uintptr_t)a, 0, BLOCK_SIZE(order));
	return (void *)(uintptr_t)a;
}

/*
 * Free a block from page_alloc(order), merging it with free buddies in its region.
 * Panics on a pointer outside every region, a misaligned pointer, a pointer that is not
 * the start of an allocated block (double free), or an order that does not match.
 * Context: any; takes page_lock with interrupts off; never blocks.
 */
void page_free(void *p, unsigned order)
{
	uint64_t a = (uint64_t)(uintptr_t)p;
	KASSERT(order <= PAGE_MAX_ORDER, "page_free(%p, %u): bad order", p, order);
	KASSERT((a & (BLOCK_SIZE(order) - 1)) == 0,
		"page_free(%p, %u): not aligned to the block size", p, order);

	unsigned long flags = spin_lock_irqsave(&page_lock);
	struct region *r = addr_region(a);
	KASSERT(r != NULL, "page_free(%p, %u): not in any region", p, order);
	struct page_meta *m = meta_of(r, a);
	KASSERT(m->pm_state != PM_FREE, "page_free(%p, %u): double free", p, order);
	KASSERT(m->pm_state == PM_ALLOC,
		"page_free(%p, %u): not an allocated block (double free?)", p, order);
	KASSERT(m->pm_order == order, "page_free(%p, %u): block has order %u", p, order,
		(unsigned)m->pm_order);
	free_pages += (size_t)1 << order;

	while (order < PAGE_MAX_ORDER) {
		uint64_t b = a ^ BLOCK_SIZE(order);
		if (b < r->r_base || b + BLOCK_SIZE(order) > r->r_end)
			break;
		struct page_meta *bm = meta_of(r, b);
		if (bm->pm_state != PM_FREE || bm->pm_order != order)
			break;
		list_remove(&bm->pm_link);
		bm->pm_state = PM_NONE;
		m->pm_state = PM_NONE;
		a = MIN(a, b);
		m = meta_of(r, a);
		order++;
	}
	push_free(r, a, order);
	spin_unlock_irqrestore(&page_lock, flags);
}

/* Free 4 KiB pages right now (a snapshot). Context: any; lock-free. */
size_t page_free_count(void)
{
	return __atomic_load_n(&free_pages, __ATOMIC_RELAXED);
}

/* Data pages managed over all regions (metadata pages excluded). Context: any. */
size_t page_total_count(void)
{
	return __atomic_load_n(&total_pages, __ATOMIC_RELAXED);
}

/*
 * For kmalloc: the metadata entry of the page containing p, or NULL if p is not in a
 * data page of any region. Context: any; lock-free (the region table is fixed after boot).
 */
struct page_meta *page_meta(const void *p)
{
	uint64_t a = (uint64_t)(uintptr_t)p;
	struct region *r = addr_region(a);
	return r ? meta_of(r, a) : NULL;
}

#ifdef HOST_TEST
/* Host tests only: forget every region so a test can start from scratch. */
void page_reset_for_test(void)
{
	nregions = 0;
	free_pages = total_pages = 0;
	allocated_any = false;
}
#endif
