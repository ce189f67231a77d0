/* SPDX-License-Identifier: MIT */
/*
 * svmhv's hypercall from a Linux user program (the guest tools in
 * tests/guest/): one VMMCALL, with #UD (SIGILL, no svmhv underneath) caught.
 */
#ifndef SVMHV_TESTS_GUEST_HC_H
#define SVMHV_TESTS_GUEST_HC_H

#include <setjmp.h>
#include <signal.h>
#include <stdint.h>

#include "hv/hypercall.h"

struct hc {
	uint64_t rax, rbx, rcx, rdx;
};

static sigjmp_buf ud_jmp;

static void on_sigill(int sig)
{
	(void)sig;
	siglongjmp(ud_jmp, 1);
}

/* One VMMCALL; returns 0, or -1 if it raised #UD (SIGILL): no svmhv. */
static inline int hypercall(uint64_t fn, uint64_t a1, uint64_t a2, uint64_t a3, struct hc *out)
{
	uint64_t a = fn, b = a1, c = a2, d = a3;
	struct sigaction sa = { .sa_handler = on_sigill }, old;

	sigemptyset(&sa.sa_mask);
	sigaction(SIGILL, &sa, &old);
	if (sigsetjmp(ud_jmp, 1)) {
		sigaction(SIGILL, &old, NULL);
		return -1;
	}
	__asm__ volatile("vmmcall" : "+a"(a), "+b"(b), "+c"(c), "+d"(d) : : "memory");
	sigaction(SIGILL, &old, NULL);
	*out = (struct hc){ a, b, c, d };
	return 0;
}

#endif
