#!/usr/bin/env bats
# inplace.bats - sandbox-run execs the program in place (issue 9 item 5).
#
# The program runs with the pid its caller started, in single-phase mode,
# in two-phase mode before its transition (traced) and after it
# (detached); what tracing there is comes from a keeper that is no child of
# the program and whose death during init kills it (PTRACE_O_EXITKILL).
# Kill reports, fail-closed starts and complain mode stay as under --fork.
# Every wait is bounded; no timing is asserted.

bats_require_minimum_version 1.5.0

load run_helpers

# Policies: sleep single-phase (sleep1), sleep two-phase staying in init
# (accept never comes: sleep-init), sleep two-phase serving once it sleeps
# (sleep-serving, marker clock_nanosleep), sh printing its pid (sh1, and
# sh2 whose transition is its write), int80 making its foreign call in
# serving.
setup_file() {
	sbr_init
	learn "$POL/sleep1.ini" -- sleep 0.01
	learn "$POL/sleep-init.ini" -m accept -- sleep 0.01
	learn "$POL/sleep-serving.ini" -m clock_nanosleep -- sleep 0.01
	learn "$POL/sh1.ini" -- sh -c 'echo $$'
	learn "$POL/sh2.ini" -m write -- sh -c 'echo $$'
	learn "$POL/int80.ini" -m accept -- "$FIX/int80" serving
	if [[ -x $PY ]]; then
		notify_learn "$POL/notify1.ini"
		notify_learn "$POL/notify2.ini" -m sendto
	fi
	grep -qx 'transition = clock_nanosleep' "$POL/sleep-serving.ini"
	grep -qx 'transition = write' "$POL/sh2.ini"
}

# sd_notify(3) as a service does it: one datagram to $NOTIFY_SOCKET. The
# receiver prints the pid in its credentials (SCM_CREDENTIALS), as systemd
# reads them for NotifyAccess=main.
PY=/usr/bin/python3
SEND='import os, socket
socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM).sendto(b"READY=1", os.environ["NOTIFY_SOCKET"])'
RECV='import socket, struct, sys
s = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
s.setsockopt(socket.SOL_SOCKET, socket.SO_PASSCRED, 1)
s.bind(sys.argv[1])
s.settimeout(30)
msg, anc, _, _ = s.recvmsg(64, socket.CMSG_SPACE(12))
for level, kind, data in anc:
    if level == socket.SOL_SOCKET and kind == socket.SCM_CREDENTIALS:
        print(struct.unpack("iii", data[:12])[0], msg.decode())'

# notify_receive SOCKET OUT - a receiver on SOCKET in the background (its
# line goes to OUT), bound once this returns (bounded: 10 s).
notify_receive() {
	rm -f "$1"
	"$PY" -c "$RECV" "$1" >"$2" 2>&1 </dev/null 3>&- &
	RECV_PID=$!
	local i
	for ((i = 0; i < 500; i++)); do
		[[ -S $1 ]] && return 0
		sleep 0.02
	done
	echo "no receiver on $1" >&2
	return 1
}

# notify_learn OUT [PROFILE-OPTIONS...] - learn the sender's policy.
notify_learn() {
	local out=$1
	shift
	notify_receive "$BATS_FILE_TMPDIR/learn.sock" "$out.recv"
	NOTIFY_SOCKET=$BATS_FILE_TMPDIR/learn.sock learn "$out" "$@" -- "$PY" -c "$SEND"
	wait "$RECV_PID"
}

setup() {
	sbr_init
	cd "$BATS_TEST_TMPDIR"
}

teardown() {
	sbr_cleanup
}

# execed PID FILE - PID runs FILE now (past its execve), bounded (10 s).
execed() {
	local i
	for ((i = 0; i < 500; i++)); do
		[[ /proc/$1/exe -ef $2 ]] && return 0
		sleep 0.02
	done
	echo "pid $1 never ran $2 (exe: $(readlink "/proc/$1/exe"))" >&2
	return 1
}

# tracer_of PID - print PID's TracerPid (0: not traced).
tracer_of() {
	awk '$1 == "TracerPid:" { print $2 }' "/proc/$1/status"
}

# wait_traced_by_nobody PID - the transition detached PID (bounded: 10 s).
wait_untraced() {
	local i
	for ((i = 0; i < 500; i++)); do
		[[ $(tracer_of "$1") == 0 ]] && return 0
		sleep 0.02
	done
	echo "pid $1 still traced by $(tracer_of "$1")" >&2
	return 1
}

# start_sleep POLICY - `sandbox-run --policy POLICY -- sleep 30` in the
# background; PID is $!, and must be sleep itself once it has exec'd.
start_sleep() {
	bg_start PID "$BATS_TEST_TMPDIR/run" "$RUN" --policy "$POL/$1.ini" -- sleep 30
	execed "$PID" /usr/bin/sleep
}

# children_of PID - every child of every thread of PID.
children_of() {
	cat /proc/"$1"/task/*/children 2>/dev/null
}

@test "pid: \$! of sandbox-run is the program once it exec'd (single phase, init, serving)" {
	local pol
	for pol in sleep1 sleep-init sleep-serving; do
		start_sleep "$pol"
		[ "$(cat /proc/"$PID"/comm)" = sleep ]
		[ -z "$(children_of "$PID")" ] || { echo "$pol: children $(children_of "$PID")" >&2; false; }
		kill -TERM "$PID"
		wait_exit "$PID" 10
		[ "$EXIT_STATUS" -eq 143 ]
	done
}

@test "pid: sh -c 'exec sandbox-run ... -- sh -c \"echo \$\$\"' prints the pid the outer shell had" {
	local pol out
	for pol in sh1 sh2; do
		out=$(timeout -k 5 30 sh -c 'echo $$; exec "$0" --policy "$1" -- sh -c "echo \$\$"' "$RUN" "$POL/$pol.ini")
		echo "$pol: $out" >&2
		[ "$(wc -l <<<"$out")" -eq 2 ]
		[ "$(sed -n 1p <<<"$out")" = "$(sed -n 2p <<<"$out")" ]
	done
}

@test "sd_notify: the datagram to \$NOTIFY_SOCKET carries the pid the caller started (one and two phases)" {
	[[ -x $PY ]] || skip "$PY is not installed"
	local pol out
	for pol in notify1 notify2; do
		notify_receive "$BATS_TEST_TMPDIR/n.sock" recv.out
		out=$(NOTIFY_SOCKET=$BATS_TEST_TMPDIR/n.sock timeout -k 5 30 \
			sh -c 'echo $$; exec "$0" --policy "$1" -- "$2" -c "$3"' "$RUN" "$POL/$pol.ini" "$PY" "$SEND")
		wait "$RECV_PID"
		echo "$pol: started $out, received $(cat recv.out)" >&2
		[ "$(cat recv.out)" = "$out READY=1" ]
	done
	grep -qx 'transition = sendto' "$POL/notify2.ini"
}

@test "keeper: the tracer of a program in init is not its child, nor of its threads" {
	local k
	start_sleep sleep-init
	k=$(tracer_of "$PID")
	[ "$k" -gt 0 ]
	[ "$k" != "$PID" ]
	if grep -qw "$k" <<<"$(children_of "$PID")"; then
		echo "the keeper $k is a child of the program $PID" >&2
		false
	fi
	[ "$(awk '$1 == "PPid:" { print $2 }' "/proc/$k/status")" != "$PID" ]
	# out of the program's session: a ^C or a kill of its group misses it
	[ "$(ps -o sid= -p "$k")" != "$(ps -o sid= -p "$PID")" ]
}

@test "keeper: no descriptor of the program's but stdout and stderr; stdin is /dev/null" {
	local k
	: >extra
	bg_start PID "$BATS_TEST_TMPDIR/run" "$RUN" --policy "$POL/sleep-init.ini" -- sleep 30 5<extra
	execed "$PID" /usr/bin/sleep
	k=$(tracer_of "$PID")
	[ "$k" -gt 0 ]
	[[ /proc/$PID/fd/5 -ef extra ]] # the program has it
	if ls -l "/proc/$k/fd" | grep -q "$BATS_TEST_TMPDIR/extra"; then
		ls -l "/proc/$k/fd" >&2
		false
	fi
	[[ /proc/$k/fd/0 -ef /dev/null ]]
	[[ /proc/$k/fd/2 -ef $BATS_TEST_TMPDIR/run.err ]]
}

# keeper_by_cmdline TEXT - the pid of the process whose command line holds
# TEXT (the keeper keeps sandbox-run's; the program's is its own), bounded.
keeper_by_cmdline() {
	local i p
	for ((i = 0; i < 500; i++)); do
		for p in /proc/[0-9]*; do
			if [[ $(tr '\0' ' ' 2>/dev/null <"$p/cmdline") == *"$1"* ]]; then
				printf '%s\n' "${p#/proc/}"
				return 0
			fi
		done
		sleep 0.02
	done
	return 1
}

@test "keeper: a program of the same uid cannot open the keeper's memory (traced and untraced)" {
	[[ $(id -u) == 0 ]] || skip "needs root to run the test as nobody"
	local d pol k
	d=$(mktemp -d /tmp/inplace.XXXXXX)
	chmod 755 "$d"
	for pol in sleep-init sleep1; do
		install -m 644 "$POL/$pol.ini" "$d/$pol.ini"
		bg_start PID "$BATS_TEST_TMPDIR/run" setpriv --reuid=65534 --regid=65534 --clear-groups \
			"$RUN" --policy "$d/$pol.ini" -- sleep 30
		execed "$PID" /usr/bin/sleep
		k=$(keeper_by_cmdline "--policy $d/$pol.ini -- sleep 30")
		[ "$(awk '$1 == "Uid:" { print $2 }' "/proc/$k/status")" = 65534 ] # the program's uid
		run setpriv --reuid=65534 --regid=65534 --clear-groups sh -c 'exec 3<>"/proc/$1/mem"' sh "$k"
		echo "$pol: keeper $k: $output" >&2
		[ "$status" -ne 0 ]
		kill -KILL "$PID"
		wait_exit "$PID" 10
	done
	rm -rf "$d"
}

@test "started with stdin closed: a failed start is still reported (the keeper's fds may be 0)" {
	local pol
	printf 'garbage' >garbage
	chmod +x garbage
	for pol in sleep1 sleep-init; do
		run --separate-stderr timeout -k 5 30 sh -c 'exec "$@" <&-' sh "$RUN" --policy "$POL/$pol.ini" -- ./garbage
		echo "$pol: $status: $stderr" >&2
		[ "$status" -eq 126 ]
		assert_contains "$stderr" "sandbox-run: cannot execute ./garbage: Exec format error"
	done
	run timeout -k 5 30 sh -c 'exec "$@" <&- >&- 2>&-' sh "$RUN" --policy "$POL/sleep-init.ini" -- sleep 0
	[ "$status" -eq 0 ]
}

@test "keeper: once serving, the program is detached and no process is its child" {
	start_sleep sleep-serving
	wait_untraced "$PID"
	[ -z "$(children_of "$PID")" ]
}

@test "signals: SIGKILL to the pid kills the program (single phase, init, serving)" {
	local pol
	for pol in sleep1 sleep-init sleep-serving; do
		start_sleep "$pol"
		[ "$pol" != sleep-serving ] || wait_untraced "$PID"
		kill -KILL "$PID"
		wait_exit "$PID" 10
		[ "$EXIT_STATUS" -eq 137 ] || { echo "$pol: $EXIT_STATUS" >&2; false; }
	done
}

# stopped PID - PID is in a group-stop: T, or t when its tracer keeps the
# stop with PTRACE_LISTEN (bounded: 10 s).
stopped() {
	local i s
	for ((i = 0; i < 500; i++)); do
		s=$(proc_state "$1")
		[[ $s == T || $s == t ]] && return 0
		sleep 0.02
	done
	echo "pid $1 is in state $s, not stopped" >&2
	return 1
}

@test "signals: SIGSTOP stops the program, SIGCONT resumes it (single phase, init, serving)" {
	local pol
	for pol in sleep1 sleep-init sleep-serving; do
		bg_start PID "$BATS_TEST_TMPDIR/run" "$RUN" --policy "$POL/$pol.ini" -- sleep 1
		execed "$PID" /usr/bin/sleep
		kill -STOP "$PID"
		stopped "$PID"
		# a stopped sleep does not end: past its second it is still there
		sleep 1.5
		stopped "$PID"
		kill -CONT "$PID"
		wait_exit "$PID" 10
		[ "$EXIT_STATUS" -eq 0 ] || { echo "$pol: $EXIT_STATUS" >&2; false; }
	done
}

@test "EXITKILL: the keeper killed with SIGKILL during init takes the program with it" {
	local k
	start_sleep sleep-init
	k=$(tracer_of "$PID")
	[ "$k" -gt 0 ]
	kill -KILL "$k"
	wait_exit "$PID" 10
	[ "$EXIT_STATUS" -eq 137 ]
}

@test "keeper: SIGTERM to every process (a service manager's stop) ends the program by SIGTERM" {
	local k
	start_sleep sleep-init
	k=$(tracer_of "$PID")
	[ "$k" -gt 0 ]
	kill -TERM "$k" "$PID"
	wait_exit "$PID" 10
	# not 137: the keeper did not die and take the program with it
	[ "$EXIT_STATUS" -eq 143 ]
	gone_within "$k" 10
}

@test "a seccomp kill in serving (detached): 159 to the caller and the kill report on stderr" {
	local pid
	# int80 makes a foreign-ABI call after its transition, which every
	# filter kills; the program was detached: the keeper only watches it
	run --separate-stderr timeout -k 5 60 sh -c 'echo $$; exec "$0" --policy "$1" -- "$2" serving' \
		"$RUN" "$POL/int80.ini" "$FIX/int80"
	echo "$stderr" >&2
	[ "$status" -eq 159 ]
	pid=$(head -n1 <<<"$output")
	assert_contains "$stderr" "int80 (pid $pid) killed by seccomp in phase serving"
}

@test "a seccomp kill in serving, unprivileged and no kernel log: the keeper still knows the status" {
	[[ $(cat /proc/sys/kernel/dmesg_restrict 2>/dev/null) == 1 ]] ||
		skip "kernel.dmesg_restrict is not 1: an unprivileged keeper could read the log"
	[[ $(id -u) == 0 ]] || skip "needs root to run the test as nobody"
	local d pid
	# a directory nobody can read (the test's own may be closed to it)
	d=$(mktemp -d /tmp/inplace.XXXXXX)
	chmod 755 "$d"
	install -m 644 "$POL/int80.ini" "$d/int80.ini"
	run --separate-stderr timeout -k 5 60 setpriv --reuid=65534 --regid=65534 --clear-groups \
		sh -c 'echo $$; exec "$0" --policy "$1" -- "$2" serving' "$RUN" "$d/int80.ini" "$FIX/int80"
	rm -rf "$d"
	echo "$stderr" >&2
	[ "$status" -eq 159 ]
	pid=$(head -n1 <<<"$output")
	# no record to name the call: the status alone says seccomp killed it
	assert_contains "$stderr" "int80 (pid $pid) killed by seccomp in phase serving; to find the syscall run"
}

@test "a seccomp kill in init, single phase: 159 and the report naming program and pid" {
	local out pid
	run --separate-stderr timeout -k 5 60 sh -c 'echo $$; exec "$0" --policy "$1" -- ls /' "$RUN" "$POL/sleep1.ini"
	echo "$stderr" >&2
	[ "$status" -eq 159 ]
	pid=$(head -n1 <<<"$output")
	assert_kill_report "$stderr" init statfs
	assert_contains "$stderr" "/usr/bin/ls (pid $pid) killed by seccomp"
}

@test "complain mode in place: the violation is reported, the program runs with the caller's pid" {
	run --separate-stderr timeout -k 5 60 sh -c 'echo $$; exec "$0" --mode=complain --policy "$1" -- sh -c "echo \$\$; ls / >/dev/null"' \
		"$RUN" "$POL/sh1.ini"
	echo "$stderr" >&2
	[ "$status" -eq 0 ]
	[ "$(sed -n 1p <<<"$output")" = "$(sed -n 2p <<<"$output")" ]
	assert_contains "$stderr" "complain: pid"
	assert_contains "$stderr" "in init would be denied"
}

@test "--fork keeps the supervisor: the program is a child of sandbox-run" {
	local c
	bg_start PID "$BATS_TEST_TMPDIR/run" "$RUN" --fork --policy "$POL/sleep-init.ini" -- sleep 30
	c=$(child_of "$PID" 10 sleep)
	[ "$(tracer_of "$c")" = "$PID" ]
	kill -TERM "$PID"
	wait_exit "$PID" 10
	[ "$EXIT_STATUS" -eq 143 ]
}
