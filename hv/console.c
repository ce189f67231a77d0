/* SPDX-License-Identifier: MIT */
/* 16550 UART console. See: PC16550D datasheet (register map). */
#include "hv/console.h"

#include <stdarg.h>
#include <stdbool.h>

#include "svm/hw.h"
#include "hv/fmt.h"

#define UART_THR        0       /* transmit holding (DLAB=0) */
#define UART_DLL        0       /* divisor latch low (DLAB=1) */
#define UART_IER        1
#define UART_DLM        1
#define UART_FCR        2
#define UART_LCR        3
#define UART_MCR        4
#define UART_LSR        5
#define UART_SCR        7
#define UART_LSR_THRE   0x20
#define UART_LCR_DLAB   0x80
#define UART_LCR_8N1    0x03

#define TX_SPIN_LIMIT   200000u
#define LOCK_SPIN_LIMIT 50000000u

static uint16_t con_port;
static enum log_level con_level = LOG_INFO;
static uint32_t con_areas = ~0u;
static unsigned (*con_cpu_hook)(void);
static void (*con_divert)(const char *s);
static volatile int con_lock;

/*
 * Subsystems ("areas") whose info/debug/trace lines can be switched off at
 * run time (the monitor's "log" command); errors and warnings always print.
 * A prefix not listed here belongs to "other", the last bit.
 */
const char *const hv_log_areas[HV_LOG_NR_AREAS] = {
	"boot", "hv", "exit", "msr", "npf", "apic", "smp", "nested", "mm", "tlb",
	"stats", "iommu", "debug", "other",
};

static bool str_eq(const char *a, const char *b)
{
	while (*a && *a == *b) {
		a++;
		b++;
	}
	return *a == *b;
}

static unsigned area_of(const char *subsys)
{
	for (unsigned i = 0; i + 1 < HV_LOG_NR_AREAS; i++)
		if (str_eq(subsys, hv_log_areas[i]))
			return i;
	return HV_LOG_NR_AREAS - 1;
}

bool hv_uart_present(uint16_t port)
{
	static const uint8_t probe[2] = { 0x5a, 0xa5 };

	if (inb(port + UART_LSR) == 0xff)
		return false;
	for (unsigned i = 0; i < 2; i++) {
		outb(port + UART_SCR, probe[i]);
		if (inb(port + UART_SCR) != probe[i])
			return false;
	}
	return true;
}

static char con_prefix[16] = "[svmhv]";  /* "[svmhv.N]" at nesting level N > 0 */

void hv_console_set_level_tag(uint32_t level)
{
	if (level)
		hv_snprintf(con_prefix, sizeof(con_prefix), "[svmhv.%u]", level);
	else
		hv_snprintf(con_prefix, sizeof(con_prefix), "[svmhv]");
}

void hv_console_init(uint16_t port, enum log_level level)
{
	con_port = port;
	con_level = level;
	if (!port)
		return;
	outb(port + UART_IER, 0x00);            /* polled: no UART interrupts */
	outb(port + UART_LCR, UART_LCR_DLAB);
	outb(port + UART_DLL, 1);               /* 115200 baud */
	outb(port + UART_DLM, 0);
	outb(port + UART_LCR, UART_LCR_8N1);
	outb(port + UART_FCR, 0x07);            /* enable + clear FIFOs */
	outb(port + UART_MCR, 0x03);            /* DTR, RTS */
}

enum log_level hv_console_level(void)
{
	return con_level;
}

uint32_t hv_console_areas(void)
{
	return con_areas;
}

void hv_console_set(enum log_level level, uint32_t areas)
{
	con_level = level;
	con_areas = areas;
}

uint16_t hv_console_port(void)
{
	return con_port;
}

void hv_console_divert(void (*fn)(const char *s))
{
	__atomic_store_n(&con_divert, fn, __ATOMIC_RELEASE);
}

void hv_console_set_cpu_hook(unsigned (*hook)(void))
{
	con_cpu_hook = hook;
}

static void uart_putc(char c)
{
	for (unsigned i = 0; i < TX_SPIN_LIMIT; i++)
		if (inb(con_port + UART_LSR) & UART_LSR_THRE)
			break;
	outb(con_port + UART_THR, (uint8_t)c);
}

static void uart_puts(const char *s)
{
	if (!con_port)
		return;
	for (; *s; s++) {
		if (*s == '\n')
			uart_putc('\r');
		uart_putc(*s);
	}
}

/* A bounded lock: after LOCK_SPIN_LIMIT we print anyway rather than hang. */
static bool lock_console(void)
{
	for (unsigned i = 0; i < LOCK_SPIN_LIMIT; i++) {
		if (!__atomic_exchange_n(&con_lock, 1, __ATOMIC_ACQUIRE))
			return true;
		cpu_relax();
	}
	return false;
}

static void unlock_console(bool held)
{
	if (held)
		__atomic_store_n(&con_lock, 0, __ATOMIC_RELEASE);
}

bool hv_console_lock(void)
{
	return lock_console();
}

void hv_console_unlock(bool held)
{
	unlock_console(held);
}

void hv_console_write(const char *s)
{
	void (*divert)(const char *) = __atomic_load_n(&con_divert, __ATOMIC_ACQUIRE);
	bool held;

	if (divert) {
		divert(s);
		return;
	}
	held = lock_console();
	uart_puts(s);
	unlock_console(held);
}

/* Is a line of this level and area printed at all? */
static bool wanted(enum log_level level, const char *subsys)
{
	if (level > con_level || !con_port)
		return false;
	return level <= LOG_WARN || (con_areas & (1u << area_of(subsys)));
}

/* One line: prefix, message, an optional tail (the suppressed count). */
static void vlog(enum log_level level, const char *subsys, uint32_t suppressed,
		 const char *fmt, va_list ap)
{
	static const char letters[] = "EWIDT";
	char line[512];
	size_t n;

	n = (size_t)hv_snprintf(line, sizeof(line), "%s cpu%u %c %s: ", con_prefix,
				con_cpu_hook ? con_cpu_hook() : 0, letters[level], subsys);
	n += (size_t)hv_vsnprintf(line + n, sizeof(line) - n - 1, fmt, ap);
	if (suppressed)
		n += (size_t)hv_snprintf(line + n, sizeof(line) - n - 1,
					 " [%u similar suppressed]", suppressed);
	line[n++] = '\n';
	line[n] = '\0';
	hv_console_write(line);
}

void hv_log(enum log_level level, const char *subsys, const char *fmt, ...)
{
	va_list ap;

	if (!wanted(level, subsys))
		return;
	va_start(ap, fmt);
	vlog(level, subsys, 0, fmt, ap);
	va_end(ap);
}

static uint32_t rl_epoch;

void hv_ratelimit_reset(void)
{
	__atomic_add_fetch(&rl_epoch, 1, __ATOMIC_RELAXED);
}

bool hv_ratelimit_pass(struct hv_ratelimit *rl, uint32_t *n)
{
	uint32_t epoch = __atomic_load_n(&rl_epoch, __ATOMIC_RELAXED);

	/* A racing reset may lose a count or two: it only moves a boundary. */
	if (__atomic_load_n(&rl->epoch, __ATOMIC_RELAXED) != epoch) {
		__atomic_store_n(&rl->count, 0, __ATOMIC_RELAXED);
		__atomic_store_n(&rl->epoch, epoch, __ATOMIC_RELAXED);
	}
	*n = __atomic_add_fetch(&rl->count, 1, __ATOMIC_RELAXED);
	return *n <= HV_LOG_BURST || (*n & (*n - 1)) == 0;
}

void hv_log_limited(struct hv_ratelimit *rl, enum log_level level, const char *subsys,
		    const char *fmt, ...)
{
	uint32_t n;
	va_list ap;

	if (!wanted(level, subsys) || !hv_ratelimit_pass(rl, &n))
		return;
	va_start(ap, fmt);
	/* Occurrence n = 2^k > HV_LOG_BURST follows n / 2 - 1 silent ones. */
	vlog(level, subsys, n <= HV_LOG_BURST ? 0 : n / 2 - 1, fmt, ap);
	va_end(ap);
}
