#!/usr/bin/env bats
# policytool.bats - sandbox-policy(1): each subcommand on hand-written and
# shipped policies, its errors and its exit statuses (0 yes, 1 differ or
# missing, 2 usage, 125 bad policy). Nothing is run under a filter here;
# the exports are run for real in export.bats.

bats_require_minimum_version 1.5.0

load run_helpers

setup() {
	sbr_init
	TOOL=$SB_BUILD/sandbox-policy
	[[ -x $TOOL ]] || { echo "missing $TOOL: build with 'make BUILD=... all'" >&2; return 1; }
	T=$BATS_TEST_TMPDIR
	ROOT=$(cd "$BATS_TEST_DIRNAME/../.." && pwd)
	# A two-phase policy: read/write/close in both, socket in init only.
	cat >"$T/a.ini" <<-'INI'
		; a hand-written policy
		[sandbox]
		version = 1
		program = /bin/demo
		arch = x86_64
		default = kill
		baseline = none
		transition = accept
		[init]
		read = allow ; 3 calls
		write = allow ; 2 calls
		socket = allow ; 1 call
		[serving]
		read = allow ; 5 calls
		write = allow
		uname = allow ; 1 call
	INI
}

run_tool() {
	run --separate-stderr timeout -k 5 60 "$TOOL" "$@"
	printf '# sandbox-policy %s\n# status %s\n# stdout:\n%s\n# stderr:\n%s\n' "$*" "$status" "$output" "$stderr" >&2
}

@test "usage errors exit 2: no command, unknown command, unknown option, wrong operands" {
	run_tool
	[ "$status" -eq 2 ]
	run_tool frobnicate
	[ "$status" -eq 2 ]
	assert_contains "$stderr" "unknown command 'frobnicate'"
	run_tool show --bogus "$T/a.ini"
	[ "$status" -eq 2 ]
	assert_contains "$stderr" "--bogus"
	run_tool diff "$T/a.ini"
	[ "$status" -eq 2 ]
	run_tool --help
	[ "$status" -eq 0 ]
	assert_contains "$output" "missing LEARNED POLICY"
}

@test "check: a bad line is file:line and 125; a missing file is 125" {
	sed 's/^uname = allow ; 1 call$/uname = permit/' "$T/a.ini" >"$T/bad.ini"
	line=$(grep -n '^uname = permit' "$T/bad.ini" | cut -d: -f1)
	run_tool check "$T/bad.ini"
	[ "$status" -eq 125 ]
	assert_contains "$stderr" "$T/bad.ini:$line:"
	run_tool check "$T/nonexistent.ini"
	[ "$status" -eq 125 ]
	assert_contains "$stderr" "nonexistent.ini"
	run_tool check -q "$T/a.ini" "$T/bad.ini"
	[ "$status" -eq 125 ]
}

@test "check prints the report of sandbox-run --check -v, word for word" {
	local p
	for p in "$T/a.ini" "$ROOT"/policies/*.ini; do
		run_tool check "$p"
		[ "$status" -eq 0 ]
		assert_contains "$output" "dangerous call"
		"$RUN" --check -v --policy "$p" >"$T/want"
		assert_same "$output" "$(cat "$T/want")"
	done
	run_tool check -q "$T/a.ini"
	[ "$status" -eq 0 ]
	[ -z "$output" ]
}

@test "show: counts per phase and tier; --json parses and agrees with calls and --check -v" {
	require_programs jq
	run_tool show "$T/a.ini"
	[ "$status" -eq 0 ]
	assert_contains "$output" "two phases"
	[[ $output =~ init\ +3\ +3\ +0\ +0\ +0 ]]
	[[ $output =~ serving\ +3\ +2\ +0\ +0\ +0 ]]
	run_tool show --json "$ROOT/policies/redis-server.ini"
	[ "$status" -eq 0 ]
	printf '%s' "$output" | python3 -m json.tool >/dev/null
	json=$output
	for ph in init serving; do
		listed=$(jq -r ".phases.$ph.listed" <<<"$json")
		ncalls=$(jq -r ".phases.$ph.calls | length" <<<"$json")
		[ "$listed" -eq "$ncalls" ]
		[ "$listed" -eq "$("$TOOL" calls "$ROOT/policies/redis-server.ini" $ph | wc -l)" ]
		eff=$(jq -r ".phases.$ph.effective" <<<"$json")
		line=$("$RUN" --check -v --policy "$ROOT/policies/redis-server.ini" | grep "^$ph: [0-9]* calls effective")
		[[ $line == "$ph: $eff calls effective"* ]]
	done
	[ "$(jq -r .sandbox.transition <<<"$json")" = epoll_wait ]
	[ "$(jq -r .two_phase <<<"$json")" = true ]
}

@test "show --json: a program name that is not UTF-8 still gives valid JSON (U+FFFD for each bad byte)" {
	require_programs jq
	# café (UTF-8), two stray bytes, an encoded surrogate (not UTF-8 either)
	printf '[sandbox]\nversion = 1\nprogram = caf\xc3\xa9-\xff\xfe-\xed\xa0\x80-x\narch = x86_64\ndefault = kill\n\n[init]\nread = allow\n' \
		>"$T/u.ini"
	run_tool show --json "$T/u.ini"
	[ "$status" -eq 0 ]
	printf '%s' "$output" | python3 -m json.tool >/dev/null
	[ "$(jq -r .sandbox.program <<<"$output")" = "$(printf 'caf\xc3\xa9-\xef\xbf\xbd\xef\xbf\xbd-\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd-x')" ]
}

@test "calls and get: lines and [sandbox] values as written; get of an unset key is 1" {
	run_tool calls "$T/a.ini" serving
	[ "$status" -eq 0 ]
	assert_same "$output" "$(printf 'read\tallow\t5\t-\nuname\tallow\t1\t-\nwrite\tallow\t0\t-')"
	run_tool get "$T/a.ini" transition
	[ "$status" -eq 0 ]
	[ "$output" = accept ]
	run_tool get "$T/a.ini" transition_fd
	[ "$status" -eq 1 ]
	[ -z "$output" ]
	run_tool get "$T/a.ini" nosuchkey
	[ "$status" -eq 2 ]
	run_tool calls "$T/a.ini" sideways
	[ "$status" -eq 2 ]
}

@test "diff: 0 and nothing for the same meaning, 1 and each difference otherwise" {
	# other counts and comments: the same policy
	sed 's/; 3 calls/; 9 calls/; s/^; a hand-written policy$/; another comment/' "$T/a.ini" >"$T/b.ini"
	run_tool diff "$T/a.ini" "$T/b.ini"
	[ "$status" -eq 0 ]
	[ -z "$output" ]
	sed 's/^uname = allow ; 1 call$/uname = errno EPERM/; s/^socket = allow ; 1 call$//; s/^default = kill$/default = log/' \
		"$T/a.ini" >"$T/c.ini"
	echo "getpid = allow" >>"$T/c.ini"
	run_tool diff "$T/a.ini" "$T/c.ini"
	[ "$status" -eq 1 ]
	assert_same "$output" "$(printf '%s\n' '[sandbox] default: kill -> log' '- init socket' \
		'+ serving getpid' '~ serving uname: allow -> errno EPERM')"
}

@test "merge: union per phase with counts added; a single-phase run goes to [init]; conflicts are 125" {
	cat >"$T/run.ini" <<-'INI'
		[sandbox]
		version = 1
		program = /bin/demo
		arch = x86_64
		default = kill
		[init]
		read = allow ; 4 calls
		getpid = allow ; 1 call
	INI
	run_tool merge -o "$T/m.ini" "$T/a.ini" "$T/run.ini"
	[ "$status" -eq 0 ]
	[ "$("$TOOL" calls "$T/m.ini" init | grep '^read' | cut -f3)" = 7 ]
	"$TOOL" calls "$T/m.ini" init | grep -q '^getpid'
	[ -z "$("$TOOL" calls "$T/m.ini" serving | grep '^getpid')" ]
	run_tool roundtrip "$T/m.ini"
	[ "$status" -eq 0 ]
	sed 's/^read = allow ; 4 calls$/read = errno EPERM/' "$T/run.ini" >"$T/conflict.ini"
	run_tool merge "$T/a.ini" "$T/conflict.ini"
	[ "$status" -eq 125 ]
	assert_contains "$stderr" "read"
}

@test "union: one phase holding init and serving, no transition; it checks and says so" {
	run_tool union --comment="flattened for a test" -o "$T/u.ini" "$T/a.ini"
	[ "$status" -eq 0 ]
	"$RUN" --check --policy "$T/u.ini"
	run_tool get "$T/u.ini" transition
	[ "$status" -eq 1 ]
	assert_same "$("$TOOL" calls "$T/u.ini" init | cut -f1,3)" \
		"$(printf 'read\t8\nsocket\t1\nuname\t1\nwrite\t2')"
	[ -z "$("$TOOL" calls "$T/u.ini" serving)" ]
	grep -qx '; flattened for a test' "$T/u.ini"
}

@test "missing LEARNED POLICY: PHASE NAME lines and 1; nothing and 0 when covered" {
	sed 's/^uname = allow ; 1 call$/uname = allow\nfutex = allow/' "$T/a.ini" >"$T/learned.ini"
	echo "getpid = allow" >>"$T/learned.ini"
	run_tool missing "$T/learned.ini" "$T/a.ini"
	[ "$status" -eq 1 ]
	assert_same "$output" "$(printf 'serving futex\nserving getpid')"
	run_tool missing "$T/a.ini" "$T/learned.ini"
	[ "$status" -eq 0 ]
	[ -z "$output" ]
}

@test "names: what libseccomp names for x86_64, numbers 0-1023" {
	run_tool names
	[ "$status" -eq 0 ]
	want=$(python3 -c 'import ctypes
l = ctypes.CDLL("libseccomp.so.2")
l.seccomp_syscall_resolve_num_arch.restype = ctypes.c_char_p
for n in range(1024):
    s = l.seccomp_syscall_resolve_num_arch(0xC000003E, n)
    if s: print(s.decode())')
	assert_same "$output" "$want"
}

@test "set-header replaces the comments; roundtrip is 0 for the writer's layout, 1 otherwise" {
	printf 'first line\nsecond line\n' >"$T/hdr"
	run_tool set-header -o "$T/h.ini" "$T/a.ini" "$T/hdr"
	[ "$status" -eq 0 ]
	grep -qx '; second line' "$T/h.ini"
	run ! grep -q 'hand-written' "$T/h.ini"
	run_tool roundtrip "$T/h.ini"
	[ "$status" -eq 0 ]
	run_tool roundtrip "$T/a.ini"
	[ "$status" -eq 1 ]
	printf '%0200d\n' 0 >"$T/long"
	run_tool set-header "$T/a.ini" "$T/long"
	[ "$status" -eq 125 ]
	assert_contains "$stderr" "longer than"
}

@test "export: union formats say so; what a format cannot say is refused (125)" {
	require_programs jq
	run_tool export --format=oci "$T/a.ini"
	[ "$status" -eq 0 ]
	[ "$(jq -r .defaultAction <<<"$output")" = SCMP_ACT_KILL_PROCESS ]
	jq -r '.syscalls[0].names[]' <<<"$output" | grep -qx uname
	assert_contains "$(jq -r .comment <<<"$output")" "union of init and serving"
	run_tool export --format=systemd "$T/a.ini"
	[ "$status" -eq 0 ]
	assert_contains "$output" "SystemCallArchitectures=native"
	assert_contains "$output" "union of init and serving"
	grep -E '^SystemCallFilter=' <<<"$output" | tr ' =' '\n\n' | grep -qx socket
	run_tool export --format=minijail "$T/a.ini"
	[ "$status" -eq 0 ]
	grep -qx 'uname: 1' <<<"$output"
	sed 's/^default = kill$/default = errno EPERM/' "$T/a.ini" >"$T/eperm.ini"
	run_tool export --format=minijail "$T/eperm.ini"
	[ "$status" -eq 125 ]
	assert_contains "$stderr" "default action"
	run_tool export --format=systemd "$T/eperm.ini"
	[ "$status" -eq 0 ]
	assert_contains "$output" "SystemCallErrorNumber=EPERM"
	run_tool export --format=xml "$T/a.ini"
	[ "$status" -eq 2 ]
}

# The issue's target: the grammar appears once, in lib/ (policy_ini.c). No
# script carries a reader of its own any more: no polutil, no awk or
# Python loop over "[section]" lines, in the scripts, the evaluation or the
# test helpers.
@test "no second policy parser in the tree" {
	cd "$ROOT"
	[ ! -e policies/polutil ]
	run grep -rlE 'polutil|section_entries|/\^\\\[/|startswith\("\["\)' \
		policies/lib.sh policies/train-* eval scripts tests/integration/*.bash tests/integration/lib
	[ "$status" -eq 1 ]
	[ -z "$output" ]
}

# c.ini: conditions in both phases. serving admits AF_NETLINK, so F1 (init
# ∪ serving) does too: init's "only AF_INET" does not close it in init.
write_conds() {
	cat >"$T/c.ini" <<-'INI'
		[sandbox]
		version = 1
		program = /bin/demo
		arch = x86_64
		default = kill
		transition = accept
		[init]
		mprotect = allow
		mprotect.prot = not PROT_EXEC
		read = allow
		socket = allow
		socket.domain = only AF_INET
		[serving]
		ioctl = allow
		ioctl.request = not TIOCSTI
		mprotect = allow
		mprotect.prot = not PROT_EXEC
		read = allow
		socket = allow
		socket.domain = only AF_INET, AF_NETLINK
	INI
}

@test "conditions: check lists them per phase and the dangerous arguments the filters close" {
	write_conds
	run_tool check "$T/c.ini"
	[ "$status" -eq 0 ]
	grep -qx 'init: mprotect.prot = not PROT_EXEC' <<<"$output"
	grep -qx 'init: socket.domain = only AF_INET' <<<"$output"
	grep -qx 'serving: socket.domain = only AF_INET, AF_NETLINK' <<<"$output"
	grep -qx 'serving: ioctl.request = not TIOCSTI' <<<"$output"
	grep -qx 'init: 2 dangerous arguments closed: PROT_EXEC (mprotect), AF_PACKET (socket)' <<<"$output"
	grep -qx 'serving: 3 dangerous arguments closed: PROT_EXEC (mprotect), AF_PACKET (socket), TIOCSTI (ioctl)' <<<"$output"
	"$RUN" --check -v --policy "$T/c.ini" >"$T/want"
	assert_same "$output" "$(cat "$T/want")"
	# a policy without conditions closes none
	run_tool check "$T/a.ini"
	grep -qx 'serving: 0 dangerous arguments closed' <<<"$output"
	run grep -E '^(init|serving): [a-z_0-9]+\.[a-z]+ = ' <<<"$output"
	[ "$status" -eq 1 ]
}

@test "conditions: show counts them; --json has each phase's conditions and the arguments closed" {
	require_programs jq
	write_conds
	run_tool show "$T/c.ini"
	[ "$status" -eq 0 ]
	assert_contains "$output" "conditions  closed"
	[[ $output =~ init(\ +[0-9]+){6}\ +2\ +2 ]]
	[[ $output =~ serving(\ +[0-9]+){6}\ +3\ +3 ]]
	run_tool show --json "$T/c.ini"
	[ "$status" -eq 0 ]
	json=$output
	[ "$(jq -r '.phases.serving.conditions["socket.domain"]' <<<"$json")" = "only AF_INET, AF_NETLINK" ]
	[ "$(jq -r '.phases.init.conditions | keys | join(",")' <<<"$json")" = "mprotect.prot,socket.domain" ]
	[ "$(jq -r '[.phases.init.args_closed[].value] | join(",")' <<<"$json")" = "PROT_EXEC,AF_PACKET" ]
	[ "$(jq -r '[.phases.serving.args_closed[] | .call + ":" + .value] | join(",")' <<<"$json")" = \
		"mprotect:PROT_EXEC,socket:AF_PACKET,ioctl:TIOCSTI" ]
	[ "$(jq -r '.phases.serving.args_closed[0].arg' <<<"$json")" = "mprotect.prot" ]
}

@test "conditions: diff sees a changed one (1), not a reordered one (0)" {
	write_conds
	sed 's/^socket.domain = only AF_INET, AF_NETLINK$/socket.domain = only AF_NETLINK, AF_INET/' "$T/c.ini" >"$T/same.ini"
	run_tool diff "$T/c.ini" "$T/same.ini"
	[ "$status" -eq 0 ]
	[ -z "$output" ]
	# serving: another ioctl condition, and mprotect's dropped (any protection)
	sed 's/^ioctl.request = not TIOCSTI$/ioctl.request = not TIOCSTI, TIOCLINUX/' "$T/c.ini" |
		awk '/^\[serving\]/ { s = 1 } !(s && /^mprotect.prot/)' >"$T/d.ini"
	run_tool diff "$T/c.ini" "$T/d.ini"
	[ "$status" -eq 1 ]
	assert_same "$output" "$(printf '%s\n' '~ serving ioctl.request: not TIOCSTI -> not TIOCSTI, TIOCLINUX' \
		'~ serving mprotect.prot: not PROT_EXEC -> any')"
}

@test "conditions: missing names a learned condition wider than the policy's, with what it would need" {
	write_conds
	# learned in complain mode: serving saw AF_PACKET and an executable mprotect
	sed 's/^socket.domain = only AF_INET, AF_NETLINK$/socket.domain = only AF_INET, AF_PACKET/' "$T/c.ini" |
		awk '/^\[serving\]/ { s = 1 } !(s && /^mprotect.prot/)' >"$T/learned.ini"
	run_tool missing "$T/learned.ini" "$T/c.ini"
	[ "$status" -eq 1 ]
	assert_same "$output" "$(printf '%s\n' 'serving mprotect mprotect.prot: not PROT_EXEC -> any' \
		'serving socket socket.domain: only AF_INET, AF_NETLINK -> only AF_INET, AF_NETLINK, AF_PACKET')"
	# the policy covers a narrower learned file
	run_tool missing "$T/c.ini" "$T/learned.ini"
	[ "$status" -eq 1 ]
	assert_same "$output" "serving socket socket.domain: only AF_INET, AF_PACKET -> only AF_INET, AF_NETLINK, AF_PACKET"
	sed 's/^socket.domain = only AF_INET, AF_NETLINK$/socket.domain = only AF_INET/' "$T/c.ini" >"$T/narrow.ini"
	run_tool missing "$T/narrow.ini" "$T/c.ini"
	[ "$status" -eq 0 ]
	[ -z "$output" ]
}

@test "conditions: merge unites them per phase, union moves serving's into [init]" {
	write_conds
	cat >"$T/run.ini" <<-'INI'
		[sandbox]
		version = 1
		program = /bin/demo
		arch = x86_64
		default = kill
		[init]
		socket = allow ; 1 call
		socket.domain = only AF_UNIX
		mprotect = allow ; 1 call
	INI
	run_tool merge -o "$T/m.ini" "$T/c.ini" "$T/run.ini"
	[ "$status" -eq 0 ]
	sed -n '/^\[init\]/,/^\[serving\]/p' "$T/m.ini" | grep -qx 'socket.domain = only AF_UNIX, AF_INET'
	# the run's mprotect had no condition: the merge has none in [init]
	run grep -c '^mprotect.prot = not PROT_EXEC$' "$T/m.ini"
	[ "$output" = 1 ]
	run_tool union -o "$T/u.ini" "$T/c.ini"
	[ "$status" -eq 0 ]
	grep -qx 'socket.domain = only AF_INET, AF_NETLINK' "$T/u.ini"
	grep -qx 'ioctl.request = not TIOCSTI' "$T/u.ini"
	grep -qx 'mprotect.prot = not PROT_EXEC' "$T/u.ini"
	run_tool check "$T/u.ini"
	grep -qx 'init: 3 dangerous arguments closed: PROT_EXEC (mprotect), AF_PACKET (socket), TIOCSTI (ioctl)' <<<"$output"
}

@test "conditions in exports: minijail expressions, systemd refuses them unless --drop-conditions" {
	require_programs jq
	write_conds
	run_tool export --format=minijail "$T/c.ini"
	[ "$status" -eq 0 ]
	grep -qx 'mprotect: arg2 in ~0x4' <<<"$output"
	grep -qx 'socket: arg0 == 0x2 || arg0 == 0x10' <<<"$output"
	grep -qx 'ioctl: arg1 <= 0x5411 || arg1 >= 0x5413 && arg1 <= 0xffffffff' <<<"$output"
	run grep -E '^(mprotect|socket|ioctl): 1$' <<<"$output"
	[ "$status" -eq 1 ]
	run_tool export --format=systemd "$T/c.ini"
	[ "$status" -eq 125 ]
	assert_contains "$stderr" "cannot express 'mprotect.prot = not PROT_EXEC'"
	assert_contains "$stderr" "--drop-conditions"
	[ -z "$output" ]
	run_tool export --format=systemd --drop-conditions "$T/c.ini"
	[ "$status" -eq 0 ]
	grep -qx '#   ioctl.request = not TIOCSTI' <<<"$output"
	assert_contains "$output" "NOT enforced here"
	grep -E '^SystemCallFilter=' <<<"$output" | tr ' =' '\n\n' | grep -qx mprotect
	run_tool export --format=oci --drop-conditions "$T/c.ini"
	[ "$status" -eq 2 ]
	run_tool export --format=oci "$T/c.ini"
	[ "$status" -eq 0 ]
	[ "$(jq '[.syscalls[] | select(.names == ["socket"])] | length' <<<"$output")" -eq 2 ]
}
