/* <dirent.h>: directory streams over _IO_READ of struct _io_dirent records (sys/iomsg.h). */
#ifndef _DIRENT_H_
#define _DIRENT_H_

#include <sys/types.h>
#include <limits.h>

#define DT_UNKNOWN	0
#define DT_FIFO		1
#define DT_CHR		2
#define DT_DIR		4
#define DT_BLK		6
#define DT_REG		8
#define DT_LNK		10
#define DT_SOCK		12

struct dirent {
	ino_t		d_ino;
	off_t		d_off;		/* telldir's value after this entry */
	unsigned short	d_reclen;
	unsigned short	d_namlen;
	unsigned char	d_type;		/* DT_* */
	char		d_name[NAME_MAX + 1];
};

typedef struct __dirstream DIR;

DIR	*opendir(const char *path);
DIR	*fdopendir(int fd);
struct dirent *readdir(DIR *d);
int	readdir_r(DIR *__restrict d, struct dirent *__restrict entry,
		  struct dirent **__restrict result);
int	closedir(DIR *d);
void	rewinddir(DIR *d);
long	telldir(DIR *d);
void	seekdir(DIR *d, long loc);
int	dirfd(DIR *d);
int	scandir(const char *path, struct dirent ***list, int (*sel)(const struct dirent *),
		int (*cmp)(const struct dirent **, const struct dirent **));
int	alphasort(const struct dirent **a, const struct dirent **b);

#endif
