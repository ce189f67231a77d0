/* SPDX-License-Identifier: MIT */
/*
 * l1hv's scenarios: each runs L2 guests with the probe window open (no
 * firmware calls, interrupts off, tests/payload/probe.c's IDT), then closes
 * it and reports. Exit codes are compared in full except VMEXIT_INVALID
 * (low 32 bits: QEMU stores it as 0x00000000ffffffff). Without NRIPS, L1
 * advances L2's RIP by the instruction's known length.
 * See: APM2 15.7-15.14 (intercepts), 15.20 (event injection), 15.21
 * (interrupts, V_INTR_MASKING), 15.5.1 (VMRUN consistency checks), 15.16 (TLB).
 */
#include "hv/hypercall.h"
#include "svm/svm.h"
#include "tests/l1hv/l1hv.h"

#define IOIO_TYPE_IN    BIT_ULL(0)
#define IOIO_SZ8        BIT_ULL(4)
#define IOIO_SZ16       BIT_ULL(5)
#define IOIO_A64        BIT_ULL(9)
#define IOIO_MASK       0xffff007dull   /* port, size, REP, STR, type */

#define ROUND_TRIPS     1000
#define MUX_ROUNDS      16

#define SLOT_MAIN       0
#define SLOT_BAD        1
#define SLOT_MUX        2       /* .. SLOT_MUX + NR_MUX - 1 */
#define SLOT_LOOP       10
#define SLOT_TRIPLE     11

static const char *ex(const struct guest *g)
{
	static char buf[120];
	const struct vmcb_control *c = &g->vmcb->control;

	fmt_str(buf, sizeof(buf), "exit 0x%lx at L2+0x%lx info1 0x%lx info2 0x%lx rax 0x%lx",
		c->exit_code, g->vmcb->save.rip - (uint64_t)L.code, c->exit_info_1,
		c->exit_info_2, g->vmcb->save.rax);
	return buf;
}

/* Exit codes of steps that never ran (an earlier step of the scenario failed). */
#define NOT_RUN         0xdeadull

static const char *code_s(uint64_t code)
{
	static char buf[2][24];
	static unsigned n;
	char *b = buf[n++ % 2];

	if (code == NOT_RUN)
		return "not run (an earlier step failed)";
	fmt_str(b, sizeof(buf[0]), "exit 0x%lx", code);
	return b;
}

static int at(const struct guest *g, const uint8_t *label)
{
	return g->vmcb->save.rip == l2_addr(label);
}

static int is_vmmcall_with(const struct guest *g, uint64_t code, uint64_t rax)
{
	return code == VMEXIT_VMMCALL && (uint32_t)g->vmcb->save.rax == rax;
}

/* ---------------------------------------------------------------------------- */

static int sc_setup(void)
{
	uint64_t efer = 0;
	unsigned vec = PROBE_NO_FAULT;
	uint16_t cs;
	int rc;

	probe_begin();
	rc = svm_enable(&efer, &vec);
	probe_end();
	if (!report_check(rc == 0, "setup: EFER.SVME=1 and VM_HSAVE_PA", "%s, EFER=0x%lx",
			  vector_name(vec), efer))
		return -1;
	__asm__ volatile("mov %%cs, %0" : "=r"(cs));
	l2_idt_build(cs);
	iopm_set(IO_PORT_OUT);
	iopm_set(IO_PORT_OUT + 1);
	iopm_set(IO_PORT_IN);
	msrpm_set(MSR_RD_ICPT, 1, 0);
	msrpm_set(MSR_WR_ICPT, 0, 1);
	return 0;
}

static void sc_vmmcall(void)
{
	struct guest g;
	uint64_t *r = (uint64_t *)&g.r, code, bad = 0;
	const unsigned n = sizeof(g.r) / 8;

	guest_init(&g, SLOT_MAIN, 1, l2_regs);
	for (unsigned i = 0; i < n; i++)
		r[i] = 0x0101010101010101ull * (i + 1);
	g.vmcb->save.rax = 0xa5a5;
	probe_begin();
	code = guest_run(&g, 0);
	probe_end();
	report_check(code == VMEXIT_VMMCALL && at(&g, l2_regs_vmmcall),
		     "vmmcall: intercepted VMMCALL exits (0x81) at its RIP", "%s", ex(&g));
	for (unsigned i = 0; i < n; i++)
		if (r[i] != 0x0101010101010101ull * (i + 1) + 1)
			bad |= 1ull << i;
	report_check(!bad && g.vmcb->save.rax == 0xa5a5 &&
		     g.vmcb->save.rsp == (uint64_t)g.stack_top,
		     "vmmcall: L2 GPRs, RAX and RSP round-trip through VMRUN/#VMEXIT",
		     "wrong GPR mask 0x%lx (bit 0 = rbx .. 13 = r15), rax 0x%lx", bad,
		     g.vmcb->save.rax);
}

static void sc_cpuid(void)
{
	struct guest g;
	uint64_t c1, c2 = NOT_RUN, leaf, sub;
	int at1;

	guest_init(&g, SLOT_MAIN, 1, l2_cpuid);
	vmcb_set_intercept(&g.vmcb->control, INTERCEPT_CPUID);
	g.vmcb->save.rax = 0x4c314856;
	g.r.rcx = 7;
	probe_begin();
	c1 = guest_run(&g, 0);
	leaf = g.vmcb->save.rax;
	sub = g.r.rcx;
	at1 = at(&g, l2_cpuid);
	if (c1 == VMEXIT_CPUID && at1) {
		g.vmcb->save.rax = 0x11111111;
		g.r.rbx = 0x22222222;
		g.r.rcx = 0x33333333;
		g.r.rdx = 0x44444444;
		g.vmcb->save.rip += 2;
		c2 = guest_run(&g, 0);
	}
	probe_end();
	report_check(c1 == VMEXIT_CPUID && leaf == 0x4c314856 && sub == 7 && at1,
		     "cpuid: intercepted CPUID exits (0x72) with EAX/ECX", "exit 0x%lx eax 0x%lx ecx 0x%lx",
		     c1, leaf, sub);
	report_check(c2 == VMEXIT_VMMCALL && g.vmcb->save.rax == 0x11111111 &&
		     g.r.rbx == 0x22222222 && g.r.rcx == 0x33333333 && g.r.rdx == 0x44444444,
		     "cpuid: L1's emulated result reaches L2", "%s",
		     c2 == NOT_RUN ? code_s(c2) : ex(&g));
}

static void sc_io(void)
{
	struct guest g;
	uint64_t c1, c2 = NOT_RUN, c3 = NOT_RUN, i1, n1, i2 = 0, n2 = 0;
	uint64_t want1 = ((uint64_t)IO_PORT_OUT << 16) | IOIO_SZ16;
	uint64_t want2 = ((uint64_t)IO_PORT_IN << 16) | IOIO_SZ8 | IOIO_TYPE_IN;
	int at1, at2 = 0;

	guest_init(&g, SLOT_MAIN, 1, l2_io);
	probe_begin();
	c1 = guest_run(&g, 0);
	i1 = g.vmcb->control.exit_info_1;
	n1 = g.vmcb->control.exit_info_2;
	at1 = at(&g, l2_io_out);
	if (c1 == VMEXIT_IOIO && at1) {
		g.vmcb->save.rip += 2;          /* 66 ef */
		c2 = guest_run(&g, 0);
		i2 = g.vmcb->control.exit_info_1;
		n2 = g.vmcb->control.exit_info_2;
		at2 = at(&g, l2_io_in);
		if (c2 == VMEXIT_IOIO && at2) {
			g.vmcb->save.rax = (g.vmcb->save.rax & ~0xffull) | 0x5a;
			g.vmcb->save.rip += 1;  /* ec */
			c3 = guest_run(&g, 0);
		}
	}
	probe_end();
	report_check(c1 == VMEXIT_IOIO && at1 && (i1 & IOIO_MASK) == want1 &&
		     n1 == l2_addr(l2_io_out) + 2,
		     "io: OUT DX,AX to an IOPM port exits (0x7b): port, size 16, OUT, next RIP",
		     "exit 0x%lx info1 0x%lx (want 0x%lx) info2 L2+0x%lx at %d", c1, i1, want1,
		     n1 - (uint64_t)L.code, at1);
	report_check(c2 == VMEXIT_IOIO && at2 && (i2 & IOIO_MASK) == want2 &&
		     n2 == l2_addr(l2_io_in) + 1,
		     "io: IN AL,DX from an IOPM port exits: port, size 8, IN, next RIP",
		     "%s info1 0x%lx (want 0x%lx) info2 L2+0x%lx", code_s(c2), i2, want2,
		     n2 - (uint64_t)L.code);
	if (c1 != VMEXIT_IOIO || (i1 & (7u << 7)) == IOIO_A64)
		report_ok("io: exit_info_1 address size is A64 in 64-bit mode");
	else if (!(i1 & (7u << 7)))
		report_qemu_bug("io: exit_info_1 address size is A64 in 64-bit mode",
				"no address-size bit for IN/OUT", "info1 0x%lx", i1);
	else
		report_fail("io: exit_info_1 address size is A64 in 64-bit mode",
			    "info1 0x%lx: bits 9:7 = 0x%lx", i1, (i1 >> 7) & 7);
	report_check(c3 == VMEXIT_VMMCALL && (g.vmcb->save.rax & 0xff) == 0x5a,
		     "io: OUT to port 0x80 (not in the IOPM) does not exit; IN result reached L2",
		     "%s", c3 == NOT_RUN ? code_s(c3) : ex(&g));
}

static void sc_msr(void)
{
	struct guest g;
	uint64_t c1, c2 = NOT_RUN, c3 = NOT_RUN, c4 = NOT_RUN, i1, i2 = 0, i3 = 0;
	uint64_t ecx1, ecx2 = 0, ecx3 = 0;
	uint64_t wr_val = 0;
	int at1, at2 = 0, at3 = 0;

	guest_init(&g, SLOT_MAIN, 1, l2_msr);
	probe_begin();
	c1 = guest_run(&g, 0);
	i1 = g.vmcb->control.exit_info_1;
	ecx1 = g.r.rcx;
	at1 = at(&g, l2_msr_rd);
	if (c1 == VMEXIT_MSR && at1) {
		g.vmcb->save.rax = 0xaaaa5555;
		g.r.rdx = 0x1234;
		g.vmcb->save.rip += 2;
		c2 = guest_run(&g, 0);
		i2 = g.vmcb->control.exit_info_1;
		ecx2 = g.r.rcx;
		wr_val = (g.r.rdx << 32) | (uint32_t)g.vmcb->save.rax;
		at2 = at(&g, l2_msr_wr);
		if (c2 == VMEXIT_MSR && at2) {
			g.vmcb->save.rip += 2;
			c3 = guest_run(&g, 0);
			i3 = g.vmcb->control.exit_info_1;
			ecx3 = g.r.rcx;
			at3 = at(&g, l2_msr_outside);
			if (c3 == VMEXIT_MSR && at3) {
				g.vmcb->save.rax = 0;
				g.r.rdx = 0;
				g.vmcb->save.rip += 2;
				c4 = guest_run(&g, 0);
			}
		}
	}
	probe_end();
	report_check(c1 == VMEXIT_MSR && at1 && i1 == 0 && (uint32_t)ecx1 == MSR_RD_ICPT,
		     "msr: RDMSR of an MSRPM read-intercepted MSR exits (0x7c), info1 0, ECX",
		     "exit 0x%lx info1 0x%lx ecx 0x%lx at %d", c1, i1, ecx1, at1);
	report_check(c2 == VMEXIT_MSR && at2 && i2 == 1 && (uint32_t)ecx2 == MSR_WR_ICPT &&
		     wr_val == 0x5566778811223344ull,
		     "msr: WRMSR of a write-intercepted MSR exits, info1 1, ECX, EDX:EAX",
		     "%s info1 0x%lx ecx 0x%lx value 0x%lx", code_s(c2), i2, ecx2, wr_val);
	report_check(c3 == VMEXIT_MSR && (uint32_t)ecx3 != MSR_EFER,
		     "msr: RDMSR of a non-intercepted MSR (EFER) does not exit",
		     "%s ecx 0x%lx", code_s(c3), ecx3);
	report_check(c3 == VMEXIT_MSR && at3 && i3 == 0 && (uint32_t)ecx3 == MSR_OUTSIDE,
		     "msr: RDMSR of an MSR outside the MSRPM ranges exits",
		     "%s info1 0x%lx ecx 0x%lx", code_s(c3), i3, ecx3);
	report_check(c4 == VMEXIT_VMMCALL && g.r.r8 == 0xaaaa5555 && g.r.r9 == 0x1234 &&
		     g.r.r10 == g.vmcb->save.efer,
		     "msr: L1's emulated RDMSR result reaches L2; L2 read its own EFER",
		     "%s r8 0x%lx r9 0x%lx r10 0x%lx", c4 == NOT_RUN ? code_s(c4) : ex(&g),
		     g.r.r8, g.r.r9, g.r.r10);
}

/* One L2 run from `entry` with extra intercepts; returns the exit code. */
static uint64_t run_once(struct guest *g, const uint8_t *entry, uint32_t exc_mask,
			 int intn)
{
	uint64_t code;

	guest_init(g, SLOT_MAIN, 1, entry);
	g->vmcb->control.intercept_exceptions = exc_mask;
	if (intn)
		vmcb_set_intercept(&g->vmcb->control, INTERCEPT_INTN);
	probe_begin();
	code = guest_run(g, 0);
	probe_end();
	return code;
}

static void bp_check(const char *name, int intn)
{
	struct guest g;
	uint64_t code = run_once(&g, l2_bp, 0xffffffffu, intn);

	if (code == VMEXIT_EXCP_BASE + 3 && at(&g, l2_bp_int3))
		report_ok(name);
	else if (is_vmmcall_with(&g, code, L2_MARK + 3))
		report_qemu_bug(name, "INT3 bypasses the #BP intercept", "delivered to L2's IDT");
	else if (code == VMEXIT_SWINT)
		report_qemu_bug(name, "INT3 exits as INTn", "exit 0x75");
	else
		report_fail(name, "%s", ex(&g));
}

static void sc_exceptions(void)
{
	struct guest g;
	uint64_t code;

	code = run_once(&g, l2_ud, 0xffffffffu, 0);
	report_check(code == VMEXIT_EXCP_BASE + 6 && at(&g, l2_ud),
		     "exception: #UD from UD2 exits (0x46) at the UD2", "%s", ex(&g));
	code = run_once(&g, l2_de, 0xffffffffu, 0);
	report_check(code == VMEXIT_EXCP_BASE + 0 && at(&g, l2_de_div),
		     "exception: #DE from DIV by 0 exits (0x40) at the DIV", "%s", ex(&g));
	code = run_once(&g, l2_ud, 0xffffffffu & ~BIT(6), 0);
	report_check(is_vmmcall_with(&g, code, L2_MARK + 6) && g.r.rbx == l2_addr(l2_ud),
		     "exception: #UD not intercepted goes to L2's IDT", "%s rbx 0x%lx", ex(&g),
		     g.r.rbx);
	bp_check("exception: #BP from INT3 exits (0x43) at the INT3", 0);
	bp_check("exception: INT3 exits as #BP (0x43) with the INTn intercept also set", 1);
	code = run_once(&g, l2_intn, 0xffffffffu, 1);
	report_check(code == VMEXIT_SWINT && at(&g, l2_intn),
		     "exception: INT 0x21 with the INTn intercept exits (0x75)", "%s", ex(&g));
}

static void sc_eventinj(void)
{
	struct guest g;
	uint64_t c1, c2 = NOT_RUN, rax1, rbx1, rsp1, eii1, info1, top;
	uint16_t attr;

	/* #GP with an error code, to L2's own handler (no #GP intercept). */
	guest_init(&g, SLOT_MAIN, 1, l2_done);
	top = (uint64_t)g.stack_top;
	g.vmcb->control.intercept_exceptions &= ~BIT(13);
	g.vmcb->control.event_inj = SVM_EVTINJ_VALID | SVM_EVTINJ_TYPE_EXEPT |
				    SVM_EVTINJ_VALID_ERR | 13 | (0x1234ull << SVM_EVTINJ_ERR_SHIFT);
	probe_begin();
	c1 = guest_run(&g, 0);
	rax1 = g.vmcb->save.rax;
	rbx1 = g.r.rbx;
	rsp1 = g.vmcb->save.rsp;
	eii1 = g.vmcb->control.exit_int_info;
	if (is_vmmcall_with(&g, c1, L2_MARK + 13)) {
		g.vmcb->control.event_inj = 0;
		g.vmcb->save.rip += 3;
		c2 = guest_run(&g, 0);
	}
	probe_end();
	report_check(c1 == VMEXIT_VMMCALL && rax1 == L2_MARK + 13 && rbx1 == 0x1234 &&
		     rsp1 == top - 48 && !(eii1 & SVM_EVTINJ_VALID),
		     "eventinj: #GP (error code 0x1234) reaches L2's handler",
		     "exit 0x%lx rax 0x%lx rbx 0x%lx rsp top-%lu exit_int_info 0x%lx", c1, rax1,
		     rbx1, top - rsp1, eii1);
	report_check(is_vmmcall_with(&g, c2, L2_DONE) && g.vmcb->save.rsp == top,
		     "eventinj: L2's #GP handler IRETQs back to the injection point", "%s",
		     c2 == NOT_RUN ? code_s(c2) : ex(&g));

	/* External interrupt (type 0), vector 0x41, L2 RFLAGS.IF = 0. */
	guest_init(&g, SLOT_MAIN, 1, l2_done);
	g.vmcb->control.event_inj = SVM_EVTINJ_VALID | SVM_EVTINJ_TYPE_INTR | 0x41;
	probe_begin();
	c1 = guest_run(&g, 0);
	rax1 = g.vmcb->save.rax;
	rbx1 = g.r.rbx;
	rsp1 = g.vmcb->save.rsp;
	c2 = NOT_RUN;
	if (is_vmmcall_with(&g, c1, L2_MARK + 0x41)) {
		g.vmcb->control.event_inj = 0;
		g.vmcb->save.rip += 3;
		c2 = guest_run(&g, 0);
	}
	probe_end();
	report_check(c1 == VMEXIT_VMMCALL && rax1 == L2_MARK + 0x41 && rbx1 == l2_addr(l2_done) &&
		     rsp1 == top - 40,
		     "eventinj: external interrupt 0x41 (type 0) reaches L2's handler",
		     "exit 0x%lx rax 0x%lx rbx 0x%lx rsp top-%lu", c1, rax1, rbx1, top - rsp1);
	report_check(is_vmmcall_with(&g, c2, L2_DONE) && g.vmcb->save.rsp == top,
		     "eventinj: L2's interrupt handler IRETQs back", "%s",
		     c2 == NOT_RUN ? code_s(c2) : ex(&g));

	/* Its delivery faults (#NP: gate not present), #NP intercepted: exit_int_info. */
	guest_init(&g, SLOT_MAIN, 1, l2_done);
	attr = L.l2_idt[0x42].type_attr;
	L.l2_idt[0x42].type_attr = 0x0e;
	g.vmcb->control.event_inj = SVM_EVTINJ_VALID | SVM_EVTINJ_TYPE_INTR | 0x42;
	probe_begin();
	c1 = guest_run(&g, 0);
	probe_end();
	L.l2_idt[0x42].type_attr = (uint8_t)attr;
	eii1 = g.vmcb->control.exit_int_info;
	info1 = g.vmcb->control.exit_info_1;
	report_check(c1 == VMEXIT_EXCP_BASE + 11 &&
		     (uint32_t)eii1 == (SVM_EVTINJ_VALID | SVM_EVTINJ_TYPE_INTR | 0x42) &&
		     at(&g, l2_done),
		     "eventinj: #NP while delivering INTR 0x42 exits (0x4b), exit_int_info = the event",
		     "exit 0x%lx exit_int_info 0x%lx rip L2+0x%lx", c1, eii1,
		     g.vmcb->save.rip - (uint64_t)L.code);
	/* Error code: IDT selector of vector 0x42 (index 0x42, IDT bit 1, EXT bit 0). */
	if (c1 != VMEXIT_EXCP_BASE + 11)
		report_fail("eventinj: #NP error code (exit_info_1) = 0x42 << 3 | IDT | EXT",
			    "no #NP exit");
	else if (info1 == 0x213)
		report_ok("eventinj: #NP error code (exit_info_1) = 0x42 << 3 | IDT | EXT");
	else if (info1 == 0x422 || info1 == 0x212)
		report_qemu_bug("eventinj: #NP error code (exit_info_1) = 0x42 << 3 | IDT | EXT",
				"64-bit IDT #NP error code is vector*16+2, no EXT", "info1 0x%lx", info1);
	else
		report_fail("eventinj: #NP error code (exit_info_1) = 0x42 << 3 | IDT | EXT",
			    "info1 0x%lx, want 0x213", info1);
}

/* --- physical interrupts, GIF ------------------------------------------------- */

struct interrupt_frame;
volatile unsigned irq_count;
static volatile uint32_t *apic_mmio;
static int x2apic;

static void apic_eoi(void)
{
	if (x2apic)
		wrmsr(0x80b, 0);
	else
		apic_mmio[0xb0 / 4] = 0;
}

__attribute__((interrupt)) static void irq_handler(struct interrupt_frame *f)
{
	irq_count++;
	apic_eoi();
}

const char *apic_setup(void)
{
	uint64_t base = rdmsr(MSR_APIC_BASE);
	uint32_t svr;

	if (!(base & BIT(11)))
		return "local APIC globally disabled";
	x2apic = !!(base & BIT(10));
	apic_mmio = (volatile uint32_t *)(base & 0x000ffffffffff000ull);
	svr = x2apic ? (uint32_t)rdmsr(0x80f) : apic_mmio[0xf0 / 4];
	if (!(svr & BIT(8)))
		return "local APIC software-disabled";
	return NULL;
}

/* Fixed, edge, to self (APM2 16.5 ICR). */
void apic_self_ipi(uint8_t vec)
{
	uint32_t icr = BIT(18) | BIT(14) | vec;

	if (x2apic) {
		wrmsr(0x830, icr);
		return;
	}
	apic_mmio[0x310 / 4] = 0;
	apic_mmio[0x300 / 4] = icr;
	for (int i = 0; i < 100000 && (apic_mmio[0x300 / 4] & BIT(12)); i++)
		__asm__ volatile("pause");
}

/* L1's IDT for the IRQ scenario: probe.c's 0..31, the firmware's 32..255, ours. */
void irq_idt_build(struct dtr64 *probe_idtr)
{
	uint64_t a = (uint64_t)irq_handler;
	uint16_t cs;

	__asm__ volatile("sidt %0" : "=m"(*probe_idtr));
	mem_zero(L.irq_idt, 4096);
	mem_copy(L.irq_idt, (void *)probe_idtr->base, (size_t)probe_idtr->limit + 1);
	for (unsigned v = 32; v < 256; v++)
		if ((v + 1) * 16 - 1 <= L.fw_idt_limit)
			L.irq_idt[v] = ((struct idt_gate64 *)L.fw_idt_base)[v];
	__asm__ volatile("mov %%cs, %0" : "=r"(cs));
	L.irq_idt[IRQ_VEC] = (struct idt_gate64){
		.offset_lo = (uint16_t)a, .selector = cs, .type_attr = 0x8e,
		.offset_mid = (uint16_t)(a >> 16), .offset_hi = (uint32_t)(a >> 32),
	};
}

static void spin(unsigned n)
{
	for (unsigned i = 0; i < n; i++)
		__asm__ volatile("pause" ::: "memory");
}

/*
 * The IRQ probes' start: count cleared, the IRQ IDT loaded (probe_idtr
 * keeps the probe's), GIF = 0, and a self-IPI pending that only the
 * scenario's next step may let in.
 */
static void irq_pend_self(struct dtr64 *probe_idtr)
{
	struct dtr64 irq_idtr = { 4095, (uint64_t)L.irq_idt };

	irq_count = 0;
	probe_begin();
	irq_idt_build(probe_idtr);
	__asm__ volatile("lidt %0" : : "m"(irq_idtr) : "memory");
	__asm__ volatile("clgi" ::: "memory");
	apic_self_ipi(IRQ_VEC);
}

static void sc_interrupts(void)
{
	static const char *const names[4] = {
		"intr: pending IRQ, host IF=0 at VMRUN: no exit (V_INTR_MASKING=1)",
		"intr: pending IRQ, host IF=1 at VMRUN: VMEXIT_INTR (0x60), L2 did not run it",
		"intr: L1 takes the IRQ after the exit (STGI, STI)",
		"gif: L1's CLGI holds a self-IPI, STGI delivers it",
	};
	const char *why = apic_setup();
	struct dtr64 probe_idtr;
	struct guest g;
	uint64_t ca, cb, raxa, rcxb;
	unsigned na, nb, nc, nd1, nd2;

	if (why) {
		for (int i = 0; i < 4; i++)
			report_skip(names[i], why);
		return;
	}
	guest_init(&g, SLOT_MAIN, 1, l2_spin);
	vmcb_set_intercept(&g.vmcb->control, INTERCEPT_INTR);
	g.vmcb->save.rflags = 0x202;    /* L2 IF = 1: only host IF may gate (V_INTR_MASKING) */
	g.r.rcx = 1000;
	irq_pend_self(&probe_idtr);
	ca = guest_run(&g, 0);                  /* host IF = 0 */
	raxa = g.vmcb->save.rax;
	na = irq_count;
	g.vmcb->save.rip = l2_addr(l2_spin);
	g.r.rcx = 20000000;
	cb = guest_run(&g, L1_RUN_STI);         /* host IF = 1 */
	rcxb = g.r.rcx;
	nb = irq_count;
	__asm__ volatile("sti; nop; nop; nop; cli" ::: "memory");
	spin(10);
	nc = irq_count;
	__asm__ volatile("clgi" ::: "memory");
	apic_self_ipi(IRQ_VEC);
	__asm__ volatile("sti" ::: "memory");
	spin(2000);
	nd1 = irq_count;
	__asm__ volatile("stgi; nop; nop" ::: "memory");
	spin(200);
	__asm__ volatile("cli" ::: "memory");
	nd2 = irq_count;
	__asm__ volatile("lidt %0" : : "m"(probe_idtr) : "memory");
	probe_end();
	report_diag("local APIC in %s mode, IRQ vector 0x%x", x2apic ? "x2APIC" : "xAPIC", IRQ_VEC);
	report_check(ca == VMEXIT_VMMCALL && (uint32_t)raxa == L2_DONE && na == 0, names[0],
		     "exit 0x%lx rax 0x%lx, L1 saw %u IRQs", ca, raxa, na);
	report_check(cb == VMEXIT_INTR && rcxb == 20000000 && nb == 0, names[1],
		     "exit 0x%lx, L2 rcx %lu, L1 saw %u IRQs", cb, rcxb, nb);
	report_check(nc == 1, names[2], "L1 saw %u IRQs", nc);
	report_check(nd1 == 1 && nd2 == 2, names[3],
		     "IRQs: %u with GIF=0 (want 1), %u after STGI (want 2)", nd1, nd2);
}

/* --- VGIF for L2 ----------------------------------------------------------------- */

#define VGIF_VEC        0x41u   /* L1's virtual interrupt for L2 (an l2_stubs vector) */

/*
 * L1 runs L2 with V_GIF_ENABLE (vmcb12 int_ctl bit 25) and V_GIF = 1, STGI
 * and CLGI not intercepted (APM2 15.33.2): L2's CLGI clears V_GIF without an
 * exit and the next #VMEXIT shows V_GIF = 0 in vmcb12; a V_IRQ L1 posts is
 * held while V_GIF = 0 (RCX counts the whole spin down) and taken once L2's
 * STGI sets it (return RIP right after the STGI), exactly once (V_IRQ
 * cleared and written back, the next exit is L2's final VMMCALL). Then a
 * physical INTR L1 intercepts still exits while L2 runs with V_GIF = 0: V_GIF
 * masks only virtual interrupts. Needs VGIF in CPUID 8000_000A EDX[16]
 * (svmhv offers it where the CPU has it and vgif=on; QEMU's TCG has it).
 */
static void sc_vgif_l2(void)
{
	static const char *const names[] = {
		"vgif-l2: L2's CLGI (not intercepted) clears V_GIF without an exit; vmcb12 shows V_GIF=0",
		"vgif-l2: L1's V_IRQ is held while L2's V_GIF=0 and taken right after L2's STGI",
		"vgif-l2: the virtual interrupt is taken exactly once (V_IRQ cleared in vmcb12)",
		"vgif-l2: a physical INTR L1 intercepts exits while L2's V_GIF=0; L1 then takes it",
	};
	enum { N = sizeof(names) / sizeof(names[0]) };
	const uint64_t vgif = V_GIF_ENABLE_MASK | V_GIF_MASK;
	const uint64_t spins = 200000;
	uint64_t c1, c2 = NOT_RUN, c3 = NOT_RUN, ic1, ic2 = 0, ic3 = 0, rax2 = 0, rbx2 = 0;
	uint64_t rcx2 = 0, rip3 = 0, c4, rcx4, ic4;
	int at1;
	struct dtr64 probe_idtr;
	const char *why;
	struct guest g;
	unsigned n4, n4b;

	if (!(L.svm_features & SVM_FEATURE_VGIF)) {
		for (unsigned i = 0; i < N; i++)
			report_skip(names[i], "no VGIF (CPUID 8000_000A EDX[16])");
		return;
	}
	guest_init(&g, SLOT_MAIN, 1, l2_vgif);
	vmcb_clr_intercept(&g.vmcb->control, INTERCEPT_CLGI);
	vmcb_clr_intercept(&g.vmcb->control, INTERCEPT_STGI);
	g.vmcb->control.int_ctl |= vgif;
	g.vmcb->save.rflags = 0x202;            /* L2 IF = 1: V_GIF alone holds the V_IRQ */
	probe_begin();
	c1 = guest_run(&g, 0);
	ic1 = g.vmcb->control.int_ctl;
	at1 = at(&g, l2_vgif_vmmcall);
	if (c1 == VMEXIT_VMMCALL && at1) {
		g.vmcb->control.int_ctl |= V_IRQ_MASK | V_IGN_TPR_MASK | V_INTR_PRIO_MASK |
					   ((uint64_t)VGIF_VEC << V_INTR_VECTOR_SHIFT);
		g.vmcb->save.rip += 3;
		g.r.rcx = spins;
		c2 = guest_run(&g, 0);
		ic2 = g.vmcb->control.int_ctl;
		rax2 = g.vmcb->save.rax;
		rbx2 = g.r.rbx;
		rcx2 = g.r.rcx;
		if (c2 == VMEXIT_VMMCALL && (uint32_t)rax2 == L2_MARK + VGIF_VEC) {
			g.vmcb->save.rip += 3;  /* the stub IRETQs back after the STGI */
			c3 = guest_run(&g, 0);
			ic3 = g.vmcb->control.int_ctl;
			rip3 = g.vmcb->save.rip;
		}
	}
	probe_end();
	report_check(c1 == VMEXIT_VMMCALL && at1 &&
		     (ic1 & vgif) == V_GIF_ENABLE_MASK, names[0],
		     "%s, vmcb12 int_ctl 0x%lx (want V_GIF_ENABLE, no V_GIF)", code_s(c1), ic1);
	report_check(c2 == VMEXIT_VMMCALL && (uint32_t)rax2 == L2_MARK + VGIF_VEC &&
		     rbx2 == l2_addr(l2_vgif_after) && rcx2 == 0, names[1],
		     "%s rax 0x%lx, return RIP L2+0x%lx (want L2+0x%lx), rcx %lu of %lu left",
		     code_s(c2), rax2, rbx2 - (uint64_t)L.code,
		     l2_addr(l2_vgif_after) - (uint64_t)L.code, rcx2, spins);
	report_check(c3 == VMEXIT_VMMCALL && rip3 == l2_addr(l2_vgif_done) &&
		     !(ic2 & V_IRQ_MASK) && (ic2 & vgif) == vgif && !(ic3 & V_IRQ_MASK), names[2],
		     "%s at L2+0x%lx, int_ctl 0x%lx then 0x%lx", code_s(c3),
		     rip3 - (uint64_t)L.code, ic2, ic3);

	why = apic_setup();
	if (why) {
		report_skip(names[3], why);
		return;
	}
	guest_init(&g, SLOT_MAIN, 1, l2_spin);
	vmcb_set_intercept(&g.vmcb->control, INTERCEPT_INTR);
	vmcb_clr_intercept(&g.vmcb->control, INTERCEPT_CLGI);
	vmcb_clr_intercept(&g.vmcb->control, INTERCEPT_STGI);
	g.vmcb->control.int_ctl |= V_GIF_ENABLE_MASK;   /* L2 starts with V_GIF = 0 */
	g.vmcb->save.rflags = 0x202;
	g.r.rcx = 20000000;
	irq_pend_self(&probe_idtr);
	c4 = guest_run(&g, L1_RUN_STI);         /* host IF = 1 */
	rcx4 = g.r.rcx;
	ic4 = g.vmcb->control.int_ctl;
	n4 = irq_count;
	__asm__ volatile("sti; nop; nop; nop; cli" ::: "memory");
	spin(10);
	n4b = irq_count;
	__asm__ volatile("lidt %0" : : "m"(probe_idtr) : "memory");
	probe_end();
	report_check(c4 == VMEXIT_INTR && rcx4 == 20000000 && !(ic4 & V_GIF_MASK) && n4 == 0 &&
		     n4b == 1, names[3],
		     "%s, L2 rcx %lu, vmcb12 int_ctl 0x%lx, L1 saw %u IRQs, then %u", code_s(c4),
		     rcx4, ic4, n4, n4b);
}

/* --- SVM instructions ---------------------------------------------------------- */

static void sc_svm_insns(void)
{
	static const struct {
		uint64_t code;
		const char *name;
	} seq[] = {
		{ VMEXIT_STGI, "svm-insn: STGI in L2 exits (0x84)" },
		{ VMEXIT_CLGI, "svm-insn: CLGI in L2 exits (0x85)" },
		{ VMEXIT_INVLPGA, "svm-insn: INVLPGA in L2 exits (0x7a)" },
		{ VMEXIT_VMLOAD, "svm-insn: VMLOAD in L2 exits (0x82)" },
		{ VMEXIT_VMSAVE, "svm-insn: VMSAVE in L2 exits (0x83)" },
		{ VMEXIT_VMRUN, "svm-insn: VMRUN in L2 exits (0x80)" },
		{ VMEXIT_SKINIT, "svm-insn: SKINIT in L2 exits (0x86)" },
	};
	enum { N = sizeof(seq) / sizeof(seq[0]) };
	uint64_t got[N], rip[N], final = 0;
	struct guest g;
	unsigned n = 0;

	guest_init(&g, SLOT_MAIN, 1, l2_svm);
	g.vmcb->save.rax = (uint64_t)L.scratch[5];      /* a valid page: no #GP first */
	probe_begin();
	for (; n < N; n++) {
		got[n] = guest_run(&g, 0);
		rip[n] = g.vmcb->save.rip;
		if (got[n] != seq[n].code || rip[n] != l2_addr(l2_svm) + 3 * n)
			break;
		g.vmcb->save.rip += 3;
	}
	if (n == N)
		final = guest_run(&g, 0);
	probe_end();
	for (unsigned i = 0; i < N; i++) {
		if (i < n)
			report_ok(seq[i].name);
		else if (i == n)
			report_fail(seq[i].name, "exit 0x%lx at L2+0x%lx (want L2+0x%lx)", got[i],
				    rip[i] - (uint64_t)L.code,
				    l2_addr(l2_svm) + 3 * i - (uint64_t)L.code);
		else
			report_fail(seq[i].name, "not run: an earlier instruction failed");
	}
	report_check(n == N && is_vmmcall_with(&g, final, L2_DONE),
		     "svm-insn: L2 continues after the emulated SVM instructions", "%s", ex(&g));
}

/*
 * CLGI, STGI, VMSAVE and VMLOAD in L2 with L1 intercepting none of them
 * (issue 17 item 5): they execute as on the hardware, L1 being L2's host:
 * GIF is L2's, rAX is an L1-physical address and the state moved is L2's
 * (APM2 15.5.2, 15.17; 15.33.1: without virtual VMLOAD/VMSAVE, rAX is a
 * system-physical address). QEMU TCG instead exits with VMEXIT_VMSAVE at the
 * first VMSAVE though the intercept is clear: skipped on bare QEMU TCG.
 */
static void sc_svm_insns_l2(void)
{
	struct vmcb *a = (struct vmcb *)L.scratch[0], *b = (struct vmcb *)L.scratch[1];
	struct vmcb *c = (struct vmcb *)L.scratch[2];
	const uint64_t fs_x = 0x0000654321987000ull, kgs_x = 0xffff800087654321ull;
	const uint64_t esp_x = 0x5a5a5a5a00005000ull;
	static const char *const names[] = {
		"svm-insn-l2: CLGI and STGI that L1 does not intercept execute in L2",
		"svm-insn-l2: L2's VMSAVE (no L1 intercept) stores L2's state at an L1-physical rAX",
		"svm-insn-l2: L2's VMLOAD (no L1 intercept) loads from an L1-physical rAX",
		"svm-insn-l2: the state L2's VMLOAD loaded is the CPU's after the #VMEXIT",
	};
	uint64_t code, fs0, kgs0, esp0, fs1, kgs1, esp1;
	struct guest g;
	int qemu_exit;

	guest_init(&g, SLOT_MAIN, 1, l2_svm_pass);
	vmcb_clr_intercept(&g.vmcb->control, INTERCEPT_VMLOAD);
	vmcb_clr_intercept(&g.vmcb->control, INTERCEPT_VMSAVE);
	vmcb_clr_intercept(&g.vmcb->control, INTERCEPT_CLGI);
	vmcb_clr_intercept(&g.vmcb->control, INTERCEPT_STGI);
	mem_zero(a, 4096);
	mem_zero(c, 4096);
	mem_copy(b, g.vmcb, 4096);
	b->save.fs.base = fs_x;
	b->save.kernel_gs_base = kgs_x;
	b->save.sysenter_esp = esp_x;
	g.vmcb->save.rax = (uint64_t)a;
	g.r.rbx = (uint64_t)b;
	g.r.rdi = (uint64_t)c;
	probe_begin();
	/* l1hv runs L2 without VMLOAD: L2 starts on L1's FS, KernelGSBase, SYSENTER. */
	fs0 = rdmsr(MSR_FS_BASE);
	kgs0 = rdmsr(MSR_KERNEL_GS_BASE);
	esp0 = rdmsr(MSR_SYSENTER_ESP);
	code = guest_run(&g, 0);
	/* #VMEXIT does not reload them (APM2 15.6): L1 restores its own. */
	fs1 = rdmsr(MSR_FS_BASE);
	kgs1 = rdmsr(MSR_KERNEL_GS_BASE);
	esp1 = rdmsr(MSR_SYSENTER_ESP);
	wrmsr(MSR_FS_BASE, fs0);
	wrmsr(MSR_KERNEL_GS_BASE, kgs0);
	wrmsr(MSR_SYSENTER_ESP, esp0);
	probe_end();
	qemu_exit = code == VMEXIT_VMSAVE && at(&g, l2_svm_pass_save);
	report_check(is_vmmcall_with(&g, code, L2_DONE) || (qemu_exit && !L.under_svmhv),
		     names[0], "%s", ex(&g));
	if (qemu_exit && !L.under_svmhv && L.qemu_tcg) {
		report_skip(names[1], "QEMU TCG bug: VMEXIT_VMSAVE with the intercept clear");
		report_skip(names[2], "QEMU TCG bug: VMEXIT_VMSAVE with the intercept clear");
		report_skip(names[3], "QEMU TCG bug: VMEXIT_VMSAVE with the intercept clear");
		return;
	}
	report_check(code == VMEXIT_VMMCALL && a->save.fs.base == fs0 &&
		     a->save.kernel_gs_base == kgs0 && a->save.sysenter_esp == esp0 &&
		     a->save.tr.selector == g.vmcb->save.tr.selector,
		     names[1], "%s; fs 0x%lx kgs 0x%lx esp 0x%lx", ex(&g), a->save.fs.base,
		     a->save.kernel_gs_base, a->save.sysenter_esp);
	report_check(code == VMEXIT_VMMCALL && c->save.fs.base == fs_x &&
		     c->save.kernel_gs_base == kgs_x && c->save.sysenter_esp == esp_x,
		     names[2], "%s; VMSAVE after it: fs 0x%lx kgs 0x%lx esp 0x%lx", ex(&g),
		     c->save.fs.base, c->save.kernel_gs_base, c->save.sysenter_esp);
	report_check(code == VMEXIT_VMMCALL && fs1 == fs_x && kgs1 == kgs_x && esp1 == esp_x,
		     names[3], "fs 0x%lx kgs 0x%lx esp 0x%lx", fs1, kgs1, esp1);
}

/* --- permission maps changed while L2 runs (issue 17 item 2) ------------------- */

/* L2 stores val at map byte b, then OUTs to port: the exit code. */
static uint64_t poke_out(struct guest *g, uint8_t *b, uint8_t val, uint16_t port)
{
	uint64_t code;

	guest_init(g, SLOT_MAIN, 1, l2_poke_out);
	g->r.rdi = (uint64_t)b;
	g->r.rsi = val;
	g->r.rdx = port;
	probe_begin();
	code = guest_run(g, 0);
	probe_end();
	return code;
}

/* L2 stores val at map byte b, then RDMSRs msr: the exit code. */
static uint64_t poke_rdmsr(struct guest *g, uint8_t *b, uint8_t val, uint32_t msr)
{
	uint64_t code;

	guest_init(g, SLOT_MAIN, 1, l2_poke_rdmsr);
	g->r.rdi = (uint64_t)b;
	g->r.rsi = val;
	g->r.rcx = msr;
	probe_begin();
	code = guest_run(g, 0);
	probe_end();
	return code;
}

/*
 * The CPU consults L1's IOPM and MSRPM at each IN/OUT and RDMSR/WRMSR
 * (APM2 15.10.1, 15.11), so a bit L2 flips in L1's map (L2 runs on L1's
 * memory here) decides L2's very next access: set, it is intercepted;
 * clear, it is not.
 */
static void sc_maps_live(void)
{
	const uint16_t port = 0x80;
	const uint32_t msr = MSR_SYSENTER_CS;
	uint8_t *ib = L.iopm + port / 8, im = (uint8_t)(1u << (port % 8)), isaved = *ib;
	uint8_t *mb = L.msrpm + 2 * msr / 8, mm = (uint8_t)(1u << (2 * msr % 8)), msaved = *mb;
	uint64_t code, want = rdmsr(msr);
	struct guest g;

	*ib = isaved & (uint8_t)~im;
	code = poke_out(&g, ib, isaved | im, port);
	report_check(code == VMEXIT_IOIO && (g.vmcb->control.exit_info_1 >> 16) == port,
		     "maps-live: L2 sets its port's bit in L1's IOPM, its OUT is intercepted",
		     "%s", ex(&g));
	*ib = isaved | im;
	code = poke_out(&g, ib, isaved & (uint8_t)~im, port);
	report_check(is_vmmcall_with(&g, code, L2_DONE),
		     "maps-live: L2 clears its port's bit in L1's IOPM, its OUT is not intercepted",
		     "%s", ex(&g));
	*ib = isaved;
	*mb = msaved & (uint8_t)~mm;
	code = poke_rdmsr(&g, mb, msaved | mm, msr);
	report_check(code == VMEXIT_MSR && g.vmcb->control.exit_info_1 == 0 &&
		     (uint32_t)g.r.rcx == msr,
		     "maps-live: L2 sets an MSR's read bit in L1's MSRPM, its RDMSR is intercepted",
		     "%s", ex(&g));
	*mb = msaved | mm;
	code = poke_rdmsr(&g, mb, msaved & (uint8_t)~mm, msr);
	report_check(is_vmmcall_with(&g, code, L2_DONE) &&
		     ((g.r.r9 << 32) | (uint32_t)g.r.r8) == want,
		     "maps-live: L2 clears an MSR's read bit in L1's MSRPM, its RDMSR is not intercepted",
		     "%s; value 0x%lx (L1's 0x%lx)", ex(&g), (g.r.r9 << 32) | (uint32_t)g.r.r8, want);
	*mb = msaved;
}

static void sc_invlpga(void)
{
	unsigned v0, v1;

	probe_begin();
	v0 = probe_invlpga(l2_addr(l2_loop), 0);
	v1 = probe_invlpga(l2_addr(l2_loop), 1);
	probe_end();
	report_check(v0 == PROBE_NO_FAULT && v1 == PROBE_NO_FAULT,
		     "invlpga: L1 INVLPGA (va, ASID 0) and (va, ASID 1) do not fault",
		     "ASID 0: %s, ASID 1: %s", vector_name(v0), vector_name(v1));
}

static void sc_vmsave_vmload(void)
{
	struct vmcb *a = (struct vmcb *)L.scratch[0], *b = (struct vmcb *)L.scratch[1];
	struct vmcb *c = (struct vmcb *)L.scratch[2];
	const uint64_t fs_x = 0x0000123456789000ull, kgs_x = 0xffff800012345678ull;
	const uint64_t esp_x = 0x5a5a5a5a5a5a5000ull;
	uint64_t fs0, kgs0, esp0, fs1, kgs1, esp1, fs2, kgs2, esp2;
	unsigned v[4];

	mem_zero(a, 4096);
	mem_zero(c, 4096);
	probe_begin();
	fs0 = rdmsr(MSR_FS_BASE);
	kgs0 = rdmsr(MSR_KERNEL_GS_BASE);
	esp0 = rdmsr(MSR_SYSENTER_ESP);
	v[0] = probe_svm_insn(INSN_VMSAVE, (uint64_t)a);
	mem_copy(b, a, 4096);
	b->save.fs.base = fs_x;
	b->save.kernel_gs_base = kgs_x;
	b->save.sysenter_esp = esp_x;
	v[1] = v[0] == PROBE_NO_FAULT ? probe_svm_insn(INSN_VMLOAD, (uint64_t)b) : 0xfe;
	fs1 = rdmsr(MSR_FS_BASE);
	kgs1 = rdmsr(MSR_KERNEL_GS_BASE);
	esp1 = rdmsr(MSR_SYSENTER_ESP);
	v[2] = probe_svm_insn(INSN_VMSAVE, (uint64_t)c);
	v[3] = v[0] == PROBE_NO_FAULT ? probe_svm_insn(INSN_VMLOAD, (uint64_t)a) : 0xfe;
	fs2 = rdmsr(MSR_FS_BASE);
	kgs2 = rdmsr(MSR_KERNEL_GS_BASE);
	esp2 = rdmsr(MSR_SYSENTER_ESP);
	probe_end();
	report_check(v[0] == PROBE_NO_FAULT && a->save.fs.base == fs0 &&
		     a->save.kernel_gs_base == kgs0 && a->save.sysenter_esp == esp0,
		     "vmsave: VMSAVE stores L1's FS base, KernelGSBase, SYSENTER_ESP",
		     "%s fs 0x%lx/0x%lx kgs 0x%lx/0x%lx", vector_name(v[0]), a->save.fs.base, fs0,
		     a->save.kernel_gs_base, kgs0);
	report_check(v[1] == PROBE_NO_FAULT && fs1 == fs_x && kgs1 == kgs_x && esp1 == esp_x,
		     "vmload: VMLOAD loads a modified FS base, KernelGSBase, SYSENTER_ESP",
		     "%s fs 0x%lx kgs 0x%lx esp 0x%lx", vector_name(v[1]), fs1, kgs1, esp1);
	report_check(v[2] == PROBE_NO_FAULT && c->save.fs.base == fs_x &&
		     c->save.kernel_gs_base == kgs_x && c->save.sysenter_esp == esp_x &&
		     c->save.star == a->save.star && c->save.tr.selector == a->save.tr.selector,
		     "vmsave: VMSAVE after VMLOAD stores the loaded values",
		     "%s fs 0x%lx kgs 0x%lx", vector_name(v[2]), c->save.fs.base,
		     c->save.kernel_gs_base);
	report_check(v[3] == PROBE_NO_FAULT && fs2 == fs0 && kgs2 == kgs0 && esp2 == esp0,
		     "vmload: VMLOAD of the first image restores L1's values",
		     "%s fs 0x%lx kgs 0x%lx", vector_name(v[3]), fs2, kgs2);
}

/* --- illegal vmcb12s ------------------------------------------------------------- */

enum bad_case {
	BAD_ASID0, BAD_NO_VMRUN_ICPT, BAD_SVME, BAD_CD_NW, BAD_CR0_HI, BAD_CR3_MBZ,
	BAD_CR4_RSVD, BAD_DR6_HI, BAD_DR7_HI, BAD_EFER_RSVD, BAD_NO_PAE, BAD_NO_PE,
	BAD_CS_L_D, BAD_EVTINJ_TYPE1, BAD_EVTINJ_NMI_EXC, BAD_EVTINJ_EXC_VEC,
	BAD_MSRPM_PA, BAD_IOPM_PA, BAD_COUNT
};

static const struct {
	const char *name;
	int qemu_checks;        /* QEMU 7.2 TCG rejects it too (must pass on bare QEMU) */
} bad_cases[BAD_COUNT] = {
	[BAD_ASID0]          = { "ASID 0", 1 },
	[BAD_NO_VMRUN_ICPT]  = { "VMRUN intercept clear", 1 },
	[BAD_SVME]           = { "EFER.SVME clear", 1 },
	[BAD_CD_NW]          = { "CR0.CD=0 with CR0.NW=1", 1 },
	[BAD_CR0_HI]         = { "CR0 bit 32 set", 1 },
	[BAD_CR3_MBZ]        = { "CR3 bit 52 (MBZ) set", 1 },
	[BAD_CR4_RSVD]       = { "CR4 reserved bit 15 set", 1 },
	[BAD_DR6_HI]         = { "DR6 bit 32 set", 1 },
	[BAD_DR7_HI]         = { "DR7 bit 32 set", 1 },
	[BAD_EFER_RSVD]      = { "EFER reserved bit 63 set", 1 },
	[BAD_NO_PAE]         = { "EFER.LME+CR0.PG with CR4.PAE clear", 1 },
	[BAD_NO_PE]          = { "EFER.LME+CR0.PG with CR0.PE clear", 1 },
	[BAD_CS_L_D]         = { "long mode with CS.L and CS.D both set", 1 },
	[BAD_EVTINJ_TYPE1]   = { "EVENTINJ with reserved type 1", 1 },
	[BAD_EVTINJ_NMI_EXC] = { "EVENTINJ exception (type 3) with vector 2", 1 },
	[BAD_EVTINJ_EXC_VEC] = { "EVENTINJ exception (type 3) with vector 0x30", 1 },
	[BAD_MSRPM_PA]       = { "MSRPM extends beyond MAXPHYADDR", 1 },
	[BAD_IOPM_PA]        = { "IOPM extends beyond MAXPHYADDR", 1 },
};

static void bad_apply(struct vmcb *v, enum bad_case b)
{
	struct vmcb_control *c = &v->control;
	struct vmcb_save *s = &v->save;
	uint64_t top = 1ull << L.maxphyaddr;

	switch (b) {
	case BAD_ASID0:          c->asid = 0; break;
	case BAD_NO_VMRUN_ICPT:  vmcb_clr_intercept(c, INTERCEPT_VMRUN); break;
	case BAD_SVME:           s->efer &= ~EFER_SVME; break;
	case BAD_CD_NW:          s->cr0 = (s->cr0 & ~CR0_CD) | CR0_NW; break;
	case BAD_CR0_HI:         s->cr0 |= BIT_ULL(32); break;
	case BAD_CR3_MBZ:        s->cr3 |= BIT_ULL(52); break;
	case BAD_CR4_RSVD:       s->cr4 |= BIT_ULL(15); break;
	case BAD_DR6_HI:         s->dr6 |= BIT_ULL(32); break;
	case BAD_DR7_HI:         s->dr7 |= BIT_ULL(32); break;
	case BAD_EFER_RSVD:      s->efer |= BIT_ULL(63); break;
	case BAD_NO_PAE:         s->cr4 &= ~CR4_PAE; break;
	case BAD_NO_PE:          s->cr0 &= ~CR0_PE; break;
	case BAD_CS_L_D:         s->cs.attrib |= SEG_ATTR_L | SEG_ATTR_DB; break;
	case BAD_EVTINJ_TYPE1:   c->event_inj = SVM_EVTINJ_VALID | (1ull << 8) | 0x20; break;
	case BAD_EVTINJ_NMI_EXC: c->event_inj = SVM_EVTINJ_VALID | SVM_EVTINJ_TYPE_EXEPT | 2; break;
	case BAD_EVTINJ_EXC_VEC: c->event_inj = SVM_EVTINJ_VALID | SVM_EVTINJ_TYPE_EXEPT | 0x30; break;
	case BAD_MSRPM_PA:       c->msrpm_base_pa = top - 4096; break;
	case BAD_IOPM_PA:        c->iopm_base_pa = top - 4096; break;
	default:                 break;
	}
}

/* Controls: unusual but legal vmcb12s must run (no over-strict checking). */
static void sc_legal_edges(void)
{
	static const char *const names[3] = {
		"legal vmcb12: CR0.CD=1 with CR0.NW=1 runs",
		"legal vmcb12: the highest ASID (8000_000A.EBX - 1) runs",
		"legal vmcb12: EVENTINJ NMI (type 2) runs, L2's NMI handler gets it",
	};
	uint64_t code[3], rax[3];
	struct guest g;

	for (unsigned i = 0; i < 3; i++) {
		guest_init(&g, SLOT_BAD, 1, l2_loop);
		if (i == 0)
			g.vmcb->save.cr0 |= CR0_CD | CR0_NW;
		else if (i == 1)
			g.vmcb->control.asid = L.nasids - 1;
		else
			g.vmcb->control.event_inj = SVM_EVTINJ_VALID | SVM_EVTINJ_TYPE_NMI | 2;
		probe_begin();
		code[i] = guest_run(&g, 0);
		probe_end();
		rax[i] = g.vmcb->save.rax;
	}
	report_check(code[0] == VMEXIT_VMMCALL, names[0], "%s", code_s(code[0]));
	report_check(code[1] == VMEXIT_VMMCALL, names[1], "%s (ASID %u)", code_s(code[1]),
		     L.nasids - 1);
	report_check(code[2] == VMEXIT_VMMCALL && rax[2] == L2_MARK + 2, names[2],
		     "%s rax 0x%lx", code_s(code[2]), rax[2]);
}

static void sc_illegal(void)
{
	char name[PAYLOAD_LINE_MAX];
	uint64_t code[BAD_COUNT];
	struct guest g;
	unsigned qemu_accepts = 0;

	for (unsigned b = 0; b < BAD_COUNT; b++) {
		guest_init(&g, SLOT_BAD, 1, l2_loop);
		bad_apply(g.vmcb, (enum bad_case)b);
		probe_begin();
		code[b] = guest_run(&g, 0);
		probe_end();
	}
	for (unsigned b = 0; b < BAD_COUNT; b++) {
		int invalid = (uint32_t)code[b] == 0xffffffffu;

		fmt_str(name, sizeof(name), "illegal vmcb12: %s -> VMEXIT_INVALID", bad_cases[b].name);
		if (invalid) {
			report_ok(name);
		} else if (!L.under_svmhv && L.qemu_tcg && !bad_cases[b].qemu_checks) {
			char why[80];

			fmt_str(why, sizeof(why), "QEMU TCG does not check this (L2 ran: exit 0x%lx)",
				code[b]);
			report_skip(name, why);
			qemu_accepts++;
		} else {
			report_fail(name, "exit 0x%lx", code[b]);
		}
	}
	if (qemu_accepts)
		report_diag("QEMU TCG accepted %u of %u illegal vmcb12s", qemu_accepts, BAD_COUNT);
	sc_legal_edges();
	if ((uint32_t)code[BAD_ASID0] == 0xffffffffu)
		report_diag("VMEXIT_INVALID stored as exit code 0x%lx%s", code[BAD_ASID0],
			    code[BAD_ASID0] == VMEXIT_INVALID ? "" : " (QEMU: not sign-extended)");
}

/* VMRUN operands that must #GP: unaligned, beyond MAXPHYADDR, svmhv's memory. */
static void sc_vmrun_operand(void)
{
	unsigned va, vb, v[3] = { 0, 0, 0 };
	uint64_t base = L.svmhv_base;
	static const char *const svmhv_names[3] = {
		"svmhv-mem: VMRUN with vmcb12 in svmhv's memory raises #GP",
		"svmhv-mem: VMLOAD of svmhv's memory raises #GP",
		"svmhv-mem: VMSAVE to svmhv's memory raises #GP",
	};

	mem_zero(L.scratch[3], 4096);
	probe_begin();
	__asm__ volatile("clgi" ::: "memory");
	va = probe_svm_insn(INSN_VMRUN, (uint64_t)L.scratch[3] + 8);
	__asm__ volatile("stgi; clgi" ::: "memory");
	vb = probe_svm_insn(INSN_VMRUN, 1ull << L.maxphyaddr);
	__asm__ volatile("stgi" ::: "memory");
	if (L.under_svmhv && L.svmhv_size) {
		__asm__ volatile("clgi" ::: "memory");
		v[0] = probe_svm_insn(INSN_VMRUN, base);
		__asm__ volatile("stgi" ::: "memory");
		v[1] = probe_svm_insn(INSN_VMLOAD, base);
		v[2] = probe_svm_insn(INSN_VMSAVE, base);
	}
	probe_end();
	report_check(va == VEC_GP, "vmrun: rAX not 4K aligned raises #GP", "got %s",
		     vector_name(va));
	report_check(vb == VEC_GP, "vmrun: rAX beyond MAXPHYADDR raises #GP", "got %s",
		     vector_name(vb));
	for (int i = 0; i < 3; i++) {
		if (!L.under_svmhv)
			report_skip(svmhv_names[i], "no svmhv");
		else if (!L.svmhv_size)
			report_fail(svmhv_names[i], "MEMINFO failed");
		else
			report_check(v[i] == VEC_GP, svmhv_names[i], "got %s at 0x%lx",
				     vector_name(v[i]), base);
	}
}

/*
 * WRMSR VM_HSAVE_PA with a page that is not L1's must #GP under svmhv (an
 * unaligned one, one beyond MAXPHYADDR, svmhv's own memory); the MSR keeps
 * its value. QEMU TCG takes any value, so these are svmhv-only.
 */
static void sc_hsave_checks(void)
{
	static const char *const names[3] = {
		"hsave: WRMSR VM_HSAVE_PA unaligned raises #GP",
		"hsave: WRMSR VM_HSAVE_PA beyond MAXPHYADDR raises #GP",
		"hsave: WRMSR VM_HSAVE_PA in svmhv's memory raises #GP",
	};
	uint64_t bad[3] = { (uint64_t)L.hsave + 8, 1ull << L.maxphyaddr, L.svmhv_base }, now = 0;
	unsigned v[3] = { 0, 0, 0 }, vr;

	if (!L.under_svmhv) {
		for (int i = 0; i < 3; i++)
			report_skip(names[i], "QEMU TCG accepts any VM_HSAVE_PA");
		return;
	}
	probe_begin();
	for (int i = 0; i < 3; i++)
		v[i] = probe_wrmsr(MSR_VM_HSAVE_PA, bad[i]);
	vr = probe_rdmsr(MSR_VM_HSAVE_PA, &now);
	probe_end();
	for (int i = 0; i < 3; i++)
		report_check(v[i] == VEC_GP, names[i], "got %s for 0x%lx", vector_name(v[i]),
			     bad[i]);
	report_check(vr == PROBE_NO_FAULT && now == (uint64_t)L.hsave,
		     "hsave: VM_HSAVE_PA keeps L1's page after the refused writes",
		     "reads 0x%lx, expected 0x%lx", now, (uint64_t)L.hsave);
}

/* --- many L2s ------------------------------------------------------------------- */

static void sc_multiplex(void)
{
	static struct guest gs[NR_MUX];
	const char *name = "mux: 8 L2s with ASIDs 1..8 round-robin on one vCPU, own counters";
	unsigned bad_i = 0, bad_round = 0, wrong = 0;
	int bad = 0;

	if (L.nasids < NR_MUX + 1) {
		report_skip(name, "fewer than 9 ASIDs");
		return;
	}
	for (unsigned i = 0; i < NR_MUX; i++) {
		guest_init(&gs[i], SLOT_MUX + i, 1 + i, l2_counter);
		gs[i].r.rdi = (uint64_t)&L.counters[i];
		gs[i].r.rsi = 0x1000 + i;
		L.counters[i] = 0;
	}
	probe_begin();
	for (unsigned round = 0; round < MUX_ROUNDS && !bad; round++)
		for (unsigned i = 0; i < NR_MUX && !bad; i++) {
			uint64_t code = guest_run(&gs[i], 0);

			if (code != VMEXIT_VMMCALL || !at(&gs[i], l2_counter_vmmcall)) {
				bad = 1, bad_i = i, bad_round = round;
				break;
			}
			gs[i].vmcb->save.rip += 3;
		}
	probe_end();
	for (unsigned i = 0; i < NR_MUX; i++)
		if (L.counters[i] != MUX_ROUNDS || gs[i].r.rdi != (uint64_t)&L.counters[i] ||
		    gs[i].r.rsi != 0x1000 + i || gs[i].vmcb->control.asid != 1 + i)
			wrong |= 1u << i;
	if (bad)
		report_fail(name, "L2 #%u round %u: %s", bad_i, bad_round, ex(&gs[bad_i]));
	else
		report_check(!wrong, name, "wrong counters/registers in L2s mask 0x%x (counter0 %lu)",
			     wrong, L.counters[0]);
}

/* --- round trips and svmhv's TLB flush counters ----------------------------------- */

static uint64_t flushes(unsigned ctx, uint32_t reason)
{
	struct hcall h;

	if (hc_call(SVMHV_HC_TLB_FLUSHES, SVMHV_VCPU_SELF, ctx, reason, &h))
		return ~0ull;
	return h.rdx;
}

#define TLB_NAMES 6
static const char *const tlb_names[TLB_NAMES] = {
	"tlb: 0 L2 flushes over 1000 steady-state round trips",
	"tlb: vmcb12 ASID change (1 -> 2) flushes L2 at most once (none if 2 still has its slot)",
	"tlb: VMRUN again with the same ASID flushes nothing",
	"tlb: vmcb12 TLB_CONTROL=1 flushes L2 exactly once",
	"tlb: TLB_CONTROL back to 0 flushes nothing",
	"tlb: back to ASID 1 flushes nothing (each vmcb12 ASID keeps its hardware ASID)",
};

/* svmhv's STGI and CLGI exit counts for this vCPU (EXIT_COUNT), [0] STGI, [1] CLGI. */
static void gif_exits(uint64_t out[2])
{
	struct hcall h;

	for (int k = 0; k < 2; k++)
		out[k] = hc_call(SVMHV_HC_EXIT_COUNT, SVMHV_VCPU_SELF, VMEXIT_STGI + (unsigned)k,
				 0, &h) ? 0 : h.rdx;
}

static void sc_round_trips(void)
{
	struct guest g;
	uint64_t f[6] = { 0 }, l1f[2] = { 0 }, asid_r[2] = { 0 }, all_r[2] = { 0 }, back[2] = { 0 };
	uint64_t t0, t1, code, c_warm, c_tail[5] = { 0 }, e[2] = { 0 }, l1b[2] = { 0 };
	uint64_t gi[2][2] = { { 0 } };          /* [STGI, CLGI] exits before / after */
	struct hcall h;
	unsigned bad = 0;
	const int hv = L.under_svmhv;

	guest_init(&g, SLOT_LOOP, 1, l2_loop);
	probe_begin();
	c_warm = guest_run(&g, 0);
	g.vmcb->save.rip += 3;
	if (hv) {
		f[0] = flushes(1, 0xffffffffu);
		l1b[0] = flushes(0, 0xffffffffu);
		gif_exits(gi[0]);               /* outside the EXIT_TOTAL window */
		if (!hc_call(SVMHV_HC_EXIT_TOTAL, SVMHV_VCPU_SELF, 0, 0, &h))
			e[0] = h.rdx;
	}
	t0 = rdtsc();
	for (unsigned i = 0; i < ROUND_TRIPS; i++) {
		code = guest_run(&g, 0);
		if (code != VMEXIT_VMMCALL || !at(&g, l2_loop_vmmcall))
			bad++;
		g.vmcb->save.rip = l2_addr(l2_loop);
	}
	t1 = rdtsc();
	if (hv) {
		if (!hc_call(SVMHV_HC_EXIT_TOTAL, SVMHV_VCPU_SELF, 0, 0, &h))
			e[1] = h.rdx;
		gif_exits(gi[1]);
		f[1] = flushes(1, 0xffffffffu);
		l1b[1] = flushes(0, 0xffffffffu);
		asid_r[0] = flushes(1, 4);      /* TLB_REASON_ASID_CHANGE */
	}
	g.vmcb->control.asid = 2;
	c_tail[0] = guest_run(&g, 0);
	g.vmcb->save.rip = l2_addr(l2_loop);
	if (hv) {
		f[2] = flushes(1, 0xffffffffu);
		asid_r[1] = flushes(1, 4);
	}
	c_tail[1] = guest_run(&g, 0);
	g.vmcb->save.rip = l2_addr(l2_loop);
	if (hv)
		back[0] = flushes(1, 0xffffffffu);
	g.vmcb->control.asid = 1;               /* back: ASID 1's slot still holds its entries */
	c_tail[4] = guest_run(&g, 0);
	g.vmcb->save.rip = l2_addr(l2_loop);
	if (hv) {
		back[1] = flushes(1, 0xffffffffu);
		f[3] = flushes(1, 0xffffffffu);
		l1f[0] = flushes(0, 0xffffffffu);
		all_r[0] = flushes(1, 2);       /* TLB_REASON_L1_FLUSH_ALL */
	}
	g.vmcb->control.tlb_control = TLB_CONTROL_FLUSH_ALL_ASID;
	c_tail[2] = guest_run(&g, 0);
	g.vmcb->control.tlb_control = TLB_CONTROL_DO_NOTHING;
	g.vmcb->save.rip = l2_addr(l2_loop);
	if (hv) {
		f[4] = flushes(1, 0xffffffffu);
		all_r[1] = flushes(1, 2);
	}
	c_tail[3] = guest_run(&g, 0);
	if (hv) {
		f[5] = flushes(1, 0xffffffffu);
		l1f[1] = flushes(0, 0xffffffffu);
	}
	probe_end();

	if (report_check(c_warm == VMEXIT_VMMCALL && !bad,
			 "perf: 1000 VMMCALL round trips, every exit 0x81 at the VMMCALL",
			 "%u bad exits, warm-up exit 0x%lx", bad, c_warm)) {
		uint64_t cyc = (t1 - t0) / ROUND_TRIPS;
		uint64_t ns = L.tsc_khz ? cyc * 1000000ull / L.tsc_khz : 0;

		report_diag("round trip (VMRUN -> VMMCALL -> #VMEXIT): %lu TSC cycles = %lu.%03lu us "
			    "(%s)", cyc, ns / 1000, ns % 1000, hv ? "under svmhv" : "bare");
		/* One line for scripts/bench-nested.sh; EXIT_TOTAL's own exit removed. */
		if (hv && e[1] > e[0])
			report_diag("bench: round_trips=%u l0_exits=%lu stgi_exits=%lu clgi_exits=%lu "
				    "l1_flushes=%lu l2_flushes=%lu cycles_per_round_trip=%lu",
				    ROUND_TRIPS, e[1] - e[0] - 1, gi[1][0] - gi[0][0],
				    gi[1][1] - gi[0][1], l1b[1] - l1b[0], f[1] - f[0], cyc);
		else if (!hv)           /* the same loop on the CPU's own SVM */
			report_diag("bench: round_trips=%u cycles_per_round_trip=%lu bare",
				    ROUND_TRIPS, cyc);
	}
	report_check(c_tail[0] == VMEXIT_VMMCALL && c_tail[1] == VMEXIT_VMMCALL &&
		     c_tail[2] == VMEXIT_VMMCALL && c_tail[3] == VMEXIT_VMMCALL &&
		     c_tail[4] == VMEXIT_VMMCALL,
		     "tlb: L2 runs after an ASID change and with TLB_CONTROL=1",
		     "exits 0x%lx 0x%lx 0x%lx 0x%lx 0x%lx", c_tail[0], c_tail[1], c_tail[2],
		     c_tail[3], c_tail[4]);
	if (!hv) {
		for (int i = 0; i < TLB_NAMES; i++)
			report_skip(tlb_names[i], "no svmhv");
		return;
	}
	if (f[0] == ~0ull || f[1] == ~0ull || f[2] == ~0ull || f[3] == ~0ull || f[4] == ~0ull ||
	    f[5] == ~0ull || back[0] == ~0ull || back[1] == ~0ull) {
		for (int i = 0; i < TLB_NAMES; i++)
			report_fail(tlb_names[i], "TLB_FLUSHES hypercall failed");
		return;
	}
	report_diag("L2 flushes: %lu %lu %lu %lu %lu %lu; ASID_CHANGE %lu->%lu, L1_FLUSH_ALL %lu->%lu, "
		    "L1 %lu->%lu", f[0], f[1], f[2], f[3], f[4], f[5], asid_r[0], asid_r[1],
		    all_r[0], all_r[1], l1f[0], l1f[1]);
	report_check(f[1] == f[0], tlb_names[0], "%lu L2 flushes", f[1] - f[0]);
	report_check(f[2] - f[1] <= 1, tlb_names[1], "%lu L2 flushes", f[2] - f[1]);
	report_check(back[0] == f[2], tlb_names[2], "%lu L2 flushes", back[0] - f[2]);
	report_check(f[4] - f[3] == 1, tlb_names[3], "%lu L2 flushes", f[4] - f[3]);
	report_check(f[5] == f[4], tlb_names[4], "%lu L2 flushes", f[5] - f[4]);
	report_check(back[1] == back[0], tlb_names[5], "%lu L2 flushes", back[1] - back[0]);
}

/* Last: a QEMU that did not intercept it would reset the machine. */
static void sc_triple_fault(void)
{
	struct guest g;
	uint64_t code;

	guest_init(&g, SLOT_TRIPLE, 1, l2_triple);
	g.vmcb->control.intercept_exceptions = 0;
	g.vmcb->save.idtr.limit = 0;
	probe_begin();
	code = guest_run(&g, 0);
	probe_end();
	report_check(code == VMEXIT_SHUTDOWN, "shutdown: L2 triple fault exits with SHUTDOWN (0x7f)",
		     "%s", ex(&g));
}

/* run=bench: only the round-trip loop (scripts/bench-nested.sh), bare or under svmhv. */
void run_bench(void)
{
	if (sc_setup())
		return;
	sc_round_trips();
	probe_begin();
	svm_disable();
	probe_end();
}

void run_scenarios(void)
{
	if (sc_setup())
		return;
	sc_vmmcall();
	sc_cpuid();
	sc_cpuid_state();
	sc_cpuid_table();
	sc_io();
	sc_msr();
	sc_exceptions();
	sc_eventinj();
	sc_interrupts();
	sc_vgif_l2();
	sc_svm_insns();
	sc_svm_insns_l2();
	sc_maps_live();
	run_conf();
	sc_invlpga();
	sc_vmsave_vmload();
	sc_illegal();
	sc_vmrun_operand();
	sc_hsave_checks();
	sc_multiplex();
	sc_round_trips();
	run_npt_scenarios();
	sc_triple_fault();
	probe_begin();
	svm_disable();
	probe_end();
}
