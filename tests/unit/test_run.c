/*
 * The run loop (hv/run.c), exit handlers (hv/exit.c) and nested glue
 * (nested/nested.c) on the host harness: scripted #VMEXITs, and what svmhv
 * then does — what it injects, what it reflects to L1 (in L1's own vmcb12
 * page), which VMCB runs next, what the TLB contract is told — including
 * CPU features QEMU's TCG never has (NRIPS, FlushByASID, clean bits, decode
 * assists).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <string.h>

#include "hv/apic/init.h"
#include "hv/hypercall.h"
#include "hv/npt.h"
#include "hv/smp.h"
#include "svm/svm.h"
#include "tests/harness/harness.h"

#define NRIPS_CPU       (SVM_FEATURE_NPT | SVM_FEATURE_VGIF | SVM_FEATURE_NRIPS)

static struct vcpu *vcpu(unsigned i)
{
	return hv.vcpus[i];
}

static void init(bool nested, uint32_t svm_edx)
{
	struct harness_config c = { .ncpu = 2, .nested = nested };

	c.cpu = fake_cpu_tcg();
	c.cpu.svm_edx = svm_edx;
	assert_int_equal(harness_init(&c), 0);
	for (unsigned i = 0; i < 2; i++)
		assert_true(harness_prepare(i));
}

static int tcg(void **s) { (void)s; init(false, SVM_FEATURE_NPT | SVM_FEATURE_VGIF); return 0; }
static int nrips(void **s) { (void)s; init(false, NRIPS_CPU); return 0; }
static int nested(void **s) { (void)s; init(true, NRIPS_CPU); return 0; }
static int nested_fba(void **s)
{
	(void)s;
	init(true, NRIPS_CPU | SVM_FEATURE_FLUSH_ASID);
	return 0;
}

/* Instruction bytes at vCPU i's RIP, in a fresh page of guest RAM. */
static void code(unsigned i, const uint8_t *bytes, size_t len)
{
	uint8_t *p = harness_page();

	memcpy(p, bytes, len);
	vcpu(i)->vmcb->save.rip = harness_pa(p);
}

static uint64_t event_inj(unsigned i)
{
	return vcpu(i)->vmcb->control.event_inj;
}

#define EXC(vec)        ((vec) | SVM_EVTINJ_TYPE_EXEPT | SVM_EVTINJ_VALID)
#define EXC_ERR(vec, e) (EXC(vec) | SVM_EVTINJ_VALID_ERR | ((uint64_t)(e) << 32))

/* ---- L1 exits ---- */

static void test_first_vmrun_flushes(void **state)
{
	struct vcpu *v = vcpu(0);

	(void)state;
	assert_ptr_equal(v->vmcb, v->vmcb01);
	assert_int_equal(v->world.vmcb_pa, v->vmcb01_pa);
	assert_int_equal(v->vmcb01->control.asid, v->tlb.asid[TLB_CTX_L1]);
	assert_int_equal(v->vmcb01->control.tlb_control, TLB_CONTROL_FLUSH_ALL_ASID);
	assert_int_equal(v->mode, HV_MODE_IN_GUEST);
}

/* CPUID with NRIPS: next_rip from the VMCB; the guest sees svmhv's bit. */
static void test_cpuid_nrips(void **state)
{
	struct vcpu *v = vcpu(0);
	uint64_t rip = v->vmcb->save.rip;

	(void)state;
	v->vmcb->save.rax = 1;
	assert_true(harness_exit(0, VMEXIT_CPUID, 0, 0, 2));
	assert_int_equal(v->vmcb->save.rip, rip + 2);
	assert_true(v->world.regs.rcx & CPUID_1_ECX_HYPERVISOR);
	assert_int_equal(event_inj(0), 0);
	assert_int_equal(v->exit_counts[VMEXIT_CPUID], 1);
}

/* Without NRIPS svmhv decodes the length from the bytes at CS:RIP. */
static void test_cpuid_decoded(void **state)
{
	static const uint8_t cpuid_insn[] = { 0x0f, 0xa2 };
	struct vcpu *v = vcpu(1);

	(void)state;
	code(1, cpuid_insn, sizeof(cpuid_insn));
	v->vmcb->save.rax = 0x40000000u;
	assert_true(harness_exit(1, VMEXIT_CPUID, 0, 0, 0));
	assert_int_equal(v->vmcb->save.rip & 0xfff, 2);
	assert_int_equal(v->world.regs.rbx, SVMHV_SIG_EBX);
}

/* A non-canonical RIP cannot be fetched: #GP(0), RIP unchanged. */
static void test_fetch_fault(void **state)
{
	struct vcpu *v = vcpu(0);

	(void)state;
	v->vmcb->save.rip = 0x0000800000000000ull;
	assert_true(harness_exit(0, VMEXIT_CPUID, 0, 0, 0));
	assert_int_equal(event_inj(0), EXC_ERR(VEC_GP, 0));
	assert_int_equal(v->vmcb->save.rip, 0x0000800000000000ull);
}

/* An undecodable instruction: #UD. */
static void test_undecodable(void **state)
{
	static const uint8_t bad[] = { 0x06 };          /* PUSH ES: invalid in 64-bit mode */

	(void)state;
	code(0, bad, sizeof(bad));
	assert_true(harness_exit(0, VMEXIT_CPUID, 0, 0, 0));
	assert_int_equal(event_inj(0), EXC(VEC_UD));
}

static void test_efer_reserved_bit_gp(void **state)
{
	struct vcpu *v = vcpu(0);
	uint64_t rip = v->vmcb->save.rip, efer = v->vmcb->save.efer;

	(void)state;
	assert_true(harness_msr_exit(0, MSR_EFER, true, efer | BIT_ULL(40)));
	assert_int_equal(event_inj(0), EXC_ERR(VEC_GP, 0));
	assert_int_equal(v->vmcb->save.rip, rip);
	assert_int_equal(v->vmcb->save.efer, efer);
	/* nested=0: the guest's EFER.SVME is 0 and cannot be set. */
	v->vmcb->control.event_inj = 0;
	assert_true(harness_msr_exit(0, MSR_EFER, true, efer | EFER_SVME));
	assert_int_equal(event_inj(0), EXC_ERR(VEC_GP, 0));
	v->vmcb->control.event_inj = 0;
	assert_true(harness_msr_exit(0, MSR_EFER, true, efer & ~EFER_SVME));
	assert_int_equal(event_inj(0), 0);
	assert_int_equal(v->vmcb->save.rip, rip + 2);
}

static void test_hypercall_identify(void **state)
{
	struct vcpu *v = vcpu(0);

	(void)state;
	v->vmcb->save.rax = SVMHV_HC_IDENTIFY;
	assert_true(harness_exit(0, VMEXIT_VMMCALL, 0, 0, 3));
	assert_int_equal(v->vmcb->save.rax, SVMHV_OK);
	assert_int_equal(v->world.regs.rbx, SVMHV_SIG_EBX);
	assert_int_equal(v->world.regs.rdx, SVMHV_VERSION);
}

/* Without nested SVM every SVM instruction is #UD. */
static void test_svm_insn_ud_without_nested(void **state)
{
	(void)state;
	assert_true(harness_exit(0, VMEXIT_VMRUN, 0, 0, 3));
	assert_int_equal(event_inj(0), EXC(VEC_UD));
}

/* #DB and #AC are intercepted only to be reflected unchanged. */
static void test_db_ac_reflected(void **state)
{
	(void)state;
	assert_true(harness_exit(0, VMEXIT_EXCP_BASE + VEC_DB, 0, 0, 0));
	assert_int_equal(event_inj(0), EXC(VEC_DB));
	assert_true(harness_exit(0, VMEXIT_EXCP_BASE + VEC_AC, 0, 0, 0));
	assert_int_equal(event_inj(0), EXC_ERR(VEC_AC, 0));
}

/* An event being delivered when the exit came is injected again. */
static void test_exitintinfo_reinjected(void **state)
{
	struct vcpu *v = vcpu(0);
	uint64_t ev = 0x31 | SVM_EVTINJ_TYPE_INTR | SVM_EVTINJ_VALID;

	(void)state;
	v->vmcb->save.rax = 0;
	v->vmcb->control.exit_code = VMEXIT_CPUID;
	v->vmcb->control.exit_int_info = ev;
	v->vmcb->control.next_rip = v->vmcb->save.rip + 2;
	harness_on_cpu(0, hv_run_exit(v));
	assert_int_equal(event_inj(0), ev);
}

/*
 * An event of an instruction (INTn, INT3 in QEMU's and the hardware's
 * forms, INTO) is not injected again: RIP is still on the instruction,
 * which runs again. Injected, the handler would return to the instruction
 * itself (Linux's INT3 text patching hung so: CPU 0 looped on a #BP
 * with interrupts off, CPU 1 waited for it in smp_call_function).
 */
static void test_exitintinfo_soft_not_reinjected(void **state)
{
	static const uint64_t evs[] = {
		3 | SVM_EVTINJ_TYPE_SOFT | SVM_EVTINJ_VALID,     /* INT3, QEMU */
		3 | SVM_EVTINJ_TYPE_EXEPT | SVM_EVTINJ_VALID,    /* INT3, hardware */
		4 | SVM_EVTINJ_TYPE_EXEPT | SVM_EVTINJ_VALID,    /* INTO */
		0x80 | SVM_EVTINJ_TYPE_SOFT | SVM_EVTINJ_VALID,  /* INT 0x80 */
	};
	struct vcpu *v = vcpu(0);

	(void)state;
	for (unsigned i = 0; i < sizeof(evs) / sizeof(evs[0]); i++) {
		uint64_t rip = v->vmcb->save.rip;

		v->vmcb->control.event_inj = 0;
		v->cpu->kick_pending = 1;               /* svmhv's kick NMI came */
		v->vmcb->control.exit_code = VMEXIT_NMI;
		v->vmcb->control.exit_int_info = evs[i];
		harness_on_cpu(0, hv_run_exit(v));
		assert_int_equal(event_inj(0), 0);
		assert_int_equal(v->vmcb->save.rip, rip);
	}
	/* A #PF being delivered is still injected again. */
	v->cpu->kick_pending = 1;
	v->vmcb->control.exit_code = VMEXIT_NMI;
	v->vmcb->control.exit_int_info = 14 | SVM_EVTINJ_TYPE_EXEPT | SVM_EVTINJ_VALID |
					 SVM_EVTINJ_VALID_ERR | (2ull << SVM_EVTINJ_ERR_SHIFT);
	harness_on_cpu(0, hv_run_exit(v));
	assert_int_equal(event_inj(0), v->vmcb->control.exit_int_info);
}

/*
 * A write to svmhv's memory is dropped and skipped. The length is decoded
 * (MOV [rdi], rax: 3 bytes), never taken from NextRIP, which an NPF does
 * not give: the harness's NextRIP of 9 would skip too far.
 */
static void test_npf_svmhv_memory(void **state)
{
	static const uint8_t mov[] = { 0x48, 0x89, 0x07 };
	struct vcpu *v = vcpu(0);
	uint64_t rip;

	(void)state;
	code(0, mov, sizeof(mov));
	rip = v->vmcb->save.rip;
	assert_true(harness_exit(0, VMEXIT_NPF, NPF_P | NPF_WRITE | NPF_FINAL_GPA,
				 HARNESS_POOL_PA + 0x1000, 9));
	assert_int_equal(v->vmcb->save.rip, rip + 3);
	assert_true(fake_console_has("guest write to svmhv memory"));
}

/* An xAPIC ICR store (MOV [rbx+0x300], eax) with a fixed IPI reaches the APIC. */
static void test_apic_icr_store(void **state)
{
	static const uint8_t mov[] = { 0x89, 0x83, 0x00, 0x03, 0x00, 0x00 };
	struct vcpu *v = vcpu(0);
	unsigned ipis = fake.ipis;

	(void)state;
	code(0, mov, sizeof(mov));
	v->vmcb->save.rax = 0x000000f1;                 /* fixed, vector 0xf1 */
	v->world.regs.rbx = FAKE_APIC_BASE;
	assert_true(harness_exit(0, VMEXIT_NPF, NPF_P | NPF_WRITE | NPF_FINAL_GPA,
				 FAKE_APIC_BASE + 0x300, 0));
	assert_int_equal(fake.ipis, ipis + 1);
	assert_int_equal(fake.last_icr & 0xfff, 0xf1);
	assert_int_equal(v->vmcb->save.rip & 0xfff, sizeof(mov));
}

static void test_unhandled_exit_panics(void **state)
{
	jmp_buf halt;

	(void)state;
	fake.halt = &halt;
	if (!setjmp(halt)) {
		harness_exit(0, VMEXIT_HLT, 0, 0, 1);
		fail_msg("svmhv handled an exit it never intercepts");
	}
	fake.halt = NULL;
	assert_true(fake_console_has("PANIC: unhandled #VMEXIT 78"));
	assert_true(fake_console_has("backtrace"));
}

/* A triple fault resets the machine; if the reset does not happen, a panic. */
static void test_shutdown_resets(void **state)
{
	jmp_buf halt;

	(void)state;
	fake.halt = &halt;
	if (!setjmp(halt))
		harness_exit(0, VMEXIT_SHUTDOWN, 0, 0, 0);
	fake.halt = NULL;
	assert_int_equal(fake.resets, 1);
	assert_true(fake_console_has("guest shutdown on vCPU 0; resetting the machine"));
	assert_true(fake_console_has("exits by code: 7f:1"));       /* the vCPU's state */
}

/* ---- kicks, NMIs, INIT/SIPI ---- */

/* A kick NMI injects nothing; a real one is held and injected before VMRUN. */
static void test_nmi_kick_or_guest(void **state)
{
	struct vcpu *v = vcpu(1);

	(void)state;
	v->cpu->kick_pending = 1;
	assert_true(harness_exit(1, VMEXIT_NMI, 0, 0, 0));
	assert_int_equal(event_inj(1), 0);
	assert_int_equal(v->cpu->kick_pending, 0);
	assert_true(harness_exit(1, VMEXIT_NMI, 0, 0, 0));
	assert_int_equal(event_inj(1), VEC_NMI | SVM_EVTINJ_TYPE_NMI | SVM_EVTINJ_VALID);
}

/* An NMI behind a busy EVENTINJ waits (a self-kick) and is not lost. */
static void test_nmi_behind_event(void **state)
{
	struct vcpu *v = vcpu(0);
	unsigned nmis = fake.nmis[0];

	(void)state;
	v->vmcb->control.exit_int_info = 0x20 | SVM_EVTINJ_TYPE_INTR | SVM_EVTINJ_VALID;
	v->vmcb->control.exit_code = VMEXIT_NMI;
	harness_on_cpu(0, hv_run_exit(v));
	assert_true(harness_prepare(0));
	assert_int_equal(event_inj(0) & 0xff, 0x20);    /* the interrupt first */
	assert_int_equal(fake.nmis[0], nmis + 1);       /* and a self-kick */
	v->vmcb->control.event_inj = 0;                  /* delivered by the CPU */
	assert_true(harness_exit(0, VMEXIT_NMI, 0, 0, 0));
	assert_int_equal(event_inj(0), VEC_NMI | SVM_EVTINJ_TYPE_NMI | SVM_EVTINJ_VALID);
}

/*
 * SMI: intercepted, taken by the firmware's SMM in host mode (an STGI with
 * the SMI still pending), nothing for the guest: no event, RIP unchanged.
 */
static void test_smi_taken_in_host(void **state)
{
	struct vcpu *v = vcpu(1);
	uint64_t rip = v->vmcb->save.rip;
	unsigned stgis = fake.stgis[1];

	(void)state;
	assert_true(v->vmcb01->control.intercept_misc1 & BIT(INTERCEPT_SMI));
	assert_true(harness_exit(1, VMEXIT_SMI, 0, 0, 0));
	assert_int_equal(fake.stgis[1], stgis + 1);
	assert_int_equal(event_inj(1), 0);
	assert_int_equal(v->vmcb->save.rip, rip);
}

/* INIT then SIPI from another vCPU: the target waits in host mode, then starts. */
static void test_init_sipi(void **state)
{
	struct vcpu *v = vcpu(1);

	(void)state;
	harness_on_cpu(0, hv_vcpu_request(v, HV_REQ_INIT));
	assert_true(fake.nmis[1] >= 1);                 /* it was in guest mode: kicked */
	v->cpu->kick_pending = 1;
	v->vmcb->control.exit_code = VMEXIT_NMI;
	harness_on_cpu(1, hv_run_exit(v));
	assert_false(harness_prepare(1));               /* waiting for SIPI */
	assert_int_equal(v->mp_state, HV_MP_WAIT_SIPI);
	assert_int_equal(v->vmcb01->save.cs.base, 0xffff0000ull);
	assert_true(tlb_pending(&v->tlb, TLB_CTX_L1));  /* INIT flushes */
	v->sipi_vector = 0x9a;
	harness_on_cpu(0, hv_vcpu_request(v, HV_REQ_SIPI));
	assert_true(harness_prepare(1));
	assert_int_equal(v->vmcb01->save.cs.selector, 0x9a00);
	assert_int_equal(v->vmcb01->save.rip, 0);
	assert_int_equal(v->vmcb01->control.tlb_control, TLB_CONTROL_FLUSH_ALL_ASID);
}

/* ---- nested SVM ---- */

static struct vmcb *vmcb12_page;

/* L1 on vCPU i turns SVM on (EFER.SVME, VM_HSAVE_PA) through its exits. */
static void l1_svm_on(unsigned i)
{
	assert_true(harness_msr_exit(i, MSR_EFER, true, vcpu(i)->vmcb01->save.efer | EFER_SVME));
	assert_true(harness_msr_exit(i, MSR_VM_HSAVE_PA, true, harness_pa(harness_page())));
	assert_int_equal(event_inj(i), 0);
	assert_true(vcpu(i)->nested.svme);
}

/* L1 executes VMRUN of vmcb12 (rAX), built by harness_vmcb12(asid) plus extra intercepts. */
static uint64_t l1_vmrun(unsigned i, uint32_t asid, uint32_t misc1, uint32_t exceptions)
{
	struct vcpu *v = vcpu(i);
	uint64_t after = v->vmcb01->save.rip + 3;

	if (!vmcb12_page)
		vmcb12_page = harness_page();
	harness_vmcb12(vmcb12_page, asid);
	vmcb12_page->control.intercept_misc1 |= misc1;
	vmcb12_page->control.intercept_exceptions = exceptions;
	vmcb12_page->control.intercept_misc2 |= BIT(INTERCEPT_VMMCALL - 32);
	v->vmcb01->save.rax = harness_pa(vmcb12_page);
	assert_true(harness_exit(i, VMEXIT_VMRUN, 0, 0, 3));
	return after;
}

/*
 * shadow_pages= more than the heap holds: each vCPU gets what fits (halved
 * down to the minimum) and svmhv says so; it starts, never fails for it.
 */
static void test_shadow_pool_fits_heap(void **state)
{
	struct harness_config c = { .ncpu = 2, .nested = true, .shadow_pages = 65536 };

	(void)state;
	c.cpu = fake_cpu_tcg();
	c.cpu.svm_edx = NRIPS_CPU;
	fake_console_clear();
	assert_int_equal(harness_init(&c), 0);
	for (unsigned i = 0; i < 2; i++) {
		assert_true(vcpu(i)->nested.shadow.npages < 65536);
		assert_true(vcpu(i)->nested.shadow.npages >= NESTED_SHADOW_MIN);
	}
	assert_true(fake_console_has("the heap is short"));
}

static int nested_l2(void **s)
{
	nested(s);
	vmcb12_page = NULL;
	l1_svm_on(0);
	l1_vmrun(0, 1, BIT(INTERCEPT_NMI) | BIT(INTERCEPT_SMI) | BIT(INTERCEPT_SHUTDOWN),
		 BIT(VEC_UD));
	return 0;
}

static void test_vmrun_enters_l2(void **state)
{
	struct vcpu *v = vcpu(0);

	(void)state;
	assert_true(v->nested.in_l2);
	assert_ptr_equal(v->vmcb, v->nested.vmcb02);
	assert_int_equal(v->world.vmcb_pa, v->nested.vmcb02_pa);
	assert_int_equal(v->tlb.ctx, TLB_CTX_L2);
	assert_int_equal(v->vmcb->control.asid, v->tlb.asid[TLB_CTX_L2]);
	assert_int_equal(v->vmcb->control.tlb_control, TLB_CONTROL_FLUSH_ALL_ASID);
	/* svmhv's own intercepts stay in vmcb02 whatever vmcb12 says. */
	assert_true(v->vmcb->control.intercept_misc1 & BIT(INTERCEPT_CPUID));
	assert_int_equal(v->vmcb->control.n_cr3, hv.npt_root);
}

/* An L2 exit L1 intercepts: written into L1's vmcb12, L1 resumes after VMRUN. */
static void test_l2_exit_reflected(void **state)
{
	struct vcpu *v = vcpu(0);
	uint64_t after = v->nested.hsave.rip;

	(void)state;
	v->vmcb->save.rax = 0x1234;
	assert_true(harness_exit(0, VMEXIT_VMMCALL, 0, 0, 3));
	assert_false(v->nested.in_l2);
	assert_ptr_equal(v->vmcb, v->vmcb01);
	assert_int_equal(v->tlb.ctx, TLB_CTX_L1);
	assert_int_equal(vmcb12_page->control.exit_code, VMEXIT_VMMCALL);
	assert_int_equal(vmcb12_page->save.rax, 0x1234);
	assert_int_equal(v->vmcb01->save.rip, after);
	assert_int_equal(v->vmcb01->control.tlb_control, TLB_CONTROL_DO_NOTHING);
}

/* Steady state: VMRUN and #VMEXIT of the same ASID never flush. */
static void test_nested_round_trips_no_flush(void **state)
{
	struct vcpu *v = vcpu(0);

	(void)state;
	assert_true(harness_exit(0, VMEXIT_VMMCALL, 0, 0, 3));
	for (int i = 0; i < 20; i++) {
		l1_vmrun(0, 1, 0, 0);
		assert_int_equal(v->vmcb->control.tlb_control, TLB_CONTROL_DO_NOTHING);
		assert_true(harness_exit(0, VMEXIT_VMMCALL, 0, 0, 3));
		assert_int_equal(v->vmcb->control.tlb_control, TLB_CONTROL_DO_NOTHING);
	}
	assert_int_equal(v->tlb.cnt.flushes[TLB_CTX_L2], 1);
}

/* FlushByASID in hardware: a new vmcb12 ASID flushes only asid_l2 (3, not 1). */
static void test_flush_by_asid_present(void **state)
{
	struct vcpu *v = vcpu(0);
	uint32_t first;

	(void)state;
	l1_svm_on(0);
	l1_vmrun(0, 1, 0, 0);
	assert_int_equal(v->vmcb->control.tlb_control, TLB_CONTROL_FLUSH_ASID);
	first = v->vmcb->control.asid;
	assert_true(harness_exit(0, VMEXIT_VMMCALL, 0, 0, 3));
	l1_vmrun(0, 0x101, 0, 0);                      /* aliases 1 in its low byte */
	assert_int_equal(v->vmcb->control.tlb_control, TLB_CONTROL_FLUSH_ASID);
	assert_int_not_equal(v->vmcb->control.asid, first);     /* its own L2 slot */
	assert_true(harness_exit(0, VMEXIT_VMMCALL, 0, 0, 3));  /* commits the flush */
	assert_int_equal(v->tlb.cnt.reason[TLB_CTX_L2][TLB_REASON_NEW_PCPU], 2);
	assert_int_equal(v->tlb.cnt.reason[TLB_CTX_L2][TLB_REASON_ASID_CHANGE], 0);
	l1_vmrun(0, 1, 0, 0);                          /* back to 1: its slot, kept */
	assert_int_equal(v->vmcb->control.tlb_control, TLB_CONTROL_DO_NOTHING);
	assert_int_equal(v->vmcb->control.asid, first);
}

/* vmcb12 with ASID 0: VMEXIT_INVALID in L1's page, L1 after its VMRUN. */
static void test_vmrun_invalid_vmcb12(void **state)
{
	struct vcpu *v = vcpu(0);
	uint64_t after;

	(void)state;
	assert_true(harness_exit(0, VMEXIT_VMMCALL, 0, 0, 3));
	after = l1_vmrun(0, 0, 0, 0);
	assert_false(v->nested.in_l2);
	assert_int_equal((uint32_t)vmcb12_page->control.exit_code, (uint32_t)VMEXIT_INVALID);
	assert_int_equal(v->vmcb01->save.rip, after);
}

/* rAX naming svmhv's memory: #GP, nothing read. */
static void test_vmrun_svmhv_memory_gp(void **state)
{
	struct vcpu *v = vcpu(0);

	(void)state;
	assert_true(harness_exit(0, VMEXIT_VMMCALL, 0, 0, 3));
	v->vmcb01->save.rax = HARNESS_POOL_PA;
	assert_true(harness_exit(0, VMEXIT_VMRUN, 0, 0, 3));
	assert_int_equal(event_inj(0), EXC_ERR(VEC_GP, 0));
	assert_false(v->nested.in_l2);
}

/* The CPU refuses vmcb02: L1 sees VMEXIT_INVALID, the flush stays pending. */
static void test_vmcb02_refused(void **state)
{
	struct vcpu *v = vcpu(0);

	(void)state;
	assert_true(harness_exit(0, VMEXIT_VMMCALL, 0, 0, 3));
	l1_vmrun(0, 7, 0, 0);                           /* new ASID: L2 flush */
	assert_int_equal(v->vmcb->control.tlb_control, TLB_CONTROL_FLUSH_ALL_ASID);
	assert_true(harness_exit(0, VMEXIT_INVALID, 0, 0, 0));
	assert_false(v->nested.in_l2);
	assert_int_equal((uint32_t)vmcb12_page->control.exit_code, (uint32_t)VMEXIT_INVALID);
	assert_true(fake_console_has("the CPU refused vmcb02"));
	assert_true(tlb_pending(&v->tlb, TLB_CTX_L2));
}

/* VMMCALL in L2 that L1 does not intercept: #UD, which L1 intercepts here. */
static void test_l2_ud_goes_to_l1(void **state)
{
	struct vcpu *v = vcpu(0);

	(void)state;
	assert_true(harness_exit(0, VMEXIT_VMMCALL, 0, 0, 3));
	l1_vmrun(0, 1, 0, BIT(VEC_UD));
	vmcb12_page->control.intercept_misc2 = 0;       /* too late: the copy counts */
	v->nested.cache.icpt.misc2 &= ~BIT(INTERCEPT_VMMCALL - 32);
	assert_true(harness_exit(0, VMEXIT_VMMCALL, 0, 0, 3));
	assert_false(v->nested.in_l2);
	assert_int_equal(vmcb12_page->control.exit_code, VMEXIT_EXCP_BASE + VEC_UD);
}

/* CPUID in L2 that L1 does not intercept: svmhv answers on vmcb02. */
static void test_l2_cpuid_l0(void **state)
{
	struct vcpu *v = vcpu(0);
	uint64_t rip = v->vmcb->save.rip;

	(void)state;
	v->vmcb->save.rax = 0x40000000u;
	assert_true(harness_exit(0, VMEXIT_CPUID, 0, 0, 2));
	assert_true(v->nested.in_l2);
	assert_int_equal(v->vmcb->save.rip, rip + 2);
	assert_int_equal(v->world.regs.rbx, SVMHV_SIG_EBX);
}

/* An NMI for L1 while L2 runs, L1 intercepting NMI: #VMEXIT(NMI) to L1. */
static void test_nmi_in_l2_reflected(void **state)
{
	struct vcpu *v = vcpu(0);

	(void)state;
	assert_true(harness_exit(0, VMEXIT_NMI, 0, 0, 0));
	assert_false(v->nested.in_l2);
	assert_int_equal(vmcb12_page->control.exit_code, VMEXIT_NMI);
	assert_int_equal(v->tlb.ctx, TLB_CTX_L1);
	/* held until L1's STGI (GIF = 0 after #VMEXIT) */
	assert_int_equal(event_inj(0), 0);
	assert_true(v->vmcb01->control.int_ctl & V_INTR_MASKING_MASK);
	assert_true(harness_exit(0, VMEXIT_STGI, 0, 0, 3));
	assert_int_equal(event_inj(0), VEC_NMI | SVM_EVTINJ_TYPE_NMI | SVM_EVTINJ_VALID);
	assert_false(v->vmcb01->control.int_ctl & V_INTR_MASKING_MASK);
}

/*
 * A physical SMI while L2 runs is svmhv's, even though L1 intercepts SMI:
 * SMM takes it in host mode, L2 goes on, L1 sees no #VMEXIT.
 */
static void test_smi_in_l2(void **state)
{
	struct vcpu *v = vcpu(0);
	unsigned stgis = fake.stgis[0];

	(void)state;
	assert_true(v->nested.vmcb02->control.intercept_misc1 & BIT(INTERCEPT_SMI));
	vmcb12_page->control.exit_code = 0x5a5a;
	assert_true(harness_exit(0, VMEXIT_SMI, 0, 0, 0));
	assert_true(v->nested.in_l2);
	assert_int_equal(vmcb12_page->control.exit_code, 0x5a5a);
	assert_int_equal(fake.stgis[0], stgis + 1);
	assert_int_equal(event_inj(0), 0);
}

/* INIT while L2 runs: L2 dropped, both contexts flushed, no #VMEXIT for L1. */
static void test_init_in_l2(void **state)
{
	struct vcpu *v = vcpu(0);

	(void)state;
	vmcb12_page->control.exit_code = 0x5a5a;
	v->init_pending = false;
	harness_on_cpu(1, hv_vcpu_request(v, HV_REQ_INIT));
	v->cpu->kick_pending = 1;
	v->vmcb->control.exit_code = VMEXIT_NMI;
	harness_on_cpu(0, hv_run_exit(v));
	assert_true(harness_prepare(0));                /* the BSP restarts at once */
	assert_false(v->nested.in_l2);
	assert_false(v->nested.svme);
	assert_ptr_equal(v->vmcb, v->vmcb01);
	assert_int_equal(v->vmcb01->save.rip, 0xfff0);
	assert_int_equal(vmcb12_page->control.exit_code, 0x5a5a);
	assert_int_equal(v->vmcb01->control.tlb_control, TLB_CONTROL_FLUSH_ALL_ASID);
	assert_true(tlb_pending(&v->tlb, TLB_CTX_L2));
	v->vmcb->save.rax = 0;
	assert_true(harness_exit(0, VMEXIT_CPUID, 0, 0, 2));
	assert_int_equal(v->tlb.cnt.reason[TLB_CTX_L1][TLB_REASON_FORCED_EXIT], 1);
}

/* INIT while L1's GIF is 0 waits for STGI. */
static void test_init_held_by_gif(void **state)
{
	struct vcpu *v = vcpu(1);

	(void)state;
	l1_svm_on(1);
	assert_true(harness_exit(1, VMEXIT_CLGI, 0, 0, 3));
	harness_on_cpu(0, hv_vcpu_request(v, HV_REQ_INIT));
	assert_true(harness_prepare(1));
	assert_true(v->init_pending);
	assert_int_equal(v->mp_state, HV_MP_RUNNING);
	assert_false(harness_exit(1, VMEXIT_STGI, 0, 0, 3));    /* now: wait for SIPI */
	assert_false(v->init_pending);
	assert_int_equal(v->mp_state, HV_MP_WAIT_SIPI);
}

/* What L1 is offered: with clean bits and decode assists in hardware, neither. */
static void test_l1_svm_cpuid(void **state)
{
	struct harness_config c = { .ncpu = 1, .nested = true };
	struct vcpu *v;

	(void)state;
	c.cpu = fake_cpu_tcg();
	c.cpu.svm_edx |= SVM_FEATURE_NRIPS | SVM_FEATURE_FLUSH_ASID | SVM_FEATURE_VMCB_CLEAN |
			 SVM_FEATURE_DECODE_ASSISTS;
	assert_int_equal(harness_init(&c), 0);
	assert_true(harness_prepare(0));
	v = vcpu(0);
	v->vmcb->save.rax = 0x8000000au;
	assert_true(harness_exit(0, VMEXIT_CPUID, 0, 0, 2));
	/* What svmhv emulates, not what the CPU has (decode assists stay hidden). */
	assert_int_equal(v->world.regs.rdx, SVM_FEATURE_NPT | SVM_FEATURE_NRIPS |
			 SVM_FEATURE_VMCB_CLEAN | SVM_FEATURE_FLUSH_ASID);
	assert_int_equal(v->world.regs.rbx, 16);
	/* svmhv claims nothing clean: the CPU reloads every field. */
	assert_int_equal(v->vmcb01->control.clean, 0);
}

/* svmhv edits its NPT while vCPU 1 runs: kicked, waited for, flushed. */
static unsigned relaxes;

static void run_cpu1_nmi(void *arg)
{
	struct vcpu *v = vcpu(1);

	(void)arg;
	relaxes++;
	if (v->mode != HV_MODE_IN_GUEST)
		return;
	v->vmcb->control.exit_code = VMEXIT_NMI;         /* the kick's #VMEXIT */
	harness_on_cpu(1, hv_run_exit(v));
}

static void test_npt_map_kicks_and_waits(void **state)
{
	struct vcpu *v1 = vcpu(1);
	unsigned nmis = fake.nmis[1];

	(void)state;
	assert_int_equal(v1->mode, HV_MODE_IN_GUEST);
	fake.relax = run_cpu1_nmi;
	relaxes = 0;
	assert_int_equal(hv_npt_map(HARNESS_RAM_PA + 0x300000, PAGE_SIZE, NPT_IDENTITY, NPT_PERM_RO,
				    vcpu(0)), 0);
	fake.relax = NULL;
	assert_int_equal(fake.nmis[1], nmis + 1);
	assert_true(relaxes >= 1);
	assert_int_equal(v1->mode, HV_MODE_OUTSIDE_GUEST);
	assert_true(tlb_pending(&vcpu(0)->tlb, TLB_CTX_L1));
	assert_true(harness_prepare(1));
	assert_int_equal(v1->vmcb01->control.tlb_control, TLB_CONTROL_FLUSH_ALL_ASID);
	v1->vmcb->save.rax = 0;
	assert_true(harness_exit(1, VMEXIT_CPUID, 0, 0, 2));
	assert_int_equal(v1->tlb.cnt.reason[TLB_CTX_L1][TLB_REASON_NPT_CHANGE], 1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(test_first_vmrun_flushes, tcg),
		cmocka_unit_test_setup(test_cpuid_nrips, nrips),
		cmocka_unit_test_setup(test_cpuid_decoded, tcg),
		cmocka_unit_test_setup(test_fetch_fault, tcg),
		cmocka_unit_test_setup(test_undecodable, tcg),
		cmocka_unit_test_setup(test_efer_reserved_bit_gp, nrips),
		cmocka_unit_test_setup(test_hypercall_identify, nrips),
		cmocka_unit_test_setup(test_svm_insn_ud_without_nested, nrips),
		cmocka_unit_test_setup(test_db_ac_reflected, nrips),
		cmocka_unit_test_setup(test_exitintinfo_soft_not_reinjected, tcg),
		cmocka_unit_test_setup(test_exitintinfo_reinjected, nrips),
		cmocka_unit_test_setup(test_npf_svmhv_memory, nrips),
		cmocka_unit_test_setup(test_apic_icr_store, tcg),
		cmocka_unit_test_setup(test_unhandled_exit_panics, nrips),
		cmocka_unit_test_setup(test_shutdown_resets, nrips),
		cmocka_unit_test_setup(test_nmi_kick_or_guest, nrips),
		cmocka_unit_test_setup(test_smi_taken_in_host, nrips),
		cmocka_unit_test_setup(test_nmi_behind_event, nrips),
		cmocka_unit_test_setup(test_init_sipi, nrips),
		cmocka_unit_test(test_shadow_pool_fits_heap),
		cmocka_unit_test_setup(test_vmrun_enters_l2, nested_l2),
		cmocka_unit_test_setup(test_l2_exit_reflected, nested_l2),
		cmocka_unit_test_setup(test_nested_round_trips_no_flush, nested_l2),
		cmocka_unit_test_setup(test_flush_by_asid_present, nested_fba),
		cmocka_unit_test_setup(test_vmrun_invalid_vmcb12, nested_l2),
		cmocka_unit_test_setup(test_vmrun_svmhv_memory_gp, nested_l2),
		cmocka_unit_test_setup(test_vmcb02_refused, nested_l2),
		cmocka_unit_test_setup(test_l2_ud_goes_to_l1, nested_l2),
		cmocka_unit_test_setup(test_l2_cpuid_l0, nested_l2),
		cmocka_unit_test_setup(test_nmi_in_l2_reflected, nested_l2),
		cmocka_unit_test_setup(test_init_in_l2, nested_l2),
		cmocka_unit_test_setup(test_smi_in_l2, nested_l2),
		cmocka_unit_test_setup(test_init_held_by_gif, nested),
		cmocka_unit_test(test_l1_svm_cpuid),
		cmocka_unit_test_setup(test_npt_map_kicks_and_waits, nested),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
