/* Host tests for the console's line discipline: editing, echo, signals, raw mode, ONLCR. */
/* SOURCES: drivers/devc-ser8250/ldisc.c */
#include "test.h"
#include "../../drivers/devc-ser8250/ldisc.h"

static struct ldisc ld;

static unsigned type(const char *s)
{
	unsigned ev = 0;
	while (*s)
		ev |= ldisc_input(&ld, (unsigned char)*s++);
	return ev;
}

/* Everything queued for the transmitter, as a string. */
static const char *echoed(void)
{
	static char buf[LD_OUTQ + 1];
	size_t n = ldisc_tx(&ld, (unsigned char *)buf, LD_OUTQ);
	buf[n] = 0;
	return buf;
}

/* One read of up to n bytes as a string; "<none>" if it would block, "<eof>" for 0. */
static const char *rd(size_t n)
{
	static char buf[LD_INQ + 1];
	ssize_t got = ldisc_read(&ld, buf, n);
	if (got < 0)
		return "<none>";
	if (got == 0)
		return "<eof>";
	buf[got] = 0;
	return buf;
}

static void raw(void)
{
	struct termios t = ld.tio;
	t.c_lflag &= ~(tcflag_t)(ICANON | ECHO | ISIG);
	ldisc_set_termios(&ld, &t);
}

TEST(canonical_line_echoed_and_read_whole)
{
	ldisc_init(&ld);
	unsigned ev = type("ls -l");
	CHECK(ev & LD_EV_OUTPUT);
	CHECK(!(ev & LD_EV_READ));
	CHECK(!ldisc_can_read(&ld));
	CHECK_EQ(strcmp(rd(100), "<none>"), 0);
	ev = type("\r");			/* Enter sends CR; ICRNL makes it NL */
	CHECK(ev & LD_EV_READ);
	CHECK_EQ(ldisc_readable(&ld), 6);
	CHECK_EQ(strcmp(echoed(), "ls -l\r\n"), 0);
	CHECK_EQ(strcmp(rd(100), "ls -l\n"), 0);
	CHECK_EQ(strcmp(rd(100), "<none>"), 0);
}

TEST(read_takes_at_most_one_line)
{
	ldisc_init(&ld);
	type("one\rtwo\r");
	CHECK_EQ(strcmp(rd(100), "one\n"), 0);
	CHECK_EQ(strcmp(rd(100), "two\n"), 0);
}

TEST(short_reads_split_a_line)
{
	ldisc_init(&ld);
	type("abcd\r");
	CHECK_EQ(strcmp(rd(2), "ab"), 0);
	CHECK(ldisc_can_read(&ld));
	CHECK_EQ(strcmp(rd(2), "cd"), 0);
	CHECK_EQ(strcmp(rd(2), "\n"), 0);
	CHECK_EQ(strcmp(rd(2), "<none>"), 0);
}

TEST(erase_with_del_and_backspace)
{
	ldisc_init(&ld);
	type("abc\x7f\x08" "d\r");
	CHECK_EQ(strcmp(rd(100), "ad\n"), 0);
	CHECK_EQ(strcmp(echoed(), "abc\b \b\b \bd\r\n"), 0);
}

TEST(erase_on_empty_line_does_nothing)
{
	ldisc_init(&ld);
	CHECK_EQ(type("\x7f\x7f"), 0);
	CHECK_EQ(strcmp(echoed(), ""), 0);
	type("x\r");
	CHECK_EQ(strcmp(rd(100), "x\n"), 0);
}

TEST(kill_erases_the_line)
{
	ldisc_init(&ld);
	type("abc\x15" "xy\r");
	CHECK_EQ(strcmp(rd(100), "xy\n"), 0);
	CHECK_EQ(strcmp(echoed(), "abc\b \b\b \b\b \bxy\r\n"), 0);
}

TEST(word_erase)
{
	ldisc_init(&ld);
	type("foo bar  \x17" "baz\r");
	CHECK_EQ(strcmp(rd(100), "foo baz\n"), 0);
	type("\x17\x17one\r");			/* on an empty line: nothing to erase */
	CHECK_EQ(strcmp(rd(100), "one\n"), 0);
}

TEST(control_characters_echo_as_caret)
{
	ldisc_init(&ld);
	type("a\x01");
	CHECK_EQ(strcmp(echoed(), "a^A"), 0);
	type("\x7f");				/* erasing ^A takes two columns back */
	CHECK_EQ(strcmp(echoed(), "\b \b\b \b"), 0);
	type("\r");
	CHECK_EQ(strcmp(rd(100), "a\n"), 0);
}

TEST(eof_on_empty_line)
{
	ldisc_init(&ld);
	unsigned ev = type("\x04");
	CHECK(ev & LD_EV_READ);
	CHECK(ldisc_can_read(&ld));
	CHECK_EQ(ldisc_readable(&ld), 0);
	CHECK_EQ(strcmp(rd(100), "<eof>"), 0);
	CHECK_EQ(strcmp(rd(100), "<none>"), 0);	/* the mark is consumed */
	CHECK_EQ(strcmp(echoed(), ""), 0);	/* ^D is not echoed */
}

TEST(eof_after_text_ends_the_line_without_newline)
{
	ldisc_init(&ld);
	type("ab\x04");
	CHECK_EQ(strcmp(rd(100), "ab"), 0);
	CHECK_EQ(strcmp(rd(100), "<none>"), 0);
	type("\x04");
	CHECK_EQ(strcmp(rd(100), "<eof>"), 0);
}

TEST(intr_signals_flushes_and_echoes)
{
	ldisc_init(&ld);
	type("done\r");
	type("half");
	ldisc_write(&ld, "unsent", 6);		/* output not yet taken by the transmitter */
	unsigned ev = type("\x03");
	CHECK(ev & LD_EV_SIGINT);
	CHECK(ev & LD_EV_FLUSHED);
	CHECK(!(ev & LD_EV_SIGQUIT));
	CHECK_EQ(strcmp(echoed(), "^C"), 0);	/* the echo and the output went too */
	CHECK(!ldisc_can_read(&ld));		/* both the line and the edit line went */
	type("new\r");
	CHECK_EQ(strcmp(rd(100), "new\n"), 0);
}

TEST(quit_and_susp)
{
	ldisc_init(&ld);
	CHECK(type("\x1c") & LD_EV_SIGQUIT);
	CHECK(type("\x1a") & LD_EV_SIGTSTP);
}

TEST(noflsh_keeps_input)
{
	ldisc_init(&ld);
	ld.tio.c_lflag |= NOFLSH;
	type("keep\r");
	unsigned ev = type("\x03");
	CHECK(ev & LD_EV_SIGINT);
	CHECK(!(ev & LD_EV_FLUSHED));
	CHECK_EQ(strcmp(rd(100), "keep\n"), 0);
	CHECK_EQ(strcmp(echoed(), "keep\r\n^C"), 0);
}

TEST(isig_off_makes_intr_a_plain_byte)
{
	ldisc_init(&ld);
	ld.tio.c_lflag &= ~(tcflag_t)ISIG;
	CHECK(!(type("\x03\r") & LD_EV_SIGINT));
	CHECK_EQ(strcmp(rd(100), "\x03\n"), 0);
}

TEST(disabled_control_character_is_plain)
{
	ldisc_init(&ld);
	ld.tio.c_cc[VINTR] = ld.tio.c_cc[VEOL];	/* VEOL is disabled by default */
	CHECK(!(type("\x03") & LD_EV_SIGINT));
	CHECK(!(type(" ") & LD_EV_READ));	/* and the disabled value ends no line */
}

TEST(raw_mode_bytes_at_once_no_echo)
{
	ldisc_init(&ld);
	raw();
	unsigned ev = type("a\x7f\x03");
	CHECK(ev & LD_EV_READ);
	CHECK(!(ev & (LD_EV_OUTPUT | LD_EV_SIGINT)));
	CHECK_EQ(ldisc_readable(&ld), 3);
	CHECK_EQ(strcmp(rd(2), "a\x7f"), 0);
	CHECK_EQ(strcmp(rd(100), "\x03"), 0);
	CHECK_EQ(strcmp(rd(100), "<none>"), 0);
	CHECK_EQ(strcmp(echoed(), ""), 0);
}

TEST(raw_mode_with_echo)
{
	ldisc_init(&ld);
	ld.tio.c_lflag &= ~(tcflag_t)ICANON;
	CHECK(type("q") & LD_EV_OUTPUT);
	CHECK_EQ(strcmp(echoed(), "q"), 0);
	CHECK_EQ(strcmp(rd(100), "q"), 0);
}

TEST(switch_to_raw_delivers_the_edit_line)
{
	ldisc_init(&ld);
	type("full\rpart");
	raw();
	CHECK_EQ(ldisc_readable(&ld), 9);
	CHECK_EQ(strcmp(rd(100), "full\npart"), 0);
}

TEST(switch_to_canonical_makes_raw_input_a_line)
{
	ldisc_init(&ld);
	raw();
	type("xyz");
	struct termios t = ld.tio;
	t.c_lflag |= ICANON;
	ldisc_set_termios(&ld, &t);
	CHECK_EQ(strcmp(rd(100), "xyz"), 0);
	CHECK_EQ(strcmp(rd(100), "<none>"), 0);
}

TEST(input_cr_handling)
{
	ldisc_init(&ld);
	ld.tio.c_iflag |= IGNCR;
	type("a\rb\n");
	CHECK_EQ(strcmp(rd(100), "ab\n"), 0);
	ld.tio.c_iflag &= ~(tcflag_t)(IGNCR | ICRNL);
	ld.tio.c_iflag |= INLCR;
	type("c\n");				/* NL becomes CR: not a line end */
	CHECK(!ldisc_can_read(&ld));
	type("\x04");
	CHECK_EQ(strcmp(rd(100), "c\r"), 0);
}

TEST(echo_off_and_echonl)
{
	ldisc_init(&ld);
	ld.tio.c_lflag &= ~(tcflag_t)ECHO;
	type("secret\r");
	CHECK_EQ(strcmp(echoed(), ""), 0);
	CHECK_EQ(strcmp(rd(100), "secret\n"), 0);
	ld.tio.c_lflag |= ECHONL;
	type("pw\r");
	CHECK_EQ(strcmp(echoed(), "\r\n"), 0);
}

TEST(write_onlcr_and_opost_off)
{
	ldisc_init(&ld);
	CHECK_EQ(ldisc_write(&ld, "a\nb", 3), 3);
	CHECK_EQ(strcmp(echoed(), "a\r\nb"), 0);
	ld.tio.c_oflag &= ~(tcflag_t)OPOST;
	CHECK_EQ(ldisc_write(&ld, "a\nb", 3), 3);
	CHECK_EQ(strcmp(echoed(), "a\nb"), 0);
	ld.tio.c_oflag |= OPOST | OCRNL;
	CHECK_EQ(ldisc_write(&ld, "x\r", 2), 2);
	CHECK_EQ(strcmp(echoed(), "x\n"), 0);	/* CR -> NL, not mapped again */
}

TEST(write_stops_when_full_and_never_splits_crnl)
{
	static char big[LD_OUTQ];
	ldisc_init(&ld);
	memset(big, 'x', sizeof big);
	CHECK_EQ(ldisc_write(&ld, big, LD_OUTQ - 1), LD_OUTQ - 1);
	CHECK_EQ(ldisc_out_room(&ld), 1);
	CHECK_EQ(ldisc_write(&ld, "\n", 1), 0);	/* CR NL needs two */
	CHECK_EQ(ldisc_write(&ld, "yz", 2), 1);
	CHECK_EQ(ldisc_out_room(&ld), 0);
	unsigned char b[10];
	CHECK_EQ(ldisc_tx(&ld, b, 10), 10);
	CHECK_EQ(ldisc_out_pending(&ld), LD_OUTQ - 10);
	CHECK_EQ(ldisc_write(&ld, "\n", 1), 1);
}

TEST(long_line_is_truncated_with_a_bell)
{
	ldisc_init(&ld);
	for (int i = 0; i < LD_LINE_MAX + 10; i++)
		ldisc_input(&ld, 'a');
	CHECK(ld.dropped >= 11);
	CHECK(strchr(echoed(), '\a') != NULL);
	type("\r");				/* the newline still fits */
	CHECK_EQ(ldisc_readable(&ld), LD_LINE_MAX);
	const char *s = rd(LD_INQ);
	CHECK_EQ(strlen(s), LD_LINE_MAX);
	CHECK_EQ(s[LD_LINE_MAX - 1], '\n');
}

TEST(too_many_lines_are_dropped_whole)
{
	ldisc_init(&ld);
	for (int i = 0; i < LD_NLINES; i++)
		CHECK(type("l\r") & LD_EV_READ);
	CHECK(type("lost\r") & LD_EV_DROPPED);
	for (int i = 0; i < LD_NLINES; i++)
		CHECK_EQ(strcmp(rd(100), "l\n"), 0);
	CHECK_EQ(strcmp(rd(100), "<none>"), 0);
}

TEST(raw_input_overflow_drops)
{
	ldisc_init(&ld);
	raw();
	for (int i = 0; i < LD_INQ; i++)
		ldisc_input(&ld, 'r');
	CHECK(ldisc_input(&ld, 'r') & LD_EV_DROPPED);
	CHECK_EQ(ldisc_readable(&ld), LD_INQ);
}

TEST(flush_queues)
{
	ldisc_init(&ld);
	type("in\rpart");
	ldisc_write(&ld, "out", 3);
	CHECK_EQ(ldisc_flush(&ld, 12345), -1);
	CHECK(ldisc_can_read(&ld));
	CHECK_EQ(ldisc_flush(&ld, TCOFLUSH), 0);
	CHECK_EQ(ldisc_out_pending(&ld), 0);
	CHECK(ldisc_can_read(&ld));
	CHECK_EQ(ldisc_flush(&ld, TCIFLUSH), 0);
	CHECK(!ldisc_can_read(&ld));
	type("\r");				/* the edit line went too */
	CHECK_EQ(strcmp(rd(100), "\n"), 0);
}

/* Random bytes in random modes: the queues stay consistent (in canonical mode the line
 * records add up to the input queue) and nothing overruns (ASan). */
TEST(random_input_keeps_queues_consistent)
{
	uint64_t x = 88172645463325252ull;
	ldisc_init(&ld);
	for (int i = 0; i < 200000; i++) {
		x ^= x << 13, x ^= x >> 7, x ^= x << 17;
		unsigned r = (unsigned)(x >> 32);
		if (r % 1000 == 0) {
			struct termios t = ld.tio;
			t.c_lflag ^= (r >> 10) & 1 ? ICANON : ECHO;
			ldisc_set_termios(&ld, &t);
		}
		if (r % 7 == 0) {
			char buf[64];
			(void)ldisc_read(&ld, buf, 1 + (r >> 8) % 64);
		} else if (r % 11 == 0) {
			unsigned char b[128];
			(void)ldisc_tx(&ld, b, (r >> 8) % 128);
		} else if (r % 13 == 0) {
			(void)ldisc_write(&ld, "w\nx", 3);
		} else {
			(void)ldisc_input(&ld, (unsigned char)(r >> 16));
		}
		CHECK(ld.in_len <= LD_INQ && ld.out_len <= LD_OUTQ && ld.nlines <= LD_NLINES);
		CHECK(ld.edit_len < LD_LINE_MAX);
		if (ld.tio.c_lflag & ICANON) {
			size_t sum = 0;
			for (size_t k = 0; k < ld.nlines; k++)
				sum += ld.lines[(ld.lines_head + k) % LD_NLINES];
			CHECK_EQ(sum, ld.in_len);
		}
		if (host_test_failed)
			break;
	}
}

static void minmax(int canon, int vmin, int vtime)
{
	struct termios t = ld.tio;
	if (canon)
		t.c_lflag |= ICANON;
	else
		t.c_lflag &= ~(tcflag_t)(ICANON | ECHO | ISIG);
	t.c_cc[VMIN] = (cc_t)vmin;
	t.c_cc[VTIME] = (cc_t)vtime;
	ldisc_set_termios(&ld, &t);
}

TEST(read_ready_min_time_rules)
{
	ldisc_init(&ld);
	minmax(0, 0, 0);			/* poll: always, even with nothing */
	CHECK(ldisc_read_ready(&ld, 10, 0));
	minmax(0, 0, 5);			/* TIME only: a byte, or the timer */
	CHECK(!ldisc_read_ready(&ld, 10, 0));
	CHECK(ldisc_read_ready(&ld, 10, 1));
	minmax(0, 3, 0);			/* MIN only: three bytes (or n, if smaller) */
	type("ab");
	CHECK(!ldisc_read_ready(&ld, 10, 0));
	CHECK(!ldisc_read_ready(&ld, 10, 1));	/* no TIME: expiry means nothing */
	CHECK(ldisc_read_ready(&ld, 2, 0));	/* MIN is capped at the read's size */
	type("c");
	CHECK(ldisc_read_ready(&ld, 10, 0));
	ldisc_flush(&ld, TCIFLUSH);
	minmax(0, 3, 5);			/* MIN and TIME: inter-byte timer */
	CHECK(!ldisc_read_ready(&ld, 10, 1));	/* no byte yet: TIME has not started */
	type("a");
	CHECK(!ldisc_read_ready(&ld, 10, 0));
	CHECK(ldisc_read_ready(&ld, 10, 1));
	minmax(1, 1, 0);			/* canonical: only a whole line */
	ldisc_flush(&ld, TCIFLUSH);
	type("x");
	CHECK(!ldisc_read_ready(&ld, 10, 1));
	type("\r");
	CHECK(ldisc_read_ready(&ld, 10, 0));
}
