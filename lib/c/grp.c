/* The group database: /etc/group lookups, its walk, and the group lists login sets. */
#include <grp.h>
#include <errno.h>
#include <limits.h>
#include <stdint.h>
#include <string.h>
#include <unistd.h>
#include "acct.h"

_Static_assert(sizeof(struct group) <= ACCT_ENT_MAX, "acct.c's scratch entry");

/* "name:password:gid:member,member..."; gr_mem's pointers go after the strings in buf. */
static int gr_parse(const char *line, void *ent, char *buf, size_t size)
{
	struct group *gr = ent;
	char *f[4];
	unsigned long gid;
	int r = __acct_split(line, buf, size, f, 4);
	if (r)
		return r;
	if (!f[0][0] || __acct_number(f[2], (gid_t)-1, &gid))
		return EINVAL;
	size_t n = 1;					/* the NULL at the end */
	for (char *p = f[3]; *p; p++)
		n += *p == ',';
	n += f[3][0] != 0;
	uintptr_t at = ((uintptr_t)buf + strlen(line) + 1 + sizeof(char *) - 1) &
		       ~(uintptr_t)(sizeof(char *) - 1);
	if (at + n * sizeof(char *) > (uintptr_t)buf + size)
		return ERANGE;
	char **mem = (char **)at;
	size_t i = 0;
	for (char *p = f[3]; *p; ) {
		char *comma = strchr(p, ',');
		if (comma)
			*comma = 0;
		if (*p)					/* "a,,b": no empty names */
			mem[i++] = p;
		if (!comma)
			break;
		p = comma + 1;
	}
	mem[i] = NULL;
	gr->gr_name = f[0];
	gr->gr_passwd = f[1];
	gr->gr_gid = (gid_t)gid;
	gr->gr_mem = mem;
	return 0;
}

static int by_name(const void *ent, const void *key)
{
	return strcmp(((const struct group *)ent)->gr_name, key) == 0;
}

static int by_gid(const void *ent, const void *key)
{
	return ((const struct group *)ent)->gr_gid == *(const gid_t *)key;
}

static int found(int r, struct group *gr, struct group **result)
{
	*result = r == 0 ? gr : NULL;
	return r == ENOENT ? 0 : r;
}

int fgetgrent_r(FILE *f, struct group *gr, char *buf, size_t size, struct group **result)
{
	int r = __acct_next(f, gr_parse, gr, buf, size);
	*result = r == 0 ? gr : NULL;
	return r;
}

int getgrnam_r(const char *name, struct group *gr, char *buf, size_t size,
	       struct group **result)
{
	return found(__acct_find(ACCT_GROUP, gr_parse, by_name, name, gr, buf, size),
		     gr, result);
}

int getgrgid_r(gid_t gid, struct group *gr, char *buf, size_t size, struct group **result)
{
	return found(__acct_find(ACCT_GROUP, gr_parse, by_gid, &gid, gr, buf, size),
		     gr, result);
}

static struct group gr_static;
static char gr_buf[ACCT_BUF_MAX] __attribute__((aligned(sizeof(char *))));

/* The non-_r calls' end: NULL with errno as it was before (saved) when there is no
 * such entry, so that a caller who cleared errno can tell "none" from an error. */
static struct group *result_of(int r, struct group *res, int saved)
{
	errno = r ? r : saved;
	return res;
}

struct group *getgrnam(const char *name)
{
	struct group *res;
	int saved = errno, r = getgrnam_r(name, &gr_static, gr_buf, sizeof gr_buf, &res);
	return result_of(r, res, saved);
}

struct group *getgrgid(gid_t gid)
{
	struct group *res;
	int saved = errno, r = getgrgid_r(gid, &gr_static, gr_buf, sizeof gr_buf, &res);
	return result_of(r, res, saved);
}

static FILE *gr_file;	/* getgrent's open of /etc/group */

void setgrent(void)
{
	if (gr_file)
		rewind(gr_file);
}

void endgrent(void)
{
	if (gr_file)
		fclose(gr_file);
	gr_file = NULL;
}

struct group *getgrent(void)
{
	struct group *res;
	int saved = errno;
	if (!gr_file && !(gr_file = fopen(ACCT_GROUP, "r")))
		return NULL;
	int r = fgetgrent_r(gr_file, &gr_static, gr_buf, sizeof gr_buf, &res);
	return result_of(r == ENOENT ? 0 : r, res, saved);
}

/* Add g to list (n so far, room for max) unless it is there: the new count. Past max
 * the count goes on (with no list to check, a repeated gid is counted again). */
static int add_group(gid_t *list, int n, int max, gid_t g)
{
	for (int i = 0; i < n && i < max; i++)
		if (list[i] == g)
			return n;
	if (n < max)
		list[n] = g;
	return n + 1;
}

static int is_member(const struct group *gr, const char *user)
{
	for (char **m = gr->gr_mem; *m; m++)
		if (strcmp(*m, user) == 0)
			return 1;
	return 0;
}

int getgrouplist(const char *user, gid_t group, gid_t *groups, int *ngroups)
{
	int max = *ngroups, n = add_group(groups, 0, max, group);
	FILE *f = fopen(ACCT_GROUP, "r");
	if (f) {
		struct group gr, *res;
		static char buf[ACCT_BUF_MAX] __attribute__((aligned(sizeof(char *))));
		int r;
		while ((r = fgetgrent_r(f, &gr, buf, sizeof buf, &res)) == 0)
			if (is_member(&gr, user))
				n = add_group(groups, n, max, gr.gr_gid);
		fclose(f);
	}
	*ngroups = n;
	return n > max ? -1 : n;
}

int initgroups(const char *user, gid_t group)
{
	gid_t list[NGROUPS_MAX];
	int n = NGROUPS_MAX;
	if (getgrouplist(user, group, list, &n) < 0)
		n = NGROUPS_MAX;		/* more than the system keeps: the first ones */
	return setgroups(n, list);
}
