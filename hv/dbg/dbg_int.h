/* SPDX-License-Identifier: MIT */
/* Shared between the debugger's files (hv/dbg/); not for the rest of svmhv. */
#ifndef SVMHV_HV_DBG_DBG_INT_H
#define SVMHV_HV_DBG_DBG_INT_H

#include "hv/dbg/dbg.h"
#include "hv/dbg/uart.h"
#include "hv/debug/gdbstub.h"
#include "hv/debug/monitor.h"
#include "hv/hv.h"

#define DBG_TRACE_LEN   64              /* exits kept per vCPU */
#define DBG_IDLE_MS     500             /* a lone escape byte waits this long */
#define DBG_POLL_MS     2               /* the line is read at least this often on exits */
#define DBG_PARK_MS     2000            /* a vCPU that does not stop by then is reported */
#define NMI_REASON_PORT 0x61            /* system control port B: NMI status */
#define NMI_REASON_IOCHK 0x40

/* One vCPU as the debugger sees it; indexed like hv.vcpus. */
struct dbg_vcpu {
	uint32_t run;                   /* enum gdb_run: what the vCPU does now (atomic) */
	uint32_t parked_gen;            /* the stop it is parked for (atomic) */
	bool stepping;                  /* gdb's single step is under way */
	uint64_t step_rip, step_tf, step_dr6;
	uint32_t hw_applied;            /* dbg.hw_gen last loaded on this CPU */
	bool hw_loaded;                 /* gdb's DR0-3/DR7 are in, the guest's saved */
	uint64_t guest_dr[4], guest_dr7;
	bool bp_icpt;                   /* #BP and INTn intercepted */
	bool nmi;                       /* the monitor's "nmi": deliver before VMRUN */
	bool have_stop;                 /* a stop seen while another vCPU had the debugger */
	struct gdb_stop stop;
	struct mon_trace_entry *trace;  /* DBG_TRACE_LEN entries, a ring */
	uint64_t trace_count;
};

/* Who has the debug line. */
enum dbg_mode { DBG_LINE_GUEST, DBG_LINE_MONITOR, DBG_LINE_GDB };

/* Why a vCPU opens the debugger. */
enum dbg_why { DBG_OPEN_MONITOR, DBG_OPEN_GDB, DBG_REPORT_STOP };

struct dbg {
	bool enabled;                   /* there is a debug line */
	struct suart *line;             /* the debug line: shared or svmhv's own */
	uint16_t shared_port, own_port; /* base ports (0: none) */
	struct suart shared, own;
	uint32_t lock;                  /* the line, the monitor and the stub */
	enum dbg_mode mode;
	bool running;                   /* DBG_LINE_GDB: the guest runs */
	uint32_t master;                /* vCPU index + 1 with the debugger, 0 = none */
	uint32_t stop_gen;
	uint64_t tsc_ms;                /* TSC ticks per millisecond */
	uint64_t last_poll;
	struct mon mon;
	struct gdb_stub stub;
	struct esc_filter gdb_esc;      /* the escape between gdb's packets: back to the monitor */
	/* set by the stub's callbacks, acted on after gdb_stub_input() returns */
	uint8_t *resume_run;            /* hv.ncpu entries, from the heap */
	uint8_t *cont_run;              /* hv.ncpu x GDB_RUN_CONT, from the heap */
	bool resume_req, interrupt_req;
	/* gdb's breakpoints as every vCPU must load them */
	struct gdb_hw_debug hw;
	uint32_t hw_gen;
	bool hw_active, sw_active;
	uint32_t iochk;                 /* vCPU + 1 whose next read of port 0x61 shows IOCHK */
};

extern struct dbg dbg;
extern struct dbg_vcpu *dbg_vcpus;     /* hv.ncpu entries, from the heap */
extern const struct mon_ops dbg_mon_ops;
extern const struct gdb_target_ops dbg_gdb_ops;

/* line.c */
uint64_t dbg_now(void);
void dbg_lock(void);
void dbg_unlock(void);
void dbg_write(const uint8_t *buf, size_t len);        /* svmhv's output on the line */
int dbg_getc(void);                                     /* a byte for svmhv, or -1 */
void dbg_line_give_back(void);                          /* the guest has it again */
void dbg_line_gdb_running(bool running);
void dbg_poll(struct vcpu *v);
bool dbg_iopm_set(uint16_t port, unsigned n, bool on);

bool dbg_line_setup(void);
void hv_dbg_before_vmrun_line(struct vcpu *v);

/* gdb_ops.c: guest-virtual memory as vCPU i's kernel sees it */
bool dbg_gva_to_gpa(unsigned i, uint64_t gva, uint64_t *gpa);
size_t dbg_vmem(unsigned i, uint64_t gva, void *buf, size_t len, bool write);

/* stop.c */
bool dbg_master_take(const struct vcpu *v);
void dbg_master_drop(void);
void dbg_stop_others(const struct vcpu *self);
void dbg_resume_others(const struct vcpu *self, const uint8_t *run);
void dbg_vcpu_resume(struct vcpu *v);   /* on v's CPU: load what the debugger set */
struct vcpu *dbg_vcpu(unsigned i);      /* NULL: not under svmhv */
unsigned dbg_nr_vcpus(void);

/* session.c */
void dbg_session(struct vcpu *v, enum dbg_why why, const struct gdb_stop *stop);
void dbg_feed_running(struct vcpu *v);

/* gdb_ops.c */
void dbg_gdb_prepare(struct vcpu *v, uint8_t run);      /* step / RF before it runs */
void dbg_hw_load(struct vcpu *v);
bool dbg_step_done(struct vcpu *v, struct gdb_stop *stop);

/* trace.c */
void dbg_trace_record(struct vcpu *v, uint64_t code);
unsigned dbg_trace_read(unsigned vcpu, struct mon_trace_entry *buf, unsigned max);

#endif /* SVMHV_HV_DBG_DBG_INT_H */
