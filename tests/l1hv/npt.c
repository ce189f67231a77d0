/* SPDX-License-Identifier: MIT */
/*
 * l1hv's nested-paging scenarios: L1 builds 4-level (5 with CR4.LA57)
 * nested page tables in its own memory, sets NP_ENABLE and nCR3 in vmcb12
 * and runs small L2s on them. Each scenario starts from a fresh pool
 * (L.npt_pool):
 *
 *   nested tables   L2-physical [0, 3 GiB) = L1-physical, 2 MiB leaves;
 *                   GiB 3 (WIN) holds only the scenario's own mappings;
 *                   GiB 4 the 1 GiB leaf.
 *   L2's tables     identity for [0, 5 GiB), 2 MiB leaves, A/D preset, so
 *                   L2-virtual = L2-physical and L2's own walk never faults.
 *
 * The first VMRUN of each L2 sets TLB_CONTROL=1 (the pool's pages, hence
 * nCR3, repeat between scenarios). Every nested access is a user access, so
 * an NPF's EXITINFO1 has U set; bit 32 says the final L2-physical address
 * faulted (not a table of L2's own walk) and EXITINFO2 is that address.
 * QEMU TCG's SVM (bare) reports them as the APM says, so both modes check
 * the same values.
 * See: APM2 15.25 (nested paging), 15.25.6 (NPF EXITINFO), 15.16.1 (TLB_CONTROL).
 */
#include "hv/hypercall.h"
#include "tests/l1hv/l1hv.h"

#define GIB             0x40000000ull
#define MIB2            0x200000ull
#define WIN             (3 * GIB)               /* test mappings only */
#define GIB4            (4 * GIB)               /* the 1 GiB leaf */
#define NPT_RWU         (PTE_P | PTE_W | PTE_U)
#define OFF             0x10                    /* the qword L2 touches in a test page */
#define NPF_FINAL       (NPF_USER | NPF_FINAL_GPA)
#define GATHER_PAGES    64
#define GATHER_STRIDE   (MIB2 + 0x1000)         /* one nested page table per page */

static unsigned levels;         /* 4, or 5 with CR4.LA57 (L2 and nested tables) */
static unsigned used;           /* pool pages handed out */
static int oom;                 /* the pool ran out: the scenario fails */
static uint64_t spare[512] __attribute__((aligned(4096)));

static void pool_reset(void)
{
	used = 0;
	oom = 0;
}

static uint64_t *page_new(void)
{
	uint64_t *p = spare;

	if (used < NPT_POOL_PAGES)
		p = (uint64_t *)(L.npt_pool + (uint64_t)used++ * 4096);
	else
		oom = 1;
	mem_zero(p, 4096);
	return p;
}

/* A test page with fill in the qword at OFF. */
static volatile uint64_t *data_page(uint64_t fill)
{
	volatile uint64_t *p = page_new();

	p[OFF / 8] = fill;
	return p;
}

static uint64_t pa(const volatile void *p)
{
	return (uint64_t)(uintptr_t)p;
}

/*
 * The entry for gpa at `level` (1 = PTE .. 4 = PML4E, 5 = PML5E) under top,
 * with missing tables above it created and linked with flags `link`.
 */
static uint64_t *slot(uint64_t *top, uint64_t gpa, unsigned level, uint64_t link)
{
	uint64_t *t = top;

	for (unsigned l = levels; l > level; l--) {
		uint64_t *e = &t[(gpa >> (12 + 9 * (l - 1))) & 511];

		if (!(*e & PTE_P))
			*e = pa(page_new()) | link;
		t = (uint64_t *)(uintptr_t)(*e & PTE_ADDR_MASK);
	}
	return &t[(gpa >> (12 + 9 * (level - 1))) & 511];
}

/* Nested tables: [0, WIN) identity in 2 MiB leaves. */
static uint64_t *npt_new(void)
{
	uint64_t *root = page_new();

	for (uint64_t a = 0; a < WIN; a += MIB2)
		*slot(root, a, 2, NPT_RWU) = a | NPT_RWU | PTE_PS;
	return root;
}

static uint64_t *map4k(uint64_t *root, uint64_t gpa, uint64_t hpa, uint64_t flags)
{
	uint64_t *e = slot(root, gpa, 1, NPT_RWU);

	*e = hpa | flags;
	return e;
}

/* L2's own page tables: [0, 5 GiB) identity, supervisor, A/D set. */
static uint64_t l2_tables(void)
{
	uint64_t *top = page_new();

	for (uint64_t a = 0; a < GIB4 + GIB; a += MIB2)
		*slot(top, a, 2, PTE_P | PTE_W) = a | PTE_P | PTE_W | PTE_A | PTE_D | PTE_PS;
	return pa(top);
}

static void npt_guest(struct guest *g, unsigned slot_, uint32_t asid, const uint64_t *root,
		      uint64_t cr3)
{
	guest_init(g, slot_, asid, l2_done);
	g->vmcb->control.nested_ctl = SVM_NESTED_CTL_NP_ENABLE;
	g->vmcb->control.n_cr3 = pa(root);
	g->vmcb->save.cr3 = cr3;
}

/* One VMRUN at rip (0: where L2 stopped) with RDI/RSI; flush: TLB_CONTROL=1. */
static uint64_t go(struct guest *g, uint64_t rip, uint64_t rdi, uint64_t rsi, int flush)
{
	uint64_t code;

	if (rip) {
		g->vmcb->save.rip = rip;
		g->vmcb->save.rsp = (uint64_t)g->stack_top;
		g->r.rdi = rdi;
		g->r.rsi = rsi;
	}
	g->vmcb->control.tlb_control = flush ? TLB_CONTROL_FLUSH_ALL_ASID : TLB_CONTROL_DO_NOTHING;
	probe_begin();
	code = guest_run(g, 0);
	probe_end();
	return code;
}

static int done(const struct guest *g, uint64_t code)
{
	return code == VMEXIT_VMMCALL && (uint32_t)g->vmcb->save.rax == L2_DONE;
}

static int npf(const struct guest *g, uint64_t code, uint64_t info1, uint64_t info2)
{
	return code == VMEXIT_NPF && g->vmcb->control.exit_info_1 == info1 &&
	       g->vmcb->control.exit_info_2 == info2;
}

static const char *ex(const struct guest *g, uint64_t code)
{
	static char buf[2][160];
	static unsigned n;
	char *b = buf[n++ % 2];
	const struct vmcb_control *c = &g->vmcb->control;

	fmt_str(b, sizeof(buf[0]), "exit 0x%lx info1 0x%lx info2 0x%lx rip 0x%lx r8 0x%lx r9 0x%lx",
		code, c->exit_info_1, c->exit_info_2, g->vmcb->save.rip, g->r.r8, g->r.r9);
	return b;
}

/* A fresh pool with nested and L2 tables, and an L2 on them in slot 0. */
struct ctx {
	uint64_t *npt;
	uint64_t cr3;
	struct guest g;
};

static void ctx_new(struct ctx *x, uint32_t asid)
{
	pool_reset();
	x->npt = npt_new();
	x->cr3 = l2_tables();
	npt_guest(&x->g, 0, asid, x->npt, x->cr3);
}

static int pool_ok(const char *name)
{
	if (oom)
		report_fail(name, "l1hv's NPT pool (%u pages) ran out", NPT_POOL_PAGES);
	return !oom;
}

/* ---------------------------------------------------------------------------- */

static void sc_identity(void)
{
	const char *name = "npt: identity-mapped L2 memory: L2 reads and writes, L1 sees the write";
	struct ctx x;
	volatile uint64_t *d;
	uint64_t code;

	ctx_new(&x, 1);
	d = data_page(0x1111);
	code = go(&x.g, l2_addr(l2_peek_poke), pa(d) + OFF, 0x2222, 1);
	if (pool_ok(name))
		report_check(done(&x.g, code) && x.g.r.r8 == 0x1111 && x.g.r.r9 == 0x2222 &&
			     d[OFF / 8] == 0x2222, name, "%s, L1 sees 0x%lx", ex(&x.g, code),
			     d[OFF / 8]);
}

static void sc_remap(void)
{
	const char *name = "npt: remapped page: L2's write to L2-physical X lands in L1-physical Y";
	struct ctx x;
	volatile uint64_t *y;
	uint64_t code, xa = WIN + 0x1000;

	ctx_new(&x, 1);
	y = data_page(0x3333);
	map4k(x.npt, xa, pa(y), NPT_RWU);
	code = go(&x.g, l2_addr(l2_peek_poke), xa + OFF, 0x4444, 1);
	if (pool_ok(name))
		report_check(done(&x.g, code) && x.g.r.r8 == 0x3333 && x.g.r.r9 == 0x4444 &&
			     y[OFF / 8] == 0x4444, name, "%s, Y holds 0x%lx", ex(&x.g, code),
			     y[OFF / 8]);
}

static void sc_readonly(void)
{
	const char *n1 = "npt: read-only leaf: L2's write exits NPF, info1 P|W|U|final, info2 address";
	const char *n2 = "npt: read-only leaf made writable + TLB_CONTROL=1: L2's write completes";
	struct ctx x;
	volatile uint64_t *y;
	uint64_t c1, c2 = 0xdead, *e, xa = WIN + 0x2000, v1;
	int ok1;

	ctx_new(&x, 1);
	y = data_page(0x5555);
	e = map4k(x.npt, xa, pa(y), PTE_P | PTE_U);
	c1 = go(&x.g, l2_addr(l2_peek_poke), xa + OFF, 0x6666, 1);
	v1 = y[OFF / 8];
	ok1 = npf(&x.g, c1, NPF_FINAL | NPF_P | NPF_WRITE, xa + OFF) && x.g.r.r8 == 0x5555 &&
	      v1 == 0x5555;
	if (!pool_ok(n1))
		return;
	report_check(ok1, n1, "%s, Y holds 0x%lx", ex(&x.g, c1), v1);
	if (c1 == VMEXIT_NPF) {
		*e |= PTE_W;
		c2 = go(&x.g, 0, 0, 0, 1);
	}
	report_check(done(&x.g, c2) && x.g.r.r9 == 0x6666 && y[OFF / 8] == 0x6666, n2,
		     "%s, Y holds 0x%lx", ex(&x.g, c2), y[OFF / 8]);
}

static void sc_nx(void)
{
	const char *n1 = "npt: no-execute leaf: L2's fetch exits NPF, info1 P|U|ID|final";
	const char *n2 = "npt: NX cleared + TLB_CONTROL=1: L2 runs the page";
	struct ctx x;
	uint64_t *c, *e, c1, c2 = 0xdead, xa = WIN + 0x3000, efer;

	probe_begin();
	efer = rdmsr(MSR_EFER);
	if (!(efer & EFER_NXE))
		wrmsr(MSR_EFER, efer | EFER_NXE);
	probe_end();
	if (!(efer & EFER_NXE))
		report_diag("npt: L1's EFER.NXE was 0, set it (EFER 0x%lx)", efer);
	ctx_new(&x, 1);
	c = page_new();
	mem_copy(c, l2_done, 16);       /* mov eax, L2_DONE; vmmcall; hlt */
	e = map4k(x.npt, xa, pa(c), NPT_RWU | PTE_NX);
	c1 = go(&x.g, xa, 0, 0, 1);
	if (!pool_ok(n1))
		return;
	report_check(npf(&x.g, c1, NPF_FINAL | NPF_P | NPF_FETCH, xa), n1, "%s", ex(&x.g, c1));
	if (c1 == VMEXIT_NPF) {
		*e &= ~PTE_NX;
		c2 = go(&x.g, 0, 0, 0, 1);
	}
	report_check(done(&x.g, c2), n2, "%s", ex(&x.g, c2));
}

/* One L2 read at gpa + OFF on x (flushed); 1 if it exits NPF with info1 at that address. */
static int read_npf(const char *name, struct ctx *x, uint64_t gpa, uint64_t info1)
{
	uint64_t code = go(&x->g, l2_addr(l2_peek), gpa + OFF, 0, 1);

	if (!pool_ok(name))
		return 0;
	return report_check(npf(&x->g, code, info1, gpa + OFF), name, "%s", ex(&x->g, code));
}

static void sc_not_present(void)
{
	struct ctx x;

	ctx_new(&x, 1);
	map4k(x.npt, WIN + 0x4000, pa(data_page(1)), NPT_RWU);     /* WIN's PD and a PT exist */
	read_npf("npt: non-present PDE: L2's read exits NPF with P=0 (info1 U|final)", &x,
		 WIN + 5 * MIB2, NPF_FINAL);
	read_npf("npt: non-present leaf: L2's read exits NPF with P=0 (info1 U|final)", &x,
		 WIN + 0x5000, NPF_FINAL);
}

/* Every nested access is a user access (APM2 15.25.5): U=0 anywhere on the walk faults. */
static void sc_user(void)
{
	struct ctx x;
	uint64_t xa = WIN + 7 * MIB2;

	ctx_new(&x, 1);
	map4k(x.npt, xa, pa(data_page(1)), NPT_RWU);
	*slot(x.npt, xa, 2, 0) &= ~PTE_U;
	read_npf("npt: U=0 in a PDE, leaf U=1: L2's read exits NPF (info1 P|U|final)", &x, xa,
		 NPF_FINAL | NPF_P);
}

/* L2 writes through a large nested leaf that covers the L1 page d. */
static void large_leaf(const char *name, uint64_t size, unsigned level, uint64_t l2_base)
{
	struct ctx x;
	volatile uint64_t *d;
	uint64_t code, l2a;

	ctx_new(&x, 1);
	d = data_page(0x7171);
	*slot(x.npt, l2_base, level, NPT_RWU) = (pa(d) & ~(size - 1)) | NPT_RWU | PTE_PS;
	l2a = l2_base + (pa(d) & (size - 1)) + OFF;
	code = go(&x.g, l2_addr(l2_peek_poke), l2a, 0x7272, 1);
	if (pool_ok(name))
		report_check(done(&x.g, code) && x.g.r.r8 == 0x7171 && x.g.r.r9 == 0x7272 &&
			     d[OFF / 8] == 0x7272, name, "L2 0x%lx -> L1 0x%lx: %s, L1 sees 0x%lx",
			     l2a, pa(d) + OFF, ex(&x.g, code), d[OFF / 8]);
}

static void sc_large(void)
{
	const char *n1g = "npt: 1 GiB nested leaf: L2's read and write reach L1's page";
	uint32_t r[4];

	large_leaf("npt: 2 MiB nested leaf: L2's read and write reach L1's page", MIB2, 2,
		   WIN + 8 * MIB2);
	cpuid(0x80000001u, 0, r);
	if (!(r[3] & (1u << 26)))
		report_skip(n1g, "no 1 GiB pages (CPUID 8000_0001.EDX[26] = 0)");
	else
		large_leaf(n1g, GIB, 3, GIB4);
}

static void sc_accessed_dirty(void)
{
	const char *n1 = "npt: after an L2 read, Accessed is set in every entry of the walk, leaf D clear";
	const char *n2 = "npt: after an L2 write, the leaf's Dirty bit is set";
	struct ctx x;
	uint64_t *e[6] = { 0 }, c1, c2, xa = WIN + 9 * MIB2, a_missing = 0;

	ctx_new(&x, 1);
	map4k(x.npt, xa, pa(data_page(0x9999)), NPT_RWU);
	for (unsigned l = 1; l <= levels; l++) {
		e[l] = slot(x.npt, xa, l, 0);
		*e[l] &= ~(PTE_A | PTE_D);
	}
	c1 = go(&x.g, l2_addr(l2_peek), xa + OFF, 0, 1);
	for (unsigned l = 1; l <= levels; l++)
		if (!(*e[l] & PTE_A))
			a_missing |= 1u << l;
	if (!pool_ok(n1))
		return;
	report_check(done(&x.g, c1) && x.g.r.r8 == 0x9999 && !a_missing && !(*e[1] & PTE_D), n1,
		     "%s, levels without A 0x%lx (bit 1 = PTE), PTE 0x%lx", ex(&x.g, c1), a_missing,
		     *e[1]);
	c2 = go(&x.g, l2_addr(l2_peek_poke), xa + OFF, 0x9a9a, 0);
	report_check(done(&x.g, c2) && (*e[1] & PTE_D) && x.g.r.r9 == 0x9a9a, n2,
		     "%s, PTE 0x%lx", ex(&x.g, c2), *e[1]);
}

static void sc_remap_flush(void)
{
	const char *name = "npt: L1 remaps a page + TLB_CONTROL=1: L2 sees the new page";
	struct ctx x;
	volatile uint64_t *y2;
	uint64_t *e, c1, c2, xa = WIN + 10 * MIB2, r1;

	ctx_new(&x, 1);
	e = map4k(x.npt, xa, pa(data_page(0xa1)), NPT_RWU);
	y2 = data_page(0xa2);
	c1 = go(&x.g, l2_addr(l2_peek), xa + OFF, 0, 1);
	r1 = x.g.r.r8;
	*e = pa(y2) | NPT_RWU;
	c2 = go(&x.g, l2_addr(l2_peek), xa + OFF, 0, 1);
	if (pool_ok(name))
		report_check(done(&x.g, c1) && r1 == 0xa1 && done(&x.g, c2) && x.g.r.r8 == 0xa2,
			     name, "before: exit 0x%lx read 0x%lx; after: exit 0x%lx read 0x%lx", c1,
			     r1, c2, x.g.r.r8);
}

static void sc_two_l2s(void)
{
	const char *name = "npt: two L2s, own nCR3 and ASID, alternating VMRUNs: each sees its own page";
	struct ctx x;
	struct guest gb;
	volatile uint64_t *ya, *yb;
	uint64_t *npt_b, xa = WIN + 11 * MIB2, ca = 0, cb = 0;
	unsigned bad = 0, round;

	ctx_new(&x, 1);
	npt_b = npt_new();
	ya = data_page(0xa0);
	yb = data_page(0xb0);
	map4k(x.npt, xa, pa(ya), NPT_RWU);
	map4k(npt_b, xa, pa(yb), NPT_RWU);
	npt_guest(&gb, 1, 2, npt_b, x.cr3);
	for (round = 0; round < 8 && !bad; round++) {
		ca = go(&x.g, l2_addr(l2_peek_poke), xa + OFF, 0xa1 + round, round == 0);
		if (!done(&x.g, ca) || x.g.r.r8 != 0xa0 + round)
			bad = 1;
		cb = go(&gb, l2_addr(l2_peek_poke), xa + OFF, 0xb1 + round, round == 0);
		if (!done(&gb, cb) || gb.r.r8 != 0xb0 + round)
			bad = 2;
	}
	if (pool_ok(name))
		report_check(!bad && ya[OFF / 8] == 0xa8 && yb[OFF / 8] == 0xb8, name,
			     "round %u, L2 %c: A %s, B %s; YA 0x%lx YB 0x%lx", round - 1,
			     bad == 2 ? 'B' : 'A', ex(&x.g, ca), ex(&gb, cb), ya[OFF / 8],
			     yb[OFF / 8]);
}

static void sc_svmhv_memory(void)
{
	const char *name = "npt: L2 mapping of svmhv's memory: reads all ones, the write is dropped";
	struct ctx x;
	uint64_t code, xa = WIN + 12 * MIB2;

	if (!L.under_svmhv) {
		report_skip(name, "no svmhv");
		return;
	}
	if (!L.svmhv_base) {
		report_fail(name, "no MEMINFO");
		return;
	}
	ctx_new(&x, 1);
	map4k(x.npt, xa, (L.svmhv_base & ~(uint64_t)0xfff) + 0x3000, NPT_RWU);
	code = go(&x.g, l2_addr(l2_peek_poke), xa + OFF, 0x1234, 1);
	if (pool_ok(name))
		report_check(done(&x.g, code) && x.g.r.r8 == ~0ull && x.g.r.r9 == ~0ull, name,
			     "L1-physical 0x%lx: %s", (uint64_t)((L.svmhv_base & ~0xfffull) + 0x3000),
			     ex(&x.g, code));
}

/* svmhv's shadow counter c of vCPU 0 (SVMHV_HC_SHADOW_STATS), or ~0. */
static uint64_t shadow_stat(enum svmhv_shadow_counter c)
{
	struct hcall h;
	int rc;

	probe_begin();
	rc = hc_call(SVMHV_HC_SHADOW_STATS, 0, c, 0, &h);
	probe_end();
	return rc == 0 ? h.rdx : ~0ull;
}

/*
 * 64 L2-physical pages, each under its own nested page table, read in one
 * L2 run, twice: more shadow tables than svmhv's pool holds in the suite
 * (shadow_pages=16), so svmhv evicts within the run (its counter says so).
 */
static void sc_many_pages(void)
{
	const char *name = "npt: 64 pages under 64 nested page tables read right in one L2 run, twice";
	struct ctx x;
	volatile uint64_t *out;
	uint64_t code[2] = { 0, 0 }, base = WIN + 16 * MIB2;
	const char *n_ev = "npt: svmhv's shadow pool evicted during the 64-page run (shadow_pages=16)";
	unsigned bad = GATHER_PAGES, pass;
	uint64_t ev0 = 0, ev1 = 0;

	if (L.under_svmhv)
		ev0 = shadow_stat(SVMHV_SHADOW_EVICTIONS);
	ctx_new(&x, 1);
	for (unsigned i = 0; i < GATHER_PAGES; i++)
		map4k(x.npt, base + i * GATHER_STRIDE, pa(data_page(0xc0de0000u + i)), NPT_RWU);
	out = page_new();
	for (pass = 0; pass < 2; pass++) {
		mem_zero((void *)out, GATHER_PAGES * 8);
		x.g.r.rcx = GATHER_PAGES;
		x.g.r.rdx = GATHER_STRIDE;
		code[pass] = go(&x.g, l2_addr(l2_gather), base + OFF, pa(out), pass == 0);
		for (bad = 0; bad < GATHER_PAGES; bad++)
			if (out[bad] != 0xc0de0000u + bad)
				break;
		if (!done(&x.g, code[pass]) || bad < GATHER_PAGES)
			break;
	}
	if (pool_ok(name))
		report_check(pass == 2, name, "pass %u: %s, first wrong page %u reads 0x%lx", pass,
			     ex(&x.g, code[pass < 2 ? pass : 1]), bad,
			     bad < GATHER_PAGES ? out[bad] : 0);
	if (!L.under_svmhv) {
		report_skip(n_ev, "no svmhv");
		return;
	}
	ev1 = shadow_stat(SVMHV_SHADOW_EVICTIONS);
	report_diag("npt: svmhv shadow evictions %lu -> %lu", ev0, ev1);
	report_check(ev0 != ~0ull && ev1 != ~0ull && ev1 > ev0, n_ev,
		     "evictions %lu -> %lu (~0: SHADOW_STATS failed)", ev0, ev1);
}

void run_npt_scenarios(void)
{
	uint64_t cr4;

	if (!(L.svm_features & 1u)) {
		report_skip("npt: nested paging scenarios", "no NPT (CPUID 8000_000A.EDX[0] = 0)");
		return;
	}
	__asm__ volatile("mov %%cr4, %0" : "=r"(cr4));
	levels = (cr4 & CR4_LA57) ? 5 : 4;
	report_diag("npt: %u-level nested and L2 tables, pool %u pages at 0x%lx", levels,
		    NPT_POOL_PAGES, pa(L.npt_pool));
	sc_identity();
	sc_remap();
	sc_readonly();
	sc_nx();
	sc_not_present();
	sc_user();
	sc_large();
	sc_accessed_dirty();
	sc_remap_flush();
	sc_two_l2s();
	sc_svmhv_memory();
	sc_many_pages();
}
