/* <sys/neutrino.h>: the QNX Neutrino kernel API as QSOE fixes it: constants, ABI types, kernel calls. */
/*
 * Kernel-neutral: every kernel backend implements these calls with these layouts.
 * Values come from shared/docs/qnx-api.md (binding) and QNX's public documentation;
 * names marked "QSOE" are our own. The ABI is LP64 only; the static asserts below fix
 * every layout a kernel copies in or out. Needs only the compiler's <stddef.h> and
 * <stdint.h>, so it serves the kernel, libc and host tests alike.
 *
 * Each kernel call Foo comes in two forms, as in QNX: Foo() returns -1 and sets errno,
 * Foo_r() returns -errno, always in -4095..-1: other negative values are results (a
 * connect reply's status has its sign bit set). Servers therefore never reply with a
 * status in -4095..-1; MsgError is for errors. The prototypes must match abi/kcalls.tab
 * (kcallgen checks).
 * MsgSend, MsgReceive, MsgReply, MsgRead and MsgWrite are inline wrappers over the v
 * forms that pass their buffer flat (a negative part count, see below); they are not
 * kernel calls of their own.
 */
#ifndef _SYS_NEUTRINO_H
#define _SYS_NEUTRINO_H

#include <stddef.h>
#include <stdint.h>

#ifndef _PID_T_DECLARED		/* the guard picolibc's <sys/types.h> uses */
#define _PID_T_DECLARED
typedef int pid_t;
#endif
#if !defined(_CLOCKID_T_DECLARED) && !defined(__clockid_t_defined)	/* picolibc's, glibc's */
#define _CLOCKID_T_DECLARED
typedef int clockid_t;
#endif
#if !defined(_TIMER_T_DECLARED) && !defined(__timer_t_defined)	/* (a host's may be a pointer) */
#define _TIMER_T_DECLARED
typedef int timer_t;
#endif

/* --- Channels and connections ------------------------------------------------------- */
#define _NTO_CHF_FIXED_PRIORITY		0x1	/* no priority inheritance */
#define _NTO_CHF_UNBLOCK		0x2	/* unblock pulses for REPLY-blocked clients */
#define _NTO_CHF_THREAD_DEATH		0x4	/* a pulse when a thread of this process dies */
#define _NTO_CHF_DISCONNECT		0x8	/* a pulse when a client's last connection goes */
#define _NTO_CHF_SENDER_LEN		0x20
#define _NTO_CHF_COID_DISCONNECT	0x40	/* a pulse when a channel we connect to dies */
#define _NTO_CHF_REPLY_LEN		0x80
#define _NTO_CHF_PRIVATE		0x1000	/* only the owning process may connect */

#define _NTO_SIDE_CHANNEL		0x40000000	/* ConnectAttach index: coid above all fds */
#define _NTO_COF_CLOEXEC		0x1	/* ConnectAttach flag: closed on exec */

#define SYSMGR_PID			1	/* the process manager (taskman) */
#define PATHMGR_PID			1
#define SYSMGR_CHID			1

/* --- Pulses ----------------------------------------------------------------------------- */
#define _PULSE_TYPE			0
#define _PULSE_SUBTYPE			0
#define _PULSE_CODE_UNBLOCK		(-32)	/* value = rcvid */
#define _PULSE_CODE_DISCONNECT		(-33)	/* value = 0, scoid = the client's connection */
#define _PULSE_CODE_THREADDEATH		(-34)	/* value = tid */
#define _PULSE_CODE_COIDDEATH		(-35)	/* value = coid, scoid = -1 */
#define _PULSE_CODE_MINAVAIL		0	/* user pulse codes */
#define _PULSE_CODE_MAXAVAIL		127

union sigval {
	int	sival_int;
	void	*sival_ptr;
};

/* What MsgReceive puts in the buffer for a pulse (it then returns 0). */
struct _pulse {
	uint16_t	type;		/* _PULSE_TYPE */
	uint16_t	subtype;	/* _PULSE_SUBTYPE */
	int8_t		code;		/* _PULSE_CODE_* or a user code */
	uint8_t		zero[3];
	union sigval	value;
	int32_t		scoid;		/* the sender's server connection */
};
/* 24, not the 16 of 32-bit QNX: union sigval holds a pointer (as on 64-bit QNX 7). */
_Static_assert(sizeof(struct _pulse) == 24, "struct _pulse is ABI");
_Static_assert(offsetof(struct _pulse, code) == 4, "struct _pulse is ABI");
_Static_assert(offsetof(struct _pulse, value) == 8, "struct _pulse is ABI");
_Static_assert(offsetof(struct _pulse, scoid) == 16, "struct _pulse is ABI");

/* --- Events ----------------------------------------------------------------------------- */
#define SIGEV_NONE			0
#define SIGEV_SIGNAL			1
#define SIGEV_SIGNAL_CODE		2
#define SIGEV_SIGNAL_THREAD		3
#define SIGEV_PULSE			4
#define SIGEV_UNBLOCK			5
#define SIGEV_INTR			6
#define SIGEV_THREAD			7

#define SIGEV_PULSE_PRIO_INHERIT	(-1)	/* sigev_priority: the receiver's; 0 is invalid */

struct sigevent {
	int		sigev_notify;		/* SIGEV_* */
	union {
		int	sigev_signo;		/* SIGEV_SIGNAL* */
		int	sigev_coid;		/* SIGEV_PULSE */
		int	sigev_id;		/* SIGEV_INTR: unused */
		void	(*sigev_notify_function)(union sigval);	/* SIGEV_THREAD */
	};
	union sigval	sigev_value;
	union {
		struct {
			short	sigev_code;	/* SIGEV_PULSE, SIGEV_SIGNAL_CODE */
			short	sigev_priority;	/* SIGEV_PULSE */
		};
		void	*sigev_notify_attributes;	/* SIGEV_THREAD */
	};
};
_Static_assert(sizeof(struct sigevent) == 32, "struct sigevent is ABI");
_Static_assert(offsetof(struct sigevent, sigev_coid) == 8, "struct sigevent is ABI");
_Static_assert(offsetof(struct sigevent, sigev_value) == 16, "struct sigevent is ABI");
_Static_assert(offsetof(struct sigevent, sigev_code) == 24, "struct sigevent is ABI");
_Static_assert(offsetof(struct sigevent, sigev_priority) == 26, "struct sigevent is ABI");

#define SIGEV_NONE_INIT(__e)		((__e)->sigev_notify = SIGEV_NONE)
#define SIGEV_UNBLOCK_INIT(__e)		((__e)->sigev_notify = SIGEV_UNBLOCK)
#define SIGEV_INTR_INIT(__e)		((__e)->sigev_notify = SIGEV_INTR)
#define SIGEV_SIGNAL_INIT(__e, __signo) \
	((__e)->sigev_notify = SIGEV_SIGNAL, (__e)->sigev_signo = (__signo))
#define SIGEV_SIGNAL_CODE_INIT(__e, __signo, __val, __code) \
	((__e)->sigev_notify = SIGEV_SIGNAL_CODE, (__e)->sigev_signo = (__signo), \
	 (__e)->sigev_value.sival_ptr = (void *)(uintptr_t)(__val), (__e)->sigev_code = (__code))
/* __val may be an integer or a pointer; an int reads back intact from sival_int. */
#define SIGEV_PULSE_INIT(__e, __coid, __prio, __code, __val) \
	((__e)->sigev_notify = SIGEV_PULSE, (__e)->sigev_coid = (__coid), \
	 (__e)->sigev_value.sival_ptr = (void *)(uintptr_t)(__val), \
	 (__e)->sigev_priority = (__prio), (__e)->sigev_code = (__code))
#define SIGEV_PULSE_INT_INIT(__e, __coid, __prio, __code, __int) \
	((__e)->sigev_notify = SIGEV_PULSE, (__e)->sigev_coid = (__coid), \
	 (__e)->sigev_value.sival_int = (__int), \
	 (__e)->sigev_priority = (__prio), (__e)->sigev_code = (__code))

/* --- Received-message information (MsgReceivev, MsgInfo) ------------------------------- */
#define _NTO_MI_UNBLOCK_REQ		0x100	/* the client asked to be unblocked */

struct _msg_info {
	uint32_t	nd;		/* the client's node (0: local) */
	uint32_t	srcnd;		/* our node as the client knows it */
	pid_t		pid;		/* the client's process */
	int32_t		tid;		/* and thread */
	int32_t		chid;		/* the channel it arrived on */
	int32_t		scoid;		/* the server connection (one per client process): a
					 * side-channel id of the server's, for ConnectDetach */
	int32_t		coid;		/* the client's coid */
	int32_t		msglen;		/* bytes received */
	int32_t		srcmsglen;	/* the whole length the client sent */
	int32_t		dstmsglen;	/* the client's reply buffer size */
	int16_t		priority;	/* the client's priority */
	int16_t		flags;		/* _NTO_MI_* */
	uint32_t	reserved;
};
_Static_assert(sizeof(struct _msg_info) == 48, "struct _msg_info is ABI");
_Static_assert(offsetof(struct _msg_info, pid) == 8, "struct _msg_info is ABI");
_Static_assert(offsetof(struct _msg_info, scoid) == 20, "struct _msg_info is ABI");
_Static_assert(offsetof(struct _msg_info, msglen) == 28, "struct _msg_info is ABI");
_Static_assert(offsetof(struct _msg_info, dstmsglen) == 36, "struct _msg_info is ABI");
_Static_assert(offsetof(struct _msg_info, priority) == 40, "struct _msg_info is ABI");
_Static_assert(offsetof(struct _msg_info, flags) == 42, "struct _msg_info is ABI");

/* --- I/O vectors ------------------------------------------------------------------------ */
#ifndef __iovec_defined		/* the guard glibc's <sys/uio.h> uses */
#define __iovec_defined 1
struct iovec {
	void	*iov_base;
	size_t	iov_len;
};
#endif
typedef struct iovec iov_t;
_Static_assert(sizeof(iov_t) == 16, "iov_t is ABI");

#define SETIOV(__iov, __addr, __len) \
	((__iov)->iov_base = (void *)(__addr), (__iov)->iov_len = (size_t)(__len))
#define GETIOVBASE(__iov)		((__iov)->iov_base)
#define GETIOVLEN(__iov)		((__iov)->iov_len)

/* --- Thread states and kernel timeouts (TimerTimeout flags) ----------------------------- */
#define STATE_DEAD			0
#define STATE_RUNNING			1
#define STATE_READY			2
#define STATE_STOPPED			3
#define STATE_SEND			4
#define STATE_RECEIVE			5
#define STATE_REPLY			6
#define STATE_STACK			7
#define STATE_WAITTHREAD		8
#define STATE_WAITPAGE			9
#define STATE_SIGSUSPEND		10
#define STATE_SIGWAITINFO		11
#define STATE_NANOSLEEP			12
#define STATE_MUTEX			13
#define STATE_CONDVAR			14
#define STATE_JOIN			15
#define STATE_INTR			16
#define STATE_SEM			17
#define STATE_MAX			24

#define _NTO_TIMEOUT_SEND		(1 << STATE_SEND)
#define _NTO_TIMEOUT_RECEIVE		(1 << STATE_RECEIVE)
#define _NTO_TIMEOUT_REPLY		(1 << STATE_REPLY)
#define _NTO_TIMEOUT_SIGSUSPEND		(1 << STATE_SIGSUSPEND)
#define _NTO_TIMEOUT_SIGWAITINFO	(1 << STATE_SIGWAITINFO)
#define _NTO_TIMEOUT_NANOSLEEP		(1 << STATE_NANOSLEEP)
#define _NTO_TIMEOUT_MUTEX		(1 << STATE_MUTEX)
#define _NTO_TIMEOUT_CONDVAR		(1 << STATE_CONDVAR)
#define _NTO_TIMEOUT_JOIN		(1 << STATE_JOIN)
#define _NTO_TIMEOUT_INTR		(1 << STATE_INTR)
#define _NTO_TIMEOUT_SEM		(1 << STATE_SEM)
#define _NTO_TIMEOUT_ACTIVE		(1 << STATE_MAX)

/* --- Clocks and timers -------------------------------------------------------------------- */
#define CLOCK_REALTIME			0	/* ns since the epoch (settable) */
#define CLOCK_MONOTONIC			2	/* ns since boot (never set) */
#define TIMER_ABSTIME			0x80000000	/* times are absolute on the clock */

/* ClockPeriod: a clock's resolution. */
struct _clockperiod {
	uint32_t	nsec;
	int32_t		fract;		/* femtoseconds beyond nsec */
};
_Static_assert(sizeof(struct _clockperiod) == 8, "struct _clockperiod is ABI");

/* TimerSettime: first expiry (relative ns, or absolute with TIMER_ABSTIME; 0 disarms)
 * and the reload interval (0: one-shot). */
struct _itimer {
	uint64_t	nsec;
	uint64_t	interval_nsec;
};
_Static_assert(sizeof(struct _itimer) == 16, "struct _itimer is ABI");

/* TimerInfo flags (in) and _timer_info flags (out) */
#define _NTO_TIMER_RESET_OVERRUNS	0x2	/* zero the overrun count after reading it */
#define _NTO_TI_ACTIVE			0x1	/* armed */
#define _NTO_TI_ABSOLUTE		0x2	/* armed with TIMER_ABSTIME */
#define _NTO_TI_EXPIRED			0x4	/* has fired since it was last armed */
#define _NTO_TI_TOD_BASED		0x8	/* on CLOCK_REALTIME */

struct _timer_info {
	struct _itimer	itime;		/* next expiry (absolute on the clock) and interval */
	struct _itimer	otime;		/* time left to it (relative) and interval */
	uint32_t	flags;		/* _NTO_TI_* */
	int32_t		tid;		/* the thread that created it */
	int32_t		notify;		/* its event's sigev_notify */
	int32_t		clockid;	/* a clockid_t (fixed width: libcs differ) */
	uint32_t	overruns;	/* periods that passed without a delivery of their own */
	uint32_t	reserved;
	struct sigevent	event;
};
_Static_assert(sizeof(struct _timer_info) == 88, "struct _timer_info is ABI");
_Static_assert(offsetof(struct _timer_info, flags) == 32, "struct _timer_info is ABI");
_Static_assert(offsetof(struct _timer_info, overruns) == 48, "struct _timer_info is ABI");
_Static_assert(offsetof(struct _timer_info, event) == 56, "struct _timer_info is ABI");

/* --- Scheduling -------------------------------------------------------------------------- */
#define SCHED_NOCHANGE			0
#define SCHED_FIFO			1
#define SCHED_RR			2
#define SCHED_OTHER			3

#define _NTO_PRIO_IDLE			0	/* QSOE: the idle threads only */
#define _NTO_PRIO_MIN			1	/* QSOE: lowest priority a thread may have */
#define _NTO_PRIO_MAX			255	/* QSOE: highest */

/* ThreadCreate's attributes (QSOE layout, QNX field names). __flags holds QNX's
 * <pthread.h> bits: PTHREAD_CREATE_DETACHED 0x1, PTHREAD_EXPLICIT_SCHED 0x2. */
struct _thread_attr {
	int		__flags;
	int		__policy;	/* SCHED_*, with PTHREAD_EXPLICIT_SCHED */
	int		__priority;	/* with PTHREAD_EXPLICIT_SCHED */
	int		__reserved;	/* 0 */
	size_t		__stacksize;
	void		*__stackaddr;	/* lowest address of a stack the caller provides */
	void		(*__exitfunc)(void *__status);	/* func returns into this */
};
_Static_assert(sizeof(struct _thread_attr) == 40, "struct _thread_attr is ABI");
_Static_assert(offsetof(struct _thread_attr, __stacksize) == 16, "struct _thread_attr is ABI");
_Static_assert(offsetof(struct _thread_attr, __exitfunc) == 32, "struct _thread_attr is ABI");

#ifndef PTHREAD_CREATE_DETACHED	/* _thread_attr __flags, as QNX's <pthread.h> has them */
#define PTHREAD_CREATE_JOINABLE		0x0
#define PTHREAD_CREATE_DETACHED		0x1
#define PTHREAD_EXPLICIT_SCHED		0x2
#endif

/* SchedGet/SchedSet (QSOE layout, QNX field names): sched_priority is the thread's own
 * (base) priority; SchedGet also gives sched_curpriority, the one it runs at now
 * (higher while it inherits a client's, a mutex waiter's or a pulse's). */
struct sched_param {
	int32_t		sched_priority;
	int32_t		sched_curpriority;
	int32_t		__reserved[6];	/* sporadic server parameters: not supported */
};
_Static_assert(sizeof(struct sched_param) == 32, "struct sched_param is ABI");

/* SchedInfo: the priority range of a policy and its time slice (QNX layout). */
struct _sched_info {
	int		priority_min;
	int		priority_max;
	uint64_t	interval;	/* ns: the RR/OTHER time slice; 0 for FIFO */
	int		priority_priv;	/* highest priority without privilege (QSOE: all) */
	int		__reserved[11];
};
_Static_assert(sizeof(struct _sched_info) == 64, "struct _sched_info is ABI");

/* Thread-local storage (QSOE layout, QNX field names): every user thread starts with tp
 * pointing at its own block, which the kernel puts at the top of the thread's stack
 * (below it: the thread's sp) and fills in as shown; the rest is zero, for the thread
 * library. __tls() returns it. */
struct _thread_local_storage {
	void		(*__exitfunc)(void *);	/* the kernel: attr __exitfunc */
	void		*__arg;			/* the kernel: the thread's argument */
	int		*__errptr;		/* the kernel: &__errval */
	int		__errval;		/* errno, one per thread */
	unsigned	__flags;
	int		__pid;			/* the kernel: the process id */
	int		__tid;			/* the kernel: the thread id */
	unsigned	__owner;
	unsigned	__reserved1;
	void		*__stackaddr;		/* the kernel: the lowest address of the stack */
	void		*__reserved[9];		/* the thread library's (keys, cleanup) */
};
_Static_assert(sizeof(struct _thread_local_storage) == 128, "struct _thread_local_storage is ABI");
_Static_assert(offsetof(struct _thread_local_storage, __errval) == 24, "TLS is ABI");
_Static_assert(offsetof(struct _thread_local_storage, __tid) == 36, "TLS is ABI");

static inline struct _thread_local_storage *__tls(void)
{
	struct _thread_local_storage *t;
	__asm__ ("mv %0, tp" : "=r"(t));
	return t;
}

/* ThreadCtl commands */
#define _NTO_TCTL_RUNMASK		4	/* data = the mask itself: the harts the caller
						 * (and the threads it creates) may run on */
#define _NTO_TCTL_RUNMASK_GET_AND_SET	6	/* data = unsigned *: in the new runmask (0:
						 * unchanged), out the old one */
#define _NTO_TCTL_RUNMASK_GET_AND_SET_INHERIT 10 /* data = struct _thread_runmask *: both
						 * masks in (0: unchanged), the old ones out */
#define _NTO_TCTL_IO			14	/* I/O privilege for the calling thread */
#define _NTO_TCTL_QSOE_HART		0x1001	/* QSOE: returns the hart (logical cpu) the
						 * caller is running on */

/* Runmasks: bit n is logical hart n (QSOE: at most 32 harts). */
struct _thread_runmask {
	unsigned	runmask;	/* where the caller may run */
	unsigned	inherit_mask;	/* the runmask threads it creates start with */
};
_Static_assert(sizeof(struct _thread_runmask) == 8, "struct _thread_runmask is ABI");

/* InterruptAttachEvent / InterruptAttachThread flags (docs/interrupts.md) */
#define _NTO_INTR_FLAGS_END		0x01	/* accepted; order among attachments is moot */
#define _NTO_INTR_FLAGS_PROCESS		0x04	/* a pulse attachment outlives its thread */
#define _NTO_INTR_FLAGS_TRK_MSK		0x08	/* accepted; masks are always tracked per id */
/* --- Sync objects (SyncTypeCreate, SyncMutex*, SyncCondvar*, SyncSem*) ---------------------
 * A sync_t lives in user memory. For a mutex, __owner is the owner's tid (0: free) with
 * _NTO_SYNC_WAITING set while the kernel queues waiters: an uncontended lock is one
 * compare-and-swap 0 -> tid and an unlock one tid -> 0, without the kernel; a failed swap
 * calls SyncMutexLock / SyncMutexUnlock. __count holds a mutex's flags and recursion count,
 * a semaphore's value. Other __owner values name the other kinds. Process-private only:
 * the kernel finds the object by its address in the caller's process. */
typedef struct _sync {
	int		__count;	/* flags | recursion count; a semaphore's value */
	unsigned	__owner;	/* owner tid | _NTO_SYNC_WAITING, or a kind below */
} sync_t;
_Static_assert(sizeof(sync_t) == 8, "sync_t is ABI");

struct _sync_attr {
	int		__protocol;	/* PTHREAD_PRIO_INHERIT (default) or PTHREAD_PRIO_NONE */
	int		__flags;	/* mutex: _NTO_SYNC_NONRECURSIVE, _NTO_SYNC_NOERRORCHECK */
	int		__prioceiling;	/* unused (PTHREAD_PRIO_PROTECT is not supported) */
	int		__clockid;	/* condvar: the clock of timed waits */
	int		__reserved[4];
};
_Static_assert(sizeof(struct _sync_attr) == 32, "struct _sync_attr is ABI");

#define PTHREAD_PRIO_INHERIT		0
#define PTHREAD_PRIO_NONE		1
#define PTHREAD_PRIO_PROTECT		2

/* __count flags */
#define _NTO_SYNC_NONRECURSIVE		0x80000000
#define _NTO_SYNC_NOERRORCHECK		0x40000000
#define _NTO_SYNC_PRIOCEILING		0x20000000
#define _NTO_SYNC_PRIONONE		0x10000000	/* no priority inheritance */
#define _NTO_SYNC_COUNTMASK		0x0fffffff
/* __owner values */
#define _NTO_SYNC_MUTEX_FREE		0x00000000
#define _NTO_SYNC_WAITING		0x80000000	/* the kernel has waiters queued */
#define _NTO_SYNC_OWNER_MASK		0x7fffffff
#define _NTO_SYNC_INITIALIZER		0xffffffff	/* static init: a free mutex or condvar */
#define _NTO_SYNC_DESTROYED		0xfffffffe
#define _NTO_SYNC_NAMED_SEM		0xfffffffd
#define _NTO_SYNC_SEM			0xfffffffc
#define _NTO_SYNC_COND			0xfffffffb
#define _NTO_SYNC_SPIN			0xfffffffa
#define _NTO_SYNC_DEAD			0xfffffff9

#define PTHREAD_MUTEX_INITIALIZER	{ _NTO_SYNC_NONRECURSIVE, _NTO_SYNC_INITIALIZER }
#define PTHREAD_COND_INITIALIZER	{ 0, _NTO_SYNC_INITIALIZER }

/* --- Signals ---------------------------------------------------------------------------
 * QNX's numbers. A sigset_t holds signal n in bit (n-1) % 32 of __bits[(n-1) / 32], as
 * QNX lays it out. siginfo_t is QNX's layout on LP64 (the static asserts fix it). The
 * handler's third argument, ucontext_t, and the frame SignalReturn takes,
 * struct _sighandler_info, are QSOE's (docs/signals.md). */
#define SIGHUP		1
#define SIGINT		2
#define SIGQUIT		3
#define SIGILL		4
#define SIGTRAP		5
#define SIGIOT		6
#define SIGABRT		6
#define SIGEMT		7
#define SIGFPE		8
#define SIGKILL		9
#define SIGBUS		10
#define SIGSEGV		11
#define SIGSYS		12
#define SIGPIPE		13
#define SIGALRM		14
#define SIGTERM		15
#define SIGUSR1		16
#define SIGUSR2		17
#define SIGCHLD		18
#define SIGPWR		19
#define SIGWINCH	20
#define SIGURG		21
#define SIGPOLL		22
#define SIGIO		SIGPOLL
#define SIGSTOP		23
#define SIGTSTP		24
#define SIGCONT		25
#define SIGTTIN		26
#define SIGTTOU		27
#define SIGVTALRM	28
#define SIGPROF		29
#define SIGXCPU		30
#define SIGXFSZ		31
#define SIGRTMIN	41
#define SIGRTMAX	56
#define _SIGMIN		1
#define _SIGMAX		64	/* 57..64 are QNX's kernel-special signals: not sent here */

/* SignalProcmask's how */
#define SIG_BLOCK	0
#define SIG_UNBLOCK	1
#define SIG_SETMASK	2
#define SIG_PENDING	5	/* QNX: *oldset = the thread's and process's pending set */

/* si_code: <= 0 sent by a process (SignalKill, events), > 0 by the kernel for a fault */
#define SI_USER		0
#define SI_QUEUE	(-1)
#define SI_TIMER	(-2)
#define SI_ASYNCIO	(-3)
#define SI_MESGQ	(-4)
#define SI_NOTIFY	(-5)
#define SI_IRQ		(-6)
#define SI_MINAVAIL	(-128)	/* SignalKill's code: SI_MINAVAIL..SI_MAXAVAIL */
#define SI_MAXAVAIL	0
#define ILL_ILLOPC	1	/* SIGILL: illegal instruction */
#define TRAP_BRKPT	1	/* SIGTRAP: ebreak */
#define BUS_ADRALN	1	/* SIGBUS: misaligned address */
#define SEGV_MAPERR	1	/* SIGSEGV: no mapping at the address */
#define SEGV_ACCERR	2	/* SIGSEGV: the mapping forbids the access */

#if defined(__sigset_t_defined) && !defined(_QSOE_SIGSET_T)
/* A glibc host program (host tests) has its own sigset_t already: the signal calls'
 * prototypes below then use that one. Nothing built for QSOE takes this branch. */
#else
#define __sigset_t_defined 1	/* the guard glibc's <bits/types/sigset_t.h> uses */
#define _QSOE_SIGSET_T 1
typedef struct {
	uint32_t	__bits[2];
} sigset_t;
_Static_assert(sizeof(sigset_t) == 8, "sigset_t is ABI");
#endif

typedef struct {
	int		si_signo;
	int		si_code;	/* SI_* or a fault code */
	int		si_errno;
	union {
		int	__pad[7];
		struct {
			pid_t	__pid;		/* the sender (0: the kernel) */
			union {
				struct {
					int32_t		__uid;
					union sigval	__value;
				} __kill;
				struct {
					int32_t	__utime;
					int	__status;
					int32_t	__stime;
				} __chld;
			} __pdata;
		} __proc;
		struct {
			int	__fltno;	/* the RISC-V scause of the fault */
			void	*__fltip;	/* the faulting pc */
			void	*__addr;	/* the faulting address (stval) */
			int	__bdslot;
		} __fault;
	} __data;
} siginfo_t;
#define si_pid		__data.__proc.__pid
#define si_uid		__data.__proc.__pdata.__kill.__uid
#define si_value	__data.__proc.__pdata.__kill.__value
#define si_status	__data.__proc.__pdata.__chld.__status
#define si_fltno	__data.__fault.__fltno
#define si_fltip	__data.__fault.__fltip
#define si_addr		__data.__fault.__addr
_Static_assert(sizeof(siginfo_t) == 48, "siginfo_t is ABI");
_Static_assert(offsetof(siginfo_t, si_pid) == 16, "siginfo_t is ABI");
_Static_assert(offsetof(siginfo_t, si_value) == 32, "siginfo_t is ABI");
_Static_assert(offsetof(siginfo_t, si_addr) == 32, "siginfo_t is ABI");

#define SIG_ERR		((void (*)(int))-1)
#define SIG_DFL		((void (*)(int))0)
#define SIG_IGN		((void (*)(int))1)
#define SIG_HOLD	((void (*)(int))2)	/* QNX: SignalAction refuses it (EINVAL) */

/* sa_flags */
#define SA_NOCLDSTOP	0x0001	/* accepted; no job control yet */
#define SA_SIGINFO	0x0002	/* handler(signo, info, context); instances queue */
#define SA_RESETHAND	0x0004	/* back to SIG_DFL once delivered */
#define SA_NODEFER	0x0010	/* the signal is not masked in its own handler */

struct sigaction {
	union {
		void	(*_sa_handler)(int);
		void	(*_sa_sigaction)(int, siginfo_t *, void *);
	} __sa_un;
	int		sa_flags;
	sigset_t	sa_mask;	/* also masked while the handler runs */
};
#define sa_handler	__sa_un._sa_handler
#define sa_sigaction	__sa_un._sa_sigaction
#ifdef _QSOE_SIGSET_T
_Static_assert(sizeof(struct sigaction) == 24, "struct sigaction is ABI");
_Static_assert(offsetof(struct sigaction, sa_flags) == 8, "struct sigaction is ABI");
_Static_assert(offsetof(struct sigaction, sa_mask) == 12, "struct sigaction is ABI");
#endif

/* The interrupted context a handler gets as its third argument (QSOE layout). A handler
 * may change it: SignalReturn resumes what it then holds. */
typedef struct {
	uint64_t	__gregs[32];	/* [0]: the pc; [n]: register xn */
	uint64_t	__fpregs[32];	/* f0..f31, when __fpvalid */
	uint32_t	__fcsr;
	uint32_t	__fpvalid;	/* the thread had used FP: restore __fpregs and __fcsr */
} mcontext_t;

typedef struct ucontext {
	struct ucontext	*uc_link;	/* unused (0) */
	sigset_t	uc_sigmask;	/* the mask SignalReturn restores */
	mcontext_t	uc_mcontext;
} ucontext_t;

/* The frame the kernel builds on the thread's stack for a handler; the sigstub passes
 * it to SignalReturn. */
struct _sighandler_info {
	siginfo_t	siginfo;
	ucontext_t	context;
};
#ifdef _QSOE_SIGSET_T
_Static_assert(offsetof(ucontext_t, uc_mcontext) == 16, "ucontext_t is ABI");
_Static_assert(sizeof(mcontext_t) == 520, "mcontext_t is ABI");
_Static_assert(offsetof(struct _sighandler_info, context) == 48, "_sighandler_info is ABI");
_Static_assert(sizeof(struct _sighandler_info) == 584, "_sighandler_info is ABI");
#endif

#define SIGNAL_INIT_SET(__s)	((__s)->__bits[0] = (__s)->__bits[1] = 0)

/* --- Kernel calls (abi/kcalls.tab has the numbers and one line on each) ------------------ */
int KerNop(void);					/* QSOE */
int KerNop_r(void);
int KerDebugWrite(const char *buf, int len);		/* QSOE */
int KerDebugWrite_r(const char *buf, int len);

int ChannelCreate(unsigned flags);
int ChannelCreate_r(unsigned flags);
int ChannelDestroy(int chid);
int ChannelDestroy_r(int chid);
int ConnectAttach(uint32_t nd, pid_t pid, int chid, unsigned index, int flags);
int ConnectAttach_r(uint32_t nd, pid_t pid, int chid, unsigned index, int flags);
int ConnectDetach(int coid);
int ConnectDetach_r(int coid);

int MsgSendv(int coid, const iov_t *siov, int sparts, const iov_t *riov, int rparts);
int MsgSendv_r(int coid, const iov_t *siov, int sparts, const iov_t *riov, int rparts);
int MsgReceivev(int chid, const iov_t *riov, int rparts, struct _msg_info *info);
int MsgReceivev_r(int chid, const iov_t *riov, int rparts, struct _msg_info *info);
int MsgReplyv(int rcvid, int status, const iov_t *siov, int sparts);
int MsgReplyv_r(int rcvid, int status, const iov_t *siov, int sparts);
int MsgError(int rcvid, int error);
int MsgError_r(int rcvid, int error);
int MsgReadv(int rcvid, const iov_t *riov, int rparts, int offset);
int MsgReadv_r(int rcvid, const iov_t *riov, int rparts, int offset);
int MsgWritev(int rcvid, const iov_t *siov, int sparts, int offset);
int MsgWritev_r(int rcvid, const iov_t *siov, int sparts, int offset);
int MsgInfo(int rcvid, struct _msg_info *info);
int MsgInfo_r(int rcvid, struct _msg_info *info);
int MsgSendPulse(int coid, int priority, int code, int value);
int MsgSendPulse_r(int coid, int priority, int code, int value);
int MsgDeliverEvent(int rcvid, const struct sigevent *event);
int MsgDeliverEvent_r(int rcvid, const struct sigevent *event);

int ThreadCreate(pid_t pid, void *(*func)(void *), void *arg, const struct _thread_attr *attr);
int ThreadCreate_r(pid_t pid, void *(*func)(void *), void *arg, const struct _thread_attr *attr);
int ThreadDestroy(int tid, int priority, void *status);
int ThreadDestroy_r(int tid, int priority, void *status);
int ThreadCtl(int cmd, void *data);
int ThreadCtl_r(int cmd, void *data);
int ThreadJoin(int tid, void **status);
int ThreadJoin_r(int tid, void **status);
int ThreadDetach(int tid);
int ThreadDetach_r(int tid);
int SchedGet(pid_t pid, int tid, struct sched_param *param);
int SchedGet_r(pid_t pid, int tid, struct sched_param *param);
int SchedSet(pid_t pid, int tid, int policy, const struct sched_param *param);
int SchedSet_r(pid_t pid, int tid, int policy, const struct sched_param *param);
int SchedYield(void);
int SchedYield_r(void);
int SchedInfo(pid_t pid, int policy, struct _sched_info *info);
int SchedInfo_r(pid_t pid, int policy, struct _sched_info *info);

int InterruptAttachEvent(int intr, const struct sigevent *event, unsigned flags);
int InterruptAttachEvent_r(int intr, const struct sigevent *event, unsigned flags);
int InterruptAttachThread(int intr, unsigned flags);
int InterruptAttachThread_r(int intr, unsigned flags);
int InterruptDetach(int id);
int InterruptDetach_r(int id);
int InterruptWait(int flags, const uint64_t *timeout);
int InterruptWait_r(int flags, const uint64_t *timeout);
int InterruptMask(int intr, int id);
int InterruptMask_r(int intr, int id);
int InterruptUnmask(int intr, int id);
int InterruptUnmask_r(int intr, int id);
long KerMapPhys(uint64_t paddr, size_t len);		/* QSOE */
long KerMapPhys_r(uint64_t paddr, size_t len);
int KerMemPhys(uint64_t va, size_t len, uint64_t *paddr, size_t *contig);	/* QSOE */
int KerMemPhys_r(uint64_t va, size_t len, uint64_t *paddr, size_t *contig);
long KerDeviceTree(void *buf, size_t len);			/* QSOE */
long KerDeviceTree_r(void *buf, size_t len);
int SyncTypeCreate(unsigned type, sync_t *sync, const struct _sync_attr *attr);
int SyncTypeCreate_r(unsigned type, sync_t *sync, const struct _sync_attr *attr);
int SyncDestroy(sync_t *sync);
int SyncDestroy_r(sync_t *sync);
int SyncMutexLock(sync_t *sync);
int SyncMutexLock_r(sync_t *sync);
int SyncMutexUnlock(sync_t *sync);
int SyncMutexUnlock_r(sync_t *sync);
int SyncCondvarWait(sync_t *sync, sync_t *mutex);
int SyncCondvarWait_r(sync_t *sync, sync_t *mutex);
int SyncCondvarSignal(sync_t *sync, int all);
int SyncCondvarSignal_r(sync_t *sync, int all);
int SyncSemPost(sync_t *sync);
int SyncSemPost_r(sync_t *sync);
int SyncSemWait(sync_t *sync, int tryonly);
int SyncSemWait_r(sync_t *sync, int tryonly);
int KerThreadSelf(void);				/* QSOE */
int KerThreadSelf_r(void);
long KerThreadKcalls(void);				/* QSOE */
long KerThreadKcalls_r(void);

int SignalKill(uint32_t nd, pid_t pid, int tid, int signo, int code, int value);
int SignalKill_r(uint32_t nd, pid_t pid, int tid, int signo, int code, int value);
int SignalReturn(struct _sighandler_info *info);
int SignalReturn_r(struct _sighandler_info *info);
int SignalAction(pid_t pid, void (*sigstub)(void), int signo, const struct sigaction *act, struct sigaction *oact);
int SignalAction_r(pid_t pid, void (*sigstub)(void), int signo, const struct sigaction *act, struct sigaction *oact);
int SignalProcmask(pid_t pid, int tid, int how, const sigset_t *set, sigset_t *oldset);
int SignalProcmask_r(pid_t pid, int tid, int how, const sigset_t *set, sigset_t *oldset);
int SignalSuspend(const sigset_t *set);
int SignalSuspend_r(const sigset_t *set);
int SignalWaitinfo(const sigset_t *set, siginfo_t *info);
int SignalWaitinfo_r(const sigset_t *set, siginfo_t *info);

/* --- QSOE: the process manager's kernel calls (Ker* 70..99; pid 1 only) --------------------
 * taskman (pid 1) builds processes and their memory with these; everyone else gets EPERM.
 * Only taskman/skimmer/ (the seam) calls them. */
#define _QSOE_MAIN_STACK_TOP	0x3ffffff000ULL	/* the main thread's stack: [TOP - SIZE, TOP) */
#define _QSOE_MAIN_STACK_SIZE	0x10000ULL
#define _QSOE_STARTUP_MAX	0x8000ULL	/* a start-up block's largest size */
#define _QSOE_MMAP_LO		0x3000000000ULL	/* where taskman places mappings ... */
#define _QSOE_MMAP_HI		0x3e00000000ULL	/* ... (programs load below _QSOE_MMAP_LO) */
#define _QSOE_BOOTIMAGE_VA	0x3e00000000ULL	/* KerBootImage's mapping in taskman */
#define _QSOE_MEM_HI		0x3f00000000ULL	/* KerMemMap/KerMemShare: below this */

/* KerProcCreate: a new process from the ELF executable image[0, image_len) in the
 * caller's memory. Its main thread starts at the entry point with a0 = startup_addr,
 * where startup_len bytes from startup were copied (16-aligned, inside the main stack,
 * leaving at least 8 KiB of stack below it); sp starts below the thread's TLS block
 * just under startup_addr. */
struct _qsoe_proc_create {
	const void	*image;
	uint64_t	image_len;
	const void	*startup;
	uint64_t	startup_len;	/* 0.._QSOE_STARTUP_MAX */
	uint64_t	startup_addr;
	int32_t		priority;	/* the main thread's (_NTO_PRIO_MIN.._NTO_PRIO_MAX) */
	int32_t		policy;		/* SCHED_FIFO, SCHED_RR, SCHED_OTHER */
	uint64_t	sigmask;	/* the main thread's signal mask (bit n-1: signal n) */
	uint64_t	sigignore;	/* signals that start ignored (SIG_IGN) */
	uint32_t	flags;		/* _QSOE_PROC_* */
	int32_t		cpu;		/* the main thread's hart, -1: the kernel picks */
	int32_t		pid_offset;	/* >= 0: the new pid is stored (int32) at this offset
					 * of the block as copied; -1: not */
	int32_t		zero;
	char		name[32];	/* for the kernel's thread names (cut short) */
};
#define _QSOE_PROC_IOPRIV	0x0001	/* the main thread starts with _NTO_TCTL_IO */

/* KerProcReap: how a process ended. */
struct _qsoe_proc_end {
	int32_t		pid;
	int32_t		how;		/* _QSOE_END_* */
	int64_t		status;		/* EXIT: the exit value; FAULT: the trap cause;
					 * SIGNAL: the signal */
	int32_t		signo;		/* SIGNAL: the signal; FAULT: the signal that stands
					 * for it (SIGSEGV, SIGBUS, SIGILL, SIGTRAP, SIGFPE) */
	int32_t		zero;
};
#define _QSOE_END_EXIT		0
#define _QSOE_END_FAULT		1
#define _QSOE_END_SIGNAL	2

/* KerThreadInfo: one thread, for pidin. */
struct _qsoe_thread_info {
	int32_t		tid;
	int32_t		priority;	/* current (inherited included) */
	int32_t		base_priority;
	int32_t		policy;
	int32_t		state;		/* STATE_* */
	int32_t		blocked_pid;	/* SEND/REPLY: the server's pid */
	int32_t		blocked_id;	/* SEND/REPLY/RECEIVE: the chid */
	int32_t		last_cpu;
	uint64_t	blocked_addr;	/* MUTEX/CONDVAR/SEM/JOIN: what it waits on, if known */
	uint64_t	sutime_ns;	/* 0: not counted */
};

/* KerSysInfo: counters for leak tests and memory figures. */
struct _qsoe_sysinfo {
	uint64_t	page_size;
	uint64_t	total_pages;
	uint64_t	free_pages;	/* after returning the heap's cached slabs */
	uint64_t	heap_objects;	/* kernel heap objects live */
	uint64_t	threads;	/* kernel and user threads */
	uint64_t	procs;		/* processes not yet reaped */
	uint64_t	ncpus;
	uint64_t	zero;
};

int KerProcCreate(const struct _qsoe_proc_create *args);	/* QSOE */
int KerProcCreate_r(const struct _qsoe_proc_create *args);
int KerProcNotify(int coid, int code);				/* QSOE */
int KerProcNotify_r(int coid, int code);
int KerProcReap(pid_t pid, struct _qsoe_proc_end *end);		/* QSOE */
int KerProcReap_r(pid_t pid, struct _qsoe_proc_end *end);
int KerMemMap(pid_t pid, uint64_t va, size_t len, int prot);	/* QSOE */
int KerMemMap_r(pid_t pid, uint64_t va, size_t len, int prot);
int KerMemUnmap(pid_t pid, uint64_t va, size_t len);		/* QSOE */
int KerMemUnmap_r(pid_t pid, uint64_t va, size_t len);
int KerMemProtect(pid_t pid, uint64_t va, size_t len, int prot);	/* QSOE */
int KerMemProtect_r(pid_t pid, uint64_t va, size_t len, int prot);
int KerMemShare(pid_t dpid, uint64_t dva, pid_t spid, uint64_t sva, size_t len, int prot);	/* QSOE */
int KerMemShare_r(pid_t dpid, uint64_t dva, pid_t spid, uint64_t sva, size_t len, int prot);
long KerBootImage(size_t *size);					/* QSOE */
long KerBootImage_r(size_t *size);
int KerThreadInfo(pid_t pid, int after, struct _qsoe_thread_info *info);	/* QSOE */
int KerThreadInfo_r(pid_t pid, int after, struct _qsoe_thread_info *info);
int KerSysInfo(struct _qsoe_sysinfo *info);			/* QSOE */
int KerSysInfo_r(struct _qsoe_sysinfo 
*info);
int KerShutdown(int failure);					/* QSOE */
int KerShutdown_r(int failure);

int ClockTime(clockid_t id, const uint64_t *new, uint64_t *old);
int ClockTime_r(clockid_t id, const uint64_t *new, uint64_t *old);
int ClockPeriod(clockid_t id, const struct _clockperiod *new, struct _clockperiod *old, int reserved);
int ClockPeriod_r(clockid_t id, const struct _clockperiod *new, struct _clockperiod *old, int reserved);
int ClockNanosleep(clockid_t id, int flags, const uint64_t *rqtp, uint64_t *rmtp);	/* QSOE */
int ClockNanosleep_r(clockid_t id, int flags, const uint64_t *rqtp, uint64_t *rmtp);
int TimerCreate(clockid_t id, const struct sigevent *event);
int TimerCreate_r(clockid_t id, const struct sigevent *event);
int TimerDestroy(timer_t id);
int TimerDestroy_r(timer_t id);
int TimerSettime(timer_t id, int flags, const struct _itimer *itime, struct _itimer *oitime);
int TimerSettime_r(timer_t id, int flags, const struct _itimer *itime, struct _itimer *oitime);
int TimerInfo(pid_t pid, timer_t id, int flags, struct _timer_info *info);
int TimerInfo_r(pid_t pid, timer_t id, int flags, struct _timer_info *info);
int TimerTimeout(clockid_t id, int flags, const struct sigevent *notify, const uint64_t *ntime, uint64_t *otime);
int TimerTimeout_r(clockid_t id, int flags, const struct sigevent *notify, const uint64_t *ntime, uint64_t *otime);

/* --- Single-buffer forms --------------------------------------------------------------------
 * A negative part count passes one flat buffer of -parts bytes in place of an iov array,
 * as QNX does: the kernel has no iov array to copy in. A negative byte count is invalid
 * and becomes INT32_MIN, which every call rejects with EINVAL. */
#define _MSG_FLAT(bytes) ((bytes) >= 0 ? -(bytes) : INT32_MIN)

/* A buffer the kernel fills (a flat receive or reply buffer), passed where the
 * prototype says const iov_t *: laundered through an empty asm, so the compiler sees
 * the buffer escape to the call (and be written) instead of being read there. */
static inline const iov_t *_MSG_OUT(void *buf)
{
	__asm__("" : "+r"(buf));
	return (const iov_t *)buf;
}

static inline int MsgSend(int coid, const void *smsg, int sbytes, void *rmsg, int rbytes)
{
	return MsgSendv(coid, (const iov_t *)smsg, _MSG_FLAT(sbytes), _MSG_OUT(rmsg),
			_MSG_FLAT(rbytes));
}

static inline int MsgSend_r(int coid, const void *smsg, int sbytes, void *rmsg, int rbytes)
{
	return MsgSendv_r(coid, (const iov_t *)smsg, _MSG_FLAT(sbytes), _MSG_OUT(rmsg),
			  _MSG_FLAT(rbytes));
}

static inline int MsgReceive(int chid, void *msg, int bytes, struct _msg_info *info)
{
	return MsgReceivev(chid, _MSG_OUT(msg), _MSG_FLAT(bytes), info);
}

static inline int MsgReceive_r(int chid, void *msg, int bytes, struct _msg_info *info)
{
	return MsgReceivev_r(chid, _MSG_OUT(msg), _MSG_FLAT(bytes), info);
}

static inline int MsgReply(int rcvid, int status, const void *msg, int bytes)
{
	return MsgReplyv(rcvid, status, (const iov_t *)msg, _MSG_FLAT(bytes));
}

static inline int MsgReply_r(int rcvid, int status, const void *msg, int bytes)
{
	return MsgReplyv_r(rcvid, status, (const iov_t *)msg, _MSG_FLAT(bytes));
}

static inline int MsgRead(int rcvid, void *msg, int bytes, int offset)
{
	return MsgReadv(rcvid, _MSG_OUT(msg), _MSG_FLAT(bytes), offset);
}

static inline int MsgRead_r(int rcvid, void *msg, int bytes, int offset)
{
	return MsgReadv_r(rcvid, _MSG_OUT(msg), _MSG_FLAT(bytes), offset);
}

static inline int MsgWrite(int rcvid, const void *msg, int bytes, int offset)
{
	return MsgWritev(rcvid, (const iov_t *)msg, _MSG_FLAT(bytes), offset);
}

static inline int MsgWrite_r(int rcvid, const void *msg, int bytes, int offset)
{
	return MsgWritev_r(rcvid, (const iov_t *)msg, _MSG_FLAT(bytes), offset);
}

#endif
