# svmhv — top-level build.
#
#   make            build/svmhv.efi (PE32+ EFI application) and build/svmhv.so (ELF with symbols)
#   make run        boot svmhv + Debian's Linux in QEMU TCG, serial console on this terminal
#   make run-batch  the same, non-interactive: powers off at the end, exit status = guest verdict
#   make test       every test (host unit tests, model checker, QEMU, Linux); ends "N passed, M failed"
#   make bench      benchmark figures (see BENCHMARKS.md)
#   make fuzz       every libFuzzer target for >= 10^7 executions (scripts/fuzz.sh)
#   make deps       install missing Debian packages (apt-get, as root)
#   make esp DEST=d lay out EFI/svmhv/{svmhv.efi,svmhv.cfg,INSTALL.txt} under d (e.g. /boot/efi)
#   make gdb        debug svmhv itself: QEMU's gdbstub, gdb with build/svmhv.so's symbols
#                   where svmhv relocated itself (GDB_EX='cmd; cmd' for a batch run)
#
# Sub-makefiles (*.mk) in the source folders add EFI applications, host unit tests
# and benchmark programs to the lists below; see tests/README.md.

BUILD     ?= build
V         ?= 0
Q         := $(if $(filter 1,$(V)),,@)

EFI_INC   := /usr/include/efi
EFI_LIB   := /usr/lib
EFI_CRT0  := $(EFI_LIB)/crt0-efi-x86_64.o

CC        ?= gcc
HOSTCC    ?= gcc
LD        := ld
OBJCOPY   := objcopy
NASM      := nasm

# Hypervisor (freestanding) flags: STYLE.md item 13, plus what GNU-EFI needs, plus
# indirect-branch and return thunks (Spectre v2, Retbleed; scripts/thunk-check.sh).
EFI_CFLAGS := -std=c11 -O2 -g -Wall -Wextra -Werror -Wshadow -Wstrict-prototypes \
	-Wmissing-prototypes -Wno-unused-parameter -ffreestanding -fno-stack-protector \
	-fno-strict-aliasing -fno-omit-frame-pointer -fpic -fshort-wchar -mno-red-zone -mgeneral-regs-only \
	-maccumulate-outgoing-args -fno-builtin -DGNU_EFI_USE_MS_ABI -DSVMHV_FREESTANDING \
	-mindirect-branch=thunk -mfunction-return=thunk -mindirect-branch-register \
	-I. -isystem $(EFI_INC) -isystem $(EFI_INC)/x86_64 -MMD -MP
EFI_LDFLAGS := -nostdlib -znocombreloc -znoexecstack -shared -Bsymbolic -T linker.ld \
	-L$(EFI_LIB) $(EFI_CRT0)
EFI_LIBS   := -lefi -lgnuefi $(shell $(CC) -print-libgcc-file-name)
NASMFLAGS  := -f elf64 -g -w+all -w+error

# Host unit tests: same sources, host compiler, sanitizers, cmocka.
HOST_CFLAGS := -std=c11 -O1 -g -Wall -Wextra -Werror -Wshadow -Wstrict-prototypes \
	-Wmissing-prototypes -Wno-unused-parameter \
	-fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=all \
	-D_DEFAULT_SOURCE -DSVMHV_HOST_TEST -I. -MMD -MP
HOST_LDLIBS := -lcmocka

# ---------------------------------------------------------------------------
# svmhv.efi: every C and nasm file of the hypervisor folders.
HV_DIRS   := boot hv svm mm nested
HV_CSRC   := $(sort $(wildcard $(addsuffix /*.c,$(HV_DIRS)) $(addsuffix /*/*.c,$(HV_DIRS))))
HV_ASRC   := $(sort $(wildcard $(addsuffix /*.asm,$(HV_DIRS)) $(addsuffix /*/*.asm,$(HV_DIRS))))
HV_OBJS   := $(HV_CSRC:%.c=$(BUILD)/efi/%.o) $(HV_ASRC:%.asm=$(BUILD)/efi/%.o)

.DEFAULT_GOAL := all

# Lists the *.mk fragments extend.
EFI_APPS    :=
UNIT_TESTS  :=
HOST_PROGS  :=

-include $(sort $(wildcard tests/*.mk tests/*/*.mk))

.PHONY: all deps run run-batch test unit bench clean kvm-run lint gdb fuzz platforms
all: $(BUILD)/svmhv.efi

$(BUILD)/efi/%.o: %.c
	@mkdir -p $(dir $@)
	@echo "  CC      $<"
	$(Q)$(CC) $(EFI_CFLAGS) -c $< -o $@

$(BUILD)/efi/%.o: %.asm
	@mkdir -p $(dir $@)
	@echo "  NASM    $<"
	$(Q)$(NASM) $(NASMFLAGS) -MD $(@:.o=.d) -MP $< -o $@

# $(1) = name, $(2) = objects: link an ELF shared object with symbols, then the PE.
define efi_link
$(BUILD)/$(1).so: $(2) linker.ld
	@echo "  LD      $$@"
	$(Q)$(LD) $(EFI_LDFLAGS) $(2) -o $$@ $(EFI_LIBS)
	$(Q)if nm -u $$@ | grep -q .; then echo "unresolved symbols in $$@:"; nm -u $$@; rm -f $$@; exit 1; fi
$(BUILD)/$(1).efi: $(BUILD)/$(1).so
	@echo "  EFI     $$@"
	$(Q)$(OBJCOPY) -j .text -j .sdata -j .data -j .dynamic -j .dynsym -j .rel \
		-j .rela -j .rel.* -j .rela.* -j .reloc --target efi-app-x86_64 \
		--subsystem=10 $$< $$@
endef

# svmhv links twice: with an empty symbol table, then with the table generated
# from that first link (hv/dbg/symtab.h); the table sits last, so no function
# moves, which the symcheck step verifies.
$(BUILD)/efi/symtab0.asm: scripts/symtab.sh
	@mkdir -p $(dir $@)
	$(Q)scripts/symtab.sh > $@
$(BUILD)/efi/symtab.asm: $(BUILD)/svmhv-nosyms.so scripts/symtab.sh
	@echo "  SYMTAB  $@"
	$(Q)scripts/symtab.sh $< > $@
$(BUILD)/efi/symtab0.o $(BUILD)/efi/symtab.o: %.o: %.asm
	$(Q)$(NASM) $(NASMFLAGS) $< -o $@
$(eval $(call efi_link,svmhv-nosyms,$(HV_OBJS) $(BUILD)/efi/symtab0.o))
$(eval $(call efi_link,svmhv,$(HV_OBJS) $(BUILD)/efi/symtab.o))
$(BUILD)/svmhv.symcheck: $(BUILD)/svmhv.so $(BUILD)/svmhv-nosyms.so
	$(Q)nm -n $(BUILD)/svmhv-nosyms.so | awk '$$2 ~ /^[tT]$$/' > $@.1
	$(Q)nm -n $(BUILD)/svmhv.so | awk '$$2 ~ /^[tT]$$/' > $@.2
	$(Q)cmp -s $@.1 $@.2 || { echo "the symbol table moved svmhv's code" \
		"(linker.ld: .svmhv_syms must come last)"; exit 1; }
	$(Q)rm -f $@.1 $@.2; touch $@
$(BUILD)/svmhv.efi: $(BUILD)/svmhv.symcheck
$(foreach a,$(EFI_APPS),$(eval $(call efi_link,$(a),$(patsubst %.c,$(BUILD)/efi/%.o,$(patsubst %.asm,$(BUILD)/efi/%.o,$($(a)_SRCS))))))

# Host unit tests: tests/unit/<name>.mk sets UNIT_TESTS += <name>, <name>_SRCS := ...
define host_prog
$(BUILD)/host/$(1): $(patsubst %.c,$(BUILD)/host/obj/%.o,$($(1)_SRCS))
	@mkdir -p $$(dir $$@)
	@echo "  HOSTLD  $$@"
	$(Q)$(HOSTCC) $(HOST_CFLAGS) $$^ -o $$@ $(HOST_LDLIBS) $($(1)_LDLIBS)
endef
$(foreach t,$(UNIT_TESTS) $(HOST_PROGS),$(eval $(call host_prog,$(t))))

$(BUILD)/host/obj/%.o: %.c
	@mkdir -p $(dir $@)
	@echo "  HOSTCC  $<"
	$(Q)$(HOSTCC) $(HOST_CFLAGS) $($(notdir $(basename $<))_CFLAGS) -c $< -o $@

unit-bins: $(addprefix $(BUILD)/host/,$(UNIT_TESTS) $(HOST_PROGS))
efi-apps: $(BUILD)/svmhv.efi $(addprefix $(BUILD)/,$(addsuffix .efi,$(EFI_APPS)))
print-unit-tests:
	@echo $(UNIT_TESTS)

# ---------------------------------------------------------------------------
deps:
	@scripts/deps.sh

run: deps all efi-apps
	@scripts/run.sh

run-batch: deps all efi-apps
	@scripts/run.sh --batch

kvm-run: deps all efi-apps
	@scripts/run.sh --kvm

gdb: deps all
	@scripts/gdb.sh

.PHONY: esp
esp: all
	@scripts/esp.sh "$(DEST)" $(BUILD)/svmhv.efi

test: deps
	@scripts/test.sh

# The platform tier (CI runs it after make test): the CPU feature matrix, the
# key suites on QEMU 10 and l1hv on named AMD models (tests/platform/suites/).
platforms: deps
	@scripts/test.sh tests/platform/suites

unit: unit-bins
	@tests/suites/10-unit.sh

bench: deps
	@scripts/bench.sh

fuzz: deps
	@scripts/fuzz.sh

lint:
	@scripts/lint.sh

clean:
	rm -rf $(BUILD)

-include $(shell find $(BUILD)/efi $(BUILD)/host -type f -name '*.d' 2>/dev/null)
