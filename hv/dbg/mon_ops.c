/* SPDX-License-Identifier: MIT */
/*
 * The monitor's view of svmhv (struct mon_ops of hv/debug/monitor.h): every
 * vCPU is stopped while these run, so they read live state directly.
 *   npt  walks svmhv's own nested page tables (hv.npt); svmhv keeps no
 *        shadow of L1's nested page tables yet (L1 gets no nested paging),
 *        so the shadow walk says "no tables".
 *   gva  walks the vCPU's own page tables (4- or 5-level long mode level by
 *        level; other modes through mm/gwalk.c, the answer only).
 *   nmi  is the NMI button: the vCPU gets an NMI, and the next read of the
 *        NMI status port (0x61) shows IOCHK, as a server's front-panel or
 *        IPMI NMI does, so Linux prints its registers and backtrace
 *        ("NMI: IOCK error") instead of "NMI received for unknown reason".
 * See: APM2 5.3 (long-mode page translation), 15.25 (nested paging).
 */
#include "hv/dbg/dbg_int.h"

#include "hv/apic/init.h"
#include "hv/console.h"
#include "mm/gmem.h"
#include "mm/gwalk.h"
#include "svm/atomic.h"
#include "svm/hw.h"

#define PTE_ADDR        0x000ffffffffff000ull

static void put(void *ctx, const char *s)
{
	size_t n = 0;

	(void)ctx;
	while (s[n])
		n++;
	dbg_write((const uint8_t *)s, n);
}

static unsigned nr_vcpus(void *ctx)
{
	(void)ctx;
	return dbg_nr_vcpus();
}

static void vcpu_info(void *ctx, unsigned i, struct mon_vcpu_info *out)
{
	struct vcpu *v = dbg_vcpu(i);

	(void)ctx;
	out->apic_id = hv.cpus[i].apic_id;
	if (!v)
		return;                 /* not under svmhv: shown as held */
	*out = (struct mon_vcpu_info){
		.in_l2 = v->nested.in_l2, .running = v->mp_state != HV_MP_WAIT_SIPI,
		.cpl = v->vmcb->save.cpl, .apic_id = hv.cpus[i].apic_id,
		.rip = v->vmcb->save.rip, .last_exit = v->vmcb->control.exit_code,
		.exit_count = v->exit_total,
	};
}

static const struct vmcb *vmcb_of(void *ctx, unsigned i, enum mon_vmcb_which which)
{
	struct vcpu *v = dbg_vcpu(i);

	(void)ctx;
	if (!v)
		return NULL;
	if (which == MON_VMCB01)
		return v->vmcb01;
	if (!hv.boot.nested || !v->nested.vmcb12_gpa)
		return NULL;    /* nested SVM off, or L1 has never run VMRUN */
	return which == MON_VMCB02 ? v->nested.vmcb02 : v->nested.vmcb12;
}

static uint64_t exit_count(void *ctx, unsigned i, uint64_t code)
{
	struct vcpu *v = dbg_vcpu(i);
	int slot = hv_exit_slot(code);

	(void)ctx;
	return v && slot >= 0 ? v->exit_counts[slot] : 0;
}

static uint64_t now_us(void *ctx)
{
	(void)ctx;
	return rdtsc() / (dbg.tsc_ms / 1000 ? dbg.tsc_ms / 1000 : 1);
}

static void tlb_info(void *ctx, unsigned i, struct mon_tlb_info *out)
{
	struct vcpu *v = dbg_vcpu(i);

	(void)ctx;
	if (!v)
		return;
	out->asid_l1 = v->tlb.asid[TLB_CTX_L1];
	out->asid_l2 = v->tlb.asid[TLB_CTX_L2];
	out->have_l2_asid = v->nested.in_l2;
	out->vmcb12_asid = v->nested.cache.asid;
	out->cnt = v->tlb.cnt;
}

/* ---- page walks -------------------------------------------------------------------- */

typedef bool (*entry_fn)(uint64_t pa, uint64_t *e);

static bool svmhv_entry(uint64_t pa, uint64_t *e)
{
	*e = *(const uint64_t *)(uintptr_t)pa;  /* svmhv's tables: identity mapped */
	return true;
}

static bool guest_entry(uint64_t pa, uint64_t *e)
{
	return gmem_read(&hv.gmem, pa, e, sizeof(*e)) == 0;
}

/* levels-level x86-64 walk from root, each level recorded. */
static void walk(uint64_t root, unsigned levels, uint64_t addr, entry_fn rd, struct mon_walk *w)
{
	uint64_t table = root & PTE_ADDR, e;

	w->nlevels = 0;
	for (unsigned l = levels; l >= 1; l--) {
		unsigned shift = 12 + 9 * (l - 1);
		uint16_t idx = (uint16_t)((addr >> shift) & 511);

		if (!rd(table + idx * 8u, &e)) {
			w->status = MON_WALK_ERROR;
			return;
		}
		w->level[w->nlevels++] = (struct mon_walk_level){ table, idx, e };
		if (!(e & PTE_P)) {
			w->status = MON_WALK_NOT_PRESENT;
			return;
		}
		if (l == 1 || ((e & PTE_PS) && l <= 3)) {
			w->page_size = 1ull << shift;
			w->out_addr = (e & PTE_ADDR & ~(w->page_size - 1)) | (addr & (w->page_size - 1));
			w->status = MON_WALK_MAPPED;
			return;
		}
		table = e & PTE_ADDR;
	}
}

static void npt_walk(void *ctx, unsigned i, enum mon_npt_table t, uint64_t gpa,
		     struct mon_walk *out)
{
	(void)ctx;
	(void)i;
	if (t == MON_NPT_SVMHV)
		walk(hv.npt_root, 4, gpa, svmhv_entry, out);
	else
		out->status = MON_WALK_NO_TABLES;
}

static void gva_walk(void *ctx, unsigned i, uint64_t gva, struct mon_walk *out)
{
	struct vcpu *v = dbg_vcpu(i);
	const struct vmcb_save *s;
	uint64_t gpa;

	(void)ctx;
	if (!v)
		return;
	s = &v->vmcb->save;
	if (!(s->cr0 & CR0_PG)) {
		out->status = MON_WALK_NO_TABLES;
	} else if (s->efer & EFER_LMA) {
		walk(s->cr3, (s->cr4 & CR4_LA57) ? 5 : 4, gva, guest_entry, out);
	} else if (dbg_gva_to_gpa(i, gva, &gpa)) {
		*out = (struct mon_walk){ .status = MON_WALK_MAPPED, .out_addr = gpa,
					  .page_size = PAGE_SIZE };
	} else {
		out->status = MON_WALK_NOT_PRESENT;
	}
}

/* ---- memory, log, trace, nmi, reset ----------------------------------------------------- */

static size_t mem_read(void *ctx, uint64_t gpa, void *buf, size_t len)
{
	size_t done = 0;

	(void)ctx;
	while (done < len) {
		size_t n = PAGE_SIZE - ((gpa + done) & (PAGE_SIZE - 1));

		if (n > len - done)
			n = len - done;
		if (gmem_read(&hv.gmem, gpa + done, (uint8_t *)buf + done, n))
			break;
		done += n;
	}
	return done;
}

static size_t vmem_read(void *ctx, unsigned i, uint64_t gva, void *buf, size_t len)
{
	(void)ctx;
	return dbg_vmem(i, gva, buf, len, false);
}

static void log_get(void *ctx, unsigned *level, uint32_t *areas)
{
	(void)ctx;
	*level = hv_console_level();
	*areas = hv_console_areas();
}

static void log_set(void *ctx, unsigned level, uint32_t areas)
{
	(void)ctx;
	hv_console_set((enum log_level)level, areas);
}

static unsigned trace(void *ctx, unsigned i, struct mon_trace_entry *buf, unsigned max)
{
	(void)ctx;
	return dbg_trace_read(i, buf, max);
}

static int nmi(void *ctx, unsigned i)
{
	(void)ctx;
	if (!dbg_vcpu(i))
		return -1;
	dbg_vcpus[i].nmi = true;
	svm_atomic_store(&dbg.iochk, i + 1, __ATOMIC_SEQ_CST);
	dbg_iopm_set(NMI_REASON_PORT, 1, true);
	return 0;
}

static void reset(void *ctx)
{
	(void)ctx;
	hv_platform_reset();
}

const struct mon_ops dbg_mon_ops = {
	.put = put, .nr_vcpus = nr_vcpus, .vcpu_info = vcpu_info, .vmcb = vmcb_of,
	.exit_count = exit_count, .now_us = now_us, .tlb_info = tlb_info,
	.npt_walk = npt_walk, .gva_walk = gva_walk, .mem_read = mem_read,
	.vmem_read = vmem_read, .log_get = log_get, .log_set = log_set,
	.log_areas = hv_log_areas,
	.nr_log_areas = HV_LOG_NR_AREAS, .trace = trace, .nmi = nmi, .reset = reset,
};
