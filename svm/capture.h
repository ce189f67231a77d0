/* SPDX-License-Identifier: MIT */
#ifndef SVMHV_SVM_CAPTURE_H
#define SVMHV_SVM_CAPTURE_H

#include <stdint.h>

#include "svm/vmcb.h"

/*
 * Fill vmcb01's save area from this CPU's current state (see capture.c),
 * with the guest's CR3 (the firmware's, which this CPU no longer runs on).
 */
void vmcb_capture_current(struct vmcb *v, uint64_t rip, uint64_t rsp, uint64_t rflags,
			  uint64_t cr3);

#endif
