/* SPDX-License-Identifier: MIT */
/*
 * The end-to-end vmcb12 fuzzer (l1hv run=fuzz): FUZZ_RUNS VMRUNs of random
 * and mutated vmcb12s through svmhv, each ending in a #VMEXIT with an
 * architectural exit code or VMEXIT_INVALID; svmhv answers throughout and
 * is unchanged at the end, and L1 goes on working.
 *
 * Every control field, intercept word, EVENTINJ and most of the state save
 * area is random or bit-flipped: a fresh template with mutations, or the
 * VMCB of the previous run (its exit state) mutated again. What stays
 * fixed keeps L1 alive, not svmhv: L2 shares L1's memory (no nested
 * paging), so the fields that decide where L2 may write (RSP, CR3, the IDT
 * base, CPL, the long-mode bits) only take values that keep its writes in
 * a sandbox, or make the state illegal. SHUTDOWN, INTR (with a periodic
 * APIC timer and V_INTR_MASKING) and HLT stay intercepted so every run
 * returns: a triple fault without L1's SHUTDOWN intercept would reset the
 * machine, as on hardware.
 */
#include "hv/hypercall.h"
#include "tests/attack/attack.h"

#define FUZZ_RUNS       10000u
#define SANDBOX_SIZE    (128u * 1024)
#define APIC_LVT_TIMER  0x320u
#define APIC_TIMER_INIT 0x380u
#define APIC_TIMER_DIV  0x3e0u

static uint8_t sandbox[SANDBOX_SIZE] __attribute__((aligned(4096)));
static uint64_t rng = 0x2545f4914f6cdd1dull;

static uint64_t rnd(void)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return rng;
}

static uint64_t flip(uint64_t v)
{
	return v ^ (1ull << (rnd() % 64));
}

/* A value for a 64-bit field: random, bit-flipped, 0, all ones, or kept. */
static uint64_t fuzz64(uint64_t v)
{
	switch (rnd() % 6) {
	case 0: return rnd();
	case 1: return flip(v);
	case 2: return flip(flip(v));
	case 3: return 0;
	case 4: return ~0ull;
	default: return v;
	}
}

/* A guest-physical page: L1's RAM, the APIC, MMIO, svmhv's, above the limit, junk. */
static uint64_t fuzz_page(void)
{
	switch (rnd() % 6) {
	case 0: return (uint64_t)L.scratch[rnd() % 3];
	case 1: return 0xfee00000ull;
	case 2: return 0xfec00000ull;
	case 3: return L.svmhv_base + ((rnd() % 16) << 12);
	case 4: return 1ull << attack_gpa_bits();
	default: return rnd();
	}
}

static void fuzz_control(struct vmcb_control *c)
{
	switch (rnd() % 12) {
	case 0: c->intercept_cr = (uint32_t)fuzz64(c->intercept_cr); break;
	case 1: c->intercept_dr = (uint32_t)fuzz64(c->intercept_dr); break;
	case 2: c->intercept_exceptions = (uint32_t)fuzz64(c->intercept_exceptions); break;
	case 3: c->intercept_misc1 = (uint32_t)fuzz64(c->intercept_misc1); break;
	case 4: c->intercept_misc2 = (uint32_t)fuzz64(c->intercept_misc2); break;
	case 5: c->intercept_misc3 = (uint32_t)fuzz64(c->intercept_misc3); break;
	case 6: c->msrpm_base_pa = fuzz_page(); break;
	case 7: c->iopm_base_pa = fuzz_page(); break;
	case 8: c->asid = (uint32_t)(rnd() % (L.nasids + 4)); break;
	case 9: c->tlb_control = (rnd() % 4) ? (uint8_t)("\0\1\3\7"[rnd() % 4]) : (uint8_t)rnd();
		break;
	case 10: c->int_ctl = fuzz64(c->int_ctl); break;
	default: c->event_inj = (rnd() % 4) ? SVM_EVTINJ_VALID | (rnd() & 0x7ff) |
					      (rnd() & SVM_EVTINJ_VALID_ERR) | ((rnd() & 0xffff) << 32) :
					      rnd();
		break;
	}
}

static void fuzz_control2(struct vmcb_control *c)
{
	switch (rnd() % 8) {
	case 0: c->int_state = fuzz64(c->int_state); break;
	case 1: c->nested_ctl = (rnd() % 4) ? 0 : fuzz64(c->nested_ctl); break;
	case 2: c->n_cr3 = fuzz_page(); break;
	case 3: c->virt_ext = fuzz64(c->virt_ext); break;
	case 4: c->tsc_offset = fuzz64(c->tsc_offset); break;
	case 5: c->clean = (uint32_t)fuzz64(c->clean); break;
	case 6: c->next_rip = fuzz64(c->next_rip); break;
	default: c->pause_filter_count = (uint16_t)rnd(); c->pause_filter_thresh = (uint16_t)rnd();
		break;
	}
}

static void fuzz_seg(struct vmcb_seg *s)
{
	switch (rnd() % 3) {
	case 0: s->attrib = (uint16_t)fuzz64(s->attrib); break;
	case 1: s->limit = (uint32_t)fuzz64(s->limit); break;
	default: s->selector = (uint16_t)rnd(); break;
	}
}

/* Mode bits: kept, or made illegal (VMRUN refuses: nothing runs). */
#define MODE_CR0        (CR0_PE | CR0_PG)
#define MODE_EFER       (EFER_LME | EFER_LMA)
#define MODE_CR4        (CR4_PAE | CR4_LA57)

static void fuzz_save(struct vmcb_save *s)
{
	switch (rnd() % 20) {
	case 0: s->cr0 = (fuzz64(s->cr0) & ~MODE_CR0) | (s->cr0 & MODE_CR0); break;
	case 1: s->cr4 = (fuzz64(s->cr4) & ~MODE_CR4) | (s->cr4 & MODE_CR4); break;
	case 2: s->efer = (fuzz64(s->efer) & ~MODE_EFER) | (s->efer & MODE_EFER); break;
	case 3: s->dr6 = fuzz64(s->dr6); break;
	case 4: s->dr7 = fuzz64(s->dr7); break;
	case 5: s->rflags = fuzz64(s->rflags) & ~RFLAGS_VM; break;
	case 6: fuzz_seg(&s->cs); break;
	case 7: fuzz_seg((rnd() % 2) ? &s->ss : &s->ds); break;
	case 8: s->idtr.limit = (uint32_t)(rnd() % 4096); break;
	case 9: s->cr4 &= ~CR4_PAE; break;                      /* illegal with LME+PG */
	case 10: s->cr3 |= 1ull << (52 + rnd() % 12); break;     /* MBZ: illegal */
	case 11: s->g_pat = fuzz64(s->g_pat); s->dbgctl = fuzz64(s->dbgctl); break;
	default: s->rax = rnd(); s->cr2 = rnd(); break;          /* harmless: runs */
	}
}

static const uint8_t *const entries[] = { l2_loop, l2_ud, l2_spin, l2_bp };
#define NENTRIES (sizeof(entries) / sizeof(entries[0]))

/*
 * What keeps L1 alive whatever was fuzzed (see the file comment): RIP at an
 * entry of the L2 code (never where the last run stopped: an IRETQ there
 * would pop a stack the fuzzer made), RSP in the sandbox, L1's CR3 and the
 * L2 IDT, CPL 0, and a nested page table root (if L1 asks for nested paging)
 * that maps nothing.
 */
static void keep_l1_safe(struct vmcb *v, uint64_t cr3, uint64_t idt)
{
	v->save.rip = l2_addr(entries[rnd() % NENTRIES]);
	v->save.rsp = (uint64_t)sandbox + SANDBOX_SIZE * 3 / 4 - 8 * (rnd() % 64);
	if (v->control.nested_ctl & SVM_NESTED_CTL_NP_ENABLE)
		v->control.n_cr3 = (uint64_t)sandbox;   /* a zero page: not present */
	v->save.cr3 = (v->save.cr3 >> 52) ? v->save.cr3 : cr3;
	v->save.idtr.base = idt;
	v->save.cpl = 0;
	vmcb_set_intercept(&v->control, INTERCEPT_SHUTDOWN);
	vmcb_set_intercept(&v->control, INTERCEPT_INTR);
	vmcb_set_intercept(&v->control, INTERCEPT_HLT);
	v->control.int_ctl |= V_INTR_MASKING_MASK;
}

static void lapic_timer(volatile uint32_t *apic, int on)
{
	apic[APIC_TIMER_DIV / 4] = 0x3;                         /* divide by 16 */
	apic[APIC_LVT_TIMER / 4] = on ? (IRQ_VEC | (1u << 17)) : (1u << 16);   /* periodic */
	apic[APIC_TIMER_INIT / 4] = on ? 0x20000 : 0;
}

static int architectural(uint64_t code)
{
	return code <= 0xa4 || (code >= VMEXIT_NPF && code <= VMEXIT_NPF + 3) ||
	       (uint32_t)code == 0xffffffffu;
}

struct stats {
	unsigned invalid, intr, vmmcall, excp, other, odd;
	uint64_t first_odd;
};

static void count(struct stats *st, uint64_t code)
{
	if ((uint32_t)code == 0xffffffffu)
		st->invalid++;
	else if (code == VMEXIT_INTR)
		st->intr++;
	else if (code == VMEXIT_VMMCALL)
		st->vmmcall++;
	else if (code >= VMEXIT_EXCP_BASE && code < VMEXIT_EXCP_BASE + 32)
		st->excp++;
	else
		st->other++;
	if (!architectural(code) && !st->odd++)
		st->first_odd = code;
}

static void fuzz_runs(struct stats *st, unsigned runs, unsigned *alive_fail)
{
	uint64_t cr3, idt = (uint64_t)L.l2_idt;
	struct guest g;

	__asm__ volatile("mov %%cr3, %0" : "=r"(cr3));
	uint64_t code = 0;

	for (unsigned i = 0; i < runs; i++) {
		/* Mutate the last run's VMCB (its exit state) unless it was refused. */
		if (i == 0 || rnd() % 2 || (uint32_t)code == 0xffffffffu)
			guest_init(&g, 1 + i % 2, 1 + (uint32_t)(rnd() % 8), l2_loop);
		for (unsigned k = 1 + rnd() % 6; k; k--) {
			if (rnd() % 2)
				fuzz_save(&g.vmcb->save);
			else if (rnd() % 2)
				fuzz_control(&g.vmcb->control);
			else
				fuzz_control2(&g.vmcb->control);
		}
		keep_l1_safe(g.vmcb, cr3, idt);
		g.r.rcx = 1000;                                 /* l2_spin's count */
		code = guest_run(&g, L1_RUN_STI);
		__asm__ volatile("sti; nop; nop; cli" ::: "memory");   /* take the timer */
		count(st, code);
		if (i % 1024 == 1023 && attack_svmhv_intact())
			++*alive_fail;
	}
}

void run_vmcb12_fuzz(void)
{
	const char *why = apic_setup();
	volatile uint32_t *apic = (volatile uint32_t *)0xfee00000ull;
	struct dtr64 probe_idtr, irq_idtr;
	struct stats st = { 0 };
	unsigned alive_fail = 0;
	uint64_t t0 = rdtsc();

	if (why) {
		report_fail("fuzz: local APIC timer for liveness", "%s", why);
		return;
	}
	irq_count = 0;
	probe_begin();
	irq_idt_build(&probe_idtr);
	irq_idtr = (struct dtr64){ 4095, (uint64_t)L.irq_idt };
	__asm__ volatile("lidt %0" : : "m"(irq_idtr) : "memory");
	lapic_timer(apic, 1);
	fuzz_runs(&st, FUZZ_RUNS, &alive_fail);
	lapic_timer(apic, 0);
	__asm__ volatile("sti; nop; nop; cli" ::: "memory");
	__asm__ volatile("lidt %0" : : "m"(probe_idtr) : "memory");
	probe_end();
	report_diag("fuzz: %u vmcb12s in %lu ms: %u VMEXIT_INVALID, %u INTR, %u VMMCALL, "
		    "%u exceptions, %u other; %u timer interrupts", FUZZ_RUNS,
		    L.tsc_khz ? (rdtsc() - t0) / L.tsc_khz : 0, st.invalid, st.intr, st.vmmcall,
		    st.excp, st.other, irq_count);
	report_check(!st.odd, "fuzz: every vmcb12 ends in an architectural #VMEXIT or VMEXIT_INVALID",
		     "%u odd exit codes, first 0x%lx", st.odd, st.first_odd);
	report_check(!alive_fail, "fuzz: svmhv answers and is unchanged every 1024 runs",
		     "%u checks failed", alive_fail);
	report_check(st.invalid && st.vmmcall && st.excp,
		     "fuzz: the vmcb12s reach refusal, L2 code and exceptions",
		     "invalid %u vmmcall %u exceptions %u", st.invalid, st.vmmcall, st.excp);
	attack_report(1, "fuzz: L1 keeps working, svmhv intact after all runs", "%u runs", FUZZ_RUNS);
}
