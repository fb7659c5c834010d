/* ELF64 executable parser: checks a RISC-V user program and lists the segments to map. */
/* Design: the file comes from the boot image (later from user space) and is never trusted.
 * Fields are little-endian and read a byte at a time, so the buffer needs no alignment and
 * the host unit tests can hand in exactly-sized heap copies. Every sum of two file fields
 * goes through a checked add. Two error classes: ENOEXEC when the file is not a valid
 * static RISC-V ELF64 executable, EINVAL when it is valid but breaks kernel policy (where
 * segments sit, pages shared by two segments, W+X). Policy is strict on purpose: a page
 * belongs to exactly one segment, so the mapper never has to merge permissions or copy
 * into a page it already mapped. PT_LOADs with p_memsz == 0 map nothing and are skipped
 * after the structural checks. Nothing is mapped or allocated here. */
#include <skimmer/elf.h>
#include <skimmer/kern.h>

/* Ehdr field offsets. */
enum {
	EH_CLASS = 4, EH_DATA = 5, EH_IDVERSION = 6, EH_TYPE = 16, EH_MACHINE = 18,
	EH_VERSION = 20, EH_ENTRY = 24, EH_PHOFF = 32, EH_EHSIZE = 52, EH_PHENTSIZE = 54,
	EH_PHNUM = 56,
};

/* Phdr field offsets. */
enum {
	PH_TYPE = 0, PH_FLAGS = 4, PH_OFFSET = 8, PH_VADDR = 16, PH_FILESZ = 32, PH_MEMSZ = 40,
};

static uint16_t le16(const uint8_t *p)
{
	return (uint16_t)(p[0] | p[1] << 8);
}

static uint32_t le32(const uint8_t *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

static uint64_t le64(const uint8_t *p)
{
	return (uint64_t)le32(p) | (uint64_t)le32(p + 4) << 32;
}

/* The ELF header checks; on success *phdrs points at e_phnum entries inside the file. */
static int check_ehdr(const uint8_t *f, size_t size, const uint8_t **phdrs, unsigned *phnum)
{
	uint64_t phend;

	if (size < ELF_EHDR_SIZE || memcmp(f, "\177ELF", 4) != 0 ||
	    f[EH_CLASS] != ELF_CLASS64 || f[EH_DATA] != ELF_DATA2LSB ||
	    f[EH_IDVERSION] != ELF_EV_CURRENT || le32(f + EH_VERSION) != ELF_EV_CURRENT)
		return ENOEXEC;
	if (le16(f + EH_TYPE) != ELF_ET_EXEC || le16(f + EH_MACHINE) != ELF_EM_RISCV)
		return ENOEXEC;
	if (le16(f + EH_EHSIZE) != ELF_EHDR_SIZE || le16(f + EH_PHENTSIZE) != ELF_PHDR_SIZE)
		return ENOEXEC;
	/* phnum <= 0xffff, so the product cannot overflow; PN_XNUM (0xffff) is not supported
	 * and in practice fails the range check. */
	*phnum = le16(f + EH_PHNUM);
	if (__builtin_add_overflow(le64(f + EH_PHOFF), (uint64_t)*phnum * ELF_PHDR_SIZE, &phend) ||
	    phend > size)
		return ENOEXEC;
	*phdrs = f + le64(f + EH_PHOFF);
	return 0;
}

/* Checks one PT_LOAD header `ph` and fills *seg; sets seg->memsz = 0 for an empty one. */
static int check_load(const uint8_t *ph, size_t size, uint64_t user_lo, uint64_t user_hi,
		      struct elf_seg *seg)
{
	uint32_t flags = le32(ph + PH_FLAGS);
	uint64_t off = le64(ph + PH_OFFSET), va = le64(ph + PH_VADDR);
	uint64_t filesz = le64(ph + PH_FILESZ), memsz = le64(ph + PH_MEMSZ);
	uint64_t fend, vend;

	if (filesz > memsz || __builtin_add_overflow(off, filesz, &fend) || fend > size ||
	    __builtin_add_overflow(va, memsz, &vend) || va % PAGE_SIZE != off % PAGE_SIZE)
		return ENOEXEC;
	seg->memsz = 0;
	if (memsz == 0)
		return 0;
	/* user_hi is page-aligned, so vend <= user_hi keeps ALIGN_UP(vend) from overflowing. */
	if (ALIGN_DOWN(va, PAGE_SIZE) < user_lo || vend > user_hi)
		return EINVAL;
	if ((flags & (ELF_PF_W | ELF_PF_X)) == (ELF_PF_W | ELF_PF_X))
		return EINVAL;
	seg->vaddr = ALIGN_DOWN(va, PAGE_SIZE);
	seg->memsz = ALIGN_UP(vend, PAGE_SIZE) - seg->vaddr;
	seg->file_off = off;
	seg->file_va = va;
	seg->filesz = filesz;
	seg->prot = (flags & ELF_PF_R ? ELF_PROT_R : 0) | (flags & ELF_PF_W ? ELF_PROT_W : 0) |
		    (flags & ELF_PF_X ? ELF_PROT_X : 0);
	return 0;
}

/* Contract in elf.h. Validates the header, then each program header in table order,
 * noting whether an executable segment holds the entry point. */
int elf_parse(const void *file, size_t size, uint64_t user_lo, uint64_t user_hi,
	      struct elf_image *out)
{
	const uint8_t *f = file, *phdrs = NULL;
	unsigned phnum = 0;
	struct elf_seg seg;
	bool entry_ok = false;
	int err;

	if (user_lo % PAGE_SIZE || user_hi % PAGE_SIZE || user_lo >= user_hi)
		return EINVAL;
	err = check_ehdr(f, size, &phdrs, &phnum);
	if (err)
		return err;
	out->entry = le64(f + EH_ENTRY);
	out->nsegs = 0;
	for (unsigned i = 0; i < phnum; i++) {
		const uint8_t *ph = phdrs + (size_t)i * ELF_PHDR_SIZE;
		switch (le32(ph + PH_TYPE)) {
		case ELF_PT_LOAD:
			break;
		case ELF_PT_NULL: case ELF_PT_NOTE: case ELF_PT_PHDR: case ELF_PT_TLS:
		case ELF_PT_GNU_STACK: case ELF_PT_RISCV_ATTRIBUTES:
			continue;
		default:		/* PT_INTERP, PT_DYNAMIC, PT_SHLIB, unknown */
			return ENOEXEC;
		}
		err = check_load(ph, size, user_lo, user_hi, &seg);
		if (err)
			return err;
		if (seg.memsz == 0)
			continue;
		if (out->nsegs > 0) {
			const struct elf_seg *prev = &out->segs[out->nsegs - 1];
			if (seg.vaddr < prev->vaddr + prev->memsz)
				return EINVAL;	/* descending, overlapping or sharing a page */
		}
		if (out->nsegs == ELF_MAX_SEGS)
			return E2BIG;
		out->segs[out->nsegs++] = seg;
		if ((seg.prot & ELF_PROT_X) && out->entry >= seg.file_va &&
		    out->entry - seg.file_va < le64(ph + PH_MEMSZ))
			entry_ok = true;
	}
	if (out->nsegs == 0 || !entry_ok)
		return ENOEXEC;
	out->lo = out->segs[0].vaddr;
	out->hi = out->segs[out->nsegs - 1].vaddr + out->segs[out->nsegs - 1].memsz;
	return 0;
}
