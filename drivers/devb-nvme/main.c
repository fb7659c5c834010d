/* devb-nvme: the NVMe driver, serving /dev/nvme0n1 and its GPT partitions as block devices. */
/*
 * Usage: devb-nvme      (started as root by the boot script; needs I/O privilege)
 *
 * Design. One thread, the resmgr dispatch loop, does everything. A request (a read or
 * write message, DCMD_BLK_IO, DCMD_BLK_FLUSH) takes a free slot (the slot number is the
 * command id), becomes one NVMe command and is submitted; the handler keeps the client's
 * rcvid (RM_NOREPLY) and the loop goes on receiving, so up to NSLOT commands are in
 * flight. With every slot busy, requests wait in a FIFO. The controller's INTx arrives
 * as a pulse; its handler reaps the completion queue, replies to each client, starts
 * waiting requests and unmasks the interrupt.
 *
 * Data. read()/write() move data in the messages, through a per-slot bounce buffer the
 * controller DMAs to or from (BOUNCE bytes per request at most: larger transfers come
 * back short). Bulk transfers use the client's shared memory object instead
 * (DCMD_BLK_SHM: the driver maps it and notes each page's physical address), and
 * DCMD_BLK_IO points the command's PRPs straight at those pages: no copy. A mapping
 * stays while its open or any command using it lives (xfer refs).
 *
 * Nodes: /dev/nvme0n1 (the namespace) and /dev/nvme0n1pN (GPT entry N), S_IFBLK 0600
 * root: lib/resmgr checks each open against the client's credentials.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/neutrino.h>
#include "resmgr.h"
#include "pci.h"
#include "nvme.h"
#include "gpt.h"

#define BOUNCE		(64u * 1024)	/* bytes a read or write message moves at most */
#define NWAIT		256		/* requests waiting for a slot */
#define XFER_MAX	(256u << 20)	/* largest transfer area */
#define PULSE_INTR	1

struct part {
	struct rm_attr attr;		/* first: the OCB's attr points here */
	uint64_t start, nblocks;
	char path[32];
};

/* A client's transfer area: the shm object mapped here, with its physical pages. */
struct xfer {
	struct dma map;
	size_t size;			/* bytes the client registered */
	int refs;			/* the open's, and one per command using it */
};

struct dev_ocb {
	struct rm_ocb ocb;		/* first: the library's part */
	struct xfer *xfer;		/* DCMD_BLK_SHM's, or NULL */
};

enum rq_kind { RQ_READ, RQ_WRITE, RQ_IO, RQ_FLUSH };

struct req {
	int rcvid;
	enum rq_kind kind;
	int write;			/* RQ_IO: _BLK_WRITE */
	uint64_t lba;			/* on the namespace (partition start added) */
	uint32_t nblocks;
	size_t dataoff;			/* RQ_WRITE: where the data starts in the message */
	struct xfer *xfer;		/* RQ_IO: the area (a reference held) and the offset */
	size_t xoff;
};

struct slot {
	int busy;
	struct req rq;
	struct dma bounce, prps;	/* BOUNCE bytes; one PRP list page */
};

static struct nvme ctrl;
static struct part parts[1 + GPT_MAX_PARTS];
static int nparts;
static struct slot slots[NSLOT];
static struct req waitq[NWAIT];		/* FIFO of requests with no slot yet */
static int wait_head, wait_count;
static int irq, irq_id;

static void xfer_put(struct xfer *x)
{
	if (x && --x->refs == 0) {
		dma_free(&x->map, 1);
		free(x);
	}
}

static void reply_devctl(int rcvid)
{
	struct _io_devctl_reply rep = { 0 };
	rm_reply(rcvid, 0, &rep, sizeof rep);
}

/* --- Requests and slots ------------------------------------------------------------------ */

/* Turn rq into a command in slot s and submit it. 0, or -errno (rq is then answered). */
static int slot_start(int s, const struct req *rq)
{
	struct slot *sl = &slots[s];
	struct nvme_cmd cmd = { .nsid = ctrl.nsid, .cid = (uint16_t)s };
	size_t bytes = (size_t)rq->nblocks * ctrl.block_size;
	if (rq->kind == RQ_FLUSH) {
		cmd.opc = OPC_FLUSH;
	} else {
		int wr = rq->kind == RQ_WRITE || (rq->kind == RQ_IO && rq->write);
		cmd.opc = wr ? OPC_WRITE : OPC_READ;
		cmd.cdw10 = (uint32_t)rq->lba;
		cmd.cdw11 = (uint32_t)(rq->lba >> 32);
		cmd.cdw12 = rq->nblocks - 1;
		if (rq->kind == RQ_IO) {
			nvme_prp(&cmd, &rq->xfer->map, rq->xoff, bytes, &sl->prps);
		} else {
			if (rq->kind == RQ_WRITE &&
			    MsgRead_r(rq->rcvid, sl->bounce.va, (int)bytes, (int)rq->dataoff) != (int)bytes) {
				rm_error(rq->rcvid, EFAULT);
				return -EFAULT;
			}
			nvme_prp(&cmd, &sl->bounce, 0, bytes, &sl->prps);
		}
	}
	sl->busy = 1;
	sl->rq = *rq;
	nvme_submit(&ctrl, &cmd);
	return 0;
}

/* Start rq now if a slot is free, else queue it. The caller has answered nothing. */
static void req_start(const struct req *rq)
{
	for (int s = 0; s < NSLOT; s++)
		if (!slots[s].busy) {
			if (slot_start(s, rq) < 0 && rq->kind == RQ_IO)
				xfer_put(rq->xfer);
			return;
		}
	if (wait_count == NWAIT) {
		rm_error(rq->rcvid, EAGAIN);
		if (rq->kind == RQ_IO)
			xfer_put(rq->xfer);
		return;
	}
	waitq[(wait_head + wait_count++) % NWAIT] = *rq;
}

/* Slot s's command completed with NVMe status st: answer its client, free the slot. */
static void slot_done(int s, uint16_t st)
{
	struct slot *sl = &slots[s];
	struct req *rq = &sl->rq;
	size_t bytes = (size_t)rq->nblocks * ctrl.block_size;
	if (st != 0)
		rm_error(rq->rcvid, EIO);
	else if (rq->kind == RQ_READ)
		rm_reply(rq->rcvid, (int)bytes, sl->bounce.va, bytes);
	else if (rq->kind == RQ_WRITE)
		rm_reply(rq->rcvid, (int)bytes, NULL, 0);
	else
		reply_devctl(rq->rcvid);
	if (rq->kind == RQ_IO)
		xfer_put(rq->xfer);
	sl->busy = 0;
	while (wait_count > 0) {
		struct req next = waitq[wait_head];
		wait_head = (wait_head + 1) % NWAIT;
		wait_count--;
		if (slot_start(s, &next) == 0)
			break;
		if (next.kind == RQ_IO)
			xfer_put(next.xfer);
	}
}

/*
 * The interrupt: reap, tell the controller, and look again until a pass finds nothing.
 * INTx is a level, but QEMU's PLIC latches only its changes: a completion posted after
 * our last look and before the head doorbell keeps the line up without a new edge, and
 * its interrupt would never come. Once a doorbell has emptied the queue, the line drops
 * and the next completion raises it again.
 */
static void on_intr(struct resmgr *rm, int code, int value, void *arg)
{
	struct nvme_cqe e;
	int n;
	do {
		for (n = 0; nvme_reap(&ctrl, &e); n++)
			if (e.cid < NSLOT && slots[e.cid].busy)
				slot_done(e.cid, e.status >> 1);
		if (n)
			nvme_cq_done(&ctrl);
	} while (n);
	InterruptUnmask(irq, irq_id);
}

/* --- The resource manager ------------------------------------------------------------------ */

static int h_open(struct rm_ctx *ctx, struct _io_connect *msg, const char *path, void *handle,
		  struct rm_attr **attr)
{
	struct part *p = handle;
	if (path[0] || p == NULL)
		return -ENOENT;
	int r = rm_open_access(ctx, msg, &p->attr);
	if (r < 0)
		return r;
	*attr = &p->attr;
	return 0;
}

/* A read or write message at ocb's offset: checked, then started (RM_NOREPLY). */
static int rw_msg(struct rm_ctx *ctx, struct rm_ocb *ocb, size_t nbytes, int write)
{
	struct part *p = (struct part *)ocb->attr;
	uint64_t bs = ctrl.block_size, size = p->nblocks * bs, off = (uint64_t)ocb->offset;
	if (ctx->connect)
		return -ENOTSUP;	/* a COMBINE must answer at once */
	if (off % bs || nbytes % bs || off > size || (write && off == size && nbytes))
		return -EINVAL;
	uint64_t n = nbytes;
	if (n > size - off)
		n = size - off;
	if (n > BOUNCE)
		n = BOUNCE;
	if (n > ctrl.max_xfer)
		n = ctrl.max_xfer;
	if (n == 0)
		return 0;
	struct req rq = {
		.rcvid = ctx->rcvid, .kind = write ? RQ_WRITE : RQ_READ,
		.lba = p->start + off / bs, .nblocks = (uint32_t)(n / bs),
		.dataoff = ctx->msgoff + sizeof(struct _io_write),
	};
	ocb->offset += (int64_t)n;
	req_start(&rq);
	return RM_NOREPLY;
}

static int h_read(struct rm_ctx *ctx, struct rm_ocb *ocb, size_t nbytes)
{
	return rw_msg(ctx, ocb, nbytes, 0);
}

static int h_write(struct rm_ctx *ctx, struct rm_ocb *ocb, size_t nbytes, const void *data,
		   size_t datalen)
{
	return rw_msg(ctx, ocb, nbytes, 1);
}

/* DCMD_BLK_SHM: map the client's object and learn its pages. */
static int set_shm(struct dev_ocb *o, const struct _blk_shm *s)
{
	if (memchr(s->name, 0, sizeof s->name) == NULL || s->size == 0 || s->size > XFER_MAX)
		return -EINVAL;
	int fd = shm_open(s->name, O_RDWR, 0);
	if (fd < 0)
		return -errno;
	struct stat st;
	size_t len = (s->size + PG - 1) & ~(size_t)(PG - 1);
	void *va = fstat(fd, &st) < 0 || (uint64_t)st.st_size < s->size ? MAP_FAILED :
		   mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	int e = errno;
	close(fd);
	if (va == MAP_FAILED)
		return -(e ? e : EINVAL);
	struct xfer *x = calloc(1, sizeof *x);
	if (x == NULL || dma_map(&x->map, va, len) < 0) {
		munmap(va, len);
		free(x);
		return -ENOMEM;
	}
	x->size = s->size;
	x->refs = 1;
	xfer_put(o->xfer);
	o->xfer = x;
	return 0;
}

/* DCMD_BLK_IO: blocks between the device and the transfer area, by DMA. */
static int blk_io(struct rm_ctx *ctx, struct dev_ocb *o, const struct _blk_io *io)
{
	struct part *p = (struct part *)o->ocb.attr;
	uint64_t bs = ctrl.block_size, bytes = (uint64_t)io->nblocks * bs;
	if (o->xfer == NULL)
		return -EINVAL;
	if (io->op != _BLK_READ && io->op != _BLK_WRITE)
		return -EINVAL;
	if (io->op == _BLK_WRITE ? (o->ocb.ioflag & 3) == 0 : (o->ocb.ioflag & 3) == 1)
		return -EBADF;
	if (io->nblocks == 0 || bytes > ctrl.max_xfer || io->lba >= p->nblocks ||
	    io->nblocks > p->nblocks - io->lba || io->offset % bs ||
	    io->offset > o->xfer->size || bytes > o->xfer->size - io->offset)
		return -EINVAL;
	if (ctx->connect)
		return -ENOTSUP;
	struct req rq = {
		.rcvid = ctx->rcvid, .kind = RQ_IO, .write = io->op == _BLK_WRITE,
		.lba = p->start + io->lba, .nblocks = io->nblocks, .xfer = o->xfer,
		.xoff = io->offset,
	};
	o->xfer->refs++;
	req_start(&rq);
	return RM_NOREPLY;
}

static int h_devctl(struct rm_ctx *ctx, struct rm_ocb *ocb, int dcmd, void *data, size_t nbytes,
		    int *ret_val)
{
	struct dev_ocb *o = (struct dev_ocb *)ocb;
	struct part *p = (struct part *)ocb->attr;
	switch (dcmd) {
	case DCMD_BLK_INFO: {
		struct _blk_info bi = {
			.block_size = ctrl.block_size, .max_blocks = ctrl.max_xfer / ctrl.block_size,
			.nblocks = p->nblocks, .start = p->start,
		};
		memcpy(bi.model, ctrl.model, sizeof bi.model - 1);
		if (nbytes < sizeof bi)
			return -EINVAL;
		memcpy(data, &bi, sizeof bi);
		return sizeof bi;
	}
	case DCMD_BLK_SHM:
		return nbytes < sizeof(struct _blk_shm) ? -EINVAL : set_shm(o, data);
	case DCMD_BLK_IO:
		return nbytes < sizeof(struct _blk_io) ? -EINVAL : blk_io(ctx, o, data);
	case DCMD_BLK_FLUSH: {
		if (ctx->connect)
			return -ENOTSUP;
		struct req rq = { .rcvid = ctx->rcvid, .kind = RQ_FLUSH };
		req_start(&rq);
		return RM_NOREPLY;
	}
	}
	return -ENOTTY;
}

static void h_close(struct rm_ctx *ctx, struct rm_ocb *ocb)
{
	xfer_put(((struct dev_ocb *)ocb)->xfer);
}

/* A client asks to be unblocked: a request still waiting for a slot ends with EINTR; one
 * the controller has is answered when it completes. */
static void h_unblock(struct rm_ctx *ctx, int rcvid)
{
	for (int i = 0; i < wait_count; i++) {
		struct req *rq = &waitq[(wait_head + i) % NWAIT];
		if (rq->rcvid != rcvid)
			continue;
		rm_error(rcvid, EINTR);
		if (rq->kind == RQ_IO)
			xfer_put(rq->xfer);
		for (int j = i; j + 1 < wait_count; j++)
			waitq[(wait_head + j) % NWAIT] = waitq[(wait_head + j + 1) % NWAIT];
		wait_count--;
		return;
	}
}

static const struct rm_funcs funcs = {
	.open = h_open, .read = h_read, .write = h_write, .devctl = h_devctl,
	.close_ocb = h_close, .unblock = h_unblock,
};

/* --- Start-up ------------------------------------------------------------------------------ */

/* Polled reads for the partition table, before the interrupt is attached. */
static int sync_read(void *arg, uint64_t lba, uint32_t n, void *buf)
{
	struct slot *sl = &slots[0];
	uint32_t per = BOUNCE / ctrl.block_size;
	for (uint32_t done = 0; done < n; ) {
		uint32_t k = n - done < per ? n - done : per;
		struct nvme_cmd cmd = {
			.opc = OPC_READ, .nsid = ctrl.nsid, .cdw10 = (uint32_t)(lba + done),
			.cdw11 = (uint32_t)((lba + done) >> 32), .cdw12 = k - 1,
		};
		nvme_prp(&cmd, &sl->bounce, 0, (size_t)k * ctrl.block_size, &sl->prps);
		nvme_submit(&ctrl, &cmd);
		struct nvme_cqe e;
		int got = 0;
		for (int ms = 0; ms < 5000 && !(got = nvme_reap(&ctrl, &e)); ms++) {
			struct timespec ts = { 0, 1000000 };
			nanosleep(&ts, NULL);
		}
		if (!got)
			return -1;
		nvme_cq_done(&ctrl);
		if (e.status >> 1)
			return -1;
		memcpy((uint8_t *)buf + (size_t)done * ctrl.block_size, sl->bounce.va,
		       (size_t)k * ctrl.block_size);
		done += k;
	}
	return 0;
}

static void add_part(const char *path, uint64_t start, uint64_t nblocks)
{
	struct part *p = &parts[nparts++];
	rm_attr_init(&p->attr, S_IFBLK | 0600, 0, 0);
	p->attr.size = nblocks * ctrl.block_size;
	p->attr.ino = (uint64_t)nparts;
	p->start = start;
	p->nblocks = nblocks;
	snprintf(p->path, sizeof p->path, "%s", path);
}

/* The controller: found on PCI, BAR0 decoding, bus master on, INTx on. */
static int find_controller(struct pci_host *h, uint64_t *bar)
{
	if (pci_host_open(h) < 0 || pci_scan(h) < 0) {
		fprintf(stderr, "devb-nvme: PCI: %s\n", strerror(errno));
		return -1;
	}
	if (pci_configure(h) < 0)
		fprintf(stderr, "devb-nvme: assigning BARs: %s\n", strerror(errno));
	struct pci_dev *d = pci_find(h, NULL, 0xffff, 0xffff, 0x010802);
	if (d == NULL) {
		fprintf(stderr, "devb-nvme: no NVMe controller on PCI\n");
		return -1;
	}
	if (d->bar[0].cpu == 0 || d->bar[0].io || d->irq < 0) {
		fprintf(stderr, "devb-nvme: %02x:%02x.%x: BAR0 unassigned or no INTx route\n",
			d->bus, d->dev, d->fn);
		return -1;
	}
	uint32_t cmd = pci_cfg_read(h, d->bus, d->dev, d->fn, PCI_COMMAND, 2);
	cmd = (cmd | PCI_CMD_MEM | PCI_CMD_MASTER) & ~PCI_CMD_INTX_OFF;
	pci_cfg_write(h, d->bus, d->dev, d->fn, PCI_COMMAND, 2, cmd);
	*bar = d->bar[0].cpu;
	irq = d->irq;
	return 0;
}

static struct pci_host host;

int main(int argc, char **argv)
{
	char err[128];
	uint64_t bar;
	if (argc != 1) {
		fprintf(stderr, "usage: devb-nvme\n");
		return 2;
	}
	if (ThreadCtl(_NTO_TCTL_IO, 0) == -1) {
		fprintf(stderr, "devb-nvme: I/O privilege: %s\n", strerror(errno));
		return 1;
	}
	if (find_controller(&host, &bar) < 0)
		return 1;
	if (nvme_init(&ctrl, bar, err, sizeof err) < 0) {
		fprintf(stderr, "devb-nvme: %s\n", err);
		return 1;
	}
	for (int s = 0; s < NSLOT; s++)
		if (dma_alloc(&slots[s].bounce, BOUNCE) < 0 || dma_alloc(&slots[s].prps, PG) < 0) {
			fprintf(stderr, "devb-nvme: DMA memory: %s\n", strerror(errno));
			return 1;
		}
	add_part("/dev/nvme0n1", 0, ctrl.nblocks);
	struct gpt_part gp[GPT_MAX_PARTS];
	int ng = gpt_parse(sync_read, NULL, ctrl.block_size, ctrl.nblocks, gp, GPT_MAX_PARTS,
			   err, sizeof err);
	if (ng <= 0)
		fprintf(stderr, "devb-nvme: nvme0n1: no partitions (%s)\n", err);
	for (int i = 0; i < ng; i++) {
		char path[32];
		snprintf(path, sizeof path, "/dev/nvme0n1p%d", gp[i].index);
		add_part(path, gp[i].start, gp[i].nblocks);
	}
	struct resmgr_attr ra = { .ocb_size = sizeof(struct dev_ocb) };
	struct resmgr *rm = resmgr_create(&funcs, &ra);
	int coid = rm ? rm_pulse_attach(rm, PULSE_INTR, on_intr, NULL) : -1;
	struct sigevent ev;
	SIGEV_PULSE_INIT(&ev, coid, SIGEV_PULSE_PRIO_INHERIT, PULSE_INTR, 0);
	if (coid < 0 || (irq_id = InterruptAttachEvent(irq, &ev, _NTO_INTR_FLAGS_PROCESS)) < 0) {
		fprintf(stderr, "devb-nvme: interrupt %d: %s\n", irq, strerror(errno));
		return 1;
	}
	for (int i = 0; i < nparts; i++)
		if (resmgr_attach(rm, parts[i].path, _FTYPE_ANY, 0, &parts[i]) < 0) {
			fprintf(stderr, "devb-nvme: attach %s: %s\n", parts[i].path, strerror(errno));
			return 1;
		}
	printf("devb-nvme: nvme0n1: %s, %llu blocks of %u bytes, %d partition%s, irq %d\n",
	       ctrl.model, (unsigned long long)ctrl.nblocks, ctrl.block_size, nparts - 1,
	       nparts == 2 ? "" : "s", irq);
	resmgr_run(rm);
}
