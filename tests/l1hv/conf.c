/* SPDX-License-Identifier: MIT */
/*
 * The differential conformance batch (issue 17): generated scenarios, each
 * one L2 instruction x one L1 intercept (set or clear), run by the same
 * l1hv on QEMU's own SVM (bare) and under svmhv. l1hv does not judge them:
 * it prints what L1 observes, one line per scenario,
 *   L1HV: # conf: <insn>/<icpt|free> code=.. i1=.. i2=.. rip=.. eii=.. rax=..
 * (addresses in L2's code as offsets, "+0x.."), and tests/suites/50-l1hv.sh
 * compares the bare and svmhv lines: a difference fails unless
 * tests/l1hv/conf-known.txt names it (a QEMU TCG bug svmhv corrects, with
 * the APM rule). L2 runs in 64-bit mode on L1's paging (guest_init); its
 * code is the instruction then VMMCALL with L2_DONE, written at STUB_OFF of
 * l1hv's code pages. An exception L1 does not intercept goes through L2's
 * IDT (a VMMCALL with L2_MARK + vector).
 */
#include "tests/l1hv/l1hv.h"

#define STUB_OFF        0x3000u         /* in L.code (CODE_PAGES = 4), past the blob */

enum kind { K_MISC, K_CR, K_DR, K_EXC, K_IOPM, K_MSRPM };

struct conf_insn {
	const char *name;
	uint8_t len;
	uint8_t bytes[12];
	enum kind kind;
	unsigned bit;           /* intercept bit, exception vector, port or MSR */
	uint8_t icpt_only;      /* never run without the intercept (HLT would hang) */
};

#define B(...)  { __VA_ARGS__ }
#define N(...)  (sizeof((uint8_t[]){ __VA_ARGS__ }))
#define I(name, kind, bit, ...) { name, N(__VA_ARGS__), B(__VA_ARGS__), kind, bit, 0 }

static const struct conf_insn insns[] = {
	I("cpuid", K_MISC, INTERCEPT_CPUID, 0x0f, 0xa2),
	I("rdtsc", K_MISC, INTERCEPT_RDTSC, 0x0f, 0x31),
	I("rdtscp", K_MISC, INTERCEPT_RDTSCP, 0x0f, 0x01, 0xf9),
	I("rdpmc", K_MISC, INTERCEPT_RDPMC, 0x0f, 0x33),
	I("pause", K_MISC, INTERCEPT_PAUSE, 0xf3, 0x90),
	I("invd", K_MISC, INTERCEPT_INVD, 0x0f, 0x08),
	I("wbinvd", K_MISC, INTERCEPT_WBINVD, 0x0f, 0x09),
	I("invlpg", K_MISC, INTERCEPT_INVLPG, 0x0f, 0x01, 0x3f),          /* [rdi] */
	I("pushf", K_MISC, INTERCEPT_PUSHF, 0x9c, 0x58),                  /* pushfq; pop rax */
	I("popf", K_MISC, INTERCEPT_POPF, 0x9c, 0x9d),                    /* pushfq; popfq */
	I("int 0x20", K_MISC, INTERCEPT_INTN, 0xcd, 0x20),
	I("sidt", K_MISC, 6, 0x0f, 0x01, 0x0e),                            /* [rsi] */
	I("sgdt", K_MISC, 7, 0x0f, 0x01, 0x06),                            /* [rsi] */
	I("sldt", K_MISC, 8, 0x0f, 0x00, 0xc0),
	I("str", K_MISC, 9, 0x0f, 0x00, 0xc8),
	I("icebp", K_MISC, INTERCEPT_ICEBP, 0xf1),
	I("vmmcall", K_MISC, INTERCEPT_VMMCALL, 0x0f, 0x01, 0xd9),
	I("rdpru", K_MISC, INTERCEPT_RDPRU, 0x0f, 0x01, 0xfd),
	I("mov from cr0", K_CR, 0, 0x0f, 0x20, 0xc0),
	I("mov from cr3", K_CR, 3, 0x0f, 0x20, 0xd8),
	I("mov from cr4", K_CR, 4, 0x0f, 0x20, 0xe0),
	I("mov to cr0", K_CR, 16, 0x0f, 0x20, 0xc0, 0x0f, 0x22, 0xc0),
	I("mov to cr3", K_CR, 19, 0x0f, 0x20, 0xd8, 0x0f, 0x22, 0xd8),
	I("mov to cr4", K_CR, 20, 0x0f, 0x20, 0xe0, 0x0f, 0x22, 0xe0),
	I("mov from dr7", K_DR, 7, 0x0f, 0x21, 0xf8),
	I("mov to dr7", K_DR, 23, 0x0f, 0x21, 0xf8, 0x0f, 0x23, 0xf8),
	I("mov from dr0", K_DR, 0, 0x0f, 0x21, 0xc0),
	I("mov to dr0", K_DR, 16, 0x0f, 0x21, 0xc0, 0x0f, 0x23, 0xc0),
	I("int3", K_EXC, 3, 0xcc),
	I("ud2", K_EXC, 6, 0x0f, 0x0b),
	I("div 0", K_EXC, 0, 0x31, 0xc9, 0xf7, 0xf1),                    /* xor ecx,ecx; div ecx */
	I("#gp wrmsr", K_EXC, 13, 0xb9, 0xff, 0xff, 0xff, 0x7f, 0x0f, 0x30), /* ecx 7fffffff */
	I("#pf", K_EXC, 14, 0x48, 0x8b, 0x04, 0x25, 0x00, 0x00, 0x00, 0xf0), /* mov rax,[f0000000h] */
	I("in 80h", K_IOPM, 0x80, 0xe4, 0x80),
	I("out 80h", K_IOPM, 0x80, 0xe6, 0x80),
	I("in dx 2", K_IOPM, 0x80, 0x66, 0xed),                           /* in ax, dx (80h) */
	I("rdmsr sysenter_cs", K_MSRPM, 0x174, 0xb9, 0x74, 0x01, 0, 0, 0x0f, 0x32),
	I("rdmsr tsc_aux", K_MSRPM, 0xc0000103u, 0xb9, 0x03, 0x01, 0, 0xc0, 0x0f, 0x32),
	I("rdmsr lstar", K_MSRPM, 0xc0000082u, 0xb9, 0x82, 0, 0, 0xc0, 0x0f, 0x32),
	{ "hlt", 1, B(0xf4), K_MISC, INTERCEPT_HLT, 1 },
};
#define NINSN   (sizeof(insns) / sizeof(insns[0]))

static uint8_t *msrpm_byte(uint32_t msr, unsigned *bit)
{
	uint32_t off = msr >= 0xc0000000u ? 0x800u : 0;

	*bit = 2 * (msr & 0x1fffu) % 8;
	return L.msrpm + off + 2 * (msr & 0x1fffu) / 8;
}

/* The intercept under test, on or off; everything else as guest_init leaves it. */
static uint32_t flip(uint32_t w, unsigned bit, int on)
{
	return on ? w | (1u << bit) : w & ~(1u << bit);
}

static void set_icpt(struct vmcb_control *c, const struct conf_insn *in, int on)
{
	unsigned bit = in->bit;

	switch (in->kind) {
	case K_MISC:
		if (on)
			vmcb_set_intercept(c, bit);
		else
			vmcb_clr_intercept(c, bit);
		return;
	case K_CR:
		c->intercept_cr = flip(c->intercept_cr, bit, on);
		return;
	case K_DR:
		c->intercept_dr = flip(c->intercept_dr, bit, on);
		return;
	case K_EXC:
		c->intercept_exceptions = flip(c->intercept_exceptions, bit, on);
		return;
	case K_IOPM:
		if (on)
			L.iopm[bit / 8] |= (uint8_t)(1u << (bit % 8));
		else
			L.iopm[bit / 8] &= (uint8_t)~(1u << (bit % 8));
		return;
	case K_MSRPM: {
		unsigned b;
		uint8_t *p = msrpm_byte(bit, &b);

		*p = on ? (uint8_t)(*p | (1u << b)) : (uint8_t)(*p & ~(1u << b));
		return;
	}
	}
}

/* An address in L2's code as "+off", else the value. */
static void val(char *buf, size_t n, uint64_t v)
{
	uint64_t base = (uint64_t)L.code;

	if (v >= base && v < base + 0x4000)
		fmt_str(buf, n, "+0x%lx", v - base);
	else
		fmt_str(buf, n, "0x%lx", v);
}

static void one(const struct conf_insn *in, int on)
{
	uint8_t *stub = L.code + STUB_OFF, saved_io = L.iopm[0x80 / 8];
	static const uint8_t tail[] = { 0xb8, L2_DONE & 0xff, L2_DONE >> 8, 0, 0,  /* mov eax */
					0x0f, 0x01, 0xd9, 0xf4 };               /* vmmcall; hlt */
	uint8_t saved_msr[3];
	char i1[24], i2[24], rip[24];
	struct guest g;
	uint64_t code;
	unsigned b;

	saved_msr[0] = *msrpm_byte(0x174, &b);
	saved_msr[1] = *msrpm_byte(0xc0000103u, &b);
	saved_msr[2] = *msrpm_byte(0xc0000082u, &b);
	mem_copy(stub, in->bytes, in->len);
	mem_copy(stub + in->len, tail, sizeof(tail));
	guest_init(&g, 0, 1, l2_loop);
	g.vmcb->save.rip = (uint64_t)stub;
	g.vmcb->save.rax = 0;
	g.r.rcx = 0;
	g.r.rdx = 0x80;
	g.r.rdi = (uint64_t)L.code;
	g.r.rsi = (uint64_t)L.scratch[3];
	set_icpt(&g.vmcb->control, in, on);
	probe_begin();
	code = guest_run(&g, 0);
	probe_end();
	L.iopm[0x80 / 8] = saved_io;
	*msrpm_byte(0x174, &b) = saved_msr[0];
	*msrpm_byte(0xc0000103u, &b) = saved_msr[1];
	*msrpm_byte(0xc0000082u, &b) = saved_msr[2];
	val(i1, sizeof(i1), g.vmcb->control.exit_info_1);
	val(i2, sizeof(i2), g.vmcb->control.exit_info_2);
	val(rip, sizeof(rip), g.vmcb->save.rip);
	report_diag("conf: %s/%s code=0x%lx i1=%s i2=%s rip=%s eii=0x%lx rax=0x%x", in->name,
		    on ? "icpt" : "free", code, i1, i2, rip, g.vmcb->control.exit_int_info,
		    code == VMEXIT_VMMCALL ? (uint32_t)g.vmcb->save.rax : 0u);
}

void run_conf(void)
{
	unsigned n = 0;

	for (unsigned i = 0; i < NINSN; i++)
		for (int on = 1; on >= 0; on--) {
			if (!on && insns[i].icpt_only)
				continue;
			one(&insns[i], on);
			n++;
		}
	report_ok("conf: the generated scenarios ran (compared by tests/suites/50-l1hv.sh)");
	report_diag("conf: %u scenarios", n);
}
