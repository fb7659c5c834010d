/* Host tests for libc's account files (lib/c/acct.c, pwd.c, grp.c, shadow.c): parsing
 * passwd, group and shadow lines from streams, malformed and overlong lines skipped,
 * ERANGE, putspent's round trip, and lookups in the host's own /etc/passwd and /etc/group. */
/* SOURCES: lib/c/acct.c lib/c/pwd.c lib/c/grp.c lib/c/shadow.c */
/* CFLAGS: -Ilib/c */
#include "test.h"
#include <errno.h>
#include <pwd.h>
#include <grp.h>
#include <shadow.h>
#include "acct.h"

/* A stream holding text. */
static FILE *stream(const char *text)
{
	FILE *f = tmpfile();
	fputs(text, f);
	rewind(f);
	return f;
}

TEST(passwd_lines)
{
	FILE *f = stream("# comment\n\nroot:x:0:0:Super User:/root:/bin/qsh\n"
			 "bad:x:notanumber:0::/:/bin/qsh\n"
			 "short:x:1:1\n"
			 ":x:5:5::/:/bin/qsh\n"
			 "user:x:1000:1000::/home/user:/bin/qsh\n"
			 "big:x:99999999999:0::/:/bin/qsh\n"
			 "last:x:7:8:::");			/* no newline at the end */
	struct passwd pw, *res;
	char buf[256];
	CHECK_EQ(fgetpwent_r(f, &pw, buf, sizeof buf, &res), 0);
	CHECK(res == &pw && !strcmp(pw.pw_name, "root") && pw.pw_uid == 0 && pw.pw_gid == 0);
	CHECK(!strcmp(pw.pw_gecos, "Super User") && !strcmp(pw.pw_dir, "/root"));
	CHECK(!strcmp(pw.pw_shell, "/bin/qsh") && !strcmp(pw.pw_passwd, "x"));
	CHECK_EQ(fgetpwent_r(f, &pw, buf, sizeof buf, &res), 0);
	CHECK(!strcmp(pw.pw_name, "user") && pw.pw_uid == 1000 && pw.pw_gid == 1000);
	CHECK(!strcmp(pw.pw_dir, "/home/user"));
	CHECK_EQ(fgetpwent_r(f, &pw, buf, sizeof buf, &res), 0);
	CHECK(!strcmp(pw.pw_name, "last") && pw.pw_uid == 7 && pw.pw_gid == 8);
	CHECK(!strcmp(pw.pw_dir, "") && !strcmp(pw.pw_shell, ""));
	CHECK_EQ(fgetpwent_r(f, &pw, buf, sizeof buf, &res), ENOENT);
	CHECK(res == NULL);
	fclose(f);
}

TEST(passwd_erange_and_overlong_lines)
{
	char text[3000];
	memset(text, 'a', 2000);				/* a line over ACCT_LINE_MAX */
	strcpy(text + 2000, ":x:1:1::/:/\nok:x:2:2::/home/ok:/bin/qsh\n");
	FILE *f = stream(text);
	struct passwd pw, *res;
	char small[8], buf[64];
	CHECK_EQ(fgetpwent_r(f, &pw, small, sizeof small, &res), ERANGE);
	CHECK(res == NULL);
	rewind(f);
	CHECK_EQ(fgetpwent_r(f, &pw, buf, sizeof buf, &res), 0);
	CHECK(!strcmp(pw.pw_name, "ok") && pw.pw_uid == 2);
	fclose(f);
}

TEST(group_lines_and_members)
{
	FILE *f = stream("wheel:x:10:root,user\nusers:x:100:\nodd:*:7:a,,b,\n"
			 "nogid:x::a\n");
	struct group gr, *res;
	char buf[256] __attribute__((aligned(8)));
	CHECK_EQ(fgetgrent_r(f, &gr, buf, sizeof buf, &res), 0);
	CHECK(!strcmp(gr.gr_name, "wheel") && gr.gr_gid == 10);
	CHECK(gr.gr_mem[0] && !strcmp(gr.gr_mem[0], "root"));
	CHECK(gr.gr_mem[1] && !strcmp(gr.gr_mem[1], "user") && gr.gr_mem[2] == NULL);
	CHECK_EQ(fgetgrent_r(f, &gr, buf, sizeof buf, &res), 0);
	CHECK(!strcmp(gr.gr_name, "users") && gr.gr_gid == 100 && gr.gr_mem[0] == NULL);
	CHECK_EQ(fgetgrent_r(f, &gr, buf, sizeof buf, &res), 0);
	CHECK(!strcmp(gr.gr_mem[0], "a") && !strcmp(gr.gr_mem[1], "b") && !gr.gr_mem[2]);
	CHECK_EQ(fgetgrent_r(f, &gr, buf, sizeof buf, &res), ENOENT);
	rewind(f);
	char tight[24];				/* the strings fit, the member pointers do not */
	CHECK_EQ(fgetgrent_r(f, &gr, tight, sizeof tight, &res), ERANGE);
	fclose(f);
}

TEST(shadow_lines_and_putspent_round_trip)
{
	FILE *f = stream("root:$6$ab$hash:19000:0:99999:7:::\nuser:!:::::::\n"
			 "bad:x:1:2:3\nneg:x:-1:::::::\n");
	struct spwd sp, *res;
	char buf[256];
	CHECK_EQ(fgetspent_r(f, &sp, buf, sizeof buf, &res), 0);
	CHECK(!strcmp(sp.sp_namp, "root") && !strcmp(sp.sp_pwdp, "$6$ab$hash"));
	CHECK(sp.sp_lstchg == 19000 && sp.sp_min == 0 && sp.sp_max == 99999);
	CHECK(sp.sp_warn == 7 && sp.sp_inact == -1 && sp.sp_expire == -1);
	CHECK(sp.sp_flag == (unsigned long)-1);
	CHECK_EQ(fgetspent_r(f, &sp, buf, sizeof buf, &res), 0);
	CHECK(!strcmp(sp.sp_namp, "user") && !strcmp(sp.sp_pwdp, "!") && sp.sp_lstchg == -1);
	CHECK_EQ(fgetspent_r(f, &sp, buf, sizeof buf, &res), ENOENT);	/* bad, neg skipped */
	fclose(f);

	f = tmpfile();
	struct spwd out = { "root", "$6$ab$hash", 19000, 0, 99999, 7, -1, -1, (unsigned long)-1 };
	CHECK_EQ(putspent(&out, f), 0);
	out.sp_namp = "user";
	out.sp_pwdp = "$6$cd$other";
	out.sp_lstchg = -1;
	CHECK_EQ(putspent(&out, f), 0);
	out.sp_pwdp = "bad:hash";
	CHECK_EQ(putspent(&out, f), -1);
	CHECK_EQ(errno, EINVAL);
	rewind(f);
	char text[256];
	size_t n = fread(text, 1, sizeof text - 1, f);
	text[n] = 0;
	CHECK(!strcmp(text, "root:$6$ab$hash:19000:0:99999:7:::\n"
			    "user:$6$cd$other::0:99999:7:::\n"));
	rewind(f);
	CHECK_EQ(fgetspent_r(f, &sp, buf, sizeof buf, &res), 0);
	CHECK(!strcmp(sp.sp_pwdp, "$6$ab$hash") && sp.sp_max == 99999);
	fclose(f);
}

/* The host's own files (every Linux has root with uid 0 and a group 0). */
TEST(lookups_in_host_files)
{
	struct passwd pw, *res;
	char buf[1024] __attribute__((aligned(8)));
	CHECK_EQ(getpwnam_r("root", &pw, buf, sizeof buf, &res), 0);
	CHECK(res == &pw && pw.pw_uid == 0);
	CHECK_EQ(getpwuid_r(0, &pw, buf, sizeof buf, &res), 0);
	CHECK(res && !strcmp(pw.pw_name, "root"));
	CHECK_EQ(getpwnam_r("no-such-user-here", &pw, buf, sizeof buf, &res), 0);
	CHECK(res == NULL);
	struct passwd *p = getpwnam("root");
	CHECK(p && p->pw_uid == 0);
	errno = 0;
	CHECK(getpwnam("no-such-user-here") == NULL && errno == 0);
	struct group *g = getgrgid(0);
	CHECK(g && getgrnam(g->gr_name) && getgrnam(g->gr_name)->gr_gid == 0);
	int seen = 0;
	setpwent();
	while ((p = getpwent()))
		seen += p->pw_uid == 0;
	endpwent();
	CHECK(seen >= 1);
	gid_t list[2];
	int n = 2;
	CHECK(getgrouplist("root", 12345, list, &n) >= 1 && list[0] == 12345);
	n = 0;
	CHECK_EQ(getgrouplist("root", 12345, list, &n), -1);
	CHECK(n >= 1);
}
