/* qsh's word expansion: ~, $parameters and ${..} forms, $(..), field splitting, quote
 * removal and (through glob.c) pathnames. No system calls: $(..) goes through sh_subst. */
/*
 * A raw word is walked once, left to right, building fields. Each character added
 * carries a mark: quoted (from '..', "..", a backslash, or any expansion inside "..")
 * or not. Unquoted expansion results are split at $IFS characters (blanks collapse,
 * others each end a field) and their characters stay open to globbing; literal
 * characters of the word are never split. A field exists once a character or a quote
 * was seen, so "" is one empty field and an empty unquoted $x none; "$@" with no
 * positional parameters is no field at all.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "qsh.h"

struct field {
	char	*f_s, *f_q;	/* text, and per character nonzero if quoted */
	size_t	f_n, f_cap;
	int	f_exists;
	int	f_at_empty;	/* "$@" with no parameters was here */
};

struct exp {
	struct shell	*e_sh;
	struct strv	*e_out;		/* NULL: one string (expand_one) */
	struct field	e_f;
	char		*e_err;
	size_t		e_errsz;
	int		e_failed;
};

void strv_add(struct strv *v, char *s)
{
	if (v->sv_n + 1 >= v->sv_cap) {
		v->sv_cap = v->sv_cap ? v->sv_cap * 2 : 8;
		v->sv_v = realloc(v->sv_v, (size_t)v->sv_cap * sizeof *v->sv_v);
		if (v->sv_v == NULL)
			abort();
	}
	v->sv_v[v->sv_n++] = s;
	v->sv_v[v->sv_n] = NULL;
}

void strv_free(struct strv *v)
{
	for (int i = 0; i < v->sv_n; i++)
		free(v->sv_v[i]);
	free(v->sv_v);
	memset(v, 0, sizeof *v);
}

static char *xstrdup(const char *s)
{
	char *t = strdup(s);
	if (t == NULL)
		abort();
	return t;
}

static void addc(struct exp *e, char c, int quoted)
{
	struct field *f = &e->e_f;
	if (f->f_n + 1 >= f->f_cap) {
		f->f_cap = f->f_cap ? f->f_cap * 2 : 64;
		f->f_s = realloc(f->f_s, f->f_cap);
		f->f_q = realloc(f->f_q, f->f_cap);
		if (f->f_s == NULL || f->f_q == NULL)
			abort();
	}
	f->f_s[f->f_n] = c;
	f->f_q[f->f_n++] = (char)quoted;
	f->f_s[f->f_n] = 0;
	f->f_exists = 1;
}

/* Ends the field being built: out gets it (globbed if it may be), if it exists. */
static void end_field(struct exp *e, int force)
{
	struct field *f = &e->e_f;
	if (e->e_out && (force || (f->f_exists && !(f->f_n == 0 && f->f_at_empty)))) {
		char *s = xstrdup(f->f_n ? f->f_s : "");
		if (f->f_n && !e->e_sh->sh_noglob && glob_magic(f->f_s, f->f_q) &&
		    glob_add(f->f_s, f->f_q, e->e_out) > 0)
			free(s);
		else
			strv_add(e->e_out, s);
	}
	f->f_n = 0;
	f->f_exists = 0;
	f->f_at_empty = 0;
}

/* The first failure's message is kept; expansion stops. */
static void fail(struct exp *e, const char *fmt, ...)
{
	if (!e->e_failed) {
		va_list ap;
		va_start(ap, fmt);
		vsnprintf(e->e_err, e->e_errsz, fmt, ap);
		va_end(ap);
	}
	e->e_failed = 1;
}

static const char *ifs(struct exp *e)
{
	const char *s = var_get(e->e_sh, "IFS");
	return s ? s : " \t\n";
}

/* An expansion's result joins the field: quoted as it is, else split at $IFS. */
static void put_value(struct exp *e, const char *v, int quoted)
{
	if (quoted || e->e_out == NULL) {
		e->e_f.f_exists = 1;
		for (; *v; v++)
			addc(e, *v, quoted);
		return;
	}
	const char *sep = ifs(e);
	for (; *v; v++) {
		if (strchr(sep, *v)) {
			int blank = *v == ' ' || *v == '\t' || *v == '\n';
			if (!blank || e->e_f.f_n > 0 || e->e_f.f_exists)
				end_field(e, !blank);
		} else
			addc(e, *v, 0);
	}
}

/* --- Parameters ---------------------------------------------------------------------------- */
static int is_special(char c)
{
	return c && strchr("?$!#@*-0123456789", c) != NULL;
}

/* The value of parameter name[0..n) (a name, digits, or one special character), in buf
 * or a variable's storage; NULL if unset. $@ and $* come back joined by spaces. */
static const char *param(struct exp *e, const char *name, size_t n, char **freeme)
{
	struct shell *sh = e->e_sh;
	static char num[24];
	*freeme = NULL;
	char c = name[0];
	if (n == 1 && c == '?')
		snprintf(num, sizeof num, "%d", sh->sh_status);
	else if (n == 1 && c == '$')
		snprintf(num, sizeof num, "%d", (int)sh->sh_pid);
	else if (n == 1 && c == '!') {
		if (sh->sh_lastbg == 0)
			return "";
		snprintf(num, sizeof num, "%d", (int)sh->sh_lastbg);
	} else if (n == 1 && c == '#')
		snprintf(num, sizeof num, "%d", sh->sh_argc);
	else if (n == 1 && c == '-') {
		char *p = num;
		if (sh->sh_errexit)
			*p++ = 'e';
		if (sh->sh_noglob)
			*p++ = 'f';
		if (sh->sh_interactive)
			*p++ = 'i';
		if (sh->sh_nounset)
			*p++ = 'u';
		if (sh->sh_xtrace)
			*p++ = 'x';
		*p = 0;
	} else if (n == 1 && (c == '@' || c == '*')) {
		size_t len = 1;
		for (int i = 0; i < sh->sh_argc; i++)
			len += strlen(sh->sh_argv[i]) + 1;
		char *s = malloc(len), *p = s;
		if (s == NULL)
			abort();
		*p = 0;
		for (int i = 0; i < sh->sh_argc; i++)
			p += sprintf(p, i ? " %s" : "%s", sh->sh_argv[i]);
		return *freeme = s;
	} else if (c >= '0' && c <= '9') {
		int k = 0;
		for (size_t i = 0; i < n && k < 100000; i++)
			k = k * 10 + (name[i] - '0');
		if (k == 0)
			return sh->sh_arg0 ? sh->sh_arg0 : "qsh";
		return k <= sh->sh_argc ? sh->sh_argv[k - 1] : NULL;
	} else {
		char *s = malloc(n + 1);
		if (s == NULL)
			abort();
		memcpy(s, name, n);
		s[n] = 0;
		const char *v = var_get(sh, s);
		free(s);
		return v;
	}
	return num;
}

/* $@ and $*: each parameter its own field where that applies. */
static void put_args(struct exp *e, char c, int quoted)
{
	struct shell *sh = e->e_sh;
	if (quoted && c == '*') {
		const char *sep = ifs(e);
		for (int i = 0; i < sh->sh_argc; i++) {
			if (i && *sep)
				addc(e, *sep, 1);
			put_value(e, sh->sh_argv[i], 1);
		}
		e->e_f.f_exists = 1;
		return;
	}
	if (sh->sh_argc == 0 && quoted)
		e->e_f.f_at_empty = 1;
	for (int i = 0; i < sh->sh_argc; i++) {
		if (i) {
			if (e->e_out)
				end_field(e, quoted);
			else
				addc(e, ' ', quoted);
		}
		put_value(e, sh->sh_argv[i], quoted);
	}
}

static void put_param(struct exp *e, const char *name, size_t n, int quoted)
{
	if (n == 1 && (name[0] == '@' || name[0] == '*')) {
		put_args(e, name[0], quoted);
		return;
	}
	char *fr;
	const char *v = param(e, name, n, &fr);
	if (v == NULL && e->e_sh->sh_nounset)
		fail(e, "%.*s: parameter not set", (int)n, name);
	put_value(e, v ? v : "", quoted);
	free(fr);
}

/* Length of the parameter name at s: a name, digits (in braces), or one special. */
static size_t name_len(const char *s, int braced)
{
	size_t n = 0;
	if (s[0] == '_' || ((s[0] | 32) >= 'a' && (s[0] | 32) <= 'z')) {
		while (is_name(s, n + 1))
			n++;
		return n;
	}
	if (braced && s[0] >= '0' && s[0] <= '9') {
		while (s[n] >= '0' && s[n] <= '9')
			n++;
		return n;
	}
	return is_special(s[0]) ? 1 : 0;
}

static char *expand_sub(struct exp *e, const char *raw, size_t n)
{
	char *w = malloc(n + 1);
	if (w == NULL)
		abort();
	memcpy(w, raw, n);
	w[n] = 0;
	char *v = expand_one(e->e_sh, w, e->e_err, e->e_errsz);
	free(w);
	if (v == NULL)
		e->e_failed = 1;
	return v;
}

/* ${inner}: NAME, #NAME, NAME[:]-word, =, +, ? */
static void put_brace(struct exp *e, const char *in, size_t len, int quoted)
{
	if (len > 1 && in[0] == '#') {
		size_t n = name_len(in + 1, 1);
		if (n == 0 || n + 1 != len) {
			fail(e, "${%.*s}: bad substitution", (int)len, in);
			return;
		}
		char *fr, num[24];
		const char *v = param(e, in + 1, n, &fr);
		snprintf(num, sizeof num, "%zu", v ? strlen(v) : 0);
		free(fr);
		put_value(e, num, 1);
		return;
	}
	size_t n = name_len(in, 1);
	if (n == len) {
		put_param(e, in, n, quoted);
		return;
	}
	size_t k = n;
	int colon = in[k] == ':';
	k += colon;
	char op = in[k];
	if (n == 0 || k >= len || !strchr("-=+?", op)) {
		fail(e, "${%.*s}: bad substitution", (int)len, in);
		return;
	}
	k++;
	char *fr;
	const char *v = param(e, in, n, &fr);
	int null = v == NULL || (colon && v[0] == 0);
	char *word = NULL;
	if ((op == '+') != null) {
		word = expand_sub(e, in + k, len - k);
		if (word == NULL) {
			free(fr);
			return;
		}
	}
	if (op == '?' && null)
		fail(e, "%.*s: %s", (int)n, in, word[0] ? word : "parameter null or not set");
	else if (op == '=' && null) {
		char *name = strndup(in, n);
		if (name == NULL)
			abort();
		if (var_set(e->e_sh, name, word) < 0)
			fail(e, "${%.*s}: cannot assign in this way", (int)len, in);
		free(name);
		put_value(e, word, quoted);
	} else if (op == '+')
		put_value(e, null ? "" : word, quoted);
	else
		put_value(e, null ? word : v, quoted);
	free(word);
	free(fr);
}

/* $(cmd) or `cmd`: its output, less trailing newlines. */
static void put_subst(struct exp *e, const char *cmd, size_t n, int quoted)
{
	char *c = strndup(cmd, n);
	if (c == NULL)
		abort();
	char *out = e->e_sh->sh_subst ? e->e_sh->sh_subst(e->e_sh, c) : NULL;
	free(c);
	if (out == NULL) {
		fail(e, "command substitution failed");
		return;
	}
	size_t len = strlen(out);
	while (len > 0 && out[len - 1] == '\n')
		out[--len] = 0;
	put_value(e, out, quoted);
	free(out);
}

/* At raw[i] == '$': expands what follows; returns the index after it. */
static size_t dollar(struct exp *e, const char *raw, size_t i, int quoted)
{
	const char *s = raw + i + 1;
	if (s[0] == '{' || s[0] == '(') {
		if (s[0] == '(' && s[1] == '(') {
			fail(e, "arithmetic $((..)) is not supported");
			return strlen(raw);
		}
		size_t m = lex_match(s + 1, s[0] == '{' ? '}' : ')');
		if (m == 0) {
			fail(e, "%s: bad substitution", s);
			return strlen(raw);
		}
		if (s[0] == '{')
			put_brace(e, s + 1, m - 1, quoted);
		else
			put_subst(e, s + 1, m - 1, quoted);
		return i + 2 + m;
	}
	size_t n = name_len(s, 0);
	if (n == 0) {
		addc(e, '$', quoted);
		return i + 1;
	}
	put_param(e, s, n, quoted);
	return i + 1 + n;
}

/* `cmd`: the text between the backquotes, with \` \\ \$ unescaped. */
static size_t backquote(struct exp *e, const char *raw, size_t i, int quoted)
{
	size_t m = lex_match(raw + i + 1, '`');
	if (m == 0) {
		fail(e, "unterminated `");
		return strlen(raw);
	}
	char *c = malloc(m), *p = c;
	if (c == NULL)
		abort();
	for (size_t k = i + 1; k < i + m; k++) {
		if (raw[k] == '\\' && strchr("`\\$", raw[k + 1]))
			k++;
		*p++ = raw[k];
	}
	put_subst(e, c, (size_t)(p - c), quoted);
	free(c);
	return i + 1 + m;
}

static void walk(struct exp *e, const char *raw)
{
	int dq = 0;
	size_t i = 0;
	if (raw[0] == '~' && (raw[1] == '/' || raw[1] == 0)) {
		const char *home = var_get(e->e_sh, "HOME");
		put_value(e, home ? home : "~", 1);
		i = 1;
	}
	while (raw[i] && !e->e_failed) {
		char c = raw[i];
		if (c == '\'' && !dq) {
			e->e_f.f_exists = 1;
			for (i++; raw[i] && raw[i] != '\''; i++)
				addc(e, raw[i], 1);
			i += raw[i] != 0;
		} else if (c == '"') {
			dq = !dq;
			e->e_f.f_exists = 1;
			i++;
		} else if (c == '\\' && raw[i + 1]) {
			char n = raw[i + 1];
			if (!dq || strchr("$`\"\\", n)) {
				addc(e, n, 1);
				i += 2;
			} else {
				addc(e, '\\', 1);
				i++;
			}
		} else if (c == '$')
			i = dollar(e, raw, i, dq);
		else if (c == '`')
			i = backquote(e, raw, i, dq);
		else {
			addc(e, c, dq);
			i++;
		}
	}
}

int expand_words(struct shell *sh, char **raw, int n, struct strv *out, char *err, size_t errsz)
{
	struct exp e = { .e_sh = sh, .e_out = out, .e_err = err, .e_errsz = errsz };
	for (int i = 0; i < n && !e.e_failed; i++) {
		walk(&e, raw[i]);
		end_field(&e, 0);
	}
	free(e.e_f.f_s);
	free(e.e_f.f_q);
	if (e.e_failed) {
		strv_free(out);
		return -1;
	}
	if (out->sv_v == NULL) {	/* no fields: still a NULL-terminated vector */
		out->sv_cap = 8;
		out->sv_v = calloc(8, sizeof *out->sv_v);
		if (out->sv_v == NULL)
			abort();
	}
	return 0;
}

char *expand_one(struct shell *sh, const char *raw, char *err, size_t errsz)
{
	struct exp e = { .e_sh = sh, .e_err = err, .e_errsz = errsz };
	walk(&e, raw);
	char *s = e.e_failed ? NULL : xstrdup(e.e_f.f_n ? e.e_f.f_s : "");
	free(e.e_f.f_s);
	free(e.e_f.f_q);
	return s;
}
