/* SPDX-License-Identifier: MIT */
/*
 * isoattack: attacks on svmhv's isolation from a Linux guest (root), each
 * ending with svmhv alive (IDENTIFY answers) and its memory unchanged (the
 * INTEGRITY hypercall: the same code checksum, no canary page changed).
 * DMA aims at INTEGRITY's canary 0. Needs hypercalls=all (it runs at CPL 3).
 * Run by tests/suites/70-isolation.sh with svmhv.run=isoattack; options on
 * the kernel command line:
 *   isoattack.iommu=1|0     svmhv is expected to own an IOMMU (QEMU amd-iommu)
 *   isoattack.repeat=N      IOAPIC/MSI INIT attempts (default 1000)
 *   isoattack.dmarepeat=N   edu DMA-as-MSI INIT attempts (100 ms each; default 10)
 *   isoattack.only=NAME     run one attack only (to show what it did to an older svmhv)
 *   isoattack.parked=N      no attacks: CPU index N must be parked by svmhv (test_fail_cpu=N)
 *                           and Linux must run on every other CPU, each under svmhv
 *   isoattack.control=1     an svmhv without isolation: show each attack's effect
 *                           (tests/guest/isoctl.c, tests/platform/iso-control.sh)
 * Lines: "ISOATTACK: ok - NAME", "ISOATTACK: not ok - NAME: why", "ISOATTACK: # ...",
 * "ISOATTACK: done N passed, M failed".
 *
 * What each attack did to svmhv before isolation (commit 197c174, QEMU 7.2,
 * measured with isoattack.only=NAME, see BENCHMARKS.md / the suite's header):
 * edu-read-pool copied svmhv's canary page out; edu-write-pool and
 * fwcfg-read-into-pool changed svmhv's memory (INTEGRITY checksum differs);
 * fwcfg-msi-window, ioapic-init, msi-init and dma-msi-init reset CPU 0 under
 * svmhv (QEMU resets a CPU on INIT even in host mode): the guest died.
 */
#define _GNU_SOURCE
#include <sched.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/io.h>
#include <unistd.h>

#include "isoattack.h"

#define IOMMU_MMIO      0xfed80000ull
#define ECAM            0xb0000000ull

static int passed, failed;
static bool want_iommu;
static char only[64];
static int parked = -1;
static bool control;
static uint64_t pool_size;
unsigned repeat = 1000, dmarepeat = 10;
struct edu edu;
struct page own, own2;
uint64_t canary, pool;

void report(bool ok, const char *name, const char *fmt, ...)
{
	char why[256] = "";
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(why, sizeof(why), fmt, ap);
	va_end(ap);
	if (ok)
		printf("ISOATTACK: ok - %s\n", name);
	else
		printf("ISOATTACK: not ok - %s: %s\n", name, why);
	ok ? passed++ : failed++;
}

void note(const char *fmt, ...)
{
	va_list ap;

	printf("ISOATTACK: # ");
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	printf("\n");
}

bool run(const char *name)
{
	return !only[0] || strcmp(only, name) == 0;
}

uint64_t counter(enum svmhv_iso_counter c)
{
	struct hc r;

	return hypercall(SVMHV_HC_ISO_COUNTER, c, 0, 0, &r) == 0 && r.rax == 0 ? r.rdx : ~0ull;
}

static uint64_t checksum;               /* INTEGRITY's code checksum at setup */

/* svmhv answers, its code is as at setup and none of its canary pages changed. */
void intact(const char *name)
{
	struct hc id, in;
	char what[96];

	snprintf(what, sizeof(what), "after %s: svmhv alive and unchanged", name);
	if (hypercall(SVMHV_HC_IDENTIFY, 0, 0, 0, &id) || id.rbx != SVMHV_SIG_EBX) {
		report(false, what, "IDENTIFY does not answer");
		return;
	}
	if (hypercall(SVMHV_HC_INTEGRITY, 0, 0, 0, &in) || in.rax) {
		report(false, what, "INTEGRITY does not answer");
		return;
	}
	report(in.rbx == checksum && in.rcx == 0, what, "checksum %llx, at start %llx, %llu canaries changed",
	       (unsigned long long)in.rbx, (unsigned long long)checksum, (unsigned long long)in.rcx);
}

static bool is_canary(volatile const uint8_t *p, size_t n)
{
	for (size_t i = 0; i + 8 <= n; i += 8)
		if (*(volatile const uint64_t *)(p + i) != SVMHV_CANARY_WORD(canary, i / 8))
			return false;
	return true;
}

/* ---- IOMMU: DMA by a PCI device ---- */

static void edu_attacks(void)
{
	uint64_t faults = counter(SVMHV_ISO_IOMMU_FAULTS);
	bool leak;

	if (run("edu-own-page")) {
		memcpy((void *)own.va, "svmhv-dma-pattern-0123456789abcdef", 34);
		memset((void *)own2.va, 0x5a, 4096);
		report(!edu_dma(&edu, own.pa, 34, false) && !edu_dma(&edu, own2.pa, 34, true) &&
		       memcmp((void *)own2.va, "svmhv-dma-pattern-0123456789abcdef", 34) == 0,
		       "edu-own-page: DMA into and out of guest memory works", "pattern lost");
	}
	if (run("edu-read-pool")) {
		memset((void *)own2.va, 0x5a, 4096);
		edu_dma(&edu, canary, 4096, false);
		edu_dma(&edu, own2.pa, 4096, true);
		leak = is_canary(own2.va, EDU_MAX);
		report(!leak, "edu-read-pool: DMA from svmhv's canary page blocked",
		       "the device read svmhv's memory");
	}
	if (run("edu-write-pool")) {
		memset((void *)own.va, 0xcc, 4096);
		edu_dma(&edu, own.pa, 4096, false);
		edu_dma(&edu, canary, 4096, true);
		edu_dma(&edu, pool, 4096, true);        /* svmhv's code */
		intact("edu-write-pool");
	}
	if (!only[0])
		report(counter(SVMHV_ISO_IOMMU_FAULTS) > faults,
		       "edu: svmhv logged the refused DMA (I/O page fault)", "fault counter %llu",
		       (unsigned long long)counter(SVMHV_ISO_IOMMU_FAULTS));
}

/* The IOMMU itself is out of reach: registers, PCI config (ports and ECAM). */
static void iommu_attacks(void)
{
	volatile uint8_t *mmio = devmem_map(IOMMU_MMIO, 0x4000);
	volatile uint8_t *ecam = devmem_map(ECAM + (0x10 << 12), 4096);
	char dev[96];
	uint64_t dropped = counter(SVMHV_ISO_MMIO_DROPPED), pci = counter(SVMHV_ISO_PCICFG_REFUSED);
	uint32_t base;

	if (!run("iommu-regs"))
		return;
	pci_path(dev, sizeof(dev), 2, 0);
	report(access("/sys/firmware/acpi/tables/IVRS", F_OK) != 0,
	       "ivrs-hidden: Linux sees no IVRS table", "/sys/firmware/acpi/tables/IVRS exists");
	report(mmio && *(volatile uint32_t *)(mmio + 0x18) == 0xffffffffu,
	       "iommu-regs: the IOMMU's registers read as a hole", "control reads %x",
	       mmio ? *(volatile uint32_t *)(mmio + 0x18) : 0);
	if (mmio)
		*(volatile uint64_t *)(mmio + 0x18) = 0;        /* IOMMU off */
	base = cfg_read(dev, 0x44, 4);
	cfg_write(dev, 0x44, 4, (uint32_t)pool | 1);            /* via 0xCF8/0xCFC */
	cfg_write(dev, 0x04, 2, 0);
	if (ecam)
		*(volatile uint32_t *)(ecam + 0x44) = (uint32_t)pool | 1;      /* via ECAM */
	report(cfg_read(dev, 0x44, 4) == base && counter(SVMHV_ISO_PCICFG_REFUSED) >= pci + 3,
	       "iommu-config: writes to the IOMMU's PCI function refused (0xCFC and ECAM)",
	       "base %x -> %x", base, cfg_read(dev, 0x44, 4));
	report(counter(SVMHV_ISO_MMIO_DROPPED) > dropped,
	       "iommu-regs: a store to the IOMMU's control register is dropped", "not counted");
	/* Still enforcing after all that? */
	memset((void *)own2.va, 0x5a, 4096);
	edu_dma(&edu, canary, 4096, false);
	edu_dma(&edu, own2.pa, 4096, true);
	report(!is_canary(own2.va, EDU_MAX), "iommu: still blocks DMA to svmhv afterwards",
	       "the device read svmhv's memory");
	intact("iommu attacks");
}

/* ---- fw_cfg DMA: past the IOMMU ---- */

static void fwcfg_try(const char *name, uint32_t control, uint32_t len, uint64_t addr)
{
	uint64_t before = counter(SVMHV_ISO_FWCFG_REFUSED);

	if (!run(name))
		return;
	fwcfg_desc(own.va, control, len, addr);
	fwcfg_dma_start(own.pa);
	report((fwcfg_desc_control(own.va) & 1) && counter(SVMHV_ISO_FWCFG_REFUSED) == before + 1,
	       name, "control %x (error bit expected)", fwcfg_desc_control(own.va));
}

/*
 * Legitimate fw_cfg DMA: the firmware's after svmhv took over (counted),
 * and Linux's qemu_fw_cfg driver, which writes etc/vmcoreinfo by DMA when
 * QEMU has -device vmcoreinfo.
 */
static void fwcfg_linux(void)
{
	uint64_t before = counter(SVMHV_ISO_FWCFG_DMA);

	/* OVMF reads fw_cfg by DMA mostly before svmhv starts: report, do not require. */
	note("fwcfg: %llu DMA transfers by the firmware and Linux through svmhv before this",
	     (unsigned long long)before);
	if (system("insmod /lib/isoattack/qemu_fw_cfg.ko 2>/dev/null") != 0 ||
	    access("/sys/firmware/qemu_fw_cfg/by_name/etc/vmcoreinfo", F_OK) != 0) {
		report(false, "fwcfg-linux: qemu_fw_cfg loads and lists etc/vmcoreinfo",
		       "insmod failed or no vmcoreinfo file");
		return;
	}
	report(counter(SVMHV_ISO_FWCFG_DMA) > before,
	       "fwcfg-linux: Linux's qemu_fw_cfg wrote etc/vmcoreinfo by DMA through svmhv",
	       "no transfer counted");
}

static void fwcfg_attacks(void)
{
	uint32_t size = 0;
	int vmci;

	if (!fwcfg_present()) {
		report(false, "fwcfg: QEMU's fw_cfg present", "no signature (iopl?)");
		return;
	}
	if (run("fwcfg-own")) {
		memset((void *)(own.va + 256), 0, 16);
		fwcfg_desc(own.va, 0x0000000a, 4, own.pa + 256);       /* select 0, read 4 */
		fwcfg_dma_start(own.pa);
		report(fwcfg_desc_control(own.va) == 0 && memcmp((void *)(own.va + 256), "QEMU", 4) == 0,
		       "fwcfg-own: a DMA read into guest memory still works", "control %x",
		       fwcfg_desc_control(own.va));
	}
	fwcfg_try("fwcfg-read-into-pool: fw_cfg DMA writing svmhv's canary refused",
		  0x0000000a, 4096, canary);
	fwcfg_try("fwcfg-read-into-code: fw_cfg DMA writing svmhv's code refused",
		  0x0000000a, 64, pool);
	fwcfg_try("fwcfg-straddle: a transfer running into svmhv refused", 0x0000000a, 0x2000,
		  pool - 0x1000);
	/* The signature "QEMU" written at 0xFEE00000 is an MSI whose data says INIT. */
	fwcfg_try("fwcfg-msi-window: fw_cfg DMA into the MSI window refused", 0x0000000a, 4,
		  MSI_WINDOW);
	vmci = fwcfg_find("etc/vmcoreinfo", &size);
	if (vmci >= 0)
		fwcfg_try("fwcfg-write-from-pool: fw_cfg DMA reading svmhv's canary refused",
			  (uint32_t)vmci << 16 | 0x18, 16, canary);
	if (run("fwcfg-desc-in-pool")) {
		uint64_t before = counter(SVMHV_ISO_FWCFG_REFUSED);

		fwcfg_dma_start(canary);
		report(counter(SVMHV_ISO_FWCFG_REFUSED) == before + 1,
		       "fwcfg-desc-in-pool: a descriptor inside svmhv refused", "not counted");
	}
	intact("fw_cfg attacks");
}

/* ---- ISA DMA: past the IOMMU on QEMU ---- */

static void isadma_attack(void)
{
	uint64_t before = counter(SVMHV_ISO_ISADMA_REFUSED);

	if (!run("isadma"))
		return;
	outb(0x06, 0x0a);                               /* mask channel 2 */
	outb((uint8_t)(canary >> 16), 0x81);
	outb((uint8_t)(canary >> 24), 0x481);
	outb(0x02, 0x0a);                               /* unmask it */
	report(counter(SVMHV_ISO_ISADMA_REFUSED) == before + 1,
	       "isadma: unmasking a channel that reaches svmhv refused", "not counted");
	outb(0, 0x481);
	outb(0, 0x81);
	intact("ISA DMA attack");
}

/* ---- a CPU svmhv could not take ---- */

/* Parked, hidden from Linux, and every CPU Linux runs on is a vCPU of svmhv. */
static int park_checks(void)
{
	long n = sysconf(_SC_NPROCESSORS_ONLN), cpus = 0;
	struct hc r;
	uint64_t seen = 0;

	report(hypercall(SVMHV_HC_VCPU_STATE, (uint64_t)parked, 0, 0, &r) == 0 &&
	       r.rax == 0 && r.rbx == SVMHV_VCPU_PARKED,
	       "svmhv reports the CPU whose takeover failed as parked",
	       "VCPU_STATE %d: rax %lld rbx %llu", parked, (long long)r.rax,
	       (unsigned long long)r.rbx);
	hypercall(SVMHV_HC_VCPU_INFO, 0, 0, 0, &r);
	cpus = (long)r.rcx;
	for (long c = 0; c < n; c++) {
		cpu_set_t set;

		CPU_ZERO(&set);
		CPU_SET((int)c, &set);
		if (sched_setaffinity(0, sizeof(set), &set) == 0 &&
		    hypercall(SVMHV_HC_VCPU_INFO, 0, 0, 0, &r) == 0)
			seen |= 1ull << r.rbx;
	}
	report(n == cpus - 1 && !(seen >> parked & 1) && __builtin_popcountll(seen) == n,
	       "Linux runs on every other CPU, each a vCPU of svmhv, never on the parked one",
	       "%ld CPUs online of %ld, vCPUs seen %llx", n, cpus, (unsigned long long)seen);
	report(counter(SVMHV_ISO_CPUS_PARKED) == 1, "svmhv counted one parked CPU", "%llu",
	       (unsigned long long)counter(SVMHV_ISO_CPUS_PARKED));
	intact("park");
	printf("ISOATTACK: done %d passed, %d failed\n", passed, failed);
	return failed ? 1 : 0;
}

/* ---- main ---- */

static void options(void)
{
	char line[4096] = "", *w, *save = NULL;
	FILE *f = fopen("/proc/cmdline", "r");

	if (f) {
		if (!fgets(line, sizeof(line), f))
			line[0] = 0;
		fclose(f);
	}
	for (w = strtok_r(line, " \n", &save); w; w = strtok_r(NULL, " \n", &save)) {
		if (!strncmp(w, "isoattack.iommu=", 16))
			want_iommu = atoi(w + 16);
		else if (!strncmp(w, "isoattack.repeat=", 17))
			repeat = (unsigned)atoi(w + 17);
		else if (!strncmp(w, "isoattack.dmarepeat=", 20))
			dmarepeat = (unsigned)atoi(w + 20);
		else if (!strncmp(w, "isoattack.only=", 15))
			snprintf(only, sizeof(only), "%s", w + 15);
		else if (!strncmp(w, "isoattack.parked=", 17))
			parked = atoi(w + 17);
		else if (!strcmp(w, "isoattack.control=1"))
			control = true;
	}
}

static int setup(void)
{
	struct hc r;

	setvbuf(stdout, NULL, _IONBF, 0);
	options();
	if (hypercall(SVMHV_HC_MEMINFO, 0, 0, 0, &r) ||
	    (!control && (hypercall(SVMHV_HC_INTEGRITY, 0, 0, 0, &r) || r.rax || !r.rdx))) {
		printf("ISOATTACK: not ok - svmhv: no hypercalls (not under svmhv, or hypercalls=cpl0)\n");
		return -1;
	}
	checksum = r.rbx;
	canary = r.rdx;                 /* canary 0: a page in svmhv's heap */
	hypercall(SVMHV_HC_MEMINFO, 0, 0, 0, &r);
	pool = r.rbx;
	pool_size = r.rcx;
	if (parked >= 0)
		return 0;               /* no device needed */
	if (iopl(3) || page_alloc(&own) || page_alloc(&own2) || edu_open(&edu)) {
		printf("ISOATTACK: not ok - setup: iopl, pagemap or the edu device failed\n");
		return -1;
	}
	note("svmhv %llx+%llx, canary %llx; edu %s irq %u msi cap %x", (unsigned long long)pool,
	     (unsigned long long)pool_size, (unsigned long long)canary, edu.dev, edu.irq, edu.msi);
	return 0;
}

int main(void)
{
	uint64_t flags;

	if (setup())
		return 1;
	if (parked >= 0)
		return park_checks();
	if (control) {
		control_attacks(pool_size);
		return 0;
	}
	fwcfg_linux();
	flags = counter(SVMHV_ISO_FLAGS);
	if (!only[0])
		report(!!(flags & SVMHV_ISO_F_IOMMU) == want_iommu, "svmhv owns the IOMMU as expected",
		       "flags %llx, expected IOMMU %d", (unsigned long long)flags, want_iommu);
	intact("boot");
	if (want_iommu) {
		edu_attacks();
		iommu_attacks();
	}
	fwcfg_attacks();
	isadma_attack();
	ioapic_attack();
	msi_attacks();
	if (want_iommu)
		dma_msi_attack();
	printf("ISOATTACK: done %d passed, %d failed\n", passed, failed);
	return failed ? 1 : 0;
}
