/* ufault: a user program that touches memory it does not have. The kernel must end
 * this process (and only it) without panicking. */
#include <sys/neutrino.h>
#include "qsys.h"

int main(void)
{
	qs_puts("ufault: about to load from an unmapped address\n");
	volatile int *bad = (volatile int *)0x3000000000;
	int v = *bad;
	qs_printf("ufault: survived the load (%d), which is wrong\n", v);
	return 0;
}
