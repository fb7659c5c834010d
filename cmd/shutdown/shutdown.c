/* shutdown: write back every filesystem and power the machine off (root only), through taskman's _PROC_SHUTDOWN. */
#include <stdio.h>
#include <string.h>
#include <errno.h>
#include <unistd.h>
#include <sys/sysmgr.h>

int main(int argc, char **argv)
{
	if (getopt(argc, argv, "") != -1 || optind != argc) {
		fprintf(stderr, "usage: shutdown\n");
		return 2;
	}
	if (geteuid() != 0) {
		fprintf(stderr, "shutdown: %s\n", strerror(EPERM));
		return 1;
	}
	fflush(stdout);
	sync();			/* the filesystems' dirty blocks to their disks first */
	sysmgr_shutdown(SYSMGR_POWEROFF);
	fprintf(stderr, "shutdown: %s\n", strerror(errno));
	return 1;
}
