/* The account files' common ground (pwd.c, grp.c, shadow.c): lines of ':'-separated
 * fields, read through stdio. Kept apart from libc.h so the host tests can build it. */
#ifndef _QSOE_ACCT_H
#define _QSOE_ACCT_H

#include <stddef.h>
#include <stdio.h>

/* The files (the headers' _PATH_* say the same; the host's headers lack some). */
#define ACCT_PASSWD	"/etc/passwd"
#define ACCT_GROUP	"/etc/group"
#define ACCT_SHADOW	"/etc/shadow"

#define ACCT_LINE_MAX	1024	/* longer lines are skipped as malformed */
#define ACCT_BUF_MAX	(6 * ACCT_LINE_MAX)	/* fits any line's entry, gr_mem included */
#define ACCT_ENT_MAX	128	/* the largest entry struct (each file asserts it) */

/* Parse one line into an entry whose strings live in buf: 0, ERANGE (buf too small) or
 * EINVAL (not an entry of this file). */
typedef int (*acct_parse_fn)(const char *line, void *ent, char *buf, size_t size);
/* Does the parsed entry answer the key (a name, an id)? */
typedef int (*acct_match_fn)(const void *ent, const void *key);

/* f's next line that is neither blank nor a '#' comment, in line without its newline:
 * 0, or ENOENT at the end of f. */
int __acct_getline(FILE *f, char line[ACCT_LINE_MAX]);
/* The next entry of f that parses: 0, ENOENT at the end, or ERANGE (buf is too small
 * for it; that line has been read). */
int __acct_next(FILE *f, acct_parse_fn parse, void *ent, char *buf, size_t size);
/* The first entry of the file at path that parses and matches key, into ent and buf: 0,
 * ENOENT (none, or no file), or an errno (ERANGE, EACCES, ...). */
int __acct_find(const char *path, acct_parse_fn parse, acct_match_fn match, const void *key,
		void *ent, char *buf, size_t size);

/* Copy line into buf and split the copy at ':' into exactly n fields: 0, ERANGE, EINVAL. */
int __acct_split(const char *line, char *buf, size_t size, char **field, int n);
/* A decimal number <= max (no sign, not empty): 0 and *v, or EINVAL. */
int __acct_number(const char *s, unsigned long max, unsigned long *v);

#endif
