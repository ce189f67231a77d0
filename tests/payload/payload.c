/* SPDX-License-Identifier: MIT */
/*
 * svmhv's test payload (see payload.h for the output format).
 *
 * Load options (whitespace-separated words anywhere in them, so both
 * svmhv's `args=` and a UEFI shell command line work):
 *   bare | mode=bare   expect NO svmhv underneath: no CPUID signature, and
 *                      VMMCALL raises #UD. Default: expect svmhv (mode=svmhv).
 *   noreset            return to the caller at the end instead of powering
 *                      off (lets a startup.nsh run the payload twice).
 */
#include <efi.h>
#include <efilib.h>

#include "tests/payload/options.h"
#include "tests/payload/payload.h"


struct options {
	int bare, noreset;
};

/* LoadOptions: bare / mode=bare, mode=svmhv (the default), noreset. */
static void parse_options(EFI_HANDLE image, struct options *o, char *text)
{
	options_text(image, text);
	o->bare = options_has(text, "bare") || options_has(text, "mode=bare");
	o->noreset = options_has(text, "noreset");
}

/* Called by GNU-EFI's crt0 (SysV ABI) after self-relocation. */
EFI_STATUS efi_main(EFI_HANDLE image, EFI_SYSTEM_TABLE *systab);
EFI_STATUS efi_main(EFI_HANDLE image, EFI_SYSTEM_TABLE *systab)
{
	struct options opt = { 0, 0 };
	char text[OPT_MAX];
	unsigned failed;

	InitializeLib(image, systab);
	report_init(conout_line);
	parse_options(image, &opt, text);
	conout_line("");
	report_diag("svmhv test payload, mode=%s, options \"%s\"",
		    opt.bare ? "bare" : "svmhv", text);
	if (opt.bare) {
		check_bare();
		check_self_nmi();
		check_nmi_blocking();
		check_cpuid_state();
	} else {
		check_cpuid();
		check_hypercalls();
		check_memory();
		check_msrs();
		check_svm_insns();
		check_debug_trap();
		check_apic();
		check_self_nmi();
		check_nmi_blocking();
		check_cpuid_state();
	}
	report_done();
	failed = report_failed();
	if (!opt.noreset)
		RT->ResetSystem(EfiResetShutdown, EFI_SUCCESS, 0, NULL);
	return failed ? EFI_ABORTED : EFI_SUCCESS;
}
