/* SPDX-License-Identifier: MIT */
/*
 * libFuzzer target: the guest page walker (mm/gwalk.c) over guest memory
 * the input provides (64 KiB of page tables and data), in every paging
 * mode the control registers select, at linear addresses from the input.
 * Invariants: a translation is below 2^maxphyaddr; a #PF names the address
 * asked for (wrapped to 32 bits outside long mode: the first "crash" this
 * target found was that expectation, not the walker); the walker only reads what the callback serves; a read of len
 * bytes either fills them all or reports where it stopped.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "mm/gwalk.h"

#define NEED(cond) do { if (!(cond)) abort(); } while (0)
#define MEM_SIZE (64u * 1024)

static uint8_t mem[MEM_SIZE];

static int read_cb(void *ctx, uint64_t gpa, void *buf, size_t len)
{
	(void)ctx;
	if (gpa >= MEM_SIZE || len > MEM_SIZE - gpa)
		return -1;
	memcpy(buf, mem + gpa, len);
	return 0;
}

static uint64_t take(const uint8_t **p, size_t *n)
{
	uint64_t v = 0;

	for (unsigned i = 0; i < 8 && *n; i++, (*p)++, (*n)--)
		v |= (uint64_t)**p << (8 * i);
	return v;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const uint8_t *p = data;
	size_t n = size;
	struct gpa_mmu mmu = { .read = read_cb };
	uint64_t modes = take(&p, &n);
	uint8_t out[40];

	mmu.cr0 = (modes & 1 ? 1ull << 31 : 0) | 1 | (modes & 2 ? 1ull << 16 : 0);
	mmu.cr4 = (modes >> 2) & 0x3ff0ffull;           /* PSE, PAE, LA57, SMEP, SMAP, PKE... */
	mmu.efer = (modes & (1ull << 30) ? 0x500 : 0) | (modes & (1ull << 31) ? 0x800 : 0);
	mmu.cr3 = take(&p, &n) & 0xffff;
	mmu.maxphyaddr = 32 + (unsigned)((modes >> 32) % 21);
	memset(mem, 0, sizeof(mem));
	memcpy(mem, p, n < MEM_SIZE ? n : MEM_SIZE);
	for (unsigned i = 0; i < 4; i++) {
		uint64_t la = take(&p, &n), gpa = ~0ull;
		unsigned acc = (unsigned)(la >> 59) & 0x17;
		struct gpa_fault f = { 0, 0 };
		int rc = gpa_translate(&mmu, la, acc, &gpa, &f);

		NEED(rc == GPA_OK || rc == GPA_EPF || rc == GPA_ENONCANON || rc == GPA_EMEM);
		if (rc == GPA_OK)
			NEED(mmu.maxphyaddr >= 64 || !(gpa >> mmu.maxphyaddr));
		/* CR2 is the linear address, 32 bits outside long mode. */
		if (rc == GPA_EPF)
			NEED(f.addr == ((mmu.efer & 0x400) ? la : (uint32_t)la));
		rc = gpa_read_linear(&mmu, la, out, 1 + (la % sizeof(out)), acc, &f);
		NEED(rc == GPA_OK || rc == GPA_EPF || rc == GPA_ENONCANON || rc == GPA_EMEM);
	}
	return 0;
}
