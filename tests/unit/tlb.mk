UNIT_TESTS += test_tlb test_tlb_model
test_tlb_SRCS := tests/unit/test_tlb.c svm/tlb.c svm/asid.c
test_tlb_model_SRCS := tests/unit/test_tlb_model.c tests/model/run.c tests/model/world.c \
	tests/model/setup.c tests/model/arch.c tests/model/bench.c svm/tlb.c svm/asid.c
UNIT_TESTS += test_stats
test_stats_SRCS := tests/unit/test_stats.c hv/stats.c hv/fmt.c svm/tlb.c svm/asid.c
