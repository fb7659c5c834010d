/* qsh's builtins: the commands that run inside the shell because they change it (cd,
 * exit, export, set, unset, shift, break, wait, read, ., eval) or are cheaper so (echo,
 * pwd, true, false, :). Each gets argv as expanded and returns its status. */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "qsh.h"

void out_bytes(int fd, const char *s, size_t n)
{
	while (n > 0) {
		ssize_t w = write(fd, s, n);
		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			return;
		s += w;
		n -= (size_t)w;
	}
}

void out_str(int fd, const char *s)
{
	out_bytes(fd, s, strlen(s));
}

/* "qsh: MESSAGE" and a newline on stderr, in one write. */
void sh_error(const char *fmt, ...)
{
	char msg[512];
	va_list ap;
	va_start(ap, fmt);
	int n = vsnprintf(msg + 5, sizeof msg - 6, fmt, ap);
	va_end(ap);
	memcpy(msg, "qsh: ", 5);
	if (n < 0)
		n = 0;
	if ((size_t)n > sizeof msg - 7)
		n = (int)(sizeof msg - 7);
	msg[5 + n] = '\n';
	msg[6 + n] = 0;
	out_str(2, msg);
}

/* Is s a decimal number (optionally signed) that fits an int? */
static int number(const char *s, int *out)
{
	char *end;
	errno = 0;
	long v = strtol(s, &end, 10);
	if (*s == 0 || *end || errno || v < INT_MIN || v > INT_MAX)
		return 0;
	*out = (int)v;
	return 1;
}

static int b_true(struct shell *sh, int argc, char **argv)
{
	return 0;
}

static int b_false(struct shell *sh, int argc, char **argv)
{
	return 1;
}

static int b_echo(struct shell *sh, int argc, char **argv)
{
	int i = 1, nl = 1;
	if (argc > 1 && strcmp(argv[1], "-n") == 0) {
		nl = 0;
		i++;
	}
	size_t len = 2;
	for (int k = i; k < argc; k++)
		len += strlen(argv[k]) + 1;
	char *line = malloc(len), *p = line;
	if (line == NULL)
		abort();
	for (int k = i; k < argc; k++) {
		if (k > i)
			*p++ = ' ';
		p = stpcpy(p, argv[k]);
	}
	if (nl)
		*p++ = '\n';
	*p = 0;
	out_str(1, line);
	free(line);
	return 0;
}

static int b_pwd(struct shell *sh, int argc, char **argv)
{
	char buf[PATH_MAX + 1];
	if (getcwd(buf, sizeof buf - 1) == NULL) {
		sh_error("pwd: %s", strerror(errno));
		return 1;
	}
	strcat(buf, "\n");
	out_str(1, buf);
	return 0;
}

static int b_cd(struct shell *sh, int argc, char **argv)
{
	if (argc > 2) {
		sh_error("usage: cd [DIR | -]");
		return 2;
	}
	const char *dir = argc > 1 ? argv[1] : var_get(sh, "HOME");
	int dash = dir && strcmp(dir, "-") == 0;
	if (dash)
		dir = var_get(sh, "OLDPWD");
	if (dir == NULL || *dir == 0) {
		sh_error("cd: %s not set", dash ? "OLDPWD" : "HOME");
		return 1;
	}
	char old[PATH_MAX], now[PATH_MAX];
	if (getcwd(old, sizeof old) == NULL)
		old[0] = 0;
	if (chdir(dir) < 0) {
		sh_error("cd: %s: %s", dir, strerror(errno));
		return 1;
	}
	if (getcwd(now, sizeof now) == NULL)
		snprintf(now, sizeof now, "%s", dir);
	var_set(sh, "OLDPWD", old);
	var_set(sh, "PWD", now);
	if (dash) {
		strcat(now, "\n");
		out_str(1, now);
	}
	return 0;
}

static int b_exit(struct shell *sh, int argc, char **argv)
{
	int st = sh->sh_status;
	if (argc > 2) {
		sh_error("exit: too many arguments");
		return 2;
	}
	if (argc == 2 && !number(argv[1], &st)) {
		sh_error("exit: %s: numeric argument required", argv[1]);
		st = 2;
	}
	sh->sh_exit = 1;
	return st & 0xff;
}

/* NAME='value' with ' written as '\''. */
static void print_var(const char *prefix, struct var *v)
{
	size_t n = strlen(prefix) + strlen(v->v_name) + 4 * strlen(v->v_value) + 5;
	char *s = malloc(n), *p = s;
	if (s == NULL)
		abort();
	p = stpcpy(stpcpy(p, prefix), v->v_name);
	*p++ = '=';
	*p++ = '\'';
	for (const char *c = v->v_value; *c; c++)
		p = *c == '\'' ? stpcpy(p, "'\\''") : (*p = *c, p + 1);
	strcpy(p, "'\n");
	out_str(1, s);
	free(s);
}

static int b_export(struct shell *sh, int argc, char **argv)
{
	int i = argc > 1 && strcmp(argv[1], "-p") == 0 ? 2 : 1, status = 0;
	if (i == argc) {
		for (struct var *v = sh->sh_vars; v; v = v->v_next)
			if (v->v_export)
				print_var("export ", v);
		return 0;
	}
	for (; i < argc; i++) {
		char *eq = strchr(argv[i], '=');
		if (eq)
			*eq = 0;
		if (!is_name(argv[i], strlen(argv[i]))) {
			sh_error("export: %s: bad variable name", argv[i]);
			status = 1;
		} else {
			if (eq)
				var_set(sh, argv[i], eq + 1);
			var_export(sh, argv[i]);
		}
		if (eq)
			*eq = '=';
	}
	return status;
}

static int b_unset(struct shell *sh, int argc, char **argv)
{
	int status = 0;
	for (int i = 1; i < argc; i++)
		if (var_unset(sh, argv[i]) < 0) {
			sh_error("unset: %s: bad variable name", argv[i]);
			status = 1;
		}
	return status;
}

static int set_option(struct shell *sh, char c, int on)
{
	switch (c) {
	case 'e': sh->sh_errexit = on; return 0;
	case 'f': sh->sh_noglob = on; return 0;
	case 'u': sh->sh_nounset = on; return 0;
	case 'x': sh->sh_xtrace = on; return 0;
	default: return -1;
	}
}

/* set: list variables; set -efux / +efux; set [--] ARGS: the positional parameters. */
static int b_set(struct shell *sh, int argc, char **argv)
{
	if (argc == 1) {
		for (struct var *v = sh->sh_vars; v; v = v->v_next)
			print_var("", v);
		return 0;
	}
	int i = 1;
	for (; i < argc && (argv[i][0] == '-' || argv[i][0] == '+') && argv[i][1]; i++) {
		if (strcmp(argv[i], "--") == 0) {
			i++;
			set_args(sh, argv + i, argc - i);
			return 0;
		}
		for (const char *c = argv[i] + 1; *c; c++)
			if (set_option(sh, *c, argv[i][0] == '-') < 0) {
				sh_error("set: -%c: unknown option (usage: set [-efux] [--] [ARG...])", *c);
				return 2;
			}
	}
	if (i < argc)
		set_args(sh, argv + i, argc - i);
	return 0;
}

static int b_shift(struct shell *sh, int argc, char **argv)
{
	int n = 1;
	if (argc > 1 && (!number(argv[1], &n) || n < 0)) {
		sh_error("shift: %s: bad number", argv[1]);
		return 2;
	}
	if (n > sh->sh_argc) {
		sh_error("shift: can't shift that many");
		return 1;
	}
	set_args(sh, sh->sh_argv + n, sh->sh_argc - n);
	return 0;
}

/* break [N] and continue [N]: the loops are unwound by exec.c (sh_breaks). */
static int b_break(struct shell *sh, int argc, char **argv)
{
	int n = 1;
	if (argc > 1 && (!number(argv[1], &n) || n < 1)) {
		sh_error("%s: %s: bad number", argv[0], argv[1]);
		return 2;
	}
	if (sh->sh_loops == 0)
		return 0;
	sh->sh_breaks = n < sh->sh_loops ? n : sh->sh_loops;
	sh->sh_continue = argv[0][0] == 'c';
	return 0;
}

static int b_wait(struct shell *sh, int argc, char **argv)
{
	if (argc == 1)
		return jobs_wait(sh, 0);
	int status = 0;
	for (int i = 1; i < argc && !sh->sh_intr; i++) {
		int pid;
		if (!number(argv[i], &pid) || pid <= 0) {
			sh_error("wait: %s: not a pid", argv[i]);
			return 2;
		}
		status = jobs_wait(sh, pid);
	}
	return status;
}

/* read [-r] NAME...: one line of stdin (a byte at a time: what follows stays for the
 * next reader), split at $IFS over the names, the last taking the rest. */
static int b_read(struct shell *sh, int argc, char **argv)
{
	int raw = argc > 1 && strcmp(argv[1], "-r") == 0, i = 1 + raw;
	if (i == argc) {
		sh_error("usage: read [-r] NAME...");
		return 2;
	}
	size_t n = 0, cap = 128;
	char *line = malloc(cap);
	int got = 0, status = 0;
	if (line == NULL)
		abort();
	for (;;) {
		char c;
		ssize_t r = read(0, &c, 1);
		if (r < 0 && errno == EINTR && !sh->sh_intr)
			continue;
		if (r < 0 && errno == EINTR) {
			status = 128 + 2;
			break;
		}
		if (r <= 0) {
			status = 1;
			break;
		}
		got = 1;
		if (c == '\\' && !raw) {
			if (read(0, &c, 1) != 1)
				break;
			if (c == '\n')
				continue;
		} else if (c == '\n')
			break;
		if (n + 2 >= cap && (line = realloc(line, cap *= 2)) == NULL)
			abort();
		line[n++] = c;
	}
	line[n] = 0;
	if (status && !got) {
		free(line);
		return status;
	}
	const char *ifs = var_get(sh, "IFS");
	if (ifs == NULL)
		ifs = " \t\n";
	char *p = line;
	for (; i < argc; i++) {
		p += strspn(p, ifs);
		char *end = i == argc - 1 ? p + strlen(p) : p + strcspn(p, ifs);
		if (i == argc - 1)
			while (end > p && strchr(ifs, end[-1]))
				end--;
		char save = *end;
		*end = 0;
		if (var_set(sh, argv[i], p) < 0) {
			sh_error("read: %s: bad variable name", argv[i]);
			status = 2;
		}
		*end = save;
		p = *end ? end + 1 : end;
	}
	free(line);
	return status == 2 ? 2 : 0;
}

/* . FILE: runs FILE's commands in this shell. */
static int b_dot(struct shell *sh, int argc, char **argv)
{
	if (argc < 2) {
		sh_error("usage: . FILE");
		return 2;
	}
	int fd = open(argv[1], O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		sh_error("%s: %s", argv[1], strerror(errno));
		return 1;
	}
	size_t n = 0, cap = 1024;
	char *text = malloc(cap);
	ssize_t r;
	if (text == NULL)
		abort();
	while ((r = read(fd, text + n, cap - n - 1)) > 0)
		if ((n += (size_t)r) + 1 >= cap && (text = realloc(text, cap *= 2)) == NULL)
			abort();
	close(fd);
	text[n] = 0;
	int status = run_text(sh, text);
	free(text);
	return status;
}

static int b_eval(struct shell *sh, int argc, char **argv)
{
	size_t len = 1;
	for (int i = 1; i < argc; i++)
		len += strlen(argv[i]) + 1;
	char *text = calloc(1, len);
	if (text == NULL)
		abort();
	for (int i = 1; i < argc; i++) {
		if (i > 1)
			strcat(text, " ");
		strcat(text, argv[i]);
	}
	int status = run_text(sh, text);
	free(text);
	return status;
}

static const struct {
	const char	*name;
	builtin_fn	fn;
} builtins[] = {
	{ ":", b_true }, { ".", b_dot }, { "[", builtin_test }, { "test", builtin_test }, { "break", b_break }, { "cd", b_cd },
	{ "continue", b_break }, { "echo", b_echo }, { "eval", b_eval }, { "exit", b_exit },
	{ "export", b_export }, { "false", b_false }, { "pwd", b_pwd }, { "read", b_read },
	{ "set", b_set }, { "shift", b_shift }, { "true", b_true }, { "unset", b_unset },
	{ "wait", b_wait },
};

builtin_fn builtin_find(const char *name)
{
	for (size_t i = 0; i < sizeof builtins / sizeof builtins[0]; i++)
		if (strcmp(builtins[i].name, name) == 0)
			return builtins[i].fn;
	return NULL;
}
