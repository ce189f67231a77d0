/* Host tests of hv/stats.c: counters as console lines. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <string.h>

#include "hv/stats.h"

static char lines[4][512];
static int nlines;

static void capture(void *arg, const char *line)
{
	(void)arg;
	if (nlines < 4)
		strcpy(lines[nlines++], line);
}

static void test_tlb_lines(void **state)
{
	struct tlb_domain dom = { .cfg = { .force_tlb_flush = false } };
	struct tlb_vcpu v = { .dom = &dom, .id = 3, .asid = { 7, 8 }, .nslots = 4, .l2_vasid = 0x1a };

	(void)state;
	v.cnt.flushes[TLB_CTX_L1] = 1;
	v.cnt.reason[TLB_CTX_L1][TLB_REASON_NEW_PCPU] = 1;
	v.cnt.flushes[TLB_CTX_L2] = 2;
	v.cnt.satisfied[TLB_CTX_L2] = 4;
	v.cnt.invlpga[TLB_CTX_L2] = 5;
	v.cnt.reason[TLB_CTX_L2][TLB_REASON_NEW_PCPU] = 1;
	v.cnt.reason[TLB_CTX_L2][TLB_REASON_ASID_CHANGE] = 1;
	nlines = 0;
	hv_stats_tlb(&v, capture, NULL);
	assert_int_equal(nlines, 3);
	assert_string_equal(lines[0], "tlb: vcpu 3 asid_l1 7 asid_l2 8 (4 slots, vmcb12 ASID 1a)");
	assert_string_equal(lines[1], "tlb: vcpu 3 L1 flushes 1 satisfied 0 invlpga 0 new_pcpu=1");
	assert_string_equal(lines[2], "tlb: vcpu 3 L2 flushes 2 satisfied 4 invlpga 5 "
			    "new_pcpu=1 asid_change=1");
	dom.cfg.force_tlb_flush = true;
	nlines = 0;
	hv_stats_tlb(&v, capture, NULL);
	assert_string_equal(lines[0], "tlb: vcpu 3 asid_l1 7 asid_l2 8 (4 slots, vmcb12 ASID 1a) "
			    "force_tlb_flush");
}

static void test_asid_plan_lines(void **state)
{
	struct asid_plan p;

	(void)state;
	nlines = 0;
	asid_plan(&p, 16, 64);                         /* QEMU's 16 ASIDs, 64 CPUs */
	hv_stats_asid_plan(&p, capture, NULL);
	asid_plan(&p, 2, 8);
	hv_stats_asid_plan(&p, capture, NULL);
	assert_string_equal(lines[0], "asid: 16 hardware ASIDs per CPU (15 usable), 64 vCPUs each "
			    "on its own CPU need 2 each: separate L1/L2 ASIDs, 8 for L1's L2s (LRU)");
	assert_non_null(strstr(lines[1], "ERROR: not enough ASIDs"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_tlb_lines),
		cmocka_unit_test(test_asid_plan_lines),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
