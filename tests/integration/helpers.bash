# shellcheck shell=bash
# helpers.bash - helpers of the profiler and fixture suites (load helpers):
# the binaries' paths, policy files, the profiler's summary. The generic
# helpers (background processes, bounded waits, process trees, ports,
# asserts) are in lib/core.bash, loaded here.
#
# Environment:
#   SB_BUILD   absolute build directory (the Makefile passes it); default:
#              the tree's own build/ directory.
#   CI=true    programs the dependency script installs (redis-server,
#              sqlite3, ...) must be present: skip_unless_program fails.
# Defined here:
#   SB_PROFILE, SB_RUN, FIXTURES   paths of the binaries and fixtures
#   SB_TIMEOUT                     bound, in seconds, of any single run

# shellcheck source=lib/core.bash
source "${BASH_SOURCE[0]%/*}/lib/core.bash"

# shellcheck disable=SC2034 # SB_PROFILE, SB_RUN, FIXTURES: for the .bats files
{
	: "${SB_BUILD:=$BATS_TEST_DIRNAME/../../build}"
	SB_PROFILE="$SB_BUILD/sandbox-profile"
	SB_RUN="$SB_BUILD/sandbox-run"
	FIXTURES="$SB_BUILD/fixtures"
	: "${SB_TIMEOUT:=120}"
}

# require_file PATH... - fail (never skip) unless each path is an executable
# file. A test run by `make integration` always has them; a missing binary
# must not let a test pass (e.g. bash's own 127 for "not found").
require_file() {
	local f
	for f in "$@"; do
		if [ ! -x "$f" ]; then
			echo "missing: $f (build it: make BUILD=... all)" >&2
			return 1
		fi
	done
}

# skip_unless_program NAME - skip when NAME is not installed, except in CI
# (CI=true), where the dependency script installs it: there it FAILS.
skip_unless_program() {
	require_programs "$1"
}

# bounded CMD... - run CMD with the suite's time bound (status 124 on timeout).
bounded() {
	timeout -k 5 "$SB_TIMEOUT" "$@"
}

# ---------------------------------------------------------------------------
# Policy files (sandbox-policy(5)): INI, sections [sandbox], [init], [serving];
# syscall lines are "name = action ; N calls".

# section_entries FILE SECTION - one line per "key = value" entry of
# [SECTION]: the key, a tab, the rest of the line after "=" (inline comment
# included). Comment lines are skipped. The one INI parser of these helpers.
section_entries() {
	awk -v want="$2" '
		/^[ \t]*[;#]/ { next }
		/^[ \t]*\[/ {
			s = $0
			sub(/^[ \t]*\[[ \t]*/, "", s)
			sub(/[ \t]*\].*$/, "", s)
			sec = s
			next
		}
		sec == want && /=/ {
			k = $0
			sub(/=.*/, "", k)
			gsub(/^[ \t]+|[ \t]+$/, "", k)
			v = $0
			sub(/^[^=]*=/, "", v)
			if (k != "") print k "\t" v
		}' "$1"
}

# entry_value FILE SECTION KEY - the rest of KEY's line after "=", as is.
# Status 1 if KEY is not in [SECTION].
entry_value() {
	section_entries "$1" "$2" | awk -F '\t' -v key="$3" '
		$1 == key { sub(/^[^\t]*\t/, ""); print; found = 1; exit }
		END { exit !found }'
}

# phase_set FILE SECTION - the syscall names listed in [SECTION], one per
# line, sorted, except the lines a family of equal power brought in
# ("NAME = allow ; family F", sandbox-policy(5) FAMILIES): for a learned
# policy, the calls the runs made. Nothing (and status 0) if the section is
# absent.
phase_set() {
	# argument conditions (call.arg = ...) are not calls
	section_entries "$1" "$2" | awk -F '\t' '$2 !~ /;[ \t]*family / && $1 !~ /\./' | cut -f1 | LC_ALL=C sort
}

# in_phase FILE SECTION NAME - status 0 iff NAME is listed in [SECTION].
in_phase() {
	phase_set "$1" "$2" | grep -qxF -- "$3"
}

# not_in_phase FILE SECTION NAME - status 0 iff NAME is NOT listed in
# [SECTION]. (Use this, not `! in_phase`: bash's `!` never trips errexit, so
# `! in_phase ...` alone on a line would not fail a bats test.)
not_in_phase() {
	if in_phase "$@"; then
		echo "$3 is in [$2] of $1, it should not be" >&2
		return 1
	fi
	return 0
}

# has_section FILE SECTION - status 0 iff FILE has a [SECTION] header.
has_section() {
	grep -qE "^[[:space:]]*\[[[:space:]]*$2[[:space:]]*\]" "$1"
}

# call_count FILE SECTION NAME - the N of "NAME = ... ; N calls" in [SECTION]
# (nothing if NAME is not listed or has no count).
call_count() {
	entry_value "$1" "$2" "$3" | grep -oE ';[[:space:]]*[0-9]+[[:space:]]+calls?' |
		grep -oE '[0-9]+' || true
}

# policy_key FILE KEY - the value of KEY in [sandbox] (inline " ;" comment and
# surrounding blanks removed). Nothing if absent.
policy_key() {
	entry_value "$1" sandbox "$2" | sed -E 's/[[:space:]];.*$//; s/^[[:space:]]+//; s/[[:space:]]+$//' || true
}

# has_key FILE KEY - status 0 iff KEY is set in [sandbox].
has_key() {
	entry_value "$1" sandbox "$2" >/dev/null
}

# ---------------------------------------------------------------------------
# The profiler's summary (stderr, lines starting "sandbox-profile: ").

# summary_number TEXT WORD_REGEX - the count the summary gives for WORD:
# "N WORD" or "WORD: N" / "WORD = N" on a "sandbox-profile: " line, e.g.
# summary_number "$stderr" 'process(es)?'. Nothing if not found.
summary_number() {
	printf '%s\n' "$1" | grep -E '^sandbox-profile: ' |
		grep -oiE "([0-9]+[[:space:]]+$2\\b|\\b$2[[:space:]]*[:=][[:space:]]*[0-9]+)" |
		head -n1 | grep -oE '[0-9]+'
}

# expect_number TEXT WORD_REGEX OP N - assert on summary_number, e.g.
# expect_number "$stderr" 'process(es)?' -eq 3.
expect_number() {
	local n
	n=$(summary_number "$1" "$2") || true
	if [ -z "$n" ]; then
		echo "no count matching /$2/ in the summary:" >&2
		printf '%s\n' "$1" | grep -E '^sandbox-profile: ' >&2
		return 1
	fi
	if ! test "$n" "$3" "$4"; then
		echo "summary count /$2/ is $n, expected $3 $4" >&2
		return 1
	fi
}

# expect_transitions TEXT N - the summary reports N transitions: a count
# ("transitions: N" / "N transitions") if it gives one, else one
# "sandbox-profile: transition: ..." line per process that transitioned.
expect_transitions() {
	local n
	n=$(summary_number "$1" 'transitions') || true
	[ -n "$n" ] || n=$(printf '%s\n' "$1" | grep -cE '^sandbox-profile: transition[: ]')
	if [ "$n" -ne "$2" ]; then
		echo "summary reports $n transitions, expected $2:" >&2
		printf '%s\n' "$1" | grep -E '^sandbox-profile: ' >&2
		return 1
	fi
}

# teardown_bg - SIGKILL what is left of the processes a test started (the
# pids in BG_PIDS) and of their descendants (e.g. a traced program).
teardown_bg() {
	kill_bg
}
