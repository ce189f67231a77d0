/* SPDX-License-Identifier: MIT */
/*
 * AMD microcode containers (the amd-ucode/microcode_amd*.bin files of
 * linux-firmware and Debian's amd64-microcode), as Linux's
 * arch/x86/kernel/cpu/microcode/amd.c reads them. All little-endian:
 *
 *   container   u32 magic 0x00414d44 ("DMA\0")
 *               u32 type 0 (equivalence table), u32 size, size bytes of
 *               16-byte entries { u32 installed_cpu (CPUID 1 EAX),
 *               u32 fixed_errata_mask, u32 fixed_errata_compare,
 *               u16 equiv_cpu, u16 reserved }, a zero installed_cpu ends it
 *   then        sections { u32 type 1 (patch), u32 size, size bytes }, until
 *               the end of the file or the magic of the next container
 *   a patch     starts with a 64-byte header: u32 data_code, u32 patch_id
 *               (+4), u16 mc_patch_data_id, u8 len, u8 init_flag, u32
 *               checksum, u32 nb_dev_id (+16), u32 sb_dev_id (+20), u16
 *               processor_rev_id (+24), ... The CPU verifies the rest (AMD
 *               signs patches); svmhv only finds the right one.
 *
 * A CPU's patch: its CPUID 1 EAX found as installed_cpu in an equivalence
 * table gives equiv_cpu; the patch whose processor_rev_id equals it, the
 * highest patch_id if several do. The file comes from the ESP, which anyone
 * who can write svmhv.efi can write too, yet every length and offset is
 * checked as if hostile: any inconsistency anywhere in the file rejects the
 * whole file (nothing selected), with a code and the offset of the problem.
 *
 * Pure: no hardware, no global state; host-tested on the real files
 * (tests/unit/test_ucode_real.c) and fuzzed (tests/fuzz/ucode.c).
 */
#ifndef SVMHV_HV_UCODE_CONTAINER_H
#define SVMHV_HV_UCODE_CONTAINER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define UCODE_MAGIC             0x00414d44u     /* "DMA\0" */
#define UCODE_TYPE_EQUIV        0u
#define UCODE_TYPE_PATCH        1u
#define UCODE_CONTAINER_HDR     12u     /* magic, type 0, table size */
#define UCODE_SECTION_HDR       8u      /* type, size */
#define UCODE_EQUIV_ENTRY       16u
#define UCODE_PATCH_HDR         64u
#define UCODE_PATCH_ID_OFF      4u
#define UCODE_NB_DEV_OFF        16u
#define UCODE_SB_DEV_OFF        20u
#define UCODE_PROC_REV_OFF      24u
/* Largest patch: family 1Ah's are 15936 bytes (Linux PATCH_MAX_SIZE_F1AH). */
#define UCODE_PATCH_MAX         16384u
/* Families 10h-14h: 2048 bytes at most (Linux F1XH_MPB_MAX_SIZE). */
#define UCODE_PATCH_MAX_F1X     2048u
/* A container file svmhv reads; Debian's largest (family 19h) is ~100 KiB. */
#define UCODE_FILE_MAX          (1024u * 1024u)
#define UCODE_EQUIV_MAX         4096u   /* entries in one table */

enum ucode_status {
	UCODE_OK        = 0,
	UCODE_EINVAL    = -1,   /* no buffer */
	UCODE_EEMPTY    = -2,   /* shorter than a container header */
	UCODE_ETOOBIG   = -3,   /* over UCODE_FILE_MAX */
	UCODE_EMAGIC    = -4,   /* a container without "DMA\0" */
	UCODE_EEQUIV    = -5,   /* equivalence table: wrong type, size 0, not whole entries */
	UCODE_ETRUNC    = -6,   /* a header or section runs past the end of the file */
	UCODE_ETYPE     = -7,   /* a section of unknown type */
	UCODE_ESIZE     = -8,   /* a patch shorter than its header or over its family's maximum */
	UCODE_ECHIPSET  = -9,   /* a chipset patch (north/south bridge ID): never for CPUs */
	UCODE_EFAMILY   = -10,  /* a patch whose processor_rev_id names no family >= 10h */
};

/* What ucode_scan() found: the whole file's counts and this CPU's patch. */
struct ucode_scan {
	unsigned containers, equiv_entries, patches;
	bool found;             /* a patch for this CPU */
	uint16_t equiv_id;      /* this CPU's equiv_cpu: the selected patch's, else
				 * the first table's; 0 if in no table */
	uint32_t patch_id;      /* the patch's ID: the patch level it installs */
	uint32_t offset;        /* of the patch (its header) in the file */
	uint32_t size;          /* of the patch section's data */
	uint32_t err_offset;    /* the first problem's file offset (error only) */
};

/*
 * Check the whole file and select the patch for the CPU whose CPUID 1 EAX is
 * cpuid1_eax. Returns UCODE_OK (then out->found says whether there is one)
 * or a UCODE_E* code, with out->found false and out->err_offset set.
 */
int ucode_scan(const void *buf, size_t len, uint32_t cpuid1_eax, struct ucode_scan *out);
const char *ucode_strerror(int status);

/* CPUID 1 EAX decoded as the APM says (extended family and model added). */
uint32_t ucode_family(uint32_t eax);
uint32_t ucode_model(uint32_t eax);
uint32_t ucode_stepping(uint32_t eax);
/* A patch's family from its processor_rev_id (Linux: 0xf + (id >> 12)). */
uint32_t ucode_patch_family(uint16_t proc_rev_id);

/*
 * The container file for a family, as linux-firmware names it:
 * "microcode_amd.bin" below 15h, else "microcode_amd_fam%02xh.bin".
 * Returns the length written (without the NUL), or -1 if len is too small.
 */
int ucode_file_name(uint32_t family, char *buf, size_t len);

/* What to do with a patch on a CPU running patch level `running`. */
enum ucode_action {
	UCODE_NO_PATCH = 0,     /* nothing for this CPU in the file */
	UCODE_UP_TO_DATE,       /* running >= the patch: nothing to do */
	UCODE_LOAD,             /* the patch is newer: write PATCH_LOADER */
};
enum ucode_action ucode_decide(const struct ucode_scan *s, uint32_t running);

#endif /* SVMHV_HV_UCODE_CONTAINER_H */
