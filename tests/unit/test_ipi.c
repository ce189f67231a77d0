/* SPDX-License-Identifier: MIT */
/*
 * Host unit tests for hv/apic/apic.c, IPI destination resolution: physical,
 * broadcast, xAPIC flat and cluster logical, x2APIC logical, shorthands,
 * lowest priority, CPUs not present, APICs in different modes.
 * Expected masks are worked out by hand from SDM3 10.6.2 and 10.12.10.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <string.h>

#include "hv/apic/apic.h"

#define DFR_FLAT        0xffffffffu     /* reset value: flat model */
#define DFR_CLUSTER     0x0fffffffu

/* An IPI as hv_icr_decode() would give it. */
static struct hv_ipi ipi(enum hv_apic_dm dm, enum hv_apic_sh sh, bool logical, uint32_t dest,
			 bool x2apic)
{
	struct hv_ipi i = {
		.dest = dest, .vector = dm == HV_APIC_DM_FIXED || dm == HV_APIC_DM_LOWEST ? 0x40 : 0,
		.delivery = dm, .shorthand = sh, .logical = logical, .level_assert = true,
		.x2apic = x2apic,
	};
	return i;
}

static void expect(const struct hv_ipi *i, const struct hv_apic_cpu *cpus, unsigned n,
		   unsigned self, uint64_t want)
{
	struct hv_cpu_set set;
	unsigned got, k;
	uint64_t mask;

	memset(&set, 0xa5, sizeof(set));
	got = hv_ipi_targets(i, cpus, n, self, &set);
	mask = set.w[0];
	for (k = 1; k < HV_APIC_MAX_CPUS / 64; k++)
		assert_int_equal(set.w[k], 0);
	if (mask != want)
		print_error("dest %#x sh %d logical %d: mask %#llx, want %#llx\n", i->dest,
			    i->shorthand, i->logical, (unsigned long long)mask,
			    (unsigned long long)want);
	assert_int_equal(mask, want);
	assert_int_equal(got, __builtin_popcountll(want));
}

/* xAPIC, flat model: CPU i has ID i and logical ID bit i; CPU 4 is not present. */
static const struct hv_apic_cpu flat[] = {
	{ .apic_id = 0, .ldr = 0x01000000, .dfr = DFR_FLAT, .present = true },
	{ .apic_id = 1, .ldr = 0x02000000, .dfr = DFR_FLAT, .present = true },
	{ .apic_id = 2, .ldr = 0x04000000, .dfr = DFR_FLAT, .present = true },
	{ .apic_id = 3, .ldr = 0x08000000, .dfr = DFR_FLAT, .present = true },
	{ .apic_id = 4, .ldr = 0x10000000, .dfr = DFR_FLAT, .present = false },
	{ .apic_id = 5, .ldr = 0, .dfr = DFR_FLAT, .present = true },    /* LDR not yet set */
};

static void test_physical(void **state)
{
	struct hv_ipi i;

	(void)state;
	i = ipi(HV_APIC_DM_INIT, HV_APIC_SH_NONE, false, 2, false);
	expect(&i, flat, 6, 0, 0x04);
	i.dest = 0;                     /* to self by ID */
	expect(&i, flat, 6, 0, 0x01);
	i.dest = 4;                     /* not present */
	expect(&i, flat, 6, 0, 0);
	i.dest = 7;                     /* nobody */
	expect(&i, flat, 6, 0, 0);
	i.dest = 0xff;                  /* broadcast, self included */
	expect(&i, flat, 6, 0, 0x2f);
	i.dest = 5;
	expect(&i, flat, 6, 0, 0x20);
	expect(&i, flat, 5, 0, 0);      /* beyond ncpu */
}

static void test_flat_logical(void **state)
{
	struct hv_ipi i;

	(void)state;
	i = ipi(HV_APIC_DM_FIXED, HV_APIC_SH_NONE, true, 0x05, false);
	expect(&i, flat, 6, 0, 0x05);
	i.dest = 0x18;                  /* CPU 4 is not present */
	expect(&i, flat, 6, 0, 0x08);
	i.dest = 0x10;
	expect(&i, flat, 6, 0, 0);
	i.dest = 0xe0;
	expect(&i, flat, 6, 0, 0);
	i.dest = 0xff;                  /* broadcast reaches LDR 0 too */
	expect(&i, flat, 6, 0, 0x2f);
	i.dest = 0;
	expect(&i, flat, 6, 0, 0);
}

/* Cluster model: LDR[31:28] cluster, LDR[27:24] one bit per APIC. */
static const struct hv_apic_cpu cluster[] = {
	{ .apic_id = 0x00, .ldr = 0x01000000, .dfr = DFR_CLUSTER, .present = true },
	{ .apic_id = 0x01, .ldr = 0x02000000, .dfr = DFR_CLUSTER, .present = true },
	{ .apic_id = 0x10, .ldr = 0x11000000, .dfr = DFR_CLUSTER, .present = true },
	{ .apic_id = 0x11, .ldr = 0x12000000, .dfr = DFR_CLUSTER, .present = true },
	{ .apic_id = 0x20, .ldr = 0x21000000, .dfr = DFR_CLUSTER, .present = true },
	{ .apic_id = 0x21, .ldr = 0x22000000, .dfr = DFR_CLUSTER, .present = false },
	{ .apic_id = 0x30, .ldr = 0x31000000, .dfr = 0x5fffffffu, .present = true }, /* bad model */
};

static void test_cluster_logical(void **state)
{
	struct hv_ipi i;

	(void)state;
	i = ipi(HV_APIC_DM_FIXED, HV_APIC_SH_NONE, true, 0x03, false);
	expect(&i, cluster, 7, 0, 0x03);
	i.dest = 0x11;
	expect(&i, cluster, 7, 0, 0x04);
	i.dest = 0x13;
	expect(&i, cluster, 7, 0, 0x0c);
	i.dest = 0x23;                  /* CPU 5 is not present */
	expect(&i, cluster, 7, 0, 0x10);
	i.dest = 0xf1;                  /* cluster 15: bit 0 of every cluster */
	expect(&i, cluster, 7, 0, 0x15);
	i.dest = 0xff;                  /* broadcast */
	expect(&i, cluster, 7, 0, 0x5f);
	i.dest = 0x31;                  /* CPU 6's DFR model is neither flat nor cluster */
	expect(&i, cluster, 7, 0, 0);
	i.dest = 0x10;                  /* a cluster, no APIC bit */
	expect(&i, cluster, 7, 0, 0);
}

/* x2APIC: logical IDs derived from the x2APIC IDs (cluster id >> 4). */
static const struct hv_apic_cpu x2[] = {
	{ .apic_id = 0, .x2apic = true, .present = true },
	{ .apic_id = 1, .x2apic = true, .present = true },
	{ .apic_id = 16, .x2apic = true, .present = true },
	{ .apic_id = 17, .x2apic = true, .present = true },
	{ .apic_id = 0x12345, .x2apic = true, .present = true },
	{ .apic_id = 0xff, .x2apic = true, .present = true },
	{ .apic_id = 2, .x2apic = true, .present = false },
	/* Stale xAPIC-style LDR/DFR values must not matter in x2APIC mode. */
	{ .apic_id = 32, .ldr = 0xff000000, .dfr = DFR_FLAT, .x2apic = true, .present = true },
};

static void test_x2apic(void **state)
{
	struct hv_ipi i;

	(void)state;
	i = ipi(HV_APIC_DM_INIT, HV_APIC_SH_NONE, false, 0x12345, true);
	expect(&i, x2, 8, 0, 0x10);
	i.dest = 0xff;                  /* an ordinary ID in x2APIC mode */
	expect(&i, x2, 8, 0, 0x20);
	i.dest = 0xffffffffu;           /* broadcast */
	expect(&i, x2, 8, 0, 0xbf);
	i.dest = 2;
	expect(&i, x2, 8, 0, 0);
	i = ipi(HV_APIC_DM_FIXED, HV_APIC_SH_NONE, true, 0x00000003, true);
	expect(&i, x2, 8, 0, 0x03);
	i.dest = 0x00000007;            /* ID 2 is not present */
	expect(&i, x2, 8, 0, 0x03);
	i.dest = 0x00010003;
	expect(&i, x2, 8, 0, 0x0c);
	i.dest = 0x12340020;
	expect(&i, x2, 8, 0, 0x10);
	i.dest = 0x00020001;            /* ID 32: cluster 2, bit 0 */
	expect(&i, x2, 8, 0, 0x80);
	i.dest = 0x00010000;            /* no APIC bit */
	expect(&i, x2, 8, 0, 0);
	i.dest = 0xffff0001;            /* no cluster broadcast in x2APIC */
	expect(&i, x2, 8, 0, 0);
	i.dest = 0xffffffffu;
	expect(&i, x2, 8, 0, 0xbf);
}

static void test_shorthands(void **state)
{
	struct hv_ipi i;

	(void)state;
	/* The destination field is ignored with a shorthand. */
	i = ipi(HV_APIC_DM_FIXED, HV_APIC_SH_SELF, false, 3, false);
	expect(&i, flat, 6, 2, 0x04);
	i.shorthand = HV_APIC_SH_ALL;
	expect(&i, flat, 6, 2, 0x2f);
	i = ipi(HV_APIC_DM_INIT, HV_APIC_SH_ALL_BUT_SELF, false, 2, false);
	expect(&i, flat, 6, 2, 0x2b);
	i.delivery = HV_APIC_DM_SIPI;
	expect(&i, flat, 6, 0, 0x2e);
	i.x2apic = true;
	expect(&i, x2, 8, 0, 0xbe);
	/* A self index out of range (or of a CPU not present) targets nothing itself. */
	i = ipi(HV_APIC_DM_FIXED, HV_APIC_SH_SELF, false, 0, false);
	expect(&i, flat, 6, 4, 0);
	expect(&i, flat, 6, 9, 0);
	i.shorthand = HV_APIC_SH_ALL_BUT_SELF;
	expect(&i, flat, 6, 9, 0x2f);
}

/* Lowest priority: one target, the lowest-index match. */
static void test_lowest_priority(void **state)
{
	struct hv_ipi i;

	(void)state;
	i = ipi(HV_APIC_DM_LOWEST, HV_APIC_SH_NONE, true, 0x0c, false);
	expect(&i, flat, 6, 0, 0x04);
	i.dest = 0xff;
	expect(&i, flat, 6, 0, 0x01);
	i.dest = 0x10;                  /* only CPU 4, not present */
	expect(&i, flat, 6, 0, 0);
	i.shorthand = HV_APIC_SH_ALL_BUT_SELF;
	expect(&i, flat, 6, 0, 0x02);
	i = ipi(HV_APIC_DM_LOWEST, HV_APIC_SH_NONE, true, 0xf3, false);
	expect(&i, cluster, 7, 0, 0x01);
}

/*
 * APICs in different modes (a BSP already in x2APIC mode starting an AP
 * that is still xAPIC): the destination is compared as is; broadcast is
 * the sender's form.
 */
static void test_mixed_modes(void **state)
{
	const struct hv_apic_cpu mixed[] = {
		{ .apic_id = 0, .x2apic = true, .present = true },
		{ .apic_id = 3, .ldr = 0x08000000, .dfr = DFR_FLAT, .present = true },
		{ .apic_id = 0xff, .x2apic = true, .present = true },
	};
	struct hv_ipi i;

	(void)state;
	i = ipi(HV_APIC_DM_INIT, HV_APIC_SH_NONE, false, 3, true);
	expect(&i, mixed, 3, 0, 0x02);
	i.dest = 0xff;                  /* x2APIC form: ID 0xff, not broadcast */
	expect(&i, mixed, 3, 0, 0x04);
	i.x2apic = false;               /* xAPIC form: broadcast */
	expect(&i, mixed, 3, 0, 0x07);
	i = ipi(HV_APIC_DM_FIXED, HV_APIC_SH_NONE, true, 0x08, false);
	expect(&i, mixed, 3, 0, 0x02);
	i.dest = 0x01;                  /* x2APIC ID 0: cluster 0, bit 0 */
	expect(&i, mixed, 3, 0, 0x01);
}

/* The set holds every one of HV_APIC_MAX_CPUS targets, and nothing beyond. */
static void expect_all_but(const struct hv_ipi *i, const struct hv_apic_cpu *cpus, unsigned n,
			   unsigned self, int but)
{
	struct hv_cpu_set set;
	unsigned want = 0;

	assert_int_equal(hv_ipi_targets(i, cpus, n, self, &set),
			 HV_APIC_MAX_CPUS - (but >= 0));
	for (unsigned k = 0; k < HV_APIC_MAX_CPUS + 8; k++)
		want += hv_cpu_set_has(&set, k);
	assert_int_equal(want, HV_APIC_MAX_CPUS - (but >= 0));
	assert_true(but < 0 || !hv_cpu_set_has(&set, (unsigned)but));
	assert_false(hv_cpu_set_has(&set, HV_APIC_MAX_CPUS));
}

/*
 * At most HV_APIC_MAX_CPUS (256) CPUs are considered; indexes 63, 64 and
 * 255 work (issue 16: more than 64 CPUs).
 */
static void test_many_cpus(void **state)
{
	static struct hv_apic_cpu many[HV_APIC_MAX_CPUS + 6];
	struct hv_cpu_set set;
	struct hv_ipi i;

	(void)state;
	for (unsigned k = 0; k < HV_APIC_MAX_CPUS + 6; k++)
		many[k] = (struct hv_apic_cpu){ .apic_id = k, .x2apic = true, .present = true };
	i = ipi(HV_APIC_DM_INIT, HV_APIC_SH_ALL_BUT_SELF, false, 0, true);
	expect_all_but(&i, many, HV_APIC_MAX_CPUS + 6, 0, 0);
	expect_all_but(&i, many, HV_APIC_MAX_CPUS + 6, 200, 200);
	i.shorthand = HV_APIC_SH_NONE;
	i.dest = 63;
	expect(&i, many, HV_APIC_MAX_CPUS + 6, 0, 1ull << 63);
	for (unsigned d = 64; d < HV_APIC_MAX_CPUS; d += 191) {   /* 64, 255 */
		i.dest = d;
		assert_int_equal(hv_ipi_targets(&i, many, HV_APIC_MAX_CPUS + 6, 0, &set), 1);
		assert_true(hv_cpu_set_has(&set, d));
		assert_false(hv_cpu_set_has(&set, d - 1));
	}
	i.dest = HV_APIC_MAX_CPUS;                      /* index 256: not considered */
	expect(&i, many, HV_APIC_MAX_CPUS + 6, 0, 0);
	i.dest = 0xffffffffu;
	expect_all_but(&i, many, HV_APIC_MAX_CPUS + 6, 0, -1);
	expect(&i, many, 0, 0, 0);
}

/* From the guest's ICR write to the target set, Linux's and OVMF's sequences. */
static void test_decode_then_resolve(void **state)
{
	struct hv_ipi i;

	(void)state;
	assert_int_equal(hv_icr_decode(0x0300000000000000ull | 0xc500, false, &i), HV_ICR_OK);
	expect(&i, flat, 6, 0, 0x08);
	assert_int_equal(hv_icr_decode(0xc4500, false, &i), HV_ICR_OK);
	expect(&i, flat, 6, 0, 0x2e);
	assert_int_equal(hv_icr_decode(0x0001234500000000ull | 0x069a, true, &i), HV_ICR_OK);
	expect(&i, x2, 8, 0, 0x10);
}

/*
 * INIT/SIPI to CPUs outside svmhv's table (issue 16): processors the firmware
 * did not enable (APIC IDs 0x10, 0x11 here) get broadcasts and their own
 * physical destination; an ID no CPU has goes to the hardware as addressed;
 * never silently nowhere.
 */
static void test_outside_cpus(void **state)
{
	static const uint32_t outside[] = { 0x10, 0x11 };
	uint32_t out[4] = { 0 };
	struct hv_ipi i;

	(void)state;
	i = ipi(HV_APIC_DM_INIT, HV_APIC_SH_ALL_BUT_SELF, false, 0, false);
	assert_int_equal(hv_ipi_outside(&i, 3, outside, 2, out, 4), 2);
	assert_int_equal(out[0], 0x10);
	assert_int_equal(out[1], 0x11);
	i = ipi(HV_APIC_DM_SIPI, HV_APIC_SH_ALL, false, 0, false);
	assert_int_equal(hv_ipi_outside(&i, 4, outside, 2, out, 1), 1);   /* at most max */
	i = ipi(HV_APIC_DM_INIT, HV_APIC_SH_NONE, false, APIC_XAPIC_BROADCAST, false);
	assert_int_equal(hv_ipi_outside(&i, 3, outside, 2, out, 4), 2);
	i = ipi(HV_APIC_DM_INIT, HV_APIC_SH_NONE, true, APIC_X2APIC_BROADCAST, true);
	assert_int_equal(hv_ipi_outside(&i, 3, outside, 2, out, 4), 2);
	/* x2APIC IDs above 0xfe: only an x2APIC-form broadcast reaches them. */
	{
		static const uint32_t wide[] = { 0x10, 0x1ff };

		i = ipi(HV_APIC_DM_INIT, HV_APIC_SH_ALL_BUT_SELF, false, 0, false);
		assert_int_equal(hv_ipi_outside(&i, 3, wide, 2, out, 4), 1);
		assert_int_equal(out[0], 0x10);
		i.x2apic = true;
		assert_int_equal(hv_ipi_outside(&i, 3, wide, 2, out, 4), 2);
		assert_int_equal(out[1], 0x1ff);
	}
	/* self never leaves svmhv; a CPU under svmhv is not outside */
	i = ipi(HV_APIC_DM_INIT, HV_APIC_SH_SELF, false, 0, false);
	assert_int_equal(hv_ipi_outside(&i, 1, outside, 2, out, 4), 0);
	i = ipi(HV_APIC_DM_SIPI, HV_APIC_SH_NONE, false, 2, false);
	assert_int_equal(hv_ipi_outside(&i, 1, outside, 2, out, 4), 0);
	/* physical: one of the outside CPUs, or an ID svmhv does not know */
	out[0] = 0;
	i = ipi(HV_APIC_DM_SIPI, HV_APIC_SH_NONE, false, 0x11, false);
	assert_int_equal(hv_ipi_outside(&i, 0, outside, 2, out, 4), 1);
	assert_int_equal(out[0], 0x11);
	i = ipi(HV_APIC_DM_INIT, HV_APIC_SH_NONE, false, 0x42, false);
	assert_int_equal(hv_ipi_outside(&i, 0, outside, 2, out, 4), 1);
	assert_int_equal(out[0], 0x42);
	i = ipi(HV_APIC_DM_INIT, HV_APIC_SH_NONE, false, 0x42, false);
	assert_int_equal(hv_ipi_outside(&i, 0, NULL, 0, out, 4), 1);
	/* logical: unknown LDRs out there, nothing to resolve */
	i = ipi(HV_APIC_DM_INIT, HV_APIC_SH_NONE, true, 0x80, false);
	assert_int_equal(hv_ipi_outside(&i, 0, outside, 2, out, 4), 0);
}

/*
 * x2APIC logical destinations (issue 16: firmware-enabled x2APIC in logical
 * mode lost INIT/SIPI) over CPUs svmhv runs in x2APIC mode, CPUs it has not
 * taken yet (mode unknown: found by the logical ID their x2APIC ID gives),
 * one absent, and one known in xAPIC mode (matched as in test_mixed_modes).
 */
static void test_x2apic_logical_unknown(void **state)
{
	const struct hv_apic_cpu cpus[] = {
		{ .apic_id = 0x00, .x2apic = true, .present = true },
		{ .apic_id = 0x01, .present = true, .unknown = true },
		{ .apic_id = 0x02, .x2apic = true, .present = true },
		{ .apic_id = 0x10, .present = true, .unknown = true },     /* cluster 1, bit 0 */
		{ .apic_id = 0x1f, .x2apic = true, .present = true },      /* cluster 1, bit 15 */
		{ .apic_id = 0x20, .present = false, .unknown = true },
		{ .apic_id = 0x03, .ldr = 0x08000000, .dfr = DFR_FLAT, .present = true },
		{ .apic_id = 0x21, .present = true, .unknown = true },     /* cluster 2, bit 1 */
	};
	static const struct { enum hv_apic_dm dm; uint32_t dest; uint64_t want; } c[] = {
		{ HV_APIC_DM_INIT, 0x00000007, 0x07 },
		{ HV_APIC_DM_INIT, 0x00000002, 0x02 },         /* the unknown one alone */
		{ HV_APIC_DM_INIT, 0x00000008, 0x40 },         /* ID 3's bit: the xAPIC LDR */
		{ HV_APIC_DM_INIT, 0x00018001, 0x18 },
		{ HV_APIC_DM_SIPI, 0x00010001, 0x08 },
		{ HV_APIC_DM_SIPI, 0x00020003, 0x80 },         /* 0x20 absent */
		{ HV_APIC_DM_SIPI, 0x00030001, 0x00 },
		{ HV_APIC_DM_INIT, 0x00000000, 0x00 },
		{ HV_APIC_DM_INIT, 0xffffffff, 0xdf },         /* broadcast: all present */
		{ HV_APIC_DM_FIXED, 0x00008006, 0x06 },
		{ HV_APIC_DM_LOWEST, 0x00000006, 0x02 },       /* lowest index first */
		{ HV_APIC_DM_NMI, 0x00018000, 0x10 },
	};
	struct hv_ipi i;

	(void)state;
	for (size_t k = 0; k < sizeof(c) / sizeof(c[0]); k++) {
		i = ipi(c[k].dm, HV_APIC_SH_NONE, true, c[k].dest, true);
		expect(&i, cpus, 8, 0, c[k].want);
	}
	/* An xAPIC-form logical destination never finds an unknown CPU. */
	i = ipi(HV_APIC_DM_INIT, HV_APIC_SH_NONE, true, 0x02, false);
	expect(&i, cpus, 8, 0, 0x00);
	i.dest = 0x0a;
	expect(&i, cpus, 8, 0, 0x40);
	/* Physical and shorthands reach unknown CPUs as before. */
	i = ipi(HV_APIC_DM_INIT, HV_APIC_SH_NONE, false, 0x10, true);
	expect(&i, cpus, 8, 0, 0x08);
	i = ipi(HV_APIC_DM_INIT, HV_APIC_SH_ALL_BUT_SELF, false, 0, true);
	expect(&i, cpus, 8, 0, 0xde);
}

/* x2APIC logical destinations also reach processors outside svmhv's table. */
static void test_outside_x2apic_logical(void **state)
{
	static const uint32_t outside[] = { 0x40, 0x41, 0x4f, 0x50 };
	uint32_t out[4] = { 0 };
	struct hv_ipi i;

	(void)state;
	i = ipi(HV_APIC_DM_INIT, HV_APIC_SH_NONE, true, 0x00048002, true);
	assert_int_equal(hv_ipi_outside(&i, 0, outside, 4, out, 4), 2);
	assert_int_equal(out[0], 0x41);
	assert_int_equal(out[1], 0x4f);
	assert_int_equal(hv_ipi_outside(&i, 3, outside, 4, out, 1), 1);   /* at most max */
	i.delivery = HV_APIC_DM_SIPI;
	i.dest = 0x00050001;
	assert_int_equal(hv_ipi_outside(&i, 1, outside, 4, out, 4), 1);
	assert_int_equal(out[0], 0x50);
	i.dest = 0x00040000;                            /* no bit: nobody */
	assert_int_equal(hv_ipi_outside(&i, 0, outside, 4, out, 4), 0);
	i.dest = 0x00000001;                            /* another cluster */
	assert_int_equal(hv_ipi_outside(&i, 0, outside, 4, out, 4), 0);
	i.x2apic = false;                               /* xAPIC form: LDRs unknown */
	i.dest = 0x02;
	assert_int_equal(hv_ipi_outside(&i, 0, outside, 4, out, 4), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_physical),
		cmocka_unit_test(test_flat_logical),
		cmocka_unit_test(test_cluster_logical),
		cmocka_unit_test(test_x2apic),
		cmocka_unit_test(test_shorthands),
		cmocka_unit_test(test_lowest_priority),
		cmocka_unit_test(test_mixed_modes),
		cmocka_unit_test(test_many_cpus),
		cmocka_unit_test(test_decode_then_resolve),
		cmocka_unit_test(test_outside_cpus),
		cmocka_unit_test(test_x2apic_logical_unknown),
		cmocka_unit_test(test_outside_x2apic_logical),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
