/* SPDX-License-Identifier: MIT */
/*
 * Host tests of the GDB stub (hv/debug/rsp.c, gdbstub.c, gdb_packets.c,
 * gdb_regs.c, gdb_bp.c) against a fake target: a scripted gdb session, then
 * framing errors and every malformed packet we could think of.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hv/debug/gdbstub.h"
#include "tests/debug/fake_target.h"

static struct fake_target T;
static struct gdb_stub S;

static int setup(void **state)
{
	(void)state;
	fake_init(&T);
	gdb_stub_init(&S, &fake_ops, &T);
	gdb_stub_attach(&S, 0);
	return 0;
}

static enum gdb_verdict feed(const void *data, size_t len)
{
	const uint8_t *p = data;
	enum gdb_verdict v = GDB_V_STOPPED;
	size_t i;

	for (i = 0; i < len; i++)
		v = gdb_stub_input(&S, p[i]);
	return v;
}

/* Frame a packet as gdb does (no escaping: callers pass escaped bodies). */
static enum gdb_verdict send_raw_pkt(const char *body, size_t len)
{
	char buf[9000];
	unsigned sum = 0;
	size_t i;

	assert_true(len + 4 < sizeof(buf));
	buf[0] = '$';
	for (i = 0; i < len; i++) {
		buf[1 + i] = body[i];
		sum += (uint8_t)body[i];
	}
	snprintf(buf + 1 + len, 4, "#%02x", sum & 0xff);
	T.out_len = 0;
	return feed(buf, len + 4);
}

static enum gdb_verdict send_pkt(const char *body)
{
	return send_raw_pkt(body, strlen(body));
}

/*
 * The stub's answer: '+' then "$payload#cs" with a correct checksum. Returns
 * the payload NUL-terminated in a static buffer (binary data unescaped).
 */
static const char *reply_of(const uint8_t *out, size_t len, bool acked)
{
	static char payload[20000];
	size_t i = 0, n = 0;
	unsigned sum = 0, cs;

	if (acked) {
		assert_true(len >= 1);
		assert_int_equal(out[0], '+');
		i = 1;
	}
	assert_true(len - i >= 4);
	assert_int_equal(out[i], '$');
	for (i++; i < len && out[i] != '#'; i++) {
		sum += out[i];
		payload[n++] = (char)out[i];
	}
	assert_true(i + 3 == len);
	assert_int_equal(sscanf((const char *)out + i + 1, "%2x", &cs), 1);
	assert_int_equal(cs, sum & 0xff);
	payload[n] = '\0';
	return payload;
}

static const char *reply(void)
{
	return reply_of(T.out, T.out_len, !S.rsp.no_ack);
}

#define EXPECT(pkt, want) do { \
	send_pkt(pkt); \
	assert_string_equal(reply(), want); \
} while (0)

static void unescape(const char *in, char *out, size_t *n)
{
	*n = 0;
	for (; *in; in++)
		out[(*n)++] = *in == '}' ? (char)(*++in ^ 0x20) : *in;
}

static uint64_t le_hex(const char *hex, unsigned bytes)
{
	uint64_t v = 0;
	unsigned i, b;

	for (i = 0; i < bytes; i++) {
		assert_int_equal(sscanf(hex + 2 * i, "%2x", &b), 1);
		v |= (uint64_t)b << (8 * i);
	}
	return v;
}

/* ---- the scripted session -------------------------------------------------- */

static void read_target_xml(char *xml, size_t *len)
{
	char pkt[64], chunk[8192];
	size_t n, off = 0;
	const char *r;

	for (;;) {
		snprintf(pkt, sizeof(pkt), "qXfer:features:read:target.xml:%zx,200", off);
		send_pkt(pkt);
		r = reply();
		assert_true(r[0] == 'm' || r[0] == 'l');
		unescape(r + 1, chunk, &n);
		assert_true(n <= 0x200);
		memcpy(xml + off, chunk, n);
		off += n;
		if (r[0] == 'l')
			break;
	}
	*len = off;
}

static void test_session(void **state)
{
	char xml[GDB_XML_MAX], want[GDB_XML_MAX];
	size_t xlen, wlen = gdb_target_xml(want, sizeof(want));
	uint64_t bp = FAKE_MEM_BASE + 0x120;
	const char *r;

	(void)state;
	send_pkt("qSupported:multiprocess+;swbreak+;hwbreak+;qRelocInsn+;vContSupported+");
	r = reply();
	assert_non_null(strstr(r, "PacketSize=1000"));
	assert_non_null(strstr(r, "qXfer:features:read+"));
	assert_non_null(strstr(r, "swbreak+"));
	read_target_xml(xml, &xlen);
	assert_int_equal(xlen, wlen);
	assert_memory_equal(xml, want, wlen);
	assert_non_null(strstr(want, "<feature name=\"org.gnu.gdb.i386.core\">"));
	EXPECT("?", "T05thread:1;");
	EXPECT("Hg1", "OK");
	EXPECT("qfThreadInfo", "m1,2");
	EXPECT("qsThreadInfo", "l");
	EXPECT("qC", "QC1");
	EXPECT("qAttached", "1");
	/* g: rax first, rip at regnum 16 (byte 128), x87 unavailable. */
	send_pkt("g");
	r = reply();
	assert_int_equal(strlen(r), 2 * GDB_REGS_WIRE_BYTES);
	assert_true(le_hex(r, 8) == T.regs[0].rax);
	assert_true(le_hex(r + 2 * 128, 8) == T.regs[0].rip);
	assert_true(le_hex(r + 2 * 136, 4) == 0x246);
	assert_memory_equal(r + 2 * 164, "xxxxxxxxxxxxxxxxxxxx", 20);
	EXPECT("m ffffffff81000000,4" + 0, "E22");       /* stray space */
	EXPECT("mffffffff81000000,4", "030a1118");
	/* Z0: INT3 planted, reads still show the original byte. */
	EXPECT("Z0,ffffffff81000120,1", "OK");
	assert_int_equal(T.mem[0x120], 0xcc);
	EXPECT("mffffffff81000120,1", "e3");
	/* c: everything runs; the fake target then hits the breakpoint on vCPU 1. */
	assert_int_equal(send_pkt("c"), GDB_V_RUNNING);
	assert_int_equal(T.out_len, 1);         /* just the ack: no reply until the stop */
	assert_int_equal(T.out[0], '+');
	assert_int_equal(T.last_run[0], GDB_RUN_CONT);
	assert_int_equal(T.last_run[1], GDB_RUN_CONT);
	T.out_len = 0;
	T.regs[1].rip = bp;
	gdb_stub_stopped(&S, &(struct gdb_stop){ .vcpu = 1, .kind = GDB_STOP_SWBREAK });
	assert_string_equal(reply_of(T.out, T.out_len, false), "T05thread:2;swbreak:;");
	feed("+", 1);
	/* s steps the stopped vCPU alone. */
	assert_int_equal(send_pkt("s"), GDB_V_RUNNING);
	assert_int_equal(T.last_run[0], GDB_RUN_STOP);
	assert_int_equal(T.last_run[1], GDB_RUN_STEP);
	T.out_len = 0;
	gdb_stub_stopped(&S, &(struct gdb_stop){ .vcpu = 1, .kind = GDB_STOP_STEP });
	assert_string_equal(reply_of(T.out, T.out_len, false), "T05thread:2;");
	feed("+", 1);
	send_pkt("g");
	assert_true(le_hex(reply() + 2 * 128, 8) == bp);
	EXPECT("z0,ffffffff81000120,1", "OK");
	assert_int_equal(T.mem[0x120], 0xe3);
	/* D: OK, everything resumes, the line goes back. */
	assert_int_equal(send_pkt("D"), GDB_V_DETACHED);
	assert_string_equal(reply(), "OK");
	assert_int_equal(T.detaches, 1);
	assert_int_equal(T.last_run[0], GDB_RUN_CONT);
	assert_int_equal(T.last_run[1], GDB_RUN_CONT);
	assert_int_equal(feed("$g#67", 5), GDB_V_DETACHED);
}

/* ---- framing ------------------------------------------------------------------ */

static void test_bad_checksum_and_retransmit(void **state)
{
	(void)state;
	T.out_len = 0;
	feed("$g#00", 5);                       /* wrong checksum */
	assert_int_equal(T.out_len, 1);
	assert_int_equal(T.out[0], '-');
	T.out_len = 0;
	feed("$g#6z", 5);                       /* not hex */
	assert_int_equal(T.out[0], '-');
	assert_int_equal(S.rsp.stats.bad_checksums, 2);
	T.out_len = 0;
	feed("$qC#b4", 6);
	assert_string_equal(reply(), "QC1");
	/* gdb did not get it: '-' sends the very same bytes again. */
	size_t first = T.out_len;
	feed("-", 1);
	assert_int_equal(T.out_len, first + first - 1);
	assert_memory_equal(T.out + first, T.out + 1, first - 1);
	feed("+", 1);
	feed("-", 1);                            /* acked already: no resend */
	assert_int_equal(T.out_len, 2 * first - 1);
}

static void test_truncated_and_noise(void **state)
{
	(void)state;
	T.out_len = 0;
	feed("xyz\r\n$qAtt", 10);                /* noise, then a packet cut short */
	feed("$qC#b4", 6);                       /* gdb starts over */
	assert_string_equal(reply(), "QC1");
	assert_true(S.rsp.stats.noise >= 4);
	T.out_len = 0;
	feed("$qC#", 4);                         /* nothing yet without the checksum */
	assert_int_equal(T.out_len, 0);
}

static void test_too_long(void **state)
{
	static char big[RSP_MAX_PACKET + 100];

	(void)state;
	memset(big, 'a', sizeof(big));
	big[0] = 'M';
	send_raw_pkt(big, sizeof(big));
	assert_string_equal(reply(), "E22");
	assert_int_equal(S.rsp.stats.too_long, 1);
	EXPECT("qC", "QC1");                     /* and the stub still works */
}

static void test_binary_x_packet(void **state)
{
	/* X with bytes '#', '$', '}', '*', 0 and 3 escaped as gdb does. */
	static const char body[] = "Xffffffff81000010,6:}\x03}\x04}]}\x0a" "\0\x03";

	(void)state;
	send_raw_pkt(body, sizeof(body) - 1);
	assert_string_equal(reply(), "OK");
	assert_memory_equal(T.mem + 0x10, "#$}*\0\x03", 6);
	EXPECT("Xffffffff81000010,0:", "OK");    /* gdb's probe */
	EXPECT("Xffffffff81000010,2:a", "E22");  /* length mismatch */
}

static void test_rsp_escapes_binary_replies(void **state)
{
	struct rsp r;
	static const uint8_t data[] = { '#', '$', '}', '*', 'a' };
	uint8_t out[64];
	size_t n = 0;

	(void)state;
	rsp_init(&r, NULL, NULL);
	rsp_begin(&r);
	rsp_put_binary(&r, data, sizeof(data));
	rsp_put_text(&r, "*#");                  /* never raw in a text reply */
	rsp_end(&r);
	memcpy(out, r.out, r.out_len);
	n = r.out_len;
	assert_memory_equal(out, "$}\x03}\x04}]}\x0a" "a__#", 13);
	assert_int_equal(n, 15);
}

static void test_interrupt(void **state)
{
	(void)state;
	feed("\x03", 1);                         /* stopped: nothing to interrupt */
	assert_int_equal(T.interrupts, 0);
	send_pkt("vCont;c");
	assert_int_equal(feed("\x03", 1), GDB_V_RUNNING);
	assert_int_equal(T.interrupts, 1);
	EXPECT("g", "E.target is running");
	T.out_len = 0;
	gdb_stub_stopped(&S, &(struct gdb_stop){ .vcpu = 0, .kind = GDB_STOP_INTERRUPT });
	assert_string_equal(reply_of(T.out, T.out_len, false), "T02thread:1;");
}

static void test_no_ack_mode(void **state)
{
	(void)state;
	send_pkt("QStartNoAckMode");
	assert_string_equal(reply_of(T.out, T.out_len, true), "OK");    /* still acked */
	assert_true(S.rsp.no_ack);
	feed("+", 1);
	send_pkt("qC");
	assert_int_equal(T.out[0], '$');         /* no '+' any more */
	assert_string_equal(reply(), "QC1");
}

/* ---- bad packets ---------------------------------------------------------------- */

static void test_bad_packets(void **state)
{
	(void)state;
	EXPECT("mffffffff81000000", "E22");              /* no length */
	EXPECT("mffffffff81000000,", "E22");
	EXPECT("mzz,4", "E22");
	EXPECT("m11111111111111111,4", "E22");           /* 17 digits */
	EXPECT("mffffffff81000000,0", "E22");
	EXPECT("m1000,4", "E14");                        /* unmapped */
	EXPECT("Mffffffff81000000,2:abc", "E22");        /* odd */
	EXPECT("Mffffffff81000000,2:abzz", "E22");
	EXPECT("Mffffffff81000000,1000000:00", "E22");   /* too long */
	EXPECT("M1000,1:00", "E14");
	EXPECT("G00", "E22");
	EXPECT("p99", "E22");
	EXPECT("pzz", "E22");
	EXPECT("P0=12", "E22");                          /* 1 byte for a 64-bit reg */
	EXPECT("P0=zz00000000000000", "E22");
	EXPECT("H", "E22");
	EXPECT("Hx1", "E22");
	EXPECT("Hg99", "E22");
	EXPECT("Hg-2", "E22");
	EXPECT("T99", "E02");
	EXPECT("T0", "E02");
	EXPECT("T2", "OK");
	EXPECT("vCont;x", "E22");
	EXPECT("vCont", "E22");
	EXPECT("vCont;c:9", "E22");
	EXPECT("vCont?", "vCont;c;C;s;S;t");
	EXPECT("vMustReplyEmpty", "");
	EXPECT("Z0,ffffffff81000000,2", "E22");
	EXPECT("Z0,1000,1", "E14");
	EXPECT("Z0,ffffffff81000000", "E22");
	EXPECT("Z5,0,1", "");
	EXPECT("Z2,ffffffff81000001,4", "E22");         /* misaligned */
	EXPECT("Z2,ffffffff81000000,3", "E22");         /* no such length */
	EXPECT("qXfer:features:read:other.xml:0,10", "E00");
	EXPECT("qXfer:features:read:target.xml:0", "E22");
	EXPECT("qXfer:features:read:target.xml:ffffff,10", "l");
	EXPECT("Ccc;zz", "E22");
	EXPECT("czz", "E22");
	EXPECT("qThreadExtraInfo,9", "E02");
	EXPECT("!", "");
	EXPECT("", "");
	EXPECT("qC", "QC1");
	T.fail_regs = true;
	EXPECT("g", "E05");
	EXPECT("p0", "E05");
	EXPECT("c1234", "E05");
}

static void test_registers_write(void **state)
{
	char g[2 * GDB_REGS_WIRE_BYTES + 2];
	const char *r;

	(void)state;
	EXPECT("P10=efbeadde00000000", "OK");            /* rip */
	assert_true(T.regs[0].rip == 0xdeadbeef);
	EXPECT("p10", "efbeadde00000000");
	EXPECT("P2a=0100000000000000", "OK");            /* k_gs_base */
	assert_true(T.regs[0].k_gs_base == 1);
	/* G writes back what g read, with rax changed. */
	send_pkt("g");
	r = reply();
	strcpy(g + 1, r);
	g[0] = 'G';
	memcpy(g + 1, "2a00000000000000", 16);
	EXPECT(g, "OK");
	assert_true(T.regs[0].rax == 42);
	assert_true(T.regs[0].rip == 0xdeadbeef);
	/* threads: Hg2 makes g read vCPU 1 */
	EXPECT("Hg2", "OK");
	send_pkt("g");
	assert_true(le_hex(reply(), 8) == T.regs[1].rax);
	EXPECT("qThreadExtraInfo,2", "7663707531");    /* "vcpu1" */
}

static void test_memory_and_breakpoints(void **state)
{
	(void)state;
	EXPECT("Z0,ffffffff81000004,1", "OK");
	EXPECT("Z0,ffffffff81000004,1", "OK");           /* idempotent */
	/* A write over a planted INT3 updates the saved byte, keeps the INT3. */
	EXPECT("Mffffffff81000003,3:aabbcc", "OK");
	assert_memory_equal(T.mem + 3, "\xaa\xcc\xcc", 3);
	EXPECT("mffffffff81000003,3", "aabbcc");
	EXPECT("z0,ffffffff81000004,1", "OK");
	assert_int_equal(T.mem[4], 0xbb);
	EXPECT("z0,ffffffff81000004,1", "OK");           /* idempotent too */
	/* A read that runs off the end of mapped memory is short, not an error. */
	EXPECT("mffffffff8100fffe,10", "f5fc");
	/* All 64 software slots, then no space. */
	char pkt[48];
	unsigned i;

	for (i = 0; i < GDB_MAX_SW_BP; i++) {
		snprintf(pkt, sizeof(pkt), "Z0,%llx,1", (unsigned long long)(FAKE_MEM_BASE + 0x200 + i));
		EXPECT(pkt, "OK");
	}
	EXPECT("Z0,ffffffff81000300,1", "E28");
	/* Detach removes them all. */
	send_pkt("D");
	for (i = 0; i < GDB_MAX_SW_BP; i++)
		assert_int_not_equal(T.mem[0x200 + i], 0xcc);
}

static void test_hw_breakpoints(void **state)
{
	struct gdb_stop st;

	(void)state;
	EXPECT("Z2,ffffffff81001000,4", "OK");
	assert_true(T.hw.dr[0] == FAKE_MEM_BASE + 0x1000);
	assert_true(T.hw.dr7 == (DR7_FIXED1 | DR7_L(0) | 1ull << 16 | 3ull << 18));
	EXPECT("Z1,ffffffff81000100,1", "OK");
	assert_true(T.hw.dr[1] == FAKE_MEM_BASE + 0x100);
	assert_true((T.hw.dr7 >> 20 & 0xf) == 0 && (T.hw.dr7 & DR7_L(1)));
	EXPECT("Z4,ffffffff81002000,8", "OK");
	assert_true((T.hw.dr7 >> 24 & 0xf) == (3 | 2 << 2));
	EXPECT("Z3,ffffffff81003000,1", "OK");
	EXPECT("Z2,ffffffff81004000,1", "E28");          /* four slots */
	/* DR6 B0: the write watchpoint on vCPU 1. */
	assert_true(gdb_stub_decode_dr6(&S, 1, DR6_B(0), &st));
	assert_int_equal(st.kind, GDB_STOP_WATCH);
	assert_true(st.addr == FAKE_MEM_BASE + 0x1000);
	assert_true(gdb_stub_decode_dr6(&S, 1, DR6_B(1), &st));
	assert_int_equal(st.kind, GDB_STOP_HWBREAK);
	assert_true(gdb_stub_decode_dr6(&S, 1, DR6_BS, &st));
	assert_int_equal(st.kind, GDB_STOP_STEP);
	assert_false(gdb_stub_decode_dr6(&S, 1, 0, &st));
	send_pkt("c");
	T.out_len = 0;
	gdb_stub_decode_dr6(&S, 1, DR6_B(0), &st);
	gdb_stub_stopped(&S, &st);
	assert_string_equal(reply_of(T.out, T.out_len, false), "T05thread:2;watch:ffffffff81001000;");
	feed("+", 1);
	EXPECT("z2,ffffffff81001000,4", "OK");
	assert_true((T.hw.dr7 & DR7_L(0)) == 0);
	EXPECT("z2,ffffffff81001000,4", "OK");
	send_pkt("k");
	assert_int_equal(T.out_len, 1);                  /* ack, no reply */
	assert_int_equal(T.kills, 1);
	assert_true(T.hw.dr7 == DR7_FIXED1);
}

static void test_vcont(void **state)
{
	(void)state;
	send_pkt("vCont;s:2;c");
	assert_int_equal(T.last_run[0], GDB_RUN_CONT);
	assert_int_equal(T.last_run[1], GDB_RUN_STEP);
	gdb_stub_stopped(&S, &(struct gdb_stop){ .vcpu = 1, .kind = GDB_STOP_STEP });
	send_pkt("vCont;c:1");
	assert_int_equal(T.last_run[0], GDB_RUN_CONT);
	assert_int_equal(T.last_run[1], GDB_RUN_STOP);
	gdb_stub_stopped(&S, &(struct gdb_stop){ .vcpu = 0, .kind = GDB_STOP_STEP });
	send_pkt("vCont;C05:1;t");
	assert_int_equal(T.last_run[0], GDB_RUN_CONT);
	assert_int_equal(T.last_run[1], GDB_RUN_STOP);
	gdb_stub_stopped(&S, &(struct gdb_stop){ .vcpu = 0, .kind = GDB_STOP_STEP });
	/* without swbreak+ from gdb, a breakpoint stop is a plain T05 */
	send_pkt("c");
	T.out_len = 0;
	gdb_stub_stopped(&S, &(struct gdb_stop){ .vcpu = 0, .kind = GDB_STOP_SWBREAK });
	assert_string_equal(reply_of(T.out, T.out_len, false), "T05thread:1;");
}

static void test_target_xml_matches_table(void **state)
{
	char xml[GDB_XML_MAX], small[100];
	unsigned i, total = 0;

	(void)state;
	assert_true(gdb_target_xml(xml, sizeof(xml)) > 0);
	assert_int_equal(gdb_target_xml(small, sizeof(small)), 0);
	for (i = 0; i < gdb_nr_regs; i++) {
		char want[128];

		snprintf(want, sizeof(want), "<reg name=\"%s\" bitsize=\"%u\"", gdb_reg_table[i].name,
			 gdb_reg_table[i].bytes * 8u);
		assert_non_null(strstr(xml, want));
		total += gdb_reg_table[i].bytes;
	}
	assert_int_equal(total, GDB_REGS_WIRE_BYTES);
	assert_string_equal(gdb_reg_table[GDB_REG_RIP].name, "rip");
	assert_string_equal(gdb_reg_table[40].name, "fs_base");
}

#define T_(f) cmocka_unit_test_setup(f, setup)

int main(void)
{
	const struct CMUnitTest tests[] = {
		T_(test_session),
		T_(test_bad_checksum_and_retransmit),
		T_(test_truncated_and_noise),
		T_(test_too_long),
		T_(test_binary_x_packet),
		T_(test_rsp_escapes_binary_replies),
		T_(test_interrupt),
		T_(test_no_ack_mode),
		T_(test_bad_packets),
		T_(test_registers_write),
		T_(test_memory_and_breakpoints),
		T_(test_hw_breakpoints),
		T_(test_vcont),
		T_(test_target_xml_matches_table),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
