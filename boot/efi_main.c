/* SPDX-License-Identifier: MIT */
/*
 * svmhv.efi entry: read the options, check SVM, reserve memory, hand the boot
 * CPU to the hypervisor, then (now a guest) chain-load the next stage.
 * This file and boot/efi_*.c are the only code that sees EFI types; the
 * hypervisor gets one plain struct hv_boot_info. Everything here runs in the
 * image the firmware loaded (EfiLoaderCode, reclaimed by the OS later); the
 * hypervisor runs from a rebased copy in EfiReservedMemoryType memory, which
 * the firmware never relocates or reuses and the OS sees as reserved. The
 * firmware may map that memory non-executable (a DXE NX policy), so the copy
 * runs only on svmhv's own page tables, which this file builds first
 * (mm/hostpt.h) and boot/takeover.asm loads.
 * See: UEFI 2.10 7.2 (AllocatePages), 7.4 (LoadImage/StartImage).
 */
#include <efi.h>
#include <efilib.h>

#include "boot/config.h"
#include "boot/efi_boot.h"
#include "boot/efi_gop.h"
#include "boot/efi_mem.h"
#include "boot/efi_mp.h"
#include "boot/efi_platform.h"
#include "boot/efi_ucode.h"
#include "boot/relocate.h"
#include "mm/hostpt.h"
#include "svm/hw.h"
#include "hv/boot_info.h"
#include "hv/console.h"
#include "hv/cpus.h"
#include "hv/fb.h"
#include "hv/fmt.h"
#include "hv/hypercall.h"
#include "hv/policy.h"
#include "hv/smp.h"
#include "svm/svm.h"

extern char ImageBase[];

_Static_assert(CONFIG_TEST_FAIL_CPU_MAX == HV_CPUS_MAX - 1, "test_fail_cpu= names any AP");

static EFI_LOADED_IMAGE *self_image;

EFI_STATUS efi_main(EFI_HANDLE image, EFI_SYSTEM_TABLE *systab);

/* Errors go to the serial log and to the firmware console. */
static void efi_fail(const char *msg)
{
	hv_err("boot", "%s", msg);
	Print(L"svmhv: %a\n", msg);
}

/*
 * Is there an svmhv below us (CPUID 0x40000000)? Then this one runs as its
 * L1 and needs the SVM with nested paging it offers (nested=1). Returns this
 * svmhv's nesting level (hv_nesting_level()), -1 when it must not start.
 */
static int nesting_level(void)
{
	struct cpuid_regs base, ver;
	struct svm_raw raw;
	struct svm_features f;

	cpuid_count(SVMHV_CPUID_BASE, 0, &base);
	cpuid_count(SVMHV_CPUID_BASE + 1, 0, &ver);
	svm_read_raw(&raw);
	return hv_nesting_level(&base, &ver, svm_decode_features(&raw, &f) == SVM_OK);
}

/* Say what nesting_level() found; 0 or -1 (refused: return to the firmware). */
static int report_level(int level)
{
	if (level < 0) {
		efi_fail("not virtualizing: svmhv is already running on this machine and offers "
			 "no usable SVM to its guest (nested=0, or no nested paging, or too deep)");
		return -1;
	}
	if (level > 0)
		hv_info("boot", "running under a level %d svmhv (CPUID 0x40000000 \"svmhv\", "
			"SVM with NPT offered): this svmhv is level %d, its L1", level - 1, level);
	return 0;
}

static EFI_STATUS reserve_pool(uint64_t heap_mib, struct hv_boot_info *info)
{
	uint64_t image = (self_image->ImageSize + EFI_PAGE_SIZE - 1) & ~(uint64_t)(EFI_PAGE_SIZE - 1);
	uint64_t size = image + (heap_mib << 20);
	EFI_PHYSICAL_ADDRESS pa = 0;
	EFI_STATUS st;

	st = BS->AllocatePages(AllocateAnyPages, EfiReservedMemoryType,
			       EFI_SIZE_TO_PAGES(size), &pa);
	if (EFI_ERROR(st))
		return st;
	info->pool_pa = pa;
	info->pool_size = size;
	info->image_size = self_image->ImageSize;
	return EFI_SUCCESS;
}

/* fn's address in the reserved copy. */
static hv_entry_fn in_copy(const struct hv_boot_info *info, hv_entry_fn fn)
{
	uint8_t *copy = (uint8_t *)(uintptr_t)info->pool_pa;

	return (hv_entry_fn)(uintptr_t)(copy + ((uint8_t *)fn - (uint8_t *)ImageBase));
}

/* Copy this image into the pool and rebase it; 0 or -1. */
static int install_copy(const struct hv_boot_info *info)
{
	uint8_t *copy = (uint8_t *)(uintptr_t)info->pool_pa;
	const uint8_t *src = (const uint8_t *)self_image->ImageBase;

	for (uint64_t i = 0; i < info->image_size; i++)
		copy[i] = src[i];
	return efi_rebase_copy(copy, info->image_size);
}

/* Identity reads of physical memory, as the firmware's identity map allows. */
static int fw_read(void *ctx, uint64_t pa, void *buf, size_t len)
{
	(void)ctx;
	for (size_t i = 0; i < len; i++)
		((uint8_t *)buf)[i] = ((const volatile uint8_t *)(uintptr_t)pa)[i];
	return 0;
}

/*
 * svmhv's host page tables, in the pool after the image copy, for
 * boot/takeover.asm to load before the first instruction of the pool; and
 * what the firmware's tables make of the pool's first page, for the log
 * (on a real machine: does its NX policy cover EfiReservedMemoryType?).
 * The screen, when there is one, is mapped there uncached (hv/fb.h).
 */
static int build_host_tables(struct hv_boot_info *info)
{
	struct svm_raw raw;
	struct svm_features f;
	struct pmm pmm;
	struct hostpt pt;
	struct npt_range fb = { 0, 0 };
	unsigned bits;
	struct gpa_mmu fw = { .cr0 = read_cr0(), .cr3 = read_cr3(), .cr4 = read_cr4(),
			      .efer = rdmsr(MSR_EFER), .read = fw_read };

	svm_read_raw(&raw);
	if (svm_decode_features(&raw, &f) != SVM_OK)
		return -1;
	fw.maxphyaddr = f.maxphyaddr;
	hv_info("boot", "the firmware's page tables (CR3 %llx, EFER.NXE %u) map svmhv's pool: %s",
		(unsigned long long)fw.cr3, (fw.efer & EFER_NXE) ? 1u : 0u,
		hostpt_fw_exec_str(hostpt_fw_fetch(&fw, info->pool_pa)));
	bits = npt_gpa_bits(f.maxphyaddr, f.gbpages);
	efi_find_screen(info, bits);
	if (info->fb.format != HV_FB_NONE)
		hv_fb_map_range(&info->fb, &fb.base, &fb.size);
	pt = hostpt_build(NULL, &pmm, (void *)(uintptr_t)info->pool_pa, info->pool_pa,
			  info->pool_size, info->image_size, bits, f.gbpages, &fb);
	if (!pt.cr3)
		return -1;
	if (pt.uc_failed) {
		hv_info("boot", "screen: cannot map the framebuffer uncached: no panic screen");
		info->fb.format = HV_FB_NONE;
	}
	info->host_cr3 = pt.cr3;
	info->host_pt_bytes = pt.bytes;
	hv_info("boot", "host page tables at %llx (%llu KiB): svmhv's code runs only on them",
		(unsigned long long)pt.cr3, (unsigned long long)(pt.bytes >> 10));
	return 0;
}

/*
 * TSC ticks per millisecond, timed over the firmware's 10 ms Stall(): svmhv
 * has no timer of its own, and the monitor's rates and the escape filter's
 * idle flush need a clock. See: UEFI 2.10, 7.5.2 Stall().
 */
static uint64_t tsc_khz(void)
{
	uint64_t t0 = rdtsc(), t1;

	BS->Stall(10000);
	t1 = rdtsc();
	return t1 > t0 ? (t1 - t0) / 10 : 1000000;
}

/*
 * Every processor MP services reports must fit svmhv's tables and every
 * enabled one get an ASID (hv/cpus.h); else refuse now, before the pool,
 * the IOMMU or any CPU is touched.
 */
static int check_cpus(struct hv_boot_info *info)
{
	struct efi_cpu_count c = efi_list_cpus(info, hv_read_apic_id());
	struct svm_raw raw;
	struct svm_features f;
	char msg[240];

	if (c.nomem) {
		efi_fail("not virtualizing: no firmware memory for the list of processors "
			 "(AllocatePool failed); returning to the firmware");
		return -1;
	}
	svm_read_raw(&raw);
	if (svm_decode_features(&raw, &f) != SVM_OK)
		f.nasid = 0;
	if (hv_cpus_check(c.enabled, c.disabled, f.nasid, msg, sizeof(msg)) == HV_CPUS_OK)
		return 0;
	efi_fail(msg);
	return -1;
}

/* dma_protect=required: no IOMMU, nothing started (not even the pool). */
static int check_dma_protect(const struct hv_config *cfg, uint64_t rsdp)
{
	if (cfg->dma_protect != CONFIG_DMA_REQUIRED || efi_has_ivrs(rsdp))
		return 0;
	efi_fail("not virtualizing: dma_protect=required but this machine has no IOMMU "
		 "(no ACPI IVRS table); returning to the firmware");
	return -1;
}

static int virtualize(const struct hv_config *cfg, int level)
{
	static struct hv_boot_info info;
	EFI_STATUS st;
	unsigned ncpu;
	uint32_t heap;
	int rc;

	info = (struct hv_boot_info){
		.serial_port = cfg->serial_port, .log_level = cfg->log_level,
		.force_tlb_flush = cfg->force_tlb_flush, .nested = cfg->nested,
		.vgif = cfg->vgif,
		.level = (uint32_t)level,
		.shadow_pages = cfg->shadow_pages,
		.escape = cfg->escape, .debug_serial = cfg->debug_serial,
		.tsc_khz = tsc_khz(), .shutdown = cfg->shutdown, .hc_user = cfg->hc_user,
		.dma_protect = cfg->dma_protect, .test_fail_cpu = cfg->test_fail_cpu,
		.test_panic = cfg->test_panic,
		.rsdp_pa = efi_acpi_rsdp(),
	};
	if (check_dma_protect(cfg, info.rsdp_pa) || check_cpus(&info))
		return -1;
	efi_read_microcode(self_image, cfg, &info);
	heap = config_heap_mib(cfg, info.ncpu);
	hv_info("boot", "heap %u MiB for %u CPU%s (%s)", heap, info.ncpu,
		info.ncpu == 1 ? "" : "s", cfg->heap_mib ? "heap=" : "heap=auto");
	st = reserve_pool(heap, &info);
	if (EFI_ERROR(st)) {
		efi_fail("not virtualizing: cannot reserve memory (AllocatePages failed); "
			 "try a smaller heap=");
		return -1;
	}
	hv_info("boot", "reserved %llu KiB at %llx (EfiReservedMemoryType)",
		(unsigned long long)(info.pool_size >> 10), (unsigned long long)info.pool_pa);
	if (efi_ram_map(&info)) {
		BS->FreePages(info.pool_pa, EFI_SIZE_TO_PAGES(info.pool_size));
		efi_fail("not virtualizing: no firmware memory map");
		return -1;
	}
	rc = install_copy(&info) || build_host_tables(&info) ? -1 :
	     efi_takeover(in_copy(&info, hv_entry), &info, info.host_cr3);
	if (rc) {
		BS->FreePages(info.pool_pa, EFI_SIZE_TO_PAGES(info.pool_size));
		hv_err("boot", "not virtualizing: hypervisor start failed (%d)", rc);
		Print(L"svmhv: not virtualizing: hypervisor start failed (%d)\n", rc);
		return -1;
	}
	/* The boot CPU is a guest now; its copy's hv_entry_ap takes the APs. */
	hv_info("boot", "virtualized cpu0: the firmware now runs as svmhv's guest");
	ncpu = efi_virtualize_aps(in_copy(&info, hv_entry_ap), &info);
	hv_info("boot", "%u CPU%s under svmhv", ncpu, ncpu == 1 ? "" : "s");
	return 0;
}

static int check_svm(void)
{
	struct svm_raw raw;
	struct svm_features f;
	enum svm_status st;
	char msg[200];

	svm_read_raw(&raw);
	st = svm_decode_features(&raw, &f);
	if (st == SVM_OK)
		st = svm_check_paging(read_cr4());      /* 5-level paging: refused */
	if (st == SVM_OK)
		return 0;
	hv_snprintf(msg, sizeof(msg), "not virtualizing: %s; returning to the firmware",
		    svm_status_str(st));
	efi_fail(msg);
	return -1;
}

EFI_STATUS efi_main(EFI_HANDLE image, EFI_SYSTEM_TABLE *systab)
{
	struct hv_config cfg;
	int level;

	InitializeLib(image, systab);
	if (EFI_ERROR(BS->HandleProtocol(image, &LoadedImageProtocol, (void **)&self_image)))
		return EFI_LOAD_ERROR;
	/* Every line of an svmhv under svmhv says its level ("[svmhv.1]"). */
	level = nesting_level();
	hv_console_set_level_tag(level > 0 ? (uint32_t)level : 0);
	/* The console comes up on the default port until the options are read. */
	hv_console_init(CONFIG_DEFAULT_SERIAL, LOG_INFO);
	hv_info("boot", "svmhv %u.%u.%u starting", SVMHV_VERSION_MAJOR, SVMHV_VERSION_MINOR,
		SVMHV_VERSION_PATCH);
	if (efi_read_config(self_image, &cfg)) {
		efi_fail("not virtualizing: bad configuration; returning to the firmware");
		return EFI_INVALID_PARAMETER;
	}
	if (cfg.serial_port && !hv_uart_present(cfg.serial_port)) {
		if (cfg.serial_given) {
			Print(L"svmhv: serial=0x%x: no UART answers at this port\n",
			      cfg.serial_port);
			Print(L"svmhv: not virtualizing: bad configuration; returning to the firmware\n");
			return EFI_INVALID_PARAMETER;
		}
		Print(L"svmhv: no UART at 0x%x (the default): no serial console\n",
		      cfg.serial_port);
		cfg.serial_port = 0;
	}
	hv_console_init(cfg.serial_port, (enum log_level)cfg.log_level);
	efi_log_config(&cfg);
	if (report_level(level))
		return EFI_ALREADY_STARTED;
	if (check_svm())
		return EFI_UNSUPPORTED;
	if (virtualize(&cfg, level))
		return EFI_OUT_OF_RESOURCES;
	/* From here on every CPU is svmhv's guest. */
	return efi_chainload(image, self_image, &cfg);
}
