#!/usr/bin/env bats
# attach.bats - sandbox-profile --attach PID (sandbox-profile(1), ATTACH):
# record a running process into [serving] with either backend, stop on
# SIGINT or --duration, write or --merge; the process is never left
# stopped, traced or killed, whatever happens to the profiler (SIGKILL
# included).

bats_require_minimum_version 1.5.0
load helpers

setup() {
	require_file "$SB_PROFILE" "$SB_RUN"
	cd "$BATS_TEST_TMPDIR" || return 1
}

teardown() {
	kill_bg
	if [ -z "${BATS_TEST_COMPLETED:-}" ]; then
		local f
		for f in "$BATS_TEST_TMPDIR"/*.err "$BATS_TEST_TMPDIR"/*.out; do
			[ -f "$f" ] || continue
			echo "----- $f"
			tail -n 30 "$f"
		done
	fi
}

# need_ebpf - skip unless the eBPF backend loads here (with the reason).
need_ebpf() {
	local why
	why=$("$SB_PROFILE" --backend=ebpf -q -o probe.ini -- /bin/true 2>&1 >/dev/null) && return 0
	if [[ ${CI:-} == true && $why == *"no eBPF backend"* ]]; then
		echo "CI builds the eBPF backend: $why" >&2
		return 1
	fi
	skip "BPF cannot load: $why"
}

# untraced PID - every thread of PID runs on: not traced, not stopped.
untraced() {
	local t st
	for t in /proc/"$1"/task/*; do
		st=$(cat "$t/status") || return 1
		if ! grep -qx $'TracerPid:\t0' <<<"$st" || grep -qE '^State:[[:space:]]+[tT]' <<<"$st"; then
			echo "thread ${t##*/} of $1 is traced or stopped:" >&2
			grep -E '^(State|TracerPid):' <<<"$st" >&2
			return 1
		fi
	done
}

# recording LOG PID - wait (bounded) until the profiler whose stderr is
# LOG.err says it records; fail if it (PID) ended first.
recording() {
	poll_until 30 "$2" grep -q '^sandbox-profile: recording pid' "$1.err"
}

# start_redis PORT - a native redis-server on PORT, its pid in REDIS_PID.
start_redis() {
	mkdir -p "rd$1"
	bg_start REDIS_PID "redis$1" redis-server --port "$1" --bind 127.0.0.1 --daemonize no \
		--dir "$PWD/rd$1" --save '' --appendonly no --logfile ''
	wait_redis "$1" 30 "$REDIS_PID"
}

# load PORT LOG - a redis-benchmark run in the background (pid in LOAD_PID).
load() {
	bg_start LOAD_PID "$2" timeout 120 redis-benchmark -p "$1" -q -n 100000 -c 8 -t set,get,incr,lpush,lpop
}

# load_ok LOG - the benchmark ended well and reported no error.
load_ok() {
	wait_exit "$LOAD_PID" 120
	assert_same "$EXIT_STATUS" 0
	if grep -qi error "$1.out" "$1.err"; then
		echo "redis-benchmark saw errors:" >&2
		cat "$1.out" "$1.err" >&2
		return 1
	fi
}

@test "attach: argument errors exit 125 before anything is traced or written" {
	run -125 --separate-stderr bounded "$SB_PROFILE" --attach=999999999 -m accept -o x.ini
	run -125 --separate-stderr bounded "$SB_PROFILE" --attach=1 -m accept -o x.ini -- true
	grep -q 'no PROGRAM' <<<"$stderr"
	run -125 --separate-stderr bounded "$SB_PROFILE" --attach=$$ -m auto -o x.ini
	run -125 --separate-stderr bounded "$SB_PROFILE" --duration=3 -o x.ini -- true
	sleep 300 &
	BG_PIDS+=("$!")
	run -125 --separate-stderr bounded "$SB_PROFILE" --attach="$!" -o x.ini
	grep -q 'name the rule with --phase-marker, or --merge' <<<"$stderr"
	[ ! -e x.ini ]
	untraced "$!"
}

# attach_children BACKEND - a shell that forks and execs /bin/true every
# 50 ms: recorded from the attach on, children included, then left alone.
attach_children() {
	local sh prof
	bg_start sh loop sh -c 'while :; do /bin/true; sleep 0.05; done'
	bg_start prof prof "$SB_PROFILE" --backend="$1" --attach="$sh" --duration=1 -m accept -o c.ini
	wait_exit "$prof" 30
	assert_same "$EXIT_STATUS" 0
	grep -q "^sandbox-profile: stopped recording pid $sh after --duration=1" prof.err
	# the children's exec and the shell's wait are serving calls
	in_phase c.ini serving execve
	in_phase c.ini serving wait4
	grep -qE '^    [0-9]+ /bin/true: 1 thread, 1 exec, serving, exit 0' prof.err
	grep -qE "^  $sh sh: 1 thread, [0-9]+ execs?, serving, detached" prof.err
	untraced "$sh"
}

@test "attach --backend=ptrace: children from now on, --duration, the shell left running" {
	attach_children ptrace
}

@test "attach --backend=ebpf: children from now on, --duration, the shell left running" {
	need_ebpf
	attach_children ebpf
}

# attach_vfork BACKEND - a parent always asleep in vfork while its child
# makes calls: the stop must not wait for the parent before letting the
# child go (it cannot stop until the child exits), and neither is left
# traced or stopped.
attach_vfork() {
	local vf prof c
	bg_start vf vf "$FIXTURES/vforkspin"
	poll_until 10 "$vf" grep -q ready vf.out
	bg_start prof prof "$SB_PROFILE" --backend="$1" --attach="$vf" --duration=1 -m accept -o v.ini
	wait_exit "$prof" 30
	assert_same "$EXIT_STATUS" 0
	grep -q "^sandbox-profile: stopped recording pid $vf after --duration=1" prof.err
	in_phase v.ini serving getppid
	untraced "$vf"
	for c in $(pgrep -P "$vf"); do
		untraced "$c"
	done
}

@test "attach --backend=ptrace: a parent in vfork and its child are both let go" {
	attach_vfork ptrace
}

@test "attach --backend=ebpf: a parent in vfork and its child are both let go" {
	need_ebpf
	attach_vfork ebpf
}

# attach_threads BACKEND - a process whose second thread alone calls
# sched_getparam: every thread that runs at the attach is recorded (with
# ebpf each is named by its own pidfd), not only the main one.
attach_threads() {
	local py prof
	bg_start py threads python3 -c '
import os, threading, time
def worker():
    while True:
        os.sched_getparam(0)
        time.sleep(0.01)
threading.Thread(target=worker, daemon=True).start()
time.sleep(300)'
	poll_until 30 "$py" sh -c "[ \$(ls /proc/$py/task | wc -l) -ge 2 ]"
	bg_start prof prof "$SB_PROFILE" --backend="$1" --attach="$py" --duration=1 -m accept -o t.ini
	wait_exit "$prof" 30
	assert_same "$EXIT_STATUS" 0
	in_phase t.ini serving sched_getparam
	grep -qE "^  $py [^ ]*python3: 2 threads, 0 execs, serving, detached" prof.err
	untraced "$py"
}

@test "attach --backend=ptrace: every thread is recorded, not only the main one" {
	attach_threads ptrace
}

@test "attach --backend=ebpf: every thread is recorded, not only the main one" {
	need_ebpf
	attach_threads ebpf
}

@test "attach --backend=ptrace: SIGINT stops the recording; the sleeper runs on untraced" {
	local sl prof
	bg_start sl sleeper sleep 300
	bg_start prof prof "$SB_PROFILE" --backend=ptrace --attach="$sl" -m accept -o s.ini
	recording prof "$prof"
	kill -INT "$prof"
	wait_exit "$prof" 30
	assert_same "$EXIT_STATUS" 0
	grep -q "stopped recording pid $sl on SIGINT" prof.err
	has_section s.ini serving
	untraced "$sl"
	proc_alive "$sl"
}

# kill9 BACKEND - SIGKILL the profiler attached to redis under load: redis
# is not stopped, not traced, answers, and the load sees no error.
kill9() {
	skip_unless_program redis-server
	skip_unless_program redis-benchmark
	local port prof
	port=$(free_port)
	start_redis "$port"
	load "$port" bench
	bg_start prof prof "$SB_PROFILE" --backend="$1" --attach="$REDIS_PID" -m accept -o k.ini
	recording prof "$prof"
	sleep 0.5
	kill -KILL "$prof"
	wait_exit "$prof" 10 || true
	untraced "$REDIS_PID"
	assert_same "$(timeout 10 redis-cli -p "$port" ping)" PONG
	load_ok bench
	untraced "$REDIS_PID"
}

@test "attach --backend=ptrace: kill -9 of the profiler leaves redis untraced, running, answering" {
	kill9 ptrace
}

@test "attach --backend=ebpf: kill -9 of the profiler leaves redis untraced, running, answering" {
	need_ebpf
	kill9 ebpf
}

# merge_load BACKEND - learn a policy from a short run (PING only), attach
# to a native redis, run a load, stop with SIGINT and --merge; the merged
# policy then passes that load under sandbox-run.
merge_load() {
	skip_unless_program redis-server
	skip_unless_program redis-benchmark
	local port prof run
	port=$(free_port)
	mkdir -p learn
	bg_start prof learn "$SB_PROFILE" -q --phase-marker=accept -o r.ini -- redis-server --port "$port" \
		--bind 127.0.0.1 --daemonize no --dir "$PWD/learn" --save '' --appendonly no --logfile ''
	wait_redis "$port" 30 "$prof"
	assert_same "$(timeout 10 redis-cli -p "$port" ping)" PONG
	kill -TERM "$prof"
	wait_exit "$prof" 30
	has_section r.ini serving

	port=$(free_port)
	start_redis "$port"
	bg_start prof prof "$SB_PROFILE" --backend="$1" --attach="$REDIS_PID" --merge -o r.ini
	recording prof "$prof"
	load "$port" bench
	load_ok bench
	kill -INT "$prof"
	wait_exit "$prof" 30
	assert_same "$EXIT_STATUS" 0
	grep -q "stopped recording pid $REDIS_PID on SIGINT" prof.err
	untraced "$REDIS_PID"
	grep -q "attached to pid $REDIS_PID" r.ini
	in_phase r.ini serving epoll_wait

	port=$(free_port)
	mkdir -p enforced
	bg_start run run "$SB_RUN" --policy ./r.ini -- redis-server --port "$port" --bind 127.0.0.1 \
		--daemonize no --dir "$PWD/enforced" --save '' --appendonly no --logfile ''
	wait_redis "$port" 30 "$run"
	load "$port" enforced
	load_ok enforced
	assert_same "$(timeout 10 redis-cli -p "$port" ping)" PONG
}

@test "attach --backend=ptrace --merge: the merged policy passes the same load under sandbox-run" {
	merge_load ptrace
}

@test "attach --backend=ebpf --merge: the merged policy passes the same load under sandbox-run" {
	need_ebpf
	merge_load ebpf
}

@test "attach --backend=ptrace: a stopped process is refused (125) and left as it was" {
	local sl
	bg_start sl sleeper sleep 300
	kill -STOP "$sl"
	poll_until 10 "$sl" sh -c "grep -qE '^State:[[:space:]]+T' /proc/$sl/status"
	run -125 --separate-stderr bounded "$SB_PROFILE" --backend=ptrace --attach="$sl" -m accept -o st.ini
	grep -q "cannot record pid $sl: it is stopped" <<<"$stderr"
	[ ! -e st.ini ]
	grep -qE '^State:[[:space:]]+T' "/proc/$sl/status"
	grep -qx $'TracerPid:\t0' "/proc/$sl/status"
	kill -CONT "$sl"
	untraced "$sl"
}
