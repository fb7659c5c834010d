/* The boot image as taskman sees it: its files by name and in order, and the startup script. */
/*
 * The image (docs/bootfs.md) is mapped read-only into taskman (tm_bootimage). The kernel
 * checked its checksums at boot; here every offset and size is checked again before use,
 * so a bad image means "no such file", never a fault.
 */
#include <errno.h>
#include <string.h>
#include "taskman.h"

#define HDR_SIZE	64
#define ENT_SIZE	128
#define NAME_MAX_	95
#define MAX_ENTRIES	1024

static const uint8_t *img;
static uint64_t img_size;
static uint32_t count;
static uint64_t dir_off;
static const char *script;
static size_t script_len;

static uint32_t le32(const uint8_t *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

static uint64_t le64(const uint8_t *p)
{
	return (uint64_t)le32(p) | (uint64_t)le32(p + 4) << 32;
}

/* Map and check the header once; false if there is no usable image. */
static int open_image(void)
{
	if (img)
		return 1;
	size_t size;
	const uint8_t *p = tm_bootimage(&size);
	if (p == NULL || size < HDR_SIZE || memcmp(p, "QSBOOTFS", 8) != 0 || le32(p + 8) != 1 ||
	    le32(p + 12) != HDR_SIZE || le32(p + 28) != ENT_SIZE)
		return 0;
	uint64_t isize = le64(p + 16), doff = le64(p + 32), soff = le64(p + 40);
	uint32_t n = le32(p + 24), slen = le32(p + 48);
	if (isize > size || n > MAX_ENTRIES || doff < HDR_SIZE || doff > isize ||
	    (uint64_t)n * ENT_SIZE > isize - doff || soff > isize || slen >= isize - soff ||
	    p[soff + slen] != 0)
		return 0;
	img_size = isize;
	count = n;
	dir_off = doff;
	script = (const char *)p + soff;
	script_len = slen;
	img = p;
	return 1;
}

int bootfs_entry(int i, const char **name, const void **data, size_t *size, unsigned *mode)
{
	if (!open_image() || i < 0 || (uint32_t)i >= count)
		return -ENOENT;
	const uint8_t *e = img + dir_off + (uint64_t)i * ENT_SIZE;
	uint64_t off = le64(e + 16), sz = le64(e + 24);
	if (off > img_size || sz > img_size - off || memchr(e + 32, 0, NAME_MAX_ + 1) == NULL)
		return -ENOENT;
	*name = (const char *)e + 32;
	*data = img + off;
	*size = (size_t)sz;
	*mode = le32(e);
	return 0;
}

/* The index of the file called name (with or without "/proc/boot/"), or -ENOENT. */
static int find_index(const char *name, const void **data, size_t *size, unsigned *mode)
{
	if (strncmp(name, "/proc/boot/", 11) == 0)
		name += 11;
	const char *n;
	for (int i = 0; bootfs_entry(i, &n, data, size, mode) == 0; i++)
		if (strcmp(n, name) == 0)
			return i;
	return -ENOENT;
}

int bootfs_find(const char *name, const void **data, size_t *size, unsigned *mode)
{
	return find_index(name, data, size, mode) < 0 ? -ENOENT : 0;
}

int bootfs_owner(const char *name, uint32_t *uid, uint32_t *gid)
{
	const void *data;
	size_t size;
	unsigned mode;
	int i = find_index(name, &data, &size, &mode);
	if (i < 0)
		return -ENOENT;
	const uint8_t *e = img + dir_off + (uint64_t)i * ENT_SIZE;
	*uid = le32(e + 4);
	*gid = le32(e + 8);
	return 0;
}

const char *bootfs_script(size_t *len)
{
	if (!open_image())
		return NULL;
	if (len)
		*len = script_len;
	return script;
}
