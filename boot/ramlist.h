/* SPDX-License-Identifier: MIT */
/*
 * A sorted list of disjoint, non-adjacent memory ranges, built one range at
 * a time: the firmware's RAM as svmhv hands it to the IOMMU's page table and
 * to the fw_cfg DMA check. Pure: host-tested.
 */
#ifndef SVMHV_BOOT_RAMLIST_H
#define SVMHV_BOOT_RAMLIST_H

#include <stdbool.h>
#include <stdint.h>

#include "hv/boot_info.h"

/*
 * Add [base, base + size) to r[0..*n), merging it with every range it
 * overlaps or touches. false (list unchanged) when it needs a new slot and
 * *n == max, or when the range wraps past 2^64; size 0 is a no-op.
 */
bool ramlist_add(struct hv_boot_range *r, unsigned *n, unsigned max, uint64_t base,
		 uint64_t size);

#endif /* SVMHV_BOOT_RAMLIST_H */
