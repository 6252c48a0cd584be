#!/usr/bin/env bats
# fixtures.bats - the fixtures themselves, run natively (no profiler, no
# sandbox): they must print exactly what the other suites expect of them.
# If one of these fails, every profile/run test built on that fixture is
# meaningless, so read this suite's failures first.

bats_require_minimum_version 1.5.0
load helpers

setup() {
	require_file "$FIXTURES/twophase" "$FIXTURES/prefork" "$FIXTURES/execer" \
		"$FIXTURES/stdin_reader" "$FIXTURES/int80" "$FIXTURES/serving_only"
	cd "$BATS_TEST_TMPDIR" || return 1
}

# expected_twophase MODE [WAITCALL] - the stdout of `twophase MODE` run
# natively (nothing denied: every call succeeds, sched_getparam included).
expected_twophase() {
	local mode=$1 m=${2:-accept4} mret='-1' merr=EAGAIN
	[ "$m" = accept4 ] || { mret=0; merr=0; }
	call() { if [ "$mode" = "$1" ]; then echo sched_getparam; else echo sysinfo; fi; }
	local cq
	cq=$(call child-post)
	[ "$mode" = exec-post ] && cq="sched_getparam"
	cat <<EOF
init actor=main call=sched_getparam ret=0 errno=0
marker actor=main call=$m ret=$mret errno=$merr
serving actor=main call=sysinfo ret=0 errno=0
probe actor=main call=$(call main) ret=0 errno=0
probe actor=TP call=$(call thread-pre) ret=0 errno=0
probe actor=TQ call=$(call thread-post) ret=0 errno=0
marker actor=CP call=$m ret=$mret errno=$merr
probe actor=CP call=$(call child-pre) ret=0 errno=0
child CP status=exited:0
probe actor=CQ call=$cq ret=0 errno=0
child CQ status=exited:0
done
EOF
}

@test "twophase normal: five actors probe sysinfo, children exit 0" {
	run --separate-stderr bounded "$FIXTURES/twophase" normal
	[ "$status" -eq 0 ]
	[ "$output" = "$(expected_twophase normal)" ]
	[ "$(grep -c '^probe .* call=sysinfo ret=0 errno=0$' <<<"$output")" -eq 5 ]
	[ -z "$stderr" ]
}

@test "twophase: each bad MODE makes exactly its actor call sched_getparam" {
	local mode
	for mode in main thread-pre thread-post child-pre child-post exec-post; do
		run --separate-stderr bounded "$FIXTURES/twophase" "$mode"
		echo "mode $mode:"
		echo "$output"
		[ "$status" -eq 0 ]
		[ "$output" = "$(expected_twophase "$mode")" ]
		[ "$(grep -c '^probe .* call=sched_getparam ' <<<"$output")" -eq 1 ]
	done
}

@test "twophase --wait=epoll and --wait=poll: the marker returns 0 at once" {
	run --separate-stderr bounded "$FIXTURES/twophase" normal --wait=epoll
	[ "$status" -eq 0 ]
	[ "$output" = "$(expected_twophase normal epoll_wait)" ]
	run --separate-stderr bounded "$FIXTURES/twophase" normal --wait=poll
	[ "$status" -eq 0 ]
	[ "$output" = "$(expected_twophase normal poll)" ]
	run --separate-stderr bounded "$FIXTURES/twophase" normal --wait=accept
	[ "$status" -eq 0 ]
	[ "$output" = "$(expected_twophase normal)" ]
}

@test "twophase probe modes (what CQ execs)" {
	run bounded "$FIXTURES/twophase" probe-sched_getparam
	[ "$status" -eq 0 ]
	[ "$output" = "probe actor=exec call=sched_getparam ret=0 errno=0" ]
	run bounded "$FIXTURES/twophase" probe-sysinfo CQ
	[ "$status" -eq 0 ]
	[ "$output" = "probe actor=CQ call=sysinfo ret=0 errno=0" ]
}

@test "twophase: usage errors exit 2" {
	run bounded "$FIXTURES/twophase"
	[ "$status" -eq 2 ]
	run bounded "$FIXTURES/twophase" nosuchmode
	[ "$status" -eq 2 ]
	run bounded "$FIXTURES/twophase" normal --wait=select
	[ "$status" -eq 2 ]
}

@test "prefork: two workers transition on their own, the parent reaps them" {
	run --separate-stderr bounded "$FIXTURES/prefork"
	[ "$status" -eq 0 ]
	[ "$output" = "$(cat <<'EOF'
worker 1 call=sched_getparam ret=0 errno=0
worker 1 call=accept4 ret=-1 errno=EAGAIN
worker 1 call=sysinfo ret=0 errno=0
worker 1 status=exited:0
worker 2 call=sched_getparam ret=0 errno=0
worker 2 call=accept4 ret=-1 errno=EAGAIN
worker 2 call=sysinfo ret=0 errno=0
worker 2 status=exited:0
done
EOF
)" ]
}

@test "prefork worker2-sched_getparam: worker 2 calls sched_getparam after its marker" {
	run --separate-stderr bounded "$FIXTURES/prefork" worker2-sched_getparam
	[ "$status" -eq 0 ]
	[ "${lines[2]}" = "worker 1 call=sysinfo ret=0 errno=0" ]
	[ "${lines[5]}" = "worker 2 call=accept4 ret=-1 errno=EAGAIN" ]
	[ "${lines[6]}" = "worker 2 call=sched_getparam ret=0 errno=0" ]
	[ "${lines[7]}" = "worker 2 status=exited:0" ]
	run bounded "$FIXTURES/prefork" nosuchmode
	[ "$status" -eq 2 ]
}

@test "execer: execs its argument with its arguments, silently" {
	run --separate-stderr bounded "$FIXTURES/execer" /bin/echo hello world
	[ "$status" -eq 0 ]
	[ "$output" = "hello world" ]
	[ -z "$stderr" ]
}

@test "execer: a missing program gives 127 and a message" {
	run -127 --separate-stderr bounded "$FIXTURES/execer" "$BATS_TEST_TMPDIR/nonexistent"
	[ "$status" -eq 127 ]
	[[ "$stderr" == *"execv $BATS_TEST_TMPDIR/nonexistent: ENOENT"* ]]
	printf 'x\n' >noexec
	chmod 644 noexec
	run -126 --separate-stderr bounded "$FIXTURES/execer" ./noexec
	[ "$status" -eq 126 ]
	[[ "$stderr" == *EACCES* ]]
}

@test "stdin_reader: one output line per input line, a last partial line counts" {
	printf 'one\ntwo\nthree\n' >in3
	run --separate-stderr bounded "$FIXTURES/stdin_reader" <in3
	[ "$status" -eq 0 ]
	[ "$output" = "$(printf 'line 1\nline 2\nline 3')" ]
	printf 'a\nb' >in2
	run bounded "$FIXTURES/stdin_reader" <in2
	[ "$status" -eq 0 ]
	[ "$output" = "$(printf 'line 1\nline 2')" ]
	run bounded "$FIXTURES/stdin_reader" </dev/null
	[ "$status" -eq 0 ]
	[ -z "$output" ]
}

@test "execer ./stdin_reader: the exec'd program reads the same stdin" {
	cp "$FIXTURES/stdin_reader" .
	printf 'a\nb\nc\n' >in
	run --separate-stderr bounded "$FIXTURES/execer" ./stdin_reader <in
	[ "$status" -eq 0 ]
	[ "$output" = "$(printf 'line 1\nline 2\nline 3')" ]
}

# The pid the int80 getpid returns must be the process's own: run it in the
# background to learn its pid.
@test "int80 init|serving: i386 getpid through int 0x80 returns the pid" {
	local when pid
	for when in init serving; do
		"$FIXTURES/int80" "$when" >"out.$when" 2>&1 &
		pid=$!
		wait_exit "$pid" 30
		[ "$EXIT_STATUS" -eq 0 ]
		cat "out.$when"
		if [ "$when" = init ]; then
			[ "$(sed -n 1p "out.$when")" = "int80 ret=$pid" ]
			[ "$(sed -n 2p "out.$when")" = "marker call=accept4 ret=-1 errno=EAGAIN" ]
		else
			[ "$(sed -n 1p "out.$when")" = "marker call=accept4 ret=-1 errno=EAGAIN" ]
			[ "$(sed -n 2p "out.$when")" = "int80 ret=$pid" ]
		fi
		[ "$(sed -n 3p "out.$when")" = "done" ]
	done
}

@test "int80 x32-init|x32-serving: x32 is off in this kernel (ENOSYS)" {
	run bounded "$FIXTURES/int80" x32-init
	[ "$status" -eq 0 ]
	[ "$output" = "$(printf 'x32 ret=-1 errno=ENOSYS\nmarker call=accept4 ret=-1 errno=EAGAIN\ndone')" ]
	run bounded "$FIXTURES/int80" x32-serving
	[ "$status" -eq 0 ]
	[ "$output" = "$(printf 'marker call=accept4 ret=-1 errno=EAGAIN\nx32 ret=-1 errno=ENOSYS\ndone')" ]
	run bounded "$FIXTURES/int80" sometime
	[ "$status" -eq 2 ]
}

@test "serving_only: prints done, exits 0" {
	run --separate-stderr bounded "$FIXTURES/serving_only"
	[ "$status" -eq 0 ]
	[ "$output" = "done" ]
	[ -z "$stderr" ]
}

# ---------------------------------------------------------------------------
# With strace (when installed): the syscall claims the other suites rely on.

# syscalls_after TRACE CALL - the syscall names after the first line that
# starts with CALL( in an `strace -o` file (single process).
syscalls_after() {
	awk -v c="$2(" 'f { n = $0; sub(/\(.*/, "", n); print n } index($0, c) == 1 { f = 1 }' "$1"
}

@test "strace: serving_only's serving phase is exactly accept4 sysinfo write exit_group" {
	skip_unless_program strace
	run bounded strace -qq -o so.trace "$FIXTURES/serving_only"
	[ "$status" -eq 0 ]
	grep -q '^accept4(' so.trace
	[ "$(syscalls_after so.trace accept4 | tr '\n' ' ')" = "sysinfo write exit_group " ]
	[ "$(grep -c '^sysinfo(' so.trace)" -eq 1 ]
}

@test "strace: twophase makes sched_getparam once, before the marker; sysinfo only after it" {
	skip_unless_program strace
	local wait call
	for wait in accept epoll poll; do
		run bounded strace -f -qq -o "tp.$wait" "$FIXTURES/twophase" normal --wait="$wait"
		[ "$status" -eq 0 ]
		case $wait in accept) call=accept4 ;; epoll) call=epoll_wait ;; *) call=poll ;; esac
		# strace -f lines: "PID  call(...". Line numbers of the events:
		local sched_getparam_at first_marker first_sysinfo
		sched_getparam_at=$(grep -nE '^[0-9]+ +sched_getparam\(' "tp.$wait" | cut -d: -f1)
		first_marker=$(grep -nE "^[0-9]+ +$call\\(" "tp.$wait" | head -n1 | cut -d: -f1)
		first_sysinfo=$(grep -nE '^[0-9]+ +sysinfo\(' "tp.$wait" | head -n1 | cut -d: -f1)
		[ "$(wc -l <<<"$sched_getparam_at")" -eq 1 ]
		[ "$sched_getparam_at" -lt "$first_marker" ]
		[ "$first_marker" -lt "$first_sysinfo" ]
		# main + CP: two marker calls; six sysinfo calls (main twice, TP, TQ, CP, CQ)
		[ "$(grep -cE "^[0-9]+ +$call\\(" "tp.$wait")" -eq 2 ]
		[ "$(grep -cE '^[0-9]+ +sysinfo\(' "tp.$wait")" -eq 6 ]
		# one exec besides the first: CQ
		[ "$(grep -cE '^[0-9]+ +execve\(' "tp.$wait")" -eq 2 ]
	done
}

@test "strace: stdin_reader reads fd 0 one byte per call (B+1 reads)" {
	skip_unless_program strace
	printf 'ab\ncd\n' >in
	run bounded strace -qq -o sr.trace "$FIXTURES/stdin_reader" <in
	[ "$status" -eq 0 ]
	[ "$(grep -c '^read(0,' sr.trace)" -eq 7 ]
	[ "$(grep -c '^sysinfo(' sr.trace)" -eq 2 ]
	[ "$(grep -c '^sched_getparam(' sr.trace)" -eq 1 ]
	# sched_getparam comes before the first read of stdin
	[ "$(grep -nE '^(sched_getparam|read\(0,)' sr.trace | head -n1 | cut -d: -f2 | cut -d"(" -f1)" = "sched_getparam" ]
}
