/* SPDX-License-Identifier: MIT */
/*
 * microcode=auto: read amd-ucode\microcode_amd[_famXXh].bin beside
 * svmhv.efi into boot-services memory, check it with the pure parser
 * (hv/ucode/container.c) and hand it to the hypervisor, which loads each
 * CPU's patch just before that CPU's takeover (hv/ucode/ucode.h). The
 * memory is EfiLoaderData: every CPU is taken before the OS starts, and the
 * OS may reuse it afterwards. A missing file is normal, a bad one is
 * reported and nothing is loaded; neither stops svmhv.
 * See: UEFI 2.10 13.5 (EFI_FILE_PROTOCOL, EFI_FILE_INFO).
 */
#include "boot/efi_ucode.h"

#include <efilib.h>

#include "boot/efi_boot.h"
#include "hv/console.h"
#include "hv/ucode/container.h"
#include "svm/hw.h"

#define UCODE_SUBDIR    "amd-ucode\\"
#define PATH_CHARS      512

/* A bare AMD CPU (no hypervisor below): its CPUID 1 EAX, else 0. */
static uint32_t bare_amd_signature(void)
{
	struct cpuid_regs r;

	cpuid_count(0, 0, &r);
	if (r.ebx != 0x68747541u || r.edx != 0x69746e65u || r.ecx != 0x444d4163u)
		return 0;               /* not "AuthenticAMD" */
	cpuid_count(1, 0, &r);
	return (r.ecx & (1u << 31)) ? 0 : r.eax;
}

/*
 * Read the whole file at path into fresh pages: its length, -1 absent, -2
 * unreadable. An empty or oversized file: its length and *pa = 0, nothing read.
 */
static INTN read_file(EFI_LOADED_IMAGE *self, CHAR16 *path, EFI_PHYSICAL_ADDRESS *pa)
{
	EFI_FILE_HANDLE root = LibOpenRoot(self->DeviceHandle), fh;
	EFI_FILE_INFO *fi;
	UINTN size, n;
	INTN rc = -2;

	if (!root)
		return -1;
	if (EFI_ERROR(root->Open(root, &fh, path, EFI_FILE_MODE_READ, 0))) {
		root->Close(root);
		return -1;
	}
	fi = LibFileInfo(fh);
	size = fi ? fi->FileSize : 0;
	if (fi)
		FreePool(fi);
	if (size && size <= UCODE_FILE_MAX &&
	    !EFI_ERROR(BS->AllocatePages(AllocateAnyPages, EfiLoaderData,
					 EFI_SIZE_TO_PAGES(size), pa))) {
		n = size;
		if (!EFI_ERROR(fh->Read(fh, &n, (void *)(uintptr_t)*pa)) && n == size)
			rc = (INTN)size;
		else
			BS->FreePages(*pa, EFI_SIZE_TO_PAGES(size));
	} else if (size == 0 || size > UCODE_FILE_MAX) {
		rc = (INTN)size;        /* empty or too big: the parser says which */
		*pa = 0;
	}
	fh->Close(fh);
	root->Close(root);
	return rc;
}

/* path = the image's directory + amd-ucode\ + name; also as ASCII for the log. */
static void make_path(EFI_LOADED_IMAGE *self, const char *name, CHAR16 *path, char *ascii)
{
	UINTN n;

	efi_image_dir(self, path, PATH_CHARS - 64);
	n = StrLen(path);
	for (const char *p = UCODE_SUBDIR; *p; p++)
		path[n++] = (CHAR16)*p;
	for (const char *p = name; *p; p++)
		path[n++] = (CHAR16)*p;
	path[n] = 0;
	for (UINTN i = 0; i <= n; i++)
		ascii[i] = path[i] < 0x80 ? (char)path[i] : '?';
}

/* Check the file with the boot CPU's signature and report what it holds. */
static void check(const char *where, EFI_PHYSICAL_ADDRESS pa, INTN len, uint32_t eax,
		  struct hv_boot_info *info)
{
	struct ucode_scan s = { 0 };
	int rc = ucode_scan(pa ? (const void *)(uintptr_t)pa : "", (size_t)len, eax, &s);

	if (rc) {
		hv_warn("microcode", "%s rejected at offset 0x%x: %s; no microcode loaded",
			where, s.err_offset, ucode_strerror(rc));
		if (pa)
			BS->FreePages(pa, EFI_SIZE_TO_PAGES((UINTN)len));
		return;
	}
	hv_info("microcode", "%s: %u container%s, %u patch%s; for CPUID 0x%x: %s 0x%x",
		where, s.containers, s.containers == 1 ? "" : "s", s.patches,
		s.patches == 1 ? "" : "es", eax, s.found ? "patch" : "none", s.patch_id);
	info->ucode_pa = pa;
	info->ucode_len = (uint32_t)len;
}

void efi_read_microcode(EFI_LOADED_IMAGE *self, const struct hv_config *cfg,
			struct hv_boot_info *info)
{
	static CHAR16 path[PATH_CHARS];
	static char where[PATH_CHARS];
	uint32_t eax = bare_amd_signature();
	EFI_PHYSICAL_ADDRESS pa = 0;
	char name[32];
	INTN len;

	info->ucode_pa = 0;
	info->ucode_len = 0;
	if (cfg->microcode == CONFIG_MICROCODE_OFF) {
		hv_info("microcode", "microcode=off: no microcode loaded");
		return;
	}
	if (!eax)
		return;                 /* not AMD, or a hypervisor below does it */
	ucode_file_name(ucode_family(eax), name, sizeof(name));
	make_path(self, name, path, where);
	len = read_file(self, path, &pa);
	if (len == -1) {
		hv_info("microcode", "no %s: no microcode loaded (errata fixes still applied)",
			where);
		return;
	}
	if (len == -2) {
		hv_warn("microcode", "%s: cannot read it: no microcode loaded", where);
		return;
	}
	check(where, pa, len, eax, info);
}
