/* The mock kernel of tests/unit/host/rm_mock.h: replies, errors and MsgRead for resmgr tests. */
#include <errno.h>
#include <string.h>
#include <sys/neutrino.h>
#include "rm_mock.h"

struct rm_mock k;

int MsgReplyv(int rcvid, int status, const iov_t *iov, int parts)
{
	k.replied = 1;
	k.status = status;
	k.len = 0;
	if (parts < 0) {	/* flat form: iov is the buffer, -parts its length */
		memcpy(k.data, iov, (size_t)-parts);
		k.len = (size_t)-parts;
		return 0;
	}
	for (int i = 0; i < parts; i++) {
		memcpy(k.data + k.len, iov[i].iov_base, iov[i].iov_len);
		k.len += iov[i].iov_len;
	}
	return 0;
}
int MsgError(int rcvid, int err) { k.replied = 2; k.err = err; return 0; }
int MsgReadv_r(int rcvid, const iov_t *riov, int rparts, int offset)
{
	size_t want = (size_t)-rparts;	/* flat form */
	if ((size_t)offset >= k.client_len)
		return 0;
	size_t n = k.client_len - (size_t)offset;
	if (n > want)
		n = want;
	memcpy((void *)riov, k.client_msg + offset, n);
	return (int)n;
}
int ConnectDetach(int coid) { k.detached_scoid = coid; return 0; }
int ConnectAttach(uint32_t nd, pid_t pid, int chid, unsigned index, int flags) { return 99; }
int ChannelCreate(unsigned flags) { return 5; }
int ChannelDestroy(int chid) { return 0; }
int MsgReceivev(int chid, const iov_t *riov, int rparts, struct _msg_info *info) { errno = ESRCH; return -1; }
int MsgSendv(int coid, const iov_t *s, int sp, const iov_t *r, int rp) { errno = ENOSYS; return -1; }
int ClockTime(clockid_t id, const uint64_t *n, uint64_t *old) { *old = 1234; return 0; }
