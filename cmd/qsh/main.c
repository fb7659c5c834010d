/* qsh: QSOE's shell. Arguments, signals, the terminal, and the read-parse-run loop. */
/*
 *   qsh [-efux] [-c COMMAND [NAME [ARG...]] | FILE [ARG...]]
 * With neither -c nor FILE, commands come from stdin: edited lines with a prompt when it
 * is a terminal (the shell is then interactive: job control, ^C back to the prompt,
 * syntax errors reported and survived), else plain lines. Lines are gathered until they
 * parse as complete commands (an open `if` asks for more with "> "), then run.
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>
#include "qsh.h"

extern char **environ;

#define LINE_MAX_ 1024

static struct shell shell;

struct input {
	int		in_fd;
	struct editor	*in_ed;		/* a terminal: lines come from the editor */
	int		in_bytewise;	/* stdin: read no further than the line's end */
	const char	*in_name;	/* for messages: the script's name, or NULL */
	char		in_buf[4096];
	size_t		in_n, in_pos;
};

/* The text of the command being gathered. */
struct text {
	char	*t_s;
	size_t	t_n, t_cap;
};

static void text_add(struct text *t, const char *s, size_t n)
{
	if (t->t_n + n + 1 > t->t_cap) {
		while (t->t_n + n + 1 > t->t_cap)
			t->t_cap = t->t_cap ? t->t_cap * 2 : 256;
		t->t_s = realloc(t->t_s, t->t_cap);
		if (t->t_s == NULL)
			abort();
	}
	memcpy(t->t_s + t->t_n, s, n);
	t->t_n += n;
	t->t_s[t->t_n] = 0;
}

static void on_sigint(int sig)
{
	shell.sh_intr = 2;
}

/* One byte of non-terminal input; -1 at the end. */
static int getbyte(struct input *in)
{
	if (in->in_pos == in->in_n) {
		ssize_t r;
		do
			r = read(in->in_fd, in->in_buf, in->in_bytewise ? 1 : sizeof in->in_buf);
		while (r < 0 && errno == EINTR);
		if (r <= 0)
			return -1;
		in->in_n = (size_t)r;
		in->in_pos = 0;
	}
	return (unsigned char)in->in_buf[in->in_pos++];
}

/* Appends the next line (and its newline) to t: 0; -1 at the end of input; -2 when ^C
 * dropped the line being edited. */
static int get_line(struct input *in, const char *prompt, struct text *t)
{
	if (in->in_ed) {
		char line[LINE_MAX_];
		int n = edit_line(in->in_ed, prompt, line, sizeof line);
		if (n < 0)
			return n;
		edit_add_history(in->in_ed, line);
		text_add(t, line, (size_t)n);
		text_add(t, "\n", 1);
		return 0;
	}
	int c, any = 0;
	while ((c = getbyte(in)) >= 0) {
		char ch = (char)c;
		any = 1;
		text_add(t, &ch, 1);
		if (ch == '\n')
			return 0;
	}
	if (any)
		text_add(t, "\n", 1);
	return any ? 0 : -1;
}

static void syntax_error(struct input *in, const char *err, int line)
{
	if (in && in->in_name)
		sh_error("%s: line %d: %s", in->in_name, line, err);
	else
		sh_error("%s", err);
}

/* Runs the whole of text (-c, eval, .): its status; 2 for a syntax error. */
int run_text(struct shell *sh, const char *text)
{
	struct node *tree;
	char err[256];
	int line;
	switch (parse(text, &tree, err, sizeof err, &line)) {
	case P_OK:
		run_tree(sh, tree);
		free_node(tree);
		return sh->sh_status;
	case P_EMPTY:
		return sh->sh_status = 0;
	default:
		syntax_error(NULL, err, line);
		return sh->sh_status = 2;
	}
}

static const char *prompt(struct shell *sh, int more)
{
	const char *p = var_get(sh, more ? "PS2" : "PS1");
	if (p)
		return p;
	return more ? "> " : geteuid() == 0 ? "# " : "$ ";
}

/* The loop: gather lines until they parse, run them, until the end of input or exit. */
static void run_input(struct shell *sh, struct input *in)
{
	struct text t = { 0 };
	int first_line = 1, line_no = 0;
	for (;;) {
		jobs_report(sh);
		if (t.t_n == 0)
			first_line = line_no + 1;
		int r = get_line(in, prompt(sh, t.t_n > 0), &t);
		if (r == -2) {
			t.t_n = 0;
			sh->sh_status = 130;
			continue;
		}
		if (r == -1) {
			if (t.t_n > 0) {
				syntax_error(in, "syntax error: unexpected end of file", line_no);
				sh->sh_status = 2;
			}
			break;
		}
		line_no++;
		struct node *tree;
		char err[256];
		int line;
		int pr = parse(t.t_s, &tree, err, sizeof err, &line);
		if (pr == P_INCOMPLETE)
			continue;
		t.t_n = 0;
		if (pr == P_ERROR) {
			syntax_error(in, err, first_line + line - 1);
			sh->sh_status = 2;
			if (!sh->sh_interactive)
				break;
			continue;
		}
		if (pr == P_OK) {
			sh->sh_intr = 0;
			run_tree(sh, tree);
			free_node(tree);
			if (sh->sh_intr == 2)
				out_str(2, "\n");
			if (sh->sh_intr)
				sh->sh_status = 130;
		}
		if (sh->sh_exit)
			break;
	}
	free(t.t_s);
}

/* An interactive shell: its own process group holding the terminal, ^C caught. */
static void interactive(struct shell *sh)
{
	struct sigaction sa = { 0 };
	sa.sa_handler = on_sigint;
	sigaction(SIGINT, &sa, NULL);
	signal(SIGQUIT, SIG_IGN);
	signal(SIGTSTP, SIG_IGN);
	sh->sh_interactive = 1;
	if (tcgetpgrp(0) < 0)
		return;
	if (getpgrp() != getpid())
		setpgid(0, 0);
	sh->sh_pgid = getpgrp();
	sh->sh_tty = 0;
	tcsetpgrp(0, sh->sh_pgid);
}

static void usage(void)
{
	out_str(2, "usage: qsh [-efux] [-c COMMAND [NAME [ARG...]] | FILE [ARG...]]\n");
	exit(2);
}

int main(int argc, char **argv)
{
	struct shell *sh = &shell;
	exec_init(sh);
	signal(SIGPIPE, SIG_IGN);	/* a builtin writing to a pipe nobody reads: EPIPE */
	sh->sh_pid = getpid();
	sh->sh_pgid = getpgrp();
	sh->sh_tty = -1;
	sh->sh_subst = exec_subst;
	sh->sh_self = argv[0] && strchr(argv[0], '/') ? argv[0] : "/proc/boot/qsh";
	vars_init(sh, environ);
	if (var_get(sh, "PATH") == NULL)
		var_set(sh, "PATH", "/bin:/proc/boot");
	var_export(sh, "PATH");

	const char *cmd = NULL;
	int i = 1;
	for (; i < argc && argv[i][0] == '-' && argv[i][1]; i++) {
		if (strcmp(argv[i], "--") == 0) {
			i++;
			break;
		}
		for (const char *c = argv[i] + 1; *c; c++) {
			if (*c == 'c')
				cmd = "";
			else if (*c == 'e')
				sh->sh_errexit = 1;
			else if (*c == 'f')
				sh->sh_noglob = 1;
			else if (*c == 'u')
				sh->sh_nounset = 1;
			else if (*c == 'x')
				sh->sh_xtrace = 1;
			else
				usage();
		}
	}
	if (cmd) {
		if (i == argc)
			usage();
		cmd = argv[i++];
		sh->sh_arg0 = strdup(i < argc ? argv[i++] : argv[0]);
		set_args(sh, argv + i, argc - i);
		run_text(sh, cmd);
		exit(sh->sh_status);
	}
	struct input in = { .in_fd = 0 };
	if (i < argc) {
		in.in_fd = open(argv[i], O_RDONLY | O_CLOEXEC);
		if (in.in_fd < 0) {
			sh_error("%s: %s", argv[i], strerror(errno));
			exit(errno == ENOENT ? 127 : 126);
		}
		in.in_name = argv[i];
		sh->sh_arg0 = strdup(argv[i++]);
		set_args(sh, argv + i, argc - i);
	} else {
		sh->sh_arg0 = strdup(argv[0] ? argv[0] : "qsh");
		set_args(sh, NULL, 0);
		if (isatty(0)) {
			interactive(sh);
			in.in_ed = edit_open(0);
		} else
			in.in_bytewise = 1;
	}
	run_input(sh, &in);
	exit(sh->sh_status);
}
