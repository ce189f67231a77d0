/* SPDX-License-Identifier: MIT */
/*
 * Local APIC registers and Interrupt Command Register (ICR) semantics, for
 * the virtualized IPI path: svmhv intercepts every ICR write (xAPIC through
 * the write-protected APIC page, x2APIC through WRMSR 0x830), delivers INIT
 * and SIPI itself and forwards the other IPIs to the hardware.
 *
 * Pure: no hardware access, so host unit tests build it.
 *
 * Manuals: AMD64 APM Vol. 2 rev. 3.42 (APM2) chapter 16 "Advanced
 * Programmable Interrupt Controller"; Intel SDM Vol. 3A Dec 2023 (SDM3)
 * chapter 10 (numbered 11 in later revisions) "APIC".
 */
#ifndef SVMHV_HV_APIC_APIC_H
#define SVMHV_HV_APIC_APIC_H

#include <stdbool.h>
#include <stdint.h>

#include "svm/x86.h"

/*
 * The APIC page. The IA32_APIC_BASE MSR bits are in svm/x86.h.
 * See: APM2 16.3.1, SDM3 10.4.4.
 */
#define APIC_DEFAULT_BASE       0xfee00000ull
#define APIC_PAGE_SIZE          0x1000u

/* xAPIC register offsets in the APIC page. See: APM2 Table 16-2, SDM3 Table 10-1. */
#define APIC_ID                 0x020u  /* xAPIC: ID in bits 31:24 */
#define APIC_VER                0x030u
#define APIC_TPR                0x080u
#define APIC_APR                0x090u
#define APIC_PPR                0x0a0u
#define APIC_EOI                0x0b0u
#define APIC_RRD                0x0c0u
#define APIC_LDR                0x0d0u  /* xAPIC: logical ID in bits 31:24 */
#define APIC_DFR                0x0e0u  /* xAPIC only: model in bits 31:28 */
#define APIC_SVR                0x0f0u
#define APIC_ISR                0x100u  /* 8 registers, 0x10 apart */
#define APIC_TMR                0x180u
#define APIC_IRR                0x200u
#define APIC_ESR                0x280u
#define APIC_LVT_CMCI           0x2f0u  /* Intel only */
#define APIC_ICR_LO             0x300u
#define APIC_ICR_HI             0x310u  /* xAPIC only: destination in bits 31:24 */
#define APIC_LVT_TIMER          0x320u
#define APIC_LVT_THERMAL        0x330u
#define APIC_LVT_PERF           0x340u
#define APIC_LVT_LINT0          0x350u
#define APIC_LVT_LINT1          0x360u
#define APIC_LVT_ERROR          0x370u
#define APIC_TIMER_INIT         0x380u
#define APIC_TIMER_CUR          0x390u
#define APIC_TIMER_DIV          0x3e0u
#define APIC_SELF_IPI           0x3f0u  /* x2APIC only (MSR 0x83f) */

/*
 * x2APIC: register at xAPIC offset off is MSR 0x800 + off / 16; the ICR is
 * one 64-bit MSR. See: APM2 16.11 (x2APIC), SDM3 10.12.1.2, Table 10-6.
 */
#define X2APIC_MSR(off)         (MSR_X2APIC_BASE + ((off) >> 4))
_Static_assert(X2APIC_MSR(APIC_ICR_LO) == MSR_X2APIC_ICR, "x2APIC ICR MSR");
_Static_assert(X2APIC_MSR(APIC_SELF_IPI) == MSR_X2APIC_SELF_IPI, "x2APIC SELF IPI MSR");

/* DFR model, bits 31:28. See: SDM3 10.6.2.2, Figure 10-14. */
#define APIC_DFR_MODEL(dfr)     ((uint32_t)(dfr) >> 28)
#define APIC_DFR_FLAT           0xfu
#define APIC_DFR_CLUSTER        0x0u
#define APIC_LDR_XAPIC_ID(ldr)  ((uint32_t)(ldr) >> 24)

/*
 * ICR fields, as one 64-bit value: xAPIC is ICR_HI << 32 | ICR_LO, x2APIC
 * is the MSR. See: APM2 16.5 "Interprocessor Interrupts", SDM3 Figure 10-12
 * (xAPIC) and Figure 10-28 (x2APIC).
 */
#define APIC_ICR_VECTOR_MASK    0xffull
#define APIC_ICR_DM_SHIFT       8
#define APIC_ICR_DM_MASK        (7ull << APIC_ICR_DM_SHIFT)
#define APIC_ICR_DEST_LOGICAL   (1ull << 11)
#define APIC_ICR_BUSY           (1ull << 12)    /* xAPIC delivery status (RO) */
#define APIC_ICR_LEVEL_ASSERT   (1ull << 14)
#define APIC_ICR_TRIGGER_LEVEL  (1ull << 15)
#define APIC_ICR_SH_SHIFT       18
#define APIC_ICR_SH_MASK        (3ull << APIC_ICR_SH_SHIFT)
#define APIC_ICR_XAPIC_DEST_SHIFT  56
#define APIC_ICR_X2APIC_DEST_SHIFT 32
/*
 * x2APIC ICR bits that must be zero: 31:20, 17:16, 13, and 12 (delivery
 * status does not exist in x2APIC mode; AMD requires it zero, Intel ignores
 * it). A WRMSR setting them raises #GP. See: SDM3 10.12.9, 10.12.1.2;
 * KVM lapic.c X2APIC_ICR_RESERVED_BITS.
 */
#define APIC_ICR_X2APIC_RSVD    (0xfff00000ull | (3ull << 16) | (1ull << 13) | \
				 APIC_ICR_BUSY)

#define APIC_XAPIC_BROADCAST    0xffu
#define APIC_X2APIC_BROADCAST   0xffffffffu

/* Delivery mode (ICR bits 10:8). See: APM2 16.5, SDM3 10.6.1. */
enum hv_apic_dm {
	HV_APIC_DM_FIXED   = 0,
	HV_APIC_DM_LOWEST  = 1,
	HV_APIC_DM_SMI     = 2,
	HV_APIC_DM_RSVD3   = 3,     /* Intel reserved; AMD "remote read" */
	HV_APIC_DM_NMI     = 4,
	HV_APIC_DM_INIT    = 5,
	HV_APIC_DM_SIPI    = 6,
	HV_APIC_DM_RSVD7   = 7,     /* Intel reserved; AMD "ExtINT" */
};

/* Destination shorthand (ICR bits 19:18). */
enum hv_apic_sh {
	HV_APIC_SH_NONE         = 0,
	HV_APIC_SH_SELF         = 1,
	HV_APIC_SH_ALL          = 2,    /* all including self */
	HV_APIC_SH_ALL_BUT_SELF = 3,
};

/* One IPI as decoded from an ICR write. */
struct hv_ipi {
	uint32_t dest;                  /* 8 bits (xAPIC form) or 32 bits (x2APIC) */
	uint8_t vector;
	enum hv_apic_dm delivery;
	enum hv_apic_sh shorthand;
	bool logical;                   /* destination mode: logical, else physical */
	bool level_assert;              /* level: assert, else de-assert */
	bool trigger_level;             /* trigger mode: level, else edge */
	bool x2apic;                    /* decoded from the x2APIC (MSR) form */
};

/* hv_icr_decode() results: >= 0 decoded, < 0 invalid encoding. */
#define HV_ICR_OK               0
#define HV_ICR_IGNORE           1       /* INIT level de-assert: drop it */
#define HV_ICR_EDELIVERY        (-1)    /* reserved delivery mode 011 / 111 */
#define HV_ICR_ESHORTHAND       (-2)    /* self / all-incl-self with non-fixed */
#define HV_ICR_EVECTOR          (-3)    /* fixed / lowest priority vector < 16 */
#define HV_ICR_ERESERVED        (-4)    /* x2APIC reserved bit set: #GP */

/*
 * Decodes an ICR write: icr is ICR_HI << 32 | ICR_LO for xAPIC, the WRMSR
 * value for x2APIC. *out is filled for every result except HV_ICR_ERESERVED,
 * so the caller can log it. The results classify the write by the SDM's
 * tables (SDM3 Tables 10-3/10-4); they do not decide what svmhv does with
 * it: hv_icr_route() (hv/apic/icr.h) does, and no IPI is dropped for being
 * outside the SDM's tables (the hardware applies its own rules).
 * A x2APIC HV_ICR_ERESERVED is a #GP on the WRMSR.
 */
int hv_icr_decode(uint64_t icr, bool x2apic, struct hv_ipi *out);

/* Message for an hv_icr_decode() result. */
const char *hv_apic_strerror(int err);

/* What svmhv knows of one CPU's local APIC, by CPU index. */
struct hv_apic_cpu {
	uint32_t apic_id;               /* xAPIC: 8-bit ID; x2APIC: 32-bit x2APIC ID */
	uint32_t ldr;                   /* xAPIC LDR register (ID in 31:24); x2APIC: unused */
	uint32_t dfr;                   /* xAPIC DFR register (model in 31:28); x2APIC: unused */
	bool x2apic;                    /* this APIC is in x2APIC mode */
	bool present;                   /* a processor svmhv takes (running, waiting, or not yet) */
	/*
	 * No vCPU (not taken yet, or taken and failed): svmhv does not know its
	 * APIC mode, LDR or DFR. An x2APIC-form logical destination still finds
	 * it (its logical ID follows from its x2APIC ID, and firmware switches
	 * every CPU to x2APIC together); an xAPIC-form one cannot.
	 */
	bool unknown;
};

/* CPUs by index, as many as svmhv takes at most (HV_CPUS_MAX, hv/cpus.h). */
#define HV_APIC_MAX_CPUS        1024u

struct hv_cpu_set {
	uint64_t w[HV_APIC_MAX_CPUS / 64];
};

static inline bool hv_cpu_set_has(const struct hv_cpu_set *s, unsigned i)
{
	return i < HV_APIC_MAX_CPUS && ((s->w[i / 64] >> (i % 64)) & 1u);
}

/*
 * x2APIC logical ID, read-only and derived from the x2APIC ID: cluster
 * (id >> 4) in bits 31:16, bit (id & 15) set in bits 15:0. See: SDM3 10.12.10.2.
 */
uint32_t hv_x2apic_ldr(uint32_t x2apic_id);

/*
 * CPUs an IPI from CPU self reaches: *out holds index i for cpus[i]. Only
 * present CPUs are targets; CPUs at index HV_APIC_MAX_CPUS and above are not
 * considered. Lowest-priority IPIs go to the lowest-index CPU of the matching
 * set (svmhv does not model priority arbitration, which the SDM leaves model
 * specific anyway). Returns the number of targets.
 */
unsigned hv_ipi_targets(const struct hv_ipi *ipi, const struct hv_apic_cpu *cpus,
			unsigned ncpu, unsigned self, struct hv_cpu_set *out);

/*
 * An INIT or SIPI also reaches CPUs outside svmhv's table, as it would on
 * the hardware: outside[0..n) are the APIC IDs of processors the firmware
 * reports but did not enable (svmhv never runs them). A broadcast (shorthand
 * all or all-but-self, or the broadcast destination) goes to each of them; a
 * physical destination that is one of them, or that no CPU under svmhv has
 * (known == 0 targets from hv_ipi_targets()), goes to that ID alone. An
 * x2APIC-form logical destination goes to each of them whose x2APIC logical
 * ID (hv_x2apic_ldr()) it names; an xAPIC-form logical one cannot be resolved
 * for CPUs svmhv never ran (their LDR is software's): none. An xAPIC-form IPI
 * never names an ID above 0xfe. Writes at
 * most max APIC IDs to out, each to be sent the
 * IPI with a physical destination and no shorthand; returns how many
 * (at most n, or 1: out with n + 1 entries always suffices).
 */
unsigned hv_ipi_outside(const struct hv_ipi *ipi, unsigned known, const uint32_t *outside,
			unsigned n, uint32_t *out, unsigned max);

#endif /* SVMHV_HV_APIC_APIC_H */
