/* SPDX-License-Identifier: MIT */
/*
 * libFuzzer target: svmhv's instruction decoders (hv/insn/) on any bytes in
 * the three modes: the length decoder, the MMIO store decoder and its
 * execution (hv/insn/rmw.c), MOV-to-CR.
 * Invariants: a length is 1..15 and within the bytes given; a decoded
 * store's length is the length decoder's, its width 1/2/4/8, its source
 * register a GPR, the value it stores fits its width and only the status
 * flags change; CR and GPR numbers are below 16.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "hv/insn/cr.h"
#include "hv/insn/insn.h"
#include "hv/insn/store.h"

#define NEED(cond) do { if (!(cond)) abort(); } while (0)

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Executing a decoded store keeps registers and flags in their bounds. */
static void execute(const struct hv_mmio_store *st, const uint64_t gprs[HV_GPR_COUNT])
{
	uint64_t g[HV_GPR_COUNT], rflags = 0x2, out = 0;
	uint64_t mask = st->width == 8 ? ~0ull : (1ull << (8 * st->width)) - 1;

	memcpy(g, gprs, sizeof(g));
	if (hv_mmio_execute(st, g, &rflags, 0x8000000180000001ull, &out))
		NEED((out & ~mask) == 0);
	NEED((rflags & ~0x8d7ull) == 0);        /* only the status flags change */
}
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	uint64_t gprs[HV_GPR_COUNT];
	uint8_t buf[HV_INSN_MAX_LEN];
	size_t avail;

	if (!size)
		return 0;
	avail = size - 1 < sizeof(buf) ? size - 1 : sizeof(buf);
	memcpy(buf, data + 1, avail);           /* exactly avail bytes: ASan sees overreads */
	for (unsigned i = 0; i < HV_GPR_COUNT; i++)
		gprs[i] = 0x0101010101010101ull * i;
	for (int m = HV_INSN_MODE_16; m <= HV_INSN_MODE_64; m++) {
		enum hv_insn_mode mode = (enum hv_insn_mode)m;
		int len = hv_insn_length(buf, avail, mode);
		struct hv_mmio_store st;
		unsigned cr, gpr;

		NEED(len == HV_INSN_ETRUNC || len == HV_INSN_EINVALID ||
		     (len >= 1 && len <= HV_INSN_MAX_LEN && (size_t)len <= avail));
		if (hv_mmio_decode_store(buf, avail, mode, &st) == 0) {
			NEED(st.len == len);
			NEED(st.width == 1 || st.width == 2 || st.width == 4 || st.width == 8);
			NEED(st.is_imm || st.reg < HV_GPR_COUNT);
			NEED(st.op < HV_MMIO_NOPS);
			(void)hv_mmio_store_value(&st, gprs);
			execute(&st, gprs);
		}
		if (hv_insn_mov_to_cr(buf, avail, mode, &cr, &gpr) == 0)
			NEED(cr < 16 && gpr < 16);
	}
	(void)data[0];
	return 0;
}
