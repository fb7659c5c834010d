/* <grp.h>: the group database, /etc/group ("name:password:gid:member,member..."). */
#ifndef _GRP_H_
#define _GRP_H_

#include <stddef.h>
#include <stdio.h>
#include <sys/types.h>

#define _PATH_GROUP	"/etc/group"

struct group {
	char	*gr_name;
	char	*gr_passwd;
	gid_t	gr_gid;
	char	**gr_mem;	/* the members' names, NULL-terminated */
};

/* As getpwnam and getpwnam_r (pwd.h), for groups. */
struct group	*getgrnam(const char *name);
struct group	*getgrgid(gid_t gid);
int	getgrnam_r(const char *name, struct group *gr, char *buf, size_t size,
		   struct group **result);
int	getgrgid_r(gid_t gid, struct group *gr, char *buf, size_t size,
		   struct group **result);
int	fgetgrent_r(FILE *f, struct group *gr, char *buf, size_t size,
		    struct group **result);
struct group	*getgrent(void);
void	setgrent(void);
void	endgrent(void);

/* The groups user belongs to: group first, then every group listing user as a member
 * (each gid once). Up to *ngroups go to groups; returns their count, or -1 if there were
 * more (*ngroups is then the count needed). */
int	getgrouplist(const char *user, gid_t group, gid_t *groups, int *ngroups);
/* setgroups() to getgrouplist(user, group): 0, or -1 with errno (EPERM: not root). */
int	initgroups(const char *user, gid_t group);
int	setgroups(int size, const gid_t *list);

#endif
