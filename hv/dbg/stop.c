/* SPDX-License-Identifier: MIT */
/*
 * Stopping every vCPU for the debugger, and resuming them.
 *
 * One vCPU at a time holds the debugger (the "master": the one that saw the
 * escape sequence, a breakpoint, gdb's Ctrl-C). It marks every other vCPU
 * DBG_STOP and posts HV_REQ_STOP (hv/smp.c: a kick NMI if it runs its
 * guest); each one parks in hv_run_prepare(), in host mode, and says so in
 * parked_gen. The master waits for all of them, bounded: a vCPU that does
 * not come (stuck in svmhv with a lock held: a bug) is reported, not waited
 * for forever. Resuming sets each vCPU's run mode (gdb may leave some
 * stopped, or step one); the vCPU loads what the debugger changed (debug
 * registers, a queued NMI, the step) on its own CPU before its next VMRUN.
 *
 * GIF and SMIs: a parked vCPU spins in host mode with GIF = 0, so NMIs and
 * SMIs wait until it runs again (a kick or an NMI for the guest is then
 * handled as usual). Long monitor sessions on machines whose firmware needs
 * SMIs (legacy USB emulation, some power management) should stay short;
 * the guest's clock jumps by the time it was stopped. See: APM2 15.17.
 */
#include "hv/dbg/dbg_int.h"

#include "hv/console.h"
#include "hv/smp.h"
#include "svm/atomic.h"
#include "svm/hw.h"

struct dbg_vcpu *dbg_vcpus;

struct vcpu *dbg_vcpu(unsigned i)
{
	return i < hv.ncpu ? svm_atomic_load(&hv.vcpus[i], __ATOMIC_ACQUIRE) : NULL;
}

unsigned dbg_nr_vcpus(void)
{
	return hv.ncpu;
}

/* The debugger is ours, or someone else's (false: we will be stopped). */
bool dbg_master_take(const struct vcpu *v)
{
	uint32_t none = 0;

	return __atomic_compare_exchange_n(&dbg.master, &none, v->index + 1, false,
					   __ATOMIC_SEQ_CST, __ATOMIC_SEQ_CST);
}

void dbg_master_drop(void)
{
	svm_atomic_store(&dbg.master, 0, __ATOMIC_SEQ_CST);
}

void dbg_stop_others(const struct vcpu *self)
{
	uint32_t gen = svm_atomic_load(&dbg.stop_gen, __ATOMIC_SEQ_CST) + 1;
	uint64_t deadline;

	svm_atomic_store(&dbg.stop_gen, gen, __ATOMIC_SEQ_CST);
	for (unsigned i = 0; i < hv.ncpu; i++) {
		struct vcpu *t = dbg_vcpu(i);

		if (!t || t == self)
			continue;
		svm_atomic_store(&dbg_vcpus[i].run, GDB_RUN_STOP, __ATOMIC_SEQ_CST);
		hv_vcpu_request(t, HV_REQ_STOP);
	}
	deadline = dbg_now() + DBG_PARK_MS * dbg.tsc_ms;
	for (unsigned i = 0; i < hv.ncpu; i++) {
		struct vcpu *t = dbg_vcpu(i);

		if (!t || t == self)
			continue;
		while (svm_atomic_load(&dbg_vcpus[i].parked_gen, __ATOMIC_SEQ_CST) != gen &&
		       dbg_now() < deadline)
			cpu_relax();
		if (svm_atomic_load(&dbg_vcpus[i].parked_gen, __ATOMIC_SEQ_CST) != gen)
			hv_warn("debug", "vCPU %u did not stop within %u ms", i, DBG_PARK_MS);
	}
}

/* run[i] for every other vCPU; the caller sees to its own. */
void dbg_resume_others(const struct vcpu *self, const uint8_t *run)
{
	for (unsigned i = 0; i < hv.ncpu; i++) {
		struct vcpu *t = dbg_vcpu(i);

		if (t && t != self)
			svm_atomic_store(&dbg_vcpus[i].run, run[i], __ATOMIC_SEQ_CST);
	}
}

/*
 * On v's own CPU, before it runs its guest again: a queued NMI (held by
 * nested/gif.h like any NMI for the guest), gdb's debug registers and
 * breakpoint intercepts, and a single step.
 */
void dbg_vcpu_resume(struct vcpu *v)
{
	struct dbg_vcpu *d = &dbg_vcpus[v->index];

	if (d->nmi) {
		d->nmi = false;
		nested_gif_nmi(&v->nested.gif);
	}
	dbg_hw_load(v);
	dbg_gdb_prepare(v, (uint8_t)svm_atomic_load(&d->run, __ATOMIC_SEQ_CST));
}

/*
 * HV_REQ_STOP, from hv_run_prepare(): spin in host mode until the debugger
 * lets this vCPU run (or step) again. parked_gen is refreshed while
 * spinning, so a new stop that comes before this vCPU left finds it parked.
 * A stop this vCPU saw while another one had the debugger (a watchpoint
 * that fired meanwhile) is reported now, before it runs on.
 */
void hv_dbg_park(struct vcpu *v)
{
	struct dbg_vcpu *d = &dbg_vcpus[v->index];

	while (svm_atomic_load(&d->run, __ATOMIC_SEQ_CST) == GDB_RUN_STOP) {
		svm_atomic_store(&d->parked_gen, svm_atomic_load(&dbg.stop_gen, __ATOMIC_SEQ_CST),
				 __ATOMIC_SEQ_CST);
		hv_host_relax(v);       /* a session may last minutes: SMIs are taken */
	}
	if (d->have_stop) {
		struct gdb_stop st = d->stop;

		d->have_stop = false;
		dbg_session(v, DBG_REPORT_STOP, &st);
	}
	dbg_vcpu_resume(v);
}
