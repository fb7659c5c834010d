/* Kernel heap: power-of-two slabs for small objects, whole buddy blocks for large ones. */

/*
 * Design. Sizes up to KM_MAX_SMALL round up to a power-of-two class (16 .. 2048 bytes);
 * each class carves one-page slabs into naturally aligned objects. A slab's bookkeeping
 * lives in the page allocator's metadata for that page (struct page_meta): pm_tag names
 * the class, pm_inuse counts live objects, pm_free heads a free list threaded through the
 * free objects themselves (word 0: next, word 1: KM_FREE_MAGIC), pm_link puts the slab on
 * its class's partial list (slabs with at least one free object). A slab that becomes
 * empty is cached (one per class) or handed back to page_free. Larger sizes get the
 * smallest buddy block that fits, tagged KM_TAG_BIG; its order is the block's pm_order.
 * kfree finds everything from page_meta(p). One irqsave spinlock (heap_lock) guards the
 * heap state; it nests outside page_lock. Zero-filling happens outside heap_lock.
 */

#include <skimmer/kern.h>
#include <skimmer/kmem.h>
#include <skimmer/list.h>
#include <skimmer/spinlock.h>

#define KM_MIN_SHIFT	4			/* smallest class: 16 bytes */
#define KM_MAX_SHIFT	11			/* largest class: 2048 bytes */
#define KM_MAX_SMALL	(1UL << KM_MAX_SHIFT)
#define KM_NCLASSES	(KM_MAX_SHIFT - KM_MIN_SHIFT + 1)
#define KM_MAX_BIG	(PAGE_SIZE << PAGE_MAX_ORDER)	/* largest large allocation */

#define KM_TAG_SLAB	0x5300			/* | class index: page is a slab */
#define KM_TAG_BIG	0x4b42			/* page block is one large allocation */
#define KM_FREE_MAGIC	0xf7ee5106f7ee5106ULL	/* word 1 of a free slab object */

struct kclass {
	struct list kc_partial;		/* slabs with free objects (page_meta via pm_link) */
	struct page_meta *kc_empty;	/* one cached empty slab, off the partial list */
};

struct kfree_obj {			/* a free object's first 16 bytes */
	struct kfree_obj *next;
	uint64_t magic;
};

static struct spinlock heap_lock = SPINLOCK_INIT("heap");
static struct kclass classes[KM_NCLASSES];
static bool heap_ready;
static size_t live;

static size_t class_size(unsigned c) { return (size_t)1 << (c + KM_MIN_SHIFT); }

/* The class index serving n bytes (n <= KM_MAX_SMALL). */
static unsigned size_class(size_t n)
{
	unsigned c = 0;
	while (class_size(c) < n)
		c++;
	return c;
}

static uintptr_t page_of(const void *p) { return ALIGN_DOWN((uintptr_t)p, PAGE_SIZE); }

/* Set up the class lists on first use. Caller holds heap_lock. */
static void heap_init_locked(void)
{
	for (unsigned c = 0; c < KM_NCLASSES; c++) {
		list_init(&classes[c].kc_partial);
		classes[c].kc_empty = NULL;
	}
	heap_ready = true;
}

/*
 * A slab for class c with at least one free object, now on the partial list: the cached
 * empty one or a fresh page. NULL when out of pages. Caller holds heap_lock (page_lock
 * nests inside it).
 */
static struct page_meta *slab_get(unsigned c)
{
	struct kclass *kc = &classes[c];
	struct page_meta *m = kc->kc_empty;
	if (m) {
		kc->kc_empty = NULL;
	} else {
		char *page = page_alloc(0);
		if (!page)
			return NULL;
		m = page_meta(page);
		size_t sz = class_size(c), n = PAGE_SIZE / sz;
		struct kfree_obj *head = NULL;
		for (size_t i = n; i-- > 0;) {	/* free list in address order */
			struct kfree_obj *o = (struct kfree_obj *)(page + i * sz);
			o->next = head;
			o->magic = KM_FREE_MAGIC;
			head = o;
		}
		m->pm_free = head;
		m->pm_inuse = 0;
		m->pm_tag = KM_TAG_SLAB | c;
	}
	list_insert_head(&kc->kc_partial, &m->pm_link);
	return m;
}

/* Allocate one object of class c, zero-filled; NULL when out of memory. */
static void *small_alloc(unsigned c)
{
	unsigned long flags = spin_lock_irqsave(&heap_lock);
	if (!heap_ready)
		heap_init_locked();
	struct kclass *kc = &classes[c];
	struct page_meta *m = list_first_entry(&kc->kc_partial, struct page_meta, pm_link);
	if (!m && !(m = slab_get(c))) {
		spin_unlock_irqrestore(&heap_lock, flags);
		return NULL;
	}
	struct kfree_obj *o = m->pm_free;
	KASSERT(o->magic == KM_FREE_MAGIC && (!o->next || page_of(o->next) == page_of(o)),
		"kmalloc: free object %p of class %zu corrupted (use after free?)", (void *)o,
		class_size(c));
	m->pm_free = o->next;
	m->pm_inuse++;
	if (!m->pm_free)
		list_remove(&m->pm_link);	/* slab is full */
	live++;
	spin_unlock_irqrestore(&heap_lock, flags);

	memset(o, 0, class_size(c));
	return o;
}

/* Allocate a whole block of 2^order pages for one large object. */
static void *big_alloc(unsigned order)
{
	void *p = page_alloc(order);	/* zero-filled */
	if (!p)
		return NULL;
	unsigned long flags = spin_lock_irqsave(&heap_lock);
	page_meta(p)->pm_tag = KM_TAG_BIG;
	live++;
	spin_unlock_irqrestore(&heap_lock, flags);
	return p;
}

/*
 * Allocate n bytes, zero-filled; NULL when out of memory or n is larger than the largest
 * page block. n <= 2048 is aligned to its power-of-two class (kmalloc(0) gives a 16-byte
 * object); larger sizes are page-aligned. Context: any; takes heap_lock (and page_lock)
 * with interrupts off; never blocks.
 */
void *kmalloc(size_t n)
{
	if (n <= KM_MAX_SMALL)
		return small_alloc(size_class(n));
	if (n > KM_MAX_BIG)
		return NULL;
	unsigned order = 0;
	while ((PAGE_SIZE << order) < n)
		order++;
	return big_alloc(order);
}

/* True if o is on slab m's free list. Caller holds heap_lock. */
static bool on_freelist(struct page_meta *m, const void *o)
{
	for (struct kfree_obj *f = m->pm_free; f; f = f->next)
		if (f == o)
			return true;
	return false;
}

/*
 * Free a kmalloc'd pointer; kfree(NULL) does nothing. Panics on pointers the heap never
 * handed out where that is cheap to see: outside every region, in a page the heap does
 * not own, not the start of an object, or already free. Context: any; takes heap_lock
 * (and page_lock) with interrupts off; never blocks.
 */
void kfree(void *p)
{
	if (!p)
		return;
	struct page_meta *m = page_meta(p);
	KASSERT(m != NULL, "kfree(%p): not a heap pointer (outside every region)", p);
	void *to_free = NULL;
	unsigned to_free_order = 0;

	unsigned long flags = spin_lock_irqsave(&heap_lock);
	uint16_t tag = m->pm_tag;
	if (m->pm_state == PM_ALLOC && tag == KM_TAG_BIG) {
		KASSERT(page_of(p) == (uintptr_t)p,
			"kfree(%p): not the start of a large allocation", p);
		m->pm_tag = 0;
		to_free = p;
		to_free_order = m->pm_order;
	} else {
		unsigned c = tag & 0xff;
		KASSERT(m->pm_state == PM_ALLOC && (tag & ~0xffu) == KM_TAG_SLAB &&
			c < KM_NCLASSES,
			"kfree(%p): not a live heap allocation (page state %u tag %#x)", p,
			(unsigned)m->pm_state, (unsigned)tag);
		size_t sz = class_size(c);
		struct kfree_obj *o = p;
		KASSERT(((uintptr_t)p & (sz - 1)) == 0,
			"kfree(%p): not the start of a %zu-byte object", p, sz);
		KASSERT(o->magic != KM_FREE_MAGIC || !on_freelist(m, o),
			"kfree(%p): double free (%zu-byte object)", p, sz);
		KASSERT(m->pm_inuse > 0, "kfree(%p): slab has no live objects", p);
		if (!m->pm_free)
			list_insert_head(&classes[c].kc_partial, &m->pm_link);	/* was full */
		o->next = m->pm_free;
		o->magic = KM_FREE_MAGIC;
		m->pm_free = o;
		if (--m->pm_inuse == 0) {
			list_remove(&m->pm_link);
			if (!classes[c].kc_empty) {
				classes[c].kc_empty = m;
			} else {
				m->pm_tag = 0;
				to_free = (void *)page_of(p);
			}
		}
	}
	live--;
	spin_unlock_irqrestore(&heap_lock, flags);

	if (to_free)
		page_free(to_free, to_free_order);
}

/* Allocations handed out and not yet freed. Context: any; lock-free snapshot. */
size_t kmalloc_live(void)
{
	return __atomic_load_n(&live, __ATOMIC_RELAXED);
}

/*
 * Give every cached empty slab back to the page allocator; returns how many pages.
 * Leak checks call it so that free-page counts compare like with like.
 * Context: any; takes heap_lock (and page_lock inside it).
 */
size_t kmalloc_trim(void)
{
	size_t n = 0;
	unsigned long flags = spin_lock_irqsave(&heap_lock);
	for (unsigned c = 0; heap_ready && c < KM_NCLASSES; c++) {
		struct page_meta *m = classes[c].kc_empty;
		if (m) {
			void *page = (void *)page_of(m->pm_free);
			m->pm_tag = 0;
			classes[c].kc_empty = NULL;
			page_free(page, 0);
			n++;
		}
	}
	spin_unlock_irqrestore(&heap_lock, flags);
	return n;
}

#ifdef HOST_TEST
/* Host tests only: with nothing live, give the cached empty slabs back and start over. */
void kmalloc_reset_for_test(void)
{
	KASSERT(live == 0, "kmalloc_reset_for_test: %zu allocations still live", live);
	kmalloc_trim();
	unsigned long flags = spin_lock_irqsave(&heap_lock);
	for (unsigned c = 0; heap_ready && c < KM_NCLASSES; c++)
		KASSERT(list_empty(&classes[c].kc_partial),
			"kmalloc_reset_for_test: class %zu has a non-empty slab", class_size(c));
	heap_ready = false;
	spin_unlock_irqrestore(&heap_lock, flags);
}
#endif
