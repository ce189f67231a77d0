/* SPDX-License-Identifier: MIT */
/* Walking L1's nested page tables. See mm/nwalk.h. */
#include "mm/nwalk.h"

#include <stddef.h>

#include "svm/x86.h"

#define MAX_LEVELS      5
#define MAX_RESTARTS    16

struct step {
	uint64_t pa;                    /* where the entry is */
	uint64_t entry;
};

/* NPF error code: a nested access is a user access, I/D for fetches with NX. */
static int fault(const struct nwalk_mmu *m, unsigned int access, uint32_t cause,
		 struct nwalk_result *r)
{
	r->error_code = cause | GPA_PF_U | (access & GPA_PF_W);
	if ((access & GPA_ACC_FETCH) && m->nxe)
		r->error_code |= GPA_PF_ID;
	return NWALK_EFAULT;
}

/* Rights over every level: U/S always needed, R/W for writes, NX for fetches. */
static int check_rights(const struct nwalk_mmu *m, unsigned int access,
			struct nwalk_result *r)
{
	if (access & GPA_ACC_FETCH)
		return r->exec ? NWALK_OK : fault(m, access, GPA_PF_P, r);
	if ((access & GPA_ACC_WRITE) && !r->write)
		return fault(m, access, GPA_PF_P, r);
	return NWALK_OK;
}

/* Accessed on every entry used, Dirty on the leaf for a write: 0, or 1 to restart. */
static int set_ad(const struct nwalk_mmu *m, struct step *s, int n, bool write)
{
	for (int i = 0; m->cas && i < n; i++) {
		uint64_t want = s[i].entry | PTE_A | (write && i == n - 1 ? PTE_D : 0);

		if (want == s[i].entry)
			continue;
		if (m->cas(m->ctx, s[i].pa, s[i].entry, want))
			return 1;
		s[i].entry = want;
	}
	return 0;
}

/* One walk from the PML5 or PML4: NWALK_OK, NWALK_EFAULT, or 1 to restart. */
static int walk_once(const struct nwalk_mmu *m, uint64_t gpa2, unsigned int access,
		     struct nwalk_result *r)
{
	uint64_t addr_mask = (1ull << m->maxphyaddr) - 1;
	uint64_t table = m->ncr3 & addr_mask & ~PAGE_OFFSET_MASK;
	struct step s[MAX_LEVELS];
	int level, n = 0;

	r->write = r->exec = true;
	for (level = m->la57 ? 5 : 4;; level--) {
		unsigned int shift = PAGE_SHIFT + 9 * (unsigned int)(level - 1);
		bool leaf;

		s[n].pa = table + (((gpa2 >> shift) & 0x1ff) << 3);
		if (m->read(m->ctx, s[n].pa, &s[n].entry))
			return fault(m, access, GPA_PF_P | GPA_PF_RSV, r);     /* not RAM */
		if (!(s[n].entry & PTE_P))
			return fault(m, access, 0, r);
		leaf = level == 1 || (level <= 3 && (s[n].entry & PTE_PS));
		if (s[n].entry & gpa_pte_reserved(m->maxphyaddr, m->nxe, level, leaf, false))
			return fault(m, access, GPA_PF_P | GPA_PF_RSV, r);
		if (!(s[n].entry & PTE_U))
			return fault(m, access, GPA_PF_P, r);
		r->write = r->write && (s[n].entry & PTE_W);
		r->exec = r->exec && !(m->nxe && (s[n].entry & PTE_NX));
		n++;
		if (leaf) {
			r->page_size = 1ull << shift;
			break;
		}
		table = s[n - 1].entry & PTE_ADDR_MASK & addr_mask;
	}
	if (check_rights(m, access, r))
		return NWALK_EFAULT;
	if (set_ad(m, s, n, access & GPA_ACC_WRITE))
		return 1;
	r->leaf = s[n - 1].entry;
	r->gpa1 = (r->leaf & PTE_ADDR_MASK & addr_mask & ~(r->page_size - 1)) |
		  (gpa2 & (r->page_size - 1));
	return NWALK_OK;
}

int nwalk(const struct nwalk_mmu *m, uint64_t gpa2, unsigned int access, struct nwalk_result *r)
{
	*r = (struct nwalk_result){ 0 };
	if (!m->read || m->maxphyaddr < 32 || m->maxphyaddr > 52 || gpa2 >> m->maxphyaddr)
		return NWALK_EINVAL;
	for (int i = 0; i < MAX_RESTARTS; i++) {
		int rc = walk_once(m, gpa2, access, r);

		if (rc <= 0)
			return rc;
	}
	return NWALK_EINVAL;
}
