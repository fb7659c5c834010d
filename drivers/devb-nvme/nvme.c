/* devb-nvme: controller bring-up, the admin and I/O queues, PRPs, DMA memory. */
/*
 * Bring-up follows the NVMe base specification's order: disable (CC.EN 0, wait for
 * CSTS.RDY 0), give the admin queue's size and addresses (AQA, ASQ, ACQ), enable with
 * 64-byte SQ and 16-byte CQ entries and 4 KiB pages, wait for RDY; then identify the
 * controller and namespace 1, ask for one I/O queue pair (Set Features, Number of
 * Queues) and create its CQ (interrupts on, vector 0: INTx) and SQ. Admin commands
 * are few and only at start-up, so they are polled; I/O completions interrupt.
 *
 * A completion is new when its phase tag equals the queue's current phase; the phase
 * flips each time the head wraps. Memory the controller touches is ordinary pages whose
 * physical addresses mem_offset64 gives; a page keeps its address while it is mapped.
 */
#include "nvme.h"
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/mman.h>

#define REG_CAP		0x00
#define REG_CC		0x14
#define REG_CSTS	0x1c
#define REG_AQA		0x24
#define REG_ASQ		0x28
#define REG_ACQ		0x30
#define CC_EN		0x1
#define CC_IOSQES	(6u << 16)
#define CC_IOCQES	(4u << 20)
#define CSTS_RDY	0x1
#define CSTS_CFS	0x2

static uint32_t rd32(struct nvme *c, int off) { return *(volatile uint32_t *)(c->regs + off); }
static void wr32(struct nvme *c, int off, uint32_t v) { *(volatile uint32_t *)(c->regs + off) = v; }
static uint64_t rd64(struct nvme *c, int off) { return rd32(c, off) | (uint64_t)rd32(c, off + 4) << 32; }
static void wr64(struct nvme *c, int off, uint64_t v)
{
	wr32(c, off, (uint32_t)v);
	wr32(c, off + 4, (uint32_t)(v >> 32));
}

/* --- DMA memory ------------------------------------------------------------------------------ */

int dma_map(struct dma *d, void *va, size_t len)
{
	d->va = va;
	d->len = len;
	d->pa = calloc(len / PG ? len / PG : 1, sizeof *d->pa);
	if (d->pa == NULL)
		return -1;
	for (size_t i = 0; i < len / PG; i++) {
		off64_t pa;
		if (mem_offset64(d->va + i * PG, NOFD, PG, &pa, NULL) < 0) {
			free(d->pa);
			d->pa = NULL;
			return -1;
		}
		d->pa[i] = (uint64_t)pa;
	}
	return 0;
}

int dma_alloc(struct dma *d, size_t len)
{
	len = (len + PG - 1) & ~(size_t)(PG - 1);
	void *va = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANON, NOFD, 0);
	if (va == MAP_FAILED)
		return -1;
	if (dma_map(d, va, len) < 0) {
		munmap(va, len);
		return -1;
	}
	return 0;
}

void dma_free(struct dma *d, int unmap)
{
	if (unmap && d->va)
		munmap(d->va, d->len);
	free(d->pa);
	d->va = NULL;
	d->pa = NULL;
}

/* --- Queues and commands ------------------------------------------------------------------- */

static int queue_init(struct nvme *c, struct nvme_queue *q, uint16_t qid, uint16_t depth)
{
	q->qid = qid;
	q->depth = depth;
	q->sq_tail = q->cq_head = 0;
	q->phase = 1;
	q->sq_db = (volatile uint32_t *)(c->regs + 0x1000 + (2 * qid) * c->dstrd);
	q->cq_db = (volatile uint32_t *)(c->regs + 0x1000 + (2 * qid + 1) * c->dstrd);
	if (dma_alloc(&q->sq, depth * sizeof(struct nvme_cmd)) < 0)
		return -1;
	return dma_alloc(&q->cq, depth * sizeof(struct nvme_cqe));
}

static void sq_push(struct nvme_queue *q, const struct nvme_cmd *cmd)
{
	memcpy(q->sq.va + q->sq_tail * sizeof *cmd, cmd, sizeof *cmd);
	q->sq_tail = (uint16_t)((q->sq_tail + 1) % q->depth);
	__atomic_thread_fence(__ATOMIC_SEQ_CST);	/* the entry before the doorbell */
	*q->sq_db = q->sq_tail;
}

static int cq_pop(struct nvme_queue *q, struct nvme_cqe *out)
{
	volatile struct nvme_cqe *e = (volatile struct nvme_cqe *)q->cq.va + q->cq_head;
	if ((e->status & 1) != q->phase)
		return 0;
	__atomic_thread_fence(__ATOMIC_SEQ_CST);	/* the tag before the rest */
	*out = *(struct nvme_cqe *)e;
	if (++q->cq_head == q->depth) {
		q->cq_head = 0;
		q->phase ^= 1;
	}
	return 1;
}

void nvme_submit(struct nvme *c, struct nvme_cmd *cmd)
{
	sq_push(&c->io, cmd);
}

int nvme_reap(struct nvme *c, struct nvme_cqe *out)
{
	return cq_pop(&c->io, out);
}

void nvme_cq_done(struct nvme *c)
{
	*c->io.cq_db = c->io.cq_head;
}

void nvme_prp(struct nvme_cmd *cmd, const struct dma *d, size_t off, size_t len,
	      const struct dma *list)
{
	size_t first = off / PG, last = (off + len - 1) / PG;
	cmd->prp1 = d->pa[first] + off % PG;
	cmd->prp2 = 0;
	if (last == first + 1) {
		cmd->prp2 = d->pa[last];
	} else if (last > first + 1) {
		uint64_t *ent = (uint64_t *)list->va;
		for (size_t p = first + 1; p <= last; p++)
			ent[p - first - 1] = d->pa[p];
		cmd->prp2 = list->pa[0];
	}
}

static void sleep_ms(unsigned ms)
{
	struct timespec ts = { ms / 1000, (long)(ms % 1000) * 1000000 };
	nanosleep(&ts, NULL);
}

/* An admin command, polled to completion: its status field (0 success), or -1 if the
 * controller did not answer in time. */
static int admin(struct nvme *c, struct nvme_cmd *cmd, uint32_t *result)
{
	static uint16_t cid;
	struct nvme_cqe e;
	cmd->cid = ++cid;
	sq_push(&c->admin, cmd);
	for (unsigned waited = 0; waited <= c->timeout_ms; waited++) {
		if (cq_pop(&c->admin, &e)) {
			*c->admin.cq_db = c->admin.cq_head;
			if (e.cid != cmd->cid)
				continue;
			if (result)
				*result = e.result;
			return e.status >> 1;
		}
		sleep_ms(1);
	}
	return -1;
}

/* Wait until CSTS.RDY is rdy: 0, or -1 on timeout or a fatal status. */
static int wait_ready(struct nvme *c, uint32_t rdy)
{
	for (unsigned waited = 0; waited <= c->timeout_ms; waited++) {
		uint32_t s = rd32(c, REG_CSTS);
		if (s & CSTS_CFS)
			return -1;
		if ((s & CSTS_RDY) == rdy)
			return 0;
		sleep_ms(1);
	}
	return -1;
}

static int identify(struct nvme *c, char *err, size_t errlen)
{
	struct nvme_cmd cmd = { .opc = OPC_IDENTIFY, .prp1 = c->scratch.pa[0], .cdw10 = 1 };
	uint8_t *id = c->scratch.va;
	int st = admin(c, &cmd, NULL);
	if (st != 0) {
		snprintf(err, errlen, "identify controller failed (status %#x)", st);
		return -1;
	}
	memcpy(c->model, id + 24, 40);
	c->model[40] = '\0';
	for (int i = 39; i >= 0 && (c->model[i] == ' ' || c->model[i] == '\0'); i--)
		c->model[i] = '\0';
	uint32_t mdts = id[77], nn = (uint32_t)id[516] | id[517] << 8 | id[518] << 16 |
				      (uint32_t)id[519] << 24;
	uint32_t mpsmin = PG << ((rd64(c, REG_CAP) >> 48) & 0xf);
	c->max_xfer = mdts == 0 || mdts > 16 || (mpsmin << mdts) > MAX_XFER ? MAX_XFER
									 : mpsmin << mdts;
	if (nn < 1) {
		snprintf(err, errlen, "controller has no namespaces");
		return -1;
	}
	c->nsid = 1;
	cmd = (struct nvme_cmd){ .opc = OPC_IDENTIFY, .nsid = 1, .prp1 = c->scratch.pa[0] };
	memset(id, 0, PG);
	if ((st = admin(c, &cmd, NULL)) != 0) {
		snprintf(err, errlen, "identify namespace 1 failed (status %#x)", st);
		return -1;
	}
	uint64_t nsze = 0;
	for (int i = 7; i >= 0; i--)
		nsze = nsze << 8 | id[i];
	int fmt = id[26] & 0xf;
	uint32_t lbads = id[128 + 4 * fmt + 2];
	if (nsze == 0 || lbads < 9 || lbads > 12) {
		snprintf(err, errlen, "namespace 1: %llu blocks of 2^%u bytes: unsupported",
			 (unsigned long long)nsze, lbads);
		return -1;
	}
	c->nblocks = nsze;
	c->block_size = 1u << lbads;
	return 0;
}

static int make_io_queues(struct nvme *c, char *err, size_t errlen)
{
	struct nvme_cmd cmd = { .opc = OPC_SET_FEATURES, .cdw10 = 7, .cdw11 = 0 };
	int st = admin(c, &cmd, NULL);
	if (st == 0 && queue_init(c, &c->io, 1, QDEPTH) == 0) {
		cmd = (struct nvme_cmd){ .opc = OPC_CREATE_CQ, .prp1 = c->io.cq.pa[0],
					 .cdw10 = (uint32_t)(QDEPTH - 1) << 16 | 1,
					 .cdw11 = 0x3 };	/* vector 0, interrupts on, contiguous */
		st = admin(c, &cmd, NULL);
		if (st == 0) {
			cmd = (struct nvme_cmd){ .opc = OPC_CREATE_SQ, .prp1 = c->io.sq.pa[0],
						 .cdw10 = (uint32_t)(QDEPTH - 1) << 16 | 1,
						 .cdw11 = 1u << 16 | 0x1 };	/* CQ 1, contiguous */
			st = admin(c, &cmd, NULL);
		}
	}
	if (st != 0) {
		snprintf(err, errlen, "creating the I/O queues failed (status %#x)", st);
		return -1;
	}
	return 0;
}

int nvme_init(struct nvme *c, uint64_t bar, char *err, size_t errlen)
{
	void *regs = mmap_device_memory(NULL, 2 * PG, PROT_READ | PROT_WRITE | PROT_NOCACHE, 0, bar);
	if (regs == MAP_FAILED) {
		snprintf(err, errlen, "map BAR0 %#llx: %s", (unsigned long long)bar, strerror(errno));
		return -1;
	}
	c->regs = regs;
	uint64_t cap = rd64(c, REG_CAP);
	c->dstrd = 4u << ((cap >> 32) & 0xf);
	c->timeout_ms = (uint32_t)((cap >> 24) & 0xff) * 500 + 500;
	if (0x1000 + 4 * c->dstrd > 2 * PG || ((cap >> 48) & 0xf) != 0 || !((cap >> 37) & 1)) {
		snprintf(err, errlen, "controller capabilities %#llx not supported",
			 (unsigned long long)cap);
		return -1;
	}
	if (dma_alloc(&c->scratch, PG) < 0 || queue_init(c, &c->admin, 0, AQDEPTH) < 0) {
		snprintf(err, errlen, "DMA memory: %s", strerror(errno));
		return -1;
	}
	wr32(c, REG_CC, rd32(c, REG_CC) & ~CC_EN);
	if (wait_ready(c, 0) < 0) {
		snprintf(err, errlen, "controller did not stop");
		return -1;
	}
	wr32(c, REG_AQA, (uint32_t)(AQDEPTH - 1) << 16 | (AQDEPTH - 1));
	wr64(c, REG_ASQ, c->admin.sq.pa[0]);
	wr64(c, REG_ACQ, c->admin.cq.pa[0]);
	wr32(c, REG_CC, CC_IOCQES | CC_IOSQES | CC_EN);
	if (wait_ready(c, CSTS_RDY) < 0) {
		snprintf(err, errlen, "controller did not become ready (CSTS %#x)",
			 rd32(c, REG_CSTS));
		return -1;
	}
	if (identify(c, err, errlen) < 0 || make_io_queues(c, err, errlen) < 0)
		return -1;
	return 0;
}
