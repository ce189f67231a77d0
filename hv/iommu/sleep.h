/* SPDX-License-Identifier: MIT */
/*
 * ACPI sleep states under svmhv: S1-S3 are refused (docs/architecture.md
 * "Sleep states"). In S3 the CPUs lose their state, SVM included, and the
 * firmware's resume path jumps to the OS's waking vector: the OS would run
 * on bare hardware, outside svmhv's nested page tables and IOMMU. Two layers:
 *  - hide: the \_S1_, \_S2_, \_S3_ declarations in the DSDT and SSDTs are
 *    renamed (a NameSeg no OS looks for), so the OS offers no such state;
 *  - enforce: writes to the FADT's PM1 control registers (and the sleep
 *    control register of hardware-reduced ACPI) with SLP_EN set pass only
 *    with a SLP_TYP of \_S4_ or \_S5_ (the CPU powered off, a cold boot
 *    through svmhv.efi next); others are dropped, and WAK_STS reads as set
 *    until the OS clears it, so the OS's wait for the wake ends at once.
 * See: ACPI 6.5 4.8.3.2 (PM1 control: SLP_TYP [12:10], SLP_EN 13), 4.8.3.1
 * (PM1 status: WAK_STS 15), 4.8.3.7 (sleep control/status registers: SLP_TYPx
 * [4:2], SLP_EN 5, WAK_STS 7), 5.2.9 (FADT), 7.4.2 (\_Sx packages),
 * 20.2 (AML: NameOp 0x08, MethodOp 0x14, PackageOp 0x12, PkgLength).
 *
 * Pure: included by the freestanding hypervisor and by host unit tests.
 */
#ifndef SVMHV_HV_IOMMU_SLEEP_H
#define SVMHV_HV_IOMMU_SLEEP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* ---- FADT -------------------------------------------------------------------- */

#define FADT_MIN_LEN            116u    /* through Flags (ACPI 1.0's 116 bytes) */
#define FADT_F_HW_REDUCED       (1u << 20)

enum sleep_reg {
	SLEEP_REG_NONE = 0,
	SLEEP_REG_PM1_CNT,      /* 2 bytes: SLP_TYP/SLP_EN in the second */
	SLEEP_REG_PM1_STS,      /* 2 bytes: WAK_STS in the second */
	SLEEP_REG_SLP_CNT,      /* sleep control register (HW-reduced), 1 byte */
	SLEEP_REG_SLP_STS,      /* sleep status register (HW-reduced), 1 byte */
};

/* One guarded register in I/O space. */
struct sleep_port {
	uint16_t port;
	uint8_t  len;           /* 2 (PM1) or 1 */
	uint8_t  reg;           /* enum sleep_reg */
	uint8_t  b;             /* 0: PM1a (and the sleep registers), 1: PM1b */
};

#define SLEEP_MAX_PORTS 12      /* PM1a/b CNT and STS, 32-bit and X_ forms, 2 sleep regs */

struct fadt_sleep {
	struct sleep_port ports[SLEEP_MAX_PORTS];
	unsigned nports;
	bool hw_reduced;
	bool mmio;              /* a register in memory space: not guarded (the caller warns) */
	uint64_t dsdt;          /* X_DSDT if set, else DSDT */
	uint64_t dsdt32;        /* DSDT (32-bit), when it differs from X_DSDT */
};

/*
 * The sleep registers of the FADT (@len bytes). Both the 32-bit block
 * address and the X_ generic address are taken when they differ (an OS
 * may use either). Returns 0 or ACPI_EINVAL (too short, a port range past
 * 0xFFFF).
 */
int fadt_sleep_decode(const uint8_t *fadt, size_t len, struct fadt_sleep *out);

/* ---- AML: the \_Sx_ packages ---------------------------------------------------- */

struct acpi_sleep_pkg {
	bool found;             /* declared (Name or Method) */
	bool typ_known;         /* a Name(_Sx_, Package(){a, b, ...}) with integer a, b */
	uint8_t typ_a, typ_b;   /* SLP_TYP for PM1a / PM1b (3 bits) */
};

struct acpi_sleep_info {
	struct acpi_sleep_pkg s[6];     /* _S0_ .. _S5_ */
};

#define AML_MAX_RENAMES 16

/*
 * Scan one definition block (DSDT or SSDT, @len bytes with its header) for
 * declarations of \_S0_ .. \_S5_: NameOp or MethodOp, then an optional root
 * or parent prefix, then the NameSeg. The first declaration of a state
 * fills @info; the offsets of every _S1_/_S2_/_S3_ NameSeg go to @offs.
 * A byte scan, not an AML interpreter: a Name inside a conditional counts.
 * Returns the number of offsets, or ACPI_EINVAL (bad header or length),
 * ACPI_E2BIG (more than @max declarations to hide).
 */
int aml_sleep_scan(const uint8_t *tbl, size_t len, struct acpi_sleep_info *info,
		   uint32_t *offs, unsigned max);

/*
 * Rename the NameSegs at @offs (from aml_sleep_scan on this table) from
 * _Sx_ to ?Sx_, with ? the first of X, Y, Z, Q that makes a name found
 * nowhere in the table, and fix the checksum. Returns 0, or ACPI_EINVAL
 * with the table unchanged (an offset that is not an _S1_-_S3_ NameSeg,
 * no free lead letter).
 */
int aml_sleep_hide(uint8_t *tbl, size_t len, const uint32_t *offs, unsigned n);

/* ---- the write policy ------------------------------------------------------------ */

struct sleep_guard {
	struct sleep_port ports[SLEEP_MAX_PORTS];
	unsigned nports;
	uint8_t allow[2];       /* per PM1a/PM1b: bit t set = SLP_TYP t with SLP_EN passes */
	uint8_t typ_state[2][8];        /* SLP_TYP -> the \_Sx_ it belongs to, 0xff unknown */
	bool wak_pending;       /* a sleep was refused: WAK_STS reads 1 until cleared */
};

/*
 * The guard for these registers: SLP_EN passes with the SLP_TYP of \_S4_ or
 * \_S5_ (when known and not also the SLP_TYP of \_S1_-\_S3_), never with any
 * other. Without a known \_S5_ every SLP_EN write is refused.
 */
void sleep_guard_init(struct sleep_guard *g, const struct fadt_sleep *f,
		      const struct acpi_sleep_info *info);

/* The guarded register @port belongs to, SLEEP_REG_NONE if none. */
enum sleep_reg sleep_guard_reg(const struct sleep_guard *g, uint16_t port);

/* Why a write was refused (for the log). */
struct sleep_refusal {
	uint16_t port;          /* the register's first port */
	uint8_t reg;            /* enum sleep_reg */
	uint8_t b;
	uint8_t typ;            /* the SLP_TYP written */
	uint8_t state;          /* its \_Sx_ (0-5), 0xff unknown */
};

/*
 * An OUT of @size bytes of @val at @port: true to perform it. false: drop
 * it (an SLP_EN with a SLP_TYP not allowed), @why says what; WAK_STS then
 * reads as set. A write of 1 to WAK_STS clears that.
 */
bool sleep_guard_out(struct sleep_guard *g, uint16_t port, unsigned size, uint32_t val,
		     struct sleep_refusal *why);

/* An IN of @size bytes at @port that read @val from the hardware: what the guest sees. */
uint32_t sleep_guard_in(const struct sleep_guard *g, uint16_t port, unsigned size, uint32_t val);

#endif /* SVMHV_HV_IOMMU_SLEEP_H */
