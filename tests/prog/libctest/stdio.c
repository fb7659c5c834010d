/* libctest: stdio through our write: streams on /tmp files, buffering modes, stdout on the console. */
#include <devctl.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>
#include <sys/iomsg.h>
#include <sys/stat.h>
#include "libctest.h"

#define F	LT_DIR "/stdio"

static long size_of(const char *path)
{
	struct stat st;
	return stat(path, &st) == 0 ? (long)st.st_size : -1;
}

static void formatted(void)
{
	FILE *f = fopen(F, "w");
	int w1 = f ? fprintf(f, "%d %s %.2f %x\n", 42, "word", 3.14159, 255) : -1;
	int w2 = f ? fputs("second line\n", f) : -1;
	int c = f ? fclose(f) : -1;
	check("libc-stdio-fprintf-fputs-fclose", f && w1 == 16 && w2 >= 0 && c == 0 &&
	      size_of(F) == 28, "fopen %p fprintf %d fputs %d fclose %d size %ld", (void *)f,
	      w1, w2, c, size_of(F));

	char l1[64] = "", l2[64] = "";
	f = fopen(F, "r");
	char *g1 = f ? fgets(l1, sizeof l1, f) : NULL;
	char *g2 = f ? fgets(l2, sizeof l2, f) : NULL;
	char *g3 = f ? fgets(l2 + 40, 10, f) : (char *)1;
	int eof = f && feof(f);
	check("libc-stdio-fgets-lines-then-eof", g1 && g2 && !g3 && eof &&
	      !strcmp(l1, "42 word 3.14 ff\n") && !strcmp(l2, "second line\n"),
	      "'%s' '%s' eof %d", l1, l2, eof);

	int n = -1, x = 0;
	double d = 0;
	char word[16] = "";
	if (f)
		rewind(f);
	int got = f ? fscanf(f, "%d %15s %lf %x", &n, word, &d, &x) : -1;
	check("libc-stdio-fscanf", got == 4 && n == 42 && !strcmp(word, "word") &&
	      d > 3.139 && d < 3.141 && x == 255, "got %d: %d '%s' %f %x", got, n, word, d, x);
	if (f)
		fclose(f);
}

static void binary(void)
{
	static unsigned char out[10000], in[10000];
	for (unsigned i = 0; i < sizeof out; i++)
		out[i] = (unsigned char)(i * 7 + (i >> 8));
	FILE *f = fopen(F, "w+");
	size_t w = f ? fwrite(out, 1, sizeof out, f) : 0;
	long end = f ? ftell(f) : -1;
	int s = f ? fseek(f, 0, SEEK_SET) : -1;
	size_t r = f ? fread(in, 1, sizeof in, f) : 0;
	size_t r2 = f ? fread(in, 1, 1, f) : 1;
	check("libc-stdio-fwrite-fread-10000", w == sizeof out && end == 10000 && s == 0 &&
	      r == sizeof in && r2 == 0 && !memcmp(in, out, sizeof in),
	      "fwrite %zu ftell %ld fread %zu", w, end, r);
	int s2 = f ? fseek(f, -10, SEEK_END) : -1;
	long at = f ? ftell(f) : -1;
	int ch = f ? getc(f) : -1;
	check("libc-stdio-fseek-end-getc", s2 == 0 && at == 9990 && ch == out[9990],
	      "fseek %d ftell %ld getc %d", s2, at, ch);
	if (f)
		fclose(f);

	f = fopen(F, "a");
	if (f) {
		fputs("tail", f);
		fclose(f);
	}
	check("libc-stdio-append-mode", size_of(F) == 10004, "size %ld", size_of(F));
	errno = 0;
	f = fopen(LT_DIR "/no/such", "r");
	check("libc-stdio-fopen-missing-enoent", f == NULL && errno == ENOENT, "errno %d", errno);
}

/* What the file holds shows when the stream's buffer went out. */
static void buffering(void)
{
	FILE *f = fopen(F, "w");
	if (f)
		fputs("abc", f);
	long before = size_of(F);
	int fl = f ? fflush(f) : -1;
	long after = size_of(F);
	check("libc-stdio-file-fully-buffered-until-fflush", f && before == 0 && fl == 0 &&
	      after == 3, "before %ld after %ld", before, after);

	int v = f ? setvbuf(f, NULL, _IONBF, 0) : -1;
	if (f)
		fputs("xyz", f);
	check("libc-stdio-setvbuf-unbuffered", v == 0 && size_of(F) == 6, "setvbuf %d size %ld",
	      v, size_of(F));

	static char lbuf[128];
	v = f ? setvbuf(f, lbuf, _IOLBF, sizeof lbuf) : -1;
	if (f)
		fputs("line", f);
	long mid = size_of(F);
	if (f)
		fputs(" end\n", f);
	check("libc-stdio-setvbuf-line-buffered", v == 0 && mid == 6 && size_of(F) == 15,
	      "setvbuf %d size %ld then %ld", v, mid, size_of(F));
	if (f)
		fclose(f);

	f = fopen(F, "r");
	int fd = f ? fileno(f) : -1;
	struct stat a, b;
	check("libc-stdio-fileno", fd > 2 && fstat(fd, &a) == 0 && stat(F, &b) == 0 &&
	      a.st_ino == b.st_ino, "fd %d", fd);
	if (f)
		fclose(f);
	char s[8];
	volatile size_t cap = sizeof s;		/* not a constant: gcc would warn of the cut */
	int n = snprintf(s, cap, "%s-%05d", "ab", 42);
	check("libc-stdio-snprintf-truncates", n == 8 && !strcmp(s, "ab-0004"), "n %d '%s'", n, s);
}

static long tx_bytes(void)
{
	struct _chr_stats st;
	tcdrain(1);
	if (devctl(1, DCMD_CHR_QSOE_STATS, &st, sizeof st, NULL) != 0)
		return -1;
	return (long)st.tx_bytes;
}

/* On the console, stdout goes out at each newline (the driver counts what it sends). */
static void line_buffered_stdout(void)
{
	if (!isatty(1)) {
		check("libc-stdio-stdout-line-buffered-on-tty", 0, "stdout is not a terminal");
		return;
	}
	fflush(stdout);
	long t0 = tx_bytes();
	printf("libctest: stdout holds this");
	long t1 = tx_bytes();
	printf(" until the newline\n");
	long t2 = tx_bytes();
	check("libc-stdio-stdout-line-buffered-on-tty", t0 >= 0 && t1 == t0 && t2 - t0 >= 46,
	      "sent %ld before the newline, %ld with it", t1 - t0, t2 - t0);
}

void test_stdio(void)
{
	formatted();
	binary();
	buffering();
	line_buffered_stdout();
	unlink(F);
}
