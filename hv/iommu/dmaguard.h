/* SPDX-License-Identifier: MIT */
/*
 * DMA engines the IOMMU does not see, judged before svmhv lets a transfer
 * start: QEMU's fw_cfg DMA interface (I/O ports 0x514/0x518) and the legacy
 * ISA DMA controllers (8237 pair). Both write and read physical memory
 * directly, so every byte a transfer could touch is checked against the
 * protected ranges (svmhv's pool, the IOMMU's structures).
 * See: QEMU docs/specs/fw_cfg.rst, "Guest-side DMA Interface" (QEMU 7.2);
 * Intel 8237A datasheet and the PC/AT page registers (ports 0x81-0x8F).
 *
 * Pure: included by the freestanding hypervisor and by host unit tests.
 */
#ifndef SVMHV_HV_IOMMU_DMAGUARD_H
#define SVMHV_HV_IOMMU_DMAGUARD_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* [base, base + size); size 0 means empty. */
struct dma_range {
	uint64_t base;
	uint64_t size;
};

/*
 * Does [pa, pa + len) meet any protected range? A range that wraps past
 * 2^64 counts as meeting everything (the caller refuses it). len 0: no.
 */
bool dma_overlaps(uint64_t pa, uint64_t len, const struct dma_range *prot, size_t n);

/* ---- fw_cfg DMA ------------------------------------------------------------ */
#define FWCFG_PORT_SELECTOR     0x510
#define FWCFG_PORT_DATA         0x511
#define FWCFG_PORT_DMA_HI       0x514   /* big-endian address, high dword */
#define FWCFG_PORT_DMA_LO       0x518   /* low dword: writing it starts the DMA */
#define FWCFG_DESC_LEN          16

#define FWCFG_CTL_ERROR         (1u << 0)
#define FWCFG_CTL_READ          (1u << 1)       /* item -> RAM */
#define FWCFG_CTL_SKIP          (1u << 2)
#define FWCFG_CTL_SELECT        (1u << 3)       /* key in [31:16] */
#define FWCFG_CTL_WRITE         (1u << 4)       /* RAM -> item */
#define FWCFG_CTL_KNOWN         0x0000001eu     /* bits a request may set, + key */

/* FWCfgDmaAccess, decoded from its big-endian bytes. */
struct fwcfg_dma_desc {
	uint32_t control;
	uint32_t length;
	uint64_t address;
};

void fwcfg_dma_decode(const uint8_t raw[FWCFG_DESC_LEN], struct fwcfg_dma_desc *d);

enum fwcfg_verdict {
	FWCFG_ALLOW = 0,
	FWCFG_REFUSE_DESC,      /* descriptor wraps or lies in protected memory */
	FWCFG_REFUSE_CONTROL,   /* unknown control bits */
	FWCFG_REFUSE_WRAP,      /* address + length wraps past 2^64 */
	FWCFG_REFUSE_PROTECTED, /* the data range meets protected memory */
	FWCFG_REFUSE_NOT_RAM,   /* descriptor or data outside RAM (MMIO, MSI window) */
};

const char *fwcfg_verdict_name(enum fwcfg_verdict v);

/* What a transfer touches, for the log line. */
struct fwcfg_dma_access {
	bool     touches_data;
	bool     to_ram;        /* read op: fw_cfg writes RAM */
	uint64_t data_pa, data_len;
};

/*
 * Judge the transfer QEMU would run for the descriptor at @desc_pa (16
 * bytes read, its control dword written back). QEMU's order of operations:
 * SELECT first; then READ wins over WRITE wins over SKIP; no op bit: no
 * transfer. @acc may be NULL.
 */
enum fwcfg_verdict fwcfg_dma_check(uint64_t desc_pa, const struct fwcfg_dma_desc *d,
				   const struct dma_range *prot, size_t n,
				   struct fwcfg_dma_access *acc);

/*
 * The second half of the check, for a transfer fwcfg_dma_check allowed: the
 * descriptor and the data must lie in RAM, so fw_cfg never writes a device
 * register or the MSI window (a write there is an interrupt message).
 */
enum fwcfg_verdict fwcfg_dma_check_ram(uint64_t desc_pa, const struct fwcfg_dma_access *acc,
				       const struct dma_range *ram, size_t n);

/*
 * The DMA address latch, as QEMU keeps it (one per machine, so svmhv keeps
 * one global copy under a lock). A 4-byte OUT to 0x514 sets the high half;
 * a 4-byte OUT to 0x518 ors in the low half and starts the transfer, after
 * which the latch is 0. Other widths and ports of 0x514-0x51b do nothing.
 * Values are the OUT operand as the CPU sees it (little endian); the
 * big-endian register swaps the bytes.
 */
struct fwcfg_dma_latch {
	uint64_t addr;
};

/* Returns true when this OUT starts a transfer; *desc_pa is then set. */
bool fwcfg_dma_port_write(struct fwcfg_dma_latch *l, uint16_t port, unsigned size,
			  uint32_t value, uint64_t *desc_pa);

/* ---- ISA DMA (8237) -------------------------------------------------------- */

/*
 * Every byte channel @chan (0-3 byte channels, 5-7 word channels) can reach
 * with page register @page and high page register @page_hi, whatever its
 * address and count registers say or become. QEMU 7.2 (hw/dma/i8257.c)
 * forms the address as page_hi[6:0] << 24 | page << 16 | current address,
 * where the current address is the 16-bit address register (shifted left
 * by one on the word controller), then adds or subtracts the transfer
 * position, which runs up to the count (64 Ki transfers of 1 or 2 bytes).
 * So around block = page_hi << 24 | page << 16 the window is
 * [block - 64 KiB, block + 128 KiB) for a byte channel and
 * [block - 128 KiB, block + 256 KiB) for a word channel. A channel may be
 * unmasked only if its window avoids protected memory, judged for the 7
 * high-page bits QEMU uses and for all 8 (real chipsets).
 */
struct dma_range isadma_window(unsigned chan, uint8_t page, uint8_t page_hi);
/* Channel 4 (the cascade) transfers nothing itself: always allowed. */
bool isadma_unmask_allowed(unsigned chan, uint8_t page, uint8_t page_hi,
			   const struct dma_range *prot, size_t n);

/*
 * Is [pa, pa + len) inside the union of @ram (any order, may overlap)?
 * len 0: yes; a range that wraps: no. n = 0 means "no RAM list": yes.
 */
bool dma_within(uint64_t pa, uint64_t len, const struct dma_range *ram, size_t n);

#endif /* SVMHV_HV_IOMMU_DMAGUARD_H */
