/*
 * Host tests of L1's GIF (nested/gif.c), emulated and on VGIF: events held
 * while GIF = 0, delivered exactly once when it is 1 again, routed to L1 or
 * L2 while L2 runs; with VGIF, vmcb01's V_GIF and intercepts at every
 * transition. See: APM2 15.17, 15.21.1, 15.33.2.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <string.h>

#include "nested/gif.h"

static void test_transitions(void **state)
{
	struct nested_gif g;

	(void)state;
	nested_gif_init(&g);
	assert_true(g.gif);
	assert_false(g.nmi_held);
	assert_true(nested_gif_init_ready(&g));
	nested_gif_clgi(&g);
	assert_false(g.gif);
	assert_false(nested_gif_init_ready(&g));
	nested_gif_stgi(&g);
	assert_true(g.gif);
	nested_gif_clgi(&g);
	nested_gif_vmrun(&g);           /* VMRUN sets GIF ... */
	assert_true(g.gif);
	nested_gif_vmexit(&g);          /* ... #VMEXIT clears it */
	assert_false(g.gif);
	g.nmi_held = true;
	nested_gif_init(&g);            /* INIT: back to reset state */
	assert_true(g.gif);
	assert_false(g.nmi_held);
}

/* CLGI; NMI; NMI; STGI: one NMI for L1, after STGI, none before. */
static void test_nmi_held_until_stgi(void **state)
{
	struct nested_gif g;

	(void)state;
	nested_gif_init(&g);
	nested_gif_clgi(&g);
	nested_gif_nmi(&g);
	assert_int_equal(nested_gif_l1_event(&g, false), NESTED_GIF_NONE);
	nested_gif_nmi(&g);             /* NMIs do not queue */
	assert_int_equal(nested_gif_l1_event(&g, false), NESTED_GIF_NONE);
	nested_gif_stgi(&g);
	assert_int_equal(nested_gif_l1_event(&g, true), NESTED_GIF_KICK);
	assert_int_equal(nested_gif_l1_event(&g, false), NESTED_GIF_INJECT_NMI);
	assert_int_equal(nested_gif_l1_event(&g, false), NESTED_GIF_NONE);
	/* With GIF = 1 an NMI goes straight through. */
	nested_gif_nmi(&g);
	assert_int_equal(nested_gif_l1_event(&g, false), NESTED_GIF_INJECT_NMI);
	assert_int_equal(nested_gif_l1_event(&g, false), NESTED_GIF_NONE);
}

/*
 * NMI held at L1's VMRUN, L1 intercepts NMI: #VMEXIT(NMI) to L1, and the
 * NMI is still L1's to take after STGI (the CPU leaves it pending).
 */
static void test_nmi_l2_reflected(void **state)
{
	struct nested_gif g;

	(void)state;
	nested_gif_init(&g);
	nested_gif_clgi(&g);
	nested_gif_nmi(&g);
	nested_gif_vmrun(&g);
	assert_int_equal(nested_gif_l2_event(&g, true, true), NESTED_GIF_REFLECT_NMI);
	nested_gif_vmexit(&g);
	assert_int_equal(nested_gif_l1_event(&g, false), NESTED_GIF_NONE);
	nested_gif_stgi(&g);
	assert_int_equal(nested_gif_l1_event(&g, false), NESTED_GIF_INJECT_NMI);
	assert_int_equal(nested_gif_l1_event(&g, false), NESTED_GIF_NONE);
}

/* L1 does not intercept NMI: the NMI is L2's, through vmcb02's EVENTINJ. */
static void test_nmi_l2_injected(void **state)
{
	struct nested_gif g;

	(void)state;
	nested_gif_init(&g);
	nested_gif_vmrun(&g);
	assert_int_equal(nested_gif_l2_event(&g, false, false), NESTED_GIF_NONE);
	nested_gif_nmi(&g);
	assert_int_equal(nested_gif_l2_event(&g, false, true), NESTED_GIF_KICK);
	assert_true(g.nmi_held);
	assert_int_equal(nested_gif_l2_event(&g, false, false), NESTED_GIF_INJECT_NMI);
	assert_false(g.nmi_held);
	assert_int_equal(nested_gif_l2_event(&g, false, false), NESTED_GIF_NONE);
}

static void test_l1_int_ctl(void **state)
{
	struct nested_gif g;

	(void)state;
	nested_gif_init(&g);
	assert_int_equal(nested_gif_l1_int_ctl(&g, 3 | V_INTR_MASKING_MASK), 3);
	nested_gif_clgi(&g);
	assert_int_equal(nested_gif_l1_int_ctl(&g, 3), 3 | V_INTR_MASKING_MASK);
	nested_gif_stgi(&g);
	assert_int_equal(nested_gif_l1_int_ctl(&g, 3), 3);
}

static void test_vmcb02_hif(void **state)
{
	static struct vmcb v02;
	struct nested_hsave h;
	struct nested_gif g;

	(void)state;
	memset(&h, 0, sizeof(h));
	memset(&v02, 0, sizeof(v02));
	h.rflags = RFLAGS_IF | 2;
	nested_gif_init(&g);
	nested_gif_vmrun(&g);
	assert_false(nested_gif_vmcb02_hif(&g, &h, &v02));      /* no V_INTR_MASKING */
	v02.control.int_ctl = V_INTR_MASKING_MASK;
	assert_true(nested_gif_vmcb02_hif(&g, &h, &v02));
	nested_gif_l2_clgi(&g);                                 /* L2's GIF = 0: held */
	assert_false(nested_gif_vmcb02_hif(&g, &h, &v02));
	nested_gif_l2_stgi(&g);
	h.rflags = 2;                                   /* L1 ran VMRUN with IF = 0 */
	assert_false(nested_gif_vmcb02_hif(&g, &h, &v02));
}

/* L2's own CLGI: NMI (even L1's) and INIT wait, V_INTR_MASKING holds INTR. */
static void test_l2_gif(void **state)
{
	struct nested_gif g;

	(void)state;
	nested_gif_init(&g);
	nested_gif_vmrun(&g);
	nested_gif_l2_clgi(&g);
	assert_false(nested_gif_init_ready(&g));
	nested_gif_nmi(&g);
	assert_int_equal(nested_gif_l2_event(&g, true, false), NESTED_GIF_NONE);
	assert_int_equal(nested_gif_l2_event(&g, false, false), NESTED_GIF_NONE);
	assert_int_equal(nested_gif_vmcb02_int_ctl(&g, 5, 0), 5 | V_INTR_MASKING_MASK);
	nested_gif_l2_stgi(&g);
	assert_true(nested_gif_init_ready(&g));
	assert_int_equal(nested_gif_vmcb02_int_ctl(&g, 5 | V_INTR_MASKING_MASK, 0), 5);
	assert_int_equal(nested_gif_vmcb02_int_ctl(&g, 5, V_INTR_MASKING_MASK),
			 5 | V_INTR_MASKING_MASK);
	assert_int_equal(nested_gif_l2_event(&g, false, false), NESTED_GIF_INJECT_NMI);
	/* The #VMEXIT to L1 ends L2's GIF = 0; the next VMRUN sets it. */
	nested_gif_l2_clgi(&g);
	nested_gif_vmexit(&g);
	nested_gif_vmrun(&g);
	assert_true(nested_gif_init_ready(&g));
}

/*
 * L2 on vmcb12's VGIF: an STGI/CLGI of L2 that reaches svmhv changes vmcb02's
 * V_GIF, as the CPU would, and never L2's GIF: nothing is held by svmhv
 * (an NMI for L2 goes in, INIT is ready), vmcb02's int_ctl keeps L1's
 * V_INTR_MASKING. Without V_GIF_ENABLE: L2's GIF as before.
 */
static void test_l2_vgif_insn(void **state)
{
	const uint64_t base = V_GIF_ENABLE_MASK | V_IRQ_MASK | V_INTR_MASKING_MASK;
	struct nested_gif g;
	uint64_t ic;

	(void)state;
	nested_gif_init(&g);
	nested_gif_use_vgif(&g, true);
	nested_gif_vmrun(&g);
	ic = nested_gif_l2_insn(&g, base | V_GIF_MASK, false);         /* CLGI */
	assert_int_equal(ic, base);
	assert_true(g.l2_gif);
	assert_true(nested_gif_init_ready(&g));
	assert_int_equal(nested_gif_vmcb02_int_ctl(&g, ic, V_INTR_MASKING_MASK), ic);
	assert_int_equal(nested_gif_vmcb02_int_ctl(&g, ic & ~V_INTR_MASKING_MASK, 0),
			 ic & ~V_INTR_MASKING_MASK);
	nested_gif_nmi(&g);
	assert_int_equal(nested_gif_l2_event(&g, false, false), NESTED_GIF_INJECT_NMI);
	assert_int_equal(nested_gif_l2_insn(&g, ic, true), base | V_GIF_MASK);      /* STGI */
	/* Without V_GIF_ENABLE in vmcb02: L2's GIF, int_ctl unchanged. */
	assert_int_equal(nested_gif_l2_insn(&g, V_GIF_MASK, false), V_GIF_MASK);
	assert_false(g.l2_gif);
	assert_false(nested_gif_init_ready(&g));
	assert_int_equal(nested_gif_l2_insn(&g, 0, true), 0);
	assert_true(g.l2_gif);
}

/* ---- VGIF: L1's GIF in vmcb01's V_GIF (nested/gif.h) ---- */

static void vgif_init(struct nested_gif *g)
{
	nested_gif_init(g);
	nested_gif_use_vgif(g, true);
}

#define ICPT_NONE       0u
#define STGI            NESTED_GIF_ICPT_STGI
#define INTR            NESTED_GIF_ICPT_INTR

/* Emulated: STGI and CLGI always, INTR never, no V_GIF_ENABLE. */
static void test_emulated_intercepts(void **state)
{
	struct nested_gif g;

	(void)state;
	nested_gif_init(&g);
	assert_false(g.vgif);
	assert_int_equal(nested_gif_l1_intercepts(&g, false),
			 NESTED_GIF_ICPT_STGI | NESTED_GIF_ICPT_CLGI);
	nested_gif_clgi(&g);
	assert_int_equal(nested_gif_l1_intercepts(&g, true),
			 NESTED_GIF_ICPT_STGI | NESTED_GIF_ICPT_CLGI);
	assert_int_equal(nested_gif_l1_int_ctl(&g, V_GIF_MASK | V_GIF_ENABLE_MASK),
			 V_INTR_MASKING_MASK);
	nested_gif_sync_l1(&g, 0);                      /* no VGIF: vmcb01's bit means nothing */
	nested_gif_stgi(&g);
	nested_gif_sync_l1(&g, 0);
	assert_true(g.gif);
}

/* At rest: V_GIF_ENABLE and V_GIF = 1, nothing intercepted. */
static void test_vgif_rest(void **state)
{
	struct nested_gif g;

	(void)state;
	vgif_init(&g);
	assert_int_equal(nested_gif_l1_intercepts(&g, false), ICPT_NONE);
	assert_int_equal(nested_gif_l1_int_ctl(&g, 3 | V_INTR_MASKING_MASK),
			 3 | V_GIF_ENABLE_MASK | V_GIF_MASK);
	nested_gif_init(&g);                            /* INIT alone: emulated again ... */
	assert_false(g.vgif);
	vgif_init(&g);                                  /* ... nested_init() restores the mode */
	assert_true(g.vgif);
}

/* L1's CLGI / STGI ran on the CPU: read back from V_GIF at the next exit. */
static void test_vgif_sync(void **state)
{
	struct nested_gif g;

	(void)state;
	vgif_init(&g);
	nested_gif_sync_l1(&g, V_GIF_ENABLE_MASK);
	assert_false(g.gif);
	assert_false(nested_gif_init_ready(&g));
	assert_true(g.intr_armed);                      /* a V_GIF = 0 window seen */
	assert_int_equal(nested_gif_l1_int_ctl(&g, 0), V_GIF_ENABLE_MASK);
	assert_int_equal(nested_gif_l1_intercepts(&g, false), INTR);
	nested_gif_sync_l1(&g, V_GIF_ENABLE_MASK | V_GIF_MASK);
	assert_true(g.gif);
	assert_true(nested_gif_init_ready(&g));
	assert_int_equal(nested_gif_l1_intercepts(&g, false), INTR);    /* still armed */
}

/* NMI arrives while V_GIF = 0: STGI intercepted, the NMI delivered after STGI. */
static void test_vgif_nmi_until_stgi(void **state)
{
	struct nested_gif g;

	(void)state;
	vgif_init(&g);
	nested_gif_sync_l1(&g, V_GIF_ENABLE_MASK);      /* L1's CLGI */
	nested_gif_nmi(&g);
	assert_int_equal(nested_gif_l1_event(&g, false), NESTED_GIF_NONE);
	assert_int_equal(nested_gif_l1_intercepts(&g, false), STGI | INTR);
	nested_gif_stgi(&g);                            /* the intercepted STGI */
	assert_int_equal(nested_gif_l1_int_ctl(&g, 0), V_GIF_ENABLE_MASK | V_GIF_MASK);
	assert_int_equal(nested_gif_l1_event(&g, false), NESTED_GIF_INJECT_NMI);
	assert_false(nested_gif_l1_intercepts(&g, false) & STGI);
}

/* INIT held while V_GIF = 0: STGI intercepted while the caller's INIT waits. */
static void test_vgif_init_held(void **state)
{
	struct nested_gif g;

	(void)state;
	vgif_init(&g);
	nested_gif_sync_l1(&g, V_GIF_ENABLE_MASK);
	assert_false(nested_gif_init_ready(&g));
	assert_int_equal(nested_gif_l1_intercepts(&g, true), STGI | INTR);
	assert_int_equal(nested_gif_l1_intercepts(&g, false), INTR);
	nested_gif_stgi(&g);
	assert_true(nested_gif_init_ready(&g));
	assert_false(nested_gif_l1_intercepts(&g, true) & STGI);
}

/* #VMEXIT to L1 clears V_GIF and arms INTR; L1's VMRUN with V_GIF = 0 sets GIF. */
static void test_vgif_vmrun_vmexit(void **state)
{
	struct nested_gif g;

	(void)state;
	vgif_init(&g);
	nested_gif_sync_l1(&g, V_GIF_ENABLE_MASK);      /* CLGI before VMRUN, as KVM */
	nested_gif_vmrun(&g);
	assert_true(g.gif);
	assert_true(nested_gif_init_ready(&g));
	nested_gif_vmexit(&g);
	assert_false(g.gif);
	assert_true(g.intr_armed);
	assert_int_equal(nested_gif_l1_int_ctl(&g, V_GIF_MASK), V_GIF_ENABLE_MASK);
	assert_int_equal(nested_gif_l1_intercepts(&g, false), INTR);
	nested_gif_sync_l1(&g, V_GIF_ENABLE_MASK | V_GIF_MASK);        /* L1's STGI */
	assert_int_equal(nested_gif_l1_int_ctl(&g, 0), V_GIF_ENABLE_MASK | V_GIF_MASK);
}

/* INTR exit with V_GIF = 0: held (V_INTR_MASKING) until STGI, then released. */
static void test_vgif_intr_held(void **state)
{
	struct nested_gif g;

	(void)state;
	vgif_init(&g);
	nested_gif_vmrun(&g);
	nested_gif_vmexit(&g);
	nested_gif_intr(&g);
	assert_true(g.intr_held);
	assert_int_equal(nested_gif_l1_int_ctl(&g, 0), V_GIF_ENABLE_MASK | V_INTR_MASKING_MASK);
	assert_int_equal(nested_gif_l1_intercepts(&g, false), STGI | INTR);
	nested_gif_stgi(&g);
	assert_false(g.intr_held);
	assert_int_equal(nested_gif_l1_int_ctl(&g, 0), V_GIF_ENABLE_MASK | V_GIF_MASK);
	assert_int_equal(nested_gif_l1_intercepts(&g, false), ICPT_NONE);
	/* Held at L1's VMRUN instead: vmcb02's rules gate it from then on. */
	nested_gif_vmexit(&g);
	nested_gif_intr(&g);
	nested_gif_vmrun(&g);
	assert_false(g.intr_held);
	nested_gif_vmexit(&g);
	assert_int_equal(nested_gif_l1_int_ctl(&g, 0), V_GIF_ENABLE_MASK);
}

/* INTR exit with V_GIF = 1: L1 takes it, the intercept goes until the next window. */
static void test_vgif_intr_passed(void **state)
{
	struct nested_gif g;

	(void)state;
	vgif_init(&g);
	nested_gif_vmexit(&g);
	nested_gif_sync_l1(&g, V_GIF_ENABLE_MASK | V_GIF_MASK);
	nested_gif_intr(&g);
	assert_false(g.intr_held);
	assert_false(g.intr_armed);
	assert_int_equal(nested_gif_l1_intercepts(&g, false), ICPT_NONE);
	assert_int_equal(nested_gif_l1_int_ctl(&g, 0), V_GIF_ENABLE_MASK | V_GIF_MASK);
	nested_gif_sync_l1(&g, V_GIF_ENABLE_MASK);      /* an exit inside L1's CLGI window */
	assert_int_equal(nested_gif_l1_intercepts(&g, false), INTR);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_transitions),
		cmocka_unit_test(test_nmi_held_until_stgi),
		cmocka_unit_test(test_nmi_l2_reflected),
		cmocka_unit_test(test_nmi_l2_injected),
		cmocka_unit_test(test_l1_int_ctl),
		cmocka_unit_test(test_vmcb02_hif),
		cmocka_unit_test(test_l2_gif),
		cmocka_unit_test(test_l2_vgif_insn),
		cmocka_unit_test(test_emulated_intercepts),
		cmocka_unit_test(test_vgif_rest),
		cmocka_unit_test(test_vgif_sync),
		cmocka_unit_test(test_vgif_nmi_until_stgi),
		cmocka_unit_test(test_vgif_init_held),
		cmocka_unit_test(test_vgif_vmrun_vmexit),
		cmocka_unit_test(test_vgif_intr_held),
		cmocka_unit_test(test_vgif_intr_passed),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
