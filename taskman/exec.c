/* Programs: finding one to spawn, checking its ELF headers, and building a new process's start-up block. */
#include <errno.h>
#include <string.h>
#include <stdlib.h>
#include "taskman.h"
#include "glue.h"
#include "proc.h"

static uint16_t rd16(const uint8_t *p) { return (uint16_t)(p[0] | p[1] << 8); }
static uint32_t rd32(const uint8_t *p) { return (uint32_t)rd16(p) | (uint32_t)rd16(p + 2) << 16; }
static uint64_t rd64(const uint8_t *p) { return (uint64_t)rd32(p) | (uint64_t)rd32(p + 4) << 32; }

/* What the start-up block tells a program about its ELF file: where its heap may start
 * (the page after its last PT_LOAD) and its TLS template. 0 or -ENOEXEC. */
static int elf_info(struct tm_prog *pg)
{
	const uint8_t *f = pg->image;
	size_t n = pg->len;
	if (n < 64 || memcmp(f, "\177ELF", 4) != 0 || f[4] != 2 || f[5] != 1 ||
	    rd16(f + 18) != 243 || rd16(f + 16) != 2)
		return -ENOEXEC;
	uint64_t phoff = rd64(f + 32);
	unsigned phent = rd16(f + 54), phnum = rd16(f + 56);
	if (phent != 56 || phoff > n || (uint64_t)phnum * phent > n - phoff)
		return -ENOEXEC;
	uint64_t end = 0;
	for (unsigned i = 0; i < phnum; i++) {
		const uint8_t *ph = f + phoff + (uint64_t)i * phent;
		uint32_t type = rd32(ph);
		uint64_t va = rd64(ph + 16), filesz = rd64(ph + 32), memsz = rd64(ph + 40);
		if (type == 1 && va + memsz > end)		/* PT_LOAD */
			end = va + memsz;
		if (type == 7) {				/* PT_TLS */
			pg->tls_vaddr = va;
			pg->tls_filesz = filesz;
			pg->tls_memsz = memsz;
			pg->tls_align = rd64(ph + 48);
		}
	}
	if (end == 0)
		return -ENOEXEC;
	pg->heap_base = (end + 4095) & ~(uint64_t)4095;
	return 0;
}

int exec_find(const char *path, struct tm_prog *pg)
{
	memset(pg, 0, sizeof *pg);
	const char *name = path;
	if (strncmp(path, "/proc/boot/", 11) == 0)
		name = path + 11;
	else if (strchr(path, '/') != NULL)
		return EXEC_LOAD;	/* on a filesystem: the loader reads it */
	if (name[0] == 0 || strlen(name) >= sizeof pg->path - 11)
		return -ENOENT;
	unsigned mode;
	if (bootfs_find(name, &pg->image, &pg->len, &mode) != 0)
		return -ENOENT;
	if ((mode & 0170000) != 0100000 || !(mode & 0111))
		return -EACCES;		/* a directory, a link, or not executable */
	pg->mode = mode;
	if (bootfs_owner(name, &pg->uid, &pg->gid) != 0)
		return -ENOENT;
	strcpy(pg->path, "/proc/boot/");
	strcat(pg->path, name);
	const char *base = strrchr(name, '/');
	base = base ? base + 1 : name;
	strncpy(pg->name, base, sizeof pg->name - 1);
	return elf_info(pg);
}

int exec_loaded(const char *path, const struct _tm_loaded *l, struct tm_prog *pg)
{
	memset(pg, 0, sizeof *pg);
	pg->image = (const void *)(uintptr_t)l->image;
	pg->len = l->len;
	pg->mode = l->mode;
	pg->uid = l->uid;
	pg->gid = l->gid;
	strncpy(pg->path, path, sizeof pg->path - 1);
	const char *base = strrchr(path, '/');
	strncpy(pg->name, base ? base + 1 : path, sizeof pg->name - 1);
	return elf_info(pg);
}

/* Strings of a block: cnt NUL-terminated strings from *s (at most end). */
static int count_strings(const char *s, const char *end, int cnt, size_t *bytes)
{
	const char *p = s;
	for (int i = 0; i < cnt; i++) {
		const char *z = memchr(p, 0, (size_t)(end - p));
		if (z == NULL)
			return -EINVAL;
		p = z + 1;
	}
	*bytes = (size_t)(p - s);
	return 0;
}

void *exec_block(const struct tm_block_args *a, const struct tm_prog *pg, size_t *lenp)
{
	size_t nptr = (size_t)a->argc + 1 + (size_t)a->envc + 1;
	size_t hdr = sizeof(struct _proc_startup), ptrs = nptr * 8;
	size_t fds = (size_t)a->nfds * sizeof(struct _proc_fdinh);
	size_t naux = 8, aux = naux * sizeof(struct _proc_aux);
	size_t cwdlen = strlen(a->cwd) + 1;
	size_t len = hdr + ptrs + fds + aux + a->argv_bytes + a->envp_bytes + cwdlen;
	len = (len + 15) & ~(size_t)15;
	uint64_t base = tm_startup_addr(len);
	if (base == 0)
		return NULL;
	char *b = calloc(1, len);
	if (b == NULL)
		return NULL;
	struct _proc_startup *st = (void *)b;
	uint64_t *argv = (void *)(b + hdr), *envp = argv + a->argc + 1;
	struct _proc_fdinh *fd = (void *)(b + hdr + ptrs);
	struct _proc_aux *ax = (void *)(b + hdr + ptrs + fds);
	char *str = b + hdr + ptrs + fds + aux;
	memcpy(fd, a->fds, fds);
	memcpy(str, a->argv, a->argv_bytes);
	const char *s = str;
	for (int i = 0; i < a->argc; i++, s += strlen(s) + 1)
		argv[i] = base + (uint64_t)(s - b);
	argv[a->argc] = 0;
	memcpy(str + a->argv_bytes, a->envp, a->envp_bytes);
	s = str + a->argv_bytes;
	for (int i = 0; i < a->envc; i++, s += strlen(s) + 1)
		envp[i] = base + (uint64_t)(s - b);
	envp[a->envc] = 0;
	char *cwd = str + a->argv_bytes + a->envp_bytes;
	memcpy(cwd, a->cwd, cwdlen);
	int k = 0;
	ax[k++] = (struct _proc_aux){ _PROC_AUX_PAGESZ, 4096 };
	ax[k++] = (struct _proc_aux){ _PROC_AUX_HEAP_BASE, pg->heap_base };
	if (pg->tls_memsz) {
		ax[k++] = (struct _proc_aux){ _PROC_AUX_TLS_VADDR, pg->tls_vaddr };
		ax[k++] = (struct _proc_aux){ _PROC_AUX_TLS_FILESZ, pg->tls_filesz };
		ax[k++] = (struct _proc_aux){ _PROC_AUX_TLS_MEMSZ, pg->tls_memsz };
		ax[k++] = (struct _proc_aux){ _PROC_AUX_TLS_ALIGN, pg->tls_align };
	}
	ax[k] = (struct _proc_aux){ _PROC_AUX_END, 0 };
	*st = (struct _proc_startup){
		.magic = _PROC_STARTUP_MAGIC, .size = (uint32_t)len, .argc = a->argc,
		.envc = a->envc, .nfds = a->nfds, .pid = a->pid, .ppid = a->ppid,
		.flags = a->flags, .argv_off = hdr, .envp_off = hdr + (size_t)(a->argc + 1) * 8,
		.fds_off = hdr + ptrs, .cwd_off = (uint64_t)(cwd - b),
		.auxv_off = hdr + ptrs + fds, .sigmask = a->sigmask,
	};
	*lenp = len;
	return b;
}

int exec_parse_strings(const char *s, const char *end, int argc, int envc,
		       struct tm_block_args *a)
{
	if (argc < 0 || envc < 0 || argc > 4096 || envc > 4096)
		return -E2BIG;
	a->argc = argc;
	a->envc = envc;
	a->argv = s;
	if (count_strings(s, end, argc, &a->argv_bytes))
		return -EINVAL;
	a->envp = s + a->argv_bytes;
	if (count_strings(a->envp, end, envc, &a->envp_bytes))
		return -EINVAL;
	a->cwd = a->envp + a->envp_bytes;
	size_t cwdb;
	if (count_strings(a->cwd, end, 1, &cwdb))
		return -EINVAL;
	return 0;
}
