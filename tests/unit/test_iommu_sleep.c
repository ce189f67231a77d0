/* SPDX-License-Identifier: MIT */
/*
 * hv/iommu/sleep.c: the FADT's sleep registers, the \_Sx_ declarations in
 * AML (scan and rename) and the PM1 write policy. Real tables: QEMU 7.2's
 * q35 DSDT and FADT with -global ICH9-LPC.disable_s3=0, dumped from a Linux
 * guest's /sys/firmware/acpi/tables (tests/guest/fwtest dump-acpi) into
 * tests/unit/data/q35-s3-{DSDT,FACP}.aml.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "hv/iommu/acpi.h"
#include "hv/iommu/sleep.h"

#define PM1_SLP_EN      (1u << 13)
#define TYP(t)          ((uint32_t)(t) << 10)

static uint8_t dsdt[64 * 1024], facp[1024];
static size_t dsdt_len, facp_len;

static size_t load(const char *path, uint8_t *buf, size_t max)
{
	FILE *f = fopen(path, "rb");
	size_t n;

	if (!f)
		fail_msg("cannot open %s (run from the source tree's root)", path);
	n = fread(buf, 1, max, f);
	fclose(f);
	return n;
}

static int setup(void **state)
{
	(void)state;
	dsdt_len = load("tests/unit/data/q35-s3-DSDT.aml", dsdt, sizeof(dsdt));
	facp_len = load("tests/unit/data/q35-s3-FACP.aml", facp, sizeof(facp));
	assert_true(dsdt_len > 1000 && facp_len == 244);
	return 0;
}

static void put32(uint8_t *p, uint32_t v)
{
	for (int i = 0; i < 4; i++)
		p[i] = (uint8_t)(v >> (8 * i));
}

static void put64(uint8_t *p, uint64_t v)
{
	put32(p, (uint32_t)v);
	put32(p + 4, (uint32_t)(v >> 32));
}

static void gas(uint8_t *p, uint8_t space, uint64_t addr)
{
	memset(p, 0, 12);
	p[0] = space;
	put64(p + 4, addr);
}

static const struct sleep_port *port_of(const struct fadt_sleep *f, enum sleep_reg reg,
					unsigned b, uint16_t port)
{
	for (unsigned i = 0; i < f->nports; i++)
		if (f->ports[i].reg == reg && f->ports[i].b == b && f->ports[i].port == port)
			return &f->ports[i];
	return NULL;
}

/* ---- FADT ---- */

static void test_fadt_qemu(void **state)
{
	struct fadt_sleep f;

	(void)state;
	assert_int_equal(fadt_sleep_decode(facp, facp_len, &f), 0);
	/* PM1a_CNT 0x604 and PM1a_EVT 0x600; the X_ forms name the same ports. */
	assert_int_equal(f.nports, 2);
	assert_non_null(port_of(&f, SLEEP_REG_PM1_CNT, 0, 0x604));
	assert_non_null(port_of(&f, SLEEP_REG_PM1_STS, 0, 0x600));
	assert_int_equal(port_of(&f, SLEEP_REG_PM1_CNT, 0, 0x604)->len, 2);
	assert_false(f.hw_reduced);
	assert_false(f.mmio);
	assert_true(f.dsdt != 0);
}

/* A synthetic FADT of @len bytes with the 32-bit blocks of QEMU's. */
static void fadt_make(uint8_t *t, size_t len)
{
	memset(t, 0, len);
	memcpy(t, "FACP", 4);
	put32(t + 4, (uint32_t)len);
	put32(t + 40, 0x1000);
	put32(t + 56, 0x600);
	put32(t + 64, 0x604);
}

static void test_fadt_forms(void **state)
{
	uint8_t t[276];
	struct fadt_sleep f;

	(void)state;
	/* X_ blocks that differ from the 32-bit ones: both guarded. */
	fadt_make(t, sizeof(t));
	gas(t + 172, 1, 0x804);
	gas(t + 184, 1, 0x808);                         /* PM1b_CNT only in X_ form */
	put64(t + 140, 0x2000);
	assert_int_equal(fadt_sleep_decode(t, sizeof(t), &f), 0);
	assert_non_null(port_of(&f, SLEEP_REG_PM1_CNT, 0, 0x604));
	assert_non_null(port_of(&f, SLEEP_REG_PM1_CNT, 0, 0x804));
	assert_non_null(port_of(&f, SLEEP_REG_PM1_CNT, 1, 0x808));
	assert_int_equal(f.dsdt, 0x2000);
	assert_int_equal(f.dsdt32, 0x1000);
	/* HW-reduced: sleep control and status registers in I/O space. */
	fadt_make(t, sizeof(t));
	put32(t + 56, 0);
	put32(t + 64, 0);
	put32(t + 112, FADT_F_HW_REDUCED);
	gas(t + 244, 1, 0x900);
	gas(t + 256, 1, 0x901);
	assert_int_equal(fadt_sleep_decode(t, sizeof(t), &f), 0);
	assert_true(f.hw_reduced);
	assert_int_equal(f.nports, 2);
	assert_int_equal(port_of(&f, SLEEP_REG_SLP_CNT, 0, 0x900)->len, 1);
	assert_non_null(port_of(&f, SLEEP_REG_SLP_STS, 0, 0x901));
	/* In memory space: not guarded, said. */
	gas(t + 244, 0, 0xfed80000ull);
	assert_int_equal(fadt_sleep_decode(t, sizeof(t), &f), 0);
	assert_true(f.mmio);
	assert_null(port_of(&f, SLEEP_REG_SLP_CNT, 0, 0x900));
}

static void test_fadt_bad(void **state)
{
	uint8_t t[276];
	struct fadt_sleep f;

	(void)state;
	fadt_make(t, sizeof(t));
	assert_int_equal(fadt_sleep_decode(t, 100, &f), ACPI_EINVAL);  /* length field 276 */
	fadt_make(t, 100);
	assert_int_equal(fadt_sleep_decode(t, 100, &f), ACPI_EINVAL);  /* shorter than 116 */
	assert_int_equal(fadt_sleep_decode(NULL, 244, &f), ACPI_EINVAL);
	fadt_make(t, sizeof(t));
	put32(t + 64, 0xffff);                          /* a 2-byte register past 0xFFFF */
	assert_int_equal(fadt_sleep_decode(t, sizeof(t), &f), ACPI_EINVAL);
	fadt_make(t, sizeof(t));
	gas(t + 172, 1, 0x12345);
	assert_int_equal(fadt_sleep_decode(t, sizeof(t), &f), ACPI_EINVAL);
}

/* ---- AML ---- */

static void test_scan_qemu(void **state)
{
	struct acpi_sleep_info info = { 0 };
	uint32_t offs[AML_MAX_RENAMES];
	int n;

	(void)state;
	n = aml_sleep_scan(dsdt, dsdt_len, &info, offs, AML_MAX_RENAMES);
	assert_int_equal(n, 1);
	assert_memory_equal(dsdt + offs[0], "_S3_", 4);
	assert_int_equal(dsdt[offs[0] - 1], 0x08);      /* NameOp */
	assert_true(info.s[3].found && info.s[3].typ_known);
	assert_int_equal(info.s[3].typ_a, 1);
	assert_int_equal(info.s[3].typ_b, 1);
	assert_int_equal(info.s[4].typ_a, 2);
	assert_true(info.s[5].typ_known);
	assert_int_equal(info.s[5].typ_a, 0);
	assert_false(info.s[1].found);
	assert_false(info.s[2].found);
}

static void test_hide_qemu(void **state)
{
	static uint8_t t[sizeof(dsdt)];
	struct acpi_sleep_info info = { 0 };
	uint32_t offs[AML_MAX_RENAMES];
	int n;

	(void)state;
	memcpy(t, dsdt, dsdt_len);
	n = aml_sleep_scan(t, dsdt_len, &info, offs, AML_MAX_RENAMES);
	assert_int_equal(aml_sleep_hide(t, dsdt_len, offs, (unsigned)n), 0);
	assert_true(acpi_checksum_ok(t, dsdt_len));
	assert_memory_equal(t + offs[0], "XS3_", 4);
	/* Nothing else changed but the checksum. */
	for (size_t i = 0; i < dsdt_len; i++)
		if (i != offs[0] && i != 9)
			assert_int_equal(t[i], dsdt[i]);
	/* Scanned again: no S3 left, S4 and S5 as before. */
	memset(&info, 0, sizeof(info));
	assert_int_equal(aml_sleep_scan(t, dsdt_len, &info, offs, AML_MAX_RENAMES), 0);
	assert_false(info.s[3].found);
	assert_true(info.s[5].typ_known);
}

/* A definition block: header + @aml, length and checksum right. */
static size_t block(uint8_t *t, const uint8_t *aml, size_t n)
{
	uint8_t sum = 0;

	memset(t, 0, ACPI_HDR_LEN);
	memcpy(t, "SSDT", 4);
	put32(t + 4, (uint32_t)(ACPI_HDR_LEN + n));
	memcpy(t + ACPI_HDR_LEN, aml, n);
	for (size_t i = 0; i < ACPI_HDR_LEN + n; i++)
		sum = (uint8_t)(sum + t[i]);
	t[9] = (uint8_t)-sum;
	return ACPI_HDR_LEN + n;
}

static void test_scan_forms(void **state)
{
	static const uint8_t aml[] = {
		/* Name (\_S3_, Package (0x01) { 0x0305 }): ACPI 1.0's packed form */
		0x08, 0x5c, '_', 'S', '3', '_', 0x12, 0x05, 0x01, 0x0b, 0x05, 0x03,
		/* Method (_S1_, 0) { } */
		0x14, 0x07, '_', 'S', '1', '_', 0x00, 0xa3,
		/* Name (^_S2_, Package (0x02) { 0x0A06, 0x0A07 }) */
		0x08, 0x5e, '_', 'S', '2', '_', 0x12, 0x06, 0x02, 0x0a, 0x06, 0x0a, 0x07,
		/* Name (_S5_, Package (0x02) { 0x0C 07000000, One }) */
		0x08, '_', 'S', '5', '_', 0x12, 0x08, 0x02, 0x0c, 0x07, 0, 0, 0, 0x01,
		/* Name (_S4_, Package (0x02) { Zero ... ) cut short: PkgLength past the end */
		0x08, '_', 'S', '4', '_', 0x12, 0x3f, 0x02, 0x00,
	};
	uint8_t t[256];
	size_t len = block(t, aml, sizeof(aml));
	struct acpi_sleep_info info = { 0 };
	uint32_t offs[AML_MAX_RENAMES];

	(void)state;
	assert_int_equal(aml_sleep_scan(t, len, &info, offs, AML_MAX_RENAMES), 3);
	assert_true(info.s[3].typ_known);
	assert_int_equal(info.s[3].typ_a, 5);
	assert_int_equal(info.s[3].typ_b, 3);
	assert_true(info.s[1].found);
	assert_false(info.s[1].typ_known);              /* a method: no values */
	assert_int_equal(info.s[2].typ_a, 6);
	assert_int_equal(info.s[2].typ_b, 7);
	assert_int_equal(info.s[5].typ_a, 7);
	assert_int_equal(info.s[5].typ_b, 1);
	assert_true(info.s[4].found);
	assert_false(info.s[4].typ_known);
	assert_int_equal(aml_sleep_hide(t, len, offs, 3), 0);
	assert_true(acpi_checksum_ok(t, len));
	assert_memory_equal(t + offs[0], "XS3_", 4);
	assert_memory_equal(t + offs[1], "XS1_", 4);
	assert_memory_equal(t + offs[2], "XS2_", 4);
	/* One declaration to hide too many. */
	assert_int_equal(aml_sleep_scan(t, len, &info, offs, 0), 0);
	block(t, aml, sizeof(aml));
	assert_int_equal(aml_sleep_scan(t, len, &info, offs, 2), ACPI_E2BIG);
}

static void test_bad_tables(void **state)
{
	static uint8_t t[sizeof(dsdt)];
	struct acpi_sleep_info info = { 0 };
	uint32_t offs[AML_MAX_RENAMES], bad;
	int n;

	(void)state;
	memcpy(t, dsdt, dsdt_len);
	/* Truncated: the header says more than there is. */
	assert_int_equal(aml_sleep_scan(t, dsdt_len - 100, &info, offs, AML_MAX_RENAMES),
			 ACPI_EINVAL);
	assert_int_equal(aml_sleep_scan(t, 20, &info, offs, AML_MAX_RENAMES), ACPI_EINVAL);
	assert_int_equal(aml_sleep_scan(NULL, 20, &info, offs, AML_MAX_RENAMES), ACPI_EINVAL);
	n = aml_sleep_scan(t, dsdt_len, &info, offs, AML_MAX_RENAMES);
	assert_int_equal(n, 1);
	assert_int_equal(aml_sleep_hide(t, dsdt_len - 100, offs, 1), ACPI_EINVAL);
	/* Offsets that are no _S1_-_S3_ NameSeg, or outside the table. */
	bad = offs[0] + 1;
	assert_int_equal(aml_sleep_hide(t, dsdt_len, &bad, 1), ACPI_EINVAL);
	bad = (uint32_t)dsdt_len - 2;
	assert_int_equal(aml_sleep_hide(t, dsdt_len, &bad, 1), ACPI_EINVAL);
	bad = 2;                                         /* in the header */
	assert_int_equal(aml_sleep_hide(t, dsdt_len, &bad, 1), ACPI_EINVAL);
	bad = offs[0] + 26;                             /* _S5_: never hidden */
	assert_memory_equal(t + bad, "_S5_", 4);
	assert_int_equal(aml_sleep_hide(t, dsdt_len, &bad, 1), ACPI_EINVAL);
	assert_memory_equal(t, dsdt, dsdt_len);         /* nothing changed */
}

/* Every lead letter taken: refused, nothing changed; one taken: the next. */
static void test_hide_names_taken(void **state)
{
	static const uint8_t aml[] = {
		0x08, '_', 'S', '3', '_', 0x12, 0x04, 0x01, 0x0a, 0x05,
		0x08, 'X', 'S', '3', '_', 0x00, 0x08, 'Y', 'S', '3', '_', 0x00,
		0x08, 'Z', 'S', '3', '_', 0x00, 0x08, 'Q', 'S', '3', '_', 0x00,
	};
	uint8_t t[128], t0[128];
	size_t len = block(t, aml, sizeof(aml));
	struct acpi_sleep_info info = { 0 };
	uint32_t offs[AML_MAX_RENAMES];

	(void)state;
	assert_int_equal(aml_sleep_scan(t, len, &info, offs, AML_MAX_RENAMES), 1);
	memcpy(t0, t, len);
	assert_int_equal(aml_sleep_hide(t, len, offs, 1), ACPI_EINVAL);
	assert_memory_equal(t, t0, len);
	t[ACPI_HDR_LEN + 23] = 'A';                     /* ZS3_ -> AS3_ */
	assert_int_equal(aml_sleep_hide(t, len, offs, 1), 0);
	assert_memory_equal(t + offs[0], "ZS3_", 4);
}

/* ---- policy ---- */

static void guard_qemu(struct sleep_guard *g)
{
	struct fadt_sleep f;
	struct acpi_sleep_info info = { 0 };
	uint32_t offs[AML_MAX_RENAMES];

	assert_int_equal(fadt_sleep_decode(facp, facp_len, &f), 0);
	assert_int_equal(aml_sleep_scan(dsdt, dsdt_len, &info, offs, AML_MAX_RENAMES), 1);
	sleep_guard_init(g, &f, &info);
}

static void test_policy_qemu(void **state)
{
	struct sleep_guard g;
	struct sleep_refusal why = { 0 };

	(void)state;
	guard_qemu(&g);
	assert_int_equal(g.allow[0], (1u << 0) | (1u << 2));   /* S5: 0, S4: 2 */
	assert_int_equal(sleep_guard_reg(&g, 0x604), SLEEP_REG_PM1_CNT);
	assert_int_equal(sleep_guard_reg(&g, 0x601), SLEEP_REG_PM1_STS);
	assert_int_equal(sleep_guard_reg(&g, 0x602), SLEEP_REG_NONE);  /* PM1_EN */
	/* ACPICA's two writes: SLP_TYP alone passes, with SLP_EN it is S3: refused. */
	assert_true(sleep_guard_out(&g, 0x604, 2, TYP(1) | 1, &why));
	assert_false(g.wak_pending);
	assert_false(sleep_guard_out(&g, 0x604, 2, TYP(1) | PM1_SLP_EN | 1, &why));
	assert_int_equal(why.port, 0x604);
	assert_int_equal(why.reg, SLEEP_REG_PM1_CNT);
	assert_int_equal(why.typ, 1);
	assert_int_equal(why.state, 3);
	/* WAK_STS reads set (word and high byte), until the OS writes 1 to it. */
	assert_true(g.wak_pending);
	assert_int_equal(sleep_guard_in(&g, 0x600, 2, 0x0001), 0x8001);
	assert_int_equal(sleep_guard_in(&g, 0x601, 1, 0), 0x80);
	assert_int_equal(sleep_guard_in(&g, 0x600, 1, 0), 0);
	assert_int_equal(sleep_guard_in(&g, 0x600, 4, 0x01000000), 0x01008000);
	assert_int_equal(sleep_guard_in(&g, 0x604, 2, 0), 0);
	assert_true(sleep_guard_out(&g, 0x600, 2, 0x0001, &why));      /* not WAK_STS */
	assert_true(g.wak_pending);
	assert_true(sleep_guard_out(&g, 0x600, 2, 0x8000, &why));
	assert_false(g.wak_pending);
	assert_int_equal(sleep_guard_in(&g, 0x600, 2, 0), 0);
	/* S5 and S4 pass. */
	assert_true(sleep_guard_out(&g, 0x604, 2, TYP(0) | PM1_SLP_EN, &why));
	assert_true(sleep_guard_out(&g, 0x604, 2, TYP(2) | PM1_SLP_EN, &why));
	assert_false(g.wak_pending);
	/* Other widths and offsets: the high byte alone, a dword across it. */
	assert_false(sleep_guard_out(&g, 0x605, 1, (PM1_SLP_EN | TYP(1)) >> 8, &why));
	assert_false(sleep_guard_out(&g, 0x602, 4, (PM1_SLP_EN | TYP(3)) << 16, &why));
	assert_int_equal(why.typ, 3);
	assert_int_equal(why.state, 0xff);              /* no \_Sx_ uses 3 */
	assert_false(sleep_guard_out(&g, 0x604, 2, TYP(7) | PM1_SLP_EN, &why));
	assert_true(sleep_guard_out(&g, 0x604, 1, 0xff, &why));        /* low byte only */
	assert_true(sleep_guard_out(&g, 0x700, 2, TYP(1) | PM1_SLP_EN, &why));  /* not ours */
}

static void test_policy_odd_firmware(void **state)
{
	struct fadt_sleep f;
	struct acpi_sleep_info info = { 0 };
	struct sleep_guard g;
	struct sleep_refusal why;

	(void)state;
	assert_int_equal(fadt_sleep_decode(facp, facp_len, &f), 0);
	/* No \_S5_ known: every SLP_EN is refused, even what might be soft-off. */
	sleep_guard_init(&g, &f, &info);
	assert_int_equal(g.allow[0], 0);
	assert_false(sleep_guard_out(&g, 0x604, 2, TYP(0) | PM1_SLP_EN, &why));
	/* \_S5_ with the SLP_TYP of \_S3_: that value is S3's, refused. */
	info.s[3] = (struct acpi_sleep_pkg){ true, true, 5, 5 };
	info.s[5] = (struct acpi_sleep_pkg){ true, true, 5, 5 };
	info.s[4] = (struct acpi_sleep_pkg){ true, true, 6, 6 };
	sleep_guard_init(&g, &f, &info);
	assert_int_equal(g.allow[0], 1u << 6);
	assert_false(sleep_guard_out(&g, 0x604, 2, TYP(5) | PM1_SLP_EN, &why));
	assert_int_equal(why.state, 3);
	/* PM1b has its own SLP_TYP values; HW-reduced uses PM1a's. */
	f.ports[0] = (struct sleep_port){ 0x900, 1, SLEEP_REG_SLP_CNT, 0 };
	f.ports[1] = (struct sleep_port){ 0x640, 2, SLEEP_REG_PM1_CNT, 1 };
	f.nports = 2;
	info.s[5].typ_b = 4;
	sleep_guard_init(&g, &f, &info);
	assert_true(sleep_guard_out(&g, 0x641, 1, 0x20 | 4 << 2, &why));
	assert_false(sleep_guard_out(&g, 0x641, 1, 0x20 | 5 << 2, &why));
	assert_int_equal(why.b, 1);
	assert_true(sleep_guard_out(&g, 0x900, 1, 0x20 | 6 << 2, &why));
	assert_false(sleep_guard_out(&g, 0x900, 1, 0x20 | 5 << 2, &why));
	assert_int_equal(why.reg, SLEEP_REG_SLP_CNT);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_fadt_qemu),
		cmocka_unit_test(test_fadt_forms),
		cmocka_unit_test(test_fadt_bad),
		cmocka_unit_test(test_scan_qemu),
		cmocka_unit_test(test_hide_qemu),
		cmocka_unit_test(test_scan_forms),
		cmocka_unit_test(test_bad_tables),
		cmocka_unit_test(test_hide_names_taken),
		cmocka_unit_test(test_policy_qemu),
		cmocka_unit_test(test_policy_odd_firmware),
	};

	return cmocka_run_group_tests(tests, setup, NULL);
}
