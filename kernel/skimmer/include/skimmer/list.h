/* Intrusive circular doubly linked lists (a head is a node that links to itself). */
#ifndef SKIMMER_LIST_H
#define SKIMMER_LIST_H

#include <skimmer/types.h>

struct list {
	struct list *next, *prev;
};

#define LIST_INIT_STATIC(name) { &(name), &(name) }

static inline void list_init(struct list *h) { h->next = h->prev = h; }
static inline bool list_empty(const struct list *h) { return h->next == h; }

static inline void list__link(struct list *n, struct list *prev, struct list *next)
{
	n->prev = prev;
	n->next = next;
	prev->next = n;
	next->prev = n;
}

static inline void list_insert_tail(struct list *h, struct list *n) { list__link(n, h->prev, h); }
static inline void list_insert_head(struct list *h, struct list *n) { list__link(n, h, h->next); }
/* Insert n just before pos (pos may be the head: then at the tail). For sorted inserts. */
static inline void list_insert_before(struct list *pos, struct list *n) { list__link(n, pos->prev, pos); }

static inline void list_remove(struct list *n)
{
	n->prev->next = n->next;
	n->next->prev = n->prev;
	n->next = n->prev = NULL;	/* a stale use faults instead of corrupting */
}

static inline struct list *list_first(const struct list *h) { return list_empty(h) ? NULL : h->next; }

#define list_entry(n, type, member) container_of(n, type, member)
#define list_first_entry(h, type, member) \
	(list_empty(h) ? (type *)NULL : list_entry((h)->next, type, member))
#define list_foreach(it, h) for ((it) = (h)->next; (it) != (h); (it) = (it)->next)

#endif
