/* SPDX-License-Identifier: MIT */
/*
 * A fake CPU for host builds of svmhv (SVMHV_HOST_TEST): behind svm/hw.h's
 * instruction wrappers, the local APIC (hv/apic/lapic.h) and the world
 * switch (svm/world.h). It answers CPUID from a feature set the test picks
 * (so paths QEMU's TCG never takes, e.g. NRIPS or FlushByASID, run on the
 * host), keeps MSRs, records what svmhv printed, the IPIs it sent and the
 * INVLPGAs it executed, and lets a test or the model checker hook in where
 * another CPU would run (cpu_relax(), an NMI sent to a CPU).
 */
#ifndef SVMHV_TESTS_HARNESS_FAKE_HW_H
#define SVMHV_TESTS_HARNESS_FAKE_HW_H

#include <setjmp.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "svm/x86.h"

#define FAKE_MAX_CPUS           8
#define FAKE_CONSOLE_SIZE       (256 * 1024)
#define FAKE_APIC_BASE          0xfee00000ull

struct fake_cpu_config {
	uint32_t svm_edx;               /* CPUID 8000_000A EDX: SVM features */
	uint32_t nasid;                 /* CPUID 8000_000A EBX */
	unsigned maxphyaddr;            /* CPUID 8000_0008 EAX[7:0] */
	bool gbpages;                   /* CPUID 8000_0001 EDX[26] */
	uint32_t ext8_ebx;              /* CPUID 8000_0008 EBX: IBPB, IBRS, SSBD, INVLPGB, ... */
	uint32_t ext8_edx;              /* CPUID 8000_0008 EDX: INVLPGB count, RDPRU max */
	bool x2apic;                    /* CPUID 1 ECX[21] */
	bool no_r_init;                 /* VM_CR.R_INIT reads back 0 (QEMU TCG) */
	uint32_t signature;             /* CPUID 1 EAX; 0: 0x00a00f11 (a Zen3) */
	uint32_t ecx1;                  /* more CPUID 1 ECX bits (AVX, hypervisor) */
	bool intel;                     /* CPUID 0 says GenuineIntel */
	uint32_t ext_max;               /* CPUID 8000_0000 EAX; 0: 0x8000000a */
	uint32_t ext1f_eax, ext1f_ebx;  /* CPUID 8000_001F: SME, C-bit, reduction (ext_max >= it) */
	uint64_t syscfg;                /* MSR SYSCFG C001_0010 on every CPU (MemEncryptionModEn) */
};

struct fake_hw {
	struct fake_cpu_config cfg;
	unsigned ncpu;
	unsigned cur;                   /* the CPU running svmhv's code now */
	uint64_t msr[FAKE_MAX_CPUS][16];
	struct { bool used; uint32_t msr; uint64_t val; } other[FAKE_MAX_CPUS][32]; /* the rest */
	unsigned msr_faults;            /* rdmsr_safe/wrmsr_safe that faulted */
	uint32_t apic_regs[FAKE_MAX_CPUS][64];  /* xAPIC registers, by offset / 16 */
	char console[FAKE_CONSOLE_SIZE];        /* what svmhv printed (THR writes) */
	size_t console_len;
	const char *rx;                 /* what the line sends COM1 (RBR, LSR.DR), or NULL */
	size_t rx_len, rx_pos;
	bool console_echo;              /* also write it to stderr */
	unsigned nmis[FAKE_MAX_CPUS];   /* NMIs sent to each CPU (by APIC ID) */
	unsigned ipis;                  /* every ICR write */
	uint64_t last_icr;
	uint64_t icr_log[32];           /* the first 32 ICR writes, in order */
	unsigned invlpgas;
	unsigned accepts;               /* hv_lapic_accept_pending() calls */
	bool gif[FAKE_MAX_CPUS];
	unsigned stgis[FAKE_MAX_CPUS];  /* STGIs in host mode, per CPU */
	unsigned halts[FAKE_MAX_CPUS];  /* halt_unless() calls that would have halted */
	unsigned cpuids;                /* CPUIDs svmhv executed (each exits to a hypervisor below) */
	/*
	 * RDMSR/WRMSR of MSRs KVM as L0 intercepts (all but those
	 * fake_msr_passed_through() names): each would exit to it.
	 */
	unsigned msr_exits;
	uint64_t xcr0[FAKE_MAX_CPUS];   /* XCR0 (XGETBV/XSETBV); reset: x87 | SSE */
	unsigned xsetbvs;
	bool no_osxsave;                /* the host's CR4.OSXSAVE is clear */
	uint64_t dr[FAKE_MAX_CPUS][8];  /* debug registers (the guest's DR0-3 live there) */
	unsigned resets;                /* hv_platform_reset() calls */
	unsigned port_writes;           /* OUTs to ports other than the UART */
	uint16_t last_port;
	uint32_t last_port_value;
	jmp_buf *halt;                  /* halt_forever(): longjmp here, else abort() */
	/* Hooks; any may be NULL. */
	void (*relax)(void *arg);       /* cpu_relax(): other CPUs run now */
	void (*nmi)(void *arg, unsigned cpu);   /* an NMI was sent to cpu */
	void (*invlpga)(void *arg, uint64_t va, uint32_t asid);
	/* Does RDMSR/WRMSR of msr (with val) raise #GP on this CPU? NULL: never. */
	bool (*msr_gp)(void *arg, uint32_t msr, bool write, uint64_t val);
	/* Port I/O other than the UART; without a hook, IN reads all ones. */
	uint32_t (*port_in)(void *arg, uint16_t port, unsigned size);
	void (*port_out)(void *arg, uint16_t port, unsigned size, uint32_t v);
	void (*accept)(void *arg);      /* hv_lapic_accept_pending(): GIF and IF open */
	void (*stgi)(void *arg, unsigned cpu);  /* STGI: a held NMI or SMI may be taken now */
	/* CPUID: true if the hook answered *r (a richer CPU than the default). */
	bool (*cpuid)(void *arg, uint32_t leaf, uint32_t sub, struct cpuid_regs *r);
	void *arg;
};

extern struct fake_hw fake;

/* A fresh fake machine: ncpu CPUs with APIC IDs 0..ncpu-1, CPU 0 running. */
void fake_hw_reset(const struct fake_cpu_config *cfg, unsigned ncpu);

/* The default CPU: QEMU TCG's -cpu max as svmhv sees it (NPT, VGIF, 16 ASIDs). */
struct fake_cpu_config fake_cpu_tcg(void);

/*
 * Does KVM (as L0 under svmhv) pass RDMSR/WRMSR of msr through to the CPU,
 * without an exit? The MSRs Linux's arch/x86/kvm/svm/svm.c leaves
 * unintercepted for every guest: FS/GS/KERNEL_GS base, the SYSCALL and
 * SYSENTER MSRs. (SPEC_CTRL and PRED_CMD only once the guest uses them.)
 */
bool fake_msr_passed_through(uint32_t msr);

/* Does the console hold s (since the last fake_console_clear())? */
bool fake_console_has(const char *s);
void fake_console_clear(void);

#endif /* SVMHV_TESTS_HARNESS_FAKE_HW_H */
