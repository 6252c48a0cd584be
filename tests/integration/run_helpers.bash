# shellcheck shell=bash
# run_helpers.bash - helpers of run.bats and the other sandbox-run suites
# (load run_helpers): the binaries' paths, learning a policy, the launcher's
# kill report, redis. The generic helpers (background processes: bg_start,
# kill_bg; bounded waits: wait_exit, gone_within, child_of; ports:
# free_port; asserts: assert_same, assert_contains, refute_contains) are in
# lib/core.bash, loaded here. Every wait is bounded; every background
# process started is killed by sbr_cleanup, by pid, never by name.

# shellcheck source=lib/core.bash
source "${BASH_SOURCE[0]%/*}/lib/core.bash"

# The background pids used to be kept here under this name (a .bats file
# may still append to it).
# shellcheck disable=SC2034 # an alias of BG_PIDS
declare -gn SBR_PIDS=BG_PIDS

# sbr_init - set RUN, PROFILE, FIX (fixtures) and POL (a directory for the
# suite's policies) from SB_BUILD, the absolute build directory (make
# integration / make check set it); fail unless the programs are built.
sbr_init() {
	SB_BUILD=${SB_BUILD:-$(cd "$BATS_TEST_DIRNAME/../.." && pwd)/build}
	RUN=$SB_BUILD/sandbox-run
	PROFILE=$SB_BUILD/sandbox-profile
	FIX=$SB_BUILD/fixtures
	# shellcheck disable=SC2034 # for the .bats files
	POL=$BATS_FILE_TMPDIR
	local f
	for f in "$RUN" "$PROFILE" "$SB_BUILD/sandbox-policy" "$FIX/twophase" "$FIX/prefork" "$FIX/int80"; do
		if [[ ! -x $f ]]; then
			echo "missing $f: build with 'make BUILD=... all' and set SB_BUILD" >&2
			return 1
		fi
	done
}

# run_fixture FIXTURE [RUN-OPTIONS...] -- NAME [ARGS...]: sandbox-run
# $FIX/FIXTURE ARGS under $POL/NAME.ini, bounded, stdin /dev/null; its
# stdout in $output, stderr in $ERR, both shown by bats if the test fails.
run_fixture() {
	local fixture=$1 opts=()
	shift
	while [[ $1 != -- ]]; do
		opts+=("$1")
		shift
	done
	shift
	local name=$1
	shift
	run --separate-stderr timeout -k 5 60 "$RUN" "${opts[@]}" --policy "$POL/$name.ini" -- "$FIX/$fixture" "$@" \
		</dev/null
	# shellcheck disable=SC2154 # status, output and stderr are set by bats's run
	ERR=$stderr
	# shellcheck disable=SC2154
	printf '# status %s\n# stdout:\n%s\n# stderr:\n%s\n' "$status" "$output" "$ERR" >&2
}

# need_policy NAME - fail (saying why) unless $POL/NAME.ini was learned:
# a failed learning leaves NAME.ini.fail (learn_failed), so one broken
# profile fails only the tests that need it.
need_policy() {
	if [[ -e $POL/$1.ini.fail ]]; then
		echo "learning policy $1 failed:" >&2
		cat "$POL/$1.ini.fail" >&2
		return 1
	fi
	[[ -s $POL/$1.ini ]]
}

# learn_failed NAME STATUS - keep why learning $POL/NAME.ini failed (its
# exit status and the profiler's $POL/NAME.err) for need_policy.
learn_failed() {
	{
		echo "learning $1: exit $2"
		cat "$POL/$1.err"
	} >"$POL/$1.ini.fail"
}

# sbr_cleanup - kill what is left of the test's background processes.
sbr_cleanup() {
	kill_bg
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

# run_sb [-STATUS] [RUN-OPTIONS...] -- PROGRAM...: sandbox-run, bounded,
# stderr apart (-STATUS: run's own check, needed for 127).
run_sb() {
	local want=()
	if [[ $1 =~ ^-[0-9]+$ ]]; then
		want=("$1")
		shift
	fi
	run "${want[@]}" --separate-stderr timeout -k 5 60 "$RUN" "$@"
	# shown by bats only when the test fails
	printf '# sandbox-run %s\n# status %s\n# stdout:\n%s\n# stderr:\n%s\n' "$*" "$status" "$output" "$stderr" >&2
}

# section_keys FILE SECTION - the keys of the lines of [SECTION] in a policy,
# as lib/ reads them (sandbox-policy calls).
section_keys() {
	local out
	out=$("$SB_BUILD/sandbox-policy" calls "$1" "$2") || {
		echo "<section_keys: cannot read [$2] of $1>"
		return 1
	}
	[ -z "$out" ] || cut -f1 <<<"$out"
}

# assert_kill_report STDERR PHASE NAME - the launcher's report of a seccomp
# kill: "... killed by seccomp in phase PHASE: syscall NAME" when the
# kernel's audit record was found in /dev/kmsg, else "... killed by seccomp
# in phase PHASE; to find the syscall ..." (records are rate-limited and may
# be missing). Either way the phase must be right, and a named syscall must
# be NAME.
assert_kill_report() {
	local err=$1 phase=$2 name=$3
	assert_contains "$err" "killed by seccomp in phase $phase" || return 1
	if grep -qF "killed by seccomp in phase $phase: syscall " <<<"$err"; then
		assert_contains "$err" "killed by seccomp in phase $phase: syscall $name" || return 1
	fi
}

# ---- redis ----------------------------------------------------------------

have_redis() {
	command -v redis-server >/dev/null && command -v redis-cli >/dev/null &&
		command -v redis-benchmark >/dev/null
}

# require_redis - redis is a test dependency that CI installs: missing there
# is a failure, never a silent skip; elsewhere the test skips, saying why.
require_redis() {
	require_programs redis-server redis-cli redis-benchmark
}

# redis_args PORT DIR SAVE - set REDIS_ARGS, the command line every redis
# run uses.
redis_args() {
	# shellcheck disable=SC2034 # for the .bats files
	REDIS_ARGS=(redis-server --port "$1" --bind 127.0.0.1 --daemonize no --dir "$2"
		--dbfilename t.rdb --save "$3" --appendonly no --logfile '')
}

# wait_pong PORT PID SECONDS - wait until redis answers PONG on PORT; fail
# early if PID (sandbox-run or the profiler) ended.
wait_pong() {
	wait_redis "$1" "$3" "$2"
}
