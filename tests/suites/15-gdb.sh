#!/usr/bin/env bash
# svmhv's GDB stub core (hv/debug/) against Debian's gdb: tests/debug/gdb-check.sh.
exec "$(dirname "$0")/../debug/gdb-check.sh"
