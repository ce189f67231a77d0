/* SPDX-License-Identifier: MIT */
/*
 * Host unit tests for hv/insn/insn.c, the instruction length decoder.
 *
 * The table below was produced with GNU binutils 2.40: each instruction was
 * assembled with `as` (.code16/.code32/.code64) or written as raw bytes, and
 * its length taken from `objdump -d --insn-width=16` (-m i8086 / i386 /
 * i386:x86-64, AMD64 semantics). Entries marked "hand:" are cases objdump
 * cannot judge (it splits REX chains, accepts #UD forms such as 66h before
 * VEX, ignores the 15-byte limit); their value comes from the manuals cited
 * in hv/insn/insn.c.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "hv/insn/insn.h"
#include "svm/vmcb.h"

#define M16     HV_INSN_MODE_16
#define M32     HV_INSN_MODE_32
#define M64     HV_INSN_MODE_64
#define INV     HV_INSN_EINVALID

struct insn_case {
	enum hv_insn_mode mode;
	int expect;             /* length, or HV_INSN_EINVALID */
	size_t n;               /* bytes in .bytes */
	const char *bytes;
};

static const struct insn_case cases[] = {
	{ M64, 1, 1, "\xcb" }, /* lret */
	{ M64, 2, 2, "\x0f\xa2" }, /* cpuid */
	{ M64, 2, 2, "\x0f\x32" }, /* rdmsr */
	{ M64, 2, 2, "\x0f\x30" }, /* wrmsr */
	{ M64, 3, 3, "\x0f\x01\xd9" }, /* vmmcall */
	{ M64, 3, 3, "\x0f\x01\xd8" }, /* vmrun */
	{ M64, 3, 3, "\x0f\x01\xda" }, /* vmload */
	{ M64, 3, 3, "\x0f\x01\xdb" }, /* vmsave */
	{ M64, 3, 3, "\x0f\x01\xdc" }, /* stgi */
	{ M64, 3, 3, "\x0f\x01\xdd" }, /* clgi */
	{ M64, 3, 3, "\x0f\x01\xde" }, /* skinit */
	{ M64, 3, 3, "\x0f\x01\xdf" }, /* invlpga */
	{ M64, 2, 2, "\x0f\x31" }, /* rdtsc */
	{ M64, 3, 3, "\x0f\x01\xf9" }, /* rdtscp */
	{ M64, 2, 2, "\x0f\x33" }, /* rdpmc */
	{ M64, 2, 2, "\x0f\x05" }, /* syscall */
	{ M64, 3, 3, "\x48\x0f\x07" }, /* sysretq */
	{ M64, 3, 3, "\x0f\x01\xf8" }, /* swapgs */
	{ M64, 1, 1, "\xf4" }, /* hlt */
	{ M64, 1, 1, "\xcc" }, /* int3 */
	{ M64, 2, 2, "\xcd\x80" }, /* int $0x80 */
	{ M64, 2, 2, "\x48\xcf" }, /* iretq */
	{ M64, 1, 1, "\xc3" }, /* ret */
	{ M64, 3, 3, "\xc2\x08\x00" }, /* ret $0x8 */
	{ M64, 2, 2, "\x89\x07" }, /* mov %eax,(%rdi) */
	{ M64, 2, 2, "\x89\x16" }, /* mov %edx,(%rsi) */
	{ M64, 3, 3, "\x48\x89\x07" }, /* mov %rax,(%rdi) */
	{ M64, 3, 3, "\x66\x89\x07" }, /* mov %ax,(%rdi) */
	{ M64, 2, 2, "\x88\x07" }, /* mov %al,(%rdi) */
	{ M64, 10, 10, "\xc7\x05\x78\x56\x34\x12\xef\xbe\xad\xde" }, /* movl $0xdeadbeef,0x12345678(%rip) # 0x123456c6 */
	{ M64, 8, 8, "\xc7\x44\x24\x08\x44\x33\x22\x11" }, /* movl $0x11223344,0x8(%rsp) */
	{ M64, 10, 10, "\xc7\x80\x00\x03\x00\x00\x00\x45\x0c\x00" }, /* movl $0xc4500,0x300(%rax) */
	{ M64, 8, 8, "\x41\x89\x84\x24\x00\x03\x00\x00" }, /* mov %eax,0x300(%r12) */
	{ M64, 4, 4, "\x41\x89\x45\x00" }, /* mov %eax,0x0(%r13) */
	{ M64, 3, 3, "\x89\x45\x00" }, /* mov %eax,0x0(%rbp) */
	{ M64, 4, 4, "\x89\x54\x88\x10" }, /* mov %edx,0x10(%rax,%rcx,4) */
	{ M64, 7, 7, "\x89\x1c\xcd\x00\x10\x00\x00" }, /* mov %ebx,0x1000(,%rcx,8) */
	{ M64, 5, 5, "\x47\x89\x54\x48\x80" }, /* mov %r10d,-0x80(%r8,%r9,2) */
	{ M64, 3, 3, "\x8b\x47\x20" }, /* mov 0x20(%rdi),%eax */
	{ M64, 6, 6, "\x8b\x05\x00\x00\x00\x00" }, /* mov 0x0(%rip),%eax # 0x88 */
	{ M64, 7, 7, "\xc6\x05\x00\x01\x00\x00\x7f" }, /* movb $0x7f,0x100(%rip) # 0x18f */
	{ M64, 9, 9, "\x66\xc7\x05\x00\x01\x00\x00\x34\x12" }, /* movw $0x1234,0x100(%rip) # 0x198 */
	{ M64, 7, 7, "\x48\xc7\x00\x78\x56\x34\x12" }, /* movq $0x12345678,(%rax) */
	{ M64, 10, 10, "\x48\xb8\x88\x77\x66\x55\x44\x33\x22\x11" }, /* movabs $0x1122334455667788,%rax */
	{ M64, 10, 10, "\x49\xbf\x88\x77\x66\x55\x44\x33\x22\x11" }, /* movabs $0x1122334455667788,%r15 */
	{ M64, 5, 5, "\xb8\x44\x33\x22\x11" }, /* mov $0x11223344,%eax */
	{ M64, 4, 4, "\x66\xb8\x22\x11" }, /* mov $0x1122,%ax */
	{ M64, 6, 6, "\x41\xb8\x01\x00\x00\x00" }, /* mov $0x1,%r8d */
	{ M64, 2, 2, "\xb0\x01" }, /* mov $0x1,%al */
	{ M64, 3, 3, "\x41\xb1\x01" }, /* mov $0x1,%r9b */
	{ M64, 9, 9, "\xa1\x88\x77\x66\x55\x44\x33\x22\x11" }, /* movabs 0x1122334455667788,%eax */
	{ M64, 9, 9, "\xa3\x88\x77\x66\x55\x44\x33\x22\x11" }, /* movabs %eax,0x1122334455667788 */
	{ M64, 10, 10, "\x48\xa1\x88\x77\x66\x55\x44\x33\x22\x11" }, /* movabs 0x1122334455667788,%rax */
	{ M64, 9, 9, "\xa2\x88\x77\x66\x55\x44\x33\x22\x11" }, /* movabs %al,0x1122334455667788 */
	{ M64, 9, 9, "\xa0\x88\x77\x66\x55\x44\x33\x22\x11" }, /* movabs 0x1122334455667788,%al */
	{ M64, 1, 1, "\x50" }, /* push %rax */
	{ M64, 2, 2, "\x41\x57" }, /* push %r15 */
	{ M64, 1, 1, "\x5b" }, /* pop %rbx */
	{ M64, 5, 5, "\x68\x78\x56\x34\x12" }, /* push $0x12345678 */
	{ M64, 2, 2, "\x6a\x12" }, /* push $0x12 */
	{ M64, 3, 3, "\xff\x70\x08" }, /* push 0x8(%rax) */
	{ M64, 2, 2, "\x8f\x00" }, /* pop (%rax) */
	{ M64, 7, 7, "\x48\x8d\x05\x00\x10\x00\x00" }, /* lea 0x1000(%rip),%rax # 0x110c */
	{ M64, 5, 5, "\x4c\x8d\x44\xdc\x7f" }, /* lea 0x7f(%rsp,%rbx,8),%r8 */
	{ M64, 6, 6, "\x48\x05\x78\x56\x34\x12" }, /* add $0x12345678,%rax */
	{ M64, 3, 3, "\x83\xc0\x01" }, /* add $0x1,%eax */
	{ M64, 2, 2, "\x04\x12" }, /* add $0x12,%al */
	{ M64, 4, 4, "\x48\x83\xc0\x12" }, /* add $0x12,%rax */
	{ M64, 6, 6, "\x81\x00\x78\x56\x34\x12" }, /* addl $0x12345678,(%rax) */
	{ M64, 5, 5, "\x48\x83\x6b\x08\x01" }, /* subq $0x1,0x8(%rbx) */
	{ M64, 4, 4, "\xf0\x83\x00\x01" }, /* lock addl $0x1,(%rax) */
	{ M64, 5, 5, "\xf0\x48\x0f\xb1\x37" }, /* lock cmpxchg %rsi,(%rdi) */
	{ M64, 4, 4, "\xf0\x0f\xc1\x07" }, /* lock xadd %eax,(%rdi) */
	{ M64, 5, 5, "\xf0\x48\x0f\xc7\x0f" }, /* lock cmpxchg16b (%rdi) */
	{ M64, 2, 2, "\x48\x93" }, /* xchg %rax,%rbx */
	{ M64, 1, 1, "\x90" }, /* nop */
	{ M64, 2, 2, "\xf3\x90" }, /* pause */
	{ M64, 3, 3, "\xf6\x00\x80" }, /* testb $0x80,(%rax) */
	{ M64, 7, 7, "\xf7\x40\x04\x00\x00\x00\x80" }, /* testl $0x80000000,0x4(%rax) */
	{ M64, 2, 2, "\xa8\x01" }, /* test $0x1,%al */
	{ M64, 5, 5, "\xa9\x01\x00\x00\x00" }, /* test $0x1,%eax */
	{ M64, 6, 6, "\x48\xa9\x00\x01\x00\x00" }, /* test $0x100,%rax */
	{ M64, 2, 2, "\xf7\x10" }, /* notl (%rax) */
	{ M64, 3, 3, "\x48\xf7\xd8" }, /* neg %rax */
	{ M64, 3, 3, "\xf7\x24\x08" }, /* mull (%rax,%rcx,1) */
	{ M64, 3, 3, "\x48\xf7\xf1" }, /* div %rcx */
	{ M64, 6, 6, "\x69\xc3\x78\x56\x34\x12" }, /* imul $0x12345678,%ebx,%eax */
	{ M64, 3, 3, "\x6b\xc3\x12" }, /* imul $0x12,%ebx,%eax */
	{ M64, 4, 4, "\x48\x0f\xaf\x07" }, /* imul (%rdi),%rax */
	{ M64, 4, 4, "\x48\xc1\xe0\x04" }, /* shl $0x4,%rax */
	{ M64, 2, 2, "\xd1\x28" }, /* shrl (%rax) */
	{ M64, 3, 3, "\x48\xd3\xf8" }, /* sar %cl,%rax */
	{ M64, 7, 7, "\xc0\x05\x10\x00\x00\x00\x03" }, /* rolb $0x3,0x10(%rip) # 0x191 */
	{ M64, 4, 4, "\xc8\x20\x00\x00" }, /* enter $0x20,$0x0 */
	{ M64, 1, 1, "\xc9" }, /* leave */
	{ M64, 2, 2, "\xff\xd0" }, /* call *%rax */
	{ M64, 6, 6, "\xff\x15\x00\x01\x00\x00" }, /* call *0x100(%rip) # 0x28e */
	{ M64, 3, 3, "\xff\x14\xd8" }, /* call *(%rax,%rbx,8) */
	{ M64, 2, 2, "\xff\x20" }, /* jmp *(%rax) */
	{ M64, 2, 2, "\xff\x28" }, /* ljmp *(%rax) */
	{ M64, 2, 2, "\xff\x18" }, /* lcall *(%rax) */
	{ M64, 3, 3, "\x48\x63\x02" }, /* movslq (%rdx),%rax */
	{ M64, 3, 3, "\x0f\xb6\x07" }, /* movzbl (%rdi),%eax */
	{ M64, 5, 5, "\x48\x0f\xbf\x47\x02" }, /* movswq 0x2(%rdi),%rax */
	{ M64, 4, 4, "\x48\x0f\x45\xc3" }, /* cmovne %rbx,%rax */
	{ M64, 3, 3, "\x0f\x94\xc0" }, /* sete %al */
	{ M64, 3, 3, "\x0f\x95\x00" }, /* setne (%rax) */
	{ M64, 4, 4, "\x0f\xba\xe0\x03" }, /* bt $0x3,%eax */
	{ M64, 5, 5, "\x48\x0f\xba\x28\x3f" }, /* btsq $0x3f,(%rax) */
	{ M64, 4, 4, "\x48\x0f\xa3\xd8" }, /* bt %rbx,%rax */
	{ M64, 4, 4, "\x0f\xa4\xd8\x04" }, /* shld $0x4,%ebx,%eax */
	{ M64, 4, 4, "\x48\x0f\xad\xd8" }, /* shrd %cl,%rbx,%rax */
	{ M64, 2, 2, "\x0f\xc8" }, /* bswap %eax */
	{ M64, 3, 3, "\x49\x0f\xcc" }, /* bswap %r12 */
	{ M64, 5, 5, "\xf3\x48\x0f\xb8\xc3" }, /* popcnt %rbx,%rax */
	{ M64, 4, 4, "\xf3\x0f\xbd\x00" }, /* lzcnt (%rax),%eax */
	{ M64, 5, 5, "\xf3\x48\x0f\xbc\xc3" }, /* tzcnt %rbx,%rax */
	{ M64, 3, 3, "\x0f\xc1\xd8" }, /* xadd %ebx,%eax */
	{ M64, 3, 3, "\x0f\xc7\x0f" }, /* cmpxchg8b (%rdi) */
	{ M64, 3, 3, "\x0f\xc7\xf0" }, /* rdrand %eax */
	{ M64, 4, 4, "\x48\x0f\xc7\xf8" }, /* rdseed %rax */
	{ M64, 4, 4, "\xf3\x0f\xc7\xf8" }, /* rdpid %rax */
	{ M64, 3, 3, "\x0f\x20\xc0" }, /* mov %cr0,%rax */
	{ M64, 3, 3, "\x0f\x22\xd8" }, /* mov %rax,%cr3 */
	{ M64, 4, 4, "\x44\x0f\x22\xc0" }, /* mov %rax,%cr8 */
	{ M64, 3, 3, "\x0f\x20\xe0" }, /* mov %cr4,%rax */
	{ M64, 3, 3, "\x0f\x21\xf8" }, /* mov %db7,%rax */
	{ M64, 3, 3, "\x0f\x23\xc0" }, /* mov %rax,%db0 */
	{ M64, 3, 3, "\x0f\x01\x10" }, /* lgdt (%rax) */
	{ M64, 7, 7, "\x0f\x01\x05\x10\x00\x00\x00" }, /* sgdt 0x10(%rip) # 0x212 */
	{ M64, 4, 4, "\x0f\x01\x1c\x58" }, /* lidt (%rax,%rbx,2) */
	{ M64, 3, 3, "\x0f\x00\xd0" }, /* lldt %ax */
	{ M64, 3, 3, "\x0f\x00\x18" }, /* ltr (%rax) */
	{ M64, 3, 3, "\x0f\x00\xc8" }, /* str %eax */
	{ M64, 3, 3, "\x0f\x01\x38" }, /* invlpg (%rax) */
	{ M64, 7, 7, "\x0f\x01\x3d\x34\x12\x00\x00" }, /* invlpg 0x1234(%rip) # 0x144d */
	{ M64, 5, 5, "\x66\x0f\x38\x82\x07" }, /* invpcid (%rdi),%rax */
	{ M64, 2, 2, "\x0f\x09" }, /* wbinvd */
	{ M64, 3, 3, "\xf3\x0f\x09" }, /* wbnoinvd */
	{ M64, 2, 2, "\x0f\x08" }, /* invd */
	{ M64, 2, 2, "\x0f\x06" }, /* clts */
	{ M64, 3, 3, "\x0f\x01\xc8" }, /* monitor %rax,%ecx,%edx */
	{ M64, 3, 3, "\x0f\x01\xc9" }, /* mwait %eax,%ecx */
	{ M64, 3, 3, "\x0f\x01\xfa" }, /* monitorx %rax,%ecx,%edx */
	{ M64, 3, 3, "\x0f\x01\xfb" }, /* mwaitx %eax,%ecx,%ebx */
	{ M64, 3, 3, "\x0f\x01\xfc" }, /* clzero */
	{ M64, 3, 3, "\x0f\x01\xfd" }, /* rdpru */
	{ M64, 3, 3, "\x0f\x01\xfe" }, /* invlpgb */
	{ M64, 3, 3, "\x0f\x01\xff" }, /* tlbsync */
	{ M64, 3, 3, "\x0f\x01\xca" }, /* clac */
	{ M64, 3, 3, "\x0f\x01\xcb" }, /* stac */
	{ M64, 3, 3, "\x0f\x01\xd0" }, /* xgetbv */
	{ M64, 3, 3, "\x0f\x01\xd1" }, /* xsetbv */
	{ M64, 3, 3, "\x0f\x01\xee" }, /* rdpkru */
	{ M64, 3, 3, "\x0f\x01\xef" }, /* wrpkru */
	{ M64, 3, 3, "\x0f\x01\xe0" }, /* smsw %eax */
	{ M64, 3, 3, "\x0f\x01\xf0" }, /* lmsw %ax */
	{ M64, 3, 3, "\x0f\x00\xe0" }, /* verr %ax */
	{ M64, 3, 3, "\x0f\x02\xc0" }, /* lar %eax,%eax */
	{ M64, 3, 3, "\x0f\x03\x00" }, /* lsl (%rax),%eax */
	{ M64, 3, 3, "\x0f\x18\x08" }, /* prefetcht0 (%rax) */
	{ M64, 7, 7, "\x0f\x18\x05\x40\x00\x00\x00" }, /* prefetchnta 0x40(%rip) # 0x2aa */
	{ M64, 3, 3, "\x0f\x0d\x08" }, /* prefetchw (%rax) */
	{ M64, 3, 3, "\x0f\x0d\x00" }, /* prefetch (%rax) */
	{ M64, 3, 3, "\x0f\xae\x38" }, /* clflush (%rax) */
	{ M64, 4, 4, "\x66\x0f\xae\x38" }, /* clflushopt (%rax) */
	{ M64, 4, 4, "\x66\x0f\xae\x30" }, /* clwb (%rax) */
	{ M64, 3, 3, "\x0f\xae\xe8" }, /* lfence */
	{ M64, 3, 3, "\x0f\xae\xf0" }, /* mfence */
	{ M64, 3, 3, "\x0f\xae\xf8" }, /* sfence */
	{ M64, 3, 3, "\x0f\xae\x27" }, /* xsave (%rdi) */
	{ M64, 4, 4, "\x48\x0f\xae\x37" }, /* xsaveopt64 (%rdi) */
	{ M64, 6, 6, "\x48\x0f\xae\x6c\x24\x40" }, /* xrstor64 0x40(%rsp) */
	{ M64, 3, 3, "\x0f\xae\x00" }, /* fxsave (%rax) */
	{ M64, 5, 5, "\x0f\xae\x54\x24\x04" }, /* ldmxcsr 0x4(%rsp) */
	{ M64, 4, 4, "\x0f\x1f\x04\x00" }, /* nopl (%rax,%rax,1) */
	{ M64, 6, 6, "\x2e\x66\x0f\x1f\x04\x00" }, /* cs nopw (%rax,%rax,1) */
	{ M64, 4, 4, "\xf3\x0f\x1e\xfa" }, /* endbr64 */
	{ M64, 2, 2, "\x0f\x0b" }, /* ud2 */
	{ M64, 3, 3, "\x0f\xb9\x00" }, /* ud1 (%rax),%eax */
	{ M64, 1, 1, "\xf1" }, /* int1 */
	{ M64, 1, 1, "\xfa" }, /* cli */
	{ M64, 1, 1, "\xfb" }, /* sti */
	{ M64, 1, 1, "\xfc" }, /* cld */
	{ M64, 1, 1, "\xfd" }, /* std */
	{ M64, 2, 2, "\xe4\x60" }, /* in $0x60,%al */
	{ M64, 2, 2, "\xe6\x80" }, /* out %al,$0x80 */
	{ M64, 1, 1, "\xed" }, /* in (%dx),%eax */
	{ M64, 2, 2, "\x66\xef" }, /* out %ax,(%dx) */
	{ M64, 2, 2, "\xf3\xa4" }, /* rep movsb %ds:(%rsi),%es:(%rdi) */
	{ M64, 3, 3, "\xf3\x48\xab" }, /* rep stos %rax,%es:(%rdi) */
	{ M64, 2, 2, "\xf2\xae" }, /* repnz scas %es:(%rdi),%al */
	{ M64, 2, 2, "\xf3\x6e" }, /* rep outsb %ds:(%rsi),(%dx) */
	{ M64, 2, 2, "\x48\xad" }, /* lods %ds:(%rsi),%rax */
	{ M64, 1, 1, "\xa6" }, /* cmpsb %es:(%rdi),%ds:(%rsi) */
	{ M64, 2, 2, "\x48\xa5" }, /* movsq %ds:(%rsi),%es:(%rdi) */
	{ M64, 1, 1, "\xd7" }, /* xlat %ds:(%rbx) */
	{ M64, 1, 1, "\x98" }, /* cwtl */
	{ M64, 2, 2, "\x48\x98" }, /* cltq */
	{ M64, 2, 2, "\x48\x99" }, /* cqto */
	{ M64, 1, 1, "\x9f" }, /* lahf */
	{ M64, 1, 1, "\x9e" }, /* sahf */
	{ M64, 1, 1, "\x9c" }, /* pushf */
	{ M64, 1, 1, "\x9d" }, /* popf */
	{ M64, 2, 2, "\xdd\x00" }, /* fldl (%rax) */
	{ M64, 2, 2, "\xdd\xd9" }, /* fstp %st(1) */
	{ M64, 2, 2, "\xdf\xe0" }, /* fnstsw %ax */
	{ M64, 2, 2, "\xdb\xe3" }, /* fninit */
	{ M64, 3, 3, "\x0f\xae\x08" }, /* fxrstor (%rax) */
	{ M64, 3, 3, "\x0f\x28\x00" }, /* movaps (%rax),%xmm0 */
	{ M64, 5, 5, "\x44\x0f\x11\x7f\x10" }, /* movups %xmm15,0x10(%rdi) */
	{ M64, 8, 8, "\x66\x0f\x6f\x0d\x00\x01\x00\x00" }, /* movdqa 0x100(%rip),%xmm1 # 0x3eb */
	{ M64, 4, 4, "\xf3\x0f\x6f\xca" }, /* movdqu %xmm2,%xmm1 */
	{ M64, 5, 5, "\x66\x48\x0f\x6e\xc0" }, /* movq %rax,%xmm0 */
	{ M64, 4, 4, "\x66\x0f\x7e\xc0" }, /* movd %xmm0,%eax */
	{ M64, 4, 4, "\x48\x0f\x7e\xc0" }, /* movq %mm0,%rax */
	{ M64, 5, 5, "\x66\x0f\x70\xc1\x1b" }, /* pshufd $0x1b,%xmm1,%xmm0 */
	{ M64, 5, 5, "\xf2\x0f\x70\x00\x1b" }, /* pshuflw $0x1b,(%rax),%xmm0 */
	{ M64, 4, 4, "\x0f\x70\xc1\x03" }, /* pshufw $0x3,%mm1,%mm0 */
	{ M64, 5, 5, "\x66\x0f\x71\xd0\x04" }, /* psrlw $0x4,%xmm0 */
	{ M64, 4, 4, "\x0f\x73\xf0\x08" }, /* psllq $0x8,%mm0 */
	{ M64, 5, 5, "\x66\x0f\x73\xdb\x08" }, /* psrldq $0x8,%xmm3 */
	{ M64, 4, 4, "\x0f\xc2\xc1\x01" }, /* cmpltps %xmm1,%xmm0 */
	{ M64, 5, 5, "\xf2\x0f\xc2\x00\x02" }, /* cmplesd (%rax),%xmm0 */
	{ M64, 5, 5, "\x66\x0f\xc4\xc0\x03" }, /* pinsrw $0x3,%eax,%xmm0 */
	{ M64, 5, 5, "\x66\x0f\xc5\xc0\x03" }, /* pextrw $0x3,%xmm0,%eax */
	{ M64, 4, 4, "\x0f\xc6\xc1\x44" }, /* shufps $0x44,%xmm1,%xmm0 */
	{ M64, 4, 4, "\x66\x0f\xef\xc0" }, /* pxor %xmm0,%xmm0 */
	{ M64, 9, 9, "\x66\x0f\xfe\x84\xc8\x00\x01\x00\x00" }, /* paddd 0x100(%rax,%rcx,8),%xmm0 */
	{ M64, 2, 2, "\x0f\x77" }, /* emms */
	{ M64, 2, 2, "\x0f\x0e" }, /* femms */
	{ M64, 5, 5, "\x66\x0f\x38\x00\xc1" }, /* pshufb %xmm1,%xmm0 */
	{ M64, 4, 4, "\x0f\x38\x04\xc1" }, /* pmaddubsw %mm1,%mm0 */
	{ M64, 5, 5, "\xf2\x0f\x38\xf0\x06" }, /* crc32b (%rsi),%eax */
	{ M64, 6, 6, "\xf2\x48\x0f\x38\xf1\x06" }, /* crc32q (%rsi),%rax */
	{ M64, 4, 4, "\x0f\x38\xf0\x07" }, /* movbe (%rdi),%eax */
	{ M64, 5, 5, "\x48\x0f\x38\xf1\x07" }, /* movbe %rax,(%rdi) */
	{ M64, 5, 5, "\x66\x0f\x38\xdc\xc1" }, /* aesenc %xmm1,%xmm0 */
	{ M64, 5, 5, "\x66\x0f\x38\xdf\x00" }, /* aesdeclast (%rax),%xmm0 */
	{ M64, 4, 4, "\x0f\x38\xc9\xc1" }, /* sha1msg1 %xmm1,%xmm0 */
	{ M64, 4, 4, "\x0f\x38\xcb\xc1" }, /* sha256rnds2 %xmm0,%xmm1,%xmm0 */
	{ M64, 5, 5, "\x66\x0f\x38\xf6\xc3" }, /* adcx %ebx,%eax */
	{ M64, 6, 6, "\xf3\x48\x0f\x38\xf6\x07" }, /* adox (%rdi),%rax */
	{ M64, 4, 4, "\x0f\x38\xf9\x07" }, /* movdiri %eax,(%rdi) */
	{ M64, 5, 5, "\x66\x0f\x38\xf8\x02" }, /* movdir64b (%rdx),%rax */
	{ M64, 5, 5, "\xf2\x0f\x38\xf8\x02" }, /* enqcmd (%rdx),%rax */
	{ M64, 5, 5, "\x66\x0f\x38\x17\xc1" }, /* ptest %xmm1,%xmm0 */
	{ M64, 5, 5, "\x66\x0f\x38\x30\x00" }, /* pmovzxbw (%rax),%xmm0 */
	{ M64, 6, 6, "\x66\x0f\x3a\x0f\xc1\x04" }, /* palignr $0x4,%xmm1,%xmm0 */
	{ M64, 5, 5, "\x0f\x3a\x0f\xc1\x04" }, /* palignr $0x4,%mm1,%mm0 */
	{ M64, 7, 7, "\x66\x48\x0f\x3a\x16\xc0\x01" }, /* pextrq $0x1,%xmm0,%rax */
	{ M64, 7, 7, "\x66\x48\x0f\x3a\x22\xc0\x01" }, /* pinsrq $0x1,%rax,%xmm0 */
	{ M64, 6, 6, "\x66\x0f\x3a\x16\x00\x02" }, /* pextrd $0x2,%xmm0,(%rax) */
	{ M64, 6, 6, "\x66\x0f\x3a\x44\xc1\x11" }, /* pclmulhqhqdq %xmm1,%xmm0 */
	{ M64, 6, 6, "\x66\x0f\x3a\x0a\xc1\x04" }, /* roundss $0x4,%xmm1,%xmm0 */
	{ M64, 6, 6, "\x66\x0f\x3a\xdf\xc1\x01" }, /* aeskeygenassist $0x1,%xmm1,%xmm0 */
	{ M64, 6, 6, "\x66\x0f\x3a\x63\x07\x1a" }, /* pcmpistri $0x1a,(%rdi),%xmm0 */
	{ M64, 5, 5, "\x0f\x3a\xcc\xc1\x03" }, /* sha1rnds4 $0x3,%xmm1,%xmm0 */
	{ M64, 6, 6, "\x66\x0f\x3a\xce\xc1\x02" }, /* gf2p8affineqb $0x2,%xmm1,%xmm0 */
	{ M64, 6, 6, "\x66\x0f\x78\xc0\x04\x08" }, /* extrq $0x8,$0x4,%xmm0 */
	{ M64, 4, 4, "\x66\x0f\x79\xc1" }, /* extrq %xmm1,%xmm0 */
	{ M64, 6, 6, "\xf2\x0f\x78\xc1\x04\x08" }, /* insertq $0x8,$0x4,%xmm1,%xmm0 */
	{ M64, 4, 4, "\xf2\x0f\x79\xc1" }, /* insertq %xmm1,%xmm0 */
	{ M64, 4, 4, "\xc5\xfe\x6f\x00" }, /* vmovdqu (%rax),%ymm0 */
	{ M64, 7, 7, "\xc4\x41\x7e\x6f\x44\x88\x20" }, /* vmovdqu 0x20(%r8,%rcx,4),%ymm8 */
	{ M64, 4, 4, "\xc5\xf9\x7f\x0f" }, /* vmovdqa %xmm1,(%rdi) */
	{ M64, 4, 4, "\xc5\xf5\xef\xc2" }, /* vpxor %ymm2,%ymm1,%ymm0 */
	{ M64, 5, 5, "\xc4\xc1\x75\xef\xc4" }, /* vpxor %ymm12,%ymm1,%ymm0 */
	{ M64, 3, 3, "\xc5\xf8\x77" }, /* vzeroupper */
	{ M64, 3, 3, "\xc5\xfc\x77" }, /* vzeroall */
	{ M64, 5, 5, "\xc5\xfd\x70\xc1\x1b" }, /* vpshufd $0x1b,%ymm1,%ymm0 */
	{ M64, 5, 5, "\xc5\xf9\x73\xd1\x03" }, /* vpsrlq $0x3,%xmm1,%xmm0 */
	{ M64, 5, 5, "\xc5\xf4\xc2\xc2\x04" }, /* vcmpneqps %ymm2,%ymm1,%ymm0 */
	{ M64, 5, 5, "\xc5\xf0\xc6\x00\x01" }, /* vshufps $0x1,(%rax),%xmm1,%xmm0 */
	{ M64, 5, 5, "\xc5\xf1\xc4\xc0\x01" }, /* vpinsrw $0x1,%eax,%xmm1,%xmm0 */
	{ M64, 5, 5, "\xc5\xf9\xc5\xc0\x01" }, /* vpextrw $0x1,%xmm0,%eax */
	{ M64, 6, 6, "\xc4\xe3\x75\x02\xc2\xf0" }, /* vpblendd $0xf0,%ymm2,%ymm1,%ymm0 */
	{ M64, 7, 7, "\xc4\xe3\x75\x46\x40\x08\x20" }, /* vperm2i128 $0x20,0x8(%rax),%ymm1,%ymm0 */
	{ M64, 6, 6, "\xc4\xe3\xfd\x00\xc1\x4e" }, /* vpermq $0x4e,%ymm1,%ymm0 */
	{ M64, 6, 6, "\xc4\xe3\x75\x38\xc2\x01" }, /* vinserti128 $0x1,%xmm2,%ymm1,%ymm0 */
	{ M64, 5, 5, "\xc4\xe2\x7d\x58\xc1" }, /* vpbroadcastd %xmm1,%ymm0 */
	{ M64, 7, 7, "\xc4\xe2\x6d\x90\x44\x88\x10" }, /* vpgatherdd %ymm2,0x10(%rax,%ymm1,4),%ymm0 */
	{ M64, 6, 6, "\xc4\x82\xe5\x93\x04\xc8" }, /* vgatherqpd %ymm3,(%r8,%ymm9,8),%ymm0 */
	{ M64, 9, 9, "\xc4\xe2\x75\xb8\x05\x00\x01\x00\x00" }, /* vfmadd231ps 0x100(%rip),%ymm1,%ymm0 # 0x558 */
	{ M64, 5, 5, "\xc4\xe2\x75\xdc\xc2" }, /* vaesenc %ymm2,%ymm1,%ymm0 */
	{ M64, 6, 6, "\xc4\xe3\x75\x44\xc2\x11" }, /* vpclmulhqhqdq %ymm2,%ymm1,%ymm0 */
	{ M64, 5, 5, "\xc5\xf8\xae\x14\x24" }, /* vldmxcsr (%rsp) */
	{ M64, 5, 5, "\xc4\xe2\x60\xf2\xc1" }, /* andn %ecx,%ebx,%eax */
	{ M64, 5, 5, "\xc4\xe2\xe0\xf2\x07" }, /* andn (%rdi),%rbx,%rax */
	{ M64, 5, 5, "\xc4\xe2\x70\xf7\xc3" }, /* bextr %ecx,%ebx,%eax */
	{ M64, 5, 5, "\xc4\xe2\xf8\xf3\xcb" }, /* blsr %rbx,%rax */
	{ M64, 5, 5, "\xc4\xe2\x70\xf5\xc3" }, /* bzhi %ecx,%ebx,%eax */
	{ M64, 5, 5, "\xc4\xe2\xe3\xf5\xc1" }, /* pdep %rcx,%rbx,%rax */
	{ M64, 6, 6, "\xc4\xe2\x62\xf5\x40\x04" }, /* pext 0x4(%rax),%ebx,%eax */
	{ M64, 5, 5, "\xc4\xe2\xf1\xf7\xc3" }, /* shlx %rcx,%rbx,%rax */
	{ M64, 5, 5, "\xc4\xe2\x72\xf7\xc3" }, /* sarx %ecx,%ebx,%eax */
	{ M64, 6, 6, "\xc4\xe3\xfb\xf0\xc3\x07" }, /* rorx $0x7,%rbx,%rax */
	{ M64, 7, 7, "\xc4\xe3\x7b\xf0\x47\x10\x03" }, /* rorx $0x3,0x10(%rdi),%eax */
	{ M64, 5, 5, "\xc4\xe2\xe3\xf6\xc1" }, /* mulx %rcx,%rbx,%rax */
	{ M64, 4, 4, "\xc5\xf8\x92\xc8" }, /* kmovw %eax,%k1 */
	{ M64, 5, 5, "\xc4\xe1\xf8\x90\xd3" }, /* kmovq %k3,%k2 */
	{ M64, 4, 4, "\xc5\xec\x41\xcb" }, /* kandw %k3,%k2,%k1 */
	{ M64, 4, 4, "\xc5\xf8\x98\xc1" }, /* kortestw %k1,%k0 */
	{ M64, 6, 6, "\xc4\xe3\xf9\x32\xca\x03" }, /* kshiftlw $0x3,%k2,%k1 */
	{ M64, 6, 6, "\x62\xf1\xfe\x48\x6f\x00" }, /* vmovdqu64 (%rax),%zmm0 */
	{ M64, 7, 7, "\x62\xf1\x7f\x48\x7f\x4f\x01" }, /* vmovdqu8 %zmm1,0x40(%rdi) */
	{ M64, 7, 7, "\x62\x41\x7e\x48\x6f\x7f\x40" }, /* vmovdqu32 0x1000(%r15),%zmm31 */
	{ M64, 7, 7, "\x62\xf1\x75\xc9\xfe\x40\x01" }, /* vpaddd 0x40(%rax),%zmm1,%zmm0{%k1}{z} */
	{ M64, 6, 6, "\x62\xf1\x75\x58\xfe\x00" }, /* vpaddd (%rax){1to16},%zmm1,%zmm0 */
	{ M64, 7, 7, "\x62\xf3\x75\x48\x25\xc2\xff" }, /* vpternlogd $0xff,%zmm2,%zmm1,%zmm0 */
	{ M64, 11, 11, "\x62\xf3\xf5\x48\x25\x05\x00\x01\x00\x00\x96" }, /* vpternlogq $0x96,0x100(%rip),%zmm1,%zmm0 # 0x5f2 */
	{ M64, 6, 6, "\x62\xf1\x7d\x48\x76\xc9" }, /* vpcmpeqd %zmm1,%zmm0,%k1 */
	{ M64, 7, 7, "\x62\xf3\x7d\x48\x1f\xc9\x04" }, /* vpcmpneqd %zmm1,%zmm0,%k1 */
	{ M64, 7, 7, "\x62\xf1\x7d\x48\x70\xc1\x1b" }, /* vpshufd $0x1b,%zmm1,%zmm0 */
	{ M64, 7, 7, "\x62\xf1\xfd\x48\x73\xd1\x03" }, /* vpsrlq $0x3,%zmm1,%zmm0 */
	{ M64, 7, 7, "\x62\xf3\xfd\x48\x3b\xc8\x01" }, /* vextracti64x4 $0x1,%zmm1,%ymm0 */
	{ M64, 6, 6, "\x62\xf2\x75\x48\x7e\xc2" }, /* vpermt2d %zmm2,%zmm1,%zmm0 */
	{ M64, 6, 6, "\x62\xf5\x74\x48\x58\xc2" }, /* vaddph %zmm2,%zmm1,%zmm0 */
	{ M64, 6, 6, "\x62\xf6\x75\x48\x98\xc2" }, /* vfmadd132ph %zmm2,%zmm1,%zmm0 */
	{ M64, 7, 7, "\x62\xf3\x7c\x48\xc2\xc9\x00" }, /* vcmpeqph %zmm1,%zmm0,%k1 */
	{ M64, 7, 7, "\x62\xf2\x7d\x49\x90\x04\x88" }, /* vpgatherdd (%rax,%zmm1,4),%zmm0{%k1} */
	{ M64, 7, 7, "\x62\xf2\x7d\x49\xa0\x04\x88" }, /* vpscatterdd %zmm0,(%rax,%zmm1,4){%k1} */
	{ M64, 6, 6, "\x62\xa1\x75\x00\xef\xc2" }, /* vpxord %xmm18,%xmm17,%xmm16 */
	{ M64, 6, 6, "\x8f\xe8\x70\xa2\xc2\x30" }, /* vpcmov %xmm3,%xmm2,%xmm1,%xmm0 */
	{ M64, 6, 6, "\x8f\xe8\x74\xa2\x00\x30" }, /* vpcmov %ymm3,(%rax),%ymm1,%ymm0 */
	{ M64, 5, 5, "\x8f\xe9\x68\x90\xc1" }, /* vprotb %xmm2,%xmm1,%xmm0 */
	{ M64, 6, 6, "\x8f\xe8\x78\xc2\xc1\x05" }, /* vprotd $0x5,%xmm1,%xmm0 */
	{ M64, 6, 6, "\x8f\xe8\x70\xcc\xc2\x03" }, /* vpcomgeb %xmm2,%xmm1,%xmm0 */
	{ M64, 5, 5, "\x8f\xe9\x78\x80\xc1" }, /* vfrczps %xmm1,%xmm0 */
	{ M64, 5, 5, "\x8f\xe9\x78\xc1\xc1" }, /* vphaddbw %xmm1,%xmm0 */
	{ M64, 6, 6, "\x8f\xe8\x70\x9e\xc2\x30" }, /* vpmacsdd %xmm3,%xmm2,%xmm1,%xmm0 */
	{ M64, 9, 9, "\x8f\xea\x78\x10\xc3\x34\x12\x00\x00" }, /* bextr $0x1234,%ebx,%eax */
	{ M64, 9, 9, "\x8f\xea\xf8\x10\x07\x04\x08\x00\x00" }, /* bextr $0x804,(%rdi),%rax */
	{ M64, 5, 5, "\x8f\xe9\x78\x01\xcb" }, /* blcfill %ebx,%eax */
	{ M64, 5, 5, "\x8f\xe9\xf8\x01\xfb" }, /* t1mskc %rbx,%rax */
	{ M64, 5, 5, "\x8f\xe9\xf8\x12\xc0" }, /* llwpcb %rax */
	{ M64, 9, 9, "\x8f\xea\x78\x12\xc3\x78\x56\x34\x12" }, /* lwpins $0x12345678,%ebx,%eax */
	{ M64, 9, 9, "\x8f\xea\xf8\x12\x0f\x78\x56\x34\x12" }, /* lwpval $0x12345678,(%rdi),%rax */
	{ M64, 4, 4, "\x0f\x0f\xc1\x9e" }, /* pfadd %mm1,%mm0 */
	{ M64, 4, 4, "\x0f\x0f\x00\xb4" }, /* pfmul (%rax),%mm0 */
	{ M64, 4, 4, "\x0f\x0f\xc1\xbb" }, /* pswapd %mm1,%mm0 */
	{ M64, 9, 9, "\x0f\x0f\x84\xd8\x00\x10\x00\x00\x0d" }, /* pi2fd 0x1000(%rax,%rbx,8),%mm0 */
	{ M64, 6, 6, "\xc7\xf8\x00\x00\x00\x00" }, /* xbegin 0x5bc */
	{ M64, 3, 3, "\x0f\x01\xd5" }, /* xend */
	{ M64, 3, 3, "\xc6\xf8\x12" }, /* xabort $0x12 */
	{ M64, 3, 3, "\x0f\x01\xd6" }, /* xtest */
	{ M64, 3, 3, "\x0f\x01\xe8" }, /* serialize */
	{ M64, 5, 5, "\xe9\xfb\x0f\x00\x00" }, /* jmp 0x15c8 */
	{ M64, 5, 5, "\xe8\xfb\x0f\x00\x00" }, /* call 0x15cd */
	{ M64, 6, 6, "\x0f\x84\xfa\x0f\x00\x00" }, /* je 0x15d2 */
	{ M64, 2, 2, "\xeb\x00" }, /* jmp 0x5da */
	{ M64, 2, 2, "\x75\x00" }, /* jne 0x5dc */
	{ M64, 2, 2, "\xe2\x00" }, /* loop 0x5de */
	{ M64, 2, 2, "\xe3\x00" }, /* jrcxz 0x5e0 */
	{ M32, 2, 2, "\x0f\xa2" }, /* cpuid */
	{ M32, 2, 2, "\x0f\x32" }, /* rdmsr */
	{ M32, 2, 2, "\x0f\x30" }, /* wrmsr */
	{ M32, 3, 3, "\x0f\x01\xd9" }, /* vmmcall */
	{ M32, 3, 3, "\x0f\x01\xd8" }, /* vmrun */
	{ M32, 3, 3, "\x0f\x01\xdc" }, /* stgi */
	{ M32, 3, 3, "\x0f\x01\xdd" }, /* clgi */
	{ M32, 1, 1, "\x40" }, /* inc %eax */
	{ M32, 1, 1, "\x4f" }, /* dec %edi */
	{ M32, 2, 2, "\x66\x40" }, /* inc %ax */
	{ M32, 1, 1, "\x50" }, /* push %eax */
	{ M32, 1, 1, "\x60" }, /* pusha */
	{ M32, 1, 1, "\x61" }, /* popa */
	{ M32, 1, 1, "\x06" }, /* push %es */
	{ M32, 1, 1, "\x07" }, /* pop %es */
	{ M32, 1, 1, "\x0e" }, /* push %cs */
	{ M32, 1, 1, "\x16" }, /* push %ss */
	{ M32, 1, 1, "\x17" }, /* pop %ss */
	{ M32, 1, 1, "\x1e" }, /* push %ds */
	{ M32, 1, 1, "\x1f" }, /* pop %ds */
	{ M32, 1, 1, "\x27" }, /* daa */
	{ M32, 1, 1, "\x2f" }, /* das */
	{ M32, 1, 1, "\x37" }, /* aaa */
	{ M32, 1, 1, "\x3f" }, /* aas */
	{ M32, 2, 2, "\xd4\x0a" }, /* aam $0xa */
	{ M32, 2, 2, "\xd5\x0a" }, /* aad $0xa */
	{ M32, 2, 2, "\xd4\x10" }, /* aam $0x10 */
	{ M32, 1, 1, "\xce" }, /* into */
	{ M32, 2, 2, "\x62\x01" }, /* bound %eax,(%ecx) */
	{ M32, 2, 2, "\x63\x00" }, /* arpl %ax,(%eax) */
	{ M32, 2, 2, "\xc4\x01" }, /* les (%ecx),%eax */
	{ M32, 3, 3, "\xc5\x41\x08" }, /* lds 0x8(%ecx),%eax */
	{ M32, 3, 3, "\x66\xc4\x01" }, /* les (%ecx),%ax */
	{ M32, 3, 3, "\xc5\x04\x24" }, /* lds (%esp),%eax */
	{ M32, 3, 3, "\x0f\xb2\x20" }, /* lss (%eax),%esp */
	{ M32, 2, 2, "\x89\x07" }, /* mov %eax,(%edi) */
	{ M32, 10, 10, "\xc7\x80\x00\x03\x00\x00\x00\x45\x0c\x00" }, /* movl $0xc4500,0x300(%eax) */
	{ M32, 8, 8, "\xc7\x44\x24\x08\x44\x33\x22\x11" }, /* movl $0x11223344,0x8(%esp) */
	{ M32, 5, 5, "\xa3\x00\x03\xe0\xfe" }, /* mov %eax,0xfee00300 */
	{ M32, 10, 10, "\xc7\x05\xb0\x00\xe0\xfe\x00\x00\x00\x00" }, /* movl $0x0,0xfee000b0 */
	{ M32, 3, 3, "\x89\x45\x00" }, /* mov %eax,0x0(%ebp) */
	{ M32, 3, 3, "\x89\x45\xfc" }, /* mov %eax,-0x4(%ebp) */
	{ M32, 7, 7, "\x89\x94\x88\x00\x10\x00\x00" }, /* mov %edx,0x1000(%eax,%ecx,4) */
	{ M32, 7, 7, "\x89\x1c\xcd\x00\x00\x00\x00" }, /* mov %ebx,0x0(,%ecx,8) */
	{ M32, 5, 5, "\xa1\x78\x56\x34\x12" }, /* mov 0x12345678,%eax */
	{ M32, 5, 5, "\xa3\x78\x56\x34\x12" }, /* mov %eax,0x12345678 */
	{ M32, 5, 5, "\xa0\x78\x56\x34\x12" }, /* mov 0x12345678,%al */
	{ M32, 5, 5, "\xa2\x78\x56\x34\x12" }, /* mov %al,0x12345678 */
	{ M32, 5, 5, "\xb8\x44\x33\x22\x11" }, /* mov $0x11223344,%eax */
	{ M32, 4, 4, "\x66\xb8\x22\x11" }, /* mov $0x1122,%ax */
	{ M32, 5, 5, "\x66\xc7\x00\x34\x12" }, /* movw $0x1234,(%eax) */
	{ M32, 3, 3, "\xc6\x00\x12" }, /* movb $0x12,(%eax) */
	{ M32, 4, 4, "\x67\x66\x8b\x00" }, /* mov (%bx,%si),%ax */
	{ M32, 4, 4, "\x67\x8b\x43\x12" }, /* mov 0x12(%bp,%di),%eax */
	{ M32, 5, 5, "\x67\x8b\x87\x34\x12" }, /* mov 0x1234(%bx),%eax */
	{ M32, 6, 6, "\x66\xa1\x34\x12\x00\x00" }, /* mov 0x1234,%ax */
	{ M32, 3, 3, "\xf6\x00\x01" }, /* testb $0x1,(%eax) */
	{ M32, 6, 6, "\xf7\x00\x78\x56\x34\x12" }, /* testl $0x12345678,(%eax) */
	{ M32, 5, 5, "\x66\xf7\x00\x34\x12" }, /* testw $0x1234,(%eax) */
	{ M32, 2, 2, "\xf6\x10" }, /* notb (%eax) */
	{ M32, 5, 5, "\x68\x78\x56\x34\x12" }, /* push $0x12345678 */
	{ M32, 2, 2, "\x6a\x12" }, /* push $0x12 */
	{ M32, 4, 4, "\x66\x68\x34\x12" }, /* pushw $0x1234 */
	{ M32, 4, 4, "\xc8\x10\x00\x01" }, /* enter $0x10,$0x1 */
	{ M32, 3, 3, "\xc2\x04\x00" }, /* ret $0x4 */
	{ M32, 3, 3, "\xca\x04\x00" }, /* lret $0x4 */
	{ M32, 5, 5, "\xe8\xfb\x0f\x00\x00" }, /* call 0x10d1 */
	{ M32, 5, 5, "\xe9\xfb\x0f\x00\x00" }, /* jmp 0x10d6 */
	{ M32, 6, 6, "\x0f\x84\xfa\x0f\x00\x00" }, /* je 0x10db */
	{ M32, 2, 2, "\xeb\x00" }, /* jmp 0xe3 */
	{ M32, 2, 2, "\xff\x10" }, /* call *(%eax) */
	{ M32, 2, 2, "\xff\x28" }, /* ljmp *(%eax) */
	{ M32, 3, 3, "\x0f\x01\x10" }, /* lgdtl (%eax) */
	{ M32, 3, 3, "\x0f\x22\xc0" }, /* mov %eax,%cr0 */
	{ M32, 3, 3, "\x0f\x20\xd8" }, /* mov %cr3,%eax */
	{ M32, 3, 3, "\x0f\x21\xf0" }, /* mov %db6,%eax */
	{ M32, 3, 3, "\x0f\xb7\x06" }, /* movzwl (%esi),%eax */
	{ M32, 2, 2, "\x0f\x34" }, /* sysenter */
	{ M32, 2, 2, "\x0f\x35" }, /* sysexit */
	{ M32, 2, 2, "\x0f\x05" }, /* syscall */
	{ M32, 4, 4, "\xc5\xfe\x6f\x00" }, /* vmovdqu (%eax),%ymm0 */
	{ M32, 4, 4, "\xc5\xf1\xef\xc2" }, /* vpxor %xmm2,%xmm1,%xmm0 */
	{ M32, 3, 3, "\xc5\xf8\x77" }, /* vzeroupper */
	{ M32, 10, 10, "\xc5\xf9\x70\x84\xc8\x00\x01\x00\x00\x03" }, /* vpshufd $0x3,0x100(%eax,%ecx,8),%xmm0 */
	{ M32, 6, 6, "\xc4\xe3\x75\x02\xc2\xf0" }, /* vpblendd $0xf0,%ymm2,%ymm1,%ymm0 */
	{ M32, 5, 5, "\xc4\xe2\x60\xf2\xc1" }, /* andn %ecx,%ebx,%eax */
	{ M32, 6, 6, "\xc4\xe3\x7b\xf0\xc3\x03" }, /* rorx $0x3,%ebx,%eax */
	{ M32, 6, 6, "\x62\xf1\x7e\x48\x6f\x00" }, /* vmovdqu32 (%eax),%zmm0 */
	{ M32, 6, 6, "\x62\xf1\x75\x48\xfe\xc2" }, /* vpaddd %zmm2,%zmm1,%zmm0 */
	{ M32, 7, 7, "\x62\xf3\x75\x48\x25\xc2\x01" }, /* vpternlogd $0x1,%zmm2,%zmm1,%zmm0 */
	{ M32, 4, 4, "\xc5\xf8\x92\xc8" }, /* kmovw %eax,%k1 */
	{ M32, 6, 6, "\x8f\xe8\x70\xa2\xc2\x30" }, /* vpcmov %xmm3,%xmm2,%xmm1,%xmm0 */
	{ M32, 9, 9, "\x8f\xea\x78\x10\xc3\x34\x12\x00\x00" }, /* bextr $0x1234,%ebx,%eax */
	{ M32, 4, 4, "\x0f\x0f\xc1\x9e" }, /* pfadd %mm1,%mm0 */
	{ M32, 5, 5, "\xf2\x0f\x38\xf0\x06" }, /* crc32b (%esi),%eax */
	{ M32, 6, 6, "\x66\x0f\x3a\x0f\xc1\x04" }, /* palignr $0x4,%xmm1,%xmm0 */
	{ M32, 1, 1, "\xec" }, /* in (%dx),%al */
	{ M32, 2, 2, "\xf3\xa5" }, /* rep movsl %ds:(%esi),%es:(%edi) */
	{ M32, 3, 3, "\xf0\xff\x00" }, /* lock incl (%eax) */
	{ M32, 4, 4, "\xf3\x0f\x1e\xfb" }, /* endbr32 */
	{ M32, 4, 4, "\x0f\x1f\x04\x00" }, /* nopl (%eax,%eax,1) */
	{ M32, 2, 2, "\x8f\x00" }, /* pop (%eax) */
	{ M32, 6, 6, "\xc7\xf8\x00\x00\x00\x00" }, /* xbegin 0x16d */
	{ M16, 2, 2, "\x0f\xa2" }, /* cpuid */
	{ M16, 2, 2, "\x0f\x32" }, /* rdmsr */
	{ M16, 2, 2, "\x0f\x30" }, /* wrmsr */
	{ M16, 3, 3, "\x0f\x01\xd9" }, /* vmmcall */
	{ M16, 1, 1, "\x40" }, /* inc %ax */
	{ M16, 1, 1, "\x4e" }, /* dec %si */
	{ M16, 3, 3, "\xb8\x34\x12" }, /* mov $0x1234,%ax */
	{ M16, 6, 6, "\x66\xb8\x78\x56\x34\x12" }, /* mov $0x12345678,%eax */
	{ M16, 2, 2, "\x89\x00" }, /* mov %ax,(%bx,%si) */
	{ M16, 3, 3, "\x89\x46\x00" }, /* mov %ax,0x0(%bp) */
	{ M16, 3, 3, "\x89\x46\x10" }, /* mov %ax,0x10(%bp) */
	{ M16, 4, 4, "\x89\x81\x34\x12" }, /* mov %ax,0x1234(%bx,%di) */
	{ M16, 3, 3, "\xa3\x34\x12" }, /* mov %ax,0x1234 */
	{ M16, 4, 4, "\xc7\x04\x34\x12" }, /* movw $0x1234,(%si) */
	{ M16, 7, 7, "\x66\xc7\x05\x78\x56\x34\x12" }, /* movl $0x12345678,(%di) */
	{ M16, 3, 3, "\xa1\x34\x12" }, /* mov 0x1234,%ax */
	{ M16, 3, 3, "\xa2\x34\x12" }, /* mov %al,0x1234 */
	{ M16, 4, 4, "\x67\x66\x8b\x00" }, /* mov (%eax),%eax */
	{ M16, 6, 6, "\x67\x66\x8b\x44\x24\x08" }, /* mov 0x8(%esp),%eax */
	{ M16, 5, 5, "\x67\x66\x8b\x45\x00" }, /* mov 0x0(%ebp),%eax */
	{ M16, 9, 9, "\x67\x66\x8b\x84\x88\x78\x56\x34\x12" }, /* mov 0x12345678(%eax,%ecx,4),%eax */
	{ M16, 4, 4, "\x66\xa1\x78\x56" }, /* mov 0x5678,%eax */
	{ M16, 3, 3, "\x26\x8b\x07" }, /* mov %es:(%bx),%ax */
	{ M16, 2, 2, "\xc4\x07" }, /* les (%bx),%ax */
	{ M16, 3, 3, "\xc5\x76\x04" }, /* lds 0x4(%bp),%si */
	{ M16, 3, 3, "\x68\x34\x12" }, /* push $0x1234 */
	{ M16, 2, 2, "\x6a\x12" }, /* push $0x12 */
	{ M16, 6, 6, "\x66\x68\x78\x56\x34\x12" }, /* pushl $0x12345678 */
	{ M16, 4, 4, "\xc8\x10\x00\x00" }, /* enter $0x10,$0x0 */
	{ M16, 3, 3, "\xc2\x02\x00" }, /* ret $0x2 */
	{ M16, 1, 1, "\xcb" }, /* lret */
	{ M16, 1, 1, "\xcf" }, /* iret */
	{ M16, 2, 2, "\xcd\x10" }, /* int $0x10 */
	{ M16, 3, 3, "\xe9\xfd\x00" }, /* jmp 0x16e */
	{ M16, 3, 3, "\xe8\xfd\x00" }, /* call 0x171 */
	{ M16, 4, 4, "\x0f\x84\xfc\x00" }, /* je 0x174 */
	{ M16, 2, 2, "\xeb\x00" }, /* jmp 0x7a */
	{ M16, 3, 3, "\x0f\x01\x17" }, /* lgdtw (%bx) */
	{ M16, 5, 5, "\x0f\x01\x1e\x34\x12" }, /* lidtw 0x1234 */
	{ M16, 3, 3, "\x0f\x22\xc0" }, /* mov %eax,%cr0 */
	{ M16, 4, 4, "\xf7\x07\x34\x12" }, /* testw $0x1234,(%bx) */
	{ M16, 3, 3, "\xf6\x07\x12" }, /* testb $0x12,(%bx) */
	{ M16, 7, 7, "\x66\xf7\x07\x78\x56\x34\x12" }, /* testl $0x12345678,(%bx) */
	{ M16, 4, 4, "\x69\xc3\x34\x12" }, /* imul $0x1234,%bx,%ax */
	{ M16, 2, 2, "\xf3\xa5" }, /* rep movsw %ds:(%si),%es:(%di) */
	{ M16, 3, 3, "\x66\xf3\xa5" }, /* rep movsl %ds:(%si),%es:(%di) */
	{ M16, 1, 1, "\xee" }, /* out %al,(%dx) */
	{ M16, 2, 2, "\xe4\x71" }, /* in $0x71,%al */
	{ M16, 1, 1, "\xfa" }, /* cli */
	{ M16, 1, 1, "\xf4" }, /* hlt */
	{ M16, 2, 2, "\xd4\x0a" }, /* aam $0xa */
	{ M16, 1, 1, "\x60" }, /* pusha */
	{ M16, 4, 4, "\xc5\xf1\xef\xc2" }, /* vpxor %xmm2,%xmm1,%xmm0 */
	{ M64, 3, 3, "\x2e\x0f\xa2" }, /* cs cpuid */
	{ M64, 3, 3, "\x66\x0f\xa2" }, /* data16 cpuid */
	{ M64, 3, 3, "\x3e\x0f\xa2" }, /* ds cpuid */
	{ M64, 3, 3, "\x48\x0f\xa2" }, /* rex.W cpuid */
	{ M64, 3, 3, "\x40\x0f\x32" }, /* rex rdmsr */
	{ M64, 3, 3, "\x48\x0f\x32" }, /* rex.W rdmsr */
	{ M64, 3, 3, "\x2e\x0f\x30" }, /* cs wrmsr */
	{ M64, 4, 4, "\x48\x66\x0f\x30" }, /* hand: wrmsr: REX then 66, the REX is ignored but counted */
	{ M64, 4, 4, "\x2e\x0f\x01\xd9" }, /* cs vmmcall */
	{ M64, 5, 5, "\x3e\x3e\x0f\x01\xd9" }, /* ds ds vmmcall */
	{ M64, 4, 4, "\x48\x0f\x01\xd9" }, /* rex.W vmmcall */
	{ M64, 6, 6, "\x26\x2e\x3e\x0f\x01\xd9" }, /* es cs ds vmmcall */
	{ M32, 3, 3, "\x66\x0f\xa2" }, /* data16 cpuid */
	{ M32, 3, 3, "\x2e\x0f\x32" }, /* cs rdmsr */
	{ M16, 3, 3, "\x66\x0f\x30" }, /* data32 wrmsr */
	{ M16, 3, 3, "\x0f\x01\xd9" }, /* vmmcall */
	{ M64, 1, 1, "\xcb" }, /* lret */
	{ M64, 3, 3, "\xca\x08\x00" }, /* lret $0x8 */
	{ M64, 4, 4, "\x66\x68\xaa\xbb" }, /* pushw $0xbbaa */
	{ M64, 4, 4, "\x66\xe8\x34\x12" }, /* callw 0x1238 */
	{ M64, 4, 4, "\x66\xe9\x34\x12" }, /* jmpw 0x1238 */
	{ M64, 5, 5, "\x66\x0f\x84\xaa\xbb" }, /* je 0xbbaf */
	{ M64, 8, 8, "\x66\x48\x0f\x84\x11\x22\x33\x44" }, /* data16 rex.W je 0x44332219 */
	{ M64, 6, 6, "\x48\xe8\x11\x22\x33\x44" }, /* rex.W call 0x44332217 */
	{ M64, 6, 6, "\xc7\xf8\x11\x22\x33\x44" }, /* xbegin 0x44332217 */
	{ M64, 5, 5, "\x66\xc7\xf8\x34\x12" }, /* xbeginw 0x1239 */
	{ M64, 3, 3, "\xc6\xf8\x12" }, /* xabort $0x12 */
	{ M64, 3, 3, "\xf6\xc8\x12" }, /* test $0x12,%al */
	{ M64, 6, 6, "\xf7\xc8\x11\x22\x33\x44" }, /* test $0x44332211,%eax */
	{ M64, 5, 5, "\x66\xf7\xc8\x11\x22" }, /* test $0x2211,%ax */
	{ M64, 7, 7, "\x48\xf7\xc0\x11\x22\x33\x44" }, /* test $0x44332211,%rax */
	{ M64, 2, 2, "\xf6\xd0" }, /* not %al */
	{ M64, 2, 2, "\xf7\x38" }, /* idivl (%rax) */
	{ M64, 4, 4, "\xf6\x64\x24\x10" }, /* mulb 0x10(%rsp) */
	{ M64, 5, 5, "\xf6\x44\x24\x10\xff" }, /* testb $0xff,0x10(%rsp) */
	{ M64, 9, 9, "\xa1\x11\x22\x33\x44\x55\x66\x77\x88" }, /* movabs 0x8877665544332211,%eax */
	{ M64, 10, 10, "\x48\xa1\x11\x22\x33\x44\x55\x66\x77\x88" }, /* movabs 0x8877665544332211,%rax */
	{ M64, 6, 6, "\x67\xa1\x11\x22\x33\x44" }, /* addr32 mov 0x44332211,%eax */
	{ M64, 7, 7, "\x67\x48\xa3\x11\x22\x33\x44" }, /* addr32 mov %rax,0x44332211 */
	{ M64, 10, 10, "\x66\xa1\x11\x22\x33\x44\x55\x66\x77\x88" }, /* movabs 0x8877665544332211,%ax */
	{ M64, 9, 9, "\xa2\x11\x22\x33\x44\x55\x66\x77\x88" }, /* movabs %al,0x8877665544332211 */
	{ M64, 10, 10, "\x66\xa3\x11\x22\x33\x44\x55\x66\x77\x88" }, /* movabs %ax,0x8877665544332211 */
	{ M64, 10, 10, "\x48\xb8\x11\x22\x33\x44\x55\x66\x77\x88" }, /* movabs $0x8877665544332211,%rax */
	{ M64, 10, 10, "\x49\xbf\x11\x22\x33\x44\x55\x66\x77\x88" }, /* movabs $0x8877665544332211,%r15 */
	{ M64, 11, 11, "\x66\x48\xb8\x11\x22\x33\x44\x55\x66\x77\x88" }, /* data16 movabs $0x8877665544332211,%rax */
	{ M64, 4, 4, "\x66\xb8\x11\x22" }, /* mov $0x2211,%ax */
	{ M64, 6, 6, "\x41\xb8\x11\x22\x33\x44" }, /* mov $0x44332211,%r8d */
	{ M64, 11, 11, "\x40\x48\xb8\x11\x22\x33\x44\x55\x66\x77\x88" }, /* hand: last REX (W) counts: 11 */
	{ M64, 7, 7, "\x48\x40\xb8\x11\x22\x33\x44" }, /* hand: last REX (no W) counts: 7 */
	{ M64, 5, 5, "\x48\x66\xb8\x11\x22" }, /* hand: REX then 66: REX cancelled, mov ax, imm16 */
	{ M64, 4, 4, "\x48\x0f\x20\xc0" }, /* rex.W mov %cr0,%rax */
	{ M64, 3, 3, "\x0f\x20\x00" }, /* mov %cr0,%rax */
	{ M64, 3, 3, "\x0f\x20\x85" }, /* mov %cr0,%rbp */
	{ M64, 3, 3, "\x0f\x22\x45" }, /* mov %rbp,%cr0 */
	{ M64, 3, 3, "\x0f\x23\x07" }, /* mov %rdi,%db0 */
	{ M64, 4, 4, "\x44\x0f\x20\xc0" }, /* mov %cr8,%rax */
	{ M64, 4, 4, "\xf0\x0f\x20\xc0" }, /* lock mov %cr0,%rax */
	{ M64, 4, 4, "\x0f\x0f\xc1\x9e" }, /* pfadd %mm1,%mm0 */
	{ M64, 5, 5, "\x0f\x0f\x04\x24\xb4" }, /* pfmul (%rsp),%mm0 */
	{ M64, 8, 8, "\x0f\x0f\x80\x11\x22\x33\x44\x9e" }, /* pfadd 0x44332211(%rax),%mm0 */
	{ M64, 2, 2, "\x0f\x0e" }, /* femms */
	{ M64, 3, 3, "\x0f\x0d\x08" }, /* prefetchw (%rax) */
	{ M64, 4, 4, "\x0f\x0d\x40\x08" }, /* prefetch 0x8(%rax) */
	{ M64, 3, 3, "\x0f\x18\x00" }, /* prefetchnta (%rax) */
	{ M64, 5, 5, "\x0f\x1f\x44\x00\x00" }, /* nopl 0x0(%rax,%rax,1) */
	{ M64, 6, 6, "\x66\x0f\x1f\x44\x00\x00" }, /* nopw 0x0(%rax,%rax,1) */
	{ M64, 7, 7, "\x0f\x1f\x80\x00\x00\x00\x00" }, /* nopl 0x0(%rax) */
	{ M64, 8, 8, "\x0f\x1f\x84\x00\x00\x00\x00\x00" }, /* nopl 0x0(%rax,%rax,1) */
	{ M64, 11, 11, "\x66\x66\x2e\x0f\x1f\x84\x00\x00\x00\x00\x00" }, /* data16 cs nopw 0x0(%rax,%rax,1) */
	{ M64, 12, 12, "\x66\x66\x66\x2e\x0f\x1f\x84\x00\x00\x00\x00\x00" }, /* data16 data16 cs nopw 0x0(%rax,%rax,1) */
	{ M64, 4, 4, "\xf3\x0f\x1e\xfa" }, /* endbr64 */
	{ M64, 4, 4, "\xf3\x0f\x1e\xfb" }, /* endbr32 */
	{ M64, 3, 3, "\x0f\xb9\xc0" }, /* ud1 %eax,%eax */
	{ M64, 3, 3, "\x0f\xff\x00" }, /* ud0 (%rax),%eax */
	{ M64, 2, 2, "\x0f\x0b" }, /* ud2 */
	{ M64, 2, 2, "\x8f\x00" }, /* pop (%rax) */
	{ M64, 2, 2, "\x8f\xc0" }, /* pop %rax */
	{ M64, 3, 3, "\x8f\x40\x08" }, /* pop 0x8(%rax) */
	{ M64, 3, 3, "\x8f\x04\x24" }, /* pop (%rsp) */
	{ M64, 6, 6, "\x8f\x80\x11\x22\x33\x44" }, /* pop 0x44332211(%rax) */
	{ M64, 6, 6, "\x8f\xe8\x78\xa2\xc1\x30" }, /* vpcmov %xmm3,%xmm1,%xmm0,%xmm0 */
	{ M64, 5, 5, "\x8f\xe9\x78\x90\xc1" }, /* vprotb %xmm0,%xmm1,%xmm0 */
	{ M64, 9, 9, "\x8f\xea\x78\x10\xc3\x11\x22\x33\x44" }, /* bextr $0x44332211,%ebx,%eax */
	{ M64, 7, 7, "\x62\xf1\x7c\x48\x10\x40\x01" }, /* vmovups 0x40(%rax),%zmm0 */
	{ M64, 7, 7, "\x62\xf1\xfd\x48\xd4\x40\x01" }, /* vpaddq 0x40(%rax),%zmm0,%zmm0 */
	{ M64, 7, 7, "\x62\xf3\x7d\x48\x25\xc2\xff" }, /* vpternlogd $0xff,%zmm2,%zmm0,%zmm0 */
	{ M64, 11, 11, "\x62\xf3\xfd\x48\x01\x80\x00\x01\x00\x00\xaa" }, /* vpermpd $0xaa,0x100(%rax),%zmm0 */
	{ M64, 7, 7, "\x62\x61\x7c\x48\x58\x45\x00" }, /* vaddps 0x0(%rbp),%zmm0,%zmm24 */
	{ M64, 6, 6, "\x62\xf5\x74\x48\x58\xc2" }, /* vaddph %zmm2,%zmm1,%zmm0 */
	{ M64, 6, 6, "\x62\xf6\x7d\x48\x9c\xc1" }, /* vfnmadd132ph %zmm1,%zmm0,%zmm0 */
	{ M64, 11, 11, "\xf2\xf3\x66\x67\x26\x2e\x3e\x36\x64\x65\x90" }, /* repnz data16 addr32 es cs ds ss fs gs pause */
	{ M32, 8, 8, "\xf3\x67\x66\x2e\x66\x67\x0f\xa2" }, /* repz addr16 data16 cs data16 addr16 cpuid */
	{ M64, 15, 15, "\x2e\x2e\x2e\x2e\x2e\xc7\x80\x00\x03\x00\x00\x00\x00\x00\x00" }, /* cs cs cs cs cs movl $0x0,0x300(%rax) */
	{ M64, INV, 16, "\x2e\x2e\x2e\x2e\x2e\x2e\xc7\x80\x00\x03\x00\x00\x00\x00\x00\x00" }, /* hand: 16 bytes: > 15 is #GP */
	{ M64, 15, 15, "\x66\x66\x66\x66\x66\x66\x66\x66\x66\x66\x66\x66\x66\x66\x90" }, /* hand: 14 prefixes + nop */
	{ M64, INV, 16, "\x66\x66\x66\x66\x66\x66\x66\x66\x66\x66\x66\x66\x66\x66\x66\x90" }, /* hand: 15 prefixes + nop: 16 bytes */
	{ M32, INV, 16, "\x26\x26\x26\x26\x26\x26\x26\x26\x26\x26\x26\x26\x26\x26\x26\x90" }, /* hand: 16 bytes, 32-bit */
	{ M64, INV, 21, "\x2e\x2e\x2e\x2e\x2e\x2e\x2e\x2e\x2e\x2e\x2e\x48\xb8\x11\x22\x33\x44\x55\x66\x77\x88" }, /* hand: REX.W mov imm64 pushed past 15 */
	{ M64, 3, 3, "\xc5\xf8\x77" }, /* vzeroupper */
	{ M64, 3, 3, "\xc5\xfc\x77" }, /* vzeroall */
	{ M64, 4, 4, "\xc4\xe1\x7d\x77" }, /* vzeroall */
	{ M64, 5, 5, "\xc4\xe2\x7d\x58\xc1" }, /* vpbroadcastd %xmm1,%ymm0 */
	{ M64, 6, 6, "\xc4\xe3\xfd\x00\xc1\x4e" }, /* vpermq $0x4e,%ymm1,%ymm0 */
	{ M64, 10, 10, "\xc4\xe3\xfd\x00\x80\x00\x01\x00\x00\x4e" }, /* vpermq $0x4e,0x100(%rax),%ymm0 */
	{ M64, 10, 10, "\xc4\x62\x7d\x58\x04\x25\x10\x00\x00\x00" }, /* vpbroadcastd 0x10,%ymm8 */
	{ M64, 5, 5, "\xc5\xf9\x70\x00\x11" }, /* vpshufd $0x11,(%rax),%xmm0 */
	{ M64, 5, 5, "\xc5\xfd\xc6\xc1\x01" }, /* vshufpd $0x1,%ymm1,%ymm0,%ymm0 */
	{ M64, 5, 5, "\xc5\xf9\xc5\xc0\x01" }, /* vpextrw $0x1,%xmm0,%eax */
	{ M64, 5, 5, "\xc5\xf9\xc4\xc0\x01" }, /* vpinsrw $0x1,%eax,%xmm0,%xmm0 */
	{ M64, 5, 5, "\xc5\xfc\xc2\xc1\x01" }, /* vcmpltps %ymm1,%ymm0,%ymm0 */
	{ M64, 5, 5, "\xc5\xf1\x73\xd1\x04" }, /* vpsrlq $0x4,%xmm1,%xmm1 */
	{ M64, 8, 8, "\xc5\xf9\x7f\x05\x00\x00\x00\x00" }, /* vmovdqa %xmm0,0x0(%rip) # 0x8 */
	{ M64, 6, 6, "\xc4\xe2\x6d\x90\x04\x88" }, /* vpgatherdd %ymm2,(%rax,%ymm1,4),%ymm0 */
	{ M64, 4, 4, "\x0f\x38\xf0\x00" }, /* movbe (%rax),%eax */
	{ M64, 5, 5, "\x66\x0f\x38\xf8\x10" }, /* movdir64b (%rax),%rdx */
	{ M64, 5, 5, "\xf2\x0f\x38\xf0\xc1" }, /* crc32 %cl,%eax */
	{ M64, 5, 5, "\x0f\x3a\x0f\xc1\x04" }, /* palignr $0x4,%mm1,%mm0 */
	{ M64, 8, 8, "\x66\x0f\x3a\x0f\x4c\x24\x08\x04" }, /* palignr $0x4,0x8(%rsp),%xmm1 */
	{ M64, 6, 6, "\x66\x0f\x3a\x44\xc1\x11" }, /* pclmulhqhqdq %xmm1,%xmm0 */
	{ M64, 10, 10, "\x66\x0f\x3a\x63\x05\x04\x00\x00\x00\xff" }, /* pcmpistri $0xff,0x4(%rip),%xmm0 # 0xe */
	{ M64, 6, 6, "\x66\x0f\x78\xc0\x04\x08" }, /* extrq $0x8,$0x4,%xmm0 */
	{ M64, 6, 6, "\xf2\x0f\x78\xc1\x04\x08" }, /* insertq $0x8,$0x4,%xmm1,%xmm0 */
	{ M64, 4, 4, "\x66\x0f\x79\xc1" }, /* extrq %xmm1,%xmm0 */
	{ M64, 4, 4, "\xf2\x0f\x79\xc1" }, /* insertq %xmm1,%xmm0 */
	{ M64, 3, 3, "\x0f\x01\xf8" }, /* swapgs */
	{ M64, 3, 3, "\x0f\x01\xd0" }, /* xgetbv */
	{ M64, 3, 3, "\x0f\x01\xfa" }, /* monitorx %rax,%ecx,%edx */
	{ M64, 3, 3, "\x0f\x01\xfb" }, /* mwaitx %eax,%ecx,%ebx */
	{ M64, 3, 3, "\x0f\x01\xfc" }, /* clzero */
	{ M64, 3, 3, "\x0f\x01\xfd" }, /* rdpru */
	{ M64, 3, 3, "\x0f\x01\xfe" }, /* invlpgb */
	{ M64, 3, 3, "\x0f\x01\xff" }, /* tlbsync */
	{ M64, 3, 3, "\x0f\x01\xde" }, /* skinit */
	{ M64, 3, 3, "\x0f\x01\xdf" }, /* invlpga */
	{ M64, 3, 3, "\x0f\x01\xda" }, /* vmload */
	{ M64, 3, 3, "\x0f\x01\xdb" }, /* vmsave */
	{ M64, 3, 3, "\x0f\x01\xdc" }, /* stgi */
	{ M64, 3, 3, "\x0f\x01\xdd" }, /* clgi */
	{ M64, 3, 3, "\x0f\x01\xc1" }, /* vmcall */
	{ M64, 3, 3, "\x0f\x01\x38" }, /* invlpg (%rax) */
	{ M64, 7, 7, "\x0f\x01\x3d\x00\x10\x00\x00" }, /* invlpg 0x1000(%rip) # 0x1007 */
	{ M64, 7, 7, "\x0f\x01\x15\x00\x10\x00\x00" }, /* lgdt 0x1000(%rip) # 0x1007 */
	{ M64, 5, 5, "\x0f\x01\x54\x24\x08" }, /* lgdt 0x8(%rsp) */
	{ M64, 3, 3, "\x0f\x00\xd8" }, /* ltr %ax */
	{ M64, 3, 3, "\x0f\xc7\xf8" }, /* rdseed %eax */
	{ M64, 3, 3, "\x0f\xc7\x08" }, /* cmpxchg8b (%rax) */
	{ M64, 4, 4, "\x48\x0f\xc7\x0f" }, /* cmpxchg16b (%rdi) */
	{ M64, 3, 3, "\x0f\xae\xe8" }, /* lfence */
	{ M64, 3, 3, "\x0f\xae\x00" }, /* fxsave (%rax) */
	{ M64, 5, 5, "\x0f\xae\x7c\x24\x04" }, /* clflush 0x4(%rsp) */
	{ M64, 2, 2, "\x0f\xa2" }, /* cpuid */
	{ M64, 4, 4, "\x0f\xba\x20\x01" }, /* btl $0x1,(%rax) */
	{ M64, 4, 4, "\x0f\xa4\xc3\x04" }, /* shld $0x4,%eax,%ebx */
	{ M64, 8, 8, "\x0f\xac\x05\x04\x00\x00\x00\xff" }, /* shrd $0xff,%eax,0x4(%rip) # 0xc */
	{ M64, 4, 4, "\x0f\xc2\xc1\x01" }, /* cmpltps %xmm1,%xmm0 */
	{ M64, 4, 4, "\x0f\x70\xc1\x1b" }, /* pshufw $0x1b,%mm1,%mm0 */
	{ M64, 4, 4, "\x0f\x71\xd0\x04" }, /* psrlw $0x4,%mm0 */
	{ M64, 4, 4, "\x0f\xc6\x00\x01" }, /* shufps $0x1,(%rax),%xmm0 */
	{ M64, 2, 2, "\x0f\xc8" }, /* bswap %eax */
	{ M64, 2, 2, "\x0f\x05" }, /* syscall */
	{ M64, 2, 2, "\x0f\x07" }, /* sysretl */
	{ M64, 2, 2, "\x0f\x34" }, /* sysenter */
	{ M64, 2, 2, "\x0f\x09" }, /* wbinvd */
	{ M64, 3, 3, "\xf3\x0f\x09" }, /* wbnoinvd */
	{ M64, 2, 2, "\x0f\x08" }, /* invd */
	{ M64, 2, 2, "\x0f\x06" }, /* clts */
	{ M64, 2, 2, "\x0f\x31" }, /* rdtsc */
	{ M64, 2, 2, "\x0f\x33" }, /* rdpmc */
	{ M64, 2, 2, "\x0f\x37" }, /* getsec */
	{ M64, 2, 2, "\x0f\x77" }, /* emms */
	{ M64, 2, 2, "\x0f\xa0" }, /* push %fs */
	{ M64, 2, 2, "\x0f\xa9" }, /* pop %gs */
	{ M64, 2, 2, "\x0f\xaa" }, /* rsm */
	{ M64, 6, 6, "\x0f\x80\x11\x22\x33\x44" }, /* jo 0x44332217 */
	{ M64, 3, 3, "\x0f\x90\x00" }, /* seto (%rax) */
	{ M64, 3, 3, "\x0f\x40\x00" }, /* cmovo (%rax),%eax */
	{ M64, 3, 3, "\x0f\x10\x00" }, /* movups (%rax),%xmm0 */
	{ M64, 3, 3, "\x0f\xb6\x00" }, /* movzbl (%rax),%eax */
	{ M64, 3, 3, "\x0f\xbf\x00" }, /* movswl (%rax),%eax */
	{ M64, 4, 4, "\xf3\x0f\xb8\xc1" }, /* popcnt %ecx,%eax */
	{ M64, 4, 4, "\xc8\x10\x00\x01" }, /* enter $0x10,$0x1 */
	{ M64, 3, 3, "\xc2\x08\x00" }, /* ret $0x8 */
	{ M64, 2, 2, "\xcd\x80" }, /* int $0x80 */
	{ M64, 1, 1, "\xcc" }, /* int3 */
	{ M64, 1, 1, "\xf1" }, /* int1 */
	{ M64, 3, 3, "\x6b\xc0\x12" }, /* imul $0x12,%eax,%eax */
	{ M64, 6, 6, "\x69\xc0\x11\x22\x33\x44" }, /* imul $0x44332211,%eax,%eax */
	{ M64, 3, 3, "\x80\x00\x12" }, /* addb $0x12,(%rax) */
	{ M64, 6, 6, "\x81\x00\x11\x22\x33\x44" }, /* addl $0x44332211,(%rax) */
	{ M64, 5, 5, "\x66\x81\x00\x11\x22" }, /* addw $0x2211,(%rax) */
	{ M64, 3, 3, "\x83\x00\x12" }, /* addl $0x12,(%rax) */
	{ M64, 3, 3, "\xc0\xe0\x04" }, /* shl $0x4,%al */
	{ M64, 3, 3, "\xc1\xe0\x04" }, /* shl $0x4,%eax */
	{ M64, 2, 2, "\xd1\xe0" }, /* shl %eax */
	{ M64, 2, 2, "\xd3\xe0" }, /* shl %cl,%eax */
	{ M64, 3, 3, "\xc6\x00\x12" }, /* movb $0x12,(%rax) */
	{ M64, 6, 6, "\xc7\x00\x11\x22\x33\x44" }, /* movl $0x44332211,(%rax) */
	{ M64, 5, 5, "\x66\xc7\x00\x11\x22" }, /* movw $0x2211,(%rax) */
	{ M64, 7, 7, "\x48\xc7\x00\x11\x22\x33\x44" }, /* movq $0x44332211,(%rax) */
	{ M64, 10, 10, "\xc7\x05\x11\x22\x33\x44\x55\x66\x77\x88" }, /* movl $0x88776655,0x44332211(%rip) # 0x4433221b */
	{ M64, 11, 11, "\xc7\x04\x25\x00\x03\x00\x00\x55\x66\x77\x88" }, /* movl $0x88776655,0x300 */
	{ M64, 8, 8, "\xc7\x44\x24\x08\x55\x66\x77\x88" }, /* movl $0x88776655,0x8(%rsp) */
	{ M64, 11, 11, "\xc7\x84\x24\x00\x01\x00\x00\x55\x66\x77\x88" }, /* movl $0x88776655,0x100(%rsp) */
	{ M64, 7, 7, "\xc7\x45\x00\x55\x66\x77\x88" }, /* movl $0x88776655,0x0(%rbp) */
	{ M64, 8, 8, "\x41\xc7\x45\x00\x55\x66\x77\x88" }, /* movl $0x88776655,0x0(%r13) */
	{ M64, 8, 8, "\x41\xc7\x04\x24\x55\x66\x77\x88" }, /* movl $0x88776655,(%r12) */
	{ M64, 11, 11, "\x41\xc7\x05\x11\x22\x33\x44\x55\x66\x77\x88" }, /* movl $0x88776655,0x44332211(%rip) # 0x4433221c */
	{ M64, 12, 12, "\x42\xc7\x04\x25\x00\x03\x00\x00\x55\x66\x77\x88" }, /* movl $0x88776655,0x300(,%r12,1) */
	{ M64, 8, 8, "\x41\xc7\x04\x2c\x55\x66\x77\x88" }, /* movl $0x88776655,(%r12,%rbp,1) */
	{ M64, 12, 12, "\x41\xc7\x04\x65\x00\x00\x00\x00\x55\x66\x77\x88" }, /* movl $0x88776655,0x0(,%riz,2) */
	{ M64, 2, 2, "\x89\x07" }, /* mov %eax,(%rdi) */
	{ M64, 2, 2, "\x89\x37" }, /* mov %esi,(%rdi) */
	{ M64, 2, 2, "\x89\x10" }, /* mov %edx,(%rax) */
	{ M64, 2, 2, "\x89\x11" }, /* mov %edx,(%rcx) */
	{ M64, 3, 3, "\x66\x89\x11" }, /* mov %dx,(%rcx) */
	{ M64, 2, 2, "\x88\x11" }, /* mov %dl,(%rcx) */
	{ M64, 3, 3, "\x48\x89\x11" }, /* mov %rdx,(%rcx) */
	{ M64, 4, 4, "\x89\x54\x01\x10" }, /* mov %edx,0x10(%rcx,%rax,1) */
	{ M64, 6, 6, "\x89\x87\x00\x03\x00\x00" }, /* mov %eax,0x300(%rdi) */
	{ M64, 6, 6, "\x89\xb7\x80\x03\x00\x00" }, /* mov %esi,0x380(%rdi) */
	{ M64, 6, 6, "\x8b\x87\x20\x03\x00\x00" }, /* mov 0x320(%rdi),%eax */
	{ M64, 6, 6, "\x89\x05\x11\x22\x33\x44" }, /* mov %eax,0x44332211(%rip) # 0x44332217 */
	{ M64, 4, 4, "\x44\x89\x0c\x24" }, /* mov %r9d,(%rsp) */
	{ M64, 5, 5, "\x45\x89\x4c\x24\x10" }, /* mov %r9d,0x10(%r12) */
	{ M64, 7, 7, "\x89\x14\x8d\x00\x10\x00\x00" }, /* mov %edx,0x1000(,%rcx,4) */
	{ M64, 7, 7, "\x89\x04\xc5\x00\x00\x00\x00" }, /* mov %eax,0x0(,%rax,8) */
	{ M64, 2, 2, "\x87\x07" }, /* xchg %eax,(%rdi) */
	{ M64, 3, 3, "\xf0\x87\x07" }, /* lock xchg %eax,(%rdi) */
	{ M64, 1, 1, "\xa5" }, /* movsl %ds:(%rsi),%es:(%rdi) */
	{ M64, 2, 2, "\xf3\xa5" }, /* rep movsl %ds:(%rsi),%es:(%rdi) */
	{ M64, 3, 3, "\xf3\x48\xa5" }, /* rep movsq %ds:(%rsi),%es:(%rdi) */
	{ M64, 1, 1, "\xab" }, /* stos %eax,%es:(%rdi) */
	{ M64, 2, 2, "\xe4\x60" }, /* in $0x60,%al */
	{ M64, 2, 2, "\xe6\x80" }, /* out %al,$0x80 */
	{ M64, 1, 1, "\xec" }, /* in (%dx),%al */
	{ M64, 1, 1, "\xef" }, /* out %eax,(%dx) */
	{ M64, 2, 2, "\xe0\xfe" }, /* loopne 0x0 */
	{ M64, 2, 2, "\xe3\xfe" }, /* jrcxz 0x0 */
	{ M64, 3, 3, "\x67\xe3\xfe" }, /* jecxz 0x1 */
	{ M64, 2, 2, "\xeb\xfe" }, /* jmp 0x0 */
	{ M64, 2, 2, "\x7f\xfe" }, /* jg 0x0 */
	{ M64, 5, 5, "\xe9\x11\x22\x33\x44" }, /* jmp 0x44332216 */
	{ M64, 5, 5, "\xe8\x11\x22\x33\x44" }, /* call 0x44332216 */
	{ M64, 6, 6, "\xff\x15\x11\x22\x33\x44" }, /* call *0x44332211(%rip) # 0x44332217 */
	{ M64, 2, 2, "\xff\xd0" }, /* call *%rax */
	{ M64, 7, 7, "\xff\x24\xc5\x11\x22\x33\x44" }, /* jmp *0x44332211(,%rax,8) */
	{ M64, 3, 3, "\xff\x2c\x24" }, /* ljmp *(%rsp) */
	{ M64, 2, 2, "\xfe\xc0" }, /* inc %al */
	{ M64, 2, 2, "\x63\xc1" }, /* movsxd %ecx,%eax */
	{ M64, 4, 4, "\x48\x63\x04\x24" }, /* movslq (%rsp),%rax */
	{ M64, 2, 2, "\xd8\xc1" }, /* fadd %st(1),%st */
	{ M64, 2, 2, "\xd9\xee" }, /* fldz */
	{ M64, 3, 3, "\xdd\x1c\x24" }, /* fstpl (%rsp) */
	{ M64, 4, 4, "\xdf\x6c\x24\x08" }, /* fildll 0x8(%rsp) */
	{ M64, 2, 2, "\xdb\xe3" }, /* fninit */
	{ M64, 1, 1, "\x9b" }, /* fwait */
	{ M64, 1, 1, "\x9c" }, /* pushf */
	{ M64, 1, 1, "\x9d" }, /* popf */
	{ M64, 1, 1, "\x98" }, /* cwtl */
	{ M64, 1, 1, "\x99" }, /* cltd */
	{ M64, 1, 1, "\xd7" }, /* xlat %ds:(%rbx) */
	{ M64, 1, 1, "\xf4" }, /* hlt */
	{ M64, 1, 1, "\xfa" }, /* cli */
	{ M64, 1, 1, "\xfb" }, /* sti */
	{ M64, 1, 1, "\xf5" }, /* cmc */
	{ M64, 2, 2, "\x8c\xd8" }, /* mov %ds,%eax */
	{ M64, 2, 2, "\x8e\xd8" }, /* mov %eax,%ds */
	{ M64, 3, 3, "\x8d\x04\x24" }, /* lea (%rsp),%eax */
	{ M64, 6, 6, "\x8d\x05\x00\x00\x00\x00" }, /* lea 0x0(%rip),%eax # 0x6 */
	{ M64, 2, 2, "\x84\xc0" }, /* test %al,%al */
	{ M64, 2, 2, "\xa8\x01" }, /* test $0x1,%al */
	{ M64, 5, 5, "\xa9\x11\x22\x33\x44" }, /* test $0x44332211,%eax */
	{ M64, 4, 4, "\x66\xa9\x11\x22" }, /* test $0x2211,%ax */
	{ M64, 6, 6, "\x48\xa9\x11\x22\x33\x44" }, /* test $0x44332211,%rax */
	{ M64, 2, 2, "\x04\x01" }, /* add $0x1,%al */
	{ M64, 5, 5, "\x05\x11\x22\x33\x44" }, /* add $0x44332211,%eax */
	{ M64, 4, 4, "\x66\x05\x11\x22" }, /* add $0x2211,%ax */
	{ M64, 6, 6, "\x48\x05\x11\x22\x33\x44" }, /* add $0x44332211,%rax */
	{ M64, 2, 2, "\x0c\x01" }, /* or $0x1,%al */
	{ M64, 2, 2, "\x1c\x01" }, /* sbb $0x1,%al */
	{ M64, 5, 5, "\x2d\x11\x22\x33\x44" }, /* sub $0x44332211,%eax */
	{ M64, 2, 2, "\x3c\x01" }, /* cmp $0x1,%al */
	{ M64, 5, 5, "\x3d\x11\x22\x33\x44" }, /* cmp $0x44332211,%eax */
	{ M64, 2, 2, "\x6a\x01" }, /* push $0x1 */
	{ M64, 5, 5, "\x68\x11\x22\x33\x44" }, /* push $0x44332211 */
	{ M64, 1, 1, "\x50" }, /* push %rax */
	{ M64, 2, 2, "\x41\x57" }, /* push %r15 */
	{ M64, 1, 1, "\x90" }, /* nop */
	{ M64, 2, 2, "\xf3\x90" }, /* pause */
	{ M64, 2, 2, "\x41\x90" }, /* xchg %eax,%r8d */
	{ M64, 1, 1, "\x6c" }, /* insb (%dx),%es:(%rdi) */
	{ M64, 1, 1, "\x6f" }, /* outsl %ds:(%rsi),(%dx) */
	{ M64, 1, 1, "\xc9" }, /* leave */
	{ M64, 1, 1, "\xcf" }, /* iret */
	{ M64, 2, 2, "\x48\xcf" }, /* iretq */
	{ M64, INV, 1, "\xce" }, /* hand: invalid in 64-bit (INTO) */
	{ M64, INV, 1, "\x06" }, /* hand: invalid in 64-bit (PUSH ES) */
	{ M64, INV, 1, "\x07" }, /* hand: invalid in 64-bit (POP ES) */
	{ M64, INV, 1, "\x0e" }, /* hand: invalid in 64-bit (PUSH CS) */
	{ M64, INV, 1, "\x16" }, /* hand: invalid in 64-bit (PUSH SS) */
	{ M64, INV, 1, "\x17" }, /* hand: invalid in 64-bit (POP SS) */
	{ M64, INV, 1, "\x1e" }, /* hand: invalid in 64-bit (PUSH DS) */
	{ M64, INV, 1, "\x1f" }, /* hand: invalid in 64-bit (POP DS) */
	{ M64, INV, 1, "\x27" }, /* hand: invalid in 64-bit (DAA) */
	{ M64, INV, 1, "\x2f" }, /* hand: invalid in 64-bit (DAS) */
	{ M64, INV, 1, "\x37" }, /* hand: invalid in 64-bit (AAA) */
	{ M64, INV, 1, "\x3f" }, /* hand: invalid in 64-bit (AAS) */
	{ M64, INV, 1, "\x60" }, /* hand: invalid in 64-bit (PUSHA) */
	{ M64, INV, 1, "\x61" }, /* hand: invalid in 64-bit (POPA) */
	{ M64, INV, 3, "\x82\xc0\x01" }, /* hand: invalid in 64-bit (82 alias of 80) */
	{ M64, INV, 7, "\x9a\x11\x22\x33\x44\x55\x66" }, /* hand: invalid in 64-bit (CALL far ptr16:32) */
	{ M64, INV, 7, "\xea\x11\x22\x33\x44\x55\x66" }, /* hand: invalid in 64-bit (JMP far ptr16:32) */
	{ M64, INV, 2, "\xd4\x0a" }, /* hand: invalid in 64-bit (AAM) */
	{ M64, INV, 2, "\xd5\x0a" }, /* hand: invalid in 64-bit (AAD) */
	{ M64, INV, 1, "\xd6" }, /* hand: invalid in 64-bit (SALC) */
	{ M64, INV, 2, "\x48\x06" }, /* hand: invalid in 64-bit, with REX */
	{ M64, INV, 2, "\x66\x60" }, /* hand: invalid in 64-bit, with 66 */
	{ M64, INV, 5, "\xc4\xe0\x7d\x00\xc1" }, /* hand: VEX3 map 0 undefined */
	{ M64, INV, 5, "\xc4\xe4\x7d\x00\xc1" }, /* hand: VEX3 map 4 undefined */
	{ M64, INV, 5, "\xc4\xff\x7d\x00\xc1" }, /* hand: VEX3 map 31 undefined */
	{ M64, INV, 6, "\x62\xf0\x7c\x48\x10\xc1" }, /* hand: EVEX map 0 undefined */
	{ M64, INV, 6, "\x62\xf4\x7c\x48\x10\xc1" }, /* hand: EVEX map 4 (APX) not supported */
	{ M64, INV, 6, "\x62\xf7\x7c\x48\x10\xc1" }, /* hand: EVEX map 7 undefined */
	{ M64, INV, 5, "\x8f\xeb\x78\x10\xc3" }, /* hand: XOP map B undefined */
	{ M64, INV, 5, "\x8f\xff\x78\x10\xc3" }, /* hand: XOP map 1F undefined */
	{ M64, INV, 4, "\x66\xc5\xf8\x77" }, /* hand: 66 before VEX is #UD */
	{ M64, INV, 4, "\xf3\xc5\xf8\x77" }, /* hand: F3 before VEX is #UD */
	{ M64, INV, 6, "\xf2\xc4\xe2\x7d\x58\xc1" }, /* hand: F2 before VEX is #UD */
	{ M64, INV, 4, "\xf0\xc5\xf8\x77" }, /* hand: LOCK before VEX is #UD */
	{ M64, INV, 4, "\x48\xc5\xf8\x77" }, /* hand: REX before VEX is #UD */
	{ M64, INV, 7, "\x41\x62\xf1\x7c\x48\x10\x00" }, /* hand: REX before EVEX is #UD */
	{ M64, INV, 7, "\x66\x8f\xe8\x78\xa2\xc1\x30" }, /* hand: 66 before XOP is #UD */
	{ M64, INV, 2, "\x0f\x04" }, /* hand: undefined 0F 04 */
	{ M64, INV, 2, "\x0f\x0a" }, /* hand: undefined 0F 0A */
	{ M64, INV, 2, "\x0f\x0c" }, /* hand: undefined 0F 0C */
	{ M64, INV, 3, "\x0f\x24\xc0" }, /* hand: MOV TR (386 only) */
	{ M64, INV, 3, "\x0f\x26\xc0" }, /* hand: MOV TR (386 only) */
	{ M64, INV, 2, "\x0f\x36" }, /* hand: undefined 0F 36 */
	{ M64, INV, 2, "\x0f\x39" }, /* hand: undefined 0F 39 */
	{ M64, INV, 2, "\x0f\x3b" }, /* hand: undefined 0F 3B */
	{ M64, INV, 2, "\x0f\x3f" }, /* hand: undefined 0F 3F */
	{ M64, INV, 3, "\x0f\x7a\x00" }, /* hand: undefined 0F 7A */
	{ M64, INV, 3, "\x0f\x7b\x00" }, /* hand: undefined 0F 7B */
	{ M64, INV, 3, "\x0f\xa6\xc0" }, /* hand: undefined 0F A6 (VIA only) */
	{ M64, INV, 3, "\x0f\xa7\xc0" }, /* hand: undefined 0F A7 (VIA only) */
	{ M32, 1, 1, "\x06" }, /* push %es */
	{ M32, 1, 1, "\x07" }, /* pop %es */
	{ M32, 1, 1, "\x0e" }, /* push %cs */
	{ M32, 1, 1, "\x1f" }, /* pop %ds */
	{ M32, 1, 1, "\x27" }, /* daa */
	{ M32, 1, 1, "\x60" }, /* pusha */
	{ M32, 1, 1, "\x61" }, /* popa */
	{ M32, 1, 1, "\xce" }, /* into */
	{ M32, 2, 2, "\xd4\x0a" }, /* aam $0xa */
	{ M32, 2, 2, "\xd5\x0a" }, /* aad $0xa */
	{ M32, 1, 1, "\xd6" }, /* hand: SALC (undocumented), 1 byte */
	{ M32, 3, 3, "\x82\xc0\x01" }, /* add $0x1,%al */
	{ M32, 7, 7, "\x9a\x11\x22\x33\x44\x55\x66" }, /* lcall $0x6655,$0x44332211 */
	{ M32, 7, 7, "\xea\x11\x22\x33\x44\x55\x66" }, /* ljmp $0x6655,$0x44332211 */
	{ M32, 6, 6, "\x66\x9a\x11\x22\x33\x44" }, /* lcallw $0x4433,$0x2211 */
	{ M32, 6, 6, "\x66\xea\x11\x22\x33\x44" }, /* ljmpw $0x4433,$0x2211 */
	{ M16, 5, 5, "\x9a\x11\x22\x33\x44" }, /* lcall $0x4433,$0x2211 */
	{ M16, 5, 5, "\xea\x11\x22\x33\x44" }, /* ljmp $0x4433,$0x2211 */
	{ M16, 8, 8, "\x66\xea\x11\x22\x33\x44\x55\x66" }, /* ljmpl $0x6655,$0x44332211 */
	{ M16, 8, 8, "\x66\x9a\x11\x22\x33\x44\x55\x66" }, /* lcalll $0x6655,$0x44332211 */
	{ M32, 1, 1, "\x40" }, /* inc %eax */
	{ M32, 1, 1, "\x4f" }, /* dec %edi */
	{ M32, 1, 6, "\x48\xb8\x11\x22\x33\x44" }, /* hand: 48 is DEC EAX outside 64-bit: 1 */
	{ M32, 1, 1, "\x41" }, /* hand: 41 is INC ECX: 1 */
	{ M16, 1, 1, "\x40" }, /* inc %ax */
	{ M32, 2, 2, "\xc4\x00" }, /* les (%eax),%eax */
	{ M32, 6, 6, "\xc4\x05\x11\x22\x33\x44" }, /* les 0x44332211,%eax */
	{ M32, 4, 4, "\xc5\x44\x24\x08" }, /* lds 0x8(%esp),%eax */
	{ M32, 3, 3, "\x66\xc5\x00" }, /* lds (%eax),%ax */
	{ M32, 3, 3, "\xc5\xf8\x77" }, /* vzeroupper */
	{ M32, 5, 5, "\xc4\xe2\x7d\x58\xc1" }, /* vpbroadcastd %xmm1,%ymm0 */
	{ M32, 6, 6, "\xc4\xe3\x7d\x02\xc2\xf0" }, /* vpblendd $0xf0,%ymm2,%ymm0,%ymm0 */
	{ M32, 2, 2, "\x62\x00" }, /* bound %eax,(%eax) */
	{ M32, 4, 4, "\x62\x44\x24\x08" }, /* bound %eax,0x8(%esp) */
	{ M32, 3, 3, "\x66\x62\x00" }, /* bound %ax,(%eax) */
	{ M32, 6, 6, "\x62\xf1\x7c\x48\x10\x00" }, /* vmovups (%eax),%zmm0 */
	{ M32, 7, 7, "\x62\xf1\x7c\x48\x10\x40\x01" }, /* vmovups 0x40(%eax),%zmm0 */
	{ M32, 2, 2, "\x8f\xc0" }, /* pop %eax */
	{ M32, 2, 2, "\x8f\x00" }, /* pop (%eax) */
	{ M32, 6, 6, "\x8f\xe8\x78\xa2\xc1\x30" }, /* vpcmov %xmm3,%xmm1,%xmm0,%xmm0 */
	{ M32, 5, 5, "\xa1\x11\x22\x33\x44" }, /* mov 0x44332211,%eax */
	{ M32, 4, 4, "\x67\xa1\x11\x22" }, /* addr16 mov 0x2211,%eax */
	{ M32, 6, 6, "\x66\xa3\x11\x22\x33\x44" }, /* mov %ax,0x44332211 */
	{ M32, 3, 3, "\x67\x8b\x00" }, /* mov (%bx,%si),%eax */
	{ M32, 5, 5, "\x67\x8b\x06\x11\x22" }, /* mov 0x2211,%eax */
	{ M32, 4, 4, "\x67\x8b\x46\x10" }, /* mov 0x10(%bp),%eax */
	{ M32, 5, 5, "\x67\x8b\x86\x11\x22" }, /* mov 0x2211(%bp),%eax */
	{ M32, 9, 9, "\x67\xc7\x06\x11\x22\x11\x22\x33\x44" }, /* movl $0x44332211,0x2211 */
	{ M32, 7, 7, "\x8b\x04\x25\x11\x22\x33\x44" }, /* mov 0x44332211(,%eiz,1),%eax */
	{ M32, 6, 6, "\x8b\x05\x11\x22\x33\x44" }, /* mov 0x44332211,%eax */
	{ M32, 10, 10, "\xc7\x05\xb0\x00\xe0\xfe\x00\x00\x00\x00" }, /* movl $0x0,0xfee000b0 */
	{ M32, 6, 6, "\x89\x15\x00\x03\xe0\xfe" }, /* mov %edx,0xfee00300 */
	{ M32, 10, 10, "\xc7\x80\x00\x03\x00\x00\x11\x22\x33\x44" }, /* movl $0x44332211,0x300(%eax) */
	{ M32, 5, 5, "\x66\xc7\x00\x11\x22" }, /* movw $0x2211,(%eax) */
	{ M32, 4, 4, "\x66\xb8\x11\x22" }, /* mov $0x2211,%ax */
	{ M32, 5, 5, "\xb8\x11\x22\x33\x44" }, /* mov $0x44332211,%eax */
	{ M32, 5, 5, "\xe8\x11\x22\x33\x44" }, /* call 0x44332216 */
	{ M32, 4, 4, "\x66\xe8\x11\x22" }, /* callw 0x2215 */
	{ M32, 6, 6, "\x0f\x84\x11\x22\x33\x44" }, /* je 0x44332217 */
	{ M32, 5, 5, "\x66\x0f\x84\x11\x22" }, /* je 0x2216 */
	{ M32, 5, 5, "\x68\x11\x22\x33\x44" }, /* push $0x44332211 */
	{ M32, 4, 4, "\x66\x68\x11\x22" }, /* pushw $0x2211 */
	{ M32, 4, 4, "\xc8\x10\x00\x01" }, /* enter $0x10,$0x1 */
	{ M32, 6, 6, "\xf7\xc0\x11\x22\x33\x44" }, /* test $0x44332211,%eax */
	{ M32, 5, 5, "\x66\xf7\xc0\x11\x22" }, /* test $0x2211,%ax */
	{ M32, 3, 3, "\x0f\x20\xc0" }, /* mov %cr0,%eax */
	{ M32, 3, 3, "\x0f\x22\x00" }, /* mov %eax,%cr0 */
	{ M32, 6, 6, "\x66\x0f\x78\xc0\x04\x08" }, /* extrq $0x8,$0x4,%xmm0 */
	{ M32, 4, 4, "\x0f\x0f\xc1\x9e" }, /* pfadd %mm1,%mm0 */
	{ M32, 2, 2, "\x0f\x05" }, /* syscall */
	{ M32, 2, 2, "\x0f\x34" }, /* sysenter */
	{ M32, 6, 6, "\xc7\xf8\x11\x22\x33\x44" }, /* xbegin 0x44332217 */
	{ M16, 3, 3, "\xa1\x11\x22" }, /* mov 0x2211,%ax */
	{ M16, 6, 6, "\x67\xa1\x11\x22\x33\x44" }, /* addr32 mov 0x44332211,%ax */
	{ M16, 3, 3, "\xa2\x11\x22" }, /* mov %al,0x2211 */
	{ M16, 4, 4, "\x66\xa3\x11\x22" }, /* mov %eax,0x2211 */
	{ M16, 3, 3, "\xb8\x11\x22" }, /* mov $0x2211,%ax */
	{ M16, 6, 6, "\x66\xb8\x11\x22\x33\x44" }, /* mov $0x44332211,%eax */
	{ M16, 2, 2, "\x8b\x00" }, /* mov (%bx,%si),%ax */
	{ M16, 4, 4, "\x8b\x06\x11\x22" }, /* mov 0x2211,%ax */
	{ M16, 3, 3, "\x8b\x46\x00" }, /* mov 0x0(%bp),%ax */
	{ M16, 3, 3, "\x8b\x47\x10" }, /* mov 0x10(%bx),%ax */
	{ M16, 4, 4, "\x8b\x87\x11\x22" }, /* mov 0x2211(%bx),%ax */
	{ M16, 2, 2, "\x8b\xc0" }, /* mov %ax,%ax */
	{ M16, 6, 6, "\xc7\x06\x11\x22\x33\x44" }, /* movw $0x4433,0x2211 */
	{ M16, 9, 9, "\x66\xc7\x06\x11\x22\x11\x22\x33\x44" }, /* movl $0x44332211,0x2211 */
	{ M16, 4, 4, "\x67\x8b\x04\x24" }, /* mov (%esp),%ax */
	{ M16, 7, 7, "\x67\x8b\x05\x11\x22\x33\x44" }, /* addr32 mov 0x44332211,%ax */
	{ M16, 5, 5, "\x67\x8b\x44\x24\x08" }, /* mov 0x8(%esp),%ax */
	{ M16, 13, 13, "\x67\x66\xc7\x84\x88\x11\x22\x33\x44\x55\x66\x77\x88" }, /* movl $0x88776655,0x44332211(%eax,%ecx,4) */
	{ M16, 3, 3, "\xe8\x11\x22" }, /* call 0x2214 */
	{ M16, 6, 6, "\x66\xe8\x11\x22\x33\x44" }, /* calll 0x44332217 */
	{ M16, 4, 4, "\x0f\x84\x11\x22" }, /* je 0x2215 */
	{ M16, 7, 7, "\x66\x0f\x84\x11\x22\x33\x44" }, /* je 0x44332218 */
	{ M16, 3, 3, "\xe9\x11\x22" }, /* jmp 0x2214 */
	{ M16, 3, 3, "\x68\x11\x22" }, /* push $0x2211 */
	{ M16, 6, 6, "\x66\x68\x11\x22\x33\x44" }, /* pushl $0x44332211 */
	{ M16, 2, 2, "\xc4\x00" }, /* les (%bx,%si),%ax */
	{ M16, 4, 4, "\xc5\x06\x11\x22" }, /* lds 0x2211,%ax */
	{ M16, 2, 2, "\x62\x00" }, /* bound %ax,(%bx,%si) */
	{ M16, 4, 4, "\xf7\xc0\x11\x22" }, /* test $0x2211,%ax */
	{ M16, 7, 7, "\x66\xf7\xc0\x11\x22\x33\x44" }, /* test $0x44332211,%eax */
	{ M16, 4, 4, "\x69\xc0\x11\x22" }, /* imul $0x2211,%ax,%ax */
	{ M16, 6, 6, "\x81\x06\x11\x22\x33\x44" }, /* addw $0x4433,0x2211 */
	{ M16, 4, 4, "\xc7\xf8\x11\x22" }, /* xbegin 0x2215 */
	{ M16, 1, 1, "\x06" }, /* push %es */
	{ M16, 1, 1, "\x48" }, /* dec %ax */
	{ M16, 2, 2, "\xcd\x10" }, /* int $0x10 */
	{ M16, 2, 2, "\x0f\xa2" }, /* cpuid */
	{ M16, 2, 2, "\x0f\x32" }, /* rdmsr */
	{ M16, 3, 3, "\x0f\x01\xd9" }, /* vmmcall */
	{ M16, 5, 5, "\x0f\x01\x16\x11\x22" }, /* lgdtw 0x2211 */
	{ M16, 3, 3, "\x0f\x20\xc0" }, /* mov %cr0,%eax */
	{ M16, 6, 6, "\x66\x0f\x01\x16\x11\x22" }, /* lgdtl 0x2211 */
	{ M16, 4, 4, "\xc8\x08\x00\x00" }, /* enter $0x8,$0x0 */
	{ M16, 3, 3, "\xca\x02\x00" }, /* lret $0x2 */
};

#define NCASES (sizeof(cases) / sizeof(cases[0]))

static const char *mode_name(enum hv_insn_mode m)
{
	return m == M16 ? "16" : m == M32 ? "32" : "64";
}

static void print_case(const struct insn_case *c, size_t avail, int got)
{
	char hex[3 * 32 + 1] = "";

	for (size_t i = 0; i < c->n && i < 32; i++)
		snprintf(hex + 3 * i, 4, "%02x ", (uint8_t)c->bytes[i]);
	print_error("mode %s bytes [%s] avail %zu: expected %d, got %d\n",
		    mode_name(c->mode), hex, avail, c->expect, got);
}

/* Decodes c->bytes followed by fill bytes, in a heap buffer of exactly avail
 * bytes so that ASan catches any read past avail. */
static int decode_case(const struct insn_case *c, size_t avail, uint8_t fill)
{
	uint8_t *buf = malloc(avail ? avail : 1);
	int r;

	assert_non_null(buf);
	for (size_t i = 0; i < avail; i++)
		buf[i] = i < c->n ? (uint8_t)c->bytes[i] : fill;
	r = hv_insn_length(buf, avail, c->mode);
	free(buf);
	return r;
}

static void check(const struct insn_case *c, size_t avail, uint8_t fill, int want)
{
	int got = decode_case(c, avail, fill);

	if (got != want) {
		print_case(c, avail, got);
		fail();
	}
}

/* Every table entry, with exactly its bytes available. */
static void test_table_exact(void **state)
{
	(void)state;
	for (size_t i = 0; i < NCASES; i++)
		check(&cases[i], cases[i].n, 0, cases[i].expect);
}

/* The bytes after the instruction must not change its length. */
static void test_table_trailing_bytes(void **state)
{
	static const uint8_t fills[] = { 0x00, 0x0f, 0x66, 0x90, 0xc4, 0xff };

	(void)state;
	for (size_t i = 0; i < NCASES; i++)
		for (size_t f = 0; f < sizeof(fills); f++)
			check(&cases[i], 24, fills[f], cases[i].expect);
}

/* Any valid instruction cut short by one or more bytes is ETRUNC. */
static void test_table_truncated(void **state)
{
	(void)state;
	for (size_t i = 0; i < NCASES; i++) {
		if (cases[i].expect < 0)
			continue;
		for (size_t avail = 0; avail < (size_t)cases[i].expect; avail++)
			check(&cases[i], avail, 0, HV_INSN_ETRUNC);
	}
}

static int len_of(enum hv_insn_mode mode, const char *bytes, size_t n, size_t avail)
{
	struct insn_case c = { mode, 0, n, bytes };

	return decode_case(&c, avail, 0);
}

#define LEN(mode, s, avail)     len_of(mode, s, sizeof(s) - 1, avail)

/* Truncation at each decoding stage, by name. */
static void test_truncated_stages(void **state)
{
	(void)state;
	assert_int_equal(hv_insn_length(NULL, 0, M64), HV_INSN_ETRUNC);
	assert_int_equal(LEN(M64, "\x66\x2e", 2), HV_INSN_ETRUNC);        /* prefixes only */
	assert_int_equal(LEN(M64, "\x48", 1), HV_INSN_ETRUNC);            /* REX only */
	assert_int_equal(LEN(M64, "\x0f", 1), HV_INSN_ETRUNC);            /* escape */
	assert_int_equal(LEN(M64, "\x0f\x38", 2), HV_INSN_ETRUNC);        /* 3-byte escape */
	assert_int_equal(LEN(M64, "\x0f\x3a\x0f\xc1", 4), HV_INSN_ETRUNC);/* imm8 */
	assert_int_equal(LEN(M64, "\x8b", 1), HV_INSN_ETRUNC);            /* ModRM */
	assert_int_equal(LEN(M64, "\x8b\x04", 2), HV_INSN_ETRUNC);        /* SIB */
	assert_int_equal(LEN(M64, "\x8b\x80\x00", 3), HV_INSN_ETRUNC);    /* disp32 */
	assert_int_equal(LEN(M64, "\x48\xb8\x11\x22\x33\x44", 6), HV_INSN_ETRUNC);
	assert_int_equal(LEN(M64, "\xc5", 1), HV_INSN_ETRUNC);            /* VEX2 payload */
	assert_int_equal(LEN(M64, "\xc4\xe2", 2), HV_INSN_ETRUNC);        /* VEX3 payload */
	assert_int_equal(LEN(M64, "\x62\xf1\x7c", 3), HV_INSN_ETRUNC);    /* EVEX payload */
	assert_int_equal(LEN(M32, "\xc4", 1), HV_INSN_ETRUNC);            /* LES or VEX? */
	assert_int_equal(LEN(M32, "\x62", 1), HV_INSN_ETRUNC);            /* BOUND or EVEX? */
	assert_int_equal(LEN(M64, "\x8f", 1), HV_INSN_ETRUNC);            /* POP or XOP? */
	assert_int_equal(LEN(M16, "\x8b\x06\x34", 3), HV_INSN_ETRUNC);    /* disp16 */
	assert_int_equal(LEN(M16, "\xea\x00\x00\x00", 4), HV_INSN_ETRUNC);/* ptr16:16 */
}

/* The 15-byte limit holds whatever avail says, and no byte past the 15th is
 * read: the buffer is 15 bytes, avail claims more. */
static void test_length_limit(void **state)
{
	uint8_t *buf = malloc(HV_INSN_MAX_LEN);

	(void)state;
	assert_non_null(buf);
	memset(buf, 0x66, HV_INSN_MAX_LEN);
	assert_int_equal(hv_insn_length(buf, 4096, M64), HV_INSN_EINVALID);
	assert_int_equal(hv_insn_length(buf, 4096, M16), HV_INSN_EINVALID);
	buf[14] = 0x90;
	assert_int_equal(hv_insn_length(buf, 4096, M64), 15);
	buf[13] = 0xb0;         /* 13 prefixes, mov al, imm8: 15 bytes */
	assert_int_equal(hv_insn_length(buf, 4096, M64), 15);
	buf[13] = 0x66;
	buf[14] = 0xb0;         /* 14 prefixes, mov al, imm8: 16 bytes */
	assert_int_equal(hv_insn_length(buf, 4096, M64), HV_INSN_EINVALID);
	free(buf);
}

/* The opcodes 64-bit mode removed are #UD there and valid elsewhere. */
static void test_invalid_in_64(void **state)
{
	static const uint8_t ops[] = {
		0x06, 0x07, 0x0e, 0x16, 0x17, 0x1e, 0x1f, 0x27, 0x2f, 0x37, 0x3f,
		0x60, 0x61, 0x82, 0x9a, 0xce, 0xd4, 0xd5, 0xd6, 0xea,
	};
	uint8_t buf[HV_INSN_MAX_LEN] = { 0 };

	(void)state;
	for (size_t i = 0; i < sizeof(ops); i++) {
		buf[0] = ops[i];
		assert_int_equal(hv_insn_length(buf, sizeof(buf), M64), HV_INSN_EINVALID);
		assert_true(hv_insn_length(buf, sizeof(buf), M32) > 0);
		assert_true(hv_insn_length(buf, sizeof(buf), M16) > 0);
	}
	/* C4/C5/62 with a memory ModRM are LES/LDS/BOUND outside 64-bit mode
	 * and VEX/EVEX in it, where "LES eax, [eax]" does not exist. */
	assert_int_equal(LEN(M32, "\xc4\x00", 15), 2);
	assert_int_equal(LEN(M32, "\x62\x00", 15), 2);
	assert_int_equal(LEN(M64, "\xc4\x00\x00\x00", 15), HV_INSN_EINVALID);
	assert_int_equal(LEN(M64, "\x62\x00\x00\x00\x00\x00", 15), HV_INSN_EINVALID);
}

static void test_mode_from(void **state)
{
	const uint64_t pe = 1, pg = 1ull << 31, vm = 1ull << 17;
	const uint64_t lma = EFER_LMA | EFER_LME;
	const uint16_t code64 = 0x9b | SEG_ATTR_L | SEG_ATTR_G;
	const uint16_t code32 = 0x9b | SEG_ATTR_DB | SEG_ATTR_G;
	const uint16_t code16 = 0x9b;

	(void)state;
	assert_int_equal(hv_insn_mode_from(0, 0, code16, 2), M16);      /* real mode */
	assert_int_equal(hv_insn_mode_from(0, 0, code32, 2), M16);      /* "unreal" CS.D */
	assert_int_equal(hv_insn_mode_from(0, pe, code32, 2), M32);
	assert_int_equal(hv_insn_mode_from(0, pe, code16, 2), M16);
	assert_int_equal(hv_insn_mode_from(0, pe | pg, code32, 2 | vm), M16);  /* v8086 */
	assert_int_equal(hv_insn_mode_from(lma, pe | pg, code64, 2), M64);
	assert_int_equal(hv_insn_mode_from(lma, pe | pg, code32, 2), M32);     /* compat */
	assert_int_equal(hv_insn_mode_from(lma, pe | pg, code16, 2), M16);     /* compat */
	/* CS.L without EFER.LMA is just a 32/16-bit segment. */
	assert_int_equal(hv_insn_mode_from(EFER_LME, pe, code64 | SEG_ATTR_DB, 2), M32);
	assert_int_equal(hv_insn_mode_from(0, pe, code64, 2), M16);
}

/* xorshift64*: a fixed seed keeps failures reproducible. */
static uint64_t rng_state;

static uint64_t rng(void)
{
	rng_state ^= rng_state >> 12;
	rng_state ^= rng_state << 25;
	rng_state ^= rng_state >> 27;
	return rng_state * 0x2545f4914f6cdd1dull;
}

/* Starts that reach the deeper decoders more often than uniform bytes. */
static uint8_t biased_byte(size_t i)
{
	static const uint8_t hot[] = {
		0x66, 0x67, 0xf2, 0xf3, 0xf0, 0x2e, 0x48, 0x41, 0x0f, 0x38, 0x3a,
		0xc4, 0xc5, 0x62, 0x8f, 0xf6, 0xf7, 0xa1, 0xb8, 0x9a, 0xc8, 0x04,
		0x05, 0x25, 0x44, 0x84, 0x0f, 0x01,
	};
	uint64_t r = rng();

	if (i < 6 && (r & 3) != 0)
		return hot[(r >> 8) % sizeof(hot)];
	return (uint8_t)(r >> 16);
}

/*
 * Random bytes in a buffer of exactly avail bytes (ASan checks every read),
 * every mode. A returned length fits avail and 15, decoding exactly that
 * many bytes gives it again, and one byte fewer is ETRUNC.
 */
static void fuzz_one(const uint8_t *src, size_t avail, enum hv_insn_mode mode)
{
	uint8_t *buf = malloc(avail ? avail : 1);
	int r;

	assert_non_null(buf);
	for (size_t i = 0; i < avail; i++)
		buf[i] = src[i];
	r = hv_insn_length(buf, avail, mode);
	if (r < 0) {
		assert_true(r == HV_INSN_ETRUNC || r == HV_INSN_EINVALID);
	} else {
		assert_true(r >= 1 && (size_t)r <= avail && r <= HV_INSN_MAX_LEN);
		assert_int_equal(hv_insn_length(buf, (size_t)r, mode), r);
		assert_int_equal(hv_insn_length(buf, (size_t)r - 1, mode), HV_INSN_ETRUNC);
	}
	free(buf);
}

static void test_fuzz(void **state)
{
	uint8_t src[20];

	(void)state;
	rng_state = 0x5eed5eed12345678ull;
	for (int iter = 0; iter < 1000000; iter++) {
		bool biased = iter & 1;
		size_t avail = rng() % (sizeof(src) + 1);

		for (size_t i = 0; i < sizeof(src); i++)
			src[i] = biased ? biased_byte(i) : (uint8_t)rng();
		fuzz_one(src, avail, (enum hv_insn_mode)(rng() % 3));
	}
}

/* Table entries with one or two random bytes changed: near-valid input. */
static void test_fuzz_mutated(void **state)
{
	uint8_t src[HV_INSN_MAX_LEN + 1];

	(void)state;
	rng_state = 0xc0ffee0123456789ull;
	for (size_t i = 0; i < NCASES; i++) {
		for (int k = 0; k < 64; k++) {
			size_t n = 0;

			for (; n < cases[i].n && n < sizeof(src); n++)
				src[n] = (uint8_t)cases[i].bytes[n];
			for (size_t j = n; j < sizeof(src); j++)
				src[j] = (uint8_t)rng();
			src[rng() % n] = (uint8_t)rng();
			if (k & 1)
				src[rng() % n] ^= (uint8_t)(1u << (rng() % 8));
			fuzz_one(src, rng() % (sizeof(src) + 1), cases[i].mode);
		}
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_table_exact),
		cmocka_unit_test(test_table_trailing_bytes),
		cmocka_unit_test(test_table_truncated),
		cmocka_unit_test(test_truncated_stages),
		cmocka_unit_test(test_length_limit),
		cmocka_unit_test(test_invalid_in_64),
		cmocka_unit_test(test_mode_from),
		cmocka_unit_test(test_fuzz),
		cmocka_unit_test(test_fuzz_mutated),
	};

	print_message("insn: %zu table cases\n", NCASES);
	return cmocka_run_group_tests(tests, NULL, NULL);
}
