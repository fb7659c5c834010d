/* Host driver for the generated kcall_errno.c: fake raw calls check the -1/errno conversion
 * (-4095..-1 only) and that arguments pass through. tests/unit/test_abi.c links it with --gc-sections, so only
 * the calls used here need fakes. Exit status: the number of failed checks. */
#include <sys/neutrino.h>
#include <stdio.h>

static int fake_errno, fake_ret, failed;
static int seen_coid, seen_sparts, seen_rparts;
static const iov_t *seen_siov, *seen_riov;
static unsigned seen_flags;

int *__get_errno_ptr(void)
{
	return &fake_errno;
}

int KerNop_r(void)
{
	return fake_ret;
}

int ChannelCreate_r(unsigned flags)
{
	seen_flags = flags;
	return fake_ret;
}

int MsgSendv_r(int coid, const iov_t *siov, int sparts, const iov_t *riov, int rparts)
{
	seen_coid = coid, seen_siov = siov, seen_sparts = sparts, seen_riov = riov, seen_rparts = rparts;
	return fake_ret;
}

#define EXPECT(c) do { if (!(c)) { printf("errno_driver: line %d: %s\n", __LINE__, #c); failed++; } } while (0)

int main(void)
{
	iov_t s[2], r[3];

	fake_ret = -3;				/* an error: -1 and errno 3 */
	EXPECT(ChannelCreate(0x42) == -1);
	EXPECT(fake_errno == 3 && seen_flags == 0x42);

	fake_errno = 0, fake_ret = 5;		/* success: the value, errno untouched */
	EXPECT(ChannelCreate(0x1001) == 5);
	EXPECT(fake_errno == 0 && seen_flags == 0x1001);

	fake_ret = 0;
	EXPECT(KerNop() == 0 && fake_errno == 0);

	fake_ret = 77;
	EXPECT(MsgSendv(9, s, 2, r, 3) == 77);
	EXPECT(seen_coid == 9 && seen_siov == s && seen_sparts == 2 && seen_riov == r && seen_rparts == 3);

	fake_ret = -4095;			/* the largest errno a kernel may return */
	EXPECT(MsgSendv(1, s, 1, r, 1) == -1 && fake_errno == 4095);

	fake_errno = 0, fake_ret = -4096;	/* below the errno range: a result */
	EXPECT(MsgSendv(1, s, 1, r, 1) == -4096 && fake_errno == 0);
	fake_ret = (int)(0x80000000u | 0x10000);	/* a connect reply: _IO_CONNECT_RET_FLAG | _RET_LINK */
	EXPECT(MsgSendv(1, s, 1, r, 1) == fake_ret && fake_errno == 0);
	return failed;
}
