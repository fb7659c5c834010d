/* Boot arguments: "key=value key2 ..." from /chosen/bootargs, kept in a private copy. */
#include <skimmer/kern.h>

#define BOOTARGS_MAX 512
#define BOOTARGS_KEYS 32

static char args[BOOTARGS_MAX];
static const char *keys[BOOTARGS_KEYS], *vals[BOOTARGS_KEYS];
static int nkeys;

void bootargs_init(const char *cmdline)
{
	char *p = args;
	strlcpy(args, cmdline ? cmdline : "", sizeof args);
	nkeys = 0;
	while (*p && nkeys < BOOTARGS_KEYS) {
		while (*p == ' ' || *p == '\t')
			*p++ = '\0';
		if (!*p)
			break;
		bool split = false;
		keys[nkeys] = p;
		vals[nkeys] = "";
		for (; *p && *p != ' ' && *p != '\t'; p++) {
			if (*p == '=' && !split) {	/* the first '=' ends the key */
				*p = '\0';
				vals[nkeys] = p + 1;
				split = true;
			}
		}
		nkeys++;
	}
}

/* The value of the last `key=value` given, "" for a bare `key`, NULL if absent. */
const char *bootarg(const char *key)
{
	for (int i = nkeys - 1; i >= 0; i--)
		if (strcmp(keys[i], key) == 0)
			return vals[i];
	return NULL;
}

long bootarg_num(const char *key, long dflt)
{
	const char *v = bootarg(key);
	char *end;
	if (v == NULL || *v == '\0')
		return dflt;
	long n = (long)strtoul(v, &end, 0);
	return *end == '\0' ? n : dflt;
}
