/* SPDX-License-Identifier: MIT */
/*
 * libFuzzer target: the monitor's line editor and command parser
 * (hv/debug/monitor.c, mon_cmds.c, mon_log.c, mon_print.c, mon_vmcb.c) and
 * the escape filter (hv/debug/escape.c) in front of it, as on the real line:
 * every input byte goes through esc_feed(); bytes after the sequence go to
 * the monitor until it says leave. The config parser gets the input too.
 * The fake svmhv answers every callback with made-up but plausible data.
 */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "hv/debug/escape.h"
#include "hv/debug/monitor.h"

static struct vmcb vmcb;
static uint8_t sink;

static void put(void *ctx, const char *s)
{
	while (*s)
		sink ^= (uint8_t)*s++;  /* read every byte: ASan checks the strings */
}

static unsigned nr_vcpus(void *ctx) { return 4; }

static void vcpu_info(void *ctx, unsigned v, struct mon_vcpu_info *o)
{
	o->running = v & 1;
	o->last_exit = v * 0x123457;
	o->rip = ~0ull - v;
}

static const struct vmcb *get_vmcb(void *ctx, unsigned v, enum mon_vmcb_which w)
{
	memset(&vmcb, (int)(v * 0x31 + w), sizeof(vmcb));
	return w == MON_VMCB02 && v == 3 ? NULL : &vmcb;
}

static uint64_t exit_count(void *ctx, unsigned v, uint64_t code) { return code * (v + 1) * 0x1000001ull; }
static uint64_t now_us(void *ctx) { static uint64_t t; return t += 333; }

static void tlb_info(void *ctx, unsigned v, struct mon_tlb_info *o)
{
	memset(&o->cnt, 0x5a + (int)v, sizeof(o->cnt));
	o->asid_l1 = v;
	o->have_l2_asid = v & 1;
}

static void walk(struct mon_walk *w, uint64_t a)
{
	w->nlevels = (unsigned)(a % 9);         /* even more than MON_WALK_LEVELS */
	if (w->nlevels > MON_WALK_LEVELS)
		w->nlevels = MON_WALK_LEVELS;
	for (unsigned i = 0; i < w->nlevels; i++)
		w->level[i] = (struct mon_walk_level){ a << i, (uint16_t)(a >> (12 + 9 * i)), ~a >> i };
	w->status = (enum mon_walk_status)(a % 6);
	w->out_addr = a;
	w->page_size = 4096ull << (a % 20);
}

static void npt_walk(void *ctx, unsigned v, enum mon_npt_table t, uint64_t gpa, struct mon_walk *w)
{
	walk(w, gpa + t);
}

static void gva_walk(void *ctx, unsigned v, uint64_t gva, struct mon_walk *w) { walk(w, gva); }

static size_t mem_read(void *ctx, uint64_t gpa, void *buf, size_t len)
{
	size_t n = gpa & 1 ? len / 2 : len;

	memset(buf, (int)gpa, n);
	return n;
}

static size_t vmem_read(void *ctx, unsigned v, uint64_t gva, void *buf, size_t len)
{
	return mem_read(ctx, gva + v, buf, len);
}

static unsigned lvl;
static uint32_t areas;
static void log_get(void *ctx, unsigned *l, uint32_t *a) { *l = lvl; *a = areas; }
static void log_set(void *ctx, unsigned l, uint32_t a) { lvl = l; areas = a; }
static const char *const names[] = { "hv", "svm", "tlb", "npt", "nested", NULL, "apic" };

static unsigned trace(void *ctx, unsigned v, struct mon_trace_entry *b, unsigned max)
{
	for (unsigned i = 0; i < max; i++)
		b[i] = (struct mon_trace_entry){ .exit_code = i * 0x41 + v, .tsc = i };
	return max;
}

static int nmi(void *ctx, unsigned v) { return v == 2 ? -1 : 0; }
static void reset(void *ctx) { }

static const struct mon_ops ops = {
	.put = put, .nr_vcpus = nr_vcpus, .vcpu_info = vcpu_info, .vmcb = get_vmcb,
	.exit_count = exit_count, .now_us = now_us, .tlb_info = tlb_info, .npt_walk = npt_walk,
	.gva_walk = gva_walk, .mem_read = mem_read, .vmem_read = vmem_read,
	.log_get = log_get, .log_set = log_set, .log_areas = names, .nr_log_areas = 7,
	.trace = trace, .nmi = nmi, .reset = reset,
};

static struct mon M;

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct esc_seq seq;
	struct esc_filter f;
	char text[ESC_TEXT_MAX + 8], err[160];
	uint8_t out[ESC_MAX_LEN];
	size_t i, n, k, passed = 0;
	bool in_monitor = false;

	n = size < sizeof(text) - 1 ? size : sizeof(text) - 1;
	memcpy(text, data, n);
	text[n] = '\0';
	if (esc_parse(text, &seq, err, sizeof(err)) != 0)
		esc_parse(ESC_DEFAULT, &seq, err, sizeof(err));
	esc_init(&f, &seq);
	mon_init(&M, &ops, NULL);
	for (i = 0; i < size; i++) {
		if (in_monitor) {
			in_monitor = mon_input(&M, data[i]) == MON_STAY;
			continue;
		}
		if (esc_feed(&f, data[i], out, &k)) {
			mon_enter(&M);
			in_monitor = true;
		}
		passed += k;
	}
	passed += esc_flush(&f, out);
	if (passed > size)
		__builtin_trap();       /* the filter never invents bytes */
	return 0;
}
