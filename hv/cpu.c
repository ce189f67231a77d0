/* SPDX-License-Identifier: MIT */
/*
 * svmhv's host descriptor tables and exception handlers.
 * Host mode runs with GIF = 0 (set by CLGI before the switch and by every
 * #VMEXIT), so only exceptions reach these handlers, each one a bug in svmhv,
 * dumped and halted; and NMIs, when svmhv opens GIF to consume one. See: APM2 8.9 (long-mode IDT), 12.2.5 (TSS).
 */
#include "hv/cpu.h"

#include <stdbool.h>
#include <stddef.h>

#include "svm/hw.h"
#include "hv/console.h"
#include "hv/iso/iso.h"
#include "hv/hv.h"
#include "hv/panic.h"
#include "hv/smp.h"

struct intr_frame {
	uint64_t rip, cs, rflags, rsp, ss;
};

static struct idt_gate idt[256] __attribute__((aligned(16)));

static void __attribute__((noreturn)) host_exception(unsigned vec, struct intr_frame *f,
						     uint64_t err)
{
	hv_panic_exception(vec, err, f->rip, f->rsp, f->rflags);
}

uint64_t hv_host_fixups;

/* linker.ld: every struct hv_extable entry of svm/hw.h's *_safe() accessors. */
extern const struct hv_extable __hv_extable_start[], __hv_extable_end[];

static uint64_t at(const int32_t *field)
{
	return (uint64_t)(uintptr_t)field + (uint64_t)(int64_t)*field;
}

/* A fault at an instruction the table names resumes at its landing pad. */
static bool extable_fixup(struct intr_frame *f)
{
	size_t n = ((uintptr_t)__hv_extable_end - (uintptr_t)__hv_extable_start) /
		   sizeof(struct hv_extable);

	for (size_t i = 0; i < n; i++)
		if (at(&__hv_extable_start[i].insn) == f->rip) {
			f->rip = at(&__hv_extable_start[i].fixup);
			__atomic_add_fetch(&hv_host_fixups, 1, __ATOMIC_RELAXED);
			return true;
		}
	return false;
}

/* One handler per vector: the hardware pushes an error code for some of them. */
#define ISR_NOERR(v) \
	__attribute__((interrupt)) static void isr_##v(struct intr_frame *f) \
	{ host_exception(v, f, 0); }
#define ISR_ERR(v) \
	__attribute__((interrupt)) static void isr_##v(struct intr_frame *f, unsigned long e) \
	{ host_exception(v, f, e); }

/*
 * halt_unless()'s window: from the check of the word to the HLT included.
 * An NMI there (a kick sent after the word was set) must not let the HLT
 * run after it: the handler resumes at the window's end instead.
 */
extern const char hv_halt_window[], hv_halt_window_end[];

__attribute__((noinline)) void halt_unless(const uint32_t *word)
{
	__asm__ volatile(".globl hv_halt_window\n"
			 "hv_halt_window:\n\t"
			 "cmpl $0, %0\n\t"
			 "jne hv_halt_window_end\n\t"
			 "hlt\n"
			 ".globl hv_halt_window_end\n"
			 "hv_halt_window_end:"
			 : : "m"(*word) : "memory", "cc");
}

/*
 * NMI: taken while hv_smp_nmi_exit() or a host-mode wait opens GIF for it.
 * Inside halt_unless()'s window, it ends the halt before it starts.
 */
__attribute__((interrupt)) static void isr_2(struct intr_frame *f)
{
	if (f->rip >= (uintptr_t)hv_halt_window && f->rip < (uintptr_t)hv_halt_window_end)
		f->rip = (uintptr_t)hv_halt_window_end;
	hv_smp_host_nmi();
}

/*
 * #GP: an RDMSR/WRMSR svmhv runs on a guest's behalf (svm/hw.h rdmsr_safe,
 * wrmsr_safe) resumes at its landing pad, which reports the fault; any other
 * #GP is svmhv's bug.
 */
__attribute__((interrupt)) static void isr_13(struct intr_frame *f, unsigned long e)
{
	if (!extable_fixup(f))
		host_exception(13, f, e);
}

/* #SX: an INIT turned into an exception by VM_CR.R_INIT (hv/iso/cpu.c). */
__attribute__((interrupt)) static void isr_30(struct intr_frame *f, unsigned long e)
{
	(void)f;
	(void)e;
	hv_iso_host_sx();
}

/*
 * Vectors 32..255: taken only while a virtual INIT drains the local APIC
 * (hv_lapic_accept_pending()); the interrupt is dropped, as INIT drops it,
 * and the drain sends the EOI.
 */
__attribute__((interrupt)) static void isr_irq(struct intr_frame *f)
{
	(void)f;
	hv.cpus[hv_this_cpu()].host_irqs++;
}

ISR_NOERR(0) ISR_NOERR(1) ISR_NOERR(3) ISR_NOERR(4) ISR_NOERR(5)
ISR_NOERR(6) ISR_NOERR(7) ISR_ERR(8) ISR_NOERR(9) ISR_ERR(10) ISR_ERR(11)
ISR_ERR(12) ISR_ERR(14) ISR_NOERR(15) ISR_NOERR(16) ISR_ERR(17)
ISR_NOERR(18) ISR_NOERR(19) ISR_NOERR(20) ISR_ERR(21) ISR_NOERR(22) ISR_NOERR(23)
ISR_NOERR(24) ISR_NOERR(25) ISR_NOERR(26) ISR_NOERR(27) ISR_NOERR(28) ISR_ERR(29)
ISR_NOERR(31)

static void set_gate(unsigned vec, void *handler, unsigned ist)
{
	uint64_t a = (uint64_t)(uintptr_t)handler;

	idt[vec] = (struct idt_gate){
		.off_lo = (uint16_t)a, .sel = HV_SEL_CODE, .ist = (uint8_t)ist,
		.type = 0x8e,   /* present, DPL 0, 64-bit interrupt gate */
		.off_mid = (uint16_t)(a >> 16), .off_hi = (uint32_t)(a >> 32),
	};
}

void hv_idt_init(void)
{
	void *h[32] = {
		isr_0, isr_1, isr_2, isr_3, isr_4, isr_5, isr_6, isr_7, isr_8, isr_9,
		isr_10, isr_11, isr_12, isr_13, isr_14, isr_15, isr_16, isr_17, isr_18,
		isr_19, isr_20, isr_21, isr_22, isr_23, isr_24, isr_25, isr_26, isr_27,
		isr_28, isr_29, isr_30, isr_31,
	};

	for (unsigned v = 0; v < 32; v++)
		/* #DF, NMI and #MC get a known-good stack (IST1). */
		set_gate(v, h[v], (v == 8 || v == 2 || v == 18) ? 1 : 0);
	for (unsigned v = 32; v < 256; v++)
		set_gate(v, isr_irq, 0);
}

static void build_gdt(struct hv_cpu *cpu)
{
	uint64_t tss = (uint64_t)(uintptr_t)&cpu->tss;
	uint64_t lim = sizeof(cpu->tss) - 1;

	cpu->gdt[0] = 0;
	cpu->gdt[1] = 0x00af9b000000ffffull;    /* code: L, P, DPL0, execute/read */
	cpu->gdt[2] = 0x00cf93000000ffffull;    /* data: P, DPL0, read/write */
	cpu->gdt[3] = (lim & 0xffff) | ((tss & 0xffffff) << 16) | (0x89ull << 40) |
		      (((lim >> 16) & 0xf) << 48) | (((tss >> 24) & 0xff) << 56);
	cpu->gdt[4] = tss >> 32;
}

void hv_cpu_load_host_state(struct hv_cpu *cpu, uint64_t host_cr3)
{
	struct desc_ptr gdtr = { sizeof(cpu->gdt) - 1, (uint64_t)(uintptr_t)cpu->gdt };
	struct desc_ptr idtr = { sizeof(idt) - 1, (uint64_t)(uintptr_t)idt };
	struct cpuid_regs l1;

	/* IST1 sits below the main stack: HV_IST_SIZE bytes of its own. */
	cpu->tss.ist[0] = (uint64_t)(uintptr_t)cpu->stack_top - HV_STACK_SIZE;
	cpu->tss.iomap_base = sizeof(cpu->tss);
	build_gdt(cpu);
	lgdt(&gdtr);
	/* Reload CS with a far return, then the data segments. */
	__asm__ volatile("pushq %[cs]\n\t"
			 "leaq 1f(%%rip), %%rax\n\t"
			 "pushq %%rax\n\t"
			 "lretq\n"
			 "1:\n\t"
			 "movw %w[ds], %%ax\n\t"
			 "movw %%ax, %%ds\n\t"
			 "movw %%ax, %%es\n\t"
			 "movw %%ax, %%ss\n\t"
			 "xorl %%eax, %%eax\n\t"
			 "movw %%ax, %%fs\n\t"
			 "movw %%ax, %%gs\n\t"
			 :
			 : [cs] "i"(HV_SEL_CODE), [ds] "i"(HV_SEL_DATA)
			 : "rax", "memory");
	ltr(HV_SEL_TSS);
	lidt(&idtr);
	write_cr3(host_cr3);
	/*
	 * GS base = this CPU's hv_cpu: hv_this_cpu() reads it back with an
	 * RDMSR a hypervisor below passes through (KVM does for GS_BASE), not
	 * CPUID, which always exits. world.asm's VMLOAD of host_save restores it
	 * after every #VMEXIT; the guest never sees it.
	 */
	wrmsr(MSR_GS_BASE, (uint64_t)(uintptr_t)cpu);
	cpu->apic_base_hw = rdmsr(MSR_APIC_BASE);
	/*
	 * CR4.OSXSAVE on the host side (the guest's CR4 was captured before):
	 * the CPUID exit reads the guest's live XCR0 with XGETBV, which exits to
	 * no hypervisor below, for Fn0000_000D's sizes (hv/cpuid_cache.h).
	 */
	cpuid_count(1, 0, &l1);
	if (l1.ecx & CPUID_1_ECX_XSAVE)
		write_cr4(read_cr4() | CR4_OSXSAVE);
}

/* Hard reset through the PCI reset control register (CF9h); returns if it failed. */
void hv_platform_reset(void)
{
	outb(0xcf9, 0x02);
	outb(0xcf9, 0x06);
}
