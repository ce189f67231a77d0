/* SPDX-License-Identifier: MIT */
/*
 * isoattack.control=1: the attacks against an svmhv without isolation
 * (tests/platform/iso-control.sh boots the old one), which has neither the
 * INTEGRITY hypercall nor guards. Each attack shows its effect with the
 * device itself: what the edu reads back from svmhv's memory. The INIT
 * attacks need no proof: the CPU resets and the guest dies (the script reads
 * the console). Lines: "ISOATTACK-CONTROL: <attack>: <effect>".
 */
#define _GNU_SOURCE
#include <stdio.h>
#include <string.h>
#include <sys/io.h>
#include <unistd.h>

#include "isoattack.h"

static void say(const char *attack, const char *effect)
{
	printf("ISOATTACK-CONTROL: %s: %s\n", attack, effect);
}

/* Up to EDU_MAX bytes of physical memory through the edu, into own2. */
static void edu_read(uint64_t pa, uint32_t len)
{
	memset((void *)own2.va, 0x5a, 4096);
	edu_dma(&edu, pa, len, false);
	edu_dma(&edu, own2.pa, len, true);
}

void control_attacks(uint64_t pool_size)
{
	uint64_t spare = pool + pool_size - 4096;       /* svmhv's last heap page */

	if (run("edu-read-pool")) {
		edu_read(pool, 64);
		say("edu-read-pool", memcmp((void *)own2.va, "MZ", 2) == 0 ?
		    "LEAKED: the edu read svmhv's image (PE header \"MZ\")" : "nothing read");
	}
	if (run("edu-write-pool")) {
		memset((void *)own.va, 0xcc, 64);
		edu_dma(&edu, own.pa, 64, false);
		edu_dma(&edu, spare, 64, true);
		edu_read(spare, 64);
		say("edu-write-pool", own2.va[0] == 0xcc && own2.va[63] == 0xcc ?
		    "WRITTEN: 64 bytes of 0xCC landed in svmhv's memory" : "not written");
	}
	if (run("fwcfg-read-into-pool") && iopl(3) == 0) {
		fwcfg_desc(own.va, 0x0000000a, 4, spare + 256);
		fwcfg_dma_start(own.pa);
		edu_read(spare + 256, 4);
		say("fwcfg-read-into-pool", memcmp((void *)own2.va, "QEMU", 4) == 0 ?
		    "WRITTEN: fw_cfg copied \"QEMU\" into svmhv's memory" : "not written");
	}
	if (run("fwcfg-msi-window") && iopl(3) == 0) {
		/* "QEMU" at 0xFEE00000 is an MSI: data 0x554d4551, delivery mode 5 = INIT. */
		fwcfg_desc(own.va, 0x0000000a, 4, MSI_WINDOW);
		fwcfg_dma_start(own.pa);
		usleep(300000);
		say("fwcfg-msi-window", "survived");
	}
	if (run("ioapic-init"))
		ioapic_attack();
	if (run("msi-init"))
		msi_attacks();
	if (run("dma-msi-init"))
		dma_msi_attack();
	sleep(2);               /* an INIT sent to an idle CPU 0 lands within this */
	say("done", "the guest is still running");
}
