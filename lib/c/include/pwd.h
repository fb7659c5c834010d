/* <pwd.h>: the user database, /etc/passwd ("name:password:uid:gid:gecos:home:shell"). */
#ifndef _PWD_H_
#define _PWD_H_

#include <stddef.h>
#include <stdio.h>
#include <sys/types.h>

#define _PATH_PASSWD	"/etc/passwd"

struct passwd {
	char	*pw_name;
	char	*pw_passwd;	/* "x": the hash is in /etc/shadow */
	uid_t	pw_uid;
	gid_t	pw_gid;
	char	*pw_gecos;
	char	*pw_dir;	/* home directory */
	char	*pw_shell;
};

/* The entry of a name or uid: a static struct (overwritten by the next call), or NULL
 * (errno untouched: no such user; else set to why the file could not be read). */
struct passwd	*getpwnam(const char *name);
struct passwd	*getpwuid(uid_t uid);
/* The same into pw, its strings in buf: 0 and *result = pw, 0 and *result NULL when
 * there is no such user, or an errno (ERANGE: buf too small for the entry). */
int	getpwnam_r(const char *name, struct passwd *pw, char *buf, size_t size,
		   struct passwd **result);
int	getpwuid_r(uid_t uid, struct passwd *pw, char *buf, size_t size,
		   struct passwd **result);
/* The next well-formed entry of f, as the _r calls give it; ENOENT at the end. */
int	fgetpwent_r(FILE *f, struct passwd *pw, char *buf, size_t size,
		    struct passwd **result);
/* Every entry of /etc/passwd in turn (NULL at the end); setpwent starts over. */
struct passwd	*getpwent(void);
void	setpwent(void);
void	endpwent(void);

#endif
