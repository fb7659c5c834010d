/* qsh, QSOE's shell: the types shared by its parts and their prototypes. */
/*
 * How the parts fit:
 *   main.c      arguments, the read-parse-run loop, signals at start
 *   edit.c      the line editor for a terminal (raw mode, keys, history)
 *   lex.c       text -> tokens; a word keeps its quotes (expansion removes them)
 *   parse.c     tokens -> a tree of struct node (recursive descent, POSIX grammar subset)
 *   expand.c    a word -> fields: $parameters, field splitting, quote removal, ~
 *   glob.c      pathname expansion of a field (*, ?, [..]) with opendir/readdir
 *   vars.c      shell variables, the environment, positional and special parameters
 *   exec.c      running a tree: pipelines through posix_spawn, redirections, jobs
 *   builtins.c  cd, pwd, echo, exit, export, set, unset, wait, read, ...
 *   test.c      test and [
 * lex, parse, expand and vars make no system calls: tests/unit/test_qsh.c runs them on
 * the host. Text is parsed only when complete: main.c keeps reading lines while the
 * parser answers P_INCOMPLETE (an open `if`, quote, `&&` at the end, ...).
 */
#ifndef QSH_H
#define QSH_H

#include <stddef.h>
#include <sys/types.h>

/* --- Tokens (lex.c) ---------------------------------------------------------------------- */
enum tok {
	T_WORD, T_IONUM,		/* a word; digits right before < or > */
	T_NEWLINE, T_SEMI, T_AMP, T_PIPE, T_ANDIF, T_ORIF, T_LPAREN, T_RPAREN,
	T_LESS, T_GREAT, T_DGREAT, T_LESSAND, T_GREATAND, T_LESSGREAT, T_CLOBBER,
	T_EOF, T_ERROR,			/* T_ERROR: lx_err says why; lx_incomplete if more text may fix it */
};

struct token {
	enum tok	t_kind;
	char		*t_text;	/* T_WORD: the raw word (malloc'd, owned by the parser) */
	int		t_num;		/* T_IONUM: the fd */
	size_t		t_pos;		/* offset of the token in the text */
	size_t		t_end;		/* offset just past it */
};

struct lexer {
	const char	*lx_s;		/* the whole text, NUL-terminated */
	size_t		lx_pos;
	const char	*lx_err;	/* after T_ERROR */
	int		lx_incomplete;	/* the error is the text ending too soon */
};

void lex_init(struct lexer *lx, const char *text);
void lex_next(struct lexer *lx, struct token *t);
const char *tok_name(enum tok k);
size_t lex_match(const char *s, char close);

/* --- The tree (parse.c) ------------------------------------------------------------------ */
enum nkind {
	N_SIMPLE,	/* n_words (argv), n_assigns (NAME=value) */
	N_PIPE,		/* n_kid[0..n_nkid-1] connected left to right */
	N_NOT,		/* ! pipeline: n_kid[0] */
	N_AND, N_OR,	/* n_kid[0] && n_kid[1], || */
	N_LIST,		/* n_kid[] in order; a kid with n_async runs in the background */
	N_IF,		/* if n_kid[0] then n_kid[1] else n_kid[2] (NULL, or an N_IF for elif) */
	N_WHILE, N_UNTIL, /* n_kid[0] the condition, n_kid[1] the body */
	N_FOR,		/* for n_name in n_words (all of "$@" if !n_hasin); n_kid[0] the body */
	N_GROUP,	/* { n_kid[0]; } */
	N_SUBSHELL,	/* ( n_kid[0] ): run by a child qsh given n_text */
};

enum rop { R_IN, R_OUT, R_APPEND, R_INOUT, R_DUPIN, R_DUPOUT, R_CLOBBER };

struct redir {
	int		r_fd;		/* the fd redirected */
	enum rop	r_op;
	char		*r_word;	/* raw word: a file, or an fd (or "-") for R_DUP* */
	struct redir	*r_next;	/* in the order written */
};

struct node {
	enum nkind	n_kind;
	struct node	**n_kid;
	int		n_nkid;
	char		**n_words;	/* raw words: N_SIMPLE argv, N_FOR list */
	int		n_nwords;
	char		**n_assigns;	/* N_SIMPLE: raw NAME=value words */
	int		n_nassigns;
	char		*n_name;	/* N_FOR */
	int		n_hasin;	/* N_FOR: an `in` list was written */
	int		n_async;	/* an item of N_LIST ended by & */
	char		*n_text;	/* async items and subshells: their source text */
	struct redir	*n_redirs;	/* simple and compound commands */
};

enum { P_OK, P_EMPTY, P_INCOMPLETE, P_ERROR };

/* Parses all of text. P_OK: *out is the tree (free_node it); P_EMPTY: nothing but blanks
 * and comments; P_INCOMPLETE: the text ends inside a command; P_ERROR: err holds the
 * message (without "qsh: "), *linep the line (1-based) where it is. */
int parse(const char *text, struct node **out, char *err, size_t errsz, int *linep);
void free_node(struct node *n);
int is_name(const char *s, size_t n);

/* --- Variables and parameters (vars.c) --------------------------------------------------- */
struct var {
	char		*v_name;
	char		*v_value;
	int		v_export;
	struct var	*v_next;
};

/* What a running shell knows; one instance, passed around so the host tests can make more. */
struct shell {
	struct var	*sh_vars;
	char		*sh_arg0;	/* $0 */
	char		**sh_argv;	/* $1.. (malloc'd copies) */
	int		sh_argc;
	int		sh_status;	/* $? */
	pid_t		sh_pid;		/* $$ */
	pid_t		sh_lastbg;	/* $! (0: none yet) */
	int		sh_interactive;	/* reading commands from a terminal: prompts, jobs */
	int		sh_tty;		/* the terminal's fd for tcsetpgrp (-1: no job control) */
	pid_t		sh_pgid;	/* the shell's own process group */
	int		sh_exit;	/* `exit` ran: leave with sh_status */
	int		sh_breaks;	/* loops left to break out of (break N) */
	int		sh_continue;	/* continue: the innermost loop broken for a next round */
	int		sh_loops;	/* loops we are in now */
	int		sh_cond;	/* running an if/while condition or a && || ! operand */
	int		sh_substatus;	/* status of the last $(..) (-1: none in this command) */
	volatile int	sh_intr;	/* ^C: stop what runs, back to the prompt (2: the shell
					 * caught the SIGINT itself, 1: a job died of it) */
	int		sh_xtrace;	/* set -x */
	int		sh_errexit;	/* set -e */
	int		sh_noglob;	/* set -f */
	int		sh_nounset;	/* set -u */
	char		*sh_self;	/* the path to run a child qsh with */
	/* $(cmd): runs cmd, returns its output (malloc'd) or NULL (exec.c; tests fake it). */
	char		*(*sh_subst)(struct shell *sh, const char *cmd);
};

void vars_init(struct shell *sh, char **environ);
void vars_free(struct shell *sh);
const char *var_get(struct shell *sh, const char *name);
int var_set(struct shell *sh, const char *name, const char *value);	/* -1: bad name */
void var_export(struct shell *sh, const char *name);
int var_unset(struct shell *sh, const char *name);
char **var_environ(struct shell *sh, char **extra, int nextra);	/* free with free_strv */
void set_args(struct shell *sh, char **argv, int argc);
void free_strv(char **v);

/* --- Expansion (expand.c, glob.c) -------------------------------------------------------- */
struct strv {
	char	**sv_v;		/* NULL-terminated */
	int	sv_n, sv_cap;
};

void strv_add(struct strv *v, char *s);	/* takes s */
void strv_free(struct strv *v);

/* Expands raw words into fields (split, globbed unless set -f). 0, or -1 with err set. */
int expand_words(struct shell *sh, char **raw, int n, struct strv *out, char *err, size_t errsz);
/* One word to one string: no field splitting, no globbing (assignments, redirections). */
char *expand_one(struct shell *sh, const char *raw, char *err, size_t errsz);

/* Adds to out the paths matching pattern (quoted[i] nonzero: pattern[i] is literal), sorted;
 * returns how many (0: none matched, out unchanged). */
int glob_add(const char *pattern, const char *quoted, struct strv *out);
int glob_match(const char *pat, const char *quoted, const char *s);
int glob_magic(const char *pat, const char *quoted);

/* --- Running (exec.c, builtins.c, edit.c) ------------------------------------------------ */
int run_tree(struct shell *sh, struct node *n);
void jobs_report(struct shell *sh);
int jobs_wait(struct shell *sh, pid_t pid);
void exec_init(struct shell *sh);
char *exec_subst(struct shell *sh, const char *cmd);

typedef int (*builtin_fn)(struct shell *sh, int argc, char **argv);
builtin_fn builtin_find(const char *name);
int builtin_test(struct shell *sh, int argc, char **argv);	/* test.c: test and [ */
void out_bytes(int fd, const char *s, size_t n);	/* all of it, EINTR retried */
void out_str(int fd, const char *s);
void sh_error(const char *fmt, ...);

int run_text(struct shell *sh, const char *text);	/* main.c: for `.` and eval */

struct editor;
struct editor *edit_open(int fd);
/* A line into buf (no newline): its length; -1 at end of input; -2 when ^C dropped it. */
int edit_line(struct editor *e, const char *prompt, char *buf, size_t size);
void edit_add_history(struct editor *e, const char *line);

#endif
