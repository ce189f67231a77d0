# The TLB-contract model checker (tests/model/model.h), its mutants and soak.
#
#   make model-bins   build/host/model (-O2, no sanitizers: speed) and one
#                     build/host/model_mutant_<rule> per rule of svm/tlb.c
#   make soak         a long run with a fresh seed (SOAK_STEPS, SOAK_SEED)
#   make model-bench  the figures of BENCHMARKS.md "TLB contract (model)"
#
# The checker also runs under ASan/UBSan as the unit test test_tlb_model
# (tests/unit/test_tlb_model.mk); the suite tests/suites/20-model.sh runs
# these optimised builds so that 10^6 steps and every mutant fit in seconds.

MODEL_SRCS  := tests/model/run.c tests/model/world.c tests/model/setup.c \
	tests/model/arch.c tests/model/bench.c svm/asid.c
MODEL_OBJ   := $(BUILD)/host/model-obj
MODEL_OBJS  := $(patsubst %.c,$(MODEL_OBJ)/%.o,$(MODEL_SRCS))
MODEL_CFLAGS := -std=c11 -O2 -g -Wall -Wextra -Werror -Wshadow -Wstrict-prototypes \
	-Wmissing-prototypes -Wno-unused-parameter -D_DEFAULT_SOURCE -DSVMHV_HOST_TEST \
	-I. -MMD -MP

# One mutant per TLB_RULE() of svm/tlb.c; 20-model.sh checks the two lists agree.
TLB_MUTANTS := new_pcpu npt_l1 npt_l2 npt_resync remote_kick \
	l1_flush_all_l2 l1_flush_all_l1 l1_flush_asid l1_flush_resync \
	asid_change asid_change_resync invlpga_l1 invlpga_l2 invlpga_other_pcpu \
	forced_exit_l1 forced_exit_l2 switch_keeps_pending rebuild_keeps_pending \
	flushbyasid_fallback full_flush_stamp reset_after_exit abandon_repost \
	shared_flush force_flush

SOAK_STEPS  ?= 300000000
SOAK_SEED   ?= $(shell date +%s)

$(MODEL_OBJS) $(MODEL_OBJ)/tests/model/main.o $(MODEL_OBJ)/svm/tlb.o: $(MODEL_OBJ)/%.o: %.c
	@mkdir -p $(dir $@)
	@echo "  MODELCC $<"
	$(Q)$(HOSTCC) $(MODEL_CFLAGS) -c $< -o $@

# Static pattern rules: only the listed files match, so make never chains its
# built-in rules through them (e.g. to "remake" an included .d file).
MUTANT_BINS := $(addprefix $(BUILD)/host/model_mutant_,$(TLB_MUTANTS))
MUTANT_TLB  := $(TLB_MUTANTS:%=$(MODEL_OBJ)/mutant/tlb_%.o)
MUTANT_MAIN := $(TLB_MUTANTS:%=$(MODEL_OBJ)/mutant/main_%.o)

$(MUTANT_TLB): $(MODEL_OBJ)/mutant/tlb_%.o: svm/tlb.c
	@mkdir -p $(dir $@)
	@echo "  MUTANT  $*"
	$(Q)$(HOSTCC) $(MODEL_CFLAGS) -DTLB_MUTANT=TLB_RULE_ID_$* -c $< -o $@

$(MUTANT_MAIN): $(MODEL_OBJ)/mutant/main_%.o: tests/model/main.c
	@mkdir -p $(dir $@)
	$(Q)$(HOSTCC) $(MODEL_CFLAGS) -DMODEL_MUTANT_NAME='"$*"' -c $< -o $@

$(BUILD)/host/model: $(MODEL_OBJS) $(MODEL_OBJ)/tests/model/main.o $(MODEL_OBJ)/svm/tlb.o
	@echo "  HOSTLD  $@"
	$(Q)$(HOSTCC) $^ -o $@

$(MUTANT_BINS): $(BUILD)/host/model_mutant_%: $(MODEL_OBJS) $(MODEL_OBJ)/mutant/main_%.o \
		$(MODEL_OBJ)/mutant/tlb_%.o
	@echo "  HOSTLD  $@"
	$(Q)$(HOSTCC) $^ -o $@

.PHONY: model-bins soak model-bench print-tlb-mutants
model-bins: $(BUILD)/host/model $(MUTANT_BINS)

soak: $(BUILD)/host/model
	$(BUILD)/host/model --steps $(SOAK_STEPS) --seed $(SOAK_SEED)

model-bench: $(BUILD)/host/model
	$(BUILD)/host/model --bench

print-tlb-mutants:
	@echo $(TLB_MUTANTS)
