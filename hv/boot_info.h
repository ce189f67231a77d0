/* SPDX-License-Identifier: MIT */
/*
 * The one plain struct boot/ hands to hv/: no EFI type crosses this line.
 */
#ifndef SVMHV_HV_BOOT_INFO_H
#define SVMHV_HV_BOOT_INFO_H

#include <stdbool.h>
#include <stdint.h>

#include "hv/debug/escape.h"

#define HV_BOOT_MAX_RAM  128    /* merged RAM ranges of the firmware's memory map */

/* dma_protect= (boot/config.h enum config_dma_protect, same values). */
#define HV_DMA_PROTECT_AUTO     0
#define HV_DMA_PROTECT_REQUIRED 1
#define HV_DMA_PROTECT_OFF      2

struct hv_boot_range {
	uint64_t base, size;
};

/*
 * The firmware's screen (GOP's current mode) at the takeover, for svmhv's
 * panic screen (hv/fb.h): format HV_FB_NONE when there is none svmhv can use.
 */
struct hv_boot_fb {
	uint64_t base;          /* physical, linear, 32 bits a pixel */
	uint64_t size;          /* bytes, GOP FrameBufferSize */
	uint32_t width, height; /* pixels */
	uint32_t stride;        /* pixels per scan line */
	uint8_t format;         /* HV_FB_* (hv/fb.h) */
};

/* What svmhv does when its guest shuts down (triple fault), `shutdown=`. */
enum hv_shutdown_action {
	HV_SHUTDOWN_RESET = 0,  /* reset the machine, as the platform would */
	HV_SHUTDOWN_HALT,       /* stop that vCPU in svmhv, state on the console */
};

struct hv_boot_info {
	uint64_t pool_pa;       /* svmhv's reserved memory: its image copy, then heap */
	uint64_t pool_size;
	uint64_t image_size;    /* bytes of the image copy at pool_pa */
	/* svmhv's identity host page tables, in the pool after the image copy
	 * (mm/hostpt.h): boot/takeover.asm loads them before the first call
	 * into the pool, and svmhv's host keeps them. The heap starts after. */
	uint64_t host_cr3;
	uint64_t host_pt_bytes;
	uint16_t serial_port;   /* 0 = no serial console */
	uint8_t log_level;      /* enum log_level */
	bool force_tlb_flush;
	bool nested;            /* offer SVM to the guest */
	bool vgif;              /* L1's GIF on the CPU's VGIF, where it has one */
	uint32_t level;         /* svmhv's below this one (hv_nesting_level()) */
	uint32_t shadow_pages;  /* per vCPU, shadows of L1's nested page tables */
	struct esc_seq escape;  /* opens the monitor on the shared line; len 0: off */
	uint16_t debug_serial;  /* svmhv's own UART for monitor and GDB stub, 0 = none */
	uint64_t tsc_khz;       /* TSC ticks per ms, measured against the firmware's Stall() */
	unsigned cpu_index;     /* hv_entry_ap: this AP's index, 1.. */
	/*
	 * The processors MP services reports, in lists sized by that count
	 * (boot/efi_mp.c, firmware memory): hv_setup() copies both into svmhv's
	 * heap and sizes every per-CPU table by ncpu (hv/cpus.h for the bound).
	 */
	unsigned ncpu;          /* enabled CPUs; index 0 is the boot CPU */
	const uint32_t *apic_ids;       /* ncpu APIC IDs, by CPU index */
	/* Processors MP services reports but did not enable: never under svmhv,
	 * they still get the INIT/SIPI the guest addresses to them (hv/apic/vapic.c). */
	unsigned noutside;
	const uint32_t *outside_apic_ids;       /* noutside APIC IDs */
	uint8_t shutdown;       /* enum hv_shutdown_action */
	bool hc_user;           /* info hypercalls also at CPL 3 (`hypercalls=all`) */
	uint64_t rsdp_pa;       /* ACPI RSDP from the EFI configuration table, 0 if none */
	uint8_t dma_protect;    /* HV_DMA_PROTECT_* */
	unsigned test_fail_cpu; /* test knob: this AP's takeover fails (0 = none) */
	bool test_panic;        /* test knob: vCPU 0's first exit panics */
	struct hv_boot_fb fb;   /* the screen for fatal errors without a UART */
	/* AMD microcode container boot/ read (`microcode=auto`), checked by
	 * ucode_scan(); each CPU loads its patch from it before its takeover
	 * (hv/ucode/ucode.h). Boot-services memory, used only before the OS. */
	uint64_t ucode_pa;      /* 0 = none */
	uint32_t ucode_len;
	/* Ordinary RAM from the firmware's memory map (boot/efi_mem.c), merged:
	 * what a guest may name for SVM structures and where devices may DMA. */
	unsigned nram;
	struct hv_boot_range ram[HV_BOOT_MAX_RAM];
};

/*
 * Entry point of the reserved copy; see boot/takeover.asm for the contract.
 * It runs on svmhv's host tables (info->host_cr3) with interrupts off;
 * guest_cr3 is the firmware's CR3, the one the guest resumes on.
 */
typedef int (*hv_entry_fn)(struct hv_boot_info *info, uint64_t guest_rip,
			   uint64_t guest_rsp, uint64_t guest_rflags, uint64_t guest_cr3);
int hv_entry(struct hv_boot_info *info, uint64_t guest_rip, uint64_t guest_rsp,
	     uint64_t guest_rflags, uint64_t guest_cr3);
int hv_entry_ap(struct hv_boot_info *info, uint64_t guest_rip, uint64_t guest_rsp,
		uint64_t guest_rflags, uint64_t guest_cr3);

#define HV_ERR_NOMEM    (-12)
#define HV_ERR_NOSVM    (-19)
#define HV_ERR_INVAL    (-22)
#define HV_ERR_NOIOMMU  (-95)   /* dma_protect=required and no IOMMU svmhv can own */

#endif
