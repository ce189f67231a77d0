/* SPDX-License-Identifier: MIT */
/*
 * Guest page-table walker: guest linear address -> guest-physical address,
 * under the guest's own CR0/CR3/CR4/EFER, as the CPU would translate it.
 * See: AMD64 APM Vol. 2 (rev. 3.42) chapter 5 "Page Translation and
 * Protection" and 8.4.2 "#PF error code"; Intel SDM Vol. 3A chapter 4.
 *
 * svmhv uses it to fetch the bytes at CS.base + RIP of an intercepted
 * instruction (no decode assists under QEMU TCG) and to read guest memory
 * operands. Guest memory is read only through the caller's callback, which
 * refuses what the guest may not see (svmhv's own memory): the walker never
 * touches memory itself and never sets Accessed/Dirty bits.
 *
 * Handled: paging off; 32-bit paging with 4 MiB pages (CR4.PSE, PSE-36/40);
 * PAE (PDPTEs read from CR3 on each walk, as the CPU does under nested
 * paging, APM2 15.25); 4- and 5-level (CR4.LA57) long mode with 2 MiB and
 * 1 GiB pages; EFER.NXE, CR0.WP, U/S, CR4.SMEP, CR4.SMAP; reserved bits
 * against MAXPHYADDR. Not handled: protection keys (CR4.PKE/PKS), shadow
 * stacks, segmentation (the caller adds the segment base and checks limits).
 *
 * Pure: included by the freestanding hypervisor and by host unit tests.
 */
#ifndef SVMHV_MM_GWALK_H
#define SVMHV_MM_GWALK_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Kind of access; WRITE, USER and FETCH sit at their #PF error-code bits. */
#define GPA_ACC_READ    0u
#define GPA_ACC_WRITE   (1u << 1)       /* a write */
#define GPA_ACC_USER    (1u << 2)       /* made at CPL 3 */
#define GPA_ACC_FETCH   (1u << 4)       /* an instruction fetch */
#define GPA_ACC_AC      (1u << 16)      /* RFLAGS.AC = 1: SMAP does not apply */

/* #PF error code bits. See: APM2 8.4.2. */
#define GPA_PF_P        (1u << 0)       /* 0 = not present, 1 = protection/reserved */
#define GPA_PF_W        (1u << 1)
#define GPA_PF_U        (1u << 2)
#define GPA_PF_RSV      (1u << 3)
#define GPA_PF_ID       (1u << 4)

/* Results of gpa_translate() and gpa_read_linear(). */
#define GPA_OK          0
#define GPA_EPF         (-1)    /* inject #PF(fault.error_code) with CR2 = fault.addr */
#define GPA_ENONCANON   (-2)    /* non-canonical address: #GP(0), or #SS(0) for stack */
#define GPA_EMEM        (-3)    /* the read callback refused gpa fault.addr */
#define GPA_EINVAL      (-4)    /* bad arguments (maxphyaddr, callback) */

/* Reads len bytes of guest-physical memory at gpa: 0, or negative if refused. */
typedef int (*gpa_read_fn)(void *ctx, uint64_t gpa, void *buf, size_t len);

/* The guest's paging state, as in the VMCB save area, and its memory. */
struct gpa_mmu {
	uint64_t cr0;
	uint64_t cr3;
	uint64_t cr4;
	uint64_t efer;
	unsigned int maxphyaddr;        /* CPUID Fn8000_0008 EAX[7:0], 32..52 */
	gpa_read_fn read;
	void *ctx;                      /* passed to read */
};

struct gpa_fault {
	uint64_t addr;                  /* GPA_EPF: linear address (CR2); GPA_EMEM: gpa */
	uint32_t error_code;            /* GPA_EPF: #PF error code (GPA_PF_*) */
};

/*
 * Translates linear address la for an access of kind access (GPA_ACC_*).
 * Returns GPA_OK with *gpa set, or a negative GPA_E* with *fault filled in
 * (fault may be NULL).
 */
int gpa_translate(const struct gpa_mmu *mmu, uint64_t la, unsigned int access,
		  uint64_t *gpa, struct gpa_fault *fault);

/*
 * Reads len bytes at linear address la into buf, translating each 4 KiB page
 * separately, as an access of kind access. On error, nothing is known about
 * buf's contents and *fault describes the first page that failed.
 */
int gpa_read_linear(const struct gpa_mmu *mmu, uint64_t la, void *buf, size_t len,
		    unsigned int access, struct gpa_fault *fault);

/*
 * Reserved bits of a present 8-byte entry at level (1 = PTE), long mode or
 * (pae) legacy PAE: physical address bits from MAXPHYADDR, NX without
 * EFER.NXE, PML4E/PML5E bits 7-8, large-page address bits below their size
 * but bit 12 (PAT). See: APM2 5.3.3. Shared with mm/nwalk.c.
 */
uint64_t gpa_pte_reserved(unsigned int maxphyaddr, bool nx_on, int level, bool leaf, bool pae);

#endif /* SVMHV_MM_GWALK_H */
