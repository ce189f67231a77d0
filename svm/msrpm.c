/* SPDX-License-Identifier: MIT */
/*
 * MSR and I/O permission maps.
 * See: AMD64 Architecture Programmer's Manual Vol. 2 (rev. 3.42), 15.10.1 and
 * 15.11 (Table 15-8 "MSR Ranges of the MSR Permissions Map").
 */
#include "svm/msrpm.h"

/*
 * The MSRPM is four 2 KiB vectors. Each covers 8 K MSRs with two bits per
 * MSR (read intercept in the even bit, write in the odd one). The fourth
 * vector (0x1800..0x1fff) is reserved; MSRs in no vector always exit.
 */
struct msrpm_range {
	uint32_t first;         /* first MSR of the range */
	uint32_t byte;          /* byte offset of its vector in the map */
};

#define MSRPM_RANGE_MSRS        0x2000u

static const struct msrpm_range msrpm_ranges[] = {
	{ 0x00000000u, 0x0000u },
	{ 0xc0000000u, 0x0800u },
	{ 0xc0010000u, 0x1000u },
};

int svm_msrpm_offset(uint32_t msr, uint32_t *byte, unsigned *bit)
{
	size_t i;

	for (i = 0; i < sizeof(msrpm_ranges) / sizeof(msrpm_ranges[0]); i++) {
		const struct msrpm_range *r = &msrpm_ranges[i];
		uint32_t idx;

		/* Unsigned wrap makes msr < first fail the bound check too. */
		idx = msr - r->first;
		if (idx >= MSRPM_RANGE_MSRS)
			continue;
		*byte = r->byte + idx / 4;      /* 4 MSRs per byte */
		*bit = (idx % 4) * 2;
		return 0;
	}
	return SVM_PERM_EINVAL;
}

static void fill(uint8_t *map, size_t len, bool ones)
{
	size_t i;

	for (i = 0; i < len; i++)
		map[i] = ones ? 0xff : 0x00;
}

static void put_bit(uint8_t *map, uint32_t bit, bool val)
{
	uint8_t mask = (uint8_t)(1u << (bit % 8));

	if (val)
		map[bit / 8] |= mask;
	else
		map[bit / 8] &= (uint8_t)~mask;
}

static bool get_bit(const uint8_t *map, uint32_t bit)
{
	return (map[bit / 8] >> (bit % 8)) & 1u;
}

void svm_msrpm_init(uint8_t *map, bool intercept_all)
{
	fill(map, SVM_MSRPM_SIZE, intercept_all);
}

int svm_msrpm_set(uint8_t *map, uint32_t msr, bool intercept_read,
		  bool intercept_write)
{
	uint32_t byte;
	unsigned bit;

	if (svm_msrpm_offset(msr, &byte, &bit))
		return SVM_PERM_EINVAL;
	put_bit(map, byte * 8 + bit, intercept_read);
	put_bit(map, byte * 8 + bit + 1, intercept_write);
	return 0;
}

int svm_msrpm_get(const uint8_t *map, uint32_t msr, bool *intercept_read,
		  bool *intercept_write)
{
	uint32_t byte;
	unsigned bit;

	if (svm_msrpm_offset(msr, &byte, &bit)) {
		*intercept_read = true;
		*intercept_write = true;
		return SVM_PERM_EINVAL;
	}
	*intercept_read = get_bit(map, byte * 8 + bit);
	*intercept_write = get_bit(map, byte * 8 + bit + 1);
	return 0;
}

void svm_iopm_init(uint8_t *map, bool intercept_all)
{
	fill(map, SVM_IOPM_SIZE, intercept_all);
}

/* One bit per port, port N at bit N % 8 of byte N / 8 (APM2 15.10.1). */
int svm_iopm_set(uint8_t *map, uint16_t port, unsigned size, bool intercept)
{
	uint32_t p;

	if (size == 0 || size > SVM_IOPM_PORTS - port)
		return SVM_PERM_EINVAL;
	for (p = port; p < (uint32_t)port + size; p++)
		put_bit(map, p, intercept);
	return 0;
}

bool svm_iopm_intercepted(const uint8_t *map, uint16_t port, unsigned size)
{
	uint32_t p;

	if (size != 1 && size != 2 && size != 4)
		return true;
	for (p = port; p < (uint32_t)port + size; p++)
		if (get_bit(map, p))
			return true;
	return false;
}

_Static_assert(SVM_IOPM_PORTS <= SVM_IOPM_SIZE * 8, "IOPM holds every port bit");
_Static_assert(0x1000u + MSRPM_RANGE_MSRS / 4 <= SVM_MSRPM_SIZE, "MSRPM ranges fit");
