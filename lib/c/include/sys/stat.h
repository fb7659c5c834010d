/* <sys/stat.h>: picolibc's, plus what it declares only for other targets (lstat, in file.c). */
#ifndef _QSOE_SYS_STAT_H
#define _QSOE_SYS_STAT_H

#include_next <sys/stat.h>

int	lstat(const char *__restrict path, struct stat *__restrict st);

#endif
