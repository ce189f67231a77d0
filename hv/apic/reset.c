/* SPDX-License-Identifier: MIT */
/*
 * The local APIC's INIT state on the physical APIC a vCPU runs on. See
 * hv/apic/reset.h for the rule and the manuals.
 */
#include "hv/apic/reset.h"

#include "hv/apic/lapic.h"
#include "hv/hv.h"
#include "nested/gif.h"
#include "svm/atomic.h"

/* The LVTs every APIC has: timer, thermal, performance, LINT0/1, error. */
static const uint16_t lvts[] = {
	APIC_LVT_TIMER, APIC_LVT_THERMAL, APIC_LVT_PERF,
	APIC_LVT_LINT0, APIC_LVT_LINT1, APIC_LVT_ERROR,
};

#define NLVT            (sizeof(lvts) / sizeof(lvts[0]))
/* Rounds of EOI / accept: 256 vectors in service and pending, with margin. */
#define DRAIN_ROUNDS    600u

unsigned hv_apic_init_quiesce(unsigned n_ext, struct hv_apic_wr out[HV_APIC_PLAN_MAX])
{
	unsigned n = 0;

	if (n_ext > APIC_EXT_LVT_MAX)
		n_ext = APIC_EXT_LVT_MAX;
	for (unsigned i = 0; i < NLVT; i++)
		out[n++] = (struct hv_apic_wr){ lvts[i], APIC_LVT_MASKED };
	for (unsigned i = 0; i < n_ext; i++)
		out[n++] = (struct hv_apic_wr){ (uint16_t)(APIC_EXT_LVT0 + 0x10u * i),
						APIC_LVT_MASKED };
	/* Initial count 0 stops the timer (SDM3 10.5.4); divide reset value 0. */
	out[n++] = (struct hv_apic_wr){ APIC_TIMER_INIT, 0 };
	out[n++] = (struct hv_apic_wr){ APIC_TIMER_DIV, 0 };
	out[n++] = (struct hv_apic_wr){ APIC_TPR, 0 };
	/* Software-enabled while draining: a disabled APIC holds IRR (SDM3 10.4.7.2). */
	out[n++] = (struct hv_apic_wr){ APIC_SVR, APIC_SVR_INIT | APIC_SVR_ENABLE };
	return n;
}

unsigned hv_apic_init_final(bool x2apic, struct hv_apic_wr out[HV_APIC_PLAN_MAX])
{
	unsigned n = 0;

	out[n++] = (struct hv_apic_wr){ APIC_SVR, APIC_SVR_INIT };
	out[n++] = (struct hv_apic_wr){ APIC_ESR, 0 };
	out[n++] = (struct hv_apic_wr){ APIC_ESR, 0 };
	if (!x2apic) {
		out[n++] = (struct hv_apic_wr){ APIC_LDR, 0 };
		out[n++] = (struct hv_apic_wr){ APIC_DFR, APIC_DFR_INIT };
	}
	return n;
}

int hv_apic_bank_highest(const uint32_t bank[8])
{
	for (int w = 7; w >= 0; w--) {
		uint32_t bits = bank[w];

		if (w == 0)
			bits &= 0xffff0000u;    /* vectors 0..15 cannot be pending */
		if (bits)
			return w * 32 + 31 - __builtin_clz(bits);
	}
	return -1;
}

static void apply(const struct hv_apic_wr *w, unsigned n)
{
	for (unsigned i = 0; i < n; i++)
		hv_lapic_write(w[i].reg, w[i].val);
}

static void read_bank(unsigned base, uint32_t bank[8])
{
	for (unsigned w = 0; w < 8; w++)
		bank[w] = hv_lapic_read(base + 0x10u * w);
}

/* Extended LVTs (AMD): counted in APIC_EXT_FEATURE when the space exists. */
static unsigned ext_lvts(void)
{
	if (!(hv_lapic_read(APIC_VER) & APIC_VER_EXT_SPACE))
		return 0;
	return (hv_lapic_read(APIC_EXT_FEATURE) >> 16) & 0xffu;
}

/*
 * Every in-service vector gets an EOI; every pending one is accepted (and
 * counted by the host IDT) and then gets its EOI. The timer is stopped and
 * every LVT masked first, so only IPIs and external interrupts sent while
 * this runs can refill IRR: the round limit bounds the loop.
 */
static unsigned drain(void)
{
	uint32_t bank[8];
	unsigned dropped = 0;

	for (unsigned r = 0; r < DRAIN_ROUNDS; r++) {
		read_bank(APIC_ISR, bank);
		if (hv_apic_bank_highest(bank) >= 0) {
			hv_lapic_write(APIC_EOI, 0);
			continue;
		}
		read_bank(APIC_IRR, bank);
		if (hv_apic_bank_highest(bank) < 0)
			break;
		hv_lapic_accept_pending();
		dropped++;
	}
	return dropped;
}

/*
 * The open GIF may let an NMI in: svmhv's host handler counts it. As
 * hv_smp_nmi_exit() does for an intercepted one: a kick, or the guest's,
 * which nested/gif.h holds for delivery.
 */
static void nmis_taken(struct vcpu *v, uint64_t before)
{
	if (v->cpu->host_nmis == before)
		return;
	if (!svm_atomic_xchg(&v->cpu->kick_pending, 0, __ATOMIC_SEQ_CST))
		nested_gif_nmi(&v->nested.gif);
}

unsigned hv_lapic_init_reset(struct vcpu *v)
{
	struct hv_apic_wr plan[HV_APIC_PLAN_MAX];
	uint64_t nmis = v->cpu->host_nmis;
	unsigned dropped;

	apply(plan, hv_apic_init_quiesce(ext_lvts(), plan));
	dropped = drain();
	nmis_taken(v, nmis);
	apply(plan, hv_apic_init_final(v->apic_x2, plan));
	v->apic_ldr = 0;
	v->apic_dfr = APIC_DFR_INIT;
	v->apic_icr_hi = 0;
	return dropped;
}
