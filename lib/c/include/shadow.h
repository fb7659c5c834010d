/* <shadow.h>: the password hashes, /etc/shadow ("name:hash:lastchg:min:max:warn:inactive:
 * expire:flag"), readable by root only. Empty numeric fields read as -1. */
#ifndef _SHADOW_H
#define _SHADOW_H

#include <stddef.h>
#include <stdio.h>

#define _PATH_SHADOW	"/etc/shadow"

struct spwd {
	char		*sp_namp;	/* the user's name */
	char		*sp_pwdp;	/* crypt() hash; "*" or "!..." lock the account */
	long		sp_lstchg;	/* the day of the last change (days since 1970) */
	long		sp_min, sp_max, sp_warn, sp_inact, sp_expire;
	unsigned long	sp_flag;
};

/* As getpwnam and getpwnam_r (pwd.h), for /etc/shadow. */
struct spwd	*getspnam(const char *name);
int	getspnam_r(const char *name, struct spwd *sp, char *buf, size_t size,
		   struct spwd **result);
int	fgetspent_r(FILE *f, struct spwd *sp, char *buf, size_t size, struct spwd **result);
struct spwd	*getspent(void);
void	setspent(void);
void	endspent(void);
/* Write sp to f as one line (-1 fields empty): 0, or -1 with errno. */
int	putspent(const struct spwd *sp, FILE *f);

#endif
