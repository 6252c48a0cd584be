#!/usr/bin/env bats
# restart.bats - the supervisor rule (sandbox-policy(5), SUPERVISORS): a
# process that started workers in init and serves itself may start them
# again while serving (a worker died, a reload). Trained without that
# path, it must survive it; what neither it nor its workers did in init,
# exec, and executable mappings stay killed.
#
# supervisor (tests/fixtures/supervisor.c) is trained on `normal` (two
# workers forked in init) and run on the respawn modes (a third worker
# forked while serving), with --restart=on. The control policy is learned
# without it (the default) and must be killed where the rule's policy is
# not: that is what lets the positive test fail. prefork's parent never
# serves: no rule. Every command is bounded; no timing is asserted.
#
# Exit statuses: 159 = 128+SIGSYS (seccomp kill).

bats_require_minimum_version 1.5.0

load run_helpers

setup_file() {
	sbr_init
	local f
	for f in supervisor prefork; do
		[[ -x $FIX/$f ]] || { echo "missing $FIX/$f: build with 'make BUILD=... all'" >&2; return 1; }
	done
	timeout -k 5 60 "$PROFILE" --restart=on --phase-marker=accept -o "$POL/sv.ini" -- \
		"$FIX/supervisor" normal >"$POL/sv.out" 2>"$POL/sv.err" </dev/null
	timeout -k 5 60 "$PROFILE" --phase-marker=accept -o "$POL/sv-off.ini" -- "$FIX/supervisor" normal \
		>/dev/null 2>"$POL/sv-off.err" </dev/null
	timeout -k 5 60 "$PROFILE" --restart=on --phase-marker=accept -o "$POL/pf.ini" -- \
		"$FIX/prefork" normal >/dev/null 2>"$POL/pf.err" </dev/null
}

setup() {
	sbr_init
	[[ -s $POL/sv.ini && -s $POL/sv-off.ini ]] || { cat "$POL/sv.err" "$POL/sv-off.err" >&2; return 1; }
}

# restart_lines FILE - the [serving] calls seen in init only: count 0 in
# serving, no family, a count in init (sandbox-policy calls).
restart_lines() {
	local init
	init=$("$SB_BUILD/sandbox-policy" calls "$1" init | awk -F'\t' '$3 > 0 { print $1 }')
	"$SB_BUILD/sandbox-policy" calls "$1" serving | awk -F'\t' '$3 == 0 && $4 == "-" { print $1 }' |
		grep -Fxf <(printf '%s\n' "$init") || true
}

@test "learned policy: the workers' start and the supervisor's are in serving, marked, exec is not" {
	local lines
	lines=$(restart_lines "$POL/sv.ini")
	# the workers' init call, and the supervisor's way of starting one
	for c in sched_getparam clone pipe2; do
		grep -qx "$c" <<<"$lines"
	done
	run ! grep -qx execve <<<"$lines"
	run section_keys "$POL/sv.ini" serving
	[ "$status" -eq 0 ]
	run ! grep -qx execve <<<"$output"
	grep -qx 'sched_getparam = allow ; seen in init' "$POL/sv.ini"
	# the summary says so
	grep -F 'supervisor rule: 1 supervisor started workers in init' "$POL/sv.err"
	# the control has none, and says how to get them
	[ -z "$(restart_lines "$POL/sv-off.ini")" ]
	run ! grep -F 'supervisor rule' "$POL/sv-off.err"
	grep -F 'hint: 1 supervisor started workers in init and then served' "$POL/sv-off.err"
	grep -F 'profile with --restart=on' "$POL/sv-off.err"
}

@test "the supervisor's executable mappings are not carried: serving keeps not PROT_EXEC" {
	# the loader mapped code in the supervisor's init; serving must not allow it
	run --separate-stderr "$RUN" --check -v --policy "$POL/sv.ini"
	[ "$status" -eq 0 ]
	assert_contains "$output" "serving: mmap.prot = not PROT_EXEC"
	assert_contains "$output" "serving: mprotect.prot = not PROT_EXEC"
}

@test "--merge into a baseline = none policy: the carried calls the baseline covers get lines too" {
	# the workers' init has getppid, a baseline member made in init only: the
	# merged policy keeps the target's baseline (none), so only a line lets
	# the restarted worker make it
	sed 's/^baseline = harmless$/baseline = none/' "$POL/sv-off.ini" >"$BATS_TEST_TMPDIR/none.ini"
	run --separate-stderr timeout -k 5 60 "$PROFILE" -q --restart=on --phase-marker=accept --merge \
		-o "$BATS_TEST_TMPDIR/none.ini" -- "$FIX/supervisor" normal
	[ "$status" -eq 0 ]
	grep -qx "baseline = none" "$BATS_TEST_TMPDIR/none.ini"
	grep -qx "getppid = allow ; seen in init" "$BATS_TEST_TMPDIR/none.ini"
	run_sb --policy "$BATS_TEST_TMPDIR/none.ini" -- "$FIX/supervisor" respawn
	[ "$status" -eq 0 ]
	assert_contains "$output" "worker 3 call=getppid ret="
	assert_contains "$output" "worker 3 call=sysinfo ret=0 errno=0"
	# control: without that line the new worker (born in serving) is killed
	# at getppid, while the two made in init passed it under F1
	sed '/^getppid = allow ; seen in init$/d' "$BATS_TEST_TMPDIR/none.ini" >"$BATS_TEST_TMPDIR/cut.ini"
	run_sb --policy "$BATS_TEST_TMPDIR/cut.ini" -- "$FIX/supervisor" respawn
	assert_contains "$output" "worker 1 call=getppid ret="
	assert_contains "$output" "worker 3 status=signaled:SIGSYS"
}

@test "a worker started while serving survives under the rule's policy" {
	run_sb --policy "$POL/sv.ini" -- "$FIX/supervisor" respawn
	[ "$status" -eq 0 ]
	assert_contains "$output" "worker 3 call=sched_getparam ret=0 errno=0"
	assert_contains "$output" "worker 3 call=sysinfo ret=0 errno=0"
	assert_contains "$output" "worker 3 status=exited:0"
	assert_contains "$output" "done"
	[[ $stderr != *"killed by seccomp"* ]] # a born worker that ends well: no report
}

@test "control: without --restart=on the supervisor is killed when it starts a worker while serving" {
	run_sb --policy "$POL/sv-off.ini" -- "$FIX/supervisor" respawn
	[ "$status" -eq 159 ]
	assert_kill_report "$stderr" serving pipe2
	[[ $output != *"worker 3"* ]]
}

@test "the normal path is unchanged under both policies" {
	local pol
	for pol in sv sv-off; do
		run_sb --policy "$POL/$pol.ini" -- "$FIX/supervisor" normal
		[ "$status" -eq 0 ]
		assert_contains "$output" "worker 2 status=exited:0"
	done
}

@test "a restarted worker is still killed for an executable mapping, an unseen call, an exec" {
	local m call
	for m in respawn-execmap:mprotect respawn-unseen:getcwd respawn-exec:execve; do
		call=${m#*:} m=${m%:*}
		run_sb --policy "$POL/sv.ini" -- "$FIX/supervisor" "$m"
		[ "$status" -eq 0 ] # the supervisor survives its worker
		assert_contains "$output" "worker 3 call=sysinfo ret=0 errno=0"
		assert_contains "$output" "worker 3 status=signaled:SIGSYS"
		assert_contains "$output" "done"
		# born while serving, never traced: reported from the kernel's
		# process events, with the call, once
		assert_kill_report "$stderr" serving "$call"
		[ "$(grep -c 'killed by seccomp' <<<"$stderr")" -eq 1 ]
	done
	# the same extra calls were not denied for some other reason: natively
	# they run (mprotect and getcwd return 0, the exec'd true exits 0)
	for m in respawn-execmap respawn-unseen respawn-exec; do
		run timeout 30 "$FIX/supervisor" "$m"
		[ "$status" -eq 0 ]
		assert_contains "$output" "worker 3 status=exited:0"
	done
}

@test "no rule where the parent never serves (prefork)" {
	[ -z "$(restart_lines "$POL/pf.ini")" ]
	run ! grep -F 'supervisor rule' "$POL/pf.err"
	run ! grep -F 'hint: ' "$POL/pf.err"
}

@test "--restart: a bad value is a usage error (125) naming the option" {
	run --separate-stderr "$PROFILE" --restart=maybe -o "$BATS_TEST_TMPDIR/x.ini" -- true
	[ "$status" -eq 125 ]
	assert_contains "$stderr" "--restart: expected on or off, got 'maybe'"
	[ ! -e "$BATS_TEST_TMPDIR/x.ini" ]
}

@test "the eBPF backend applies the same rule (same restart lines)" {
	local why
	why=$("$PROFILE" --backend=ebpf -q --restart=on --phase-marker=accept -o "$BATS_TEST_TMPDIR/e.ini" -- \
		"$FIX/supervisor" normal 2>&1 >/dev/null) || {
		[[ ${CI:-} != true ]] || { echo "CI builds the eBPF backend: $why" >&2; return 1; }
		skip "BPF cannot load: $why"
	}
	[ -n "$(restart_lines "$POL/sv.ini")" ]
	assert_same "$(restart_lines "$POL/sv.ini")" "$(restart_lines "$BATS_TEST_TMPDIR/e.ini")"
}
