/* SPDX-License-Identifier: MIT */
/*
 * Who has the debug line, and the loop that serves it while every vCPU is
 * stopped.
 *
 *   guest ──escape──> monitor ──"gdb"──> GDB stub ──c/s──> guest runs, the
 *     ^                  │                   ^   │         stub keeps the line
 *     └────"continue"────┘                   │   └─breakpoint, step, Ctrl-C─┐
 *     └─────────────────────"detach"─────────┴──────────────────────────────┘
 *
 * The vCPU that saw the event (escape, breakpoint, gdb's Ctrl-C) becomes
 * the master (hv/dbg/stop.c), stops the others and runs the loop in its exit
 * handler: it reads the line and feeds the monitor or the stub until they
 * let the guest go. While the guest runs under gdb, any vCPU that reads the
 * line hands gdb's bytes to the stub (a Ctrl-C opens the loop again).
 *
 * The escape sequence typed between gdb's packets (gdb died, the cable was
 * moved) detaches the stub and opens the monitor, every vCPU still stopped:
 * the line can always be taken back.
 */
#include "hv/dbg/dbg_int.h"

#include "hv/console.h"
#include "hv/smp.h"
#include "svm/atomic.h"
#include "svm/hw.h"

/* Everyone runs again and the line is the guest's. */
static void finish(struct vcpu *v)
{
	dbg_line_give_back();
	svm_atomic_store(&dbg_vcpus[v->index].run, GDB_RUN_CONT, __ATOMIC_SEQ_CST);
	dbg_master_drop();
	dbg_resume_others(v, dbg.cont_run);
	dbg_vcpu_resume(v);
}

/*
 * gdb resumed the target: each vCPU as the stub said (some may stay
 * stopped, one may step). The master lets go of the debugger before the
 * others run, so the next stop may come from any of them; if the master
 * itself stays stopped it parks here, in its exit handler.
 */
static void run_as_gdb_says(struct vcpu *v)
{
	uint8_t self = dbg.resume_run[v->index];

	dbg_line_gdb_running(true);
	svm_atomic_store(&dbg_vcpus[v->index].run, self, __ATOMIC_SEQ_CST);
	dbg_master_drop();
	dbg_resume_others(v, dbg.resume_run);
	if (self == GDB_RUN_STOP)
		hv_dbg_park(v);
	else
		dbg_vcpu_resume(v);
}

static void attach(struct vcpu *v)
{
	dbg.mode = DBG_LINE_GDB;
	esc_init(&dbg.gdb_esc, &hv.boot.escape);
	gdb_stub_attach(&dbg.stub, v->index);
}

/*
 * Every vCPU stopped, the stub attached: gdb is dropped as if it had sent
 * 'D' (its breakpoints go), and the monitor takes the line.
 */
static void stub_to_monitor(struct vcpu *v)
{
	static const char detach[] = "$D#44";
	struct gdb_stop st = { .vcpu = v->index, .kind = GDB_STOP_SIGNAL };

	if (dbg.stub.state == GDB_ST_RUNNING)
		gdb_stub_stopped(&dbg.stub, &st);
	for (unsigned i = 0; detach[i]; i++)
		gdb_stub_input(&dbg.stub, (uint8_t)detach[i]);
	dbg.resume_req = false;         /* its resume is the monitor's call now */
	dbg_line_gdb_running(false);
	dbg.mode = DBG_LINE_MONITOR;
	mon_enter(&dbg.mon);
}

/*
 * A byte from the line for the stub, through the escape filter while the
 * stub is between packets (inside one, every byte is gdb's). out[] gets the
 * bytes due to the stub; true: the escape sequence, for the monitor.
 */
static bool gdb_filter(uint8_t c, uint8_t *out, size_t *n)
{
	if (dbg.stub.rsp.state != RSP_IDLE && !dbg.gdb_esc.held) {
		out[0] = c;
		*n = 1;
		return false;
	}
	return esc_feed(&dbg.gdb_esc, c, out, n);
}

/* One byte for the monitor; false when the loop is over. */
static bool monitor_byte(struct vcpu *v, uint8_t c)
{
	switch (mon_input(&dbg.mon, c)) {
	case MON_LEAVE:
		finish(v);
		return false;
	case MON_GDB:
		attach(v);
		return true;
	default:
		return true;
	}
}

/* One byte for the stub while the target is stopped; false when it runs or left. */
static bool stub_byte(struct vcpu *v, uint8_t c)
{
	enum gdb_verdict gv = GDB_V_STOPPED;
	uint8_t out[ESC_MAX_LEN];
	size_t n;

	if (gdb_filter(c, out, &n)) {
		stub_to_monitor(v);
		return true;
	}
	dbg.resume_req = false;
	for (size_t i = 0; i < n && gv == GDB_V_STOPPED; i++)
		gv = gdb_stub_input(&dbg.stub, out[i]);
	if (gv == GDB_V_STOPPED)
		return true;
	if (gv == GDB_V_DETACHED)
		finish(v);
	else
		run_as_gdb_says(v);
	return false;
}

static void serve(struct vcpu *v)
{
	for (;;) {
		int c = dbg_getc();

		if (c < 0) {
			hv_host_relax(v);       /* the user may type nothing for minutes */
			continue;
		}
		if (dbg.mode == DBG_LINE_MONITOR ? !monitor_byte(v, (uint8_t)c) :
		    !stub_byte(v, (uint8_t)c))
			return;
	}
}

void dbg_session(struct vcpu *v, enum dbg_why why, const struct gdb_stop *stop)
{
	struct dbg_vcpu *d = &dbg_vcpus[v->index];

	if (!dbg_master_take(v)) {
		/*
		 * Another vCPU has the debugger and stops this one. A breakpoint
		 * (INT3, or a DR0-3 execute one: a fault) simply hits again when
		 * this vCPU runs on, if gdb still has it; a watchpoint or a step
		 * (traps: done) is told to gdb when this vCPU is let go.
		 */
		if (why == DBG_REPORT_STOP &&
		    (stop->kind == GDB_STOP_WATCH || stop->kind == GDB_STOP_STEP)) {
			d->stop = *stop;
			d->have_stop = true;
		}
		return;
	}
	if (why == DBG_REPORT_STOP && dbg.mode != DBG_LINE_GDB) {
		dbg_master_drop();      /* gdb left meanwhile: nothing to report */
		return;
	}
	dbg_stop_others(v);
	dbg_line_gdb_running(false);
	if (why == DBG_OPEN_MONITOR && dbg.mode == DBG_LINE_GDB) {
		stub_to_monitor(v);
	} else if (why == DBG_OPEN_MONITOR) {
		dbg.mode = DBG_LINE_MONITOR;
		mon_enter(&dbg.mon);
	} else if (why == DBG_OPEN_GDB) {
		attach(v);
	} else {
		gdb_stub_stopped(&dbg.stub, stop);
	}
	serve(v);
}

/*
 * gdb's bytes while the guest runs: acks, packets (answered "target is
 * running"), and Ctrl-C, which stops everything and reports SIGINT.
 */
void dbg_feed_running(struct vcpu *v)
{
	bool intr, esc = false;
	uint8_t out[ESC_MAX_LEN];
	size_t n;
	int c;

	dbg_lock();
	dbg.interrupt_req = false;
	while (dbg.mode == DBG_LINE_GDB && dbg.running && !dbg.interrupt_req && !esc &&
	       (c = suart_getc(dbg.line)) >= 0) {
		esc = gdb_filter((uint8_t)c, out, &n);
		for (size_t i = 0; i < n; i++)
			gdb_stub_input(&dbg.stub, out[i]);
	}
	intr = dbg.interrupt_req;
	dbg.interrupt_req = false;
	dbg_unlock();
	if (esc) {
		dbg_session(v, DBG_OPEN_MONITOR, NULL);
	} else if (intr) {
		struct gdb_stop st = { .vcpu = v->index, .kind = GDB_STOP_INTERRUPT };

		dbg_session(v, DBG_REPORT_STOP, &st);
	}
}
