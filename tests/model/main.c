/* SPDX-License-Identifier: MIT */
/*
 * build/host/model — the TLB-contract model checker (see model.h).
 *
 *   model [--steps N] [--seed S] [--config NAME|all] [--episode-len L]
 *         N steps spread over the configs; one "ok - model: <config>" line each
 *   model --mutant [--steps N] ...
 *         every config round-robin until the first violation: exit 0 (killed,
 *         with the shrunk sequence) or 1 (survived N steps)
 *   model --config C --seed S --episode E   replay one episode, print it
 *   model --bench                           contract vs force_tlb_flush figures
 *   model --interleave                      requests between pCPUs, every interleaving
 */
#include "tests/model/model.h"

#include <stdlib.h>
#include <string.h>
#include <time.h>

#ifndef MODEL_MUTANT_NAME
#define MODEL_MUTANT_NAME "none"
#endif

struct args {
	uint64_t steps, seed, episode;
	unsigned len;
	int config;                     /* -1: all */
	bool mutant, bench, replay, quiet, interleave;
};

static int usage(void)
{
	fprintf(stderr, "usage: model [--steps N] [--seed S] [--config NAME|all] "
		"[--episode-len L] [--episode E] [--mutant] [--bench] [--quiet]\n");
	return 2;
}

static int parse(int argc, char **argv, struct args *a)
{
	for (int i = 1; i < argc; i++) {
		const char *o = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;

		if (!strcmp(o, "--mutant") || !strcmp(o, "--bench") || !strcmp(o, "--quiet") ||
		    !strcmp(o, "--interleave")) {
			a->mutant |= o[2] == 'm';
			a->bench |= o[2] == 'b';
			a->quiet |= o[2] == 'q';
			a->interleave |= o[2] == 'i';
			continue;
		}
		if (!v)
			return -1;
		i++;
		if (!strcmp(o, "--steps"))
			a->steps = strtoull(v, NULL, 0);
		else if (!strcmp(o, "--seed"))
			a->seed = strtoull(v, NULL, 0);
		else if (!strcmp(o, "--episode-len"))
			a->len = (unsigned)strtoul(v, NULL, 0);
		else if (!strcmp(o, "--episode"))
			a->replay = true, a->episode = strtoull(v, NULL, 0);
		else if (!strcmp(o, "--config"))
			a->config = strcmp(v, "all") != 0 ? m_config_find(v) : -1;
		else
			return -1;
		if (!strcmp(o, "--config") && a->config < 0 && strcmp(v, "all") != 0)
			return -1;
	}
	return a->len ? 0 : -1;
}

static double now(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

/* Requests between CPUs, every interleaving within the preemption bound. */
static int run_interleave(bool verbose)
{
	double t0 = now();
	int rc = m_interleave(verbose);

	printf("%s - model: requests between two pCPUs over every interleaving (%.2f s)\n",
	       rc ? "not ok" : "ok", now() - t0);
	return rc;
}

/* The random model first (it shrinks a failure to a trace), then interleavings. */
static int run_mutant(const struct args *a, unsigned *all, unsigned n)
{
	struct m_result r;
	int rc = m_run(all, n, a->seed, a->steps, a->len, a->quiet, &r);

	if (rc < 0)
		return 2;
	if (rc > 0) {
		printf("killed: mutant %s: %s in config %s after %llu steps (episode %llu), "
		       "shortest failing sequence %u events\n", MODEL_MUTANT_NAME,
		       m_verdict_name(r.verdict), m_configs[r.config].name,
		       (unsigned long long)r.steps, (unsigned long long)r.episode, r.nshrunk);
		return 0;
	}
	rc = m_interleave(false);
	if (rc < 0)
		return 2;
	if (rc > 0) {
		printf("killed: mutant %s: survived %llu random steps; lost request in an "
		       "interleaving of two pCPUs\n", MODEL_MUTANT_NAME, (unsigned long long)r.steps);
		return 0;
	}
	printf("survived: mutant %s, %llu steps and every interleaving, seed %llu\n",
	       MODEL_MUTANT_NAME, (unsigned long long)r.steps, (unsigned long long)a->seed);
	return 1;
}

static int run_configs(const struct args *a, unsigned *all, unsigned n)
{
	uint64_t total = 0;
	int bad = 0;

	for (unsigned i = 0; i < n; i++) {
		struct m_result r;
		double t0 = now();
		int rc = m_run(&all[i], 1, a->seed, a->steps / n, a->len, a->quiet, &r);

		total += r.steps;
		bad |= rc != 0;
		printf("%s - model: %s (%llu steps, seed %llu, %.2f s)\n", rc ? "not ok" : "ok",
		       m_configs[all[i]].name, (unsigned long long)r.steps,
		       (unsigned long long)a->seed, now() - t0);
		printf("# shadow: %s npf_exits %llu fills %llu roots_made %llu roots_hit %llu "
		       "drops %llu evictions %llu\n", m_configs[all[i]].name,
		       (unsigned long long)r.npf_exits, (unsigned long long)r.shadow.fills,
		       (unsigned long long)r.shadow.roots_made,
		       (unsigned long long)r.shadow.roots_hit,
		       (unsigned long long)r.shadow.invalidations,
		       (unsigned long long)r.shadow.evictions);
	}
	printf("# model: %llu steps in total\n", (unsigned long long)total);
	return bad;
}

int main(int argc, char **argv)
{
	struct args a = { .steps = 1000000, .seed = 1, .len = 256, .config = -1 };
	unsigned all[16], n = 0;

	m_prog = argv[0];
	if (parse(argc, argv, &a))
		return usage();
	if (a.bench)
		return m_bench(stdout);
	if (a.replay)
		return a.config < 0 ? usage() :
		       m_replay_episode((unsigned)a.config, a.seed, a.episode, a.len);
	for (unsigned i = 0; i < m_nconfigs; i++)
		if (a.config < 0 || a.config == (int)i)
			all[n++] = i;
	if (a.interleave)
		return run_interleave(true);
	return a.mutant ? run_mutant(&a, all, n) : run_configs(&a, all, n) | run_interleave(true);
}
