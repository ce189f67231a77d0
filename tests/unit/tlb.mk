UNIT_TESTS += test_tlb test_tlb_model
test_tlb_SRCS := tests/unit/test_tlb.c svm/tlb.c svm/asid.c tests/harness/atomic_hook.c
test_tlb_model_SRCS := tests/unit/test_tlb_model.c $(MODEL_SRCS)
UNIT_TESTS += test_stats
test_stats_SRCS := tests/unit/test_stats.c hv/stats.c hv/fmt.c svm/tlb.c svm/asid.c \
	tests/harness/atomic_hook.c
