// SPDX-License-Identifier: GPL-2.0
/*
 * Diff storage in kernel memory: one compound page per preserved chunk,
 * the page itself being the slot's xarray entry.
 */
#include <linux/gfp.h>
#include <linux/mm.h>

#include "engine.h"

int vss_store_mem_fill(struct vss_origin *o, sector_t chunk, u32 *slot,
		       bool *origin_err)
{
	struct vss_store *st = &o->store;
	sector_t sector = chunk << o->chunk_shift;
	sector_t nr = min_t(sector_t, 1U << o->chunk_shift, o->nr_sects - sector);
	struct page *page;
	int err;

	page = alloc_pages(GFP_NOIO | __GFP_NOWARN | __GFP_COMP, st->chunk_order);
	if (!page)
		return -ENOMEM;
	err = vss_store_reserve(st, page, slot);
	if (err) {
		__free_pages(page, st->chunk_order);
		return err;
	}
	err = vss_origin_read(o, sector, page_address(page), nr << SECTOR_SHIFT);
	*origin_err = err;
	if (err)
		vss_store_free(st, *slot);
	return err;
}

void vss_store_mem_release(struct vss_store *st, void *entry)
{
	__free_pages(entry, st->chunk_order);
}
