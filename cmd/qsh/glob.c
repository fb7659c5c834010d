/* qsh's pathname expansion: *, ? and [..] matched against directories (opendir/readdir). */
/*
 * A pattern comes with a mask: quoted[i] nonzero makes pattern[i] an ordinary character
 * (it was quoted in the word). The pattern is taken one path component at a time; a
 * component without magic characters is used as it is, one with them is matched against
 * each name its directory lists. A leading '.' in a name matches only a literal '.'.
 * The matches of one pattern are sorted (strcmp, as the C locale does).
 */
#include <dirent.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include "qsh.h"

/* At pat[0] == '[': the length of the bracket expression, 0 if it has no closing ']'. */
static size_t bracket_len(const char *pat, const char *q)
{
	size_t i = 1;
	if (pat[i] == '!' || pat[i] == '^')
		i++;
	if (pat[i] == ']')
		i++;
	for (; pat[i]; i++)
		if (pat[i] == ']' && !q[i])
			return i + 1;
	return 0;
}

/* Does character c match the bracket expression pat[0..len)? */
static int bracket_match(const char *pat, size_t len, char c)
{
	size_t i = 1;
	int neg = pat[i] == '!' || pat[i] == '^';
	i += neg;
	int hit = 0;
	for (; i < len - 1; i++) {
		if (pat[i + 1] == '-' && i + 2 < len - 1) {
			if ((unsigned char)c >= (unsigned char)pat[i] &&
			    (unsigned char)c <= (unsigned char)pat[i + 2])
				hit = 1;
			i += 2;
		} else if (pat[i] == c)
			hit = 1;
	}
	return hit != neg;
}

int glob_magic(const char *pat, const char *quoted)
{
	for (size_t i = 0; pat[i]; i++) {
		if (quoted[i])
			continue;
		if (pat[i] == '*' || pat[i] == '?')
			return 1;
		if (pat[i] == '[' && bracket_len(pat + i, quoted + i))
			return 1;
	}
	return 0;
}

int glob_match(const char *pat, const char *q, const char *s)
{
	while (*pat) {
		if (*pat == '*' && !*q) {
			while (*pat == '*' && !*q)
				pat++, q++;
			if (*pat == 0)
				return 1;
			for (; *s; s++)
				if (glob_match(pat, q, s))
					return 1;
			return 0;
		}
		if (*s == 0)
			return 0;
		size_t bl;
		if (*pat == '?' && !*q) {
			pat++, q++, s++;
		} else if (*pat == '[' && !*q && (bl = bracket_len(pat, q)) > 0) {
			if (!bracket_match(pat, bl, *s))
				return 0;
			pat += bl, q += bl, s++;
		} else {
			if (*pat != *s)
				return 0;
			pat++, q++, s++;
		}
	}
	return *s == 0;
}

static char *join(const char *dir, const char *name, size_t n)
{
	size_t dl = strlen(dir);
	char *p = malloc(dl + n + 1);
	if (p == NULL)
		abort();
	memcpy(p, dir, dl);
	memcpy(p + dl, name, n);
	p[dl + n] = 0;
	return p;
}

static void walk(const char *dir, const char *pat, const char *q, struct strv *out);

/* path (dir + one component) exists; what follows in the pattern is rest. */
static void next(char *path, const char *rest, const char *q, int slash, struct strv *out)
{
	struct stat st;
	if (*rest) {
		char *d = join(path, "/", 1);
		walk(d, rest, q, out);
		free(d);
	} else if (!slash)
		strv_add(out, path), path = NULL;
	else if (stat(path, &st) == 0 && S_ISDIR(st.st_mode))
		strv_add(out, join(path, "/", 1));
	free(path);
}

static void walk(const char *dir, const char *pat, const char *q, struct strv *out)
{
	size_t k = strcspn(pat, "/");
	size_t r = k;
	while (pat[r] == '/')
		r++;
	int slash = r > k;
	char *comp = join("", pat, k), *cq = join("", q, k);
	if (!glob_magic(comp, cq)) {
		struct stat st;
		char *path = join(dir, pat, k);
		if (pat[r] || stat(path, &st) == 0)
			next(path, pat + r, q + r, slash, out);
		else
			free(path);
	} else {
		DIR *d = opendir(*dir ? dir : ".");
		struct dirent *de;
		while (d && (de = readdir(d)) != NULL) {
			const char *nm = de->d_name;
			if (strcmp(nm, ".") == 0 || strcmp(nm, "..") == 0)
				continue;
			if (nm[0] == '.' && comp[0] != '.')
				continue;
			if (glob_match(comp, cq, nm))
				next(join(dir, nm, strlen(nm)), pat + r, q + r, slash, out);
		}
		if (d)
			closedir(d);
	}
	free(comp);
	free(cq);
}

static int cmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

int glob_add(const char *pattern, const char *quoted, struct strv *out)
{
	struct strv m = { 0 };
	if (pattern[0] == '/') {
		size_t r = strspn(pattern, "/");
		walk("/", pattern + r, quoted + r, &m);
	} else
		walk("", pattern, quoted, &m);
	if (m.sv_n > 1)
		qsort(m.sv_v, (size_t)m.sv_n, sizeof *m.sv_v, cmp);
	for (int i = 0; i < m.sv_n; i++)
		strv_add(out, m.sv_v[i]);
	int n = m.sv_n;
	free(m.sv_v);
	return n;
}
