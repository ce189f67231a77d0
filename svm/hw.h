/* SPDX-License-Identifier: MIT */
/*
 * Thin wrappers around privileged x86 and SVM instructions: the only place
 * svmhv's C code executes them. Host builds (SVMHV_HOST_TEST) get the same
 * names as functions of a fake CPU (tests/harness/fake_hw.c), so the run
 * loop, exit handlers and nested glue run in unit tests and the model checker.
 */
#ifndef SVMHV_SVM_HW_H
#define SVMHV_SVM_HW_H

#include <stdint.h>

#include "svm/x86.h"        /* struct cpuid_regs */

/*
 * RDMSR / WRMSR of an MSR a guest chose, or with a value it chose: the CPU
 * may raise #GP (no such MSR, a reserved bit, a read-only register), and a
 * #GP in host mode must become the guest's #GP, never svmhv's panic. These
 * return 0, or -1 when the instruction faulted (then *val is 0 and nothing
 * was written). Non-host builds: an exception-table entry (struct
 * hv_extable) names the instruction and a landing pad after it; svmhv's #GP
 * handler (hv/cpu.c) resumes there instead of panicking. Plain rdmsr() and
 * wrmsr() stay for svmhv's own MSRs, where a fault is svmhv's bug.
 */
#ifdef SVMHV_HOST_TEST
int rdmsr_safe(uint32_t msr, uint64_t *val);
int wrmsr_safe(uint32_t msr, uint64_t val);
void cpuid_count(uint32_t leaf, uint32_t sub, struct cpuid_regs *r);
uint64_t rdmsr(uint32_t msr);
void wrmsr(uint32_t msr, uint64_t val);
uint64_t read_cr2(void);
void outb(uint16_t port, uint8_t v);
uint8_t inb(uint16_t port);
void outw(uint16_t port, uint16_t v);
uint16_t inw(uint16_t port);
void outl(uint16_t port, uint32_t v);
uint32_t inl(uint16_t port);
void cpu_relax(void);
void cli(void);
uint64_t rdtsc(void);
void stgi(void);
void clgi(void);
void invlpga(uint64_t va, uint32_t asid);
void vmsave(uint64_t pa);
void vmload(uint64_t pa);
void vmmcall(uint64_t r[4]);
void halt_forever(void) __attribute__((noreturn));
void halt_forever_gif_open(void) __attribute__((noreturn));
void halt_unless(const uint32_t *word);
uint64_t read_dr(unsigned n);
void write_dr(unsigned n, uint64_t v);
uint64_t read_cr4(void);
uint64_t xgetbv0(void);
void xsetbv0(uint64_t xcr0);
#else

struct __attribute__((packed)) desc_ptr {
	uint16_t limit;
	uint64_t base;
};

static inline void cpuid_count(uint32_t leaf, uint32_t sub, struct cpuid_regs *r)
{
	__asm__ volatile("cpuid"
			 : "=a"(r->eax), "=b"(r->ebx), "=c"(r->ecx), "=d"(r->edx)
			 : "a"(leaf), "c"(sub));
}

static inline uint64_t rdmsr(uint32_t msr)
{
	uint32_t lo, hi;

	__asm__ volatile("rdmsr" : "=a"(lo), "=d"(hi) : "c"(msr));
	return ((uint64_t)hi << 32) | lo;
}

static inline void wrmsr(uint32_t msr, uint64_t val)
{
	__asm__ volatile("wrmsr" ::"c"(msr), "a"((uint32_t)val), "d"((uint32_t)(val >> 32))
			 : "memory");
}

/*
 * One exception-table entry: the faulting instruction and where to resume,
 * as offsets from the fields themselves, so the table needs no relocation
 * in the rebased copy (boot/relocate.c). linker.ld collects .hv_extable.
 */
struct hv_extable {
	int32_t insn, fixup;
};

#define HV_EXTABLE_ENTRY(insn, fixup) \
	".pushsection .hv_extable, \"a\"\n\t.balign 4\n\t" \
	".long " #insn " - ., " #fixup " - .\n\t.popsection\n\t"

/* err starts as -1; only the instruction after the MSR access clears it. */
static inline int rdmsr_safe(uint32_t msr, uint64_t *val)
{
	uint32_t lo = 0, hi = 0;
	int err;

	__asm__ volatile("1: rdmsr\n\t"
			 "xorl %[err], %[err]\n"
			 "2:\n\t"
			 HV_EXTABLE_ENTRY(1b, 2b)
			 : [err] "=r"(err), "+a"(lo), "+d"(hi)
			 : "c"(msr), "0"(-1));
	*val = err ? 0 : ((uint64_t)hi << 32) | lo;
	return err;
}

static inline int wrmsr_safe(uint32_t msr, uint64_t val)
{
	int err;

	__asm__ volatile("1: wrmsr\n\t"
			 "xorl %[err], %[err]\n"
			 "2:\n\t"
			 HV_EXTABLE_ENTRY(1b, 2b)
			 : [err] "=r"(err)
			 : "c"(msr), "a"((uint32_t)val), "d"((uint32_t)(val >> 32)), "0"(-1)
			 : "memory");
	return err;
}

#define DEFINE_READ_CR(n) \
	static inline uint64_t read_cr##n(void) \
	{ uint64_t v; __asm__ volatile("mov %%cr" #n ", %0" : "=r"(v)); return v; }
#define DEFINE_WRITE_CR(n) \
	static inline void write_cr##n(uint64_t v) \
	{ __asm__ volatile("mov %0, %%cr" #n ::"r"(v) : "memory"); }
DEFINE_READ_CR(0)
DEFINE_READ_CR(2)
DEFINE_READ_CR(3)
DEFINE_READ_CR(4)
DEFINE_WRITE_CR(3)
DEFINE_WRITE_CR(4)

/*
 * XCR0. XGETBV has no SVM intercept, so it never exits to a hypervisor
 * below; both need CR4.OSXSAVE. See: APM2 15.9 (XSETBV intercept), APM3 XGETBV.
 */
static inline uint64_t xgetbv0(void)
{
	uint32_t lo, hi;

	__asm__ volatile("xgetbv" : "=a"(lo), "=d"(hi) : "c"(0));
	return ((uint64_t)hi << 32) | lo;
}

static inline void xsetbv0(uint64_t xcr0)
{
	__asm__ volatile("xsetbv" ::"c"(0), "a"((uint32_t)xcr0), "d"((uint32_t)(xcr0 >> 32))
			 : "memory");
}

static inline uint64_t read_dr6(void)
{ uint64_t v; __asm__ volatile("mov %%dr6, %0" : "=r"(v)); return v; }
static inline uint64_t read_dr7(void)
{ uint64_t v; __asm__ volatile("mov %%dr7, %0" : "=r"(v)); return v; }

/* DR0-DR3 and DR7 by number (the debugger loads gdb's breakpoints). */
static inline uint64_t read_dr(unsigned n)
{
	uint64_t v = 0;

	switch (n) {
	case 0: __asm__ volatile("mov %%dr0, %0" : "=r"(v)); break;
	case 1: __asm__ volatile("mov %%dr1, %0" : "=r"(v)); break;
	case 2: __asm__ volatile("mov %%dr2, %0" : "=r"(v)); break;
	case 3: __asm__ volatile("mov %%dr3, %0" : "=r"(v)); break;
	case 7: __asm__ volatile("mov %%dr7, %0" : "=r"(v)); break;
	}
	return v;
}

static inline void write_dr(unsigned n, uint64_t v)
{
	switch (n) {
	case 0: __asm__ volatile("mov %0, %%dr0" ::"r"(v)); break;
	case 1: __asm__ volatile("mov %0, %%dr1" ::"r"(v)); break;
	case 2: __asm__ volatile("mov %0, %%dr2" ::"r"(v)); break;
	case 3: __asm__ volatile("mov %0, %%dr3" ::"r"(v)); break;
	case 7: __asm__ volatile("mov %0, %%dr7" ::"r"(v)); break;
	}
}

static inline uint64_t read_rflags(void)
{
	uint64_t f;

	__asm__ volatile("pushfq; popq %0" : "=r"(f));
	return f;
}

#define DEFINE_READ_SEG(s) \
	static inline uint16_t read_##s(void) \
	{ uint16_t v; __asm__ volatile("mov %%" #s ", %0" : "=r"(v)); return v; }
DEFINE_READ_SEG(cs)
DEFINE_READ_SEG(ss)
DEFINE_READ_SEG(ds)
DEFINE_READ_SEG(es)

static inline void sgdt(struct desc_ptr *d) { __asm__ volatile("sgdt %0" : "=m"(*d)); }
static inline void sidt(struct desc_ptr *d) { __asm__ volatile("sidt %0" : "=m"(*d)); }
static inline void lgdt(const struct desc_ptr *d) { __asm__ volatile("lgdt %0" ::"m"(*d)); }
static inline void lidt(const struct desc_ptr *d) { __asm__ volatile("lidt %0" ::"m"(*d)); }
static inline void ltr(uint16_t sel) { __asm__ volatile("ltr %0" ::"r"(sel)); }

static inline void outb(uint16_t port, uint8_t v)
{
	__asm__ volatile("outb %0, %1" ::"a"(v), "Nd"(port));
}

static inline uint8_t inb(uint16_t port)
{
	uint8_t v;

	__asm__ volatile("inb %1, %0" : "=a"(v) : "Nd"(port));
	return v;
}

static inline void outw(uint16_t port, uint16_t v)
{
	__asm__ volatile("outw %0, %1" ::"a"(v), "Nd"(port));
}

static inline uint16_t inw(uint16_t port)
{
	uint16_t v;

	__asm__ volatile("inw %1, %0" : "=a"(v) : "Nd"(port));
	return v;
}

static inline void outl(uint16_t port, uint32_t v)
{
	__asm__ volatile("outl %0, %1" ::"a"(v), "Nd"(port));
}

static inline uint32_t inl(uint16_t port)
{
	uint32_t v;

	__asm__ volatile("inl %1, %0" : "=a"(v) : "Nd"(port));
	return v;
}

static inline void cpu_relax(void) { __asm__ volatile("pause"); }
static inline void cli(void) { __asm__ volatile("cli" ::: "memory"); }
static inline void hlt(void) { __asm__ volatile("hlt"); }
/*
 * HLT unless *word is non-zero, with no lost wake-up: an NMI taken after the
 * check and before HLT resumes past it (hv/cpu.c, the NMI handler's window),
 * so a waker that sets *word and then sends an NMI always ends the halt.
 * Caller: GIF = 1 (else the NMI is held and never wakes the HLT), host IF = 0.
 */
void halt_unless(const uint32_t *word);
static inline uint64_t rdtsc(void)
{
	uint32_t lo, hi;

	__asm__ volatile("rdtsc" : "=a"(lo), "=d"(hi));
	return ((uint64_t)hi << 32) | lo;
}

static inline void stgi(void) { __asm__ volatile("stgi" ::: "memory"); }
static inline void clgi(void) { __asm__ volatile("clgi" ::: "memory"); }

/* INVLPGA va, asid: one page of one ASID on this CPU. See: APM2 15.16.2. */
static inline void invlpga(uint64_t va, uint32_t asid)
{
	__asm__ volatile("invlpga %%rax, %%ecx" ::"a"(va), "c"(asid) : "memory");
}

static inline void vmsave(uint64_t pa) { __asm__ volatile("vmsave %%rax" ::"a"(pa) : "memory"); }
static inline void vmload(uint64_t pa) { __asm__ volatile("vmload %%rax" ::"a"(pa) : "memory"); }

/* VMMCALL with r = RAX, RBX, RCX, RDX in and out: an svmhv's hypercall to the
 * svmhv below it (nesting level > 0, see hv/hypercall.h). */
static inline void vmmcall(uint64_t r[4])
{
	__asm__ volatile("vmmcall" : "+a"(r[0]), "+b"(r[1]), "+c"(r[2]), "+d"(r[3]) : : "memory");
}

static inline __attribute__((noreturn)) void halt_forever(void)
{
	for (;;) {
		cli();
		hlt();
	}
}

/*
 * Stopped for good in host mode (EFER.SVME = 1), with GIF open and IF
 * clear: an SMI is taken (the firmware's SMM rendezvous waits for every
 * CPU), as is an NMI (svmhv's host handler counts it, then HLT again);
 * maskable interrupts stay off. See: APM2 15.17 (GIF).
 */
static inline __attribute__((noreturn)) void halt_forever_gif_open(void)
{
	for (;;) {
		cli();
		stgi();
		hlt();
	}
}

#endif /* SVMHV_HOST_TEST */
#endif /* SVMHV_SVM_HW_H */
