/* Kernel-wide helpers: console output, panic, KASSERT, string functions. */
#ifndef SKIMMER_KERN_H
#define SKIMMER_KERN_H

#include <skimmer/types.h>
#include <generated/autoconf.h>

/* console.c: serialised console output (never from hot paths). */
int kprintf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
int kvprintf(const char *fmt, va_list ap);
int ksnprintf(char *buf, size_t n, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
int kvsnprintf(char *buf, size_t n, const char *fmt, va_list ap);
void console_init(void);
void console_putc_raw(char c);	/* unlocked; panic path only */

/* panic.c */
struct trapframe;
void panic(const char *fmt, ...) __noreturn __attribute__((format(printf, 1, 2)));
void panic_frame(struct trapframe *tf, const char *fmt, ...) __noreturn
	__attribute__((format(printf, 2, 3)));
extern volatile int panicking;

#ifdef CONFIG_KASSERT
#define KASSERT(cond, fmt, ...) do { \
	if (unlikely(!(cond))) \
		panic("KASSERT(%s) failed at %s:%d: " fmt, #cond, __FILE__, __LINE__, ##__VA_ARGS__); \
} while (0)
#else
#define KASSERT(cond, fmt, ...) do { (void)sizeof(cond); } while (0)
#endif

/* lib.c: freestanding string functions. */
void *memset(void *d, int c, size_t n);
void *memcpy(void *d, const void *s, size_t n);
void *memmove(void *d, const void *s, size_t n);
int memcmp(const void *a, const void *b, size_t n);
size_t strlen(const char *s);
size_t strnlen(const char *s, size_t max);
int strcmp(const char *a, const char *b);
int strncmp(const char *a, const char *b, size_t n);
char *strchr(const char *s, int c);
size_t strlcpy(char *d, const char *s, size_t n);
unsigned long strtoul(const char *s, char **end, int base);

/* bootargs.c: key=value boot arguments from /chosen/bootargs. */
void bootargs_init(const char *cmdline);
const char *bootarg(const char *key);	/* value, "" for a bare key, NULL if absent */
long bootarg_num(const char *key, long dflt);

#endif
