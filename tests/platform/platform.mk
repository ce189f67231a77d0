# cpuidump (build/cpuidump.efi): prints the CPUID leaves svmhv depends on and powers
# off; tests/platform/cpu-matrix.sh boots it per QEMU version and -cpu model.
EFI_APPS += cpuidump
cpuidump_SRCS := tests/platform/cpuidump.c tests/payload/options.c tests/payload/report.c hv/fmt.c

# cfgcheck (build/host/cfgcheck): svmhv's own option parser on a svmhv.cfg file, for
# the `make esp` template check in tests/suites/07-platform.sh.
HOST_PROGS += cfgcheck
cfgcheck_SRCS := tests/platform/cfgcheck.c boot/config.c hv/debug/escape.c hv/fmt.c
