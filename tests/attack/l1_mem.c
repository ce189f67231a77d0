/* SPDX-License-Identifier: MIT */
/*
 * Attacks from L1 on svmhv's address rules and on its handling of illegal
 * state: physical addresses above what svmhv maps, VMCBs and save areas
 * that are not RAM, reserved control-register bits, EFER.SVME with GIF = 0.
 * "old:" = what svmhv did before issue 12 (see l1.c).
 */
#include "hv/hypercall.h"
#include "tests/attack/attack.h"

#define GP              VEC_GP
#define NONE            PROBE_NO_FAULT
#define APIC_PAGE       0xfee00000ull
#define IOAPIC_PAGE     0xfec00000ull
#define FLASH_PAGE      0xffe00000ull

/*
 * A load and a store at the first physical address above svmhv's limit
 * (what CPUID 8000_0008 reports). Where the CPU's own MAXPHYADDR is larger
 * (-cpu max,pdpe1gb=off: 39 bits mapped of 40) the access reaches svmhv:
 * unbacked memory, reads all ones, the write is dropped. Where it is the
 * same, the guest's page walk faults first (#PF, RSVD). Both are what a
 * machine gives. old: the NPF above the map was "unexpected": PANIC.
 */
static void above_limit(void)
{
	const char *name = "l1: load and store above the guest-physical limit -> all ones, dropped";
	uint64_t pa = 1ull << attack_gpa_bits(), va = attack_map_2m(pa), r1 = 0, r2 = 0;
	unsigned v1 = NONE, v2 = NONE, v3 = NONE;

	if (!va) {
		report_fail(name, "no free PML4 slot");
		return;
	}
	probe_begin();
	v1 = probe_copy(&r1, va + 0x1008, 1);
	if (v1 == NONE)
		v2 = probe_write64(va + 0x1008, 0x1122334455667788ull);
	if (v2 == NONE)
		v3 = probe_copy(&r2, va + 0x1008, 1);
	probe_end();
	attack_unmap();
	if (v1 == VEC_PF && (probe_fault_error() & 8)) {
		report_diag("above the limit: #PF RSVD (the CPU's MAXPHYADDR is svmhv's limit)");
		attack_report(1, name, "#PF RSVD");
	} else {
		report_diag("above the limit: unbacked, read 0x%lx, after the store 0x%lx", r1, r2);
		attack_report(v1 == NONE && v2 == NONE && v3 == NONE && r1 == ~0ull && r2 == ~0ull,
			      name, "unbacked: read 0x%lx, after the store 0x%lx (%s %s %s)", r1, r2,
			      vector_name(v1), vector_name(v2), vector_name(v3));
	}
}

/* VMRUN, VMLOAD, VMSAVE and VM_HSAVE_PA with one bad page: all #GP. */
static void bad_page(const char *what, uint64_t pa)
{
	char name[PAYLOAD_LINE_MAX];
	unsigned v[4];
	uint64_t hsave = 0;

	probe_begin();
	__asm__ volatile("clgi" ::: "memory");
	v[0] = probe_svm_insn(INSN_VMRUN, pa);
	__asm__ volatile("stgi" ::: "memory");
	v[1] = probe_svm_insn(INSN_VMLOAD, pa);
	v[2] = probe_svm_insn(INSN_VMSAVE, pa);
	v[3] = probe_wrmsr(MSR_VM_HSAVE_PA, pa);
	probe_rdmsr(MSR_VM_HSAVE_PA, &hsave);
	probe_end();
	fmt_str(name, sizeof(name), "l1: VMRUN/VMLOAD/VMSAVE/VM_HSAVE_PA at %s -> #GP", what);
	attack_report(v[0] == GP && v[1] == GP && v[2] == GP && v[3] == GP &&
		      hsave == (uint64_t)L.hsave, name, "%s %s %s %s at 0x%lx, HSAVE 0x%lx",
		      vector_name(v[0]), vector_name(v[1]), vector_name(v[2]), vector_name(v[3]),
		      pa, hsave);
}

/*
 * old: above the limit (pdpe1gb=off) VMRUN read a page svmhv's host tables
 * did not map: a host #PF, PANIC; the APIC page, the IOAPIC and the flash
 * were taken for L1's memory (VMSAVE stored into the local APIC, VMLOAD
 * and VMRUN read device registers), VM_HSAVE_PA took them all.
 */
static void bad_pages(void)
{
	char what[48];

	fmt_str(what, sizeof(what), "2^%u (above the limit)", attack_gpa_bits());
	bad_page(what, 1ull << attack_gpa_bits());
	bad_page("the local APIC page", APIC_PAGE);
	bad_page("the IOAPIC (MMIO)", IOAPIC_PAGE);
	bad_page("the flash (MMIO)", FLASH_PAGE);
	if (L.svmhv_base)
		bad_page("svmhv's own memory", L.svmhv_base);
}

/* A vmcb12 whose MSRPM (or IOPM) is device memory. old: svmhv read 8 KiB of MMIO. */
static void maps_in_mmio(int iopm)
{
	struct guest g;
	uint64_t code;

	guest_init(&g, 1, 1, l2_loop);
	if (iopm)
		g.vmcb->control.iopm_base_pa = IOAPIC_PAGE;
	else
		g.vmcb->control.msrpm_base_pa = IOAPIC_PAGE;
	probe_begin();
	code = guest_run(&g, 0);
	probe_end();
	attack_report(exit32(&g) == 0xffffffffu,
		      iopm ? "l1: vmcb12 with its IOPM in MMIO -> VMEXIT_INVALID" :
			     "l1: vmcb12 with its MSRPM in MMIO -> VMEXIT_INVALID", "exit 0x%lx", code);
}

/*
 * MOV CR4 with reserved bit 15, MOV CR3 with bit 52: the CPU raises #GP.
 * QEMU's TCG instead fails VMRUN (VMEXIT_INVALID) at the MOV. old: svmhv
 * panicked on every VMEXIT_INVALID of vmcb01.
 */
static void reserved_cr_bits(void)
{
	uint64_t cr4, cr3, cr4_after, cr3_after;
	unsigned v4, v3;

	__asm__ volatile("mov %%cr4, %0; mov %%cr3, %1" : "=r"(cr4), "=r"(cr3));
	probe_begin();
	v4 = probe_mov_cr4(cr4 | (1ull << 15));
	v3 = probe_mov_cr3(cr3 | (1ull << 52));
	probe_end();
	__asm__ volatile("mov %%cr4, %0; mov %%cr3, %1" : "=r"(cr4_after), "=r"(cr3_after));
	attack_report(v4 == GP && cr4_after == cr4, "l1: MOV CR4 with reserved bit 15 -> #GP",
		      "got %s, CR4 0x%lx -> 0x%lx", vector_name(v4), cr4, cr4_after);
	attack_report(v3 == GP && cr3_after == cr3, "l1: MOV CR3 with reserved bit 52 -> #GP",
		      "got %s, CR3 0x%lx -> 0x%lx", vector_name(v3), cr3, cr3_after);
}

/*
 * CLGI, then EFER.SVME cleared: GIF must be 1 again (APM2 15.17), so a
 * self-IPI arrives. old: GIF stayed 0 and L1's interrupts were held forever.
 */
static void svme_off_with_gif0(void)
{
	const char *name = "l1: EFER.SVME cleared with GIF = 0 -> GIF = 1, interrupts arrive";
	const char *why = apic_setup();
	struct dtr64 probe_idtr, irq_idtr;
	uint64_t efer = 0, after = 0;
	unsigned v, n;

	if (why) {
		report_skip(name, why);
		return;
	}
	irq_count = 0;
	probe_begin();
	irq_idt_build(&probe_idtr);
	irq_idtr = (struct dtr64){ 4095, (uint64_t)L.irq_idt };
	probe_rdmsr(MSR_EFER, &efer);
	__asm__ volatile("clgi" ::: "memory");
	v = probe_wrmsr(MSR_EFER, efer & ~EFER_SVME);
	__asm__ volatile("lidt %0" : : "m"(irq_idtr) : "memory");
	apic_self_ipi(IRQ_VEC);
	__asm__ volatile("sti; nop; nop; nop; nop; cli" ::: "memory");
	for (int i = 0; i < 100000 && !irq_count; i++)
		__asm__ volatile("sti; pause; cli" ::: "memory");
	n = irq_count;
	__asm__ volatile("lidt %0" : : "m"(probe_idtr) : "memory");
	probe_wrmsr(MSR_EFER, efer);
	probe_wrmsr(MSR_VM_HSAVE_PA, (uint64_t)L.hsave);
	probe_rdmsr(MSR_EFER, &after);
	probe_end();
	attack_report(v == NONE && n == 1 && (after & EFER_SVME), name,
		      "WRMSR %s, %u interrupts, EFER now 0x%lx", vector_name(v), n, after);
}

void attack_l1_addresses(void)
{
	if (!attack_option("skip=above"))
		above_limit();
	bad_pages();
	maps_in_mmio(0);
	maps_in_mmio(1);
}

void attack_l1_state(void)
{
	if (!attack_option("skip=cr"))
		reserved_cr_bits();
	svme_off_with_gif0();
}
