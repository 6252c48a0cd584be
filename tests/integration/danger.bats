#!/usr/bin/env bats
# danger.bats - the argument rule for clone, the clone3 fallback and the
# dangerous tier, driven through the real programs.
#
# untraced_clone: a child made in init with clone(CLONE_UNTRACED) is never
# traced and would never get F2 (issue 11, escape 2). The policy is learned
# from the benign run (fork), then the attack run must never have a child:
# the child's first act is to create a file, so "no file" is the proof.
# crossmem: process_vm_writev and io_uring are dangerous calls; under
# `default = log` an unlisted one is killed, a listed one allowed.
# Every command is bounded; no timing is asserted.
#
# Exit statuses: 159 = 128+SIGSYS (seccomp kill).

bats_require_minimum_version 1.5.0

load run_helpers

setup_file() {
	sbr_init
	local f
	for f in "$FIX/untraced_clone" "$FIX/crossmem"; do
		[[ -x $f ]] || { echo "missing $f: build with 'make BUILD=... all'" >&2; return 1; }
	done
	# The benign run's child leaves its file too: learn, then remove it.
	# --args=off: these tests are about the clone3 stand-in and untraced
	# runs; a clone flags condition would make clone3 ENOSYS everywhere
	# (args.bats tests that)
	learn "$POL/uc.ini" --phase-marker=accept --args=off -- "$FIX/untraced_clone" benign "$POL/learn-child"
	rm -f "$POL/learn-child"
	sed 's/^default = kill$/default = errno EPERM/' "$POL/uc.ini" >"$POL/uc-eperm.ini"
	sed 's/^default = kill$/default = log/' "$POL/uc.ini" >"$POL/uc-log.ini"
	learn "$POL/uc-single.ini" --args=off -- "$FIX/untraced_clone" benign "$POL/learn-child"
	rm -f "$POL/learn-child"
	learn "$POL/cm.ini" --default=log --phase-marker=accept -- "$FIX/crossmem" benign
	# the same policy with one explicit line in [serving]
	awk '{ print } $0 == "[serving]" { print "process_vm_writev = allow" }' "$POL/cm.ini" >"$POL/cm-listed.ini"
}

setup() {
	sbr_init
	T=$BATS_TEST_TMPDIR
	CHILD=$T/child
}

# A child that did run is killed here, by the pid it wrote.
teardown() {
	if [[ -s $CHILD ]]; then
		kill -KILL "$(head -n1 "$CHILD")" 2>/dev/null || true
	fi
	sbr_cleanup
}

# run_prof ARGS...: sandbox-profile with its summary, bounded.
run_prof() {
	run --separate-stderr timeout -k 5 60 "$PROFILE" "$@"
	printf '# sandbox-profile %s\n# status %s\n# stderr:\n%s\n' "$*" "$status" "$stderr" >&2
}

# No child ran: its file is absent, and no process has it on its command line.
assert_no_child() {
	if [[ -e $CHILD ]]; then
		echo "a child ran: pid $(cat "$CHILD")" >&2
		return 1
	fi
	run ! pgrep -f -- "$CHILD"
}

# ---- 1. clone(CLONE_UNTRACED) in init ------------------------------------------

@test "untraced_clone attack without a sandbox: the CLONE_UNTRACED child runs (control)" {
	run timeout -k 5 30 "$FIX/untraced_clone" attack "$CHILD"
	[ "$status" -eq 0 ]
	assert_contains "$output" "init child=clone errno=0"
	[ -s "$CHILD" ]
	[ -n "$(proc_state "$(head -n1 "$CHILD")")" ]
}

@test "the learned policy lists clone in init and only clone3 in serving" {
	section_keys "$POL/uc.ini" init | grep -qx clone
	section_keys "$POL/uc.ini" init | grep -qx clone3
	section_keys "$POL/uc.ini" serving | grep -qx clone3
	[ -z "$(section_keys "$POL/uc.ini" serving | grep -x clone)" ]
}

@test "default kill: clone(CLONE_UNTRACED) in init kills the program; no child ever ran" {
	run_sb --policy "$POL/uc.ini" -- "$FIX/untraced_clone" attack "$CHILD"
	[ "$status" -eq 159 ]
	assert_contains "$output" "init thread ok"
	refute_contains "$output" "child pid="
	refute_contains "$output" "init child="
	assert_kill_report "$stderr" init clone
	assert_no_child
}

@test "default errno EPERM: clone(CLONE_UNTRACED) fails with EPERM, the program runs on" {
	run_sb --policy "$POL/uc-eperm.ini" -- "$FIX/untraced_clone" attack "$CHILD"
	[ "$status" -eq 0 ]
	assert_contains "$output" "init child=clone errno=EPERM"
	refute_contains "$output" "child pid="
	assert_contains "$output" "serving thread ok"
	assert_contains "$output" "done"
	assert_no_child
}

@test "default log: clone(CLONE_UNTRACED) is killed, not logged" {
	run_sb --policy "$POL/uc-log.ini" -- "$FIX/untraced_clone" attack "$CHILD"
	[ "$status" -eq 159 ]
	refute_contains "$output" "child pid="
	assert_no_child
}

@test "complain mode: clone(CLONE_UNTRACED) is still denied (the tracer must see every child)" {
	run_sb --mode=complain --policy "$POL/uc-eperm.ini" -- "$FIX/untraced_clone" attack "$CHILD"
	[ "$status" -eq 0 ]
	assert_contains "$output" "init child=clone errno=EPERM"
	assert_no_child
}

# ---- 2. fork and threads still work: clone3 -> ENOSYS -> clone ---------------

@test "benign under enforce: fork and threads work in both phases, clone3 answers ENOSYS" {
	run_sb --policy "$POL/uc.ini" -- "$FIX/untraced_clone" benign "$CHILD"
	[ "$status" -eq 0 ]
	assert_contains "$output" "init thread ok"
	assert_contains "$output" "init clone3 errno=ENOSYS"
	assert_contains "$output" "child pid="
	assert_contains "$output" "init child=fork errno=0"
	# serving lists only clone3: the thread was made by clone, through the fallback
	assert_contains "$output" "serving thread ok"
	assert_contains "$output" "serving clone3 errno=ENOSYS"
	assert_contains "$output" "done"
	refute_contains "$stderr" "killed by seccomp"
	[ -s "$CHILD" ]
}

@test "single phase, enforce (untraced): clone3 reaches the kernel" {
	run ! grep -q '^transition' "$POL/uc-single.ini"
	run_sb --policy "$POL/uc-single.ini" -- "$FIX/untraced_clone" benign "$CHILD"
	[ "$status" -eq 0 ]
	assert_contains "$output" "init clone3 errno=EINVAL"
	assert_contains "$output" "serving thread ok"
}

# ---- 3. the dangerous tier under default = log ---------------------------------

@test "default log: unlisted process_vm_writev in serving is killed; an unlisted ordinary call runs" {
	grep -qx 'default = log' "$POL/cm.ini"
	run_sb --policy "$POL/cm.ini" -- "$FIX/crossmem" attack
	[ "$status" -eq 159 ]
	assert_contains "$output" "serving sysinfo errno=0"
	refute_contains "$output" "process_vm_writev ret="
	assert_kill_report "$stderr" serving process_vm_writev
}

@test "default log: process_vm_writev listed in serving is allowed as listed" {
	run_sb --policy "$POL/cm-listed.ini" -- "$FIX/crossmem" attack
	[ "$status" -eq 0 ]
	assert_contains "$output" "serving process_vm_writev ret=7 buf=written"
	assert_contains "$output" "done"
}

@test "default log: unlisted io_uring_setup in init is killed" {
	run_sb --policy "$POL/cm.ini" -- "$FIX/crossmem" uring
	[ "$status" -eq 159 ]
	refute_contains "$output" "init io_uring_setup"
	assert_kill_report "$stderr" init io_uring_setup
}

# ---- 4. what the programs say ---------------------------------------------------

@test "profiler: warns about a dangerous call learned in serving, counts per phase" {
	run_prof --phase-marker=accept -o "$T/p.ini" -- "$FIX/crossmem" attack
	[ "$status" -eq 0 ]
	assert_contains "$stderr" "dangerous calls allowed: init 1 (execve), serving 1 (process_vm_writev)"
	assert_contains "$stderr" "warning: serving uses process_vm_writev, a dangerous call: "
	refute_contains "$stderr" "io_uring"
}

@test "profiler: io_uring_setup in init without io_uring_enter in serving has its own warning" {
	run_prof --phase-marker=accept -o "$T/p.ini" -- "$FIX/crossmem" uring
	[ "$status" -eq 0 ]
	assert_contains "$stderr" "init 2 (execve, io_uring_setup), serving 0"
	assert_contains "$stderr" "warning: io_uring_setup in init but io_uring_enter not in serving: a ring set up in init outlives the transition"
	run_prof --phase-marker=accept -o "$T/q.ini" -- "$FIX/crossmem" uring-serving
	[ "$status" -eq 0 ]
	assert_contains "$stderr" "warning: serving uses io_uring_enter, a dangerous call: "
	refute_contains "$stderr" "io_uring_enter not in serving"
}

@test "profiler: a benign run learns no dangerous call in serving and warns about none" {
	run_prof --phase-marker=accept -o "$T/p.ini" -- "$FIX/crossmem" benign
	[ "$status" -eq 0 ]
	assert_contains "$stderr" "serving 0;"
	refute_contains "$stderr" "warning:"
}

@test "--check -v: per phase, the calls allowed and the dangerous ones; quiet without -v" {
	run_sb --check -v --policy "$POL/cm-listed.ini"
	[ "$status" -eq 0 ]
	assert_contains "$output" "cm-listed.ini: valid, default log (dangerous calls: kill)"
	assert_contains "$output" "transition: accept"
	assert_contains "$output" "traced run: F1 denies clone with CLONE_UNTRACED and answers clone3 with ENOSYS"
	grep -E '^init: [0-9]+ calls allowed: .*\blisten\b' <<<"$output"
	grep -E '^serving: [0-9]+ calls allowed: .*\baccept4\b.*\bprocess_vm_writev\b' <<<"$output"
	assert_contains "$output" "serving: 1 dangerous call allowed:"
	assert_contains "$output" "  process_vm_writev: writes into another process's memory"
	run_sb --check -v --policy "$POL/cm.ini"
	assert_contains "$output" "serving: 0 dangerous calls allowed"
	run_sb --check --policy "$POL/cm-listed.ini"
	[ "$status" -eq 0 ]
	[ -z "$output" ]
}
