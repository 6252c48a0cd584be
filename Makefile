# Two-phase seccomp sandbox. `make` builds, `make check` runs every test
# under ASan/UBSan, `make install` honours PREFIX and DESTDIR.

PREFIX ?= /usr/local
BINDIR ?= $(PREFIX)/bin
MANDIR ?= $(PREFIX)/share/man
POLICYDIR ?= $(PREFIX)/share/sandbox/policies
BUILD ?= build
VERSION := 0.1.0

CC ?= cc
# nettle: the SHA-256 of the profiled executable (lib/digest.c).
PKGS := libseccomp libcap inih nettle
# Warnings are errors only where the compiler is known: `make check` and CI
# set WERROR=1. A release build with a newer compiler must not fail on a
# warning that compiler added. Format-string checks stay fatal everywhere:
# the programs print strings a traced program controls (paths, names,
# comments), a format bug there is a security bug, and -Wformat's checks do
# not change between compiler releases.
WERROR ?= 0
WERROR_FLAG := $(if $(filter 1,$(WERROR)),-Werror)
WARN := -Wall -Wextra -Werror=format=2 -Wshadow -Wmissing-prototypes \
	-Wstrict-prototypes -Wno-unused-parameter $(WERROR_FLAG)
CFLAGS ?= -O2 -g
# -MMD -MP: each compile writes a .d file beside its output listing the
# headers it included, so touching a header rebuilds only its users.
DEPFLAGS := -MMD -MP
# SB_POLICYDIR: the packages' policies, the last directory sandbox-run
# searches for a policy given by name (lib/lookup.h).
ALL_CFLAGS := -std=c11 -D_GNU_SOURCE $(WARN) $(DEPFLAGS) -Ilib -Icommon -DSB_VERSION='"$(VERSION)"' \
	-DSB_POLICYDIR='"$(POLICYDIR)"' $(CFLAGS)
LDLIBS := $(shell pkg-config --libs $(PKGS) 2>/dev/null || echo -lseccomp -lcap -linih -lnettle)

ifeq ($(SANITIZE),1)
SAN := -fsanitize=address,undefined -fno-sanitize-recover=undefined -fno-omit-frame-pointer
ALL_CFLAGS += $(SAN)
LDFLAGS += $(SAN)
endif

LIB_SRC := $(wildcard lib/*.c lib/arch/x86_64/*.c)
LIB_OBJ := $(LIB_SRC:%.c=$(BUILD)/%.o)
# common/: what both programs share and lib/ must not have (messages that
# exit, option parsing, program lookup).
COMMON_OBJ := $(patsubst %.c,$(BUILD)/%.o,$(wildcard common/*.c))
PROFILER_OBJ := $(patsubst %.c,$(BUILD)/%.o,$(wildcard profiler/*.c))
LAUNCHER_OBJ := $(patsubst %.c,$(BUILD)/%.o,$(wildcard launcher/*.c))
# tools/: sandbox-policy(1), the policy tool (a program on lib/ alone).
TOOL_OBJ := $(patsubst %.c,$(BUILD)/%.o,$(wildcard tools/*.c))
UNIT_SRC := $(wildcard tests/unit/test_*.c)
UNIT_BIN := $(UNIT_SRC:tests/unit/%.c=$(BUILD)/tests/%)
FIXTURE_SRC := $(wildcard tests/fixtures/*.c)
FIXTURE_BIN := $(FIXTURE_SRC:tests/fixtures/%.c=$(BUILD)/fixtures/%)
PROGRAMS := $(BUILD)/sandbox-profile $(BUILD)/sandbox-run $(BUILD)/sandbox-policy

# The eBPF recording backend (lib/ebpf/, sandbox-profile --backend=ebpf):
# built when clang, bpftool and libbpf's headers are there (EBPF=0 turns it
# off). Without them the profiler has the ptrace backend only and ebpf.o is
# the stub that says so. The build needs no kernel BTF: record.bpf.c
# declares the kernel fields it reads, and the running kernel relocates
# them at load (a kernel without BTF says so then).
BPF_CLANG ?= clang
BPFTOOL ?= bpftool
# <asm/types.h>, which <linux/types.h> needs, is under the host's multiarch
# directory, which clang -target bpf does not search.
BPF_MULTIARCH := $(shell $(CC) -dumpmachine 2>/dev/null)
EBPF_MISSING := $(strip \
	$(if $(shell $(BPF_CLANG) -print-targets 2>/dev/null | grep -qw bpf && echo y),,$(BPF_CLANG) with a bpf target) \
	$(if $(shell command -v $(BPFTOOL) 2>/dev/null),,$(BPFTOOL)) \
	$(if $(shell pkg-config --exists libbpf 2>/dev/null && echo y),,libbpf))
EBPF ?= $(if $(EBPF_MISSING),0,1)
EBPF_DIR := $(BUILD)/ebpf
# The stub has its own object, so that switching EBPF in one build tree
# never links the other variant.
ifeq ($(EBPF),1)
EBPF_OBJ := $(BUILD)/lib/ebpf/ebpf.o
# The light skeleton needs libbpf's headers only: no library at run time.
EBPF_LIBS :=
else
EBPF_OBJ := $(BUILD)/lib/ebpf/ebpf-none.o
EBPF_LIBS :=
ifeq ($(MAKELEVEL),0)
$(info eBPF backend disabled ($(if $(EBPF_MISSING),missing: $(EBPF_MISSING),EBPF=0)): sandbox-profile has the ptrace backend only)
endif
endif

.PHONY: all deps check unit integration install uninstall clean format-check format shellcheck \
	policies eval
all: $(PROGRAMS) $(FIXTURE_BIN)

# Install build and test dependencies only when something is missing.
deps:
	@scripts/install-deps --check >/dev/null 2>&1 || scripts/install-deps

$(BUILD)/%.o: %.c $(BUILD)/%.d
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) -c -o $@ $<

$(BUILD)/libsandbox.a: $(LIB_OBJ)
	ar rcs $@ $^

$(BUILD)/sandbox-profile: $(PROFILER_OBJ) $(EBPF_OBJ) $(COMMON_OBJ) $(BUILD)/libsandbox.a $(BUILD)/ebpf.cfg
	$(CC) $(LDFLAGS) -o $@ $(filter-out %.cfg,$^) $(LDLIBS) $(EBPF_LIBS)

# EBPF's value in this tree, rewritten only when it changes: a switch
# relinks the profiler with the other variant.
$(BUILD)/ebpf.cfg: FORCE
	@mkdir -p $(dir $@)
	@echo $(EBPF) | cmp -s - $@ || echo $(EBPF) >$@
.PHONY: FORCE

ifeq ($(EBPF),1)
# CO-RE: clang -target bpf; bpftool embeds the object in a light skeleton
# (-L) that ebpf.c includes: its loader program has the kernel apply the
# CO-RE relocations against the BTF it already holds, so no run reads and
# parses vmlinux BTF itself, and the build needs none.
$(EBPF_DIR)/record.bpf.o: lib/ebpf/record.bpf.c lib/ebpf/record.h
	@mkdir -p $(dir $@)
	$(BPF_CLANG) -O2 -g -Wall -Werror -target bpf -mcpu=v3 -D__TARGET_ARCH_x86 \
		-idirafter /usr/include/$(BPF_MULTIARCH) -Ilib/ebpf -c -o $@ $<

$(EBPF_DIR)/record.lskel.h: $(EBPF_DIR)/record.bpf.o
	$(BPFTOOL) gen skeleton -L $< name sb_record > $@.tmp && mv $@.tmp $@

$(EBPF_OBJ): $(EBPF_DIR)/record.lskel.h
$(EBPF_OBJ): ALL_CFLAGS += -I$(EBPF_DIR) -DSB_HAVE_EBPF
else
$(EBPF_OBJ): lib/ebpf/ebpf.c $(EBPF_OBJ:.o=.d)
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) -c -o $@ $<
endif

$(BUILD)/sandbox-run: $(LAUNCHER_OBJ) $(COMMON_OBJ) $(BUILD)/libsandbox.a
	$(CC) $(LDFLAGS) -o $@ $^ $(LDLIBS)

$(BUILD)/sandbox-policy: $(TOOL_OBJ) $(COMMON_OBJ) $(BUILD)/libsandbox.a
	$(CC) $(LDFLAGS) -o $@ $^ $(LDLIBS)

# Unit tests may include the programs' CLI parsers (profiler/cli.c, launcher/cli.c).
$(BUILD)/tests/%: tests/unit/%.c $(BUILD)/tests/%.d $(BUILD)/libsandbox.a $(COMMON_OBJ) $(EBPF_OBJ) $(BUILD)/ebpf.cfg $(filter-out %/main.o,$(PROFILER_OBJ) $(LAUNCHER_OBJ))
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) -Iprofiler -Ilauncher $(LDFLAGS) -o $@ $< \
		$(filter-out %/main.o,$(PROFILER_OBJ) $(LAUNCHER_OBJ)) $(EBPF_OBJ) $(COMMON_OBJ) $(BUILD)/libsandbox.a \
		$(LDLIBS) $(EBPF_LIBS) -lcmocka

# Fixtures are traced programs: never sanitized (ASan adds syscalls of its own).
$(BUILD)/fixtures/%: tests/fixtures/%.c $(BUILD)/fixtures/%.d
	@mkdir -p $(dir $@)
	$(CC) -std=gnu11 -O1 -g -Wall -Wextra $(WERROR_FLAG) $(DEPFLAGS) -pthread -o $@ $<

# The header dependencies the compiler wrote (DEPFLAGS). Each output also
# depends on its .d file, and a missing .d is "remade" by the empty rule, so
# an output whose .d is gone (or predates -MMD) is rebuilt, never trusted.
# That holds for the .d files named in DEPFILES (add new outputs' there); any
# other object built by the %.o rule still builds, and its .d is still read
# (and kept: .PRECIOUS), but a missing one does not force a rebuild.
DEPFILES := $(LIB_OBJ:.o=.d) $(EBPF_OBJ:.o=.d) $(COMMON_OBJ:.o=.d) $(PROFILER_OBJ:.o=.d) $(LAUNCHER_OBJ:.o=.d) $(TOOL_OBJ:.o=.d) \
	$(UNIT_BIN:=.d) $(FIXTURE_BIN:=.d)
$(DEPFILES):
$(BUILD)/%.d: ;
.PRECIOUS: $(BUILD)/%.d
include $(sort $(wildcard $(DEPFILES) $(BUILD)/*/*.d $(BUILD)/*/*/*.d $(BUILD)/*/*/*/*.d))

unit: $(UNIT_BIN)
	@set -e; for t in $(UNIT_BIN); do echo "# $$t"; $$t; done

integration: all
	SB_BUILD=$(abspath $(BUILD)) bats --tap tests/integration

# The README's test command. Everything under ASan/UBSan, in its own tree,
# with warnings as errors (WERROR=1).
check: deps
	$(MAKE) BUILD=build/check SANITIZE=1 WERROR=1 all unit
	SB_BUILD=$(abspath build/check) bats tests/integration

install: all
	install -d $(DESTDIR)$(BINDIR) $(DESTDIR)$(MANDIR)/man1 $(DESTDIR)$(MANDIR)/man5 $(DESTDIR)$(POLICYDIR)
	install -m 755 $(PROGRAMS) $(DESTDIR)$(BINDIR)/
	install -m 644 man/*.1 $(DESTDIR)$(MANDIR)/man1/
	install -m 644 man/*.5 $(DESTDIR)$(MANDIR)/man5/
	$(if $(wildcard policies/*.ini),install -m 644 $(wildcard policies/*.ini) $(DESTDIR)$(POLICYDIR)/)

uninstall:
	rm -f $(DESTDIR)$(BINDIR)/sandbox-profile $(DESTDIR)$(BINDIR)/sandbox-run $(DESTDIR)$(BINDIR)/sandbox-policy
	rm -f $(DESTDIR)$(MANDIR)/man1/sandbox-profile.1 $(DESTDIR)$(MANDIR)/man1/sandbox-run.1 \
		$(DESTDIR)$(MANDIR)/man1/sandbox-policy.1
	rm -f $(DESTDIR)$(MANDIR)/man5/sandbox-policy.5
	rm -rf $(DESTDIR)$(POLICYDIR)

# Retrain the shipped policies (policies/train-*; ~2.5 min; loopback only,
# redis on ports 6400-6402, nginx on 6450, memcached on 6460).
policies: all
	SB_BUILD=$(abspath $(BUILD)) policies/train-ls
	SB_BUILD=$(abspath $(BUILD)) policies/train-sqlite3
	SB_BUILD=$(abspath $(BUILD)) policies/train-redis-server
	SB_BUILD=$(abspath $(BUILD)) policies/train-nginx
	SB_BUILD=$(abspath $(BUILD)) policies/train-memcached

# Evaluate the shipped policies: regenerates docs/EVALUATION.md and
# docs/eval-sets.svg (~10 min, estimated; raw results in $(BUILD)/eval; redis on ports
# 6400-6402 and 6420-6431, nginx 6450-6453, memcached 6460-6463, train-small
# redis 6440). Includes the train-small / test-broad experiment (eval/train-small).
eval: all
	SB_BUILD=$(abspath $(BUILD)) EVAL_OUT=$(abspath $(BUILD))/eval eval/run-eval

# Every C file of the tree, in any directory up to three deep (lib/arch/x86_64/
# is three): a new source directory is covered without a change here.
FORMAT_SRC := $(sort $(filter-out build/%,$(wildcard */*.[ch] */*/*.[ch] */*/*/*.[ch])))

# List the C files clang-format (.clang-format) would change; fail if any.
format-check:
	@command -v clang-format >/dev/null || \
		{ echo "format-check: clang-format not installed (scripts/install-deps)" >&2; exit 1; }
	@bad=; for f in $(FORMAT_SRC); do \
		clang-format --dry-run --Werror "$$f" >/dev/null 2>&1 || bad="$$bad $$f"; \
	done; \
	if [ -n "$$bad" ]; then \
		echo "format-check: these files differ from clang-format's output" \
			"(see: clang-format --dry-run FILE; fix: make format):" >&2; \
		for f in $$bad; do echo "  $$f" >&2; done; \
		exit 1; \
	fi; \
	echo "format-check: $(words $(FORMAT_SRC)) files formatted"

# Rewrite every C file in place with clang-format.
format:
	clang-format -i $(FORMAT_SRC)

# The shell scripts: every file under these directories that starts with a
# bash or sh #! line, the sourced libraries (*.sh), and the bats helpers
# (*.bash; the .bats files themselves are bats, not bash). Settings in
# .shellcheckrc.
SHELL_DIRS := scripts policies eval bench .ci
SHELL_SRC := $(sort $(shell awk 'FNR == 1 && /^\#!.*[/ ](ba)?sh([ \t]|$$)/ { print FILENAME }' \
	$(filter-out %.sh %.bash,$(wildcard $(addsuffix /*,$(SHELL_DIRS))))) \
	$(wildcard $(addsuffix /*.sh,$(SHELL_DIRS)) tests/integration/*.bash tests/integration/*/*.bash))

shellcheck:
	@command -v shellcheck >/dev/null || \
		{ echo "shellcheck: not installed (scripts/install-deps)" >&2; exit 1; }
	shellcheck $(SHELL_SRC)
	@echo "shellcheck: $(words $(SHELL_SRC)) files clean"

clean:
	rm -rf build

# ---- Fuzzing (fuzz/) ---------------------------------------------------------
# Four libFuzzer targets over lib/ (fuzz/fuzz_*.c): the reader, read-write-read
# round trips, the filter builder and merge. `make fuzz` builds them with
# clang's libFuzzer in build/libfuzzer and runs each for FUZZ_SECONDS on the
# seeds (fuzz/corpus/, the shipped policies), keeping new inputs in
# build/libfuzzer/work/ and crashes in build/libfuzzer/. `make unit`, hence
# `make check`, runs the kept corpus once through every target, built with
# $(CC) and fuzz/main.c instead of libFuzzer: a regression test. Copy an input
# that broke a target into fuzz/corpus/ with its fix.
FUZZ_TARGETS := read roundtrip filter merge
FUZZ_SECONDS ?= 60
FUZZ_CC ?= clang
FUZZ_BUILD := build/libfuzzer
FUZZ_SAN := -fsanitize=address,undefined -fno-sanitize-recover=undefined -fno-omit-frame-pointer
FUZZ_OBJ := $(patsubst %.c,$(BUILD)/%.o,$(wildcard fuzz/*.c))
# The inputs of a target: merge reads two policies split by a NUL byte.
fuzz_corpus = $(if $(filter merge,$(1)),fuzz/corpus/merge,fuzz/corpus/policy $(wildcard policies/*.ini))

.PHONY: fuzz fuzz-corpus
$(FUZZ_OBJ): fuzz/fuzz.h

# Corpus runners: the targets without libFuzzer, with this tree's flags.
$(BUILD)/fuzz/run-%: $(BUILD)/fuzz/fuzz_%.o $(BUILD)/fuzz/common.o $(BUILD)/fuzz/main.o $(BUILD)/libsandbox.a
	$(CC) $(LDFLAGS) -o $@ $^ $(LDLIBS)

fuzz-corpus: $(FUZZ_TARGETS:%=$(BUILD)/fuzz/run-%)
	$(foreach t,$(FUZZ_TARGETS),$(BUILD)/fuzz/run-$(t) $(call fuzz_corpus,$(t)) &&) true

unit: fuzz-corpus

# libFuzzer programs; built only in $(FUZZ_BUILD), by `make fuzz` (clang may
# warn where gcc does not: not fatal there).
$(BUILD)/fuzz/fuzz-%: $(BUILD)/fuzz/fuzz_%.o $(BUILD)/fuzz/common.o $(BUILD)/libsandbox.a
	$(CC) $(LDFLAGS) -fsanitize=fuzzer -o $@ $^ $(LDLIBS)

fuzz:
	$(MAKE) BUILD=$(FUZZ_BUILD) CC=$(FUZZ_CC) SANITIZE=0 \
		CFLAGS="-O1 -g -Wno-error -Wno-error=format-nonliteral -fsanitize=fuzzer-no-link $(FUZZ_SAN)" LDFLAGS="$(FUZZ_SAN)" \
		$(FUZZ_TARGETS:%=$(FUZZ_BUILD)/fuzz/fuzz-%)
	@set -e; for t in $(FUZZ_TARGETS); do \
		mkdir -p $(FUZZ_BUILD)/work/$$t; \
		if [ $$t = merge ]; then seeds=fuzz/corpus/merge; else seeds="fuzz/corpus/policy policies"; fi; \
		echo "# fuzz-$$t: $(FUZZ_SECONDS) s"; \
		$(FUZZ_BUILD)/fuzz/fuzz-$$t -max_total_time=$(FUZZ_SECONDS) -dict=fuzz/policy.dict \
			-max_len=4096 -timeout=10 -print_final_stats=1 \
			-artifact_prefix=$(FUZZ_BUILD)/$$t- $(FUZZ_BUILD)/work/$$t $$seeds; \
	done
