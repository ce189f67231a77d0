/* SPDX-License-Identifier: MIT */
/*
 * Guest page-table walker. Manuals: AMD64 APM Vol. 2 rev. 3.42 (APM2),
 * Intel SDM Vol. 3A Dec 2023 (SDM3). Reserved-bit masks follow the APM's
 * entry figures as KVM encodes them (arch/x86/kvm/mmu/mmu.c,
 * __reset_rsvds_bits_mask, with AMD's MBZ bits 7 and 8 in PML4Es).
 *
 * The walk order is the CPU's: at each level a not-present entry stops the
 * walk (#PF, P=0), then reserved bits (#PF, P=1 RSV=1); access rights,
 * accumulated over all levels, are checked only once a leaf is found.
 */
#include "mm/gwalk.h"

#include <stdbool.h>

#include "svm/x86.h"            /* PTE_*, CR0/CR4/EFER bits, pages */

struct walk {
	const struct gpa_mmu *mmu;
	uint64_t la;                    /* linear address, 32 bits outside long mode */
	unsigned int access;            /* GPA_ACC_* */
	struct gpa_fault *fault;
	bool nx_on;                     /* EFER.NXE with a PAE-format table */
	bool user, write, exec;         /* rights granted by every level so far */
};

/* Bits lo..hi set; empty when lo > hi. */
static uint64_t bits(unsigned int lo, unsigned int hi)
{
	return (~0ull >> (63 - hi)) & (~0ull << lo);
}

/*
 * Builds the #PF error code: P/RSV from the cause, W/U from the access, I/D
 * for fetches when NX or SMEP is on (it is undefined otherwise, APM2 8.4.2;
 * SDM3 4.7). CR2 is the linear address.
 */
static int page_fault(struct walk *w, uint32_t cause)
{
	uint32_t ec = cause | (w->access & (GPA_PF_W | GPA_PF_U));

	if ((w->access & GPA_ACC_FETCH) && (w->nx_on || (w->mmu->cr4 & CR4_SMEP)))
		ec |= GPA_PF_ID;
	w->fault->addr = w->la;
	w->fault->error_code = ec;
	return GPA_EPF;
}

/* Reads a 4- or 8-byte little-endian entry through the caller's callback. */
static int read_entry(struct walk *w, uint64_t gpa, size_t size, uint64_t *entry)
{
	uint8_t raw[8];

	if (w->mmu->read(w->mmu->ctx, gpa, raw, size) != 0) {
		w->fault->addr = gpa;
		return GPA_EMEM;
	}
	*entry = 0;
	for (size_t i = size; i-- > 0;)
		*entry = (*entry << 8) | raw[i];
	return GPA_OK;
}

/* R/W and U/S are ANDed over the levels, NX is ORed. See: APM2 5.6. */
static void take_rights(struct walk *w, uint64_t e)
{
	w->user = w->user && (e & PTE_U);
	w->write = w->write && (e & PTE_W);
	if (w->nx_on && (e & PTE_NX))
		w->exec = false;
}

/*
 * Access checks once the leaf is known. See: APM2 5.6 (U/S, R/W, CR0.WP,
 * NX, SMEP, SMAP); SDM3 4.6.1. A supervisor access sees user pages
 * only for data with RFLAGS.AC set (SMAP) and never for fetches (SMEP).
 */
static int check_rights(struct walk *w)
{
	const struct gpa_mmu *m = w->mmu;
	unsigned int a = w->access;
	bool user = a & GPA_ACC_USER;

	if (user && !w->user)
		return page_fault(w, GPA_PF_P);
	if (a & GPA_ACC_FETCH) {
		if (!w->exec || (!user && w->user && (m->cr4 & CR4_SMEP)))
			return page_fault(w, GPA_PF_P);
		return GPA_OK;
	}
	if (!user && w->user && (m->cr4 & CR4_SMAP) && !(a & GPA_ACC_AC))
		return page_fault(w, GPA_PF_P);
	if ((a & GPA_ACC_WRITE) && !w->write && (user || (m->cr0 & CR0_WP)))
		return page_fault(w, GPA_PF_P);
	return GPA_OK;
}

/*
 * Reserved bits of a present 8-byte entry at level (1 = PTE). Physical
 * address bits at and above MAXPHYADDR up to 51 (long mode) or 62 (legacy
 * PAE, SDM3 Tables 4-8..4-11), and NX without EFER.NXE. PML4Es and PML5Es
 * reserve bits 7 and 8 on AMD (APM2 5.3.3, PML4E MBZ bits); large pages reserve the
 * address bits below their size, except bit 12 (PAT). See: APM2 5.3.3.
 */
uint64_t gpa_pte_reserved(unsigned int maxphyaddr, bool nx_on, int level, bool leaf, bool pae)
{
	uint64_t m = bits(maxphyaddr, pae ? 62 : 51);

	if (!nx_on)
		m |= PTE_NX;
	if (level >= 4)
		return m | bits(7, 8);
	if (leaf && level == 3)
		return m | bits(13, 29);
	if (leaf && level == 2)
		return m | bits(13, 20);
	return m;
}

static uint64_t reserved_mask(const struct walk *w, int level, bool leaf, bool pae)
{
	return gpa_pte_reserved(w->mmu->maxphyaddr, w->nx_on, level, leaf, pae);
}

/*
 * Walks 512-entry tables of 8-byte entries from level down to the leaf:
 * long mode from the PML5/PML4, PAE from the page directory. PS marks a
 * leaf at level 3 (1 GiB) or 2 (2 MiB). 1 GiB pages are assumed supported:
 * every AMD CPU with SVM and nested paging (family 10h on) has them.
 */
static int walk_table64(struct walk *w, uint64_t table, int level, bool pae, uint64_t *gpa)
{
	for (;; level--) {
		unsigned int shift = PAGE_SHIFT + 9 * (unsigned int)(level - 1);
		uint64_t e, off_mask = (1ull << shift) - 1;
		bool leaf;
		int err = read_entry(w, table + (((w->la >> shift) & 0x1ff) << 3), 8, &e);

		if (err)
			return err;
		if (!(e & PTE_P))
			return page_fault(w, 0);
		leaf = level == 1 || (level <= 3 && (e & PTE_PS));
		if (e & reserved_mask(w, level, leaf, pae))
			return page_fault(w, GPA_PF_P | GPA_PF_RSV);
		take_rights(w, e);
		if (leaf) {
			err = check_rights(w);
			if (!err)
				*gpa = (e & bits(PAGE_SHIFT, 51) & ~off_mask) | (w->la & off_mask);
			return err;
		}
		table = e & bits(PAGE_SHIFT, 51);
	}
}

/*
 * 32-bit paging: a 1024-entry directory at CR3, 4-byte entries, no NX, no
 * reserved bits except in 4 MiB PDEs (CR4.PSE), whose bits 20:13 give
 * physical address bits 39:32 up to MAXPHYADDR (PSE-36, AMD's PSE-40) and
 * whose bit 21 is reserved. See: APM2 5.2, 5.2.3; SDM3 4.3, Table 4-4.
 */
static int walk_32bit(struct walk *w, uint64_t *gpa)
{
	const struct gpa_mmu *m = w->mmu;
	unsigned int hi = (m->maxphyaddr < 40 ? m->maxphyaddr : 40) - 32;
	uint64_t pde, pte, pa;
	int err = read_entry(w, (m->cr3 & 0xfffff000u) + ((w->la >> 22) << 2), 4, &pde);

	if (err)
		return err;
	if (!(pde & PTE_P))
		return page_fault(w, 0);
	take_rights(w, pde);
	if ((pde & PTE_PS) && (m->cr4 & CR4_PSE)) {
		if (pde & bits(13 + hi, 21))
			return page_fault(w, GPA_PF_P | GPA_PF_RSV);
		pa = (pde & 0xffc00000u) | (((pde >> 13) & ((1ull << hi) - 1)) << 32) |
		     (w->la & 0x3fffff);
	} else {
		err = read_entry(w, (pde & 0xfffff000u) + (((w->la >> 12) & 0x3ff) << 2), 4, &pte);
		if (err)
			return err;
		if (!(pte & PTE_P))
			return page_fault(w, 0);
		take_rights(w, pte);
		pa = (pte & 0xfffff000u) | (w->la & 0xfff);
	}
	err = check_rights(w);
	if (!err)
		*gpa = pa;
	return err;
}

/*
 * Legacy PAE: four PDPTEs at CR3[31:5], read on each walk as the CPU does
 * under nested paging (APM2 15.25, legacy PAE guests), which then reports reserved bits as
 * #PF. PDPTEs carry no R/W, U/S or NX. See: APM2 5.2, PAE paging; SDM3 Table 4-8.
 */
static int walk_pae(struct walk *w, uint64_t *gpa)
{
	const struct gpa_mmu *m = w->mmu;
	uint64_t pdpte;
	int err = read_entry(w, (m->cr3 & 0xffffffe0u) + ((w->la >> 30) << 3), 8, &pdpte);

	if (err)
		return err;
	if (!(pdpte & PTE_P))
		return page_fault(w, 0);
	if (pdpte & (bits(m->maxphyaddr, 63) | bits(5, 8) | bits(1, 2)))
		return page_fault(w, GPA_PF_P | GPA_PF_RSV);
	return walk_table64(w, pdpte & bits(PAGE_SHIFT, 51), 2, true, gpa);
}

/*
 * Long mode: 4 levels over 48-bit addresses, 5 with CR4.LA57 over 57 bits.
 * A non-canonical address faults before any walk (#GP/#SS, not #PF).
 * See: APM2 5.3; SDM3 4.5.
 */
static int walk_long(struct walk *w, uint64_t *gpa)
{
	const struct gpa_mmu *m = w->mmu;
	bool la57 = m->cr4 & CR4_LA57;
	unsigned int top_bit = la57 ? 56 : 47;
	uint64_t top = w->la >> top_bit;

	if (top != 0 && top != (~0ull >> top_bit)) {
		w->fault->addr = w->la;
		return GPA_ENONCANON;
	}
	return walk_table64(w, m->cr3 & bits(PAGE_SHIFT, m->maxphyaddr - 1), la57 ? 5 : 4,
			    false, gpa);
}

int gpa_translate(const struct gpa_mmu *mmu, uint64_t la, unsigned int access,
		  uint64_t *gpa, struct gpa_fault *fault)
{
	struct gpa_fault ignored = { 0, 0 };
	struct walk w = {
		.mmu = mmu,
		.la = la,
		.access = access,
		.fault = fault ? fault : &ignored,
		.user = true, .write = true, .exec = true,
	};

	w.fault->addr = la;
	w.fault->error_code = 0;
	if (!mmu || !mmu->read || mmu->maxphyaddr < 32 || mmu->maxphyaddr > 52)
		return GPA_EINVAL;
	w.nx_on = (mmu->efer & EFER_NXE) && (mmu->cr4 & CR4_PAE);
	if (mmu->efer & EFER_LMA)
		return walk_long(&w, gpa);
	/* Outside long mode linear addresses are 32 bits and wrap. */
	w.la = (uint32_t)la;
	if (!(mmu->cr0 & CR0_PG)) {
		*gpa = w.la;
		return GPA_OK;
	}
	return (mmu->cr4 & CR4_PAE) ? walk_pae(&w, gpa) : walk_32bit(&w, gpa);
}

int gpa_read_linear(const struct gpa_mmu *mmu, uint64_t la, void *buf, size_t len,
		    unsigned int access, struct gpa_fault *fault)
{
	struct gpa_fault ignored = { 0, 0 };
	uint8_t *dst = buf;

	if (!fault)
		fault = &ignored;
	while (len) {
		size_t chunk = PAGE_SIZE - (la & (PAGE_SIZE - 1));
		uint64_t gpa;
		int err;

		if (chunk > len)
			chunk = len;
		err = gpa_translate(mmu, la, access, &gpa, fault);
		if (err)
			return err;
		if (mmu->read(mmu->ctx, gpa, dst, chunk) != 0) {
			fault->addr = gpa;
			return GPA_EMEM;
		}
		dst += chunk;
		la += chunk;
		len -= chunk;
	}
	return GPA_OK;
}
