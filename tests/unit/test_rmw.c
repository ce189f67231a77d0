/* SPDX-License-Identifier: MIT */
/*
 * Host unit tests for the MMIO store decoder's read-modify-write forms
 * (hv/insn/store.c) and their execution (hv/insn/rmw.c), table-driven over
 * every form hv/insn/store.h lists.
 *
 * test_decode_every_form builds each form's bytes with every operand size it
 * has, many ModRM/SIB/displacement/RIP-relative addressings, REX, LOCK, HLE
 * and segment prefixes, in 64-, 32- and 16-bit mode, and checks what the
 * decoder says (length, width, operation, source). test_native_every_form
 * runs the same bytes on the host CPU (an x86-64: the memory operand is
 * RIP-relative, in an executable page) from random and edge-case registers,
 * memory and flags, and checks that hv_mmio_execute() gives the same memory,
 * registers and defined status flags: "exactly as the CPU would" is measured,
 * not assumed. Flags the APM leaves undefined are not compared.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <sys/mman.h>
#include <cmocka.h>

#include "hv/insn/store.h"

#define M16     HV_INSN_MODE_16
#define M32     HV_INSN_MODE_32
#define M64     HV_INSN_MODE_64

#define FL_CF   0x001ull
#define FL_PF   0x004ull
#define FL_AF   0x010ull
#define FL_ZF   0x040ull
#define FL_SF   0x080ull
#define FL_OF   0x800ull
#define FL_ALL  (FL_CF | FL_PF | FL_AF | FL_ZF | FL_SF | FL_OF)

enum imm_kind { NO_IMM, IMM8, IMMZ };

/* One instruction form with a memory destination. */
struct form {
	const char *name;
	uint8_t esc;            /* 0x0f, or 0 for the one-byte map */
	uint8_t opc;
	int8_t ext;             /* ModRM.reg opcode extension, or -1: register source */
	uint8_t imm;            /* enum imm_kind */
	bool byte;              /* 8-bit operand */
	bool no66;              /* no 16-bit form (MOVNTI) */
	bool lockable;
	uint8_t op;             /* enum hv_mmio_op */
	uint64_t undef;         /* flags the APM leaves undefined */
};

#define RF(n, e, o, b, op, u)   { n, e, o, -1, NO_IMM, b, false, true, op, u }
#define IF(n, o, x, k, b, op, u) { n, 0, o, x, k, b, false, true, op, u }
#define LOGIC   FL_AF
#define BTU     (FL_OF | FL_SF | FL_AF | FL_PF)
#define ALU(n, name, op, u) \
	RF(name " Eb,Gb", 0, (n) << 3, true, op, u), \
	RF(name " Ev,Gv", 0, ((n) << 3) | 1, false, op, u), \
	IF(name " Eb,Ib", 0x80, n, IMM8, true, op, u), \
	IF(name " Ev,Iz", 0x81, n, IMMZ, false, op, u), \
	IF(name " Ev,Ib", 0x83, n, IMM8, false, op, u)

static const struct form forms[] = {
	{ "mov Eb,Gb", 0, 0x88, -1, NO_IMM, true, false, false, HV_MMIO_MOV, 0 },
	{ "mov Ev,Gv", 0, 0x89, -1, NO_IMM, false, false, false, HV_MMIO_MOV, 0 },
	{ "mov Eb,Ib", 0, 0xc6, 0, IMM8, true, false, false, HV_MMIO_MOV, 0 },
	{ "mov Ev,Iz", 0, 0xc7, 0, IMMZ, false, false, false, HV_MMIO_MOV, 0 },
	{ "movnti My,Gy", 0x0f, 0xc3, -1, NO_IMM, false, true, false, HV_MMIO_MOV, 0 },
	RF("xchg Eb,Gb", 0, 0x86, true, HV_MMIO_XCHG, 0),
	RF("xchg Ev,Gv", 0, 0x87, false, HV_MMIO_XCHG, 0),
	ALU(0, "add", HV_MMIO_ADD, 0),
	ALU(1, "or", HV_MMIO_OR, LOGIC),
	ALU(2, "adc", HV_MMIO_ADC, 0),
	ALU(3, "sbb", HV_MMIO_SBB, 0),
	ALU(4, "and", HV_MMIO_AND, LOGIC),
	ALU(5, "sub", HV_MMIO_SUB, 0),
	ALU(6, "xor", HV_MMIO_XOR, LOGIC),
	IF("inc Eb", 0xfe, 0, NO_IMM, true, HV_MMIO_INC, 0),
	IF("dec Eb", 0xfe, 1, NO_IMM, true, HV_MMIO_DEC, 0),
	IF("inc Ev", 0xff, 0, NO_IMM, false, HV_MMIO_INC, 0),
	IF("dec Ev", 0xff, 1, NO_IMM, false, HV_MMIO_DEC, 0),
	IF("not Eb", 0xf6, 2, NO_IMM, true, HV_MMIO_NOT, 0),
	IF("neg Eb", 0xf6, 3, NO_IMM, true, HV_MMIO_NEG, 0),
	IF("not Ev", 0xf7, 2, NO_IMM, false, HV_MMIO_NOT, 0),
	IF("neg Ev", 0xf7, 3, NO_IMM, false, HV_MMIO_NEG, 0),
	RF("bts Ev,Gv", 0x0f, 0xab, false, HV_MMIO_BTS, BTU),
	RF("btr Ev,Gv", 0x0f, 0xb3, false, HV_MMIO_BTR, BTU),
	RF("btc Ev,Gv", 0x0f, 0xbb, false, HV_MMIO_BTC, BTU),
	{ "bts Ev,Ib", 0x0f, 0xba, 5, IMM8, false, false, true, HV_MMIO_BTS, BTU },
	{ "btr Ev,Ib", 0x0f, 0xba, 6, IMM8, false, false, true, HV_MMIO_BTR, BTU },
	{ "btc Ev,Ib", 0x0f, 0xba, 7, IMM8, false, false, true, HV_MMIO_BTC, BTU },
	RF("cmpxchg Eb,Gb", 0x0f, 0xb0, true, HV_MMIO_CMPXCHG, 0),
	RF("cmpxchg Ev,Gv", 0x0f, 0xb1, false, HV_MMIO_CMPXCHG, 0),
	RF("xadd Eb,Gb", 0x0f, 0xc0, true, HV_MMIO_XADD, 0),
	RF("xadd Ev,Gv", 0x0f, 0xc1, false, HV_MMIO_XADD, 0),
};

#define NFORMS  (sizeof(forms) / sizeof(forms[0]))

static bool is_bt(const struct form *f)
{
	return f->op >= HV_MMIO_BTS && f->op <= HV_MMIO_BTC;
}

/* Operand sizes a form has: 1 for byte forms, else 2 (66h), 4, 8 (REX.W). */
static unsigned widths(const struct form *f, enum hv_insn_mode mode, uint8_t out[3])
{
	unsigned n = 0;

	if (f->byte) {
		out[n++] = 1;
		return n;
	}
	if (!f->no66)
		out[n++] = 2;
	out[n++] = 4;
	if (mode == M64)
		out[n++] = 8;
	return n;
}

/* The memory operand's encoding: ModRM mod/rm, SIB, displacement, REX.X/B. */
struct amode {
	enum hv_insn_mode mode;
	bool p67;
	uint8_t mod, rm;
	int sib;                /* -1: none */
	uint8_t disp;           /* displacement bytes */
	uint8_t rex;            /* REX.X / REX.B it needs */
	const char *name;
};

static const struct amode amodes[] = {
	{ M64, false, 0, 0, -1, 0, 0, "(%rax)" },
	{ M64, false, 1, 3, -1, 1, 0, "d8(%rbx)" },
	{ M64, false, 2, 5, -1, 4, 0, "d32(%rbp)" },
	{ M64, false, 0, 4, 0x24, 0, 0, "(%rsp)" },
	{ M64, false, 0, 4, (3 << 6) | (1 << 3) | 5, 4, 0, "d32(,%rcx,8)" },
	{ M64, false, 1, 4, (1 << 6) | (5 << 3) | 4, 1, 0x43, "d8(%r12,%r13,2)" },
	{ M64, false, 2, 7, -1, 4, 0x41, "d32(%r15)" },
	{ M64, false, 0, 5, -1, 4, 0, "d32(%rip)" },
	{ M64, true, 0, 0, -1, 0, 0, "(%eax)" },
	{ M32, false, 0, 5, -1, 4, 0, "d32" },
	{ M32, false, 2, 4, (2 << 6) | (6 << 3) | 3, 4, 0, "d32(%ebx,%esi,4)" },
	{ M32, true, 1, 7, -1, 1, 0, "d8(%bx)" },
	{ M16, false, 0, 6, -1, 2, 0, "d16" },
	{ M16, false, 0, 0, -1, 0, 0, "(%bx,%si)" },
	{ M16, true, 0, 4, 0x24, 0, 0, "(%esp)" },
};

struct insn {
	uint8_t b[32];
	size_t n;
	size_t disp_at;         /* offset of the displacement */
	uint8_t width;
	unsigned reg;           /* source register as svmhv numbers it */
	bool high;
	uint64_t imm;           /* the immediate as decoded (sign-extended; BT: zero) */
};

/*
 * Builds one instruction: [pfx] [66] [REX] [0F] opcode ModRM [SIB] [disp] [imm].
 * r: the ModRM.reg register (0..15), rex40: a REX prefix even when no bit is
 * needed (byte forms: SPL..DIL instead of AH..BH). Returns false when the
 * combination does not exist (a REX outside 64-bit mode).
 */
static bool build(const struct form *f, const struct amode *a, uint8_t width, unsigned r,
		  bool rex40, const uint8_t *pfx, size_t npfx, uint8_t immb, struct insn *in)
{
	bool p66 = !f->no66 && (width == 2 ? a->mode != M16 : width == 4 && a->mode == M16);
	uint8_t rex = (uint8_t)(a->rex | (width == 8 ? 0x48 : 0) | (f->ext < 0 && r >= 8 ? 0x44 : 0));
	unsigned regf = f->ext >= 0 ? (unsigned)f->ext : r & 7;
	size_t n = 0;

	if (rex40 || rex)
		rex |= 0x40;
	if (rex && a->mode != M64)
		return false;
	memset(in, 0, sizeof(*in));
	memcpy(in->b, pfx, npfx);
	n = npfx;
	if (a->p67)
		in->b[n++] = 0x67;
	if (p66)
		in->b[n++] = 0x66;
	if (rex)
		in->b[n++] = rex;
	if (f->esc)
		in->b[n++] = f->esc;
	in->b[n++] = f->opc;
	in->b[n++] = (uint8_t)((a->mod << 6) | (regf << 3) | a->rm);
	if (a->sib >= 0)
		in->b[n++] = (uint8_t)a->sib;
	in->disp_at = n;
	for (unsigned i = 0; i < a->disp; i++)
		in->b[n++] = (uint8_t)(0x11 * (i + 1));
	in->width = width;
	in->reg = r;
	in->high = f->byte && !rex && r >= 4 && r < 8;
	if (in->high)
		in->reg = r - 4;
	if (f->imm == IMM8) {
		in->b[n++] = immb;
		in->imm = f->opc == 0xba ? immb : (uint64_t)(int64_t)(int8_t)immb;
	} else if (f->imm == IMMZ) {
		unsigned k = width == 2 ? 2 : 4;
		uint64_t v = 0;

		for (unsigned i = 0; i < k; i++) {
			in->b[n++] = (uint8_t)(immb + 0x35 * i);
			v |= (uint64_t)(uint8_t)(immb + 0x35 * i) << (8 * i);
		}
		in->imm = k == 2 ? (uint64_t)(int64_t)(int16_t)v : (uint64_t)(int64_t)(int32_t)v;
	}
	in->n = n;
	return true;
}

static void check_decode(const struct form *f, const struct amode *a, const struct insn *in,
			 bool lock)
{
	struct hv_mmio_store s;
	int rc = hv_mmio_decode_store(in->b, in->n, a->mode, &s);

	if (rc != 0 || s.len != in->n || s.width != in->width || s.op != f->op)
		print_error("%s %s width %u: rc %d len %u/%zu width %u op %s\n", f->name, a->name,
			    in->width, rc, s.len, in->n, s.width, hv_mmio_op_name(s.op));
	assert_int_equal(rc, 0);
	assert_int_equal(s.len, in->n);
	assert_int_equal(s.width, in->width);
	assert_int_equal(s.op, f->op);
	assert_int_equal(s.lock, lock || f->op == HV_MMIO_XCHG);
	assert_int_equal(s.is_imm, f->ext >= 0);
	if (f->ext >= 0) {
		assert_int_equal(s.imm, in->imm);
	} else {
		assert_int_equal(s.reg, in->reg);
		assert_int_equal(s.high_byte, in->high);
	}
	/* Every shorter prefix of it asks for more bytes. */
	for (size_t k = 0; k < in->n; k++)
		assert_int_equal(hv_mmio_decode_store(in->b, k, a->mode, &s), HV_MMIO_ETRUNC);
}

/* Prefix sets the decoder must see through; LOCK only where it is legal. */
static const struct { uint8_t b[3]; uint8_t n; bool lock; } pfxs[] = {
	{ { 0 }, 0, false },
	{ { 0xf0 }, 1, true },
	{ { 0x2e }, 1, false },
	{ { 0x64 }, 1, false },
	{ { 0x65, 0x3e }, 2, false },
	{ { 0xf2, 0xf0 }, 2, true },            /* xacquire lock */
	{ { 0xf0, 0xf3, 0x26 }, 3, true },      /* lock xrelease es: */
};

static unsigned decode_form(const struct form *f)
{
	unsigned count = 0;

	for (size_t ai = 0; ai < sizeof(amodes) / sizeof(amodes[0]); ai++) {
		const struct amode *a = &amodes[ai];
		uint8_t w[3];
		unsigned nw = widths(f, a->mode, w);

		for (unsigned wi = 0; wi < nw; wi++)
			for (unsigned r = 0; r < 16; r++)
				for (size_t pi = 0; pi < sizeof(pfxs) / sizeof(pfxs[0]); pi++) {
					struct insn in;
					bool rex40 = f->byte && (r & 1);

					if ((pfxs[pi].lock && !f->lockable) ||
					    (f->no66 && (pfxs[pi].b[0] == 0xf2 || pfxs[pi].b[1] == 0xf3)))
						continue;
					if ((f->ext >= 0 && r) || (a->mode != M64 && (r >= 8 || rex40)))
						continue;
					if (!build(f, a, w[wi], r, rex40, pfxs[pi].b, pfxs[pi].n,
						   (uint8_t)(0x81 + r * 7), &in))
						continue;
					check_decode(f, a, &in, pfxs[pi].lock);
					count++;
				}
	}
	return count;
}

static void test_decode_every_form(void **state)
{
	unsigned total = 0;

	(void)state;
	for (size_t i = 0; i < NFORMS; i++)
		total += decode_form(&forms[i]);
	print_message("rmw: %zu forms, %u encodings decoded\n", NFORMS, total);
	assert_true(total > 10000);
}

/* LOCK where it is #UD, and forms that only read. */
static void test_refused(void **state)
{
	static const struct { const char *b; size_t n; int rc; } c[] = {
		{ "\xf0\x89\x02", 3, HV_MMIO_EINVALID },         /* lock mov %eax,(%rdx) */
		{ "\xf0\x0f\xc3\x02", 4, HV_MMIO_EINVALID },     /* lock movnti */
		{ "\x83\x38\x01", 3, HV_MMIO_EUNSUPPORTED },     /* cmpl $1,(%rax) */
		{ "\x80\x38\x01", 3, HV_MMIO_EUNSUPPORTED },     /* cmpb $1,(%rax) */
		{ "\x0f\xba\x20\x01", 4, HV_MMIO_EUNSUPPORTED }, /* btl $1,(%rax) */
		{ "\xf6\x00\x01", 3, HV_MMIO_EUNSUPPORTED },     /* testb $1,(%rax) */
		{ "\xfe\x10", 2, HV_MMIO_EUNSUPPORTED },         /* FE /2: #UD */
		{ "\xff\x10", 2, HV_MMIO_EUNSUPPORTED },         /* call *(%rax) */
		{ "\x83\xc8\x01", 3, HV_MMIO_EUNSUPPORTED },     /* or $1,%eax: no memory */
		{ "\x0f\xab\xc2", 3, HV_MMIO_EUNSUPPORTED },     /* bts %eax,%edx */
		{ "\x82\x08\x01", 3, HV_MMIO_EINVALID },         /* 82 in 64-bit mode: #UD */
	};
	struct hv_mmio_store s;

	(void)state;
	for (size_t i = 0; i < sizeof(c) / sizeof(c[0]); i++)
		assert_int_equal(hv_mmio_decode_store((const uint8_t *)c[i].b, c[i].n, M64, &s),
				 c[i].rc);
	/* 82 outside 64-bit mode is 80's alias. */
	assert_int_equal(hv_mmio_decode_store((const uint8_t *)"\x82\x08\x01", 3, M32, &s), 0);
	assert_int_equal(s.op, HV_MMIO_OR);
	assert_int_equal(s.width, 1);
}

/* ---- the host CPU as the reference ---- */

struct native_ctx {
	uint64_t g[16];         /* encoding order; g[4] (RSP) is not used */
	uint64_t rflags;
};

void run_native(struct native_ctx *ctx, const void *code);

/*
 * Loads every GPR but RSP and RFLAGS from ctx, calls code (the instruction
 * then RET), stores them back. System V: rdi = ctx, rsi = code.
 */
__asm__(
	".text\n"
	".globl run_native\n"
	".type run_native, @function\n"
	"run_native:\n"
	"	push %rbx\n	push %rbp\n	push %r12\n	push %r13\n	push %r14\n	push %r15\n"
	"	push %rdi\n"                    /* 8(%rsp): ctx */
	"	push %rsi\n"                    /* (%rsp): code */
	"	pushq 128(%rdi)\n	popfq\n"
	"	mov 0(%rdi), %rax\n	mov 8(%rdi), %rcx\n	mov 16(%rdi), %rdx\n"
	"	mov 24(%rdi), %rbx\n	mov 40(%rdi), %rbp\n	mov 48(%rdi), %rsi\n"
	"	mov 64(%rdi), %r8\n	mov 72(%rdi), %r9\n	mov 80(%rdi), %r10\n"
	"	mov 88(%rdi), %r11\n	mov 96(%rdi), %r12\n	mov 104(%rdi), %r13\n"
	"	mov 112(%rdi), %r14\n	mov 120(%rdi), %r15\n	mov 56(%rdi), %rdi\n"
	"	call *(%rsp)\n"
	"	xchg %rdi, 8(%rsp)\n"           /* rdi = ctx; the instruction's rdi saved */
	"	mov %rax, 0(%rdi)\n	mov %rcx, 8(%rdi)\n	mov %rdx, 16(%rdi)\n"
	"	mov %rbx, 24(%rdi)\n	mov %rbp, 40(%rdi)\n	mov %rsi, 48(%rdi)\n"
	"	mov %r8, 64(%rdi)\n	mov %r9, 72(%rdi)\n	mov %r10, 80(%rdi)\n"
	"	mov %r11, 88(%rdi)\n	mov %r12, 96(%rdi)\n	mov %r13, 104(%rdi)\n"
	"	mov %r14, 112(%rdi)\n	mov %r15, 120(%rdi)\n"
	"	pushfq\n	pop %rax\n	mov %rax, 128(%rdi)\n"
	"	mov 8(%rsp), %rax\n	mov %rax, 56(%rdi)\n"
	"	add $16, %rsp\n"
	"	pop %r15\n	pop %r14\n	pop %r13\n	pop %r12\n	pop %rbp\n	pop %rbx\n"
	"	ret\n"
	".size run_native, . - run_native\n");

static uint64_t rng_state;

static uint64_t rng(void)
{
	rng_state ^= rng_state << 13;
	rng_state ^= rng_state >> 7;
	rng_state ^= rng_state << 17;
	return rng_state;
}

/* Random, or one of the values where flags change: 0, 1, the sign edges, all ones. */
static uint64_t value(uint8_t width)
{
	uint64_t mask = width == 8 ? ~0ull : (1ull << (8 * width)) - 1;
	uint64_t sign = 1ull << (8 * width - 1);
	const uint64_t edge[] = { 0, 1, sign - 1, sign, mask, 0xf, 0x10 };
	uint64_t r = rng();

	if (r % 3 == 0)
		return (edge[(r >> 8) % 7] & mask) | (rng() & ~mask);
	return rng();
}

#define PAGE    4096
#define DATA    0x800   /* the memory operand, in the same page as the code */

/* One run: the decoded emulation against the CPU, same inputs. */
static void native_once(uint8_t *page, const struct form *f, const struct insn *in,
			struct native_ctx *ctx)
{
	struct native_ctx cpu = *ctx;
	struct hv_mmio_store s;
	uint64_t mask = in->width == 8 ? ~0ull : (1ull << (8 * in->width)) - 1;
	uint64_t mem, emu_mem, out = 0, rflags = ctx->rflags, g[16];
	uint64_t defined = FL_ALL & ~f->undef;

	memcpy(&mem, page + DATA, 8);
	memcpy(g, ctx->g, sizeof(g));
	assert_int_equal(hv_mmio_decode_store(in->b, in->n, M64, &s), 0);
	emu_mem = mem;
	if (hv_mmio_execute(&s, g, &rflags, mem & mask, &out))
		emu_mem = (mem & ~mask) | (out & mask);
	run_native(&cpu, page);
	if (memcmp(&emu_mem, page + DATA, 8) || memcmp(g, cpu.g, sizeof(g)) ||
	    ((rflags ^ cpu.rflags) & defined)) {
		uint64_t got;

		memcpy(&got, page + DATA, 8);
		print_error("%s width %u reg %u: mem %#llx -> cpu %#llx emu %#llx, flags "
			    "in %#llx cpu %#llx emu %#llx\n", f->name, in->width, in->reg,
			    (unsigned long long)mem, (unsigned long long)got,
			    (unsigned long long)emu_mem, (unsigned long long)ctx->rflags,
			    (unsigned long long)cpu.rflags, (unsigned long long)rflags);
		for (unsigned i = 0; i < 16; i++)
			if (g[i] != cpu.g[i])
				print_error("  r%u: cpu %#llx emu %#llx\n", i,
					    (unsigned long long)cpu.g[i], (unsigned long long)g[i]);
		fail();
	}
}

/* Random inputs for one encoding; the BT offset register stays within the operand. */
static void native_inputs(const struct form *f, const struct insn *in, uint8_t *page,
			  struct native_ctx *ctx)
{
	uint64_t mem = value(in->width);
	uint64_t mask = in->width == 8 ? ~0ull : (1ull << (8 * in->width)) - 1;

	for (unsigned i = 0; i < 16; i++)
		ctx->g[i] = value(in->width);
	ctx->g[4] = 0;
	ctx->rflags = 0x202 | (rng() & FL_ALL);
	if (is_bt(f) && f->ext < 0)
		ctx->g[in->reg] = (ctx->g[in->reg] & ~mask) | (rng() % (8u * in->width));
	if (f->op == HV_MMIO_CMPXCHG && (rng() & 1))
		mem = ctx->g[0];
	memcpy(page + DATA, &mem, 8);
}

static unsigned native_form(const struct form *f, uint8_t *page)
{
	static const struct amode rip = { M64, false, 0, 5, -1, 4, 0, "d32(%rip)" };
	unsigned count = 0;
	uint8_t w[3];
	unsigned nw = widths(f, M64, w);

	for (unsigned wi = 0; wi < nw; wi++)
		for (unsigned r = 0; r < 16; r++)
			for (unsigned lock = 0; lock < 2; lock++) {
				bool rex40 = f->byte && r >= 5 && r < 8 && (r & 1);
				struct native_ctx ctx;
				struct insn in;
				int32_t disp;

				if ((f->ext >= 0 && r) || (lock && !f->lockable) ||
				    (r == 4 && (!f->byte || r >= 8)))
					continue;
				assert_true(build(f, &rip, w[wi], r, rex40, (const uint8_t *)"\xf0",
						  lock, (uint8_t)rng(), &in));
				/* RIP-relative: the data slot, from the end of the instruction. */
				disp = (int32_t)(DATA - in.n);
				memcpy(&in.b[in.disp_at], &disp, 4);
				memcpy(page, in.b, in.n);
				page[in.n] = 0xc3;                      /* ret */
				for (unsigned k = 0; k < 64; k++) {
					native_inputs(f, &in, page, &ctx);
					native_once(page, f, &in, &ctx);
					count++;
				}
			}
	return count;
}

static void test_native_every_form(void **state)
{
	uint8_t *page = mmap(NULL, PAGE, PROT_READ | PROT_WRITE | PROT_EXEC,
			     MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	unsigned total = 0;

	(void)state;
	if (page == MAP_FAILED) {
		skip();
		return;
	}
	rng_state = 0x726d77a5eed5eedull;
	for (size_t i = 0; i < NFORMS; i++)
		total += native_form(&forms[i], page);
	munmap(page, PAGE);
	print_message("rmw: %u runs against the host CPU\n", total);
}

/*
 * What the host run cannot show: a BT bit offset beyond the operand (the CPU
 * addresses another unit; svmhv gets that unit's address from the NPF and
 * takes the offset modulo the width), negative offsets, and CMPXCHG in
 * 64-bit mode with 32 bits: rAX is written only when the comparison fails.
 */
static void test_edges(void **state)
{
	uint64_t g[16] = { 0 }, rflags = 0x2, out = 0;
	struct hv_mmio_store s;

	(void)state;
	assert_int_equal(hv_mmio_decode_store((const uint8_t *)"\x0f\xab\x08", 3, M64, &s), 0);
	g[HV_GPR_RCX] = 35;                             /* bts %ecx,(%rax): bit 3 of the next dword */
	assert_true(hv_mmio_execute(&s, g, &rflags, 0, &out));
	assert_int_equal(out, 8);
	g[HV_GPR_RCX] = (uint64_t)-1;                   /* bit 31 of the dword before */
	assert_true(hv_mmio_execute(&s, g, &rflags, 0x80000000, &out));
	assert_int_equal(out, 0x80000000);
	assert_int_equal(rflags & FL_CF, FL_CF);
	/* lock cmpxchg %ecx,(%rdx): equal keeps RAX's upper half, different loads EAX */
	assert_int_equal(hv_mmio_decode_store((const uint8_t *)"\xf0\x0f\xb1\x0a", 4, M64, &s), 0);
	g[HV_GPR_RAX] = 0xdead0000000000aaull;
	g[HV_GPR_RCX] = 0x123;
	assert_true(hv_mmio_execute(&s, g, &rflags, 0xaa, &out));
	assert_int_equal(out, 0x123);
	assert_int_equal(g[HV_GPR_RAX], 0xdead0000000000aaull);
	assert_int_equal(rflags & FL_ZF, FL_ZF);
	assert_false(hv_mmio_execute(&s, g, &rflags, 0x55, &out));
	assert_int_equal(g[HV_GPR_RAX], 0x55);
	assert_int_equal(rflags & FL_ZF, 0);
	/* Non-status flags (IF, DF, TF, ...) are never touched. */
	rflags = 0x2 | 0x200 | 0x400 | 0x100 | FL_ALL;
	assert_int_equal(hv_mmio_decode_store((const uint8_t *)"\x83\x20\x00", 3, M64, &s), 0);
	assert_true(hv_mmio_execute(&s, g, &rflags, 0xffffffff, &out));
	assert_int_equal(out, 0);
	assert_int_equal(rflags, 0x2 | 0x200 | 0x400 | 0x100 | FL_ZF | FL_PF);
	assert_string_equal(hv_mmio_op_name(HV_MMIO_CMPXCHG), "CMPXCHG");
	assert_string_equal(hv_mmio_op_name(HV_MMIO_NOPS), "?");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_decode_every_form),
		cmocka_unit_test(test_refused),
		cmocka_unit_test(test_native_every_form),
		cmocka_unit_test(test_edges),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
