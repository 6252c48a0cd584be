#!/usr/bin/env bats
# run.bats - sandbox-run against the fixtures and redis-server.
#
# Every policy is learned first with sandbox-profile (setup_file, into
# $BATS_FILE_TMPDIR), then enforced with sandbox-run. The point is the
# negative tests: after the transition a call outside the serving set must
# be killed (or get EPERM) in every thread, child and exec'd program; foreign
# ABIs are denied; malformed policies are refused with file:line and nothing
# runs. Tests assert behaviour only, never timings; every command is bounded
# by `timeout` or a bounded wait.
#
# Exit statuses: 159 = 128+SIGSYS (seccomp kill), 125 launcher error,
# 126 cannot execute, 127 not found.

bats_require_minimum_version 1.5.0

load run_helpers

# Learn NAME.ini in $POL; a failure is kept in NAME.ini.fail for the tests
# that need that policy (need_policy), so one broken profile does not hide
# the other tests.
learn_into() {
	local s=() name
	if [[ $1 == -s ]]; then
		s=(-s "$2")
		shift 2
	fi
	name=$1
	shift
	learn "${s[@]}" "$POL/$name.ini" "$@" 2>"$POL/$name.ini.fail" || return 0
	rm -f "$POL/$name.ini.fail"
}


# The redis policies: learned from the same command line the tests run.
#   redis.ini        --phase-marker=accept; startup, PING (the first accept:
#                    the transition), SET, a redis-benchmark run, then
#                    SIGTERM to the profiler, which redis takes as SHUTDOWN
#                    and, with a save point configured, saves t.rdb first.
#   redis-epoll.ini  --phase-marker=epoll_wait (the transition comes while
#                    the bio and jemalloc threads may still be starting: the
#                    settle race); startup, PING, SIGTERM.
learn_redis() {
	local port pid d
	port=$(free_port) || return 1
	d=$POL/redis-learn
	mkdir -p "$d"
	redis_args "$port" "$d" '900 1'
	bg_start pid "$POL/redis-learn" "$PROFILE" -q --phase-marker=accept -o "$POL/redis.ini" -- "${REDIS_ARGS[@]}"
	wait_pong "$port" "$pid" 30 &&
		[[ $(timeout 10 redis-cli -p "$port" set k v) == OK ]] &&
		timeout 120 redis-benchmark -p "$port" -n 20000 -q -t set,get,incr,lpush,lpop,sadd,hset >/dev/null
	local ok=$?
	kill -TERM "$pid"
	wait_exit "$pid" 30 || return 1
	if [[ $ok -ne 0 || $EXIT_STATUS -ne 0 || ! -s $POL/redis.ini || ! -s $d/t.rdb ]]; then
		echo "redis profile: workload $ok, profiler exit $EXIT_STATUS" >&2
		cat "$POL/redis-learn.err" >&2
		return 1
	fi

	port=$(free_port) || return 1
	redis_args "$port" "$d" ''
	bg_start pid "$POL/redis-epoll-learn" "$PROFILE" -q --phase-marker=epoll_wait -o "$POL/redis-epoll.ini" -- "${REDIS_ARGS[@]}"
	wait_pong "$port" "$pid" 30
	ok=$?
	kill -TERM "$pid"
	wait_exit "$pid" 30 || return 1
	if [[ $ok -ne 0 || $EXIT_STATUS -ne 0 || ! -s $POL/redis-epoll.ini ]]; then
		echo "redis epoll profile: workload $ok, profiler exit $EXIT_STATUS" >&2
		cat "$POL/redis-epoll-learn.err" >&2
		return 1
	fi
}

setup_file() {
	sbr_init

	# The two-phase fixture, its native output, and its variants.
	learn_into twophase --phase-marker=accept -- "$FIX/twophase" normal
	timeout 30 "$FIX/twophase" normal >"$POL/twophase.native"
	learn_into twophase-epoll --phase-marker=epoll_wait -- "$FIX/twophase" normal --wait=epoll
	timeout 30 "$FIX/twophase" normal --wait=epoll >"$POL/twophase-epoll.native"
	learn_into twophase-poll --phase-marker=poll -- "$FIX/twophase" normal --wait=poll
	timeout 30 "$FIX/twophase" normal --wait=poll >"$POL/twophase-poll.native"

	learn_into prefork --phase-marker=accept -- "$FIX/prefork" normal
	timeout 30 "$FIX/prefork" normal >"$POL/prefork.native"

	# int80: every mode makes its foreign call, so each policy is learned
	# from the mode it is then tested with (the profiler leaves foreign
	# calls out of the policy and warns; learned without -q for that).
	local m
	for m in init serving x32-init x32-serving; do
		timeout -k 5 60 "$PROFILE" --phase-marker=accept -o "$POL/int80-$m.ini" -- "$FIX/int80" "$m" \
			>"$POL/int80-$m.ini.out" 2>"$POL/int80-$m.ini.err" </dev/null ||
			cp "$POL/int80-$m.ini.err" "$POL/int80-$m.ini.fail"
	done

	# Single-phase policies (no marker).
	learn_into true -- true
	learn_into ls -- ls -la /
	learn_into status -- cat /proc/self/status
	learn_into -s 3 exit3 -- sh -c 'exit 3'
	learn_into -s 143 term -- sh -c 'kill -TERM $$'
	learn_into touch -- sh -c "touch '$POL/ran-while-learning'"
	# Two-phase policies whose marker never comes (the program stays in
	# init, traced).
	learn_into status2 --phase-marker=accept -- cat /proc/self/status
	learn_into -s 3 exit3-2 --phase-marker=accept -- sh -c 'exit 3'
	learn_into -s 143 term-2 --phase-marker=accept -- sh -c 'kill -TERM $$'
	learn_into sleep --phase-marker=accept -- sleep 0.2
	learn_into sleep1 -- sleep 0.2

	if have_redis; then
		learn_redis 2>"$POL/redis.ini.fail" && rm -f "$POL/redis.ini.fail"
		[[ -e $POL/redis.ini.fail ]] && cp "$POL/redis.ini.fail" "$POL/redis-epoll.ini.fail"
		sbr_cleanup
	fi
	return 0
}

setup() {
	sbr_init
	T=$BATS_TEST_TMPDIR
}

teardown() {
	sbr_cleanup
}


# ---- 1. the two-phase fixture under its own policy --------------------------

@test "twophase normal under its learned policy: exit 0, output identical to a native run" {
	need_policy twophase
	grep -qx 'transition = accept' "$POL/twophase.ini"
	run_sb --policy "$POL/twophase.ini" -- "$FIX/twophase" normal
	[ "$status" -eq 0 ]
	assert_same "$(cat "$POL/twophase.native")" "$output"
	refute_contains "$stderr" "killed by seccomp"
}

@test "twophase normal, markers epoll_wait and poll: exit 0, output identical to native" {
	local w
	for w in epoll poll; do
		need_policy "twophase-$w"
		run_sb --policy "$POL/twophase-$w.ini" -- "$FIX/twophase" normal --wait=$w
		[ "$status" -eq 0 ]
		assert_same "$(cat "$POL/twophase-$w.native")" "$output"
	done
}

@test "-v reports the transition of the process and of the child that transitions itself" {
	need_policy twophase
	run_sb -v --policy "$POL/twophase.ini" -- "$FIX/twophase" normal
	[ "$status" -eq 0 ]
	[ "$(grep -c 'serving from accept4' <<<"$stderr")" -eq 2 ]
}

# ---- 2. after the transition, sched_getparam (init only) is killed everywhere ---------

@test "kill: sched_getparam from the main thread after the transition -> 159, reported" {
	need_policy twophase
	run_sb --policy "$POL/twophase.ini" -- "$FIX/twophase" main
	[ "$status" -eq 159 ]
	assert_contains "$output" "serving actor=main call=sysinfo ret=0 errno=0"
	refute_contains "$output" "probe actor=main call=sched_getparam"
	refute_contains "$output" "done"
	assert_kill_report "$stderr" serving sched_getparam
	assert_contains "$stderr" "twophase (pid "
}

@test "kill: sched_getparam from a thread created before the transition -> 159" {
	need_policy twophase
	run_sb --policy "$POL/twophase.ini" -- "$FIX/twophase" thread-pre
	[ "$status" -eq 159 ]
	assert_contains "$output" "probe actor=main call=sysinfo ret=0 errno=0"
	refute_contains "$output" "probe actor=TP"
	refute_contains "$output" "done"
	assert_kill_report "$stderr" serving sched_getparam
}

@test "kill: sched_getparam from a thread created after the transition -> 159" {
	need_policy twophase
	run_sb --policy "$POL/twophase.ini" -- "$FIX/twophase" thread-post
	[ "$status" -eq 159 ]
	assert_contains "$output" "probe actor=TP call=sysinfo ret=0 errno=0"
	refute_contains "$output" "probe actor=TQ"
	refute_contains "$output" "done"
	assert_kill_report "$stderr" serving sched_getparam
}

@test "kill: sched_getparam from a child forked before the transition, after its own -> SIGSYS" {
	need_policy twophase
	run_sb --policy "$POL/twophase.ini" -- "$FIX/twophase" child-pre
	[ "$status" -eq 0 ]
	assert_contains "$output" "marker actor=CP call=accept4 ret=-1 errno=EAGAIN"
	refute_contains "$output" "probe actor=CP"
	assert_contains "$output" "child CP status=signaled:SIGSYS"
	assert_contains "$output" "child CQ status=exited:0"
	assert_contains "$output" "done"
}

@test "kill: sched_getparam from a child forked after the transition -> SIGSYS" {
	need_policy twophase
	run_sb --policy "$POL/twophase.ini" -- "$FIX/twophase" child-post
	[ "$status" -eq 0 ]
	assert_contains "$output" "child CP status=exited:0"
	refute_contains "$output" "probe actor=CQ"
	assert_contains "$output" "child CQ status=signaled:SIGSYS"
	assert_contains "$output" "done"
}

@test "kill: sched_getparam from a program exec'd after the transition -> SIGSYS (filters survive execve)" {
	need_policy twophase
	run_sb --policy "$POL/twophase.ini" -- "$FIX/twophase" exec-post
	[ "$status" -eq 0 ]
	refute_contains "$output" "probe actor=CQ"
	assert_contains "$output" "child CQ status=signaled:SIGSYS"
	assert_contains "$output" "done"
}

@test "kill: sched_getparam from the main thread with markers epoll_wait and poll -> 159" {
	local w
	for w in epoll poll; do
		need_policy "twophase-$w"
		run_sb --policy "$POL/twophase-$w.ini" -- "$FIX/twophase" main --wait=$w
		[ "$status" -eq 159 ]
		assert_contains "$output" "serving actor=main call=sysinfo ret=0 errno=0"
		assert_kill_report "$stderr" serving sched_getparam
	done
}

# ---- 3. default = errno EPERM -------------------------------------------------

eperm_policy() {
	need_policy twophase
	sed 's/^default = kill/default = errno EPERM/' "$POL/twophase.ini" >"$T/eperm.ini"
	grep -qx 'default = errno EPERM' "$T/eperm.ini"
}

# run_eperm MODE ACTOR: sched_getparam fails with EPERM for ACTOR, nothing dies.
run_eperm() {
	eperm_policy
	run_sb --policy "$T/eperm.ini" -- "$FIX/twophase" "$1"
	[ "$status" -eq 0 ]
	assert_contains "$output" "init actor=main call=sched_getparam ret=0 errno=0"
	assert_contains "$output" "probe actor=$2 call=sched_getparam ret=-1 errno=EPERM"
	assert_contains "$output" "child CP status=exited:0"
	assert_contains "$output" "child CQ status=exited:0"
	assert_contains "$output" "done"
	refute_contains "$stderr" "killed by seccomp"
}

@test "errno EPERM: sched_getparam from the main thread after the transition fails with EPERM, exit 0" {
	run_eperm main main
}

@test "errno EPERM: sched_getparam from a thread created before the transition -> EPERM" {
	run_eperm thread-pre TP
}

@test "errno EPERM: sched_getparam from a thread created after the transition -> EPERM" {
	run_eperm thread-post TQ
}

@test "errno EPERM: sched_getparam from the pre-forked child, from the post-forked child and after exec -> EPERM" {
	run_eperm child-pre CP
	run_eperm child-post CQ
	run_eperm exec-post CQ
}

@test "a per-syscall action in [serving] (sched_getparam = errno EACCES) applies after the transition only" {
	need_policy twophase
	awk '/^\[serving\]/ { print; print "sched_getparam = errno EACCES"; next } { print }' \
		"$POL/twophase.ini" >"$T/eacces.ini"
	run_sb --policy "$T/eacces.ini" -- "$FIX/twophase" main
	[ "$status" -eq 0 ]
	assert_contains "$output" "init actor=main call=sched_getparam ret=0 errno=0"
	assert_contains "$output" "probe actor=main call=sched_getparam ret=-1 errno=EACCES"
	assert_contains "$output" "done"
}

# ---- 4. complain mode -----------------------------------------------------------

@test "complain: the violation is allowed and reported with phase and name" {
	need_policy twophase
	run_sb --mode=complain --policy "$POL/twophase.ini" -- "$FIX/twophase" main
	[ "$status" -eq 0 ]
	assert_contains "$output" "probe actor=main call=sched_getparam ret=0 errno=0"
	assert_contains "$output" "done"
	grep -E '^sandbox-run: complain: .* serving .*sched_getparam\(' <<<"$stderr"
	[ "$(grep -c 'complain:' <<<"$stderr")" -eq 1 ]
	refute_contains "$stderr" "killed by seccomp"
}

@test "complain --learn: the learned policy has sched_getparam in [serving] and then enforces cleanly" {
	need_policy twophase
	section_keys "$POL/twophase.ini" serving >"$T/before"
	run ! grep -qx sched_getparam "$T/before"
	run_sb --mode=complain --learn="$T/learned.ini" --policy "$POL/twophase.ini" -- "$FIX/twophase" main
	[ "$status" -eq 0 ]
	[ -s "$T/learned.ini" ]
	section_keys "$T/learned.ini" serving >"$T/after"
	grep -qx sched_getparam "$T/after"
	# nothing else changed in [serving]
	assert_same "$(cat "$T/before")" "$(grep -vx sched_getparam "$T/after")"
	run "$RUN" --check --policy "$T/learned.ini"
	[ "$status" -eq 0 ]
	run_sb --policy "$T/learned.ini" -- "$FIX/twophase" main
	[ "$status" -eq 0 ]
	assert_contains "$output" "probe actor=main call=sched_getparam ret=0 errno=0"
	assert_contains "$output" "done"
}

@test "complain: violations in threads, children and exec'd programs are reported, none denied" {
	need_policy twophase
	local m a
	for m in thread-pre:TP thread-post:TQ child-pre:CP child-post:CQ exec-post:CQ; do
		a=${m#*:}
		m=${m%:*}
		run_sb --mode=complain --policy "$POL/twophase.ini" -- "$FIX/twophase" "$m"
		[ "$status" -eq 0 ]
		assert_contains "$output" "probe actor=$a call=sched_getparam ret=0 errno=0"
		assert_contains "$output" "child CP status=exited:0"
		assert_contains "$output" "child CQ status=exited:0"
		grep -E '^sandbox-run: complain: .* serving .*sched_getparam\(' <<<"$stderr"
	done
}

@test "complain with a single-phase policy: ls / under true's policy runs and reports init" {
	need_policy true
	run_sb --mode=complain --policy "$POL/true.ini" -- ls /
	[ "$status" -eq 0 ]
	assert_same "$(ls /)" "$output"
	grep -E '^sandbox-run: complain: .* init .*getdents64\(' <<<"$stderr"
}

# ---- 5. foreign ABIs ------------------------------------------------------------

# int80 MODE PHASE: the foreign call kills the process in PHASE.
int80_killed() {
	need_policy "int80-$1"
	assert_contains "$(cat "$POL/int80-$1.ini.err")" "foreign-ABI"
	# the foreign call is not in the policy under a native name (as a
	# call seen: writev may be there as a member of the write family)
	run ! grep -Eq '^(getpid|writev) *= *allow *; *[0-9]+ calls?$' "$POL/int80-$1.ini"
	run_sb --policy "$POL/int80-$1.ini" -- "$FIX/int80" "$1"
	[ "$status" -eq 159 ]
	refute_contains "$output" "int80 ret="
	refute_contains "$output" "x32 ret="
	refute_contains "$output" "done"
	if [[ $2 == serving ]]; then
		assert_contains "$output" "marker call=accept4 ret=-1 errno=EAGAIN"
	else
		refute_contains "$output" "marker"
	fi
	assert_contains "$stderr" "killed by seccomp in phase $2"
}

@test "foreign ABI: i386 int 0x80 in init is killed (159)" {
	int80_killed init init
}

@test "foreign ABI: i386 int 0x80 in serving is killed (159)" {
	int80_killed serving serving
}

@test "foreign ABI: x32 in init is killed (159)" {
	int80_killed x32-init init
}

@test "foreign ABI: x32 in serving is killed (159)" {
	int80_killed x32-serving serving
}

@test "foreign ABI: still killed (not EPERM) when the default is errno EPERM" {
	local m
	for m in serving x32-serving; do
		need_policy "int80-$m"
		sed 's/^default = kill/default = errno EPERM/' "$POL/int80-$m.ini" >"$T/$m.ini"
		grep -qx 'default = errno EPERM' "$T/$m.ini"
		run_sb --policy "$T/$m.ini" -- "$FIX/int80" "$m"
		[ "$status" -eq 159 ]
		assert_contains "$output" "marker call=accept4 ret=-1 errno=EAGAIN"
		refute_contains "$output" "done"
	done
}

@test "foreign ABI: an i386 kill is not reported under the x86_64 name of its number" {
	need_policy int80-serving
	run_sb --policy "$POL/int80-serving.ini" -- "$FIX/int80" serving
	[ "$status" -eq 159 ]
	refute_contains "$stderr" "syscall writev"
	# the audit record is rate-limited: when it is there it must name the ABI
	if grep -q "killed by seccomp in phase serving: " <<<"$stderr"; then
		assert_contains "$stderr" "i386 syscall 20 (getpid, a foreign ABI)"
	fi
}

# ---- 6. redis: every thread has both filters and no tracer ----------------------

@test "redis after the transition: every thread has Seccomp_filters 2, TracerPid 0, no caps" {
	require_redis
	need_policy redis
	local port pid rp t n=0
	port=$(free_port)
	mkdir -p "$T/d"
	redis_args "$port" "$T/d" '900 1'
	bg_start pid "$T/redis" "$RUN" --policy "$POL/redis.ini" -- "${REDIS_ARGS[@]}"
	wait_pong "$port" "$pid" 30
	rp=$pid # in place: redis has the pid sandbox-run was started with
	[[ /proc/$rp/exe -ef $(command -v redis-server) ]]
	for t in /proc/"$rp"/task/*; do
		grep -qxE 'Seccomp_filters:[[:space:]]+2' "$t/status" || { cat "$t/status" >&2; false; }
		grep -qxE 'TracerPid:[[:space:]]+0' "$t/status" || { cat "$t/status" >&2; false; }
		grep -qxE 'Seccomp:[[:space:]]+2' "$t/status"
		grep -qxE 'NoNewPrivs:[[:space:]]+1' "$t/status"
		grep -qxE 'CapEff:[[:space:]]+0+' "$t/status"
		grep -qxE 'CapBnd:[[:space:]]+0+' "$t/status"
		n=$((n + 1))
	done
	[ "$n" -ge 2 ] # redis has its bio threads
	kill -TERM "$pid"
	wait_exit "$pid" 30
	[ "$EXIT_STATUS" -eq 0 ]
	refute_contains "$(cat "$T/redis.err")" "killed by seccomp"
}

# ---- 7. SIGKILL / SIGTERM to sandbox-run during init ----------------------------

@test "sandbox-run --fork killed with SIGKILL during init takes the program with it" {
	need_policy sleep
	grep -qx 'transition = accept' "$POL/sleep.ini"
	local pid sp
	bg_start pid "$T/sleep" "$RUN" --fork --policy "$POL/sleep.ini" -- sleep 30
	sp=$(child_of "$pid" 10 sleep)
	# traced (two-phase, still in init)
	grep -qxE "TracerPid:[[:space:]]+$pid" "/proc/$sp/status"
	kill -KILL "$pid"
	wait_exit "$pid" 10
	[ "$EXIT_STATUS" -eq 137 ]
	gone_within "$sp" 10
}

@test "SIGTERM to sandbox-run --fork during init reaches the program: exit 143" {
	need_policy sleep
	local pid sp
	bg_start pid "$T/sleep" "$RUN" --fork --policy "$POL/sleep.ini" -- sleep 30
	sp=$(child_of "$pid" 10 sleep)
	kill -TERM "$pid"
	wait_exit "$pid" 10
	[ "$EXIT_STATUS" -eq 143 ]
	gone_within "$sp" 10
}

@test "--fork: forwarded signals HUP INT QUIT USR1 USR2 kill the program: 128+N (untraced and traced)" {
	need_policy sleep
	need_policy sleep1
	local pol sig pid sp
	for pol in sleep1 sleep; do
		for sig in HUP:129 INT:130 QUIT:131 USR1:138 USR2:140; do
			bg_start pid "$T/sleep" "$RUN" --fork --policy "$POL/$pol.ini" -- sleep 30
			sp=$(child_of "$pid" 10 sleep)
			kill -"${sig%:*}" "$pid"
			wait_exit "$pid" 10
			[ "$EXIT_STATUS" -eq "${sig#*:}" ] || { echo "$pol $sig: $EXIT_STATUS" >&2; false; }
			gone_within "$sp" 10
		done
	done
}

# ---- 8. SIGTERM: redis shuts down cleanly and saves -----------------------------

@test "SIGTERM to sandbox-run: redis shuts down cleanly and writes a valid RDB" {
	require_redis
	need_policy redis
	local port pid
	port=$(free_port)
	mkdir -p "$T/d"
	redis_args "$port" "$T/d" '900 1'
	bg_start pid "$T/redis" "$RUN" --policy "$POL/redis.ini" -- "${REDIS_ARGS[@]}"
	wait_pong "$port" "$pid" 30
	[ "$(timeout 10 redis-cli -p "$port" set sandboxed yes)" = OK ]
	kill -TERM "$pid"
	wait_exit "$pid" 30
	[ "$EXIT_STATUS" -eq 0 ]
	refute_contains "$(cat "$T/redis.err")" "killed by seccomp"
	assert_contains "$(cat "$T/redis.out")" "DB saved on disk"
	[ -s "$T/d/t.rdb" ]
	if command -v redis-check-rdb >/dev/null; then
		run timeout 30 redis-check-rdb "$T/d/t.rdb"
		[ "$status" -eq 0 ]
		assert_contains "$output" "RDB looks OK"
		assert_contains "$output" "1 keys read"
	fi
}

# ---- 9. redis under load, and the settle race ----------------------------------

@test "redis under its policy passes redis-benchmark and exits 0 on SIGTERM" {
	require_redis
	need_policy redis
	local port pid
	port=$(free_port)
	mkdir -p "$T/d"
	redis_args "$port" "$T/d" '900 1'
	bg_start pid "$T/redis" "$RUN" --policy "$POL/redis.ini" -- "${REDIS_ARGS[@]}"
	wait_pong "$port" "$pid" 30
	run timeout 120 redis-benchmark -p "$port" -n 20000 -q -t set,get,incr,lpush,lpop,sadd,hset
	[ "$status" -eq 0 ]
	[ "$(grep -c 'requests per second' <<<"$output")" -eq 7 ]
	[ "$(proc_state "$pid")" != Z ] # still serving
	kill -TERM "$pid"
	wait_exit "$pid" 30
	[ "$EXIT_STATUS" -eq 0 ]
	refute_contains "$(cat "$T/redis.err")" "killed by seccomp"
}

@test "settle race: 20 starts with marker epoll_wait and two CPU hogs all serve and exit 0" {
	require_redis
	need_policy redis-epoll
	grep -qx 'transition = epoll_wait' "$POL/redis-epoll.ini"
	local i port pid
	start_hogs 2
	mkdir -p "$T/d"
	for i in $(seq 20); do
		port=$(free_port)
		redis_args "$port" "$T/d" ''
		bg_start pid "$T/redis$i" "$RUN" -v --policy "$POL/redis-epoll.ini" -- "${REDIS_ARGS[@]}"
		wait_pong "$port" "$pid" 30 || { echo "start $i" >&2; cat "$T/redis$i.err" >&2; false; }
		kill -TERM "$pid"
		wait_exit "$pid" 30
		[ "$EXIT_STATUS" -eq 0 ] || { echo "start $i: exit $EXIT_STATUS" >&2; cat "$T/redis$i.err" >&2; false; }
		[ "$(grep -c 'serving from' "$T/redis$i.err")" -eq 1 ]
		refute_contains "$(cat "$T/redis$i.err")" "killed by seccomp"
	done
}

# ---- 10. malformed policies: 125, file:line, nothing run ------------------------

# run_bad POLICY: sandbox-run must refuse it (125) before running anything.
run_bad() {
	run_sb --policy "$1" -- sh -c "touch '$T/ran'"
	[ "$status" -eq 125 ]
	[ ! -e "$T/ran" ]
	[ -z "$output" ]
}

@test "control: the touch program runs under its good policy and creates the marker" {
	need_policy touch
	run_sb --policy "$POL/touch.ini" -- sh -c "touch '$T/ran'"
	[ "$status" -eq 0 ]
	[ -e "$T/ran" ]
}

@test "malformed: unknown syscall name in [init] -> 125 at its line, nothing run" {
	need_policy touch
	local n
	awk '{ print } /^\[init\]/ { print "no_such_syscall = allow" }' "$POL/touch.ini" >"$T/p.ini"
	n=$(grep -n '^no_such_syscall' "$T/p.ini" | cut -d: -f1)
	run_bad "$T/p.ini"
	assert_contains "$stderr" "$T/p.ini:$n:"
	assert_contains "$stderr" "no_such_syscall"
}

@test "malformed: unknown syscall name in [serving] -> 125 at its line" {
	need_policy twophase
	local n
	awk '{ print } /^\[serving\]/ { print "sys_frobnicate = allow" }' "$POL/twophase.ini" >"$T/p.ini"
	n=$(grep -n '^sys_frobnicate' "$T/p.ini" | cut -d: -f1)
	run_bad "$T/p.ini"
	assert_contains "$stderr" "$T/p.ini:$n:"
	assert_contains "$stderr" "sys_frobnicate"
}

@test "malformed: unknown key in [sandbox] -> 125 at its line" {
	need_policy touch
	local n
	awk '{ print } /^\[sandbox\]/ { print "frobnicate = yes" }' "$POL/touch.ini" >"$T/p.ini"
	n=$(grep -n '^frobnicate' "$T/p.ini" | cut -d: -f1)
	run_bad "$T/p.ini"
	assert_contains "$stderr" "$T/p.ini:$n:"
	assert_contains "$stderr" "frobnicate"
}

@test "malformed: bad action -> 125 at its line" {
	need_policy touch
	local n
	sed 's/^brk = allow/brk = maybe/' "$POL/touch.ini" >"$T/p.ini"
	n=$(grep -n '^brk = maybe' "$T/p.ini" | cut -d: -f1)
	[ -n "$n" ]
	run_bad "$T/p.ini"
	assert_contains "$stderr" "$T/p.ini:$n:"
	assert_contains "$stderr" "maybe"
}

@test "malformed: bad default action and unknown errno name -> 125 at their lines" {
	need_policy touch
	local n
	sed 's/^default = kill/default = explode/' "$POL/touch.ini" >"$T/p.ini"
	n=$(grep -n '^default = explode' "$T/p.ini" | cut -d: -f1)
	run_bad "$T/p.ini"
	assert_contains "$stderr" "$T/p.ini:$n:"
	sed 's/^brk = allow/brk = errno ENOTANERRNO/' "$POL/touch.ini" >"$T/q.ini"
	n=$(grep -n '^brk = errno' "$T/q.ini" | cut -d: -f1)
	run_bad "$T/q.ini"
	assert_contains "$stderr" "$T/q.ini:$n:"
	assert_contains "$stderr" "ENOTANERRNO"
}

@test "malformed: a 300-character line at line 7 is reported at line 7, not 8" {
	need_policy touch
	local long
	long="; $(printf 'x%.0s' $(seq 298))"
	[ "${#long}" -eq 300 ]
	awk -v L="$long" 'NR == 7 { print L } { print }' "$POL/touch.ini" >"$T/p.ini"
	[ "$(sed -n 7p "$T/p.ini" | tr -d '\n' | wc -c)" -eq 300 ]
	run_bad "$T/p.ini"
	assert_contains "$stderr" "$T/p.ini:7:"
	refute_contains "$stderr" "$T/p.ini:8:"
}

@test "malformed: an over-long syscall line in [init] is reported at its own line" {
	need_policy touch
	local long n
	long="brk = allow ; $(printf 'y%.0s' $(seq 286))"
	[ "${#long}" -eq 300 ]
	sed "s/^brk = allow.*/$long/" "$POL/touch.ini" >"$T/p.ini"
	n=$(grep -n '^brk = allow ; yyy' "$T/p.ini" | cut -d: -f1)
	[ -n "$n" ]
	run_bad "$T/p.ini"
	assert_contains "$stderr" "$T/p.ini:$n:"
}

@test "malformed: unknown section, key without =, duplicate key -> 125 at their lines" {
	need_policy touch
	local n
	printf '[frob]\nread = allow\n' | cat "$POL/touch.ini" - >"$T/a.ini"
	n=$(grep -n '^\[frob\]' "$T/a.ini" | cut -d: -f1)
	run_bad "$T/a.ini"
	assert_contains "$stderr" "$T/a.ini:$n:"

	awk '{ print } /^\[init\]/ { print "getpid" }' "$POL/touch.ini" >"$T/b.ini"
	n=$(grep -nx 'getpid' "$T/b.ini" | cut -d: -f1)
	run_bad "$T/b.ini"
	assert_contains "$stderr" "$T/b.ini:$n:"

	printf 'brk = allow\n' | cat "$POL/touch.ini" - >"$T/c.ini"
	n=$(wc -l <"$T/c.ini")
	run_bad "$T/c.ini"
	assert_contains "$stderr" "$T/c.ini:$n:"
}

@test "missing policy file -> 125, named, nothing run" {
	run_bad "$T/no-such-policy.ini"
	assert_contains "$stderr" "$T/no-such-policy.ini"
}

@test "--check: a good policy exits 0 and runs nothing; a bad one exits 125" {
	need_policy touch
	run_sb --check --policy "$POL/touch.ini" -- sh -c "touch '$T/ran'"
	[ "$status" -eq 0 ]
	[ ! -e "$T/ran" ]
	run_sb --check --policy "$POL/twophase.ini"
	[ "$status" -eq 0 ]
	awk '{ print } /^\[init\]/ { print "no_such_syscall = allow" }' "$POL/touch.ini" >"$T/p.ini"
	run_sb --check --policy "$T/p.ini" -- sh -c "touch '$T/ran'"
	[ "$status" -eq 125 ]
	[ ! -e "$T/ran" ]
	assert_contains "$stderr" "$T/p.ini:"
}

# ---- 11. exit status passthrough --------------------------------------------------

@test "status: exit 3 passes through (single-phase and two-phase policies)" {
	need_policy exit3
	need_policy exit3-2
	run_sb --policy "$POL/exit3.ini" -- sh -c 'exit 3'
	[ "$status" -eq 3 ]
	run_sb --policy "$POL/exit3-2.ini" -- sh -c 'exit 3'
	[ "$status" -eq 3 ]
}

@test "status: killed by SIGTERM -> 143 (single-phase and two-phase policies)" {
	need_policy term
	need_policy term-2
	run_sb --policy "$POL/term.ini" -- sh -c 'kill -TERM $$'
	[ "$status" -eq 143 ]
	refute_contains "$stderr" "killed by seccomp"
	run_sb --policy "$POL/term-2.ini" -- sh -c 'kill -TERM $$'
	[ "$status" -eq 143 ]
}

@test "status: missing program -> 127, non-executable file -> 126" {
	need_policy exit3
	need_policy exit3-2
	printf '#!/bin/sh\ntouch "%s/ran"\n' "$T" >"$T/noexec.sh"
	chmod 644 "$T/noexec.sh"
	local p
	for p in exit3 exit3-2; do
		run_sb -127 --policy "$POL/$p.ini" -- "$T/no-such-program"
		[ "$status" -eq 127 ]
		run_sb -127 --policy "$POL/$p.ini" -- no-such-program-in-path-xyz
		[ "$status" -eq 127 ]
		run_sb --policy "$POL/$p.ini" -- "$T/noexec.sh"
		[ "$status" -eq 126 ]
		[ ! -e "$T/ran" ]
	done
}

@test "usage: unknown option -> 125 and nothing run; no policy -> 125; --help 0; --version 0" {
	need_policy touch
	run_sb --no-such-option --policy "$POL/touch.ini" -- sh -c "touch '$T/ran'"
	[ "$status" -eq 125 ]
	[ ! -e "$T/ran" ]
	run_sb -- sh -c "touch '$T/ran'"
	[ "$status" -eq 125 ]
	[ ! -e "$T/ran" ]
	run_sb --mode=paranoid --policy "$POL/touch.ini" -- sh -c "touch '$T/ran'"
	[ "$status" -eq 125 ]
	[ ! -e "$T/ran" ]
	run_sb --learn="$T/l.ini" --policy "$POL/touch.ini" -- sh -c "touch '$T/ran'"
	[ "$status" -eq 125 ]
	[ ! -e "$T/ran" ]
	[ ! -e "$T/l.ini" ]
	run_sb --help
	[ "$status" -eq 0 ]
	assert_contains "$output" "--policy"
	run_sb --version
	[ "$status" -eq 0 ]
	assert_contains "$output" "sandbox-run"
}

# ---- 12. single-phase policies ------------------------------------------------------

@test "single phase: ls -la under its policy, untraced, output identical to native" {
	need_policy ls
	run ! grep -q '^transition' "$POL/ls.ini"
	run_sb --policy "$POL/ls.ini" -- ls -a /
	[ "$status" -eq 0 ]
	assert_same "$(ls -a /)" "$output"
	# exact long listing of a tree that nothing else touches
	mkdir -p "$T/tree/sub"
	echo hello >"$T/tree/file"
	ln -s file "$T/tree/link"
	run_sb --policy "$POL/ls.ini" -- ls -la "$T/tree"
	[ "$status" -eq 0 ]
	assert_same "$(ls -la "$T/tree")" "$output"
	[ -z "$stderr" ]
}

@test "single phase: no tracer, F1 only, no_new_privs, no capabilities" {
	need_policy status
	run_sb --policy "$POL/status.ini" -- cat /proc/self/status
	[ "$status" -eq 0 ]
	grep -qxE 'TracerPid:[[:space:]]+0' <<<"$output"
	grep -qxE 'Seccomp:[[:space:]]+2' <<<"$output"
	grep -qxE 'Seccomp_filters:[[:space:]]+1' <<<"$output"
	grep -qxE 'NoNewPrivs:[[:space:]]+1' <<<"$output"
	grep -qxE 'CapEff:[[:space:]]+0+' <<<"$output"
	grep -qxE 'CapPrm:[[:space:]]+0+' <<<"$output"
	grep -qxE 'CapBnd:[[:space:]]+0+' <<<"$output"
	grep -qxE 'CapAmb:[[:space:]]+0+' <<<"$output"
}

@test "two phases, still in init: traced by sandbox-run, F1 only" {
	need_policy status2
	run_sb --policy "$POL/status2.ini" -- cat /proc/self/status
	[ "$status" -eq 0 ]
	grep -qxE 'TracerPid:[[:space:]]+[1-9][0-9]*' <<<"$output"
	grep -qxE 'Seccomp_filters:[[:space:]]+1' <<<"$output"
	grep -qxE 'CapEff:[[:space:]]+0+' <<<"$output"
}

@test "single phase: a call outside the policy kills (ls / under true's policy -> 159)" {
	need_policy true
	run_sb --policy "$POL/true.ini" -- ls /
	[ "$status" -eq 159 ]
	[ -z "$output" ]
	assert_contains "$stderr" "killed by seccomp in phase init"
}

# ---- 13. prefork ----------------------------------------------------------------------

@test "prefork: exit 0, output identical to native, one transition per worker" {
	need_policy prefork
	run_sb -v --policy "$POL/prefork.ini" -- "$FIX/prefork" normal
	[ "$status" -eq 0 ]
	assert_same "$(cat "$POL/prefork.native")" "$output"
	local lines pids
	lines=$(grep 'serving from' <<<"$stderr")
	[ "$(wc -l <<<"$lines")" -eq 2 ]
	pids=$(grep -oE 'pid [0-9]+' <<<"$lines" | sort -u | wc -l)
	[ "$pids" -eq 2 ]
}

@test "prefork: sched_getparam in worker 2 after its transition kills only worker 2" {
	need_policy prefork
	run_sb --policy "$POL/prefork.ini" -- "$FIX/prefork" worker2-sched_getparam
	[ "$status" -eq 0 ]
	assert_contains "$output" "worker 1 call=sysinfo ret=0 errno=0"
	assert_contains "$output" "worker 1 status=exited:0"
	assert_contains "$output" "worker 2 call=accept4 ret=-1 errno=EAGAIN"
	# its sched_getparam in init ran; the one after its marker never returned
	[ "$(grep -c '^worker 2 call=sched_getparam' <<<"$output")" -eq 1 ]
	assert_contains "$output" "worker 2 status=signaled:SIGSYS"
	assert_contains "$output" "done"
}
