/* SPDX-License-Identifier: MIT */
/* A fake target for the GDB stub (see fake_target.h). */
#include "tests/debug/fake_target.h"

#include <string.h>

static unsigned nr_threads(void *ctx)
{
	(void)ctx;
	return FAKE_VCPUS;
}

static int read_regs(void *ctx, unsigned vcpu, struct gdb_regs *r)
{
	struct fake_target *t = ctx;

	if (t->fail_regs || vcpu >= FAKE_VCPUS)
		return -1;
	*r = t->regs[vcpu];
	return 0;
}

static int write_regs(void *ctx, unsigned vcpu, const struct gdb_regs *r)
{
	struct fake_target *t = ctx;

	if (t->fail_regs || vcpu >= FAKE_VCPUS)
		return -1;
	t->regs[vcpu] = *r;
	return 0;
}

/* Bytes of [gva, gva + len) inside the window, from the start. */
static size_t window(uint64_t gva, size_t len)
{
	uint64_t off = gva - FAKE_MEM_BASE;

	if (gva < FAKE_MEM_BASE || off >= FAKE_MEM_SIZE)
		return 0;
	return len < FAKE_MEM_SIZE - off ? len : (size_t)(FAKE_MEM_SIZE - off);
}

static size_t read_mem(void *ctx, unsigned vcpu, uint64_t gva, void *buf, size_t len)
{
	struct fake_target *t = ctx;
	size_t n = window(gva, len);

	(void)vcpu;
	if (n)
		memcpy(buf, t->mem + (gva - FAKE_MEM_BASE), n);
	return n;
}

static size_t write_mem(void *ctx, unsigned vcpu, uint64_t gva, const void *buf, size_t len)
{
	struct fake_target *t = ctx;
	size_t n = window(gva, len);

	(void)vcpu;
	if (n)
		memcpy(t->mem + (gva - FAKE_MEM_BASE), buf, n);
	return n;
}

static void set_hw_debug(void *ctx, const struct gdb_hw_debug *hw)
{
	struct fake_target *t = ctx;

	t->hw = *hw;
	t->hw_sets++;
}

static void resume(void *ctx, const uint8_t *run, unsigned n)
{
	struct fake_target *t = ctx;

	memcpy(t->last_run, run, n < FAKE_VCPUS ? n : FAKE_VCPUS);
	t->resumes++;
}

static void interrupt(void *ctx)
{
	struct fake_target *t = ctx;

	t->interrupts++;
}

static void detach(void *ctx, bool kill)
{
	struct fake_target *t = ctx;

	if (kill)
		t->kills++;
	else
		t->detaches++;
}

static void write_out(void *ctx, const uint8_t *buf, size_t len)
{
	struct fake_target *t = ctx;

	if (t->on_write) {
		t->on_write(t, buf, len);
		return;
	}
	if (len > sizeof(t->out) - t->out_len)
		len = sizeof(t->out) - t->out_len;
	memcpy(t->out + t->out_len, buf, len);
	t->out_len += len;
}

const struct gdb_target_ops fake_ops = {
	.nr_threads = nr_threads,
	.read_regs = read_regs,
	.write_regs = write_regs,
	.read_mem = read_mem,
	.write_mem = write_mem,
	.set_hw_debug = set_hw_debug,
	.resume = resume,
	.interrupt = interrupt,
	.detach = detach,
	.write = write_out,
};

void fake_init(struct fake_target *t)
{
	unsigned i, v;

	memset(t, 0, sizeof(*t));
	for (i = 0; i < FAKE_MEM_SIZE; i++)
		t->mem[i] = (uint8_t)(i * 7 + 3);
	for (v = 0; v < FAKE_VCPUS; v++) {
		struct gdb_regs *r = &t->regs[v];

		r->rax = 0x1111111111111111ull * (v + 1);
		r->rbx = 0xb0b0 + v;
		r->rsp = FAKE_MEM_BASE + 0x8000 + v * 0x1000;
		r->rbp = r->rsp + 0x40;
		r->rip = FAKE_MEM_BASE + 0x100 + v * 0x10;
		r->eflags = 0x246;
		r->cs = 0x10;
		r->ss = r->ds = r->es = 0x18;
		r->gs_base = 0xffff888000000000ull + v;
		r->cr0 = 0x80050033;
		r->cr3 = 0x1000000 + v * 0x1000;
		r->cr4 = 0x3506f0;
		r->efer = 0xd01;
	}
}
