/*
 * Boot: the boot hart reads the device tree, sets up the console, memory, its
 * scheduler and the IPIQ rings, starts every other hart through SBI HSM, and
 * hands over to the self-test harness. Each hart then idles in its scheduler.
 */
#include <skimmer/wait.h>
#include <skimmer/ktimer.h>
#include <skimmer/thread2.h>
#include <skimmer/fdt.h>
#include <skimmer/kmem.h>
#include <skimmer/ipiq.h>
#include <skimmer/selftest.h>
#include <skimmer/bootfs.h>
#include <skimmer/channel.h>
#include <arch/sbi.h>
#include <arch/pmap.h>
#include <arch/plic.h>
#include <skimmer/intr.h>

#define KSTACK_SIZE (CONFIG_KSTACK_PAGES * PAGE_SIZE)

struct globaldata cpu_globals[MAXCPU];
int ncpus = 1;
struct fdt_info bootinfo;
struct bootfs boot_fs;		/* the boot image QEMU passed as the initrd */
bool have_bootfs;
uint64_t boot_hartid;
void *boot_fdt;

extern char _kernel_start[], _end[], boot_stack[];
void platform_console_init(const struct fdt_info *fi);
void platform_rtc_map(const struct fdt_info *fi);		/* before pmap_bootstrap */
uint64_t platform_rtc_read_ns(const struct fdt_info *fi);	/* 0: no RTC */
void trap_init_hart(void);
void timer_init(uint64_t timebase_hz);
void timer_start_hart(void);
long arch_start_hart(struct globaldata *gd, void *stack_top, uint64_t timeout);
void arch_hart_online(struct globaldata *gd);
extern int harts_entered_late;

#define MAX_RANGES 32
struct range {
	uint64_t start, end;
};

/* Remove [s, e) from the set of ranges, splitting where needed. */
static int range_subtract(struct range *r, int n, uint64_t s, uint64_t e)
{
	for (int i = 0; i < n; i++) {
		if (e <= r[i].start || s >= r[i].end)
			continue;
		if (s > r[i].start && e < r[i].end) {	/* a hole in the middle: split */
			if (n == MAX_RANGES)
				panic("boot: too many memory ranges");
			r[n++] = (struct range){ e, r[i].end };
			r[i].end = s;
		} else if (s <= r[i].start) {
			r[i].start = MIN(e, r[i].end);
		} else {
			r[i].end = s;
		}
	}
	return n;
}

/* Give the allocator all RAM except firmware, kernel, device tree and initrd. */
static void memory_init(const struct fdt_info *fi)
{
	struct range r[MAX_RANGES];
	int n = 0;
	uint64_t total = 0;

	for (int i = 0; i < fi->nmem && n < MAX_RANGES; i++) {
		r[n++] = (struct range){ fi->mem[i].base, fi->mem[i].base + fi->mem[i].size };
		total += fi->mem[i].size;
	}
	for (int i = 0; i < fi->nreserved; i++)
		n = range_subtract(r, n, fi->reserved[i].base,
				   fi->reserved[i].base + fi->reserved[i].size);
	n = range_subtract(r, n, (uintptr_t)_kernel_start, (uintptr_t)_end);
	n = range_subtract(r, n, (uintptr_t)boot_fdt, (uintptr_t)boot_fdt + fi->totalsize);
	if (fi->initrd_end > fi->initrd_start)
		n = range_subtract(r, n, fi->initrd_start, fi->initrd_end);
	for (int i = 0; i < n; i++)
		if (r[i].end - r[i].start >= 16 * PAGE_SIZE)
			page_add_region(r[i].start, r[i].end);
	kprintf("skimmer: memory %lu MiB, %lu pages free\n", (unsigned long)(total >> 20),
		(unsigned long)page_free_count());
}

/* Assign logical cpu ids: the boot hart is cpu 0, the others follow in tree order. */
static void harts_init(const struct fdt_info *fi)
{
	ncpus = 1;
	for (int i = 0; i < fi->nharts; i++) {
		if (fi->harts[i] == boot_hartid)
			continue;
		if (ncpus == MAXCPU) {
			kprintf("skimmer: hart %lu ignored (CONFIG_MAX_HARTS=%d)\n", fi->harts[i],
				MAXCPU);
			continue;
		}
		struct globaldata *gd = &cpu_globals[ncpus];
		gd->gd_cpuid = ncpus++;
		gd->gd_hartid = fi->harts[i];
	}
}

static void __noreturn boot_fail(const char *why)
{
	kprintf("skimmer: boot failed: %s\nskimmer: shutdown (failure)\n", why);
	sbi_shutdown(true);
}

void __noreturn kmain(unsigned long hartid, void *fdt)
{
	struct globaldata *gd = &cpu_globals[0];
	gd->gd_cpuid = 0;
	gd->gd_hartid = hartid;
	arch_set_mycpu(gd);

	int err = fdt_parse(fdt, 1 << 24, &bootinfo);
	if (err == 0)
		platform_console_init(&bootinfo);
	kprintf("\nSkimmer (QSOE/N) kernel, boot hart %lu\n", hartid);
	if (err)
		boot_fail("cannot parse the device tree");
	bootargs_init(bootinfo.bootargs);
	kprintf("skimmer: bootargs '%s'\n", bootinfo.bootargs ? bootinfo.bootargs : "");
	if (bootinfo.timebase_hz == 0)
		boot_fail("no timebase-frequency in the device tree");

	memory_init(&bootinfo);
	if (bootinfo.stdout_base)
		pmap_kernel_map_device(ALIGN_DOWN(bootinfo.stdout_base, PAGE_SIZE), PAGE_SIZE);
	platform_rtc_map(&bootinfo);
	if (!plic_map(&bootinfo))
		kprintf("skimmer: no PLIC in the device tree: no device interrupts\n");
	pmap_bootstrap();
	pmap_activate_hart();
	harts_init(&bootinfo);
	intr_init();
	if (bootinfo.initrd_end > bootinfo.initrd_start) {
		size_t size = bootinfo.initrd_end - bootinfo.initrd_start;
		int e = bootfs_open((void *)(uintptr_t)bootinfo.initrd_start, size, &boot_fs);
		if (e == 0)
			have_bootfs = true;
		else
			kprintf("skimmer: the initrd (%lu bytes) is not a valid boot image (error %d)\n",
				(unsigned long)size, e);
	}
	lwkt_init_hart(gd, boot_stack, KSTACK_SIZE);
	ipiq_init(ncpus);
	msg_init();
	timer_init(bootinfo.timebase_hz);
	uint64_t wall = platform_rtc_read_ns(&bootinfo);
	if (wall)
		clock_set_realtime(wall);	/* CLOCK_REALTIME starts at the RTC's time */
	trap_init_hart();

	for (int c = 1; c < ncpus; c++) {
		struct globaldata *sgd = globaldata_find(c);
		void *stack = page_alloc(__builtin_ctz(CONFIG_KSTACK_PAGES));
		if (stack == NULL)
			boot_fail("no memory for hart stacks");
		lwkt_init_hart(sgd, stack, KSTACK_SIZE);
		long e = arch_start_hart(sgd, (char *)stack + KSTACK_SIZE,
					 10 * bootinfo.timebase_hz);
		if (e > 0)
			panic("hart %lu (cpu %d) did not report online within 10 s of its start",
			      sgd->gd_hartid, c);
		if (e)
			panic("hart %lu (cpu %d) did not start: SBI error %ld", sgd->gd_hartid, c, e);
	}
	gd->gd_online = 1;
	if (harts_entered_late)
		kprintf("skimmer: %d hart(s) were released by the firmware at the image entry "
			"instead of the start address; recovered\n", harts_entered_late);
	kprintf("skimmer: %d harts online, timebase %lu Hz, tick %d Hz\n", ncpus,
		(unsigned long)bootinfo.timebase_hz, CONFIG_HZ);

	timer_start_hart();
	local_irq_enable();
	hartwork_start();
	selftest_start();
	lwkt_idle_loop();
}

/* A secondary hart's first C code, on its idle stack (head.S secondary_entry). */
void __noreturn secondary_main(void)
{
	struct globaldata *gd = mycpu();
	pmap_activate_hart();
	trap_init_hart();
	arch_hart_online(gd);
	timer_start_hart();
	local_irq_enable();
	lwkt_idle_loop();
}
