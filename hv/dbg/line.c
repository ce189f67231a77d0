/* SPDX-License-Identifier: MIT */
/*
 * The debug line: the guest's UART shared with svmhv (the escape sequence,
 * hv/dbg/uart.c) or a second UART that is svmhv's alone (debug_serial=).
 *
 * The shared UART's eight ports are intercepted through the IOPM; the guest's
 * accesses are emulated by hv/dbg/uart.c, which reads every received byte
 * first. svmhv's own UART is hidden from the guest (reads 0xff, writes are
 * dropped: no UART there). Both are also read on exits, at most every
 * DBG_POLL_MS, so the monitor opens when the guest does not touch its UART
 * (a hung guest that still takes interrupts or exits; an NMI, e.g. IPMI's
 * "chassis power diag", always causes an exit).
 *
 * While the GDB stub has the shared line and the guest runs, the guest's
 * output and svmhv's log lines wait in the UART's transmit queue and go out
 * when gdb detaches. See: APM2 15.10.2 (IOIO intercept, EXITINFO1/2).
 */
#include "hv/dbg/dbg_int.h"

#include "hv/console.h"
#include "hv/panic.h"
#include "svm/atomic.h"
#include "svm/hw.h"
#include "svm/msrpm.h"

#define IOIO_TYPE_IN    (1u << 0)
#define IOIO_STR        (1u << 2)
#define IOIO_REP        (1u << 3)
#define IOIO_SZ_SHIFT   4
#define IOIO_PORT_SHIFT 16
#define TX_SPIN         200000u

struct dbg dbg;

uint64_t dbg_now(void)
{
	return rdtsc();
}

void dbg_lock(void)
{
	while (svm_atomic_xchg(&dbg.lock, 1, __ATOMIC_ACQUIRE))
		cpu_relax();
}

void dbg_unlock(void)
{
	svm_atomic_store(&dbg.lock, 0, __ATOMIC_RELEASE);
}

/* ---- the hardware behind struct suart --------------------------------------------- */

static uint8_t port_in(void *ctx, unsigned reg)
{
	return inb((uint16_t)((uintptr_t)ctx + reg));
}

/* The guest's bytes and svmhv's log lines share the transmitter: one at a time. */
static void port_out(void *ctx, unsigned reg, uint8_t v)
{
	bool held = reg == UART_THR && hv_console_lock();

	outb((uint16_t)((uintptr_t)ctx + reg), v);
	if (reg == UART_THR)
		hv_console_unlock(held);
}

bool dbg_iopm_set(uint16_t port, unsigned n, bool on)
{
	return svm_iopm_set((uint8_t *)(uintptr_t)hv.iopm_pa, port, n, on) == 0;
}

static void line_init(struct suart *u, uint16_t port, bool dedicated)
{
	const struct suart_io io = { port_in, port_out, (void *)(uintptr_t)port };

	suart_init(u, &io, &hv.boot.escape, dedicated, DBG_IDLE_MS * dbg.tsc_ms);
	dbg_iopm_set(port, UART_NR_REGS, true);
}

/* Which UART is the debug line, and its ports intercepted. */
bool dbg_line_setup(void)
{
	dbg.shared_port = hv.boot.escape.len ? hv.boot.serial_port : 0;
	dbg.own_port = hv.boot.debug_serial;
	if (dbg.own_port) {
		dbg.shared_port = 0;    /* svmhv has its own line: the guest keeps COM1 as it is */
		line_init(&dbg.own, dbg.own_port, true);
		dbg.line = &dbg.own;
	} else if (dbg.shared_port) {
		line_init(&dbg.shared, dbg.shared_port, false);
		dbg.line = &dbg.shared;
	}
	return dbg.line != NULL;
}

/* ---- svmhv's side of the line ------------------------------------------------------- */

void dbg_write(const uint8_t *buf, size_t len)
{
	for (size_t i = 0; i < len; i++) {
		for (unsigned n = 0; n < TX_SPIN && !suart_tx_ready(dbg.line); n++)
			cpu_relax();
		suart_putc(dbg.line, buf[i]);
	}
}

int dbg_getc(void)
{
	int c;

	dbg_lock();
	suart_poll(dbg.line, dbg_now());
	c = suart_getc(dbg.line);
	dbg_unlock();
	return c;
}

/* Console lines while the stub has the shared line: queued with the guest's output. */
static void divert(const char *s)
{
	dbg_lock();
	suart_queue_tx(dbg.line, s);
	dbg_unlock();
}

void dbg_line_gdb_running(bool running)
{
	bool shared = dbg.line == &dbg.shared;

	dbg.running = running;
	if (!shared)
		return;
	suart_hold_tx(dbg.line, running);
	hv_console_divert(running ? divert : NULL);
}

/*
 * The line is the guest's again: held output goes out first; what was
 * typed after the monitor's "continue" is the guest's input (gdb's last
 * bytes are not).
 */
void dbg_line_give_back(void)
{
	bool keep = dbg.mode == DBG_LINE_MONITOR;
	int c;
	uint8_t b;

	dbg_line_gdb_running(false);
	dbg.mode = DBG_LINE_GUEST;
	dbg_lock();
	while ((c = suart_tx_pop(dbg.line)) >= 0) {
		b = (uint8_t)c;
		dbg_write(&b, 1);
	}
	if (dbg.line->st.tx_dropped)
		hv_warn("debug", "%llu bytes of output were dropped while gdb had the line",
			(unsigned long long)dbg.line->st.tx_dropped);
	dbg.line->st.tx_dropped = 0;
	suart_give_back(dbg.line, keep, dbg_now());
	dbg_unlock();
}

/* ---- events ---------------------------------------------------------------------------- */

static void line_event(struct vcpu *v, enum suart_event ev)
{
	if (ev == SUART_EV_ESCAPE)
		dbg_session(v, DBG_OPEN_MONITOR, NULL);
	else if (ev == SUART_EV_GDB)
		dbg_session(v, DBG_OPEN_GDB, NULL);
	else if (dbg.mode == DBG_LINE_GDB && dbg.running)
		dbg_feed_running(v);
}

/* Read the line on exits, at most every DBG_POLL_MS, on whichever CPU gets there. */
void dbg_poll(struct vcpu *v)
{
	uint64_t now = dbg_now(), last = svm_atomic_load(&dbg.last_poll, __ATOMIC_RELAXED);
	enum suart_event ev;

	if (!dbg.line || now - last < DBG_POLL_MS * dbg.tsc_ms || dbg.mode == DBG_LINE_MONITOR ||
	    (dbg.mode == DBG_LINE_GDB && !dbg.running) ||
	    !__atomic_compare_exchange_n(&dbg.last_poll, &last, now, false, __ATOMIC_RELAXED,
					 __ATOMIC_RELAXED))
		return;
	dbg_lock();
	ev = suart_poll(dbg.line, now);
	dbg_unlock();
	line_event(v, ev);
}

/*
 * A partial escape is held: the guest must get it within DBG_IDLE_MS even
 * if it idles in HLT with no exits at all (x2APIC, TSC-deadline timer on
 * hardware). Until it is released, HLT is intercepted on the vCPUs that
 * pass here, and each HLT exit reads the line and goes straight back to
 * the guest's idle loop (a short busy wait, at most DBG_IDLE_MS).
 */
void hv_dbg_before_vmrun_line(struct vcpu *v)
{
	struct vmcb_control *c = &v->vmcb01->control;
	bool want = dbg.line && suart_holding(dbg.line);

	if (want != (bool)vmcb_is_intercept(c, INTERCEPT_HLT)) {
		if (want)
			vmcb_set_intercept(c, INTERCEPT_HLT);
		else
			vmcb_clr_intercept(c, INTERCEPT_HLT);
	}
}

struct hv_verdict hv_dbg_hlt(struct vcpu *v)
{
	if (!vmcb_is_intercept(&v->vmcb->control, INTERCEPT_HLT))
		hv_panic(v, "unhandled #VMEXIT %llx (HLT, never intercepted here)",
			 (unsigned long long)v->vmcb->control.exit_code);
	dbg_poll(v);
	return hv_skip_insn(v);
}

/* ---- the guest's port I/O ----------------------------------------------------------------- */

/*
 * svmhv's own UART as the guest sees it: an idle 16550 that holds nothing
 * and keeps nothing. The firmware found it before svmhv came and may poll
 * it (reads of 0xff would say "data ready" forever); Linux's probe writes
 * IER and reads 0 back, so it registers no port there.
 */
static uint8_t hidden_uart(unsigned reg)
{
	return reg == UART_LSR ? UART_LSR_THRE | UART_LSR_TEMT :
	       reg == UART_IIR ? UART_IIR_NONE : 0;
}

/* The monitor's "nmi": the NMI'd vCPU's next read of port 0x61 shows IOCHK. */
static uint8_t nmi_reason(const struct vcpu *v, bool in, uint8_t val)
{
	uint32_t want = v->index + 1;

	if (!in) {
		outb(NMI_REASON_PORT, val);
		return 0;
	}
	val = inb(NMI_REASON_PORT);
	if (svm_atomic_cas(&dbg.iochk, &want, 0, __ATOMIC_SEQ_CST)) {
		val |= NMI_REASON_IOCHK;
		dbg_iopm_set(NMI_REASON_PORT, 1, false);
	}
	return val;
}

/* One byte of the guest's IN/OUT at port; *ev says what the line saw. */
static uint8_t io_byte(const struct vcpu *v, uint16_t port, bool in, uint8_t val,
		       enum suart_event *ev)
{
	uint8_t r = 0;

	*ev = SUART_EV_NONE;
	if (dbg.shared_port && (uint16_t)(port - dbg.shared_port) < UART_NR_REGS) {
		dbg_lock();
		if (in)
			r = suart_guest_in(&dbg.shared, port - dbg.shared_port, dbg_now(), ev);
		else
			suart_guest_out(&dbg.shared, port - dbg.shared_port, val, dbg_now(), ev);
		dbg_unlock();
	} else if (dbg.own_port && (uint16_t)(port - dbg.own_port) < UART_NR_REGS) {
		r = hidden_uart((unsigned)(port - dbg.own_port));
	} else if (port == NMI_REASON_PORT) {
		r = nmi_reason(v, in, val);
	} else {
		r = 0xff;       /* nothing else is intercepted */
	}
	return r;
}

/*
 * VMEXIT_IOIO: the ports svmhv intercepts are the shared UART's, its own
 * UART's and (briefly) port 0x61. A 2- or 4-byte access is done byte by
 * byte; string I/O to them is not emulated (nothing uses it on a UART) and
 * is skipped with a warning. The next RIP is EXITINFO2 (APM2 15.10.2).
 */
struct hv_verdict hv_dbg_ioio(struct vcpu *v)
{
	struct vmcb_control *c = &v->vmcb->control;
	uint32_t info = (uint32_t)c->exit_info_1;
	uint16_t port = (uint16_t)(info >> IOIO_PORT_SHIFT);
	unsigned size = (info >> IOIO_SZ_SHIFT) & 7, n = size == 4 ? 4 : size == 2 ? 2 : 1;
	bool in = info & IOIO_TYPE_IN;
	uint64_t rax = v->vmcb->save.rax, result = 0;
	enum suart_event ev = SUART_EV_NONE, e;

	if (info & (IOIO_STR | IOIO_REP)) {
		hv_warn("debug", "string I/O to port %x at rip %llx skipped", port,
			(unsigned long long)v->vmcb->save.rip);
	} else {
		for (unsigned i = 0; i < n; i++) {
			result |= (uint64_t)io_byte(v, (uint16_t)(port + i), in,
						    (uint8_t)(rax >> (8 * i)), &e) << (8 * i);
			if (e != SUART_EV_NONE)
				ev = e;
		}
		if (in)
			v->vmcb->save.rax = n == 4 ? result :
				(rax & ~((1ull << (8 * n)) - 1)) | result;
	}
	hv_set_rip(v, c->exit_info_2);
	line_event(v, ev);
	return hv_resume();
}
