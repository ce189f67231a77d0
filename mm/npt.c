/* SPDX-License-Identifier: MIT */
/*
 * Identity nested (and host) page tables. See mm/npt.h for the policy.
 * See: AMD64 Architecture Programmer's Manual Vol. 2 (rev. 3.42), 5.3
 * (long-mode entries, 1 GiB / 2 MiB pages) and 15.25 (nested paging).
 *
 * Levels are numbered as the walk goes: 4 = PML4, 3 = PDPT, 2 = PD, 1 = PT.
 * Every change goes through one walker run twice over a range: a prepare
 * pass that only splits (the only step that allocates, and one that keeps
 * every translation), then a commit pass that rewrites leaves and cannot
 * fail. That is what makes NPT_ENOMEM harmless.
 */
#include "mm/npt.h"

#define ENTRIES         512u
#define TABLE_FLAGS     (PTE_P | PTE_W)         /* leaves decide access */
#define NPT_TOP         (1ull << NPT_MAX_BITS)

static unsigned level_shift(int level)
{
	return 12 + 9 * (unsigned)(level - 1);
}

/*
 * One 64-bit access per entry, so a concurrent hardware walk never sees a
 * torn entry; the barrier keeps a new table's contents ahead of its link.
 */
static uint64_t pte_read(const uint64_t *pe)
{
	return *(const volatile uint64_t *)pe;
}

static void pte_write(uint64_t *pe, uint64_t v)
{
	__asm__ __volatile__("" ::: "memory");
	*(volatile uint64_t *)pe = v;
}

static bool is_table(uint64_t e, int level)
{
	return (e & PTE_P) && (level == 4 || (level > 1 && !(e & PTE_PS)));
}

static uint64_t *table_ptr(const struct npt *npt, uint64_t pa)
{
	return npt->ptr(npt->ctx, pa & PTE_ADDR_MASK);
}

/* ---- the range walker ------------------------------------------------------ */

struct walk {
	struct npt *npt;
	uint64_t base, end;             /* [base, end) */
	uint64_t target;                /* NPT_IDENTITY or a page */
	uint64_t flags;                 /* leaf flags, 0 = not present */
	bool commit;                    /* false: prepare (split) pass */
	struct npt_change *chg;
};

/* Can one entry at @level (covered fully by the range) hold the target? */
static bool leaf_ok(const struct walk *w, int level)
{
	if (level == 1 || w->flags == 0)
		return level < 4;
	if (w->target != NPT_IDENTITY)
		return false;           /* one page repeated: 4 KiB leaves only */
	return level == 2 || (level == 3 && w->npt->gb_pages);
}

static void write_leaf(struct walk *w, uint64_t *pe, int level, uint64_t va)
{
	uint64_t size = 1ull << level_shift(level);
	uint64_t pa = w->target == NPT_IDENTITY ? va : w->target;
	uint64_t e = 0, old = pte_read(pe);

	if (w->flags)
		e = pa | w->flags | (level > 1 ? PTE_PS : 0);
	/* Accessed/dirty bits the CPU set are no reason to flush. */
	if ((old & ~(PTE_A | PTE_D)) == e)
		return;
	pte_write(pe, e);
	if (!w->chg->leaves || va < w->chg->first)
		w->chg->first = va;
	if (va + size > w->chg->end)
		w->chg->end = va + size;
	w->chg->leaves++;
}

/*
 * Replace the leaf (or hole) @e at @level by a table of 512 entries that
 * translate exactly as @e did, then link it.
 */
static int split(struct walk *w, uint64_t *pe, uint64_t e, int level)
{
	struct npt *npt = w->npt;
	uint64_t child_size = 1ull << level_shift(level - 1), pa;
	uint64_t *child = npt->alloc(npt->ctx, &pa);

	if (!child)
		return NPT_ENOMEM;
	if (e & PTE_P) {
		/* Large-page PAT (bit 12) is never set, so the mask drops nothing. */
		uint64_t base = e & PTE_ADDR_MASK & ~((1ull << level_shift(level)) - 1);
		uint64_t flags = (e & ~PTE_ADDR_MASK & ~PTE_PS) | (level > 2 ? PTE_PS : 0);
		unsigned i;

		for (i = 0; i < ENTRIES; i++)
			child[i] = (base + i * child_size) | flags;
	}
	pte_write(pe, pa | TABLE_FLAGS | npt->user);
	w->chg->splits++;
	return 0;
}

static int walk_table(struct walk *w, uint64_t table_pa, int level, uint64_t va);

static int walk_entry(struct walk *w, uint64_t *pe, int level, uint64_t va)
{
	uint64_t e = pte_read(pe);
	uint64_t size = 1ull << level_shift(level);
	bool full = w->base <= va && va + size <= w->end;
	int rc;

	if (is_table(e, level))
		return walk_table(w, e, level - 1, va);
	if (!(e & PTE_P) && w->flags == 0)
		return 0;               /* a hole stays a hole */
	if (level == 1 || (full && leaf_ok(w, level))) {
		if (w->commit)
			write_leaf(w, pe, level, va);
		return 0;
	}
	if (w->commit)
		return NPT_EINVAL;      /* unreachable: prepare split it */
	rc = split(w, pe, e, level);
	if (rc)
		return rc;
	return walk_table(w, pte_read(pe), level - 1, va);
}

/* The entries of the table at @level mapping va.. that meet the range. */
static int walk_table(struct walk *w, uint64_t table_pa, int level, uint64_t va)
{
	uint64_t *t = table_ptr(w->npt, table_pa);
	unsigned shift = level_shift(level), i, last;
	uint64_t lo = w->base > va ? w->base : va;
	uint64_t hi = va + ((uint64_t)ENTRIES << shift);

	if (w->end < hi)
		hi = w->end;
	last = (unsigned)((hi - 1 - va) >> shift);
	for (i = (unsigned)((lo - va) >> shift); i <= last; i++) {
		int rc = walk_entry(w, &t[i], level, va + ((uint64_t)i << shift));
		if (rc)
			return rc;
	}
	return 0;
}

static bool aligned(uint64_t x)
{
	return (x & (NPT_PAGE_4K - 1)) == 0;
}

int npt_map_range(struct npt *npt, uint64_t base, uint64_t size,
		  uint64_t target, enum npt_perm perm, struct npt_change *chg)
{
	struct npt_change local;
	struct walk w = { npt, base, base + size, target, 0, false, chg };
	int rc;

	if (!chg)
		w.chg = &local;
	*w.chg = (struct npt_change){ 0, 0, 0, 0 };
	uint64_t top = npt && npt->shared[1] ? npt->top : NPT_TOP;  /* above: shared, untouchable */

	if (!npt || !npt->root || !aligned(base) || !aligned(size) ||
	    base > top || size > top - base || perm > NPT_PERM_RW_UC ||
	    (target != NPT_IDENTITY && (!aligned(target) || (target & ~PTE_ADDR_MASK))))
		return NPT_EINVAL;
	if (size == 0)
		return 0;
	if (perm != NPT_PERM_NONE)
		w.flags = PTE_P | npt->user | (perm >= NPT_PERM_RW ? PTE_W : 0) |
			  (perm == NPT_PERM_RW_UC ? PTE_PCD | PTE_PWT : 0);
	rc = walk_table(&w, npt->root, 4, 0);
	if (rc)
		return rc;
	w.commit = true;
	return walk_table(&w, npt->root, 4, 0);
}

int npt_protect_range(struct npt *npt, uint64_t base, uint64_t size,
		      uint64_t blank_pa, struct npt_change *chg)
{
	return npt_map_range(npt, base, size, blank_pa, NPT_PERM_RO, chg);
}

int npt_unprotect_range(struct npt *npt, uint64_t base, uint64_t size,
			struct npt_change *chg)
{
	return npt_map_range(npt, base, size, NPT_IDENTITY, NPT_PERM_RW, chg);
}

/* ---- build and free ------------------------------------------------------------ */

static void free_table(struct npt *npt, uint64_t pa, int level)
{
	uint64_t *t = table_ptr(npt, pa);
	unsigned i;

	for (i = 0; level > 1 && i < ENTRIES; i++)
		if (is_table(t[i], level) && !(t[i] & PTE_SHARED))
			free_table(npt, t[i], level - 1);
	npt->free(npt->ctx, t, pa & PTE_ADDR_MASK);
}

void npt_free(struct npt *npt)
{
	if (npt && npt->root && npt->free)
		free_table(npt, npt->root, 4);
	for (int l = 1; npt && npt->free && l <= 3; l++)
		if (npt->shared[l])
			npt->free(npt->ctx, table_ptr(npt, npt->shared[l]), npt->shared[l]);
	if (npt) {
		npt->root = 0;
		for (int l = 0; l <= 3; l++)
			npt->shared[l] = 0;
	}
}

static bool params_ok(const struct npt *npt, const struct npt_params *p)
{
	size_t i;

	if (!npt || !p || !npt->alloc || !npt->ptr ||
	    p->maxphyaddr < 32 || p->maxphyaddr > 52)
		return false;
	if ((p->nprotect || p->blank_above) && (!aligned(p->blank_pa) ||
						(p->blank_pa & ~PTE_ADDR_MASK)))
		return false;
	if (p->nprotect && !p->protect)
		return false;
	for (i = 0; i < p->nprotect; i++) {
		const struct npt_range *r = &p->protect[i];

		if (!aligned(r->base) || !aligned(r->size) ||
		    r->base + r->size < r->base)
			return false;
	}
	return true;
}

/* Protect the part of each range below @top; nothing is mapped above. */
static int protect_all(struct npt *npt, const struct npt_params *p, uint64_t top)
{
	size_t i;
	int rc;

	for (i = 0; i < p->nprotect; i++) {
		const struct npt_range *r = &p->protect[i];
		uint64_t end = r->base + r->size;

		if (r->base >= top)
			continue;
		rc = npt_protect_range(npt, r->base, (end > top ? top : end) - r->base,
				       p->blank_pa, 0);
		if (rc)
			return rc;
	}
	return 0;
}

/*
 * The shared blank subtree: a PT whose 512 leaves are the blank page, read
 * only, then a PD and a PDPT whose 512 entries all link the level below.
 */
static int build_shared(struct npt *npt, uint64_t blank_pa)
{
	uint64_t leaf = blank_pa | PTE_P | npt->user;

	for (int l = 1; l <= 3; l++) {
		uint64_t *t = npt->alloc(npt->ctx, &npt->shared[l]);

		if (!t) {
			npt->shared[l] = 0;
			return NPT_ENOMEM;
		}
		for (unsigned i = 0; i < ENTRIES; i++)
			t[i] = l == 1 ? leaf : npt->shared[l - 1] | TABLE_FLAGS | npt->user | PTE_SHARED;
	}
	return 0;
}

/* Link every hole of the table at @level (va..) that lies above top. */
static void link_above(struct npt *npt, uint64_t table_pa, int level, uint64_t va)
{
	uint64_t *t = table_ptr(npt, table_pa);
	uint64_t size = 1ull << level_shift(level);

	for (unsigned i = 0; i < ENTRIES; i++) {
		uint64_t a = va + i * size;

		if (a >= npt->top)
			pte_write(&t[i], npt->shared[level - 1] | TABLE_FLAGS | npt->user | PTE_SHARED);
		else if (a + size > npt->top && is_table(t[i], level))
			link_above(npt, t[i], level - 1, a);
	}
}

unsigned npt_gpa_bits(unsigned maxphyaddr, bool gb_pages)
{
	unsigned bits = maxphyaddr < NPT_MAX_BITS ? maxphyaddr : NPT_MAX_BITS;

	return gb_pages || bits <= 39 ? bits : 39;
}

uint64_t npt_build(struct npt *npt, const struct npt_params *p)
{
	unsigned bits;
	uint64_t top;

	if (!params_ok(npt, p))
		return 0;
	bits = p->maxphyaddr < NPT_MAX_BITS ? p->maxphyaddr : NPT_MAX_BITS;
	top = 1ull << bits;
	npt->user = p->host ? 0 : PTE_U;
	npt->gb_pages = p->gb_pages;
	npt->top = top;
	for (int l = 0; l <= 3; l++)
		npt->shared[l] = 0;
	if (!npt->alloc(npt->ctx, &npt->root)) {
		npt->root = 0;
		return 0;
	}
	if (npt_map_range(npt, 0, top, NPT_IDENTITY, NPT_PERM_RW, 0) ||
	    protect_all(npt, p, top) ||
	    (p->blank_above && top < NPT_TOP && build_shared(npt, p->blank_pa))) {
		npt_free(npt);
		return 0;
	}
	if (npt->shared[3])
		link_above(npt, npt->root, 4, 0);
	return npt->root;
}

/* ---- lookup and statistics ------------------------------------------------------ */

int npt_lookup(const struct npt *npt, uint64_t gpa, struct npt_mapping *m)
{
	uint64_t e = npt ? npt->root : 0, size;
	bool w = true, u = true, x = true;
	int level;

	if (!e || (gpa >> NPT_MAX_BITS))
		return NPT_ENOENT;
	for (level = 4; level >= 1; level--) {
		unsigned shift = level_shift(level);

		e = pte_read(&table_ptr(npt, e)[(gpa >> shift) % ENTRIES]);
		if (!(e & PTE_P))
			return NPT_ENOENT;
		w = w && (e & PTE_W);
		u = u && (e & PTE_U);
		x = x && !(e & PTE_NX);
		if (is_table(e, level))
			continue;
		size = 1ull << shift;
		*m = (struct npt_mapping){
			.pa = (e & PTE_ADDR_MASK & ~(size - 1)) | (gpa & (size - 1)),
			.page_size = size, .pte = e,
			.writable = w, .user = u, .executable = x,
		};
		return 0;
	}
	return NPT_ENOENT;              /* unreachable: level 1 is a leaf */
}

static void stats_table(const struct npt *npt, uint64_t pa, int level,
			struct npt_stats *s)
{
	const uint64_t *t = table_ptr(npt, pa);
	unsigned i;

	s->tables++;
	for (i = 0; i < ENTRIES; i++) {
		uint64_t e = pte_read(&t[i]);

		if (e & PTE_SHARED)
			continue;       /* counted once, in npt_stats() */
		if (is_table(e, level))
			stats_table(npt, e, level - 1, s);
		else if ((e & PTE_P) && level == 1)
			s->leaves_4k++;
		else if ((e & PTE_P) && level == 2)
			s->leaves_2m++;
		else if ((e & PTE_P) && level == 3)
			s->leaves_1g++;
	}
}

void npt_stats(const struct npt *npt, struct npt_stats *s)
{
	*s = (struct npt_stats){ 0, 0, 0, 0 };
	if (npt && npt->root)
		stats_table(npt, npt->root, 4, s);
	for (int l = 1; npt && l <= 3; l++)
		s->tables += npt->shared[l] != 0;
}

size_t npt_count_pages(const struct npt *npt)
{
	struct npt_stats s;

	npt_stats(npt, &s);
	return s.tables;
}
