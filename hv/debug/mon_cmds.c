/* SPDX-License-Identifier: MIT */
/* The monitor's commands (table and grammar in monitor.c). */
#include "hv/debug/mon_internal.h"

static unsigned nr_vcpus(struct mon *m)
{
	unsigned n = m->ops->nr_vcpus ? m->ops->nr_vcpus(m->ctx) : 0;

	return n > MON_MAX_VCPUS ? MON_MAX_VCPUS : n;
}

enum mon_verdict mon_cmd_vcpus(struct mon *m, int argc, char **argv)
{
	unsigned n = nr_vcpus(m), i;
	char name[32];

	if (!mon_need(m, m->ops->vcpu_info, "vCPU state"))
		return MON_STAY;
	mon_printf(m, "vCPU  APIC  mode  CPL  RIP               last exit           exits\r\n");
	for (i = 0; i < n; i++) {
		struct mon_vcpu_info v = { 0 };

		m->ops->vcpu_info(m->ctx, i, &v);
		mon_printf(m, "%4u  %4u  %-4s  %3u  %016llx  %-18s  %llu\r\n", i, v.apic_id,
			   !v.running ? "held" : v.in_l2 ? "L2" : "L1", v.cpl,
			   (unsigned long long)v.rip, mon_exit_name(v.last_exit, name, sizeof(name)),
			   (unsigned long long)v.exit_count);
	}
	return MON_STAY;
}

enum mon_verdict mon_cmd_vmcb(struct mon *m, int argc, char **argv)
{
	static const char *const names[] = { "vmcb01", "vmcb02", "vmcb12" };
	enum mon_vmcb_which which = MON_VMCB01;
	const struct vmcb *v;
	unsigned vcpu;

	if (!mon_arg_vcpu(m, argv[1], &vcpu) || !mon_need(m, m->ops->vmcb, "VMCB access"))
		return MON_STAY;
	if (argc == 3) {
		if (mon_streq(argv[2], "02"))
			which = MON_VMCB02;
		else if (mon_streq(argv[2], "12"))
			which = MON_VMCB12;
		else if (!mon_streq(argv[2], "01")) {
			mon_printf(m, "error: '%s': say 01, 02 or 12\r\n", argv[2]);
			return MON_STAY;
		}
	}
	v = m->ops->vmcb(m->ctx, vcpu, which);
	if (!v) {
		mon_printf(m, "vCPU %u has no %s (no nested guest has run on it)\r\n", vcpu, names[which]);
		return MON_STAY;
	}
	mon_printf(m, "vCPU %u %s:\r\n", vcpu, names[which]);
	mon_print_vmcb(m, v);
	return MON_STAY;
}

/* Events per second over dt microseconds, without overflowing. */
static uint64_t rate(uint64_t delta, uint64_t dt_us)
{
	if (!dt_us)
		return 0;
	if (delta <= UINT64_MAX / 1000000u)
		return delta * 1000000u / dt_us;
	return delta / (dt_us / 1000000u ? dt_us / 1000000u : 1);
}

static uint64_t percent(uint64_t part, uint64_t whole)
{
	if (!whole)
		return 0;
	return whole >= 100 ? part / (whole / 100) : part * 100 / whole;
}

static void exits_one(struct mon *m, unsigned vcpu)
{
	uint64_t total = 0;
	unsigned i;
	char name[32];

	for (i = 0; i < MON_EXIT_INDEXES; i++)
		total += m->ops->exit_count(m->ctx, vcpu, mon_exit_code_at(i));
	mon_printf(m, "vCPU %u: %llu exits\r\n", vcpu, (unsigned long long)total);
	for (i = 0; i < MON_EXIT_INDEXES; i++) {
		uint64_t c = m->ops->exit_count(m->ctx, vcpu, mon_exit_code_at(i));

		if (c)
			mon_printf(m, "  %-20s %12llu  %3llu%%\r\n",
				   mon_exit_name(mon_exit_code_at(i), name, sizeof(name)),
				   (unsigned long long)c, (unsigned long long)percent(c, total));
	}
}

/* All vCPUs: totals per vCPU and per reason, with rates since the last "exits". */
static void exits_all(struct mon *m)
{
	unsigned n = nr_vcpus(m), i, v;
	uint64_t now = m->ops->now_us ? m->ops->now_us(m->ctx) : 0;
	uint64_t dt = m->have_snap ? now - m->snap_us : now;
	char name[32];

	mon_printf(m, "vCPU        exits      rate/s  (rates over the last %llu ms)\r\n",
		   (unsigned long long)(dt / 1000));
	for (v = 0; v < n; v++) {
		uint64_t t = 0;

		for (i = 0; i < MON_EXIT_INDEXES; i++)
			t += m->ops->exit_count(m->ctx, v, mon_exit_code_at(i));
		mon_printf(m, "%4u %12llu %11llu\r\n", v, (unsigned long long)t,
			   (unsigned long long)rate(t - (m->have_snap ? m->snap_vcpu[v] : 0), dt));
		m->snap_vcpu[v] = t;
	}
	mon_printf(m, "reason                      exits      rate/s\r\n");
	for (i = 0; i < MON_EXIT_INDEXES; i++) {
		uint64_t c = 0;

		for (v = 0; v < n; v++)
			c += m->ops->exit_count(m->ctx, v, mon_exit_code_at(i));
		if (c)
			mon_printf(m, "%-20s %12llu %11llu\r\n",
				   mon_exit_name(mon_exit_code_at(i), name, sizeof(name)),
				   (unsigned long long)c,
				   (unsigned long long)rate(c - (m->have_snap ? m->snap_code[i] : 0), dt));
		m->snap_code[i] = c;
	}
	m->snap_us = now;
	m->have_snap = true;
}

enum mon_verdict mon_cmd_exits(struct mon *m, int argc, char **argv)
{
	unsigned vcpu;

	if (!mon_need(m, m->ops->exit_count, "exit counting"))
		return MON_STAY;
	if (argc == 2) {
		if (mon_arg_vcpu(m, argv[1], &vcpu))
			exits_one(m, vcpu);
		return MON_STAY;
	}
	exits_all(m);
	return MON_STAY;
}

static void tlb_one(struct mon *m, unsigned vcpu)
{
	struct mon_tlb_info t = { 0 };
	unsigned ctx, r;

	m->ops->tlb_info(m->ctx, vcpu, &t);
	mon_printf(m, "vCPU %u: ASID L1 %u, L2 %u", vcpu, t.asid_l1, t.asid_l2);
	if (t.have_l2_asid)
		mon_printf(m, " (vmcb12 ASID %u)", t.vmcb12_asid);
	mon_printf(m, "\r\n");
	for (ctx = 0; ctx < TLB_NR_CTX; ctx++) {
		mon_printf(m, "  %s: %llu flushes, %llu met by a flush-all, %llu INVLPGA;", ctx ? "L2" : "L1",
			   (unsigned long long)t.cnt.flushes[ctx],
			   (unsigned long long)t.cnt.satisfied[ctx],
			   (unsigned long long)t.cnt.invlpga[ctx]);
		for (r = 0; r < TLB_REASON_COUNT; r++)
			if (t.cnt.reason[ctx][r])
				mon_printf(m, " %s=%llu", tlb_reason_name(r),
					   (unsigned long long)t.cnt.reason[ctx][r]);
		mon_printf(m, "\r\n");
	}
}

enum mon_verdict mon_cmd_tlb(struct mon *m, int argc, char **argv)
{
	unsigned n = nr_vcpus(m), v;

	if (!mon_need(m, m->ops->tlb_info, "TLB state"))
		return MON_STAY;
	if (argc == 2) {
		if (mon_arg_vcpu(m, argv[1], &v))
			tlb_one(m, v);
		return MON_STAY;
	}
	for (v = 0; v < n; v++)
		tlb_one(m, v);
	return MON_STAY;
}

enum mon_verdict mon_cmd_npt(struct mon *m, int argc, char **argv)
{
	struct mon_walk w;
	uint64_t gpa;
	unsigned vcpu = 0;

	if (!mon_arg_addr(m, argv[1], &gpa) || (argc == 3 && !mon_arg_vcpu(m, argv[2], &vcpu)) ||
	    !mon_need(m, m->ops->npt_walk, "nested page walks"))
		return MON_STAY;
	if (argc == 2 && !nr_vcpus(m)) {
		mon_printf(m, "error: no vCPUs\r\n");
		return MON_STAY;
	}
	w = (struct mon_walk){ .status = MON_WALK_NO_TABLES };
	m->ops->npt_walk(m->ctx, vcpu, MON_NPT_SVMHV, gpa, &w);
	mon_printf(m, "GPA %llx, vCPU %u\r\n", (unsigned long long)gpa, vcpu);
	mon_print_walk(m, "svmhv's nested page tables", &w);
	w = (struct mon_walk){ .status = MON_WALK_NO_TABLES };
	m->ops->npt_walk(m->ctx, vcpu, MON_NPT_SHADOW, gpa, &w);
	mon_print_walk(m, "shadow (L2) nested page tables", &w);
	return MON_STAY;
}

enum mon_verdict mon_cmd_gva(struct mon *m, int argc, char **argv)
{
	struct mon_walk w = { .status = MON_WALK_NO_TABLES };
	unsigned vcpu;
	uint64_t gva;

	if (!mon_arg_vcpu(m, argv[1], &vcpu) || !mon_arg_addr(m, argv[2], &gva) ||
	    !mon_need(m, m->ops->gva_walk, "guest page walks"))
		return MON_STAY;
	m->ops->gva_walk(m->ctx, vcpu, gva, &w);
	mon_printf(m, "GVA %llx, vCPU %u\r\n", (unsigned long long)gva, vcpu);
	mon_print_walk(m, "guest page tables", &w);
	return MON_STAY;
}

static void dump(struct mon *m, uint64_t addr, size_t want, size_t got)
{
	if (!got) {
		mon_printf(m, "error: nothing readable at %llx\r\n", (unsigned long long)addr);
		return;
	}
	mon_hexdump(m, addr, m->mem, got);
	if (got < want)
		mon_printf(m, "(stopped at %llx: not readable)\r\n", (unsigned long long)addr + got);
}

enum mon_verdict mon_cmd_mem(struct mon *m, int argc, char **argv)
{
	uint64_t gpa, len = 64;

	if (!mon_arg_addr(m, argv[1], &gpa) ||
	    (argc == 3 && !mon_arg_count(m, argv[2], MON_MEM_MAX, &len)) ||
	    !mon_need(m, m->ops->mem_read, "guest memory access"))
		return MON_STAY;
	dump(m, gpa, (size_t)len, m->ops->mem_read(m->ctx, gpa, m->mem, (size_t)len));
	return MON_STAY;
}

enum mon_verdict mon_cmd_vmem(struct mon *m, int argc, char **argv)
{
	uint64_t gva, len = 64;
	unsigned vcpu;

	if (!mon_arg_vcpu(m, argv[1], &vcpu) || !mon_arg_addr(m, argv[2], &gva) ||
	    (argc == 4 && !mon_arg_count(m, argv[3], MON_MEM_MAX, &len)) ||
	    !mon_need(m, m->ops->vmem_read, "guest memory access"))
		return MON_STAY;
	dump(m, gva, (size_t)len, m->ops->vmem_read(m->ctx, vcpu, gva, m->mem, (size_t)len));
	return MON_STAY;
}

enum mon_verdict mon_cmd_trace(struct mon *m, int argc, char **argv)
{
	uint64_t count = 16;
	unsigned vcpu, n, i;
	char name[32];

	if (!mon_arg_vcpu(m, argv[1], &vcpu) ||
	    (argc == 3 && !mon_arg_count(m, argv[2], MON_TRACE_MAX, &count)) ||
	    !mon_need(m, m->ops->trace, "the exit trace"))
		return MON_STAY;
	n = m->ops->trace(m->ctx, vcpu, m->trace, (unsigned)count);
	if (n > count)
		n = (unsigned)count;
	mon_printf(m, "vCPU %u: last %u exits, oldest first\r\n", vcpu, n);
	for (i = 0; i < n; i++) {
		const struct mon_trace_entry *e = &m->trace[i];

		mon_printf(m, "  %016llx %s rip %016llx %-18s %llx %llx\r\n",
			   (unsigned long long)e->tsc, e->l2 ? "L2" : "L1",
			   (unsigned long long)e->rip, mon_exit_name(e->exit_code, name, sizeof(name)),
			   (unsigned long long)e->info1, (unsigned long long)e->info2);
	}
	return MON_STAY;
}

enum mon_verdict mon_cmd_nmi(struct mon *m, int argc, char **argv)
{
	unsigned vcpu;

	if (!mon_arg_vcpu(m, argv[1], &vcpu) || !mon_need(m, m->ops->nmi, "NMI injection"))
		return MON_STAY;
	if (m->ops->nmi(m->ctx, vcpu) < 0)
		mon_printf(m, "error: vCPU %u cannot take an NMI now\r\n", vcpu);
	else
		mon_printf(m, "NMI queued for vCPU %u (delivered when it resumes)\r\n", vcpu);
	return MON_STAY;
}

enum mon_verdict mon_cmd_reset(struct mon *m, int argc, char **argv)
{
	if (!mon_need(m, m->ops->reset, "reset"))
		return MON_STAY;
	if (argc != 2 || !mon_streq(argv[1], "yes")) {
		mon_printf(m, "this resets the whole machine; type 'reset yes' to do it\r\n");
		return MON_STAY;
	}
	mon_printf(m, "resetting\r\n");
	m->ops->reset(m->ctx);
	return MON_STAY;
}
