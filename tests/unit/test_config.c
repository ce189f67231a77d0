/* Host tests of svmhv's option parser (boot/config.c). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "boot/config.h"

static int file(struct hv_config *c, const char *text, struct config_error *e)
{
	return config_parse_file(c, text, strlen(text), e);
}

static int opts(struct hv_config *c, const char *text, struct config_error *e)
{
	return config_parse_options(c, text, strlen(text), e);
}

/* A config with every field away from its default, to see it survive. */
static void custom(struct hv_config *c)
{
	config_defaults(c);
	strcpy(c->next, "\\old.efi");
	strcpy(c->args, "old args");
	c->serial_port = 0x2f8;
	c->log_level = CONFIG_LOG_TRACE;
	c->force_tlb_flush = true;
	c->heap_mib = 64;
}

/* Parse @text from the file, expect failure with @code, @line and @msg, and
 * the config untouched. */
static void file_err(const char *text, int code, unsigned line, unsigned col,
		     const char *msg)
{
	struct hv_config c, before;
	struct config_error e;

	custom(&c);
	before = c;
	assert_int_equal(file(&c, text, &e), code);
	assert_int_equal(e.code, code);
	assert_int_equal(e.line, line);
	assert_int_equal(e.column, col);
	assert_int_equal(e.token, 0);
	assert_string_equal(e.msg, msg);
	assert_memory_equal(&c, &before, sizeof(c));
}

static void opts_err(const char *text, int code, unsigned token, unsigned col,
		     const char *msg)
{
	struct hv_config c, before;
	struct config_error e;

	custom(&c);
	before = c;
	assert_int_equal(opts(&c, text, &e), code);
	assert_int_equal(e.code, code);
	assert_int_equal(e.line, 0);
	assert_int_equal(e.token, token);
	assert_int_equal(e.column, col);
	assert_string_equal(e.msg, msg);
	assert_memory_equal(&c, &before, sizeof(c));
}

static void test_defaults(void **state)
{
	struct hv_config c;

	(void)state;
	memset(&c, 0x5a, sizeof(c));
	config_defaults(&c);
	assert_string_equal(c.next, "");
	assert_string_equal(c.args, "");
	assert_int_equal(c.serial_port, 0x3f8);
	assert_int_equal(c.log_level, CONFIG_LOG_INFO);
	assert_false(c.force_tlb_flush);
	assert_int_equal(c.heap_mib, 0);                /* auto */
	/* Nested SVM (with nested paging) is offered by default. */
	assert_true(c.nested);
	assert_true(c.vgif);
	assert_int_equal(c.shadow_pages, 512);
	/* The monitor's escape is Ctrl-\ twice; no second UART. */
	assert_int_equal(c.escape.len, 2);
	assert_int_equal(c.escape.bytes[0], 0x1c);
	assert_int_equal(c.escape.bytes[1], 0x1c);
	assert_int_equal(c.debug_serial, 0);
	assert_int_equal(c.dma_protect, CONFIG_DMA_AUTO);
	assert_int_equal(c.test_fail_cpu, 0);
	assert_false(c.test_panic);
}

static void test_file_full(void **state)
{
	static const char text[] =
		"\xef\xbb\xbf# svmhv.cfg\r\n"
		"\r\n"
		"   # indented comment with UTF-8: caf\xc3\xa9\n"
		"\tnext = /EFI/debian/vmlinuz.efi  \r\n"
		"args=initrd=\\initrd.img console=ttyS0 quiet\n"
		"serial=0x2F8\n"
		"  log=DEBUG\t\n"
		"force_tlb_flush=yes\n"
		"heap=32";      /* no newline at the end */
	struct hv_config c;
	struct config_error e;

	(void)state;
	config_defaults(&c);
	assert_int_equal(config_parse_file(&c, text, sizeof(text) - 1, &e), 0);
	assert_int_equal(e.code, 0);
	assert_string_equal(e.msg, "");
	assert_string_equal(c.next, "\\EFI\\debian\\vmlinuz.efi");
	assert_string_equal(c.args, "initrd=\\initrd.img console=ttyS0 quiet");
	assert_int_equal(c.serial_port, 0x2f8);
	assert_int_equal(c.log_level, CONFIG_LOG_DEBUG);
	assert_true(c.force_tlb_flush);
	assert_int_equal(c.heap_mib, 32);
}

static void test_file_empty(void **state)
{
	struct hv_config c, d;

	(void)state;
	custom(&c);
	d = c;
	assert_int_equal(config_parse_file(&c, NULL, 0, NULL), 0);
	assert_int_equal(file(&c, "", NULL), 0);
	assert_int_equal(file(&c, "\n\r\n  \t\n#only=comments\n", NULL), 0);
	assert_memory_equal(&c, &d, sizeof(c));
	/* Empty next/args are allowed: they clear an earlier value. */
	assert_int_equal(file(&c, "next=\nargs=   \n", NULL), 0);
	assert_string_equal(c.next, "");
	assert_string_equal(c.args, "");
}

static void test_file_errors(void **state)
{
	(void)state;
	file_err("log=info\n# x\nseriall=0x3f8\n", CONFIG_EUNKNOWN, 3, 1,
		 "svmhv.cfg line 3: unknown option 'seriall'");
	file_err("log = fast\n", CONFIG_EVALUE, 1, 7,
		 "svmhv.cfg line 1: bad value 'fast' for 'log' "
		 "(expected error|warn|info|debug|trace or 0..4)");
	file_err("heap=16\n  serial 0x2f8\n", CONFIG_ESYNTAX, 2, 3,
		 "svmhv.cfg line 2: missing '=' in 'serial 0x2f8'");
	file_err(" = 5\n", CONFIG_ESYNTAX, 1, 2,
		 "svmhv.cfg line 1: missing option name before '='");
	file_err("next=\\a.efi\nlog=warn\nnext=\\b.efi\n", CONFIG_EDUP, 3, 1,
		 "svmhv.cfg line 3: duplicate option 'next'");
	file_err("log level=info\n", CONFIG_EUNKNOWN, 1, 1,
		 "svmhv.cfg line 1: unknown option 'log level'");
	file_err("this_is_a_very_long_unknown_option_name_indeed=1\n",
		 CONFIG_EUNKNOWN, 1, 1, "svmhv.cfg line 1: unknown option "
		 "'this_is_a_very_long_unknown_opti...'");
}

static void test_file_bytes(void **state)
{
	static const char nul[] = "log=info\nnext=\\a\0b.efi\n";
	struct hv_config c, d;
	struct config_error e;

	(void)state;
	custom(&c);
	d = c;
	assert_int_equal(config_parse_file(&c, nul, sizeof(nul) - 1, &e), CONFIG_EBYTE);
	assert_int_equal(e.line, 2);
	assert_int_equal(e.column, 8);
	assert_string_equal(e.msg, "svmhv.cfg line 2: NUL byte at column 8");
	assert_memory_equal(&c, &d, sizeof(c));

	file_err("args=a\x01z\n", CONFIG_EBYTE, 1, 7,
		 "svmhv.cfg line 1: non-printable byte 0x1 at column 7");
	file_err("args=\x7f\n", CONFIG_EBYTE, 1, 6,
		 "svmhv.cfg line 1: non-printable byte 0x7f at column 6");
	file_err("next=\\caf\xc3\xa9.efi\n", CONFIG_EBYTE, 1, 10,
		 "svmhv.cfg line 1: non-printable byte 0xc3 at column 10");
	/* A CR is only a line ending before LF. */
	file_err("log=info\rheap=8\n", CONFIG_EBYTE, 1, 9,
		 "svmhv.cfg line 1: non-printable byte 0xd at column 9");
	file_err("# comment \x02\n", CONFIG_EBYTE, 1, 11,
		 "svmhv.cfg line 1: non-printable byte 0x2 at column 11");
	/* Old Mac line ends are not supported either. */
	file_err("log=info\r\r\n", CONFIG_EBYTE, 1, 9,
		 "svmhv.cfg line 1: non-printable byte 0xd at column 9");
}

static void test_file_line_length(void **state)
{
	char *text = malloc(2000);
	struct hv_config c;
	struct config_error e;

	(void)state;
	/* A line of exactly 1024 chars is fine. */
	strcpy(text, "args=");
	memset(text + 5, 'a', 1019);
	strcpy(text + 1024, "\r\n");
	config_defaults(&c);
	assert_int_equal(file(&c, text, &e), 0);
	assert_int_equal(strlen(c.args), 1019);
	/* Padding blanks count: 1025 chars is too long, comment or not. */
	strcpy(text + 1024, " \r\n");
	file_err(text, CONFIG_ELINE, 1, 1025,
		 "svmhv.cfg line 1: line too long (max 1024 chars)");
	memset(text, '#', 1025);
	strcpy(text + 1025, "\nlog=info\n");
	file_err(text, CONFIG_ELINE, 1, 1025,
		 "svmhv.cfg line 1: line too long (max 1024 chars)");
	free(text);
}

static void test_value_length(void **state)
{
	char text[1200];
	struct hv_config c;
	struct config_error e;

	(void)state;
	strcpy(text, "next=");
	memset(text + 5, 'x', 255);
	strcpy(text + 260, "\n");
	config_defaults(&c);
	assert_int_equal(file(&c, text, &e), 0);
	assert_int_equal(strlen(c.next), 255);

	strcpy(text + 5, "y");
	memset(text + 6, 'x', 255);
	strcpy(text + 261, "\n");
	file_err(text, CONFIG_ETOOLONG, 1, 6,
		 "svmhv.cfg line 1: value too long for 'next' (max 255)");

	/* args up to 1023 through the load options, either way. */
	strcpy(text, "-- ");
	memset(text + 3, 'a', 1023);
	text[1026] = '\0';
	config_defaults(&c);
	assert_int_equal(opts(&c, text, &e), 0);
	assert_int_equal(strlen(c.args), 1023);
	strcpy(text + 1026, "b");
	opts_err(text, CONFIG_ETOOLONG, 2, 4,
		 "load options token 2: value too long for 'args' (max 1023)");
	memcpy(text, "args=", 5);
	memset(text + 5, 'a', 1018);
	text[1023] = '\0';
	config_defaults(&c);
	assert_int_equal(opts(&c, text, &e), 0);
	assert_int_equal(strlen(c.args), 1018);
	memset(text + 5, 'a', 1024);
	text[1029] = '\0';
	opts_err(text, CONFIG_ETOOLONG, 1, 6,
		 "load options token 1: value too long for 'args' (max 1023)");
}

struct value_case {
	const char *text;
	bool ok;
	uint32_t value;
};

/* Apply each @text as the load options and read back the field. */
static void check_values(const struct value_case *v, size_t n,
			 uint32_t (*get)(const struct hv_config *))
{
	for (size_t i = 0; i < n; i++) {
		struct hv_config c, d;
		struct config_error e;

		custom(&c);
		d = c;
		int rc = opts(&c, v[i].text, &e);

		if (rc != (v[i].ok ? 0 : CONFIG_EVALUE))
			fail_msg("'%s': rc %d (%s)", v[i].text, rc, e.msg);
		if (v[i].ok && get(&c) != v[i].value)
			fail_msg("'%s': got %u", v[i].text, get(&c));
		if (!v[i].ok)
			assert_memory_equal(&c, &d, sizeof(c));
	}
}

static uint32_t get_serial(const struct hv_config *c) { return c->serial_port; }
static uint32_t get_log(const struct hv_config *c) { return c->log_level; }
static uint32_t get_flush(const struct hv_config *c) { return c->force_tlb_flush; }
static uint32_t get_heap(const struct hv_config *c) { return c->heap_mib; }

static void test_serial_values(void **state)
{
	static const struct value_case v[] = {
		{ "serial=0x3f8", true, 0x3f8 }, { "serial=1016", true, 0x3f8 },
		{ "serial=1", true, 1 }, { "serial=0xfff8", true, 0xfff8 },
		{ "serial=65528", true, 0xfff8 }, { "serial=0X2e8", true, 0x2e8 },
		{ "serial=off", true, 0 }, { "serial=NONE", true, 0 },
		{ "serial=00000000000000000001016", true, 1016 },
		{ "serial=0", false, 0 }, { "serial=0x0", false, 0 },
		{ "serial=0xfff9", false, 0 }, { "serial=65536", false, 0 },
		{ "serial=4294968312", false, 0 }, { "serial=com1", false, 0 },
		{ "serial=0x", false, 0 }, { "serial=-1", false, 0 },
		{ "serial=", false, 0 }, { "serial=+5", false, 0 },
		{ "serial=0x3fg", false, 0 }, { "serial=1e3", false, 0 },
	};

	(void)state;
	check_values(v, sizeof(v) / sizeof(v[0]), get_serial);
	opts_err("serial=com1", CONFIG_EVALUE, 1, 8,
		 "load options token 1: bad value 'com1' for 'serial' "
		 "(expected 1..0xfff8, off or none)");
}

static void test_log_values(void **state)
{
	static const struct value_case v[] = {
		{ "log=error", true, 0 }, { "log=warn", true, 1 },
		{ "log=info", true, 2 }, { "log=debug", true, 3 },
		{ "log=trace", true, 4 }, { "log=TrAcE", true, 4 },
		{ "log=0", true, 0 }, { "log=4", true, 4 }, { "log=0x3", true, 3 },
		{ "log=5", false, 0 }, { "log=verbose", false, 0 },
		{ "log=", false, 0 }, { "log=info2", false, 0 },
		{ "log=inf", false, 0 }, { "log=warning", false, 0 },
	};

	(void)state;
	check_values(v, sizeof(v) / sizeof(v[0]), get_log);
}

static void test_flush_values(void **state)
{
	static const struct value_case v[] = {
		{ "force_tlb_flush=1", true, 1 }, { "force_tlb_flush=0", true, 0 },
		{ "force_tlb_flush=yes", true, 1 }, { "force_tlb_flush=no", true, 0 },
		{ "force_tlb_flush=true", true, 1 }, { "force_tlb_flush=false", true, 0 },
		{ "force_tlb_flush=on", true, 1 }, { "force_tlb_flush=off", true, 0 },
		{ "force_tlb_flush=ON", true, 1 }, { "FORCE_TLB_FLUSH=No", true, 0 },
		{ "force_tlb_flush=2", false, 0 }, { "force_tlb_flush=y", false, 0 },
		{ "force_tlb_flush=", false, 0 }, { "force_tlb_flush=01", false, 0 },
		{ "force_tlb_flush=enable", false, 0 },
	};

	(void)state;
	check_values(v, sizeof(v) / sizeof(v[0]), get_flush);
	opts_err("force_tlb_flush=y", CONFIG_EVALUE, 1, 17,
		 "load options token 1: bad value 'y' for 'force_tlb_flush' "
		 "(expected 0|1|yes|no|true|false|on|off)");
}

static uint32_t get_nested(const struct hv_config *c)
{
	return c->nested;
}

static uint32_t get_vgif(const struct hv_config *c)
{
	return c->vgif;
}

static void test_vgif_values(void **state)
{
	static const struct value_case v[] = {
		{ "vgif=1", true, 1 }, { "vgif=0", true, 0 },
		{ "vgif=on", true, 1 }, { "vgif=off", true, 0 },
		{ "vgif=2", false, 0 }, { "vgif=", false, 0 },
	};

	(void)state;
	check_values(v, sizeof(v) / sizeof(v[0]), get_vgif);
}

static void test_nested_values(void **state)
{
	static const struct value_case v[] = {
		{ "nested=1", true, 1 }, { "nested=0", true, 0 },
		{ "nested=on", true, 1 }, { "nested=no", true, 0 },
		{ "nested=2", false, 0 }, { "nested=", false, 0 },
		{ "nested=maybe", false, 0 },
	};

	(void)state;
	check_values(v, sizeof(v) / sizeof(v[0]), get_nested);
	opts_err("nested=maybe", CONFIG_EVALUE, 1, 8,
		 "load options token 1: bad value 'maybe' for 'nested' "
		 "(expected 0|1|yes|no|true|false|on|off)");
}

static uint32_t get_dma(const struct hv_config *c)
{
	return c->dma_protect;
}

static void test_dma_protect_values(void **state)
{
	static const struct value_case v[] = {
		{ "dma_protect=auto", true, CONFIG_DMA_AUTO },
		{ "dma_protect=required", true, CONFIG_DMA_REQUIRED },
		{ "dma_protect=OFF", true, CONFIG_DMA_OFF },
		{ "dma_protect=on", false, 0 }, { "dma_protect=1", false, 0 },
		{ "dma_protect=", false, 0 }, { "dma_protect=requiredx", false, 0 },
	};

	(void)state;
	check_values(v, sizeof(v) / sizeof(v[0]), get_dma);
	opts_err("dma_protect=yes", CONFIG_EVALUE, 1, 13,
		 "load options token 1: bad value 'yes' for 'dma_protect' "
		 "(expected required|auto|off)");
}

static uint32_t get_microcode(const struct hv_config *c)
{
	return c->microcode;
}

/* microcode=: auto (the default) or off, any case; nothing else. */
static void test_microcode_values(void **state)
{
	static const struct value_case v[] = {
		{ "microcode=auto", true, CONFIG_MICROCODE_AUTO },
		{ "microcode=OFF", true, CONFIG_MICROCODE_OFF },
		{ "microcode=on", false, 0 }, { "microcode=1", false, 0 },
		{ "microcode=", false, 0 }, { "microcode=autox", false, 0 },
	};
	struct hv_config c;

	(void)state;
	config_defaults(&c);
	assert_int_equal(c.microcode, CONFIG_MICROCODE_AUTO);
	check_values(v, sizeof(v) / sizeof(v[0]), get_microcode);
	file_err("microcode=yes\n", CONFIG_EVALUE, 1, 11,
		 "svmhv.cfg line 1: bad value 'yes' for 'microcode' (expected auto or off)");
}

static uint32_t get_fail_cpu(const struct hv_config *c)
{
	return c->test_fail_cpu;
}

static void test_fail_cpu_values(void **state)
{
	static const struct value_case v[] = {
		{ "test_fail_cpu=1", true, 1 }, { "test_fail_cpu=0", true, 0 },
		{ "test_fail_cpu=63", true, 63 }, { "test_fail_cpu=0x3f", true, 63 },
		{ "test_fail_cpu=64", true, 64 }, { "test_fail_cpu=255", true, 255 },
		{ "test_fail_cpu=256", true, 256 }, { "test_fail_cpu=1023", true, 1023 },
		{ "test_fail_cpu=1024", false, 0 }, { "test_fail_cpu=-1", false, 0 },
		{ "test_fail_cpu=", false, 0 }, { "test_fail_cpu=cpu1", false, 0 },
	};

	(void)state;
	check_values(v, sizeof(v) / sizeof(v[0]), get_fail_cpu);
	file_err("test_fail_cpu=9999\n", CONFIG_EVALUE, 1, 15,
		 "svmhv.cfg line 1: bad value '9999' for 'test_fail_cpu' (expected 0..1023, an AP's index)");
}

static uint32_t get_test_panic(const struct hv_config *c)
{
	return c->test_panic;
}

static void test_panic_values(void **state)
{
	static const struct value_case v[] = {
		{ "test_panic=1", true, 1 }, { "test_panic=0", true, 0 },
		{ "test_panic=on", true, 1 }, { "test_panic=no", true, 0 },
		{ "test_panic=2", false, 0 }, { "test_panic=", false, 0 },
		{ "test_panic=cpu0", false, 0 },
	};

	(void)state;
	check_values(v, sizeof(v) / sizeof(v[0]), get_test_panic);
	file_err("test_panic=maybe\n", CONFIG_EVALUE, 1, 12,
		 "svmhv.cfg line 1: bad value 'maybe' for 'test_panic' "
		 "(expected 0|1|yes|no|true|false|on|off)");
}

static uint32_t get_shadow(const struct hv_config *c) { return c->shadow_pages; }

static void test_shadow_values(void **state)
{
	static const struct value_case v[] = {
		{ "shadow_pages=16", true, 16 }, { "shadow_pages=65536", true, 65536 },
		{ "shadow_pages=0x200", true, 512 },
		{ "shadow_pages=15", false, 0 }, { "shadow_pages=0", false, 0 },
		{ "shadow_pages=65537", false, 0 }, { "shadow_pages=", false, 0 },
		{ "shadow_pages=-1", false, 0 }, { "shadow_pages=4k", false, 0 },
	};

	(void)state;
	check_values(v, sizeof(v) / sizeof(v[0]), get_shadow);
	opts_err("shadow_pages=8", CONFIG_EVALUE, 1, 14,
		 "load options token 1: bad value '8' for 'shadow_pages' "
		 "(expected 16..65536 pages)");
}

/* heap=auto grows with the CPU count (16 CPUs did not fit in 16 MiB), heap= wins. */
static void test_heap_auto(void **state)
{
	struct hv_config c;

	(void)state;
	config_defaults(&c);
	assert_int_equal(config_heap_mib(&c, 1), 16);          /* never below the old default */
	assert_int_equal(config_heap_mib(&c, 8), 4 + 18);      /* 8 x (256 KiB + 512 x 4 KiB) */
	assert_int_equal(config_heap_mib(&c, 16), 4 + 36);
	assert_int_equal(config_heap_mib(&c, 64), 4 + 144);
	assert_int_equal(config_heap_mib(&c, 4096), CONFIG_HEAP_MAX_MIB);
	c.nested = false;                                      /* no shadow pools */
	assert_int_equal(config_heap_mib(&c, 32), 16);
	assert_int_equal(config_heap_mib(&c, 64), 4 + 16);
	assert_int_equal(config_heap_mib(&c, 256), 4 + 64);
	/* HV_CPUS_MAX CPUs' own part fits the maximum: past it only shadow pools shrink. */
	assert_int_equal(config_heap_mib(&c, 1024), 4 + 256);
	c.nested = true;
	c.shadow_pages = CONFIG_SHADOW_MAX;                    /* 256 MiB per vCPU */
	assert_int_equal(config_heap_mib(&c, 2), 4 + 513);
	c.heap_mib = 24;                                       /* heap= as given */
	assert_int_equal(config_heap_mib(&c, 64), 24);
}

static void test_heap_values(void **state)
{
	static const struct value_case v[] = {
		{ "heap=4", true, 4 }, { "heap=1024", true, 1024 },
		{ "heap=0x400", true, 1024 }, { "heap=16", true, 16 },
		{ "heap=3", false, 0 }, { "heap=0", false, 0 },
		{ "heap=1025", false, 0 }, { "heap=16M", false, 0 },
		{ "heap=16MiB", false, 0 }, { "heap=", false, 0 }, { "heap=auto", true, 0 },
		{ "heap=autox", false, 0 },
		{ "heap=99999999999999999999", false, 0 },
	};

	(void)state;
	check_values(v, sizeof(v) / sizeof(v[0]), get_heap);
	opts_err("heap=2048", CONFIG_EVALUE, 1, 6,
		 "load options token 1: bad value '2048' for 'heap' "
		 "(expected 4..1024 MiB or auto)");
}

static void test_options(void **state)
{
	struct hv_config c;
	struct config_error e;

	(void)state;
	config_defaults(&c);
	assert_int_equal(opts(&c, "  serial=off\tlog=trace\r\n next=x/y.efi ", &e), 0);
	assert_int_equal(c.serial_port, 0);
	assert_int_equal(c.log_level, CONFIG_LOG_TRACE);
	assert_string_equal(c.next, "x\\y.efi");
	assert_string_equal(c.args, "");

	config_defaults(&c);
	assert_int_equal(opts(&c, "next=\\vmlinuz --  root=/dev/sda1 quiet  -- x=y ", &e), 0);
	assert_string_equal(c.next, "\\vmlinuz");
	assert_string_equal(c.args, "root=/dev/sda1 quiet  -- x=y");

	/* `--` at the end: empty args; `--x` is just a bad token. */
	custom(&c);
	assert_int_equal(opts(&c, "heap=8 --", &e), 0);
	assert_string_equal(c.args, "");
	assert_int_equal(c.heap_mib, 8);
	opts_err("heap=8 --x", CONFIG_ESYNTAX, 2, 8,
		 "load options token 2: missing '=' in '--x'");

	/* Empty, blank-only, and trailing NULs (LoadOptionsSize counts them). */
	custom(&c);
	assert_int_equal(opts(&c, "", &e), 0);
	assert_int_equal(opts(&c, " \t ", &e), 0);
	assert_int_equal(config_parse_options(&c, "log=warn\0\0", 10, &e), 0);
	assert_int_equal(c.log_level, CONFIG_LOG_WARN);
}

static void test_options_errors(void **state)
{
	struct hv_config c, d;
	struct config_error e;

	(void)state;
	opts_err("log=info seriall=1", CONFIG_EUNKNOWN, 2, 10,
		 "load options token 2: unknown option 'seriall'");
	opts_err("log=info quiet", CONFIG_ESYNTAX, 2, 10,
		 "load options token 2: missing '=' in 'quiet'");
	opts_err("=3", CONFIG_ESYNTAX, 1, 1,
		 "load options token 1: missing option name before '='");
	opts_err("log=info log=warn", CONFIG_EDUP, 2, 10,
		 "load options token 2: duplicate option 'log'");
	opts_err("args=a -- b", CONFIG_EDUP, 3, 11,
		 "load options token 3: duplicate option 'args'");
	opts_err("log=info next=\x01", CONFIG_EBYTE, 2, 15,
		 "load options token 2: non-printable byte 0x1 at column 15");
	opts_err("next=a -- b\x80", CONFIG_EBYTE, 3, 12,
		 "load options token 3: non-printable byte 0x80 at column 12");

	custom(&c);
	d = c;
	assert_int_equal(config_parse_options(&c, "log=warn\0heap=8", 15, &e), CONFIG_EBYTE);
	assert_string_equal(e.msg, "load options token 1: NUL byte at column 9");
	assert_memory_equal(&c, &d, sizeof(c));

	/* No err: still fails, still leaves the config alone. */
	assert_int_equal(opts(&c, "log=info log=info", NULL), CONFIG_EDUP);
	assert_memory_equal(&c, &d, sizeof(c));
	assert_int_equal(config_parse_options(NULL, "log=info", 8, &e), CONFIG_EINVAL);
	assert_int_equal(e.code, CONFIG_EINVAL);
	assert_int_equal(config_parse_file(&c, NULL, 5, NULL), CONFIG_EINVAL);
}

/* File first, then load options: later sources win, field by field. */
static void test_override(void **state)
{
	struct hv_config c;
	struct config_error e;

	(void)state;
	config_defaults(&c);
	assert_int_equal(file(&c, "next=\\a.efi\nargs=one two\nlog=debug\nheap=64\n", &e), 0);
	assert_int_equal(opts(&c, "log=warn next=\\b.efi", &e), 0);
	assert_string_equal(c.next, "\\b.efi");
	assert_string_equal(c.args, "one two");
	assert_int_equal(c.log_level, CONFIG_LOG_WARN);
	assert_int_equal(c.heap_mib, 64);
	assert_int_equal(c.serial_port, 0x3f8);

	/* A key may appear once per source, but in both sources. */
	assert_int_equal(opts(&c, "args= -- three", &e), CONFIG_EDUP);
	assert_int_equal(opts(&c, "-- three", &e), 0);
	assert_string_equal(c.args, "three");

	/* A bad option file changes nothing, even its valid lines. */
	assert_int_equal(file(&c, "heap=8\nlog=loud\n", &e), CONFIG_EVALUE);
	assert_int_equal(e.line, 2);
	assert_int_equal(c.heap_mib, 64);
}

/* escape= takes hv/debug/escape.c's caret notation; its reasons reach the message. */
static void test_escape_values(void **state)
{
	struct hv_config c;

	(void)state;
	config_defaults(&c);
	assert_int_equal(file(&c, "escape=^]^]x\n", NULL), 0);
	assert_int_equal(c.escape.len, 3);
	assert_memory_equal(c.escape.bytes, "\x1d\x1dx", 3);
	assert_int_equal(opts(&c, "escape=OFF", NULL), 0);
	assert_int_equal(c.escape.len, 0);
	assert_int_equal(opts(&c, "escape=^_\\x01", NULL), 0);
	assert_int_equal(c.escape.len, 2);
	assert_int_equal(c.escape.bytes[1], 1);
	file_err("escape=^\\\n", CONFIG_EVALUE, 1, 8,
		 "svmhv.cfg line 1: bad value '^\\' for 'escape': needs at least 2 bytes");
	file_err("escape=ab\n", CONFIG_EVALUE, 1, 8,
		 "svmhv.cfg line 1: bad value 'ab' for 'escape': must start with a rarely "
		 "typed control character such as ^\\ ^] ^^ ^_ (not printable, NUL, ^C ^D ^H "
		 "^I ^J ^M ^Q ^S ^Z ESC or DEL)");
	opts_err("escape=^1^1", CONFIG_EVALUE, 1, 8,
		 "load options token 1: bad value '^1^1' for 'escape': '^1' is not a control "
		 "character (use ^@..^_, ^a..^z or ^?)");
	file_err("escape=^\\^\\^\\^\\^\\^\\^\\^\\^\\\n", CONFIG_EVALUE, 1, 8,
		 "svmhv.cfg line 1: bad value '^\\^\\^\\^\\^\\^\\^\\^\\^\\' for 'escape': longer than 8 bytes");
	file_err("escape=aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\n", CONFIG_ETOOLONG, 1, 8,
		 "svmhv.cfg line 1: value too long for 'escape' (max 48)");
	file_err("escape=\n", CONFIG_EVALUE, 1, 8,
		 "svmhv.cfg line 1: bad value '' for 'escape': empty (use \"off\" to disable)");
}

/* debug_serial= is a port like serial=, and never the same one. */
static void test_debug_serial_values(void **state)
{
	struct hv_config c;
	struct config_error e;

	(void)state;
	config_defaults(&c);
	assert_int_equal(file(&c, "debug_serial=0x2f8\n", NULL), 0);
	assert_int_equal(c.debug_serial, 0x2f8);
	assert_int_equal(opts(&c, "debug_serial=none", NULL), 0);
	assert_int_equal(c.debug_serial, 0);
	file_err("debug_serial=0\n", CONFIG_EVALUE, 1, 14,
		 "svmhv.cfg line 1: bad value '0' for 'debug_serial' (expected 1..0xfff8, off or none)");
	file_err("debug_serial=0x2f8\nserial=0x2f8\n", CONFIG_EVALUE, 2, 0,
		 "svmhv.cfg line 2: debug_serial=0x2f8 is also serial=: svmhv's own line "
		 "must be a second UART (or leave it off)");
	/* Across sources: the file's serial= and the load options' debug_serial=. */
	config_defaults(&c);
	assert_int_equal(file(&c, "serial=0x2f8\n", NULL), 0);
	assert_int_equal(opts(&c, "debug_serial=0x2f8", &e), CONFIG_EVALUE);
	assert_int_equal(c.debug_serial, 0);
	assert_int_equal(opts(&c, "debug_serial=0x3f8", &e), 0);
	assert_int_equal(c.debug_serial, 0x3f8);
}

static void test_format(void **state)
{
	struct hv_config c;
	char buf[256];
	int n;

	(void)state;
	config_defaults(&c);
	n = config_format(&c, buf, sizeof(buf));
	assert_string_equal(buf, "serial=0x3f8 log=info force_tlb_flush=off heap=auto "
			    "nested=on shadow_pages=512 escape=^\\^\\ debug_serial=off shutdown=reset "
			    "hypercalls=cpl0 dma_protect=auto microcode=auto next=none args=''");
	assert_int_equal(n, (int)strlen(buf));

	assert_int_equal(file(&c, "serial=off\nlog=4\nforce_tlb_flush=1\nheap=1024\n"
			      "nested=no\nshadow_pages=16\nnext=\\EFI\\x.efi\nargs=a b=c\nescape=off\n"
			      "debug_serial=0x2f8\nshutdown=halt\nhypercalls=all\n"
			      "dma_protect=required\ntest_fail_cpu=2\nmicrocode=off\nvgif=off\n"
			      "test_panic=1\n", NULL), 0);
	n = config_format(&c, buf, sizeof(buf));
	assert_string_equal(buf, "serial=off log=trace force_tlb_flush=on heap=1024MiB "
			    "nested=off shadow_pages=16 escape=off debug_serial=0x2f8 shutdown=halt "
			    "hypercalls=all dma_protect=required vgif=off test_fail_cpu=2 test_panic=on "
			    "microcode=off "
			    "next=\\EFI\\x.efi "
			    "args='a b=c'");

	/* Truncated and terminated like hv_snprintf: the bytes stored are counted. */
	char small[10];
	memset(small, 'z', sizeof(small));
	assert_int_equal(config_format(&c, small, sizeof(small)), 9);
	assert_string_equal(small, "serial=of");
	assert_int_equal(config_format(&c, small, 0), 0);
	assert_int_equal(small[0], 's');
	assert_int_equal(config_format(&c, NULL, 0), 0);

	/* Full-length fields fit a big enough buffer. */
	char *big = malloc(2048);
	memset(c.next, 'n', CONFIG_NEXT_MAX);
	memset(c.args, 'a', CONFIG_ARGS_MAX);
	n = config_format(&c, big, 2048);
	assert_int_equal(n, (int)strlen(big));
	assert_true(n > CONFIG_NEXT_MAX + CONFIG_ARGS_MAX);
	free(big);
}

/* shutdown= and hypercalls=: each word, and a bad value with its message. */
static void test_shutdown_hypercalls_values(void **state)
{
	struct hv_config c;
	struct config_error e;

	(void)state;
	config_defaults(&c);
	assert_int_equal(c.shutdown, 0);
	assert_false(c.hc_user);
	assert_int_equal(file(&c, "shutdown=HALT\nhypercalls=all\n", &e), 0);
	assert_int_equal(c.shutdown, 1);
	assert_true(c.hc_user);
	assert_int_equal(file(&c, "shutdown=reset\nhypercalls=cpl0\n", &e), 0);
	assert_int_equal(c.shutdown, 0);
	assert_false(c.hc_user);
	assert_int_equal(file(&c, "shutdown=poweroff\n", &e), CONFIG_EVALUE);
	assert_string_equal(e.msg, "svmhv.cfg line 1: bad value 'poweroff' for 'shutdown' "
			    "(expected reset or halt)");
	assert_int_equal(file(&c, "hypercalls=1\n", &e), CONFIG_EVALUE);
	assert_string_equal(e.msg, "svmhv.cfg line 1: bad value '1' for 'hypercalls' "
			    "(expected cpl0 or all)");
	/* serial_given says whether the port came from the user. */
	config_defaults(&c);
	assert_false(c.serial_given);
	assert_int_equal(file(&c, "debug_serial=0x2e8\n", &e), 0);
	assert_false(c.serial_given);   /* svmhv's own port is not serial= */
	assert_int_equal(file(&c, "serial=0x2f8\n", &e), 0);
	assert_true(c.serial_given);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_defaults),
		cmocka_unit_test(test_file_full),
		cmocka_unit_test(test_file_empty),
		cmocka_unit_test(test_file_errors),
		cmocka_unit_test(test_file_bytes),
		cmocka_unit_test(test_file_line_length),
		cmocka_unit_test(test_value_length),
		cmocka_unit_test(test_serial_values),
		cmocka_unit_test(test_log_values),
		cmocka_unit_test(test_flush_values),
		cmocka_unit_test(test_nested_values),
		cmocka_unit_test(test_vgif_values),
		cmocka_unit_test(test_shadow_values),
		cmocka_unit_test(test_heap_values),
		cmocka_unit_test(test_heap_auto),
		cmocka_unit_test(test_escape_values),
		cmocka_unit_test(test_debug_serial_values),
		cmocka_unit_test(test_dma_protect_values),
		cmocka_unit_test(test_microcode_values),
		cmocka_unit_test(test_fail_cpu_values),
		cmocka_unit_test(test_panic_values),
		cmocka_unit_test(test_options),
		cmocka_unit_test(test_options_errors),
		cmocka_unit_test(test_override),
		cmocka_unit_test(test_format),
		cmocka_unit_test(test_shutdown_hypercalls_values),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
