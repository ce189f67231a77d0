/* SPDX-License-Identifier: MIT */
/*
 * The differential batch's L2 modes and events (conf.c runs every
 * instruction x intercept under each combination).
 *
 * Both modes use the batch's own L2 IDT: L2's (l2_idt_build), with vectors
 * 0 .. L2_CONF_STUBS - 1 on l2_conf_stubs, which keep RAX and RBX.
 *
 * Modes: 64-bit CPL 0 on L1's paging, GDT and TR (guest_init as is), and
 * 64-bit CPL 3: L2 gets its own page tables ([0, 3 GiB) identity in 2 MiB
 * user pages, so 0xf0000000 stays unmapped as under L1's), a GDT that is
 * L1's plus a DPL-3 code and data descriptor (IRETQ back to CPL 3 reads
 * them), and a 64-bit TSS whose RSP0 takes the IDT stubs' stack and whose
 * I/O bitmap lies past its limit (IN/OUT at CPL 3 with IOPL 0: #GP).
 * CR4.SMEP/SMAP are cleared: the CPL-0 stubs run from user pages. CPL-3 L2s
 * use their own ASID and flush it on every VMRUN (their CR3 differs from
 * the CPL-0 L2s' and earlier scenarios' with the same ASID).
 *
 * Events, set up in vmcb12 before VMRUN:
 *   tf     RFLAGS.TF: a #DB trap after the instruction, intercepted
 *   tfdb   RFLAGS.TF with the #DB intercept clear: L2's IDT takes it
 *   inj    EVENTINJ external interrupt 0x30 (L2's IDT), before the instruction
 *   injx   EVENTINJ #BP exception while #BP is intercepted
 *   nmi    EVENTINJ NMI (L2's IDT; its IRETQ ends NMI blocking)
 *   vintr  V_IRQ pending (vector 0x31, priority 15), RFLAGS.IF = 1, no VINTR intercept
 * See: APM2 15.20 (event injection), 15.21.4 (virtual interrupts), 8.9.3
 * (interrupt stack switch), 7.2 (TSS I/O permission bitmap), 5.3 (paging).
 */
#include "tests/l1hv/l1hv.h"

#define USER_MAP_GIB    3u
#define USER_GDT_MAX    0x7e0u          /* L1's GDT bytes we copy, at most */
#define USER_TSS_OFF    0x800u
#define USER_ASID       2u
#define USER_RSP0_OFF   0x800u          /* below the L2 stack top: the stubs' stack */

static const char *const event_names[NR_CONF_EVENTS] = {
	[EV_NONE] = "", [EV_TF] = "tf", [EV_TFDB] = "tfdb", [EV_INJ] = "inj",
	[EV_INJX] = "injx", [EV_NMI] = "nmi", [EV_VINTR] = "vintr",
};

static struct {
	int ready;
	uint16_t ucs, uds, tr;
	struct vmcb_seg gdtr;
	uint64_t cr3;
	struct vmcb_seg idtr;
} u;

const char *conf_event_name(enum conf_event ev)
{
	return event_names[ev];
}

/* The IDT: L2's, with the exceptions and the batch's interrupts on l2_conf_stubs. */
static void conf_idt_build(struct idt_gate64 *idt)
{
	mem_copy(idt, L.l2_idt, 256 * sizeof(*idt));
	for (unsigned v = 0; v < L2_CONF_STUBS; v++) {
		uint64_t a = l2_addr(l2_conf_stubs) + (uint64_t)v * L2_STUB_SIZE;

		idt[v].offset_lo = (uint16_t)a;
		idt[v].offset_mid = (uint16_t)(a >> 16);
		idt[v].offset_hi = (uint32_t)(a >> 32);
	}
	u.idtr = (struct vmcb_seg){ .limit = 256 * 16 - 1, .base = (uint64_t)idt };
}

/*
 * In L.user (USER_PAGES): the GDT and TSS of the CPL-3 mode, the batch's IDT,
 * the CPL-3 page tables. 0, or -1 if L1's GDT is too large (no CPL 3 then).
 */
int conf_user_init(void)
{
	uint64_t *pml4 = (uint64_t *)(L.user + 2 * 4096), *pdpt = pml4 + 512;
	const uint64_t rwu = PTE_P | PTE_W | PTE_U;
	struct dtr64 g;
	uint32_t n;

	__asm__ volatile("sgdt %0" : "=m"(g));
	n = (uint32_t)g.limit + 1;
	mem_zero(L.user, USER_PAGES * 4096);
	conf_idt_build((struct idt_gate64 *)(L.user + 4096));
	if (n > USER_GDT_MAX)
		return -1;
	mem_copy(L.user, (void *)g.base, n);
	u.ucs = (uint16_t)((n + 15) & ~15u);
	u.uds = (uint16_t)(u.ucs + 8);
	u.tr = (uint16_t)(u.ucs + 16);
	((uint64_t *)L.user)[u.ucs / 8] = 0x00affb000000ffffull;       /* 64-bit code, DPL 3 */
	((uint64_t *)L.user)[u.uds / 8] = 0x00cff3000000ffffull;       /* data, DPL 3 */
	u.gdtr = (struct vmcb_seg){ .limit = (uint32_t)(u.uds + 7), .base = (uint64_t)L.user };
	pml4[0] = (uint64_t)pdpt | rwu;
	for (uint64_t i = 0; i < USER_MAP_GIB; i++) {
		uint64_t *pd = pdpt + 512 * (i + 1);

		pdpt[i] = (uint64_t)pd | rwu;
		for (uint64_t j = 0; j < 512; j++)
			pd[j] = (i << 30 | j << 21) | rwu | PTE_PS | PTE_A | PTE_D;
	}
	u.cr3 = (uint64_t)pml4;
	u.ready = 1;
	return 0;
}

static void user_mode(struct guest *g)
{
	struct vmcb_save *s = &g->vmcb->save;
	uint8_t *tss = L.user + USER_TSS_OFF;
	uint64_t rsp0 = (uint64_t)g->stack_top - USER_RSP0_OFF;

	mem_zero(tss, 104);
	mem_copy(tss + 4, &rsp0, 8);                    /* RSP0 */
	tss[0x66] = 104;                                /* I/O bitmap base: past the limit */
	s->cs = (struct vmcb_seg){ (uint16_t)(u.ucs | 3), 0xafb, 0xffffffffu, 0 };
	s->ss = (struct vmcb_seg){ (uint16_t)(u.uds | 3), 0xcf3, 0xffffffffu, 0 };
	s->tr = (struct vmcb_seg){ u.tr, 0x8b, 103, (uint64_t)tss };
	s->gdtr = u.gdtr;
	s->cpl = 3;
	s->cr3 = u.cr3;
	s->cr4 &= ~(CR4_SMEP | CR4_SMAP);
	g->vmcb->control.asid = USER_ASID;
	g->vmcb->control.tlb_control = TLB_CONTROL_FLUSH_ASID;
}

/* Mode (0: CPL 0, 1: CPL 3) and event on a guest_init()ed L2; 0 or -1. */
int conf_env_apply(struct guest *g, int cpl3, enum conf_event ev)
{
	struct vmcb_control *c = &g->vmcb->control;
	struct vmcb_save *s = &g->vmcb->save;

	s->idtr = u.idtr;
	if (cpl3) {
		if (!u.ready)
			return -1;
		user_mode(g);
	}
	switch (ev) {
	case EV_NONE:
	case NR_CONF_EVENTS:
		break;
	case EV_TFDB:
		c->intercept_exceptions &= ~BIT(VEC_DB);
		/* fall through */
	case EV_TF:
		s->rflags |= RFLAGS_TF;
		break;
	case EV_INJ:
		c->event_inj = SVM_EVTINJ_VALID | SVM_EVTINJ_TYPE_INTR | CONF_INJ_VEC;
		break;
	case EV_INJX:
		c->event_inj = SVM_EVTINJ_VALID | SVM_EVTINJ_TYPE_EXEPT | VEC_BP;
		break;
	case EV_NMI:
		c->event_inj = SVM_EVTINJ_VALID | SVM_EVTINJ_TYPE_NMI | VEC_NMI;
		break;
	case EV_VINTR:
		s->rflags |= RFLAGS_IF;
		c->int_ctl |= V_IRQ_MASK | V_INTR_PRIO_MASK |
			      ((uint64_t)CONF_VINTR_VEC << V_INTR_VECTOR_SHIFT);
		vmcb_clr_intercept(c, INTERCEPT_VINTR);
		break;
	}
	return 0;
}
