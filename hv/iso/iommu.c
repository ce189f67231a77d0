/* SPDX-License-Identifier: MIT */
/*
 * svmhv owns the AMD IOMMU: one device table (every DeviceID translates
 * through one identity I/O page table over the firmware's RAM minus
 * svmhv's pool, where every IOMMU structure lives), a command ring, an
 * event log, and the interrupt policy. Interrupts (DTE.IV = 1 when IVRS
 * shows interrupt remapping: an IOAPIC entry) pass only as fixed or
 * lowest-priority messages: INIT, NMI, ExtINT, LINTx pass bits stay 0 and
 * SysMgt = 0, so such messages from devices are target-aborted.
 *
 * Fixed messages: the specification's IntCtl = 01b forwards them
 * unchanged, which needs no table. QEMU 7.2 (recognised by its IVRS OEM ID
 * "BOCHS ") does not: it builds the forwarded message from an empty IRTE
 * (vector 0 to APIC 0; hw/i386/amd_iommu.c amdvi_int_remap_msi calls
 * x86_iommu_irq_to_msi_message on a zeroed X86IOMMUIrq). There svmhv uses
 * IntCtl = 10b with a table per device that it fills from the MSI address
 * and data the guest programs (hv/iso/pci.c sees every config write):
 * exactly the messages the guest asked for are delivered. The IOAPIC's
 * table follows its redirection entries, which svmhv shadows anyway
 * (hv/iso/npf.c). That table matters twice on QEMU 7.2: every interrupt
 * write without a requester ID, including a device's DMA into the MSI
 * window, is judged under the IOAPIC's DeviceID (amdvi_mem_ir_write), so
 * with IV = 0 there an edu DMA of an INIT message resets a CPU. Devices with
 * MSI-X (whose tables svmhv does not trap) keep IV = 0 on QEMU.
 * See: AMD IOMMU Specification 48882 (rev 3.x): "Device Table", "Commands",
 * "Event Log", "Interrupt Remapping"; docs/isolation.md (QEMU 7.2).
 */
#include "hv/iso/iso.h"

#include "hv/console.h"
#include "hv/fmt.h"
#include "hv/hv.h"
#include "hv/iommu/amdvi.h"
#include "hv/iommu/iopt.h"
#include "hv/npt.h"
#include "hv/panic.h"
#include "svm/hw.h"

#define RING_LOG2       8               /* 256 entries of 16 bytes: one page */
#define IRT_LOG2        9               /* 512 entries: MSI data [10:0] of fixed/lowest */
#define IRT_BYTES       (4u << IRT_LOG2)
#define DOMAIN_ID       1
#define EFR_IA          AMDVI_BIT(6)    /* INVALIDATE_IOMMU_ALL */
#define IVHD_HT_TUN     0x01            /* IVHD flags bit 0 */
#define MMIO_SIZE_V1    0x4000u         /* IVHD type 10h: 16 KiB of registers */
#define SYNC_CYCLES     (1ull << 32)    /* about a second: then the IOMMU is dead */
#define POLL_CYCLES     (1ull << 24)

static void *alloc_pages(void *ctx, uint64_t *pa)
{
	(void)ctx;
	return pmm_alloc_page(&hv.pmm, pa);
}

static void *phys_ptr(void *ctx, uint64_t pa)
{
	(void)ctx;
	return (void *)(uintptr_t)pa;
}

static uint64_t reg_read(const struct hv_iso_iommu *u, unsigned off)
{
	return hv_iso_mmio_read(u->base + off, 8);
}

static void reg_write(const struct hv_iso_iommu *u, unsigned off, uint64_t v)
{
	hv_iso_mmio_write(u->base + off, 8, v);
}

/* ---- commands ---- */

static void submit(struct hv_iso_iommu *u, const struct amdvi_cmd *c)
{
	volatile uint64_t *slot = (volatile uint64_t *)(uintptr_t)(u->cmd_pa + u->cmd_tail);

	slot[0] = c->q[0];
	slot[1] = c->q[1];
	u->cmd_tail = amdvi_ring_next(u->cmd_tail, RING_LOG2);
	reg_write(u, AMDVI_MMIO_CMD_TAIL, u->cmd_tail);
}

/* COMPLETION_WAIT, then poll its store: every earlier command has finished. */
static int sync_iommu(struct hv_iso_iommu *u)
{
	struct amdvi_cmd c;
	uint64_t seq = ++hv_iso.cw_seq, t0 = rdtsc();

	amdvi_cmd_completion_wait(hv_iso.cw_pa, seq, &c);
	submit(u, &c);
	while (*hv_iso.cw != seq) {
		if (rdtsc() - t0 > SYNC_CYCLES) {
			hv_err("iommu", "IOMMU at %llx did not complete its commands",
			       (unsigned long long)u->base);
			return -1;
		}
		cpu_relax();
	}
	return 0;
}

/* Forget everything cached: all DTEs, interrupt tables and translations. */
static int invalidate_all(struct hv_iso_iommu *u, const struct ivrs_iommu *io)
{
	struct amdvi_cmd c;
	unsigned n = 0;

	if (reg_read(u, AMDVI_MMIO_EFR) & EFR_IA) {
		amdvi_cmd_inv_all(&c);
		submit(u, &c);
		return sync_iommu(u);
	}
	for (unsigned r = 0; r < io->nranges; r++) {
		for (uint32_t d = io->ranges[r].first; d <= io->ranges[r].last; d++) {
			amdvi_cmd_inv_devtab_entry((uint16_t)d, &c);
			submit(u, &c);
			amdvi_cmd_inv_int_table((uint16_t)d, &c);
			submit(u, &c);
			if ((n += 2) % 128 == 0 && sync_iommu(u))
				return -1;
		}
	}
	amdvi_cmd_inv_iommu_pages_all(DOMAIN_ID, &c);
	submit(u, &c);
	return sync_iommu(u);
}

/* ---- the I/O page table ---- */

/* RAM from the firmware's map, plus the IVMD ranges firmware needs unity-mapped. */
static unsigned dma_ram(const struct ivrs_info *ivrs, struct iopt_range *ram)
{
	unsigned n = 0;

	for (unsigned i = 0; i < hv_iso.nram; i++)
		ram[n++] = (struct iopt_range){ hv_iso.ram[i].base, hv_iso.ram[i].size };
	for (unsigned i = 0; i < ivrs->nivmd && n < HV_BOOT_MAX_RAM + IVRS_MAX_IVMD; i++) {
		const struct ivrs_ivmd *m = &ivrs->ivmd[i];

		if (gmem_is_hv(&hv.gmem, m->start, m->length) || !(m->flags & 1)) {
			hv_warn("iommu", "IVMD %llx+%llx (flags %x) ignored: svmhv maps no unity "
				"range into its memory and grants no exclusion range",
				(unsigned long long)m->start, (unsigned long long)m->length, m->flags);
			continue;
		}
		ram[n++] = (struct iopt_range){ m->start, m->length };
	}
	return n;
}

static int build_iopt(const struct ivrs_info *ivrs, struct iopt *t)
{
	static struct iopt_range ram[HV_BOOT_MAX_RAM + IVRS_MAX_IVMD];
	const struct iopt_range pool = { hv.boot.pool_pa, hv.boot.pool_size };
	struct iopt_params p = {
		.ram = ram, .nram = dma_ram(ivrs, ram), .exclude = &pool, .nexclude = 1,
		.gb_pages = true, .fault_markers = true,
	};
	int rc;

	*t = (struct iopt){ .alloc = alloc_pages, .ptr = phys_ptr };
	rc = iopt_build(t, &p);
	if (rc)
		hv_err("iommu", "cannot build the I/O page table (%d); raise heap=", rc);
	return rc;
}

/* ---- the device table ---- */

static struct hv_iso_irt *irt_of(uint16_t devid)
{
	for (unsigned i = 0; i < hv_iso.nirt; i++)
		if (hv_iso.irt[i].devid == devid)
			return &hv_iso.irt[i];
	return 0;
}

static void write_dte(uint16_t devid, const struct amdvi_dte_cfg *cfg)
{
	volatile uint64_t *d = (volatile uint64_t *)(uintptr_t)(hv_iso.devtab_pa +
								 (uint64_t)devid * AMDVI_DTE_SIZE);
	struct amdvi_dte e;

	if (amdvi_dte_build(cfg, &e))
		hv_panic(0, "iommu: DTE for %x refused by its own builder", devid);
	d[3] = e.q[3];
	d[2] = e.q[2];
	d[1] = e.q[1];
	d[0] = e.q[0];          /* V last */
}

/* One more table (two per page): 0, 1 when the list is full, or HV_ERR_NOMEM. */
static int add_irt(uint16_t devid)
{
	static uint64_t pa;

	if (irt_of(devid))
		return 0;
	if (hv_iso.nirt == HV_ISO_MAX_IRT) {
		hv_warn("iommu", "more than %u devices: %x and later get IV=0", HV_ISO_MAX_IRT,
			devid);
		return 1;
	}
	if ((pa & 0xfff) == 0 && !pmm_alloc_page(&hv.pmm, &pa))
		return HV_ERR_NOMEM;
	hv_iso.irt[hv_iso.nirt++] = (struct hv_iso_irt){ devid, (uint32_t *)(uintptr_t)pa, pa };
	pa += IRT_BYTES;
	return 0;
}

/* A table for each IOAPIC, and each PCI function IVRS lists that exists. */
static int alloc_irts(const struct ivrs_info *ivrs)
{
	int rc = 0;

	for (unsigned k = 0; k < hv_iso.nioapic && !rc; k++)
		if (hv_iso.ioapic[k].devid >= 0)
			rc = add_irt((uint16_t)hv_iso.ioapic[k].devid);
	for (unsigned i = 0; i < ivrs->niommu && !rc; i++) {
		const struct ivrs_iommu *io = &ivrs->iommu[i];

		for (unsigned r = 0; r < io->nranges && !rc; r++)
			for (uint32_t d = io->ranges[r].first; d <= io->ranges[r].last && !rc; d++)
				if (hv_iso_cfg_read((uint16_t)d, 0, 2) != 0xffff)
					rc = add_irt((uint16_t)d);
	}
	return rc < 0 ? rc : 0;
}

/* An IOAPIC's table from the entries it has now (before the IOMMU runs). */
static void fill_ioapic_irt(const struct hv_iso_ioapic *io)
{
	struct hv_iso_irt *t = io->devid >= 0 ? irt_of((uint16_t)io->devid) : 0;
	uint32_t irte;
	unsigned idx;

	for (unsigned p = 0; t && p < io->npins; p++)
		if (pcicfg_rte_irte(io->rte[p], &irte, &idx))
			t->table[idx] = irte;
}

/* Interrupt settings of one DeviceID; see the comment at the top. */
static void irq_policy(uint16_t devid, const struct ivrs_special *ioapic,
		       struct amdvi_dte_cfg *cfg)
{
	const struct hv_iso_irt *t = hv_iso.irt_mode ? irt_of(devid) : 0;

	if (!hv_iso.intremap)
		return;
	cfg->remap_irqs = true;
	cfg->intctl = hv_iso.irt_mode ? AMDVI_INTCTL_ABORT : AMDVI_INTCTL_PASS;
	if (ioapic) {
		cfg->pass_nmi = cfg->pass_extint = true;        /* the RTE filter allows both */
		cfg->pass_lint0 = ioapic->setting & IVRS_DTE_LINT0PASS;
		cfg->pass_lint1 = ioapic->setting & IVRS_DTE_LINT1PASS;
	}
	if (ioapic && !t) {
		cfg->remap_irqs = !hv_iso.irt_mode;     /* no table: IV = 0 on QEMU */
	} else if (!ioapic && t && hv_iso_cfg_read(devid, 0, 2) != 0xffff &&
		   hv_iso_find_cap(devid, PCI_CAP_ID_MSIX)) {
		cfg->remap_irqs = false;
		hv_warn("iommu", "%02x:%02x.%u has MSI-X: its interrupts are not filtered here",
			devid >> 8, (devid >> 3) & 0x1f, devid & 7u);
	} else if (t) {
		cfg->intctl = AMDVI_INTCTL_REMAP;
		cfg->irt_root = t->pa;
		cfg->irt_len_log2 = IRT_LOG2;
	}
}

static const struct ivrs_special *ioapic_special(const struct ivrs_info *ivrs, uint16_t devid)
{
	for (unsigned i = 0; i < ivrs->niommu; i++)
		for (unsigned s = 0; s < ivrs->iommu[i].nspecials; s++)
			if (ivrs->iommu[i].specials[s].variety == IVRS_SPECIAL_IOAPIC &&
			    ivrs->iommu[i].specials[s].devid == devid)
				return &ivrs->iommu[i].specials[s];
	return 0;
}

static void fill_devtab(const struct ivrs_info *ivrs, const struct iopt *t)
{
	for (uint32_t d = 0; d < AMDVI_DEVTAB_ENTRIES; d++) {
		struct amdvi_dte_cfg cfg = {
			.pt_root = t->root, .levels = t->levels, .domain_id = DOMAIN_ID,
		};

		irq_policy((uint16_t)d, ioapic_special(ivrs, (uint16_t)d), &cfg);
		write_dte((uint16_t)d, &cfg);
	}
}

/* Fill the tables from the MSIs the firmware already programmed. */
static void sync_msis(void)
{
	for (unsigned i = 0; i < hv_iso.nirt; i++) {
		struct pci_msi_cap m = hv_iso_msi_cap(hv_iso.irt[i].devid);

		if (m.cap)
			hv_iso_msi_sync(hv_iso.irt[i].devid, &m);
	}
}

/* ---- programming one IOMMU ---- */

static int program(struct hv_iso_iommu *u, const struct ivrs_iommu *io)
{
	uint64_t reg, ctrl = reg_read(u, AMDVI_MMIO_CONTROL);
	uint8_t *cmd = pmm_alloc_page(&hv.pmm, &u->cmd_pa);
	uint8_t *evt = pmm_alloc_page(&hv.pmm, &u->evt_pa);

	if (!cmd || !evt)
		return HV_ERR_NOMEM;
	if (ctrl & AMDVI_CTRL_IOMMU_EN)
		hv_info("iommu", "the firmware had enabled it: svmhv's tables replace its own");
	/* DEVTAB and ring bases commit on an 8-byte store (QEMU: or the high dword). */
	amdvi_devtab_reg(hv_iso.devtab_pa, AMDVI_DEVTAB_BYTES, &reg);
	reg_write(u, AMDVI_MMIO_DEVTAB_BASE, reg);
	amdvi_ring_reg(u->cmd_pa, RING_LOG2, &reg);
	reg_write(u, AMDVI_MMIO_CMDBUF_BASE, reg);
	reg_write(u, AMDVI_MMIO_CMD_HEAD, 0);
	reg_write(u, AMDVI_MMIO_CMD_TAIL, 0);
	amdvi_ring_reg(u->evt_pa, RING_LOG2, &reg);
	reg_write(u, AMDVI_MMIO_EVTLOG_BASE, reg);
	reg_write(u, AMDVI_MMIO_EVT_HEAD, 0);
	reg_write(u, AMDVI_MMIO_EVT_TAIL, 0);
	/* No exclusion range: it would bypass translation. */
	reg_write(u, AMDVI_MMIO_EXCL_BASE, 0);
	reg_write(u, AMDVI_MMIO_EXCL_LIMIT, 0);
	reg_write(u, AMDVI_MMIO_STATUS, AMDVI_STATUS_EVT_OVF | AMDVI_STATUS_EVT_INT |
		  AMDVI_STATUS_COMWAIT_INT);
	/* No interrupts of its own (its MSI is not remapped): svmhv polls. */
	ctrl = AMDVI_CTRL_IOMMU_EN | AMDVI_CTRL_EVTLOG_EN | AMDVI_CTRL_CMDBUF_EN |
	       ((io->flags & IVHD_HT_TUN) ? AMDVI_CTRL_HT_TUN_EN : 0);
	reg_write(u, AMDVI_MMIO_CONTROL, ctrl);
	return invalidate_all(u, io) ? HV_ERR_INVAL : 0;
}

static int describe(const struct ivrs_info *ivrs)
{
	for (unsigned i = 0; i < ivrs->niommu; i++) {
		const struct ivrs_iommu *io = &ivrs->iommu[i];
		struct hv_iso_iommu *u = &hv_iso.iommu[hv_iso.niommu];

		if (io->segment) {
			hv_err("iommu", "IOMMU on PCI segment %u: not supported", io->segment);
			return HV_ERR_INVAL;
		}
		*u = (struct hv_iso_iommu){
			.base = io->base, .devid = io->devid, .cap = io->cap_offset,
			.mmio_size = io->type == 0x10 ? MMIO_SIZE_V1 : AMDVI_MMIO_HW_SIZE,
		};
		hv_iso.niommu++;
		for (unsigned s = 0; s < io->nspecials; s++)
			if (io->specials[s].variety == IVRS_SPECIAL_IOAPIC)
				hv_iso.intremap = true;
		for (unsigned k = 0; k < hv_iso.nioapic; k++) {
			const struct ivrs_special *sp = ivrs_find_ioapic(io, hv_iso.ioapic[k].id);

			if (sp)
				hv_iso.ioapic[k].devid = sp->devid;
		}
	}
	return 0;
}

/* The guest never reaches the IOMMU: registers blank, PCI function read-only. */
static int hide_iommus(void)
{
	for (unsigned i = 0; i < hv_iso.niommu; i++) {
		const struct hv_iso_iommu *u = &hv_iso.iommu[i];
		int rc = hv_npt_map(u->base, u->mmio_size, hv.blank_pa, NPT_PERM_RO, NULL);

		if (rc || gmem_add_emulated(&hv.gmem, u->base, u->mmio_size) ||
		    pcicfg_protect_function(&hv_iso.guard, u->devid))
			return rc ? rc : HV_ERR_NOMEM;
	}
	return 0;
}

int hv_iso_iommu_setup(const struct ivrs_info *ivrs, bool qemu)
{
	struct iopt t;
	int rc = describe(ivrs);

	if (rc)
		return rc;
	hv_iso.irt_mode = hv_iso.intremap && qemu;
	if (!pmm_alloc_pages(&hv.pmm, AMDVI_DEVTAB_BYTES / PAGE_SIZE, 1, &hv_iso.devtab_pa) ||
	    !(hv_iso.cw = pmm_alloc_page(&hv.pmm, &hv_iso.cw_pa)))
		return HV_ERR_NOMEM;
	rc = build_iopt(ivrs, &t);
	if (!rc && hv_iso.irt_mode) {
		hv_iso_lock(&hv_iso.lock_pci);
		rc = alloc_irts(ivrs);
		hv_iso_unlock(&hv_iso.lock_pci);
	}
	if (rc)
		return rc;
	for (unsigned k = 0; k < hv_iso.nioapic; k++)
		fill_ioapic_irt(&hv_iso.ioapic[k]);
	hv_iso_lock(&hv_iso.lock_pci);
	fill_devtab(ivrs, &t);
	hv_iso_unlock(&hv_iso.lock_pci);
	for (unsigned i = 0; i < hv_iso.niommu && !rc; i++)
		rc = program(&hv_iso.iommu[i], &ivrs->iommu[i]);
	if (!rc)
		rc = hide_iommus();
	if (rc)
		return rc;
	hv_iso.iommu_owned = true;
	hv_iso_lock(&hv_iso.lock_pci);
	sync_msis();
	hv_iso_unlock(&hv_iso.lock_pci);
	for (unsigned i = 0; i < hv_iso.niommu; i++)
		hv_info("iommu", "%02x:%02x.%u at %llx owned by svmhv: %zu I/O page table pages "
			"(%u levels), interrupts %s", hv_iso.iommu[i].devid >> 8,
			(hv_iso.iommu[i].devid >> 3) & 0x1f, hv_iso.iommu[i].devid & 7u,
			(unsigned long long)hv_iso.iommu[i].base, t.tables, t.levels,
			!hv_iso.intremap ? "not remapped (no IOAPIC in IVRS): device MSIs unfiltered" :
			hv_iso.irt_mode ? "remapped through svmhv's tables (QEMU)" :
			"filtered (INIT/NMI/ExtINT/SMI/LINT refused)");
	return 0;
}

/* ---- at run time ---- */

static void irte_store(struct hv_iso_irt *t, unsigned idx, uint32_t irte)
{
	__atomic_store_n(&t->table[idx], irte, __ATOMIC_RELEASE);
	hv_iso_count(SVMHV_ISO_IRTE_WRITES);
}

/* The IOMMU forgets what it cached of the table (QEMU caches nothing). */
static void irt_changed(uint16_t devid)
{
	struct amdvi_cmd c;

	amdvi_cmd_inv_int_table(devid, &c);
	hv_iso_lock(&hv_iso.lock_iommu);
	for (unsigned i = 0; i < hv_iso.niommu; i++) {
		submit(&hv_iso.iommu[i], &c);
		sync_iommu(&hv_iso.iommu[i]);
	}
	hv_iso_unlock(&hv_iso.lock_iommu);
}

void hv_iso_irt_set(uint16_t devid, uint64_t addr, uint32_t data, unsigned nvec)
{
	struct hv_iso_irt *t = irt_of(devid);
	uint32_t irte;
	unsigned idx;

	if (!t || !hv_iso.irt_mode || !hv_iso.iommu_owned)
		return;
	for (unsigned v = 0; v < nvec; v++)
		if (pcicfg_msi_irte(addr, data, v, &irte, &idx))
			irte_store(t, idx, irte);
	irt_changed(devid);
}

/*
 * A new vector or destination for a pin: its entry. An entry another pin
 * used stays (the table is indexed by delivery mode and vector only), so a
 * pin that reuses a vector with another destination moves it: said once.
 */
void hv_iso_irt_rte(const struct hv_iso_ioapic *io, unsigned pin)
{
	struct hv_iso_irt *t = io->devid >= 0 ? irt_of((uint16_t)io->devid) : 0;
	uint32_t irte, old;
	unsigned idx;
	static bool warned;

	if (!t || !hv_iso.irt_mode || !hv_iso.iommu_owned ||
	    !pcicfg_rte_irte(io->rte[pin], &irte, &idx))
		return;
	old = t->table[idx];
	if (old == irte)
		return;
	if ((old & AMDVI_IRTE_REMAP_EN) && !warned) {
		warned = true;
		hv_warn("iommu", "IOAPIC pin %u reuses vector 0x%x: the IOMMU now sends it to the "
			"new destination", pin, idx & 0xff);
	}
	irte_store(t, idx, irte);
	irt_changed((uint16_t)io->devid);
}

/* The event log: every entry since the last look, logged with device and address. */
static void poll_events(struct hv_iso_iommu *u)
{
	uint32_t tail = (uint32_t)reg_read(u, AMDVI_MMIO_EVT_TAIL) & AMDVI_RING_PTR_MASK;
	char line[160];

	while (u->evt_head != tail) {
		volatile uint64_t *e = (volatile uint64_t *)(uintptr_t)(u->evt_pa + u->evt_head);
		uint64_t raw[2] = { e[0], e[1] };
		struct amdvi_event ev;

		amdvi_event_decode(raw, &ev);
		amdvi_event_format(&ev, line, sizeof(line));
		hv_iso_count(SVMHV_ISO_IOMMU_FAULTS);
		if (hv_iso_ratelimit(hv_iso.counters[SVMHV_ISO_IOMMU_FAULTS]))
			hv_warn("iommu", "event: %s", line);
		u->evt_head = amdvi_ring_next(u->evt_head, RING_LOG2);
	}
	reg_write(u, AMDVI_MMIO_EVT_HEAD, u->evt_head);
	if (reg_read(u, AMDVI_MMIO_STATUS) & AMDVI_STATUS_EVT_OVF) {
		hv_warn("iommu", "event log overflowed: some faults were not reported");
		reg_write(u, AMDVI_MMIO_STATUS, AMDVI_STATUS_EVT_OVF);
	}
}

/*
 * QEMU 7.2 writes no event (amdvi_log_event tests the overflow bit with
 * `|`, never `&`) but sets "signaled target abort" in the IOMMU function's
 * PCI status on every fault it finds: the only report that platform gives,
 * without the device or the address.
 */
static void poll_target_abort(const struct hv_iso_iommu *u)
{
	uint32_t st;

	if (!hv_iso_trylock(&hv_iso.lock_pci))
		return;
	st = hv_iso_cfg_read(u->devid, PCI_STATUS, 2);
	if (st != 0xffff && (st & PCI_STATUS_SIG_TABORT)) {
		hv_iso_cfg_write(u->devid, PCI_STATUS, 2, PCI_STATUS_SIG_TABORT);
		hv_iso_count(SVMHV_ISO_IOMMU_FAULTS);
		if (hv_iso_ratelimit(hv_iso.counters[SVMHV_ISO_IOMMU_FAULTS]))
			hv_warn("iommu", "I/O page fault: a device DMA was refused (this IOMMU "
				"reports no device or address: target abort on %02x:%02x.%u)",
				u->devid >> 8, (u->devid >> 3) & 0x1f, u->devid & 7u);
	}
	hv_iso_unlock(&hv_iso.lock_pci);
}

void hv_iso_poll(bool now)
{
	uint64_t t;

	if (!hv_iso.iommu_owned)
		return;
	t = rdtsc();
	if (!now && t < __atomic_load_n(&hv_iso.next_poll, __ATOMIC_RELAXED))
		return;
	if (!hv_iso_trylock(&hv_iso.lock_iommu))
		return;
	hv_iso.next_poll = t + POLL_CYCLES;
	for (unsigned i = 0; i < hv_iso.niommu; i++) {
		poll_events(&hv_iso.iommu[i]);
		poll_target_abort(&hv_iso.iommu[i]);
	}
	hv_iso_unlock(&hv_iso.lock_iommu);
}
