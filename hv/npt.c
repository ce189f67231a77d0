/* SPDX-License-Identifier: MIT */
/*
 * svmhv's own page tables: L1's nested page tables (an identity map with
 * svmhv's pool replaced by a read-only blank page, and the pages whose
 * stores svmhv emulates read-only) and svmhv's host page tables, built at
 * boot by one builder (mm/npt.h); and the one way to change L1's nested page
 * tables afterwards, which tells the TLB contract and returns only when no
 * vCPU can still use the old translation. See: APM2 15.25 (nested paging).
 */
#include "hv/npt.h"

#include "hv/console.h"
#include "hv/hv.h"
#include "mm/hostpt.h"
#include "svm/atomic.h"
#include "svm/hw.h"

static void *npt_alloc_cb(void *ctx, uint64_t *pa)
{
	(void)ctx;
	return pmm_alloc_page(&hv.pmm, pa);
}

static void *npt_ptr_cb(void *ctx, uint64_t pa)
{
	(void)ctx;
	return (void *)(uintptr_t)pa;   /* host page tables are an identity map */
}

/*
 * The one guest-physical limit (hv.gpa_bits): MAXPHYADDR as svmhv decoded
 * it (less SME's reduction when the firmware enabled memory encryption,
 * svm_decode_phys(), so never reaching the C-bit), at most 48 (a 4-level
 * walk, mm/npt.h), and without 1 GiB pages at most 39: a 48-bit map would
 * cost 1 GiB of tables, 512 GiB costs 2 MiB. Such CPUs predate large MMIO.
 */
unsigned hv_npt_gpa_bits(void)
{
	return npt_gpa_bits(hv.feat.maxphyaddr, hv.feat.gbpages);
}

/* A write to what the guest sees as a hole: svmhv's memory or above the map. */
bool hv_npt_is_blank(uint64_t gpa)
{
	return gmem_is_hv(&hv.gmem, gpa, 1) || (gpa >> hv.gpa_bits) != 0;
}

/*
 * L1's nested page tables (identity below hv.gpa_bits, svmhv's pool and
 * everything above replaced by a read-only blank page). svmhv's own identity
 * page tables, from the same builder, boot/ built already (mm/hostpt.h): this
 * CPU runs on them.
 */
int hv_npt_setup(void)
{
	struct npt_range prot = { hv.boot.pool_pa, hv.boot.pool_size };
	unsigned bits = hv.gpa_bits;
	struct npt_params p = {
		.maxphyaddr = bits, .gb_pages = hv.feat.gbpages,
		.protect = &prot, .nprotect = 1, .blank_above = true,
	};
	uint8_t *blank = pmm_alloc_page(&hv.pmm, &hv.blank_pa);

	if (!blank)
		return HV_ERR_NOMEM;
	if (hv.feat.mem_encrypt)
		hv_info("mm", "SME enabled by the firmware: C-bit %u, physical addresses %u - %u "
			"= %u bits; the C-bit alias of every page is outside the guest's map",
			hv.feat.cbit, hv.feat.maxphyaddr_cpu, hv.feat.phys_reduction,
			hv.feat.maxphyaddr);
	if (bits != hv.feat.maxphyaddr)
		hv_warn("mm", "guest-physical space limited to %u bits (MAXPHYADDR %u%s): "
			"above it, reads see all ones and writes are dropped", bits,
			hv.feat.maxphyaddr, !hv.feat.gbpages && bits < NPT_MAX_BITS ?
			", no 1 GiB pages" : ", 4-level nested paging");
	for (unsigned i = 0; i < PAGE_SIZE; i++)
		blank[i] = 0xff;        /* reads of svmhv memory: all ones, like a hole */
	p.blank_pa = hv.blank_pa;
	hv.npt = (struct npt){ .alloc = npt_alloc_cb, .ptr = npt_ptr_cb };
	hv.npt_root = npt_build(&hv.npt, &p);
	hv.host_cr3 = hv.boot.host_cr3;
	hv.host_pt = (struct npt){ .alloc = npt_alloc_cb, .ptr = npt_ptr_cb, .root = hv.host_cr3,
				   .gb_pages = hv.feat.gbpages, .top = 1ull << bits };
	if (!hv.npt_root) {
		hv_err("mm", "out of reserved memory building page tables; raise heap=");
		return HV_ERR_NOMEM;
	}
	return 0;
}

/* Writers of hv.npt are serialised (mm/npt.h); the hardware reads it any time. */
static uint32_t npt_lock;

int hv_npt_map(uint64_t gpa, uint64_t size, uint64_t target, unsigned perm, struct vcpu *self)
{
	struct npt_change chg = { 0 };
	int rc;

	while (svm_atomic_xchg(&npt_lock, 1, __ATOMIC_ACQUIRE))
		cpu_relax();
	rc = npt_map_range(&hv.npt, gpa, size, target, perm, &chg);
	svm_atomic_store(&npt_lock, 0, __ATOMIC_RELEASE);
	if (TLB_RULE(glue_npt_changed))
		tlb_npt_changed(&hv.tlb, self ? &self->tlb : NULL);
	return rc;
}
