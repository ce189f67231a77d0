/*
 * Host tests of the vmcb02 merge (nested/merge.c): svmhv's intercepts, ASID
 * and nested page tables survive whatever vmcb12 says (10k fuzzed vmcb12s,
 * checked or not), TSC composition, int_ctl filtering, MSRPM/IOPM merge.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <string.h>

#include "nested/merge.h"
#include "svm/msrpm.h"

#define ASID_L2         7u
#define NCR3            0x0000000012345000ull
#define MSRPM_PA        0x0000000001000000ull
#define IOPM_PA         0x0000000001004000ull
#define L1_TSC          0xfffffff000000000ull
#define FUZZ_ITERS      10000

static struct vmcb vmcb01, vmcb12, vmcb02, vmcb02b;
static uint8_t map_a[SVM_IOPM_SIZE], map_b[SVM_IOPM_SIZE], map_out[SVM_IOPM_SIZE];

static uint64_t rng = 0x9e3779b97f4a7c15ull;

/* xorshift64*: seeded, so a failure reproduces. */
static uint64_t rnd(void)
{
	rng ^= rng >> 12;
	rng ^= rng << 25;
	rng ^= rng >> 27;
	return rng * 0x2545f4914f6cdd1dull;
}

static void fill_random(void *p, size_t n)
{
	uint8_t *b = p;

	for (size_t i = 0; i < n; i++)
		b[i] = (uint8_t)rnd();
}

/* svmhv's vmcb01 as hv/main.c sets it up, plus recognizable L1 state. */
static void make_host(struct nested_host *h)
{
	static const unsigned icpt[] = {
		INTERCEPT_NMI, INTERCEPT_INIT, INTERCEPT_CPUID, INTERCEPT_MSR_PROT,
		INTERCEPT_SHUTDOWN, INTERCEPT_INVLPGA, INTERCEPT_VMRUN, INTERCEPT_VMMCALL,
		INTERCEPT_VMLOAD, INTERCEPT_VMSAVE, INTERCEPT_STGI, INTERCEPT_CLGI,
		INTERCEPT_SKINIT,
	};

	memset(&vmcb01, 0, sizeof(vmcb01));
	for (size_t i = 0; i < sizeof(icpt) / sizeof(icpt[0]); i++)
		vmcb_set_intercept(&vmcb01.control, icpt[i]);
	vmcb01.control.intercept_exceptions = BIT(1) | BIT(17);
	vmcb01.save.fs.base = 0x1111;
	vmcb01.save.gs.base = 0x2222;
	vmcb01.save.tr.selector = 0x40;
	vmcb01.save.ldtr.selector = 0x50;
	vmcb01.save.kernel_gs_base = 0x3333;
	vmcb01.save.star = 0x4444;
	vmcb01.save.lstar = 0x5555;
	vmcb01.save.sysenter_eip = 0x6666;
	vmcb01.save.g_pat = 0x0007040600070406ull;
	vmcb01.save.spec_ctrl = 1;
	*h = (struct nested_host){
		.n_cr3 = NCR3, .msrpm_pa = MSRPM_PA, .iopm_pa = IOPM_PA,
		.l1_tsc_offset = L1_TSC, .asid_l2 = ASID_L2, .l1_save = &vmcb01.save,
	};
	nested_intercepts_from_vmcb(&h->intercepts, &vmcb01.control);
}

static void assert_intercepts(const struct vmcb_control *v, const struct nested_host *h,
			      const struct nested_vmcb12_cache *c)
{
	const struct nested_intercepts *s = &h->intercepts, *l = &c->icpt;
	/* With l2_vgif svmhv needs no STGI/CLGI exit: only L1's. */
	uint32_t gif = h->l2_vgif ? NESTED_L0_GIF_MISC2 : 0;
	uint32_t l0_misc2 = NESTED_L0_MISC2 & ~gif;

	/* svmhv's survive ... */
	assert_int_equal(v->intercept_cr & s->cr, s->cr);
	assert_int_equal(v->intercept_dr & s->dr, s->dr);
	assert_int_equal(v->intercept_exceptions & s->exceptions, s->exceptions);
	assert_int_equal(v->intercept_misc1 & s->misc1, s->misc1);
	assert_int_equal(v->intercept_misc2 & s->misc2 & ~gif, s->misc2 & ~gif);
	assert_int_equal(v->intercept_misc3 & s->misc3, s->misc3);
	assert_int_equal(v->intercept_misc1 & NESTED_L0_MISC1, NESTED_L0_MISC1);
	assert_int_equal(v->intercept_misc2 & l0_misc2, l0_misc2);
	assert_int_equal(v->intercept_exceptions & NESTED_L0_EXCEPTIONS, NESTED_L0_EXCEPTIONS);
	/* ... and the result is exactly svmhv's ∪ L1's: L1 gets what it asked. */
	assert_int_equal(v->intercept_cr, s->cr | l->cr);
	assert_int_equal(v->intercept_dr, s->dr | l->dr);
	assert_int_equal(v->intercept_exceptions, s->exceptions | l->exceptions |
			 NESTED_L0_EXCEPTIONS);
	assert_int_equal(v->intercept_misc1, s->misc1 | l->misc1 | NESTED_L0_MISC1);
	assert_int_equal(v->intercept_misc2, ((s->misc2 | l0_misc2) & ~gif) | l->misc2);
	assert_int_equal(v->intercept_misc2 & gif, l->misc2 & gif);
	assert_int_equal(v->intercept_misc3, s->misc3 | l->misc3);
}

static void assert_control(const struct vmcb_control *v, const struct nested_host *h,
			   const struct nested_vmcb12_cache *c)
{
	assert_intercepts(v, h, c);
	assert_int_equal(v->asid, ASID_L2);
	assert_int_equal(v->nested_ctl, SVM_NESTED_CTL_NP_ENABLE);
	assert_int_equal(v->n_cr3, NCR3);
	assert_int_equal(v->msrpm_base_pa, MSRPM_PA);
	assert_int_equal(v->iopm_base_pa, IOPM_PA);
	assert_int_equal(v->tlb_control, 0);
	assert_int_equal(v->clean, 0);
	assert_int_equal(v->tsc_offset, (uint64_t)(L1_TSC + c->tsc_offset));
	if (h->l2_vgif) {               /* vmcb12's V_GIF_ENABLE and V_GIF pass */
		assert_int_equal(v->int_ctl, c->int_ctl & (NESTED_INT_CTL_L1_BITS |
							   NESTED_INT_CTL_VGIF_BITS));
	} else {
		assert_int_equal(v->int_ctl & ~NESTED_INT_CTL_L1_BITS, 0);
		assert_int_equal(v->int_ctl, c->int_ctl & NESTED_INT_CTL_L1_BITS);
		assert_false(v->int_ctl & (V_GIF_MASK | V_GIF_ENABLE_MASK));
	}
	assert_false(v->int_ctl & AVIC_ENABLE_MASK);
	assert_int_equal(v->int_state, c->int_state & SVM_INTERRUPT_SHADOW_MASK);
	assert_int_equal(v->event_inj, c->event_inj);
	assert_false(v->virt_ext & VIRT_EXT_V_VMLOAD_VMSAVE);
	assert_int_equal(v->next_rip, h->l1_nrips ? c->next_rip : c->rip);
	assert_int_equal(v->avic_apic_bar | v->avic_backing_page | v->avic_logical_id |
			 v->avic_physical_id | v->ghcb_pa | v->vmsa_pa, 0);
	assert_int_equal(v->exit_code | v->exit_info_1 | v->exit_info_2 | v->exit_int_info, 0);
	if (!h->l1_pause_filter)
		assert_int_equal(v->pause_filter_count | v->pause_filter_thresh, 0);
}

static void assert_save(const struct vmcb_save *s, const struct nested_vmcb12_cache *c)
{
	/* Loaded by VMRUN from vmcb12 ... */
	assert_memory_equal(&s->cs, &c->cs, sizeof(s->cs));
	assert_memory_equal(&s->ss, &c->ss, sizeof(s->ss));
	assert_memory_equal(&s->gdtr, &c->gdtr, sizeof(s->gdtr));
	assert_memory_equal(&s->idtr, &c->idtr, sizeof(s->idtr));
	assert_int_equal(s->efer, c->efer);
	assert_int_equal(s->cr3, c->cr3);
	assert_int_equal(s->rip, c->rip);
	assert_int_equal(s->rax, c->rax);
	assert_int_equal(s->cpl, c->cpl);
	assert_int_equal(s->rflags, c->rflags | RFLAGS_FIXED);
	assert_int_equal(s->dr7, c->dr7 | DR7_FIXED);
	/* ... shared with L1, never from vmcb12 (APM2 15.5.1). */
	assert_int_equal(s->fs.base, 0x1111);
	assert_int_equal(s->gs.base, 0x2222);
	assert_int_equal(s->tr.selector, 0x40);
	assert_int_equal(s->ldtr.selector, 0x50);
	assert_int_equal(s->kernel_gs_base, 0x3333);
	assert_int_equal(s->star, 0x4444);
	assert_int_equal(s->lstar, 0x5555);
	assert_int_equal(s->sysenter_eip, 0x6666);
	assert_int_equal(s->g_pat, vmcb01.save.g_pat);
	assert_int_equal(s->spec_ctrl, 1);
	assert_int_equal(s->vmpl, 0);
}

/* Random vmcb12 bytes, sometimes all ones / zeros in the control area. */
static void fuzz_vmcb12(unsigned iter)
{
	fill_random(&vmcb12, sizeof(vmcb12));
	if (iter % 7 == 0)
		memset(&vmcb12.control, 0xff, sizeof(vmcb12.control));
	else if (iter % 11 == 0)
		memset(&vmcb12.control, 0, sizeof(vmcb12.control));
}

static void test_fuzz_invariants(void **state)
{
	struct nested_intercepts svmhv_icpt;
	struct nested_vmcb12_cache c;
	struct nested_host h;

	(void)state;
	make_host(&h);
	svmhv_icpt = h.intercepts;
	for (unsigned i = 0; i < FUZZ_ITERS; i++) {
		fuzz_vmcb12(i);
		/* svmhv's own set as in vmcb01, none, or any: NESTED_L0_* stay. */
		h.intercepts = svmhv_icpt;
		if (i % 3 == 1)
			memset(&h.intercepts, 0, sizeof(h.intercepts));
		else if (i % 3 == 2)
			fill_random(&h.intercepts, sizeof(h.intercepts));
		h.l1_nrips = i & 1;
		h.l1_pause_filter = i & 2;
		h.l2_vgif = i & 4;
		h.virt_ext = rnd();
		nested_cache_from_vmcb(&c, &vmcb12);
		fill_random(&vmcb02, sizeof(vmcb02));   /* stale vmcb02 from last time */
		nested_build_vmcb02(&vmcb02, &c, &h);
		assert_control(&vmcb02.control, &h, &c);
		assert_save(&vmcb02.save, &c);
		/* Nothing of the old vmcb02 survives: same as built on a zero page. */
		memset(&vmcb02b, 0, sizeof(vmcb02b));
		nested_build_vmcb02(&vmcb02b, &c, &h);
		assert_memory_equal(&vmcb02, &vmcb02b, sizeof(vmcb02));
	}
}

static void test_tsc_offset(void **state)
{
	static const struct { uint64_t l1, l2, want; } t[] = {
		{ 0, 0, 0 },
		{ 1000, 24, 1024 },
		{ 0xfffffffffffffff0ull, 0x20, 0x10 },                  /* wraps */
		{ (uint64_t)-5000, (uint64_t)-3000, (uint64_t)-8000 },  /* both negative */
		{ 0x8000000000000000ull, 0x8000000000000000ull, 0 },
	};
	struct nested_vmcb12_cache c;
	struct nested_host h;

	(void)state;
	make_host(&h);
	memset(&c, 0, sizeof(c));
	for (size_t i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		h.l1_tsc_offset = t[i].l1;
		c.tsc_offset = t[i].l2;
		nested_build_vmcb02(&vmcb02, &c, &h);
		assert_int_equal(vmcb02.control.tsc_offset, t[i].want);
	}
}

static void test_int_ctl_filter(void **state)
{
	struct nested_vmcb12_cache c;
	struct nested_host h;

	(void)state;
	make_host(&h);
	memset(&c, 0, sizeof(c));
	c.int_ctl = ~0ull;
	nested_build_vmcb02(&vmcb02, &c, &h);
	assert_int_equal(vmcb02.control.int_ctl, 0x000000ff011f01ffull);
	/* A typical KVM vmcb12: V_INTR_MASKING, V_IRQ with vector 0x30, V_TPR 4. */
	c.int_ctl = V_INTR_MASKING_MASK | V_IRQ_MASK | (0x30ull << V_INTR_VECTOR_SHIFT) | 4 |
		    V_GIF_ENABLE_MASK | V_GIF_MASK | AVIC_ENABLE_MASK;
	nested_build_vmcb02(&vmcb02, &c, &h);
	assert_int_equal(vmcb02.control.int_ctl, V_INTR_MASKING_MASK | V_IRQ_MASK |
			 (0x30ull << V_INTR_VECTOR_SHIFT) | 4);
	/* Interrupt shadow only; bit 1 is an output of the CPU. */
	c.int_state = 3;
	nested_build_vmcb02(&vmcb02, &c, &h);
	assert_int_equal(vmcb02.control.int_state, 1);
}

/*
 * vmcb12's VGIF honoured (l2_vgif): V_GIF_ENABLE and V_GIF reach vmcb02 with
 * the rest, svmhv's STGI/CLGI intercepts go (L1's stay); V_GIF = 0 stays 0.
 * Not honoured (VGIF not offered): both bits dropped, STGI/CLGI intercepted.
 */
static void test_int_ctl_vgif(void **state)
{
	const uint32_t gif = BIT(INTERCEPT_STGI - 32) | BIT(INTERCEPT_CLGI - 32);
	struct nested_vmcb12_cache c;
	struct nested_host h;

	(void)state;
	make_host(&h);
	memset(&c, 0, sizeof(c));
	c.int_ctl = V_INTR_MASKING_MASK | V_IRQ_MASK | V_IGN_TPR_MASK |
		    (0x41ull << V_INTR_VECTOR_SHIFT) | V_GIF_ENABLE_MASK | V_GIF_MASK;
	h.l2_vgif = true;
	nested_build_vmcb02(&vmcb02, &c, &h);
	assert_int_equal(vmcb02.control.int_ctl, c.int_ctl);
	assert_int_equal(vmcb02.control.intercept_misc2 & gif, 0);
	assert_int_equal(vmcb02.control.intercept_misc2 & BIT(INTERCEPT_VMRUN - 32),
			 BIT(INTERCEPT_VMRUN - 32));
	c.int_ctl &= ~V_GIF_MASK;                       /* L1 runs L2 with V_GIF = 0 */
	nested_icpt_set(&c.icpt, INTERCEPT_STGI);       /* and wants its STGI */
	nested_build_vmcb02(&vmcb02, &c, &h);
	assert_int_equal(vmcb02.control.int_ctl & NESTED_INT_CTL_VGIF_BITS, V_GIF_ENABLE_MASK);
	assert_int_equal(vmcb02.control.intercept_misc2 & gif, BIT(INTERCEPT_STGI - 32));
	h.l2_vgif = false;
	nested_build_vmcb02(&vmcb02, &c, &h);
	assert_int_equal(vmcb02.control.int_ctl & NESTED_INT_CTL_VGIF_BITS, 0);
	assert_int_equal(vmcb02.control.intercept_misc2 & gif, gif);
	/* The write-back mask follows vmcb02's V_GIF_ENABLE. */
	assert_int_equal(nested_int_ctl_writeback(V_GIF_ENABLE_MASK),
			 V_TPR_MASK | V_IRQ_MASK | V_GIF_MASK);
	assert_int_equal(nested_int_ctl_writeback(V_GIF_MASK), V_TPR_MASK | V_IRQ_MASK);
}

static void test_next_rip_and_pause(void **state)
{
	struct nested_vmcb12_cache c;
	struct nested_host h;

	(void)state;
	make_host(&h);
	memset(&c, 0, sizeof(c));
	c.rip = 0x1000;
	c.next_rip = 0x1002;
	c.pause_filter_count = 3000;
	c.pause_filter_thresh = 128;
	nested_build_vmcb02(&vmcb02, &c, &h);
	assert_int_equal(vmcb02.control.next_rip, 0x1000);
	assert_int_equal(vmcb02.control.pause_filter_count, 0);
	h.l1_nrips = true;
	h.l1_pause_filter = true;
	nested_build_vmcb02(&vmcb02, &c, &h);
	assert_int_equal(vmcb02.control.next_rip, 0x1002);
	assert_int_equal(vmcb02.control.pause_filter_count, 3000);
	assert_int_equal(vmcb02.control.pause_filter_thresh, 128);
}

static void test_map_merge(void **state)
{
	(void)state;
	fill_random(map_a, sizeof(map_a));
	fill_random(map_b, sizeof(map_b));
	nested_merge_msrpm(map_out, map_a, map_b);
	for (size_t i = 0; i < SVM_MSRPM_SIZE; i++)
		assert_int_equal(map_out[i], map_a[i] | map_b[i]);
	nested_merge_iopm(map_out, map_a, map_b);
	for (size_t i = 0; i < SVM_IOPM_SIZE; i++)
		assert_int_equal(map_out[i], map_a[i] | map_b[i]);
	nested_merge_iopm(map_out, NULL, map_b);
	assert_memory_equal(map_out, map_b, SVM_IOPM_SIZE);
	nested_merge_iopm(map_out, map_a, NULL);
	assert_memory_equal(map_out, map_a, SVM_IOPM_SIZE);
	memset(map_out, 0xff, sizeof(map_out));
	nested_merge_msrpm(map_out, NULL, NULL);
	for (size_t i = 0; i < SVM_MSRPM_SIZE; i++)
		assert_int_equal(map_out[i], 0);
	assert_int_equal(map_out[SVM_MSRPM_SIZE], 0xff);        /* no overrun */
}

/* The merged maps intercept what either side intercepts, MSR by MSR. */
static void test_map_merge_semantics(void **state)
{
	bool r, w;

	(void)state;
	svm_msrpm_init(map_a, false);   /* L1: only TSC reads and EFER writes */
	svm_msrpm_init(map_b, false);   /* svmhv: EFER writes, x2APIC ICR writes */
	svm_msrpm_set(map_a, 0x10, true, false);
	svm_msrpm_set(map_a, MSR_EFER, false, true);
	svm_msrpm_set(map_b, MSR_EFER, false, true);
	svm_msrpm_set(map_b, 0x830, false, true);
	nested_merge_msrpm(map_out, map_a, map_b);
	svm_msrpm_get(map_out, 0x10, &r, &w);
	assert_true(r && !w);
	svm_msrpm_get(map_out, MSR_EFER, &r, &w);
	assert_true(!r && w);
	svm_msrpm_get(map_out, 0x830, &r, &w);
	assert_true(!r && w);
	svm_msrpm_get(map_out, MSR_PAT, &r, &w);
	assert_true(!r && !w);
	svm_iopm_init(map_a, false);
	svm_iopm_set(map_a, 0x3f8, 8, true);
	nested_merge_iopm(map_out, map_a, NULL);
	assert_true(svm_iopm_intercepted(map_out, 0x3f8, 1));
	assert_true(svm_iopm_intercepted(map_out, 0x3f6, 4));
	assert_false(svm_iopm_intercepted(map_out, 0x3f4, 4));
	assert_false(svm_iopm_intercepted(map_out, 0x400, 1));
}

static void test_l1_uses_maps(void **state)
{
	struct nested_vmcb12_cache c;

	(void)state;
	memset(&c, 0, sizeof(c));
	assert_false(nested_l1_uses_msrpm(&c));
	assert_false(nested_l1_uses_iopm(&c));
	nested_icpt_set(&c.icpt, INTERCEPT_MSR_PROT);
	assert_true(nested_l1_uses_msrpm(&c));
	assert_false(nested_l1_uses_iopm(&c));
	nested_icpt_set(&c.icpt, INTERCEPT_IOIO_PROT);
	assert_true(nested_l1_uses_iopm(&c));
}

/* vmcb12's FS/GS/TR/LDTR/STAR/... and nCR3 / NP_ENABLE are never used. */
static void test_ignored_vmcb12_fields(void **state)
{
	struct nested_vmcb12_cache c;
	struct nested_host h;

	(void)state;
	make_host(&h);
	memset(&vmcb12, 0, sizeof(vmcb12));
	vmcb12.save.fs.base = 0xdead;
	vmcb12.save.tr.selector = 0x99;
	vmcb12.save.lstar = 0xbad;
	vmcb12.save.g_pat = 0x0606060606060606ull;
	vmcb12.control.n_cr3 = 0x666000;
	vmcb12.control.nested_ctl = ~0ull;
	vmcb12.control.asid = 0x1234;
	vmcb12.control.tlb_control = TLB_CONTROL_FLUSH_ALL_ASID;
	vmcb12.control.msrpm_base_pa = 0x5000;
	vmcb12.control.virt_ext = ~0ull;
	vmcb12.control.int_state = ~0ull;
	vmcb12.control.iopm_base_pa = 0x7fff;
	nested_cache_from_vmcb(&c, &vmcb12);
	assert_int_equal(c.int_state, SVM_INTERRUPT_SHADOW_MASK);
	assert_int_equal(c.msrpm_base_pa, 0x5000);
	assert_int_equal(c.iopm_base_pa, 0x7000);       /* bits 11:0 ignored */
	nested_build_vmcb02(&vmcb02, &c, &h);
	assert_save(&vmcb02.save, &c);
	assert_control(&vmcb02.control, &h, &c);
	assert_int_equal(vmcb02.control.virt_ext, 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_fuzz_invariants),
		cmocka_unit_test(test_tsc_offset),
		cmocka_unit_test(test_int_ctl_filter),
		cmocka_unit_test(test_int_ctl_vgif),
		cmocka_unit_test(test_next_rip_and_pause),
		cmocka_unit_test(test_map_merge),
		cmocka_unit_test(test_map_merge_semantics),
		cmocka_unit_test(test_l1_uses_maps),
		cmocka_unit_test(test_ignored_vmcb12_fields),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
