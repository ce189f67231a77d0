/*
 * Host tests of hv/iommu/madt.c: the MADT (I/O APICs, CPU count, the edits
 * that hide a CPU from the OS) and the MCFG (ECAM windows), on tables laid
 * out as QEMU's q35 builds them, and on broken ones.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <string.h>

#include "hv/iommu/madt.h"

#define TBL_PA  0x7fb7e000ull

static size_t put_header(uint8_t *t, const char *sig, size_t len)
{
	memset(t, 0, 36);
	memcpy(t, sig, 4);
	t[4] = (uint8_t)len;
	t[5] = (uint8_t)(len >> 8);
	t[8] = 1;
	memcpy(t + 10, "BOCHS ", 6);
	return 36;
}

static void fix_checksum(uint8_t *t, size_t len)
{
	uint8_t s = 0;

	t[9] = 0;
	for (size_t i = 0; i < len; i++)
		s = (uint8_t)(s + t[i]);
	t[9] = (uint8_t)-s;
}

static void put32(uint8_t *p, uint32_t v)
{
	for (int i = 0; i < 4; i++)
		p[i] = (uint8_t)(v >> (8 * i));
}

static uint32_t get32(const uint8_t *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

/* QEMU's q35 MADT for 3 CPUs (+ an x2APIC entry for CPU 2), one I/O APIC. */
static size_t q35_madt(uint8_t *t)
{
	size_t n = 44;

	put32(t + 36, 0xfee00000);
	put32(t + 40, 1);                                       /* PCAT_COMPAT */
	for (uint8_t cpu = 0; cpu < 3; cpu++) {                 /* local APIC */
		uint8_t e[8] = { 0, 8, cpu, cpu, 1, 0, 0, 0 };

		memcpy(t + n, e, 8);
		n += 8;
	}
	uint8_t io[12] = { 1, 12, 0, 0 };                       /* I/O APIC 0 */
	put32(io + 4, 0xfec00000);
	memcpy(t + n, io, 12);
	n += 12;
	uint8_t iso[10] = { 2, 10, 0, 0, 2, 0, 0, 0, 0, 0 };    /* IRQ0 -> GSI2 */
	memcpy(t + n, iso, 10);
	n += 10;
	uint8_t x2[16] = { 9, 16 };                             /* x2APIC, ID 2 */
	put32(x2 + 4, 2);
	put32(x2 + 8, 3);                                       /* enabled, online capable */
	put32(x2 + 12, 2);
	memcpy(t + n, x2, 16);
	n += 16;
	uint8_t nmi[6] = { 4, 6, 0xff, 5, 0, 1 };               /* LINT1 NMI */
	memcpy(t + n, nmi, 6);
	n += 6;
	put_header(t, "APIC", n);
	fix_checksum(t, n);
	return n;
}

static void apply(uint8_t *t, const struct acpi_edit *e, int n)
{
	for (int i = 0; i < n; i++)
		memcpy(t + (e[i].pa - TBL_PA), e[i].bytes, e[i].len);
}

static void test_madt_parse(void **state)
{
	uint8_t t[256];
	size_t n = q35_madt(t);
	struct madt_info m;

	(void)state;
	assert_true(acpi_checksum_ok(t, n));
	assert_int_equal(madt_parse(t, n, &m), 0);
	assert_int_equal(m.lapic_base, 0xfee00000);
	assert_int_equal(m.nioapic, 1);
	assert_int_equal(m.ioapic[0].id, 0);
	assert_int_equal(m.ioapic[0].base, 0xfec00000);
	assert_int_equal(m.ioapic[0].gsi_base, 0);
	assert_int_equal(m.ncpus, 4);
}

static void test_madt_broken(void **state)
{
	uint8_t t[512];
	size_t n = q35_madt(t);
	struct madt_info m;

	(void)state;
	assert_int_equal(madt_parse(t, 43, &m), ACPI_EINVAL);           /* no room for the header */
	t[44 + 1] = 0;                                                  /* a zero-length entry */
	assert_int_equal(madt_parse(t, n, &m), ACPI_EINVAL);
	n = q35_madt(t);
	assert_int_equal(madt_parse(t, n - 3, &m), ACPI_EINVAL);        /* last entry cut */
	t[44 + 24 + 4] = 0x10;                                          /* I/O APIC not page aligned */
	assert_int_equal(madt_parse(t, n, &m), ACPI_EINVAL);
	/* Nine I/O APICs: more than svmhv keeps. */
	n = 44;
	for (int i = 0; i < 9; i++) {
		uint8_t io[12] = { 1, 12, (uint8_t)i, 0 };

		put32(io + 4, 0xfec00000 + 0x1000u * (unsigned)i);
		memcpy(t + n, io, 12);
		n += 12;
	}
	assert_int_equal(madt_parse(t, n, &m), ACPI_E2BIG);
	assert_int_equal(madt_parse(t, n - 12, &m), 0);
	assert_int_equal(m.nioapic, 8);
}

static void test_madt_hide(void **state)
{
	uint8_t t[256], orig[256];
	size_t n = q35_madt(t);
	struct acpi_edit e[MADT_HIDE_MAX_EDITS];
	int k;

	(void)state;
	memcpy(orig, t, n);
	/* CPU 1: one local APIC entry, plus the checksum. */
	k = madt_hide_cpu(t, n, TBL_PA, 1, e);
	assert_int_equal(k, 2);
	assert_int_equal(e[0].pa, TBL_PA + 44 + 8 + 4);
	assert_int_equal(e[0].len, 4);
	assert_int_equal(e[1].pa, TBL_PA + 9);
	assert_int_equal(e[1].len, 1);
	assert_memory_equal(orig, t, n);                                /* the input is untouched */
	apply(t, e, k);
	assert_true(acpi_checksum_ok(t, n));
	assert_int_equal(get32(t + 44 + 8 + 4), 0);
	assert_int_equal(get32(t + 44 + 4), 1);                         /* CPU 0 still enabled */
	/* CPU 2 has both structures: both lose Enabled and Online Capable. */
	memcpy(t, orig, n);
	k = madt_hide_cpu(t, n, TBL_PA, 2, e);
	assert_int_equal(k, 3);
	apply(t, e, k);
	assert_true(acpi_checksum_ok(t, n));
	assert_int_equal(get32(t + 44 + 16 + 4), 0);
	assert_int_equal(get32(t + 44 + 24 + 12 + 10 + 8), 0);
	/* Unknown CPU, broken table. */
	memcpy(t, orig, n);
	assert_int_equal(madt_hide_cpu(t, n, TBL_PA, 7, e), ACPI_ENOENT);
	assert_int_equal(madt_hide_cpu(t, 20, TBL_PA, 1, e), ACPI_EINVAL);
	t[44 + 8 + 1] = 200;                                            /* runs past the end */
	assert_int_equal(madt_hide_cpu(t, n, TBL_PA, 2, e), ACPI_EINVAL);
}

static size_t mcfg(uint8_t *t, unsigned entries, uint64_t base, uint8_t first, uint8_t last)
{
	size_t n = 44;

	memset(t + 36, 0, 8);
	for (unsigned i = 0; i < entries; i++) {
		memset(t + n, 0, 16);
		put32(t + n, (uint32_t)base);
		put32(t + n + 4, (uint32_t)(base >> 32));
		t[n + 8] = (uint8_t)i;                                  /* segment */
		t[n + 10] = first;
		t[n + 11] = last;
		n += 16;
	}
	put_header(t, "MCFG", n);
	fix_checksum(t, n);
	return n;
}

static void test_mcfg(void **state)
{
	uint8_t t[256];
	struct mcfg_range r[2];
	unsigned k;
	size_t n = mcfg(t, 1, 0xb0000000, 0, 255);

	(void)state;
	assert_int_equal(mcfg_parse(t, n, r, 2, &k), 0);
	assert_int_equal(k, 1);
	assert_int_equal(r[0].base, 0xb0000000);
	assert_int_equal(mcfg_start(&r[0]), 0xb0000000);
	assert_int_equal(mcfg_size(&r[0]), 256ull << 20);
	n = mcfg(t, 1, 0xe0000000, 0x10, 0x1f);                         /* buses 16-31 */
	assert_int_equal(mcfg_parse(t, n, r, 2, &k), 0);
	assert_int_equal(mcfg_start(&r[0]), 0xe1000000);
	assert_int_equal(mcfg_size(&r[0]), 16ull << 20);
	n = mcfg(t, 3, 0xb0000000, 0, 255);
	assert_int_equal(mcfg_parse(t, n, r, 2, &k), ACPI_E2BIG);
	assert_int_equal(mcfg_parse(t, n - 1, r, 2, &k), ACPI_EINVAL);  /* not whole entries */
	n = mcfg(t, 1, 0xb0080000, 0, 255);                             /* not 1 MiB aligned */
	assert_int_equal(mcfg_parse(t, n, r, 2, &k), ACPI_EINVAL);
	n = mcfg(t, 1, 0xb0000000, 5, 4);                               /* buses reversed */
	assert_int_equal(mcfg_parse(t, n, r, 2, &k), ACPI_EINVAL);
	n = mcfg(t, 0, 0, 0, 0);                                        /* no entries */
	assert_int_equal(mcfg_parse(t, n, r, 2, &k), 0);
	assert_int_equal(k, 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_madt_parse),
		cmocka_unit_test(test_madt_broken),
		cmocka_unit_test(test_madt_hide),
		cmocka_unit_test(test_mcfg),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
