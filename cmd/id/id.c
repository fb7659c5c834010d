/* id: the caller's user and group ids, with names from /etc/passwd and /etc/group. */
/*
 * `id` prints "uid=1000(user) gid=1000(user) groups=1000(user),10(wheel)" (euid= and
 * egid= too when they differ from the real ids); -u, -g, -G print only the effective
 * uid, the effective gid or every group, -n names instead of numbers.
 */
#include <grp.h>
#include <pwd.h>
#include <stdio.h>
#include <unistd.h>

#define GROUPS_MAX	16

static void usage(void)
{
	fprintf(stderr, "usage: id [-u | -g | -G] [-n]\n");
}

static void put_user(const char *key, uid_t u)
{
	struct passwd *pw = getpwuid(u);
	printf("%s%u", key, (unsigned)u);
	if (pw)
		printf("(%s)", pw->pw_name);
}

static void put_group(const char *key, gid_t g)
{
	struct group *gr = getgrgid(g);
	printf("%s%u", key, (unsigned)g);
	if (gr)
		printf("(%s)", gr->gr_name);
}

/* A lone id for -u/-g/-G: its name with -n (the number if it has none). */
static void put_one(unsigned id, const char *name, int names)
{
	if (names && name)
		printf("%s", name);
	else
		printf("%u", id);
}

/* The supplementary groups, the effective gid first if they lack it. */
static int all_groups(gid_t *list)
{
	int n = getgroups(GROUPS_MAX - 1, list);
	if (n < 0)
		n = 0;
	gid_t eg = getegid();
	for (int i = 0; i < n; i++)
		if (list[i] == eg)
			return n;
	for (int i = n; i > 0; i--)
		list[i] = list[i - 1];
	list[0] = eg;
	return n + 1;
}

int main(int argc, char **argv)
{
	int c, mode = 0, names = 0;
	while ((c = getopt(argc, argv, "ugGn")) != -1) {
		if (c == 'n') {
			names = 1;
		} else if (c == '?' || (mode && mode != c)) {
			usage();
			return 2;
		} else {
			mode = c;
		}
	}
	if (optind < argc || (names && !mode)) {
		usage();
		return 2;
	}
	uid_t ru = getuid(), eu = geteuid();
	gid_t rg = getgid(), eg = getegid();
	gid_t list[GROUPS_MAX];
	int n = all_groups(list);
	if (mode == 'u') {
		struct passwd *pw = getpwuid(eu);
		put_one(eu, pw ? pw->pw_name : NULL, names);
	} else if (mode == 'g') {
		struct group *gr = getgrgid(eg);
		put_one(eg, gr ? gr->gr_name : NULL, names);
	} else if (mode == 'G') {
		for (int i = 0; i < n; i++) {
			struct group *gr = getgrgid(list[i]);
			if (i)
				putchar(' ');
			put_one(list[i], gr ? gr->gr_name : NULL, names);
		}
	} else {
		put_user("uid=", ru);
		put_group(" gid=", rg);
		if (eu != ru)
			put_user(" euid=", eu);
		if (eg != rg)
			put_group(" egid=", eg);
		for (int i = 0; i < n; i++)
			put_group(i ? "," : " groups=", list[i]);
	}
	printf("\n");
	return 0;
}
