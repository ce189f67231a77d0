/* SPDX-License-Identifier: MIT */
/*
 * Safe access to guest memory and instruction skipping.
 * Guest-physical == host-physical for L1 (identity NPT), and svmhv's host page
 * tables map all of it; what must never happen is svmhv treating its own
 * memory as guest memory, or touching an address beyond MAXPHYADDR.
 */
#include "hv/hv.h"

#include "hv/console.h"
#include "hv/insn.h"
#include "mm/gwalk.h"

int hv_in_svmhv_memory(uint64_t gpa, uint64_t len)
{
	uint64_t lo = hv.boot.pool_pa, hi = hv.boot.pool_pa + hv.boot.pool_size;

	return gpa < hi && gpa + len > lo;
}

/* Copy len bytes of L1 guest-physical memory; -1 if any byte is not L1's. */
int hv_guest_read(uint64_t gpa, void *buf, uint64_t len)
{
	uint64_t limit = 1ull << hv.feat.maxphyaddr;
	uint8_t *dst = buf;

	if (gpa >= limit || len > limit - gpa || hv_in_svmhv_memory(gpa, len))
		return -1;
	for (uint64_t i = 0; i < len; i++)
		dst[i] = ((const volatile uint8_t *)(uintptr_t)gpa)[i];
	return 0;
}

static int gread_cb(void *ctx, uint64_t gpa, void *buf, size_t len)
{
	(void)ctx;
	return hv_guest_read(gpa, buf, len);
}

void hv_inject_exception(struct vcpu *v, unsigned vec, int has_err, uint32_t err)
{
	uint64_t ev = vec | SVM_EVTINJ_TYPE_EXEPT | SVM_EVTINJ_VALID;

	if (has_err)
		ev |= SVM_EVTINJ_VALID_ERR | ((uint64_t)err << SVM_EVTINJ_ERR_SHIFT);
	v->vmcb->control.event_inj = ev;
}

/*
 * Advance the guest past the instruction that exited: next_rip with NRIPS,
 * else decode its length from the bytes at CS.base + RIP, fetched through the
 * guest's own page tables. Returns 0, or -1 after injecting #UD/#PF when the
 * bytes cannot be fetched or decoded (the instruction is not retried).
 */
int hv_skip_insn(struct vcpu *v)
{
	struct vmcb *vmcb = v->vmcb;
	struct vmcb_save *s = &vmcb->save;
	enum hv_insn_mode mode = hv_insn_mode_from(s->efer, s->cr0, s->cs.attrib, s->rflags);
	uint8_t bytes[HV_INSN_MAX_LEN];
	struct gpa_regs regs = { .cr0 = s->cr0, .cr3 = s->cr3, .cr4 = s->cr4, .efer = s->efer };
	uint64_t rip = s->rip, lin;
	uint32_t pfec = 0;
	int len;

	if (hv.feat.nrips && vmcb->control.next_rip) {
		s->rip = vmcb->control.next_rip;
		goto done;
	}
	if (mode != HV_INSN_MODE_64)
		rip &= mode == HV_INSN_MODE_32 ? 0xffffffffull : 0xffffull;
	lin = (mode == HV_INSN_MODE_64 ? 0 : s->cs.base) + rip;
	/* Fetch as much as the page walk allows: the instruction may be short. */
	size_t got = 0;
	for (size_t want = HV_INSN_MAX_LEN; want && !got; want--)
		if (gpa_read_linear(&regs, hv.feat.maxphyaddr, lin, bytes, want,
				    GPA_ACCESS_FETCH | (s->cpl == 3 ? GPA_ACCESS_USER : 0),
				    gread_cb, 0, &pfec) == 0)
			got = want;
	if (!got) {
		hv_warn("exit", "cannot fetch the instruction at %llx: #PF %x",
			(unsigned long long)lin, pfec);
		hv_inject_exception(v, 14, 1, pfec);
		s->cr2 = lin;
		return -1;
	}
	len = hv_insn_length(bytes, got, mode);
	if (len <= 0) {
		hv_warn("exit", "cannot decode the instruction at %llx (%d): #UD",
			(unsigned long long)lin, len);
		hv_inject_exception(v, 6, 0, 0);
		return -1;
	}
	s->rip = rip + (uint64_t)len;
	if (mode != HV_INSN_MODE_64)
		s->rip &= mode == HV_INSN_MODE_32 ? 0xffffffffull : 0xffffull;
done:
	/* The skipped instruction ends any STI/MOV SS interrupt shadow. */
	vmcb->control.int_state &= ~SVM_INTERRUPT_SHADOW_MASK;
	return 0;
}
