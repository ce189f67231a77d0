/* SPDX-License-Identifier: MIT */
/* The fake CPU behind svm/hw.h in host builds. See fake_hw.h. */
#include "tests/harness/fake_hw.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hv/apic/apic.h"
#include "hv/apic/lapic.h"
#include "hv/cpu.h"
#include "hv/hv.h"
#include "svm/hw.h"
#include "svm/svm.h"
#include "svm/world.h"

struct fake_hw fake;

/* MSRs the fake keeps, by slot. */
static const uint32_t msr_slots[] = {
	MSR_EFER, MSR_VM_CR, MSR_VM_HSAVE_PA, MSR_APIC_BASE, MSR_PAT, MSR_DEBUGCTL,
};

struct fake_cpu_config fake_cpu_tcg(void)
{
	return (struct fake_cpu_config){
		.svm_edx = SVM_FEATURE_NPT | SVM_FEATURE_VGIF, .nasid = 16,
		.maxphyaddr = 36, .gbpages = true,
	};
}

void fake_hw_reset(const struct fake_cpu_config *cfg, unsigned ncpu)
{
	memset(&fake, 0, offsetof(struct fake_hw, console));
	memset(&fake.console_len, 0, sizeof(fake) - offsetof(struct fake_hw, console_len));
	fake.console[0] = '\0';
	fake.cfg = *cfg;
	fake.ncpu = ncpu;
	for (unsigned c = 0; c < ncpu; c++) {
		fake.msr[c][0] = EFER_SCE | EFER_LME | EFER_LMA | EFER_NXE;
		fake.msr[c][3] = FAKE_APIC_BASE | APIC_BASE_EN | (c ? 0 : APIC_BASE_BSP);
		fake.apic_regs[c][APIC_ID / 16] = c << 24;
		fake.xcr0[c] = 3;
		if (cfg->syscfg) {
			fake.cur = c;
			wrmsr(MSR_SYSCFG, cfg->syscfg);
		}
	}
	fake.cur = 0;
}

static int msr_slot(uint32_t msr)
{
	for (unsigned i = 0; i < sizeof(msr_slots) / sizeof(msr_slots[0]); i++)
		if (msr_slots[i] == msr)
			return (int)i;
	return -1;
}

bool fake_msr_passed_through(uint32_t msr)
{
	switch (msr) {
	case MSR_FS_BASE: case MSR_GS_BASE: case MSR_KERNEL_GS_BASE:
	case MSR_STAR: case MSR_LSTAR: case MSR_CSTAR: case MSR_SFMASK:
	case 0x174: case 0x175: case 0x176:     /* SYSENTER_CS/ESP/EIP */
		return true;
	default:
		return false;
	}
}

static void count_msr(uint32_t msr)
{
	if (!fake_msr_passed_through(msr))
		fake.msr_exits++;
}

uint64_t read_cr4(void)
{
	return fake.no_osxsave ? CR4_PKE : CR4_OSXSAVE | CR4_PKE;
}

uint64_t xgetbv0(void)
{
	if (fake.no_osxsave)
		abort();                /* #UD */
	return fake.xcr0[fake.cur];
}

void xsetbv0(uint64_t xcr0)
{
	if (fake.no_osxsave || !(xcr0 & 1) || ((xcr0 & 4) && !(xcr0 & 2)))
		abort();                /* #UD, #GP */
	fake.xsetbvs++;
	fake.xcr0[fake.cur] = xcr0;
}

void cpuid_count(uint32_t leaf, uint32_t sub, struct cpuid_regs *r)
{
	fake.cpuids++;
	*r = (struct cpuid_regs){ 0 };
	if (fake.cpuid && fake.cpuid(fake.arg, leaf, sub, r))
		return;
	switch (leaf) {
	case 0:
		r->eax = 0xd;
		r->ebx = 0x68747541;    /* "AuthenticAMD" */
		r->edx = 0x69746e65;
		r->ecx = 0x444d4163;
		if (fake.cfg.intel) {
			r->ebx = 0x756e6547;    /* "GenuineIntel" */
			r->edx = 0x49656e69;
			r->ecx = 0x6c65746e;
		}
		break;
	case 1:
		r->eax = fake.cfg.signature ? fake.cfg.signature : 0x00a00f11;
		r->ebx = fake.cur << 24;
		/* SSE3, CX16, XSAVE, and OSXSAVE: svmhv's host runs with CR4.OSXSAVE */
		r->ecx = BIT(0) | BIT(13) | CPUID_1_ECX_XSAVE | CPUID_1_ECX_OSXSAVE |
			 (fake.cfg.x2apic ? CPUID_1_ECX_X2APIC : 0) | fake.cfg.ecx1;
		r->edx = BIT(0) | BIT(3) | BIT(4) | BIT(5) | BIT(6) | BIT(9) | BIT(13) |
			 BIT(16) | BIT(24) | BIT(25) | BIT(26);
		break;
	case 7:
		/* PKU, and OSPKE: svmhv's host runs with CR4.PKE (sub-leaf 0) */
		if (sub == 0)
			r->ecx = CPUID_7_0_ECX_PKU | CPUID_7_0_ECX_OSPKE;
		break;
	case 0x80000000u:
		r->eax = fake.cfg.ext_max ? fake.cfg.ext_max : 0x8000000au;
		break;
	case 0x80000001u:
		r->ecx = CPUID_80000001_ECX_SVM;
		r->edx = CPUID_80000001_EDX_SYSCALL | CPUID_80000001_EDX_NX |
			 CPUID_80000001_EDX_LM |
			 (fake.cfg.gbpages ? CPUID_80000001_EDX_PAGE1GB : 0);
		break;
	case 0x80000008u:
		r->eax = fake.cfg.maxphyaddr | (48u << 8);
		r->ebx = fake.cfg.ext8_ebx;
		r->edx = fake.cfg.ext8_edx;
		break;
	case 0x8000001fu:
		r->eax = fake.cfg.ext1f_eax;
		r->ebx = fake.cfg.ext1f_ebx;
		break;
	case 0x8000000au:
		r->eax = 1;
		r->ebx = fake.cfg.nasid;
		r->edx = fake.cfg.svm_edx;
		break;
	default:
		break;
	}
}

/* Where any other MSR lives: its slot, or a free one; NULL when full. */
static uint64_t *other_msr(uint32_t msr, bool create)
{
	for (unsigned i = 0; i < 32; i++) {
		if (fake.other[fake.cur][i].used && fake.other[fake.cur][i].msr == msr)
			return &fake.other[fake.cur][i].val;
		if (create && !fake.other[fake.cur][i].used) {
			fake.other[fake.cur][i].used = true;
			fake.other[fake.cur][i].msr = msr;
			return &fake.other[fake.cur][i].val;
		}
	}
	return NULL;
}

uint64_t rdmsr(uint32_t msr)
{
	int s = msr_slot(msr);
	uint64_t *o = s < 0 ? other_msr(msr, false) : NULL;

	count_msr(msr);
	return s >= 0 ? fake.msr[fake.cur][s] : o ? *o : 0;
}

void wrmsr(uint32_t msr, uint64_t val)
{
	int s = msr_slot(msr);
	uint64_t *o = s < 0 ? other_msr(msr, true) : NULL;

	count_msr(msr);
	if (msr == MSR_VM_CR && fake.cfg.no_r_init)
		val &= ~VM_CR_R_INIT;
	if (s >= 0)
		fake.msr[fake.cur][s] = val;
	else if (o)
		*o = val;
}

int rdmsr_safe(uint32_t msr, uint64_t *val)
{
	if (fake.msr_gp && fake.msr_gp(fake.arg, msr, false, 0)) {
		count_msr(msr);
		fake.msr_faults++;
		*val = 0;
		return -1;
	}
	*val = rdmsr(msr);
	return 0;
}

int wrmsr_safe(uint32_t msr, uint64_t val)
{
	if (fake.msr_gp && fake.msr_gp(fake.arg, msr, true, val)) {
		count_msr(msr);
		fake.msr_faults++;
		return -1;
	}
	wrmsr(msr, val);
	return 0;
}

uint64_t read_cr2(void)
{
	return 0;
}

static void port_out(uint16_t port, unsigned size, uint32_t v)
{
	fake.port_writes++;
	fake.last_port = port;
	fake.last_port_value = v;
	if (fake.port_out)
		fake.port_out(fake.arg, port, size, v);
}

static uint32_t port_in(uint16_t port, unsigned size)
{
	return fake.port_in ? fake.port_in(fake.arg, port, size) : 0xffffffffu;
}

void outw(uint16_t port, uint16_t v)
{
	port_out(port, 2, v);
}

uint16_t inw(uint16_t port)
{
	return (uint16_t)port_in(port, 2);
}

void outl(uint16_t port, uint32_t v)
{
	port_out(port, 4, v);
}

uint32_t inl(uint16_t port)
{
	return port_in(port, 4);
}

/* The UART: THR writes are the console; LSR always says "ready". */
void outb(uint16_t port, uint8_t v)
{
	if (port < 0x3f8 || port > 0x3ff) {
		port_out(port, 1, v);
		return;
	}
	if (port != 0x3f8 || fake.console_len + 1 >= sizeof(fake.console))
		return;
	fake.console[fake.console_len++] = (char)v;
	fake.console[fake.console_len] = '\0';
	if (fake.console_echo && v != '\r')
		fputc(v, stderr);
}

/* COM1: THR always empty; received bytes from fake.rx; no interrupt pending. */
uint8_t inb(uint16_t port)
{
	bool data = fake.rx && fake.rx_pos < fake.rx_len;

	if (port < 0x3f8 || port > 0x3ff)       /* other ports: the test's, else 0 */
		return fake.port_in ? (uint8_t)port_in(port, 1) : 0;
	switch (port) {
	case 0x3f8:
		return data ? (uint8_t)fake.rx[fake.rx_pos++] : 0;
	case 0x3f8 + 2:
		return 0x01;
	case 0x3f8 + 5:
		return (uint8_t)(0x60 | (data ? 1 : 0));
	default:
		return 0;
	}
}

void cpu_relax(void)
{
	if (fake.relax)
		fake.relax(fake.arg);
}

void cli(void)
{
}

uint64_t read_dr(unsigned n)
{
	return n < 8 ? fake.dr[fake.cur][n] : 0;
}

void write_dr(unsigned n, uint64_t v)
{
	if (n < 8)
		fake.dr[fake.cur][n] = v;
}

uint64_t rdtsc(void)
{
	static uint64_t tsc;

	return tsc += 1000;
}

void stgi(void)
{
	fake.gif[fake.cur] = true;
	fake.stgis[fake.cur]++;
	if (fake.stgi)
		fake.stgi(fake.arg, fake.cur);
}

void clgi(void)
{
	fake.gif[fake.cur] = false;
}

void invlpga(uint64_t va, uint32_t asid)
{
	fake.invlpgas++;
	if (fake.invlpga)
		fake.invlpga(fake.arg, va, asid);
}

void vmsave(uint64_t pa)
{
	(void)pa;
}

void vmload(uint64_t pa)
{
	(void)pa;
}

/* No svmhv below the fake CPU: the hypercall is unknown. */
void vmmcall(uint64_t r[4])
{
	r[0] = (uint64_t)-1;
}

/* A halt that ends at once: other CPUs run meanwhile (the relax hook). */
void halt_unless(const uint32_t *word)
{
	if (!__atomic_load_n(word, __ATOMIC_SEQ_CST))
		fake.halts[fake.cur]++;
	if (fake.relax)
		fake.relax(fake.arg);
}

void halt_forever(void)
{
	if (fake.halt)
		longjmp(*fake.halt, 1);
	fprintf(stderr, "fake_hw: svmhv halted the CPU (a panic); console:\n%s\n", fake.console);
	abort();
}

void halt_forever_gif_open(void)
{
	stgi();
	halt_forever();
}

bool fake_console_has(const char *s)
{
	return strstr(fake.console, s) != NULL;
}

void fake_console_clear(void)
{
	fake.console_len = 0;
	fake.console[0] = '\0';
}

/* ---- the physical local APIC (hv/apic/lapic.h) ---- */

bool hv_lapic_x2apic(void)
{
	return false;
}

uint64_t hv_lapic_base(void)
{
	return FAKE_APIC_BASE;
}

uint32_t hv_lapic_read(unsigned reg)
{
	return fake.apic_regs[fake.cur][(reg / 16) % 64];
}

/* Highest set bit of an 8-register bank (ISR or IRR) at offset base, or -1. */
static int fake_bank_top(unsigned base)
{
	for (int w = 7; w >= 0; w--) {
		uint32_t bits = fake.apic_regs[fake.cur][base / 16 + (unsigned)w];

		if (bits)
			return w * 32 + 31 - __builtin_clz(bits);
	}
	return -1;
}

static void fake_bank_bit(unsigned base, int vec, bool set)
{
	uint32_t *r = &fake.apic_regs[fake.cur][base / 16 + (unsigned)vec / 32];

	*r = set ? *r | (1u << (vec % 32)) : *r & ~(1u << (vec % 32));
}

/* EOI clears the highest in-service vector (and its TMR bit). See: SDM3 10.8.5. */
void hv_lapic_write(unsigned reg, uint32_t val)
{
	int top;

	if (reg == APIC_EOI && (top = fake_bank_top(APIC_ISR)) >= 0) {
		fake_bank_bit(APIC_ISR, top, false);
		fake_bank_bit(APIC_TMR, top, false);
	}
	fake.apic_regs[fake.cur][(reg / 16) % 64] = val;
}

/* The highest pending vector moves to ISR, as the CPU's INTA would do. */
void hv_lapic_accept_pending(void)
{
	int top = fake_bank_top(APIC_IRR);

	fake.accepts++;
	if (fake.accept)
		fake.accept(fake.arg);
	if (top < 0 || !(fake.apic_regs[fake.cur][APIC_SVR / 16] & 0x100u))
		return;
	fake_bank_bit(APIC_IRR, top, false);
	fake_bank_bit(APIC_ISR, top, true);
	hv.cpus[fake.cur].host_irqs++;
}

/* IPIs: NMIs to one CPU (physical destination) are what svmhv sends itself. */
void hv_lapic_send_icr(uint64_t icr, uint32_t restore_hi)
{
	unsigned dest = (unsigned)(icr >> APIC_ICR_XAPIC_DEST_SHIFT);

	(void)restore_hi;
	if (fake.ipis < sizeof(fake.icr_log) / sizeof(fake.icr_log[0]))
		fake.icr_log[fake.ipis] = icr;
	fake.ipis++;
	fake.last_icr = icr;
	if (((icr & APIC_ICR_DM_MASK) >> APIC_ICR_DM_SHIFT) != HV_APIC_DM_NMI ||
	    dest >= fake.ncpu)
		return;
	fake.nmis[dest]++;
	if (fake.nmi)
		fake.nmi(fake.arg, dest);
}

/* ---- the rest of the CPU svmhv's host side touches ---- */

void hv_platform_reset(void)
{
	fake.resets++;
}

void svm_world_switch(struct svm_world *w)
{
	(void)w;
	fprintf(stderr, "fake_hw: svm_world_switch: tests run the loop's halves instead\n");
	abort();
}

void svm_world_start(void *host_stack_top, void (*loop)(void *), void *arg)
{
	(void)host_stack_top;
	(void)loop;
	(void)arg;
	abort();
}
