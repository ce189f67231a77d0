/* SPDX-License-Identifier: MIT */
/* Breakpoint and watchpoint tables of the GDB stub (see gdb_bp.h). */
#include "hv/debug/gdb_bp.h"

struct gdb_sw_bp *gdb_sw_find(struct gdb_bps *b, uint64_t addr)
{
	unsigned i;

	for (i = 0; i < GDB_MAX_SW_BP; i++)
		if (b->sw[i].used && b->sw[i].addr == addr)
			return &b->sw[i];
	return NULL;
}

struct gdb_sw_bp *gdb_sw_alloc(struct gdb_bps *b)
{
	unsigned i;

	for (i = 0; i < GDB_MAX_SW_BP; i++)
		if (!b->sw[i].used)
			return &b->sw[i];
	return NULL;
}

/* Offset of bp's byte in [addr, addr + len), or len if outside (wrap-safe). */
static uint64_t offset_in(uint64_t bp, uint64_t addr, size_t len)
{
	uint64_t off = bp - addr;

	return off < len ? off : len;
}

void gdb_sw_mask(const struct gdb_bps *b, uint64_t addr, uint8_t *buf, size_t len)
{
	unsigned i;

	for (i = 0; i < GDB_MAX_SW_BP; i++) {
		uint64_t off = offset_in(b->sw[i].addr, addr, len);

		if (b->sw[i].used && off < len)
			buf[off] = b->sw[i].orig;
	}
}

void gdb_sw_write_through(struct gdb_bps *b, uint64_t addr, uint8_t *buf, size_t len)
{
	unsigned i;

	for (i = 0; i < GDB_MAX_SW_BP; i++) {
		uint64_t off = offset_in(b->sw[i].addr, addr, len);

		if (b->sw[i].used && off < len) {
			b->sw[i].orig = buf[off];
			buf[off] = GDB_INT3;
		}
	}
}

static bool hw_args_ok(enum gdb_bp_type type, uint64_t addr, uint64_t len)
{
	if (type == GDB_BP_HW)
		return true;    /* gdb's kind for x86 is 1; DR7 LEN is 00 anyway */
	if (type < GDB_WP_WRITE || type > GDB_WP_ACCESS)
		return false;
	if (len != 1 && len != 2 && len != 4 && len != 8)
		return false;
	return (addr & (len - 1)) == 0;
}

static struct gdb_hw_slot *hw_find(struct gdb_bps *b, enum gdb_bp_type type, uint64_t addr,
				   uint64_t len)
{
	unsigned i;

	if (type == GDB_BP_HW)
		len = 1;
	for (i = 0; i < GDB_NR_HW_BP; i++) {
		struct gdb_hw_slot *s = &b->hw[i];

		if (s->used && s->type == type && s->addr == addr && s->len == len)
			return s;
	}
	return NULL;
}

int gdb_hw_insert(struct gdb_bps *b, enum gdb_bp_type type, uint64_t addr, uint64_t len)
{
	unsigned i;

	if (!hw_args_ok(type, addr, len))
		return -1;
	if (hw_find(b, type, addr, len))
		return 0;       /* Z packets are idempotent (GDB manual E.2) */
	for (i = 0; i < GDB_NR_HW_BP; i++) {
		struct gdb_hw_slot *s = &b->hw[i];

		if (s->used)
			continue;
		s->used = true;
		s->type = (uint8_t)type;
		s->addr = addr;
		s->len = type == GDB_BP_HW ? 1 : (uint8_t)len;
		return 0;
	}
	return -2;
}

int gdb_hw_remove(struct gdb_bps *b, enum gdb_bp_type type, uint64_t addr, uint64_t len)
{
	struct gdb_hw_slot *s = hw_find(b, type, addr, len);

	if (!s)
		return -1;
	s->used = false;
	return 0;
}

static uint64_t len_bits(uint8_t len)
{
	switch (len) {
	case 2: return 1;
	case 4: return 3;
	case 8: return 2;
	default: return 0;
	}
}

void gdb_hw_encode(const struct gdb_bps *b, struct gdb_hw_debug *out)
{
	unsigned i;

	out->dr7 = DR7_FIXED1;
	for (i = 0; i < GDB_NR_HW_BP; i++) {
		const struct gdb_hw_slot *s = &b->hw[i];
		uint64_t rw;

		out->dr[i] = s->used ? s->addr : 0;
		if (!s->used)
			continue;
		rw = s->type == GDB_BP_HW ? DR7_RW_EXEC
		   : s->type == GDB_WP_WRITE ? DR7_RW_WRITE : DR7_RW_RDWR;
		out->dr7 |= DR7_L(i) | rw << DR7_RW_SHIFT(i);
		if (s->type != GDB_BP_HW)
			out->dr7 |= len_bits(s->len) << DR7_LEN_SHIFT(i);
	}
}

int gdb_hw_hit(const struct gdb_bps *b, uint64_t dr6)
{
	unsigned i;

	for (i = 0; i < GDB_NR_HW_BP; i++)
		if ((dr6 & DR6_B(i)) && b->hw[i].used)
			return (int)i;
	return -1;
}
