/* <sys/sched.h>: see <sched.h> (QSOE's, over sys/neutrino.h). */
#include <sched.h>
