/* SPDX-License-Identifier: MIT */
/*
 * The I/O page table every device translates through: identity (IOVA ==
 * physical address), read/write, over the RAM ranges the caller lists minus
 * the excluded ranges (svmhv's pool, the IOMMU's own structures), with
 * 1 GiB, 2 MiB or 4 KiB pages. Everything else - MMIO, other devices' BARs,
 * svmhv - is not present, so such DMA is target-aborted and logged.
 * See: AMD IOMMU Specification 48882, "I/O Page Tables for Host
 * Translations": PTE bit 0 PR, [11:9] NextLevel (0 = a page of the size of
 * that level), [51:12] address, 61 IR, 62 IW; DTE Mode = number of levels.
 *
 * Why not mm/npt.c: its walker (prepare/commit passes, splitting) would do,
 * but the entry format is baked in (PTE_P/W/U, PS for large pages, table
 * flags P|W|U), and AMD's I/O PTEs use NextLevel and IR/IW instead. Sharing
 * it needs an entry-format hook in mm/npt.c; this builder only ever builds
 * once at boot, so it is a simpler, separate walk over the same
 * alloc/ptr/free callbacks as struct npt (iommu.md, "reuse").
 *
 * Ranges: RAM is rounded inwards to 4 KiB, exclusions outwards, so a
 * partial page is never mapped; ranges may overlap and come in any order.
 *
 * Pure: included by the freestanding hypervisor and by host unit tests.
 */
#ifndef SVMHV_HV_IOMMU_IOPT_H
#define SVMHV_HV_IOMMU_IOPT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define IOPT_EINVAL     (-22)
#define IOPT_ENOMEM     (-12)
#define IOPT_ENOENT     (-2)

#define IOPT_PAGE_4K    (1ull << 12)
#define IOPT_PAGE_2M    (1ull << 21)
#define IOPT_PAGE_1G    (1ull << 30)

struct iopt {
	/* Same contract as struct npt's callbacks (mm/npt.h). */
	void *(*alloc)(void *ctx, uint64_t *pa);        /* zeroed 4 KiB page */
	void (*free)(void *ctx, void *page, uint64_t pa);
	void *(*ptr)(void *ctx, uint64_t pa);
	void *ctx;

	uint64_t root;          /* top table, 0 if none */
	unsigned levels;        /* 1..6: the DTE's Mode */
	bool     gb_pages;
	bool     fault_markers; /* unmapped entries hold IOPT_FAULT_MARKER, not 0 */
	size_t   tables;        /* table pages allocated */
};

/* [base, base + size) */
struct iopt_range {
	uint64_t base;
	uint64_t size;
};

struct iopt_params {
	const struct iopt_range *ram;
	size_t   nram;
	const struct iopt_range *exclude;
	size_t   nexclude;
	unsigned levels;        /* 0: the fewest that reach the highest RAM byte */
	bool     gb_pages;      /* 1 GiB leaves (QEMU and AMD hardware have them) */
	bool     fault_markers; /* see IOPT_FAULT_MARKER */
};

/*
 * An entry that maps nothing: PR = 0, so the hardware refuses the access
 * and reports an I/O page fault (other bits are ignored when PR = 0). It
 * is not 0 because QEMU 7.2's walk (hw/i386/amd_iommu.c amdvi_page_walk)
 * ends silently on an all-zero entry and reports a fault only when an
 * entry it would descend through is not present: NextLevel = 1 makes it
 * descend, find PR = 0, and flag the fault (target abort in the IOMMU's
 * PCI status, the only fault report QEMU 7.2 leaves).
 */
#define IOPT_FAULT_MARKER       (1ull << 9)

/* Levels needed to translate addresses below @top (3 reaches 512 GiB). */
unsigned iopt_levels_for(uint64_t top);

/*
 * Build the table. Returns 0 (root in t->root) or IOPT_EINVAL (a range that
 * wraps, RAM beyond what t->levels reaches, levels out of 1..6) or
 * IOPT_ENOMEM; after a failure every page allocated has been freed.
 */
int iopt_build(struct iopt *t, const struct iopt_params *p);

void iopt_free(struct iopt *t);

struct iopt_mapping {
	uint64_t pa;
	uint64_t page_size;
	bool     readable, writable;
};

/* Translate @iova as the IOMMU would: 0 and *m, or IOPT_ENOENT. */
int iopt_lookup(const struct iopt *t, uint64_t iova, struct iopt_mapping *m);

#endif /* SVMHV_HV_IOMMU_IOPT_H */
