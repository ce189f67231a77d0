# Virtual INIT resets the local APIC (hv/apic/reset.c): plans, and the whole
# path on the host harness.
UNIT_TESTS += test_apic_reset
test_apic_reset_SRCS := tests/unit/test_apic_reset.c $(HARNESS_SRCS)
