/* SPDX-License-Identifier: MIT */
/*
 * The differential conformance batch (issue 17): 1134 generated scenarios,
 * each one L2 instruction (41, the table below) x its L1 intercept (set or
 * clear) x L2 mode (64-bit CPL 0, 64-bit CPL 3) x event (none, tf, tfdb,
 * inj, injx, nmi, vintr: conf_env.c), run by the same l1hv on QEMU's own SVM
 * (bare) and under svmhv. l1hv does not judge them: it prints what L1
 * observes after the last #VMEXIT, one line per scenario,
 *   L1HV: # conf: <insn>/<icpt|free>[/cpl3][/<event>] code=.. i1=.. i2=..
 *         rip=.. eii=.. rax=.. nrip=.. cs=<sel>/<cpl> fl=.. cr=.. rsp=..
 *         dr6=.. ev=<deliveries>:<last vector> ictl=.. sh=.. inj=..
 * exit code, EXITINFO1/2, vmcb12's RIP, EXITINTINFO (0 unless V: only V
 * makes it an event, APM2 15.7.2; QEMU leaves EVENTINJ's vector behind),
 * RAX at a VMMCALL exit, NextRIP ("-" without NRIPS, where the field is not
 * written), CS selector and CPL, RFLAGS, a fold of CR0/CR4/EFER and CR3 less
 * what L1 set, RSP from the stack top, DR6, L2's IDT deliveries L1 counted,
 * V_IRQ/V_TPR, the interrupt shadow and EVENTINJ left; addresses in L2's code
 * as offsets ("+0x.."), so lines compare across boots. tests/suites/50-l1hv.sh
 * compares the bare and svmhv lines: a difference fails unless
 * tests/l1hv/conf-known.txt names it (a QEMU TCG bug svmhv corrects, with the
 * APM rule). Where L1 has NRIPS (svmhv offers it, QEMU 7.2 TCG does not)
 * l1hv checks NextRIP itself against APM2 15.7.1 (nrip_check()).
 *
 * L2's code is the instruction then "mov eax, L2_DONE; vmmcall", written at
 * STUB_OFF of l1hv's code pages. An exception or interrupt L1 does not
 * intercept goes through L2's IDT to l2_conf_stubs (a VMMCALL with L2_MARK +
 * vector, RAX and RBX kept); L1 counts it and, for a trap or an interrupt,
 * resumes L2 past the stub's VMMCALL (run_counting()).
 */
#include "svm/svm.h"
#include "tests/l1hv/l1hv.h"

#define STUB_OFF        0x3000u         /* in L.code (CODE_PAGES = 4), past the blob */
#define CONF_MAX_MARKS  6               /* IDT deliveries L1 resumes, at most */

enum kind { K_MISC, K_CR, K_DR, K_EXC, K_IOPM, K_MSRPM };

struct conf_insn {
	const char *name;
	uint8_t len;
	uint8_t bytes[14];
	enum kind kind;
	unsigned bit;           /* intercept bit, exception vector, port or MSR */
	uint8_t icpt_only;      /* never run without the intercept (HLT would hang) */
	uint8_t ends[2];        /* of every instruction but the last (which ends at len) */
};

#define B(...)  { __VA_ARGS__ }
#define N(...)  (sizeof((uint8_t[]){ __VA_ARGS__ }))
#define I(name, kind, bit, ...) { name, N(__VA_ARGS__), B(__VA_ARGS__), kind, bit, 0, { 0 } }
/* Two or three instructions: e1 (and e2) where the first (second) ends. */
#define I2(name, kind, bit, e1, ...) { name, N(__VA_ARGS__), B(__VA_ARGS__), kind, bit, 0, { e1 } }
#define I3(name, kind, bit, e1, e2, ...) \
	{ name, N(__VA_ARGS__), B(__VA_ARGS__), kind, bit, 0, { e1, e2 } }

static const struct conf_insn insns[] = {
	I("cpuid", K_MISC, INTERCEPT_CPUID, 0x0f, 0xa2),
	I("rdtsc", K_MISC, INTERCEPT_RDTSC, 0x0f, 0x31),
	I("rdtscp", K_MISC, INTERCEPT_RDTSCP, 0x0f, 0x01, 0xf9),
	I("rdpmc", K_MISC, INTERCEPT_RDPMC, 0x0f, 0x33),
	I("pause", K_MISC, INTERCEPT_PAUSE, 0xf3, 0x90),
	I("invd", K_MISC, INTERCEPT_INVD, 0x0f, 0x08),
	I("wbinvd", K_MISC, INTERCEPT_WBINVD, 0x0f, 0x09),
	I("invlpg", K_MISC, INTERCEPT_INVLPG, 0x0f, 0x01, 0x3f),          /* [rdi] */
	I2("pushf", K_MISC, INTERCEPT_PUSHF, 1, 0x9c, 0x58),                  /* pushfq; pop rax */
	I2("popf", K_MISC, INTERCEPT_POPF, 1, 0x9c, 0x9d),                    /* pushfq; popfq */
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
	I2("mov to cr0", K_CR, 16, 3, 0x0f, 0x20, 0xc0, 0x0f, 0x22, 0xc0),
	I2("mov to cr3", K_CR, 19, 3, 0x0f, 0x20, 0xd8, 0x0f, 0x22, 0xd8),
	I2("mov to cr4", K_CR, 20, 3, 0x0f, 0x20, 0xe0, 0x0f, 0x22, 0xe0),
	I3("mov to cr4 rsvd", K_CR, 20, 3, 9, 0x0f, 0x20, 0xe0, 0x48, 0x0d, 0, 0, 0, 0x40, /* or rax, 1 << 30 */
	   0x0f, 0x22, 0xe0),
	I("mov from dr7", K_DR, 7, 0x0f, 0x21, 0xf8),
	I2("mov to dr7", K_DR, 23, 3, 0x0f, 0x21, 0xf8, 0x0f, 0x23, 0xf8),
	I("mov from dr0", K_DR, 0, 0x0f, 0x21, 0xc0),
	I2("mov to dr0", K_DR, 16, 3, 0x0f, 0x21, 0xc0, 0x0f, 0x23, 0xc0),
	I("int3", K_EXC, 3, 0xcc),
	I("ud2", K_EXC, 6, 0x0f, 0x0b),
	I2("div 0", K_EXC, 0, 2, 0x31, 0xc9, 0xf7, 0xf1),                    /* xor ecx,ecx; div ecx */
	I2("#gp wrmsr", K_EXC, 13, 5, 0xb9, 0xff, 0xff, 0xff, 0x7f, 0x0f, 0x30), /* ecx 7fffffff */
	I("#pf", K_EXC, 14, 0x48, 0x8b, 0x04, 0x25, 0x00, 0x00, 0x00, 0xf0), /* mov rax,[f0000000h] */
	I("in 80h", K_IOPM, 0x80, 0xe4, 0x80),
	I("out 80h", K_IOPM, 0x80, 0xe6, 0x80),
	I("in dx 2", K_IOPM, 0x80, 0x66, 0xed),                           /* in ax, dx (80h) */
	I2("rdmsr sysenter_cs", K_MSRPM, 0x174, 5, 0xb9, 0x74, 0x01, 0, 0, 0x0f, 0x32),
	I2("rdmsr tsc_aux", K_MSRPM, 0xc0000103u, 5, 0xb9, 0x03, 0x01, 0, 0xc0, 0x0f, 0x32),
	I2("rdmsr lstar", K_MSRPM, 0xc0000082u, 5, 0xb9, 0x82, 0, 0, 0xc0, 0x0f, 0x32),
	{ "hlt", 1, B(0xf4), K_MISC, INTERCEPT_HLT, 1, { 0 } },
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

/* A VMMCALL of the batch's IDT stubs: RAX = L2_MARK + vector, RIP in the stubs. */
static int in_stubs(uint64_t rip)
{
	uint64_t stubs = l2_addr(l2_conf_stubs);

	return rip >= stubs && rip < stubs + L2_CONF_STUBS * L2_STUB_SIZE;
}

static int is_mark(const struct guest *g, uint64_t code, unsigned *vec)
{
	*vec = (uint32_t)g->vmcb->save.rax - L2_MARK;
	return code == VMEXIT_VMMCALL && in_stubs(g->vmcb->save.rip) && *vec < L2_CONF_STUBS;
}

/*
 * The exits for which an NRIPS CPU saves the next instruction's address
 * (APM2 15.7.1): intercepted instructions (MOV CRn/DRn, the instruction
 * intercepts, IOIO, MSR) and the exceptions INT3, INTO and BOUND raise.
 * Every other exit saves 0.
 */
static int nrip_exit(uint64_t code)
{
	if (code < VMEXIT_EXCP_BASE)
		return 1;
	if (code < VMEXIT_INTR)
		return code == VMEXIT_EXCP_BASE + VEC_BP || code == VMEXIT_EXCP_BASE + VEC_OF ||
		       code == VMEXIT_EXCP_BASE + VEC_BR;
	if (code == VMEXIT_TASK_SWITCH || code == VMEXIT_FERR_FREEZE || code == VMEXIT_SHUTDOWN)
		return 0;
	return code >= VMEXIT_CR0_SEL_WRITE && code <= VMEXIT_RDPRU;
}

/* The next instruction's address after the one at rip, or 0 if rip is not a known start. */
static uint64_t next_insn(const struct conf_insn *in, uint64_t rip)
{
	uint64_t stub = (uint64_t)L.code + STUB_OFF, off = rip - stub, start = 0;

	if (in_stubs(rip))
		return rip + 3;                 /* only the stubs' VMMCALL exits */
	for (unsigned i = 0; i < 2 && in->ends[i]; i++) {
		if (off == start)
			return stub + in->ends[i];
		start = in->ends[i];
	}
	if (off == start)
		return stub + in->len;
	if (off == in->len)
		return rip + 5;                 /* the tail: mov eax, L2_DONE */
	return off == in->len + 5u ? rip + 3 : 0;       /* vmmcall */
}

/* next_rip checked against APM2 15.7.1 where L1 has NRIPS: mismatches and the first one. */
static struct {
	unsigned checked, bad;
	char first[120];
} nrips;

static void nrip_check(const char *name, const struct conf_insn *in, const struct guest *g,
		       uint64_t code)
{
	uint64_t want = nrip_exit(code) ? next_insn(in, g->vmcb->save.rip) : 0;
	uint64_t got = g->vmcb->control.next_rip, base = (uint64_t)L.code;

	if (!(L.svm_features & SVM_FEATURE_NRIPS) || (nrip_exit(code) && !want))
		return;
	nrips.checked++;
	if (got == want)
		return;
	if (!nrips.bad++)
		fmt_str(nrips.first, sizeof(nrips.first), "%s: exit 0x%lx next_rip +0x%lx, want +0x%lx",
			name, code, got - base, want - base);
}

/*
 * Run L2 to its first exit that is not an IDT stub's mark of a trap or an
 * interrupt (#DB, NMI, #BP, vector >= 32): those L1 counts and resumes past the
 * stub's VMMCALL (3 bytes; no NRIPS), so the stub IRETQs to the code. A
 * fault's mark ends the run (its IRETQ would fault again).
 */
static uint64_t run_counting(struct guest *g, unsigned *marks, unsigned *last)
{
	uint64_t code;
	unsigned v;

	for (;;) {
		code = guest_run(g, 0);
		if (!is_mark(g, code, &v))
			return code;
		++*marks;
		*last = v;
		if ((v != VEC_DB && v != VEC_NMI && v != VEC_BP && v < 32) || *marks >= CONF_MAX_MARKS)
			return code;
		g->vmcb->save.rip += 3;
	}
}

/* What L1 observes after the last #VMEXIT, as "code=... rest" (see the header). */
static void observe(const char *name, const struct guest *g, uint64_t code, uint64_t cr3_set,
		    unsigned marks, unsigned last)
{
	const struct vmcb_control *c = &g->vmcb->control;
	const struct vmcb_save *s = &g->vmcb->save;
	uint64_t top = (uint64_t)g->stack_top;
	char i1[24], i2[24], rip[24], nrip[24] = "-";
	uint64_t cr = s->cr0 ^ (s->cr4 << 21) ^ (s->efer << 40) ^ ((s->cr3 - cr3_set) << 7);

	val(i1, sizeof(i1), c->exit_info_1);
	val(i2, sizeof(i2), c->exit_info_2);
	val(rip, sizeof(rip), s->rip);
	if (L.svm_features & SVM_FEATURE_NRIPS)
		val(nrip, sizeof(nrip), c->next_rip);
	report_diag("conf: %s code=0x%lx i1=%s i2=%s rip=%s eii=0x%lx rax=0x%x nrip=%s cs=0x%x/%u "
		    "fl=0x%lx cr=0x%x rsp=%s0x%lx dr6=0x%lx ev=%u:0x%x ictl=0x%x sh=%u inj=0x%x",
		    name, code, i1, i2, rip,
		    c->exit_int_info & SVM_EVTINJ_VALID ? c->exit_int_info : 0,
		    code == VMEXIT_VMMCALL ? (uint32_t)s->rax : 0u, nrip, s->cs.selector, s->cpl,
		    s->rflags, (uint32_t)(cr ^ (cr >> 32)), s->rsp <= top ? "-" : "+",
		    s->rsp <= top ? top - s->rsp : s->rsp - top, s->dr6, marks, last,
		    (uint32_t)(c->int_ctl & (V_IRQ_MASK | V_TPR_MASK)),
		    (unsigned)(c->int_state & SVM_INTERRUPT_SHADOW_MASK), (uint32_t)c->event_inj);
}

static void one(const struct conf_insn *in, int on, int cpl3, enum conf_event ev)
{
	uint8_t *stub = L.code + STUB_OFF, saved_io = L.iopm[0x80 / 8];
	static const uint8_t tail[] = { 0xb8, L2_DONE & 0xff, L2_DONE >> 8, 0, 0,  /* mov eax */
					0x0f, 0x01, 0xd9, 0xf4 };               /* vmmcall; hlt */
	uint8_t saved_msr[3];
	char name[64];
	struct guest g;
	uint64_t code, cr3_set;
	unsigned b, marks = 0, last = 0;

	fmt_str(name, sizeof(name), "%s/%s%s%s%s", in->name, on ? "icpt" : "free",
		cpl3 ? "/cpl3" : "", ev != EV_NONE ? "/" : "", conf_event_name(ev));
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
	conf_env_apply(&g, cpl3, ev);
	cr3_set = g.vmcb->save.cr3;
	probe_begin();
	if (cpl3)       /* VMRUN does not load TR: the CPL-3 L2's TSS comes by VMLOAD */
		__asm__ volatile("vmload %%rax" : : "a"((uint64_t)g.vmcb) : "memory");
	code = run_counting(&g, &marks, &last);
	if (cpl3)       /* L1's own TR, FS, GS, syscall MSRs back */
		__asm__ volatile("vmload %%rax" : : "a"((uint64_t)L.tmpl) : "memory");
	probe_end();
	L.iopm[0x80 / 8] = saved_io;
	*msrpm_byte(0x174, &b) = saved_msr[0];
	*msrpm_byte(0xc0000103u, &b) = saved_msr[1];
	*msrpm_byte(0xc0000082u, &b) = saved_msr[2];
	observe(name, &g, code, cr3_set, marks, last);
	nrip_check(name, in, &g, code);
}

void run_conf(void)
{
	unsigned n = 0;
	int modes = conf_user_init() == 0 ? 2 : 1;

	if (modes == 1)
		report_diag("conf: L1's GDT is too large to copy: no CPL-3 scenarios");
	for (int cpl3 = 0; cpl3 < modes; cpl3++)
		for (unsigned ev = 0; ev < NR_CONF_EVENTS; ev++)
			for (unsigned i = 0; i < NINSN; i++)
				for (int on = 1; on >= 0; on--) {
					if (!on && insns[i].icpt_only)
						continue;
					one(&insns[i], on, cpl3, ev);
					n++;
				}
	report_ok("conf: the generated scenarios ran (compared by tests/suites/50-l1hv.sh)");
	report_diag("conf: %u scenarios", n);
	if (!(L.svm_features & SVM_FEATURE_NRIPS))
		report_skip("conf: next_rip of every scenario per APM2 15.7.1", "no NRIPS");
	else if (report_check(!nrips.bad, "conf: next_rip of every scenario per APM2 15.7.1",
			      "%u of %u wrong, first %s", nrips.bad, nrips.checked, nrips.first))
		report_diag("conf: next_rip checked at %u exits", nrips.checked);
}
