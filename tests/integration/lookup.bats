#!/usr/bin/env bats
# lookup.bats - sandbox-run finds a policy by name (sandbox-run(1), POLICY
# LOOKUP): $SANDBOX_POLICY_PATH in order, the first regular file wins,
# never the current directory; -v and the kill report name the file used;
# not found is 125 naming the directories tried.

bats_require_minimum_version 1.5.0

load run_helpers

setup_file() {
	sbr_init
	mkdir -p "$POL/one" "$POL/two"
	learn "$POL/two/rare.ini" --phase-marker=accept -- "$FIX/rare" common
	# the same program's policy in a directory earlier on the path, broken:
	# used (and refused) when it comes first
	printf '[sandbox]\nversion = 1\nbogus = 1\n' >"$POL/one/rare.ini"
}

setup() {
	sbr_init
}

teardown() {
	sbr_cleanup
}

@test "no --policy: the program's base name on SANDBOX_POLICY_PATH; -v names the file" {
	SANDBOX_POLICY_PATH=$POL/two run_sb -v -- "$FIX/rare" common
	[ "$status" -eq 0 ]
	assert_contains "$output" "done"
	assert_contains "$stderr" "sandbox-run: policy $POL/two/rare.ini"
}

@test "--policy NAME, with or without .ini, is looked up; the first entry that has it wins" {
	SANDBOX_POLICY_PATH=":$POL/none:$POL/two:$POL/one" run_sb -v --policy rare -- "$FIX/rare" common
	[ "$status" -eq 0 ]
	assert_contains "$stderr" "policy $POL/two/rare.ini"
	SANDBOX_POLICY_PATH="$POL/one:$POL/two" run_sb --policy rare.ini -- "$FIX/rare" common
	[ "$status" -eq 125 ]
	assert_contains "$stderr" "$POL/one/rare.ini:"
}

@test "a name is never looked up in the current directory; not found is 125 with the path tried" {
	cd "$POL/two"
	SANDBOX_POLICY_PATH=$POL/none run_sb --policy rare -- "$FIX/rare" common
	[ "$status" -eq 125 ]
	refute_contains "$output" "done"
	assert_contains "$stderr" "no policy rare.ini in $POL/none:/etc/sandbox/policies:"
	assert_contains "$stderr" "say --policy ./rare.ini"
	run_sb --policy ./rare.ini -- "$FIX/rare" common
	[ "$status" -eq 0 ]
	run_sb --check
	[ "$status" -eq 125 ]
	assert_contains "$stderr" "no policy given"
}

@test "the kill report names the policy file that was used" {
	SANDBOX_POLICY_PATH=$POL/two run_sb -- "$FIX/rare" getcwd
	[ "$status" -eq 159 ]
	assert_kill_report "$stderr" serving getcwd
	assert_contains "$stderr" "$POL/two/rare.ini"
}
