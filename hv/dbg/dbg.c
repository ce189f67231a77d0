/* SPDX-License-Identifier: MIT */
/* The debugger's set-up and banner (see hv/dbg/dbg.h). */
#include "hv/dbg/dbg_int.h"

#include "hv/console.h"
#include "hv/dbg/symtab.h"
#include "svm/atomic.h"

/*
 * Once, on the boot CPU, with vmcb01's controls at rest: which UART is the
 * debug line, its ports intercepted (IOIO_PROT: the IOPM is consulted; the
 * other ports stay clear, so nothing else exits), the monitor and the stub.
 */
int hv_dbg_setup(struct vmcb_control *c01)
{
	__builtin_memset(&dbg, 0, sizeof(dbg));
	/* Per-vCPU state for hv.ncpu vCPUs, zeroed, then the two run vectors. */
	dbg_vcpus = hv_table_alloc(hv.ncpu, sizeof(*dbg_vcpus) + 2);
	if (!dbg_vcpus)
		return HV_ERR_NOMEM;
	dbg.resume_run = (uint8_t *)(dbg_vcpus + hv.ncpu);
	dbg.cont_run = dbg.resume_run + hv.ncpu;
	dbg.tsc_ms = hv.boot.tsc_khz ? hv.boot.tsc_khz : 1000000;
	for (unsigned i = 0; i < hv.ncpu; i++) {
		dbg_vcpus[i].run = GDB_RUN_CONT;
		dbg.cont_run[i] = GDB_RUN_CONT;
	}
	dbg.enabled = dbg_line_setup();
	if (dbg.enabled)
		vmcb_set_intercept(c01, INTERCEPT_IOIO_PROT);
	mon_init(&dbg.mon, &dbg_mon_ops, NULL);
	gdb_stub_init(&dbg.stub, &dbg_gdb_ops, NULL);
	hv_dbg_banner();
	return 0;
}

/* Per vCPU, on its CPU as it is taken: the exit trace ring. */
int hv_dbg_setup_vcpu(struct vcpu *v)
{
	struct dbg_vcpu *d = &dbg_vcpus[v->index];
	uint64_t pa;
	_Static_assert(DBG_TRACE_LEN * sizeof(struct mon_trace_entry) <= PAGE_SIZE,
		       "one page of trace per vCPU");

	d->trace = pmm_alloc_page(&hv.pmm, &pa);
	d->trace_count = 0;
	svm_atomic_store(&d->run, GDB_RUN_CONT, __ATOMIC_SEQ_CST);
	return d->trace ? 0 : HV_ERR_NOMEM;
}

/*
 * Two banner lines scripts read: where svmhv's image runs (gdb loads
 * build/svmhv.so's symbols at that offset: `make gdb`), and how to open the
 * monitor.
 */
void hv_dbg_banner(void)
{
	char esc[ESC_MAX_LEN * 4 + 1];

	hv_info("debug", "image at 0x%llx (gdb: add-symbol-file build/svmhv.so -o 0x%llx)",
		(unsigned long long)hv.boot.pool_pa, (unsigned long long)hv.boot.pool_pa);
	esc_format(&hv.boot.escape, esc, sizeof(esc));
	if (dbg.own_port)
		hv_info("debug", "monitor and GDB stub on svmhv's own UART 0x%x: type %s, or "
			"connect gdb", dbg.own_port, esc);
	else if (dbg.shared_port)
		hv_info("debug", "monitor: type %s on the serial line (UART 0x%x, shared with "
			"the guest)", esc, dbg.shared_port);
	else
		hv_info("debug", "monitor off (escape=off or no serial line)");
}

#ifdef SVMHV_HOST_TEST
const char *hv_dbg_symbol(uint64_t addr, uint64_t *offset)
{
	(void)addr;
	(void)offset;
	return NULL;            /* host builds carry no generated table */
}
#else
/* The linker script's image base and the table scripts/symtab.sh generates. */
extern char ImageBase[], _etext[];
extern const struct symtab hv_symtab __attribute__((visibility("hidden")));
extern const char hv_symtab_end[] __attribute__((visibility("hidden")));

/* svmhv's function around a host address, for backtraces. */
const char *hv_dbg_symbol(uint64_t addr, uint64_t *offset)
{
	uint64_t base = (uint64_t)(uintptr_t)ImageBase;

	if (addr < base || addr >= (uint64_t)(uintptr_t)_etext)
		return NULL;
	return symtab_lookup(&hv_symtab,
			     (size_t)((uintptr_t)hv_symtab_end - (uintptr_t)&hv_symtab),
			     addr - base, offset);
}
#endif
