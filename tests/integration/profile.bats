#!/usr/bin/env bats
# profile.bats - sandbox-profile against the fixtures and real programs
# (docs/CLI-SPEC.md, DESIGN.md section 4, sandbox-policy(5)).
#
# Policy conventions these tests read (helpers.bash): syscall lines
# "name = action ; N calls" in [init] and [serving]; in [sandbox] the keys
# `transition` (marker family or syscall, as written), `transition_fd`,
# `transition_after`, `default`. The summary (stderr, "sandbox-profile: "
# lines) gives counts as "processes: N", "threads: N" (every thread ever,
# leaders included), "execs: N" (or "N processes", ...), and one
# "sandbox-profile: transition: ..." line per process that transitioned.

bats_require_minimum_version 1.5.0
load helpers

setup() {
	require_file "$SB_PROFILE" "$FIXTURES/twophase" "$FIXTURES/prefork" "$FIXTURES/execer" \
		"$FIXTURES/stdin_reader" "$FIXTURES/int80" "$FIXTURES/serving_only"
	cd "$BATS_TEST_TMPDIR" || return 1
}

teardown() {
	teardown_bg
	if [ -z "${BATS_TEST_COMPLETED:-}" ]; then
		local f
		for f in "$BATS_TEST_TMPDIR"/*.ini; do
			[ -f "$f" ] || continue
			echo "----- $f"
			head -n 200 "$f"
		done
		echo "----- last stderr"
		printf '%s\n' "${stderr:-}" | head -n 60
	fi
}

# profile ARGS... - run sandbox-profile ARGS (bounded), stderr apart.
profile() {
	run --separate-stderr bounded "$SB_PROFILE" "$@"
}

# native_output CMD... - stdout of CMD run natively (bounded).
native_output() {
	bounded "$@" 2>/dev/null
}

# ---------------------------------------------------------------------------
# Phases of the fixtures

@test "serving_only --phase-marker=accept: [serving] is exactly accept4 exit_group sysinfo write" {
	profile --phase-marker=accept -o so.ini -- "$FIXTURES/serving_only"
	[ "$status" -eq 0 ]
	[ "$output" = "done" ]
	[ "$(phase_set so.ini serving | tr '\n' ' ')" = "accept4 exit_group sysinfo write " ]
	local s
	for s in socket bind listen execve; do
		in_phase so.ini init "$s"
	done
	not_in_phase so.ini init sysinfo
	not_in_phase so.ini init accept4
	[ "$(policy_key so.ini transition)" = accept ]
	[ "$(call_count so.ini serving sysinfo)" -eq 1 ]
	[ "$(call_count so.ini serving accept4)" -eq 1 ]
	# the summary goes to stderr, on "sandbox-profile: " lines
	grep -q '^sandbox-profile: ' <<<"$stderr"
}

@test "twophase normal --phase-marker=accept: threads and children before and after the transition" {
	local native
	native=$(native_output "$FIXTURES/twophase" normal)
	profile --phase-marker=accept -o tp.ini -- "$FIXTURES/twophase" normal
	[ "$status" -eq 0 ]
	[ "$output" = "$native" ]
	[ "$(policy_key tp.ini transition)" = accept ]
	# the init-only call: main, once, before its marker
	in_phase tp.ini init sched_getparam
	not_in_phase tp.ini serving sched_getparam
	[ "$(call_count tp.ini init sched_getparam)" -eq 1 ]
	# the serving-only call: main twice, TP, TQ, CP (after its own marker), CQ (exec'd)
	in_phase tp.ini serving sysinfo
	not_in_phase tp.ini init sysinfo
	[ "$(call_count tp.ini serving sysinfo)" -eq 6 ]
	# the markers of main and CP belong to serving
	in_phase tp.ini serving accept4
	not_in_phase tp.ini init accept4
	[ "$(call_count tp.ini serving accept4)" -eq 2 ]
	# CQ's exec happens in serving; the program's own execve in init
	in_phase tp.ini serving execve
	in_phase tp.ini init execve
	# threads and forks on both sides
	in_phase tp.ini init clone3 || in_phase tp.ini init clone
	in_phase tp.ini serving clone3 || in_phase tp.ini serving clone
	in_phase tp.ini init listen
	not_in_phase tp.ini serving listen
	# main, CP, CQ; threads main, TP, TQ, CP, CQ
	expect_number "$stderr" 'process(es)?' -eq 3
	expect_number "$stderr" 'threads?' -eq 5
}

# --phase-marker=auto: "the first wait for work after listen". CP is forked
# after listen, so it inherits the "after listen" state and its own
# epoll_wait/poll/accept4 transitions it: sysinfo never lands in init.
@test "twophase --wait=epoll --phase-marker=auto: transition = epoll_wait after listen" {
	local native
	native=$(native_output "$FIXTURES/twophase" normal --wait=epoll)
	profile --phase-marker=auto -o ep.ini -- "$FIXTURES/twophase" normal --wait=epoll
	[ "$status" -eq 0 ]
	[ "$output" = "$native" ]
	[ "$(policy_key ep.ini transition)" = epoll_wait ]
	[ "$(policy_key ep.ini transition_after)" = listen ]
	in_phase ep.ini serving epoll_wait
	not_in_phase ep.ini init epoll_wait
	in_phase ep.ini init epoll_ctl
	in_phase ep.ini init sched_getparam
	not_in_phase ep.ini serving sched_getparam
	not_in_phase ep.ini init sysinfo
	[ "$(call_count ep.ini serving sysinfo)" -eq 6 ]
}

@test "twophase --wait=poll --phase-marker=auto: transition = poll after listen" {
	local native
	native=$(native_output "$FIXTURES/twophase" normal --wait=poll)
	profile --phase-marker=auto -o po.ini -- "$FIXTURES/twophase" normal --wait=poll
	[ "$status" -eq 0 ]
	[ "$output" = "$native" ]
	[ "$(policy_key po.ini transition)" = poll ]
	[ "$(policy_key po.ini transition_after)" = listen ]
	in_phase po.ini serving poll
	not_in_phase po.ini init poll
	not_in_phase po.ini serving sched_getparam
	not_in_phase po.ini init sysinfo
	[ "$(call_count po.ini serving sysinfo)" -eq 6 ]
}

@test "twophase --phase-marker=auto (accept4): transition = accept after listen" {
	profile --phase-marker=auto -o ac.ini -- "$FIXTURES/twophase" normal
	[ "$status" -eq 0 ]
	[ "$(policy_key ac.ini transition)" = accept ]
	[ "$(policy_key ac.ini transition_after)" = listen ]
	not_in_phase ac.ini serving sched_getparam
	not_in_phase ac.ini init sysinfo
}

@test "--phase-marker=epoll_wait --marker-after=listen is recorded as written" {
	profile --phase-marker=epoll_wait --marker-after=listen -o ma.ini -- \
		"$FIXTURES/twophase" normal --wait=epoll
	[ "$status" -eq 0 ]
	[ "$(policy_key ma.ini transition)" = epoll_wait ]
	[ "$(policy_key ma.ini transition_after)" = listen ]
	not_in_phase ma.ini serving sched_getparam
	not_in_phase ma.ini init sysinfo
}

@test "prefork --phase-marker=accept: each worker transitions, the parent stays in init" {
	local native
	native=$(native_output "$FIXTURES/prefork")
	profile --phase-marker=accept -o pf.ini -- "$FIXTURES/prefork"
	[ "$status" -eq 0 ]
	[ "$output" = "$native" ]
	in_phase pf.ini init sched_getparam
	not_in_phase pf.ini serving sched_getparam
	[ "$(call_count pf.ini init sched_getparam)" -eq 2 ]
	in_phase pf.ini serving sysinfo
	not_in_phase pf.ini init sysinfo
	[ "$(call_count pf.ini serving sysinfo)" -eq 2 ]
	[ "$(call_count pf.ini serving accept4)" -eq 2 ]
	not_in_phase pf.ini init accept4
	# the parent's reaping: init only (it never called a marker)
	in_phase pf.ini init wait4
	not_in_phase pf.ini serving wait4
	[ "$(call_count pf.ini init wait4)" -eq 2 ]
	expect_number "$stderr" 'process(es)?' -eq 3
	expect_transitions "$stderr" 2
}

# ---------------------------------------------------------------------------
# Interactive programs: the first read of stdin

@test "stdin_reader --phase-marker=auto, 3 lines: transition = read on fd 0" {
	printf 'one\ntwo\nsix\n' >in
	profile --phase-marker=auto -o sr.ini -- "$FIXTURES/stdin_reader" <in
	[ "$status" -eq 0 ]
	[ "$output" = "$(printf 'line 1\nline 2\nline 3')" ]
	[ "$(policy_key sr.ini transition)" = read ]
	[ "$(policy_key sr.ini transition_fd)" = 0 ]
	in_phase sr.ini init sched_getparam
	not_in_phase sr.ini serving sched_getparam
	in_phase sr.ini serving sysinfo
	not_in_phase sr.ini init sysinfo
	[ "$(call_count sr.ini serving sysinfo)" -eq 3 ]
	# 12 bytes read one per call, plus the read that sees EOF; the first
	# of them is the marker and belongs to serving
	[ "$(call_count sr.ini serving read)" -eq 13 ]
}

@test "execer ./stdin_reader --phase-marker=auto: the exec is recorded, phases follow it" {
	cp "$FIXTURES/stdin_reader" .
	printf 'a\nb\nc\n' >in
	profile --phase-marker=auto -o ex.ini -- "$FIXTURES/execer" ./stdin_reader <in
	[ "$status" -eq 0 ]
	[ "$output" = "$(printf 'line 1\nline 2\nline 3')" ]
	# the profiler's exec of execer, execer's exec of stdin_reader
	in_phase ex.ini init execve
	not_in_phase ex.ini serving execve
	[ "$(call_count ex.ini init execve)" -eq 2 ]
	# sched_getparam: execer's and stdin_reader's, both before the first read of stdin
	[ "$(call_count ex.ini init sched_getparam)" -eq 2 ]
	not_in_phase ex.ini serving sched_getparam
	[ "$(policy_key ex.ini transition)" = read ]
	[ "$(policy_key ex.ini transition_fd)" = 0 ]
	[ "$(call_count ex.ini serving sysinfo)" -eq 3 ]
	[ "$(call_count ex.ini serving read)" -eq 7 ]
	# the summary counts both execs and names the exec'd program
	expect_number "$stderr" 'execs?' -eq 2
	grep -q stdin_reader <<<"$stderr"
}

# The dynamic loader reads the libraries (fd 3) before main: only
# --marker-fd=0 keeps those reads from being taken as the marker.
@test "--phase-marker=read --marker-fd=0: only reads of fd 0 are markers" {
	printf 'x\ny\n' >in
	profile --phase-marker=read --marker-fd=0 -o fd.ini -- "$FIXTURES/stdin_reader" <in
	[ "$status" -eq 0 ]
	[ "$(policy_key fd.ini transition)" = read ]
	[ "$(policy_key fd.ini transition_fd)" = 0 ]
	in_phase fd.ini init sched_getparam
	not_in_phase fd.ini serving sched_getparam
	in_phase fd.ini init read
	[ "$(call_count fd.ini serving read)" -eq 5 ]
}

# ---------------------------------------------------------------------------
# Single phase

# `ls -la /` is not comparable between two runs: /proc's link count is the
# number of processes and /tmp's mtime moves. A directory of our own is, if
# nothing is written next to it (its ".." is data/, not the test directory).
make_tree() {
	mkdir -p data/tree/sub
	printf 'hello\n' >data/tree/file
	ln -s file data/tree/link
	touch -h -d '2020-01-02 03:04:05' data/tree/file data/tree/link data/tree/sub data/tree data
}

@test "ls: single phase, no [serving], no transition, output unchanged" {
	make_tree
	local native
	native=$(native_output ls -la --time-style=full-iso data/tree)
	profile -o ls.ini -- ls -la --time-style=full-iso data/tree
	[ "$status" -eq 0 ]
	[ "$output" = "$native" ]
	has_section ls.ini sandbox
	has_section ls.ini init
	run ! has_section ls.ini serving
	run ! has_key ls.ini transition
	run ! has_key ls.ini transition_fd
	run ! has_key ls.ini transition_after
	in_phase ls.ini init getdents64
	in_phase ls.ini init execve
	# the program, as given or resolved to a path
	[ "$(basename "$(policy_key ls.ini program)")" = ls ]
	[ "$(policy_key ls.ini default)" = kill ]
}

@test "-o defaults to ./BASENAME.ini of the program" {
	make_tree
	profile -q -- ls data/tree
	[ "$status" -eq 0 ]
	[ -f ls.ini ]
	in_phase ls.ini init getdents64
}

@test "--default=ACTION is written to a new policy" {
	profile --default='errno EPERM' -o d.ini -- "$FIXTURES/serving_only"
	[ "$status" -eq 0 ]
	[ "$(policy_key d.ini default)" = "errno EPERM" ]
	profile --default=log -o l.ini -- "$FIXTURES/serving_only"
	[ "$status" -eq 0 ]
	[ "$(policy_key l.ini default)" = log ]
}

@test "-q: no summary on stderr" {
	profile -q --phase-marker=accept -o q.ini -- "$FIXTURES/serving_only"
	[ "$status" -eq 0 ]
	[ "$output" = "done" ]
	run ! grep -q '^sandbox-profile: ' <<<"$stderr"
	in_phase q.ini serving sysinfo
}

# A foreign-ABI call seen while profiling must never become a native line:
# i386 getpid is number 20, which is writev in the x86_64 table.
@test "int80: an i386 syscall is not recorded as the native syscall of the same number" {
	local when
	for when in init serving; do
		profile --phase-marker=accept -o "i$when.ini" -- "$FIXTURES/int80" "$when"
		[ "$status" -eq 0 ]
		grep -qE '^int80 ret=[1-9][0-9]*$' <<<"$output"
		not_in_phase "i$when.ini" init writev
		not_in_phase "i$when.ini" serving writev
		in_phase "i$when.ini" serving accept4
	done
}

# ---------------------------------------------------------------------------
# Exit status and usage

@test "exit status: the program's own" {
	profile -q -o e.ini -- /bin/sh -c 'exit 3'
	[ "$status" -eq 3 ]
	[ -f e.ini ]
	profile -q -o e.ini -- /bin/sh -c 'exit 0'
	[ "$status" -eq 0 ]
}

@test "exit status: killed by SIGTERM gives 143" {
	profile -q -o t.ini -- /bin/sh -c 'kill -TERM $$; sleep 5'
	[ "$status" -eq 143 ]
}

@test "exit status: missing program gives 127" {
	run -127 --separate-stderr bounded "$SB_PROFILE" -q -o m.ini -- "$BATS_TEST_TMPDIR/no-such-program"
	[ "$status" -eq 127 ]
	[ -n "$stderr" ]
	run -127 --separate-stderr bounded "$SB_PROFILE" -q -o m.ini -- no-such-program-in-path-$$
	[ "$status" -eq 127 ]
}

@test "exit status: a program that is not executable gives 126" {
	printf '#!/bin/sh\nexit 0\n' >noexec
	chmod 644 noexec
	run -126 --separate-stderr bounded "$SB_PROFILE" -q -o n.ini -- ./noexec
	[ "$status" -eq 126 ]
	[ -n "$stderr" ]
}

@test "usage errors give 125" {
	profile --no-such-option -o u.ini -- /bin/true
	[ "$status" -eq 125 ]
	[ -n "$stderr" ]
	profile -o u.ini
	[ "$status" -eq 125 ]
	profile --phase-marker=no_such_syscall -o u.ini -- /bin/true
	[ "$status" -eq 125 ]
	[[ "$stderr" == *no_such_syscall* ]]
	profile --default=explode -o u.ini -- /bin/true
	[ "$status" -eq 125 ]
	# nothing was profiled, nothing written
	[ ! -e u.ini ]
}

@test "--help and --version exit 0 on stdout" {
	profile --help
	[ "$status" -eq 0 ]
	[[ "$output" == *--phase-marker* ]]
	profile --version
	[ "$status" -eq 0 ]
	[ -n "$output" ]
}

# ---------------------------------------------------------------------------
# Signals: the policy is still written, atomically, or not at all

# start_profile_sleep FILE [OPTIONS...] - start `sandbox-profile OPTIONS -o
# FILE -- sleep 60` in the background with SIGINT at its default (as in a
# terminal: bash ignores SIGINT in its background jobs), and wait until the
# traced sleep is blocked in its sleep. Sets PROF_PID and SLEEP_PID.
start_profile_sleep() {
	local file=$1
	shift
	env --default-signal=INT,QUIT "$SB_PROFILE" "$@" -o "$file" -- sleep 60 \
		>prof.out 2>prof.err </dev/null &
	PROF_PID=$!
	BG_PIDS+=("$PROF_PID")
	SLEEP_PID=$(wait_child_sleeping "$PROF_PID" sleep 20)
	BG_PIDS+=("$SLEEP_PID")
}

@test "SIGINT to the profiler: goes to the program, exit 130, policy written" {
	start_profile_sleep p.ini
	kill -INT "$PROF_PID"
	wait_exit "$PROF_PID" 30
	cat prof.err
	[ "$EXIT_STATUS" -eq 130 ]
	# the program got it: it is gone
	run ! proc_alive "$SLEEP_PID"
	[ -f p.ini ]
	has_section p.ini init
	in_phase p.ini init clock_nanosleep || in_phase p.ini init nanosleep
	[ "$(basename "$(policy_key p.ini program)")" = sleep ]
	if [ -x "$SB_RUN" ]; then
		run --separate-stderr bounded "$SB_RUN" --check --policy ./p.ini
		[ "$status" -eq 0 ]
	fi
	# no temporary file left next to it (separate-stderr-*: bats's own)
	local f
	for f in * .[!.]*; do
		[ -e "$f" ] || continue
		case $f in
		p.ini | prof.out | prof.err | separate-stderr-*) ;;
		*) echo "left behind: $f"; false ;;
		esac
	done
}

@test "SIGTERM to the profiler: goes to the program, exit 143, policy written" {
	start_profile_sleep p.ini
	kill -TERM "$PROF_PID"
	wait_exit "$PROF_PID" 30
	[ "$EXIT_STATUS" -eq 143 ]
	in_phase p.ini init clock_nanosleep || in_phase p.ini init nanosleep
}

@test "SIGKILL mid-run never corrupts an existing policy (with and without --merge)" {
	profile -q -o k.ini -- sleep 0
	[ "$status" -eq 0 ]
	cp k.ini k.orig
	local opts
	for opts in "" "--merge"; do
		# shellcheck disable=SC2086
		start_profile_sleep k.ini $opts -q
		kill -KILL "$PROF_PID"
		wait_exit "$PROF_PID" 30
		[ "$EXIT_STATUS" -eq 137 ]
		cmp k.ini k.orig
		kill -KILL "$SLEEP_PID" 2>/dev/null || true
		teardown_bg
	done
}

# ---------------------------------------------------------------------------
# --merge

@test "--merge: union per phase, counts added" {
	printf 'a\nb\n' >in1
	printf 'ccc\n' >in2
	profile -q --phase-marker=auto -o a.ini -- "$FIXTURES/stdin_reader" <in1
	[ "$status" -eq 0 ]
	profile -q --phase-marker=auto -o b.ini -- "$FIXTURES/stdin_reader" <in2
	[ "$status" -eq 0 ]
	profile -q --phase-marker=auto -o m.ini -- "$FIXTURES/stdin_reader" <in1
	[ "$status" -eq 0 ]
	cp m.ini m.first
	profile -q --phase-marker=auto --merge -o m.ini -- "$FIXTURES/stdin_reader" <in2
	[ "$status" -eq 0 ]
	[ "$output" = "line 1" ]
	# 4 + 1 and 4 + 1 reads; 2 and 1 lines
	[ "$(call_count a.ini serving read)" -eq 5 ]
	[ "$(call_count b.ini serving read)" -eq 5 ]
	[ "$(call_count m.ini serving read)" -eq 10 ]
	[ "$(call_count m.ini serving sysinfo)" -eq 3 ]
	local ph s ca cb cm
	for ph in init serving; do
		# union of the two runs' sets
		[ "$(phase_set m.ini "$ph")" = "$( (phase_set a.ini "$ph"; phase_set b.ini "$ph") | LC_ALL=C sort -u)" ]
		# every count is the sum
		for s in $(phase_set m.ini "$ph"); do
			ca=$(call_count a.ini "$ph" "$s")
			cb=$(call_count b.ini "$ph" "$s")
			cm=$(call_count m.ini "$ph" "$s")
			[ "$cm" -eq $(( ${ca:-0} + ${cb:-0} )) ] ||
				{ echo "[$ph] $s: merged count '$cm', runs '$ca' + '$cb'"; false; }
		done
	done
	[ "$(policy_key m.ini transition)" = read ]
	[ "$(policy_key m.ini transition_fd)" = 0 ]
}

@test "--merge into a malformed policy: 125, file:line, file untouched" {
	printf 'a\n' >in
	profile -q --phase-marker=auto -o good.ini -- "$FIXTURES/stdin_reader" <in
	[ "$status" -eq 0 ]
	# a valid policy with an unknown section inserted as line 3
	sed '3i [bogus]' good.ini >bad.ini
	[ "$(sed -n 3p bad.ini)" = "[bogus]" ]
	cp bad.ini bad.orig
	profile -q --phase-marker=auto --merge -o bad.ini -- "$FIXTURES/stdin_reader" <in
	[ "$status" -eq 125 ]
	[[ "$stderr" == *"bad.ini:3:"* ]]
	cmp bad.ini bad.orig
	# the same for an unknown syscall name in [init]
	awk '{ print } /^\[init\]/ { print "no_such_syscall = allow" }' good.ini >bad2.ini
	local line
	line=$(grep -n '^no_such_syscall' bad2.ini | cut -d: -f1)
	cp bad2.ini bad2.orig
	profile -q --phase-marker=auto --merge -o bad2.ini -- "$FIXTURES/stdin_reader" <in
	[ "$status" -eq 125 ]
	[[ "$stderr" == *"bad2.ini:$line:"* ]]
	cmp bad2.ini bad2.orig
}

# ---------------------------------------------------------------------------
# Real programs (installed by scripts/install-deps in CI)

@test "sqlite3 --phase-marker=auto: transition = read on fd 0, output unchanged" {
	skip_unless_program sqlite3
	export HOME="$BATS_TEST_TMPDIR" # no ~/.sqliterc
	printf 'create table t(a); insert into t values(1); select * from t;\n' >sql
	profile --phase-marker=auto -o s.ini -- sqlite3 s.db <sql
	[ "$status" -eq 0 ]
	[ "$output" = 1 ]
	[ "$(policy_key s.ini transition)" = read ]
	[ "$(policy_key s.ini transition_fd)" = 0 ]
	in_phase s.ini serving read
	in_phase s.ini serving write
	in_phase s.ini init execve
	[ "$(basename "$(policy_key s.ini program)")" = sqlite3 ]
}

# start_redis MARKER FILE - profile redis-server on a free port in the
# background; sets PORT and PROF_PID once it listens.
start_redis() {
	PORT=$(free_port)
	env --default-signal=INT,QUIT "$SB_PROFILE" --phase-marker="$1" -o "$2" -- \
		redis-server --port "$PORT" --bind 127.0.0.1 --save '' --appendonly no \
		--daemonize no --dir "$BATS_TEST_TMPDIR" \
		>redis.out 2>redis.err </dev/null &
	PROF_PID=$!
	BG_PIDS+=("$PROF_PID")
	wait_port "$PORT" 60 "$PROF_PID"
	REDIS_PID=$(descendant_named "$PROF_PID" redis-server)
	BG_PIDS+=("$REDIS_PID")
}

# stop_redis - SIGINT to the profiler (forwarded: redis shuts down cleanly).
stop_redis() {
	kill -INT "$PROF_PID"
	wait_exit "$PROF_PID" 60
	stderr=$(cat redis.err)
	[ "$EXIT_STATUS" -eq 0 ]
}

@test "redis-server --phase-marker=accept: serving has accept and epoll_wait, no bind/listen" {
	skip_unless_program redis-server
	skip_unless_program redis-benchmark
	start_redis accept r.ini
	run bounded redis-benchmark -h 127.0.0.1 -p "$PORT" -n 2000 -q -t set,get
	[ "$status" -eq 0 ]
	stop_redis
	[ "$(policy_key r.ini transition)" = accept ]
	in_phase r.ini serving accept4 || in_phase r.ini serving accept
	in_phase r.ini serving epoll_wait
	in_phase r.ini init bind
	in_phase r.ini init listen
	not_in_phase r.ini serving bind
	not_in_phase r.ini serving listen
	# redis's bio and jemalloc threads
	expect_number "$stderr" 'threads?' -gt 1
	expect_number "$stderr" 'process(es)?' -eq 1
}

@test "redis-server --phase-marker=auto: transition = epoll_wait after listen" {
	skip_unless_program redis-server
	skip_unless_program redis-cli
	start_redis auto ra.ini
	run bounded redis-cli -h 127.0.0.1 -p "$PORT" ping
	[ "$status" -eq 0 ]
	[ "$output" = PONG ]
	stop_redis
	[ "$(policy_key ra.ini transition)" = epoll_wait ]
	[ "$(policy_key ra.ini transition_after)" = listen ]
	in_phase ra.ini serving epoll_wait
	in_phase ra.ini serving accept4 || in_phase ra.ini serving accept
	in_phase ra.ini init listen
	not_in_phase ra.ini serving bind
	not_in_phase ra.ini serving listen
}

@test "the program is profiled as sandbox-run runs it: no capabilities unless --capabilities" {
	run --separate-stderr bounded "$SB_PROFILE" -q -o c.ini -- sh -c 'grep ^CapEff: /proc/self/status'
	[ "$status" -eq 0 ]
	[[ $output =~ CapEff:[[:space:]]+0+$ ]]
	[ -z "$(policy_key c.ini capabilities)" ]
	run --separate-stderr bounded "$SB_PROFILE" -q --capabilities=net_bind_service -o k.ini -- \
		sh -c 'grep ^CapEff: /proc/self/status'
	[ "$status" -eq 0 ]
	[[ $output =~ CapEff:[[:space:]]+0*400$ ]]
	[ "$(policy_key k.ini capabilities)" = cap_net_bind_service ]
	run --separate-stderr bounded "$SB_PROFILE" -q --capabilities=no_such_cap -o x.ini -- true
	[ "$status" -eq 125 ]
	[[ $stderr == *no_such_cap* ]]
	[ ! -e x.ini ]
}

@test "--merge: an auto run that never reached its transition goes to [init]" {
	printf 'a\nb\n' | bounded "$SB_PROFILE" -q -m auto -o m.ini -- "$FIXTURES/stdin_reader" >/dev/null
	[ "$(policy_key m.ini transition)" = read ]
	local before
	before=$(call_count m.ini init sched_getparam)
	# stdin at EOF before anything: still reads fd 0, so give it no stdin read at all
	run --separate-stderr bounded "$SB_PROFILE" -q -m auto -M -o m.ini -- "$FIXTURES/execer" /bin/true
	[ "$status" -eq 0 ]
	[ "$(policy_key m.ini transition)" = read ]
	[ "$(policy_key m.ini transition_fd)" = 0 ]
	in_phase m.ini init execve
	[ "$(call_count m.ini init sched_getparam)" -eq $((before + 1)) ]
}

@test "signals go to a daemon once the program it forked from has exited" {
	# the sleep is reparented when sh exits: find it by its unique argument
	env --default-signal=TERM "$SB_PROFILE" -q -o d.ini -- sh -c 'sleep 59.123 & exit 0' \
		>prof.out 2>prof.err </dev/null &
	PROF_PID=$!
	BG_PIDS+=("$PROF_PID")
	local sleeper= i
	for ((i = 0; i < 400; i++)); do
		sleeper=$(pgrep -f '^sleep 59[.]123$') && [ "$(proc_state "$sleeper")" = S ] && break
		sleeper=
		sleep 0.05
	done
	[ -n "$sleeper" ]
	BG_PIDS+=("$sleeper")
	# sh is gone, the sleep is still traced: the profiler is still running
	proc_alive "$PROF_PID"
	kill -TERM "$PROF_PID"
	wait_exit "$PROF_PID" 30
	run ! proc_alive "$sleeper"
	[ -f d.ini ]
	in_phase d.ini init clock_nanosleep || in_phase d.ini init nanosleep
}
