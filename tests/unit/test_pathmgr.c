/* Host tests of taskman's path table: normalising, prefix matching on component boundaries,
 * ordering (longest first, BEFORE/AFTER, newest first, OPAQUE), file types, removal by id
 * and by process, implied directories and their listings. */
/* SOURCES: taskman/pathtab.c */
/* CFLAGS: -Iabi/include -Itaskman */
#include "test.h"
#include <errno.h>
#include <sys/iomsg.h>
#include <sys/procmsg.h>
#include "pathtab.h"

static void clear(void)
{
	for (pid_t p = 1; p < 100; p++)
		pt_remove_pid(p);
}

static const char *norm(const char *in)
{
	static char out[PT_PATH_MAX];
	int r = pt_normalise(in, out, sizeof out);
	return r < 0 ? "ERR" : out;
}

TEST(normalise)
{
	CHECK(strcmp(norm("/"), "/") == 0);
	CHECK(strcmp(norm("//"), "/") == 0);
	CHECK(strcmp(norm("/dev/ser1"), "/dev/ser1") == 0);
	CHECK(strcmp(norm("//dev///ser1/"), "/dev/ser1") == 0);
	CHECK(strcmp(norm("/dev/./ser1/."), "/dev/ser1") == 0);
	CHECK(strcmp(norm("/tmp/a/../b"), "/tmp/b") == 0);
	CHECK(strcmp(norm("/../../x"), "/x") == 0);
	CHECK(strcmp(norm("/a/.."), "/") == 0);
	CHECK(strcmp(norm("/a/..b/.c"), "/a/..b/.c") == 0);
	CHECK(strcmp(norm("relative"), "ERR") == 0);
	CHECK(strcmp(norm(""), "ERR") == 0);
	char small[5];
	CHECK_EQ(pt_normalise("/abcd", small, sizeof small), -ENAMETOOLONG);
	CHECK_EQ(pt_normalise("/abc", small, sizeof small), 4);
	CHECK(pt_is_plain("/dev/ser1"));
	CHECK(pt_is_plain("/tmp/"));
	CHECK(pt_is_plain("/"));
	CHECK(pt_is_plain("/a/..b"));
	CHECK(!pt_is_plain("/dev//ser1"));
	CHECK(!pt_is_plain("/dev/./ser1"));
	CHECK(!pt_is_plain("/dev/.."));
	CHECK(!pt_is_plain("/tmp/."));
}

TEST(component_boundaries)
{
	clear();
	struct pt_entry e[16];
	CHECK(pt_add("/dev/ser1", 5, 1, 1, _FTYPE_ANY, 0) > 0);
	CHECK_EQ(pt_resolve("/dev/ser1", _FTYPE_ANY, e, 16), 1);
	CHECK_EQ(e[0].pid, 5);
	CHECK_EQ(e[0].prefix_len, 9);
	CHECK_EQ(pt_resolve("/dev/ser10", _FTYPE_ANY, e, 16), 0);
	CHECK_EQ(pt_resolve("/dev/ser1/x", _FTYPE_ANY, e, 16), 0);	/* not a DIR */
	CHECK_EQ(pt_resolve("/dev", _FTYPE_ANY, e, 16), 0);
	CHECK(pt_add("/tmp", 6, 2, 1, _FTYPE_ANY, _RESMGR_FLAG_DIR) > 0);
	CHECK_EQ(pt_resolve("/tmp/a/b", _FTYPE_ANY, e, 16), 1);
	CHECK_EQ(e[0].prefix_len, 5);			/* "/tmp/" */
	CHECK_EQ(pt_resolve("/tmp", _FTYPE_ANY, e, 16), 1);
	CHECK_EQ(e[0].prefix_len, 4);
	CHECK_EQ(pt_resolve("/tmpx", _FTYPE_ANY, e, 16), 0);
	CHECK_EQ(pt_add("/bad/", 6, 2, 1, _FTYPE_ANY, 0), -EINVAL);
	CHECK_EQ(pt_add("/a//b", 6, 2, 1, _FTYPE_ANY, 0), -EINVAL);
	CHECK_EQ(pt_add("x", 6, 2, 1, _FTYPE_ANY, 0), -EINVAL);
}

TEST(ordering)
{
	clear();
	struct pt_entry e[16];
	pt_add("/", 2, 1, 1, _FTYPE_ANY, _RESMGR_FLAG_DIR);		/* a root fs */
	pt_add("/dev", 3, 1, 1, _FTYPE_ANY, _RESMGR_FLAG_DIR);
	pt_add("/dev/ser1", 4, 1, 1, _FTYPE_ANY, 0);
	pt_add("/dev/ser1", 5, 1, 1, _FTYPE_ANY, _RESMGR_FLAG_AFTER);
	pt_add("/dev/ser1", 6, 1, 1, _FTYPE_ANY, 0);			/* newer: first */
	pt_add("/dev/ser1", 7, 1, 1, _FTYPE_ANY, _RESMGR_FLAG_BEFORE);
	int n = pt_resolve("/dev/ser1", _FTYPE_ANY, e, 16);
	CHECK_EQ(n, 6);
	CHECK_EQ(e[0].pid, 7);
	CHECK_EQ(e[1].pid, 6);
	CHECK_EQ(e[2].pid, 4);
	CHECK_EQ(e[3].pid, 5);
	CHECK_EQ(e[4].pid, 3);
	CHECK_EQ(e[4].prefix_len, 5);
	CHECK_EQ(e[5].pid, 2);
	CHECK_EQ(e[5].prefix_len, 1);
	CHECK_EQ(e[3].flags, _RESMGR_FLAG_AFTER);
	CHECK_EQ(pt_resolve("/dev/ser1", _FTYPE_ANY, e, 2), 2);	/* the caller's max */
	CHECK_EQ(pt_resolve("/", _FTYPE_ANY, e, 16), 1);
	CHECK_EQ(e[0].prefix_len, 1);
	/* OPAQUE hides what is shorter */
	pt_add("/dev", 8, 1, 1, _FTYPE_ANY, _RESMGR_FLAG_DIR | _RESMGR_FLAG_OPAQUE);
	n = pt_resolve("/dev/ser1", _FTYPE_ANY, e, 16);
	CHECK_EQ(n, 6);					/* 4 on ser1, 2 on /dev */
	CHECK_EQ(e[4].pid, 8);
	CHECK_EQ(e[5].pid, 3);
}

TEST(file_types)
{
	clear();
	struct pt_entry e[16];
	pt_add("/dev/shmem", 1, 1, 1, _FTYPE_SHMEM, _RESMGR_FLAG_DIR);
	pt_add("/", 2, 1, 1, _FTYPE_ANY, _RESMGR_FLAG_DIR);
	pt_add("/dev/shmem", 3, 1, 1, _FTYPE_FILE, _RESMGR_FLAG_DIR);
	CHECK_EQ(pt_resolve("/dev/shmem/x", _FTYPE_SHMEM, e, 16), 2);
	CHECK_EQ(e[0].pid, 1);
	CHECK_EQ(e[1].pid, 2);
	CHECK_EQ(pt_resolve("/dev/shmem/x", _FTYPE_ANY, e, 16), 3);
}

TEST(remove)
{
	clear();
	struct pt_entry e[16];
	int a = pt_add("/a", 10, 1, 1, _FTYPE_ANY, 0);
	int b = pt_add("/b", 10, 1, 2, _FTYPE_ANY, 0);
	int c = pt_add("/c", 11, 1, 1, _FTYPE_ANY, 0);
	CHECK(a > 0 && b > a && c > b);
	CHECK_EQ(pt_remove(c, 10), -EPERM);
	CHECK_EQ(pt_remove(a, 10), 0);
	CHECK_EQ(pt_remove(a, 10), -ENOENT);
	CHECK_EQ(pt_resolve("/a", _FTYPE_ANY, e, 16), 0);
	CHECK_EQ(pt_resolve("/b", _FTYPE_ANY, e, 16), 1);
	CHECK_EQ(pt_remove_pid(10), 1);
	CHECK_EQ(pt_resolve("/b", _FTYPE_ANY, e, 16), 0);
	CHECK_EQ(pt_count(), 1);
	CHECK_EQ(pt_remove_pid(11), 1);
	CHECK_EQ(pt_count(), 0);
}

TEST(implied_dirs)
{
	clear();
	struct pt_entry e[16];
	char buf[256];
	pt_add("/", 1, 1, 9, _FTYPE_ANY, _RESMGR_FLAG_DIR | _RESMGR_FLAG_AFTER | PT_FLAG_IMPLIED);
	pt_add("/dev/ser1", 4, 1, 1, _FTYPE_ANY, 0);
	pt_add("/dev/null", 1, 1, 2, _FTYPE_ANY, 0);
	pt_add("/dev/console", 4, 1, 1, _FTYPE_ANY, 0);
	pt_add("/proc/boot", 1, 1, 3, _FTYPE_ANY, _RESMGR_FLAG_DIR);
	pt_add("/proc", 1, 1, 4, _FTYPE_ANY, _RESMGR_FLAG_DIR);
	pt_add("/tmp", 6, 1, 1, _FTYPE_ANY, _RESMGR_FLAG_DIR);
	CHECK(pt_is_dir("/"));
	CHECK(pt_is_dir("/dev"));
	CHECK(pt_is_dir("/proc"));
	CHECK(!pt_is_dir("/dev/ser1"));
	CHECK(!pt_is_dir("/de"));
	CHECK(!pt_is_dir("/tmp"));
	/* The implied server appears only where there is an implied directory. */
	CHECK_EQ(pt_resolve("/dev", _FTYPE_ANY, e, 16), 1);
	CHECK_EQ(e[0].handle, 9);
	CHECK_EQ(e[0].flags, _RESMGR_FLAG_DIR | _RESMGR_FLAG_AFTER);
	CHECK_EQ(pt_resolve("/nothing", _FTYPE_ANY, e, 16), 0);
	CHECK_EQ(pt_resolve("/dev/ser1", _FTYPE_ANY, e, 16), 1);
	CHECK_EQ(pt_resolve("/", _FTYPE_ANY, e, 16), 1);
	CHECK_EQ(pt_resolve("/proc", _FTYPE_ANY, e, 16), 2);
	CHECK_EQ(e[0].handle, 4);
	CHECK_EQ(e[1].handle, 9);
	/* Listings */
	int n = pt_children("/", buf, sizeof buf);
	CHECK_EQ(n, 3);
	CHECK(memcmp(buf, "dev\0proc\0tmp\0", 13) == 0);
	n = pt_children("/dev", buf, sizeof buf);
	CHECK_EQ(n, 3);
	CHECK(memcmp(buf, "console\0null\0ser1\0", 18) == 0);
	CHECK_EQ(pt_children("/proc", buf, sizeof buf), 1);
	CHECK(strcmp(buf, "boot") == 0);
	CHECK_EQ(pt_children("/tmp", buf, sizeof buf), 0);
	CHECK_EQ(pt_children("/dev", buf, 10), -ENOSPC);
	/* A server's death takes its names with it. */
	pt_remove_pid(4);
	CHECK_EQ(pt_children("/dev", buf, sizeof buf), 1);
	pt_remove_pid(1);
	CHECK(!pt_is_dir("/dev"));
	clear();
}
