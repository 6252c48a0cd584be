#!/usr/bin/env bats
# killreport.bats - a seccomp kill of any process of the tree is reported,
# not only the root's: a process detached at its transition (sandbox-run
# got out of its way) that is killed afterwards still gets the report line
# "PROGRAM (pid N) killed by seccomp in phase serving: ...", in place and
# with --fork; a process that ends normally gets none.
#
# prefork's parent stays in init (traced); each worker transitions on its
# own and is detached. Which pid is worker 2 comes from -v, whose
# "serving from" lines name each worker at its transition, in order (the
# parent wakes worker 2 only once worker 1 was reaped). Every command is
# bounded by timeout; no timing is asserted.

bats_require_minimum_version 1.5.0

load run_helpers

setup_file() {
	sbr_init
	learn "$POL/prefork.ini" -m accept -- "$FIX/prefork" normal
	learn "$POL/int80.ini" -m accept -- "$FIX/int80" serving
}

setup() {
	sbr_init
	cd "$BATS_TEST_TMPDIR"
}

# run_kr ARGS...: sandbox-run ARGS, stdout and stderr apart, shown on failure
run_kr() {
	run --separate-stderr timeout -k 5 60 "$RUN" "$@"
	printf '# sandbox-run %s\n# status %s\n# stdout:\n%s\n# stderr:\n%s\n' "$*" "$status" "$output" "$stderr" >&2
}

# The pid of the Nth process whose transition -v reported.
nth_transition_pid() {
	grep 'serving from' <<<"$stderr" | sed -n "${1}p" | grep -oE 'pid [0-9]+' | head -n1 | cut -d' ' -f2
}

# worker 2 killed after its detach: one report, naming it
worker2_reported() {
	local w1 w2
	[ "$status" -eq 0 ]
	assert_contains "$output" "worker 2 status=signaled:SIGSYS"
	w1=$(nth_transition_pid 1)
	w2=$(nth_transition_pid 2)
	[[ -n $w1 && -n $w2 && $w1 != "$w2" ]]
	assert_contains "$stderr" "prefork (pid $w2) killed by seccomp in phase serving"
	assert_kill_report "$stderr" serving sched_getparam
	# worker 1 exited 0, the parent too: no report for them
	[ "$(grep -c 'killed by seccomp' <<<"$stderr")" -eq 1 ]
	refute_contains "$stderr" "(pid $w1) killed"
}

@test "in place: a worker killed in serving after its detach is reported with its pid" {
	run_kr -v --policy "$POL/prefork.ini" -- "$FIX/prefork" worker2-sched_getparam
	worker2_reported
}

@test "--fork: a worker killed in serving after its detach is reported with its pid" {
	run_kr -v --fork --policy "$POL/prefork.ini" -- "$FIX/prefork" worker2-sched_getparam
	worker2_reported
}

@test "workers that exit normally after their detach get no report (in place and --fork)" {
	local m
	for m in "" --fork; do
		run_kr -v $m --policy "$POL/prefork.ini" -- "$FIX/prefork" normal
		[ "$status" -eq 0 ]
		[ "$(grep -c 'serving from' <<<"$stderr")" -eq 2 ]
		refute_contains "$stderr" "killed by seccomp"
		refute_contains "$stderr" "may go unreported"
	done
}

@test "the root's own report is unchanged and said once (in place and --fork)" {
	local m pid
	for m in "" --fork; do
		run --separate-stderr timeout -k 5 60 sh -c 'echo $$; exec "$0" "$@"' \
			"$RUN" $m --policy "$POL/int80.ini" -- "$FIX/int80" serving
		echo "$stderr" >&2
		[ "$status" -eq 159 ]
		pid=$(head -n1 <<<"$output")
		if [[ -z $m ]]; then
			assert_contains "$stderr" "int80 (pid $pid) killed by seccomp in phase serving"
		fi
		assert_contains "$stderr" "killed by seccomp in phase serving"
		[ "$(grep -c 'killed by seccomp' <<<"$stderr")" -eq 1 ]
	done
}

@test "-q: no report for a worker either" {
	run_kr -q --policy "$POL/prefork.ini" -- "$FIX/prefork" worker2-sched_getparam
	[ "$status" -eq 0 ]
	assert_contains "$output" "worker 2 status=signaled:SIGSYS"
	refute_contains "$stderr" "killed by seccomp"
}
