/* SPDX-License-Identifier: MIT */
/*
 * The monitor's formatting that needs no hypervisor state: exit-code names,
 * hexdumps, page walks and the VMCB decoded field by field.
 * See: AMD APM vol. 2 (rev. 3.42), Appendix B "Layout of VMCB" and
 * Appendix C "SVM Intercept Exit Codes".
 */
#include "hv/debug/mon_internal.h"

#include "hv/fmt.h"

/* ---- exit codes ---------------------------------------------------------------- */

static const char *const misc_exits[] = {
	[VMEXIT_INTR - 0x60] = "intr", [VMEXIT_NMI - 0x60] = "nmi", [VMEXIT_SMI - 0x60] = "smi",
	[VMEXIT_INIT - 0x60] = "init", [VMEXIT_VINTR - 0x60] = "vintr",
	[VMEXIT_CR0_SEL_WRITE - 0x60] = "cr0_sel_write",
	[VMEXIT_IDTR_READ - 0x60] = "idtr_read", [VMEXIT_GDTR_READ - 0x60] = "gdtr_read",
	[VMEXIT_LDTR_READ - 0x60] = "ldtr_read", [VMEXIT_TR_READ - 0x60] = "tr_read",
	[VMEXIT_IDTR_WRITE - 0x60] = "idtr_write", [VMEXIT_GDTR_WRITE - 0x60] = "gdtr_write",
	[VMEXIT_LDTR_WRITE - 0x60] = "ldtr_write", [VMEXIT_TR_WRITE - 0x60] = "tr_write",
	[VMEXIT_RDTSC - 0x60] = "rdtsc", [VMEXIT_RDPMC - 0x60] = "rdpmc",
	[VMEXIT_PUSHF - 0x60] = "pushf", [VMEXIT_POPF - 0x60] = "popf",
	[VMEXIT_CPUID - 0x60] = "cpuid", [VMEXIT_RSM - 0x60] = "rsm", [VMEXIT_IRET - 0x60] = "iret",
	[VMEXIT_SWINT - 0x60] = "swint", [VMEXIT_INVD - 0x60] = "invd",
	[VMEXIT_PAUSE - 0x60] = "pause", [VMEXIT_HLT - 0x60] = "hlt",
	[VMEXIT_INVLPG - 0x60] = "invlpg", [VMEXIT_INVLPGA - 0x60] = "invlpga",
	[VMEXIT_IOIO - 0x60] = "ioio", [VMEXIT_MSR - 0x60] = "msr",
	[VMEXIT_TASK_SWITCH - 0x60] = "task_switch", [VMEXIT_FERR_FREEZE - 0x60] = "ferr_freeze",
	[VMEXIT_SHUTDOWN - 0x60] = "shutdown", [VMEXIT_VMRUN - 0x60] = "vmrun",
	[VMEXIT_VMMCALL - 0x60] = "vmmcall", [VMEXIT_VMLOAD - 0x60] = "vmload",
	[VMEXIT_VMSAVE - 0x60] = "vmsave", [VMEXIT_STGI - 0x60] = "stgi",
	[VMEXIT_CLGI - 0x60] = "clgi", [VMEXIT_SKINIT - 0x60] = "skinit",
	[VMEXIT_RDTSCP - 0x60] = "rdtscp", [VMEXIT_ICEBP - 0x60] = "icebp",
	[VMEXIT_WBINVD - 0x60] = "wbinvd", [VMEXIT_MONITOR - 0x60] = "monitor",
	[VMEXIT_MWAIT - 0x60] = "mwait", [VMEXIT_MWAIT_COND - 0x60] = "mwait_cond",
	[VMEXIT_XSETBV - 0x60] = "xsetbv", [VMEXIT_RDPRU - 0x60] = "rdpru",
	[VMEXIT_EFER_WRITE_TRAP - 0x60] = "efer_write_trap",
	[VMEXIT_INVLPGB - 0x60] = "invlpgb", [VMEXIT_INVLPGB_ILL - 0x60] = "invlpgb_ill",
	[VMEXIT_INVPCID - 0x60] = "invpcid", [VMEXIT_TLBSYNC - 0x60] = "tlbsync",
};

/* Exception mnemonics, APM vol. 2 8.2 "Vectors". */
static const char *const vectors[32] = {
	"DE", "DB", "NMI", "BP", "OF", "BR", "UD", "NM", "DF", "09", "TS", "NP", "SS", "GP",
	"PF", "15", "MF", "AC", "MC", "XM", "VE", "CP", "22", "23", "24", "25", "26", "27",
	"HV", "VC", "SX", "31",
};

const char *mon_exit_name(uint64_t code, char *buf, size_t n)
{
	if (code < 0x20)
		hv_snprintf(buf, n, "cr%u_%s", (unsigned)code & 15, code & 0x10 ? "write" : "read");
	else if (code < 0x40)
		hv_snprintf(buf, n, "dr%u_%s", (unsigned)code & 15, code & 0x10 ? "write" : "read");
	else if (code < 0x60)
		hv_snprintf(buf, n, "excp_%s", vectors[code - 0x40]);
	else if (code - 0x60 < sizeof(misc_exits) / sizeof(misc_exits[0]) && misc_exits[code - 0x60])
		hv_snprintf(buf, n, "%s", misc_exits[code - 0x60]);
	else if (code == VMEXIT_NPF)
		hv_snprintf(buf, n, "npf");
	else if (code == VMEXIT_INVALID)
		hv_snprintf(buf, n, "invalid");
	else
		hv_snprintf(buf, n, "exit_%llx", (unsigned long long)code);
	return buf;
}

int mon_exit_index(uint64_t code)
{
	if (code < MON_EXIT_CODES)
		return (int)code;
	if (code == VMEXIT_NPF)
		return MON_EXIT_CODES;
	if (code == VMEXIT_INVALID)
		return MON_EXIT_CODES + 1;
	return -1;
}

uint64_t mon_exit_code_at(unsigned index)
{
	if (index < MON_EXIT_CODES)
		return index;
	return index == MON_EXIT_CODES ? VMEXIT_NPF : VMEXIT_INVALID;
}

/* ---- hexdump ----------------------------------------------------------------------- */

void mon_hexdump(struct mon *m, uint64_t addr, const uint8_t *p, size_t len)
{
	size_t off, i;

	for (off = 0; off < len; off += 16) {
		char line[100];
		size_t n = (size_t)hv_snprintf(line, sizeof(line), "%016llx ",
					       (unsigned long long)addr + off);

		for (i = 0; i < 16; i++)
			n += (size_t)(off + i < len
				? hv_snprintf(line + n, sizeof(line) - n, " %02x", p[off + i])
				: hv_snprintf(line + n, sizeof(line) - n, "   "));
		n += (size_t)hv_snprintf(line + n, sizeof(line) - n, "  |");
		for (i = 0; i < 16 && off + i < len; i++)
			line[n++] = p[off + i] >= 0x20 && p[off + i] < 0x7f ? (char)p[off + i] : '.';
		line[n] = '\0';
		mon_printf(m, "%s|\r\n", line);
	}
}

/* ---- page walks -------------------------------------------------------------------- */

/* Page-table entry bits, APM vol. 2 5.4 "Page-Translation-Table Entry Fields". */
static void entry_flags(uint64_t e, char *buf, size_t n)
{
	static const struct { uint64_t bit; const char *name; } f[] = {
		{ 1ull << 0, "P" }, { 1ull << 1, "W" }, { 1ull << 2, "U" }, { 1ull << 3, "PWT" },
		{ 1ull << 4, "PCD" }, { 1ull << 5, "A" }, { 1ull << 6, "D" }, { 1ull << 7, "PS" },
		{ 1ull << 8, "G" }, { 1ull << 63, "NX" },
	};
	size_t len = 0, i;

	buf[0] = '\0';
	for (i = 0; i < sizeof(f) / sizeof(f[0]); i++)
		if (e & f[i].bit)
			len += (size_t)hv_snprintf(buf + len, n - len, "%s%s", len ? " " : "", f[i].name);
}

void mon_print_walk(struct mon *m, const char *what, const struct mon_walk *w)
{
	static const char *const why[] = {
		[MON_WALK_MAPPED] = "mapped", [MON_WALK_NOT_PRESENT] = "not present",
		[MON_WALK_RESERVED] = "reserved bits set", [MON_WALK_NO_TABLES] = "no tables",
		[MON_WALK_ERROR] = "a table could not be read",
	};
	unsigned i, n = w->nlevels < MON_WALK_LEVELS ? w->nlevels : MON_WALK_LEVELS;
	char flags[64];

	mon_printf(m, "%s:\r\n", what);
	for (i = 0; i < n; i++) {
		const struct mon_walk_level *l = &w->level[i];

		entry_flags(l->entry, flags, sizeof(flags));
		mon_printf(m, "  L%u table %llx [%3u] = %016llx  %s\r\n", n - i,
			   (unsigned long long)l->table, l->index, (unsigned long long)l->entry, flags);
	}
	if (w->status == MON_WALK_MAPPED)
		mon_printf(m, "  -> %llx (%llu KiB page)\r\n", (unsigned long long)w->out_addr,
			   (unsigned long long)(w->page_size >> 10));
	else
		mon_printf(m, "  -> %s\r\n", (unsigned)w->status < sizeof(why) / sizeof(why[0])
			   ? why[w->status] : "?");
}
