/* SPDX-License-Identifier: MIT */
/*
 * Guest-visible policy as pure functions: what CPUID and the MSRs look like
 * to the guest. See README "What the guest sees" and "Security".
 * Host-testable.
 */
#ifndef SVMHV_HV_POLICY_H
#define SVMHV_HV_POLICY_H

#include <stdbool.h>
#include <stdint.h>

#include "svm/x86.h"

/* What svmhv offers its guest, for hv_cpuid_filter(). */
struct hv_cpuid_ctx {
	bool nested;            /* SVM offered (nested=1) */
	uint32_t nasid;         /* ASIDs L1 sees in 8000_000A EBX (the hardware's count) */
	uint32_t svm_edx;       /* 8000_000A EDX: exactly the features svmhv emulates */
	unsigned gpa_bits;      /* 8000_0008 EAX[7:0]: what svmhv's NPT maps; 0: as is */
	uint32_t level;         /* 4000_0001 ECX: svmhv's below this one (0: on the CPU) */
	/* 8000_0021 EAX/ECX bits the OS only derives on bare metal (TSA's,
	 * errata_tsa_cpuid()), set from the boot CPU after its microcode load. */
	uint32_t ext21_eax_or, ext21_ecx_or;
};

/*
 * Rewrite the hardware's answer to CPUID(leaf, subleaf) into what the guest
 * sees: svmhv's leaves, SVM as offered, the one guest-physical limit, TSA's
 * 8000_0021h bits (ctx->ext21_*), and
 * no feature whose MSRs or instructions svmhv does not virtualize (SME/SEV,
 * IBS, LWP, SKINIT, CET, RDT/PQoS, VIRT_SSBD, INVLPGB/TLBSYNC): hidden, so no
 * OS tries them.
 */
/*
 * Does hv_cpuid_filter() replace the whole answer to CPUID(leaf, ...), so
 * that the hardware's is never needed (svmhv's leaves, hidden ones, SVM's)?
 */
bool hv_cpuid_owned(uint32_t leaf);
void hv_cpuid_filter(uint32_t leaf, uint32_t subleaf, struct cpuid_regs *r,
		     const struct hv_cpuid_ctx *ctx);
/*
 * svmhv.efi starting where CPUID already says svmhv (base = leaf 0x40000000,
 * ver = leaf 0x40000001): an svmhv with nested=1 below, and this one would be
 * its L1. Returns this svmhv's nesting level (0: no svmhv below, n + 1 above
 * one that reports level n), or -1 when it must not start: an svmhv below
 * that offers no usable SVM (svm_usable false: nested=0, or no NPT), where a
 * second copy could only fail.
 */
int hv_nesting_level(const struct cpuid_regs *base, const struct cpuid_regs *ver,
		     bool svm_usable);

/*
 * 8000_000A EDX offered to L1: NPT, NRIPS, VMCB clean bits, FlushByASID;
 * VGIF too when vgif (the CPU has it and vgif=on).
 */
uint32_t hv_nested_svm_edx(bool vgif);

/* EFER bits the guest may set, from the hardware's CPUID answers (SVME excluded). */
uint64_t hv_efer_allowed(uint32_t ext1_ecx, uint32_t ext1_edx, uint32_t ext21_eax);

/*
 * WRMSR(EFER) by the guest. cur is the VMCB's EFER (which has SVME set: the
 * hardware requires it for guest mode). Returns 0 and the new VMCB EFER, or
 * -1 when the write must #GP: reserved or unsupported bits, SVME unless
 * allowed has it (SVM offered: the guest's SVME is then virtual, tracked by
 * the caller), or toggling LME while paging is on.
 * See: APM2 3.1.7 (EFER), 15.5.1 (EFER.SVME in guest mode).
 */
int hv_efer_write(uint64_t cur, uint64_t val, uint64_t guest_cr0, uint64_t allowed,
		  uint64_t *out);
/* RDMSR(EFER): the VMCB's EFER with SVME replaced by the guest's virtual SVME. */
uint64_t hv_efer_read(uint64_t vmcb_efer, bool virtual_svme);

/*
 * MSRs: intercept by default. The MSR permission map is all ones (APM2
 * 15.11) except a short allow-list, and MSRs outside the map's three ranges
 * always exit; every intercepted access follows one rule of hv_msr_rules[]
 * (hv/policy.c), and an MSR no rule names is refused with #GP(0). See README
 * "Security" for the list and the reasons.
 */
enum hv_msr_op {
	HV_MSR_GP = 0,          /* refused: #GP(0) in the guest, with a log line */
	HV_MSR_PASS,            /* not intercepted: per-guest state the VMCB switches
				 * (VMLOAD/VMSAVE), or state svmhv never uses */
	HV_MSR_HW,              /* on the hardware, under a fixup: its #GP is the guest's */
	HV_MSR_HW_MASKED,       /* WRMSR on the hardware if only rule->mask bits change */
	HV_MSR_HW_SET_ONLY,     /* WRMSR on the hardware if it clears no bit (chicken bits) */
	HV_MSR_IGNORE,          /* WRMSR dropped, as KVM does (the microcode loader) */
	HV_MSR_EMULATE,         /* svmhv's own emulation: rule->emul */
};

enum hv_msr_emul {
	HV_EMUL_NONE = 0,
	HV_EMUL_EFER,           /* the VMCB's EFER with a virtual SVME */
	HV_EMUL_APIC_BASE,      /* a virtual IA32_APIC_BASE, transitions checked */
	HV_EMUL_X2APIC_ICR,     /* virtualized IPIs (INIT/SIPI never reach the hardware) */
	HV_EMUL_PAT,            /* the VMCB's G_PAT (nested paging uses it) */
	HV_EMUL_SPEC_CTRL,      /* the guest's SPEC_CTRL: V_SPEC_CTRL or the world switch */
	HV_EMUL_MTRR,           /* on the hardware if svmhv's memory stays WB or UC */
	HV_EMUL_PERF_CTL,       /* on the hardware, never counting in host mode only */
	HV_EMUL_VM_CR,          /* nested: reads 0 (SVM enabled, unlocked), writes ignored */
	HV_EMUL_HSAVE_PA,       /* nested: L1's VM_HSAVE_PA, a page of its RAM */
};

#define HV_MSR_NESTED   1u      /* rule flag: only with nested=1, else #GP */

struct hv_msr_rule {
	uint32_t first, last;   /* MSRs first..last */
	uint8_t rd, wr;         /* enum hv_msr_op of RDMSR and WRMSR */
	uint8_t emul;           /* enum hv_msr_emul, for HV_MSR_EMULATE */
	uint8_t flags;          /* HV_MSR_NESTED */
	uint64_t mask;          /* HV_MSR_HW_MASKED: the bits a WRMSR may change */
	const char *name;
};

/* The rule for msr; never NULL (an MSR no rule names gets a #GP rule). */
const struct hv_msr_rule *hv_msr_rule(uint32_t msr);
/* The op of one RDMSR (write = false) or WRMSR; HV_MSR_NESTED folded in. */
enum hv_msr_op hv_msr_op(const struct hv_msr_rule *r, bool write, bool nested);
/* HW_MASKED / HW_SET_ONLY: may a WRMSR of val replace the hardware's cur? */
bool hv_msr_write_ok(const struct hv_msr_rule *r, uint64_t cur, uint64_t val);
/* Fill an MSRPM (SVM_MSRPM_SIZE bytes): every MSR intercepted but the PASS ones. */
void hv_msr_fill_msrpm(uint8_t *msrpm, bool nested);
/* Every rule, for tests and the README table. */
const struct hv_msr_rule *hv_msr_rules(unsigned *n);

/* PAT: each of the 8 bytes a memory type (0, 1, 4, 5, 6, 7). See: APM2 7.8.1. */
bool hv_pat_valid(uint64_t pat);
/* The SPEC_CTRL bits this CPU has (IBRS, STIBP, SSBD, PSFD), from CPUID. */
uint64_t hv_spec_ctrl_bits(uint32_t ext8_ebx, uint32_t l7_edx);
/* PerfEvtSel / PerfCtl: no Host-only counting (it would see svmhv run). */
bool hv_perf_ctl_ok(uint64_t val);
/* Is msr a performance event select (not a counter)? */
bool hv_msr_is_perf_ctl(uint32_t msr);

/*
 * WRMSR IA32_APIC_BASE from cur to val (APM2 16.3.1, 16.11; the transitions
 * KVM's kvm_set_apic_base allows): reserved bits (0-7, 9, at or above
 * maxphyaddr, EXTD without x2APIC), EXTD without EN, x2APIC to xAPIC and
 * disabled to x2APIC directly give #GP. svmhv also refuses to move the page
 * (pinned_base: its write-protected APIC page) or to flip the BSP flag.
 * 0, or a negative HV_APIC_BASE_E* naming the rule.
 */
#define HV_APIC_BASE_ERESERVED  (-1)
#define HV_APIC_BASE_EMODE      (-2)    /* EXTD without EN */
#define HV_APIC_BASE_ETRANSITION (-3)   /* x2APIC -> xAPIC, disabled -> x2APIC */
#define HV_APIC_BASE_EMOVE      (-4)    /* a different APIC page */
#define HV_APIC_BASE_EBSP       (-5)
int hv_apic_base_check(uint64_t cur, uint64_t val, unsigned maxphyaddr, bool x2apic,
		       uint64_t pinned_base);

#endif
