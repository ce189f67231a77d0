/* SPDX-License-Identifier: MIT */
/*
 * Breakpoints and watchpoints of the GDB stub, as plain tables.
 *
 * Software breakpoints (Z0) are INT3 (0xCC) bytes the stub plants through the
 * target's memory ops; it keeps the original byte, so memory reads show it
 * and memory writes over a planted byte update the saved copy instead.
 *
 * Hardware breakpoints and watchpoints (Z1..Z4) use the four debug address
 * registers. See: AMD APM vol. 2 (rev. 3.42), 13.1.1 "Debug Registers":
 * DR7 has a local enable L<i> at bit 2i, R/W<i> at bits 16+4i (00 execute,
 * 01 write, 11 read or write; 10 is I/O) and LEN<i> at bits 18+4i (00 one
 * byte, 01 two, 11 four, 10 eight), bit 10 reads as 1; an execute breakpoint
 * must have LEN 00; the address must be aligned to its length. DR6 B<i>
 * (bit i) tells which matched, BS (bit 14) a single step. x86 has no
 * read-only watchpoint, so Z3 uses R/W 11 (gdb then checks whether the value
 * changed) — the manual's GDB side: E.2 'Z' packets.
 *
 * Pure: freestanding hypervisor and host unit tests.
 */
#ifndef SVMHV_HV_DEBUG_GDB_BP_H
#define SVMHV_HV_DEBUG_GDB_BP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define GDB_MAX_SW_BP   64
#define GDB_NR_HW_BP    4
#define GDB_INT3        0xcc

#define DR6_B(i)        (1ull << (i))
#define DR6_BS          (1ull << 14)
#define DR7_L(i)        (1ull << (2 * (i)))
#define DR7_FIXED1      (1ull << 10)
#define DR7_RW_SHIFT(i) (16 + 4 * (i))
#define DR7_LEN_SHIFT(i) (18 + 4 * (i))
#define DR7_RW_EXEC     0ull
#define DR7_RW_WRITE    1ull
#define DR7_RW_RDWR     3ull

/* Z packet types, GDB manual E.2. */
enum gdb_bp_type {
	GDB_BP_SW = 0, GDB_BP_HW = 1, GDB_WP_WRITE = 2, GDB_WP_READ = 3, GDB_WP_ACCESS = 4,
};

struct gdb_sw_bp {
	uint64_t addr;
	uint8_t orig;
	bool used;
};

struct gdb_hw_slot {
	uint64_t addr;
	uint8_t len;            /* 1, 2, 4, 8 */
	uint8_t type;           /* enum gdb_bp_type, GDB_BP_HW .. GDB_WP_ACCESS */
	bool used;
};

/* What the target loads into every vCPU's DR0..DR3 and DR7 before resuming. */
struct gdb_hw_debug {
	uint64_t dr[GDB_NR_HW_BP];
	uint64_t dr7;
};

struct gdb_bps {
	struct gdb_sw_bp sw[GDB_MAX_SW_BP];
	struct gdb_hw_slot hw[GDB_NR_HW_BP];
};

/* Software breakpoint table. */
struct gdb_sw_bp *gdb_sw_find(struct gdb_bps *b, uint64_t addr);
struct gdb_sw_bp *gdb_sw_alloc(struct gdb_bps *b);
/* Replace planted INT3s in buf (guest bytes at addr) by the original bytes. */
void gdb_sw_mask(const struct gdb_bps *b, uint64_t addr, uint8_t *buf, size_t len);
/* A write of buf at addr: update saved bytes, keep the INT3 bytes in buf. */
void gdb_sw_write_through(struct gdb_bps *b, uint64_t addr, uint8_t *buf, size_t len);

/* 0 ok (also when already there), -1 bad length/alignment, -2 no free slot. */
int gdb_hw_insert(struct gdb_bps *b, enum gdb_bp_type type, uint64_t addr, uint64_t len);
/* 0 removed, -1 not found. */
int gdb_hw_remove(struct gdb_bps *b, enum gdb_bp_type type, uint64_t addr, uint64_t len);
void gdb_hw_encode(const struct gdb_bps *b, struct gdb_hw_debug *out);
/* Which slot fired according to DR6 (-1: none of ours). */
int gdb_hw_hit(const struct gdb_bps *b, uint64_t dr6);

#endif /* SVMHV_HV_DEBUG_GDB_BP_H */
