/* Id tables with generations (see idtable.h). One spinlock per table; small. */
#include <skimmer/idtable.h>
#include <skimmer/kmem.h>
#include <skimmer/kern.h>
#include <skimmer/errno.h>

void idtable_init(struct idtable *t, uint32_t max)
{
	t->it_lock = (struct spinlock)SPINLOCK_INIT("idtable");
	t->it_slots = NULL;
	t->it_size = 0;
	t->it_max = MIN(max, (uint32_t)IDT_MAX_INDEX + 1);
	t->it_count = 0;
	t->it_next = 1;
}

void idtable_fini(struct idtable *t)
{
	KASSERT(t->it_count == 0, "idtable_fini with %u live ids", t->it_count);
	kfree(t->it_slots);
	t->it_slots = NULL;
	t->it_size = 0;
}

static int make_id(struct idslot *s, uint32_t index)
{
	return (int)((s->is_gen << IDT_INDEX_BITS) | index);
}

/* Grow to hold index `need`; lock held (kmalloc takes its own lock, never ours). */
static int grow(struct idtable *t, uint32_t need)
{
	uint32_t n = t->it_size ? t->it_size : 16;
	while (n <= need)
		n *= 2;
	n = MIN(n, t->it_max);
	if (n <= need)
		return -EAGAIN;
	struct idslot *ns = kmalloc(n * sizeof *ns);
	if (ns == NULL)
		return -ENOMEM;
	if (t->it_slots)
		memcpy(ns, t->it_slots, t->it_size * sizeof *ns);
	for (uint32_t i = t->it_size; i < n; i++) {
		ns[i].is_obj = NULL;
		ns[i].is_gen = 1;
		ns[i].is_tag = ns[i].is_taggen = 0;
	}
	kfree(t->it_slots);
	t->it_slots = ns;
	t->it_size = n;
	return 0;
}

int idtable_plain_first_id(struct idtable *t)
{
	unsigned long s = spin_lock_irqsave(&t->it_lock);
	int err = t->it_size < 2 ? grow(t, 1) : 0;
	if (!err && t->it_count == 0 && t->it_slots[1].is_obj == NULL && t->it_slots[1].is_gen == 1)
		t->it_slots[1].is_gen = 0;
	spin_unlock_irqrestore(&t->it_lock, s);
	return err;
}

int idtable_reserve(struct idtable *t, uint32_t n)
{
	unsigned long s = spin_lock_irqsave(&t->it_lock);
	int err = n > t->it_size ? grow(t, n - 1) : 0;
	spin_unlock_irqrestore(&t->it_lock, s);
	return err;
}

int idtable_alloc(struct idtable *t, void *obj, uint32_t min_index)
{
	KASSERT(obj != NULL, "idtable_alloc(NULL)");
	if (min_index < 1)
		min_index = 1;
	unsigned long s = spin_lock_irqsave(&t->it_lock);
	uint32_t i = min_index;
	while (i < t->it_size && t->it_slots[i].is_obj)
		i++;
	if (i >= t->it_size) {
		int err = grow(t, i);
		if (err) {
			spin_unlock_irqrestore(&t->it_lock, s);
			return err;
		}
	}
	t->it_slots[i].is_obj = obj;
	t->it_count++;
	int id = make_id(&t->it_slots[i], i);
	spin_unlock_irqrestore(&t->it_lock, s);
	return id;
}

int idtable_alloc_tagged(struct idtable *t, void *obj, uint32_t tag, uint32_t keep)
{
	KASSERT(obj != NULL, "idtable_alloc_tagged(NULL)");
	unsigned long s = spin_lock_irqsave(&t->it_lock);
	uint32_t i;
	if (t->it_next >= t->it_size && t->it_size < MIN(keep, t->it_max)) {
		i = MAX(t->it_size, 1);		/* fresh slots first, up to `keep` */
	} else {
		i = t->it_next < t->it_size ? t->it_next : 1;
		for (uint32_t tries = 1; tries < t->it_size && t->it_slots[i].is_obj; tries++)
			if (++i >= t->it_size)
				i = 1;
		if (i < t->it_size && t->it_slots[i].is_obj)
			i = t->it_size;		/* every slot is live: grow */
	}
	if (i >= t->it_size) {
		int err = grow(t, i);
		if (err) {
			spin_unlock_irqrestore(&t->it_lock, s);
			return err;
		}
	}
	int id = idtable_fill_tagged_locked(t, i, obj, tag);
	spin_unlock_irqrestore(&t->it_lock, s);
	return id;
}

bool idtable_tag(struct idtable *t, int id, uint32_t *tag)
{
	if (id <= 0)
		return false;
	uint32_t index = (uint32_t)id & IDT_MAX_INDEX, gen = (uint32_t)id >> IDT_INDEX_BITS;
	unsigned long s = spin_lock_irqsave(&t->it_lock);
	bool ok = index != 0 && index < t->it_size && t->it_slots[index].is_taggen == gen;
	if (ok)
		*tag = t->it_slots[index].is_tag;
	spin_unlock_irqrestore(&t->it_lock, s);
	return ok;
}

void *idtable_lookup(struct idtable *t, int id)
{
	unsigned long s = spin_lock_irqsave(&t->it_lock);
	struct idslot *sl = idtable_slot_locked(t, id);
	void *obj = sl ? sl->is_obj : NULL;
	spin_unlock_irqrestore(&t->it_lock, s);
	return obj;
}

void *idtable_remove(struct idtable *t, int id)
{
	unsigned long s = local_irq_save();
	void *obj = idtable_remove_irqoff(t, id);
	local_irq_restore(s);
	return obj;
}

void *idtable_lookup_if(struct idtable *t, int id, bool (*take)(void *obj))
{
	unsigned long s = local_irq_save();
	void *obj = idtable_lookup_if_irqoff(t, id, take);
	local_irq_restore(s);
	return obj;
}

void *idtable_remove_if(struct idtable *t, int id, bool (*take)(void *obj))
{
	unsigned long s = spin_lock_irqsave(&t->it_lock);
	struct idslot *sl = idtable_slot_locked(t, id);
	void *obj = sl && take(sl->is_obj) ? idtable_clear_slot_locked(t, sl) : NULL;
	spin_unlock_irqrestore(&t->it_lock, s);
	return obj;
}

int idtable_find_next(struct idtable *t, const void *obj, uint32_t *index)
{
	int id = 0;
	unsigned long s = spin_lock_irqsave(&t->it_lock);
	uint32_t i = MAX(*index, 1u);
	while (i < t->it_size && t->it_slots[i].is_obj != obj)
		i++;
	if (i < t->it_size) {
		id = make_id(&t->it_slots[i], i);
		i++;
	}
	*index = i;
	spin_unlock_irqrestore(&t->it_lock, s);
	return id;
}

void idtable_drain(struct idtable *t, void (*fn)(void *obj, int id, void *arg), void *arg)
{
	for (uint32_t i = 1;; i++) {
		unsigned long s = spin_lock_irqsave(&t->it_lock);
		while (i < t->it_size && !t->it_slots[i].is_obj)
			i++;
		if (i >= t->it_size) {
			spin_unlock_irqrestore(&t->it_lock, s);
			return;
		}
		int id = make_id(&t->it_slots[i], i);
		void *obj = idtable_clear_slot_locked(t, &t->it_slots[i]);
		spin_unlock_irqrestore(&t->it_lock, s);
		fn(obj, id, arg);
	}
}
