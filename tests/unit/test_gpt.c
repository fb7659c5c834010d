/* Host tests for devb-nvme's GPT reader against images from tools/mkgpt.py: partitions
 * found, the backup used when the primary is damaged, damaged tables refused. Run from
 * the repository root. */
/* SOURCES: drivers/devb-nvme/gpt.c */
/* CFLAGS: -Idrivers/devb-nvme */
#include "test.h"
#include "gpt.h"

struct disk {
	uint8_t *b;
	size_t n;
};

static int rd(void *arg, uint64_t lba, uint32_t n, void *buf)
{
	struct disk *d = arg;
	if (lba * 512 + (uint64_t)n * 512 > d->n)
		return -1;
	memcpy(buf, d->b + lba * 512, (size_t)n * 512);
	return 0;
}

static int mkimg(struct disk *d, const char *args)
{
	char cmd[512], out[256];
	snprintf(cmd, sizeof cmd, "python3 tools/mkgpt.py /tmp/test_gpt.img %s", args);
	if (host_run(cmd, out, sizeof out) != 0)
		return -1;
	d->b = host_load("/tmp/test_gpt.img", &d->n);
	remove("/tmp/test_gpt.img");
	return d->b ? 0 : -1;
}

TEST(two_partitions)
{
	struct disk d;
	struct gpt_part p[GPT_MAX_PARTS];
	char err[128];
	CHECK(mkimg(&d, "--size 16M --part root:+4M --part data:+2M") == 0);
	if (!d.b)
		return;
	int n = gpt_parse(rd, &d, 512, d.n / 512, p, GPT_MAX_PARTS, err, sizeof err);
	CHECK_EQ(n, 2);
	CHECK(p[0].index == 1 && p[0].start == 2048 && p[0].nblocks == 8192 &&
	      strcmp(p[0].name, "root") == 0);
	CHECK(p[1].index == 2 && p[1].start == 2048 + 8192 && p[1].nblocks == 4096 &&
	      strcmp(p[1].name, "data") == 0);
	/* Primary header damaged: the backup still gives both. */
	d.b[512 + 40] ^= 1;
	CHECK_EQ(gpt_parse(rd, &d, 512, d.n / 512, p, GPT_MAX_PARTS, err, sizeof err), 2);
	/* Backup's entries damaged too: nothing, with the primary's reason. */
	d.b[d.n - 33 * 512] ^= 1;
	CHECK_EQ(gpt_parse(rd, &d, 512, d.n / 512, p, GPT_MAX_PARTS, err, sizeof err), 0);
	CHECK(strstr(err, "CRC") != NULL);
	free(d.b);
}

TEST(entries_crc_and_foreign)
{
	struct disk d;
	struct gpt_part p[GPT_MAX_PARTS];
	char err[128];
	CHECK(mkimg(&d, "--size 8M --part only:+1M") == 0);
	if (!d.b)
		return;
	d.b[2 * 512 + 60] ^= 0x20;		/* a name byte of entry 1 (primary array) */
	CHECK_EQ(gpt_parse(rd, &d, 512, d.n / 512, p, GPT_MAX_PARTS, err, sizeof err), 1);
	memset(d.b, 0, d.n);			/* not a GPT at all */
	CHECK_EQ(gpt_parse(rd, &d, 512, d.n / 512, p, GPT_MAX_PARTS, err, sizeof err), 0);
	CHECK(strstr(err, "signature") != NULL);
	CHECK_EQ(gpt_parse(rd, &d, 512, 2, p, GPT_MAX_PARTS, err, sizeof err), 0);
	free(d.b);
}

TEST(crc32_known)
{
	CHECK_EQ(gpt_crc32("123456789", 9), 0xcbf43926);
}
