/* whoami: the name of the effective user (its number if /etc/passwd has none). */
#include <pwd.h>
#include <stdio.h>
#include <unistd.h>

int main(int argc, char **argv)
{
	if (argc > 1) {
		fprintf(stderr, "usage: whoami\n");
		return 2;
	}
	uid_t u = geteuid();
	struct passwd *pw = getpwuid(u);
	if (pw)
		printf("%s\n", pw->pw_name);
	else
		printf("%u\n", (unsigned)u);
	return 0;
}
