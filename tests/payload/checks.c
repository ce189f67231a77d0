/* SPDX-License-Identifier: MIT */
/*
 * Guest-side checks of svmhv's CPUID leaves, hypercalls, MSR and SVM
 * instruction rules (hv/hypercall.h, DESIGN.md "Security model").
 * Every probe runs with the private IDT in (probe.c); results are reported
 * only after probe_end(), because reporting calls the firmware.
 */
#include "hv/hypercall.h"
#include "svm/vmcb.h"           /* VMEXIT_* codes */
#include "tests/payload/payload.h"

#define CPUID_LOOPS     16

static uint8_t svm_page[4096] __attribute__((aligned(4096)));
static uint8_t vmrun_page[4096] __attribute__((aligned(4096)));

unsigned hypercall(uint64_t fn, uint64_t a1, uint64_t a2, uint64_t a3, struct hcall *out)
{
	unsigned vec;

	*out = (struct hcall){ fn, a1, a2, a3 };
	probe_begin();
	vec = probe_vmmcall(out);
	probe_end();
	return vec;
}

static int hc_ok(unsigned vec, const struct hcall *h)
{
	return vec == PROBE_NO_FAULT && (int64_t)h->rax == SVMHV_OK;
}

/* Why a hypercall failed: the exception it raised or its status. */
static const char *hc_why(unsigned vec, const struct hcall *h)
{
	static char buf[48];

	if (vec != PROBE_NO_FAULT)
		return vector_name(vec);
	fmt_str(buf, sizeof(buf), "status %ld", (int64_t)h->rax);
	return buf;
}

static void sig_text(const uint32_t r[4], char out[13])
{
	const uint32_t words[3] = { r[1], r[2], r[3] };

	for (int i = 0; i < 12; i++) {
		char c = (char)(words[i / 4] >> (8 * (i % 4)));

		out[i] = (c >= 0x20 && c < 0x7f) ? c : '.';
	}
	out[12] = 0;
}

static int sig_is_svmhv(const uint32_t r[4])
{
	return r[1] == SVMHV_SIG_EBX && r[2] == SVMHV_SIG_ECX && r[3] == SVMHV_SIG_EDX;
}

/* Bare mode: no svmhv underneath. Returns 1 if both checks pass. */
int check_bare(void)
{
	uint32_t r[4];
	char sig[13];
	struct hcall h;
	unsigned vec;
	int ok;

	cpuid(SVMHV_CPUID_BASE, 0, r);
	sig_text(r, sig);
	ok = report_check(!sig_is_svmhv(r), "bare: no svmhv CPUID signature",
			  "found \"%s\"", sig);
	report_diag("cpuid 0x40000000: eax=0x%x sig=\"%s\"", r[0], sig);
	vec = hypercall(SVMHV_HC_IDENTIFY, 0, 0, 0, &h);
	ok &= report_check(vec == VEC_UD, "bare: VMMCALL raises #UD", "got %s, rax=0x%lx",
			   vector_name(vec), h.rax);
	return ok;
}

void check_cpuid(void)
{
	uint32_t r[4];
	char sig[13];

	cpuid(1, 0, r);
	report_check(r[2] >> 31, "cpuid: hypervisor bit (1.ECX[31])", "ECX=0x%x", r[2]);
	cpuid(SVMHV_CPUID_BASE, 0, r);
	sig_text(r, sig);
	report_check(sig_is_svmhv(r) && r[0] == SVMHV_CPUID_MAX,
		     "cpuid: 0x40000000 signature and max leaf",
		     "eax=0x%x sig=\"%s\"", r[0], sig);
	cpuid(SVMHV_CPUID_MAX, 0, r);
	report_check(r[0] == SVMHV_VERSION && r[1] == SVMHV_ABI_VERSION,
		     "cpuid: 0x40000001 version and ABI",
		     "eax=0x%x ebx=0x%x, want 0x%x 0x%x", r[0], r[1],
		     SVMHV_VERSION, SVMHV_ABI_VERSION);
	cpuid(0x80000001u, 0, r);
	report_check(!(r[2] & (1u << 2)), "cpuid: SVM hidden (8000_0001.ECX[2] = 0)",
		     "ECX=0x%x", r[2]);
	cpuid(0x8000000au, 0, r);
	report_check(!(r[0] | r[1] | r[2] | r[3]), "cpuid: 8000_000A reads all zero",
		     "%x %x %x %x", r[0], r[1], r[2], r[3]);
}

static void check_identify(void)
{
	struct hcall h;
	unsigned vec = hypercall(SVMHV_HC_IDENTIFY, 0, 0, 0, &h);

	if (!hc_ok(vec, &h)) {
		report_fail("hypercall: IDENTIFY", "%s", hc_why(vec, &h));
		return;
	}
	report_check(h.rbx == SVMHV_SIG_EBX && h.rcx == SVMHV_SIG_ECX &&
		     h.rdx == SVMHV_VERSION, "hypercall: IDENTIFY",
		     "rbx=0x%lx rcx=0x%lx rdx=0x%lx", h.rbx, h.rcx, h.rdx);
}

/*
 * VMMCALL preserves every register but RAX..RDX. Run only once IDENTIFY
 * answered: this one is not armed (it needs every free register).
 */
static void check_preserved(void)
{
	register uint64_t r8 __asm__("r8") = 0x0808080808080808ull;
	register uint64_t r9 __asm__("r9") = 0x0909090909090909ull;
	register uint64_t r10 __asm__("r10") = 0x1010101010101010ull;
	register uint64_t r11 __asm__("r11") = 0x1111111111111111ull;
	register uint64_t r12 __asm__("r12") = 0x1212121212121212ull;
	register uint64_t r13 __asm__("r13") = 0x1313131313131313ull;
	register uint64_t r14 __asm__("r14") = 0x1414141414141414ull;
	register uint64_t r15 __asm__("r15") = 0x1515151515151515ull;
	uint64_t a = SVMHV_HC_IDENTIFY, b = 0, c = 0, d = 0;
	uint64_t si = 0x5151515151515151ull, di = 0xd1d1d1d1d1d1d1d1ull;
	uint64_t bad;

	__asm__ volatile("vmmcall"
			 : "+a"(a), "+b"(b), "+c"(c), "+d"(d), "+S"(si), "+D"(di),
			   "+r"(r8), "+r"(r9), "+r"(r10), "+r"(r11), "+r"(r12),
			   "+r"(r13), "+r"(r14), "+r"(r15)
			 : : "memory");
	bad = (si != 0x5151515151515151ull) | (di != 0xd1d1d1d1d1d1d1d1ull) << 1 |
	      (r8 != 0x0808080808080808ull) << 2 | (r9 != 0x0909090909090909ull) << 3 |
	      (r10 != 0x1010101010101010ull) << 4 | (r11 != 0x1111111111111111ull) << 5 |
	      (r12 != 0x1212121212121212ull) << 6 | (r13 != 0x1313131313131313ull) << 7 |
	      (r14 != 0x1414141414141414ull) << 8 | (r15 != 0x1515151515151515ull) << 9;
	report_check(!bad, "hypercall: preserves rsi rdi r8-r15",
		     "changed mask 0x%lx (bit 0 = rsi, 1 = rdi, 2.. = r8..)", bad);
}

/* VCPU_INFO; returns the number of vCPUs (0 if it failed). */
static uint64_t check_vcpu_info(uint64_t *self)
{
	struct hcall h;
	unsigned vec = hypercall(SVMHV_HC_VCPU_INFO, 0, 0, 0, &h);

	if (!hc_ok(vec, &h)) {
		report_fail("hypercall: VCPU_INFO", "%s", hc_why(vec, &h));
		return 0;
	}
	report_diag("vcpu %lu of %lu", h.rbx, h.rcx);
	*self = h.rbx;
	if (!report_check(h.rcx >= 1 && h.rcx <= 4096 && h.rbx < h.rcx,
			  "hypercall: VCPU_INFO", "index %lu, count %lu", h.rbx, h.rcx))
		return 0;
	return h.rcx;
}

/* EXIT_COUNT/EXIT_TOTAL for SELF around `work`, with interrupts off. */
struct counts {
	struct hcall before, after, by_index;
	unsigned vec_before, vec_after, vec_index;
};

static uint64_t delta(const struct counts *c)
{
	return c->after.rdx - c->before.rdx;
}

static int counts_ok(const struct counts *c)
{
	return hc_ok(c->vec_before, &c->before) && hc_ok(c->vec_after, &c->after);
}

static const char *counts_why(const struct counts *c)
{
	if (!hc_ok(c->vec_before, &c->before))
		return hc_why(c->vec_before, &c->before);
	return hc_why(c->vec_after, &c->after);
}

enum work { WORK_CPUID_LOOP, WORK_ONE_CPUID, WORK_NONE, WORK_RDMSR_EFER };

static void measure(uint64_t fn, uint64_t code, uint64_t self, enum work w, struct counts *c)
{
	uint32_t r[4];
	uint64_t v;

	c->before = (struct hcall){ fn, SVMHV_VCPU_SELF, code, 0 };
	c->by_index = (struct hcall){ fn, self, code, 0 };
	c->after = c->before;
	c->vec_index = PROBE_NO_FAULT;
	probe_begin();
	c->vec_before = probe_vmmcall(&c->before);
	if (w == WORK_CPUID_LOOP)       /* no CPUID exit in between: same count */
		c->vec_index = probe_vmmcall(&c->by_index);
	if (w == WORK_CPUID_LOOP)
		for (int i = 0; i < CPUID_LOOPS; i++)
			cpuid(0, 0, r);
	else if (w == WORK_ONE_CPUID)
		cpuid(0, 0, r);
	else if (w == WORK_RDMSR_EFER)
		probe_rdmsr(MSR_EFER, &v);
	c->vec_after = probe_vmmcall(&c->after);
	probe_end();
}

static void check_exit_counters(uint64_t self)
{
	struct counts c;

	measure(SVMHV_HC_EXIT_COUNT, VMEXIT_CPUID, self, WORK_CPUID_LOOP, &c);
	report_diag("cpuid exits %lu -> %lu", c.before.rdx, c.after.rdx);
	if (report_check(counts_ok(&c), "hypercall: EXIT_COUNT answers", "%s", counts_why(&c))) {
		report_check(delta(&c) == CPUID_LOOPS,
			     "hypercall: EXIT_COUNT(CPUID) rises by exactly the CPUIDs run",
			     "rose by %lu after %d CPUIDs", delta(&c), CPUID_LOOPS);
		report_check(hc_ok(c.vec_index, &c.by_index) && c.by_index.rdx == c.before.rdx,
			     "hypercall: EXIT_COUNT by vCPU index equals SELF",
			     "%s, %lu vs %lu", hc_why(c.vec_index, &c.by_index),
			     c.by_index.rdx, c.before.rdx);
	}
	measure(SVMHV_HC_EXIT_TOTAL, 0, self, WORK_ONE_CPUID, &c);
	report_diag("total exits %lu -> %lu", c.before.rdx, c.after.rdx);
	report_check(counts_ok(&c) && delta(&c) >= 2, "hypercall: EXIT_TOTAL rises",
		     "%s, %lu -> %lu around one CPUID", counts_why(&c), c.before.rdx,
		     c.after.rdx);
	measure(SVMHV_HC_EXIT_COUNT, VMEXIT_VMMCALL, self, WORK_NONE, &c);
	report_check(counts_ok(&c) && delta(&c) == 1,
		     "hypercall: EXIT_COUNT(VMMCALL) counts each hypercall once",
		     "%s, rose by %lu", counts_why(&c), delta(&c));
	measure(SVMHV_HC_EXIT_COUNT, VMEXIT_MSR, self, WORK_RDMSR_EFER, &c);
	report_check(counts_ok(&c) && delta(&c) == 1,
		     "hypercall: EXIT_COUNT(MSR) counts one RDMSR EFER",
		     "%s, rose by %lu", counts_why(&c), delta(&c));
}

static void check_errors(uint64_t nvcpus)
{
	struct hcall h;
	unsigned vec;

	vec = hypercall(SVMHV_HC_EXIT_COUNT, nvcpus, VMEXIT_CPUID, 0, &h);
	report_check(vec == PROBE_NO_FAULT && (int64_t)h.rax == SVMHV_EINVAL,
		     "hypercall: EXIT_COUNT bad vCPU gives EINVAL", "%s", hc_why(vec, &h));
	vec = hypercall(SVMHV_HC_EXIT_TOTAL, 0x7654321, 0, 0, &h);
	report_check(vec == PROBE_NO_FAULT && (int64_t)h.rax == SVMHV_EINVAL,
		     "hypercall: EXIT_TOTAL bad vCPU gives EINVAL", "%s", hc_why(vec, &h));
	vec = hypercall(0x1000, 0, 0, 0, &h);
	report_check(vec == PROBE_NO_FAULT && (int64_t)h.rax == SVMHV_ENOSYS,
		     "hypercall: unknown function 0x1000 gives ENOSYS", "%s", hc_why(vec, &h));
	vec = hypercall(~0ull, 0, 0, 0, &h);
	report_check(vec == PROBE_NO_FAULT && (int64_t)h.rax == SVMHV_ENOSYS,
		     "hypercall: unknown function ~0 gives ENOSYS", "%s", hc_why(vec, &h));
}

/* ASIDs are fixed per vCPU: asid_l2 = asid_l1 + 1, never the host's 0. */
static void check_tlb_abi(void)
{
	struct hcall h;
	unsigned vec;

	vec = hypercall(SVMHV_HC_ASIDS, SVMHV_VCPU_SELF, 0, 0, &h);
	if (hc_ok(vec, &h))
		report_check(h.rbx != 0 && h.rcx == h.rbx + 1, "hypercall: ASIDS",
			     "asid_l1=%lu asid_l2=%lu", h.rbx, h.rcx);
	else
		report_fail("hypercall: ASIDS", "%s", hc_why(vec, &h));
	vec = hypercall(SVMHV_HC_TLB_FLUSHES, SVMHV_VCPU_SELF, 0, 0xffffffffu, &h);
	if (hc_ok(vec, &h))
		report_check(h.rdx >= 1, "hypercall: TLB_FLUSHES counts the first L1 flush",
			     "L1 flushes = %lu", h.rdx);
	else
		report_fail("hypercall: TLB_FLUSHES", "%s", hc_why(vec, &h));
	/* At CPL 0 the dump is allowed; 30-qemu.sh finds its lines in the log. */
	vec = hypercall(SVMHV_HC_CONSOLE_DUMP, 0, 0, 0, &h);
	report_check(hc_ok(vec, &h), "hypercall: CONSOLE_DUMP at CPL 0", "%s", hc_why(vec, &h));
}

/*
 * #DB is intercepted (CVE-2015-8104) and must still reach the guest exactly
 * once: single-step one NOP, see our #DB handler run, and the #DB exit
 * counter (exit code 0x41) move by one.
 */
void check_debug_trap(void)
{
	struct hcall before = { SVMHV_HC_EXIT_COUNT, SVMHV_VCPU_SELF, 0x41, 0 };
	struct hcall after = before;
	unsigned v0, vec, v1;

	probe_begin();
	v0 = probe_vmmcall(&before);
	vec = probe_single_step();
	v1 = probe_vmmcall(&after);
	probe_end();
	report_check(vec == VEC_DB, "exception: single-step #DB reaches the guest",
		     "got %s", vector_name(vec));
	report_check(v0 == PROBE_NO_FAULT && v1 == PROBE_NO_FAULT &&
		     after.rdx == before.rdx + 1,
		     "exception: #DB passes through svmhv once (exit 0x41 counted)",
		     "#DB exits %lu -> %lu", before.rdx, after.rdx);
}

void check_hypercalls(void)
{
	struct hcall h;
	uint64_t self = 0, n;
	int up;

	check_identify();
	up = hc_ok(hypercall(SVMHV_HC_IDENTIFY, 0, 0, 0, &h), &h);
	if (up)
		check_preserved();
	else
		report_fail("hypercall: preserves rsi rdi r8-r15", "IDENTIFY failed, not run");
	n = check_vcpu_info(&self);
	check_exit_counters(self);
	check_errors(n ? n : 1);
	check_tlb_abi();
}

/* RDMSR and WRMSR of one SVM MSR must both raise #GP. */
static void check_msr_gp(uint32_t msr, const char *rd_name, const char *wr_name)
{
	uint64_t v = 0;
	unsigned rd, wr;

	probe_begin();
	rd = probe_rdmsr(msr, &v);
	/* Write back what was read (0 if the read faulted): harmless if it lands. */
	wr = probe_wrmsr(msr, rd == PROBE_NO_FAULT ? v : 0);
	probe_end();
	report_check(rd == VEC_GP, rd_name, "got %s (value 0x%lx)", vector_name(rd), v);
	report_check(wr == VEC_GP, wr_name, "got %s", vector_name(wr));
}

void check_msrs(void)
{
	uint64_t efer = 0, after = 0;
	unsigned rd, wr, restore = PROBE_NO_FAULT;

	probe_begin();
	rd = probe_rdmsr(MSR_EFER, &efer);
	wr = probe_wrmsr(MSR_EFER, efer | EFER_SVME);
	if (wr == PROBE_NO_FAULT)       /* it landed: undo it */
		restore = probe_wrmsr(MSR_EFER, efer);
	probe_rdmsr(MSR_EFER, &after);
	probe_end();
	report_check(rd == PROBE_NO_FAULT && !(efer & EFER_SVME), "msr: EFER.SVME reads 0",
		     "%s, EFER=0x%lx", vector_name(rd), efer);
	report_check(wr == VEC_GP, "msr: WRMSR EFER with SVME raises #GP", "got %s%s",
		     vector_name(wr), restore == PROBE_NO_FAULT ? "" : " (restore faulted)");
	report_check(after == efer, "msr: EFER unchanged after the refused write",
		     "0x%lx -> 0x%lx", efer, after);
	check_msr_gp(MSR_VM_HSAVE_PA, "msr: RDMSR VM_HSAVE_PA raises #GP",
		     "msr: WRMSR VM_HSAVE_PA raises #GP");
	check_msr_gp(MSR_VM_CR, "msr: RDMSR VM_CR raises #GP", "msr: WRMSR VM_CR raises #GP");
	check_msr_gp(MSR_SVM_KEY, "msr: RDMSR SVM_KEY raises #GP",
		     "msr: WRMSR SVM_KEY raises #GP");
}

static uint64_t cr4_read(void)
{
	uint64_t v;

	__asm__ volatile("mov %%cr4, %0" : "=r"(v));
	return v;
}

static void cr4_write(uint64_t v)
{
	__asm__ volatile("mov %0, %%cr4" : : "r"(v) : "memory");
}

/* CPUID(leaf).ECX & bit with CR4 = cr4 for the moment (interrupts off). */
static uint32_t ecx_with_cr4(uint32_t leaf, uint32_t bit, uint64_t cr4)
{
	uint64_t old = cr4_read();
	uint32_t r[4];

	probe_begin();
	cr4_write(cr4);
	cpuid(leaf, 0, r);
	cr4_write(old);
	probe_end();
	return r[2] & bit;
}

/* One state-derived bit: set and clear with its CR4 bit. */
static void cpuid_follows(const char *name, uint32_t leaf, uint32_t feat, uint32_t bit,
			  uint64_t cr4_bit)
{
	uint32_t r[4];
	uint64_t cr4 = cr4_read();
	uint32_t on, off;

	cpuid(leaf, 0, r);
	if (!(r[2] & feat)) {
		char skip[96];

		fmt_str(skip, sizeof(skip), "%s # SKIP the CPU lacks the feature", name);
		report_ok(skip);
		return;
	}
	on = ecx_with_cr4(leaf, bit, cr4 | cr4_bit);
	off = ecx_with_cr4(leaf, bit, cr4 & ~cr4_bit);
	report_check(on && !off, name, "with the CR4 bit 0x%x, without 0x%x (CR4 0x%lx)", on, off,
		     cr4);
}

/*
 * CPUID bits derived from the executing code's state follow this code's CR4
 * (issue 17 item 3): OSXSAVE <- CR4.OSXSAVE, OSPKE <- CR4.PKE. APM3 E.3.2,
 * E.3.6. Both modes.
 */
void check_cpuid_state(void)
{
	cpuid_follows("cpuid: OSXSAVE follows CR4.OSXSAVE", 1, 1u << 26, 1u << 27, 1ull << 18);
	cpuid_follows("cpuid: OSPKE follows CR4.PKE", 7, 1u << 3, 1u << 4, 1ull << 22);
}

/*
 * IA32_APIC_BASE read by a probe (between probe_begin() and probe_end()):
 * the APIC's page in *page, its x2APIC mode in *x2; the probe's vector.
 */
static unsigned apic_mode(uint64_t *page, int *x2)
{
	uint64_t base = 0;
	unsigned rd = probe_rdmsr(MSR_APIC_BASE, &base);

	*page = base & ~0xfffull;
	*x2 = (base >> 10) & 1;
	return rd;
}

/*
 * An NMI to self through the ICR's self shorthand (ICR 0004_4400h: self,
 * level assert, NMI) arrives, as on bare QEMU: svmhv passes every IPI but
 * INIT and SIPI to the hardware as written (hv/apic/apic.h). Both modes.
 */
void check_self_nmi(void)
{
	uint64_t page;
	unsigned rd, vec;
	int x2;

	probe_begin();
	rd = apic_mode(&page, &x2);
	vec = probe_icr_self(page, x2, 0x44400u, 10000000u);
	probe_end();
	report_check(rd == PROBE_NO_FAULT && vec == VEC_NMI,
		     "apic: an NMI to self by ICR shorthand arrives",
		     "took %s (x2APIC %d)", vector_name(vec), x2);
}

/*
 * NMI blocking: an NMI handler that sends itself a second NMI does not see
 * it until its IRET, and then sees it once (APM2 8.5). svmhv injects NMIs
 * through EVENTINJ, which ignores the guest's blocking, so it keeps the
 * blocking itself (hv/nmi.h). Both modes.
 */
void check_nmi_blocking(void)
{
	uint64_t page;
	unsigned rd, inside = 0, total = 0;
	int x2;

	probe_begin();
	rd = apic_mode(&page, &x2);
	probe_nmi_nesting(page, x2, 2000000u, &inside, &total);
	probe_end();
	report_check(rd == PROBE_NO_FAULT && inside == 1 && total == 2,
		     "apic: an NMI sent from an NMI handler waits for its IRET",
		     "NMIs taken inside the handler %u, in all %u, want 1 and 2 (x2APIC %d)",
		     inside, total, x2);
}

/*
 * The local APIC rules (README "Every CPU"): the APIC page cannot move (its
 * write protection would be lost); read-modify-write stores to it land as on
 * the hardware, and a form svmhv does not emulate raises #UD instead of
 * reaching the APIC unchecked (apicrmw.c).
 */
void check_apic(void)
{
	uint64_t base = 0, after = 0;
	unsigned rd, wr;

	probe_begin();
	rd = probe_rdmsr(MSR_APIC_BASE, &base);
	wr = probe_wrmsr(MSR_APIC_BASE, base + 0x100000);
	probe_rdmsr(MSR_APIC_BASE, &after);
	if (after != base)              /* it moved (no svmhv): put it back */
		probe_wrmsr(MSR_APIC_BASE, base);
	probe_end();
	report_check(rd == PROBE_NO_FAULT && wr == VEC_GP && after == base,
		     "apic: moving the APIC base raises #GP and keeps it",
		     "rdmsr %s, wrmsr %s, base 0x%lx -> 0x%lx", vector_name(rd),
		     vector_name(wr), base, after);
	/*
	 * Firmware with APIC IDs above 255 (QEMU -smp 256 and more) hands over
	 * in x2APIC mode, where the xAPIC page is no APIC at all (README "Every
	 * CPU"): its read-modify-write checks apply in xAPIC mode only.
	 */
	if ((base >> 10) & 1) {
		report_diag("apic: x2APIC mode (IA32_APIC_BASE 0x%lx): xAPIC page checks skipped",
			    base);
		return;
	}
	check_apic_rmw(base & ~0xfffull);
}

/*
 * Every SVM instruction raises #UD in a guest that sees EFER.SVME = 0.
 * Order matters if one were let through: VMSAVE before VMLOAD (reloads the
 * state just saved), STGI after CLGI.
 */
void check_svm_insns(void)
{
	static const struct {
		enum svm_insn insn;
		const char *name;
	} order[] = {
		{ INSN_VMSAVE, "insn: VMSAVE raises #UD" },
		{ INSN_VMLOAD, "insn: VMLOAD raises #UD" },
		{ INSN_VMRUN, "insn: VMRUN raises #UD" },
		{ INSN_CLGI, "insn: CLGI raises #UD" },
		{ INSN_STGI, "insn: STGI raises #UD" },
		{ INSN_SKINIT, "insn: SKINIT raises #UD" },
		{ INSN_INVLPGA, "insn: INVLPGA raises #UD" },
	};
	unsigned vec[sizeof(order) / sizeof(order[0])];

	probe_begin();
	for (unsigned i = 0; i < sizeof(order) / sizeof(order[0]); i++) {
		uint64_t pa = (uint64_t)(order[i].insn == INSN_VMRUN ? vmrun_page : svm_page);

		vec[i] = probe_svm_insn(order[i].insn, pa);
		if (order[i].insn == INSN_CLGI && vec[i] == PROBE_NO_FAULT)
			probe_svm_insn(INSN_STGI, 0);
	}
	probe_end();
	for (unsigned i = 0; i < sizeof(order) / sizeof(order[0]); i++)
		report_check(vec[i] == VEC_UD, order[i].name, "got %s", vector_name(vec[i]));
}
