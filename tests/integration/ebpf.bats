#!/usr/bin/env bats
# ebpf.bats - sandbox-profile --backend=ebpf against --backend=ptrace: on
# the deterministic fixtures and on ls and sqlite3, both backends write the
# same set per phase, the same argument conditions, the same transition
# rule and the same process tree (sandbox-profile(1), BACKENDS). Counts are not compared: where another
# thread runs on after the marker, ptrace's settle step counts its calls in
# init and the eBPF recorder in serving.
#
# The degraded build (no clang) is built and run here too.
# A test skips only where BPF cannot load here (not root, no BTF, a build
# without the backend outside CI); the reason is printed. In CI (CI=true) a
# build without the backend fails instead.

bats_require_minimum_version 1.5.0
load helpers

setup_file() {
	local why
	why=$("$SB_PROFILE" --backend=ebpf -q -o "$BATS_FILE_TMPDIR/probe.ini" -- /bin/true 2>&1 >/dev/null) ||
		printf '%s\n' "${why:-sandbox-profile --backend=ebpf failed}" >"$BATS_FILE_TMPDIR/no-ebpf"
}

setup() {
	require_file "$SB_PROFILE" "$SB_RUN" "$FIXTURES/twophase" "$FIXTURES/prefork" "$FIXTURES/rare" \
		"$FIXTURES/serving_only" "$FIXTURES/execer" "$FIXTURES/stdin_reader" "$FIXTURES/int80"
	cd "$BATS_TEST_TMPDIR" || return 1
	[[ $BATS_TEST_DESCRIPTION == "degraded build:"* ]] && return 0 # needs no BPF
	if [ -f "$BATS_FILE_TMPDIR/no-ebpf" ]; then
		local why
		why=$(cat "$BATS_FILE_TMPDIR/no-ebpf")
		if [[ ${CI:-} == true && $why == *"no eBPF backend"* ]]; then
			echo "CI builds the eBPF backend (scripts/install-deps): $why" >&2
			return 1
		fi
		skip "BPF cannot load: $why"
	fi
}

teardown() {
	teardown_bg
	if [ -z "${BATS_TEST_COMPLETED:-}" ]; then
		local f
		for f in "$BATS_TEST_TMPDIR"/*.err; do
			[ -f "$f" ] || continue
			echo "----- $f"
			head -n 40 "$f"
		done
	fi
}

# sets FILE - what a policy allows, as the programs say it: sandbox-run's
# transition line, per-phase lists, argument conditions ("PHASE: ARG =
# COND", the dangerous arguments closed) and effective filters, then the
# sets the run learned (phase_set: without what families added). With
# RACY="NAME..." (calls the workload itself makes or not, by a race), those
# names are left out and only the effective filters are compared, which
# the baseline makes the same either way.
sets() {
	local racy=${RACY:-} conds='|(init|serving): ([a-z0-9_]+\.[a-z]+ = |[0-9]+ dangerous arguments? closed)'
	local lines="^(transition:|(init|serving): [0-9]+ calls (allowed|effective)$conds)"
	[[ -z $racy ]] || lines="^(transition:|(init|serving): [0-9]+ calls effective$conds)"
	local out
	# ./: a bare name is looked up in the policy path (sandbox-run(1))
	out=$("$SB_RUN" --check -v --policy "./$1" 2>&1) || {
		printf 'sets: sandbox-run --check %s failed:\n%s\n' "$1" "$out" >&2
		return 1
	}
	grep -E "$lines" <<<"$out"
	echo "[init]"
	phase_set "$1" init | grep -vxF -e "${racy// /$'\n'}" -e '' || true
	echo "[serving]"
	phase_set "$1" serving | grep -vxF -e "${racy// /$'\n'}" -e '' || true
}

# tree ERRFILE - the summary's process tree and totals, pids and times
# masked (they differ from run to run).
tree() {
	sed -nE '/^sandbox-profile: processes:/p; /^  /p' "$1" |
		sed -E 's/^( *)[0-9]+ /\1PID /; s/tid [0-9]+/tid TID/; s/from [0-9.]+ ms/from T ms/'
}

# same NAME [<INPUT] -- ARGS... - profile ARGS with each backend (stdin from
# $input if set); both must exit alike and write the same sets and tree.
same() {
	local name=$1 be rc_p rc_e
	shift
	for be in ptrace ebpf; do
		bounded "$SB_PROFILE" --backend="$be" -o "$name-$be.ini" "$@" <"${input:-/dev/null}" \
			>"$name-$be.out" 2>"$name-$be.err" && rc=0 || rc=$?
		[ "$be" = ptrace ] && rc_p=$rc || rc_e=$rc
	done
	assert_same "$rc_p" "$rc_e"
	grep -q '^sandbox-profile: backend: ebpf' "$name-ebpf.err"
	# into files, not <(...): a failing sets must fail the test
	sets "$name-ptrace.ini" >"$name-ptrace.sets"
	sets "$name-ebpf.ini" >"$name-ebpf.sets"
	grep -q '^transition: ' "$name-ebpf.sets"
	diff -u "$name-ptrace.sets" "$name-ebpf.sets"
	diff -u <(tree "$name-ptrace.err") <(tree "$name-ebpf.err")
}

# RACY=futex below: a fixture's pthread_join waits in futex only if the
# thread has not exited yet, a race of the fixture's own that ptrace's
# slowness decides one way (see sets).

@test "ebpf = ptrace: twophase normal, --phase-marker=accept" {
	RACY=futex same tp -m accept -- "$FIXTURES/twophase" normal
	in_phase tp-ebpf.ini init sched_getparam
	not_in_phase tp-ebpf.ini init sysinfo
	in_phase tp-ebpf.ini serving sysinfo
}

@test "ebpf = ptrace: twophase normal, --phase-marker=auto (after listen, thread scope, in kernel)" {
	RACY=futex same tpa -m auto -- "$FIXTURES/twophase" normal
	assert_same "$(policy_key tpa-ebpf.ini transition)" accept
}

@test "ebpf = ptrace: twophase --wait=epoll and --wait=poll (the sleeping threads' calls in serving)" {
	RACY=futex same tpe -m epoll_wait -- "$FIXTURES/twophase" normal --wait=epoll
	RACY=futex same tpp -m auto -- "$FIXTURES/twophase" normal --wait=poll
	# TP sleeps in read on its pipe at the transition: serving holds it
	in_phase tpe-ebpf.ini serving read
}

@test "ebpf = ptrace: serving_only, the exact serving set" {
	same so -m accept -- "$FIXTURES/serving_only"
	assert_same "$(phase_set so-ebpf.ini serving | tr '\n' ' ')" "accept4 exit_group sysinfo write "
}

@test "ebpf = ptrace: prefork, each worker transitions on its own" {
	same pf -m accept -- "$FIXTURES/prefork"
	assert_same "$(grep -c '^sandbox-profile: transition: accept4' pf-ebpf.err)" 2
}

@test "ebpf = ptrace: rare common and rare" {
	same rc -m accept -- "$FIXTURES/rare" common
	same rr -m accept -- "$FIXTURES/rare" rare
}

@test "ebpf = ptrace: --marker-fd and --marker-after" {
	input=$BATS_TEST_TMPDIR/in
	printf 'a\nb\n' >"$input"
	same fd -m read --marker-fd=0 -- "$FIXTURES/stdin_reader"
	RACY=futex same af -m accept --marker-after=listen -- "$FIXTURES/twophase" normal
	assert_same "$(policy_key af-ebpf.ini transition_after)" listen
}

@test "ebpf = ptrace: execer, the exec followed in kernel, auto on stdin" {
	cp "$FIXTURES/stdin_reader" .
	input=$BATS_TEST_TMPDIR/in
	printf 'x\n' >"$input"
	same ex -m auto -- "$FIXTURES/execer" ./stdin_reader
	grep -qE '^  [0-9]+ \./stdin_reader: 1 thread, 2 execs, serving from' ex-ebpf.err
}

@test "ebpf = ptrace: int80, foreign-ABI calls counted apart and reported" {
	same i8 -m accept -- "$FIXTURES/int80" serving
	grep -q 'warning: 1 foreign-ABI' i8-ebpf.err
}

@test "ebpf = ptrace: ls -la /usr/share/doc" {
	same ls -- ls -la /usr/share/doc
}

@test "ebpf = ptrace: sqlite3 workload" {
	skip_unless_program sqlite3
	same sq -- sqlite3 :memory: \
		'create table t(a, b); insert into t values (1, 2), (3, 4); select sum(a) from t;'
	grep -qx 4 sq-ebpf.out
}

@test "ebpf: the backend line says which and why; -q says nothing; auto loads it" {
	run --separate-stderr bounded "$SB_PROFILE" --backend=auto -o a.ini -- /bin/true
	assert_same "$status" 0
	grep -qx 'sandbox-profile: backend: ebpf (auto: the BPF recorder loaded and attached)' <<<"$stderr"
	run --separate-stderr bounded "$SB_PROFILE" --backend=ebpf -q -o q.ini -- /bin/true
	assert_same "$status" 0
	assert_same "$stderr" ""
	run --separate-stderr bounded "$SB_PROFILE" --backend=bpf -o b.ini -- /bin/true
	assert_same "$status" 125
	grep -q -- "--backend: expected ptrace, ebpf or auto, got 'bpf'" <<<"$stderr"
}

@test "ebpf: a run reads no vmlinux BTF and maps no libbpf (the kernel relocates the program)" {
	skip_unless_program strace
	# every file the profiler opens, and its own libraries (LeakSanitizer,
	# in the make check build, cannot run under strace: it uses ptrace)
	run --separate-stderr bounded env ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}detect_leaks=0" \
		strace -qq -e trace=open,openat -o opens.log "$SB_PROFILE" --backend=ebpf -q -o v.ini -- /bin/true
	assert_same "$status" 0
	grep -qE '"\.v\.ini\.[A-Za-z0-9]{6}", O_RDWR' opens.log # not vacuous: it saw the policy written
	run ! grep -E '/sys/kernel/btf/|libbpf\.so|libelf\.so' opens.log
	in_phase v.ini init exit_group
}

@test "ebpf: exit statuses as with ptrace (3, 127, 128+N)" {
	run --separate-stderr bounded "$SB_PROFILE" --backend=ebpf -q -o s.ini -- sh -c 'exit 3'
	assert_same "$status" 3
	run -127 --separate-stderr bounded "$SB_PROFILE" --backend=ebpf -q -o s.ini -- no-such-program-$$
	assert_same "$status" 127
	run --separate-stderr bounded "$SB_PROFILE" --backend=ebpf -q -o s.ini -- sh -c 'kill -USR1 $$'
	assert_same "$status" $((128 + 10))
}

@test "ebpf: a full process table is counted, reported and fails the run (125)" {
	# 1100 processes: more than the recorder's 1024 records
	run --separate-stderr bounded "$SB_PROFILE" --backend=ebpf -q -o full.ini -- \
		sh -c 'i=0; while [ $i -lt 1100 ]; do /bin/true & i=$((i + 1)); done; wait'
	assert_same "$status" 125
	grep -qE '[0-9]+ processes or threads were not tracked .*the policy written misses their calls' <<<"$stderr"
	[ -f full.ini ]
}

@test "ebpf = ptrace: the run lasts until the daemon the program left behind is gone" {
	same dm -- sh -c 'sleep 0.3 & exit 0'
	grep -qE '^    [0-9]+ sleep: 1 thread, 1 exec, init, exit 0' dm-ebpf.err
	in_phase dm-ebpf.ini init clock_nanosleep || in_phase dm-ebpf.ini init nanosleep
}

@test "ebpf: signals go to the daemon once the program it forked from has exited" {
	env --default-signal=TERM "$SB_PROFILE" --backend=ebpf -q -o d.ini -- sh -c 'sleep 59.321 & exit 0' \
		>prof.out 2>prof.err </dev/null &
	local prof=$! sleeper= i
	BG_PIDS+=("$prof")
	for ((i = 0; i < 400; i++)); do
		sleeper=$(pgrep -f '^sleep 59[.]321$') && [ "$(proc_state "$sleeper")" = S ] && break
		sleeper=
		sleep 0.05
	done
	[ -n "$sleeper" ]
	BG_PIDS+=("$sleeper")
	proc_alive "$prof"
	kill -TERM "$prof"
	wait_exit "$prof" 30
	run ! proc_alive "$sleeper"
	in_phase d.ini init clock_nanosleep || in_phase d.ini init nanosleep
}

@test "degraded build: without clang the profiler has ptrace only, make says so, ebpf exits 125" {
	local src=$BATS_TEST_DIRNAME/../..
	# a make of its own, not a sub-make of `make check` (which prints the
	# line once, at the top level)
	run --separate-stderr env -u MAKELEVEL -u MAKEFLAGS -u MFLAGS make -s -C "$src" -j2 BUILD="$BATS_TEST_TMPDIR/nb" BPF_CLANG=no-such-clang \
		CFLAGS=-O0 "$BATS_TEST_TMPDIR/nb/sandbox-profile"
	assert_same "$status" 0
	assert_same "$(grep -c 'eBPF backend disabled' <<<"$output")" 1
	grep -q 'missing: no-such-clang with a bpf target): sandbox-profile has the ptrace backend only' <<<"$output"
	run -125 --separate-stderr bounded nb/sandbox-profile --backend=ebpf -o e.ini -- /bin/true
	grep -q -- '--backend=ebpf: this build has no eBPF backend' <<<"$stderr"
	[ ! -e e.ini ]
	run --separate-stderr bounded nb/sandbox-profile --backend=auto -o a.ini -- /bin/true
	assert_same "$status" 0
	grep -q '^sandbox-profile: backend: ptrace (auto: the eBPF backend is unavailable: this build' <<<"$stderr"
	in_phase a.ini init exit_group
}

@test "ebpf = ptrace: escape plain, sleeper, eintr, workers (the settle step's sleepers)" {
	require_file "$FIXTURES/escape"
	RACY=futex same ep -m accept -- "$FIXTURES/escape" plain
	RACY=futex same es -m accept -- "$FIXTURES/escape" sleeper
	RACY=futex same ee -m accept -- "$FIXTURES/escape" eintr
	RACY=futex same ew -m auto -- "$FIXTURES/escape" workers
}

@test "ebpf = ptrace: crossmem benign and uring, untraced_clone benign" {
	require_file "$FIXTURES/crossmem" "$FIXTURES/untraced_clone"
	same cb -m accept -- "$FIXTURES/crossmem" benign
	same cu -m accept -- "$FIXTURES/crossmem" uring
	# the child creates the file: each backend's run gets its own name
	RACY=futex same ub -m accept -- sh -c 'exec "$0" benign "$(mktemp -u ./uc.XXXXXX)"' "$FIXTURES/untraced_clone"
}

# init_conds FILE - the argument conditions of [init], as sandbox-run says them.
init_conds() {
	local out
	out=$("$SB_RUN" --check -v --policy "./$1" 2>&1) || {
		printf 'init_conds: sandbox-run --check %s failed:\n%s\n' "$1" "$out" >&2
		return 1
	}
	grep -E '^init: ([a-z0-9_]+\.[a-z]+ = |[0-9]+ dangerous arguments? closed)' <<<"$out"
}

@test "ebpf vs ptrace: an execve during the marker's settle step (escape markerexec)" {
	# ptrace holds the marker until the other thread sleeps; its execve
	# comes first and puts the process back in init. The eBPF backend has
	# no settle step: the process is serving from the marker on, so the new
	# program's calls are serving too. Same init set; serving a superset
	# (sandbox-profile(1), BACKENDS).
	require_file "$FIXTURES/escape"
	local be
	for be in ptrace ebpf; do
		bounded "$SB_PROFILE" -q --backend="$be" -m accept -o "mx-$be.ini" -- "$FIXTURES/escape" markerexec \
			>/dev/null 2>"mx-$be.err" </dev/null
	done
	diff -u <(phase_set mx-ptrace.ini init) <(phase_set mx-ebpf.ini init)
	init_conds mx-ptrace.ini >mx-ptrace.conds
	init_conds mx-ebpf.ini >mx-ebpf.conds
	grep -q '^init: [0-9]* dangerous arguments closed' mx-ebpf.conds
	diff -u mx-ptrace.conds mx-ebpf.conds
	assert_same "$(comm -23 <(phase_set mx-ptrace.ini serving) <(phase_set mx-ebpf.ini serving))" ""
	not_in_phase mx-ptrace.ini serving sched_getparam
	in_phase mx-ebpf.ini serving sched_getparam
}

@test "ebpf = ptrace: argescape plain, the same argument conditions (default and --args=exact)" {
	# The fixture makes each checked call in init and in serving (args.bats):
	# socket, socketpair, mprotect, clone and clone3 (a thread), ioctl,
	# prctl, personality, unshare. Both backends must write the same
	# conditions, and the `clone` line clone3 brings.
	require_file "$FIXTURES/argescape"
	RACY=futex same ag -m accept -- "$FIXTURES/argescape" plain
	# --args=exact denies CLONE_THREAD and CLONE_VM where never seen: only
	# clone3's flags, read from its struct clone_args, show them
	RACY=futex same agx --args=exact -m accept -- "$FIXTURES/argescape" plain
	# a dangerous value seen (TIOCSTI stays open), a family outside the list
	RACY=futex same agt -m accept -- "$FIXTURES/argescape" tiocsti
	RACY=futex same agn -m accept -- "$FIXTURES/argescape" netlink
	grep -qx 'serving: ioctl.request = not TIOCLINUX, TIOCCONS, TIOCSETD' agt-ebpf.sets
	grep -q '^serving: socket.domain = only .*AF_NETLINK' agn-ebpf.sets
	# not vacuous: the eBPF policy has the conditions at all
	local v
	v=$("$SB_RUN" --check -v --policy ./ag-ebpf.ini 2>&1)
	grep -qx 'serving: socket.domain = only AF_UNIX, AF_INET, AF_INET6' <<<"$v"
	grep -q '^serving: clone.flags = not ' <<<"$v"
	grep -q '^serving: [1-9][0-9]* dangerous arguments closed' <<<"$v"
	in_phase ag-ebpf.ini serving clone
	v=$("$SB_RUN" --check -v --policy ./agx-ebpf.ini 2>&1)
	grep '^serving: clone.flags = not ' <<<"$v" | grep -qv 'CLONE_THREAD'
}
