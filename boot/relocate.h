/* SPDX-License-Identifier: MIT */
#ifndef SVMHV_BOOT_RELOCATE_H
#define SVMHV_BOOT_RELOCATE_H

#include <stdint.h>

/* Fix up a byte copy of this image at copy (see relocate.c); 0 or -1. */
int efi_rebase_copy(uint8_t *copy, uint64_t copy_size);

#endif
