/* SPDX-License-Identifier: MIT */
#include "tests/payload/options.h"

#include <efilib.h>

#include "tests/payload/payload.h"

void conout_line(const char *line)
{
	CHAR16 buf[PAYLOAD_LINE_MAX + 3];
	size_t n = 0;

	while (n < PAYLOAD_LINE_MAX && line[n]) {
		buf[n] = (CHAR16)(uint8_t)line[n];
		n++;
	}
	buf[n++] = L'\r';
	buf[n++] = L'\n';
	buf[n] = 0;
	ST->ConOut->OutputString(ST->ConOut, buf);
}

void options_text(EFI_HANDLE image, char text[OPT_MAX])
{
	EFI_LOADED_IMAGE *li = NULL;
	size_t len = 0;

	text[0] = 0;
	if (BS->HandleProtocol(image, &LoadedImageProtocol, (void **)&li) != EFI_SUCCESS ||
	    !li || !li->LoadOptions)
		return;
	for (UINT32 i = 0; i < li->LoadOptionsSize / 2 && len < OPT_MAX - 1; i++) {
		CHAR16 c = ((CHAR16 *)li->LoadOptions)[i];

		if (!c)
			break;
		text[len++] = (c > 0x20 && c < 0x7f) ? (char)c : ' ';
	}
	text[len] = 0;
}

int options_has(const char *text, const char *want)
{
	size_t wn = str_len(want);

	for (size_t i = 0; text[i];) {
		size_t n = 0;

		while (text[i + n] && text[i + n] != ' ')
			n++;
		if (n == wn && mem_eq(text + i, want, n))
			return 1;
		i += n ? n : 1;
	}
	return 0;
}
