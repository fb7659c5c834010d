/* qsh's test and [ builtins: file, string and integer conditions, !, -a, -o, ( ). */
/*
 * expr    := and ('-o' and)*
 * and     := not ('-a' not)*
 * not     := '!' not | '(' expr ')' | primary
 * primary := -e|-f|-d|-r|-w|-x|-s|-n|-z ARG | ARG (=|!=|-eq|-ne|-lt|-le|-gt|-ge) ARG | ARG
 * Status 0 true, 1 false, 2 a malformed expression (with a message).
 */
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include "qsh.h"

struct texpr {
	char	**t_av;
	int	t_n, t_i;
	int	t_bad;
};

static const char *peek(struct texpr *t, int k)
{
	return t->t_i + k < t->t_n ? t->t_av[t->t_i + k] : NULL;
}

static int is(const char *s, const char *w)
{
	return s && strcmp(s, w) == 0;
}

static int integer(struct texpr *t, const char *s, long *v)
{
	char *end;
	*v = strtol(s, &end, 10);
	if (*s == 0 || *end) {
		sh_error("test: %s: integer expected", s);
		t->t_bad = 1;
		return 0;
	}
	return 1;
}

static int file_test(char op, const char *path)
{
	struct stat st;
	if (op == 'r' || op == 'w' || op == 'x')
		return access(path, op == 'r' ? R_OK : op == 'w' ? W_OK : X_OK) == 0;
	if (stat(path, &st) < 0)
		return 0;
	return op == 'e' || (op == 'f' && S_ISREG(st.st_mode)) || (op == 'd' && S_ISDIR(st.st_mode)) ||
	       (op == 's' && st.st_size > 0);
}

static int binary(struct texpr *t, const char *a, const char *op, const char *b)
{
	static const char *ops[] = { "-eq", "-ne", "-lt", "-le", "-gt", "-ge" };
	if (is(op, "="))
		return strcmp(a, b) == 0;
	if (is(op, "!="))
		return strcmp(a, b) != 0;
	long x, y;
	for (int k = 0; k < 6; k++)
		if (is(op, ops[k])) {
			if (!integer(t, a, &x) || !integer(t, b, &y))
				return 0;
			int r[] = { x == y, x != y, x < y, x <= y, x > y, x >= y };
			return r[k];
		}
	return -1;
}

static int expr(struct texpr *t);

static int primary(struct texpr *t)
{
	const char *a = peek(t, 0), *op = peek(t, 1), *b = peek(t, 2);
	if (a == NULL) {
		t->t_bad = 1;
		sh_error("test: argument expected");
		return 0;
	}
	if (op && b) {
		int r = binary(t, a, op, b);
		if (r >= 0) {
			t->t_i += 3;
			return r;
		}
	}
	if (a[0] == '-' && a[1] && !a[2] && strchr("efdrwxsnz", a[1]) && op) {
		t->t_i += 2;
		if (a[1] == 'n' || a[1] == 'z')
			return (op[0] != 0) == (a[1] == 'n');
		return file_test(a[1], op);
	}
	t->t_i++;
	return a[0] != 0;
}

static int unary(struct texpr *t)
{
	if (is(peek(t, 0), "!") && peek(t, 1)) {
		t->t_i++;
		return !unary(t);
	}
	if (is(peek(t, 0), "(")) {
		t->t_i++;
		int r = expr(t);
		if (!is(peek(t, 0), ")")) {
			sh_error("test: ')' expected");
			t->t_bad = 1;
		}
		t->t_i++;
		return r;
	}
	return primary(t);
}

static int and(struct texpr *t)
{
	int r = unary(t);
	while (!t->t_bad && is(peek(t, 0), "-a")) {
		t->t_i++;
		r = unary(t) && r;
	}
	return r;
}

static int expr(struct texpr *t)
{
	int r = and(t);
	while (!t->t_bad && is(peek(t, 0), "-o")) {
		t->t_i++;
		r = and(t) || r;
	}
	return r;
}

int builtin_test(struct shell *sh, int argc, char **argv)
{
	if (strcmp(argv[0], "[") == 0) {
		if (argc < 2 || strcmp(argv[argc - 1], "]") != 0) {
			sh_error("[: missing ]");
			return 2;
		}
		argc--;
	}
	struct texpr t = { .t_av = argv + 1, .t_n = argc - 1 };
	if (t.t_n == 0)
		return 1;
	int r = expr(&t);
	if (!t.t_bad && t.t_i < t.t_n) {
		sh_error("test: %s: unexpected operator", t.t_av[t.t_i]);
		t.t_bad = 1;
	}
	return t.t_bad ? 2 : !r;
}
