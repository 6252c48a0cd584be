# Two-phase seccomp sandbox. `make` builds, `make check` runs every test
# under ASan/UBSan, `make install` honours PREFIX and DESTDIR.

PREFIX ?= /usr/local
BINDIR ?= $(PREFIX)/bin
MANDIR ?= $(PREFIX)/share/man
POLICYDIR ?= $(PREFIX)/share/sandbox/policies
BUILD ?= build
VERSION := 0.1.0

CC ?= cc
PKGS := libseccomp libcap inih
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
ALL_CFLAGS := -std=c11 -D_GNU_SOURCE $(WARN) $(DEPFLAGS) -Ilib -DSB_VERSION='"$(VERSION)"' $(CFLAGS)
LDLIBS := $(shell pkg-config --libs $(PKGS) 2>/dev/null || echo -lseccomp -lcap -linih)

ifeq ($(SANITIZE),1)
SAN := -fsanitize=address,undefined -fno-sanitize-recover=undefined -fno-omit-frame-pointer
ALL_CFLAGS += $(SAN)
LDFLAGS += $(SAN)
endif

LIB_SRC := $(wildcard lib/*.c lib/arch/x86_64/*.c)
LIB_OBJ := $(LIB_SRC:%.c=$(BUILD)/%.o)
PROFILER_OBJ := $(patsubst %.c,$(BUILD)/%.o,$(wildcard profiler/*.c))
LAUNCHER_OBJ := $(patsubst %.c,$(BUILD)/%.o,$(wildcard launcher/*.c))
UNIT_SRC := $(wildcard tests/unit/test_*.c)
UNIT_BIN := $(UNIT_SRC:tests/unit/%.c=$(BUILD)/tests/%)
FIXTURE_SRC := $(wildcard tests/fixtures/*.c)
FIXTURE_BIN := $(FIXTURE_SRC:tests/fixtures/%.c=$(BUILD)/fixtures/%)
PROGRAMS := $(BUILD)/sandbox-profile $(BUILD)/sandbox-run

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

$(BUILD)/sandbox-profile: $(PROFILER_OBJ) $(BUILD)/libsandbox.a
	$(CC) $(LDFLAGS) -o $@ $^ $(LDLIBS)

$(BUILD)/sandbox-run: $(LAUNCHER_OBJ) $(BUILD)/libsandbox.a
	$(CC) $(LDFLAGS) -o $@ $^ $(LDLIBS)

# Unit tests may include the programs' CLI parsers (profiler/cli.c, launcher/cli.c).
$(BUILD)/tests/%: tests/unit/%.c $(BUILD)/tests/%.d $(BUILD)/libsandbox.a $(filter-out %/main.o,$(PROFILER_OBJ) $(LAUNCHER_OBJ))
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) -Iprofiler -Ilauncher $(LDFLAGS) -o $@ $< \
		$(filter-out %/main.o,$(PROFILER_OBJ) $(LAUNCHER_OBJ)) $(BUILD)/libsandbox.a $(LDLIBS) -lcmocka

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
DEPFILES := $(LIB_OBJ:.o=.d) $(PROFILER_OBJ:.o=.d) $(LAUNCHER_OBJ:.o=.d) \
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
	rm -f $(DESTDIR)$(BINDIR)/sandbox-profile $(DESTDIR)$(BINDIR)/sandbox-run
	rm -f $(DESTDIR)$(MANDIR)/man1/sandbox-profile.1 $(DESTDIR)$(MANDIR)/man1/sandbox-run.1
	rm -f $(DESTDIR)$(MANDIR)/man5/sandbox-policy.5
	rm -rf $(DESTDIR)$(POLICYDIR)

# Retrain the shipped policies (policies/train-*; ~1.5 min; loopback only,
# redis on ports 6400-6402).
policies: all
	SB_BUILD=$(abspath $(BUILD)) policies/train-ls
	SB_BUILD=$(abspath $(BUILD)) policies/train-sqlite3
	SB_BUILD=$(abspath $(BUILD)) policies/train-redis-server

# Evaluate the shipped policies: regenerates docs/EVALUATION.md and
# docs/eval-sets.svg (~5 min; raw results in $(BUILD)/eval; redis on ports
# 6400-6402 and 6420-6431).
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
