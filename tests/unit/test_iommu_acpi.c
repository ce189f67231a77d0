/*
 * Host tests of the ACPI walk, the hiding edits (hv/iommu/acpi.c) and the
 * IVRS parser (hv/iommu/ivrs.c). A fake physical memory holds an RSDP, an
 * XSDT, an RSDT and a few tables; the IVRS is the one QEMU 7.2 builds for
 * `-machine q35 -device amd-iommu,intremap=on -device edu` (dumped from
 * /sys/firmware/acpi/tables/IVRS in a Linux guest, see iommu.md).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdlib.h>
#include <string.h>

#include "hv/iommu/acpi.h"
#include "hv/iommu/ivrs.h"

#define MEM_BASE        0x7ff00000ull   /* fake RAM window */
#define MEM_SIZE        0x10000u
#define RSDP_PA         (MEM_BASE + 0x0000)
#define XSDT_PA         (MEM_BASE + 0x1000)
#define RSDT_PA         (MEM_BASE + 0x2000)
#define FACP_PA         (MEM_BASE + 0x3000)
#define APIC_PA         (MEM_BASE + 0x4000)
#define IVRS_PA         (MEM_BASE + 0x5003)  /* unaligned on purpose */
#define IVRS2_PA        (MEM_BASE + 0x6000)

static const uint8_t qemu_ivrs[108] = {
	0x49, 0x56, 0x52, 0x53, 0x6c, 0x00, 0x00, 0x00, 0x01, 0x21, 0x42, 0x4f, 0x43, 0x48, 0x53, 0x20,
	0x42, 0x58, 0x50, 0x43, 0x20, 0x20, 0x20, 0x20, 0x01, 0x00, 0x00, 0x00, 0x42, 0x58, 0x50, 0x43,
	0x01, 0x00, 0x00, 0x00, 0x00, 0x28, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	0x10, 0xd1, 0x3c, 0x00, 0x10, 0x00, 0x40, 0x00, 0x00, 0x00, 0xd8, 0xfe, 0x00, 0x00, 0x00, 0x00,
	0x00, 0x00, 0x00, 0x00, 0x44, 0x00, 0x00, 0x00, 0x02, 0x00, 0x00, 0x00, 0x02, 0x08, 0x00, 0x00,
	0x02, 0x10, 0x00, 0x00, 0x02, 0x18, 0x00, 0x00, 0x02, 0xf8, 0x00, 0x00, 0x02, 0xfa, 0x00, 0x00,
	0x02, 0xfb, 0x00, 0x00, 0x48, 0x00, 0x00, 0x00, 0x00, 0xa0, 0x00, 0x01,
};

static uint8_t mem[MEM_SIZE];
static int fail_reads;          /* reads left before the callback fails; -1 never */

static int mem_read(void *ctx, uint64_t pa, void *buf, size_t len)
{
	(void)ctx;
	if (fail_reads == 0)
		return -1;
	if (fail_reads > 0)
		fail_reads--;
	if (pa < MEM_BASE || pa - MEM_BASE > MEM_SIZE || len > MEM_SIZE - (pa - MEM_BASE))
		return -1;
	memcpy(buf, mem + (pa - MEM_BASE), len);
	return 0;
}

static const struct acpi_reader rdr = { mem_read, NULL };

static uint8_t *at(uint64_t pa)
{
	return mem + (pa - MEM_BASE);
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

static uint32_t get32(const uint8_t *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

static void fix_sum(uint8_t *p, size_t len, size_t cs_off)
{
	uint8_t s = 0;

	p[cs_off] = 0;
	for (size_t i = 0; i < len; i++)
		s = (uint8_t)(s + p[i]);
	p[cs_off] = (uint8_t)-s;
}

static void make_table(uint64_t pa, const char *sig, uint32_t len)
{
	uint8_t *t = at(pa);

	memset(t, 0x11, len);
	memcpy(t, sig, 4);
	put32(t + 4, len);
	t[8] = 1;
	fix_sum(t, len, 9);
}

static void make_root(uint64_t pa, const char *sig, unsigned esize, const uint64_t *ents, unsigned n)
{
	uint8_t *t = at(pa);
	uint32_t len = ACPI_HDR_LEN + n * esize;

	memset(t, 0, len);
	memcpy(t, sig, 4);
	put32(t + 4, len);
	for (unsigned i = 0; i < n; i++) {
		if (esize == 8)
			put64(t + ACPI_HDR_LEN + 8 * i, ents[i]);
		else
			put32(t + ACPI_HDR_LEN + 4 * i, (uint32_t)ents[i]);
	}
	fix_sum(t, len, 9);
}

static void make_rsdp(unsigned rev, uint64_t rsdt, uint64_t xsdt)
{
	uint8_t *p = at(RSDP_PA);

	memset(p, 0, 36);
	memcpy(p, "RSD PTR ", 8);
	p[15] = (uint8_t)rev;
	put32(p + 16, (uint32_t)rsdt);
	put32(p + 20, 36);
	put64(p + 24, xsdt);
	fix_sum(p, 20, 8);
	fix_sum(p, 36, 32);
}

/* The standard machine: RSDP rev 2, XSDT and RSDT -> FACP, IVRS, APIC. */
static int setup(void **state)
{
	const uint64_t ents[3] = { FACP_PA, IVRS_PA, APIC_PA };

	(void)state;
	memset(mem, 0, sizeof(mem));
	fail_reads = -1;
	make_table(FACP_PA, "FACP", 244);
	make_table(APIC_PA, "APIC", 120);
	memcpy(at(IVRS_PA), qemu_ivrs, sizeof(qemu_ivrs));
	make_root(XSDT_PA, "XSDT", 8, ents, 3);
	make_root(RSDT_PA, "RSDT", 4, ents, 3);
	make_rsdp(2, RSDT_PA, XSDT_PA);
	return 0;
}

static int find(const char *sig, struct acpi_table_ref *ref)
{
	return acpi_find(&rdr, RSDP_PA, sig, ACPI_HDR_LEN, 65536, ref);
}

static void test_find_xsdt(void **state)
{
	struct acpi_table_ref ref;

	(void)state;
	assert_int_equal(find("IVRS", &ref), 0);
	assert_int_equal(ref.pa, IVRS_PA);
	assert_int_equal(ref.length, 108);
	assert_int_equal(ref.root_pa, XSDT_PA);
	assert_int_equal(ref.entry_size, 8);
	assert_int_equal(ref.index, 1);
	assert_int_equal(find("APIC", &ref), 0);
	assert_int_equal(ref.pa, APIC_PA);
	assert_int_equal(find("DMAR", &ref), ACPI_ENOENT);
}

static void test_find_rsdt_only(void **state)
{
	struct acpi_table_ref ref;

	(void)state;
	make_rsdp(0, RSDT_PA, 0);
	assert_int_equal(find("IVRS", &ref), 0);
	assert_int_equal(ref.root_pa, RSDT_PA);
	assert_int_equal(ref.entry_size, 4);
	/* Revision 2 with a null XSDT pointer falls back to the RSDT too. */
	make_rsdp(2, RSDT_PA, 0);
	assert_int_equal(find("IVRS", &ref), 0);
	assert_int_equal(ref.root_pa, RSDT_PA);
}

static void test_bad_rsdp(void **state)
{
	struct acpi_table_ref ref;

	(void)state;
	at(RSDP_PA)[3] = 'X';                   /* signature */
	assert_int_equal(find("IVRS", &ref), ACPI_EINVAL);
	setup(state);
	at(RSDP_PA)[16] ^= 1;                   /* v1 checksum */
	assert_int_equal(find("IVRS", &ref), ACPI_EINVAL);
	setup(state);
	at(RSDP_PA)[24] ^= 1;                   /* extended checksum only */
	fix_sum(at(RSDP_PA), 20, 8);
	assert_int_equal(find("IVRS", &ref), ACPI_EINVAL);
	setup(state);
	put32(at(RSDP_PA) + 20, 20);            /* extended length too short */
	fix_sum(at(RSDP_PA), 36, 32);
	assert_int_equal(find("IVRS", &ref), ACPI_EINVAL);
	setup(state);
	make_rsdp(0, 0, 0);                     /* no root table at all */
	assert_int_equal(find("IVRS", &ref), ACPI_EINVAL);
	/* RSDP at the very top of the address space: the read would wrap. */
	assert_int_equal(acpi_find(&rdr, ~0ull - 10, "IVRS", 36, 4096, &ref), ACPI_EINVAL);
}

static void test_bad_xsdt(void **state)
{
	struct acpi_table_ref ref;

	(void)state;
	at(XSDT_PA)[40] ^= 0x40;                /* checksum broken: no RSDT fallback */
	assert_int_equal(find("IVRS", &ref), ACPI_EINVAL);
	setup(state);
	put32(at(XSDT_PA) + 4, ACPI_HDR_LEN + 8 * 3 - 4);   /* not whole entries */
	fix_sum(at(XSDT_PA), ACPI_HDR_LEN + 8 * 3 - 4, 9);
	assert_int_equal(find("IVRS", &ref), ACPI_EINVAL);
	setup(state);
	put32(at(XSDT_PA) + 4, 20);             /* shorter than a header */
	assert_int_equal(find("IVRS", &ref), ACPI_EINVAL);
	setup(state);
	put32(at(XSDT_PA) + 4, 0x40000000);     /* absurdly long */
	assert_int_equal(find("IVRS", &ref), ACPI_E2BIG);
	setup(state);
	memcpy(at(XSDT_PA), "RSDT", 4);         /* wrong signature */
	fix_sum(at(XSDT_PA), ACPI_HDR_LEN + 24, 9);
	assert_int_equal(find("IVRS", &ref), ACPI_EINVAL);
	setup(state);
	at(RSDT_PA)[40] ^= 1;                   /* a broken RSDT is an error too */
	assert_int_equal(find("IVRS", &ref), ACPI_EINVAL);
}

static void test_bad_table(void **state)
{
	struct acpi_table_ref ref;
	uint64_t ents[3] = { FACP_PA, IVRS_PA, APIC_PA };

	(void)state;
	at(IVRS_PA)[60] ^= 1;                   /* IVRS checksum */
	assert_int_equal(find("IVRS", &ref), ACPI_EINVAL);
	setup(state);
	put32(at(IVRS_PA) + 4, 30);             /* shorter than a header */
	assert_int_equal(find("IVRS", &ref), ACPI_EINVAL);
	setup(state);
	assert_int_equal(acpi_find(&rdr, RSDP_PA, "IVRS", 200, 4096, &ref), ACPI_EINVAL);
	assert_int_equal(acpi_find(&rdr, RSDP_PA, "IVRS", 36, 100, &ref), ACPI_E2BIG);
	assert_int_equal(acpi_find(&rdr, RSDP_PA, "IVRS", 200, 100, &ref), ACPI_EINVAL);
	/* Length running past the end of memory: the read callback fails. */
	put32(at(IVRS_PA) + 4, MEM_SIZE);
	assert_int_equal(find("IVRS", &ref), ACPI_EIO);
	/* A root entry pointing at the top of the address space: even the
	 * 4-byte signature read would wrap. */
	setup(state);
	ents[1] = ~0ull - 2;
	make_root(XSDT_PA, "XSDT", 8, ents, 3);
	assert_int_equal(find("IVRS", &ref), ACPI_EINVAL);
}

static void test_duplicate_and_null(void **state)
{
	struct acpi_table_ref ref;
	uint64_t ents[4] = { FACP_PA, 0, IVRS_PA, APIC_PA };

	(void)state;
	make_root(XSDT_PA, "XSDT", 8, ents, 4);
	assert_int_equal(find("IVRS", &ref), 0);        /* null entry skipped */
	assert_int_equal(ref.index, 2);
	memcpy(at(IVRS2_PA), qemu_ivrs, sizeof(qemu_ivrs));
	ents[1] = IVRS2_PA;
	make_root(XSDT_PA, "XSDT", 8, ents, 4);
	assert_int_equal(find("IVRS", &ref), ACPI_EINVAL);      /* two IVRS */
}

static void test_read_failure(void **state)
{
	struct acpi_table_ref ref;

	for (int n = 0; n < 12; n++) {
		setup(state);
		fail_reads = n;
		assert_int_equal(find("IVRS", &ref), ACPI_EIO);
	}
	assert_int_equal(acpi_find(NULL, RSDP_PA, "IVRS", 36, 100, &ref), ACPI_EINVAL);
}

static void apply(const struct acpi_edit *e, int n)
{
	for (int i = 0; i < n; i++)
		memcpy(at(e[i].pa), e[i].bytes, e[i].len);
}

static void check_hidden(void)
{
	struct acpi_root roots[2];
	struct acpi_table_ref ref;

	assert_int_equal(acpi_roots(&rdr, RSDP_PA, roots), 2);  /* checksums fine */
	assert_int_equal(roots[0].length, ACPI_HDR_LEN + 2 * 8);
	assert_int_equal(roots[1].length, ACPI_HDR_LEN + 2 * 4);
	assert_int_equal(find("IVRS", &ref), ACPI_ENOENT);
	assert_int_equal(find("FACP", &ref), 0);
	assert_int_equal(find("APIC", &ref), 0);
	make_rsdp(0, RSDT_PA, 0);                               /* acpi=rsdt */
	assert_int_equal(find("IVRS", &ref), ACPI_ENOENT);
	assert_int_equal(find("APIC", &ref), 0);
	make_rsdp(2, RSDT_PA, XSDT_PA);
}

static void test_hide(void **state)
{
	struct acpi_edit e[ACPI_HIDE_MAX_EDITS];
	struct acpi_table_ref ref;
	int n;

	(void)state;
	n = acpi_hide(&rdr, RSDP_PA, "IVRS", "XVRS", e);
	assert_true(n > 0 && n <= ACPI_HIDE_MAX_EDITS);
	apply(e, n);
	check_hidden();
	/* The renamed table is intact, with a valid checksum. */
	assert_memory_equal(at(IVRS_PA), "XVRS", 4);
	assert_true(acpi_checksum_ok(at(IVRS_PA), 108));
	assert_memory_equal(at(IVRS_PA) + 4, qemu_ivrs + 4, 5);
	assert_memory_equal(at(IVRS_PA) + 10, qemu_ivrs + 10, 98);
	/* Hiding again finds nothing. */
	assert_int_equal(acpi_hide(&rdr, RSDP_PA, "IVRS", "XVRS", e), ACPI_ENOENT);
	assert_int_equal(find("XVRS", &ref), ACPI_ENOENT);     /* dropped from the roots */
}

static void test_hide_last_and_split(void **state)
{
	const uint64_t xents[3] = { FACP_PA, APIC_PA, IVRS_PA };        /* IVRS last */
	const uint64_t rents[3] = { IVRS2_PA, FACP_PA, APIC_PA };       /* another copy, first */
	struct acpi_edit e[ACPI_HIDE_MAX_EDITS];
	int n;

	(void)state;
	memcpy(at(IVRS2_PA), qemu_ivrs, sizeof(qemu_ivrs));
	make_root(XSDT_PA, "XSDT", 8, xents, 3);
	make_root(RSDT_PA, "RSDT", 4, rents, 3);
	n = acpi_hide(&rdr, RSDP_PA, "IVRS", "XVRS", e);
	assert_int_equal(n, 5);         /* 2 renames, 1 + 2 root edits */
	apply(e, n);
	check_hidden();
	assert_memory_equal(at(IVRS2_PA), "XVRS", 4);
	assert_true(acpi_checksum_ok(at(IVRS2_PA), 108));
	assert_int_equal(get32(at(RSDT_PA) + ACPI_HDR_LEN), (uint32_t)APIC_PA);
}

static void test_hide_bad(void **state)
{
	struct acpi_edit e[ACPI_HIDE_MAX_EDITS];

	(void)state;
	assert_int_equal(acpi_hide(&rdr, RSDP_PA, "IVRS", "IVRS", e), ACPI_EINVAL);
	assert_int_equal(acpi_hide(&rdr, RSDP_PA, "DMAR", "XMAR", e), ACPI_ENOENT);
	at(IVRS_PA)[70] ^= 1;
	assert_int_equal(acpi_hide(&rdr, RSDP_PA, "IVRS", "XVRS", e), ACPI_EINVAL);
}

/* ---- IVRS ------------------------------------------------------------------ */

static struct ivrs_info info;
static uint8_t t[512];

static void test_ivrs_qemu(void **state)
{
	const struct ivrs_iommu *io = &info.iommu[0];
	const uint16_t devids[7] = { 0x00, 0x08, 0x10, 0x18, 0xf8, 0xfa, 0xfb };

	(void)state;
	assert_int_equal(ivrs_parse(qemu_ivrs, sizeof(qemu_ivrs), &info), 0);
	assert_int_equal(info.ivinfo, 0x2800);
	assert_int_equal(info.niommu, 1);
	assert_int_equal(info.nivmd, 0);
	assert_int_equal(io->type, 0x10);
	assert_int_equal(io->flags, 0xd1);
	assert_int_equal(io->devid, 0x0010);            /* 00:02.0 */
	assert_int_equal(io->cap_offset, 0x40);
	assert_int_equal(io->base, 0xfed80000ull);
	assert_int_equal(io->segment, 0);
	assert_int_equal(io->feature, 0x44);
	assert_int_equal(io->efr, 0);
	assert_int_equal(io->nranges, 7);
	for (int i = 0; i < 7; i++) {
		assert_int_equal(io->ranges[i].first, devids[i]);
		assert_int_equal(io->ranges[i].last, devids[i]);
		assert_int_equal(io->ranges[i].setting, 0);
	}
	assert_int_equal(io->nspecials, 1);
	assert_non_null(ivrs_find_ioapic(io, 0));
	assert_int_equal(ivrs_find_ioapic(io, 0)->devid, 0x00a0);       /* 00:14.0 */
	assert_null(ivrs_find_ioapic(io, 1));
	assert_true(ivrs_covers(io, 0x18));
	assert_true(ivrs_covers(io, 0xa0));
	assert_false(ivrs_covers(io, 0x20));
}

/* A table made of the QEMU header and IVHD header plus @ents device entries. */
static size_t build(const uint8_t *ents, size_t n)
{
	memcpy(t, qemu_ivrs, 72);
	memcpy(t + 72, ents, n);
	t[50] = (uint8_t)(24 + n);
	t[51] = (uint8_t)((24 + n) >> 8);
	put32(t + 4, (uint32_t)(72 + n));
	return 72 + n;
}

static void test_ivrs_ranges(void **state)
{
	const uint8_t ok[] = {
		0x03, 0x00, 0x01, 0x00, 0x04, 0xff, 0x01, 0x00,                 /* 01:00.0-01:1f.7 */
		0x43, 0x00, 0x02, 0x00, 0x00, 0x10, 0x00, 0x00, 0x04, 0xff, 0x02, 0x00, /* alias range */
		0x42, 0x08, 0x03, 0x80, 0x00, 0x18, 0x00, 0x00,                 /* alias select */
		0x00, 0x00, 0x00, 0x00,                                         /* pad */
		0x3f, 0x11, 0x22, 0x33,                                         /* reserved 4-byte */
		0x7f, 0, 0, 0, 0, 0, 0, 0,                                      /* reserved 8-byte */
		0xf0, 0xa0, 0x00, 0x40, 'A', 'M', 'D', 'I', '0', '0', '2', '0',
		0, 0, 0, 0, 0, 0, 0, 0, 0x02, 0x02, 'X', 'Y',                   /* ACPI HID + UID */
		0x48, 0, 0, 0xc4, 0x00, 0xc8, 0x00, 0x02,                       /* HPET 0 */
	};
	const struct ivrs_iommu *io = &info.iommu[0];

	(void)state;
	assert_int_equal(ivrs_parse(t, build(ok, sizeof(ok)), &info), 0);
	assert_int_equal(io->nranges, 4);
	assert_int_equal(io->ranges[0].first, 0x100);
	assert_int_equal(io->ranges[0].last, 0x1ff);
	assert_true(io->ranges[1].alias);
	assert_int_equal(io->ranges[1].alias_id, 0x10);
	assert_int_equal(io->ranges[1].last, 0x2ff);
	assert_int_equal(io->ranges[2].first, 0x308);
	assert_int_equal(io->ranges[2].setting, IVRS_DTE_LINT1PASS);
	assert_int_equal(io->ranges[2].alias_id, 0x18);
	assert_int_equal(io->ranges[3].first, 0xa0);
	assert_int_equal(io->ranges[3].setting, IVRS_DTE_LINT0PASS);
	assert_int_equal(io->nspecials, 1);
	assert_int_equal(io->specials[0].variety, IVRS_SPECIAL_HPET);
	assert_int_equal(io->specials[0].devid, 0xc8);
	assert_int_equal(io->specials[0].setting, 0xc4);
	assert_null(ivrs_find_ioapic(io, 0));
	assert_true(ivrs_covers(io, 0x1ab));
	assert_false(ivrs_covers(io, 0x300));

	const uint8_t all[] = { 0x01, 0x00, 0x00, 0x07 };
	assert_int_equal(ivrs_parse(t, build(all, sizeof(all)), &info), 0);
	assert_true(io->all_devices);
	assert_true(ivrs_covers(io, 0xffff));
	assert_int_equal(io->ranges[0].setting, 7);
}

static void test_ivrs_bad_entries(void **state)
{
	const uint8_t open_range[] = { 0x03, 0x00, 0x01, 0x00 };
	const uint8_t end_alone[] = { 0x04, 0xff, 0x01, 0x00 };
	const uint8_t backwards[] = { 0x03, 0x00, 0x02, 0x00, 0x04, 0xff, 0x01, 0x00 };
	const uint8_t interrupted[] = { 0x03, 0x00, 0x01, 0x00, 0x02, 0x08, 0, 0, 0x04, 0xff, 1, 0 };
	const uint8_t nested[] = { 0x03, 0x00, 0x01, 0x00, 0x47, 0, 2, 0, 0, 0, 0, 0, 0x04, 0xff, 1, 0 };
	const uint8_t unknown_var[] = { 0x80, 0, 0, 0 };
	const uint8_t short_hid[] = { 0xf0, 0xa0, 0x00, 0x40, 'A', 'M', 'D', 'I', '0', '0', '2', '0',
				      0, 0, 0, 0, 0, 0, 0, 0, 0x02, 0x08, 'X', 'Y' };
	const uint8_t cut8[] = { 0x42, 0x08, 0x03, 0x80 };
	const uint8_t bad_special[] = { 0x48, 0, 0, 0, 0x00, 0xa0, 0x00, 0x03 };

	(void)state;
	assert_int_equal(ivrs_parse(t, build(open_range, 4), &info), IVRS_EINVAL);
	assert_int_equal(ivrs_parse(t, build(end_alone, 4), &info), IVRS_EINVAL);
	assert_int_equal(ivrs_parse(t, build(backwards, 8), &info), IVRS_EINVAL);
	assert_int_equal(ivrs_parse(t, build(interrupted, 12), &info), IVRS_EINVAL);
	assert_int_equal(ivrs_parse(t, build(nested, 16), &info), IVRS_EINVAL);
	assert_int_equal(ivrs_parse(t, build(unknown_var, 4), &info), IVRS_EINVAL);
	assert_int_equal(ivrs_parse(t, build(short_hid, sizeof(short_hid)), &info), IVRS_EINVAL);
	assert_int_equal(ivrs_parse(t, build(cut8, 4), &info), IVRS_EINVAL);
	assert_int_equal(ivrs_parse(t, build(bad_special, 8), &info), IVRS_EINVAL);
}

static void test_ivrs_bad_header(void **state)
{
	(void)state;
	memcpy(t, qemu_ivrs, sizeof(qemu_ivrs));
	assert_int_equal(ivrs_parse(t, 107, &info), IVRS_EINVAL);       /* length mismatch */
	assert_int_equal(ivrs_parse(t, 40, &info), IVRS_EINVAL);
	assert_int_equal(ivrs_parse(NULL, 108, &info), IVRS_EINVAL);
	t[0] = 'J';
	assert_int_equal(ivrs_parse(t, 108, &info), IVRS_EINVAL);
	/* IVHD length past the table, and shorter than its header. */
	memcpy(t, qemu_ivrs, sizeof(qemu_ivrs));
	t[50] = 61;
	assert_int_equal(ivrs_parse(t, 108, &info), IVRS_EINVAL);
	t[50] = 20;
	assert_int_equal(ivrs_parse(t, 108, &info), IVRS_EINVAL);
	t[50] = 2;
	assert_int_equal(ivrs_parse(t, 108, &info), IVRS_EINVAL);
	/* Base 0, misaligned, above 2^52; capability offset out of range. */
	const struct { unsigned off; uint8_t v; } bad[] = {
		{ 58, 0x00 }, { 57, 0x10 }, { 63, 0x10 }, { 54, 0x3c }, { 54, 0x41 },
		{ 55, 0x01 },
	};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		memcpy(t, qemu_ivrs, sizeof(qemu_ivrs));
		if (bad[i].off == 58)
			t[59] = t[58] = t[57] = t[56] = 0;
		t[bad[i].off] = bad[i].v;
		assert_int_equal(ivrs_parse(t, 108, &info), IVRS_EINVAL);
	}
	/* A table with no IVHD at all. */
	memcpy(t, qemu_ivrs, 48);
	put32(t + 4, 48);
	assert_int_equal(ivrs_parse(t, 48, &info), IVRS_EINVAL);
	/* Three bytes of block header left over. */
	memcpy(t, qemu_ivrs, sizeof(qemu_ivrs));
	put32(t + 4, 111);
	assert_int_equal(ivrs_parse(t, 111, &info), IVRS_EINVAL);
}

/* IVHD 10h and 11h for the same IOMMU (what real firmware ships), an
 * unknown block type, an IVMD, and a second IOMMU. */
static void test_ivrs_blocks(void **state)
{
	uint8_t *p = t + 48;

	(void)state;
	memset(t, 0, sizeof(t));
	memcpy(t, qemu_ivrs, 48);
	memcpy(p, qemu_ivrs + 48, 28);          /* IVHD 10h, one select entry */
	p[2] = 28;
	p += 28;
	memcpy(p, qemu_ivrs + 48, 24);          /* IVHD 11h: 40-byte header */
	p[0] = 0x11;
	p[2] = 44;
	put64(p + 24, 0x246577efa2254afaull);
	memcpy(p + 40, "\x01\x00\x00\x00", 4);  /* all devices */
	p += 44;
	p[0] = 0x99;                            /* unknown block: skipped */
	p[2] = 8;
	p += 8;
	p[0] = 0x22;                            /* IVMD range, unity mapped RW */
	p[1] = 0x07;
	p[2] = 32;
	p[4] = 0x00, p[5] = 0x01, p[6] = 0xff, p[7] = 0x01;
	put64(p + 16, 0xdd000000);
	put64(p + 24, 0x100000);
	p += 32;
	memcpy(p, qemu_ivrs + 48, 28);          /* a second IOMMU, other devid */
	p[2] = 28;
	p[4] = 0x20;
	p[10] = 0xd9;
	p += 28;
	put32(t + 4, (uint32_t)(p - t));
	assert_int_equal(ivrs_parse(t, (size_t)(p - t), &info), 0);
	assert_int_equal(info.niommu, 2);
	assert_int_equal(info.iommu[0].type, 0x11);
	assert_int_equal(info.iommu[0].efr, 0x246577efa2254afaull);
	assert_true(info.iommu[0].all_devices);
	assert_int_equal(info.iommu[1].devid, 0x20);
	assert_int_equal(info.iommu[1].base, 0xfed90000ull);
	assert_int_equal(info.nivmd, 1);
	assert_int_equal(info.ivmd[0].first, 0x100);
	assert_int_equal(info.ivmd[0].last, 0x1ff);
	assert_int_equal(info.ivmd[0].start, 0xdd000000ull);
	/* IVMD that is misaligned, wraps, or has the wrong length. */
	p -= 28 + 32;
	p[16] = 0x10;
	assert_int_equal(ivrs_parse(t, (size_t)(p + 60 - t), &info), IVRS_EINVAL);
	p[16] = 0;
	put64(p + 24, 0xfffffffff0000000ull);
	assert_int_equal(ivrs_parse(t, (size_t)(p + 60 - t), &info), IVRS_EINVAL);
	put64(p + 24, 0x100000);
	p[4] = 0x00, p[5] = 0x02, p[6] = 0xff, p[7] = 0x01;     /* range backwards */
	assert_int_equal(ivrs_parse(t, (size_t)(p + 60 - t), &info), IVRS_EINVAL);
}

static void test_ivrs_limits(void **state)
{
	uint8_t ents[4 * (IVRS_MAX_RANGES + 1)];

	(void)state;
	for (unsigned i = 0; i <= IVRS_MAX_RANGES; i++) {
		ents[4 * i] = 0x02;
		ents[4 * i + 1] = (uint8_t)i;
		ents[4 * i + 2] = 0;
		ents[4 * i + 3] = 0;
	}
	assert_int_equal(ivrs_parse(t, build(ents, 4 * IVRS_MAX_RANGES), &info), 0);
	assert_int_equal(ivrs_parse(t, build(ents, sizeof(ents)), &info), IVRS_E2BIG);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(test_find_xsdt, setup),
		cmocka_unit_test_setup(test_find_rsdt_only, setup),
		cmocka_unit_test_setup(test_bad_rsdp, setup),
		cmocka_unit_test_setup(test_bad_xsdt, setup),
		cmocka_unit_test_setup(test_bad_table, setup),
		cmocka_unit_test_setup(test_duplicate_and_null, setup),
		cmocka_unit_test_setup(test_read_failure, setup),
		cmocka_unit_test_setup(test_hide, setup),
		cmocka_unit_test_setup(test_hide_last_and_split, setup),
		cmocka_unit_test_setup(test_hide_bad, setup),
		cmocka_unit_test(test_ivrs_qemu),
		cmocka_unit_test(test_ivrs_ranges),
		cmocka_unit_test(test_ivrs_bad_entries),
		cmocka_unit_test(test_ivrs_bad_header),
		cmocka_unit_test(test_ivrs_blocks),
		cmocka_unit_test(test_ivrs_limits),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
