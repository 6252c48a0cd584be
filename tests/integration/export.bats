#!/usr/bin/env bats
# export.bats - the exports of sandbox-policy(1) as their consumers take
# them: runc runs a container under the OCI profile (the fixture's work
# succeeds, a call outside the policy is killed, and each call of runc's
# own init in lib/export.c's table is needed); systemd-analyze verify reads
# the systemd lines without a complaint. minijail is not packaged by
# Debian: its format is tested in policytool.bats only.
#
# The container: a rootfs holding the rare and argescape fixtures built
# statically (each policy is learned on that same binary, natively), the
# config of
# `runc spec` without a network namespace (rare listens on 127.0.0.1 and
# lo is down in a new one). Every run is bounded; each container is
# deleted by its own name.

bats_require_minimum_version 1.5.0

load run_helpers

setup_file() {
	sbr_init
	local D=$BATS_FILE_TMPDIR/bundle
	mkdir -p "$D/rootfs/bin"
	gcc -static -O1 -o "$D/rootfs/bin/rare" "$BATS_TEST_DIRNAME/../fixtures/rare.c"
	gcc -static -O1 -o "$D/rootfs/bin/argescape" "$BATS_TEST_DIRNAME/../fixtures/argescape.c"
	"$PROFILE" -q -o "$BATS_FILE_TMPDIR/rare.ini" -- "$D/rootfs/bin/rare" common >/dev/null
	# as args.bats learns it: conditions by default, and none (the control)
	local a
	for a in danger off; do
		timeout -k 5 60 "$PROFILE" -q --phase-marker=accept --args=$a -o "$BATS_FILE_TMPDIR/ae-$a.ini" -- \
			"$D/rootfs/bin/argescape" plain >/dev/null </dev/null
	done
}

setup() {
	sbr_init
	TOOL=$SB_BUILD/sandbox-policy
	B=$BATS_FILE_TMPDIR/bundle
	RARE=$BATS_FILE_TMPDIR/rare.ini
	AE=$BATS_FILE_TMPDIR/ae-danger.ini
	CTRS=()
}

teardown() {
	local c
	for c in "${CTRS[@]}"; do
		runc delete -f "$c" >/dev/null 2>&1 || true
	done
}

# runc_ready - skip (with the reason) where runc cannot run a container at
# all here; fail in CI. A container without any profile must print "done".
runc_ready() {
	require_programs runc jq
	[[ $(id -u) == 0 ]] || skip "runc needs root"
	make_config "$B/config.json" '{}' rare common
	run_container
	[[ $status == 0 && $output == *done* ]] && return 0
	[[ ${CI:-} == true ]] && { echo "runc cannot run a container: $output" >&2; return 1; }
	skip "runc cannot run a container here: ${output##*$'\n'}"
}

# make_config FILE SECCOMP-JSON ARGS...: runc's default spec, no terminal,
# no network namespace, linux.seccomp (null for '{}'), process.args.
make_config() {
	local f=$1 sc=$2
	shift 2
	(cd "$B" && rm -f config.json && runc spec)
	jq --argjson sc "$sc" --args '.process.terminal = false | .process.args = ["/bin/" + $ARGS.positional[0]] + $ARGS.positional[1:]
		| del(.linux.namespaces[] | select(.type == "network"))
		| if $sc == {} then del(.linux.seccomp) else .linux.seccomp = $sc end' "$@" <"$B/config.json" >"$f.new"
	mv "$f.new" "$f"
}

# run_container: `runc run` of the bundle under a fresh name, bounded; stdin
# is /dev/null (runc would read the caller's: a loop's input).
run_container() {
	local name=sbtest-$$-$BATS_TEST_NUMBER-${#CTRS[@]}
	CTRS+=("$name")
	run timeout -k 5 60 runc run --bundle "$B" "$name" </dev/null
	printf '# runc run %s: status %s\n%s\n' "$name" "$status" "$output" >&2
}

@test "OCI: the exported profile runs the fixture's work in runc; a call outside the policy is killed" {
	runc_ready
	"$TOOL" export --format=oci "$RARE" >"$BATS_TEST_TMPDIR/rare.json"
	make_config "$B/config.json" "$(cat "$BATS_TEST_TMPDIR/rare.json")" rare common
	run_container
	[ "$status" -eq 0 ]
	assert_contains "$output" "serving call=read ret=8"
	assert_contains "$output" "done"
	# getcwd: an ordinary call outside the baseline the training never made
	make_config "$B/config.json" "$(cat "$BATS_TEST_TMPDIR/rare.json")" rare getcwd
	run_container
	[ "$status" -eq 159 ]
	refute_contains "$output" "serving call=getcwd"
}

# Issue 8's conditions in a container: the export of a policy learned from
# argescape holds them as masked compares (and clone3 -> ENOSYS), the
# normal work passes (threads and fork through clone), and the escapes are
# killed by the compares: the same modes under the export of a policy
# learned without conditions go through.
@test "OCI: argument conditions hold in runc; the learned work passes, PROT_EXEC and AF_NETLINK are killed" {
	runc_ready
	local j=$BATS_TEST_TMPDIR/ae.json mode
	"$TOOL" export --format=oci "$AE" >"$j"
	jq -e '[.syscalls[] | select(.names == ["mprotect"])] | length == 1 and .[0].args ==
		[{"index": 2, "value": 4, "valueTwo": 0, "op": "SCMP_CMP_MASKED_EQ"}]' "$j"
	jq -e '[.syscalls[] | select(.names == ["socket"]) | .args[0] | select(.value == 4294967295 and .valueTwo == 2)] | length == 1' "$j"
	jq -e '.syscalls[] | select(.names == ["clone3"]) | .action == "SCMP_ACT_ERRNO" and .errnoRet == 38' "$j"
	# no rule on the number alone beside the argument rules of a call
	jq -e '[.syscalls[] | select(.args != null) | .names[]] as $c |
		[.syscalls[] | select(.args == null) | .names[] | select(. as $n | $c | index($n))] == []' "$j"
	make_config "$B/config.json" "$(cat "$j")" argescape plain
	run_container
	[ "$status" -eq 0 ]
	assert_contains "$output" "clone3 ENOSYS"
	assert_contains "$output" "done"
	for mode in mprotect-exec netlink; do
		make_config "$B/config.json" "$(cat "$j")" argescape "$mode"
		run_container
		[ "$status" -eq 159 ]
		refute_contains "$output" "ESCAPE"
	done
	# the control: without conditions the same calls go through
	"$TOOL" export --format=oci "$BATS_FILE_TMPDIR/ae-off.ini" >"$j"
	make_config "$B/config.json" "$(cat "$j")" argescape mprotect-exec
	run_container
	[ "$status" -eq 0 ]
	assert_contains "$output" "ESCAPE mprotect-exec returned 0"
}

# The table of runc's init calls holds nothing more than runc needs: each
# entry the policy does not allow itself, taken out of the profile, stops
# the container. futex is left out of this check: it is the Go runtime
# waking another thread, which a run may not need (it was measured once).
@test "OCI: every call of runc's init table that the policy lacks is needed" {
	runc_ready
	"$TOOL" export --format=oci "$RARE" >"$BATS_TEST_TMPDIR/rare.json"
	"$TOOL" union -o "$BATS_TEST_TMPDIR/u.ini" "$RARE"
	"$RUN" --check -v --policy "$BATS_TEST_TMPDIR/u.ini" | sed -n 's/^init: [0-9]* calls effective (F1): //p' |
		tr ',' '\n' | tr -d ' ' | sort >"$BATS_TEST_TMPDIR/policy-allows"
	jq -r '.syscalls[] | select(.action == "SCMP_ACT_ALLOW") | .names[]' "$BATS_TEST_TMPDIR/rare.json" | sort -u |
		comm -23 - "$BATS_TEST_TMPDIR/policy-allows" >"$BATS_TEST_TMPDIR/runc-only"
	cat "$BATS_TEST_TMPDIR/runc-only" >&2
	[ -s "$BATS_TEST_TMPDIR/runc-only" ]
	local c n=0
	while read -r c; do
		[[ $c == futex ]] && continue
		make_config "$B/config.json" "$(jq --arg c "$c" '.syscalls[0].names -= [$c]' "$BATS_TEST_TMPDIR/rare.json")" rare common
		run_container
		if [[ $status == 0 ]]; then
			echo "the container ran without $c: the table holds a call runc does not need" >&2
			return 1
		fi
		n=$((n + 1))
	done <"$BATS_TEST_TMPDIR/runc-only"
	[ "$n" -gt 0 ]
}

# The learned policy has argument conditions, which SystemCallFilter=
# cannot hold: the lines are the union without them (--drop-conditions).
@test "systemd: systemd-analyze verify takes the SystemCallFilter= lines and the sandbox-run drop-in" {
	require_programs systemd-analyze
	local u=$BATS_TEST_TMPDIR/sbtest.service
	{
		printf '[Unit]\nDescription=export test\n[Service]\nExecStart=%s common\n' "$FIX/rare"
		"$TOOL" export --format=systemd --drop-conditions "$RARE"
	} >"$u"
	grep -qx 'SystemCallArchitectures=native' "$u"
	run --separate-stderr timeout -k 5 60 systemd-analyze verify "$u"
	printf '# verify: status %s\n%s\n%s\n' "$status" "$output" "$stderr" >&2
	if [[ $status != 0 && $stderr == *"ystem has not been booted with systemd"* ]]; then
		skip "systemd-analyze verify needs systemd here: $stderr"
	fi
	[ "$status" -eq 0 ]
	# verify only warns about a name it cannot parse: no warning at all
	refute_contains "$stderr$output" "Failed to parse"
	refute_contains "$stderr$output" "ignoring"
	{
		printf '[Unit]\nDescription=export test\n[Service]\nExecStart=%s common\n' "$FIX/rare"
		"$TOOL" export --format=systemd --exec-start="$FIX/rare common" "$RARE"
	} >"$u"
	grep -q "^ExecStart=$SB_BUILD/sandbox-run --policy $RARE -- $FIX/rare common\$" "$u"
	run --separate-stderr timeout -k 5 60 systemd-analyze verify "$u"
	[ "$status" -eq 0 ]
	refute_contains "$stderr$output" "ignoring"
	# the negative control: a name systemd cannot parse is seen
	sed -i 's/^SystemCallArchitectures=native$/&\nSystemCallFilter=no_such_call/' "$u"
	run --separate-stderr timeout -k 5 60 systemd-analyze verify "$u"
	assert_contains "$stderr$output" "no_such_call"
}
