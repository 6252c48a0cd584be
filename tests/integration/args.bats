#!/usr/bin/env bats
# args.bats - argument conditions learned per phase (issue 8).
#
# tests/fixtures/argescape.c does the same ordinary work in init and in
# serving (an AF_INET socket, an AF_UNIX socketpair, read-write memory made
# read-only, a thread, a fork, ioctl FIONREAD, prctl PR_GET_NAME,
# personality(PER_LINUX), unshare(0)); a policy learned from that work
# allows every one of those calls by number in [serving]. Each escape mode
# then makes one of them with a dangerous argument while serving: it must
# be killed (159) by the argument condition. The same mode under a policy
# learned with --args=off shows that it is the condition that kills.
# Tests assert behaviour, never timings; every run is bounded.

bats_require_minimum_version 1.5.0

load run_helpers

# learn NAME [PROFILE-OPTIONS...]: NAME.ini from `argescape plain`.
learn() {
	local name=$1 st=0
	shift
	timeout -k 5 60 "$PROFILE" -q --phase-marker=accept "$@" -o "$POL/$name.ini" -- \
		"$FIX/argescape" plain >"$POL/$name.out" 2>"$POL/$name.err" </dev/null || st=$?
	if [[ $st -ne 0 || ! -s $POL/$name.ini ]]; then
		learn_failed "$name" "$st"
	fi
}

setup_file() {
	sbr_init
	learn plain
	learn exact --args=exact
	learn off --args=off
	return 0
}

setup() {
	sbr_init
	T=$BATS_TEST_TMPDIR
}

teardown() {
	sbr_cleanup
}

# arg [RUN-OPTIONS...] -- NAME MODE: sandbox-run argescape MODE under
# NAME.ini, bounded; stdout in $output, stderr in $ERR.
arg() {
	run_fixture argescape "$@"
}

# serving_line NAME LINE: LINE is in [serving] of NAME.ini.
serving_line() {
	sed -n '/^\[serving\]/,$p' "$POL/$1.ini" | grep -qxF "$2" || {
		echo "no '$2' in [serving] of $1.ini:" >&2
		cat "$POL/$1.ini" >&2
		return 1
	}
}

@test "learned: [serving] restricts only the dangerous part of each checked argument" {
	need_policy plain
	serving_line plain "mprotect.prot = not PROT_EXEC"
	serving_line plain "mmap.prot = not PROT_EXEC"
	serving_line plain "socket.domain = only AF_UNIX, AF_INET, AF_INET6"
	serving_line plain "socketpair.domain = only AF_UNIX"
	serving_line plain "ioctl.request = not TIOCSTI, TIOCLINUX, TIOCCONS, TIOCSETD"
	serving_line plain "personality.persona = not ADDR_NO_RANDOMIZE, READ_IMPLIES_EXEC"
	serving_line plain "clone.flags = not CLONE_NEWNS, CLONE_NEWCGROUP, CLONE_NEWUTS, CLONE_NEWIPC, CLONE_NEWUSER, CLONE_NEWPID, CLONE_NEWNET"
	# init loaded the program's libraries: executable mappings stay open there
	if sed -n '/^\[init\]/,/^\[serving\]/p' "$POL/plain.ini" | grep '^mmap.prot'; then
		return 1
	fi
}

@test "normal work passes; threads and fork use clone once clone3 answers ENOSYS" {
	need_policy plain
	arg -- plain plain
	[[ $status -eq 0 ]]
	assert_contains "$output" "clone3 ENOSYS"
	assert_contains "$output" "done"
	# natively clone3 runs (and refuses the NULL argument)
	run "$FIX/argescape" plain
	assert_contains "$output" "clone3 EINVAL"
}

@test "escapes: each dangerous argument is killed while serving" {
	need_policy plain
	local mode call
	for mode in mprotect-exec:mprotect mmap-exec:mmap netlink:socket packet:socket \
		clone-newuser:clone unshare-newuser:unshare tiocsti:ioctl personality:personality; do
		call=${mode#*:}
		mode=${mode%%:*}
		arg -- plain "$mode"
		[[ $status -eq 159 ]] || {
			echo "$mode: exit $status" >&2
			return 1
		}
		refute_contains "$output" "ESCAPE"
		assert_kill_report "$ERR" serving "$call"
	done
}

@test "control: without conditions (--args=off) the same calls go through" {
	need_policy off
	if grep '^[a-z_0-9]*\.[a-z]* =' "$POL/off.ini"; then
		return 1
	fi
	arg -- off mprotect-exec
	[[ $status -eq 0 ]]
	assert_contains "$output" "ESCAPE mprotect-exec returned 0"
	arg -- off clone-newuser
	assert_contains "$output" "ESCAPE clone-newuser returned"
}

@test "the kill report names the condition that denied the call" {
	need_policy plain
	arg -- plain mprotect-exec
	[[ $status -eq 159 ]]
	if grep -qF "killed by seccomp in phase serving: syscall " <<<"$ERR"; then
		assert_contains "$ERR" "syscall mprotect with an argument that [serving] denies (mprotect.prot = not PROT_EXEC)"
	fi
}

@test "complain mode names the argument; --learn writes the widened condition" {
	need_policy plain
	arg --mode=complain --learn="$T/learned.ini" -- plain netlink
	[[ $status -eq 0 ]]
	assert_contains "$ERR" "in serving would be denied socket with AF_NETLINK (socket.domain = only AF_UNIX, AF_INET, AF_INET6)"
	sed -n '/^\[serving\]/,$p' "$T/learned.ini" | grep -qxF "socket.domain = only AF_UNIX, AF_INET, AF_INET6, AF_NETLINK" || {
		cat "$T/learned.ini" >&2
		return 1
	}
	# AF_PACKET stays denied under the learned policy, AF_NETLINK is allowed
	run --separate-stderr timeout -k 5 60 "$RUN" --policy "$T/learned.ini" -- "$FIX/argescape" netlink </dev/null
	[[ $status -eq 0 ]]
	run --separate-stderr timeout -k 5 60 "$RUN" --policy "$T/learned.ini" -- "$FIX/argescape" packet </dev/null
	[[ $status -eq 159 ]]
}

@test "--args=exact: the values seen, and the normal work still passes" {
	need_policy exact
	serving_line exact "ioctl.request = only FIONREAD"
	serving_line exact "prctl.option = only PR_GET_NAME"
	arg -- exact plain
	[[ $status -eq 0 ]]
	assert_contains "$output" "done"
	arg -- exact tiocsti
	[[ $status -eq 159 ]]
}
