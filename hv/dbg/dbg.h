/* SPDX-License-Identifier: MIT */
/*
 * svmhv's debugger on the serial line, as the rest of svmhv sees it: the
 * monitor and the GDB stub of hv/debug/ wired to the real vCPUs.
 *
 *   hv/dbg/line.c      the UART(s): the guest's shared UART (hv/dbg/uart.c)
 *                      behind the IOPM, svmhv's own one, polling
 *   hv/dbg/stop.c      stopping every vCPU (a request + kick, parked in
 *                      hv_run_prepare) and resuming them
 *   hv/dbg/session.c   who has the line: the guest, the monitor, the stub
 *   hv/dbg/mon_ops.c   the monitor's commands on svmhv's state
 *   hv/dbg/gdb_ops.c   the stub's target: registers, memory, breakpoints,
 *                      single step, #BP/#DB intercepts, DR0-3/DR7
 *   hv/dbg/trace.c     the last exits of every vCPU, always recorded
 *   hv/dbg/symtab.c    svmhv's own symbols, for panic backtraces
 *
 * See docs/debugging.md (how to use it) and docs/debugging-core.md (the core).
 */
#ifndef SVMHV_HV_DBG_DBG_H
#define SVMHV_HV_DBG_DBG_H

#include <stdbool.h>
#include <stdint.h>

#include "hv/run.h"

struct vcpu;
struct vmcb_control;

/* Set-up: the line and the intercepts it needs in vmcb01's controls (hv/setup.c). */
int hv_dbg_setup(struct vmcb_control *c01);
int hv_dbg_setup_vcpu(struct vcpu *v);
/* Where svmhv's image runs (for gdb) and how to open the monitor. */
void hv_dbg_banner(void);

/* The run loop (hv/run.c). */
void hv_dbg_park(struct vcpu *v);                       /* HV_REQ_STOP */
void hv_dbg_before_vmrun(struct vcpu *v);
void hv_dbg_exit_begin(struct vcpu *v, uint64_t code);  /* trace, poll the line */
void hv_dbg_exit_end(struct vcpu *v);                   /* a single step done by emulation */

/* Exit handlers (hv/exit.c). */
struct hv_verdict hv_dbg_ioio(struct vcpu *v);
struct hv_verdict hv_dbg_hlt(struct vcpu *v);           /* only while an escape byte is held */
struct hv_verdict hv_dbg_breakpoint(struct vcpu *v);   /* #BP, and INT3 seen as INTn */
struct hv_verdict hv_dbg_debug_exc(struct vcpu *v);    /* #DB */
struct hv_verdict hv_dbg_dr_access(struct vcpu *v);    /* MOV DR while gdb owns DR0-3/7 */

/* hv/panic.c: the exit trace of a vCPU, and svmhv's symbols. */
void hv_dbg_panic_trace(const struct vcpu *v);
const char *hv_dbg_symbol(uint64_t addr, uint64_t *offset);

#endif /* SVMHV_HV_DBG_DBG_H */
