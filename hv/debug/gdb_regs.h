/* SPDX-License-Identifier: MIT */
/*
 * The guest's registers as the GDB stub exchanges them, and the target
 * description (target.xml) that tells gdb their names, sizes and order.
 * See: GDB manual (gdb 13), G.5 "Standard Target Features", G.5.4 "i386
 * Features" (org.gnu.gdb.i386.core must hold the 16 general registers, rip,
 * eflags, the six segment selectors and the x87 registers; .segments holds
 * fs_base/gs_base), and E.4 "Register Packet Format" / 'g' in E.2.
 *
 * One table (gdb_reg_table) drives both the XML and the wire format, so the
 * 'g' packet order is the XML's regnum order by construction.
 *
 * Pure: freestanding hypervisor and host unit tests.
 */
#ifndef SVMHV_HV_DEBUG_GDB_REGS_H
#define SVMHV_HV_DEBUG_GDB_REGS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* x87 state is optional: without GDB_REGS_FPU it goes out as 'x' (unavailable). */
#define GDB_REGS_FPU    (1u << 0)

struct gdb_regs {
	uint64_t rax, rbx, rcx, rdx, rsi, rdi, rbp, rsp;
	uint64_t r8, r9, r10, r11, r12, r13, r14, r15;
	uint64_t rip;
	uint32_t eflags;
	uint32_t cs, ss, ds, es, fs, gs;        /* selectors */
	uint8_t st[8][10];                      /* x87 80-bit registers, as FXSAVE keeps them */
	uint32_t fctrl, fstat, ftag, fiseg, fioff, foseg, fooff, fop;
	uint64_t fs_base, gs_base;
	uint64_t k_gs_base;                     /* MSR KernelGSbase (C000_0102h) */
	uint64_t cr0, cr2, cr3, cr4, cr8, efer;
	uint32_t valid;                         /* GDB_REGS_* */
};

enum gdb_reg_feature { GDB_FEAT_CORE, GDB_FEAT_SEGMENTS, GDB_FEAT_SYSTEM, GDB_NR_FEATS };

struct gdb_reg_desc {
	const char *name;
	uint16_t bytes;
	uint16_t offset;                /* in struct gdb_regs */
	const char *type;               /* a gdb predefined type or one the XML defines */
	const char *group;              /* NULL: gdb's default */
	uint8_t feature;                /* enum gdb_reg_feature */
	bool fpu;                       /* valid only with GDB_REGS_FPU */
};

extern const struct gdb_reg_desc gdb_reg_table[];
extern const unsigned gdb_nr_regs;
#define GDB_REGS_WIRE_BYTES     348     /* sum of gdb_reg_table[].bytes, asserted in the test */
#define GDB_REG_RIP             16      /* regnum of rip */
#define GDB_XML_MAX             8192

/* Writes target.xml into buf; returns its length, or 0 if buf is too small. */
size_t gdb_target_xml(char *buf, size_t n);

/* Hex of register @regnum (little endian, 'x's if unavailable) into out; returns chars. */
size_t gdb_reg_to_hex(const struct gdb_regs *r, unsigned regnum, char *out, size_t n);

/*
 * Parse one register's hex from @hex (exactly 2 * bytes digits) into *r.
 * All-'x' digits leave it unchanged. Returns false on bad hex or regnum.
 */
bool gdb_reg_from_hex(struct gdb_regs *r, unsigned regnum, const char *hex, size_t len);

#endif /* SVMHV_HV_DEBUG_GDB_REGS_H */
