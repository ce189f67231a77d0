# Local APIC (hv/apic/apic.c): ICR decoding for xAPIC and x2APIC, IPI destination
# resolution; INIT/SIPI states and state machine (hv/apic/init.c).
UNIT_TESTS += test_apic test_ipi test_apic_init
test_apic_SRCS := tests/unit/test_apic.c hv/apic/apic.c
test_ipi_SRCS := tests/unit/test_ipi.c hv/apic/apic.c
test_apic_init_SRCS := tests/unit/test_apic_init.c hv/apic/init.c
# The route of every ICR write (hv/apic/icr.c), over the whole ICR table.
UNIT_TESTS += test_icr
test_icr_SRCS := tests/unit/test_icr.c hv/apic/icr.c hv/apic/apic.c
