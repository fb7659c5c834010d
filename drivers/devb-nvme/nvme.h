/* devb-nvme: the NVMe controller (registers, queues, commands) and the DMA memory it uses. */
#ifndef DEVB_NVME_H
#define DEVB_NVME_H

#include <stddef.h>
#include <stdint.h>

#define PG		4096u
#define QDEPTH		64	/* entries of the I/O submission and completion queues */
#define NSLOT		32	/* commands in flight at once (command id = slot) */
#define AQDEPTH		8	/* admin queue entries */
#define MAX_XFER	(512u * 1024)	/* bytes one command moves at most (one PRP list page) */

/* Memory a device reads or writes: page-aligned, each page's physical address known. */
struct dma {
	uint8_t *va;
	size_t len;		/* whole pages */
	uint64_t *pa;		/* pa[i]: physical address of page i */
};

/* Submission queue entry (64 bytes) and completion queue entry (16 bytes). */
struct nvme_cmd {
	uint8_t opc, flags;
	uint16_t cid;
	uint32_t nsid;
	uint64_t rsvd;
	uint64_t mptr;
	uint64_t prp1, prp2;
	uint32_t cdw10, cdw11, cdw12, cdw13, cdw14, cdw15;
};
_Static_assert(sizeof(struct nvme_cmd) == 64, "NVMe SQE");

struct nvme_cqe {
	uint32_t result, rsvd;
	uint16_t sqhd, sqid;
	uint16_t cid, status;	/* status bit 0: the phase tag */
};
_Static_assert(sizeof(struct nvme_cqe) == 16, "NVMe CQE");

enum {
	OPC_FLUSH = 0x00, OPC_WRITE = 0x01, OPC_READ = 0x02,		/* NVM commands */
	OPC_CREATE_SQ = 0x01, OPC_CREATE_CQ = 0x05, OPC_IDENTIFY = 0x06,	/* admin */
	OPC_SET_FEATURES = 0x09,
};

struct nvme_queue {
	struct dma sq, cq;
	uint16_t depth, qid;
	uint16_t sq_tail, cq_head;
	uint8_t phase;		/* the phase tag new completions carry */
	volatile uint32_t *sq_db, *cq_db;
};

struct nvme {
	volatile uint8_t *regs;	/* BAR0, mapped */
	uint32_t dstrd;		/* doorbell stride in bytes */
	uint32_t timeout_ms;	/* CAP.TO: how long ready may take */
	struct nvme_queue admin, io;
	struct dma scratch;	/* identify data */
	char model[41];		/* identify controller, trailing blanks dropped */
	uint32_t max_xfer;	/* bytes per command: MDTS, at most MAX_XFER */
	uint32_t nsid;		/* the namespace served (1) */
	uint64_t nblocks;	/* its size in blocks */
	uint32_t block_size;
};

/* Allocate len bytes (rounded up to pages) of zeroed DMA memory: 0 or -1 with errno. */
int dma_alloc(struct dma *d, size_t len);
/* Describe memory already mapped at va (len bytes, page-aligned) for DMA: 0 or -1. */
int dma_map(struct dma *d, void *va, size_t len);
void dma_free(struct dma *d, int unmap);

/* Reset and enable the controller whose BAR0 is at physical address bar, set up the
 * admin queue, identify the controller and namespace 1 and make one I/O queue pair
 * whose completions interrupt. Admin commands are polled. 0, or -1 with a message in
 * err (size errlen). */
int nvme_init(struct nvme *c, uint64_t bar, char *err, size_t errlen);
/* Set PRP1/PRP2 of cmd for len bytes at byte off of d; list is this command's PRP list
 * page (used when the transfer spans more than two pages). off and len block-aligned,
 * len <= max_xfer. */
void nvme_prp(struct nvme_cmd *cmd, const struct dma *d, size_t off, size_t len,
	      const struct dma *list);
/* Put cmd (its cid set) on the I/O submission queue and ring the doorbell. */
void nvme_submit(struct nvme *c, struct nvme_cmd *cmd);
/* The next I/O completion, if any: 1 and *out (the head moves on), else 0. Call
 * nvme_cq_done after a batch to tell the controller. */
int nvme_reap(struct nvme *c, struct nvme_cqe *out);
void nvme_cq_done(struct nvme *c);

#endif
