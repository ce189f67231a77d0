/* SPDX-License-Identifier: MIT */
/* svmhv's code checksum and memory canaries. See hv/integrity.h. */
#include "hv/integrity.h"

#include "hv/hypercall.h"
#include "svm/x86.h"

static struct {
	const uint64_t *page;
	uint64_t pa;
} canary[HV_CANARIES];

uint64_t hv_fnv1a(uint64_t h, const void *p, size_t len)
{
	const volatile uint8_t *b = p;

	for (size_t i = 0; i < len; i++) {
		h ^= b[i];
		h *= 0x100000001b3ull;
	}
	return h;
}

/* The pattern is part of the ABI (hv/hypercall.h): a guest recognises a canary. */
static uint64_t pattern(uint64_t pa, unsigned i)
{
	return SVMHV_CANARY_WORD(pa, i);
}

void hv_canary_fill(void *page, uint64_t pa)
{
	uint64_t *q = page;

	for (unsigned i = 0; i < PAGE_SIZE / 8; i++)
		q[i] = pattern(pa, i);
}

int hv_canary_intact(const void *page, uint64_t pa)
{
	const volatile uint64_t *q = page;

	for (unsigned i = 0; i < PAGE_SIZE / 8; i++)
		if (q[i] != pattern(pa, i))
			return 0;
	return 1;
}

void hv_integrity_add(unsigned i, void *page, uint64_t pa)
{
	if (i >= HV_CANARIES || !page)
		return;
	hv_canary_fill(page, pa);
	canary[i].page = page;
	canary[i].pa = pa;
}

#ifdef SVMHV_HOST_TEST
/* Host builds have no linker.ld: a stand-in for the code. */
static const uint8_t code_stand_in[64] = { 0x90 };
#define CODE_START      code_stand_in
#define CODE_END        (code_stand_in + sizeof(code_stand_in))
#define RO_START        code_stand_in
#define RO_END          code_stand_in
#else
/* linker.ld: .text, then read-only data and the exception table. */
extern const uint8_t _text[], _etext[], _data[], __hv_extable_end[];
#define CODE_START      _text
#define CODE_END        _etext
#define RO_START        _data
#define RO_END          __hv_extable_end
#endif

void hv_integrity(uint64_t idx, uint64_t *sum, uint64_t *broken, uint64_t *canary_pa)
{
	uint64_t h = hv_fnv1a(HV_FNV_BASIS, CODE_START,
			      (size_t)((uintptr_t)CODE_END - (uintptr_t)CODE_START));

	*sum = hv_fnv1a(h, RO_START, (size_t)((uintptr_t)RO_END - (uintptr_t)RO_START));
	*broken = 0;
	*canary_pa = idx < HV_CANARIES && canary[idx].page ? canary[idx].pa : 0;
	for (unsigned i = 0; i < HV_CANARIES; i++)
		if (canary[i].page)
			*broken += !hv_canary_intact(canary[i].page, canary[i].pa);
}
