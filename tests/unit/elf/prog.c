/* Fixture for tests/unit/test_elf.c: a tiny freestanding RISC-V program with .text,
 * .rodata, .data, .bss and .tbss, so the linker emits RX, RW and TLS segments. */
static const char greeting[] = "hello from an ELF fixture";	/* .rodata */
int counter = 42;						/* .data */
char scratch[8192];						/* .bss, spans pages */
__thread int tls_word;						/* .tbss: a PT_TLS header */

static int sum(const char *s)
{
	int n = 0;
	while (*s)
		n += *s++;
	return n;
}

void _start(void)
{
	scratch[counter] = (char)sum(greeting);
	scratch[8000] = greeting[1];
	tls_word = scratch[counter];
	for (;;)
		;
}
