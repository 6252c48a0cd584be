#!/usr/bin/env bats
# edges.bats - the edges of both programs, tried as a careful user would:
#   - a program that cannot be started gives one status and one message in
#     every mode of sandbox-run (single-phase, two-phase, complain) and in
#     sandbox-profile (one spawn path, one exit map);
#   - a signal sent at start is never lost; one sent to the process group
#     (or by the terminal) reaches the program exactly once;
#   - an output that cannot be written, or a policy the writer would refuse,
#     is refused (125) before the program runs: a marker file shows it never
#     ran;
#   - concurrent --merge runs into one file lose no run.
# Every wait is bounded; no timing is asserted.

bats_require_minimum_version 1.5.0

load helpers

# Policies learned once. From `true`, which never writes: F1 then forbids
# write(2), which the child used to report a failed execve (killed: 159).
setup_file() {
	require_file "$SB_PROFILE" "$SB_RUN" "$FIXTURES/sigcount"
	local p=$BATS_FILE_TMPDIR
	bounded "$SB_PROFILE" -q -o "$p/true1.ini" -- true
	bounded "$SB_PROFILE" -q -m accept -o "$p/true2.ini" -- true
	bounded "$SB_PROFILE" -q -o "$p/sleep1.ini" -- sleep 0.01
	bounded "$SB_PROFILE" -q -m accept -o "$p/sleep2.ini" -- sleep 0.01
	bounded "$SB_PROFILE" -q -o "$p/sigcount1.ini" -- "$FIXTURES/sigcount" self >/dev/null
	bounded "$SB_PROFILE" -q -m accept -o "$p/sigcount2.ini" -- "$FIXTURES/sigcount" self >/dev/null
	# true's policies run other programs below (start failures): without the
	# binary key, sandbox-run says nothing about them being other binaries
	sed -i '/^binary = /d' "$p/true1.ini" "$p/true2.ini"
}

setup() {
	cd "$BATS_TEST_TMPDIR"
	POL=$BATS_FILE_TMPDIR
	MOUNTED=()
}

teardown() {
	teardown_bg
	local m
	for m in "${MOUNTED[@]}"; do
		umount "$m" 2>/dev/null || true
	done
}

# ---------------------------------------------------------------------------
# Exec failures: one status, one message, every mode, both programs

# expect_start_failure STATUS MESSAGE PROGRAM - in every mode the start of
# PROGRAM fails with STATUS and stderr is exactly "TOOL: MESSAGE"; the
# profiler writes no policy.
expect_start_failure() {
	local want=$1 msg=$2 prog=$3 mode tool
	local -a cmd
	for mode in single-phase two-phase complain profiler; do
		tool=sandbox-run
		case $mode in
		single-phase) cmd=("$SB_RUN" --policy "$POL/true1.ini" --) ;;
		two-phase) cmd=("$SB_RUN" --policy "$POL/true2.ini" --) ;;
		complain) cmd=("$SB_RUN" --mode=complain --policy "$POL/true1.ini" --) ;;
		profiler) cmd=("$SB_PROFILE" -q -o p.ini --) tool=sandbox-profile ;;
		esac
		echo "# $mode" >&2
		run -"$want" --separate-stderr bounded "${cmd[@]}" "$prog"
		if [ "$stderr" != "$tool: $msg" ]; then
			printf '%s: stderr is\n%s\nexpected\n%s\n' "$mode" "$stderr" "$tool: $msg" >&2
			return 1
		fi
	done
	[ ! -e p.ini ]
}

@test "start failure: ENOEXEC (garbage with +x) is 126 and one message in every mode" {
	# the precondition of the 159: F1 of these policies forbids write(2)
	not_in_phase "$POL/true1.ini" init write
	not_in_phase "$POL/true2.ini" init write
	printf '\001\002 not a program\n' >garbage
	chmod +x garbage
	expect_start_failure 126 "cannot execute ./garbage: Exec format error" ./garbage
}

@test "start failure: EACCES (no x bit; an interpreter without one) is 126 in every mode" {
	printf '#!/bin/sh\n' >nox
	chmod 644 nox
	expect_start_failure 126 "cannot execute ./nox: Permission denied" ./nox
	printf 'x\n' >interp
	chmod 644 interp
	printf '#!%s/interp\n' "$PWD" >script
	chmod +x script
	expect_start_failure 126 "cannot execute ./script: Permission denied" ./script
}

@test "start failure: ENOENT (no file; a missing interpreter) is 127 in every mode" {
	expect_start_failure 127 "cannot execute ./missing: No such file or directory" ./missing
	printf '#!/nonexistent/interpreter\n' >script
	chmod +x script
	expect_start_failure 127 "cannot execute ./script: No such file or directory" ./script
}

@test "start failure: an empty program name is not found (127), and said to be empty" {
	expect_start_failure 127 "cannot execute '': No such file or directory (empty program name)" ""
}

@test "start failure: a 4096-byte path is refused (126), never cut to the program it starts with" {
	local big
	big=$(printf '%*s' $((4096 - 10)) '' | tr ' ' /)/bin/trueX
	[ "${#big}" -eq 4096 ]
	# cut to 4095 bytes, it names /bin/true, which would exit 0
	[ -x "${big:0:4095}" ]
	local shown="${big:0:60}...${big: -60} (a name of 4096 bytes)"
	expect_start_failure 126 "cannot execute $shown: File name too long" "$big"
}

# ---------------------------------------------------------------------------
# Signals

# execed PID FILE - spin (bounded) until PID runs FILE, i.e. has exec'd it.
# execed PID FILE [FILE2] - PID runs FILE (or FILE2: sandbox-run in place
# may have become the program already). No fork: [[ -ef ]] compares the
# inodes /proc/PID/exe and FILE name.
execed() {
	local i
	for ((i = 0; i < 1000000; i++)); do
		[[ /proc/$1/exe -ef $2 || /proc/$1/exe -ef ${3:-/nonexistent} ]] && return 0
	done
	echo "$1 never ran $2" >&2
	return 1
}

# term_at_start CMD... - 40 runs of `CMD sleep 30`, each sent SIGTERM in
# the first milliseconds of CMD (at once after its execve, or 1-9 ms
# later); each must end with 143. A lost signal leaves the sleep running:
# wait_exit then fails after 10 s. The signal is sent only once CMD runs:
# before, it would hit the shell's child between fork and execve, which
# bash itself can lose (a plain `sleep 30 &` loses one in a few hundred
# runs under bats).
term_at_start() {
	local i pid
	for ((i = 0; i < 40; i++)); do
		"$@" sleep 30 </dev/null >/dev/null 2>err 3>&- &
		pid=$!
		BG_PIDS=("$pid")
		execed "$pid" "$1" "$(command -v sleep)"
		if ((i % 4)); then
			sleep "0.00$((i % 10))"
		fi
		kill -TERM "$pid"
		wait_exit "$pid" 10
		if [ "$EXIT_STATUS" -ne 143 ]; then
			echo "run $i of $*: exit $EXIT_STATUS" >&2
			cat err >&2
			return 1
		fi
	done
}

@test "signals: SIGTERM in the first milliseconds is never lost (single-phase, two-phase, profiler)" {
	term_at_start "$SB_RUN" --policy "$POL/sleep1.ini" --
	term_at_start "$SB_RUN" --policy "$POL/sleep2.ini" --
	term_at_start "$SB_PROFILE" -q -o t.ini --
}

# wait_line FILE TEXT - until FILE has a line TEXT (bounded: 20 s).
wait_line() {
	local i
	for ((i = 0; i < 400; i++)); do
		grep -qx -- "$2" "$1" 2>/dev/null && return 0
		sleep 0.05
	done
	echo "no line '$2' in $1 after 20 s" >&2
	return 1
}

# group_sigint CMD... - run `CMD sigcount` in a new session and process
# group (setsid). A helper of that group, not CMD's parent, sends SIGINT to
# the whole group, as `kill -INT -PGID` would; once the program got it,
# CMD's parent sends SIGTERM to CMD alone, which forwards it: the fixture
# then prints its count (a SIGINT that CMD forwarded would be counted: CMD
# handles its pending signals in order, SIGINT first). The helper lives on
# until then: CMD can only see that a sender was in its group while the
# sender exists (one already gone is forwarded to, as a lost signal is
# worse). The fixture's output is left in out.
group_sigint() {
	rm -f out out.err # a stale "ready" would start the helper too early
	OUT=$PWD/out bounded setsid bash -c '
		trap "" INT
		"$@" "$FIXTURES/sigcount" >"$OUT" 2>"$OUT.err" </dev/null 3>&- &
		pid=$!
		wait_line "$OUT" ready || exit 1
		(kill -INT 0 && wait_line "$OUT" "SIGINT [0-9]*") &
		wait_line "$OUT" "got SIGINT" || exit 1
		kill -TERM "$pid"
		wait "$pid" && wait
	' group "$@" 3>&-
}

@test "signals: a SIGINT sent to the process group reaches the program once (untraced and traced)" {
	export -f wait_line
	export FIXTURES
	local pol
	for pol in sigcount1 sigcount2; do
		run group_sigint "$SB_RUN" --policy "$POL/$pol.ini" --
		cat out.err >&2
		[ "$status" -eq 0 ]
		[ "$(tail -n1 out)" = "SIGINT 1" ] || { echo "$pol: $(tail -n1 out)" >&2; false; }
	done
	run group_sigint "$SB_PROFILE" -q -o g.ini --
	[ "$status" -eq 0 ]
	[ "$(tail -n1 out)" = "SIGINT 1" ]
}

@test "signals: ^C on a terminal reaches the program once" {
	command -v script >/dev/null || skip "script(1) is not installed"
	local pol
	for pol in sigcount1 sigcount2; do
		rm -f out pid
		# script(1) runs the command on a new pty; the ^C byte written to
		# its input makes the line discipline send SIGINT (SI_KERNEL) to
		# the pty's foreground group: sandbox-run and the program
		{
			wait_line out ready || exit 1
			printf '\003'
			wait_line out "got SIGINT" || exit 1
			kill -TERM "$(cat pid)" # from outside its group: forwarded
		} | bounded script -qfec "echo \$\$ >'$PWD/pid'; exec '$SB_RUN' --policy '$POL/$pol.ini' \
			-- '$FIXTURES/sigcount' >'$PWD/out' 2>'$PWD/out.err'" /dev/null >/dev/null 3>&-
		cat out.err >&2
		[ "$(tail -n1 out)" = "SIGINT 1" ] || { echo "$pol: $(tail -n1 out)" >&2; false; }
	done
}

# ---------------------------------------------------------------------------
# Outputs are checked before the program runs

# A program that leaves a marker when it runs (under any name).
make_marker_program() {
	printf '#!/bin/sh\ntouch "%s/ran"\n' "$PWD" >"$1"
	chmod +x "$1"
}

# refused TEXT CMD... - CMD exits 125 naming TEXT, and the program never ran.
refused() {
	local text=$1
	shift
	run -125 --separate-stderr bounded "$@"
	echo "stderr: $stderr" >&2
	grep -qF -- "$text" <<<"$stderr"
	grep -qF -- "nothing was run" <<<"$stderr"
	[ ! -e ran ]
}

@test "outputs: a directory, a missing directory, a file in place of a directory" {
	make_marker_program prog
	mkdir d
	refused "cannot write d: it is a directory" "$SB_PROFILE" -q -o d -- ./prog
	refused "directory $PWD/nodir does not exist" "$SB_PROFILE" -q -o "$PWD/nodir/x.ini" -- ./prog
	touch file
	refused "file/x.ini" "$SB_PROFILE" -q -o file/x.ini -- ./prog
	# the control: a writable output, the program runs
	run bounded "$SB_PROFILE" -q -o ok.ini -- ./prog
	[ "$status" -eq 0 ]
	[ -e ran ] && [ -s ok.ini ]
}

@test "outputs: a fifo is not replaced by a regular file" {
	make_marker_program prog
	mkfifo f
	refused "cannot write f: not a regular file" "$SB_PROFILE" -q -o f -- ./prog
	[ -p f ]
}

# mount_tmpfs DIR OPTIONS - a small tmpfs at DIR; skips where mounting is
# not allowed (not root, no CAP_SYS_ADMIN).
mount_tmpfs() {
	mkdir -p "$1"
	mount -t tmpfs -o "$2" tmpfs "$1" 2>/dev/null || skip "cannot mount a tmpfs here"
	MOUNTED+=("$1")
}

@test "outputs: a read-only or full file system is found before the run" {
	make_marker_program prog
	mount_tmpfs "$PWD/ro" ro,size=64k
	refused "cannot write ro/x.ini: Read-only file system" "$SB_PROFILE" -q -o ro/x.ini -- ./prog
	mount_tmpfs "$PWD/full" size=64k
	dd if=/dev/zero of=full/fill bs=4k 2>/dev/null || true
	refused "cannot write full/x.ini: No space left on device" "$SB_PROFILE" -q -o full/x.ini -- ./prog
	[ "$(ls -A full)" = fill ] # the probe was removed
}

@test "outputs: where the file system cannot reserve, the probe is synced" {
	# ext2 (no extents) has no fallocate(2): the probe falls back to fsync,
	# and the run goes on (strace follows the profiler only: its child is
	# the profiler's to trace)
	command -v mkfs.ext2 >/dev/null || skip "no mkfs.ext2 (e2fsprogs)"
	make_marker_program prog
	truncate -s 1M img
	mkfs.ext2 -q -F img >/dev/null 2>&1 || skip "mkfs.ext2 failed"
	mkdir -p e2
	mount -o loop img e2 2>/dev/null || skip "cannot loop-mount an image here"
	MOUNTED+=("$PWD/e2")
	# (LeakSanitizer cannot run under ptrace: off for this one run)
	ASAN_OPTIONS=${ASAN_OPTIONS:+$ASAN_OPTIONS:}detect_leaks=0 \
		run --separate-stderr bounded strace -qq -e trace=fallocate,fsync,unlink \
			-o trace.txt "$SB_PROFILE" -q -o e2/x.ini -- ./prog
	[ "$status" -eq 0 ]
	[ -f e2/x.ini ]
	# the probe: reservation refused, then synced, then removed
	grep -q 'fallocate(\([0-9]*\),.*EOPNOTSUPP' trace.txt
	local fd
	fd=$(sed -n 's/.*fallocate(\([0-9]*\),.*EOPNOTSUPP.*/\1/p' trace.txt | head -1)
	sed -n '/EOPNOTSUPP/,/unlink(.*check/p' trace.txt | grep -q "fsync($fd)"
}

@test "outputs: a policy the writer would refuse is refused before the run" {
	# a program name with a newline (a tab is kept), or with ' ;' (an
	# inline comment to inih)
	make_marker_program "$(printf 'a\nb')"
	refused "a control character other than tab" "$SB_PROFILE" -q -o x.ini -- "./$(printf 'a\nb')"
	make_marker_program 'a ;b'
	refused "a ';' after a blank" "$SB_PROFILE" -q -o x.ini -- './a ;b'
	# a path of 195 bytes: not even program=PATH fits a line
	local long=$PWD/$(printf '%*s' 200 '' | tr ' ' d)
	long=${long:0:190}/prog
	mkdir -p "${long%/prog}"
	make_marker_program "$long"
	[ "${#long}" -ge 195 ]
	refused "198 bytes" "$SB_PROFILE" -q -o x.ini -- "$long"
	# 15 capabilities
	make_marker_program prog
	refused "198 bytes" "$SB_PROFILE" -q -o x.ini \
		--capabilities=cap_chown,cap_dac_override,cap_dac_read_search,cap_fowner,cap_fsetid,cap_kill,cap_setgid,cap_setuid,cap_setpcap,cap_linux_immutable,cap_net_bind_service,cap_net_broadcast,cap_net_admin,cap_net_raw,cap_ipc_lock \
		-- ./prog
	[ ! -e x.ini ]
}

@test "outputs: a merge the target would refuse is refused before the run" {
	make_marker_program prog
	run bounded "$SB_PROFILE" -q --default=log -o m.ini -- true
	[ "$status" -eq 0 ]
	cp m.ini m.orig
	refused "cannot merge a run into m.ini" "$SB_PROFILE" -q --merge -o m.ini -- ./prog
	cmp m.ini m.orig
}

@test "outputs: sandbox-run --learn to a directory or a missing directory: 125, nothing run" {
	make_marker_program prog
	run bounded "$SB_PROFILE" -q -o p.ini -- ./prog
	[ "$status" -eq 0 ]
	rm ran
	mkdir d
	refused "--learn: cannot write d: it is a directory" \
		"$SB_RUN" --mode=complain --learn d --policy ./p.ini -- ./prog
	refused "--learn: cannot write $PWD/nodir/l.ini: directory $PWD/nodir does not exist" \
		"$SB_RUN" --mode=complain --learn "$PWD/nodir/l.ini" --policy ./p.ini -- ./prog
	# the control
	run bounded "$SB_RUN" -q --mode=complain --learn l.ini --policy ./p.ini -- ./prog
	[ "$status" -eq 0 ]
	[ -e ran ] && [ -s l.ini ]
}

# ---------------------------------------------------------------------------
# Concurrent merges

@test "merge: two overlapping --merge runs into one file keep both runs' calls" {
	mkfifo fa fb
	mkdir gone
	# each program waits on its fifo, then makes a call the other never makes
	"$SB_PROFILE" -q --merge -o m.ini -- sh -c 'read x <fa; mkdir made' \
		</dev/null >a.out 2>a.err 3>&- &
	local a=$!
	BG_PIDS+=("$a")
	"$SB_PROFILE" -q --merge -o m.ini -- sh -c 'read x <fb; rmdir gone' \
		</dev/null >b.out 2>b.err 3>&- &
	local b=$!
	BG_PIDS+=("$b")
	# both programs run, so both profilers have read m.ini (absent) already
	wait_child_sleeping "$a" sh 20 >/dev/null
	wait_child_sleeping "$b" sh 20 >/dev/null
	echo >fa
	echo >fb
	wait_exit "$a" 30
	[ "$EXIT_STATUS" -eq 0 ] || { cat a.err >&2; false; }
	wait_exit "$b" 30
	[ "$EXIT_STATUS" -eq 0 ] || { cat b.err >&2; false; }
	[ -d made ] && [ ! -e gone ]
	in_phase m.ini init mkdir
	in_phase m.ini init rmdir
	[ "$(grep -c '^; profiled:' m.ini)" -eq 2 ]
}
