/* libctest: pthreads: create/join, TLS and errno per thread, mutex contention, condvars, keys, once. */
#include <pthread.h>
#include <semaphore.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <errno.h>
#include <unistd.h>
#include "libctest.h"

#define NT 4

static __thread int tls_val = 7;

static void *tls_worker(void *arg)
{
	long id = (long)arg;
	int ok = tls_val == 7;
	tls_val = (int)id * 100;
	errno = (int)id + 1000;
	for (int i = 0; i < 2000; i++)
		SchedYield();
	ok = ok && tls_val == (int)id * 100 && errno == (int)id + 1000;
	/* A failing kernel call sets this thread's errno only. */
	ConnectDetach(-5);
	ok = ok && errno == EINVAL;
	return (void *)(long)ok;
}

static long counter;
static pthread_mutex_t cmtx = PTHREAD_MUTEX_INITIALIZER;

static void *count_worker(void *arg)
{
	for (int i = 0; i < 20000; i++) {
		pthread_mutex_lock(&cmtx);
		long c = counter;
		if ((i & 255) == 0)
			SchedYield();	/* hold it across a yield now and then: contention */
		counter = c + 1;
		pthread_mutex_unlock(&cmtx);
	}
	return NULL;
}

static pthread_mutex_t qm = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t qc = PTHREAD_COND_INITIALIZER;
static int queue[16], qhead, qtail, consumed_sum;

static void *consumer(void *arg)
{
	for (int n = 0; n < 100; n++) {
		pthread_mutex_lock(&qm);
		while (qhead == qtail)
			pthread_cond_wait(&qc, &qm);
		consumed_sum += queue[qhead++ % 16];
		pthread_cond_broadcast(&qc);
		pthread_mutex_unlock(&qm);
	}
	return NULL;
}

static pthread_key_t key;
static int dtor_calls;
static void key_dtor(void *v)
{
	__atomic_fetch_add(&dtor_calls, (int)(long)v, __ATOMIC_RELAXED);
}

static void *key_worker(void *arg)
{
	int ok = pthread_getspecific(key) == NULL;
	pthread_setspecific(key, arg);
	ok = ok && pthread_getspecific(key) == arg;
	return (void *)(long)ok;
}

static int once_runs;
static pthread_once_t once = PTHREAD_ONCE_INIT;
static void once_init(void)
{
	once_runs++;
}

static void *once_worker(void *arg)
{
	pthread_once(&once, once_init);
	return NULL;
}

static sem_t sem;
static void *sem_worker(void *arg)
{
	for (int i = 0; i < 10; i++)
		sem_post(&sem);
	return NULL;
}

static void *exit_worker(void *arg)
{
	pthread_exit((void *)0x1234);
}

void test_threads(void)
{
	pthread_t t[NT];
	int ok = 1;
	for (long i = 0; i < NT; i++)
		ok = ok && pthread_create(&t[i], NULL, tls_worker, (void *)(i + 1)) == 0;
	for (int i = 0; i < NT; i++) {
		void *v = NULL;
		ok = ok && pthread_join(t[i], &v) == 0 && v == (void *)1;
	}
	check("pthread-tls-and-errno-per-thread", ok && tls_val == 7, "ok %d tls_val %d", ok,
	      tls_val);

	counter = 0;
	for (int i = 0; i < NT; i++)
		pthread_create(&t[i], NULL, count_worker, NULL);
	for (int i = 0; i < NT; i++)
		pthread_join(t[i], NULL);
	check("pthread-mutex-contention", counter == NT * 20000, "counter %ld", counter);

	pthread_t c;
	pthread_create(&c, NULL, consumer, NULL);
	int sum = 0;
	for (int n = 0; n < 100; n++) {
		pthread_mutex_lock(&qm);
		while (qtail - qhead == 16)
			pthread_cond_wait(&qc, &qm);
		queue[qtail++ % 16] = n;
		sum += n;
		pthread_cond_signal(&qc);
		pthread_mutex_unlock(&qm);
	}
	pthread_join(c, NULL);
	check("pthread-condvar-queue", consumed_sum == sum, "consumed %d sent %d", consumed_sum,
	      sum);

	pthread_mutex_lock(&qm);
	struct timespec ts;
	clock_gettime(CLOCK_REALTIME, &ts);
	ts.tv_nsec += 20 * 1000000;
	if (ts.tv_nsec >= 1000000000) {
		ts.tv_sec++;
		ts.tv_nsec -= 1000000000;
	}
	int r = pthread_cond_timedwait(&qc, &qm, &ts);
	pthread_mutex_unlock(&qm);
	check("pthread-cond-timedwait-times-out", r == ETIMEDOUT, "r %d", r);

	ok = pthread_key_create(&key, key_dtor) == 0;
	for (long i = 0; i < NT; i++)
		pthread_create(&t[i], NULL, key_worker, (void *)(i + 1));
	for (int i = 0; i < NT; i++) {
		void *v = NULL;
		pthread_join(t[i], &v);
		ok = ok && v == (void *)1;
	}
	check("pthread-keys-and-destructors", ok && dtor_calls == 1 + 2 + 3 + 4,
	      "ok %d dtor sum %d", ok, dtor_calls);
	pthread_key_delete(key);

	for (int i = 0; i < NT; i++)
		pthread_create(&t[i], NULL, once_worker, NULL);
	for (int i = 0; i < NT; i++)
		pthread_join(t[i], NULL);
	check("pthread-once-runs-once", once_runs == 1, "ran %d times", once_runs);

	sem_init(&sem, 0, 0);
	pthread_create(&t[0], NULL, sem_worker, NULL);
	ok = 1;
	for (int i = 0; i < 10; i++)
		ok = ok && sem_wait(&sem) == 0;
	pthread_join(t[0], NULL);
	int v = -1;
	sem_getvalue(&sem, &v);
	errno = 0;
	ok = ok && v == 0 && sem_trywait(&sem) == -1 && errno == EAGAIN;
	check("sem-post-wait", ok, "value %d errno %d", v, errno);
	sem_destroy(&sem);

	void *ev = NULL;
	pthread_create(&t[0], NULL, exit_worker, NULL);
	r = pthread_join(t[0], &ev);
	check("pthread-exit-value", r == 0 && ev == (void *)0x1234, "r %d value %p", r, ev);
	check("pthread-join-self-edeadlk", pthread_join(pthread_self(), NULL) == EDEADLK, "%s", "");
	check("pthread-join-bad-esrch", pthread_join(99999, NULL) == ESRCH, "%s", "");

	pthread_mutex_t em = PTHREAD_MUTEX_INITIALIZER;
	pthread_mutex_lock(&em);
	r = pthread_mutex_lock(&em);
	int r2 = pthread_mutex_unlock(&em);
	int r3 = pthread_mutex_unlock(&em);
	check("pthread-mutex-errorcheck", r == EDEADLK && r2 == 0 && r3 == EPERM,
	      "relock %d unlock %d unlock-again %d", r, r2, r3);

	pthread_mutexattr_t ma;
	pthread_mutexattr_init(&ma);
	pthread_mutexattr_settype(&ma, PTHREAD_MUTEX_RECURSIVE);
	pthread_mutex_t rm;
	ok = pthread_mutex_init(&rm, &ma) == 0 && pthread_mutex_lock(&rm) == 0 &&
	     pthread_mutex_lock(&rm) == 0 && pthread_mutex_trylock(&rm) == 0 &&
	     pthread_mutex_unlock(&rm) == 0 && pthread_mutex_unlock(&rm) == 0 &&
	     pthread_mutex_unlock(&rm) == 0 && pthread_mutex_unlock(&rm) == EPERM &&
	     pthread_mutex_destroy(&rm) == 0;
	check("pthread-mutex-recursive", ok, "%s", "");

	pthread_attr_t at;
	pthread_attr_init(&at);
	pthread_attr_setstacksize(&at, 256 * 1024);
	r = pthread_create(&t[0], &at, tls_worker, (void *)9);
	ev = NULL;
	r2 = pthread_join(t[0], &ev);
	check("pthread-big-stack", r == 0 && r2 == 0 && ev == (void *)1, "create %d join %d", r,
	      r2);
}
