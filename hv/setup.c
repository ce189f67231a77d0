/* SPDX-License-Identifier: MIT */
/*
 * svmhv's state, set up before any CPU is taken over (hv_setup(), once) and
 * for each CPU as it is taken (hv_setup_cpu()). The takeover itself, which
 * changes the CPU's state, is hv/main.c.
 * See: APM2 15.4 (enabling SVM), 15.25 (nested paging), 15.30 (SVM MSRs).
 */
#include "hv/hv.h"

#include "hv/apic/vapic.h"
#include "hv/console.h"
#include "hv/dbg/dbg.h"
#include "hv/hypercall.h"
#include "hv/integrity.h"
#include "hv/msr.h"
#include "hv/iso/iso.h"
#include "hv/npt.h"
#include "hv/policy.h"
#include "hv/smp.h"
#include "hv/cpuid_cache.h"
#include "hv/stats.h"
#include "mm/hostpt.h"
#include "svm/hw.h"
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

static uint64_t efer_allowed(void)
{
	struct cpuid_regs e1, e21 = { 0 }, max;

	cpuid_count(0x80000000u, 0, &max);
	cpuid_count(0x80000001u, 0, &e1);
	if (max.eax >= 0x80000021u)
		cpuid_count(0x80000021u, 0, &e21);
	return hv_efer_allowed(e1.ecx, e1.edx, e21.eax);
}

/* Every MSR intercepted but hv/policy.c's allow-list; no I/O port. */
static int build_permission_maps(void)
{
	uint8_t *msrpm = alloc(SVM_MSRPM_SIZE / PAGE_SIZE, &hv.msrpm_pa);
	uint8_t *iopm = alloc(SVM_IOPM_SIZE / PAGE_SIZE, &hv.iopm_pa);

	if (!msrpm || !iopm)
		return HV_ERR_NOMEM;
	hv_msr_setup(msrpm);
	svm_iopm_init(iopm, false);
	return 0;
}

/* What the CPU offers that svmhv's MSR and speculation policy depends on. */
static void cpu_caps(void)
{
	struct cpuid_regs l1, l7 = { 0 }, max, e8 = { 0 };

	cpuid_count(0, 0, &max);
	cpuid_count(1, 0, &l1);
	if (max.eax >= 7)
		cpuid_count(7, 0, &l7);
	cpuid_count(0x80000000u, 0, &max);
	if (max.eax >= 0x80000008u)
		cpuid_count(0x80000008u, 0, &e8);
	hv.x2apic = l1.ecx & CPUID_1_ECX_X2APIC;
	hv.spec_ctrl_bits = hv_spec_ctrl_bits(e8.ebx, l7.edx);
	hv.ibpb = e8.ebx & CPUID_80000008_EBX_IBPB;
	hv.invlpgb = e8.ebx & CPUID_80000008_EBX_INVLPGB;
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

/* ops.wait: until a kicked vCPU runs no guest code older than the request. */
static void tlb_wait(void *arg, struct tlb_vcpu *target)
{
	(void)arg;
	hv_vcpu_wait_kicked(hv.vcpus[target->id]);
}

/* ops.invlpga: INVLPGA va, asid on this pCPU. */
static void tlb_invlpga_insn(void *arg, uint64_t va, uint32_t asid)
{
	(void)arg;
	invlpga(va, asid);
}

/*
 * Static ASIDs for every CPU present, fixed for svmhv's lifetime. ASIDs tag a
 * CPU's own TLB and vCPU i runs only on pCPU i, so each pCPU has its own pool
 * (svm/asid.h): every vCPU gets L1 = 1 and L2 = 2, whatever the CPU count.
 * See: DESIGN.md "The TLB contract".
 */
static int setup_asids(void)
{
	const struct tlb_config cfg = {
		.flush_by_asid = hv.feat.flush_by_asid,
		.force_tlb_flush = hv.boot.force_tlb_flush,
	};
	const struct tlb_ops ops = { .kick = tlb_kick, .wait = tlb_wait,
				     .invlpga = tlb_invlpga_insn };
	int rc = asid_plan(&hv.asid_plan, hv.feat.nasid, hv.ncpu);

	hv_stats_asid_plan(&hv.asid_plan, tlb_print, 0);
	if (rc || hv.asid_plan.status) {
		hv_err("tlb", "not enough ASIDs (%u) for %u CPUs", hv.feat.nasid, hv.ncpu);
		return HV_ERR_INVAL;
	}
	for (unsigned i = 0; i < hv.ncpu; i++)      /* pCPU i's pool, then its vCPU's ASIDs */
		if (asid_pool_init_hw(&hv.asid_pool, hv.feat.nasid) ||
		    asid_vcpu_alloc(&hv.asid_pool, &hv.asids[i]))
			return HV_ERR_INVAL;
	if (hv.boot.force_tlb_flush)
		hv_info("tlb", "force_tlb_flush: both contexts flushed on every nested transition");
	return tlb_domain_init(&hv.tlb, hv.tlb_pcpus, hv.ncpu, hv.tlb_slots, hv.ncpu, &cfg,
			       &ops) ? HV_ERR_INVAL : 0;
}

static void vmcb01_init_control(struct vmcb_control *c)
{
	static const unsigned intercepts[] = {
		INTERCEPT_NMI, INTERCEPT_SMI, INTERCEPT_INIT, INTERCEPT_CPUID, INTERCEPT_MSR_PROT,
		INTERCEPT_IOIO_PROT,
		INTERCEPT_SHUTDOWN, INTERCEPT_INVLPGA,
		INTERCEPT_VMRUN, INTERCEPT_VMMCALL, INTERCEPT_VMLOAD, INTERCEPT_VMSAVE,
		INTERCEPT_STGI, INTERCEPT_CLGI, INTERCEPT_SKINIT,
	};
	for (unsigned i = 0; i < sizeof(intercepts) / sizeof(intercepts[0]); i++)
		vmcb_set_intercept(c, intercepts[i]);
	/*
	 * INVLPGB/TLBSYNC are hidden and #UD (docs/architecture.md "INVLPGB and
	 * TLBSYNC"): the enable bit stays clear, and the intercepts catch a CPU
	 * that lets a guest run them without it. Reserved where the CPU has no
	 * INVLPGB (its own #UD then), so only set where it has.
	 */
	if (hv.invlpgb) {
		vmcb_set_intercept(c, INTERCEPT_INVLPGB);
		vmcb_set_intercept(c, INTERCEPT_INVLPGB_ILL);
		vmcb_set_intercept(c, INTERCEPT_TLBSYNC);
	}
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

_Static_assert(sizeof(struct vcpu) <= PAGE_SIZE, "a vCPU is one page of the pool");

_Static_assert(sizeof(struct hv_cpuid_cache) <= 2 * PAGE_SIZE, "two pages per CPU");

static void hw_cpuid(uint32_t leaf, uint32_t sub, struct cpuid_regs *r)
{
	cpuid_count(leaf, sub, r);
}

static uint64_t hw_xgetbv(void)
{
	return xgetbv0();
}

static void hw_xsetbv(uint64_t xcr0)
{
	xsetbv0(xcr0);
}

static uint64_t hw_xss(void)
{
	uint64_t v;

	return rdmsr_safe(MSR_XSS, &v) ? 0 : v;
}

/*
 * On the CPU being set up, and again once it runs as svmhv's host (after
 * its microcode load, which may change CPUID): XCR0 is read and probed only
 * where CR4.OSXSAVE allows XGETBV/XSETBV, as it does on svmhv's host side
 * (hv_cpu_load_host_state()). The probe keeps x87/SSE and may clear AVX and
 * AVX-512 for a moment: both times the firmware is inside a call to svmhv,
 * where the x64 calling convention keeps no YMM/ZMM upper state.
 */
void hv_cpuid_cache_cpu(struct hv_cpu *cpu)
{
	struct cpuid_regs l1;
	bool xcr = false;
	struct hv_cpuid_hw hw = { hw_cpuid, NULL, NULL, hw_xss };

	cpuid_count(1, 0, &l1);
	xcr = (l1.ecx & CPUID_1_ECX_XSAVE) && (read_cr4() & CR4_OSXSAVE);
	if (xcr) {
		hw.xgetbv = hw_xgetbv;
		hw.xsetbv = hw_xsetbv;
	}
	if (cpu->cpuid)
		hv_cpuid_cache_fill(cpu->cpuid, &hw);
}

static int setup_cpu(struct hv_cpu *cpu, struct vcpu **out)
{
	uint64_t pa, stack_pa, cpuid_pa;
	struct vcpu *v = alloc(1, &pa);
	uint8_t *stack = alloc((HV_STACK_SIZE + HV_IST_SIZE) / PAGE_SIZE, &stack_pa);

	if (!v || !stack || !alloc(1, &cpu->host_save_pa) || !alloc(1, &cpu->hsave_pa))
		return HV_ERR_NOMEM;
	cpu->cpuid = alloc(2, &cpuid_pa);
	if (!cpu->cpuid)
		return HV_ERR_NOMEM;
	cpu->stack_top = stack + HV_STACK_SIZE + HV_IST_SIZE;
	v->vmcb01 = alloc(1, &v->vmcb01_pa);
	if (!v->vmcb01)
		return HV_ERR_NOMEM;
	v->world.vmcb_pa = v->vmcb01_pa;
	nested_gif_init(&v->nested.gif);        /* GIF = 1, also without nested SVM */
	if (hv.boot.nested && nested_vcpu_init(&v->nested, &hv.nested, alloc))
		return HV_ERR_NOMEM;
	if (hv.boot.nested && v->nested.shadow.npages < hv.nested.shadow_pages)
		hv_warn("nested", "cpu%u: %u shadow pages, not shadow_pages=%u: the heap is short "
			"(raise heap=)", cpu->index, v->nested.shadow.npages, hv.nested.shadow_pages);
	v->vmcb = v->vmcb01;
	v->world.host_save_pa = cpu->host_save_pa;
	v->cpu = cpu;
	v->index = cpu->index;
	cpu->vcpu = v;
	cpu->tlb = &hv.tlb_pcpus[cpu->index];
	if (tlb_vcpu_init(&hv.tlb, &v->tlb, cpu->index, cpu->index, &hv.asids[cpu->index]))
		return HV_ERR_INVAL;
	v->vmcb01->control = hv.vmcb01_control;
	hv_msr_vcpu_init(v);
	hv_apic_vcpu_init(v);
	*out = v;
	return hv_dbg_setup_vcpu(v);
}

/* What nested SVM needs of svmhv (nested/nested.h). */
static void nested_env_init(void)
{
	struct cpuid_regs l1, l7, x1;

	cpuid_count(1, 0, &l1);
	cpuid_count(7, 0, &l7);
	cpuid_count(0x80000001u, 0, &x1);
	hv.nested = (struct nested_env){
		.enabled = hv.boot.nested, .mem = &hv.gmem,
		.caps = {
			.maxphyaddr = hv.gpa_bits, .efer_allowed = hv.efer_allowed,
			.cr4_allowed = nested_cr4_allowed(l1.ecx, l1.edx, l7.ebx, l7.ecx),
			.svmhv_base = hv.boot.pool_pa, .svmhv_size = hv.boot.pool_size,
			.l1_npt = true,
			/* VGIF offered to L1 for its L2s: as for L1's own GIF. */
			.vgif = hv.feat.vgif && hv.boot.vgif,
		},
		.n_cr3 = hv.npt_root, .hv_msrpm = (const uint8_t *)(uintptr_t)hv.msrpm_pa,
		.hv_iopm = (const uint8_t *)(uintptr_t)hv.iopm_pa,
		/* svmhv computes next_rip itself where the CPU has no NRIPS. */
		.nrips = true,
		/* L1's STGI/CLGI without exits where the CPU has VGIF (nested/gif.h). */
		.vgif = hv.feat.vgif && hv.boot.vgif,
		/* L1's VMLOAD/VMSAVE without exits where the CPU can (nested_l1_vls()). */
		.vls = hv.boot.nested && hv.feat.v_vmsave_vmload && hv.feat.npt,
		/* Nested paging for L1: svmhv's side of the shadow (nested/shadow.h). */
		.l0 = &hv.npt, .host_pat = rdmsr(MSR_PAT),
		.host_nxe = x1.edx & CPUID_80000001_EDX_NX,
		.shadow_pages = hv.boot.shadow_pages,
	};
	nested_intercepts_from_vmcb(&hv.nested.host, &hv.vmcb01_control);
}

/* Canary page i of hv/integrity.h, from the heap. */
static void canary(unsigned i)
{
	uint64_t pa;
	void *p = alloc(1, &pa);

	hv_integrity_add(i, p, pa);
}

/* Ordinary RAM from the firmware's map (boot/efi_mem.c); none: all of it. */
static void set_ram(void)
{
	static struct gmem_range r[HV_BOOT_MAX_RAM];
	unsigned n = hv.boot.nram < HV_BOOT_MAX_RAM ? hv.boot.nram : HV_BOOT_MAX_RAM;

	for (unsigned i = 0; i < n; i++)
		r[i] = (struct gmem_range){ hv.boot.ram[i].base, hv.boot.ram[i].size };
	if (gmem_set_ram(&hv.gmem, r, n))
		hv_warn("mm", "more than %u RAM ranges: the rest counts as not RAM", GMEM_MAX_RAM);
}

static void banner(void)
{
	char feats[160];

	svm_features_str(&hv.feat, feats, sizeof(feats));
	hv_info("hv", "svmhv %u.%u.%u level %u: SVM revision %u, %u ASIDs, MAXPHYADDR %u, "
		"features: %s", SVMHV_VERSION_MAJOR, SVMHV_VERSION_MINOR, SVMHV_VERSION_PATCH,
		hv.boot.level, hv.feat.revision, hv.feat.nasid, hv.feat.maxphyaddr, feats);
	if (!hv.feat.nrips)
		hv_info("hv", "no NRIPS: instruction lengths are decoded by svmhv");
	if (!hv.feat.flush_by_asid)
		hv_info("hv", "no FlushByASID: TLB flushes fall back to flush-all");
}

void *hv_table_alloc(size_t n, size_t size)
{
	size_t bytes = (n ? n : 1) * size;

	return pmm_alloc_pages(&hv.pmm, (bytes + PAGE_SIZE - 1) / PAGE_SIZE, 1, NULL);
}

/*
 * Every per-CPU table, by CPU index, sized for the CPUs MP services reported
 * (info->ncpu; 0: the boot CPU alone), and the heap's own copies of boot/'s
 * APIC ID lists. On the boot CPU, before any table is used.
 */
static int setup_tables(const struct hv_boot_info *info)
{
	unsigned n = info->ncpu ? info->ncpu : 1;
	uint32_t *outside = hv_table_alloc(info->noutside, sizeof(uint32_t));

	hv.asids = hv_table_alloc(n, sizeof(*hv.asids));
	hv.tlb_pcpus = hv_table_alloc(n, sizeof(*hv.tlb_pcpus));
	hv.tlb_slots = hv_table_alloc(n, sizeof(struct tlb_vcpu *));
	hv.cpus = hv_table_alloc(n, sizeof(*hv.cpus));
	hv.apic_ids = hv_table_alloc(n, sizeof(*hv.apic_ids));
	hv.vcpus = hv_table_alloc(n, sizeof(struct vcpu *));
	hv.ipi_view = hv_table_alloc(n, sizeof(*hv.ipi_view));
	hv.ipi_outside = hv_table_alloc(info->noutside + 1, sizeof(*hv.ipi_outside));
	if (!hv.asids || !hv.tlb_pcpus || !hv.tlb_slots || !hv.cpus || !hv.apic_ids ||
	    !hv.vcpus || !hv.ipi_view || !hv.ipi_outside || !outside) {
		hv.cpus = NULL;
		hv_err("hv", "heap too small for the per-CPU tables of %u CPUs", n);
		return HV_ERR_NOMEM;
	}
	for (unsigned i = 0; i < info->noutside; i++)
		outside[i] = info->outside_apic_ids[i];
	hv.boot.outside_apic_ids = outside;
	for (unsigned i = 0; i < n; i++) {
		hv.cpus[i].index = i;
		hv.cpus[i].apic_id = info->ncpu ? info->apic_ids[i] : hv_read_apic_id();
		hv.apic_ids[i] = hv.cpus[i].apic_id;
	}
	hv.boot.apic_ids = hv.apic_ids;
	hv.ncpu = n;
	hv_debug("hv", "per-CPU tables for %u CPUs (%u outside svmhv) from the heap", n,
		 info->noutside);
	return 0;
}

/* Host state and vCPU for CPU index idx, running this code. */
int hv_setup_cpu(unsigned idx, struct vcpu **v_out)
{
	struct hv_cpu *cpu = &hv.cpus[idx < hv.ncpu ? idx : 0];
	int err;

	if (idx >= hv.ncpu || cpu->apic_id != hv_read_apic_id()) {
		hv_err("hv", "CPU index %u does not match APIC ID %u", idx, hv_read_apic_id());
		return HV_ERR_INVAL;
	}
	err = setup_cpu(cpu, v_out);
	if (err)
		return err;
	hv_cpuid_cache_cpu(cpu);
	hv_iso_setup_cpu(cpu);
	__atomic_store_n(&hv.vcpus[idx], *v_out, __ATOMIC_SEQ_CST);
	return 0;
}

/*
 * Steps 1-4 of the blue pill, on the boot CPU: svmhv's own copy of the boot
 * information, features, the heap, and the tables every CPU shares. Nothing
 * here touches the CPU's state, so host tests run it with a fake CPU.
 */
int hv_setup(const struct hv_boot_info *info)
{
	struct svm_raw raw;
	uint64_t heap_off = hostpt_heap_offset(info->image_size, info->host_pt_bytes);
	int err;

	/* 1. Own copies of everything: the caller's memory belongs to the firmware. */
	if (info->ncpu + info->noutside > HV_CPUS_MAX || info->ncpu + info->noutside < info->ncpu ||
	    (info->ncpu && !info->apic_ids) || (info->noutside && !info->outside_apic_ids))
		return HV_ERR_INVAL;    /* boot/ refused it already (hv_cpus_check()) */
	/* boot/ built the host tables this code runs on (mm/hostpt.h). */
	if (!info->host_cr3 || heap_off + 2 * PAGE_SIZE > info->pool_size)
		return HV_ERR_INVAL;
	hv.boot = *info;
	hv.ncpu = 0;                    /* no per-CPU tables until the heap is up */
	hv.cpus = NULL;
	hv_console_init(hv.boot.serial_port, (enum log_level)hv.boot.log_level);
	hv_console_set_level_tag(hv.boot.level);
	hv_console_set_cpu_hook(hv_this_cpu);
	/* 2. Features again, from this CPU (boot/ checked them already). */
	svm_read_raw(&raw);
	if (svm_decode_features(&raw, &hv.feat) != SVM_OK)
		return HV_ERR_NOSVM;
	hv.efer_allowed = efer_allowed();
	cpu_caps();
	hv.gpa_bits = hv_npt_gpa_bits();
	hv.gmem = (struct gmem){ .maxphyaddr = hv.gpa_bits,
				 .hv = { hv.boot.pool_pa, hv.boot.pool_size } };
	set_ram();
	banner();
	/*
	 * 3. The heap: the reserved pool after the image copy and the host page
	 * tables, its last page a canary.
	 */
	pmm_init(&hv.pmm, (void *)(uintptr_t)(hv.boot.pool_pa + heap_off),
		 hv.boot.pool_pa + heap_off, hv.boot.pool_size - heap_off - PAGE_SIZE);
	canary(0);
	hv_integrity_add(2, (void *)(uintptr_t)(hv.boot.pool_pa + hv.boot.pool_size - PAGE_SIZE),
			 hv.boot.pool_pa + hv.boot.pool_size - PAGE_SIZE);
	err = setup_tables(info);
	if (err)
		return err;
	/* 4. Tables shared by all CPUs: page tables, permission maps, IDT. */
	err = hv_npt_setup();
	if (!err)
		canary(1);
	if (!err)
		err = build_permission_maps();
	if (!err)
		err = hv_apic_setup();
	if (!err)
		err = hv_iso_setup();   /* the IOMMU, ACPI edits, guarded pages and ports */
	if (!err)
		err = setup_asids();
	if (err)
		return err;
	vmcb01_init_control(&hv.vmcb01_control);
	err = hv_dbg_setup(&hv.vmcb01_control); /* the serial debugger: its UART's ports */
	if (err)
		return err;
	hv.cpuid_ctx = (struct hv_cpuid_ctx){ .nested = hv.boot.nested, .nasid = hv.feat.nasid,
					      .svm_edx = hv_nested_svm_edx(hv.feat.vgif &&
									 hv.boot.vgif),
					      .gpa_bits = hv.gpa_bits, .level = hv.boot.level };
	nested_env_init();
	if (hv.boot.nested)
		hv_info("nested", "SVM offered to the guest (nested=1): revision 1, %u ASIDs, "
			"EDX %x; L1's GIF %s, VMLOAD/VMSAVE %s", hv.feat.nasid,
			hv.cpuid_ctx.svm_edx, hv.nested.vgif ? "on VGIF" : "emulated",
			hv.nested.vls ? "virtual" : "emulated");
	return 0;
}

void hv_setup_report(void)
{
	uint64_t image_end = (hv.boot.image_size + PAGE_SIZE - 1) & ~(PAGE_SIZE - 1);

	hv_info("mm", "reserved %llu KiB at %llx: image %llu KiB, host page tables %llu KiB, "
		"heap used %llu KiB, free %llu KiB",
		(unsigned long long)(hv.boot.pool_size >> 10),
		(unsigned long long)hv.boot.pool_pa, (unsigned long long)(image_end >> 10),
		(unsigned long long)(hv.boot.host_pt_bytes >> 10),
		(unsigned long long)(hv.pmm.used >> 10),
		(unsigned long long)(pmm_free_bytes(&hv.pmm) >> 10));
}
