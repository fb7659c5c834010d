/* fs-lttest: a stand-in filesystem server for logintest's mount, umount, df and sync. */
/*
 * `fs-lttest [-r] DEVICE DIR` serves DIR as an empty directory that answers the
 * DCMD_FSYS_* devctls as a real filesystem would: statvfs (fixed figures, ST_RDONLY with
 * -r, the sync count as f_fsid so a test can see sync reach it), sync, and umount
 * (EBUSY while anything but the asking open is open, unless forced; then it replies and
 * exits, which removes its registration). DEVICE "/dev/bad" is refused the way a server
 * refuses a foreign filesystem: a message on stderr and status 1.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <resmgr.h>

static struct rm_attr root;
static int readonly;
static unsigned syncs;

static int h_open(struct rm_ctx *ctx, struct _io_connect *msg, const char *path,
		  void *handle, struct rm_attr **attr)
{
	if (path[0])
		return -ENOENT;
	int r = rm_open_access(ctx, msg, &root);
	if (r < 0)
		return r;
	*attr = &root;
	return 0;
}

static int h_devctl(struct rm_ctx *ctx, struct rm_ocb *ocb, int dcmd, void *data,
		    size_t nbytes, int *ret_val)
{
	switch (dcmd) {
	case DCMD_FSYS_STATVFS: {
		if (nbytes < sizeof(struct _fsys_statvfs))
			return -EINVAL;
		struct _fsys_statvfs sv = {
			.f_bsize = 1024, .f_frsize = 1024, .f_blocks = 8192, .f_bfree = 6144,
			.f_bavail = 5120, .f_files = 2048, .f_ffree = 2000, .f_favail = 2000,
			.f_fsid = syncs, .f_flag = readonly ? 1 : 0, .f_namemax = 255,
		};
		strcpy(sv.f_basetype, "lttest");
		memcpy(data, &sv, sizeof sv);
		return sizeof sv;
	}
	case DCMD_FSYS_SYNC:
		syncs++;
		return 0;
	case DCMD_FSYS_UMOUNT: {
		int32_t force;
		if (nbytes < sizeof force)
			return -EINVAL;
		memcpy(&force, data, sizeof force);
		if (root.nopens > 1 && !force)
			return -EBUSY;
		struct _io_devctl_reply r = { 0 };
		rm_reply(ctx->rcvid, 0, &r, sizeof r);
		exit(0);
	}
	}
	return -ENOTTY;
}

static const struct rm_funcs funcs = { .open = h_open, .devctl = h_devctl };

int main(int argc, char **argv)
{
	int i = 1;
	if (i < argc && strcmp(argv[i], "-r") == 0) {
		readonly = 1;
		i++;
	}
	if (argc - i != 2) {
		fprintf(stderr, "usage: fs-lttest [-r] DEVICE DIR\n");
		return 2;
	}
	if (strcmp(argv[i], "/dev/bad") == 0) {
		fprintf(stderr, "fs-lttest: %s: not a filesystem of ours\n", argv[i]);
		return 1;
	}
	rm_attr_init(&root, S_IFDIR | 0755, 0, 0);
	struct resmgr *rm = resmgr_create(&funcs, NULL);
	if (!rm || resmgr_attach(rm, argv[i + 1], _FTYPE_ANY, _RESMGR_FLAG_DIR, NULL) < 0) {
		fprintf(stderr, "fs-lttest: %s: %s\n", argv[i + 1], strerror(errno));
		return 1;
	}
	resmgr_run(rm);
}
