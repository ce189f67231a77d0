/* SPDX-License-Identifier: MIT */
/*
 * Requests between CPUs over every interleaving (bounded by preemptions).
 *
 * Two simulated pCPUs run svmhv's own code as coroutines on the host
 * harness: pCPU 0 (R) is in an exit handler of vCPU 0 and changes svmhv's
 * nested page tables: tlb_npt_changed() posts to both vCPUs, kicks vCPU 1
 * (hv_vcpu_request(), an NMI) and waits for it (hv_vcpu_wait_kicked()).
 * pCPU 1 (T) runs vCPU 1's loop: hv_run_prepare(), VMRUN, guest code, and
 * #VMEXITs whose handlers post their own requests to the same words (L1's
 * VMRUN with TLB_CONTROL = 1 requests an L1 and an L2 flush), an emulated
 * #VMEXIT back to L1, and the kick's NMI whenever it arrives.
 *
 * Every atomic operation of those protocols (svm/atomic.h) is a point where
 * the other pCPU may run. A stateless depth-first search re-runs the
 * scenario under every schedule with at most MAX_PREEMPT involuntary
 * switches (spinning and guest code yield voluntarily), as CHESS does.
 *
 * The oracle: svmhv's NPT edit makes both contexts of both vCPUs stale
 * until a VMRUN of that context flushes (TLB_CONTROL != 0; 1 flushes both).
 *   - when tlb_npt_changed() returns, vCPU 1 must not run a stale context;
 *   - no VMRUN of a stale context without a flush after it returned;
 *   - at the end, a context still stale has its flush pending;
 *   - nothing is lost (svm/tlb.c's promise, and the flush counters are
 *     ABI): every request posted to vCPU 1 was applied (counted by reason),
 *     met by a flush-all (counted as satisfied), or is still pending.
 * A request word updated with a plain load and store instead of one atomic
 * read-modify-write (mutant req_post_atomic) loses a request: killed here.
 */
#include "tests/model/model.h"

#include <stdlib.h>
#include <string.h>
#include <ucontext.h>

#include "hv/smp.h"
#include "svm/atomic.h"
#include "svm/svm.h"

#define MAX_PREEMPT     3
#define MAX_POINTS      4096            /* scheduling points in one run */
#define STACK_SIZE      (256 * 1024)
#define R_CPU           0
#define T_CPU           1

struct coro {
	ucontext_t ctx;
	void *stack;
	bool done;
};

/* One run's schedule: the choices made, and which still have an alternative. */
struct point {
	uint8_t chose;                  /* thread that ran after this point */
	uint8_t alt;                    /* 1: the other choice is untried */
	uint8_t preempts;               /* involuntary switches before this point */
};

static struct {
	ucontext_t main;
	struct coro th[2];
	int cur;
	struct point plan[MAX_POINTS];
	unsigned nplan;                 /* replay these choices, then default */
	struct point run[MAX_POINTS];
	unsigned npoints;
	unsigned preempts;
	/* the machine */
	bool stale[2][TLB_NR_CTX];      /* [vCPU][ctx] */
	bool r_done, t_in_guest, nmi[2];
	int t_ctx;
	struct vmcb *vmcb12;
	char why[200];
	bool failed;
} S;

static void fail(const char *why)
{
	if (!S.failed) {
		S.failed = true;
		snprintf(S.why, sizeof(S.why), "%s", why);
	}
}

static void switch_to(int next)
{
	int prev = S.cur;

	if (next == prev)
		return;
	S.cur = next;
	fake.cur = (unsigned)next;
	swapcontext(&S.th[prev].ctx, &S.th[next].ctx);
	fake.cur = (unsigned)S.cur;
}

/*
 * A scheduling point. Involuntary (an atomic): stay, or switch (a
 * preemption). Voluntary (spinning, guest code): switch if the other can run.
 */
static void sched(bool voluntary)
{
	int other = 1 - S.cur;
	bool can = !S.th[other].done;
	struct point *p;
	int next;

	if (voluntary || !can) {
		if (can)
			switch_to(other);
		return;
	}
	if (S.npoints >= MAX_POINTS) {
		fail("too many scheduling points");
		return;
	}
	p = &S.run[S.npoints];
	if (S.npoints < S.nplan) {              /* replay: same choice, same alternatives */
		next = S.plan[S.npoints].chose;
		p->alt = S.plan[S.npoints].alt;
	} else {
		next = S.cur;
		p->alt = S.preempts < MAX_PREEMPT;
	}
	p->chose = (uint8_t)next;
	p->preempts = (uint8_t)S.preempts;
	S.npoints++;
	if (next != S.cur) {
		S.preempts++;
		switch_to(next);
	}
}

static void atomic_point(void)
{
	sched(false);
}

static void hook_relax(void *arg)
{
	(void)arg;
	sched(true);
}

static void hook_nmi(void *arg, unsigned cpu)
{
	(void)arg;
	if (cpu < 2)
		S.nmi[cpu] = true;
}

/* ---- vCPU 1 on pCPU 1 ---- */

static void t_exit(uint64_t code);

/* VMRUN with hardware semantics for the oracle. */
static void t_vmrun(void)
{
	struct vcpu *v = hv.vcpus[T_CPU];
	uint8_t ctl = v->vmcb->control.tlb_control;

	S.t_ctx = v->vmcb == v->nested.vmcb02 ? TLB_CTX_L2 : TLB_CTX_L1;
	if (ctl == TLB_CONTROL_FLUSH_ALL_ASID)
		S.stale[T_CPU][0] = S.stale[T_CPU][1] = false;
	else if (ctl)
		S.stale[T_CPU][S.t_ctx] = false;
	if (S.r_done && S.stale[T_CPU][S.t_ctx])
		fail("vCPU 1 VMRUNs on translations older than svmhv's NPT change, no flush");
	S.t_in_guest = true;
}

/* prepare, then VMRUN; an NMI that arrived meanwhile exits at once. */
static void t_enter(void)
{
	struct vcpu *v = hv.vcpus[T_CPU];

	for (unsigned n = 0; n < 8; n++) {
		if (!hv_run_prepare(v)) {
			fail("vCPU 1 stopped (waiting for SIPI)");
			return;
		}
		t_vmrun();
		if (!S.nmi[T_CPU])
			return;
		S.nmi[T_CPU] = false;
		S.t_in_guest = false;
		v->vmcb->control.exit_code = VMEXIT_NMI;
		hv_run_exit(v);
	}
	fail("vCPU 1 never stays in guest mode");
}

static void t_exit(uint64_t code)
{
	struct vcpu *v = hv.vcpus[T_CPU];
	struct vmcb_control *c = &v->vmcb->control;

	S.t_in_guest = false;
	c->exit_code = code;
	c->exit_info_1 = 0;
	c->exit_int_info = 0;
	c->event_inj = 0;
	c->next_rip = v->vmcb->save.rip + 3;
	hv_run_exit(v);
	t_enter();
}

/* Guest code for a while: the kick's NMI exits whenever it comes. */
static void t_guest(unsigned slices)
{
	for (unsigned i = 0; i < slices; i++) {
		if (S.nmi[T_CPU]) {
			S.nmi[T_CPU] = false;
			t_exit(VMEXIT_NMI);
		}
		sched(true);
	}
}

static void t_body(void)
{
	struct vcpu *v = hv.vcpus[T_CPU];

	t_enter();
	t_guest(2);
	harness_vmcb12(S.vmcb12, 1);                    /* L1: VMRUN, flush all */
	S.vmcb12->control.tlb_control = TLB_CONTROL_FLUSH_ALL_ASID;
	S.vmcb12->control.intercept_misc2 |= BIT(INTERCEPT_VMMCALL - 32);
	v->vmcb01->save.rax = harness_pa(S.vmcb12);
	t_exit(VMEXIT_VMRUN);
	t_guest(2);
	t_exit(VMEXIT_VMMCALL);                         /* L2: reflected to L1 */
	t_guest(2);
	while (!S.r_done)                               /* until R is done */
		t_guest(1);
}

/* ---- vCPU 0's exit handler on pCPU 0: svmhv changes its NPT ---- */

static void r_body(void)
{
	struct vcpu *v0 = hv.vcpus[R_CPU];

	/* The NPT edit itself (npt_map_range) happens here; then the TLB is told. */
	memset(S.stale, 1, sizeof(S.stale));
	tlb_npt_changed(&hv.tlb, &v0->tlb);
	if (S.t_in_guest && S.stale[T_CPU][S.t_ctx])
		fail("svmhv's NPT change returned while vCPU 1 ran on old translations");
	S.r_done = true;
}

static void trampoline(int which)
{
	if (which == R_CPU)
		r_body();
	else
		t_body();
	S.th[which].done = true;
	if (!S.th[1 - which].done) {
		S.cur = 1 - which;
		fake.cur = (unsigned)S.cur;
		setcontext(&S.th[S.cur].ctx);
	}
	setcontext(&S.main);
}

static void start(int which)
{
	struct coro *c = &S.th[which];

	getcontext(&c->ctx);
	c->ctx.uc_stack.ss_sp = c->stack;
	c->ctx.uc_stack.ss_size = STACK_SIZE;
	c->ctx.uc_link = &S.main;
	makecontext(&c->ctx, (void (*)(void))trampoline, 1, which);
	c->done = false;
}

/*
 * A request of reason r to ctx, posted once: applied (counted), met by a
 * flush-all (satisfied), carried by the VMRUN in flight, or still pending.
 */
static bool accounted(const struct tlb_vcpu *t, int ctx, enum tlb_reason r)
{
	const uint64_t *w = ctx == TLB_CTX_L1 ? &t->req[ctx] : &t->l2[t->cur].req;
	uint64_t pending = __atomic_load_n(w, __ATOMIC_ACQUIRE);
	bool in_flight = t->run.valid && t->run.ctx == ctx && (t->run.snap & BIT(r));

	return t->cnt.reason[ctx][r] || t->cnt.satisfied[ctx] || (pending & BIT(r)) || in_flight;
}

/* The end: a stale context still has its flush pending; nothing was lost. */
static void final_check(void)
{
	const struct tlb_vcpu *t = &hv.vcpus[T_CPU]->tlb;

	for (unsigned i = 0; i < 2; i++)
		for (int ctx = 0; ctx < TLB_NR_CTX; ctx++)
			if (S.stale[i][ctx] && !tlb_pending(&hv.vcpus[i]->tlb, (enum tlb_ctx)ctx))
				fail("a flush request was lost: a stale context has none pending");
	for (int ctx = 0; ctx < TLB_NR_CTX; ctx++) {
		if (!accounted(t, ctx, TLB_REASON_NPT_CHANGE))
			fail("vCPU 1 lost svmhv's NPT-change request (neither applied, "
			     "satisfied nor pending)");
		if (!accounted(t, ctx, TLB_REASON_L1_FLUSH_ALL))
			fail("vCPU 1 lost L1's TLB_CONTROL=1 request (neither applied, "
			     "satisfied nor pending)");
	}
}

/* One run under the current plan; false when the machine could not be set up. */
static bool run_once(void)
{
	struct harness_config hc = { .ncpu = 2, .nested = true, .log_level = 0 };
	struct vcpu *v;

	hc.cpu = fake_cpu_tcg();
	hc.cpu.svm_edx |= SVM_FEATURE_NRIPS | SVM_FEATURE_FLUSH_ASID;
	svm_atomic_hook = NULL;
	if (harness_init(&hc))
		return false;
	memset(S.stale, 0, sizeof(S.stale));
	S.r_done = S.t_in_guest = false;
	S.nmi[0] = S.nmi[1] = false;
	S.npoints = S.preempts = 0;
	S.vmcb12 = harness_page();
	v = hv.vcpus[T_CPU];
	v->nested.svme = true;                          /* L1 turned SVM on */
	v->nested.hsave_pa = harness_pa(harness_page());
	hv.vcpus[R_CPU]->mode = HV_MODE_OUTSIDE_GUEST;  /* R is in an exit handler */
	fake.nmi = hook_nmi;
	fake.relax = hook_relax;
	svm_atomic_hook = atomic_point;
	start(R_CPU);
	start(T_CPU);
	S.cur = R_CPU;
	fake.cur = R_CPU;
	swapcontext(&S.main, &S.th[R_CPU].ctx);
	svm_atomic_hook = NULL;
	fake.nmi = NULL;
	fake.relax = NULL;
	if (!S.failed)
		final_check();
	return true;
}

/* The next plan: the deepest point with an untried alternative. */
static bool next_plan(void)
{
	for (unsigned i = S.npoints; i-- > 0;) {
		if (!S.run[i].alt)
			continue;
		memcpy(S.plan, S.run, sizeof(S.run[0]) * (i + 1));
		S.plan[i].chose = (uint8_t)(1 - S.run[i].chose);
		S.plan[i].alt = 0;              /* both children of this point done */
		S.nplan = i + 1;
		return true;
	}
	return false;
}

int m_interleave(bool verbose)
{
	unsigned long runs = 0;
	unsigned max_points = 0;
	int rc = 0;

	memset(&S, 0, sizeof(S));
	for (int i = 0; i < 2; i++)
		S.th[i].stack = malloc(STACK_SIZE);
	if (!S.th[0].stack || !S.th[1].stack)
		return -1;
	do {
		if (!run_once()) {
			rc = -1;
			break;
		}
		runs++;
		if (S.npoints > max_points)
			max_points = S.npoints;
		if (S.failed) {
			printf("# VIOLATION (interleaving, schedule %lu): %s\n", runs, S.why);
			printf("# preemptions at scheduling points:");
			for (unsigned i = 0; i < S.npoints; i++)
				if (i && S.run[i].chose != S.run[i - 1].chose)
					printf(" %u", i);
			printf("\n");
			rc = 1;
			break;
		}
	} while (next_plan());
	if (verbose || rc)
		printf("# interleavings: %lu schedules (at most %d preemptions, up to %u "
		       "scheduling points each)\n", runs, MAX_PREEMPT, max_points);
	free(S.th[0].stack);
	free(S.th[1].stack);
	return rc;
}
