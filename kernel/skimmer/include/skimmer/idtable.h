/* Id tables: small integer ids for kernel objects, with a generation so a stale id
 * fails instead of naming whatever reused its slot. */
#ifndef SKIMMER_IDTABLE_H
#define SKIMMER_IDTABLE_H

#include <skimmer/types.h>
#include <skimmer/spinlock.h>

/*
 * An id is (generation << IDT_INDEX_BITS) | index, always positive. Index 0 is
 * never used. A slot's generation advances each time it is freed, so an old id
 * stops matching. The table grows by doubling, up to it_max slots.
 */
#define IDT_INDEX_BITS 12
#define IDT_MAX_INDEX  ((1 << IDT_INDEX_BITS) - 1)
#define IDT_GEN_MASK   0x3ffff	/* 18 bits: ids stay below 2^30 (_NTO_SIDE_CHANNEL) */

struct idslot {
	void *is_obj;
	uint32_t is_gen;
	uint32_t is_tag;		/* idtable_alloc_tagged: a value that outlives obj */
	uint32_t is_taggen;		/* the generation is_tag belongs to (0: none) */
};

struct idtable {
	struct spinlock it_lock;	/* guards everything below */
	struct idslot *it_slots;
	uint32_t it_size;		/* slots allocated */
	uint32_t it_max;		/* limit, <= IDT_MAX_INDEX + 1 */
	uint32_t it_count;		/* ids in use */
	uint32_t it_next;		/* idtable_alloc_tagged's cursor */
};

void idtable_init(struct idtable *t, uint32_t max);
void idtable_fini(struct idtable *t);			/* must be empty */
/* A fresh id for obj: the lowest free index >= min_index (>= 1). Returns the id,
 * or -EAGAIN when full, -ENOMEM when the table cannot grow. Any context. */
int idtable_alloc(struct idtable *t, void *obj, uint32_t min_index);
/* A fresh table's first id at index 1 is plain 1 (generation 0): QNX's well-known ids,
 * such as the process manager's chid 1. Later ids of that slot have generations as usual.
 * 0 or -ENOMEM. */
int idtable_plain_first_id(struct idtable *t);
/*
 * A fresh id for obj that also carries `tag`, which stays readable with
 * idtable_tag after the id is removed, until its slot is used again. To keep that
 * as long as possible, slots are taken in turn (next fit) and the table grows to
 * `keep` slots before any is reused. Returns the id or -errno as idtable_alloc.
 */
int idtable_alloc_tagged(struct idtable *t, void *obj, uint32_t tag, uint32_t keep);
/* The tag of id (live, or removed and not reused since): true and *tag, else false. */
bool idtable_tag(struct idtable *t, int id, uint32_t *tag);
int idtable_reserve(struct idtable *t, uint32_t n);	/* room for n slots now: 0 or -errno */
void *idtable_lookup(struct idtable *t, int id);	/* NULL if not a live id */
void *idtable_remove(struct idtable *t, int id);	/* the object, or NULL */
/* Like lookup (or remove), but only if take(obj) says yes; take runs with the
 * table's lock held, so obj cannot leave the table meanwhile (a reference taken
 * there is safe). Returns obj, or NULL if the id is not live or take said no. */
void *idtable_lookup_if(struct idtable *t, int id, bool (*take)(void *obj));
void *idtable_remove_if(struct idtable *t, int id, bool (*take)(void *obj));
/* The slot an id names if it is live; it_lock held. */
static inline struct idslot *idtable_slot_locked(struct idtable *t, int id)
{
	if (id <= 0)
		return NULL;
	uint32_t index = (uint32_t)id & IDT_MAX_INDEX, gen = (uint32_t)id >> IDT_INDEX_BITS;
	if (index == 0 || index >= t->it_size)
		return NULL;
	struct idslot *s = &t->it_slots[index];
	return s->is_obj && s->is_gen == gen ? s : NULL;
}

/* Empty a live slot (its generation moves on); it_lock held. Returns its object. */
static inline void *idtable_clear_slot_locked(struct idtable *t, struct idslot *sl)
{
	void *obj = sl->is_obj;
	sl->is_obj = NULL;
	sl->is_gen = (sl->is_gen + 1) & IDT_GEN_MASK;
	if (sl->is_gen == 0)
		sl->is_gen = 1;
	t->it_count--;
	return obj;
}

/* Fill free slot i with a tagged object and move the next-fit cursor past it; it_lock
 * held. Returns the new id. */
static inline int idtable_fill_tagged_locked(struct idtable *t, uint32_t i, void *obj,
					     uint32_t tag)
{
	struct idslot *sl = &t->it_slots[i];
	sl->is_obj = obj;
	sl->is_tag = tag;
	sl->is_taggen = sl->is_gen;
	t->it_count++;
	t->it_next = i + 1;
	return (int)((sl->is_gen << IDT_INDEX_BITS) | i);
}

/* idtable_lookup_if, idtable_remove and idtable_alloc_tagged inline, for the message
 * fast paths (whose take is inline too), which call them with interrupts already off:
 * the same contracts, but interrupts off. The out-of-line ones wrap them. */
static inline __attribute__((always_inline)) void *
idtable_lookup_if_irqoff(struct idtable *t, int id, bool (*take)(void *obj))
{
	spin_lock(&t->it_lock);
	struct idslot *sl = idtable_slot_locked(t, id);
	void *obj = sl && take(sl->is_obj) ? sl->is_obj : NULL;
	spin_unlock(&t->it_lock);
	return obj;
}

static inline __attribute__((always_inline)) void *idtable_remove_irqoff(struct idtable *t, int id)
{
	spin_lock(&t->it_lock);
	struct idslot *sl = idtable_slot_locked(t, id);
	void *obj = sl ? idtable_clear_slot_locked(t, sl) : NULL;
	spin_unlock(&t->it_lock);
	return obj;
}

/* The common case (the slot at the cursor is free: what the next-fit search would take
 * first) here; anything else goes to idtable_alloc_tagged. */
static inline __attribute__((always_inline)) int
idtable_alloc_tagged_irqoff(struct idtable *t, void *obj, uint32_t tag, uint32_t keep)
{
	spin_lock(&t->it_lock);
	uint32_t i = t->it_next;
	if (likely(i < t->it_size && t->it_slots[i].is_obj == NULL)) {
		int id = idtable_fill_tagged_locked(t, i, obj, tag);
		spin_unlock(&t->it_lock);
		return id;
	}
	spin_unlock(&t->it_lock);
	return idtable_alloc_tagged(t, obj, tag, keep);
}

/* The id of the first slot at index >= *index that holds obj, and *index moves past
 * it; 0 when there is none. */
int idtable_find_next(struct idtable *t, const void *obj, uint32_t *index);
/* Call fn(obj, arg) for each live object, removing it first (teardown). */
void idtable_drain(struct idtable *t, void (*fn)(void *obj, int id, void *arg), void *arg);

#endif
