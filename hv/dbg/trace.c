/* SPDX-License-Identifier: MIT */
/*
 * The last DBG_TRACE_LEN exits of every vCPU, recorded on every #VMEXIT
 * (hv_run_exit) whether or not anyone looks: the monitor's "trace" reads
 * them, and a panic prints the panicking vCPU's. One ring per vCPU, written
 * only by that vCPU's CPU; readers run while it is stopped (or halted).
 */
#include "hv/dbg/dbg_int.h"

#include "hv/console.h"
#include "hv/fmt.h"
#include "svm/hw.h"

void dbg_trace_record(struct vcpu *v, uint64_t code)
{
	struct dbg_vcpu *d = &dbg_vcpus[v->index];
	const struct vmcb_control *c = &v->vmcb->control;

	if (!d->trace)
		return;
	d->trace[d->trace_count++ % DBG_TRACE_LEN] = (struct mon_trace_entry){
		.tsc = rdtsc(), .exit_code = code, .info1 = c->exit_info_1,
		.info2 = c->exit_info_2, .rip = v->vmcb->save.rip, .l2 = v->nested.in_l2,
	};
}

/* The last min(max, recorded) exits of vCPU i, oldest first. */
unsigned dbg_trace_read(unsigned i, struct mon_trace_entry *buf, unsigned max)
{
	const struct dbg_vcpu *d = dbg_vcpus && i < hv.ncpu ? &dbg_vcpus[i] : NULL;
	uint64_t n;

	if (!d || !d->trace)
		return 0;
	n = d->trace_count < DBG_TRACE_LEN ? d->trace_count : DBG_TRACE_LEN;
	if (n > max)
		n = max;
	for (uint64_t k = 0; k < n; k++)
		buf[k] = d->trace[(d->trace_count - n + k) % DBG_TRACE_LEN];
	return (unsigned)n;
}

void hv_dbg_exit_begin(struct vcpu *v, uint64_t code)
{
	dbg_trace_record(v, code);
	if (dbg.enabled)
		dbg_poll(v);
}

/* For hv/panic.c: the panicking vCPU's last exits, oldest first. */
void hv_dbg_panic_trace(const struct vcpu *v)
{
	static struct mon_trace_entry t[16];
	char line[160], name[32];
	unsigned n;

	if (!v)
		return;
	n = dbg_trace_read(v->index, t, 16);
	hv_snprintf(line, sizeof(line), "exit trace of vCPU %u (last %u, oldest first):\n",
		    v->index, n);
	hv_console_write(line);
	for (unsigned k = 0; k < n; k++) {
		hv_snprintf(line, sizeof(line), "  %016llx %s rip %016llx %-18s %llx %llx\n",
			    (unsigned long long)t[k].tsc, t[k].l2 ? "L2" : "L1",
			    (unsigned long long)t[k].rip,
			    mon_exit_name(t[k].exit_code, name, sizeof(name)),
			    (unsigned long long)t[k].info1, (unsigned long long)t[k].info2);
		hv_console_write(line);
	}
}
