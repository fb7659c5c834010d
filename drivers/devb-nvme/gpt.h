/* GUID partition tables: find the partitions of a disk, headers and entries checked by CRC. */
#ifndef DEVB_GPT_H
#define DEVB_GPT_H

#include <stddef.h>
#include <stdint.h>

#define GPT_MAX_PARTS 16

struct gpt_part {
	int index;		/* entry number from 1: the N of /dev/nvme0n1pN */
	uint64_t start;		/* first block */
	uint64_t nblocks;
	char name[37];		/* the entry's UTF-16 name, non-ASCII as '?' */
};

/* Reads n blocks from lba into buf: 0 or -1. */
typedef int (*gpt_read_fn)(void *arg, uint64_t lba, uint32_t n, void *buf);

/* Find the partitions of a disk of nblocks blocks of bs bytes: the primary header at
 * LBA 1, else the backup at the last LBA, each with its entry array, both CRCs checked.
 * Returns the number of used entries put in parts (at most max), 0 with a reason in err
 * if there is no valid table, -1 with err if reading failed. */
int gpt_parse(gpt_read_fn rd, void *arg, uint32_t bs, uint64_t nblocks, struct gpt_part *parts,
	      int max, char *err, size_t errlen);
uint32_t gpt_crc32(const void *buf, size_t len);

#endif
