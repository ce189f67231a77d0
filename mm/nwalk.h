/* SPDX-License-Identifier: MIT */
/*
 * Walking a guest hypervisor's (L1's) nested page tables: an L2-physical
 * address to the L1-physical one, as the CPU walks nested page tables.
 * See: AMD64 APM Vol. 2 (rev. 3.42) 15.25.5 (nested table walk), 15.25.6
 * (nested page faults), 5.3 (long-mode tables), 5.4.2 (Accessed, Dirty).
 *
 * L1 runs in long mode, so its nested tables are long-mode tables in L1's
 * own paging mode: 5 levels (nCR3 is the PML5) when L1 has CR4.LA57, else 4
 * (nCR3 is the PML4); Linux KVM on a CPU with LA57 builds 5-level ones. Every nested access is a user access: U/S must be
 * set at every level, R/W for writes, NX (with L1's EFER.NXE) forbids
 * fetches; reserved bits fault before rights. A successful walk sets the
 * Accessed bit of every entry it used and, for a write, the Dirty bit of the
 * leaf, with compare-and-swap so a concurrent change by L1 restarts it.
 *
 * Pure: L1's memory is reached through the caller's callbacks.
 */
#ifndef SVMHV_MM_NWALK_H
#define SVMHV_MM_NWALK_H

#include <stdbool.h>
#include <stdint.h>

#include "mm/gwalk.h"   /* GPA_ACC_* access kinds, GPA_PF_* error-code bits */

/* An 8-byte entry at L1-physical pa: 0, or negative (not L1 memory). */
typedef int (*nwalk_read_fn)(void *ctx, uint64_t pa, uint64_t *entry);
/* Replace old by new at pa if it still holds old: 0 swapped, else not. */
typedef int (*nwalk_cas_fn)(void *ctx, uint64_t pa, uint64_t old, uint64_t new_entry);

struct nwalk_mmu {
	uint64_t ncr3;                  /* L1's nCR3: the PML4's L1-physical address */
	bool nxe;                       /* L1's EFER.NXE: NX defined, fetches checked */
	bool la57;                      /* L1's CR4.LA57: 5-level tables */
	unsigned int maxphyaddr;        /* L1's MAXPHYADDR, 32..52 */
	nwalk_read_fn read;
	nwalk_cas_fn cas;               /* NULL: a peek that sets no Accessed/Dirty bit */
	void *ctx;
};

struct nwalk_result {
	uint64_t gpa1;                  /* NWALK_OK: the L1-physical address */
	uint64_t page_size;             /* the leaf's: 4 KiB, 2 MiB or 1 GiB */
	uint64_t leaf;                  /* the leaf entry, Accessed/Dirty as written */
	bool write, exec;               /* what every level allows */
	uint32_t error_code;            /* NWALK_EFAULT: NPF EXITINFO1 bits 4:0 */
};

#define NWALK_OK        0
#define NWALK_EFAULT    (-1)    /* a nested page fault for L1 (error_code) */
#define NWALK_EINVAL    (-2)    /* bad arguments, or L1 changes the tables without end */

/* access: GPA_ACC_READ, GPA_ACC_WRITE or GPA_ACC_FETCH. */
int nwalk(const struct nwalk_mmu *m, uint64_t gpa2, unsigned int access, struct nwalk_result *r);

#endif /* SVMHV_MM_NWALK_H */
