/* SPDX-License-Identifier: MIT */
/* Shared between the monitor's files; not for the hypervisor. */
#ifndef SVMHV_HV_DEBUG_MON_INTERNAL_H
#define SVMHV_HV_DEBUG_MON_INTERNAL_H

#include "hv/debug/monitor.h"

/* Argument parsers: print a clear error and return false on bad input. */
bool mon_arg_addr(struct mon *m, const char *s, uint64_t *v);          /* hex, 0x optional */
bool mon_arg_count(struct mon *m, const char *s, uint64_t max, uint64_t *v);  /* decimal or 0x */
bool mon_arg_vcpu(struct mon *m, const char *s, unsigned *vcpu);
bool mon_need(struct mon *m, const void *op, const char *what);
bool mon_streq(const char *a, const char *b);

typedef enum mon_verdict (*mon_cmd_fn)(struct mon *m, int argc, char **argv);

enum mon_verdict mon_cmd_vcpus(struct mon *m, int argc, char **argv);
enum mon_verdict mon_cmd_vmcb(struct mon *m, int argc, char **argv);
enum mon_verdict mon_cmd_exits(struct mon *m, int argc, char **argv);
enum mon_verdict mon_cmd_tlb(struct mon *m, int argc, char **argv);
enum mon_verdict mon_cmd_npt(struct mon *m, int argc, char **argv);
enum mon_verdict mon_cmd_gva(struct mon *m, int argc, char **argv);
enum mon_verdict mon_cmd_mem(struct mon *m, int argc, char **argv);
enum mon_verdict mon_cmd_vmem(struct mon *m, int argc, char **argv);
enum mon_verdict mon_cmd_log(struct mon *m, int argc, char **argv);
enum mon_verdict mon_cmd_trace(struct mon *m, int argc, char **argv);
enum mon_verdict mon_cmd_nmi(struct mon *m, int argc, char **argv);
enum mon_verdict mon_cmd_reset(struct mon *m, int argc, char **argv);

/* Exit codes the monitor lists, in order; mon_exit_index() maps them to 0.. */
int mon_exit_index(uint64_t code);
uint64_t mon_exit_code_at(unsigned index);
#define MON_EXIT_INDEXES (MON_EXIT_CODES + 2)

#endif /* SVMHV_HV_DEBUG_MON_INTERNAL_H */
