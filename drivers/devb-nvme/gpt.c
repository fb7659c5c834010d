/* GUID partition tables (UEFI spec, chapter 5): header, entry array, CRC32 checks. */
/*
 * A header is trusted only if its signature, size, own CRC and own LBA are right and
 * its entry array (at most GPT_ARRAY_MAX bytes) matches the CRC it gives; a used entry
 * (non-zero type GUID) must lie inside the usable range. The primary (LBA 1) is tried
 * first, then the backup (last LBA). Host-testable: the disk is a read callback.
 */
#include "gpt.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define GPT_ARRAY_MAX (1u << 20)

uint32_t gpt_crc32(const void *buf, size_t len)
{
	const uint8_t *p = buf;
	uint32_t c = 0xffffffffu;
	while (len--) {
		c ^= *p++;
		for (int k = 0; k < 8; k++)
			c = c >> 1 ^ (0xedb88320u & -(c & 1));
	}
	return ~c;
}

static uint32_t le32(const uint8_t *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

static uint64_t le64(const uint8_t *p)
{
	return le32(p) | (uint64_t)le32(p + 4) << 32;
}

/* The header at lba: 1 valid (fields out), 0 not valid (why in err), -1 read error. */
static int read_header(gpt_read_fn rd, void *arg, uint32_t bs, uint64_t lba, uint8_t *blk,
		       uint64_t *first, uint64_t *last, uint64_t *array, uint32_t *n,
		       uint32_t *esize, uint32_t *acrc, char *err, size_t errlen)
{
	if (rd(arg, lba, 1, blk) < 0) {
		snprintf(err, errlen, "reading LBA %llu failed", (unsigned long long)lba);
		return -1;
	}
	uint32_t hsize = le32(blk + 12), hcrc = le32(blk + 16);
	if (memcmp(blk, "EFI PART", 8) != 0) {
		snprintf(err, errlen, "no GPT signature at LBA %llu", (unsigned long long)lba);
		return 0;
	}
	if (hsize < 92 || hsize > bs) {
		snprintf(err, errlen, "GPT header size %u is bad", hsize);
		return 0;
	}
	memset(blk + 16, 0, 4);
	if (gpt_crc32(blk, hsize) != hcrc || le64(blk + 24) != lba) {
		snprintf(err, errlen, "GPT header at LBA %llu fails its CRC", (unsigned long long)lba);
		return 0;
	}
	*first = le64(blk + 40);
	*last = le64(blk + 48);
	*array = le64(blk + 72);
	*n = le32(blk + 80);
	*esize = le32(blk + 84);
	*acrc = le32(blk + 88);
	if (*esize < 128 || (*esize & 7) || *n == 0 || (uint64_t)*n * *esize > GPT_ARRAY_MAX) {
		snprintf(err, errlen, "GPT entry array of %u x %u bytes is bad", *n, *esize);
		return 0;
	}
	return 1;
}

static void entry_name(const uint8_t *e, char *out)
{
	int i = 0;
	for (; i < 36; i++) {
		uint16_t ch = (uint16_t)(e[56 + 2 * i] | e[57 + 2 * i] << 8);
		if (ch == 0)
			break;
		out[i] = ch < 0x80 && ch >= 0x20 ? (char)ch : '?';
	}
	out[i] = '\0';
}

/* One table (header at lba): as gpt_parse. */
static int parse_at(gpt_read_fn rd, void *arg, uint32_t bs, uint64_t nblocks, uint64_t lba,
		    struct gpt_part *parts, int max, char *err, size_t errlen)
{
	uint64_t first, last, array;
	uint32_t n, esize, acrc;
	uint8_t *blk = malloc(bs);
	if (blk == NULL) {
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	int r = read_header(rd, arg, bs, lba, blk, &first, &last, &array, &n, &esize, &acrc,
			    err, errlen);
	free(blk);
	if (r <= 0)
		return r;
	uint32_t nblk = (uint32_t)(((uint64_t)n * esize + bs - 1) / bs);
	if (first > last || last >= nblocks || array >= nblocks || nblk > nblocks - array) {
		snprintf(err, errlen, "GPT at LBA %llu describes blocks outside the disk",
			 (unsigned long long)lba);
		return 0;
	}
	uint8_t *ents = malloc((size_t)nblk * bs);
	if (ents == NULL || rd(arg, array, nblk, ents) < 0) {
		free(ents);
		snprintf(err, errlen, "reading the GPT entries failed");
		return -1;
	}
	if (gpt_crc32(ents, (size_t)n * esize) != acrc) {
		free(ents);
		snprintf(err, errlen, "GPT entries at LBA %llu fail their CRC",
			 (unsigned long long)array);
		return 0;
	}
	static const uint8_t unused[16];
	int found = 0;
	for (uint32_t i = 0; i < n && found < max; i++) {
		const uint8_t *e = ents + (size_t)i * esize;
		uint64_t s = le64(e + 32), l = le64(e + 40);
		if (memcmp(e, unused, 16) == 0)
			continue;
		if (s < first || l > last || s > l) {
			snprintf(err, errlen, "GPT entry %u lies outside the usable blocks", i + 1);
			continue;
		}
		struct gpt_part *p = &parts[found++];
		p->index = (int)i + 1;
		p->start = s;
		p->nblocks = l - s + 1;
		entry_name(e, p->name);
	}
	free(ents);
	return found;
}

int gpt_parse(gpt_read_fn rd, void *arg, uint32_t bs, uint64_t nblocks, struct gpt_part *parts,
	      int max, char *err, size_t errlen)
{
	err[0] = '\0';
	if (nblocks < 3 || bs < 512) {
		snprintf(err, errlen, "disk too small for a GPT");
		return 0;
	}
	int r = parse_at(rd, arg, bs, nblocks, 1, parts, max, err, errlen);
	if (r == 0) {
		char why[96];
		snprintf(why, sizeof why, "%s", err);
		r = parse_at(rd, arg, bs, nblocks, nblocks - 1, parts, max, err, errlen);
		if (r == 0)
			snprintf(err, errlen, "%s", why);	/* the primary's reason */
	}
	return r;
}
