/* The user database: /etc/passwd lookups and its walk (getpwent). */
#include <pwd.h>
#include <errno.h>
#include <string.h>
#include "acct.h"

_Static_assert(sizeof(struct passwd) <= ACCT_ENT_MAX, "acct.c's scratch entry");

/* "name:password:uid:gid:gecos:home:shell" */
static int pw_parse(const char *line, void *ent, char *buf, size_t size)
{
	struct passwd *pw = ent;
	char *f[7];
	unsigned long uid, gid;
	int r = __acct_split(line, buf, size, f, 7);
	if (r)
		return r;
	if (!f[0][0] || __acct_number(f[2], (uid_t)-1, &uid) ||
	    __acct_number(f[3], (gid_t)-1, &gid))
		return EINVAL;
	pw->pw_name = f[0];
	pw->pw_passwd = f[1];
	pw->pw_uid = (uid_t)uid;
	pw->pw_gid = (gid_t)gid;
	pw->pw_gecos = f[4];
	pw->pw_dir = f[5];
	pw->pw_shell = f[6];
	return 0;
}

static int by_name(const void *ent, const void *key)
{
	return strcmp(((const struct passwd *)ent)->pw_name, key) == 0;
}

static int by_uid(const void *ent, const void *key)
{
	return ((const struct passwd *)ent)->pw_uid == *(const uid_t *)key;
}

/* The _r calls' contract on __acct_find's result. */
static int found(int r, struct passwd *pw, struct passwd **result)
{
	*result = r == 0 ? pw : NULL;
	return r == ENOENT ? 0 : r;
}

int fgetpwent_r(FILE *f, struct passwd *pw, char *buf, size_t size, struct passwd **result)
{
	int r = __acct_next(f, pw_parse, pw, buf, size);
	*result = r == 0 ? pw : NULL;
	return r;
}

int getpwnam_r(const char *name, struct passwd *pw, char *buf, size_t size,
	       struct passwd **result)
{
	return found(__acct_find(ACCT_PASSWD, pw_parse, by_name, name, pw, buf, size),
		     pw, result);
}

int getpwuid_r(uid_t uid, struct passwd *pw, char *buf, size_t size, struct passwd **result)
{
	return found(__acct_find(ACCT_PASSWD, pw_parse, by_uid, &uid, pw, buf, size),
		     pw, result);
}

static struct passwd pw_static;
static char pw_buf[ACCT_BUF_MAX];

/* The non-_r calls' end: NULL with errno as it was before (saved) when there is no
 * such entry, so that a caller who cleared errno can tell "none" from an error. */
static struct passwd *result_of(int r, struct passwd *res, int saved)
{
	errno = r ? r : saved;
	return res;
}

struct passwd *getpwnam(const char *name)
{
	struct passwd *res;
	int saved = errno, r = getpwnam_r(name, &pw_static, pw_buf, sizeof pw_buf, &res);
	return result_of(r, res, saved);
}

struct passwd *getpwuid(uid_t uid)
{
	struct passwd *res;
	int saved = errno, r = getpwuid_r(uid, &pw_static, pw_buf, sizeof pw_buf, &res);
	return result_of(r, res, saved);
}

static FILE *pw_file;	/* getpwent's open of /etc/passwd */

void setpwent(void)
{
	if (pw_file)
		rewind(pw_file);
}

void endpwent(void)
{
	if (pw_file)
		fclose(pw_file);
	pw_file = NULL;
}

struct passwd *getpwent(void)
{
	struct passwd *res;
	int saved = errno;
	if (!pw_file && !(pw_file = fopen(ACCT_PASSWD, "r")))
		return NULL;
	int r = fgetpwent_r(pw_file, &pw_static, pw_buf, sizeof pw_buf, &res);
	return result_of(r == ENOENT ? 0 : r, res, saved);
}
