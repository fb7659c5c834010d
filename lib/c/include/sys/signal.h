/* <sys/signal.h>: QSOE's signals live in <signal.h> (over sys/neutrino.h); picolibc's are replaced. */
#include <signal.h>
