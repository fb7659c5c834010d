/* Host tests for the ext2 core (fs/ext2): images made by the host's mke2fs, checked with
 * e2fsck -fn and debugfs after each test. Reading host-made files (indirect blocks, holes,
 * symlinks, hard links), creating, writing, truncating, removing and renaming, ENOSPC,
 * and refusing corrupt or foreign images. Long tests (a 64 MiB file, a long random run)
 * run only with EXT2_LONG=1 in the environment. */
/* SOURCES: fs/ext2/bcache.c fs/ext2/super.c fs/ext2/alloc.c fs/ext2/inode.c fs/ext2/dir.c fs/ext2/namei.c */
#include "test.h"
#include "../../fs/ext2/ext2.h"

#include <errno.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

static const struct ext2_cred ROOT = { .uid = 0, .gid = 0 },
	ALICE = { .uid = 1000, .gid = 1000 }, BOB = { .uid = 1001, .gid = 1001 },
	DAVE = { .uid = 1002, .gid = 1002, .ngroups = 2, .groups = { 50, 1000 } };	/* alice's
						 * group as a supplementary one */

static char tmpdir[256];

/* --- A block device on an image file ------------------------------------------------------- */
struct filedev {
	struct ext2_dev	dev;
	int		fd;
	uint64_t	base;		/* the partition's first block on the file */
};

static int fd_read(struct ext2_dev *d, uint64_t lba, uint32_t n, void *buf)
{
	struct filedev *f = d->priv;
	size_t len = (size_t)n * d->block_size;
	return pread(f->fd, buf, len, (off_t)((f->base + lba) * d->block_size)) == (ssize_t)len ?
	       0 : -EIO;
}

static int fd_write(struct ext2_dev *d, uint64_t lba, uint32_t n, const void *buf)
{
	struct filedev *f = d->priv;
	size_t len = (size_t)n * d->block_size;
	return pwrite(f->fd, buf, len, (off_t)((f->base + lba) * d->block_size)) == (ssize_t)len ?
	       0 : -EIO;
}

static int fd_flush(struct ext2_dev *d)
{
	return fsync(((struct filedev *)d->priv)->fd) == 0 ? 0 : -EIO;
}

static uint32_t fake_now(void)
{
	return 1700000000u;
}

static struct filedev fdev;
static char why[256];

/* Mount the image, or its part from block base on (device blocks of 512 bytes); 0 or
 * -errno with `why` set. */
static int mount_part(struct ext2_fs *fs, const char *img, int rdonly, uint64_t base,
		      uint64_t nblocks)
{
	fdev.fd = open(img, rdonly ? O_RDONLY : O_RDWR);
	if (fdev.fd < 0)
		return -errno;
	fdev.base = base;
	fdev.dev = (struct ext2_dev){ fd_read, fd_write, fd_flush, 512,
				      nblocks ? nblocks : (uint64_t)lseek(fdev.fd, 0, SEEK_END) / 512,
				      &fdev };
	int r = ext2_mount(fs, &fdev.dev, rdonly, 1 << 20, fake_now, why, sizeof why);
	if (r < 0)
		close(fdev.fd);
	return r;
}

static int mount_img(struct ext2_fs *fs, const char *img, int rdonly)
{
	return mount_part(fs, img, rdonly, 0, 0);
}

static int umount_img(struct ext2_fs *fs)
{
	int r = ext2_unmount(fs);
	close(fdev.fd);
	return r;
}

static int sh(const char *fmt, const char *a, const char *b)
{
	char cmd[1024], out[8192];
	snprintf(cmd, sizeof cmd, fmt, a, b);
	int st = host_run(cmd, out, sizeof out);
	if (st != 0)
		fprintf(stderr, "test_ext2: `%s` exited %d:\n%s", cmd, st, out);
	return st;
}

static void setup(void)
{
	if (tmpdir[0])
		return;
	snprintf(tmpdir, sizeof tmpdir, "/tmp/test_ext2.%d", (int)getpid());
	mkdir(tmpdir, 0700);
}

/* An image of size (e.g. "8M") with block size bs, filled from tree (or empty). */
static const char *mkimg(const char *name, int bs, const char *size, const char *tree)
{
	static char img[512];
	char cmd[1024], out[4096];
	setup();
	snprintf(img, sizeof img, "%s/%s", tmpdir, name);
	unlink(img);
	snprintf(cmd, sizeof cmd, "/usr/sbin/mke2fs -q -F -t ext2 -b %d %s%s %s %s", bs, tree ? "-d " : "",
		 tree ? tree : "", img, size);
	CHECK_EQ(host_run(cmd, out, sizeof out), 0);
	return img;
}

static int fsck(const char *img)
{
	return sh("/usr/sbin/e2fsck -fn %s%s >/dev/null", img, "");
}

/* The file's contents as debugfs sees them (malloc'd; *n bytes), or NULL. */
static uint8_t *dump(const char *img, const char *path, size_t *n)
{
	char out[600], cmd[1200], o[4096];
	snprintf(out, sizeof out, "%s/dump.out", tmpdir);
	unlink(out);
	snprintf(cmd, sizeof cmd, "/usr/sbin/debugfs -R 'dump %s %s' %s", path, out, img);
	host_run(cmd, o, sizeof o);
	return host_load(out, n);
}

static void fill_pattern(uint8_t *b, size_t n, uint32_t seed)
{
	for (size_t i = 0; i < n; i++) {
		seed = seed * 1103515245u + 12345u;
		b[i] = (uint8_t)(seed >> 16);
	}
}

static void write_host_file(const char *path, const void *data, size_t n)
{
	FILE *f = fopen(path, "wb");
	CHECK(f != NULL);
	if (f) {
		CHECK_EQ(fwrite(data, 1, n, f), n);
		fclose(f);
	}
}

/* Open path as cr (oflag, mode); the node or NULL with *err. */
static struct ext2_node *op(struct ext2_fs *fs, const struct ext2_cred *cr, const char *path,
			    int oflag, uint32_t mode, int *err)
{
	struct ext2_node *n = NULL;
	struct ext2_redirect rd;
	*err = ext2_open(fs, cr, path, oflag, mode, 0, &n, &rd);
	return *err ? NULL : n;
}

/* Write data to a new file path as root. */
static int put(struct ext2_fs *fs, const char *path, const void *data, size_t n)
{
	int err;
	struct ext2_node *f = op(fs, &ROOT, path, O_WRONLY | O_CREAT | O_TRUNC, 0644, &err);
	if (!f)
		return err;
	ssize_t w = ext2_write(fs, f, 0, data, n);
	ext2_iput(fs, f);
	return w == (ssize_t)n ? 0 : (w < 0 ? (int)w : -EIO);
}

/* Compare file contents inside (core) with want. */
static int same(struct ext2_fs *fs, const char *path, const uint8_t *want, size_t n)
{
	int err;
	struct ext2_node *f = op(fs, &ROOT, path, O_RDONLY, 0, &err);
	if (!f)
		return err;
	uint8_t *b = malloc(n + 16);
	ssize_t got = ext2_read(fs, f, 0, b, n + 16);
	int ok = got == (ssize_t)n && ext2_size(f) == n && (n == 0 || memcmp(b, want, n) == 0);
	free(b);
	ext2_iput(fs, f);
	return ok;
}

/* Is the file the same bytes on the host's view (debugfs)? */
static int host_same(const char *img, const char *path, const uint8_t *want, size_t n)
{
	size_t got;
	uint8_t *b = dump(img, path, &got);
	int ok = b && got == n && (n == 0 || memcmp(b, want, n) == 0);
	free(b);
	return ok;
}

/* --- Reading what the host made ------------------------------------------------------------ */

static const char *host_tree(void)
{
	static char tree[300];
	char p[400];
	setup();
	snprintf(tree, sizeof tree, "%s/tree", tmpdir);
	if (access(tree, F_OK) == 0)
		return tree;
	mkdir(tree, 0755);
	snprintf(p, sizeof p, "%s/sub", tree);
	mkdir(p, 0750);
	snprintf(p, sizeof p, "%s/hello.txt", tree);
	write_host_file(p, "hello, ext2\n", 12);
	size_t big = 20u << 20;
	uint8_t *b = malloc(big);
	fill_pattern(b, big, 7);
	snprintf(p, sizeof p, "%s/sub/big", tree);
	write_host_file(p, b, big);
	free(b);
	snprintf(p, sizeof p, "%s/sparse", tree);
	int fd = open(p, O_WRONLY | O_CREAT | O_TRUNC, 0644);
	CHECK(fd >= 0);
	CHECK_EQ(pwrite(fd, "end", 3, 5000000), 3);
	CHECK_EQ(pwrite(fd, "mid", 3, 300000), 3);
	close(fd);
	char lnk[400], target[200];
	snprintf(lnk, sizeof lnk, "%s/fast", tree);
	CHECK_EQ(symlink("hello.txt", lnk), 0);
	memset(target, 'd', 99);
	memcpy(target + 99, "/x", 3);
	snprintf(lnk, sizeof lnk, "%s/slow", tree);
	CHECK_EQ(symlink(target, lnk), 0);
	snprintf(lnk, sizeof lnk, "%s/hello2.txt", tree);
	snprintf(p, sizeof p, "%s/hello.txt", tree);
	CHECK_EQ(link(p, lnk), 0);
	return tree;
}

/* A tree with just hello.txt. */
static const char *host_tree_small(void)
{
	static char tree[300];
	char p[400];
	setup();
	snprintf(tree, sizeof tree, "%s/small", tmpdir);
	mkdir(tree, 0755);
	snprintf(p, sizeof p, "%s/hello.txt", tree);
	write_host_file(p, "hello, ext2\n", 12);
	return tree;
}

static void read_host_files(int bs)
{
	struct ext2_fs fs;
	const char *img = mkimg(bs == 1024 ? "ro1k.img" : "ro4k.img", bs, "48M", host_tree());
	CHECK_EQ(mount_img(&fs, img, 1), 0);
	CHECK(same(&fs, "hello.txt", (const uint8_t *)"hello, ext2\n", 12) == 1);
	CHECK(same(&fs, "hello2.txt", (const uint8_t *)"hello, ext2\n", 12) == 1);
	size_t big = 20u << 20;
	uint8_t *b = malloc(big);
	fill_pattern(b, big, 7);
	CHECK(same(&fs, "sub/big", b, big) == 1);
	free(b);

	/* the sparse file: holes read as zeros */
	uint8_t *s = calloc(1, 5000003);
	memcpy(s + 300000, "mid", 3);
	memcpy(s + 5000000, "end", 3);
	CHECK(same(&fs, "sparse", s, 5000003) == 1);
	free(s);

	/* symlinks redirect, with the target and what follows it */
	struct ext2_node *n = NULL;
	struct ext2_redirect rd;
	CHECK_EQ(ext2_lookup(&fs, &ROOT, "fast", 0, &n, &rd), EXT2_REDIRECT);
	CHECK(strcmp(rd.target, "hello.txt") == 0 && rd.dirlen == 0 && rd.rest[0] == 0);
	CHECK_EQ(ext2_lookup(&fs, &ROOT, "slow/more/path", 0, &n, &rd), EXT2_REDIRECT);
	CHECK_EQ(strlen(rd.target), 101);
	CHECK(strcmp(rd.rest, "more/path") == 0);
	CHECK_EQ(ext2_lookup(&fs, &ROOT, "slow", EXT2_NOFOLLOW, &n, &rd), 0);
	char t[300];
	CHECK_EQ(ext2_readlink(&fs, n, t, sizeof t), 101);
	ext2_iput(&fs, n);

	/* hard links share an inode; stat-like fields */
	struct ext2_node *a, *c;
	CHECK_EQ(ext2_lookup(&fs, &ROOT, "hello.txt", 0, &a, &rd), 0);
	CHECK_EQ(ext2_lookup(&fs, &ROOT, "hello2.txt", 0, &c, &rd), 0);
	CHECK(a == c);
	CHECK_EQ(a->attr.nlink, 2);
	CHECK_EQ(a->attr.size, 12);
	ext2_iput(&fs, a);
	ext2_iput(&fs, c);
	CHECK_EQ(ext2_lookup(&fs, &ROOT, "sub", EXT2_MUSTDIR, &a, &rd), 0);
	CHECK_EQ(a->attr.mode, 040750);
	ext2_iput(&fs, a);
	CHECK_EQ(ext2_lookup(&fs, &ROOT, "hello.txt", EXT2_MUSTDIR, &a, &rd), -ENOTDIR);
	CHECK_EQ(ext2_lookup(&fs, &ROOT, "nope", 0, &a, &rd), -ENOENT);
	CHECK_EQ(ext2_lookup(&fs, &ROOT, "hello.txt/x", 0, &a, &rd), -ENOTDIR);

	/* read-only: writes refused */
	int err;
	CHECK(op(&fs, &ROOT, "new", O_WRONLY | O_CREAT, 0644, &err) == NULL && err == -EROFS);
	CHECK_EQ(fs.nnodes, 0);
	CHECK_EQ(umount_img(&fs), 0);
	CHECK_EQ(fsck(img), 0);
}

TEST(read_host_files_1k)
{
	read_host_files(1024);
}

TEST(read_host_files_4k)
{
	read_host_files(4096);
}

struct names {
	char buf[2048];
	int count;
};
static int collect(void *arg, uint64_t ino, int64_t next, int dtype, const char *name)
{
	struct names *nm = arg;
	if (strlen(nm->buf) + strlen(name) + 3 >= sizeof nm->buf)
		return 1;
	strcat(nm->buf, name);
	strcat(nm->buf, dtype == 4 ? "/ " : dtype == 10 ? "@ " : " ");
	nm->count++;
	return 0;
}

static int has_name(const char *list, const char *entry)
{
	char pat[300];
	snprintf(pat, sizeof pat, " %s ", entry);
	char full[2100];
	snprintf(full, sizeof full, " %s", list);
	return strstr(full, pat) != NULL;
}

TEST(readdir_host_dir)
{
	struct ext2_fs fs;
	struct ext2_node *root;
	struct ext2_redirect rd;
	struct names nm = { "", 0 };
	const char *img = mkimg("rd.img", 1024, "48M", host_tree());
	CHECK_EQ(mount_img(&fs, img, 1), 0);
	CHECK_EQ(ext2_lookup(&fs, &ROOT, "", 0, &root, &rd), 0);
	CHECK(ext2_readdir(&fs, root, 0, collect, &nm) > 0);
	CHECK(has_name(nm.buf, "./") && has_name(nm.buf, "../") && has_name(nm.buf, "sub/"));
	CHECK(has_name(nm.buf, "fast@") && has_name(nm.buf, "hello.txt") &&
	      has_name(nm.buf, "lost+found/"));
	ext2_iput(&fs, root);
	CHECK_EQ(umount_img(&fs), 0);
}

/* --- Refusing what is not ours ------------------------------------------------------------- */

TEST(refuses_foreign_and_corrupt)
{
	struct ext2_fs fs;
	char img[400], cmd[1024], out[4096];
	setup();
	snprintf(img, sizeof img, "%s/zero.img", tmpdir);
	snprintf(cmd, sizeof cmd, "dd if=/dev/zero of=%s bs=1k count=1024 2>/dev/null", img);
	CHECK_EQ(host_run(cmd, out, sizeof out), 0);
	CHECK_EQ(mount_img(&fs, img, 0), -EINVAL);
	CHECK(strcmp(why, "not an ext2 filesystem") == 0);

	const char *e3 = mkimg("ext3.img", 1024, "8M", NULL);
	snprintf(cmd, sizeof cmd, "/usr/sbin/tune2fs -j %s >/dev/null", e3);
	CHECK_EQ(host_run(cmd, out, sizeof out), 0);
	CHECK(mount_img(&fs, e3, 0) < 0);
	CHECK(strstr(why, "not an ext2 filesystem") != NULL);

	const char *e4 = mkimg("ext4.img", 4096, "8M", NULL);
	snprintf(cmd, sizeof cmd, "/usr/sbin/mke2fs -q -F -t ext4 -O ^has_journal %s 8M", e4);
	CHECK_EQ(host_run(cmd, out, sizeof out), 0);
	CHECK_EQ(mount_img(&fs, e4, 0), -ENOTSUP);
	CHECK(strstr(why, "unsupported features 0x") != NULL);

	/* a superblock whose counts are out of range: the block count too large */
	const char *bad = mkimg("bad.img", 1024, "8M", NULL);
	int fd = open(bad, O_RDWR);
	uint32_t v = 0xfffffff0u;
	CHECK_EQ(pwrite(fd, &v, 4, 1024 + 4), 4);
	close(fd);
	CHECK_EQ(mount_img(&fs, bad, 0), -EINVAL);
	CHECK(strstr(why, "corrupt superblock") != NULL);

	/* a group descriptor pointing outside the filesystem */
	bad = mkimg("badgd.img", 1024, "8M", NULL);
	fd = open(bad, O_RDWR);
	v = 0x7fffffff;
	CHECK_EQ(pwrite(fd, &v, 4, 2048 + 8), 4);
	close(fd);
	CHECK_EQ(mount_img(&fs, bad, 0), -EINVAL);
	CHECK(strstr(why, "corrupt group descriptor 0") != NULL);

	/* revision 0 */
	bad = mkimg("rev0.img", 1024, "8M", NULL);
	fd = open(bad, O_RDWR);
	v = 0;
	CHECK_EQ(pwrite(fd, &v, 4, 1024 + 76), 4);
	close(fd);
	CHECK_EQ(mount_img(&fs, bad, 0), -ENOTSUP);
	CHECK(strstr(why, "revision 0") != NULL);
}

/* A directory block whose rec_len runs past the block: EIO, never a crash. */
TEST(corrupt_directory_gives_eio)
{
	struct ext2_fs fs;
	struct ext2_node *n;
	struct ext2_redirect rd;
	const char *img = mkimg("baddir.img", 1024, "48M", host_tree());
	CHECK_EQ(mount_img(&fs, img, 0), 0);
	CHECK_EQ(ext2_lookup(&fs, &ROOT, "sub", 0, &n, &rd), 0);
	uint32_t blk = n->di.i_block[0];
	ext2_iput(&fs, n);
	CHECK_EQ(umount_img(&fs), 0);
	int fd = open(img, O_RDWR);
	uint16_t len = 2000;
	CHECK_EQ(pwrite(fd, &len, 2, (off_t)blk * 1024 + 4), 2);
	close(fd);
	CHECK_EQ(mount_img(&fs, img, 0), 0);
	CHECK_EQ(ext2_lookup(&fs, &ROOT, "sub/big", 0, &n, &rd), -EIO);
	int err;
	CHECK(op(&fs, &ROOT, "sub/new", O_WRONLY | O_CREAT, 0644, &err) == NULL && err == -EIO);
	CHECK_EQ(fs.nnodes, 0);
	CHECK_EQ(umount_img(&fs), 0);
}

/* --- Changing things ----------------------------------------------------------------------- */

static int long_tests(void)
{
	return getenv("EXT2_LONG") != NULL;
}

static void namespace_ops(int bs)
{
	struct ext2_fs fs;
	struct ext2_redirect rd;
	struct ext2_node *n;
	int err;
	const char *img = mkimg(bs == 1024 ? "rw1k.img" : "rw4k.img", bs, "16M", NULL);
	CHECK_EQ(mount_img(&fs, img, 0), 0);
	CHECK_EQ(put(&fs, "a.txt", "alpha\n", 6), 0);
	CHECK_EQ(ext2_mkdir(&fs, &ROOT, "d", 0755, &rd), 0);
	CHECK_EQ(ext2_mkdir(&fs, &ROOT, "d", 0755, &rd), -EEXIST);
	CHECK_EQ(ext2_mkdir(&fs, &ROOT, "d/e", 0700, &rd), 0);
	CHECK_EQ(put(&fs, "d/e/f", "deep", 4), 0);
	CHECK(op(&fs, &ROOT, "a.txt", O_WRONLY | O_CREAT | O_EXCL, 0644, &err) == NULL &&
	      err == -EEXIST);

	/* many names: the directory grows past one block */
	char name[64];
	for (int i = 0; i < 200; i++) {
		snprintf(name, sizeof name, "d/file-with-a-longish-name-%03d", i);
		CHECK_EQ(put(&fs, name, name, strlen(name)), 0);
	}
	for (int i = 0; i < 200; i += 2) {
		snprintf(name, sizeof name, "d/file-with-a-longish-name-%03d", i);
		CHECK_EQ(ext2_remove(&fs, &ROOT, name, 0, &rd), 0);
	}
	CHECK_EQ(ext2_remove(&fs, &ROOT, "d", 1, &rd), -ENOTEMPTY);
	CHECK_EQ(ext2_remove(&fs, &ROOT, "d/e", 0, &rd), -EISDIR);
	CHECK_EQ(ext2_remove(&fs, &ROOT, "a.txt", 1, &rd), -ENOTDIR);

	/* links and symlinks */
	CHECK_EQ(ext2_link(&fs, &ROOT, "a.txt", "d/a-link", &rd), 0);
	CHECK_EQ(ext2_link(&fs, &ROOT, "d", "d2", &rd), -EPERM);
	CHECK_EQ(ext2_symlink(&fs, &ROOT, "a.txt", "short", &rd), 0);
	char longt[300];
	memset(longt, 'L', 200);
	longt[200] = 0;
	CHECK_EQ(ext2_symlink(&fs, &ROOT, longt, "long", &rd), 0);
	CHECK_EQ(ext2_lookup(&fs, &ROOT, "long", EXT2_NOFOLLOW, &n, &rd), 0);
	char t[300];
	CHECK_EQ(ext2_readlink(&fs, n, t, sizeof t), 200);
	CHECK(strcmp(t, longt) == 0);
	ext2_iput(&fs, n);

	/* renames: a file over a file, a directory to another parent, into itself */
	CHECK_EQ(put(&fs, "b.txt", "beta", 4), 0);
	CHECK_EQ(ext2_rename(&fs, &ROOT, "b.txt", "d/e/f", &rd), 0);
	CHECK_EQ(ext2_rename(&fs, &ROOT, "d/e", "e2", &rd), 0);
	CHECK_EQ(ext2_rename(&fs, &ROOT, "d", "d/sub", &rd), -EINVAL);
	CHECK_EQ(ext2_mkdir(&fs, &ROOT, "empty", 0755, &rd), 0);
	CHECK_EQ(ext2_rename(&fs, &ROOT, "e2", "empty", &rd), 0);
	CHECK_EQ(ext2_rename(&fs, &ROOT, "a.txt", "d/a-link", &rd), 0);	/* same file */
	CHECK(same(&fs, "empty/f", (const uint8_t *)"beta", 4) == 1);

	/* truncate: shrink frees, growth reads zeros */
	uint8_t buf[20000];
	fill_pattern(buf, sizeof buf, 3);
	CHECK_EQ(put(&fs, "t", buf, sizeof buf), 0);
	CHECK((n = op(&fs, &ROOT, "t", O_RDWR, 0, &err)) != NULL);
	CHECK_EQ(ext2_truncate(&fs, n, 5000), 0);
	CHECK_EQ(ext2_truncate(&fs, n, 9000), 0);
	ext2_iput(&fs, n);
	memset(buf + 5000, 0, 4000);
	CHECK(same(&fs, "t", buf, 9000) == 1);

	CHECK_EQ(fs.nnodes, 0);
	CHECK_EQ(umount_img(&fs), 0);
	CHECK_EQ(fsck(img), 0);
	CHECK(host_same(img, "/empty/f", (const uint8_t *)"beta", 4));
	CHECK(host_same(img, "/d/a-link", (const uint8_t *)"alpha\n", 6));
	CHECK(host_same(img, "/t", buf, 9000));
	CHECK(host_same(img, "/d/file-with-a-longish-name-001",
			(const uint8_t *)"d/file-with-a-longish-name-001", 30));
	CHECK(!host_same(img, "/d/file-with-a-longish-name-000",
			 (const uint8_t *)"d/file-with-a-longish-name-000", 30));
}

TEST(namespace_ops_1k)
{
	namespace_ops(1024);
}

TEST(namespace_ops_4k)
{
	namespace_ops(4096);
}

/* A file through the triple indirect blocks (1 KiB blocks: past 64 MiB + 268 KiB), written
 * in odd-sized pieces, read back, checked by the host, then cut back. */
TEST(big_file)
{
	struct ext2_fs fs;
	int err;
	size_t size = long_tests() ? (64u << 20) + (1u << 20) : (6u << 20);
	const char *img = mkimg("big.img", 1024, long_tests() ? "100M" : "16M", NULL);
	CHECK_EQ(mount_img(&fs, img, 0), 0);
	uint8_t *b = malloc(size), *r = malloc(size);
	fill_pattern(b, size, 11);
	struct ext2_node *n = op(&fs, &ROOT, "big", O_RDWR | O_CREAT, 0644, &err);
	CHECK(n != NULL);
	for (size_t off = 0; n && off < size;) {
		size_t chunk = size - off < 77777 ? size - off : 77777;
		CHECK_EQ(ext2_write(&fs, n, off, b + off, chunk), chunk);
		off += chunk;
	}
	CHECK_EQ(ext2_read(&fs, n, 0, r, size), size);
	CHECK(memcmp(b, r, size) == 0);
	ext2_iput(&fs, n);
	CHECK_EQ(umount_img(&fs), 0);
	CHECK_EQ(fsck(img), 0);
	CHECK(host_same(img, "/big", b, size));

	CHECK_EQ(mount_img(&fs, img, 0), 0);
	struct ext2_statvfs before, after;
	ext2_statvfs(&fs, &before);
	n = op(&fs, &ROOT, "big", O_RDWR, 0, &err);
	CHECK(n != NULL);
	CHECK_EQ(ext2_truncate(&fs, n, 300000), 0);
	ext2_iput(&fs, n);
	ext2_statvfs(&fs, &after);
	CHECK(after.bfree > before.bfree + (size - 300000) / 1024);
	CHECK_EQ(umount_img(&fs), 0);
	CHECK_EQ(fsck(img), 0);
	CHECK(host_same(img, "/big", b, 300000));
	free(b);
	free(r);
}

/* A full disk: writes stop with ENOSPC, the filesystem stays sound, unlink gives it back. */
TEST(full_disk)
{
	struct ext2_fs fs;
	struct ext2_redirect rd;
	struct ext2_statvfs st0, st1;
	int err;
	const char *img = mkimg("full.img", 1024, "2M", NULL);
	CHECK_EQ(mount_img(&fs, img, 0), 0);
	ext2_statvfs(&fs, &st0);
	uint8_t chunk[10000];
	fill_pattern(chunk, sizeof chunk, 5);
	struct ext2_node *n = op(&fs, &ROOT, "fill", O_RDWR | O_CREAT, 0644, &err);
	uint64_t off = 0;
	ssize_t w = 0;
	while (n && (w = ext2_write(&fs, n, off, chunk, sizeof chunk)) > 0)
		off += (uint64_t)w;
	CHECK_EQ(w, -ENOSPC);
	CHECK(off > 1500000);
	ext2_iput(&fs, n);
	CHECK_EQ(ext2_mkdir(&fs, &ROOT, "nospace", 0755, &rd), -ENOSPC);
	CHECK_EQ(umount_img(&fs), 0);
	CHECK_EQ(fsck(img), 0);
	CHECK_EQ(mount_img(&fs, img, 0), 0);
	CHECK_EQ(ext2_remove(&fs, &ROOT, "fill", 0, &rd), 0);
	ext2_statvfs(&fs, &st1);
	CHECK_EQ(st1.bfree, st0.bfree);
	CHECK_EQ(st1.ffree, st0.ffree);
	CHECK_EQ(umount_img(&fs), 0);
	CHECK_EQ(fsck(img), 0);
}

TEST(permissions)
{
	struct ext2_fs fs;
	struct ext2_redirect rd;
	struct ext2_node *n;
	int err;
	const char *img = mkimg("perm.img", 1024, "4M", NULL);
	CHECK_EQ(mount_img(&fs, img, 0), 0);
	CHECK_EQ(ext2_mkdir(&fs, &ROOT, "home", 0755, &rd), 0);
	CHECK_EQ(ext2_mkdir(&fs, &ROOT, "home/alice", 0755, &rd), 0);
	CHECK_EQ(ext2_lookup(&fs, &ROOT, "home/alice", 0, &n, &rd), 0);
	CHECK_EQ(ext2_chown(&fs, &ROOT, n, 1000, 1000), 0);
	ext2_iput(&fs, n);
	CHECK((n = op(&fs, &ALICE, "home/alice/secret", O_WRONLY | O_CREAT, 0600, &err)) != NULL);
	CHECK_EQ(n->attr.uid, 1000);
	CHECK_EQ(ext2_write(&fs, n, 0, "s3cret", 6), 6);
	CHECK_EQ(ext2_chmod(&fs, &BOB, n, 0666), -EPERM);
	ext2_iput(&fs, n);
	CHECK(op(&fs, &BOB, "home/alice/secret", O_RDONLY, 0, &err) == NULL && err == -EACCES);
	CHECK(op(&fs, &BOB, "home/alice/bobs", O_WRONLY | O_CREAT, 0644, &err) == NULL &&
	      err == -EACCES);
	CHECK_EQ(ext2_remove(&fs, &BOB, "home/alice/secret", 0, &rd), -EACCES);
	CHECK_EQ(ext2_mkdir(&fs, &BOB, "home/bob", 0755, &rd), -EACCES);
	CHECK((n = op(&fs, &ROOT, "home/alice/secret", O_RDONLY, 0, &err)) != NULL);
	ext2_iput(&fs, n);
	/* the group class counts supplementary groups: dave is in alice's group */
	CHECK((n = op(&fs, &ALICE, "home/alice/shared", O_WRONLY | O_CREAT, 0640, &err)) != NULL);
	ext2_iput(&fs, n);
	CHECK((n = op(&fs, &DAVE, "home/alice/shared", O_RDONLY, 0, &err)) != NULL);
	ext2_iput(&fs, n);
	CHECK(op(&fs, &DAVE, "home/alice/shared", O_WRONLY, 0, &err) == NULL && err == -EACCES);
	CHECK(op(&fs, &BOB, "home/alice/shared", O_RDONLY, 0, &err) == NULL && err == -EACCES);
	CHECK_EQ(umount_img(&fs), 0);
	CHECK_EQ(fsck(img), 0);
}

/* An unlinked file that is still open keeps its data until the last reference goes. */
TEST(unlinked_while_open)
{
	struct ext2_fs fs;
	struct ext2_redirect rd;
	struct ext2_statvfs st0, st1;
	int err;
	const char *img = mkimg("orphan.img", 1024, "4M", NULL);
	CHECK_EQ(mount_img(&fs, img, 0), 0);
	ext2_statvfs(&fs, &st0);
	struct ext2_node *n = op(&fs, &ROOT, "tmp", O_RDWR | O_CREAT, 0644, &err);
	uint8_t b[50000], r[50000];
	fill_pattern(b, sizeof b, 9);
	CHECK_EQ(ext2_write(&fs, n, 0, b, sizeof b), sizeof b);
	CHECK_EQ(ext2_remove(&fs, &ROOT, "tmp", 0, &rd), 0);
	CHECK_EQ(ext2_read(&fs, n, 0, r, sizeof r), sizeof r);
	CHECK(memcmp(b, r, sizeof b) == 0);
	ext2_iput(&fs, n);
	ext2_statvfs(&fs, &st1);
	CHECK_EQ(st1.bfree, st0.bfree);

	/* still open at unmount: freed then */
	n = op(&fs, &ROOT, "tmp2", O_RDWR | O_CREAT, 0644, &err);
	CHECK_EQ(ext2_write(&fs, n, 0, b, sizeof b), sizeof b);
	CHECK_EQ(ext2_remove(&fs, &ROOT, "tmp2", 0, &rd), 0);
	CHECK_EQ(umount_img(&fs), 0);
	CHECK_EQ(fsck(img), 0);
	CHECK_EQ(mount_img(&fs, img, 1), 0);
	ext2_statvfs(&fs, &st1);
	CHECK_EQ(st1.bfree, st0.bfree);
	CHECK_EQ(umount_img(&fs), 0);
}

/* Mounted read-write the filesystem is marked not clean; unmounting marks it clean. */
TEST(clean_state)
{
	struct ext2_fs fs, ro;
	const char *img = mkimg("state.img", 1024, "4M", NULL);
	CHECK_EQ(mount_img(&fs, img, 0), 0);
	int fd = open(img, O_RDONLY);
	uint16_t state = 0;
	CHECK_EQ(pread(fd, &state, 2, 1024 + 58), 2);
	CHECK_EQ(state & EXT2_STATE_VALID, 0);
	CHECK_EQ(umount_img(&fs), 0);
	CHECK_EQ(pread(fd, &state, 2, 1024 + 58), 2);
	CHECK_EQ(state & EXT2_STATE_VALID, EXT2_STATE_VALID);
	close(fd);
	CHECK_EQ(mount_img(&ro, img, 1), 0);
	CHECK_EQ(umount_img(&ro), 0);
	CHECK_EQ(fsck(img), 0);
}

/* --- A random run against a model ----------------------------------------------------------- */
#define MFILES	24
struct mfile {
	int	dir;		/* 0: the root, 1..3: d1..d3; -1: no such file */
	uint8_t	*data;
	size_t	size;
};

static void mpath(char *buf, size_t cap, int dir, int i)
{
	if (dir == 0)
		snprintf(buf, cap, "f%02d", i);
	else
		snprintf(buf, cap, "d%d/f%02d", dir, i);
}

TEST(random_ops_against_model)
{
	struct ext2_fs fs;
	struct ext2_redirect rd;
	struct mfile m[MFILES];
	int err, steps = long_tests() ? 20000 : 1500;
	int dirs[4] = { 1, 0, 0, 0 };
	const char *img = mkimg("random.img", 1024, "8M", NULL);
	CHECK_EQ(mount_img(&fs, img, 0), 0);
	memset(m, 0, sizeof m);
	for (int i = 0; i < MFILES; i++)
		m[i].dir = -1;
	uint32_t seed = 12345;
	uint8_t *buf = malloc(70000);
	char p[80], q[64];
	for (int s = 0; s < steps; s++) {
		seed = seed * 1103515245u + 12345u;
		int i = (int)((seed >> 8) % MFILES), what = (int)((seed >> 20) % 7);
		struct mfile *f = &m[i];
		if (f->dir < 0 || what == 6) {		/* create (or recreate with O_TRUNC) */
			int d = (int)((seed >> 4) % 4);
			if (!dirs[d] || f->dir >= 0)
				continue;
			mpath(p, sizeof p, d, i);
			struct ext2_node *n = op(&fs, &ROOT, p, O_WRONLY | O_CREAT | O_EXCL, 0644, &err);
			CHECK(n != NULL);
			ext2_iput(&fs, n);
			f->dir = d;
			continue;
		}
		mpath(p, sizeof p, f->dir, i);
		if (what <= 2) {			/* write somewhere */
			size_t off = (seed >> 3) % (f->size + 30000), len = (seed >> 11) % 40000;
			fill_pattern(buf, len, seed);
			struct ext2_node *n = op(&fs, &ROOT, p, O_WRONLY, 0, &err);
			ssize_t w = n ? ext2_write(&fs, n, off, buf, len) : err;
			ext2_iput(&fs, n);
			if (w == -ENOSPC || (w >= 0 && (size_t)w < len)) {
				len = w > 0 ? (size_t)w : 0;	/* the disk filled: keep what went */
			} else {
				CHECK_EQ(w, len);
			}
			if (off + len > f->size) {
				f->data = realloc(f->data, off + len);
				memset(f->data + f->size, 0, off + len - f->size);
				if (len == 0 && off > f->size)
					;	/* nothing written: size unchanged */
				else
					f->size = off + len;
			}
			if (len)
				memcpy(f->data + off, buf, len);
		} else if (what == 3) {			/* truncate */
			size_t size = (seed >> 5) % (f->size + 10000);
			struct ext2_node *n = op(&fs, &ROOT, p, O_WRONLY, 0, &err);
			CHECK(n != NULL);
			if (n && ext2_truncate(&fs, n, size) == 0) {
				f->data = realloc(f->data, size + 1);
				if (size > f->size)
					memset(f->data + f->size, 0, size - f->size);
				f->size = size;
			}
			ext2_iput(&fs, n);
		} else if (what == 4) {			/* rename to another directory */
			int d = (int)((seed >> 6) % 4);
			if (!dirs[d])
				continue;
			mpath(q, sizeof q, d, i);
			CHECK_EQ(ext2_rename(&fs, &ROOT, p, q, &rd), 0);
			f->dir = d;
		} else {				/* unlink, and maybe make or remove a dir */
			CHECK_EQ(ext2_remove(&fs, &ROOT, p, 0, &rd), 0);
			f->dir = -1;
			free(f->data);
			f->data = NULL;
			f->size = 0;
			int d = 1 + (int)((seed >> 7) % 3), used = 0;
			snprintf(q, sizeof q, "d%d", d);
			for (int k = 0; k < MFILES; k++)
				used |= m[k].dir == d;
			if (!dirs[d]) {
				CHECK_EQ(ext2_mkdir(&fs, &ROOT, q, 0755, &rd), 0);
				dirs[d] = 1;
			} else if (!used) {
				CHECK_EQ(ext2_remove(&fs, &ROOT, q, 1, &rd), 0);
				dirs[d] = 0;
			}
		}
	}
	for (int i = 0; i < MFILES; i++) {
		if (m[i].dir < 0)
			continue;
		mpath(p, sizeof p, m[i].dir, i);
		CHECK(same(&fs, p, m[i].data, m[i].size) == 1);
	}
	CHECK_EQ(fs.nnodes, 0);
	CHECK_EQ(umount_img(&fs), 0);
	CHECK_EQ(fsck(img), 0);
	for (int i = 0; i < MFILES; i++) {
		if (m[i].dir < 0)
			continue;
		mpath(q, sizeof q, m[i].dir, i);
		snprintf(p, sizeof p, "/%s", q);
		CHECK(host_same(img, p, m[i].data, m[i].size));
		free(m[i].data);
	}
	free(buf);
}

/* --- Corruption: errors, never crashes ---------------------------------------------------- */
struct memdev {
	struct ext2_dev	dev;
	uint8_t		*img;
};

static int md_read(struct ext2_dev *d, uint64_t lba, uint32_t n, void *buf)
{
	if ((lba + n) * 512 > d->nblocks * 512)
		return -EIO;
	memcpy(buf, ((struct memdev *)d->priv)->img + lba * 512, (size_t)n * 512);
	return 0;
}

static int md_write(struct ext2_dev *d, uint64_t lba, uint32_t n, const void *buf)
{
	if ((lba + n) * 512 > d->nblocks * 512)
		return -EIO;
	memcpy(((struct memdev *)d->priv)->img + lba * 512, buf, (size_t)n * 512);
	return 0;
}

/* Read every file below dir (depth-limited), then try some changes; results ignored. */
struct walkctx {
	struct ext2_fs	*fs;
	char		names[64][EXT2_NAME_MAX + 1];
	int		n;
};

static int walk_collect(void *arg, uint64_t ino, int64_t next, int dtype, const char *name)
{
	struct walkctx *w = arg;
	if (w->n < 64 && strcmp(name, ".") && strcmp(name, ".."))
		strcpy(w->names[w->n++], name);
	return 0;
}

static void exercise(struct ext2_fs *fs, const char *path, int depth)
{
	static uint8_t buf[70000];
	struct ext2_redirect rd;
	struct ext2_node *n;
	if (depth > 3 || ext2_lookup(fs, &ROOT, path, EXT2_NOFOLLOW, &n, &rd) != 0)
		return;
	if (!ext2_isdir(n)) {
		ext2_read(fs, n, 0, buf, sizeof buf);
		ext2_readlink(fs, n, (char *)buf, sizeof buf);
		ext2_iput(fs, n);
		return;
	}
	struct walkctx *w = calloc(1, sizeof *w);
	ext2_readdir(fs, n, 0, walk_collect, w);
	ext2_iput(fs, n);
	for (int i = 0; i < w->n; i++) {
		char p[600];
		snprintf(p, sizeof p, "%s%s%s", path, path[0] ? "/" : "", w->names[i]);
		exercise(fs, p, depth + 1);
	}
	char p[600];
	snprintf(p, sizeof p, "%s%snew", path, path[0] ? "/" : "");
	put(fs, p, buf, 5000);
	if (w->n) {
		snprintf(p, sizeof p, "%s%s%s", path, path[0] ? "/" : "", w->names[0]);
		char q[600];
		snprintf(q, sizeof q, "%s%srenamed", path, path[0] ? "/" : "");
		ext2_rename(fs, &ROOT, p, q, &rd);
		ext2_remove(fs, &ROOT, q, 0, &rd);
		ext2_remove(fs, &ROOT, q, 1, &rd);
	}
	free(w);
}

TEST(corrupted_metadata_never_crashes)
{
	char tree[300], p[400];
	setup();
	snprintf(tree, sizeof tree, "%s/fuzztree", tmpdir);
	mkdir(tree, 0755);
	for (int i = 0; i < 4; i++) {
		snprintf(p, sizeof p, "%s/d%d", tree, i);
		mkdir(p, 0755);
		for (int j = 0; j < 6; j++) {
			char f[500], data[6000];
			snprintf(f, sizeof f, "%s/f%d", p, j);
			memset(data, 'a' + j, sizeof data);
			write_host_file(f, data, (size_t)(j * 997));
		}
		snprintf(p, sizeof p, "%s/d%d/l", tree, i);
		symlink("f1", p);
	}
	const char *img = mkimg("fuzz.img", 1024, "1M", tree);
	size_t n;
	uint8_t *orig = host_load(img, &n);
	CHECK(orig != NULL);
	if (!orig)
		return;
	struct memdev md = { { md_read, md_write, NULL, 512, n / 512, &md }, malloc(n) };
	uint32_t seed = 99;
	int mounted = 0, rounds = long_tests() ? 3000 : 300;
	for (int round = 0; round < rounds; round++) {
		memcpy(md.img, orig, n);
		/* flip bytes in the metadata: superblock, descriptors, bitmaps, inode table,
		 * and the first directory blocks (the first 160 KiB of a 1 KiB-block image) */
		for (int k = 0; k < 1 + round % 8; k++) {
			seed = seed * 1103515245u + 12345u;
			size_t off = 1024 + (seed >> 8) % (160 * 1024 - 1024);
			md.img[off] ^= (uint8_t)(1u << ((seed >> 3) & 7));
		}
		struct ext2_fs fs;
		if (ext2_mount(&fs, &md.dev, 0, 64 * 1024, fake_now, why, sizeof why) != 0)
			continue;
		mounted++;
		exercise(&fs, "", 0);
		CHECK_EQ(fs.nnodes, 0);
		ext2_unmount(&fs);
	}
	CHECK(mounted > rounds / 2);
	free(md.img);
	free(orig);
}

/* --- The disk image (tools/mkroot.py, tools/mkgpt.py, tools/sha512crypt.py) ------------------ */

static uint32_t crc32_of(const uint8_t *p, size_t n)
{
	uint32_t c = 0xffffffffu;
	for (size_t i = 0; i < n; i++) {
		c ^= p[i];
		for (int k = 0; k < 8; k++)
			c = (c >> 1) ^ (0xedb88320u & (0u - (c & 1)));
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

/* A GPT header at lba of the disk d (n bytes) with its entries: sound? 0, or which check. */
static int gpt_check(const uint8_t *d, size_t n, uint64_t lba, uint64_t *start, uint64_t *end)
{
	const uint8_t *h = d + lba * 512;
	uint8_t copy[92];
	if (memcmp(h, "EFI PART", 8) != 0 || le32(h + 12) != 92)
		return 1;
	memcpy(copy, h, 92);
	memset(copy + 16, 0, 4);
	if (crc32_of(copy, 92) != le32(h + 16) || le64(h + 24) != lba)
		return 2;
	uint64_t ents = le64(h + 72);
	if (le32(h + 80) != 128 || le32(h + 84) != 128 || (ents + 32) * 512 > n)
		return 3;
	const uint8_t *e = d + ents * 512;
	if (crc32_of(e, 128 * 128) != le32(h + 88))
		return 4;
	static const uint8_t linux_fs[16] = { 0xaf, 0x3d, 0xc6, 0x0f, 0x83, 0x84, 0x72, 0x47,
					     0x8e, 0x79, 0x3d, 0x69, 0xd8, 0x47, 0x7d, 0xe4 };
	if (memcmp(e, linux_fs, 16) != 0)
		return 5;
	static const char name[] = "qsoe-root";
	for (int i = 0; i < 9; i++)
		if (e[56 + 2 * i] != name[i] || e[57 + 2 * i] != 0)
			return 6;
	*start = le64(e + 32);
	*end = le64(e + 40);
	return *start >= le64(h + 40) && *end <= le64(h + 48) ? 0 : 7;
}

/* mkgpt's disk: protective MBR, both headers sound, the partition mounts and is clean. */
TEST(gpt_disk_image)
{
	struct ext2_fs fs;
	char disk[400], cmd[1200], out[4096];
	const char *img = mkimg("part.img", 4096, "8M", host_tree_small());
	snprintf(disk, sizeof disk, "%s/disk.img", tmpdir);
	snprintf(cmd, sizeof cmd, "/usr/bin/python3 tools/mkgpt.py %s --part qsoe-root:%s", disk, img);
	CHECK_EQ(host_run(cmd, out, sizeof out), 0);
	size_t n;
	uint8_t *d = host_load(disk, &n);
	CHECK(d != NULL && n > (8u << 20) + 2048 * 512);
	if (!d)
		return;
	CHECK(d[510] == 0x55 && d[511] == 0xaa && d[446 + 4] == 0xee);
	uint64_t s0, e0, s1, e1;
	CHECK_EQ(gpt_check(d, n, 1, &s0, &e0), 0);
	CHECK_EQ(gpt_check(d, n, n / 512 - 1, &s1, &e1), 0);
	CHECK(s0 == 2048 && s1 == s0 && e0 == e1 && (e0 - s0 + 1) * 512 == (8u << 20));
	free(d);
	CHECK_EQ(mount_part(&fs, disk, 0, s0, e0 - s0 + 1), 0);
	CHECK(same(&fs, "hello.txt", (const uint8_t *)"hello, ext2\n", 12) == 1);
	CHECK_EQ(put(&fs, "from-qsoe", "on the disk", 11), 0);
	CHECK_EQ(umount_img(&fs), 0);
	snprintf(cmd, sizeof cmd, "dd if=%s of=%s bs=512 skip=%llu count=%llu 2>/dev/null", disk,
		 img, (unsigned long long)s0, (unsigned long long)(e0 - s0 + 1));
	CHECK_EQ(host_run(cmd, out, sizeof out), 0);
	CHECK_EQ(fsck(img), 0);
	CHECK(host_same(img, "/from-qsoe", (const uint8_t *)"on the disk", 11));
}

/* mkroot's /etc/shadow: "$6$" hashes of the default passwords that openssl agrees with. */
TEST(root_tree_accounts)
{
	char root[400], cmd[1200], out[8192], line[512];
	setup();
	snprintf(root, sizeof root, "%s/root", tmpdir);
	snprintf(cmd, sizeof cmd, "/usr/bin/python3 tools/mkroot.py --out %s --prog-dir %s",
		 root, tmpdir);
	CHECK_EQ(host_run(cmd, out, sizeof out), 0);
	snprintf(cmd, sizeof cmd, "%s/etc/shadow", root);
	FILE *f = fopen(cmd, "r");
	CHECK(f != NULL);
	int accounts = 0;
	while (f && fgets(line, sizeof line, f)) {
		char *user = strtok(line, ":"), *hash = strtok(NULL, ":");
		char salt[32];
		CHECK(user && hash && strncmp(hash, "$6$", 3) == 0 && strlen(hash) == 3 + 16 + 1 + 86);
		if (!user || !hash || strlen(hash) < 20)
			break;
		memcpy(salt, hash + 3, 16);
		salt[16] = 0;
		snprintf(cmd, sizeof cmd, "openssl passwd -6 -salt '%s' '%s'", salt, user);
		CHECK_EQ(host_run(cmd, out, sizeof out), 0);
		out[strcspn(out, "\n")] = 0;
		CHECK(strcmp(out, hash) == 0);
		accounts++;
	}
	if (f)
		fclose(f);
	CHECK_EQ(accounts, 2);
	CHECK_EQ(host_run("/usr/bin/python3 tools/sha512crypt.py --selftest", out, sizeof out), 0);
	struct stat st;
	snprintf(cmd, sizeof cmd, "%s/tmp", root);
	CHECK(stat(cmd, &st) == 0 && (st.st_mode & 07777) == 01777);
}

/* Last: the temporary directory goes. */
TEST(zz_cleanup)
{
	if (tmpdir[0])
		CHECK_EQ(sh("rm -rf %s%s", tmpdir, ""), 0);
}
