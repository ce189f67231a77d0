/* SPDX-License-Identifier: MIT */
/*
 * cpuidump.efi: print the CPUID leaves that decide what svmhv can do on a CPU model,
 * then power off. Used by tests/platform/cpu-matrix.sh to record, per QEMU version
 * and -cpu value, what the (virtual) hardware offers: booted directly by OVMF it shows
 * QEMU's CPUID; as svmhv's `next` it shows what svmhv lets its guest see.
 *
 * Output, one line per leaf (hex, no 0x), then an end marker:
 *   CPUID: <leaf>.<subleaf> eax=<8 hex> ebx=<8 hex> ecx=<8 hex> edx=<8 hex>
 *   CPUID: done
 * Leaves beyond the maximum basic/extended leaf are printed as "absent".
 */
#include <efi.h>
#include <efilib.h>
#include <stdarg.h>
#include <stdint.h>

#include "hv/fmt.h"
#include "tests/payload/options.h"

#define LINE_MAX_CHARS  120

static const uint32_t leaves[] = {
	0x00000001u,    /* ECX[21] x2APIC, ECX[31] hypervisor present */
	0x40000000u,    /* hypervisor signature (svmhv, or none) */
	0x80000001u,    /* ECX[2] SVM; EDX[26] 1 GiB pages */
	0x80000008u,    /* EAX[7:0] MAXPHYADDR, EAX[15:8] linear address bits */
	0x8000000au,    /* SVM revision, ASID count, SVM feature bits (APM3 App. E.4.9) */
};

/* One formatted line (hv/fmt.c) on the console (the serial port): conout_line(). */
static void say(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static void say(const char *fmt, ...)
{
	char line[LINE_MAX_CHARS];
	va_list ap;

	va_start(ap, fmt);
	hv_vsnprintf(line, sizeof(line), fmt, ap);
	va_end(ap);
	conout_line(line);
}

static void cpuid(uint32_t leaf, uint32_t sub, uint32_t r[4])
{
	__asm__ volatile("cpuid" : "=a"(r[0]), "=b"(r[1]), "=c"(r[2]), "=d"(r[3])
			 : "a"(leaf), "c"(sub));
}

/*
 * A leaf exists when it is at most the maximum of its range (leaf 0 for basic,
 * 8000_0000 for extended). The 4000_0000 range is reserved for hypervisors and
 * has no maximum to check against without one, so it is always printed: the
 * signature (or its absence) tells.
 */
static int leaf_present(uint32_t leaf)
{
	uint32_t r[4];

	if ((leaf & 0xf0000000u) == 0x40000000u)
		return 1;
	cpuid(leaf & 0x80000000u, 0, r);
	return leaf <= r[0];
}

static void dump_leaf(uint32_t leaf)
{
	uint32_t r[4];

	if (!leaf_present(leaf)) {
		say("CPUID: %08x.0 absent", leaf);
		return;
	}
	cpuid(leaf, 0, r);
	say("CPUID: %08x.0 eax=%08x ebx=%08x ecx=%08x edx=%08x", leaf, r[0], r[1], r[2], r[3]);
}

/* Called by GNU-EFI's crt0 (SysV ABI) after self-relocation. */
EFI_STATUS efi_main(EFI_HANDLE image, EFI_SYSTEM_TABLE *systab);
EFI_STATUS efi_main(EFI_HANDLE image, EFI_SYSTEM_TABLE *systab)
{
	InitializeLib(image, systab);
	say("%s", "");
	for (size_t i = 0; i < sizeof(leaves) / sizeof(leaves[0]); i++)
		dump_leaf(leaves[i]);
	say("%s", "CPUID: done");
	RT->ResetSystem(EfiResetShutdown, EFI_SUCCESS, 0, NULL);
	return EFI_SUCCESS;
}
