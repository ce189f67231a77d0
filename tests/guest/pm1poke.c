/* SPDX-License-Identifier: MIT */
/*
 * pm1poke: a hostile guest's way into S3 behind the OS's back (run by
 * tests/guest/fwtest, step pm1-s3, as root): one 16-bit OUT of
 * SLP_TYP(S3) | SLP_EN to the FADT's PM1a_CNT, as ACPICA's
 * acpi_hw_legacy_sleep() does after the OS has parked everything. Without
 * svmhv's guard the machine enters S3 and resumes through the firmware's
 * S3 path with no svmhv underneath. svmhv drops the write, counts it
 * (SVMHV_ISO_SLEEP_REFUSED) and shows WAK_STS in PM1_STS, so that the
 * OS's wait for the wake (ACPICA spins on WAK_STS) ends.
 *
 * SLP_TYP(S3) is \_S3_'s first element in the DSDT (svmhv renames the name to
 * XS3_, so both are looked for); QEMU's is 1.
 * Lines: "PM1POKE: ..."; exit status 0 when the write was refused as
 * expected (counter +1, WAK_STS seen, the guest still here).
 */
#define _GNU_SOURCE
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/io.h>
#include <unistd.h>

#include "tests/guest/guest-hc.h"

#define SLP_EN          (1u << 13)
#define SLP_TYP_SHIFT   10
#define WAK_STS         (1u << 15)

static unsigned char buf[256 * 1024];

static long slurp(const char *path)
{
	int fd = open(path, O_RDONLY);
	long n = 0, r;

	if (fd < 0)
		return -1;
	while (n < (long)sizeof(buf) && (r = read(fd, buf + n, sizeof(buf) - (size_t)n)) > 0)
		n += r;
	close(fd);
	return n;
}

static unsigned le32(const unsigned char *p)
{
	return p[0] | p[1] << 8 | p[2] << 16 | (unsigned)p[3] << 24;
}

/* The first element of Name(_S3_/XS3_, Package(){...}), or -1. */
static int s3_typ(long n)
{
	for (long i = 0; i + 10 < n; i++) {
		const unsigned char *p = buf + i;
		long j = 5;

		if (p[0] != 0x08 || (memcmp(p + 1, "_S3_", 4) && memcmp(p + 1, "XS3_", 4)) ||
		    p[5] != 0x12)
			continue;
		j += 1 + 1 + (p[6] >> 6);       /* PackageOp, PkgLength, follow bytes */
		j += 1;                         /* NumElements */
		if (i + j + 1 >= n)
			return -1;
		if (p[j] == 0x00 || p[j] == 0x01)
			return p[j];
		if (p[j] == 0x0a)
			return p[j + 1] & 7;
		return -1;
	}
	return -1;
}

static long counter(void)
{
	struct hc h;

	if (hypercall(SVMHV_HC_ISO_COUNTER, SVMHV_ISO_SLEEP_REFUSED, 0, 0, &h) || (int64_t)h.rax)
		return -1;
	return (long)h.rdx;
}

int main(void)
{
	long n = slurp("/sys/firmware/acpi/tables/FACP"), c0, c1;
	unsigned cnt, evt, typ, sts;
	int t;

	if (n < 76) {
		printf("PM1POKE: no FADT (%ld bytes)\n", n);
		return 2;
	}
	evt = le32(buf + 56);
	cnt = le32(buf + 64);
	n = slurp("/sys/firmware/acpi/tables/DSDT");
	t = n > 0 ? s3_typ(n) : -1;
	typ = t < 0 ? 1 : (unsigned)t;
	if (iopl(3)) {
		printf("PM1POKE: iopl failed\n");
		return 2;
	}
	c0 = counter();
	printf("PM1POKE: PM1a_EVT 0x%x PM1a_CNT 0x%x, SLP_TYP(S3) %u (%s), PM1a_CNT now 0x%x, "
	       "refusals so far %ld\n", evt, cnt, typ, t < 0 ? "QEMU's, not in the DSDT" : "DSDT",
	       inw((unsigned short)cnt), c0);
	fflush(stdout);
	outw((unsigned short)((inw((unsigned short)cnt) & ~(7u << SLP_TYP_SHIFT)) |
			      typ << SLP_TYP_SHIFT | SLP_EN), (unsigned short)cnt);
	sts = inw((unsigned short)evt);
	c1 = counter();
	printf("PM1POKE: still running after the write; PM1a_STS 0x%x (WAK_STS %u), refusals %ld\n",
	       sts, !!(sts & WAK_STS), c1);
	outw(WAK_STS, (unsigned short)evt);     /* write 1 to clear, as the OS does */
	printf("PM1POKE: after clearing WAK_STS: PM1a_STS 0x%x\n", inw((unsigned short)evt));
	if (c0 < 0 || c1 != c0 + 1 || !(sts & WAK_STS)) {
		printf("PM1POKE: NOT refused as expected\n");
		return 1;
	}
	printf("PM1POKE: refused as expected\n");
	return 0;
}
