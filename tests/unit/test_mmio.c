/* SPDX-License-Identifier: MIT */
/*
 * Host unit tests for hv/insn/store.c, the MMIO store decoder.
 *
 * Encodings were produced with GNU binutils 2.40: `as` (--64, --32, and
 * .code16) then `objdump -d --insn-width=16` (-m i8086 for 16-bit); the
 * objdump text is the comment of each entry. Entries marked "hand:" are
 * byte sequences objdump does not show as one instruction (a REX prefix
 * cancelled by a later legacy prefix, #UD forms); their expected result
 * comes from the manuals cited in hv/insn/store.c.
 *
 * The register file is gprs[i] = F0E0D0C0B0A09080h + i * 0101010101010101h,
 * so every register and byte is distinct: RAX = F0E0D0C0B0A09080h (AH = 90h),
 * RDX = F2E2D2C2B2A29282h (DH = 92h), R15 = FFEFDFCFBFAF9F8Fh.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "hv/insn/store.h"

#define M16     HV_INSN_MODE_16
#define M32     HV_INSN_MODE_32
#define M64     HV_INSN_MODE_64
#define UNSUP   HV_MMIO_EUNSUPPORTED
#define INVAL   HV_MMIO_EINVALID

struct store_case {
	enum hv_insn_mode mode;
	size_t n;
	const char *bytes;
	int rc;
	uint8_t len, width, reg;
	bool high, is_imm;
	uint8_t op;             /* enum hv_mmio_op */
	uint64_t imm;           /* sign-extended immediate */
	uint64_t value;         /* hv_mmio_store_value() with the register file above */
};

#define B(s)    sizeof(s) - 1, s
/* Register source, high-byte register, XCHG, immediate, refused. */
#define R(m, s, l, w, r, v)     { m, B(s), 0, l, w, r, false, false, HV_MMIO_MOV, 0, v }
#define H(m, s, l, r, v)        { m, B(s), 0, l, 1, r, true, false, HV_MMIO_MOV, 0, v }
#define X(m, s, l, w, r, h, v)  { m, B(s), 0, l, w, r, h, false, HV_MMIO_XCHG, 0, v }
#define I(m, s, l, w, i, v)     { m, B(s), 0, l, w, 0, false, true, HV_MMIO_MOV, i, v }
#define A(m, s, l, w, o, i, v)  { m, B(s), 0, l, w, 0, false, true, o, i, v }
#define E(m, s, rc, l)          { m, B(s), rc, l, 0, 0, false, false, HV_MMIO_MOV, 0, 0 }

static const struct store_case cases[] = {
	/* Linux native_apic_mem_write() and OVMF MmioWrite32() shapes. */
	R(M64, "\x89\x02", 2, 4, HV_GPR_RAX, 0xb0a09080), /* mov %eax,(%rdx) */
	R(M64, "\x89\x11", 2, 4, HV_GPR_RDX, 0xb2a29282), /* mov %edx,(%rcx) */
	R(M64, "\x89\xb0\x00\x03\x00\x00", 6, 4, HV_GPR_RSI, 0xb6a69686), /* mov %esi,0x300(%rax) */
	R(M64, "\x89\x3d\x00\xf0\xff\xff", 6, 4, HV_GPR_RDI, 0xb7a79787), /* mov %edi,-0x1000(%rip) */
	I(M64, "\xc7\x80\xb0\x00\x00\x00\x00\x00\x00\x00", 10, 4, 0, 0), /* movl $0x0,0xb0(%rax) */
	X(M64, "\x87\x02", 2, 4, HV_GPR_RAX, false, 0xb0a09080), /* xchg %eax,(%rdx) */
	X(M64, "\x87\xb7\xb0\x00\x00\x00", 6, 4, HV_GPR_RSI, false, 0xb6a69686), /* xchg %esi,0xb0(%rdi) */
	R(M64, "\x89\x04\x25\x00\xc3\x5f\xff", 7, 4, HV_GPR_RAX, 0xb0a09080), /* mov %eax,0xffffffffff5fc300 */
	R(M64, "\x89\xb7\x00\xc0\x5f\xff", 6, 4, HV_GPR_RSI, 0xb6a69686), /* mov %esi,-0xa04000(%rdi) */
	R(M64, "\x89\x14\xdd\x00\x03\x00\x00", 7, 4, HV_GPR_RDX, 0xb2a29282), /* mov %edx,0x300(,%rbx,8) */
	I(M64, "\xc7\x80\x00\x03\x00\x00\x00\x45\x0c\x00", 10, 4, 0xc4500, 0xc4500), /* movl $0xc4500,0x300(%rax) */
	/* REX: r8-r15 sources, REX.W. */
	R(M64, "\x44\x89\x80\x00\x03\x00\x00", 7, 4, HV_GPR_R8, 0xb8a89888), /* mov %r8d,0x300(%rax) */
	R(M64, "\x45\x89\x3c\x24", 4, 4, HV_GPR_R15, 0xbfaf9f8f), /* mov %r15d,(%r12) */
	R(M64, "\x4c\x89\x4c\x8c\x08", 5, 8, HV_GPR_R9, 0xf9e9d9c9b9a99989), /* mov %r9,0x8(%rsp,%rcx,4) */
	R(M64, "\x48\x89\x07", 3, 8, HV_GPR_RAX, 0xf0e0d0c0b0a09080), /* mov %rax,(%rdi) */
	/* 66h: 16-bit. */
	R(M64, "\x66\x89\x07", 3, 2, HV_GPR_RAX, 0x9080), /* mov %ax,(%rdi) */
	I(M64, "\x66\xc7\x00\x34\x12", 5, 2, 0x1234, 0x1234), /* movw $0x1234,(%rax) */
	I(M64, "\x66\xc7\x83\x10\x03\x00\x00\xfe\xff", 9, 2, 0xfffffffffffffffe, 0xfffe), /* movw $0xfffe,0x310(%rbx) */
	/* Byte stores: AH..BH without REX, SPL..DIL and r8b.. with one. */
	H(M64, "\x88\x23", 2, HV_GPR_RAX, 0x90), /* mov %ah,(%rbx) */
	H(M64, "\x88\x7d\x10", 3, HV_GPR_RBX, 0x93), /* mov %bh,0x10(%rbp) */
	R(M64, "\x40\x88\x23", 3, 1, HV_GPR_RSP, 0x84), /* mov %spl,(%rbx) */
	R(M64, "\x40\x88\x38", 3, 1, HV_GPR_RDI, 0x87), /* mov %dil,(%rax) */
	R(M64, "\x44\x88\x10", 3, 1, HV_GPR_R10, 0x8a), /* mov %r10b,(%rax) */
	R(M64, "\x88\x03", 2, 1, HV_GPR_RAX, 0x80), /* mov %al,(%rbx) */
	I(M64, "\xc6\x00\x80", 3, 1, 0xffffffffffffff80, 0x80), /* movb $0x80,(%rax) */
	/* Immediates: imm32 sign-extended to 64 bits with REX.W. */
	I(M64, "\x48\xc7\x00\xff\xff\xff\xff", 7, 8, ~0ull, ~0ull), /* movq $0xffffffffffffffff,(%rax) */
	I(M64, "\x48\xc7\x40\x10\xff\xff\xff\x7f", 8, 8, 0x7fffffff, 0x7fffffff), /* movq $0x7fffffff,0x10(%rax) */
	I(M64, "\xc7\x00\x00\x00\x00\x80", 6, 4, 0xffffffff80000000, 0x80000000), /* movl $0x80000000,(%rax) */
	/* MOVNTI. */
	R(M64, "\x0f\xc3\x02", 3, 4, HV_GPR_RAX, 0xb0a09080), /* movnti %eax,(%rdx) */
	R(M64, "\x48\x0f\xc3\x02", 4, 8, HV_GPR_RAX, 0xf0e0d0c0b0a09080), /* movnti %rax,(%rdx) */
	R(M64, "\x4d\x0f\xc3\x9d\x00\x03\x00\x00", 8, 8, HV_GPR_R11, 0xfbebdbcbbbab9b8b), /* movnti %r11,0x300(%r13) */
	/* MOV moffs, AL/rAX with 64- and (67h) 32-bit offsets. */
	R(M64, "\xa3\x00\x03\xe0\xfe\x00\x00\x00\x00", 9, 4, HV_GPR_RAX, 0xb0a09080), /* movabs %eax,0xfee00300 */
	R(M64, "\xa2\xb0\x00\xe0\xfe\x00\x00\x00\x00", 9, 1, HV_GPR_RAX, 0x80), /* movabs %al,0xfee000b0 */
	R(M64, "\x48\xa3\x00\x03\xe0\xfe\x00\x00\x00\x00", 10, 8, HV_GPR_RAX, 0xf0e0d0c0b0a09080), /* movabs %rax,0xfee00300 */
	R(M64, "\x67\xa3\x00\x03\xe0\xfe", 6, 4, HV_GPR_RAX, 0xb0a09080), /* addr32 mov %eax,0xfee00300 */
	/* Other prefixes. */
	R(M64, "\x64\x89\x02", 3, 4, HV_GPR_RAX, 0xb0a09080), /* mov %eax,%fs:(%rdx) */
	X(M64, "\xf0\x87\x02", 3, 4, HV_GPR_RAX, false, 0xb0a09080), /* lock xchg %eax,(%rdx) */
	R(M64, "\xf3\x89\x02", 3, 4, HV_GPR_RAX, 0xb0a09080), /* xrelease mov %eax,(%rdx) */
	R(M64, "\x67\x89\x08", 3, 4, HV_GPR_RCX, 0xb1a19181), /* mov %ecx,(%eax) */
	R(M64, "\x48\x66\x89\x07", 4, 2, HV_GPR_RAX, 0x9080), /* hand: rex.W cancelled by 66h; mov %ax,(%rdi) */
	R(M64, "\x66\x48\x89\x07", 4, 8, HV_GPR_RAX, 0xf0e0d0c0b0a09080), /* data16 mov %rax,(%rdi) */
	H(M64, "\x40\x66\x88\x23", 4, HV_GPR_RAX, 0x90), /* hand: REX cancelled, so mov %ah,(%rbx) */
	/* XCHG widths. */
	X(M64, "\x86\x23", 2, 1, HV_GPR_RAX, true, 0x90), /* xchg %ah,(%rbx) */
	X(M64, "\x66\x87\x03", 3, 2, HV_GPR_RAX, false, 0x9080), /* xchg %ax,(%rbx) */
	X(M64, "\x4c\x87\x20", 3, 8, HV_GPR_R12, false, 0xfcecdcccbcac9c8c), /* xchg %r12,(%rax) */
	X(M64, "\x40\x86\x30", 3, 1, HV_GPR_RSI, false, 0x86), /* xchg %sil,(%rax) */
	/* 32-bit code. */
	R(M32, "\x89\x83\x00\x03\x00\x00", 6, 4, HV_GPR_RAX, 0xb0a09080), /* mov %eax,0x300(%ebx) */
	R(M32, "\x66\x89\x03", 3, 2, HV_GPR_RAX, 0x9080), /* mov %ax,(%ebx) */
	I(M32, "\xc7\x05\x00\x03\xe0\xfe\x00\x45\x0c\x00", 10, 4, 0xc4500, 0xc4500), /* movl $0xc4500,0xfee00300 */
	R(M32, "\xa3\x00\x03\xe0\xfe", 5, 4, HV_GPR_RAX, 0xb0a09080), /* mov %eax,0xfee00300 */
	R(M32, "\xa2\xb0\x00\xe0\xfe", 5, 1, HV_GPR_RAX, 0x80), /* mov %al,0xfee000b0 */
	H(M32, "\x88\x21", 2, HV_GPR_RAX, 0x90), /* mov %ah,(%ecx) */
	R(M32, "\x67\x89\x07", 3, 4, HV_GPR_RAX, 0xb0a09080), /* mov %eax,(%bx) */
	R(M32, "\x0f\xc3\x02", 3, 4, HV_GPR_RAX, 0xb0a09080), /* movnti %eax,(%edx) */
	E(M32, "\x40", UNSUP, 1), /* inc %eax: 40h is no REX outside 64-bit mode */
	/* 16-bit code. */
	R(M16, "\x89\x07", 2, 2, HV_GPR_RAX, 0x9080), /* mov %ax,(%bx) */
	R(M16, "\x66\x89\x07", 3, 4, HV_GPR_RAX, 0xb0a09080), /* mov %eax,(%bx) */
	I(M16, "\xc7\x84\x00\x03\x00\x45", 6, 2, 0x4500, 0x4500), /* movw $0x4500,0x300(%si) */
	R(M16, "\xa3\x00\x03", 3, 2, HV_GPR_RAX, 0x9080), /* mov %ax,0x300 */
	R(M16, "\x66\xa3\x00\x03", 4, 4, HV_GPR_RAX, 0xb0a09080), /* mov %eax,0x300 */
	R(M16, "\x67\x66\x89\x02", 4, 4, HV_GPR_RAX, 0xb0a09080), /* mov %eax,(%edx) */
	H(M16, "\x88\x35", 2, HV_GPR_RDX, 0x92), /* mov %dh,(%di) */
	/* Read-modify-write (more in test_rmw.c): the operation and its source. */
	A(M64, "\x83\x08\x01", 3, 4, HV_MMIO_OR, 1, 1), /* orl $0x1,(%rax) */
	A(M64, "\xf0\x83\x08\x01", 4, 4, HV_MMIO_OR, 1, 1), /* lock orl $0x1,(%rax) */
	A(M64, "\xff\x00", 2, 4, HV_MMIO_INC, 0, 0), /* incl (%rax) */
	A(M64, "\x0f\xba\x28\x01", 4, 4, HV_MMIO_BTS, 1, 1), /* btsl $0x1,(%rax) */
	{ M64, B("\x01\x02"), 0, 2, 4, HV_GPR_RAX, false, false, HV_MMIO_ADD, 0, 0xb0a09080 }, /* add %eax,(%rdx) */
	/* Refused: CMP/TEST/BT (loads), shifts, SETcc, string, vector, register forms. */
	E(M64, "\x83\x38\x01", UNSUP, 3), /* cmpl $0x1,(%rax) */
	E(M64, "\x39\x02", UNSUP, 2), /* cmp %eax,(%rdx) */
	E(M64, "\x85\x02", UNSUP, 2), /* test %eax,(%rdx) */
	E(M64, "\xf7\x00\x01\x00\x00\x00", UNSUP, 6), /* testl $0x1,(%rax) */
	E(M64, "\x0f\xba\x20\x01", UNSUP, 4), /* btl $0x1,(%rax) */
	E(M64, "\x0f\xa3\x02", UNSUP, 3), /* bt %eax,(%rdx) */
	E(M64, "\xd1\x20", UNSUP, 2), /* shll (%rax) */
	E(M64, "\xc1\x20\x04", UNSUP, 3), /* shll $0x4,(%rax) */
	E(M64, "\x0f\x94\x00", UNSUP, 3), /* sete (%rax) */
	E(M64, "\x0f\xc7\x08", UNSUP, 3), /* cmpxchg8b (%rax) */
	E(M64, "\xff\x30", UNSUP, 2), /* push (%rax) */
	E(M64, "\xf7\x20", UNSUP, 2), /* mull (%rax) */
	E(M64, "\x09\xc3", UNSUP, 2), /* or %eax,%ebx */
	E(M64, "\x0b\x02", UNSUP, 2), /* or (%rdx),%eax */
	E(M64, "\xf3\xab", UNSUP, 2), /* rep stos %eax,%es:(%rdi) */
	E(M64, "\xab", UNSUP, 1), /* stos %eax,%es:(%rdi) */
	E(M64, "\xa5", UNSUP, 1), /* movsl %ds:(%rsi),%es:(%rdi) */
	E(M64, "\x66\x0f\x7f\x00", UNSUP, 4), /* movdqa %xmm0,(%rax) */
	E(M64, "\xc5\xfd\x7f\x00", UNSUP, 4), /* vmovdqa %ymm0,(%rax) */
	E(M64, "\x66\x0f\xd6\x00", UNSUP, 4), /* movq %xmm0,(%rax) */
	E(M64, "\x8b\x00", UNSUP, 2), /* mov (%rax),%eax */
	E(M64, "\x89\xc3", UNSUP, 2), /* mov %eax,%ebx */
	E(M64, "\x93", UNSUP, 1), /* xchg %eax,%ebx */
	E(M64, "\xb8\x01\x00\x00\x00", UNSUP, 5), /* mov $0x1,%eax */
	E(M64, "\xc6\xf8\x01", UNSUP, 3), /* xabort $0x1 */
	E(M64, "\xc7\x08\x00\x00\x00\x00", UNSUP, 6), /* hand: C7 /1 is #UD */
	E(M64, "\x66\x0f\xc3\x02", UNSUP, 4), /* hand: 66h MOVNTI is #UD */
	E(M64, "\x0f\xc3\xc0", UNSUP, 3), /* hand: MOVNTI register form is #UD */
	E(M64, "\xf0\x89\x02", INVAL, 3), /* lock mov %eax,(%rdx): #UD */
	E(M64, "\xf0\xc7\x00\x01\x00\x00\x00", INVAL, 7), /* hand: lock movl $1,(%rax): #UD */
	E(M64, "\xf0\xa3\x00\x03\xe0\xfe\x00\x00\x00\x00", INVAL, 10), /* hand: lock movabs: #UD */
	E(M64, "\xf0\x0f\xc3\x02", INVAL, 4), /* hand: lock movnti: #UD */
	E(M64, "\x06", INVAL, 0), /* push %es: invalid in 64-bit mode */
};

#define NCASES  (sizeof(cases) / sizeof(cases[0]))

static void fill_gprs(uint64_t gprs[HV_GPR_COUNT])
{
	for (unsigned i = 0; i < HV_GPR_COUNT; i++)
		gprs[i] = 0xf0e0d0c0b0a09080ull + i * 0x0101010101010101ull;
}

/* Decodes bytes[0..avail) from an exact-size heap copy, so ASan sees any over-read. */
static int decode(const char *bytes, size_t n, size_t avail, enum hv_insn_mode mode,
		  struct hv_mmio_store *s)
{
	uint8_t *buf = malloc(avail ? avail : 1);
	int rc;

	assert_non_null(buf);
	for (size_t i = 0; i < avail; i++)
		buf[i] = i < n ? (uint8_t)bytes[i] : 0xcc;
	rc = hv_mmio_decode_store(buf, avail, mode, s);
	free(buf);
	return rc;
}

static void check_case(const struct store_case *c, size_t avail)
{
	uint64_t gprs[HV_GPR_COUNT];
	struct hv_mmio_store s;
	int rc = decode(c->bytes, c->n, avail, c->mode, &s);

	fill_gprs(gprs);
	if (rc != c->rc || s.len != c->len)
		print_error("case %02x %02x...: rc %d len %u\n", (uint8_t)c->bytes[0],
			    (uint8_t)c->bytes[c->n > 1], rc, s.len);
	assert_int_equal(rc, c->rc);
	assert_int_equal(s.len, c->len);
	if (rc != 0)
		return;
	assert_int_equal(s.width, c->width);
	assert_int_equal(s.is_imm, c->is_imm);
	assert_int_equal(s.op, c->op);
	if (c->is_imm) {
		assert_int_equal(s.imm, c->imm);
	} else {
		assert_int_equal(s.reg, c->reg);
		assert_int_equal(s.high_byte, c->high);
	}
	assert_int_equal(hv_mmio_store_value(&s, gprs), c->value);
}

static void test_table_exact(void **state)
{
	(void)state;
	for (size_t i = 0; i < NCASES; i++)
		check_case(&cases[i], cases[i].n);
}

/* The bytes that follow the instruction never change the result. */
static void test_table_trailing_bytes(void **state)
{
	(void)state;
	for (size_t i = 0; i < NCASES; i++)
		check_case(&cases[i], HV_INSN_MAX_LEN);
}

/* Every proper prefix of a decodable instruction asks for more bytes. */
static void test_table_truncated(void **state)
{
	struct hv_mmio_store s;

	(void)state;
	for (size_t i = 0; i < NCASES; i++) {
		if (cases[i].len == 0)
			continue;
		for (size_t avail = 0; avail < cases[i].n; avail++) {
			assert_int_equal(decode(cases[i].bytes, cases[i].n, avail, cases[i].mode, &s),
					 HV_MMIO_ETRUNC);
			assert_int_equal(s.len, 0);
		}
	}
}

/* Longer than 15 bytes (APM3 1.1), and undefined opcodes: #UD, no length. */
static void test_invalid(void **state)
{
	uint8_t buf[HV_INSN_MAX_LEN + 2];
	struct hv_mmio_store s;

	(void)state;
	memset(buf, 0x66, sizeof(buf));
	buf[HV_INSN_MAX_LEN - 1] = 0x89;
	buf[HV_INSN_MAX_LEN] = 0x02;
	assert_int_equal(hv_mmio_decode_store(buf, sizeof(buf), M64, &s), HV_MMIO_EINVALID);
	assert_int_equal(s.len, 0);
	buf[0] = 0x0f;
	buf[1] = 0x0b; /* ud2 is valid for the length decoder: refused here */
	assert_int_equal(hv_mmio_decode_store(buf, 2, M64, &s), HV_MMIO_EUNSUPPORTED);
	assert_int_equal(s.len, 2);
	buf[1] = 0x04; /* 0F 04: undefined */
	assert_int_equal(hv_mmio_decode_store(buf, 2, M64, &s), HV_MMIO_EINVALID);
}

/* mov %reg32,(%rax) for each of the 16 registers (REX.R for r8..r15). */
static void test_every_register(void **state)
{
	uint64_t gprs[HV_GPR_COUNT];
	struct hv_mmio_store s;

	(void)state;
	fill_gprs(gprs);
	for (unsigned r = 0; r < HV_GPR_COUNT; r++) {
		uint8_t insn[3] = { 0x44, 0x89, (uint8_t)((r & 7) << 3) };
		const uint8_t *p = r >= 8 ? insn : insn + 1;

		assert_int_equal(hv_mmio_decode_store(p, r >= 8 ? 3 : 2, M64, &s), 0);
		assert_int_equal(s.reg, r);
		assert_false(s.high_byte);
		assert_int_equal(hv_mmio_store_value(&s, gprs), gprs[r] & 0xffffffffull);
	}
}

/* XCHG's load into the register: merge for 8/16 bits, zero-extend for 32. */
static void test_reg_write(void **state)
{
	static const struct { const char *bytes; size_t n; unsigned reg; uint64_t expect; } w[] = {
		{ "\x86\x23", 2, HV_GPR_RAX, 0xf0e0d0c0b0a05a80 },       /* xchg %ah,(%rbx) */
		{ "\x40\x86\x30", 3, HV_GPR_RSI, 0xf6e6d6c6b6a6965a },   /* xchg %sil,(%rax) */
		{ "\x66\x87\x03", 3, HV_GPR_RAX, 0xf0e0d0c0b0a0a55a },   /* xchg %ax,(%rbx) */
		{ "\x87\x02", 2, HV_GPR_RAX, 0x00000000c3c3a55a },       /* xchg %eax,(%rdx) */
		{ "\x4c\x87\x20", 3, HV_GPR_R12, 0x1234567fc3c3a55a },   /* xchg %r12,(%rax) */
	};
	const uint64_t old = 0x1234567fc3c3a55aull;
	uint64_t gprs[HV_GPR_COUNT], ref[HV_GPR_COUNT];
	struct hv_mmio_store s;

	(void)state;
	for (size_t i = 0; i < sizeof(w) / sizeof(w[0]); i++) {
		fill_gprs(gprs);
		fill_gprs(ref);
		assert_int_equal(hv_mmio_decode_store((const uint8_t *)w[i].bytes, w[i].n, M64, &s), 0);
		assert_int_equal(s.op, HV_MMIO_XCHG);
		hv_mmio_reg_write(&s, gprs, old);
		ref[w[i].reg] = w[i].expect;
		assert_memory_equal(gprs, ref, sizeof(gprs));
	}
	/* An immediate store has no register to write. */
	fill_gprs(gprs);
	fill_gprs(ref);
	assert_int_equal(hv_mmio_decode_store((const uint8_t *)"\xc6\x00\x80", 3, M64, &s), 0);
	hv_mmio_reg_write(&s, gprs, old);
	assert_memory_equal(gprs, ref, sizeof(gprs));
}

static void test_strerror(void **state)
{
	(void)state;
	assert_string_equal(hv_mmio_strerror(0), "ok");
	assert_string_equal(hv_mmio_strerror(HV_MMIO_ETRUNC), "instruction truncated");
	assert_string_equal(hv_mmio_strerror(HV_MMIO_EINVALID), "invalid instruction");
	assert_string_equal(hv_mmio_strerror(HV_MMIO_EUNSUPPORTED), "unsupported MMIO store instruction");
	assert_string_equal(hv_mmio_strerror(-4), "unknown MMIO decode result");
	assert_string_equal(hv_mmio_strerror(1), "unknown MMIO decode result");
	assert_string_equal(hv_mmio_strerror(-2147483647 - 1), "unknown MMIO decode result");
}

static uint64_t rng_state;

static uint64_t rng(void)
{
	rng_state ^= rng_state << 13;
	rng_state ^= rng_state >> 7;
	rng_state ^= rng_state << 17;
	return rng_state;
}

/* Whatever the bytes, the result is consistent and nothing is over-read. */
static void check_invariants(int rc, const struct hv_mmio_store *s, size_t avail)
{
	if (rc == HV_MMIO_ETRUNC) {
		assert_int_equal(s->len, 0);
		return;
	}
	if (rc == HV_MMIO_EUNSUPPORTED || rc == 0) {
		assert_true(s->len >= 1 && s->len <= HV_INSN_MAX_LEN && s->len <= avail);
	}
	if (rc != 0) {
		assert_true(rc == HV_MMIO_EINVALID || rc == HV_MMIO_EUNSUPPORTED);
		return;
	}
	assert_true(s->width == 1 || s->width == 2 || s->width == 4 || s->width == 8);
	assert_true(s->reg < HV_GPR_COUNT);
	assert_true(!s->high_byte || (s->width == 1 && s->reg < 4));
	assert_true(s->op < HV_MMIO_NOPS);
	assert_true(!(s->is_imm && (s->op == HV_MMIO_XCHG || s->op == HV_MMIO_XADD ||
				    s->op == HV_MMIO_CMPXCHG)));
}

static void test_fuzz(void **state)
{
	const uint8_t hot[] = { 0x66, 0x67, 0xf0, 0xf2, 0xf3, 0x48, 0x4c, 0x40, 0x88, 0x89,
				0x86, 0x87, 0xc6, 0xc7, 0xa2, 0xa3, 0x0f, 0xc3, 0x64 };
	uint8_t *end = malloc(HV_INSN_MAX_LEN);
	struct hv_mmio_store s;

	(void)state;
	assert_non_null(end);
	rng_state = 0x6d6d696f5eed1234ull;
	for (int iter = 0; iter < 300000; iter++) {
		size_t avail = rng() % (HV_INSN_MAX_LEN + 1);
		uint8_t *buf = end + HV_INSN_MAX_LEN - avail;   /* ends at the allocation's end */

		for (size_t i = 0; i < avail; i++)
			buf[i] = (iter & 1) ? hot[rng() % sizeof(hot)] : (uint8_t)rng();
		check_invariants(hv_mmio_decode_store(buf, avail, (enum hv_insn_mode)(rng() % 3), &s),
				 &s, avail);
	}
	free(end);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_table_exact),
		cmocka_unit_test(test_table_trailing_bytes),
		cmocka_unit_test(test_table_truncated),
		cmocka_unit_test(test_invalid),
		cmocka_unit_test(test_every_register),
		cmocka_unit_test(test_reg_write),
		cmocka_unit_test(test_strerror),
		cmocka_unit_test(test_fuzz),
	};

	print_message("mmio: %zu table cases\n", NCASES);
	return cmocka_run_group_tests(tests, NULL, NULL);
}
