/* SPDX-License-Identifier: MIT */
/*
 * libFuzzer target: a vmcb12 through copy -> check -> merge (nested/), and
 * a #VMEXIT reflected back into it. The input is a vmcb12 page (padded),
 * then bytes that pick svmhv's side (ASID, host intercepts, caps). After a
 * check that passes, the invariants of nested/merge.h must hold whatever
 * vmcb12 said: vmcb02 has every intercept svmhv needs, svmhv's ASID, NPT,
 * maps, TLB_CONTROL 0, only L1's int_ctl bits (V_GIF_ENABLE and V_GIF only
 * when nested_l2_vgif()), no VMLOAD/VMSAVE virtualization, EFER.SVME. The reflection writes only the ranges of
 * nested_vmexit_ranges(); a failed VMRUN writes only the exit fields.
 * abort() on a broken invariant: libFuzzer reports it as a crash.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "nested/check.h"
#include "nested/exit.h"
#include "nested/merge.h"
#include "nested/vmcb12.h"

#define NEED(cond) do { if (!(cond)) abort(); } while (0)

static struct vmcb v12, v02, exit02, before;

static uint64_t take(const uint8_t **p, size_t *n)
{
	uint64_t v = 0;

	for (unsigned i = 0; i < 8 && *n; i++, (*p)++, (*n)--)
		v |= (uint64_t)**p << (8 * i);
	return v;
}

static void check_vmcb02(const struct nested_vmcb12_cache *c, const struct nested_host *h)
{
	const struct vmcb_control *k = &v02.control;
	struct nested_intercepts got;

	/* With vmcb12's VGIF honoured, STGI/CLGI are L1's alone. */
	uint32_t gif = h->l2_vgif ? NESTED_L0_GIF_MISC2 : 0;
	uint32_t l0_misc2 = (h->intercepts.misc2 | NESTED_L0_MISC2) & ~gif;

	nested_intercepts_from_vmcb(&got, k);
	NEED((got.misc1 & (h->intercepts.misc1 | NESTED_L0_MISC1)) ==
	     (h->intercepts.misc1 | NESTED_L0_MISC1));
	NEED((got.misc2 & l0_misc2) == l0_misc2);
	NEED((got.misc2 & gif) == (c->icpt.misc2 & gif));
	NEED((got.misc2 & c->icpt.misc2) == c->icpt.misc2);
	NEED((got.exceptions & NESTED_L0_EXCEPTIONS) == NESTED_L0_EXCEPTIONS);
	NEED((got.misc1 & c->icpt.misc1) == c->icpt.misc1);    /* L1 loses no exit */
	NEED(k->asid == h->asid_l2 && k->tlb_control == 0 && k->clean == 0);
	NEED(k->nested_ctl == SVM_NESTED_CTL_NP_ENABLE && k->n_cr3 == h->n_cr3);
	NEED(k->msrpm_base_pa == h->msrpm_pa && k->iopm_base_pa == h->iopm_pa);
	NEED((k->int_ctl & ~(NESTED_INT_CTL_L1_BITS |
			     (h->l2_vgif ? NESTED_INT_CTL_VGIF_BITS : 0))) == 0);
	NEED(h->l2_vgif == !!(k->int_ctl & V_GIF_ENABLE_MASK));
	NEED(!(k->virt_ext & VIRT_EXT_V_VMLOAD_VMSAVE));
	NEED(v02.save.efer & EFER_SVME);
	NEED((v02.save.rflags & RFLAGS_FIXED) && (v02.save.dr7 & DR7_FIXED));
}

/* Every byte outside the written ranges is what it was. */
static void check_only_ranges(const struct nested_range *r, unsigned n)
{
	static uint8_t written[sizeof(struct vmcb)];

	memset(written, 0, sizeof(written));
	for (unsigned i = 0; i < n; i++) {
		NEED(r[i].off + r[i].len <= sizeof(struct vmcb));
		memset(written + r[i].off, 1, r[i].len);
	}
	for (size_t b = 0; b < sizeof(struct vmcb); b++)
		NEED(written[b] || ((uint8_t *)&v12)[b] == ((uint8_t *)&before)[b]);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct nested_vmcb12_cache c;
	struct nested_caps caps;
	struct nested_host h;
	const uint8_t *p = data;
	size_t n = size;
	uint64_t sel;
	unsigned nr;
	bool nrips;

	memset(&v12, 0, sizeof(v12));
	memcpy(&v12, p, n < sizeof(v12) ? n : sizeof(v12));
	p += n < sizeof(v12) ? n : sizeof(v12);
	n -= n < sizeof(v12) ? n : sizeof(v12);
	sel = take(&p, &n);
	caps = (struct nested_caps){
		.maxphyaddr = 32 + (unsigned)(sel % 17), .efer_allowed = take(&p, &n),
		.cr4_allowed = take(&p, &n), .svmhv_base = take(&p, &n) & ~0xfffull,
		.svmhv_size = (take(&p, &n) & 0xffffff) << 12, .shstk = sel & 64,
		.vgif = sel & 32,
	};
	memset(&h, 0, sizeof(h));
	h.intercepts.misc1 = (uint32_t)take(&p, &n);
	h.intercepts.misc2 = (uint32_t)take(&p, &n);
	h.n_cr3 = 0x1000;
	h.msrpm_pa = 0x2000;
	h.iopm_pa = 0x4000;
	h.asid_l2 = 2 + (uint32_t)(sel >> 8) % 14;
	h.l1_nrips = nrips = sel & 128;
	h.virt_ext = take(&p, &n);
	h.l1_save = &v02.save;                  /* shared state: any */
	nested_cache_from_vmcb(&c, &v12);
	h.l2_vgif = nested_l2_vgif(&c, &caps);
	if (nested_vmcb12_check(&c, &caps, NULL) == 0) {
		nested_build_vmcb02(&v02, &c, &h);
		check_vmcb02(&c, &h);
	}
	/* A #VMEXIT: vmcb02 state and exit fields from the rest of the input. */
	memset(&exit02, 0, sizeof(exit02));
	memcpy(&exit02, p, n < sizeof(exit02) ? n : sizeof(exit02));
	before = v12;
	nested_reflect_exit(&v12, &exit02, &c, nrips);
	if (nested_is_vmrun_failure(exit02.control.exit_code)) {
		const struct nested_range *r = nested_vmrun_fail_ranges(&nr);

		check_only_ranges(r, nr);
		NEED(v12.control.exit_code == VMEXIT_INVALID);
	} else {
		const struct nested_range *r =
			nested_vmexit_ranges(nrips, c.nested_ctl & SVM_NESTED_CTL_NP_ENABLE, &nr);
		uint64_t wb = nested_int_ctl_writeback(exit02.control.int_ctl);

		check_only_ranges(r, nr);
		NEED((v12.control.int_ctl & ~wb) == (c.int_ctl & ~wb));
		NEED((v12.control.int_ctl & wb) == (exit02.control.int_ctl & wb));
	}
	(void)nested_exit_route(exit02.control.exit_code, exit02.control.exit_info_1,
				(uint32_t)sel, &c, NULL, NULL);
	return 0;
}
