/* SPDX-License-Identifier: MIT */
/* Host tests of the monitor (hv/debug/monitor.c, mon_*.c) against a fake svmhv. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <string.h>

#include "hv/debug/monitor.h"

#define NV 3

static struct {
	char out[1 << 16];
	size_t len;
	struct vmcb vmcb[NV];
	uint64_t exits[NV][0x400 + 2];
	uint64_t npf[NV];
	uint64_t now;
	unsigned level, log_sets, resets, nmis;
	uint32_t areas;
	uint8_t ram[0x2000];
} F;

static void put(void *ctx, const char *s)
{
	size_t n = strlen(s);

	if (n > sizeof(F.out) - 1 - F.len)
		n = sizeof(F.out) - 1 - F.len;
	memcpy(F.out + F.len, s, n);
	F.len += n;
	F.out[F.len] = '\0';
}

static unsigned nr_vcpus(void *ctx)
{
	return NV;
}

static void vcpu_info(void *ctx, unsigned v, struct mon_vcpu_info *o)
{
	*o = (struct mon_vcpu_info){ .in_l2 = v == 1, .running = v != 2, .cpl = v == 1 ? 3 : 0,
				     .apic_id = v * 2, .rip = 0xffffffff81000000ull + v,
				     .last_exit = v == 0 ? VMEXIT_HLT : VMEXIT_NPF, .exit_count = 100 + v };
}

static const struct vmcb *get_vmcb(void *ctx, unsigned v, enum mon_vmcb_which w)
{
	return w == MON_VMCB01 || v == 1 ? &F.vmcb[v] : NULL;
}

static uint64_t exit_count(void *ctx, unsigned v, uint64_t code)
{
	if (code == VMEXIT_NPF)
		return F.npf[v];
	return code < 0x400 ? F.exits[v][code] : 0;
}

static uint64_t now_us(void *ctx)
{
	return F.now;
}

static void tlb_info(void *ctx, unsigned v, struct mon_tlb_info *o)
{
	o->asid_l1 = 1 + 2 * v;
	o->asid_l2 = 2 + 2 * v;
	o->have_l2_asid = v == 1;
	o->vmcb12_asid = 7;
	o->cnt.flushes[TLB_CTX_L2] = 5;
	o->cnt.reason[TLB_CTX_L2][TLB_REASON_ASID_CHANGE] = 4;
	o->cnt.reason[TLB_CTX_L1][TLB_REASON_NEW_PCPU] = 1;
}

static void npt_walk(void *ctx, unsigned v, enum mon_npt_table t, uint64_t gpa, struct mon_walk *w)
{
	if (t == MON_NPT_SHADOW && v != 1)
		return;                 /* stays MON_WALK_NO_TABLES */
	w->nlevels = 3;
	w->level[0] = (struct mon_walk_level){ 0x5000, (uint16_t)(gpa >> 39 & 511), 0x6003 };
	w->level[1] = (struct mon_walk_level){ 0x6000, (uint16_t)(gpa >> 30 & 511), 0x7003 };
	w->level[2] = (struct mon_walk_level){ 0x7000, (uint16_t)(gpa >> 21 & 511),
					       (gpa & ~0x1fffffull) | 0x83 | 1ull << 63 };
	w->status = MON_WALK_MAPPED;
	w->out_addr = gpa;
	w->page_size = 2u << 20;
}

static void gva_walk(void *ctx, unsigned v, uint64_t gva, struct mon_walk *w)
{
	w->nlevels = 4;
	w->level[0] = (struct mon_walk_level){ 0x1000, 511, 0x2063 };
	w->level[1] = (struct mon_walk_level){ 0x2000, 510, 0 };
	w->nlevels = 2;
	w->status = MON_WALK_NOT_PRESENT;
}

static size_t mem_read(void *ctx, uint64_t gpa, void *buf, size_t len)
{
	if (gpa < 0x1000 || gpa >= 0x3000)
		return 0;
	if (len > 0x3000 - gpa)
		len = 0x3000 - gpa;
	memcpy(buf, F.ram + (gpa - 0x1000), len);
	return len;
}

static size_t vmem_read(void *ctx, unsigned v, uint64_t gva, void *buf, size_t len)
{
	return mem_read(ctx, gva - 0xffff888000000000ull, buf, len);
}

static void log_get(void *ctx, unsigned *level, uint32_t *areas)
{
	*level = F.level;
	*areas = F.areas;
}

static void log_set(void *ctx, unsigned level, uint32_t areas)
{
	F.level = level;
	F.areas = areas;
	F.log_sets++;
}

static const char *const areas[] = { "hv", "svm", "tlb", "npt", "nested" };

static unsigned trace(void *ctx, unsigned v, struct mon_trace_entry *b, unsigned max)
{
	unsigned i, n = max < 20 ? max : 20;

	for (i = 0; i < n; i++)
		b[i] = (struct mon_trace_entry){ .tsc = 1000 + i, .exit_code = VMEXIT_CPUID,
						 .info1 = i, .rip = 0x1000 + i, .l2 = i & 1 };
	return n;
}

static int nmi(void *ctx, unsigned v)
{
	if (v == 2)
		return -1;
	F.nmis++;
	return 0;
}

static void reset(void *ctx)
{
	F.resets++;
}

static const struct mon_ops ops = {
	.put = put, .nr_vcpus = nr_vcpus, .vcpu_info = vcpu_info, .vmcb = get_vmcb,
	.exit_count = exit_count, .now_us = now_us, .tlb_info = tlb_info, .npt_walk = npt_walk,
	.gva_walk = gva_walk, .mem_read = mem_read, .vmem_read = vmem_read,
	.log_get = log_get, .log_set = log_set, .log_areas = areas, .nr_log_areas = 5,
	.trace = trace, .nmi = nmi, .reset = reset,
};

static struct mon M;

static int setup(void **state)
{
	unsigned i;

	memset(&F, 0, sizeof(F));
	for (i = 0; i < sizeof(F.ram); i++)
		F.ram[i] = (uint8_t)i;
	memcpy(F.ram + 0x10, "Hello, svmhv!", 13);
	F.vmcb[0].control.exit_code = VMEXIT_CPUID;
	F.vmcb[0].control.intercept_misc1 = 1u << (VMEXIT_CPUID - 0x60) | 1u << (VMEXIT_HLT - 0x60);
	F.vmcb[0].control.intercept_exceptions = 1u << 14 | 1u << 6;
	F.vmcb[0].control.event_inj = SVM_EVTINJ_VALID | SVM_EVTINJ_TYPE_EXEPT | SVM_EVTINJ_VALID_ERR |
				      14 | 2ull << SVM_EVTINJ_ERR_SHIFT;
	F.vmcb[0].save.cs = (struct vmcb_seg){ 0x10, SEG_ATTR_P | SEG_ATTR_S | SEG_ATTR_L | 0xb, 0xffffffff, 0 };
	F.vmcb[0].save.efer = EFER_LME | EFER_LMA | EFER_SVME;
	F.vmcb[0].save.rip = 0xffffffff81234567ull;
	mon_init(&M, &ops, NULL);
	return 0;
}

static enum mon_verdict type(const char *s)
{
	enum mon_verdict v = MON_STAY;

	F.len = 0;
	F.out[0] = '\0';
	for (; *s; s++)
		v = mon_input(&M, (uint8_t)*s);
	return v;
}

static void has(const char *want)
{
	if (!strstr(F.out, want))
		fail_msg("output lacks \"%s\":\n%s", want, F.out);
}

static void lacks(const char *bad)
{
	if (strstr(F.out, bad))
		fail_msg("output has \"%s\":\n%s", bad, F.out);
}

#define RUN(line, ...) do { \
	assert_int_equal(type(line "\r"), MON_STAY); \
	const char *w_[] = { __VA_ARGS__ }; \
	for (size_t i_ = 0; i_ < sizeof(w_) / sizeof(w_[0]); i_++) \
		has(w_[i_]); \
} while (0)

/* ---- line editor ------------------------------------------------------------------ */

static void test_editor(void **state)
{
	char longline[300];

	mon_enter(&M);
	assert_int_equal(type("hex\x7fl\x08lp"), MON_STAY);
	assert_string_equal(F.out, "hex\b \bl\b \blp");
	type("\r\n");
	has("vcpus");
	assert_int_equal(strstr(F.out, "svmhv> ") - F.out, (long)strlen(F.out) - 7);
	lacks("svmhv> svmhv> ");                         /* CR LF: one line end */
	type("nmi 0\x15");                               /* Ctrl-U */
	assert_string_equal(F.out, "nmi 0\b \b\b \b\b \b\b \b\b \b");
	type("\r");
	assert_int_equal(F.nmis, 0);
	type("nmi 0\x03\r");                             /* Ctrl-C */
	has("^C");
	assert_int_equal(F.nmis, 0);
	type("\x1b[Anmi\x01 0\x1bOB\xff\r");             /* keys and junk are ignored */
	assert_int_equal(F.nmis, 1);
	memset(longline, 'x', sizeof(longline) - 1);
	longline[sizeof(longline) - 1] = '\0';
	memcpy(longline, "nmi 0 ", 6);
	type(longline);
	assert_true(F.len <= MON_LINE_MAX);              /* echo stops at the limit */
	type("\r");
	has("error: line too long (at most 120 characters)");
	assert_int_equal(F.nmis, 1);
	type("\x08\x08\r");                              /* editor works again */
	RUN("nmi 0", "NMI queued for vCPU 0");
	assert_int_equal(F.nmis, 2);
}

static void test_leave_and_gdb(void **state)
{
	assert_int_equal(type("continue\r"), MON_LEAVE);
	assert_int_equal(type("quit\r"), MON_LEAVE);
	assert_int_equal(type("c\r"), MON_LEAVE);
	assert_int_equal(type("gdb\r"), MON_GDB);
	has("target remote");
	assert_int_equal(mon_exec(&M, "  continue  "), MON_LEAVE);
	assert_int_equal(mon_exec(&M, "continue now"), MON_STAY);
	has("usage: continue");
}

/* ---- commands ---------------------------------------------------------------------- */

static void test_bad_commands(void **state)
{
	RUN("frobnicate", "error: unknown command 'frobnicate' (try 'help')");
	RUN("vcpus extra", "error: usage: vcpus");
	RUN("vmcb", "error: usage: vmcb N [01|02|12]");
	RUN("vmcb 3", "error: no vCPU 3 (vCPUs are 0..2)");
	RUN("vmcb -1", "error: '-1' is not a vCPU number");
	RUN("vmcb 99999999999999999999999", "is not a vCPU number");
	RUN("vmcb 0 03", "error: '03': say 01, 02 or 12");
	RUN("mem zz", "error: 'zz' is not an address");
	RUN("mem 0x", "is not an address");
	RUN("mem 1ffffffffffffffff", "is not an address");
	RUN("mem 1000 0", "error: 0 is out of range (1..4096)");
	RUN("mem 1000 4097", "out of range");
	RUN("mem 1000 12ab", "error: '12ab' is not a number");
	RUN("mem 0", "error: nothing readable at 0");
	RUN("trace 0 65", "out of range (1..64)");
	RUN("nmi 2", "error: vCPU 2 cannot take an NMI now");
	RUN("gva 0", "usage: gva N ADDR");
	RUN("a b c d e f g h i", "error: too many words (at most 8)");
	RUN("help nope", "error: no command 'nope'");
	RUN("exits 7", "no vCPU 7");
	RUN("tlb x", "not a vCPU number");
	RUN("npt 1000 5", "no vCPU 5");
	RUN("log bogus", "error: 'bogus' is neither a level");
	RUN("log debug +nope", "nothing changed");
	assert_int_equal(F.log_sets, 0);
	RUN("reset", "type 'reset yes'");
	RUN("reset no", "type 'reset yes'");
	assert_int_equal(F.resets, 0);
	RUN("reset yes", "resetting");
	assert_int_equal(F.resets, 1);
}

static void test_help(void **state)
{
	RUN("help", "vcpus", "vmcb     N [01|02|12]", "npt", "gva", "mem", "log", "trace",
	    "nmi", "reset", "gdb", "continue", "Ctrl-U");
	lacks("  quit");
	RUN("help mem", "mem ADDR [LEN]", "hexdump guest-physical memory");
}

static void test_vcpus_and_vmcb(void **state)
{
	RUN("vcpus", "   0     0  L1      0  ffffffff81000000  hlt ",
	    "   1     2  L2      3  ffffffff81000001  npf", "   2     4  held");
	RUN("vmcb 0", "vCPU 0 vmcb01:", "exit_code              0000000000000072 cpuid",
	    "intercept_misc1        01040000", "cpuid hlt", "#6 #14",
	    "valid exception vector 14 error code 2", "efer                   0000000000001500 LME LMA SVME",
	    "cs     sel 0010 attr 29b (type b S dpl 0 P L) limit ffffffff",
	    "rip                    ffffffff81234567");
	RUN("vmcb 0 02", "vCPU 0 has no vmcb02");
	RUN("vmcb 1 12", "vCPU 1 vmcb12:");
}

static void test_exits(void **state)
{
	F.exits[0][VMEXIT_CPUID] = 1000;
	F.exits[1][VMEXIT_HLT] = 10;
	F.npf[1] = 30;
	F.now = 2000000;
	RUN("exits", "   0         1000         500", "   1           40          20",
	    "cpuid                        1000         500", "npf                            30          15");
	F.exits[0][VMEXIT_CPUID] += 3000;
	F.now += 1000000;
	RUN("exits", "(rates over the last 1000 ms)", "   0         4000        3000",
	    "cpuid                        4000        3000", "npf                            30           0");
	RUN("exits 1", "vCPU 1: 40 exits", "hlt                            10   25%",
	    "npf                            30   75%");
}

static void test_tlb_npt_gva(void **state)
{
	RUN("tlb", "vCPU 0: ASID L1 1, L2 2", "vCPU 1: ASID L1 3, L2 4 (vmcb12 ASID 7)",
	    "L2: 5 flushes, 0 met by a flush-all, 0 INVLPGA; asid_change=4", "L1: 0 flushes",
	    "new_pcpu=1");
	RUN("tlb 2", "vCPU 2: ASID L1 5, L2 6");
	lacks("vCPU 0:");
	RUN("npt 0x40201000", "GPA 40201000, vCPU 0", "svmhv's nested page tables:",
	    "L3 table 5000 [  0] = 0000000000006003  P W", "L1 table 7000 [  1] = 8000000040200083  P W PS NX",
	    "-> 40201000 (2048 KiB page)", "shadow (L2) nested page tables:\r\n  -> no tables");
	RUN("npt 40201000 1", "shadow (L2) nested page tables:\r\n  L3 table");
	RUN("gva 1 ffffffff81000000", "GVA ffffffff81000000, vCPU 1",
	    "L2 table 1000 [511] = 0000000000002063  P W A D", "-> not present");
}

static void test_mem(void **state)
{
	RUN("mem 1010 20",
	    "0000000000001010  48 65 6c 6c 6f 2c 20 73 76 6d 68 76 21 1d 1e 1f  |Hello, svmhv!...|\r\n",
	    "0000000000001020  20 21 22 23");
	RUN("mem 2ff8 0x10", "0000000000002ff8  f8 f9 fa fb fc fd fe ff",
	    "(stopped at 3000: not readable)");
	RUN("mem 1000 3", "0000000000001000  00 01 02                                         |...|");
	RUN("vmem 0 ffff888000001010 4", "ffff888000001010  48 65 6c 6c");
	RUN("vmem 0 ffff888000000000 4", "error: nothing readable at ffff888000000000");
}

static void test_log_trace_nmi(void **state)
{
	F.level = 2;
	F.areas = 0x3;
	RUN("log", "level info; areas: +hv +svm -tlb -npt -nested");
	assert_int_equal(F.log_sets, 0);
	RUN("log debug +npt -svm", "level debug; areas: +hv -svm -tlb +npt -nested");
	assert_int_equal(F.level, 3);
	assert_int_equal(F.areas, 0x9);
	RUN("log 4 none +nested", "level trace; areas: -hv -svm -tlb -npt +nested");
	RUN("log all", "+hv +svm +tlb +npt +nested");
	assert_int_equal(F.areas, 0x1f);
	RUN("trace 1", "vCPU 1: last 16 exits, oldest first",
	    "  00000000000003e8 L1 rip 0000000000001000 cpuid              0 0");
	RUN("trace 1 64", "last 20 exits");
	RUN("nmi 1", "NMI queued for vCPU 1");
}

static void test_exit_names(void **state)
{
	char b[32];

	assert_string_equal(mon_exit_name(0x00, b, sizeof(b)), "cr0_read");
	assert_string_equal(mon_exit_name(0x13, b, sizeof(b)), "cr3_write");
	assert_string_equal(mon_exit_name(0x27, b, sizeof(b)), "dr7_read");
	assert_string_equal(mon_exit_name(0x4e, b, sizeof(b)), "excp_PF");
	assert_string_equal(mon_exit_name(VMEXIT_VMRUN, b, sizeof(b)), "vmrun");
	assert_string_equal(mon_exit_name(VMEXIT_INVPCID, b, sizeof(b)), "invpcid");
	assert_string_equal(mon_exit_name(0x90, b, sizeof(b)), "exit_90");
	assert_string_equal(mon_exit_name(VMEXIT_NPF, b, sizeof(b)), "npf");
	assert_string_equal(mon_exit_name(VMEXIT_INVALID, b, sizeof(b)), "invalid");
	assert_string_equal(mon_exit_name(0x12345, b, sizeof(b)), "exit_12345");
}

/* A build without any hypervisor callbacks: every command says so, none crashes. */
static void test_no_ops(void **state)
{
	static const struct mon_ops bare = { .put = put };
	static const char *const lines[] = {
		"vcpus", "vmcb 0", "exits", "tlb", "npt 0", "gva 0 0", "mem 0", "vmem 0 0 1",
		"log", "trace 0", "nmi 0", "reset yes",
	};
	size_t i;

	mon_init(&M, &bare, NULL);
	for (i = 0; i < sizeof(lines) / sizeof(lines[0]); i++) {
		F.len = 0;
		assert_int_equal(mon_exec(&M, lines[i]), MON_STAY);
		if (!strstr(F.out, "not available") && !strstr(F.out, "no vCPU"))
			fail_msg("'%s': %s", lines[i], F.out);
	}
}

#define T_(f) cmocka_unit_test_setup(f, setup)

int main(void)
{
	const struct CMUnitTest tests[] = {
		T_(test_editor), T_(test_leave_and_gdb), T_(test_bad_commands), T_(test_help),
		T_(test_vcpus_and_vmcb), T_(test_exits), T_(test_tlb_npt_gva), T_(test_mem),
		T_(test_log_trace_nmi), T_(test_exit_names), T_(test_no_ops),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
