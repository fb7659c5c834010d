/* The password hashes: /etc/shadow lookups, its walk, and putspent for passwd(1). */
#include <shadow.h>
#include <errno.h>
#include <string.h>
#include "acct.h"

_Static_assert(sizeof(struct spwd) <= ACCT_ENT_MAX, "acct.c's scratch entry");

/* A numeric field of shadow: empty is -1. */
static int number(const char *s, long *v)
{
	unsigned long n;
	if (!*s) {
		*v = -1;
		return 0;
	}
	if (__acct_number(s, (unsigned long)-1 >> 1, &n))
		return EINVAL;
	*v = (long)n;
	return 0;
}

/* "name:hash:lastchg:min:max:warn:inactive:expire:flag" */
static int sp_parse(const char *line, void *ent, char *buf, size_t size)
{
	struct spwd *sp = ent;
	char *f[9];
	long flag;
	int r = __acct_split(line, buf, size, f, 9);
	if (r)
		return r;
	if (!f[0][0] || number(f[2], &sp->sp_lstchg) || number(f[3], &sp->sp_min) ||
	    number(f[4], &sp->sp_max) || number(f[5], &sp->sp_warn) ||
	    number(f[6], &sp->sp_inact) || number(f[7], &sp->sp_expire) || number(f[8], &flag))
		return EINVAL;
	sp->sp_namp = f[0];
	sp->sp_pwdp = f[1];
	sp->sp_flag = (unsigned long)flag;
	return 0;
}

static int by_name(const void *ent, const void *key)
{
	return strcmp(((const struct spwd *)ent)->sp_namp, key) == 0;
}

int fgetspent_r(FILE *f, struct spwd *sp, char *buf, size_t size, struct spwd **result)
{
	int r = __acct_next(f, sp_parse, sp, buf, size);
	*result = r == 0 ? sp : NULL;
	return r;
}

int getspnam_r(const char *name, struct spwd *sp, char *buf, size_t size, struct spwd **result)
{
	int r = __acct_find(ACCT_SHADOW, sp_parse, by_name, name, sp, buf, size);
	*result = r == 0 ? sp : NULL;
	return r == ENOENT ? 0 : r;
}

static struct spwd sp_static;
static char sp_buf[ACCT_BUF_MAX];

struct spwd *getspnam(const char *name)
{
	struct spwd *res;
	int saved = errno, r = getspnam_r(name, &sp_static, sp_buf, sizeof sp_buf, &res);
	errno = r ? r : saved;		/* as getpwnam */
	return res;
}

static FILE *sp_file;	/* getspent's open of /etc/shadow */

void setspent(void)
{
	if (sp_file)
		rewind(sp_file);
}

void endspent(void)
{
	if (sp_file)
		fclose(sp_file);
	sp_file = NULL;
}

struct spwd *getspent(void)
{
	struct spwd *res;
	int saved = errno;
	if (!sp_file && !(sp_file = fopen(ACCT_SHADOW, "r")))
		return NULL;
	int r = fgetspent_r(sp_file, &sp_static, sp_buf, sizeof sp_buf, &res);
	errno = r && r != ENOENT ? r : saved;
	return res;
}

/* One numeric field and its ':' (none after the last); -1 is written as nothing. */
static int put_number(FILE *f, long v, int last)
{
	if (v != -1 && fprintf(f, "%ld", v) < 0)
		return -1;
	return last ? 0 : (putc(':', f) == EOF ? -1 : 0);
}

int putspent(const struct spwd *sp, FILE *f)
{
	const char *pw = sp->sp_pwdp ? sp->sp_pwdp : "";
	if (!sp->sp_namp || !sp->sp_namp[0] || strchr(sp->sp_namp, ':') ||
	    strchr(sp->sp_namp, '\n') || strchr(pw, ':') || strchr(pw, '\n')) {
		errno = EINVAL;
		return -1;
	}
	if (fprintf(f, "%s:%s:", sp->sp_namp, pw) < 0 ||
	    put_number(f, sp->sp_lstchg, 0) || put_number(f, sp->sp_min, 0) ||
	    put_number(f, sp->sp_max, 0) || put_number(f, sp->sp_warn, 0) ||
	    put_number(f, sp->sp_inact, 0) || put_number(f, sp->sp_expire, 0) ||
	    put_number(f, (long)sp->sp_flag, 1) || putc('\n', f) == EOF)
		return -1;
	return 0;
}
