/* Host tests of the VMCB layout (svm/vmcb.h) and segment conversion (svm/seg.c). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "svm/seg.h"
#include "svm/vmcb.h"

/* APM2 Appendix B offsets, checked at run time too so the suite names them. */
static void test_layout(void **state)
{
	(void)state;
	assert_int_equal(sizeof(struct vmcb), 4096);
	assert_int_equal(offsetof(struct vmcb, control.intercept_misc1), 0x00c);
	assert_int_equal(offsetof(struct vmcb, control.intercept_misc2), 0x010);
	assert_int_equal(offsetof(struct vmcb, control.pause_filter_count), 0x03e);
	assert_int_equal(offsetof(struct vmcb, control.tsc_offset), 0x050);
	assert_int_equal(offsetof(struct vmcb, control.int_state), 0x068);
	assert_int_equal(offsetof(struct vmcb, control.exit_info_1), 0x078);
	assert_int_equal(offsetof(struct vmcb, control.exit_info_2), 0x080);
	assert_int_equal(offsetof(struct vmcb, control.clean), 0x0c0);
	assert_int_equal(offsetof(struct vmcb, control.insn_len), 0x0d0);
	assert_int_equal(offsetof(struct vmcb, control.avic_backing_page), 0x0e0);
	assert_int_equal(offsetof(struct vmcb, save.cs), 0x410);
	assert_int_equal(offsetof(struct vmcb, save.gdtr), 0x460);
	assert_int_equal(offsetof(struct vmcb, save.idtr), 0x480);
	assert_int_equal(offsetof(struct vmcb, save.cr3), 0x550);
	assert_int_equal(offsetof(struct vmcb, save.cr0), 0x558);
	assert_int_equal(offsetof(struct vmcb, save.dr7), 0x560);
	assert_int_equal(offsetof(struct vmcb, save.dr6), 0x568);
	assert_int_equal(offsetof(struct vmcb, save.lstar), 0x608);
	assert_int_equal(offsetof(struct vmcb, save.kernel_gs_base), 0x620);
	assert_int_equal(offsetof(struct vmcb, save.sysenter_eip), 0x638);
	assert_int_equal(offsetof(struct vmcb, save.dbgctl), 0x670);
	assert_int_equal(offsetof(struct vmcb, save.last_excp_to), 0x690);
}

static void test_intercept_helpers(void **state)
{
	struct vmcb_control c = { 0 };

	(void)state;
	vmcb_set_intercept(&c, INTERCEPT_CPUID);
	vmcb_set_intercept(&c, INTERCEPT_VMRUN);
	vmcb_set_intercept(&c, INTERCEPT_SHUTDOWN);
	assert_int_equal(c.intercept_misc1, (1u << 18) | (1u << 31));
	assert_int_equal(c.intercept_misc2, 1u);
	assert_true(vmcb_is_intercept(&c, INTERCEPT_VMRUN));
	assert_false(vmcb_is_intercept(&c, INTERCEPT_VMMCALL));
	vmcb_clr_intercept(&c, INTERCEPT_CPUID);
	assert_int_equal(c.intercept_misc1, 1u << 31);
}

static void test_seg_from_desc(void **state)
{
	struct vmcb_seg s;

	(void)state;
	/* 64-bit code: L=1, P, DPL0, type 0xb, G. */
	vmcb_seg_from_desc(&s, 0x38, 0x00af9b000000ffffull);
	assert_int_equal(s.selector, 0x38);
	assert_int_equal(s.attrib, 0xa9b);
	assert_true(s.attrib & SEG_ATTR_L);
	assert_int_equal(s.limit, 0xffffffff);
	assert_int_equal(s.base, 0);
	/* Byte-granular data segment with a base spread over the descriptor. */
	vmcb_seg_from_desc(&s, 0x10, 0x12409234567801ffull);
	assert_int_equal(s.attrib, 0x492);
	assert_int_equal(s.limit, 0x001ff);
	assert_int_equal(s.base, 0x12345678);
	/* A null selector is unusable whatever the table holds. */
	vmcb_seg_from_desc(&s, 0x3, 0x00cf93000000ffffull);
	assert_int_equal(s.attrib, 0);
	assert_int_equal(s.limit, 0);
	assert_int_equal(s.selector, 3);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_layout),
		cmocka_unit_test(test_intercept_helpers),
		cmocka_unit_test(test_seg_from_desc),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
