/* SPDX-License-Identifier: MIT */
/*
 * Reading svmhv.cfg and the load options, and chain-loading the next stage.
 * See: UEFI 2.10 9.1 (EFI_LOADED_IMAGE_PROTOCOL), 13.5 (EFI_FILE_PROTOCOL),
 * 10.3.5.4 (file path media device path), 7.5 (SetWatchdogTimer).
 */
#include "boot/efi_boot.h"

#include <efilib.h>

#include "hv/console.h"
#include "hv/fmt.h"

#define CFG_NAME        L"svmhv.cfg"
#define CFG_MAX         (64 * 1024)
#define PATH_MAX_CHARS  512

/*
 * The watchdog a boot manager arms before it starts a boot option: 5 minutes
 * (UEFI 2.10 7.5, SetWatchdogTimer). Codes 0..0xFFFF are the firmware's;
 * svmhv's, logged if next= lets it expire, is "svmh".
 */
#define WATCHDOG_BOOT_SECS      300
#define WATCHDOG_CODE_SVMHV     0x73766d68ull

/* The directory of this image's file path, with a trailing '\'. */
void efi_image_dir(EFI_LOADED_IMAGE *self, CHAR16 *out, UINTN max)
{
	UINTN n = 0, slash = 0;

	for (EFI_DEVICE_PATH *dp = self->FilePath; dp && !IsDevicePathEnd(dp);
	     dp = NextDevicePathNode(dp)) {
		if (DevicePathType(dp) != MEDIA_DEVICE_PATH ||
		    DevicePathSubType(dp) != MEDIA_FILEPATH_DP)
			continue;
		const CHAR16 *p = ((FILEPATH_DEVICE_PATH *)dp)->PathName;
		for (; *p && n + 1 < max; p++) {
			out[n] = *p == L'/' ? L'\\' : *p;
			if (out[n++] == L'\\')
				slash = n;
		}
	}
	out[slash] = 0;         /* keep up to and including the last '\' */
}

/* Read svmhv.cfg beside the image into buf; returns its length or -1 (absent). */
static INTN read_cfg_file(EFI_LOADED_IMAGE *self, char *buf, UINTN max)
{
	CHAR16 path[PATH_MAX_CHARS];
	EFI_FILE_HANDLE root, fh;
	UINTN size = max;
	UINTN n;

	efi_image_dir(self, path, PATH_MAX_CHARS - 16);
	n = StrLen(path);
	StrCpy(path + n, CFG_NAME);
	root = LibOpenRoot(self->DeviceHandle);
	if (!root)
		return -1;
	if (EFI_ERROR(root->Open(root, &fh, path, EFI_FILE_MODE_READ, 0))) {
		root->Close(root);
		return -1;
	}
	if (EFI_ERROR(fh->Read(fh, &size, buf)))
		size = 0;
	fh->Close(fh);
	root->Close(root);
	return (INTN)size;
}

/*
 * Load options are UTF-16 text when given by a shell or a boot entry made
 * with efibootmgr -u; anything else (binary optional data) is ignored.
 * The first token is dropped when it names the image (no '=', not "--").
 */
static INTN load_options_ascii(EFI_LOADED_IMAGE *self, char *out, UINTN max)
{
	const CHAR16 *s = self->LoadOptions;
	UINTN len = self->LoadOptionsSize / sizeof(CHAR16), n = 0, i = 0;

	if (!s || (self->LoadOptionsSize & 1))
		return 0;
	while (len && s[len - 1] == 0)
		len--;
	for (UINTN k = 0; k < len; k++)
		if (s[k] > 0x7e || (s[k] < 0x20 && s[k] != L'\t')) {
			hv_warn("boot", "load options are not text; ignored");
			return 0;
		}
	while (i < len && (s[i] == L' ' || s[i] == L'\t'))
		i++;
	UINTN tok = i;
	int has_eq = 0;
	for (; i < len && s[i] != L' ' && s[i] != L'\t'; i++)
		has_eq |= s[i] == L'=';
	if (has_eq || (i - tok == 2 && s[tok] == L'-' && s[tok + 1] == L'-'))
		i = tok;        /* the first token is an option, keep it */
	if (len - i + 1 > max)
		return -1;      /* never cut: a truncated `args=` would boot wrongly */
	for (; i < len; i++)
		out[n++] = (char)s[i];
	out[n] = 0;
	return (INTN)n;
}

int efi_read_config(EFI_LOADED_IMAGE *self, struct hv_config *cfg)
{
	static char text[CFG_MAX];
	struct config_error err = { 0 };
	INTN n;

	config_defaults(cfg);
	n = read_cfg_file(self, text, sizeof(text));
	if (n >= (INTN)sizeof(text)) {
		hv_err("boot", "svmhv.cfg is larger than %u bytes", (unsigned)sizeof(text) - 1);
		return -1;
	}
	if (n >= 0) {
		if (config_parse_file(cfg, text, (size_t)n, &err)) {
			hv_err("boot", "%s", err.msg);
			Print(L"svmhv: %a\n", err.msg);
			return -1;
		}
		hv_info("boot", "read svmhv.cfg (%d bytes)", (int)n);
	} else {
		hv_info("boot", "no svmhv.cfg beside the image; using defaults and load options");
	}
	n = load_options_ascii(self, text, sizeof(text));
	if (n < 0) {
		hv_snprintf(err.msg, sizeof(err.msg), "load options longer than %u characters",
			    (unsigned)sizeof(text) - 1);
		hv_err("boot", "%s", err.msg);
		Print(L"svmhv: %a\n", err.msg);
		return -1;
	}
	if (n > 0 && config_parse_options(cfg, text, (size_t)n, &err)) {
		hv_err("boot", "%s", err.msg);
		Print(L"svmhv: %a\n", err.msg);
		return -1;
	}
	return 0;
}

void efi_log_config(const struct hv_config *cfg)
{
	char line[1400];

	config_format(cfg, line, sizeof(line));
	hv_info("boot", "options: %s", line);
}

static CHAR16 *ascii_to_utf16(const char *s)
{
	UINTN n = 0;
	CHAR16 *w;

	while (s[n])
		n++;
	w = AllocatePool((n + 1) * sizeof(CHAR16));
	if (!w)
		return NULL;
	for (UINTN i = 0; i <= n; i++)
		w[i] = (CHAR16)(s[i] == '/' ? '\\' : s[i]);
	return w;
}

/*
 * next= is the boot option the boot manager would have started, with the
 * watchdog armed for 5 minutes, which an OS loader disables or re-arms if it
 * needs longer (UEFI 2.10 7.5). svmhv, itself started that way, arms it again
 * for a fresh 5 minutes right before it starts next: next gets the budget the
 * specification promises it, whatever svmhv's takeover of every CPU took out
 * of svmhv's own 5 minutes, and a next that hangs before ExitBootServices()
 * still resets the machine, as without svmhv. Disarming it instead would take
 * that safety net away from loaders (Linux's EFI stub) that never touch it.
 */
static void watchdog_arm(void)
{
	EFI_STATUS st = BS->SetWatchdogTimer(WATCHDOG_BOOT_SECS, WATCHDOG_CODE_SVMHV, 0, NULL);

	if (EFI_ERROR(st))
		hv_info("boot", "watchdog: none to arm for next (EFI status %lx)",
			(unsigned long)st);
	else
		hv_info("boot", "watchdog: armed for %u s for next, as the boot manager does",
			WATCHDOG_BOOT_SECS);
}

EFI_STATUS efi_chainload(EFI_HANDLE image, EFI_LOADED_IMAGE *self, const struct hv_config *cfg)
{
	EFI_HANDLE child = NULL;
	EFI_LOADED_IMAGE *li;
	EFI_DEVICE_PATH *dp;
	CHAR16 *path, *args;
	EFI_STATUS st;

	if (!cfg->next[0]) {
		hv_info("boot", "no next= given: returning to the firmware, which goes on "
			"with its boot order as svmhv's guest");
		return EFI_SUCCESS;
	}
	path = ascii_to_utf16(cfg->next);
	dp = path ? FileDevicePath(self->DeviceHandle, path) : NULL;
	if (!dp) {
		hv_err("boot", "out of memory building the path of %s", cfg->next);
		return EFI_OUT_OF_RESOURCES;
	}
	st = BS->LoadImage(FALSE, image, dp, NULL, 0, &child);
	if (EFI_ERROR(st)) {
		hv_err("boot", "cannot load next=%s (EFI status %lx); returning to the firmware",
		       cfg->next, (unsigned long)st);
		Print(L"svmhv: cannot load %s: %r\n", path, st);
		return st;
	}
	if (cfg->args[0] && !EFI_ERROR(BS->HandleProtocol(child, &LoadedImageProtocol,
							     (void **)&li))) {
		args = ascii_to_utf16(cfg->args);
		/* Arguments keep '/' as given: only the path is converted. */
		for (UINTN i = 0; args && cfg->args[i]; i++)
			args[i] = (CHAR16)cfg->args[i];
		if (args) {
			li->LoadOptions = args;
			li->LoadOptionsSize = (UINT32)((StrLen(args) + 1) * sizeof(CHAR16));
		}
	}
	hv_info("boot", "starting next: %s %s", cfg->next, cfg->args);
	watchdog_arm();
	st = BS->StartImage(child, NULL, NULL);
	(void)BS->SetWatchdogTimer(0, 0, 0, NULL);      /* as the boot manager on a return */
	hv_info("boot", "next image returned: EFI status %lx", (unsigned long)st);
	return st;
}
