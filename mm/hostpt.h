/* SPDX-License-Identifier: MIT */
/*
 * svmhv's host page tables, built before any of svmhv's code runs from its
 * pool, and what the firmware's own tables say about that pool.
 *
 * The pool is EfiReservedMemoryType memory, and firmware whose DXE NX policy
 * covers that type (EDK2 PcdDxeNxMemoryProtectionPolicy bit 0: set by the
 * 0x7FD5 its documentation suggests, by ArmVirtPkg's 0xC000000000007FD1, by
 * Project Mu's memory protection settings) maps it non-executable in its
 * page tables. So no instruction
 * of the pool runs under the firmware's CR3: boot/ (in the image the firmware
 * loaded, which it maps executable) builds svmhv's identity host tables here,
 * in the pool right after the image copy, and boot/takeover.asm loads them
 * before it calls into the pool. They are the same tables svmhv's host runs
 * on afterwards (hv.host_cr3); svmhv's heap starts after them
 * (docs/architecture.md "From UEFI to the run loop").
 *
 * Pool layout: [image copy][host page tables][heap ...][canary page].
 *
 * Pure: included by the freestanding hypervisor and by host unit tests.
 */
#ifndef SVMHV_MM_HOSTPT_H
#define SVMHV_MM_HOSTPT_H

#include <stdbool.h>
#include <stdint.h>

#include "mm/gwalk.h"
#include "mm/npt.h"
#include "mm/pmm.h"

struct hostpt {
	uint64_t cr3;           /* PML4 of the identity host tables, 0 on failure */
	uint64_t bytes;         /* pool bytes after the image copy they take */
	bool uc_failed;         /* the uncached range could not be mapped */
};

/*
 * Build svmhv's host page tables (identity, [0, 2^bits), writable,
 * executable, supervisor: npt_build with .host) into the pool at
 * pool_pa (pool_va where this code reaches it; identity in svmhv, not in
 * host tests), right after the image copy of image_size bytes, never in
 * the pool's last page (the canary). npt, when not NULL, gets the tree
 * (its callbacks use *pmm, which the caller provides and must keep while
 * it uses npt). Returns cr3 0 when the pool is too small. uc, when not
 * NULL and not empty, is mapped uncached (PCD = PWT = 1, NPT_PERM_RW_UC):
 * the screen svmhv draws on at a panic (hv/fb.h); uc_failed says it could
 * not be (outside the map, or no pool left), the rest stands.
 */
struct hostpt hostpt_build(struct npt *npt, struct pmm *pmm, void *pool_va, uint64_t pool_pa,
			   uint64_t pool_size, uint64_t image_size, unsigned bits, bool gb_pages,
			   const struct npt_range *uc);

/* Where svmhv's heap starts: after the image copy and the host tables. */
uint64_t hostpt_heap_offset(uint64_t image_size, uint64_t hostpt_bytes);

/* What the firmware's page tables let an instruction fetch at an address do. */
enum hostpt_fw_exec {
	HOSTPT_FW_EXEC,         /* executable */
	HOSTPT_FW_NX,           /* mapped, but NX (EFER.NXE = 1): a fetch faults */
	HOSTPT_FW_RSVD,         /* an entry has reserved bits (NX without EFER.NXE) */
	HOSTPT_FW_UNMAPPED,     /* not present */
	HOSTPT_FW_UNKNOWN,      /* the walk could not be made (paging off is EXEC) */
};

/*
 * Walk the firmware's tables (its CR0/CR3/CR4/EFER in mmu) for a
 * supervisor instruction fetch at la. svmhv logs it for the pool's first
 * page: on a real machine's serial log it says whether the firmware's NX
 * policy covers EfiReservedMemoryType.
 */
enum hostpt_fw_exec hostpt_fw_fetch(const struct gpa_mmu *mmu, uint64_t la);

/* "executable", "non-executable (NX)", ... for the log line. */
const char *hostpt_fw_exec_str(enum hostpt_fw_exec e);

#endif /* SVMHV_MM_HOSTPT_H */
