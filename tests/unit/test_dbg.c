/* SPDX-License-Identifier: MIT */
/*
 * The debugger's glue (hv/dbg/) on the host harness, and its pure pieces:
 * MOV DR decoding, the symbol table lookup; then, on a fake svmhv with the
 * monitor on COM1: the guest's UART accesses (IOIO) emulated, the monitor's
 * commands on the real vCPU state, the exit trace, stopping a vCPU
 * (HV_REQ_STOP parks it in hv_run_prepare), the guest's own INT3 and #DB
 * reflected, gdb's INT3 recognised, MOV DR emulated while gdb owns DR0-3.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <string.h>

#include "hv/console.h"
#include "hv/dbg/dbg_int.h"
#include "hv/dbg/movdr.h"
#include "hv/dbg/symtab.h"
#include "svm/atomic.h"
#include "svm/msrpm.h"
#include "tests/harness/harness.h"

/* ---- MOV DR decoding ------------------------------------------------------------------ */

static void test_movdr(void **state)
{
	struct movdr m;

	(void)state;
	/* mov %rax, %dr7 (0f 23 f8): DR7 <- rax */
	assert_int_equal(dbg_decode_movdr((const uint8_t *)"\x0f\x23\xf8", 3, true, &m), 0);
	assert_int_equal(m.dr, 7);
	assert_int_equal(m.gpr, 0);
	assert_true(m.to_dr);
	assert_int_equal(m.len, 3);
	/* mov %dr3, %r9 (41 0f 21 d9) */
	assert_int_equal(dbg_decode_movdr((const uint8_t *)"\x41\x0f\x21\xd9", 4, true, &m), 0);
	assert_int_equal(m.dr, 3);
	assert_int_equal(m.gpr, 9);
	assert_false(m.to_dr);
	assert_int_equal(m.len, 4);
	/* legacy prefixes first; mod bits are ignored */
	assert_int_equal(dbg_decode_movdr((const uint8_t *)"\x66\x2e\x0f\x23\x0a", 5, true, &m), 0);
	assert_int_equal(m.dr, 1);
	assert_int_equal(m.gpr, 2);
	assert_int_equal(m.len, 5);
	/* outside 64-bit mode 0x41 is not REX (it is INC ecx): not a MOV DR */
	assert_int_equal(dbg_decode_movdr((const uint8_t *)"\x41\x0f\x21\xd9", 4, false, &m), -1);
	/* REX.R: DR8-15 do not exist; other opcodes; too short */
	assert_int_equal(dbg_decode_movdr((const uint8_t *)"\x44\x0f\x23\xc0", 4, true, &m), -1);
	assert_int_equal(dbg_decode_movdr((const uint8_t *)"\x0f\x22\xd8", 3, true, &m), -1);
	assert_int_equal(dbg_decode_movdr((const uint8_t *)"\x0f\x23", 2, true, &m), -1);
	assert_int_equal(dbg_decode_movdr((const uint8_t *)"", 0, true, &m), -1);
}

/* ---- the symbol table ------------------------------------------------------------------ */

static struct {
	struct symtab t;
	struct symtab_entry e[3];
	char names[32];
} tab = {
	{ SYMTAB_MAGIC, 3 },
	{ { 0x1000, 40 }, { 0x1100, 46 }, { 0x1200, 52 } },
	"alpha\0bravo\0charl",      /* the last name runs off the table */
};

static void test_symtab(void **state)
{
	uint64_t d = 99;

	(void)state;
	_Static_assert(offsetof(__typeof__(tab), names) == 32, "names at 32");
	tab.e[0].name = 32;
	tab.e[1].name = 38;
	tab.e[2].name = 44;
	assert_null(symtab_lookup(&tab.t, sizeof(tab), 0xfff, &d));
	assert_string_equal(symtab_lookup(&tab.t, sizeof(tab), 0x1000, &d), "alpha");
	assert_int_equal(d, 0);
	assert_string_equal(symtab_lookup(&tab.t, sizeof(tab), 0x10ff, &d), "alpha");
	assert_int_equal(d, 0xff);
	assert_string_equal(symtab_lookup(&tab.t, sizeof(tab), 0x1100, &d), "bravo");
	assert_int_equal(d, 0);
	assert_string_equal(symtab_lookup(&tab.t, sizeof(tab), 0x1234, &d), "charl");
	/* a table cut inside "charl": no NUL before its end, refused, never read past */
	assert_null(symtab_lookup(&tab.t, 47, 0x1234, &d));
	assert_null(symtab_lookup(&tab.t, 44, 0x1234, &d));
	/* a bad magic, a count beyond the size, a name offset inside the entries */
	tab.t.magic = 0;
	assert_null(symtab_lookup(&tab.t, sizeof(tab), 0x1000, &d));
	tab.t.magic = SYMTAB_MAGIC;
	tab.t.count = 1000;
	assert_null(symtab_lookup(&tab.t, sizeof(tab), 0x1000, &d));
	tab.t.count = 3;
	tab.e[0].name = 4;
	assert_null(symtab_lookup(&tab.t, sizeof(tab), 0x1000, &d));
	assert_null(symtab_lookup(NULL, 0, 0x1000, &d));
}

/* ---- the glue on the harness ----------------------------------------------------------------- */

static struct vcpu *vcpu(unsigned i)
{
	return hv.vcpus[i];
}

static int with_monitor(void **s)
{
	struct harness_config c = { .ncpu = 2, .monitor = true };

	(void)s;
	assert_int_equal(harness_init(&c), 0);
	for (unsigned i = 0; i < 2; i++)
		assert_true(harness_prepare(i));
	fake.console_len = 0;
	return 0;
}

/* Instruction bytes at vCPU i's RIP, in a fresh page of guest RAM. */
static uint64_t code(unsigned i, const char *bytes, size_t len)
{
	uint8_t *p = harness_page();

	memcpy(p, bytes, len);
	vcpu(i)->vmcb->save.rip = harness_pa(p);
	return harness_pa(p);
}

/* IN AL, DX (EC) at port: IOIO exit, EXITINFO2 = next RIP. */
static uint8_t guest_inb(unsigned i, uint16_t port)
{
	uint64_t rip = code(i, "\xec", 1);

	vcpu(i)->vmcb->save.rax = 0x1234567800ull;
	harness_exit(i, VMEXIT_IOIO, (uint64_t)port << 16 | 0x10 | 1, rip + 1, 1);
	assert_int_equal(vcpu(i)->vmcb->save.rip, rip + 1);
	assert_int_equal(vcpu(i)->vmcb->save.rax >> 8, 0x12345678);  /* only AL changes */
	return (uint8_t)vcpu(i)->vmcb->save.rax;
}

static void test_uart_intercepted(void **state)
{
	(void)state;
	assert_true(dbg.enabled);
	assert_true(vmcb_is_intercept(&vcpu(0)->vmcb01->control, INTERCEPT_IOIO_PROT));
	assert_true(svm_iopm_intercepted((const uint8_t *)(uintptr_t)hv.iopm_pa, 0x3f8, 1));
	assert_true(svm_iopm_intercepted((const uint8_t *)(uintptr_t)hv.iopm_pa, 0x3ff, 1));
	assert_false(svm_iopm_intercepted((const uint8_t *)(uintptr_t)hv.iopm_pa, 0x2f8, 1));
	assert_false(svm_iopm_intercepted((const uint8_t *)(uintptr_t)hv.iopm_pa, 0x61, 1));
	/* The fake UART is idle: LSR says THR empty, no data (the guest's view). */
	assert_int_equal(guest_inb(0, 0x3fd), UART_LSR_THRE | UART_LSR_TEMT);
	/* OUT DX, AL to THR reaches the UART (the fake records it). */
	vcpu(1)->vmcb->save.rax = 'Q';
	harness_exit(1, VMEXIT_IOIO, (uint64_t)0x3f8 << 16 | 0x10, code(1, "\xee", 1) + 1, 1);
	assert_int_equal(fake.console[fake.console_len - 1], 'Q');
}

/* The monitor's commands on the real vCPUs, output on the line (the fake COM1). */
static void test_monitor_commands(void **state)
{
	(void)state;
	for (int k = 0; k < 5; k++)
		harness_exit(1, VMEXIT_CPUID, 0, 0, 2);
	fake.console_len = 0;
	mon_exec(&dbg.mon, "vcpus");
	assert_non_null(strstr(fake.console, "   0     0  L1      0"));
	assert_non_null(strstr(fake.console, "   1     1  L1      0"));
	fake.console_len = 0;
	mon_exec(&dbg.mon, "vmcb 1");
	assert_non_null(strstr(fake.console, "vCPU 1 vmcb01:"));
	fake.console_len = 0;
	mon_exec(&dbg.mon, "trace 1 3");
	assert_non_null(strstr(fake.console, "vCPU 1: last 3 exits, oldest first"));
	assert_non_null(strstr(fake.console, " cpuid "));
	fake.console_len = 0;
	mon_exec(&dbg.mon, "exits 1");
	assert_non_null(strstr(fake.console, "cpuid"));
	fake.console_len = 0;
	mon_exec(&dbg.mon, "gva 0 1000");     /* 1:1 tables of the harness */
	assert_non_null(strstr(fake.console, "-> 1000 ("));
	fake.console_len = 0;
	mon_exec(&dbg.mon, "log debug -tlb");
	assert_int_equal(hv_console_level(), LOG_DEBUG);
	assert_false(hv_console_areas() & (1u << 9));  /* tlb */
	mon_exec(&dbg.mon, "log warn all");
	/* nmi: the vCPU's next read of port 0x61 shows IOCHK, once */
	fake.console_len = 0;
	mon_exec(&dbg.mon, "nmi 1");
	assert_non_null(strstr(fake.console, "NMI queued for vCPU 1"));
	assert_true(svm_iopm_intercepted((const uint8_t *)(uintptr_t)hv.iopm_pa, 0x61, 1));
	assert_int_equal(guest_inb(0, 0x61) & NMI_REASON_IOCHK, 0);     /* not vCPU 0 */
	assert_int_equal(guest_inb(1, 0x61) & NMI_REASON_IOCHK, NMI_REASON_IOCHK);
	assert_false(svm_iopm_intercepted((const uint8_t *)(uintptr_t)hv.iopm_pa, 0x61, 1));
}

static void let_go(void *arg)
{
	unsigned *i = arg;

	svm_atomic_store(&dbg_vcpus[*i].run, GDB_RUN_CONT, __ATOMIC_SEQ_CST);
}

/* HV_REQ_STOP: the vCPU parks in hv_run_prepare until the debugger lets it go. */
static void test_park(void **state)
{
	static unsigned one = 1;

	(void)state;
	dbg.stop_gen = 7;
	dbg_vcpus[1].run = GDB_RUN_STOP;
	dbg_vcpus[1].nmi = true;
	fake.relax = let_go;
	fake.arg = &one;
	vcpu(1)->requests |= HV_REQ_STOP;
	assert_true(harness_prepare(1));
	fake.relax = NULL;
	assert_int_equal(dbg_vcpus[1].parked_gen, 7);
	assert_false(dbg_vcpus[1].nmi);         /* the queued NMI went to the guest */
	assert_int_equal(vcpu(1)->vmcb->control.event_inj & SVM_EVTINJ_VALID, SVM_EVTINJ_VALID);
}

/* The guest's own INT3 (no gdb): its #BP, past the instruction. QEMU's INTn form too. */
static void test_guest_int3(void **state)
{
	uint64_t rip;

	(void)state;
	rip = code(0, "\xcc\x90", 2);
	harness_exit(0, VMEXIT_EXCP_BASE + VEC_BP, 0, 0, 1);
	assert_int_equal(vcpu(0)->vmcb->save.rip, rip + 1);
	assert_int_equal(vcpu(0)->vmcb->control.event_inj,
			 VEC_BP | SVM_EVTINJ_TYPE_EXEPT | SVM_EVTINJ_VALID);
	rip = code(0, "\xcd\x80", 2);
	harness_exit(0, VMEXIT_SWINT, 0, 0, 2);
	assert_int_equal(vcpu(0)->vmcb->save.rip, rip + 2);
	assert_int_equal(vcpu(0)->vmcb->control.event_inj,
			 0x80 | SVM_EVTINJ_TYPE_SOFT | SVM_EVTINJ_VALID);
	/* A byte that is no longer an INT3 (gdb removed it meanwhile): run it again. */
	vcpu(0)->vmcb->control.event_inj = 0;   /* the VMRUN took the last one */
	rip = code(0, "\x55", 1);
	harness_exit(0, VMEXIT_EXCP_BASE + VEC_BP, 0, 0, 1);
	assert_int_equal(vcpu(0)->vmcb->save.rip, rip);
	assert_int_equal(vcpu(0)->vmcb->control.event_inj & SVM_EVTINJ_VALID, 0);
}

/* gdb's INT3 is recognised; with gdb attached the stop would open the loop. */
static void test_gdb_int3_known(void **state)
{
	uint64_t rip = code(0, "\x90", 1);

	(void)state;
	dbg.mode = DBG_LINE_GDB;
	dbg.stub.bps.sw[0] = (struct gdb_sw_bp){ .addr = rip, .orig = 0x90, .used = true };
	assert_true(gdb_stub_is_sw_break(&dbg.stub, rip));
	dbg_gdb_prepare(vcpu(0), GDB_RUN_CONT);
	assert_true(vcpu(0)->vmcb01->control.intercept_exceptions & (1u << VEC_BP));
	assert_true(vmcb_is_intercept(&vcpu(0)->vmcb01->control, INTERCEPT_INTN));
	dbg.stub.bps.sw[0].used = false;
	dbg.mode = DBG_LINE_GUEST;
	dbg_gdb_prepare(vcpu(0), GDB_RUN_CONT);
	assert_false(vcpu(0)->vmcb01->control.intercept_exceptions & (1u << VEC_BP));
	assert_false(vmcb_is_intercept(&vcpu(0)->vmcb01->control, INTERCEPT_INTN));
}

/* #DB not gdb's: reflected; gdb's DR0-3 in, the guest's MOV DR works on its saved copy. */
static void test_debug_registers(void **state)
{
	struct gdb_hw_debug hw = { .dr = { 0xffffffff81000000ull }, .dr7 = 0x401 };
	struct vcpu *v = vcpu(0);
	uint64_t rip;

	(void)state;
	v->vmcb->save.dr6 = 0xffff0ff1;         /* B0, but gdb has nothing loaded */
	harness_exit(0, VMEXIT_EXCP_BASE + VEC_DB, 0, 0, 0);
	assert_int_equal(v->vmcb->control.event_inj, VEC_DB | SVM_EVTINJ_TYPE_EXEPT | SVM_EVTINJ_VALID);
	fake.dr[0][0] = 0x5000;                 /* the guest's own DR0 */
	v->vmcb01->save.dr7 = 0x402;
	dbg_gdb_ops.set_hw_debug(NULL, &hw);
	harness_on_cpu(0, dbg_hw_load(v));
	assert_int_equal(fake.dr[0][0], 0xffffffff81000000ull);
	assert_int_equal(v->vmcb01->save.dr7, 0x401);
	assert_int_equal(v->vmcb01->control.intercept_dr & 0x00890089u, 0x00890089u);
	/* mov %dr0, %rbx reads the guest's 0x5000; mov %rcx, %dr7 keeps 0x455 aside */
	rip = code(0, "\x0f\x21\xc3", 3);
	harness_exit(0, VMEXIT_DR0_READ, 0, 0, 3);
	assert_int_equal(v->world.regs.rbx, 0x5000);
	assert_int_equal(v->vmcb->save.rip, rip + 3);
	v->world.regs.rcx = 0x455;
	code(0, "\x0f\x23\xf9", 3);
	harness_exit(0, VMEXIT_DR0_WRITE + 7, 0, 0, 3);
	assert_int_equal(dbg_vcpus[0].guest_dr7, 0x455);
	assert_int_equal(v->vmcb01->save.dr7, 0x401);
	/* a MOV DR that is not what the exit says: #UD */
	code(0, "\x0f\x21\xc3", 3);
	harness_exit(0, VMEXIT_DR0_WRITE + 1, 0, 0, 3);
	assert_int_equal(v->vmcb->control.event_inj, VEC_UD | SVM_EVTINJ_TYPE_EXEPT | SVM_EVTINJ_VALID);
	/* gdb removes them: the guest's come back, no more DR intercepts */
	hw = (struct gdb_hw_debug){ .dr7 = 0x400 };
	dbg_gdb_ops.set_hw_debug(NULL, &hw);
	harness_on_cpu(0, dbg_hw_load(v));
	assert_int_equal(fake.dr[0][0], 0x5000);
	assert_int_equal(v->vmcb01->save.dr7, 0x455);
	assert_int_equal(v->vmcb01->control.intercept_dr & 0x00890089u, 0);
}

/* gdb's memory access: through the guest's tables, writes past its protections. */
static void test_gdb_memory(void **state)
{
	uint8_t *p = harness_page(), buf[4];

	(void)state;
	memcpy(p, "\x11\x22\x33\x44", 4);
	assert_int_equal(dbg_gdb_ops.read_mem(NULL, 0, harness_pa(p), buf, 4), 4);
	assert_memory_equal(buf, "\x11\x22\x33\x44", 4);
	assert_int_equal(dbg_gdb_ops.write_mem(NULL, 1, harness_pa(p) + 1, "\xcc", 1), 1);
	assert_int_equal(p[1], 0xcc);
	/* svmhv's own memory stays out of reach */
	assert_int_equal(dbg_gdb_ops.read_mem(NULL, 0, HARNESS_POOL_PA, buf, 4), 0);
	assert_int_equal(dbg_gdb_ops.write_mem(NULL, 0, HARNESS_POOL_PA, "x", 1), 0);
}

/* While another CPU would run: vCPU 1 parks when the master asks it to. */
static void park_vcpu1(void *arg)
{
	(void)arg;
	if (svm_atomic_load(&dbg_vcpus[1].run, __ATOMIC_SEQ_CST) == GDB_RUN_STOP)
		svm_atomic_store(&dbg_vcpus[1].parked_gen, dbg.stop_gen, __ATOMIC_SEQ_CST);
}

/*
 * A whole session on the line, on vCPU 0's UART exit: the escape opens the
 * monitor (vCPU 1 is stopped), "gdb" hands the line to the stub, gdb asks
 * why it stopped, the escape between packets brings the monitor back (the
 * stub detached), "continue" resumes everything and gives the line back.
 */
static void test_session(void **state)
{
	static const char line[] = "ab\x1c\x1cvcpus\rgdb\r+$?#3f\x1c\x1c"
				   "help vcpus\rcontinue\rzz";
	enum suart_event ev;

	(void)state;
	fake.rx = line;
	fake.rx_len = sizeof(line) - 1;
	fake.relax = park_vcpu1;
	assert_int_equal(guest_inb(0, 0x3fd) & UART_LSR_DR, UART_LSR_DR);  /* "ab" first */
	fake.relax = NULL;
	assert_int_equal(dbg.mode, DBG_LINE_GUEST);
	assert_int_equal(dbg.master, 0);
	assert_int_equal(dbg.stop_gen, 1);
	assert_non_null(strstr(fake.console, "svmhv monitor: all vCPUs stopped"));
	assert_non_null(strstr(fake.console, "   1     1  L1      0"));
	assert_non_null(strstr(fake.console, "GDB stub's"));
	assert_non_null(strstr(fake.console, "$T05thread:1;#"));       /* gdb's '?' */
	assert_non_null(strstr(fake.console, "$OK#9a"));               /* the stub detached */
	assert_non_null(strstr(strstr(fake.console, "$OK#9a"), "svmhv monitor: all vCPUs"));
	assert_non_null(strstr(fake.console, "help vcpus\r\nvcpus"));
	assert_non_null(strstr(fake.console, "resuming the guest"));
	assert_int_equal(dbg_vcpus[1].run, GDB_RUN_CONT);
	/* The guest's bytes: those before the escape, and those after "continue". */
	assert_int_equal(guest_inb(0, 0x3f8), 'a');
	assert_int_equal(guest_inb(0, 0x3f8), 'b');
	assert_int_equal(suart_guest_in(&dbg.shared, UART_RBR, 0, &ev), 'z');
	assert_int_equal(suart_guest_in(&dbg.shared, UART_RBR, 0, &ev), 'z');
	assert_int_equal(suart_guest_in(&dbg.shared, UART_LSR, 0, &ev) & UART_LSR_DR, 0);
}

/* While an escape byte is held, HLT exits; each one reads the line and goes on. */
static void test_hlt_while_held(void **state)
{
	struct vmcb_control *c = &vcpu(0)->vmcb01->control;
	uint64_t rip;

	(void)state;
	assert_false(vmcb_is_intercept(c, INTERCEPT_HLT));
	dbg.shared.esc.held = 1;
	assert_true(harness_prepare(0));
	assert_true(vmcb_is_intercept(c, INTERCEPT_HLT));
	rip = code(0, "\xf4", 1);
	harness_exit(0, VMEXIT_HLT, 0, 0, 1);
	assert_int_equal(vcpu(0)->vmcb->save.rip, rip + 1);
	dbg.shared.esc.held = 0;
	assert_true(harness_prepare(0));
	assert_false(vmcb_is_intercept(c, INTERCEPT_HLT));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_movdr),
		cmocka_unit_test(test_symtab),
		cmocka_unit_test_setup(test_uart_intercepted, with_monitor),
		cmocka_unit_test_setup(test_monitor_commands, with_monitor),
		cmocka_unit_test_setup(test_park, with_monitor),
		cmocka_unit_test_setup(test_guest_int3, with_monitor),
		cmocka_unit_test_setup(test_gdb_int3_known, with_monitor),
		cmocka_unit_test_setup(test_debug_registers, with_monitor),
		cmocka_unit_test_setup(test_gdb_memory, with_monitor),
		cmocka_unit_test_setup(test_session, with_monitor),
		cmocka_unit_test_setup(test_hlt_while_held, with_monitor),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
