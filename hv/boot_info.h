/* SPDX-License-Identifier: MIT */
/*
 * The one plain struct boot/ hands to hv/: no EFI type crosses this line.
 */
#ifndef SVMHV_HV_BOOT_INFO_H
#define SVMHV_HV_BOOT_INFO_H

#include <stdbool.h>
#include <stdint.h>

struct hv_boot_info {
	uint64_t pool_pa;       /* svmhv's reserved memory: its image copy, then heap */
	uint64_t pool_size;
	uint64_t image_size;    /* bytes of the image copy at pool_pa */
	uint16_t serial_port;   /* 0 = no serial console */
	uint8_t log_level;      /* enum log_level */
	bool force_tlb_flush;
};

/* Entry point of the reserved copy; see boot/takeover.asm for the contract. */
typedef int (*hv_entry_fn)(struct hv_boot_info *info, uint64_t guest_rip,
			   uint64_t guest_rsp, uint64_t guest_rflags);
int hv_entry(struct hv_boot_info *info, uint64_t guest_rip, uint64_t guest_rsp,
	     uint64_t guest_rflags);

#define HV_ERR_NOMEM    (-12)
#define HV_ERR_NOSVM    (-19)

#endif
