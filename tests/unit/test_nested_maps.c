/*
 * vmcb02's permission maps through the real VMRUN and exit path on the host
 * harness (nested/nested.c merge_maps()): a map L1 uses makes vmcb02's map
 * all ones (every port / MSR exits; L1's bits are read at the exit), kept
 * from one VMRUN to the next instead of refilled; a VMRUN whose vmcb12 does
 * not use the map gets svmhv's own bits, and the next one that does gets all
 * ones again; an io hole a string IN/OUT opened is closed by the next exit,
 * and by the next VMRUN if an exit never closed it (vmcb02 refused).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <string.h>

#include "svm/msrpm.h"
#include "svm/svm.h"
#include "tests/harness/harness.h"

#define CPU_EDX         (SVM_FEATURE_NPT | SVM_FEATURE_VGIF | SVM_FEATURE_NRIPS)
#define PORT            0x1234u         /* a port svmhv does not intercept */
#define IOIO_STR_OUT8   (((uint64_t)PORT << 16) | BIT(2) | 0x10)        /* OUTSB */

static struct vmcb *vmcb12;
static uint8_t *l1_iopm, *l1_msrpm;

static struct vcpu *v0(void)
{
	return hv.vcpus[0];
}

static int setup(void **s)
{
	struct harness_config c = { .ncpu = 1, .nested = true, .vgif = true };
	struct vcpu *v;

	(void)s;
	c.cpu = fake_cpu_tcg();
	c.cpu.svm_edx = CPU_EDX;
	assert_int_equal(harness_init(&c), 0);
	assert_true(harness_prepare(0));
	v = v0();
	assert_true(harness_msr_exit(0, MSR_EFER, true, v->vmcb01->save.efer | EFER_SVME));
	assert_true(harness_msr_exit(0, MSR_VM_HSAVE_PA, true, harness_pa(harness_page())));
	vmcb12 = harness_page();
	/* L1's maps: zero (nothing intercepted), 3 and 2 pages of its RAM. */
	l1_iopm = harness_page();
	for (int i = 0; i < 2; i++)
		(void)harness_page();
	l1_msrpm = harness_page();
	(void)harness_page();
	return 0;
}

/* L1's VMRUN; maps: vmcb12 uses its IOPM and MSRPM (IOIO_PROT, MSR_PROT). */
static void vmrun(bool maps)
{
	struct vcpu *v = v0();

	harness_vmcb12(vmcb12, 1);
	vmcb12->control.intercept_misc2 |= BIT(INTERCEPT_VMMCALL - 32);
	if (maps) {
		vmcb12->control.intercept_misc1 |= BIT(INTERCEPT_IOIO_PROT) |
						   BIT(INTERCEPT_MSR_PROT);
		vmcb12->control.iopm_base_pa = harness_pa(l1_iopm);
		vmcb12->control.msrpm_base_pa = harness_pa(l1_msrpm);
	}
	v->vmcb01->save.rax = harness_pa(vmcb12);
	assert_true(harness_exit(0, VMEXIT_VMRUN, 0, 0, 3));
	assert_true(v->nested.in_l2);
	assert_int_equal(v->vmcb->control.iopm_base_pa, v->nested.iopm_pa);
	assert_int_equal(v->vmcb->control.msrpm_base_pa, v->nested.msrpm_pa);
}

/* L2's VMMCALL: L1's #VMEXIT. */
static void l2_exit(void)
{
	assert_true(harness_exit(0, VMEXIT_VMMCALL, 0, 0, 3));
	assert_false(v0()->nested.in_l2);
}

static bool all_ones(const uint8_t *p, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (p[i] != 0xff)
			return false;
	return true;
}

static bool maps_all_ones(void)
{
	return all_ones(v0()->nested.iopm, SVM_IOPM_SIZE) &&
	       all_ones(v0()->nested.msrpm, SVM_MSRPM_SIZE);
}

/* The byte of a port in an IOPM. */
static uint8_t port_byte(const uint8_t *iopm, unsigned port)
{
	return iopm[port / 8];
}

/* L2's OUTSB to PORT, which L1's map lets through: a hole for it in vmcb02's IOPM. */
static void string_out(void)
{
	struct vcpu *v = v0();

	assert_true(harness_exit(0, VMEXIT_IOIO, IOIO_STR_OUT8, 0, 1));
	assert_true(v->nested.in_l2);
	assert_int_equal(v->nested.io_hole_size, 1);
	assert_false(port_byte(v->nested.iopm, PORT) & BIT(PORT % 8));
}

static void test_all_ones_across_vmruns(void **state)
{
	(void)state;
	for (int k = 0; k < 3; k++) {
		vmrun(true);
		assert_true(maps_all_ones());
		l2_exit();
	}
}

/* Without L1's map: svmhv's bits (PORT passes); with it again: all ones. */
static void test_mode_switch(void **state)
{
	const uint8_t *hv_iopm = (const uint8_t *)(uintptr_t)hv.iopm_pa;

	(void)state;
	vmrun(true);
	assert_true(maps_all_ones());
	l2_exit();
	vmrun(false);
	assert_false(port_byte(v0()->nested.iopm, PORT) & BIT(PORT % 8));
	assert_memory_equal(v0()->nested.iopm, hv_iopm, SVM_IOPM_SIZE);
	assert_false(all_ones(v0()->nested.msrpm, SVM_MSRPM_SIZE));
	l2_exit();
	vmrun(true);
	assert_true(maps_all_ones());
	l2_exit();
}

/* The hole closes at L2's next exit; the next VMRUN finds all ones. */
static void test_hole_closed_by_exit(void **state)
{
	(void)state;
	vmrun(true);
	string_out();
	l2_exit();
	assert_int_equal(v0()->nested.io_hole_size, 0);
	assert_true(maps_all_ones());
	vmrun(true);
	assert_true(maps_all_ones());
}

/*
 * vmcb02 refused after the hole opened (VMEXIT_INVALID from vmcb02: no
 * exit closed it): L1's next VMRUN closes it before L2 runs again.
 */
static void test_hole_closed_by_vmrun(void **state)
{
	struct vcpu *v = v0();

	(void)state;
	vmrun(true);
	string_out();
	assert_true(harness_exit(0, VMEXIT_INVALID, 0, 0, 0));
	assert_false(v->nested.in_l2);
	assert_int_equal(vmcb12->control.exit_code, VMEXIT_INVALID);
	vmrun(true);
	assert_int_equal(v->nested.io_hole_size, 0);
	assert_true(maps_all_ones());
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(test_all_ones_across_vmruns, setup),
		cmocka_unit_test_setup(test_mode_switch, setup),
		cmocka_unit_test_setup(test_hole_closed_by_exit, setup),
		cmocka_unit_test_setup(test_hole_closed_by_vmrun, setup),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
