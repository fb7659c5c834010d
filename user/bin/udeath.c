/*
 * udeath: the process-death half of the disconnect rules, which the conformance pair
 * cannot reach because neither of its processes exits early. The kernel's test=user
 * runs one server, two exiters one after the other, then a checker. Its argument is
 * the role, role << 60 | server pid << 32 | server chid for the others:
 *   server   a _NTO_CHF_DISCONNECT channel; serves the others until told to exit,
 *            which it does with the checker REPLY-blocked and connected.
 *   exiter   connects three times (one connection), says hello, exits connected:
 *            the server must get one DISCONNECT pulse for it.
 *   checker  checks those pulses and the scoids, then has the server exit under it
 *            and checks its COIDDEATH pulses.
 */
#include <sys/neutrino.h>
#include "qsys.h"
#include "umsg.h"

#define ESRCH 3
#define EBADF 9

#define ROLE_SERVER  0
#define ROLE_EXITER  1
#define ROLE_CHECKER 2

enum { D_HELLO = 1, D_REPORT, D_DETACH, D_EXIT };

struct report {
	struct pulses pl;	/* what the server found queued */
	int hello[2];		/* the scoids of the exiters' hellos, in order */
};

static int server(void)
{
	struct report rep = { { 0 }, { 0, 0 } };
	int nhello = 0;
	int chid = ChannelCreate(_NTO_CHF_DISCONNECT);
	int self = ConnectAttach(0, 0, chid, _NTO_SIDE_CHANNEL, 0);
	for (;;) {
		struct _msg_info info;
		union {
			struct cmd c;
			struct _pulse p;
		} m;
		int rcvid = MsgReceive(chid, &m, sizeof m, &info);
		if (rcvid == 0) {	/* a pulse straight to us: we were waiting */
			if (rep.pl.n < 4)
				rep.pl.p[rep.pl.n] = m.p;
			rep.pl.n++;
			continue;
		}
		if (rcvid < 0) {
			qs_printf("udeath server: MsgReceive failed, errno %d\n", errno);
			return 1;
		}
		switch (m.c.cmd) {
		case D_HELLO:
			if (nhello < 2)
				rep.hello[nhello++] = info.scoid;
			MsgReply(rcvid, 0, &info.scoid, sizeof info.scoid);
			break;
		case D_REPORT: {	/* and those still queued */
			struct pulses more;
			drain_pulses(chid, self, &more);
			for (int i = 0; i < more.n; i++, rep.pl.n++)
				if (rep.pl.n < 4 && i < 4)
					rep.pl.p[rep.pl.n] = more.p[i];
			MsgReply(rcvid, 0, &rep, sizeof rep);
			break;
		}
		case D_DETACH: {
			int r = ConnectDetach_r(m.c.arg);
			MsgReply(rcvid, 0, &r, sizeof r);
			break;
		}
		case D_EXIT:	/* exit with the checker REPLY-blocked, a scoid lingering */
			return 0;
		default:
			MsgError(rcvid, EINVAL);
		}
	}
}

static int exiter(pid_t pid, int chid)
{
	int a = ConnectAttach(0, pid, chid, 0, 0);
	int b = ConnectAttach(0, pid, chid, 5, 0);
	int c = ConnectAttach(0, pid, chid, _NTO_SIDE_CHANNEL, 0);
	struct cmd h = { D_HELLO, 0, "" };
	int sc = 0;
	if (a < 0 || b < 0 || c < 0 || MsgSend(a, &h, 8, &sc, sizeof sc) != 0 || sc <= 0)
		return 1;
	return 0;	/* exits holding all three coids */
}

static int detach(int coid, int scoid)
{
	struct cmd d = { D_DETACH, scoid, "" };
	int r = 1;
	MsgSend(coid, &d, 8, &r, sizeof r);
	return r;
}

static int checker(pid_t pid, int chid)
{
	int fails = 0;
	struct report rep;
	struct pulses pl;
	int dch = ChannelCreate(_NTO_CHF_COID_DISCONNECT);
	int dself = ConnectAttach(0, 0, dch, _NTO_SIDE_CHANNEL, 0);
	int x = ConnectAttach(0, pid, chid, 0, 0);
	int y = ConnectAttach(0, pid, chid, _NTO_SIDE_CHANNEL, 0);
	struct cmd rc = { D_REPORT, 0, "" };
	rep.pl.n = -2;
	MsgSend(x, &rc, 8, &rep, sizeof rep);
	fails += !CHECK_EQ("exit-disconnect-one-per-client", rep.pl.n, 2);
	fails += !qs_check("exit-disconnect-code",
			   rep.pl.n == 2 && rep.pl.p[0].code == _PULSE_CODE_DISCONNECT &&
				   rep.pl.p[1].code == _PULSE_CODE_DISCONNECT,
			   rep.pl.n >= 1 ? rep.pl.p[0].code : 0, _PULSE_CODE_DISCONNECT);
	fails += !qs_check("exit-disconnect-scoids",
			   rep.pl.n == 2 && rep.hello[0] > 0 && rep.hello[1] != rep.hello[0] &&
				   rep.pl.p[0].scoid == rep.hello[0] &&
				   rep.pl.p[1].scoid == rep.hello[1],
			   rep.pl.n >= 1 ? rep.pl.p[0].scoid : 0, rep.hello[0]);
	fails += !CHECK_EQ("exit-disconnect-scoid-detach", detach(x, rep.hello[0]), 0);
	fails += !CHECK_EQ("exit-disconnect-scoid-detach-twice-einval", detach(x, rep.hello[0]),
			   -EINVAL);

	/* The server exits while we are REPLY-blocked, the second exiter's scoid still
	 * undetached: ESRCH for us, COIDDEATH for x and y, and the kernel frees the rest. */
	struct cmd ex = { D_EXIT, 0, "" };
	fails += !CHECK_EQ("server-exit-reply-blocked-esrch", MsgSend_r(x, &ex, 8, NULL, 0), -ESRCH);
	drain_pulses(dch, dself, &pl);
	fails += !CHECK_EQ("server-exit-coiddeath-one-per-coid", pl.n, 2);
	fails += !qs_check("server-exit-coiddeath-pulses",
			   pl.n == 2 && pl.p[0].code == _PULSE_CODE_COIDDEATH &&
				   pl.p[1].code == _PULSE_CODE_COIDDEATH && pl.p[0].scoid == -1 &&
				   pl.p[1].scoid == -1 &&
				   pl.p[0].value.sival_int + pl.p[1].value.sival_int == x + y &&
				   (pl.p[0].value.sival_int == x || pl.p[0].value.sival_int == y),
			   pl.n >= 1 ? pl.p[0].value.sival_int : -1, x);
	fails += !CHECK_EQ("server-exit-coid-dead-ebadf", MsgSend_r(y, &ex, 8, NULL, 0), -EBADF);
	qs_printf("death: %d failures\n", fails);
	return fails;	/* exits with x, y and its death channel still there */
}

int main(long arg)
{
	int role = (int)(arg >> 60);
	pid_t pid = (pid_t)((arg >> 32) & 0xfffffff);
	int chid = (int)(arg & 0xffffffff);
	if (role == ROLE_SERVER)
		return server();
	return role == ROLE_EXITER ? exiter(pid, chid) : checker(pid, chid);
}
