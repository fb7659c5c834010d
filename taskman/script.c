/* The boot script and the run= bootarg: what taskman starts once it serves. */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <stdlib.h>
#include "taskman.h"
#include "glue.h"
#include "proc.h"

static pid_t run_pid;
static char run_name[64];

static void run_ended(pid_t pid, int wstatus)
{
	if (pid != run_pid)
		return;
	if ((wstatus & 0x7f) == 0) {
		int code = (wstatus >> 8) & 0xff;
		printf("taskman: run %s exited %d\n", run_name, code);
		tm_shutdown(code != 0);
	}
	printf("taskman: run %s killed by signal %d\n", run_name, wstatus & 0x7f);
	tm_shutdown(1);
}

void script_start(int argc, char **argv)
{
	const char *run = NULL;
	for (int i = 1; i < argc; i++)
		if (strncmp(argv[i], "run=", 4) == 0)
			run = argv[i] + 4;
	if (run == NULL) {
		printf("taskman: no boot script runner yet; idle\n");
		return;
	}
	char *words[32];
	int n = 0;
	static char buf[256];
	strncpy(buf, run, sizeof buf - 1);
	for (char *w = strtok(buf, ","); w && n < 31; w = strtok(NULL, ","))
		words[n++] = w;
	words[n] = NULL;
	if (n == 0) {
		printf("taskman: run= names no program\n");
		tm_shutdown(1);
	}
	strncpy(run_name, words[0], sizeof run_name - 1);
	procmgr_on_end(run_ended);
	run_pid = procmgr_spawn_self(words[0], n, words);
	if (run_pid < 0) {
		printf("taskman: run %s: cannot spawn (error %d)\n", run_name, -run_pid);
		tm_shutdown(1);
	}
}
