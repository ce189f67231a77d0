/* SPDX-License-Identifier: MIT */
/*
 * A fake svmhv for the GDB stub: a few vCPUs with registers, one flat guest
 * "virtual" memory window, and a record of what the stub asked for. Shared by
 * the unit test, the fuzz target and the host program that real gdb talks to.
 */
#ifndef SVMHV_TESTS_DEBUG_FAKE_TARGET_H
#define SVMHV_TESTS_DEBUG_FAKE_TARGET_H

#include "hv/debug/gdbstub.h"

#define FAKE_VCPUS      2
#define FAKE_MEM_BASE   0xffffffff81000000ull
#define FAKE_MEM_SIZE   0x10000u

struct fake_target {
	struct gdb_regs regs[FAKE_VCPUS];
	uint8_t mem[FAKE_MEM_SIZE];
	struct gdb_hw_debug hw;
	uint8_t last_run[FAKE_VCPUS];
	unsigned resumes, interrupts, detaches, kills, hw_sets;
	bool fail_regs;
	/* output of the stub */
	uint8_t out[65536];
	size_t out_len;
	void (*on_write)(struct fake_target *t, const uint8_t *buf, size_t len);
	int fd;                 /* host program: the socket */
};

extern const struct gdb_target_ops fake_ops;
void fake_init(struct fake_target *t);

#endif
