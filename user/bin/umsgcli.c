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

	/* Detach. */
	fails += !CHECK_EQ("detach", ConnectDetach(coid2), 0);
	fails += !CHECK_EQ("send-on-detached-coid-ebadf", MsgSend_r(coid2, &c, 8, NULL, 0), -EBADF);
	fails += !CHECK_EQ("detach-twice-einval", ConnectDetach_r(coid2), -EINVAL);
	fails += !CHECK_EQ("detach-side", ConnectDetach(side), 0);

	/* The server destroys its channel while we are REPLY-blocked: ESRCH. Then the
	 * coid stays allocated but dead: EBADF. */
	struct cmd d = { CMD_DESTROY, 0, "" };
	fails += !CHECK_EQ("channel-destroyed-while-reply-blocked-esrch",
			   MsgSend_r(coid, &d, 8, NULL, 0), -ESRCH);
	fails += !CHECK_EQ("send-on-dead-channel-ebadf", MsgSend_r(coid, &c, 8, NULL, 0), -EBADF);
	fails += !CHECK_EQ("pulse-on-dead-channel-ebadf", MsgSendPulse_r(coid, 10, 1, 1), -EBADF);
	fails += !CHECK_EQ("detach-dead-connection", ConnectDetach(coid), 0);

	qs_printf("client: %d failures\n", fails);
	return fails;
}
