/*
 * Host tests of #VMEXIT routing (nested/exit.c): every intercept class (one
 * named test per exit code, from APM2 Appendix C and Table B-1, written out
 * here independently of the code), MSR and IOIO permission-map lookups,
 * exceptions svmhv raises for L2, synthesized exits. Reflection and L1's
 * state restore: test_nested_reflect.c.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <string.h>

#include "nested/exit.h"
#include "svm/msrpm.h"

enum word { W_CR, W_DR, W_EXC, W_M1, W_M2, W_M3 };

struct route_row {
	const char *name;
	uint64_t code;
	enum word word;
	unsigned bit;
	enum nested_route other;        /* the route when L1 does not intercept it */
	bool hidden;                    /* hidden from L1's CPUID: #UD in L2 even if L1 intercepts */
};

#define R(n, c, w, b)   { "route: " n, c, w, b, NESTED_ROUTE_L0, false }
/* Not intercepted by L1: #UD in L2 (VMMCALL; VMRUN, SKINIT never are). */
#define RU(n, c, w, b)  { "route: " n, c, w, b, NESTED_ROUTE_L2_UD, false }
/* Not intercepted by L1: L2 executes it (issue 17 item 5), svmhv emulates. */
#define RS(n, c, w, b)  { "route: " n, c, w, b, NESTED_ROUTE_L2_SVM, false }
/* Hidden from L1 (INVLPGB, TLBSYNC; issue 16): #UD in L2 whatever L1 intercepts. */
#define RH(n, c, w, b)  { "route: " n, c, w, b, NESTED_ROUTE_L2_UD, true }

static const struct route_row route_rows[] = {
	R("CR0 read", 0x000, W_CR, 0), R("CR3 read", 0x003, W_CR, 3),
	R("CR0 write", 0x010, W_CR, 16), R("CR4 write", 0x014, W_CR, 20),
	R("CR8 write", 0x018, W_CR, 24), R("DR0 read", 0x020, W_DR, 0),
	R("DR7 write", 0x037, W_DR, 23),
	R("#DE", 0x040, W_EXC, 0), R("#DB", 0x041, W_EXC, 1), R("#BP", 0x043, W_EXC, 3),
	R("#UD", 0x046, W_EXC, 6), R("#GP", 0x04d, W_EXC, 13), R("#PF", 0x04e, W_EXC, 14),
	R("#AC", 0x051, W_EXC, 17), R("#MC", 0x052, W_EXC, 18),
	R("INTR", 0x060, W_M1, 0), R("VINTR", 0x064, W_M1, 4),      /* SMI: svmhv's, below */
	R("CR0 selective write", 0x065, W_M1, 5), R("IDTR read", 0x066, W_M1, 6),
	R("TR write", 0x06d, W_M1, 13), R("RDTSC", 0x06e, W_M1, 14),
	R("RDPMC", 0x06f, W_M1, 15), R("PUSHF", 0x070, W_M1, 16),
	R("CPUID", 0x072, W_M1, 18), R("IRET", 0x074, W_M1, 20), R("INTn", 0x075, W_M1, 21),
	R("INVD", 0x076, W_M1, 22), R("PAUSE", 0x077, W_M1, 23), R("HLT", 0x078, W_M1, 24),
	R("INVLPG", 0x079, W_M1, 25), RS("INVLPGA", 0x07a, W_M1, 26),
	R("task switch", 0x07d, W_M1, 29), R("FERR freeze", 0x07e, W_M1, 30),
	R("SHUTDOWN", 0x07f, W_M1, 31),
	RU("VMRUN", 0x080, W_M2, 0), RU("VMMCALL", 0x081, W_M2, 1),
	RS("VMLOAD", 0x082, W_M2, 2), RS("VMSAVE", 0x083, W_M2, 3),
	RS("STGI", 0x084, W_M2, 4), RS("CLGI", 0x085, W_M2, 5), RU("SKINIT", 0x086, W_M2, 6),
	R("RDTSCP", 0x087, W_M2, 7), R("ICEBP", 0x088, W_M2, 8), R("WBINVD", 0x089, W_M2, 9),
	R("MONITOR", 0x08a, W_M2, 10), R("MWAIT", 0x08b, W_M2, 11),
	R("XSETBV", 0x08d, W_M2, 13), R("RDPRU", 0x08e, W_M2, 14),
	R("EFER write trap", 0x08f, W_M2, 15), R("CR0 write trap", 0x090, W_M2, 16),
	R("CR15 write trap", 0x09f, W_M2, 31),
	RH("INVLPGB", 0x0a0, W_M3, 0), RH("INVLPGB illegal", 0x0a1, W_M3, 1),
	R("INVPCID", 0x0a2, W_M3, 2), RH("TLBSYNC", 0x0a4, W_M3, 4),
};
#define NROUTE (sizeof(route_rows) / sizeof(route_rows[0]))

static uint32_t *word_of(struct nested_intercepts *i, enum word w)
{
	uint32_t *const words[] = { &i->cr, &i->dr, &i->exceptions, &i->misc1, &i->misc2,
				    &i->misc3 };
	return words[w];
}

/*
 * L1 intercepts exactly this exit: L1 (INVLPGB and TLBSYNC, hidden from L1:
 * still #UD in L2); everything but it: not L1.
 */
static void run_route_row(void **state)
{
	const struct route_row *r = *state;
	enum nested_route other = r->other;
	struct nested_vmcb12_cache c;

	memset(&c, 0, sizeof(c));
	assert_int_equal(nested_exit_route(r->code, 0, 0, &c, NULL, NULL), other);
	*word_of(&c.icpt, r->word) = BIT(r->bit);
	assert_true(nested_l1_intercepts(r->code, 0, 0, &c, NULL, NULL));
	assert_int_equal(nested_exit_route(r->code, 0, 0, &c, NULL, NULL),
			 r->hidden ? NESTED_ROUTE_L2_UD : NESTED_ROUTE_L1);
	memset(&c.icpt, 0xff, sizeof(c.icpt));
	*word_of(&c.icpt, r->word) &= ~BIT(r->bit);
	assert_false(nested_l1_intercepts(r->code, 0, 0, &c, NULL, NULL));
	assert_int_equal(nested_exit_route(r->code, 0, 0, &c, NULL, NULL), other);
}

/* svmhv's own, whatever L1 intercepts; a failed VMRUN is always L1's. */
static void test_route_l0_first(void **state)
{
	static const uint64_t l0[] = { VMEXIT_NMI, VMEXIT_SMI, VMEXIT_INIT, VMEXIT_NPF,
				       VMEXIT_NPF + 1, VMEXIT_NPF + 3 };
	struct nested_vmcb12_cache c;

	(void)state;
	memset(&c, 0xff, sizeof(c));
	for (size_t i = 0; i < sizeof(l0) / sizeof(l0[0]); i++)
		assert_int_equal(nested_exit_route(l0[i], 0, 0, &c, NULL, NULL), NESTED_ROUTE_L0);
	assert_false(nested_l1_intercepts(VMEXIT_NPF, 0, 0, &c, NULL, NULL));
	memset(&c, 0, sizeof(c));
	assert_int_equal(nested_exit_route(VMEXIT_INVALID, 0, 0, &c, NULL, NULL),
			 NESTED_ROUTE_L1);
	assert_int_equal(nested_exit_route(0xffffffffull, 0, 0, &c, NULL, NULL),
			 NESTED_ROUTE_L1);
	assert_true(nested_is_vmrun_failure(0xffffffffull));
	assert_false(nested_is_vmrun_failure(VMEXIT_NPF));
	/* Unknown codes beyond the intercept vectors are never L1's. */
	assert_int_equal(nested_exit_route(0x0c0, 0, 0, &c, NULL, NULL), NESTED_ROUTE_L0);
	assert_int_equal(nested_exit_route(0x500, 0, 0, &c, NULL, NULL), NESTED_ROUTE_L0);
}

static uint8_t msrpm[SVM_MSRPM_SIZE], iopm[SVM_IOPM_SIZE];

static enum nested_route msr_route(const struct nested_vmcb12_cache *c, uint32_t msr,
				   bool write, const uint8_t *map)
{
	return nested_exit_route(VMEXIT_MSR, write, msr, c, map, NULL);
}

static void test_route_msr(void **state)
{
	struct nested_vmcb12_cache c;

	(void)state;
	memset(&c, 0, sizeof(c));
	svm_msrpm_init(msrpm, false);
	svm_msrpm_set(msrpm, 0x10, true, false);                /* TSC: reads */
	svm_msrpm_set(msrpm, MSR_EFER, false, true);            /* EFER: writes */
	svm_msrpm_set(msrpm, MSR_VM_HSAVE_PA, true, true);
	/* No MSR_PROT in vmcb12: every MSR exit is svmhv's (its own MSRPM). */
	assert_int_equal(msr_route(&c, MSR_EFER, true, msrpm), NESTED_ROUTE_L0);
	assert_int_equal(msr_route(&c, 0x40000000u, false, msrpm), NESTED_ROUTE_L0);
	nested_icpt_set(&c.icpt, INTERCEPT_MSR_PROT);
	assert_int_equal(msr_route(&c, 0x10, false, msrpm), NESTED_ROUTE_L1);
	assert_int_equal(msr_route(&c, 0x10, true, msrpm), NESTED_ROUTE_L0);
	assert_int_equal(msr_route(&c, MSR_EFER, false, msrpm), NESTED_ROUTE_L0);
	assert_int_equal(msr_route(&c, MSR_EFER, true, msrpm), NESTED_ROUTE_L1);
	assert_int_equal(msr_route(&c, MSR_VM_HSAVE_PA, false, msrpm), NESTED_ROUTE_L1);
	assert_int_equal(msr_route(&c, MSR_VM_HSAVE_PA, true, msrpm), NESTED_ROUTE_L1);
	assert_int_equal(msr_route(&c, 0x830, true, msrpm), NESTED_ROUTE_L0);
	assert_int_equal(msr_route(&c, MSR_PAT, false, msrpm), NESTED_ROUTE_L0);
	/* Outside the map the CPU always exits, so L1 asked for it. */
	assert_int_equal(msr_route(&c, 0x40000000u, false, msrpm), NESTED_ROUTE_L1);
	assert_int_equal(msr_route(&c, 0xc0012000u, true, msrpm), NESTED_ROUTE_L1);
	/* No copy of L1's map: treat every bit as set. */
	assert_int_equal(msr_route(&c, MSR_PAT, false, NULL), NESTED_ROUTE_L1);
}

/* IOIO EXITINFO1: port in 31:16, SZ32/SZ16/SZ8 in 6:4, TYPE (IN) in 0. */
static uint64_t ioio(uint16_t port, unsigned size, bool in)
{
	return ((uint64_t)port << 16) | ((uint64_t)size << 4) | (in ? 1 : 0) | (1u << 7);
}

static enum nested_route io_route(const struct nested_vmcb12_cache *c, uint16_t port,
				  unsigned size, const uint8_t *map)
{
	return nested_exit_route(VMEXIT_IOIO, ioio(port, size, true), 0, c, NULL, map);
}

static void test_route_ioio(void **state)
{
	struct nested_vmcb12_cache c;

	(void)state;
	memset(&c, 0, sizeof(c));
	svm_iopm_init(iopm, false);
	svm_iopm_set(iopm, 0x3f8, 1, true);
	svm_iopm_set(iopm, 0xffff, 1, true);
	assert_int_equal(io_route(&c, 0x3f8, 1, iopm), NESTED_ROUTE_L0);
	nested_icpt_set(&c.icpt, INTERCEPT_IOIO_PROT);
	assert_int_equal(io_route(&c, 0x3f8, 1, iopm), NESTED_ROUTE_L1);
	assert_int_equal(io_route(&c, 0x3f9, 1, iopm), NESTED_ROUTE_L0);
	assert_int_equal(io_route(&c, 0x3f7, 2, iopm), NESTED_ROUTE_L1);      /* 0x3f7-8 */
	assert_int_equal(io_route(&c, 0x3f6, 2, iopm), NESTED_ROUTE_L0);
	assert_int_equal(io_route(&c, 0x3f5, 4, iopm), NESTED_ROUTE_L1);      /* 0x3f5-8 */
	assert_int_equal(io_route(&c, 0x3f4, 4, iopm), NESTED_ROUTE_L0);      /* 0x3f4-7 */
	assert_int_equal(io_route(&c, 0xfffe, 4, iopm), NESTED_ROUTE_L1);
	assert_int_equal(io_route(&c, 0xfffc, 2, iopm), NESTED_ROUTE_L0);
	/* OUT is looked up like IN. */
	assert_int_equal(nested_exit_route(VMEXIT_IOIO, ioio(0x3f8, 1, false), 0, &c, NULL,
					   iopm), NESTED_ROUTE_L1);
	/* A nonsense size field, or no copy of L1's map: L1's. */
	assert_int_equal(io_route(&c, 0x80, 3, iopm), NESTED_ROUTE_L1);
	assert_int_equal(io_route(&c, 0x80, 0, iopm), NESTED_ROUTE_L1);
	assert_int_equal(io_route(&c, 0x80, 1, NULL), NESTED_ROUTE_L1);
}

static void test_exception_to_l1(void **state)
{
	struct nested_vmcb12_cache c;

	(void)state;
	memset(&c, 0, sizeof(c));
	c.icpt.exceptions = BIT(6) | BIT(14) | BIT(31);
	assert_true(nested_exception_to_l1(&c, 6));
	assert_true(nested_exception_to_l1(&c, 14));
	assert_true(nested_exception_to_l1(&c, 31));
	assert_false(nested_exception_to_l1(&c, 13));
	assert_false(nested_exception_to_l1(&c, 32 + 6));
}

static struct vmcb vmcb02;

static void test_synth_exit(void **state)
{
	struct vmcb_control *c = &vmcb02.control;
	const uint64_t ev = SVM_EVTINJ_VALID | SVM_EVTINJ_TYPE_INTR | 0x31;

	(void)state;
	memset(&vmcb02, 0, sizeof(vmcb02));
	c->event_inj = ev;              /* L1's injection, not delivered yet */
	c->exit_int_info = 0x1234;
	nested_synth_exit(&vmcb02, VMEXIT_NMI, 0, 0);
	assert_int_equal(c->exit_code, VMEXIT_NMI);
	assert_int_equal(c->exit_int_info, ev);
	assert_int_equal(c->event_inj, 0);
	nested_synth_exception(&vmcb02, 14, true, 6, 0xdead000);
	assert_int_equal(c->exit_code, VMEXIT_EXCP_BASE + 14);
	assert_int_equal(c->exit_info_1, 6);
	assert_int_equal(c->exit_info_2, 0xdead000);
	assert_int_equal(c->exit_int_info, 0);  /* nothing pending any more */
	nested_synth_exception(&vmcb02, 6, false, 77, 0xdead000);
	assert_int_equal(c->exit_code, VMEXIT_EXCP_BASE + 6);
	assert_int_equal(c->exit_info_1 | c->exit_info_2, 0);
}

#define NAMED(n, f)     ((struct CMUnitTest){ .name = (n), .test_func = (f) })

int main(void)
{
	static struct CMUnitTest tests[NROUTE + 16];
	size_t n = 0;

	for (size_t i = 0; i < NROUTE; i++)
		tests[n++] = (struct CMUnitTest){ .name = route_rows[i].name,
						  .test_func = run_route_row,
						  .initial_state = (void *)&route_rows[i] };
	tests[n++] = NAMED("route: NMI, INIT, NPF are svmhv's; VMRUN failure L1's",
			   test_route_l0_first);
	tests[n++] = NAMED("route: MSR by L1's MSRPM", test_route_msr);
	tests[n++] = NAMED("route: IOIO by L1's IOPM", test_route_ioio);
	tests[n++] = NAMED("exception for L2 that L1 intercepts", test_exception_to_l1);
	tests[n++] = NAMED("synthesized exit keeps the pending event", test_synth_exit);
	return _cmocka_run_group_tests("nested_exit", tests, n, NULL, NULL);
}
