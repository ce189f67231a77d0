/* SPDX-License-Identifier: MIT */
/*
 * VMEXIT_INVALID from vmcb01: the CPU refused to run L1's state. That is
 * the guest's doing (svmhv writes only checked values into vmcb01), so the
 * guest gets what the hardware would give it, never svmhv's panic:
 *
 *  - the state itself breaks a VMRUN consistency check (APM2 15.5.1; the
 *    same checks as a vmcb12's, nested_save_check()): the guest cannot go
 *    on. It is a shutdown, as a triple fault: the machine resets (or that
 *    vCPU halts with shutdown=halt), with the state on the console;
 *  - the state is legal, and the instruction at RIP is a MOV to CR: QEMU's
 *    TCG fails VMRUN at a MOV CR3/CR4 with reserved bits instead of raising
 *    #GP, and leaves the state unchanged; the hardware raises #GP(0);
 *  - anything else: a shutdown, named on the console.
 * QEMU's TCG may also fail a VMRUN after loading svmhv's own state into the
 * save area ("failed VMRUN writes host state", see ../shared/research):
 * then the guest's state is gone, and that too is a shutdown.
 */
#include "hv/invalid.h"

#include "hv/console.h"
#include "hv/hv.h"
#include "hv/insn/cr.h"
#include "hv/panic.h"
#include "svm/hw.h"

/*
 * From vmcb02: L2's state was checked when L1 ran it (nested/check.c), so a
 * legal state with a MOV CRn at RIP is L2's own #GP (QEMU's form again),
 * which goes to L1 if L1 intercepts #GP; anything else is L1's VMRUN
 * failing, reflected to L1 as VMEXIT_INVALID.
 */
static struct hv_verdict invalid_l2(struct vcpu *v)
{
	struct nested_vmcb12_cache c;
	struct hv_fetched f;
	unsigned cr, gpr;

	nested_cache_from_vmcb(&c, v->vmcb);
	if (v->vmcb->save.cr3 == hv.host_cr3 || nested_save_check(&c, &hv.nested.caps, NULL) ||
	    hv_fetch_insn(v, &f).action != HV_RESUME ||
	    hv_insn_mov_to_cr(f.bytes, f.len, f.mode, &cr, &gpr))
		return hv_verdict_of(HV_REFLECT);
	hv_debug("exit", "vCPU %u: L2's MOV CR%u failed VMRUN: #GP", v->index, cr);
	return hv_inject_err(VEC_GP, 0);
}

struct hv_verdict hv_exit_invalid(struct vcpu *v)
{
	struct nested_vmcb12_cache c;
	struct hv_fetched f;
	struct hv_verdict vd;
	const char *why = NULL;
	unsigned cr, gpr;

	if (v->nested.in_l2)
		return invalid_l2(v);
	if (v->vmcb->save.cr3 == hv.host_cr3) {
		hv_err("exit", "vCPU %u: VMRUN failed and the CPU replaced the guest's state: "
		       "guest shutdown", v->index);
		return hv_verdict_of(HV_STOP);
	}
	nested_cache_from_vmcb(&c, v->vmcb);
	if (nested_save_check(&c, &hv.nested.caps, &why)) {
		hv_err("exit", "vCPU %u: VMRUN refused the guest's state (%s): guest shutdown",
		       v->index, why);
		return hv_verdict_of(HV_STOP);
	}
	vd = hv_fetch_insn(v, &f);
	if (vd.action != HV_RESUME)
		return vd;
	if (hv_insn_mov_to_cr(f.bytes, f.len, f.mode, &cr, &gpr) == 0) {
		hv_warn("exit", "vCPU %u: VMRUN failed at MOV CR%u at rip %llx: #GP", v->index,
			cr, (unsigned long long)f.rip);
		return hv_inject_err(VEC_GP, 0);
	}
	hv_err("exit", "vCPU %u: VMRUN refused a legal-looking state at rip %llx: guest shutdown",
	       v->index, (unsigned long long)f.rip);
	return hv_verdict_of(HV_STOP);
}

void hv_guest_shutdown(struct vcpu *v)
{
	bool halt = hv.boot.shutdown == HV_SHUTDOWN_HALT;

	hv_err("exit", "guest shutdown on vCPU %u; %s", v->index,
	       halt ? "halting this vCPU (shutdown=halt)" : "resetting the machine");
	hv_dump_vcpu(v);
	if (!halt)
		hv_platform_reset();
	/*
	 * The other CPUs go on, so this one must still take SMIs (the firmware's
	 * SMM rendezvous waits for every CPU): GIF open, where an INIT is a #SX
	 * svmhv drops (VM_CR.R_INIT). Without R_INIT an INIT would reset the CPU
	 * out from under svmhv, so GIF stays 0, as hv/iso/cpu.c's stop_vcpu().
	 */
	if (v->cpu->r_init)
		halt_forever_gif_open();
	halt_forever();
}
