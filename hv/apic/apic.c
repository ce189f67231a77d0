/* SPDX-License-Identifier: MIT */
/*
 * ICR decoding and IPI destination resolution. See hv/apic/apic.h.
 *
 * Manuals: AMD64 APM Vol. 2 rev. 3.42 (APM2) 16.5, 16.6, 16.11; Intel SDM
 * Vol. 3A Dec 2023 (SDM3) 10.6 "Issuing Interprocessor Interrupts" and
 * 10.12 "x2APIC". Where they leave a case open, svmhv does what KVM's
 * lapic.c does (noted below).
 */
#include "hv/apic/apic.h"

/* Messages indexed by result - HV_ICR_ERESERVED (the lowest code). */
#define ICR_IDX(e)      ((e) - HV_ICR_ERESERVED)
static const char *const icr_msgs[] = {
	[ICR_IDX(HV_ICR_OK)]         = "ok",
	[ICR_IDX(HV_ICR_IGNORE)]     = "INIT level de-assert (ignored)",
	[ICR_IDX(HV_ICR_EDELIVERY)]  = "reserved delivery mode",
	[ICR_IDX(HV_ICR_ESHORTHAND)] = "shorthand self/all-including-self with a non-fixed delivery mode",
	[ICR_IDX(HV_ICR_EVECTOR)]    = "illegal vector (< 16) for a fixed or lowest-priority IPI",
	[ICR_IDX(HV_ICR_ERESERVED)]  = "x2APIC ICR reserved bit set",
};

const char *hv_apic_strerror(int err)
{
	if (err < HV_ICR_ERESERVED || err > HV_ICR_IGNORE)
		return "unknown ICR result";
	return icr_msgs[ICR_IDX(err)];
}

static void icr_fields(uint64_t icr, bool x2apic, struct hv_ipi *out)
{
	out->vector = (uint8_t)(icr & APIC_ICR_VECTOR_MASK);
	out->delivery = (enum hv_apic_dm)((icr & APIC_ICR_DM_MASK) >> APIC_ICR_DM_SHIFT);
	out->shorthand = (enum hv_apic_sh)((icr & APIC_ICR_SH_MASK) >> APIC_ICR_SH_SHIFT);
	out->logical = (icr & APIC_ICR_DEST_LOGICAL) != 0;
	out->level_assert = (icr & APIC_ICR_LEVEL_ASSERT) != 0;
	out->trigger_level = (icr & APIC_ICR_TRIGGER_LEVEL) != 0;
	out->x2apic = x2apic;
	if (x2apic)
		out->dest = (uint32_t)(icr >> APIC_ICR_X2APIC_DEST_SHIFT);
	else
		out->dest = (uint32_t)(icr >> APIC_ICR_XAPIC_DEST_SHIFT);
}

/*
 * Validity of the decoded fields, in the order the hardware would refuse
 * them. The xAPIC reserved bits (13, 17:16, 55:20) are ignored by the
 * hardware on a write, so only x2APIC checks them (before decoding).
 */
static int icr_check(const struct hv_ipi *ipi)
{
	bool fixed = ipi->delivery == HV_APIC_DM_FIXED;

	/* 011 and 111: reserved (SDM3 10.6.1); AMD's remote read / ExtINT are
	 * not IPIs any OS or firmware sends (KVM ignores both). */
	if (ipi->delivery == HV_APIC_DM_RSVD3 || ipi->delivery == HV_APIC_DM_RSVD7)
		return HV_ICR_EDELIVERY;
	/* INIT with trigger level and level de-assert is the legacy "INIT level
	 * de-assert" message: no effect since the Pentium 4 (SDM3 10.6.1, Level
	 * and Trigger Mode; KVM drops it). Linux still sends it after INIT. */
	if (ipi->delivery == HV_APIC_DM_INIT && ipi->trigger_level && !ipi->level_assert)
		return HV_ICR_IGNORE;
	/* Self and all-including-self are valid only with fixed delivery.
	 * See: SDM3 Table 10-3. */
	if (!fixed && (ipi->shorthand == HV_APIC_SH_SELF || ipi->shorthand == HV_APIC_SH_ALL))
		return HV_ICR_ESHORTHAND;
	/* Vectors 0..15 are illegal for interrupts with a vector: the sender
	 * sets ESR "send illegal vector" and sends nothing. See: SDM3 10.5.3. */
	if ((fixed || ipi->delivery == HV_APIC_DM_LOWEST) && ipi->vector < 16)
		return HV_ICR_EVECTOR;
	return HV_ICR_OK;
}

int hv_icr_decode(uint64_t icr, bool x2apic, struct hv_ipi *out)
{
	if (x2apic && (icr & APIC_ICR_X2APIC_RSVD))
		return HV_ICR_ERESERVED;
	icr_fields(icr, x2apic, out);
	return icr_check(out);
}

uint32_t hv_x2apic_ldr(uint32_t x2apic_id)
{
	return ((x2apic_id >> 4) << 16) | (1u << (x2apic_id & 0xf));
}

/* x2APIC logical match: same cluster (31:16), a common bit in 15:0. */
static bool match_x2apic_logical(uint32_t x2apic_id, uint32_t dest)
{
	uint32_t lid = hv_x2apic_ldr(x2apic_id);

	return (lid >> 16) == (dest >> 16) && (lid & dest & 0xffff) != 0;
}

/*
 * Logical destination match for one APIC. See: SDM3 10.6.2.2 (xAPIC flat
 * and cluster models), 10.12.10.2 (x2APIC). In the xAPIC cluster model the
 * cluster 0xF addresses every cluster. A DFR model other than flat or
 * cluster matches nothing (as in KVM). An APIC whose mode svmhv does not
 * know is taken to be in the mode of the IPI's form when that is x2APIC (see
 * struct hv_apic_cpu); an xAPIC-form destination cannot match it.
 */
static bool match_logical(const struct hv_apic_cpu *c, const struct hv_ipi *ipi)
{
	uint32_t dest = ipi->dest, lid;

	if (c->unknown)
		return ipi->x2apic && match_x2apic_logical(c->apic_id, dest);
	if (c->x2apic)
		return match_x2apic_logical(c->apic_id, dest);
	lid = APIC_LDR_XAPIC_ID(c->ldr);
	switch (APIC_DFR_MODEL(c->dfr)) {
	case APIC_DFR_FLAT:
		return (lid & dest) != 0;
	case APIC_DFR_CLUSTER:
		if ((dest >> 4) != 0xf && (dest >> 4) != (lid >> 4))
			return false;
		return (lid & dest & 0xf) != 0;
	default:
		return false;
	}
}

/*
 * Whether cpus[i] is addressed by the destination field. The broadcast
 * value of the IPI's own form (0xFF xAPIC, 0xFFFFFFFF x2APIC) reaches every
 * APIC in both destination modes, whatever its LDR (SDM3 10.6.2.1, 10.6.2.2;
 * KVM kvm_apic_match_dest). Otherwise the destination is compared as is
 * with the target's own mode, as KVM does for IPIs between APICs in
 * different modes (e.g. an x2APIC BSP starting an AP that is still xAPIC).
 */
static bool match_dest(const struct hv_ipi *ipi, const struct hv_apic_cpu *c)
{
	uint32_t bcast = ipi->x2apic ? APIC_X2APIC_BROADCAST : APIC_XAPIC_BROADCAST;

	if (ipi->dest == bcast)
		return true;
	if (!ipi->logical)
		return ipi->dest == c->apic_id;
	return match_logical(c, ipi);
}

static bool is_target(const struct hv_ipi *ipi, const struct hv_apic_cpu *c,
		      unsigned i, unsigned self)
{
	if (!c->present)
		return false;
	switch (ipi->shorthand) {
	case HV_APIC_SH_SELF:
		return i == self;
	case HV_APIC_SH_ALL:
		return true;
	case HV_APIC_SH_ALL_BUT_SELF:
		return i != self;
	default:
		return match_dest(ipi, c);
	}
}

static bool in_list(uint32_t id, const uint32_t *ids, unsigned n)
{
	for (unsigned i = 0; i < n; i++)
		if (ids[i] == id)
			return true;
	return false;
}

unsigned hv_ipi_outside(const struct hv_ipi *ipi, unsigned known, const uint32_t *outside,
			unsigned n, uint32_t *out, unsigned max)
{
	uint32_t bcast = ipi->x2apic ? APIC_X2APIC_BROADCAST : APIC_XAPIC_BROADCAST;
	unsigned k = 0;

	if (ipi->shorthand == HV_APIC_SH_SELF)
		return 0;
	if (ipi->shorthand != HV_APIC_SH_NONE || ipi->dest == bcast) {
		/* An xAPIC ICR names 8-bit IDs: a CPU above 0xff is not reachable so. */
		for (unsigned i = 0; i < n && k < max; i++)
			if (ipi->x2apic || outside[i] < APIC_XAPIC_BROADCAST)
				out[k++] = outside[i];
		return k;
	}
	if (ipi->logical) {
		/* Outside CPUs are in the sender's mode; only x2APIC IDs say their LDR. */
		for (unsigned i = 0; ipi->x2apic && i < n && k < max; i++)
			if (match_x2apic_logical(outside[i], ipi->dest))
				out[k++] = outside[i];
		return k;
	}
	if (!max)
		return 0;
	if (in_list(ipi->dest, outside, n) || known == 0) {
		out[0] = ipi->dest;
		return 1;
	}
	return 0;
}

unsigned hv_ipi_targets(const struct hv_ipi *ipi, const struct hv_apic_cpu *cpus,
			unsigned ncpu, unsigned self, struct hv_cpu_set *out)
{
	unsigned n = 0;

	*out = (struct hv_cpu_set){ { 0 } };
	if (ncpu > HV_APIC_MAX_CPUS)
		ncpu = HV_APIC_MAX_CPUS;
	for (unsigned i = 0; i < ncpu; i++) {
		if (!is_target(ipi, &cpus[i], i, self))
			continue;
		out->w[i / 64] |= 1ull << (i % 64);
		n++;
		/* Lowest priority: one CPU, the first match (see hv/apic/apic.h). */
		if (ipi->delivery == HV_APIC_DM_LOWEST)
			break;
	}
	return n;
}
