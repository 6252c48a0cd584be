#!/usr/bin/env bats
# airtight.bats - the transition cannot be walked around (issue 11).
#
# Every process ends under its serving filter, or dies. Each test runs
# tests/fixtures/escape.c in one mode under a policy learned from the same
# mode without `probe`, so the serving set never holds sched_getparam: a probe
# sched_getparam that returns, or any "ESCAPE" line, means a process ran on outside
# F2. Legitimate programs (a thread asleep in wait4 or epoll_wait, a small
# coroutine stack, an exit during the injection) must run as they do
# natively. Tests assert behaviour, never timings; every wait is bounded.

bats_require_minimum_version 1.5.0

load run_helpers

# learn_mode NAME MODE [PROFILE-OPTIONS...] [-- EXTRA-ARGS...]: learn
# NAME.ini from `escape MODE` (--phase-marker=accept unless the options
# name one). A failure is kept in NAME.ini.fail.
learn_mode() {
	local name=$1 mode=$2 opts=(--phase-marker=accept) st=0
	shift 2
	[[ ${1:-} == --phase-marker=* ]] && opts=()
	while (($#)) && [[ $1 != -- ]]; do
		opts+=("$1")
		shift
	done
	[[ ${1:-} == -- ]] && shift
	timeout -k 5 60 "$PROFILE" "${opts[@]}" -o "$POL/$name.ini" -- \
		"$FIX/escape" "$mode" x "$@" >"$POL/$name.out" 2>"$POL/$name.err" </dev/null || st=$?
	if [[ $st -ne 0 && ! ($mode == mtexit && $st -eq 3) ]] || [[ ! -s $POL/$name.ini ]] ||
		! grep -q '^sandbox-profile: wrote' "$POL/$name.err"; then
		learn_failed "$name" "$st"
	fi
}

setup_file() {
	sbr_init
	local m
	for m in plain fakeseccomp markerexec launchermem uring sleeper eintr coro exitrace mtexit patch; do
		learn_mode "$m" "$m"
	done
	learn_mode straddle straddle --settle-timeout=20
	learn_mode workers workers --phase-marker=auto
	mkfifo "$POL/fifo"
	(sleep 0.5 && echo go >"$POL/fifo") &
	learn_mode reuse reuse -- "$POL/fifo"
	wait
	return 0
}

setup() {
	sbr_init
	T=$BATS_TEST_TMPDIR
}

teardown() {
	sbr_cleanup
}

# esc [RUN-OPTIONS...] -- NAME MODE [ARGS...]: sandbox-run the fixture under
# NAME.ini, bounded; stdout in $output, stderr in $ERR.
esc() {
	run_fixture escape "$@"
}

refute_escape() {
	refute_contains "$output" "ESCAPE" || {
		echo "stderr: $ERR" >&2
		return 1
	}
}

@test "control: probe sched_getparam in serving is killed; the process had F1+F2 and no tracer" {
	need_policy plain
	esc -- plain plain probe
	[[ $status -eq 159 ]]
	assert_kill_report "$ERR" serving sched_getparam
	refute_escape
	esc -v -- plain plain
	[[ $status -eq 0 ]]
	assert_contains "$output" "status filters=2 tracer=0"
	# as root the launcher reads F2 back from the kernel and compares it
	if [[ $(id -u) -eq 0 ]]; then
		assert_contains "$ERR" "F2 read back and verified"
	else
		assert_contains "$ERR" "F2 counted in every thread"
	fi
}

@test "fake seccomp() result: a program with a filter of its own at its transition is killed, named" {
	need_policy fakeseccomp
	local want opts
	# --fork: sandbox-run says 125; in place the caller sees the program's
	# own end, killed (SIGKILL: 137), with the same message
	for want in 125 137; do
		opts=()
		((want == 137)) || opts=(--fork)
		esc "${opts[@]}" -- fakeseccomp fakeseccomp probe
		[[ $status -eq $want ]]
		refute_escape
		assert_contains "$ERR" "before the injection, thread"
		assert_contains "$ERR" "has 2 seccomp filters, not 1; killing the program"
	done
}

@test "marker thread killed by another thread's execve: the new image is in init and transitions itself" {
	need_policy markerexec
	esc -- markerexec markerexec probe
	refute_escape
	[[ $status -eq 159 ]]
	assert_kill_report "$ERR" serving sched_getparam
}

@test "fork straddling the transition: no child is ever left untraced under F1 only (8 runs)" {
	need_policy straddle
	local i
	for i in 1 2 3 4 5 6 7 8; do
		esc --settle-timeout=20 -- straddle straddle
		refute_escape
		[[ $status -eq 0 ]]
	done
}

@test "pid reuse after a detach: a new process and its thread on a reused pid stay traced in init" {
	need_policy reuse
	[[ -w /proc/sys/kernel/ns_last_pid ]] || skip "needs root to set /proc/sys/kernel/ns_last_pid"
	local i pid bp reused=0 runs=0
	# at least 5 runs; more (up to 15) until one pid was reused: another
	# fork in between takes the pid about half the time, even when idle
	for i in $(seq 15); do
		((i <= 5 || reused == 0)) || break
		runs=$i
		"$RUN" --policy "$POL/reuse.ini" -- "$FIX/escape" reuse x "$POL/fifo" >"$T/out" 2>"$T/err" 3>&- &
		bp=$!
		SBR_PIDS+=("$bp")
		for _ in $(seq 200); do
			grep -q '^reuse ' "$T/out" && break
			sleep 0.05
		done
		pid=$(sed -n 's/^reuse //p' "$T/out")
		[[ -n $pid ]]
		echo $((pid - 1)) >/proc/sys/kernel/ns_last_pid
		echo go >"$POL/fifo"
		wait_exit "$bp" 30
		[[ $EXIT_STATUS -eq 0 ]]
		output=$(cat "$T/out")
		ERR=$(cat "$T/err")
		refute_escape
		grep -q '^reused yes' "$T/out" && reused=$((reused + 1))
	done
	echo "pid reused in $reused of $runs runs" >&3
	# every run passed its checks; without a reuse they tested no reuse
	((reused > 0)) || skip "the pid was never reused in $runs runs: other processes took it first"
}

@test "filter in flight: a thread rewriting the memory below the marker's stack cannot change F2 (5 runs)" {
	need_policy patch
	local i
	for i in 1 2 3 4 5; do
		esc -- patch patch probe
		refute_escape
		[[ $status -eq 159 ]]
		assert_kill_report "$ERR" serving sched_getparam
	done
}

@test "launcher memory: a program run as the launcher's user cannot open /proc/LAUNCHER/mem" {
	need_policy launchermem
	command -v setpriv >/dev/null || skip "setpriv (util-linux) is missing"
	[[ $(id -u) -eq 0 ]] || skip "needs root to run the launcher as nobody"
	local d
	d=$(mktemp -d /tmp/sb-airtight.XXXXXX)
	cp "$POL/launchermem.ini" "$d/p.ini"
	chmod 755 "$d" && chmod 644 "$d/p.ini"
	# --fork: the fixture opens its parent's memory, the tracer only then
	# (in place, inplace.bats tries the keeper's)
	run --separate-stderr timeout -k 5 60 setpriv --reuid=65534 --regid=65534 --clear-groups \
		"$RUN" --fork --policy "$d/p.ini" -- "$FIX/escape" launchermem
	ERR=$stderr
	rm -rf "$d"
	refute_escape
	assert_contains "$output" "launchermem errno=EACCES"
	[[ $status -eq 0 ]]
}

@test "io_uring: a ring set up in init is refused at the transition and creates nothing" {
	need_policy uring
	local want opts
	for want in 125 137; do # --fork, then in place: as above
		opts=()
		((want == 137)) || opts=(--fork)
		esc "${opts[@]}" -- uring uring probe "$T/created-by-ring"
		[[ $status -eq $want ]]
		assert_contains "$ERR" "holds an io_uring instance at its transition"
		refute_escape
		[[ ! -e $T/created-by-ring ]]
	done
}

@test "restarted call: a thread asleep in wait4 at the transition restarts it under F2 (learned as serving)" {
	need_policy sleeper
	assert_contains "$(sed -n '/^\[serving\]/,$p' "$POL/sleeper.ini")" "wait4 = allow"
	esc -- sleeper sleeper
	[[ $status -eq 0 ]]
	assert_contains "$output" "sleeper wait4 ret=0"
}

@test "no spurious EINTR: a thread asleep in epoll_wait at the transition gets its timeout" {
	need_policy eintr
	esc -- eintr eintr
	[[ $status -eq 0 ]]
	assert_contains "$output" "eintr epoll_wait ret=0 errno=0"
}

@test "small coroutine stack: the bytes below it are the same after the injection" {
	need_policy coro
	esc -- coro coro
	refute_escape
	[[ $status -eq 0 ]]
	assert_contains "$output" "coro canary intact"
}

@test "exit during the transition: 30 runs all exit 0, none reports 125 or hangs" {
	need_policy exitrace
	local i
	for i in $(seq 30); do
		esc -- exitrace exitrace
		[[ $status -eq 0 ]] || {
			echo "run $i: status $status: $ERR" >&2
			return 1
		}
	done
}

@test "multithreaded exit in init: the launcher passes status 3 on and does not hang" {
	need_policy mtexit
	esc -- mtexit mtexit
	[[ $status -eq 3 ]]
}

@test "kill report: a program name with a newline cannot forge a line of sandbox-run's" {
	need_policy plain
	local bad="$T/bad"$'\n'"sandbox-run: forged"
	ln -s "$FIX/escape" "$bad"
	run --separate-stderr timeout -k 5 60 "$RUN" --policy "$POL/plain.ini" -- "$bad" plain probe
	[[ $status -eq 159 ]]
	ERR=$stderr
	assert_contains "$ERR" 'bad\x0asandbox-run: forged'
	if grep -q '^sandbox-run: forged' <<<"$ERR"; then
		echo "forged line: $ERR" >&2
		return 1
	fi
}

@test "marker thread: workers asleep in epoll_wait since before listen do not make the transition" {
	need_policy workers
	local pid
	pid=$(sed -n 's/^sandbox-profile: transition: epoll_wait by pid \([0-9]*\) tid \([0-9]*\) .*/\1 \2/p' "$POL/workers.err")
	[[ -n $pid && ${pid% *} == "${pid#* }" ]] # learned at main's own epoll_wait
	grep -qx 'transition_scope = thread' "$POL/workers.ini"
	esc -v -- workers workers
	[[ $status -eq 0 ]]
	[[ $ERR =~ pid\ ([0-9]+)\ .*serving\ from\ epoll_wait\ by\ tid\ ([0-9]+) ]]
	[[ ${BASH_REMATCH[1]} == "${BASH_REMATCH[2]}" ]]
	# main's init calls after listen were learned as init: sched_getparam is not
	# in [serving], so the probe is killed
	esc -- workers workers probe
	refute_escape
	[[ $status -eq 159 ]]
}
