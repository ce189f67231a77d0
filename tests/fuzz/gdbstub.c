/* SPDX-License-Identifier: MIT */
/*
 * libFuzzer target: the GDB stub (hv/debug/rsp.c framing + gdbstub.c,
 * gdb_data.c, gdb_packets.c, gdb_regs.c, gdb_bp.c) against the fake target.
 * Input byte 0 picks the mode: even = the rest is the raw byte stream from
 * "gdb"; odd = the rest is split at '\n' and each piece is framed as a packet
 * with a correct checksum, so the fuzzer reaches the command layer without
 * having to guess checksums. A resumed target stops again at once (with a
 * stop kind taken from the input), a detached stub is attached again.
 * See tests/fuzz/README for the build line.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "tests/debug/fake_target.h"

static struct fake_target T;
static struct gdb_stub S;

static void feed(uint8_t b, uint8_t salt)
{
	enum gdb_verdict v = gdb_stub_input(&S, b);

	T.out_len = 0;
	if (v == GDB_V_RUNNING) {
		struct gdb_stop st = { .vcpu = salt % (FAKE_VCPUS + 1), .kind = (enum gdb_stop_kind)(salt % 6),
				       .addr = FAKE_MEM_BASE + salt, .watch = (enum gdb_bp_type)(salt % 5) };

		if (salt & 0x80)
			gdb_stub_decode_dr6(&S, st.vcpu % FAKE_VCPUS, salt, &st);
		gdb_stub_stopped(&S, &st);
	} else if (v == GDB_V_DETACHED) {
		gdb_stub_attach(&S, salt % FAKE_VCPUS);
	}
}

static void feed_packet(const uint8_t *p, size_t n, uint8_t salt)
{
	char cs[3];
	unsigned sum = 0;
	size_t i;

	feed('$', salt);
	for (i = 0; i < n; i++) {
		feed(p[i], salt);
		sum += p[i];
	}
	snprintf(cs, sizeof(cs), "%02x", sum & 0xff);
	feed('#', salt);
	feed((uint8_t)cs[0], salt);
	feed((uint8_t)cs[1], salt);
	feed('+', salt);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	size_t i, start;

	if (!size)
		return 0;
	fake_init(&T);
	gdb_stub_init(&S, &fake_ops, &T);
	gdb_stub_attach(&S, 0);
	if (!(data[0] & 1)) {
		for (i = 1; i < size; i++)
			feed(data[i], data[i - 1]);
		return 0;
	}
	for (start = i = 1; i <= size; i++) {
		if (i == size || data[i] == '\n') {
			feed_packet(data + start, i - start, data[0]);
			start = i + 1;
		}
	}
	return 0;
}
