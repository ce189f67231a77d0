# svmhv's hypervisor code built for the host (SVMHV_HOST_TEST) on the fake CPU
# of tests/harness/: the run loop, exit handlers, nested glue and TLB contract
# as they run on the machine. Unit tests (test_run) and the model checker
# (tests/model/) link HARNESS_SRCS.
HARNESS_SRCS := tests/harness/fake_hw.c tests/harness/harness.c tests/harness/atomic_hook.c \
	hv/run.c hv/exit.c hv/smp.c hv/guest.c hv/setup.c hv/npt.c hv/policy.c hv/cpuid_state.c hv/cpuid_cache.c hv/hc.c \
	hv/stats.c hv/fmt.c hv/console.c hv/panic.c hv/msr.c hv/mtrr.c hv/invalid.c \
	hv/integrity.c hv/insn/cr.c hv/fb.c \
	hv/apic/vapic.c hv/apic/apic.c hv/apic/init.c hv/apic/reset.c hv/apic/icr.c hv/insn/insn.c hv/insn/store.c \
	hv/insn/rmw.c \
	mm/gmem.c mm/gwalk.c mm/nwalk.c mm/npt.c mm/pmm.c mm/hostpt.c \
	nested/nested.c nested/check.c nested/merge.c nested/exit.c nested/reflect.c \
	nested/gif.c nested/vmcb12.c nested/shadow.c \
	svm/tlb.c svm/asid.c svm/msrpm.c svm/svm.c svm/svm_hw.c \
	hv/nmi.c hv/iso/setup.c hv/iso/iommu.c hv/iso/pci.c hv/iso/npf.c hv/iso/ioio.c hv/iso/cpu.c hv/iso/sleep.c \
	hv/iommu/acpi.c hv/iommu/ivrs.c hv/iommu/madt.c hv/iommu/amdvi.c hv/iommu/iopt.c \
	hv/iommu/irq.c hv/iommu/pcicfg.c hv/iommu/dmaguard.c hv/iommu/ports.c hv/iommu/sleep.c \
	$(sort $(wildcard hv/dbg/*.c hv/debug/*.c))
