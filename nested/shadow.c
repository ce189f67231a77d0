/* SPDX-License-Identifier: MIT */
/* The shadow of L1's nested page tables. See nested/shadow.h. */
#include "nested/shadow.h"

#include <stddef.h>

#include "svm/x86.h"

#define LEVELS          4
#define TABLE_BITS      (PTE_P | PTE_W | PTE_U)         /* leaves decide access */
#define PTE_PAT_4K      BIT_ULL(7)                      /* APM2 7.8.2 */
#define PTE_PAT_LARGE   BIT_ULL(12)
#define PAT_UC          0u
#define PAT_UC_MINUS    7u

static uint64_t *table_at(uint64_t pa)
{
	return (uint64_t *)(uintptr_t)pa;
}

static uint64_t page_pa(const struct nested_shadow *sh, uint32_t i)
{
	return (uint64_t)(uintptr_t)(sh->pool + (size_t)i * PAGE_SIZE);
}

static void zero_page(uint64_t pa)
{
	uint64_t *t = table_at(pa);

	for (unsigned i = 0; i < 512; i++)
		t[i] = 0;
}

/* A zeroed page owned by root r: 0 and *pa, or -1. */
static int page_alloc(struct nested_shadow *sh, int r, uint64_t *pa)
{
	for (uint32_t i = 0; i < sh->npages; i++) {
		if (sh->owner[i])
			continue;
		sh->owner[i] = (uint8_t)(r + 1);
		*pa = page_pa(sh, i);
		zero_page(*pa);
		return 0;
	}
	return -1;
}

/* Free root r's pages; keep its PML4 (cleared) if keep_top. */
static void free_root(struct nested_shadow *sh, int r, bool keep_top)
{
	struct nested_shadow_root *root = &sh->root[r];

	for (uint32_t i = 0; i < sh->npages; i++)
		if (sh->owner[i] == r + 1 && !(keep_top && page_pa(sh, i) == root->pa))
			sh->owner[i] = 0;
	if (keep_top) {
		zero_page(root->pa);
		return;
	}
	root->valid = false;
	if (sh->cur == r)
		sh->cur = -1;
}

void nested_shadow_init(struct nested_shadow *sh, void *pool, uint32_t npages, uint8_t *owner)
{
	*sh = (struct nested_shadow){ .pool = pool, .npages = npages, .owner = owner, .cur = -1 };
	for (uint32_t i = 0; i < npages; i++)
		owner[i] = 0;
}

void nested_shadow_drop_all(struct nested_shadow *sh)
{
	for (int r = 0; r < NESTED_SHADOW_ROOTS; r++)
		if (sh->root[r].valid) {
			free_root(sh, r, false);
			sh->st.invalidations++;
		}
}

void nested_shadow_drop_asid(struct nested_shadow *sh, uint32_t asid)
{
	for (int r = 0; r < NESTED_SHADOW_ROOTS; r++)
		if (sh->root[r].valid && sh->root[r].asid == asid) {
			free_root(sh, r, false);
			sh->st.invalidations++;
		}
}

/* A free slot, or the least recently used root's, freed. */
static int victim(struct nested_shadow *sh, bool *evicted)
{
	int v = 0;

	for (int r = 0; r < NESTED_SHADOW_ROOTS; r++) {
		if (!sh->root[r].valid)
			return r;
		if (sh->root[r].used < sh->root[v].used)
			v = r;
	}
	free_root(sh, v, false);
	sh->st.evictions++;
	*evicted = true;
	return v;
}

/* Drop every root but keep: room for one more page. */
static void evict_others(struct nested_shadow *sh, int keep, bool *evicted)
{
	for (int r = 0; r < NESTED_SHADOW_ROOTS; r++)
		if (r != keep && sh->root[r].valid) {
			free_root(sh, r, false);
			sh->st.evictions++;
			*evicted = true;
		}
}

int nested_shadow_select(struct nested_shadow *sh, uint64_t ncr3, uint32_t asid,
			 uint64_t *root_pa, bool *evicted)
{
	int r;

	ncr3 &= PTE_ADDR_MASK;
	for (r = 0; r < NESTED_SHADOW_ROOTS; r++)
		if (sh->root[r].valid && sh->root[r].ncr3 == ncr3 && sh->root[r].asid == asid)
			break;
	if (r < NESTED_SHADOW_ROOTS) {
		sh->st.roots_hit++;
	} else {
		r = victim(sh, evicted);
		if (page_alloc(sh, r, &sh->root[r].pa)) {
			evict_others(sh, r, evicted);
			if (page_alloc(sh, r, &sh->root[r].pa))
				return -1;
		}
		sh->root[r] = (struct nested_shadow_root){
			.ncr3 = ncr3, .asid = asid, .pa = sh->root[r].pa, .valid = true,
		};
		sh->st.roots_made++;
	}
	sh->root[r].used = ++sh->clock;
	sh->cur = r;
	*root_pa = sh->root[r].pa;
	return 0;
}

static unsigned index_at(uint64_t gpa2, int level)
{
	return (unsigned)(gpa2 >> (PAGE_SHIFT + 9 * (level - 1))) & 0x1ff;
}

static int level_of(uint64_t size)
{
	return size == PAGE_SIZE_1G ? 3 : size == PAGE_SIZE_2M ? 2 : 1;
}

/* The same leaf one level smaller, around addr (a table already covers it). */
static void shrink(struct nested_shadow_leaf *l, uint64_t addr)
{
	uint64_t pat = l->bits & PTE_PAT_LARGE;
	uint64_t base;

	l->size >>= 9;
	base = addr & ~(l->size - 1);
	l->hpa += base - l->gpa2;
	l->gpa2 = base;
	if (l->size == PAGE_SIZE)               /* PS goes, PAT moves to bit 7 */
		l->bits = (l->bits & ~(PTE_PS | PTE_PAT_LARGE)) | (pat ? PTE_PAT_4K : 0);
}

/* Walk to leaf's level in the current root, making tables: the entry, or NULL. */
static uint64_t *slot_for(struct nested_shadow *sh, struct nested_shadow_leaf *l, uint64_t addr)
{
	uint64_t table = sh->root[sh->cur].pa;

	for (int level = LEVELS;; level--) {
		uint64_t *e = &table_at(table)[index_at(addr, level)];
		uint64_t pa;

		if (level == level_of(l->size)) {
			if (level == 1 || !(*e & PTE_P) || (*e & PTE_PS))
				return e;
			shrink(l, addr);        /* a table is there: a smaller leaf in it */
			table = *e & PTE_ADDR_MASK;
			continue;
		}
		if (!(*e & PTE_P) || (*e & PTE_PS)) {   /* none, or a larger leaf: a table */
			if (page_alloc(sh, sh->cur, &pa))
				return NULL;
			*e = pa | TABLE_BITS;
		}
		table = *e & PTE_ADDR_MASK;
	}
}

int nested_shadow_map(struct nested_shadow *sh, uint64_t addr,
		      const struct nested_shadow_leaf *leaf, bool *evicted)
{
	struct nested_shadow_leaf l = *leaf;
	uint64_t *e;

	if (sh->cur < 0)
		return -1;
	e = slot_for(sh, &l, addr);
	if (!e) {
		evict_others(sh, sh->cur, evicted);
		l = *leaf;
		e = slot_for(sh, &l, addr);
	}
	if (!e) {                               /* the current root alone fills the pool */
		free_root(sh, sh->cur, true);
		sh->st.evictions++;
		*evicted = true;
		l = *leaf;
		e = slot_for(sh, &l, addr);
	}
	if (!e)
		return -1;
	*e = (l.hpa & PTE_ADDR_MASK) | l.bits;
	sh->st.fills++;
	return 0;
}

int nested_shadow_lookup(const struct nested_shadow *sh, uint64_t gpa2,
			 struct nested_shadow_leaf *out)
{
	uint64_t table;

	if (sh->cur < 0)
		return -1;
	table = sh->root[sh->cur].pa;
	for (int level = LEVELS; level >= 1; level--) {
		uint64_t e = table_at(table)[index_at(gpa2, level)];

		if (!(e & PTE_P))
			return -1;
		if (level == 1 || (e & PTE_PS)) {
			out->size = 1ull << (PAGE_SHIFT + 9 * (level - 1));
			out->gpa2 = gpa2 & ~(out->size - 1);
			out->hpa = e & PTE_ADDR_MASK & ~(out->size - 1);
			out->bits = e & ~PTE_ADDR_MASK;
			return 0;
		}
		table = e & PTE_ADDR_MASK;
	}
	return -1;
}

/* ---- composition ---- */

static unsigned pat_index(uint64_t bits, bool large)
{
	return (unsigned)(((bits & (large ? PTE_PAT_LARGE : PTE_PAT_4K)) ? 4 : 0) |
			  ((bits & PTE_PCD) ? 2 : 0) | ((bits & PTE_PWT) ? 1 : 0));
}

static uint64_t index_bits(unsigned idx, bool large)
{
	return ((idx & 4) ? (large ? PTE_PAT_LARGE : PTE_PAT_4K) : 0) |
	       ((idx & 2) ? PTE_PCD : 0) | ((idx & 1) ? PTE_PWT : 0);
}

static unsigned pat_type(uint64_t pat, unsigned idx)
{
	return (unsigned)(pat >> (8 * idx)) & 7;
}

/* The index of pat holding type t; else UC, else UC-, else index 3. */
static unsigned index_of_type(uint64_t pat, unsigned t)
{
	static const unsigned fallback[] = { PAT_UC, PAT_UC_MINUS };

	for (unsigned i = 0; i < 8; i++)
		if (pat_type(pat, i) == t)
			return i;
	for (unsigned f = 0; f < 2; f++)
		for (unsigned i = 0; i < 8; i++)
			if (pat_type(pat, i) == fallback[f])
				return i;
	return 3;
}

uint64_t nested_memtype_bits(uint64_t bits, bool large, uint64_t pat_from, uint64_t pat_to)
{
	unsigned t = pat_type(pat_from, pat_index(bits, large));

	return index_bits(index_of_type(pat_to, t), large);
}

void nested_shadow_compose(uint64_t gpa2, const struct nwalk_result *l1,
			   const struct npt_mapping *l0, uint64_t l1_pat, uint64_t l0_pat,
			   bool host_nxe, struct nested_shadow_leaf *out)
{
	uint64_t size = l1->page_size < l0->page_size ? l1->page_size : l0->page_size;
	bool write = l1->write && l0->writable && (l1->leaf & PTE_D);
	bool exec = l1->exec && l0->executable;
	unsigned t = pat_type(l1_pat, pat_index(l1->leaf, l1->page_size > PAGE_SIZE));

	out->size = size;
	out->gpa2 = gpa2 & ~(size - 1);
	out->hpa = l0->pa - (gpa2 & (size - 1));
	out->bits = PTE_P | PTE_U | (write ? PTE_W : 0) | (!exec && host_nxe ? PTE_NX : 0) |
		    (size > PAGE_SIZE ? PTE_PS : 0) |
		    index_bits(index_of_type(l0_pat, t), size > PAGE_SIZE);
}
