/* pipe: the pipe server (`pipe [PATH]`, PATH default /dev/pipe); the handlers are in pipe.c. */
#include <sys/neutrino.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/procmsg.h>
#include <resmgr.h>
#include "pipe.h"

int main(int argc, char **argv)
{
	const char *path = "/dev/pipe";
	if (argc > 2 || (argc == 2 && argv[1][0] != '/')) {
		fprintf(stderr, "usage: pipe [PATH]\n");
		return 2;
	}
	if (argc == 2)
		path = argv[1];
	pipe_init();
	struct resmgr *rm = resmgr_create(&pipe_funcs, NULL);
	if (!rm) {
		fprintf(stderr, "pipe: resmgr_create: %s\n", strerror(errno));
		return 1;
	}
	if (resmgr_attach(rm, path, _FTYPE_ANY, _RESMGR_FLAG_DIR, NULL) < 0) {
		fprintf(stderr, "pipe: attach %s: %s\n", path, strerror(errno));
		return 1;
	}
	resmgr_run(rm);
}
