/* SPDX-License-Identifier: MIT */
/*
 * Intercepted ports: the table, the ISA DMA state machine and reset
 * requests. See hv/iommu/ports.h.
 */
#include "hv/iommu/ports.h"

/*
 * The ISA DMA address and count registers (0x00-0x07, 0xC0-0xCF) are not
 * intercepted: a channel's window covers whatever they hold. An access
 * that spans into an intercepted port exits anyway (APM2 15.10.1: the
 * IOPM bits of every byte are checked).
 */
const struct iso_port_range iso_ports[] = {
	{ 0x0008, 8, ISO_PORT_ISADMA },         /* 8-bit controller: command .. write mask */
	{ 0x0060, 1, ISO_PORT_RESET },          /* keyboard controller data (output port) */
	{ 0x0064, 1, ISO_PORT_RESET },          /* keyboard controller command */
	{ 0x0081, 3, ISO_PORT_ISADMA },         /* page registers, channels 2, 3, 1 */
	{ 0x0087, 1, ISO_PORT_ISADMA },         /* page register, channel 0 */
	{ 0x0089, 3, ISO_PORT_ISADMA },         /* page registers, channels 6, 7, 5 */
	{ 0x008f, 1, ISO_PORT_ISADMA },         /* page register, channel 4 */
	{ 0x0092, 1, ISO_PORT_RESET },          /* system control port A */
	{ 0x00d0, 16, ISO_PORT_ISADMA },        /* 16-bit controller: command .. write mask */
	{ 0x0481, 3, ISO_PORT_ISADMA },         /* high page registers (QEMU's aliases too) */
	{ 0x0487, 5, ISO_PORT_ISADMA },
	{ 0x048f, 3, ISO_PORT_ISADMA },
	{ 0x0514, 8, ISO_PORT_FWCFG },          /* fw_cfg DMA address, big endian */
	{ 0x0cf8, 8, ISO_PORT_PCI },            /* config address, reset control, config data */
	{ 0, 0, ISO_PORT_NONE },
};

enum iso_port_kind iso_port_kind(uint16_t port)
{
	const struct iso_port_range *r;

	for (r = iso_ports; r->count; r++)
		if (port >= r->first && port - r->first < r->count)
			return (enum iso_port_kind)r->kind;
	return ISO_PORT_NONE;
}

/* ---- ISA DMA ---------------------------------------------------------------- */

#define NONE    0xffu

/* Channel of a page register at offset @i of its base (QEMU's `channels[]`). */
static unsigned page_channel(unsigned i)
{
	static const uint8_t ch[8] = { NONE, 2, 3, 1, NONE, NONE, NONE, 0 };

	return ch[i & 7];
}

void isadma_boot_state(struct isadma_state *s)
{
	*s = (struct isadma_state){ .mask = { 0xf, 0xe } };
}

static bool masked(const struct isadma_state *s, unsigned chan)
{
	return s->mask[chan / 4] & (1u << (chan % 4));
}

/* Every channel of controller @ctl unmasked by @new_mask must be allowed. */
static bool mask_ok(const struct isadma_state *s, unsigned ctl, unsigned new_mask,
		    const struct dma_range *prot, size_t n, unsigned *chan)
{
	unsigned c;

	for (c = 0; c < 4; c++) {
		unsigned ch = 4 * ctl + c;

		if (!(new_mask & (1u << c)) && masked(s, ch) &&
		    !isadma_unmask_allowed(ch, s->page[ch], s->page_hi[ch], prot, n)) {
			*chan = ch;
			return false;
		}
	}
	return true;
}

/* A control register write (iport 0..7 of controller @ctl). */
static enum isadma_verdict control_write(struct isadma_state *s, unsigned ctl, unsigned iport,
					 uint8_t val, const struct dma_range *prot, size_t n,
					 unsigned *chan)
{
	unsigned m = s->mask[ctl];

	switch (iport) {
	case 2:                                 /* single mask */
		m = (val & 4) ? m | (1u << (val & 3)) : m & ~(1u << (val & 3));
		break;
	case 5:                                 /* master clear: all masked */
		m = 0xf;
		break;
	case 6:                                 /* clear mask: all unmasked */
		m = 0;
		break;
	case 7:                                 /* write all mask bits */
		m = val & 0xfu;
		break;
	default:
		return ISADMA_PASS;
	}
	if (!mask_ok(s, ctl, m, prot, n, chan))
		return ISADMA_REFUSE;
	s->mask[ctl] = (uint8_t)m;
	return ISADMA_PASS;
}

/* A page (or high page) register of channel @ch gets @val. */
static enum isadma_verdict page_write(struct isadma_state *s, unsigned ch, bool high, uint8_t val,
				      const struct dma_range *prot, size_t n, unsigned *chan)
{
	uint8_t page = high ? s->page[ch] : val, hi = high ? val : s->page_hi[ch];

	if (!masked(s, ch) && !isadma_unmask_allowed(ch, page, hi, prot, n)) {
		*chan = ch;
		return ISADMA_REFUSE;
	}
	s->page[ch] = page;
	s->page_hi[ch] = hi;
	return ISADMA_PASS;
}

/* QEMU registers two high-page blocks that overlap at 0x489: judge both. */
static enum isadma_verdict high_page_write(struct isadma_state *s, uint16_t port, uint8_t val,
					   const struct dma_range *prot, size_t n, unsigned *chan)
{
	struct isadma_state t = *s;
	unsigned i;

	for (i = 0; i < 2; i++) {
		unsigned base = i ? 0x488 : 0x480, c;

		if (port <= base || port - base > 9u)
			continue;
		c = page_channel(port - base);
		if (c != NONE && page_write(&t, 4 * i + c, true, val, prot, n, chan))
			return ISADMA_REFUSE;
	}
	*s = t;
	return ISADMA_PASS;
}

enum isadma_verdict isadma_write(struct isadma_state *s, uint16_t port, uint8_t val,
				 const struct dma_range *prot, size_t n, unsigned *chan)
{
	unsigned c;

	*chan = NONE;
	if (port >= 0x08 && port <= 0x0f)
		return control_write(s, 0, port - 0x08u, val, prot, n, chan);
	if (port >= 0xd0 && port <= 0xdf)
		return control_write(s, 1, (port - 0xd0u) >> 1, val, prot, n, chan);
	if (port >= 0x80 && port <= 0x8f) {
		c = page_channel(port & 7);
		if (c == NONE)
			return ISADMA_PASS;
		return page_write(s, (port >= 0x88 ? 4 : 0) + c, false, val, prot, n, chan);
	}
	if (port >= 0x481 && port <= 0x491)
		return high_page_write(s, port, val, prot, n, chan);
	return ISADMA_PASS;
}

/* ---- reset requests ----------------------------------------------------------- */

#define KBC_DATA                0x60
#define KBC_CMD                 0x64
#define KBC_WRITE_OUTPUT        0xd1
#define PORT_RESET_CONTROL      0xcf9
#define PORT_SYSCTL_A           0x92
#define RCR_SYS_RST             (1u << 2)       /* 0xCF9: do the reset */
#define SYSCTL_A_INIT           (1u << 0)       /* port 0x92: alternate reset (INIT) */

bool resetport_write(struct resetport_state *s, uint16_t port, uint8_t val)
{
	switch (port) {
	case PORT_RESET_CONTROL:
		return val & RCR_SYS_RST;
	case PORT_SYSCTL_A:
		return val & SYSCTL_A_INIT;
	case KBC_CMD:
		s->kbc_output_next = val == KBC_WRITE_OUTPUT;
		/* 0xF0-0xFF pulse the output port bits whose command bit is 0. */
		return (val & 0xf0u) == 0xf0u && !(val & 1u);
	case KBC_DATA:
		if (!s->kbc_output_next)
			return false;
		s->kbc_output_next = false;
		return !(val & 1u);     /* output port bit 0 is the reset line */
	default:
		return false;
	}
}

bool resetport_out(struct resetport_state *s, uint16_t port, unsigned size, uint32_t val)
{
	bool reset = false;

	if (port == 0xcf8 && size == 4)
		return false;
	for (unsigned i = 0; i < size && i < 4; i++)
		reset |= resetport_write(s, (uint16_t)(port + i), (uint8_t)(val >> (8 * i)));
	return reset;
}
