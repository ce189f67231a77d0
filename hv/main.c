/* SPDX-License-Identifier: MIT */
/*
 * hv_entry(): the blue pill on the boot CPU, hv_entry_ap() on the others.
 * Runs in svmhv's reserved copy, called by boot/takeover.asm from the
 * firmware's context, on svmhv's host page tables (never the firmware's:
 * they may map the pool NX, mm/hostpt.h) with interrupts off; on success it
 * never returns: the firmware resumes as a guest at the capture point, on
 * its own CR3. The state is set up by hv/setup.c first.
 * See: APM2 15.4 (enabling SVM), 15.5 (VMRUN).
 */
#include "hv/hv.h"

#include "hv/console.h"
#include "hv/cpu.h"
#include "hv/cpuid_cache.h"
#include "hv/run.h"
#include "hv/smp.h"
#include "hv/ucode/ucode.h"
#include "svm/capture.h"
#include "svm/hw.h"
#include "svm/world.h"

/* Where the firmware resumes as the guest: boot/takeover.asm's .resume. */
struct resume_at {
	uint64_t rip, rsp, rflags, cr3;
};

static const char *xsize_str(uint8_t rule)
{
	return rule == HV_XSIZE_DYNAMIC ? "from XCR0" : rule == HV_XSIZE_STATIC ? "static" : "by CPUID";
}

/*
 * Steps 6-8 of the blue pill, on the CPU running this code: capture it into
 * its vmcb01, switch the host side to svmhv's descriptor tables, and VMRUN.
 * CR3 is svmhv's already (boot/takeover.asm); the guest gets the firmware's.
 */
static void __attribute__((noreturn)) takeover_this_cpu(struct hv_cpu *cpu, struct vcpu *v,
							const struct resume_at *at)
{
	struct hv_ucode_result uc;

	/* 6. Point of no return: SVM on, GIF off, capture the firmware as the guest. */
	cli();
	wrmsr(MSR_EFER, rdmsr(MSR_EFER) | EFER_SVME);
	clgi();
	wrmsr(MSR_VM_HSAVE_PA, cpu->hsave_pa);
	vmcb_capture_current(v->vmcb01, at->rip, at->rsp, at->rflags, at->cr3);
	vmsave(v->vmcb01_pa);           /* firmware FS/GS/TR/LDTR + syscall MSRs */
	/*
	 * Host EFER.NXE: the shadow of L1's nested page tables carries L1's NX
	 * bits, which the CPU honours only with NXE in the host's EFER (APM2
	 * 15.25.5). The guest's EFER was captured above and is its own.
	 */
	if (hv.nested.host_nxe)
		wrmsr(MSR_EFER, rdmsr(MSR_EFER) | EFER_NXE);
	/* 7. Switch the host side to svmhv's own GDT/TSS/IDT (CR3 again: a no-op). */
	hv_cpu_load_host_state(cpu, hv.host_cr3);
	vmsave(cpu->host_save_pa);      /* host TR/FS/GS for world.asm's VMLOAD */
	/*
	 * 7b. Microcode and errata fixes, now that svmhv's IDT makes a faulting
	 * MSR access a logged failure: the guest's CPUID says "hypervisor", so
	 * its OS will not do them (hv/ucode/ucode.h).
	 */
	uc = hv_ucode_cpu(cpu->index, (const void *)(uintptr_t)hv.boot.ucode_pa,
			  hv.boot.ucode_len);
	/*
	 * 7c. This CPU's CPUID cache again, as the host: after the microcode,
	 * with XGETBV allowed (hv_cpu_load_host_state() set CR4.OSXSAVE).
	 */
	hv_cpuid_cache_cpu(cpu);
	if (cpu->index == 0) {  /* as Linux, from the boot CPU; no AP runs yet */
		hv.cpuid_ctx.ext21_eax_or = uc.ext21_eax_or;
		hv.cpuid_ctx.ext21_ecx_or = uc.ext21_ecx_or;
	}
	hv_info("hv", "virtualized cpu%u (APIC ID %u, vCPU %u, ASIDs L1 %u L2 %u-%u, CPUID cache "
		"%u answers, %u dropped, 0xD sizes %s/%s)", cpu->index, cpu->apic_id, v->index,
		v->tlb.asid[TLB_CTX_L1], v->tlb.l2[0].asid, v->tlb.l2[0].asid + v->tlb.nslots - 1,
		cpu->cpuid->n, cpu->cpuid->dropped, xsize_str(cpu->cpuid->xsize[0]),
		xsize_str(cpu->cpuid->xsize[1]));
	/* 8. Run the firmware as a guest, on svmhv's stack; never returns. */
	svm_world_start(cpu->stack_top, hv_run, v);
}

int hv_entry(struct hv_boot_info *info, uint64_t guest_rip, uint64_t guest_rsp,
	     uint64_t guest_rflags, uint64_t guest_cr3)
{
	const struct resume_at at = { guest_rip, guest_rsp, guest_rflags, guest_cr3 };
	struct vcpu *v;
	int err;

	/* 1-4. svmhv's state and the tables every CPU shares (hv/setup.c). */
	err = hv_setup(info);
	if (err)
		return err;
	hv_idt_init();
	/* 5. The boot CPU's host state and its vCPU with vmcb01. */
	err = hv_setup_cpu(0, &v);
	if (err)
		return err;
	hv_setup_report();
	takeover_this_cpu(v->cpu, v, &at);
}

/*
 * An application processor, called through EFI_MP_SERVICES after the boot
 * CPU is a guest. APs come one at a time (boot/efi_mp.c), so the allocator
 * needs no lock; the boot CPU's exit handlers only read what this adds.
 */
int hv_entry_ap(struct hv_boot_info *info, uint64_t guest_rip, uint64_t guest_rsp,
		uint64_t guest_rflags, uint64_t guest_cr3)
{
	const struct resume_at at = { guest_rip, guest_rsp, guest_rflags, guest_cr3 };
	struct svm_raw raw;
	struct svm_features f;
	struct vcpu *v;
	int err;

	if (info->cpu_index == 0 || info->cpu_index >= hv.ncpu)
		return HV_ERR_INVAL;
	if (info->cpu_index == info->test_fail_cpu) {
		hv_err("hv", "cpu%u: takeover made to fail (test_fail_cpu=%u)", info->cpu_index,
		       info->test_fail_cpu);
		return HV_ERR_INVAL;
	}
	svm_read_raw(&raw);
	if (svm_decode_features(&raw, &f) != SVM_OK) {
		hv_err("hv", "cpu%u: SVM unusable here: %s", info->cpu_index,
		       svm_status_str(svm_decode_features(&raw, &f)));
		return HV_ERR_NOSVM;
	}
	err = hv_setup_cpu(info->cpu_index, &v);
	if (err)
		return err;
	takeover_this_cpu(v->cpu, v, &at);
}
