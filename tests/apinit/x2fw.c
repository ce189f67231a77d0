/* SPDX-License-Identifier: MIT */
/*
 * x2fw: firmware that switched to x2APIC before svmhv starts (issue 16).
 * Firmware on machines with APIC IDs above 254 enables x2APIC on every CPU
 * before the OS loader runs; OVMF under QEMU does not, so this EFI
 * application does it in its place: every AP (through MP services, which
 * OVMF then keeps using in x2APIC mode: its local APIC library reads the
 * mode on each call) and the BSP switch to x2APIC (IA32_APIC_BASE.EXTD),
 * then it loads and starts \svmhv.efi beside it, whose svmhv.cfg names the
 * next image (apinit, which sees x2APIC on and runs in x2APIC mode). svmhv
 * then takes every CPU while the firmware wakes its APs through the x2APIC
 * ICR (MSR 830h).
 *
 * Lines "X2FW: ok - <check>" / "X2FW: not ok - <check>: <detail>"; without
 * x2APIC in CPUID one SKIP line. If svmhv returns (it refused), the status
 * is said, "X2FW: done ..." printed and the machine powered off.
 */
#include <efi.h>
#include <efilib.h>

#include "svm/x86.h"
#include "tests/payload/options.h"
#include "tests/payload/payload.h"

#define MAX_CPUS        16u

static EFI_GUID mp_guid = {
	0x3fdda605, 0xa76e, 0x4f46, { 0xad, 0x29, 0x12, 0xf4, 0x53, 0x1b, 0x3d, 0x08 } };

typedef VOID (EFIAPI *ap_proc)(VOID *arg);

/* EFI_MP_SERVICES_PROTOCOL (PI 1.7 Vol. 2 13.4), the members used here. */
struct mp_services {
	EFI_STATUS (EFIAPI *GetNumberOfProcessors)(struct mp_services *self, UINTN *n,
						   UINTN *enabled);
	VOID *GetProcessorInfo;
	EFI_STATUS (EFIAPI *StartupAllAPs)(struct mp_services *self, ap_proc fn, BOOLEAN single,
					   EFI_EVENT ev, UINTN timeout, VOID *arg, UINTN **failed);
	VOID *StartupThisAP, *SwitchBSP, *EnableDisableAP;
	EFI_STATUS (EFIAPI *WhoAmI)(struct mp_services *self, UINTN *cpu);
};

static struct mp_services *mp;
static volatile uint64_t base_after[MAX_CPUS];  /* IA32_APIC_BASE, per CPU number */

static void to_x2apic(void)
{
	uint64_t b = rdmsr64(MSR_APIC_BASE) | APIC_BASE_EXTD;

	__asm__ volatile("wrmsr" :: "c"(MSR_APIC_BASE), "a"((uint32_t)b), "d"((uint32_t)(b >> 32)));
}

/* On each CPU: x2APIC on (xAPIC -> x2APIC with EN set, SDM3 10.12.5). */
static VOID EFIAPI cpu_to_x2apic(VOID *arg)
{
	UINTN me = 0;

	(void)arg;
	to_x2apic();
	if (mp->WhoAmI(mp, &me) == EFI_SUCCESS && me < MAX_CPUS)
		base_after[me] = rdmsr64(MSR_APIC_BASE);
}

/* Every CPU to x2APIC. 0, or -1 when the run cannot go on. */
static int all_to_x2apic(void)
{
	UINTN n = 0, enabled = 0;
	unsigned in_x2 = 0;
	EFI_STATUS st;
	uint32_t r[4];

	__asm__ volatile("cpuid" : "=a"(r[0]), "=b"(r[1]), "=c"(r[2]), "=d"(r[3]) : "a"(1), "c"(0));
	if (!(r[2] & CPUID_1_ECX_X2APIC)) {
		report_ok("x2fw: every CPU in x2APIC mode before svmhv # SKIP no x2APIC (CPUID 1 ECX[21])");
		return -1;
	}
	if (BS->LocateProtocol(&mp_guid, NULL, (void **)&mp) != EFI_SUCCESS ||
	    mp->GetNumberOfProcessors(mp, &n, &enabled) != EFI_SUCCESS || n > MAX_CPUS) {
		report_fail("x2fw: MP services", "no protocol, or %lu CPUs (at most %u here)",
			    (uint64_t)n, MAX_CPUS);
		return -1;
	}
	st = enabled > 1 ? mp->StartupAllAPs(mp, cpu_to_x2apic, FALSE, NULL, 0, NULL, NULL)
			 : EFI_SUCCESS;
	if (!report_check(st == EFI_SUCCESS, "x2fw: MP services ran the switch on every AP",
			  "StartupAllAPs: EFI status %lx", (uint64_t)st))
		return -1;
	cpu_to_x2apic(NULL);
	for (UINTN i = 0; i < enabled && i < MAX_CPUS; i++)
		in_x2 += (base_after[i] & (APIC_BASE_EN | APIC_BASE_EXTD)) ==
			 (APIC_BASE_EN | APIC_BASE_EXTD);
	return report_check(in_x2 == enabled, "x2fw: every CPU in x2APIC mode before svmhv",
			    "%u of %lu enabled CPUs", in_x2, (uint64_t)enabled) ? 0 : -1;
}

EFI_STATUS efi_main(EFI_HANDLE image, EFI_SYSTEM_TABLE *systab);
EFI_STATUS efi_main(EFI_HANDLE image, EFI_SYSTEM_TABLE *systab)
{
	EFI_LOADED_IMAGE *self = NULL;
	EFI_HANDLE child = NULL;
	EFI_STATUS st = EFI_NOT_FOUND;

	InitializeLib(image, systab);
	report_set_prefix("X2FW: ");
	report_init(conout_line);
	ST->ConOut->OutputString(ST->ConOut, L"\r\n");
	if (all_to_x2apic())
		goto out;
	if (BS->HandleProtocol(image, &LoadedImageProtocol, (void **)&self) == EFI_SUCCESS)
		st = BS->LoadImage(FALSE, image, FileDevicePath(self->DeviceHandle, L"\\svmhv.efi"),
				   NULL, 0, &child);
	if (!report_check(st == EFI_SUCCESS, "x2fw: \\svmhv.efi loaded", "EFI status %lx",
			  (uint64_t)st))
		goto out;
	report_diag("starting svmhv.efi with every CPU in x2APIC mode");
	st = BS->StartImage(child, NULL, NULL);
	/* svmhv starts its next= image and does not come back unless it refused. */
	report_fail("x2fw: svmhv took the machine", "svmhv.efi returned EFI status %lx",
		    (uint64_t)st);
out:
	report_done();
	RT->ResetSystem(EfiResetShutdown, EFI_SUCCESS, 0, NULL);
	return EFI_SUCCESS;
}
