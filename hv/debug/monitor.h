/* SPDX-License-Identifier: MIT */
/*
 * svmhv's serial-console monitor: a line editor and a command table. The run
 * loop opens it when escape.c sees the escape sequence (all vCPUs stopped)
 * and feeds it every received byte; mon_input() answers whether to stay, to
 * leave (resume the guest) or to hand the line to the GDB stub.
 *
 * All hypervisor state comes through struct mon_ops; output goes through
 * ops->put one line at a time ("\r\n" endings, for serial terminals). The
 * grammar and every command's help text are in one table in monitor.c and in
 * docs/debugging-core.md.
 *
 * Pure: freestanding hypervisor and host unit tests.
 */
#ifndef SVMHV_HV_DEBUG_MONITOR_H
#define SVMHV_HV_DEBUG_MONITOR_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "svm/tlb.h"
#include "svm/vmcb.h"

#define MON_LINE_MAX    120     /* characters in a command line */
#define MON_MAX_ARGS    8
#define MON_MEM_MAX     4096    /* bytes per mem/vmem command */
#define MON_TRACE_MAX   64      /* exits per trace command */
#define MON_MAX_VCPUS   1024    /* HV_CPUS_MAX (hv/cpus.h): every vCPU listed */
#define MON_WALK_LEVELS 5

enum mon_verdict { MON_STAY, MON_LEAVE, MON_GDB };

struct mon_vcpu_info {
	bool in_l2;             /* vmcb02 runs (nested) */
	bool running;           /* false: held (waiting for SIPI), not under svmhv... */
	uint8_t cpl;
	uint32_t apic_id;
	uint64_t rip;
	uint64_t last_exit;     /* exit code, APM2 Appendix C */
	uint64_t exit_count;
};

struct mon_tlb_info {
	uint32_t asid_l1, asid_l2;
	bool have_l2_asid;
	uint32_t vmcb12_asid;   /* L1's ASID for L2, when have_l2_asid */
	struct tlb_counters cnt;
};

/* One level of a page walk, top first; the target fills what it read. */
struct mon_walk_level {
	uint64_t table;         /* physical address of the table */
	uint16_t index;
	uint64_t entry;
};

enum mon_walk_status {
	MON_WALK_MAPPED,        /* out_addr and page_size are valid */
	MON_WALK_NOT_PRESENT,   /* the last level read is not present */
	MON_WALK_RESERVED,      /* reserved bits set in the last level */
	MON_WALK_NO_TABLES,     /* nothing to walk (paging off, no shadow...) */
	MON_WALK_ERROR,         /* a table could not be read */
};

struct mon_walk {
	unsigned nlevels;
	struct mon_walk_level level[MON_WALK_LEVELS];
	enum mon_walk_status status;
	uint64_t out_addr;
	uint64_t page_size;
};

enum mon_npt_table { MON_NPT_SVMHV, MON_NPT_SHADOW };
enum mon_vmcb_which { MON_VMCB01, MON_VMCB02, MON_VMCB12 };

struct mon_trace_entry {
	uint64_t tsc;
	uint64_t exit_code;
	uint64_t info1, info2;
	uint64_t rip;
	bool l2;
};

/*
 * vcpu arguments are already range-checked against nr_vcpus. Optional
 * callbacks may be NULL: the command then says it is not available.
 */
struct mon_ops {
	void (*put)(void *ctx, const char *s);
	unsigned (*nr_vcpus)(void *ctx);
	void (*vcpu_info)(void *ctx, unsigned vcpu, struct mon_vcpu_info *out);
	/* The live VMCB (all vCPUs are stopped), or NULL if that one does not exist. */
	const struct vmcb *(*vmcb)(void *ctx, unsigned vcpu, enum mon_vmcb_which which);
	uint64_t (*exit_count)(void *ctx, unsigned vcpu, uint64_t exit_code);
	uint64_t (*now_us)(void *ctx);          /* a monotonic clock, for rates */
	void (*tlb_info)(void *ctx, unsigned vcpu, struct mon_tlb_info *out);
	void (*npt_walk)(void *ctx, unsigned vcpu, enum mon_npt_table t, uint64_t gpa,
			 struct mon_walk *out);
	void (*gva_walk)(void *ctx, unsigned vcpu, uint64_t gva, struct mon_walk *out);
	/* Guest-physical (L1) and guest-virtual reads; bytes read from the start. */
	size_t (*mem_read)(void *ctx, uint64_t gpa, void *buf, size_t len);
	size_t (*vmem_read)(void *ctx, unsigned vcpu, uint64_t gva, void *buf, size_t len);
	/* Logging: level as hv/console.h's enum log_level, one mask bit per area. */
	void (*log_get)(void *ctx, unsigned *level, uint32_t *areas);
	void (*log_set)(void *ctx, unsigned level, uint32_t areas);
	const char *const *log_areas;           /* names, bit i = log_areas[i] */
	unsigned nr_log_areas;
	/* The last exits of a vCPU, oldest first; returns how many were written. */
	unsigned (*trace)(void *ctx, unsigned vcpu, struct mon_trace_entry *buf, unsigned max);
	int (*nmi)(void *ctx, unsigned vcpu);   /* 0 or <0 */
	void (*reset)(void *ctx);
};

#define MON_EXIT_CODES  0xb0    /* 0x00..0xaf, then NPF and INVALID: see mon_exit_index() */

struct mon {
	const struct mon_ops *ops;
	void *ctx;
	char line[MON_LINE_MAX + 1];
	size_t len;
	bool too_long, last_cr;
	uint8_t esc;            /* inside a terminal escape sequence: 1 after ESC, 2 in CSI */
	/* exits: totals at the previous "exits", for rates */
	uint64_t snap_us;
	bool have_snap;
	uint64_t snap_vcpu[MON_MAX_VCPUS];
	uint64_t snap_code[MON_EXIT_CODES + 2];
	uint8_t mem[MON_MEM_MAX];
	struct mon_trace_entry trace[MON_TRACE_MAX];
};

void mon_init(struct mon *m, const struct mon_ops *ops, void *ctx);
/* The monitor gets the line: banner and prompt. */
void mon_enter(struct mon *m);
enum mon_verdict mon_input(struct mon *m, uint8_t byte);
/* Run one command line (what mon_input does at CR); for tests and fuzzing. */
enum mon_verdict mon_exec(struct mon *m, const char *line);

/* Formatting helpers shared by the monitor's files. */
void mon_printf(struct mon *m, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
const char *mon_exit_name(uint64_t code, char *buf, size_t n);
void mon_hexdump(struct mon *m, uint64_t addr, const uint8_t *p, size_t len);
void mon_print_vmcb(struct mon *m, const struct vmcb *v);
void mon_print_walk(struct mon *m, const char *what, const struct mon_walk *w);

#endif /* SVMHV_HV_DEBUG_MONITOR_H */
