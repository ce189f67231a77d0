/* SPDX-License-Identifier: MIT */
/*
 * A vCPU's instructions: fetching the bytes at CS:RIP through the guest's
 * page tables (guest-physical access rules: mm/gmem.h), skipping them, and
 * its registers in encoding order. Faults come back as verdicts (hv/run.h).
 */
#include "hv/hv.h"

#include "hv/console.h"
#include "hv/insn/insn.h"
#include "hv/run.h"
#include "mm/gmem.h"
#include "mm/gwalk.h"

/*
 * Guest-physical reads for the walker: L1's memory, or, when L2 runs on L1's
 * nested page tables, L2-physical addresses through those tables first.
 */
static int gread_cb(void *ctx, uint64_t gpa, void *buf, size_t len)
{
	const struct vcpu *v = ctx;

	if (v->nested.in_l2 && v->nested.npt)
		return nested_l2_read(&v->nested, &hv.nested, v->vmcb01, gpa, buf, len);
	return gmem_read(&hv.gmem, gpa, buf, len);
}

/*
 * The bytes of an instruction the guest just executed could not be read: its
 * page tables changed meanwhile (another CPU), or the address is bad. Raise
 * what the CPU itself would have raised.
 */
static struct hv_verdict fetch_fault(uint64_t lin, int rc, const struct gpa_fault *f)
{
	hv_warn("exit", "cannot fetch the instruction at %llx (%d)", (unsigned long long)lin, rc);
	if (rc == GPA_EPF)
		return hv_inject_pf(f->error_code, f->addr);
	if (rc == GPA_ENONCANON)
		return hv_inject_err(VEC_GP, 0);
	return hv_inject(VEC_UD);
}

/* Decoding mode, RIP and its wrap-around mask of the guest's instruction. */
static void fetch_mode(const struct vmcb_save *s, struct hv_fetched *f)
{
	f->mode = hv_insn_mode_from(s->efer, s->cr0, s->cs.attrib, s->rflags);
	f->ip_mask = f->mode == HV_INSN_MODE_64 ? ~0ull :
		     f->mode == HV_INSN_MODE_32 ? 0xffffffffull : 0xffffull;
	f->rip = s->rip & f->ip_mask;
}

/*
 * Fetch the bytes of the instruction at the guest's CS:RIP through its own
 * page tables: up to 15, fewer when the instruction ends before an unmapped
 * page. HV_RESUME with f filled, or the fault the fetch raised.
 */
struct hv_verdict hv_fetch_insn(struct vcpu *v, struct hv_fetched *f)
{
	struct vmcb_save *s = &v->vmcb->save;
	struct gpa_mmu mmu = {
		.cr0 = s->cr0, .cr3 = s->cr3, .cr4 = s->cr4, .efer = s->efer,
		.maxphyaddr = hv.feat.maxphyaddr, .read = gread_cb, .ctx = v,
	};
	unsigned access = GPA_ACC_FETCH | (s->cpl == 3 ? GPA_ACC_USER : 0);
	struct gpa_fault fault = { 0 };
	uint64_t lin;
	int rc;

	fetch_mode(s, f);
	lin = (f->mode == HV_INSN_MODE_64 ? 0 : s->cs.base) + f->rip;
	f->len = HV_INSN_MAX_LEN;
	rc = gpa_read_linear(&mmu, lin, f->bytes, f->len, access, &fault);
	if (rc == GPA_EPF && (lin & 0xfff) + f->len > 0x1000) {
		struct gpa_fault first = { 0 };

		f->len = 0x1000 - (lin & 0xfff);
		if (gpa_read_linear(&mmu, lin, f->bytes, f->len, access, &first) == GPA_OK &&
		    hv_insn_length(f->bytes, f->len, f->mode) > 0)
			rc = GPA_OK;
	}
	if (rc != GPA_OK)
		return fetch_fault(lin, rc, &fault);
	return hv_resume();
}

/*
 * The instruction behind a nested page fault: with decode assists the CPU
 * already put the bytes it fetched at CS:RIP into the VMCB (insn_len 1..15;
 * 0 when that fetch failed, as AMD erratum 1096 also allows), so svmhv need
 * not walk the guest's page tables again, which another CPU may be changing;
 * when they do not hold a whole instruction, or the CPU has no decode assists
 * (QEMU TCG), the bytes come from guest memory. See: APM2 "Decode Assists",
 * "Nested and Intercepted #PF".
 */
struct hv_verdict hv_fetch_npf_insn(struct vcpu *v, struct hv_fetched *f)
{
	const struct vmcb_control *c = &v->vmcb->control;
	const struct vmcb_save *s = &v->vmcb->save;
	unsigned n = c->insn_len;

	if (!hv.feat.decode_assists || n == 0 || n > HV_INSN_MAX_LEN)
		return hv_fetch_insn(v, f);
	fetch_mode(s, f);
	if (hv_insn_length(c->insn_bytes, n, f->mode) <= 0)
		return hv_fetch_insn(v, f);
	for (unsigned i = 0; i < n; i++)
		f->bytes[i] = c->insn_bytes[i];
	f->len = n;
	return hv_resume();
}

/* Set RIP after an emulated or skipped instruction of len bytes. */
void hv_advance_rip(struct vcpu *v, const struct hv_fetched *f, unsigned len)
{
	hv_set_rip(v, (f->rip + len) & f->ip_mask);
}

/* Continue the guest at rip: the instruction ends any STI/MOV SS shadow. */
/*
 * The instruction at RIP completed (svmhv emulated or skipped it): RIP moves
 * on, and the interrupt shadow and RFLAGS.RF end with it (RF is cleared when
 * any instruction but IRET/POPF completes, SDM3 18.3.1.1, APM2 13.1.5).
 * QEMU 10's TCG saves RF = 1 in the VMCB on an IOIO intercept; left set, the
 * guest carried it into its next interrupt frame (differential batch on QEMU 10).
 */
void hv_set_rip(struct vcpu *v, uint64_t rip)
{
	v->vmcb->save.rip = rip;
	v->vmcb->save.rflags &= ~RFLAGS_RF;
	v->vmcb->control.int_state &= ~SVM_INTERRUPT_SHADOW_MASK;
}

/*
 * The RIP after the instruction that exited, without moving RIP: next_rip
 * with NRIPS, else decoded. HV_RESUME, or the fault the fetch raised (#PF,
 * #GP), or #UD when the decoder does not know the bytes.
 */
struct hv_verdict hv_next_rip(struct vcpu *v, uint64_t *next_rip)
{
	struct hv_fetched f;
	struct hv_verdict vd;
	int len;

	if (hv.feat.nrips && v->vmcb->control.next_rip) {
		*next_rip = v->vmcb->control.next_rip;
		return hv_resume();
	}
	vd = hv_fetch_insn(v, &f);
	if (vd.action != HV_RESUME)
		return vd;
	len = hv_insn_length(f.bytes, f.len, f.mode);
	if (len <= 0) {
		hv_warn("exit", "cannot decode the instruction at %llx (%d): #UD",
			(unsigned long long)f.rip, len);
		return hv_inject(VEC_UD);
	}
	*next_rip = (f.rip + (uint64_t)len) & f.ip_mask;
	return hv_resume();
}

/* Advance the guest past the instruction that exited (or raise its fault). */
struct hv_verdict hv_skip_insn(struct vcpu *v)
{
	uint64_t next_rip;
	struct hv_verdict vd = hv_next_rip(v, &next_rip);

	if (vd.action == HV_RESUME)
		hv_set_rip(v, next_rip);
	return vd;
}

/* The guest's GPRs in encoding order (rax, rcx, rdx, rbx, rsp, ...). */
void hv_gprs_get(const struct vcpu *v, uint64_t g[16])
{
	const struct svm_gprs *r = &v->world.regs;

	g[0] = v->vmcb->save.rax; g[1] = r->rcx; g[2] = r->rdx; g[3] = r->rbx;
	g[4] = v->vmcb->save.rsp; g[5] = r->rbp; g[6] = r->rsi; g[7] = r->rdi;
	g[8] = r->r8; g[9] = r->r9; g[10] = r->r10; g[11] = r->r11;
	g[12] = r->r12; g[13] = r->r13; g[14] = r->r14; g[15] = r->r15;
}

void hv_gprs_set(struct vcpu *v, const uint64_t g[16])
{
	struct svm_gprs *r = &v->world.regs;

	v->vmcb->save.rax = g[0]; r->rcx = g[1]; r->rdx = g[2]; r->rbx = g[3];
	v->vmcb->save.rsp = g[4]; r->rbp = g[5]; r->rsi = g[6]; r->rdi = g[7];
	r->r8 = g[8]; r->r9 = g[9]; r->r10 = g[10]; r->r11 = g[11];
	r->r12 = g[12]; r->r13 = g[13]; r->r14 = g[14]; r->r15 = g[15];
}
