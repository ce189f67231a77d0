/* SPDX-License-Identifier: MIT */
/*
 * GDB remote stub for the guest: the command layer over rsp.c's framing.
 * See: GDB manual (gdb 13), Appendix E "GDB Remote Serial Protocol"; E.2
 * "Packets", E.3 "Stop Reply Packets", E.4 "General Query Packets", E.11
 * "Packet Acknowledgment", G "Target Descriptions".
 *
 * Threads are vCPUs: thread id = vCPU index + 1 (gdb reserves 0 for "any"
 * and -1 for "all"). All-stop only: the target stops every vCPU before it
 * reports a stop, and resumes them as the stub asks.
 *
 * Everything the stub needs from the hypervisor comes through struct
 * gdb_target_ops; it owns no global state, so host tests drive it with a
 * fake target. Pure: freestanding hypervisor and host unit tests.
 */
#ifndef SVMHV_HV_DEBUG_GDBSTUB_H
#define SVMHV_HV_DEBUG_GDBSTUB_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "hv/debug/gdb_bp.h"
#include "hv/debug/gdb_regs.h"
#include "hv/debug/rsp.h"

#define GDB_MAX_THREADS 1024     /* HV_CPUS_MAX (hv/cpus.h): every vCPU a thread */
#define GDB_MAX_MEM     2048    /* bytes per m/M/X packet, within RSP_MAX_PACKET */

/* What one vCPU does on resume. */
enum gdb_run { GDB_RUN_STOP = 0, GDB_RUN_CONT = 1, GDB_RUN_STEP = 2 };

/* Why the target stopped; reported by gdb_stub_stopped(). */
enum gdb_stop_kind {
	GDB_STOP_SIGNAL,        /* just stopped (attach, or a step without more to say) */
	GDB_STOP_INTERRUPT,     /* gdb's Ctrl-C: SIGINT */
	GDB_STOP_STEP,          /* a single step completed */
	GDB_STOP_SWBREAK,       /* INT3; the target has already set RIP back to it */
	GDB_STOP_HWBREAK,       /* an execute breakpoint in DR0..3 */
	GDB_STOP_WATCH,         /* a data watchpoint; addr says where */
};

struct gdb_stop {
	unsigned vcpu;
	enum gdb_stop_kind kind;
	uint64_t addr;          /* data address for GDB_STOP_WATCH */
	enum gdb_bp_type watch; /* GDB_WP_WRITE / READ / ACCESS for GDB_STOP_WATCH */
};

/*
 * vcpu arguments are indices 0..nr_threads-1. read_mem/write_mem translate
 * through that vCPU's own page tables (its CR3, L1 or L2 as it runs now), may
 * write to read-only guest pages (breakpoints in kernel text), and return how
 * many bytes they managed from the start (0: none).
 */
struct gdb_target_ops {
	unsigned (*nr_threads)(void *ctx);
	int (*read_regs)(void *ctx, unsigned vcpu, struct gdb_regs *regs);     /* 0 or <0 */
	int (*write_regs)(void *ctx, unsigned vcpu, const struct gdb_regs *regs);
	size_t (*read_mem)(void *ctx, unsigned vcpu, uint64_t gva, void *buf, size_t len);
	size_t (*write_mem)(void *ctx, unsigned vcpu, uint64_t gva, const void *buf, size_t len);
	/* Load DR0..3/DR7 into every vCPU before it next runs. */
	void (*set_hw_debug)(void *ctx, const struct gdb_hw_debug *hw);
	/* Resume: run[i] for vCPU i. Some may stay stopped; all-stop otherwise. */
	void (*resume)(void *ctx, const uint8_t *run, unsigned n);
	/* Ctrl-C while running: stop all vCPUs, then call gdb_stub_stopped(). */
	void (*interrupt)(void *ctx);
	/* Optional: gdb detached (D) or killed (k); the stub has resumed all first. */
	void (*detach)(void *ctx, bool kill);
	/* The transport (UART) */
	void (*write)(void *ctx, const uint8_t *buf, size_t len);
	/* Optional: short description for "info threads", e.g. "vcpu0 L1 cpl0". */
	void (*thread_name)(void *ctx, unsigned vcpu, char *buf, size_t n);
};

enum gdb_verdict {
	GDB_V_STOPPED,          /* target is stopped, stub is talking to gdb */
	GDB_V_RUNNING,          /* target was resumed; keep feeding bytes for Ctrl-C */
	GDB_V_DETACHED,         /* gdb left (D or k): give the line back to the guest */
};

enum gdb_state { GDB_ST_STOPPED, GDB_ST_RUNNING, GDB_ST_DETACHED };

struct gdb_stub {
	const struct gdb_target_ops *ops;
	void *ctx;
	struct rsp rsp;
	enum gdb_state state;
	struct gdb_stop last_stop;
	unsigned g_thread, c_thread;    /* H g / H c selections; 0 = any, ~0u = all */
	bool gdb_swbreak, gdb_hwbreak;  /* gdb said swbreak+ / hwbreak+ in qSupported */
	struct gdb_bps bps;
	uint8_t run[GDB_MAX_THREADS];
	uint8_t mem[GDB_MAX_MEM];
	size_t xml_len;
	char xml[GDB_XML_MAX];
};

void gdb_stub_init(struct gdb_stub *s, const struct gdb_target_ops *ops, void *ctx);
/* The line is now the stub's; the target is stopped, @vcpu is current. */
void gdb_stub_attach(struct gdb_stub *s, unsigned vcpu);
/* One byte from the line. */
enum gdb_verdict gdb_stub_input(struct gdb_stub *s, uint8_t byte);
/* The target stopped (all vCPUs) after a resume or interrupt: tell gdb. */
void gdb_stub_stopped(struct gdb_stub *s, const struct gdb_stop *stop);
/* For the #BP intercept: did the stub plant an INT3 at this address? */
bool gdb_stub_is_sw_break(const struct gdb_stub *s, uint64_t addr);
/* For the #DB intercept: turn DR6 into a stop (watch/hwbreak/step); false if not ours. */
bool gdb_stub_decode_dr6(const struct gdb_stub *s, unsigned vcpu, uint64_t dr6,
			 struct gdb_stop *stop);

#endif /* SVMHV_HV_DEBUG_GDBSTUB_H */
