/* SPDX-License-Identifier: MIT */
/*
 * Host unit tests for mm/gwalk.c, the guest page-table walker. Page tables
 * are built in a sparse fake guest memory (pages allocated on first touch);
 * the read callback refuses unallocated pages and a configurable "svmhv"
 * range. Expected #PF error codes follow APM2 8.4.2.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "mm/gwalk.h"

#define CR0_PE          (1ull << 0)
#define CR0_WP          (1ull << 16)
#define CR0_PG          (1ull << 31)
#define CR4_PSE         (1ull << 4)
#define CR4_PAE         (1ull << 5)
#define CR4_LA57        (1ull << 12)
#define CR4_SMEP        (1ull << 20)
#define CR4_SMAP        (1ull << 21)
#define EFER_LME        (1ull << 8)
#define EFER_LMA        (1ull << 10)
#define EFER_NXE        (1ull << 11)

#define P       (1ull << 0)
#define W       (1ull << 1)
#define U       (1ull << 2)
#define PS      (1ull << 7)
#define NX      (1ull << 63)
#define PWU     (P | W | U)
#define ADDR    0x000ffffffffff000ull

#define R       GPA_ACC_READ
#define WR      GPA_ACC_WRITE
#define US      GPA_ACC_USER
#define FE      GPA_ACC_FETCH

#define KB4     0x1000ull
#define MB2     0x200000ull
#define GB1     0x40000000ull

/* ---- fake guest-physical memory ---------------------------------------- */

#define NPAGES  96

static struct {
	uint64_t gpa[NPAGES];
	uint8_t data[NPAGES][4096];
	size_t used;
	uint64_t refuse_lo, refuse_hi;  /* [lo, hi) is "svmhv memory" */
	unsigned int reads;
	uint64_t next_table;
} mem;

static uint8_t *find_page(uint64_t gpa)
{
	for (size_t i = 0; i < mem.used; i++)
		if (mem.gpa[i] == (gpa & ~0xfffull))
			return mem.data[i];
	return NULL;
}

static uint8_t *page(uint64_t gpa)
{
	uint8_t *p = find_page(gpa);

	if (p)
		return p;
	assert_true(mem.used < NPAGES);
	mem.gpa[mem.used] = gpa & ~0xfffull;
	return mem.data[mem.used++];
}

static int fake_read(void *ctx, uint64_t gpa, void *buf, size_t len)
{
	uint8_t *dst = buf;

	assert_ptr_equal(ctx, &mem);
	mem.reads++;
	for (size_t i = 0; i < len; i++) {
		uint64_t a = gpa + i;
		uint8_t *p = find_page(a);

		if (!p || (a >= mem.refuse_lo && a < mem.refuse_hi))
			return -1;
		dst[i] = p[a & 0xfff];
	}
	return 0;
}

static void put64(uint64_t gpa, uint64_t v)
{
	memcpy(page(gpa) + (gpa & 0xfff), &v, 8);
}

static uint64_t get64(uint64_t gpa)
{
	uint64_t v;

	memcpy(&v, page(gpa) + (gpa & 0xfff), 8);
	return v;
}

static void put32(uint64_t gpa, uint32_t v)
{
	memcpy(page(gpa) + (gpa & 0xfff), &v, 4);
}

static uint64_t new_table(void)
{
	uint64_t g = mem.next_table;

	mem.next_table += KB4;
	page(g);
	return g;
}

static int setup(void **state)
{
	(void)state;
	memset(&mem, 0, sizeof(mem));
	mem.next_table = 0x100000;
	return 0;
}

/* ---- page-table builders ----------------------------------------------- */

static unsigned int idx(uint64_t la, int level)
{
	return (la >> (12 + 9 * (level - 1))) & 0x1ff;
}

/* Address of the 8-byte entry for la at level, creating missing tables
 * (with P|W|U) on the way down from root at top. */
static uint64_t slot64(uint64_t root, int top, uint64_t la, int level)
{
	uint64_t table = root;

	for (int l = top; l > level; l--) {
		uint64_t s = table + idx(la, l) * 8, e = get64(s);

		if (!(e & P)) {
			e = new_table() | PWU;
			put64(s, e);
		}
		table = e & ADDR;
	}
	return table + idx(la, level) * 8;
}

/* Long mode (top 4 or 5) or the PAE directory (top 2): leaf at level
 * 1 (4 KiB), 2 (2 MiB, PS) or 3 (1 GiB, PS). */
static void map64(uint64_t root, int top, uint64_t la, uint64_t pa, int level, uint64_t flags)
{
	put64(slot64(root, top, la, level), pa | flags | (level > 1 ? PS : 0));
}

/* Legacy PAE: the PDPT at cr3, then map64 in the directory. */
static uint64_t pae_pd(uint64_t cr3, uint64_t la)
{
	uint64_t s = cr3 + ((la >> 30) & 3) * 8;

	if (!(get64(s) & P))
		put64(s, new_table() | P);
	return get64(s) & ADDR;
}

static void map_pae(uint64_t cr3, uint64_t la, uint64_t pa, int level, uint64_t flags)
{
	map64(pae_pd(cr3, la), 2, la, pa, level, flags);
}

/* 32-bit paging: 4 KiB, or a 4 MiB PDE with PA bits 39:32 in bits 20:13. */
static void map32(uint64_t cr3, uint32_t la, uint64_t pa, bool large, uint32_t flags)
{
	uint64_t s = cr3 + (la >> 22) * 4;

	if (large) {
		put32(s, (uint32_t)(pa & 0xffc00000u) | (uint32_t)((pa >> 32) << 13) |
			 flags | (uint32_t)PS);
		return;
	}
	uint32_t pde;

	memcpy(&pde, page(s) + (s & 0xfff), 4);
	if (!(pde & P)) {
		pde = (uint32_t)new_table() | (uint32_t)PWU;
		put32(s, pde);
	}
	put32((pde & 0xfffff000u) + ((la >> 12) & 0x3ff) * 4, (uint32_t)pa | flags);
}

/* ---- translation helpers ----------------------------------------------- */

static struct gpa_mmu mmu_of(uint64_t cr0, uint64_t cr3, uint64_t cr4, uint64_t efer)
{
	struct gpa_mmu m = {
		.cr0 = cr0, .cr3 = cr3, .cr4 = cr4, .efer = efer,
		.maxphyaddr = 48, .read = fake_read, .ctx = &mem,
	};
	return m;
}

#define LONG4(cr3)      mmu_of(CR0_PE | CR0_PG | CR0_WP, cr3, CR4_PAE, \
			       EFER_LME | EFER_LMA | EFER_NXE)
#define LONG5(cr3)      mmu_of(CR0_PE | CR0_PG | CR0_WP, cr3, CR4_PAE | CR4_LA57, \
			       EFER_LME | EFER_LMA | EFER_NXE)
#define PAE(cr3)        mmu_of(CR0_PE | CR0_PG | CR0_WP, cr3, CR4_PAE, EFER_NXE)
#define PG32(cr3)       mmu_of(CR0_PE | CR0_PG | CR0_WP, cr3, CR4_PSE, 0)

static void expect_gpa(const struct gpa_mmu *m, uint64_t la, unsigned int acc, uint64_t want)
{
	uint64_t gpa = ~0ull;
	struct gpa_fault f;
	int rc = gpa_translate(m, la, acc, &gpa, &f);

	if (rc != GPA_OK)
		print_error("la %#llx: rc %d error code %#x\n", (unsigned long long)la, rc,
			    f.error_code);
	assert_int_equal(rc, GPA_OK);
	assert_int_equal(gpa, want);
}

static void expect_pf(const struct gpa_mmu *m, uint64_t la, unsigned int acc, uint32_t ec)
{
	uint64_t gpa = 0x5a5a;
	struct gpa_fault f = { 0, 0 };

	assert_int_equal(gpa_translate(m, la, acc, &gpa, &f), GPA_EPF);
	assert_int_equal(f.error_code, ec);
	assert_int_equal(f.addr, la);
	assert_int_equal(gpa, 0x5a5a);          /* untouched on failure */
}

#define PF_P    GPA_PF_P
#define PF_W    GPA_PF_W
#define PF_U    GPA_PF_U
#define PF_RSV  GPA_PF_RSV
#define PF_ID   GPA_PF_ID

/* ---- tests --------------------------------------------------------------- */

static void test_paging_off(void **state)
{
	struct gpa_mmu m = mmu_of(CR0_PE, 0, 0, 0);

	(void)state;
	expect_gpa(&m, 0x12345678, R, 0x12345678);
	expect_gpa(&m, 0x12345678, WR | US | FE, 0x12345678);
	expect_gpa(&m, 0x1fee00300ull, R, 0xfee00300);  /* 32-bit wrap */
	m.cr0 = 0;                                      /* real mode */
	expect_gpa(&m, 0xffff0, FE, 0xffff0);
	assert_int_equal(mem.reads, 0);
}

/*
 * From the gwalk fuzz target (tests/fuzz/gwalk.c): 32-bit paging, a linear
 * address with bits above 31 and an empty page directory: the #PF names
 * the 32-bit address, as CR2 would. The target expected the full 64 bits;
 * the walker was right, the expectation is fixed.
 */
static void test_32bit_fault_wraps(void **state)
{
	uint64_t cr3 = new_table(), gpa = 0;
	struct gpa_mmu m = mmu_of(CR0_PE | CR0_PG, cr3, 0, 0);
	struct gpa_fault f = { 0, 0 };

	(void)state;
	assert_int_equal(gpa_translate(&m, 0x110020ffffull, R, &gpa, &f), GPA_EPF);
	assert_int_equal(f.addr, 0x0020ffffull);
	assert_int_equal(f.error_code, 0);
}

static void test_32bit(void **state)
{
	uint64_t cr3 = new_table();
	struct gpa_mmu m = PG32(cr3 | 0x18);    /* PWT/PCD bits are not address */

	(void)state;
	map32(cr3, 0x00401000, 0x7000, false, (uint32_t)PWU);
	map32(cr3, 0xc0000000, 0x12c00000, true, (uint32_t)(P | W));
	map32(cr3, 0xfee00000, 0xfee00000, false, (uint32_t)(P | W));
	expect_gpa(&m, 0x00401abc, R, 0x7abc);
	expect_gpa(&m, 0x00401abc, WR | US, 0x7abc);
	expect_gpa(&m, 0xc0123456, FE, 0x12d23456);     /* 4 MiB page */
	expect_gpa(&m, 0xfee00300, WR, 0xfee00300);
	expect_pf(&m, 0x00402000, R, 0);                /* PTE not present */
	expect_pf(&m, 0x00802000, WR | US, PF_W | PF_U);/* PDE not present */
	expect_pf(&m, 0xc0000000, US, PF_P | PF_U);     /* supervisor page */
	/* No NX in 32-bit paging: fetches never set I/D without SMEP. */
	expect_pf(&m, 0xc0000000, FE | US, PF_P | PF_U);
	/* Without CR4.PSE the PS bit is ignored: the PDE points to a table. */
	m.cr4 = 0;
	put32(0x12c00000 + 0x123 * 4, (uint32_t)(0x9000 | P));
	expect_gpa(&m, 0xc0123456, R, 0x9456);
}

static void test_32bit_pse36(void **state)
{
	uint64_t cr3 = new_table();
	struct gpa_mmu m = PG32(cr3);

	(void)state;
	map32(cr3, 0x80000000, 0xab00400000ull, true, (uint32_t)(P | W));
	m.maxphyaddr = 40;                              /* AMD PSE-40 */
	expect_gpa(&m, 0x80012345, R, 0xab00412345ull);
	m.maxphyaddr = 36;                              /* PA bits 39:36 reserved */
	expect_pf(&m, 0x80012345, R, PF_P | PF_RSV);
	map32(cr3, 0x80000000, 0xb00400000ull, true, (uint32_t)(P | W));
	expect_gpa(&m, 0x80012345, R, 0xb00412345ull);
	put32(cr3 + (0x80000000u >> 22) * 4, 0x00400000u | (1u << 21) | (uint32_t)(P | PS));
	m.maxphyaddr = 52;                              /* bit 21 always reserved */
	expect_pf(&m, 0x80012345, WR, PF_P | PF_W | PF_RSV);
}

static void test_pae(void **state)
{
	uint64_t cr3 = 0x3000 + 0x20;           /* PDPT is 32-byte aligned */
	struct gpa_mmu m = PAE(cr3 | 0x18);

	(void)state;
	page(cr3);
	map_pae(cr3, 0x00400000, 0x123400000ull, 2, PWU);          /* 2 MiB above 4G */
	map_pae(cr3, 0xc0001000, 0x5000, 1, P | W | NX);
	expect_gpa(&m, 0x00412345, WR | US, 0x123412345ull);
	expect_gpa(&m, 0xc0001ff0, WR, 0x5ff0);
	expect_pf(&m, 0xc0001ff0, FE, PF_P | PF_ID);                /* NX */
	expect_pf(&m, 0x40000000, FE, PF_ID);                       /* PDPTE not present */
	/* PDPTE reserved bits: 2:1, 8:5, 63:MAXPHYADDR. */
	put64(cr3, get64(cr3) | W);
	expect_pf(&m, 0x00412345, R, PF_P | PF_RSV);
	put64(cr3, (get64(cr3) & ~W) | (1ull << 63));
	expect_pf(&m, 0x00412345, R, PF_P | PF_RSV);
	put64(cr3, (get64(cr3) & ~(1ull << 63)) | (1ull << 48));
	expect_pf(&m, 0x00412345, R, PF_P | PF_RSV);
	put64(cr3, get64(cr3) & ~(1ull << 48));
	expect_gpa(&m, 0x00412345, R, 0x123412345ull);
	/* NX without EFER.NXE is a reserved bit; I/D is then undefined (0). */
	m.efer = 0;
	expect_pf(&m, 0xc0001ff0, FE, PF_P | PF_RSV);
	/* PAE PDE/PTE bits 62:MAXPHYADDR are reserved (long mode ignores 62:52). */
	m.efer = EFER_NXE;
	put64(slot64(pae_pd(cr3, 0xc0001000), 2, 0xc0001000, 1), 0x5000 | P | (1ull << 60));
	expect_pf(&m, 0xc0001000, R, PF_P | PF_RSV);
	/* 2 MiB PDE: bits 20:13 reserved, bit 12 is PAT. */
	put64(slot64(pae_pd(cr3, 0x00400000), 2, 0x00400000, 2), 0x123400000ull | PWU | PS | (1ull << 12));
	expect_gpa(&m, 0x00412345, R, 0x123412345ull);
	put64(slot64(pae_pd(cr3, 0x00400000), 2, 0x00400000, 2), 0x123400000ull | PWU | PS | (1ull << 13));
	expect_pf(&m, 0x00412345, R, PF_P | PF_RSV);
}

static void test_long4(void **state)
{
	uint64_t cr3 = new_table();
	struct gpa_mmu m = LONG4(cr3 | 0x18);
	const uint64_t k = 0xffffffff81000000ull, d = 0xffff888000000000ull;

	(void)state;
	map64(cr3, 4, 0x400000, 0x7000, 1, PWU);                /* 4 KiB */
	map64(cr3, 4, k, 0x1000000, 2, P | W);                  /* 2 MiB */
	map64(cr3, 4, d, 0x0, 3, P | W | NX);                   /* 1 GiB */
	map64(cr3, 4, 0x7fffffffe000ull, 0xfedc0000000ull, 1, PWU | NX);
	expect_gpa(&m, 0x400123, WR | US | FE, 0x7123);
	expect_gpa(&m, k + 0x1234, FE, 0x1001234);
	expect_gpa(&m, d + 0x3fffffff, WR, 0x3fffffff);
	expect_gpa(&m, 0x7fffffffeff8ull, US, 0xfedc0000ff8ull);
	expect_pf(&m, d + 0x1000, FE, PF_P | PF_ID);            /* NX on 1 GiB page */
	expect_pf(&m, 0x401000, R, 0);                          /* PTE not present */
	expect_pf(&m, 0x0000100000000000ull, WR, PF_W);         /* PML4E not present */
	expect_pf(&m, k, US, PF_P | PF_U);
	/* 1 GiB page: bits 29:13 reserved; 2 MiB: bits 20:13. */
	put64(slot64(cr3, 4, d, 3), P | W | PS | (1ull << 29));
	expect_pf(&m, d, R, PF_P | PF_RSV);
	put64(slot64(cr3, 4, d, 3), P | W | PS | (1ull << 13));
	expect_pf(&m, d, R, PF_P | PF_RSV);
	put64(slot64(cr3, 4, d, 3), GB1 | P | W | PS | (1ull << 12));      /* PAT */
	expect_gpa(&m, d + 0x123, R, GB1 + 0x123);
	put64(slot64(cr3, 4, k, 2), 0x1000000 | P | W | PS | (1ull << 20));
	expect_pf(&m, k, FE, PF_P | PF_RSV | PF_ID);
	/* Bits 62:52 are ignored in long mode (available / protection key). */
	put64(slot64(cr3, 4, k, 2), 0x1000000 | P | W | PS | (0x7ffull << 52));
	expect_gpa(&m, k + 5, R, 0x1000005);
}

static void test_long4_reserved(void **state)
{
	uint64_t cr3 = new_table();
	struct gpa_mmu m = LONG4(cr3);
	uint64_t pml4e, pdpte;

	(void)state;
	map64(cr3, 4, 0x400000, 0x7000, 1, PWU);
	pml4e = slot64(cr3, 4, 0x400000, 4);
	pdpte = slot64(cr3, 4, 0x400000, 3);
	/* Address bits at and above MAXPHYADDR. */
	m.maxphyaddr = 40;
	map64(cr3, 4, 0x400000, 0x10000007000ull, 1, PWU);     /* bit 40 */
	expect_pf(&m, 0x400000, R, PF_P | PF_RSV);
	m.maxphyaddr = 41;
	expect_gpa(&m, 0x400000, R, 0x10000007000ull);
	m.maxphyaddr = 52;
	/* PS in a PML4E, and bit 8 in a PML4E (AMD MBZ). */
	put64(pml4e, get64(pml4e) | PS);
	expect_pf(&m, 0x400000, R, PF_P | PF_RSV);
	put64(pml4e, (get64(pml4e) & ~PS) | (1ull << 8));
	expect_pf(&m, 0x400000, US, PF_P | PF_RSV | PF_U);
	put64(pml4e, get64(pml4e) & ~(1ull << 8));
	/* Bit 8 of a non-leaf PDPTE is ignored on AMD (KVM commit 5ecad245de2a). */
	put64(pdpte, get64(pdpte) | (1ull << 8));
	expect_gpa(&m, 0x400000, R, 0x10000007000ull);
	/* NX without EFER.NXE is reserved, at any level. */
	m.efer = EFER_LME | EFER_LMA;
	put64(pdpte, get64(pdpte) | NX);
	expect_pf(&m, 0x400000, R, PF_P | PF_RSV);
	/* A not-present entry is not checked for reserved bits. */
	put64(pdpte, (get64(pdpte) & ~P) | (1ull << 51));
	expect_pf(&m, 0x400000, WR, PF_W);
}

static void test_noncanonical(void **state)
{
	uint64_t cr3 = new_table();
	struct gpa_mmu m = LONG4(cr3);
	struct gpa_fault f;
	uint64_t gpa;

	(void)state;
	assert_int_equal(gpa_translate(&m, 0x0000800000000000ull, R, &gpa, &f), GPA_ENONCANON);
	assert_int_equal(f.addr, 0x0000800000000000ull);
	assert_int_equal(gpa_translate(&m, 0xfff0000000000000ull, R, &gpa, NULL), GPA_ENONCANON);
	assert_int_equal(gpa_translate(&m, 0xffff7fffffffffffull, R, &gpa, NULL), GPA_ENONCANON);
	assert_int_equal(mem.reads, 0);
	/* 5-level paging widens the canonical range to 57 bits. */
	m.cr4 |= CR4_LA57;
	expect_pf(&m, 0x0000800000000000ull, R, 0);
	assert_int_equal(gpa_translate(&m, 0x0100000000000000ull, R, &gpa, NULL), GPA_ENONCANON);
}

static void test_long5(void **state)
{
	uint64_t cr3 = new_table();
	struct gpa_mmu m = LONG5(cr3);
	const uint64_t la = 0x00ab123456789000ull, hi = 0xff00000000000000ull;

	(void)state;
	map64(cr3, 5, la, 0x8000, 1, PWU);
	map64(cr3, 5, hi, 0x40000000, 3, P | W);
	map64(cr3, 5, 0x1000, 0x2000, 1, PWU);
	expect_gpa(&m, la + 0x10, WR | US, 0x8010);
	expect_gpa(&m, hi + 0x12345678, R, 0x52345678);
	expect_gpa(&m, 0x1fff, FE, 0x2fff);
	expect_pf(&m, la + 0x1000, R, 0);
	/* PML5E: PS reserved like a PML4E's. */
	put64(slot64(cr3, 5, la, 5), get64(slot64(cr3, 5, la, 5)) | PS);
	expect_pf(&m, la, R, PF_P | PF_RSV);
}

static void test_rights(void **state)
{
	uint64_t cr3 = new_table();
	struct gpa_mmu m = LONG4(cr3);
	const uint64_t ro = 0x10000, uro = 0x20000, kern = 0x30000, user = 0x40000;

	(void)state;
	map64(cr3, 4, ro, 0x1000, 1, P);                /* supervisor read-only */
	map64(cr3, 4, uro, 0x2000, 1, P | U);           /* user read-only */
	map64(cr3, 4, kern, 0x3000, 1, P | W);          /* supervisor read-write */
	map64(cr3, 4, user, 0x4000, 1, PWU);            /* user read-write */
	/* CR0.WP decides whether the supervisor may write read-only pages. */
	expect_pf(&m, ro, WR, PF_P | PF_W);
	expect_pf(&m, uro, WR, PF_P | PF_W);
	m.cr0 &= ~CR0_WP;
	expect_gpa(&m, ro, WR, 0x1000);
	expect_gpa(&m, uro, WR, 0x2000);
	expect_pf(&m, uro, WR | US, PF_P | PF_W | PF_U);        /* never for CPL 3 */
	m.cr0 |= CR0_WP;
	/* U/S. */
	expect_pf(&m, kern, US, PF_P | PF_U);
	expect_pf(&m, kern, WR | US, PF_P | PF_W | PF_U);
	expect_pf(&m, kern, FE | US, PF_P | PF_U | PF_ID);
	expect_gpa(&m, user, WR | US, 0x4000);
	expect_gpa(&m, user, R, 0x4000);
	/* R/W and U/S are ANDed over levels: a read-only PDE makes all read-only. */
	put64(slot64(cr3, 4, user, 2), get64(slot64(cr3, 4, user, 2)) & ~W);
	expect_pf(&m, user, WR | US, PF_P | PF_W | PF_U);
	put64(slot64(cr3, 4, user, 3), get64(slot64(cr3, 4, user, 3)) & ~U);
	expect_pf(&m, user, US, PF_P | PF_U);
	expect_gpa(&m, user, R, 0x4000);
}

static void test_nx_smep_smap(void **state)
{
	uint64_t cr3 = new_table();
	struct gpa_mmu m = LONG4(cr3);
	const uint64_t kx = 0x10000, knx = 0x20000, ux = 0x30000, unx = 0x40000;

	(void)state;
	map64(cr3, 4, kx, 0x1000, 1, P);
	map64(cr3, 4, knx, 0x2000, 1, P | NX);
	map64(cr3, 4, ux, 0x3000, 1, P | U);
	map64(cr3, 4, unx, 0x4000, 1, P | U | NX);
	expect_gpa(&m, kx, FE, 0x1000);
	expect_pf(&m, knx, FE, PF_P | PF_ID);
	expect_pf(&m, unx, FE | US, PF_P | PF_U | PF_ID);
	expect_gpa(&m, unx, R | US, 0x4000);
	/* NX in an upper level (ORed). */
	put64(slot64(cr3, 4, kx, 4), get64(slot64(cr3, 4, kx, 4)) | NX);
	expect_pf(&m, kx, FE, PF_P | PF_ID);
	put64(slot64(cr3, 4, kx, 4), get64(slot64(cr3, 4, kx, 4)) & ~NX);
	/* SMEP: no supervisor fetch from a user page. */
	expect_gpa(&m, ux, FE, 0x3000);
	m.cr4 |= CR4_SMEP;
	expect_pf(&m, ux, FE, PF_P | PF_ID);
	expect_gpa(&m, ux, FE | US, 0x3000);
	expect_gpa(&m, ux, R, 0x3000);                  /* SMEP is fetch only */
	/* SMAP: no supervisor data access to a user page unless RFLAGS.AC. */
	m.cr4 |= CR4_SMAP;
	expect_pf(&m, ux, R, PF_P);
	expect_pf(&m, ux, WR, PF_P | PF_W);
	expect_gpa(&m, ux, R | GPA_ACC_AC, 0x3000);
	expect_gpa(&m, ux, R | US, 0x3000);
	expect_gpa(&m, kx, R, 0x1000);
	/* I/D is reported for fetches when SMEP is on, even with NXE off. */
	m.efer &= ~EFER_NXE;
	expect_pf(&m, 0x50000, FE, PF_ID);
	m.cr4 &= ~CR4_SMEP;
	expect_pf(&m, 0x50000, FE, 0);
}

static void test_refused_read(void **state)
{
	uint64_t cr3 = new_table();
	struct gpa_mmu m = LONG4(cr3);
	struct gpa_fault f;
	uint64_t gpa, pt;
	uint8_t buf[8];

	(void)state;
	map64(cr3, 4, 0x400000, 0x7000, 1, PWU);
	page(0x7000);
	pt = slot64(cr3, 4, 0x400000, 1) & ~0xfffull;
	/* A page table in refused memory: the walk stops with GPA_EMEM. */
	mem.refuse_lo = pt;
	mem.refuse_hi = pt + KB4;
	assert_int_equal(gpa_translate(&m, 0x400000, R, &gpa, &f), GPA_EMEM);
	assert_int_equal(f.addr, pt + idx(0x400000, 1) * 8);
	/* CR3 pointing at refused memory. */
	mem.refuse_lo = cr3;
	mem.refuse_hi = cr3 + 1;
	assert_int_equal(gpa_translate(&m, 0x400000, R, &gpa, &f), GPA_EMEM);
	assert_int_equal(f.addr, cr3);
	/* The data page itself: translation succeeds, the read does not. */
	mem.refuse_lo = 0x7000;
	mem.refuse_hi = 0x8000;
	expect_gpa(&m, 0x400000, R, 0x7000);
	assert_int_equal(gpa_read_linear(&m, 0x400010, buf, sizeof(buf), R, &f), GPA_EMEM);
	assert_int_equal(f.addr, 0x7010);
	/* A table gpa that is not memory at all. */
	mem.refuse_lo = mem.refuse_hi = 0;
	put64(slot64(cr3, 4, 0x400000, 2), 0xabc000 | PWU);
	assert_int_equal(gpa_translate(&m, 0x400000, R, &gpa, NULL), GPA_EMEM);
}

static void fill(uint64_t gpa, size_t n, uint8_t first)
{
	for (size_t i = 0; i < n; i++)
		page(gpa + i)[(gpa + i) & 0xfff] = (uint8_t)(first + i);
}

static void test_read_linear(void **state)
{
	uint64_t cr3 = new_table();
	struct gpa_mmu m = LONG4(cr3);
	struct gpa_fault f;
	uint8_t buf[16], want[16];

	(void)state;
	/* Two adjacent linear pages on non-adjacent physical pages. */
	map64(cr3, 4, 0x400000, 0x9000, 1, PWU);
	map64(cr3, 4, 0x401000, 0x5000, 1, PWU);
	fill(0x9ff8, 8, 0x10);
	fill(0x5000, 8, 0x18);
	for (size_t i = 0; i < sizeof(want); i++)
		want[i] = (uint8_t)(0x10 + i);
	memset(buf, 0, sizeof(buf));
	assert_int_equal(gpa_read_linear(&m, 0x400ff8, buf, 15, FE, &f), GPA_OK);
	assert_memory_equal(buf, want, 15);
	/* Within one page; and len 0 does nothing. */
	assert_int_equal(gpa_read_linear(&m, 0x401002, buf, 4, R, NULL), GPA_OK);
	assert_memory_equal(buf, want + 10, 4);
	assert_int_equal(gpa_read_linear(&m, 0x999999, NULL, 0, R, &f), GPA_OK);
	/* The second page not present: CR2 is its first byte. */
	map64(cr3, 4, 0x401000, 0x5000, 1, 0);
	assert_int_equal(gpa_read_linear(&m, 0x400ff8, buf, 15, FE | US, &f), GPA_EPF);
	assert_int_equal(f.addr, 0x401000);
	assert_int_equal(f.error_code, PF_U | PF_ID);
	/* The second page NX: a fetch faults there, a read does not. */
	map64(cr3, 4, 0x401000, 0x5000, 1, PWU | NX);
	assert_int_equal(gpa_read_linear(&m, 0x400ffc, buf, 8, FE, &f), GPA_EPF);
	assert_int_equal(f.addr, 0x401000);
	assert_int_equal(f.error_code, PF_P | PF_ID);
	assert_int_equal(gpa_read_linear(&m, 0x400ffc, buf, 8, R, &f), GPA_OK);
	assert_memory_equal(buf, want + 4, 8);
	/* Longer than a page: three pages. */
	map64(cr3, 4, 0x402000, 0x6000, 1, PWU);
	page(0x6000);
	{
		static uint8_t big[2 * 4096];

		assert_int_equal(gpa_read_linear(&m, 0x400800, big, sizeof(big), R, &f), GPA_OK);
		assert_int_equal(big[0x7f8], 0x10);
		assert_int_equal(big[0x800], 0x18);
	}
}

/* Legacy linear addresses wrap at 4 GiB. */
static void test_read_linear_wrap(void **state)
{
	struct gpa_mmu m = mmu_of(CR0_PE, 0, 0, 0);
	uint8_t buf[4];
	const uint8_t want[4] = { 0xfe, 0xff, 0x00, 0x01 };

	(void)state;
	page(0xfffff000);
	page(0);
	page(0xfffffffe)[0xffe] = 0xfe;
	page(0xffffffff)[0xfff] = 0xff;
	page(0)[0] = 0x00;
	page(0)[1] = 0x01;
	assert_int_equal(gpa_read_linear(&m, 0xfffffffe, buf, 4, FE, NULL), GPA_OK);
	assert_memory_equal(buf, want, 4);
}

/* Paging with large pages across a 2 MiB boundary, 32-bit and PAE. */
static void test_read_linear_large(void **state)
{
	uint64_t cr3 = new_table(), pdpt = 0x7000;
	struct gpa_mmu m32 = PG32(cr3), pae = PAE(pdpt);
	uint8_t buf[8];

	(void)state;
	map32(cr3, 0x00000000, 0x01000000, true, (uint32_t)PWU);
	map32(cr3, 0x00400000, 0x00800000, true, (uint32_t)PWU);
	fill(0x013ffffc, 4, 1);
	fill(0x00800000, 4, 5);
	assert_int_equal(gpa_read_linear(&m32, 0x003ffffc, buf, 8, R, NULL), GPA_OK);
	for (int i = 0; i < 8; i++)
		assert_int_equal(buf[i], i + 1);
	page(pdpt);
	map_pae(pdpt, 0x00000000, 0x01000000, 2, PWU);
	map_pae(pdpt, 0x00200000, 0x00800000, 2, PWU);
	fill(0x011ffffc, 4, 1);
	assert_int_equal(gpa_read_linear(&pae, 0x001ffffc, buf, 8, R, NULL), GPA_OK);
	for (int i = 0; i < 8; i++)
		assert_int_equal(buf[i], i + 1);
}

static void test_bad_args(void **state)
{
	struct gpa_mmu m = LONG4(0x1000);
	struct gpa_fault f;
	uint64_t gpa;

	(void)state;
	m.maxphyaddr = 31;
	assert_int_equal(gpa_translate(&m, 0, R, &gpa, &f), GPA_EINVAL);
	m.maxphyaddr = 53;
	assert_int_equal(gpa_translate(&m, 0, R, &gpa, &f), GPA_EINVAL);
	m.maxphyaddr = 48;
	m.read = NULL;
	assert_int_equal(gpa_translate(&m, 0, R, &gpa, &f), GPA_EINVAL);
	assert_int_equal(gpa_translate(NULL, 0, R, &gpa, &f), GPA_EINVAL);
}

/*
 * Many random 4 KiB / 2 MiB / 1 GiB mappings in one 4-level tree, then every
 * one translated back: catches index and offset arithmetic slips.
 */
static void test_many_mappings(void **state)
{
	uint64_t cr3 = new_table(), s = 0x243f6a8885a308d3ull;
	struct gpa_mmu m = LONG4(cr3);
	struct { uint64_t la, pa; int level; } map[24];

	(void)state;
	for (size_t i = 0; i < 24; i++) {
		int level = 1 + (int)(i % 3);
		uint64_t size = 1ull << (12 + 9 * (level - 1));

		s ^= s << 13;
		s ^= s >> 7;
		s ^= s << 17;
		/* Distinct PML4 slots keep the mappings from overlapping. */
		map[i].la = (i << 39) | ((s & 0x7fffffffffull) & ~(size - 1));
		map[i].pa = (((s >> 20) & 0xfffffffffull) << 12) & ~(size - 1);
		map[i].level = level;
		map64(cr3, 4, map[i].la, map[i].pa, level, PWU);
	}
	for (size_t i = 0; i < 24; i++) {
		uint64_t size = 1ull << (12 + 9 * (map[i].level - 1));

		expect_gpa(&m, map[i].la, R, map[i].pa);
		expect_gpa(&m, map[i].la + size - 1, WR | US, map[i].pa + size - 1);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(test_paging_off, setup),
		cmocka_unit_test_setup(test_32bit, setup),
		cmocka_unit_test_setup(test_32bit_fault_wraps, setup),
		cmocka_unit_test_setup(test_32bit_pse36, setup),
		cmocka_unit_test_setup(test_pae, setup),
		cmocka_unit_test_setup(test_long4, setup),
		cmocka_unit_test_setup(test_long4_reserved, setup),
		cmocka_unit_test_setup(test_noncanonical, setup),
		cmocka_unit_test_setup(test_long5, setup),
		cmocka_unit_test_setup(test_rights, setup),
		cmocka_unit_test_setup(test_nx_smep_smap, setup),
		cmocka_unit_test_setup(test_refused_read, setup),
		cmocka_unit_test_setup(test_read_linear, setup),
		cmocka_unit_test_setup(test_read_linear_wrap, setup),
		cmocka_unit_test_setup(test_read_linear_large, setup),
		cmocka_unit_test_setup(test_bad_args, setup),
		cmocka_unit_test_setup(test_many_mappings, setup),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
