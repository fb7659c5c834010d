/*
 * Console output: a small printf and a lock that keeps each kprintf call's text
 * together. Never call kprintf from a hot path (seed 003: the console lock
 * became the bug); record into the trace ring instead.
 */
#include <skimmer/kern.h>
#include <skimmer/spinlock.h>

void platform_console_putc(char c);

static struct spinlock console_lock = SPINLOCK_INIT("console");

struct outbuf {
	char *buf;
	size_t size, len;	/* len counts every character produced, stored or not */
};

static void out(struct outbuf *o, char c)
{
	if (o->len + 1 < o->size)
		o->buf[o->len] = c;
	o->len++;
}

static void out_num(struct outbuf *o, unsigned long long v, unsigned base, bool upper, bool neg,
		    int width, bool zero, bool left, const char *prefix)
{
	char tmp[24];
	const char *digits = upper ? "0123456789ABCDEF" : "0123456789abcdef";
	int n = 0, len;
	do {
		tmp[n++] = digits[v % base];
		v /= base;
	} while (v);
	len = n + (neg ? 1 : 0) + (int)strlen(prefix);
	if (!left && !zero)
		for (; width > len; width--)
			out(o, ' ');
	if (neg)
		out(o, '-');
	while (*prefix)
		out(o, *prefix++);
	if (!left && zero)
		for (; width > len; width--)
			out(o, '0');
	while (n)
		out(o, tmp[--n]);
	for (; left && width > len; width--)
		out(o, ' ');
}

int kvsnprintf(char *buf, size_t size, const char *fmt, va_list ap)
{
	struct outbuf o = { buf, size, 0 };
	for (; *fmt; fmt++) {
		if (*fmt != '%') {
			out(&o, *fmt);
			continue;
		}
		bool left = false, zero = false, alt = false;
		int width = 0, lng = 0;
		for (;; fmt++) {
			if (fmt[1] == '-')
				left = true;
			else if (fmt[1] == '0')
				zero = true;
			else if (fmt[1] == '#')
				alt = true;
			else
				break;
		}
		while (fmt[1] >= '0' && fmt[1] <= '9')
			width = width * 10 + (*++fmt - '0');
		while (fmt[1] == 'l' || fmt[1] == 'z') {
			lng++;
			fmt++;
		}
		unsigned long long u;
		long long d;
		switch (*++fmt) {
		case 'd':
		case 'i':
			d = lng ? va_arg(ap, long) : va_arg(ap, int);
			out_num(&o, d < 0 ? -(unsigned long long)d : (unsigned long long)d, 10,
				false, d < 0, width, zero, left, "");
			break;
		case 'u':
			u = lng ? va_arg(ap, unsigned long) : va_arg(ap, unsigned int);
			out_num(&o, u, 10, false, false, width, zero, left, "");
			break;
		case 'x':
		case 'X':
			u = lng ? va_arg(ap, unsigned long) : va_arg(ap, unsigned int);
			out_num(&o, u, 16, *fmt == 'X', false, width, zero, left,
				alt && u ? "0x" : "");
			break;
		case 'p':
			out_num(&o, (uintptr_t)va_arg(ap, void *), 16, false, false, width, zero,
				left, "0x");
			break;
		case 'c':
			out(&o, (char)va_arg(ap, int));
			break;
		case 's': {
			const char *s = va_arg(ap, const char *);
			int len;
			if (s == NULL)
				s = "(null)";
			len = (int)strlen(s);
			for (; !left && width > len; width--)
				out(&o, ' ');
			while (*s)
				out(&o, *s++);
			for (; left && width > len; width--)
				out(&o, ' ');
			break;
		}
		case '%':
			out(&o, '%');
			break;
		case '\0':
			fmt--;
			break;
		default:
			out(&o, '%');
			out(&o, *fmt);
		}
	}
	if (size)
		buf[o.len < size ? o.len : size - 1] = '\0';
	return (int)o.len;
}

int ksnprintf(char *buf, size_t n, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	int r = kvsnprintf(buf, n, fmt, ap);
	va_end(ap);
	return r;
}

void console_putc_raw(char c)
{
	if (c == '\n')
		platform_console_putc('\r');
	platform_console_putc(c);
}

int kvprintf(const char *fmt, va_list ap)
{
	char buf[512];
	int n = kvsnprintf(buf, sizeof buf, fmt, ap);
	/* Once a hart panics, others may be parked holding the lock: go around it. */
	bool locked = !panicking;
	unsigned long s = locked ? spin_lock_irqsave(&console_lock) : 0;
	for (char *p = buf; *p; p++)
		console_putc_raw(*p);
	if (locked)
		spin_unlock_irqrestore(&console_lock, s);
	return n;
}

int kprintf(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	int r = kvprintf(fmt, ap);
	va_end(ap);
	return r;
}
