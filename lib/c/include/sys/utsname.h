/* <sys/utsname.h>: uname() for QSOE (picolibc has none). */
#ifndef _SYS_UTSNAME_H
#define _SYS_UTSNAME_H

#define _UTSNAME_LENGTH	64

struct utsname {
	char	sysname[_UTSNAME_LENGTH];	/* "QSOE" */
	char	nodename[_UTSNAME_LENGTH];	/* the host name (sethostname) */
	char	release[_UTSNAME_LENGTH];
	char	version[_UTSNAME_LENGTH];
	char	machine[_UTSNAME_LENGTH];	/* "riscv64" */
};

int	uname(struct utsname *u);

#endif
