/* SPDX-License-Identifier: MIT */
/* Segment descriptors <-> VMCB segment format. Pure. See: APM2 4.7, Table B-2. */
#ifndef SVMHV_SVM_SEG_H
#define SVMHV_SVM_SEG_H

#include <stdint.h>

#include "svm/vmcb.h"

/*
 * Fill s from the 8-byte GDT descriptor desc loaded with selector sel. A null
 * selector gives an unusable (attrib 0) segment.
 */
void vmcb_seg_from_desc(struct vmcb_seg *s, uint16_t sel, uint64_t desc);

#endif
