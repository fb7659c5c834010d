/* umsgsrv: the server half of the message-passing conformance pair (see umsgcli). */
#include <sys/neutrino.h>
#include "qsys.h"
#include "umsg.h"

#define ESRCH 3
#define EBADF 9

static unsigned char big[BIG];

int main(void)
{
	int fails = 0, last_code = 0, last_value = 0;
	int chid2 = 0, chid3 = 0, self2 = 0, self3 = 0, checked_scoid_send = 0;
	int chid = ChannelCreate(0);
	fails += !qs_check("server-channel-create", chid > 0, chid, 1);
	fails += !CHECK_EQ("server-receive-bad-chid", MsgReceive_r(chid + 1, big, 16, NULL), -ESRCH);
	for (;;) {
		struct _msg_info info;
		union {
			struct cmd c;
			struct _pulse p;
			unsigned char raw[BIG];
		} *m = (void *)big;
		int rcvid = MsgReceive(chid, m, BIG, &info);
		if (rcvid == 0) {	/* a pulse */
			last_code = m->p.code;
			last_value = m->p.value.sival_int;
			continue;
		}
		if (rcvid < 0) {
			qs_printf("server: MsgReceive failed, errno %d\n", errno);
			return fails + 1;
		}
		switch (m->c.cmd) {
		case CMD_ECHO: {
			int n = info.msglen - 8;
			for (int i = 0; i < n; i++)
				if (m->c.data[i] >= 'a' && m->c.data[i] <= 'z')
					m->c.data[i] -= 32;
			MsgReply(rcvid, n, m->c.data, n);
			break;
		}
		case CMD_SMALL: {
			/* Read the next message into 10 bytes only. */
			MsgReply(rcvid, 0, NULL, 0);
			char tiny[10];
			int r2 = MsgReceive(chid, tiny, sizeof tiny, &info);
			struct small_reply sr = { info.msglen, info.srcmsglen, info.dstmsglen, info.scoid };
			MsgReply(r2, 0, &sr, sizeof sr);
			break;
		}
		case CMD_ERROR:
			MsgError(rcvid, m->c.arg);
			break;
		case CMD_REPLY_CHECKS:
			fails += !CHECK_EQ("reply-status-in-errno-range-einval",
					   MsgReply_r(rcvid, -5, NULL, 0), -EINVAL);
			fails += !CHECK_EQ("reply-bad-buffer-efault",
					   MsgReply_r(rcvid, 0, (void *)0x3000000000, 8), -EFAULT);
			fails += !CHECK_EQ("reply-after-reply-esrch", MsgReply_r(rcvid, 7, NULL, 0), -ESRCH);
			fails += !CHECK_EQ("error-after-reply-esrch", MsgError_r(rcvid, EINVAL), -ESRCH);
			fails += !CHECK_EQ("reply-bogus-rcvid-esrch", MsgReply_r(12345, 0, NULL, 0), -ESRCH);
			break;
		case CMD_BIG: {
			unsigned long sum = 0;
			for (int i = 0; i < info.msglen; i++)
				sum += m->raw[i];
			MsgReply(rcvid, (int)(sum & 0x7fffffff), NULL, 0);
			break;
		}
		case CMD_LAST_PULSE: {
			int pv[2] = { last_code, last_value };
			MsgReply(rcvid, 0, pv, sizeof pv);
			break;
		}
		case CMD_READWRITE: {
			/* The client sent 100 bytes "00 01 .. 99" (mod 256) behind the 8-byte
			 * header, with a 64-byte reply buffer, and is still REPLY-blocked. */
			unsigned char rb[16];
			struct _msg_info mi;
			fails += !CHECK_EQ("msgread-from-offset", MsgRead(rcvid, rb, 10, 50), 10);
			/* Offsets count from the start of the whole message (header included). */
			fails += !qs_check("msgread-bytes", rb[0] == 42 && rb[9] == 51, rb[0], 42);
			fails += !CHECK_EQ("msgread-clamped-to-message", MsgRead(rcvid, rb, 16, 100), 8);
			fails += !CHECK_EQ("msgread-past-end-zero", MsgRead(rcvid, rb, 16, 500), 0);
			fails += !CHECK_EQ("msgwrite-at-offset", MsgWrite(rcvid, "XYZ", 3, 10), 3);
			fails += !CHECK_EQ("msgwrite-clamped-to-reply-buffer", MsgWrite(rcvid, "0123456789", 10, 62), 2);
			fails += !CHECK_EQ("msginfo", MsgInfo(rcvid, &mi), 0);
			fails += !qs_check("msginfo-lengths", mi.srcmsglen == 108 && mi.dstmsglen == 64,
					   mi.srcmsglen, 108);
			fails += !CHECK_EQ("msgread-bad-rcvid-esrch", MsgRead_r(rcvid + 4096, rb, 4, 0), -ESRCH);
			fails += !CHECK_EQ("msgread-bad-buffer-efault",
					   MsgRead_r(rcvid, (void *)0x3000000000, 4, 0), -EFAULT);
			fails += !CHECK_EQ("msginfo-bad-pointer-efault", MsgInfo_r(rcvid, (void *)0x80200000),
					   -EFAULT);
			MsgReply(rcvid, 0, "AB", 2);	/* the reply lands at offset 0 */
			fails += !CHECK_EQ("msgread-after-reply-esrch", MsgRead_r(rcvid, rb, 4, 0), -ESRCH);
			break;
		}
		case CMD_DISC_OPEN: {
			/* Our own side-channel connections carry drain_pulses' sentinels. */
			chid2 = ChannelCreate(_NTO_CHF_DISCONNECT);
			chid3 = ChannelCreate(0);
			self2 = ConnectAttach(0, 0, chid2, _NTO_SIDE_CHANNEL, 0);
			self3 = ConnectAttach(0, 0, chid3, _NTO_SIDE_CHANNEL, 0);
			int ids[2] = { chid2, chid3 };
			MsgReply(rcvid, 0, ids, sizeof ids);
			break;
		}
		case CMD_SERVE_ONE: {
			int on = m->c.arg;
			MsgReply(rcvid, 0, NULL, 0);
			int r2 = MsgReceive(on, m, BIG, &info);
			int sc = info.scoid;
			MsgReply(r2, 0, &sc, sizeof sc);
			break;
		}
		case CMD_PULSES: {
			struct pulses pl;
			drain_pulses(m->c.arg, m->c.arg == chid2 ? self2 : self3, &pl);
			MsgReply(rcvid, 0, &pl, sizeof pl);
			break;
		}
		case CMD_DETACH: {
			int sc = m->c.arg;
			if (!checked_scoid_send++)	/* a scoid is not a coid */
				fails += !CHECK_EQ("pulse-on-scoid-ebadf", MsgSendPulse_r(sc, 10, 1, 1), -EBADF);
			int r = ConnectDetach_r(sc);
			MsgReply(rcvid, 0, &r, sizeof r);
			break;
		}
		case CMD_EVENT: {
			/* The client's event: deliver it before the reply and, with another
			 * value, after it (the rcvid stays good for events); then errors. */
			struct sigevent ev;
			for (unsigned i = 0; i < sizeof ev; i++)
				((char *)&ev)[i] = m->c.data[i];
			fails += !CHECK_EQ("deliver-event-before-reply", MsgDeliverEvent(rcvid, &ev), 0);
			MsgReply(rcvid, 0, NULL, 0);
			ev.sigev_value.sival_int = 4321;
			fails += !CHECK_EQ("deliver-event-after-reply", MsgDeliverEvent(rcvid, &ev), 0);
			fails += !CHECK_EQ("deliver-event-bogus-rcvid-esrch",
					   MsgDeliverEvent_r(rcvid + 4096, &ev), -ESRCH);
			fails += !CHECK_EQ("deliver-event-bad-pointer-efault",
					   MsgDeliverEvent_r(rcvid, (void *)0x80200000), -EFAULT);
			fails += !CHECK_EQ("deliver-event-null-efault", MsgDeliverEvent_r(rcvid, NULL),
					   -EFAULT);
			struct sigevent bad = ev;
			bad.sigev_priority = 0;
			fails += !CHECK_EQ("deliver-event-priority-0-einval",
					   MsgDeliverEvent_r(rcvid, &bad), -EINVAL);
			bad = ev;
			bad.sigev_notify = 99;
			fails += !CHECK_EQ("deliver-event-bad-kind-einval",
					   MsgDeliverEvent_r(rcvid, &bad), -EINVAL);
			bad = ev;
			bad.sigev_coid = 900;
			fails += !CHECK_EQ("deliver-event-dead-coid-einval",
					   MsgDeliverEvent_r(rcvid, &bad), -EINVAL);
			struct sigevent none;
			SIGEV_NONE_INIT(&none);
			fails += !CHECK_EQ("deliver-event-none", MsgDeliverEvent(rcvid, &none), 0);
			break;
		}
		case CMD_DESTROY:
			/* chid2 still holds a scoid whose DISCONNECT pulse nobody took: both go. */
			fails += !CHECK_EQ("server-destroy-disconnect-channel", ChannelDestroy(chid2), 0);
			fails += !CHECK_EQ("server-destroy-plain-channel", ChannelDestroy(chid3), 0);
			fails += !CHECK_EQ("server-channel-destroy", ChannelDestroy(chid), 0);
			fails += !CHECK_EQ("destroy-twice-einval", ChannelDestroy_r(chid), -EINVAL);
			qs_printf("server: %d failures\n", fails);
			return fails;
		default:
			MsgError(rcvid, EINVAL);
		}
	}
}
