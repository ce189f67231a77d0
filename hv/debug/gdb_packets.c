/* SPDX-License-Identifier: MIT */
/*
 * GDB stub: general queries (q/Q), v-packets (vCont) and breakpoints (Z/z).
 * See: GDB manual (gdb 13), E.2 "Packets", E.4 "General Query Packets".
 */
#include "hv/debug/gdb_internal.h"

#include "hv/fmt.h"

/* Does the packet start with @word? Then skip it. */
static bool take(struct gdb_cur *c, const char *word)
{
	const char *p = c->p;

	for (; *word; word++, p++)
		if (p >= c->end || *p != *word)
			return false;
	c->p = p;
	return true;
}

/* ---- q / Q ------------------------------------------------------------------- */

static void q_supported(struct gdb_stub *s, struct gdb_cur *c)
{
	char b[128];

	/* gdb's own features, "name+;name-;name=value", tell what it understands. */
	while (!gdb_at_end(c)) {
		if (take(c, "swbreak+"))
			s->gdb_swbreak = true;
		else if (take(c, "hwbreak+"))
			s->gdb_hwbreak = true;
		else
			c->p++;
	}
	hv_snprintf(b, sizeof(b), "PacketSize=%x;qXfer:features:read+;swbreak+;hwbreak+;"
		    "QStartNoAckMode+;vContSupported+", RSP_MAX_PACKET);
	rsp_send(&s->rsp, b);
}

/* qXfer:features:read:target.xml:OFFSET,LENGTH -> 'm'/'l' + binary data. */
static void q_xfer_features(struct gdb_stub *s, struct gdb_cur *c)
{
	uint64_t off, len;
	size_t room;

	if (!take(c, "target.xml:")) {
		rsp_send(&s->rsp, "E00");       /* unknown annex (GDB manual E.4 qXfer) */
		return;
	}
	if (!gdb_hex_u64(c, &off) || !gdb_expect(c, ',') || !gdb_hex_u64(c, &len) ||
	    !gdb_at_end(c) || !s->xml_len) {
		rsp_send(&s->rsp, GDB_E_INVAL);
		return;
	}
	if (off >= s->xml_len) {
		rsp_send(&s->rsp, "l");
		return;
	}
	/* Escaping may double each byte: ask for no more than half the room. */
	room = (rsp_room(&s->rsp) - 8) / 2;
	if (len > room)
		len = room;
	if (len > s->xml_len - off)
		len = s->xml_len - off;
	rsp_begin(&s->rsp);
	rsp_put_text(&s->rsp, off + len < s->xml_len ? "m" : "l");
	rsp_put_binary(&s->rsp, s->xml + off, (size_t)len);
	rsp_end(&s->rsp);
}

static void q_thread_info(struct gdb_stub *s)
{
	unsigned n = gdb_nr_threads(s), i;
	char b[16];

	rsp_begin(&s->rsp);
	for (i = 0; i < n; i++) {
		hv_snprintf(b, sizeof(b), "%c%x", i ? ',' : 'm', i + 1);
		rsp_put_text(&s->rsp, b);
	}
	rsp_end(&s->rsp);
}

static size_t str_len(const char *p)
{
	size_t n = 0;

	while (p[n])
		n++;
	return n;
}

static void q_extra_info(struct gdb_stub *s, struct gdb_cur *c)
{
	unsigned tid;
	char name[64];

	if (!gdb_thread_id(s, c, &tid) || !gdb_at_end(c) || tid == 0 || tid == ~0u) {
		rsp_send(&s->rsp, GDB_E_THREAD);
		return;
	}
	hv_snprintf(name, sizeof(name), "vcpu%u", tid - 1);
	if (s->ops->thread_name)
		s->ops->thread_name(s->ctx, tid - 1, name, sizeof(name));
	name[sizeof(name) - 1] = '\0';
	rsp_begin(&s->rsp);
	rsp_put_hex(&s->rsp, name, str_len(name));
	rsp_end(&s->rsp);
}

void gdb_handle_query(struct gdb_stub *s, struct gdb_cur *c)
{
	char b[32];

	c->p--;                 /* back to 'q' / 'Q' */
	if (take(c, "qSupported")) {
		if (!gdb_at_end(c))
			c->p++;         /* ':' */
		q_supported(s, c);
	} else if (take(c, "qXfer:features:read:")) {
		q_xfer_features(s, c);
	} else if (take(c, "qfThreadInfo")) {
		q_thread_info(s);
	} else if (take(c, "qsThreadInfo")) {
		rsp_send(&s->rsp, "l");
	} else if (take(c, "qThreadExtraInfo,")) {
		q_extra_info(s, c);
	} else if (take(c, "qC") && gdb_at_end(c)) {
		hv_snprintf(b, sizeof(b), "QC%x", s->last_stop.vcpu + 1);
		rsp_send(&s->rsp, b);
	} else if (take(c, "qAttached")) {
		rsp_send(&s->rsp, "1");         /* attached to a running machine: D, not k */
	} else if (take(c, "qSymbol::")) {
		rsp_send(&s->rsp, "OK");        /* no symbols needed */
	} else if (take(c, "QStartNoAckMode")) {
		rsp_send(&s->rsp, "OK");        /* acked normally, then no more acks (E.11) */
		s->rsp.no_ack = true;
	} else {
		rsp_send(&s->rsp, "");
	}
}

/* ---- v ------------------------------------------------------------------------- */

#define RUN_UNSET       0xff

/* One vCont action: c, s, t, Cxx, Sxx, with an optional ":thread". */
static bool vcont_action(struct gdb_stub *s, struct gdb_cur *c, unsigned n)
{
	char a = gdb_at_end(c) ? 0 : *c->p++;
	uint64_t sig;
	unsigned tid = ~0u, i;
	uint8_t run;

	if (a == 'C' || a == 'S') {
		if (!gdb_hex_u64(c, &sig))
			return false;
		a = (char)(a - 'A' + 'a');      /* signals are meaningless to a guest */
	}
	if (a == 'c')
		run = GDB_RUN_CONT;
	else if (a == 's')
		run = GDB_RUN_STEP;
	else if (a == 't')
		run = GDB_RUN_STOP;
	else
		return false;
	if (gdb_expect(c, ':') && !gdb_thread_id(s, c, &tid))
		return false;
	if (tid == 0)
		tid = s->last_stop.vcpu + 1;
	/* The leftmost action that matches a thread wins (GDB manual E.2 vCont). */
	for (i = 0; i < n; i++)
		if (s->run[i] == RUN_UNSET && (tid == ~0u || tid == i + 1))
			s->run[i] = run;
	return gdb_at_end(c) || *c->p == ';';
}

static void v_cont(struct gdb_stub *s, struct gdb_cur *c)
{
	unsigned n = gdb_nr_threads(s), i;
	bool any = false;

	for (i = 0; i < n; i++)
		s->run[i] = RUN_UNSET;
	while (gdb_expect(c, ';')) {
		if (!vcont_action(s, c, n)) {
			rsp_send(&s->rsp, GDB_E_INVAL);
			return;
		}
		any = true;
	}
	if (!any || !gdb_at_end(c)) {
		rsp_send(&s->rsp, GDB_E_INVAL);
		return;
	}
	for (i = 0; i < n; i++)
		if (s->run[i] == RUN_UNSET)
			s->run[i] = GDB_RUN_STOP;
	gdb_resume(s);
}

void gdb_handle_v(struct gdb_stub *s, struct gdb_cur *c)
{
	c->p--;
	if (take(c, "vCont?")) {
		/* gdb uses vCont only if c and C are there; s and S for stepping. */
		rsp_send(&s->rsp, "vCont;c;C;s;S;t");
	} else if (take(c, "vCont")) {
		v_cont(s, c);
	} else if (take(c, "vKill")) {
		rsp_send(&s->rsp, "OK");        /* unlike 'k', vKill has a reply */
		gdb_leave(s, true);
	} else {
		rsp_send(&s->rsp, "");
	}
}

/* ---- Z / z ---------------------------------------------------------------------- */

static unsigned bp_vcpu(struct gdb_stub *s)
{
	return gdb_vcpu_of(s, s->g_thread);
}

static const char *sw_insert(struct gdb_stub *s, uint64_t addr)
{
	static const uint8_t int3 = GDB_INT3;
	struct gdb_sw_bp *bp;
	uint8_t orig;

	if (gdb_sw_find(&s->bps, addr))
		return "OK";    /* Z is idempotent (GDB manual E.2) */
	bp = gdb_sw_alloc(&s->bps);
	if (!bp)
		return GDB_E_NOSPC;
	if (!s->ops->read_mem || !s->ops->write_mem ||
	    s->ops->read_mem(s->ctx, bp_vcpu(s), addr, &orig, 1) != 1 ||
	    s->ops->write_mem(s->ctx, bp_vcpu(s), addr, &int3, 1) != 1)
		return GDB_E_FAULT;
	*bp = (struct gdb_sw_bp){ .addr = addr, .orig = orig, .used = true };
	return "OK";
}

static const char *sw_remove(struct gdb_stub *s, uint64_t addr)
{
	struct gdb_sw_bp *bp = gdb_sw_find(&s->bps, addr);
	bool ok;

	if (!bp)
		return "OK";
	ok = s->ops->write_mem &&
	     s->ops->write_mem(s->ctx, bp_vcpu(s), addr, &bp->orig, 1) == 1;
	bp->used = false;       /* even if the page went away: nothing left to undo */
	return ok ? "OK" : GDB_E_FAULT;
}

static void hw_changed(struct gdb_stub *s)
{
	struct gdb_hw_debug hw;

	gdb_hw_encode(&s->bps, &hw);
	if (s->ops->set_hw_debug)
		s->ops->set_hw_debug(s->ctx, &hw);
}

static const char *hw_op(struct gdb_stub *s, enum gdb_bp_type type, uint64_t addr,
			 uint64_t kind, bool insert)
{
	int rc;

	if (!insert) {
		if (gdb_hw_remove(&s->bps, type, addr, kind) == 0)
			hw_changed(s);
		return "OK";
	}
	rc = gdb_hw_insert(&s->bps, type, addr, kind);
	if (rc == -1)
		return GDB_E_INVAL;
	if (rc == -2)
		return GDB_E_NOSPC;
	hw_changed(s);
	return "OK";
}

/* Z/z TYPE,ADDR,KIND; KIND is 1 for an x86 breakpoint, the length for a watchpoint. */
void gdb_handle_z(struct gdb_stub *s, struct gdb_cur *c, bool insert)
{
	uint64_t type, addr, kind;

	if (!gdb_hex_u64(c, &type) || !gdb_expect(c, ',') || !gdb_hex_u64(c, &addr) ||
	    !gdb_expect(c, ',') || !gdb_hex_u64(c, &kind) || !gdb_at_end(c)) {
		rsp_send(&s->rsp, GDB_E_INVAL);
		return;
	}
	if (type > GDB_WP_ACCESS) {
		rsp_send(&s->rsp, "");  /* not supported */
		return;
	}
	if (type == GDB_BP_SW) {
		if (kind != 1)
			rsp_send(&s->rsp, GDB_E_INVAL);
		else
			rsp_send(&s->rsp, insert ? sw_insert(s, addr) : sw_remove(s, addr));
		return;
	}
	rsp_send(&s->rsp, hw_op(s, (enum gdb_bp_type)type, addr, kind, insert));
}

void gdb_remove_all_breakpoints(struct gdb_stub *s)
{
	unsigned i;

	for (i = 0; i < GDB_MAX_SW_BP; i++)
		if (s->bps.sw[i].used)
			sw_remove(s, s->bps.sw[i].addr);
	for (i = 0; i < GDB_NR_HW_BP; i++)
		s->bps.hw[i].used = false;
	hw_changed(s);
}
