/* SPDX-License-Identifier: MIT */
/*
 * kvmtest: a small /dev/kvm program run inside svmhv's Linux guest. With
 * svmhv's nested SVM (nested=1) and kvm_amd (npt=0) the guest's KVM is a
 * guest hypervisor (L1) and the VMs made here are L2s; the same program runs
 * on any KVM host. Built static with the host gcc by scripts/guest.sh; /init
 * runs it for svmhv.run=kvmtest (tests/suites/60-kvm.sh).
 *
 * Each test makes a fresh VM with one vCPU, memory from
 * KVM_SET_USER_MEMORY_REGION and CPUID from KVM_GET_SUPPORTED_CPUID:
 *   real mode   16-bit code at 0x1000 in a 64 KiB slot; MMIO at 0x20000
 *   long mode   64-bit code at 0x8000 in a 2 MiB slot, identity-mapped by a
 *               2 MiB page (PML4/PDPT/PD built here), GDT, CR0/CR4/EFER set
 *               through KVM_SET_SREGS; MMIO at 0x200000 (mapped, unbacked)
 * Each guest does, in order: OUT 8/16/32 bits, IN 8/16 bits (values stored to
 * memory), an MMIO store and load (load value stored), CPUID leaves 0 and
 * 0x40000000 (handled in the kernel, results stored), in long mode a store to
 * each page of 64 KiB..2 MiB (first touches: shadow-paging faults in L1's KVM,
 * checked from the host), LOOPS rounds of
 * IN32 x; c = rol(c, 5) + x; OUT32 c (a running checksum both sides
 * compute), the final checksum stored, HLT. Every exit is checked against
 * that script; CPUID must never reach user space.
 *
 * With more than one CPU the long-mode guest runs a second time while its
 * thread moves to another CPU every MIGRATE_EVERY rounds (KVM reloads the
 * vCPU there: a new ASID, and under svmhv the vmcb12 goes to another vCPU).
 * Then a long-mode guest without an IDT runs UD2: a triple fault must end
 * the run with KVM_EXIT_SHUTDOWN.
 *
 * Last, L3 (test_l3): the vCPU's CPUID has SVM (kvm_amd nested=1), and the
 * L2 guest is itself a hypervisor (l2hv_code): it sets EFER.SVME and
 * VM_HSAVE_PA and VMRUNs (CLGI, VMLOAD, VMRUN, VMSAVE, STGI, saving L3's
 * registers itself) an L3 (l3_code) whose VMCB (built here, l3_vmcb())
 * intercepts IOIO for ports 0x30/0x31, VMMCALL, HLT and SHUTDOWN. L3 first
 * OUTs to port 0x50, which L2 does not intercept, so it reaches this program
 * as L2's own I/O; then L3_ROUNDS rounds of IN 0x31 (L2 feeds a value), a
 * running checksum OUT to 0x30 and VMMCALL with the round in RAX; a store;
 * HLT. L2 checks every #VMEXIT (exit code, EXITINFO1 port/size/direction,
 * RAX), advances RIP (EXITINFO2 = next RIP for IOIO), stops at the first one
 * out of script, stores its counters and OUTs to port 0x40; the checks here
 * are on those. With npt=1 KVM offers NPT to L2 and the scenario runs again
 * with L3 on L2's own nested page tables (one page remapped: L3's store
 * must land where they say).
 *
 * Pinned static keys (-u turns this off): before the first test a VM with one
 * vCPU and no in-kernel irqchip is created and kept until the end. It holds
 * Linux's preempt-notifier and kvm_has_noapic_vcpu static keys enabled, so the
 * kernel patches its scheduler and KVM text (text_poke_bp: INT3, sync, tail,
 * sync, first byte) once per run instead of on every VM creation and
 * destruction. Debian 12's QEMU 7.2 TCG intermittently keeps executing a stale
 * INT3 after such a patch (seen at sites whose instruction crosses a page
 * boundary): CPUs loop through the #BP handler with IF=0 (an RCU stall, then a
 * frozen guest). It happens without svmhv, with Linux KVM directly on QEMU
 * 7.2's SVM, and not on QEMU 10 (docs/platforms.md).
 * make soak runs `kvmtest -u` on QEMU 10, where the patching is exercised.
 *
 * Output (one line per check, then a summary):
 *   KVMTEST: ok - <name>
 *   KVMTEST: not ok - <name>: <detail>
 *   KVMTEST: # <diagnostic>          (e.g. exits per second)
 *   KVMTEST: done N passed, M failed
 * Exit status 0 only when nothing failed. Under svmhv (its CPUID signature)
 * the loop's diagnostic also counts svmhv's own #VMEXITs, by exit code, with
 * svmhv's hypercalls (EXIT_TOTAL, EXIT_COUNT summed over every vCPU).
 *
 *   kvmtest [-n LOOPS] [-l L3_ROUNDS] [-u]
 *     LOOPS in/out rounds per guest (default 1000), L3_ROUNDS rounds of L3 (200),
 *     -u: no pinning VM (the static keys flip with every VM)
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <cpuid.h>
#include <sched.h>
#include <linux/kvm.h>
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

#include "hv/hypercall.h"

#define DEFAULT_LOOPS   1000
#define DEFAULT_L3_ROUNDS 200   /* IN/OUT/VMMCALL rounds of the L3 scenario */
#define RUN_SECONDS     120     /* one guest run may take this long, then it is stopped */

/* ---- the guests' code (position independent, loaded at a fixed address) ---- */

#define RM_LOAD         0x1000u
#define RM_RES          0x3000u
#define RM_MEM          0x10000u
#define RM_MMIO         0x20000u
#define LM_GDT          0x1000u
#define LM_PML4         0x2000u
#define LM_PDPT         0x3000u
#define LM_PD           0x4000u
#define LM_RES          0x5000u
#define LM_STACK        0x7ff0u
#define LM_LOAD         0x8000u
#define LM_MEM          0x200000u
#define LM_MMIO         0x200000u
#define LM_TOUCH_FROM   0x10000u        /* the long-mode guest writes every page of this range */
#define LM_TOUCH_TO     0x200000u

/* Result offsets (from RM_RES / LM_RES) the guests store to. */
#define R_IN8           0x00
#define R_IN16          0x02
#define R_MMIO          0x08
#define R_CPUID0        0x10    /* eax ebx ecx edx */
#define R_CPUID_HV      0x20    /* eax ebx ecx edx of 0x40000000 */
#define R_CSUM          0x30
#define R_LOOPS         0x40    /* the loop count, written here by the host */

/* The L3 scenario: L2 (long mode, lm_setup) is a hypervisor running L3. */
#define L3_HSAVE        0x9000u         /* L2's VM_HSAVE_PA */
#define L3_VMCB         0xa000u         /* L3's VMCB, built by l3_vmcb() */
#define L3_IOPM         0xc000u         /* 12 KiB: ports 0x30, 0x31 intercepted */
#define L3_MSRPM        0x10000u        /* 8 KiB, zero (MSR_PROT is not intercepted) */
#define L3_STACK        0x17ff0u
#define L3_LOAD         0x18000u
#define L3_NPT          0x12000u        /* L2's nested page tables for L3: PML4 PDPT PD PT */
#define L3_MARK         0x1f0000u       /* L3 stores L3_MARK_VAL here before its HLT; */
#define L3_MARK_TO      0x30000u        /* L2's nested paging maps that page here */
#define L3_MARK_VAL     0x334c334c334c334cull
#define L3_PORT_USER    0x50            /* L3's OUT that L2 does not intercept */
#define L3_PORT_REPORT  0x40            /* L2's report to kvmtest: OUT rounds done */
/* What L2 stores (offsets from LM_RES; see l2hv_code). */
#define X_EFER          0x100   /* EFER (low 32 bits) after L2 set SVME */
#define X_OUT           0x108   /* L3's OUTs to 0x30 with the right checksum */
#define X_IN            0x110   /* L3's INs from 0x31 that L2 fed */
#define X_VMMCALL       0x118   /* L3's VMMCALLs with RAX = the round */
#define X_HLT           0x120   /* L3's HLT after the last round */
#define X_BAD           0x128   /* 1: an exit out of script stopped L2 */
#define X_BAD_CODE      0x130   /* its exit code, EXITINFO1, EXITINFO2 */
#define X_BAD_INFO1     0x138
#define X_BAD_INFO2     0x140
#define X_L2SUM         0x148   /* L2's checksum over the values it fed */
#define X_L3SUM         0x150   /* L3's checksum, stored by L3 before HLT */
#define X_VMRUNS        0x158
#define X_L3RIP         0x160   /* L3's RIP in the VMCB at the HLT exit */
#define X_INFO1_OUT     0x168   /* the last OUT's and IN's EXITINFO1 */
#define X_INFO1_IN      0x170
#define X_BAD_RAX       0x178   /* L3's RAX and the exit L2 expected, for the first wrong exit */
#define X_BAD_PHASE     0x180
#define X_L3GPRS        0x200   /* L3's rbx rcx rdx rsi rdi rbp r8..r15 while L2 runs */
#define X_L3_R13        (X_L3GPRS + 11 * 8)
#define X_L3_R15        (X_L3GPRS + 13 * 8)

__asm__(
	".pushsection .rodata\n"
	".globl rm_code, rm_code_end, lm_code, lm_code_end\n"
	".globl l2hv_code, l2hv_code_end, l3_code, l3_code_end\n"
	".code16\n"
	"rm_code:\n"
	"	mov $0x42, %al\n"
	"	out %al, $0x10\n"
	"	mov $0x1234, %dx\n"
	"	mov $0xbeef, %ax\n"
	"	out %ax, %dx\n"
	"	inc %dx\n"
	"	mov $0xdeadbeef, %eax\n"
	"	out %eax, %dx\n"
	"	in $0x11, %al\n"
	"	mov %al, 0x3000\n"              /* RM_RES + R_IN8 */
	"	mov $0x12, %dx\n"
	"	in %dx, %ax\n"
	"	mov %ax, 0x3002\n"              /* R_IN16 */
	"	mov $0x2000, %ax\n"             /* ES:0 = RM_MMIO */
	"	mov %ax, %es\n"
	"	movw $0x1234, %es:0x10\n"
	"	mov %es:0x20, %ax\n"
	"	mov %ax, 0x3008\n"              /* R_MMIO */
	"	xor %eax, %eax\n"
	"	cpuid\n"
	"	mov %eax, 0x3010\n"
	"	mov %ebx, 0x3014\n"
	"	mov %ecx, 0x3018\n"
	"	mov %edx, 0x301c\n"
	"	mov $0x40000000, %eax\n"
	"	cpuid\n"
	"	mov %eax, 0x3020\n"
	"	mov %ebx, 0x3024\n"
	"	mov %ecx, 0x3028\n"
	"	mov %edx, 0x302c\n"
	"	mov 0x3040, %ecx\n"             /* R_LOOPS */
	"	xor %ebx, %ebx\n"
	"	mov $0x20, %dx\n"
	"1:	in %dx, %eax\n"
	"	rol $5, %ebx\n"
	"	add %eax, %ebx\n"
	"	mov %ebx, %eax\n"
	"	inc %dx\n"
	"	out %eax, %dx\n"
	"	dec %dx\n"
	"	dec %ecx\n"
	"	jnz 1b\n"
	"	mov %ebx, 0x3030\n"             /* R_CSUM */
	"	hlt\n"
	"rm_code_end:\n"
	".code64\n"
	"lm_code:\n"
	"	mov $0x42, %al\n"
	"	out %al, $0x10\n"
	"	mov $0x1234, %dx\n"
	"	mov $0xbeef, %ax\n"
	"	out %ax, %dx\n"
	"	inc %dx\n"
	"	mov $0xdeadbeef, %eax\n"
	"	out %eax, %dx\n"
	"	in $0x11, %al\n"
	"	mov %al, 0x5000\n"              /* LM_RES + R_IN8 */
	"	mov $0x12, %dx\n"
	"	in %dx, %ax\n"
	"	mov %ax, 0x5002\n"
	"	movabs $0x1122334455667788, %rax\n"
	"	mov %rax, 0x200010\n"           /* LM_MMIO + 0x10 */
	"	mov 0x200020, %rax\n"
	"	mov %rax, 0x5008\n"
	"	xor %eax, %eax\n"
	"	cpuid\n"
	"	mov %eax, 0x5010\n"
	"	mov %ebx, 0x5014\n"
	"	mov %ecx, 0x5018\n"
	"	mov %edx, 0x501c\n"
	"	mov $0x40000000, %eax\n"
	"	cpuid\n"
	"	mov %eax, 0x5020\n"
	"	mov %ebx, 0x5024\n"
	"	mov %ecx, 0x5028\n"
	"	mov %edx, 0x502c\n"
	"	mov $0x10000, %edi\n"          /* LM_TOUCH_FROM: each page gets its address */
	"2:	mov %rdi, (%rdi)\n"
	"	add $0x1000, %edi\n"
	"	cmp $0x200000, %edi\n"         /* LM_TOUCH_TO */
	"	jb 2b\n"
	"	mov 0x5040, %ecx\n"
	"	xor %ebx, %ebx\n"
	"	mov $0x20, %dx\n"
	"1:	in %dx, %eax\n"
	"	rol $5, %rbx\n"
	"	add %rax, %rbx\n"
	"	mov %ebx, %eax\n"
	"	inc %dx\n"
	"	out %eax, %dx\n"
	"	dec %dx\n"
	"	dec %ecx\n"
	"	jnz 1b\n"
	"	mov %rbx, 0x5030\n"
	"	hlt\n"
	"lm_code_end:\n"
	/*
	 * The L3 scenario. l2hv_code (at LM_LOAD, long mode, IF=0) is a tiny
	 * hypervisor: EFER.SVME, VM_HSAVE_PA, then VMRUNs the VMCB at L3_VMCB
	 * (built by the host, see l3_vmcb()) until L3 HLTs, checking each
	 * #VMEXIT against the script below; it stops at the first wrong exit,
	 * stores its counters at LM_RES + X_*, OUTs the rounds done to port
	 * 0x40 (an exit to kvmtest) and HLTs. r12 L2's checksum, r13 rounds
	 * done, r14 the exit expected next (0 IN, 1 OUT, 2 VMMCALL), r15 the
	 * rounds to run. VMRUN keeps only RAX and RSP in the VMCB: around it
	 * L2 keeps its registers at 0x5300 and L3's at X_L3GPRS, as a real
	 * hypervisor does (L3 uses rbx, rdx, r13, r15).
	 */
	"l2hv_code:\n"
	"	mov $0xc0000080, %ecx\n"      /* EFER.SVME */
	"	rdmsr\n"
	"	or $0x1000, %eax\n"
	"	wrmsr\n"
	"	rdmsr\n"
	"	mov %eax, 0x5100\n"             /* X_EFER */
	"	mov $0xc0010117, %ecx\n"      /* VM_HSAVE_PA */
	"	mov $0x9000, %eax\n"           /* L3_HSAVE */
	"	xor %edx, %edx\n"
	"	wrmsr\n"
	"	xor %r12d, %r12d\n"
	"	xor %r13d, %r13d\n"
	"	xor %r14d, %r14d\n"
	"	mov 0x5040, %r15d\n"          /* R_LOOPS */
	"1:	mov %r12, 0x5300\n"            /* L2's registers aside, L3's in (X_L3GPRS) */
	"	mov %r13, 0x5308\n"
	"	mov %r14, 0x5310\n"
	"	mov %r15, 0x5318\n"
	"	mov 0x5200, %rbx\n"
	"	mov 0x5208, %rcx\n"
	"	mov 0x5210, %rdx\n"
	"	mov 0x5218, %rsi\n"
	"	mov 0x5220, %rdi\n"
	"	mov 0x5228, %rbp\n"
	"	mov 0x5230, %r8\n"
	"	mov 0x5238, %r9\n"
	"	mov 0x5240, %r10\n"
	"	mov 0x5248, %r11\n"
	"	mov 0x5250, %r12\n"
	"	mov 0x5258, %r13\n"
	"	mov 0x5260, %r14\n"
	"	mov 0x5268, %r15\n"
	"	mov $0xa000, %eax\n"           /* L3_VMCB */
	"	clgi\n"
	"	vmload %rax\n"
	"	vmrun %rax\n"
	"	vmsave %rax\n"
	"	stgi\n"
	"	mov %rbx, 0x5200\n"
	"	mov %rcx, 0x5208\n"
	"	mov %rdx, 0x5210\n"
	"	mov %rsi, 0x5218\n"
	"	mov %rdi, 0x5220\n"
	"	mov %rbp, 0x5228\n"
	"	mov %r8, 0x5230\n"
	"	mov %r9, 0x5238\n"
	"	mov %r10, 0x5240\n"
	"	mov %r11, 0x5248\n"
	"	mov %r12, 0x5250\n"
	"	mov %r13, 0x5258\n"
	"	mov %r14, 0x5260\n"
	"	mov %r15, 0x5268\n"
	"	mov 0x5300, %r12\n"
	"	mov 0x5308, %r13\n"
	"	mov 0x5310, %r14\n"
	"	mov 0x5318, %r15\n"
	"	incq 0x5158\n"                 /* X_VMRUNS */
	"	mov 0xa070, %rdx\n"            /* EXITCODE */
	"	mov 0xa078, %rsi\n"            /* EXITINFO1 */
	"	mov 0xa080, %rdi\n"            /* EXITINFO2 */
	"	cmp $0x7b, %rdx\n"             /* IOIO */
	"	jne 3f\n"
	"	mov %esi, %ecx\n"
	"	and $0xffff007d, %ecx\n"      /* port, size, REP, STR, IN */
	"	test %r14, %r14\n"
	"	jnz 2f\n"
	"	cmp $0x310041, %ecx\n"        /* IN from 0x31, 32 bits */
	"	jne 9f\n"
	"	lea 1(%r13), %eax\n"           /* x = (round + 1) * 0x9e3779b9 */
	"	mov $0x9e3779b9, %ecx\n"
	"	imul %ecx, %eax\n"
	"	mov %eax, %r8d\n"
	"	mov %r8, 0xa5f8\n"             /* L3's RAX */
	"	rol $5, %r12d\n"
	"	add %r8d, %r12d\n"
	"	incq 0x5110\n"                 /* X_IN */
	"	mov %rsi, 0x5170\n"            /* X_INFO1_IN */
	"	mov $1, %r14d\n"
	"	mov %rdi, 0xa578\n"            /* RIP = EXITINFO2 (next RIP) */
	"	jmp 1b\n"
	"2:	cmp $1, %r14\n"
	"	jne 9f\n"
	"	cmp $0x300040, %ecx\n"        /* OUT to 0x30, 32 bits */
	"	jne 9f\n"
	"	mov 0xa5f8, %eax\n"
	"	cmp %eax, %r12d\n"             /* L3's checksum so far */
	"	jne 9f\n"
	"	incq 0x5108\n"                 /* X_OUT */
	"	mov %rsi, 0x5168\n"            /* X_INFO1_OUT */
	"	mov $2, %r14d\n"
	"	mov %rdi, 0xa578\n"
	"	jmp 1b\n"
	"3:	cmp $0x81, %rdx\n"             /* VMMCALL */
	"	jne 4f\n"
	"	cmp $2, %r14\n"
	"	jne 9f\n"
	"	inc %r13\n"
	"	cmp 0xa5f8, %r13\n"            /* L3's RAX is the round */
	"	jne 9f\n"
	"	incq 0x5118\n"                 /* X_VMMCALL */
	"	addq $3, 0xa578\n"
	"	xor %r14d, %r14d\n"
	"	jmp 1b\n"
	"4:	cmp $0x78, %rdx\n"             /* HLT */
	"	jne 9f\n"
	"	test %r14, %r14\n"
	"	jnz 9f\n"
	"	cmp %r15, %r13\n"
	"	jne 9f\n"
	"	incq 0x5120\n"                 /* X_HLT */
	"	mov 0xa578, %rax\n"
	"	mov %rax, 0x5160\n"            /* X_L3RIP */
	"	jmp 8f\n"
	"9:	incq 0x5128\n"                 /* X_BAD: the first wrong exit */
	"	mov %rdx, 0x5130\n"
	"	mov %rsi, 0x5138\n"
	"	mov %rdi, 0x5140\n"
	"	mov 0xa5f8, %rax\n"
	"	mov %rax, 0x5178\n"
	"	mov %r14, 0x5180\n"
	"8:	mov %r12, 0x5148\n"            /* X_L2SUM */
	"	mov %r13, %rax\n"
	"	mov $0x40, %dx\n"
	"	out %eax, %dx\n"
	"	hlt\n"
	"l2hv_code_end:\n"
	/* L3 (at L3_LOAD, long mode on L2's page tables and GDT). */
	"l3_code:\n"
	"	mov $0x3333, %eax\n"          /* port 0x50 is not in L2's IOPM: to user space */
	"	mov $0x50, %dx\n"
	"	out %eax, %dx\n"
	"	mov 0x5040, %r15d\n"
	"	xor %ebx, %ebx\n"
	"	xor %r13d, %r13d\n"
	"1:	mov $0x31, %dx\n"
	"	in %dx, %eax\n"
	"	rol $5, %ebx\n"
	"	add %eax, %ebx\n"
	"	mov $0x30, %dx\n"
	"	mov %ebx, %eax\n"
	"	out %eax, %dx\n"
	"	inc %r13\n"
	"	mov %r13, %rax\n"
	"	vmmcall\n"
	"	cmp %r15, %r13\n"
	"	jb 1b\n"
	"	mov %rbx, 0x5150\n"            /* X_L3SUM */
	"	movabs $0x334c334c334c334c, %rax\n"
	"	mov %rax, 0x1f0000\n"          /* L3_MARK: remapped by L2's nested paging */
	"	hlt\n"
	"l3_code_end:\n"
	".popsection\n");

extern const uint8_t rm_code[], rm_code_end[], lm_code[], lm_code_end[];
extern const uint8_t l2hv_code[], l2hv_code_end[], l3_code[], l3_code_end[];

/* ---- reporting ---- */

static int n_pass, n_fail;

static void check(bool ok, const char *name, const char *fmt, ...)
{
	if (ok) {
		printf("KVMTEST: ok - %s\n", name);
		n_pass++;
		return;
	}
	printf("KVMTEST: not ok - %s", name);
	if (fmt) {
		va_list ap;

		va_start(ap, fmt);
		fputs(": ", stdout);
		vprintf(fmt, ap);
		va_end(ap);
	}
	putchar('\n');
	n_fail++;
}

static void diag(const char *fmt, ...)
{
	va_list ap;

	fputs("KVMTEST: # ", stdout);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	putchar('\n');
}

static const char *exit_name(uint32_t r)
{
	static char buf[24];

	switch (r) {
	case KVM_EXIT_UNKNOWN: return "UNKNOWN";
	case KVM_EXIT_EXCEPTION: return "EXCEPTION";
	case KVM_EXIT_IO: return "IO";
	case KVM_EXIT_HYPERCALL: return "HYPERCALL";
	case KVM_EXIT_DEBUG: return "DEBUG";
	case KVM_EXIT_HLT: return "HLT";
	case KVM_EXIT_MMIO: return "MMIO";
	case KVM_EXIT_IRQ_WINDOW_OPEN: return "IRQ_WINDOW_OPEN";
	case KVM_EXIT_SHUTDOWN: return "SHUTDOWN";
	case KVM_EXIT_FAIL_ENTRY: return "FAIL_ENTRY";
	case KVM_EXIT_INTR: return "INTR";
	case KVM_EXIT_INTERNAL_ERROR: return "INTERNAL_ERROR";
	default:
		snprintf(buf, sizeof(buf), "exit_reason %u", r);
		return buf;
	}
}

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* ---- svmhv's exit counters (only when svmhv's CPUID signature is there) ---- */

#define SNAP_CODES      0xa0u   /* exit codes 0..0x9f, then NPF (0x400) */
#define EXIT_NPF        0x400u
#define SNAP_SHADOW     5u      /* SVMHV_SHADOW_FILLS .. SVMHV_SHADOW_EVICTIONS */
/* VMMCALLs one snapshot makes per vCPU (subtracted from the counts). */
#define SNAP_HCS        (1 + SNAP_CODES + 1 + 2 + SNAP_SHADOW)

struct snap {
	uint64_t total;
	uint64_t code[SNAP_CODES + 1];
	uint64_t flushes[2];    /* TLB flushes svmhv applied: L1 context, L2 context */
	uint64_t shadow[SNAP_SHADOW];   /* enum svmhv_shadow_counter, all vCPUs */
};

static bool under_svmhv;
static unsigned svmhv_vcpus;

static uint64_t hypercall(uint64_t fn, uint64_t a1, uint64_t a2, uint64_t a3, uint64_t *rdx_out)
{
	uint64_t a = fn, b = a1, c = a2, d = a3;

	__asm__ volatile("vmmcall" : "+a"(a), "+b"(b), "+c"(c), "+d"(d) : : "memory");
	if (rdx_out)
		*rdx_out = d;
	if (fn == SVMHV_HC_VCPU_INFO && (int64_t)a == SVMHV_OK)
		return c;
	return a;
}

static void svmhv_detect(void)
{
	unsigned a, b, c, d;

	__cpuid(SVMHV_CPUID_BASE, a, b, c, d);
	under_svmhv = b == SVMHV_SIG_EBX && c == SVMHV_SIG_ECX && d == SVMHV_SIG_EDX;
	if (under_svmhv)
		svmhv_vcpus = (unsigned)hypercall(SVMHV_HC_VCPU_INFO, 0, 0, 0, NULL);
	(void)a;
}

static void snap_take(struct snap *s)
{
	uint64_t v;

	memset(s, 0, sizeof(*s));
	for (unsigned cpu = 0; under_svmhv && cpu < svmhv_vcpus; cpu++) {
		if (hypercall(SVMHV_HC_EXIT_TOTAL, cpu, 0, 0, &v) == SVMHV_OK)
			s->total += v;
		for (unsigned code = 0; code <= SNAP_CODES; code++)
			if (hypercall(SVMHV_HC_EXIT_COUNT, cpu, code < SNAP_CODES ? code : EXIT_NPF,
				      0, &v) == SVMHV_OK)
				s->code[code] += v;
		for (unsigned ctx = 0; ctx < 2; ctx++)
			if (hypercall(SVMHV_HC_TLB_FLUSHES, cpu, ctx, 0xffffffffu, &v) == SVMHV_OK)
				s->flushes[ctx] += v;
		for (unsigned k = 0; k < SNAP_SHADOW; k++)
			if (hypercall(SVMHV_HC_SHADOW_STATS, cpu, k, 0, &v) == SVMHV_OK)
				s->shadow[k] += v;
	}
}

static const char *svm_exit_name(unsigned code)
{
	static char buf[16];

	switch (code) {
	case 0x60: return "INTR";
	case 0x61: return "NMI";
	case 0x72: return "CPUID";
	case 0x78: return "HLT";
	case 0x7a: return "INVLPGA";
	case 0x7b: return "IOIO";
	case 0x7c: return "MSR";
	case 0x7f: return "SHUTDOWN";
	case 0x80: return "VMRUN";
	case 0x81: return "VMMCALL";
	case 0x82: return "VMLOAD";
	case 0x83: return "VMSAVE";
	case 0x84: return "STGI";
	case 0x85: return "CLGI";
	case SNAP_CODES: return "NPF";
	default:
		if (code >= 0x40 && code < 0x60)
			snprintf(buf, sizeof(buf), "EXC%u", code - 0x40);
		else
			snprintf(buf, sizeof(buf), "0x%x", code);
		return buf;
	}
}

/* svmhv's shadow of L1's nested page tables between two snapshots (all 0 without npt=1). */
static void shadow_diag(const char *mode, const char *when, const struct snap *a,
			const struct snap *b, uint64_t user_exits, const char *per)
{
	uint64_t d[SNAP_SHADOW];

	for (unsigned k = 0; k < SNAP_SHADOW; k++)
		d[k] = b->shadow[k] - a->shadow[k];
	diag("%s: svmhv shadow NPT %s: fills %" PRIu64 " (%.2f per %s), "
	     "roots made %" PRIu64 ", found %" PRIu64 ", dropped %" PRIu64 ", evicted %" PRIu64
	     ", NPF exits %" PRIu64, mode, when, d[0],
	     user_exits ? (double)d[0] / (double)user_exits : 0.0, per, d[1], d[2], d[3], d[4],
	     b->code[SNAP_CODES] - a->code[SNAP_CODES]);
}

/*
 * "svmhv: N exits (X per user-space exit): VMRUN a, ..." for the exits between
 * two snapshots; `per` names what user_exits counts.
 */
static void snap_diag(const char *mode, const struct snap *a, const struct snap *b,
		      uint64_t user_exits, uint64_t hc_per_snap, const char *per)
{
	char line[512];
	size_t off = 0;
	bool used[SNAP_CODES + 1] = { false };
	uint64_t total = b->total - a->total - hc_per_snap;

	for (int k = 0; k < 10; k++) {      /* the ten most frequent codes */
		unsigned best = 0;
		uint64_t bestn = 0;

		for (unsigned code = 0; code <= SNAP_CODES; code++) {
			uint64_t n = b->code[code] - a->code[code];

			if (code == 0x81)
				n = n > hc_per_snap ? n - hc_per_snap : 0;
			if (!used[code] && n > bestn) {
				best = code;
				bestn = n;
			}
		}
		if (!bestn)
			break;
		used[best] = true;
		off += (size_t)snprintf(line + off, sizeof(line) - off, "%s%s %" PRIu64,
					k ? ", " : "", svm_exit_name(best), bestn);
		if (off >= sizeof(line))
			break;
	}
	line[sizeof(line) - 1] = 0;
	diag("%s: svmhv handled %" PRIu64 " #VMEXITs in the loop (%.1f per %s): %s",
	     mode, total, user_exits ? (double)total / (double)user_exits : 0.0, per, off ? line : "-");
	diag("%s: svmhv TLB flushes in the loop: L1 context %" PRIu64 ", L2 context %" PRIu64
	     " (%.2f per %s)", mode, b->flushes[0] - a->flushes[0],
	     b->flushes[1] - a->flushes[1],
	     user_exits ? (double)(b->flushes[0] - a->flushes[0] + b->flushes[1] - a->flushes[1]) /
			  (double)user_exits : 0.0, per);
	shadow_diag(mode, "in the loop", a, b, user_exits, per);
}

/* ---- one VM ---- */

struct vm {
	int kvm, fd, vcpu;
	struct kvm_run *run;
	size_t run_size;
	uint8_t *mem;
	size_t mem_size;
	struct kvm_cpuid2 *cpuid;       /* KVM_GET_SUPPORTED_CPUID, given to the vCPU */
};

static const struct kvm_cpuid_entry2 *cpuid_entry(const struct vm *vm, uint32_t fn)
{
	for (uint32_t i = 0; i < vm->cpuid->nent; i++)
		if (vm->cpuid->entries[i].function == fn && vm->cpuid->entries[i].index == 0)
			return &vm->cpuid->entries[i];
	return NULL;
}

static void vm_destroy(struct vm *vm)
{
	if (vm->run && vm->run != MAP_FAILED)
		munmap(vm->run, vm->run_size);
	if (vm->mem && vm->mem != MAP_FAILED)
		munmap(vm->mem, vm->mem_size);
	if (vm->vcpu >= 0)
		close(vm->vcpu);
	if (vm->fd >= 0)
		close(vm->fd);
	free(vm->cpuid);
	memset(vm, 0, sizeof(*vm));
	vm->fd = vm->vcpu = -1;
}

/* A VM with mem_size bytes at guest-physical 0 and one vCPU. NULL detail = ok. */
static const char *vm_create(struct vm *vm, int kvm, size_t mem_size, char *why, size_t whylen)
{
	struct kvm_userspace_memory_region region;
	int nent = 64, r;

	memset(vm, 0, sizeof(*vm));
	vm->kvm = kvm;
	vm->fd = vm->vcpu = -1;
	/*
	 * EINTR: the first VM of a process registers KVM's MMU notifier, which
	 * gives up when a signal is pending, and our SIGALRM ticks every
	 * second; seen under svmhv on a busy host (60-kvm, make soak). Retry.
	 */
	for (int tries = 0; tries < 20; tries++) {
		vm->fd = ioctl(kvm, KVM_CREATE_VM, 0UL);
		if (vm->fd >= 0 || errno != EINTR)
			break;
	}
	if (vm->fd < 0)
		return snprintf(why, whylen, "KVM_CREATE_VM: %s", strerror(errno)), why;
	vm->mem_size = mem_size;
	vm->mem = mmap(NULL, mem_size, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	if (vm->mem == MAP_FAILED)
		return snprintf(why, whylen, "mmap guest memory: %s", strerror(errno)), why;
	region = (struct kvm_userspace_memory_region){
		.slot = 0, .guest_phys_addr = 0, .memory_size = mem_size,
		.userspace_addr = (uint64_t)(uintptr_t)vm->mem,
	};
	if (ioctl(vm->fd, KVM_SET_USER_MEMORY_REGION, &region) < 0)
		return snprintf(why, whylen, "KVM_SET_USER_MEMORY_REGION: %s", strerror(errno)), why;
	vm->vcpu = ioctl(vm->fd, KVM_CREATE_VCPU, 0UL);
	if (vm->vcpu < 0)
		return snprintf(why, whylen, "KVM_CREATE_VCPU: %s", strerror(errno)), why;
	r = ioctl(kvm, KVM_GET_VCPU_MMAP_SIZE, 0UL);
	if (r < (int)sizeof(struct kvm_run))
		return snprintf(why, whylen, "KVM_GET_VCPU_MMAP_SIZE: %d", r), why;
	vm->run_size = (size_t)r;
	vm->run = mmap(NULL, vm->run_size, PROT_READ | PROT_WRITE, MAP_SHARED, vm->vcpu, 0);
	if (vm->run == MAP_FAILED)
		return snprintf(why, whylen, "mmap kvm_run: %s", strerror(errno)), why;
	for (;;) {
		vm->cpuid = calloc(1, sizeof(*vm->cpuid) + (size_t)nent * sizeof(vm->cpuid->entries[0]));
		if (!vm->cpuid)
			return "out of memory";
		vm->cpuid->nent = (uint32_t)nent;
		if (ioctl(kvm, KVM_GET_SUPPORTED_CPUID, vm->cpuid) == 0)
			break;
		free(vm->cpuid);
		vm->cpuid = NULL;
		if (errno != E2BIG || nent >= 4096)
			return snprintf(why, whylen, "KVM_GET_SUPPORTED_CPUID: %s", strerror(errno)), why;
		nent *= 2;
	}
	if (ioctl(vm->vcpu, KVM_SET_CPUID2, vm->cpuid) < 0)
		return snprintf(why, whylen, "KVM_SET_CPUID2: %s", strerror(errno)), why;
	return NULL;
}

/* ---- the scripted exits ---- */

enum kind { E_OUT, E_IN, E_MMIO_W, E_MMIO_R };

struct step {
	enum kind kind;
	uint64_t addr;          /* port or guest-physical address */
	uint32_t size;
	uint64_t data;          /* expected (OUT, MMIO write) or fed (IN, MMIO read) */
	const char *name;
};

struct guest {
	const char *mode;       /* "real mode", "long mode" */
	const uint8_t *code, *code_end;
	uint64_t load, res, mmio;
	uint32_t mmio_size;
	size_t mem_size;
	int csum64;
	int migrate;            /* move the vCPU thread to the next CPU every MIGRATE_EVERY rounds */
};

#define MIGRATE_EVERY   50

struct result {
	char detail[8][160];    /* per step: empty = ok */
	bool step_seen[8];
	uint32_t loops_done, loop_bad;
	char loop_detail[160];
	uint64_t csum;          /* host's checksum after the loop */
	bool hlt;
	char stop[200];         /* why the run stopped early (empty: HLT as planned) */
	uint64_t exits, io_exits, mmio_exits, other_exits;
	double loop_secs;
	uint64_t loop_exits;
	struct snap before, after;      /* svmhv's counters around the loop */
	struct snap start, end;         /* and around the whole run */
	unsigned moves, cpus_seen;      /* migrate: affinity changes, distinct CPUs run on */
};

static int n_cpus = 1;           /* CPUs this program may run on, from main() */

static int ncpus(void)
{
	return n_cpus;
}

/* Pin the calling thread to CPU `cpu` (-1: every CPU). */
static void pin(int cpu)
{
	cpu_set_t set;

	CPU_ZERO(&set);
	if (cpu < 0)
		for (int i = 0; i < CPU_SETSIZE; i++)
			CPU_SET(i, &set);
	else
		CPU_SET(cpu, &set);
	sched_setaffinity(0, sizeof(set), &set);
}

/* SIGALRM only makes a KVM_RUN that never exits return EINTR, so the time limit is checked. */
static void on_alarm(int sig)
{
	(void)sig;
}

static uint64_t io_value(const struct kvm_run *run)
{
	uint64_t v = 0;

	memcpy(&v, (const uint8_t *)run + run->io.data_offset, run->io.size);
	return v;
}

static void io_feed(struct kvm_run *run, uint64_t v)
{
	memcpy((uint8_t *)run + run->io.data_offset, &v, run->io.size);
}

static uint64_t next_x(uint64_t *seed)
{
	*seed = *seed * 6364136223846793005ull + 1442695040888963407ull;
	return *seed >> 32;
}

static uint64_t csum_step(const struct guest *g, uint64_t c, uint64_t x)
{
	if (g->csum64)
		return ((c << 5) | (c >> 59)) + x;
	c = (uint32_t)c;
	return (uint32_t)(((c << 5) | (c >> 27)) + x);
}

static const char *exit_desc(const struct kvm_run *run, char *buf, size_t len)
{
	switch (run->exit_reason) {
	case KVM_EXIT_IO:
		snprintf(buf, len, "IO %s port 0x%x size %u count %u value 0x%" PRIx64,
			 run->io.direction == KVM_EXIT_IO_OUT ? "out" : "in", run->io.port,
			 run->io.size, run->io.count,
			 run->io.direction == KVM_EXIT_IO_OUT ? io_value(run) : 0);
		break;
	case KVM_EXIT_MMIO: {
		uint64_t v = 0;

		memcpy(&v, run->mmio.data, run->mmio.len <= 8 ? run->mmio.len : 8);
		snprintf(buf, len, "MMIO %s 0x%llx len %u data 0x%" PRIx64,
			 run->mmio.is_write ? "write" : "read",
			 (unsigned long long)run->mmio.phys_addr, run->mmio.len, v);
		break;
	}
	case KVM_EXIT_FAIL_ENTRY:
		snprintf(buf, len, "FAIL_ENTRY hardware_entry_failure_reason 0x%llx",
			 (unsigned long long)run->fail_entry.hardware_entry_failure_reason);
		break;
	case KVM_EXIT_INTERNAL_ERROR:
		snprintf(buf, len, "INTERNAL_ERROR suberror %u ndata %u data0 0x%llx data1 0x%llx",
			 run->internal.suberror, run->internal.ndata,
			 (unsigned long long)(run->internal.ndata > 0 ? run->internal.data[0] : 0),
			 (unsigned long long)(run->internal.ndata > 1 ? run->internal.data[1] : 0));
		break;
	default:
		snprintf(buf, len, "%s", exit_name(run->exit_reason));
	}
	return buf;
}

static void dump_vcpu(const struct vm *vm, const char *mode)
{
	struct kvm_regs regs;
	struct kvm_sregs sregs;

	if (ioctl(vm->vcpu, KVM_GET_REGS, &regs) == 0)
		diag("%s: rip 0x%llx rsp 0x%llx rflags 0x%llx rax 0x%llx rbx 0x%llx rcx 0x%llx rdx 0x%llx",
		     mode, regs.rip, regs.rsp, regs.rflags, regs.rax, regs.rbx, regs.rcx, regs.rdx);
	if (ioctl(vm->vcpu, KVM_GET_SREGS, &sregs) == 0)
		diag("%s: cs 0x%x base 0x%llx l %u db %u cr0 0x%llx cr3 0x%llx cr4 0x%llx efer 0x%llx",
		     mode, sregs.cs.selector, sregs.cs.base, sregs.cs.l, sregs.cs.db, sregs.cr0,
		     sregs.cr3, sregs.cr4, sregs.efer);
}

/*
 * Run the vCPU through the script: steps[] in order, then `loops` rounds of
 * IN32 0x20 / OUT32 0x21, then HLT. Any other exit stops the run.
 */
static void run_guest(struct vm *vm, const struct guest *g, const struct step *steps,
		      unsigned nsteps, uint32_t loops, struct result *res)
{
	struct kvm_run *run = vm->run;
	unsigned step = 0;
	uint32_t phase_in = 1;  /* loop: expecting the IN (1) or the OUT (0) */
	uint64_t seed = 0x5eed, c = 0, x, cpus_mask = 0;
	double t0 = now_s(), loop_t0 = 0;
	char buf[160];

	memset(res, 0, sizeof(*res));
	snap_take(&res->start);
	for (;;) {
		if (ioctl(vm->vcpu, KVM_RUN, 0UL) < 0) {
			if (errno == EINTR || errno == EAGAIN) {
				if (now_s() - t0 > RUN_SECONDS) {   /* SIGALRM ticks every second */
					snprintf(res->stop, sizeof(res->stop),
						 "no progress: still running after %d s (%" PRIu64 " exits)",
						 RUN_SECONDS, res->exits);
					return;
				}
				continue;
			}
			snprintf(res->stop, sizeof(res->stop), "KVM_RUN: %s", strerror(errno));
			return;
		}
		res->exits++;
		if (now_s() - t0 > RUN_SECONDS) {
			snprintf(res->stop, sizeof(res->stop), "still exiting after %d s (%" PRIu64 " exits)",
				 RUN_SECONDS, res->exits);
			return;
		}
		switch (run->exit_reason) {
		case KVM_EXIT_IO:
			res->io_exits++;
			break;
		case KVM_EXIT_MMIO:
			res->mmio_exits++;
			break;
		case KVM_EXIT_HLT:
			break;
		default:
			res->other_exits++;
			break;
		}

		if (step < nsteps) {            /* the scripted exits */
			const struct step *s = &steps[step];
			char *d = res->detail[step];
			bool io = run->exit_reason == KVM_EXIT_IO;
			bool mmio = run->exit_reason == KVM_EXIT_MMIO;

			res->step_seen[step] = true;
			if ((s->kind == E_OUT || s->kind == E_IN) && io &&
			    (run->io.direction == KVM_EXIT_IO_OUT) == (s->kind == E_OUT)) {
				uint64_t v = s->kind == E_OUT ? io_value(run) : s->data;

				if (run->io.port != s->addr || run->io.size != s->size ||
				    run->io.count != 1 || (s->kind == E_OUT && v != s->data))
					snprintf(d, sizeof(res->detail[0]),
						 "got %s; want port 0x%" PRIx64 " size %u count 1%s",
						 exit_desc(run, buf, sizeof(buf)), s->addr, s->size,
						 s->kind == E_OUT ? " and the value above" : "");
				if (s->kind == E_IN)
					io_feed(run, s->data);
			} else if ((s->kind == E_MMIO_W || s->kind == E_MMIO_R) && mmio &&
				   !!run->mmio.is_write == (s->kind == E_MMIO_W)) {
				uint64_t v = 0;

				memcpy(&v, run->mmio.data, run->mmio.len <= 8 ? run->mmio.len : 8);
				if (run->mmio.phys_addr != s->addr || run->mmio.len != s->size ||
				    (s->kind == E_MMIO_W && v != s->data))
					snprintf(d, sizeof(res->detail[0]),
						 "got %s; want address 0x%" PRIx64 " len %u",
						 exit_desc(run, buf, sizeof(buf)), s->addr, s->size);
				if (s->kind == E_MMIO_R)
					memcpy(run->mmio.data, &s->data, sizeof(run->mmio.data));
			} else {
				snprintf(d, sizeof(res->detail[0]), "got %s",
					 exit_desc(run, buf, sizeof(buf)));
				snprintf(res->stop, sizeof(res->stop), "unexpected exit at step '%s': %s",
					 s->name, buf);
				return;
			}
			step++;
			continue;
		}

		if (res->loops_done < loops && run->exit_reason == KVM_EXIT_IO) {
			if (!loop_t0) {
				snap_take(&res->before);
				loop_t0 = now_s();
			}
			res->loop_exits++;
			if (phase_in) {
				if (run->io.direction != KVM_EXIT_IO_IN || run->io.port != 0x20 ||
				    run->io.size != 4 || run->io.count != 1) {
					snprintf(res->stop, sizeof(res->stop), "loop %u: got %s; want IN 0x20 size 4",
						 res->loops_done, exit_desc(run, buf, sizeof(buf)));
					return;
				}
				x = next_x(&seed);
				io_feed(run, x);
				c = csum_step(g, c, x);
				phase_in = 0;
			} else {
				if (run->io.direction != KVM_EXIT_IO_OUT || run->io.port != 0x21 ||
				    run->io.size != 4 || run->io.count != 1) {
					snprintf(res->stop, sizeof(res->stop), "loop %u: got %s; want OUT 0x21 size 4",
						 res->loops_done, exit_desc(run, buf, sizeof(buf)));
					return;
				}
				if (io_value(run) != (uint32_t)c) {
					if (!res->loop_bad)
						snprintf(res->loop_detail, sizeof(res->loop_detail),
							 "round %u: guest's checksum 0x%" PRIx64 ", host's 0x%" PRIx64,
							 res->loops_done, io_value(run), (uint64_t)(uint32_t)c);
					res->loop_bad++;
				}
				res->loops_done++;
				phase_in = 1;
				if (g->migrate && res->loops_done % MIGRATE_EVERY == 0) {
					int cpu = (int)(res->loops_done / MIGRATE_EVERY) % ncpus();
					int at;

					pin(cpu);
					at = sched_getcpu();
					res->moves++;
					if (at >= 0 && at < 64)
						cpus_mask |= 1ull << at;
				}
			}
			if (res->loops_done == loops) {
				res->loop_secs = now_s() - loop_t0;
				snap_take(&res->after);
			}
			continue;
		}

		if (run->exit_reason == KVM_EXIT_HLT) {
			snap_take(&res->end);
			res->hlt = true;
			res->csum = c;
			res->cpus_seen = (unsigned)__builtin_popcountll(cpus_mask);
			return;
		}
		snprintf(res->stop, sizeof(res->stop), "unexpected exit after %u of %u loop rounds: %s",
			 res->loops_done, loops, exit_desc(run, buf, sizeof(buf)));
		return;
	}
}

static void le32s(const uint8_t *p, uint32_t out[4])
{
	memcpy(out, p, 16);
}

/* Run one guest (already set up in vm) and report its checks. */
static void test_guest(struct vm *vm, const struct guest *g, uint32_t loops)
{
	const uint64_t mmio_w = g->mmio_size == 2 ? 0x1234 : 0x1122334455667788ull;
	const uint64_t mmio_r = g->mmio_size == 2 ? 0xcafe : 0x0123456789abcdefull;
	const struct step steps[] = {
		{ E_OUT, 0x10, 1, 0x42, "OUT imm8 port, 8 bits" },
		{ E_OUT, 0x1234, 2, 0xbeef, "OUT DX port, 16 bits" },
		{ E_OUT, 0x1235, 4, 0xdeadbeef, "OUT DX port, 32 bits" },
		{ E_IN, 0x11, 1, 0x5a, "IN imm8 port, 8 bits" },
		{ E_IN, 0x12, 2, 0x1357, "IN DX port, 16 bits" },
		{ E_MMIO_W, g->mmio + 0x10, g->mmio_size, mmio_w, "MMIO store to unbacked memory" },
		{ E_MMIO_R, g->mmio + 0x20, g->mmio_size, mmio_r, "MMIO load from unbacked memory" },
	};
	const unsigned nsteps = sizeof(steps) / sizeof(steps[0]);
	struct result *res = calloc(1, sizeof(*res));
	const uint8_t *r = vm->mem + g->res;
	char name[160];
	struct kvm_regs regs;
	uint64_t v = 0, want_rip = g->load + (uint64_t)(g->code_end - g->code);
	uint32_t c0[4], chv[4];
	const struct kvm_cpuid_entry2 *e0 = cpuid_entry(vm, 0);

	if (!res) {
		check(false, g->mode, "out of memory");
		return;
	}
	memcpy(vm->mem + g->res + R_LOOPS, &loops, 4);
	run_guest(vm, g, steps, nsteps, loops, res);

#define NAME(...) (snprintf(name, sizeof(name), __VA_ARGS__), name)
	for (unsigned i = 0; i < nsteps; i++) {
		if (!res->step_seen[i])
			check(false, NAME("%s: %s", g->mode, steps[i].name), "not reached");
		else
			check(!res->detail[i][0], NAME("%s: %s", g->mode, steps[i].name),
			      "%s", res->detail[i]);
	}
	if (res->step_seen[3])
		check(r[R_IN8] == 0x5a, NAME("%s: IN 8-bit value reaches the guest", g->mode),
		      "guest stored 0x%x, want 0x5a", r[R_IN8]);
	if (res->step_seen[4]) {
		memcpy(&v, r + R_IN16, 2);
		check(v == 0x1357, NAME("%s: IN 16-bit value reaches the guest", g->mode),
		      "guest stored 0x%" PRIx64 ", want 0x1357", v);
	}
	if (res->step_seen[6]) {
		v = 0;
		memcpy(&v, r + R_MMIO, g->mmio_size);
		check(v == mmio_r, NAME("%s: MMIO load value reaches the guest", g->mode),
		      "guest stored 0x%" PRIx64 ", want 0x%" PRIx64, v, mmio_r);
	}
	if (res->stop[0]) {
		check(false, NAME("%s: runs to HLT", g->mode), "%s", res->stop);
		dump_vcpu(vm, g->mode);
		free(res);
		return;
	}

	le32s(r + R_CPUID0, c0);
	le32s(r + R_CPUID_HV, chv);
	{
		char vendor[13] = { 0 }, hv[13] = { 0 };

		memcpy(vendor, &c0[1], 4);
		memcpy(vendor + 4, &c0[3], 4);
		memcpy(vendor + 8, &c0[2], 4);
		memcpy(hv, &chv[1], 12);
		for (int i = 0; i < 12; i++) {
			if (vendor[i] && (vendor[i] < 0x20 || vendor[i] > 0x7e))
				vendor[i] = '.';
			if (hv[i] && (hv[i] < 0x20 || hv[i] > 0x7e))
				hv[i] = '.';
		}
		diag("%s: guest CPUID 0: max leaf 0x%x vendor \"%s\"; 0x40000000: eax 0x%x \"%s\"",
		     g->mode, c0[0], vendor, chv[0], hv);
		check(e0 && c0[1] && c0[0] == e0->eax && c0[1] == e0->ebx && c0[2] == e0->ecx &&
		      c0[3] == e0->edx,
		      NAME("%s: CPUID leaf 0 in the guest is KVM's (vendor, max leaf)", g->mode),
		      "guest saw eax 0x%x \"%s\"; KVM_GET_SUPPORTED_CPUID says eax 0x%x ebx 0x%x",
		      c0[0], vendor, e0 ? e0->eax : 0, e0 ? e0->ebx : 0);
		/* KVM's own signature: the L2's CPUID went to KVM, not to svmhv ("svmhv"). */
		check(!memcmp(hv, "KVMKVMKVM\0\0\0", 12),
		      NAME("%s: CPUID 0x40000000 in the guest is KVM's signature", g->mode),
		      "guest saw \"%s\" (eax 0x%x), want \"KVMKVMKVM\"", hv, chv[0]);
	}
	check(res->other_exits == 0,
	      NAME("%s: CPUID and everything else stay in the kernel (only IO/MMIO/HLT exits)", g->mode),
	      "%" PRIu64 " other exits", res->other_exits);

	check(res->loops_done == loops && !res->loop_bad,
	      NAME("%s: %u IN/OUT rounds with a running checksum", g->mode, loops),
	      "%u rounds, %u bad: %s", res->loops_done, res->loop_bad, res->loop_detail);
	v = 0;
	memcpy(&v, r + R_CSUM, g->csum64 ? 8 : 4);
	check(v == res->csum, NAME("%s: guest's final checksum matches", g->mode),
	      "guest stored 0x%" PRIx64 ", host computed 0x%" PRIx64, v, res->csum);
	check(res->hlt, NAME("%s: HLT ends the run (KVM_EXIT_HLT)", g->mode), NULL);
	if (ioctl(vm->vcpu, KVM_GET_REGS, &regs) == 0)
		check(regs.rip == want_rip, NAME("%s: RIP after HLT is past the HLT", g->mode),
		      "rip 0x%llx, want 0x%" PRIx64, regs.rip, want_rip);
	else
		check(false, NAME("%s: RIP after HLT is past the HLT", g->mode),
		      "KVM_GET_REGS: %s", strerror(errno));
	diag("%s: %" PRIu64 " exits to user space (%" PRIu64 " IO, %" PRIu64 " MMIO); "
	     "loop: %" PRIu64 " IO exits in %.3f s = %.0f exits/s (%.1f us each)",
	     g->mode, res->exits, res->io_exits, res->mmio_exits, res->loop_exits, res->loop_secs,
	     res->loop_secs > 0 ? (double)res->loop_exits / res->loop_secs : 0.0,
	     res->loop_exits ? res->loop_secs * 1e6 / (double)res->loop_exits : 0.0);
	if (g->migrate)
		check(res->cpus_seen >= 2, NAME("%s: the vCPU thread ran on %d CPUs in turn", g->mode,
						ncpus()),
		      "%u affinity changes, ran on %u CPU(s)", res->moves, res->cpus_seen);
	if (under_svmhv) {
		snap_diag(g->mode, &res->before, &res->after, res->loop_exits,
			  (uint64_t)svmhv_vcpus * SNAP_HCS, "exit to user space");
		if (res->hlt)           /* the first touches of the guest's pages: fills once */
			shadow_diag(g->mode, "over the whole run", &res->start, &res->end,
				    res->exits, "exit to user space");
	}
#undef NAME
	free(res);
}

static void test_real_mode(int kvm, uint32_t loops)
{
	static const struct guest g = {
		.mode = "real mode", .code = rm_code, .code_end = rm_code_end,
		.load = RM_LOAD, .res = RM_RES, .mmio = RM_MMIO, .mmio_size = 2,
		.mem_size = RM_MEM, .csum64 = 0,
	};
	struct vm vm;
	struct kvm_sregs sregs;
	struct kvm_regs regs;
	char why[160];
	const char *err = vm_create(&vm, kvm, g.mem_size, why, sizeof(why));

	if (!err && ioctl(vm.vcpu, KVM_GET_SREGS, &sregs) < 0)
		err = "KVM_GET_SREGS failed";
	if (!err) {
		memcpy(vm.mem + g.load, g.code, (size_t)(g.code_end - g.code));
		sregs.cs.selector = 0;
		sregs.cs.base = 0;
		if (ioctl(vm.vcpu, KVM_SET_SREGS, &sregs) < 0)
			err = "KVM_SET_SREGS failed";
	}
	if (!err) {
		memset(&regs, 0, sizeof(regs));
		regs.rip = g.load;
		regs.rsp = 0xf000;
		regs.rflags = 2;
		if (ioctl(vm.vcpu, KVM_SET_REGS, &regs) < 0)
			err = "KVM_SET_REGS failed";
	}
	check(!err, "real mode: VM with one vCPU and a memory slot", "%s", err);
	if (!err)
		test_guest(&vm, &g, loops);
	vm_destroy(&vm);
}

/* A long-mode VM: GDT, 4-level page tables (2 MiB pages: memory, then MMIO), code at LM_LOAD. */
static const char *lm_setup(struct vm *vm, int kvm, const uint8_t *code, size_t len,
			    char *why, size_t whylen)
{
	static const uint64_t gdt[3] = {
		0,
		0x00af9a000000ffffull,  /* 0x08: 64-bit code, DPL 0 */
		0x00cf92000000ffffull,  /* 0x10: data, DPL 0 */
	};
	const struct kvm_segment cs = {
		.base = 0, .limit = 0xffffffff, .selector = 0x08, .type = 11, .present = 1,
		.dpl = 0, .db = 0, .s = 1, .l = 1, .g = 1,
	}, ds = {
		.base = 0, .limit = 0xffffffff, .selector = 0x10, .type = 3, .present = 1,
		.dpl = 0, .db = 1, .s = 1, .l = 0, .g = 1,
	};
	struct kvm_sregs sregs;
	struct kvm_regs regs;
	const char *err = vm_create(vm, kvm, LM_MEM, why, whylen);
	uint64_t *pml4, *pdpt, *pd;

	if (err)
		return err;
	pml4 = (uint64_t *)(vm->mem + LM_PML4);
	pdpt = (uint64_t *)(vm->mem + LM_PDPT);
	pd = (uint64_t *)(vm->mem + LM_PD);
	memcpy(vm->mem + LM_GDT, gdt, sizeof(gdt));
	pml4[0] = LM_PDPT | 0x3;                /* P RW */
	pdpt[0] = LM_PD | 0x3;
	pd[0] = 0x0 | 0x83;                     /* 2 MiB: memory */
	pd[1] = LM_MMIO | 0x83;                 /* 2 MiB: no memory slot: MMIO */
	memcpy(vm->mem + LM_LOAD, code, len);
	if (ioctl(vm->vcpu, KVM_GET_SREGS, &sregs) < 0)
		return snprintf(why, whylen, "KVM_GET_SREGS: %s", strerror(errno)), why;
	sregs.cs = cs;
	sregs.ds = sregs.es = sregs.fs = sregs.gs = sregs.ss = ds;
	sregs.gdt.base = LM_GDT;
	sregs.gdt.limit = sizeof(gdt) - 1;
	sregs.idt.base = 0;                     /* no IDT: any exception ends in a triple fault */
	sregs.idt.limit = 0;
	sregs.cr3 = LM_PML4;
	sregs.cr4 = 0x20;                       /* PAE */
	sregs.cr0 = 0x80050033;                 /* PG WP NE ET MP PE */
	sregs.efer = 0x500;                     /* LMA LME */
	if (ioctl(vm->vcpu, KVM_SET_SREGS, &sregs) < 0)
		return snprintf(why, whylen, "KVM_SET_SREGS (long mode): %s", strerror(errno)), why;
	memset(&regs, 0, sizeof(regs));
	regs.rip = LM_LOAD;
	regs.rsp = LM_STACK;
	regs.rflags = 2;
	if (ioctl(vm->vcpu, KVM_SET_REGS, &regs) < 0)
		return snprintf(why, whylen, "KVM_SET_REGS: %s", strerror(errno)), why;
	return NULL;
}

static void test_long_mode(int kvm, uint32_t loops, int migrate)
{
	const struct guest g = {
		.mode = migrate ? "long mode, migrating between CPUs" : "long mode",
		.code = lm_code, .code_end = lm_code_end,
		.load = LM_LOAD, .res = LM_RES, .mmio = LM_MMIO, .mmio_size = 8,
		.mem_size = LM_MEM, .csum64 = 1, .migrate = migrate,
	};
	struct vm vm;
	char why[160], name[128];
	const char *err = lm_setup(&vm, kvm, g.code, (size_t)(g.code_end - g.code), why, sizeof(why));

	snprintf(name, sizeof(name), "%s: VM with one vCPU, page tables, GDT, CR0/CR4/EFER", g.mode);
	check(!err, name, "%s", err);
	if (!err) {
		unsigned bad = 0;
		uint64_t first_bad = 0, v;

		test_guest(&vm, &g, loops);
		/* The guest wrote each page's address into it (first touch: shadow-paging faults). */
		for (uint64_t a = LM_TOUCH_FROM; a < LM_TOUCH_TO; a += 0x1000) {
			memcpy(&v, vm.mem + a, 8);
			if (v != a && !bad++)
				first_bad = a;
		}
		snprintf(name, sizeof(name), "%s: guest's stores to %u fresh pages reach memory",
			 g.mode, (unsigned)((LM_TOUCH_TO - LM_TOUCH_FROM) / 0x1000));
		check(!bad, name, "%u pages wrong, first at 0x%" PRIx64, bad, first_bad);
	}
	if (migrate)
		pin(-1);
	vm_destroy(&vm);
}

/* A long-mode guest with no IDT executes UD2: #UD, #GP, #DF, triple fault -> KVM_EXIT_SHUTDOWN. */
static void test_triple_fault(int kvm)
{
	static const uint8_t ud2[] = { 0x0f, 0x0b };
	struct vm vm;
	struct kvm_run *run;
	char why[160], buf[160];
	const char *err = lm_setup(&vm, kvm, ud2, sizeof(ud2), why, sizeof(why));
	double t0 = now_s();
	int r = -1;

	if (!err) {
		run = vm.run;
		while ((r = ioctl(vm.vcpu, KVM_RUN, 0UL)) < 0 && (errno == EINTR || errno == EAGAIN) &&
		       now_s() - t0 < RUN_SECONDS)
			;
		if (r < 0)
			snprintf(why, sizeof(why), "KVM_RUN: %s", strerror(errno)), err = why;
		else if (run->exit_reason != KVM_EXIT_SHUTDOWN)
			snprintf(why, sizeof(why), "got %s", exit_desc(run, buf, sizeof(buf))), err = why;
	}
	check(!err, "long mode: UD2 without an IDT is a triple fault (KVM_EXIT_SHUTDOWN)", "%s", err);
	if (err && r >= 0)
		dump_vcpu(&vm, "triple fault");
	vm_destroy(&vm);
}

static void put64(uint8_t *p, uint64_t v)
{
	memcpy(p, &v, 8);
}

static uint64_t get64(const uint8_t *p)
{
	uint64_t v;

	memcpy(&v, p, 8);
	return v;
}

/* A VMCB segment: selector, attributes (VMCB's packed form), limit, base. */
static void vmcb_seg(uint8_t *vmcb, unsigned off, uint16_t sel, uint16_t attr, uint32_t limit,
		     uint64_t base)
{
	memcpy(vmcb + off, &sel, 2);
	memcpy(vmcb + off + 2, &attr, 2);
	memcpy(vmcb + off + 4, &limit, 4);
	put64(vmcb + off + 8, base);
}

/*
 * L3's VMCB as L2's hypervisor hands it to VMRUN: intercepts VMRUN (required),
 * VMMCALL, HLT, IOIO (ports 0x30 and 0x31 in the IOPM) and SHUTDOWN; ASID 1;
 * 64-bit mode on L2's page tables and GDT (as lm_setup()). With np, nested
 * paging on L2's tables at L3_NPT: L3-physical 0..2 MiB in 4 KiB pages, the
 * identity but for the page at L3_MARK, which is L2's L3_MARK_TO.
 */
static void l3_vmcb(uint8_t *mem, bool np)
{
	uint8_t *v = mem + L3_VMCB;
	uint32_t icpt3 = 1u << 24 | 1u << 27 | 1u << 31;        /* HLT, IOIO_PROT, SHUTDOWN */
	uint32_t icpt4 = 1u << 0 | 1u << 1;                     /* VMRUN, VMMCALL */
	uint32_t asid = 1;

	memset(v, 0, 0x1000);
	memset(mem + L3_IOPM, 0, 0x3000);
	memset(mem + L3_MSRPM, 0, 0x2000);
	mem[L3_IOPM + 0x30 / 8] = 1u << (0x30 % 8) | 1u << (0x31 % 8);
	memcpy(v + 0x00c, &icpt3, 4);
	memcpy(v + 0x010, &icpt4, 4);
	put64(v + 0x040, L3_IOPM);
	put64(v + 0x048, L3_MSRPM);
	memcpy(v + 0x058, &asid, 4);
	vmcb_seg(v, 0x400, 0x10, 0xc93, 0xffffffff, 0);      /* ES */
	vmcb_seg(v, 0x410, 0x08, 0xa9b, 0xffffffff, 0);      /* CS: 64-bit code */
	vmcb_seg(v, 0x420, 0x10, 0xc93, 0xffffffff, 0);      /* SS */
	vmcb_seg(v, 0x430, 0x10, 0xc93, 0xffffffff, 0);      /* DS */
	vmcb_seg(v, 0x440, 0x10, 0xc93, 0xffffffff, 0);      /* FS */
	vmcb_seg(v, 0x450, 0x10, 0xc93, 0xffffffff, 0);      /* GS */
	vmcb_seg(v, 0x460, 0, 0, 3 * 8 - 1, LM_GDT);         /* GDTR */
	vmcb_seg(v, 0x470, 0, 0, 0, 0);                      /* LDTR: none */
	vmcb_seg(v, 0x480, 0, 0, 0, 0);                      /* IDTR: none, a fault is a SHUTDOWN */
	vmcb_seg(v, 0x490, 0, 0x08b, 0x67, 0);               /* TR: busy 64-bit TSS */
	v[0x4cb] = 0;                                        /* CPL */
	put64(v + 0x4d0, 0x1500);                            /* EFER: SVME LMA LME */
	put64(v + 0x548, 0x20);                              /* CR4: PAE */
	put64(v + 0x550, LM_PML4);                           /* CR3 */
	put64(v + 0x558, 0x80050033);                        /* CR0: PG WP NE ET MP PE */
	put64(v + 0x560, 0x400);                             /* DR7 */
	put64(v + 0x568, 0xffff0ff0);                        /* DR6 */
	put64(v + 0x570, 2);                                 /* RFLAGS */
	put64(v + 0x578, L3_LOAD);                           /* RIP */
	put64(v + 0x5d8, L3_STACK);                          /* RSP */
	put64(v + 0x668, 0x0007040600070406ull);             /* G_PAT: the reset value */
	if (np) {
		uint8_t *t = mem + L3_NPT;

		memset(t, 0, 0x4000);
		put64(t, (L3_NPT + 0x1000) | 7);                 /* P RW US: NPT walks are user */
		put64(t + 0x1000, (L3_NPT + 0x2000) | 7);
		put64(t + 0x2000, (L3_NPT + 0x3000) | 7);
		for (uint64_t i = 0; i < 512; i++)
			put64(t + 0x3000 + i * 8, (i == L3_MARK / 0x1000 ? L3_MARK_TO : i * 0x1000) | 7);
		put64(v + 0x090, 1);                             /* NP_ENABLE */
		put64(v + 0x0b0, L3_NPT);                        /* nCR3 */
	}
}

/* The checksum L2 and L3 both compute over `rounds` values L2 feeds L3. */
static uint32_t l3_csum(uint32_t rounds)
{
	uint32_t c = 0;

	for (uint32_t i = 1; i <= rounds; i++)
		c = ((c << 5) | (c >> 27)) + i * 0x9e3779b9u;
	return c;
}

/*
 * L3: Linux KVM gives SVM to an L2 (KVM_GET_SUPPORTED_CPUID has it with
 * kvm_amd nested=1) whose own hypervisor (l2hv_code) runs L3 (l3_code) for
 * `rounds` rounds of IN 0x31 / OUT 0x30 / VMMCALL, then L3 HLTs. Every L3
 * exit goes to svmhv, to KVM (L1), which reflects it to L2 unless L2 does not
 * intercept it: L3's OUT to port 0x50 must reach this program as L2's own I/O.
 * Here: OUT 0x50 (from L3), OUT 0x40 (L2's report), HLT (L2), then the
 * counters L2 stored are checked.
 */
static void test_l3(int kvm, uint32_t rounds, bool np)
{
	static const struct {
		uint16_t port;
		const char *name;
	} want[] = {
		{ L3_PORT_USER, "L3's OUT to a port L2 does not intercept reaches user space" },
		{ L3_PORT_REPORT, "L2's hypervisor reports (OUT) after L3's HLT" },
	};
	const char *p = np ? "L3 on L2's nested paging" : "L3";
	struct vm vm;
	struct kvm_run *run;
	struct kvm_regs regs;
	struct snap a, b;
	char why[160], buf[160], name[160];
	const char *err;
	const struct kvm_cpuid_entry2 *ext;
	const uint8_t *r;
	unsigned step = 0;
	bool hlt = false;
	double t0, secs;
	uint64_t exits = 0;
	const uint32_t want_sum = l3_csum(rounds);

#define NAME(...) (snprintf(name, sizeof(name), __VA_ARGS__), name)
	err = lm_setup(&vm, kvm, l2hv_code, (size_t)(l2hv_code_end - l2hv_code), why, sizeof(why));
	ext = err ? NULL : cpuid_entry(&vm, 0x80000001);
	if (!err && !(ext && ext->ecx & 1u << 2))
		err = "KVM_GET_SUPPORTED_CPUID has no SVM (CPUID 8000_0001 ECX bit 2): kvm_amd nested=0?";
	if (!err && np) {
		ext = cpuid_entry(&vm, 0x8000000a);
		if (!(ext && ext->edx & 1u)) {  /* KVM offers NPT to L2 only with its own npt=1 */
			diag("%s: not run: KVM offers no nested paging to L2 (CPUID 8000_000A EDX bit 0)",
			     p);
			vm_destroy(&vm);
			return;
		}
	}
	check(!err, NAME("%s: an L2 VM with SVM in its CPUID%s", p, np ? " and NPT" : ""), "%s", err);
	if (err) {
		vm_destroy(&vm);
		return;
	}
	memcpy(vm.mem + L3_LOAD, l3_code, (size_t)(l3_code_end - l3_code));
	memcpy(vm.mem + LM_RES + R_LOOPS, &rounds, 4);
	l3_vmcb(vm.mem, np);
	r = vm.mem + LM_RES;
	run = vm.run;
	snap_take(&a);
	t0 = now_s();
	while (!hlt && step <= 2) {
		if (ioctl(vm.vcpu, KVM_RUN, 0UL) < 0) {
			if ((errno == EINTR || errno == EAGAIN) && now_s() - t0 < RUN_SECONDS)
				continue;
			snprintf(why, sizeof(why), "KVM_RUN: %s after %.0f s", strerror(errno),
				 now_s() - t0);
			break;
		}
		exits++;
		if (step < 2) {
			uint32_t v = want[step].port == L3_PORT_USER ? 0x3333 : rounds;
			bool ok = run->exit_reason == KVM_EXIT_IO &&
				  run->io.direction == KVM_EXIT_IO_OUT && run->io.port == want[step].port &&
				  run->io.size == 4 && run->io.count == 1 && io_value(run) == v;

			check(ok, NAME("%s: %s", p, want[step].name), "got %s; want OUT port 0x%x size 4 value 0x%x",
			      exit_desc(run, buf, sizeof(buf)), want[step].port, v);
			if (!ok) {
				snprintf(why, sizeof(why), "stopped at an unexpected exit");
				break;
			}
			step++;
			continue;
		}
		hlt = run->exit_reason == KVM_EXIT_HLT;
		if (!hlt)
			snprintf(why, sizeof(why), "got %s after the report, want HLT",
				 exit_desc(run, buf, sizeof(buf)));
		break;
	}
	secs = now_s() - t0;
	snap_take(&b);
	check(hlt, NAME("%s: L2 HLTs after its report (KVM_EXIT_HLT)", p), "%s", why);
	if (!hlt)
		dump_vcpu(&vm, p);
	check((get64(r + X_EFER) & 0x1000) != 0, NAME("%s: L2 sets EFER.SVME (WRMSR)", p),
	      "EFER read back 0x%" PRIx64, get64(r + X_EFER));
	check(!get64(r + X_BAD), NAME("%s: every #VMEXIT L2 saw was the next one of the script", p),
	      "exit code 0x%" PRIx64 " EXITINFO1 0x%" PRIx64 " EXITINFO2 0x%" PRIx64
	      " L3 RAX 0x%" PRIx64 " (L2 expected %s after %" PRIu64 " rounds)",
	      get64(r + X_BAD_CODE), get64(r + X_BAD_INFO1), get64(r + X_BAD_INFO2),
	      get64(r + X_BAD_RAX),
	      get64(r + X_BAD_PHASE) == 0 ? "IOIO IN" : get64(r + X_BAD_PHASE) == 1 ? "IOIO OUT" :
	      "VMMCALL", get64(r + X_VMMCALL));
	check(get64(r + X_IN) == rounds,
	      NAME("%s: %u INs from port 0x31 exit to L2 (IOIO 0x7b, EXITINFO1 port/size/IN), fed by L2",
		   p, rounds), "%" PRIu64 " (last EXITINFO1 0x%" PRIx64 ")", get64(r + X_IN),
	      get64(r + X_INFO1_IN));
	check(get64(r + X_OUT) == rounds,
	      NAME("%s: %u OUTs to port 0x30 exit to L2 (IOIO 0x7b) with L3's running checksum in RAX",
		   p, rounds), "%" PRIu64 " (last EXITINFO1 0x%" PRIx64 ")", get64(r + X_OUT),
	      get64(r + X_INFO1_OUT));
	check(get64(r + X_VMMCALL) == rounds,
	      NAME("%s: %u VMMCALLs exit to L2 (0x81) with RAX = the round", p, rounds),
	      "%" PRIu64, get64(r + X_VMMCALL));
	check(get64(r + X_HLT) == 1, NAME("%s: L3's HLT after the last round exits to L2 (0x78)", p),
	      "%" PRIu64 " HLT exits", get64(r + X_HLT));
	check(get64(r + X_L3RIP) == L3_LOAD + (uint64_t)(l3_code_end - l3_code) - 1,
	      NAME("%s: L3's RIP at the HLT exit is the HLT (L2 advanced RIP past each IN/OUT/VMMCALL)", p),
	      "rip 0x%" PRIx64 ", want 0x%" PRIx64, get64(r + X_L3RIP),
	      L3_LOAD + (uint64_t)(l3_code_end - l3_code) - 1);
	check((uint32_t)get64(r + X_L3SUM) == want_sum && (uint32_t)get64(r + X_L2SUM) == want_sum,
	      NAME("%s: L3's checksum over the values L2 fed it matches L2's and this program's", p),
	      "L3 0x%" PRIx64 ", L2 0x%" PRIx64 ", host 0x%x", get64(r + X_L3SUM),
	      get64(r + X_L2SUM), want_sum);
	check(get64(r + X_L3_R13) == rounds && get64(r + X_L3_R15) == rounds,
	      NAME("%s: L3's registers (round counter, round limit) are kept across its exits", p),
	      "r13 %" PRIu64 ", r15 %" PRIu64 ", want %u", get64(r + X_L3_R13), get64(r + X_L3_R15),
	      rounds);
	if (ioctl(vm.vcpu, KVM_GET_REGS, &regs) == 0)
		check(regs.rip == LM_LOAD + (uint64_t)(l2hv_code_end - l2hv_code),
		      NAME("%s: L2's RIP after its HLT is past the HLT", p), "rip 0x%llx", regs.rip);
	diag("%s: %u rounds (%" PRIu64 " L3 exits to L2 in %" PRIu64 " VMRUNs) in %.3f s, "
	     "%.0f us per L3 exit; %" PRIu64 " exits to user space",
	     p, rounds, get64(r + X_IN) + get64(r + X_OUT) + get64(r + X_VMMCALL) + get64(r + X_HLT),
	     get64(r + X_VMRUNS), secs,
	     get64(r + X_VMRUNS) ? secs * 1e6 / (double)get64(r + X_VMRUNS) : 0.0, exits);
	if (np)
		check(get64(vm.mem + L3_MARK_TO) == L3_MARK_VAL && get64(vm.mem + L3_MARK) == 0,
		      NAME("%s: L3's store lands where L2's nested page tables map it", p),
		      "L2-physical 0x%x holds 0x%" PRIx64 ", 0x%x holds 0x%" PRIx64 "; want 0x%llx at 0x%x",
		      L3_MARK_TO, get64(vm.mem + L3_MARK_TO), L3_MARK, get64(vm.mem + L3_MARK),
		      L3_MARK_VAL, L3_MARK_TO);
	else
		check(get64(vm.mem + L3_MARK) == L3_MARK_VAL,
		      NAME("%s: L3's store reaches L2's memory", p), "0x%x holds 0x%" PRIx64,
		      L3_MARK, get64(vm.mem + L3_MARK));
	if (under_svmhv)
		snap_diag(p, &a, &b, get64(r + X_VMRUNS), (uint64_t)svmhv_vcpus * SNAP_HCS,
			  "L3 exit to L2");
#undef NAME
	vm_destroy(&vm);
}

static void show_module_params(void)
{
	static const char *const params[] = { "nested", "npt", "nrips", "vgif", "avic", "dump_invalid_vmcb" };
	char line[256] = "", path[96], val[32];
	size_t off = 0;

	for (unsigned i = 0; i < sizeof(params) / sizeof(params[0]); i++) {
		FILE *f;

		snprintf(path, sizeof(path), "/sys/module/kvm_amd/parameters/%s", params[i]);
		f = fopen(path, "r");
		if (!f)
			continue;
		if (fgets(val, sizeof(val), f)) {
			val[strcspn(val, "\n")] = 0;
			off += (size_t)snprintf(line + off, sizeof(line) - off, " %s=%s", params[i], val);
			if (off >= sizeof(line))
				off = sizeof(line) - 1;
		}
		fclose(f);
	}
	diag("kvm_amd parameters:%s", off ? line : " (no /sys/module/kvm_amd)");
}

int main(int argc, char **argv)
{
	uint32_t loops = DEFAULT_LOOPS, l3_rounds = DEFAULT_L3_ROUNDS;
	/* KVM_RUN returns EINTR on a signal even with SA_RESTART (which keeps console writes whole) */
	struct sigaction sa = { .sa_handler = on_alarm, .sa_flags = SA_RESTART };
	struct itimerval it = { .it_interval = { 1, 0 }, .it_value = { 1, 0 } };
	int kvm, ver, pin_vm = -1, pin_vcpu = -1;
	bool pin = true;
	double t0 = now_s();

	setvbuf(stdout, NULL, _IOLBF, 0);
	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "-n") && i + 1 < argc) {
			loops = (uint32_t)strtoul(argv[++i], NULL, 0);
		} else if (!strcmp(argv[i], "-l") && i + 1 < argc) {
			l3_rounds = (uint32_t)strtoul(argv[++i], NULL, 0);
		} else if (!strcmp(argv[i], "-u")) {
			pin = false;
		} else {
			fprintf(stderr, "usage: %s [-n LOOPS] [-l L3_ROUNDS] [-u]\n", argv[0]);
			return 2;
		}
	}
	if (!loops)
		loops = 1;
	if (!l3_rounds)
		l3_rounds = 1;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGALRM, &sa, NULL);
	setitimer(ITIMER_REAL, &it, NULL);      /* a wedged KVM_RUN returns EINTR each second */

	{
		cpu_set_t set;

		if (sched_getaffinity(0, sizeof(set), &set) == 0 && CPU_COUNT(&set) > 1)
			n_cpus = CPU_COUNT(&set);
	}
	show_module_params();
	svmhv_detect();
	if (under_svmhv)
		diag("under svmhv (%u vCPUs): its exit counters are shown for each loop", svmhv_vcpus);
	kvm = open("/dev/kvm", O_RDWR | O_CLOEXEC);
	check(kvm >= 0, "/dev/kvm opens", "%s", strerror(errno));
	if (kvm < 0)
		goto done;
	ver = ioctl(kvm, KVM_GET_API_VERSION, 0UL);
	check(ver == KVM_API_VERSION, "KVM_GET_API_VERSION is 12", "got %d", ver);
	check(ioctl(kvm, KVM_CHECK_EXTENSION, KVM_CAP_USER_MEMORY) > 0,
	      "KVM_CAP_USER_MEMORY", "extension missing");
	if (pin) {
		/* the static keys stay enabled while this VM lives (comment at the top) */
		for (int tries = 0; tries < 20 && pin_vm < 0; tries++)
			pin_vm = ioctl(kvm, KVM_CREATE_VM, 0UL);
		if (pin_vm >= 0)
			pin_vcpu = ioctl(pin_vm, KVM_CREATE_VCPU, 0UL);
		check(pin_vm >= 0 && pin_vcpu >= 0, "pinning VM (one vCPU, no irqchip) created",
		      "%s", strerror(errno));
	} else {
		diag("no pinning VM (-u): the kernel patches its text at every VM creation and destruction");
	}
	test_real_mode(kvm, loops);
	test_long_mode(kvm, loops, 0);
	if (ncpus() > 1)
		test_long_mode(kvm, loops, 1);
	else
		diag("one CPU: no migration run");
	test_triple_fault(kvm);
	test_l3(kvm, l3_rounds, false);
	test_l3(kvm, l3_rounds, true);
	if (pin_vcpu >= 0)
		close(pin_vcpu);
	if (pin_vm >= 0)
		close(pin_vm);
	close(kvm);
done:
	diag("total %.2f s", now_s() - t0);
	printf("KVMTEST: done %d passed, %d failed\n", n_pass, n_fail);
	return n_fail ? 1 : 0;
}
