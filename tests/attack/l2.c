/* SPDX-License-Identifier: MIT */
/*
 * Attacks from L2: l1hv's guests, run through svmhv's nested SVM. L1
 * intercepts every exception (guest_init), so an exception svmhv raises in
 * L2 comes back to L1 as #VMEXIT(exception), as the CPU would deliver it.
 * "old:" = what svmhv did before issue 12 (see l1.c).
 */
#include "hv/hypercall.h"
#include "tests/attack/attack.h"

#define EXIT_GP         (VMEXIT_EXCP_BASE + VEC_GP)

static int done(const struct guest *g, uint64_t code)
{
	return code == VMEXIT_VMMCALL && (uint32_t)g->vmcb->save.rax == L2_DONE;
}

/*
 * An MSR L1 does not intercept is svmhv's to decide, for L2 as for L1.
 * old: passed to the hardware (TCG: dropped): L2 reached its VMMCALL.
 */
static void l2_msr_attack(const char *name, const uint8_t *entry, uint32_t msr, uint64_t val)
{
	struct guest g;
	uint64_t code;

	guest_init(&g, 1, 1, entry);
	g.r.rcx = msr;
	g.vmcb->save.rax = (uint32_t)val;
	g.r.rdx = val >> 32;
	probe_begin();
	code = guest_run(&g, 0);
	probe_end();
	attack_report(code == EXIT_GP && g.vmcb->control.exit_info_1 == 0, name,
		      "exit 0x%lx info1 0x%lx", code, g.vmcb->control.exit_info_1);
}

/* L2 loads, stores and loads again at va: r8, r9 = what it read. */
static uint64_t l2_poke(struct guest *g, uint64_t va, uint64_t cr3)
{
	uint64_t code;

	guest_init(g, 1, 1, l2_peek_poke);
	if (cr3)
		g->vmcb->save.cr3 = cr3;
	g->r.rdi = va;
	g->r.rsi = 0x5a5a5a5a5a5a5a5aull;
	probe_begin();
	code = guest_run(g, 0);
	probe_end();
	return code;
}

/* old: L2's NPF above the map panicked svmhv, as L1's did. */
static void l2_above_limit(void)
{
	const char *name = "l2: load and store above the guest-physical limit -> all ones, dropped";
	uint64_t va = attack_map_2m(1ull << attack_gpa_bits()), code;
	struct guest g;

	if (!va) {
		report_fail(name, "no free PML4 slot");
		return;
	}
	code = l2_poke(&g, va + 0x2000, attack_cr3());
	attack_unmap();
	if (code == VMEXIT_EXCP_BASE + VEC_PF && (g.vmcb->control.exit_info_1 & 8)) {
		report_diag("l2 above the limit: #PF RSVD (the CPU's MAXPHYADDR is svmhv's limit)");
		attack_report(1, name, "#PF RSVD");
	} else {
		report_diag("l2 above the limit: exit 0x%lx, read 0x%lx then 0x%lx", code, g.r.r8,
			    g.r.r9);
		attack_report(done(&g, code) && g.r.r8 == ~0ull && g.r.r9 == ~0ull, name,
			      "exit 0x%lx, read 0x%lx then 0x%lx", code, g.r.r8, g.r.r9);
	}
}

/* svmhv's memory seen from L2: a hole (the old code did this already). */
static void l2_svmhv_memory(void)
{
	const char *name = "l2: load and store into svmhv's memory -> all ones, dropped";
	struct guest g;
	uint64_t code;

	if (!L.svmhv_base) {
		report_fail(name, "no MEMINFO");
		return;
	}
	code = l2_poke(&g, L.svmhv_base + 0x3000, 0);
	attack_report(done(&g, code) && g.r.r8 == ~0ull && g.r.r9 == ~0ull, name,
		      "exit 0x%lx, read 0x%lx then 0x%lx", code, g.r.r8, g.r.r9);
}

/*
 * MOV CR4 with a reserved bit in L2: #GP, to L1 since it intercepts #GP.
 * QEMU's TCG fails the VMRUN of vmcb02 at the MOV. old: that failure went
 * to L1 as VMEXIT_INVALID of a VMRUN L1 had already seen succeed.
 */
static void l2_reserved_cr4(void)
{
	struct guest g;
	uint64_t code, cr4;

	__asm__ volatile("mov %%cr4, %0" : "=r"(cr4));
	guest_init(&g, 1, 1, l2_mov_cr4);
	g.r.rdi = cr4 | (1ull << 15);
	probe_begin();
	code = guest_run(&g, 0);
	probe_end();
	attack_report(code == EXIT_GP, "l2: MOV CR4 with reserved bit 15 -> #GP (to L1)",
		      "exit 0x%lx", code);
}

/*
 * L2 writes into its own vmcb12 page (a field the CPU never writes) while
 * it runs. The #VMEXIT must not undo it. old: svmhv wrote its whole copy of
 * the page back at every #VMEXIT, reverting the field.
 */
static void l2_edits_vmcb12(void)
{
	struct guest g;
	volatile uint64_t *field;
	uint64_t code;

	guest_init(&g, 1, 1, l2_counter);
	field = (volatile uint64_t *)((uint8_t *)g.vmcb + 0x3f8);   /* reserved, control area */
	*field = 0;
	g.r.rdi = (uint64_t)field;
	probe_begin();
	code = guest_run(&g, 0);
	probe_end();
	attack_report(code == VMEXIT_VMMCALL && *field == 1,
		      "l2: edits its vmcb12 page outside the exit fields -> the edit survives #VMEXIT",
		      "exit 0x%lx, field %lu", code, *field);
}

void attack_l2(void)
{
	l2_msr_attack("l2: WRMSR TOM2, L1 not intercepting -> #GP (to L1)", l2_wrmsr, 0xc001001du,
	       1ull << 40);
	l2_msr_attack("l2: WRMSR SYSCFG.MemEncryptionModEn -> #GP (to L1)", l2_wrmsr, 0xc0010010u,
	       1ull << 23);
	l2_msr_attack("l2: RDMSR FEATURE_CONTROL (unlisted) -> #GP (to L1)", l2_rdmsr, 0x3au, 0);
	l2_above_limit();
	l2_svmhv_memory();
	if (!attack_option("skip=l2cr"))
		l2_reserved_cr4();
	l2_edits_vmcb12();
}
