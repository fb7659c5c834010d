/* Boot image ("bootfs") reader: the files and startup script QEMU hands over as the initrd. */
#ifndef SKIMMER_BOOTFS_H
#define SKIMMER_BOOTFS_H

#include <skimmer/types.h>

/* Image layout constants; docs/bootfs.md has the byte tables. tools/mkbootfs.py writes it. */
#define BOOTFS_MAGIC       "QSBOOTFS"	/* 8 bytes, no NUL */
#define BOOTFS_VERSION     1
#define BOOTFS_HDR_SIZE    64
#define BOOTFS_ENT_SIZE    128
#define BOOTFS_NAME_MAX    95		/* bytes, without the NUL */
#define BOOTFS_MAX_ENTRIES 1024
#define BOOTFS_ALIGN       4096		/* file data offsets and the image size */

/* File types in the mode word (POSIX st_mode values). */
#define BOOTFS_S_IFMT  0170000
#define BOOTFS_S_IFREG 0100000
#define BOOTFS_S_IFDIR 0040000		/* size 0 */
#define BOOTFS_S_IFLNK 0120000		/* data is the link target, no NUL */

#define BOOTFS_ERR_MAGIC     -1	/* not a bootfs image */
#define BOOTFS_ERR_VERSION   -2	/* unknown version, header/entry size or flags */
#define BOOTFS_ERR_TRUNCATED -3	/* buffer shorter than the header or the image size */
#define BOOTFS_ERR_RANGE     -4	/* an offset or size outside the image, misaligned, or too many */
#define BOOTFS_ERR_OVERLAP   -5	/* file data overlaps the directory, script or other data */
#define BOOTFS_ERR_NAME      -6	/* entry name unterminated, empty, malformed or duplicate */
#define BOOTFS_ERR_MODE      -7	/* unknown file type or mode bits, or size wrong for the type */
#define BOOTFS_ERR_CHECKSUM  -8	/* data, script or image CRC32 mismatch */
#define BOOTFS_ERR_NOENT     -9	/* lookup: no such name; entry: index out of range */

/* An opened image. All pointers point into the caller's image, which must stay mapped. */
struct bootfs {
	const uint8_t *bf_image;
	uint64_t bf_size;		/* image size from the header (<= buffer size) */
	const uint8_t *bf_dir;		/* bf_count entries of BOOTFS_ENT_SIZE bytes */
	unsigned bf_count;
	const char *bf_script;		/* startup script, NUL-terminated (maybe "") */
	size_t bf_script_len;
};

/* One entry, decoded. */
struct bootfs_file {
	const char *name;		/* relative to /proc/boot, e.g. "bin/hello"; NUL-terminated */
	uint32_t mode, uid, gid;	/* mode: BOOTFS_S_IF* | permission bits (07777) */
	uint64_t offset;		/* of the data from the image start; multiple of BOOTFS_ALIGN */
	const void *data;		/* size bytes */
	size_t size;
};

/* Validates every field, name, range and checksum of the image in [image, image + size) and
 * fills *fs. Returns 0 or a negative BOOTFS_ERR_*; *fs is untouched on failure. Never reads
 * outside the buffer. No allocation, no locks; any context. */
int bootfs_open(const void *image, size_t size, struct bootfs *fs);

/* Finds `path` ("taskman", "bin/hello" or "/proc/boot/bin/hello"); symlinks are not followed.
 * Returns 0 and fills *out, or BOOTFS_ERR_NOENT. */
int bootfs_lookup(const struct bootfs *fs, const char *path, struct bootfs_file *out);

/* Entry `idx` in image (buildfile) order. Returns 0, or BOOTFS_ERR_NOENT past the end. */
int bootfs_entry(const struct bootfs *fs, unsigned idx, struct bootfs_file *out);

/* The startup script text (NUL-terminated); its length without the NUL in *len if len. */
const char *bootfs_script(const struct bootfs *fs, size_t *len);

/* CRC-32 (IEEE 802.3, as zlib's crc32): crc = bootfs_crc32(0, buf, n), chainable. */
uint32_t bootfs_crc32(uint32_t crc, const void *buf, size_t n);

#endif
