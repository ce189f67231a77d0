/* SPDX-License-Identifier: MIT */
/*
 * INIT/SIPI processor states and the INIT/SIPI state machine. See
 * hv/apic/init.h.
 *
 * Manuals: AMD64 APM Vol. 2 rev. 3.42 (APM2) 14.1.3 Table 14-1; Intel SDM
 * Vol. 3A Dec 2023 (SDM3) 9.1 Table 9-1. Segment attributes follow SDM3
 * Table 9-1 ("present, R/W, accessed") and QEMU's x86_cpu_reset(); the APM
 * does not spell them out.
 */
#include "hv/apic/init.h"

#define INIT_RIP                0xfff0ull
#define INIT_CS_SEL             0xf000u
#define INIT_CS_BASE            0xffff0000ull
#define INIT_LIMIT              0xffffu

/* VMCB packed attributes (svm/vmcb.h SEG_ATTR_*); type in bits 3:0. */
#define ATTR_CODE       (SEG_ATTR_P | SEG_ATTR_S | 0xbu)  /* 0x9b exec/read, accessed */
#define ATTR_DATA       (SEG_ATTR_P | SEG_ATTR_S | 0x3u)  /* 0x93 read/write, accessed */
#define ATTR_LDT        (SEG_ATTR_P | 0x2u)               /* 0x82 LDT */
/*
 * 0x8b: busy 32-bit TSS. SVM does not check TR on VMRUN (APM2 15.5.1 has no
 * segment checks beyond CS.L/CS.D), and in real mode TR is unusable until
 * LTR reloads it, so any busy TSS type works: this is QEMU's reset value and
 * what VMX requires (KVM's SVM code uses 0x83, busy 16-bit TSS).
 */
#define ATTR_TSS        (SEG_ATTR_P | 0xbu)

static void set_seg(struct vmcb_seg *seg, uint16_t sel, uint64_t base, uint16_t attrib)
{
	seg->selector = sel;
	seg->attrib = attrib;
	seg->limit = INIT_LIMIT;
	seg->base = base;
}

/* Real-mode segments at reset: CS = F000 with base FFFF_0000, data 0. */
static void init_segments(struct vmcb_save *s)
{
	set_seg(&s->cs, INIT_CS_SEL, INIT_CS_BASE, ATTR_CODE);
	set_seg(&s->ds, 0, 0, ATTR_DATA);
	set_seg(&s->es, 0, 0, ATTR_DATA);
	set_seg(&s->fs, 0, 0, ATTR_DATA);
	set_seg(&s->gs, 0, 0, ATTR_DATA);
	set_seg(&s->ss, 0, 0, ATTR_DATA);
	set_seg(&s->gdtr, 0, 0, 0);
	set_seg(&s->idtr, 0, 0, 0);
	set_seg(&s->ldtr, 0, 0, ATTR_LDT);
	set_seg(&s->tr, 0, 0, ATTR_TSS);
}

void hv_vmcb_init_state(struct vmcb_save *s)
{
	init_segments(s);
	s->cpl = 0;
	/* EFER is cleared (APM2 Table 14-1) but SVM needs SVME set in the
	 * guest VMCB (APM2 15.5.1). */
	s->efer = EFER_SVME;
	/* CD and NW are unchanged by INIT, ET is set, all else clear.
	 * See: SDM3 Table 9-1 note 2; KVM "Preserve guest's CR0.CD/NW on INIT". */
	s->cr0 = (s->cr0 & (CR0_CD | CR0_NW)) | CR0_ET;
	s->cr2 = 0;
	s->cr3 = 0;
	s->cr4 = 0;
	s->dr6 = DR6_INIT;
	s->dr7 = DR7_FIXED;
	s->rflags = RFLAGS_FIXED;
	s->rip = INIT_RIP;
	s->rsp = 0;
	s->rax = 0;             /* 0, or the BIST result, which svmhv never has */
	/* The CET state is zero after INIT as after RESET (sandpile.org
	 * "x86 initial state"); with CR4.CET clear it is inert anyway. */
	s->s_cet = 0;
	s->ssp = 0;
	s->isst_addr = 0;
}

void hv_vmcb_reset_state(struct vmcb_save *s)
{
	s->cr0 = CR0_CD | CR0_NW;
	hv_vmcb_init_state(s);
	s->g_pat = HV_PAT_DEFAULT;
}

void hv_init_gprs(uint64_t gprs[16], uint32_t cpuid1_eax)
{
	for (unsigned i = 0; i < 16; i++)
		gprs[i] = 0;
	gprs[2] = cpuid1_eax;   /* RDX: family, model, stepping */
}

/* The SIPI vector VV selects the 4 KiB page VV000h. See: SDM3 10.6.1 "Start-Up". */
void hv_vmcb_sipi_state(struct vmcb_save *s, uint8_t vector)
{
	s->cs.selector = (uint16_t)(vector << 8);
	s->cs.base = (uint64_t)vector << 12;
	s->rip = 0;
}

enum hv_mp_action hv_mp_on_init(enum hv_mp_state *state, bool bsp)
{
	if (*state == HV_MP_WAIT_SIPI)
		return HV_MP_NONE;
	if (!bsp)
		*state = HV_MP_WAIT_SIPI;
	return HV_MP_LOAD_INIT;
}

enum hv_mp_action hv_mp_on_sipi(enum hv_mp_state *state)
{
	if (*state != HV_MP_WAIT_SIPI)
		return HV_MP_NONE;
	*state = HV_MP_RUNNING;
	return HV_MP_LOAD_SIPI;
}
