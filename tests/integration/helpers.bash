# helpers.bash - shared by the bats suites (load helpers).
#
# Environment:
#   SB_BUILD   absolute build directory (the Makefile passes it); default:
#              the tree's own build/ directory.
#   CI=true    programs the dependency script installs (redis-server,
#              sqlite3, ...) must be present: skip_unless_program fails.
# Defined here:
#   SB_PROFILE, SB_RUN, FIXTURES   paths of the binaries and fixtures
#   SB_TIMEOUT                     bound, in seconds, of any single run

: "${SB_BUILD:=$BATS_TEST_DIRNAME/../../build}"
SB_PROFILE="$SB_BUILD/sandbox-profile"
SB_RUN="$SB_BUILD/sandbox-run"
FIXTURES="$SB_BUILD/fixtures"
: "${SB_TIMEOUT:=120}"

# Background processes a test started (by pid); teardown_bg kills what is left.
BG_PIDS=()

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
	command -v "$1" >/dev/null 2>&1 && return 0
	if [ "${CI:-}" = true ]; then
		echo "$1 is not installed, but CI installs it (scripts/install-deps)" >&2
		return 1
	fi
	skip "$1 is not installed"
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
# line, sorted. Nothing (and status 0) if the section is absent.
phase_set() {
	section_entries "$1" "$2" | cut -f1 | LC_ALL=C sort
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

# ---------------------------------------------------------------------------
# Network and processes.

# free_port - print a TCP port that nothing on this host uses (any state, v4
# or v6), in 20000-59999.
free_port() {
	local i p hex
	for i in $(seq 1 200); do
		p=$((20000 + (RANDOM * 32768 + RANDOM) % 40000))
		hex=$(printf '%04X' "$p")
		if ! awk -v h=":$hex" 'FNR > 1 && substr($2, length($2) - 4) == h { f = 1 } END { exit !f }' \
			/proc/net/tcp /proc/net/tcp6 2>/dev/null; then
			echo "$p"
			return 0
		fi
	done
	echo "free_port: no free port found" >&2
	return 1
}

# port_listening PORT - status 0 iff some socket listens on TCP PORT.
port_listening() {
	local hex
	hex=$(printf '%04X' "$1")
	awk -v h=":$hex" 'FNR > 1 && substr($2, length($2) - 4) == h && $4 == "0A" { f = 1 }
		END { exit !f }' /proc/net/tcp /proc/net/tcp6 2>/dev/null
}

# wait_port PORT [TIMEOUT_S [PID]] - wait until something listens on PORT
# (checked in /proc/net, so no connection is made). Fails after TIMEOUT_S
# (default 30), or at once if PID is given and has exited.
wait_port() {
	local port=$1 limit=$(( ${2:-30} * 20 )) pid=${3:-} i
	for ((i = 0; i < limit; i++)); do
		port_listening "$port" && return 0
		if [ -n "$pid" ] && ! proc_alive "$pid"; then
			echo "wait_port: process $pid ended before port $port listened" >&2
			return 1
		fi
		sleep 0.05
	done
	echo "wait_port: nothing listens on port $port after ${2:-30} s" >&2
	return 1
}

# proc_state PID - the state letter of PID (R, S, t, Z, ...), nothing if gone.
proc_state() {
	local s
	s=$(cat "/proc/$1/stat" 2>/dev/null) || return 0
	s=${s##*) }
	echo "${s%% *}"
}

# proc_alive PID - running (exists and is not a zombie).
proc_alive() {
	local st
	st=$(proc_state "$1")
	[ -n "$st" ] && [ "$st" != Z ] && [ "$st" != X ]
}

# descendant_named PID COMM - print the pid of a process named COMM among
# the descendants of PID (children first). Status 1 if there is none.
descendant_named() {
	local f s comm rest ppid pid
	local -A parent=() name=()
	for f in /proc/[0-9]*/stat; do
		s=$(cat "$f" 2>/dev/null) || continue
		pid=${f#/proc/}
		pid=${pid%/stat}
		comm=${s#*(}
		comm=${comm%)*}
		rest=${s##*) }
		rest=${rest#* }      # drop the state
		ppid=${rest%% *}
		parent[$pid]=$ppid
		name[$pid]=$comm
	done
	local -a level=("$1") next
	local p c
	while [ "${#level[@]}" -gt 0 ]; do
		next=()
		for c in "${!parent[@]}"; do
			for p in "${level[@]}"; do
				if [ "${parent[$c]}" = "$p" ]; then
					if [ "${name[$c]}" = "$2" ]; then
						echo "$c"
						return 0
					fi
					next+=("$c")
				fi
			done
		done
		level=("${next[@]}")
	done
	return 1
}

# wait_child_sleeping PID COMM [TIMEOUT_S] - wait until a descendant of PID
# named COMM (so: past its execve) sleeps (state S: blocked inside a
# syscall, not in a ptrace stop); print its pid.
wait_child_sleeping() {
	local limit=$(( ${3:-30} * 20 )) i c=
	for ((i = 0; i < limit; i++)); do
		[ -n "$c" ] || c=$(descendant_named "$1" "$2") || c=
		if [ -n "$c" ] && [ "$(proc_state "$c")" = S ]; then
			echo "$c"
			return 0
		fi
		if ! proc_alive "$1"; then
			echo "wait_child_sleeping: $1 ended" >&2
			return 1
		fi
		sleep 0.05
	done
	echo "wait_child_sleeping: no sleeping $2 under $1 after ${3:-30} s" >&2
	return 1
}

# wait_exit PID [TIMEOUT_S] - wait for a background child of this shell to
# end and set EXIT_STATUS to its exit status. Call it directly, never in $(...):
# a subshell cannot wait for this shell's children. After TIMEOUT_S (default
# 30) PID is killed with SIGKILL and wait_exit fails.
wait_exit() {
	local pid=$1 limit=$(( ${2:-30} * 20 )) i
	EXIT_STATUS=
	for ((i = 0; i < limit; i++)); do
		if ! proc_alive "$pid"; then
			EXIT_STATUS=0
			wait "$pid" || EXIT_STATUS=$?
			return 0
		fi
		sleep 0.05
	done
	echo "wait_exit: $pid still running after ${2:-30} s, killing it" >&2
	kill -KILL "$pid" 2>/dev/null || true
	wait "$pid" 2>/dev/null || true
	return 1
}

# teardown_bg - SIGKILL what is left of the processes a test started: the
# pids in BG_PIDS and their children (e.g. a traced program left behind).
teardown_bg() {
	local p c f s rest
	for p in "${BG_PIDS[@]}"; do
		for f in /proc/[0-9]*/stat; do
			s=$(cat "$f" 2>/dev/null) || continue
			rest=${s##*) }
			rest=${rest#* }
			if [ "${rest%% *}" = "$p" ]; then
				c=${f#/proc/}
				kill -KILL "${c%/stat}" 2>/dev/null || true
			fi
		done
		if proc_alive "$p"; then
			kill -KILL "$p" 2>/dev/null || true
		fi
		wait "$p" 2>/dev/null || true
	done
	BG_PIDS=()
	return 0
}
