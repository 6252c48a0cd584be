#!/usr/bin/env bats
# caphint.bats - capability hints (issue 7, item 4): a root-started program
# profiled without the capabilities it needs fails in its first second, and
# the profiler's summary names each dropped capability that explains a
# failure and the --capabilities= list that keeps them. The negative tests
# show a hint is never a guess: an ordinary error (ENOENT), a task that is
# no longer root, or a profiler that holds no capability to keep gives
# none.
#
# Fixture: tests/fixtures/rootd.c (chown, bind below 1024, setgroups,
# setgid, setuid). Needs root: a non-root profiler has nothing to keep.

bats_require_minimum_version 1.5.0

load run_helpers

PORT=1019 # below 1024; the fixture binds it without listening

setup() {
	sbr_init
	[[ $(id -u) -eq 0 ]] || skip "needs root: only a root profiler has capabilities to keep"
	[[ -x $FIX/rootd ]] || { echo "missing $FIX/rootd" >&2; return 1; }
	# a directory a task that is no longer root can search (bats's own
	# are root's, mode 700)
	SHARED=$(mktemp -d /tmp/sb-caphint.XXXXXX)
	chmod 755 "$SHARED"
	STATE=$SHARED/state
	touch "$STATE"
}

teardown() {
	[[ -z ${SHARED:-} ]] || rm -rf "$SHARED"
}

profile() {
	run --separate-stderr timeout -k 5 60 "$PROFILE" -o "$BATS_TEST_TMPDIR/p.ini" "$@"
	printf '# sandbox-profile %s\n# status %s\n# stdout:\n%s\n# stderr:\n%s\n' "$*" "$status" "$output" "$stderr" >&2
}

@test "root daemon without capabilities: each failure names its capability" {
	profile -- "$FIX/rootd" start "$STATE" $PORT
	[ "$status" -eq 1 ]
	assert_contains "$output" "chown: EPERM"
	assert_contains "$output" "bind: EACCES"
	assert_contains "$stderr" "hint: pid"
	assert_contains "$stderr" "got EPERM from chown (changing a file's owner): cap_chown was dropped"
	assert_contains "$stderr" "got EACCES from bind (binding a port below 1024): cap_net_bind_service was dropped"
	assert_contains "$stderr" "got EPERM from setgroups (setting the supplementary groups) and more: cap_setgid was dropped"
	assert_contains "$stderr" "got EPERM from setuid (switching to another user): cap_setuid was dropped"
	assert_contains "$stderr" "profile again with --capabilities='cap_chown, cap_setgid, cap_setuid, cap_net_bind_service'"
}

@test "profiled again with the hinted list: the daemon starts, no hint" {
	profile -q -- "$FIX/rootd" start "$STATE" $PORT
	local caps
	caps=$(timeout 60 "$PROFILE" -o "$BATS_TEST_TMPDIR/q.ini" -- "$FIX/rootd" start "$STATE" $PORT 2>&1 >/dev/null |
		sed -n "s/.*--capabilities='\(.*\)'$/\1/p")
	[ -n "$caps" ]
	profile --capabilities="$caps" -- "$FIX/rootd" start "$STATE" $PORT
	[ "$status" -eq 0 ]
	refute_contains "$stderr" "hint:"
	[ "$(stat -c %u "$STATE")" -eq 65534 ]
	grep -qx 'capabilities = cap_chown, cap_setgid, cap_setuid, cap_net_bind_service' "$BATS_TEST_TMPDIR/p.ini"
}

@test "a kept capability is not hinted again" {
	profile --capabilities=cap_chown,cap_net_bind_service -- "$FIX/rootd" start "$STATE" $PORT
	[ "$status" -eq 1 ]
	refute_contains "$stderr" "cap_chown was dropped"
	refute_contains "$stderr" "cap_net_bind_service was dropped"
	assert_contains "$stderr" "cap_setgid was dropped"
	assert_contains "$stderr" "profile again with --capabilities='cap_chown, cap_setgid, cap_setuid, cap_net_bind_service'"
}

@test "an ordinary failure (ENOENT) gives no hint" {
	profile -- "$FIX/rootd" missing "$BATS_TEST_TMPDIR/none"
	[ "$status" -eq 1 ]
	assert_contains "$output" "chown: ENOENT"
	refute_contains "$stderr" "hint:"
}

@test "a task that switched to another user gets no hint: no capability would help it" {
	profile --capabilities=cap_setuid,cap_setgid -- "$FIX/rootd" dropped "$STATE"
	[ "$status" -eq 1 ]
	assert_contains "$output" "setuid: 0"
	assert_contains "$output" "chown: EPERM"
	refute_contains "$stderr" "hint:"
}

@test "a capability the profiler does not hold is not hinted: it could not keep it" {
	command -v setpriv >/dev/null || skip "setpriv (util-linux) is missing"
	# root without CAP_CHOWN in its bounding set: its permitted set lacks it
	run --separate-stderr timeout -k 5 60 setpriv --bounding-set=-chown \
		"$PROFILE" -o "$BATS_TEST_TMPDIR/n.ini" -- "$FIX/rootd" start "$STATE" $PORT
	echo "# status $status; stdout: $output; stderr: $stderr" >&2
	[ "$status" -eq 1 ]
	assert_contains "$output" "chown: EPERM"
	refute_contains "$stderr" "cap_chown"
	assert_contains "$stderr" "cap_setuid was dropped"
	assert_contains "$stderr" "profile again with --capabilities='cap_setgid, cap_setuid, cap_net_bind_service'"
}
