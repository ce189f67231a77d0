/* SPDX-License-Identifier: MIT */
/*
 * Guest stores to the write-protected xAPIC page through svmhv's real exit
 * path on the host harness (issue 16, "xAPIC read-modify-write stores"): OR,
 * AND, BTR, CMPXCHG and XCHG on APIC registers read the register, store the
 * result and set the guest's flags and registers as the CPU would; the
 * instruction bytes come from the VMCB's decode assists on a CPU that has
 * them (real AMD parts; QEMU TCG has none), from guest memory otherwise or
 * when the VMCB's bytes do not hold the instruction.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <string.h>

#include "hv/apic/apic.h"
#include "svm/svm.h"
#include "tests/harness/harness.h"

#define TCG_CPU         (SVM_FEATURE_NPT | SVM_FEATURE_VGIF)
#define EXC(vec)        ((vec) | SVM_EVTINJ_TYPE_EXEPT | SVM_EVTINJ_VALID)
#define FL_CF           0x001ull
#define FL_PF           0x004ull
#define FL_ZF           0x040ull
#define FL_OF           0x800ull
#define NPF_WRITE_INFO  (NPF_P | NPF_WRITE | NPF_FINAL_GPA)

/* lock orl $0x10000,0x370(%rbx): set the LVT error mask (11 bytes). */
static const uint8_t lock_or[] = { 0xf0, 0x81, 0x8b, 0x70, 0x03, 0x00, 0x00,
				   0x00, 0x00, 0x01, 0x00 };
/* movl $0x3f,0x80(%rbx): TPR = 0x3f (10 bytes). */
static const uint8_t mov_tpr[] = { 0xc7, 0x83, 0x80, 0x00, 0x00, 0x00, 0x3f, 0x00, 0x00, 0x00 };

static struct vcpu *vcpu(unsigned i)
{
	return hv.vcpus[i];
}

static void init(uint32_t svm_edx)
{
	struct harness_config c = { .ncpu = 1 };

	c.cpu = fake_cpu_tcg();
	c.cpu.svm_edx = svm_edx;
	assert_int_equal(harness_init(&c), 0);
	assert_true(harness_prepare(0));
	vcpu(0)->world.regs.rbx = FAKE_APIC_BASE;
	vcpu(0)->vmcb->control.event_inj = 0;
	fake_console_clear();
}

static int tcg(void **s) { (void)s; init(TCG_CPU); return 0; }
static int assists(void **s) { (void)s; init(TCG_CPU | SVM_FEATURE_DECODE_ASSISTS); return 0; }

static uint32_t *apic_reg(unsigned off)
{
	return &fake.apic_regs[0][off / 16];
}

/* The instruction in a fresh page of guest RAM at RIP; returns that RIP. */
static uint64_t code(const uint8_t *bytes, size_t len)
{
	uint8_t *p = harness_page();

	memcpy(p, bytes, len);
	vcpu(0)->vmcb->save.rip = harness_pa(p);
	return harness_pa(p);
}

/* What the CPU's decode assists would leave in the VMCB (n bytes of insn). */
static void assist_bytes(const uint8_t *insn, size_t n)
{
	struct vmcb_control *c = &vcpu(0)->vmcb->control;

	memset(c->insn_bytes, 0, sizeof(c->insn_bytes));
	memcpy(c->insn_bytes, insn, n);
	c->insn_len = (uint8_t)n;
}

/* A store to APIC offset off; the guest resumes. */
static void store_exit(unsigned off)
{
	assert_true(harness_exit(0, VMEXIT_NPF, NPF_WRITE_INFO, FAKE_APIC_BASE + off, 0));
}

/* LOCK OR sets a bit of a register and keeps the others; flags as OR defines them. */
static void test_lock_or(void **state)
{
	struct vcpu *v = vcpu(0);
	uint64_t rip = code(lock_or, sizeof(lock_or));

	(void)state;
	*apic_reg(APIC_LVT_ERROR) = 0xfe;
	v->vmcb->save.rflags = 0x2 | FL_CF | FL_OF | FL_ZF;
	store_exit(APIC_LVT_ERROR);
	assert_int_equal(*apic_reg(APIC_LVT_ERROR), 0x100fe);
	assert_int_equal(v->vmcb->save.rip, rip + sizeof(lock_or));
	assert_int_equal(v->vmcb->save.rflags, 0x2);   /* CF, OF, ZF clear; 0xfe: odd parity */
	assert_int_equal(v->vmcb->control.event_inj, 0);
}

/* andl $-16,0x80(%rbx) (83 /4 ib): TPR 0x35 -> 0x30. */
static void test_and_tpr(void **state)
{
	static const uint8_t and[] = { 0x83, 0xa3, 0x80, 0x00, 0x00, 0x00, 0xf0 };
	struct vcpu *v = vcpu(0);

	(void)state;
	code(and, sizeof(and));
	*apic_reg(APIC_TPR) = 0x35;
	store_exit(APIC_TPR);
	assert_int_equal(*apic_reg(APIC_TPR), 0x30);
	assert_int_equal(v->vmcb->save.rflags & (FL_ZF | FL_PF), FL_PF);
}

/* btrl $16,0x370(%rbx): the mask bit cleared, its old value in CF. */
static void test_btr(void **state)
{
	static const uint8_t btr[] = { 0x0f, 0xba, 0xb3, 0x70, 0x03, 0x00, 0x00, 0x10 };
	struct vcpu *v = vcpu(0);

	(void)state;
	code(btr, sizeof(btr));
	*apic_reg(APIC_LVT_ERROR) = 0x100fe;
	v->vmcb->save.rflags = 0x2;
	store_exit(APIC_LVT_ERROR);
	assert_int_equal(*apic_reg(APIC_LVT_ERROR), 0xfe);
	assert_int_equal(v->vmcb->save.rflags, 0x2 | FL_CF);
}

/* lock cmpxchg %ecx,0x80(%rbx): stores when EAX matches, else loads EAX. */
static void test_cmpxchg(void **state)
{
	static const uint8_t cx[] = { 0xf0, 0x0f, 0xb1, 0x8b, 0x80, 0x00, 0x00, 0x00 };
	struct vcpu *v = vcpu(0);

	(void)state;
	code(cx, sizeof(cx));
	*apic_reg(APIC_TPR) = 0x20;
	v->vmcb->save.rax = 0x20;
	v->world.regs.rcx = 0x40;
	store_exit(APIC_TPR);
	assert_int_equal(*apic_reg(APIC_TPR), 0x40);
	assert_true(v->vmcb->save.rflags & FL_ZF);
	code(cx, sizeof(cx));
	v->vmcb->save.rax = 0xffffffff00000020ull;
	store_exit(APIC_TPR);
	assert_int_equal(*apic_reg(APIC_TPR), 0x40);
	assert_int_equal(v->vmcb->save.rax, 0x40);      /* EAX loaded, zero-extended */
	assert_false(v->vmcb->save.rflags & FL_ZF);
}

/* xchg %edx,0x80(%rbx): the old TPR in EDX. */
static void test_xchg(void **state)
{
	static const uint8_t xchg[] = { 0x87, 0x93, 0x80, 0x00, 0x00, 0x00 };
	struct vcpu *v = vcpu(0);

	(void)state;
	code(xchg, sizeof(xchg));
	*apic_reg(APIC_TPR) = 0x10;
	v->world.regs.rdx = 0xabcdef0000000050ull;
	store_exit(APIC_TPR);
	assert_int_equal(*apic_reg(APIC_TPR), 0x50);
	assert_int_equal(v->world.regs.rdx, 0x10);
}

/* Not 32 bits: dropped with a warning naming the operation, the guest goes on. */
static void test_word_or_dropped(void **state)
{
	static const uint8_t orw[] = { 0x66, 0x83, 0x8b, 0x80, 0x00, 0x00, 0x00, 0x01 };
	uint64_t rip = code(orw, sizeof(orw));

	(void)state;
	*apic_reg(APIC_TPR) = 0x10;
	store_exit(APIC_TPR);
	assert_int_equal(*apic_reg(APIC_TPR), 0x10);
	assert_int_equal(vcpu(0)->vmcb->save.rip, rip + sizeof(orw));
	assert_true(fake_console_has("2-byte OR to APIC offset 80 dropped"));
}

/* A form svmhv does not emulate (a shift): a warning and #UD, RIP unchanged. */
static void test_shift_ud(void **state)
{
	static const uint8_t shl[] = { 0xd1, 0xa3, 0x80, 0x00, 0x00, 0x00 };
	uint64_t rip = code(shl, sizeof(shl));

	(void)state;
	store_exit(APIC_TPR);
	assert_int_equal(vcpu(0)->vmcb->control.event_inj, EXC(VEC_UD));
	assert_int_equal(vcpu(0)->vmcb->save.rip, rip);
	assert_true(fake_console_has("not emulated (unsupported MMIO store instruction): #UD"));
}

/*
 * Decode assists: the VMCB's bytes are used, not guest memory (which holds
 * UD2 here, as if another CPU had changed the page since).
 */
static void test_assists_used(void **state)
{
	static const uint8_t ud2[] = { 0x0f, 0x0b };
	uint64_t rip = code(ud2, sizeof(ud2));

	(void)state;
	assist_bytes(lock_or, sizeof(lock_or));
	*apic_reg(APIC_LVT_ERROR) = 0xfe;
	store_exit(APIC_LVT_ERROR);
	assert_int_equal(*apic_reg(APIC_LVT_ERROR), 0x100fe);
	assert_int_equal(vcpu(0)->vmcb->save.rip, rip + sizeof(lock_or));
	assert_int_equal(vcpu(0)->vmcb->control.event_inj, 0);
}

/* No bytes (a failed fetch, AMD erratum 1096) or too few: guest memory. */
static void test_assists_fallback(void **state)
{
	uint64_t rip = code(mov_tpr, sizeof(mov_tpr));

	(void)state;
	assist_bytes(lock_or, 0);
	store_exit(APIC_TPR);
	assert_int_equal(*apic_reg(APIC_TPR), 0x3f);
	assert_int_equal(vcpu(0)->vmcb->save.rip, rip + sizeof(mov_tpr));
	rip = code(lock_or, sizeof(lock_or));
	assist_bytes(lock_or, 5);                       /* cut: not a whole instruction */
	*apic_reg(APIC_LVT_ERROR) = 0;
	store_exit(APIC_LVT_ERROR);
	assert_int_equal(*apic_reg(APIC_LVT_ERROR), 0x10000);
	assert_int_equal(vcpu(0)->vmcb->save.rip, rip + sizeof(lock_or));
}

/* Without decode assists (QEMU TCG) the VMCB's bytes mean nothing. */
static void test_no_assists_ignored(void **state)
{
	uint64_t rip = code(mov_tpr, sizeof(mov_tpr));

	(void)state;
	assist_bytes(lock_or, sizeof(lock_or));
	*apic_reg(APIC_TPR) = 0;
	*apic_reg(APIC_LVT_ERROR) = 0;
	store_exit(APIC_TPR);
	assert_int_equal(*apic_reg(APIC_TPR), 0x3f);
	assert_int_equal(*apic_reg(APIC_LVT_ERROR), 0);
	assert_int_equal(vcpu(0)->vmcb->save.rip, rip + sizeof(mov_tpr));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(test_lock_or, tcg),
		cmocka_unit_test_setup(test_and_tpr, tcg),
		cmocka_unit_test_setup(test_btr, tcg),
		cmocka_unit_test_setup(test_cmpxchg, tcg),
		cmocka_unit_test_setup(test_xchg, tcg),
		cmocka_unit_test_setup(test_word_or_dropped, tcg),
		cmocka_unit_test_setup(test_shift_ud, tcg),
		cmocka_unit_test_setup(test_assists_used, assists),
		cmocka_unit_test_setup(test_assists_fallback, assists),
		cmocka_unit_test_setup(test_no_assists_ignored, tcg),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
