/* SPDX-License-Identifier: MIT */
/* GDB stub: register (g G p P) and memory (m M X) packets, GDB manual E.2. */
#include "hv/debug/gdb_internal.h"

/* ---- registers --------------------------------------------------------------- */

bool gdb_read_regs(struct gdb_stub *s, unsigned tid, struct gdb_regs *r)
{
	*r = (struct gdb_regs){ 0 };
	return s->ops->read_regs && s->ops->read_regs(s->ctx, gdb_vcpu_of(s, tid), r) == 0;
}

bool gdb_write_regs(struct gdb_stub *s, unsigned tid, const struct gdb_regs *r)
{
	return s->ops->write_regs && s->ops->write_regs(s->ctx, gdb_vcpu_of(s, tid), r) == 0;
}

void gdb_cmd_g(struct gdb_stub *s)
{
	struct gdb_regs r;
	char hex[32];
	unsigned i;

	if (!gdb_read_regs(s, s->g_thread, &r)) {
		rsp_send(&s->rsp, GDB_E_REGS);
		return;
	}
	rsp_begin(&s->rsp);
	for (i = 0; i < gdb_nr_regs; i++) {
		size_t n = gdb_reg_to_hex(&r, i, hex, sizeof(hex) - 1);

		hex[n] = '\0';
		rsp_put_text(&s->rsp, hex);
	}
	rsp_end(&s->rsp);
}

void gdb_cmd_G(struct gdb_stub *s, struct gdb_cur *c)
{
	struct gdb_regs r;
	unsigned i;

	if ((size_t)(c->end - c->p) != 2u * GDB_REGS_WIRE_BYTES) {
		rsp_send(&s->rsp, GDB_E_INVAL);
		return;
	}
	if (!gdb_read_regs(s, s->g_thread, &r)) {
		rsp_send(&s->rsp, GDB_E_REGS);
		return;
	}
	for (i = 0; i < gdb_nr_regs; i++) {
		size_t len = 2u * gdb_reg_table[i].bytes;

		if (!gdb_reg_from_hex(&r, i, c->p, len)) {
			rsp_send(&s->rsp, GDB_E_INVAL);
			return;
		}
		c->p += len;
	}
	rsp_send(&s->rsp, gdb_write_regs(s, s->g_thread, &r) ? "OK" : GDB_E_REGS);
}

void gdb_cmd_p(struct gdb_stub *s, struct gdb_cur *c)
{
	struct gdb_regs r;
	uint64_t n;
	char hex[32];
	size_t len;

	if (!gdb_hex_u64(c, &n) || !gdb_at_end(c) || n >= gdb_nr_regs) {
		rsp_send(&s->rsp, GDB_E_INVAL);
		return;
	}
	if (!gdb_read_regs(s, s->g_thread, &r)) {
		rsp_send(&s->rsp, GDB_E_REGS);
		return;
	}
	len = gdb_reg_to_hex(&r, (unsigned)n, hex, sizeof(hex) - 1);
	hex[len] = '\0';
	rsp_send(&s->rsp, hex);
}

void gdb_cmd_P(struct gdb_stub *s, struct gdb_cur *c)
{
	struct gdb_regs r;
	uint64_t n;

	if (!gdb_hex_u64(c, &n) || !gdb_expect(c, '=') || n >= gdb_nr_regs) {
		rsp_send(&s->rsp, GDB_E_INVAL);
		return;
	}
	if (!gdb_read_regs(s, s->g_thread, &r)) {
		rsp_send(&s->rsp, GDB_E_REGS);
		return;
	}
	if (!gdb_reg_from_hex(&r, (unsigned)n, c->p, (size_t)(c->end - c->p))) {
		rsp_send(&s->rsp, GDB_E_INVAL);
		return;
	}
	rsp_send(&s->rsp, gdb_write_regs(s, s->g_thread, &r) ? "OK" : GDB_E_REGS);
}

/* ---- memory ------------------------------------------------------------------ */

/* "ADDR,LEN" with LEN capped so the range neither wraps nor exceeds @max. */
static bool addr_len(struct gdb_cur *c, uint64_t *addr, uint64_t *len, uint64_t max)
{
	if (!gdb_hex_u64(c, addr) || !gdb_expect(c, ',') || !gdb_hex_u64(c, len))
		return false;
	if (*len > max)
		return false;
	if (*len && *addr + *len - 1 < *addr)
		*len = 0 - *addr;
	return true;
}

void gdb_cmd_m(struct gdb_stub *s, struct gdb_cur *c)
{
	uint64_t addr, len;
	size_t got = 0;

	/* gdb asks for what fits its PacketSize; a longer ask gets a shorter answer. */
	if (!addr_len(c, &addr, &len, UINT64_MAX) || !gdb_at_end(c) || !len) {
		rsp_send(&s->rsp, GDB_E_INVAL);
		return;
	}
	if (len > GDB_MAX_MEM)
		len = GDB_MAX_MEM;
	if (s->ops->read_mem)
		got = s->ops->read_mem(s->ctx, gdb_vcpu_of(s, s->g_thread), addr, s->mem, len);
	if (!got || got > len) {
		rsp_send(&s->rsp, GDB_E_FAULT);
		return;
	}
	gdb_sw_mask(&s->bps, addr, s->mem, got);
	rsp_begin(&s->rsp);
	rsp_put_hex(&s->rsp, s->mem, got);
	rsp_end(&s->rsp);
}

static void write_mem(struct gdb_stub *s, uint64_t addr, size_t len)
{
	size_t put = 0;

	if (!len) {             /* gdb probes X support with a zero-length write */
		rsp_send(&s->rsp, "OK");
		return;
	}
	gdb_sw_write_through(&s->bps, addr, s->mem, len);
	if (s->ops->write_mem)
		put = s->ops->write_mem(s->ctx, gdb_vcpu_of(s, s->g_thread), addr, s->mem, len);
	rsp_send(&s->rsp, put == len ? "OK" : GDB_E_FAULT);
}

void gdb_cmd_M(struct gdb_stub *s, struct gdb_cur *c)
{
	uint64_t addr, len, i;

	if (!addr_len(c, &addr, &len, GDB_MAX_MEM) || !gdb_expect(c, ':') ||
	    (uint64_t)(c->end - c->p) != 2 * len) {
		rsp_send(&s->rsp, GDB_E_INVAL);
		return;
	}
	for (i = 0; i < len; i++) {
		int hi = rsp_hexval((uint8_t)c->p[2 * i]), lo = rsp_hexval((uint8_t)c->p[2 * i + 1]);

		if (hi < 0 || lo < 0) {
			rsp_send(&s->rsp, GDB_E_INVAL);
			return;
		}
		s->mem[i] = (uint8_t)(hi << 4 | lo);
	}
	write_mem(s, addr, (size_t)len);
}

void gdb_cmd_X(struct gdb_stub *s, struct gdb_cur *c)
{
	uint64_t addr, len, i;

	/* rsp.c already removed the '}' escapes: the rest is exactly LEN bytes. */
	if (!addr_len(c, &addr, &len, GDB_MAX_MEM) || !gdb_expect(c, ':') ||
	    (uint64_t)(c->end - c->p) != len) {
		rsp_send(&s->rsp, GDB_E_INVAL);
		return;
	}
	for (i = 0; i < len; i++)
		s->mem[i] = (uint8_t)c->p[i];
	write_mem(s, addr, (size_t)len);
}
