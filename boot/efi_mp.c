/* SPDX-License-Identifier: MIT */
/*
 * Application processors, through the PI MP Services protocol (GNU-EFI does
 * not define it). See: UEFI PI 1.7 Vol. 2, 13.4 "MP Services Protocol".
 */
#include "boot/efi_mp.h"

#include <efi.h>
#include <efilib.h>

#include "boot/efi_park.h"
#include "hv/console.h"
#include "hv/cpus.h"

#define PROCESSOR_ENABLED_BIT   0x2u
#define AP_TIMEOUT_US           5000000u

static EFI_GUID mp_services_guid = {
	0x3fdda605, 0xa76e, 0x4f46, { 0xad, 0x29, 0x12, 0xf4, 0x53, 0x1b, 0x3d, 0x08 } };

typedef VOID (EFIAPI *efi_ap_procedure)(VOID *arg);

struct efi_processor_information {
	UINT64 ProcessorId;
	UINT32 StatusFlag;
	UINT32 Package, Core, Thread;
	UINT32 ExtendedInformation[6];  /* PI 1.7 Location2, only when asked for */
};

struct efi_mp_services {
	EFI_STATUS (EFIAPI *GetNumberOfProcessors)(struct efi_mp_services *self, UINTN *n,
						   UINTN *enabled);
	EFI_STATUS (EFIAPI *GetProcessorInfo)(struct efi_mp_services *self, UINTN cpu,
					      struct efi_processor_information *info);
	EFI_STATUS (EFIAPI *StartupAllAPs)(struct efi_mp_services *self, efi_ap_procedure fn,
					   BOOLEAN single, EFI_EVENT ev, UINTN timeout,
					   VOID *arg, UINTN **failed);
	EFI_STATUS (EFIAPI *StartupThisAP)(struct efi_mp_services *self, efi_ap_procedure fn,
					   UINTN cpu, EFI_EVENT ev, UINTN timeout, VOID *arg,
					   BOOLEAN *finished);
	EFI_STATUS (EFIAPI *SwitchBSP)(struct efi_mp_services *self, UINTN cpu, BOOLEAN enable);
	EFI_STATUS (EFIAPI *EnableDisableAP)(struct efi_mp_services *self, UINTN cpu,
					     BOOLEAN enable, UINT32 *health);
	EFI_STATUS (EFIAPI *WhoAmI)(struct efi_mp_services *self, UINTN *cpu);
};

struct ap_arg {
	hv_entry_fn entry;
	struct hv_boot_info info;
	int rc;
};

/*
 * Runs on the AP, in the firmware's context and in the image the firmware
 * loaded; efi_takeover() moves it to svmhv's host tables before it calls
 * into the pool. Returns as svmhv's guest.
 */
static VOID EFIAPI ap_procedure(VOID *p)
{
	struct ap_arg *a = p;

	a->rc = efi_takeover(a->entry, &a->info, a->info.host_cr3);
}

static struct efi_mp_services *mp_services(void)
{
	struct efi_mp_services *mp;

	if (EFI_ERROR(BS->LocateProtocol(&mp_services_guid, NULL, (void **)&mp)))
		return NULL;
	return mp;
}

/* Index of the CPU with this APIC ID in info->apic_ids, or -1. */
static int cpu_index(const struct hv_boot_info *info, uint64_t apic_id)
{
	return apic_id > 0xffffffffu ? -1 : hv_cpus_index(info->apic_ids, info->ncpu,
							  (uint32_t)apic_id);
}

/* The two APIC ID lists, for n processors; boot-services memory, read by hv_setup(). */
static uint32_t *id_lists(UINTN n)
{
	static uint32_t one[2];
	void *p = NULL;

	if (n <= 1)
		return one;
	if (EFI_ERROR(BS->AllocatePool(EfiLoaderData, 2 * n * sizeof(uint32_t), &p)))
		return NULL;
	return p;
}

struct efi_cpu_count efi_list_cpus(struct hv_boot_info *info, uint32_t bsp_apic_id)
{
	static uint32_t bsp_only;
	struct efi_mp_services *mp = mp_services();
	struct efi_processor_information pi;
	struct efi_cpu_count c = { 1, 0, false };
	UINTN n = 0, enabled = 0;
	uint32_t *ids, *outside;

	bsp_only = bsp_apic_id;
	info->ncpu = 1;
	info->apic_ids = &bsp_only;
	info->noutside = 0;
	info->outside_apic_ids = NULL;
	if (!mp || EFI_ERROR(mp->GetNumberOfProcessors(mp, &n, &enabled))) {
		hv_warn("boot", "no EFI MP services: only the boot CPU will be virtualized");
		return c;
	}
	/* Over the bound: the counts alone, for hv_cpus_check() to refuse. */
	if (n > HV_CPUS_MAX) {
		UINTN total = n > 0x7fffffffu ? 0x7fffffffu : n;

		c.enabled = (unsigned)(enabled < total ? enabled : total);
		c.disabled = (unsigned)(total - c.enabled);
		return c;
	}
	ids = id_lists(n);
	if (!ids) {
		c.nomem = true;
		return c;
	}
	outside = ids + n;
	ids[0] = bsp_apic_id;
	info->apic_ids = ids;
	info->outside_apic_ids = outside;
	for (UINTN i = 0; i < n; i++) {
		if (EFI_ERROR(mp->GetProcessorInfo(mp, i, &pi)) || pi.ProcessorId == bsp_apic_id)
			continue;
		if (!(pi.StatusFlag & PROCESSOR_ENABLED_BIT)) {
			if (c.enabled + c.disabled < n)
				outside[info->noutside++] = (uint32_t)pi.ProcessorId;
			c.disabled++;
			continue;
		}
		if (c.enabled + c.disabled < n)
			ids[info->ncpu++] = (uint32_t)pi.ProcessorId;
		c.enabled++;
	}
	hv_info("boot", "%u CPU%s enabled, %u disabled by the firmware", c.enabled,
		c.enabled == 1 ? "" : "s", c.disabled);
	return c;
}

/*
 * Fail closed: a CPU svmhv could not take must never run the OS. The firmware
 * stops giving it work (EnableDisableAP), and svmhv parks it and hides it from
 * the OS right after ExitBootServices, when the firmware lets it go.
 */
static void park(struct efi_mp_services *mp, UINTN i, unsigned idx)
{
	if (EFI_ERROR(mp->EnableDisableAP(mp, i, FALSE, NULL)))
		hv_warn("boot", "CPU %u: the firmware would not disable it", idx);
	if (efi_park_later(idx) == 0)
		hv_err("boot", "CPU %u stays with the firmware until ExitBootServices, then svmhv "
		       "parks it: the OS never runs on it", idx);
}

unsigned efi_virtualize_aps(hv_entry_fn entry_ap, const struct hv_boot_info *info)
{
	struct efi_mp_services *mp = mp_services();
	struct efi_processor_information pi;
	UINTN n = 0, enabled = 0;
	unsigned done = 1;

	if (!mp || EFI_ERROR(mp->GetNumberOfProcessors(mp, &n, &enabled)))
		return 1;
	for (UINTN i = 0; i < n; i++) {
		struct ap_arg a = { entry_ap, *info, -1 };
		EFI_STATUS st;
		int idx;

		if (EFI_ERROR(mp->GetProcessorInfo(mp, i, &pi)) ||
		    (idx = cpu_index(info, pi.ProcessorId)) <= 0)
			continue;               /* the boot CPU, disabled, or over the limit */
		a.info.cpu_index = (unsigned)idx;
		st = mp->StartupThisAP(mp, ap_procedure, i, NULL, AP_TIMEOUT_US, &a, NULL);
		if (EFI_ERROR(st) || a.rc) {
			hv_err("boot", "CPU %u (APIC ID %u) NOT virtualized (EFI status %lx, "
			       "svmhv %d): parking it", idx, (unsigned)pi.ProcessorId,
			       (unsigned long)st, a.rc);
			park(mp, i, (unsigned)idx);
			continue;
		}
		done++;
	}
	return done;
}
