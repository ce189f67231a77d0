/* SPDX-License-Identifier: MIT */
/*
 * GDB stub: connection state, stop replies, threads and resume packets.
 * Registers and memory are in gdb_data.c; queries, v-packets and
 * breakpoints in gdb_packets.c.
 */
#include "hv/debug/gdb_internal.h"

#include "hv/fmt.h"

#define SIGINT_NR       2       /* gdb's signal numbers (GDB manual E.3: "AA") */
#define SIGTRAP_NR      5

static void transport(void *ctx, const uint8_t *buf, size_t len)
{
	struct gdb_stub *s = ctx;

	if (s->ops->write)
		s->ops->write(s->ctx, buf, len);
}

void gdb_stub_init(struct gdb_stub *s, const struct gdb_target_ops *ops, void *ctx)
{
	s->ops = ops;
	s->ctx = ctx;
	rsp_init(&s->rsp, transport, s);
	s->state = GDB_ST_DETACHED;
	s->bps = (struct gdb_bps){ 0 };
	s->xml_len = gdb_target_xml(s->xml, sizeof(s->xml));
}

void gdb_stub_attach(struct gdb_stub *s, unsigned vcpu)
{
	rsp_init(&s->rsp, transport, s);       /* a new gdb starts with acks */
	s->state = GDB_ST_STOPPED;
	s->last_stop = (struct gdb_stop){ .vcpu = vcpu, .kind = GDB_STOP_SIGNAL };
	s->g_thread = s->c_thread = vcpu + 1;
	s->gdb_swbreak = s->gdb_hwbreak = false;
}

/* ---- small parsers --------------------------------------------------------- */

bool gdb_at_end(const struct gdb_cur *c)
{
	return c->p >= c->end;
}

bool gdb_expect(struct gdb_cur *c, char ch)
{
	if (gdb_at_end(c) || *c->p != ch)
		return false;
	c->p++;
	return true;
}

bool gdb_hex_u64(struct gdb_cur *c, uint64_t *v)
{
	unsigned n = 0;
	uint64_t x = 0;
	int d;

	while (!gdb_at_end(c) && (d = rsp_hexval((uint8_t)*c->p)) >= 0) {
		if (++n > 16)
			return false;
		x = x << 4 | (uint64_t)d;
		c->p++;
	}
	*v = x;
	return n > 0;
}

unsigned gdb_nr_threads(struct gdb_stub *s)
{
	unsigned n = s->ops->nr_threads ? s->ops->nr_threads(s->ctx) : 1;

	return n > GDB_MAX_THREADS ? GDB_MAX_THREADS : n;
}

bool gdb_thread_id(struct gdb_stub *s, struct gdb_cur *c, unsigned *tid)
{
	uint64_t v;

	if (gdb_expect(c, '-')) {
		if (!gdb_expect(c, '1'))
			return false;
		*tid = ~0u;
		return true;
	}
	if (!gdb_hex_u64(c, &v) || v > gdb_nr_threads(s))
		return false;
	*tid = (unsigned)v;
	return true;
}

unsigned gdb_vcpu_of(struct gdb_stub *s, unsigned tid)
{
	if (tid == 0 || tid == ~0u)
		return s->last_stop.vcpu;
	return tid - 1;
}

/* ---- stop replies ---------------------------------------------------------- */

static void send_stop(struct gdb_stub *s)
{
	const struct gdb_stop *st = &s->last_stop;
	static const char *const watch_kind[] = {
		[GDB_WP_WRITE] = "watch", [GDB_WP_READ] = "rwatch", [GDB_WP_ACCESS] = "awatch",
	};
	char b[96];
	int n;

	n = hv_snprintf(b, sizeof(b), "T%02xthread:%x;",
			st->kind == GDB_STOP_INTERRUPT ? SIGINT_NR : SIGTRAP_NR, st->vcpu + 1);
	/* swbreak/hwbreak only when gdb asked for them (GDB manual E.3). */
	if (st->kind == GDB_STOP_SWBREAK && s->gdb_swbreak)
		hv_snprintf(b + n, sizeof(b) - (size_t)n, "swbreak:;");
	else if (st->kind == GDB_STOP_HWBREAK && s->gdb_hwbreak)
		hv_snprintf(b + n, sizeof(b) - (size_t)n, "hwbreak:;");
	else if (st->kind == GDB_STOP_WATCH && st->watch >= GDB_WP_WRITE &&
		 st->watch <= GDB_WP_ACCESS)
		hv_snprintf(b + n, sizeof(b) - (size_t)n, "%s:%llx;", watch_kind[st->watch],
			    (unsigned long long)st->addr);
	rsp_send(&s->rsp, b);
}

void gdb_stub_stopped(struct gdb_stub *s, const struct gdb_stop *stop)
{
	bool waiting = s->state == GDB_ST_RUNNING;

	if (s->state == GDB_ST_DETACHED)
		return;
	s->last_stop = *stop;
	if (s->last_stop.vcpu >= gdb_nr_threads(s))
		s->last_stop.vcpu = 0;
	s->g_thread = s->c_thread = s->last_stop.vcpu + 1;
	s->state = GDB_ST_STOPPED;
	if (waiting)            /* gdb is waiting for exactly one stop reply */
		send_stop(s);
}

bool gdb_stub_is_sw_break(const struct gdb_stub *s, uint64_t addr)
{
	return gdb_sw_find((struct gdb_bps *)&s->bps, addr) != NULL;
}

bool gdb_stub_decode_dr6(const struct gdb_stub *s, unsigned vcpu, uint64_t dr6,
			 struct gdb_stop *stop)
{
	int slot = gdb_hw_hit(&s->bps, dr6);

	*stop = (struct gdb_stop){ .vcpu = vcpu, .kind = GDB_STOP_STEP };
	if (slot >= 0) {
		const struct gdb_hw_slot *h = &s->bps.hw[slot];

		stop->kind = h->type == GDB_BP_HW ? GDB_STOP_HWBREAK : GDB_STOP_WATCH;
		stop->addr = h->addr;
		stop->watch = (enum gdb_bp_type)h->type;
		return true;
	}
	return (dr6 & DR6_BS) != 0;
}

/* ---- threads and resume ------------------------------------------------------- */

static void cmd_H(struct gdb_stub *s, struct gdb_cur *c)
{
	char op = gdb_at_end(c) ? 0 : *c->p++;
	unsigned tid;

	if ((op != 'g' && op != 'c') || !gdb_thread_id(s, c, &tid) || !gdb_at_end(c)) {
		rsp_send(&s->rsp, GDB_E_INVAL);
		return;
	}
	if (op == 'g')
		s->g_thread = tid;
	else
		s->c_thread = tid;
	rsp_send(&s->rsp, "OK");
}

static void cmd_T(struct gdb_stub *s, struct gdb_cur *c)
{
	unsigned tid;

	if (!gdb_thread_id(s, c, &tid) || !gdb_at_end(c) || tid == 0 || tid == ~0u)
		rsp_send(&s->rsp, GDB_E_THREAD);
	else
		rsp_send(&s->rsp, "OK");
}

void gdb_resume(struct gdb_stub *s)
{
	s->state = GDB_ST_RUNNING;
	if (s->ops->resume)
		s->ops->resume(s->ctx, s->run, gdb_nr_threads(s));
}

/* c/s [ADDR] and C/S SIG[;ADDR]: signals mean nothing to a guest; ignored. */
static void cmd_cont(struct gdb_stub *s, struct gdb_cur *c, bool step, bool sig)
{
	unsigned n = gdb_nr_threads(s), i, v = gdb_vcpu_of(s, s->c_thread);
	uint64_t addr, signo;

	if (sig && (!gdb_hex_u64(c, &signo) || (!gdb_at_end(c) && !gdb_expect(c, ';')))) {
		rsp_send(&s->rsp, GDB_E_INVAL);
		return;
	}
	if (!gdb_at_end(c)) {
		struct gdb_regs r;

		if (!gdb_hex_u64(c, &addr) || !gdb_at_end(c)) {
			rsp_send(&s->rsp, GDB_E_INVAL);
			return;
		}
		if (!gdb_read_regs(s, s->c_thread, &r) ||
		    (r.rip = addr, !gdb_write_regs(s, s->c_thread, &r))) {
			rsp_send(&s->rsp, GDB_E_REGS);
			return;
		}
	}
	/* A step moves only the stepping vCPU, so nothing else runs under it. */
	for (i = 0; i < n; i++)
		s->run[i] = step ? GDB_RUN_STOP : GDB_RUN_CONT;
	if (step)
		s->run[v] = GDB_RUN_STEP;
	gdb_resume(s);
}

void gdb_leave(struct gdb_stub *s, bool kill)
{
	unsigned n = gdb_nr_threads(s), i;

	gdb_remove_all_breakpoints(s);
	for (i = 0; i < n; i++)
		s->run[i] = GDB_RUN_CONT;
	if (s->ops->resume)
		s->ops->resume(s->ctx, s->run, n);
	if (s->ops->detach)
		s->ops->detach(s->ctx, kill);
	s->state = GDB_ST_DETACHED;
}

/* ---- dispatch ---------------------------------------------------------------- */

static void dispatch(struct gdb_stub *s)
{
	struct gdb_cur c = { (const char *)s->rsp.pkt + 1, (const char *)s->rsp.pkt + s->rsp.pkt_len };
	char cmd = s->rsp.pkt_len ? (char)s->rsp.pkt[0] : 0;

	switch (cmd) {
	case '?': send_stop(s); break;
	case 'g': gdb_cmd_g(s); break;
	case 'G': gdb_cmd_G(s, &c); break;
	case 'p': gdb_cmd_p(s, &c); break;
	case 'P': gdb_cmd_P(s, &c); break;
	case 'm': gdb_cmd_m(s, &c); break;
	case 'M': gdb_cmd_M(s, &c); break;
	case 'X': gdb_cmd_X(s, &c); break;
	case 'H': cmd_H(s, &c); break;
	case 'T': cmd_T(s, &c); break;
	case 'c': cmd_cont(s, &c, false, false); break;
	case 's': cmd_cont(s, &c, true, false); break;
	case 'C': cmd_cont(s, &c, false, true); break;
	case 'S': cmd_cont(s, &c, true, true); break;
	case 'D': rsp_send(&s->rsp, "OK"); gdb_leave(s, false); break;
	case 'k': gdb_leave(s, true); break;     /* no reply to 'k' (E.2) */
	case 'q':
	case 'Q': gdb_handle_query(s, &c); break;
	case 'v': gdb_handle_v(s, &c); break;
	case 'Z': gdb_handle_z(s, &c, true); break;
	case 'z': gdb_handle_z(s, &c, false); break;
	default: rsp_send(&s->rsp, ""); break;  /* unsupported: empty reply (E.2) */
	}
}

enum gdb_verdict gdb_stub_input(struct gdb_stub *s, uint8_t byte)
{
	enum rsp_event ev;

	if (s->state == GDB_ST_DETACHED)
		return GDB_V_DETACHED;
	ev = rsp_input(&s->rsp, byte);
	if (ev == RSP_INTERRUPT && s->state == GDB_ST_RUNNING && s->ops->interrupt)
		s->ops->interrupt(s->ctx);      /* its stop comes via gdb_stub_stopped() */
	else if (ev == RSP_TOO_LONG)
		rsp_send(&s->rsp, GDB_E_INVAL);
	else if (ev == RSP_PACKET && s->state == GDB_ST_RUNNING)
		rsp_send(&s->rsp, "E.target is running");
	else if (ev == RSP_PACKET)
		dispatch(s);
	return s->state == GDB_ST_STOPPED ? GDB_V_STOPPED
	     : s->state == GDB_ST_RUNNING ? GDB_V_RUNNING : GDB_V_DETACHED;
}
