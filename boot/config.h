/* SPDX-License-Identifier: MIT */
/*
 * svmhv's options: one grammar of `key=value`, two sources.
 *
 *   1. svmhv.cfg beside the image (config_parse_file): one option per line;
 *      a line whose first non-blank character is '#' is a comment; blank
 *      lines, leading/trailing blanks (space, tab) and a CR before the LF are
 *      ignored; a UTF-8 byte-order mark at the start is skipped. Blanks
 *      around '=' are allowed and the value is the rest of the line, so it
 *      may hold spaces and '=':   args = initrd=\initrd.img console=ttyS0
 *      There are no trailing comments (a value may contain '#').
 *   2. The image's load options (config_parse_options), already converted
 *      to ASCII by the caller, image path stripped: blank-separated
 *      `key=value` tokens; the token `--` ends the options and the rest of
 *      the string, trimmed, becomes `args`. Trailing NULs are ignored (UEFI
 *      LoadOptionsSize often counts the terminator).
 *
 * Sources are applied in order and later ones override earlier ones: the
 * caller does config_defaults(), then config_parse_file(), then
 * config_parse_options(). Within one source an option may appear once.
 * A parse either applies every option of its source or, on the first error,
 * none: the config is left exactly as it was.
 *
 * Keys and values (keywords are case-insensitive, numbers decimal or 0x hex):
 *   next=PATH          EFI image to chain-load, on svmhv's volume, at most
 *                      255 chars; '/' is turned into '\'. Empty: none.
 *   args=TEXT          its load options, at most 1023 chars. (A file line is
 *                      at most 1024 chars, so a file can give 1019.)
 *   serial=PORT|off    16550 I/O port 1..0xfff8; off or none: no serial.
 *   log=LEVEL          error|warn|info|debug|trace or 0..4.
 *   force_tlb_flush=B  0/1, yes/no, true/false, on/off.
 *   nested=B           offer SVM to the guest (nested SVM); as above. Default on.
 *   vgif=B             L1's STGI/CLGI without exits on the CPU's VGIF (off:
 *                      emulated, both intercepted); as above. Default on.
 *   heap=MIB           svmhv's heap in MiB, 4..1024.
 *   escape=SEQ|off     the byte sequence typed on the serial line that opens
 *                      svmhv's monitor, in caret notation (hv/debug/escape.h):
 *                      default ^\^\ (Ctrl-\ twice). off: svmhv leaves the
 *                      guest's UART alone (no monitor on the shared line).
 *   debug_serial=PORT|off  a second 16550 that is svmhv's alone: monitor and
 *                      GDB stub there, hidden from the guest. Must differ from
 *                      serial=. Default off.
 *   shutdown=WHAT      reset|halt: a guest triple fault resets the machine
 *                      (as the platform would) or halts that vCPU in svmhv.
 *   hypercalls=WHO     cpl0|all: who may call svmhv's information
 *                      hypercalls (IDENTIFY is always allowed).
 *   dma_protect=MODE   required|auto|off: own the IOMMU (refuse to start
 *                      without one / when there is one / never).
 *   test_fail_cpu=N    test knob: the takeover of CPU index N (1..63, an AP)
 *                      fails, to exercise parking; 0 = none.
 *   test_panic=BOOL    test knob: vCPU 0 panics at its first exit after the
 *                      takeover (the panic screen's test); default off.
 *   shadow_pages=N     pages per vCPU for shadows of L1's nested page tables,
 *                      16..65536.
 *   microcode=MODE     auto|off: load the AMD microcode patch for this CPU
 *                      from amd-ucode\microcode_amd*.bin beside the image when
 *                      the file is there (hv/ucode/), or never. Default auto.
 *
 * Pure: included by the freestanding hypervisor and by host unit tests.
 */
#ifndef SVMHV_BOOT_CONFIG_H
#define SVMHV_BOOT_CONFIG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "hv/debug/escape.h"

#define CONFIG_NEXT_MAX         255     /* chars, without the NUL */
#define CONFIG_ARGS_MAX         1023
#define CONFIG_LINE_MAX         1024    /* chars of a svmhv.cfg line, no EOL */
#define CONFIG_SERIAL_MAX       0xfff8u /* a 16550 spans port .. port + 7 */
#define CONFIG_HEAP_MIN_MIB     4u
#define CONFIG_HEAP_MAX_MIB     1024u

#define CONFIG_DEFAULT_SERIAL   0x3f8u  /* COM1 */
#define CONFIG_DEFAULT_LOG      CONFIG_LOG_INFO
#define CONFIG_DEFAULT_HEAP_MIB 16u     /* heap=auto: at least this much */
#define CONFIG_HEAP_BASE_MIB    4u      /* heap=auto: shared tables, the BSP's set-up */
#define CONFIG_HEAP_CPU_KIB     256u    /* heap=auto: a vCPU besides its shadow pool */
#define CONFIG_TEST_FAIL_CPU_MAX 1023u  /* HV_CPUS_MAX - 1 (hv/cpus.h) */
#define CONFIG_SHADOW_MIN       16u
#define CONFIG_SHADOW_MAX       65536u
#define CONFIG_DEFAULT_SHADOW   512u    /* 2 MiB per vCPU */

enum config_log_level {
	CONFIG_LOG_ERROR = 0,
	CONFIG_LOG_WARN  = 1,
	CONFIG_LOG_INFO  = 2,
	CONFIG_LOG_DEBUG = 3,
	CONFIG_LOG_TRACE = 4,
};

/* dma_protect=: who guards svmhv's memory from devices. */
enum config_dma_protect {
	CONFIG_DMA_AUTO = 0,            /* own the IOMMU when there is one, else warn */
	CONFIG_DMA_REQUIRED = 1,        /* refuse to start without an IOMMU */
	CONFIG_DMA_OFF = 2,             /* leave the IOMMU (and IVRS) to the guest */
};

struct hv_config {
	char     next[CONFIG_NEXT_MAX + 1];     /* NUL-terminated, "" = none */
	char     args[CONFIG_ARGS_MAX + 1];     /* NUL-terminated */
	uint16_t serial_port;                   /* 0 = no serial console */
	uint8_t  log_level;                     /* enum config_log_level */
	bool     force_tlb_flush;
	bool     nested;                        /* offer SVM to the guest */
	bool     vgif;                          /* L1's GIF on the CPU's VGIF, where it has one */
	uint32_t heap_mib;                      /* 0 = auto: config_heap_mib() */
	struct esc_seq escape;                  /* monitor escape; len 0 = off */
	uint16_t debug_serial;                  /* svmhv's own UART, 0 = none */
	uint8_t  shutdown;                      /* 0 reset, 1 halt (enum hv_shutdown_action) */
	bool     hc_user;                       /* hypercalls=all */
	bool     serial_given;                  /* serial= appeared in a source */
	uint8_t  dma_protect;                   /* enum config_dma_protect */
	uint32_t test_fail_cpu;                 /* 0 = none */
	bool     test_panic;                    /* vCPU 0's first exit panics */
	uint32_t shadow_pages;                  /* per vCPU, for L1's nested paging */
	uint8_t  microcode;                     /* enum config_microcode */
};

/* microcode=: AMD microcode from amd-ucode\ beside svmhv.efi. */
enum config_microcode {
	CONFIG_MICROCODE_AUTO = 0,      /* load when the file is there */
	CONFIG_MICROCODE_OFF = 1,       /* never */
};

/* Error codes (negative returns). */
#define CONFIG_EUNKNOWN         (-1)    /* unknown option */
#define CONFIG_ESYNTAX          (-2)    /* missing '=' or empty key */
#define CONFIG_EVALUE           (-3)    /* bad value for a known option */
#define CONFIG_ETOOLONG         (-4)    /* value longer than its maximum */
#define CONFIG_EDUP             (-5)    /* option given twice in one source */
#define CONFIG_EBYTE            (-6)    /* NUL or non-printable byte */
#define CONFIG_ELINE            (-7)    /* svmhv.cfg line over CONFIG_LINE_MAX */
#define CONFIG_EINVAL           (-8)    /* NULL config or text */

#define CONFIG_MSG_MAX          256

struct config_error {
	int      code;          /* one of CONFIG_E*, 0 if no error */
	unsigned line;          /* svmhv.cfg: 1-based line; load options: 0 */
	unsigned column;        /* 1-based byte column in the line (file) or
				 * in the string (load options); 0 if none */
	unsigned token;         /* load options: 1-based token; file: 0 */
	char     msg[CONFIG_MSG_MAX];   /* e.g. "svmhv.cfg line 3: unknown
					 * option 'seriall'" */
};

/* The defaults: serial 0x3f8, log info, no forced flushes, 16 MiB heap,
 * 512 shadow pages, escape ^\^\, no debug_serial, dma_protect=auto, no test knob. */
/* The heap to reserve: heap= as given, or (auto) enough for ncpu vCPUs. */
uint32_t config_heap_mib(const struct hv_config *c, uint32_t ncpu);
void config_defaults(struct hv_config *c);

/* Parse svmhv.cfg (@len bytes, need not be NUL-terminated). 0 or CONFIG_E*. */
int config_parse_file(struct hv_config *c, const char *text, size_t len,
		      struct config_error *err);

/* Parse the load options (@len bytes, ASCII). 0 or CONFIG_E*. */
int config_parse_options(struct hv_config *c, const char *text, size_t len,
			 struct config_error *err);

/*
 * One-line summary for the boot log, e.g.
 *   serial=0x3f8 log=info force_tlb_flush=off heap=16MiB nested=on shadow_pages=512
 *   escape=^\^\ debug_serial=off dma_protect=auto microcode=auto next=\EFI\x.efi
 *   args='quiet' (one line; " test_fail_cpu=N" and " test_panic=on" after
 *   dma_protect when set)
 * Formatted by hv_snprintf (hv/fmt.h): always NUL-terminates if @len > 0
 * and returns the bytes stored, without the NUL.
 */
int config_format(const struct hv_config *c, char *buf, size_t len);

#endif /* SVMHV_BOOT_CONFIG_H */
