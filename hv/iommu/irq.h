/* SPDX-License-Identifier: MIT */
/*
 * Interrupt messages the guest programs into hardware, decoded and judged:
 * IOAPIC redirection table entries (RTEs) and PCI MSI address/data pairs.
 * See: Intel 82093AA I/O APIC datasheet (order 290566), 3.2.4 "IOREDTBL"
 * (delivery modes 000 fixed, 001 lowest priority, 010 SMI, 100 NMI,
 * 101 INIT, 111 ExtINT; 011 and 110 reserved); Intel SDM Vol. 3A, 11.11
 * "Message Signalled Interrupts" (address 0xFEEx_xxxx, destination
 * [19:12], RH bit 3, DM bit 2; data vector [7:0], delivery mode [10:8],
 * level bit 14, trigger bit 15); AMD APM Vol. 2, 16.5 (the local APIC's
 * delivery modes are the same on AMD).
 *
 * Policy (why, in iommu.md "interrupt policy"):
 *  - IOAPIC: INIT and SMI refused (INIT resets a CPU under svmhv, SMI
 *    enters firmware SMM behind svmhv's back), reserved modes refused;
 *    fixed, lowest priority, NMI and ExtINT allowed: they are ordinary
 *    events the guest can already cause (ICR NMI; the 8259 behind ExtINT)
 *    and svmhv intercepts them like any other.
 *  - MSI: only fixed and lowest priority, and only to the interrupt window
 *    0xFEE00000-0xFEEFFFFF: the same set the IOMMU's device table lets
 *    through (IntCtl = pass, every pass bit clear). An MSI address elsewhere
 *    is a plain DMA write of the data word.
 *
 * Pure: included by the freestanding hypervisor and by host unit tests.
 */
#ifndef SVMHV_HV_IOMMU_IRQ_H
#define SVMHV_HV_IOMMU_IRQ_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Delivery modes (IOAPIC RTE [10:8], MSI data [10:8], APIC ICR [10:8]). */
#define IRQ_DM_FIXED            0u
#define IRQ_DM_LOWEST           1u
#define IRQ_DM_SMI              2u
#define IRQ_DM_RESERVED3        3u
#define IRQ_DM_NMI              4u
#define IRQ_DM_INIT             5u
#define IRQ_DM_RESERVED6        6u      /* "start-up" in the ICR only */
#define IRQ_DM_EXTINT           7u

/* IOAPIC registers: index/data window and the RTE index registers. */
#define IOAPIC_IOREGSEL         0x00
#define IOAPIC_IOWIN            0x10
#define IOAPIC_EOI              0x40    /* version 0x20 */
#define IOAPIC_REG_ID           0x00
#define IOAPIC_REG_VER          0x01
#define IOAPIC_REG_ARB          0x02
#define IOAPIC_REG_RTE0         0x10    /* RTE n: 0x10 + 2n (low), + 1 (high) */

/* RTE bits (64-bit entry). */
#define IOAPIC_RTE_VECTOR_MASK  0xffull
#define IOAPIC_RTE_DM_SHIFT     8
#define IOAPIC_RTE_DM_MASK      (7ull << 8)
#define IOAPIC_RTE_LOGICAL      (1ull << 11)
#define IOAPIC_RTE_DELIVS       (1ull << 12)    /* read-only */
#define IOAPIC_RTE_POLARITY_LOW (1ull << 13)
#define IOAPIC_RTE_REMOTE_IRR   (1ull << 14)    /* read-only */
#define IOAPIC_RTE_LEVEL        (1ull << 15)
#define IOAPIC_RTE_MASKED       (1ull << 16)
#define IOAPIC_RTE_DEST_SHIFT   56

#define MSI_ADDR_BASE           0xfee00000u
#define MSI_ADDR_BASE_MASK      0xfff00000u
#define MSI_ADDR_DEST_SHIFT     12
#define MSI_ADDR_RH             (1u << 3)
#define MSI_ADDR_DM             (1u << 2)
#define MSI_DATA_DM_SHIFT       8
#define MSI_DATA_LEVEL          (1u << 14)
#define MSI_DATA_TRIGGER        (1u << 15)

enum irq_verdict {
	IRQ_ALLOW = 0,
	IRQ_REFUSE_INIT,
	IRQ_REFUSE_SMI,
	IRQ_REFUSE_NMI,
	IRQ_REFUSE_EXTINT,
	IRQ_REFUSE_RESERVED,    /* delivery mode 3 or 6 */
	IRQ_REFUSE_ADDRESS,     /* MSI address outside the interrupt window */
	IRQ_REFUSE_PARTIAL,     /* IOAPIC: a store that is not one whole IOWIN dword */
};

const char *irq_verdict_name(enum irq_verdict v);
const char *irq_dm_name(unsigned dm);

struct ioapic_rte {
	uint8_t  vector;
	uint8_t  delivery;      /* IRQ_DM_* */
	bool     logical, active_low, level, masked;
	uint8_t  dest;          /* [63:56] */
};

void ioapic_rte_decode(uint64_t raw, struct ioapic_rte *r);

/* Judge an RTE, or just its low dword (what one IOWIN write carries). */
enum irq_verdict ioapic_rte_check(uint64_t raw);
enum irq_verdict ioapic_rte_low_check(uint32_t low);

/*
 * The RTE register an IOWIN access at @ioregsel reaches: pin number and
 * which half, or false for ID/VER/ARB and registers past @npins.
 */
bool ioapic_rte_reg(uint8_t ioregsel, unsigned npins, unsigned *pin, bool *high);

/*
 * A guest store of @width bytes of @value at offset @off of an IOAPIC's
 * page, judged before it reaches the IOAPIC. The register is off % 256
 * (QEMU's IOAPIC decodes the low byte; real ones alias at least that much).
 * *regsel is svmhv's copy of IOREGSEL: the register an IOWIN store reaches,
 * updated when an allowed store writes IOREGSEL's low byte. IOWIN must be
 * written as one aligned dword (82093AA: 32-bit accesses only); a store
 * that crosses the 256-byte alias block is refused too. Other registers
 * (EOI...) pass.
 */
enum irq_verdict ioapic_mmio_write_check(uint8_t *regsel, unsigned npins, unsigned off,
					 unsigned width, uint64_t value);

struct msi_msg {
	uint32_t dest;          /* address [19:12] */
	bool     logical, redir_hint;
	uint8_t  vector;
	uint8_t  delivery;
	bool     level_assert, level_trigger;
};

/* Decode; false if the address is outside the interrupt window. */
bool msi_decode(uint64_t addr, uint32_t data, struct msi_msg *m);
enum irq_verdict msi_check(uint64_t addr, uint32_t data);

#endif /* SVMHV_HV_IOMMU_IRQ_H */
