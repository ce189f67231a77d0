/*
 * Host tests of the emulated #VMEXIT (nested/reflect.c): the fields written
 * into vmcb12 (and only those), VMRUN failures, L1's state restore (APM2
 * 15.5.1, 15.6), and one VMRUN -> L2 -> #VMEXIT round trip through the pure
 * functions.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <string.h>

#include "nested/exit.h"
#include "nested/merge.h"

static struct vmcb vmcb01, vmcb02, vmcb12;

/* vmcb02 as the CPU left it after an L2 exit. */
static void make_exited_vmcb02(uint64_t code)
{
	struct vmcb_control *c = &vmcb02.control;
	struct vmcb_save *s = &vmcb02.save;

	memset(&vmcb02, 0x11, sizeof(vmcb02));
	c->exit_code = code;
	c->exit_info_1 = 0xa1;
	c->exit_info_2 = 0xa2;
	c->exit_int_info = SVM_EVTINJ_VALID | SVM_EVTINJ_TYPE_EXEPT | 14 | SVM_EVTINJ_VALID_ERR;
	c->next_rip = 0x4003;
	c->int_ctl = V_INTR_MASKING_MASK | 5;   /* V_IRQ taken, L2 set TPR 5 */
	c->int_state = 3;
	c->event_inj = SVM_EVTINJ_VALID | 0x20; /* stale copy: never reflected */
	s->cs.selector = 0x10;
	s->cs.attrib = 0x29b;
	s->efer = EFER_SVME | EFER_LME | EFER_LMA;
	s->cr0 = 0x80050033;
	s->cr2 = 0xc2;
	s->cr3 = 0xc3000;
	s->cr4 = 0x6a0;
	s->dr6 = 0xffff4ff0;
	s->dr7 = 0x401;
	s->rflags = 0x246;
	s->rip = 0x4000;
	s->rsp = 0x7ff0;
	s->rax = 0xa0;
	s->cpl = 3;
	s->fs.base = 0xf5;
}

static void make_cache(struct nested_vmcb12_cache *c)
{
	memset(c, 0, sizeof(*c));
	c->int_ctl = V_INTR_MASKING_MASK | V_IRQ_MASK | (0x30ull << V_INTR_VECTOR_SHIFT) | 2;
}

static void test_reflect(void **state)
{
	struct nested_vmcb12_cache c;
	struct vmcb_control *r = &vmcb12.control;
	struct vmcb_save *s = &vmcb12.save;

	(void)state;
	make_cache(&c);
	make_exited_vmcb02(VMEXIT_CPUID);
	memset(&vmcb12, 0x5a, sizeof(vmcb12));
	nested_reflect_exit(&vmcb12, &vmcb02, &c, false);
	assert_int_equal(r->exit_code, VMEXIT_CPUID);
	assert_int_equal(r->exit_info_1, 0xa1);
	assert_int_equal(r->exit_info_2, 0xa2);
	assert_int_equal(r->exit_int_info, vmcb02.control.exit_int_info);
	assert_int_equal(r->next_rip, 0x5a5a5a5a5a5a5a5aull);   /* no NRIPS: untouched */
	assert_int_equal(r->int_ctl, V_INTR_MASKING_MASK | (0x30ull << V_INTR_VECTOR_SHIFT) | 5);
	assert_int_equal(r->int_state, 3);
	assert_int_equal(r->event_inj, 0);
	assert_memory_equal(&s->cs, &vmcb02.save.cs, sizeof(s->cs));
	assert_memory_equal(&s->idtr, &vmcb02.save.idtr, sizeof(s->idtr));
	assert_int_equal(s->efer, vmcb02.save.efer);
	assert_int_equal(s->cr0, 0x80050033);
	assert_int_equal(s->cr2, 0xc2);
	assert_int_equal(s->cr3, 0xc3000);
	assert_int_equal(s->cr4, 0x6a0);
	assert_int_equal(s->dr6, 0xffff4ff0);
	assert_int_equal(s->dr7, 0x401);
	assert_int_equal(s->rflags, 0x246);
	assert_int_equal(s->rip, 0x4000);
	assert_int_equal(s->rsp, 0x7ff0);
	assert_int_equal(s->rax, 0xa0);
	assert_int_equal(s->cpl, 3);
	/* Nothing else of vmcb12 is written (it may be L1's page itself). */
	assert_int_equal(r->asid, 0x5a5a5a5a);
	assert_int_equal(r->tlb_control, 0x5a);
	assert_int_equal(r->msrpm_base_pa, 0x5a5a5a5a5a5a5a5aull);
	assert_int_equal(r->intercept_misc2, 0x5a5a5a5a);
	assert_int_equal(r->n_cr3, 0x5a5a5a5a5a5a5a5aull);
	assert_int_equal(r->tsc_offset, 0x5a5a5a5a5a5a5a5aull);
	assert_int_equal(s->fs.base, 0x5a5a5a5a5a5a5a5aull);
	assert_int_equal(s->lstar, 0x5a5a5a5a5a5a5a5aull);
	assert_int_equal(s->g_pat, 0x5a5a5a5a5a5a5a5aull);
	nested_reflect_exit(&vmcb12, &vmcb02, &c, true);
	assert_int_equal(r->next_rip, 0x4003);
}

/* A vmcb02 the CPU refused: only VMEXIT_INVALID reaches L1, no host state. */
/*
 * vmcb12's VGIF for L2 (nested/gif.h): L2's CLGI cleared vmcb02's V_GIF on
 * the CPU; the #VMEXIT to L1 shows it in vmcb12 (and STGI's 1 likewise).
 * Without V_GIF_ENABLE in vmcb02 (VGIF not offered, so not honoured)
 * vmcb12's V_GIF is L1's own value, untouched.
 */
static void test_reflect_vgif(void **state)
{
	const uint64_t en = V_GIF_ENABLE_MASK, l1 = V_INTR_MASKING_MASK | V_IGN_TPR_MASK |
						    (0x41ull << V_INTR_VECTOR_SHIFT);
	struct nested_vmcb12_cache c;

	(void)state;
	make_cache(&c);
	c.int_ctl = l1 | V_IRQ_MASK | en | V_GIF_MASK;
	make_exited_vmcb02(VMEXIT_VMMCALL);
	vmcb02.control.int_ctl = l1 | V_IRQ_MASK | en;  /* V_GIF = 0, V_IRQ still pending */
	nested_reflect_exit(&vmcb12, &vmcb02, &c, false);
	assert_int_equal(vmcb12.control.int_ctl, l1 | V_IRQ_MASK | en);
	c.int_ctl = l1 | V_IRQ_MASK | en;               /* L1 runs it again with V_GIF = 0 */
	vmcb02.control.int_ctl = l1 | en | V_GIF_MASK;  /* STGI: V_GIF = 1, V_IRQ taken */
	nested_reflect_exit(&vmcb12, &vmcb02, &c, false);
	assert_int_equal(vmcb12.control.int_ctl, l1 | en | V_GIF_MASK);
	/* Not honoured: vmcb02 without V_GIF_ENABLE, vmcb12 keeps its bits. */
	c.int_ctl = l1 | en | V_GIF_MASK;
	vmcb02.control.int_ctl = l1;
	nested_reflect_exit(&vmcb12, &vmcb02, &c, false);
	assert_int_equal(vmcb12.control.int_ctl, l1 | en | V_GIF_MASK);
	c.int_ctl = l1 | en;
	vmcb02.control.int_ctl = l1 | V_GIF_MASK;       /* stray V_GIF alone: ignored */
	nested_reflect_exit(&vmcb12, &vmcb02, &c, false);
	assert_int_equal(vmcb12.control.int_ctl, l1 | en);
}

static void test_reflect_vmrun_failure(void **state)
{
	struct nested_vmcb12_cache c;

	(void)state;
	make_cache(&c);
	make_exited_vmcb02(0x00000000ffffffffull);     /* as QEMU stores it */
	vmcb02.save.cr3 = 0x5ec2e7000;  /* QEMU: host state in the save area */
	memset(&vmcb12, 0x5a, sizeof(vmcb12));
	nested_reflect_exit(&vmcb12, &vmcb02, &c, true);
	assert_int_equal(vmcb12.control.exit_code, VMEXIT_INVALID);
	assert_int_equal(vmcb12.control.exit_info_1 | vmcb12.control.exit_info_2, 0);
	assert_int_equal(vmcb12.control.exit_int_info | vmcb12.control.event_inj, 0);
	assert_int_equal(vmcb12.save.cr3, 0x5a5a5a5a5a5a5a5aull);
	assert_int_equal(vmcb12.save.rip, 0x5a5a5a5a5a5a5a5aull);
	assert_int_equal(vmcb12.control.int_ctl, 0x5a5a5a5a5a5a5a5aull);
	memset(&vmcb12, 0x5a, sizeof(vmcb12));
	nested_vmrun_fail(&vmcb12);
	assert_int_equal(vmcb12.control.exit_code, VMEXIT_INVALID);
	assert_int_equal(vmcb12.control.exit_info_1 | vmcb12.control.exit_info_2, 0);
	assert_int_equal(vmcb12.control.event_inj, 0);
	assert_int_equal(vmcb12.save.rip, 0x5a5a5a5a5a5a5a5aull);
}

/*
 * With nested paging, L2's PAT (G_PAT) goes back to vmcb12 and is among the
 * written ranges; without, it is neither (the vmcb12 fuzz target found the
 * write outside the ranges).
 */
static void test_reflect_g_pat_ranges(void **state)
{
	struct nested_vmcb12_cache c;
	const struct nested_range *r;
	unsigned n;
	size_t off = offsetof(struct vmcb, save.g_pat);

	(void)state;
	for (int npt = 0; npt <= 1; npt++) {
		bool found = false;

		make_cache(&c);
		c.nested_ctl = npt ? SVM_NESTED_CTL_NP_ENABLE : 0;
		make_exited_vmcb02(VMEXIT_HLT);
		vmcb02.save.g_pat = 0x0007040600070406ull;
		memset(&vmcb12, 0x5a, sizeof(vmcb12));
		nested_reflect_exit(&vmcb12, &vmcb02, &c, true);
		assert_int_equal(vmcb12.save.g_pat, npt ? 0x0007040600070406ull :
							  0x5a5a5a5a5a5a5a5aull);
		r = nested_vmexit_ranges(true, npt, &n);
		for (unsigned i = 0; i < n; i++)
			found |= off >= r[i].off && off < (size_t)r[i].off + r[i].len;
		assert_int_equal(found, npt);
		assert_int_equal(r[n - 1].off, offsetof(struct vmcb, control.next_rip));
		r = nested_vmexit_ranges(false, npt, &n);
		assert_int_not_equal(r[n - 1].off, offsetof(struct vmcb, control.next_rip));
	}
}

static void make_l1(void)
{
	struct vmcb_save *s = &vmcb01.save;

	memset(&vmcb01, 0, sizeof(vmcb01));
	s->es.selector = 0x18;
	s->cs.selector = 0x10;
	s->cs.attrib = 0x29b;
	s->ss.selector = 0x18;
	s->ds.selector = 0x18;
	s->gdtr.base = 0xfffffe0000001000ull;
	s->gdtr.limit = 0x7f;
	s->idtr.base = 0xfffffe0000000000ull;
	s->idtr.limit = 0xfff;
	s->efer = EFER_SVME | EFER_LME | EFER_LMA | EFER_SCE | EFER_NXE;
	s->cr0 = 0x80050033;
	s->cr3 = 0x1234000;
	s->cr4 = 0x3506f0;
	s->rflags = 0x202;
	s->rip = 0xffffffffa0001000ull;         /* at VMRUN */
	s->rsp = 0xffffc90000003f00ull;
	s->rax = 0x77000;                       /* vmcb12_gpa */
	s->cr2 = 0x11c2;
	s->dr7 = 0x455;
	s->fs.base = 0x1f5;
	s->kernel_gs_base = 0x1;
}

static void test_l1_state_restore(void **state)
{
	static struct vmcb saved;
	struct nested_hsave h;
	struct vmcb_save *s = &vmcb01.save;

	(void)state;
	make_l1();
	saved = vmcb01;
	nested_vmrun_save_l1(&h, &vmcb01, vmcb01.save.rip + 3);
	/* While L2 runs, vmcb01 may hold anything. */
	memset(&vmcb01, 0xcc, sizeof(vmcb01));
	make_exited_vmcb02(VMEXIT_HLT);
	nested_vmexit_load_l1(&vmcb01, &h, &vmcb02, false);
	assert_memory_equal(&s->es, &saved.save.es, sizeof(s->es));
	assert_memory_equal(&s->cs, &saved.save.cs, sizeof(s->cs));
	assert_memory_equal(&s->ss, &saved.save.ss, sizeof(s->ss));
	assert_memory_equal(&s->ds, &saved.save.ds, sizeof(s->ds));
	assert_memory_equal(&s->gdtr, &saved.save.gdtr, sizeof(s->gdtr));
	assert_memory_equal(&s->idtr, &saved.save.idtr, sizeof(s->idtr));
	assert_int_equal(s->efer, saved.save.efer);
	assert_int_equal(s->cr0, saved.save.cr0);
	assert_int_equal(s->cr3, saved.save.cr3);
	assert_int_equal(s->cr4, saved.save.cr4);
	assert_int_equal(s->rflags, 0x202);
	assert_int_equal(s->rip, 0xffffffffa0001003ull);
	assert_int_equal(s->rsp, saved.save.rsp);
	assert_int_equal(s->rax, 0x77000);
	assert_int_equal(s->dr7, 0x400);
	assert_int_equal(s->cpl, 0);
	assert_int_equal(vmcb01.control.event_inj, 0);
	assert_int_equal(vmcb01.control.int_state, 0);
	/* Shared with L2: what L2 left there (APM2 15.5.1 does not switch it). */
	assert_int_equal(s->cr2, 0xc2);
	assert_int_equal(s->dr6, 0xffff4ff0);
	assert_int_equal(s->fs.base, 0xf5);
	assert_int_equal(s->lstar, vmcb02.save.lstar);
	/* CR0.PE and RFLAGS bit 1 always set after #VMEXIT. */
	h.cr0 = 0;
	h.rflags = 0;
	nested_vmexit_load_l1(&vmcb01, &h, NULL, false);
	assert_int_equal(s->cr0, CR0_PE);
	assert_int_equal(s->rflags, RFLAGS_FIXED);
	assert_int_equal(s->fs.base, 0xf5);     /* NULL vmcb02: shared state kept */
}

/* A whole nested round trip through the pure functions. */
static void test_round_trip(void **state)
{
	struct nested_vmcb12_cache c;
	struct nested_hsave h;
	struct nested_host host = { .asid_l2 = 3, .n_cr3 = 0x9000, .l1_save = &vmcb01.save };

	(void)state;
	make_l1();
	memset(&vmcb12, 0, sizeof(vmcb12));
	vmcb_set_intercept(&vmcb12.control, INTERCEPT_VMRUN);
	vmcb_set_intercept(&vmcb12.control, INTERCEPT_HLT);
	vmcb12.control.asid = 1;
	vmcb12.save.rip = 0x1000;
	vmcb12.save.rax = 42;
	vmcb12.save.cr2 = 0x22c2;
	nested_cache_from_vmcb(&c, &vmcb12);
	nested_vmrun_save_l1(&h, &vmcb01, vmcb01.save.rip + 3);
	nested_build_vmcb02(&vmcb02, &c, &host);
	assert_int_equal(vmcb02.save.fs.base, 0x1f5);   /* L1's, not vmcb12's */
	/* L2 runs: HLT after 2 instructions, having changed FS and RAX. */
	vmcb02.save.rip = 0x1004;
	vmcb02.save.rax = 43;
	vmcb02.save.fs.base = 0x2f5;
	vmcb02.control.exit_code = VMEXIT_HLT;
	assert_int_equal(nested_exit_route(VMEXIT_HLT, 0, 0, &c, NULL, NULL), NESTED_ROUTE_L1);
	nested_reflect_exit(&vmcb12, &vmcb02, &c, false);
	nested_vmexit_load_l1(&vmcb01, &h, &vmcb02, false);
	assert_int_equal(vmcb12.control.exit_code, VMEXIT_HLT);
	assert_int_equal(vmcb12.save.rip, 0x1004);
	assert_int_equal(vmcb12.save.rax, 43);
	assert_int_equal(vmcb12.save.cr2, 0x22c2);
	assert_int_equal(vmcb01.save.rip, 0xffffffffa0001003ull);
	assert_int_equal(vmcb01.save.rax, 0x77000);
	assert_int_equal(vmcb01.save.fs.base, 0x2f5);   /* L1 VMSAVEs it if it cares */
	assert_int_equal(vmcb01.save.cr2, 0x22c2);
}

#define NAMED(n, f)     ((struct CMUnitTest){ .name = (n), .test_func = (f) })

int main(void)
{
	const struct CMUnitTest tests[] = {
		NAMED("reflect: exit fields and L2 state to vmcb12", test_reflect),
		NAMED("reflect: V_GIF back to vmcb12 only with vmcb02's V_GIF_ENABLE",
		      test_reflect_vgif),
		NAMED("reflect: VMRUN failure leaks no host state", test_reflect_vmrun_failure),
		NAMED("reflect: G_PAT back to vmcb12 and in the ranges only with nested paging",
		      test_reflect_g_pat_ranges),
		NAMED("#VMEXIT restores L1 (APM2 15.6)", test_l1_state_restore),
		NAMED("VMRUN -> L2 -> reflected #VMEXIT round trip", test_round_trip),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
