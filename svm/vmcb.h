/* SPDX-License-Identifier: MIT */
/*
 * The Virtual Machine Control Block, as the hardware defines it.
 * See: AMD64 Architecture Programmer's Manual Vol. 2 (rev. 3.42), Appendix B
 * "Layout of VMCB" and 15.9 ff. This header holds hardware definitions only;
 * svmhv's own per-vCPU state lives in hv/vcpu.h.
 *
 * Pure: included by the freestanding hypervisor and by host unit tests.
 */
#ifndef SVMHV_SVM_VMCB_H
#define SVMHV_SVM_VMCB_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "svm/x86.h"

/* VMCB segment register, APM2 Table B-2. */
struct vmcb_seg {
	uint16_t selector;
	uint16_t attrib;        /* packed descriptor attributes, see SEG_ATTR_* */
	uint32_t limit;
	uint64_t base;
} __attribute__((packed));

/* Packed attribute layout: descriptor bits 40..47 -> 0..7, 52..55 -> 8..11. */
#define SEG_ATTR_TYPE_MASK      0x000fu
#define SEG_ATTR_S              BIT(4)
#define SEG_ATTR_DPL_SHIFT      5
#define SEG_ATTR_P              BIT(7)
#define SEG_ATTR_AVL            BIT(8)
#define SEG_ATTR_L              BIT(9)
#define SEG_ATTR_DB             BIT(10)
#define SEG_ATTR_G              BIT(11)

/* Control area, APM2 Table B-1. Offsets are from the start of the VMCB. */
struct vmcb_control {
	uint32_t intercept_cr;          /* +0x000 read 0..15, write 16..31 */
	uint32_t intercept_dr;          /* +0x004 */
	uint32_t intercept_exceptions;  /* +0x008 one bit per vector */
	uint32_t intercept_misc1;       /* +0x00c INTERCEPT_INTR .. SHUTDOWN */
	uint32_t intercept_misc2;       /* +0x010 INTERCEPT_VMRUN .. */
	uint32_t intercept_misc3;       /* +0x014 INVLPGB .. */
	uint8_t  reserved_0x18[0x24];   /* +0x018 */
	uint16_t pause_filter_thresh;   /* +0x03c */
	uint16_t pause_filter_count;    /* +0x03e */
	uint64_t iopm_base_pa;          /* +0x040 */
	uint64_t msrpm_base_pa;         /* +0x048 */
	uint64_t tsc_offset;            /* +0x050 */
	uint32_t asid;                  /* +0x058 */
	uint8_t  tlb_control;           /* +0x05c written by svm/tlb.c only */
	uint8_t  reserved_0x5d[3];      /* +0x05d */
	uint64_t int_ctl;               /* +0x060 V_TPR, V_IRQ, VGIF, ... */
	uint64_t int_state;             /* +0x068 interrupt shadow */
	uint64_t exit_code;             /* +0x070 */
	uint64_t exit_info_1;           /* +0x078 */
	uint64_t exit_info_2;           /* +0x080 */
	uint64_t exit_int_info;         /* +0x088 */
	uint64_t nested_ctl;            /* +0x090 NP_ENABLE, ... */
	uint64_t avic_apic_bar;         /* +0x098 */
	uint64_t ghcb_pa;               /* +0x0a0 */
	uint64_t event_inj;             /* +0x0a8 */
	uint64_t n_cr3;                 /* +0x0b0 */
	uint64_t virt_ext;              /* +0x0b8 LBR virt, VMLOAD/VMSAVE virt */
	uint32_t clean;                 /* +0x0c0 VMCB clean bits */
	uint32_t reserved_0xc4;         /* +0x0c4 */
	uint64_t next_rip;              /* +0x0c8 */
	uint8_t  insn_len;              /* +0x0d0 */
	uint8_t  insn_bytes[15];        /* +0x0d1 */
	uint64_t avic_backing_page;     /* +0x0e0 */
	uint8_t  reserved_0xe8[8];      /* +0x0e8 */
	uint64_t avic_logical_id;       /* +0x0f0 */
	uint64_t avic_physical_id;      /* +0x0f8 */
	uint8_t  reserved_0x100[8];     /* +0x100 */
	uint64_t vmsa_pa;               /* +0x108 */
	uint8_t  reserved_0x110[0x2f0]; /* +0x110 .. +0x3ff */
} __attribute__((packed));

/* State save area, APM2 Table B-2. Offsets are from the start of the VMCB. */
struct vmcb_save {
	struct vmcb_seg es;             /* +0x400 */
	struct vmcb_seg cs;             /* +0x410 */
	struct vmcb_seg ss;             /* +0x420 */
	struct vmcb_seg ds;             /* +0x430 */
	struct vmcb_seg fs;             /* +0x440 */
	struct vmcb_seg gs;             /* +0x450 */
	struct vmcb_seg gdtr;           /* +0x460 */
	struct vmcb_seg ldtr;           /* +0x470 */
	struct vmcb_seg idtr;           /* +0x480 */
	struct vmcb_seg tr;             /* +0x490 */
	uint8_t  reserved_0x4a0[0x2a];  /* +0x4a0 */
	uint8_t  vmpl;                  /* +0x4ca */
	uint8_t  cpl;                   /* +0x4cb */
	uint8_t  reserved_0x4cc[4];     /* +0x4cc */
	uint64_t efer;                  /* +0x4d0 */
	uint8_t  reserved_0x4d8[0x70];  /* +0x4d8 */
	uint64_t cr4;                   /* +0x548 */
	uint64_t cr3;                   /* +0x550 */
	uint64_t cr0;                   /* +0x558 */
	uint64_t dr7;                   /* +0x560 */
	uint64_t dr6;                   /* +0x568 */
	uint64_t rflags;                /* +0x570 */
	uint64_t rip;                   /* +0x578 */
	uint8_t  reserved_0x580[0x58];  /* +0x580 */
	uint64_t rsp;                   /* +0x5d8 */
	uint64_t s_cet;                 /* +0x5e0 */
	uint64_t ssp;                   /* +0x5e8 */
	uint64_t isst_addr;             /* +0x5f0 */
	uint64_t rax;                   /* +0x5f8 */
	uint64_t star;                  /* +0x600 */
	uint64_t lstar;                 /* +0x608 */
	uint64_t cstar;                 /* +0x610 */
	uint64_t sfmask;                /* +0x618 */
	uint64_t kernel_gs_base;        /* +0x620 */
	uint64_t sysenter_cs;           /* +0x628 */
	uint64_t sysenter_esp;          /* +0x630 */
	uint64_t sysenter_eip;          /* +0x638 */
	uint64_t cr2;                   /* +0x640 */
	uint8_t  reserved_0x648[0x20];  /* +0x648 */
	uint64_t g_pat;                 /* +0x668 */
	uint64_t dbgctl;                /* +0x670 */
	uint64_t br_from;               /* +0x678 */
	uint64_t br_to;                 /* +0x680 */
	uint64_t last_excp_from;        /* +0x688 */
	uint64_t last_excp_to;          /* +0x690 */
	uint8_t  reserved_0x698[0x48];  /* +0x698 */
	uint64_t spec_ctrl;             /* +0x6e0 */
	uint8_t  reserved_0x6e8[0x918]; /* +0x6e8 .. +0xfff */
} __attribute__((packed));

struct vmcb {
	struct vmcb_control control;
	struct vmcb_save save;
} __attribute__((packed, aligned(4096)));

_Static_assert(sizeof(struct vmcb_seg) == 16, "vmcb_seg");
_Static_assert(sizeof(struct vmcb_control) == 0x400, "vmcb control area");
_Static_assert(sizeof(struct vmcb) == 0x1000, "vmcb is one page");
_Static_assert(offsetof(struct vmcb, control.iopm_base_pa) == 0x040, "iopm");
_Static_assert(offsetof(struct vmcb, control.msrpm_base_pa) == 0x048, "msrpm");
_Static_assert(offsetof(struct vmcb, control.asid) == 0x058, "asid");
_Static_assert(offsetof(struct vmcb, control.tlb_control) == 0x05c, "tlb_control");
_Static_assert(offsetof(struct vmcb, control.int_ctl) == 0x060, "int_ctl");
_Static_assert(offsetof(struct vmcb, control.exit_code) == 0x070, "exit_code");
_Static_assert(offsetof(struct vmcb, control.exit_int_info) == 0x088, "exit_int_info");
_Static_assert(offsetof(struct vmcb, control.nested_ctl) == 0x090, "nested_ctl");
_Static_assert(offsetof(struct vmcb, control.event_inj) == 0x0a8, "event_inj");
_Static_assert(offsetof(struct vmcb, control.n_cr3) == 0x0b0, "n_cr3");
_Static_assert(offsetof(struct vmcb, control.next_rip) == 0x0c8, "next_rip");
_Static_assert(offsetof(struct vmcb, control.vmsa_pa) == 0x108, "vmsa_pa");
_Static_assert(offsetof(struct vmcb, save.es) == 0x400, "es");
_Static_assert(offsetof(struct vmcb, save.tr) == 0x490, "tr");
_Static_assert(offsetof(struct vmcb, save.cpl) == 0x4cb, "cpl");
_Static_assert(offsetof(struct vmcb, save.efer) == 0x4d0, "efer");
_Static_assert(offsetof(struct vmcb, save.cr4) == 0x548, "cr4");
_Static_assert(offsetof(struct vmcb, save.rflags) == 0x570, "rflags");
_Static_assert(offsetof(struct vmcb, save.rip) == 0x578, "rip");
_Static_assert(offsetof(struct vmcb, save.rsp) == 0x5d8, "rsp");
_Static_assert(offsetof(struct vmcb, save.rax) == 0x5f8, "rax");
_Static_assert(offsetof(struct vmcb, save.star) == 0x600, "star");
_Static_assert(offsetof(struct vmcb, save.cr2) == 0x640, "cr2");
_Static_assert(offsetof(struct vmcb, save.g_pat) == 0x668, "g_pat");
_Static_assert(offsetof(struct vmcb, save.spec_ctrl) == 0x6e0, "spec_ctrl");

/* intercept_misc1 (VMCB +0x00c), APM2 Table B-1. */
/* VMCB clean bits (APM2 15.15.3): a set bit lets the CPU keep its cached copy. */
#define VMCB_CLEAN_NP           BIT(4)          /* nCR3, G_PAT */

#define INTERCEPT_INTR          0
#define INTERCEPT_NMI           1
#define INTERCEPT_SMI           2
#define INTERCEPT_INIT          3
#define INTERCEPT_VINTR         4
#define INTERCEPT_CR0_SEL_WRITE 5
#define INTERCEPT_RDTSC         14
#define INTERCEPT_RDPMC         15
#define INTERCEPT_PUSHF         16
#define INTERCEPT_POPF          17
#define INTERCEPT_CPUID         18
#define INTERCEPT_RSM           19
#define INTERCEPT_IRET          20
#define INTERCEPT_INTN          21
#define INTERCEPT_INVD          22
#define INTERCEPT_PAUSE         23
#define INTERCEPT_HLT           24
#define INTERCEPT_INVLPG        25
#define INTERCEPT_INVLPGA       26
#define INTERCEPT_IOIO_PROT     27
#define INTERCEPT_MSR_PROT      28
#define INTERCEPT_TASK_SWITCH   29
#define INTERCEPT_FERR_FREEZE   30
#define INTERCEPT_SHUTDOWN      31
/* intercept_misc2 (VMCB +0x010): numbered from 32 so one helper covers both. */
#define INTERCEPT_VMRUN         (32 + 0)
#define INTERCEPT_VMMCALL       (32 + 1)
#define INTERCEPT_VMLOAD        (32 + 2)
#define INTERCEPT_VMSAVE        (32 + 3)
#define INTERCEPT_STGI          (32 + 4)
#define INTERCEPT_CLGI          (32 + 5)
#define INTERCEPT_SKINIT        (32 + 6)
#define INTERCEPT_RDTSCP        (32 + 7)
#define INTERCEPT_ICEBP         (32 + 8)
#define INTERCEPT_WBINVD        (32 + 9)
#define INTERCEPT_MONITOR       (32 + 10)
#define INTERCEPT_MWAIT         (32 + 11)
#define INTERCEPT_MWAIT_COND    (32 + 12)
#define INTERCEPT_XSETBV        (32 + 13)
#define INTERCEPT_RDPRU         (32 + 14)
#define INTERCEPT_EFER_WRITE_TRAP (32 + 15)
/* intercept_misc3 (VMCB +0x014), numbered from 64. */
#define INTERCEPT_INVLPGB       (64 + 0)
#define INTERCEPT_INVLPGB_ILL   (64 + 1)        /* INVLPGB with an illegal operand */
#define INTERCEPT_INVPCID       (64 + 2)
#define INTERCEPT_MCOMMIT       (64 + 3)
#define INTERCEPT_TLBSYNC       (64 + 4)

static inline void vmcb_set_intercept(struct vmcb_control *c, unsigned bit)
{
	if (bit < 32)
		c->intercept_misc1 |= BIT(bit);
	else if (bit < 64)
		c->intercept_misc2 |= BIT(bit - 32);
	else
		c->intercept_misc3 |= BIT(bit - 64);
}

static inline void vmcb_clr_intercept(struct vmcb_control *c, unsigned bit)
{
	if (bit < 32)
		c->intercept_misc1 &= ~BIT(bit);
	else if (bit < 64)
		c->intercept_misc2 &= ~BIT(bit - 32);
	else
		c->intercept_misc3 &= ~BIT(bit - 64);
}

static inline int vmcb_is_intercept(const struct vmcb_control *c, unsigned bit)
{
	if (bit < 32)
		return !!(c->intercept_misc1 & BIT(bit));
	if (bit < 64)
		return !!(c->intercept_misc2 & BIT(bit - 32));
	return !!(c->intercept_misc3 & BIT(bit - 64));
}

/* TLB_CONTROL values, APM2 15.16.1. */
#define TLB_CONTROL_DO_NOTHING          0
#define TLB_CONTROL_FLUSH_ALL_ASID      1
#define TLB_CONTROL_FLUSH_ASID          3
#define TLB_CONTROL_FLUSH_ASID_LOCAL    7

/* int_ctl (VMCB +0x060), APM2 15.21. */
#define V_TPR_MASK              0xffull
#define V_IRQ_MASK              BIT_ULL(8)
#define V_GIF_MASK              BIT_ULL(9)
#define V_INTR_PRIO_SHIFT       16
#define V_INTR_PRIO_MASK        (0xfull << V_INTR_PRIO_SHIFT)
#define V_IGN_TPR_MASK          BIT_ULL(20)
#define V_INTR_MASKING_MASK     BIT_ULL(24)
#define V_GIF_ENABLE_MASK       BIT_ULL(25)
#define AVIC_ENABLE_MASK        BIT_ULL(31)
#define V_INTR_VECTOR_SHIFT     32

#define SVM_INTERRUPT_SHADOW_MASK BIT_ULL(0)

/* nested_ctl (VMCB +0x090). */
#define SVM_NESTED_CTL_NP_ENABLE BIT_ULL(0)
/*
 * INVLPGB/TLBSYNC enable (CPUID 8000_000A EDX[24]): clear, both are #UD in
 * the guest. svmhv never sets it (docs/architecture.md "INVLPGB and TLBSYNC").
 */
#define SVM_NESTED_CTL_INVLPGB_TLBSYNC BIT_ULL(7)

/* EVENTINJ / EXITINTINFO, APM2 15.20. */
#define SVM_EVTINJ_VEC_MASK     0xffull
#define SVM_EVTINJ_TYPE_SHIFT   8
#define SVM_EVTINJ_TYPE_MASK    (7ull << SVM_EVTINJ_TYPE_SHIFT)
#define SVM_EVTINJ_TYPE_INTR    (0ull << SVM_EVTINJ_TYPE_SHIFT)
#define SVM_EVTINJ_TYPE_NMI     (2ull << SVM_EVTINJ_TYPE_SHIFT)
#define SVM_EVTINJ_TYPE_EXEPT   (3ull << SVM_EVTINJ_TYPE_SHIFT)
#define SVM_EVTINJ_TYPE_SOFT    (4ull << SVM_EVTINJ_TYPE_SHIFT)
#define SVM_EVTINJ_VALID_ERR    BIT_ULL(11)
#define SVM_EVTINJ_VALID        BIT_ULL(31)
#define SVM_EVTINJ_ERR_SHIFT    32

/*
 * An EXITINTINFO event that came from an instruction: INTn (a software
 * interrupt; QEMU reports INT3 so too), INT3 (#BP) or INTO (#OF). RIP still
 * points at the instruction, so the event is not injected again: the guest
 * re-executes it. Injected at that RIP, the handler would see the
 * instruction's own address as the return address (Linux's INT3 text
 * patching then loops on its breakpoint). See: APM2 15.7.2, 15.20.
 */
static inline bool svm_event_from_insn(uint64_t ev)
{
	uint64_t type = ev & SVM_EVTINJ_TYPE_MASK, vec = ev & SVM_EVTINJ_VEC_MASK;

	return type == SVM_EVTINJ_TYPE_SOFT ||
	       (type == SVM_EVTINJ_TYPE_EXEPT && (vec == 3 || vec == 4));
}

/*
 * EXITINTINFO as the architecture defines it. An exception (TYPE 3) has a
 * vector below 32; QEMU TCG labels every event it was delivering that is not
 * INTn as an exception, so an external interrupt (vector >= 32) caught by an
 * exit mid-delivery (e.g. a nested page fault on the IDT or the stack) comes
 * back as "exception 0x20". Injected again, or reflected to L1 which injects
 * it again, that EVENTINJ is illegal: VMRUN fails (VMEXIT_INVALID). Such an
 * event is an external interrupt (TYPE 0); anything else is left as it is.
 * See: APM2 15.7.2, 15.20.
 */
static inline uint64_t svm_exitintinfo_fixup(uint64_t ev)
{
	if ((ev & SVM_EVTINJ_VALID) && (ev & SVM_EVTINJ_TYPE_MASK) == SVM_EVTINJ_TYPE_EXEPT &&
	    (ev & SVM_EVTINJ_VEC_MASK) >= 32)
		return (ev & ~(SVM_EVTINJ_TYPE_MASK | SVM_EVTINJ_VALID_ERR |
			       (0xffffffffull << SVM_EVTINJ_ERR_SHIFT))) | SVM_EVTINJ_TYPE_INTR;
	return ev;
}

/* Exit codes, APM2 Appendix C. */
#define VMEXIT_CR0_READ         0x000
#define VMEXIT_CR0_WRITE        0x010
#define VMEXIT_DR0_READ         0x020
#define VMEXIT_DR0_WRITE        0x030
#define VMEXIT_EXCP_BASE        0x040   /* + vector */
#define VMEXIT_INTR             0x060
#define VMEXIT_NMI              0x061
#define VMEXIT_SMI              0x062
#define VMEXIT_INIT             0x063
#define VMEXIT_VINTR            0x064
#define VMEXIT_CR0_SEL_WRITE    0x065
#define VMEXIT_IDTR_READ        0x066
#define VMEXIT_GDTR_READ        0x067
#define VMEXIT_LDTR_READ        0x068
#define VMEXIT_TR_READ          0x069
#define VMEXIT_IDTR_WRITE       0x06a
#define VMEXIT_GDTR_WRITE       0x06b
#define VMEXIT_LDTR_WRITE       0x06c
#define VMEXIT_TR_WRITE         0x06d
#define VMEXIT_RDTSC            0x06e
#define VMEXIT_RDPMC            0x06f
#define VMEXIT_PUSHF            0x070
#define VMEXIT_POPF             0x071
#define VMEXIT_CPUID            0x072
#define VMEXIT_RSM              0x073
#define VMEXIT_IRET             0x074
#define VMEXIT_SWINT            0x075
#define VMEXIT_INVD             0x076
#define VMEXIT_PAUSE            0x077
#define VMEXIT_HLT              0x078
#define VMEXIT_INVLPG           0x079
#define VMEXIT_INVLPGA          0x07a
#define VMEXIT_IOIO             0x07b
#define VMEXIT_MSR              0x07c
#define VMEXIT_TASK_SWITCH      0x07d
#define VMEXIT_FERR_FREEZE      0x07e
#define VMEXIT_SHUTDOWN         0x07f
#define VMEXIT_VMRUN            0x080
#define VMEXIT_VMMCALL          0x081
#define VMEXIT_VMLOAD           0x082
#define VMEXIT_VMSAVE           0x083
#define VMEXIT_STGI             0x084
#define VMEXIT_CLGI             0x085
#define VMEXIT_SKINIT           0x086
#define VMEXIT_RDTSCP           0x087
#define VMEXIT_ICEBP            0x088
#define VMEXIT_WBINVD           0x089
#define VMEXIT_MONITOR          0x08a
#define VMEXIT_MWAIT            0x08b
#define VMEXIT_MWAIT_COND       0x08c
#define VMEXIT_XSETBV           0x08d
#define VMEXIT_RDPRU            0x08e
#define VMEXIT_EFER_WRITE_TRAP  0x08f
#define VMEXIT_INVLPGB          0x0a0
#define VMEXIT_INVLPGB_ILL      0x0a1
#define VMEXIT_INVPCID          0x0a2
#define VMEXIT_TLBSYNC          0x0a4
#define VMEXIT_NPF              0x400
#define VMEXIT_INVALID          0xffffffffffffffffull

/* NPF exit_info_1 bits (page-fault error code plus APM2 15.25.6 extras). */
#define NPF_P                   BIT_ULL(0)
#define NPF_WRITE               BIT_ULL(1)
#define NPF_USER                BIT_ULL(2)
#define NPF_RSVD                BIT_ULL(3)
#define NPF_FETCH               BIT_ULL(4)
#define NPF_FINAL_GPA           BIT_ULL(32)
#define NPF_GUEST_PT            BIT_ULL(33)

#endif /* SVMHV_SVM_VMCB_H */
