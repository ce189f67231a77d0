/* SPDX-License-Identifier: MIT */
/*
 * The monitor's "log" command: show or change the console's level and the
 * areas (subsystems) it prints, at run time.
 *   log                       show
 *   log debug +npt -tlb       level debug, area npt on, tlb off
 *   log 2 none +nested        level info, only nested
 * Everything is parsed before anything is applied, so a typo changes nothing.
 */
#include "hv/debug/mon_internal.h"

/* hv/console.h's enum log_level, in order. */
static const char *const levels[] = { "error", "warn", "info", "debug", "trace" };
#define NR_LEVELS (sizeof(levels) / sizeof(levels[0]))

static int level_of(const char *s)
{
	unsigned i;

	for (i = 0; i < NR_LEVELS; i++)
		if (mon_streq(s, levels[i]))
			return (int)i;
	if (s[0] >= '0' && s[0] < (char)('0' + NR_LEVELS) && !s[1])
		return s[0] - '0';
	return -1;
}

static int area_of(struct mon *m, const char *s)
{
	unsigned i;

	for (i = 0; m->ops->log_areas && i < m->ops->nr_log_areas && i < 32; i++)
		if (m->ops->log_areas[i] && mon_streq(s, m->ops->log_areas[i]))
			return (int)i;
	return -1;
}

static void show(struct mon *m)
{
	unsigned level = 0, i;
	uint32_t areas = 0;

	m->ops->log_get(m->ctx, &level, &areas);
	mon_printf(m, "level %s; areas:", level < NR_LEVELS ? levels[level] : "?");
	for (i = 0; m->ops->log_areas && i < m->ops->nr_log_areas && i < 32; i++)
		if (m->ops->log_areas[i])
			mon_printf(m, " %c%s", areas & (1u << i) ? '+' : '-', m->ops->log_areas[i]);
	mon_printf(m, "\r\n");
}

/* One word: a level, all, none, +AREA or -AREA. */
static bool apply_word(struct mon *m, const char *w, unsigned *level, uint32_t *areas,
		       uint32_t all)
{
	int x;

	if ((x = level_of(w)) >= 0) {
		*level = (unsigned)x;
	} else if (mon_streq(w, "all")) {
		*areas = all;
	} else if (mon_streq(w, "none")) {
		*areas = 0;
	} else if ((w[0] == '+' || w[0] == '-') && (x = area_of(m, w + 1)) >= 0) {
		if (w[0] == '+')
			*areas |= 1u << x;
		else
			*areas &= ~(1u << x);
	} else {
		mon_printf(m, "error: '%s' is neither a level (error warn info debug trace, "
			   "or 0..4) nor all/none/+AREA/-AREA; nothing changed\r\n", w);
		return false;
	}
	return true;
}

enum mon_verdict mon_cmd_log(struct mon *m, int argc, char **argv)
{
	unsigned level = 0, n = m->ops->nr_log_areas < 32 ? m->ops->nr_log_areas : 32;
	uint32_t areas = 0, all = n == 32 ? ~0u : (1u << n) - 1;
	int i;

	if (!mon_need(m, m->ops->log_get, "log control") ||
	    !mon_need(m, m->ops->log_set, "log control"))
		return MON_STAY;
	if (argc > 1) {
		m->ops->log_get(m->ctx, &level, &areas);
		for (i = 1; i < argc; i++)
			if (!apply_word(m, argv[i], &level, &areas, all))
				return MON_STAY;
		m->ops->log_set(m->ctx, level, areas);
	}
	show(m);
	return MON_STAY;
}
