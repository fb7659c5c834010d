/* Boot image reader: validates a bootfs image and looks up its files and startup script. */
/* Design: the image is read in place (it is the initrd) and never trusted. bootfs_open
 * checks the header, then each directory entry (name, mode, data range), then names for
 * duplicates, and only then the CRCs, so a cheap structural error is reported before a
 * costly checksum pass. Regions must appear in image order without overlap: header,
 * directory, script (+ NUL), then each entry's data at a 4 KiB-aligned offset. Fields are
 * little-endian and read a byte at a time, so the buffer needs no particular alignment.
 * Once open succeeded, lookups trust the image and do no further checks. */
#include <skimmer/bootfs.h>
#include <skimmer/kern.h>

/* Header field offsets (docs/bootfs.md). */
enum {
	H_MAGIC = 0, H_VERSION = 8, H_HDR_SIZE = 12, H_IMAGE_SIZE = 16, H_COUNT = 24,
	H_ENT_SIZE = 28, H_DIR_OFF = 32, H_SCRIPT_OFF = 40, H_SCRIPT_SIZE = 48,
	H_SCRIPT_CRC = 52, H_FLAGS = 56, H_IMAGE_CRC = 60,
};

/* Directory entry field offsets. */
enum {
	E_MODE = 0, E_UID = 4, E_GID = 8, E_CRC = 12, E_OFFSET = 16, E_SIZE = 24, E_NAME = 32,
	E_NAME_LEN = BOOTFS_ENT_SIZE - E_NAME,
};

_Static_assert(E_NAME_LEN == BOOTFS_NAME_MAX + 1, "name field holds NAME_MAX bytes + NUL");

#define PROC_BOOT "/proc/boot/"

static uint32_t le32(const uint8_t *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

static uint64_t le64(const uint8_t *p)
{
	return (uint64_t)le32(p) | (uint64_t)le32(p + 4) << 32;
}

uint32_t bootfs_crc32(uint32_t crc, const void *buf, size_t n)
{
	/* Reflected polynomial 0xEDB88320, a nibble at a time: a 64-byte table. */
	static const uint32_t tab[16] = {
		0x00000000, 0x1db71064, 0x3b6e20c8, 0x26d930ac, 0x76dc4190, 0x6b6b51f4,
		0x4db26158, 0x5005713c, 0xedb88320, 0xf00f9344, 0xd6d6a3e8, 0xcb61b38c,
		0x9b64c2b0, 0x86d3d2d4, 0xa00ae278, 0xbdbdf21c,
	};
	const uint8_t *p = buf;
	crc = ~crc;
	while (n--) {
		crc ^= *p++;
		crc = (crc >> 4) ^ tab[crc & 15];
		crc = (crc >> 4) ^ tab[crc & 15];
	}
	return ~crc;
}

/* A name field: NUL within the field, zeros after it, and a clean relative path
 * (no leading, trailing or doubled '/', no "." or ".." part, no spaces or control bytes). */
static bool name_ok(const uint8_t *f)
{
	size_t len = strnlen((const char *)f, E_NAME_LEN), part = 0;
	if (len == 0 || len > BOOTFS_NAME_MAX)
		return false;
	for (size_t i = len; i < E_NAME_LEN; i++)
		if (f[i] != 0)
			return false;
	for (size_t i = 0; i <= len; i++) {
		if (i == len || f[i] == '/') {
			const uint8_t *s = f + i - part;
			if (part == 0 || (part == 1 && s[0] == '.') ||
			    (part == 2 && s[0] == '.' && s[1] == '.'))
				return false;
			part = 0;
		} else if (f[i] <= ' ' || f[i] == 0x7f) {
			return false;
		} else {
			part++;
		}
	}
	return true;
}

static bool mode_ok(uint32_t mode, uint64_t size)
{
	if (mode & ~(uint32_t)(BOOTFS_S_IFMT | 07777))
		return false;
	switch (mode & BOOTFS_S_IFMT) {
	case BOOTFS_S_IFREG: return true;
	case BOOTFS_S_IFDIR: return size == 0;
	case BOOTFS_S_IFLNK: return size != 0;
	default:             return false;
	}
}

int bootfs_open(const void *image, size_t size, struct bootfs *fs)
{
	const uint8_t *b = image, *dir;
	uint64_t isize, dir_off, script_off, end;
	uint32_t count, slen, crc;

	if (size < BOOTFS_HDR_SIZE)
		return BOOTFS_ERR_TRUNCATED;
	if (memcmp(b + H_MAGIC, BOOTFS_MAGIC, 8) != 0)
		return BOOTFS_ERR_MAGIC;
	if (le32(b + H_VERSION) != BOOTFS_VERSION || le32(b + H_HDR_SIZE) != BOOTFS_HDR_SIZE ||
	    le32(b + H_ENT_SIZE) != BOOTFS_ENT_SIZE || le32(b + H_FLAGS) != 0)
		return BOOTFS_ERR_VERSION;
	isize = le64(b + H_IMAGE_SIZE);
	if (isize > size)
		return BOOTFS_ERR_TRUNCATED;
	if (isize < BOOTFS_HDR_SIZE || isize % BOOTFS_ALIGN != 0)
		return BOOTFS_ERR_RANGE;

	/* Directory, then the script and its NUL, inside the image and in that order. */
	count = le32(b + H_COUNT);
	dir_off = le64(b + H_DIR_OFF);
	if (count > BOOTFS_MAX_ENTRIES || dir_off < BOOTFS_HDR_SIZE || dir_off > isize ||
	    (uint64_t)count * BOOTFS_ENT_SIZE > isize - dir_off)
		return BOOTFS_ERR_RANGE;
	dir = b + dir_off;
	end = dir_off + (uint64_t)count * BOOTFS_ENT_SIZE;
	script_off = le64(b + H_SCRIPT_OFF);
	slen = le32(b + H_SCRIPT_SIZE);
	if (script_off >= isize || slen >= isize - script_off)
		return BOOTFS_ERR_RANGE;
	if (script_off < end)
		return BOOTFS_ERR_OVERLAP;
	if (b[script_off + slen] != 0)
		return BOOTFS_ERR_RANGE;
	end = script_off + slen + 1;

	/* Each entry: name, mode, and data after everything before it. */
	for (uint32_t i = 0; i < count; i++) {
		const uint8_t *e = dir + (size_t)i * BOOTFS_ENT_SIZE;
		uint64_t off = le64(e + E_OFFSET), sz = le64(e + E_SIZE);
		if (!name_ok(e + E_NAME))
			return BOOTFS_ERR_NAME;
		if (!mode_ok(le32(e + E_MODE), sz))
			return BOOTFS_ERR_MODE;
		if (off > isize || sz > isize - off || off % BOOTFS_ALIGN != 0)
			return BOOTFS_ERR_RANGE;
		if (off < end)
			return BOOTFS_ERR_OVERLAP;
		end = off + sz;
	}
	for (uint32_t i = 0; i < count; i++)
		for (uint32_t j = 0; j < i; j++)
			if (strcmp((const char *)dir + (size_t)i * BOOTFS_ENT_SIZE + E_NAME,
				   (const char *)dir + (size_t)j * BOOTFS_ENT_SIZE + E_NAME) == 0)
				return BOOTFS_ERR_NAME;

	/* Checksums: each file's data, the script, the whole image with its CRC field as 0. */
	for (uint32_t i = 0; i < count; i++) {
		const uint8_t *e = dir + (size_t)i * BOOTFS_ENT_SIZE;
		if (bootfs_crc32(0, b + le64(e + E_OFFSET), le64(e + E_SIZE)) != le32(e + E_CRC))
			return BOOTFS_ERR_CHECKSUM;
	}
	if (bootfs_crc32(0, b + script_off, slen) != le32(b + H_SCRIPT_CRC))
		return BOOTFS_ERR_CHECKSUM;
	static const uint8_t zero[4];
	crc = bootfs_crc32(0, b, H_IMAGE_CRC);
	crc = bootfs_crc32(crc, zero, 4);
	crc = bootfs_crc32(crc, b + BOOTFS_HDR_SIZE, isize - BOOTFS_HDR_SIZE);
	if (crc != le32(b + H_IMAGE_CRC))
		return BOOTFS_ERR_CHECKSUM;

	fs->bf_image = b;
	fs->bf_size = isize;
	fs->bf_dir = dir;
	fs->bf_count = count;
	fs->bf_script = (const char *)b + script_off;
	fs->bf_script_len = slen;
	return 0;
}

int bootfs_entry(const struct bootfs *fs, unsigned idx, struct bootfs_file *out)
{
	const uint8_t *e;
	if (idx >= fs->bf_count)
		return BOOTFS_ERR_NOENT;
	e = fs->bf_dir + (size_t)idx * BOOTFS_ENT_SIZE;
	out->name = (const char *)e + E_NAME;
	out->mode = le32(e + E_MODE);
	out->uid = le32(e + E_UID);
	out->gid = le32(e + E_GID);
	out->offset = le64(e + E_OFFSET);
	out->size = (size_t)le64(e + E_SIZE);
	out->data = fs->bf_image + out->offset;
	return 0;
}

int bootfs_lookup(const struct bootfs *fs, const char *path, struct bootfs_file *out)
{
	if (strncmp(path, PROC_BOOT, sizeof PROC_BOOT - 1) == 0)
		path += sizeof PROC_BOOT - 1;
	for (unsigned i = 0; i < fs->bf_count; i++)
		if (strcmp((const char *)fs->bf_dir + (size_t)i * BOOTFS_ENT_SIZE + E_NAME,
			   path) == 0)
			return bootfs_entry(fs, i, out);
	return BOOTFS_ERR_NOENT;
}

const char *bootfs_script(const struct bootfs *fs, size_t *len)
{
	if (len)
		*len = fs->bf_script_len;
	return fs->bf_script;
}
