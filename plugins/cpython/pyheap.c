/* pyheap.c - what the gc's lists hold, by type: py count and py heap */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "py.h"

/*
 * Every object that can refer to others (instances, lists, dicts,
 * functions...) is in one of its interpreter's gc lists: circular, doubly
 * linked through a PyGC_Head just before the object. Walking them counts
 * what fills memory without running code in the target, on a stopped
 * process or a core. Objects that refer to nothing (ints, strs, floats)
 * are never in them.
 *
 * The lists are read in place, so they are checked as they are followed:
 * each node's prev must be the node it was reached from (a link into
 * garbage, or a loop, breaks that at once), and the walk stops after
 * HEAP_MAX_OBJECTS objects, saying so.
 */
#define HEAP_MAX_OBJECTS 20000000
#define HEAP_MAX_TYPES	 65536 /* distinct type objects counted; more: the heap is not sane */
#define GC_HEAD_SIZE	 16    /* PyGC_Head: _gc_next, _gc_prev; the object follows */
#define GC_NEXT_FLAGS	 7     /* low bits of _gc_next a collection (3.14: the old space) uses */
#define GC_PREV_FLAGS	 3     /* _PyGC_PREV_MASK_FINALIZED, _PyGC_PREV_MASK_COLLECTING */

/*
 * Objects are read a few words each, a million of them: in chunks the
 * size of pymalloc's pools (objects of one list were mostly allocated
 * together, and pools of objects the gc does not track are never read), in
 * a cache of its own that lives for one command. A small one (2 MiB): a
 * large one costs more in page faults on lurk's side than it saves.
 */
#define CHUNK_SIZE  16384
#define CHUNK_SLOTS 128

struct chunks {
	uint64_t tag[CHUNK_SLOTS];    /* the chunk's address + 1; 0: empty */
	bool unreadable[CHUNK_SLOTS]; /* part of it is not mapped: read around it */
	unsigned char data[CHUNK_SLOTS][CHUNK_SIZE];
};

struct heap_type {
	uint64_t type; /* 0: an empty slot */
	uint64_t count, bytes;
	int64_t basicsize, itemsize;
	uint64_t preheader; /* bytes before the object: its gc head, a managed dict's words */
};

struct heap {
	const struct py *py;
	struct chunks *chunks;
	struct heap_type *types; /* open addressing, at most half full */
	size_t ntypes, slots;
	uint64_t objects, bytes;
	bool cut; /* stopped at HEAP_MAX_OBJECTS */
	unsigned char scratch[64];
};

/*
 * The len bytes at addr (at most sizeof h->scratch): in the chunk they lie
 * in, or else read around it into scratch. NULL when they cannot be read.
 * Valid until the next call.
 */
static const unsigned char *heap_at(struct heap *h, uint64_t addr, size_t len)
{
	uint64_t base = addr & ~(uint64_t)(CHUNK_SIZE - 1);
	/* Hashed: pools at one offset of different arenas (1 MiB apart) would share a slot. */
	unsigned slot =
		(unsigned)(((base / CHUNK_SIZE) * 0x9e3779b97f4a7c15ull) >> 32) % CHUNK_SLOTS;
	struct chunks *c = h->chunks;

	if (addr - base + len <= CHUNK_SIZE && addr >= 4096) {
		if (c->tag[slot] != base + 1) {
			c->tag[slot] = base + 1;
			c->unreadable[slot] =
				api->read_memory(h->py->self, base, c->data[slot], CHUNK_SIZE) < 0;
		}
		if (!c->unreadable[slot])
			return c->data[slot] + (addr - base);
	}
	if (len > sizeof h->scratch || py_read(h->py, addr, h->scratch, len) < 0)
		return NULL;
	return h->scratch;
}

static size_t type_slot(const struct heap_type *types, size_t slots, uint64_t type)
{
	/* The product's high bits are the well mixed ones; slots stay below 2^24. */
	size_t i = (size_t)(((type >> 4) * 0x9e3779b97f4a7c15ull) >> 40) & (slots - 1);

	while (types[i].type && types[i].type != type)
		i = (i + 1) & (slots - 1);
	return i;
}

/* Twice the slots: 0, or -1 (api->error set). */
static int types_grow(struct heap *h)
{
	size_t slots = h->slots * 2;
	struct heap_type *types = calloc(slots, sizeof(*types));

	if (!types) {
		api->error(h->py->self, "out of memory");
		return -1;
	}
	for (size_t i = 0; i < h->slots; i++)
		if (h->types[i].type)
			types[type_slot(types, slots, h->types[i].type)] = h->types[i];
	free(h->types);
	h->types = types;
	h->slots = slots;
	return 0;
}

/* The type's entry, made on first sight: NULL (api->error set) for a type that cannot be read. */
static struct heap_type *type_entry(struct heap *h, uint64_t type, uint64_t obj)
{
	const struct py_layout *l = h->py->l;
	struct heap_type *e = &h->types[type_slot(h->types, h->slots, type)];
	unsigned long flags = 0;

	if (e->type)
		return e;
	if (h->ntypes >= HEAP_MAX_TYPES) {
		api->error(h->py->self, "more than %d types in the gc lists: they are not sane",
			   HEAP_MAX_TYPES);
		return NULL;
	}
	if ((h->ntypes + 1) * 2 > h->slots) {
		if (types_grow(h) < 0)
			return NULL;
		e = &h->types[type_slot(h->types, h->slots, type)];
	}
	if (py_read(h->py, type + l->tp_basicsize, &e->basicsize, sizeof e->basicsize) < 0 ||
	    py_read(h->py, type + l->tp_itemsize, &e->itemsize, sizeof e->itemsize) < 0 ||
	    py_read(h->py, type + l->tp_flags, &flags, sizeof flags) < 0 || e->basicsize <= 0 ||
	    e->basicsize > (1 << 24) || e->itemsize < 0 || e->itemsize > (1 << 16)) {
		api->error(h->py->self,
			   "the object at 0x%" PRIx64 " in the gc lists has no type that can be "
			   "read (0x%" PRIx64 "): the heap is corrupt there",
			   obj, type);
		return NULL;
	}
	e->type = type;
	e->preheader = GC_HEAD_SIZE + (flags & l->tpflags_managed_dict ? 2 * l->ptr : 0);
	h->ntypes++;
	return e;
}

/* The object's shallow size: its struct and items, with what lies before it. */
static uint64_t object_bytes(struct heap *h, const struct heap_type *e, uint64_t obj)
{
	int64_t items = 0, digits;
	int sign;

	if (e->itemsize) {
		if (e->type == h->py->t_long && h->py->l->long_tag) {
			if (py_long_size(h->py, obj, &digits, &sign) == 0)
				items = digits;
		} else {
			const unsigned char *at = heap_at(h, obj + h->py->l->ob_size, sizeof items);

			if (at)
				memcpy(&items, at, sizeof items);
		}
		if (items < 0)
			items = -items;
		if (items > (1 << 30))
			items = 0;
	}
	return e->preheader + (uint64_t)e->basicsize + (uint64_t)(items * e->itemsize);
}

/* One circular list from its head: 0, or -1 (api->error set) when it is broken. */
static int walk_list(struct heap *h, uint64_t head)
{
	const struct py_layout *l = h->py->l;
	uint64_t prev = head, node = 0, back = 0, type;

	if (py_ptr(h->py, head, &node) < 0) {
		api->error(h->py->self, "the gc list at 0x%" PRIx64 " cannot be read", head);
		return -1;
	}
	/* 3.13's heads are only 4-aligned (see debug-offsets.h): the end is the head as it is. */
	while (node != head && (node & ~(uint64_t)GC_NEXT_FLAGS) != head) {
		/* The gc head and the object's head up to its type, in one read. */
		const unsigned char *at;
		size_t len = GC_HEAD_SIZE + l->ob_type + sizeof type;
		uint64_t next;
		struct heap_type *e;

		node &= ~(uint64_t)GC_NEXT_FLAGS;
		if (h->objects >= HEAP_MAX_OBJECTS) {
			h->cut = true;
			return 0;
		}
		if (!(at = heap_at(h, node, len))) {
			api->error(h->py->self,
				   "the gc list at 0x%" PRIx64 " leads to unreadable memory at "
				   "0x%" PRIx64 ": the heap is corrupt there",
				   head, node);
			return -1;
		}
		memcpy(&next, at, sizeof next);
		memcpy(&back, at + 8, sizeof back);
		memcpy(&type, at + GC_HEAD_SIZE + l->ob_type, sizeof type);
		back &= ~(uint64_t)GC_PREV_FLAGS;
		if (back != prev) {
			api->error(h->py->self,
				   "the gc list at 0x%" PRIx64 " is inconsistent at 0x%" PRIx64
				   " (its previous node is 0x%" PRIx64 ", not 0x%" PRIx64
				   "): the heap is corrupt, or a collection was running",
				   head, node, back, prev);
			return -1;
		}
		if (!(e = type_entry(h, type, node + GC_HEAD_SIZE)))
			return -1;
		e->count++;
		e->bytes += object_bytes(h, e, node + GC_HEAD_SIZE);
		h->objects++;
		prev = node;
		node = next;
	}
	return 0;
}

/* Every list of every interpreter. */
static int walk_heap(struct heap *h)
{
	const struct py_layout *l = h->py->l;
	uint64_t interp = 0;
	int n = 0;

	if (l->free_threaded) {
		api->error(h->py->self,
			   "a free-threaded build keeps no gc lists: py count and py heap do not "
			   "read it");
		return -1;
	}
	if (!l->gc_lists) {
		api->error(h->py->self, "this interpreter's gc lists are not known");
		return -1;
	}
	py_ptr(h->py, h->py->runtime + l->rt_interp_head, &interp);
	for (; interp && n < PY_MAX_INTERPS && !h->cut; n++) {
		uint64_t gc = interp + l->is_gc;

		for (unsigned i = 0; i < l->gc_lists; i++)
			if (walk_list(h, gc + l->gc_lists_at + i * l->gc_list_size) < 0)
				return -1;
		if (walk_list(h, gc + l->gc_permanent) < 0 ||
		    py_ptr(h->py, interp + l->is_next, &interp) < 0)
			return -1;
	}
	return 0;
}

static int heap_new(struct heap *h, const struct py *py)
{
	memset(h, 0, sizeof(*h));
	h->py = py;
	h->chunks = calloc(1, sizeof(*h->chunks));
	h->slots = 1024; /* a power of two */
	h->types = calloc(h->slots, sizeof(*h->types));
	if (!h->chunks || !h->types) {
		free(h->chunks);
		free(h->types);
		api->error(py->self, "out of memory");
		return -1;
	}
	return 0;
}

static void heap_free(struct heap *h)
{
	free(h->chunks);
	free(h->types);
}

static void type_name(const struct py *py, uint64_t type, char *buf, size_t len)
{
	uint64_t name = 0;

	if (py_ptr(py, type + py->l->tp_name, &name) < 0 ||
	    api->read_string(py->self, name, buf, len) < 0 || !buf[0])
		snprintf(buf, len, "?");
}

static void say_cut(const struct py *py)
{
	api->print(py->self,
		   "(the walk stopped after %d objects: the counts are of those; the lists hold "
		   "more)",
		   HEAP_MAX_OBJECTS);
}

static int by_count(const void *a, const void *b)
{
	const struct heap_type *x = a, *y = b;

	if (x->count != y->count)
		return x->count < y->count ? 1 : -1;
	return x->bytes < y->bytes ? 1 : x->bytes > y->bytes ? -1 : 0;
}

int py_heap(const struct py *py, const char *args)
{
	struct heap h;
	struct heap_type *sorted;
	struct lurk_record *r;
	long top = 20;
	size_t n = 0;
	int rc = -1;

	if (*args) {
		char *end;

		if (strncmp(args, "--top", 5) != 0 || (args[5] != ' ' && args[5] != '\t') ||
		    (top = strtol(args + 6, &end, 10)) <= 0 || *end || top > HEAP_MAX_TYPES) {
			api->error(py->self, "\"%s\": usage: py heap [--top N]", args);
			return -1;
		}
	}
	if (heap_new(&h, py) < 0)
		return -1;
	if (walk_heap(&h) < 0)
		goto out;
	sorted = h.types;
	for (size_t i = 0; i < h.slots; i++)
		if (h.types[i].type) {
			h.bytes += h.types[i].bytes;
			sorted[n++] = h.types[i];
		}
	qsort(sorted, n, sizeof(*sorted), by_count);
	r = api->record_new(py->self);
	api->record_str(r, "kind", "heap");
	api->record_int(r, "objects", (int64_t)h.objects);
	api->record_int(r, "types", (int64_t)n);
	api->record_int(r, "bytes", (int64_t)h.bytes);
	api->record_int(r, "cut", h.cut);
	api->record_emit(py->self, r,
			 "%" PRIu64 " objects of %zu types in the gc lists, %" PRIu64
			 " bytes (shallow)",
			 h.objects, n, h.bytes);
	if (!api->output_is_json(py->self))
		api->print(py->self, "  %10s %12s  %s", "Count", "Bytes", "Type");
	for (size_t i = 0; i < n && i < (size_t)top; i++) {
		char name[128];

		r = api->record_new(py->self);
		type_name(py, sorted[i].type, name, sizeof name);
		api->record_str(r, "kind", "heap_type");
		api->record_str(r, "type", name);
		api->record_int(r, "count", (int64_t)sorted[i].count);
		api->record_int(r, "bytes", (int64_t)sorted[i].bytes);
		api->record_emit(py->self, r, "  %10" PRIu64 " %12" PRIu64 "  %s", sorted[i].count,
				 sorted[i].bytes, name);
	}
	if (h.cut)
		say_cut(py);
	rc = 0;
out:
	heap_free(&h);
	return rc;
}

int py_count(const struct py *py, const char *args)
{
	struct heap h;
	struct lurk_record *r;
	uint64_t count = 0, bytes = 0;
	int types = 0, rc = -1;

	if (!*args || strpbrk(args, " \t")) {
		api->error(py->self, "usage: py count TYPE (a type's name, as type(x).__name__ "
				     "or, for built-in types of extensions, its dotted name)");
		return -1;
	}
	if (heap_new(&h, py) < 0)
		return -1;
	if (walk_heap(&h) < 0)
		goto out;
	for (size_t i = 0; i < h.slots; i++) {
		char name[128];

		if (!h.types[i].type)
			continue;
		type_name(py, h.types[i].type, name, sizeof name);
		if (strcmp(name, args) != 0)
			continue;
		types++;
		count += h.types[i].count;
		bytes += h.types[i].bytes;
	}
	r = api->record_new(py->self);
	api->record_str(r, "kind", "count");
	api->record_str(r, "type", args);
	api->record_int(r, "count", (int64_t)count);
	api->record_int(r, "bytes", (int64_t)bytes);
	api->record_int(r, "types", types);
	api->record_emit(py->self, r,
			 "%" PRIu64 " objects of type %s in the gc lists, %" PRIu64
			 " bytes (shallow)%s",
			 count, args, bytes, types > 1 ? " (several types have that name)" : "");
	if (!count)
		api->print(py->self,
			   "(objects that refer to no others, such as ints, strs and floats, are "
			   "never in the gc lists)");
	if (h.cut)
		say_cut(py);
	rc = 0;
out:
	heap_free(&h);
	return rc;
}
