/* uname: print the system's name (-s, the default), node (-n), release (-r), version (-v),
 * machine (-m), or all of them (-a), in that order. */
#include <stdio.h>
#include <string.h>
#include <errno.h>
#include <unistd.h>
#include <sys/utsname.h>

enum { SYS = 1, NODE = 2, REL = 4, VER = 8, MACH = 16 };

int main(int argc, char **argv)
{
	int c, which = 0;
	while ((c = getopt(argc, argv, "asnrvm")) != -1) {
		switch (c) {
		case 'a': which |= SYS | NODE | REL | VER | MACH; break;
		case 's': which |= SYS; break;
		case 'n': which |= NODE; break;
		case 'r': which |= REL; break;
		case 'v': which |= VER; break;
		case 'm': which |= MACH; break;
		default: goto usage;
		}
	}
	if (optind != argc)
		goto usage;
	struct utsname u;
	if (uname(&u) < 0) {
		fprintf(stderr, "uname: %s\n", strerror(errno));
		return 1;
	}
	const char *field[] = { u.sysname, u.nodename, u.release, u.version, u.machine };
	const char *sep = "";
	for (int i = 0; i < 5; i++) {
		if ((which ? which : SYS) & (1 << i)) {
			printf("%s%s", sep, field[i]);
			sep = " ";
		}
	}
	putchar('\n');
	return 0;
usage:
	fprintf(stderr, "usage: uname [-asnrvm]\n");
	return 2;
}
