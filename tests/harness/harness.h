/* SPDX-License-Identifier: MIT */
/*
 * A whole svmhv on the host: the real hv_setup()/hv_setup_cpu(), run loop,
 * exit handlers, nested glue and TLB contract, on the fake CPU of fake_hw.h.
 * svmhv's pool and the guest's RAM live at fixed low addresses, so that, as
 * in svmhv's identity-mapped world, a guest-physical address is the host
 * address of its byte. VMRUN is the test's: it sets a VMCB's exit fields and
 * calls harness_exit(), which runs hv_run_exit() and hv_run_prepare().
 */
#ifndef SVMHV_TESTS_HARNESS_HARNESS_H
#define SVMHV_TESTS_HARNESS_HARNESS_H

#include <stdbool.h>
#include <stdint.h>

#include "hv/hv.h"
#include "tests/harness/fake_hw.h"

#define HARNESS_RAM_PA          0x10000000ull   /* the guest's RAM */
#define HARNESS_RAM_SIZE        (8ull << 20)
#define HARNESS_POOL_PA         0x20000000ull   /* svmhv's reserved pool */
#define HARNESS_POOL_SIZE       (16ull << 20)

struct harness_config {
	unsigned ncpu;                  /* 1..FAKE_MAX_CPUS */
	bool nested, force_tlb_flush;
	bool vgif;                      /* vgif=on: L1's GIF on the fake CPU's VGIF, if it has one */
	bool monitor;                   /* escape=^\^\: the debugger shares COM1 (hv/dbg/) */
	bool shutdown_halt, hc_user;    /* shutdown=halt, hypercalls=all */
	unsigned log_level;             /* enum log_level; 0 = LOG_WARN */
	unsigned shadow_pages;          /* per vCPU; 0: nested/'s minimum */
	struct fake_cpu_config cpu;     /* zero: fake_cpu_tcg() */
	unsigned noutside;              /* processors the firmware did not enable ... */
	uint32_t outside[FAKE_MAX_CPUS];        /* ... and their APIC IDs */
	/* The xAPIC LDR and DFR the firmware left in CPU i's APIC (0: untouched). */
	uint32_t fw_ldr[FAKE_MAX_CPUS], fw_dfr[FAKE_MAX_CPUS];
};

/*
 * A fresh svmhv with every CPU taken over: vCPU i runs on fake CPU i, in a
 * 64-bit L1 state whose page tables (in guest RAM) map everything 1:1.
 * 0, or svmhv's error.
 */
int harness_init(const struct harness_config *c);

/* A zeroed page of guest RAM; its address is its gpa. */
void *harness_page(void);
uint64_t harness_pa(const void *p);

/* 64-bit, CPL 0, paging through 1:1 page tables in guest RAM. */
void harness_long_mode(struct vmcb_save *s);

/* A vmcb12 that passes every check: 64-bit L2 on L1's page tables, ASID asid. */
void harness_vmcb12(struct vmcb *vmcb12, uint32_t asid);

/*
 * vCPU i #VMEXITs from the VMCB it runs with code and infos (next_rip =
 * RIP + insn_len when the fake CPU has NRIPS), then svmhv handles it and
 * prepares the next VMRUN. Returns hv_run_prepare()'s answer.
 */
bool harness_exit(unsigned i, uint64_t code, uint64_t info1, uint64_t info2, unsigned insn_len);

/*
 * vCPU i's RDMSR (write false) or WRMSR of msr (with val in EDX:EAX) #VMEXITs
 * (a 2-byte instruction) and svmhv handles it, as harness_exit().
 */
bool harness_msr_exit(unsigned i, uint32_t msr, bool write, uint64_t val);

/* The first VMRUN of vCPU i: hv_run_prepare() on its CPU. */
bool harness_prepare(unsigned i);

/* Run fn on fake CPU i (svmhv's code there sees that CPU's APIC ID). */
#define harness_on_cpu(i, stmt) do { unsigned _c = fake.cur; fake.cur = (i); stmt; fake.cur = _c; } while (0)

#endif /* SVMHV_TESTS_HARNESS_HARNESS_H */
