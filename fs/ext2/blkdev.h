/* blkdev.h: fs-ext2's QSOE block device (blkdev.c). */
#ifndef FS_EXT2_BLKDEV_H
#define FS_EXT2_BLKDEV_H

#include "ext2.h"

/* Open the device or image file at path; NULL with errno. */
struct ext2_dev *blkdev_open(const char *path, int rdonly);
/* Unmap and remove the transfer area, close the device. */
void blkdev_close(struct ext2_dev *d);

#endif
