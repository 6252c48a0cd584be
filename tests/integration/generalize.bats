#!/usr/bin/env bats
# generalize.bats - policies that hold on paths the training never showed
# (issue 7): the harmless baseline and the families of equal power let a
# program trained on its common path survive a rare one, while a dangerous
# call it never made is still killed.
#
# rare (tests/fixtures/rare.c) is trained on `common` (openat, read, close
# in serving) and run on `rare` (sysinfo, getrusage, getpid, gettid,
# clock_nanosleep, open, pread64 in serving: none seen in training). The
# control runs the same path under the same policy without the baseline,
# or without the family lines, and must be killed: that is what makes the
# positive tests able to fail. Every command is bounded; no timing is
# asserted.
#
# Exit statuses: 159 = 128+SIGSYS (seccomp kill).

bats_require_minimum_version 1.5.0

load run_helpers

setup_file() {
	sbr_init
	[[ -x $FIX/rare ]] || { echo "missing $FIX/rare: build with 'make BUILD=... all'" >&2; return 1; }
	timeout -k 5 60 "$PROFILE" --phase-marker=accept -o "$POL/rare.ini" -- "$FIX/rare" common \
		>"$POL/rare.out" 2>"$POL/rare.err" </dev/null
	sed 's/^baseline = harmless$/baseline = none/' "$POL/rare.ini" >"$POL/rare-none.ini"
	# the same policy without the lines the families added
	grep -v '; family ' "$POL/rare.ini" >"$POL/rare-nofam.ini"
	sed 's/^default = kill$/default = log/' "$POL/rare.ini" >"$POL/rare-log.ini"
}

setup() {
	sbr_init
	[[ -s $POL/rare.ini ]] || { cat "$POL/rare.err" >&2; return 1; }
}

# serving_has FILE NAME - NAME is a key of [serving] in the policy FILE.
serving_has() {
	section_keys "$1" serving | grep -qx "$2"
}

@test "learned policy: baseline harmless, family lines named, the rare calls never seen" {
	grep -qx 'baseline = harmless' "$POL/rare.ini"
	grep -qx 'pread64 = allow ; family read' "$POL/rare.ini"
	grep -qx 'open = allow ; family open' "$POL/rare.ini"
	local c
	for c in sysinfo getrusage getpid gettid clock_nanosleep; do
		run ! serving_has "$POL/rare.ini" "$c"
	done
	serving_has "$POL/rare.ini" read
	serving_has "$POL/rare.ini" openat
	# no dangerous call was added: serving lists none of them
	for c in ptrace unshare execve process_vm_writev; do
		run ! serving_has "$POL/rare.ini" "$c"
	done
}

@test "profiler summary: per phase, the calls from families and from the baseline" {
	grep -E 'serving: [0-9]+ syscalls \([0-9]+ calls\), [1-9][0-9]* from families, [1-9][0-9]* calls from the baseline' "$POL/rare.err"
	grep -F 'dangerous calls allowed: init 1 (execve), serving 0' "$POL/rare.err"
}

@test "the rare path survives under the policy learned from the common path" {
	run_sb --policy "$POL/rare.ini" -- "$FIX/rare" rare
	[ "$status" -eq 0 ]
	local c
	for c in sysinfo getrusage getpid gettid clock_nanosleep kill tgkill open; do
		assert_contains "$output" "serving call=$c ret=0 errno=0"
	done
	assert_contains "$output" "serving call=pread64 ret=8 errno=0"
	assert_contains "$output" "done"
}

@test "a signal to another process is killed: the baseline's kill reaches the process itself only" {
	# natively the same call succeeds (signal 0 to the shell that started it)
	run timeout 30 "$FIX/rare" kill-parent
	[ "$status" -eq 0 ]
	assert_contains "$output" "serving call=kill ret=0 errno=0"
	run_sb --policy "$POL/rare.ini" -- "$FIX/rare" kill-parent
	[ "$status" -eq 159 ]
	assert_kill_report "$stderr" serving kill
	[[ $output != *"call=kill"* ]]
	run --separate-stderr "$RUN" --check -v --policy "$POL/rare.ini"
	assert_contains "$output" "serving: kill: to the process itself only (baseline)"
	assert_contains "$output" "serving: tgkill: to the process itself only (baseline)"
}

@test "control: without the baseline, the rare path is killed at its first unseen call" {
	run_sb --policy "$POL/rare-none.ini" -- "$FIX/rare" rare
	[ "$status" -eq 159 ]
	refute_contains "$output" "call=sysinfo"
	assert_kill_report "$stderr" serving sysinfo
}

@test "control: without the family lines, open (never seen) is killed" {
	run ! grep -q '; family ' "$POL/rare-nofam.ini"
	run_sb --policy "$POL/rare-nofam.ini" -- "$FIX/rare" rare
	[ "$status" -eq 159 ]
	assert_contains "$output" "serving call=clock_nanosleep ret=0 errno=0"
	refute_contains "$output" "call=open "
	assert_kill_report "$stderr" serving open
}

@test "a dangerous call never made is still killed: ptrace, unshare (default kill and log)" {
	local pol c
	for pol in rare rare-log; do
		for c in ptrace unshare; do
			run_sb --policy "$POL/$pol.ini" -- "$FIX/rare" "$c"
			[ "$status" -eq 159 ]
			assert_contains "$output" "serving call=read ret=8 errno=0"
			refute_contains "$output" "call=$c"
			assert_kill_report "$stderr" serving "$c"
		done
	done
}

@test "an ordinary call outside the baseline and the families is killed: getcwd" {
	run_sb --policy "$POL/rare.ini" -- "$FIX/rare" getcwd
	[ "$status" -eq 159 ]
	refute_contains "$output" "call=getcwd"
	assert_kill_report "$stderr" serving getcwd
}

@test "--check -v: the baseline and the calls it allows per phase, no dangerous call in serving" {
	run_sb --check -v --policy "$POL/rare.ini"
	[ "$status" -eq 0 ]
	assert_contains "$output" "valid, default kill, baseline harmless"
	grep -E '^init: [1-9][0-9]* calls from the baseline$' <<<"$output"
	grep -E '^serving: [1-9][0-9]* calls from the baseline$' <<<"$output"
	assert_contains "$output" "serving: 0 dangerous calls allowed"
	# what the baseline allows is not counted as listed
	run ! grep -E '^serving: [0-9]+ calls allowed: .*\bsysinfo\b' <<<"$output"
	run_sb --check -v --policy "$POL/rare-none.ini"
	[ "$status" -eq 0 ]
	assert_contains "$output" "serving: 0 calls from the baseline (baseline none)"
}

@test "a policy without the baseline key means none: the rare path is killed" {
	grep -v '^baseline = ' "$POL/rare.ini" >"$BATS_TEST_TMPDIR/old.ini"
	run_sb --policy "$BATS_TEST_TMPDIR/old.ini" -- "$FIX/rare" rare
	[ "$status" -eq 159 ]
	assert_kill_report "$stderr" serving sysinfo
}

@test "a bad baseline value is refused with file:line, nothing runs" {
	sed 's/^baseline = harmless$/baseline = everything/' "$POL/rare.ini" >"$BATS_TEST_TMPDIR/bad.ini"
	local line
	line=$(grep -n '^baseline = ' "$BATS_TEST_TMPDIR/bad.ini" | cut -d: -f1)
	run_sb --policy "$BATS_TEST_TMPDIR/bad.ini" -- "$FIX/rare" common
	[ "$status" -eq 125 ]
	assert_contains "$stderr" "bad.ini:$line: baseline must be harmless or none, not 'everything'"
	refute_contains "$output" "serving call="
}
