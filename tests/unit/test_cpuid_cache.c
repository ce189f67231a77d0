/* SPDX-License-Identifier: MIT */
/*
 * The per-CPU CPUID cache (hv/cpuid_cache.c) and the host paths run per
 * guest exit (issue 16, KVM as L0). A richer fake CPU than the harness's
 * default (a Zen4-like leaf set: subleaf leaves of every kind, per-CPU APIC
 * IDs, XSAVE components with a supervisor and an aligned one, an
 * ECX-dependent leaf no table names, Intel/QEMU-style out-of-range leaves,
 * a hypervisor's 4000_0000 leaves below svmhv) answers CPUID through a hook;
 * its Fn0000_000D sizes follow XCR0/XSS as the manual says, or (qemu) _1's
 * is one static value as in QEMU. Checked: every cached answer equals the
 * CPU's at several XCR0/XSS values, odd inputs give through the exit what
 * the uncached path gives, the memory bound holds, and steady-state exits
 * of each common kind run no CPUID and no MSR access KVM intercepts (with
 * the cache bypassed, the same exits do: the mutant fails).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <string.h>

#include "hv/apic/apic.h"
#include "hv/cpuid_cache.h"
#include "hv/hypercall.h"
#include "hv/policy.h"
#include "svm/hw.h"
#include "svm/msrpm.h"
#include "svm/svm.h"
#include "tests/harness/harness.h"

#define MAX_BASIC       0x10u
#define MAX_EXT         0x80000026u
#define XCR0_ALL        0x2e7ull        /* x87 SSE AVX opmask ZMM_Hi256 Hi16_ZMM PKRU */
#define XSS_ALL         0x1800ull       /* CET_U CET_S */
#define NPF_WRITE_INFO  (NPF_P | NPF_WRITE | NPF_FINAL_GPA)

/* The fake CPU's XSAVE components: size, standard offset, supervisor, aligned. */
static const struct { unsigned i; uint32_t size, off; bool sup, align; } comp[] = {
	{ 2, 256, 576, false, false }, { 5, 64, 1088, false, false },
	{ 6, 512, 1152, false, false }, { 7, 1024, 1664, false, true },
	{ 9, 8, 2688, false, false }, { 11, 16, 0, true, false }, { 12, 24, 0, true, false },
};

static struct {
	bool qemu;              /* Fn0000_000D_1 EBX static, as QEMU's */
	bool huge;              /* max leaves 0xff / 0x800000ff: more than the cache holds */
	bool odd;               /* Fn0000_000D_1 EBX follows XCR0 by no rule svmhv knows */
} cpu;

static uint64_t xss_of_cpu(void)
{
	unsigned saved = fake.msr_exits;
	uint64_t v = rdmsr(MSR_XSS);    /* the fake's storage, not svmhv's access */

	fake.msr_exits = saved;
	return v;
}

static uint32_t fake_xsize(uint64_t mask, bool compacted)
{
	uint32_t end = 576, off = 576;

	for (size_t k = 0; k < sizeof(comp) / sizeof(comp[0]); k++) {
		if (!(mask >> comp[k].i & 1))
			continue;
		if (compacted) {
			off = comp[k].align ? (off + 63) & ~63u : off;
			off += comp[k].size;
			end = off;
		} else if (comp[k].off + comp[k].size > end) {
			end = comp[k].off + comp[k].size;
		}
	}
	return end;
}

static void leaf_d(uint32_t sub, struct cpuid_regs *r)
{
	uint64_t xcr0 = fake.xcr0[fake.cur];

	if (sub == 0) {
		*r = (struct cpuid_regs){ (uint32_t)XCR0_ALL, fake_xsize(xcr0, false),
					  fake_xsize(XCR0_ALL, false), 0 };
	} else if (sub == 1) {
		*r = (struct cpuid_regs){ 0xf, cpu.qemu ? fake_xsize(XCR0_ALL | XSS_ALL, true) :
					  fake_xsize(xcr0 | xss_of_cpu(), true), (uint32_t)XSS_ALL, 0 };
		if (cpu.odd)
			r->ebx = 1000 + (uint32_t)xcr0;
	} else {
		for (size_t k = 0; k < sizeof(comp) / sizeof(comp[0]); k++)
			if (comp[k].i == sub)
				*r = (struct cpuid_regs){ comp[k].size, comp[k].off,
							  (comp[k].sup ? 1u : 0) | (comp[k].align ? 2u : 0),
							  0 };
	}
}

/* Leaves with subleaves; false: not one of them. */
static bool sub_leaf(uint32_t leaf, uint32_t sub, struct cpuid_regs *r)
{
	uint32_t c = fake.cur;

	switch (leaf) {
	case 7:
		*r = sub == 0 ? (struct cpuid_regs){ 1, 0xf1bf97a9, CPUID_7_0_ECX_PKU, 0x10 } :
		     sub == 1 ? (struct cpuid_regs){ 0x30, 0, 0, 0 } : (struct cpuid_regs){ 0 };
		return true;
	case 0xb:
		*r = sub == 0 ? (struct cpuid_regs){ 1, 2, 0x100, c } :
		     sub == 1 ? (struct cpuid_regs){ 7, 16, 0x201, c } :
				(struct cpuid_regs){ 0, 0, sub & 0xff, c };
		return true;
	case 0xd:
		leaf_d(sub, r);
		return true;
	case 0xf:
		*r = sub == 0 ? (struct cpuid_regs){ 0, 0xff, 0, 2 } :
		     sub == 1 ? (struct cpuid_regs){ 0, 0xff, 0xff, 7 } : (struct cpuid_regs){ 0 };
		return true;
	case 0x10:
		*r = sub == 0 ? (struct cpuid_regs){ 0, 2, 0, 0 } :
		     sub == 1 ? (struct cpuid_regs){ 0xf, 0, 4, 0xf } : (struct cpuid_regs){ 0 };
		return true;
	case 0x8000001du:
		*r = sub < 4 ? (struct cpuid_regs){ 0x121 + sub * 0x20 - (sub == 1 ? 0x1f : 0),
						    0x1c0003f, 0x3f + sub, sub == 3 ? 1 : 0 } :
			       (struct cpuid_regs){ 0 };
		return true;
	case 0x80000020u:
		*r = sub == 0 ? (struct cpuid_regs){ 0, 0x1e, 0, 0 } :
		     sub <= 4 ? (struct cpuid_regs){ sub, 0xb * sub, 0, 0x1f } : (struct cpuid_regs){ 0 };
		return true;
	case 0x80000026u:
		*r = sub < 4 ? (struct cpuid_regs){ 1 + sub, 0x100 + sub, (sub + 1) << 8 | sub, c } :
			       (struct cpuid_regs){ 0, 0, sub & 0xff, c };
		return true;
	case 0x80000024u:                       /* ECX-dependent, in no table */
		*r = (struct cpuid_regs){ sub, 0x24, 0, 0 };
		return true;
	default:
		return false;
	}
}

static bool rich_cpuid(void *arg, uint32_t leaf, uint32_t sub, struct cpuid_regs *r)
{
	uint32_t max_basic = cpu.huge ? 0xff : MAX_BASIC, max_ext = cpu.huge ? 0x800000ffu : MAX_EXT;

	(void)arg;
	if (leaf >= 0x40000000u && leaf < 0x80000000u && (leaf & 0xff) <= 1) {
		/* A hypervisor below (KVM's signature leaves), at 4000_0000 and 4000_0100 ... */
		*r = (leaf & 0xff) == 0 ? (struct cpuid_regs){ leaf + 1, 0x4b4d564b, 0x564b4d56, 0x4d } :
					  (struct cpuid_regs){ 0x1007afb, 0, 0, 1 };
		return true;
	}
	/* Out of range: the highest leaf's answer (Intel's rule, and QEMU's). */
	if (leaf < 0x80000000u && leaf > max_basic)
		leaf = max_basic;
	else if (leaf > max_ext)
		leaf = max_ext;
	if (sub_leaf(leaf, sub, r))
		return true;
	switch (leaf) {
	case 0:
		*r = (struct cpuid_regs){ max_basic, 0x68747541, 0x444d4163, 0x69746e65 };
		return true;
	case 1:
		*r = (struct cpuid_regs){ 0x00a10f11, fake.cur << 24 | 0x100800,
					  BIT(0) | BIT(13) | CPUID_1_ECX_XSAVE | CPUID_1_ECX_OSXSAVE | BIT(28),
					  0x178bfbff };
		return true;
	case 0x80000000u:
		*r = (struct cpuid_regs){ max_ext, 0x68747541, 0x444d4163, 0x69746e65 };
		return true;
	case 0x80000001u:
		*r = (struct cpuid_regs){ 0x00a10f11, 0, CPUID_80000001_ECX_SVM | 0x75c237fbu,
					  CPUID_80000001_EDX_SYSCALL | CPUID_80000001_EDX_NX |
					  CPUID_80000001_EDX_LM | CPUID_80000001_EDX_PAGE1GB };
		return true;
	case 0x80000008u:
		*r = (struct cpuid_regs){ 0x3030, 0, 0, 0 };
		return true;
	case 0x8000000au:
		*r = (struct cpuid_regs){ 1, 16, 0, SVM_FEATURE_NPT | SVM_FEATURE_VGIF |
					  SVM_FEATURE_NRIPS };
		return true;
	case 0x8000001eu:
		*r = (struct cpuid_regs){ fake.cur, fake.cur / 2 | 0x100, 0, 0 };
		return true;
	default:
		*r = (struct cpuid_regs){ leaf * 3, ~leaf, leaf ^ 0x5a5a, leaf >> 1 };
		return true;
	}
}

static struct vcpu *vcpu(unsigned i)
{
	return hv.vcpus[i];
}

static void machine(bool qemu, bool huge)
{
	struct harness_config c = { .ncpu = 2, .nested = true };

	cpu.qemu = qemu;
	cpu.huge = huge;
	c.cpu = fake_cpu_tcg();
	c.cpu.svm_edx = SVM_FEATURE_NPT | SVM_FEATURE_VGIF | SVM_FEATURE_NRIPS;
	assert_int_equal(harness_init(&c), 0);
	/* The rich CPU from here on, as after svmhv's takeover (hv/main.c step 7c). */
	fake.cpuid = rich_cpuid;
	for (unsigned i = 0; i < 2; i++) {
		fake.xcr0[i] = 3;
		harness_on_cpu(i, wrmsr(MSR_XSS, 0));
		harness_on_cpu(i, hv_cpuid_cache_cpu(&hv.cpus[i]));
		assert_int_equal(fake.xcr0[i], 3);      /* the probe restored it */
		assert_true(harness_prepare(i));
	}
	vcpu(0)->vmcb->control.event_inj = 0;
}

static int manual(void **s) { (void)s; machine(false, false); return 0; }
static int qemu_like(void **s) { (void)s; machine(true, false); return 0; }
static int huge(void **s) { (void)s; machine(false, true); return 0; }

/* The CPU's own answer on CPU i (counted as svmhv's nowhere). */
static struct cpuid_regs native(unsigned i, uint32_t leaf, uint32_t sub)
{
	struct cpuid_regs r;
	unsigned n = fake.cpuids;

	harness_on_cpu(i, cpuid_count(leaf, sub, &r));
	fake.cpuids = n;
	return r;
}

static void assert_regs_equal(const struct cpuid_regs *a, const struct cpuid_regs *b,
			      uint32_t leaf, uint32_t sub)
{
	if (memcmp(a, b, sizeof(*a)))
		fail_msg("CPUID %#x.%#x: %08x %08x %08x %08x, the CPU's %08x %08x %08x %08x", leaf,
			 sub, a->eax, a->ebx, a->ecx, a->edx, b->eax, b->ebx, b->ecx, b->edx);
}

/* Every (leaf, subleaf) an OS reads, and odd ones. */
static const struct { uint32_t leaf, sub; } probes[] = {
	{ 0, 0 }, { 1, 0 }, { 1, 5 }, { 5, 0 }, { 6, 0 }, { 7, 0 }, { 7, 1 }, { 7, 2 },
	{ 7, 0xffffffffu }, { 0xb, 0 }, { 0xb, 1 }, { 0xb, 2 }, { 0xb, 3 }, { 0xb, 0x1ff },
	{ 0xd, 0 }, { 0xd, 1 }, { 0xd, 2 }, { 0xd, 3 }, { 0xd, 5 }, { 0xd, 7 }, { 0xd, 9 },
	{ 0xd, 11 }, { 0xd, 12 }, { 0xd, 62 }, { 0xd, 63 }, { 0xd, 64 }, { 0xd, 0xffffffffu },
	{ 0xe, 0 }, { 0xf, 0 }, { 0xf, 1 }, { 0xf, 2 }, { 0x10, 0 }, { 0x10, 1 }, { 0x10, 2 },
	{ MAX_BASIC + 1, 0 }, { 0x3fffffffu, 7 },
	{ 0x40000000u, 0 }, { 0x40000001u, 0 }, { 0x40000002u, 0 }, { 0x400000ffu, 0 },
	{ 0x40000100u, 0 }, { 0x40000101u, 0 }, { 0x4fffffffu, 0 },
	{ 0x80000000u, 0 }, { 0x80000001u, 0 }, { 0x80000001u, 9 }, { 0x80000008u, 0 },
	{ 0x8000000au, 0 }, { 0x8000001du, 0 }, { 0x8000001du, 3 }, { 0x8000001du, 4 },
	{ 0x8000001du, 5 }, { 0x8000001eu, 0 }, { 0x8000001fu, 0 }, { 0x80000020u, 0 },
	{ 0x80000020u, 1 }, { 0x80000020u, 4 }, { 0x80000020u, 5 }, { 0x80000024u, 0 },
	{ 0x80000024u, 1 }, { 0x80000024u, 0xffffffffu }, { 0x80000026u, 0 },
	{ 0x80000026u, 3 }, { 0x80000026u, 4 }, { 0x80000026u, 0x42 }, { MAX_EXT + 1, 0 },
	{ 0x800000ffu, 0 }, { 0xc0000000u, 0 }, { 0xffffffffu, 0xffffffffu },
};

/* Cached answers are the CPU's, per CPU (APIC IDs), at several XCR0/XSS. */
static void test_lookup_matches_cpu(void **state)
{
	static const uint64_t xcr0s[] = { 3, 7, 0xe7, 0x207, XCR0_ALL, 1 };
	static const uint64_t xsss[] = { 0, 0x800, XSS_ALL };
	unsigned hits = 0;

	(void)state;
	for (unsigned i = 0; i < 2; i++) {
		const struct hv_cpuid_cache *c = hv.cpus[i].cpuid;

		assert_int_equal(c->dropped, 0);
		assert_int_equal(c->xsize[0], HV_XSIZE_DYNAMIC);
		assert_int_equal(c->xsize[1], cpu.qemu ? HV_XSIZE_STATIC : HV_XSIZE_DYNAMIC);
		for (size_t x = 0; x < sizeof(xcr0s) / sizeof(xcr0s[0]); x++) {
			for (size_t s = 0; s < sizeof(xsss) / sizeof(xsss[0]); s++) {
				fake.xcr0[i] = xcr0s[x];
				harness_on_cpu(i, wrmsr(MSR_XSS, xsss[s]));
				for (size_t p = 0; p < sizeof(probes) / sizeof(probes[0]); p++) {
					struct cpuid_regs r, n = native(i, probes[p].leaf, probes[p].sub);

					if (!hv_cpuid_cache_lookup(c, probes[p].leaf, probes[p].sub,
								   xcr0s[x], xsss[s], &r))
						continue;
					hits++;
					assert_regs_equal(&r, &n, probes[p].leaf, probes[p].sub);
				}
			}
		}
		fake.xcr0[i] = 3;
		harness_on_cpu(i, wrmsr(MSR_XSS, 0));
	}
	assert_int_equal(hits, 2 * 6 * 3 * 40);        /* the 40 probes an OS makes */
}

/* What an OS reads is held (subleaves included); beyond every range is not. */
static void test_what_is_held(void **state)
{
	static const struct { uint32_t leaf, sub; bool held; } w[] = {
		{ 0xb, 2, true },               /* the terminating level */
		{ 0xb, 3, false }, { 7, 2, false }, { 0xd, 3, false }, { 0xd, 12, true },
		{ 0x8000001du, 4, true }, { 0x8000001du, 5, false }, { 0x80000026u, 4, true },
		{ 0x80000020u, 4, true }, { 0x80000020u, 5, false }, { 0xf, 1, true },
		{ 0x10, 1, true }, { 0x10, 2, false },
		{ 0x80000024u, 0, true }, { 0x80000024u, 1, false },    /* ECX-dependent */
		{ 0x80000001u, 0x77, true }, { 6, 0xffffffffu, true },  /* ECX ignored */
		{ MAX_BASIC + 1, 0, false }, { MAX_EXT + 1, 0, false }, { 0x40000100u, 0, false },
	};
	const struct hv_cpuid_cache *c = hv.cpus[1].cpuid;
	struct cpuid_regs r;

	(void)state;
	for (size_t k = 0; k < sizeof(w) / sizeof(w[0]); k++)
		if (hv_cpuid_cache_lookup(c, w[k].leaf, w[k].sub, 3, 0, &r) != w[k].held)
			fail_msg("CPUID %#x.%#x: %s", w[k].leaf, w[k].sub,
				 w[k].held ? "not held" : "held");
	assert_true(c->n <= HV_CPUID_CACHE_ENTRIES);
	assert_int_equal(c->max_basic, MAX_BASIC);
	assert_int_equal(c->max_ext, MAX_EXT);
}

static struct cpuid_regs cpuid_exit(unsigned i, uint32_t leaf, uint32_t sub)
{
	struct vcpu *v = vcpu(i);

	v->vmcb->save.rax = leaf;
	v->world.regs.rcx = sub;
	assert_true(harness_exit(i, VMEXIT_CPUID, 0, 0, 2));
	return (struct cpuid_regs){ (uint32_t)v->vmcb->save.rax, (uint32_t)v->world.regs.rbx,
				    (uint32_t)v->world.regs.rcx, (uint32_t)v->world.regs.rdx };
}

/* The exit's answer without the cache: CPUID executed, as before it. */
static struct cpuid_regs uncached_exit(unsigned i, uint32_t leaf, uint32_t sub)
{
	struct hv_cpuid_cache *c = hv.cpus[i].cpuid;
	struct cpuid_regs r;

	hv.cpus[i].cpuid = NULL;
	r = cpuid_exit(i, leaf, sub);
	hv.cpus[i].cpuid = c;
	return r;
}

/* Every probe, odd ones included, through the exit: cached == uncached. */
static void test_exit_equals_uncached(void **state)
{
	static const uint64_t xcr0s[] = { 3, 7, XCR0_ALL };

	(void)state;
	for (unsigned i = 0; i < 2; i++) {
		uint64_t misses = hv.cpus[i].cpuid->misses, hits = hv.cpus[i].cpuid->hits;

		for (size_t x = 0; x < sizeof(xcr0s) / sizeof(xcr0s[0]); x++) {
			fake.xcr0[i] = xcr0s[x];
			harness_on_cpu(i, wrmsr(MSR_XSS, x ? XSS_ALL : 0));
			for (size_t p = 0; p < sizeof(probes) / sizeof(probes[0]); p++) {
				struct cpuid_regs a = cpuid_exit(i, probes[p].leaf, probes[p].sub);
				struct cpuid_regs b = uncached_exit(i, probes[p].leaf, probes[p].sub);

				assert_regs_equal(&a, &b, probes[p].leaf, probes[p].sub);
			}
		}
		/* Beyond the ranges: CPUID executed, and counted. */
		assert_true(hv.cpus[i].cpuid->misses > misses);
		assert_true(hv.cpus[i].cpuid->hits > hits);
		fake.xcr0[i] = 3;
	}
	/* svmhv's own leaves, not the hypervisor's below it. */
	assert_int_equal(cpuid_exit(0, 0x40000000u, 0).ebx, SVMHV_SIG_EBX);
	assert_int_equal(cpuid_exit(0, 0x40000100u, 0).ebx, 0x4b4d564b);
	assert_int_equal(cpuid_exit(1, 1, 0).ebx >> 24, 1);             /* each CPU's own */
	assert_int_equal(cpuid_exit(1, 0xb, 1).edx, 1);
	assert_int_equal(cpuid_exit(0, 0x8000001eu, 0).eax, 0);
	assert_int_equal(cpuid_exit(1, 0x8000001eu, 0).eax, 1);
}

/* ---- steady-state exits run nothing that exits to a hypervisor below ---- */

struct host_cost {
	unsigned cpuids, msrs;
};

static struct host_cost cost_of(void (*exit_fn)(void))
{
	unsigned c = fake.cpuids, m = fake.msr_exits;

	exit_fn();
	return (struct host_cost){ fake.cpuids - c, fake.msr_exits - m };
}

static void ex_cpuid_basic(void) { (void)cpuid_exit(0, 0, 0); (void)cpuid_exit(0, 1, 0); }
static void ex_cpuid_sub(void) { (void)cpuid_exit(0, 7, 0); (void)cpuid_exit(0, 0xb, 1); }
static void ex_cpuid_xcr0(void) { (void)cpuid_exit(0, 0xd, 0); (void)cpuid_exit(0, 0xd, 2); }
static void ex_cpuid_ext(void)
{
	(void)cpuid_exit(0, 0x80000001u, 0);
	(void)cpuid_exit(0, 0x8000001eu, 0);
	(void)cpuid_exit(0, 0x80000026u, 2);
	(void)cpuid_exit(0, 0x8000000au, 0);
	(void)cpuid_exit(0, 0x40000000u, 0);
}

static void ex_msr(void)
{
	/* EFER, the APIC base and VM_HSAVE_PA: svmhv's own copies. */
	assert_true(harness_msr_exit(0, MSR_EFER, false, 0));
	assert_true(harness_msr_exit(0, MSR_EFER, true, vcpu(0)->vmcb->save.efer));
	assert_true(harness_msr_exit(0, MSR_APIC_BASE, false, 0));
	assert_true(harness_msr_exit(0, MSR_VM_HSAVE_PA, false, 0));
}

static void ex_npf_apic(void)
{
	static const uint8_t mov[] = { 0x89, 0x0b };    /* MOV [rbx], ecx */
	struct vcpu *v = vcpu(0);
	uint8_t *p = harness_page();

	memcpy(p, mov, sizeof(mov));
	v->vmcb->save.rip = harness_pa(p);
	v->world.regs.rbx = FAKE_APIC_BASE + APIC_EOI;
	v->world.regs.rcx = 0;
	assert_true(harness_exit(0, VMEXIT_NPF, NPF_WRITE_INFO, FAKE_APIC_BASE + APIC_EOI, 0));
}

static void ex_ioio(void)
{
	struct vcpu *v = vcpu(0);

	/* PCI's config address (hv/iso guards it): OUT done for the guest, then an IN. */
	assert_true(svm_iopm_intercepted((const uint8_t *)(uintptr_t)hv.iopm_pa, 0xcf8, 4));
	v->vmcb->save.rax = 0x80000000u;
	assert_true(harness_exit(0, VMEXIT_IOIO, (uint64_t)0xcf8 << 16 | 0x40,
				 v->vmcb->save.rip + 1, 0));
	assert_true(harness_exit(0, VMEXIT_IOIO, (uint64_t)0xcfc << 16 | 0x40 | 1,
				 v->vmcb->save.rip + 1, 0));
}

static void ex_cpuid_xss(void) { (void)cpuid_exit(0, 0xd, 1); }

static void ex_vmrun(void)
{
	struct vcpu *v = vcpu(0);
	struct vmcb *vmcb12 = harness_page();

	if (!v->nested.hsave_pa) {
		assert_true(harness_msr_exit(0, MSR_EFER, true, v->vmcb01->save.efer | EFER_SVME));
		assert_true(harness_msr_exit(0, MSR_VM_HSAVE_PA, true, harness_pa(harness_page())));
	}
	harness_vmcb12(vmcb12, 1);
	vmcb_set_intercept(&vmcb12->control, INTERCEPT_HLT);
	v->vmcb01->save.rax = harness_pa(vmcb12);
	assert_true(harness_exit(0, VMEXIT_VMRUN, 0, 0, 3));
	assert_true(v->nested.in_l2);
	(void)cpuid_exit(0, 7, 0);                      /* L2's, not intercepted by L1 */
	assert_true(harness_exit(0, VMEXIT_HLT, 0, 0, 1));     /* L1's: #VMEXIT to L1 */
	assert_false(v->nested.in_l2);
}

static const struct { const char *name; void (*fn)(void); } kinds[] = {
	{ "CPUID basic", ex_cpuid_basic }, { "CPUID subleaves", ex_cpuid_sub },
	{ "CPUID 0xD", ex_cpuid_xcr0 }, { "CPUID extended/owned", ex_cpuid_ext },
	{ "MSR", ex_msr }, { "IOIO", ex_ioio }, { "NPF (APIC EOI)", ex_npf_apic },
	{ "VMRUN/#VMEXIT", ex_vmrun },
};

static void test_steady_state_exits(void **state)
{
	(void)state;
	for (size_t k = 0; k < sizeof(kinds) / sizeof(kinds[0]); k++) {
		struct host_cost h;

		kinds[k].fn();                  /* first: whatever is set up once */
		h = cost_of(kinds[k].fn);
		if (h.cpuids || h.msrs)
			fail_msg("%s: %u CPUIDs, %u intercepted MSR accesses on the host",
				 kinds[k].name, h.cpuids, h.msrs);
	}
	/* Fn0000_000D_1 on a CPU with XSAVES: the guest's XSS by RDMSR, the one left. */
	{
		struct host_cost h = cost_of(ex_cpuid_xss);

		assert_int_equal(h.cpuids, 0);
		assert_int_equal(h.msrs, 1);
	}
}

/* The mutant: without the cache the same exits execute CPUID. */
static void test_mutant_bypass(void **state)
{
	struct hv_cpuid_cache *c = hv.cpus[0].cpuid;
	struct host_cost h;

	(void)state;
	hv.cpus[0].cpuid = NULL;
	h = cost_of(ex_cpuid_basic);
	hv.cpus[0].cpuid = c;
	assert_int_equal(h.cpuids, 2);
	h = cost_of(ex_cpuid_basic);
	assert_int_equal(h.cpuids, 0);
}

/* More leaves than the bound: the rest fall back to CPUID, answers unchanged. */
static void test_bounded(void **state)
{
	const struct hv_cpuid_cache *c = hv.cpus[0].cpuid;

	(void)state;
	assert_int_equal(c->n, HV_CPUID_CACHE_ENTRIES);
	assert_true(c->dropped > 0);
	for (uint32_t leaf = 0x80000080u; leaf <= 0x800000ffu; leaf += 0x1f) {
		struct cpuid_regs a = cpuid_exit(0, leaf, 0), b = uncached_exit(0, leaf, 0);

		assert_regs_equal(&a, &b, leaf, 0);
	}
	assert_true(c->misses > 0);
}

/*
 * A CPU whose Fn0000_000D_1 EBX follows XCR0 by no rule svmhv knows: that
 * subleaf is a miss (CPUID executed, the CPU's answer), _0 still computed.
 */
static void test_unknown_rule(void **state)
{
	struct cpuid_regs r;

	(void)state;
	cpu.odd = true;
	hv_cpuid_cache_cpu(&hv.cpus[0]);
	assert_int_equal(hv.cpus[0].cpuid->xsize[0], HV_XSIZE_DYNAMIC);
	assert_int_equal(hv.cpus[0].cpuid->xsize[1], HV_XSIZE_MISS);
	assert_false(hv_cpuid_cache_lookup(hv.cpus[0].cpuid, 0xd, 1, 7, 0, &r));
	fake.xcr0[0] = 7;
	assert_int_equal(cpuid_exit(0, 0xd, 1).ebx, 1007);
	assert_int_equal(cpuid_exit(0, 0xd, 0).ebx, 832);       /* 576 + AVX's 256 */
	fake.xcr0[0] = 3;
	cpu.odd = false;
}

/* A host without CR4.OSXSAVE: XCR0 unreadable, Fn0000_000D_0/_1 by CPUID. */
static void test_no_osxsave(void **state)
{
	struct cpuid_regs a, b;

	(void)state;
	fake.no_osxsave = true;
	hv_cpuid_cache_cpu(&hv.cpus[0]);
	assert_int_equal(hv.cpus[0].cpuid->xsize[0], HV_XSIZE_MISS);
	fake.xcr0[0] = 7;
	a = cpuid_exit(0, 0xd, 0);
	b = native(0, 0xd, 0);
	assert_int_equal(a.ebx, b.ebx);
	fake.no_osxsave = false;
	fake.xcr0[0] = 3;
}

/* The same on a CPU whose Fn0000_000D_1 EBX is one value, as QEMU's. */
static void test_lookup_qemu_xsize(void **state) { test_lookup_matches_cpu(state); }
static void test_exit_qemu_xsize(void **state) { test_exit_equals_uncached(state); }

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(test_lookup_matches_cpu, manual),
		cmocka_unit_test_setup(test_lookup_qemu_xsize, qemu_like),
		cmocka_unit_test_setup(test_what_is_held, manual),
		cmocka_unit_test_setup(test_exit_equals_uncached, manual),
		cmocka_unit_test_setup(test_exit_qemu_xsize, qemu_like),
		cmocka_unit_test_setup(test_steady_state_exits, manual),
		cmocka_unit_test_setup(test_mutant_bypass, manual),
		cmocka_unit_test_setup(test_bounded, huge),
		cmocka_unit_test_setup(test_no_osxsave, manual),
		cmocka_unit_test_setup(test_unknown_rule, manual),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
