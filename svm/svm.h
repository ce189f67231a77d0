/* SPDX-License-Identifier: MIT */
/*
 * SVM feature detection (pure decode of CPUID/VM_CR, host-testable) and the
 * world switch's C contract.
 * See: APM2 15.4 "Enabling SVM", APM3 E.4.9 (CPUID 8000_000A).
 */
#ifndef SVMHV_SVM_SVM_H
#define SVMHV_SVM_SVM_H

#include <stdbool.h>
#include <stdint.h>

/* CPUID 8000_000A EDX. */
#define SVM_FEATURE_NPT                 (1u << 0)
#define SVM_FEATURE_LBRV                (1u << 1)
#define SVM_FEATURE_SVML                (1u << 2)
#define SVM_FEATURE_NRIPS               (1u << 3)
#define SVM_FEATURE_TSC_RATE            (1u << 4)
#define SVM_FEATURE_VMCB_CLEAN          (1u << 5)
#define SVM_FEATURE_FLUSH_ASID          (1u << 6)
#define SVM_FEATURE_DECODE_ASSISTS      (1u << 7)
#define SVM_FEATURE_PAUSE_FILTER        (1u << 10)
#define SVM_FEATURE_PFTHRESHOLD         (1u << 12)
#define SVM_FEATURE_AVIC                (1u << 13)
#define SVM_FEATURE_V_VMSAVE_VMLOAD     (1u << 15)
#define SVM_FEATURE_VGIF                (1u << 16)
#define SVM_FEATURE_V_SPEC_CTRL         (1u << 20)
#define SVM_FEATURE_INVLPGB_TLBSYNC     (1u << 24)      /* TlbiCtl: the VMCB enable bit */
#define SVM_FEATURE_VNMI                (1u << 25)

/* Raw CPUID/MSR values the decode needs; gathered by svm_read_raw() on the CPU. */
struct svm_raw {
	uint32_t max_ext_leaf;          /* CPUID 8000_0000 EAX */
	uint32_t ext1_ecx, ext1_edx;    /* CPUID 8000_0001 */
	uint32_t svm_eax, svm_ebx, svm_edx; /* CPUID 8000_000A */
	uint32_t ext8_eax;              /* CPUID 8000_0008: MAXPHYADDR in [7:0] */
	uint64_t vm_cr;                 /* MSR C001_0114, valid only when SVM is present */
	uint32_t ext1f_eax, ext1f_ebx;  /* CPUID 8000_001F: SME/SEV, C-bit, reduction */
	uint64_t syscfg;                /* MSR C001_0010, read only when 8000_001F EAX has SME */
};

struct svm_features {
	uint32_t revision;
	uint32_t nasid;                 /* number of ASIDs, including ASID 0 (host) */
	uint32_t edx;                   /* 8000_000A EDX as reported */
	/*
	 * The physical address width svmhv works with: the CPU's (8000_0008
	 * EAX[7:0]), less the SME reduction when the firmware enabled memory
	 * encryption (svm_decode_phys()).
	 */
	unsigned maxphyaddr;
	unsigned maxphyaddr_cpu;        /* 8000_0008 EAX[7:0] as reported (36 without the leaf) */
	bool mem_encrypt;               /* SYSCFG.MemEncryptionModEn with SME: the C-bit is live */
	unsigned cbit;                  /* 8000_001F EBX[5:0], when mem_encrypt */
	unsigned phys_reduction;        /* 8000_001F EBX[11:6], when mem_encrypt */
	bool gbpages;
	bool npt, nrips, flush_by_asid, vgif, decode_assists, vmcb_clean, v_spec_ctrl;
	bool v_vmsave_vmload;           /* EDX[15]: VMLOAD/VMSAVE through the guest's NPT */
};

enum svm_status {
	SVM_OK = 0,
	SVM_ERR_NO_SVM,                 /* CPUID 8000_0001 ECX.SVM = 0 */
	SVM_ERR_DISABLED_FIRMWARE,      /* VM_CR.SVMDIS = 1, SVML = 0 */
	SVM_ERR_LOCKED,                 /* VM_CR.SVMDIS = 1, SVML = 1: locked with a key */
	SVM_ERR_NO_NPT,                 /* svmhv needs nested paging */
	SVM_ERR_FEW_ASIDS,              /* fewer than 3 ASIDs: no room for L1 + L2 */
	SVM_ERR_LA57,                   /* the firmware runs with 5-level paging */
};

/* Read the raw values on the current CPU (not pure: svm/svm_hw.c). */
void svm_read_raw(struct svm_raw *raw);
enum svm_status svm_decode_features(const struct svm_raw *raw, struct svm_features *f);

/*
 * The physical address width (f->maxphyaddr and the SME fields) from
 * CPUID 8000_0008 and 8000_001F and SYSCFG. With SME reported (8000_001F
 * EAX[0]) and SYSCFG.MemEncryptionModEn (bit 23) set by the firmware, the
 * C-bit (EBX[5:0]) is live and the CPU's width shrinks by EBX[11:6] (APM2
 * 7.10.1; Linux early_detect_mem_encrypt() does the same): the width is then
 * MAXPHYADDR - reduction, never above the C-bit's position (so an address
 * below 2^width never has the C-bit set) and never below 32.
 * Called by svm_decode_features(); pure.
 */
void svm_decode_phys(const struct svm_raw *raw, struct svm_features *f);

/*
 * svmhv's host runs in the firmware's paging mode with 4-level tables of
 * its own (mm/npt.h), and nested paging walks in the host's mode: firmware
 * that runs with CR4.LA57 (5-level paging) is refused (SVM_ERR_LA57), as
 * switching modes means leaving long mode. SVM_OK otherwise. Pure.
 */
enum svm_status svm_check_paging(uint64_t cr4);
const char *svm_status_str(enum svm_status st);
/* "NPT NRIPS VGIF ..." for the banner. */
void svm_features_str(const struct svm_features *f, char *buf, unsigned len);

struct vcpu;
/* svm/world.asm: the VMRUN loop; see its header for the contract. */
void svm_run_loop(struct vcpu *vcpu, void *host_stack_top) __attribute__((noreturn));

#endif
