/*
 * Host tests of hv/iommu/ports.c: the intercepted port table, the ISA DMA
 * state machine (unmasking, page changes of unmasked channels, master
 * clear, the word controller's aliases, QEMU's overlapping high-page
 * blocks) and the reset requests that chipsets turn into INIT#.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <string.h>

#include "hv/iommu/ports.h"

/* svmhv's pool as a 1 GiB QEMU run has it. */
static const struct dma_range prot[] = { { 0x3dc00000, 0x1100000 } };

static void test_port_table(void **state)
{
	(void)state;
	assert_int_equal(iso_port_kind(0xcf8), ISO_PORT_PCI);
	assert_int_equal(iso_port_kind(0xcfc), ISO_PORT_PCI);
	assert_int_equal(iso_port_kind(0xcff), ISO_PORT_PCI);
	assert_int_equal(iso_port_kind(0xd00), ISO_PORT_NONE);
	assert_int_equal(iso_port_kind(0x514), ISO_PORT_FWCFG);
	assert_int_equal(iso_port_kind(0x51b), ISO_PORT_FWCFG);
	assert_int_equal(iso_port_kind(0x510), ISO_PORT_NONE);         /* selector: harmless */
	assert_int_equal(iso_port_kind(0x511), ISO_PORT_NONE);
	assert_int_equal(iso_port_kind(0x0a), ISO_PORT_ISADMA);
	assert_int_equal(iso_port_kind(0x00), ISO_PORT_NONE);          /* address: any window */
	assert_int_equal(iso_port_kind(0x80), ISO_PORT_NONE);          /* POST / io_delay */
	assert_int_equal(iso_port_kind(0x81), ISO_PORT_ISADMA);
	assert_int_equal(iso_port_kind(0x8f), ISO_PORT_ISADMA);
	assert_int_equal(iso_port_kind(0xde), ISO_PORT_ISADMA);
	assert_int_equal(iso_port_kind(0x491), ISO_PORT_ISADMA);
	assert_int_equal(iso_port_kind(0x492), ISO_PORT_NONE);
	assert_int_equal(iso_port_kind(0x92), ISO_PORT_RESET);
	assert_int_equal(iso_port_kind(0x64), ISO_PORT_RESET);
	assert_int_equal(iso_port_kind(0x3f8), ISO_PORT_NONE);         /* the UART */
}

static void test_isadma_unmask(void **state)
{
	struct isadma_state s;
	unsigned ch;

	(void)state;
	isadma_boot_state(&s);
	assert_int_equal(s.mask[0], 0xf);
	assert_int_equal(s.mask[1], 0xe);                               /* cascade open */
	/* Channel 2 (floppy), masked, pointed at the pool: fine while masked. */
	assert_int_equal(isadma_write(&s, 0x81, 0xc0, prot, 1, &ch), ISADMA_PASS);
	assert_int_equal(isadma_write(&s, 0x481, 0x3d, prot, 1, &ch), ISADMA_PASS);
	assert_int_equal(s.page[2], 0xc0);
	assert_int_equal(s.page_hi[2], 0x3d);
	/* Unmasking it, by any of the three registers, is refused and changes nothing. */
	assert_int_equal(isadma_write(&s, 0x0a, 0x02, prot, 1, &ch), ISADMA_REFUSE);
	assert_int_equal(ch, 2);
	assert_int_equal(s.mask[0], 0xf);
	assert_int_equal(isadma_write(&s, 0x0e, 0, prot, 1, &ch), ISADMA_REFUSE);    /* clear all */
	assert_int_equal(isadma_write(&s, 0x0f, 0x0b, prot, 1, &ch), ISADMA_REFUSE); /* write mask */
	assert_int_equal(isadma_write(&s, 0x0f, 0x04, prot, 1, &ch), ISADMA_PASS);  /* ch2 stays */
	assert_int_equal(s.mask[0], 0x4);
	/* In low memory it may run; moving an unmasked channel onto the pool may not. */
	assert_int_equal(isadma_write(&s, 0x481, 0x00, prot, 1, &ch), ISADMA_PASS);
	assert_int_equal(isadma_write(&s, 0x0a, 0x02, prot, 1, &ch), ISADMA_PASS);
	assert_int_equal(s.mask[0], 0x0);
	assert_int_equal(isadma_write(&s, 0x481, 0x3d, prot, 1, &ch), ISADMA_REFUSE);
	assert_int_equal(s.page_hi[2], 0);
	assert_int_equal(isadma_write(&s, 0x481, 0x3f, prot, 1, &ch), ISADMA_PASS);  /* above it */
	assert_int_equal(isadma_write(&s, 0x481, 0x00, prot, 1, &ch), ISADMA_PASS);
	assert_int_equal(isadma_write(&s, 0x81, 0xc0, prot, 1, &ch), ISADMA_PASS);
	/* QEMU drops high-page bit 7; hardware keeps it: 0xbd is the pool on QEMU. */
	assert_int_equal(isadma_write(&s, 0x481, 0xbd, prot, 1, &ch), ISADMA_REFUSE);
	/* Master clear masks everything. */
	assert_int_equal(isadma_write(&s, 0x0d, 0, prot, 1, &ch), ISADMA_PASS);
	assert_int_equal(s.mask[0], 0xf);
}

static void test_isadma_word(void **state)
{
	struct isadma_state s;
	unsigned ch;

	(void)state;
	isadma_boot_state(&s);
	/* Channel 5 (page 0x8b) on the pool; the single mask is 0xd4 or its alias 0xd5. */
	assert_int_equal(isadma_write(&s, 0x8b, 0xc0, prot, 1, &ch), ISADMA_PASS);
	assert_int_equal(isadma_write(&s, 0x48b, 0x3d, prot, 1, &ch), ISADMA_PASS);
	assert_int_equal(s.page_hi[5], 0x3d);
	assert_int_equal(isadma_write(&s, 0xd5, 0x01, prot, 1, &ch), ISADMA_REFUSE);
	assert_int_equal(ch, 5);
	assert_int_equal(isadma_write(&s, 0xdc, 0, prot, 1, &ch), ISADMA_REFUSE);    /* clear all */
	assert_int_equal(isadma_write(&s, 0xde, 0x0c, prot, 1, &ch), ISADMA_REFUSE); /* 4,5 open */
	assert_int_equal(isadma_write(&s, 0xdf, 0x01, prot, 1, &ch), ISADMA_REFUSE); /* alias */
	assert_int_equal(isadma_write(&s, 0xde, 0x0e, prot, 1, &ch), ISADMA_PASS);
	/* Channel 4 (page 0x8f) is the cascade: unmasking it is always fine. */
	assert_int_equal(isadma_write(&s, 0x48f, 0x3d, prot, 1, &ch), ISADMA_PASS);
	assert_int_equal(isadma_write(&s, 0x8f, 0xc0, prot, 1, &ch), ISADMA_PASS);
	assert_int_equal(isadma_write(&s, 0xd4, 0x00, prot, 1, &ch), ISADMA_PASS);
	/* 0x489 belongs to two blocks in QEMU (channel 2's and channel 6's high page). */
	assert_int_equal(isadma_write(&s, 0x81, 0xc0, prot, 1, &ch), ISADMA_PASS);
	assert_int_equal(isadma_write(&s, 0x0a, 0x02, prot, 1, &ch), ISADMA_PASS);   /* open ch2 */
	assert_int_equal(isadma_write(&s, 0x489, 0x3d, prot, 1, &ch), ISADMA_REFUSE);
	assert_int_equal(ch, 2);
	assert_int_equal(s.page_hi[6], 0);
	assert_int_equal(isadma_write(&s, 0x0a, 0x06, prot, 1, &ch), ISADMA_PASS);   /* mask ch2 */
	assert_int_equal(isadma_write(&s, 0x489, 0x3d, prot, 1, &ch), ISADMA_PASS);
	assert_int_equal(s.page_hi[2], 0x3d);
	assert_int_equal(s.page_hi[6], 0x3d);
	/* Other ports pass untouched: POST, unregistered page slots. */
	assert_int_equal(isadma_write(&s, 0x80, 0x3d, prot, 1, &ch), ISADMA_PASS);
	assert_int_equal(isadma_write(&s, 0x488, 0x3d, prot, 1, &ch), ISADMA_PASS);
}

static void test_reset_ports(void **state)
{
	struct resetport_state s = { 0 };

	(void)state;
	assert_true(resetport_write(&s, 0xcf9, 0x06));                  /* hard reset */
	assert_true(resetport_write(&s, 0xcf9, 0x04));                  /* soft reset: INIT */
	assert_true(resetport_write(&s, 0xcf9, 0x0e));
	assert_false(resetport_write(&s, 0xcf9, 0x02));                 /* only selects the type */
	assert_true(resetport_write(&s, 0x92, 0x01));                   /* fast INIT */
	assert_false(resetport_write(&s, 0x92, 0x02));                  /* A20 */
	assert_true(resetport_write(&s, 0x64, 0xfe));                   /* pulse the reset line */
	assert_true(resetport_write(&s, 0x64, 0xf0));
	assert_false(resetport_write(&s, 0x64, 0xff));                  /* pulse nothing */
	assert_false(resetport_write(&s, 0x64, 0xad));
	assert_false(resetport_write(&s, 0x60, 0x00));                  /* keyboard data */
	/* 0xD1 makes the next 0x60 byte the output port: bit 0 low resets. */
	assert_false(resetport_write(&s, 0x64, 0xd1));
	assert_false(resetport_write(&s, 0x60, 0xdf));                  /* A20 on, no reset */
	assert_false(resetport_write(&s, 0x60, 0x00));                  /* data again */
	assert_false(resetport_write(&s, 0x64, 0xd1));
	assert_true(resetport_write(&s, 0x60, 0xde));
	assert_false(resetport_write(&s, 0x3f8, 0xff));
	/* Whole accesses: a dword at 0xCF8 is CONFIG_ADDRESS, whatever its byte 1 says. */
	assert_false(resetport_out(&s, 0xcf8, 4, 0x8000fc00));
	assert_true(resetport_out(&s, 0xcf8, 2, 0x0600));             /* byte 0xCF9 = 6 */
	assert_true(resetport_out(&s, 0xcf9, 1, 0x06));
	assert_false(resetport_out(&s, 0xcfc, 4, 0x06060606));
	assert_true(resetport_out(&s, 0x91, 2, 0x0100));              /* byte 0x92 = 1 */
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_port_table),
		cmocka_unit_test(test_isadma_unmask),
		cmocka_unit_test(test_isadma_word),
		cmocka_unit_test(test_reset_ports),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
