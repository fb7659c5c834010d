/* passwd: change a password in /etc/shadow (a fresh salted SHA-512 crypt hash). */
/*
 * `passwd [USER]`: asks the current password (not for root), then the new one twice,
 * and rewrites /etc/shadow: every line is copied to /etc/shadow.new (made O_EXCL, so two
 * passwds cannot interleave), the user's line replaced, the copy synced and renamed over
 * the old file, so a crash leaves the old or the new file, never half of one. Only root
 * may change another user's password. passwd is set-user-ID root (mode 04755): the real
 * uid says who asks, the effective one lets it write /etc/shadow; without that bit a
 * user's passwd says it cannot write the file.
 */
#include <crypt.h>
#include <errno.h>
#include <fcntl.h>
#include <pwd.h>
#include <shadow.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#define SHADOW		"/etc/shadow"
#define SHADOW_NEW	"/etc/shadow.new"
#define NAME_LEN	64
#define HASH_LEN	CRYPT_OUTPUT_SIZE

static void fail(const char *what, int e)
{
	fprintf(stderr, "passwd: %s: %s\n", what, strerror(e));
	exit(1);
}

static void refuse(const char *why)
{
	fprintf(stderr, "passwd: %s\n", why);
	exit(1);
}

/* Ask twice for the new password; its hash with a new salt in hash. */
static void new_hash(char hash[HASH_LEN])
{
	char first[129], salt[CRYPT_SALT_SIZE];
	const char *p = getpass("New password: ");
	if (!p)
		exit(1);
	if (!p[0])
		refuse("empty password refused");
	snprintf(first, sizeof first, "%s", p);
	p = getpass("Retype new password: ");
	if (!p || strcmp(p, first) != 0)
		refuse("passwords do not match; password unchanged");
	const char *h = crypt(first, crypt_newsalt(salt));
	memset(first, 0, sizeof first);
	if (!h)
		fail("crypt", errno);
	snprintf(hash, HASH_LEN, "%s", h);
}

/* Copy in to out, writing sp instead of the line of sp's user (added at the end if
 * there was none): 0, or -1 with errno. */
static int copy_replacing(FILE *in, FILE *out, const struct spwd *sp)
{
	char line[1024];
	size_t nlen = strlen(sp->sp_namp);
	int at_start = 1, skipping = 0, done = 0;
	while (fgets(line, sizeof line, in)) {
		if (at_start) {
			skipping = !done && strncmp(line, sp->sp_namp, nlen) == 0 &&
				   line[nlen] == ':';
			if (skipping) {
				if (putspent(sp, out) < 0)
					return -1;
				done = 1;
			}
		}
		at_start = strchr(line, '\n') != NULL;
		if (!skipping && fputs(line, out) == EOF)
			return -1;
	}
	if (ferror(in))
		return -1;
	return done ? 0 : putspent(sp, out);
}

/* Replace user's hash in /etc/shadow through /etc/shadow.new and a rename. */
static void write_shadow(const struct spwd *sp)
{
	FILE *in = fopen(SHADOW, "r");
	if (!in)
		fail(SHADOW, errno);
	int fd = open(SHADOW_NEW, O_WRONLY | O_CREAT | O_EXCL, 0600);
	if (fd < 0) {
		if (errno == EEXIST)
			refuse(SHADOW_NEW " exists: another passwd is running, or remove it");
		fail(SHADOW_NEW, errno);
	}
	FILE *out = fdopen(fd, "w");
	if (!out || copy_replacing(in, out, sp) < 0 || fflush(out) == EOF || fsync(fd) < 0) {
		int e = errno;
		unlink(SHADOW_NEW);
		fail(SHADOW_NEW, e);
	}
	fclose(in);
	if (fclose(out) == EOF || rename(SHADOW_NEW, SHADOW) < 0) {
		int e = errno;
		unlink(SHADOW_NEW);
		fail(SHADOW, e);
	}
}

int main(int argc, char **argv)
{
	if (argc > 2 || (argc == 2 && argv[1][0] == '-')) {
		fprintf(stderr, "usage: passwd [USER]\n");
		return 2;
	}
	uid_t me = getuid();
	struct passwd *pw = argc == 2 ? getpwnam(argv[1]) : getpwuid(me);
	if (!pw) {
		fprintf(stderr, "passwd: %s: no such user\n", argc == 2 ? argv[1] : "you");
		return 1;
	}
	if (me != 0 && pw->pw_uid != me)
		refuse("only root may change another user's password");
	if (strcmp(pw->pw_passwd, "x") != 0)
		refuse("the password is not kept in /etc/shadow ('x' in /etc/passwd)");
	char name[NAME_LEN];
	snprintf(name, sizeof name, "%s", pw->pw_name);

	if (geteuid() != 0)
		refuse("cannot write " SHADOW ": passwd must be set-user-ID root (04755)");
	errno = 0;
	struct spwd *old = getspnam(name);
	if (!old && errno)
		fail(SHADOW, errno);
	struct spwd sp = { name, NULL, -1, -1, -1, -1, -1, -1, (unsigned long)-1 };
	char old_hash[HASH_LEN] = "";
	if (old) {
		sp = *old;
		sp.sp_namp = name;
		snprintf(old_hash, sizeof old_hash, "%s", old->sp_pwdp);
	}
	printf("Changing the password of %s\n", name);
	fflush(stdout);
	if (me != 0) {
		const char *cur = getpass("Current password: ");
		const char *h = cur ? crypt(cur, old_hash) : NULL;
		if (!h || strcmp(h, old_hash) != 0)
			refuse("Authentication failure; password unchanged");
	}
	char hash[HASH_LEN];
	new_hash(hash);
	sp.sp_pwdp = hash;
	sp.sp_lstchg = (long)(time(NULL) / 86400);
	write_shadow(&sp);
	printf("passwd: password of %s changed\n", name);
	return 0;
}
