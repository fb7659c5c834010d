/* <sys/_sigset.h>: picolibc's internal sigset type, made QSOE's (sys/neutrino.h). */
#ifndef _QSOE_SYS__SIGSET_H
#define _QSOE_SYS__SIGSET_H
#include <sys/neutrino.h>
typedef sigset_t __sigset_t;
#ifndef _SIGSET_T_DECLARED
#define _SIGSET_T_DECLARED
#endif
#endif
