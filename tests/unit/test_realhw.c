/*
 * What real AMD parts have and QEMU's TCG lacks (issue 16), on the host
 * harness's fake CPU: INVLPGB/TLBSYNC (CPUID 8000_0008 EBX[3], EDX[15:0];
 * the VMCB enable bit 8000_000A EDX[24]). svmhv hides them and makes both
 * instructions #UD in L1 and L2 (docs/architecture.md "INVLPGB and
 * TLBSYNC"): a guest that used them with its per-vCPU ASID would leave the
 * other vCPUs' TLBs stale. And processors the firmware reports but did not
 * enable: the guest's INIT/SIPI still reach them, never silently nowhere.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <string.h>

#include "hv/apic/apic.h"
#include "hv/apic/vapic.h"
#include "hv/console.h"
#include "hv/fb.h"
#include "hv/smp.h"
#include "nested/vmcb12.h"
#include "svm/hw.h"
#include "svm/svm.h"
#include "tests/harness/harness.h"

#define NRIPS_CPU       (SVM_FEATURE_NPT | SVM_FEATURE_VGIF | SVM_FEATURE_NRIPS)
#define EXC(vec)        ((vec) | SVM_EVTINJ_TYPE_EXEPT | SVM_EVTINJ_VALID)

static const uint32_t invlpgb_exits[] = { VMEXIT_INVLPGB, VMEXIT_INVLPGB_ILL, VMEXIT_TLBSYNC };

static struct vcpu *vcpu(unsigned i)
{
	return hv.vcpus[i];
}

/* The harness on config c, every vCPU at its first VMRUN. */
static void start(const struct harness_config *c)
{
	assert_int_equal(harness_init(c), 0);
	for (unsigned i = 0; i < c->ncpu; i++)
		assert_true(harness_prepare(i));
}

/* A Zen 3+ part: INVLPGB with a count of 8 pages, the VMCB enable bit, IBPB. */
static void init(bool nested, bool invlpgb)
{
	struct harness_config c = { .ncpu = 2, .nested = nested };

	c.cpu = fake_cpu_tcg();
	c.cpu.svm_edx = NRIPS_CPU | SVM_FEATURE_FLUSH_ASID;
	c.cpu.ext8_ebx = CPUID_80000008_EBX_IBPB;
	c.cpu.ext8_edx = 5u << 16;                      /* RDPRU's max ID: not ours to hide */
	if (invlpgb) {
		c.cpu.svm_edx |= SVM_FEATURE_INVLPGB_TLBSYNC;
		c.cpu.ext8_ebx |= CPUID_80000008_EBX_INVLPGB;
		c.cpu.ext8_edx |= 7u;                   /* InvlpgbCountMax: 8 pages */
	}
	start(&c);
}

static int zen(void **s) { (void)s; init(false, true); return 0; }
static int zen_nested(void **s) { (void)s; init(true, true); return 0; }
static int old_cpu(void **s) { (void)s; init(false, false); return 0; }

/* CPUID 8000_0008 as the guest running on vCPU i now sees it. */
static void cpuid_e8(unsigned i, struct cpuid_regs *r)
{
	struct vcpu *v = vcpu(i);

	v->vmcb->save.rax = 0x80000008u;
	v->world.regs.rcx = 0;
	assert_true(harness_exit(i, VMEXIT_CPUID, 0, 0, 2));
	*r = (struct cpuid_regs){ (uint32_t)v->vmcb->save.rax, (uint32_t)v->world.regs.rbx,
				  (uint32_t)v->world.regs.rcx, (uint32_t)v->world.regs.rdx };
}

static void assert_hidden(unsigned i)
{
	struct cpuid_regs r;

	cpuid_e8(i, &r);
	assert_false(r.ebx & CPUID_80000008_EBX_INVLPGB);
	assert_int_equal(r.edx & CPUID_80000008_EDX_INVLPGB_COUNT, 0);
	assert_true(r.ebx & CPUID_80000008_EBX_IBPB);           /* the rest as it was */
	assert_int_equal(r.edx >> 16, 5);
}

/* L1's CPUID: no INVLPGB, no page count. */
static void test_invlpgb_hidden_l1(void **state)
{
	(void)state;
	assert_hidden(0);
	assert_hidden(1);
}

/* vmcb01: the enable bit clear, the three intercepts set on a CPU that has them. */
static void test_invlpgb_intercepted(void **state)
{
	const struct vmcb_control *c = &vcpu(0)->vmcb01->control;

	(void)state;
	assert_false(c->nested_ctl & SVM_NESTED_CTL_INVLPGB_TLBSYNC);
	assert_true(vmcb_is_intercept(c, INTERCEPT_INVLPGB));
	assert_true(vmcb_is_intercept(c, INTERCEPT_INVLPGB_ILL));
	assert_true(vmcb_is_intercept(c, INTERCEPT_TLBSYNC));
	assert_false(vmcb_is_intercept(c, INTERCEPT_INVPCID));
}

/* Where the CPU has no INVLPGB the intercept bits are reserved: left clear. */
static void test_no_invlpgb_no_intercept(void **state)
{
	const struct vmcb_control *c = &vcpu(0)->vmcb01->control;

	(void)state;
	assert_int_equal(c->intercept_misc3, 0);
	assert_false(c->nested_ctl & SVM_NESTED_CTL_INVLPGB_TLBSYNC);
}

/* INVLPGB, INVLPGB with an illegal operand, TLBSYNC in L1: #UD, RIP unchanged. */
static void test_invlpgb_ud_l1(void **state)
{
	struct vcpu *v = vcpu(1);

	(void)state;
	for (size_t k = 0; k < sizeof(invlpgb_exits) / sizeof(invlpgb_exits[0]); k++) {
		uint64_t rip = v->vmcb->save.rip;

		v->vmcb->control.event_inj = 0;
		assert_true(harness_exit(1, invlpgb_exits[k], 0, 0, 3));
		assert_int_equal(v->vmcb->control.event_inj, EXC(VEC_UD));
		assert_int_equal(v->vmcb->save.rip, rip);
		assert_int_equal(v->exit_counts[invlpgb_exits[k]], 1);
	}
}

static struct vmcb *vmcb12_page;

/* L1 on vCPU 0 runs L2 with the intercepts it chooses (misc3 and exceptions). */
static void enter_l2(uint32_t misc3, uint32_t exceptions)
{
	struct vcpu *v = vcpu(0);

	assert_true(harness_msr_exit(0, MSR_EFER, true, v->vmcb01->save.efer | EFER_SVME));
	assert_true(harness_msr_exit(0, MSR_VM_HSAVE_PA, true, harness_pa(harness_page())));
	vmcb12_page = harness_page();
	harness_vmcb12(vmcb12_page, 1);
	vmcb12_page->control.intercept_misc3 = misc3;
	vmcb12_page->control.intercept_exceptions = exceptions;
	v->vmcb01->save.rax = harness_pa(vmcb12_page);
	assert_true(harness_exit(0, VMEXIT_VMRUN, 0, 0, 3));
	assert_true(vcpu(0)->nested.in_l2);
}

/* L2's CPUID (L1 does not intercept it): hidden too; vmcb02 keeps the intercepts. */
static void test_invlpgb_hidden_l2(void **state)
{
	const struct vmcb_control *c;

	(void)state;
	enter_l2(0, 0);
	c = &vcpu(0)->vmcb->control;
	assert_ptr_equal(vcpu(0)->vmcb, vcpu(0)->nested.vmcb02);
	assert_false(c->nested_ctl & SVM_NESTED_CTL_INVLPGB_TLBSYNC);
	assert_true(vmcb_is_intercept(c, INTERCEPT_INVLPGB));
	assert_true(vmcb_is_intercept(c, INTERCEPT_TLBSYNC));
	assert_hidden(0);
	assert_true(vcpu(0)->nested.in_l2);
}

/*
 * In L2, even with L1's misc3 intercepts set: the CPU L1 sees has no INVLPGB,
 * so the instruction is #UD in L2, as it would be there, not an exit L1
 * could not have asked for.
 */
static void test_invlpgb_ud_l2(void **state)
{
	struct vcpu *v = vcpu(0);

	(void)state;
	enter_l2(BIT(INTERCEPT_INVLPGB - 64) | BIT(INTERCEPT_TLBSYNC - 64), 0);
	for (size_t k = 0; k < sizeof(invlpgb_exits) / sizeof(invlpgb_exits[0]); k++) {
		v->vmcb->control.event_inj = 0;
		assert_true(harness_exit(0, invlpgb_exits[k], 0, 0, 3));
		assert_true(v->nested.in_l2);
		assert_int_equal(v->vmcb->control.event_inj, EXC(VEC_UD));
	}
}

/* ... and L1 that intercepts #UD gets #VMEXIT(#UD), as on such a CPU. */
static void test_invlpgb_l2_ud_to_l1(void **state)
{
	struct vcpu *v = vcpu(0);

	(void)state;
	enter_l2(BIT(INTERCEPT_INVLPGB - 64), BIT(VEC_UD));
	assert_true(harness_exit(0, VMEXIT_INVLPGB, 0, 0, 3));
	assert_false(v->nested.in_l2);
	assert_int_equal(vmcb12_page->control.exit_code, VMEXIT_EXCP_BASE + VEC_UD);
}

/* L1 setting the enable bit in vmcb12 (not offered to it): VMEXIT_INVALID. */
static void test_invlpgb_enable_bit_refused(void **state)
{
	struct vcpu *v = vcpu(0);

	(void)state;
	assert_true(harness_msr_exit(0, MSR_EFER, true, v->vmcb01->save.efer | EFER_SVME));
	assert_true(harness_msr_exit(0, MSR_VM_HSAVE_PA, true, harness_pa(harness_page())));
	vmcb12_page = harness_page();
	harness_vmcb12(vmcb12_page, 1);
	vmcb12_page->control.nested_ctl = SVM_NESTED_CTL_INVLPGB_TLBSYNC;
	v->vmcb01->save.rax = harness_pa(vmcb12_page);
	assert_true(harness_exit(0, VMEXIT_VMRUN, 0, 0, 3));
	assert_false(v->nested.in_l2);
	assert_int_equal((uint32_t)vmcb12_page->control.exit_code, (uint32_t)VMEXIT_INVALID);
}

/* What L1 is offered in 8000_000A EDX never includes the enable bit. */
static void test_invlpgb_enable_not_offered(void **state)
{
	struct vcpu *v = vcpu(0);

	(void)state;
	v->vmcb->save.rax = 0x8000000au;
	assert_true(harness_exit(0, VMEXIT_CPUID, 0, 0, 2));
	assert_false(v->world.regs.rdx & SVM_FEATURE_INVLPGB_TLBSYNC);
}

/* Two CPUs under svmhv (APIC IDs 0, 1), two the firmware did not enable (0x10, 0x11). */
static int outside(void **s)
{
	struct harness_config c = { .ncpu = 2, .noutside = 2, .outside = { 0x10, 0x11 } };

	(void)s;
	c.cpu = fake_cpu_tcg();
	c.cpu.svm_edx = NRIPS_CPU;
	start(&c);
	return 0;
}

#define ICR_INIT        (5ull << APIC_ICR_DM_SHIFT | APIC_ICR_LEVEL_ASSERT)
#define ICR_SIPI(vec)   (6ull << APIC_ICR_DM_SHIFT | APIC_ICR_LEVEL_ASSERT | (vec))

/* Did svmhv send icr (physical, no shorthand) to xAPIC ID id, among its IPIs? */
static bool sent(uint64_t icr, uint32_t id)
{
	uint64_t want = icr | (uint64_t)id << APIC_ICR_XAPIC_DEST_SHIFT;

	for (unsigned k = 0; k < fake.ipis && k < 32; k++)
		if (fake.icr_log[k] == want)
			return true;
	return false;
}

/* Firmware's INIT-SIPI broadcast: vCPU 1 emulated, both disabled CPUs for real. */
static void test_broadcast_reaches_outside(void **state)
{
	struct vcpu *v = vcpu(0);

	(void)state;
	fake.ipis = 0;
	harness_on_cpu(0, hv_apic_icr_write(v, ICR_INIT | (uint64_t)HV_APIC_SH_ALL_BUT_SELF
					    << APIC_ICR_SH_SHIFT, false));
	assert_true(sent(ICR_INIT, 0x10));
	assert_true(sent(ICR_INIT, 0x11));
	assert_false(sent(ICR_INIT, 1));                /* the one under svmhv: emulated */
	assert_true(vcpu(1)->requests & HV_REQ_INIT);
	fake.ipis = 0;
	harness_on_cpu(0, hv_apic_icr_write(v, ICR_SIPI(0x9a) | 0xffull << 56, false));
	assert_true(sent(ICR_SIPI(0x9a), 0x10));
	assert_true(sent(ICR_SIPI(0x9a), 0x11));
}

/* Physical: a disabled CPU or an APIC ID svmhv does not know: sent as addressed. */
static void test_physical_outside(void **state)
{
	(void)state;
	fake.ipis = 0;
	harness_on_cpu(0, hv_apic_icr_write(vcpu(0), ICR_INIT | 0x11ull << 56, false));
	assert_int_equal(fake.ipis, 1);
	assert_true(sent(ICR_INIT, 0x11));
	harness_on_cpu(0, hv_apic_icr_write(vcpu(0), ICR_SIPI(0x10) | 0x42ull << 56, false));
	assert_true(sent(ICR_SIPI(0x10), 0x42));
}

/* A logical destination that matches no CPU: dropped, and the console says so. */
static void test_logical_nowhere_said(void **state)
{
	(void)state;
	fake.ipis = 0;
	fake_console_clear();
	harness_on_cpu(0, hv_apic_icr_write(vcpu(0), ICR_INIT | APIC_ICR_DEST_LOGICAL |
					    0x80ull << 56, false));
	assert_int_equal(fake.ipis, 0);
	assert_true(fake_console_has("reaches no CPU: dropped"));
}

/*
 * GIF = 0 is bounded (issue 16): a vCPU held for a SIPI waits in host mode
 * with GIF opened at every step, so an SMI (the firmware's SMM rendezvous,
 * which waits for every CPU) is taken at once rather than held until the OS
 * starts that CPU, possibly never. An NMI taken meanwhile is a kick (its
 * flag cleared: else no kick would reach that CPU again) or the guest's (held
 * for delivery once the vCPU runs).
 */
static void nmi_at_stgi(void *arg, unsigned cpu)
{
	(void)arg;
	hv.cpus[cpu].host_nmis++;
}

static void test_wait_for_sipi_opens_gif(void **state)
{
	struct vcpu *v = vcpu(1);
	unsigned before;

	(void)state;
	hv_vcpu_request(v, HV_REQ_INIT);
	assert_false(harness_prepare(1));               /* held for a SIPI */
	before = fake.stgis[1];
	harness_on_cpu(1, hv_host_relax(v));
	assert_int_equal(fake.stgis[1], before + 1);
	assert_false(fake.gif[1]);                      /* closed again before svmhv goes on */
	assert_false(v->nested.gif.nmi_held);
	fake.stgi = nmi_at_stgi;
	v->cpu->kick_pending = 1;                       /* a kick's NMI, taken in the window */
	harness_on_cpu(1, hv_host_relax(v));
	assert_int_equal(v->cpu->kick_pending, 0);
	assert_false(v->nested.gif.nmi_held);
	harness_on_cpu(1, hv_host_relax(v));            /* no kick pending: the guest's NMI */
	assert_true(v->nested.gif.nmi_held);
	fake.stgi = NULL;
}

/* ---- no UART: the panic screen, and a panic's halt with GIF open ---- */

#define SCR_W   640u
#define SCR_H   200u
#define SCR_S   704u            /* pixels per scan line */

/* test_panic=on: vCPU 0's first exit panics; svmhv's halt is longjmp'ed out of. */
static void panic_on(unsigned cpu)
{
	jmp_buf halt;

	hv.boot.test_panic = true;
	fake.halt = &halt;
	fake.gif[cpu] = false;
	if (!setjmp(halt)) {
		harness_exit(cpu, VMEXIT_CPUID, 0, 0, 2);
		fail_msg("no panic");
	}
	fake.halt = NULL;
	hv.boot.test_panic = false;
}

/*
 * Without a UART the first CPU to panic draws its panic line (and CPU,
 * RIP, backtrace) on the screen; with a UART, or on a later CPU's panic,
 * the screen (the guest's) is not touched. Every panic halts with GIF
 * open, so an SMI is not held for ever.
 */
static void test_panic_screen(void **state)
{
	static uint32_t scr[SCR_S * SCR_H], want[SCR_S * SCR_H], before[SCR_S * SCR_H];
	const struct hv_boot_fb fb = { .base = (uint64_t)(uintptr_t)scr, .size = sizeof(scr),
				       .width = SCR_W, .height = SCR_H, .stride = SCR_S,
				       .format = HV_FB_BGRX };
	struct hv_boot_fb ref = fb;
	struct hv_fb_con c;
	unsigned h;

	(void)state;
	memset(scr, 0x5a, sizeof(scr));
	memcpy(before, scr, sizeof(scr));
	hv.boot.fb = fb;
	/* 1. A UART: the panic is on the serial line only. */
	panic_on(0);
	assert_true(fake_console_has("svmhv: PANIC: test_panic=on: forced at vCPU 0's first exit"));
	assert_true(fake_console_has("svmhv: PANIC: on cpu0 at rip "));
	assert_true(fake.gif[0]);
	assert_memory_equal(scr, before, sizeof(scr));
	/* 2. No UART: the band, its first line as hv/fb.c draws it. */
	hv_console_init(0, LOG_WARN);
	panic_on(0);
	assert_true(fake.gif[0]);
	ref.base = (uint64_t)(uintptr_t)want;
	memset(want, 0x5a, sizeof(want));
	hv_fb_con_init(&c, &ref, want, 0xffffff, 0xa00000);
	hv_fb_con_clear(&c);
	hv_fb_con_write(&c, "svmhv: PANIC: test_panic=on: forced at vCPU 0's first exit\n"
			"svmhv: PANIC: on cpu0 at rip ");
	h = HV_FB_CELL_H * c.scale;
	assert_memory_equal(scr, want, (size_t)SCR_S * h * 4 + 4 * HV_FB_CELL_W * 28);
	assert_int_not_equal(scr[SCR_S * h * 2 + 2], 0x5a5a5a5a);      /* "backtrace:", ... */
	assert_int_equal(scr[SCR_S * h * 2 + SCR_W], 0x5a5a5a5a);      /* the stride's padding */
	assert_int_equal(scr[SCR_S * (HV_FB_BAND_ROWS * h)], 0x5a5a5a5a);  /* below the band */
	/* 3. Then vCPU 1's panic: the screen keeps the first. */
	memcpy(before, scr, sizeof(scr));
	panic_on(1);
	assert_true(fake.gif[1]);
	assert_memory_equal(scr, before, sizeof(scr));
	hv_console_init(0x3f8, LOG_WARN);
	hv.boot.fb = (struct hv_boot_fb){ 0 };
}

/*
 * A vCPU held for a SIPI halts (GIF open) instead of spinning: under QEMU's
 * TCG 80 spinning APs starved the CPU booting them. A poster that sees it
 * HALTED kicks it (the NMI ends the HLT); a request already posted means no
 * halt at all; the kick's NMI taken there is consumed as a kick.
 */
static void test_sipi_wait_halts(void **state)
{
	struct vcpu *v = vcpu(1);
	unsigned before;

	(void)state;
	hv_vcpu_request(v, HV_REQ_INIT);
	assert_false(harness_prepare(1));               /* held for a SIPI */
	fake.halts[1] = 0;
	before = fake.stgis[1];
	harness_on_cpu(1, hv_host_halt(v));
	assert_int_equal(fake.halts[1], 1);
	assert_int_equal(fake.stgis[1], before + 1);    /* GIF open while halted */
	assert_false(fake.gif[1]);
	assert_int_equal(v->mode, HV_MODE_OUTSIDE_GUEST);
	/*
	 * Another CPU posts while it is halted: a TLB flush (a guest's MTRR
	 * write flushes every vCPU) waits for its next run, so it does not
	 * wake every halted AP; a STOP kicks.
	 */
	__atomic_store_n(&v->mode, HV_MODE_HALTED, __ATOMIC_SEQ_CST);
	v->cpu->kick_pending = 0;
	fake.nmis[1] = 0;
	harness_on_cpu(0, hv_vcpu_request(v, HV_REQ_TLB));
	assert_int_equal(fake.nmis[1], 0);
	harness_on_cpu(0, hv_vcpu_request(v, HV_REQ_STOP));
	assert_int_equal(fake.nmis[1], 1);
	v->requests &= ~HV_REQ_STOP;
	__atomic_store_n(&v->mode, HV_MODE_OUTSIDE_GUEST, __ATOMIC_SEQ_CST);
	/* Posted already: no HLT; the kick's NMI (taken with GIF open) is a kick. */
	fake.halts[1] = 0;
	fake.stgi = nmi_at_stgi;
	harness_on_cpu(1, hv_host_halt(v));
	fake.stgi = NULL;
	assert_int_equal(fake.halts[1], 0);
	assert_int_equal(v->cpu->kick_pending, 0);
	assert_false(v->nested.gif.nmi_held);
	/* The SIPI, posted from CPU 0, gets it running. */
	harness_on_cpu(0, hv_apic_icr_write(vcpu(0), ICR_SIPI(0x9a) | 1ull << 56, false));
	assert_true(harness_prepare(1));
}

#define ICR_X2_LOGICAL(dest)    (APIC_ICR_DEST_LOGICAL | (uint64_t)(dest) << 32)

/*
 * Firmware that enabled x2APIC sends INIT/SIPI to an x2APIC logical
 * destination (cluster in 31:16, bitmap in 15:0, fixed by the x2APIC ID):
 * to a vCPU (emulated), to a CPU svmhv has not taken yet (its mode unknown
 * to svmhv: sent to it alone, physically, in the x2APIC form), and to
 * processors the firmware did not enable (x2APIC IDs 0x10, 0x11: cluster 1).
 */
static void test_x2apic_logical_init(void **state)
{
	struct vcpu *v0 = vcpu(0), *v1 = vcpu(1);

	(void)state;
	v0->apic_x2 = v1->apic_x2 = true;
	fake.ipis = 0;
	__atomic_store_n(&v1->requests, 0, __ATOMIC_SEQ_CST);
	harness_on_cpu(0, assert_int_equal(hv_apic_icr_write(v0, ICR_INIT |
							     ICR_X2_LOGICAL(0x2), true), 0));
	assert_true(v1->requests & HV_REQ_INIT);
	for (unsigned k = 0; k < fake.ipis && k < 32; k++)
		assert_int_not_equal(fake.icr_log[k] & APIC_ICR_DM_MASK, ICR_INIT & APIC_ICR_DM_MASK);
	/* CPU 1 before svmhv takes it. */
	hv.vcpus[1] = NULL;
	fake.ipis = 0;
	harness_on_cpu(0, hv_apic_icr_write(v0, ICR_SIPI(0x9a) | ICR_X2_LOGICAL(0x3), true));
	hv.vcpus[1] = v1;
	assert_int_equal(fake.ipis, 1);
	assert_int_equal(fake.last_icr, ICR_SIPI(0x9a) | 1ull << APIC_ICR_X2APIC_DEST_SHIFT);
	/* Outside: cluster 1, bit 1 is x2APIC ID 0x11 alone. */
	fake.ipis = 0;
	harness_on_cpu(0, hv_apic_icr_write(v0, ICR_INIT | ICR_X2_LOGICAL(0x00010002), true));
	assert_int_equal(fake.ipis, 1);
	assert_int_equal(fake.last_icr, ICR_INIT | 0x11ull << APIC_ICR_X2APIC_DEST_SHIFT);
}

/* xAPIC cluster model programmed by the firmware before svmhv started. */
static int fw_cluster(void **s)
{
	struct harness_config c = { .ncpu = 2, .fw_ldr = { 0x01000000, 0x12000000 },
				    .fw_dfr = { 0x0fffffff, 0x0fffffff } };

	(void)s;
	c.cpu = fake_cpu_tcg();
	c.cpu.svm_edx = NRIPS_CPU;
	start(&c);
	return 0;
}

/*
 * svmhv reads each CPU's LDR and DFR as it takes it: a logical INIT to
 * cluster 1, bit 1 reaches vCPU 1 (before, its LDR read as 0 to svmhv and
 * the INIT was dropped as reaching no CPU).
 */
static void test_fw_logical_setup_kept(void **state)
{
	struct vcpu *v1 = vcpu(1);

	(void)state;
	assert_int_equal(v1->apic_ldr, 0x12000000);
	assert_int_equal(v1->apic_dfr, 0x0fffffff);
	fake_console_clear();
	__atomic_store_n(&v1->requests, 0, __ATOMIC_SEQ_CST);
	harness_on_cpu(0, hv_apic_icr_write(vcpu(0), ICR_INIT | APIC_ICR_DEST_LOGICAL |
					    0x12ull << 56, false));
	assert_true(v1->requests & HV_REQ_INIT);
	assert_false(fake_console_has("reaches no CPU"));
}

/*
 * A guest's NMI IPI is never lost (issue 16): sent to the hardware, it could
 * coalesce with svmhv's kick NMI to the same CPU, and the one NMI taken would
 * be consumed as the kick. Emulated, it is a request the target serves
 * whatever its physical NMIs were. Here a kick is already in flight to vCPU 1
 * when vCPU 0's guest sends it an NMI; the one physical NMI that arrives is
 * the kick, and the guest still gets its NMI, once.
 */
#define ICR_NMI         (4ull << APIC_ICR_DM_SHIFT | APIC_ICR_LEVEL_ASSERT)

static void test_nmi_ipi_not_lost(void **state)
{
	struct vcpu *v1 = vcpu(1);

	(void)state;
	__atomic_store_n(&v1->mode, HV_MODE_IN_GUEST, __ATOMIC_SEQ_CST);
	v1->cpu->kick_pending = 1;                      /* a kick's NMI in flight */
	fake.nmis[1] = 0;
	fake.ipis = 0;
	harness_on_cpu(0, hv_apic_icr_write(vcpu(0), ICR_NMI | 1ull << 56, false));
	assert_int_equal(fake.nmis[1], 0);              /* no second physical NMI */
	assert_false(sent(ICR_NMI, 1));
	assert_true(v1->requests & HV_REQ_NMI);
	/* The one NMI vCPU 1's CPU takes: the kick. */
	fake.stgi = nmi_at_stgi;
	v1->vmcb->control.event_inj = 0;
	assert_true(harness_exit(1, VMEXIT_NMI, 0, 0, 0));
	fake.stgi = NULL;
	assert_int_equal(v1->cpu->kick_pending, 0);
	assert_int_equal(v1->nmi_ipis, 1);
	assert_int_equal(v1->vmcb->control.event_inj,
			 VEC_NMI | SVM_EVTINJ_TYPE_NMI | SVM_EVTINJ_VALID);
	/* Delivered once: the next run injects nothing more. */
	v1->vmcb->control.event_inj = 0;
	assert_true(harness_prepare(1));
	assert_int_equal(v1->vmcb->control.event_inj, 0);
	/* To a CPU outside svmhv: the hardware's NMI, addressed to it alone. */
	harness_on_cpu(0, hv_apic_icr_write(vcpu(0), ICR_NMI | 0x11ull << 56, false));
	assert_true(sent(ICR_NMI, 0x11));
	/* To self by shorthand: served before this vCPU's next VMRUN. */
	vcpu(0)->vmcb->control.event_inj = 0;
	harness_on_cpu(0, hv_apic_icr_write(vcpu(0), ICR_NMI | (uint64_t)HV_APIC_SH_SELF
					    << APIC_ICR_SH_SHIFT, false));
	assert_true(harness_prepare(0));
	assert_int_equal(vcpu(0)->vmcb->control.event_inj,
			 VEC_NMI | SVM_EVTINJ_TYPE_NMI | SVM_EVTINJ_VALID);
}

/*
 * Hot host paths run no instruction that exits to a hypervisor below svmhv
 * (issue 16, KVM as L0): once a CPU is taken, its GS base names its hv_cpu,
 * so a kick (request, NMI to the target's APIC ID) runs no CPUID, and the
 * APIC helpers read IA32_APIC_BASE from hv_cpu's copy, which svmhv updates
 * when it writes the MSR.
 */
static void test_kick_without_cpuid(void **state)
{
	struct vcpu *v1 = vcpu(1);

	(void)state;
	for (unsigned i = 0; i < 2; i++)
		harness_on_cpu(i, wrmsr(MSR_GS_BASE, (uint64_t)(uintptr_t)&hv.cpus[i]));
	harness_on_cpu(0, assert_int_equal(hv_this_cpu(), 0));
	harness_on_cpu(1, assert_int_equal(hv_this_cpu(), 1));
	fake.cpuids = 0;
	__atomic_store_n(&v1->mode, HV_MODE_IN_GUEST, __ATOMIC_SEQ_CST);
	v1->cpu->kick_pending = 0;
	fake.nmis[1] = 0;
	harness_on_cpu(0, hv_vcpu_request(v1, HV_REQ_TLB));
	assert_int_equal(fake.nmis[1], 1);              /* kicked */
	assert_int_equal(fake.cpuids, 0);
	/* A GS base that is not svmhv's (before the takeover): the APIC ID, by CPUID. */
	harness_on_cpu(1, wrmsr(MSR_GS_BASE, 0x1000));
	harness_on_cpu(1, assert_int_equal(hv_this_cpu(), 1));
	assert_true(fake.cpuids > 0);
	harness_on_cpu(1, wrmsr(MSR_GS_BASE, (uint64_t)(uintptr_t)&hv.cpus[1] + 8));
	harness_on_cpu(1, assert_null(hv_this_cpu_fast()));     /* inside, not at an entry */
}

static void test_apic_base_copy(void **state)
{
	(void)state;
	harness_on_cpu(1, wrmsr(MSR_APIC_BASE, 0xfee00900));
	harness_on_cpu(1, assert_int_equal(hv_apic_base_msr(), 0xfee00900));    /* no copy yet */
	harness_on_cpu(1, wrmsr(MSR_GS_BASE, (uint64_t)(uintptr_t)&hv.cpus[1]));
	hv.cpus[1].apic_base_hw = 0xfee00d00;           /* x2APIC, as svmhv last set it */
	harness_on_cpu(1, assert_int_equal(hv_apic_base_msr(), 0xfee00d00));
	harness_on_cpu(1, hv_apic_base_written(0xfee00900));
	assert_int_equal(hv.cpus[1].apic_base_hw, 0xfee00900);
	harness_on_cpu(0, hv_apic_base_written(0x1234000)); /* CPU 0 has no GS base: nothing */
	assert_int_equal(hv.cpus[0].apic_base_hw, 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(test_invlpgb_hidden_l1, zen),
		cmocka_unit_test_setup(test_invlpgb_intercepted, zen),
		cmocka_unit_test_setup(test_no_invlpgb_no_intercept, old_cpu),
		cmocka_unit_test_setup(test_invlpgb_ud_l1, zen),
		cmocka_unit_test_setup(test_invlpgb_hidden_l2, zen_nested),
		cmocka_unit_test_setup(test_invlpgb_ud_l2, zen_nested),
		cmocka_unit_test_setup(test_invlpgb_l2_ud_to_l1, zen_nested),
		cmocka_unit_test_setup(test_invlpgb_enable_bit_refused, zen_nested),
		cmocka_unit_test_setup(test_invlpgb_enable_not_offered, zen_nested),
		cmocka_unit_test_setup(test_broadcast_reaches_outside, outside),
		cmocka_unit_test_setup(test_physical_outside, outside),
		cmocka_unit_test_setup(test_logical_nowhere_said, outside),
		cmocka_unit_test_setup(test_nmi_ipi_not_lost, outside),
		cmocka_unit_test_setup(test_wait_for_sipi_opens_gif, old_cpu),
		cmocka_unit_test_setup(test_sipi_wait_halts, old_cpu),
		cmocka_unit_test_setup(test_kick_without_cpuid, old_cpu),
		cmocka_unit_test_setup(test_apic_base_copy, old_cpu),
		cmocka_unit_test_setup(test_x2apic_logical_init, outside),
		cmocka_unit_test_setup(test_fw_logical_setup_kept, fw_cluster),
		cmocka_unit_test_setup(test_panic_screen, old_cpu),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
