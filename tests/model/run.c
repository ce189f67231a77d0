/* SPDX-License-Identifier: MIT */
/*
 * Random, seeded, reproducible episodes; shrinking of a failing episode to
 * the shortest sequence that still fails the same way; reporting.
 *
 * A run is a series of episodes of episode_len steps, each on a fresh
 * machine with its own seed derived from (seed, episode), so any failure
 * replays alone: --config C --seed S --episode E.
 */
#include "tests/model/model.h"

#include <stdlib.h>
#include <string.h>

#define SMALL   .tlb_sets = 4, .tlb_ways = 4, .nva = 8, .ngpa = 8, .check = true

/* vCPU i runs on pCPU i, for life, as in svmhv. */
const struct m_config m_configs[] = {
	{ .name = "fba",          .nvcpu = 3, .flush_by_asid = true, SMALL },
	{ .name = "nofba",        .nvcpu = 3, SMALL },
	/* The A/B configurations with L1's GIF emulated (vgif=off), the others on VGIF. */
	{ .name = "fba-force",    .nvcpu = 3, .flush_by_asid = true, .force = true,
	  .emulated_gif = true, SMALL },
	{ .name = "nofba-force",  .nvcpu = 3, .force = true, .emulated_gif = true, SMALL },
	{ .name = "nofba-1cpu",   .nvcpu = 1, SMALL },
	{ .name = "fba-2cpu",     .nvcpu = 2, .flush_by_asid = true, SMALL },
	/* Few hardware ASIDs: 2 L2 slots, or the seed's single L2 ASID, for 10 vmcb12 ASIDs. */
	{ .name = "fba-2slots",   .nvcpu = 2, .flush_by_asid = true, .nasid = 4, SMALL },
	{ .name = "nofba-1slot",  .nvcpu = 2, .nasid = 3, SMALL },
	/* L1 without nested paging: vmcb02 on svmhv's tables, no shadow. */
	{ .name = "fba-nonpt",    .nvcpu = 2, .flush_by_asid = true, .no_npt = true, SMALL },
	/* nested/'s smallest shadow pool, one shadow table per L2 page: evictions. */
	{ .name = "nofba-pool8",  .nvcpu = 2, .spread = true, .shadow_pages = 8,
	  .tlb_sets = 4, .tlb_ways = 4, .nva = 8, .ngpa = 16, .check = true },
};
const unsigned m_nconfigs = sizeof(m_configs) / sizeof(m_configs[0]);
const char *m_prog = "build/host/model";

int m_config_find(const char *name)
{
	for (unsigned i = 0; i < m_nconfigs; i++)
		if (!strcmp(m_configs[i].name, name))
			return (int)i;
	return -1;
}

const char *m_verdict_name(enum m_verdict v)
{
	static const char *const n[] = { "ok", "stale translation", "unneeded flush",
					 "missing forced flush", "VMCB contract" };

	return n[v];
}

/* splitmix64: small, fast, good enough, and the same everywhere. */
uint64_t m_rand(struct m_rng *r)
{
	uint64_t z = (r->s += 0x9e3779b97f4a7c15ull);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
	return z ^ (z >> 31);
}

static uint32_t below(struct m_rng *r, uint32_t n)
{
	return (uint32_t)(m_rand(r) % n);
}

/* L1's GIF as the CPU has it now: on VGIF, vmcb01's V_GIF (its CLGI/STGI run natively). */
static bool l1_gif_now(const struct vcpu *cpu)
{
	return cpu->nested.gif.vgif ? cpu->vmcb01->control.int_ctl & V_GIF_MASK : cpu->nested.gif.gif;
}

static bool chance(struct m_rng *r, unsigned percent)
{
	return below(r, 100) < percent;
}

static int pick(struct m_rng *r, const uint8_t *weights)
{
	unsigned total = 0, x;
	int t;

	for (t = 0; t < EV_COUNT; t++)
		total += weights[t];
	x = below(r, total);
	for (t = 0; x >= weights[t]; t++)
		x -= weights[t];
	return t;
}

static const uint8_t w_l1[EV_COUNT] = {
	[EV_ACCESS] = 30, [EV_L1_PTE] = 10, [EV_L1_CR3] = 2, [EV_L1_NPT] = 8, [EV_L2_PTE] = 8,
	[EV_VMRUN] = 14, [EV_INVLPGA] = 10, [EV_HV_NPT] = 3, [EV_INIT] = 2, [EV_L0_EXIT] = 3,
	[EV_NMI] = 2, [EV_GIF] = 3,
};
static const uint8_t w_l2[EV_COUNT] = {
	[EV_ACCESS] = 35, [EV_L2_PTE] = 10, [EV_L2_CR3] = 2, [EV_VMEXIT] = 14,
	[EV_HV_NPT] = 3, [EV_INIT] = 3, [EV_L0_EXIT] = 3, [EV_NMI] = 4,
};

static uint32_t page_or_none(struct m_rng *r, unsigned n)
{
	return chance(r, 10) ? M_NONE : below(r, n);
}

static void gen_vmrun(const struct m_vcpu *v, struct m_rng *r, struct m_event *ev)
{
	static const uint8_t ctl[] = { 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
				       1, 1, 3, 3, 3, 7, 7, 7 };

	ev->a = chance(r, 70) ? v->next_guest : below(r, M_NGUEST);
	ev->b = v->vasid && chance(r, 60) ? v->vasid : 1 + below(r, M_NVASID);
	ev->c = ctl[below(r, sizeof(ctl))];
	ev->d = chance(r, 4) ? 1 : chance(r, 5) ? 2 : 0;
	ev->e = chance(r, 30);
}

/* One event that fits the machine's state (replays tolerate misfits). */
void m_gen(struct m_world *w, struct m_rng *r, struct m_event *ev)
{
	const struct m_config *c = w->cfg;
	const struct m_vcpu *v;

	memset(ev, 0, sizeof(*ev));
	ev->vcpu = (uint8_t)below(r, c->nvcpu);
	v = &w->vcpu[ev->vcpu];
	ev->type = (uint8_t)pick(r, v->hv->nested.in_l2 ? w_l2 : w_l1);
	ev->a = chance(r, 50) ? v->last_va : below(r, c->nva);      /* locality */
	w->vcpu[ev->vcpu].last_va = ev->a;
	switch (ev->type) {
	case EV_L1_PTE: case EV_L2_PTE:
		ev->b = page_or_none(r, c->ngpa);
		ev->c = chance(r, 50);
		break;
	case EV_L1_NPT:
		ev->a = chance(r, 70) ? v->next_guest : below(r, M_NGUEST);
		ev->b = below(r, c->ngpa);
		ev->c = page_or_none(r, c->ngpa);
		break;
	case EV_VMRUN: gen_vmrun(v, r, ev); break;
	case EV_VMEXIT: ev->a = chance(r, 5); break;
	case EV_INVLPGA:
		ev->b = chance(r, 30) ? 0 : chance(r, 70) ? 1 : 2;
		ev->c = 1 + below(r, M_NVASID);
		break;
	case EV_HV_NPT:
		ev->a = below(r, c->ngpa);
		ev->b = w->npt0[ev->a] == M_NONE || chance(r, 60);
		break;
	case EV_GIF: ev->a = l1_gif_now(v->hv) ? 0 : chance(r, 80); break;
	default: break;
	}
}

static void pr_page(FILE *f, const char *what, uint32_t page)
{
	if (page == M_NONE)
		fprintf(f, " %s none", what);
	else
		fprintf(f, " %s %u", what, page);
}

void m_event_print(FILE *f, const struct m_event *ev)
{
	static const char *const invlpga_asid[] = { "zero", "current", "other" };
	static const char *const vmrun_end[] = { "", " (vmcb12 fails svmhv's checks)",
						 " (the CPU refuses vmcb02: VMEXIT_INVALID)" };

	fprintf(f, "vcpu%u ", ev->vcpu);
	switch (ev->type) {
	case EV_ACCESS: fprintf(f, "access va %u", ev->a); break;
	case EV_L1_PTE: case EV_L2_PTE:
		fprintf(f, "%s PTE: va %u ->", ev->type == EV_L1_PTE ? "L1 edits its" :
			"L2 (or L1, if in L1) edits L2's", ev->a);
		pr_page(f, "page", ev->b);
		fprintf(f, "%s", ev->c ? ", then INVLPG if L2" : ", no flush");
		break;
	case EV_L1_CR3: fprintf(f, "L1 reloads CR3"); break;
	case EV_L2_CR3: fprintf(f, "L2 reloads CR3"); break;
	case EV_L1_NPT:
		fprintf(f, "L1 edits its nested page table: guest %u gpa %u ->", ev->a, ev->b);
		pr_page(f, "L1 page", ev->c);
		break;
	case EV_VMRUN:
		fprintf(f, "L1 VMRUN guest %u vmcb12 ASID %x TLB_CONTROL %u%s%s", ev->a,
			m_vasid[ev->b % (M_NVASID + 1)], ev->c, ev->e ? " intercepting NMI" : "",
			vmrun_end[ev->d % 3]);
		break;
	case EV_VMEXIT: fprintf(f, "L2 %s, L1 intercepts it", ev->a ? "shuts down" : "VMMCALL"); break;
	case EV_L0_EXIT: fprintf(f, "CPUID, handled by svmhv"); break;
	case EV_INVLPGA:
		fprintf(f, "L1 INVLPGA va %u, %s ASID", ev->a, invlpga_asid[ev->b % 3]);
		if (ev->b == 2)
			fprintf(f, " %x", m_vasid[ev->c % (M_NVASID + 1)]);
		break;
	case EV_HV_NPT:
		fprintf(f, "svmhv %s L1 page %u", ev->b ? "remaps" : "unmaps", ev->a);
		break;
	case EV_INIT: fprintf(f, "INIT from another CPU (SIPI when it waits)"); break;
	case EV_NMI: fprintf(f, "an NMI for the guest"); break;
	case EV_GIF: fprintf(f, "L1 %s", ev->a ? "STGI" : "CLGI"); break;
	default: fprintf(f, "?"); break;
	}
	fputc('\n', f);
}

/* Replay evs on a fresh machine; *steps = where it failed (or n). */
static enum m_verdict replay(const struct m_config *c, const struct m_event *evs, unsigned n,
			     unsigned *steps, char *why, size_t whylen)
{
	struct m_world w;
	enum m_verdict v = M_CONTRACT;
	unsigned i = 0;

	if (m_world_init(&w, c) == 0) {
		for (; i < n && w.verdict == M_OK; i++) {
			m_exec(&w, &evs[i]);
			m_check(&w);
		}
		v = w.verdict;
		if (why)
			snprintf(why, whylen, "%s", w.why);
	}
	m_world_free(&w);
	if (steps)
		*steps = i;
	return v;
}

enum m_verdict m_replay(const struct m_config *c, const struct m_event *evs, unsigned n,
			char *why, size_t whylen)
{
	return replay(c, evs, n, NULL, why, whylen);
}

/* Remove chunks, halving their size, while the same verdict remains. */
static unsigned shrink(const struct m_config *c, struct m_event *evs, unsigned n,
		       enum m_verdict target)
{
	struct m_event *tmp = malloc(sizeof(*tmp) * (n ? n : 1));
	unsigned at, before;

	do {
		before = n;
		for (unsigned chunk = n / 2 ? n / 2 : 1; tmp && chunk; chunk /= 2) {
			for (unsigned start = 0; start + chunk <= n;) {
				memcpy(tmp, evs, sizeof(*tmp) * start);
				memcpy(tmp + start, evs + start + chunk,
				       sizeof(*tmp) * (n - start - chunk));
				if (replay(c, tmp, n - chunk, &at, NULL, 0) == target) {
					n = at;
					memcpy(evs, tmp, sizeof(*tmp) * n);
				} else {
					start += chunk;
				}
			}
		}
	} while (tmp && n < before);
	free(tmp);
	return n;
}

static uint64_t episode_seed(uint64_t seed, uint64_t episode)
{
	struct m_rng r = { seed ^ (episode * 0xd1342543de82ef95ull) };

	return m_rand(&r);
}

/* One episode; on failure *n is the failing step count and evs holds them. */
static enum m_verdict episode(const struct m_config *c, uint64_t seed, uint64_t e,
			      unsigned len, struct m_event *evs, unsigned *n, struct m_result *res)
{
	struct m_rng r = { episode_seed(seed, e) };
	struct m_world w;
	enum m_verdict v = M_CONTRACT;
	unsigned i = 0;

	if (m_world_init(&w, c) == 0) {
		for (; i < len && w.verdict == M_OK; i++) {
			m_gen(&w, &r, &evs[i]);
			m_exec(&w, &evs[i]);
			m_check(&w);
		}
		v = w.verdict;
		res->npf_exits += w.npf_exits;
		m_shadow_sum(&w, &res->shadow);
	}
	m_world_free(&w);
	*n = i;
	return v;
}

static void report(unsigned ci, struct m_result *res, struct m_event *evs, unsigned n,
		   unsigned len)
{
	const struct m_config *c = &m_configs[ci];
	char why[256];

	replay(c, evs, n, NULL, why, sizeof(why));
	printf("# VIOLATION (%s): %s\n", m_verdict_name(res->verdict), why);
	printf("# config %s, seed %llu, episode %llu: failed at step %u; shortest failing "
	       "sequence has %u events:\n", c->name, (unsigned long long)res->seed,
	       (unsigned long long)res->episode, res->nfail, n);
	for (unsigned i = 0; i < n; i++) {
		printf("#   %3u. ", i + 1);
		m_event_print(stdout, &evs[i]);
	}
	printf("# replay: %s --config %s --seed %llu --episode %llu "
	       "--episode-len %u\n", m_prog, c->name, (unsigned long long)res->seed,
	       (unsigned long long)res->episode, len);
}

/* Episodes round-robin over configs until steps or the first violation. */
int m_run(const unsigned *configs, unsigned ncfg, uint64_t seed, uint64_t steps,
	  unsigned len, bool quiet, struct m_result *res)
{
	struct m_event *evs = malloc(sizeof(*evs) * len);
	unsigned n = 0;

	memset(res, 0, sizeof(*res));
	res->seed = seed;
	for (uint64_t e = 0; evs && res->steps < steps; e++) {
		unsigned ci = configs[e % ncfg];

		res->verdict = episode(&m_configs[ci], seed, e, len, evs, &n, res);
		res->steps += n;
		if (res->verdict == M_OK)
			continue;
		res->episode = e;
		res->config = ci;
		res->nfail = n;
		res->nshrunk = shrink(&m_configs[ci], evs, n, res->verdict);
		if (!quiet)
			report(ci, res, evs, res->nshrunk, len);
		break;
	}
	free(evs);
	return evs ? res->verdict != M_OK : -1;
}

/* Re-run one episode and print its events up to the failure, if any. */
int m_replay_episode(unsigned ci, uint64_t seed, uint64_t e, unsigned len)
{
	struct m_event *evs = malloc(sizeof(*evs) * len);
	struct m_result res = { .seed = seed, .episode = e, .config = ci };
	unsigned n = 0;

	if (!evs)
		return -1;
	res.verdict = episode(&m_configs[ci], seed, e, len, evs, &n, &res);
	for (unsigned i = 0; i < n; i++) {
		printf("# %4u. ", i + 1);
		m_event_print(stdout, &evs[i]);
	}
	if (res.verdict != M_OK) {
		res.nfail = n;
		report(ci, &res, evs, shrink(&m_configs[ci], evs, n, res.verdict), len);
	}
	printf("%s - episode %llu of seed %llu in config %s\n", res.verdict ? "not ok" : "ok",
	       (unsigned long long)e, (unsigned long long)seed, m_configs[ci].name);
	free(evs);
	return res.verdict != M_OK;
}
