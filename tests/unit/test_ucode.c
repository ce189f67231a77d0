/* SPDX-License-Identifier: MIT */
/*
 * The AMD microcode container parser and the errata table (hv/ucode/), on
 * containers built here: selection through the equivalence table, every
 * error code with nothing selected, the load decision, file names, and one
 * case per erratum row (which CPUs, which MSR bit, which patch levels).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "hv/ucode/container.h"
#include "hv/ucode/errata.h"

/* ---- building containers ------------------------------------------------ */

static uint8_t img[65536];
static size_t img_len;

static void put32(size_t at, uint32_t v)
{
	for (int i = 0; i < 4; i++)
		img[at + i] = (uint8_t)(v >> (8 * i));
}

static void put16(size_t at, uint16_t v)
{
	img[at] = (uint8_t)v;
	img[at + 1] = (uint8_t)(v >> 8);
}

/* A container header and equivalence table of n (cpu, equiv) pairs plus a terminator. */
static void add_container(const uint32_t *cpus, const uint16_t *ids, unsigned n)
{
	size_t at = img_len;
	uint32_t size = (n + 1) * UCODE_EQUIV_ENTRY;

	put32(at, UCODE_MAGIC);
	put32(at + 4, UCODE_TYPE_EQUIV);
	put32(at + 8, size);
	memset(img + at + 12, 0, size);
	for (unsigned i = 0; i < n; i++) {
		put32(at + 12 + i * 16, cpus[i]);
		put16(at + 12 + i * 16 + 12, ids[i]);
	}
	img_len = at + 12 + size;
}

/* A patch section: returns the offset of its data (the patch header). */
static size_t add_patch(uint32_t patch_id, uint16_t proc_rev, uint32_t size)
{
	size_t at = img_len;

	put32(at, UCODE_TYPE_PATCH);
	put32(at + 4, size);
	memset(img + at + 8, 0xa5, size);
	put32(at + 8, 0x20250311);                      /* data_code */
	put32(at + 8 + UCODE_PATCH_ID_OFF, patch_id);
	put32(at + 8 + UCODE_NB_DEV_OFF, 0);
	put32(at + 8 + UCODE_SB_DEV_OFF, 0);
	put16(at + 8 + UCODE_PROC_REV_OFF, proc_rev);
	img_len = at + 8 + size;
	return at + 8;
}

#define ZEN2_RENOIR     0x00860f01u     /* family 17h model 60h stepping 1 */
#define ZEN2_ROME       0x00830f10u     /* family 17h model 31h stepping 0 */
#define ZEN3_MILAN      0x00a00f11u

/* Two CPUs in one container, two patches for the first (the higher one wins). */
static void build_basic(void)
{
	static const uint32_t cpus[] = { ZEN2_RENOIR, ZEN2_ROME };
	static const uint16_t ids[] = { 0x8601, 0x8310 };

	img_len = 0;
	add_container(cpus, ids, 2);
	add_patch(0x0860010c, 0x8601, 3200);
	add_patch(0x0830107c, 0x8310, 3200);
	add_patch(0x0860010d, 0x8601, 3200);
	add_patch(0x0860010b, 0x8601, 3200);
}

static int scan(uint32_t eax, struct ucode_scan *s)
{
	return ucode_scan(img, img_len, eax, s);
}

/* ---- selection ------------------------------------------------------------- */

static void test_select(void **state)
{
	struct ucode_scan s;

	(void)state;
	build_basic();
	assert_int_equal(scan(ZEN2_RENOIR, &s), UCODE_OK);
	assert_true(s.found);
	assert_int_equal(s.equiv_id, 0x8601);
	assert_int_equal(s.patch_id, 0x0860010d);       /* the highest of three */
	assert_int_equal(s.size, 3200);
	assert_int_equal(s.containers, 1);
	assert_int_equal(s.equiv_entries, 2);
	assert_int_equal(s.patches, 4);
	/* The patch's own header is where offset points. */
	assert_int_equal(img[s.offset + UCODE_PATCH_ID_OFF], 0x0d);

	assert_int_equal(scan(ZEN2_ROME, &s), UCODE_OK);
	assert_true(s.found);
	assert_int_equal(s.patch_id, 0x0830107c);

	/* A CPU in no table: a valid file, nothing for it. */
	assert_int_equal(scan(ZEN3_MILAN, &s), UCODE_OK);
	assert_false(s.found);
	assert_int_equal(s.equiv_id, 0);
	assert_int_equal(s.patches, 4);
}

/* In a table but no patch with its ID; a patch whose ID names another family. */
static void test_select_no_patch(void **state)
{
	static const uint32_t cpus[] = { ZEN2_ROME, ZEN3_MILAN };
	static const uint16_t ids[] = { 0x8310, 0x8310 };    /* Milan mapped to a Zen2 ID */
	struct ucode_scan s;

	(void)state;
	img_len = 0;
	add_container(cpus, ids, 2);
	add_patch(0x08600100, 0x8601, 3200);
	assert_int_equal(scan(ZEN2_ROME, &s), UCODE_OK);
	assert_false(s.found);
	assert_int_equal(s.equiv_id, 0x8310);

	add_patch(0x0830107c, 0x8310, 3200);
	assert_int_equal(scan(ZEN2_ROME, &s), UCODE_OK);
	assert_true(s.found);
	/* Family 19h CPU, patch for family 17h (0xf + 8): never selected. */
	assert_int_equal(scan(ZEN3_MILAN, &s), UCODE_OK);
	assert_false(s.found);
}

/* Concatenated containers: each container's table covers its own patches. */
static void test_two_containers(void **state)
{
	static const uint32_t c1[] = { ZEN2_ROME }, c2[] = { ZEN2_RENOIR };
	static const uint16_t i1[] = { 0x8310 }, i2[] = { 0x8601 };
	struct ucode_scan s;

	(void)state;
	img_len = 0;
	add_container(c1, i1, 1);
	add_patch(0x0830107c, 0x8310, 3200);
	add_patch(0x08600199, 0x8601, 3200);    /* Renoir's ID, but not in this table */
	add_container(c2, i2, 1);
	add_patch(0x0860010d, 0x8601, 3200);
	assert_int_equal(scan(ZEN2_RENOIR, &s), UCODE_OK);
	assert_int_equal(s.containers, 2);
	assert_int_equal(s.patches, 3);
	assert_true(s.found);
	assert_int_equal(s.patch_id, 0x0860010d);
	assert_int_equal(scan(ZEN2_ROME, &s), UCODE_OK);
	assert_int_equal(s.patch_id, 0x0830107c);
}

/*
 * The CPU in two tables under two IDs, only the first with a patch: the
 * equivalence ID reported is the selected patch's (the fuzzer's first find:
 * it was the last table's).
 */
static void test_two_tables_two_ids(void **state)
{
	static const uint32_t c[] = { ZEN2_ROME };
	static const uint16_t i1[] = { 0x8310 }, i2[] = { 0x8311 };
	struct ucode_scan s;

	(void)state;
	img_len = 0;
	add_container(c, i1, 1);
	add_patch(0x0830107c, 0x8310, 96);
	add_container(c, i2, 1);
	assert_int_equal(scan(ZEN2_ROME, &s), UCODE_OK);
	assert_true(s.found);
	assert_int_equal(s.equiv_id, 0x8310);
	assert_int_equal(s.patch_id, 0x0830107c);
	/* No patch anywhere: the first table's ID. */
	img_len = 0;
	add_container(c, i2, 1);
	add_container(c, i1, 1);
	assert_int_equal(scan(ZEN2_ROME, &s), UCODE_OK);
	assert_false(s.found);
	assert_int_equal(s.equiv_id, 0x8311);
}

/* ---- every error: a code, its offset, nothing selected --------------------- */

static void expect_err(int code, uint32_t at)
{
	struct ucode_scan s;

	assert_int_equal(scan(ZEN2_RENOIR, &s), code);
	assert_false(s.found);
	assert_int_equal(s.patch_id, 0);
	assert_int_equal(s.offset, 0);
	assert_int_equal(s.err_offset, at);
	assert_string_not_equal(ucode_strerror(code), "unknown error");
}

static void test_errors_header(void **state)
{
	struct ucode_scan s;

	(void)state;
	assert_int_equal(ucode_scan(NULL, 10, 0, &s), UCODE_EINVAL);
	assert_int_equal(ucode_scan(img, 10, 0, NULL), UCODE_EINVAL);
	build_basic();
	img_len = 0;
	expect_err(UCODE_EEMPTY, 0);
	img_len = 11;
	expect_err(UCODE_EEMPTY, 0);
	build_basic();
	assert_int_equal(ucode_scan(img, UCODE_FILE_MAX + 1, ZEN2_RENOIR, &s), UCODE_ETOOBIG);
	assert_false(s.found);

	img[0] ^= 1;                            /* magic */
	expect_err(UCODE_EMAGIC, 0);
	build_basic();
	put32(4, UCODE_TYPE_PATCH);             /* table type */
	expect_err(UCODE_EEQUIV, 4);
	build_basic();
	put32(8, 0);                            /* zero-size table */
	expect_err(UCODE_EEQUIV, 8);
	put32(8, 3 * 16 + 1);                   /* not whole entries */
	expect_err(UCODE_EEQUIV, 8);
	put32(8, 0xfffffff0u);                  /* oversized */
	expect_err(UCODE_EEQUIV, 8);
	put32(8, (uint32_t)img_len);            /* whole entries, past the end */
	put32(8, ((uint32_t)img_len / 16 + 1) * 16);
	expect_err(UCODE_ETRUNC, 8);
}

static void test_errors_patch(void **state)
{
	size_t p1 = 12 + 3 * 16;                /* the first patch section */

	(void)state;
	build_basic();
	put32(p1, 2);                           /* unknown section type */
	expect_err(UCODE_ETYPE, (uint32_t)p1);
	build_basic();
	put32(p1 + 4, 0);                       /* zero-size patch */
	expect_err(UCODE_ESIZE, (uint32_t)p1 + 4);
	put32(p1 + 4, UCODE_PATCH_HDR - 1);     /* shorter than its header */
	expect_err(UCODE_ESIZE, (uint32_t)p1 + 4);
	put32(p1 + 4, UCODE_PATCH_MAX + 1);     /* oversized */
	expect_err(UCODE_ESIZE, (uint32_t)p1 + 4);
	put32(p1 + 4, 0xffffffffu);
	expect_err(UCODE_ESIZE, (uint32_t)p1 + 4);
	/* Overlapping the next section: its header is read from patch data. */
	put32(p1 + 4, 3200 + 4);
	expect_err(UCODE_ETYPE, (uint32_t)(p1 + 8 + 3204));
	build_basic();
	put32(p1 + 8 + UCODE_NB_DEV_OFF, 0x1022);       /* a chipset patch */
	expect_err(UCODE_ECHIPSET, (uint32_t)(p1 + 8 + UCODE_NB_DEV_OFF));
	build_basic();
	put16(p1 + 8 + UCODE_PROC_REV_OFF, 0x0000);     /* family 0Fh: none */
	expect_err(UCODE_EFAMILY, (uint32_t)(p1 + 8 + UCODE_PROC_REV_OFF));
	build_basic();
	put16(p1 + 8 + UCODE_PROC_REV_OFF, 0x5010);     /* family 14h: 2048 bytes at most */
	expect_err(UCODE_ESIZE, (uint32_t)p1 + 4);
	/* Truncated: the last patch, a half section header, a half magic. */
	build_basic();
	img_len -= 1;
	expect_err(UCODE_ETRUNC, (uint32_t)(img_len - 3200 + 1 - 4));
	build_basic();
	img[img_len] = 1;
	img_len += 5;
	expect_err(UCODE_ETRUNC, (uint32_t)(img_len - 5));
	build_basic();
	put32(img_len, UCODE_MAGIC);
	img_len += 4;
	expect_err(UCODE_ETRUNC, (uint32_t)(img_len - 4));
}

/* ---- decisions and names ----------------------------------------------------- */

static void test_decide(void **state)
{
	struct ucode_scan s = { .found = true, .patch_id = 0x0860010d };

	(void)state;
	assert_int_equal(ucode_decide(NULL, 0), UCODE_NO_PATCH);
	assert_int_equal(ucode_decide(&s, 0x0860010c), UCODE_LOAD);
	assert_int_equal(ucode_decide(&s, 0), UCODE_LOAD);
	assert_int_equal(ucode_decide(&s, 0x0860010d), UCODE_UP_TO_DATE);
	assert_int_equal(ucode_decide(&s, 0x0860010e), UCODE_UP_TO_DATE);
	s.found = false;
	assert_int_equal(ucode_decide(&s, 0), UCODE_NO_PATCH);
}

static void test_names_and_signature(void **state)
{
	char b[32];

	(void)state;
	assert_int_equal(ucode_file_name(0x10, b, sizeof(b)), 17);
	assert_string_equal(b, "microcode_amd.bin");
	ucode_file_name(0x14, b, sizeof(b));
	assert_string_equal(b, "microcode_amd.bin");
	ucode_file_name(0x15, b, sizeof(b));
	assert_string_equal(b, "microcode_amd_fam15h.bin");
	ucode_file_name(0x17, b, sizeof(b));
	assert_string_equal(b, "microcode_amd_fam17h.bin");
	assert_int_equal(ucode_file_name(0x1a, b, sizeof(b)), 24);
	assert_string_equal(b, "microcode_amd_fam1ah.bin");
	assert_int_equal(ucode_file_name(0x19, b, 24), -1);     /* no room for the NUL */
	assert_int_equal(ucode_file_name(0x19, NULL, 0), -1);

	assert_int_equal(ucode_family(ZEN2_ROME), 0x17);
	assert_int_equal(ucode_model(ZEN2_ROME), 0x31);
	assert_int_equal(ucode_stepping(ZEN2_ROME), 0);
	assert_int_equal(ucode_family(0x00a20f12), 0x19);
	assert_int_equal(ucode_model(0x00a20f12), 0x21);
	assert_int_equal(ucode_stepping(0x00a20f12), 2);
	assert_int_equal(ucode_family(0x00b40f40), 0x1a);
	assert_int_equal(ucode_model(0x00b40f40), 0x44);
	assert_int_equal(ucode_family(0x00600f12), 0x15);
	assert_int_equal(ucode_model(0x00600f12), 0x01);
	assert_int_equal(ucode_family(0x000006f6), 6);  /* not extended below 0Fh */
	assert_int_equal(ucode_model(0x000006f6), 0xf);
	assert_int_equal(ucode_patch_family(0x8310), 0x17);
	assert_int_equal(ucode_patch_family(0xa010), 0x19);
	assert_int_equal(ucode_patch_family(0x1022), 0x10);
}

/* ---- errata: one case per row ------------------------------------------------- */

static struct errata_cpu cpu(uint32_t fam, uint32_t model, uint32_t step, uint32_t rev, bool avx)
{
	return (struct errata_cpu){ fam, model, step, rev, avx };
}

/* Does erratum `name` apply, and if so with which MSR and bits? */
static const struct errata_fix *find(struct errata_cpu c, const char *name)
{
	static struct errata_fix f[ERRATA_MAX];
	unsigned n = errata_select(&c, f, ERRATA_MAX);

	for (unsigned i = 0; i < n; i++)
		if (!strcmp(f[i].name, name))
			return &f[i];
	return NULL;
}

static void test_zenbleed(void **state)
{
	const struct errata_fix *f;

	(void)state;
	/* Rome B0 below and at the fixed patch level (Linux amd_zenbleed_microcode). */
	f = find(cpu(0x17, 0x31, 0, 0x0830107a, true), "zenbleed");
	assert_non_null(f);
	assert_int_equal(f->msr, 0xc0011029);
	assert_int_equal(f->set, 1ull << 9);
	assert_int_equal(f->clear, 0);
	assert_null(find(cpu(0x17, 0x31, 0, 0x0830107b, true), "zenbleed"));
	assert_null(find(cpu(0x17, 0x31, 0, 0x0830107a, false), "zenbleed"));  /* no AVX */
	assert_non_null(find(cpu(0x17, 0x60, 1, 0x0860010b, true), "zenbleed"));
	assert_null(find(cpu(0x17, 0x60, 1, 0x0860010c, true), "zenbleed"));
	assert_null(find(cpu(0x17, 0x68, 1, 0x08608107, true), "zenbleed"));
	assert_null(find(cpu(0x17, 0x71, 0, 0x08701033, true), "zenbleed"));
	assert_null(find(cpu(0x17, 0xa0, 0, 0x08a00009, true), "zenbleed"));
	/* A Zen2 without a fixed level in the table: always the MSR fix. */
	assert_non_null(find(cpu(0x17, 0x90, 1, 0xffffffff, true), "zenbleed"));
	assert_non_null(find(cpu(0x17, 0x31, 1, 0xffffffff, true), "zenbleed"));
	/* Zen1 and Zen3 are not affected. */
	assert_null(find(cpu(0x17, 0x08, 2, 0, true), "zenbleed"));
	assert_null(find(cpu(0x19, 0x01, 1, 0, true), "zenbleed"));
}

static void test_spectral_chicken_and_opcache(void **state)
{
	static const uint32_t zen2[] = { 0x31, 0x47, 0x60, 0x68, 0x71, 0x90, 0x91, 0xa0 };
	const struct errata_fix *f;

	(void)state;
	for (unsigned i = 0; i < sizeof(zen2) / sizeof(zen2[0]); i++) {
		f = find(cpu(0x17, zen2[i], 0, 0xffffffff, true), "zen2-spectral-chicken");
		assert_non_null(f);
		assert_int_equal(f->msr, 0xc00110e3);
		assert_int_equal(f->set, 1ull << 1);
		f = find(cpu(0x17, zen2[i], 0, 0xffffffff, true), "zen2-opcache");
		assert_non_null(f);
		assert_int_equal(f->msr, 0xc001102e);
		assert_int_equal(f->set, 1ull << 33);
	}
	assert_null(find(cpu(0x17, 0x08, 2, 0, true), "zen2-spectral-chicken"));
	assert_null(find(cpu(0x17, 0x2f, 0, 0, true), "zen2-opcache"));
	assert_null(find(cpu(0x17, 0x92, 0, 0, true), "zen2-opcache"));
	assert_null(find(cpu(0x19, 0x31, 0, 0, true), "zen2-spectral-chicken"));
}

static void test_erratum_1485(void **state)
{
	static const uint32_t zen4[] = { 0x10, 0x11, 0x1f, 0x60, 0x61, 0x74, 0x78, 0xa0, 0xaf };
	static const uint32_t zen3[] = { 0x00, 0x01, 0x21, 0x44, 0x50, 0x5f };
	const struct errata_fix *f;

	(void)state;
	for (unsigned i = 0; i < sizeof(zen4) / sizeof(zen4[0]); i++) {
		f = find(cpu(0x19, zen4[i], 1, 0xffffffff, true), "erratum-1485");
		assert_non_null(f);
		assert_int_equal(f->msr, 0xc001102e);
		assert_int_equal(f->set, 1ull << 5);
	}
	for (unsigned i = 0; i < sizeof(zen3) / sizeof(zen3[0]); i++)
		assert_null(find(cpu(0x19, zen3[i], 1, 0, true), "erratum-1485"));
	assert_null(find(cpu(0x1a, 0x11, 0, 0, true), "erratum-1485"));
}

static void test_zen1_fpdss(void **state)
{
	const struct errata_fix *f = find(cpu(0x17, 0x01, 1, 0x08001250, true), "zen1-fpdss");

	(void)state;
	assert_non_null(f);
	assert_int_equal(f->msr, 0xc0011028);
	assert_int_equal(f->set, 1ull << 9);
	assert_non_null(find(cpu(0x17, 0x18, 1, 0, true), "zen1-fpdss"));
	assert_non_null(find(cpu(0x17, 0x50, 0, 0, true), "zen1-fpdss"));
	assert_null(find(cpu(0x17, 0x31, 0, 0, true), "zen1-fpdss"));
}

static void test_rdseed(void **state)
{
	const struct errata_fix *f;

	(void)state;
	/* Cyan Skillfish (family 17h model 47h stepping 0): RDSEED hidden, any level. */
	f = find(cpu(0x17, 0x47, 0, 0xffffffff, true), "cyan-skillfish-rdseed");
	assert_non_null(f);
	assert_int_equal(f->msr, 0xc0011002);
	assert_int_equal(f->set, 0);
	assert_int_equal(f->clear, 1ull << 18);
	assert_null(find(cpu(0x17, 0x47, 1, 0, true), "cyan-skillfish-rdseed"));
	/* Zen5 (AMD-SB-7055): below the fixed level, or not in the table. */
	assert_non_null(find(cpu(0x1a, 0x44, 0, 0x0b404034, true), "zen5-rdseed"));
	assert_null(find(cpu(0x1a, 0x44, 0, 0x0b404035, true), "zen5-rdseed"));
	assert_null(find(cpu(0x1a, 0x44, 1, 0x0b404108, true), "zen5-rdseed"));
	assert_non_null(find(cpu(0x1a, 0x44, 2, 0xffffffff, true), "zen5-rdseed"));
	assert_null(find(cpu(0x1a, 0x02, 1, 0x0b00215a, true), "zen5-rdseed"));
	assert_null(find(cpu(0x1a, 0x70, 0, 0x0b700037, true), "zen5-rdseed"));
	assert_non_null(find(cpu(0x1a, 0x70, 0, 0x0b700036, true), "zen5-rdseed"));
	assert_null(find(cpu(0x1a, 0x50, 0, 0, true), "zen5-rdseed"));  /* not Zen5 */
}

static void test_errata_other_cpus(void **state)
{
	struct errata_fix f[ERRATA_MAX];
	struct errata_cpu none[] = {
		cpu(0x10, 0x02, 3, 0, false), cpu(0x15, 0x01, 2, 0, true),
		cpu(0x16, 0x00, 1, 0, true), cpu(0x19, 0x01, 1, 0, true),
		cpu(0x19, 0x21, 2, 0, true), cpu(6, 6, 3, 0, false),
	};
	struct errata_cpu rome = cpu(0x17, 0x31, 0, 0, true);

	(void)state;
	for (unsigned i = 0; i < sizeof(none) / sizeof(none[0]); i++)
		assert_int_equal(errata_select(&none[i], f, ERRATA_MAX), 0);
	/* Rome with old microcode: three fixes, in table order; max is honoured. */
	assert_int_equal(errata_select(&rome, f, ERRATA_MAX), 3);
	assert_string_equal(f[0].name, "zen2-spectral-chicken");
	assert_string_equal(f[1].name, "zenbleed");
	assert_string_equal(f[2].name, "zen2-opcache");
	assert_int_equal(errata_select(&rome, f, 1), 1);
	assert_int_equal(errata_select(&rome, f, 0), 0);
	assert_int_equal(errata_count(), 7);
	assert_string_equal(errata_name(5), "erratum-1485");
	assert_string_equal(errata_name(99), "");
}

/* TSA (Linux tsa_init()): VERW_CLEAR on Zen3/4 from the fixed level, TSA_*_NO elsewhere. */
static void test_tsa_cpuid(void **state)
{
	struct errata_cpu c;
	uint32_t eax, ecx;

	(void)state;
	c = cpu(0x19, 0x01, 1, 0x0a0011d7, true);       /* Milan B1 at the fixed level */
	errata_tsa_cpuid(&c, &eax, &ecx);
	assert_int_equal(eax, CPUID_80000021_EAX_VERW_CLEAR);
	assert_int_equal(ecx, 0);
	c.patch_level = 0x0a0011d5;                     /* Debian 2025-03's: too old */
	errata_tsa_cpuid(&c, &eax, &ecx);
	assert_int_equal(eax | ecx, 0);
	c = cpu(0x19, 0x61, 2, 0x0a60120a, true);       /* Zen4 Raphael */
	errata_tsa_cpuid(&c, &eax, &ecx);
	assert_int_equal(eax, CPUID_80000021_EAX_VERW_CLEAR);
	c = cpu(0x19, 0x61, 3, 0xffffffff, true);       /* a stepping not in the table */
	errata_tsa_cpuid(&c, &eax, &ecx);
	assert_int_equal(eax | ecx, 0);
	c = cpu(0x17, 0x31, 0, 0, true);                /* Zen2: not affected */
	errata_tsa_cpuid(&c, &eax, &ecx);
	assert_int_equal(eax, 0);
	assert_int_equal(ecx, CPUID_80000021_ECX_TSA_SQ_NO | CPUID_80000021_ECX_TSA_L1_NO);
	c = cpu(0x1a, 0x44, 0, 0, true);                /* Zen5: not affected */
	errata_tsa_cpuid(&c, &eax, &ecx);
	assert_int_equal(ecx, CPUID_80000021_ECX_TSA_SQ_NO | CPUID_80000021_ECX_TSA_L1_NO);
}

static void test_errata_value(void **state)
{
	struct errata_fix set = { "s", 1, 1ull << 9, 0 }, clr = { "c", 1, 0, 1ull << 18 };

	(void)state;
	assert_int_equal(errata_value(&set, 0x3), 0x203);
	assert_int_equal(errata_value(&set, 0x200), 0x200);
	assert_int_equal(errata_value(&clr, 0x40000 | 0x1), 0x1);
	assert_int_equal(errata_value(&clr, 0x1), 0x1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_select),
		cmocka_unit_test(test_select_no_patch),
		cmocka_unit_test(test_two_containers),
		cmocka_unit_test(test_two_tables_two_ids),
		cmocka_unit_test(test_errors_header),
		cmocka_unit_test(test_errors_patch),
		cmocka_unit_test(test_decide),
		cmocka_unit_test(test_names_and_signature),
		cmocka_unit_test(test_zenbleed),
		cmocka_unit_test(test_spectral_chicken_and_opcache),
		cmocka_unit_test(test_erratum_1485),
		cmocka_unit_test(test_zen1_fpdss),
		cmocka_unit_test(test_rdseed),
		cmocka_unit_test(test_errata_other_cpus),
		cmocka_unit_test(test_tsa_cpuid),
		cmocka_unit_test(test_errata_value),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
