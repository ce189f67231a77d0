/* SPDX-License-Identifier: MIT */
/*
 * hv_entry(): the blue pill on the boot CPU. Runs in svmhv's reserved copy,
 * called by boot/takeover.asm from the firmware's context; on success it never
 * returns: the firmware resumes as a guest at the capture point.
 * See: APM2 15.4 (enabling SVM), 15.5 (VMRUN), 15.25 (nested paging).
 */
#include "hv/hv.h"

#include "svm/hw.h"
#include "hv/console.h"
#include "hv/hypercall.h"
#include "hv/apic/lapic.h"
#include "hv/nested.h"
#include "hv/panic.h"
#include "hv/policy.h"
#include "hv/smp.h"
#include "hv/stats.h"
#include "mm/npt.h"
#include "svm/capture.h"
#include "svm/msrpm.h"

struct hv_state hv;

/* Never read: it marks svmhv's memory so a guest-side scan can prove a leak. */
const char hv_secret_canary[] __attribute__((used)) = "svmhv-secret-canary-5a17";

static void *alloc(size_t pages, uint64_t *pa)
{
	void *p = pmm_alloc_pages(&hv.pmm, pages, 1, pa);

	if (!p)
		hv_err("mm", "out of reserved memory (%zu pages wanted); raise heap=", pages);
	return p;
}

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

static uint64_t efer_allowed(void)
{
	struct cpuid_regs e1, e21 = { 0 }, max;

	cpuid_count(0x80000000u, 0, &max);
	cpuid_count(0x80000001u, 0, &e1);
	if (max.eax >= 0x80000021u)
		cpuid_count(0x80000021u, 0, &e21);
	return hv_efer_allowed(e1.ecx, e1.edx, e21.eax);
}

/*
 * L1's nested page tables (identity, svmhv's pool replaced by a read-only
 * blank page) and svmhv's own identity page tables, from one builder.
 */
static int build_page_tables(void)
{
	struct npt_range prot = { hv.boot.pool_pa, hv.boot.pool_size };
	/*
	 * Without 1 GiB pages a 48-bit map would cost 1 GiB of tables: map
	 * 512 GiB (2 MiB of tables) and say so. Such CPUs predate large MMIO.
	 */
	unsigned bits = hv.feat.gbpages || hv.feat.maxphyaddr <= 39 ? hv.feat.maxphyaddr : 39;
	struct npt_params p = {
		.maxphyaddr = bits, .gb_pages = hv.feat.gbpages,
		.protect = &prot, .nprotect = 1,
	};
	uint8_t *blank = alloc(1, &hv.blank_pa);

	if (!blank)
		return HV_ERR_NOMEM;
	if (bits != hv.feat.maxphyaddr)
		hv_warn("mm", "no 1 GiB pages: guest-physical space limited to %u bits", bits);
	for (unsigned i = 0; i < PAGE_SIZE; i++)
		blank[i] = 0xff;        /* reads of svmhv memory: all ones, like a hole */
	p.blank_pa = hv.blank_pa;
	hv.npt = (struct npt){ .alloc = npt_alloc_cb, .ptr = npt_ptr_cb };
	hv.npt_root = npt_build(&hv.npt, &p);
	p = (struct npt_params){ .maxphyaddr = bits,
				 .gb_pages = hv.feat.gbpages, .host = true };
	hv.host_pt = (struct npt){ .alloc = npt_alloc_cb, .ptr = npt_ptr_cb };
	hv.host_cr3 = npt_build(&hv.host_pt, &p);
	if (!hv.npt_root || !hv.host_cr3) {
		hv_err("mm", "out of reserved memory building page tables; raise heap=");
		return HV_ERR_NOMEM;
	}
	return 0;
}

/* MSRs svmhv owns: EFER is emulated, the SVM control MSRs #GP. */
static int build_permission_maps(void)
{
	static const uint32_t msrs[] = { MSR_EFER, MSR_VM_CR, MSR_IGNNE, MSR_SMM_CTL,
					 MSR_VM_HSAVE_PA, MSR_SVM_KEY };
	uint8_t *msrpm = alloc(SVM_MSRPM_SIZE / PAGE_SIZE, &hv.msrpm_pa);
	uint8_t *iopm = alloc(SVM_IOPM_SIZE / PAGE_SIZE, &hv.iopm_pa);

	if (!msrpm || !iopm)
		return HV_ERR_NOMEM;
	svm_msrpm_init(msrpm, false);
	svm_iopm_init(iopm, false);
	for (unsigned i = 0; i < sizeof(msrs) / sizeof(msrs[0]); i++)
		svm_msrpm_set(msrpm, msrs[i], true, true);
	/* Writes only: the APIC base (x2APIC mode) and the x2APIC ICR. */
	svm_msrpm_set(msrpm, MSR_APIC_BASE, false, true);
	svm_msrpm_set(msrpm, MSR_X2APIC_ICR, false, true);
	return 0;
}

static void tlb_print(void *arg, const char *line)
{
	(void)arg;
	hv_info("tlb", "%s", line);
}

/* ops.kick: make a vCPU in guest mode exit so it sees a TLB request. */
static void tlb_kick(void *arg, struct tlb_vcpu *target)
{
	(void)arg;
	hv_vcpu_request(hv.vcpus[target->id], HV_REQ_TLB);
}

/* ops.invlpga: INVLPGA va, asid on this pCPU. See: APM2 15.16.2. */
static void tlb_invlpga_insn(void *arg, uint64_t va, uint32_t asid)
{
	(void)arg;
	__asm__ volatile("invlpga %%rax, %%ecx" ::"a"(va), "c"(asid) : "memory");
}

/*
 * Static ASIDs for every CPU present, fixed for svmhv's lifetime: vCPU i gets
 * L1 = base + 2i and L2 = L1 + 1, or one shared ASID when the hardware has
 * too few (every nested transition then flushes). See: DESIGN.md.
 */
static int setup_asids(void)
{
	const struct tlb_config cfg = {
		.flush_by_asid = hv.feat.flush_by_asid,
		.force_tlb_flush = hv.boot.force_tlb_flush,
	};
	const struct tlb_ops ops = { .kick = tlb_kick, .invlpga = tlb_invlpga_insn };
	int rc = asid_plan(&hv.asid_plan, hv.feat.nasid, hv.ncpu, ASID_POLICY_FALLBACK);

	hv_stats_asid_plan(&hv.asid_plan, tlb_print, 0);
	if (rc || hv.asid_plan.status) {
		hv_err("tlb", "not enough ASIDs (%u) for %u CPUs", hv.feat.nasid, hv.ncpu);
		return HV_ERR_INVAL;
	}
	if (asid_pool_init_hw(&hv.asid_pool, hv.feat.nasid))
		return HV_ERR_INVAL;
	for (unsigned i = 0; i < hv.ncpu; i++)
		if (asid_vcpu_alloc(&hv.asid_pool, hv.asid_plan.mode, &hv.asids[i]))
			return HV_ERR_INVAL;
	if (hv.boot.force_tlb_flush)
		hv_info("tlb", "force_tlb_flush: both contexts flushed on every nested transition");
	return tlb_domain_init(&hv.tlb, hv.tlb_pcpus, hv.ncpu, hv.tlb_slots, hv.ncpu, &cfg,
			       &ops) ? HV_ERR_INVAL : 0;
}

static void vmcb01_init_control(struct vmcb_control *c)
{
	static const unsigned intercepts[] = {
		INTERCEPT_NMI, INTERCEPT_INIT, INTERCEPT_CPUID, INTERCEPT_MSR_PROT,
		INTERCEPT_SHUTDOWN, INTERCEPT_INVLPGA,
		INTERCEPT_VMRUN, INTERCEPT_VMMCALL, INTERCEPT_VMLOAD, INTERCEPT_VMSAVE,
		INTERCEPT_STGI, INTERCEPT_CLGI, INTERCEPT_SKINIT,
	};
	for (unsigned i = 0; i < sizeof(intercepts) / sizeof(intercepts[0]); i++)
		vmcb_set_intercept(c, intercepts[i]);
	/* #DB and #AC: see svm_exit_excp_db() for why. */
	c->intercept_exceptions = BIT(1) | BIT(17);
	c->iopm_base_pa = hv.iopm_pa;
	c->msrpm_base_pa = hv.msrpm_pa;
	c->nested_ctl = SVM_NESTED_CTL_NP_ENABLE;
	c->n_cr3 = hv.npt_root;
	/*
	 * V_INTR_MASKING = 0 and no INTR/NMI intercept: physical interrupts go
	 * straight to the guest through its IDT, gated by its RFLAGS.IF. svmhv's
	 * host side runs with GIF = 0 and never sees them. See: APM2 15.21.1.
	 */
	c->int_ctl = 0;
	/* ASID and TLB_CONTROL belong to svm/tlb.c (tlb_before_vmrun). */
}

static int setup_cpu(struct hv_cpu *cpu, struct vcpu **out)
{
	uint64_t pa, stack_pa;
	struct vcpu *v = alloc(1, &pa);
	uint8_t *stack = alloc((HV_STACK_SIZE + HV_IST_SIZE) / PAGE_SIZE, &stack_pa);

	if (!v || !stack || !alloc(1, &cpu->host_save_pa) || !alloc(1, &cpu->hsave_pa))
		return HV_ERR_NOMEM;
	cpu->stack_top = stack + HV_STACK_SIZE + HV_IST_SIZE;
	v->vmcb01 = alloc(1, &v->vmcb_pa);
	if (!v->vmcb01)
		return HV_ERR_NOMEM;
	v->vmcb01_pa = v->vmcb_pa;
	if (hv.boot.nested && hv_nested_setup_vcpu(v, alloc))
		return HV_ERR_NOMEM;
	v->vmcb = v->vmcb01;
	v->host_save_pa = cpu->host_save_pa;
	v->cpu = cpu;
	v->index = cpu->index;
	cpu->vcpu = v;
	cpu->tlb = &hv.tlb_pcpus[cpu->index];
	if (tlb_vcpu_init(&hv.tlb, &v->tlb, cpu->index, &hv.asids[cpu->index]))
		return HV_ERR_INVAL;
	v->vmcb01->control = hv.vmcb01_control;
	*out = v;
	return 0;
}

static void banner(void)
{
	char feats[160];

	svm_features_str(&hv.feat, feats, sizeof(feats));
	hv_info("hv", "svmhv %u.%u.%u: SVM revision %u, %u ASIDs, MAXPHYADDR %u, features: %s",
		SVMHV_VERSION_MAJOR, SVMHV_VERSION_MINOR, SVMHV_VERSION_PATCH,
		hv.feat.revision, hv.feat.nasid, hv.feat.maxphyaddr, feats);
	if (!hv.feat.nrips)
		hv_info("hv", "no NRIPS: instruction lengths are decoded by svmhv");
	if (!hv.feat.flush_by_asid)
		hv_info("hv", "no FlushByASID: TLB flushes fall back to flush-all");
}

/*
 * Steps 6-8 of the blue pill, on the CPU running this code: capture it into
 * its vmcb01, switch the host side to svmhv's tables, and VMRUN.
 */
static void __attribute__((noreturn)) takeover_this_cpu(struct hv_cpu *cpu, struct vcpu *v,
							uint64_t rip, uint64_t rsp, uint64_t rflags)
{
	/* 6. Point of no return: SVM on, GIF off, capture the firmware as the guest. */
	cli();
	wrmsr(MSR_EFER, rdmsr(MSR_EFER) | EFER_SVME);
	__asm__ volatile("clgi" ::: "memory");
	wrmsr(MSR_VM_HSAVE_PA, cpu->hsave_pa);
	vmcb_capture_current(v->vmcb01, rip, rsp, rflags);
	vmsave(v->vmcb_pa);             /* firmware FS/GS/TR/LDTR + syscall MSRs */
	/* 7. Switch the host side to svmhv's own GDT/TSS/IDT/page tables. */
	hv_cpu_load_host_state(cpu, hv.host_cr3);
	vmsave(cpu->host_save_pa);      /* host TR/FS/GS for world.asm's VMLOAD */
	hv_info("hv", "virtualized cpu%u (APIC ID %u, vCPU %u, ASIDs L1 %u L2 %u)", cpu->index,
		cpu->apic_id, v->index, v->tlb.asid[TLB_CTX_L1], v->tlb.asid[TLB_CTX_L2]);
	/* 8. Run the firmware as a guest; never returns. */
	hv_vcpu_prepare_run(v);
	svm_run_loop(v, cpu->stack_top);
}

/* Host state and vCPU for CPU index idx, running this code. */
static int register_this_cpu(unsigned idx, struct hv_cpu **cpu_out, struct vcpu **v_out)
{
	struct hv_cpu *cpu = &hv.cpus[idx];
	int err;

	if (idx >= hv.ncpu || cpu->apic_id != hv_read_apic_id()) {
		hv_err("hv", "CPU index %u does not match APIC ID %u", idx, hv_read_apic_id());
		return HV_ERR_INVAL;
	}
	err = setup_cpu(cpu, v_out);
	if (err)
		return err;
	__atomic_store_n(&hv.vcpus[idx], *v_out, __ATOMIC_SEQ_CST);
	*cpu_out = cpu;
	return 0;
}

int hv_entry(struct hv_boot_info *info, uint64_t guest_rip, uint64_t guest_rsp,
	     uint64_t guest_rflags)
{
	struct svm_raw raw;
	struct hv_cpu *cpu;
	struct vcpu *v;
	uint64_t image_end = (info->image_size + PAGE_SIZE - 1) & ~(PAGE_SIZE - 1);
	int err;

	/* 1. Own copies of everything: the caller's memory belongs to the firmware. */
	hv.boot = *info;
	hv.ncpu = info->ncpu ? info->ncpu : 1;
	for (unsigned i = 0; i < hv.ncpu; i++) {
		hv.cpus[i].index = i;
		hv.cpus[i].apic_id = info->ncpu ? info->apic_ids[i] : hv_read_apic_id();
		hv.apic_ids[i] = hv.cpus[i].apic_id;
	}
	hv_console_init(hv.boot.serial_port, (enum log_level)hv.boot.log_level);
	hv_console_set_cpu_hook(hv_this_cpu);
	/* 2. Features again, from this CPU (boot/ checked them already). */
	svm_read_raw(&raw);
	if (svm_decode_features(&raw, &hv.feat) != SVM_OK)
		return HV_ERR_NOSVM;
	hv.efer_allowed = efer_allowed();
	hv.gmem = (struct gmem){ .maxphyaddr = hv.feat.maxphyaddr,
				 .hv = { hv.boot.pool_pa, hv.boot.pool_size } };
	banner();
	/* 3. The heap: the reserved pool after the image copy. */
	pmm_init(&hv.pmm, (void *)(uintptr_t)(hv.boot.pool_pa + image_end),
		 hv.boot.pool_pa + image_end, hv.boot.pool_size - image_end);
	/* 4. Tables shared by all CPUs: page tables, permission maps, IDT. */
	err = build_page_tables();
	if (!err)
		err = build_permission_maps();
	if (!err)
		err = hv_apic_setup();
	if (!err)
		err = setup_asids();
	if (err)
		return err;
	hv_idt_init();
	vmcb01_init_control(&hv.vmcb01_control);
	hv.cpuid_ctx = (struct hv_cpuid_ctx){ hv.boot.nested, hv.feat.nasid,
					      hv_nested_svm_edx(hv.feat.edx) };
	if (hv.boot.nested)
		hv_info("nested", "SVM offered to the guest (nested=1): revision 1, %u ASIDs, "
			"EDX %x", hv.feat.nasid, hv.cpuid_ctx.svm_edx);
	/* 5. The boot CPU's host state and its vCPU with vmcb01. */
	err = register_this_cpu(0, &cpu, &v);
	if (err)
		return err;
	hv_info("mm", "reserved %llu KiB at %llx: image %llu KiB, heap used %llu KiB, free %llu KiB",
		(unsigned long long)(hv.boot.pool_size >> 10),
		(unsigned long long)hv.boot.pool_pa, (unsigned long long)(image_end >> 10),
		(unsigned long long)(hv.pmm.used >> 10),
		(unsigned long long)(pmm_free_bytes(&hv.pmm) >> 10));
	takeover_this_cpu(cpu, v, guest_rip, guest_rsp, guest_rflags);
}

/*
 * An application processor, called through EFI_MP_SERVICES after the boot
 * CPU is a guest. APs come one at a time (boot/efi_mp.c), so the allocator
 * needs no lock; the boot CPU's exit handlers only read what this adds.
 */
int hv_entry_ap(struct hv_boot_info *info, uint64_t guest_rip, uint64_t guest_rsp,
		uint64_t guest_rflags)
{
	struct svm_raw raw;
	struct svm_features f;
	struct hv_cpu *cpu;
	struct vcpu *v;
	int err;

	if (info->cpu_index == 0 || info->cpu_index >= HV_MAX_CPUS)
		return HV_ERR_INVAL;
	svm_read_raw(&raw);
	if (svm_decode_features(&raw, &f) != SVM_OK) {
		hv_err("hv", "cpu%u: SVM unusable here: %s", info->cpu_index,
		       svm_status_str(svm_decode_features(&raw, &f)));
		return HV_ERR_NOSVM;
	}
	err = register_this_cpu(info->cpu_index, &cpu, &v);
	if (err)
		return err;
	takeover_this_cpu(cpu, v, guest_rip, guest_rsp, guest_rflags);
}
