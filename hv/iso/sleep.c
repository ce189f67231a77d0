/* SPDX-License-Identifier: MIT */
/*
 * ACPI sleep states S1-S3 refused (hv/iommu/sleep.h has the decisions,
 * docs/architecture.md "Sleep states" the why): at set-up the \_S1_-\_S3_
 * declarations of the DSDT and every SSDT are renamed so the OS offers no
 * such state, and the FADT's PM1 control/status (and HW-reduced sleep)
 * registers are intercepted; at run time a write entering S1-S3 is dropped,
 * counted (SVMHV_ISO_SLEEP_REFUSED) and logged, and WAK_STS reads set until
 * the OS clears it, so its wait for the wake ends and it resumes at once.
 */
#include "hv/iso/iso.h"

#include "hv/console.h"
#include "hv/hv.h"
#include "hv/iommu/acpi.h"
#include "hv/iommu/sleep.h"
#include "svm/hw.h"
#include "svm/msrpm.h"

#define FADT_MAX_LEN    1024u
#define MAX_TABLES      64u

static uint8_t fadt_buf[FADT_MAX_LEN];

static const char *const reg_name[2][5] = {
	{ "", "PM1a_CNT", "PM1a_STS", "SLEEP_CONTROL", "SLEEP_STATUS" },
	{ "", "PM1b_CNT", "PM1b_STS", "SLEEP_CONTROL", "SLEEP_STATUS" },
};

/* A definition block at @pa: its checked length, or 0. */
static uint32_t block_len(uint64_t pa, const char *sig)
{
	uint8_t h[ACPI_HDR_LEN];
	struct acpi_header hdr;

	if (!pa || hv_iso_acpi.read(NULL, pa, h, sizeof(h)))
		return 0;
	acpi_header_decode(h, &hdr);
	if ((sig && (hdr.sig[0] != sig[0] || hdr.sig[1] != sig[1] || hdr.sig[2] != sig[2] ||
		     hdr.sig[3] != sig[3])) ||
	    hdr.length < ACPI_HDR_LEN || hdr.length > ACPI_MAX_TABLE ||
	    gmem_is_hv(&hv.gmem, pa, hdr.length))
		return 0;
	return hdr.length;
}

struct scan {
	struct acpi_sleep_info info;
	uint64_t done[MAX_TABLES];
	unsigned ndone, hidden, bad;
};

/* Scan one DSDT/SSDT in place (identity-mapped) and rename its S1-S3 names. */
static void scan_block(struct scan *s, uint64_t pa, const char *sig)
{
	uint32_t offs[AML_MAX_RENAMES], len = block_len(pa, sig);
	uint8_t *t = (uint8_t *)(uintptr_t)pa;
	int n;

	for (unsigned i = 0; i < s->ndone; i++)
		if (s->done[i] == pa)
			return;
	if (s->ndone < MAX_TABLES)
		s->done[s->ndone++] = pa;
	if (!len) {
		hv_warn("acpi", "%s at %llx unreadable: not scanned for \\_Sx_", sig,
			(unsigned long long)pa);
		s->bad++;
		return;
	}
	n = aml_sleep_scan(t, len, &s->info, offs, AML_MAX_RENAMES);
	if (n > 0)
		n = aml_sleep_hide(t, len, offs, (unsigned)n) ? ACPI_EINVAL : n;
	if (n < 0) {
		hv_warn("acpi", "%s at %llx: \\_S1_-\\_S3_ not hidden (%d); the PM1 guard still "
			"refuses them", sig, (unsigned long long)pa, n);
		s->bad++;
		return;
	}
	if (n)
		hv_info("acpi", "%s at %llx: %d \\_S1_-\\_S3_ declaration(s) renamed (X/Y/Z/Q lead): "
			"the OS offers no S1-S3", sig, (unsigned long long)pa, n);
	s->hidden += (unsigned)n;
}

/* Every SSDT of the XSDT and RSDT. */
static void scan_ssdts(struct scan *s)
{
	struct acpi_root roots[2];
	int nroots = acpi_roots(&hv_iso_acpi, hv.boot.rsdp_pa, roots);

	for (int r = 0; r < nroots; r++) {
		unsigned n = (roots[r].length - ACPI_HDR_LEN) / roots[r].entry_size;

		for (unsigned i = 0; i < n; i++) {
			uint64_t pa = 0;
			uint8_t h[4];

			if (hv_iso_acpi.read(NULL, roots[r].pa + ACPI_HDR_LEN + i * roots[r].entry_size,
					     &pa, roots[r].entry_size) ||
			    hv_iso_acpi.read(NULL, pa, h, 4))
				continue;
			if (h[0] == 'S' && h[1] == 'S' && h[2] == 'D' && h[3] == 'T')
				scan_block(s, pa, "SSDT");
		}
	}
}

int hv_iso_sleep_setup(void)
{
	static struct scan s;
	struct acpi_table_ref ref;
	struct fadt_sleep f;
	uint8_t *iopm = (uint8_t *)(uintptr_t)hv.iopm_pa;
	int rc = acpi_find(&hv_iso_acpi, hv.boot.rsdp_pa, "FACP", FADT_MIN_LEN, FADT_MAX_LEN, &ref);

	s = (struct scan){ 0 };
	if (rc == 0)
		rc = hv_iso_acpi.read(NULL, ref.pa, fadt_buf, ref.length) ? ACPI_EIO : 0;
	if (rc == 0)
		rc = fadt_sleep_decode(fadt_buf, ref.length, &f);
	if (rc) {
		hv_warn("acpi", "no usable FADT (%d): sleep states not guarded", rc);
		return 0;
	}
	scan_block(&s, f.dsdt, "DSDT");
	if (f.dsdt32)
		scan_block(&s, f.dsdt32, "DSDT");
	scan_ssdts(&s);
	sleep_guard_init(&hv_iso.sleep, &f, &s.info);
	for (unsigned i = 0; i < hv_iso.sleep.nports; i++)
		svm_iopm_set(iopm, hv_iso.sleep.ports[i].port, hv_iso.sleep.ports[i].len, true);
	/* Q35's ICH9 LPC moves the PM1 registers with PMBASE (00:1f.0 0x40): nobody may. */
	(void)hv_iso_guard_register(0x00f8, 0x29188086u, 0x40, 4);
	hv_info("acpi", "sleep: %u \\_S1_-\\_S3_ hidden, %u register(s) guarded; SLP_EN passes "
		"only with SLP_TYP mask a=0x%x b=0x%x (\\_S4_, \\_S5_)%s", s.hidden,
		hv_iso.sleep.nports, hv_iso.sleep.allow[0], hv_iso.sleep.allow[1],
		s.info.s[5].typ_known ? "" : "; no \\_S5_ package: soft-off refused too");
	if (f.mmio)
		hv_warn("acpi", "a sleep register of the FADT is in memory space: not guarded");
	return 0;
}

void hv_iso_sleep_port(struct vcpu *v, uint16_t port, unsigned size, bool is_in, uint32_t *val)
{
	struct sleep_refusal why = { 0 };
	bool pass;

	hv_iso_lock(&hv_iso.lock_ports);
	if (is_in) {
		*val = sleep_guard_in(&hv_iso.sleep, port, size, hv_iso_port_in(port, size));
		hv_iso_unlock(&hv_iso.lock_ports);
		return;
	}
	pass = sleep_guard_out(&hv_iso.sleep, port, size, *val, &why);
	if (pass)
		hv_iso_port_out(port, size, *val);
	hv_iso_unlock(&hv_iso.lock_ports);
	if (pass)
		return;
	hv_iso_count(SVMHV_ISO_SLEEP_REFUSED);
	hv_warn("acpi", "S%c refused: vCPU %u wrote 0x%x to %s (port 0x%x): SLP_TYP %u with SLP_EN "
		"would power the CPUs down and resume without svmhv; dropped, WAK_STS shown",
		why.state <= 5 ? '0' + why.state : '?', v->index, *val,
		reg_name[why.b & 1][why.reg <= 4 ? why.reg : 0], port, why.typ);
}
