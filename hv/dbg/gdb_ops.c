/* SPDX-License-Identifier: MIT */
/*
 * The GDB stub's target (struct gdb_target_ops) on svmhv's vCPUs: threads
 * are vCPUs, registers come from the VMCB that runs (L1's, or L2's while a
 * guest hypervisor runs one) and the saved GPRs, memory is read and written
 * through that vCPU's own page tables (mm/gwalk.c) and guest-physical
 * access rules (mm/gmem.c). Writes ignore the guest's page protections:
 * svmhv writes guest-physical memory itself, which is how a breakpoint lands
 * in read-only kernel text; svmhv's own memory stays out of reach.
 * Every vCPU is stopped while these run (hv/dbg/stop.c).
 */
#include "hv/dbg/dbg_int.h"

#include "hv/fmt.h"
#include "mm/gmem.h"
#include "mm/gwalk.h"

static struct vcpu *vcpu_of(unsigned i)
{
	return dbg_vcpu(i);
}

static unsigned nr_threads(void *ctx)
{
	(void)ctx;
	return dbg_nr_vcpus();
}

static int read_regs(void *ctx, unsigned i, struct gdb_regs *r)
{
	struct vcpu *v = vcpu_of(i);
	const struct vmcb_save *s;
	const struct svm_gprs *g;

	(void)ctx;
	if (!v)
		return -1;
	s = &v->vmcb->save;
	g = &v->world.regs;
	*r = (struct gdb_regs){
		.rax = s->rax, .rbx = g->rbx, .rcx = g->rcx, .rdx = g->rdx, .rsi = g->rsi,
		.rdi = g->rdi, .rbp = g->rbp, .rsp = s->rsp, .r8 = g->r8, .r9 = g->r9,
		.r10 = g->r10, .r11 = g->r11, .r12 = g->r12, .r13 = g->r13, .r14 = g->r14,
		.r15 = g->r15, .rip = s->rip, .eflags = (uint32_t)s->rflags,
		.cs = s->cs.selector, .ss = s->ss.selector, .ds = s->ds.selector,
		.es = s->es.selector, .fs = s->fs.selector, .gs = s->gs.selector,
		.fs_base = s->fs.base, .gs_base = s->gs.base, .k_gs_base = s->kernel_gs_base,
		.cr0 = s->cr0, .cr2 = s->cr2, .cr3 = s->cr3, .cr4 = s->cr4,
		.cr8 = v->vmcb->control.int_ctl & 0xf, .efer = s->efer,
	};
	return 0;
}

/* The general registers, RIP and RFLAGS; system registers stay the guest's. */
static int write_regs(void *ctx, unsigned i, const struct gdb_regs *r)
{
	struct vcpu *v = vcpu_of(i);
	struct vmcb_save *s;
	struct svm_gprs *g;

	(void)ctx;
	if (!v)
		return -1;
	s = &v->vmcb->save;
	g = &v->world.regs;
	s->rax = r->rax; g->rbx = r->rbx; g->rcx = r->rcx; g->rdx = r->rdx;
	g->rsi = r->rsi; g->rdi = r->rdi; g->rbp = r->rbp; s->rsp = r->rsp;
	g->r8 = r->r8; g->r9 = r->r9; g->r10 = r->r10; g->r11 = r->r11;
	g->r12 = r->r12; g->r13 = r->r13; g->r14 = r->r14; g->r15 = r->r15;
	if (s->rip != r->rip)
		hv_set_rip(v, r->rip);
	s->rflags = (s->rflags & ~0xffffffffull) | r->eflags | RFLAGS_FIXED;
	return 0;
}

static int gread(void *ctx, uint64_t gpa, void *buf, size_t len)
{
	(void)ctx;
	return gmem_read(&hv.gmem, gpa, buf, len);
}

/*
 * The guest-physical address of gva as vCPU i's kernel sees it: a
 * supervisor read (SMAP off, as for an access with RFLAGS.AC set), page
 * protections aside. false: not mapped.
 */
bool dbg_gva_to_gpa(unsigned i, uint64_t gva, uint64_t *gpa)
{
	struct vcpu *v = vcpu_of(i);
	const struct vmcb_save *s;
	struct gpa_mmu mmu;

	if (!v)
		return false;
	s = &v->vmcb->save;
	mmu = (struct gpa_mmu){ .cr0 = s->cr0, .cr3 = s->cr3, .cr4 = s->cr4, .efer = s->efer,
				.maxphyaddr = hv.feat.maxphyaddr, .read = gread };
	return gpa_translate(&mmu, gva, GPA_ACC_READ | GPA_ACC_AC, gpa, NULL) == GPA_OK;
}

/* Copy page by page through vCPU i's tables; bytes done from the start. */
size_t dbg_vmem(unsigned i, uint64_t gva, void *buf, size_t len, bool write)
{
	size_t done = 0;

	while (done < len) {
		uint64_t a = gva + done, gpa;
		size_t n = PAGE_SIZE - (a & (PAGE_SIZE - 1));
		int rc;

		if (n > len - done)
			n = len - done;
		if (!dbg_gva_to_gpa(i, a, &gpa))
			break;
		rc = write ? gmem_write(&hv.gmem, gpa, (const uint8_t *)buf + done, n)
			   : gmem_read(&hv.gmem, gpa, (uint8_t *)buf + done, n);
		if (rc)
			break;
		done += n;
	}
	return done;
}

static size_t read_mem(void *ctx, unsigned i, uint64_t gva, void *buf, size_t len)
{
	(void)ctx;
	return dbg_vmem(i, gva, buf, len, false);
}

static size_t write_mem(void *ctx, unsigned i, uint64_t gva, const void *buf, size_t len)
{
	(void)ctx;
	return dbg_vmem(i, gva, (void *)(uintptr_t)buf, len, true);
}

/* gdb's DR0-3/DR7: every vCPU loads them on its own CPU before it runs. */
static void set_hw_debug(void *ctx, const struct gdb_hw_debug *hw)
{
	(void)ctx;
	dbg.hw = *hw;
	dbg.hw_active = (hw->dr7 & 0xff) != 0;
	dbg.hw_gen++;
}

static void resume(void *ctx, const uint8_t *run, unsigned n)
{
	(void)ctx;
	for (unsigned i = 0; i < hv.ncpu; i++)
		dbg.resume_run[i] = i < n ? run[i] : GDB_RUN_CONT;
	dbg.resume_req = true;
}

static void interrupt(void *ctx)
{
	(void)ctx;
	dbg.interrupt_req = true;
}

static void write_line(void *ctx, const uint8_t *buf, size_t len)
{
	(void)ctx;
	dbg_write(buf, len);
}

static void thread_name(void *ctx, unsigned i, char *buf, size_t n)
{
	struct vcpu *v = vcpu_of(i);

	(void)ctx;
	if (!v)
		hv_snprintf(buf, n, "cpu%u (not under svmhv)", i);
	else
		hv_snprintf(buf, n, "vcpu%u %s cpl%u", i, v->nested.in_l2 ? "L2" : "L1",
			    v->vmcb->save.cpl);
}

const struct gdb_target_ops dbg_gdb_ops = {
	.nr_threads = nr_threads,
	.read_regs = read_regs,
	.write_regs = write_regs,
	.read_mem = read_mem,
	.write_mem = write_mem,
	.set_hw_debug = set_hw_debug,
	.resume = resume,
	.interrupt = interrupt,
	.write = write_line,
	.thread_name = thread_name,
};
