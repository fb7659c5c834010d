/* hello: the smallest libc program: stdio through our write(), exit status 0. */
#include <stdio.h>

int main(int argc, char **argv)
{
	printf("hello: %d args, argv[0] %s\n", argc, argc > 0 ? argv[0] : "(none)");
	return 0;
}
