/* Reading the account files: lines, fields and the search every getXXnam shares. */
#include "acct.h"
#include <errno.h>
#include <string.h>

int __acct_getline(FILE *f, char line[ACCT_LINE_MAX])
{
	while (fgets(line, ACCT_LINE_MAX, f)) {
		size_t n = strlen(line);
		if (n > 0 && line[n - 1] == '\n') {
			line[--n] = 0;
		} else if (!feof(f)) {		/* too long: skip the rest of it */
			int c;
			while ((c = getc(f)) != EOF && c != '\n')
				;
			continue;
		}
		if (n > 0 && line[0] != '#')
			return 0;
	}
	return ENOENT;
}

int __acct_next(FILE *f, acct_parse_fn parse, void *ent, char *buf, size_t size)
{
	char line[ACCT_LINE_MAX];
	for (;;) {
		int r = __acct_getline(f, line);
		if (r == 0)
			r = parse(line, ent, buf, size);
		if (r != EINVAL)
			return r;
	}
}

int __acct_find(const char *path, acct_parse_fn parse, acct_match_fn match, const void *key,
		void *ent, char *buf, size_t size)
{
	FILE *f = fopen(path, "r");
	if (!f)
		return errno ? errno : ENOENT;
	char line[ACCT_LINE_MAX], scratch[ACCT_BUF_MAX];
	union { long l; void *p; char ent[ACCT_ENT_MAX]; } tmp;	/* an entry to match on */
	int r;
	while ((r = __acct_getline(f, line)) == 0) {
		if (parse(line, &tmp, scratch, sizeof scratch) != 0 || !match(&tmp, key))
			continue;
		r = parse(line, ent, buf, size);
		break;
	}
	fclose(f);
	return r;
}

int __acct_split(const char *line, char *buf, size_t size, char **field, int n)
{
	size_t len = strlen(line);
	if (len + 1 > size)
		return ERANGE;
	memcpy(buf, line, len + 1);
	char *p = buf;
	for (int i = 0; i < n; i++) {
		field[i] = p;
		char *colon = strchr(p, ':');
		if (i == n - 1)
			return colon ? EINVAL : 0;
		if (!colon)
			return EINVAL;
		*colon = 0;
		p = colon + 1;
	}
	return EINVAL;
}

int __acct_number(const char *s, unsigned long max, unsigned long *v)
{
	unsigned long n = 0;
	if (!*s)
		return EINVAL;
	for (; *s; s++) {
		if (*s < '0' || *s > '9')
			return EINVAL;
		n = n * 10 + (unsigned long)(*s - '0');
		if (n > max)
			return EINVAL;
	}
	*v = n;
	return 0;
}
