# The TLB-contract model checker (tests/model/model.h), its mutants and soak.
#
#   make model-bins   build/host/model (-O2, no sanitizers: speed) and one
#                     build/host/model_mutant_<rule> per TLB_RULE() marker
#   make soak         scripts/soak.sh: a long model run with a fresh seed (SOAK_STEPS,
#                     SOAK_SEED), then SMP Linux with KVM, hotplug and the attacks
#                     under svmhv for SOAK_SECS
#   make model-bench  the figures of BENCHMARKS.md "TLB contract (model)"
#
# The model runs svmhv's own code (HARNESS_SRCS, tests/harness/harness.mk).
# The mutant list is derived from the code: every TLB_RULE(name) in svm/,
# nested/ and hv/ is one rule, and its mutant is a build with
# -DTLB_MUTANT='"name"' of the files that hold markers. The checker also runs
# under ASan/UBSan as the unit test test_tlb_model (tests/unit/tlb.mk).

MODEL_SRCS  := tests/model/run.c tests/model/world.c tests/model/setup.c \
	tests/model/arch.c tests/model/bench.c tests/model/interleave.c $(HARNESS_SRCS)
MODEL_OBJ   := $(BUILD)/host/model-obj
MODEL_CFLAGS := -std=c11 -O2 -g -Wall -Wextra -Werror -Wshadow -Wstrict-prototypes \
	-Wmissing-prototypes -Wno-unused-parameter -D_DEFAULT_SOURCE -DSVMHV_HOST_TEST \
	-I. -MMD -MP

# Files with TLB_RULE() markers, and the rule names (svm/tlb.h defines the macro).
TLB_RULE_SRCS := $(shell scripts/tlb-rules.sh --files)
TLB_MUTANTS := $(shell scripts/tlb-rules.sh)
MODEL_PLAIN := $(filter-out $(TLB_RULE_SRCS),$(MODEL_SRCS))

SOAK_STEPS  ?= 300000000
SOAK_SEED   ?= $(shell date +%s)

$(patsubst %.c,$(MODEL_OBJ)/%.o,$(MODEL_SRCS) tests/model/main.c): $(MODEL_OBJ)/%.o: %.c
	@mkdir -p $(dir $@)
	@echo "  MODELCC $<"
	$(Q)$(HOSTCC) $(MODEL_CFLAGS) -c $< -o $@

# One object directory per mutant for the marker files.
define model_mutant
$(patsubst %.c,$(MODEL_OBJ)/mutant/$(1)/%.o,$(TLB_RULE_SRCS) tests/model/main.c): $(MODEL_OBJ)/mutant/$(1)/%.o: %.c
	@mkdir -p $$(dir $$@)
	$(Q)$(HOSTCC) $(MODEL_CFLAGS) -DTLB_MUTANT='"$(1)"' -DMODEL_MUTANT_NAME='"$(1)"' -c $$< -o $$@
$(BUILD)/host/model_mutant_$(1): $(patsubst %.c,$(MODEL_OBJ)/%.o,$(MODEL_PLAIN)) \
		$(patsubst %.c,$(MODEL_OBJ)/mutant/$(1)/%.o,$(TLB_RULE_SRCS) tests/model/main.c)
	@echo "  HOSTLD  $$@"
	$(Q)$(HOSTCC) $$^ -o $$@
endef
$(foreach m,$(TLB_MUTANTS),$(eval $(call model_mutant,$(m))))

$(BUILD)/host/model: $(patsubst %.c,$(MODEL_OBJ)/%.o,$(MODEL_SRCS) tests/model/main.c)
	@echo "  HOSTLD  $@"
	$(Q)$(HOSTCC) $^ -o $@

.PHONY: model-bins soak model-bench print-tlb-mutants
model-bins: $(BUILD)/host/model $(addprefix $(BUILD)/host/model_mutant_,$(TLB_MUTANTS))

soak: $(BUILD)/host/model
	@SOAK_STEPS=$(SOAK_STEPS) SOAK_SEED=$(SOAK_SEED) scripts/soak.sh

model-bench: $(BUILD)/host/model
	$(BUILD)/host/model --bench

print-tlb-mutants:
	@echo $(TLB_MUTANTS)
