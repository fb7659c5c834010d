/* qsh's executor: runs a tree. Commands through posix_spawn, redirections, pipelines,
 * foreground and background jobs, $(..) through a child qsh. */
/*
 * There is no fork, so whatever must run inside the shell (builtins, compound commands)
 * runs in this process, and what needs a process of its own gets a fresh one:
 *  - A pipeline's external commands are spawned first, left to right, each with its
 *    pipe ends and redirections as file actions; then the stages that run in the shell
 *    (echo, while ..., { ..; }) run in order with fds 0/1 moved onto their pipe ends;
 *    then the spawned ones are waited for. Its status is the last stage's.
 *  - A subshell ( .. ), a background list that is not only external commands, and a
 *    $(..) are run by a child qsh given their text (qsh -c TEXT $0 $1 ..): it sees the
 *    exported variables and the positional parameters, not unexported variables.
 * Every fd the shell opens for itself (pipes, files for redirections, saved copies) is
 * close-on-exec; children get only what the file actions give them.
 *
 * Jobs (interactive only, sh_tty >= 0): each pipeline gets its own process group; a
 * foreground one is made the terminal's foreground group until it ends, then the
 * shell's group is given the terminal back. Children get SIGINT, SIGQUIT, SIGPIPE and
 * SIGTSTP at their defaults (the shell catches or ignores them). Background jobs are
 * kept in a list until they end and are reported; `wait` waits for them.
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <termios.h>
#include <unistd.h>
#include "qsh.h"

struct job {
	int		j_id;		/* [N] */
	pid_t		*j_pids;
	int		*j_done;	/* j_done[i]: j_pids[i] was reaped */
	int		j_npids;
	int		j_left;		/* processes not yet reaped */
	int		j_status;	/* the last process's status, once reaped */
	char		*j_text;
	struct job	*j_next;
};

static struct job *jobs;
static sigset_t child_sigdef;	/* reset to SIG_DFL in every child */

struct stage {
	struct node	*st_node;
	struct strv	st_argv;	/* a simple command's fields */
	struct strv	st_assigns;	/* its NAME=value words, expanded */
	int		st_inshell;	/* a builtin or compound command: runs in the shell */
	pid_t		st_pid;		/* spawned: its pid (0: spawn failed) */
	int		st_status;
};

#define NSAVE 16
struct fdsave {
	int	fs_fd[NSAVE];
	int	fs_copy[NSAVE];		/* close-on-exec copy of the old fd (-1: was closed) */
	int	fs_n;
};

static int run_node(struct shell *sh, struct node *n);

/* A pipe whose both ends are close-on-exec (children get them only by file actions). */
static int cloexec_pipe(int p[2])
{
	if (pipe(p) < 0)
		return -1;
	fcntl(p[0], F_SETFD, FD_CLOEXEC);
	fcntl(p[1], F_SETFD, FD_CLOEXEC);
	return 0;
}

static int stopping(struct shell *sh)
{
	return sh->sh_exit || sh->sh_intr || sh->sh_breaks;
}

static int wstatus(int st)
{
	if (WIFEXITED(st))
		return WEXITSTATUS(st);
	if (WIFSIGNALED(st))
		return 128 + WTERMSIG(st);
	return 1;
}

/* Signals ignored when the shell started stay ignored in its children (POSIX); the ones
 * it catches or ignores itself go back to the default. Called before main sets any. */
void exec_init(struct shell *sh)
{
	static const int sigs[] = { SIGINT, SIGQUIT, SIGPIPE, SIGTSTP };
	sigemptyset(&child_sigdef);
	for (size_t i = 0; i < sizeof sigs / sizeof sigs[0]; i++) {
		struct sigaction old;
		if (sigaction(sigs[i], NULL, &old) == 0 && old.sa_handler != SIG_IGN)
			sigaddset(&child_sigdef, sigs[i]);
	}
}

/* --- Redirections --------------------------------------------------------------------------- */
/* The fd to copy onto r->r_fd (-1: close it); *opened: a file we opened (close-on-exec),
 * ours to close. 0, or -1 after a message. */
static int redir_source(struct shell *sh, struct redir *r, int *src, int *opened)
{
	char err[256];
	char *w = expand_one(sh, r->r_word, err, sizeof err);
	*opened = 0;
	if (w == NULL) {
		sh_error("%s", err);
		return -1;
	}
	int rc = 0;
	if (r->r_op == R_DUPIN || r->r_op == R_DUPOUT) {
		if (strcmp(w, "-") == 0)
			*src = -1;
		else if (w[0] && strspn(w, "0123456789") == strlen(w) && strlen(w) < 4 &&
			 fcntl(atoi(w), F_GETFD) >= 0)
			*src = atoi(w);
		else {
			sh_error("%s: bad file descriptor", w);
			rc = -1;
		}
	} else {
		static const int flags[] = {
			[R_IN] = O_RDONLY, [R_OUT] = O_WRONLY | O_CREAT | O_TRUNC,
			[R_CLOBBER] = O_WRONLY | O_CREAT | O_TRUNC,
			[R_APPEND] = O_WRONLY | O_CREAT | O_APPEND, [R_INOUT] = O_RDWR | O_CREAT,
		};
		int fd = open(w, flags[r->r_op] | O_CLOEXEC, 0666);
		if (fd < 0) {
			sh_error("%s: %s", w, strerror(errno));
			rc = -1;
		} else {
			*src = fd;
			*opened = 1;
		}
	}
	free(w);
	return rc;
}

static void save_fd(struct fdsave *s, int fd)
{
	for (int i = 0; i < s->fs_n; i++)
		if (s->fs_fd[i] == fd)
			return;
	if (s->fs_n == NSAVE)
		return;
	s->fs_fd[s->fs_n] = fd;
	s->fs_copy[s->fs_n++] = fcntl(fd, F_DUPFD_CLOEXEC, 10);
}

static void restore_fds(struct fdsave *s)
{
	while (s->fs_n > 0) {
		s->fs_n--;
		int fd = s->fs_fd[s->fs_n], copy = s->fs_copy[s->fs_n];
		if (copy >= 0) {
			dup2(copy, fd);
			close(copy);
		} else
			close(fd);
	}
}

/* fd becomes a copy of src in the shell itself (src -1: fd is closed); undone by restore. */
static void move_fd(struct fdsave *s, int src, int fd)
{
	save_fd(s, fd);
	if (src < 0)
		close(fd);
	else if (src != fd)
		dup2(src, fd);
}

/* The redirections applied to the shell's own fds (for builtins and compound commands). */
static int apply_redirs(struct shell *sh, struct redir *r, struct fdsave *s)
{
	for (; r; r = r->r_next) {
		int src, opened;
		if (redir_source(sh, r, &src, &opened) < 0)
			return -1;
		move_fd(s, src, r->r_fd);
		if (opened && src != r->r_fd)
			close(src);
	}
	return 0;
}

/* --- Spawning ------------------------------------------------------------------------------- */
/* posix_spawn with a search of $PATH (default /bin:/proc/boot) for a name without '/'. */
static int spawn_path(struct shell *sh, pid_t *pid, const char *name,
		      const posix_spawn_file_actions_t *fa, const posix_spawnattr_t *at,
		      char **argv, char **envp)
{
	if (strchr(name, '/'))
		return posix_spawn(pid, name, fa, at, argv, envp);
	const char *path = var_get(sh, "PATH");
	if (path == NULL || *path == 0)
		path = "/bin:/proc/boot";
	int err = ENOENT;
	for (const char *p = path;; p++) {
		const char *e = strchr(p, ':');
		size_t dl = e ? (size_t)(e - p) : strlen(p);
		char full[512];
		if (dl + strlen(name) + 2 < sizeof full) {
			snprintf(full, sizeof full, "%.*s/%s", (int)dl, dl ? p : ".", name);
			int r = posix_spawn(pid, full, fa, at, argv, envp);
			if (r == 0)
				return 0;
			if (r == EACCES || r == ENOEXEC)
				err = r;
			else if (r != ENOENT && r != ENOTDIR)
				return r;
		}
		if (e == NULL)
			return err;
		p = e;
	}
}

/* A file that exists but taskman cannot start (not ELF, or not in the boot image) is a
 * script: the same spawn with a child qsh reading it. */
static int spawn_cmd(struct shell *sh, pid_t *pid, const posix_spawn_file_actions_t *fa,
		     const posix_spawnattr_t *at, char **argv, char **envp)
{
	int err = spawn_path(sh, pid, argv[0], fa, at, argv, envp);
	struct stat st;
	if ((err == ENOEXEC || err == ENOENT) && strchr(argv[0], '/') &&
	    stat(argv[0], &st) == 0 && S_ISREG(st.st_mode)) {
		if (!(st.st_mode & 0111))
			return EACCES;
		int n = 0;
		while (argv[n])
			n++;
		char **av = calloc((size_t)n + 2, sizeof *av);
		if (av == NULL)
			return ENOMEM;
		av[0] = sh->sh_self;
		memcpy(av + 1, argv, (size_t)n * sizeof *av);
		err = posix_spawn(pid, sh->sh_self, fa, at, av, envp);
		free(av);
	}
	return err;
}

/* Spawns a stage with fds 0/1 on in/out (when >= 0) and its redirections. Returns 0, or
 * the status of the failure (message printed). *pgid: the job's group (0: not yet). */
static int spawn_stage(struct shell *sh, struct stage *st, int in, int out, pid_t *pgid,
		       int async)
{
	posix_spawn_file_actions_t fa;
	posix_spawnattr_t at;
	int opened[NSAVE], nopened = 0, status = 0;
	posix_spawn_file_actions_init(&fa);
	posix_spawnattr_init(&at);
	if (in < 0 && async && (in = open("/dev/null", O_RDONLY | O_CLOEXEC)) >= 0)
		opened[nopened++] = in;
	if (in >= 0)
		posix_spawn_file_actions_adddup2(&fa, in, 0);
	if (out >= 0)
		posix_spawn_file_actions_adddup2(&fa, out, 1);
	for (struct redir *r = st->st_node->n_redirs; r; r = r->r_next) {
		int src, op;
		if (redir_source(sh, r, &src, &op) < 0) {
			status = 1;
			goto out;
		}
		if (op && nopened < NSAVE)
			opened[nopened++] = src;
		if (src < 0)
			posix_spawn_file_actions_addclose(&fa, r->r_fd);
		else
			posix_spawn_file_actions_adddup2(&fa, src, r->r_fd);
	}
	short flags = POSIX_SPAWN_SETSIGDEF;
	if (sh->sh_tty >= 0) {
		flags |= POSIX_SPAWN_SETPGROUP;
		posix_spawnattr_setpgroup(&at, *pgid);
	}
	posix_spawnattr_setflags(&at, flags);
	posix_spawnattr_setsigdefault(&at, &child_sigdef);
	char **env = var_environ(sh, st->st_assigns.sv_v, st->st_assigns.sv_n);
	int err = spawn_cmd(sh, &st->st_pid, &fa, &at, st->st_argv.sv_v, env);
	free_strv(env);
	if (err) {
		/* The message goes where the command's stderr would have. */
		const char *name = st->st_argv.sv_v[0];
		struct fdsave s = { 0 };
		if (out >= 0)
			move_fd(&s, out, 1);
		apply_redirs(sh, st->st_node->n_redirs, &s);
		st->st_pid = 0;
		if (err == ENOENT) {
			sh_error("%s: not found", name);
			status = 127;
		} else {
			sh_error("%s: %s", name, err == EACCES ? "permission denied" : strerror(err));
			status = 126;
		}
		restore_fds(&s);
	} else if (*pgid == 0 && sh->sh_tty >= 0)
		*pgid = st->st_pid;
out:
	for (int i = 0; i < nopened; i++)
		close(opened[i]);
	posix_spawn_file_actions_destroy(&fa);
	posix_spawnattr_destroy(&at);
	return status;
}

/* --- Stages ---------------------------------------------------------------------------------- */
/* argv for a child qsh running text: qsh -c TEXT $0 $1 ... */
static void child_qsh_argv(struct shell *sh, const char *text, struct strv *v)
{
	strv_add(v, strdup(sh->sh_self));
	strv_add(v, strdup("-c"));
	strv_add(v, strdup(text));
	strv_add(v, strdup(sh->sh_arg0 ? sh->sh_arg0 : "qsh"));
	for (int i = 0; i < sh->sh_argc; i++)
		strv_add(v, strdup(sh->sh_argv[i]));
}

static void xtrace(struct shell *sh, struct stage *st)
{
	if (!sh->sh_xtrace)
		return;
	char line[1024];
	size_t n = snprintf(line, sizeof line, "+");
	for (int i = 0; i < st->st_assigns.sv_n && n < sizeof line; i++)
		n += snprintf(line + n, sizeof line - n, " %s", st->st_assigns.sv_v[i]);
	for (int i = 0; i < st->st_argv.sv_n && n < sizeof line; i++)
		n += snprintf(line + n, sizeof line - n, " %s", st->st_argv.sv_v[i]);
	if (n >= sizeof line - 1)
		n = sizeof line - 2;
	line[n++] = '\n';
	write(2, line, n);
}

/* Expands a simple command (or builds a subshell's argv) and decides where it runs.
 * 0, or -1 after a message. */
static int prep_stage(struct shell *sh, struct node *n, struct stage *st)
{
	char err[256];
	memset(st, 0, sizeof *st);
	st->st_node = n;
	if (n->n_kind == N_SUBSHELL) {
		child_qsh_argv(sh, n->n_text, &st->st_argv);
		return 0;
	}
	if (n->n_kind != N_SIMPLE) {
		st->st_inshell = 1;
		return 0;
	}
	for (int i = 0; i < n->n_nassigns; i++) {
		const char *raw = n->n_assigns[i], *eq = strchr(raw, '=');
		char *v = expand_one(sh, eq + 1, err, sizeof err);
		if (v == NULL)
			goto fail;
		size_t nl = (size_t)(eq - raw);
		char *a = malloc(nl + strlen(v) + 2);
		if (a == NULL)
			abort();
		memcpy(a, raw, nl + 1);
		strcpy(a + nl + 1, v);
		free(v);
		strv_add(&st->st_assigns, a);
	}
	if (expand_words(sh, n->n_words, n->n_nwords, &st->st_argv, err, sizeof err) < 0)
		goto fail;
	st->st_inshell = st->st_argv.sv_n == 0 || builtin_find(st->st_argv.sv_v[0]) != NULL;
	xtrace(sh, st);
	return 0;
fail:
	sh_error("%s", err);
	strv_free(&st->st_assigns);
	strv_free(&st->st_argv);
	return -1;
}

static void free_stage(struct stage *st)
{
	strv_free(&st->st_argv);
	strv_free(&st->st_assigns);
}

/* A simple command that runs in the shell: assignments only, or a builtin. */
static int run_simple_inshell(struct shell *sh, struct stage *st)
{
	struct fdsave s = { 0 };
	int status = 0;
	for (int i = 0; i < st->st_assigns.sv_n; i++) {
		char *a = st->st_assigns.sv_v[i], *eq = strchr(a, '=');
		*eq = 0;
		var_set(sh, a, eq + 1);
		*eq = '=';
	}
	if (apply_redirs(sh, st->st_node->n_redirs, &s) < 0)
		status = 1;
	else if (st->st_argv.sv_n > 0)
		status = builtin_find(st->st_argv.sv_v[0])(sh, st->st_argv.sv_n, st->st_argv.sv_v);
	else if (sh->sh_substatus >= 0)
		status = sh->sh_substatus;
	restore_fds(&s);
	return status;
}

/* A stage that runs in the shell, with fds 0/1 on in/out (when >= 0). */
static int run_inshell(struct shell *sh, struct stage *st, int in, int out)
{
	struct fdsave s = { 0 };
	if (in >= 0)
		move_fd(&s, in, 0);
	if (out >= 0)
		move_fd(&s, out, 1);
	int status = st->st_node->n_kind == N_SIMPLE ? run_simple_inshell(sh, st) :
						       run_node(sh, st->st_node);
	restore_fds(&s);
	return status;
}

/* --- Jobs ------------------------------------------------------------------------------------ */
static void job_free(struct job *j)
{
	free(j->j_pids);
	free(j->j_done);
	free(j->j_text);
	free(j);
}

static void job_add(struct shell *sh, struct stage *st, int n, const char *text)
{
	struct job *j = calloc(1, sizeof *j);
	if (j == NULL)
		abort();
	j->j_pids = calloc((size_t)n, sizeof *j->j_pids);
	j->j_done = calloc((size_t)n, sizeof *j->j_done);
	j->j_text = strdup(text ? text : "");
	if (j->j_pids == NULL || j->j_done == NULL || j->j_text == NULL)
		abort();
	for (int i = 0; i < n; i++)
		if (st[i].st_pid > 0)
			j->j_pids[j->j_npids++] = st[i].st_pid;
	j->j_left = j->j_npids;
	j->j_id = 1;
	struct job **pp = &jobs;
	for (; *pp; pp = &(*pp)->j_next)
		if ((*pp)->j_id >= j->j_id)
			j->j_id = (*pp)->j_id + 1;
	*pp = j;
	if (j->j_npids > 0)
		sh->sh_lastbg = j->j_pids[j->j_npids - 1];
	if (sh->sh_interactive) {
		char msg[48];
		snprintf(msg, sizeof msg, "[%d] %d\n", j->j_id, (int)sh->sh_lastbg);
		out_str(2, msg);
	}
}

/* Records pid's end in its job; 0 if pid is no job's. */
static int job_reaped(pid_t pid, int st)
{
	for (struct job *j = jobs; j; j = j->j_next)
		for (int i = 0; i < j->j_npids; i++)
			if (j->j_pids[i] == pid && !j->j_done[i]) {
				j->j_done[i] = 1;
				j->j_left--;
				if (i == j->j_npids - 1)
					j->j_status = wstatus(st);
				return 1;
			}
	return 0;
}

static void job_unlink(struct job *j)
{
	for (struct job **pp = &jobs; *pp; pp = &(*pp)->j_next)
		if (*pp == j) {
			*pp = j->j_next;
			break;
		}
	job_free(j);
}

/* Reaps ended background processes; when interactive, reports and forgets ended jobs
 * (a script keeps them for `wait`). */
void jobs_report(struct shell *sh)
{
	int st;
	pid_t pid;
	while ((pid = waitpid(-1, &st, WNOHANG)) > 0)
		job_reaped(pid, st);
	if (!sh->sh_interactive)
		return;
	for (struct job *j = jobs, *next; j; j = next) {
		next = j->j_next;
		if (j->j_left > 0)
			continue;
		char msg[300];
		if (j->j_status == 0)
			snprintf(msg, sizeof msg, "[%d] Done  %s\n", j->j_id, j->j_text);
		else
			snprintf(msg, sizeof msg, "[%d] Exit %d  %s\n", j->j_id, j->j_status, j->j_text);
		out_str(2, msg);
		job_unlink(j);
	}
}

/* Waits for the processes of j; 0, or -1 if a signal (^C) interrupted. */
static int job_wait(struct job *j)
{
	for (int i = 0; i < j->j_npids; i++) {
		int st;
		while (!j->j_done[i]) {
			pid_t r = waitpid(j->j_pids[i], &st, 0);
			if (r == j->j_pids[i])
				job_reaped(r, st);
			else if (r < 0 && errno == EINTR)
				return -1;
			else if (r < 0) {
				j->j_done[i] = 1;	/* already reaped elsewhere */
				j->j_left--;
			}
		}
	}
	return 0;
}

/* `wait`: for every background job (pid 0; status 0) or for the one holding pid (its
 * status; 127 if none). 128+SIGINT if ^C interrupted the wait. */
int jobs_wait(struct shell *sh, pid_t pid)
{
	for (struct job *j = jobs, *next; j; j = next) {
		next = j->j_next;
		int mine = pid == 0;
		for (int i = 0; i < j->j_npids; i++)
			mine |= j->j_pids[i] == pid;
		if (!mine)
			continue;
		if (job_wait(j) < 0)
			return 128 + SIGINT;	/* the handler set sh_intr */
		int status = j->j_status;
		job_unlink(j);
		if (pid)
			return status;
	}
	return pid ? 127 : 0;
}

/* --- Pipelines ------------------------------------------------------------------------------- */
/* Gives the terminal to group pgid (the shell's own after a foreground job). */
static void terminal_to(struct shell *sh, pid_t pgid)
{
	if (sh->sh_tty >= 0 && pgid > 0)
		tcsetpgrp(sh->sh_tty, pgid);
}

static void wait_fg(struct shell *sh, struct stage *st, int n)
{
	for (int i = 0; i < n; i++) {
		if (st[i].st_pid <= 0)
			continue;
		int ws;
		pid_t r;
		while ((r = waitpid(st[i].st_pid, &ws, 0)) < 0 && errno == EINTR)
			;
		st[i].st_status = r > 0 ? wstatus(ws) : 1;
	}
}

/* Runs stages st[0..n) connected by pipes; async: as a background job. */
static int run_stages(struct shell *sh, struct stage *st, int n, const char *text, int async)
{
	int (*p)[2] = calloc((size_t)n, sizeof *p);
	if (p == NULL)
		abort();
	int made = 0;
	for (; made < n - 1; made++)
		if (cloexec_pipe(p[made]) < 0) {
			sh_error("pipe: %s", strerror(errno));
			for (int i = 0; i < made; i++)
				close(p[i][0]), close(p[i][1]);
			free(p);
			return 1;
		}
	pid_t pgid = 0;
	for (int i = 0; i < n; i++) {
		int in = i > 0 ? p[i - 1][0] : -1, out = i < n - 1 ? p[i][1] : -1;
		if (!st[i].st_inshell)
			st[i].st_status = spawn_stage(sh, &st[i], in, out, &pgid, async);
	}
	/* The shell keeps only the ends its own stages use. */
	for (int i = 0; i < n - 1; i++) {
		if (!st[i].st_inshell)
			close(p[i][1]), p[i][1] = -1;
		if (!st[i + 1].st_inshell)
			close(p[i][0]), p[i][0] = -1;
	}
	if (async) {
		free(p);
		job_add(sh, st, n, text);
		return 0;
	}
	terminal_to(sh, pgid);
	for (int i = 0; i < n; i++) {
		if (!st[i].st_inshell)
			continue;
		int in = i > 0 ? p[i - 1][0] : -1, out = i < n - 1 ? p[i][1] : -1;
		st[i].st_status = stopping(sh) ? 1 : run_inshell(sh, &st[i], in, out);
		if (in >= 0)
			close(in);
		if (out >= 0)
			close(out);
	}
	free(p);
	wait_fg(sh, st, n);
	terminal_to(sh, sh->sh_pgid);
	int status = st[n - 1].st_status;
	for (int i = 0; i < n; i++)
		if (st[i].st_pid > 0 && st[i].st_status == 128 + SIGINT && sh->sh_interactive) {
			sh->sh_intr = 1;
			if (i == n - 1)
				out_str(2, "\n");	/* after the terminal's ^C */
		}
	return status;
}

/* A pipeline (or one command) in the foreground, or as a background job. */
static int run_pipeline(struct shell *sh, struct node **cmds, int n, const char *text, int async)
{
	struct stage *st = calloc((size_t)n, sizeof *st);
	if (st == NULL)
		abort();
	int status, prepared = 0, inshell = 0;
	sh->sh_substatus = -1;
	for (; prepared < n; prepared++) {
		if (prep_stage(sh, cmds[prepared], &st[prepared]) < 0)
			break;
		inshell |= st[prepared].st_inshell;
	}
	if (prepared < n)
		status = 1;
	else if (async && inshell) {
		/* Not all of it can be spawned: a child qsh runs the text. */
		struct node bare = { .n_kind = N_SIMPLE };
		struct stage one = { .st_node = &bare };
		child_qsh_argv(sh, text, &one.st_argv);
		status = run_stages(sh, &one, 1, text, 1);
		free_stage(&one);
	} else if (n == 1 && inshell)
		status = run_inshell(sh, &st[0], -1, -1);
	else
		status = run_stages(sh, st, n, text, async);
	for (int i = 0; i < prepared; i++)
		free_stage(&st[i]);
	free(st);
	return status;
}

/* --- Compound commands ------------------------------------------------------------------------- */
static int run_cond(struct shell *sh, struct node *n)
{
	sh->sh_cond++;
	int s = run_node(sh, n);
	sh->sh_cond--;
	return s;
}

/* After a loop body: 1 if the loop must end (break, exit, ^C), handling break/continue N. */
static int loop_end(struct shell *sh)
{
	if (sh->sh_breaks > 0) {
		if (sh->sh_breaks == 1 && sh->sh_continue) {
			sh->sh_breaks = 0;
			sh->sh_continue = 0;
			return 0;
		}
		sh->sh_breaks--;
		return 1;
	}
	return sh->sh_exit || sh->sh_intr;
}

static int run_while(struct shell *sh, struct node *n, int until)
{
	int status = 0;
	sh->sh_loops++;
	for (;;) {
		int c = run_cond(sh, n->n_kid[0]);
		if (stopping(sh) || (c == 0) == until)
			break;
		status = run_node(sh, n->n_kid[1]);
		if (loop_end(sh))
			break;
	}
	sh->sh_loops--;
	return status;
}

static int run_for(struct shell *sh, struct node *n)
{
	struct strv words = { 0 };
	char err[256];
	if (n->n_hasin) {
		if (expand_words(sh, n->n_words, n->n_nwords, &words, err, sizeof err) < 0) {
			sh_error("%s", err);
			return 1;
		}
	} else
		for (int i = 0; i < sh->sh_argc; i++)
			strv_add(&words, strdup(sh->sh_argv[i]));
	int status = 0;
	sh->sh_loops++;
	for (int i = 0; i < words.sv_n; i++) {
		var_set(sh, n->n_name, words.sv_v[i]);
		status = run_node(sh, n->n_kid[0]);
		if (loop_end(sh))
			break;
	}
	sh->sh_loops--;
	strv_free(&words);
	return status;
}

static int run_compound(struct shell *sh, struct node *n)
{
	switch (n->n_kind) {
	case N_IF:
		if (run_cond(sh, n->n_kid[0]) == 0 && !stopping(sh))
			return run_node(sh, n->n_kid[1]);
		if (n->n_kid[2] && !stopping(sh))
			return run_node(sh, n->n_kid[2]);
		return 0;
	case N_WHILE:
		return run_while(sh, n, 0);
	case N_UNTIL:
		return run_while(sh, n, 1);
	case N_FOR:
		return run_for(sh, n);
	default:	/* N_GROUP */
		return run_node(sh, n->n_kid[0]);
	}
}

static int run_list(struct shell *sh, struct node *n)
{
	int status = 0;
	for (int i = 0; i < n->n_nkid && !stopping(sh); i++) {
		struct node *k = n->n_kid[i];
		if (k->n_async) {
			if (k->n_kind == N_PIPE)
				run_pipeline(sh, k->n_kid, k->n_nkid, k->n_text, 1);
			else
				run_pipeline(sh, &k, 1, k->n_text, 1);
			status = 0;
		} else
			status = run_node(sh, k);
		sh->sh_status = status;
		if (status && sh->sh_errexit && !sh->sh_cond && k->n_kind != N_AND &&
		    k->n_kind != N_OR && k->n_kind != N_NOT && !k->n_async)
			sh->sh_exit = 1;
	}
	return status;
}

static int run_node(struct shell *sh, struct node *n)
{
	int status;
	switch (n->n_kind) {
	case N_LIST:
		return run_list(sh, n);
	case N_AND:
	case N_OR:
		status = run_cond(sh, n->n_kid[0]);
		sh->sh_status = status;
		if (!stopping(sh) && (status == 0) == (n->n_kind == N_AND))
			status = run_node(sh, n->n_kid[1]);
		return status;
	case N_NOT:
		return run_cond(sh, n->n_kid[0]) == 0;
	case N_PIPE:
		return run_pipeline(sh, n->n_kid, n->n_nkid, NULL, 0);
	case N_SIMPLE:
	case N_SUBSHELL:
		return run_pipeline(sh, &n, 1, NULL, 0);
	default: {
		struct fdsave s = { 0 };
		status = apply_redirs(sh, n->n_redirs, &s) < 0 ? 1 : run_compound(sh, n);
		restore_fds(&s);
		return status;
	}
	}
}

int run_tree(struct shell *sh, struct node *n)
{
	sh->sh_status = run_node(sh, n);
	return sh->sh_status;
}

/* --- $(..) ----------------------------------------------------------------------------------- */
/* Runs cmd in a child qsh with its stdout on a pipe; returns what it wrote (malloc'd). */
char *exec_subst(struct shell *sh, const char *cmd)
{
	struct stage st = { 0 };
	struct node bare = { .n_kind = N_SIMPLE };
	int p[2];
	if (cloexec_pipe(p) < 0)
		return NULL;
	st.st_node = &bare;
	child_qsh_argv(sh, cmd, &st.st_argv);
	int tty = sh->sh_tty;
	pid_t pgid = 0;
	sh->sh_tty = -1;	/* in the shell's group: ^C stops both */
	int status = spawn_stage(sh, &st, -1, p[1], &pgid, 0);
	sh->sh_tty = tty;
	close(p[1]);
	size_t n = 0, cap = 256;
	char *buf = malloc(cap);
	if (buf == NULL)
		abort();
	ssize_t r;
	while ((r = read(p[0], buf + n, cap - n - 1)) != 0) {
		if (r < 0) {
			if (errno == EINTR)
				continue;
			break;
		}
		n += (size_t)r;
		if (cap - n < 2 && (buf = realloc(buf, cap *= 2)) == NULL)
			abort();
	}
	buf[n] = 0;
	close(p[0]);
	if (st.st_pid > 0)
		wait_fg(sh, &st, 1), status = st.st_status;
	sh->sh_substatus = status;
	free_stage(&st);
	return buf;
}
