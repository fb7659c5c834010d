/*
 * Sv39 page tables.
 *
 * The kernel map is built once at boot: RAM identity-mapped read/write and never
 * executable, except the kernel image, whose text is read/execute and rodata
 * read-only (4 KiB pages there, 2 MiB pages elsewhere), plus the devices the
 * kernel drives. All kernel mappings are global and live below USER_VA_LO, so
 * a process root table just copies the kernel's root slots below that.
 *
 * ASIDs are handed out once and never reused, so no cross-hart shootdown is
 * needed when an address space dies. When they run out, later processes share
 * ASID 0 semantics by flushing the whole TLB on each switch (correct, slower).
 */
#include <skimmer/kern.h>
#include <skimmer/kmem.h>
#include <skimmer/fdt.h>
#include <skimmer/spinlock.h>
#include <arch/pmap.h>
#include <arch/cpu.h>

#define PTE_V (1UL << 0)
#define PTE_R (1UL << 1)
#define PTE_W (1UL << 2)
#define PTE_X (1UL << 3)
#define PTE_U (1UL << 4)
#define PTE_G (1UL << 5)
#define PTE_A (1UL << 6)
#define PTE_D (1UL << 7)
#define PTE_DEV (1UL << 8)	/* software bit: device registers, not the pmap's page */
#define PTE_SHR (1UL << 9)	/* software bit: a shared page, counted in its page_meta */
/* Both software bits: borrowed memory (the boot image): normal RAM the pmap never frees. */
#define PTE_SW (PTE_DEV | PTE_SHR)
#define PTE_PBMT_IO (2UL << 61)	/* Svpbmt: non-cacheable, I/O ordering */
#define PTE_LEAF (PTE_R | PTE_W | PTE_X)

#define SATP_SV39 (8UL << 60)
#define PTES 512
#define MEGA (2UL << 20)
#define USER_ROOT_FIRST (USER_VA_LO >> 30)	/* root slot 128 */

extern char _kernel_start[], _srodata[], _sdata[], _end[];
extern struct fdt_info bootinfo;

static uint64_t *kernel_root;
static uint64_t kernel_satp;
static uint32_t asid_next = 1, asid_max;
static bool kernel_map_done;

#define MAX_DEVICES 8
static struct { uint64_t pa, size; } devices[MAX_DEVICES];
static int ndevices;

static inline uint64_t pte_make(uint64_t pa, uint64_t flags)
{
	return ((pa >> PAGE_SHIFT) << 10) | flags | PTE_V;
}

static inline uint64_t *pte_table(uint64_t pte)
{
	return (uint64_t *)(uintptr_t)((pte >> 10) << PAGE_SHIFT);
}

static inline unsigned vpn(uint64_t va, int level)
{
	return (va >> (PAGE_SHIFT + 9 * level)) & (PTES - 1);
}

/* The entry for va at `level` (0 = 4 KiB leaf, 1 = 2 MiB), creating tables on the
 * way down when `tables` is non-NULL (it counts the pages made). NULL if missing
 * and not creating, or out of memory. */
static uint64_t *pte_walk(uint64_t *root, uint64_t va, int level, size_t *tables)
{
	uint64_t *t = root;
	for (int l = 2; l > level; l--) {
		uint64_t *pte = &t[vpn(va, l)];
		if (!(*pte & PTE_V)) {
			if (tables == NULL)
				return NULL;
			uint64_t *nt = page_alloc(0);
			if (nt == NULL)
				return NULL;
			(*tables)++;
			/* Release: another hart may be walking this address space (a message
			 * copy for one of its threads) and must see the zeroed table before
			 * the entry that links it. */
			__atomic_store_n(pte, pte_make((uintptr_t)nt, 0), __ATOMIC_RELEASE);
		}
		KASSERT(!(*pte & PTE_LEAF), "walk through a leaf at va %#lx", (unsigned long)va);
		t = pte_table(*pte);
	}
	return &t[vpn(va, level)];
}

/* Kernel map: [va, va+size) -> same pa, 2 MiB leaves where aligned. Boot only. */
static void kmap_range(uint64_t start, uint64_t end, uint64_t flags)
{
	static size_t ktables;
	start = ALIGN_DOWN(start, PAGE_SIZE);
	end = ALIGN_UP(end, PAGE_SIZE);
	while (start < end) {
		bool mega = (start % MEGA) == 0 && end - start >= MEGA;
		uint64_t *pte = pte_walk(kernel_root, start, mega ? 1 : 0, &ktables);
		if (pte == NULL)
			panic("pmap: out of memory for the kernel map");
		*pte = pte_make(start, flags | PTE_G | PTE_A | PTE_D);
		start += mega ? MEGA : PAGE_SIZE;
	}
}

void pmap_kernel_map_device(uint64_t pa, size_t size)
{
	KASSERT(!kernel_map_done && ndevices < MAX_DEVICES, "device map after boot");
	devices[ndevices].pa = pa;
	devices[ndevices].size = size;
	ndevices++;
}

void pmap_bootstrap(void)
{
	uint64_t ks = (uintptr_t)_kernel_start, ro = (uintptr_t)_srodata;
	uint64_t da = (uintptr_t)_sdata, ke = (uintptr_t)_end;

	kernel_root = page_alloc(0);
	if (kernel_root == NULL)
		panic("pmap: no memory for the kernel root table");
	for (int i = 0; i < bootinfo.nmem; i++) {
		uint64_t s = bootinfo.mem[i].base, e = s + bootinfo.mem[i].size;
		KASSERT(e <= USER_VA_LO, "RAM above 128 GiB is not supported");
		/* Everything but the kernel image: data, never code. */
		if (s < ks)
			kmap_range(s, MIN(e, ks), PTE_R | PTE_W);
		if (e > ke)
			kmap_range(MAX(s, ke), e, PTE_R | PTE_W);
	}
	kmap_range(ks, ro, PTE_R | PTE_X);	/* text */
	kmap_range(ro, da, PTE_R);		/* rodata */
	kmap_range(da, ke, PTE_R | PTE_W);	/* data, bss, boot stack */
	for (int i = 0; i < ndevices; i++)
		kmap_range(devices[i].pa, devices[i].pa + devices[i].size, PTE_R | PTE_W);
	kernel_satp = SATP_SV39 | ((uintptr_t)kernel_root >> PAGE_SHIFT);

	/* How many ASID bits does this hart have? Write all ones and read back. */
	csr_write(satp, SATP_SV39 | (0xffffUL << 44) | ((uintptr_t)kernel_root >> PAGE_SHIFT));
	asid_max = (csr_read(satp) >> 44) & 0xffff;
	csr_write(satp, 0);
	kernel_map_done = true;
}

uint64_t pmap_kernel_satp(void)
{
	return kernel_satp;
}

void pmap_activate_hart(void)
{
	__asm__ __volatile__("sfence.vma" ::: "memory");
	csr_write(satp, kernel_satp);
	__asm__ __volatile__("sfence.vma" ::: "memory");
}

int pmap_create(struct pmap *pm)
{
	KASSERT(kernel_map_done, "pmap_create before pmap_bootstrap");
	uint64_t *root = page_alloc(0);
	if (root == NULL)
		return 12;	/* ENOMEM */
	for (unsigned i = 0; i < USER_ROOT_FIRST; i++)
		root[i] = kernel_root[i];
	uint32_t asid = __atomic_fetch_add(&asid_next, 1, __ATOMIC_RELAXED);
	if (asid > asid_max)
		asid = 0;
	pm->pm_root = root;
	pm->pm_asid = asid;
	pm->pm_satp = SATP_SV39 | ((uint64_t)asid << 44) | ((uintptr_t)root >> PAGE_SHIFT);
	pm->pm_pages = 0;
	pm->pm_tables = 0;
	for (unsigned i = 0; i < PMAP_XLAT; i++)
		pm->pm_xlat[i] = 0;
	return 0;
}

int pmap_enter_new(struct pmap *pm, uint64_t va, int prot, void **kva)
{
	if (va < USER_VA_LO || va >= USER_VA_HI || (va & (PAGE_SIZE - 1)))
		return 22;	/* EINVAL */
	uint64_t *pte = pte_walk(pm->pm_root, va, 0, &pm->pm_tables);
	if (pte == NULL)
		return 12;
	if (*pte & PTE_V)
		return 17;	/* EEXIST */
	void *page = page_alloc(0);
	if (page == NULL)
		return 12;
	uint64_t flags = PTE_U | PTE_A | PTE_D;
	flags |= (prot & PROT_R) ? PTE_R : 0;
	flags |= (prot & PROT_W) ? PTE_W | PTE_R : 0;
	flags |= (prot & PROT_X) ? PTE_X : 0;
	__atomic_store_n(pte, pte_make((uintptr_t)page, flags), __ATOMIC_RELEASE);	/* as pte_walk */
	pm->pm_pages++;
	if (kva)
		*kva = page;
	return 0;
}

int pmap_enter_phys(struct pmap *pm, uint64_t va, uint64_t pa, size_t len)
{
	static int pbmt = -1;	/* does the hart have Svpbmt? */
	if (pbmt < 0)
		pbmt = fdt_isa_has(bootinfo.isa, "svpbmt");
	KASSERT(!((va | pa | len) & (PAGE_SIZE - 1)) && va >= USER_VA_LO && len <= USER_VA_HI - va,
		"pmap_enter_phys arguments");
	/* Tables first, so that filling the leaves cannot fail part-way. */
	for (uint64_t o = 0; o < len; o += PAGE_SIZE) {
		uint64_t *pte = pte_walk(pm->pm_root, va + o, 0, &pm->pm_tables);
		if (pte == NULL)
			return 12;	/* ENOMEM */
		if (*pte & PTE_V)
			return 17;	/* EEXIST */
	}
	uint64_t flags = PTE_U | PTE_R | PTE_W | PTE_A | PTE_D | PTE_DEV | (pbmt ? PTE_PBMT_IO : 0);
	for (uint64_t o = 0; o < len; o += PAGE_SIZE)
		__atomic_store_n(pte_walk(pm->pm_root, va + o, 0, NULL), pte_make(pa + o, flags),
				 __ATOMIC_RELEASE);
	return 0;
}

void *pmap_user_addr_walk(struct pmap *pm, uint64_t va, bool write)
{
	/* pmap_user_addr's miss: one straight walk, no generic helper; the result goes
	 * into pm_xlat. */
	uint64_t need = PTE_V | PTE_U | PTE_R | (write ? PTE_W : 0);
	if (va - USER_VA_LO >= USER_VA_HI - USER_VA_LO)
		return NULL;
	uint64_t pte = pm->pm_root[vpn(va, 2)];
	if ((pte & (PTE_V | PTE_LEAF)) != PTE_V)
		return NULL;
	pte = pte_table(pte)[vpn(va, 1)];
	if ((pte & (PTE_V | PTE_LEAF)) != PTE_V)
		return NULL;
	pte = pte_table(pte)[vpn(va, 0)];
	if ((pte & need) != need || (pte & PTE_SW) == PTE_DEV)
		return NULL;
	uint64_t upn = (va - USER_VA_LO) >> PAGE_SHIFT;
	uint64_t kpage = (uintptr_t)pte_table(pte);
	KASSERT(kpage < USER_VA_LO, "user page at %#lx outside the identity map", (unsigned long)kpage);
	__atomic_store_n(&pm->pm_xlat[upn % PMAP_XLAT],
			 ((kpage >> PAGE_SHIFT) << 27) | (upn << 2) | ((pte & PTE_W) ? 2 : 0) | 1,
			 __ATOMIC_RELAXED);
	return (char *)kpage + (va & (PAGE_SIZE - 1));
}

/* Shared pages: how many mappings a PTE_SHR page has, in its page_meta's pm_inuse (a user
 * page is not the heap's, so those fields are free: kmem.h). share_lock guards them. */
static struct spinlock share_lock = SPINLOCK_INIT("pmap share");

/* A leaf is going: true if its page is to be freed now (owned, or the last mapping of a
 * shared page). Device and borrowed pages never are. */
static bool page_release(uint64_t pte)
{
	uint64_t sw = pte & PTE_SW;
	if (sw == 0)
		return true;
	if (sw != PTE_SHR)
		return false;
	struct page_meta *m = page_meta(pte_table(pte));
	unsigned long s = spin_lock_irqsave(&share_lock);
	KASSERT(m->pm_inuse > 0, "shared page without mappings");
	bool last = --m->pm_inuse == 0;
	spin_unlock_irqrestore(&share_lock, s);
	return last;
}

/* Free a user subtree: leaves' pages and the tables themselves. */
static void free_level(uint64_t *t, int level, struct pmap *pm)
{
	for (unsigned i = 0; i < PTES; i++) {
		if (!(t[i] & PTE_V))
			continue;
		if (t[i] & PTE_LEAF) {
			KASSERT(level == 0, "large user mapping");
			if ((t[i] & PTE_SW) == PTE_DEV)
				continue;	/* device registers: not ours to free */
			pm->pm_pages--;
			if (page_release(t[i]))
				page_free(pte_table(t[i]), 0);
		} else {
			free_level(pte_table(t[i]), level - 1, pm);
			page_free(pte_table(t[i]), 0);
			pm->pm_tables--;
		}
	}
}

void pmap_destroy(struct pmap *pm)
{
	KASSERT(csr_read(satp) != pm->pm_satp, "destroying the live address space");
	for (unsigned i = USER_ROOT_FIRST; i < PTES / 2; i++) {
		if (pm->pm_root[i] & PTE_V) {
			free_level(pte_table(pm->pm_root[i]), 1, pm);
			page_free(pte_table(pm->pm_root[i]), 0);
			pm->pm_tables--;
		}
	}
	KASSERT(pm->pm_pages == 0 && pm->pm_tables == 0, "pmap accounting: %lu pages, %lu tables",
		(unsigned long)pm->pm_pages, (unsigned long)pm->pm_tables);
	page_free(pm->pm_root, 0);
	pm->pm_root = NULL;
}

/* --- Changing mappings (taskman's memory calls: kern/vm.c) ------------------------------- */

static bool user_span_ok(uint64_t va, size_t len)
{
	return !((va | len) & (PAGE_SIZE - 1)) && va >= USER_VA_LO && va < USER_VA_HI &&
	       len <= USER_VA_HI - va;
}

int pmap_reserve(struct pmap *pm, uint64_t va, size_t len)
{
	if (!user_span_ok(va, len))
		return 22;	/* EINVAL */
	for (uint64_t o = 0; o < len; o += PAGE_SIZE) {
		uint64_t *pte = pte_walk(pm->pm_root, va + o, 0, &pm->pm_tables);
		if (pte == NULL)
			return 12;	/* ENOMEM */
		if (*pte & PTE_V)
			return 17;	/* EEXIST */
	}
	return 0;
}

static uint64_t prot_bits(int prot)
{
	uint64_t f = 0;
	f |= (prot & PROT_R) ? PTE_R : 0;
	f |= (prot & PROT_W) ? PTE_W | PTE_R : 0;
	f |= (prot & PROT_X) ? PTE_X : 0;
	return f;
}

void pmap_install(struct pmap *pm, uint64_t va, void *page, int prot, int kind)
{
	uint64_t *pte = pte_walk(pm->pm_root, va, 0, NULL);
	KASSERT(pte && !(*pte & PTE_V), "pmap_install over a mapping at %#lx", (unsigned long)va);
	uint64_t sw = kind == PMAP_SHARED ? PTE_SHR : kind == PMAP_BORROWED ? PTE_SW : 0;
	if (kind == PMAP_SHARED) {
		struct page_meta *m = page_meta(page);
		unsigned long s = spin_lock_irqsave(&share_lock);
		m->pm_inuse++;
		spin_unlock_irqrestore(&share_lock, s);
	}
	/* Without any of R/W/X a leaf would read as a table pointer: PROT_NONE pages keep R
	 * and lose U instead, so the user cannot touch them but they stay leaves. */
	uint64_t acc = prot_bits(prot);
	uint64_t flags = acc ? acc | PTE_U : PTE_R;
	__atomic_store_n(pte, pte_make((uintptr_t)page, flags | PTE_A | PTE_D | sw), __ATOMIC_RELEASE);
	pm->pm_pages++;
}

void *pmap_page_of(struct pmap *pm, uint64_t va, int *kind)
{
	if (va - USER_VA_LO >= USER_VA_HI - USER_VA_LO)
		return NULL;
	uint64_t *pte = pte_walk(pm->pm_root, va & ~(uint64_t)(PAGE_SIZE - 1), 0, NULL);
	if (pte == NULL || !(*pte & PTE_V) || (*pte & PTE_SW) == PTE_DEV)
		return NULL;
	uint64_t sw = *pte & PTE_SW;
	*kind = sw == 0 ? PMAP_OWNED : sw == PTE_SHR ? PMAP_SHARED : PMAP_BORROWED;
	return pte_table(*pte);
}

void pmap_make_shared(struct pmap *pm, uint64_t va)
{
	uint64_t *pte = pte_walk(pm->pm_root, va, 0, NULL);
	KASSERT(pte && (*pte & PTE_V), "pmap_make_shared: nothing at %#lx", (unsigned long)va);
	if (*pte & PTE_SW)
		return;
	struct page_meta *m = page_meta(pte_table(*pte));
	unsigned long s = spin_lock_irqsave(&share_lock);
	m->pm_inuse = 1;
	spin_unlock_irqrestore(&share_lock, s);
	/* Software bits only: the hardware ignores them, no TLB work. */
	__atomic_store_n(pte, *pte | PTE_SHR, __ATOMIC_RELEASE);
}

void pmap_xlat_clear(struct pmap *pm)
{
	for (unsigned i = 0; i < PMAP_XLAT; i++)
		__atomic_store_n(&pm->pm_xlat[i], 0, __ATOMIC_RELAXED);
	__atomic_thread_fence(__ATOMIC_SEQ_CST);
}

size_t pmap_remove(struct pmap *pm, uint64_t va, size_t len, void **freeq)
{
	size_t n = 0;
	if (!user_span_ok(va, len))
		return 0;
	for (uint64_t o = 0; o < len; o += PAGE_SIZE) {
		uint64_t *pte = pte_walk(pm->pm_root, va + o, 0, NULL);
		if (pte == NULL) {	/* no table here: skip to the next 2 MiB */
			uint64_t next = ALIGN_UP(va + o + 1, MEGA);
			o = next - va - PAGE_SIZE;
			continue;
		}
		uint64_t old = *pte;
		if (!(old & PTE_V))
			continue;
		__atomic_store_n(pte, 0, __ATOMIC_RELEASE);
		n++;
		if ((old & PTE_SW) == PTE_DEV)
			continue;
		pm->pm_pages--;
		if (page_release(old)) {
			void **page = (void **)pte_table(old);
			*page = *freeq;		/* linked through their first word until freed */
			*freeq = page;
		}
	}
	pmap_xlat_clear(pm);
	return n;
}

int pmap_protect(struct pmap *pm, uint64_t va, size_t len, int prot)
{
	if (!user_span_ok(va, len))
		return 22;
	for (uint64_t o = 0; o < len; o += PAGE_SIZE) {	/* all mapped first */
		uint64_t *pte = pte_walk(pm->pm_root, va + o, 0, NULL);
		if (pte == NULL || !(*pte & PTE_V) || (*pte & PTE_SW) == PTE_DEV)
			return 12;	/* ENOMEM, as mprotect says */
	}
	uint64_t acc = prot_bits(prot);
	for (uint64_t o = 0; o < len; o += PAGE_SIZE) {
		uint64_t *pte = pte_walk(pm->pm_root, va + o, 0, NULL);
		uint64_t keep = *pte & ~(PTE_R | PTE_W | PTE_X | PTE_U);
		if ((*pte & PTE_SW) == PTE_SW)
			acc &= ~PTE_W;			/* borrowed pages stay read-only */
		__atomic_store_n(pte, keep | (acc ? acc | PTE_U : PTE_R), __ATOMIC_RELEASE);
	}
	pmap_xlat_clear(pm);
	return 0;
}

size_t pmap_page_count(const struct pmap *pm)
{
	return pm->pm_pages;
}
