/* chown: change a file's owner and group (OWNER[:GROUP], names from /etc/passwd and /etc/group, or numbers). */
#include <errno.h>
#include <grp.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static int usage(void)
{
	fprintf(stderr, "usage: chown [-h] OWNER[:GROUP] FILE...  (or :GROUP)\n");
	return 2;
}

/* A number, or the id of a name: 0 and *id, or -1. */
static int parse_id(const char *s, int group, unsigned *id)
{
	char *end;
	unsigned long v = strtoul(s, &end, 10);
	if (*s && *end == 0) {
		*id = (unsigned)v;
		return 0;
	}
	if (group) {
		struct group *g = getgrnam(s);
		return g ? (*id = g->gr_gid, 0) : -1;
	}
	struct passwd *p = getpwnam(s);
	return p ? (*id = p->pw_uid, 0) : -1;
}

int main(int argc, char **argv)
{
	int nofollow = 0, c;
	while ((c = getopt(argc, argv, "h")) != -1) {
		if (c != 'h')
			return usage();
		nofollow = 1;
	}
	if (argc - optind < 2)
		return usage();
	char spec[128];
	snprintf(spec, sizeof spec, "%s", argv[optind]);
	char *colon = strchr(spec, ':');
	if (colon)
		*colon++ = 0;
	unsigned uid = (unsigned)-1, gid = (unsigned)-1;
	if (spec[0] && parse_id(spec, 0, &uid) < 0) {
		fprintf(stderr, "chown: %s: no such user\n", spec);
		return 1;
	}
	if (colon && *colon && parse_id(colon, 1, &gid) < 0) {
		fprintf(stderr, "chown: %s: no such group\n", colon);
		return 1;
	}
	if (!spec[0] && !(colon && *colon))
		return usage();
	int status = 0;
	for (int i = optind + 1; i < argc; i++) {
		int r = nofollow ? lchown(argv[i], uid, gid) : chown(argv[i], uid, gid);
		if (r < 0) {
			fprintf(stderr, "chown: %s: %s\n", argv[i], strerror(errno));
			status = 1;
		}
	}
	return status;
}
