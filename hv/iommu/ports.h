/* SPDX-License-Identifier: MIT */
/*
 * The I/O ports svmhv intercepts for isolation, and the pure state behind
 * two of them: the ISA DMA controllers' masks and page registers, and the
 * legacy ways a guest asks the chipset to reset (which PC chipsets turn
 * into INIT# for the CPUs: port 0x92 bit 0, the keyboard controller's reset
 * line, port 0xCF9). See: Intel 8237A datasheet (mask registers); QEMU 7.2
 * hw/dma/i8257.c (port map, page registers 0x81-0x8F, high page 0x481-0x491,
 * the word controller's registers on even ports with odd aliases); Intel
 * ICH9 datasheet 13.7.5 (Reset Control Register 0xCF9), 13.7.1 (port 0x92
 * "ALT_RST#"/INIT), 5.13.12 (INIT# sources: KBRST#, port 92, CF9, shutdown).
 *
 * Pure: included by the freestanding hypervisor and by host unit tests.
 */
#ifndef SVMHV_HV_IOMMU_PORTS_H
#define SVMHV_HV_IOMMU_PORTS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "hv/iommu/dmaguard.h"

/* A range of ports svmhv intercepts, and why. */
struct iso_port_range {
	uint16_t first;
	uint16_t count;
	uint8_t  kind;          /* enum iso_port_kind */
};

enum iso_port_kind {
	ISO_PORT_NONE = 0,
	ISO_PORT_PCI,           /* 0xCF8-0xCFF: config address/data (0xCF9: reset) */
	ISO_PORT_FWCFG,         /* 0x514-0x51B: fw_cfg DMA address */
	ISO_PORT_ISADMA,        /* 8237 control and page registers */
	ISO_PORT_RESET,         /* 0x92, 0x60/0x64 (keyboard controller) */
	ISO_PORT_SLEEP,         /* the FADT's PM1/sleep registers: hv_iso.sleep, not the table */
};

/* The table of intercepted ranges (ISO_PORT_NONE-terminated). */
extern const struct iso_port_range iso_ports[];

/* Which kind of port @port is, ISO_PORT_NONE if svmhv does not intercept it. */
enum iso_port_kind iso_port_kind(uint16_t port);

/* ---- ISA DMA ---------------------------------------------------------------- */

struct isadma_state {
	uint8_t page[8], page_hi[8];
	uint8_t mask[2];        /* per controller: bit c masks channel 4 * ctl + c */
};

enum isadma_verdict {
	ISADMA_PASS = 0,        /* perform the write; the state followed it */
	ISADMA_REFUSE,          /* drop it: it would let a channel reach protected memory */
};

/* What svmhv programs at boot: every channel masked but the cascade (4). */
void isadma_boot_state(struct isadma_state *s);

/*
 * One byte written to @port (an ISO_PORT_ISADMA port), judged against the
 * protected ranges: unmasking a channel, or changing the page of an
 * unmasked one, passes only if the channel's window (dmaguard.h) avoids
 * them. On REFUSE the state is unchanged and *chan names the channel.
 */
enum isadma_verdict isadma_write(struct isadma_state *s, uint16_t port, uint8_t val,
				 const struct dma_range *prot, size_t n, unsigned *chan);

/* ---- reset requests ----------------------------------------------------------- */

struct resetport_state {
	bool kbc_output_next;   /* the keyboard controller got 0xD1: 0x60 is its output port */
};

/*
 * One byte written to @port: true when it asks the chipset for a reset
 * (0xCF9 with bit 2; 0x92 with bit 0; keyboard controller command
 * 0xF0-0xFF with bit 0 clear, or output port bit 0 clear after 0xD1).
 */
bool resetport_write(struct resetport_state *s, uint16_t port, uint8_t val);

/*
 * An OUT of @size bytes at @port, byte by byte through resetport_write(),
 * except the dword at 0xCF8: that is CONFIG_ADDRESS (PCI mechanism #1), and
 * its second byte is no reset control (0xCF9 decodes byte accesses).
 */
bool resetport_out(struct resetport_state *s, uint16_t port, unsigned size, uint32_t val);

#endif /* SVMHV_HV_IOMMU_PORTS_H */
