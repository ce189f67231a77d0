#!/usr/bin/env python3
"""Wait until QEMU's screen shows svmhv's panic band, compared pixel-exactly.

  screencheck.py --qmp SOCK --dir DIR --fbrender BIN --timeout S LINE [PREFIX]

Every second: QMP screendump (a PPM) of the running QEMU; fbrender (the
host build of hv/fb.c) draws what svmhv's panic screen shows on a mode of
that size. LINE must match the first text row exactly, over the whole
width (band background after the text); PREFIX, when given, the first
len(PREFIX) cells of the second row (the rest of that row is run-dependent:
the RIP). As fbrender shares svmhv's font, a broken font would match
itself: so the screen's own cells of LINE must also look like text, with
no reference to the font: a blank cell for each space, ink (the band's
white) in every other, the same pixels for equal characters and different
ones for different characters. Prints one "# ..." summary line; exit 0 on
a match, 1 on a
timeout (the last screendump and the expected image are left in DIR),
2 on a usage or QMP error. QEMU is told to quit on a match.
"""
import argparse
import json
import os
import socket
import subprocess
import sys
import time


def read_ppm(data):
    """(width, height, rgb bytes) of a binary P6 PPM with maxval 255."""
    fields, pos = [], 0
    while len(fields) < 4:
        while data[pos:pos + 1].isspace():
            pos += 1
        if data[pos:pos + 1] == b'#':
            pos = data.index(b'\n', pos) + 1
            continue
        end = pos
        while not data[end:end + 1].isspace():
            end += 1
        fields.append(data[pos:end])
        pos = end
    if fields[0] != b'P6' or fields[3] != b'255':
        raise ValueError('not a P6 PPM with maxval 255')
    w, h = int(fields[1]), int(fields[2])
    return w, h, data[pos + 1:pos + 1 + w * h * 3]


class Qmp:
    def __init__(self, path, timeout):
        deadline = time.time() + timeout
        while True:
            try:
                self.s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
                self.s.connect(path)
                break
            except OSError:
                self.s.close()
                if time.time() > deadline:
                    raise
                time.sleep(0.2)
        self.f = self.s.makefile('rwb')
        self.recv()                                     # the greeting
        self.cmd('qmp_capabilities')

    def recv(self):
        while True:
            line = self.f.readline()
            if not line:
                raise EOFError('QMP closed')
            msg = json.loads(line)
            if 'event' not in msg:
                return msg

    def cmd(self, name, **args):
        self.f.write(json.dumps({'execute': name, 'arguments': args}).encode() + b'\n')
        self.f.flush()
        msg = self.recv()
        if 'error' in msg:
            raise RuntimeError(f'{name}: {msg["error"]}')
        return msg.get('return')


def mismatches(got, want, w, x0, x1, y0, y1):
    bad = 0
    for y in range(y0, y1):
        a, b = (y * w + x0) * 3, (y * w + x1) * 3
        if got[a:b] != want[a:b]:
            bad += sum(1 for i in range(a, b, 3) if got[i:i + 3] != want[i:i + 3])
    return bad


def text_like(got, w, cw, ch, line):
    """Why the cells of line (row 1) do not look like text, or None."""
    white = b'\xff\xff\xff'
    seen = {}
    for i, c in enumerate(line):
        x0 = i * cw
        if x0 + cw > w:
            break
        cell = b''.join(got[(y * w + x0) * 3:(y * w + x0 + cw) * 3] for y in range(ch))
        ink = any(cell[j:j + 3] == white for j in range(0, len(cell), 3))
        if ink != (c != ' '):
            return f'cell {i} ({c!r}) is {"inked" if ink else "blank"}'
        for d, other in seen.items():
            if (d == c) != (other == cell):
                return f'cells of {c!r} and {d!r} are {"different" if d == c else "the same"}'
        seen[c] = cell
    return None


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('--qmp', required=True)
    ap.add_argument('--dir', required=True)
    ap.add_argument('--fbrender', required=True)
    ap.add_argument('--timeout', type=float, default=90)
    ap.add_argument('line')
    ap.add_argument('prefix', nargs='?', default='')
    a = ap.parse_args()
    shot = os.path.abspath(os.path.join(a.dir, 'screen.ppm'))
    exp = os.path.join(a.dir, 'expected.ppm')
    try:
        q = Qmp(a.qmp, 30)
    except (OSError, EOFError, RuntimeError) as e:
        print(f'# screencheck: no QMP at {a.qmp}: {e}')
        return 2
    deadline, size, want, cell, last = time.time() + a.timeout, None, None, None, 'no screendump'
    while time.time() < deadline:
        try:
            q.cmd('screendump', filename=shot)
            with open(shot, 'rb') as f:
                w, h, got = read_ppm(f.read())
        except (OSError, EOFError, RuntimeError, ValueError) as e:
            last = f'screendump failed: {e}'
            time.sleep(1)
            continue
        if size != (w, h):
            r = subprocess.run([a.fbrender, str(w), str(h), a.line, a.prefix],
                               capture_output=True, check=False)
            if r.returncode != 0:
                print(f'# screencheck: fbrender {w}x{h}: {r.stderr.decode().strip()}')
                return 2
            with open(exp, 'wb') as f:
                f.write(r.stdout)
            size, want = (w, h), read_ppm(r.stdout)[2]
            cell = [int(x) for x in r.stderr.decode().split()[1:3]]
        cw, ch = cell
        bad1 = mismatches(got, want, w, 0, w, 0, ch)
        bad2 = mismatches(got, want, w, 0, min(w, len(a.prefix) * cw), ch, 2 * ch)
        last = (f'{w}x{h}, cell {cw}x{ch}: {bad1} of {w * ch} pixels differ in row 1, '
                f'{bad2} of {len(a.prefix) * cw * ch} in row 2\'s prefix')
        why = text_like(got, w, cw, ch, a.line) if bad1 == 0 and bad2 == 0 else 'no match'
        if why:
            last += f'; not text: {why}' if why != 'no match' else ''
        if not why:
            print(f'# screencheck: match: {last}')
            try:
                q.cmd('quit')
            except (OSError, EOFError, RuntimeError):
                pass
            return 0
        time.sleep(1)
    print(f'# screencheck: timeout after {a.timeout:.0f} s: {last}')
    return 1


if __name__ == '__main__':
    sys.exit(main())
