# Isolation's pure parts (hv/iommu/): ACPI/IVRS/MADT/MCFG, device table, commands
# and events, I/O page tables, interrupt, config, DMA-engine and reset-port checks.
# Their glue (hv/iso/) is tested on the harness: tests/unit/run.mk, test_iso.
UNIT_TESTS += test_iommu_acpi test_iommu_amdvi test_iommu_iopt test_iommu_irq test_iommu_dma
test_iommu_acpi_SRCS := tests/unit/test_iommu_acpi.c hv/iommu/acpi.c hv/iommu/ivrs.c
test_iommu_amdvi_SRCS := tests/unit/test_iommu_amdvi.c hv/iommu/amdvi.c hv/fmt.c
test_iommu_iopt_SRCS := tests/unit/test_iommu_iopt.c hv/iommu/iopt.c
test_iommu_irq_SRCS := tests/unit/test_iommu_irq.c hv/iommu/irq.c
test_iommu_dma_SRCS := tests/unit/test_iommu_dma.c hv/iommu/dmaguard.c
UNIT_TESTS += test_iommu_madt test_iommu_pcicfg test_iommu_ports
test_iommu_madt_SRCS := tests/unit/test_iommu_madt.c hv/iommu/madt.c hv/iommu/acpi.c
test_iommu_pcicfg_SRCS := tests/unit/test_iommu_pcicfg.c hv/iommu/pcicfg.c hv/iommu/irq.c \
	hv/iommu/amdvi.c hv/fmt.c
test_iommu_ports_SRCS := tests/unit/test_iommu_ports.c hv/iommu/ports.c hv/iommu/dmaguard.c
# ACPI sleep states: FADT registers, \_Sx_ in AML (real QEMU tables in tests/unit/data/), PM1 policy.
UNIT_TESTS += test_iommu_sleep
test_iommu_sleep_SRCS := tests/unit/test_iommu_sleep.c hv/iommu/sleep.c hv/iommu/acpi.c
