/* SPDX-License-Identifier: MIT */
#include "hv/hc.h"

#include "hv/hypercall.h"
#include "hv/vcpu.h"

static const struct vcpu *pick_vcpu(const struct hv_hc_env *env, uint64_t arg)
{
	if (arg == SVMHV_VCPU_SELF)
		arg = env->self;
	if (arg >= env->nvcpu)
		return 0;
	return env->vcpus[arg];
}

static int64_t hc_exit_count(const struct hv_hc_env *env, struct hv_hc_regs *r)
{
	const struct vcpu *v = pick_vcpu(env, r->rbx);
	int slot = hv_exit_slot(r->rcx);

	if (!v || slot < 0)
		return SVMHV_EINVAL;
	r->rdx = v->exit_counts[slot];
	return SVMHV_OK;
}

static int64_t hc_tlb_flushes(const struct hv_hc_env *env, struct hv_hc_regs *r)
{
	const struct vcpu *v = pick_vcpu(env, r->rbx);
	int err = 0;

	if (!v || !env->tlb_flushes)
		return SVMHV_EINVAL;
	uint64_t n = env->tlb_flushes(v, (unsigned)r->rcx, (uint32_t)r->rdx, &err);
	if (err)
		return SVMHV_EINVAL;
	r->rdx = n;
	return SVMHV_OK;
}

static int64_t hc_shadow_stats(const struct hv_hc_env *env, struct hv_hc_regs *r)
{
	const struct vcpu *v = pick_vcpu(env, r->rbx);
	const struct nested_shadow_stats *st;

	if (!v)
		return SVMHV_EINVAL;
	st = &v->nested.shadow.st;
	switch (r->rcx) {
	case SVMHV_SHADOW_FILLS:
		r->rdx = st->fills;
		return SVMHV_OK;
	case SVMHV_SHADOW_ROOTS_MADE:
		r->rdx = st->roots_made;
		return SVMHV_OK;
	case SVMHV_SHADOW_ROOTS_HIT:
		r->rdx = st->roots_hit;
		return SVMHV_OK;
	case SVMHV_SHADOW_DROPS:
		r->rdx = st->invalidations;
		return SVMHV_OK;
	case SVMHV_SHADOW_EVICTIONS:
		r->rdx = st->evictions;
		return SVMHV_OK;
	default:
		return SVMHV_EINVAL;
	}
}

static int64_t hc_vcpu_state(const struct hv_hc_env *env, struct hv_hc_regs *r)
{
	uint64_t idx = r->rbx == SVMHV_VCPU_SELF ? env->self : r->rbx;
	const struct vcpu *v;

	if (idx >= env->nvcpu || !env->apic_ids)
		return SVMHV_EINVAL;
	v = env->vcpus[idx];
	r->rcx = env->apic_ids[idx];
	r->rdx = v ? v->exit_total : 0;
	r->rbx = v ? (v->mp_state ? SVMHV_VCPU_WAIT_SIPI : SVMHV_VCPU_RUNNING) :
		 env->parked && env->parked((unsigned)idx) ? SVMHV_VCPU_PARKED : SVMHV_VCPU_ABSENT;
	return SVMHV_OK;
}

static int64_t hc_integrity(const struct hv_hc_env *env, struct hv_hc_regs *r)
{
	if (!env->integrity)
		return SVMHV_ENOSYS;
	env->integrity(r->rbx, &r->rbx, &r->rcx, &r->rdx);
	return SVMHV_OK;
}

/* The isolation functions (10-11): each needs its hook. */
static int64_t hc_isolation(const struct hv_hc_env *env, struct hv_hc_regs *r)
{
	if (r->rax == SVMHV_HC_ISO_COUNTER) {
		if (!env->iso_counter || env->iso_counter(r->rbx, &r->rdx))
			return SVMHV_EINVAL;
		return SVMHV_OK;
	}
	return env->park ? env->park(r->rbx) : SVMHV_ENOSYS;   /* SVMHV_HC_PARK_CPU */
}

/*
 * SVMHV_HC_BELOW: the read-only functions, relayed to the svmhv below with
 * the arguments shifted down one register; nothing that writes svmhv's
 * console or acts on a CPU, nothing that reveals where an svmhv's memory is.
 */
static int64_t hc_below(const struct hv_hc_env *env, struct hv_hc_regs *r)
{
	uint64_t q[4] = { r->rbx, r->rcx, r->rdx, 0 };

	if (!env->below)
		return SVMHV_ENOSYS;
	switch (r->rbx) {
	case SVMHV_HC_IDENTIFY:
	case SVMHV_HC_EXIT_COUNT:
	case SVMHV_HC_EXIT_TOTAL:
	case SVMHV_HC_VCPU_INFO:
	case SVMHV_HC_SHADOW_STATS:
	case SVMHV_HC_BELOW:
		break;
	default:
		return SVMHV_EINVAL;
	}
	env->below(q);
	r->rbx = q[1];
	r->rcx = q[2];
	r->rdx = q[3];
	return (int64_t)q[0];
}

/*
 * IDENTIFY says what CPUID says; the rest reveals svmhv: CPL 0 (or
 * hypercalls=all). CONSOLE_DUMP writes svmhv's console and PARK_CPU acts on
 * a CPU: CPL 0 only.
 */
static bool allowed(const struct hv_hc_env *env, uint64_t fn)
{
	if (fn == SVMHV_HC_IDENTIFY || env->cpl == 0)
		return true;
	return env->user_ok && fn != SVMHV_HC_CONSOLE_DUMP && fn != SVMHV_HC_PARK_CPU;
}

void hv_hypercall(const struct hv_hc_env *env, struct hv_hc_regs *r)
{
	const struct vcpu *v;
	int64_t st = SVMHV_OK;

	if (!allowed(env, r->rax)) {
		r->rax = r->rax <= SVMHV_HC_BELOW ? (uint64_t)SVMHV_EPERM :
			 (uint64_t)SVMHV_ENOSYS;
		return;
	}
	switch (r->rax) {
	case SVMHV_HC_IDENTIFY:
		r->rbx = SVMHV_SIG_EBX;
		r->rcx = SVMHV_SIG_ECX;
		r->rdx = SVMHV_VERSION;
		break;
	case SVMHV_HC_EXIT_COUNT:
		st = hc_exit_count(env, r);
		break;
	case SVMHV_HC_EXIT_TOTAL:
		v = pick_vcpu(env, r->rbx);
		if (v)
			r->rdx = v->exit_total;
		else
			st = SVMHV_EINVAL;
		break;
	case SVMHV_HC_VCPU_INFO:
		r->rbx = env->self;
		r->rcx = env->nvcpu;
		break;
	case SVMHV_HC_MEMINFO:
		r->rbx = env->mem_base;
		r->rcx = env->mem_size;
		break;
	case SVMHV_HC_TLB_FLUSHES:
		st = hc_tlb_flushes(env, r);
		break;
	case SVMHV_HC_ASIDS:
		v = pick_vcpu(env, r->rbx);
		if (v && env->asids)
			env->asids(v, &r->rbx, &r->rcx);
		else
			st = SVMHV_EINVAL;
		break;
	case SVMHV_HC_VCPU_STATE:
		st = hc_vcpu_state(env, r);
		break;
	case SVMHV_HC_SHADOW_STATS:
		st = hc_shadow_stats(env, r);
		break;
	case SVMHV_HC_CONSOLE_DUMP:
		if (env->dump)
			env->dump();
		break;
	case SVMHV_HC_INTEGRITY:
		st = hc_integrity(env, r);
		break;
	case SVMHV_HC_ISO_COUNTER:
	case SVMHV_HC_PARK_CPU:
		st = hc_isolation(env, r);
		break;
	case SVMHV_HC_BELOW:
		st = hc_below(env, r);
		break;
	default:
		st = SVMHV_ENOSYS;
		break;
	}
	r->rax = (uint64_t)st;
}
