/* qsh's parser: tokens to a tree of struct node, by recursive descent. */
/*
 * The grammar (a subset of POSIX's; reserved words count only where a command starts):
 *   list      := and_or ((';' | '&' | NEWLINE) and_or)* [';' | '&']
 *   and_or    := pipeline (('&&' | '||') NEWLINE* pipeline)*
 *   pipeline  := ['!'] command ('|' NEWLINE* command)*
 *   command   := simple | compound redir*
 *   simple    := (NAME=value | redir)* (word | redir)*     -- at least one of them
 *   compound  := if list then list (elif list then list)* [else list] fi
 *              | while list do list done | until list do list done
 *              | for NAME [NEWLINE* in word* (';' | NEWLINE)] NEWLINE* do list done
 *              | '{' list '}' | '(' list ')'
 *   redir     := [fd] ('<' | '>' | '>>' | '<&' | '>&' | '<>' | '>|') word
 * Lists inside compound commands end at their closing word. Running out of tokens where
 * the grammar needs more is P_INCOMPLETE (main.c then reads another line), not an error.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "qsh.h"

struct parser {
	struct lexer	p_lx;
	struct token	p_tok;		/* the lookahead */
	size_t		p_prev_end;	/* end of the token before it */
	int		p_state;	/* P_OK until an error or P_INCOMPLETE */
	char		*p_err;
	size_t		p_errsz;
	int		p_line;
};

static void advance(struct parser *p)
{
	p->p_prev_end = p->p_tok.t_end;
	free(p->p_tok.t_text);
	lex_next(&p->p_lx, &p->p_tok);
	if (p->p_tok.t_kind == T_ERROR && p->p_state == P_OK) {
		p->p_state = p->p_lx.lx_incomplete ? P_INCOMPLETE : P_ERROR;
		snprintf(p->p_err, p->p_errsz, "syntax error: %s", p->p_lx.lx_err);
	}
}

/* Takes the lookahead word's text, leaving the lookahead without one. */
static char *take(struct parser *p)
{
	char *s = p->p_tok.t_text;
	p->p_tok.t_text = NULL;
	advance(p);
	return s;
}

static int line_of(const char *s, size_t pos)
{
	int line = 1;
	for (size_t i = 0; i < pos && s[i]; i++)
		line += s[i] == '\n';
	return line;
}

/* A syntax error at the lookahead (or P_INCOMPLETE if it is the end of the text). */
static void *error(struct parser *p)
{
	if (p->p_state != P_OK)
		return NULL;
	if (p->p_tok.t_kind == T_EOF) {
		p->p_state = P_INCOMPLETE;
		snprintf(p->p_err, p->p_errsz, "syntax error: unexpected end of file");
	} else {
		p->p_state = P_ERROR;
		snprintf(p->p_err, p->p_errsz, "syntax error near '%s'",
			 p->p_tok.t_kind == T_WORD ? p->p_tok.t_text : tok_name(p->p_tok.t_kind));
	}
	p->p_line = line_of(p->p_lx.lx_s, p->p_tok.t_pos);
	return NULL;
}

static int is_word(struct parser *p, const char *w)
{
	return p->p_tok.t_kind == T_WORD && strcmp(p->p_tok.t_text, w) == 0;
}

/* Words that end a list inside a compound command. */
static int at_closer(struct parser *p)
{
	static const char *closers[] = { "then", "elif", "else", "fi", "do", "done", "}" };
	if (p->p_tok.t_kind == T_RPAREN)
		return 1;
	for (size_t i = 0; i < sizeof closers / sizeof closers[0]; i++)
		if (is_word(p, closers[i]))
			return 1;
	return 0;
}

static int expect(struct parser *p, const char *w)
{
	if (p->p_state == P_OK && is_word(p, w)) {
		advance(p);
		return 0;
	}
	error(p);
	return -1;
}

static void skip_newlines(struct parser *p)
{
	while (p->p_tok.t_kind == T_NEWLINE)
		advance(p);
}

/* --- Building nodes ------------------------------------------------------------------------ */
static void *xrealloc(void *a, size_t n)
{
	a = realloc(a, n);
	if (a == NULL)
		abort();
	return a;
}

static struct node *new_node(enum nkind k)
{
	struct node *n = calloc(1, sizeof *n);
	if (n == NULL)
		abort();
	n->n_kind = k;
	return n;
}

static void add_kid(struct node *n, struct node *kid)
{
	n->n_kid = xrealloc(n->n_kid, (size_t)(n->n_nkid + 1) * sizeof *n->n_kid);
	n->n_kid[n->n_nkid++] = kid;
}

static void add_str(char ***v, int *n, char *s)
{
	*v = xrealloc(*v, (size_t)(*n + 2) * sizeof **v);
	(*v)[(*n)++] = s;
	(*v)[*n] = NULL;
}

static void free_strs(char **v, int n)
{
	for (int i = 0; i < n; i++)
		free(v[i]);
	free(v);
}

void free_node(struct node *n)
{
	if (n == NULL)
		return;
	for (int i = 0; i < n->n_nkid; i++)
		free_node(n->n_kid[i]);
	free(n->n_kid);
	free_strs(n->n_words, n->n_nwords);
	free_strs(n->n_assigns, n->n_nassigns);
	free(n->n_name);
	free(n->n_text);
	while (n->n_redirs) {
		struct redir *r = n->n_redirs;
		n->n_redirs = r->r_next;
		free(r->r_word);
		free(r);
	}
	free(n);
}

/* Frees n and returns NULL: for the error paths. */
static struct node *drop(struct node *n)
{
	free_node(n);
	return NULL;
}

static int alpha(char c)
{
	return c == '_' || ((c | 32) >= 'a' && (c | 32) <= 'z');
}

/* Is s[0..n) a NAME: a letter or _, then letters, digits and _? */
int is_name(const char *s, size_t n)
{
	if (n == 0 || !alpha(s[0]))
		return 0;
	for (size_t i = 1; i < n; i++)
		if (!alpha(s[i]) && !(s[i] >= '0' && s[i] <= '9'))
			return 0;
	return 1;
}

static char *slice(const char *s, size_t from, size_t to)
{
	char *t = malloc(to - from + 1);
	if (t == NULL)
		abort();
	memcpy(t, s + from, to - from);
	t[to - from] = 0;
	return t;
}

/* --- The grammar --------------------------------------------------------------------------- */
static struct node *parse_list(struct parser *p, int top);
static struct node *parse_andor(struct parser *p);

static int is_redir_op(enum tok k)
{
	return k == T_LESS || k == T_GREAT || k == T_DGREAT || k == T_LESSAND || k == T_GREATAND ||
	       k == T_LESSGREAT || k == T_CLOBBER;
}

/* [fd] op word, appended to n's redirections. */
static int parse_redir(struct parser *p, struct node *n)
{
	int fd = -1;
	if (p->p_tok.t_kind == T_IONUM) {
		fd = p->p_tok.t_num;
		advance(p);
	}
	static const enum rop rops[] = {
		[T_LESS] = R_IN, [T_GREAT] = R_OUT, [T_DGREAT] = R_APPEND, [T_LESSAND] = R_DUPIN,
		[T_GREATAND] = R_DUPOUT, [T_LESSGREAT] = R_INOUT, [T_CLOBBER] = R_CLOBBER,
	};
	enum tok k = p->p_tok.t_kind;
	if (!is_redir_op(k)) {
		error(p);
		return -1;
	}
	advance(p);
	if (p->p_tok.t_kind != T_WORD) {
		error(p);
		return -1;
	}
	struct redir *r = calloc(1, sizeof *r);
	if (r == NULL)
		abort();
	r->r_op = rops[k];
	r->r_fd = fd >= 0 ? fd : (k == T_LESS || k == T_LESSAND || k == T_LESSGREAT) ? 0 : 1;
	r->r_word = take(p);
	struct redir **pp = &n->n_redirs;
	while (*pp)
		pp = &(*pp)->r_next;
	*pp = r;
	return 0;
}

static int is_assignment(const char *w)
{
	const char *eq = strchr(w, '=');
	return eq && is_name(w, (size_t)(eq - w));
}

static int is_reserved(const char *w)
{
	static const char *words[] = { "if", "then", "elif", "else", "fi", "while", "until",
				       "do", "done", "for", "in", "{", "}", "!" };
	for (size_t i = 0; i < sizeof words / sizeof words[0]; i++)
		if (strcmp(w, words[i]) == 0)
			return 1;
	return 0;
}

static struct node *parse_simple(struct parser *p)
{
	struct node *n = new_node(N_SIMPLE);
	for (;;) {
		enum tok k = p->p_tok.t_kind;
		if (k == T_IONUM || is_redir_op(k)) {
			if (parse_redir(p, n) < 0)
				return drop(n);
		} else if (k == T_WORD) {
			if (n->n_nwords == 0 && is_assignment(p->p_tok.t_text))
				add_str(&n->n_assigns, &n->n_nassigns, take(p));
			else
				add_str(&n->n_words, &n->n_nwords, take(p));
		} else
			break;
	}
	if (p->p_state != P_OK)
		return drop(n);
	if (n->n_nwords == 0 && n->n_nassigns == 0 && n->n_redirs == NULL) {
		error(p);
		return drop(n);
	}
	return n;
}

/* A list that must not be empty, then the word that closes it. */
static struct node *body(struct parser *p, const char *closer)
{
	struct node *l = parse_list(p, 0);
	if (l == NULL)
		return NULL;
	if (expect(p, closer) < 0)
		return drop(l);
	return l;
}

static struct node *parse_if(struct parser *p)
{
	struct node *n = new_node(N_IF);
	advance(p);	/* if or elif */
	struct node *cond = body(p, "then");
	if (cond == NULL)
		return drop(n);
	add_kid(n, cond);
	struct node *then = parse_list(p, 0);
	if (then == NULL)
		return drop(n);
	add_kid(n, then);
	if (is_word(p, "elif")) {
		struct node *e = parse_if(p);	/* consumes the fi */
		if (e == NULL)
			return drop(n);
		add_kid(n, e);
		return n;
	}
	if (is_word(p, "else")) {
		advance(p);
		struct node *e = parse_list(p, 0);
		if (e == NULL)
			return drop(n);
		add_kid(n, e);
	} else
		add_kid(n, NULL);
	if (expect(p, "fi") < 0)
		return drop(n);
	return n;
}

static struct node *parse_loop(struct parser *p, enum nkind k)
{
	struct node *n = new_node(k);
	advance(p);
	struct node *cond = body(p, "do");
	if (cond == NULL)
		return drop(n);
	add_kid(n, cond);
	struct node *b = body(p, "done");
	if (b == NULL)
		return drop(n);
	add_kid(n, b);
	return n;
}

static struct node *parse_for(struct parser *p)
{
	struct node *n = new_node(N_FOR);
	advance(p);
	if (p->p_tok.t_kind != T_WORD || !is_name(p->p_tok.t_text, strlen(p->p_tok.t_text))) {
		error(p);
		return drop(n);
	}
	n->n_name = take(p);
	skip_newlines(p);
	if (is_word(p, "in")) {
		advance(p);
		n->n_hasin = 1;
		while (p->p_tok.t_kind == T_WORD)
			add_str(&n->n_words, &n->n_nwords, take(p));
		if (p->p_tok.t_kind != T_SEMI && p->p_tok.t_kind != T_NEWLINE) {
			error(p);
			return drop(n);
		}
		advance(p);
	} else if (p->p_tok.t_kind == T_SEMI)
		advance(p);
	skip_newlines(p);
	if (expect(p, "do") < 0)
		return drop(n);
	struct node *b = body(p, "done");
	if (b == NULL)
		return drop(n);
	add_kid(n, b);
	return n;
}

static struct node *parse_subshell(struct parser *p)
{
	struct node *n = new_node(N_SUBSHELL);
	size_t start = p->p_tok.t_end;
	advance(p);
	struct node *l = parse_list(p, 0);
	if (l == NULL)
		return drop(n);
	add_kid(n, l);
	if (p->p_tok.t_kind != T_RPAREN) {
		error(p);
		return drop(n);
	}
	n->n_text = slice(p->p_lx.lx_s, start, p->p_tok.t_pos);
	advance(p);
	return n;
}

static struct node *parse_command(struct parser *p)
{
	struct node *n;
	if (p->p_tok.t_kind == T_LPAREN)
		n = parse_subshell(p);
	else if (p->p_tok.t_kind != T_WORD || !is_reserved(p->p_tok.t_text))
		return parse_simple(p);
	else if (is_word(p, "if"))
		n = parse_if(p);
	else if (is_word(p, "while"))
		n = parse_loop(p, N_WHILE);
	else if (is_word(p, "until"))
		n = parse_loop(p, N_UNTIL);
	else if (is_word(p, "for"))
		n = parse_for(p);
	else if (is_word(p, "{")) {
		n = new_node(N_GROUP);
		advance(p);
		struct node *l = body(p, "}");
		if (l == NULL)
			return drop(n);
		add_kid(n, l);
	} else
		return error(p);
	if (n == NULL)
		return NULL;
	while (p->p_tok.t_kind == T_IONUM || is_redir_op(p->p_tok.t_kind))
		if (parse_redir(p, n) < 0)
			return drop(n);
	return n;
}

static struct node *parse_pipeline(struct parser *p)
{
	int bang = 0;
	if (is_word(p, "!")) {
		bang = 1;
		advance(p);
	}
	struct node *c = parse_command(p);
	if (c == NULL)
		return NULL;
	struct node *n = c;
	if (p->p_tok.t_kind == T_PIPE) {
		n = new_node(N_PIPE);
		add_kid(n, c);
		while (p->p_tok.t_kind == T_PIPE) {
			advance(p);
			skip_newlines(p);
			if ((c = parse_command(p)) == NULL)
				return drop(n);
			add_kid(n, c);
		}
	}
	if (bang) {
		struct node *no = new_node(N_NOT);
		add_kid(no, n);
		n = no;
	}
	return n;
}

static struct node *parse_andor(struct parser *p)
{
	struct node *n = parse_pipeline(p);
	while (n && (p->p_tok.t_kind == T_ANDIF || p->p_tok.t_kind == T_ORIF)) {
		struct node *op = new_node(p->p_tok.t_kind == T_ANDIF ? N_AND : N_OR);
		add_kid(op, n);
		n = op;
		advance(p);
		skip_newlines(p);
		struct node *r = parse_pipeline(p);
		if (r == NULL)
			return drop(n);
		add_kid(n, r);
	}
	return n;
}

/* A list: at the top up to the end of the text, inside a compound command up to its
 * closing word (which stays the lookahead). An empty inner list is a syntax error. */
static struct node *parse_list(struct parser *p, int top)
{
	struct node *l = new_node(N_LIST);
	for (;;) {
		skip_newlines(p);
		if (p->p_state != P_OK)
			return drop(l);
		if (p->p_tok.t_kind == T_EOF || (!top && at_closer(p)))
			break;
		size_t start = p->p_tok.t_pos;
		struct node *a = parse_andor(p);
		if (a == NULL)
			return drop(l);
		add_kid(l, a);
		enum tok k = p->p_tok.t_kind;
		if (k == T_AMP) {
			a->n_async = 1;
			a->n_text = slice(p->p_lx.lx_s, start, p->p_prev_end);
		}
		if (k == T_SEMI || k == T_AMP || k == T_NEWLINE)
			advance(p);
		else if (k != T_EOF && (top || !at_closer(p))) {
			error(p);
			return drop(l);
		}
	}
	if (l->n_nkid == 0 && !top) {
		error(p);
		return drop(l);
	}
	return l;
}

int parse(const char *text, struct node **out, char *err, size_t errsz, int *linep)
{
	struct parser p = { .p_err = err, .p_errsz = errsz };
	*out = NULL;
	*linep = 0;
	err[0] = 0;
	lex_init(&p.p_lx, text);
	lex_next(&p.p_lx, &p.p_tok);
	if (p.p_tok.t_kind == T_ERROR) {
		p.p_state = p.p_lx.lx_incomplete ? P_INCOMPLETE : P_ERROR;
		snprintf(err, errsz, "syntax error: %s", p.p_lx.lx_err);
	}
	struct node *l = p.p_state == P_OK ? parse_list(&p, 1) : NULL;
	free(p.p_tok.t_text);
	if (p.p_state != P_OK) {
		free_node(l);
		if (*linep == 0)
			*linep = p.p_line ? p.p_line : line_of(text, p.p_lx.lx_pos);
		return p.p_state;
	}
	if (l->n_nkid == 0) {
		free_node(l);
		return P_EMPTY;
	}
	*out = l;
	return P_OK;
}
