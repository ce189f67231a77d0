/* SPDX-License-Identifier: MIT */
#include "hv/panic.h"

#include <stdarg.h>

#include "svm/hw.h"
#include "hv/console.h"
#include "hv/dbg/dbg.h"
#include "hv/fb.h"
#include "hv/fmt.h"
#include "hv/hv.h"
#include "hv/smp.h"


/* Formatted text on the console and, with on_screen and if this CPU draws, on the screen. */
static void vprint(bool on_screen, const char *fmt, va_list ap);

static void print(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vprint(false, fmt, ap);
	va_end(ap);
}

/* A line on the console and, if this CPU draws, on the screen. */
static void sprint(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vprint(true, fmt, ap);
	va_end(ap);
}

/*
 * The panic screen (hv/fb.h): without a UART, the first CPU to panic draws
 * its panic line, CPU and RIP, and the first backtrace frames on a band at
 * the top of the firmware's framebuffer (white on dark red). Only here: the
 * guest owns the screen while svmhv runs. Later panics on other CPUs stay
 * off it (one CPU draws); with a UART the screen is left alone.
 */
#define SCREEN_FG       0xffffffu
#define SCREEN_BG       0xa00000u
#define SCREEN_FRAMES   8       /* backtrace frames drawn */

static struct hv_fb_con screen;
static unsigned screen_cpu;     /* 1 + the index of the CPU that draws, 0 = none */

static bool screen_mine(void)
{
	return __atomic_load_n(&screen_cpu, __ATOMIC_ACQUIRE) == hv_this_cpu() + 1;
}

static void screen_open(void)
{
	unsigned none = 0;

	if (hv_console_port() || hv.boot.fb.format == HV_FB_NONE ||
	    !__atomic_compare_exchange_n(&screen_cpu, &none, hv_this_cpu() + 1, false,
					 __ATOMIC_ACQ_REL, __ATOMIC_ACQUIRE))
		return;
	hv_fb_con_init(&screen, &hv.boot.fb, (void *)(uintptr_t)hv.boot.fb.base, SCREEN_FG,
		       SCREEN_BG);
	hv_fb_con_clear(&screen);
}

static void vprint(bool on_screen, const char *fmt, va_list ap)
{
	char buf[256];

	hv_vsnprintf(buf, sizeof(buf), fmt, ap);
	hv_console_write(buf);
	if (on_screen && screen_mine())
		hv_fb_con_write(&screen, buf);
}

/*
 * Open GIF for the rest of the panic (IF stays clear): an SMI is not held
 * while the dump prints, nor after, in the final halt; an NMI meets svmhv's
 * host handler, which counts it. Only once SVM is on: STGI is #UD before.
 */
static void open_gif(void)
{
	if (rdmsr(MSR_EFER) & EFER_SVME)
		stgi();
}

static void seg(const char *name, const struct vmcb_seg *s)
{
	print("  %-4s sel %04x attr %04x limit %08x base %016llx\n", name, s->selector,
	      s->attrib, s->limit, (unsigned long long)s->base);
}

void vmcb_dump(const struct vmcb *v)
{
	const struct vmcb_control *c = &v->control;
	const struct vmcb_save *s = &v->save;

	print("VMCB at %p\n", (const void *)v);
	print("  intercepts cr %08x dr %08x exc %08x misc %08x %08x %08x\n",
	      c->intercept_cr, c->intercept_dr, c->intercept_exceptions, c->intercept_misc1,
	      c->intercept_misc2, c->intercept_misc3);
	print("  iopm %llx msrpm %llx tsc_offset %llx asid %u tlb_control %u\n",
	      (unsigned long long)c->iopm_base_pa, (unsigned long long)c->msrpm_base_pa,
	      (unsigned long long)c->tsc_offset, c->asid, c->tlb_control);
	print("  int_ctl %llx int_state %llx event_inj %llx nested_ctl %llx n_cr3 %llx\n",
	      (unsigned long long)c->int_ctl, (unsigned long long)c->int_state,
	      (unsigned long long)c->event_inj, (unsigned long long)c->nested_ctl,
	      (unsigned long long)c->n_cr3);
	print("  exit_code %llx info1 %llx info2 %llx int_info %llx next_rip %llx\n",
	      (unsigned long long)c->exit_code, (unsigned long long)c->exit_info_1,
	      (unsigned long long)c->exit_info_2, (unsigned long long)c->exit_int_info,
	      (unsigned long long)c->next_rip);
	seg("es", &s->es); seg("cs", &s->cs); seg("ss", &s->ss); seg("ds", &s->ds);
	seg("fs", &s->fs); seg("gs", &s->gs); seg("gdtr", &s->gdtr); seg("ldtr", &s->ldtr);
	seg("idtr", &s->idtr); seg("tr", &s->tr);
	print("  cpl %u efer %llx cr0 %llx cr2 %llx cr3 %llx cr4 %llx\n", s->cpl,
	      (unsigned long long)s->efer, (unsigned long long)s->cr0,
	      (unsigned long long)s->cr2, (unsigned long long)s->cr3,
	      (unsigned long long)s->cr4);
	print("  rip %llx rsp %llx rax %llx rflags %llx dr6 %llx dr7 %llx g_pat %llx\n",
	      (unsigned long long)s->rip, (unsigned long long)s->rsp,
	      (unsigned long long)s->rax, (unsigned long long)s->rflags,
	      (unsigned long long)s->dr6, (unsigned long long)s->dr7,
	      (unsigned long long)s->g_pat);
}

/* The last exit and how many of each this vCPU took (the exit trace is the debugger's). */
static void dump_exits(const struct vcpu *v)
{
	print("  last exit %llx info1 %llx info2 %llx int_info %llx; exits by code:",
	      (unsigned long long)v->vmcb->control.exit_code,
	      (unsigned long long)v->vmcb->control.exit_info_1,
	      (unsigned long long)v->vmcb->control.exit_info_2,
	      (unsigned long long)v->vmcb->control.exit_int_info);
	for (unsigned s = 0; s < HV_EXIT_SLOTS; s++)
		if (v->exit_counts[s])
			print(" %llx:%llu", (unsigned long long)hv_exit_code_of_slot(s),
			      (unsigned long long)v->exit_counts[s]);
	print("\n");
}

void hv_dump_vcpu(const struct vcpu *v)
{
	const struct svm_gprs *r;

	if (!v)
		return;
	r = &v->world.regs;
	print("vCPU %u: exits %llu, in %s\n", v->index, (unsigned long long)v->exit_total,
	      v->nested.in_l2 ? "L2 (vmcb02)" : "L1 (vmcb01)");
	print("  rbx %llx rcx %llx rdx %llx rsi %llx rdi %llx rbp %llx\n",
	      (unsigned long long)r->rbx, (unsigned long long)r->rcx,
	      (unsigned long long)r->rdx, (unsigned long long)r->rsi,
	      (unsigned long long)r->rdi, (unsigned long long)r->rbp);
	print("  r8 %llx r9 %llx r10 %llx r11 %llx r12 %llx r13 %llx r14 %llx r15 %llx\n",
	      (unsigned long long)r->r8, (unsigned long long)r->r9,
	      (unsigned long long)r->r10, (unsigned long long)r->r11,
	      (unsigned long long)r->r12, (unsigned long long)r->r13,
	      (unsigned long long)r->r14, (unsigned long long)r->r15);
	if (!v->vmcb)
		return;
	dump_exits(v);
	vmcb_dump(v->vmcb);
}

/*
 * "  #i ADDR function+0xOFF", from svmhv's symbol table (hv/dbg/symtab.h);
 * on the screen too for the first SCREEN_FRAMES.
 */
static void frame(int i, uint64_t addr)
{
	uint64_t off = 0;
	const char *name = hv_dbg_symbol(addr, &off);
	void (*out)(const char *, ...) = i < SCREEN_FRAMES ? sprint : print;

	if (name)
		out("  #%d %llx %s+0x%llx\n", i, (unsigned long long)addr, name,
		    (unsigned long long)off);
	else
		out("  #%d %llx\n", i, (unsigned long long)addr);
}

/*
 * Frame-pointer backtrace (svmhv is built with -fno-omit-frame-pointer);
 * bounded, stops at the world switch's zero frame. A return address points
 * after the call, so it is looked up one byte back.
 */
static void backtrace(void)
{
	uint64_t *fp = __builtin_frame_address(0);

	sprint("backtrace:\n");
	for (int i = 0; i < 16 && fp && ((uint64_t)(uintptr_t)fp & 7) == 0; i++) {
		if (!fp[1])
			break;
		frame(i, fp[1] - 1);
		fp = (uint64_t *)(uintptr_t)fp[0];
	}
}

/* The vCPU to dump: the one given, else the one this CPU runs (if any yet). */
static void __attribute__((noreturn)) panic_tail(const struct vcpu *v)
{
	if (!v)
		v = hv.cpus[hv_this_cpu()].vcpu;
	hv_dump_vcpu(v);
	hv_dbg_panic_trace(v);
	backtrace();
	sprint("svmhv: PANIC: this CPU is halted\n");
	halt_forever_gif_open();
}

/* The first lines: the reason, then where (CPU, RIP); screen first, if any. */
static void panic_head(const char *reason, uint64_t rip)
{
	uint64_t off = 0;
	const char *name;

	open_gif();
	screen_open();
	print("\n");
	sprint("svmhv: PANIC: %s\n", reason);
	name = hv_dbg_symbol(rip, &off);
	if (name)
		sprint("svmhv: PANIC: on cpu%u at rip %llx %s+0x%llx\n", hv_this_cpu(),
		       (unsigned long long)rip, name, (unsigned long long)off);
	else
		sprint("svmhv: PANIC: on cpu%u at rip %llx\n", hv_this_cpu(),
		       (unsigned long long)rip);
}

void hv_panic(struct vcpu *vcpu, const char *fmt, ...)
{
	char buf[256];
	va_list ap;

	cli();
	va_start(ap, fmt);
	hv_vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	/* The RIP of the call, as a frame's return address is looked up (one back). */
	panic_head(buf, (uint64_t)(uintptr_t)__builtin_return_address(0) - 1);
	panic_tail(vcpu);
}

void hv_panic_exception(unsigned vec, uint64_t err, uint64_t rip, uint64_t rsp,
			uint64_t rflags)
{
	char buf[160];

	hv_snprintf(buf, sizeof(buf), "host exception %u error %llx at rip %llx rsp %llx "
		    "rflags %llx cr2 %llx", vec, (unsigned long long)err,
		    (unsigned long long)rip, (unsigned long long)rsp,
		    (unsigned long long)rflags, (unsigned long long)read_cr2());
	panic_head(buf, rip);
	frame(-1, rip);         /* where it happened: #-1, then the frames below */
	panic_tail(NULL);
}
