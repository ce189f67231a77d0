/* SPDX-License-Identifier: MIT */
/*
 * #VMEXIT routing for L2: L0 (svmhv) or L1 (reflect). The routing table is
 * in nested/exit.h. See: AMD64 APM Vol. 2 (rev. 3.42) Appendix C (exit
 * codes), Table B-1 (intercept vectors), 15.10.1 (IOIO EXITINFO1), 15.11
 * (MSR EXITINFO1).
 */
#include "nested/exit.h"

#include "svm/msrpm.h"

/* Exit code ranges that map 1:1 onto intercept bits (APM2 Appendix C). */
#define EXIT_CR_END             0x20u   /* 0x00..0x1f: intercept_cr bit n */
#define EXIT_DR_END             0x40u   /* 0x20..0x3f: intercept_dr bit n - 0x20 */
#define EXIT_EXCP_END           0x60u   /* 0x40..0x5f: exception vector n - 0x40 */
#define EXIT_MISC1_END          0x80u   /* 0x60..0x7f: misc1 bit n - 0x60 */
#define EXIT_MISC2_END          0xa0u   /* 0x80..0x9f: misc2 bit n - 0x80 */
#define EXIT_MISC3_END          0xc0u   /* 0xa0..0xbf: misc3 bit n - 0xa0 */

/* IOIO EXITINFO1 (APM2 15.10.2, Figure 15-2): SZ8/SZ16/SZ32 one-hot, port. */
#define IOIO_SIZE_SHIFT         4
#define IOIO_SIZE_MASK          7u
#define IOIO_PORT_SHIFT         16

bool nested_is_vmrun_failure(uint64_t exit_code)
{
	return (exit_code & 0xffffffffull) == 0xffffffffull;
}

/* MSR exit: EXITINFO1 bit 0 = WRMSR (APM2 15.11). */
static bool l1_msr(uint64_t info1, uint32_t msr, const struct nested_vmcb12_cache *c,
		   const uint8_t *map)
{
	bool rd, wr;

	if (!nested_icpt_test(&c->icpt, INTERCEPT_MSR_PROT))
		return false;
	if (!map)
		return true;
	/* Outside the map: always intercepted, and svm_msrpm_get says so. */
	(void)svm_msrpm_get(map, msr, &rd, &wr);
	return (info1 & 1) ? wr : rd;
}

/* The CPU checks the IOPM bit of every byte the access touches (15.10.1). */
static bool l1_ioio(uint64_t info1, const struct nested_vmcb12_cache *c, const uint8_t *map)
{
	unsigned size = (unsigned)(info1 >> IOIO_SIZE_SHIFT) & IOIO_SIZE_MASK;
	uint16_t port = (uint16_t)(info1 >> IOIO_PORT_SHIFT);

	if (!nested_icpt_test(&c->icpt, INTERCEPT_IOIO_PROT))
		return false;
	if (!map)
		return true;
	/* A size that is not exactly one of 1, 2, 4 reports "intercepted". */
	return svm_iopm_intercepted(map, port, size);
}

bool nested_l1_intercepts(uint64_t exit_code, uint64_t exit_info_1, uint32_t msr,
			  const struct nested_vmcb12_cache *c, const uint8_t *l1_msrpm,
			  const uint8_t *l1_iopm)
{
	const struct nested_intercepts *i = &c->icpt;

	if (exit_code == VMEXIT_MSR)
		return l1_msr(exit_info_1, msr, c, l1_msrpm);
	if (exit_code == VMEXIT_IOIO)
		return l1_ioio(exit_info_1, c, l1_iopm);
	if (exit_code < EXIT_CR_END)
		return (i->cr >> exit_code) & 1u;
	if (exit_code < EXIT_DR_END)
		return (i->dr >> (exit_code - EXIT_CR_END)) & 1u;
	if (exit_code < EXIT_EXCP_END)
		return (i->exceptions >> (exit_code - EXIT_DR_END)) & 1u;
	if (exit_code < EXIT_MISC1_END)
		return (i->misc1 >> (exit_code - EXIT_EXCP_END)) & 1u;
	if (exit_code < EXIT_MISC2_END)
		return (i->misc2 >> (exit_code - EXIT_MISC1_END)) & 1u;
	if (exit_code < EXIT_MISC3_END)
		return (i->misc3 >> (exit_code - EXIT_MISC2_END)) & 1u;
	return false;   /* NPF & co.: L1 has no nested paging */
}

/*
 * Instructions the CPU L1 sees does not have (hidden from its CPUID): #UD in
 * L2 whatever L1's intercept bits for them say, as on that CPU.
 */
static bool hidden_from_l1(uint64_t exit_code)
{
	return exit_code == VMEXIT_INVLPGB || exit_code == VMEXIT_INVLPGB_ILL ||
	       exit_code == VMEXIT_TLBSYNC;
}

/* Exits svmhv must see first, whatever L1 intercepts. */
static bool l0_first(uint64_t exit_code)
{
	switch (exit_code) {
	case VMEXIT_NMI:                /* a kick, or held for L1: nested/gif.h */
	case VMEXIT_SMI:                /* the firmware's SMM: never L1's to see */
	case VMEXIT_INIT:               /* physical INIT: never L1's to see */
	case VMEXIT_NPF:                /* svmhv's nested page tables */
	case VMEXIT_NPF + 1:            /* AVIC exits: svmhv's if ever used */
	case VMEXIT_NPF + 2:
	case VMEXIT_NPF + 3:
		return true;
	default:
		return false;
	}
}

/* Exits that are never svmhv's to serve for L2 (see nested/exit.h). */
static bool ud_if_not_l1s(uint64_t exit_code)
{
	switch (exit_code) {
	case VMEXIT_VMRUN:
	case VMEXIT_VMMCALL:
	case VMEXIT_SKINIT:
		return true;
	default:
		return false;
	}
}

/* SVM instructions that execute in L2 when L1 does not intercept them. */
static bool l2_executes(uint64_t exit_code)
{
	switch (exit_code) {
	case VMEXIT_VMLOAD:
	case VMEXIT_VMSAVE:
	case VMEXIT_STGI:
	case VMEXIT_CLGI:
	case VMEXIT_INVLPGA:
		return true;
	default:
		return false;
	}
}

enum nested_route nested_exit_route(uint64_t exit_code, uint64_t exit_info_1, uint32_t msr,
				    const struct nested_vmcb12_cache *c,
				    const uint8_t *l1_msrpm, const uint8_t *l1_iopm)
{
	if (nested_is_vmrun_failure(exit_code))
		return NESTED_ROUTE_L1;
	if (l0_first(exit_code))
		return NESTED_ROUTE_L0;
	if (hidden_from_l1(exit_code))
		return NESTED_ROUTE_L2_UD;
	if (nested_l1_intercepts(exit_code, exit_info_1, msr, c, l1_msrpm, l1_iopm))
		return NESTED_ROUTE_L1;
	if (ud_if_not_l1s(exit_code))
		return NESTED_ROUTE_L2_UD;
	if (l2_executes(exit_code))
		return NESTED_ROUTE_L2_SVM;
	return NESTED_ROUTE_L0;
}

bool nested_exception_to_l1(const struct nested_vmcb12_cache *c, unsigned vector)
{
	return vector < 32 && ((c->icpt.exceptions >> vector) & 1u);
}

void nested_synth_exit(struct vmcb *vmcb02, uint64_t exit_code, uint64_t info1, uint64_t info2)
{
	struct vmcb_control *ctl = &vmcb02->control;

	ctl->exit_code = exit_code;
	ctl->exit_info_1 = info1;
	ctl->exit_info_2 = info2;
	/* APM2 15.7.2: an event not delivered to L2 goes back to L1 in EXITINTINFO. */
	ctl->exit_int_info = (ctl->event_inj & SVM_EVTINJ_VALID) ? ctl->event_inj : 0;
	ctl->event_inj = 0;
}

/* Vectors >= 32 are not exceptions: callers ask nested_exception_to_l1() first. */
void nested_synth_exception(struct vmcb *vmcb02, unsigned vector, bool has_err, uint32_t err,
			    uint64_t pf_addr)
{
	nested_synth_exit(vmcb02, VMEXIT_EXCP_BASE + (vector & 31u), has_err ? err : 0,
			  vector == 14 ? pf_addr : 0);
}

/* Exits between VMEXIT_INTR and VMEXIT_INVPCID that are not instructions. */
static bool not_an_instruction(uint64_t exit_code)
{
	switch (exit_code) {
	case VMEXIT_INTR:
	case VMEXIT_NMI:
	case VMEXIT_SMI:
	case VMEXIT_INIT:
	case VMEXIT_VINTR:
	case VMEXIT_TASK_SWITCH:
	case VMEXIT_FERR_FREEZE:
	case VMEXIT_SHUTDOWN:
	case VMEXIT_EFER_WRITE_TRAP:    /* SEV-ES traps: RIP is already past */
		return true;
	default:
		return exit_code > VMEXIT_EFER_WRITE_TRAP && exit_code < VMEXIT_INVLPGB;
	}
}

enum nested_nrip nested_exit_nrip(uint64_t exit_code)
{
	if (exit_code == VMEXIT_IOIO)
		return NESTED_NRIP_INFO2;
	if (exit_code < VMEXIT_EXCP_BASE)
		return NESTED_NRIP_DECODE;      /* MOV to/from CRn, DRn */
	if (exit_code < VMEXIT_INTR) {
		uint64_t vec = exit_code - VMEXIT_EXCP_BASE;

		return vec == VEC_BP || vec == VEC_OF || vec == VEC_BR ? NESTED_NRIP_DECODE :
									  NESTED_NRIP_NONE;
	}
	if (exit_code > VMEXIT_INVPCID + 2 || not_an_instruction(exit_code))
		return NESTED_NRIP_NONE;
	return NESTED_NRIP_DECODE;
}
