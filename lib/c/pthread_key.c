/* Thread-specific data (pthread keys) in TLS, and pthread_once. */
#include <pthread.h>
#include "libc.h"

/* keys_lock guards the key table; each thread's values are its own (TLS). */
static sync_t keys_lock = LIBC_LOCK_INIT;
static struct {
	int	used;
	void	(*dtor)(void *);
} keys[PTHREAD_KEYS_MAX];
static __thread void *values[PTHREAD_KEYS_MAX];

int pthread_key_create(pthread_key_t *key, void (*destructor)(void *))
{
	if (key == NULL)
		return EINVAL;
	__libc_lock(&keys_lock);
	for (int k = 0; k < PTHREAD_KEYS_MAX; k++)
		if (!keys[k].used) {
			keys[k].used = 1;
			keys[k].dtor = destructor;
			__libc_unlock(&keys_lock);
			*key = k;
			return 0;
		}
	__libc_unlock(&keys_lock);
	return EAGAIN;
}

int pthread_key_delete(pthread_key_t key)
{
	if (key < 0 || key >= PTHREAD_KEYS_MAX)
		return EINVAL;
	__libc_lock(&keys_lock);
	int ok = keys[key].used;
	keys[key].used = 0;
	keys[key].dtor = NULL;
	__libc_unlock(&keys_lock);
	/* Other threads' values for a deleted key are not cleared (POSIX lets them be);
	 * ours is, so a new key with this number starts out NULL here at least. */
	values[key] = NULL;
	return ok ? 0 : EINVAL;
}

void *pthread_getspecific(pthread_key_t key)
{
	if (key < 0 || key >= PTHREAD_KEYS_MAX)
		return NULL;
	return values[key];
}

int pthread_setspecific(pthread_key_t key, const void *value)
{
	if (key < 0 || key >= PTHREAD_KEYS_MAX || !keys[key].used)
		return EINVAL;
	values[key] = (void *)value;
	return 0;
}

/* At a thread's end: each non-NULL value's destructor, up to
 * PTHREAD_DESTRUCTOR_ITERATIONS rounds while destructors set new values. */
void __pthread_keys_exit(void)
{
	for (int round = 0; round < PTHREAD_DESTRUCTOR_ITERATIONS; round++) {
		int ran = 0;
		for (int k = 0; k < PTHREAD_KEYS_MAX; k++) {
			void *v = values[k];
			void (*d)(void *) = keys[k].used ? keys[k].dtor : NULL;
			if (v == NULL || d == NULL)
				continue;
			values[k] = NULL;
			d(v);
			ran = 1;
		}
		if (!ran)
			break;
	}
}

int pthread_once(pthread_once_t *once, void (*init)(void))
{
	if (once == NULL || init == NULL)
		return EINVAL;
	if (__atomic_load_n(&once->__once, __ATOMIC_ACQUIRE) == 2)
		return 0;
	__libc_lock(&once->__mutex);
	if (once->__once == 0) {
		once->__once = 1;
		init();
		__atomic_store_n(&once->__once, 2, __ATOMIC_RELEASE);
	}
	__libc_unlock(&once->__mutex);
	return 0;
}
