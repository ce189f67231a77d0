/* SPDX-License-Identifier: MIT */
/* Shared between the GDB stub's files; not for the hypervisor. */
#ifndef SVMHV_HV_DEBUG_GDB_INTERNAL_H
#define SVMHV_HV_DEBUG_GDB_INTERNAL_H

#include "hv/debug/gdbstub.h"

/* Error replies (GDB manual E.1: "E NN"; the numbers are errno-like). */
#define GDB_E_THREAD    "E02"   /* no such thread */
#define GDB_E_FAULT     "E14"   /* memory not readable/writable */
#define GDB_E_INVAL     "E22"   /* malformed packet or argument */
#define GDB_E_NOSPC     "E28"   /* no free breakpoint slot */
#define GDB_E_REGS      "E05"   /* register access failed */

/* A cursor over the packet text (NUL-terminated; binary only in X). */
struct gdb_cur {
	const char *p, *end;
};

bool gdb_hex_u64(struct gdb_cur *c, uint64_t *v);       /* 1..16 hex digits */
bool gdb_expect(struct gdb_cur *c, char ch);
bool gdb_at_end(const struct gdb_cur *c);
/* "-1" (all, ~0u), "0" (any) or a hex id; checked against nr_threads. */
bool gdb_thread_id(struct gdb_stub *s, struct gdb_cur *c, unsigned *tid);
unsigned gdb_nr_threads(struct gdb_stub *s);
/* vCPU index for thread @tid (any/all: the last stopped one). */
unsigned gdb_vcpu_of(struct gdb_stub *s, unsigned tid);

bool gdb_read_regs(struct gdb_stub *s, unsigned tid, struct gdb_regs *r);
bool gdb_write_regs(struct gdb_stub *s, unsigned tid, const struct gdb_regs *r);
void gdb_cmd_g(struct gdb_stub *s);
void gdb_cmd_G(struct gdb_stub *s, struct gdb_cur *c);
void gdb_cmd_p(struct gdb_stub *s, struct gdb_cur *c);
void gdb_cmd_P(struct gdb_stub *s, struct gdb_cur *c);
void gdb_cmd_m(struct gdb_stub *s, struct gdb_cur *c);
void gdb_cmd_M(struct gdb_stub *s, struct gdb_cur *c);
void gdb_cmd_X(struct gdb_stub *s, struct gdb_cur *c);

void gdb_resume(struct gdb_stub *s);
/* D/k/vKill: remove breakpoints, resume everything, give up the line. */
void gdb_leave(struct gdb_stub *s, bool kill);
void gdb_handle_query(struct gdb_stub *s, struct gdb_cur *c);   /* q... */
void gdb_handle_v(struct gdb_stub *s, struct gdb_cur *c);       /* v... */
void gdb_handle_z(struct gdb_stub *s, struct gdb_cur *c, bool insert);
void gdb_remove_all_breakpoints(struct gdb_stub *s);

#endif /* SVMHV_HV_DEBUG_GDB_INTERNAL_H */
