# The run loop, exit routing and nested glue on the host harness (tests/harness/).
UNIT_TESTS += test_run
test_run_SRCS := tests/unit/test_run.c $(HARNESS_SRCS)

# The MSR policy through the real exit path (hv/msr.c) on the harness.
UNIT_TESTS += test_msr_glue
test_msr_glue_SRCS := tests/unit/test_msr_glue.c $(HARNESS_SRCS)

# What a guest cannot do to svmhv, through the exit path on the harness.
UNIT_TESTS += test_guard
test_guard_SRCS := tests/unit/test_guard.c $(HARNESS_SRCS)
# Isolation glue (hv/iso/) on the same harness: INIT, config/IOAPIC/fw_cfg/ISA DMA guards.
UNIT_TESTS += test_iso
test_iso_SRCS := tests/unit/test_iso.c $(HARNESS_SRCS)
# What real AMD parts have and QEMU's TCG lacks (issue 16): INVLPGB/TLBSYNC hidden and #UD.
UNIT_TESTS += test_realhw
test_realhw_SRCS := tests/unit/test_realhw.c $(HARNESS_SRCS)
# The single-step trap after an instruction svmhv completes (hv/run.c), in L1 and L2.
UNIT_TESTS += test_singlestep
test_singlestep_SRCS := tests/unit/test_singlestep.c $(HARNESS_SRCS)
# Stores to the xAPIC page through the exit path (issue 16): read-modify-write forms, decode assists.
UNIT_TESTS += test_apic_store
test_apic_store_SRCS := tests/unit/test_apic_store.c $(HARNESS_SRCS)
# L1's GIF on the CPU's VGIF (nested/gif.h) through the run loop, and the emulated fallback.
UNIT_TESTS += test_vgif
test_vgif_SRCS := tests/unit/test_vgif.c $(HARNESS_SRCS)
# Physical address widths of real parts (issue 16): SME's C-bit and reduction, MAXPHYADDR 52, LA57.
UNIT_TESTS += test_sme
test_sme_SRCS := tests/unit/test_sme.c $(HARNESS_SRCS)
# L1's VMLOAD/VMSAVE on the CPU's virtual VMLOAD/VMSAVE (issue 13), on a fake CPU that has it.
UNIT_TESTS += test_vls
test_vls_SRCS := tests/unit/test_vls.c $(HARNESS_SRCS)
# vmcb02's permission maps through VMRUN and the exit path: all ones kept across VMRUNs, io holes closed.
UNIT_TESTS += test_nested_maps
test_nested_maps_SRCS := tests/unit/test_nested_maps.c $(HARNESS_SRCS)
# L1's NMI blocking (hv/nmi.h): IRET intercepted, a held NMI stepped over the IRET.
UNIT_TESTS += test_nmi
test_nmi_SRCS := tests/unit/test_nmi.c $(HARNESS_SRCS)
