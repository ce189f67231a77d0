/* SPDX-License-Identifier: MIT */
/* Nested SVM, the hypervisor side (hv/nested.c); decisions live in nested/. */
#ifndef SVMHV_HV_NESTED_H
#define SVMHV_HV_NESTED_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "hv/hv.h"

int hv_nested_setup_vcpu(struct vcpu *v, void *(*alloc)(size_t pages, uint64_t *pa));
/* VMRUN, VMLOAD, VMSAVE, STGI, CLGI, INVLPGA, SKINIT exits from vmcb01. */
void hv_nested_svm_insn(struct vcpu *v, uint64_t exit_code);
/* An exit from vmcb02: true when it was L1's and has been reflected. */
bool hv_nested_route(struct vcpu *v);
void hv_nested_reflect(struct vcpu *v);
/* An exception for L2 that L1 intercepts becomes L1's exit: true if so. */
bool hv_nested_exception(struct vcpu *v, unsigned vec, bool has_err, uint32_t err);
/* Before VMRUN: GIF-held events, host IF; returns the context to run. */
enum tlb_ctx hv_nested_prepare(struct vcpu *v);
/* INIT: leave L2 first; false when it must wait for L1's GIF. */
bool hv_nested_init(struct vcpu *v);

#endif
