/* Host tests for the buddy page allocator (page.c) and the kernel heap (kmalloc.c). */
/* SOURCES: kernel/skimmer/kern/page.c kernel/skimmer/kern/kmalloc.c */
#include "test.h"
#include <skimmer/kmem.h>
#include <pthread.h>
#include <signal.h>
#include <stdint.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

/*
 * "Physical memory" is two host buffers: an 8 MiB one aligned to 4 MiB and an oddly
 * sized, unaligned one. Every test starts from setup(), which resets both allocators.
 */
#define BUF1_SIZE (8UL << 20)
#define BUF2_SIZE ((3UL << 20) + 12345)
#define R2_OFF    777			/* region 2 = [buf2 + 777, buf2 + BUF2_SIZE - 99) */

static char *buf1, *buf2;
static size_t nmax_fresh;		/* PAGE_MAX_ORDER blocks available after setup() */

static uint64_t rng = 0x9e3779b97f4a7c15ULL;
static uint64_t rnd(void)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return rng;
}

/* Data pages page.c gets from [start, end): pages minus its metadata pages. */
static size_t expected_pages(uintptr_t start, uintptr_t end)
{
	uintptr_t s = (start + PAGE_SIZE - 1) & ~(PAGE_SIZE - 1), e = end & ~(PAGE_SIZE - 1);
	size_t n = (e - s) / PAGE_SIZE;
	size_t meta = (n * sizeof(struct page_meta) + PAGE_SIZE - 1) / PAGE_SIZE;
	return n - meta;
}

static void setup(void)
{
	if (!buf1) {
		buf1 = aligned_alloc(4UL << 20, BUF1_SIZE);
		buf2 = malloc(BUF2_SIZE);
	}
	kmalloc_reset_for_test();
	page_reset_for_test();
	page_add_region((uintptr_t)buf1, (uintptr_t)buf1 + BUF1_SIZE);
	page_add_region((uintptr_t)buf2 + R2_OFF, (uintptr_t)buf2 + BUF2_SIZE - 99);
}

static int in_regions(const void *p, size_t len)
{
	const char *c = p;
	return (c >= buf1 && c + len <= buf1 + BUF1_SIZE) ||
	       (c >= buf2 + R2_OFF && c + len <= buf2 + BUF2_SIZE - 99);
}

/* Allocate every max-order block, count them, free them again. */
static size_t count_max_blocks(void)
{
	void *v[64];
	size_t n = 0;
	while (n < 64 && (v[n] = page_alloc(PAGE_MAX_ORDER)))
		n++;
	for (size_t i = 0; i < n; i++)
		page_free(v[i], PAGE_MAX_ORDER);
	return n;
}

TEST(add_region_counts)
{
	setup();
	size_t want = expected_pages((uintptr_t)buf1, (uintptr_t)buf1 + BUF1_SIZE) +
		      expected_pages((uintptr_t)buf2 + R2_OFF, (uintptr_t)buf2 + BUF2_SIZE - 99);
	CHECK_EQ(page_total_count(), want);
	CHECK_EQ(page_free_count(), want);
	page_add_region((uintptr_t)buf1, (uintptr_t)buf1);	/* empty: ignored */
	CHECK_EQ(page_total_count(), want);
	CHECK(page_meta(buf1) == NULL);				/* metadata page */
	CHECK(page_meta(buf1 + BUF1_SIZE - 1) != NULL);
	CHECK(page_meta(buf1 + BUF1_SIZE) == NULL || in_regions(buf1 + BUF1_SIZE, 1));
	CHECK(page_alloc(PAGE_MAX_ORDER + 1) == NULL);
	nmax_fresh = count_max_blocks();
	CHECK(nmax_fresh >= 1);		/* buf1's upper 4 MiB */
	CHECK_EQ(page_free_count(), want);
}

TEST(drain_order0_then_coalesce)
{
	setup();
	size_t total = page_total_count(), n = 0;
	void **v = calloc(total + 1, sizeof(void *));
	while ((v[n] = page_alloc(0)) != NULL) {
		CHECK(in_regions(v[n], PAGE_SIZE));
		CHECK(((uintptr_t)v[n] & (PAGE_SIZE - 1)) == 0);
		*(size_t *)v[n] = n;	/* distinct pages keep distinct tags */
		n++;
		if (n > total)
			break;
	}
	CHECK_EQ(n, total);
	CHECK_EQ(page_free_count(), 0);
	CHECK(page_alloc(0) == NULL);
	for (size_t i = 0; i < n; i++)
		CHECK_EQ(*(size_t *)v[i], i);
	for (size_t i = n; i > 1; i--) {	/* free in a shuffled order */
		size_t j = rnd() % i;
		void *t = v[i - 1]; v[i - 1] = v[j]; v[j] = t;
	}
	for (size_t i = 0; i < n; i++)
		page_free(v[i], 0);
	CHECK_EQ(page_free_count(), total);
	CHECK_EQ(count_max_blocks(), nmax_fresh);
	free(v);
}

TEST(alignment_each_order)
{
	setup();
	for (unsigned k = 0; k <= PAGE_MAX_ORDER; k++) {
		void *p = page_alloc(k);
		CHECK(p != NULL);
		if (!p)
			continue;
		CHECK_EQ((uintptr_t)p & ((PAGE_SIZE << k) - 1), 0);
		CHECK(in_regions(p, PAGE_SIZE << k));
		CHECK_EQ(page_free_count(), page_total_count() - (1UL << k));
		page_free(p, k);
	}
	CHECK_EQ(page_free_count(), page_total_count());
}

TEST(zero_fill)
{
	setup();
	for (unsigned k = 0; k <= 4; k++) {
		unsigned char *p = page_alloc(k);
		memset(p, 0xa5, PAGE_SIZE << k);
		page_free(p, k);
		unsigned char *q = page_alloc(k);
		CHECK(q == p);	/* LIFO free lists: we get the dirty block back */
		for (size_t i = 0; i < (PAGE_SIZE << k); i++)
			if (q[i]) { CHECK(q[i] == 0); break; }
		page_free(q, k);
	}
}

/* Randomized mixed-order alloc/free against a shadow model of which pages are in use. */
struct blk { char *p; unsigned order; uint64_t id; };
#define MAXLIVE 512

static uint64_t *owner_slot(const char *p)
{
	static uint64_t owner1[BUF1_SIZE / 4096], owner2[BUF2_SIZE / 4096 + 1];
	if (p >= buf1 && p < buf1 + BUF1_SIZE)
		return &owner1[(p - buf1) / PAGE_SIZE];
	return &owner2[(p - buf2) / PAGE_SIZE];
}

static void stamp(struct blk *b, int set)	/* write or verify each page's first/last word */
{
	for (size_t i = 0; i < (1UL << b->order); i++) {
		uint64_t *w = (uint64_t *)(b->p + i * PAGE_SIZE);
		uint64_t tag = b->id * 4096 + i;
		if (set) {
			CHECK(w[0] == 0 && w[PAGE_SIZE / 8 - 1] == 0);	/* zero-filled */
			w[0] = w[PAGE_SIZE / 8 - 1] = tag;
		} else {
			CHECK(w[0] == tag && w[PAGE_SIZE / 8 - 1] == tag);
		}
		uint64_t *o = owner_slot(b->p + i * PAGE_SIZE);
		CHECK(set ? *o == 0 : *o == b->id);
		*o = set ? b->id : 0;
	}
}

TEST(random_shadow_model)
{
	setup();
	static struct blk live[MAXLIVE];
	size_t nlive = 0, used = 0, fails = 0;
	uint64_t next_id = 1;
	rng = 12345;
	for (int op = 0; op < 100000 && !host_test_failed; op++) {
		if (nlive < MAXLIVE && (nlive == 0 || rnd() % 100 < 55)) {
			unsigned k = 0;	/* order k with probability ~2^-(k+1) */
			while (k < PAGE_MAX_ORDER && (rnd() & 1))
				k++;
			struct blk b = { page_alloc(k), k, next_id++ };
			if (!b.p) {
				fails++;
				continue;
			}
			CHECK_EQ((uintptr_t)b.p & ((PAGE_SIZE << k) - 1), 0);
			CHECK(in_regions(b.p, PAGE_SIZE << k));
			stamp(&b, 1);
			live[nlive++] = b;
			used += 1UL << k;
		} else {
			size_t i = rnd() % nlive;
			stamp(&live[i], 0);
			page_free(live[i].p, live[i].order);
			used -= 1UL << live[i].order;
			live[i] = live[--nlive];
		}
		CHECK_EQ(page_free_count(), page_total_count() - used);
	}
	while (nlive) {
		stamp(&live[--nlive], 0);
		page_free(live[nlive].p, live[nlive].order);
	}
	CHECK_EQ(page_free_count(), page_total_count());
	CHECK_EQ(count_max_blocks(), nmax_fresh);
	printf("  random_shadow_model: %zu failed allocations (fragmentation / full)\n", fails);
}

static void fill(unsigned char *p, size_t n, uint64_t id)
{
	for (size_t i = 0; i < n; i++)
		p[i] = (unsigned char)(id * 31 + i);
}

static int verify(const unsigned char *p, size_t n, uint64_t id)
{
	for (size_t i = 0; i < n; i++)
		if (p[i] != (unsigned char)(id * 31 + i))
			return 0;
	return 1;
}

static int zeroed(const unsigned char *p, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (p[i])
			return 0;
	return 1;
}

TEST(kmalloc_classes_and_big)
{
	setup();
	size_t base = page_free_count();
	static const size_t sizes[] = { PAGE_SIZE << PAGE_MAX_ORDER, 0, 1, 8, 15, 16, 17, 31, 32, 33, 63, 64, 65, 127, 128, 129,
		255, 256, 257, 511, 512, 513, 1000, 1024, 1025, 2047, 2048, 2049, 4096, 4097,
		8192, 12288, 100000, 1UL << 20 };
	enum { PER = 300 };	/* > one slab's worth for the small classes */
	static void *v[ARRAY_SIZE(sizes)][PER];
	size_t count = 0;
	for (size_t s = 0; s < ARRAY_SIZE(sizes); s++) {
		size_t n = sizes[s], per = n > 2048 ? 1 + (s > 0) : n > 256 ? 40 : PER;
		size_t align = n > 2048 ? PAGE_SIZE : 16;
		while (n <= 2048 && align < n)
			align <<= 1;
		for (size_t i = 0; i < per; i++) {
			unsigned char *p = kmalloc(n);
			v[s][i] = p;
			CHECK(p != NULL);
			if (!p)
				continue;
			count++;
			CHECK_EQ((uintptr_t)p & (align - 1), 0);
			CHECK(in_regions(p, n));
			CHECK(zeroed(p, n));
			fill(p, n, s * PER + i);
		}
	}
	CHECK_EQ(kmalloc_live(), count);
	CHECK(kmalloc((PAGE_SIZE << PAGE_MAX_ORDER) + 1) == NULL);
	CHECK(kmalloc(SIZE_MAX) == NULL);
	kfree(NULL);
	CHECK_EQ(kmalloc_live(), count);
	for (size_t s = 0; s < ARRAY_SIZE(sizes); s++)	/* free alternate halves */
		for (size_t i = 0; i < PER; i++)
			if (v[s][i] && (i & 1)) {
				CHECK(verify(v[s][i], sizes[s], s * PER + i));
				kfree(v[s][i]);
			}
	for (size_t s = ARRAY_SIZE(sizes); s-- > 0;)
		for (size_t i = 0; i < PER; i++)
			if (v[s][i] && !(i & 1)) {
				CHECK(verify(v[s][i], sizes[s], s * PER + i));
				kfree(v[s][i]);
			}
	CHECK_EQ(kmalloc_live(), 0);
	/* At most one cached empty slab per class (16..2048: 8 classes). */
	CHECK(page_free_count() <= base && page_free_count() >= base - 8);
	kmalloc_reset_for_test();
	CHECK_EQ(page_free_count(), base);
}

TEST(kmalloc_random)
{
	setup();
	size_t base = page_free_count();
	enum { N = 2000 };
	static struct { unsigned char *p; size_t n; } v[N];
	rng = 777;
	for (int op = 0; op < 100000 && !host_test_failed; op++) {
		size_t i = rnd() % N;
		if (v[i].p) {
			CHECK(verify(v[i].p, v[i].n, i));
			kfree(v[i].p);
			v[i].p = NULL;
		} else {
			size_t r = rnd();
			size_t n = (r & 15) == 0 ? r % 20000 : r % 2100;
			v[i].p = kmalloc(n);
			v[i].n = n;
			CHECK(v[i].p != NULL && zeroed(v[i].p, n));
			fill(v[i].p, n, i);
		}
	}
	for (size_t i = 0; i < N; i++)
		if (v[i].p) {
			CHECK(verify(v[i].p, v[i].n, i));
			kfree(v[i].p);
		}
	CHECK_EQ(kmalloc_live(), 0);
	kmalloc_reset_for_test();
	CHECK_EQ(page_free_count(), base);
}

/* Run fn in a child; it must panic (abort) with a message containing want. */
static void expect_panic(void (*fn)(void), const char *want)
{
	int fd[2];
	CHECK(pipe(fd) == 0);
	fflush(NULL);
	pid_t pid = fork();
	if (pid == 0) {
		dup2(fd[1], 2);
		fn();
		_exit(0);
	}
	close(fd[1]);
	char msg[1024] = "";
	size_t len = 0;
	ssize_t r;
	while (len < sizeof msg - 1 && (r = read(fd[0], msg + len, sizeof msg - 1 - len)) > 0)
		len += r;
	msg[len] = 0;
	close(fd[0]);
	int st;
	waitpid(pid, &st, 0);
	CHECK(WIFSIGNALED(st) && WTERMSIG(st) == SIGABRT);
	CHECK(strstr(msg, want) != NULL);
	if (!strstr(msg, want))
		fprintf(stderr, "  wanted \"%s\", got: %s\n", want, msg);
}

static void bad_page_double_free(void) { void *p = page_alloc(0); page_free(p, 0); page_free(p, 0); }
static void bad_page_wrong_order(void) { void *p = page_alloc(1); page_free(p, 0); }
static void bad_page_bigger_order(void) { void *p = page_alloc(0); void *q = page_alloc(0);
	page_free((uintptr_t)p & (2 * PAGE_SIZE - 1) ? q : p, 1); }
static void bad_page_misaligned(void) { char *p = page_alloc(2); page_free(p + PAGE_SIZE, 2); }
static void bad_page_interior(void) { char *p = page_alloc(2); page_free(p + PAGE_SIZE, 0); }
static void bad_page_foreign(void) { static char x[2 * PAGE_SIZE];
	page_free((void *)(((uintptr_t)x + PAGE_SIZE - 1) & ~(PAGE_SIZE - 1)), 0); }
static void bad_kfree_double(void) { void *p = kmalloc(40); kmalloc(40); kfree(p); kfree(p); }
static void bad_kfree_double_big(void) { void *p = kmalloc(9000); kfree(p); kfree(p); }
static void bad_kfree_inside(void) { char *p = kmalloc(100); kfree(p + 16); }
static void bad_kfree_inside_big(void) { char *p = kmalloc(9000); kfree(p + 8); }
static void bad_kfree_page(void) { kfree(page_alloc(0)); }
static void bad_kfree_foreign(void) { int x; kfree(&x); }

TEST(invariant_panics)
{
	setup();
	expect_panic(bad_page_double_free, "double free");
	expect_panic(bad_page_wrong_order, "block has order 1");
	expect_panic(bad_page_bigger_order, "block has order 0");
	expect_panic(bad_page_misaligned, "not aligned");
	expect_panic(bad_page_interior, "not an allocated block");
	expect_panic(bad_page_foreign, "not in any region");
	expect_panic(bad_kfree_double, "double free");
	expect_panic(bad_kfree_double_big, "not a live heap allocation");
	expect_panic(bad_kfree_inside, "not the start of a 128-byte object");
	expect_panic(bad_kfree_inside_big, "not the start of a large allocation");
	expect_panic(bad_kfree_page, "not a live heap allocation");
	expect_panic(bad_kfree_foreign, "outside every region");
	CHECK_EQ(page_free_count(), page_total_count());	/* the children's state stayed there */
}

/*
 * Four threads hammering kmalloc/kfree (and page_alloc) concurrently. The ticket lock
 * convoys badly when the host has fewer CPUs than threads (a preempted waiter stalls
 * everyone; the host may also be busy), so each worker stops after 40000 operations or
 * about a second, whichever is first, and keeps few allocations live to drain at the end.
 */
static double now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec * 1e-9;
}

static size_t total_ops;

static void *worker(void *arg)
{
	double deadline = now() + 1.0;
	uint64_t s = (uintptr_t)arg * 0x2545f4914f6cdd1dULL + 1;
	enum { N = 32 };
	struct { unsigned char *p; size_t n; int page; } v[N] = { { 0 } };
	int bad = 0;
	int op;
	for (op = 0; op < 40000 && ((op & 7) || now() < deadline); op++) {
		s ^= s << 13; s ^= s >> 7; s ^= s << 17;
		size_t i = s % N;
		uint64_t id = (uintptr_t)arg * 1000 + i;
		if (v[i].p) {
			bad |= !verify(v[i].p, v[i].n, id);
			if (v[i].page)
				page_free(v[i].p, 0);
			else
				kfree(v[i].p);
			v[i].p = NULL;
		} else {
			v[i].page = (s >> 20) % 16 == 0;
			v[i].n = v[i].page ? PAGE_SIZE : ((s >> 24) % 8 == 0 ? (s >> 32) % 9000
									  : (s >> 32) % 2049);
			v[i].p = v[i].page ? page_alloc(0) : kmalloc(v[i].n);
			bad |= !v[i].p || !zeroed(v[i].p, v[i].n);
			if (v[i].p)
				fill(v[i].p, v[i].n, id);
		}
	}
	for (size_t i = 0; i < N; i++)
		if (v[i].p) {
			bad |= !verify(v[i].p, v[i].n, (uintptr_t)arg * 1000 + i);
			if (v[i].page)
				page_free(v[i].p, 0);
			else
				kfree(v[i].p);
		}
	__atomic_fetch_add(&total_ops, op, __ATOMIC_RELAXED);
	return (void *)(intptr_t)bad;
}

TEST(threads_smoke)
{
	setup();
	size_t base = page_free_count();
	pthread_t t[4];
	for (uintptr_t i = 0; i < 4; i++)
		CHECK(pthread_create(&t[i], NULL, worker, (void *)(i + 1)) == 0);
	for (int i = 0; i < 4; i++) {
		void *bad;
		pthread_join(t[i], &bad);
		CHECK(bad == NULL);
	}
	CHECK(total_ops >= 64);
	CHECK_EQ(kmalloc_live(), 0);
	kmalloc_reset_for_test();
	CHECK_EQ(page_free_count(), base);
	CHECK_EQ(count_max_blocks(), nmax_fresh);
	printf("  threads_smoke: %zu operations\n", total_ops);
}
