/* SPDX-License-Identifier: MIT */
/* Host tests of the console escape filter (hv/debug/escape.c). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdlib.h>
#include <string.h>

#include "hv/debug/escape.h"

#define EVENT 0x100     /* "monitor opened" marker in a recorded stream */

static struct esc_seq seq_of(const char *text)
{
	struct esc_seq s;
	char err[128];

	assert_int_equal(esc_parse(text, &s, err, sizeof(err)), 0);
	return s;
}

static void parse_ok(const char *text, const char *bytes, size_t len)
{
	struct esc_seq s = seq_of(text);
	char back[64];
	struct esc_seq again;
	char err[128];

	assert_int_equal(s.len, len);
	assert_memory_equal(s.bytes, bytes, len);
	/* esc_format() writes what esc_parse() reads back to the same bytes. */
	esc_format(&s, back, sizeof(back));
	assert_int_equal(esc_parse(back, &again, err, sizeof(err)), 0);
	assert_int_equal(again.len, s.len);
	assert_memory_equal(again.bytes, s.bytes, s.len);
}

static void test_parse_good(void **state)
{
	char buf[32];
	struct esc_seq s = seq_of(ESC_DEFAULT);

	(void)state;
	parse_ok("^\\^\\", "\x1c\x1c", 2);
	parse_ok("^]^]", "\x1d\x1d", 2);
	parse_ok("^_x", "\x1fx", 2);
	parse_ok("^a^b", "\x01\x02", 2);
	parse_ok("\\x1e\\x1e", "\x1e\x1e", 2);
	parse_ok("^\\\\^\\\\", "\x1c^\\", 3);
	parse_ok("^\\^?", "\x1c\x7f", 2);
	parse_ok("^\\\\xff", "\x1c\xff", 2);
	parse_ok("^\\abcdefg", "\x1c" "abcdefg", 8);
	assert_int_equal(s.len, 2);
	assert_int_equal(esc_format(&s, buf, sizeof(buf)), 4);
	assert_string_equal(buf, "^\\^\\");
	assert_int_equal(esc_parse("off", &s, buf, sizeof(buf)), 0);
	assert_int_equal(s.len, 0);
	esc_format(&s, buf, sizeof(buf));
	assert_string_equal(buf, "off");
	assert_int_equal(esc_parse("none", &s, buf, sizeof(buf)), 0);
	assert_int_equal(s.len, 0);
}

static void parse_bad(const char *text, const char *why)
{
	struct esc_seq s = seq_of("^]^]");
	char err[160] = "";

	assert_int_equal(esc_parse(text, &s, err, sizeof(err)), -1);
	if (!strstr(err, why))
		fail_msg("'%s': message '%s' lacks '%s'", text, err, why);
	assert_int_equal(s.bytes[0], 0x1d);     /* untouched on error */
}

static void test_parse_bad(void **state)
{
	(void)state;
	parse_bad("", "empty");
	parse_bad("^", "at the end");
	parse_bad("^\\^", "at the end");
	parse_bad("^1^1", "not a control character");
	parse_bad("^\\\\q", "bad '\\' escape");
	parse_bad("^\\\\", "bad '\\' escape");
	parse_bad("^\\\\x1", "bad '\\' escape");
	parse_bad("^\\\\xg0", "bad '\\' escape");
	parse_bad("^\\", "at least 2");
	parse_bad("^\\abcdefgh", "longer than 8");
	parse_bad("^\\^\\^\\^\\^\\^\\^\\^\\^\\", "longer than 8");
	parse_bad("~.", "must start");
	parse_bad("ab", "must start");
	parse_bad("^C^C", "must start");
	parse_bad("^[^[", "must start");
	parse_bad("^M^M", "must start");
	parse_bad("^@^@", "must start");
	parse_bad("^?^?", "must start");
	parse_bad("^S^\\", "must start");
	parse_bad("^\\\x1c", "raw byte 0x1c");
	parse_bad("^\\\xe9", "raw byte 0xe9");
	parse_bad("offx", "must start");
}

/* Feed a whole stream; record guest bytes and EVENT markers. */
static size_t run(struct esc_filter *f, const uint8_t *in, size_t n, int *rec, bool flush_end)
{
	uint8_t out[ESC_MAX_LEN];
	size_t r = 0, i, k, m;

	for (i = 0; i < n; i++) {
		bool ev = esc_feed(f, in[i], out, &m);

		assert_true(m <= ESC_MAX_LEN);
		for (k = 0; k < m; k++)
			rec[r++] = out[k];
		if (ev)
			rec[r++] = EVENT;
	}
	if (flush_end) {
		m = esc_flush(f, out);
		for (k = 0; k < m; k++)
			rec[r++] = out[k];
	}
	return r;
}

/* Reference: leftmost non-overlapping occurrences become EVENT, the rest passes. */
static size_t model(const struct esc_seq *s, const uint8_t *in, size_t n, int *rec)
{
	size_t r = 0, i = 0;

	while (i < n) {
		if (s->len && i + s->len <= n && !memcmp(in + i, s->bytes, s->len)) {
			rec[r++] = EVENT;
			i += s->len;
		} else {
			rec[r++] = in[i++];
		}
	}
	return r;
}

static void check_stream(const char *seqtext, const char *input, const int *expect, size_t ne)
{
	struct esc_seq s = seq_of(seqtext);
	struct esc_filter f;
	int rec[64];
	size_t r;

	esc_init(&f, &s);
	r = run(&f, (const uint8_t *)input, strlen(input), rec, true);
	assert_int_equal(r, ne);
	assert_memory_equal(rec, expect, ne * sizeof(int));
}

static void test_feed_examples(void **state)
{
	(void)state;
	/* Two ^\ open the monitor; a third is held then released by the flush. */
	check_stream("^\\^\\", "a\x1c\x1c" "b", (int[]){ 'a', EVENT, 'b' }, 3);
	check_stream("^\\^\\", "\x1cx\x1c", (int[]){ 0x1c, 'x', 0x1c }, 3);
	check_stream("^\\^\\", "\x1c\x1c\x1c", (int[]){ EVENT, 0x1c }, 2);
	/* Self-overlapping sequence: a failed match keeps its useful tail held. */
	check_stream("^\\a^\\b", "\x1c" "a\x1c" "a\x1c" "b",
		     (int[]){ 0x1c, 'a', EVENT }, 3);
	check_stream("^\\^\\x", "\x1c\x1c\x1cx", (int[]){ 0x1c, EVENT }, 2);
	check_stream("off", "\x1c\x1c", (int[]){ 0x1c, 0x1c }, 2);
}

static void test_feed_holds_then_releases(void **state)
{
	struct esc_seq s = seq_of("^\\^\\q");
	struct esc_filter f;
	uint8_t out[ESC_MAX_LEN];
	size_t m;

	(void)state;
	esc_init(&f, &s);
	assert_false(esc_feed(&f, 0x1c, out, &m));
	assert_int_equal(m, 0);
	assert_false(esc_feed(&f, 0x1c, out, &m));
	assert_int_equal(m, 0);
	assert_false(esc_feed(&f, 'z', out, &m));
	assert_int_equal(m, 3);
	assert_memory_equal(out, "\x1c\x1cz", 3);
	assert_false(esc_feed(&f, 0x1c, out, &m));
	assert_int_equal(esc_flush(&f, out), 1);
	assert_int_equal(out[0], 0x1c);
	assert_int_equal(esc_flush(&f, out), 0);
}

/* Property: random streams, random flush points; the filter equals the model. */
static void test_feed_random(void **state)
{
	static const char *const seqs[] = {
		"^\\^\\", "^]^]", "^\\a^\\b", "^\\^\\^\\x", "^_^_^_^_^_^_^_^_", "^\\ab",
		"^\\a^\\a^\\", "off",
	};
	const uint8_t alpha[] = { 0x1c, 0x1d, 0x1f, 'a', 'b', 'x', 0x03, 0xff };
	uint8_t in[300];
	int got[400], want[400];
	unsigned iter;

	(void)state;
	srand(12345);
	for (iter = 0; iter < 20000; iter++) {
		struct esc_seq s = seq_of(seqs[iter % (sizeof(seqs) / sizeof(seqs[0]))]);
		struct esc_filter f;
		size_t n = (size_t)rand() % sizeof(in), cut = n ? (size_t)rand() % n : 0;
		size_t g, w, i;

		for (i = 0; i < n; i++)
			in[i] = alpha[rand() % (iter % 3 ? 3 : (int)sizeof(alpha))];
		esc_init(&f, &s);
		/* A flush splits the stream: both halves must match the model. */
		g = run(&f, in, cut, got, true);
		g += run(&f, in + cut, n - cut, got + g, true);
		w = model(&s, in, cut, want);
		w += model(&s, in + cut, n - cut, want + w);
		assert_int_equal(g, w);
		assert_memory_equal(got, want, g * sizeof(int));
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_parse_good),
		cmocka_unit_test(test_parse_bad),
		cmocka_unit_test(test_feed_examples),
		cmocka_unit_test(test_feed_holds_then_releases),
		cmocka_unit_test(test_feed_random),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
