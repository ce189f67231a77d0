/* SPDX-License-Identifier: MIT */
/*
 * Isolation set-up, on the boot CPU inside hv_setup(), before any guest
 * instruction runs under svmhv: read the firmware's ACPI tables (MADT,
 * MCFG, IVRS) through the identity mapping the firmware still provides,
 * take the IOMMU, hide IVRS, and put every guard in place in svmhv's
 * nested page tables and I/O permission map.
 *
 * Why here and not in boot/: svmhv must trust only its own copy of IVRS
 * and own the IOMMU before the guest can touch it, and the edits that hide
 * IVRS must land before any OS reads ACPI. Doing both in one step, while
 * the firmware is quiescent on this CPU and its tables are plain memory,
 * keeps what svmhv owns and what the OS is told the same thing. boot/ only
 * looks for IVRS early, to refuse dma_protect=required without starting.
 * See: ACPI 6.5 5.2 (tables); APM2 15.10 (IOPM), 15.25 (nested paging).
 */
#include "hv/iso/iso.h"

#include "hv/console.h"
#include "hv/hv.h"
#include "hv/npt.h"
#include "hv/iommu/acpi.h"
#include "svm/hw.h"
#include "svm/msrpm.h"

struct hv_iso hv_iso;

#define ACPI_BUF        16384u          /* MADT and MCFG: a few hundred bytes on QEMU */
#define IVRS_MAX_LEN    (64u * 1024)
#define MSI_WINDOW      0xfee00000ull
#define MSI_WINDOW_SIZE 0x100000ull
#define FWCFG_ID_PORT   0x510
#define FWCFG_DATA_PORT 0x511

static uint8_t acpi_buf[ACPI_BUF];

/* Physical memory, identity-mapped by the firmware now and by svmhv later. */
static int phys_read(void *ctx, uint64_t pa, void *buf, size_t len)
{
	const volatile uint8_t *src = (const volatile uint8_t *)(uintptr_t)pa;
	uint8_t *dst = buf;

	(void)ctx;
	if (gmem_is_hv(&hv.gmem, pa, len))
		return -1;
	for (size_t i = 0; i < len; i++)
		dst[i] = src[i];
	return 0;
}

const struct acpi_reader hv_iso_acpi = { phys_read, NULL };

/* Copy the table @sig (at most @max bytes) into @buf. Its length, or an ACPI_E* error. */
static int copy_table(const char sig[4], uint32_t min, uint32_t max, uint8_t *buf,
		      struct acpi_table_ref *ref)
{
	int rc = acpi_find(&hv_iso_acpi, hv.boot.rsdp_pa, sig, min, max, ref);

	if (rc)
		return rc;
	rc = phys_read(NULL, ref->pa, buf, ref->length);
	return rc ? ACPI_EIO : (int)ref->length;
}

void hv_iso_apply_edits(const struct acpi_edit *e, int n)
{
	for (int i = 0; i < n; i++)
		for (unsigned b = 0; b < e[i].len; b++)
			*(volatile uint8_t *)(uintptr_t)(e[i].pa + b) = e[i].bytes[b];
}

static void add_prot(uint64_t base, uint64_t size)
{
	if (hv_iso.nprot < HV_ISO_MAX_PROT)
		hv_iso.prot[hv_iso.nprot++] = (struct dma_range){ base, size };
}

static uint32_t ioapic_reg(uint64_t base, unsigned reg)
{
	hv_iso_mmio_write(base + IOAPIC_IOREGSEL, 4, reg);
	return (uint32_t)hv_iso_mmio_read(base + IOAPIC_IOWIN, 4);
}

/* Its pins (version register [23:16] + 1) and every entry; IOREGSEL restored. */
static void ioapic_read(struct hv_iso_ioapic *io)
{
	uint8_t sel = (uint8_t)hv_iso_mmio_read(io->base + IOAPIC_IOREGSEL, 4);

	io->npins = ((ioapic_reg(io->base, IOAPIC_REG_VER) >> 16) & 0xff) + 1;
	if (io->npins > HV_ISO_IOAPIC_PINS)
		io->npins = HV_ISO_IOAPIC_PINS;
	for (unsigned p = 0; p < io->npins; p++)
		io->rte[p] = ioapic_reg(io->base, IOAPIC_REG_RTE0 + 2 * p) |
			     (uint64_t)ioapic_reg(io->base, IOAPIC_REG_RTE0 + 2 * p + 1) << 32;
	hv_iso_mmio_write(io->base + IOAPIC_IOREGSEL, 4, sel);
	io->regsel = sel;
}

/* MADT: write-protect every I/O APIC page; its stores are judged (npf.c). */
static int guard_ioapics(void)
{
	struct acpi_table_ref ref;
	struct madt_info m;
	int len = copy_table("APIC", MADT_HDR_LEN, ACPI_BUF, acpi_buf, &ref), rc;

	if (len < 0) {
		hv_warn("iso", "no usable MADT (%d): I/O APICs not guarded", len);
		return 0;
	}
	rc = madt_parse(acpi_buf, (size_t)len, &m);
	if (rc)
		return rc;
	for (unsigned i = 0; i < m.nioapic; i++) {
		uint64_t b = m.ioapic[i].base;

		rc = hv_npt_map(b, PAGE_SIZE, NPT_IDENTITY, NPT_PERM_RO, NULL);
		if (rc || gmem_add_emulated(&hv.gmem, b, PAGE_SIZE))
			return rc ? rc : HV_ERR_NOMEM;
		hv_iso.ioapic[hv_iso.nioapic] = (struct hv_iso_ioapic){
			.base = b, .id = m.ioapic[i].id, .devid = -1 };
		ioapic_read(&hv_iso.ioapic[hv_iso.nioapic]);
		hv_info("iso", "I/O APIC %u at %llx (%u pins) write-protected: INIT and SMI "
			"entries are refused", m.ioapic[i].id, (unsigned long long)b,
			hv_iso.ioapic[hv_iso.nioapic].npins);
		hv_iso.nioapic++;
		add_prot(b, PAGE_SIZE);
	}
	return 0;
}

/* MCFG: the whole ECAM window is read-only to the guest; its stores are judged (pci.c). */
static int guard_ecam(void)
{
	struct acpi_table_ref ref;
	int len = copy_table("MCFG", MCFG_HDR_LEN, ACPI_BUF, acpi_buf, &ref), rc;

	if (len < 0) {
		hv_info("iso", "no MCFG: PCI configuration only through ports 0xCF8/0xCFC");
		return 0;
	}
	rc = mcfg_parse(acpi_buf, (size_t)len, hv_iso.ecam, HV_ISO_MAX_ECAM, &hv_iso.necam);
	if (rc)
		return rc;
	for (unsigned i = 0; i < hv_iso.necam; i++) {
		uint64_t s = mcfg_start(&hv_iso.ecam[i]), n = mcfg_size(&hv_iso.ecam[i]);

		if (hv_iso.ecam[i].segment) {
			hv_warn("iso", "ECAM of PCI segment %u not guarded", hv_iso.ecam[i].segment);
			continue;
		}
		rc = hv_npt_map(s, n, NPT_IDENTITY, NPT_PERM_RO, NULL);
		if (rc || gmem_add_emulated(&hv.gmem, s, n))
			return rc ? rc : HV_ERR_NOMEM;
		add_prot(s, n);
		hv_info("iso", "ECAM %llx-%llx write-protected: config writes are judged",
			(unsigned long long)s, (unsigned long long)(s + n - 1));
	}
	return 0;
}

/* QEMU's fw_cfg: selector 0 (signature) reads "QEMU" from the data port. */
static bool fwcfg_present(void)
{
	static const char sig[4] = { 'Q', 'E', 'M', 'U' };

	outw(FWCFG_ID_PORT, 0);
	for (int i = 0; i < 4; i++)
		if (inb(FWCFG_DATA_PORT) != (uint8_t)sig[i])
			return false;
	return true;
}

/* The ISA DMA controllers: every channel masked but the cascade, pages as they are. */
static void isadma_init(void)
{
	static const uint16_t page[8] = { 0x87, 0x83, 0x81, 0x82, 0x8f, 0x8b, 0x89, 0x8a };

	isadma_boot_state(&hv_iso.isadma);
	for (unsigned c = 0; c < 8; c++) {
		hv_iso.isadma.page[c] = inb(page[c]);
		hv_iso.isadma.page_hi[c] = inb((uint16_t)(page[c] + 0x400));
	}
	outb(0x0f, hv_iso.isadma.mask[0]);
	outb(0xde, hv_iso.isadma.mask[1]);
}

/* The IOPM: every isolation port exits (fw_cfg's only when QEMU's fw_cfg is there). */
static void intercept_ports(void)
{
	uint8_t *iopm = (uint8_t *)(uintptr_t)hv.iopm_pa;

	for (const struct iso_port_range *r = iso_ports; r->count; r++) {
		if (r->kind == ISO_PORT_FWCFG && !hv_iso.fwcfg)
			continue;
		if ((r->kind == ISO_PORT_FWCFG || r->kind == ISO_PORT_ISADMA) && hv_iso.dma_off)
			continue;
		svm_iopm_set(iopm, r->first, r->count, true);
	}
}

static void copy_ram(void)
{
	hv_iso.nram = hv.boot.nram < HV_BOOT_MAX_RAM ? hv.boot.nram : HV_BOOT_MAX_RAM;
	for (unsigned i = 0; i < hv_iso.nram; i++)
		hv_iso.ram[i] = (struct dma_range){ hv.boot.ram[i].base, hv.boot.ram[i].size };
}

static bool is_qemu(const uint8_t *ivrs)
{
	static const char oem[6] = { 'B', 'O', 'C', 'H', 'S', ' ' };

	for (int i = 0; i < 6; i++)
		if (ivrs[10 + i] != (uint8_t)oem[i])
			return false;
	return true;
}

/* IVRS: parse svmhv's copy, hide the table from the guest, take the IOMMU. */
static int take_iommu(void)
{
	static struct ivrs_info ivrs;
	struct acpi_table_ref ref;
	struct acpi_edit e[ACPI_HIDE_MAX_EDITS];
	uint64_t pa;
	uint8_t *buf = pmm_alloc_pages(&hv.pmm, IVRS_MAX_LEN / PAGE_SIZE, 1, &pa);
	int len, rc, n;

	if (!buf)
		return HV_ERR_NOMEM;
	len = copy_table("IVRS", IVRS_HDR_LEN, IVRS_MAX_LEN, buf, &ref);
	if (len == ACPI_ENOENT)
		return HV_ERR_NOIOMMU;
	rc = len < 0 ? len : ivrs_parse(buf, (size_t)len, &ivrs);
	if (rc || ivrs.niommu == 0) {
		hv_err("iommu", "IVRS at %llx unusable (%d): refusing to start rather than leave "
		       "an IOMMU svmhv cannot describe to the guest", (unsigned long long)ref.pa, rc);
		return HV_ERR_INVAL;
	}
	n = acpi_hide(&hv_iso_acpi, hv.boot.rsdp_pa, "IVRS", "XVRS", e);
	if (n < 0)
		return n;
	hv_iso_apply_edits(e, n);
	hv_info("iommu", "IVRS hidden from the guest (renamed XVRS, dropped from the root "
		"tables: %d edits)", n);
	return hv_iso_iommu_setup(&ivrs, is_qemu(buf));
}

static int setup_dma(void)
{
	int rc = HV_ERR_NOIOMMU;

	if (hv_iso.dma_off) {
		hv_warn("iso", "dma_protect=off: devices can read and write svmhv's memory");
		return 0;
	}
	if (hv.boot.rsdp_pa)
		rc = take_iommu();
	if (rc == HV_ERR_NOIOMMU && hv.boot.dma_protect != HV_DMA_PROTECT_REQUIRED) {
		hv_warn("iso", "********************************************************");
		hv_warn("iso", "* NO IOMMU (no ACPI IVRS): devices can DMA into svmhv's  *");
		hv_warn("iso", "* memory; only fw_cfg and ISA DMA are guarded.          *");
		hv_warn("iso", "********************************************************");
		return 0;
	}
	if (rc == HV_ERR_NOIOMMU)
		hv_err("iso", "dma_protect=required but this machine has no IOMMU (no ACPI IVRS)");
	return rc;
}

/* What DMA outside the IOMMU must never touch. */
static void protect_ranges(void)
{
	add_prot(hv.boot.pool_pa, hv.boot.pool_size);
	add_prot(MSI_WINDOW, MSI_WINDOW_SIZE);  /* a write there is an interrupt */
	if (hv.apic_base)
		add_prot(hv.apic_base, PAGE_SIZE);
	for (unsigned i = 0; i < hv_iso.niommu; i++)
		add_prot(hv_iso.iommu[i].base, hv_iso.iommu[i].mmio_size);
}

int hv_iso_setup(void)
{
	int rc;

	hv_iso = (struct hv_iso){ 0 };  /* host tests set svmhv up more than once */
	hv_iso.dma_off = hv.boot.dma_protect == HV_DMA_PROTECT_OFF;
	copy_ram();
	rc = hv.boot.rsdp_pa ? guard_ecam() : 0;
	if (!rc && hv.boot.rsdp_pa)
		rc = guard_ioapics();
	if (!rc)
		rc = setup_dma();
	if (rc)
		return rc;
	/* Q35's MCH moves the ECAM window with PCIEXBAR (00:00.0 0x60): nobody may. */
	(void)hv_iso_guard_register(0x0000, 0x29c08086u, 0x60, 8);
	if (hv.boot.rsdp_pa)
		hv_iso_sleep_setup();
	hv_iso.fwcfg = fwcfg_present();
	if (!hv_iso.dma_off)
		isadma_init();
	intercept_ports();
	protect_ranges();
	hv_iso.fwcfg_bounce = pmm_alloc_page(&hv.pmm, &hv_iso.fwcfg_bounce_pa);
	return hv_iso.fwcfg_bounce ? 0 : HV_ERR_NOMEM;
}
