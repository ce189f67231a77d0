/* SPDX-License-Identifier: MIT */
/*
 * svmhv's option parser: svmhv.cfg and the image's load options share one
 * `key=value` grammar (see boot/config.h). Everything is parsed into a copy
 * that replaces the caller's config only when the whole source is valid, so
 * a typo never leaves svmhv half-configured.
 */
#include "boot/config.h"

#include <stdarg.h>

#include "hv/debug/escape.h"
#include "hv/fmt.h"

/* ---- characters and words ------------------------------------------------ */

static bool is_blank(char ch)
{
	return ch == ' ' || ch == '\t';
}

/* Load-option separators: a boot manager may hand over CR/LF too. */
static bool is_space(char ch)
{
	return is_blank(ch) || ch == '\r' || ch == '\n';
}

static char lower(char ch)
{
	return (ch >= 'A' && ch <= 'Z') ? (char)(ch - 'A' + 'a') : ch;
}

/* s[0..n) equals the NUL-terminated @word, ignoring ASCII case. */
static bool word_eq(const char *s, size_t n, const char *word)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (word[i] == '\0' || lower(s[i]) != word[i])
			return false;
	return word[n] == '\0';
}

/* Index of the first byte that may not appear in an option, or n. */
static size_t bad_byte(const char *s, size_t n, bool allow_high)
{
	size_t i;

	for (i = 0; i < n; i++) {
		uint8_t b = (uint8_t)s[i];

		if (b == '\t')
			continue;
		if (b < 0x20 || b == 0x7f || (b >= 0x80 && !allow_high))
			return i;
	}
	return n;
}

/* Decimal or 0x hex, no sign, at most @limit. */
static bool parse_uint(const char *v, size_t n, uint32_t limit, uint32_t *out)
{
	unsigned base = 10;
	uint64_t x = 0;
	size_t i = 0;

	if (n > 2 && v[0] == '0' && lower(v[1]) == 'x') {
		base = 16;
		i = 2;
	}
	if (i == n)
		return false;
	for (; i < n; i++) {
		char ch = lower(v[i]);
		unsigned d = ch >= '0' && ch <= '9' ? (unsigned)(ch - '0')
			   : ch >= 'a' && ch <= 'f' ? (unsigned)(ch - 'a' + 10) : 99;

		if (d >= base)
			return false;
		x = x * base + d;
		if (x > limit)          /* also stops any overflow */
			return false;
	}
	*out = (uint32_t)x;
	return true;
}

/* ---- option values -------------------------------------------------------- */

/* One source being parsed: its working copy and what went wrong. */
struct parser {
	struct hv_config    cfg;        /* working copy, committed on success */
	unsigned            seen;       /* bit i: options[i] given already */
	struct config_error *err;
	bool                file;
	unsigned            line;       /* file: current line */
	unsigned            token;      /* load options: current token */
	char                why[CONFIG_MSG_MAX];        /* a setter's own reason, or "" */
};

static int copy_value(char *dst, size_t max, const char *v, size_t n,
		      bool path)
{
	size_t i;

	if (n > max)
		return CONFIG_ETOOLONG;
	/* UEFI file paths use '\'; '/' is never part of a FAT name. */
	for (i = 0; i < n; i++)
		dst[i] = (path && v[i] == '/') ? '\\' : v[i];
	dst[n] = '\0';
	return 0;
}

static int set_next(struct parser *ps, const char *v, size_t n)
{
	struct hv_config *c = &ps->cfg;

	return copy_value(c->next, CONFIG_NEXT_MAX, v, n, true);
}

static int set_args(struct parser *ps, const char *v, size_t n)
{
	struct hv_config *c = &ps->cfg;

	return copy_value(c->args, CONFIG_ARGS_MAX, v, n, false);
}

/* A 16550's I/O port, or off/none (0). */
static int parse_port(const char *v, size_t n, uint16_t *port)
{
	uint32_t x;

	if (word_eq(v, n, "off") || word_eq(v, n, "none")) {
		*port = 0;
		return 0;
	}
	if (!parse_uint(v, n, CONFIG_SERIAL_MAX, &x) || x == 0)
		return CONFIG_EVALUE;
	*port = (uint16_t)x;
	return 0;
}

static int set_serial(struct parser *ps, const char *v, size_t n)
{
	ps->cfg.serial_given = true;
	return parse_port(v, n, &ps->cfg.serial_port);
}

/* svmhv's own UART for the monitor and the GDB stub; see boot/config.h. */
static int set_debug_serial(struct parser *ps, const char *v, size_t n)
{
	return parse_port(v, n, &ps->cfg.debug_serial);
}

/* The monitor's escape sequence in caret notation (hv/debug/escape.h). */
static int set_escape(struct parser *ps, const char *v, size_t n)
{
	char text[ESC_TEXT_MAX + 1];
	size_t i;

	if (word_eq(v, n, "off") || word_eq(v, n, "none")) {
		ps->cfg.escape.len = 0;
		return 0;
	}
	if (n > ESC_TEXT_MAX)
		return CONFIG_ETOOLONG;
	for (i = 0; i < n; i++)
		text[i] = v[i];
	text[n] = '\0';
	if (!esc_parse(text, &ps->cfg.escape, ps->why, sizeof(ps->why)))
		return 0;
	/* "escape: reason" -> "reason": the message names the option already. */
	for (i = 0; ps->why[i] && ps->why[i] == "escape: "[i]; i++)
		;
	if (i == 8)
		for (n = 0; (ps->why[n] = ps->why[n + 8]) != '\0'; n++)
			;
	return CONFIG_EVALUE;
}

static const char *const log_names[] = {
	[CONFIG_LOG_ERROR] = "error", [CONFIG_LOG_WARN] = "warn",
	[CONFIG_LOG_INFO] = "info", [CONFIG_LOG_DEBUG] = "debug",
	[CONFIG_LOG_TRACE] = "trace",
};
#define LOG_LEVELS (sizeof(log_names) / sizeof(log_names[0]))

static int set_log(struct parser *ps, const char *v, size_t n)
{
	struct hv_config *c = &ps->cfg;
	uint32_t x;

	for (x = 0; x < LOG_LEVELS; x++)
		if (word_eq(v, n, log_names[x]))
			break;
	if (x == LOG_LEVELS && !parse_uint(v, n, LOG_LEVELS - 1, &x))
		return CONFIG_EVALUE;
	c->log_level = (uint8_t)x;
	return 0;
}

static int parse_bool(const char *v, size_t n, bool *out)
{
	static const char *const words[] = {    /* even: false, odd: true */
		"0", "1", "no", "yes", "false", "true", "off", "on",
	};
	size_t i;

	for (i = 0; i < sizeof(words) / sizeof(words[0]); i++) {
		if (word_eq(v, n, words[i])) {
			*out = i % 2;
			return 0;
		}
	}
	return CONFIG_EVALUE;
}

static int set_force_tlb_flush(struct parser *ps, const char *v, size_t n)
{
	struct hv_config *c = &ps->cfg;

	return parse_bool(v, n, &c->force_tlb_flush);
}

static int set_nested(struct parser *ps, const char *v, size_t n)
{
	struct hv_config *c = &ps->cfg;

	return parse_bool(v, n, &c->nested);
}

static int set_vgif(struct parser *ps, const char *v, size_t n)
{
	struct hv_config *c = &ps->cfg;

	return parse_bool(v, n, &c->vgif);
}

static int set_shadow_pages(struct parser *ps, const char *v, size_t n)
{
	struct hv_config *c = &ps->cfg;
	uint32_t x;

	if (!parse_uint(v, n, CONFIG_SHADOW_MAX, &x) || x < CONFIG_SHADOW_MIN)
		return CONFIG_EVALUE;
	c->shadow_pages = x;
	return 0;
}

static int set_heap(struct parser *ps, const char *v, size_t n)
{
	struct hv_config *c = &ps->cfg;
	uint32_t x;

	if (word_eq(v, n, "auto")) {
		c->heap_mib = 0;
		return 0;
	}
	if (!parse_uint(v, n, CONFIG_HEAP_MAX_MIB, &x) ||
	    x < CONFIG_HEAP_MIN_MIB)
		return CONFIG_EVALUE;
	c->heap_mib = x;
	return 0;
}

static int set_shutdown(struct parser *ps, const char *v, size_t n)
{
	struct hv_config *c = &ps->cfg;

	if (word_eq(v, n, "reset"))
		c->shutdown = 0;
	else if (word_eq(v, n, "halt"))
		c->shutdown = 1;
	else
		return CONFIG_EVALUE;
	return 0;
}

static int set_hypercalls(struct parser *ps, const char *v, size_t n)
{
	struct hv_config *c = &ps->cfg;

	if (word_eq(v, n, "cpl0"))
		c->hc_user = false;
	else if (word_eq(v, n, "all"))
		c->hc_user = true;
	else
		return CONFIG_EVALUE;
	return 0;
}

static const char *const dma_names[] = {
	[CONFIG_DMA_AUTO] = "auto", [CONFIG_DMA_REQUIRED] = "required", [CONFIG_DMA_OFF] = "off",
};
#define DMA_MODES (sizeof(dma_names) / sizeof(dma_names[0]))

static int set_dma_protect(struct parser *ps, const char *v, size_t n)
{
	size_t x;

	for (x = 0; x < DMA_MODES; x++) {
		if (word_eq(v, n, dma_names[x])) {
			ps->cfg.dma_protect = (uint8_t)x;
			return 0;
		}
	}
	return CONFIG_EVALUE;
}

static const char *const microcode_names[] = {
	[CONFIG_MICROCODE_AUTO] = "auto", [CONFIG_MICROCODE_OFF] = "off",
};
#define MICROCODE_MODES (sizeof(microcode_names) / sizeof(microcode_names[0]))

static int set_microcode(struct parser *ps, const char *v, size_t n)
{
	for (size_t x = 0; x < MICROCODE_MODES; x++) {
		if (word_eq(v, n, microcode_names[x])) {
			ps->cfg.microcode = (uint8_t)x;
			return 0;
		}
	}
	return CONFIG_EVALUE;
}

/* The boot CPU (index 0) cannot be the one that fails: nothing would run. */
static int set_test_fail_cpu(struct parser *ps, const char *v, size_t n)
{
	uint32_t x;

	if (!parse_uint(v, n, CONFIG_TEST_FAIL_CPU_MAX, &x))
		return CONFIG_EVALUE;
	ps->cfg.test_fail_cpu = x;
	return 0;
}

static int set_test_panic(struct parser *ps, const char *v, size_t n)
{
	return parse_bool(v, n, &ps->cfg.test_panic);
}

#define STR_(x) #x
#define STR(x) STR_(x)
#define BAD(name, expected) " for '" name "' (expected " expected ")"
#define LONG(name, max) "value too long for '" name "' (max " STR(max) ")"

struct option {
	const char *name;
	int (*set)(struct parser *ps, const char *v, size_t n);
	const char *bad_value;  /* message tails, see fail_value() */
	const char *too_long;
};

static const struct option options[] = {
	{ "next", set_next, BAD("next", "a path"), LONG("next", CONFIG_NEXT_MAX) },
	{ "args", set_args, BAD("args", "text"), LONG("args", CONFIG_ARGS_MAX) },
	{ "serial", set_serial, BAD("serial", "1..0xfff8, off or none"), 0 },
	{ "log", set_log, BAD("log", "error|warn|info|debug|trace or 0..4"), 0 },
	{ "force_tlb_flush", set_force_tlb_flush,
	  BAD("force_tlb_flush", "0|1|yes|no|true|false|on|off"), 0 },
	{ "heap", set_heap, BAD("heap", "4..1024 MiB or auto"), 0 },
	{ "nested", set_nested, BAD("nested", "0|1|yes|no|true|false|on|off"), 0 },
	{ "vgif", set_vgif, BAD("vgif", "0|1|yes|no|true|false|on|off"), 0 },
	{ "escape", set_escape, BAD("escape", "caret notation such as ^\\^\\, or off"),
	  LONG("escape", ESC_TEXT_MAX) },
	{ "debug_serial", set_debug_serial, BAD("debug_serial", "1..0xfff8, off or none"), 0 },
	{ "shutdown", set_shutdown, BAD("shutdown", "reset or halt"), 0 },
	{ "hypercalls", set_hypercalls, BAD("hypercalls", "cpl0 or all"), 0 },
	{ "dma_protect", set_dma_protect, BAD("dma_protect", "required|auto|off"), 0 },
	{ "test_fail_cpu", set_test_fail_cpu, BAD("test_fail_cpu", "0..1023, an AP's index"), 0 },
	{ "test_panic", set_test_panic, BAD("test_panic", "0|1|yes|no|true|false|on|off"), 0 },
	{ "shadow_pages", set_shadow_pages, BAD("shadow_pages", "16..65536 pages"), 0 },
	{ "microcode", set_microcode, BAD("microcode", "auto or off"), 0 },
};
#define NOPTIONS (sizeof(options) / sizeof(options[0]))

/* ---- one source ----------------------------------------------------------- */

/* Record an error and its message "<where>: <text>". */
static int fail_msg(struct parser *ps, int code, size_t col, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));
static int fail_msg(struct parser *ps, int code, size_t col, const char *fmt, ...)
{
	struct config_error *e = ps->err;
	va_list ap;
	int n;

	if (!e)
		return code;
	e->code = code;
	e->line = ps->file ? ps->line : 0;
	e->column = (unsigned)col;
	e->token = ps->file ? 0 : ps->token;
	n = hv_snprintf(e->msg, sizeof(e->msg), "%s %u: ",
			ps->file ? "svmhv.cfg line" : "load options token",
			ps->file ? ps->line : ps->token);
	va_start(ap, fmt);
	hv_vsnprintf(e->msg + n, sizeof(e->msg) - (size_t)n, fmt, ap);
	va_end(ap);
	return code;
}

/* User text in messages: quoted, cut at 32 bytes so the message fits. */
#define QUOTE_MAX 32

/* "<where>: <text>['quoted']<tail>", the shape of most messages. */
static int fail(struct parser *ps, int code, size_t col, const char *text,
		const char *q, size_t qn, const char *tail)
{
	if (!q)
		return fail_msg(ps, code, col, "%s%s", text, tail);
	return fail_msg(ps, code, col, "%s'%.*s%s'%s", text,
			(int)(qn < QUOTE_MAX ? qn : QUOTE_MAX), q, qn > QUOTE_MAX ? "..." : "",
			tail);
}

static int fail_byte(struct parser *ps, uint8_t b, size_t col)
{
	if (b)
		return fail_msg(ps, CONFIG_EBYTE, col, "non-printable byte 0x%x at column %zu",
				b, col);
	return fail_msg(ps, CONFIG_EBYTE, col, "NUL byte at column %zu", col);
}

static int fail_value(struct parser *ps, int rc, const struct option *opt,
		      const char *v, size_t n, size_t col)
{
	if (rc == CONFIG_ETOOLONG)
		return fail(ps, rc, col, opt->too_long, 0, 0, "");
	if (ps->why[0])         /* the setter knows better than the table */
		return fail_msg(ps, rc, col, "bad value '%.*s%s' for '%s': %s",
				(int)(n < QUOTE_MAX ? n : QUOTE_MAX), v, n > QUOTE_MAX ? "..." : "",
				opt->name, ps->why);
	return fail(ps, rc, col, "bad value ", v, n, opt->bad_value);
}

static int find_option(const char *key, size_t klen)
{
	int i;

	for (i = 0; i < (int)NOPTIONS; i++)
		if (word_eq(key, klen, options[i].name))
			return i;
	return -1;
}

/* Apply key=value; kcol and vcol are the 1-based columns for errors. */
static int apply(struct parser *ps, const char *key, size_t klen, size_t kcol,
		 const char *val, size_t vlen, size_t vcol)
{
	int i = find_option(key, klen), rc;

	if (i < 0)
		return fail(ps, CONFIG_EUNKNOWN, kcol, "unknown option ", key, klen, "");
	if (ps->seen & (1u << i))
		return fail(ps, CONFIG_EDUP, kcol, "duplicate option ", key, klen, "");
	ps->why[0] = '\0';
	rc = options[i].set(ps, val, vlen);
	if (rc)
		return fail_value(ps, rc, &options[i], val, vlen, vcol);
	ps->seen |= 1u << i;
	return 0;
}

/* One `key=value` with no blanks around it; col is the 1-based column. */
static int parse_pair(struct parser *ps, const char *s, size_t n, size_t col)
{
	size_t eq, kend, v;

	for (eq = 0; eq < n && s[eq] != '='; eq++)
		;
	if (eq == n)
		return fail(ps, CONFIG_ESYNTAX, col, "missing '=' in ", s, n, "");
	for (kend = eq; kend > 0 && is_blank(s[kend - 1]); kend--)
		;
	if (kend == 0)
		return fail(ps, CONFIG_ESYNTAX, col, "missing option name before '='", 0, 0, "");
	for (v = eq + 1; v < n && is_blank(s[v]); v++)
		;
	return apply(ps, s, kend, col, s + v, n - v, col + v);
}

/* ---- svmhv.cfg ------------------------------------------------------------- */

static int parse_line(struct parser *ps, const char *s, size_t n)
{
	size_t b = 0, e = n, bad;

	if (n > CONFIG_LINE_MAX)
		return fail(ps, CONFIG_ELINE, CONFIG_LINE_MAX + 1,
			    "line too long (max " STR(CONFIG_LINE_MAX) " chars)", 0, 0, "");
	while (b < n && is_blank(s[b]))
		b++;
	/* Comments may hold UTF-8; options are ASCII (UEFI paths are UCS-2). */
	bad = bad_byte(s, n, b < n && s[b] == '#');
	if (bad < n)
		return fail_byte(ps, (uint8_t)s[bad], bad + 1);
	if (b == n || s[b] == '#')
		return 0;
	while (e > b && is_blank(s[e - 1]))
		e--;
	return parse_pair(ps, s + b, e - b, b + 1);
}

static int parse_file(struct parser *ps, const char *t, size_t len)
{
	size_t pos = 0;

	/* Windows editors like to start a text file with a UTF-8 BOM. */
	if (len >= 3 && (uint8_t)t[0] == 0xef && (uint8_t)t[1] == 0xbb &&
	    (uint8_t)t[2] == 0xbf)
		pos = 3;
	while (pos < len) {
		size_t end = pos, n;
		int rc;

		while (end < len && t[end] != '\n')
			end++;
		n = end - pos;
		if (n > 0 && t[pos + n - 1] == '\r')
			n--;
		ps->line++;
		rc = parse_line(ps, t + pos, n);
		if (rc)
			return rc;
		pos = end + 1;
	}
	return 0;
}

/* ---- load options ----------------------------------------------------------- */

static int parse_token(struct parser *ps, const char *s, size_t n, size_t col)
{
	size_t bad = bad_byte(s, n, false);

	if (bad < n)
		return fail_byte(ps, (uint8_t)s[bad], col + bad);
	return parse_pair(ps, s, n, col);
}

/* Everything after `--`, trimmed, is the next image's load options. */
static int parse_rest(struct parser *ps, const char *s, size_t n, size_t col)
{
	size_t b = 0, bad;

	while (b < n && is_space(s[b]))
		b++;
	while (n > b && is_space(s[n - 1]))
		n--;
	s += b;
	n -= b;
	col += b;
	bad = bad_byte(s, n, false);
	if (bad < n)
		return fail_byte(ps, (uint8_t)s[bad], col + bad);
	return apply(ps, "args", 4, col, s, n, col);
}

static int parse_options(struct parser *ps, const char *t, size_t len)
{
	size_t pos = 0;

	while (len > 0 && t[len - 1] == '\0')
		len--;
	for (;;) {
		size_t end;
		int rc;

		while (pos < len && is_space(t[pos]))
			pos++;
		if (pos == len)
			return 0;
		for (end = pos; end < len && !is_space(t[end]); end++)
			;
		ps->token++;
		if (end - pos == 2 && t[pos] == '-' && t[pos + 1] == '-') {
			ps->token++;
			return parse_rest(ps, t + end, len - end, end + 1);
		}
		rc = parse_token(ps, t + pos, end - pos, pos + 1);
		if (rc)
			return rc;
		pos = end;
	}
}

/* ---- API -------------------------------------------------------------------- */

/*
 * heap=auto: the shared part, then per vCPU its VMCBs, stacks and nested
 * state (CONFIG_HEAP_CPU_KIB) and, with nested=on, its pool of shadow_pages;
 * never less than the old fixed default, never more than heap= accepts. With
 * too little, CPUs are parked (boot/efi_park.c) and shadow pools shrink.
 */
uint32_t config_heap_mib(const struct hv_config *c, uint32_t ncpu)
{
	uint64_t kib, mib;

	if (c->heap_mib)
		return c->heap_mib;
	kib = (uint64_t)CONFIG_HEAP_CPU_KIB + (c->nested ? (uint64_t)c->shadow_pages * 4 : 0);
	mib = CONFIG_HEAP_BASE_MIB + (kib * ncpu + 1023) / 1024;
	if (mib < CONFIG_DEFAULT_HEAP_MIB)
		mib = CONFIG_DEFAULT_HEAP_MIB;
	return mib > CONFIG_HEAP_MAX_MIB ? CONFIG_HEAP_MAX_MIB : (uint32_t)mib;
}

void config_defaults(struct hv_config *c)
{
	*c = (struct hv_config){
		.serial_port = CONFIG_DEFAULT_SERIAL,
		.log_level = CONFIG_DEFAULT_LOG,
		.force_tlb_flush = false,
		.nested = true,
		.vgif = true,
		.heap_mib = 0,                  /* auto */
		.dma_protect = CONFIG_DMA_AUTO,
		.test_fail_cpu = 0,
		.test_panic = false,
		.shadow_pages = CONFIG_DEFAULT_SHADOW,
		.microcode = CONFIG_MICROCODE_AUTO,
	};
	esc_parse(ESC_DEFAULT, &c->escape, NULL, 0);
}

static int parse(struct hv_config *c, const char *text, size_t len,
		 struct config_error *err, bool file)
{
	struct parser ps = { .err = err, .file = file };
	int rc;

	if (err) {
		err->code = 0;
		err->line = err->column = err->token = 0;
		err->msg[0] = '\0';
	}
	if (!c || (!text && len))
		return fail(&ps, CONFIG_EINVAL, 0, "no config or text", 0, 0, "");
	ps.cfg = *c;
	rc = file ? parse_file(&ps, text, len) : parse_options(&ps, text, len);
	if (rc == 0 && ps.cfg.debug_serial && ps.cfg.debug_serial == ps.cfg.serial_port)
		rc = fail_msg(&ps, CONFIG_EVALUE, 0, "debug_serial=0x%x is also serial=: "
			      "svmhv's own line must be a second UART (or leave it off)",
			      ps.cfg.debug_serial);
	if (rc == 0)
		*c = ps.cfg;
	return rc;
}

int config_parse_file(struct hv_config *c, const char *text, size_t len,
		      struct config_error *err)
{
	return parse(c, text, len, err, true);
}

int config_parse_options(struct hv_config *c, const char *text, size_t len,
			 struct config_error *err)
{
	return parse(c, text, len, err, false);
}

int config_format(const struct hv_config *c, char *buf, size_t len)
{
	char serial[8] = "off", dbg[8] = "off", log[8], esc[ESC_MAX_LEN * 4 + 1];
	char knob[56] = "", heap[16] = "auto";
	int k = 0;

	if (c->serial_port)
		hv_snprintf(serial, sizeof(serial), "0x%x", c->serial_port);
	if (c->debug_serial)
		hv_snprintf(dbg, sizeof(dbg), "0x%x", c->debug_serial);
	esc_format(&c->escape, esc, sizeof(esc));
	if (c->log_level < LOG_LEVELS)
		hv_snprintf(log, sizeof(log), "%s", log_names[c->log_level]);
	else
		hv_snprintf(log, sizeof(log), "%u", c->log_level);
	if (!c->vgif)                   /* the default stays out of the line */
		k = hv_snprintf(knob, sizeof(knob), " vgif=off");
	if (c->test_fail_cpu)
		k += hv_snprintf(knob + k, sizeof(knob) - (size_t)k, " test_fail_cpu=%u",
				 c->test_fail_cpu);
	if (c->test_panic)
		hv_snprintf(knob + k, sizeof(knob) - (size_t)k, " test_panic=on");
	if (c->heap_mib)
		hv_snprintf(heap, sizeof(heap), "%uMiB", c->heap_mib);
	return hv_snprintf(buf, buf ? len : 0,
			   "serial=%s log=%s force_tlb_flush=%s heap=%s nested=%s shadow_pages=%u "
			   "escape=%s debug_serial=%s shutdown=%s hypercalls=%s dma_protect=%s%s "
			   "microcode=%s next=%s args='%s'",
			   serial, log, c->force_tlb_flush ? "on" : "off", heap,
			   c->nested ? "on" : "off", c->shadow_pages, esc, dbg,
			   c->shutdown ? "halt" : "reset", c->hc_user ? "all" : "cpl0",
			   c->dma_protect < DMA_MODES ? dma_names[c->dma_protect] : "?", knob,
			   c->microcode < MICROCODE_MODES ? microcode_names[c->microcode] : "?",
			   c->next[0] ? c->next : "none", c->args);
}
