#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Drive svmhv's serial debugger through QEMU's serial sockets; print TAP lines.

    serial_session.py shared    --port P --log DIR [--vcpus N]
    serial_session.py dedicated --port P --debug-port Q --log DIR

shared: one line for the guest and svmhv (escape=^\\^\\). The guest runs
tests/guest/dbg-guest.sh. The monitor is opened twice, every command is run
and its output checked; Debian's gdb (batch) attaches through a local relay
after the monitor's "gdb", sets software and hardware breakpoints on a kernel
function the guest calls, single-steps, watches a kernel variable, detaches;
then the monitor's "nmi" must make Linux print a backtrace. The guest's
output must come through whole (its numbered ticks), and its input too.

dedicated: svmhv's own UART (debug_serial=) on port Q: gdb connects directly,
then the escape opens the monitor there, and "reset yes" resets the machine.

Every wait is bounded. Transcripts: DIR/line.txt (what the driver saw),
DIR/gdb*.out (gdb), DIR/rsp*.log (the relayed remote protocol).
"""
import argparse
import os
import re
import select
import signal
import socket
import subprocess
import sys
import time

ESCAPE = b"\x1c\x1c"
PROMPT = b"svmhv> "
FAILED = 0


def tap(name, ok, detail=""):
    global FAILED
    if ok:
        print(f"ok - debug: {name}", flush=True)
    else:
        FAILED = 1
        print(f"not ok - debug: {name}{': ' + detail if detail else ''}", flush=True)
    return ok


def diag(text):
    for line in text.splitlines():
        print(f"# {line}", flush=True)


class Line:
    """One serial line: a TCP connection to QEMU's chardev socket server."""

    def __init__(self, port, log_path, fresh=False, connect_timeout=30):
        deadline = time.time() + connect_timeout
        while True:
            try:
                self.sock = socket.create_connection(("127.0.0.1", port), timeout=2)
                break
            except OSError:
                if time.time() > deadline:
                    raise
                time.sleep(0.2)
        self.sock.settimeout(0.2)
        self.buf = bytearray()
        self.log = open(log_path, "wb" if fresh else "ab")

    def _take(self, data):
        self.buf += data
        self.log.write(data)
        self.log.flush()

    def pump(self, seconds):
        end = time.time() + seconds
        while time.time() < end:
            try:
                data = self.sock.recv(65536)
            except socket.timeout:
                continue
            if not data:
                return False
            self._take(data)
        return True

    def mark(self):
        return len(self.buf)

    def expect(self, pattern, timeout, start=0):
        """First match of pattern (bytes regex) in what arrived since start, or None."""
        rx = re.compile(pattern)
        end = time.time() + timeout
        while True:
            m = rx.search(self.buf, start)
            if m or time.time() > end:
                return m
            if not self.pump(0.2):
                return rx.search(self.buf, start)

    def send(self, data):
        self.sock.sendall(data)

    def text(self, start, end=None):
        return bytes(self.buf[start:end]).decode("latin-1").replace("\r", "")

    def monitor(self):
        start = self.mark()
        self.send(ESCAPE)
        return self.expect(re.escape(PROMPT), 30, start) is not None

    def cmd(self, line, timeout=30):
        """Run one monitor command; its output (without the echo and the prompt)."""
        start = self.mark()
        self.send(line.encode() + b"\r")
        m = self.expect(re.escape(PROMPT) + b"|resuming the guest|detach to give it back",
                        timeout, start + len(line))
        out = self.text(start, (m.start() if m.group(0) == PROMPT else m.end()) if m else None)
        return out.split("\n", 1)[1] if "\n" in out else out

    def relay_gdb(self, gdb_cmds, tag, logdir, timeout=180, interrupt_after=None):
        """Debian's gdb in batch mode through a local relay to this line.

        interrupt_after: a packet of gdb's; once it was sent, the next resume
        is interrupted 2 s later the way a user does it: SIGINT to gdb, which
        sends Ctrl-C (0x03) down the line."""
        ls = socket.socket()
        ls.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        ls.bind(("127.0.0.1", 0))
        ls.listen(1)
        port = ls.getsockname()[1]
        cmds = ["set architecture i386:x86-64", "set remotetimeout 20",
                f"target remote 127.0.0.1:{port}"] + gdb_cmds
        out_path = os.path.join(logdir, f"gdb-{tag}.out")
        args = ["gdb", "-batch", "-nx"] + [a for c in cmds for a in ("-ex", c)]
        g = subprocess.Popen(args, stdout=open(out_path, "w"), stderr=subprocess.STDOUT)
        ls.settimeout(30)
        try:
            conn, _ = ls.accept()
        except socket.timeout:
            g.kill()
            g.wait()
            return None, open(out_path).read()
        rsp = open(os.path.join(logdir, f"rsp-{tag}.log"), "wb")
        self.sock.setblocking(False)
        conn.setblocking(False)
        detached = False        # after the stub's OK to 'D', the bytes are the console's
        sent_d = False
        tail = b""              # the stub's last bytes: its OK may come in pieces
        armed = False
        sigint_at = None
        end = time.time() + timeout
        while time.time() < end:
            if sigint_at and time.time() > sigint_at:
                sigint_at = None
                rsp.write(b"-- SIGINT to gdb\n")
                g.send_signal(signal.SIGINT)
            r, _, _ = select.select([conn, self.sock], [], [], 0.5)
            if conn in r:
                try:
                    data = conn.recv(65536)
                except BlockingIOError:
                    data = b""
                if not data:
                    break
                sent_d = sent_d or b"$D" in data
                if interrupt_after and interrupt_after in data:
                    armed = True
                elif armed and (b"$vCont;c" in data or b"$c#" in data):
                    armed = False
                    sigint_at = time.time() + 2
                rsp.write(b"<- " + data + b"\n")
                self.sock.sendall(data)
            if self.sock in r:
                data = self.sock.recv(65536)
                if not data:
                    break
                rsp.write(b"-> " + data + b"\n")
                if detached:
                    self._take(data)
                    continue
                seen = tail + data
                tail = seen[-8:]
                if sent_d and b"$OK#9a" in seen:
                    cut = max(0, seen.index(b"$OK#9a") + 6 - (len(seen) - len(data)))
                    conn.sendall(data[:cut])
                    self._take(data[cut:])
                    detached = True
                    continue
                conn.sendall(data)
        self.sock.setblocking(True)
        self.sock.settimeout(0.2)
        try:
            rc = g.wait(timeout=max(1, end - time.time()))
        except subprocess.TimeoutExpired:
            g.kill()
            rc = g.wait()
        conn.close()
        ls.close()
        return rc, open(out_path).read()


def parse_syms(line):
    syms = {}
    for m in re.finditer(rb"SVMHV-DBG-SYM (\w+) ([0-9a-f]{16})", line.buf):
        syms[m.group(1).decode()] = int(m.group(2), 16)
    return syms


def exit_totals(out):
    """vCPU -> exits, from the monitor's 'exits' table."""
    totals = {}
    for m in re.finditer(r"^ *(\d+) +(\d+) +\d+$", out, re.M):
        totals[int(m.group(1))] = int(m.group(2))
    return totals


def hexdump_text(out):
    return "".join(m.group(1) for m in re.finditer(r"\|(.*)\|$", out, re.M))


# ---- the shared line -----------------------------------------------------------------

def monitor_session_one(line, syms, vcpus):
    out = line.cmd("help")
    tap("monitor help lists every command",
        all(c in out for c in ("vcpus", "vmcb", "exits", "tlb", "npt", "gva", "mem",
                               "log", "trace", "nmi", "reset", "gdb", "continue")), out)
    out = line.cmd("vcpus")
    rows = re.findall(r"^ +(\d+) +\d+ +(L1|L2|held) +\d+ +([0-9a-f]{16}) ", out, re.M)
    tap(f"vcpus lists all {vcpus} vCPUs, in L1", [r[0] for r in rows] ==
        [str(i) for i in range(vcpus)] and all(r[1] == "L1" for r in rows), out)
    out = line.cmd("exits")
    first = exit_totals(out)
    tap("exits counts every vCPU's exits, by reason",
        sorted(first) == list(range(vcpus)) and all(first.values()) and
        re.search(r"^ioio +\d+", out, re.M) is not None, out)
    for i in range(vcpus):
        out = line.cmd(f"vmcb {i}")
        tap(f"vmcb {i} shows vCPU {i}'s L1 ASID (1: every CPU has its own ASIDs)",
            re.search(r"^  asid +1$", out, re.M) is not None and "rip" in out,
            out[:600])
    out = line.cmd("vmcb 0 02")
    tap("vmcb 0 02 before any nested guest says there is none", "has no vmcb02" in out, out)
    out = line.cmd("tlb")
    tap("tlb shows every vCPU's ASIDs and flush counters",
        all(f"vCPU {i}: ASID L1 1, L2 2" in out for i in range(vcpus))
        and "flushes" in out, out)
    banner = syms.get("linux_banner", 0)
    out = line.cmd(f"gva 0 {banner:x}")
    m = re.search(r"-> ([0-9a-f]+) \((\d+) KiB page\)", out)
    tap("gva walks linux_banner through vCPU 0's page tables",
        m is not None and out.count(" table ") >= 2, out)
    gpa = int(m.group(1), 16) if m else 0
    out = line.cmd(f"mem {gpa:x} 64")
    tap("mem at that guest-physical address shows the banner",
        hexdump_text(out).startswith("Linux version"), out)
    out = line.cmd(f"vmem 1 {banner:x} 32")
    tap("vmem through vCPU 1 shows the same text", hexdump_text(out).startswith("Linux version"),
        out)
    out = line.cmd(f"npt {gpa:x}")
    tap("npt walks svmhv's nested page tables (identity) and says there is no shadow",
        re.search(rf"-> {gpa:x} \(", out) is not None and "no tables" in out, out)
    out = line.cmd("trace 0 8")
    tap("trace shows vCPU 0's last 8 exits",
        "last 8 exits" in out and len(re.findall(r"^  [0-9a-f]{16} L[12] rip ", out, re.M)) == 8,
        out)
    out = line.cmd("log")
    tap("log shows the level and the areas", out.startswith("level info; areas: +boot"), out)
    out = line.cmd("log debug -tlb -exit")
    tap("log debug -tlb -exit changes level and areas",
        "level debug;" in out and "-tlb" in out and "-exit" in out and "+npf" in out, out)
    out = line.cmd("log loud +tlb")
    tap("log with a bad word changes nothing and says so",
        "'loud' is neither a level" in out and "nothing changed" in out, out)
    out = line.cmd("log info all")
    tap("log info all restores", "level info;" in out and "-" not in out.split("areas:")[1], out)
    bad = {
        "frobnicate": "error: unknown command 'frobnicate' (try 'help')",
        f"vmcb {vcpus}": f"error: no vCPU {vcpus} (vCPUs are 0..{vcpus - 1})",
        "mem zz": "error: 'zz' is not an address",
        "mem 0 5000": "error: 5000 is out of range (1..4096)",
        "vcpus now": "error: usage: vcpus",
        "gva 0": "error: usage: gva N ADDR",
    }
    for cmd, want in bad.items():
        out = line.cmd(cmd)
        tap(f"'{cmd}' is refused clearly", want in out, out)
    out = line.cmd("reset")
    tap("reset without 'yes' only asks", "type 'reset yes'" in out, out)
    return first


def gdb_session(line, syms, logdir):
    out = line.cmd("gdb")
    tap("monitor's gdb hands the line to the stub", "GDB stub's" in out, out)
    sync, banner, jif = syms["__x64_sys_sync"], syms["linux_banner"], syms["jiffies_64"]
    cmds = ["info registers rip rsp eflags cs cr0 cr3 efer", f"x/s 0x{banner:x}",
            "info threads", f"break *0x{sync:x}", "continue", "p/x $pc", "stepi", "p/x $pc",
            "continue", "p/x $pc", "delete", f"hbreak *0x{sync:x}", "continue", "p/x $pc",
            "delete", f"watch *(long *)0x{jif:x}", "continue", "delete",
            f"x/1xb 0x{sync + 1:x}", "continue", "info threads", "detach"]
    t0 = time.time()
    rc, out = line.relay_gdb(cmds, "shared", logdir,
                             interrupt_after=b"$m%x,1" % (sync + 1))
    diag(out)
    diag(f"gdb session: {time.time() - t0:.1f}s")
    pcs = [int(v, 16) for v in re.findall(r"^\$\d+ = (0x[0-9a-f]+)$", out, re.M)]
    tap("gdb reads the registers (target description accepted)",
        re.search(r"^rip +0xffffffff[0-9a-f]{8}", out, re.M) is not None and
        re.search(r"^cr3 +0x", out, re.M) is not None and "efer" in out, out[:300])
    tap("gdb reads linux_banner (kernel memory through the guest's page tables)",
        re.search(rf"0x{banner:x}:\s+\"Linux version", out) is not None)
    tap("gdb sees every vCPU as a thread", "Thread 2 (vcpu1" in out and "Thread 1 (vcpu0" in out)
    tap("software breakpoint on __x64_sys_sync is hit",
        f"hit Breakpoint 1, 0x{sync:016x}" in out and pcs[:1] == [sync])
    tap("stepi moves to the next instruction", len(pcs) > 1 and sync < pcs[1] <= sync + 15)
    tap("continue runs until the breakpoint is hit again", len(pcs) > 2 and pcs[2] == sync)
    tap("hardware breakpoint (DR0-3) is hit",
        f"hit Breakpoint 2, 0x{sync:016x}" in out and len(pcs) > 3 and pcs[3] == sync)
    tap("hardware watchpoint on jiffies_64 fires with a new value",
        "Hardware watchpoint 3" in out and "New value =" in out)
    tap("Ctrl-C (gdb's interrupt) stops every vCPU", "received signal SIGINT" in out and
        out.count("Thread 2 (vcpu1") >= 2)
    tap("gdb detaches and exits cleanly", rc == 0 and "detached" in out, f"status {rc}")


def shared(args):
    line = Line(args.port, os.path.join(args.log, "line.txt"), fresh=True)
    t0 = time.time()
    if not tap("Linux boots under svmhv and the guest program starts",
               line.expect(rb"SVMHV-DBG-READY", 400) is not None, "no SVMHV-DBG-READY"):
        return
    diag(f"boot to the guest program: {time.time() - t0:.0f}s")
    syms = parse_syms(line)
    tap("the kernel's symbols (/proc/kallsyms)",
        all(k in syms for k in ("linux_banner", "__x64_sys_sync", "jiffies_64")), str(syms))
    line.expect(rb"SVMHV-DBG-TICK 2\r?\n", 30)
    t1 = time.time()
    if not tap("the escape sequence opens the monitor", line.monitor()):
        return
    first = monitor_session_one(line, syms, args.vcpus)
    out = line.cmd("continue")
    tap("continue leaves the monitor", "resuming the guest" in out, out)
    diag(f"first monitor session: {time.time() - t1:.1f}s")
    start = line.mark()
    line.send(b"say typed-after-the-monitor\r")
    tap("input typed after the monitor reaches the guest",
        line.expect(rb"SVMHV-DBG-SAID typed-after-the-monitor", 30, start) is not None)
    start = line.mark()
    line.send(b"\x1c")      # the escape's first byte alone: held, then released when idle
    echo = line.expect(rb"\^\\", 5, start)
    tap("a lone escape byte reaches the guest after the idle time", echo is not None)
    line.send(b"x\x1cy\r")  # and one inside a line: released by the next byte, in order
    tap("escape bytes that do not complete the sequence reach the guest unchanged, in order",
        line.expect(rb"SVMHV-DBG-GOT (\x1c)?x\x1cy\r?\n", 30, start) is not None)
    if not tap("the monitor opens again", line.monitor()):
        return
    gdb_session(line, syms, args.log)
    start = line.mark()
    line.send(b"say after-gdb\r")
    tap("after gdb detached the guest gets input again",
        line.expect(rb"SVMHV-DBG-SAID after-gdb", 30, start) is not None)
    if not tap("the monitor opens a third time", line.monitor()):
        return
    out = line.cmd("gdb")
    start = line.mark()
    line.send(ESCAPE)       # no gdb came: the escape between packets takes the line back
    tap("the escape brings the monitor back from an idle GDB stub",
        line.expect(rb"svmhv monitor: all vCPUs stopped", 20, start) is not None and
        line.expect(re.escape(PROMPT), 20, start) is not None)
    out = line.cmd("exits")
    second = exit_totals(out)
    tap("exit counts rose between two monitor sessions",
        sorted(second) == sorted(first) and all(second[i] > first[i] for i in first),
        f"{first} then {second}")
    last_tick = max(int(n) for n in re.findall(rb"SVMHV-DBG-TICK (\d+)", line.buf))
    out = line.cmd("nmi 1")
    tap("nmi queues an NMI", "NMI queued for vCPU 1" in out, out)
    start = line.mark()
    out = line.cmd("quit")
    tap("quit leaves the monitor", "resuming the guest" in out, out)
    m = line.expect(rb"NMI: IOCK error[^\n]*on CPU 1\.", 60, start)
    tap("nmi makes Linux print its NMI report on that CPU", m is not None)
    tap("... with registers and a backtrace",
        line.expect(rb"RIP: 0010:", 30, start) is not None and
        line.expect(rb"Call Trace:|<NMI>", 30, start) is not None)
    line.expect(rb"SVMHV-DBG-TICK %d\r?\n" % (last_tick + 3), 60, start)
    ticks = [int(n) for n in re.findall(rb"SVMHV-DBG-TICK (\d+)\r?\n", line.buf)]
    before = [t for t in ticks if t <= last_tick]
    tap("no console output lost across monitor and gdb sessions (ticks 0..%d)" % last_tick,
        before == list(range(last_tick + 1)),
        "missing %s" % sorted(set(range(last_tick + 1)) - set(before))[:10])
    line.send(b"done\r")
    tap("the guest finishes its run",
        line.expect(rb"SVMHV-LINUX-DONE status=0", 120, start) is not None)
    line.pump(1)


# ---- svmhv's own line ---------------------------------------------------------------------

def dedicated(args):
    console = Line(args.port, os.path.join(args.log, "console.txt"), fresh=True)
    if not tap("own line: Linux boots and the guest program starts",
               console.expect(rb"SVMHV-DBG-READY", 400) is not None):
        return
    syms = parse_syms(console)
    tap("own line: the guest did not find svmhv's UART", b"ttyS1" not in console.buf)
    cmds = ["set architecture i386:x86-64", "set remotetimeout 20",
            f"target remote 127.0.0.1:{args.debug_port}", "info registers rip",
            f"x/s 0x{syms.get('linux_banner', 0):x}", "info threads", "detach"]
    out_path = os.path.join(args.log, "gdb-own.out")
    with open(out_path, "w") as f:
        try:
            rc = subprocess.run(["gdb", "-batch", "-nx"] + [a for c in cmds for a in ("-ex", c)],
                                stdout=f, stderr=subprocess.STDOUT, timeout=120).returncode
        except subprocess.TimeoutExpired:
            rc = -1
    out = open(out_path).read()
    diag(out)
    tap("own line: gdb connects with no escape, reads registers and memory, detaches",
        rc == 0 and re.search(r"^rip +0xf", out, re.M) is not None and
        '"Linux version' in out and "detached" in out, f"status {rc}")
    start = console.mark()
    tap("own line: the guest runs on after gdb",
        console.expect(rb"SVMHV-DBG-TICK \d+\r?\n", 30, start) is not None)
    line = Line(args.debug_port, os.path.join(args.log, "own.txt"), fresh=True)
    if not tap("own line: the escape sequence opens the monitor", line.monitor()):
        return
    out = line.cmd("vcpus")
    tap("own line: vcpus", len(re.findall(r"^ +\d+ +\d+ +L1 ", out, re.M)) == args.vcpus, out)
    start = line.mark()
    line.send(b"reset yes\r")
    tap("own line: reset yes resets the machine", line.expect(rb"resetting", 20, start) is not None)
    line.pump(2)


def main():
    p = argparse.ArgumentParser()
    p.add_argument("scenario", choices=("shared", "dedicated"))
    p.add_argument("--port", type=int, required=True)
    p.add_argument("--debug-port", type=int)
    p.add_argument("--log", required=True)
    p.add_argument("--vcpus", type=int, default=2)
    args = p.parse_args()
    os.makedirs(args.log, exist_ok=True)
    try:
        (shared if args.scenario == "shared" else dedicated)(args)
    except (OSError, KeyError, ValueError) as e:
        tap(f"{args.scenario} session ran to the end", False, f"{type(e).__name__}: {e}")
    return FAILED


if __name__ == "__main__":
    sys.exit(main())
