/* <crypt.h>: password hashing. QSOE has one method, SHA-512 crypt ("$6$"). */
#ifndef _CRYPT_H
#define _CRYPT_H

#include <stddef.h>

/* Longest result: "$6$rounds=999999999$" + 16 salt + "$" + 86 hash, and the NUL. */
#define CRYPT_OUTPUT_SIZE	128
/* Longest setting crypt_newsalt makes: "$6$" + 16 salt characters and the NUL. */
#define CRYPT_SALT_SIZE		20

struct crypt_data {
	char	output[CRYPT_OUTPUT_SIZE];
};

/*
 * Hash key with the method and salt of setting, "$6$[rounds=N$]SALT[$...]" (a whole
 * stored hash is a valid setting: its salt and rounds are reused). Returns the hash
 * "$6$[rounds=N$]SALT$HASH", or NULL with errno EINVAL for a setting of another method.
 * crypt's result is a static buffer; crypt_r's lives in data.
 */
char	*crypt(const char *key, const char *setting);
char	*crypt_r(const char *key, const char *setting, struct crypt_data *data);

/* A fresh "$6$" setting with 16 salt characters in buf (CRYPT_SALT_SIZE bytes); returns
 * buf. QSOE has no /dev/random: the salt is a SHA-512 of clock readings, the pid and a
 * counter, unpredictable enough to make equal passwords hash differently, no more. */
char	*crypt_newsalt(char buf[CRYPT_SALT_SIZE]);

#endif
