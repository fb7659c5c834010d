/* ELF64 executable parser: validates a RISC-V user program and describes what to map. */
#ifndef SKIMMER_ELF_H
#define SKIMMER_ELF_H

#include <skimmer/errno.h>

#include <skimmer/types.h>

/* Error codes (standard Linux/POSIX values), returned positive as kernel internals do. */
#ifndef E2BIG
#define E2BIG   7	/* more than ELF_MAX_SEGS non-empty PT_LOAD segments */
#endif
#ifndef ENOEXEC
#define ENOEXEC 8	/* not a well-formed, static RISC-V ELF64 LE executable */
#endif
#ifndef ENOMEM
#define ENOMEM  12	/* not returned by elf_parse; for the mapping code */
#endif
#ifndef EINVAL
#define EINVAL  22	/* well-formed, but breaks kernel policy (placement, overlap, W+X) */
#endif

/* ELF constants used by the parser (and handy to tests). */
#define ELF_EHDR_SIZE        64
#define ELF_PHDR_SIZE        56
#define ELF_CLASS64          2
#define ELF_DATA2LSB         1
#define ELF_EV_CURRENT       1
#define ELF_ET_EXEC          2
#define ELF_ET_DYN           3
#define ELF_EM_RISCV         243
#define ELF_PT_NULL          0
#define ELF_PT_LOAD          1
#define ELF_PT_DYNAMIC       2
#define ELF_PT_INTERP        3
#define ELF_PT_NOTE          4
#define ELF_PT_PHDR          6
#define ELF_PT_TLS           7
#define ELF_PT_GNU_STACK     0x6474e551u
#define ELF_PT_RISCV_ATTRIBUTES 0x70000003u
#define ELF_PF_X             1		/* p_flags bits */
#define ELF_PF_W             2
#define ELF_PF_R             4

/* Protection of a segment (the values of POSIX PROT_READ/WRITE/EXEC). */
#define ELF_PROT_R 1
#define ELF_PROT_W 2
#define ELF_PROT_X 4

#define ELF_MAX_SEGS 8

/* One PT_LOAD segment to map. Pages [vaddr, vaddr + memsz) are mapped with prot; filesz
 * bytes from file offset file_off go to file_va; every other byte of those pages is zero. */
struct elf_seg {
	uint64_t vaddr;		/* page-aligned start of the mapping: ALIGN_DOWN(p_vaddr, PAGE_SIZE) */
	uint64_t memsz;		/* bytes to map from vaddr, rounded up to whole pages (never 0) */
	uint64_t file_off;	/* offset in the file of the first byte to copy (p_offset) */
	uint64_t file_va;	/* virtual address where that byte goes (p_vaddr) */
	uint64_t filesz;	/* bytes to copy; the rest up to p_vaddr+p_memsz is zero */
	uint32_t prot;		/* ELF_PROT_R | ELF_PROT_W | ELF_PROT_X from p_flags; never W+X */
};

/* A validated executable: segs[] ascend and never share a page. */
struct elf_image {
	uint64_t entry;		/* inside [file_va, file_va + p_memsz) of an ELF_PROT_X segment */
	int nsegs;		/* 1..ELF_MAX_SEGS */
	struct elf_seg segs[ELF_MAX_SEGS];
	uint64_t lo, hi;	/* page-aligned: segs[0].vaddr, and the end of the last segment */
};

/* Validates the ELF file of `size` bytes at `file` (any alignment; read only, never
 * trusted) as a static RISC-V ELF64 little-endian ET_EXEC, and fills *out with the
 * segments to map, which all fall inside [user_lo, user_hi) (both page-aligned).
 * Any context; does not block, allocate or touch globals. Returns 0, or:
 *   ENOEXEC  bad ident/machine/type/header sizes, program headers outside the file, an
 *            unsupported p_type (PT_INTERP, PT_DYNAMIC, ...), a PT_LOAD with filesz > memsz,
 *            file bytes outside the file, address overflow or p_vaddr and p_offset not
 *            congruent modulo PAGE_SIZE, no non-empty PT_LOAD, entry not in an X segment;
 *   EINVAL   a segment outside [user_lo, user_hi), PT_LOADs not in ascending order or
 *            sharing a page (strict: even a partly used page), a W+X segment, or bad
 *            user_lo/user_hi;
 *   E2BIG    more than ELF_MAX_SEGS non-empty PT_LOADs.
 * On error *out holds garbage. */
int elf_parse(const void *file, size_t size, uint64_t user_lo, uint64_t user_hi,
	      struct elf_image *out);

#endif
