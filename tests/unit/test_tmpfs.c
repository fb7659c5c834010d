/* Host tests for the tmpfs core (fs/tmpfs/tmpfs.c): opens and creates, data with holes and
 * truncation, directories and readdir cookies, unlink/rmdir/rename/link by POSIX's rules,
 * permissions, the -m limit, unlinked-but-open files, and a random-operation run checked
 * against a flat model of one file's bytes. ASan catches leaks at exit. */
/* SOURCES: fs/tmpfs/tmpfs.c */
#include "test.h"
#include "../../fs/tmpfs/tmpfs.h"

#include <errno.h>
#include <fcntl.h>
#include <sys/stat.h>

static uint64_t fake_now = 1000;
static uint64_t clock_fn(void)
{
	return fake_now;
}

static const struct tmpfs_cred ROOT = { .uid = 0, .gid = 0 },
	ALICE = { .uid = 100, .gid = 100 }, BOB = { .uid = 200, .gid = 200 },
	CAROL = { .uid = 300, .gid = 100 },	/* in alice's group */
	DAVE = { .uid = 400, .gid = 400, .ngroups = 2, .groups = { 7, 100 } };	/* alice's
						 * group as a supplementary one */

static void mkfs(struct tmpfs *fs, uint64_t max)
{
	CHECK_EQ(tmpfs_init(fs, max, clock_fn, 01777, 0, 0), 0);
}

/* Opens (creating if asked) and closes again: the node, or NULL. */
static struct tmpfs_node *touch(struct tmpfs *fs, const struct tmpfs_cred *cr, const char *p,
				int oflag, uint32_t mode, int *err)
{
	struct tmpfs_node *n = NULL;
	int created;
	*err = tmpfs_open(fs, cr, p, oflag, mode, 0, &n, &created);
	if (*err)
		return NULL;
	tmpfs_close(fs, n);
	return n;
}

static int create(struct tmpfs *fs, const struct tmpfs_cred *cr, const char *p, uint32_t mode)
{
	int err;
	touch(fs, cr, p, O_WRONLY | O_CREAT | O_EXCL, mode, &err);
	return err;
}

static struct tmpfs_node *lk(struct tmpfs *fs, const char *p)
{
	struct tmpfs_node *n = NULL;
	return tmpfs_lookup(fs, &ROOT, p, 0, &n) ? NULL : n;
}

struct names {
	char buf[1024];
	int count;
	int limit;
};
static int collect(void *arg, uint64_t ino, int64_t next, int dtype, const char *name)
{
	struct names *nm = arg;
	if (nm->limit && nm->count >= nm->limit)
		return 1;
	strcat(nm->buf, name);
	strcat(nm->buf, dtype == 4 ? "/ " : " ");
	nm->count++;
	return 0;
}
static const char *list(struct tmpfs *fs, const char *dir)
{
	static struct names nm;
	memset(&nm, 0, sizeof nm);
	struct tmpfs_node *d = lk(fs, dir);
	if (!d)
		return "(none)";
	tmpfs_readdir(d, 0, collect, &nm);
	return nm.buf;
}

TEST(create_open_flags)
{
	struct tmpfs fs;
	struct tmpfs_node *n;
	int created, err;
	mkfs(&fs, 0);
	CHECK_EQ(tmpfs_open(&fs, &ALICE, "a", O_RDONLY, 0644, 0, &n, &created), -ENOENT);
	CHECK_EQ(tmpfs_open(&fs, &ALICE, "a", O_RDWR | O_CREAT, 0640, 0, &n, &created), 0);
	CHECK_EQ(created, 1);
	CHECK_EQ(n->attr.mode, S_IFREG | 0640);
	CHECK_EQ(n->attr.uid, 100);
	CHECK_EQ(n->attr.nlink, 1);
	CHECK_EQ(n->opens, 1);
	CHECK_EQ(tmpfs_write(&fs, n, 0, "hello", 5), 5);
	tmpfs_close(&fs, n);
	CHECK_EQ(create(&fs, &ALICE, "a", 0644), -EEXIST);
	CHECK(touch(&fs, &ALICE, "a", O_RDWR | O_CREAT, 0600, &err) == n);
	CHECK_EQ(n->attr.size, 5);	/* O_CREAT of an existing file keeps it */
	CHECK_EQ(n->attr.mode, S_IFREG | 0640);
	CHECK(touch(&fs, &ALICE, "a", O_WRONLY | O_TRUNC, 0, &err) == n);
	CHECK_EQ(n->attr.size, 0);
	CHECK_EQ(fs.usedbytes, 0);
	CHECK_EQ(tmpfs_open(&fs, &ALICE, "a", 3, 0, 0, &n, &created), -EINVAL);
	CHECK_EQ(tmpfs_open(&fs, &ALICE, "a/", O_RDONLY, 0, 0, &n, &created), -ENOTDIR);
	CHECK_EQ(tmpfs_open(&fs, &ALICE, "a", O_RDONLY, 0, 1, &n, &created), -ENOTDIR);
	CHECK_EQ(tmpfs_open(&fs, &ALICE, "a/b", O_RDONLY | O_CREAT, 0, 0, &n, &created), -ENOTDIR);
	CHECK_EQ(tmpfs_open(&fs, &ALICE, "new/", O_RDWR | O_CREAT, 0644, 0, &n, &created), -EISDIR);
	CHECK_EQ(tmpfs_open(&fs, &ALICE, "", O_RDWR, 0, 0, &n, &created), -EISDIR);
	CHECK_EQ(tmpfs_open(&fs, &ALICE, "", O_RDONLY | O_TRUNC, 0, 0, &n, &created), -EISDIR);
	CHECK_EQ(tmpfs_open(&fs, &ALICE, "", O_RDONLY, 0, 0, &n, &created), 0);
	CHECK(n == fs.root);
	tmpfs_close(&fs, n);
	char longname[300];
	memset(longname, 'x', sizeof longname - 1);
	longname[sizeof longname - 1] = 0;
	CHECK_EQ(create(&fs, &ALICE, longname, 0644), -ENAMETOOLONG);
	CHECK_EQ(fs.nnodes, 2);
	tmpfs_destroy(&fs);
}

TEST(data_holes_and_truncate)
{
	struct tmpfs fs;
	struct tmpfs_node *n;
	int created;
	uint8_t buf[3 * TMPFS_PAGE], z[3 * TMPFS_PAGE];
	mkfs(&fs, 0);
	CHECK_EQ(tmpfs_open(&fs, &ROOT, "f", O_RDWR | O_CREAT, 0644, 0, &n, &created), 0);
	/* a write far out leaves a hole that reads as zeros and takes no pages */
	CHECK_EQ(tmpfs_write(&fs, n, 10 * 1024 * 1024 + 100, "xyz", 3), 3);
	CHECK_EQ(n->attr.size, 10 * 1024 * 1024 + 103);
	CHECK_EQ(n->npages, 1);
	CHECK_EQ(fs.usedbytes, TMPFS_PAGE);
	memset(buf, 0xee, sizeof buf);
	memset(z, 0, sizeof z);
	CHECK_EQ(tmpfs_read(&fs, n, 5000, buf, sizeof buf), sizeof buf);
	CHECK(memcmp(buf, z, sizeof buf) == 0);
	CHECK_EQ(tmpfs_read(&fs, n, 10 * 1024 * 1024 + 99, buf, 10), 4);
	CHECK(buf[0] == 0 && memcmp(buf + 1, "xyz", 3) == 0);
	CHECK_EQ(tmpfs_read(&fs, n, n->attr.size, buf, 10), 0);
	CHECK_EQ(tmpfs_read(&fs, n, n->attr.size + 5000, buf, 10), 0);
	/* a write across page boundaries */
	for (size_t i = 0; i < sizeof buf; i++)
		buf[i] = (uint8_t)(i * 7 + 3);
	CHECK_EQ(tmpfs_write(&fs, n, 100, buf, sizeof buf), sizeof buf);
	CHECK_EQ(n->npages, 5);
	uint8_t back[sizeof buf];
	CHECK_EQ(tmpfs_read(&fs, n, 100, back, sizeof back), sizeof back);
	CHECK(memcmp(back, buf, sizeof buf) == 0);
	/* shrink into the middle of a page, grow again: the tail reads zeros */
	CHECK_EQ(tmpfs_truncate(&fs, n, 200), 0);
	CHECK_EQ(n->attr.size, 200);
	CHECK_EQ(n->npages, 1);
	CHECK_EQ(fs.usedbytes, TMPFS_PAGE);
	CHECK_EQ(tmpfs_truncate(&fs, n, 8000), 0);
	CHECK_EQ(n->npages, 1);
	CHECK_EQ(tmpfs_read(&fs, n, 0, back, sizeof back), 8000);
	CHECK(memcmp(back + 100, buf, 100) == 0);
	CHECK(memcmp(back + 200, z, 7800) == 0);
	memset(back, 0x55, 300);
	CHECK_EQ(tmpfs_write(&fs, n, 0, back, 300), 300);
	CHECK_EQ(tmpfs_zero(&fs, n, 10, 20), 0);
	CHECK_EQ(tmpfs_read(&fs, n, 0, back, 40), 40);
	CHECK(back[9] == 0x55 && back[10] == 0 && back[29] == 0 && back[30] == 0x55);
	CHECK_EQ(tmpfs_zero(&fs, n, 5000, 100), 0);	/* a hole: nothing to allocate */
	CHECK_EQ(n->npages, 1);
	CHECK_EQ(tmpfs_truncate(&fs, n, 0), 0);
	CHECK_EQ(n->npages, 0);
	CHECK(n->leaves == NULL);
	CHECK_EQ(tmpfs_truncate(&fs, n, TMPFS_MAX_FILE + 1), -EFBIG);
	CHECK_EQ(tmpfs_write(&fs, n, TMPFS_MAX_FILE, "a", 1), -EFBIG);
	CHECK_EQ(tmpfs_truncate(&fs, fs.root, 0), -EISDIR);
	CHECK_EQ(tmpfs_write(&fs, fs.root, 0, "a", 1), -EISDIR);
	/* times: a write moves mtime and ctime, a read atime */
	fake_now = 5000;
	CHECK_EQ(tmpfs_write(&fs, n, 0, "a", 1), 1);
	CHECK_EQ(n->attr.mtime_ns, 5000);
	CHECK_EQ(n->attr.ctime_ns, 5000);
	fake_now = 6000;
	CHECK_EQ(tmpfs_read(&fs, n, 0, back, 1), 1);
	CHECK_EQ(n->attr.atime_ns, 6000);
	CHECK_EQ(n->attr.mtime_ns, 5000);
	tmpfs_close(&fs, n);
	tmpfs_destroy(&fs);
}

TEST(space_limit)
{
	struct tmpfs fs;
	struct tmpfs_node *n, *m;
	int created;
	static uint8_t buf[5 * TMPFS_PAGE];
	mkfs(&fs, 4 * TMPFS_PAGE);
	CHECK_EQ(tmpfs_open(&fs, &ROOT, "f", O_RDWR | O_CREAT, 0644, 0, &n, &created), 0);
	CHECK_EQ(tmpfs_write(&fs, n, 0, buf, 3 * TMPFS_PAGE + 10), 3 * TMPFS_PAGE + 10);
	/* what fits is written, then ENOSPC */
	CHECK_EQ(tmpfs_write(&fs, n, 3 * TMPFS_PAGE + 10, buf, 2 * TMPFS_PAGE), TMPFS_PAGE - 10);
	CHECK_EQ(tmpfs_write(&fs, n, 4 * TMPFS_PAGE, buf, 1), -ENOSPC);
	CHECK_EQ(n->attr.size, 4 * TMPFS_PAGE);
	/* rewriting allocated pages needs no space */
	CHECK_EQ(tmpfs_write(&fs, n, 0, buf, 4 * TMPFS_PAGE), 4 * TMPFS_PAGE);
	CHECK_EQ(tmpfs_open(&fs, &ROOT, "g", O_RDWR | O_CREAT, 0644, 0, &m, &created), 0);
	CHECK_EQ(tmpfs_write(&fs, m, 0, buf, 1), -ENOSPC);
	/* space comes back on truncate and on unlink of a closed file */
	CHECK_EQ(tmpfs_truncate(&fs, n, TMPFS_PAGE), 0);
	CHECK_EQ(tmpfs_write(&fs, m, 0, buf, 2 * TMPFS_PAGE), 2 * TMPFS_PAGE);
	tmpfs_close(&fs, n);
	CHECK_EQ(tmpfs_remove(&fs, &ROOT, "f", 0), 0);
	CHECK_EQ(fs.usedbytes, 2 * TMPFS_PAGE);
	CHECK_EQ(tmpfs_write(&fs, m, 2 * TMPFS_PAGE, buf, 2 * TMPFS_PAGE), 2 * TMPFS_PAGE);
	tmpfs_close(&fs, m);
	tmpfs_destroy(&fs);
}

TEST(unlinked_open_file)
{
	struct tmpfs fs;
	struct tmpfs_node *n, *again;
	int created;
	char buf[8];
	mkfs(&fs, 0);
	CHECK_EQ(tmpfs_open(&fs, &ROOT, "f", O_RDWR | O_CREAT, 0644, 0, &n, &created), 0);
	CHECK_EQ(tmpfs_write(&fs, n, 0, "data", 4), 4);
	CHECK_EQ(tmpfs_open(&fs, &ROOT, "f", O_RDONLY, 0, 0, &again, &created), 0);
	CHECK(again == n);
	CHECK_EQ(n->opens, 2);
	CHECK_EQ(tmpfs_remove(&fs, &ROOT, "f", 0), 0);
	CHECK(lk(&fs, "f") == NULL);
	CHECK_EQ(n->attr.nlink, 0);
	CHECK_EQ(fs.nnodes, 2);
	CHECK_EQ(tmpfs_read(&fs, n, 0, buf, sizeof buf), 4);
	CHECK(memcmp(buf, "data", 4) == 0);
	CHECK_EQ(tmpfs_write(&fs, n, 4, "more", 4), 4);
	tmpfs_close(&fs, n);
	CHECK_EQ(fs.nnodes, 2);
	CHECK_EQ(tmpfs_read(&fs, again, 0, buf, sizeof buf), 8);
	tmpfs_close(&fs, again);	/* the last close frees node and pages */
	CHECK_EQ(fs.nnodes, 1);
	CHECK_EQ(fs.usedbytes, 0);
	/* a new file of the same name is a new node */
	CHECK_EQ(create(&fs, &ROOT, "f", 0644), 0);
	CHECK_EQ(lk(&fs, "f")->attr.size, 0);
	tmpfs_destroy(&fs);
}

TEST(dirs_and_readdir)
{
	struct tmpfs fs;
	mkfs(&fs, 0);
	CHECK_EQ(tmpfs_mkdir(&fs, &ROOT, "d", 0755), 0);
	CHECK_EQ(tmpfs_mkdir(&fs, &ROOT, "d", 0755), -EEXIST);
	CHECK_EQ(tmpfs_mkdir(&fs, &ROOT, "", 0755), -EEXIST);
	CHECK_EQ(tmpfs_mkdir(&fs, &ROOT, "d/.", 0755), -EEXIST);
	CHECK_EQ(tmpfs_mkdir(&fs, &ROOT, "x/y", 0755), -ENOENT);
	CHECK_EQ(tmpfs_mkdir(&fs, &ROOT, "d/e/", 0700), 0);
	CHECK_EQ(create(&fs, &ROOT, "d/f", 0644), 0);
	CHECK_EQ(tmpfs_mkdir(&fs, &ROOT, "d/f/g", 0755), -ENOTDIR);
	CHECK_EQ(lk(&fs, "")->attr.nlink, 3);
	CHECK_EQ(lk(&fs, "d")->attr.nlink, 3);
	CHECK_EQ(lk(&fs, "d/e")->attr.nlink, 2);
	CHECK_EQ(lk(&fs, "d")->attr.size, 2);
	CHECK_EQ(lk(&fs, "d")->attr.mode, S_IFDIR | 0755);
	CHECK(lk(&fs, "d/e/..") == lk(&fs, "d"));
	CHECK(lk(&fs, "d/e/../../..") == fs.root);	/* .. at the root stays there */
	CHECK(lk(&fs, "//d//e/./") == lk(&fs, "d/e"));
	CHECK(strcmp(list(&fs, "d"), "./ ../ e/ f ") == 0);
	CHECK(strcmp(list(&fs, ""), "./ ../ d/ ") == 0);
	/* inode numbers: distinct, ".." is the parent's */
	CHECK(lk(&fs, "d")->attr.ino != lk(&fs, "d/e")->attr.ino);

	/* cookies survive removals: list two, remove the next, go on */
	for (int i = 0; i < 5; i++) {
		char p[32];
		snprintf(p, sizeof p, "d/e/n%d", i);
		CHECK_EQ(create(&fs, &ROOT, p, 0644), 0);
	}
	struct names nm;
	memset(&nm, 0, sizeof nm);
	nm.limit = 4;
	int64_t c = tmpfs_readdir(lk(&fs, "d/e"), 0, collect, &nm);
	CHECK(strcmp(nm.buf, "./ ../ n0 n1 ") == 0);
	CHECK_EQ(tmpfs_remove(&fs, &ROOT, "d/e/n2", 0), 0);
	CHECK_EQ(tmpfs_remove(&fs, &ROOT, "d/e/n1", 0), 0);
	CHECK_EQ(create(&fs, &ROOT, "d/e/late", 0644), 0);
	memset(&nm, 0, sizeof nm);
	c = tmpfs_readdir(lk(&fs, "d/e"), c, collect, &nm);
	CHECK(strcmp(nm.buf, "n3 n4 late ") == 0);
	memset(&nm, 0, sizeof nm);
	CHECK_EQ(tmpfs_readdir(lk(&fs, "d/e"), c, collect, &nm), c);
	CHECK_EQ(nm.count, 0);

	/* rmdir */
	CHECK_EQ(tmpfs_remove(&fs, &ROOT, "d", 1), -ENOTEMPTY);
	CHECK_EQ(tmpfs_remove(&fs, &ROOT, "d/f", 1), -ENOTDIR);
	CHECK_EQ(tmpfs_remove(&fs, &ROOT, "d/e", 0), -EISDIR);
	CHECK_EQ(tmpfs_remove(&fs, &ROOT, "d/f/", 0), -ENOTDIR);
	CHECK_EQ(tmpfs_remove(&fs, &ROOT, "d/.", 1), -EINVAL);
	CHECK_EQ(tmpfs_remove(&fs, &ROOT, "d/..", 1), -ENOTEMPTY);
	CHECK_EQ(tmpfs_remove(&fs, &ROOT, "", 1), -EBUSY);
	CHECK_EQ(tmpfs_remove(&fs, &ROOT, "nope", 1), -ENOENT);
	CHECK_EQ(tmpfs_remove(&fs, &ROOT, "d/nope", 0), -ENOENT);
	CHECK_EQ(tmpfs_remove(&fs, &ROOT, "d/e/n0", 0), 0);
	CHECK_EQ(tmpfs_remove(&fs, &ROOT, "d/e/n3", 0), 0);
	CHECK_EQ(tmpfs_remove(&fs, &ROOT, "d/e/n4", 0), 0);
	CHECK_EQ(tmpfs_remove(&fs, &ROOT, "d/e/late", 0), 0);
	/* an open directory that is removed stays listable (just . and ..) */
	struct tmpfs_node *e;
	int created;
	CHECK_EQ(tmpfs_open(&fs, &ROOT, "d/e", O_RDONLY, 0, 0, &e, &created), 0);
	CHECK_EQ(tmpfs_remove(&fs, &ROOT, "d/e/", 1), 0);
	CHECK_EQ(lk(&fs, "d")->attr.nlink, 2);
	CHECK_EQ(tmpfs_remove(&fs, &ROOT, "d/f", 0), 0);
	CHECK_EQ(tmpfs_remove(&fs, &ROOT, "d", 1), 0);
	memset(&nm, 0, sizeof nm);
	tmpfs_readdir(e, 0, collect, &nm);
	CHECK(strcmp(nm.buf, "./ ../ ") == 0);
	tmpfs_close(&fs, e);
	CHECK_EQ(fs.nnodes, 1);
	CHECK_EQ(fs.root->attr.nlink, 2);
	CHECK_EQ(fs.root->attr.size, 0);
	tmpfs_destroy(&fs);
}

TEST(rename_rules)
{
	struct tmpfs fs;
	mkfs(&fs, 0);
	CHECK_EQ(tmpfs_mkdir(&fs, &ROOT, "a", 0755), 0);
	CHECK_EQ(tmpfs_mkdir(&fs, &ROOT, "a/b", 0755), 0);
	CHECK_EQ(tmpfs_mkdir(&fs, &ROOT, "c", 0755), 0);
	CHECK_EQ(create(&fs, &ROOT, "f", 0644), 0);
	CHECK_EQ(create(&fs, &ROOT, "g", 0644), 0);
	struct tmpfs_node *f = lk(&fs, "f"), *g = lk(&fs, "g");

	CHECK_EQ(tmpfs_rename(&fs, &ROOT, "nope", "x"), -ENOENT);
	CHECK_EQ(tmpfs_rename(&fs, &ROOT, "f", "nodir/x"), -ENOENT);
	CHECK_EQ(tmpfs_rename(&fs, &ROOT, "f", "g/x"), -ENOTDIR);
	CHECK_EQ(tmpfs_rename(&fs, &ROOT, "a", "a/b/x"), -EINVAL);	/* into itself */
	CHECK_EQ(tmpfs_rename(&fs, &ROOT, "a", "a/x"), -EINVAL);
	CHECK_EQ(tmpfs_rename(&fs, &ROOT, "a", "c"), 0);	/* c is empty: replaced */
	CHECK(lk(&fs, "a") == NULL);
	CHECK(lk(&fs, "c/b") != NULL);
	CHECK_EQ(fs.root->attr.nlink, 3);	/* a's ".." went with c's removal */
	CHECK_EQ(tmpfs_mkdir(&fs, &ROOT, "e", 0755), 0);
	CHECK_EQ(tmpfs_rename(&fs, &ROOT, "e", "c"), -ENOTEMPTY);
	CHECK_EQ(tmpfs_rename(&fs, &ROOT, "e", "f"), -ENOTDIR);
	CHECK_EQ(tmpfs_rename(&fs, &ROOT, "f", "e"), -EISDIR);
	CHECK_EQ(tmpfs_rename(&fs, &ROOT, "f", "f/"), -ENOTDIR);
	CHECK_EQ(tmpfs_rename(&fs, &ROOT, "f", ""), -EBUSY);
	CHECK_EQ(tmpfs_rename(&fs, &ROOT, "c/.", "z"), -EINVAL);
	CHECK_EQ(tmpfs_rename(&fs, &ROOT, "f", "f"), 0);
	/* a file replaces a file: the old target is gone (no open: freed) */
	uint64_t before = fs.nnodes;
	CHECK_EQ(tmpfs_rename(&fs, &ROOT, "f", "g"), 0);
	CHECK(lk(&fs, "f") == NULL);
	CHECK(lk(&fs, "g") == f);
	CHECK_EQ(fs.nnodes, before - 1);
	(void)g;
	/* a directory moves across parents: nlinks and ".." follow */
	CHECK_EQ(tmpfs_rename(&fs, &ROOT, "c/b", "e/b2"), 0);
	CHECK_EQ(lk(&fs, "c")->attr.nlink, 2);
	CHECK_EQ(lk(&fs, "e")->attr.nlink, 3);
	CHECK(lk(&fs, "e/b2/..") == lk(&fs, "e"));
	/* a directory replaces an empty directory */
	CHECK_EQ(tmpfs_rename(&fs, &ROOT, "e/b2", "c"), 0);
	CHECK_EQ(lk(&fs, "e")->attr.nlink, 2);
	CHECK(lk(&fs, "c/..") == fs.root);
	CHECK(strcmp(list(&fs, ""), "./ ../ c/ g e/ ") == 0);
	/* hard links: rename onto another name of the same file does nothing */
	CHECK_EQ(tmpfs_link(&fs, &ROOT, "g", "e/h"), 0);
	CHECK_EQ(lk(&fs, "g")->attr.nlink, 2);
	CHECK_EQ(tmpfs_rename(&fs, &ROOT, "g", "e/h"), 0);
	CHECK(lk(&fs, "g") != NULL && lk(&fs, "e/h") == lk(&fs, "g"));
	CHECK_EQ(tmpfs_link(&fs, &ROOT, "e", "e2"), -EPERM);
	CHECK_EQ(tmpfs_link(&fs, &ROOT, "g", "c"), -EEXIST);
	CHECK_EQ(tmpfs_link(&fs, &ROOT, "nope", "x"), -ENOENT);
	CHECK_EQ(tmpfs_remove(&fs, &ROOT, "g", 0), 0);
	CHECK_EQ(lk(&fs, "e/h")->attr.nlink, 1);
	tmpfs_destroy(&fs);
}

TEST(permissions)
{
	struct tmpfs fs;
	struct tmpfs_node *n;
	int created, err;
	mkfs(&fs, 0);
	CHECK_EQ(create(&fs, &ALICE, "af", 0640), 0);
	CHECK_EQ(tmpfs_mkdir(&fs, &ALICE, "ad", 0750), 0);
	CHECK_EQ(create(&fs, &ALICE, "ad/in", 0644), 0);
	/* the group reads, others nothing */
	CHECK(touch(&fs, &CAROL, "af", O_RDONLY, 0, &err) != NULL);
	CHECK_EQ(err, 0);
	touch(&fs, &CAROL, "af", O_WRONLY, 0, &err);
	CHECK_EQ(err, -EACCES);
	CHECK(touch(&fs, &DAVE, "af", O_RDONLY, 0, &err) != NULL);	/* supplementary group */
	CHECK_EQ(err, 0);
	touch(&fs, &DAVE, "af", O_WRONLY, 0, &err);
	CHECK_EQ(err, -EACCES);
	touch(&fs, &BOB, "af", O_RDONLY, 0, &err);
	CHECK_EQ(err, -EACCES);
	touch(&fs, &BOB, "ad/in", O_RDONLY, 0, &err);
	CHECK_EQ(err, -EACCES);	/* no search permission on ad */
	CHECK(touch(&fs, &ROOT, "af", O_RDWR, 0, &err) != NULL);
	CHECK_EQ(create(&fs, &CAROL, "ad/x", 0644), -EACCES);	/* ad not writable by group */
	touch(&fs, &BOB, "af", O_WRONLY | O_TRUNC, 0, &err);
	CHECK_EQ(err, -EACCES);
	/* the sticky /tmp: bob may not remove or rename alice's file */
	CHECK_EQ(tmpfs_remove(&fs, &BOB, "af", 0), -EPERM);
	CHECK_EQ(tmpfs_rename(&fs, &BOB, "af", "bf"), -EPERM);
	CHECK_EQ(create(&fs, &BOB, "bf", 0644), 0);
	CHECK_EQ(tmpfs_rename(&fs, &BOB, "bf", "af"), -EPERM);	/* nor replace it */
	CHECK_EQ(tmpfs_remove(&fs, &ROOT, "bf", 0), 0);
	/* chmod/chown/utime */
	n = lk(&fs, "af");
	CHECK_EQ(tmpfs_chmod(&fs, &BOB, n, 0777), -EPERM);
	fake_now = 7000;
	CHECK_EQ(tmpfs_chmod(&fs, &ALICE, n, 02604), 0);
	CHECK_EQ(n->attr.mode, S_IFREG | 02604);
	CHECK_EQ(n->attr.ctime_ns, 7000);
	CHECK(touch(&fs, &BOB, "af", O_RDONLY, 0, &err) != NULL);
	CHECK_EQ(tmpfs_chown(&fs, &ALICE, n, 200, -1), -EPERM);
	CHECK_EQ(tmpfs_chown(&fs, &BOB, n, -1, 200), -EPERM);
	CHECK_EQ(tmpfs_chown(&fs, &ALICE, n, -1, 100), 0);
	CHECK_EQ(n->attr.mode, S_IFREG | 0604);	/* a non-root chown drops set-id bits */
	CHECK_EQ(tmpfs_chown(&fs, &ROOT, n, 200, 300), 0);
	CHECK_EQ(n->attr.uid, 200);
	CHECK_EQ(n->attr.gid, 300);
	CHECK_EQ(tmpfs_chown(&fs, &ROOT, n, -2, 0), -EINVAL);
	CHECK_EQ(tmpfs_utime(&fs, &ALICE, n, 0, 1, 2), -EPERM);
	CHECK_EQ(tmpfs_utime(&fs, &ALICE, n, 1, 0, 0), -EACCES);
	CHECK_EQ(tmpfs_utime(&fs, &BOB, n, 0, 11, 22), 0);
	CHECK_EQ(n->attr.atime_ns, 11);
	CHECK_EQ(n->attr.mtime_ns, 22);
	fake_now = 8000;
	CHECK_EQ(tmpfs_chmod(&fs, &BOB, n, 0666), 0);
	CHECK_EQ(tmpfs_utime(&fs, &ALICE, n, 1, 0, 0), 0);	/* now: write permission is enough */
	CHECK_EQ(n->attr.mtime_ns, 8000);
	/* EACCES when the directory is not writable, even to make a new name */
	CHECK_EQ(tmpfs_open(&fs, &BOB, "ad/new", O_RDWR | O_CREAT, 0644, 0, &n, &created), -EACCES);
	CHECK_EQ(tmpfs_mkdir(&fs, &BOB, "ad/new", 0755), -EACCES);
	tmpfs_destroy(&fs);
}

/* Random writes, truncates and reads of one file against a flat copy of its bytes. */
TEST(random_against_model)
{
	enum { MAXSZ = 300000 };
	struct tmpfs fs;
	struct tmpfs_node *n;
	int created;
	uint8_t *model = calloc(1, MAXSZ), *buf = malloc(MAXSZ);
	uint64_t size = 0, seed = 12345;
	mkfs(&fs, 0);
	CHECK_EQ(tmpfs_open(&fs, &ROOT, "f", O_RDWR | O_CREAT, 0644, 0, &n, &created), 0);
	for (int it = 0; it < 3000 && !host_test_failed; it++) {
		seed ^= seed << 13; seed ^= seed >> 7; seed ^= seed << 17;
		uint64_t off = seed % MAXSZ, len = (seed >> 20) % 9000;
		if (off + len > MAXSZ)
			len = MAXSZ - off;
		switch ((seed >> 40) % 4) {
		case 0: case 1:
			for (uint64_t i = 0; i < len; i++)
				buf[i] = (uint8_t)(seed >> (i % 8));
			CHECK_EQ(tmpfs_write(&fs, n, off, buf, len), len);
			memcpy(model + off, buf, len);
			if (len && off + len > size)
				size = off + len;
			break;
		case 2:
			if ((seed >> 50) % 4 == 0) {
				CHECK_EQ(tmpfs_truncate(&fs, n, off), 0);
				if (off < size)
					memset(model + off, 0, size - off);
				size = off;
			}
			break;
		default: {
			ssize_t want = off >= size ? 0 : (ssize_t)(len < size - off ? len : size - off);
			CHECK_EQ(tmpfs_read(&fs, n, off, buf, len), want);
			CHECK(want <= 0 || memcmp(buf, model + off, want) == 0);
		}
		}
		CHECK_EQ(n->attr.size, size);
	}
	/* pages only where data was written: never more than the size needs */
	CHECK(n->npages <= (size + TMPFS_PAGE - 1) / TMPFS_PAGE);
	CHECK_EQ(fs.usedbytes, n->npages * TMPFS_PAGE);
	tmpfs_close(&fs, n);
	tmpfs_destroy(&fs);
	free(model);
	free(buf);
}
