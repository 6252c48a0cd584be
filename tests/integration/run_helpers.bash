# run_helpers.bash - helpers for run.bats (sandbox-run integration tests).
#
# Self-contained on purpose (helpers.bash belongs to the profiler tests).
# Every wait is bounded; every background process started here is recorded
# and killed by sbr_cleanup, by pid, never by name.

# SB_BUILD: absolute build directory (make integration / make check set it).
sbr_init() {
	SB_BUILD=${SB_BUILD:-$(cd "$BATS_TEST_DIRNAME/../.." && pwd)/build}
	RUN=$SB_BUILD/sandbox-run
	PROFILE=$SB_BUILD/sandbox-profile
	FIX=$SB_BUILD/fixtures
	POL=$BATS_FILE_TMPDIR
	local f
	for f in "$RUN" "$PROFILE" "$FIX/twophase" "$FIX/prefork" "$FIX/int80"; do
		if [[ ! -x $f ]]; then
			echo "missing $f: build with 'make BUILD=... all' and set SB_BUILD" >&2
			return 1
		fi
	done
}

have_redis() {
	command -v redis-server >/dev/null && command -v redis-cli >/dev/null &&
		command -v redis-benchmark >/dev/null
}

# learn [-s STATUS] OUT [PROFILE-OPTIONS...] -- PROGRAM [ARGS...]
# Learn a policy into OUT with sandbox-profile (quiet); the program's stdout
# and stderr go to OUT.out and OUT.err. The profiler must exit with STATUS
# (default 0, the program's status) and write OUT.
learn() {
	local want=0 out st=0
	if [[ $1 == -s ]]; then
		want=$2
		shift 2
	fi
	out=$1
	shift
	timeout -k 5 60 "$PROFILE" -q -o "$out" "$@" >"$out.out" 2>"$out.err" </dev/null || st=$?
	if [[ $st -ne $want || ! -s $out ]]; then
		echo "learn $out: sandbox-profile $* exited $st (expected $want)" >&2
		cat "$out.err" >&2
		return 1
	fi
}

# The lines of [SECTION] in a policy file, keys only.
section_keys() {
	awk -v s="[$2]" '/^\[/ { in_s = ($1 == s); next }
		in_s && /^[a-z0-9_]+ *=/ { sub(/ *=.*/, ""); print }' "$1"
}

# Fail with a diff unless two texts are equal.
assert_same() {
	if [[ $1 != "$2" ]]; then
		echo "-- expected / ++ actual:" >&2
		diff <(printf '%s\n' "$1") <(printf '%s\n' "$2") >&2 || true
		return 1
	fi
}

# Fail unless TEXT contains STRING (grep -F), showing TEXT.
assert_contains() {
	if ! grep -qF -- "$2" <<<"$1"; then
		printf 'expected to find: %s\nin:\n%s\n' "$2" "$1" >&2
		return 1
	fi
}

refute_contains() {
	if grep -qF -- "$2" <<<"$1"; then
		printf 'expected NOT to find: %s\nin:\n%s\n' "$2" "$1" >&2
		return 1
	fi
}

# The launcher's report of a seccomp kill: "... killed by seccomp in phase
# PHASE: syscall NAME" when the kernel's audit record was found in
# /dev/kmsg, else "... killed by seccomp in phase PHASE; to find the
# syscall ..." (records are rate-limited and may be missing). Either way the
# phase must be right, and a named syscall must be NAME.
assert_kill_report() {
	local err=$1 phase=$2 name=$3
	assert_contains "$err" "killed by seccomp in phase $phase" || return 1
	if grep -qF "killed by seccomp in phase $phase: syscall " <<<"$err"; then
		assert_contains "$err" "killed by seccomp in phase $phase: syscall $name" || return 1
	fi
}

# ---- background processes -------------------------------------------------

SBR_PIDS=()

# bg_start VAR LOG COMMAND...: start COMMAND in the background (stdout to
# LOG.out, stderr to LOG.err, fd 3 closed for bats); its pid goes in VAR.
bg_start() {
	local var=$1 log=$2
	shift 2
	"$@" >"$log.out" 2>"$log.err" </dev/null 3>&- &
	SBR_PIDS+=("$!")
	printf -v "$var" '%s' "$!"
}

# The state letter of a pid (R, S, Z, ...), empty if it is gone.
proc_state() {
	local s
	s=$(cat "/proc/$1/stat" 2>/dev/null) || return 0
	s=${s##*) }
	printf '%s' "${s%% *}"
}

# gone_within PID SECONDS: succeed once PID is dead (gone or a zombie).
gone_within() {
	local pid=$1 deadline=$((SECONDS + $2)) st
	while :; do
		st=$(proc_state "$pid")
		[[ -z $st || $st == Z || $st == X ]] && return 0
		((SECONDS < deadline)) || return 1
		sleep 0.05
	done
}

# wait_exit PID SECONDS: wait (bounded) for a child started by bg_start and
# put its exit status in EXIT_STATUS. On timeout: SIGKILL it, fail.
wait_exit() {
	EXIT_STATUS=
	if ! gone_within "$1" "$2"; then
		echo "pid $1 still running after $2 s; killing it" >&2
		kill_tree "$1"
		return 1
	fi
	local st=0
	wait "$1" || st=$?
	EXIT_STATUS=$st
}

# child_of PID SECONDS [COMM]: print the pid of PID's (first) child, once it
# exists (and, with COMM, once its /proc/PID/comm is COMM, i.e. exec'd).
child_of() {
	local deadline=$((SECONDS + $2)) c
	while :; do
		c=$(pgrep -P "$1" | head -n1)
		if [[ -n $c ]] && { [[ -z ${3:-} ]] || [[ $(cat "/proc/$c/comm" 2>/dev/null) == "$3" ]]; }; then
			printf '%s' "$c"
			return 0
		fi
		((SECONDS < deadline)) || return 1
		sleep 0.02
	done
}

# Kill PID and its descendants (SIGKILL), children first: a program that
# sandbox-run detached outlives it.
kill_tree() {
	local c
	for c in $(pgrep -P "$1" 2>/dev/null); do
		kill_tree "$c"
	done
	kill -KILL "$1" 2>/dev/null || true
}

sbr_cleanup() {
	local p
	for p in "${SBR_PIDS[@]}"; do
		kill_tree "$p"
	done
	for p in "${SBR_PIDS[@]}"; do
		wait "$p" 2>/dev/null || true
	done
	SBR_PIDS=()
}

# ---- redis ----------------------------------------------------------------

# A TCP port on 127.0.0.1 that no socket uses now (from /proc/net/tcp*).
free_port() {
	local p hex i
	for i in $(seq 50); do
		p=$((20000 + RANDOM % 30000))
		printf -v hex ':%04X ' "$p"
		if ! cat /proc/net/tcp /proc/net/tcp6 2>/dev/null | awk '{print $2}' | grep -q "${hex% }$"; then
			printf '%s' "$p"
			return 0
		fi
	done
	return 1
}

# redis_args PORT DIR SAVE: the command line every redis run uses.
redis_args() {
	REDIS_ARGS=(redis-server --port "$1" --bind 127.0.0.1 --daemonize no --dir "$2"
		--dbfilename t.rdb --save "$3" --appendonly no --logfile '')
}

# wait_pong PORT PID SECONDS: until redis answers PONG; fail early if PID
# (sandbox-run or the profiler) ended.
wait_pong() {
	local deadline=$((SECONDS + $3)) st
	while :; do
		[[ $(timeout 5 redis-cli -p "$1" ping 2>/dev/null) == PONG ]] && return 0
		st=$(proc_state "$2")
		if [[ -z $st || $st == Z ]]; then
			echo "pid $2 ended before redis answered on port $1" >&2
			return 1
		fi
		((SECONDS < deadline)) || { echo "no PONG on port $1 after $3 s" >&2; return 1; }
		sleep 0.05
	done
}

# CPU hogs (busy loops), killed by sbr_cleanup.
start_hogs() {
	local i
	for ((i = 0; i < $1; i++)); do
		bash -c 'while :; do :; done' </dev/null >/dev/null 2>&1 3>&- &
		SBR_PIDS+=("$!")
	done
}

# redis is a test dependency that CI installs: missing there is a failure,
# never a silent skip; on a developer machine it skips with the reason.
require_redis() {
	have_redis && return 0
	[[ ${CI:-} == true ]] && { echo "redis-server, redis-cli or redis-benchmark missing in CI" >&2; return 1; }
	skip "redis-server, redis-cli or redis-benchmark not installed"
}
