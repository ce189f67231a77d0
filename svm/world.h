/* SPDX-License-Identifier: MIT */
/*
 * The world switch's C contract (svm/world.asm): what one VMRUN needs besides
 * the VMCB. The guest's RAX and RSP live in the VMCB; its other general-purpose
 * registers live here while svmhv runs. Offsets are asserted below and spelled
 * again in world.asm.
 * See: APM2 15.5 (VMRUN), 15.5.2 (VMLOAD/VMSAVE), 15.6 (#VMEXIT).
 */
#ifndef SVMHV_SVM_WORLD_H
#define SVMHV_SVM_WORLD_H

#include <stddef.h>
#include <stdint.h>

struct svm_gprs {
	uint64_t rbx, rcx, rdx, rsi, rdi, rbp;
	uint64_t r8, r9, r10, r11, r12, r13, r14, r15;
};

struct svm_world {
	struct svm_gprs regs;           /* +0x00 the guest's, between two VMRUNs */
	uint64_t vmcb_pa;               /* +0x70 the VMCB to run (VMRUN's rAX) */
	uint64_t host_save_pa;          /* +0x78 VMSAVE image of the host's FS/GS/TR/LDTR */
	uint64_t host_if;               /* +0x80 RFLAGS.IF while the guest runs (GIF = 0) */
	/*
	 * SPEC_CTRL without V_SPEC_CTRL: when spec_ctrl_swap is set, the
	 * guest's value is written right before VMRUN and the host's right
	 * after the #VMEXIT, before any RET (APM2 15.34; KVM's vmenter.S).
	 */
	uint64_t spec_ctrl_guest;       /* +0x88 */
	uint64_t spec_ctrl_host;        /* +0x90 */
	uint64_t spec_ctrl_swap;        /* +0x98 nonzero: swap around VMRUN */
};

_Static_assert(offsetof(struct svm_world, regs) == 0x00, "world.asm: regs");
_Static_assert(offsetof(struct svm_gprs, r15) == 0x68, "world.asm: r15");
_Static_assert(offsetof(struct svm_world, vmcb_pa) == 0x70, "world.asm: vmcb_pa");
_Static_assert(offsetof(struct svm_world, host_save_pa) == 0x78, "world.asm: host_save_pa");
_Static_assert(offsetof(struct svm_world, host_if) == 0x80, "world.asm: host_if");
_Static_assert(offsetof(struct svm_world, spec_ctrl_guest) == 0x88, "world.asm: spec_ctrl");
_Static_assert(offsetof(struct svm_world, spec_ctrl_swap) == 0x98, "world.asm: spec_ctrl_swap");

/*
 * One VMRUN of w->vmcb_pa with the guest's registers from w, back here after
 * the #VMEXIT with them saved in w and the host's FS/GS/TR reloaded. Called
 * with GIF = 0 and RFLAGS.IF = 0; returns with both still 0.
 */
void svm_world_switch(struct svm_world *w);

/* Switch to the host stack and call loop(arg), which never returns. */
void svm_world_start(void *host_stack_top, void (*loop)(void *), void *arg)
	__attribute__((noreturn));

#endif /* SVMHV_SVM_WORLD_H */
