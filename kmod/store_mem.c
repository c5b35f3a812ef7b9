// SPDX-License-Identifier: GPL-2.0
/*
 * Diff storage in kernel memory: a preserved chunk is kept in order-0
 * pages, listed by a small vss_mem_chunk that is the slot's xarray entry.
 *
 * Not one compound page per chunk: at 64 KiB chunks that is an order-4
 * GFP_NOIO allocation (order 8 at 1 MiB), above the order the page
 * allocator tries hard for, which a fragmented machine fails while plenty
 * of memory is free; and a failed copy invalidates every snapshot of the
 * origin. Order-0 NOIO allocations fail only when memory is really gone.
 */
#include <linux/gfp.h>
#include <linux/highmem.h>
#include <linux/mm.h>
#include <linux/overflow.h>
#include <linux/slab.h>

#include "engine.h"
#include "fault.h"

struct vss_mem_chunk {
	unsigned int nr_pages;
	struct page *pages[];
};

/*
 * Every page of the memory store comes from here. The test-only fault
 * file fail_high_order_alloc fails any request above order 0, as a
 * fragmented machine would: the store must not need one.
 */
static struct page *vss_store_mem_alloc(unsigned int order)
{
	if (order && READ_ONCE(vss_faults.fail_high_order_alloc))
		return NULL;
	return alloc_pages(GFP_NOIO | __GFP_NOWARN, order);
}

static void vss_mem_chunk_free(struct vss_mem_chunk *c)
{
	unsigned int i;

	for (i = 0; i < c->nr_pages; i++)
		__free_page(c->pages[i]);
	kfree(c);
}

/*
 * The copy's first half: the chunk's pages, its slot (the entry is the
 * slot's from here on) and the read of the old chunk into them, not yet
 * submitted. The read's completion leaves nothing more to do.
 */
int vss_store_mem_prepare(struct vss_origin *o, struct vss_copy *cp,
			  struct bio **biop)
{
	struct vss_store *st = &o->store;
	unsigned int nr_pages = 1U << st->chunk_order;
	struct vss_mem_chunk *c;
	int err;

	c = kmalloc(struct_size(c, pages, nr_pages), GFP_NOIO | __GFP_NOWARN);
	if (!c)
		return -ENOMEM;
	for (c->nr_pages = 0; c->nr_pages < nr_pages; c->nr_pages++) {
		c->pages[c->nr_pages] = vss_store_mem_alloc(0);
		if (!c->pages[c->nr_pages]) {
			vss_mem_chunk_free(c);
			return -ENOMEM;
		}
	}
	err = vss_store_reserve(st, c, &cp->slot);
	if (err) {
		vss_mem_chunk_free(c);
		return err;
	}
	*biop = vss_origin_read_pages_bio(o, cp->chunk << o->chunk_shift, c->pages,
					  cp->bytes);
	return 0;
}

/* Copies @bytes at @off of the chunk @entry into @bio from its position @it. */
void vss_store_mem_copy_to_bio(void *entry, unsigned int off, struct bio *bio,
			       struct bvec_iter it, unsigned int bytes)
{
	struct vss_mem_chunk *c = entry;

	while (bytes) {
		struct bio_vec bv = bio_iter_iovec(bio, it);

		/* A segment may straddle two of the chunk's pages. */
		bv.bv_len = min3(bv.bv_len, bytes,
				 (unsigned int)(PAGE_SIZE - offset_in_page(off)));
		memcpy_to_bvec(&bv, (const char *)page_address(c->pages[off >> PAGE_SHIFT]) +
				    offset_in_page(off));
		bio_advance_iter_single(bio, &it, bv.bv_len);
		off += bv.bv_len;
		bytes -= bv.bv_len;
	}
}

void vss_store_mem_release(struct vss_store *st, void *entry)
{
	vss_mem_chunk_free(entry);
}
