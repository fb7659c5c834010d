/* User-driver helpers: the goldfish RTC's registers (QEMU virt's "google,goldfish-rtc"),
 * reached through KerMapPhys, and the cycle counter. */
#ifndef QINTR_H
#define QINTR_H
#include <stdint.h>

#define RTC_TIME_LOW		0x00	/* read: ns since the epoch, low half; latches the high */
#define RTC_TIME_HIGH		0x04
#define RTC_ALARM_LOW		0x08	/* write: arms the alarm at (ALARM_HIGH << 32 | this) */
#define RTC_ALARM_HIGH		0x0c
#define RTC_IRQ_ENABLED		0x10
#define RTC_CLEAR_ALARM		0x14
#define RTC_ALARM_STATUS	0x18	/* 1 while an alarm is armed */
#define RTC_CLEAR_INTERRUPT	0x1c	/* the interrupt is a level: it stays until cleared */

static inline void rtc_write(volatile uint32_t *rtc, unsigned off, uint32_t v)
{
	rtc[off / 4] = v;
}

static inline uint32_t rtc_read(volatile uint32_t *rtc, unsigned off)
{
	return rtc[off / 4];
}

static inline uint64_t rtc_now(volatile uint32_t *rtc)
{
	uint64_t lo = rtc_read(rtc, RTC_TIME_LOW);
	return (uint64_t)rtc_read(rtc, RTC_TIME_HIGH) << 32 | lo;
}

/* Arm the alarm at ns (a time already past raises the interrupt at once). */
static inline void rtc_alarm(volatile uint32_t *rtc, uint64_t ns)
{
	rtc_write(rtc, RTC_ALARM_HIGH, (uint32_t)(ns >> 32));
	rtc_write(rtc, RTC_ALARM_LOW, (uint32_t)ns);
}

static inline uint64_t rdcycle(void)
{
	uint64_t v;
	__asm__ __volatile__("rdcycle %0" : "=r"(v));
	return v;
}
#endif
