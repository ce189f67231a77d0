/* SPDX-License-Identifier: MIT */
/*
 * Host unit tests for hv/apic/init.c: the INIT, RESET and SIPI states
 * (every field, and nothing else touched) and the INIT/SIPI state machine.
 * Expected values are APM2 Table 14-1 / SDM3 Table 9-1, written out here
 * independently of the builder's constants.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "hv/apic/init.h"

static void seg(struct vmcb_seg *s, uint16_t sel, uint16_t attrib, uint32_t limit, uint64_t base)
{
	s->selector = sel;
	s->attrib = attrib;
	s->limit = limit;
	s->base = base;
}

/* A save area as a 64-bit OS leaves it: long mode, paging, CET, MSRs set. */
static void os_state(struct vmcb_save *s)
{
	memset(s, 0xa5, sizeof(*s));
	seg(&s->cs, 0x10, 0xa9b, 0xffffffff, 0);
	s->cpl = 0;
	s->efer = 0x1d01;               /* SVME | LMA | LME | SCE | NXE */
	s->cr0 = 0x80050033;            /* PG AM WP NE ET MP PE; CD = NW = 0 */
	s->cr4 = 0x3706f0;
	s->g_pat = 0x0407050600070106ull;
	s->star = 0x0023001000000000ull;
}

/* The expected INIT state, field by field, on top of the previous state. */
static void expect_init(struct vmcb_save *e, uint64_t cr0)
{
	seg(&e->cs, 0xf000, 0x9b, 0xffff, 0xffff0000);
	seg(&e->ds, 0, 0x93, 0xffff, 0);
	seg(&e->es, 0, 0x93, 0xffff, 0);
	seg(&e->fs, 0, 0x93, 0xffff, 0);
	seg(&e->gs, 0, 0x93, 0xffff, 0);
	seg(&e->ss, 0, 0x93, 0xffff, 0);
	seg(&e->gdtr, 0, 0, 0xffff, 0);
	seg(&e->idtr, 0, 0, 0xffff, 0);
	seg(&e->ldtr, 0, 0x82, 0xffff, 0);
	seg(&e->tr, 0, 0x8b, 0xffff, 0);
	e->cpl = 0;
	e->efer = 0x1000;               /* SVME only */
	e->cr0 = cr0;
	e->cr2 = 0;
	e->cr3 = 0;
	e->cr4 = 0;
	e->dr6 = 0xffff0ff0;
	e->dr7 = 0x400;
	e->rflags = 2;
	e->rip = 0xfff0;
	e->rsp = 0;
	e->rax = 0;
	e->s_cet = 0;
	e->ssp = 0;
	e->isst_addr = 0;
}

static void test_init_state(void **state)
{
	static struct vmcb_save s, e;

	(void)state;
	os_state(&s);
	e = s;
	hv_vmcb_init_state(&s);
	expect_init(&e, 0x10);          /* CD/NW were clear: stay clear */
	assert_memory_equal(&s, &e, sizeof(s));
	/* What INIT leaves alone: MSRs (G_PAT, STAR, ...). */
	assert_int_equal(s.g_pat, 0x0407050600070106ull);
	assert_int_equal(s.star, 0x0023001000000000ull);
	assert_int_equal(s.lstar, 0xa5a5a5a5a5a5a5a5ull);
	assert_int_equal(s.vmpl, 0xa5);
}

/* CR0.CD and CR0.NW survive INIT, one at a time and together. */
static void test_init_cr0(void **state)
{
	static const uint64_t in[] = { 0xe0000011, 0xc0000011, 0xa0000011, 0x80050033, 0xffffffff };
	static const uint64_t out[] = { 0x60000010, 0x40000010, 0x20000010, 0x00000010, 0x60000010 };
	static struct vmcb_save s;

	(void)state;
	for (size_t i = 0; i < sizeof(in) / sizeof(in[0]); i++) {
		os_state(&s);
		s.cr0 = in[i];
		hv_vmcb_init_state(&s);
		assert_int_equal(s.cr0, out[i]);
	}
}

static void test_reset_state(void **state)
{
	static struct vmcb_save s, e;

	(void)state;
	os_state(&s);
	e = s;
	hv_vmcb_reset_state(&s);
	expect_init(&e, 0x60000010);
	e.g_pat = 0x0007040600070406ull;
	assert_memory_equal(&s, &e, sizeof(s));
}

static void test_sipi_state(void **state)
{
	static const struct { uint8_t v; uint16_t sel; uint64_t base; } t[] = {
		{ 0x9a, 0x9a00, 0x9a000 }, { 0x00, 0x0000, 0x00000 },
		{ 0x01, 0x0100, 0x01000 }, { 0xff, 0xff00, 0xff000 },
	};
	static struct vmcb_save s, e;

	(void)state;
	for (size_t i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		os_state(&s);
		hv_vmcb_init_state(&s);
		e = s;
		hv_vmcb_sipi_state(&s, t[i].v);
		e.cs.selector = t[i].sel;
		e.cs.base = t[i].base;
		e.rip = 0;
		assert_memory_equal(&s, &e, sizeof(s));
		assert_int_equal(s.cs.limit, 0xffff);
		assert_int_equal(s.cs.attrib, 0x9b);
	}
}

static void test_init_gprs(void **state)
{
	uint64_t g[16];

	(void)state;
	memset(g, 0xa5, sizeof(g));
	hv_init_gprs(g, 0x00a20f12);    /* e.g. family 19h model 21h stepping 2 */
	for (unsigned i = 0; i < 16; i++)
		assert_int_equal(g[i], i == 2 ? 0x00a20f12 : 0);
}

/* Linux and OVMF: INIT, SIPI, SIPI. The second SIPI is dropped. */
static void test_mp_init_sipi_sipi(void **state)
{
	enum hv_mp_state st = HV_MP_RUNNING;

	(void)state;
	assert_int_equal(hv_mp_on_init(&st, false), HV_MP_LOAD_INIT);
	assert_int_equal(st, HV_MP_WAIT_SIPI);
	assert_int_equal(hv_mp_on_sipi(&st), HV_MP_LOAD_SIPI);
	assert_int_equal(st, HV_MP_RUNNING);
	assert_int_equal(hv_mp_on_sipi(&st), HV_MP_NONE);
	assert_int_equal(st, HV_MP_RUNNING);
}

static void test_mp_edge_cases(void **state)
{
	enum hv_mp_state st = HV_MP_RUNNING;

	(void)state;
	/* SIPI to a running vCPU: ignored. */
	assert_int_equal(hv_mp_on_sipi(&st), HV_MP_NONE);
	assert_int_equal(st, HV_MP_RUNNING);
	/* INIT while waiting: still waiting, nothing to reload. */
	assert_int_equal(hv_mp_on_init(&st, false), HV_MP_LOAD_INIT);
	assert_int_equal(hv_mp_on_init(&st, false), HV_MP_NONE);
	assert_int_equal(st, HV_MP_WAIT_SIPI);
	assert_int_equal(hv_mp_on_sipi(&st), HV_MP_LOAD_SIPI);
	/* A started AP can be INITed again (kexec, CPU offline/online). */
	assert_int_equal(hv_mp_on_init(&st, false), HV_MP_LOAD_INIT);
	assert_int_equal(st, HV_MP_WAIT_SIPI);
	assert_int_equal(hv_mp_on_sipi(&st), HV_MP_LOAD_SIPI);
	assert_int_equal(st, HV_MP_RUNNING);
}

/* The BSP does not wait for SIPI: it restarts at the reset vector. */
static void test_mp_bsp(void **state)
{
	enum hv_mp_state st = HV_MP_RUNNING;

	(void)state;
	assert_int_equal(hv_mp_on_init(&st, true), HV_MP_LOAD_INIT);
	assert_int_equal(st, HV_MP_RUNNING);
	assert_int_equal(hv_mp_on_sipi(&st), HV_MP_NONE);
	assert_int_equal(st, HV_MP_RUNNING);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_init_state),
		cmocka_unit_test(test_init_cr0),
		cmocka_unit_test(test_reset_state),
		cmocka_unit_test(test_sipi_state),
		cmocka_unit_test(test_init_gprs),
		cmocka_unit_test(test_mp_init_sipi_sipi),
		cmocka_unit_test(test_mp_edge_cases),
		cmocka_unit_test(test_mp_bsp),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
