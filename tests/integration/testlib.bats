#!/usr/bin/env bats
# testlib.bats - the shell libraries themselves: scripts/lib.sh (shared by
# the scripts and the helpers) and tests/integration/lib/core.bash. A helper
# that cannot fail, or that waits for ever, would make every suite that uses
# it worthless: each is checked here on its failure path as well.
# Every wait is bounded (a few seconds); no timing is asserted.

load helpers
load run_helpers

setup() {
	cd "$BATS_TEST_TMPDIR" || return 1
}

teardown() {
	kill_bg
}

# listen PORT - start a TCP listener on 127.0.0.1:PORT in the background
# (pid in LISTENER), and wait for it.
listen() {
	bg_start LISTENER "$BATS_TEST_TMPDIR/listener" python3 -c '
import socket, sys, time
s = socket.socket()
s.bind(("127.0.0.1", int(sys.argv[1])))
s.listen()
time.sleep(60)' "$1"
	wait_port "$1" 10 "$LISTENER"
}

@test "median: the middle value of an odd count, as written, from unsorted input" {
	run median 2 <<<$'3.5\n10\n1.25'
	[ "$status" -eq 0 ]
	[ "$output" = 3.5 ]
}

@test "median: the mean of the two middle values of an even count, to DECIMALS decimals" {
	run median 1 <<<$'4\n1\n2\n100'
	[ "$output" = 3.0 ]
	run median 2 <<<$'4\n1\n2\n100'
	[ "$output" = 3.00 ]
}

@test "median: no values is an error, not 0" {
	run median 2 </dev/null
	[ "$status" -eq 1 ]
	assert_contains "$output" "median: no values"
}

@test "proc_state, proc_alive: a running process, and one that is gone" {
	sleep 30 3>&- &
	local pid=$!
	BG_PIDS+=("$pid")
	[[ $(proc_state "$pid") =~ ^[RS]$ ]]
	proc_alive "$pid"
	kill -KILL "$pid"
	wait "$pid" || true
	[ -z "$(proc_state "$pid")" ]
	run proc_alive "$pid"
	[ "$status" -eq 1 ]
}

@test "gone_within: success once the process ended; failure while it runs" {
	bg_start quick quick true
	gone_within "$quick" 10
	bg_start slow slow sleep 30
	run gone_within "$slow" 1
	[ "$status" -eq 1 ]
	proc_alive "$slow"
}

@test "wait_pid: the child's exit status; on timeout 124 and the child stopped" {
	bash -c 'exit 7' 3>&- &
	local st=0
	wait_pid "$!" 10 || st=$?
	[ "$st" -eq 7 ]
	sleep 30 3>&- &
	local pid=$!
	BG_PIDS+=("$pid")
	st=0
	wait_pid "$pid" 1 2>"$BATS_TEST_TMPDIR/err" || st=$?
	[ "$st" -eq 124 ]
	[ -z "$(proc_state "$pid")" ]
	assert_contains "$(cat "$BATS_TEST_TMPDIR/err")" "still running after 1 s"
}

@test "wait_exit: EXIT_STATUS; on timeout it fails and kills the whole tree" {
	bg_start pid ok bash -c 'exit 3'
	wait_exit "$pid" 10
	[ "$EXIT_STATUS" -eq 3 ]
	bg_start pid tree bash -c 'sleep 31; :'
	local kid
	kid=$(child_of "$pid" 10 sleep)
	st=0
	wait_exit "$pid" 1 2>"$BATS_TEST_TMPDIR/err" || st=$?
	[ "$st" -eq 1 ]
	[ -z "$EXIT_STATUS" ]
	gone_within "$kid" 5
	assert_contains "$(cat "$BATS_TEST_TMPDIR/err")" "still running after 1 s"
}

@test "child_of, descendant_named: find a grandchild by name; none is a failure" {
	bg_start pid tree bash -c 'bash -c "sleep 32; :"; :'
	local kid grandkid
	kid=$(child_of "$pid" 10 bash)
	grandkid=$(child_of "$kid" 10 sleep)
	[ "$(descendant_named "$pid" sleep)" = "$grandkid" ]
	run descendant_named "$pid" no-such-comm
	[ "$status" -eq 1 ]
	run child_of "$grandkid" 1
	[ "$status" -eq 1 ]
}

@test "wait_child_sleeping: the pid of a sleeping descendant; fails once the parent ended" {
	bg_start pid tree bash -c 'sleep 33; :'
	local kid
	kid=$(wait_child_sleeping "$pid" sleep 10)
	[ "$(proc_state "$kid")" = S ]
	bg_start pid2 quick true
	run wait_child_sleeping "$pid2" sleep 10
	[ "$status" -eq 1 ]
	assert_contains "$output" "ended"
}

@test "kill_bg, sbr_cleanup, teardown_bg: each kills the recorded processes and their children" {
	local cleanup pid kid
	for cleanup in kill_bg sbr_cleanup teardown_bg; do
		bg_start pid tree bash -c 'sleep 34; :'
		kid=$(child_of "$pid" 10 sleep)
		"$cleanup"
		[ "${#BG_PIDS[@]}" -eq 0 ]
		gone_within "$pid" 5
		gone_within "$kid" 5
	done
	# the old name of the list still records into it
	sleep 35 3>&- &
	SBR_PIDS+=("$!")
	[ "${BG_PIDS[-1]}" = "$!" ]
}

@test "port_listening, wait_port: a listening port is seen, a free one is not" {
	require_programs python3
	local port
	port=$(free_port)
	[[ $port =~ ^[0-9]+$ ]] && ((port >= 20000 && port < 60000))
	run port_listening "$port"
	[ "$status" -eq 1 ]
	listen "$port"
	port_listening "$port"
	wait_port "$port" 1
}

@test "wait_port: fails at the bound when nothing listens, and early once PID ended" {
	local port
	port=$(free_port)
	run wait_port "$port" 1
	[ "$status" -eq 1 ]
	assert_contains "$output" "nothing listens on port $port after 1 s"
	bg_start pid quick true
	gone_within "$pid" 10
	run wait_port "$port" 30 "$pid"
	[ "$status" -eq 1 ]
	assert_contains "$output" "process $pid ended before port $port listened"
}

@test "wait_redis, wait_pong: fail at the bound, and early once PID ended" {
	local port
	port=$(free_port)
	run wait_redis "$port" 1
	[ "$status" -eq 1 ]
	assert_contains "$output" "no PONG on port $port after 1 s"
	bg_start pid quick true
	gone_within "$pid" 10
	run wait_pong "$port" "$pid" 30
	[ "$status" -eq 1 ]
	assert_contains "$output" "process $pid ended before redis answered on port $port"
}

@test "assert_same, assert_contains, refute_contains: pass, and fail saying why" {
	assert_same "a b" "a b"
	assert_contains "one two" "e t"
	refute_contains "one two" "three"
	run assert_same $'x\ny' $'x\nz'
	[ "$status" -eq 1 ]
	assert_contains "$output" $'-y\n+z'
	run assert_contains "one two" "o.e" # a fixed string, not a pattern
	[ "$status" -eq 1 ]
	assert_contains "$output" "expected to find: o.e"
	run assert_contains $'one\ntwo' $'one\nthree' # whole, not line by line
	[ "$status" -eq 1 ]
	run refute_contains "one two" "two"
	[ "$status" -eq 1 ]
	assert_contains "$output" "expected NOT to find: two"
}

@test "require_programs: present passes; missing in CI fails instead of skipping" {
	require_programs bash awk
	CI=true run require_programs bash no-such-program-sb
	[ "$status" -eq 1 ]
	assert_contains "$output" "not installed: no-such-program-sb"
}
