/* SPDX-License-Identifier: MIT */
/* A whole svmhv on the host, on a fake CPU. See harness.h. */
#include "tests/harness/harness.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include "hv/apic/apic.h"
#include "hv/console.h"
#include "mm/hostpt.h"
#include "mm/npt.h"

static uint64_t ram_used;               /* bytes of guest RAM handed out */
static uint64_t l1_cr3;

static void map_fixed(uint64_t pa, uint64_t size)
{
	void *p = mmap((void *)(uintptr_t)pa, size, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED_NOREPLACE, -1, 0);

	if (p != (void *)(uintptr_t)pa) {
		perror("harness: mmap at a fixed low address");
		abort();
	}
}

void *harness_page(void)
{
	void *p = (void *)(uintptr_t)(HARNESS_RAM_PA + ram_used);

	if (ram_used + PAGE_SIZE > HARNESS_RAM_SIZE) {
		fprintf(stderr, "harness: guest RAM exhausted\n");
		abort();
	}
	ram_used += PAGE_SIZE;
	memset(p, 0, PAGE_SIZE);
	return p;
}

uint64_t harness_pa(const void *p)
{
	return (uint64_t)(uintptr_t)p;
}

static void *pt_alloc(void *ctx, uint64_t *pa)
{
	void *p = harness_page();

	(void)ctx;
	*pa = harness_pa(p);
	return p;
}

static void *pt_ptr(void *ctx, uint64_t pa)
{
	(void)ctx;
	return (void *)(uintptr_t)pa;
}

static void flat(struct vmcb_seg *s, uint16_t sel, uint16_t attrib)
{
	*s = (struct vmcb_seg){ .selector = sel, .attrib = attrib, .limit = 0xffffffff };
}

/* 64-bit, CPL 0, paging through 1:1 tables: what a booted firmware looks like. */
void harness_long_mode(struct vmcb_save *s)
{
	flat(&s->cs, 0x08, SEG_ATTR_P | SEG_ATTR_S | SEG_ATTR_L | 0xb);
	flat(&s->ss, 0x10, SEG_ATTR_P | SEG_ATTR_S | SEG_ATTR_DB | 0x3);
	flat(&s->ds, 0x10, SEG_ATTR_P | SEG_ATTR_S | SEG_ATTR_DB | 0x3);
	flat(&s->es, 0x10, SEG_ATTR_P | SEG_ATTR_S | SEG_ATTR_DB | 0x3);
	s->gdtr.limit = 0xfff;
	s->idtr.limit = 0xfff;
	s->efer = EFER_SCE | EFER_LME | EFER_LMA | EFER_NXE | EFER_SVME;
	s->cr0 = CR0_PE | CR0_MP | CR0_ET | CR0_NE | CR0_WP | CR0_PG;
	s->cr4 = CR4_PAE | CR4_OSFXSR | CR4_OSXMMEXCPT;
	s->cr3 = l1_cr3;
	s->rflags = RFLAGS_FIXED;
	s->dr6 = DR6_INIT;
	s->dr7 = DR7_FIXED;
	s->g_pat = 0x0007040600070406ull;
	s->rip = HARNESS_RAM_PA;
	s->cpl = 0;
}

void harness_vmcb12(struct vmcb *vmcb12, uint32_t asid)
{
	memset(vmcb12, 0, sizeof(*vmcb12));
	harness_long_mode(&vmcb12->save);
	vmcb_set_intercept(&vmcb12->control, INTERCEPT_VMRUN);
	vmcb12->control.asid = asid;
}

int harness_init(const struct harness_config *c)
{
	static bool mapped;
	struct fake_cpu_config cpu = c->cpu.nasid ? c->cpu : fake_cpu_tcg();
	struct hv_boot_info info = {
		.pool_pa = HARNESS_POOL_PA, .pool_size = HARNESS_POOL_SIZE,
		.serial_port = 0x3f8, .log_level = (uint8_t)(c->log_level ? c->log_level : LOG_WARN),
		.force_tlb_flush = c->force_tlb_flush, .nested = c->nested, .ncpu = c->ncpu,
		.vgif = c->vgif,
		.shutdown = c->shutdown_halt, .hc_user = c->hc_user,
		.nram = 1, .ram = { { HARNESS_RAM_PA, HARNESS_RAM_SIZE } },
		.shadow_pages = c->shadow_pages,
	};
	struct npt_params pt = { .maxphyaddr = cpu.maxphyaddr, .gb_pages = cpu.gbpages,
				 .host = true };
	struct npt l1pt = { .alloc = pt_alloc, .ptr = pt_ptr };
	static uint32_t ids[FAKE_MAX_CPUS], outside[FAKE_MAX_CPUS];
	struct pmm host_pmm;
	struct hostpt host;
	struct svm_raw raw;
	struct svm_features feat;
	int err;

	if (!mapped) {
		map_fixed(HARNESS_RAM_PA, HARNESS_RAM_SIZE);
		map_fixed(HARNESS_POOL_PA, HARNESS_POOL_SIZE);
		mapped = true;
	}
	if (c->monitor)
		esc_parse(ESC_DEFAULT, &info.escape, NULL, 0);
	fake_hw_reset(&cpu, c->ncpu);
	hv_ratelimit_reset();
	memset(&hv, 0, sizeof(hv));
	ram_used = 0;
	for (unsigned i = 0; i < c->ncpu; i++) {
		ids[i] = i;
		fake.apic_regs[i][APIC_LDR / 16] = c->fw_ldr[i];
		if (c->fw_dfr[i])
			fake.apic_regs[i][APIC_DFR / 16] = c->fw_dfr[i];
	}
	info.apic_ids = ids;
	info.noutside = c->noutside < FAKE_MAX_CPUS ? c->noutside : FAKE_MAX_CPUS;
	for (unsigned i = 0; i < info.noutside; i++)
		outside[i] = c->outside[i];
	info.outside_apic_ids = outside;
	l1_cr3 = npt_build(&l1pt, &pt);
	/*
	 * svmhv's host tables, as boot/ builds them before the first call into
	 * the pool: from the decoded width (less SME's reduction, svm_decode_phys()).
	 */
	svm_read_raw(&raw);
	if (svm_decode_features(&raw, &feat) != SVM_OK)
		return -1;
	host = hostpt_build(NULL, &host_pmm, (void *)(uintptr_t)HARNESS_POOL_PA, HARNESS_POOL_PA,
			    HARNESS_POOL_SIZE, 0, npt_gpa_bits(feat.maxphyaddr, feat.gbpages),
			    feat.gbpages, NULL);
	info.host_cr3 = host.cr3;
	info.host_pt_bytes = host.bytes;
	err = hv_setup(&info);
	for (unsigned i = 0; !err && i < c->ncpu; i++) {
		struct vcpu *v;

		harness_on_cpu(i, err = hv_setup_cpu(i, &v));
		if (!err)
			harness_long_mode(&v->vmcb01->save);
	}
	return err;
}

bool harness_prepare(unsigned i)
{
	bool ok;

	harness_on_cpu(i, ok = hv_run_prepare(hv.vcpus[i]));
	return ok;
}

bool harness_msr_exit(unsigned i, uint32_t msr, bool write, uint64_t val)
{
	struct vcpu *v = hv.vcpus[i];

	v->world.regs.rcx = msr;
	v->vmcb->save.rax = (uint32_t)val;
	v->world.regs.rdx = val >> 32;
	return harness_exit(i, VMEXIT_MSR, write, 0, 2);
}

bool harness_exit(unsigned i, uint64_t code, uint64_t info1, uint64_t info2, unsigned insn_len)
{
	struct vcpu *v = hv.vcpus[i];
	struct vmcb_control *ctl = &v->vmcb->control;

	ctl->exit_code = code;
	ctl->exit_info_1 = info1;
	ctl->exit_info_2 = info2;
	ctl->exit_int_info = 0;
	ctl->next_rip = (fake.cfg.svm_edx & SVM_FEATURE_NRIPS) && insn_len ?
			v->vmcb->save.rip + insn_len : 0;
	harness_on_cpu(i, hv_run_exit(v));
	return harness_prepare(i);
}
