/* SPDX-License-Identifier: MIT */
/*
 * l1hv: a small guest hypervisor (an EFI application) that runs L2 guests
 * with VMRUN and reports each scenario, for svmhv's nested-SVM tests. It runs
 * either directly on QEMU TCG's SVM (bare: OVMF boots it) or as svmhv's
 * `next` image (L1 under svmhv).
 *
 * Output, one line per check, through tests/payload/report.c:
 *   L1HV: ok - <name>                      (also "ok - <name> # SKIP <why>")
 *   L1HV: not ok - <name>: <detail>
 *   L1HV: # <diagnostic>
 *   L1HV: done N passed, M failed
 *
 * Memory: every structure is in firmware-allocated pages (identity mapped,
 * so a pointer is its physical address). L2s run in 64-bit mode on L1's page
 * tables, GDT and segments, with their own IDT (stubs in the L2 code),
 * stack and GPRs, np_enable = 0; npt.c's L2s run on nested page tables
 * l1hv builds, with their own (identity) page tables.
 * Only main.c sees EFI types.
 */
#ifndef SVMHV_TESTS_L1HV_H
#define SVMHV_TESTS_L1HV_H

#include <stddef.h>
#include <stdint.h>

#include "svm/vmcb.h"
#include "tests/payload/payload.h"

/* The L2 GPRs VMRUN does not load (world.asm offsets G_*). */
struct l2_gprs {
	uint64_t rbx, rcx, rdx, rsi, rdi, rbp;
	uint64_t r8, r9, r10, r11, r12, r13, r14, r15;
};
_Static_assert(sizeof(struct l2_gprs) == 14 * 8, "world.asm G_* offsets");

#define L1_RUN_STI      1u      /* host RFLAGS.IF = 1 at VMRUN */

/* world.asm */
void l1_vmrun(struct l2_gprs *g, uint64_t vmcb_pa, uint64_t flags);

/* L2 code labels (world.asm); L2 runs them from the copy, see l2_addr(). */
extern const uint8_t l2_blob_start[], l2_blob_end[];
extern const uint8_t l2_loop[], l2_loop_vmmcall[], l2_counter[], l2_counter_vmmcall[];
extern const uint8_t l2_regs[], l2_regs_vmmcall[], l2_cpuid[];
extern const uint8_t l2_io[], l2_io_out[], l2_io_in[], l2_io_80[];
extern const uint8_t l2_msr[], l2_msr_rd[], l2_msr_wr[], l2_msr_outside[];
extern const uint8_t l2_ud[], l2_de[], l2_de_div[], l2_bp[], l2_bp_int3[], l2_intn[];
extern const uint8_t l2_conf_stubs[];
extern const uint8_t l2_done[], l2_spin[], l2_svm[], l2_svm_pass[], l2_svm_pass_save[], l2_triple[], l2_stubs[];
extern const uint8_t l2_vgif[], l2_vgif_vmmcall[], l2_vgif_stgi[], l2_vgif_after[],
	l2_vgif_done[];
extern const uint8_t l2_peek_poke[], l2_wrmsr[], l2_rdmsr[], l2_mov_cr4[];
extern const uint8_t l2_peek[], l2_gather[], l2_poke_out[], l2_poke_rdmsr[];

/* Constants shared with world.asm. */
#define L2_MARK         0x1d700000u
#define L2_DONE         0x600du
#define L2_STUB_SIZE    32u
#define L2_CONF_STUBS   0x32u   /* l2_conf_stubs: vectors 0 .. 0x31 */
#define IO_PORT_OUT     0x510u
#define IO_PORT_IN      0x512u
#define MSR_RD_ICPT     0xc0000081u
#define MSR_WR_ICPT     0xc0000083u
#define MSR_OUTSIDE     0x00002000u

#define NR_GUESTS       12      /* VMCBs and stacks */
#define NR_MUX          8       /* multiplexed L2s */
#define NR_SCRATCH      6       /* VMSAVE/VMLOAD pages, VMRUN operands */
#define NPT_POOL_PAGES  192     /* npt.c: nested and L2 page tables, test pages */
#define USER_PAGES      7       /* conf_env.c: GDT + TSS, IDT, PML4, PDPT, 3 PDs */

struct idt_gate64 {
	uint16_t offset_lo;
	uint16_t selector;
	uint8_t  ist;
	uint8_t  type_attr;
	uint16_t offset_mid;
	uint32_t offset_hi;
	uint32_t reserved;
} __attribute__((packed));

/* Everything the scenarios need, filled by main.c. */
struct l1hv {
	/* environment */
	int under_svmhv;                /* CPUID 0x40000000 says "svmhv" */
	int qemu_tcg;                   /* brand string says QEMU TCG: known bugs apply */
	uint64_t svmhv_base, svmhv_size;        /* SVMHV_HC_MEMINFO, 0 if unknown */
	uint32_t nasids;                /* CPUID 8000_000A EBX */
	uint32_t svm_features;          /* CPUID 8000_000A EDX */
	unsigned maxphyaddr;
	uint64_t tsc_khz;               /* calibrated with BS->Stall, 0 if unknown */
	uint64_t fw_idt_base;           /* the firmware's IDT (vectors 32..255 reused) */
	uint16_t fw_idt_limit;
	/* memory (identity mapped) */
	uint8_t *code;                  /* copy of the L2 blob (EfiLoaderCode) */
	struct idt_gate64 *l2_idt;      /* 256 gates to the stubs */
	struct idt_gate64 *irq_idt;     /* L1's IDT for the interrupt scenarios */
	uint8_t *hsave, *iopm, *msrpm;
	struct vmcb *tmpl;              /* VMSAVE image of L1: FS/GS/TR/LDTR/MSRs */
	struct vmcb *vmcb[NR_GUESTS];
	uint8_t *stack[NR_GUESTS];      /* one page each */
	uint8_t *scratch[NR_SCRATCH];   /* one page each */
	volatile uint64_t *counters;    /* one page */
	uint8_t *npt_pool;              /* NPT_POOL_PAGES pages: npt.c's tables and test pages */
	uint8_t *user;                  /* USER_PAGES pages: conf_env.c's IDT, CPL-3 GDT, TSS, tables */
};

extern struct l1hv L;
extern const char *l1hv_options;        /* the load options, words separated by spaces */

/* A blob label's offset in the blob, and the address L2 executes for it. */
static inline uint64_t l2_off(const uint8_t *label)
{
	return (uint64_t)(uintptr_t)label - (uint64_t)(uintptr_t)l2_blob_start;
}

static inline uint64_t l2_addr(const uint8_t *label)
{
	return (uint64_t)(uintptr_t)L.code + l2_off(label);
}

/* svm.c: SVM setup and running guests. */
struct guest {
	struct vmcb *vmcb;
	struct l2_gprs r;
	uint8_t *stack_top;
	unsigned slot;
};

void l2_idt_build(uint16_t cs);
int svm_enable(uint64_t *efer_out, unsigned *vec_out);
void svm_disable(void);
void guest_init(struct guest *g, unsigned slot, uint32_t asid, const uint8_t *entry);
uint64_t guest_run(struct guest *g, unsigned flags);
void sc_cpuid_state(void);      /* cpuid_state.c */
void sc_cpuid_table(void);      /* cpuid_table.c */
void run_conf(void);            /* conf.c: the differential batch */

/* conf_env.c: the batch's L2 modes (CPL 0 or 3) and events. */
enum conf_event { EV_NONE, EV_TF, EV_TFDB, EV_INJ, EV_INJX, EV_NMI, EV_VINTR, NR_CONF_EVENTS };
#define CONF_INJ_VEC    0x30u   /* EVENTINJ external interrupt */
#define CONF_VINTR_VEC  0x31u   /* V_IRQ's vector */
int conf_user_init(void);
int conf_env_apply(struct guest *g, int cpl3, enum conf_event ev);
const char *conf_event_name(enum conf_event ev);
uint32_t exit32(const struct guest *g);
void msrpm_set(uint32_t msr, int read, int write);
void iopm_set(uint16_t port);

/* scenarios.c */
void run_scenarios(void);
/* run=bench: the round-trip loop alone (scripts/bench-nested.sh). */
void run_bench(void);
/* npt.c: nested paging for L2 (after sc_setup). */
void run_npt_scenarios(void);

/* Physical interrupts for L1 (scenarios.c): a self-IPI of IRQ_VEC counts in irq_count. */
#define IRQ_VEC         0xecu

struct dtr64 {
	uint16_t limit;
	uint64_t base;
} __attribute__((packed));

extern volatile unsigned irq_count;
/* NULL, or why the local APIC cannot be used. */
const char *apic_setup(void);
void apic_self_ipi(uint8_t vec);
/* L1's IDT with IRQ_VEC handled; *probe_idtr gets probe.c's IDT (loaded now). */
void irq_idt_build(struct dtr64 *probe_idtr);

/* tests/attack/: attacks on svmhv (run=attack), the vmcb12 fuzzer (run=fuzz). */
void run_attacks(void);
void run_fuzz(void);
void run_vmcb12_fuzz(void);
void run_fatal(const char *which);

/* Small helpers (svm.c). */
void mem_zero(void *p, size_t n);
void mem_copy(void *d, const void *s, size_t n);
uint64_t rdtsc(void);
uint64_t rdmsr(uint32_t msr);
void wrmsr(uint32_t msr, uint64_t v);
void report_skip(const char *name, const char *why);
/* Known QEMU TCG deviation: SKIP on QEMU TCG, else a failure. */
void report_qemu_bug(const char *name, const char *bug, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
/* Hypercall to svmhv from L1 (probe window must be open); 0 on success. */
int hc_call(uint64_t fn, uint64_t a1, uint64_t a2, uint64_t a3, struct hcall *out);

#endif /* SVMHV_TESTS_L1HV_H */
