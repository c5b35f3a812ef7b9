// SPDX-License-Identifier: GPL-2.0
/*
 * Diff storage in kernel memory: one compound page per preserved chunk,
 * indexed by slot number. Slots are allocated lowest-free-first by the
 * xarray, so a freed slot is reused and the slot space stays dense.
 */
#include <linux/gfp.h>
#include <linux/log2.h>
#include <linux/mm.h>

#include "engine.h"

/* Use, in percent of max_bytes, past which the monitor group is told. */
static const unsigned int vss_store_thresholds[] = { 80, 95 };

/*
 * After an allocation: true once for each threshold the use rose past
 * (the bit is cleared when use falls back below it, so it can fire again).
 */
bool vss_store_threshold_crossed(struct vss_store *st, u64 *usedp)
{
	u64 used = atomic64_read(&st->used_bytes);
	bool crossed = false;
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(vss_store_thresholds); i++) {
		bool above = used * 100 >= (u64)vss_store_thresholds[i] * st->max_bytes;

		if (above && !test_and_set_bit(i, &st->thresholds_sent))
			crossed = true;
		else if (!above)
			clear_bit(i, &st->thresholds_sent);
	}
	*usedp = used;
	return crossed;
}

int vss_store_init(struct vss_store *st, u64 max_bytes, unsigned int chunk_bytes)
{
	st->max_bytes = max_bytes;
	st->thresholds_sent = 0;
	atomic64_set(&st->used_bytes, 0);
	st->chunk_order = chunk_bytes > PAGE_SIZE ? ilog2(chunk_bytes / PAGE_SIZE) : 0;
	xa_init_flags(&st->slots, XA_FLAGS_ALLOC);
	return 0;
}

void vss_store_destroy(struct vss_store *st)
{
	struct page *page;
	unsigned long slot;

	xa_for_each(&st->slots, slot, page)
		__free_pages(page, st->chunk_order);
	xa_destroy(&st->slots);
	atomic64_set(&st->used_bytes, 0);
}

/*
 * Called from the copy-on-write worker (GFP_NOIO: the memory we ask for
 * must not be found by writing back to a device we track). -ENOSPC when the
 * storage is at its cap; -ENOMEM when the page allocator cannot help.
 */
int vss_store_alloc(struct vss_store *st, u32 *slot, struct page **pagep)
{
	u64 bytes = PAGE_SIZE << st->chunk_order;
	struct page *page;
	int err;

	if (atomic64_add_return(bytes, &st->used_bytes) > st->max_bytes) {
		atomic64_sub(bytes, &st->used_bytes);
		return -ENOSPC;
	}
	page = alloc_pages(GFP_NOIO | __GFP_NOWARN | __GFP_COMP, st->chunk_order);
	if (!page) {
		atomic64_sub(bytes, &st->used_bytes);
		return -ENOMEM;
	}
	err = xa_alloc(&st->slots, slot, page, xa_limit_32b, GFP_NOIO);
	if (err) {
		__free_pages(page, st->chunk_order);
		atomic64_sub(bytes, &st->used_bytes);
		return err;
	}
	*pagep = page;
	return 0;
}

void vss_store_free(struct vss_store *st, u32 slot)
{
	struct page *page = xa_erase(&st->slots, slot);

	if (page) {
		__free_pages(page, st->chunk_order);
		atomic64_sub(PAGE_SIZE << st->chunk_order, &st->used_bytes);
	}
}

struct page *vss_store_page(struct vss_store *st, u32 slot)
{
	return xa_load(&st->slots, slot);
}
