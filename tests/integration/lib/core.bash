# shellcheck shell=bash
# lib/core.bash - the generic part of the bats helpers, loaded by
# helpers.bash and run_helpers.bash (as bubblewrap's libtest.sh loads
# libtest-core.sh): background processes, bounded waits, process trees,
# ports, asserts, required programs. Nothing here knows about the sandbox;
# put helpers that do in helpers.bash or run_helpers.bash.
#
# Invariants: every wait is bounded; every process a test starts through
# bg_start (or records in BG_PIDS) is killed with its descendants by
# kill_bg, by pid, never by name; an assert fails with a message on stderr
# saying what was expected and what was found. Loading the file twice (a
# suite loading both helpers) is harmless: it only defines functions, and
# BG_PIDS keeps what it holds.
#
# From scripts/lib.sh (shared with the scripts, tested here): proc_state,
# proc_alive, gone_within, wait_pid, port_listening, wait_port, wait_redis,
# median.

# shellcheck source=../../../scripts/lib.sh
source "${BASH_SOURCE[0]%/*}/../../../scripts/lib.sh"

# ---- background processes -------------------------------------------------

# The processes a test started (by pid); kill_bg kills what is left of them.
BG_PIDS=("${BG_PIDS[@]}")

# bg_start VAR LOG COMMAND... - start COMMAND in the background (stdout to
# LOG.out, stderr to LOG.err, stdin /dev/null, fd 3 closed so that bats does
# not wait for it); its pid goes in VAR and in BG_PIDS.
bg_start() {
	local var=$1 log=$2
	shift 2
	"$@" >"$log.out" 2>"$log.err" </dev/null 3>&- &
	BG_PIDS+=("$!")
	printf -v "$var" '%s' "$!"
}

# start_hogs N - start N CPU hogs (busy loops) in the background, in BG_PIDS.
start_hogs() {
	local i
	for ((i = 0; i < $1; i++)); do
		bash -c 'while :; do :; done' </dev/null >/dev/null 2>&1 3>&- &
		BG_PIDS+=("$!")
	done
}

# kill_tree PID - SIGKILL PID's descendants, children first, then PID: a
# program that the profiler or launcher left behind outlives them.
kill_tree() {
	local c
	for c in $(pgrep -P "$1" 2>/dev/null); do
		kill_tree "$c"
	done
	kill -KILL "$1" 2>/dev/null || true
}

# kill_bg - kill_tree every pid in BG_PIDS, reap them, empty BG_PIDS.
# Always status 0: it runs in teardown, after the test has passed or failed.
kill_bg() {
	local p
	for p in "${BG_PIDS[@]}"; do
		kill_tree "$p"
	done
	for p in "${BG_PIDS[@]}"; do
		wait "$p" 2>/dev/null || true
	done
	BG_PIDS=()
	return 0
}

# wait_exit PID [SECONDS] - wait for a background child of this shell to end
# and put its exit status in EXIT_STATUS. Call it directly, never in $(...):
# a subshell cannot wait for this shell's children. After SECONDS (default
# 30) PID and its descendants are killed and wait_exit fails.
wait_exit() {
	local secs=${2:-30} st=0
	EXIT_STATUS=
	if ! gone_within "$1" "$secs"; then
		echo "wait_exit: pid $1 still running after $secs s; killing it" >&2
		kill_tree "$1"
		wait "$1" 2>/dev/null || true
		return 1
	fi
	wait "$1" || st=$?
	# shellcheck disable=SC2034 # the result, read by the .bats files
	EXIT_STATUS=$st
}

# ---- process trees ----------------------------------------------------------

# child_of PID SECONDS [COMM] - print the pid of PID's (first) child once it
# exists (and, with COMM, once its /proc/PID/comm is COMM, i.e. it has
# exec'd). Status 1 if there is none after SECONDS.
child_of() {
	local deadline=$(($(now_us) + $2 * 1000000)) c
	while :; do
		c=$(pgrep -P "$1" | head -n1)
		if [[ -n $c ]] && [[ -z ${3:-} || $(cat "/proc/$c/comm" 2>/dev/null) == "$3" ]]; then
			printf '%s\n' "$c"
			return 0
		fi
		(($(now_us) < deadline)) || return 1
		sleep 0.02
	done
}

# descendant_named PID COMM - print the pid of a process named COMM among
# the descendants of PID (nearest generation first). Status 1 if none.
descendant_named() {
	local -a level=("$1") next
	local p c
	while ((${#level[@]} > 0)); do
		next=()
		for p in "${level[@]}"; do
			for c in $(pgrep -P "$p" 2>/dev/null); do
				if [[ $(cat "/proc/$c/comm" 2>/dev/null) == "$2" ]]; then
					printf '%s\n' "$c"
					return 0
				fi
				next+=("$c")
			done
		done
		level=("${next[@]}")
	done
	return 1
}

# wait_child_sleeping PID COMM [SECONDS] - wait until a descendant of PID
# named COMM (so: past its execve) sleeps (state S: blocked in a syscall,
# not in a ptrace stop); print its pid. Fails after SECONDS (default 30) or
# as soon as PID has exited.
wait_child_sleeping() {
	local r=0
	SLEEPING_CHILD=
	poll_until "${3:-30}" "$1" _child_sleeping "$1" "$2" || r=$?
	case $r in
	0) printf '%s\n' "$SLEEPING_CHILD" ;;
	1) echo "wait_child_sleeping: $1 ended" >&2 ;;
	2) echo "wait_child_sleeping: no sleeping $2 under $1 after ${3:-30} s" >&2 ;;
	esac
	((r == 0))
}

# _child_sleeping PID COMM - found once, then tested: the descendant named
# COMM (in SLEEPING_CHILD) sleeps.
_child_sleeping() {
	[[ -n $SLEEPING_CHILD ]] || SLEEPING_CHILD=$(descendant_named "$1" "$2") || SLEEPING_CHILD=
	[[ -n $SLEEPING_CHILD && $(proc_state "$SLEEPING_CHILD") == S ]]
}

# ---- ports -------------------------------------------------------------------

# free_port - print a TCP port in 20000-59999 that no socket on this host
# uses (in any state, v4 or v6).
free_port() {
	local i p hex
	for ((i = 0; i < 200; i++)); do
		p=$((20000 + (RANDOM * 32768 + RANDOM) % 40000))
		printf -v hex ':%04X' "$p"
		if ! awk -v h="$hex" 'FNR > 1 && substr($2, length($2) - 4) == h { f = 1 }
			END { exit !f }' /proc/net/tcp /proc/net/tcp6 2>/dev/null; then
			printf '%s\n' "$p"
			return 0
		fi
	done
	echo "free_port: no free port found" >&2
	return 1
}

# ---- asserts -------------------------------------------------------------------

# assert_same EXPECTED ACTUAL - fail unless the texts are equal, showing a
# unified diff (- expected, + actual).
assert_same() {
	if [[ $1 != "$2" ]]; then
		diff -u --label expected --label actual <(printf '%s\n' "$1") <(printf '%s\n' "$2") >&2 || true
		return 1
	fi
}

# assert_contains TEXT STRING - fail unless TEXT contains STRING (a fixed
# string, not a pattern; one spanning lines must appear whole, not line by
# line as with grep -F), showing TEXT.
assert_contains() {
	if [[ $1 != *"$2"* ]]; then
		printf 'expected to find: %s\nin:\n%s\n' "$2" "$1" >&2
		return 1
	fi
}

# refute_contains TEXT STRING - fail if TEXT contains STRING, showing TEXT.
refute_contains() {
	if [[ $1 == *"$2"* ]]; then
		printf 'expected NOT to find: %s\nin:\n%s\n' "$2" "$1" >&2
		return 1
	fi
}

# ---- required programs --------------------------------------------------------

# require_programs NAME... - skip the test unless every NAME is installed;
# in CI (CI=true), where scripts/install-deps installs them all, FAIL
# instead: a missing dependency there must not pass as a skip.
require_programs() {
	local n missing=()
	for n in "$@"; do
		command -v "$n" >/dev/null 2>&1 || missing+=("$n")
	done
	((${#missing[@]} == 0)) && return 0
	if [[ ${CI:-} == true ]]; then
		echo "not installed: ${missing[*]}; in CI scripts/install-deps installs it" >&2
		return 1
	fi
	skip "${missing[*]} not installed"
}
