/*
 * Isolation glue (hv/iso/) on the host harness: scripted #VMEXITs through
 * the real run loop and exit handlers, and what svmhv then does to the
 * (fake) machine: physical INIT with and without VM_CR.R_INIT, config
 * writes through 0xCF8/0xCFC and ECAM (protected function, MSI data with
 * INIT), IOAPIC stores, the IOMMU's registers, fw_cfg DMA descriptors, ISA
 * DMA, reset ports, string I/O, parking a CPU, the integrity and counter
 * hypercalls. Every check is fed a value it must refuse.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <string.h>

#include "hv/apic/init.h"
#include "hv/hypercall.h"
#include "hv/iso/iso.h"
#include "svm/svm.h"
#include "tests/harness/harness.h"

#define ECAM            (HARNESS_RAM_PA + (6ull << 20))         /* bus 0, 1 MiB */
#define IOMMU_MMIO      (HARNESS_RAM_PA + (7ull << 20))
#define IOMMU_BDF       0x0010                                  /* 00:02.0 */
#define EDU_BDF         0x0018                                  /* 00:03.0 */
#define IOIO_IN         1u
#define IOIO_STR        4u

static struct vcpu *vcpu(unsigned i)
{
	return hv.vcpus[i];
}

static uint8_t *cfg_space(uint16_t bdf)
{
	return (uint8_t *)(uintptr_t)(ECAM + ((uint64_t)bdf << 12));
}

/* A QEMU-like CF8/CFC behind the fake CPU's ports, over the fake ECAM. */
static uint32_t cf8;

static void port_out(void *arg, uint16_t port, unsigned size, uint32_t v)
{
	(void)arg;
	if (port == 0xcf8 && size == 4)
		cf8 = v;
	else if (port >= 0xcfc && port <= 0xcff && (cf8 & 0x80000000u))
		memcpy(cfg_space((uint16_t)(cf8 >> 8)) + (cf8 & 0xfc) + (port - 0xcfc), &v, size);
	else if (port == 0x518)
		memset((void *)(uintptr_t)hv_iso.fwcfg_bounce_pa, 0, 4);       /* QEMU: done */
}

static uint32_t port_in(void *arg, uint16_t port, unsigned size)
{
	uint32_t v = 0;

	(void)arg;
	if (port >= 0xcfc && port <= 0xcff && (cf8 & 0x80000000u)) {
		memcpy(&v, cfg_space((uint16_t)(cf8 >> 8)) + (cf8 & 0xfc) + (port - 0xcfc), size);
		return v;
	}
	return port == 0x92 ? 0xab : 0xffffffffu;
}

static void machine(bool r_init)
{
	struct harness_config c = { .ncpu = 2 };

	c.cpu = fake_cpu_tcg();
	c.cpu.no_r_init = !r_init;
	assert_int_equal(harness_init(&c), 0);
	for (unsigned i = 0; i < 2; i++)
		assert_true(harness_prepare(i));
	/* A bus-0 ECAM window, the IOMMU at 00:02.0 and an edu-like device at 00:03.0. */
	memset((void *)(uintptr_t)ECAM, 0xff, 1 << 20);
	memset(cfg_space(IOMMU_BDF), 0, 256);
	memset(cfg_space(EDU_BDF), 0, 256);
	cfg_space(EDU_BDF)[0] = 0x34, cfg_space(EDU_BDF)[1] = 0x12;
	cfg_space(EDU_BDF)[PCI_STATUS] = PCI_STATUS_CAP_LIST;
	cfg_space(EDU_BDF)[PCI_CAP_PTR] = 0x40;
	cfg_space(EDU_BDF)[0x40] = PCI_CAP_ID_MSI;
	cfg_space(EDU_BDF)[0x42] = PCI_MSI_CTRL_64BIT;
	hv_iso.necam = 1;
	hv_iso.ecam[0] = (struct mcfg_range){ ECAM, 0, 0, 0 };
	pcicfg_protect_function(&hv_iso.guard, IOMMU_BDF);
	hv_iso.niommu = 1;
	hv_iso.iommu[0] = (struct hv_iso_iommu){ .base = IOMMU_MMIO, .mmio_size = 0x4000,
						  .devid = IOMMU_BDF };
	cf8 = 0;
	fake.port_out = port_out;
	fake.port_in = port_in;
}

static int with_r_init(void **s) { (void)s; machine(true); return 0; }
static int without_r_init(void **s) { (void)s; machine(false); return 0; }

static void code(unsigned i, const uint8_t *bytes, size_t len)
{
	uint8_t *p = harness_page();

	memcpy(p, bytes, len);
	vcpu(i)->vmcb->save.rip = harness_pa(p);
}

/* OUT (or IN) of size bytes at port by vCPU 0, through the exit handler. */
static uint64_t io(uint16_t port, unsigned size, bool in, uint64_t rax, uint64_t extra)
{
	struct vcpu *v = vcpu(0);
	uint64_t next = v->vmcb->save.rip + 2;

	v->vmcb->save.rax = rax;
	assert_true(harness_exit(0, VMEXIT_IOIO, (uint64_t)port << 16 | (size == 1 ? 0x10 :
				 size == 2 ? 0x20 : 0x40) | (in ? IOIO_IN : 0) | extra, next, 0));
	return v->vmcb->save.rax;
}

static uint64_t hypercall(uint64_t fn, uint64_t rbx, uint64_t *rcx, uint64_t *rdx)
{
	struct vcpu *v = vcpu(0);

	v->vmcb->save.rax = fn;
	v->world.regs.rbx = rbx;
	assert_true(harness_exit(0, VMEXIT_VMMCALL, 0, 0, 3));
	if (rcx)
		*rcx = v->world.regs.rcx;
	if (rdx)
		*rdx = v->world.regs.rdx;
	rbx = v->world.regs.rbx;
	assert_int_equal(v->vmcb->save.rax, SVMHV_OK);
	return rbx;
}

static uint64_t counter(enum svmhv_iso_counter c)
{
	uint64_t val;

	hypercall(SVMHV_HC_ISO_COUNTER, c, NULL, &val);
	return val;
}

/* ---- INIT ---- */

/*
 * With VM_CR.R_INIT the pending INIT is let in as #SX (GIF opened for one
 * instruction) and the vCPU gets a virtual INIT: an AP waits for a SIPI.
 */
static void test_init_with_r_init(void **state)
{
	struct vcpu *v = vcpu(1);

	(void)state;
	assert_true(v->cpu->r_init);
	assert_false(harness_exit(1, VMEXIT_INIT, 0, 0, 0));
	assert_int_equal(v->mp_state, HV_MP_WAIT_SIPI);
	assert_false(fake.gif[1]);                      /* closed again */
	assert_true(fake_console_has("vCPU 1: a physical INIT reached this CPU: dropped (#SX)"));
	assert_int_equal(counter(SVMHV_ISO_INIT_EXITS), 1);
	assert_int_equal(counter(SVMHV_ISO_FLAGS) & SVMHV_ISO_F_R_INIT, SVMHV_ISO_F_R_INIT);
	assert_false(fake_console_has("PANIC"));
}

/* Without it the INIT cannot be dropped: the vCPU stops in svmhv, said loudly. */
static void test_init_without_r_init(void **state)
{
	struct vcpu *v = vcpu(1);
	jmp_buf halt;

	(void)state;
	assert_false(v->cpu->r_init);
	fake.halt = &halt;
	if (!setjmp(halt)) {
		harness_exit(1, VMEXIT_INIT, 0, 0, 0);
		fail_msg("the vCPU went on with an INIT pending");
	}
	fake.halt = NULL;
	assert_true(fake_console_has("vCPU 1 stopped (fail closed)"));
	assert_int_equal(v->mode, HV_MODE_OUTSIDE_GUEST);
	assert_false(fake_console_has("PANIC"));
	assert_int_equal(counter(SVMHV_ISO_FLAGS) & SVMHV_ISO_F_R_INIT, 0);
}

/*
 * shutdown=halt: the vCPU that shut down halts for good while the others go
 * on, so it must still take SMIs: GIF open where R_INIT turns an INIT into
 * a #SX, GIF 0 (fail closed) where an INIT would reset the CPU.
 */
static void shutdown_halt(bool gif_open)
{
	jmp_buf halt;

	hv.boot.shutdown = HV_SHUTDOWN_HALT;
	fake.halt = &halt;
	if (!setjmp(halt)) {
		harness_exit(1, VMEXIT_SHUTDOWN, 0, 0, 0);
		fail_msg("the vCPU went on after a shutdown");
	}
	fake.halt = NULL;
	assert_int_equal(fake.resets, 0);
	assert_true(fake_console_has("halting this vCPU (shutdown=halt)"));
	assert_int_equal(fake.gif[1], gif_open);
}

static void test_shutdown_halt_gif_open(void **state)
{
	(void)state;
	shutdown_halt(true);
}

static void test_shutdown_halt_no_r_init(void **state)
{
	(void)state;
	shutdown_halt(false);
}

/* ---- PCI configuration ---- */

static void test_cf8_protected_function(void **state)
{
	uint32_t base;

	(void)state;
	cfg_space(IOMMU_BDF)[0x44] = 0x00, cfg_space(IOMMU_BDF)[0x46] = 0xd8;
	io(0xcf8, 4, false, 0x80001044, 0);
	assert_int_equal(io(0xcf8, 4, true, 0, 0), 0x80001044);        /* the guest's CF8 */
	io(0xcfc, 4, false, 0x3dc00001, 0);                             /* move the IOMMU */
	memcpy(&base, cfg_space(IOMMU_BDF) + 0x44, 4);
	assert_int_equal(base, 0x00d80000);
	assert_int_equal(counter(SVMHV_ISO_PCICFG_REFUSED), 1);
	assert_true(fake_console_has("0xCFC write to 00:02.0 reg 0x44"));
	/* Reads pass; RIP moves past the IN/OUT either way. */
	assert_int_equal(io(0xcfc, 4, true, ~0ull, 0), 0x00d80000);
	io(0xcfe, 1, false, 0x11, 0);                                   /* byte 0x46 */
	assert_int_equal(cfg_space(IOMMU_BDF)[0x46], 0xd8);
	/* Another function is written as asked. */
	io(0xcf8, 4, false, 0x80001804, 0);
	io(0xcfc, 2, false, 0x0006, 0);
	assert_int_equal(cfg_space(EDU_BDF)[4], 6);
}

static void test_cfc_msi_init(void **state)
{
	(void)state;
	io(0xcf8, 4, false, 0x80001844, 0);                             /* 00:03.0 0x44 */
	io(0xcfc, 4, false, 0xfee00000, 0);                             /* address: fine */
	io(0xcf8, 4, false, 0x8000184c, 0);                             /* data (64-bit cap) */
	io(0xcfc, 2, false, 0x0500, 0);                                 /* INIT */
	assert_int_equal(cfg_space(EDU_BDF)[0x4d], 0);
	io(0xcfd, 1, false, 0x05, 0);                                   /* its high byte alone */
	assert_int_equal(cfg_space(EDU_BDF)[0x4d], 0);
	assert_int_equal(counter(SVMHV_ISO_MSI_REFUSED), 2);
	io(0xcfc, 2, false, 0x0031, 0);                                 /* fixed, vector 0x31 */
	assert_int_equal(cfg_space(EDU_BDF)[0x4c], 0x31);
	assert_true(fake_console_has("MSI data with a delivery mode svmhv refuses"));
}

/* ECAM stores: MOV [rbx], eax / MOV [rbx], ax, emulated or dropped. */
static void test_ecam_stores(void **state)
{
	static const uint8_t mov32[] = { 0x89, 0x03 }, mov16[] = { 0x66, 0x89, 0x03 };
	struct vcpu *v = vcpu(0);

	(void)state;
	code(0, mov32, sizeof(mov32));
	v->vmcb->save.rax = 0x12345678;
	v->world.regs.rbx = ECAM + ((uint64_t)IOMMU_BDF << 12) + 0x44;
	assert_true(harness_exit(0, VMEXIT_NPF, NPF_P | NPF_WRITE | NPF_FINAL_GPA,
				 v->world.regs.rbx, 0));
	assert_int_equal(cfg_space(IOMMU_BDF)[0x44], 0);
	assert_int_equal(v->vmcb->save.rip & 0xfff, sizeof(mov32));
	code(0, mov16, sizeof(mov16));
	v->vmcb->save.rax = 0x0500;
	v->world.regs.rbx = ECAM + ((uint64_t)EDU_BDF << 12) + 0x4c;
	assert_true(harness_exit(0, VMEXIT_NPF, NPF_P | NPF_WRITE | NPF_FINAL_GPA,
				 v->world.regs.rbx, 0));
	assert_int_equal(cfg_space(EDU_BDF)[0x4d], 0);
	code(0, mov16, sizeof(mov16));
	v->vmcb->save.rax = 0x0041;
	assert_true(harness_exit(0, VMEXIT_NPF, NPF_P | NPF_WRITE | NPF_FINAL_GPA,
				 v->world.regs.rbx, 0));
	assert_int_equal(cfg_space(EDU_BDF)[0x4c], 0x41);
	assert_int_equal(counter(SVMHV_ISO_PCICFG_REFUSED), 1);
	assert_int_equal(counter(SVMHV_ISO_MSI_REFUSED), 1);
	assert_true(fake_console_has("ECAM write to 00:02.0 reg 0x44"));
}

/* ---- IOAPIC and the IOMMU's registers ---- */

static void test_ioapic_stores(void **state)
{
	static const uint8_t mov[] = { 0x89, 0x08 };    /* MOV [rax], ecx */
	struct vcpu *v = vcpu(0);
	uint8_t *ioapic = harness_page();
	uint32_t win;

	(void)state;
	hv_iso.nioapic = 1;
	hv_iso.ioapic[0] = (struct hv_iso_ioapic){ .base = harness_pa(ioapic), .npins = 24,
						    .devid = -1 };
	for (int k = 0; k < 3; k++) {
		static const struct { uint32_t off, val; } w[3] = {
			{ 0x00, 0x22 }, { 0x10, 0x00000500 }, { 0x10, 0x0001a031 },
		};

		code(0, mov, sizeof(mov));
		v->vmcb->save.rax = harness_pa(ioapic) + w[k].off;
		v->world.regs.rcx = w[k].val;
		assert_true(harness_exit(0, VMEXIT_NPF, NPF_P | NPF_WRITE | NPF_FINAL_GPA,
					 v->vmcb->save.rax, 0));
		memcpy(&win, ioapic + 0x10, 4);
		if (k == 1)
			assert_int_equal(win, 0);       /* RTE 9 low with INIT: refused */
	}
	assert_int_equal(ioapic[0], 0x22);
	assert_int_equal(win, 0x0001a031);              /* a fixed entry passes */
	assert_int_equal(hv_iso.ioapic[0].rte[9], 0x0001a031);         /* and is shadowed */
	assert_int_equal(counter(SVMHV_ISO_IOAPIC_REFUSED), 1);
	assert_true(fake_console_has("pin 9: INIT refused (INIT"));
}

static void test_iommu_mmio_dropped(void **state)
{
	static const uint8_t mov[] = { 0xc7, 0x00, 0x00, 0x00, 0x00, 0x00 };   /* MOV [rax], 0 */
	struct vcpu *v = vcpu(0);
	uint64_t rip;

	(void)state;
	code(0, mov, sizeof(mov));
	rip = v->vmcb->save.rip;
	assert_true(hv_iso_npf_owns(IOMMU_MMIO + 0x18));
	assert_true(harness_exit(0, VMEXIT_NPF, NPF_P | NPF_WRITE | NPF_FINAL_GPA,
				 IOMMU_MMIO + 0x18, 6));
	assert_int_equal(v->vmcb->save.rip, rip + 6);
	assert_int_equal(counter(SVMHV_ISO_MMIO_DROPPED), 1);
	assert_false(hv_iso_npf_owns(IOMMU_MMIO + 0x4000));
}

/* ---- fw_cfg DMA ---- */

static uint8_t *descriptor(uint32_t control, uint32_t len, uint64_t addr)
{
	uint8_t *d = harness_page();
	uint32_t c = __builtin_bswap32(control), l = __builtin_bswap32(len);
	uint64_t a = __builtin_bswap64(addr);

	memcpy(d, &c, 4);
	memcpy(d + 4, &l, 4);
	memcpy(d + 8, &a, 8);
	return d;
}

static void start_dma(const uint8_t *d)
{
	uint64_t pa = harness_pa(d);

	io(0x514, 4, false, __builtin_bswap32((uint32_t)(pa >> 32)), 0);
	io(0x518, 4, false, __builtin_bswap32((uint32_t)pa), 0);
}

static void test_fwcfg_dma(void **state)
{
	uint8_t *own = harness_page(), *d;
	unsigned writes;

	(void)state;
	/* A read of the signature into guest memory runs, from svmhv's copy. */
	d = descriptor(FWCFG_CTL_SELECT | FWCFG_CTL_READ, 4, harness_pa(own));
	start_dma(d);
	assert_int_equal(fake.last_port, 0x518);
	assert_int_equal(fake.last_port_value, __builtin_bswap32((uint32_t)hv_iso.fwcfg_bounce_pa));
	assert_int_equal(d[0] | d[1] | d[2] | d[3], 0);                /* control copied back */
	assert_int_equal(counter(SVMHV_ISO_FWCFG_DMA), 1);
	/* Into svmhv's pool, into the MSI window, or a descriptor in the pool: refused. */
	writes = fake.port_writes;
	d = descriptor(FWCFG_CTL_READ, 16, HARNESS_POOL_PA + 0x3000);
	start_dma(d);
	assert_int_equal(d[3], FWCFG_CTL_ERROR);                       /* QEMU's error bit */
	d = descriptor(FWCFG_CTL_READ, 4, 0xfee00000);
	start_dma(d);
	assert_int_equal(d[3], FWCFG_CTL_ERROR);
	d = descriptor(FWCFG_CTL_WRITE, 0x100, HARNESS_POOL_PA - 0x80);         /* straddles */
	start_dma(d);
	assert_int_equal(d[3], FWCFG_CTL_ERROR);
	io(0x514, 4, false, __builtin_bswap32((uint32_t)(HARNESS_POOL_PA >> 32)), 0);
	io(0x518, 4, false, __builtin_bswap32((uint32_t)HARNESS_POOL_PA), 0);
	assert_int_equal(fake.port_writes, writes);                    /* none reached QEMU */
	assert_int_equal(counter(SVMHV_ISO_FWCFG_REFUSED), 4);
	assert_true(fake_console_has("fwcfg: DMA refused: data range meets protected memory"));
}

/* ---- ISA DMA, reset ports, string I/O, IN ---- */

static void test_isadma(void **state)
{
	(void)state;
	io(0x481, 1, false, HARNESS_POOL_PA >> 24, 0);                 /* masked: fine */
	assert_int_equal(fake.last_port, 0x481);
	io(0x0a, 1, false, 0x02, 0);                                    /* unmask channel 2 */
	assert_int_equal(fake.last_port, 0x481);                        /* never reached */
	assert_int_equal(counter(SVMHV_ISO_ISADMA_REFUSED), 1);
	io(0x481, 1, false, 0x00, 0);
	io(0x0a, 1, false, 0x02, 0);
	assert_int_equal(fake.last_port, 0x0a);
}

static uint32_t pm1_in(void *arg, uint16_t port, unsigned size)
{
	(void)arg;
	(void)port;
	(void)size;
	return 0x0001;                  /* PM1_STS: TMR_STS, no WAK_STS */
}

/*
 * The PM1 guard through the IOIO exit (hv/iso/sleep.c; the policy itself is
 * test_iommu_sleep's): S3 dropped, counted, logged, WAK_STS shown until
 * cleared; S5 performed.
 */
static void test_sleep_refused(void **state)
{
	struct fadt_sleep f = { .ports = { { 0x604, 2, SLEEP_REG_PM1_CNT, 0 },
					   { 0x600, 2, SLEEP_REG_PM1_STS, 0 } }, .nports = 2 };
	struct acpi_sleep_info info = { 0 };

	(void)state;
	info.s[3] = (struct acpi_sleep_pkg){ true, true, 1, 1 };
	info.s[5] = (struct acpi_sleep_pkg){ true, true, 0, 0 };
	sleep_guard_init(&hv_iso.sleep, &f, &info);
	fake.port_in = pm1_in;
	fake.last_port = 0;
	io(0x604, 2, false, 0x2401, 0);                                 /* SLP_TYP 1 | SLP_EN */
	assert_int_equal(fake.last_port, 0);                            /* never reached */
	assert_int_equal(counter(SVMHV_ISO_SLEEP_REFUSED), 1);
	assert_true(fake_console_has("acpi: S3 refused: vCPU 0 wrote 0x2401 to PM1a_CNT (port 0x604)"));
	assert_int_equal(io(0x600, 2, true, 0, 0), 0x8001);
	assert_int_equal(io(0x601, 1, true, 0, 0), 0x81);              /* the hook reads 1 */
	io(0x600, 2, false, 0x8000, 0);                                 /* the OS clears WAK_STS */
	assert_int_equal(fake.last_port, 0x600);
	assert_int_equal(io(0x600, 2, true, 0, 0), 0x0001);
	io(0x604, 2, false, 0x2001, 0);                                 /* S5: soft-off */
	assert_int_equal(fake.last_port, 0x604);
	assert_int_equal(fake.last_port_value, 0x2001);
	assert_int_equal(counter(SVMHV_ISO_SLEEP_REFUSED), 1);
	fake.port_in = NULL;
}

static void test_reset_port(void **state)
{
	jmp_buf halt;

	(void)state;
	io(0x92, 1, false, 0x02, 0);                                    /* A20 only */
	assert_int_equal(fake.resets, 0);
	fake.halt = &halt;
	if (!setjmp(halt))
		io(0x92, 1, false, 0x03, 0);
	fake.halt = NULL;
	assert_int_equal(fake.resets, 1);
	assert_true(fake_console_has("the guest asked for a reset (port 0x92 value 0x3)"));
}

static void test_in_and_string(void **state)
{
	struct vcpu *v = vcpu(0);

	(void)state;
	assert_int_equal(io(0x92, 1, true, 0x1122334455667788ull, 0), 0x11223344556677abull);
	assert_int_equal(io(0x514, 4, true, 0x1122334455667788ull, 0), 0xffffffffull);
	io(0xcfc, 1, false, 0, IOIO_STR);                               /* OUTSB */
	assert_int_equal(v->vmcb->control.event_inj,
			 VEC_GP | SVM_EVTINJ_TYPE_EXEPT | SVM_EVTINJ_VALID | SVM_EVTINJ_VALID_ERR);
}

/* ---- parking, integrity ---- */

static void test_park(void **state)
{
	struct vcpu *v1 = vcpu(1);
	uint64_t rcx, st;
	unsigned ipis;

	(void)state;
	/* A CPU under svmhv cannot be parked. */
	vcpu(0)->vmcb->save.rax = SVMHV_HC_PARK_CPU;
	vcpu(0)->world.regs.rbx = 1;
	assert_true(harness_exit(0, VMEXIT_VMMCALL, 0, 0, 3));
	assert_int_equal((int64_t)vcpu(0)->vmcb->save.rax, SVMHV_EBUSY);
	hv.vcpus[1] = NULL;                             /* as if its takeover had failed */
	hypercall(SVMHV_HC_PARK_CPU, 1, NULL, NULL);
	assert_int_equal((fake.last_icr >> 8) & 7, 5);                 /* INIT */
	assert_int_equal(fake.last_icr >> 56, 1);                      /* to APIC ID 1 */
	st = hypercall(SVMHV_HC_VCPU_STATE, 1, &rcx, NULL);
	assert_int_equal(st, SVMHV_VCPU_PARKED);
	assert_int_equal(counter(SVMHV_ISO_CPUS_PARKED), 1);
	assert_true(fake_console_has("cpu1 (APIC ID 1) parked"));
	/* The guest's INIT and SIPI for it never reach the hardware. */
	ipis = fake.ipis;
	vcpu(0)->world.regs.rcx = MSR_X2APIC_ICR;
	vcpu(0)->vmcb->save.rax = 0x4500;
	vcpu(0)->world.regs.rdx = 1;                    /* x2APIC destination 1 */
	assert_true(harness_exit(0, VMEXIT_MSR, 1, 0, 2));
	vcpu(0)->world.regs.rcx = MSR_X2APIC_ICR;
	vcpu(0)->vmcb->save.rax = 0x4699;
	vcpu(0)->world.regs.rdx = 1;
	assert_true(harness_exit(0, VMEXIT_MSR, 1, 0, 2));
	assert_int_equal(fake.ipis, ipis);
	hv.vcpus[1] = v1;
}

/* INTEGRITY (hv/integrity.c) names canary 0, which isoattack's DMA aims at. */
static void test_integrity(void **state)
{
	uint64_t broken, pa, sum = hypercall(SVMHV_HC_INTEGRITY, 0, &broken, &pa);
	uint64_t *canary = (uint64_t *)(uintptr_t)pa;

	(void)state;
	assert_true(pa >= HARNESS_POOL_PA && pa < HARNESS_POOL_PA + HARNESS_POOL_SIZE);
	assert_int_equal(broken, 0);
	assert_int_equal(canary[5], SVMHV_CANARY_WORD(pa, 5));
	canary[5] ^= 1;                                 /* what a DMA attack would do */
	assert_int_equal(hypercall(SVMHV_HC_INTEGRITY, 0, &broken, &pa), sum);
	assert_int_equal(broken, 1);
	canary[5] ^= 1;
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(test_init_with_r_init, with_r_init),
		cmocka_unit_test_setup(test_init_without_r_init, without_r_init),
		cmocka_unit_test_setup(test_shutdown_halt_gif_open, with_r_init),
		cmocka_unit_test_setup(test_shutdown_halt_no_r_init, without_r_init),
		cmocka_unit_test_setup(test_cf8_protected_function, with_r_init),
		cmocka_unit_test_setup(test_cfc_msi_init, with_r_init),
		cmocka_unit_test_setup(test_ecam_stores, with_r_init),
		cmocka_unit_test_setup(test_ioapic_stores, with_r_init),
		cmocka_unit_test_setup(test_iommu_mmio_dropped, with_r_init),
		cmocka_unit_test_setup(test_fwcfg_dma, with_r_init),
		cmocka_unit_test_setup(test_isadma, with_r_init),
		cmocka_unit_test_setup(test_reset_port, with_r_init),
		cmocka_unit_test_setup(test_sleep_refused, with_r_init),
		cmocka_unit_test_setup(test_in_and_string, with_r_init),
		cmocka_unit_test_setup(test_park, with_r_init),
		cmocka_unit_test_setup(test_integrity, with_r_init),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
