/* SPDX-License-Identifier: MIT */
/*
 * AMD IOMMU (AMD-Vi) hardware definitions and the pure encoders svmhv needs:
 * device table entries, command buffer entries, event log decoding.
 * See: AMD I/O Virtualization Technology (IOMMU) Specification, pub. 48882
 * (rev 3.x): "MMIO Registers", "Device Table Entry Format", "Commands",
 * "Event Log", "Interrupt Remapping Tables". Bit positions below were
 * checked against QEMU 7.2's emulation (hw/i386/amd_iommu.[ch]), which is
 * svmhv's test platform; docs/isolation.md says where QEMU differs.
 *
 * Pure: no hypervisor state; included by host unit tests.
 */
#ifndef SVMHV_HV_IOMMU_AMDVI_H
#define SVMHV_HV_IOMMU_AMDVI_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define AMDVI_BIT(n)            (1ull << (n))
#define AMDVI_GENMASK(h, l)     ((~0ull >> (63 - (h))) & ~((1ull << (l)) - 1))

/* ---- MMIO registers (offsets from the IVHD base address) -------------------- */
#define AMDVI_MMIO_DEVTAB_BASE  0x0000  /* [51:12] base, [8:0] size/4K - 1 */
#define AMDVI_MMIO_CMDBUF_BASE  0x0008  /* [51:12] base, [59:56] ComLen */
#define AMDVI_MMIO_EVTLOG_BASE  0x0010  /* [51:12] base, [59:56] EventLen */
#define AMDVI_MMIO_CONTROL      0x0018
#define AMDVI_MMIO_EXCL_BASE    0x0020
#define AMDVI_MMIO_EXCL_LIMIT   0x0028
#define AMDVI_MMIO_EFR          0x0030  /* extended feature register, RO */
#define AMDVI_MMIO_CMD_HEAD     0x2000  /* [18:4] */
#define AMDVI_MMIO_CMD_TAIL     0x2008
#define AMDVI_MMIO_EVT_HEAD     0x2010
#define AMDVI_MMIO_EVT_TAIL     0x2018
#define AMDVI_MMIO_STATUS       0x2020
#define AMDVI_MMIO_SIZE         0x4000  /* what QEMU maps; hardware: 512 KiB */
#define AMDVI_MMIO_HW_SIZE      0x80000 /* map/protect this much on hardware */

#define AMDVI_BASE_ADDR_MASK    AMDVI_GENMASK(51, 12)
#define AMDVI_LEN_SHIFT         56      /* ComLen / EventLen: 2^n entries */
#define AMDVI_RING_PTR_MASK     AMDVI_GENMASK(18, 4)

/* Control register (MMIO 0x18). */
#define AMDVI_CTRL_IOMMU_EN     AMDVI_BIT(0)
#define AMDVI_CTRL_HT_TUN_EN    AMDVI_BIT(1)
#define AMDVI_CTRL_EVTLOG_EN    AMDVI_BIT(2)
#define AMDVI_CTRL_EVT_INT_EN   AMDVI_BIT(3)
#define AMDVI_CTRL_COMWAIT_INT_EN AMDVI_BIT(4)
#define AMDVI_CTRL_CMDBUF_EN    AMDVI_BIT(12)
#define AMDVI_CTRL_GA_EN        AMDVI_BIT(17)   /* 128-bit IRTEs: keep 0 */

/* Status register (MMIO 0x2020); bits 0..2 are write-1-to-clear. */
#define AMDVI_STATUS_EVT_OVF    AMDVI_BIT(0)
#define AMDVI_STATUS_EVT_INT    AMDVI_BIT(1)
#define AMDVI_STATUS_COMWAIT_INT AMDVI_BIT(2)
#define AMDVI_STATUS_EVT_RUN    AMDVI_BIT(3)
#define AMDVI_STATUS_CMD_RUN    AMDVI_BIT(4)

/* ---- PCI capability (the "secure device" capability, ID 0x0f) ------------- */
#define AMDVI_CAP_ID            0x0f
#define AMDVI_CAP_HEADER        0x00    /* ID, next, CapType (3) ... */
#define AMDVI_CAP_BASE_LO       0x04    /* bit 0 Enable, [31:14] base */
#define AMDVI_CAP_BASE_HI       0x08
#define AMDVI_CAP_RANGE         0x0c
#define AMDVI_CAP_MISC          0x10
#define AMDVI_CAP_SIZE          0x14    /* bytes svmhv must write-protect */

/* ---- Device table entry: 256 bits, four quadwords --------------------------- */
#define AMDVI_DTE_SIZE          32
#define AMDVI_DEVTAB_ENTRIES    65536   /* one per 16-bit DeviceID */
#define AMDVI_DEVTAB_BYTES      (AMDVI_DEVTAB_ENTRIES * AMDVI_DTE_SIZE)

/* Quadword 0 */
#define AMDVI_DTE0_V            AMDVI_BIT(0)
#define AMDVI_DTE0_TV           AMDVI_BIT(1)
#define AMDVI_DTE0_MODE_SHIFT   9       /* [11:9] page-table levels */
#define AMDVI_DTE0_MODE_MASK    AMDVI_GENMASK(11, 9)
#define AMDVI_DTE0_PTROOT_MASK  AMDVI_GENMASK(51, 12)
#define AMDVI_DTE0_IR           AMDVI_BIT(61)
#define AMDVI_DTE0_IW           AMDVI_BIT(62)
/* Quadword 1 */
#define AMDVI_DTE1_DOMID_MASK   AMDVI_GENMASK(15, 0)
#define AMDVI_DTE1_SE           AMDVI_BIT(33)   /* suppress I/O page fault events */
#define AMDVI_DTE1_SA           AMDVI_BIT(34)   /* suppress all events */
#define AMDVI_DTE1_EX           AMDVI_BIT(39)   /* exclusion range applies */
#define AMDVI_DTE1_SYSMGT_SHIFT 40      /* [41:40]; 0 = SMI messages aborted */
#define AMDVI_DTE1_SYSMGT_MASK  AMDVI_GENMASK(41, 40)
/* Quadword 2 */
#define AMDVI_DTE2_IV           AMDVI_BIT(0)    /* interrupt map valid */
#define AMDVI_DTE2_INTTABLEN_SHIFT 1    /* [4:1]: 2^n IRTEs */
#define AMDVI_DTE2_INTTABLEN_MASK AMDVI_GENMASK(4, 1)
#define AMDVI_DTE2_IG           AMDVI_BIT(5)
#define AMDVI_DTE2_IRTROOT_MASK AMDVI_GENMASK(51, 6)
#define AMDVI_DTE2_INITPASS     AMDVI_BIT(56)
#define AMDVI_DTE2_EINTPASS     AMDVI_BIT(57)
#define AMDVI_DTE2_NMIPASS      AMDVI_BIT(58)
#define AMDVI_DTE2_INTCTL_SHIFT 60      /* [61:60] */
#define AMDVI_DTE2_INTCTL_MASK  AMDVI_GENMASK(61, 60)
#define AMDVI_DTE2_LINT0PASS    AMDVI_BIT(62)
#define AMDVI_DTE2_LINT1PASS    AMDVI_BIT(63)

#define AMDVI_INTCTL_ABORT      0u      /* fixed/arbitrated MSIs target-aborted */
#define AMDVI_INTCTL_PASS       1u      /* forwarded unmapped */
#define AMDVI_INTCTL_REMAP      2u      /* remapped through the IRT */

/* Legacy (32-bit) interrupt remapping table entry, used while GAEn = 0. */
#define AMDVI_IRTE_REMAP_EN     AMDVI_BIT(0)
#define AMDVI_IRTE_SUP_IOPF     AMDVI_BIT(1)
#define AMDVI_IRTE_TYPE_SHIFT   2       /* [4:2]: 0 fixed, 1 arbitrated */
#define AMDVI_IRTE_DM           AMDVI_BIT(6)
#define AMDVI_IRTE_DEST_SHIFT   8       /* [15:8] */
#define AMDVI_IRTE_VECTOR_SHIFT 16      /* [23:16] */
#define AMDVI_IRT_MAX_ENTRIES   2048    /* MSI data[10:0] indexes the table */

/* ---- I/O page table entries ------------------------------------------------- */
#define AMDVI_PTE_PR            AMDVI_BIT(0)
#define AMDVI_PTE_NEXT_SHIFT    9       /* [11:9] NextLevel; 0 = leaf */
#define AMDVI_PTE_NEXT_MASK     AMDVI_GENMASK(11, 9)
#define AMDVI_PTE_ADDR_MASK     AMDVI_GENMASK(51, 12)
#define AMDVI_PTE_FC            AMDVI_BIT(60)
#define AMDVI_PTE_IR            AMDVI_BIT(61)
#define AMDVI_PTE_IW            AMDVI_BIT(62)
#define AMDVI_MAX_LEVELS        6

/* ---- Commands: 128 bits, opcode in bits [63:60] ----------------------------- */
#define AMDVI_CMD_SIZE          16
#define AMDVI_CMD_OP_SHIFT      60
#define AMDVI_CMD_COMPLETION_WAIT       0x1
#define AMDVI_CMD_INV_DEVTAB_ENTRY      0x2
#define AMDVI_CMD_INV_IOMMU_PAGES       0x3
#define AMDVI_CMD_INV_IOTLB_PAGES       0x4
#define AMDVI_CMD_INV_INT_TABLE         0x5
#define AMDVI_CMD_INV_IOMMU_ALL         0x8
#define AMDVI_CW_STORE          AMDVI_BIT(0)
#define AMDVI_CW_INT            AMDVI_BIT(1)
#define AMDVI_CW_ADDR_MASK      AMDVI_GENMASK(51, 3)
#define AMDVI_INV_PAGES_S       AMDVI_BIT(0)    /* in quadword 1 */
#define AMDVI_INV_PAGES_PDE     AMDVI_BIT(1)
#define AMDVI_INV_ALL_ADDRESS   0x7ffffffffffff000ull   /* with S = 1: all */

/* ---- Event log entries: 128 bits, code in bits [63:60] ---------------------- */
#define AMDVI_EVT_SIZE          16
#define AMDVI_EVT_ILLEGAL_DEV_TABLE_ENTRY 0x1
#define AMDVI_EVT_IO_PAGE_FAULT         0x2
#define AMDVI_EVT_DEV_TAB_HW_ERROR      0x3
#define AMDVI_EVT_PAGE_TAB_HW_ERROR     0x4
#define AMDVI_EVT_ILLEGAL_COMMAND       0x5
#define AMDVI_EVT_COMMAND_HW_ERROR      0x6
#define AMDVI_EVT_IOTLB_INV_TIMEOUT     0x7
#define AMDVI_EVT_INVALID_DEVICE_REQ    0x8
/* Flags of IO_PAGE_FAULT, bits [59:48] of quadword 0 (as bits [11:0] here). */
#define AMDVI_EVTF_GN           AMDVI_BIT(0)
#define AMDVI_EVTF_NX           AMDVI_BIT(1)
#define AMDVI_EVTF_US           AMDVI_BIT(2)
#define AMDVI_EVTF_I            AMDVI_BIT(3)    /* interrupt request */
#define AMDVI_EVTF_PR           AMDVI_BIT(4)    /* page was present */
#define AMDVI_EVTF_RW           AMDVI_BIT(5)    /* 1 = write */
#define AMDVI_EVTF_PE           AMDVI_BIT(6)    /* permission violation */
#define AMDVI_EVTF_RZ           AMDVI_BIT(7)    /* reserved bit not zero */
#define AMDVI_EVTF_TR           AMDVI_BIT(8)    /* translation request */

#define AMDVI_EINVAL            (-22)

/* A PCI requester ID: bus [15:8], device [7:3], function [2:0]. */
static inline uint16_t amdvi_bdf(unsigned bus, unsigned dev, unsigned fn)
{
	return (uint16_t)((bus & 0xff) << 8 | (dev & 0x1f) << 3 | (fn & 7));
}

struct amdvi_dte {
	uint64_t q[4];
};

/*
 * What one device may do. svmhv's policy (hv/iso/iommu.c): every DeviceID
 * translates through its identity I/O page table, with IV = 1 and every
 * pass bit clear, so INIT, ExtINT, NMI, LINT0/1 and SMI messages from
 * devices are target-aborted; fixed and arbitrated MSIs with IntCtl = PASS
 * (the specification) or, on QEMU 7.2 whose PASS is broken, REMAP through
 * svmhv's tables. pass_nmi / pass_extint / pass_lint exist for the IOAPIC's
 * entry only (docs/isolation.md).
 */
struct amdvi_dte_cfg {
	uint64_t pt_root;       /* 4 KiB aligned, 0 = block all DMA (TV, mode 0, IR=IW=0) */
	unsigned levels;        /* 1..6 when pt_root != 0 */
	uint16_t domain_id;
	bool     remap_irqs;    /* IV = 1 (needs interrupt remapping support) */
	unsigned intctl;        /* AMDVI_INTCTL_* */
	uint64_t irt_root;      /* 128-byte aligned; needed when intctl = REMAP */
	unsigned irt_len_log2;  /* IntTabLen: 2^n entries, 0..11 */
	bool     pass_nmi, pass_extint, pass_lint0, pass_lint1;
	bool     suppress_faults;       /* SE */
};

/* Build a DTE. Returns 0 or AMDVI_EINVAL (misaligned root, bad levels...). */
int amdvi_dte_build(const struct amdvi_dte_cfg *cfg, struct amdvi_dte *out);

/* Is this DTE one svmhv could have written (V, TV, no reserved bits, no
 * INIT pass, SysMgt = 0, no guest translation)? The check a debug dump
 * runs over the whole table. */
bool amdvi_dte_is_safe(const struct amdvi_dte *dte);

/* Legacy IRTE for a fixed (or arbitrated) interrupt. */
uint32_t amdvi_irte_build(uint8_t vector, uint8_t dest, bool logical, bool arbitrated);

/* Register values. len_log2 is the ring's entry count (2^8 .. 2^15). */
int amdvi_devtab_reg(uint64_t base, size_t bytes, uint64_t *reg);
int amdvi_ring_reg(uint64_t base, unsigned len_log2, uint64_t *reg);

struct amdvi_cmd {
	uint64_t q[2];
};

int  amdvi_cmd_completion_wait(uint64_t store_pa, uint64_t data, struct amdvi_cmd *c);
void amdvi_cmd_inv_devtab_entry(uint16_t devid, struct amdvi_cmd *c);
void amdvi_cmd_inv_iommu_pages_all(uint16_t domain_id, struct amdvi_cmd *c);
int  amdvi_cmd_inv_iommu_pages(uint16_t domain_id, uint64_t iova, bool pde,
			       struct amdvi_cmd *c);
void amdvi_cmd_inv_int_table(uint16_t devid, struct amdvi_cmd *c);
void amdvi_cmd_inv_all(struct amdvi_cmd *c);

struct amdvi_event {
	unsigned code;          /* AMDVI_EVT_* */
	uint16_t devid;
	uint16_t domain_or_pasid;
	unsigned flags;         /* AMDVI_EVTF_* for IO_PAGE_FAULT */
	uint64_t address;
};

void amdvi_event_decode(const uint64_t raw[2], struct amdvi_event *ev);

/* "IO_PAGE_FAULT dev 00:03.0 dom 0x1 addr 0x... flags W PR" style line. */
int amdvi_event_format(const struct amdvi_event *ev, char *buf, size_t n);

/* Ring helpers: next tail/head offset in bytes, wrapping at 2^len_log2 entries. */
uint32_t amdvi_ring_next(uint32_t off, unsigned len_log2);

#endif /* SVMHV_HV_IOMMU_AMDVI_H */
