/* SPDX-License-Identifier: MIT */
/* The EFI side every test application shares: ConOut lines, load options. Sees EFI types. */
#ifndef SVMHV_TESTS_PAYLOAD_OPTIONS_H
#define SVMHV_TESTS_PAYLOAD_OPTIONS_H

#include <efi.h>
#include <stddef.h>

#define OPT_MAX         256

/*
 * The image's LoadOptions as ASCII words separated by single spaces;
 * non-ASCII (e.g. OVMF's binary boot-option data) is a separator.
 */
void options_text(EFI_HANDLE image, char text[OPT_MAX]);
/* Does text contain want as a whole word? */
int options_has(const char *text, const char *want);
/* One line on ConOut (a report_init() writer): ASCII, cut at PAYLOAD_LINE_MAX, CR LF. */
void conout_line(const char *line);

#endif
