# The per-CPU CPUID cache (hv/cpuid_cache.c) on a rich fake CPU, and the host's
# exiting instructions per steady-state guest exit (issue 16, KVM as L0).
UNIT_TESTS += test_cpuid_cache
test_cpuid_cache_SRCS := tests/unit/test_cpuid_cache.c $(HARNESS_SRCS)
