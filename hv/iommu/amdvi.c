/* SPDX-License-Identifier: MIT */
/*
 * AMD IOMMU device table entries, register values, commands and events.
 * See hv/iommu/amdvi.h for the policy and the manual revision.
 */
#include "hv/iommu/amdvi.h"
#include "hv/fmt.h"

#define IRT_ALIGN       128u    /* IntTableRootPtr alignment (Linux uses 128) */

static bool aligned(uint64_t x, uint64_t a)
{
	return (x & (a - 1)) == 0;
}

static int dte_translation(const struct amdvi_dte_cfg *cfg, uint64_t *q0)
{
	*q0 = AMDVI_DTE0_V | AMDVI_DTE0_TV;
	if (cfg->pt_root == 0)
		return 0;       /* mode 0, IR = IW = 0: every DMA is refused */
	if (!aligned(cfg->pt_root, 4096) || (cfg->pt_root & ~AMDVI_DTE0_PTROOT_MASK) ||
	    cfg->levels < 1 || cfg->levels > AMDVI_MAX_LEVELS)
		return AMDVI_EINVAL;
	*q0 |= cfg->pt_root | (uint64_t)cfg->levels << AMDVI_DTE0_MODE_SHIFT |
	       AMDVI_DTE0_IR | AMDVI_DTE0_IW;
	return 0;
}

static int dte_interrupts(const struct amdvi_dte_cfg *cfg, uint64_t *q2)
{
	*q2 = 0;
	if (!cfg->remap_irqs)
		return 0;
	if (cfg->intctl > AMDVI_INTCTL_REMAP)
		return AMDVI_EINVAL;
	if (cfg->intctl == AMDVI_INTCTL_REMAP &&
	    (cfg->irt_root == 0 || !aligned(cfg->irt_root, IRT_ALIGN) ||
	     (cfg->irt_root & ~AMDVI_DTE2_IRTROOT_MASK) || cfg->irt_len_log2 > 11))
		return AMDVI_EINVAL;
	*q2 = AMDVI_DTE2_IV | (uint64_t)cfg->intctl << AMDVI_DTE2_INTCTL_SHIFT;
	if (cfg->intctl == AMDVI_INTCTL_REMAP)
		*q2 |= cfg->irt_root |
		       (uint64_t)cfg->irt_len_log2 << AMDVI_DTE2_INTTABLEN_SHIFT;
	/* INIT is never passed: an INIT from a device would reset a CPU. */
	*q2 |= (cfg->pass_nmi ? AMDVI_DTE2_NMIPASS : 0) |
	       (cfg->pass_extint ? AMDVI_DTE2_EINTPASS : 0) |
	       (cfg->pass_lint0 ? AMDVI_DTE2_LINT0PASS : 0) |
	       (cfg->pass_lint1 ? AMDVI_DTE2_LINT1PASS : 0);
	return 0;
}

int amdvi_dte_build(const struct amdvi_dte_cfg *cfg, struct amdvi_dte *out)
{
	uint64_t q0, q2;

	if (!cfg || !out || dte_translation(cfg, &q0) || dte_interrupts(cfg, &q2))
		return AMDVI_EINVAL;
	out->q[0] = q0;
	/* SysMgt = 00b: SMI messages from the device are target-aborted. */
	out->q[1] = cfg->domain_id | (cfg->suppress_faults ? AMDVI_DTE1_SE : 0);
	out->q[2] = q2;
	out->q[3] = 0;
	return 0;
}

/* Bits of each quadword amdvi_dte_build may set. */
static const uint64_t dte_allowed[4] = {
	AMDVI_DTE0_V | AMDVI_DTE0_TV | AMDVI_DTE0_MODE_MASK | AMDVI_DTE0_PTROOT_MASK |
		AMDVI_DTE0_IR | AMDVI_DTE0_IW,
	AMDVI_DTE1_DOMID_MASK | AMDVI_DTE1_SE,
	AMDVI_DTE2_IV | AMDVI_DTE2_INTTABLEN_MASK | AMDVI_DTE2_IRTROOT_MASK |
		AMDVI_DTE2_EINTPASS | AMDVI_DTE2_NMIPASS | AMDVI_DTE2_INTCTL_MASK |
		AMDVI_DTE2_LINT0PASS | AMDVI_DTE2_LINT1PASS,
	0,
};

bool amdvi_dte_is_safe(const struct amdvi_dte *dte)
{
	unsigned i, mode = (unsigned)((dte->q[0] & AMDVI_DTE0_MODE_MASK) >> AMDVI_DTE0_MODE_SHIFT);

	for (i = 0; i < 4; i++)
		if (dte->q[i] & ~dte_allowed[i])
			return false;
	if (!(dte->q[0] & AMDVI_DTE0_V) || !(dte->q[0] & AMDVI_DTE0_TV) ||
	    mode > AMDVI_MAX_LEVELS)
		return false;
	/* Mode 0 means "no translation": only safe with DMA refused. */
	if (mode == 0 && (dte->q[0] & (AMDVI_DTE0_IR | AMDVI_DTE0_IW)))
		return false;
	return true;
}

uint32_t amdvi_irte_build(uint8_t vector, uint8_t dest, bool logical, bool arbitrated)
{
	return (uint32_t)(AMDVI_IRTE_REMAP_EN | (arbitrated ? 1u : 0u) << AMDVI_IRTE_TYPE_SHIFT |
			  (logical ? AMDVI_IRTE_DM : 0)) |
	       (uint32_t)dest << AMDVI_IRTE_DEST_SHIFT | (uint32_t)vector << AMDVI_IRTE_VECTOR_SHIFT;
}

int amdvi_devtab_reg(uint64_t base, size_t bytes, uint64_t *reg)
{
	/* Size field: number of 4 KiB pages minus one, at most 512 (2 MiB). */
	if (!aligned(base, 4096) || (base & ~AMDVI_BASE_ADDR_MASK) || bytes == 0 ||
	    !aligned(bytes, 4096) || bytes > AMDVI_DEVTAB_BYTES)
		return AMDVI_EINVAL;
	*reg = base | (bytes / 4096 - 1);
	return 0;
}

int amdvi_ring_reg(uint64_t base, unsigned len_log2, uint64_t *reg)
{
	/* 256 .. 32768 entries of 16 bytes: 4 KiB .. 512 KiB, base 4 KiB aligned. */
	if (!aligned(base, 4096) || (base & ~AMDVI_BASE_ADDR_MASK) ||
	    len_log2 < 8 || len_log2 > 15)
		return AMDVI_EINVAL;
	*reg = base | (uint64_t)len_log2 << AMDVI_LEN_SHIFT;
	return 0;
}

uint32_t amdvi_ring_next(uint32_t off, unsigned len_log2)
{
	uint32_t bytes = (uint32_t)AMDVI_CMD_SIZE << len_log2;

	off += AMDVI_CMD_SIZE;
	return off >= bytes ? 0 : off;
}

static uint64_t opcode(unsigned op)
{
	return (uint64_t)op << AMDVI_CMD_OP_SHIFT;
}

int amdvi_cmd_completion_wait(uint64_t store_pa, uint64_t data, struct amdvi_cmd *c)
{
	if (!aligned(store_pa, 8) || (store_pa & ~AMDVI_CW_ADDR_MASK))
		return AMDVI_EINVAL;
	c->q[0] = opcode(AMDVI_CMD_COMPLETION_WAIT) | store_pa | AMDVI_CW_STORE;
	c->q[1] = data;
	return 0;
}

void amdvi_cmd_inv_devtab_entry(uint16_t devid, struct amdvi_cmd *c)
{
	c->q[0] = opcode(AMDVI_CMD_INV_DEVTAB_ENTRY) | devid;
	c->q[1] = 0;
}

int amdvi_cmd_inv_iommu_pages(uint16_t domain_id, uint64_t iova, bool pde,
			      struct amdvi_cmd *c)
{
	if (!aligned(iova, 4096) || iova > AMDVI_INV_ALL_ADDRESS)
		return AMDVI_EINVAL;
	c->q[0] = opcode(AMDVI_CMD_INV_IOMMU_PAGES) | (uint64_t)domain_id << 32;
	c->q[1] = iova | (pde ? AMDVI_INV_PAGES_PDE : 0);
	return 0;
}

void amdvi_cmd_inv_iommu_pages_all(uint16_t domain_id, struct amdvi_cmd *c)
{
	c->q[0] = opcode(AMDVI_CMD_INV_IOMMU_PAGES) | (uint64_t)domain_id << 32;
	c->q[1] = AMDVI_INV_ALL_ADDRESS | AMDVI_INV_PAGES_S | AMDVI_INV_PAGES_PDE;
}

void amdvi_cmd_inv_int_table(uint16_t devid, struct amdvi_cmd *c)
{
	c->q[0] = opcode(AMDVI_CMD_INV_INT_TABLE) | devid;
	c->q[1] = 0;
}

void amdvi_cmd_inv_all(struct amdvi_cmd *c)
{
	c->q[0] = opcode(AMDVI_CMD_INV_IOMMU_ALL);
	c->q[1] = 0;
}

void amdvi_event_decode(const uint64_t raw[2], struct amdvi_event *ev)
{
	ev->code = (unsigned)(raw[0] >> 60);
	ev->devid = (uint16_t)raw[0];
	ev->domain_or_pasid = (uint16_t)(raw[0] >> 32);
	ev->flags = (unsigned)(raw[0] >> 48) & 0xfffu;
	ev->address = raw[1];
}

static const char *const event_names[16] = {
	[AMDVI_EVT_ILLEGAL_DEV_TABLE_ENTRY] = "ILLEGAL_DEV_TABLE_ENTRY",
	[AMDVI_EVT_IO_PAGE_FAULT] = "IO_PAGE_FAULT",
	[AMDVI_EVT_DEV_TAB_HW_ERROR] = "DEV_TAB_HARDWARE_ERROR",
	[AMDVI_EVT_PAGE_TAB_HW_ERROR] = "PAGE_TAB_HARDWARE_ERROR",
	[AMDVI_EVT_ILLEGAL_COMMAND] = "ILLEGAL_COMMAND_ERROR",
	[AMDVI_EVT_COMMAND_HW_ERROR] = "COMMAND_HARDWARE_ERROR",
	[AMDVI_EVT_IOTLB_INV_TIMEOUT] = "IOTLB_INV_TIMEOUT",
	[AMDVI_EVT_INVALID_DEVICE_REQ] = "INVALID_DEVICE_REQUEST",
};

/* Flag names in bit order, for IO_PAGE_FAULT lines. */
static const char *const flag_names[9] = { "GN", "NX", "US", "I", "PR", "W", "PE", "RZ", "TR" };

static int format_flags(unsigned flags, char *buf, size_t n)
{
	int len = 0;
	unsigned i;

	for (i = 0; i < 9; i++)
		if (flags & (1u << i))
			len += hv_snprintf(buf + len, n > (size_t)len ? n - (size_t)len : 0,
					   " %s", flag_names[i]);
	if (flags >> 9)
		len += hv_snprintf(buf + len, n > (size_t)len ? n - (size_t)len : 0,
				   " rsvd=0x%x", flags >> 9);
	return len;
}

int amdvi_event_format(const struct amdvi_event *ev, char *buf, size_t n)
{
	const char *name = event_names[ev->code & 15];
	int len;

	if (!name)
		return hv_snprintf(buf, n, "event code 0x%x dev %02x:%02x.%u addr 0x%llx",
				   ev->code, ev->devid >> 8, (ev->devid >> 3) & 0x1f,
				   ev->devid & 7u, (unsigned long long)ev->address);
	len = hv_snprintf(buf, n, "%s dev %02x:%02x.%u dom 0x%x addr 0x%llx", name,
			  ev->devid >> 8, (ev->devid >> 3) & 0x1f, ev->devid & 7u,
			  ev->domain_or_pasid, (unsigned long long)ev->address);
	if (ev->code == AMDVI_EVT_IO_PAGE_FAULT && n > (size_t)len)
		len += format_flags(ev->flags, buf + len, n - (size_t)len);
	return len;
}
