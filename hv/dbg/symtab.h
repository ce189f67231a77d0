/* SPDX-License-Identifier: MIT */
/*
 * svmhv's own function symbols, for symbolized panic backtraces: a table
 * generated at build time from build/svmhv.so (scripts/symtab.sh) and linked
 * into the image's last data section, so adding it moves no code (the
 * Makefile checks that the text symbols of both links agree).
 *
 * Layout (little endian): magic "HSYM", count, then count pairs {offset of
 * the function from the image base, offset of its NUL-terminated name from
 * the table start}, sorted by function offset, then the names.
 *
 * Pure: freestanding hypervisor and host unit tests.
 */
#ifndef SVMHV_HV_DBG_SYMTAB_H
#define SVMHV_HV_DBG_SYMTAB_H

#include <stddef.h>
#include <stdint.h>

#define SYMTAB_MAGIC    0x4d595348u     /* "HSYM" */

struct symtab_entry {
	uint32_t off;           /* from the image base */
	uint32_t name;          /* from the table start */
};

struct symtab {
	uint32_t magic;
	uint32_t count;
	struct symtab_entry e[];
};

/*
 * The function containing image offset @off: its name and *delta = off -
 * its start; NULL if @off is before the first one, the table is empty or
 * broken. @size bounds every read (the table's bytes).
 */
const char *symtab_lookup(const struct symtab *t, size_t size, uint64_t off, uint64_t *delta);

#endif /* SVMHV_HV_DBG_SYMTAB_H */
