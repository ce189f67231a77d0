/* SPDX-License-Identifier: MIT */
/*
 * Nested SVM for one vCPU: L1's SVM instructions as copy -> check -> merge,
 * and the emulated #VMEXIT. See nested/nested.h for the contract.
 * See: APM2 15.5 (VMRUN), 15.6 (#VMEXIT), 15.5.2 (VMLOAD/VMSAVE), 15.17 (GIF).
 */
#include "nested/nested.h"

#include "svm/msrpm.h"

int nested_vcpu_init(struct nested_vcpu *n, const struct nested_env *e, nested_alloc_fn alloc)
{
	uint32_t npages = e->shadow_pages < NESTED_SHADOW_MIN ? NESTED_SHADOW_MIN : e->shadow_pages;
	void *pool;
	uint8_t *owner;
	uint64_t pa;

	/* What the heap holds, down to the minimum: a smaller pool only evicts more. */
	while (!(pool = alloc(npages, &(uint64_t){ 0 })) && npages / 2 >= NESTED_SHADOW_MIN)
		npages /= 2;
	owner = pool ? alloc((npages + PAGE_SIZE - 1) / PAGE_SIZE, &(uint64_t){ 0 }) : NULL;
	if (!pool || !owner)
		return -1;
	nested_shadow_init(&n->shadow, pool, npages, owner);
	n->vmcb02 = alloc(1, &n->vmcb02_pa);
	n->vmcb12 = alloc(1, &pa);
	n->msrpm = alloc(SVM_MSRPM_SIZE / PAGE_SIZE, &n->msrpm_pa);
	n->iopm = alloc(SVM_IOPM_SIZE / PAGE_SIZE, &n->iopm_pa);
	n->l1_msrpm = alloc(SVM_MSRPM_SIZE / PAGE_SIZE, &pa);
	n->l1_iopm = alloc(SVM_IOPM_SIZE / PAGE_SIZE, &pa);
	n->scratch = alloc(1, &pa);
	nested_gif_init(&n->gif);
	nested_gif_use_vgif(&n->gif, e->vgif);
	return n->vmcb02 && n->vmcb12 && n->msrpm && n->iopm && n->l1_msrpm && n->l1_iopm &&
	       n->scratch ? 0 : -1;
}

enum nested_result nested_insn_check(const struct nested_vcpu *n, const struct nested_env *e,
				     const struct vmcb *vmcb01)
{
	const struct vmcb_save *s = &vmcb01->save;
	uint64_t efer = (s->efer & ~EFER_SVME) | (n->svme ? EFER_SVME : 0);

	if (!e->enabled)
		return NESTED_UD;
	switch (nested_svm_insn_check(efer, s->cr0, s->rflags, s->cpl)) {
	case NESTED_INSN_OK:
		return NESTED_DONE;
	case NESTED_INSN_GP:
		return NESTED_GP;
	default:
		return NESTED_UD;
	}
}

/*
 * A guest-physical page L1 names in rAX: #GP unless it is a page of L1's
 * ordinary RAM (not svmhv's, not MMIO, not the APIC page: svmhv never reads
 * or writes device memory for L1).
 */
static bool l1_page(const struct nested_env *e, uint64_t gpa)
{
	return nested_vmcb12_gpa_check(gpa, e->caps.maxphyaddr, e->caps.svmhv_base,
				       e->caps.svmhv_size) == 0 &&
	       gmem_is_ram(e->mem, gpa, PAGE_SIZE) && !gmem_is_emulated(e->mem, gpa, PAGE_SIZE);
}

/* The permission maps L1 uses must be RAM too: else VMEXIT_INVALID. */
static bool maps_not_ram(const struct nested_vcpu *n, const struct nested_env *e,
			 const char **why)
{
	const struct nested_vmcb12_cache *c = &n->cache;

	if (nested_l1_uses_msrpm(c) && !gmem_is_ram(e->mem, c->msrpm_base_pa, SVM_MSRPM_SIZE)) {
		*why = "MSRPM is not L1's RAM";
		return true;
	}
	if (nested_l1_uses_iopm(c) && !gmem_is_ram(e->mem, c->iopm_base_pa, SVM_IOPM_SIZE)) {
		*why = "IOPM is not L1's RAM";
		return true;
	}
	return false;
}

/* Copy the given ranges of svmhv's copy back into L1's page (checked RAM). */
static void write_ranges(const struct nested_env *e, uint64_t gpa, const struct vmcb *copy,
			 const struct nested_range *r, unsigned n)
{
	for (unsigned i = 0; i < n; i++)
		gmem_write(e->mem, gpa + r[i].off, (const uint8_t *)copy + r[i].off, r[i].len);
}

/* After a failed check or a finished L2: L1 resumes after its VMRUN. */
static void back_to_l1(struct nested_vcpu *n, struct vmcb *vmcb01, const struct vmcb *vmcb02)
{
	nested_vmexit_load_l1(vmcb01, &n->hsave, vmcb02, n->npt);
	nested_gif_vmexit(&n->gif);
	n->in_l2 = false;
}

/*
 * vmcb02's permission maps. A map L1 uses is consulted in L1's memory at
 * each exit (nested_route()), as the CPU consults it at each access, so a
 * bit L2 or another vCPU flips meanwhile counts: vmcb02 then intercepts
 * every port / MSR, and svmhv serves for L2 what L1's map lets through.
 * That content never changes, so it is written only when the buffer held
 * something else (the first VMRUN, or svmhv's bits for a VMRUN without the
 * map): refilling 20 KiB on every VMRUN was a fifth to a third of a nested
 * round trip under TCG (BENCHMARKS.md). An io hole left open is closed first.
 * A map L1 does not use: svmhv's own bits only, merged every time (they
 * change at run time: the debugger's UART ports).
 */
static void merge_maps(struct nested_vcpu *n, const struct nested_env *e)
{
	const struct nested_vmcb12_cache *c = &n->cache;

	nested_io_hole_close(n);
	n->l1_msrpm_valid = nested_l1_uses_msrpm(c);
	n->l1_iopm_valid = nested_l1_uses_iopm(c);
	if (n->l1_msrpm_valid && !n->msrpm_all_set)
		svm_msrpm_init(n->msrpm, true);
	else if (!n->l1_msrpm_valid)
		nested_merge_msrpm(n->msrpm, NULL, e->hv_msrpm);
	n->msrpm_all_set = n->l1_msrpm_valid;
	if (n->l1_iopm_valid && !n->iopm_all_set)
		svm_iopm_init(n->iopm, true);
	else if (!n->l1_iopm_valid)
		nested_merge_iopm(n->iopm, NULL, e->hv_iopm);
	n->iopm_all_set = n->l1_iopm_valid;
}

/* One byte of L1's map into svmhv's buffer at the same offset; unreadable: all set. */
static void map_byte(const struct nested_env *e, uint64_t base, uint8_t *buf, uint32_t off)
{
	if (gmem_read(e->mem, base + off, &buf[off], 1))
		buf[off] = 0xff;
}

/*
 * The bytes of L1's maps this exit needs, read from L1's memory now (the
 * address was checked at VMRUN, each read goes through mm/gmem.h again).
 */
static void read_l1_bits(struct nested_vcpu *n, const struct nested_env *e, uint32_t ecx)
{
	const struct vmcb_control *c = &n->vmcb02->control;
	uint32_t byte;
	unsigned bit;

	if (c->exit_code == VMEXIT_MSR && n->l1_msrpm_valid &&
	    svm_msrpm_offset(ecx, &byte, &bit) == 0) {
		map_byte(e, n->cache.msrpm_base_pa, n->l1_msrpm, byte);
	} else if (c->exit_code == VMEXIT_IOIO && n->l1_iopm_valid) {
		uint32_t port = (uint32_t)(c->exit_info_1 >> 16) & 0xffffu;
		uint32_t last = port + 3;       /* the widest access; extra bits are harmless */

		for (uint32_t b = port / 8; b <= last / 8; b++)
			map_byte(e, n->cache.iopm_base_pa, n->l1_iopm, b);
	}
}

void nested_io_hole(struct nested_vcpu *n, uint16_t port, unsigned size)
{
	n->io_hole_port = port;
	n->io_hole_size = size;
	(void)svm_iopm_set(n->iopm, port, size, false);
}

void nested_io_hole_close(struct nested_vcpu *n)
{
	if (!n->io_hole_size)
		return;
	(void)svm_iopm_set(n->iopm, n->io_hole_port, n->io_hole_size, true);
	n->io_hole_size = 0;
}

/* VMRUN failed its checks: VMEXIT_INVALID in vmcb12, L1 goes on after its VMRUN. */
static enum nested_result vmrun_invalid(struct nested_vcpu *n, const struct nested_env *e,
					struct vmcb *vmcb01, uint64_t gpa)
{
	const struct nested_range *r;
	unsigned nr;

	nested_vmrun_fail(n->vmcb12);
	r = nested_vmrun_fail_ranges(&nr);
	write_ranges(e, gpa, n->vmcb12, r, nr);
	back_to_l1(n, vmcb01, NULL);
	return NESTED_DONE;
}

/*
 * The shadow root for vmcb12's (nCR3, ASID), after dropping what L1's
 * TLB_CONTROL made stale. A root evicted for room: L2's ASID is flushed.
 */
static int shadow_root(struct nested_vcpu *n, struct tlb_vcpu *tlb, uint32_t stale,
		       uint64_t *root_pa)
{
	bool evicted = false;
	int rc;

	if (stale & TLB_SHADOW_ALL)
		nested_shadow_drop_all(&n->shadow);
	else if (stale & TLB_SHADOW_ASID)
		nested_shadow_drop_asid(&n->shadow, n->cache.asid);
	rc = nested_shadow_select(&n->shadow, n->cache.n_cr3, n->cache.asid, root_pa, &evicted);
	if (evicted)
		tlb_shadow_evicted(tlb);
	return rc;
}

void nested_shadow_sync(struct nested_vcpu *n, struct tlb_vcpu *tlb)
{
	uint64_t root_pa;

	if (!n->in_l2 || !n->npt)
		return;
	if (tlb_shadow_take(tlb))
		nested_shadow_drop_all(&n->shadow);
	if (n->shadow.cur >= 0)
		return;
	if (shadow_root(n, tlb, 0, &root_pa) == 0)
		n->vmcb02->control.n_cr3 = root_pa;
}

enum nested_result nested_vmrun(struct nested_vcpu *n, const struct nested_env *e,
				struct vmcb *vmcb01, struct tlb_vcpu *tlb, uint64_t next_rip,
				const char **why)
{
	uint64_t gpa = vmcb01->save.rax, n_cr3 = e->n_cr3;
	struct nested_host host;
	uint32_t stale = 0;
	bool npt;

	if (!l1_page(e, gpa)) {
		*why = "rAX is not a page of L1's memory";
		return NESTED_GP;
	}
	if (!n->hsave_pa) {
		*why = "VM_HSAVE_PA is not set";
		return NESTED_GP;
	}
	if (gmem_read(e->mem, gpa, n->vmcb12, sizeof(*n->vmcb12))) {
		*why = "vmcb12 cannot be read";
		return NESTED_GP;
	}
	n->vmcb12_gpa = gpa;
	nested_cache_from_vmcb(&n->cache, n->vmcb12);
	nested_vmrun_save_l1(&n->hsave, vmcb01, next_rip);
	if (nested_vmcb12_check(&n->cache, &e->caps, why) || maps_not_ram(n, e, why))
		return vmrun_invalid(n, e, vmcb01, gpa);
	npt = n->cache.nested_ctl & SVM_NESTED_CTL_NP_ENABLE;
	if (npt && !(vmcb01->save.efer & EFER_LMA)) {
		*why = "nested paging needs L1 in long mode (long-mode nested page tables)";
		return vmrun_invalid(n, e, vmcb01, gpa);
	}
	if (TLB_RULE(glue_l1_vmrun))
		stale = tlb_l1_vmrun(tlb, n->cache.asid, n->cache.tlb_control);
	n->npt = npt;
	if (npt && shadow_root(n, tlb, stale, &n_cr3)) {
		*why = "the shadow of L1's nested page tables has no room";
		return vmrun_invalid(n, e, vmcb01, gpa);
	}
	merge_maps(n, e);
	host = (struct nested_host){
		.intercepts = e->host, .n_cr3 = n_cr3, .l1_npt = npt,
		.msrpm_pa = n->msrpm_pa, .iopm_pa = n->iopm_pa,
		.l1_tsc_offset = vmcb01->control.tsc_offset,
		.asid_l2 = tlb->asid[TLB_CTX_L2], .l1_nrips = e->nrips,
		.l1_save = &vmcb01->save, .l2_vgif = nested_l2_vgif(&n->cache, &e->caps),
	};
	nested_build_vmcb02(n->vmcb02, &n->cache, &host);
	nested_gif_vmrun(&n->gif);
	n->in_l2 = true;
	return NESTED_ENTER_L2;
}

/*
 * Only the fields the CPU writes go back to L1's page. When the CPU refused
 * vmcb02, L2 never ran: L1 keeps its own shared state (a CPU may leave host
 * state in a refused VMCB's save area, QEMU's TCG does: it must not reach L1).
 */
void nested_vmexit(struct nested_vcpu *n, const struct nested_env *e, struct vmcb *vmcb01)
{
	bool failed = nested_is_vmrun_failure(n->vmcb02->control.exit_code);
	const struct nested_range *r;
	unsigned nr;

	nested_reflect_exit(n->vmcb12, n->vmcb02, &n->cache, e->nrips);
	r = failed ? nested_vmrun_fail_ranges(&nr) : nested_vmexit_ranges(e->nrips, n->npt, &nr);
	write_ranges(e, n->vmcb12_gpa, n->vmcb12, r, nr);
	back_to_l1(n, vmcb01, failed ? NULL : n->vmcb02);
}

/* Where VMLOAD/VMSAVE state sits in a VMCB page: FS, GS | LDTR | TR | STAR..SYSENTER_EIP. */
static const struct { uint16_t off, len; } vmload_ranges[] = {
	{ offsetof(struct vmcb, save.fs), 2 * sizeof(struct vmcb_seg) },
	{ offsetof(struct vmcb, save.ldtr), sizeof(struct vmcb_seg) },
	{ offsetof(struct vmcb, save.tr), sizeof(struct vmcb_seg) },
	{ offsetof(struct vmcb, save.star), offsetof(struct vmcb, save.cr2) -
					    offsetof(struct vmcb, save.star) },
};

/*
 * VMLOAD / VMSAVE of the state in save area s (vmcb01's for L1, vmcb02's
 * for L2) from / to L1's page at gpa, through page (svmhv's scratch). Only
 * those fields of L1's page are read or written, as the CPU does.
 */
static enum nested_result vmload_vmsave(const struct nested_env *e, struct vmcb_save *s,
					uint64_t gpa, struct vmcb *page, bool load,
					const char **why)
{
	uint8_t *p = (uint8_t *)page;

	if (!l1_page(e, gpa)) {
		*why = "rAX is not a page of L1's memory";
		return NESTED_GP;
	}
	if (!load)
		nested_copy_vmload_state(&page->save, s);
	for (unsigned i = 0; i < sizeof(vmload_ranges) / sizeof(vmload_ranges[0]); i++) {
		uint64_t off = vmload_ranges[i].off, len = vmload_ranges[i].len;

		if (load ? gmem_read(e->mem, gpa + off, p + off, len) :
			   gmem_write(e->mem, gpa + off, p + off, len)) {
			*why = "the page cannot be accessed";
			return NESTED_GP;
		}
	}
	if (load)
		nested_copy_vmload_state(s, &page->save);
	return NESTED_DONE;
}

bool nested_l1_vls(const struct nested_vcpu *n, const struct nested_env *e)
{
	return e->enabled && e->vls && n->svme;
}

enum nested_result nested_vmload_vmsave(struct nested_vcpu *n, const struct nested_env *e,
					struct vmcb *vmcb01, bool load, const char **why)
{
	/* n->vmcb12 as the scratch page: no VMRUN in flight while L1 runs. */
	return vmload_vmsave(e, &vmcb01->save, vmcb01->save.rax, n->vmcb12, load, why);
}

/*
 * L2's address size: rAX in 64-bit mode (EFER.LMA and CS.L), else EAX
 * (APM3 VMLOAD/VMSAVE: "rAX"; the operand is the address-size register).
 */
static uint64_t l2_rax(const struct vmcb_save *s)
{
	return (s->efer & EFER_LMA) && (s->cs.attrib & SEG_ATTR_L) ? s->rax : (uint32_t)s->rax;
}

enum nested_result nested_l2_vmload_vmsave(struct nested_vcpu *n, const struct nested_env *e,
					   bool load, const char **why)
{
	struct vmcb_save *s = &n->vmcb02->save;

	return vmload_vmsave(e, s, l2_rax(s), n->scratch, load, why);
}

void nested_stgi(struct nested_vcpu *n)
{
	nested_gif_stgi(&n->gif);
}

void nested_clgi(struct nested_vcpu *n)
{
	nested_gif_clgi(&n->gif);
}

void nested_invlpga(struct nested_vcpu *n, struct tlb_vcpu *tlb, uint64_t va, uint32_t asid)
{
	(void)n;
	if (TLB_RULE(glue_invlpga))
		tlb_invlpga(tlb, va, asid);
}

enum nested_route nested_route(struct nested_vcpu *n, const struct nested_env *e, uint32_t ecx)
{
	const struct vmcb_control *c = &n->vmcb02->control;

	read_l1_bits(n, e, ecx);
	return nested_exit_route(c->exit_code, c->exit_info_1, ecx, &n->cache,
				 n->l1_msrpm_valid ? n->l1_msrpm : NULL,
				 n->l1_iopm_valid ? n->l1_iopm : NULL);
}

void nested_forced_leave(struct nested_vcpu *n, struct vmcb *vmcb01)
{
	if (n->in_l2)
		back_to_l1(n, vmcb01, n->vmcb02);
}

void nested_init(struct nested_vcpu *n)
{
	bool vgif = n->gif.vgif;        /* the mode is the vCPU's for good */

	nested_gif_init(&n->gif);
	nested_gif_use_vgif(&n->gif, vgif);
	n->svme = false;
	n->hsave_pa = 0;
}

/* ---- nested paging: L1's tables in L1's memory ---- */

static int l1_read64(void *ctx, uint64_t pa, uint64_t *entry)
{
	return gmem_read(ctx, pa, entry, sizeof(*entry));
}

static int l1_cas64(void *ctx, uint64_t pa, uint64_t old, uint64_t new_entry)
{
	return gmem_cas64(ctx, pa, old, new_entry) ? 1 : 0;
}

static struct nwalk_mmu l1_mmu(const struct nested_vcpu *n, const struct nested_env *e,
			       const struct vmcb *vmcb01, bool set_ad)
{
	return (struct nwalk_mmu){
		.ncr3 = n->cache.n_cr3, .nxe = vmcb01->save.efer & EFER_NXE,
		.la57 = vmcb01->save.cr4 & CR4_LA57,
		.maxphyaddr = e->caps.maxphyaddr, .read = l1_read64,
		.cas = set_ad ? l1_cas64 : NULL, .ctx = (void *)(uintptr_t)e->mem,
	};
}

/*
 * vmcb02 faulted on the shadow at gpa2: walk L1's tables as the CPU would
 * (Accessed/Dirty set); L1's fault is reflected with its error code and the
 * hardware's final-address / table-walk bits (APM2 15.25.6); a page svmhv
 * protects (read-only or absent in its tables) for this access is svmhv's;
 * else the composition fills the shadow.
 */
enum nested_npf nested_npf(struct nested_vcpu *n, const struct nested_env *e,
			   const struct vmcb *vmcb01, struct tlb_vcpu *tlb, uint64_t *gpa1)
{
	const struct vmcb_control *c = &n->vmcb02->control;
	uint64_t info1 = c->exit_info_1, gpa2 = c->exit_info_2;
	unsigned access = (info1 & NPF_WRITE ? GPA_ACC_WRITE : 0) |
			  (info1 & NPF_FETCH ? GPA_ACC_FETCH : 0);
	struct nwalk_mmu m = l1_mmu(n, e, vmcb01, true);
	struct nested_shadow_leaf leaf;
	struct npt_mapping l0;
	struct nwalk_result r;
	bool evicted = false;
	int rc = nwalk(&m, gpa2, access, &r);

	if (rc != NWALK_OK) {
		uint64_t code = rc == NWALK_EFAULT ? r.error_code :
				GPA_PF_P | GPA_PF_RSV | GPA_PF_U;

		nested_synth_exit(n->vmcb02, VMEXIT_NPF,
				  code | (info1 & (NPF_FINAL_GPA | NPF_GUEST_PT)), gpa2);
		return NESTED_NPF_L1;
	}
	*gpa1 = r.gpa1;
	if (npt_lookup(e->l0, r.gpa1, &l0) || ((access & GPA_ACC_WRITE) && !l0.writable))
		return NESTED_NPF_L0;
	nested_shadow_compose(gpa2, &r, &l0, vmcb01->save.g_pat, e->host_pat, e->host_nxe,
			      &leaf);
	if (nested_shadow_map(&n->shadow, gpa2, &leaf, &evicted))
		return NESTED_NPF_L0;           /* no room at all: svmhv's to report */
	if (evicted)
		tlb_shadow_evicted(tlb);
	return NESTED_NPF_FILLED;
}

int nested_l2_read(const struct nested_vcpu *n, const struct nested_env *e,
		   const struct vmcb *vmcb01, uint64_t gpa2, void *buf, uint64_t len)
{
	struct nwalk_mmu m = l1_mmu(n, e, vmcb01, false);
	uint8_t *dst = buf;

	while (len) {
		uint64_t chunk = PAGE_SIZE - (gpa2 & PAGE_OFFSET_MASK);
		struct nwalk_result r;

		if (chunk > len)
			chunk = len;
		if (nwalk(&m, gpa2, GPA_ACC_READ, &r) || gmem_read(e->mem, r.gpa1, dst, chunk))
			return -1;
		dst += chunk;
		gpa2 += chunk;
		len -= chunk;
	}
	return 0;
}
