/* ttytest: the console driver seen through libc: termios, devctls, raw reads, big writes. */
/*
 * Run as `run=ttytest` (scenario tty-1): opens /dev/console itself and prints one
 * `check NAME: PASS|FAIL` line per check and `ttytest: N failures`. `ttytest bench`
 * prints `bench boot_to_prompt N insns` from the driver's counters instead (the cycle
 * counter when a reader first waited: the shell at its first prompt).
 */
#include <devctl.h>
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <termios.h>
#include <time.h>
#include <unistd.h>
#include <sys/iomsg.h>

static int failures;

static void check(const char *name, int ok, long got, long want)
{
	if (ok)
		printf("check %s: PASS\n", name);
	else
		printf("check %s: FAIL (got %ld, want %ld)\n", name, got, want);
	failures += !ok;
}

#define CHECK_EQ(name, got, want) do { \
	long _g = (long)(got), _w = (long)(want); \
	check(name, _g == _w, _g, _w); \
} while (0)

static long ms_since(const struct timespec *t0)
{
	struct timespec t;
	clock_gettime(CLOCK_MONOTONIC, &t);
	return (t.tv_sec - t0->tv_sec) * 1000 + (t.tv_nsec - t0->tv_nsec) / 1000000;
}

/* A canonical read of the console with nothing typed, ended by a signal: EINTR. */
static int rd_fd;
static volatile int rd_result, rd_errno, rd_done;

static void on_usr1(int sig)
{
}

static void *reader(void *arg)
{
	char c;
	rd_result = (int)read(rd_fd, &c, 1);
	rd_errno = errno;
	rd_done = 1;
	return NULL;
}

static void sleep_ms(long ms)
{
	struct timespec ts = { ms / 1000, (ms % 1000) * 1000000 };
	nanosleep(&ts, NULL);
}

static void check_read_eintr(int fd)
{
	struct sigaction sa;
	memset(&sa, 0, sizeof sa);
	sa.sa_handler = on_usr1;
	sigaction(SIGUSR1, &sa, NULL);
	rd_fd = fd;
	pthread_t th;
	if (pthread_create(&th, NULL, reader, NULL) != 0) {
		check("read-eintr", 0, -1, 0);
		return;
	}
	sleep_ms(200);
	int still = !rd_done;		/* blocked: nothing was typed */
	pthread_kill(th, SIGUSR1);
	for (int i = 0; i < 200 && !rd_done; i++)
		sleep_ms(10);
	check("read-blocks", still, rd_done, 0);
	check("read-eintr", rd_done && rd_result == -1 && rd_errno == EINTR, rd_result, -1);
	if (rd_done)
		pthread_join(th, NULL);
}

static int bench(void)
{
	int fd = open("/dev/console", O_RDWR);
	struct _chr_stats st;
	memset(&st, 0, sizeof st);
	if (fd < 0 || devctl(fd, DCMD_CHR_QSOE_STATS, &st, sizeof st, NULL) != 0) {
		fprintf(stderr, "ttytest: /dev/console stats: %s\n", strerror(errno));
		return 1;
	}
	if (st.first_wait == 0) {
		fprintf(stderr, "ttytest: no reader has waited on the console yet\n");
		return 1;
	}
	printf("bench boot_to_prompt %llu insns\n", (unsigned long long)st.first_wait);
	printf("ttytest: console rx %llu tx %llu bytes, %llu interrupts, %llu dropped\n",
	       (unsigned long long)st.rx_bytes, (unsigned long long)st.tx_bytes,
	       (unsigned long long)st.interrupts, (unsigned long long)st.rx_dropped);
	return 0;
}

int main(int argc, char **argv)
{
	if (argc == 2 && strcmp(argv[1], "bench") == 0)
		return bench();
	if (argc != 1) {
		fprintf(stderr, "usage: ttytest [bench]\n");
		return 2;
	}

	int fd = open("/dev/console", O_RDWR);
	CHECK_EQ("open-console", fd >= 0, 1);
	if (fd < 0) {
		printf("ttytest: %d failures\n", failures + 1);
		return 1;
	}
	CHECK_EQ("isatty", isatty(fd), 1);
	int nul = open("/dev/null", O_RDWR);
	CHECK_EQ("isatty-devnull", nul >= 0 && isatty(nul) == 0, 1);
	if (nul >= 0)
		close(nul);
	int ser = open("/dev/ser1", O_RDWR);
	CHECK_EQ("open-ser1", ser >= 0 && isatty(ser) == 1, 1);

	/* The defaults a terminal starts with. */
	struct termios t0, t;
	CHECK_EQ("tcgetattr", tcgetattr(fd, &t0), 0);
	CHECK_EQ("default-lflag", t0.c_lflag & (ICANON | ECHO | ISIG), ICANON | ECHO | ISIG);
	CHECK_EQ("default-onlcr", t0.c_oflag & (OPOST | ONLCR), OPOST | ONLCR);
	CHECK_EQ("default-vintr", t0.c_cc[VINTR], 3);

	/* /dev/ser1 is the same device: a change through one name shows through the other. */
	t = t0;
	t.c_cc[VKILL] = 0x18;
	CHECK_EQ("tcsetattr", tcsetattr(fd, TCSANOW, &t), 0);
	struct termios t2;
	memset(&t2, 0, sizeof t2);
	CHECK_EQ("same-device", ser >= 0 && tcgetattr(ser, &t2) == 0 && t2.c_cc[VKILL] == 0x18,
		 1);
	CHECK_EQ("tcsetattr-drain", tcsetattr(fd, TCSADRAIN, &t0), 0);
	memset(&t2, 0, sizeof t2);
	CHECK_EQ("roundtrip", tcgetattr(fd, &t2) == 0 && memcmp(&t0, &t2, sizeof t0) == 0, 1);

	/* Raw reads: MIN 0 TIME 0 polls; MIN 0 TIME 2 waits 200 ms for nothing. */
	t = t0;
	t.c_lflag &= ~(ICANON | ECHO | ISIG);
	t.c_cc[VMIN] = 0;
	t.c_cc[VTIME] = 0;
	char c;
	CHECK_EQ("raw-poll-set", tcsetattr(fd, TCSANOW, &t), 0);
	CHECK_EQ("raw-poll-read", read(fd, &c, 1), 0);
	t.c_cc[VTIME] = 2;
	tcsetattr(fd, TCSANOW, &t);
	struct timespec t1;
	clock_gettime(CLOCK_MONOTONIC, &t1);
	ssize_t n = read(fd, &c, 1);
	long ms = ms_since(&t1);
	CHECK_EQ("raw-vtime-read", n, 0);
	check("raw-vtime-waited", ms >= 150 && ms < 3000, ms, 200);	/* in ms */
	CHECK_EQ("restore", tcsetattr(fd, TCSAFLUSH, &t0), 0);

	/* A canonical read with nothing typed: O_NONBLOCK says EAGAIN at once. */
	int nb = open("/dev/console", O_RDONLY | O_NONBLOCK);
	errno = 0;
	CHECK_EQ("nonblock-eagain", nb >= 0 && read(nb, &c, 1) == -1 && errno == EAGAIN, 1);
	if (nb >= 0)
		close(nb);

	/* devctls: bad commands and short data are errors; the rest answer. */
	int info = 0;
	CHECK_EQ("devctl-unknown-enotty", devctl(fd, 0x7777, NULL, 0, &info), ENOTTY);
	CHECK_EQ("devctl-short-einval", devctl(fd, DCMD_CHR_TCSETATTR, &t, 4, NULL), EINVAL);
	int32_t q = 9;
	CHECK_EQ("tcflush-bad-einval", devctl(fd, DCMD_CHR_TCFLUSH, &q, sizeof q, NULL), EINVAL);
	CHECK_EQ("tcflush", tcflush(fd, TCIOFLUSH), 0);
	int32_t pg = -5;
	CHECK_EQ("tcsetpgrp-bad-einval", devctl(fd, DCMD_CHR_TCSETPGRP, &pg, sizeof pg, NULL),
		 EINVAL);
	CHECK_EQ("tcsetpgrp", tcsetpgrp(fd, getpgrp()), 0);
	CHECK_EQ("tcgetpgrp", tcgetpgrp(fd), getpgrp());
	int32_t ws[2] = { 0, 0 };
	CHECK_EQ("getsize", devctl(fd, DCMD_CHR_GETSIZE, ws, sizeof ws, NULL) == 0 &&
		 ws[0] == 24 && ws[1] == 80, 1);

	check_read_eintr(fd);

	/* A write bigger than the driver's queue blocks until the transmitter took it all. */
	static char big[9000];
	for (size_t i = 0; i < sizeof big; i++)
		big[i] = (i % 90 == 89) ? '\n' : (char)('a' + i % 26);
	CHECK_EQ("big-write", write(fd, big, sizeof big), sizeof big);
	CHECK_EQ("tcdrain", tcdrain(fd), 0);
	if (ser >= 0)
		close(ser);
	CHECK_EQ("close", close(fd), 0);
	printf("ttytest: %d failures\n", failures);
	return failures != 0;
}
