/* qsh's variables: a list of NAME=value with an export flag, the environment built from
 * it for each spawn, and the positional parameters. No system calls (host-tested). */
#include <stdlib.h>
#include <string.h>
#include "qsh.h"

static char *xstrdup(const char *s)
{
	char *t = strdup(s);
	if (t == NULL)
		abort();
	return t;
}

static struct var *find(struct shell *sh, const char *name)
{
	for (struct var *v = sh->sh_vars; v; v = v->v_next)
		if (strcmp(v->v_name, name) == 0)
			return v;
	return NULL;
}

/* Every NAME=value of the environment becomes an exported variable. */
void vars_init(struct shell *sh, char **environ)
{
	for (char **e = environ; e && *e; e++) {
		const char *eq = strchr(*e, '=');
		if (eq == NULL || !is_name(*e, (size_t)(eq - *e)))
			continue;
		char *name = xstrdup(*e);
		name[eq - *e] = 0;
		var_set(sh, name, eq + 1);
		var_export(sh, name);
		free(name);
	}
}

void vars_free(struct shell *sh)
{
	while (sh->sh_vars) {
		struct var *v = sh->sh_vars;
		sh->sh_vars = v->v_next;
		free(v->v_name);
		free(v->v_value);
		free(v);
	}
	for (int i = 0; i < sh->sh_argc; i++)
		free(sh->sh_argv[i]);
	free(sh->sh_argv);
	sh->sh_argv = NULL;
	sh->sh_argc = 0;
	free(sh->sh_arg0);
	sh->sh_arg0 = NULL;
}

/* The value of a variable, or NULL if it is not set. */
const char *var_get(struct shell *sh, const char *name)
{
	struct var *v = find(sh, name);
	return v ? v->v_value : NULL;
}

int var_set(struct shell *sh, const char *name, const char *value)
{
	if (!is_name(name, strlen(name)))
		return -1;
	struct var *v = find(sh, name);
	if (v == NULL) {
		v = calloc(1, sizeof *v);
		if (v == NULL)
			abort();
		v->v_name = xstrdup(name);
		v->v_next = sh->sh_vars;
		sh->sh_vars = v;
	}
	char *val = xstrdup(value);
	free(v->v_value);
	v->v_value = val;
	return 0;
}

/* Marks name for the environment of commands (an unset name becomes set and empty). */
void var_export(struct shell *sh, const char *name)
{
	struct var *v = find(sh, name);
	if (v == NULL && var_set(sh, name, "") == 0)
		v = find(sh, name);
	if (v)
		v->v_export = 1;
}

int var_unset(struct shell *sh, const char *name)
{
	if (!is_name(name, strlen(name)))
		return -1;
	for (struct var **pp = &sh->sh_vars; *pp; pp = &(*pp)->v_next) {
		struct var *v = *pp;
		if (strcmp(v->v_name, name) == 0) {
			*pp = v->v_next;
			free(v->v_name);
			free(v->v_value);
			free(v);
			break;
		}
	}
	return 0;
}

static int name_in(const char *name, char **extra, int nextra)
{
	size_t n = strlen(name);
	for (int i = 0; i < nextra; i++)
		if (strncmp(extra[i], name, n) == 0 && extra[i][n] == '=')
			return 1;
	return 0;
}

/* The environment for a command: the exported variables, with extra (NAME=value strings,
 * a command's own assignments) in place of any of the same name. */
char **var_environ(struct shell *sh, char **extra, int nextra)
{
	int n = nextra;
	for (struct var *v = sh->sh_vars; v; v = v->v_next)
		n += v->v_export;
	char **env = calloc((size_t)n + 1, sizeof *env);
	if (env == NULL)
		abort();
	int k = 0;
	for (struct var *v = sh->sh_vars; v; v = v->v_next) {
		if (!v->v_export || name_in(v->v_name, extra, nextra))
			continue;
		size_t ln = strlen(v->v_name), lv = strlen(v->v_value);
		char *s = malloc(ln + lv + 2);
		if (s == NULL)
			abort();
		memcpy(s, v->v_name, ln);
		s[ln] = '=';
		memcpy(s + ln + 1, v->v_value, lv + 1);
		env[k++] = s;
	}
	for (int i = 0; i < nextra; i++)
		env[k++] = xstrdup(extra[i]);
	env[k] = NULL;
	return env;
}

void free_strv(char **v)
{
	for (char **p = v; p && *p; p++)
		free(*p);
	free(v);
}

/* $1.. become copies of argv[0..argc-1]. */
void set_args(struct shell *sh, char **argv, int argc)
{
	char **nv = calloc((size_t)argc + 1, sizeof *nv);
	if (nv == NULL)
		abort();
	for (int i = 0; i < argc; i++)
		nv[i] = xstrdup(argv[i]);
	for (int i = 0; i < sh->sh_argc; i++)
		free(sh->sh_argv[i]);
	free(sh->sh_argv);
	sh->sh_argv = nv;
	sh->sh_argc = argc;
}
