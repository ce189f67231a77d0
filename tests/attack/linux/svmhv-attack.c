/* SPDX-License-Identifier: MIT */
/*
 * svmhv-attack: tests/attack from inside Linux, as root: a user program
 * (CPL 3) calling svmhv's hypercalls, and MSRs the kernel reads and writes
 * for it through /dev/cpu/N/msr (the msr module: the kernel's
 * rdmsr_safe/wrmsr_safe, so a #GP from svmhv comes back as EIO).
 *
 *   svmhv-attack [-a] [-l loops]   -a: svmhv runs with hypercalls=all (the
 *                                  soak): the information functions answer,
 *                                  CONSOLE_DUMP still refuses CPL 3
 *
 * Lines: "SVMHV-ATTACK: ok - linux: <case>", "SVMHV-ATTACK: not ok - ...",
 * "SVMHV-ATTACK: done N passed, M failed". Exit status 0 only if all passed.
 * old: every information hypercall answered at CPL 3 (MEMINFO told any
 * program where svmhv's memory is); TOM2, SYSCFG, PAT and unlisted MSRs
 * went to the hardware.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "tests/guest/guest-hc.h"

static unsigned passed, failed;
static int hc_all;                      /* -a: hypercalls=all */

static void check(int ok, const char *name, const char *detail)
{
	if (ok)
		passed++, printf("SVMHV-ATTACK: ok - linux: %s\n", name);
	else
		failed++, printf("SVMHV-ATTACK: not ok - linux: %s: %s\n", name, detail);
}

static int64_t hc(uint64_t fn, struct hc *h)
{
	if (hypercall(fn, 0xffffffffu, 0, 0, h))
		return 1000;                    /* #UD: no svmhv */
	return (int64_t)h->rax;
}

/* hypercalls=cpl0 (the default): only IDENTIFY answers a program. */
static void hypercalls(void)
{
	static const struct { uint64_t fn; const char *name; } info[] = {
		{ SVMHV_HC_EXIT_COUNT, "EXIT_COUNT" }, { SVMHV_HC_MEMINFO, "MEMINFO" },
		{ SVMHV_HC_VCPU_STATE, "VCPU_STATE" }, { SVMHV_HC_INTEGRITY, "INTEGRITY" },
		{ SVMHV_HC_CONSOLE_DUMP, "CONSOLE_DUMP" },
	};
	char name[96], detail[64];
	struct hc h;

	check(hc(SVMHV_HC_IDENTIFY, &h) == SVMHV_OK && h.rbx == SVMHV_SIG_EBX,
	      "IDENTIFY at CPL 3 answers", "no signature");
	for (unsigned i = 0; i < sizeof(info) / sizeof(info[0]); i++) {
		int64_t st = hc(info[i].fn, &h);

		int64_t want = hc_all && info[i].fn != SVMHV_HC_CONSOLE_DUMP ? SVMHV_OK :
			       SVMHV_EPERM;

		snprintf(name, sizeof(name), "%s at CPL 3 -> %s", info[i].name,
			 want == SVMHV_OK ? "answers (hypercalls=all)" : "SVMHV_EPERM");
		snprintf(detail, sizeof(detail), "status %lld rbx 0x%llx", (long long)st,
			 (unsigned long long)h.rbx);
		check(st == want, name, detail);
	}
}

/* 0, or the errno of one 8-byte access to MSR msr of CPU 0 (fd = /dev/cpu/0/msr). */
static int msr_io(int fd, int write, unsigned msr, uint64_t *val)
{
	ssize_t n = write ? pwrite(fd, val, 8, msr) : pread(fd, val, 8, msr);

	return n == 8 ? 0 : errno;
}

static void msr_case(int fd, const char *name, int write, unsigned msr, uint64_t val, int want)
{
	char detail[64];
	int err = msr_io(fd, write, msr, &val);

	snprintf(detail, sizeof(detail), "%s", err ? strerror(err) : "no error");
	check(err == want, name, detail);
}

static void msrs(void)
{
	uint64_t v = 0;
	int fd = open("/dev/cpu/0/msr", O_RDWR);

	if (fd < 0) {
		check(0, "open /dev/cpu/0/msr (the msr module)", strerror(errno));
		return;
	}
	msr_case(fd, "the kernel's RDMSR EFER works", 0, 0xc0000080u, 0, 0);
	msr_case(fd, "the kernel's RDMSR FEATURE_CONTROL (unlisted) -> #GP (EIO)", 0, 0x3au, 0, EIO);
	msr_case(fd, "the kernel's WRMSR TOM2 -> #GP (EIO)", 1, 0xc001001du, 1ull << 40, EIO);
	if (msr_io(fd, 0, 0xc0010010u, &v) == 0)
		msr_case(fd, "the kernel's WRMSR SYSCFG.MemEncryptionModEn -> #GP (EIO)", 1,
			 0xc0010010u, v | (1ull << 23), EIO);
	msr_case(fd, "the kernel's WRMSR PAT with type 2 -> #GP (EIO)", 1, 0x277u,
		 0x0007040600070402ull, EIO);
	msr_case(fd, "the kernel's WRMSR microcode PATCH_LOADER -> ignored", 1, 0xc0010020u,
		 0x1000, 0);
	close(fd);
}

int main(int argc, char **argv)
{
	unsigned loops = 1;

	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "-a"))
			hc_all = 1;
		else if (!strcmp(argv[i], "-l") && i + 1 < argc)
			loops = (unsigned)atoi(argv[++i]);
	}
	setvbuf(stdout, NULL, _IOLBF, 0);
	for (unsigned i = 0; i < loops; i++) {
		hypercalls();
		msrs();
	}
	printf("SVMHV-ATTACK: done %u passed, %u failed\n", passed, failed);
	return failed ? 1 : 0;
}
