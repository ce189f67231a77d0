/* SPDX-License-Identifier: MIT */
/*
 * gdb's breakpoints, watchpoints and single steps on the real vCPUs.
 *
 * Software breakpoints: the stub writes INT3 (hv/debug/gdb_bp.c); while any
 * is planted, #BP is intercepted, and INTn too, because QEMU's TCG reports
 * INT3 as an INTn exit, not #BP (../shared/research/qemu-tcg-svm.md). On
 * both, RIP is on the INT3: #BP is a trap for the guest, but the intercept
 * is checked before the exception is delivered, so the VMCB holds the RIP
 * of the instruction (KVM's bp_interception reports save.rip as the
 * breakpoint address for the same reason; QEMU unwinds to the instruction
 * before its intercept check). An INT3 that is not gdb's is the guest's: it
 * gets its #BP with RIP past the INT3, as the CPU would have delivered it;
 * a byte that is no longer an INT3 (gdb removed it while this vCPU was on
 * its way here) is simply run again.
 *
 * Hardware breakpoints and watchpoints: gdb's DR0-3/DR7 replace the guest's
 * while any is set (the guest's are saved; its MOV DR is intercepted and
 * works on the saved copy). #DB is always intercepted (hv/exit.c): DR6 says
 * whether it is gdb's (B0-B3 of a slot gdb uses) or the guest's.
 *
 * Single step: RFLAGS.TF for one instruction, the guest's own TF and DR6
 * kept and put back; physical interrupts are held for that instruction
 * (V_INTR_MASKING with host IF 0) so the step does not land in an interrupt
 * handler. An instruction svmhv emulates (CPUID, an APIC store...) never
 * raises the trap: the step ends when RIP moved on such an exit.
 * See: APM2 13.1 (debug registers, DR6, DR7, RF), 15.12 (exception
 * intercepts), 15.21.1 (V_INTR_MASKING); APM3 INT3.
 */
#include "hv/dbg/dbg_int.h"

#include "hv/console.h"
#include "hv/dbg/movdr.h"
#include "svm/hw.h"

#define DR_ICPT_MASK    0x008f008fu     /* read and write of DR0-3 and DR7 */

static bool any_sw_bp(void)
{
	for (unsigned i = 0; i < GDB_MAX_SW_BP; i++)
		if (dbg.stub.bps.sw[i].used)
			return true;
	return false;
}

static bool hw_exec_at(uint64_t rip)
{
	for (unsigned i = 0; i < GDB_NR_HW_BP; i++) {
		const struct gdb_hw_slot *h = &dbg.stub.bps.hw[i];

		if (h->used && h->type == GDB_BP_HW && h->addr == rip)
			return true;
	}
	return false;
}

/* ---- before the vCPU runs ------------------------------------------------------------- */

/* On v's CPU: gdb's DR0-3/DR7 in (the guest's saved), or the guest's back. */
void dbg_hw_load(struct vcpu *v)
{
	struct dbg_vcpu *d = &dbg_vcpus[v->index];
	struct vmcb *vm = v->vmcb01;

	if (d->hw_applied == dbg.hw_gen)
		return;
	d->hw_applied = dbg.hw_gen;
	if (dbg.hw_active) {
		if (!d->hw_loaded) {
			for (unsigned i = 0; i < 4; i++)
				d->guest_dr[i] = read_dr(i);
			d->guest_dr7 = vm->save.dr7;
			vm->control.intercept_dr |= DR_ICPT_MASK;
			d->hw_loaded = true;
		}
		for (unsigned i = 0; i < 4; i++)
			write_dr(i, dbg.hw.dr[i]);
		/*
		 * Also in the host's DR7: QEMU's TCG arms its breakpoints only on
		 * a MOV to DR7, not when VMRUN loads the VMCB's. svmhv's host
		 * side never touches the guest's kernel addresses gdb watches.
		 */
		write_dr(7, dbg.hw.dr7);
		vm->save.dr7 = dbg.hw.dr7;
	} else if (d->hw_loaded) {
		for (unsigned i = 0; i < 4; i++)
			write_dr(i, d->guest_dr[i]);
		write_dr(7, DR7_FIXED);
		vm->save.dr7 = d->guest_dr7;
		vm->control.intercept_dr &= ~DR_ICPT_MASK;
		d->hw_loaded = false;
	}
}

/* Intercepts for planted INT3s; the step; RF over a hardware breakpoint. */
void dbg_gdb_prepare(struct vcpu *v, uint8_t run)
{
	struct dbg_vcpu *d = &dbg_vcpus[v->index];
	struct vmcb_control *c = &v->vmcb01->control;
	struct vmcb_save *s = &v->vmcb->save;
	bool bp = dbg.mode == DBG_LINE_GDB && any_sw_bp();

	if (bp != d->bp_icpt) {
		d->bp_icpt = bp;
		if (bp) {
			c->intercept_exceptions |= 1u << VEC_BP;
			vmcb_set_intercept(c, INTERCEPT_INTN);
		} else {
			c->intercept_exceptions &= ~(1u << VEC_BP);
			vmcb_clr_intercept(c, INTERCEPT_INTN);
		}
	}
	if (run == GDB_RUN_STEP && !d->stepping) {
		d->stepping = true;
		d->step_rip = s->rip;
		d->step_tf = s->rflags & RFLAGS_TF;
		d->step_dr6 = s->dr6;
		s->rflags |= RFLAGS_TF;
	}
	if (run != GDB_RUN_STOP && d->hw_loaded && hw_exec_at(s->rip))
		s->rflags |= RFLAGS_RF;
}

void hv_dbg_before_vmrun(struct vcpu *v)
{
	if (!dbg.enabled)
		return;
	hv_dbg_before_vmrun_line(v);
	if (dbg_vcpus[v->index].stepping && !v->nested.in_l2)
		v->vmcb->control.int_ctl |= V_INTR_MASKING_MASK;
}

/* ---- stops ----------------------------------------------------------------------------------- */

static void end_step(struct vcpu *v)
{
	struct dbg_vcpu *d = &dbg_vcpus[v->index];
	struct vmcb_save *s = &v->vmcb->save;

	d->stepping = false;
	s->rflags = (s->rflags & ~RFLAGS_TF) | d->step_tf;
	s->dr6 = d->step_dr6;
}

static struct hv_verdict report(struct vcpu *v, const struct gdb_stop *st)
{
	dbg_session(v, DBG_REPORT_STOP, st);
	return hv_resume();
}

/* An instruction svmhv emulated while stepping: the step is over. */
void hv_dbg_exit_end(struct vcpu *v)
{
	struct dbg_vcpu *d = &dbg_vcpus[v->index];
	struct gdb_stop st = { .vcpu = v->index, .kind = GDB_STOP_STEP };

	if (!d->stepping || v->vmcb->save.rip == d->step_rip)
		return;
	end_step(v);
	report(v, &st);
}

/* The guest's own INT3 (#BP) or INT n (CD nn): delivered past the instruction. */
static struct hv_verdict guest_int(struct vcpu *v, const struct hv_fetched *f)
{
	bool int3 = f->bytes[0] == GDB_INT3;
	struct hv_verdict vd = hv_inject(int3 ? VEC_BP : f->bytes[1]);

	hv_advance_rip(v, f, int3 ? 1 : 2);
	vd.exc.soft = !int3;
	return vd;
}

/* #BP, or INTn (QEMU's TCG reports INT3 so): gdb's breakpoint, or the guest's. */
struct hv_verdict hv_dbg_breakpoint(struct vcpu *v)
{
	uint64_t rip = v->vmcb->save.rip;
	struct gdb_stop st = { .vcpu = v->index, .kind = GDB_STOP_SWBREAK };
	struct hv_fetched f;
	struct hv_verdict vd;
	bool ours;

	dbg_lock();
	ours = dbg.mode == DBG_LINE_GDB && gdb_stub_is_sw_break(&dbg.stub, rip);
	dbg_unlock();
	if (ours)
		return report(v, &st);
	vd = hv_fetch_insn(v, &f);
	if (vd.action != HV_RESUME)
		return vd;
	if (f.bytes[0] != GDB_INT3 && (f.bytes[0] != 0xcd || f.len < 2))
		return hv_resume();     /* gdb's INT3 was removed meanwhile: run it again */
	return guest_int(v, &f);
}

/* #DB: gdb's step or DR0-3 slot, else the guest's (reflected unchanged). */
struct hv_verdict hv_dbg_debug_exc(struct vcpu *v)
{
	struct dbg_vcpu *d = &dbg_vcpus[v->index];
	struct vmcb_save *s = &v->vmcb->save;
	struct gdb_stop st = { .vcpu = v->index, .kind = GDB_STOP_STEP };
	uint64_t dr6 = s->dr6;

	if (d->stepping && (dr6 & DR6_BS)) {
		end_step(v);
		return report(v, &st);
	}
	if (d->hw_loaded && gdb_stub_decode_dr6(&dbg.stub, v->index, dr6 & 0xf, &st)) {
		s->dr6 = dr6 & ~0xfull;
		return report(v, &st);
	}
	return hv_inject(VEC_DB);
}

/*
 * MOV to/from DR0-3 or DR7 while gdb's values are loaded: the guest's own
 * values are kept aside and used instead. With decode assists EXITINFO1
 * names the register (APM2 15.8.1); QEMU has none, so decode the insn.
 */
struct hv_verdict hv_dbg_dr_access(struct vcpu *v)
{
	struct dbg_vcpu *d = &dbg_vcpus[v->index];
	unsigned dr = (unsigned)v->vmcb->control.exit_code & 0xf;
	bool write = v->vmcb->control.exit_code & 0x10;
	bool mode64 = (v->vmcb->save.efer & EFER_LMA) && (v->vmcb->save.cs.attrib & SEG_ATTR_L);
	struct hv_fetched f;
	struct movdr m;
	uint64_t g[16], *slot = dr == 7 ? &d->guest_dr7 : &d->guest_dr[dr & 3];
	struct hv_verdict vd = hv_fetch_insn(v, &f);

	if (vd.action != HV_RESUME)
		return vd;
	if (dbg_decode_movdr(f.bytes, f.len, mode64, &m) || m.dr != dr || m.to_dr != write)
		return hv_inject(VEC_UD);
	hv_gprs_get(v, g);
	if (write)
		*slot = mode64 ? g[m.gpr] : (uint32_t)g[m.gpr];
	else
		g[m.gpr] = *slot;
	hv_gprs_set(v, g);
	hv_advance_rip(v, &f, m.len);
	return hv_resume();
}
