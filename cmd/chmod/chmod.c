/* chmod: change file modes, as an octal number or symbolically (u+x, go-w, a=r,u+w). */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static int usage(void)
{
	fprintf(stderr, "usage: chmod MODE FILE...  (MODE: octal, or [ugoa]*[+-=][rwxst]* ,...)\n");
	return 2;
}

/* The permission bits of letters for the classes in who (u g o bits). */
static mode_t bits(const char *perm, size_t n, mode_t who, mode_t old)
{
	mode_t m = 0;
	for (size_t i = 0; i < n; i++) {
		switch (perm[i]) {
		case 'r': m |= 0444; break;
		case 'w': m |= 0222; break;
		case 'x': m |= 0111; break;
		case 'X': if (S_ISDIR(old) || (old & 0111)) m |= 0111; break;
		case 's': m |= 06000; break;
		case 't': m |= 01000; break;
		}
	}
	mode_t mask = 01000;		/* sticky: not a class of its own */
	if (who & 0700)
		mask |= 04700;
	if (who & 0070)
		mask |= 02070;
	if (who & 0007)
		mask |= 0007;
	return m & mask;
}

/* Apply a symbolic mode to old: 0 and *out, or -1 for a malformed one. */
static int symbolic(const char *spec, mode_t old, mode_t *out)
{
	mode_t m = old & 07777;
	for (const char *p = spec; *p; p++) {
		mode_t who = 0;
		for (; *p && strchr("ugoa", *p); p++)
			who |= *p == 'u' ? 0700 : *p == 'g' ? 0070 : *p == 'o' ? 0007 : 0777;
		int all = who == 0;
		if (all)		/* no class: all, less the umask's bits */
			who = 0777;
		if (!*p || !strchr("+-=", *p))
			return -1;
		while (*p && strchr("+-=", *p)) {
			char op = *p++;
			size_t n = strcspn(p, "+-=,");
			if (strspn(p, "rwxXst") < n)
				return -1;
			mode_t b = bits(p, n, who, old);
			if (all && op != '=') {
				mode_t um = umask(0);
				umask(um);
				b &= ~um | 07000;
			}
			if (op == '+')
				m |= b;
			else if (op == '-')
				m &= ~b;
			else
				m = (m & ~bits("rwxst", 5, who, old)) | b;
			p += n;
		}
		if (*p != ',')
			break;
	}
	*out = m;
	return 0;
}

int main(int argc, char **argv)
{
	if (argc < 3)
		return usage();
	const char *spec = argv[1];
	char *end;
	long octal = strtol(spec, &end, 8);
	int is_octal = *spec >= '0' && *spec <= '7' && *end == 0;
	if (is_octal && (octal < 0 || octal > 07777))
		return usage();
	mode_t probe;
	if (!is_octal && symbolic(spec, 0, &probe) < 0)
		return usage();
	int status = 0;
	for (int i = 2; i < argc; i++) {
		struct stat st;
		mode_t m = (mode_t)octal;
		if (!is_octal) {
			if (stat(argv[i], &st) < 0) {
				fprintf(stderr, "chmod: %s: %s\n", argv[i], strerror(errno));
				status = 1;
				continue;
			}
			symbolic(spec, st.st_mode, &m);
		}
		if (chmod(argv[i], m) < 0) {
			fprintf(stderr, "chmod: %s: %s\n", argv[i], strerror(errno));
			status = 1;
		}
	}
	return status;
}
