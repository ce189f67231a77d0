/* SPDX-License-Identifier: MIT */
/*
 * Identity page tables: L1's nested page tables (nCR3) and, built the same
 * way without protected ranges and with U=0, svmhv's own host page tables.
 * See: AMD64 Architecture Programmer's Manual Vol. 2 (rev. 3.42), 5.3
 * "Long-Mode Page Translation" (entry format) and 15.25 "Nested Paging".
 *
 * The map covers guest-physical [0, 2^min(MAXPHYADDR, 48)). 48 because svmhv
 * runs its host in 4-level paging and the nested walk uses the host's paging
 * mode (APM2 15.25): four levels of 9 bits plus a 12-bit offset reach 2^48
 * bytes, so a CPU with MAXPHYADDR 52 still gets 48 here. Guest accesses
 * above the map take a nested #PF.
 *
 * Everything is mapped identity, present, writable, user (a nested walk is a
 * user access, APM2 15.25.5: U=1 at every level), memory type WB (PWT = PCD
 * = PAT = 0, so the guest's own type decides, APM2 15.25 "Combining Memory
 * Types"), with 1 GiB pages when the CPU has them, else 2 MiB. Protected
 * ranges (svmhv's own memory) map every 4 KiB page to one "blank" page,
 * present, user, executable and read-only: guest reads see the blank page
 * (svmhv fills it with 0xff), writes take a nested #PF which svmhv drops.
 * The blank page itself belongs inside a protected range. Large pages are
 * split only where they overlap a protected range.
 *
 * Table cost before splits: with 1 GiB pages, 1 + 2^(maxphy-39) pages
 * (2 MiB of tables for 48 bits); with 2 MiB pages, one more page per GiB,
 * 2^(maxphy-30) (1 GiB of tables for 48 bits!), so on a CPU without 1 GiB
 * pages the caller must pass a smaller maxphyaddr. Each protected 2 MiB
 * region costs one page table, each protected 1 GiB region one more.
 *
 * Above the map: with blank_above, guest-physical [2^maxphyaddr, 2^48) maps
 * read-only to the blank page too, as unbacked MMIO reads all ones and
 * drops writes on a real machine. That costs three table pages shared by
 * every entry above the map (a PT of blank leaves, a PD of links to it, a
 * PDPT of links to that), linked with the software bit PTE_SHARED: such
 * subtrees are never split, rewritten or freed one by one, and
 * npt_map_range refuses any range above the map.
 *
 * Concurrency: entries are written with single 64-bit stores and a split
 * table is filled before it is linked, so the hardware (or npt_lookup on
 * another CPU) always sees a consistent old or new translation. Writers
 * (npt_map_range and friends) must be serialised by the caller. Tables are
 * never freed while in use: only npt_free() frees, and ranges are never
 * merged back into large pages.
 *
 * Pure: included by the freestanding hypervisor and by host unit tests.
 */
#ifndef SVMHV_MM_NPT_H
#define SVMHV_MM_NPT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "svm/x86.h"    /* PTE_* entry bits, APM2 5.3.3 */

#define NPT_PAGE_4K     PAGE_SIZE
#define NPT_PAGE_2M     PAGE_SIZE_2M
#define NPT_PAGE_1G     PAGE_SIZE_1G
#define NPT_MAX_BITS    48              /* 4-level walk, see above */
#define NPT_IDENTITY    (~0ull)         /* npt_map_range target: gpa == pa */
#define PTE_SHARED      BIT_ULL(9)      /* AVL: a link to the shared blank subtree */

#define NPT_ENOENT      (-2)            /* gpa not mapped */
#define NPT_ENOMEM      (-12)           /* alloc callback failed */
#define NPT_EINVAL      (-22)           /* bad argument */

/*
 * One table tree and how to reach its pages. The caller fills the
 * callbacks; npt_build fills the rest.
 */
struct npt {
	/* A zeroed 4 KiB page: returns its pointer and sets *pa, or NULL. */
	void *(*alloc)(void *ctx, uint64_t *pa);
	/* Give a page back; may be NULL (then failures leak their pages). */
	void (*free)(void *ctx, void *page, uint64_t pa);
	/* Pointer to the table page at physical address @pa. */
	void *(*ptr)(void *ctx, uint64_t pa);
	void *ctx;

	uint64_t root;          /* PML4 physical address, 0 if none */
	uint64_t user;          /* PTE_U (nested tables) or 0 (host tables) */
	bool     gb_pages;      /* 1 GiB leaves allowed */
	uint64_t top;           /* 2^maxphyaddr (with blank_above, npt_map_range stays below) */
	uint64_t shared[4];     /* blank_above: shared tables of levels 1..3, or 0 */
};

/* [base, base + size), both 4 KiB aligned. */
struct npt_range {
	uint64_t base;
	uint64_t size;
};

struct npt_params {
	unsigned maxphyaddr;    /* CPUID 8000_0008 EAX[7:0] (or [23:16] when
				 * nonzero), minus SME's reduction; 32..52 */
	bool     gb_pages;      /* CPUID 8000_0001 EDX[26] Page1GB */
	bool     host;          /* host CR3 tables: U=0, so SMEP/SMAP work */
	const struct npt_range *protect;        /* may overlap, be adjacent */
	size_t   nprotect;
	uint64_t blank_pa;      /* 4 KiB aligned; unused if nprotect == 0 and !blank_above */
	bool     blank_above;   /* [2^maxphyaddr, 2^48) reads the blank page, see above */
};

/*
 * The guest-physical width a map over MAXPHYADDR @maxphyaddr can cover:
 * at most NPT_MAX_BITS, and 39 without 1 GiB pages (see the table cost
 * above). Pure.
 */
unsigned npt_gpa_bits(unsigned maxphyaddr, bool gb_pages);

/*
 * Build the identity map described above into @npt. Returns the root (PML4)
 * physical address, also left in npt->root, or 0 on an invalid parameter or
 * allocation failure; then every page allocated so far has been freed.
 */
uint64_t npt_build(struct npt *npt, const struct npt_params *p);

/* Free every table page of @npt (not the blank page) and clear npt->root. */
void npt_free(struct npt *npt);

struct npt_mapping {
	uint64_t pa;            /* what gpa translates to */
	uint64_t page_size;     /* NPT_PAGE_4K, _2M or _1G */
	uint64_t pte;           /* the leaf entry */
	bool     writable;      /* W at every level */
	bool     user;          /* U at every level */
	bool     executable;    /* NX clear at every level */
};

/* Walk the tables for @gpa: 0 and *m filled, or NPT_ENOENT. */
int npt_lookup(const struct npt *npt, uint64_t gpa, struct npt_mapping *m);

enum npt_perm {
	NPT_PERM_NONE,          /* not present: every access faults */
	NPT_PERM_RO,            /* present, read and execute */
	NPT_PERM_RW,            /* present, read, write, execute */
	NPT_PERM_RW_UC,         /* as RW, PCD = PWT = 1 (PAT entry 3: UC by
				 * default); host tables only, for a framebuffer */
};

/*
 * What a remap changed, for the TLB code: flush when leaves or splits is
 * nonzero. A split keeps every translation but replaces a large TLB entry
 * with smaller ones; flush anyway (cf. AMD erratum 383).
 */
struct npt_change {
	uint64_t leaves;        /* leaf entries rewritten */
	uint64_t splits;        /* large pages (or holes) given a new table */
	uint64_t first;         /* gpa span the rewritten leaves cover: */
	uint64_t end;           /* [first, end), valid if leaves != 0 */
};

/*
 * Map [base, base + size) (4 KiB aligned, below 2^48) to @target: either
 * NPT_IDENTITY, or one 4 KiB page every 4 KiB page of the range maps to.
 * Large pages are split only where the range covers them partly or the
 * target needs 4 KiB pages. Allocation happens before any translation
 * changes, so NPT_ENOMEM leaves the translations as they were (possibly
 * split). @chg may be NULL; it is zeroed first.
 */
int npt_map_range(struct npt *npt, uint64_t base, uint64_t size,
		  uint64_t target, enum npt_perm perm, struct npt_change *chg);

/* Map a range to the blank page read-only, as npt_build does. */
int npt_protect_range(struct npt *npt, uint64_t base, uint64_t size,
		      uint64_t blank_pa, struct npt_change *chg);

/* Give a range back its identity, writable mapping. */
int npt_unprotect_range(struct npt *npt, uint64_t base, uint64_t size,
			struct npt_change *chg);

struct npt_stats {
	size_t tables;          /* table pages, root included */
	size_t leaves_4k;
	size_t leaves_2m;
	size_t leaves_1g;
};

void npt_stats(const struct npt *npt, struct npt_stats *s);

/* Table pages in use, for the boot banner. */
size_t npt_count_pages(const struct npt *npt);

#endif /* SVMHV_MM_NPT_H */
