/* SPDX-License-Identifier: MIT */
/*
 * Installs boot/ebs_park.asm's hook in the boot services table: a copy of the
 * blob in EfiRuntimeServicesCode (the OS keeps that memory and it stays
 * executable; svmhv.efi's own image is unloaded if it returns to the firmware),
 * the table's ExitBootServices pointed at it, the table's CRC fixed.
 * See: UEFI 2.10 4.4 (EFI_BOOT_SERVICES, its header CRC32), 7.4.6
 * (ExitBootServices).
 */
#include "boot/efi_park.h"

#include <efi.h>
#include <efilib.h>

#include "hv/boot_info.h"
#include "hv/console.h"
#include "hv/hypercall.h"

/* CPUs the thunk parks after ExitBootServices: efi_park_cpus in boot/ebs_park.asm. */
#define EFI_PARK_MAX 256u

extern char efi_park_thunk[], efi_park_thunk_end[], efi_park_orig[], efi_park_count[],
	    efi_park_cpus[];

static uint8_t *thunk;          /* the installed copy, NULL until the first CPU */

/* The copy's word that @sym names in the blob (symbols of one nasm section). */
static void *field(const char *sym)
{
	return thunk + ((uintptr_t)sym - (uintptr_t)efi_park_thunk);
}

static int install(void)
{
	EFI_PHYSICAL_ADDRESS pa = 0;
	UINTN size = (UINTN)((uintptr_t)efi_park_thunk_end - (uintptr_t)efi_park_thunk);
	UINT32 crc = 0;

	if (EFI_ERROR(BS->AllocatePages(AllocateAnyPages, EfiRuntimeServicesCode, 1, &pa)))
		return -1;
	thunk = (uint8_t *)(uintptr_t)pa;
	CopyMem(thunk, efi_park_thunk, size);
	*(uint64_t *)field(efi_park_orig) = (uint64_t)(uintptr_t)BS->ExitBootServices;
	*(uint32_t *)field(efi_park_count) = 0;
	BS->ExitBootServices = (EFI_EXIT_BOOT_SERVICES)(uintptr_t)thunk;
	BS->Hdr.CRC32 = 0;
	BS->CalculateCrc32(BS, BS->Hdr.HeaderSize, &crc);
	BS->Hdr.CRC32 = crc;
	return 0;
}

/* Without the hook: park at once (the firmware may then wait for it forever). */
static int park_now(unsigned idx)
{
	uint64_t rax = SVMHV_HC_PARK_CPU, rbx = idx, rcx = 0, rdx = 0;

	__asm__ volatile("vmmcall" : "+a"(rax), "+b"(rbx), "+c"(rcx), "+d"(rdx) :: "memory");
	return -1;
}

int efi_park_later(unsigned idx)
{
	uint32_t *n;

	if (!thunk && install()) {
		hv_err("boot", "cannot hook ExitBootServices: parking CPU %u now", idx);
		return park_now(idx);
	}
	n = field(efi_park_count);
	if (*n >= EFI_PARK_MAX)
		return park_now(idx);   /* the list is full: park at once, fail closed */
	((uint32_t *)field(efi_park_cpus))[(*n)++] = idx;
	return 0;
}
