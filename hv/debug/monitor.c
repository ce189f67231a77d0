/* SPDX-License-Identifier: MIT */
/*
 * The monitor's line editor, argument parsing and command table (see
 * monitor.h). Commands live in mon_cmds.c, VMCB and walk printing in
 * mon_print.c.
 */
#include "hv/debug/mon_internal.h"

#include <stdarg.h>

#include "hv/fmt.h"

#define PROMPT  "svmhv> "

/* ---- output ------------------------------------------------------------------ */

void mon_printf(struct mon *m, const char *fmt, ...)
{
	char buf[256];
	va_list ap;

	va_start(ap, fmt);
	hv_vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	if (m->ops->put)
		m->ops->put(m->ctx, buf);
}

bool mon_streq(const char *a, const char *b)
{
	while (*a && *a == *b) {
		a++;
		b++;
	}
	return *a == *b;
}

bool mon_need(struct mon *m, const void *op, const char *what)
{
	if (!op)
		mon_printf(m, "error: %s is not available in this build\r\n", what);
	return op != NULL;
}

/* ---- numbers -------------------------------------------------------------------- */

static int digit(char c, unsigned base)
{
	int d = c >= '0' && c <= '9' ? c - '0'
	      : c >= 'a' && c <= 'f' ? c - 'a' + 10
	      : c >= 'A' && c <= 'F' ? c - 'A' + 10 : 99;

	return d < (int)base ? d : -1;
}

/* Whole-token number: no sign, no junk, no overflow. */
static bool parse_u64(const char *s, unsigned base, uint64_t *v)
{
	uint64_t x = 0;
	int d;

	if (s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) {
		base = 16;
		s += 2;
	}
	if (!*s)
		return false;
	for (; *s; s++) {
		d = digit(*s, base);
		if (d < 0 || x > (UINT64_MAX - (uint64_t)d) / base)
			return false;
		x = x * base + (uint64_t)d;
	}
	*v = x;
	return true;
}

bool mon_arg_addr(struct mon *m, const char *s, uint64_t *v)
{
	if (parse_u64(s, 16, v))
		return true;
	mon_printf(m, "error: '%s' is not an address (hex, 0x optional, at most 64 bits)\r\n", s);
	return false;
}

bool mon_arg_count(struct mon *m, const char *s, uint64_t max, uint64_t *v)
{
	if (!parse_u64(s, 10, v)) {
		mon_printf(m, "error: '%s' is not a number (decimal, or hex with 0x)\r\n", s);
		return false;
	}
	if (*v == 0 || *v > max) {
		mon_printf(m, "error: %s is out of range (1..%llu)\r\n", s, (unsigned long long)max);
		return false;
	}
	return true;
}

bool mon_arg_vcpu(struct mon *m, const char *s, unsigned *vcpu)
{
	unsigned n = m->ops->nr_vcpus ? m->ops->nr_vcpus(m->ctx) : 0;
	uint64_t v;

	if (!parse_u64(s, 10, &v)) {
		mon_printf(m, "error: '%s' is not a vCPU number\r\n", s);
		return false;
	}
	if (v >= n) {
		mon_printf(m, "error: no vCPU %s (vCPUs are 0..%u)\r\n", s, n ? n - 1 : 0);
		return false;
	}
	*vcpu = (unsigned)v;
	return true;
}

/* ---- commands ---------------------------------------------------------------------- */

static enum mon_verdict cmd_help(struct mon *m, int argc, char **argv);

static enum mon_verdict cmd_leave(struct mon *m, int argc, char **argv)
{
	mon_printf(m, "resuming the guest\r\n");
	return MON_LEAVE;
}

static enum mon_verdict cmd_gdb(struct mon *m, int argc, char **argv)
{
	mon_printf(m, "the line is now the GDB stub's: on the host run\r\n"
		   "  gdb -ex 'target remote /dev/ttyS0'   (detach to give it back)\r\n");
	return MON_GDB;
}

/* The grammar, one row per command: name, arguments, argument count, help. */
static const struct mon_cmd {
	const char *name, *args, *help;
	int min_args, max_args;
	mon_cmd_fn fn;
} cmds[] = {
	{ "help", "[COMMAND]", "list commands, or explain one", 0, 1, cmd_help },
	{ "vcpus", "", "every vCPU: L1/L2, RIP, CPL, last exit, exit count", 0, 0, mon_cmd_vcpus },
	{ "vmcb", "N [01|02|12]", "decode vCPU N's vmcb01 (default), vmcb02 or its vmcb12 copy",
	  1, 2, mon_cmd_vmcb },
	{ "exits", "[N]", "exit counts and rates by reason, for all vCPUs or vCPU N", 0, 1,
	  mon_cmd_exits },
	{ "tlb", "[N]", "ASIDs and TLB flushes by reason, for all vCPUs or vCPU N", 0, 1,
	  mon_cmd_tlb },
	{ "npt", "ADDR [N]", "walk svmhv's nested tables and vCPU N's shadow for GPA ADDR",
	  1, 2, mon_cmd_npt },
	{ "gva", "N ADDR", "translate ADDR through vCPU N's own page tables", 2, 2, mon_cmd_gva },
	{ "mem", "ADDR [LEN]", "hexdump guest-physical memory (LEN 1..4096, default 64)", 1, 2,
	  mon_cmd_mem },
	{ "vmem", "N ADDR [LEN]", "hexdump guest-virtual memory as vCPU N sees it", 2, 3,
	  mon_cmd_vmem },
	{ "log", "[LEVEL] [+AREA|-AREA|all|none]...", "show or set the log level and areas",
	  0, MON_MAX_ARGS - 1, mon_cmd_log },
	{ "trace", "N [COUNT]", "the last COUNT exits of vCPU N (1..64, default 16)", 1, 2,
	  mon_cmd_trace },
	{ "nmi", "N", "inject an NMI into vCPU N's guest", 1, 1, mon_cmd_nmi },
	{ "reset", "[yes]", "reset the machine (asks for 'reset yes')", 0, 1, mon_cmd_reset },
	{ "gdb", "", "hand the serial line to the GDB stub", 0, 0, cmd_gdb },
	{ "continue", "", "leave the monitor, resume the guest (also: quit, c)", 0, 0, cmd_leave },
	{ "quit", "", NULL, 0, 0, cmd_leave },
	{ "c", "", NULL, 0, 0, cmd_leave },
};
#define NR_CMDS (sizeof(cmds) / sizeof(cmds[0]))

static const struct mon_cmd *find_cmd(const char *name)
{
	size_t i;

	for (i = 0; i < NR_CMDS; i++)
		if (mon_streq(cmds[i].name, name))
			return &cmds[i];
	return NULL;
}

static enum mon_verdict cmd_help(struct mon *m, int argc, char **argv)
{
	const struct mon_cmd *c;
	size_t i;

	if (argc == 2) {
		c = find_cmd(argv[1]);
		if (!c) {
			mon_printf(m, "error: no command '%s'\r\n", argv[1]);
			return MON_STAY;
		}
		mon_printf(m, "%s %s\r\n  %s\r\n", c->name, c->args,
			   c->help ? c->help : "leave the monitor, resume the guest");
		return MON_STAY;
	}
	for (i = 0; i < NR_CMDS; i++)
		if (cmds[i].help)
			mon_printf(m, "  %-8s %-18s %s\r\n", cmds[i].name, cmds[i].args, cmds[i].help);
	mon_printf(m, "Numbers: addresses are hex (0x optional); N, LEN, COUNT decimal or 0x hex.\r\n"
		   "Keys: Backspace/DEL erase, Ctrl-U clears the line, Ctrl-C cancels it.\r\n");
	return MON_STAY;
}

/* Split at blanks, in place; returns argc, or -1 if there are too many words. */
static int tokenize(char *s, char **argv)
{
	int argc = 0;

	for (;;) {
		while (*s == ' ' || *s == '\t')
			*s++ = '\0';
		if (!*s)
			return argc;
		if (argc == MON_MAX_ARGS)
			return -1;
		argv[argc++] = s;
		while (*s && *s != ' ' && *s != '\t')
			s++;
	}
}

enum mon_verdict mon_exec(struct mon *m, const char *line)
{
	char buf[MON_LINE_MAX + 1], *argv[MON_MAX_ARGS];
	const struct mon_cmd *c;
	size_t i;
	int argc;

	for (i = 0; i < MON_LINE_MAX && line[i]; i++)
		buf[i] = line[i];
	if (line[i]) {
		mon_printf(m, "error: line too long (at most %d characters)\r\n", MON_LINE_MAX);
		return MON_STAY;
	}
	buf[i] = '\0';
	argc = tokenize(buf, argv);
	if (argc < 0) {
		mon_printf(m, "error: too many words (at most %d)\r\n", MON_MAX_ARGS);
		return MON_STAY;
	}
	if (argc == 0)
		return MON_STAY;
	c = find_cmd(argv[0]);
	if (!c) {
		mon_printf(m, "error: unknown command '%s' (try 'help')\r\n", argv[0]);
		return MON_STAY;
	}
	if (argc - 1 < c->min_args || argc - 1 > c->max_args) {
		mon_printf(m, "error: usage: %s %s\r\n", c->name, c->args);
		return MON_STAY;
	}
	return c->fn(m, argc, argv);
}

/* ---- line editor ------------------------------------------------------------------------ */

void mon_init(struct mon *m, const struct mon_ops *ops, void *ctx)
{
	m->ops = ops;
	m->ctx = ctx;
	m->len = 0;
	m->too_long = m->last_cr = false;
	m->esc = 0;
	m->have_snap = false;
}

void mon_enter(struct mon *m)
{
	m->len = 0;
	m->too_long = m->last_cr = false;
	m->esc = 0;
	mon_printf(m, "\r\nsvmhv monitor: all vCPUs stopped; 'help' lists commands, "
		   "'continue' resumes.\r\n" PROMPT);
}

static void erase_chars(struct mon *m, size_t n)
{
	while (n--)
		mon_printf(m, "\b \b");
}

static enum mon_verdict end_line(struct mon *m)
{
	enum mon_verdict v = MON_STAY;

	mon_printf(m, "\r\n");
	if (m->too_long)
		mon_printf(m, "error: line too long (at most %d characters); ignored\r\n",
			   MON_LINE_MAX);
	else {
		m->line[m->len] = '\0';
		v = mon_exec(m, m->line);
	}
	m->len = 0;
	m->too_long = false;
	if (v == MON_STAY)
		mon_printf(m, PROMPT);
	return v;
}

/*
 * Terminal escape sequences (arrow and function keys: ESC [ ... final byte,
 * ECMA-48 5.4) are swallowed whole rather than typed as "[A".
 */
static bool in_escape(struct mon *m, uint8_t byte)
{
	if (byte == 0x1b) {
		m->esc = 1;
		return true;
	}
	if (m->esc == 1) {
		m->esc = byte == '[' || byte == 'O' ? 2 : 0;
		return true;
	}
	if (m->esc == 2) {
		if (byte >= 0x40 && byte <= 0x7e)
			m->esc = 0;
		return true;
	}
	return false;
}

enum mon_verdict mon_input(struct mon *m, uint8_t byte)
{
	bool after_cr = m->last_cr;

	if (in_escape(m, byte))
		return MON_STAY;
	m->last_cr = byte == '\r';
	if (byte == '\r' || byte == '\n')
		return byte == '\n' && after_cr ? MON_STAY : end_line(m);   /* CR LF is one end */
	switch (byte) {
	case 0x08:              /* Backspace */
	case 0x7f:              /* DEL, what most terminals send for Backspace */
		if (m->len && !m->too_long) {
			m->len--;
			erase_chars(m, 1);
		}
		return MON_STAY;
	case 0x15:              /* Ctrl-U: clear the line */
		if (!m->too_long)
			erase_chars(m, m->len);
		m->len = 0;
		m->too_long = false;
		return MON_STAY;
	case 0x03:              /* Ctrl-C: cancel the line */
		m->len = 0;
		m->too_long = false;
		mon_printf(m, "^C\r\n" PROMPT);
		return MON_STAY;
	}
	if (byte < 0x20 || byte > 0x7e)
		return MON_STAY;        /* other control bytes and 8-bit: ignored */
	if (m->len == MON_LINE_MAX)
		m->too_long = true;     /* reported at the end of the line */
	if (m->too_long)
		return MON_STAY;
	m->line[m->len++] = (char)byte;
	mon_printf(m, "%c", byte);
	return MON_STAY;
}
