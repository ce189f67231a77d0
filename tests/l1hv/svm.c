/* SPDX-License-Identifier: MIT */
/*
 * l1hv's SVM layer: EFER.SVME and VM_HSAVE_PA, the permission maps, the L2
 * IDT, and VMCBs for L2 guests that share L1's paging, GDT and segments.
 * Called with the probe window open (tests/payload/probe.c) where noted.
 * See: APM2 15.4 (enabling SVM), 15.5 (VMRUN and its checks), 15.10 (IOPM),
 * 15.11 (MSRPM), 15.30.4 (VM_HSAVE_PA).
 */
#include <stdarg.h>

#include "tests/l1hv/l1hv.h"


/* L1's state that every L2 copies, read once by svm_enable(). */
static struct {
	struct vmcb_seg es, cs, ss, ds, gdtr;
	uint64_t cr0, cr3, cr4, efer, pat;
} l1;

struct dtr {
	uint16_t limit;
	uint64_t base;
} __attribute__((packed));

void mem_zero(void *p, size_t n)
{
	volatile uint8_t *b = p;

	while (n--)
		*b++ = 0;
}

void mem_copy(void *d, const void *s, size_t n)
{
	volatile uint8_t *x = d;
	const uint8_t *y = s;

	while (n--)
		*x++ = *y++;
}

uint64_t rdtsc(void)
{
	uint32_t lo, hi;

	__asm__ volatile("rdtsc" : "=a"(lo), "=d"(hi));
	return ((uint64_t)hi << 32) | lo;
}

uint64_t rdmsr(uint32_t msr)
{
	uint32_t lo, hi;

	__asm__ volatile("rdmsr" : "=a"(lo), "=d"(hi) : "c"(msr));
	return ((uint64_t)hi << 32) | lo;
}

void wrmsr(uint32_t msr, uint64_t v)
{
	__asm__ volatile("wrmsr" : : "c"(msr), "a"((uint32_t)v), "d"((uint32_t)(v >> 32))
			 : "memory");
}

void report_skip(const char *name, const char *why)
{
	char line[PAYLOAD_LINE_MAX];

	fmt_str(line, sizeof(line), "%s # SKIP %s", name, why);
	report_ok(line);
}

void report_qemu_bug(const char *name, const char *bug, const char *fmt, ...)
{
	char detail[PAYLOAD_LINE_MAX / 2], why[PAYLOAD_LINE_MAX];
	va_list ap;

	va_start(ap, fmt);
	fmt_line(detail, sizeof(detail), fmt, ap);
	va_end(ap);
	if (L.qemu_tcg) {
		fmt_str(why, sizeof(why), "QEMU TCG bug: %s (%s)", bug, detail);
		report_skip(name, why);
	} else {
		report_fail(name, "%s", detail);
	}
}

int hc_call(uint64_t fn, uint64_t a1, uint64_t a2, uint64_t a3, struct hcall *out)
{
	*out = (struct hcall){ fn, a1, a2, a3 };
	if (probe_vmmcall(out) != PROBE_NO_FAULT)
		return -1;
	return (int64_t)out->rax == 0 ? 0 : -1;
}

/* A GDT descriptor as VMCB segment state (APM2 Table B-2, 4.7-4.8). */
static struct vmcb_seg seg_from_gdt(uint16_t sel, const struct dtr *gdtr)
{
	struct vmcb_seg s = { .selector = sel };
	uint64_t d;
	uint32_t limit;

	if (!(sel & ~7u) || (sel | 7u) > gdtr->limit)
		return s;               /* null (unusable) */
	d = ((const uint64_t *)gdtr->base)[sel >> 3];
	s.attrib = (uint16_t)(((d >> 40) & 0xff) | (((d >> 52) & 0xf) << 8));
	limit = (uint32_t)((d & 0xffff) | ((d >> 32) & 0xf0000));
	s.limit = (d & (1ull << 55)) ? (limit << 12) | 0xfff : limit;
	s.base = ((d >> 16) & 0xffffff) | (((d >> 56) & 0xff) << 24);
	return s;
}

static void l1_state_capture(void)
{
	struct dtr gdtr;
	uint16_t cs, ss, ds, es;

	__asm__ volatile("sgdt %0" : "=m"(gdtr));
	__asm__ volatile("mov %%cs, %0; mov %%ss, %1; mov %%ds, %2; mov %%es, %3"
			 : "=r"(cs), "=r"(ss), "=r"(ds), "=r"(es));
	__asm__ volatile("mov %%cr0, %0" : "=r"(l1.cr0));
	__asm__ volatile("mov %%cr3, %0" : "=r"(l1.cr3));
	__asm__ volatile("mov %%cr4, %0" : "=r"(l1.cr4));
	l1.efer = rdmsr(MSR_EFER);
	l1.pat = rdmsr(MSR_PAT);
	l1.cs = seg_from_gdt(cs, &gdtr);
	l1.ss = seg_from_gdt(ss, &gdtr);
	l1.ds = seg_from_gdt(ds, &gdtr);
	l1.es = seg_from_gdt(es, &gdtr);
	l1.gdtr = (struct vmcb_seg){ .limit = gdtr.limit, .base = gdtr.base };
}

/*
 * EFER.SVME and VM_HSAVE_PA (probe window open). Returns 0, or -1 with the
 * vector of the faulting WRMSR in *vec_out.
 */
int svm_enable(uint64_t *efer_out, unsigned *vec_out)
{
	uint64_t efer = 0;
	unsigned vec;

	vec = probe_rdmsr(MSR_EFER, &efer);
	if (vec == PROBE_NO_FAULT)
		vec = probe_wrmsr(MSR_EFER, efer | EFER_SVME);
	if (vec == PROBE_NO_FAULT)
		vec = probe_wrmsr(MSR_VM_HSAVE_PA, (uint64_t)L.hsave);
	*vec_out = vec;
	*efer_out = rdmsr(MSR_EFER);
	if (vec != PROBE_NO_FAULT || !(*efer_out & EFER_SVME))
		return -1;
	l1_state_capture();
	/* The template: L1's FS/GS/TR/LDTR/KernelGsBase/STAR../SYSENTER. */
	__asm__ volatile("vmsave %%rax" : : "a"((uint64_t)L.tmpl) : "memory");
	return 0;
}

void svm_disable(void)
{
	wrmsr(MSR_EFER, rdmsr(MSR_EFER) & ~EFER_SVME);
}

/* Gate v -> stub v of the L2 code copy; 64-bit interrupt gates, DPL 0. */
void l2_idt_build(uint16_t cs)
{
	for (unsigned v = 0; v < 256; v++) {
		uint64_t a = l2_addr(l2_stubs) + (uint64_t)v * L2_STUB_SIZE;

		L.l2_idt[v] = (struct idt_gate64){
			.offset_lo = (uint16_t)a, .selector = cs, .ist = 0, .type_attr = 0x8e,
			.offset_mid = (uint16_t)(a >> 16), .offset_hi = (uint32_t)(a >> 32),
		};
	}
}

/* Read and write intercepts of one MSR (APM2 15.11: 2 bits per MSR, 3 ranges). */
void msrpm_set(uint32_t msr, int read, int write)
{
	uint32_t base, off;
	unsigned bit;

	if (msr < 0x2000)
		base = 0, off = 0;
	else if (msr >= 0xc0000000u && msr < 0xc0002000u)
		base = 0xc0000000u, off = 0x800;
	else if (msr >= 0xc0010000u && msr < 0xc0012000u)
		base = 0xc0010000u, off = 0x1000;
	else
		return;
	bit = 2 * (msr - base);
	if (read)
		L.msrpm[off + bit / 8] |= (uint8_t)(1u << (bit % 8));
	if (write)
		L.msrpm[off + (bit + 1) / 8] |= (uint8_t)(1u << ((bit + 1) % 8));
}

void iopm_set(uint16_t port)
{
	L.iopm[port / 8] |= (uint8_t)(1u << (port % 8));
}

/*
 * A fresh VMCB in slot `slot`: L1's paging, GDT and segments, the L2 IDT,
 * the slot's stack, RIP = entry. Intercepts: every exception, VMRUN, VMMCALL,
 * the other SVM instructions, HLT, SHUTDOWN, MSR and IO through the maps.
 */
void guest_init(struct guest *g, unsigned slot, uint32_t asid, const uint8_t *entry)
{
	struct vmcb *v = L.vmcb[slot];
	struct vmcb_control *c = &v->control;
	struct vmcb_save *s = &v->save;

	mem_zero(g, sizeof(*g));
	g->vmcb = v;
	g->slot = slot;
	g->stack_top = L.stack[slot] + 4096;
	mem_zero(v, sizeof(*v));
	mem_copy(s, &L.tmpl->save, sizeof(*s));        /* VMSAVE's fields */
	c->intercept_exceptions = 0xffffffffu;
	vmcb_set_intercept(c, INTERCEPT_HLT);
	vmcb_set_intercept(c, INTERCEPT_SHUTDOWN);
	vmcb_set_intercept(c, INTERCEPT_MSR_PROT);
	vmcb_set_intercept(c, INTERCEPT_IOIO_PROT);
	vmcb_set_intercept(c, INTERCEPT_INVLPGA);
	vmcb_set_intercept(c, INTERCEPT_VMRUN);
	vmcb_set_intercept(c, INTERCEPT_VMMCALL);
	vmcb_set_intercept(c, INTERCEPT_VMLOAD);
	vmcb_set_intercept(c, INTERCEPT_VMSAVE);
	vmcb_set_intercept(c, INTERCEPT_STGI);
	vmcb_set_intercept(c, INTERCEPT_CLGI);
	vmcb_set_intercept(c, INTERCEPT_SKINIT);
	c->iopm_base_pa = (uint64_t)L.iopm;
	c->msrpm_base_pa = (uint64_t)L.msrpm;
	c->asid = asid;
	c->int_ctl = V_INTR_MASKING_MASK;
	s->es = l1.es;
	s->cs = l1.cs;
	s->ss = l1.ss;
	s->ds = l1.ds;
	s->gdtr = l1.gdtr;
	s->idtr = (struct vmcb_seg){ .limit = 256 * 16 - 1, .base = (uint64_t)L.l2_idt };
	s->cpl = 0;
	s->efer = l1.efer;
	s->cr0 = l1.cr0;
	s->cr3 = l1.cr3;
	s->cr4 = l1.cr4;
	s->dr6 = 0xffff0ff0u;
	s->dr7 = 0x400;
	s->rflags = 0x2;
	s->rip = l2_addr(entry);
	s->rsp = (uint64_t)g->stack_top;
	s->rax = 0;
	s->g_pat = l1.pat;
}

/* One VMRUN of g (probe window open); returns the exit code. */
uint64_t guest_run(struct guest *g, unsigned flags)
{
	l1_vmrun(&g->r, (uint64_t)g->vmcb, flags);
	return g->vmcb->control.exit_code;
}

/* The exit code's low 32 bits (QEMU stores VMEXIT_INVALID as 0x00000000ffffffff). */
uint32_t exit32(const struct guest *g)
{
	return (uint32_t)g->vmcb->control.exit_code;
}
