/* Host tests for the boot image: tools/mkbootfs.py builds images from the buildfiles in
 * tests/unit/bootfs/, the kernel reader parses them from exactly-sized heap copies (so
 * ASan catches any read past the end), buildfile errors, corrupt images and a byte-flip
 * fuzz loop. Run from the repository root. */
/* SOURCES: kernel/skimmer/kern/bootfs.c */
#include "test.h"
#include <stdint.h>
#include <unistd.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <skimmer/bootfs.h>

#define MKBOOTFS "/usr/bin/python3 tools/mkbootfs.py"
#define FIX      "tests/unit/bootfs"
#define GOOD     FIX "/good.build"

/* Builds `buildfile` into `out`; returns mkbootfs's exit status, its messages in msg. */
static int mkbootfs(const char *buildfile, const char *out, char *msg, size_t msgsz)
{
	char cmd[512];
	snprintf(cmd, sizeof cmd, MKBOOTFS " %s -o %s --search " FIX "/search", buildfile, out);
	return host_run(cmd, msg, msgsz);
}

/* The image of fixture `buildfile`, built in a fresh temp dir; exactly sized. */
static uint8_t *build_image(const char *buildfile, size_t *n)
{
	char dir[] = "/tmp/test_bootfs_XXXXXX", path[64], msg[1024];
	uint8_t *img = NULL;
	if (!mkdtemp(dir))
		return NULL;
	snprintf(path, sizeof path, "%s/good.img", dir);
	if (mkbootfs(buildfile, path, msg, sizeof msg) == 0)
		img = host_load(path, n);
	else
		fprintf(stderr, "mkbootfs failed: %s\n", msg);
	unlink(path);
	rmdir(dir);
	return img;
}

/* Little-endian fields of an image (the host is little-endian too). */
static uint32_t rd32(const uint8_t *p) { uint32_t v; memcpy(&v, p, 4); return v; }
static uint64_t rd64(const uint8_t *p) { uint64_t v; memcpy(&v, p, 8); return v; }
static void wr32(uint8_t *p, uint32_t v) { memcpy(p, &v, 4); }
static void wr64(uint8_t *p, uint64_t v) { memcpy(p, &v, 8); }

/* Recomputes the whole-image CRC (header offset 60) if the header's size fits in n, so a
 * mutation is caught by the structural check it aims at, not by the checksum. */
static void fix_crc(uint8_t *b, size_t n)
{
	uint64_t isize = n >= 64 ? rd64(b + 16) : 0;
	if (isize < 64 || isize > n)
		return;
	wr32(b + 60, 0);
	wr32(b + 60, bootfs_crc32(0, b, isize));
}

/* Directory entry i of an image made by mkbootfs (directory at offset 64). */
static uint8_t *ent(uint8_t *b, int i) { return b + 64 + 128 * i; }

TEST(crc32_matches_zlib)
{
	CHECK_EQ(bootfs_crc32(0, "123456789", 9), 0xcbf43926);
	CHECK_EQ(bootfs_crc32(bootfs_crc32(0, "1234", 4), "56789", 5), 0xcbf43926);
	CHECK_EQ(bootfs_crc32(0, "", 0), 0);
}

TEST(build_is_reproducible)
{
	size_t n1 = 0, n2 = 0;
	uint8_t *a = build_image(GOOD, &n1), *b = build_image(GOOD, &n2);
	CHECK(a && b);
	if (a && b) {
		CHECK_EQ(n1, n2);
		CHECK(n1 == n2 && memcmp(a, b, n1) == 0);
		CHECK_EQ(n1 % 4096, 0);
	}
	free(a);
	free(b);
}

/* Checks one entry against the expected mode/uid/gid and, if `host` is set, the host file. */
static void check_file(const struct bootfs *fs, const char *path, uint32_t mode, uint32_t uid,
		       uint32_t gid, const char *host, const char *text)
{
	struct bootfs_file f;
	size_t hn = 0;
	uint8_t *h = host ? host_load(host, &hn) : NULL;
	CHECK_EQ(bootfs_lookup(fs, path, &f), 0);
	CHECK_EQ(f.mode, mode);
	CHECK_EQ(f.uid, uid);
	CHECK_EQ(f.gid, gid);
	CHECK_EQ(f.offset % BOOTFS_ALIGN, 0);
	CHECK((const uint8_t *)f.data == fs->bf_image + f.offset);
	if (host) {
		CHECK(h != NULL);
		CHECK_EQ(f.size, hn);
		CHECK(h && f.size == hn && memcmp(f.data, h, hn) == 0);
	}
	if (text) {
		CHECK_EQ(f.size, strlen(text));
		CHECK(f.size == strlen(text) && memcmp(f.data, text, f.size) == 0);
	}
	free(h);
}

TEST(good_image_lookup_iterate_script)
{
	static const char *const order[] = { "taskman", "bin/hello", "etc", "etc/motd",
		"etc/where", "data/blob", "empty", "bin/sh" };
	size_t n = 0, slen = 0;
	uint8_t *img = build_image(GOOD, &n);
	struct bootfs fs;
	struct bootfs_file f;
	CHECK(img != NULL);
	if (!img)
		return;
	CHECK_EQ(bootfs_open(img, n, &fs), 0);
	CHECK_EQ(fs.bf_count, 8);
	check_file(&fs, "taskman", 0100755, 0, 0, FIX "/search/taskman", NULL);
	check_file(&fs, "/proc/boot/taskman", 0100755, 0, 0, FIX "/search/taskman", NULL);
	check_file(&fs, "bin/hello", 0100755, 0, 0, FIX "/search/bin/hello", NULL);
	check_file(&fs, "etc", 0040755, 0, 0, NULL, "");
	check_file(&fs, "/proc/boot/etc/motd", 0100644, 100, 200, NULL,
		   "Hello from bootfs.\n    indented, and # not a comment\n");
	check_file(&fs, "etc/where", 0100755, 0, 0, FIX "/motd.txt", NULL);
	check_file(&fs, "data/blob", 0100600, 0, 0, FIX "/search/blob.bin", NULL);
	check_file(&fs, "empty", 0100644, 0, 0, FIX "/empty.txt", NULL);
	check_file(&fs, "bin/sh", 0120755, 0, 0, NULL, "/proc/boot/bin/hello");
	CHECK_EQ(bootfs_lookup(&fs, "nope", &f), BOOTFS_ERR_NOENT);
	CHECK_EQ(bootfs_lookup(&fs, "/taskman", &f), BOOTFS_ERR_NOENT);
	CHECK_EQ(bootfs_lookup(&fs, "/proc/boot/", &f), BOOTFS_ERR_NOENT);
	CHECK_EQ(bootfs_lookup(&fs, "bin", &f), BOOTFS_ERR_NOENT);
	CHECK_EQ(bootfs_lookup(&fs, ".script", &f), BOOTFS_ERR_NOENT);
	for (unsigned i = 0; i < 8; i++) {
		CHECK_EQ(bootfs_entry(&fs, i, &f), 0);
		CHECK(strcmp(f.name, order[i]) == 0);
	}
	CHECK_EQ(bootfs_entry(&fs, 8, &f), BOOTFS_ERR_NOENT);
	const char *s = bootfs_script(&fs, &slen);
	static const char want[] = "display_msg Welcome to QSOE\ndevc-ser8250 &\n  [+session] qsh\n";
	CHECK_EQ(slen, strlen(want));
	CHECK(strcmp(s, want) == 0);
	CHECK(bootfs_script(&fs, NULL) == s);
	/* A buffer longer than the image (a padded initrd) is fine. */
	uint8_t *big = calloc(1, n + 100);
	memcpy(big, img, n);
	CHECK_EQ(bootfs_open(big, n + 100, &fs), 0);
	CHECK_EQ(fs.bf_size, n);
	free(big);
	free(img);
}

TEST(buildfile_errors)
{
	static const struct { const char *file, *msg; } cases[] = {
		{ "err_missing", ":2: host file 'no/such/file' not found\n" },
		{ "err_dup", ":3: duplicate target 'taskman' (first at line 2)\n" },
		{ "err_attr", ":2: bad attribute 'perms=0999'\n" },
		{ "err_long", ":2: name too long (96 bytes, limit 95)\n" },
		{ "err_block", ":2: unterminated '{' block\n" },
		{ "err_script", ":5: second startup script (first at line 2)\n" },
	};
	char dir[] = "/tmp/test_bootfs_XXXXXX", out[64], tmp[80], bf[128], want[256], msg[1024];
	CHECK(mkdtemp(dir) != NULL);
	snprintf(out, sizeof out, "%s/out.img", dir);
	snprintf(tmp, sizeof tmp, "%s.tmp", out);
	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		FILE *stale = fopen(out, "w");	/* a stale image from an earlier build goes too */
		if (stale)
			fclose(stale);
		snprintf(bf, sizeof bf, FIX "/%s.build", cases[i].file);
		snprintf(want, sizeof want, "%s%s", bf, cases[i].msg);
		CHECK_EQ(mkbootfs(bf, out, msg, sizeof msg), 1);
		if (strcmp(msg, want) != 0 && !host_test_failed)
			fprintf(stderr, "got '%s', want '%s'\n", msg, want);
		CHECK(strcmp(msg, want) == 0);
		CHECK(access(out, F_OK) != 0 && access(tmp, F_OK) != 0);
	}
	CHECK(rmdir(dir) == 0);	/* nothing left behind */
}

static void m_magic(uint8_t *b, size_t n) { b[3] ^= 0x20; }
static void m_version(uint8_t *b, size_t n) { wr32(b + 8, 2); }
static void m_entsize(uint8_t *b, size_t n) { wr32(b + 28, 64); }
static void m_isize_big(uint8_t *b, size_t n) { wr64(b + 16, n + 4096); }
static void m_isize_odd(uint8_t *b, size_t n) { wr64(b + 16, n - 100); }
static void m_count(uint8_t *b, size_t n) { wr32(b + 24, 100000); }
static void m_count_fit(uint8_t *b, size_t n) { wr32(b + 24, (uint32_t)(n / 128)); }
static void m_dir_off(uint8_t *b, size_t n) { wr64(b + 32, n - 64); }
static void m_script_off(uint8_t *b, size_t n) { wr64(b + 40, n); }
static void m_script_dir(uint8_t *b, size_t n) { wr64(b + 40, 64 + 128); }
static void m_script_nul(uint8_t *b, size_t n) { wr32(b + 48, rd32(b + 48) - 1); }
static void m_off_range(uint8_t *b, size_t n) { wr64(ent(b, 0) + 16, n); }
static void m_off_align(uint8_t *b, size_t n) { wr64(ent(b, 0) + 16, rd64(ent(b, 0) + 16) + 8); }
static void m_size_range(uint8_t *b, size_t n) { wr64(ent(b, 0) + 24, UINT64_MAX - 100); }
static void m_overlap(uint8_t *b, size_t n) { wr64(ent(b, 1) + 16, rd64(ent(b, 0) + 16)); }
static void m_over_dir(uint8_t *b, size_t n) { wr64(ent(b, 0) + 16, 0); }
static void m_unterm(uint8_t *b, size_t n) { memset(ent(b, 0) + 32, 'a', 96); }
static void m_junk(uint8_t *b, size_t n) { ent(b, 0)[32 + 90] = 'x'; }
static void m_dotdot(uint8_t *b, size_t n) { memcpy(ent(b, 1) + 32, "bin/../x", 9); }
static void m_slash(uint8_t *b, size_t n) { memcpy(ent(b, 1) + 32, "/bin/x", 7); }
static void m_dup(uint8_t *b, size_t n) { memcpy(ent(b, 1) + 32, ent(b, 0) + 32, 96); }
static void m_type(uint8_t *b, size_t n) { wr32(ent(b, 0), 0060644); }
static void m_dirsize(uint8_t *b, size_t n) { wr64(ent(b, 2) + 24, 1); }
static void m_data(uint8_t *b, size_t n) { b[rd64(ent(b, 0) + 16) + 5] ^= 1; }
static void m_script(uint8_t *b, size_t n) { b[rd64(b + 40)] ^= 1; }
static void m_pad(uint8_t *b, size_t n) { b[n - 1] ^= 1; }
static void m_none(uint8_t *b, size_t n) { }

TEST(corrupt_images)
{
	static const struct { void (*fn)(uint8_t *, size_t); bool fix; int err; } cases[] = {
		{ m_none, false, 0 }, { m_none, true, 0 },
		{ m_magic, true, BOOTFS_ERR_MAGIC }, { m_version, true, BOOTFS_ERR_VERSION },
		{ m_entsize, true, BOOTFS_ERR_VERSION }, { m_isize_big, true, BOOTFS_ERR_TRUNCATED },
		{ m_isize_odd, true, BOOTFS_ERR_RANGE }, { m_count, true, BOOTFS_ERR_RANGE },
		{ m_count_fit, true, BOOTFS_ERR_RANGE }, { m_dir_off, true, BOOTFS_ERR_RANGE },
		{ m_script_off, true, BOOTFS_ERR_RANGE }, { m_script_dir, true, BOOTFS_ERR_OVERLAP },
		{ m_script_nul, true, BOOTFS_ERR_RANGE }, { m_off_range, true, BOOTFS_ERR_RANGE },
		{ m_off_align, true, BOOTFS_ERR_RANGE }, { m_size_range, true, BOOTFS_ERR_RANGE },
		{ m_overlap, true, BOOTFS_ERR_OVERLAP }, { m_over_dir, true, BOOTFS_ERR_OVERLAP },
		{ m_unterm, true, BOOTFS_ERR_NAME }, { m_junk, true, BOOTFS_ERR_NAME },
		{ m_dotdot, true, BOOTFS_ERR_NAME }, { m_slash, true, BOOTFS_ERR_NAME },
		{ m_dup, true, BOOTFS_ERR_NAME }, { m_type, true, BOOTFS_ERR_MODE },
		{ m_dirsize, true, BOOTFS_ERR_MODE }, { m_data, true, BOOTFS_ERR_CHECKSUM },
		{ m_script, true, BOOTFS_ERR_CHECKSUM }, { m_pad, false, BOOTFS_ERR_CHECKSUM },
		{ m_version, false, BOOTFS_ERR_VERSION },
	};
	size_t n = 0;
	uint8_t *img = build_image(GOOD, &n);
	struct bootfs fs;
	CHECK(img != NULL);
	if (!img)
		return;
	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		uint8_t *c = host_dup(img, n);
		cases[i].fn(c, n);
		if (cases[i].fix)
			fix_crc(c, n);
		int r = bootfs_open(c, n, &fs);
		free(c);
		if (r != cases[i].err && !host_test_failed)
			fprintf(stderr, "case %zu: got %d, want %d\n", i, r, cases[i].err);
		CHECK_EQ(r, cases[i].err);
	}
	/* Truncated buffers, each exactly sized. */
	static const size_t cut[] = { 0, 10, 63, 64, 4096 };
	for (size_t i = 0; i < ARRAY_SIZE(cut); i++) {
		uint8_t *c = host_dup(img, cut[i]);
		CHECK_EQ(bootfs_open(c, cut[i], &fs), BOOTFS_ERR_TRUNCATED);
		free(c);
	}
	uint8_t *c = host_dup(img, n - 1);	/* one byte short */
	CHECK_EQ(bootfs_open(c, n - 1, &fs), BOOTFS_ERR_TRUNCATED);
	free(c);
	/* A failed open leaves *fs alone. */
	memset(&fs, 0x5a, sizeof fs);
	img[0] ^= 1;
	CHECK_EQ(bootfs_open(img, n, &fs), BOOTFS_ERR_MAGIC);
	CHECK_EQ(fs.bf_count, 0x5a5a5a5a);
	free(img);
}

TEST(list_and_verify)
{
	char dir[] = "/tmp/test_bootfs_XXXXXX", path[64], cmd[256], out[4096];
	CHECK(mkdtemp(dir) != NULL);
	snprintf(path, sizeof path, "%s/good.img", dir);
	CHECK_EQ(mkbootfs(FIX "/good.build", path, out, sizeof out), 0);
	snprintf(cmd, sizeof cmd, MKBOOTFS " --list %s", path);
	CHECK_EQ(host_run(cmd, out, sizeof out), 0);
	CHECK(strstr(out, "mode      uid   gid     size name\n") == out);
	CHECK(strstr(out, "\n0100755     0     0    12600 taskman\n") != NULL);
	CHECK(strstr(out, "\n0100644   100   200       53 etc/motd\n") != NULL);
	CHECK(strstr(out, "\n0040755     0     0        0 etc\n") != NULL);
	CHECK(strstr(out, "\n0120755     0     0       20 bin/sh -> /proc/boot/bin/hello\n"));
	CHECK(strstr(out, "\n--- script (60 bytes) ---\ndisplay_msg Welcome to QSOE\n"));
	/* Flip one byte of taskman's data: --list reports it and fails. */
	size_t n = 0;
	uint8_t *img = host_load(path, &n);
	CHECK(img != NULL);
	if (img) {
		img[rd64(ent(img, 0) + 16)] ^= 0x80;
		FILE *f = fopen(path, "wb");
		CHECK(f && fwrite(img, 1, n, f) == n);
		if (f)
			fclose(f);
		CHECK_EQ(host_run(cmd, out, sizeof out), 1);
		CHECK(strstr(out, "entry 0 (taskman): checksum mismatch") != NULL);
		free(img);
	}
	unlink(path);
	rmdir(dir);
}

TEST(fuzz_byte_flips)
{
	size_t n = 0;
	uint8_t *img = build_image(FIX "/fuzz.build", &n);	/* small: the CRCs dominate */
	uint64_t seed = 0xb007f5;
	int ok = 0, fixed = 0;
	CHECK(img != NULL);
	if (!img)
		return;
	for (int it = 0; it < 20000; it++) {
		seed = seed * 6364136223846793005ULL + 1442695040888963407ULL;
		/* Now and then a buffer shorter than the image. */
		size_t len = (seed & 0x70000) ? n : n - (seed >> 20) % n;
		uint8_t *c = host_dup(img, len);
		int flips = 1 + (int)(seed >> 60) % 4;
		bool fix = seed & 0x80000;
		for (int f = 0; f < flips && len; f++) {
			seed = seed * 6364136223846793005ULL + 1442695040888963407ULL;
			/* Mostly the header and directory, where the structure is. */
			size_t span = (seed & 0x3000) ? MIN(len, (size_t)64 + 4 * 128 + 16) : len;
			size_t at = (size_t)(seed >> 33) % span;
			c[at] = (seed & 0x100) ? (uint8_t)(seed >> 8) : (uint8_t)((seed >> 12) & 0xf);
		}
		if (fix)
			fix_crc(c, len);
		struct bootfs fs;
		struct bootfs_file f, g;
		int r = bootfs_open(c, len, &fs);
		CHECK(r <= 0 && r >= BOOTFS_ERR_CHECKSUM);
		if (r == 0) {
			ok++;
			fixed += fix;
			CHECK(fs.bf_size <= len && fs.bf_count <= BOOTFS_MAX_ENTRIES);
			for (unsigned i = 0; bootfs_entry(&fs, i, &f) == 0; i++) {
				CHECK(f.offset + f.size <= fs.bf_size);
				CHECK(strlen(f.name) <= BOOTFS_NAME_MAX);
				CHECK(bootfs_lookup(&fs, f.name, &g) == 0 && g.name == f.name);
			}
			size_t sl;
			const char *s = bootfs_script(&fs, &sl);
			CHECK(strlen(s) <= sl && s + sl < (const char *)c + fs.bf_size);
		}
		free(c);
	}
	CHECK(ok > 200 && fixed > 100);	/* mutants that still open exercise the deep paths */
	free(img);
}
