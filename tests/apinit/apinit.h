/* SPDX-License-Identifier: MIT */
/*
 * apinit: a small guest OS that starts its second CPU with INIT-SIPI-SIPI
 * after that CPU's local APIC was left dirty, and checks the AP finds its
 * APIC as INIT leaves it. Layout of the trampoline pages (ap.asm keeps the
 * same offsets; a change goes in both).
 */
#ifndef SVMHV_TESTS_APINIT_H
#define SVMHV_TESTS_APINIT_H

#include <stdint.h>

#define AP_PAGES        3u
#define AP_PG1          0x1000u
#define AP_GDT          (AP_PG1 + 0x00u)        /* 3 descriptors */
#define AP_GDTR         (AP_PG1 + 0x18u)
#define AP_FARPTR       (AP_PG1 + 0x20u)
#define AP_IDTR         (AP_PG1 + 0x30u)
#define AP_MB_BASE      (AP_PG1 + 0x40u)
#define AP_MB_PHASE     (AP_PG1 + 0x44u)
#define AP_MB_STATE     (AP_PG1 + 0x48u)
#define AP_MB_EXC       (AP_PG1 + 0x4cu)
#define AP_MB_WAIT      (AP_PG1 + 0x50u)        /* u64: TSC ticks with IF = 1 */
#define AP_MB_IRQS      (AP_PG1 + 0x58u)
#define AP_MB_LASTVEC   (AP_PG1 + 0x5cu)
#define AP_MB_X2        (AP_PG1 + 0x60u)        /* 1: x2APIC mode, APIC through MSRs */
#define AP_MB_X2ID      (AP_PG1 + 0x64u)        /* phase 3: MSR 802h */
#define AP_MB_CPUIDB    (AP_PG1 + 0x68u)        /* phase 3: CPUID 0Bh EDX */
#define AP_MB_CPUID1F   (AP_PG1 + 0x6cu)        /* phase 3: CPUID 1Fh EDX, ~0 without */
#define AP_MB_CPUID1    (AP_PG1 + 0x70u)        /* phase 3: CPUID 1 EBX */
#define AP_MB_STOP      (AP_PG1 + 0x74u)        /* phase 3 ends when nonzero */
#define AP_MB_APICBASE  (AP_PG1 + 0x1c0u)       /* u32 per phase: IA32_APIC_BASE[31:0] */
#define AP_MB_REGS      (AP_PG1 + 0x80u)        /* u32 per register, ap.asm reglist */
#define AP_MB_COUNTS    (AP_PG1 + 0x200u)       /* u32 per vector */
#define AP_IDT          (AP_PG1 + 0x800u)       /* 256 32-bit gates */
#define AP_STUB_SIZE    10u

#define AP_ST_DIRTY     0x11u
#define AP_ST_STI       0x21u
#define AP_ST_DONE      0x22u
#define AP_ST_X2_READY  0x31u
#define AP_ST_X2_DONE   0x32u
#define AP_ST_EXC       0xeeu

extern const uint8_t ap_tramp_start[], ap_tramp_pm32[], ap_tramp_stubs[], ap_tramp_end[];

#endif
