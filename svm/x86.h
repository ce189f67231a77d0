/* SPDX-License-Identifier: MIT */
/*
 * Architectural definitions of x86-64: bits of control registers and MSRs,
 * MSR numbers, exception vectors, page sizes and page-table entry bits, CPUID
 * bits. Definitions only (no code, no svmhv state): the one header below every
 * folder, so that svm/, mm/, nested/ and hv/ name each constant the same way,
 * once. The VMCB and its SVM-only fields are svm/vmcb.h.
 *
 * See: AMD64 APM Vol. 2 rev. 3.42 (APM2) 3.1 (CR0, CR4, EFER), 3.1.6
 * (RFLAGS), 5.3-5.4 (page tables), 8.2 (exception vectors), 13.1 (debug
 * registers), 15.30 (SVM MSRs), 16.3.1 (APIC base); APM3 rev. 3.35 App. E
 * (CPUID).
 *
 * Pure: included by the freestanding hypervisor, EFI test apps and host tests.
 */
#ifndef SVMHV_SVM_X86_H
#define SVMHV_SVM_X86_H

#include <stdint.h>

#define BIT(n)                  (1u << (n))
#define BIT_ULL(n)              (1ull << (n))

/* Pages (APM2 5.3). */
#define PAGE_SHIFT              12
#define PAGE_SIZE               (1ull << PAGE_SHIFT)
#define PAGE_OFFSET_MASK        (PAGE_SIZE - 1)
#define PAGE_SIZE_2M            (1ull << 21)
#define PAGE_SIZE_1G            (1ull << 30)

/* Page-table entry bits, long mode and nested paging alike (APM2 5.4). */
#define PTE_P                   BIT_ULL(0)
#define PTE_W                   BIT_ULL(1)
#define PTE_U                   BIT_ULL(2)
#define PTE_PWT                 BIT_ULL(3)
#define PTE_PCD                 BIT_ULL(4)
#define PTE_A                   BIT_ULL(5)
#define PTE_D                   BIT_ULL(6)
#define PTE_PS                  BIT_ULL(7)      /* large page in a PDPTE / PDE */
#define PTE_G                   BIT_ULL(8)
#define PTE_NX                  BIT_ULL(63)
#define PTE_ADDR_MASK           0x000ffffffffff000ull

/* CR0 (APM2 3.1.1). */
#define CR0_PE                  BIT_ULL(0)
#define CR0_MP                  BIT_ULL(1)
#define CR0_EM                  BIT_ULL(2)
#define CR0_TS                  BIT_ULL(3)
#define CR0_ET                  BIT_ULL(4)
#define CR0_NE                  BIT_ULL(5)
#define CR0_WP                  BIT_ULL(16)
#define CR0_AM                  BIT_ULL(18)
#define CR0_NW                  BIT_ULL(29)
#define CR0_CD                  BIT_ULL(30)
#define CR0_PG                  BIT_ULL(31)

/* CR4 (APM2 3.1.3). */
#define CR4_VME                 BIT_ULL(0)
#define CR4_PVI                 BIT_ULL(1)
#define CR4_TSD                 BIT_ULL(2)
#define CR4_DE                  BIT_ULL(3)
#define CR4_PSE                 BIT_ULL(4)
#define CR4_PAE                 BIT_ULL(5)
#define CR4_MCE                 BIT_ULL(6)
#define CR4_PGE                 BIT_ULL(7)
#define CR4_PCE                 BIT_ULL(8)
#define CR4_OSFXSR              BIT_ULL(9)
#define CR4_OSXMMEXCPT          BIT_ULL(10)
#define CR4_UMIP                BIT_ULL(11)
#define CR4_LA57                BIT_ULL(12)
#define CR4_FSGSBASE            BIT_ULL(16)
#define CR4_PCIDE               BIT_ULL(17)
#define CR4_OSXSAVE             BIT_ULL(18)
#define CR4_SMEP                BIT_ULL(20)
#define CR4_SMAP                BIT_ULL(21)
#define CR4_PKE                 BIT_ULL(22)
#define CR4_CET                 BIT_ULL(23)

/* RFLAGS (APM2 3.1.6). */
#define RFLAGS_FIXED            BIT_ULL(1)      /* reads as 1 */
#define RFLAGS_TF               BIT_ULL(8)
#define RFLAGS_IF               BIT_ULL(9)
#define RFLAGS_RF               BIT_ULL(16)     /* no instruction breakpoint for one insn */
#define RFLAGS_VM               BIT_ULL(17)
#define RFLAGS_AC               BIT_ULL(18)

/* Debug registers (APM2 13.1.1): values after RESET / #VMEXIT. */
#define DR6_INIT                0xffff0ff0ull
#define DR7_FIXED               0x400ull

/* Exception vectors (APM2 8.2, Table 8-1). */
#define VEC_DE                  0
#define VEC_DB                  1
#define VEC_NMI                 2
#define VEC_BP                  3
#define VEC_OF                  4
#define VEC_BR                  5
#define VEC_UD                  6
#define VEC_NM                  7
#define VEC_DF                  8
#define VEC_TS                  10
#define VEC_NP                  11
#define VEC_SS                  12
#define VEC_GP                  13
#define VEC_PF                  14
#define VEC_MF                  16
#define VEC_AC                  17
#define VEC_MC                  18
#define VEC_XF                  19
#define VEC_CP                  21
#define VEC_HV                  28
#define VEC_VC                  29
#define VEC_SX                  30

/* MSR numbers (APM2 Appendix A; 15.30 for SVM). */
#define MSR_TSC                 0x00000010u
#define MSR_APIC_BASE           0x0000001bu
#define MSR_SPEC_CTRL           0x00000048u
#define MSR_PRED_CMD            0x00000049u     /* bit 0: IBPB */
#define MSR_SYSENTER_CS         0x00000174u
#define MSR_SYSENTER_ESP        0x00000175u
#define MSR_SYSENTER_EIP        0x00000176u
#define MSR_DEBUGCTL            0x000001d9u
#define MSR_PAT                 0x00000277u
#define MSR_X2APIC_BASE         0x00000800u     /* x2APIC registers 0x800..0x8ff */
#define MSR_X2APIC_ICR          0x00000830u
#define MSR_X2APIC_SELF_IPI     0x0000083fu
#define MSR_XSS                 0x00000da0u     /* IA32_XSS: XSAVES supervisor components */
#define MSR_EFER                0xc0000080u
#define MSR_STAR                0xc0000081u
#define MSR_LSTAR               0xc0000082u
#define MSR_CSTAR               0xc0000083u
#define MSR_SFMASK              0xc0000084u
#define MSR_FS_BASE             0xc0000100u
#define MSR_GS_BASE             0xc0000101u
#define MSR_KERNEL_GS_BASE      0xc0000102u
#define MSR_TSC_AUX             0xc0000103u
#define MSR_SYSCFG              0xc0010010u
#define SYSCFG_MEM_ENCRYPT      BIT_ULL(23)     /* MemEncryptionModEn: the C-bit works */
#define MSR_VM_CR               0xc0010114u
#define MSR_IGNNE               0xc0010115u
#define MSR_SMM_CTL             0xc0010116u
#define MSR_VM_HSAVE_PA         0xc0010117u
#define MSR_SVM_KEY             0xc0010118u

/* EFER (APM2 3.1.7). */
#define EFER_SCE                BIT_ULL(0)
#define EFER_LME                BIT_ULL(8)
#define EFER_LMA                BIT_ULL(10)
#define EFER_NXE                BIT_ULL(11)
#define EFER_SVME               BIT_ULL(12)
#define EFER_LMSLE              BIT_ULL(13)
#define EFER_FFXSR              BIT_ULL(14)
#define EFER_TCE                BIT_ULL(15)
#define EFER_AUTOIBRS           BIT_ULL(21)

/* VM_CR (APM2 15.30.1). */
#define VM_CR_DPD               BIT_ULL(0)
#define VM_CR_R_INIT            BIT_ULL(1)
#define VM_CR_DIS_A20M          BIT_ULL(2)
#define VM_CR_LOCK              BIT_ULL(3)
#define VM_CR_SVMDIS            BIT_ULL(4)

/* IA32_APIC_BASE (APM2 16.3.1; x2APIC enable: 16.11). */
#define APIC_BASE_BSP           BIT_ULL(8)
#define APIC_BASE_EXTD          BIT_ULL(10)     /* x2APIC mode */
#define APIC_BASE_EN            BIT_ULL(11)
#define APIC_BASE_ADDR_MASK     0x000ffffffffff000ull

/* CPUID (APM3 Appendix E). */
struct cpuid_regs {
	uint32_t eax, ebx, ecx, edx;
};

#define CPUID_1_ECX_X2APIC              BIT(21)
#define CPUID_1_ECX_XSAVE               BIT(26)
#define CPUID_1_EDX_APIC                BIT(9)
#define CPUID_7_0_ECX_PKU               BIT(3)
#define CPUID_7_0_ECX_OSPKE             BIT(4)
#define CPUID_1_ECX_OSXSAVE             BIT(27)
#define CPUID_1_ECX_HYPERVISOR          BIT(31)
#define CPUID_80000001_ECX_SVM          BIT(2)
#define CPUID_80000001_ECX_TCE          BIT(17)
#define CPUID_80000001_EDX_SYSCALL      BIT(11)
#define CPUID_80000001_EDX_NX           BIT(20)
#define CPUID_80000001_EDX_FFXSR        BIT(25)
#define CPUID_80000001_EDX_PAGE1GB      BIT(26)
/* CPUID 8000_001F (APM3 E.4.17): memory encryption. */
#define CPUID_8000001F_EAX_SME          BIT(0)
#define CPUID_8000001F_EAX_SEV          BIT(1)
#define CPUID_8000001F_EBX_CBIT(ebx)    ((ebx) & 0x3fu)
#define CPUID_8000001F_EBX_REDUCTION(ebx) (((ebx) >> 6) & 0x3fu)
#define CPUID_80000001_EDX_LM           BIT(29)
#define CPUID_80000021_EAX_AUTOIBRS     BIT(8)
#define CPUID_80000008_EBX_IBPB         BIT(12)
#define CPUID_80000008_EBX_INVLPGB      BIT(3)          /* INVLPGB and TLBSYNC */
#define CPUID_80000008_EDX_INVLPGB_COUNT 0xffffu        /* InvlpgbCountMax */

#endif /* SVMHV_SVM_X86_H */
