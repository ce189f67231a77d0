/* SPDX-License-Identifier: MIT */
/*
 * Guest-physical memory as svmhv may touch it on the guest's behalf (L1's
 * physical space): copying vmcb12, permission maps, VMLOAD/VMSAVE areas and
 * instruction bytes in and out. L1's nested page tables are an identity map,
 * and svmhv's host page tables map all of it, so a guest-physical address is
 * also the host address of the byte; what must never happen is svmhv taking
 * its own memory for guest memory, naming an address beyond MAXPHYADDR, or
 * writing a page whose stores it emulates (the xAPIC page).
 *
 * Pure rules, and a copy loop that works on any identity-mapped memory (host
 * unit tests hand it ordinary buffers, whose addresses are their "gpa").
 */
#ifndef SVMHV_MM_GMEM_H
#define SVMHV_MM_GMEM_H

#include <stdbool.h>
#include <stdint.h>

#define GMEM_MAX_EMULATED       4
#define GMEM_MAX_RAM            128

struct gmem_range {
	uint64_t base, size;
};

struct gmem {
	unsigned maxphyaddr;            /* addresses at or above 2^maxphyaddr are not memory */
	struct gmem_range hv;           /* svmhv's reserved pool: never guest memory */
	/* Pages whose stores svmhv emulates (e.g. the xAPIC page): never written here. */
	struct gmem_range emulated[GMEM_MAX_EMULATED];
	unsigned nemulated;
	/*
	 * Ordinary RAM (the firmware's memory map, boot/efi_mem.c): sorted,
	 * merged, svmhv's pool not part of it. nram = 0: no map, every
	 * addressable byte counts as RAM (host tests that do not care).
	 */
	struct gmem_range ram[GMEM_MAX_RAM];
	unsigned nram;
};

/* Does [gpa, gpa + len) touch svmhv's own memory? */
bool gmem_is_hv(const struct gmem *m, uint64_t gpa, uint64_t len);
/* Add a range whose stores svmhv emulates; -1 when the table is full. */
int gmem_add_emulated(struct gmem *m, uint64_t base, uint64_t size);
bool gmem_is_emulated(const struct gmem *m, uint64_t gpa, uint64_t len);
/*
 * Is [gpa, gpa + len) ordinary RAM: addressable, inside one RAM range, not
 * svmhv's? What a VMCB, VMSAVE area, HSAVE page or permission map must be:
 * svmhv never reads device memory, and never writes the APIC page, for a
 * guest.
 */
bool gmem_is_ram(const struct gmem *m, uint64_t gpa, uint64_t len);
/*
 * Set the RAM list from unsorted, possibly overlapping or adjacent ranges:
 * sorted and merged, empty ones skipped. More than GMEM_MAX_RAM after
 * merging: the rest is dropped and -1 returned (less RAM is the safe side:
 * a VMCB there gets #GP).
 */
int gmem_set_ram(struct gmem *m, const struct gmem_range *r, unsigned n);

/*
 * Copy len bytes of guest-physical memory out / in: 0, or -1 (nothing
 * copied) if any byte is beyond MAXPHYADDR or svmhv's, or, for writes, in a
 * page svmhv emulates or not RAM. Reads may touch device memory (an
 * instruction fetch, a page walk: what the CPU itself just read). Qword
 * copies where both sides are aligned.
 */
int gmem_read(const struct gmem *m, uint64_t gpa, void *buf, uint64_t len);
int gmem_write(const struct gmem *m, uint64_t gpa, const void *buf, uint64_t len);

/*
 * An aligned qword of guest memory: replace old by new if it still holds
 * old, atomically (other vCPUs run). 0 swapped, 1 not (it changed), -1 not
 * writable guest memory (as gmem_write).
 */
int gmem_cas64(const struct gmem *m, uint64_t gpa, uint64_t old, uint64_t new_val);

#endif /* SVMHV_MM_GMEM_H */
