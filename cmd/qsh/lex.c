/* qsh's lexer: text to tokens. A word keeps its quotes and $-forms; expand.c reads them. */
/*
 * Words end at an unquoted blank, newline or operator character. Inside a word, '..'
 * runs to the next ', ".." to the next unescaped " (with ${..} and $(..) inside it), a
 * backslash takes the next character, ${..}, $(..) and `..` run to their ends. A
 * backslash-newline outside single quotes is removed (a continued line). `#` at the
 * start of a word comments out the rest of the line. Digits right before < or > are an
 * fd (T_IONUM). Running out of text inside a quote is T_ERROR with lx_incomplete set.
 */
#include <stdlib.h>
#include <string.h>
#include "qsh.h"

struct buf {
	char	*b;
	size_t	n, cap;
};

static void put(struct buf *b, char c)
{
	if (b->n + 1 >= b->cap) {
		b->cap = b->cap ? b->cap * 2 : 32;
		b->b = realloc(b->b, b->cap);
		if (b->b == NULL)
			abort();
	}
	b->b[b->n++] = c;
	b->b[b->n] = 0;
}

void lex_init(struct lexer *lx, const char *text)
{
	memset(lx, 0, sizeof *lx);
	lx->lx_s = text;
}

static int is_blank(char c)
{
	return c == ' ' || c == '\t';
}

static int is_opchar(char c)
{
	return c == ';' || c == '&' || c == '|' || c == '(' || c == ')' || c == '<' || c == '>';
}

/* The character at the cursor after skipping backslash-newline pairs. */
static char peekc(struct lexer *lx)
{
	while (lx->lx_s[lx->lx_pos] == '\\' && lx->lx_s[lx->lx_pos + 1] == '\n')
		lx->lx_pos += 2;
	return lx->lx_s[lx->lx_pos];
}

static int fail(struct lexer *lx, const char *why, int incomplete)
{
	lx->lx_err = why;
	lx->lx_incomplete = incomplete;
	return -1;
}

static int scan_until(struct lexer *lx, struct buf *b, char close);

/* After a '\'': copy up to and including the closing quote. */
static int scan_squote(struct lexer *lx, struct buf *b)
{
	for (;;) {
		char c = lx->lx_s[lx->lx_pos];
		if (c == 0)
			return fail(lx, "unterminated quote", 1);
		lx->lx_pos++;
		put(b, c);
		if (c == '\'')
			return 0;
	}
}

/* A backslash and what it escapes (a backslash-newline is already gone). */
static int scan_escape(struct lexer *lx, struct buf *b)
{
	put(b, '\\');
	lx->lx_pos++;
	char c = lx->lx_s[lx->lx_pos];
	if (c == 0)
		return fail(lx, "backslash at end of input", 1);
	put(b, c);
	lx->lx_pos++;
	return 0;
}

/* At a '$': ${..} and $(..) whole, else just the '$'. */
static int scan_dollar(struct lexer *lx, struct buf *b)
{
	put(b, '$');
	lx->lx_pos++;
	char c = peekc(lx);
	if (c == '{' || c == '(') {
		put(b, c);
		lx->lx_pos++;
		return scan_until(lx, b, c == '{' ? '}' : ')');
	}
	return 0;
}

/* After an opening ", ${, $( or (: copy through the matching close, quotes nested. */
static int scan_until(struct lexer *lx, struct buf *b, char close)
{
	int depth = 0;
	for (;;) {
		char c = peekc(lx);
		if (c == 0)
			return fail(lx, close == '"' ? "unterminated quote" : "missing closing bracket", 1);
		if (c == close && depth == 0) {
			put(b, c);
			lx->lx_pos++;
			return 0;
		}
		int r = 0;
		if (c == '\\')
			r = scan_escape(lx, b);
		else if (c == '$')
			r = scan_dollar(lx, b);
		else if (c == '"' && close != '"') {
			put(b, c);
			lx->lx_pos++;
			r = scan_until(lx, b, '"');
		} else if (c == '\'' && close != '"') {
			put(b, c);
			lx->lx_pos++;
			r = scan_squote(lx, b);
		} else if (c == '`') {
			put(b, c);
			lx->lx_pos++;
			r = scan_until(lx, b, '`');
		} else {
			if (close == ')' && c == '(')
				depth++;
			if (close == ')' && c == ')')
				depth--;
			put(b, c);
			lx->lx_pos++;
		}
		if (r < 0)
			return r;
	}
}

static int scan_word(struct lexer *lx, struct buf *b)
{
	for (;;) {
		char c = peekc(lx);
		if (c == 0 || c == '\n' || is_blank(c) || is_opchar(c))
			return 0;
		int r = 0;
		if (c == '\'') {
			put(b, c);
			lx->lx_pos++;
			r = scan_squote(lx, b);
		} else if (c == '"' || c == '`') {
			put(b, c);
			lx->lx_pos++;
			r = scan_until(lx, b, c);
		} else if (c == '\\')
			r = scan_escape(lx, b);
		else if (c == '$')
			r = scan_dollar(lx, b);
		else {
			put(b, c);
			lx->lx_pos++;
		}
		if (r < 0)
			return r;
	}
}

struct op {
	const char	*o_text;
	enum tok	o_kind;
};

/* Longest first. */
static const struct op ops[] = {
	{ "&&", T_ANDIF }, { "||", T_ORIF }, { ">>", T_DGREAT }, { "<&", T_LESSAND },
	{ ">&", T_GREATAND }, { "<>", T_LESSGREAT }, { ">|", T_CLOBBER },
	{ ";", T_SEMI }, { "&", T_AMP }, { "|", T_PIPE }, { "(", T_LPAREN }, { ")", T_RPAREN },
	{ "<", T_LESS }, { ">", T_GREAT },
};

void lex_next(struct lexer *lx, struct token *t)
{
	memset(t, 0, sizeof *t);
	for (;;) {
		char c = peekc(lx);
		if (is_blank(c))
			lx->lx_pos++;
		else if (c == '#')
			while (lx->lx_s[lx->lx_pos] && lx->lx_s[lx->lx_pos] != '\n')
				lx->lx_pos++;
		else
			break;
	}
	const char *s = lx->lx_s + lx->lx_pos;
	t->t_pos = lx->lx_pos;
	if (*s == 0) {
		t->t_kind = T_EOF;
		t->t_end = lx->lx_pos;
		return;
	}
	if (*s == '\n') {
		t->t_kind = T_NEWLINE;
		t->t_end = ++lx->lx_pos;
		return;
	}
	if (s[0] == '<' && s[1] == '<') {
		fail(lx, "here-documents (<<) are not supported", 0);
		t->t_kind = T_ERROR;
		return;
	}
	for (size_t i = 0; i < sizeof ops / sizeof ops[0]; i++) {
		size_t n = strlen(ops[i].o_text);
		if (strncmp(s, ops[i].o_text, n) == 0) {
			t->t_kind = ops[i].o_kind;
			lx->lx_pos += n;
			t->t_end = lx->lx_pos;
			return;
		}
	}
	struct buf b = { 0 };
	if (scan_word(lx, &b) < 0) {
		free(b.b);
		t->t_kind = T_ERROR;
		return;
	}
	t->t_end = lx->lx_pos;
	char next = lx->lx_s[lx->lx_pos];
	if ((next == '<' || next == '>') && b.n > 0 && b.n <= 3 &&
	    strspn(b.b, "0123456789") == b.n) {
		t->t_kind = T_IONUM;
		t->t_num = atoi(b.b);
		free(b.b);
		return;
	}
	t->t_kind = T_WORD;
	t->t_text = b.b;
}

/* s follows an opening ${, $( or `: the length through the matching close (0: none). */
size_t lex_match(const char *s, char close)
{
	struct lexer lx;
	struct buf b = { 0 };
	lex_init(&lx, s);
	int r = scan_until(&lx, &b, close);
	free(b.b);
	return r < 0 ? 0 : lx.lx_pos;
}

const char *tok_name(enum tok k)
{
	static const char *names[] = {
		[T_WORD] = "word", [T_IONUM] = "fd", [T_NEWLINE] = "newline", [T_SEMI] = ";",
		[T_AMP] = "&", [T_PIPE] = "|", [T_ANDIF] = "&&", [T_ORIF] = "||", [T_LPAREN] = "(",
		[T_RPAREN] = ")", [T_LESS] = "<", [T_GREAT] = ">", [T_DGREAT] = ">>",
		[T_LESSAND] = "<&", [T_GREATAND] = ">&", [T_LESSGREAT] = "<>", [T_CLOBBER] = ">|",
		[T_EOF] = "end of file", [T_ERROR] = "error",
	};
	return names[k];
}
