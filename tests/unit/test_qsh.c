/* Host tests for qsh's lexer, parser, expansion, globbing and variables (cmd/qsh). */
/* SOURCES: cmd/qsh/lex.c cmd/qsh/parse.c cmd/qsh/expand.c cmd/qsh/vars.c cmd/qsh/glob.c */
#include "test.h"
#include <stdarg.h>
#include <unistd.h>
#include <sys/stat.h>
#include "../../cmd/qsh/qsh.h"

/* --- Helpers --------------------------------------------------------------------------------- */
/* All tokens of text, one per space: words as W(raw), fds as N(fd), operators by name. */
static const char *lexall(const char *text)
{
	static char out[1024];
	struct lexer lx;
	struct token t;
	size_t n = 0;
	lex_init(&lx, text);
	out[0] = 0;
	do {
		lex_next(&lx, &t);
		if (t.t_kind == T_WORD)
			n += snprintf(out + n, sizeof out - n, "%sW(%s)", n ? " " : "", t.t_text);
		else if (t.t_kind == T_IONUM)
			n += snprintf(out + n, sizeof out - n, "%sN(%d)", n ? " " : "", t.t_num);
		else if (t.t_kind == T_ERROR)
			n += snprintf(out + n, sizeof out - n, "%sERR(%s%s)", n ? " " : "",
				      lx.lx_err, lx.lx_incomplete ? ",more" : "");
		else if (t.t_kind != T_EOF)
			n += snprintf(out + n, sizeof out - n, "%s%s", n ? " " : "", tok_name(t.t_kind));
		free(t.t_text);
	} while (t.t_kind != T_EOF && t.t_kind != T_ERROR);
	return out;
}

static void dump(struct node *n, char *out, size_t size);

static void dumps(char **v, int n, char *out, size_t size)
{
	for (int i = 0; i < n; i++) {
		size_t l = strlen(out);
		snprintf(out + l, size - l, "%s%s", i ? " " : "", v[i]);
	}
}

static void cat(char *out, size_t size, const char *fmt, ...)
{
	size_t l = strlen(out);
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(out + l, size - l, fmt, ap);
	va_end(ap);
}

/* The tree as an S-expression: (cmd a b >f), (pipe ..), (and ..), (if c t e), ... */
static void dump(struct node *n, char *out, size_t size)
{
	static const char *names[] = {
		[N_SIMPLE] = "cmd", [N_PIPE] = "pipe", [N_NOT] = "not", [N_AND] = "and",
		[N_OR] = "or", [N_LIST] = "list", [N_IF] = "if", [N_WHILE] = "while",
		[N_UNTIL] = "until", [N_FOR] = "for", [N_GROUP] = "group", [N_SUBSHELL] = "sub",
	};
	static const char *rops[] = { "<", ">", ">>", "<>", "<&", ">&", ">|" };
	if (n == NULL) {
		cat(out, size, "-");
		return;
	}
	cat(out, size, "(%s", names[n->n_kind]);
	if (n->n_kind == N_FOR)
		cat(out, size, " %s%s", n->n_name, n->n_hasin ? " in" : "");
	if (n->n_nassigns) {
		cat(out, size, " ");
		dumps(n->n_assigns, n->n_nassigns, out, size);
	}
	if (n->n_nwords) {
		cat(out, size, " ");
		dumps(n->n_words, n->n_nwords, out, size);
	}
	for (int i = 0; i < n->n_nkid; i++) {
		cat(out, size, " ");
		dump(n->n_kid[i], out, size);
	}
	for (struct redir *r = n->n_redirs; r; r = r->r_next)
		cat(out, size, " %d%s%s", r->r_fd, rops[r->r_op], r->r_word);
	if (n->n_async)
		cat(out, size, " &[%s]", n->n_text);
	cat(out, size, ")");
}

static char perr[256];
static int pline;

/* Parses text: the tree's dump, or "INCOMPLETE", "EMPTY", or "ERROR: message". */
static const char *tree(const char *text)
{
	static char out[2048];
	struct node *n;
	out[0] = 0;
	switch (parse(text, &n, perr, sizeof perr, &pline)) {
	case P_OK:
		dump(n, out, sizeof out);
		free_node(n);
		break;
	case P_EMPTY:
		return "EMPTY";
	case P_INCOMPLETE:
		return "INCOMPLETE";
	default:
		snprintf(out, sizeof out, "ERROR: %s", perr);
	}
	return out;
}

static struct shell sh;

static char *fake_subst(struct shell *s, const char *cmd)
{
	char *r = malloc(strlen(cmd) + 8);
	sprintf(r, "[%s]\n\n", cmd);
	return r;
}

static void shell_init(void)
{
	static char *env[] = { "HOME=/home/u", "PATH=/bin", "bad-name=x", NULL };
	vars_free(&sh);
	memset(&sh, 0, sizeof sh);
	vars_init(&sh, env);
	sh.sh_pid = 42;
	sh.sh_status = 3;
	sh.sh_subst = fake_subst;
	sh.sh_noglob = 1;
	char *args[] = { "one", "two words", "" };
	set_args(&sh, args, 3);
	sh.sh_arg0 = strdup("script");
	var_set(&sh, "x", "abc");
	var_set(&sh, "sp", "  a  b ");
	var_set(&sh, "empty", "");
}

static char experr[256];

/* The fields of raw words (a NULL-terminated list) joined by '|'; "ERROR: .." if the
 * expansion failed. F("a", "$x") is fieldsv of those words. */
static const char *fieldsv(const char **raw)
{
	static char out[1024];
	int n = 0;
	while (raw[n])
		n++;
	struct strv v = { 0 };
	out[0] = 0;
	if (expand_words(&sh, (char **)raw, n, &v, experr, sizeof experr) < 0)
		snprintf(out, sizeof out, "ERROR: %s", experr);
	else
		for (int i = 0; i < v.sv_n; i++)
			cat(out, sizeof out, "%s%s", i ? "|" : "", v.sv_v[i]);
	strv_free(&v);
	return out;
}
#define F(...) fieldsv((const char *[]){ __VA_ARGS__, NULL })

static const char *one(const char *raw)
{
	static char out[256];
	char *s = expand_one(&sh, raw, experr, sizeof experr);
	snprintf(out, sizeof out, "%s", s ? s : "NULL");
	free(s);
	return out;
}

#define CHECK_STR(a, b) do { \
	const char *_a = (a), *_b = (b); \
	if (strcmp(_a, _b) != 0 && !host_test_failed) { \
		static char where[1400]; \
		snprintf(where, sizeof where, "%s:%d: got \"%s\", expected \"%s\"", \
			 __FILE__, __LINE__, _a, _b); \
		host_test_failed = 1; \
		host_test_where = where; \
	} \
} while (0)

/* --- The lexer ------------------------------------------------------------------------------- */
TEST(lex_words_and_operators)
{
	CHECK_STR(lexall("echo a  b;c"), "W(echo) W(a) W(b) ; W(c)");
	CHECK_STR(lexall("a&&b||c|d&"), "W(a) && W(b) || W(c) | W(d) &");
	CHECK_STR(lexall("x >f 2>&1 <in >>log"), "W(x) > W(f) N(2) >& W(1) < W(in) >> W(log)");
	CHECK_STR(lexall("a12>f"), "W(a12) > W(f)");
	CHECK_STR(lexall("(a)\n"), "( W(a) ) newline");
}

TEST(lex_quotes_stay_in_words)
{
	CHECK_STR(lexall("echo 'a b' \"c $x d\" e\\ f"), "W(echo) W('a b') W(\"c $x d\") W(e\\ f)");
	CHECK_STR(lexall("a'b;c'd"), "W(a'b;c'd)");
	CHECK_STR(lexall("${x:-a b} $(echo a; b)"), "W(${x:-a b}) W($(echo a; b))");
	CHECK_STR(lexall("\"a \\\" b\""), "W(\"a \\\" b\")");
}

TEST(lex_comments_and_continuations)
{
	CHECK_STR(lexall("echo a # b c\nd"), "W(echo) W(a) newline W(d)");
	CHECK_STR(lexall("echo a#b"), "W(echo) W(a#b)");
	CHECK_STR(lexall("ec\\\nho x"), "W(echo) W(x)");
	CHECK_STR(lexall("'a\\\nb'"), "W('a\\\nb')");
}

TEST(lex_errors)
{
	CHECK_STR(lexall("echo 'abc"), "W(echo) ERR(unterminated quote,more)");
	CHECK_STR(lexall("echo \"abc"), "W(echo) ERR(unterminated quote,more)");
	CHECK_STR(lexall("echo ${abc"), "W(echo) ERR(missing closing bracket,more)");
	CHECK_STR(lexall("cat <<EOF"), "W(cat) ERR(here-documents (<<) are not supported)");
}

/* --- The parser ------------------------------------------------------------------------------ */
TEST(parse_simple_commands)
{
	CHECK_STR(tree("echo a b"), "(list (cmd echo a b))");
	CHECK_STR(tree("x=1 y=2 env z=3"), "(list (cmd x=1 y=2 env z=3))");
	CHECK_STR(tree("x=1"), "(list (cmd x=1))");
	CHECK_STR(tree("cmd >out 2>&1 <in"), "(list (cmd cmd 1>out 2>&1 0<in))");
	CHECK_STR(tree(">f"), "(list (cmd 1>f))");
	CHECK_STR(tree("a 3<>f 4<&- >|g"), "(list (cmd a 3<>f 4<&- 1>|g))");
	CHECK_STR(tree("  # only a comment\n\n"), "EMPTY");
}

TEST(parse_lists_and_pipelines)
{
	CHECK_STR(tree("a | b | c"), "(list (pipe (cmd a) (cmd b) (cmd c)))");
	CHECK_STR(tree("a && b || c"), "(list (or (and (cmd a) (cmd b)) (cmd c)))");
	CHECK_STR(tree("! a | b"), "(list (not (pipe (cmd a) (cmd b))))");
	CHECK_STR(tree("a; b & c\nd"),
		  "(list (cmd a) (cmd b &[b]) (cmd c) (cmd d))");
	CHECK_STR(tree("sleep 1 | cat &"), "(list (pipe (cmd sleep 1) (cmd cat) &[sleep 1 | cat]))");
	CHECK_STR(tree("a &&\n b |\n c"), "(list (and (cmd a) (pipe (cmd b) (cmd c))))");
}

TEST(parse_compound_commands)
{
	CHECK_STR(tree("if a; then b; elif c; then d; else e; fi"),
		  "(list (if (list (cmd a)) (list (cmd b)) (if (list (cmd c)) (list (cmd d)) (list (cmd e)))))");
	CHECK_STR(tree("if a\nthen\n b\nfi >o"), "(list (if (list (cmd a)) (list (cmd b)) - 1>o))");
	CHECK_STR(tree("while a; do b; done"), "(list (while (list (cmd a)) (list (cmd b))))");
	CHECK_STR(tree("until a; do b; done"), "(list (until (list (cmd a)) (list (cmd b))))");
	CHECK_STR(tree("for i in 1 \"2 3\"; do echo $i; done"),
		  "(list (for i in 1 \"2 3\" (list (cmd echo $i))))");
	CHECK_STR(tree("for i\ndo echo; done"), "(list (for i (list (cmd echo))))");
	CHECK_STR(tree("{ a; b; } 2>e"), "(list (group (list (cmd a) (cmd b)) 2>e))");
	CHECK_STR(tree("(cd /; ls) | wc"), "(list (pipe (sub (list (cmd cd /) (cmd ls))) (cmd wc)))");
	CHECK_STR(tree("echo if then fi }"), "(list (cmd echo if then fi }))");
}

TEST(parse_nested)
{
	CHECK_STR(tree("while a; do for x in y; do if b; then break; fi; done; done"),
		  "(list (while (list (cmd a)) (list (for x in y (list (if (list (cmd b)) "
		  "(list (cmd break)) -))))))");
}

TEST(parse_incomplete_input)
{
	CHECK_STR(tree("if true"), "INCOMPLETE");
	CHECK_STR(tree("if true\nthen echo a\n"), "INCOMPLETE");
	CHECK_STR(tree("while a; do"), "INCOMPLETE");
	CHECK_STR(tree("a &&"), "INCOMPLETE");
	CHECK_STR(tree("a |\n"), "INCOMPLETE");
	CHECK_STR(tree("echo 'open\n"), "INCOMPLETE");
	CHECK_STR(tree("echo a\\"), "INCOMPLETE");
	CHECK_STR(tree("{ a"), "INCOMPLETE");
}

TEST(parse_syntax_errors)
{
	CHECK_STR(tree("if then fi"), "ERROR: syntax error near 'then'");
	CHECK_STR(tree("fi"), "ERROR: syntax error near 'fi'");
	CHECK_STR(tree("echo a ;; b"), "ERROR: syntax error near ';'");
	CHECK_STR(tree("| a"), "ERROR: syntax error near '|'");
	CHECK_STR(tree("echo >\n"), "ERROR: syntax error near 'newline'");
	CHECK_STR(tree("for 1x in a; do b; done"), "ERROR: syntax error near '1x'");
	CHECK_STR(tree("if a; then fi"), "ERROR: syntax error near 'fi'");
	CHECK_STR(tree("echo a )"), "ERROR: syntax error near ')'");
	CHECK_STR(tree("a\nb\nwhile do"), "ERROR: syntax error near 'do'");
	CHECK_EQ(pline, 3);
}

/* --- Variables ------------------------------------------------------------------------------- */
TEST(vars_environment)
{
	shell_init();
	CHECK_STR(var_get(&sh, "HOME"), "/home/u");
	CHECK(var_get(&sh, "bad-name") == NULL);
	CHECK(var_set(&sh, "1x", "v") < 0);
	var_set(&sh, "EXP", "e");
	char **env = var_environ(&sh, NULL, 0);
	int n = 0, exp = 0;
	for (char **e = env; *e; e++, n++)
		exp |= strcmp(*e, "EXP=e") == 0;
	CHECK_EQ(n, 2);		/* HOME and PATH: x, sp, empty, EXP are not exported */
	CHECK(!exp);
	free_strv(env);
	var_export(&sh, "EXP");
	char *extra[] = { "PATH=/x" };
	env = var_environ(&sh, extra, 1);
	n = 0;
	int path = 0;
	for (char **e = env; *e; e++, n++)
		path += strncmp(*e, "PATH=", 5) == 0 && strcmp(*e, "PATH=/x") == 0;
	CHECK_EQ(n, 3);
	CHECK_EQ(path, 1);
	free_strv(env);
	var_unset(&sh, "EXP");
	CHECK(var_get(&sh, "EXP") == NULL);
}

/* --- Expansion ------------------------------------------------------------------------------- */
TEST(expand_parameters)
{
	shell_init();
	CHECK_STR(F("echo", "$x", "${x}y", "\"$x\""), "echo|abc|abcy|abc");
	CHECK_STR(F("$?", "$$", "$#", "$0", "$1"), "3|42|3|script|one");
	CHECK_STR(F("$nosuch"), "");
	CHECK_STR(F("a$nosuch\"\""), "a");
	CHECK_STR(F("$10", "${10}"), "one0");
	CHECK_STR(F("$", "a$", "$-"), "$|a$|f");	/* set -f: noglob */
}

TEST(expand_quoting)
{
	shell_init();
	CHECK_STR(F("'$x'", "\"'$x'\"", "\\$x"), "$x|'abc'|$x");
	CHECK_STR(F("\"\"", "''"), "|");
	CHECK_STR(F("\"a\\\"b\\\\c\\d\""), "a\"b\\c\\d");
	CHECK_STR(F("a\\ b", "\\$x\\\\"), "a b|$x\\");
	CHECK_STR(one("'single' \"dq $x\""), "single dq abc");
}

TEST(expand_field_splitting)
{
	shell_init();
	CHECK_STR(F("$sp"), "a|b");
	CHECK_STR(F("\"$sp\""), "  a  b ");
	CHECK_STR(F("x${sp}y"), "x|a|b|y");
	CHECK_STR(F("$empty", "\"$empty\""), "");
	var_set(&sh, "IFS", ":");
	var_set(&sh, "p", "a:b::c");
	CHECK_STR(F("$p"), "a|b||c");
	var_unset(&sh, "IFS");
	CHECK_STR(one("$sp"), "  a  b ");
}

TEST(expand_positional_lists)
{
	shell_init();
	CHECK_STR(F("\"$@\""), "one|two words|");
	CHECK_STR(F("$@"), "one|two|words");
	CHECK_STR(F("\"$*\""), "one two words ");
	CHECK_STR(F("\"x$@y\""), "xone|two words|y");
	set_args(&sh, NULL, 0);
	CHECK_STR(F("\"$@\"", "a"), "a");
	CHECK_STR(F("\"$*\""), "");
}

TEST(expand_brace_forms)
{
	shell_init();
	CHECK_STR(F("${nosuch:-d e}", "${empty:-d}", "${empty-d}", "${x:-d}"), "d|e|d|abc");
	CHECK_STR(F("\"${nosuch:-d e}\""), "d e");
	CHECK_STR(F("${x:+alt}", "${nosuch:+alt}"), "alt");
	CHECK_STR(F("${new:=set}", "$new"), "set|set");
	CHECK_STR(F("${#x}", "${#nosuch}", "${#}"), "3|0|3");
	CHECK_STR(F("${nosuch:?is missing}"), "ERROR: nosuch: is missing");
	CHECK_STR(F("${x!}"), "ERROR: ${x!}: bad substitution");
	CHECK_STR(F("${1:-$x}"), "one");
}

TEST(expand_tilde_subst_nounset)
{
	shell_init();
	CHECK_STR(F("~", "~/d", "a~", "'~'"), "/home/u|/home/u/d|a~|~");
	CHECK_STR(F("$(echo a)", "\"`b c`\""), "[echo|a]|[b c]");
	CHECK_STR(F("$((1+2))"), "ERROR: arithmetic $((..)) is not supported");
	sh.sh_nounset = 1;
	CHECK_STR(F("$nosuch"), "ERROR: nosuch: parameter not set");
	CHECK_STR(F("${nosuch-ok}"), "ok");
}

/* --- Globbing -------------------------------------------------------------------------------- */
TEST(glob_matching)
{
	static const char none[64];
	CHECK(glob_match("*.c", none, "main.c"));
	CHECK(!glob_match("*.c", none, "main.h"));
	CHECK(glob_match("a?c", none, "abc"));
	CHECK(glob_match("[a-c]x[!0-9]", none, "bxq"));
	CHECK(!glob_match("[a-c]x[!0-9]", none, "bx5"));
	CHECK(glob_match("*a*b*", none, "xxaxxbxx"));
	CHECK(glob_match("[]]", none, "]"));
	CHECK(!glob_match("a*", "\0\1", "ab"));		/* a quoted '*' is a '*' */
	CHECK(glob_match("a*", "\0\1", "a*"));
	CHECK(glob_magic("x[ab]", none));
	CHECK(!glob_magic("x[ab", none));
}

TEST(glob_directories)
{
	char dir[] = "/tmp/qshglobXXXXXX";
	CHECK(mkdtemp(dir) != NULL);
	const char *files[] = { "b.c", "a.c", "c.h", ".hidden.c" };
	char path[256];
	for (int i = 0; i < 4; i++) {
		snprintf(path, sizeof path, "%s/%s", dir, files[i]);
		fclose(fopen(path, "w"));
	}
	snprintf(path, sizeof path, "%s/sub", dir);
	mkdir(path, 0755);
	snprintf(path, sizeof path, "%s/sub/z.c", dir);
	fclose(fopen(path, "w"));

	shell_init();
	sh.sh_noglob = 0;
	char pat[300];
	snprintf(pat, sizeof pat, "%s/*.c", dir);
	char expect[600];
	snprintf(expect, sizeof expect, "%s/a.c|%s/b.c", dir, dir);
	CHECK_STR(F(pat), expect);
	snprintf(pat, sizeof pat, "%s/*/*.c", dir);
	snprintf(expect, sizeof expect, "%s/sub/z.c", dir);
	CHECK_STR(F(pat), expect);
	snprintf(pat, sizeof pat, "%s/.*.c", dir);
	snprintf(expect, sizeof expect, "%s/.hidden.c", dir);
	CHECK_STR(F(pat), expect);
	snprintf(pat, sizeof pat, "%s/*.none", dir);
	CHECK_STR(F(pat), pat);			/* no match: the word stays */
	snprintf(pat, sizeof pat, "\"%s/*.c\"", dir);
	snprintf(expect, sizeof expect, "%s/*.c", dir);
	CHECK_STR(F(pat), expect);			/* quoted: no globbing */
	snprintf(pat, sizeof pat, "%s/s*/", dir);
	snprintf(expect, sizeof expect, "%s/sub/", dir);
	CHECK_STR(F(pat), expect);

	snprintf(path, sizeof path, "rm -rf %s", dir);
	char out[64];
	CHECK_EQ(host_run(path, out, sizeof out), 0);
	vars_free(&sh);
}
