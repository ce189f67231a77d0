/* Host tests of the TLB contract (svm/tlb.c): every entry point of its API. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <string.h>

#include "svm/tlb.h"

#define L1 TLB_CTX_L1
#define L2 TLB_CTX_L2

static struct tlb_pcpu pcpus[2];
static struct tlb_vcpu vc[2], *slots[2];
static struct tlb_domain dom;
static struct vmcb vmcb01[2], vmcb02[2];
static struct { int n, waits; unsigned kicked; struct tlb_vcpu *last; } kicks;
static struct { int n; uint64_t va; uint32_t asid; } inv;

static void kick_cb(void *arg, struct tlb_vcpu *t)
{
	(void)arg;
	kicks.n++;
	kicks.kicked |= 1u << t->id;
	kicks.last = t;
}

static void wait_cb(void *arg, struct tlb_vcpu *t)
{
	(void)arg;
	assert_true(kicks.kicked & (1u << t->id));     /* waited on after its kick */
	kicks.waits++;
}

static void inv_cb(void *arg, uint64_t va, uint32_t asid)
{
	(void)arg;
	inv.n++;
	inv.va = va;
	inv.asid = asid;
}

/* vCPU i is pinned to pCPU i. */
static void setup_cfg(bool fba, bool force, uint32_t n_l2)
{
	struct tlb_config c = { .flush_by_asid = fba, .force_tlb_flush = force };
	struct tlb_ops o = { .kick = kick_cb, .wait = wait_cb, .invlpga = inv_cb };

	memset(vmcb01, 0, sizeof(vmcb01));
	memset(vmcb02, 0, sizeof(vmcb02));
	memset(&kicks, 0, sizeof(kicks));
	memset(&inv, 0, sizeof(inv));
	assert_int_equal(tlb_domain_init(&dom, pcpus, 2, slots, 2, &c, &o), 0);
	for (uint32_t i = 0; i < 2; i++) {
		struct asid_vcpu a = { 1, 2, n_l2 };    /* each pCPU's own pool */

		assert_int_equal(tlb_vcpu_init(&dom, &vc[i], i, i, &a), 0);
	}
}

/* One L2 slot: the seed's single L2 ASID; lru: three slots. */
static int fba(void **s) { (void)s; setup_cfg(true, false, 1); return 0; }
static int nofba(void **s) { (void)s; setup_cfg(false, false, 1); return 0; }
static int force(void **s) { (void)s; setup_cfg(true, true, 1); return 0; }
static int lru(void **s) { (void)s; setup_cfg(true, false, 3); return 0; }

/* One VMRUN of vCPU i's current context; returns the TLB_CONTROL it carried. */
static uint8_t run(int i)
{
	struct vmcb *vm = vc[i].ctx == L2 ? &vmcb02[i] : &vmcb01[i];
	uint8_t ctl;

	tlb_before_vmrun(&vc[i], vm);
	ctl = vm->control.tlb_control;
	assert_int_equal(vm->control.asid, vc[i].asid[vc[i].ctx]);
	tlb_after_vmexit(&vc[i], vm, false);
	assert_int_equal(vm->control.tlb_control, TLB_CONTROL_DO_NOTHING);
	return ctl;
}

/* L1 of vCPU i VMRUNs vmcb12 (vasid, ctl12): L2's TLB_CONTROL. */
static uint8_t nested_entry(int i, uint32_t vasid, uint8_t ctl12)
{
	tlb_l1_vmrun(&vc[i], vasid, ctl12);
	memset(&vmcb02[i], 0xff, sizeof(vmcb02[i]));    /* vmcb02 built from scratch */
	tlb_enter_l2(&vc[i]);
	return run(i);
}

static uint8_t nested_exit(int i)
{
	tlb_leave_l2(&vc[i]);
	return run(i);
}

/* Both contexts of vCPU i have run, with vmcb12 ASID 1: steady state. */
static void warm(int i)
{
	run(i);
	nested_entry(i, 1, 0);
	nested_exit(i);
}

static void test_domain_init(void **state)
{
	struct tlb_config c = { 0 };

	(void)state;
	assert_int_equal(tlb_domain_init(&dom, pcpus, 0, slots, 2, &c, NULL), -ASID_EINVAL);
	assert_int_equal(tlb_domain_init(&dom, NULL, 2, slots, 2, &c, NULL), -ASID_EINVAL);
	assert_int_equal(tlb_domain_init(&dom, pcpus, 2, slots, 2, NULL, NULL), -ASID_EINVAL);
	pcpus[1].flush_gen = 5;
	slots[1] = &vc[0];
	assert_int_equal(tlb_domain_init(&dom, pcpus, 2, slots, 2, &c, NULL), 0);
	assert_int_equal(pcpus[1].id, 1);
	assert_int_equal(pcpus[1].flush_gen, 0);
	assert_null(slots[1]);
	assert_null(dom.ops.kick);
}

static void test_vcpu_init(void **state)
{
	struct asid_vcpu bad = { 0, 2, 1 }, same = { 1, 1, 1 }, ok = { 3, 4, 1 };
	struct asid_vcpu inside = { 3, 2, 2 }, none = { 1, 2, 0 }, many = { 1, 2, TLB_L2_SLOTS + 1 };

	(void)state;
	assert_int_equal(tlb_vcpu_init(&dom, &vc[0], 0, 0, &bad), -ASID_EINVAL);
	assert_int_equal(tlb_vcpu_init(&dom, &vc[0], 0, 0, &same), -ASID_EINVAL);       /* L1 = L2 */
	assert_int_equal(tlb_vcpu_init(&dom, &vc[0], 0, 0, &inside), -ASID_EINVAL);     /* L1 in L2's */
	assert_int_equal(tlb_vcpu_init(&dom, &vc[0], 0, 0, &none), -ASID_EINVAL);
	assert_int_equal(tlb_vcpu_init(&dom, &vc[0], 0, 0, &many), -ASID_EINVAL);
	assert_int_equal(tlb_vcpu_init(&dom, &vc[0], 2, 0, &ok), -ASID_EINVAL);
	assert_int_equal(tlb_vcpu_init(&dom, &vc[0], 0, 2, &ok), -ASID_EINVAL);
	/* vCPU 0 is on pCPU 0: a second vCPU there would share its ASIDs */
	assert_int_equal(tlb_vcpu_init(&dom, &vc[1], 1, 0, &ok), -ASID_EINVAL);
	assert_int_equal(tlb_vcpu_init(&dom, &vc[1], 1, 1, &ok), 0);
	assert_ptr_equal(slots[1], &vc[1]);
	assert_ptr_equal(vc[1].pcpu, &pcpus[1]);
	assert_int_equal(vc[1].asid[L2], 4);
	assert_int_equal(vc[1].ctx, L1);
	/* Each context's first VMRUN flushes its ASID. */
	assert_true(tlb_pending(&vc[1], L1));
	assert_true(tlb_pending(&vc[1], L2));
}

/* First run flushes (FlushByASID: 3); the next VMRUN does not. */
static void test_before_after_vmrun(void **state)
{
	uint64_t n;

	(void)state;
	vmcb01[0].control.clean = 0xffffffff;
	assert_int_equal(run(0), TLB_CONTROL_FLUSH_ASID);
	assert_int_equal(vmcb01[0].control.clean & BIT(2), 0);  /* ASID clean bit */
	assert_int_equal(run(0), TLB_CONTROL_DO_NOTHING);
	assert_true(tlb_counter_read(&vc[0], L1, TLB_REASON_NEW_PCPU, &n));
	assert_int_equal(n, 1);
	assert_int_equal(pcpus[0].flush_gen, 0);        /* no flush-all */
	/* A stale TLB_CONTROL in the VMCB never survives tlb_before_vmrun(). */
	vmcb01[0].control.tlb_control = TLB_CONTROL_FLUSH_ALL_ASID;
	assert_int_equal(run(0), TLB_CONTROL_DO_NOTHING);
}

/* Without FlushByASID: TLB_CONTROL 1, published as a flush-all of the pCPU. */
static void test_no_flush_by_asid(void **state)
{
	(void)state;
	assert_int_equal(run(0), TLB_CONTROL_FLUSH_ALL_ASID);
	assert_int_equal(pcpus[0].flush_gen, 1);
	assert_int_equal(pcpus[1].flush_gen, 0);
	assert_int_equal(run(0), TLB_CONTROL_DO_NOTHING);
}

/* A flush-all satisfies the other context's requests made before it. */
static void test_flush_all_satisfies(void **state)
{
	(void)state;
	warm(0);
	tlb_npt_changed(&dom, &vc[0]);          /* both contexts; L1 runs first */
	assert_int_equal(run(0), TLB_CONTROL_FLUSH_ALL_ASID);
	assert_int_equal(nested_entry(0, 1, 0), TLB_CONTROL_DO_NOTHING);
	assert_int_equal(vc[0].cnt.satisfied[L2], 1);
	nested_exit(0);
	assert_int_equal(nested_entry(0, 1, TLB_CONTROL_FLUSH_ASID), TLB_CONTROL_FLUSH_ALL_ASID);
}

/* svmhv's NPT change: both contexts of every vCPU, remote ones kicked and waited for. */
static void test_npt_changed(void **state)
{
	(void)state;
	warm(0);
	warm(1);
	assert_false(tlb_shadow_take(&vc[1]));
	tlb_npt_changed(&dom, &vc[0]);
	assert_int_equal(kicks.n, 1);
	assert_int_equal(kicks.waits, 1);
	assert_ptr_equal(kicks.last, &vc[1]);
	for (int i = 0; i < 2; i++) {
		assert_true(tlb_pending(&vc[i], L1) && tlb_pending(&vc[i], L2));
		assert_true(tlb_shadow_take(&vc[i]));
	}
	tlb_npt_changed(&dom, NULL);                    /* from outside any vCPU */
	assert_int_equal(kicks.n, 3);
	assert_int_equal(kicks.waits, 3);
	assert_int_equal(run(1), TLB_CONTROL_FLUSH_ASID);
	assert_int_equal(vc[1].cnt.reason[L1][TLB_REASON_NPT_CHANGE], 1);
}

/* A remote request is not satisfied by a flush-all that may have been in flight. */
static void test_remote_needs_a_later_flush(void **state)
{
	(void)state;
	warm(1);
	tlb_npt_changed(&dom, &vc[0]);
	pcpus[1].flush_gen++;                           /* a flush-all committed now */
	assert_int_equal(run(1), TLB_CONTROL_FLUSH_ALL_ASID);
}

/* Steady state: a nested round trip never flushes. */
static void test_nested_vmrun_steady(void **state)
{
	(void)state;
	warm(0);
	for (int i = 0; i < 100; i++) {
		assert_int_equal(nested_entry(0, 1, 0), TLB_CONTROL_DO_NOTHING);
		assert_int_equal(nested_exit(0), TLB_CONTROL_DO_NOTHING);
	}
	assert_false(tlb_shadow_take(&vc[0]));
}

/* vmcb12 TLB_CONTROL 1: L2 now, L1 before L1 runs again. */
static void test_nested_vmrun_flush_all(void **state)
{
	(void)state;
	warm(0);
	assert_int_equal(tlb_l1_vmrun(&vc[0], 1, TLB_CONTROL_FLUSH_ALL_ASID), TLB_SHADOW_ALL);
	tlb_enter_l2(&vc[0]);
	assert_int_equal(run(0), TLB_CONTROL_FLUSH_ASID);
	assert_int_equal(nested_exit(0), TLB_CONTROL_FLUSH_ASID);
	assert_int_equal(vc[0].cnt.reason[L1][TLB_REASON_L1_FLUSH_ALL], 1);
}

/* Without FlushByASID L2's flush-all already covers L1: one flush, not two. */
static void test_nested_vmrun_flush_all_nofba(void **state)
{
	(void)state;
	warm(0);
	assert_int_equal(nested_entry(0, 1, 1), TLB_CONTROL_FLUSH_ALL_ASID);
	assert_int_equal(nested_exit(0), TLB_CONTROL_DO_NOTHING);
	assert_int_equal(vc[0].cnt.satisfied[L1], 1);
}

/* vmcb12 TLB_CONTROL 3 or 7: L2 only, and the shadow. */
static void test_nested_vmrun_flush_asid(void **state)
{
	(void)state;
	warm(0);
	for (uint8_t ctl = 3; ctl <= 7; ctl += 4) {
		assert_int_equal(tlb_l1_vmrun(&vc[0], 1, ctl), TLB_SHADOW_ASID);
		tlb_enter_l2(&vc[0]);
		assert_int_equal(run(0), TLB_CONTROL_FLUSH_ASID);
		assert_int_equal(nested_exit(0), TLB_CONTROL_DO_NOTHING);
	}
	assert_int_equal(vc[0].cnt.reason[L2][TLB_REASON_L1_FLUSH_ASID], 2);
}

/* A different vmcb12 ASID, over the whole 32-bit range (no aliasing). */
static void test_nested_vmrun_asid_change(void **state)
{
	static const uint32_t asids[] = { 2, 0x102, 0x10002, 0x80000002u, 0xffffffffu,
					  0xffff, 0x1ffff, 0x100000001ull & 0xffffffffu };

	(void)state;
	warm(0);
	for (unsigned i = 0; i < sizeof(asids) / sizeof(asids[0]); i++) {
		nested_exit(0);
		assert_int_equal(tlb_l1_vmrun(&vc[0], asids[i], 0), 0); /* roots are per ASID */
		tlb_enter_l2(&vc[0]);
		assert_int_equal(run(0), TLB_CONTROL_FLUSH_ASID);
	}
	/* warm()'s ASID took the free slot (no ASID_CHANGE): each of the 8 evicts */
	assert_int_equal(vc[0].cnt.reason[L2][TLB_REASON_ASID_CHANGE], 8);
}

/*
 * Three L2 slots: L1 alternating between up to three vmcb12 ASIDs flushes
 * nothing once each has run (KVM with several VMs); a fourth evicts the least
 * recently run one, whose slot is flushed; INVLPGA and TLB_CONTROL 3 reach
 * the slot of the ASID they name, and only it.
 */
static void test_l2_slots_lru(void **state)
{
	uint32_t asid_of[4];

	(void)state;
	run(0);
	for (uint32_t a = 1; a <= 3; a++) {             /* each slot's first run */
		assert_int_equal(nested_entry(0, a, 0), TLB_CONTROL_FLUSH_ASID);
		asid_of[a] = vc[0].asid[L2];
		assert_int_equal(asid_of[a], 1 + a);    /* slots 2, 3, 4 */
		nested_exit(0);
	}
	assert_int_equal(vc[0].cnt.reason[L2][TLB_REASON_NEW_PCPU], 3);
	for (unsigned round = 0; round < 10; round++)
		for (uint32_t a = 1; a <= 3; a++) {
			assert_int_equal(nested_entry(0, a, 0), TLB_CONTROL_DO_NOTHING);
			assert_int_equal(vc[0].asid[L2], asid_of[a]);
			assert_int_equal(nested_exit(0), TLB_CONTROL_DO_NOTHING);
		}
	assert_int_equal(vc[0].cnt.flushes[L2], 3);
	assert_int_equal(vc[0].cnt.reason[L2][TLB_REASON_ASID_CHANGE], 0);

	/* INVLPGA (va, 2) while ASID 3 is current: ASID 2's slot, at once */
	tlb_invlpga(&vc[0], 0x5000, 2);
	assert_int_equal(inv.n, 1);
	assert_int_equal(inv.asid, asid_of[2]);
	/* TLB_CONTROL 3 for ASID 2 flushes its slot, not ASID 1's */
	assert_int_equal(nested_entry(0, 2, TLB_CONTROL_FLUSH_ASID), TLB_CONTROL_FLUSH_ASID);
	nested_exit(0);
	assert_int_equal(nested_entry(0, 1, 0), TLB_CONTROL_DO_NOTHING);
	nested_exit(0);

	/* ASID 7: the LRU slot is ASID 3's (run longest ago), flushed and taken */
	assert_int_equal(nested_entry(0, 7, 0), TLB_CONTROL_FLUSH_ASID);
	assert_int_equal(vc[0].asid[L2], asid_of[3]);
	assert_int_equal(vc[0].cnt.reason[L2][TLB_REASON_ASID_CHANGE], 1);
	nested_exit(0);
	tlb_invlpga(&vc[0], 0x5000, 3);                 /* evicted: nothing in hardware */
	assert_int_equal(inv.n, 1);
	assert_int_equal(nested_entry(0, 3, 0), TLB_CONTROL_FLUSH_ASID);       /* back: evicts 2 */
	assert_int_equal(vc[0].asid[L2], asid_of[2]);
	nested_exit(0);

	/* svmhv's NPT change and TLB_CONTROL 1 reach every slot */
	tlb_npt_changed(&dom, &vc[0]);
	for (uint32_t a = 1; a <= 3; a += 2) {
		assert_int_equal(nested_entry(0, a, 0), TLB_CONTROL_FLUSH_ASID);
		nested_exit(0);
	}
	assert_int_equal(nested_entry(0, 7, 0), TLB_CONTROL_FLUSH_ASID);
	nested_exit(0);
	assert_int_equal(nested_entry(0, 1, 1), TLB_CONTROL_FLUSH_ASID);       /* 1: all */
	nested_exit(0);
	assert_int_equal(nested_entry(0, 3, 0), TLB_CONTROL_FLUSH_ASID);
	nested_exit(0);
	assert_int_equal(nested_entry(0, 3, 0), TLB_CONTROL_DO_NOTHING);
	nested_exit(0);

	/* INIT / forced leave: every slot is flushed and forgets its ASID */
	tlb_forced_leave(&vc[0], true);
	tlb_leave_l2(&vc[0]);
	for (uint32_t a = 1; a <= 3; a++) {
		assert_int_equal(nested_entry(0, a, 0), TLB_CONTROL_FLUSH_ASID);
		nested_exit(0);
	}
	assert_int_equal(vc[0].cnt.reason[L2][TLB_REASON_ASID_CHANGE], 2);
}

/* The CPU refused vmcb02 (VMEXIT_INVALID): the flush it carried never ran. */
static void test_vmrun_failed_keeps_flush(void **state)
{
	(void)state;
	warm(0);
	tlb_l1_vmrun(&vc[0], 2, 0);                     /* ASID change: L2 flush */
	tlb_enter_l2(&vc[0]);
	tlb_before_vmrun(&vc[0], &vmcb02[0]);
	assert_int_equal(vmcb02[0].control.tlb_control, TLB_CONTROL_FLUSH_ASID);
	tlb_after_vmexit(&vc[0], &vmcb02[0], true);
	assert_int_equal(vmcb02[0].control.tlb_control, TLB_CONTROL_DO_NOTHING);
	assert_true(tlb_pending(&vc[0], L2));
	assert_int_equal(vc[0].cnt.flushes[L2], 1);     /* only warm()'s first run */
	tlb_leave_l2(&vc[0]);                            /* VMEXIT_INVALID to L1 */
	run(0);
	tlb_l1_vmrun(&vc[0], 2, 0);                     /* L1 tries again, same ASID */
	tlb_enter_l2(&vc[0]);
	assert_int_equal(run(0), TLB_CONTROL_FLUSH_ASID);
	assert_false(tlb_pending(&vc[0], L2));
}

static void test_invlpga_zero(void **state)
{
	(void)state;
	warm(0);
	tlb_invlpga(&vc[0], 0x1000, 0);
	assert_int_equal(inv.n, 1);
	assert_int_equal(inv.va, 0x1000);
	assert_int_equal(inv.asid, vc[0].asid[L1]);
	assert_int_equal(vc[0].cnt.invlpga[L1], 1);
}

static void test_invlpga_current(void **state)
{
	(void)state;
	warm(0);
	tlb_invlpga(&vc[0], 0x2000, 1);
	assert_int_equal(inv.n, 1);
	assert_int_equal(inv.asid, vc[0].asid[L2]);
	assert_false(tlb_pending(&vc[0], L2));
}

/* Another L1 ASID: nothing now; switching asid_l2 to it flushes. */
static void test_invlpga_other(void **state)
{
	(void)state;
	warm(0);
	tlb_invlpga(&vc[0], 0x2000, 5);
	tlb_invlpga(&vc[0], 0x2000, 0x101);     /* aliases ASID 1 in its low 8 bits */
	assert_int_equal(inv.n, 0);
	assert_false(tlb_pending(&vc[0], L2));
	assert_int_equal(nested_entry(0, 5, 0), TLB_CONTROL_FLUSH_ASID);
}

/* A context that never ran has nothing to invalidate. */
static void test_invlpga_never_ran(void **state)
{
	(void)state;
	run(0);
	tlb_l1_vmrun(&vc[0], 1, 0);
	tlb_invlpga(&vc[0], 0x2000, 1);
	assert_int_equal(inv.n, 0);
}

static void test_forced_leave(void **state)
{
	(void)state;
	warm(0);
	tlb_forced_leave(&vc[0], false);                /* EFER.SVME cleared */
	assert_true(tlb_pending(&vc[0], L2));
	assert_false(tlb_pending(&vc[0], L1));
	assert_true(tlb_shadow_take(&vc[0]));
	assert_int_equal(run(0), TLB_CONTROL_DO_NOTHING);
	tlb_forced_leave(&vc[0], true);                 /* INIT */
	assert_int_equal(run(0), TLB_CONTROL_FLUSH_ASID);
	/* the same vmcb12 ASID afterwards is a new one: its slot is flushed */
	assert_int_equal(nested_entry(0, 1, 0), TLB_CONTROL_FLUSH_ASID);
	assert_int_equal(vc[0].cnt.reason[L2][TLB_REASON_ASID_CHANGE], 0);      /* slots freed */
	assert_int_equal(vc[0].cnt.reason[L2][TLB_REASON_FORCED_EXIT], 1);
}

/* Requests belong to their context: a pending L1 flush is not spent on L2. */
static void test_switch_keeps_context(void **state)
{
	(void)state;
	warm(0);
	tlb_forced_leave(&vc[0], true);
	tlb_l1_vmrun(&vc[0], 1, 0);
	assert_int_equal(nested_entry(0, 1, 0), TLB_CONTROL_FLUSH_ASID);  /* L2's own */
	assert_true(tlb_pending(&vc[0], L1));
	assert_int_equal(nested_exit(0), TLB_CONTROL_FLUSH_ASID);
}

/* force_tlb_flush: both contexts on every transition: 2 per round trip. */
static void test_force_option(void **state)
{
	(void)state;
	warm(0);
	for (int i = 0; i < 10; i++) {
		assert_int_equal(nested_entry(0, 1, 0), TLB_CONTROL_FLUSH_ASID);
		assert_int_equal(nested_exit(0), TLB_CONTROL_FLUSH_ASID);
	}
	assert_int_equal(vc[0].cnt.reason[L2][TLB_REASON_FORCE_OPTION], 11);
}

static void test_shadow_take_and_evict(void **state)
{
	(void)state;
	assert_false(tlb_shadow_take(&vc[0]));           /* a new vCPU has no root */
	warm(0);
	tlb_npt_changed(&dom, &vc[0]);
	assert_true(tlb_shadow_take(&vc[0]));
	assert_false(tlb_shadow_take(&vc[0]));           /* once per event */
	nested_exit(0);
	tlb_enter_l2(&vc[0]);
	run(0);
	tlb_shadow_evicted(&vc[0]);                      /* tables reused: flush L2 */
	assert_int_equal(run(0), TLB_CONTROL_FLUSH_ASID);
	assert_int_equal(vc[0].cnt.reason[L2][TLB_REASON_SHADOW_EVICT], 1);
}

static void test_counter_read(void **state)
{
	uint64_t n = 99;

	(void)state;
	warm(0);
	assert_true(tlb_counter_read(&vc[0], L2, TLB_REASON_ALL, &n));
	assert_int_equal(n, 1);
	assert_true(tlb_counter_read(&vc[0], L2, TLB_REASON_NEW_PCPU, &n));
	assert_int_equal(n, 1);
	assert_false(tlb_counter_read(&vc[0], 2, TLB_REASON_ALL, &n));
	assert_false(tlb_counter_read(&vc[0], L1, TLB_REASON_COUNT, &n));
	assert_false(tlb_counter_read(NULL, L1, 0, &n));
}

static void test_reason_names(void **state)
{
	(void)state;
	for (uint32_t r = 0; r < TLB_REASON_COUNT; r++) {
		assert_string_not_equal(tlb_reason_name(r), "?");
		for (uint32_t q = 0; q < r; q++)
			assert_string_not_equal(tlb_reason_name(r), tlb_reason_name(q));
	}
	assert_string_equal(tlb_reason_name(TLB_REASON_COUNT), "?");
	assert_int_equal(TLB_REASON_NPT_CHANGE, 1);     /* ABI: values are stable */
	assert_int_equal(TLB_REASON_SHARED_ASID, 8);
	assert_int_equal(TLB_REASON_SHADOW_EVICT, 9);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(test_domain_init, fba),
		cmocka_unit_test_setup(test_vcpu_init, fba),
		cmocka_unit_test_setup(test_before_after_vmrun, fba),
		cmocka_unit_test_setup(test_no_flush_by_asid, nofba),
		cmocka_unit_test_setup(test_flush_all_satisfies, nofba),
		cmocka_unit_test_setup(test_npt_changed, fba),
		cmocka_unit_test_setup(test_remote_needs_a_later_flush, nofba),
		cmocka_unit_test_setup(test_nested_vmrun_steady, fba),
		cmocka_unit_test_setup(test_nested_vmrun_flush_all, fba),
		cmocka_unit_test_setup(test_nested_vmrun_flush_all_nofba, nofba),
		cmocka_unit_test_setup(test_nested_vmrun_flush_asid, fba),
		cmocka_unit_test_setup(test_nested_vmrun_asid_change, fba),
		cmocka_unit_test_setup(test_vmrun_failed_keeps_flush, fba),
		cmocka_unit_test_setup(test_l2_slots_lru, lru),
		cmocka_unit_test_setup(test_invlpga_zero, fba),
		cmocka_unit_test_setup(test_invlpga_current, fba),
		cmocka_unit_test_setup(test_invlpga_other, fba),
		cmocka_unit_test_setup(test_invlpga_never_ran, fba),
		cmocka_unit_test_setup(test_forced_leave, fba),
		cmocka_unit_test_setup(test_switch_keeps_context, fba),
		cmocka_unit_test_setup(test_force_option, force),
		cmocka_unit_test_setup(test_shadow_take_and_evict, fba),
		cmocka_unit_test_setup(test_counter_read, fba),
		cmocka_unit_test_setup(test_reason_names, fba),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
