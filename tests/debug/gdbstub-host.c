/* SPDX-License-Identifier: MIT */
/*
 * Real-gdb check of the GDB stub: runs hv/debug's stub over a TCP socket on
 * 127.0.0.1 against the fake target (2 vCPUs, 64 KiB of NOPs at
 * 0xffffffff81000000), so Debian's gdb can `target remote` it. The fake
 * "runs" a resumed vCPU by scanning forward from RIP for a planted INT3 (a
 * breakpoint stop), steps by one byte (NOP), and stops on gdb's Ctrl-C.
 * One connection, then it exits. Usage: gdbstub-host PORT [LOG]
 */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "tests/debug/fake_target.h"

static struct fake_target T;
static struct gdb_stub S;
static struct gdb_stop pending;
static bool have_pending;
static FILE *trace_log;

static void net_write(struct fake_target *t, const uint8_t *buf, size_t len)
{
	if (trace_log)
		fprintf(trace_log, "-> %.*s\n", (int)len, (const char *)buf);
	while (len) {
		ssize_t n = write(t->fd, buf, len);

		if (n <= 0)
			return;
		buf += n;
		len -= (size_t)n;
	}
}

/*
 * vCPU v runs NOPs from RIP: it stops at the first planted INT3 or DR0-3
 * execute breakpoint, and an enabled data watchpoint fires on the first
 * instruction (the fake stores to that address, so gdb sees a new value).
 */
static bool run_until_stop(unsigned v)
{
	struct gdb_regs *r = &T.regs[v];
	uint64_t a;
	unsigned i;

	for (i = 0; i < GDB_NR_HW_BP; i++) {
		const struct gdb_hw_slot *h = &S.bps.hw[i];

		if (h->used && h->type != GDB_BP_HW && h->addr - FAKE_MEM_BASE < FAKE_MEM_SIZE) {
			T.mem[h->addr - FAKE_MEM_BASE]++;
			r->rip += 1;
			have_pending = gdb_stub_decode_dr6(&S, v, DR6_B(i), &pending);
			return true;
		}
	}
	for (a = r->rip; a - FAKE_MEM_BASE < FAKE_MEM_SIZE; a++) {
		bool hw = false;

		for (i = 0; i < GDB_NR_HW_BP; i++)
			hw |= S.bps.hw[i].used && S.bps.hw[i].type == GDB_BP_HW && S.bps.hw[i].addr == a;
		if (T.mem[a - FAKE_MEM_BASE] == GDB_INT3 || hw) {
			r->rip = a;     /* as svmhv will: RIP back on the INT3 */
			pending = (struct gdb_stop){ .vcpu = v,
				.kind = hw ? GDB_STOP_HWBREAK : GDB_STOP_SWBREAK };
			have_pending = true;
			return true;
		}
	}
	return false;
}

/* What the fake vCPUs do once resumed; the stop is reported from main(). */
static void fake_run(const uint8_t *run)
{
	unsigned v;

	for (v = 0; v < FAKE_VCPUS; v++) {
		struct gdb_regs *r = &T.regs[v];

		if (run[v] == GDB_RUN_STEP) {
			r->rip += 1;    /* one NOP */
			pending = (struct gdb_stop){ .vcpu = v, .kind = GDB_STOP_STEP };
			have_pending = true;
			return;
		}
	}
	for (v = 0; v < FAKE_VCPUS; v++)
		if (run[v] == GDB_RUN_CONT && run_until_stop(v))
			return;
	/* nothing planted: runs until gdb's Ctrl-C */
}

int main(int argc, char **argv)
{
	struct sockaddr_in sa = { .sin_family = AF_INET };
	int ls, one = 1;
	uint8_t buf[4096];
	unsigned last_resumes = 0, last_interrupts = 0;

	if (argc < 2) {
		fprintf(stderr, "usage: %s PORT [LOG]\n", argv[0]);
		return 2;
	}
	trace_log = argc > 2 ? fopen(argv[2], "w") : NULL;
	fake_init(&T);
	memset(T.mem, 0x90, sizeof(T.mem));
	T.on_write = net_write;
	gdb_stub_init(&S, &fake_ops, &T);
	ls = socket(AF_INET, SOCK_STREAM, 0);
	setsockopt(ls, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	sa.sin_port = htons((uint16_t)atoi(argv[1]));
	sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if (bind(ls, (struct sockaddr *)&sa, sizeof(sa)) || listen(ls, 1)) {
		perror("bind/listen");
		return 1;
	}
	fprintf(stderr, "gdbstub-host: listening on 127.0.0.1:%s\n", argv[1]);
	T.fd = accept(ls, NULL, NULL);
	gdb_stub_attach(&S, 0);
	for (;;) {
		ssize_t n = read(T.fd, buf, sizeof(buf)), i;

		if (n <= 0)
			break;
		if (trace_log)
			fprintf(trace_log, "<- %.*s\n", (int)n, (const char *)buf);
		for (i = 0; i < n; i++) {
			enum gdb_verdict v = gdb_stub_input(&S, buf[i]);

			if (T.resumes != last_resumes && v == GDB_V_RUNNING) {
				last_resumes = T.resumes;
				fake_run(T.last_run);
			}
			if (T.interrupts != last_interrupts) {
				last_interrupts = T.interrupts;
				pending = (struct gdb_stop){ .vcpu = 0, .kind = GDB_STOP_INTERRUPT };
				have_pending = true;
			}
			if (have_pending) {
				have_pending = false;
				gdb_stub_stopped(&S, &pending);
			}
			if (v == GDB_V_DETACHED)
				goto out;
		}
	}
out:
	fprintf(stderr, "gdbstub-host: %s; %llu packets, %llu bad checksums\n",
		S.state == GDB_ST_DETACHED ? "gdb detached" : "connection closed",
		(unsigned long long)S.rsp.stats.packets,
		(unsigned long long)S.rsp.stats.bad_checksums);
	close(T.fd);
	close(ls);
	if (trace_log)
		fclose(trace_log);
	return S.state == GDB_ST_DETACHED ? 0 : 1;
}
