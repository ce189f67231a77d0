/* SPDX-License-Identifier: MIT */
/* Register layout and target description of the GDB stub (see gdb_regs.h). */
#include "hv/debug/gdb_regs.h"

#include "hv/fmt.h"
#include "hv/debug/rsp.h"

#define R(n, field, type, group, feat, fpu) \
	{ n, sizeof(((struct gdb_regs *)0)->field), offsetof(struct gdb_regs, field), \
	  type, group, feat, fpu }
#define GPR(n, field)   R(n, field, "int64", NULL, GDB_FEAT_CORE, false)
#define SEG(n, field)   R(n, field, "int32", NULL, GDB_FEAT_CORE, false)
#define X87(n, field)   R(n, field, "int", "float", GDB_FEAT_CORE, true)
#define ST(i)           R("st" #i, st[i], "i387_ext", NULL, GDB_FEAT_CORE, true)
#define SYS(n, field)   R(n, field, "int64", "system", GDB_FEAT_SYSTEM, false)

/* Order = regnum = 'g' packet order. gdb's amd64 code finds the core and
 * segment registers by name, so any extra feature goes after them. */
const struct gdb_reg_desc gdb_reg_table[] = {
	GPR("rax", rax), GPR("rbx", rbx), GPR("rcx", rcx), GPR("rdx", rdx),
	GPR("rsi", rsi), GPR("rdi", rdi),
	R("rbp", rbp, "data_ptr", NULL, GDB_FEAT_CORE, false),
	R("rsp", rsp, "data_ptr", NULL, GDB_FEAT_CORE, false),
	GPR("r8", r8), GPR("r9", r9), GPR("r10", r10), GPR("r11", r11),
	GPR("r12", r12), GPR("r13", r13), GPR("r14", r14), GPR("r15", r15),
	R("rip", rip, "code_ptr", NULL, GDB_FEAT_CORE, false),
	R("eflags", eflags, "x86_eflags", NULL, GDB_FEAT_CORE, false),
	SEG("cs", cs), SEG("ss", ss), SEG("ds", ds), SEG("es", es), SEG("fs", fs), SEG("gs", gs),
	ST(0), ST(1), ST(2), ST(3), ST(4), ST(5), ST(6), ST(7),
	X87("fctrl", fctrl), X87("fstat", fstat), X87("ftag", ftag), X87("fiseg", fiseg),
	X87("fioff", fioff), X87("foseg", foseg), X87("fooff", fooff), X87("fop", fop),
	R("fs_base", fs_base, "int64", NULL, GDB_FEAT_SEGMENTS, false),
	R("gs_base", gs_base, "int64", NULL, GDB_FEAT_SEGMENTS, false),
	SYS("k_gs_base", k_gs_base),
	SYS("cr0", cr0), SYS("cr2", cr2), SYS("cr3", cr3), SYS("cr4", cr4), SYS("cr8", cr8),
	SYS("efer", efer),
};
const unsigned gdb_nr_regs = sizeof(gdb_reg_table) / sizeof(gdb_reg_table[0]);

_Static_assert(sizeof(gdb_reg_table) / sizeof(gdb_reg_table[0]) > GDB_REG_RIP, "rip");

static const char *const feature_names[GDB_NR_FEATS] = {
	[GDB_FEAT_CORE] = "org.gnu.gdb.i386.core",
	[GDB_FEAT_SEGMENTS] = "org.gnu.gdb.i386.segments",
	[GDB_FEAT_SYSTEM] = "org.svmhv.x86.system",     /* ours: gdb shows them as extra registers */
};

/* RFLAGS bits, AMD APM vol. 2 (rev. 3.42) 3.1.6 "RFLAGS Register". */
static const struct { const char *name; unsigned bit; } eflags_bits[] = {
	{ "CF", 0 }, { "PF", 2 }, { "AF", 4 }, { "ZF", 6 }, { "SF", 7 }, { "TF", 8 },
	{ "IF", 9 }, { "DF", 10 }, { "OF", 11 }, { "NT", 14 }, { "RF", 16 }, { "VM", 17 },
	{ "AC", 18 }, { "VIF", 19 }, { "VIP", 20 }, { "ID", 21 },
};

struct xml_out {
	char *buf;
	size_t n, len;
	bool full;
};

static void xml_add(struct xml_out *o, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void xml_add(struct xml_out *o, const char *fmt, ...)
{
	va_list ap;
	int w;

	va_start(ap, fmt);
	w = hv_vsnprintf(o->buf + o->len, o->n - o->len, fmt, ap);
	va_end(ap);
	o->len += (size_t)w;
	if (o->len + 1 >= o->n)
		o->full = true;
}

static void xml_eflags_type(struct xml_out *o)
{
	size_t i;

	xml_add(o, "<flags id=\"x86_eflags\" size=\"4\">\n");
	for (i = 0; i < sizeof(eflags_bits) / sizeof(eflags_bits[0]); i++)
		xml_add(o, "<field name=\"%s\" start=\"%u\" end=\"%u\"/>\n",
			eflags_bits[i].name, eflags_bits[i].bit, eflags_bits[i].bit);
	xml_add(o, "</flags>\n");
}

static void xml_feature(struct xml_out *o, unsigned feat)
{
	unsigned i;

	xml_add(o, "<feature name=\"%s\">\n", feature_names[feat]);
	if (feat == GDB_FEAT_CORE)
		xml_eflags_type(o);
	for (i = 0; i < gdb_nr_regs; i++) {
		const struct gdb_reg_desc *d = &gdb_reg_table[i];

		if (d->feature != feat)
			continue;
		xml_add(o, "<reg name=\"%s\" bitsize=\"%u\" type=\"%s\" regnum=\"%u\"",
			d->name, d->bytes * 8u, d->type, i);
		if (d->group)
			xml_add(o, " group=\"%s\"", d->group);
		xml_add(o, "/>\n");
	}
	xml_add(o, "</feature>\n");
}

size_t gdb_target_xml(char *buf, size_t n)
{
	struct xml_out o = { buf, n, 0, n == 0 };
	unsigned f;

	if (o.full)
		return 0;
	xml_add(&o, "<?xml version=\"1.0\"?>\n<!DOCTYPE target SYSTEM \"gdb-target.dtd\">\n"
		"<target version=\"1.0\">\n<architecture>i386:x86-64</architecture>\n");
	for (f = 0; f < GDB_NR_FEATS; f++)
		xml_feature(&o, f);
	xml_add(&o, "</target>\n");
	return o.full ? 0 : o.len;
}

static bool reg_available(const struct gdb_regs *r, const struct gdb_reg_desc *d)
{
	return !d->fpu || (r->valid & GDB_REGS_FPU);
}

size_t gdb_reg_to_hex(const struct gdb_regs *r, unsigned regnum, char *out, size_t n)
{
	static const char hexdig[] = "0123456789abcdef";
	const struct gdb_reg_desc *d;
	const uint8_t *p;
	size_t i;

	if (regnum >= gdb_nr_regs)
		return 0;
	d = &gdb_reg_table[regnum];
	if (n < 2u * d->bytes)
		return 0;
	/* x86 is little endian, and so is the wire format for it: bytes in memory order. */
	p = (const uint8_t *)r + d->offset;
	for (i = 0; i < d->bytes; i++) {
		bool ok = reg_available(r, d);

		out[2 * i] = ok ? hexdig[p[i] >> 4] : 'x';
		out[2 * i + 1] = ok ? hexdig[p[i] & 15] : 'x';
	}
	return 2u * d->bytes;
}

bool gdb_reg_from_hex(struct gdb_regs *r, unsigned regnum, const char *hex, size_t len)
{
	const struct gdb_reg_desc *d;
	uint8_t v[16];
	size_t i, xs = 0;

	if (regnum >= gdb_nr_regs)
		return false;
	d = &gdb_reg_table[regnum];
	if (len != 2u * d->bytes || d->bytes > sizeof(v))
		return false;
	for (i = 0; i < len; i++)
		xs += hex[i] == 'x';
	if (xs == len)
		return true;    /* gdb has no value for it: keep ours */
	for (i = 0; i < d->bytes; i++) {
		int hi = rsp_hexval((uint8_t)hex[2 * i]), lo = rsp_hexval((uint8_t)hex[2 * i + 1]);

		if (hi < 0 || lo < 0)
			return false;
		v[i] = (uint8_t)(hi << 4 | lo);
	}
	for (i = 0; i < d->bytes; i++)
		((uint8_t *)r)[d->offset + i] = v[i];
	return true;
}
