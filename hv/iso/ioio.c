/* SPDX-License-Identifier: MIT */
/*
 * The I/O ports svmhv intercepts (hv/iommu/ports.c has the table): PCI
 * configuration (hv/iso/pci.c), QEMU's fw_cfg DMA address, the ISA DMA
 * controllers, and the chipset's reset requests. Each access is judged,
 * then performed by svmhv on the guest's behalf or dropped.
 *
 * fw_cfg DMA (QEMU docs/specs/fw_cfg.rst): writing the low half of the
 * big-endian address register makes QEMU read a 16-byte descriptor and
 * copy data between an item and any physical address, past the IOMMU.
 * svmhv copies the descriptor into its own memory (the guest cannot change
 * it after the check), judges it, and lets QEMU run svmhv's copy; the
 * result (the control word) is copied back. A refused transfer gets the
 * error bit, as QEMU reports a failed one.
 *
 * Reset requests (port 0xCF9, 0x92, the keyboard controller) are INIT# to
 * the CPUs on PC chipsets: svmhv turns each into a full reset of the
 * machine, which is what the guest asked for, never an INIT under svmhv.
 * See: APM2 15.10.2 (IOIO EXITINFO1/2).
 */
#include "hv/iso/iso.h"

#include "hv/console.h"
#include "hv/cpu.h"
#include "hv/hv.h"
#include "hv/panic.h"
#include "svm/hw.h"

#define IOIO_IN         (1u << 0)
#define IOIO_STR        (1u << 2)
#define IOIO_SZ_SHIFT   4
#define IOIO_PORT_SHIFT 16

static uint32_t bswap32(uint32_t v)
{
	return v >> 24 | (v >> 8 & 0xff00u) | (v << 8 & 0xff0000u) | v << 24;
}

static uint32_t in(uint16_t port, unsigned size)
{
	return size == 1 ? inb(port) : size == 2 ? inw(port) : inl(port);
}

/* ---- fw_cfg DMA ---- */

static void fwcfg_refuse(uint64_t desc_pa, const struct fwcfg_dma_desc *d, enum fwcfg_verdict why)
{
	uint32_t err = bswap32(FWCFG_CTL_ERROR);

	hv_iso_count(SVMHV_ISO_FWCFG_REFUSED);
	gmem_write(&hv.gmem, desc_pa, &err, sizeof(err));       /* if it is guest memory */
	if (hv_iso_ratelimit(hv_iso.counters[SVMHV_ISO_FWCFG_REFUSED]))
		hv_warn("fwcfg", "DMA refused: %s (descriptor %llx control 0x%x length %u "
			"address %llx)", fwcfg_verdict_name(why), (unsigned long long)desc_pa,
			d->control, d->length, (unsigned long long)d->address);
}

/* The guest started a transfer with the descriptor at desc_pa. */
static void fwcfg_transfer(uint64_t desc_pa)
{
	struct fwcfg_dma_desc d = { 0 };
	struct fwcfg_dma_access acc;
	enum fwcfg_verdict why = FWCFG_REFUSE_DESC;
	uint8_t *b = hv_iso.fwcfg_bounce;
	uint64_t bpa = hv_iso.fwcfg_bounce_pa;

	if (gmem_read(&hv.gmem, desc_pa, b, FWCFG_DESC_LEN) == 0) {
		fwcfg_dma_decode(b, &d);
		why = fwcfg_dma_check(desc_pa, &d, hv_iso.prot, hv_iso.nprot, &acc);
		if (why == FWCFG_ALLOW)
			why = fwcfg_dma_check_ram(desc_pa, &acc, hv_iso.ram, hv_iso.nram);
	}
	if (why != FWCFG_ALLOW) {
		fwcfg_refuse(desc_pa, &d, why);
		return;
	}
	/* QEMU runs the transfer synchronously on the low write, from svmhv's copy. */
	outl(FWCFG_PORT_DMA_HI, bswap32((uint32_t)(bpa >> 32)));
	outl(FWCFG_PORT_DMA_LO, bswap32((uint32_t)bpa));
	gmem_write(&hv.gmem, desc_pa, b, 4);                    /* the control word */
	hv_iso_count(SVMHV_ISO_FWCFG_DMA);
}

static void fwcfg_port(uint16_t port, unsigned size, bool is_in, uint32_t *val)
{
	uint64_t desc_pa;

	if (is_in) {
		*val = in(port, size);          /* "QEMU CFG": harmless */
		return;
	}
	hv_iso_lock(&hv_iso.lock_ports);
	if (fwcfg_dma_port_write(&hv_iso.fwcfg_latch, port, size, *val, &desc_pa))
		fwcfg_transfer(desc_pa);
	hv_iso_unlock(&hv_iso.lock_ports);
	/* Other widths and offsets do nothing in QEMU: svmhv drops them. */
}

/* ---- ISA DMA: all bytes of an OUT pass, or none ---- */

static void isadma_port(uint16_t port, unsigned size, bool is_in, uint32_t *val)
{
	struct isadma_state next;
	unsigned ch = 0;
	enum isadma_verdict vd = ISADMA_PASS;

	if (is_in) {
		*val = in(port, size);
		return;
	}
	hv_iso_lock(&hv_iso.lock_ports);
	next = hv_iso.isadma;
	for (unsigned i = 0; i < size && vd == ISADMA_PASS; i++)
		vd = isadma_write(&next, (uint16_t)(port + i), (uint8_t)(*val >> (8 * i)),
				  hv_iso.prot, hv_iso.nprot, &ch);
	if (vd == ISADMA_PASS) {
		hv_iso.isadma = next;
		hv_iso_port_out(port, size, *val);
	}
	hv_iso_unlock(&hv_iso.lock_ports);
	if (vd != ISADMA_PASS) {
		hv_iso_count(SVMHV_ISO_ISADMA_REFUSED);
		if (hv_iso_ratelimit(hv_iso.counters[SVMHV_ISO_ISADMA_REFUSED]))
			hv_warn("isadma", "port 0x%x value 0x%x refused: channel %u would reach "
				"svmhv's memory or an interrupt window", port, *val, ch);
	}
}

/* ---- reset requests ---- */

static void check_reset(struct vcpu *v, uint16_t port, unsigned size, uint32_t val)
{
	bool reset;

	hv_iso_lock(&hv_iso.lock_ports);
	reset = resetport_out(&hv_iso.reset, port, size, val);
	hv_iso_unlock(&hv_iso.lock_ports);
	if (!reset)
		return;
	hv_err("iso", "vCPU %u: the guest asked for a reset (port 0x%x value 0x%x): resetting "
	       "the machine, never an INIT under svmhv", v->index, port, val);
	hv_platform_reset();
	hv_panic(v, "machine reset failed");
}

static uint32_t size_of(uint64_t info)
{
	unsigned sz = (unsigned)(info >> IOIO_SZ_SHIFT) & 7u;

	return sz == 1 ? 1 : sz == 2 ? 2 : 4;
}

/* The first intercepted byte of the access decides who handles it. */
static enum iso_port_kind kind_of(uint16_t port, unsigned size)
{
	for (unsigned i = 0; i < size; i++) {
		enum iso_port_kind k = iso_port_kind((uint16_t)(port + i));

		if (k == ISO_PORT_NONE &&
		    sleep_guard_reg(&hv_iso.sleep, (uint16_t)(port + i)) != SLEEP_REG_NONE)
			k = ISO_PORT_SLEEP;

		if (k != ISO_PORT_NONE)
			return k;
	}
	return ISO_PORT_NONE;
}

bool hv_iso_ioio_owns(uint64_t exit_info_1)
{
	return kind_of((uint16_t)(exit_info_1 >> IOIO_PORT_SHIFT), size_of(exit_info_1)) !=
	       ISO_PORT_NONE;
}

struct hv_verdict hv_iso_ioio(struct vcpu *v)
{
	uint64_t info = v->vmcb->control.exit_info_1;
	uint16_t port = (uint16_t)(info >> IOIO_PORT_SHIFT);
	unsigned size = size_of(info);
	bool is_in = info & IOIO_IN;
	uint64_t rax = v->vmcb->save.rax, mask = size == 4 ? 0xffffffffull : (1ull << (8 * size)) - 1;
	uint32_t val = (uint32_t)(rax & mask);

	if (info & IOIO_STR) {
		hv_warn("iso", "vCPU %u: string I/O to port 0x%x refused: #GP", v->index, port);
		return hv_inject_err(VEC_GP, 0);
	}
	if (!is_in)
		check_reset(v, port, size, val);
	switch (kind_of(port, size)) {
	case ISO_PORT_PCI:
		hv_iso_pci_port(v, port, size, is_in, &val);
		break;
	case ISO_PORT_FWCFG:
		fwcfg_port(port, size, is_in, &val);
		break;
	case ISO_PORT_ISADMA:
		isadma_port(port, size, is_in, &val);
		break;
	case ISO_PORT_SLEEP:
		hv_iso_sleep_port(v, port, size, is_in, &val);
		break;
	default:                                /* reset ports: the check passed */
		if (is_in)
			val = in(port, size);
		else
			hv_iso_port_out(port, size, val);
		break;
	}
	/* IN: a 32-bit result zero-extends into RAX, 8 and 16 bits merge. */
	if (is_in)
		v->vmcb->save.rax = size == 4 ? val : (rax & ~mask) | (val & mask);
	hv_set_rip(v, v->vmcb->control.exit_info_2);
	return hv_resume();
}
