/* umsgcli: the client half of the message-passing conformance pair. Its argument is
 * (server pid << 32) | server chid. One check line per rule of qnx-api.md covered. */
#include <sys/neutrino.h>
#include "qsys.h"
#include "umsg.h"

#define ESRCH  3
#define EBADF  9
#define EAGAIN 11
#define ESRVRFAULT 312

static unsigned char big[BIG];

#define EBUSY 16

/* Have the server receive one message on chid (from coid, on it) and tell its scoid. */
static int learn_scoid(int main_coid, int chid, int coid)
{
	struct cmd so = { CMD_SERVE_ONE, chid, "" };
	int sc = 0;
	MsgSend(main_coid, &so, 8, NULL, 0);
	MsgSend(coid, &so, 8, &sc, sizeof sc);
	return sc;
}

static void server_pulses(int main_coid, int chid, struct pulses *pl)
{
	struct cmd pc = { CMD_PULSES, chid, "" };
	pl->n = -2;
	MsgSend(main_coid, &pc, 8, pl, sizeof *pl);
}

static int server_detach(int main_coid, int scoid)
{
	struct cmd dc = { CMD_DETACH, scoid, "" };
	int r = 1;
	MsgSend(main_coid, &dc, 8, &r, sizeof r);
	return r;
}

static int same(const void *a, const void *b, int n)
{
	const unsigned char *x = a, *y = b;
	for (int i = 0; i < n; i++)
		if (x[i] != y[i])
			return 0;
	return 1;
}

int main(long arg)
{
	int fails = 0;
	pid_t pid = (pid_t)(arg >> 32);
	int chid = (int)(arg & 0xffffffff);
	struct cmd c = { CMD_ECHO, 0, "hello, server" };
	char reply[64];

	fails += !CHECK_EQ("attach-no-such-pid-esrch", ConnectAttach_r(0, 9999, chid, 0, 0), -ESRCH);
	fails += !CHECK_EQ("attach-no-such-chid-esrch", ConnectAttach_r(0, pid, chid + 1, 0, 0),
			   -ESRCH);
	fails += !CHECK_EQ("attach-remote-node-einval", ConnectAttach_r(5, pid, chid, 0, 0), -EINVAL);
	int coid = ConnectAttach(0, pid, chid, 0, 0);
	fails += !qs_check("attach-lowest-fd-slot", coid == 0, coid, 0);
	int coid2 = ConnectAttach(0, pid, chid, 3, 0);
	fails += !CHECK_EQ("attach-from-index", coid2, 3);
	int side = ConnectAttach(0, pid, chid, _NTO_SIDE_CHANNEL, 0);
	fails += !qs_check("attach-side-channel-space", side > 0 && (side & _NTO_SIDE_CHANNEL), side,
			   _NTO_SIDE_CHANNEL);

	/* Basic round trip: the reply status and bytes come back. */
	int r = MsgSend(coid, &c, 8 + 14, reply, sizeof reply);
	fails += !CHECK_EQ("send-returns-reply-status", r, 14);
	fails += !qs_check("send-gets-reply-bytes", same(reply, "HELLO, SERVER", 14), 0, 0);

	/* Gather: three parts arrive as one message. */
	iov_t iov[3];
	struct cmd hdr = { CMD_ECHO, 0, "" };
	SETIOV(&iov[0], &hdr, 8);
	SETIOV(&iov[1], "abc", 3);
	SETIOV(&iov[2], "defg", 5);
	r = MsgSendv(coid, iov, 3, (iov_t[]){ { reply, sizeof reply } }, 1);
	fails += !qs_check("sendv-gathers-parts", r == 8 && same(reply, "ABCDEFG", 8), r, 8);

	/* Min-size copies both ways, with guard bytes after the small buffers. */
	struct cmd small = { CMD_SMALL, 0, "" };
	MsgSend(coid, &small, 8, NULL, 0);
	char hundred[100] = { 0 };
	struct small_reply sr;
	char guard[sizeof sr + 4];
	for (unsigned i = 0; i < sizeof guard; i++)
		guard[i] = (char)0x5a;
	r = MsgSend(coid2, hundred, 100, guard, sizeof sr);
	for (unsigned i = 0; i < sizeof sr; i++)
		((char *)&sr)[i] = guard[i];
	fails += !CHECK_EQ("receiver-gets-min-size", sr.msglen, 10);
	fails += !CHECK_EQ("receiver-sees-srcmsglen", sr.srcmsglen, 100);
	fails += !CHECK_EQ("receiver-sees-dstmsglen", sr.dstmsglen, (long)sizeof sr);
	fails += !qs_check("reply-never-overruns", guard[sizeof sr] == 0x5a && guard[sizeof sr + 3] == 0x5a,
			   guard[sizeof sr], 0x5a);

	/* Two attaches to one channel share a connection: the server sees one scoid. */
	MsgSend(coid, &small, 8, NULL, 0);
	struct small_reply sr2;
	MsgSend(coid, hundred, 100, &sr2, sizeof sr2);
	fails += !qs_check("shared-connection-same-scoid", sr2.scoid == sr.scoid && sr.scoid > 0,
			   sr2.scoid, sr.scoid);

	/* MsgError. */
	struct cmd e = { CMD_ERROR, EINVAL, "" };
	errno = 0;
	r = MsgSend(coid, &e, 8, NULL, 0);
	fails += !qs_check("msgerror-makes-send-fail", r == -1 && errno == EINVAL, errno, EINVAL);
	e.arg = EOK;
	fails += !CHECK_EQ("msgerror-eok-returns-0", MsgSend(coid, &e, 8, reply, 8), 0);

	/* Reply-side errors, checked by the server. Its reply from a bad buffer of its own
	 * ends our call with ESRVRFAULT. */
	struct cmd rc = { CMD_REPLY_CHECKS, 0, "" };
	r = MsgSend_r(coid, &rc, 8, reply, 8);
	fails += !CHECK_EQ("server-buffer-fault-esrvrfault", r, -ESRVRFAULT);
	/* Our own reply buffer unmapped (inside user space, so only found at reply time). */
	r = MsgSend_r(coid, &c, 8 + 14, (void *)0x3000000000, 8);
	fails += !CHECK_EQ("client-reply-buffer-fault-efault", r, -EFAULT);

	/* Bad arguments. */
	fails += !CHECK_EQ("send-bad-coid-ebadf", MsgSend_r(77, &c, 8, NULL, 0), -EBADF);
	fails += !CHECK_EQ("send-negative-coid-ebadf", MsgSend_r(-5, &c, 8, NULL, 0), -EBADF);
	fails += !CHECK_EQ("send-unmapped-buffer-efault",
			   MsgSend_r(coid, (void *)0x3000000000, 8, NULL, 0), -EFAULT);
	fails += !CHECK_EQ("send-kernel-buffer-efault", MsgSend_r(coid, (void *)0x80200000, 8, NULL, 0),
			   -EFAULT);
	fails += !CHECK_EQ("sendv-too-many-parts-einval", MsgSendv_r(coid, iov, 1000, NULL, 0), -EINVAL);
	fails += !CHECK_EQ("send-negative-bytes-einval", MsgSend_r(coid, &c, -8, NULL, 0), -EINVAL);
	fails += !CHECK_EQ("send-flat-huge-length-efault",
			   MsgSendv_r(coid, (const iov_t *)&c, -0x7fffffff, NULL, 0), -EFAULT);

	/* A 64 KiB message crosses many pages. */
	struct cmd *bc = (struct cmd *)big;
	unsigned long sum = 0;
	for (int i = 0; i < BIG; i++)
		big[i] = (unsigned char)(i * 7 + 3);
	bc->cmd = CMD_BIG;
	for (int i = 0; i < BIG; i++)
		sum += big[i];
	r = MsgSend(coid, big, BIG, NULL, 0);
	fails += !CHECK_EQ("send-64k-message", r, (long)(sum & 0x7fffffff));

	/* Pulses. */
	fails += !CHECK_EQ("pulse-bad-priority-einval", MsgSendPulse_r(coid, 0, 1, 2), -EINVAL);
	fails += !CHECK_EQ("pulse-bad-coid-ebadf", MsgSendPulse_r(55, 10, 1, 2), -EBADF);
	/* Priority -1 is the caller's. (A low priority here would also lower the server:
	 * a received pulse sets the receiver's priority, and then kstress, beside us at
	 * 90, would rightly starve it on a single hart.) */
	fails += !CHECK_EQ("pulse-sends-at-own-priority", MsgSendPulse(coid, -1, 5, 1234), 0);
	struct cmd lp = { CMD_LAST_PULSE, 0, "" };
	int pv[2] = { 0, 0 };
	MsgSend(coid, &lp, 8, pv, sizeof pv);
	fails += !qs_check("pulse-arrives-with-code-value", pv[0] == 5 && pv[1] == 1234, pv[1], 1234);

	/* MsgRead/MsgWrite/MsgInfo (the server checks its side). */
	unsigned char rw[108], rwreply[64];
	struct cmd *rwc = (struct cmd *)rw;
	rwc->cmd = CMD_READWRITE;
	for (int i = 0; i < 100; i++)
		rw[8 + i] = (unsigned char)i;
	for (int i = 0; i < 64; i++)
		rwreply[i] = '.';
	r = MsgSend(coid, rw, sizeof rw, rwreply, sizeof rwreply);
	fails += !qs_check("reply-and-msgwrite-land-in-place",
			   r == 0 && same(rwreply, "AB", 2) && same(rwreply + 10, "XYZ", 3) &&
				   same(rwreply + 62, "01", 2) && rwreply[2] == '.' && rwreply[13] == '.',
			   r, 0);

	/* MsgDeliverEvent: our event (a pulse to our own channel) comes back twice, before
	 * and after the reply, in order, with our code and the server's values. */
	int evch = ChannelCreate(0);
	int evco = ConnectAttach(0, 0, evch, _NTO_SIDE_CHANNEL, 0);
	struct cmd ec = { CMD_EVENT, 0, "" };
	struct sigevent ev;
	/* PRIO_INHERIT: we keep our priority when we receive them (a low fixed one would
	 * let kstress, beside us at 90, starve us on a single hart). */
	SIGEV_PULSE_INIT(&ev, evco, SIGEV_PULSE_PRIO_INHERIT, 5, 1234);
	for (unsigned i = 0; i < sizeof ev; i++)
		ec.data[i] = ((char *)&ev)[i];
	fails += !CHECK_EQ("event-request-replied", MsgSend(coid, &ec, 8 + (int)sizeof ev, NULL, 0), 0);
	struct _pulse ep[2];
	int e1 = MsgReceive(evch, &ep[0], sizeof ep[0], NULL);
	int e2 = MsgReceive(evch, &ep[1], sizeof ep[1], NULL);
	fails += !qs_check("event-pulses-arrive", e1 == 0 && e2 == 0, e1, 0);
	fails += !qs_check("event-pulse-code-and-values",
			   ep[0].code == 5 && ep[0].value.sival_int == 1234 && ep[1].code == 5 &&
				   ep[1].value.sival_int == 4321,
			   ep[1].value.sival_int, 4321);
	fails += !qs_check("event-pulse-scoid-is-ours", ep[0].scoid > 0 && ep[0].scoid == ep[1].scoid,
			   ep[0].scoid, ep[1].scoid);
	ConnectDetach(evco);
	ChannelDestroy(evch);

	/* Detach. */
	fails += !CHECK_EQ("detach", ConnectDetach(coid2), 0);
	fails += !CHECK_EQ("send-on-detached-coid-ebadf", MsgSend_r(coid2, &c, 8, NULL, 0), -EBADF);
	fails += !CHECK_EQ("detach-twice-einval", ConnectDetach_r(coid2), -EINVAL);
	fails += !CHECK_EQ("detach-side", ConnectDetach(side), 0);

	/* _NTO_CHF_DISCONNECT: one pulse once the last of our coids on the connection has
	 * gone (two here, sharing it); the scoid then lives until the server detaches it. */
	struct cmd op = { CMD_DISC_OPEN, 0, "" };
	struct pulses pl;
	int ch23[2] = { 0, 0 };
	MsgSend(coid, &op, 8, ch23, sizeof ch23);
	int da = ConnectAttach(0, pid, ch23[0], 0, 0);
	int db = ConnectAttach(0, pid, ch23[0], _NTO_SIDE_CHANNEL, 0);
	int sa = learn_scoid(coid, ch23[0], da);
	fails += !qs_check("scoid-in-side-channel-space", sa > 0 && (sa & _NTO_SIDE_CHANNEL), sa,
			   _NTO_SIDE_CHANNEL);
	ConnectDetach(da);
	server_pulses(coid, ch23[0], &pl);
	fails += !CHECK_EQ("no-disconnect-while-a-coid-remains", pl.n, 0);
	ConnectDetach(db);
	server_pulses(coid, ch23[0], &pl);
	fails += !CHECK_EQ("disconnect-pulse-once", pl.n, 1);
	fails += !CHECK_EQ("disconnect-pulse-code", pl.p[0].code, _PULSE_CODE_DISCONNECT);
	fails += !CHECK_EQ("disconnect-pulse-scoid", pl.p[0].scoid, sa);
	fails += !CHECK_EQ("disconnect-pulse-value", pl.p[0].value.sival_int, 0);
	fails += !CHECK_EQ("server-detach-scoid-after-disconnect", server_detach(coid, sa), 0);
	fails += !CHECK_EQ("server-detach-scoid-twice-einval", server_detach(coid, sa), -EINVAL);
	fails += !CHECK_EQ("server-detach-bogus-scoid-einval",
			   server_detach(coid, _NTO_SIDE_CHANNEL | 4000), -EINVAL);

	/* The server may detach a scoid whose client is still connected (as in QNX): that
	 * cuts the connection, and no DISCONNECT follows. */
	int dc2 = ConnectAttach(0, pid, ch23[0], 0, 0);
	int sc2 = learn_scoid(coid, ch23[0], dc2);
	fails += !qs_check("new-connection-new-scoid", sc2 > 0 && sc2 != sa, sc2, sa);
	fails += !CHECK_EQ("server-detach-live-scoid", server_detach(coid, sc2), 0);
	fails += !CHECK_EQ("send-after-server-detached-ebadf", MsgSend_r(dc2, &c, 8, NULL, 0),
			   -EBADF);
	fails += !CHECK_EQ("detach-cut-connection", ConnectDetach(dc2), 0);
	server_pulses(coid, ch23[0], &pl);
	fails += !CHECK_EQ("no-disconnect-after-server-detached", pl.n, 0);

	/* A scoid left lingering, its pulse unreceived: the channel's destruction frees
	 * both (the kernel's leak check sees to it). */
	int dd = ConnectAttach(0, pid, ch23[0], 0, 0);
	learn_scoid(coid, ch23[0], dd);
	ConnectDetach(dd);

	/* Without the flag: no pulse, and the scoid goes at once. */
	int de = ConnectAttach(0, pid, ch23[1], 0, 0);
	int se = learn_scoid(coid, ch23[1], de);
	ConnectDetach(de);
	server_pulses(coid, ch23[1], &pl);
	fails += !CHECK_EQ("no-disconnect-without-flag", pl.n, 0);
	fails += !CHECK_EQ("scoid-freed-at-once-without-flag", server_detach(coid, se), -EINVAL);

	/* One death channel per process; destroying it frees the slot. */
	int dch = ChannelCreate(_NTO_CHF_COID_DISCONNECT);
	fails += !qs_check("death-channel-create", dch > 0, dch, 1);
	fails += !CHECK_EQ("second-death-channel-ebusy", ChannelCreate_r(_NTO_CHF_THREAD_DEATH),
			   -EBUSY);
	fails += !CHECK_EQ("second-coid-disconnect-channel-ebusy",
			   ChannelCreate_r(_NTO_CHF_COID_DISCONNECT), -EBUSY);
	fails += !CHECK_EQ("destroy-death-channel", ChannelDestroy(dch), 0);
	dch = ChannelCreate(_NTO_CHF_COID_DISCONNECT);
	fails += !qs_check("death-channel-slot-freed-by-destroy", dch > 0, dch, 1);
	int dself = ConnectAttach(0, 0, dch, _NTO_SIDE_CHANNEL, 0);
	int g = ConnectAttach(0, pid, chid, _NTO_SIDE_CHANNEL, 0);	/* shares coid's connection */

	/* The server destroys its channel while we are REPLY-blocked: ESRCH. Then the
	 * coid stays allocated but dead: EBADF. */
	struct cmd d = { CMD_DESTROY, 0, "" };
	fails += !CHECK_EQ("channel-destroyed-while-reply-blocked-esrch",
			   MsgSend_r(coid, &d, 8, NULL, 0), -ESRCH);
	/* Our COID_DISCONNECT channel got one COIDDEATH per coid on the dead channel, by the
	 * time we were woken. */
	drain_pulses(dch, dself, &pl);
	fails += !CHECK_EQ("coiddeath-one-per-coid", pl.n, 2);
	int vsum = pl.n == 2 ? pl.p[0].value.sival_int + pl.p[1].value.sival_int : -1;
	fails += !qs_check("coiddeath-values-are-coids",
			   pl.n == 2 && vsum == coid + g &&
				   (pl.p[0].value.sival_int == coid || pl.p[0].value.sival_int == g),
			   pl.n == 2 ? pl.p[0].value.sival_int : -1, coid);
	fails += !qs_check("coiddeath-code-and-scoid",
			   pl.n == 2 && pl.p[0].code == _PULSE_CODE_COIDDEATH &&
				   pl.p[1].code == _PULSE_CODE_COIDDEATH && pl.p[0].scoid == -1 &&
				   pl.p[1].scoid == -1,
			   pl.n >= 1 ? pl.p[0].code : 0, _PULSE_CODE_COIDDEATH);
	fails += !CHECK_EQ("send-on-coiddeath-coid-ebadf", MsgSend_r(g, &c, 8, NULL, 0), -EBADF);
	fails += !CHECK_EQ("detach-coiddeath-side-coid", ConnectDetach(g), 0);
	fails += !CHECK_EQ("destroy-death-channel-with-self-connection", ChannelDestroy(dch), 0);
	fails += !CHECK_EQ("send-on-dead-channel-ebadf", MsgSend_r(coid, &c, 8, NULL, 0), -EBADF);
	fails += !CHECK_EQ("pulse-on-dead-channel-ebadf", MsgSendPulse_r(coid, 10, 1, 1), -EBADF);
	fails += !CHECK_EQ("detach-dead-connection", ConnectDetach(coid), 0);

	qs_printf("client: %d failures\n", fails);
	return fails;
}
