/* sync: every mounted filesystem writes back its dirty blocks (libc's sync()). */
#include <stdio.h>
#include <unistd.h>

int main(int argc, char **argv)
{
	if (argc > 1) {
		fprintf(stderr, "usage: sync\n");
		return 2;
	}
	sync();
	return 0;
}
