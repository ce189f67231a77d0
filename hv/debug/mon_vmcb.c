/* SPDX-License-Identifier: MIT */
/*
 * The monitor's VMCB decoder: every named field of svm/vmcb.h, with
 * intercepts, int_ctl and event fields spelled out.
 * See: AMD APM vol. 2 (rev. 3.42), Appendix B "Layout of VMCB" (Tables B-1
 * and B-2), 15.20 "Event Injection", 15.21 "Interrupt and Local APIC Support".
 * Intercept vector 3 bit i matches exit code 0x60 + i and vector 4 bit i exit
 * code 0x80 + i (Appendix C), so the exit names double as intercept names.
 */
#include "hv/debug/mon_internal.h"

#include "hv/fmt.h"

/* A line that wraps at ~72 columns, for lists of names. */
struct wrap {
	struct mon *m;
	char buf[96];
	size_t len;
};

static void wrap_flush(struct wrap *w)
{
	if (w->len)
		mon_printf(w->m, "%s\r\n", w->buf);
	w->len = (size_t)hv_snprintf(w->buf, sizeof(w->buf), "      ");
}

static size_t str_len(const char *s)
{
	size_t n = 0;

	while (s[n])
		n++;
	return n;
}

static void wrap_add(struct wrap *w, const char *word)
{
	if (w->len + 1 + str_len(word) > 72)
		wrap_flush(w);
	w->len += (size_t)hv_snprintf(w->buf + w->len, sizeof(w->buf) - w->len, " %s", word);
}

static void bit_list(struct mon *m, const char *title, uint32_t mask, const char *prefix)
{
	struct wrap w = { .m = m };
	char word[24];
	unsigned i;

	mon_printf(m, "  %-22s %08x\r\n", title, mask);
	if (!mask)
		return;
	w.len = (size_t)hv_snprintf(w.buf, sizeof(w.buf), "      ");
	for (i = 0; i < 32; i++)
		if (mask & (1u << i)) {
			hv_snprintf(word, sizeof(word), "%s%u", prefix, i);
			wrap_add(&w, word);
		}
	wrap_flush(&w);
}

/* Intercept words 3 and 4, named by the exit code each bit produces. */
static void name_list(struct mon *m, const char *title, uint32_t mask, uint64_t first_exit)
{
	struct wrap w = { .m = m };
	char word[24];
	unsigned i;

	mon_printf(m, "  %-22s %08x\r\n", title, mask);
	if (!mask)
		return;
	w.len = (size_t)hv_snprintf(w.buf, sizeof(w.buf), "      ");
	for (i = 0; i < 32; i++)
		if (mask & (1u << i))
			wrap_add(&w, mon_exit_name(first_exit + i, word, sizeof(word)));
	wrap_flush(&w);
}

static void event(struct mon *m, const char *title, uint64_t e)
{
	static const char *const types[8] = { "intr", "1?", "nmi", "exception", "soft-int",
					      "5?", "6?", "7?" };

	if (!(e & SVM_EVTINJ_VALID)) {
		mon_printf(m, "  %-22s %016llx (not valid)\r\n", title, (unsigned long long)e);
		return;
	}
	mon_printf(m, "  %-22s %016llx valid %s vector %llu%s", title, (unsigned long long)e,
		   types[(e & SVM_EVTINJ_TYPE_MASK) >> SVM_EVTINJ_TYPE_SHIFT],
		   (unsigned long long)(e & SVM_EVTINJ_VEC_MASK),
		   e & SVM_EVTINJ_VALID_ERR ? " error code " : "");
	if (e & SVM_EVTINJ_VALID_ERR)
		mon_printf(m, "%llx", (unsigned long long)(e >> SVM_EVTINJ_ERR_SHIFT));
	mon_printf(m, "\r\n");
}

static void u64(struct mon *m, const char *name, uint64_t v)
{
	mon_printf(m, "  %-22s %016llx\r\n", name, (unsigned long long)v);
}

static void int_ctl(struct mon *m, uint64_t v)
{
	mon_printf(m, "  %-22s %016llx V_TPR %llu%s%s prio %llu%s%s%s%s vector %llu\r\n", "int_ctl",
		   (unsigned long long)v, (unsigned long long)(v & V_TPR_MASK),
		   v & V_IRQ_MASK ? " V_IRQ" : "", v & V_GIF_MASK ? " V_GIF" : "",
		   (unsigned long long)((v & V_INTR_PRIO_MASK) >> V_INTR_PRIO_SHIFT),
		   v & V_IGN_TPR_MASK ? " V_IGN_TPR" : "",
		   v & V_INTR_MASKING_MASK ? " V_INTR_MASKING" : "",
		   v & V_GIF_ENABLE_MASK ? " VGIF" : "", v & AVIC_ENABLE_MASK ? " AVIC" : "",
		   (unsigned long long)((v >> V_INTR_VECTOR_SHIFT) & 0xff));
}

static void control(struct mon *m, const struct vmcb_control *c)
{
	char name[32];

	mon_printf(m, "control area:\r\n");
	mon_printf(m, "  %-22s %08x\r\n", "intercept_cr (r|w<<16)", c->intercept_cr);
	mon_printf(m, "  %-22s %08x\r\n", "intercept_dr (r|w<<16)", c->intercept_dr);
	bit_list(m, "intercept_exceptions", c->intercept_exceptions, "#");
	name_list(m, "intercept_misc1", c->intercept_misc1, 0x60);
	name_list(m, "intercept_misc2", c->intercept_misc2, 0x80);
	mon_printf(m, "  %-22s %08x\r\n", "intercept_misc3", c->intercept_misc3);
	mon_printf(m, "  %-22s %u / %u\r\n", "pause filter thr/count", c->pause_filter_thresh,
		   c->pause_filter_count);
	u64(m, "iopm_base_pa", c->iopm_base_pa);
	u64(m, "msrpm_base_pa", c->msrpm_base_pa);
	u64(m, "tsc_offset", c->tsc_offset);
	mon_printf(m, "  %-22s %u\r\n", "asid", c->asid);
	mon_printf(m, "  %-22s %u\r\n", "tlb_control", c->tlb_control);
	int_ctl(m, c->int_ctl);
	mon_printf(m, "  %-22s %016llx%s\r\n", "int_state", (unsigned long long)c->int_state,
		   c->int_state & SVM_INTERRUPT_SHADOW_MASK ? " shadow" : "");
	mon_printf(m, "  %-22s %016llx %s\r\n", "exit_code", (unsigned long long)c->exit_code,
		   mon_exit_name(c->exit_code, name, sizeof(name)));
	u64(m, "exit_info_1", c->exit_info_1);
	u64(m, "exit_info_2", c->exit_info_2);
	event(m, "exit_int_info", c->exit_int_info);
	mon_printf(m, "  %-22s %016llx%s\r\n", "nested_ctl", (unsigned long long)c->nested_ctl,
		   c->nested_ctl & SVM_NESTED_CTL_NP_ENABLE ? " NP_ENABLE" : "");
	event(m, "event_inj", c->event_inj);
	u64(m, "n_cr3", c->n_cr3);
	u64(m, "virt_ext", c->virt_ext);
	mon_printf(m, "  %-22s %08x\r\n", "clean", c->clean);
	u64(m, "next_rip", c->next_rip);
	mon_printf(m, "  %-22s %u\r\n", "insn_len", c->insn_len);
}

static void seg(struct mon *m, const char *name, const struct vmcb_seg *s)
{
	mon_printf(m, "  %-6s sel %04x attr %03x (type %x%s dpl %u%s%s%s%s) limit %08x base %016llx\r\n",
		   name, s->selector, s->attrib, s->attrib & SEG_ATTR_TYPE_MASK,
		   s->attrib & SEG_ATTR_S ? " S" : "", (s->attrib >> SEG_ATTR_DPL_SHIFT) & 3,
		   s->attrib & SEG_ATTR_P ? " P" : "", s->attrib & SEG_ATTR_L ? " L" : "",
		   s->attrib & SEG_ATTR_DB ? " DB" : "", s->attrib & SEG_ATTR_G ? " G" : "",
		   s->limit, (unsigned long long)s->base);
}

static void save(struct mon *m, const struct vmcb_save *s)
{
	mon_printf(m, "state save area:\r\n");
	seg(m, "es", &s->es);
	seg(m, "cs", &s->cs);
	seg(m, "ss", &s->ss);
	seg(m, "ds", &s->ds);
	seg(m, "fs", &s->fs);
	seg(m, "gs", &s->gs);
	seg(m, "gdtr", &s->gdtr);
	seg(m, "ldtr", &s->ldtr);
	seg(m, "idtr", &s->idtr);
	seg(m, "tr", &s->tr);
	mon_printf(m, "  %-22s %u\r\n", "cpl", s->cpl);
	mon_printf(m, "  %-22s %016llx%s%s%s%s%s\r\n", "efer", (unsigned long long)s->efer,
		   s->efer & EFER_SCE ? " SCE" : "", s->efer & EFER_LME ? " LME" : "",
		   s->efer & EFER_LMA ? " LMA" : "", s->efer & EFER_NXE ? " NXE" : "",
		   s->efer & EFER_SVME ? " SVME" : "");
	u64(m, "cr0", s->cr0);
	u64(m, "cr2", s->cr2);
	u64(m, "cr3", s->cr3);
	u64(m, "cr4", s->cr4);
	u64(m, "dr6", s->dr6);
	u64(m, "dr7", s->dr7);
	u64(m, "rflags", s->rflags);
	u64(m, "rip", s->rip);
	u64(m, "rsp", s->rsp);
	u64(m, "rax", s->rax);
	u64(m, "star", s->star);
	u64(m, "lstar", s->lstar);
	u64(m, "cstar", s->cstar);
	u64(m, "sfmask", s->sfmask);
	u64(m, "kernel_gs_base", s->kernel_gs_base);
	u64(m, "sysenter_cs", s->sysenter_cs);
	u64(m, "sysenter_esp", s->sysenter_esp);
	u64(m, "sysenter_eip", s->sysenter_eip);
	u64(m, "g_pat", s->g_pat);
	u64(m, "dbgctl", s->dbgctl);
	u64(m, "spec_ctrl", s->spec_ctrl);
}

void mon_print_vmcb(struct mon *m, const struct vmcb *v)
{
	control(m, &v->control);
	save(m, &v->save);
}
