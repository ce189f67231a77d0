/* SPDX-License-Identifier: MIT */
/*
 * Read-modify-write stores to xAPIC registers from the firmware side, as
 * firmware and compilers emit them (issue 16): svmhv write-protects the APIC
 * page and emulates each store, so each form must land as on the hardware,
 * with the registers and flags the instruction defines, and never #UD.
 * Registers used: the TPR (bits 7:0 writable) and the vector field of the
 * LVT error entry with its mask set, so no interrupt can come of it; both
 * are restored. A form svmhv does not emulate (a shift) must be #UD.
 * Runs in the probe window (interrupts off, private IDT).
 */
#include "tests/payload/payload.h"

#define APIC_TPR        0x80u
#define APIC_ESR        0x280u
#define APIC_LVT_ERR    0x370u
#define LVT_MASKED      0x10000u
#define FL_CF           0x001u
#define FL_ZF           0x040u

enum form {
	OR_IMM8, AND_REG, XOR_IMM8, LOCK_XADD, XCHG, LOCK_CMPXCHG, INC, DEC, SUB_IMM8,
	ADD_REG, LOCK_BTS, BTR, LOCK_BTC_REG, SHL1,
};

struct io {
	uint64_t rax, rcx, flags;
};

#define RMW(insn) \
	__asm__ volatile(PROBE_ARM insn PROBE_LAND "pushfq\n\tpopq %[fl]" \
			 : "+a"(io->rax), "+c"(io->rcx), [fl] "=r"(io->flags) \
			 : "D"(pa), [slot] "r"(slot) : "r11", "memory", "cc")

/* One instruction on the 32-bit register at pa; EAX and ECX in and out. */
static unsigned rmw(enum form f, uint64_t pa, struct io *io)
{
	volatile uint64_t *slot = probe_arm();

	switch (f) {
	case OR_IMM8:      RMW("orl $0x10, (%%rdi)"); break;
	case AND_REG:      RMW("andl %%eax, (%%rdi)"); break;
	case XOR_IMM8:     RMW("xorl $0x60, (%%rdi)"); break;
	case LOCK_XADD:    RMW("lock xaddl %%eax, (%%rdi)"); break;
	case XCHG:         RMW("xchgl %%eax, (%%rdi)"); break;
	case LOCK_CMPXCHG: RMW("lock cmpxchgl %%ecx, (%%rdi)"); break;
	case INC:          RMW("incl (%%rdi)"); break;
	case DEC:          RMW("decl (%%rdi)"); break;
	case SUB_IMM8:     RMW("subl $0x20, (%%rdi)"); break;
	case ADD_REG:      RMW("addl %%eax, (%%rdi)"); break;
	case LOCK_BTS:     RMW("lock btsl $16, (%%rdi)"); break;
	case BTR:          RMW("btrl $5, (%%rdi)"); break;
	case LOCK_BTC_REG: RMW("lock btcl %%ecx, (%%rdi)"); break;
	case SHL1:         RMW("shll $1, (%%rdi)"); break;
	}
	return probe_disarm();
}

static uint32_t rd(uint64_t pa)
{
	return *(volatile uint32_t *)pa;
}

static void wr(uint64_t pa, uint32_t v)
{
	*(volatile uint32_t *)pa = v;
}

/* One step: the form, its inputs, and what the register, EAX and the flags must be. */
struct step {
	const char *name;
	enum form f;
	unsigned reg;
	uint32_t eax, ecx;
	uint32_t want_reg, want_eax;    /* want_reg with the LVT's vector bits only */
	uint32_t flags_mask, want_flags;
};

/* TPR starts at 0x20; the LVT error entry at vector 0xfe, masked. */
static const struct step steps[] = {
	{ "orl $0x10 (83 /1)", OR_IMM8, APIC_TPR, 0, 0, 0x30, 0, FL_ZF, 0 },
	{ "andl %eax (21)", AND_REG, APIC_TPR, 0xe0, 0, 0x20, 0xe0, FL_ZF, 0 },
	{ "xorl $0x60 (83 /6)", XOR_IMM8, APIC_TPR, 0, 0, 0x40, 0, FL_ZF | FL_CF, 0 },
	{ "lock xadd (0F C1)", LOCK_XADD, APIC_TPR, 0x10, 0, 0x50, 0x40, 0, 0 },
	{ "xchg (87)", XCHG, APIC_TPR, 0x70, 0, 0x70, 0x50, 0, 0 },
	{ "lock cmpxchg, equal (0F B1)", LOCK_CMPXCHG, APIC_TPR, 0x70, 0x20, 0x20, 0x70,
	  FL_ZF, FL_ZF },
	{ "lock cmpxchg, different", LOCK_CMPXCHG, APIC_TPR, 0x99, 0x60, 0x20, 0x20, FL_ZF, 0 },
	{ "incl (FF /0)", INC, APIC_TPR, 0, 0, 0x21, 0, FL_ZF, 0 },
	{ "decl (FF /1)", DEC, APIC_TPR, 0, 0, 0x20, 0, FL_ZF, 0 },
	{ "subl $0x20 (83 /5)", SUB_IMM8, APIC_TPR, 0, 0, 0, 0, FL_ZF | FL_CF, FL_ZF },
	{ "addl %eax (01)", ADD_REG, APIC_TPR, 0x30, 0, 0x30, 0x30, FL_ZF, 0 },
	{ "lock btsl $16 on the LVT mask (0F BA /5)", LOCK_BTS, APIC_LVT_ERR, 0, 0, 0xfe, 0,
	  FL_CF, FL_CF },
	{ "btrl $5 (0F BA /6)", BTR, APIC_LVT_ERR, 0, 0, 0xde, 0, FL_CF, FL_CF },
	{ "lock btcl %ecx (0F BB)", LOCK_BTC_REG, APIC_LVT_ERR, 0, 0, 0xdf, 0, FL_CF, 0 },
};

static void run_step(uint64_t base, const struct step *s, unsigned *vec, uint32_t *reg,
		     struct io *io)
{
	io->rax = s->eax;
	io->rcx = s->ecx;
	*vec = rmw(s->f, base + s->reg, io);
	*reg = rd(base + s->reg);
	if (s->reg == APIC_LVT_ERR)
		*reg &= 0xff;
}

/* base: the APIC page (IA32_APIC_BASE), in xAPIC mode. */
void check_apic_rmw(uint64_t base)
{
	enum { N = sizeof(steps) / sizeof(steps[0]) };
	uint32_t tpr0, lvt0, reg[N], lvt_mask;
	unsigned vec[N], shl;
	struct io io[N], sio = { 0, 0, 0 };

	probe_begin();
	tpr0 = rd(base + APIC_TPR);
	lvt0 = rd(base + APIC_LVT_ERR);
	wr(base + APIC_TPR, 0x20);
	wr(base + APIC_LVT_ERR, (lvt0 & ~0xffu) | LVT_MASKED | 0xfe);
	for (unsigned i = 0; i < N; i++)
		run_step(base, &steps[i], &vec[i], &reg[i], &io[i]);
	lvt_mask = rd(base + APIC_LVT_ERR) & LVT_MASKED;
	shl = rmw(SHL1, base + APIC_ESR, &sio);         /* ESR: any write only re-arms it */
	wr(base + APIC_LVT_ERR, lvt0);
	wr(base + APIC_TPR, tpr0);
	probe_end();
	for (unsigned i = 0; i < N; i++) {
		const struct step *s = &steps[i];
		char name[PAYLOAD_LINE_MAX];

		fmt_str(name, sizeof(name), "apic: %s on the %s", s->name,
			s->reg == APIC_TPR ? "TPR" : "LVT error entry");
		report_check(vec[i] == PROBE_NO_FAULT && reg[i] == s->want_reg &&
			     (uint32_t)io[i].rax == s->want_eax &&
			     (io[i].flags & s->flags_mask) == s->want_flags, name,
			     "%s, register 0x%x (want 0x%x), eax 0x%x (want 0x%x), flags 0x%lx",
			     vector_name(vec[i]), reg[i], s->want_reg, (uint32_t)io[i].rax,
			     s->want_eax, io[i].flags);
	}
	report_check(lvt_mask == LVT_MASKED, "apic: the LVT error entry stayed masked",
		     "mask bit 0x%x", lvt_mask);
	report_check(shl == VEC_UD, "apic: an APIC store svmhv cannot emulate (shll) raises #UD",
		     "SHL to the ESR: got %s", vector_name(shl));
}
