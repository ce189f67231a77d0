/* SPDX-License-Identifier: MIT */
/*
 * The devices tests/guest/isoattack.c drives from Linux user space (root):
 * QEMU's edu PCI device (a DMA engine and an MSI source), PCI config space
 * through sysfs (the kernel uses ports 0xCF8/0xCFC) and through ECAM
 * (/dev/mem; needs iomem=relaxed), QEMU's fw_cfg DMA interface (ports,
 * iopl), physical pages of our own (/proc/self/pagemap).
 * Facts: QEMU docs/specs/edu.txt and fw_cfg.rst (7.2), docs/isolation.md.
 */
#ifndef SVMHV_TESTS_GUEST_ISODEV_H
#define SVMHV_TESTS_GUEST_ISODEV_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define EDU_BUF         0x40000u        /* the edu's 4 KiB DMA buffer, device side */
#define EDU_MAX         4088u           /* QEMU 7.2's edu_check_range refuses 4096 */

struct page {
	volatile uint8_t *va;
	uint64_t pa;
};

/* A locked page of our own and its physical address; 0 or -1. */
int page_alloc(struct page *p);

/* Map @len bytes of physical memory (MMIO) through /dev/mem, or NULL. */
volatile uint8_t *devmem_map(uint64_t pa, size_t len);

struct edu {
	char dev[300];                  /* /sys/bus/pci/devices/0000:bb:dd.f */
	uint16_t bdf;
	volatile uint8_t *bar;
	unsigned irq;                   /* its INTx as Linux routed it (an IOAPIC pin) */
	unsigned msi;                   /* MSI capability offset, 0 if none */
};

int edu_open(struct edu *e);
/* RAM -> device buffer (to_ram false) or device buffer -> RAM, at most EDU_MAX
 * bytes (QEMU aborts on more): 0, or -1 on timeout. */
int edu_dma(struct edu *e, uint64_t ram, uint32_t len, bool to_ram);
void edu_raise(struct edu *e);          /* raise its interrupt, wait a little, lower it */

/* PCI config space of a function, through sysfs (the kernel: 0xCF8/0xCFC). */
uint32_t cfg_read(const char *dev, unsigned off, unsigned size);
void cfg_write(const char *dev, unsigned off, unsigned size, uint32_t v);
/* The sysfs path of bus 0 device d function f. */
void pci_path(char *buf, size_t n, unsigned dev, unsigned fn);

/* fw_cfg. */
bool fwcfg_present(void);
/* Start a DMA with the descriptor at physical @desc_pa (already written). */
void fwcfg_dma_start(uint64_t desc_pa);
/* Fill a descriptor (big endian). */
void fwcfg_desc(volatile uint8_t *d, uint32_t control, uint32_t len, uint64_t addr);
uint32_t fwcfg_desc_control(volatile const uint8_t *d);
/* The selector of a named fw_cfg file, or -1. */
int fwcfg_find(const char *name, uint32_t *size);

#endif /* SVMHV_TESTS_GUEST_ISODEV_H */
