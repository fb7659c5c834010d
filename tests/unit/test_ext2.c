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

static const struct ext2_cred ROOT = { 0, 0 }, ALICE = { 1000, 1000 }, BOB = { 1001, 1001 };

static char tmpdir[256];

/* --- A block device on an image file ------------------------------------------------------- */
struct filedev {
	struct ext2_dev	dev;
	int		fd;
};

static int fd_read(struct ext2_dev *d, uint64_t lba, uint32_t n, void *buf)
{
	struct filedev *f = d->priv;
	size_t len = (size_t)n * d->block_size;
	return pread(f->fd, buf, len, (off_t)(lba * d->block_size)) == (ssize_t)len ? 0 : -EIO;
}

static int fd_write(struct ext2_dev *d, uint64_t lba, uint32_t n, const void *buf)
{
	struct filedev *f = d->priv;
	size_t len = (size_t)n * d->block_size;
	return pwrite(f->fd, buf, len, (off_t)(lba * d->block_size)) == (ssize_t)len ? 0 : -EIO;
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

/* Mount the image (device blocks of 512 bytes); 0 or -errno with `why` set. */
static int mount_img(struct ext2_fs *fs, const char *img, int rdonly)
{
	fdev.fd = open(img, rdonly ? O_RDONLY : O_RDWR);
	if (fdev.fd < 0)
		return -errno;
	fdev.dev = (struct ext2_dev){ fd_read, fd_write, fd_flush, 512,
				      (uint64_t)lseek(fdev.fd, 0, SEEK_END) / 512, &fdev };
	int r = ext2_mount(fs, &fdev.dev, rdonly, 1 << 20, fake_now, why, sizeof why);
	if (r < 0)
		close(fdev.fd);
	return r;
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
	snprintf(cmd, sizeof cmd, "mke2fs -q -F -t ext2 -b %d %s%s %s %s", bs, tree ? "-d " : "",
		 tree ? tree : "", img, size);
	CHECK_EQ(host_run(cmd, out, sizeof out), 0);
	return img;
}

static int fsck(const char *img)
{
	return sh("e2fsck -fn %s%s >/dev/null", img, "");
}

/* The file's contents as debugfs sees them (malloc'd; *n bytes), or NULL. */
static uint8_t *dump(const char *img, const char *path, size_t *n)
{
	char out[600], cmd[1200], o[4096];
	snprintf(out, sizeof out, "%s/dump.out", tmpdir);
	unlink(out);
	snprintf(cmd, sizeof cmd, "debugfs -R 'dump %s %s' %s", path, out, img);
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
	int ok = got == (ssize_t)n && ext2_size(f) == n && memcmp(b, want, n) == 0;
	free(b);
	ext2_iput(fs, f);
	return ok;
}

/* Is the file the same bytes on the host's view (debugfs)? */
static int host_same(const char *img, const char *path, const uint8_t *want, size_t n)
{
	size_t got;
	uint8_t *b = dump(img, path, &got);
	int ok = b && got == n && memcmp(b, want, n) == 0;
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
	snprintf(cmd, sizeof cmd, "tune2fs -j %s >/dev/null", e3);
	CHECK_EQ(host_run(cmd, out, sizeof out), 0);
	CHECK(mount_img(&fs, e3, 0) < 0);
	CHECK(strstr(why, "not an ext2 filesystem") != NULL);

	const char *e4 = mkimg("ext4.img", 4096, "8M", NULL);
	snprintf(cmd, sizeof cmd, "mke2fs -q -F -t ext4 -O ^has_journal %s 8M", e4);
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
