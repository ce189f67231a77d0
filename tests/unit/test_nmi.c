/*
 * L1's NMI blocking (hv/nmi.h) through the real run loop and exit handlers
 * on the host harness. The hardware rule: an NMI blocks NMIs from its
 * delivery until the next IRET completes, and one NMI arriving meanwhile is
 * latched and taken right after that IRET (APM2 8.5). EVENTINJ ignores the
 * guest's blocking (APM2 15.20), so svmhv keeps it: IRET intercepted while
 * blocked, a held NMI stepped over the IRET with RFLAGS.TF, that #DB kept
 * from the guest. The fake CPU does not run L1: a test plays the CPU
 * (delivering EVENTINJ, executing the IRET, the single-step trap) by
 * writing vmcb01 between exits. The payload's "an NMI sent from an NMI
 * handler waits for its IRET" (tests/payload/checks.c) is the same rule on
 * QEMU, bare and under svmhv.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <string.h>

#include "hv/apic/init.h"
#include "hv/smp.h"
#include "svm/svm.h"
#include "tests/harness/harness.h"

#define NMI_EVENT       (VEC_NMI | SVM_EVTINJ_TYPE_NMI | SVM_EVTINJ_VALID)
#define DB_EVENT        (VEC_DB | SVM_EVTINJ_TYPE_EXEPT | SVM_EVTINJ_VALID)
#define DR6_BS          BIT_ULL(14)
#define HANDLER_RIP     0x5000ull       /* the guest's NMI handler */
#define IRET_RIP        0x5040ull       /* its IRETQ */
#define RETURN_RIP      0x7000ull       /* where the IRETQ returns */
#define IRET_EXIT       VMEXIT_IRET

static struct vcpu *vcpu0(void)
{
	return hv.vcpus[0];
}

static int setup(void **s)
{
	struct harness_config c = { .ncpu = 1, .nested = true };

	(void)s;
	c.cpu = fake_cpu_tcg();
	c.cpu.svm_edx |= SVM_FEATURE_NRIPS;     /* CPUID exits without fetching at RIP */
	assert_int_equal(harness_init(&c), 0);
	assert_true(harness_prepare(0));
	vcpu0()->vmcb01->save.dr6 = DR6_INIT;
	return 0;
}

static bool iret_icpt(void)
{
	return vcpu0()->vmcb01->control.intercept_misc1 & BIT(INTERCEPT_IRET);
}

static uint64_t event(void)
{
	return vcpu0()->vmcb01->control.event_inj;
}

/* The guest's NMI IPI (to self, or from another CPU): a request, then an exit to serve it. */
static void nmi_request(void)
{
	hv_vcpu_request(vcpu0(), HV_REQ_NMI);
	assert_true(harness_prepare(0));
}

/* The CPU delivers what EVENTINJ holds: the handler runs. */
static void deliver(uint64_t rip)
{
	struct vmcb *vmcb = vcpu0()->vmcb01;

	vmcb->control.event_inj = 0;
	vmcb->save.rip = rip;
}

/* The handler reaches its IRETQ, intercepted: it exits before executing. */
static void iret_exit(void)
{
	vcpu0()->vmcb01->save.rip = IRET_RIP;
	assert_true(harness_exit(0, IRET_EXIT, 0, 0, 2));
}

/* The CPU executes the IRETQ (RFLAGS from the stack) and, TF set before it, traps. */
static void iret_steps(uint64_t popped_rflags)
{
	struct vmcb_save *s = &vcpu0()->vmcb01->save;

	assert_int_equal(s->rip, IRET_RIP);
	assert_true(s->rflags & RFLAGS_TF);
	s->rip = RETURN_RIP;
	s->rflags = popped_rflags;
	s->dr6 |= DR6_BS;
	assert_true(harness_exit(0, VMEXIT_EXCP_BASE + VEC_DB, 0, 0, 0));
}

/* An NMI injected and delivered: the guest runs its handler. */
static void in_handler(void)
{
	nmi_request();
	deliver(HANDLER_RIP);
}

/* A second NMI sent from the handler, then the handler's IRET exits. */
static void held_at_iret(void)
{
	in_handler();
	nmi_request();
	iret_exit();
}

/* One NMI: injected, blocked, IRET intercepted; the IRET ends it with no step. */
static void test_one_nmi(void **state)
{
	struct vcpu *v = vcpu0();

	(void)state;
	assert_false(iret_icpt());
	nmi_request();
	assert_int_equal(event(), NMI_EVENT);
	assert_true(v->nmi.blocked);
	assert_true(iret_icpt());
	deliver(HANDLER_RIP);
	iret_exit();
	assert_int_equal(v->vmcb01->save.rip, IRET_RIP);        /* not skipped: the CPU runs it */
	assert_false(iret_icpt());
	assert_false(v->vmcb01->save.rflags & RFLAGS_TF);       /* nothing held: no step */
	assert_true(v->nmi.blocked);
	v->vmcb01->save.rip = RETURN_RIP + 0x10;                /* the IRET ran; a CPUID later */
	assert_true(harness_exit(0, VMEXIT_CPUID, 0, 0, 2));
	assert_false(v->nmi.blocked);
	assert_int_equal(event(), 0);
}

/*
 * The handler sends itself a second NMI: held (not nested), the IRET stepped,
 * the trap kept from the guest, the NMI injected right after the IRET.
 */
static void test_second_nmi_waits_for_iret(void **state)
{
	struct vcpu *v = vcpu0();
	uint64_t popped = RFLAGS_FIXED | RFLAGS_IF;

	(void)state;
	in_handler();
	nmi_request();                                  /* from inside the handler */
	assert_int_equal(event(), 0);
	assert_true(v->nested.gif.nmi_held);
	assert_int_equal(v->nmi.held, 1);
	nmi_request();                                  /* a third merges: one is latched */
	assert_int_equal(event(), 0);
	iret_exit();
	assert_false(iret_icpt());
	assert_true(v->vmcb01->save.rflags & RFLAGS_TF);        /* step over the IRET */
	assert_int_equal(event(), 0);
	iret_steps(popped);
	assert_int_equal(v->vmcb01->save.rip, RETURN_RIP);
	assert_int_equal(v->vmcb01->save.rflags, popped);        /* the guest's own flags */
	assert_int_equal(v->vmcb01->save.dr6, DR6_INIT);         /* its DR6 as it was */
	assert_int_equal(event(), NMI_EVENT);                    /* not #DB: the next NMI */
	assert_true(v->nmi.blocked);
	assert_true(iret_icpt());
	assert_false(v->nested.gif.nmi_held);
	deliver(HANDLER_RIP);
	iret_exit();
	assert_false(v->vmcb01->save.rflags & RFLAGS_TF);       /* the latched one was all */
}

/* The guest single-steps its handler itself: no step of svmhv's, its #DB is its own. */
static void test_guest_tf(void **state)
{
	struct vcpu *v = vcpu0();

	(void)state;
	in_handler();
	nmi_request();
	v->vmcb01->save.rflags |= RFLAGS_TF;
	iret_exit();
	assert_false(v->nmi.stepping);
	v->vmcb01->save.rip = RETURN_RIP;
	v->vmcb01->save.rflags = RFLAGS_FIXED;
	v->vmcb01->save.dr6 |= DR6_BS;
	assert_true(harness_exit(0, VMEXIT_EXCP_BASE + VEC_DB, 0, 0, 0));
	assert_int_equal(event(), DB_EVENT);            /* the guest's trap, delivered */
	assert_true(v->vmcb01->save.dr6 & DR6_BS);
	assert_false(v->nmi.blocked);                   /* the IRET ran */
	assert_true(v->nested.gif.nmi_held);            /* next, once the #DB is in */
	deliver(0x9000);
	assert_true(harness_exit(0, VMEXIT_CPUID, 0, 0, 2));
	assert_int_equal(event(), NMI_EVENT);
}

/* A hardware breakpoint at the IRET's target hits with svmhv's step: the #DB goes on. */
static void test_step_and_breakpoint(void **state)
{
	struct vcpu *v = vcpu0();

	(void)state;
	held_at_iret();
	v->vmcb01->save.dr6 |= 1;                       /* B0 */
	iret_steps(RFLAGS_FIXED);
	assert_int_equal(event(), DB_EVENT);
	assert_int_equal(v->vmcb01->save.dr6 & (DR6_BS | 0xf), 1);   /* B0, not svmhv's BS */
}

/* The IRET exits again before it runs (an interrupt, a nested page fault): still blocked. */
static void test_exit_at_iret(void **state)
{
	struct vcpu *v = vcpu0();

	(void)state;
	held_at_iret();
	assert_true(harness_exit(0, VMEXIT_INTR, 0, 0, 0));     /* RIP still on the IRET */
	assert_true(v->nmi.blocked);
	assert_true(v->nmi.stepping);
	assert_int_equal(event(), 0);
	iret_steps(RFLAGS_FIXED);
	assert_int_equal(event(), NMI_EVENT);
}

/* INIT ends the blocking: the CPU starts afresh. */
static void test_init_resets(void **state)
{
	struct vcpu *v = vcpu0();

	(void)state;
	in_handler();
	assert_true(v->nmi.blocked);
	hv_vcpu_request(v, HV_REQ_INIT);
	(void)harness_prepare(0);                       /* the BSP: reset state */
	assert_false(v->nmi.blocked);
	assert_false(iret_icpt());
}

/* An IRET exit with nothing blocked (a stale intercept) changes nothing. */
static void test_stale_iret(void **state)
{
	struct vcpu *v = vcpu0();

	(void)state;
	vmcb_set_intercept(&v->vmcb01->control, INTERCEPT_IRET);
	iret_exit();
	assert_false(v->nmi.blocked);
	assert_false(v->nmi.iret_seen);
	assert_false(iret_icpt());
	assert_int_equal(v->vmcb01->save.rip, IRET_RIP);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(test_one_nmi, setup),
		cmocka_unit_test_setup(test_second_nmi_waits_for_iret, setup),
		cmocka_unit_test_setup(test_guest_tf, setup),
		cmocka_unit_test_setup(test_step_and_breakpoint, setup),
		cmocka_unit_test_setup(test_exit_at_iret, setup),
		cmocka_unit_test_setup(test_init_resets, setup),
		cmocka_unit_test_setup(test_stale_iret, setup),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
