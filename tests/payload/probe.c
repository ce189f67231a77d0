/* SPDX-License-Identifier: MIT */
/*
 * Probes: run one instruction that may fault and report which exception it
 * raised. A private IDT (vectors 0..31, gcc interrupt handlers) replaces the
 * firmware's between probe_begin() and probe_end(), with interrupts off, so
 * no firmware code runs while it is loaded.
 *
 * Each probe stores the address of the instruction after it in trap_resume
 * ("arming") right before executing it; a handler that finds trap_resume
 * set records the vector and resumes there (Linux's exception tables, in
 * miniature). An exception with nothing armed is a payload bug: it is
 * printed straight to COM1 as "PAYLOAD: FATAL ..." and the CPU halts, so
 * the harness stops waiting at once.
 * See: AMD64 APM Vol. 2 (rev. 3.42) 8.9 (64-bit IDT gates), 8.2 (vectors).
 */
#include "tests/payload/payload.h"

struct interrupt_frame {
	uint64_t rip, cs, rflags, rsp, ss;
};
typedef unsigned long long uword_t __attribute__((mode(__word__)));

struct idt_gate {
	uint16_t offset_lo;
	uint16_t selector;
	uint8_t  ist;
	uint8_t  type_attr;     /* P=1, DPL=0, type 0xE: 64-bit interrupt gate */
	uint16_t offset_mid;
	uint32_t offset_hi;
	uint32_t reserved;
} __attribute__((packed));
_Static_assert(sizeof(struct idt_gate) == 16, "64-bit IDT gate is 16 bytes");

struct dtr {
	uint16_t limit;
	uint64_t base;
} __attribute__((packed));

#define IDT_VECTORS     32
#define GATE_INTR64     0x8e
#define COM1            0x3f8

static struct idt_gate idt[IDT_VECTORS] __attribute__((aligned(16)));
static struct dtr fw_idtr, our_idtr;
static uint64_t saved_rflags;
static int probing;

static volatile uint64_t trap_resume;   /* armed resume address, 0 = none */
static volatile unsigned trap_vector = PROBE_NO_FAULT;
static volatile uint64_t trap_rip, trap_error;

static void outb(uint16_t port, uint8_t v)
{
	__asm__ volatile("outb %0, %1" : : "a"(v), "Nd"(port));
}

static uint8_t inb(uint16_t port)
{
	uint8_t v;

	__asm__ volatile("inb %1, %0" : "=a"(v) : "Nd"(port));
	return v;
}

static void com1_puts(const char *s)
{
	for (; *s; s++)
		for (int spin = 0; spin < 100000; spin++)
			if (inb(COM1 + 5) & 0x20) {
				outb(COM1, (uint8_t)*s);
				break;
			}
}

static void __attribute__((noreturn)) fatal(unsigned vec, uint64_t rip, uint64_t err)
{
	static const char hex[] = "0123456789abcdef";
	char msg[] = "\r\nPAYLOAD: FATAL unexpected exception vv at rip 0x................"
		" err 0x................\r\n";
	char *p = msg;

	while (*p != 'v')
		p++;
	p[0] = (char)('0' + vec / 10);
	p[1] = (char)('0' + vec % 10);
	for (int pass = 0; pass < 2; pass++) {
		uint64_t v = pass ? err : rip;

		while (*p != '.')
			p++;
		for (int i = 15; i >= 0; i--, v >>= 4)
			p[i] = hex[v & 15];
		p += 16;
	}
	com1_puts(msg);
	for (;;)
		__asm__ volatile("cli; hlt");
}

static void trap_common(struct interrupt_frame *f, unsigned vec, uint64_t err)
{
	if (!trap_resume)
		fatal(vec, f->rip, err);
	trap_vector = vec;
	trap_rip = f->rip;
	trap_error = err;
	f->rip = trap_resume;
	f->rflags &= ~0x100ull;         /* a single-step probe stops stepping here */
	trap_resume = 0;
}

#define TRAP(n) \
	__attribute__((interrupt)) static void trap_##n(struct interrupt_frame *f) \
	{ trap_common(f, n, 0); }
#define TRAP_E(n) \
	__attribute__((interrupt)) static void trap_##n(struct interrupt_frame *f, uword_t e) \
	{ trap_common(f, n, e); }

/* NMI nesting (probe_nmi_nesting()): the first NMI sends a second and waits inside. */
static volatile int nmi_nesting;
static volatile unsigned nmi_taken, nmi_taken_inside;
static volatile uint64_t nmi_apic;
static volatile int nmi_x2;
static volatile uint32_t nmi_spins;

static void icr_self(uint64_t apic_pa, int x2apic, uint32_t icr)
{
	if (x2apic)
		__asm__ volatile("wrmsr" : : "a"(icr), "d"(0), "c"(0x830u) : "memory");
	else
		*(volatile uint32_t *)(apic_pa + 0x300) = icr;
}

__attribute__((interrupt)) static void trap_2(struct interrupt_frame *f)
{
	unsigned n;

	if (!nmi_nesting) {
		trap_common(f, 2, 0);
		return;
	}
	n = ++nmi_taken;
	if (n != 1)
		return;
	icr_self(nmi_apic, nmi_x2, 0x44400u);   /* NMI to self, while this one runs */
	for (uint32_t i = nmi_spins; i; i--)
		__asm__ volatile("pause");
	nmi_taken_inside = nmi_taken;
}

TRAP(0) TRAP(1) TRAP(3) TRAP(4) TRAP(5) TRAP(6) TRAP(7)
TRAP_E(8) TRAP(9) TRAP_E(10) TRAP_E(11) TRAP_E(12) TRAP_E(13) TRAP_E(14) TRAP(15)
TRAP(16) TRAP_E(17) TRAP(18) TRAP(19) TRAP(20) TRAP_E(21) TRAP(22) TRAP(23)
TRAP(24) TRAP(25) TRAP(26) TRAP(27) TRAP(28) TRAP_E(29) TRAP_E(30) TRAP(31)

static void set_gate(unsigned vec, void *handler, uint16_t cs)
{
	uint64_t a = (uint64_t)handler;

	idt[vec] = (struct idt_gate){
		.offset_lo = (uint16_t)a, .selector = cs, .ist = 0,
		.type_attr = GATE_INTR64, .offset_mid = (uint16_t)(a >> 16),
		.offset_hi = (uint32_t)(a >> 32), .reserved = 0,
	};
}

static void idt_build(void)
{
	void *h[IDT_VECTORS] = {
		trap_0, trap_1, trap_2, trap_3, trap_4, trap_5, trap_6, trap_7,
		trap_8, trap_9, trap_10, trap_11, trap_12, trap_13, trap_14, trap_15,
		trap_16, trap_17, trap_18, trap_19, trap_20, trap_21, trap_22, trap_23,
		trap_24, trap_25, trap_26, trap_27, trap_28, trap_29, trap_30, trap_31,
	};
	uint16_t cs;

	__asm__ volatile("mov %%cs, %0" : "=r"(cs));
	for (unsigned v = 0; v < IDT_VECTORS; v++)
		set_gate(v, h[v], cs);
	our_idtr.limit = sizeof(idt) - 1;
	our_idtr.base = (uint64_t)idt;
}

void probe_begin(void)
{
	if (probing++)
		return;
	if (!our_idtr.base)
		idt_build();
	__asm__ volatile("pushfq; popq %0; cli" : "=r"(saved_rflags) : : "memory");
	__asm__ volatile("sidt %0" : "=m"(fw_idtr));
	__asm__ volatile("lidt %0" : : "m"(our_idtr) : "memory");
}

void probe_end(void)
{
	if (--probing)
		return;
	__asm__ volatile("lidt %0" : : "m"(fw_idtr) : "memory");
	if (saved_rflags & (1u << 9))
		__asm__ volatile("sti" : : : "memory");
}

/* Arm: store the landing label "1:" after the probed instruction. */
#define ARM     PROBE_ARM
#define LAND    PROBE_LAND

static unsigned disarm(void)
{
	trap_resume = 0;
	return trap_vector;
}

volatile uint64_t *probe_arm(void)
{
	trap_vector = PROBE_NO_FAULT;
	return &trap_resume;
}

unsigned probe_disarm(void)
{
	return disarm();
}

unsigned probe_rdmsr(uint32_t msr, uint64_t *val)
{
	uint32_t lo = 0, hi = 0;

	trap_vector = PROBE_NO_FAULT;
	__asm__ volatile(ARM "rdmsr" LAND
			 : "+a"(lo), "+d"(hi)
			 : "c"(msr), [slot] "r"(&trap_resume)
			 : "r11", "memory");
	*val = ((uint64_t)hi << 32) | lo;
	return disarm();
}

unsigned probe_wrmsr(uint32_t msr, uint64_t val)
{
	trap_vector = PROBE_NO_FAULT;
	__asm__ volatile(ARM "wrmsr" LAND
			 : : "a"((uint32_t)val), "d"((uint32_t)(val >> 32)), "c"(msr),
			   [slot] "r"(&trap_resume)
			 : "r11", "memory");
	return disarm();
}

unsigned probe_vmmcall(struct hcall *hc)
{
	uint64_t a = hc->rax, b = hc->rbx, c = hc->rcx, d = hc->rdx;

	trap_vector = PROBE_NO_FAULT;
	__asm__ volatile(ARM "vmmcall" LAND
			 : "+a"(a), "+b"(b), "+c"(c), "+d"(d)
			 : [slot] "r"(&trap_resume)
			 : "r11", "memory");
	hc->rax = a;
	hc->rbx = b;
	hc->rcx = c;
	hc->rdx = d;
	return disarm();
}

/* One SVM instruction: RAX = its address operand, ECX = 0 (INVLPGA's ASID). */
#define SVM_PROBE(mnemonic) \
	__asm__ volatile(ARM mnemonic LAND \
			 : "+a"(rax) : "c"(0), [slot] "r"(&trap_resume) \
			 : "r11", "memory")

unsigned probe_svm_insn(enum svm_insn insn, uint64_t rax)
{
	trap_vector = PROBE_NO_FAULT;
	switch (insn) {
	case INSN_VMRUN:   SVM_PROBE("vmrun %%rax"); break;
	case INSN_VMLOAD:  SVM_PROBE("vmload %%rax"); break;
	case INSN_VMSAVE:  SVM_PROBE("vmsave %%rax"); break;
	case INSN_STGI:    SVM_PROBE("stgi"); break;
	case INSN_CLGI:    SVM_PROBE("clgi"); break;
	case INSN_SKINIT:  SVM_PROBE("skinit %%eax"); break;
	case INSN_INVLPGA: SVM_PROBE("invlpga %%rax, %%ecx"); break;
	default:           break;
	}
	return disarm();
}

/* Set RFLAGS.TF and execute one NOP: the CPU raises #DB (a trap) after it. */
unsigned probe_single_step(void)
{
	trap_vector = PROBE_NO_FAULT;
	__asm__ volatile(ARM "pushfq\n\torq $0x100, (%%rsp)\n\tpopfq\n\tnop" LAND
			 : : [slot] "r"(&trap_resume)
			 : "r11", "memory", "cc");
	return disarm();
}

/* INVLPGA with an ASID other than probe_svm_insn()'s 0. */
unsigned probe_invlpga(uint64_t va, uint32_t asid)
{
	trap_vector = PROBE_NO_FAULT;
	__asm__ volatile(ARM "invlpga %%rax, %%ecx" LAND
			 : : "a"(va), "c"(asid), [slot] "r"(&trap_resume)
			 : "r11", "memory");
	return disarm();
}

unsigned probe_copy(void *dst, uint64_t src_pa, size_t qwords)
{
	void *d = dst;
	uint64_t s = src_pa;
	size_t n = qwords;

	trap_vector = PROBE_NO_FAULT;
	__asm__ volatile(ARM "cld\n\trep movsq" LAND
			 : "+D"(d), "+S"(s), "+c"(n)
			 : [slot] "r"(&trap_resume)
			 : "r11", "memory");
	return disarm();
}

/* A plain "mov %rax, (%rdi)" (48 89 07): the form svmhv must skip. */
unsigned probe_write64(uint64_t pa, uint64_t val)
{
	trap_vector = PROBE_NO_FAULT;
	__asm__ volatile(ARM "movq %%rax, (%%rdi)" LAND
			 : : "a"(val), "D"(pa), [slot] "r"(&trap_resume)
			 : "r11", "memory");
	return disarm();
}

/* A 4-byte "mov %eax, (%rdi)" (89 07): an xAPIC register store. */
unsigned probe_write32(uint64_t pa, uint32_t val)
{
	trap_vector = PROBE_NO_FAULT;
	__asm__ volatile(ARM "movl %%eax, (%%rdi)" LAND
			 : : "a"(val), "D"(pa), [slot] "r"(&trap_resume)
			 : "r11", "memory");
	return disarm();
}

/* MOV CR4, rax / MOV CR3, rax (tests/attack: reserved bits must #GP). */
unsigned probe_mov_cr4(uint64_t val)
{
	trap_vector = PROBE_NO_FAULT;
	__asm__ volatile(ARM "mov %%rax, %%cr4" LAND
			 : : "a"(val), [slot] "r"(&trap_resume)
			 : "r11", "memory");
	return disarm();
}

unsigned probe_mov_cr3(uint64_t val)
{
	trap_vector = PROBE_NO_FAULT;
	__asm__ volatile(ARM "mov %%rax, %%cr3" LAND
			 : : "a"(val), [slot] "r"(&trap_resume)
			 : "r11", "memory");
	return disarm();
}

/*
 * Write icr to the xAPIC ICR_LO at apic_pa (a plain 32-bit MOV, the form
 * svmhv emulates), or WRMSR it to the x2APIC ICR when x2apic; then spin for
 * spins PAUSEs. Returns the vector taken in that window (an IPI to self:
 * VEC_NMI for an NMI), or PROBE_NO_FAULT.
 */
unsigned probe_icr_self(uint64_t apic_pa, int x2apic, uint32_t icr, uint32_t spins)
{
	trap_vector = PROBE_NO_FAULT;
	if (x2apic)
		__asm__ volatile(ARM "wrmsr\n2:\tpause\n\tdec %%esi\n\tjnz 2b" LAND
				 : "+S"(spins)
				 : "a"(icr), "d"(0), "c"(0x830u), [slot] "r"(&trap_resume)
				 : "r11", "memory", "cc");
	else
		__asm__ volatile(ARM "movl %%eax, (%%rdi)\n2:\tpause\n\tdec %%esi\n\tjnz 2b"
				 LAND
				 : "+S"(spins)
				 : "a"(icr), "D"(apic_pa + 0x300), [slot] "r"(&trap_resume)
				 : "r11", "memory", "cc");
	return disarm();
}

/*
 * An NMI to self whose handler sends itself a second NMI and spins: the
 * second is held until the handler's IRET (APM2 8.5), so *inside is 1 and
 * *total 2 on the hardware; an NMI injected whatever the guest's blocking
 * makes *inside 2.
 */
void probe_nmi_nesting(uint64_t apic_pa, int x2apic, uint32_t spins, unsigned *inside,
		       unsigned *total)
{
	nmi_apic = apic_pa;
	nmi_x2 = x2apic;
	nmi_spins = spins;
	nmi_taken = nmi_taken_inside = 0;
	nmi_nesting = 1;
	icr_self(apic_pa, x2apic, 0x44400u);
	for (uint32_t i = spins * 2; i && nmi_taken < 2; i--)
		__asm__ volatile("pause");
	for (uint32_t i = spins; i; i--)        /* a third would come now */
		__asm__ volatile("pause");
	nmi_nesting = 0;
	*inside = nmi_taken_inside;
	*total = nmi_taken;
}

uint64_t probe_fault_rip(void)
{
	return trap_rip;
}

uint64_t probe_fault_error(void)
{
	return trap_error;
}

const char *vector_name(unsigned vector)
{
	static const char *const names[IDT_VECTORS] = {
		"#DE", "#DB", "NMI", "#BP", "#OF", "#BR", "#UD", "#NM",
		"#DF", "vector 9", "#TS", "#NP", "#SS", "#GP", "#PF", "vector 15",
		"#MF", "#AC", "#MC", "#XM", "#VE", "#CP", "vector 22", "vector 23",
		"vector 24", "vector 25", "vector 26", "vector 27", "#HV", "#VC", "#SX",
		"vector 31",
	};

	if (vector == PROBE_NO_FAULT)
		return "no exception";
	return vector < IDT_VECTORS ? names[vector] : "?";
}

void cpuid(uint32_t leaf, uint32_t sub, uint32_t regs[4])
{
	__asm__ volatile("cpuid"
			 : "=a"(regs[0]), "=b"(regs[1]), "=c"(regs[2]), "=d"(regs[3])
			 : "a"(leaf), "c"(sub));
}
