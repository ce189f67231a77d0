# l1hv (build/l1hv.efi): a small guest hypervisor that runs L2 scenarios with
# VMRUN, on QEMU TCG's SVM (bare) or as svmhv's next image; tests/suites/50-l1hv.sh.
# Reuses the payload's report and probe helpers.
EFI_APPS += l1hv
l1hv_SRCS := tests/l1hv/main.c tests/l1hv/svm.c tests/l1hv/scenarios.c tests/l1hv/npt.c tests/l1hv/cpuid_state.c tests/l1hv/cpuid_table.c tests/l1hv/conf.c tests/l1hv/conf_env.c \
	tests/l1hv/world.asm tests/payload/probe.c tests/payload/report.c tests/payload/options.c hv/fmt.c \
	tests/attack/run.c tests/attack/common.c tests/attack/l1.c tests/attack/l1_mem.c \
	tests/attack/l2.c tests/attack/fuzz.c
