/* SPDX-License-Identifier: MIT */
/*
 * nxfw: firmware with a DXE NX policy for EfiReservedMemoryType, imitated on
 * OVMF, then svmhv started under it (tests/suites/30-qemu.sh, boot "nxfw").
 *
 * EDK2 firmware built with PcdDxeNxMemoryProtectionPolicy bit 0 (its default
 * 0x7FD5 has it) maps every EfiReservedMemoryType allocation non-executable
 * in its page tables; Debian's OVMF does not. nxfw does what that firmware
 * does, as a firmware hook would: it points the boot services table's
 * AllocatePages at a wrapper (the table's CRC fixed) that sets NX on every
 * page of an EfiReservedMemoryType allocation in the current page tables
 * (EFER.NXE on; large pages split; CR0.WP off while it writes, as EDK2's own
 * page-table code does when its tables are write-protected). It checks that
 * the policy bites (a jump into a reserved page faults with #PF, I/D set; a
 * jump into an EfiLoaderCode page does not), then loads and starts svmhv.efi
 * (\EFI\svmhv\svmhv.efi on the same volume), whose svmhv.cfg
 * chain-loads the payload.
 *
 * Lines: "NXFW: ok - <check>", "NXFW: not ok - <check>: <detail>",
 * "NXFW: # <diagnostic>", "NXFW: done N passed, M failed" (before svmhv).
 * See: APM2 5.3.3 (entry format), 5.6 (no-execute), 8.4.2 (#PF error code);
 * UEFI 2.10 4.4 (the boot services table and its CRC32).
 */
#include <efi.h>
#include <efilib.h>

#include "tests/payload/options.h"
#include "tests/payload/payload.h"

/* PTE_*, CR0_WP, CR4_LA57, MSR_EFER, EFER_NXE: svm/x86.h, through payload.h. */
#define PTE_PAT_LARGE   BIT_ULL(12)     /* PAT in a 2 MiB / 1 GiB entry */
#define PTE_PAT_4K      BIT_ULL(7)      /* PAT in a 4 KiB entry */
#define PF_ID           (1u << 4)
#define SVMHV_PATH      L"\\EFI\\svmhv\\svmhv.efi"

static EFI_ALLOCATE_PAGES orig_alloc;
static unsigned nx_allocs, nx_splits, nx_errors;

static uint64_t cr(int n)
{
	uint64_t v = 0;

	if (n == 0)
		__asm__ volatile("mov %%cr0, %0" : "=r"(v));
	else if (n == 3)
		__asm__ volatile("mov %%cr3, %0" : "=r"(v));
	else
		__asm__ volatile("mov %%cr4, %0" : "=r"(v));
	return v;
}

static void write_cr0(uint64_t v)
{
	__asm__ volatile("mov %0, %%cr0" : : "r"(v) : "memory");
}

/* Table pages for splits, taken before the edit (no firmware call while WP is off). */
static struct {
	EFI_PHYSICAL_ADDRESS base;
	UINTN n, used;
} spare;

/* A large entry at level (2: 2 MiB, 3: 1 GiB) becomes a table of 512 smaller ones. */
static int split(uint64_t *e, int level)
{
	uint64_t old = *e, size = level == 3 ? PAGE_SIZE_2M : PAGE_SIZE;
	uint64_t base = old & PTE_ADDR_MASK & ~(size * 512 - 1);
	uint64_t flags = old & ~PTE_ADDR_MASK & ~PTE_NX & ~PTE_PAT_LARGE;
	uint64_t pa, *t;

	if (spare.used == spare.n)
		return -1;
	pa = spare.base + spare.used++ * PAGE_SIZE;
	t = (uint64_t *)(uintptr_t)pa;
	if (level == 2) {               /* 4 KiB entries: no PS, PAT moves to bit 7 */
		flags &= ~PTE_PS;
		if (old & PTE_PAT_LARGE)
			flags |= PTE_PAT_4K;
	} else {
		flags |= old & PTE_PAT_LARGE;
	}
	for (unsigned i = 0; i < 512; i++)
		t[i] = (base + i * size) | flags | (old & PTE_NX);
	*e = pa | (old & 0x3f);         /* P, W, U, PWT, PCD, A: a table entry */
	nx_splits++;
	return 0;
}

/* NX on the 4 KiB page at va in the tables at cr3 (4-level, identity). */
static int set_nx_page(uint64_t cr3, uint64_t va)
{
	uint64_t *t = (uint64_t *)(uintptr_t)(cr3 & PTE_ADDR_MASK);

	for (int level = 4; level >= 1; level--) {
		uint64_t *e = &t[(va >> (12 + 9 * (level - 1))) & 511];

		if (!(*e & PTE_P))
			return -1;
		if (level == 1) {
			*e |= PTE_NX;
			return 0;
		}
		if ((*e & PTE_PS) && split(e, level))
			return -1;
		t = (uint64_t *)(uintptr_t)(*e & PTE_ADDR_MASK);
	}
	return -1;
}

/* What the firmware's page-table code does for an NX policy, on [pa, pa + pages). */
static void set_nx(EFI_PHYSICAL_ADDRESS pa, UINTN pages)
{
	uint64_t cr0 = cr(0), rflags;

	/* At most one split per 2 MiB and per 1 GiB region the range touches. */
	spare.n = pages / 512 + pages / (512 * 512) + 4;
	spare.used = 0;
	if (EFI_ERROR(orig_alloc(AllocateAnyPages, EfiBootServicesData, spare.n, &spare.base))) {
		nx_errors++;
		return;
	}
	__asm__ volatile("pushfq; popq %0; cli" : "=r"(rflags) : : "memory");
	write_cr0(cr0 & ~CR0_WP);   /* the tables may be read-only */
	for (UINTN i = 0; i < pages; i++)
		if (set_nx_page(cr(3), pa + i * 4096))
			nx_errors++;
	write_cr0(cr0);
	__asm__ volatile("mov %%cr3, %%rax; mov %%rax, %%cr3" : : : "rax", "memory");
	if (rflags & (1u << 9))
		__asm__ volatile("sti" : : : "memory");
	if (spare.used < spare.n)
		BS->FreePages(spare.base + spare.used * PAGE_SIZE, spare.n - spare.used);
}

static EFI_STATUS EFIAPI nx_alloc_pages(EFI_ALLOCATE_TYPE type, EFI_MEMORY_TYPE mt,
					UINTN pages, EFI_PHYSICAL_ADDRESS *pa)
{
	EFI_STATUS st = orig_alloc(type, mt, pages, pa);

	if (!EFI_ERROR(st) && mt == EfiReservedMemoryType) {
		set_nx(*pa, pages);
		nx_allocs++;
	}
	return st;
}

static void hook_allocate_pages(void)
{
	UINT32 crc = 0;

	orig_alloc = BS->AllocatePages;
	BS->AllocatePages = nx_alloc_pages;
	BS->Hdr.CRC32 = 0;
	BS->CalculateCrc32(BS, BS->Hdr.HeaderSize, &crc);
	BS->Hdr.CRC32 = crc;
}

/* Jump into a fresh page of type mt holding "jmp r11" (back): the vector, or none. */
static unsigned jump_into(EFI_MEMORY_TYPE mt, uint64_t *err)
{
	EFI_PHYSICAL_ADDRESS pa;
	volatile uint64_t *slot;
	unsigned vec;

	if (EFI_ERROR(BS->AllocatePages(AllocateAnyPages, mt, 1, &pa)))
		return 0xfe;
	((uint8_t *)(uintptr_t)pa)[0] = 0x41;   /* jmp r11: r11 holds the landing */
	((uint8_t *)(uintptr_t)pa)[1] = 0xff;
	((uint8_t *)(uintptr_t)pa)[2] = 0xe3;
	probe_begin();
	slot = probe_arm();
	__asm__ volatile(PROBE_ARM "jmp *%[target]" PROBE_LAND
			 : : [slot] "r"(slot), [target] "r"(pa) : "r11", "memory");
	vec = probe_disarm();
	*err = probe_fault_error();
	probe_end();
	BS->FreePages(pa, 1);
	return vec;
}

static void check_policy(void)
{
	uint64_t err = 0;
	unsigned vec = jump_into(EfiReservedMemoryType, &err);

	report_check(vec == 14 && (err & PF_ID), "a jump into an EfiReservedMemoryType page "
		     "faults (#PF, instruction fetch)", "vector %u, error code %llx", vec,
		     (unsigned long long)err);
	vec = jump_into(EfiLoaderCode, &err);
	report_check(vec == PROBE_NO_FAULT, "a jump into an EfiLoaderCode page runs",
		     "vector %u, error code %llx", vec, (unsigned long long)err);
	report_check(nx_allocs > 0 && nx_errors == 0, "NX set on every page of the "
		     "reserved allocations", "%u allocations, %u pages failed", nx_allocs,
		     nx_errors);
}

static EFI_STATUS start_svmhv(EFI_HANDLE image, const CHAR16 *path)
{
	EFI_LOADED_IMAGE *self;
	EFI_DEVICE_PATH *dp;
	EFI_HANDLE child = NULL;
	EFI_STATUS st;

	if (EFI_ERROR(BS->HandleProtocol(image, &LoadedImageProtocol, (void **)&self)))
		return EFI_LOAD_ERROR;
	dp = FileDevicePath(self->DeviceHandle, (CHAR16 *)path);
	if (!dp)
		return EFI_OUT_OF_RESOURCES;
	st = BS->LoadImage(FALSE, image, dp, NULL, 0, &child);
	if (EFI_ERROR(st))
		return st;
	return BS->StartImage(child, NULL, NULL);
}

/* Called by GNU-EFI's crt0 (SysV ABI) after self-relocation. */
EFI_STATUS efi_main(EFI_HANDLE image, EFI_SYSTEM_TABLE *systab);
EFI_STATUS efi_main(EFI_HANDLE image, EFI_SYSTEM_TABLE *systab)
{
	EFI_STATUS st;
	uint64_t efer;

	InitializeLib(image, systab);
	report_init(conout_line);
	report_set_prefix("NXFW: ");
	conout_line("");
	efer = rdmsr64(MSR_EFER);
	report_diag("firmware paging: CR0.WP %u, CR4 %llx, EFER.NXE %u",
		    (cr(0) & CR0_WP) ? 1u : 0u, (unsigned long long)cr(4),
		    (efer & EFER_NXE) ? 1u : 0u);
	if (cr(4) & CR4_LA57) {
		report_fail("4-level paging", "the firmware runs with CR4.LA57");
		report_done();
		return EFI_UNSUPPORTED;
	}
	if (!(efer & EFER_NXE))
		wrmsr64(MSR_EFER, efer | EFER_NXE);
	hook_allocate_pages();
	check_policy();
	report_diag("%u large pages split", nx_splits);
	report_done();
	Print(L"NXFW: # starting %s under the NX policy\r\n", SVMHV_PATH);
	st = start_svmhv(image, SVMHV_PATH);
	Print(L"NXFW: # %s returned: %r\r\n", SVMHV_PATH, st);
	return st;
}
